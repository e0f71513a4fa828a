//! Swagger 2.0 → the OpenAPI 3.0 shape the importer reads, as one value-to-value conversion
//! run before the [`super::Importer`], with a map from every converted node back to the 2.0
//! node it came from, so that warnings stay located in the document the user has.
//!
//! Mapping (Swagger 2.0, swagger.io/specification/v2; OpenAPI 3.0.3, spec.openapis.org):
//! - `host` + `basePath` + `schemes` → `servers`, one per scheme, `https` first. Without
//!   `schemes` 2.0 means the scheme the document was fetched with, which an import does not
//!   know: `https` is assumed, with a warning. Without `host` the server URL is `basePath`
//!   alone, relative (the importer then warns that the host is unknown).
//! - `definitions` → `components.schemas`; top-level `parameters` that are not `in: body` or
//!   `in: formData` → `components.parameters`; top-level `responses` →
//!   `components.responses`; `$ref`s into them rewritten (`#/definitions/X` →
//!   `#/components/schemas/X`, …), a `$ref` that does not resolve left as written.
//! - Schemas: `x-nullable` → `nullable`, `type: file` → `type: string, format: binary`
//!   (OpenAPI 3.0 §4.7.14.3, "Considerations for File Uploads"), a `discriminator` property
//!   name → `discriminator.propertyName`.
//! - Parameters (§ Parameter Object): the type keywords (`type`, `format`, `items`, `enum`,
//!   bounds, `default`) move into `schema`; an array's `collectionFormat` (default `csv`) →
//!   `style`/`explode` (§ Parameter Object, "style values"): query `csv` → `form` without
//!   explode, `ssv` → `spaceDelimited`, `pipes` → `pipeDelimited`, `multi` → `form` with
//!   explode; path and header `csv` → `simple`. `tsv`, and `ssv`/`pipes` outside a query, have
//!   no 3.0 style: a warning, and `csv`'s style.
//! - The `in: body` parameter → `requestBody`, one media type per `consumes` (the operation's,
//!   else the document's, else `application/json`); `in: formData` parameters → a
//!   `requestBody` whose schema is an object with one property per parameter, as
//!   `multipart/form-data` when one is `type: file` and otherwise as the form media types of
//!   `consumes` (`application/x-www-form-urlencoded` when it lists none: 2.0 allows form
//!   parameters with those two only); array properties get an `encoding` with their style.
//!   Path-item parameters apply to each operation, the operation's own winning by name and
//!   place.
//! - Responses: `schema` → `content`, one media type per `produces` (as `consumes`), a
//!   `type: file` schema as binary; `headers` → headers with a `schema`; `examples` (by media
//!   type) → each media type's `example`.
//! - `securityDefinitions` → `components.securitySchemes`: `basic` → `http` + `basic`,
//!   `apiKey` as is, `oauth2` by its `flow`: `implicit` → `implicit`, `password` →
//!   `password`, `application` → `clientCredentials`, `accessCode` → `authorizationCode`.
//!   `security` requirements have the same shape in both versions.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{METHODS, escape};
use crate::import::ImportWarning;

/// The keywords of a 2.0 non-body parameter, header or Items Object that describe its value,
/// and so become its 3.0 `schema`.
const VALUE_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
];

/// A 2.0 document converted: the 3.0-shaped document, the conversion's own warnings (already
/// at 2.0 pointers), and where each converted node came from.
#[derive(Debug)]
pub(super) struct Converted {
    pub(super) document: Value,
    pub(super) warnings: Vec<ImportWarning>,
    pub(super) origins: Origins,
}

/// Converted pointer → the pointer of the 2.0 node it came from. A pointer not listed is
/// looked up by its longest listed prefix (segment by segment), whose origin gets the rest
/// of the pointer; with none, it is the same in both documents (`/paths/~1pets/get`).
#[derive(Debug, Default)]
pub(super) struct Origins(BTreeMap<String, String>);

impl Origins {
    fn record(&mut self, converted: impl Into<String>, original: impl Into<String>) {
        self.0.insert(converted.into(), original.into());
    }

    /// The 2.0 pointer of a node of the converted document.
    pub(super) fn original(&self, pointer: &str) -> String {
        let mut end = pointer.len();
        loop {
            if let Some(original) = self.0.get(&pointer[..end]) {
                return format!("{original}{}", &pointer[end..]);
            }
            match pointer[..end].rfind('/') {
                Some(slash) => end = slash,
                None => return pointer.to_string(),
            }
        }
    }
}

/// Converts a Swagger 2.0 document (one whose `swagger` is `"2.0"`).
pub(super) fn convert(document: &Value) -> Converted {
    let mut converter = Converter { root: document, warnings: Vec::new(), origins: Origins::default() };
    let document = converter.document();
    Converted { document, warnings: converter.warnings, origins: converter.origins }
}

/// Where a parameter stands and how it was reached: the parameter object (its `$ref`
/// followed) and the pointer of the node the document writes (the `$ref` itself, if any).
#[derive(Clone)]
struct Parameter<'a> {
    /// The parameter object, its `$ref` followed.
    value: &'a Map<String, Value>,
    /// Pointer of the parameter object (the `$ref`'s target when it is one).
    at: String,
    /// The node as written: a `$ref` to keep, or the parameter itself.
    written: &'a Value,
    /// Pointer of the node as written.
    written_at: String,
}

impl Parameter<'_> {
    fn location(&self) -> &str {
        self.value.get("in").and_then(Value::as_str).unwrap_or_default()
    }

    fn name(&self) -> &str {
        self.value.get("name").and_then(Value::as_str).unwrap_or_default()
    }
}

struct Converter<'a> {
    root: &'a Value,
    warnings: Vec<ImportWarning>,
    origins: Origins,
}

impl<'a> Converter<'a> {
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(ImportWarning::new(pointer, message));
    }

    fn document(&mut self) -> Value {
        let root = self.root;
        let mut out = Map::new();
        out.insert("openapi".into(), json!("3.0.3"));
        // What has the same shape in both versions, and extensions.
        for (key, value) in root.as_object().into_iter().flatten() {
            if ["info", "tags", "externalDocs", "security"].contains(&key.as_str()) || key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        if let Some(servers) = self.servers() {
            out.insert("servers".into(), servers);
        }
        let consumes = media_types(root.get("consumes"));
        let produces = media_types(root.get("produces"));
        let mut components = Map::new();
        if let Some(definitions) = root.get("definitions").and_then(Value::as_object) {
            let mut schemas = Map::new();
            for (name, schema) in definitions {
                self.origins
                    .record(format!("/components/schemas/{}", escape(name)), format!("/definitions/{}", escape(name)));
                if schema.get("discriminator").is_some_and(Value::is_string) && schema.get("oneOf").is_none() {
                    self.warn(
                        &format!("/definitions/{}/discriminator", escape(name)),
                        "a Swagger 2.0 `discriminator` picks among the models that extend this one through `allOf`; accord has no inheritance, so each is imported as a model of its own and this one as it is",
                    );
                }
                schemas.insert(name.clone(), self.schema(schema));
            }
            components.insert("schemas".into(), Value::Object(schemas));
        }
        if let Some(parameters) = root.get("parameters").and_then(Value::as_object) {
            let mut converted = Map::new();
            for (name, parameter) in parameters {
                let at = format!("/parameters/{}", escape(name));
                let Some(object) = parameter.as_object() else { continue };
                // Body and form parameters become part of a request body where they are used.
                if matches!(object.get("in").and_then(Value::as_str), Some("body" | "formData")) {
                    continue;
                }
                let new_at = format!("/components/parameters/{}", escape(name));
                converted.insert(name.clone(), self.parameter(object, &at, &new_at));
            }
            if !converted.is_empty() {
                components.insert("parameters".into(), Value::Object(converted));
            }
        }
        if let Some(responses) = root.get("responses").and_then(Value::as_object) {
            let mut converted = Map::new();
            for (name, response) in responses {
                let at = format!("/responses/{}", escape(name));
                let new_at = format!("/components/responses/{}", escape(name));
                converted.insert(name.clone(), self.response(response, &produces, &at, &new_at));
            }
            components.insert("responses".into(), Value::Object(converted));
        }
        if let Some(definitions) = root.get("securityDefinitions").and_then(Value::as_object) {
            let mut schemes = Map::new();
            for (name, definition) in definitions {
                let at = format!("/securityDefinitions/{}", escape(name));
                let new_at = format!("/components/securitySchemes/{}", escape(name));
                if let Some(scheme) = self.security_scheme(definition, &at, &new_at) {
                    schemes.insert(name.clone(), scheme);
                }
            }
            components.insert("securitySchemes".into(), Value::Object(schemes));
        }
        if !components.is_empty() {
            out.insert("components".into(), Value::Object(components));
        }
        let mut paths = Map::new();
        for (path, item) in root.get("paths").and_then(Value::as_object).into_iter().flatten() {
            let at = format!("/paths/{}", escape(path));
            paths.insert(path.clone(), self.path_item(item, &at, &consumes, &produces));
        }
        out.insert("paths".into(), Value::Object(paths));
        Value::Object(out)
    }

    /// `host`, `basePath` and `schemes` as 3.0 `servers`.
    fn servers(&mut self) -> Option<Value> {
        let root = self.root;
        let host = root.get("host").and_then(Value::as_str).filter(|host| !host.is_empty());
        let base_path = root.get("basePath").and_then(Value::as_str).unwrap_or_default();
        let base_path = base_path.trim_end_matches('/');
        let Some(host) = host else {
            if base_path.is_empty() {
                return None;
            }
            self.origins.record("/servers/0", "/basePath");
            return Some(json!([{"url": base_path}]));
        };
        let mut schemes: Vec<&str> =
            root.get("schemes").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        schemes.retain(|scheme| {
            let http = matches!(*scheme, "http" | "https");
            if !http {
                self.warnings.push(ImportWarning::new(
                    "/schemes",
                    format!("scheme `{scheme}` is not HTTP; no server is made for it"),
                ));
            }
            http
        });
        if schemes.is_empty() {
            self.warn(
                "/host",
                "no `schemes`: Swagger 2.0 then means the scheme the document was fetched with, which an import does not know; https assumed",
            );
            schemes.push("https");
        }
        // The secure scheme first: the first server is the default environment.
        schemes.sort_by_key(|scheme| *scheme != "https");
        schemes.dedup();
        let servers = schemes
            .iter()
            .enumerate()
            .map(|(index, scheme)| {
                self.origins.record(format!("/servers/{index}"), "/host");
                json!({"url": format!("{scheme}://{host}{base_path}")})
            })
            .collect();
        Some(Value::Array(servers))
    }

    /// A `$ref` rewritten into `components`, or as written when it does not resolve in the
    /// 2.0 document (the importer then says so, naming the `$ref` the user wrote).
    fn reference(&self, reference: &str) -> String {
        if !reference.starts_with('#') || self.root.pointer(&reference[1..]).is_none() {
            return reference.to_string();
        }
        for (from, to) in [
            ("#/definitions/", "#/components/schemas/"),
            ("#/parameters/", "#/components/parameters/"),
            ("#/responses/", "#/components/responses/"),
        ] {
            if let Some(rest) = reference.strip_prefix(from) {
                return format!("{to}{rest}");
            }
        }
        reference.to_string()
    }

    /// A 2.0 Schema Object as a 3.0 one. The schema keywords are walked, not the values
    /// (`example`, `default`, `enum`), where a `$ref` key is data. Recursion is bounded by the
    /// document's nesting, which [`crate::spec::yaml::MAX_DEPTH`] bounds before parsing.
    fn schema(&self, schema: &Value) -> Value {
        let Some(object) = schema.as_object() else { return schema.clone() };
        let mut out = Map::new();
        for (key, value) in object {
            match key.as_str() {
                "$ref" => {
                    let reference = value.as_str().map(|r| self.reference(r));
                    out.insert(key.clone(), reference.map_or_else(|| value.clone(), Value::String));
                }
                "x-nullable" => {
                    out.insert("nullable".into(), value.clone());
                }
                "type" if value == "file" => {
                    out.insert("type".into(), json!("string"));
                    out.insert("format".into(), json!("binary"));
                }
                "format" if object.get("type").is_some_and(|t| t == "file") => {}
                "discriminator" if value.is_string() => {
                    out.insert(key.clone(), json!({"propertyName": value}));
                }
                "properties" | "patternProperties" | "definitions" => {
                    let converted = value
                        .as_object()
                        .map(|map| Value::Object(map.iter().map(|(k, v)| (k.clone(), self.schema(v))).collect()));
                    out.insert(key.clone(), converted.unwrap_or_else(|| value.clone()));
                }
                "items" | "allOf" | "anyOf" | "oneOf" => {
                    let converted = match value {
                        Value::Array(list) => Value::Array(list.iter().map(|v| self.schema(v)).collect()),
                        other => self.schema(other),
                    };
                    out.insert(key.clone(), converted);
                }
                "additionalProperties" | "not" => {
                    out.insert(key.clone(), self.schema(value));
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Value::Object(out)
    }

    /// The schema of a non-body parameter, a response header or an Items Object: its value
    /// keywords (and `items`, recursively), with `x-nullable` and `type: file` as in
    /// [`Converter::schema`].
    fn value_schema(&mut self, object: &Map<String, Value>, at: &str) -> Value {
        let mut schema = Map::new();
        for key in VALUE_KEYWORDS {
            if let Some(value) = object.get(*key) {
                schema.insert((*key).to_string(), value.clone());
            }
        }
        if let Some(nullable) = object.get("x-nullable") {
            schema.insert("nullable".into(), nullable.clone());
        }
        if let Some(items) = object.get("items").and_then(Value::as_object) {
            let items_at = format!("{at}/items");
            if items.get("type").and_then(Value::as_str) == Some("array")
                && items.get("collectionFormat").and_then(Value::as_str).is_some_and(|format| format != "csv")
            {
                self.warn(
                    &format!("{items_at}/collectionFormat"),
                    "the `collectionFormat` of an array inside an array has no OpenAPI 3 style; the inner arrays are described as values only",
                );
            }
            schema.insert("items".into(), self.value_schema(items, &items_at));
        }
        if schema.get("type").is_some_and(|t| t == "file") {
            schema.insert("type".into(), json!("string"));
            schema.insert("format".into(), json!("binary"));
        }
        Value::Object(schema)
    }

    /// The 3.0 `style` and `explode` of an array parameter's `collectionFormat` (default
    /// `csv`), in the place `location` (`query`, `path`, `header`, `formData`); `None` where
    /// the 3.0 default is meant (not an array, or a path or header `csv`).
    fn style(&mut self, object: &Map<String, Value>, location: &str, at: &str) -> Option<(&'static str, bool)> {
        if object.get("type").and_then(Value::as_str) != Some("array") {
            return None;
        }
        let format = object.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv");
        let in_query = matches!(location, "query" | "formData");
        let style = match (format, in_query) {
            ("csv", true) => Some(("form", false)),
            ("csv", false) => return None,
            ("ssv", true) => Some(("spaceDelimited", false)),
            ("pipes", true) => Some(("pipeDelimited", false)),
            ("multi", true) => Some(("form", true)),
            _ => None,
        };
        if style.is_none() {
            let fallback = if in_query { "`style: form, explode: false`" } else { "`style: simple`" };
            self.warn(
                &format!("{at}/collectionFormat"),
                format!("`collectionFormat: {format}` has no OpenAPI 3 style in a {location} parameter; imported as comma-separated ({fallback}), which this API may not accept"),
            );
            return in_query.then_some(("form", false));
        }
        style
    }

    /// A non-body 2.0 parameter as a 3.0 Parameter Object, at `new_at` in the converted
    /// document.
    fn parameter(&mut self, object: &Map<String, Value>, at: &str, new_at: &str) -> Value {
        self.origins.record(new_at, at);
        self.origins.record(format!("{new_at}/schema"), at);
        let location = object.get("in").and_then(Value::as_str).unwrap_or_default().to_string();
        let mut out = Map::new();
        for (key, value) in object {
            if ["name", "in", "description", "required", "allowEmptyValue", "deprecated"].contains(&key.as_str())
                || key.starts_with("x-") && key != "x-nullable"
            {
                out.insert(key.clone(), value.clone());
            }
        }
        out.insert("schema".into(), self.value_schema(object, at));
        if let Some((style, explode)) = self.style(object, &location, at) {
            out.insert("style".into(), json!(style));
            out.insert("explode".into(), json!(explode));
        }
        Value::Object(out)
    }

    /// A parameter as written at `written_at`, its `$ref` followed.
    fn resolve_parameter(&self, written: &'a Value, written_at: String) -> Option<Parameter<'a>> {
        match written.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.strip_prefix('#')?;
                let value = self.root.pointer(pointer)?.as_object()?;
                Some(Parameter { value, at: pointer.to_string(), written, written_at })
            }
            None => Some(Parameter { value: written.as_object()?, at: written_at.clone(), written, written_at }),
        }
    }

    fn path_item(&mut self, item: &'a Value, at: &str, consumes: &[String], produces: &[String]) -> Value {
        let Some(object) = item.as_object() else { return item.clone() };
        if object.contains_key("$ref") {
            // A path item `$ref` (to another file, in 2.0) stays for the importer to report.
            return item.clone();
        }
        // The path item's parameters, `$ref`s followed; unresolved ones are kept as written.
        let mut shared: Vec<Parameter<'a>> = Vec::new();
        let mut unresolved_shared = Vec::new();
        for (index, written) in object.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let written_at = format!("{at}/parameters/{index}");
            match self.resolve_parameter(written, written_at.clone()) {
                Some(parameter) => shared.push(parameter),
                None => unresolved_shared.push((written, written_at)),
            }
        }
        let mut out = Map::new();
        for (key, value) in object {
            let operation_at = format!("{at}/{}", escape(key));
            if METHODS.iter().any(|(name, _)| name == key) || ["options", "trace"].contains(&key.as_str()) {
                out.insert(key.clone(), self.operation(value, &operation_at, &shared, consumes, produces));
            } else if key != "parameters" {
                out.insert(key.clone(), value.clone());
            }
        }
        // The non-body ones stay on the path item; body and form ones went into each
        // operation's request body.
        let mut parameters = Vec::new();
        for parameter in shared.iter().filter(|p| !matches!(p.location(), "body" | "formData")) {
            let new_at = format!("{at}/parameters/{}", parameters.len());
            parameters.push(self.written_parameter(parameter, &new_at));
        }
        for (written, written_at) in unresolved_shared {
            self.origins.record(format!("{at}/parameters/{}", parameters.len()), written_at);
            parameters.push(written.clone());
        }
        if !parameters.is_empty() {
            out.insert("parameters".into(), Value::Array(parameters));
        }
        Value::Object(out)
    }

    /// A non-body parameter where it is written: a `$ref` stays one (into
    /// `components.parameters`), an inline one is converted.
    fn written_parameter(&mut self, parameter: &Parameter<'a>, new_at: &str) -> Value {
        match parameter.written.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                self.origins.record(new_at, parameter.written_at.clone());
                json!({"$ref": self.reference(reference)})
            }
            None => self.parameter(parameter.value, &parameter.written_at, new_at),
        }
    }

    fn operation(
        &mut self,
        operation: &'a Value,
        at: &str,
        shared: &[Parameter<'a>],
        consumes: &[String],
        produces: &[String],
    ) -> Value {
        let Some(object) = operation.as_object() else { return operation.clone() };
        let consumes = match object.get("consumes") {
            Some(own) => media_types(Some(own)),
            None => consumes.to_vec(),
        };
        let produces = match object.get("produces") {
            Some(own) => media_types(Some(own)),
            None => produces.to_vec(),
        };
        let mut out = Map::new();
        for (key, value) in object {
            match key.as_str() {
                "parameters" | "responses" | "consumes" | "produces" => {}
                "schemes" => {
                    self.warn(
                        &format!("{at}/schemes"),
                        "an operation's own `schemes` are not carried; the document's servers are used",
                    );
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        // The operation's parameters, then the path item's it does not override (same name
        // and place).
        let mut parameters: Vec<Parameter<'a>> = Vec::new();
        let mut unresolved = Vec::new();
        for (index, written) in object.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let written_at = format!("{at}/parameters/{index}");
            match self.resolve_parameter(written, written_at.clone()) {
                Some(parameter) => parameters.push(parameter),
                None => unresolved.push((written, written_at)),
            }
        }
        let own_keys: Vec<(String, String)> =
            parameters.iter().map(|p| (p.location().to_string(), p.name().to_string())).collect();
        let inherited: Vec<Parameter<'a>> = shared
            .iter()
            .filter(|p| !own_keys.contains(&(p.location().to_string(), p.name().to_string())))
            .cloned()
            .collect();
        let mut converted = Vec::new();
        for parameter in parameters.iter().filter(|p| !matches!(p.location(), "body" | "formData")) {
            let new_at = format!("{at}/parameters/{}", converted.len());
            converted.push(self.written_parameter(parameter, &new_at));
        }
        for (written, written_at) in unresolved {
            self.origins.record(format!("{at}/parameters/{}", converted.len()), written_at);
            converted.push(written.clone());
        }
        if !converted.is_empty() {
            out.insert("parameters".into(), Value::Array(converted));
        }
        let all: Vec<&Parameter<'a>> = parameters.iter().chain(inherited.iter()).collect();
        if let Some(body) = self.request_body(&all, &consumes, at) {
            out.insert("requestBody".into(), body);
        }
        if let Some(responses) = object.get("responses").and_then(Value::as_object) {
            let mut converted = Map::new();
            for (status, response) in responses {
                let response_at = format!("{at}/responses/{}", escape(status));
                converted.insert(status.clone(), self.response(response, &produces, &response_at, &response_at));
            }
            out.insert("responses".into(), Value::Object(converted));
        }
        Value::Object(out)
    }

    /// The request body of an operation's `in: body` or `in: formData` parameters.
    fn request_body(&mut self, parameters: &[&Parameter<'a>], consumes: &[String], at: &str) -> Option<Value> {
        let body_at = format!("{at}/requestBody");
        let bodies: Vec<&Parameter<'a>> = parameters.iter().copied().filter(|p| p.location() == "body").collect();
        let form: Vec<&Parameter<'a>> = parameters.iter().copied().filter(|p| p.location() == "formData").collect();
        if let Some(body) = bodies.first() {
            for extra in &bodies[1..] {
                self.warn(
                    &extra.written_at,
                    "an operation has at most one `in: body` parameter (Swagger 2.0); dropped",
                );
            }
            for parameter in &form {
                self.warn(
                    &parameter.written_at,
                    "`in: formData` and `in: body` parameters cannot be used together (Swagger 2.0); the form parameter is dropped",
                );
            }
            self.origins.record(body_at.clone(), body.at.clone());
            let media_types =
                if consumes.is_empty() { vec!["application/json".to_string()] } else { consumes.to_vec() };
            let schema = body.value.get("schema").map(|schema| self.schema(schema)).unwrap_or_else(|| json!({}));
            let mut content = Map::new();
            for media in &media_types {
                self.origins
                    .record(format!("{body_at}/content/{}/schema", escape(media)), format!("{}/schema", body.at));
                content.insert(media.clone(), json!({"schema": schema}));
            }
            let mut out = Map::new();
            if let Some(description) = body.value.get("description") {
                out.insert("description".into(), description.clone());
            }
            out.insert("content".into(), Value::Object(content));
            if body.value.get("required") == Some(&Value::Bool(true)) {
                out.insert("required".into(), json!(true));
            }
            return Some(Value::Object(out));
        }
        let first = form.first()?;
        self.origins.record(body_at.clone(), first.at.clone());
        let has_file = form.iter().any(|p| p.value.get("type").and_then(Value::as_str) == Some("file"));
        let form_types: Vec<String> = consumes
            .iter()
            .filter(|media| {
                let media = media.split(';').next().unwrap_or_default().trim();
                media == "application/x-www-form-urlencoded" || media == "multipart/form-data"
            })
            .cloned()
            .collect();
        let media_types = if has_file {
            if !form_types.iter().any(|media| media.starts_with("multipart/form-data")) {
                self.warn(
                    &first.written_at,
                    "a `type: file` form parameter is sent as multipart/form-data, which `consumes` does not list (Swagger 2.0 requires it)",
                );
            }
            vec!["multipart/form-data".to_string()]
        } else if form_types.is_empty() {
            if !consumes.is_empty() {
                self.warn(
                    &first.written_at,
                    format!("form parameters need `consumes` of application/x-www-form-urlencoded or multipart/form-data (Swagger 2.0), not {consumes:?}; sent as application/x-www-form-urlencoded"),
                );
            }
            vec!["application/x-www-form-urlencoded".to_string()]
        } else {
            form_types
        };
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut encoding = Map::new();
        let mut property_origins = Vec::new();
        for parameter in &form {
            let name = parameter.name().to_string();
            let mut schema = self.value_schema(parameter.value, &parameter.at);
            if let (Some(description), Some(schema)) = (parameter.value.get("description"), schema.as_object_mut()) {
                schema.insert("description".into(), description.clone());
            }
            if parameter.value.get("required") == Some(&Value::Bool(true)) {
                required.push(json!(name));
            }
            if let Some((style, explode)) = self.style(parameter.value, "formData", &parameter.at) {
                encoding.insert(name.clone(), json!({"style": style, "explode": explode}));
            }
            property_origins.push((name.clone(), parameter.at.clone()));
            properties.insert(name, schema);
        }
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required.clone()));
        }
        let schema = Value::Object(schema);
        let mut content = Map::new();
        for media in &media_types {
            let schema_at = format!("{body_at}/content/{}/schema", escape(media));
            self.origins.record(schema_at.clone(), first.at.clone());
            for (name, origin) in &property_origins {
                self.origins.record(format!("{schema_at}/properties/{}", escape(name)), origin.clone());
            }
            let mut media_object = json!({"schema": schema});
            if !encoding.is_empty() {
                media_object["encoding"] = Value::Object(encoding.clone());
            }
            content.insert(media.clone(), media_object);
        }
        let mut out = json!({"content": content});
        if !required.is_empty() {
            out["required"] = json!(true);
        }
        Some(out)
    }

    /// A 2.0 Response Object (or a `$ref` to one) at `at`, as a 3.0 one at `new_at`.
    fn response(&mut self, response: &Value, produces: &[String], at: &str, new_at: &str) -> Value {
        let Some(object) = response.as_object() else { return response.clone() };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            return json!({"$ref": self.reference(reference)});
        }
        if new_at != at {
            self.origins.record(new_at, at);
        }
        let mut out = Map::new();
        out.insert("description".into(), object.get("description").cloned().unwrap_or_else(|| json!("")));
        for (key, value) in object {
            if key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        if let Some(headers) = object.get("headers").and_then(Value::as_object) {
            let mut converted = Map::new();
            for (name, header) in headers {
                let Some(header) = header.as_object() else { continue };
                let header_at = format!("{at}/headers/{}", escape(name));
                let new_header_at = format!("{new_at}/headers/{}", escape(name));
                self.origins.record(&new_header_at, &header_at);
                self.origins.record(format!("{new_header_at}/schema"), &header_at);
                let mut out_header = Map::new();
                if let Some(description) = header.get("description") {
                    out_header.insert("description".into(), description.clone());
                }
                out_header.insert("schema".into(), self.value_schema(header, &header_at));
                converted.insert(name.clone(), Value::Object(out_header));
            }
            out.insert("headers".into(), Value::Object(converted));
        }
        if let Some(schema) = object.get("schema") {
            let is_file = schema.get("type").and_then(Value::as_str) == Some("file");
            if is_file {
                self.warn(
                    &format!("{at}/schema"),
                    "a file response (`type: file`) is a binary body, which accord does not decode; the response is imported without a body",
                );
            }
            let media_types = match (produces.is_empty(), is_file) {
                (false, _) => produces.to_vec(),
                (true, false) => vec!["application/json".to_string()],
                (true, true) => vec!["application/octet-stream".to_string()],
            };
            let converted = self.schema(schema);
            let examples = object.get("examples").and_then(Value::as_object);
            let mut content = Map::new();
            for media in &media_types {
                let media_at = format!("{new_at}/content/{}", escape(media));
                self.origins.record(format!("{media_at}/schema"), format!("{at}/schema"));
                let mut media_object = json!({"schema": converted});
                if let Some(example) = examples.and_then(|examples| examples.get(media)) {
                    self.origins.record(format!("{media_at}/example"), format!("{at}/examples/{}", escape(media)));
                    media_object["example"] = example.clone();
                }
                content.insert(media.clone(), media_object);
            }
            out.insert("content".into(), Value::Object(content));
        }
        Value::Object(out)
    }

    /// A 2.0 Security Scheme Object as a 3.0 one; `None` (with a warning) for what 3.0 has no
    /// equivalent of.
    fn security_scheme(&mut self, definition: &Value, at: &str, new_at: &str) -> Option<Value> {
        let object = definition.as_object()?;
        self.origins.record(new_at, at);
        let mut out = Map::new();
        for (key, value) in object {
            if key == "description" || key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        match object.get("type").and_then(Value::as_str).unwrap_or_default() {
            "basic" => {
                out.insert("type".into(), json!("http"));
                out.insert("scheme".into(), json!("basic"));
            }
            "apiKey" => {
                out.insert("type".into(), json!("apiKey"));
                for key in ["name", "in"] {
                    if let Some(value) = object.get(key) {
                        out.insert(key.into(), value.clone());
                    }
                }
            }
            "oauth2" => {
                let flow = object.get("flow").and_then(Value::as_str).unwrap_or_default();
                let name = match flow {
                    "implicit" => "implicit",
                    "password" => "password",
                    "application" => "clientCredentials",
                    "accessCode" => "authorizationCode",
                    other => {
                        self.warn(
                            at,
                            format!("OAuth2 `flow: {other}` is not one of implicit, password, application, accessCode (Swagger 2.0); dropped"),
                        );
                        return None;
                    }
                };
                let mut flow_object = Map::new();
                for key in ["authorizationUrl", "tokenUrl"] {
                    if let Some(value) = object.get(key) {
                        flow_object.insert(key.into(), value.clone());
                    }
                }
                flow_object.insert("scopes".into(), object.get("scopes").cloned().unwrap_or_else(|| json!({})));
                self.origins.record(format!("{new_at}/flows/{name}"), at);
                out.insert("type".into(), json!("oauth2"));
                out.insert("flows".into(), json!({ name: flow_object }));
            }
            other => {
                self.warn(
                    at,
                    format!(
                        "security scheme type `{other}` is not one of basic, apiKey, oauth2 (Swagger 2.0); dropped"
                    ),
                );
                return None;
            }
        }
        Some(Value::Object(out))
    }
}

/// The media types of a `consumes` or `produces` list.
fn media_types(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Origins, convert};

    #[test]
    fn a_converted_pointer_leads_back_by_its_longest_recorded_prefix() {
        let mut origins = Origins::default();
        origins.record("/components/schemas/Pet", "/definitions/Pet");
        origins.record(
            "/paths/~1pets/post/requestBody/content/application~1json/schema",
            "/paths/~1pets/post/parameters/1/schema",
        );
        for (converted, original) in [
            ("/components/schemas/Pet/properties/id", "/definitions/Pet/properties/id"),
            ("/components/schemas/Pet", "/definitions/Pet"),
            // A segment boundary, not a string prefix.
            ("/components/schemas/Pets", "/components/schemas/Pets"),
            (
                "/paths/~1pets/post/requestBody/content/application~1json/schema/items",
                "/paths/~1pets/post/parameters/1/schema/items",
            ),
            ("/paths/~1pets/get", "/paths/~1pets/get"),
            ("", ""),
        ] {
            assert_eq!(origins.original(converted), original, "{converted}");
        }
    }

    #[test]
    fn collection_formats_become_styles_by_place() {
        let array = |name: &str, location: &str, format: Option<&str>| {
            let mut parameter = json!({"name": name, "in": location, "type": "array", "items": {"type": "string"}});
            if let Some(format) = format {
                parameter["collectionFormat"] = json!(format);
            }
            if location == "path" {
                parameter["required"] = json!(true);
            }
            parameter
        };
        let document = json!({
            "swagger": "2.0",
            "info": {"title": "T", "version": "1"},
            "paths": {"/x/{p}": {"get": {"parameters": [
                array("a", "query", None),
                array("b", "query", Some("ssv")),
                array("c", "query", Some("pipes")),
                array("d", "query", Some("multi")),
                array("p", "path", Some("csv")),
                array("e", "header", Some("tsv")),
                {"name": "f", "in": "query", "type": "string", "collectionFormat": "multi"}
            ], "responses": {"200": {"description": "ok"}}}}}
        });
        let converted = convert(&document);
        let parameters = converted.document.pointer("/paths/~1x~1{p}/get/parameters").expect("parameters");
        let styles: Vec<_> = parameters
            .as_array()
            .expect("a list")
            .iter()
            .map(|p| (p["name"].clone(), p.get("style").cloned(), p.get("explode").cloned()))
            .collect();
        assert_eq!(
            styles,
            vec![
                (json!("a"), Some(json!("form")), Some(json!(false))),
                (json!("b"), Some(json!("spaceDelimited")), Some(json!(false))),
                (json!("c"), Some(json!("pipeDelimited")), Some(json!(false))),
                (json!("d"), Some(json!("form")), Some(json!(true))),
                (json!("p"), None, None),
                (json!("e"), None, None),
                // Not an array: no style.
                (json!("f"), None, None),
            ]
        );
        assert_eq!(parameters[0]["schema"], json!({"type": "array", "items": {"type": "string"}}));
        let warned: Vec<_> = converted.warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(warned, ["/paths/~1x~1{p}/get/parameters/5/collectionFormat"]);
    }

    #[test]
    fn odd_shapes_convert_without_a_panic_and_import() {
        for document in [
            json!({"swagger": "2.0"}),
            json!({"swagger": "2.0", "host": 7, "basePath": ["/"], "schemes": "https", "paths": []}),
            json!({"swagger": "2.0", "paths": {"/a": 1, "/b": {"get": 2, "parameters": [3, {"$ref": 4}, {"$ref": "#/nowhere"}]}}}),
            json!({"swagger": "2.0", "paths": {"/c": {"post": {"parameters": [{"in": "body"}, {"in": "formData"}], "responses": {"200": 1, "201": {"schema": {"type": "file"}}}}}}}),
            json!({"swagger": "2.0", "definitions": {"A": 1, "B": {"items": [1, 2], "properties": 3, "allOf": {}}}, "securityDefinitions": {"x": 1, "y": {"type": "oauth2"}}, "parameters": {"p": {"in": "query", "items": {"items": {"collectionFormat": "ssv", "type": "array"}}}}}),
        ] {
            let converted = convert(&document);
            assert_eq!(converted.document["openapi"], json!("3.0.3"));
            assert!(crate::import::openapi::import(&document.to_string(), Some("odd")).is_ok(), "{document}");
        }
    }

    #[test]
    fn refs_are_rewritten_into_components_and_values_are_left_alone() {
        let document = json!({
            "swagger": "2.0",
            "info": {"title": "T", "version": "1"},
            "paths": {},
            "definitions": {
                "A": {"type": "object", "properties": {
                    "b": {"$ref": "#/definitions/B"},
                    "gone": {"$ref": "#/definitions/Gone"},
                    "file": {"type": "file"},
                    "maybe": {"type": "string", "x-nullable": true}
                }, "example": {"b": {"$ref": "#/definitions/B"}}, "discriminator": "kind"},
                "B": {"type": "string"}
            }
        });
        let converted = convert(&document).document;
        let a = &converted["components"]["schemas"]["A"];
        assert_eq!(a["properties"]["b"], json!({"$ref": "#/components/schemas/B"}));
        assert_eq!(a["properties"]["gone"], json!({"$ref": "#/definitions/Gone"}));
        assert_eq!(a["properties"]["file"], json!({"type": "string", "format": "binary"}));
        assert_eq!(a["properties"]["maybe"], json!({"type": "string", "nullable": true}));
        assert_eq!(a["example"], json!({"b": {"$ref": "#/definitions/B"}}));
        assert_eq!(a["discriminator"], json!({"propertyName": "kind"}));
    }
}
