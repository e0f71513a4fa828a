//! Compiling specs from a consumer crate's `build.rs`, in the style of prost-build:
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), accord::BuildError> {
//!     accord::compile("specs/orders.yaml")
//! }
//! ```
//!
//! ```text
//! // src/lib.rs
//! pub mod orders {
//!     accord_runtime::include_client!("orders"); // include!(concat!(env!("OUT_DIR"), "/orders.rs"))
//! }
//! ```
//!
//! For each spec it writes `OUT_DIR/NAME.rs` (the client as one module, from the same emitter
//! as a generated crate's `src/`) and `OUT_DIR/NAME.contract.json` (for `accord mock` in the
//! consumer's tests), prints `cargo:rerun-if-changed` for every spec it reads, turns warnings
//! into `cargo:warning` lines with `file:line:col`, and fails with the rendered diagnostics.
//!
//! An OpenAPI description may stand where a spec does (`accord::compile("openapi.json")`, a
//! `.json` file, or YAML with a top-level `openapi` or `swagger` key): it is imported in memory
//! as `accord generate api.json` imports it, the module named after its `info.title`
//! (`Swagger Petstore` → `swagger_petstore.rs`), and every file of a description split over
//! files is watched.

use std::fmt;
use std::path::{Path, PathBuf};

pub mod runtime;

use crate::emit::RuntimeDependency;

use crate::project::{CompiledSpec, compile_spec, name_conflicts};

/// Compiles one spec into `OUT_DIR` with the default [`Config`].
///
/// Errors: see [`Config::compile`].
pub fn compile(spec: impl AsRef<Path>) -> Result<(), BuildError> {
    Config::new().compile(&[spec]).map(|_| ())
}

/// Build-script settings. Defaults: write into `OUT_DIR`, print `cargo:rerun-if-changed`.
#[derive(Debug, Clone)]
pub struct Config {
    out_dir: Option<PathBuf>,
    emit_rerun_if_changed: bool,
    runtime: Option<RuntimeDependency>,
    runtime_features_warning: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

impl Config {
    /// The defaults.
    pub fn new() -> Config {
        Config { out_dir: None, emit_rerun_if_changed: true, runtime: None, runtime_features_warning: true }
    }

    /// Writes into `dir` instead of the build script's `OUT_DIR`.
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Config {
        self.out_dir = Some(dir.into());
        self
    }

    /// Whether to print `cargo:rerun-if-changed=SPEC` for every spec read (default: yes), so
    /// cargo reruns the build script when a spec changes and only then.
    pub fn emit_rerun_if_changed(&mut self, yes: bool) -> &mut Config {
        self.emit_rerun_if_changed = yes;
        self
    }

    /// Where the crate takes `accord-runtime` from, for the dependency line written into
    /// `OUT_DIR/accord-runtime.toml` and the features warning: a path, a git repository or a
    /// registry version, as `accord generate --runtime-path/--runtime-git/--runtime-version`.
    /// A build script cannot change its crate's `Cargo.toml`, so this only shapes the line to
    /// copy. Default: the `accord-runtime` folder beside this accord's sources when they are on
    /// disk (a path or git dependency), else this accord's version.
    pub fn runtime(&mut self, source: RuntimeDependency) -> &mut Config {
        self.runtime = Some(source);
        self
    }

    /// Whether to print one `cargo:warning` naming the `accord-runtime` features the specs
    /// need (default: yes; printed only when the build script runs, which is when a spec
    /// changes). The features are written into `OUT_DIR/accord-runtime.toml` either way.
    pub fn runtime_features_warning(&mut self, yes: bool) -> &mut Config {
        self.runtime_features_warning = yes;
        self
    }

    /// Compiles `specs` (paths relative to the build script's directory, the package root)
    /// and writes `NAME.rs` and `NAME.contract.json` for each; returns the paths written.
    /// All specs are checked before anything is written, and nothing is written when any
    /// has an error.
    ///
    /// Errors: no output folder (`OUT_DIR` unset outside a build script and no
    /// [`Config::out_dir`]); a spec that cannot be read or has errors (every diagnostic,
    /// rendered with `file:line:col` and a source snippet); the folder cannot be written.
    pub fn compile(&self, specs: &[impl AsRef<Path>]) -> Result<Vec<PathBuf>, BuildError> {
        let specs: Vec<&Path> = specs.iter().map(AsRef::as_ref).collect();
        // On a pool of threads the compile's parallel steps share (`parallel::install`).
        crate::parallel::install(|| self.compile_paths(&specs))
    }

    fn compile_paths(&self, specs: &[&Path]) -> Result<Vec<PathBuf>, BuildError> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or(BuildError::NoOutDir)?,
        };
        let mut compiled_specs: Vec<(CompiledSpec, String)> = Vec::new();
        let mut failures = Vec::new();
        for &path in specs {
            if self.emit_rerun_if_changed {
                // Printed before reading, so that fixing a broken spec reruns the build.
                println!("cargo:rerun-if-changed={}", path.display());
            }
            let source = match crate::project::read_source(path) {
                Ok(source) => source,
                Err(failure) => {
                    failures.push(failure.render());
                    continue;
                }
            };
            if crate::project::is_openapi_description(path, &source) {
                match self.compile_openapi(path, &source) {
                    Ok(compiled) => compiled_specs.push(compiled),
                    Err(rendered) => failures.push(rendered),
                }
                continue;
            }
            match compile_spec(path, &source) {
                Ok(compiled) => {
                    for warning in &compiled.warnings {
                        println!("cargo:warning={}", warning.one_line(&path.display().to_string()));
                    }
                    compiled_specs.push((compiled, source));
                }
                Err(failure) => failures.push(report_failure(&failure)),
            }
        }
        // Two specs of one name would write the same `NAME.rs`.
        let with_sources: Vec<(&CompiledSpec, &str)> =
            compiled_specs.iter().map(|(spec, source)| (spec, source.as_str())).collect();
        for conflict in name_conflicts(&with_sources) {
            failures.push(conflict.render());
        }
        if !failures.is_empty() {
            return Err(BuildError::Specs(failures.join("\n")));
        }
        let files: Vec<_> =
            compiled_specs.iter().flat_map(|(compiled, _)| crate::emit::build_script_files(&compiled.ir)).collect();
        // `OUT_DIR` is the build script's own folder: nothing in it was written by hand, and
        // a file an older accord wrote there (without a manifest) is replaced.
        let options = crate::write::WriteOptions { force: true, ..Default::default() };
        crate::write::write_files(&out_dir, &files, &options).map_err(|e| BuildError::Write(e.to_string()))?;
        let mut written: Vec<PathBuf> = files.iter().map(|f| out_dir.join(&f.path)).collect();
        // The runtime features the specs need: a build script cannot enable them, so it says which.
        let source = self.runtime.clone().unwrap_or_else(runtime::default_source);
        let features = runtime::features(compiled_specs.iter().map(|(compiled, _)| &compiled.ir));
        let features_file = out_dir.join(runtime::FILE);
        std::fs::write(&features_file, runtime::file_text(&source, &features))
            .map_err(|e| BuildError::Write(format!("{}: {e}", features_file.display())))?;
        written.push(features_file);
        if self.runtime_features_warning
            && let Some(warning) = runtime::warning(&source, &features)
        {
            println!("cargo:warning={warning}");
        }
        Ok(written)
    }
}

impl Config {
    /// An OpenAPI description given instead of a spec ([`crate::project::compile_openapi`]):
    /// the spec compiled with the text its diagnostics are located in, or the failure
    /// rendered. Every file of the description is watched (`rerun-if-changed`, also a file a
    /// `$ref` named that failed), the import's warnings are counted in one `cargo:warning`
    /// (GitHub's description has 65; `accord import openapi` lists them), the spec's own are
    /// given one each.
    fn compile_openapi(&self, path: &Path, source: &str) -> Result<(CompiledSpec, String), String> {
        use crate::project::ImportFailure;
        let shown = path.display().to_string();
        // The text read already is imported (a copy, not a second read of the file).
        match crate::project::compile_openapi_read(path, Some(source.to_owned())) {
            Ok(imported) => {
                if self.emit_rerun_if_changed {
                    for file in imported.files.iter().skip(1) {
                        println!("cargo:rerun-if-changed={}", file.display());
                    }
                }
                if !imported.warnings.is_empty() {
                    println!(
                        "cargo:warning={shown}: {} import warning(s): parts of the description accord does not map; `accord import openapi {shown}` lists them",
                        imported.warnings.len()
                    );
                }
                let in_spec = format!("{shown} (imported spec)");
                for warning in &imported.compiled.warnings {
                    println!("cargo:warning={}", warning.one_line(&in_spec));
                }
                Ok((imported.compiled, imported.yaml.unwrap_or_default()))
            }
            Err(ImportFailure::Import(error)) => {
                let folder = path.parent().unwrap_or(Path::new(""));
                for (index, diagnostic) in error.diagnostics.iter().enumerate() {
                    let file = error.files.get(index).and_then(Option::as_ref);
                    let file = file.map_or_else(|| path.to_path_buf(), |file| folder.join(&file.path));
                    if self.emit_rerun_if_changed && file != path {
                        println!("cargo:rerun-if-changed={}", file.display());
                    }
                    println!("cargo:warning={}", diagnostic.one_line(&file.display().to_string()));
                }
                Err(error.render(&shown, source))
            }
            Err(ImportFailure::Spec(failure)) => Err(report_failure(&failure)),
        }
    }
}

/// A spec that did not compile: each error as a `cargo:warning` line (`file:line:col`), and
/// every diagnostic rendered, returned for the build's error.
fn report_failure(failure: &crate::project::Failure) -> String {
    let name = failure.path.display().to_string();
    for diagnostic in failure.diagnostics.iter().filter(|d| d.is_error()) {
        println!("cargo:warning={}", diagnostic.one_line(&name));
    }
    failure.render()
}

/// Why a build-script compile failed. `Debug` prints the same text as `Display`, so a
/// `build.rs` whose `main` returns this error shows readable diagnostics.
pub enum BuildError {
    /// Neither `OUT_DIR` (set by cargo for build scripts) nor [`Config::out_dir`].
    NoOutDir,
    /// Specs that cannot be read or have errors: every diagnostic, rendered.
    Specs(String),
    /// The output folder could not be written.
    Write(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NoOutDir => f.write_str(
                "OUT_DIR is not set: accord::compile writes into the build script's OUT_DIR; \
                 call it from build.rs, or set Config::out_dir",
            ),
            BuildError::Specs(rendered) => write!(f, "accord could not compile the specs:\n{rendered}"),
            BuildError::Write(message) => write!(f, "accord could not write its output: {message}"),
        }
    }
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for BuildError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(path: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
    }

    #[test]
    fn writes_the_client_module_and_the_contract() {
        let out = tempfile::tempdir().expect("temp dir");
        let written = Config::new()
            .out_dir(out.path())
            .emit_rerun_if_changed(false)
            .compile(&[repo("specs/orders.yaml")])
            .expect("orders compiles");
        assert_eq!(
            written,
            vec![
                out.path().join("orders.rs"),
                out.path().join("orders.contract.json"),
                out.path().join("accord-runtime.toml")
            ]
        );
        // The runtime line a build script's crate copies: orders declares webhooks.
        let runtime = std::fs::read_to_string(out.path().join("accord-runtime.toml")).expect("runtime file written");
        assert!(runtime.contains(r#""webhooks""#), "{runtime}");
        let module = std::fs::read_to_string(out.path().join("orders.rs")).expect("module written");
        let file = syn::parse_file(&module).expect("the module parses");
        assert!(file.attrs.is_empty(), "include! accepts no inner attributes");
        let modules: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Mod(m) => Some(m.ident.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(modules, ["models", "client", "errors", "webhooks"]);
        assert!(!module.contains("crate::"), "crate-rooted paths would point at the including crate");
        assert!(module.contains("super::errors::Error"));
        let contract = std::fs::read_to_string(out.path().join("orders.contract.json")).expect("contract written");
        assert!(contract.contains("\"name\": \"orders\""));
    }

    #[test]
    fn the_module_holds_the_same_items_as_the_generated_crate() {
        // One emitter, two destinations: each inline module's items are the crate file's
        // items with `crate::` rooted at `super::`.
        let source = std::fs::read_to_string(repo("specs/orders.yaml")).expect("spec");
        let compiled = compile_spec(Path::new("specs/orders.yaml"), &source).expect("compiles");
        let module: syn::File = syn::parse_file(&crate::emit::rust::module_file(&compiled.ir)).expect("parses");
        for name in ["models", "client", "errors", "webhooks"] {
            let crate_file =
                std::fs::read_to_string(repo(&format!("generated/orders/src/{name}.rs"))).expect("generated");
            let crate_items = syn::parse_file(&crate_file).expect("parses").items;
            let inline = module
                .items
                .iter()
                .find_map(|item| match item {
                    syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items.clone()),
                    _ => None,
                })
                .expect("inline module");
            assert_eq!(inline.len(), crate_items.len(), "{name}");
            // The same items in the same order (prettyplease lays the deeper module out
            // differently, so items are compared by kind and name, not by text).
            let names = |items: &[syn::Item]| -> Vec<String> { items.iter().map(item_name).collect() };
            assert_eq!(names(&inline), names(&crate_items), "{name}");
        }
    }

    fn item_name(item: &syn::Item) -> String {
        let tokens = |t: &dyn quote::ToTokens| t.to_token_stream().to_string();
        match item {
            syn::Item::Struct(i) => format!("struct {}", i.ident),
            syn::Item::Enum(i) => format!("enum {}", i.ident),
            syn::Item::Fn(i) => format!("fn {}", i.sig.ident),
            syn::Item::Const(i) => format!("const {}", i.ident),
            syn::Item::Static(i) => format!("static {}", i.ident),
            syn::Item::Type(i) => format!("type {}", i.ident),
            syn::Item::Use(i) => format!("use {}", tokens(&i.tree)).replace("crate", "super"),
            syn::Item::Impl(i) => format!(
                "impl {} for {}",
                i.trait_.as_ref().map(|trait_| tokens(&trait_.1)).unwrap_or_default(),
                tokens(&i.self_ty)
            )
            .replace("crate", "super"),
            other => tokens(other),
        }
    }

    #[test]
    fn a_bad_spec_fails_with_every_diagnostic_located_and_writes_nothing() {
        let out = tempfile::tempdir().expect("temp dir");
        let error = Config::new()
            .out_dir(out.path())
            .emit_rerun_if_changed(false)
            .compile(&[repo("specs/orders.yaml"), repo("tests/bad-specs/unknown_error_code.yaml")])
            .expect_err("the bad spec fails");
        let text = format!("{error:?}");
        assert!(text.contains("unknown_error_code.yaml:23:28: error[spec::unknown_error_code]"), "{text}");
        assert!(text.contains("did you mean `NOT_FOUND`?"), "{text}");
        assert_eq!(std::fs::read_dir(out.path()).expect("lists").count(), 0, "the good spec is not written either");
    }

    #[test]
    fn two_specs_of_one_name_fail_located_and_write_nothing() {
        let specs = tempfile::tempdir().expect("temp dir");
        let out = tempfile::tempdir().expect("temp dir");
        let copy = specs.path().join("orders.yml");
        std::fs::copy(repo("specs/orders.yaml"), &copy).expect("copied");
        let error = Config::new()
            .out_dir(out.path())
            .emit_rerun_if_changed(false)
            .compile(&[repo("specs/orders.yaml"), copy])
            .expect_err("the second spec fails");
        let text = error.to_string();
        assert!(
            text.contains("orders.yml:5:7: error[spec::duplicate_spec]: spec name `orders` is also used by"),
            "{text}"
        );
        assert_eq!(std::fs::read_dir(out.path()).expect("lists").count(), 0);
    }

    #[test]
    fn an_openapi_description_compiles_as_its_imported_spec() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        let out = tempfile::tempdir().expect("temp dir");
        let written = Config::new()
            .out_dir(out.path())
            .emit_rerun_if_changed(false)
            .compile(&[corpus.join("openapi/oai-petstore.yaml")])
            .expect("the Petstore compiles");
        assert_eq!(
            written[..2],
            [out.path().join("swagger_petstore.rs"), out.path().join("swagger_petstore.contract.json")]
        );
        let module = std::fs::read_to_string(&written[0]).expect("module written");
        syn::parse_file(&module).expect("the module parses");
        assert!(module.contains("pub async fn") || module.contains("fn list_pets"), "{module}");
        // A description split over files: every file it was read from is known, to be watched.
        let tree = corpus.join("openapi-trees/redocly-openapi-starter/openapi/openapi.yaml");
        let imported = crate::project::compile_openapi(&tree).unwrap_or_else(|_| panic!("the tree compiles"));
        assert_eq!(imported.files[0], tree);
        assert!(imported.files.len() > 5, "{:?}", imported.files);
        assert!(imported.files.iter().all(|file| file.is_file()), "{:?}", imported.files);
        // A description that does not import fails as the import does, and writes nothing.
        let bad = out.path().join("old.json");
        std::fs::write(&bad, "{\n  \"swagger\": \"1.2\"\n}\n").unwrap();
        let empty = tempfile::tempdir().expect("temp dir");
        let error = Config::new().out_dir(empty.path()).emit_rerun_if_changed(false).compile(&[&bad]).unwrap_err();
        assert!(error.to_string().contains("error[import::not_openapi]"), "{error}");
        assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);
    }

    #[test]
    fn without_out_dir_the_error_says_where_to_call_it() {
        // Cargo sets OUT_DIR only for build scripts (and crates that have one); not here.
        assert!(std::env::var_os("OUT_DIR").is_none());
        let error =
            Config::new().emit_rerun_if_changed(false).compile(&[repo("specs/orders.yaml")]).expect_err("no out dir");
        assert!(matches!(error, BuildError::NoOutDir));
        assert!(error.to_string().contains("OUT_DIR is not set"), "{error}");
    }
}
