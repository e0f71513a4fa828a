//! Emitters: pure functions from the IR to files (no I/O). Each output is an [`Emitter`]
//! registered in [`emitters`]; [`generate`] runs them all for `accord generate` and
//! [`build_script_files`] for `accord::compile`. Rust is built as syntax trees with syn/quote
//! and printed by prettyplease; text files come from minijinja templates.
//!
//! Adding an output (an OpenAPI export, a TypeScript client) is a module with a unit struct
//! that implements [`Emitter`] (see its contract), and one line in [`emitters`].

pub mod checklist;
pub mod contract;
pub mod docs;
pub mod docs_split;
mod emitter;
pub mod examples;
pub mod openapi;
pub mod prose;
pub mod runtime_dependency;
pub mod rust;
pub mod schema;
pub mod templates;
pub mod tests;

use std::path::PathBuf;

pub use self::emitter::{
    Context, Emitter, GeneratedFile, GitReference, Options, RuntimeDependency, TemplateValues, generated_notice,
};
use crate::ir::Ir;

/// Every output accord makes, in a fixed order: when several fail, the first one's error is
/// reported (the client crates' first, as when everything was made one after another).
pub fn emitters() -> &'static [&'static dyn Emitter] {
    &[&rust::RustClient, &ContractTests, &examples::ExampleTests, &ContractJson, &DocsBook, &schema::LanguageSchema]
}

/// Operations and types (summed over the specs) under which the emitters run one after another
/// on the calling thread: a second thread costs about a millisecond to start and to give its
/// allocator fresh pages, which is what it saves on a spec this small (the OpenAPI Petstore,
/// 3 operations and 3 models, generated in 12.6 ms instead of 13.3 ms; the Swagger Petstore,
/// 19 operations, is even; Twilio Messaging, 58, is faster on two threads).
const SMALL_API_ITEMS: usize = 32;

/// Operations and types (summed over the specs) past which the emitters run one at a time,
/// to bound memory rather than wall time. The full GitHub and Stripe descriptions (about 1,600
/// and 6,500) stay parallel; Microsoft Graph's beta (about 56,800) does not.
const LARGE_API_ITEMS: usize = 20_000;

/// Generates every file for the given specs: every registered emitter's files for each spec
/// and for the project (per spec a client crate with its contract tests and `contract.json`,
/// the docs book under `docs/` (see [`generate_docs`]), and `accord.schema.json`), sorted by
/// path.
///
/// Errors: a template fails to render (message names the template and line), or a docs page
/// links to an anchor it does not have.
pub fn generate(specs: &[&Ir], options: &Options) -> Result<Vec<GeneratedFile>, String> {
    let templates = templates::Templates::new(options.templates_dir.as_deref())?;
    // Outputs do not depend on one another, so the emitters run on as many threads as there
    // are cores, each thread taking the next emitter in registry order (and the client
    // crates' large files are printed on every thread besides). Not one thread per emitter:
    // their working memory adds up. For an API past `LARGE_API_ITEMS` operations and types
    // the emitters run one after another (the large files are still printed on every core):
    // Microsoft Graph's beta document (22,005 endpoints, 34,754 models) needed 2.3 GB with
    // the client crate and the docs book built at once.
    let items: usize = specs.iter().map(|ir| ir.operations.len() + ir.types.len()).sum();
    // Under `SMALL_API_ITEMS` one thread too: starting a second costs what it saves.
    let threads = if (SMALL_API_ITEMS..=LARGE_API_ITEMS).contains(&items) {
        crate::parallel::available_threads().min(emitters().len())
    } else {
        1
    };
    // The IR as a template value is made once per spec and shared, except where memory is what
    // bounds the run (then each emitter's copy is freed when it is done).
    let template_values =
        if items > LARGE_API_ITEMS { TemplateValues::unshared() } else { TemplateValues::shared(specs) };
    let context = &Context { options, templates: &templates, template_values: &template_values };
    // The first error in registry order, as before.
    let outputs =
        crate::parallel::map_in_order(emitters().len(), threads, |index| run(emitters()[index], specs, context));
    // A large spec's template values (a copy of its IR as minijinja values) are freed on
    // another thread while the files are sorted, hashed and written: freed here, they took
    // GitHub's and Stripe's last emitter thread ≈ 10 and 15 ms (perf) while the other waited.
    // For a caller that exits once the files are written, they are not freed at all: freed
    // beside the hashing of Stripe's files, they kept one of the two threads ≈ 8 ms (perf).
    if options.exits_after {
        std::mem::forget(template_values);
    } else if items >= crate::parallel::LARGE_SPEC_ITEMS {
        crate::parallel::drop_in_background(template_values.into_values());
    }
    let mut files = Vec::new();
    for output in outputs {
        files.extend(output?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// One emitter's files: each spec's, in order, then the project's.
fn run(emitter: &dyn Emitter, specs: &[&Ir], context: &Context<'_>) -> Result<Vec<GeneratedFile>, String> {
    let mut files = Vec::new();
    for ir in specs {
        files.extend(emitter.spec_files(ir, context)?);
    }
    files.extend(emitter.project_files(specs, context)?);
    Ok(files)
}

/// The files a build script writes into `OUT_DIR` for one spec: every registered emitter's
/// [`Emitter::build_script_files`] (today `NAME.rs`, the client as inline modules, and
/// `NAME.contract.json`), in registry order.
pub fn build_script_files(ir: &Ir) -> Vec<GeneratedFile> {
    emitters().iter().flat_map(|emitter| emitter.build_script_files(ir)).collect()
}

/// Generates only the docs book, paths relative to the book's root: `book.toml`,
/// `mermaid-init.js`, `src/SUMMARY.md`, `src/index.md` and `src/NAME.md` per spec
/// (`mdbook build` in that folder makes the HTML book).
///
/// Errors: as [`generate`].
pub fn generate_docs(specs: &[&Ir], options: &Options) -> Result<Vec<GeneratedFile>, String> {
    let templates = templates::Templates::new(options.templates_dir.as_deref())?;
    docs::book(specs, &templates, &TemplateValues::shared(specs))
}

// The three emitters below predate the trait; their impls live here so that their modules
// stay as they were.

/// The contract tests of a client crate, `NAME/tests/contract.rs` ([`tests`]).
#[derive(Debug, Clone, Copy)]
pub struct ContractTests;

impl Emitter for ContractTests {
    fn name(&self) -> &'static str {
        "contract-tests"
    }

    fn spec_files(&self, ir: &Ir, _context: &Context<'_>) -> Result<Vec<GeneratedFile>, String> {
        Ok(vec![tests::generate(ir)])
    }
}

/// The contract, `NAME/contract.json` beside the client crate ([`contract`]); for a build
/// script, `NAME.contract.json`, for `accord mock` in the including crate's tests.
#[derive(Debug, Clone, Copy)]
pub struct ContractJson;

impl Emitter for ContractJson {
    fn name(&self) -> &'static str {
        "contract"
    }

    fn spec_files(&self, ir: &Ir, _context: &Context<'_>) -> Result<Vec<GeneratedFile>, String> {
        Ok(vec![contract::generate(ir)])
    }

    fn build_script_files(&self, ir: &Ir) -> Vec<GeneratedFile> {
        vec![contract::generate_as(ir, PathBuf::from(format!("{}.contract.json", ir.name)))]
    }
}

/// The mdBook of every spec under `docs/` ([`docs`]).
#[derive(Debug, Clone, Copy)]
pub struct DocsBook;

impl Emitter for DocsBook {
    fn name(&self) -> &'static str {
        "docs"
    }

    fn project_files(&self, specs: &[&Ir], context: &Context<'_>) -> Result<Vec<GeneratedFile>, String> {
        let book = docs::book(specs, context.templates, context.template_values)?;
        Ok(book
            .into_iter()
            .map(|file| GeneratedFile { path: PathBuf::from("docs").join(file.path), contents: file.contents })
            .collect())
    }
}

#[cfg(test)]
mod registry_tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    fn orders() -> Ir {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/orders.yaml");
        let source = std::fs::read_to_string(&path).expect("the orders spec");
        crate::project::compile_spec(Path::new("specs/orders.yaml"), &source).expect("orders compiles").ir
    }

    #[test]
    fn emitters_have_unique_names_and_never_make_the_same_file() {
        let names: BTreeSet<&str> = emitters().iter().map(|emitter| emitter.name()).collect();
        assert_eq!(names.len(), emitters().len(), "{names:?}");
        let ir = orders();
        let options = Options::default();
        let templates = templates::Templates::new(None).expect("the embedded templates load");
        let template_values = TemplateValues::shared(&[&ir]);
        let context = Context { options: &options, templates: &templates, template_values: &template_values };
        let mut seen = BTreeSet::new();
        for emitter in emitters() {
            let files = run(*emitter, &[&ir], &context).expect("generates");
            for file in files.iter().chain(&emitter.build_script_files(&ir)) {
                assert!(
                    seen.insert(file.path.clone()),
                    "{} made twice (again by `{}`)",
                    file.path.display(),
                    emitter.name()
                );
            }
        }
        let generated: BTreeSet<_> =
            generate(&[&ir], &options).expect("generates").into_iter().map(|file| file.path).collect();
        let build_script: BTreeSet<_> = build_script_files(&ir).into_iter().map(|file| file.path).collect();
        assert_eq!(build_script, BTreeSet::from([PathBuf::from("orders.rs"), PathBuf::from("orders.contract.json")]));
        assert_eq!(seen, &generated | &build_script);
    }
}
