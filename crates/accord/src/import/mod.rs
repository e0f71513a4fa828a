//! Importers: other API descriptions turned into accord specs that a person keeps editing.
//! Whatever cannot be mapped is reported as a located [`ImportWarning`] (the file of a
//! multi-file description, its line and column, and the JSON pointer of the node in that file),
//! never silently dropped.

pub mod openapi;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, Location};

/// Something of the source document the spec does not carry, or carries approximately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportWarning {
    /// JSON pointer of the node in the file it is in (`/paths/~1pets/get/parameters/0`).
    pub pointer: String,
    /// What was not mapped and what became of it.
    pub message: String,
    /// The file the node is in, relative to the root document's folder (`paths/pets.yaml`,
    /// or the root document's own name); `None` for a document imported from text.
    pub file: Option<PathBuf>,
    /// Where the node (or its nearest located ancestor) starts in that file.
    pub location: Option<Location>,
}

impl ImportWarning {
    /// A warning at `pointer` of the document, not yet located.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        ImportWarning { pointer: pointer.into(), message: message.into(), file: None, location: None }
    }
}

impl std::fmt::Display for ImportWarning {
    /// `file:line:col: #pointer: message`, with what is known of the file and the position.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}:", file.display())?;
        }
        if let Some(location) = self.location {
            write!(f, "{}:{}:", location.line, location.column)?;
        }
        if self.file.is_some() || self.location.is_some() {
            write!(f, " ")?;
        }
        write!(f, "#{}: {}", self.pointer, self.message)
    }
}

/// A file of a multi-file description that a diagnostic is in.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    /// Its path relative to the root document's folder (`paths/pets.yaml`).
    pub path: PathBuf,
    /// Its text, for the snippet.
    pub text: Arc<str>,
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
    /// The file of each diagnostic that is not in the document given (a file a `$ref` of a
    /// multi-file description names), by the diagnostic's index; shorter than `diagnostics`
    /// (or empty) where the rest are in the document given.
    pub files: Vec<Option<SourceFile>>,
}

impl ImportError {
    /// An error of diagnostics in the document given.
    pub fn new(diagnostics: Vec<Diagnostic>) -> Self {
        ImportError { diagnostics, files: Vec::new() }
    }

    /// Every diagnostic rendered with a snippet, `file:line:col` first: of `source`, the document
    /// given, named `file_name`, or of the file the diagnostic is in, named by its path from
    /// `file_name`'s folder.
    pub fn render(&self, file_name: &str, source: &str) -> String {
        self.diagnostics
            .iter()
            .enumerate()
            .map(|(index, diagnostic)| match self.files.get(index) {
                Some(Some(file)) => {
                    let shown = Path::new(file_name).parent().unwrap_or(Path::new("")).join(&file.path);
                    diagnostic.render(&shown.display().to_string(), &file.text)
                }
                _ => diagnostic.render(file_name, source),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl std::fmt::Display for ImportError {
    /// One line per diagnostic: `line:col: [code] message`, after `file:` for one in another
    /// file than the document given.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (index, diagnostic) in self.diagnostics.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            if let Some(Some(file)) = self.files.get(index) {
                write!(f, "{}:", file.path.display())?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}
