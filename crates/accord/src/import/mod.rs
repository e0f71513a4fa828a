//! Importers: other API descriptions turned into accord specs that a person keeps editing.
//! Whatever cannot be mapped is reported as a located [`ImportWarning`] (the file of a
//! multi-file description, its line and column, and the JSON pointer of the node in that file),
//! never silently dropped.

pub mod openapi;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, Location};

/// Something of the source document the spec does not carry, or carries approximately. Given
/// once per component (or node outside `components`) and message, however often the importer
/// meets it (a shared component is converted once per use): `uses` counts the times
/// ([`merge_repeated`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportWarning {
    /// JSON pointer of the node in the file it is in (`/paths/~1pets/get/parameters/0`).
    pub pointer: String,
    /// What was not mapped and what became of it.
    pub message: String,
    /// What kind of loss or approximation it is, for summaries and reports by kind.
    pub kind: WarningKind,
    /// How many times the importer met it (at this node, or in this component); at least 1.
    pub uses: usize,
    /// The file the node is in, relative to the root document's folder (`paths/pets.yaml`,
    /// or the root document's own name); `None` for a document imported from text.
    pub file: Option<PathBuf>,
    /// Where the node (or its nearest located ancestor) starts in that file.
    pub location: Option<Location>,
}

impl ImportWarning {
    /// A warning at `pointer` of the document, not yet located, its kind read from the message
    /// ([`WarningKind::of`]), met once.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        ImportWarning {
            pointer: pointer.into(),
            kind: WarningKind::of(&message),
            message,
            uses: 1,
            file: None,
            location: None,
        }
    }
}

impl std::fmt::Display for ImportWarning {
    /// `file:line:col: #pointer: message [kind]`, with what is known of the file and the
    /// position, and `(N uses)` when it was met more than once.
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
        write!(f, "#{}: {} [{}]", self.pointer, self.message, self.kind)?;
        if self.uses > 1 {
            write!(f, " ({} uses)", self.uses)?;
        }
        Ok(())
    }
}

/// Warnings merged so that each is given once per component and message: the same message at
/// the same node, or at several nodes of one component (`/components/schemas/Name/…`), is one
/// warning whose `uses` is the sum. When the nodes differ, the warning points at the component
/// and its message says at how many places, and the first. Order of first appearance kept.
pub fn merge_repeated(warnings: Vec<ImportWarning>) -> Vec<ImportWarning> {
    // Per merged warning: its distinct pointers, for the message when there are several.
    let mut index: rustc_hash::FxHashMap<(Option<PathBuf>, String, String), usize> = rustc_hash::FxHashMap::default();
    let mut merged: Vec<(ImportWarning, Vec<String>)> = Vec::with_capacity(warnings.len());
    for warning in warnings {
        let key = (warning.file.clone(), component_of(&warning.pointer).to_string(), warning.message.clone());
        match index.get(&key) {
            Some(&at) => {
                let (entry, places) = &mut merged[at];
                entry.uses += warning.uses;
                if !places.contains(&warning.pointer) {
                    places.push(warning.pointer);
                }
            }
            None => {
                index.insert(key, merged.len());
                let places = vec![warning.pointer.clone()];
                merged.push((warning, places));
            }
        }
    }
    merged
        .into_iter()
        .map(|(mut warning, places)| {
            if places.len() > 1 {
                let component = component_of(&warning.pointer).to_string();
                let first = warning.pointer[component.len()..].to_string();
                warning.message =
                    format!("{} (at {} places in this component, the first `{first}`)", warning.message, places.len());
                warning.pointer = component;
            }
            warning
        })
        .collect()
}

/// The component a pointer is inside (`/components/schemas/Pet` for
/// `/components/schemas/Pet/properties/tag`; in Swagger 2.0, `/definitions/Pet` and the like),
/// or the pointer itself outside them.
fn component_of(pointer: &str) -> &str {
    let depth = if pointer.starts_with("/components/") {
        3
    } else if ["/definitions/", "/parameters/", "/responses/", "/securityDefinitions/"]
        .iter()
        .any(|p| pointer.starts_with(p))
    {
        2
    } else {
        return pointer;
    };
    let mut slashes = pointer.match_indices('/').map(|(at, _)| at).skip(depth);
    match slashes.next() {
        Some(end) => &pointer[..end],
        None => pointer,
    }
}

/// The kinds of [`ImportWarning`], each with a stable short name ([`WarningKind::as_str`]) that
/// summaries, the directory suite's report and snapshots group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// A `$ref` that does not resolve, or a chain of them that does not end.
    RefUnresolved,
    /// A `$ref` loop of aliases typed `any`, or one that leads back into what holds it.
    RefCycle,
    /// A `$ref` where OpenAPI allows no Reference Object (an operation, a description), followed.
    RefNotAllowed,
    /// A path with a fragment, without its leading `/`, or otherwise not mapped.
    Path,
    /// An HTTP method accord has no endpoint for (`TRACE`, `OPTIONS`).
    MethodUnsupported,
    /// Two operations with the same method and path shape.
    EndpointIndistinguishable,
    /// A parameter location, or a header, accord does not send.
    ParameterUnsupported,
    /// A parameter serialization style accord sends differently.
    ParameterStyle,
    /// A path parameter missing from the path, or a path template without its parameter.
    PathParameter,
    /// A request body media type not kept, or a multipart body not sent part by part.
    MediaType,
    /// An operation without (success) responses.
    ResponseMissing,
    /// A `default` response.
    DefaultResponse,
    /// A status range (`2XX`) mapped to one status.
    StatusRange,
    /// A response key that is no status.
    StatusInvalid,
    /// A schema nested too deeply, not a schema, of no JSON Schema type, or past the limit of
    /// schemas converted.
    SchemaInvalid,
    /// A value of several types typed `any`.
    TypeUnion,
    /// Required properties that are not declared.
    RequiredUndeclared,
    /// An enumeration whose values are not kept as written (non-string values, values not of
    /// the enumeration's type).
    EnumNonString,
    /// A JSON Schema keyword without an accord equivalent.
    KeywordUnsupported,
    /// `exclusiveMinimum`/`exclusiveMaximum` kept inclusive.
    BoundExclusive,
    /// A keyword whose value is not of its type (`pattern: 0`, `maxLength: 1.5`).
    ValueInvalid,
    /// A `pattern` accord's regex engine does not support.
    PatternUnsupported,
    /// `readOnly`/`writeOnly` that cannot be kept.
    ReadWriteOnly,
    /// `allOf`/`oneOf`/`anyOf` or a discriminator mapping not kept as written.
    Composition,
    /// A security scheme not supported.
    AuthUnsupported,
    /// A security scheme mapped to a simpler one (a bearer token).
    AuthApproximated,
    /// A server variable declared in another way than accord keeps it (no default, a default
    /// outside its enum, two servers declaring it differently).
    ServerVariable,
    /// A server or token URL replaced, resolved or left out.
    ServerUrl,
    /// Webhooks: no signature scheme, or events not told apart.
    Webhook,
    /// Pagination that looks present but is not certain.
    Pagination,
    /// Any other.
    Other,
}

impl WarningKind {
    /// Every kind, in declaration order.
    pub const ALL: &[WarningKind] = &[
        WarningKind::RefUnresolved,
        WarningKind::RefCycle,
        WarningKind::RefNotAllowed,
        WarningKind::Path,
        WarningKind::MethodUnsupported,
        WarningKind::EndpointIndistinguishable,
        WarningKind::ParameterUnsupported,
        WarningKind::ParameterStyle,
        WarningKind::PathParameter,
        WarningKind::MediaType,
        WarningKind::ResponseMissing,
        WarningKind::DefaultResponse,
        WarningKind::StatusRange,
        WarningKind::StatusInvalid,
        WarningKind::SchemaInvalid,
        WarningKind::TypeUnion,
        WarningKind::RequiredUndeclared,
        WarningKind::EnumNonString,
        WarningKind::KeywordUnsupported,
        WarningKind::BoundExclusive,
        WarningKind::ValueInvalid,
        WarningKind::PatternUnsupported,
        WarningKind::ReadWriteOnly,
        WarningKind::Composition,
        WarningKind::AuthUnsupported,
        WarningKind::AuthApproximated,
        WarningKind::ServerVariable,
        WarningKind::ServerUrl,
        WarningKind::Webhook,
        WarningKind::Pagination,
        WarningKind::Other,
    ];

    /// The stable short name (`keyword_unsupported`).
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::RefUnresolved => "ref_unresolved",
            WarningKind::RefCycle => "ref_cycle",
            WarningKind::RefNotAllowed => "ref_not_allowed",
            WarningKind::Path => "path",
            WarningKind::MethodUnsupported => "method_unsupported",
            WarningKind::EndpointIndistinguishable => "endpoint_indistinguishable",
            WarningKind::ParameterUnsupported => "parameter_unsupported",
            WarningKind::ParameterStyle => "parameter_style",
            WarningKind::PathParameter => "path_parameter",
            WarningKind::MediaType => "media_type",
            WarningKind::ResponseMissing => "response_missing",
            WarningKind::DefaultResponse => "default_response",
            WarningKind::StatusRange => "status_range",
            WarningKind::StatusInvalid => "status_invalid",
            WarningKind::SchemaInvalid => "schema_invalid",
            WarningKind::TypeUnion => "type_union",
            WarningKind::RequiredUndeclared => "required_undeclared",
            WarningKind::EnumNonString => "enum_non_string",
            WarningKind::KeywordUnsupported => "keyword_unsupported",
            WarningKind::BoundExclusive => "bound_exclusive",
            WarningKind::ValueInvalid => "value_invalid",
            WarningKind::PatternUnsupported => "pattern_unsupported",
            WarningKind::ReadWriteOnly => "read_write_only",
            WarningKind::Composition => "composition",
            WarningKind::AuthUnsupported => "auth_unsupported",
            WarningKind::AuthApproximated => "auth_approximated",
            WarningKind::ServerVariable => "server_variable",
            WarningKind::ServerUrl => "server_url",
            WarningKind::Webhook => "webhook",
            WarningKind::Pagination => "pagination",
            WarningKind::Other => "other",
        }
    }

    /// The kind of a warning, read from its message: the importer's messages name what was
    /// not mapped in fixed words, which this table looks for, first match wins. A message no
    /// row matches is [`WarningKind::Other`] (a test keeps every message of the importer's
    /// fixtures and unit tests out of it).
    pub fn of(message: &str) -> WarningKind {
        use WarningKind::*;
        const TABLE: &[(&str, WarningKind)] = &[
            // Swagger 2.0 conversion (first: its messages name parameter locations).
            ("`discriminator` picks among", Composition),
            ("no `schemes`", ServerUrl),
            ("no server is made", ServerUrl),
            ("own `schemes`", ServerUrl),
            ("`collectionFormat", ParameterStyle),
            ("`in: body`", MediaType),
            ("`consumes`", MediaType),
            ("file response", MediaType),
            ("oauth2 `flow", AuthUnsupported),
            ("security scheme type", AuthUnsupported),
            // Multi-file descriptions (first: they quote what the `$ref` names).
            ("where OpenAPI allows no Reference Object", RefNotAllowed),
            ("in place of a description", RefNotAllowed),
            ("leads back to an object that contains it", RefCycle),
            ("which does not exist; dropped", RefUnresolved),
            // Security requirements and media types (first: they name parameters and statuses).
            ("which one request cannot carry twice", AuthUnsupported),
            ("no `security` requirement anywhere", AuthApproximated),
            ("a security requirement is not an object", AuthUnsupported),
            ("`security` is not a list", AuthUnsupported),
            ("is not declared or was dropped", AuthUnsupported),
            ("no alternative of this requirement", AuthUnsupported),
            ("security schemes the document does not declare", AuthUnsupported),
            ("security scheme without `scheme`", AuthUnsupported),
            ("their schema is not applied", MediaType),
            ("XML bodies are sent and read as text", MediaType),
            ("header parameters `Accept`, `Content-Type` and `Authorization` are ignored", ParameterUnsupported),
            ("error responses whose bodies are not JSON", MediaType),
            ("does not resolve", RefUnresolved),
            ("chain that does not end", RefUnresolved),
            ("`$ref` loop", RefCycle),
            ("cannot be told apart", EndpointIndistinguishable),
            ("operations are not supported", MethodUnsupported),
            ("is not sent over HTTP", Path),
            ("does not start with `/`", Path),
            ("of the path key", Path),
            ("its operations are dropped", Path),
            ("is a deepObject parameter", ParameterStyle),
            ("uses style", ParameterStyle),
            ("which OpenAPI does not define here", ParameterStyle),
            ("` is not defined for ", ParameterStyle),
            ("` is only defined with `explode", ParameterStyle),
            ("` does not write a", ParameterStyle),
            ("allows reserved characters unencoded", ParameterStyle),
            ("path parameter", PathParameter),
            ("parameters are not supported", ParameterUnsupported),
            ("is set by the client itself", ParameterUnsupported),
            ("a parameter described by `content`", ParameterUnsupported),
            ("request bodies of", MediaType),
            ("is kept; also offered", MediaType),
            ("multipart body", MediaType),
            ("no responses declared", ResponseMissing),
            ("no success response declared", ResponseMissing),
            ("`default`", DefaultResponse),
            ("is not a status", StatusInvalid),
            ("` mapped to ", StatusRange),
            ("nested too deeply", SchemaInvalid),
            ("not a schema", SchemaInvalid),
            ("is not a JSON Schema type", SchemaInvalid),
            ("a value of several types", TypeUnion),
            ("required properties that are not declared", RequiredUndeclared),
            ("enumeration of non-string values", EnumNonString),
            ("is kept as its type without the values", EnumNonString),
            ("an enumeration of `type: string` written with", EnumNonString),
            ("schemas converted", SchemaInvalid),
            ("kept as an inclusive bound", BoundExclusive),
            ("`readOnly` and `writeOnly`", ReadWriteOnly),
            ("no object property refers to", ReadWriteOnly),
            ("outside an object property", ReadWriteOnly),
            ("has no accord equivalent", KeywordUnsupported),
            ("`pattern` ", PatternUnsupported),
            ("does not fit its type; dropped", ValueInvalid),
            ("is not a whole number", ValueInvalid),
            ("is not a boolean", ValueInvalid),
            ("is not a list of", ValueInvalid),
            ("beyond every 64-bit integer", ValueInvalid),
            ("which no value meets", ValueInvalid),
            ("on a schema that is not", ValueInvalid),
            ("is not a number", ValueInvalid),
            ("is not a string", ValueInvalid),
            ("inside `allOf`", Composition),
            ("are not merged into its variants", Composition),
            ("which is not one of the variants", Composition),
            ("mapped to a bearer token", AuthApproximated),
            ("api key", AuthUnsupported),
            ("auth scheme", AuthUnsupported),
            ("server variable", ServerVariable),
            ("server url", ServerUrl),
            ("served from", ServerUrl),
            ("is relative", ServerUrl),
            ("is not a url", ServerUrl),
            ("not http or https", ServerUrl),
            ("webhook", Webhook),
            ("deliveries are signed", Webhook),
            ("the event type is read at", Webhook),
            ("paginated", Pagination),
        ];
        // Case matters for the code-quoted rows; the plain-word rows are matched lowercased.
        let lower = message.to_lowercase();
        TABLE
            .iter()
            .find(|(words, _)| {
                message.contains(words) || (words.chars().all(|c| !c.is_uppercase()) && lower.contains(words))
            })
            .map_or(Other, |(_, kind)| *kind)
    }
}

impl std::fmt::Display for WarningKind {
    /// The stable short name, padded to a width when one is given (`{kind:<28}`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Warnings counted by kind: `(kind, warnings, uses)`, the most frequent first.
pub fn summary_by_kind(warnings: &[ImportWarning]) -> Vec<(WarningKind, usize, usize)> {
    let mut counts: std::collections::BTreeMap<WarningKind, (usize, usize)> = std::collections::BTreeMap::new();
    for warning in warnings {
        let entry = counts.entry(warning.kind).or_default();
        entry.0 += 1;
        entry.1 += warning.uses;
    }
    let mut rows: Vec<(WarningKind, usize, usize)> =
        counts.into_iter().map(|(kind, (n, uses))| (kind, n, uses)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows
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

/// An imported spec before it is printed: the JSON value of the spec that [`Imported::yaml`]
/// prints, for a caller that compiles it in memory
/// ([`crate::project::compile_openapi`]) and needs the text only to locate diagnostics.
#[derive(Debug)]
pub struct ImportedValue {
    /// The spec's name (`petstore`).
    pub name: String,
    /// The spec, as the spec types serialise to JSON (what `spec::load` reads from the YAML).
    pub value: serde_json::Value,
    /// What was not mapped.
    pub warnings: Vec<ImportWarning>,
    /// The files the description was read from, relative to the root document's folder: the
    /// root document's name first, then each file its `$ref`s named (empty for a document
    /// given as text).
    pub files: Vec<PathBuf>,
    /// The comment lines the YAML text starts with (schema, source document, warning count).
    header: String,
    /// Whether the value is large enough to be freed on a thread of its own once printed.
    large: bool,
    /// What the import learnt of `value` by checking it to find the examples to drop.
    checked: openapi::examples::Checked,
}

impl ImportedValue {
    pub(crate) fn new(
        name: String,
        value: serde_json::Value,
        warnings: Vec<ImportWarning>,
        files: Vec<PathBuf>,
        header: String,
        large: bool,
    ) -> Self {
        ImportedValue { name, value, warnings, files, header, large, checked: Default::default() }
    }

    /// With what the import learnt of `value` by checking it.
    pub(crate) fn with_checked(self, checked: openapi::examples::Checked) -> Self {
        ImportedValue { checked, ..self }
    }

    /// What the import learnt of `value` by checking it (taken: `Checked::Not` after).
    pub(crate) fn take_checked(&mut self) -> openapi::examples::Checked {
        std::mem::take(&mut self.checked)
    }

    /// The spec as YAML text, as [`Imported::yaml`] holds it.
    pub fn to_yaml(&self) -> String {
        format!("{}{}", self.header, crate::spec::yaml::to_string(&self.value))
    }

    /// Freed, unprinted: the value on another thread when it is large (as
    /// [`ImportedValue::into_imported`] frees it).
    pub(crate) fn free(self) {
        if self.large {
            openapi::drop_in_background((self.value, self.checked));
        }
    }

    /// Printed: the spec as YAML text. The value is freed on another thread when it is large
    /// (freeing GitHub's node by node took about a tenth of its import's instructions).
    pub fn into_imported(self) -> Imported {
        let yaml = self.to_yaml();
        if self.large {
            openapi::drop_in_background((self.value, self.checked));
        }
        Imported { name: self.name, yaml, warnings: self.warnings }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_warnings_merge_with_their_uses_in_first_seen_order() {
        let warnings = vec![
            ImportWarning::new("/a", "`uniqueItems` has no accord equivalent; dropped"),
            ImportWarning::new("/b", "`xml` has no accord equivalent; dropped"),
            ImportWarning::new("/a", "`uniqueItems` has no accord equivalent; dropped"),
            ImportWarning::new("/a", "an enumeration of non-string values is kept as its type without the values"),
            ImportWarning::new("/a", "`uniqueItems` has no accord equivalent; dropped"),
        ];
        let merged = merge_repeated(warnings);
        let shown: Vec<String> = merged.iter().map(ToString::to_string).collect();
        let component = merge_repeated(vec![
            ImportWarning::new(
                "/components/schemas/Types/oneOf/0",
                "an enumeration of non-string values is kept as its type without the values",
            ),
            ImportWarning::new("/paths/~1a/get", "no responses declared; a 200 without a body is assumed"),
            ImportWarning::new(
                "/components/schemas/Types/oneOf/1",
                "an enumeration of non-string values is kept as its type without the values",
            ),
            ImportWarning::new(
                "/components/schemas/Other/oneOf/0",
                "an enumeration of non-string values is kept as its type without the values",
            ),
            ImportWarning::new("/paths/~1b/get", "no responses declared; a 200 without a body is assumed"),
        ]);
        let component: Vec<String> = component.iter().map(ToString::to_string).collect();
        assert_eq!(
            component,
            [
                "#/components/schemas/Types: an enumeration of non-string values is kept as its type without the values (at 2 places in this component, the first `/oneOf/0`) [enum_non_string] (2 uses)",
                "#/paths/~1a/get: no responses declared; a 200 without a body is assumed [response_missing]",
                "#/components/schemas/Other/oneOf/0: an enumeration of non-string values is kept as its type without the values [enum_non_string]",
                "#/paths/~1b/get: no responses declared; a 200 without a body is assumed [response_missing]",
            ]
        );
        assert_eq!(component_of("/components/schemas"), "/components/schemas");
        assert_eq!(component_of("/components/parameters/Tags/schema"), "/components/parameters/Tags");
        assert_eq!(component_of("/definitions/Pet/properties/tag"), "/definitions/Pet");
        assert_eq!(component_of("/paths/~1pets/get"), "/paths/~1pets/get");
        assert_eq!(
            shown,
            [
                "#/a: `uniqueItems` has no accord equivalent; dropped [keyword_unsupported] (3 uses)",
                "#/b: `xml` has no accord equivalent; dropped [keyword_unsupported]",
                "#/a: an enumeration of non-string values is kept as its type without the values [enum_non_string]",
            ]
        );
        assert_eq!(
            summary_by_kind(&merged),
            [(WarningKind::KeywordUnsupported, 2, 4), (WarningKind::EnumNonString, 1, 1)]
        );
    }

    #[test]
    fn every_kind_has_its_own_stable_name() {
        let names: std::collections::BTreeSet<&str> = WarningKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), WarningKind::ALL.len());
        assert!(names.iter().all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')));
        assert_eq!(format!("{:<10}|", WarningKind::Path), "path      |");
    }

    #[test]
    fn messages_are_read_as_their_kinds() {
        for (message, kind) in [
            ("`$ref: #/components/schemas/X` does not resolve; typed as `any`", WarningKind::RefUnresolved),
            ("`$ref: models/x.yml#/a` names `models/x.yml`, which does not exist; dropped", WarningKind::RefUnresolved),
            (
                "header parameters `Accept`, `Content-Type` and `Authorization` are ignored, as OpenAPI 3.0.3 §4.7.12.1 says; the client sets them itself (met 4 times in this document, the first here)",
                WarningKind::ParameterUnsupported,
            ),
            (
                "XML bodies are sent and read as text; their schemas, which describe XML, are not applied (met once in this document, the first here)",
                WarningKind::MediaType,
            ),
            (
                "`uniqueItems` on a schema that is not an array; dropped (it constrains arrays only, so nothing is lost; met 9 times in this document, the first here)",
                WarningKind::ValueInvalid,
            ),
            ("`TRACE` operations are not supported; dropped", WarningKind::MethodUnsupported),
            (
                "`default` responses have no status; not mapped (declare the error statuses the API returns)",
                WarningKind::DefaultResponse,
            ),
            ("`default` is the only success response: mapped to 200", WarningKind::DefaultResponse),
            ("`2XX` mapped to 200", WarningKind::StatusRange),
            (
                "query parameter `a` uses style `pipeDelimited` explode false; accord sends arrays as repeated `name=value` pairs",
                WarningKind::ParameterStyle,
            ),
            ("header parameter `Accept` is set by the client itself; dropped", WarningKind::ParameterUnsupported),
            ("path parameter `id` is not in the path; dropped", WarningKind::PathParameter),
            ("`pattern` \"(?<=a)b\" is not supported (look-behind); dropped", WarningKind::PatternUnsupported),
            ("`pattern: 0` is not a string; dropped", WarningKind::ValueInvalid),
            (
                "`readOnly` outside an object property has no accord equivalent (accord marks properties); dropped",
                WarningKind::ReadWriteOnly,
            ),
            ("an API key in a cookie is not supported; dropped", WarningKind::AuthUnsupported),
            (
                "OpenID Connect: mapped to a bearer token (obtain it with your OIDC library)",
                WarningKind::AuthApproximated,
            ),
            (
                "server URL `/v1` is relative to where the document is served; kept as `https://example.invalid/v1` — set the real host",
                WarningKind::ServerUrl,
            ),
            (
                "looks paginated (query parameter `page`) but how the next page is found is not certain; add `pagination` by hand",
                WarningKind::Pagination,
            ),
            ("something new", WarningKind::Other),
        ] {
            assert_eq!(WarningKind::of(message), kind, "{message}");
        }
    }
}
