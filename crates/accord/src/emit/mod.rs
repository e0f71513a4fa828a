//! Emitters: pure functions from the IR to files (no I/O). Rust is built as syntax trees
//! with syn/quote and printed by prettyplease; text files come from minijinja templates.

pub mod contract;
pub mod docs;
mod emitter;
pub mod rust;
pub mod templates;
pub mod tests;

use std::path::PathBuf;

pub use self::emitter::{GeneratedFile, Options, generated_notice};
use crate::ir::Ir;

/// Generates every file for the given specs: per spec a client crate, the docs book under
/// `docs/` (see [`generate_docs`]), and `accord.schema.json`.
///
/// Errors: a template fails to render (message names the template and line), or a docs page
/// links to an anchor it does not have.
pub fn generate(specs: &[&Ir], options: &Options) -> Result<Vec<GeneratedFile>, String> {
    let templates = templates::Templates::new(options.templates_dir.as_deref())?;
    // The docs book and the contracts do not depend on the client crates, so threads of their
    // own make them while this one builds the crates (whose large files use every thread too).
    let (clients, book, contracts) = std::thread::scope(|scope| {
        let contracts = scope.spawn(|| specs.iter().map(|ir| contract::generate(ir)).collect::<Vec<_>>());
        let book = scope.spawn(|| docs::book(specs, &templates));
        let clients = (|| -> Result<Vec<GeneratedFile>, String> {
            let mut files = Vec::new();
            for ir in specs {
                files.extend(rust::generate(ir, options, &templates)?);
                files.push(tests::generate(ir));
            }
            Ok(files)
        })();
        let book = book.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (clients, book, contracts.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    // The crates' errors come first, as when everything was made in that order.
    let mut files = clients?;
    files.extend(contracts);
    for file in book? {
        files.push(GeneratedFile { path: PathBuf::from("docs").join(file.path), contents: file.contents });
    }
    let schema = crate::spec::schema::json_schema();
    let mut schema_text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    schema_text.push('\n');
    files.push(GeneratedFile { path: PathBuf::from("accord.schema.json"), contents: schema_text });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Generates only the docs book, paths relative to the book's root: `book.toml`,
/// `mermaid-init.js`, `src/SUMMARY.md`, `src/index.md` and `src/NAME.md` per spec
/// (`mdbook build` in that folder makes the HTML book).
///
/// Errors: as [`generate`].
pub fn generate_docs(specs: &[&Ir], options: &Options) -> Result<Vec<GeneratedFile>, String> {
    let templates = templates::Templates::new(options.templates_dir.as_deref())?;
    docs::book(specs, &templates)
}
