//! Importers: other API descriptions turned into accord specs that a person keeps editing.
//! Whatever cannot be mapped is reported as a located [`ImportWarning`] (a JSON pointer into
//! the source document), never silently dropped.

pub mod openapi;

use crate::diag::Diagnostic;

/// Something of the source document the spec does not carry, or carries approximately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportWarning {
    /// JSON pointer of the node in the source document (`/paths/~1pets/get/parameters/0`).
    pub pointer: String,
    /// What was not mapped and what became of it.
    pub message: String,
}

impl std::fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}: {}", self.pointer, self.message)
    }
}

/// An imported spec.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The spec's name (`petstore`).
    pub name: String,
    /// The spec as YAML text, keys in a stable, readable order.
    pub yaml: String,
    /// What was not mapped.
    pub warnings: Vec<ImportWarning>,
}

/// Why a document was not imported: every problem as a located diagnostic (the document's
/// line and column), rendered like `check`'s.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportError {
    /// The problems, in the order found; at least one.
    pub diagnostics: Vec<Diagnostic>,
}

impl ImportError {
    /// Every diagnostic rendered with a snippet of `source`, `file:line:col` first.
    pub fn render(&self, file_name: &str, source: &str) -> String {
        self.diagnostics.iter().map(|d| d.render(file_name, source)).collect::<Vec<_>>().join("\n")
    }
}

impl std::fmt::Display for ImportError {
    /// One line per diagnostic: `line:col: [code] message`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (index, diagnostic) in self.diagnostics.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}
