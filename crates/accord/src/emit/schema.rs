//! The JSON Schema of the spec language, `accord.schema.json`: one file for the whole project,
//! the same whatever the specs (editors validate specs against it).

use std::path::PathBuf;

use super::emitter::{Context, Emitter, GeneratedFile};
use crate::ir::Ir;

/// `accord.schema.json`, derived by schemars from the spec types (`crate::spec::schema`).
#[derive(Debug, Clone, Copy)]
pub struct LanguageSchema;

impl Emitter for LanguageSchema {
    fn name(&self) -> &'static str {
        "schema"
    }

    fn project_files(&self, _specs: &[&Ir], _context: &Context<'_>) -> Result<Vec<GeneratedFile>, String> {
        let schema = crate::spec::schema::json_schema();
        let mut schema_text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        schema_text.push('\n');
        Ok(vec![GeneratedFile { path: PathBuf::from("accord.schema.json"), contents: schema_text }])
    }
}
