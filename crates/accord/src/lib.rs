//! accord: compiles integration specs (one YAML file per external HTTP API) into a typed Rust
//! client crate, Markdown docs and a contract test suite.
//!
//! Pipeline (each stage a module with one entry point): [`spec::load`] (YAML + JSON Schema +
//! serde) → [`check::check`] (semantic rules) → [`lower::lower`] (→ [`ir::Ir`]) →
//! [`emit::generate`] (Rust via syn/quote/prettyplease, Markdown via minijinja) →
//! [`write::write_files`] (only changed files, the run whole or not at all, or `--check`).

pub mod build;
pub mod check;
pub mod conformance;
pub mod diag;
pub mod emit;
pub mod import;
pub mod ir;
pub(crate) mod json_fields;
pub mod lower;
pub mod markdown;
pub mod names;
pub mod parallel;
pub mod project;
pub mod spec;
#[cfg(test)]
mod test_util;
mod type_refs;
pub mod units;
pub mod write;

pub use build::{BuildError, Config, compile};
pub use diag::{Diagnostic, Severity};
/// Where a build script's crate takes `accord-runtime` from ([`Config::runtime`]).
pub use emit::{GitReference, RuntimeDependency};
pub use project::{CompiledSpec, Failure, compile_spec, compile_specs, spec_files};
