//! The driver: runs the pipeline over spec files and reports, per spec, either its
//! generated files or its diagnostics. No stage after this reads the file system.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Location, codes};
use crate::emit::{self, GeneratedFile, Options};
use crate::import::openapi::examples::Checked;
use crate::ir::Ir;

/// A spec that compiled: its IR, generated files, and any warnings.
#[derive(Debug)]
pub struct CompiledSpec {
    /// Path as given (`specs/orders.yaml`).
    pub path: PathBuf,
    /// The lowered spec.
    pub ir: Ir,
    /// Warnings (never errors).
    pub warnings: Vec<Diagnostic>,
    /// Where the spec's `name` value is, for diagnostics about several specs' names.
    pub name_location: Option<Location>,
}

/// A spec that did not compile, with its text for rendering the diagnostics.
#[derive(Debug)]
pub struct Failure {
    /// Path as given.
    pub path: PathBuf,
    /// The spec text (empty when unreadable).
    pub source: String,
    /// Every problem found.
    pub diagnostics: Vec<Diagnostic>,
}

impl Failure {
    /// All diagnostics rendered with snippets, `file:line:col` first.
    pub fn render(&self) -> String {
        let name = self.path.display().to_string();
        self.diagnostics.iter().map(|d| d.render(&name, &self.source)).collect::<Vec<_>>().join("\n")
    }
}

/// The `*.yaml` / `*.yml` files of a directory, sorted by name; a file path is returned as
/// it is.
///
/// Errors: the path does not exist or cannot be listed.
pub fn spec_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path)? {
        let entry = entry?.path();
        let is_yaml = entry.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if is_yaml && entry.is_file() {
            files.push(entry);
        }
    }
    files.sort();
    Ok(files)
}

/// Compiles one spec from its text. `path` is used in diagnostics and `@generated` headers.
pub fn compile_spec(path: &Path, source: &str) -> Result<CompiledSpec, Failure> {
    compile_source(path, source, true)
}

/// [`compile_spec`]; `named_after_file`: a spec whose `name` is not its file's stem is an error
/// (`spec::name_mismatch`), as for a spec the user keeps, but not for one imported in memory.
fn compile_source(path: &Path, source: &str, named_after_file: bool) -> Result<CompiledSpec, Failure> {
    let fail =
        |diagnostics: Vec<Diagnostic>| Failure { path: path.to_path_buf(), source: source.to_string(), diagnostics };
    let loaded = crate::spec::load(source);
    let mut diagnostics = loaded.diagnostics;
    let Some(spec) = loaded.spec else {
        // Schema errors stop parsing; the sections they leave whole are still checked, so one
        // run reports both kinds (a semantic error is not hidden behind an unknown key).
        if let Some((rest, regions)) = crate::spec::partial::from_source(source, &diagnostics) {
            let semantic: Vec<Diagnostic> = crate::check::check(&rest, &loaded.positions)
                .into_iter()
                .filter(|d| crate::spec::partial::independent(d, &regions))
                .collect();
            if !semantic.is_empty() {
                diagnostics.extend(semantic);
                // Stable, by place only: the schema stage's own order stays where places tie.
                diagnostics.sort_by_key(|d| d.location.map(|l| l.offset).unwrap_or(usize::MAX));
            }
        }
        return Err(fail(diagnostics));
    };
    diagnostics.extend(crate::check::check(&spec, &loaded.positions));
    if named_after_file
        && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        && stem != spec.name
    {
        let location = loaded.positions.value("/name");
        diagnostics.push(Diagnostic {
            location,
            ..Diagnostic::new(
                codes::spec::NAME_MISMATCH,
                format!("spec `name` is `{}` but the file is `{stem}.yaml`", spec.name),
            )
            .at("/name")
            .help(format!("rename the file to `{}.yaml` or set `name: {stem}`", spec.name))
        });
    }
    diagnostics.sort_by_key(|d| (d.location.map(|l| l.offset).unwrap_or(usize::MAX), d.code.name()));
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(fail(diagnostics));
    }
    let source_path = source_path(path);
    let ir = crate::lower::lower(&spec, &loaded.positions, &source_path);
    // Rules that need the models resolved (examples and scenario bodies against them).
    let mut after_lowering = crate::conformance::check(&ir, &loaded.positions);
    if !after_lowering.is_empty() {
        diagnostics.append(&mut after_lowering);
        diagnostics.sort_by_key(|d| (d.location.map(|l| l.offset).unwrap_or(usize::MAX), d.code.name()));
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(fail(diagnostics));
        }
    }
    let name_location = loaded.positions.value("/name");
    Ok(CompiledSpec { path: path.to_path_buf(), ir, warnings: diagnostics, name_location })
}

/// How a spec's path appears in its IR (and the `@generated` headers): as given, with `/`.
fn source_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Whether the file's name ends in `.json` (any case): specs are YAML files, so such a file is
/// an OpenAPI description.
fn has_json_extension(path: &Path) -> bool {
    path.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("json"))
}

/// Whether the file at `path`, whose text is `text`, is an OpenAPI 3.x or Swagger 2.0
/// description rather than an accord spec: a `.json` file (specs are YAML files), a JSON text
/// whose top-level object has an `openapi` or `swagger` key, or a YAML text with a top-level
/// `openapi:` or `swagger:` key (a line starting with it, unindented) and no `accord:` key.
pub fn is_openapi_description(path: &Path, text: &str) -> bool {
    if has_json_extension(path) {
        return true;
    }
    if text.trim_start().starts_with('{') {
        /// The top-level keys that tell the formats apart, the rest skipped unread.
        #[derive(serde::Deserialize)]
        struct TopLevel {
            openapi: Option<serde::de::IgnoredAny>,
            swagger: Option<serde::de::IgnoredAny>,
            accord: Option<serde::de::IgnoredAny>,
        }
        return serde_json::from_str::<TopLevel>(text)
            .is_ok_and(|top| (top.openapi.is_some() || top.swagger.is_some()) && top.accord.is_none());
    }
    let top_level_key = |line: &str, key: &str| {
        let line = line.strip_prefix(['"', '\'']).unwrap_or(line);
        line.strip_prefix(key)
            .map(|rest| rest.strip_prefix(['"', '\'']).unwrap_or(rest))
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    };
    // Only a line that starts with a key's first letter or a quote can hold one: the others
    // (Stripe's description has 200,000, nearly all indented) are passed over by their first
    // byte, found with `memchr` rather than split off one by one.
    let bytes = text.as_bytes();
    let starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', bytes).map(|newline| newline + 1));
    let mut openapi = false;
    for start in starts {
        if !matches!(bytes.get(start), Some(b'a' | b'o' | b's' | b'"' | b'\'')) {
            continue;
        }
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |length| start + length);
        let line = &text[start..end];
        if top_level_key(line, "accord") {
            return false;
        }
        openapi |= top_level_key(line, "openapi") || top_level_key(line, "swagger");
    }
    openapi
}

/// [`is_openapi_description`] for the file at `path`, read only when its name does not tell
/// (a `.json` file is a description without reading it). A file that cannot be read is not
/// one: the spec loader reads it again and says why it cannot.
pub fn is_openapi_file(path: &Path) -> bool {
    openapi_file(path).is_some()
}

/// [`is_openapi_file`], keeping what it read: `Some(text)` for a description whose text was
/// read to tell (a YAML file), `Some(None)` for one told by its name (`.json`), `None` for a
/// file that is not one. [`compile_openapi_read`] takes the text, so that a large YAML
/// description is not read twice (Stripe's 4 MB: ≈ 4 ms of one core before the import
/// starts; issue 22).
pub fn openapi_file(path: &Path) -> Option<Option<String>> {
    if has_json_extension(path) {
        return Some(None);
    }
    let text = std::fs::read_to_string(path).ok()?;
    is_openapi_description(path, &text).then_some(Some(text))
}

/// A spec compiled from an OpenAPI description in memory ([`compile_openapi`]).
#[derive(Debug)]
pub struct ImportedSpec {
    /// The compiled spec; its `path` is the OpenAPI description's.
    pub compiled: CompiledSpec,
    /// What the import did not map (as `accord import openapi` reports it).
    pub warnings: Vec<crate::import::ImportWarning>,
    /// The files the description was read from: its root document's path as given, then each
    /// file its `$ref`s named, joined to the root document's folder (a build script reruns
    /// when any changes).
    pub files: Vec<PathBuf>,
    /// The imported spec's YAML, which `accord import openapi` prints, when the compiled
    /// spec has warnings: the text they are located in. `None` when it has none (the spec
    /// was then compiled from the import's value, never printed).
    pub yaml: Option<String>,
}

/// Why an OpenAPI description did not compile ([`compile_openapi`]).
#[derive(Debug)]
pub enum ImportFailure {
    /// The description was not imported: it is not OpenAPI, or not readable.
    Import(crate::import::ImportError),
    /// The spec imported from it does not compile; `path` names the description followed by
    /// ` (imported spec)`, and `source` is the imported spec's YAML, which
    /// `accord import openapi` prints, so that the diagnostics' lines are that text's.
    Spec(Failure),
}

/// Imports the OpenAPI description at `path` ([`crate::import::openapi::import_file`]) and
/// compiles the spec it makes without writing it anywhere: `accord generate api.json`, for an
/// API whose description is the source of truth, as progenitor and openapi-generator take it.
/// The spec is named after the description's `info.title`, as `accord import openapi` names
/// it when no output file is given.
///
/// Errors: the description is not imported ([`ImportFailure::Import`]: unreadable, not JSON or
/// YAML, not OpenAPI 3.0/3.1 or Swagger 2.0, a `$ref` that cannot be followed), or the spec made
/// from it does not compile ([`ImportFailure::Spec`]).
///
/// The spec is compiled from the import's value, as `spec::load` reads it from the YAML text
/// `accord import openapi` prints, without printing and parsing that text (GitHub's
/// description: `accord generate` 543 ms against 598 ms through `import` and `generate`,
/// medians of 7 alternating runs, release build, 2 cores). Only when the spec has diagnostics
/// is it printed and compiled from the text, so that they are located in it.
pub fn compile_openapi(path: &Path) -> Result<ImportedSpec, ImportFailure> {
    compile_openapi_read(path, None)
}

/// [`compile_openapi`], the description's text given when the caller has read it already
/// ([`openapi_file`]); `text` must be the content of the file at `path`.
///
/// Errors: as [`compile_openapi`].
pub fn compile_openapi_read(path: &Path, text: Option<String>) -> Result<ImportedSpec, ImportFailure> {
    let mut imported =
        crate::import::openapi::import_file_value_read(path, None, text).map_err(ImportFailure::Import)?;
    let folder = path.parent().unwrap_or(Path::new(""));
    let mut files = vec![path.to_path_buf()];
    files.extend(imported.files.iter().skip(1).map(|name| folder.join(name)));
    let compiled = match imported.take_checked() {
        // The import checked and lowered this value already (and dropped no example).
        Checked::Lowered(lowered) => compiled_from(path, *lowered),
        checked => {
            let shared = std::sync::Arc::new(std::mem::take(&mut imported.value));
            let compiled = compile_value(path, &shared, matches!(checked, Checked::BeforeDropping));
            imported.value = std::sync::Arc::try_unwrap(shared).unwrap_or_else(|shared| (*shared).clone());
            compiled
        }
    };
    if let Some(compiled) = compiled {
        let warnings = std::mem::take(&mut imported.warnings);
        imported.free();
        return Ok(ImportedSpec { compiled, warnings, files, yaml: None });
    }
    let warnings = std::mem::take(&mut imported.warnings);
    let yaml = imported.into_imported().yaml;
    match compile_source(path, &yaml, false) {
        Ok(compiled) => Ok(ImportedSpec { compiled, warnings, files, yaml: Some(yaml) }),
        Err(failure) => {
            let mut shown = path.as_os_str().to_owned();
            shown.push(" (imported spec)");
            Err(ImportFailure::Spec(Failure { path: shown.into(), ..failure }))
        }
    }
}

/// A spec compiled from its JSON value (an import's, which `spec::load` would read from its
/// printed text): `None` when it does not deserialise or has any diagnostic, which only the
/// text can locate.
/// `passed_before`: `check` passed the value before the import dropped examples from it.
fn compile_value(path: &Path, value: &std::sync::Arc<serde_json::Value>, passed_before: bool) -> Option<CompiledSpec> {
    compiled_from(path, crate::import::openapi::examples::check_and_lower(value, passed_before)?)
}

/// [`compile_value`] from what checking and lowering the value gave.
fn compiled_from(path: &Path, lowered: crate::import::openapi::examples::Lowered) -> Option<CompiledSpec> {
    let (mut ir, checked, conformance) = lowered;
    if !(checked.is_empty() && conformance.is_empty()) {
        return None;
    }
    ir.source_path = source_path(path);
    Some(CompiledSpec { path: path.to_path_buf(), ir, warnings: Vec::new(), name_location: None })
}

/// Reads a spec (or an OpenAPI document) as UTF-8 text.
///
/// Errors: the file cannot be read (`io::read`), or is not UTF-8 (`io::encoding`, located at
/// the first byte that does not decode, with the text decoded lossily so that it renders).
pub fn read_source(path: &Path) -> Result<String, Failure> {
    let fail = |source: String, diagnostic: Diagnostic| Failure {
        path: path.to_path_buf(),
        source,
        diagnostics: vec![diagnostic],
    };
    let bytes = std::fs::read(path).map_err(|error| {
        fail(String::new(), Diagnostic::new(codes::io::READ, format!("cannot read the file: {error}")))
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let bytes = error.as_bytes();
        let shown: Vec<String> = bytes[offset..]
            .iter()
            .take(error.utf8_error().error_len().unwrap_or(1))
            .map(|b| format!("0x{b:02X}"))
            .collect();
        // Up to the offset the lossy text is the file's own, so the location holds in both.
        let source = String::from_utf8_lossy(bytes).into_owned();
        let location = crate::spec::yaml::location_at(&source, offset);
        let help = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            "the file is UTF-16 (it starts with a byte order mark); save it as UTF-8"
        } else {
            "save the file as UTF-8 (the text has bytes of another encoding, such as Latin-1 or Windows-1252)"
        };
        let diagnostic = Diagnostic {
            location: Some(location),
            ..Diagnostic::new(
                codes::io::ENCODING,
                format!("the file is not UTF-8: byte {offset} ({}) does not start a character", shown.join(" ")),
            )
            .label("not UTF-8")
            .help(help)
        };
        fail(source, diagnostic)
    })
}

/// Reads and compiles every spec; all specs are checked even when one fails. Specs that
/// could not be written beside the ones before them fail too: the same name
/// (`spec::duplicate_spec`) or the same client crate (`spec::colliding_specs`), located at
/// their `name`.
pub fn compile_specs(paths: &[PathBuf]) -> (Vec<CompiledSpec>, Vec<Failure>) {
    let mut compiled = Vec::new();
    let mut sources = Vec::new();
    let mut failures = Vec::new();
    for path in paths {
        match read_source(path) {
            Ok(source) => match compile_spec(path, &source) {
                Ok(spec) => {
                    compiled.push(spec);
                    sources.push(source);
                }
                Err(failure) => failures.push(failure),
            },
            Err(failure) => failures.push(failure),
        }
    }
    let with_sources: Vec<(&CompiledSpec, &str)> = compiled.iter().zip(sources.iter().map(String::as_str)).collect();
    failures.extend(name_conflicts(&with_sources));
    (compiled, failures)
}

/// The specs (each with its text) that cannot be written beside the ones before them: the
/// same name (`spec::duplicate_spec`) or the same client crate (`spec::colliding_specs`),
/// each located at its `name`.
pub fn name_conflicts(specs: &[(&CompiledSpec, &str)]) -> Vec<Failure> {
    let mut failures = Vec::new();
    let mut names: Vec<(&str, String, &Path)> = Vec::new();
    for &(spec, source) in specs {
        let key = crate::check::spec_name::collision_key(&spec.ir.name);
        let same_name = names.iter().find(|(name, _, _)| *name == spec.ir.name);
        let same_crate = names.iter().find(|(_, other, _)| *other == key);
        let diagnostic = match (same_name, same_crate) {
            (Some((_, _, first)), _) => Some(
                Diagnostic::new(
                    codes::spec::DUPLICATE_SPEC,
                    format!("spec name `{}` is also used by `{}`", spec.ir.name, first.display()),
                )
                .help("delete or rename one of the two files"),
            ),
            (None, Some((name, _, first))) => Some(
                Diagnostic::new(
                    codes::spec::COLLIDING_SPECS,
                    format!(
                        "spec `{}` would make the crate `{}`, as spec `{name}` of `{}` does",
                        spec.ir.name,
                        spec.ir.crate_name,
                        first.display()
                    ),
                )
                .help("rename one of the two specs (and its file)"),
            ),
            (None, None) => None,
        };
        if let Some(diagnostic) = diagnostic {
            let diagnostic = Diagnostic { location: spec.name_location, ..diagnostic.at("/name") };
            failures.push(Failure {
                path: spec.path.clone(),
                source: source.to_string(),
                diagnostics: vec![diagnostic],
            });
        }
        names.push((&spec.ir.name, key, &spec.path));
    }
    failures
}

/// Generates all files for compiled specs: each client crate, each docs page, and the
/// shared docs files.
pub fn generate_all(specs: &[CompiledSpec], options: &Options) -> Result<Vec<GeneratedFile>, String> {
    let irs: Vec<&Ir> = specs.iter().map(|s| &s.ir).collect();
    emit::generate(&irs, options)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{ImportFailure, compile_openapi, is_openapi_description};

    #[test]
    fn openapi_descriptions_are_told_from_specs_by_their_top_level_keys() {
        let yaml = Path::new("api.yaml");
        assert!(is_openapi_description(Path::new("api.json"), ""), "a .json file is never a spec");
        assert!(is_openapi_description(Path::new("API.JSON"), ""));
        assert!(is_openapi_description(yaml, "# Pets\nopenapi: 3.1.0\ninfo: {title: Pets}\n"));
        assert!(is_openapi_description(yaml, "swagger: '2.0'\n"));
        assert!(is_openapi_description(yaml, "\"openapi\" : 3.0.3\n"));
        assert!(is_openapi_description(yaml, "{\"info\": {\"openapi\": 1}, \"openapi\": \"3.1.0\"}"));
        // Specs, and keys that are not top-level or only start like one.
        assert!(!is_openapi_description(yaml, "accord: 1\nname: pets\n"));
        assert!(!is_openapi_description(yaml, "openapi: 3.1.0\naccord: 1\n"));
        assert!(!is_openapi_description(yaml, "accord: 1\nx:\n  openapi: 3.1.0\n"));
        assert!(!is_openapi_description(yaml, "openapi_version: 3\n"));
        assert!(is_openapi_description(yaml, "# Pets\r\n\r\nopenapi: 3.1.0\r\ninfo:\r\n  title: Pets\r\n"));
        assert!(is_openapi_description(yaml, "info: {title: Pets}\n'swagger' :  '2.0'"), "the last line, unended");
        assert!(!is_openapi_description(yaml, "openapi: 3.1.0\r\n\"accord\": 1\r\n"));
        assert!(!is_openapi_description(yaml, "info:\n openapi: 3.1.0\n\topenapi: 3\n"), "indented");
        assert!(!is_openapi_description(yaml, "{\"info\": {\"openapi\": \"3.1.0\"}}"));
        assert!(!is_openapi_description(yaml, "{\"accord\": 1, \"openapi\": \"3.1.0\"}"));
        assert!(!is_openapi_description(yaml, "{\"openapi\": "), "not JSON: left to the spec loader");
    }

    #[test]
    fn an_openapi_description_compiles_in_memory_named_after_its_title() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/openapi");
        let petstore = corpus.join("oai-petstore.yaml");
        let imported = compile_openapi(&petstore).expect("the Petstore compiles");
        assert_eq!(imported.compiled.ir.name, "swagger_petstore");
        assert_eq!(imported.compiled.path, petstore);
        assert_eq!(imported.compiled.ir.operations.len(), 3);
        assert!(imported.yaml.is_none(), "no diagnostics, so the spec was never printed");
        // A file that is not OpenAPI is the import's error, located.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("api.json");
        std::fs::write(&file, "{\n  \"openapi\": \"2.5\"\n}\n").unwrap();
        match compile_openapi(&file) {
            Err(ImportFailure::Import(error)) => {
                assert_eq!(error.diagnostics[0].code.name(), "import::not_openapi", "{error:?}")
            }
            other => panic!("expected an import error, got {other:?}"),
        }
    }
}
