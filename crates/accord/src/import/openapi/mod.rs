//! OpenAPI 3.0.x / 3.1.x → accord spec.
//!
//! Mapping (OpenAPI Specification 3.0.3 and 3.1.0, spec.openapis.org):
//! - `info` → `title`, `version`, `description`; `servers` → `environments` (server
//!   variables replaced by their defaults);
//! - `components.securitySchemes` → `auth`: `apiKey`, `http` basic/bearer, `oauth2`
//!   `clientCredentials` (the first of each kind);
//! - `paths` → `endpoints`, named by `operationId` (snake_case, made unique) or by method and
//!   path; path/query/header parameters (`$ref`s into `components.parameters` followed);
//!   request bodies (JSON, form-urlencoded; `$ref`s into `components.requestBodies`);
//!   2xx responses → `responses`, 4xx/5xx → one error code per status (`NOT_FOUND`, …) with
//!   the retry strategy RFC 9110 suggests for it, `default` → a success only when nothing else
//!   is;
//! - `components.schemas` → `models`: `allOf` merged, `oneOf`/`anyOf` → `one_of` (with
//!   `discriminator`), `nullable` and 3.1 type arrays → `nullable`, string `enum`/`const`,
//!   `additionalProperties` → maps, formats and constraints kept; `$ref`s stay model names,
//!   so recursion needs nothing special; `readOnly`/`writeOnly` → `read_only`/`write_only`
//!   on object properties (also from a component schema marked as a whole);
//! - 3.1 `webhooks` → `webhooks.events` with their payload models; several events need
//!   `event_type_field`, found where every event's payload schema fixes a distinct string
//!   (`const`, one-value `enum`, or an `enum` holding the event's key), else only the models
//!   are imported and a warning says what to add; the signature scheme is never in the
//!   document;
//! - pagination where a heuristic is reliable (`Link` + `page`, Stripe's `starting_after` +
//!   `has_more`, `next_page_uri`), rate-limit response headers → `rate_limits.headers`.
//!
//! A `$ref` is only followed where OpenAPI says a Reference Object may stand; `$ref` keys
//! inside `example`/`examples`/`default` values are data (GitHub's SCIM examples have them).

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use serde_json::{Map, Value, json};

use super::{ImportWarning, Imported};

/// How deep inline (non-component) `$ref`s and nested schemas are followed.
const MAX_DEPTH: usize = 48;
const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head"];

/// Imports an OpenAPI document (JSON or YAML text). `name` is the spec name to use (from the
/// output file), else derived from `info.title`.
///
/// Errors: the text is neither JSON nor YAML, or is not an OpenAPI 3.0/3.1 document.
pub fn import(text: &str, name: Option<&str>) -> Result<Imported, String> {
    let document: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(_) => crate::spec::yaml::parse(text).map(|(value, _)| value).map_err(|d| {
            format!("neither JSON nor YAML: {}", d.first().map(|d| d.message.clone()).unwrap_or_default())
        })?,
    };
    let version = document.get("openapi").and_then(Value::as_str).unwrap_or_default().to_string();
    if !(version.starts_with("3.0") || version.starts_with("3.1")) {
        return Err(match document.get("swagger") {
            Some(_) => "Swagger 2.0 is not supported: convert it to OpenAPI 3 first".to_string(),
            None => format!("not an OpenAPI 3.0/3.1 document (`openapi: {version}`)"),
        });
    }
    let title = document.pointer("/info/title").and_then(Value::as_str).unwrap_or("API").to_string();
    let name = name.map(str::to_string).unwrap_or_else(|| snake(&title));
    let mut importer = Importer::new(&document, version.starts_with("3.1"));
    let spec = importer.spec(&name);
    let yaml = format!(
        "# yaml-language-server: $schema=../generated/accord.schema.json\n# Imported by `accord import openapi` from {title} (OpenAPI {version}); {} warning(s).\n{}",
        importer.warnings.len(),
        crate::spec::yaml::to_string(&spec)
    );
    Ok(Imported { name, yaml, warnings: importer.warnings })
}

fn snake(text: &str) -> String {
    let mut out = text.to_snake_case().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>();
    if !out.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        out.insert_str(0, "api_");
    }
    out
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

struct Importer<'a> {
    document: &'a Value,
    v31: bool,
    warnings: Vec<ImportWarning>,
    /// Component schema name → model name.
    model_names: BTreeMap<String, String>,
    /// Models in output order.
    models: Map<String, Value>,
    /// Error codes by status.
    error_codes: BTreeMap<u16, ErrorCodeDraft>,
    rate_limit_headers: BTreeMap<&'static str, String>,
    oauth2: bool,
    /// Pointers of object properties, whose `readOnly`/`writeOnly` [`Importer::property`]
    /// maps (so the schema conversion does not report them).
    property_pointers: BTreeSet<String>,
    /// Component schemas whose whole-schema `readOnly`/`writeOnly` a property took over.
    access_components_used: BTreeSet<String>,
}

struct ErrorCodeDraft {
    name: String,
    /// Body model names seen with this status, with counts.
    bodies: BTreeMap<String, usize>,
    description: Option<String>,
}

impl<'a> Importer<'a> {
    fn new(document: &'a Value, v31: bool) -> Self {
        Importer {
            document,
            v31,
            warnings: Vec::new(),
            model_names: BTreeMap::new(),
            models: Map::new(),
            error_codes: BTreeMap::new(),
            rate_limit_headers: BTreeMap::new(),
            oauth2: false,
            property_pointers: BTreeSet::new(),
            access_components_used: BTreeSet::new(),
        }
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(ImportWarning { pointer: pointer.to_string(), message: message.into() });
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

    fn spec(&mut self, name: &str) -> Value {
        let document = self.document;
        // Model names first, so references resolve while converting.
        let mut taken: BTreeSet<String> = BTreeSet::new();
        if let Some(schemas) = document.pointer("/components/schemas").and_then(Value::as_object) {
            for key in schemas.keys() {
                let model = self.unique_model_name(key, &mut taken);
                self.model_names.insert(key.clone(), model);
            }
        }
        let mut spec = Map::new();
        spec.insert("accord".into(), json!(1));
        spec.insert("name".into(), json!(name));
        let info = document.get("info").cloned().unwrap_or(Value::Null);
        if let Some(title) = info.get("title") {
            spec.insert("title".into(), title.clone());
        }
        if let Some(version) = info.get("version") {
            let text = version.as_str().map(str::to_string).unwrap_or_else(|| version.to_string());
            spec.insert("version".into(), json!(text));
        }
        if let Some(description) = info.get("description").and_then(Value::as_str) {
            spec.insert("description".into(), json!(description.trim()));
        }
        let environments = self.environments();
        if !environments.is_empty() {
            spec.insert("environments".into(), Value::Object(environments));
        }
        if let Some(auth) = self.auth() {
            spec.insert("auth".into(), auth);
        }
        // Models from components, in document order.
        if let Some(schemas) = document.pointer("/components/schemas").and_then(Value::as_object) {
            for (key, schema) in schemas {
                let pointer = format!("/components/schemas/{}", escape(key));
                let model = self.model_names[key].clone();
                let converted = self.model(schema, &pointer);
                self.models.insert(model, converted);
            }
        }
        let endpoints = self.endpoints();
        let webhooks = self.webhooks();
        self.unused_component_access();
        if !self.models.is_empty() {
            spec.insert("models".into(), Value::Object(std::mem::take(&mut self.models)));
        }
        if let Some(errors) = self.errors() {
            spec.insert("errors".into(), errors);
        }
        if !self.rate_limit_headers.is_empty() {
            let headers: Map<String, Value> =
                self.rate_limit_headers.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
            spec.insert("rate_limits".into(), json!({ "headers": headers }));
        }
        spec.insert("endpoints".into(), Value::Object(endpoints));
        if let Some(webhooks) = webhooks {
            spec.insert("webhooks".into(), webhooks);
        }
        // Models hoisted while converting endpoints and webhooks.
        if !self.models.is_empty() {
            let extra = std::mem::take(&mut self.models);
            if let Some(Value::Object(models)) = spec.get_mut("models") {
                models.extend(extra);
            } else {
                // Keep `models` before `endpoints` for readability.
                let mut reordered = Map::new();
                for (key, value) in std::mem::take(&mut spec) {
                    if key == "endpoints" {
                        reordered.insert("models".into(), Value::Object(extra.clone()));
                    }
                    reordered.insert(key, value);
                }
                spec = reordered;
            }
        }
        Value::Object(spec)
    }

    fn unique_model_name(&self, key: &str, taken: &mut BTreeSet<String>) -> String {
        let mut base: String = key.to_upper_camel_case();
        if !base.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            base.insert_str(0, "Model");
        }
        if crate::check::PRIMITIVES.contains(&base.as_str()) {
            base.push_str("Model");
        }
        let mut candidate = base.clone();
        let mut n = 2;
        while taken.contains(&candidate.to_lowercase()) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        taken.insert(candidate.to_lowercase());
        candidate
    }

    /// A model name not used yet, for a hoisted inline schema.
    fn fresh_model_name(&self, base: &str) -> String {
        let base = {
            let camel = base.to_upper_camel_case();
            if camel.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) { camel } else { format!("Model{camel}") }
        };
        let used = |name: &str| {
            self.models.keys().any(|k| k.eq_ignore_ascii_case(name))
                || self.model_names.values().any(|k| k.eq_ignore_ascii_case(name))
        };
        let mut candidate = base.clone();
        let mut n = 2;
        while used(&candidate) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        candidate
    }

    fn environments(&mut self) -> Map<String, Value> {
        let mut out = Map::new();
        let Some(servers) = self.document.get("servers").and_then(Value::as_array) else { return out };
        for (index, server) in servers.iter().enumerate() {
            let pointer = format!("/servers/{index}");
            let Some(url) = server.get("url").and_then(Value::as_str) else { continue };
            let mut url = url.to_string();
            if let Some(variables) = server.get("variables").and_then(Value::as_object) {
                for (name, variable) in variables {
                    let default =
                        variable.get("default").map(|d| d.as_str().map(str::to_string).unwrap_or(d.to_string()));
                    url = url.replace(&format!("{{{name}}}"), &default.unwrap_or_default());
                    if variable.get("enum").is_some() {
                        self.warn(
                            &format!("{pointer}/variables/{}", escape(name)),
                            format!(
                                "server variable `{name}` has other values than its default; only the default is kept"
                            ),
                        );
                    }
                }
            }
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                self.warn(
                    &pointer,
                    format!("server URL `{url}` is relative to where the document is served; kept under https://example.invalid — set the real host"),
                );
                url = format!("https://example.invalid{}{}", if url.starts_with('/') { "" } else { "/" }, url);
            }
            let url = url.trim_end_matches('/').to_string();
            let base = server
                .get("description")
                .and_then(Value::as_str)
                .map(snake)
                .filter(|s| !s.is_empty() && s.len() <= 30)
                .unwrap_or_else(|| if index == 0 { "production".into() } else { format!("server_{}", index + 1) });
            let mut key = base.clone();
            let mut n = 2;
            while out.contains_key(&key) {
                key = format!("{base}_{n}");
                n += 1;
            }
            let mut environment = Map::new();
            environment.insert("base_url".into(), json!(url));
            if let Some(description) = server.get("description").and_then(Value::as_str) {
                environment.insert("description".into(), json!(description));
            }
            if index == 0 {
                environment.insert("default".into(), json!(true));
            }
            out.insert(key, Value::Object(environment));
        }
        out
    }

    fn auth(&mut self) -> Option<Value> {
        let schemes = self.document.pointer("/components/securitySchemes")?.as_object()?;
        let mut auth = Map::new();
        for (key, scheme) in schemes {
            let pointer = format!("/components/securitySchemes/{}", escape(key));
            let Some((scheme, _)) = self.deref(scheme, &pointer) else { continue };
            let kind = scheme.get("type").and_then(Value::as_str).unwrap_or_default();
            match kind {
                "apiKey" if !auth.contains_key("api_key") => {
                    let location = scheme.get("in").and_then(Value::as_str).unwrap_or("header");
                    if location == "cookie" {
                        self.warn(&pointer, "an API key in a cookie is not supported; dropped");
                        continue;
                    }
                    let name = scheme.get("name").and_then(Value::as_str).unwrap_or("X-API-Key");
                    auth.insert("api_key".into(), json!({"in": location, "name": name}));
                }
                "http" => match scheme.get("scheme").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
                    Some("bearer") if !auth.contains_key("bearer") => {
                        auth.insert("bearer".into(), json!({}));
                    }
                    Some("basic") if !auth.contains_key("basic") => {
                        auth.insert("basic".into(), json!({}));
                    }
                    Some(other) => self.warn(&pointer, format!("HTTP auth scheme `{other}` is not supported; dropped")),
                    None => {}
                },
                "oauth2" => {
                    match scheme.pointer("/flows/clientCredentials") {
                        Some(flow) if !auth.contains_key("oauth2_client_credentials") => {
                            let token_url = flow.get("tokenUrl").and_then(Value::as_str).unwrap_or_default();
                            let scopes: Vec<String> = flow
                                .get("scopes")
                                .and_then(Value::as_object)
                                .map(|s| s.keys().cloned().collect())
                                .unwrap_or_default();
                            auth.insert(
                                "oauth2_client_credentials".into(),
                                json!({"token_url": token_url, "scopes": scopes}),
                            );
                            self.oauth2 = true;
                        }
                        _ => {
                            // Flows a server-side client cannot run alone: the user obtains a
                            // token some other way and passes it as a bearer token.
                            self.warn(
                                &pointer,
                                "OAuth2 flows other than clientCredentials need a user; mapped to a bearer token",
                            );
                            auth.entry("bearer").or_insert(json!({}));
                        }
                    }
                }
                "openIdConnect" => {
                    self.warn(&pointer, "OpenID Connect: mapped to a bearer token (obtain it with your OIDC library)");
                    auth.entry("bearer").or_insert(json!({}));
                }
                _ => {}
            }
        }
        if auth.is_empty() { None } else { Some(Value::Object(auth)) }
    }

    // -----------------------------------------------------------------------------------
    // Schemas

    /// A component schema as a model (a schema object, never a bare name unless it aliases).
    fn model(&mut self, schema: &'a Value, pointer: &str) -> Value {
        match self.schema(schema, pointer, 0) {
            Value::String(name) => json!({"type": name}),
            other => other,
        }
    }

    /// An OpenAPI schema as an accord type: a name (model or primitive) or an inline schema.
    fn schema(&mut self, schema: &'a Value, pointer: &str, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            self.warn(pointer, "schema nested too deeply; typed as `any`");
            return json!("any");
        }
        let object = match schema {
            Value::Bool(_) => return json!("any"),
            Value::Object(object) => object,
            _ => {
                self.warn(pointer, "not a schema; typed as `any`");
                return json!("any");
            }
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            if let Some(component) = reference.strip_prefix("#/components/schemas/") {
                let component = component.replace("~1", "/").replace("~0", "~");
                if let Some(model) = self.model_names.get(&component) {
                    let model = json!(model);
                    // 3.1 allows keywords beside `$ref`.
                    return self.with_siblings(model, object, pointer);
                }
            }
            return match self.resolve(reference) {
                Some(target) => self.schema(target, reference.trim_start_matches('#'), depth + 1),
                None => {
                    self.warn(pointer, format!("`$ref: {reference}` does not resolve; typed as `any`"));
                    json!("any")
                }
            };
        }
        let mut nullable = object.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        // Type, possibly a 3.1 list with "null".
        let mut types: Vec<String> = match object.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            _ => Vec::new(),
        };
        if types.iter().any(|t| t == "null") {
            nullable = true;
            types.retain(|t| t != "null");
        }
        if types.len() > 1 {
            self.warn(pointer, format!("a value of several types ({}) is typed as `any`", types.join(", ")));
            return self.finish(json!({"type": "any"}), object, nullable, pointer);
        }
        if let Some(parts) = object.get("allOf").and_then(Value::as_array) {
            return self.all_of(parts, object, nullable, pointer, depth);
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(variants) = object.get(keyword).and_then(Value::as_array) {
                return self.one_of(keyword, variants, object, nullable, pointer, depth);
            }
        }
        let type_name = types.first().cloned().or_else(|| {
            if object.contains_key("properties") || object.contains_key("additionalProperties") {
                Some("object".into())
            } else if object.contains_key("items") {
                Some("array".into())
            } else if object.get("enum").and_then(Value::as_array).is_some_and(|v| v.iter().all(Value::is_string))
                || object.get("const").is_some_and(Value::is_string)
            {
                Some("string".into())
            } else {
                None
            }
        });
        let mut out = Map::new();
        match type_name.as_deref() {
            Some("object") => {
                out.insert("type".into(), json!("object"));
                let mut properties = Map::new();
                if let Some(props) = object.get("properties").and_then(Value::as_object) {
                    for (key, property) in props {
                        let at = format!("{pointer}/properties/{}", escape(key));
                        properties.insert(key.clone(), self.property(property, &at, depth + 1));
                    }
                }
                let required: Vec<Value> = object
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| {
                        r.iter().filter(|k| k.as_str().is_some_and(|k| properties.contains_key(k))).cloned().collect()
                    })
                    .unwrap_or_default();
                if let Some(listed) = object.get("required").and_then(Value::as_array)
                    && listed.len() != required.len()
                {
                    self.warn(&format!("{pointer}/required"), "required properties that are not declared are dropped");
                }
                if !properties.is_empty() {
                    out.insert("properties".into(), Value::Object(properties));
                }
                if !required.is_empty() {
                    out.insert("required".into(), Value::Array(required));
                }
                match object.get("additionalProperties") {
                    Some(Value::Bool(true)) => {
                        out.insert("additional_properties".into(), json!(true));
                    }
                    Some(Value::Object(inner)) if inner.is_empty() => {
                        out.insert("additional_properties".into(), json!(true));
                    }
                    Some(value @ Value::Object(_)) => {
                        let at = format!("{pointer}/additionalProperties");
                        let inner = self.schema(value, &at, depth + 1);
                        out.insert("additional_properties".into(), inner);
                    }
                    _ => {
                        if !out.contains_key("properties") {
                            // A free-form object.
                            out.insert("additional_properties".into(), json!(true));
                        }
                    }
                }
            }
            Some("array") => {
                out.insert("type".into(), json!("array"));
                let items = match object.get("items") {
                    Some(items) => self.schema(items, &format!("{pointer}/items"), depth + 1),
                    None => json!("any"),
                };
                out.insert("items".into(), items);
            }
            Some(primitive @ ("string" | "integer" | "number" | "boolean")) => {
                out.insert("type".into(), json!(primitive));
            }
            Some(other) => {
                self.warn(pointer, format!("type `{other}` is not a JSON Schema type; typed as `any`"));
                out.insert("type".into(), json!("any"));
            }
            None => {
                out.insert("type".into(), json!("any"));
            }
        }
        // Enumerations: strings only in accord.
        let enum_values = object
            .get("enum")
            .and_then(Value::as_array)
            .cloned()
            .or_else(|| object.get("const").map(|c| vec![c.clone()]));
        if let Some(values) = enum_values {
            let strings: Vec<Value> = values.iter().filter(|v| v.is_string()).cloned().collect();
            if values.iter().any(Value::is_null) {
                nullable = true;
            }
            let non_null = values.iter().filter(|v| !v.is_null()).count();
            if !strings.is_empty() && strings.len() == non_null && out.get("type") == Some(&json!("string")) {
                let mut seen = BTreeSet::new();
                let unique: Vec<Value> = strings.into_iter().filter(|v| seen.insert(v.to_string())).collect();
                out.insert("enum".into(), Value::Array(unique));
            } else if non_null > 0 {
                self.warn(pointer, "an enumeration of non-string values is kept as its type without the values");
            }
        }
        self.finish(Value::Object(out), object, nullable, pointer)
    }

    /// Description, format, constraints, default, example, deprecated and nullable onto a
    /// converted schema.
    fn finish(&mut self, converted: Value, object: &Map<String, Value>, nullable: bool, pointer: &str) -> Value {
        let mut out = match converted {
            Value::Object(out) => out,
            other => return other,
        };
        let type_name = out.get("type").and_then(Value::as_str).unwrap_or_default().to_string();
        if let Some(description) = object.get("description").and_then(Value::as_str) {
            out.insert("description".into(), json!(description.trim()));
        }
        if let Some(format) = object.get("format").and_then(Value::as_str) {
            out.insert("format".into(), json!(format));
        } else if type_name == "string"
            && (object.get("contentEncoding").and_then(Value::as_str) == Some("binary")
                || object.get("contentMediaType").and_then(Value::as_str) == Some("application/octet-stream"))
        {
            // OpenAPI 3.1 spells raw bytes with JSON Schema's content keywords (3.0 used
            // `format: binary`); §4.3.3 "Working with Binary Data" of the 3.1 specification.
            out.insert("format".into(), json!("binary"));
        }
        if nullable {
            out.insert("nullable".into(), json!(true));
        }
        let constraints: &[(&str, &str, &[&str])] = &[
            ("minLength", "min_length", &["string"]),
            ("maxLength", "max_length", &["string"]),
            ("pattern", "pattern", &["string"]),
            ("minimum", "minimum", &["integer", "number"]),
            ("maximum", "maximum", &["integer", "number"]),
            ("minItems", "min_items", &["array"]),
            ("maxItems", "max_items", &["array"]),
        ];
        for (from, to, types) in constraints {
            if let Some(value) = object.get(*from)
                && types.contains(&type_name.as_str())
                && (value.is_number() || value.is_string())
            {
                if *from == "pattern"
                    && let Some(pattern) = value.as_str()
                    && let Err(error) = regex_syntax::Parser::new().parse(pattern)
                {
                    // accord checks patterns with the `regex` crate's syntax (no look-around,
                    // no back-references); ECMA-262 patterns beyond it are dropped.
                    let reason = error.to_string().lines().last().unwrap_or_default().to_string();
                    self.warn(pointer, format!("`pattern` {pattern:?} is not supported ({reason}); dropped"));
                    continue;
                }
                out.insert((*to).into(), value.clone());
            }
        }
        for keyword in ["exclusiveMinimum", "exclusiveMaximum"] {
            match object.get(keyword) {
                Some(Value::Number(bound)) if self.v31 => {
                    let key = if keyword == "exclusiveMinimum" { "minimum" } else { "maximum" };
                    out.insert(key.into(), Value::Number(bound.clone()));
                    self.warn(pointer, format!("`{keyword}: {bound}` kept as an inclusive bound"));
                }
                Some(Value::Bool(true)) => self.warn(pointer, format!("`{keyword}` kept as an inclusive bound")),
                _ => {}
            }
        }
        for keyword in ["multipleOf", "uniqueItems", "not", "patternProperties", "minProperties", "maxProperties"] {
            if object.contains_key(keyword) {
                self.warn(pointer, format!("`{keyword}` has no accord equivalent; dropped"));
            }
        }
        // Object properties carry `read_only`/`write_only` (see `property`); a component
        // schema's own is taken over by the properties that refer to it (see
        // `unused_component_access`). Anywhere else accord has no place for it.
        if !self.property_pointers.contains(pointer) && !is_component_pointer(pointer) {
            for keyword in ["readOnly", "writeOnly"] {
                if object.get(keyword) == Some(&Value::Bool(true)) {
                    self.warn(
                        pointer,
                        format!("`{keyword}` outside an object property has no accord equivalent (accord marks properties); dropped"),
                    );
                }
            }
        }
        if let Some(default) = object.get("default") {
            out.insert("default".into(), default.clone());
        }
        let example = object
            .get("example")
            .cloned()
            .or_else(|| object.get("examples").and_then(Value::as_array).and_then(|e| e.first().cloned()));
        if let Some(example) = example {
            out.insert("example".into(), example);
        }
        if object.get("deprecated") == Some(&Value::Bool(true)) {
            out.insert("deprecated".into(), json!(true));
        }
        // A plain `{type: any}` reads better as the name.
        if out.len() == 1 && out.get("type") == Some(&json!("any")) {
            return json!("any");
        }
        if out.len() == 1
            && let Some(Value::String(name)) = out.get("type")
            && name != "object"
            && name != "array"
        {
            return json!(name);
        }
        Value::Object(out)
    }

    /// Keywords beside a `$ref` (3.1): description, nullable and the like make it inline.
    fn with_siblings(&mut self, model: Value, object: &Map<String, Value>, pointer: &str) -> Value {
        let nullable = object.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        let interesting = object.keys().any(|k| k != "$ref" && k != "description" && k != "summary");
        if !interesting && !nullable {
            return model;
        }
        self.finish(json!({"type": model}), object, nullable, pointer)
    }

    /// An object property's schema, with OpenAPI `readOnly`/`writeOnly` as accord's
    /// `read_only`/`write_only`: written on the property itself (also beside a 3.1 `$ref`, or
    /// around a 3.0 `allOf: [$ref]`), else on the component schema it refers to.
    fn property(&mut self, property: &'a Value, pointer: &str, depth: usize) -> Value {
        self.property_pointers.insert(pointer.to_string());
        let converted = self.schema(property, pointer, depth);
        let (read_only, write_only) = self.access(property);
        let key = match (read_only, write_only) {
            (false, false) => return converted,
            (true, true) => {
                self.warn(pointer, "`readOnly` and `writeOnly` together contradict each other; neither is kept");
                return converted;
            }
            (true, false) => "read_only",
            (false, true) => "write_only",
        };
        let mut object = match converted {
            Value::String(name) => {
                let mut object = Map::new();
                object.insert("type".into(), json!(name));
                object
            }
            Value::Object(object) => object,
            other => return other,
        };
        object.insert(key.into(), json!(true));
        Value::Object(object)
    }

    /// A property's `(readOnly, writeOnly)`: its own keywords first, else those of the
    /// component schema it refers to (directly or as the one part of an `allOf`); such a
    /// component is remembered as taken over.
    fn access(&mut self, property: &'a Value) -> (bool, bool) {
        let flag = |schema: &Value, keyword: &str| schema.get(keyword).and_then(Value::as_bool);
        // Written on the property, or on an inline part of its `allOf` (`allOf: [$ref, {readOnly: true}]`).
        let own = |keyword: &str| {
            flag(property, keyword).or_else(|| {
                let parts = property.get("allOf").and_then(Value::as_array)?;
                parts.iter().filter(|part| part.get("$ref").is_none()).find_map(|part| flag(part, keyword))
            })
        };
        let reference = property.get("$ref").or_else(|| match property.get("allOf").and_then(Value::as_array) {
            Some(parts) if parts.len() == 1 => parts[0].get("$ref"),
            _ => None,
        });
        let component = reference
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .filter(|name| !name.contains('/'))
            .map(|name| name.replace("~1", "/").replace("~0", "~"));
        let target = component.as_ref().and_then(|name| self.document.pointer("/components/schemas")?.get(name));
        let mut from_component = false;
        let mut resolve = |keyword: &str| match (own(keyword), target.and_then(|t| flag(t, keyword))) {
            (Some(own), _) => own,
            (None, Some(inherited)) => {
                from_component |= inherited;
                inherited
            }
            (None, None) => false,
        };
        let access = (resolve("readOnly"), resolve("writeOnly"));
        if from_component && let Some(component) = component {
            self.access_components_used.insert(component);
        }
        access
    }

    /// Component schemas marked `readOnly`/`writeOnly` as a whole that no property referred
    /// to: accord marks properties, so there is nothing to carry it.
    fn unused_component_access(&mut self) {
        let Some(schemas) = self.document.pointer("/components/schemas").and_then(Value::as_object) else { return };
        for (name, schema) in schemas {
            if self.access_components_used.contains(name) {
                continue;
            }
            for keyword in ["readOnly", "writeOnly"] {
                if schema.get(keyword) == Some(&Value::Bool(true)) {
                    self.warn(
                        &format!("/components/schemas/{}", escape(name)),
                        format!("`{keyword}` on a whole schema that no object property refers to: accord marks properties (`read_only`/`write_only`), so it is dropped"),
                    );
                }
            }
        }
    }

    fn all_of(
        &mut self,
        parts: &'a [Value],
        object: &'a Map<String, Value>,
        nullable: bool,
        pointer: &str,
        depth: usize,
    ) -> Value {
        // One part (often `allOf: [$ref]` to add a description): that part.
        if parts.len() == 1 && !object.contains_key("properties") {
            let inner = self.schema(&parts[0], &format!("{pointer}/allOf/0"), depth + 1);
            let wrapped = match inner {
                Value::String(name) => json!({"type": name}),
                other => other,
            };
            return self.finish(wrapped, object, nullable, pointer);
        }
        let mut properties = Map::new();
        let mut required: Vec<Value> = Vec::new();
        let mut additional: Option<Value> = None;
        let mut sources: Vec<(&'a Value, String)> =
            parts.iter().enumerate().map(|(i, p)| (p, format!("{pointer}/allOf/{i}"))).collect();
        let mut index = 0;
        while index < sources.len() {
            let (part, at) = sources[index].clone();
            index += 1;
            if index > 64 {
                break;
            }
            let Some((part, at)) = self.deref(part, &at) else { continue };
            if let Some(nested) = part.get("allOf").and_then(Value::as_array) {
                for (i, p) in nested.iter().enumerate() {
                    sources.push((p, format!("{at}/allOf/{i}")));
                }
            }
            if part.get("oneOf").is_some() || part.get("anyOf").is_some() {
                self.warn(&at, "a `oneOf`/`anyOf` inside `allOf` is not merged; its properties are left out");
            }
            if let Some(props) = part.get("properties").and_then(Value::as_object) {
                for (key, property) in props {
                    let property_at = format!("{at}/properties/{}", escape(key));
                    let converted = self.property(property, &property_at, depth + 1);
                    properties.insert(key.clone(), converted);
                }
            }
            if let Some(list) = part.get("required").and_then(Value::as_array) {
                for key in list {
                    if !required.contains(key) {
                        required.push(key.clone());
                    }
                }
            }
            match part.get("additionalProperties") {
                Some(Value::Bool(true)) => additional = Some(json!(true)),
                Some(value @ Value::Object(_)) => {
                    additional = Some(self.schema(value, &format!("{at}/additionalProperties"), depth + 1))
                }
                _ => {}
            }
        }
        // Properties written beside `allOf` count as one more part.
        if let Some(props) = object.get("properties").and_then(Value::as_object) {
            for (key, property) in props {
                let property_at = format!("{pointer}/properties/{}", escape(key));
                let converted = self.property(property, &property_at, depth + 1);
                properties.insert(key.clone(), converted);
            }
        }
        for key in object.get("required").and_then(Value::as_array).into_iter().flatten() {
            if !required.contains(key) {
                required.push(key.clone());
            }
        }
        required.retain(|k| k.as_str().is_some_and(|k| properties.contains_key(k)));
        let mut out = Map::new();
        out.insert("type".into(), json!("object"));
        if !properties.is_empty() {
            out.insert("properties".into(), Value::Object(properties));
        }
        if !required.is_empty() {
            out.insert("required".into(), Value::Array(required));
        }
        if let Some(additional) = additional {
            out.insert("additional_properties".into(), additional);
        } else if !out.contains_key("properties") {
            out.insert("additional_properties".into(), json!(true));
        }
        self.finish(Value::Object(out), object, nullable, pointer)
    }

    fn one_of(
        &mut self,
        keyword: &str,
        variants: &'a [Value],
        object: &'a Map<String, Value>,
        mut nullable: bool,
        pointer: &str,
        depth: usize,
    ) -> Value {
        let mut converted = Vec::new();
        for (index, variant) in variants.iter().enumerate() {
            let at = format!("{pointer}/{keyword}/{index}");
            let is_null = variant.get("type").and_then(Value::as_str) == Some("null")
                || variant.get("enum").is_some_and(|e| e == &json!([null]));
            if is_null {
                nullable = true;
                continue;
            }
            converted.push((self.schema(variant, &at, depth + 1), at));
        }
        // Object properties written beside oneOf are kept by making the object the type.
        if object.contains_key("properties") {
            self.warn(
                pointer,
                format!("properties beside `{keyword}` are not merged into its variants; the variants are kept"),
            );
        }
        let mut dedup = Vec::new();
        for (value, at) in converted {
            if !dedup.iter().any(|(v, _): &(Value, String)| v == &value) {
                dedup.push((value, at));
            }
        }
        if dedup.is_empty() {
            return self.finish(json!({"type": "any"}), object, nullable, pointer);
        }
        if dedup.len() == 1 {
            let (only, _) = dedup.remove(0);
            let wrapped = match only {
                Value::String(name) => json!({"type": name}),
                other => other,
            };
            return self.finish(wrapped, object, nullable, pointer);
        }
        let discriminator = object.get("discriminator");
        let mut variants_out = Vec::new();
        for (value, at) in dedup {
            // A discriminated union's variants must be models: hoist inline ones.
            if discriminator.is_some() && !matches!(&value, Value::String(name) if self.is_model(name)) {
                let name = self.fresh_model_name(&format!("{}Variant", at.rsplit('/').nth(2).unwrap_or("Union")));
                let model = match value {
                    Value::String(primitive) => json!({"type": primitive}),
                    other => other,
                };
                self.models.insert(name.clone(), model);
                variants_out.push(json!(name));
            } else {
                variants_out.push(value);
            }
        }
        let mut out = Map::new();
        out.insert("one_of".into(), Value::Array(variants_out.clone()));
        if let Some(discriminator) = discriminator {
            let property = discriminator.get("propertyName").and_then(Value::as_str).unwrap_or("type");
            let mut mapping = Map::new();
            if let Some(map) = discriminator.get("mapping").and_then(Value::as_object) {
                for (tag, target) in map {
                    let model = target
                        .as_str()
                        .and_then(|t| t.strip_prefix("#/components/schemas/"))
                        .and_then(|c| self.model_names.get(c).cloned())
                        .or_else(|| target.as_str().and_then(|t| self.model_names.get(t).cloned()));
                    match model {
                        Some(model) if variants_out.contains(&json!(model)) => {
                            mapping.insert(tag.clone(), json!(model));
                        }
                        _ => self.warn(
                            &format!("{pointer}/discriminator/mapping/{}", escape(tag)),
                            format!("mapping to `{target}`, which is not one of the variants; dropped"),
                        ),
                    }
                }
            }
            let mut discriminator_out = Map::new();
            discriminator_out.insert("property".into(), json!(property));
            if !mapping.is_empty() {
                discriminator_out.insert("mapping".into(), Value::Object(mapping));
            }
            out.insert("discriminator".into(), Value::Object(discriminator_out));
        }
        if keyword == "anyOf" && discriminator.is_none() {
            // accord decodes the first variant that fits, which is what anyOf allows.
        }
        self.finish(Value::Object(out), object, nullable, pointer)
    }

    fn is_model(&self, name: &str) -> bool {
        self.models.contains_key(name) || self.model_names.values().any(|m| m == name)
    }

    // -----------------------------------------------------------------------------------
    // Endpoints

    fn endpoints(&mut self) -> Map<String, Value> {
        let mut out = Map::new();
        let Some(paths) = self.document.get("paths").and_then(Value::as_object) else { return out };
        let mut used_names: BTreeSet<String> = BTreeSet::new();
        // (method, path shape) → endpoint name: HTTP cannot tell two templates of the same
        // shape apart (`/files/{id}` and `/files/{name}`), and a `#fragment` is never sent.
        let mut shapes: BTreeMap<(String, String), String> = BTreeMap::new();
        for (raw_path, item) in paths {
            let item_pointer = format!("/paths/{}", escape(raw_path));
            let path = raw_path.split('#').next().unwrap_or(raw_path);
            if path != raw_path {
                self.warn(
                    &item_pointer,
                    format!("the fragment of `{raw_path}` is not sent over HTTP; the path is `{path}`"),
                );
            }
            let Some((item, item_pointer)) = self.deref(item, &item_pointer) else { continue };
            let shared_params: Vec<(&'a Value, String)> = item
                .get("parameters")
                .and_then(Value::as_array)
                .map(|p| p.iter().enumerate().map(|(i, v)| (v, format!("{item_pointer}/parameters/{i}"))).collect())
                .unwrap_or_default();
            for key in item.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
                let at = format!("{item_pointer}/{key}");
                if ["options", "trace"].contains(&key.as_str()) {
                    self.warn(&at, format!("`{}` operations are not supported; dropped", key.to_uppercase()));
                    continue;
                }
                if !METHODS.contains(&key.as_str()) {
                    continue;
                }
                let Some(operation) = item.get(&key) else { continue };
                let base = operation
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map(snake)
                    .unwrap_or_else(|| snake(&format!("{key} {}", path.replace(['{', '}'], " "))));
                let mut name = base.clone();
                let mut n = 2;
                while used_names.contains(&name) {
                    name = format!("{base}_{n}");
                    n += 1;
                }
                let shape = path
                    .split('/')
                    .map(|segment| if segment.contains('{') { "{}" } else { segment })
                    .collect::<Vec<_>>()
                    .join("/");
                if let Some(first) = shapes.get(&(key.clone(), shape.clone())) {
                    self.warn(
                        &at,
                        format!("`{} {path}` cannot be told apart from endpoint `{first}` (same method and path shape); dropped", key.to_uppercase()),
                    );
                    continue;
                }
                shapes.insert((key.clone(), shape), name.clone());
                used_names.insert(name.clone());
                self.own_servers(operation, item, &at, &item_pointer);
                let endpoint = self.endpoint(path, &key, operation, &shared_params, &at, &name);
                out.insert(name, endpoint);
            }
        }
        out
    }

    /// An operation or path item with its own `servers` (Stripe serves `POST /v1/files` from
    /// `files.stripe.com`) is sent to the environment's base URL by accord, which has no
    /// per-endpoint server: say so where the document differs from its top-level servers.
    fn own_servers(&mut self, operation: &Value, item: &Value, at: &str, item_pointer: &str) {
        let top = self.document.get("servers");
        let (servers, pointer) = match (operation.get("servers"), item.get("servers")) {
            (Some(servers), _) => (servers, format!("{at}/servers")),
            (None, Some(servers)) => (servers, format!("{item_pointer}/servers")),
            (None, None) => return,
        };
        if Some(servers) == top {
            return;
        }
        let urls: Vec<&str> = servers
            .as_array()
            .map(|list| list.iter().filter_map(|s| s.get("url").and_then(Value::as_str)).collect())
            .unwrap_or_default();
        self.warn(
            &pointer,
            format!(
                "served from {urls:?}, not the document's servers; accord sends every endpoint to the environment's base URL, so calls to it go to the wrong host until the spec gains a per-endpoint server"
            ),
        );
    }

    fn endpoint(
        &mut self,
        path: &str,
        method: &str,
        operation: &'a Value,
        shared: &[(&'a Value, String)],
        pointer: &str,
        name: &str,
    ) -> Value {
        let mut out = Map::new();
        out.insert("method".into(), json!(method.to_uppercase()));
        out.insert("path".into(), json!(path));
        if let Some(summary) = operation.get("summary").and_then(Value::as_str) {
            out.insert("summary".into(), json!(summary.trim()));
        }
        if let Some(description) = operation.get("description").and_then(Value::as_str) {
            out.insert("description".into(), json!(description.trim()));
        }
        if operation.get("deprecated") == Some(&Value::Bool(true)) {
            out.insert("deprecated".into(), json!(true));
        }
        // Parameters: the operation's override the path item's of the same name and place.
        let mut params: Vec<(&'a Value, String)> = Vec::new();
        let own: Vec<(&'a Value, String)> = operation
            .get("parameters")
            .and_then(Value::as_array)
            .map(|p| p.iter().enumerate().map(|(i, v)| (v, format!("{pointer}/parameters/{i}"))).collect())
            .unwrap_or_default();
        let mut seen = BTreeSet::new();
        for (param, at) in own.into_iter().chain(shared.iter().cloned()) {
            let Some((param, at)) = self.deref(param, &at) else { continue };
            let key = (
                param.get("in").and_then(Value::as_str).unwrap_or_default().to_string(),
                param.get("name").and_then(Value::as_str).unwrap_or_default().to_string(),
            );
            if seen.insert(key) {
                params.push((param, at));
            }
        }
        let mut path_params = Map::new();
        let mut query = Map::new();
        let mut headers = Map::new();
        let mut idempotency_header = None;
        for (param, at) in &params {
            let Some(param_name) = param.get("name").and_then(Value::as_str) else { continue };
            let location = param.get("in").and_then(Value::as_str).unwrap_or_default();
            let schema = match (param.get("schema"), param.get("content").and_then(Value::as_object)) {
                (Some(schema), _) => self.schema(schema, &format!("{at}/schema"), 0),
                (None, Some(content)) => {
                    self.warn(at, "a parameter described by `content` is typed by its first media type's schema");
                    match content.values().next().and_then(|m| m.get("schema")) {
                        Some(schema) => self.schema(schema, &format!("{at}/content"), 0),
                        None => json!("string"),
                    }
                }
                _ => json!("string"),
            };
            let required = param.get("required").and_then(Value::as_bool).unwrap_or(location == "path");
            let description = param.get("description").and_then(Value::as_str).map(str::trim);
            let with = |schema: Value, required: Option<bool>| -> Value {
                let mut object = match schema {
                    Value::String(name) => {
                        let mut map = Map::new();
                        map.insert("type".into(), json!(name));
                        map
                    }
                    Value::Object(map) => map,
                    other => return other,
                };
                if let Some(description) = description
                    && !object.contains_key("description")
                {
                    object.insert("description".into(), json!(description));
                }
                if let Some(required) = required {
                    object.insert("required".into(), json!(required));
                }
                if object.len() == 1
                    && let Some(Value::String(name)) = object.get("type")
                {
                    return json!(name);
                }
                Value::Object(object)
            };
            match location {
                "path" => {
                    if !path.contains(&format!("{{{param_name}}}")) {
                        self.warn(at, format!("path parameter `{param_name}` is not in the path; dropped"));
                        continue;
                    }
                    path_params.insert(param_name.to_string(), with(schema, None));
                }
                "query" => {
                    let style = param.get("style").and_then(Value::as_str).unwrap_or("form");
                    let explode = param.get("explode").and_then(Value::as_bool).unwrap_or(style == "form");
                    if style == "deepObject" {
                        self.warn(at, format!("`{param_name}` is a deepObject parameter; accord sends objects in bracket notation (`{param_name}[key]=…`), which deepObject is"));
                    } else if style != "form" || !explode {
                        self.warn(at, format!("query parameter `{param_name}` uses style `{style}` explode {explode}; accord sends arrays as repeated `name=value` pairs"));
                    }
                    query.insert(param_name.to_string(), with(schema, Some(required)));
                }
                "header" => {
                    if param_name.eq_ignore_ascii_case("idempotency-key")
                        || param_name.eq_ignore_ascii_case("x-idempotency-key")
                    {
                        idempotency_header = Some(param_name.to_string());
                        continue;
                    }
                    if ["accept", "content-type", "authorization"].contains(&param_name.to_ascii_lowercase().as_str()) {
                        self.warn(at, format!("header parameter `{param_name}` is set by the client itself; dropped"));
                        continue;
                    }
                    headers.insert(param_name.to_string(), with(schema, Some(required)));
                }
                other => self.warn(at, format!("`in: {other}` parameters are not supported; `{param_name}` dropped")),
            }
        }
        // Path parameters the template names but nobody declared.
        for segment in path.split('{').skip(1) {
            if let Some(param_name) = segment.split('}').next()
                && !path_params.contains_key(param_name)
            {
                self.warn(pointer, format!("path parameter `{param_name}` is not declared; typed as string"));
                path_params.insert(param_name.to_string(), json!("string"));
            }
        }
        if !path_params.is_empty() {
            out.insert("path_params".into(), Value::Object(path_params));
        }
        if !query.is_empty() {
            out.insert("query".into(), Value::Object(query.clone()));
        }
        if !headers.is_empty() {
            out.insert("headers".into(), Value::Object(headers));
        }
        if let Some(body) = operation.get("requestBody")
            && let Some(request) = self.request_body(body, &format!("{pointer}/requestBody"), name)
        {
            out.insert("request".into(), request);
        }
        let (responses, errors, response_headers) = self.responses(operation, pointer, name);
        out.insert("responses".into(), Value::Object(responses.clone()));
        if !errors.is_empty() {
            out.insert("errors".into(), json!(errors));
        }
        if let Some(header) = idempotency_header {
            out.insert("idempotency".into(), json!({"header": header}));
        }
        if let Some(pagination) = self.pagination(&query, &responses, &response_headers, pointer) {
            out.insert("pagination".into(), pagination);
        }
        Value::Object(out)
    }

    fn request_body(&mut self, body: &'a Value, pointer: &str, operation: &str) -> Option<Value> {
        let (body, pointer) = self.deref(body, pointer)?;
        let content = body.get("content").and_then(Value::as_object)?;
        let json_media = content.iter().find(|(media, _)| is_json(media));
        let form_media = content.iter().find(|(media, _)| media.starts_with("application/x-www-form-urlencoded"));
        let multipart_media = content.iter().find(|(media, _)| media.starts_with("multipart/form-data"));
        let (media, content_type) = match (json_media, form_media, multipart_media) {
            (Some(json), _, _) => (json, "json"),
            (None, Some(form), _) => (form, "form"),
            (None, None, Some(multipart)) => (multipart, "multipart"),
            _ => {
                let kinds: Vec<&String> = content.keys().collect();
                self.warn(
                    &format!("{pointer}/content"),
                    format!(
                        "request bodies of {kinds:?} are not supported (accord sends JSON, form or multipart bodies); the body is dropped"
                    ),
                );
                return None;
            }
        };
        let others: Vec<&String> = content.keys().filter(|k| *k != media.0).collect();
        if !others.is_empty() {
            self.warn(&format!("{pointer}/content"), format!("only `{}` is kept; also offered: {others:?}", media.0));
        }
        let media_pointer = format!("{pointer}/content/{}", escape(media.0));
        let schema = media.1.get("schema")?;
        let mut converted = self.schema(schema, &format!("{media_pointer}/schema"), 0);
        // An inline object body becomes a model named after the operation, so the generated
        // request type has a readable name.
        if converted.is_object() && converted.get("type") == Some(&json!("object")) {
            let model = self.fresh_model_name(&format!("{operation}_request"));
            self.models.insert(model.clone(), converted);
            converted = json!(model);
        }
        let mut out = Map::new();
        if content_type == "multipart" {
            // One part per property: the body must be an object model.
            let model = converted.as_str().and_then(|name| self.models.get(name).map(|m| (name, m)));
            let is_object = model.is_some_and(|(_, m)| {
                m.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty())
                    && m.get("one_of").is_none()
            });
            if !is_object {
                self.warn(
                    &format!("{media_pointer}/schema"),
                    "a multipart body that is not an object with properties cannot be sent part by part; the body is dropped",
                );
                return None;
            }
            out.insert("content_type".into(), json!("multipart"));
            // OpenAPI's Encoding Object: `style: deepObject` (Stripe) sends an object as
            // `name[key]` text parts; the default sends it as one application/json part.
            let deep = media.1.get("encoding").and_then(Value::as_object).is_some_and(|encoding| {
                encoding.values().any(|e| e.get("style").and_then(Value::as_str) == Some("deepObject"))
            });
            if deep {
                out.insert("object_parts".into(), json!("brackets"));
            }
        }
        out.insert("body".into(), converted);
        if content_type == "form" {
            out.insert("content_type".into(), json!("form"));
        }
        if body.get("required") != Some(&Value::Bool(true)) {
            out.insert("required".into(), json!(false));
        }
        Some(Value::Object(out))
    }

    /// (responses, error code names, success response header names).
    fn responses(
        &mut self,
        operation: &'a Value,
        pointer: &str,
        name: &str,
    ) -> (Map<String, Value>, Vec<String>, Vec<String>) {
        let mut responses = Map::new();
        let mut errors = Vec::new();
        let mut success_headers = Vec::new();
        let Some(declared) = operation.get("responses").and_then(Value::as_object) else {
            self.warn(pointer, "no responses declared; a 200 without a body is assumed");
            responses.insert("200".into(), json!({"description": "No response declared."}));
            return (responses, errors, success_headers);
        };
        let has_success = declared.keys().any(|k| k.starts_with('2'));
        for (status_key, response) in declared {
            let at = format!("{pointer}/responses/{}", escape(status_key));
            let status: u16 = match status_key.as_str() {
                "default" if !has_success => {
                    self.warn(&at, "`default` is the only success response: mapped to 200");
                    200
                }
                "default" => {
                    self.warn(
                        &at,
                        "`default` responses have no status; not mapped (declare the error statuses the API returns)",
                    );
                    continue;
                }
                key if key.len() == 3 && key.ends_with("XX") => {
                    let status = key[..1].parse::<u16>().unwrap_or(2) * 100;
                    self.warn(&at, format!("`{key}` mapped to {status}"));
                    status
                }
                key => match key.parse() {
                    Ok(status) => status,
                    Err(_) => {
                        self.warn(&at, format!("`{key}` is not a status; dropped"));
                        continue;
                    }
                },
            };
            let Some((response, at)) = self.deref(response, &at) else { continue };
            let body = self.response_body(response, &at);
            let description = response.get("description").and_then(Value::as_str).map(str::trim).unwrap_or("");
            let mut header_names = Vec::new();
            if let Some(headers) = response.get("headers").and_then(Value::as_object) {
                for header in headers.keys() {
                    header_names.push(header.clone());
                    self.note_rate_limit_header(header);
                }
            }
            if status < 400 {
                let mut entry = Map::new();
                if let Some(body) = body {
                    entry.insert("body".into(), body);
                }
                if !description.is_empty() {
                    entry.insert("description".into(), json!(description));
                }
                if !header_names.is_empty() {
                    let headers: Map<String, Value> =
                        header_names.iter().map(|h| (h.clone(), json!("string"))).collect();
                    entry.insert("headers".into(), Value::Object(headers));
                    success_headers.extend(header_names.clone());
                }
                responses.insert(status.to_string(), Value::Object(entry));
            } else {
                let code = self.error_code(status, body, description, name);
                if !errors.contains(&code) {
                    errors.push(code);
                }
            }
        }
        if !responses.keys().any(|k| k.starts_with('2')) {
            self.warn(&format!("{pointer}/responses"), "no success response declared; a 200 without a body is assumed");
            responses.insert("200".into(), json!({"description": "No success response declared."}));
        }
        (responses, errors, success_headers)
    }

    fn response_body(&mut self, response: &'a Value, pointer: &str) -> Option<Value> {
        let content = response.get("content").and_then(Value::as_object)?;
        let (media, value) = content
            .iter()
            .find(|(media, _)| is_json(media))
            .or_else(|| content.iter().find(|(media, v)| (media.as_str() == "*/*") && v.get("schema").is_some()))?;
        let schema = value.get("schema")?;
        Some(self.schema(schema, &format!("{pointer}/content/{}/schema", escape(media)), 0))
    }

    fn error_code(&mut self, status: u16, body: Option<Value>, description: &str, operation: &str) -> String {
        let body_model = match body {
            Some(Value::String(name)) if self.is_model(&name) => Some(name),
            Some(value) if value != json!("any") => {
                let model = self.fresh_model_name(&format!("{operation}_error_{status}"));
                let model_value = match value {
                    Value::String(primitive) => json!({"type": primitive}),
                    other => other,
                };
                self.models.insert(model.clone(), model_value);
                Some(model)
            }
            _ => None,
        };
        let entry = self.error_codes.entry(status).or_insert_with(|| ErrorCodeDraft {
            name: status_name(status),
            bodies: BTreeMap::new(),
            description: None,
        });
        if let Some(model) = body_model {
            *entry.bodies.entry(model).or_default() += 1;
        }
        if entry.description.is_none() && !description.is_empty() {
            entry.description = Some(description.to_string());
        }
        entry.name.clone()
    }

    fn errors(&mut self) -> Option<Value> {
        if self.error_codes.is_empty() {
            return None;
        }
        // The envelope most statuses use is the spec's error body; others name their own.
        let mut totals: BTreeMap<String, usize> = BTreeMap::new();
        for code in self.error_codes.values() {
            for (model, count) in &code.bodies {
                *totals.entry(model.clone()).or_default() += count;
            }
        }
        let envelope = totals.iter().max_by_key(|(_, count)| **count).map(|(model, _)| model.clone());
        let envelope = match envelope {
            Some(model) => model,
            None => {
                let model = self.fresh_model_name("ErrorBody");
                self.models.insert(
                    model.clone(),
                    json!({"description": "The document declares no error body; any JSON.", "type": "object", "additional_properties": true}),
                );
                model
            }
        };
        let mut codes = Map::new();
        for (status, draft) in &self.error_codes {
            let mut code = Map::new();
            code.insert("status".into(), json!(status));
            code.insert("retry".into(), json!(retry_for(*status, self.oauth2)));
            if let Some((model, _)) = draft.bodies.iter().max_by_key(|(_, count)| **count)
                && *model != envelope
            {
                code.insert("body".into(), json!(model));
            }
            if let Some(description) = &draft.description {
                code.insert("description".into(), json!(description));
            }
            codes.insert(draft.name.clone(), Value::Object(code));
        }
        Some(json!({"body": envelope, "codes": codes}))
    }

    fn note_rate_limit_header(&mut self, header: &str) {
        let lower = header.to_ascii_lowercase();
        let slot = if lower.ends_with("ratelimit-limit") {
            "limit"
        } else if lower.ends_with("ratelimit-remaining") {
            "remaining"
        } else if lower.ends_with("ratelimit-reset") {
            "reset"
        } else {
            return;
        };
        self.rate_limit_headers.entry(slot).or_insert_with(|| header.to_string());
    }

    /// Pagination where a heuristic is reliable; a suggestion (warning) where it is not.
    fn pagination(
        &mut self,
        query: &Map<String, Value>,
        responses: &Map<String, Value>,
        headers: &[String],
        pointer: &str,
    ) -> Option<Value> {
        let success = responses.iter().find(|(k, _)| k.starts_with('2')).map(|(_, v)| v.clone())?;
        let body = success.get("body").cloned();
        let properties = body.as_ref().and_then(|b| self.properties_of(b));
        let has_query = |name: &str| query.contains_key(name);
        let array_property = properties.as_ref().and_then(|props| {
            props.iter().find(|(_, v)| v.get("type") == Some(&json!("array"))).map(|(k, _)| k.clone())
        });
        // GitHub: `page` (+ `per_page`) and a `Link` response header (RFC 8288).
        if has_query("page") && headers.iter().any(|h| h.eq_ignore_ascii_case("link")) {
            // The items: the body itself when it is a list, else its one list property.
            let body_is_list = body.as_ref().is_some_and(|b| self.is_list(b));
            let items = if body_is_list {
                None
            } else {
                let lists: Vec<String> = properties
                    .iter()
                    .flatten()
                    .filter(|(_, v)| self.is_list_schema(v))
                    .map(|(k, _)| k.clone())
                    .collect();
                if lists.len() != 1 {
                    self.warn(pointer, "paginated by `page` and `Link`, but which list holds the items is not certain; add `pagination` by hand");
                    return None;
                }
                Some(format!("/{}", lists[0]))
            };
            let mut page = Map::new();
            page.insert("param".into(), json!("page"));
            if has_query("per_page") {
                page.insert("size_param".into(), json!("per_page"));
            }
            page.insert("link_header".into(), json!(true));
            if let Some(items) = items {
                page.insert("items".into(), json!(items));
            }
            return Some(json!({"page": page}));
        }
        if let Some(props) = &properties {
            // Stripe: `starting_after` with a `has_more` flag and a `data` list.
            if has_query("starting_after") && props.contains_key("has_more") && props.contains_key("data") {
                let items_have_id = props
                    .get("data")
                    .and_then(|data| data.get("items"))
                    .and_then(|items| self.schema_properties(items))
                    .is_some_and(|item| item.contains_key("id"));
                if items_have_id {
                    return Some(
                        json!({"cursor": {"param": "starting_after", "next": "/id", "from_last_item": true, "has_more": "/has_more", "items": "/data"}}),
                    );
                }
                self.warn(pointer, "paginated by `starting_after`, but the listed objects have no single `id` to continue from; add `pagination` by hand");
                return None;
            }
            // Twilio: `next_page_uri` in the body.
            if props.contains_key("next_page_uri") {
                let mut next = Map::new();
                next.insert("next".into(), json!("/next_page_uri"));
                if let Some(items) = &array_property {
                    next.insert("items".into(), json!(format!("/{items}")));
                }
                return Some(json!({"next_url": next}));
            }
        }
        for candidate in [
            "cursor",
            "page_token",
            "pageToken",
            "after",
            "next",
            "offset",
            "page",
            "PageToken",
            "marker",
            "continuation_token",
        ] {
            if has_query(candidate) {
                self.warn(
                    pointer,
                    format!("looks paginated (query parameter `{candidate}`) but how the next page is found is not certain; add `pagination` by hand"),
                );
                break;
            }
        }
        None
    }

    /// Whether a converted body type is a list.
    fn is_list(&self, body: &Value) -> bool {
        match body {
            Value::String(name) => self
                .model_names
                .iter()
                .find(|(_, model)| *model == name)
                .and_then(|(component, _)| self.document.pointer(&format!("/components/schemas/{}", escape(component))))
                .is_some_and(|schema| self.is_list_schema(schema)),
            Value::Object(object) => object.get("type") == Some(&json!("array")),
            _ => false,
        }
    }

    /// Whether an OpenAPI schema (possibly a `$ref`) is an array.
    fn is_list_schema(&self, schema: &Value) -> bool {
        let schema = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => self.resolve(reference).unwrap_or(schema),
            None => schema,
        };
        schema.get("type") == Some(&json!("array"))
            || schema.get("type").and_then(Value::as_array).is_some_and(|t| t.contains(&json!("array")))
    }

    /// The properties of an OpenAPI schema (following `$ref`, merging `allOf`).
    fn schema_properties(&self, schema: &Value) -> Option<Map<String, Value>> {
        let schema = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => self.resolve(reference)?,
            None => schema,
        };
        let mut props = schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            props.extend(self.schema_properties(part).unwrap_or_default());
        }
        if props.is_empty() { None } else { Some(props) }
    }

    /// The properties of a converted body type (a model name or an inline object).
    fn properties_of(&self, body: &Value) -> Option<Map<String, Value>> {
        match body {
            Value::String(name) => {
                let component = self.model_names.iter().find(|(_, model)| *model == name).map(|(c, _)| c.clone())?;
                let schema = self.document.pointer(&format!("/components/schemas/{}", escape(&component)))?;
                let mut props = schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
                if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
                    for part in parts {
                        let part = match part.get("$ref").and_then(Value::as_str) {
                            Some(reference) => self.resolve(reference).unwrap_or(part),
                            None => part,
                        };
                        if let Some(more) = part.get("properties").and_then(Value::as_object) {
                            props.extend(more.clone());
                        }
                    }
                }
                Some(props)
            }
            Value::Object(object) => object.get("properties").and_then(Value::as_object).cloned(),
            _ => None,
        }
    }

    // -----------------------------------------------------------------------------------
    // Webhooks

    /// 3.1 `webhooks`: each event's payload becomes a model, and the events accord's
    /// `webhooks` section (unsigned until a `signature` is added). One event needs nothing
    /// more. Several need where the event type is, which OpenAPI does not say: it is taken
    /// from the payload schemas where they fix it (see [`Importer::event_type_field`]), else
    /// the events are listed in a warning, because the importer invents nothing.
    fn webhooks(&mut self) -> Option<Value> {
        let hooks = self.document.get("webhooks").and_then(Value::as_object)?;
        let mut events: Vec<WebhookDraft<'a>> = Vec::new();
        for (event, item) in hooks {
            let pointer = format!("/webhooks/{}", escape(event));
            let Some((item, pointer)) = self.deref(item, &pointer) else { continue };
            let Some((method, operation)) =
                item.as_object().and_then(|o| o.iter().find(|(k, _)| METHODS.contains(&k.as_str())))
            else {
                continue;
            };
            let body_pointer = format!("{pointer}/{method}/requestBody");
            let schema = operation.get("requestBody").and_then(|body| {
                let (body, at) = self.deref(body, &body_pointer)?;
                let (media, value) = body.get("content")?.as_object()?.iter().find(|(m, _)| is_json(m))?;
                Some((value.get("schema")?, format!("{at}/content/{}/schema", escape(media))))
            });
            let Some((schema, schema_pointer)) = schema else {
                self.warn(&pointer, format!("webhook `{event}` has no JSON payload; skipped"));
                continue;
            };
            let model = match self.schema(schema, &schema_pointer, 0) {
                Value::String(name) if self.is_model(&name) => name,
                other => {
                    let model = self.fresh_model_name(&format!("{event}_event"));
                    let value = match other {
                        Value::String(primitive) => json!({"type": primitive}),
                        object => object,
                    };
                    self.models.insert(model.clone(), value);
                    model
                }
            };
            let description = operation
                .get("summary")
                .or_else(|| operation.get("description"))
                .and_then(Value::as_str)
                .map(|d| d.trim().to_string());
            events.push(WebhookDraft { key: event.clone(), pointer, model, description, schema });
        }
        match events.as_slice() {
            [] => None,
            // One event: every delivery is that event, so accord needs nothing more than its
            // payload; the signature scheme is still unknown (accord warns that deliveries
            // cannot be verified until `signature` is added).
            [only] => {
                self.warn_unsigned_webhooks();
                let mut entry = Map::new();
                entry.insert("payload".into(), json!(only.model));
                if let Some(description) = &only.description {
                    entry.insert("description".into(), json!(description));
                }
                let mut events = Map::new();
                events.insert(only.key.clone(), Value::Object(entry));
                Some(json!({"events": events}))
            }
            several => match self.event_type_field(several) {
                Some(field) => Some(self.webhooks_by_field(several, &field)),
                None => {
                    let listed: Vec<String> =
                        several.iter().map(|e| format!("`{}` (payload `{}`)", e.key, e.model)).collect();
                    let models: BTreeSet<&str> = several.iter().map(|e| e.model.as_str()).collect();
                    let shared = if models.len() < several.len() {
                        " (events sharing a payload model cannot be told apart by their schema)"
                    } else {
                        ""
                    };
                    self.warn(
                        "/webhooks",
                        format!(
                            "webhook events {}: their payload models are imported, but no payload property holds a constant that tells the events apart{shared}; add a `webhooks` section with `event_type_field` (JSON pointer of the event type in the payload) or `event_header` (the header carrying it), and the signature scheme, which the document does not give",
                            listed.join(", ")
                        ),
                    );
                    None
                }
            },
        }
    }

    fn warn_unsigned_webhooks(&mut self) {
        self.warn(
            "/webhooks",
            "the document does not say how deliveries are signed: add `webhooks.signature` (a preset or the explicit grammar)",
        );
    }

    /// Several events told apart by the value at `field.pointer`: accord keys events by that
    /// value (what the generated code compares the payload's value with), so an OpenAPI key
    /// that differs from it is kept in the description. Events whose payload does not fix a
    /// value there are left out, each with a warning.
    fn webhooks_by_field(&mut self, events: &[WebhookDraft<'a>], field: &EventTypeField) -> Value {
        self.warn_unsigned_webhooks();
        if let Some(array) = &field.first_array_item {
            let array = if array.is_empty() { "the payload".to_string() } else { format!("`{array}`") };
            self.warn(
                "/webhooks",
                format!(
                    "the event type is read at `{}`, in the first item of the array {array}: a delivery that batches items of several types is typed by its first item; the others are in the payload",
                    field.pointer
                ),
            );
        }
        let mut out = Map::new();
        for (event, value) in events.iter().zip(&field.values) {
            let Some(value) = value else {
                self.warn(
                    &event.pointer,
                    format!(
                        "webhook `{key}`: its payload schema does not fix its event type at `{pointer}` (no constant there, nor an enumeration holding `{bare}`), where the other events carry theirs; its payload model `{model}` is imported but it is not one of `webhooks.events` (its deliveries decode as `Event::Unknown`); add it by hand if its deliveries do carry the type there",
                        key = event.key,
                        pointer = field.pointer,
                        bare = event.key.trim_start_matches('/'),
                        model = event.model
                    ),
                );
                continue;
            };
            let mut entry = Map::new();
            entry.insert("payload".into(), json!(event.model));
            let description = match (&event.description, value == &event.key) {
                (description, true) => description.clone(),
                (Some(description), false) => Some(format!("{description} (OpenAPI webhook `{}`)", event.key)),
                (None, false) => Some(format!("OpenAPI webhook `{}`", event.key)),
            };
            if let Some(description) = description {
                entry.insert("description".into(), json!(description));
            }
            out.insert(value.clone(), Value::Object(entry));
        }
        json!({"event_type_field": field.pointer, "events": out})
    }

    /// Where several webhook events carry their type: the JSON pointer at which the most
    /// events' payload schemas fix a string (`const`, a one-value `enum`, or an `enum` holding
    /// the event's key), with a different value for each event. It must cover more than half
    /// of the events (the rest are reported, not guessed); ties go to the shallower pointer.
    fn event_type_field(&self, events: &[WebhookDraft<'a>]) -> Option<EventTypeField> {
        let pinned: Vec<BTreeMap<String, PinnedValues>> =
            events.iter().map(|event| self.pinned_values(event.schema)).collect();
        let candidates: BTreeSet<&String> = pinned.iter().flat_map(BTreeMap::keys).collect();
        let mut best: Option<(usize, EventTypeField)> = None;
        for pointer in candidates {
            let values: Vec<Option<String>> = events
                .iter()
                .zip(&pinned)
                .map(|(event, pinned)| pinned.get(pointer).and_then(|p| p.value_for(&event.key)))
                .collect();
            let covered = values.iter().flatten().count();
            let distinct = values.iter().flatten().collect::<BTreeSet<_>>().len();
            if distinct != covered || covered < 2 || covered * 2 <= events.len() {
                continue;
            }
            let depth = pointer.matches('/').count();
            let better = match &best {
                None => true,
                Some((best_covered, best_field)) => {
                    covered > *best_covered
                        || (covered == *best_covered && depth < best_field.pointer.matches('/').count())
                }
            };
            if better {
                let first_array_item = pinned.iter().find_map(|p| p.get(pointer)?.first_array_item.clone());
                best = Some((covered, EventTypeField { pointer: pointer.clone(), values, first_array_item }));
            }
        }
        best.map(|(_, field)| field)
    }

    /// The string values a payload schema fixes, by JSON pointer: `$ref`s and `allOf` parts
    /// followed, object properties and the first item of arrays stepped into (index `0`,
    /// which is how RFC 6901 and the generated code's `pointer_text` address it).
    fn pinned_values(&self, schema: &'a Value) -> BTreeMap<String, PinnedValues> {
        let mut found = PinnedSearch { budget: EVENT_TYPE_MAX_NODES, out: BTreeMap::new() };
        self.collect_pinned(schema, "", None, 0, 0, &mut found);
        found.out
    }

    fn collect_pinned(
        &self,
        schema: &'a Value,
        path: &str,
        first_array_item: Option<&str>,
        steps: usize,
        depth: usize,
        found: &mut PinnedSearch,
    ) {
        let Some(object) = schema.as_object() else { return };
        if found.budget == 0 || depth > EVENT_TYPE_MAX_DEPTH {
            return;
        }
        found.budget -= 1;
        if let Some(target) = object.get("$ref").and_then(Value::as_str).and_then(|r| self.resolve(r)) {
            self.collect_pinned(target, path, first_array_item, steps, depth + 1, found);
        }
        for part in object.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.collect_pinned(part, path, first_array_item, steps, depth + 1, found);
        }
        if !path.is_empty()
            && let Some(values) = pinned_strings(object)
        {
            let entry = found.out.entry(path.to_string()).or_default();
            entry.constraints.push(values);
            if entry.first_array_item.is_none() {
                entry.first_array_item = first_array_item.map(str::to_string);
            }
        }
        if steps >= EVENT_TYPE_MAX_STEPS {
            return;
        }
        for (key, property) in object.get("properties").and_then(Value::as_object).into_iter().flatten() {
            let at = format!("{path}/{}", escape(key));
            self.collect_pinned(property, &at, first_array_item, steps + 1, depth + 1, found);
        }
        if let Some(items) = object.get("items").filter(|items| items.is_object()) {
            let array = first_array_item.unwrap_or(path);
            let at = format!("{path}/0");
            self.collect_pinned(items, &at, Some(array), steps + 1, depth + 1, found);
        }
    }
}

/// Whether a pointer names a component schema itself (`/components/schemas/Pet`).
fn is_component_pointer(pointer: &str) -> bool {
    pointer.strip_prefix("/components/schemas/").is_some_and(|name| !name.contains('/'))
}

fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or(media).trim();
    media == "application/json" || media.ends_with("+json")
}

/// A webhook event of the document, its payload converted.
struct WebhookDraft<'a> {
    /// The OpenAPI key (`endpoint.created`, `/AUTHORISATION`).
    key: String,
    /// JSON pointer of the webhook in the document.
    pointer: String,
    /// Payload model name.
    model: String,
    description: Option<String>,
    /// The payload schema in the document.
    schema: &'a Value,
}

/// How many property or array-item steps deep an event type is looked for.
const EVENT_TYPE_MAX_STEPS: usize = 6;
/// How many `$ref`s, `allOf` parts and steps one path may take, against reference cycles.
const EVENT_TYPE_MAX_DEPTH: usize = 32;
/// How many schema nodes of one payload are visited at most.
const EVENT_TYPE_MAX_NODES: usize = 20_000;

/// The event type's place in the payload and each event's value there.
struct EventTypeField {
    pointer: String,
    /// By event, in document order; `None` where the payload fixes no value there.
    values: Vec<Option<String>>,
    /// The pointer of the array whose first item the pointer steps into, if any.
    first_array_item: Option<String>,
}

/// A bounded walk over one payload schema (see `Importer::pinned_values`).
struct PinnedSearch {
    /// Schema nodes that may still be visited.
    budget: usize,
    out: BTreeMap<String, PinnedValues>,
}

/// What a payload schema says about the string at one pointer.
#[derive(Default)]
struct PinnedValues {
    /// The allowed values of each constraint found (`allOf` parts add constraints, so the
    /// allowed values are their intersection).
    constraints: Vec<BTreeSet<String>>,
    first_array_item: Option<String>,
}

impl PinnedValues {
    /// The event type this event has here: the one allowed value, else the event's key (or
    /// the key without its leading `/`, as Adyen writes them) where the values include it.
    fn value_for(&self, key: &str) -> Option<String> {
        let (first, rest) = self.constraints.split_first()?;
        let allowed: BTreeSet<&String> = first.iter().filter(|v| rest.iter().all(|c| c.contains(*v))).collect();
        if allowed.len() == 1 {
            return allowed.into_iter().next().cloned();
        }
        [key, key.trim_start_matches('/')].into_iter().find(|k| allowed.iter().any(|v| v == k)).map(str::to_string)
    }
}

/// The strings a schema allows when it lists them: `const`, an `enum` of strings (a `null`
/// aside), or a `oneOf`/`anyOf` whose every variant is one of those.
fn pinned_strings(object: &Map<String, Value>) -> Option<BTreeSet<String>> {
    if let Some(constant) = object.get("const") {
        return constant.as_str().map(|c| BTreeSet::from([c.to_string()]));
    }
    if let Some(values) = object.get("enum").and_then(Value::as_array) {
        let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        if values.is_empty() || !values.iter().all(|v| v.is_string()) {
            return None;
        }
        return Some(values.iter().filter_map(|v| v.as_str()).map(str::to_string).collect());
    }
    let variants = object.get("oneOf").or_else(|| object.get("anyOf"))?.as_array()?;
    let mut union = BTreeSet::new();
    for variant in variants {
        union.extend(pinned_strings(variant.as_object()?)?);
    }
    if union.is_empty() { None } else { Some(union) }
}

/// A readable error-code name for a status (RFC 9110 §15 reason phrases).
fn status_name(status: u16) -> String {
    let phrase = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        507 => "Insufficient Storage",
        _ => return format!("HTTP_{status}"),
    };
    phrase.to_shouty_snake_case()
}

/// The retry strategy a status suggests (RFC 9110 §15.5.30 / RFC 6585 §4): 429 carries
/// `Retry-After`, 5xx gateway and availability errors are transient, a 401 is worth one
/// refresh when tokens can be refreshed.
fn retry_for(status: u16, refreshable: bool) -> &'static str {
    match status {
        429 => "after_header",
        500 | 502 | 503 | 504 => "backoff",
        401 if refreshable => "refresh_auth",
        _ => "never",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Imports a document and reads the spec back; asserts it compiles through accord.
    fn import_doc(document: Value) -> (Value, Vec<ImportWarning>) {
        let imported = import(&document.to_string(), Some("imported")).expect("imports");
        let (spec, _) = crate::spec::yaml::parse(&imported.yaml).expect("the output is YAML");
        let compiled = crate::project::compile_spec(std::path::Path::new("imported.yaml"), &imported.yaml);
        if let Err(failure) = compiled {
            panic!("the imported spec does not compile:\n{}\n{}", failure.render(), imported.yaml);
        }
        (spec, imported.warnings)
    }

    fn doc(extra: Value) -> Value {
        let mut base = json!({
            "openapi": "3.0.3",
            "info": {"title": "Test API", "version": "1.0.0"},
            "servers": [{"url": "https://api.example.com/v1"}],
            "paths": {}
        });
        for (key, value) in extra.as_object().expect("object") {
            base[key] = value.clone();
        }
        base
    }

    fn has_warning(warnings: &[ImportWarning], pointer: &str, text: &str) -> bool {
        warnings.iter().any(|w| w.pointer == pointer && w.message.contains(text))
    }

    #[test]
    fn a_ref_inside_an_example_is_data_not_a_reference() {
        let (spec, warnings) = import_doc(doc(json!({
            "components": {"schemas": {"Group": {
                "type": "object",
                "properties": {"members": {"type": "array", "items": {"type": "string"}}},
                "example": {"members": [{"$ref": "https://example.com/scim/Users/1"}]}
            }}}
        })));
        assert_eq!(
            spec.pointer("/models/Group/example/members/0/$ref"),
            Some(&json!("https://example.com/scim/Users/1"))
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn schemas_map_to_models() {
        let (spec, warnings) = import_doc(json!({
            "openapi": "3.1.0",
            "info": {"title": "Shapes", "version": "1"},
            "paths": {},
            "components": {"schemas": {
                "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
                "Dog": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "required": ["bark"], "properties": {"bark": {"type": "boolean"}}}]},
                "Cat": {"type": "object", "properties": {"kind": {"const": "cat"}, "lives": {"type": ["integer", "null"], "minimum": 0, "maximum": 9}}},
                "Pet": {"oneOf": [{"$ref": "#/components/schemas/Dog"}, {"$ref": "#/components/schemas/Cat"}],
                        "discriminator": {"propertyName": "kind", "mapping": {"dog": "#/components/schemas/Dog", "cat": "#/components/schemas/Cat"}}},
                "Labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "Size": {"type": "integer", "enum": [1, 2, 3]},
                "Tree": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}, "parent": {"$ref": "#/components/schemas/Tree"}}},
                "Legacy": {"type": "string", "nullable": true, "readOnly": true}
            }}
        }));
        let models = &spec["models"];
        // allOf: the parts' properties and required lists merged.
        assert_eq!(models["Dog"]["properties"]["id"], json!("string"));
        assert_eq!(models["Dog"]["properties"]["bark"], json!("boolean"));
        assert_eq!(models["Dog"]["required"], json!(["id", "bark"]));
        // const → a one-value enum; a 3.1 type array with "null" → nullable; constraints kept.
        assert_eq!(models["Cat"]["properties"]["kind"], json!({"type": "string", "enum": ["cat"]}));
        assert_eq!(
            models["Cat"]["properties"]["lives"],
            json!({"type": "integer", "nullable": true, "minimum": 0, "maximum": 9})
        );
        // oneOf with a discriminator.
        assert_eq!(models["Pet"]["one_of"], json!(["Dog", "Cat"]));
        assert_eq!(
            models["Pet"]["discriminator"],
            json!({"property": "kind", "mapping": {"dog": "Dog", "cat": "Cat"}})
        );
        // additionalProperties → a map.
        assert_eq!(models["Labels"], json!({"type": "object", "additional_properties": "string"}));
        // Recursion stays a name.
        assert_eq!(models["Tree"]["properties"]["parent"], json!("Tree"));
        // What accord cannot say is reported where it is.
        assert!(has_warning(&warnings, "/components/schemas/Size", "non-string values"), "{warnings:?}");
        assert!(has_warning(&warnings, "/components/schemas/Legacy", "readOnly"), "{warnings:?}");
        assert_eq!(models["Legacy"], json!({"type": "string", "nullable": true}));
    }

    #[test]
    fn operations_map_to_endpoints() {
        let (spec, warnings) = import_doc(doc(json!({
            "servers": [{"url": "https://{region}.example.com/v1", "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}}}],
            "paths": {
                "/items/{id}": {
                    "parameters": [{"$ref": "#/components/parameters/Id"}],
                    "get": {
                        "operationId": "getItem",
                        "parameters": [
                            {"name": "expand", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                            {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                            {"name": "X-Trace", "in": "header", "required": true, "schema": {"type": "string"}}
                        ],
                        "responses": {
                            "2XX": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                            "404": {"$ref": "#/components/responses/NotFound"},
                            "429": {"description": "slow down", "headers": {"X-RateLimit-Remaining": {"schema": {"type": "integer"}}}},
                            "default": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                        }
                    },
                    "put": {
                        "operationId": "getItem",
                        "parameters": [{"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}],
                        "requestBody": {"$ref": "#/components/requestBodies/ItemForm"},
                        "responses": {"default": {"description": "the item", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}}
                    },
                    "post": {
                        "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}},
                        "responses": {"204": {"description": "done"}}
                    }
                }
            },
            "components": {
                "schemas": {
                    "Item": {"type": "object", "properties": {"id": {"type": "string"}}},
                    "Error": {"type": "object", "properties": {"message": {"type": "string"}}}
                },
                "parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}},
                "responses": {"NotFound": {"description": "missing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
                "requestBodies": {"ItemForm": {"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}}},
                "securitySchemes": {"cc": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://auth.example.com/token", "scopes": {"read": "", "write": ""}}}}}
            }
        })));
        assert_eq!(spec["environments"]["production"]["base_url"], json!("https://eu.example.com/v1"));
        assert!(has_warning(&warnings, "/servers/0/variables/region", "only the default"), "{warnings:?}");
        assert_eq!(spec["auth"]["oauth2_client_credentials"]["scopes"], json!(["read", "write"]));
        let get = &spec["endpoints"]["get_item"];
        assert_eq!(get["path_params"]["id"], json!("string"));
        assert_eq!(get["query"]["expand"]["type"], json!("array"));
        assert_eq!(get["headers"]["X-Trace"]["required"], json!(true));
        assert!(has_warning(&warnings, "/paths/~1items~1{id}/get/parameters/1", "`in: cookie`"), "{warnings:?}");
        // 2XX → 200; error statuses → one code each with the RFC 9110 retry strategy.
        assert_eq!(get["responses"]["200"]["body"], json!("Item"));
        assert!(has_warning(&warnings, "/paths/~1items~1{id}/get/responses/2XX", "mapped to 200"), "{warnings:?}");
        assert_eq!(get["errors"], json!(["NOT_FOUND", "TOO_MANY_REQUESTS"]));
        assert_eq!(spec["errors"]["body"], json!("Error"));
        assert_eq!(spec["errors"]["codes"]["TOO_MANY_REQUESTS"]["retry"], json!("after_header"));
        assert_eq!(spec["errors"]["codes"]["NOT_FOUND"]["status"], json!(404));
        assert!(has_warning(&warnings, "/paths/~1items~1{id}/get/responses/default", "no status"), "{warnings:?}");
        assert_eq!(spec["rate_limits"]["headers"]["remaining"], json!("X-RateLimit-Remaining"));
        // The same operationId twice is made unique; a form body from components.requestBodies;
        // an idempotency header; `default` as the only response is the success.
        let put = &spec["endpoints"]["get_item_2"];
        assert_eq!(put["request"]["content_type"], json!("form"));
        assert_eq!(put["idempotency"]["header"], json!("Idempotency-Key"));
        assert_eq!(put["responses"]["200"]["body"], json!("Item"));
        // A multipart body that is not an object is reported and dropped; a derived name
        // without operationId.
        let post = &spec["endpoints"]["post_items_id"];
        assert!(post.get("request").is_none());
        assert!(
            has_warning(
                &warnings,
                "/paths/~1items~1{id}/post/requestBody/content/multipart~1form-data/schema",
                "not an object"
            ),
            "{warnings:?}"
        );
    }

    #[test]
    fn multipart_bodies_keep_files_and_their_object_encoding() {
        let upload = |encoding: Value| {
            json!({
                "openapi": "3.1.0",
                "info": {"title": "Files", "version": "1"},
                "servers": [{"url": "https://api.example.com/"}],
                "paths": {"/files": {"post": {
                    "operationId": "upload_file",
                    "servers": [{"url": "https://files.example.com/"}],
                    "requestBody": {"required": true, "content": {"multipart/form-data": {
                        "schema": {"type": "object", "required": ["file"], "properties": {
                            "file": {"type": "string", "contentEncoding": "binary"},
                            "scan": {"type": "string", "format": "binary"},
                            "purpose": {"type": "string", "enum": ["a", "b"]},
                            "link": {"type": "object", "properties": {"create": {"type": "boolean"}}}
                        }},
                        "encoding": encoding
                    }}},
                    "responses": {"204": {"description": "stored"}}
                }}}
            })
        };
        let (spec, warnings) = import_doc(upload(json!({"link": {"style": "deepObject", "explode": true}})));
        // Its own server is reported: accord has no per-endpoint server.
        assert!(has_warning(&warnings, "/paths/~1files/post/servers", "files.example.com"), "{warnings:?}");
        let request = &spec["endpoints"]["upload_file"]["request"];
        assert_eq!(request["content_type"], json!("multipart"));
        assert_eq!(request["object_parts"], json!("brackets"));
        let model = &spec["models"][request["body"].as_str().expect("a model name")];
        assert_eq!(model["properties"]["file"]["format"], json!("binary"));
        assert_eq!(model["properties"]["scan"]["format"], json!("binary"));
        let (spec, _) = import_doc(upload(json!({"link": {"contentType": "application/json"}})));
        assert!(spec["endpoints"]["upload_file"]["request"].get("object_parts").is_none());
    }

    #[test]
    fn pagination_is_detected_where_reliable_and_suggested_where_not() {
        let list = |query: Value, body: Value, headers: Value| {
            json!({"get": {"parameters": query, "responses": {"200": {"description": "page", "headers": headers,
                "content": {"application/json": {"schema": body}}}}}})
        };
        let param = |name: &str| json!({"name": name, "in": "query", "schema": {"type": "string"}});
        let (spec, warnings) = import_doc(doc(json!({
            "paths": {
                "/issues": list(json!([param("page"), param("per_page")]), json!({"type": "array", "items": {"type": "string"}}), json!({"Link": {"schema": {"type": "string"}}})),
                "/search": list(json!([param("page")]), json!({"type": "object", "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"type": "string"}}}}), json!({"Link": {"schema": {"type": "string"}}})),
                "/charges": list(json!([param("starting_after")]), json!({"$ref": "#/components/schemas/ChargeList"}), json!({})),
                "/messages": list(json!([param("PageToken")]), json!({"type": "object", "properties": {"messages": {"type": "array", "items": {"type": "string"}}, "next_page_uri": {"type": "string", "nullable": true}}}), json!({})),
                "/events": list(json!([param("cursor")]), json!({"type": "object", "properties": {"data": {"type": "array", "items": {"type": "string"}}}}), json!({}))
            },
            "components": {"schemas": {
                "Charge": {"type": "object", "properties": {"id": {"type": "string"}}},
                "ChargeList": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Charge"}}, "has_more": {"type": "boolean"}}}
            }}
        })));
        let endpoints = &spec["endpoints"];
        assert_eq!(
            endpoints["get_issues"]["pagination"],
            json!({"page": {"param": "page", "size_param": "per_page", "link_header": true}})
        );
        assert_eq!(endpoints["get_search"]["pagination"]["page"]["items"], json!("/items"));
        assert_eq!(
            endpoints["get_charges"]["pagination"],
            json!({"cursor": {"param": "starting_after", "next": "/id", "from_last_item": true, "has_more": "/has_more", "items": "/data"}})
        );
        assert_eq!(
            endpoints["get_messages"]["pagination"],
            json!({"next_url": {"next": "/next_page_uri", "items": "/messages"}})
        );
        assert!(endpoints["get_events"].get("pagination").is_none());
        assert!(has_warning(&warnings, "/paths/~1events/get", "query parameter `cursor`"), "{warnings:?}");
    }

    #[test]
    fn webhooks_bring_their_payload_models_and_say_what_is_missing() {
        let (spec, warnings) = import_doc(json!({
            "openapi": "3.1.0",
            "info": {"title": "Hooks", "version": "1"},
            "webhooks": {"newPet": {"post": {"requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"name": {"type": "string"}}}}}}, "responses": {"200": {"description": "ok"}}}}}
        }));
        assert_eq!(spec["models"]["NewPetEvent"]["properties"]["name"], json!("string"));
        assert_eq!(spec["webhooks"], json!({"events": {"newPet": {"payload": "NewPetEvent"}}}));
        assert!(has_warning(&warnings, "/webhooks", "add `webhooks.signature`"), "{warnings:?}");
        // Several events: the models, and a warning naming them.
        let hook = |name: &str| json!({"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}}, "responses": {"200": {"description": "ok"}}}});
        let (spec, warnings) = import_doc(json!({
            "openapi": "3.1.0",
            "info": {"title": "Hooks", "version": "1"},
            "webhooks": {"a": hook("A"), "b": hook("B")},
            "components": {"schemas": {"A": {"type": "object"}, "B": {"type": "object"}}}
        }));
        assert!(spec.get("webhooks").is_none());
        assert!(has_warning(&warnings, "/webhooks", "`a` (payload `A`), `b` (payload `B`)"), "{warnings:?}");
    }

    /// A webhook whose JSON payload is `schema`.
    fn hook(schema: Value) -> Value {
        json!({"post": {"summary": "Sent", "requestBody": {"content": {"application/json": {"schema": schema}}},
            "responses": {"200": {"description": "ok"}}}})
    }

    #[test]
    fn several_webhooks_are_told_apart_by_a_constant_type_property() {
        // Svix's shape: `type` is a one-value enum or a `const`, also through `allOf`; accord
        // keys events by that value, which is what a delivery carries.
        let (spec, warnings) = import_doc(json!({
            "openapi": "3.1.0",
            "info": {"title": "Hooks", "version": "1"},
            "webhooks": {
                "endpoint.created": hook(json!({"$ref": "#/components/schemas/EndpointCreated"})),
                "endpoint.deleted": hook(json!({"type": "object", "required": ["type"], "properties": {
                    "type": {"type": "string", "const": "endpoint.deleted"}, "id": {"type": "string"}}})),
                "disabled": hook(json!({"allOf": [{"$ref": "#/components/schemas/Base"},
                    {"properties": {"type": {"enum": ["endpoint.disabled"]}}}]}))
            },
            "components": {"schemas": {
                "Base": {"type": "object", "properties": {"type": {"type": "string", "enum": ["endpoint.created", "endpoint.deleted", "endpoint.disabled"]}, "id": {"type": "string"}}},
                "EndpointCreated": {"type": "object", "properties": {"type": {"type": "string", "enum": ["endpoint.created"]}, "data": {"type": "object"}}}
            }}
        }));
        assert_eq!(spec["webhooks"]["event_type_field"], json!("/type"));
        let events = spec["webhooks"]["events"].as_object().expect("events");
        assert_eq!(events.keys().collect::<Vec<_>>(), ["endpoint.created", "endpoint.deleted", "endpoint.disabled"]);
        assert_eq!(events["endpoint.created"], json!({"payload": "EndpointCreated", "description": "Sent"}));
        assert_eq!(events["endpoint.deleted"]["payload"], json!("EndpointDeletedEvent"));
        // The OpenAPI key stays in the description where it is not the type.
        assert_eq!(events["endpoint.disabled"]["description"], json!("Sent (OpenAPI webhook `disabled`)"));
        assert!(has_warning(&warnings, "/webhooks", "add `webhooks.signature`"), "{warnings:?}");
        assert!(!warnings.iter().any(|w| w.message.contains("payload models are imported")), "{warnings:?}");
    }

    #[test]
    fn a_type_inside_an_array_is_read_from_its_first_item_and_events_without_it_are_reported() {
        // Adyen's shape: keys like `/AUTHORISATION`, the code under
        // `notificationItems[].NotificationRequestItem.eventCode`, an enum shared by the events
        // that holds each one's key, and one event of another envelope.
        let notification = |item: &str| {
            json!({"type": "object", "properties": {"live": {"type": "string"},
                "notificationItems": {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}Wrapper")}}}})
        };
        let wrapper = |item: &str| json!({"type": "object", "properties": {"NotificationRequestItem": {"$ref": format!("#/components/schemas/{item}")}}});
        let item =
            |codes: Value| json!({"type": "object", "properties": {"eventCode": {"type": "string", "enum": codes}}});
        let (spec, warnings) = import_doc(json!({
            "openapi": "3.1.0",
            "info": {"title": "Notifications", "version": "1"},
            "webhooks": {
                "/AUTHORISATION": hook(json!({"$ref": "#/components/schemas/AuthorisationRequest"})),
                "/CAPTURE": hook(json!({"$ref": "#/components/schemas/Request"})),
                "/REFUND": hook(json!({"$ref": "#/components/schemas/Request"})),
                "/ACH_NOTIFICATION_OF_CHANGE": hook(json!({"type": "object", "properties": {"type": {"type": "string"}}}))
            },
            "components": {"schemas": {
                "AuthorisationRequest": notification("AuthorisationItem"),
                "AuthorisationItemWrapper": wrapper("AuthorisationItem"),
                "AuthorisationItem": item(json!(["AUTHORISATION"])),
                "Request": notification("Item"),
                "ItemWrapper": wrapper("Item"),
                "Item": item(json!(["AUTHORISATION", "CAPTURE", "REFUND", "EXPIRE"]))
            }}
        }));
        let pointer = "/notificationItems/0/NotificationRequestItem/eventCode";
        assert_eq!(spec["webhooks"]["event_type_field"], json!(pointer));
        let events = spec["webhooks"]["events"].as_object().expect("events");
        assert_eq!(events.keys().collect::<Vec<_>>(), ["AUTHORISATION", "CAPTURE", "REFUND"]);
        assert_eq!(events["REFUND"], json!({"payload": "Request", "description": "Sent (OpenAPI webhook `/REFUND`)"}));
        assert!(has_warning(&warnings, "/webhooks", "first item of the array `/notificationItems`"), "{warnings:?}");
        assert!(
            has_warning(&warnings, "/webhooks/~1ACH_NOTIFICATION_OF_CHANGE", "does not fix its event type"),
            "{warnings:?}"
        );
        assert!(spec["models"].get("AchNotificationOfChangeEvent").is_some());
    }

    #[test]
    fn webhooks_without_a_reliable_type_property_keep_their_models_and_a_warning() {
        // Xero's shape: events share one payload whose category is one of several constants.
        let shared = json!({"$ref": "#/components/schemas/Batch"});
        let (spec, warnings) = import_doc(json!({
            "openapi": "3.1.0",
            "info": {"title": "Hooks", "version": "1"},
            "webhooks": {"invoices": hook(shared.clone()), "contacts": hook(shared)},
            "components": {"schemas": {"Batch": {"type": "object", "properties": {"events": {"type": "array", "items": {
                "type": "object", "properties": {"eventCategory": {"type": "string", "oneOf": [{"const": "INVOICE"}, {"const": "CONTACT"}]}}}}}}}}
        }));
        assert!(spec.get("webhooks").is_none());
        assert!(spec["models"].get("Batch").is_some());
        assert!(has_warning(&warnings, "/webhooks", "sharing a payload model"), "{warnings:?}");
        // Constants that do not tell the events apart are no type either.
        let same = json!({"type": "object", "properties": {"version": {"const": "v1"}}});
        let (spec, warnings) = import_doc(json!({
            "openapi": "3.1.0",
            "info": {"title": "Hooks", "version": "1"},
            "webhooks": {"a": hook(same.clone()), "b": hook(same)}
        }));
        assert!(spec.get("webhooks").is_none());
        assert!(
            has_warning(&warnings, "/webhooks", "add a `webhooks` section with `event_type_field`"),
            "{warnings:?}"
        );
    }

    #[test]
    fn read_only_and_write_only_properties_are_marked() {
        let (spec, warnings) = import_doc(doc(json!({
            "components": {"schemas": {
                "Id": {"type": "string", "readOnly": true, "description": "Set by the server."},
                "Unused": {"type": "string", "readOnly": true},
                "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Account": {"type": "object", "required": ["id", "password"], "properties": {
                    "id": {"$ref": "#/components/schemas/Id"},
                    "created": {"type": "string", "format": "date-time", "readOnly": true},
                    "password": {"type": "string", "writeOnly": true},
                    "owner": {"allOf": [{"$ref": "#/components/schemas/Owner"}], "readOnly": true},
                    "manager": {"allOf": [{"$ref": "#/components/schemas/Owner"}, {"readOnly": true}]},
                    "tags": {"type": "array", "items": {"type": "string", "readOnly": true}},
                    "odd": {"type": "string", "readOnly": true, "writeOnly": true},
                    "overridden": {"$ref": "#/components/schemas/Id", "readOnly": false}
                }}
            }}
        })));
        let properties = &spec["models"]["Account"]["properties"];
        // A component that is read-only as a whole makes the properties that refer to it so.
        assert_eq!(properties["id"], json!({"type": "Id", "read_only": true}));
        assert_eq!(properties["created"], json!({"type": "string", "format": "date-time", "read_only": true}));
        assert_eq!(properties["password"], json!({"type": "string", "write_only": true}));
        assert_eq!(properties["owner"], json!({"type": "Owner", "read_only": true}));
        assert_eq!(properties["manager"]["read_only"], json!(true));
        assert!(properties["tags"].get("read_only").is_none());
        assert_eq!(properties["odd"], json!("string"));
        assert_eq!(properties["overridden"], json!("Id"));
        assert_eq!(spec["models"]["Id"], json!({"type": "string", "description": "Set by the server."}));
        assert!(
            has_warning(&warnings, "/components/schemas/Account/properties/tags/items", "outside an object property"),
            "{warnings:?}"
        );
        assert!(has_warning(&warnings, "/components/schemas/Account/properties/odd", "contradict"), "{warnings:?}");
        assert!(has_warning(&warnings, "/components/schemas/Unused", "no object property refers to"), "{warnings:?}");
        assert!(!warnings.iter().any(|w| w.pointer == "/components/schemas/Id"), "{warnings:?}");
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        // 3.1: keywords beside a `$ref`.
        let (spec, warnings) = import_doc(json!({
            "openapi": "3.1.0",
            "info": {"title": "Refs", "version": "1"},
            "components": {"schemas": {
                "Secret": {"type": "string"},
                "Login": {"type": "object", "properties": {
                    "secret": {"$ref": "#/components/schemas/Secret", "writeOnly": true, "description": "Never returned."}
                }}
            }}
        }));
        assert_eq!(
            spec["models"]["Login"]["properties"]["secret"],
            json!({"type": "Secret", "description": "Never returned.", "write_only": true})
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn paths_that_http_cannot_tell_apart_are_reported() {
        let op = |id: &str| json!({"get": {"operationId": id, "responses": {"200": {"description": "ok"}}}});
        let (spec, warnings) = import_doc(doc(json!({
            "paths": {"/files/{id}": op("byId"), "/files/{name}": op("byName"), "/files/{id}#meta": op("meta")}
        })));
        assert!(spec["endpoints"].get("by_id").is_some());
        assert!(spec["endpoints"].get("by_name").is_none());
        assert!(
            has_warning(&warnings, "/paths/~1files~1{name}/get", "cannot be told apart from endpoint `by_id`"),
            "{warnings:?}"
        );
        assert!(has_warning(&warnings, "/paths/~1files~1{id}#meta", "fragment"), "{warnings:?}");
    }

    #[test]
    fn other_documents_are_refused_with_the_reason() {
        assert!(import("{\"swagger\": \"2.0\"}", None).unwrap_err().contains("Swagger 2.0"));
        assert!(import("openapi: 4.0.0\n", None).unwrap_err().contains("not an OpenAPI 3.0/3.1 document"));
        assert!(import("{ not json: [", None).is_err());
    }
}
