//! The JSON Schema of the spec language, `accord.schema.json`: one file for the whole project,
//! the same whatever the specs (editors validate specs against it).

use std::path::PathBuf;

use super::emitter::{Context, Emitter, GeneratedFile};
use crate::ir::Ir;

/// `generated/accord.schema.json` as committed, which is what schemars derives from the spec
/// types (`crate::spec::schema::json_schema`, printed by `accord schema`): the test below
/// keeps the two equal. Embedded rather than derived on every run, where schemars' walk of
/// the spec types was a sixth of generating Petstore (issue 22). After changing a spec type,
/// refresh it with `cargo run -- schema > generated/accord.schema.json`.
const COMMITTED: &str = include_str!("../../../../generated/accord.schema.json");

/// `accord.schema.json` (see [`COMMITTED`]).
#[derive(Debug, Clone, Copy)]
pub struct LanguageSchema;

impl Emitter for LanguageSchema {
    fn name(&self) -> &'static str {
        "schema"
    }

    fn project_files(&self, _specs: &[&Ir], _context: &Context<'_>) -> Result<Vec<GeneratedFile>, String> {
        Ok(vec![GeneratedFile { path: PathBuf::from("accord.schema.json"), contents: COMMITTED.to_string() }])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_committed_schema_is_the_one_schemars_derives_from_the_spec_types() {
        let mut derived = serde_json::to_string_pretty(&crate::spec::schema::json_schema()).unwrap();
        derived.push('\n');
        assert!(
            super::COMMITTED == derived,
            "generated/accord.schema.json is not the schema of the spec types: refresh it with \
             `cargo run -- schema > generated/accord.schema.json`"
        );
    }
}
