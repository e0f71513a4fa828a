//! `paths` → `endpoints`: one endpoint per operation (named by `operationId` or by method and
//! path), its path, query and header parameters, its request body (JSON, form, multipart, or
//! text or bytes sent as they are), its 2xx responses (statuses and `2XX` ranges), and one
//! error code per 4xx/5xx status, `4XX`/`5XX` range and `default`, shared by every operation
//! (`errors.codes`, with the body most of them use as `errors.body`).

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use serde_json::Value;

use super::heuristics::{retry_for_pattern, snake, status_pattern_name};
use super::schema::{any, into_schema, typed};
use super::{ErrorCodeDraft, Importer, METHODS, escape, is_json};
use crate::check::params::{ValueShape, is_field_value, is_token, style_problem, value_shape};
use crate::check::routing::{RouteKeys, told_apart};
use crate::json_fields::Field;
use crate::spec::{
    AdditionalProperties, ContentType, Endpoint, ErrorCode, Errors, FixedValues, Idempotency, Method, ObjectParts,
    ParamLocation, ParamStyle, RequestDef, Required, ResponseDef, ResponseRef, Schema, StatusPattern, StatusSet,
    TypeRef,
};

/// Headers the client sets itself (`Accept`, `Content-Type`, `Authorization`), never a
/// parameter or a fixed value.
fn client_set_header(name: &str) -> bool {
    ["accept", "content-type", "authorization"].contains(&name.to_ascii_lowercase().as_str())
}

/// Whether a path's `#fragment` says no more than the endpoint declares: each of its
/// `name=value` pairs (`X-Amz-Target=DynamoDB_20120810.GetItem`, `Action=AddPermission`) is a
/// fixed header or query value, and each bare `name` (AWS's `#analyzerArn&resourceArn`) is a
/// `required` parameter, so nothing the fragment meant is lost.
fn fragment_is_said(fragment: &str, fixed: &FixedValues, required: &[&str]) -> bool {
    !fragment.is_empty()
        && fragment.split('&').all(|pair| match pair.split_once('=') {
            Some((name, value)) => {
                fixed.query.get(name).is_some_and(|fixed| fixed == value)
                    || fixed.headers.iter().any(|(header, fixed)| header.eq_ignore_ascii_case(name) && fixed == value)
            }
            None => required.contains(&pair),
        })
}

/// The query keys routing sees of an operation not yet imported: its fixed values, its
/// required query parameters that are not fixed, and every query parameter it declares
/// (`check::routing::RouteKeys`, which `check` takes from the imported endpoint).
fn route_keys(params: &[(&Value, String)], fixed: &FixedValues) -> RouteKeys {
    let mut keys = RouteKeys { fixed: fixed.clone(), ..RouteKeys::default() };
    for (param, _) in params {
        let (Some(name), Some("query")) =
            (param.field("name").and_then(Value::as_str), param.field("in").and_then(Value::as_str))
        else {
            continue;
        };
        if fixed.query.contains_key(name) {
            continue;
        }
        if param.field("required") == Some(&Value::Bool(true)) {
            keys.required_query.push(name.to_string());
        }
        keys.query.push(name.to_string());
    }
    keys
}

/// Whether a Content map offers a body [`Importer::response_body`] reads as JSON: a JSON
/// media type, or `*/*` with a schema.
fn has_json_body(content: &serde_json::Map<String, Value>) -> bool {
    content.iter().any(|(media, value)| is_json(media) || (media == "*/*" && value.field("schema").is_some()))
}

/// A response that declares nothing but why it is there.
fn described(description: &str) -> ResponseRef {
    ResponseRef::Full(ResponseDef {
        body: None,
        content_type: None,
        media_type: None,
        description: Some(description.to_string()),
        headers: IndexMap::new(),
        stream: None,
        max_bytes: None,
    })
}

/// How a body of a media type that is not JSON, form or multipart is sent and read: as
/// `text` (`text/*`, XML, YAML, JavaScript, NDJSON: characters) or as `binary` (anything
/// else: `application/octet-stream`, `image/*`, `application/pdf`, archives, `*/*`).
/// Whether a media type is XML (`text/xml`, `application/xml`, `…+xml`; RFC 7303).
fn is_xml(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or(media).trim().to_ascii_lowercase();
    media == "text/xml" || media == "application/xml" || media.ends_with("+xml")
}

fn raw_content_type(media: &str) -> ContentType {
    let media = media.split(';').next().unwrap_or(media).trim().to_ascii_lowercase();
    let text = media.starts_with("text/")
        || media.ends_with("+xml")
        || media.ends_with("+yaml")
        || [
            "application/xml",
            "application/yaml",
            "application/x-yaml",
            "application/javascript",
            "application/x-ndjson",
            "application/jsonl",
            "application/graphql",
            "application/sql",
        ]
        .contains(&media.as_str());
    if text { ContentType::Text } else { ContentType::Binary }
}

/// The `media_type` of raw bodies offered as `media` (the keys of a `content` map, all of one
/// `raw_content_type`): the one media type without parameters, or `type/*` when several share
/// a type (`image/png` and `image/jpeg`); `None` when that is the content type's own
/// (`text/plain`, `application/octet-stream`) or no media type (`*/*`, mixed types).
fn raw_media_type(media: &[&String], content_type: ContentType) -> Option<String> {
    let bare: BTreeSet<String> =
        media.iter().map(|m| m.split(';').next().unwrap_or(m).trim().to_ascii_lowercase()).collect();
    let media_type = match bare.len() {
        1 => bare.into_iter().next()?,
        _ => {
            let kinds: BTreeSet<&str> = bare.iter().filter_map(|m| m.split_once('/')).map(|(kind, _)| kind).collect();
            match kinds.into_iter().collect::<Vec<_>>()[..] {
                [kind] => format!("{kind}/*"),
                _ => return None,
            }
        }
    };
    (crate::check::is_media_type(&media_type) && media_type != content_type.media_type()).then_some(media_type)
}

/// The body type of a raw body: `string` for `text`, `{ type: string, format: binary }` for
/// `binary`.
fn raw_body_type(content_type: ContentType) -> TypeRef {
    match content_type {
        ContentType::Binary => TypeRef::Inline(Box::new(Schema { format: Some("binary".into()), ..typed("string") })),
        _ => TypeRef::Name("string".into()),
    }
}

impl<'a> Importer<'a> {
    pub(super) fn endpoints(&mut self) -> IndexMap<String, Endpoint> {
        let mut out = IndexMap::new();
        let Some(paths) = self.document.field("paths").and_then(Value::as_object) else { return out };
        let mut used_names: BTreeSet<String> = BTreeSet::new();
        // (method, path shape) → the endpoints on it, with their fixed values: HTTP cannot
        // tell two templates of the same shape apart (`/files/{id}` and `/files/{name}`), and
        // a `#fragment` is never sent, but a fixed header or query value can (AWS's
        // `/#X-Amz-Target=DynamoDB_20120810.GetItem` with its one-value `X-Amz-Target`).
        // A query key one endpoint requires and the other never sends tells them apart too
        // (S3's `DELETE /{Key}#uploadId` beside `DELETE /{Key}`, `check::routing`).
        let mut shapes: BTreeMap<(String, String), Vec<(String, RouteKeys)>> = BTreeMap::new();
        for (raw_path, item) in paths {
            let item_pointer = format!("/paths/{}", escape(raw_path));
            let mut path = raw_path.split('#').next().unwrap_or(raw_path).to_string();
            let fragment = raw_path.split_once('#').map(|(_, fragment)| fragment);
            // OpenAPI says a path MUST begin with `/`, and appends it to the server URL as
            // written: `pets` under `https://api.example.com/v1` was meant as `/pets` (no one
            // means `/v1pets`), so the slash is added, with a warning, rather than the
            // operations lost.
            if !path.starts_with('/') {
                let fixed = format!("/{path}");
                self.warn(
                    &item_pointer,
                    format!("the path `{path}` does not start with `/` (OpenAPI requires it); imported as `{fixed}`"),
                );
                path = fixed;
            }
            // A query written into the path key (`/alerts?lat={lat}`, `/rest?method=…`) is read
            // as fixed values and required query parameters (`path_query`); the parameters are
            // matched against the key with its query, the endpoint's path is the part before.
            let with_query = path.clone();
            let (bare, path_query, unread) = super::path_query::split(&with_query);
            for pair in unread {
                self.warn(
                    &item_pointer,
                    format!("the query pair `{pair}` of the path key `{raw_path}` is neither `name=value`, `name={{parameter}}` nor a bare name; dropped"),
                );
            }
            let path = bare.to_string();
            // A template whose braces do not pair names no parameters anyone can fill in.
            if let Err(problem) = crate::check::path_parameters(&with_query) {
                self.warn(&item_pointer, format!("{problem}; its operations are dropped"));
                continue;
            }
            let path = path.as_str();
            let Some((item, item_pointer)) = self.deref(item, &item_pointer) else { continue };
            let shared_params: Vec<(&'a Value, String)> = item
                .field("parameters")
                .and_then(Value::as_array)
                .map(|p| p.iter().enumerate().map(|(i, v)| (v, format!("{item_pointer}/parameters/{i}"))).collect())
                .unwrap_or_default();
            for key in item.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
                let at = format!("{item_pointer}/{key}");
                if ["options", "trace"].contains(&key.as_str()) {
                    self.warn(&at, format!("`{}` operations are not supported; dropped", key.to_uppercase()));
                    continue;
                }
                let Some(&(_, method)) = METHODS.iter().find(|(name, _)| *name == key) else { continue };
                let Some(operation) = item.field(&key) else { continue };
                let base = operation
                    .field("operationId")
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
                let params = self.operation_params(operation, &shared_params, &at);
                let mut fixed = self.fixed_values(&params, fragment);
                if let Some(path_query) = &path_query {
                    path_query.fix(&mut fixed);
                }
                let mut keys = route_keys(&params, &fixed);
                for name in path_query.iter().flat_map(|query| query.required_keys()) {
                    keys.required_query.push(name.to_string());
                    keys.query.push(name.to_string());
                }
                let on_shape = shapes.entry((key.clone(), shape.clone())).or_default();
                if let Some((first, _)) = on_shape.iter().find(|(_, other)| !told_apart(other, &keys)) {
                    let first = first.clone();
                    self.warn(
                        &at,
                        format!("`{} {path}` cannot be told apart from endpoint `{first}` (same method and path shape, and no fixed header or query value that differs, nor a required query parameter the other does not declare); dropped", key.to_uppercase()),
                    );
                    continue;
                }
                let required: Vec<&str> = params
                    .iter()
                    .filter(|(param, _)| param.field("required") == Some(&Value::Bool(true)))
                    .filter_map(|(param, _)| param.field("name").and_then(Value::as_str))
                    .collect();
                if let Some(fragment) = fragment
                    && !fragment_is_said(fragment, &fixed, &required)
                {
                    self.warn(&at, format!("the fragment of `{raw_path}` is not sent over HTTP; the path is `{path}`"));
                }
                used_names.insert(name.clone());
                let server = self.own_servers(operation, item, &at, &item_pointer);
                let mut endpoint = self.endpoint(&with_query, method, operation, &params, fixed, &at, &name);
                endpoint.server = server;
                endpoint.group = self.operation_group(operation);
                if let Some(path_query) = &path_query {
                    path_query.apply(&mut endpoint, path);
                }
                // What `check` will compare: the query parameters the endpoint kept.
                let keys = RouteKeys::of(&endpoint);
                let on_shape = shapes.entry((key.clone(), shape)).or_default();
                if let Some((first, _)) = on_shape.iter().find(|(_, other)| !told_apart(other, &keys)) {
                    let first = first.clone();
                    self.warn(
                        &at,
                        format!("`{} {path}` cannot be told apart from endpoint `{first}` once its query parameters are imported; dropped", key.to_uppercase()),
                    );
                    continue;
                }
                on_shape.push((name.clone(), keys));
                out.insert(name, endpoint);
            }
        }
        out
    }

    /// An operation's parameters, each followed through its `$ref`: the operation's own, then
    /// the path item's that it does not override (same name and place).
    fn operation_params(
        &mut self,
        operation: &'a Value,
        shared: &[(&'a Value, String)],
        pointer: &str,
    ) -> Vec<(&'a Value, String)> {
        let mut params: Vec<(&'a Value, String)> = Vec::new();
        let own: Vec<(&'a Value, String)> = operation
            .field("parameters")
            .and_then(Value::as_array)
            .map(|p| p.iter().enumerate().map(|(i, v)| (v, format!("{pointer}/parameters/{i}"))).collect())
            .unwrap_or_default();
        let mut seen = BTreeSet::new();
        for (param, at) in own.into_iter().chain(shared.iter().cloned()) {
            let Some((param, at)) = self.deref(param, &at) else { continue };
            let key = (
                param.field("in").and_then(Value::as_str).unwrap_or_default().to_string(),
                param.field("name").and_then(Value::as_str).unwrap_or_default().to_string(),
            );
            if seen.insert(key) {
                params.push((param, at));
            }
        }
        params
    }

    /// The header and query parameters that can only have one value: required, and typed by a
    /// schema whose `enum` has one string (or whose `const` is a string), as AWS declares
    /// `X-Amz-Target` and `Action`. The client sends them itself (`fixed`), and they tell
    /// endpoints on one method and path apart. A presence-only key: a required query
    /// parameter whose one value is `true`, named bare in the path's fragment, as the
    /// directory's AWS documents write S3's `POST /{Key+}?uploads` (`/{Bucket}/{Key}#uploads`
    /// with `uploads: {in: query, required: true, schema: {type: boolean, enum: [true]}}`),
    /// is fixed to the empty value (`uploads=`, see `check::params::is_presence_key`).
    fn fixed_values(&self, params: &[(&'a Value, String)], fragment: Option<&str>) -> FixedValues {
        let bare: Vec<&str> =
            fragment.map(|f| f.split('&').filter(|pair| !pair.contains('=')).collect()).unwrap_or_default();
        let mut fixed = FixedValues::default();
        for (param, _) in params {
            let (Some(name), Some(location)) =
                (param.field("name").and_then(Value::as_str), param.field("in").and_then(Value::as_str))
            else {
                continue;
            };
            if param.field("required") != Some(&Value::Bool(true)) {
                continue;
            }
            let mut schema = param.field("schema");
            for _ in 0..8 {
                match schema.and_then(|s| s.field("$ref")).and_then(Value::as_str) {
                    Some(reference) => schema = self.resolve(reference),
                    None => break,
                }
            }
            let Some(schema) = schema else { continue };
            let value = match (schema.field("enum").and_then(Value::as_array), schema.field("const")) {
                (Some(values), _) if values.len() == 1 && values[0] == Value::Bool(true) => {
                    (location == "query" && bare.contains(&name)).then_some("")
                }
                (Some(values), _) if values.len() == 1 => values[0].as_str(),
                (None, Some(Value::String(value))) => Some(value.as_str()),
                _ => None,
            };
            let Some(value) = value else { continue };
            match location {
                "header" if is_token(name) && is_field_value(value) && !client_set_header(name) => {
                    fixed.headers.insert(name.to_string(), value.to_string());
                }
                "query" => {
                    fixed.query.insert(name.to_string(), value.to_string());
                }
                _ => {}
            }
        }
        fixed
    }

    #[allow(clippy::too_many_arguments)]
    fn endpoint(
        &mut self,
        path: &str,
        method: Method,
        operation: &'a Value,
        params: &[(&'a Value, String)],
        fixed: FixedValues,
        pointer: &str,
        name: &str,
    ) -> Endpoint {
        let summary = operation.field("summary").and_then(Value::as_str).map(|s| s.trim().to_string());
        let description = operation.field("description").and_then(Value::as_str).map(|d| d.trim().to_string());
        let deprecated = operation.field("deprecated") == Some(&Value::Bool(true));
        let mut path_params = IndexMap::new();
        let mut query = IndexMap::new();
        let mut headers = IndexMap::new();
        let mut idempotency_header = None;
        for (param, at) in params {
            let Some(param_name) = param.field("name").and_then(Value::as_str) else { continue };
            let location = param.field("in").and_then(Value::as_str).unwrap_or_default();
            let is_fixed = match location {
                "header" => fixed.headers.contains_key(param_name),
                "query" => fixed.query.contains_key(param_name),
                _ => false,
            };
            if is_fixed {
                continue;
            }
            let schema = match (param.field("schema"), param.field("content").and_then(Value::as_object)) {
                (Some(schema), _) => self.schema(schema, &format!("{at}/schema"), 0),
                (None, Some(content)) => {
                    self.warn(at, "a parameter described by `content` is typed by its first media type's schema");
                    match content.values().next().and_then(|m| m.field("schema")) {
                        Some(schema) => self.schema(schema, &format!("{at}/content"), 0),
                        None => TypeRef::Name("string".into()),
                    }
                }
                _ => TypeRef::Name("string".into()),
            };
            let required = param.field("required").and_then(Value::as_bool).unwrap_or(location == "path");
            let description = param.field("description").and_then(Value::as_str).map(str::trim);
            // The parameter's type with its description (unless the schema has one), its
            // style where it is not the place's default and, for query and header parameters,
            // whether it is required.
            let with =
                |schema: TypeRef, required: Option<bool>, style: (Option<ParamStyle>, Option<bool>)| -> TypeRef {
                    let mut schema = into_schema(schema);
                    (schema.style, schema.explode) = style;
                    if let Some(description) = description
                        && schema.description.is_none()
                    {
                        schema.description = Some(description.to_string());
                    }
                    if let Some(required) = required {
                        schema.required = Some(Required::Flag(required));
                    }
                    match schema.type_name.as_deref() {
                        Some(name) if schema == typed(name) => TypeRef::Name(name.to_string()),
                        _ => TypeRef::Inline(Box::new(schema)),
                    }
                };
            match location {
                "path" => {
                    if !path.contains(&format!("{{{param_name}}}")) {
                        self.warn(at, format!("path parameter `{param_name}` is not in the path; dropped"));
                        continue;
                    }
                    let style = self.param_style(param, at, param_name, ParamLocation::Path, &schema);
                    path_params.insert(param_name.to_string(), with(schema, None, style));
                }
                "query" => {
                    if param.field("allowReserved") == Some(&Value::Bool(true)) {
                        self.warn(
                            &format!("{at}/allowReserved"),
                            format!("`{param_name}` allows reserved characters unencoded; accord percent-encodes them (`/` as `%2F`), which servers decode to the same text"),
                        );
                    }
                    let style = self.param_style(param, at, param_name, ParamLocation::Query, &schema);
                    query.insert(param_name.to_string(), with(schema, Some(required), style));
                }
                "header" => {
                    if param_name.eq_ignore_ascii_case("idempotency-key")
                        || param_name.eq_ignore_ascii_case("x-idempotency-key")
                    {
                        idempotency_header = Some(param_name.to_string());
                        continue;
                    }
                    if client_set_header(param_name) {
                        self.tally(super::tallies::Tally::IgnoredHeaderParameter, at);
                        continue;
                    }
                    let style = self.param_style(param, at, param_name, ParamLocation::Header, &schema);
                    headers.insert(param_name.to_string(), with(schema, Some(required), style));
                }
                other => self.warn(at, format!("`in: {other}` parameters are not supported; `{param_name}` dropped")),
            }
        }
        // Path parameters the template names but nobody declared (a query in the path key,
        // `path_query`, names query parameters).
        for segment in path.split('?').next().unwrap_or(path).split('{').skip(1) {
            if let Some(param_name) = segment.split('}').next()
                && !path_params.contains_key(param_name)
            {
                self.warn(pointer, format!("path parameter `{param_name}` is not declared; typed as string"));
                path_params.insert(param_name.to_string(), TypeRef::Name("string".into()));
            }
        }
        let request = match operation.field("requestBody") {
            Some(body) => self.request_body(body, &format!("{pointer}/requestBody"), name),
            None => None,
        };
        let (responses, errors, response_headers) = self.responses(operation, pointer, name);
        let idempotency = idempotency_header.map(|header| Idempotency { header, retention: None });
        let pagination = self.pagination(&query, &responses, &response_headers, pointer);
        let auth = self.operation_security(operation, pointer);
        Endpoint {
            method,
            path: path.to_string(),
            group: None,
            summary,
            description,
            deprecated,
            path_params,
            query,
            headers,
            fixed,
            request,
            responses,
            errors,
            idempotency,
            rate_limit: None,
            pagination,
            auth,
            cache: None,
            server: None,
        }
    }

    /// A parameter's `style` and `explode` (OpenAPI 3.1 §4.8.12.4) as the spec writes them:
    /// `None` where they are the place's defaults. A style OpenAPI does not define in the
    /// place or for the value's shape is dropped with a warning (the default is sent); the
    /// readings the table leaves (`spaceDelimited`/`pipeDelimited` with `explode`: repeated
    /// pairs, as `form`; `deepObject` without `explode`: its only form) are taken silently.
    fn param_style(
        &mut self,
        param: &Value,
        at: &str,
        name: &str,
        location: ParamLocation,
        schema: &TypeRef,
    ) -> (Option<ParamStyle>, Option<bool>) {
        let default = ParamStyle::default_for(location);
        let written = param.field("style").and_then(Value::as_str);
        let mut style = match written {
            None => default,
            Some(text) => match ParamStyle::from_openapi(text) {
                Some(style) => style,
                None => {
                    self.warn(
                        &format!("{at}/style"),
                        format!(
                            "`{name}` has style `{text}`, which OpenAPI does not define here; sent as `{}`",
                            default.openapi_name()
                        ),
                    );
                    default
                }
            },
        };
        let mut explode = param.field("explode").and_then(Value::as_bool).unwrap_or(style.default_explode());
        match style {
            ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited if explode => style = ParamStyle::Form,
            ParamStyle::DeepObject => explode = true,
            _ => {}
        }
        let shape = value_shape(&self.models, schema);
        if let Some(problem) = style_problem(style, explode, location, shape) {
            // A lone value reads the same in every query style: nothing is lost.
            if !(shape == ValueShape::Primitive && location == ParamLocation::Query) {
                self.warn(&format!("{at}/style"), format!("`{name}`: {problem}; sent as `{}`", default.openapi_name()));
            }
            style = default;
            explode = default.default_explode();
        }
        if style == default && explode == default.default_explode() {
            return (None, None);
        }
        ((style != default).then_some(style), (explode != style.default_explode()).then_some(explode))
    }

    fn request_body(&mut self, body: &'a Value, pointer: &str, operation: &str) -> Option<RequestDef> {
        let (body, pointer) = self.deref(body, pointer)?;
        let content = body.field("content").and_then(Value::as_object)?;
        let json_media = content.iter().find(|(media, _)| is_json(media));
        let form_media = content.iter().find(|(media, _)| media.starts_with("application/x-www-form-urlencoded"));
        let multipart_media = content.iter().find(|(media, _)| media.starts_with("multipart/form-data"));
        let (media, content_type) = match (json_media, form_media, multipart_media) {
            (Some(json), _, _) => (json, ContentType::Json),
            (None, Some(form), _) => (form, ContentType::Form),
            (None, None, Some(multipart)) => (multipart, ContentType::Multipart),
            _ => {
                let (content_type, media_type) = self.raw_media(content, &format!("{pointer}/content"), "sent");
                return Some(RequestDef {
                    body: raw_body_type(content_type),
                    content_type: Some(content_type),
                    media_type,
                    required: (body.field("required") != Some(&Value::Bool(true))).then_some(false),
                    object_parts: None,
                    stream: None,
                });
            }
        };
        let others: Vec<&String> = content.keys().filter(|k| *k != media.0).collect();
        if !others.is_empty() {
            self.warn(&format!("{pointer}/content"), format!("only `{}` is kept; also offered: {others:?}", media.0));
        }
        let media_pointer = format!("{pointer}/content/{}", escape(media.0));
        let schema = media.1.field("schema")?;
        // An inline object body becomes a model named after the operation, so the generated
        // request type has a readable name.
        let converted = match self.schema(schema, &format!("{media_pointer}/schema"), 0) {
            TypeRef::Inline(schema) if schema.type_name.as_deref() == Some("object") => {
                let model = self.fresh_model_name(&format!("{operation}_request"));
                self.models.insert(model.clone(), *schema);
                TypeRef::Name(model)
            }
            other => other,
        };
        let mut object_parts = None;
        if content_type == ContentType::Multipart {
            // One part per property: the body must be an object model.
            let is_object = match &converted {
                TypeRef::Name(name) => {
                    self.models.get(name).is_some_and(|model| !model.properties.is_empty() && model.one_of.is_empty())
                }
                TypeRef::Inline(_) => false,
            };
            if !is_object {
                self.warn(
                    &format!("{media_pointer}/schema"),
                    "a multipart body that is not an object with properties cannot be sent part by part; the body is dropped",
                );
                return None;
            }
            // OpenAPI's Encoding Object: `style: deepObject` (Stripe) sends an object as
            // `name[key]` text parts; the default sends it as one application/json part.
            let deep = media.1.field("encoding").and_then(Value::as_object).is_some_and(|encoding| {
                encoding.values().any(|e| e.field("style").and_then(Value::as_str) == Some("deepObject"))
            });
            if deep {
                object_parts = Some(ObjectParts::Brackets);
            }
        }
        Some(RequestDef {
            body: converted,
            // JSON is the default, left unsaid.
            content_type: match content_type {
                ContentType::Json => None,
                ContentType::Form | ContentType::Multipart | ContentType::Text | ContentType::Binary => {
                    Some(content_type)
                }
            },
            media_type: None,
            required: (body.field("required") != Some(&Value::Bool(true))).then_some(false),
            object_parts,
            stream: None,
        })
    }

    /// The encoding and media type of a body of none of the media types JSON, form or
    /// multipart (`content` is its Content map, at `pointer`): `text` when the first media
    /// type is text, else `binary`; media types of the other kind are reported as not kept,
    /// and a schema other than a string's as not applied (the body is `sent` or `read` as it
    /// is).
    fn raw_media(
        &mut self,
        content: &'a serde_json::Map<String, Value>,
        pointer: &str,
        verb: &str,
    ) -> (ContentType, Option<String>) {
        let first = content.keys().next().map(String::as_str).unwrap_or("*/*");
        let content_type = raw_content_type(first);
        let (kept, others): (Vec<&String>, Vec<&String>) =
            content.keys().partition(|media| raw_content_type(media) == content_type);
        if !others.is_empty() {
            self.warn(pointer, format!("only `{first}` ({content_type}) is kept; also offered: {others:?}"));
        }
        for media in &kept {
            let schema = content.get(*media).and_then(|m| m.field("schema"));
            let schema = schema.and_then(|schema| self.deref(schema, pointer)).map(|(schema, _)| schema);
            let stringly = schema.is_none_or(|schema| {
                schema.field("type").is_none_or(|t| t == "string") && schema.field("properties").is_none()
            });
            if !stringly && is_xml(media) {
                self.tally(super::tallies::Tally::XmlBodyAsText, &format!("{pointer}/{}/schema", escape(media)));
            } else if !stringly {
                self.warn(
                    &format!("{pointer}/{}/schema", escape(media)),
                    format!("`{media}` bodies are {verb} as {content_type}; their schema is not applied"),
                );
            }
        }
        (content_type, raw_media_type(&kept, content_type))
    }

    /// (responses, error code names, success response header names).
    fn responses(
        &mut self,
        operation: &'a Value,
        pointer: &str,
        name: &str,
    ) -> (IndexMap<String, ResponseRef>, Vec<String>, Vec<String>) {
        let mut responses = IndexMap::new();
        let mut errors = Vec::new();
        let mut success_headers = Vec::new();
        let Some(declared) = operation.field("responses").and_then(Value::as_object) else {
            self.warn(pointer, "no responses declared; a 200 without a body is assumed");
            responses.insert("200".into(), described("No response declared."));
            return (responses, errors, success_headers);
        };
        let has_success = declared.keys().any(|k| k.starts_with('2'));
        for (status_key, response) in declared {
            let at = format!("{pointer}/responses/{}", escape(status_key));
            // OpenAPI writes ranges with an upper-case `X`; `4xx` is read leniently.
            let status = match StatusPattern::parse(&status_key.to_ascii_uppercase())
                .or_else(|| StatusPattern::parse(status_key))
            {
                Some(StatusPattern::Default) if !has_success => {
                    self.warn(&at, "`default` is the only success response: mapped to 200");
                    StatusPattern::Exact(200)
                }
                Some(status) => status,
                None => {
                    self.warn(&at, format!("`{status_key}` is not a status; dropped"));
                    continue;
                }
            };
            let Some((response, at)) = self.deref(response, &at) else { continue };
            let success_side = match status {
                StatusPattern::Exact(status) => status < 400,
                StatusPattern::Range(class) => class < 4,
                StatusPattern::Default => false,
            };
            // An error code's body is JSON: an error response that offers none (S3's XML
            // `Error`, a text page) keeps its status, its body undecoded; counted once per
            // document (`tallies`), as XML request and success bodies are.
            let undecoded = response
                .field("content")
                .and_then(Value::as_object)
                .filter(|content| !success_side && !content.is_empty() && !has_json_body(content));
            let (body, content_type, media_type) = if let Some(content) = undecoded {
                let first = content.keys().next().map(|media| escape(media)).unwrap_or_default();
                self.tally(super::tallies::Tally::ErrorBodyNotJson, &format!("{at}/content/{first}"));
                (None, ContentType::Json, None)
            } else {
                match self.response_body(response, &at) {
                    Some((body, content_type, media_type)) => (Some(body), content_type, media_type),
                    None => (None, ContentType::Json, None),
                }
            };
            let description = response.field("description").and_then(Value::as_str).map(str::trim).unwrap_or("");
            let mut header_names = Vec::new();
            if let Some(headers) = response.field("headers").and_then(Value::as_object) {
                for header in headers.keys() {
                    header_names.push(header.clone());
                    self.note_rate_limit_header(header);
                }
            }
            if success_side {
                let headers = header_names.iter().map(|h| (h.clone(), TypeRef::Name("string".into()))).collect();
                success_headers.extend(header_names);
                let response = ResponseDef {
                    body,
                    content_type: (content_type != ContentType::Json).then_some(content_type),
                    media_type,
                    description: (!description.is_empty()).then(|| description.to_string()),
                    headers,
                    stream: None,
                    max_bytes: None,
                };
                responses.insert(status.to_string(), ResponseRef::Full(response));
            } else {
                let body = body.filter(|_| content_type == ContentType::Json);
                let code = self.error_code(status, body, description, name);
                if !errors.contains(&code) {
                    errors.push(code);
                }
            }
        }
        if !responses.keys().any(|k| k.starts_with('2')) {
            self.warn(&format!("{pointer}/responses"), "no success response declared; a 200 without a body is assumed");
            responses.insert("200".into(), described("No success response declared."));
        }
        (responses, errors, success_headers)
    }

    /// The body of a response: JSON (or `*/*` with a schema) by its schema, else read as it
    /// is (`text` or `binary`, with its media type); `None` without content.
    fn response_body(&mut self, response: &'a Value, pointer: &str) -> Option<(TypeRef, ContentType, Option<String>)> {
        let content = response.field("content").and_then(Value::as_object).filter(|c| !c.is_empty())?;
        let json = content
            .iter()
            .find(|(media, _)| is_json(media))
            .or_else(|| content.iter().find(|(media, v)| (media.as_str() == "*/*") && v.field("schema").is_some()));
        match json {
            Some((media, value)) => {
                // A JSON response without a schema: any JSON.
                let body = match value.field("schema") {
                    Some(schema) => self.schema(schema, &format!("{pointer}/content/{}/schema", escape(media)), 0),
                    None => any(),
                };
                Some((body, ContentType::Json, None))
            }
            None => {
                let (content_type, media_type) = self.raw_media(content, &format!("{pointer}/content"), "read");
                Some((raw_body_type(content_type), content_type, media_type))
            }
        }
    }

    /// The error code of a status, noting the body it came with (hoisted as a model when
    /// inline); returns the code's name.
    fn error_code(
        &mut self,
        status: StatusPattern,
        body: Option<TypeRef>,
        description: &str,
        operation: &str,
    ) -> String {
        let body_model = match body {
            Some(TypeRef::Name(name)) if self.is_model(&name) => Some(name),
            Some(body) if body != any() => {
                let model = self.fresh_model_name(&format!("{operation}_error_{status}"));
                self.models.insert(model.clone(), into_schema(body));
                Some(model)
            }
            _ => None,
        };
        let entry = self.error_codes.entry(status).or_insert_with(|| ErrorCodeDraft {
            name: status_pattern_name(status),
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

    /// The spec's `errors`: every status seen, and as `body` the envelope most of them use.
    pub(super) fn errors(&mut self) -> Option<Errors> {
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
                let body = Schema {
                    description: Some("The document declares no error body; any JSON.".into()),
                    additional_properties: Some(AdditionalProperties::Any(true)),
                    ..typed("object")
                };
                self.models.insert(model.clone(), body);
                model
            }
        };
        let mut codes = IndexMap::new();
        for (status, draft) in &self.error_codes {
            let body = draft
                .bodies
                .iter()
                .max_by_key(|(_, count)| **count)
                .map(|(model, _)| model)
                .filter(|model| **model != envelope)
                .cloned();
            let code = ErrorCode {
                status: StatusSet::One(*status),
                retry: retry_for_pattern(*status, self.oauth2),
                when: None,
                match_value: None,
                body,
                description: draft.description.clone(),
                resolution: None,
            };
            codes.insert(draft.name.clone(), code);
        }
        Some(Errors { body: Some(envelope), code_field: None, codes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_media_types_are_text_or_bytes_and_keep_their_name() {
        for text in
            ["text/csv", "text/plain; charset=utf-8", "application/xml", "application/atom+xml", "application/x-yaml"]
        {
            assert_eq!(raw_content_type(text), ContentType::Text, "{text}");
        }
        for binary in ["application/octet-stream", "image/png", "application/pdf", "*/*", "application/zip"] {
            assert_eq!(raw_content_type(binary), ContentType::Binary, "{binary}");
        }
        let media = |names: &[&str], content_type| {
            let owned: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            raw_media_type(&owned.iter().collect::<Vec<_>>(), content_type)
        };
        assert_eq!(media(&["text/csv; charset=utf-8"], ContentType::Text).as_deref(), Some("text/csv"));
        assert_eq!(media(&["image/png", "image/jpeg"], ContentType::Binary).as_deref(), Some("image/*"));
        // The content type's own media type, none, or no common type: nothing to say.
        assert_eq!(media(&["text/plain"], ContentType::Text), None);
        assert_eq!(media(&["*/*"], ContentType::Binary), None);
        assert_eq!(media(&["image/png", "application/pdf"], ContentType::Binary), None);
    }
}
