//! OpenAPI 3.0.x / 3.1.x and Swagger 2.0 → accord spec.
//!
//! A Swagger 2.0 document (`swagger: "2.0"`) is first converted to the OpenAPI 3.0 shape by
//! `swagger2` (host/basePath/schemes → servers, definitions, body and form parameters →
//! request bodies, consumes/produces → media types, securityDefinitions → securitySchemes,
//! `x-nullable`, `collectionFormat` → style/explode, `type: file` → binary); every warning is
//! then moved back to the pointer of the 2.0 node the converted one came from.
//!
//! Mapping (OpenAPI Specification 3.0.3 and 3.1.0, spec.openapis.org):
//! - `info` → `title`, `version`, `description`; `servers` → `environments` (server
//!   variables replaced by their defaults);
//! - `components.securitySchemes` → `auth.credentials`: `apiKey`, `http` basic/bearer,
//!   `oauth2` `clientCredentials`, every scheme under its own name; `security` (document and
//!   operation, `[]` for public operations) → `auth.require` and each endpoint's `auth`;
//! - `paths` → `endpoints`, named by `operationId` (snake_case, made unique) or by method and
//!   path, grouped by their first tag (`groups`: `tags` → the `groups` map); path/query/header parameters (`$ref`s into `components.parameters` followed);
//!   request bodies (JSON, form-urlencoded, multipart; `$ref`s into
//!   `components.requestBodies`), and bodies of other media types as `text` (`text/*`, XML,
//!   YAML) or `binary` (everything else: `application/octet-stream`, `image/*`, PDF, …)
//!   with their media type, request and response alike;
//!   2xx responses → `responses` (a range `2XX` stays a range), 4xx/5xx → one error code per
//!   status (`NOT_FOUND`, …) or range (`4XX` → `CLIENT_ERROR`, `5XX` → `SERVER_ERROR`)
//!   with the retry strategy RFC 9110 suggests for it, `default` → a success when nothing
//!   else is, else the error code `DEFAULT` (`status: default`, not retried) whose body the
//!   client decodes for any status nothing else declares;
//! - `components.schemas` → `models`: `allOf` merged, `oneOf`/`anyOf` → `one_of` (with
//!   `discriminator`), `nullable` and 3.1 type arrays → `nullable`, `enum`/`const` of
//!   strings, integers, numbers or booleans, `uniqueItems` → `unique_items`,
//!   `additionalProperties` → maps, formats and constraints kept; `$ref`s stay model names
//!   (also beside annotations: `allOf: [{$ref}, {description}]` is a reference whose
//!   description goes to the property), so recursion needs nothing special; what is built
//!   from other places (`allOf` merges, `$ref`s with sibling properties or into a schema's
//!   inside) is converted once per place (`schema::Expansion`), so no document makes the
//!   work grow exponentially; `readOnly`/`writeOnly` → `read_only`/`write_only`
//!   on object properties (also from a component schema marked as a whole);
//! - 3.1 `webhooks` → `webhooks.events` with their payload models; several events need
//!   `event_type_field`, found where every event's payload schema fixes a distinct string
//!   (`const`, one-value `enum`, or an `enum` holding the event's key), else only the models
//!   are imported and a warning says what to add; the signature scheme is never in the
//!   document;
//! - pagination where a request parameter and a response field or header pair up (`Link` +
//!   `page`/`page_info`/`cursor`, Stripe's `starting_after` + `has_more`, next-page URLs such
//!   as `next_page_uri`, cursor parameters with their next-cursor field such as `cursor` →
//!   `next_cursor`, `page` with a page count, `offset` + `limit` with a total; one warning
//!   where nothing pairs), rate-limit response headers → `rate_limits.headers`.
//!
//! A `$ref` is only followed where OpenAPI says a Reference Object may stand; `$ref` keys
//! inside `example`/`examples`/`default` values are data (GitHub's SCIM examples have them).
//! A description split over files is first made one document by `bundle` (relative-file
//! `$ref`s inside the root document's folder; URLs and paths out of it refused), which also
//! percent-decodes the JSON pointers of `$ref`s and maps every warning's pointer back to its
//! file, line and column.
//!
//! The importer builds a typed [`Spec`] (so a renamed spec field is a compile error here, not
//! a failure of the corpus script) and prints it with [`crate::spec::yaml`]; its keys come in
//! the order of the fields of [`crate::spec::types`]. One shared context, `Importer` (the
//! document, the warnings, the models so far), is extended by one module per concern:
//! `schema` (schemas → models), `operations` (paths → endpoints, parameters, bodies,
//! responses, error codes), `security` (auth), `servers` (environments), `webhooks`, and
//! `heuristics` (pagination, rate-limit headers, the names and retry strategies the document
//! does not give); `swagger2` runs before all of them, on the document alone. They call one
//! another in one direction only: `heuristics` uses the context
//! alone, `schema` the heuristics, `servers` the heuristics, `operations` and `webhooks` the
//! schema conversion (and `operations` the servers, for an operation's own); `security` the
//! context alone. The context calls each module's entry point, in `Importer::spec`.

mod bundle;
mod cycles;
pub(crate) mod examples;
mod groups;
mod heuristics;
mod json_parts;
mod operations;
mod path_query;
mod schema;
mod security;
mod servers;
mod shared_models;
mod swagger2;
mod tallies;
#[cfg(test)]
mod tests;
mod webhooks;

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value;

use super::{ImportError, ImportWarning, Imported, ImportedValue, SourceFile};
use crate::diag::{Diagnostic, Location, codes};
use crate::spec::{Method, Positions, RateLimitHeaders, RateLimits, Schema, Spec, StatusPattern};

/// How deep inline (non-component) `$ref`s and nested schemas are followed.
const MAX_DEPTH: usize = 48;
/// The most schema objects one import converts (each `Importer::schema` call counts one).
/// Every place of the document is converted about once ([`schema`] converts what is built
/// from other places, an `allOf` merge or a `$ref` into a schema's inside, once per place),
/// so real documents stay far below: the corpus's largest need 17,391 (Stripe, 4 MB) and
/// 10,139 (GitHub, 3.7 MB). Past it, schemas are typed `any`, with one warning where it
/// ran out; no document is worth unbounded work.
const MAX_SCHEMA_CONVERSIONS: usize = 2_000_000;
/// The operations of a path item accord maps, by their OpenAPI key.
const METHODS: &[(&str, Method)] = &[
    ("get", Method::Get),
    ("put", Method::Put),
    ("post", Method::Post),
    ("delete", Method::Delete),
    ("patch", Method::Patch),
    ("head", Method::Head),
];

/// Imports an OpenAPI document given as text (JSON or YAML). `name` is the spec name to use
/// (from the output file, which `check` wants named after the spec), else derived from
/// `info.title` as a snake_case name `check` accepts. A document given as text has no folder:
/// a `$ref` to another file is refused (`import::ref_unreadable`); [`import_file`] follows them.
///
/// Errors, each a located diagnostic: the text is neither JSON nor YAML (`import::invalid_json`
/// for text that looks like JSON, the `yaml::*` codes otherwise, nesting deeper than
/// [`crate::spec::yaml::MAX_DEPTH`] included), or it is not a Swagger 2.0 or OpenAPI 3.0/3.1
/// document (`import::not_openapi`); `name` is not a snake_case spec name (`import::output_name`: the
/// message suggests `bad_name.yaml`); a `$ref` names a URL (`import::ref_url`) or another file.
/// Warnings carry the line and column of their node, but no file.
pub fn import(text: &str, name: Option<&str>) -> Result<Imported, ImportError> {
    let mut files = bundle::Files::text(text)?;
    import_files(&mut files, name).map(ImportedValue::into_imported)
}

/// Imports the OpenAPI description whose root document is the file at `path` (JSON or YAML),
/// following the relative `$ref`s of a description split over files (`bundle`): each file is
/// read once, and only files of the root document's folder and the folders below it.
///
/// Errors as [`import`], each with the file it is in ([`ImportError::files`]; the root document
/// is named by its file name): the root document cannot be read (`io::read`, `io::encoding`);
/// a `$ref` names a URL (`import::ref_url`), leaves the root document's folder
/// (`import::ref_outside`: `../` above it, an absolute path, a symbolic link out of it), names a
/// file that exists but cannot be read (`import::ref_unreadable`) or parsed, or the tree is
/// larger than 10,000 files or 256 MiB (`import::ref_limit`). A file that does not exist is a
/// warning, and what refers to it is dropped. Warnings name their file (relative to the root
/// document's folder), line and column.
pub fn import_file(path: &std::path::Path, name: Option<&str>) -> Result<Imported, ImportError> {
    import_file_value(path, name).map(ImportedValue::into_imported)
}

/// [`import_file`], the spec not printed: its JSON value, which
/// [`ImportedValue::into_imported`] prints. Errors: as [`import_file`].
pub fn import_file_value(path: &std::path::Path, name: Option<&str>) -> Result<ImportedValue, ImportError> {
    import_file_value_read(path, name, None)
}

/// [`import_file_value`], the root document's text given when the caller has read it already
/// (`text` must be the content of the file at `path`). Errors: as [`import_file`].
pub fn import_file_value_read(
    path: &std::path::Path,
    name: Option<&str>,
    text: Option<String>,
) -> Result<ImportedValue, ImportError> {
    let root = path.file_name().map(std::path::PathBuf::from).unwrap_or_else(|| path.to_path_buf());
    let mut files = bundle::Files::open_read(path, text).map_err(|error| in_root(error, &root, None))?;
    let text = files.get(bundle::ROOT).text.clone();
    import_files(&mut files, name).map_err(|error| in_root(error, &root, Some(text)))
}

/// An error of a file import: each diagnostic in the root document given its file.
fn in_root(mut error: ImportError, root: &std::path::Path, text: Option<std::sync::Arc<str>>) -> ImportError {
    error.files.resize(error.diagnostics.len(), None);
    for file in &mut error.files {
        if file.is_none() {
            *file = Some(SourceFile { path: root.to_path_buf(), text: text.clone().unwrap_or_else(|| "".into()) });
        }
    }
    error
}

/// Imports the description `files` holds (its root document read).
fn import_files(files: &mut bundle::Files, name: Option<&str>) -> Result<ImportedValue, ImportError> {
    // Swagger 2.0 is converted to the 3.0 shape first; its warnings and those of the import
    // are located in the 2.0 document.
    let root = files.get(bundle::ROOT);
    let conversion = match root.value.get("swagger").and_then(Value::as_str) {
        Some("2.0") => {
            let converted = swagger2::convert(&root.value);
            files.set_root_value(converted.document);
            Some((converted.warnings, converted.origins))
        }
        _ => None,
    };
    let root = files.get(bundle::ROOT);
    let document = std::rc::Rc::clone(&root.value);
    let version = match conversion {
        Some(_) => "3.0.3".to_string(),
        None => document.get("openapi").and_then(Value::as_str).unwrap_or_default().to_string(),
    };
    if !(version.starts_with("3.0") || version.starts_with("3.1")) {
        let (pointer, message, help) = match (document.get("swagger"), document.get("openapi")) {
            (Some(found), _) => (
                "/swagger",
                format!(
                    "`swagger: {}` is not a version accord imports",
                    found.as_str().map_or_else(|| found.to_string(), str::to_string)
                ),
                "accord imports Swagger 2.0 and OpenAPI 3.0.x and 3.1.x documents",
            ),
            (None, Some(found)) => (
                "/openapi",
                format!(
                    "`openapi: {}` is not a version accord imports",
                    found.as_str().map_or_else(|| found.to_string(), str::to_string)
                ),
                "accord imports OpenAPI 3.0.x and 3.1.x documents",
            ),
            (None, None) => (
                "",
                "not an OpenAPI document: there is no top-level `openapi` field".to_string(),
                "an OpenAPI 3 document starts with `openapi: 3.1.0` (or 3.0.x)",
            ),
        };
        // The key's location (a JSON document's positions are computed here, on this path only).
        let location = if pointer.is_empty() {
            Some(Location { line: 1, column: 1, offset: 0 })
        } else {
            root.key_location(pointer)
        };
        let diagnostic = Diagnostic::new(codes::import::NOT_OPENAPI, message).at(pointer).help(help);
        return Err(ImportError::new(vec![Diagnostic { location, ..diagnostic }]));
    }
    let title = document.pointer("/info/title").and_then(Value::as_str).unwrap_or("API").to_string();
    let name = match name {
        Some(given) => {
            let derived = heuristics::spec_name(given);
            if derived != given {
                let message = format!("the output file's name `{given}` is not a spec name");
                let diagnostic = Diagnostic::new(codes::import::OUTPUT_NAME, message).help(format!(
                    "a spec is named after its file, and `check` wants snake_case (lowercase letters, digits and single `_`, starting with a letter, at most {} bytes): write to `{derived}.yaml`",
                    crate::check::spec_name::MAX_SPEC_NAME_LEN
                ));
                return Err(ImportError::new(vec![diagnostic]));
            }
            derived
        }
        None => heuristics::spec_name(&title),
    };
    drop(document);
    let large = files.get(bundle::ROOT).text.len() >= BACKGROUND_DROP_BYTES;
    let bundled = bundle::bundle(files)?;
    // The files' values are no longer read (their texts locate the warnings): a bundled copy
    // does not stay beside its sources while the importer runs, and a large one is freed on
    // the other core meanwhile.
    let released = files.release_values();
    if large {
        drop_in_background(released);
    } else {
        drop(released);
    }
    let mut importer = Importer::new(&bundled.document, version.starts_with("3.1"));
    let spec = importer.spec(&name);
    // The spec types serialise to JSON without fail (string map keys only); `spec::yaml`
    // prints that value.
    let (spec, value) = spec_value(spec);
    let mut value = value.map_err(|error| {
        ImportError::new(vec![Diagnostic::new(
            codes::internal::IMPORT_PRINT,
            format!("the imported spec does not print: {error}"),
        )])
    })?;
    // Every warning located in its file: the bundler's own, then the importer's, whose
    // pointers are the bundled document's. Located file by file, in one pass over each file
    // (a JSON file is scanned for these pointers only).
    // A Swagger 2.0 root's warnings, its conversion's first, point into the 2.0 document.
    let (mut found, origins, source_version) = match conversion {
        Some((warnings, origins)) => {
            let found: Vec<(bundle::FileId, String, String)> =
                warnings.into_iter().map(|warning| (bundle::ROOT, warning.pointer, warning.message)).collect();
            (found, Some(origins), "Swagger 2.0".to_string())
        }
        None => (Vec::new(), None, format!("OpenAPI {version}")),
    };
    let original = |file: bundle::FileId, pointer: String| match &origins {
        Some(origins) if file == bundle::ROOT => origins.original(&pointer),
        _ => pointer,
    };
    for (file, pointer, message) in bundled.warnings.iter().cloned() {
        found.push((file, original(file, pointer), message));
    }
    for warning in std::mem::take(&mut importer.warnings) {
        let (file, pointer) = bundled.source(&warning.pointer);
        found.push((file, original(file, pointer), warning.message));
    }
    // Examples `check` would refuse (the spec's pointers: they are found on the spec made),
    // while the warnings so far are located on another thread (a JSON document is scanned for
    // them: ≈ 7 ms of GitHub's 10 MB, beside the ≈ 60 ms of checking and lowering the spec).
    // The root document's own location comes last: the warnings about dropped examples have
    // it (their pointers are the spec's, not the document's).
    let locators = files.locators();
    let targets: Vec<(bundle::FileId, &str)> =
        found.iter().map(|(file, pointer, _)| (*file, pointer.as_str())).chain([(bundle::ROOT, "")]).collect();
    let ((dropped, checked), mut locations) =
        rayon::join(|| examples::drop_unfit(&mut value), || locations(&locators, &targets));
    drop(targets);
    let root = locations.pop().flatten();
    for pointer in dropped {
        let at = crate::diag::pointer_to_path(&pointer);
        found.push((
            bundle::ROOT,
            String::new(),
            format!("the example at `{at}` of the imported spec does not fit its type; dropped"),
        ));
        locations.push(root);
    }
    drop(locators);
    // One warning per component (or node) and message, with how often it was met (a shared
    // component is converted once per use).
    let warnings = super::merge_repeated(located(files, found, locations));
    let header = format!(
        "# yaml-language-server: $schema=../generated/accord.schema.json\n# Imported by `accord import openapi` from {title} ({version}); {} warning(s).\n",
        warnings.len(),
        title = crate::spec::yaml::comment_line(&title),
        version = crate::spec::yaml::comment_line(&source_version),
    );
    // What the import built is freed on another thread: the caller has the value it wants.
    drop(importer);
    if large {
        // A YAML document's positions too (Stripe's: ≈ 9 ms to free), now that every warning
        // is located.
        drop_in_background((spec, std::rc::Rc::try_unwrap(bundled.document).ok(), files.release_positions()));
    }
    let names = if files.is_tree() { files.names() } else { Vec::new() };
    Ok(ImportedValue::new(name, value, warnings, names, header, large).with_checked(checked))
}

/// The imported spec as JSON (`serde_json::to_value`), and the spec back: a large spec's
/// `models` are serialised on a second thread while this one serialises its `endpoints` and
/// then the rest, each in its place in the spec's key order (serialising a struct writes its
/// fields one after another, so the parts written apart are the spec written whole). On
/// GitHub's import the conversion was ≈ 18 ms (under perf) of the front end, which otherwise
/// runs on one core (issue 22).
fn spec_value(mut spec: Spec) -> (Spec, Result<Value, serde_json::Error>) {
    if spec.models.len() + spec.endpoints.len() < crate::parallel::LARGE_SPEC_ITEMS
        || crate::parallel::available_threads() < 2
    {
        let value = serde_json::to_value(&spec);
        return (spec, value);
    }
    let models = std::mem::take(&mut spec.models);
    let endpoints = std::mem::take(&mut spec.endpoints);
    // One placeholder model keeps `models` in its place (an empty map is not written).
    spec.models.insert(String::new(), Schema::default());
    let ((endpoints_value, rest), models_value) = rayon::join(
        || (serde_json::to_value(&endpoints), serde_json::to_value(&spec)),
        || serde_json::to_value(&models),
    );
    spec.models = models;
    spec.endpoints = endpoints;
    let value = (|| {
        let Value::Object(mut object) = rest? else { return serde_json::to_value(&spec) };
        // `insert` on a key already there keeps its place (`preserve_order`).
        object.insert("models".into(), models_value?);
        object.insert("endpoints".into(), endpoints_value?);
        Ok(Value::Object(object))
    })();
    (spec, value)
}

/// The size of a root document (bytes of text) from which the import frees its large values
/// on a thread of their own: for GitHub's 8 MB document, freeing them node by node was about
/// a tenth of the import's instructions (callgrind).
const BACKGROUND_DROP_BYTES: usize = 1 << 20;

pub(super) use crate::parallel::drop_in_background;

/// Where each node of `found` (file, pointer in it) is, by index: located file by file, in one
/// pass over each file (a JSON file is scanned for these pointers only).
fn locations(locators: &[bundle::Locator<'_>], found: &[(bundle::FileId, &str)]) -> Vec<Option<Location>> {
    let mut by_file: BTreeMap<bundle::FileId, Vec<usize>> = BTreeMap::new();
    for (index, (file, _)) in found.iter().enumerate() {
        by_file.entry(*file).or_default().push(index);
    }
    let mut locations = vec![None; found.len()];
    for (file, indices) in &by_file {
        let pointers: Vec<&str> = indices.iter().map(|&index| found[index].1).collect();
        for (&index, location) in indices.iter().zip(locators[*file].locations(&pointers)) {
            locations[index] = location;
        }
    }
    locations
}

/// The warnings of `found`, at their `locations` ([`locations`]), each given its file's name
/// for a description read from files.
fn located(
    files: &bundle::Files,
    found: Vec<(bundle::FileId, String, String)>,
    locations: Vec<Option<Location>>,
) -> Vec<ImportWarning> {
    let tree = files.is_tree();
    found
        .into_iter()
        .zip(locations)
        .map(|((file, pointer, message), location)| ImportWarning {
            file: tree.then(|| files.get(file).name.clone()),
            location,
            ..ImportWarning::new(pointer, message)
        })
        .collect()
}

/// The length (bytes) from which a JSON text is scanned for nesting on a second thread while
/// serde_json reads it; below it a thread costs more than it saves.
const PARALLEL_SCAN_BYTES: usize = 256 * 1024;

/// The document as a JSON value: as JSON first (its parser is the faster), else as YAML, with
/// the YAML positions then. Nesting is bounded before the YAML parsers run, and before a
/// document deeper than allowed is accepted from serde_json (which stops at its own limit).
pub(crate) fn read(text: &str) -> Result<(Value, Option<Positions>), ImportError> {
    read_with(text, crate::spec::yaml::parse)
}

/// [`read`] for a root document, whose YAML positions are only needed to locate the
/// warnings: they are built only for a warning its lines do not locate
/// ([`crate::spec::yaml::parse_deferred`]).
pub(crate) fn read_root(text: &str) -> Result<(Value, Option<crate::spec::yaml::DeferredPositions>), ImportError> {
    read_with(text, crate::spec::yaml::parse_deferred)
}

fn read_with<P>(
    text: &str,
    parse_yaml: impl Fn(&str) -> Result<(Value, P), Vec<Diagnostic>>,
) -> Result<(Value, Option<P>), ImportError> {
    let looks_like_json = text.trim_start_matches('\u{feff}').trim_start().starts_with(['{', '[']);
    // JSON arrays and objects are YAML flow collections: the same limit, and the same scan,
    // which also spares serde_json's own recursion limit (128) a deeper document. Other text
    // is JSON only as a scalar, and `spec::yaml::parse` scans it for itself.
    // A large document printed one entry per line is read in two parts at once; its depth is
    // then measured on the value (JSON is nested exactly as its value is), and the text is
    // scanned only for a document the parts refuse.
    if looks_like_json
        && text.len() >= json_parts::PARTS_BYTES
        && crate::parallel::available_threads() >= 2
        && let Some(value) = json_parts::value_in_parts(text)
    {
        return Ok((value, None));
    }
    // serde_json stops at its own limit, so on a large text the scan runs beside it (GitHub's
    // 3.6 MB took a third of serde_json's time to scan), and its refusal comes first.
    let parsed = if looks_like_json && text.len() >= PARALLEL_SCAN_BYTES {
        let (parsed, nesting) = rayon::join(
            || serde_json::from_str::<Value>(text),
            || crate::spec::yaml::check_nesting(text).map_err(Box::new),
        );
        nesting.map_err(|diagnostic| ImportError::new(vec![*diagnostic]))?;
        parsed
    } else {
        if looks_like_json {
            crate::spec::yaml::check_nesting(text).map_err(|diagnostic| ImportError::new(vec![diagnostic]))?;
        }
        serde_json::from_str::<Value>(text)
    };
    let json_error = match parsed {
        Ok(value) => return Ok((value, None)),
        Err(error) => error,
    };
    match parse_yaml(text) {
        Ok((value, positions)) => Ok((value, Some(positions))),
        // Text that starts like JSON gets the JSON parser's complaint, which is the one about
        // what was meant.
        Err(_) if looks_like_json => {
            let location = (json_error.line() > 0).then(|| {
                let line_start = text.split_inclusive('\n').take(json_error.line() - 1).map(str::len).sum::<usize>();
                let column = json_error.column().max(1);
                // serde_json counts the column in bytes; the location counts characters.
                let line = &text[line_start..];
                let offset = line_start + line.char_indices().nth(column - 1).map_or(line.len(), |(index, _)| index);
                crate::spec::yaml::location_at(text, offset)
            });
            let mut message = json_error.to_string();
            // serde_json appends " at line L column C"; the diagnostic carries that itself.
            if let Some(index) = message.find(" at line ") {
                message.truncate(index);
            }
            let diagnostic = Diagnostic::new(codes::import::INVALID_JSON, format!("invalid JSON: {message}"))
                .label("here")
                .help("the document starts like JSON, so it is read as JSON; fix the JSON at this place");
            Err(ImportError::new(vec![Diagnostic { location, ..diagnostic }]))
        }
        Err(diagnostics) => Err(ImportError::new(diagnostics)),
    }
}

// A JSON pointer segment, escaped as RFC 6901 says: the one escape, `diag`'s.
use crate::diag::escape_segment as escape;

/// Whether a media type is JSON (`application/json`, `application/problem+json`, …).
fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or(media).trim();
    media == "application/json" || media.ends_with("+json")
}

/// One error status as seen across the operations, before the spec's codes are written.
struct ErrorCodeDraft {
    name: String,
    /// Body model names seen with this status, with counts.
    bodies: BTreeMap<String, usize>,
    description: Option<String>,
}

/// The importer's state while it reads one document; each module adds its methods.
struct Importer<'a> {
    document: &'a Value,
    v31: bool,
    warnings: Vec<ImportWarning>,
    /// Component schema name → model name.
    model_names: BTreeMap<String, String>,
    /// Model name → component schema name: `model_names` the other way (model names are
    /// unique, so it is one-to-one), made once the names are given.
    components_by_model: FxHashMap<String, String>,
    /// The names `fresh_model_name` must not give, ASCII-lowercased (`eq_ignore_ascii_case`
    /// is equality of the ASCII-lowercased texts): every component's model name (added with
    /// the names) and the first `.0` keys of `models`, which only grows (added when
    /// `fresh_model_name` asks). Instead of
    /// comparing each candidate with every model: for Stripe's 2,000 models that scan was 4 %
    /// of the importer's time (issue 22).
    used_model_names: std::cell::RefCell<(usize, FxHashSet<String>)>,
    /// Models in output order: the component schemas, then those hoisted from inline
    /// schemas while converting endpoints and webhooks.
    models: IndexMap<String, Schema>,
    /// Error codes by status, range or `default`.
    error_codes: BTreeMap<StatusPattern, ErrorCodeDraft>,
    /// The rate-limit headers the responses declare, once one is seen.
    rate_limit_headers: Option<RateLimitHeaders>,
    oauth2: bool,
    /// Pointers of object properties, whose `readOnly`/`writeOnly` [`Importer::property`]
    /// maps (so the schema conversion does not report them). Hashed: in a `BTreeSet` the
    /// comparisons of long pointers with long common prefixes were 14 % of the importer's
    /// samples on Stripe's description (perf; issue 22). The importer's sets and maps keyed by
    /// pointers and names use FxHash: SipHash was 8 % of its samples there, and none of them
    /// is iterated into the output.
    property_pointers: FxHashSet<String>,
    /// Component schemas whose whole-schema `readOnly`/`writeOnly` a property took over.
    access_components_used: BTreeSet<String>,
    /// The default environment's base URL, once `servers` is read: relative URLs elsewhere
    /// (an OAuth2 `tokenUrl`) resolve against it, as OpenAPI says.
    base_url: Option<String>,
    /// Security scheme key → the name of the credential it became.
    credential_names: BTreeMap<String, String>,
    /// Credential name → the place it writes (`header `authorization``), so one alternative
    /// never writes a place twice.
    credential_places: BTreeMap<String, String>,
    /// The credentials made of `oauth2` schemes: two of them in one requirement writing the
    /// same header are either-or (`security::requirement`).
    oauth2_credentials: std::collections::BTreeSet<String>,
    /// What is reported once per document, with its count (`tallies`).
    tallies: tallies::Tallies,
    /// `auth.require` as imported from the document's `security`.
    document_requirement: Option<crate::spec::Requirement>,
    /// Schemas built from other places of the document (`allOf` merges, `$ref`s with
    /// structural siblings, `$ref`s into a schema's inside), by the pointer of the place
    /// converted: each is converted once (see `schema::Expansion`).
    expansions: FxHashMap<String, schema::Expansion>,
    /// Schema objects converted so far, bounded by [`MAX_SCHEMA_CONVERSIONS`].
    schema_conversions: usize,
    /// Server variables of every server URL kept as a template (`servers.rs`).
    server_variables: IndexMap<String, crate::spec::ServerVariable>,
    /// Named servers made of operations' and path items' own `servers` (`servers.rs`).
    servers: IndexMap<String, crate::spec::Server>,
}

impl<'a> Importer<'a> {
    fn new(document: &'a Value, v31: bool) -> Self {
        Importer {
            document,
            v31,
            warnings: Vec::new(),
            model_names: BTreeMap::new(),
            components_by_model: FxHashMap::default(),
            used_model_names: Default::default(),
            models: IndexMap::new(),
            error_codes: BTreeMap::new(),
            rate_limit_headers: None,
            oauth2: false,
            property_pointers: FxHashSet::default(),
            access_components_used: BTreeSet::new(),
            base_url: None,
            credential_names: BTreeMap::new(),
            credential_places: BTreeMap::new(),
            oauth2_credentials: std::collections::BTreeSet::new(),
            tallies: tallies::Tallies::default(),
            document_requirement: None,
            expansions: FxHashMap::default(),
            schema_conversions: 0,
            server_variables: IndexMap::new(),
            servers: IndexMap::new(),
        }
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(ImportWarning::new(pointer, message));
    }

    /// Follows a local `$ref` (`#/components/…`).
    fn resolve(&self, reference: &str) -> Option<&'a Value> {
        let pointer = reference.strip_prefix('#')?;
        self.document.pointer(pointer)
    }

    /// The object itself, or what its `$ref` points at (chains followed).
    fn deref(&mut self, value: &'a Value, pointer: &str) -> Option<(&'a Value, String)> {
        let mut current = value;
        let mut at = pointer.to_string();
        for _ in 0..MAX_DEPTH {
            match current.get("$ref").and_then(Value::as_str) {
                Some(reference) => match self.resolve(reference) {
                    Some(target) => {
                        at = reference.trim_start_matches('#').to_string();
                        current = target;
                    }
                    None => {
                        self.warn(&at, format!("`$ref: {reference}` does not resolve in this document; dropped"));
                        return None;
                    }
                },
                None => return Some((current, at)),
            }
        }
        self.warn(pointer, "a `$ref` chain that does not end; dropped");
        None
    }

    /// Whether `name` is a model: a component schema's or one hoisted so far.
    fn is_model(&self, name: &str) -> bool {
        self.models.contains_key(name) || self.components_by_model.contains_key(name)
    }

    /// The whole spec. The sections are converted in this order, which is the order of the
    /// warnings.
    fn spec(&mut self, name: &str) -> Spec {
        let document = self.document;
        // Model names first, so references resolve while converting.
        let mut taken: BTreeSet<String> = BTreeSet::new();
        if let Some(schemas) = document.pointer("/components/schemas").and_then(Value::as_object) {
            for key in schemas.keys() {
                let model = self.unique_model_name(key, &mut taken);
                self.model_names.insert(key.clone(), model);
            }
        }
        self.components_by_model =
            self.model_names.iter().map(|(component, model)| (model.clone(), component.clone())).collect();
        self.used_model_names.get_mut().1 = self.model_names.values().map(|name| name.to_ascii_lowercase()).collect();
        let info = document.get("info").cloned().unwrap_or(Value::Null);
        let text = |value: &Value| value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
        // A `null` title is no title (what the spec's parser makes of `title: null`).
        let title = info.get("title").filter(|title| !title.is_null()).map(text);
        let version = info.get("version").map(text);
        let description = info.get("description").and_then(Value::as_str).map(|d| d.trim().to_string());
        let environments = self.environments();
        let auth = self.auth();
        // Models from components, in document order.
        if let Some(schemas) = document.pointer("/components/schemas").and_then(Value::as_object) {
            for (key, schema) in schemas {
                let pointer = format!("/components/schemas/{}", escape(key));
                let model = self.model_names[key].clone();
                let converted = self.model(schema, &pointer);
                self.models.insert(model, converted);
            }
        }
        self.break_alias_cycles();
        let endpoints = self.endpoints();
        let groups = self.groups(&endpoints);
        self.name_server_environments(&environments);
        let webhooks = self.webhooks();
        // Models hoisted while converting endpoints and webhooks may close a loop too.
        self.break_alias_cycles();
        self.unused_component_access();
        let errors = self.errors();
        self.share_identical_hoisted_models(&endpoints);
        self.report_tallies();
        let rate_limits = self.rate_limit_headers.take().map(|headers| RateLimits {
            default: None,
            quotas: Vec::new(),
            headers: Some(headers),
            description: None,
        });
        Spec {
            accord: 1,
            name: name.to_string(),
            title,
            version,
            status: None,
            authors: Vec::new(),
            description,
            scope: None,
            server_variables: std::mem::take(&mut self.server_variables),
            servers: std::mem::take(&mut self.servers),
            environments,
            auth,
            headers: IndexMap::new(),
            // Components first, then the models hoisted from endpoints, webhooks and errors.
            models: std::mem::take(&mut self.models),
            errors,
            retry: None,
            timeouts: None,
            rate_limits,
            cache: None,
            circuit_breaker: None,
            health: None,
            groups,
            endpoints,
            webhooks,
            scenarios: IndexMap::new(),
            sequences: IndexMap::new(),
        }
    }
}
