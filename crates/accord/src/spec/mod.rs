//! Front end: spec text → JSON value with positions (`yaml`) → schema-checked (`schema`) →
//! typed [`Spec`] (serde). Problems are collected as diagnostics, never panics.

pub mod auth_flows;
pub mod groups;
pub mod operational;
pub mod partial;
pub mod presets;
pub mod schema;
pub mod strict;
pub mod types;
pub mod yaml;

pub use auth_flows::*;
pub use groups::Group;
pub use operational::{Cache, CircuitBreaker, CircuitScope, EndpointCache, Health, HealthBody};
pub use types::*;
pub use yaml::Positions;

use crate::diag::{Diagnostic, codes};

/// What loading one spec file gives: the typed spec when it parsed, the node positions, and
/// every problem found on the way.
#[derive(Debug)]
pub struct Loaded {
    /// The typed spec; `None` when YAML or schema errors prevent parsing.
    pub spec: Option<Spec>,
    /// Line/column of every node, by JSON pointer.
    pub positions: Positions,
    /// Problems found while loading.
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads one spec from its text: YAML, then serde, then (only when serde refuses it) the JSON
/// Schema check that says where and what was expected.
pub fn load(source: &str) -> Loaded {
    let (value, positions) = match yaml::parse(source) {
        Ok(parsed) => parsed,
        Err(diagnostics) => {
            return Loaded { spec: None, positions: Positions::default(), diagnostics };
        }
    };
    if value.is_null() {
        let diagnostic = Diagnostic::new(codes::schema::EMPTY_SPEC, "the spec is empty")
            .at("")
            .help("start with `accord: 1`, `name: …` and `endpoints:`");
        let location = Some(crate::diag::Location { line: 1, column: 1, offset: 0 });
        return Loaded { spec: None, positions, diagnostics: vec![Diagnostic { location, ..diagnostic }] };
    }
    if !value.is_object() {
        let diagnostic = Diagnostic::new(codes::schema::WRONG_TYPE, "expected the spec to be a mapping of keys")
            .at("")
            .help("start with `accord: 1`, `name: …` and `endpoints:`");
        let location = positions.value("");
        return Loaded { spec: None, positions, diagnostics: vec![Diagnostic { location, ..diagnostic }] };
    }
    // Serde first. The schema is made from the same types (schemars), and `strict` reads a
    // struct from a mapping only, as the schema does; so a value serde takes is one the schema
    // takes: `tests/specs/schema_agreement.rs` checks it on every node of every spec, replaced
    // by each kind of wrong value. Only a value serde refuses needs the
    // schema's located diagnostics, and compiling the schema's validator costs about a third
    // of generating a small spec. Plain serde also skips tracking the path of every value,
    // which costs as much again: the path is found by deserializing a second time when the
    // schema finds nothing.
    if let Ok(spec) = strict::from_value::<Spec>(&value) {
        return Loaded { spec: Some(spec), positions, diagnostics: Vec::new() };
    }
    let diagnostics = schema::validate(&value, &positions);
    if !diagnostics.is_empty() {
        return Loaded { spec: None, positions, diagnostics };
    }
    match serde_path_to_error::deserialize::<_, Spec>(strict::Strict(&value)) {
        Ok(spec) => Loaded { spec: Some(spec), positions, diagnostics },
        Err(error) => {
            // The schema and the types come from one definition, so this is rare; still
            // report it located rather than fail.
            let pointer = path_to_pointer(&error.path().to_string());
            let location = positions.value(&pointer);
            let diagnostic =
                Diagnostic::new(codes::schema::INVALID, format!("invalid value: {}", error.inner())).at(pointer);
            Loaded { spec: None, positions, diagnostics: vec![Diagnostic { location, ..diagnostic }] }
        }
    }
}

fn path_to_pointer(path: &str) -> String {
    if path == "." {
        return String::new();
    }
    let mut pointer = String::new();
    for part in path.split('.') {
        let (key, index) = match part.find('[') {
            Some(at) => (&part[..at], Some(part[at + 1..].trim_end_matches(']'))),
            None => (part, None),
        };
        if !key.is_empty() {
            pointer = crate::diag::join_pointer(&pointer, key);
        }
        if let Some(index) = index {
            pointer = format!("{pointer}/{index}");
        }
    }
    pointer
}
