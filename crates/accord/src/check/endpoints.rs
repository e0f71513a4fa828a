//! Checks of `endpoints`: names, paths and their parameters, one endpoint per route,
//! responses, error codes, rate limits, idempotency, pagination and multipart bodies.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use super::models::Position;
use super::{Checker, is_json_pointer, is_snake_name};
use crate::diag::{codes, did_you_mean, join_pointer};
use crate::spec::*;

/// Splits a path template into its `{name}` parameters, or says what is wrong with it.
pub fn path_parameters(path: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(format!("unclosed `{{` in path `{path}`"));
        };
        let name = &after[..close];
        if name.is_empty() || name.contains('{') {
            return Err(format!("empty or nested parameter in path `{path}`"));
        }
        names.push(name.to_string());
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err(format!("unmatched `}}` in path `{path}`"));
    }
    Ok(names)
}

/// Whether `text` is a media type without parameters, `type/subtype` (RFC 6838 §4.2: each a
/// restricted name of letters, digits and ``!#$&-^_.+``), the subtype possibly `*`
/// (`image/*`, as OpenAPI's media type ranges).
pub fn is_media_type(text: &str) -> bool {
    let restricted = |name: &str| {
        !name.is_empty()
            && name.len() <= 127
            && name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    match text.split_once('/') {
        Some((kind, subtype)) => restricted(kind) && (subtype == "*" || restricted(subtype)),
        None => false,
    }
}

/// Why `check` refuses `pagination` (`spec::bad_pagination`) on an endpoint with these
/// `responses`, given the spec's `models`: the JSON pointer below the endpoint where it is
/// wrong (`/pagination/next_url/items`, …) and what is wrong; `None` when it is accepted.
/// The items must lead to an array in the first 2xx response's body (the body itself when
/// `items` is absent), and `next` to a property of the body (or of an item of the list,
/// with `from_last_item`). `accord import openapi` declares only what this accepts.
pub fn pagination_problem(
    pagination: &Pagination,
    responses: &IndexMap<String, ResponseRef>,
    models: &IndexMap<String, Schema>,
) -> Option<(String, String)> {
    let success = responses.iter().find_map(|(status, response)| {
        if !status.starts_with('2') {
            return None;
        }
        match response {
            ResponseRef::Short(name) => Some(TypeRef::Name(name.clone())),
            ResponseRef::Full(full) => full.body.clone(),
        }
    });
    let (style, items, next, from_last_item) = match pagination {
        Pagination::Cursor(cursor) => ("cursor", &cursor.items, Some(&cursor.next), cursor.from_last_item),
        Pagination::Page(page) => ("page", &page.items, None, false),
        Pagination::NextUrl(next_url) => ("next_url", &next_url.items, Some(&next_url.next), false),
        Pagination::Offset(offset) => ("offset", &offset.items, None, false),
        Pagination::Link(link) => ("link", &link.items, None, false),
    };
    let Some(success) = success else {
        return Some(("/pagination".into(), "a paginated endpoint needs a 2xx response with a body".into()));
    };
    let key_pointer = |key: &str| format!("/pagination/{style}/{key}");
    if let Pagination::Offset(offset) = pagination
        && let Some(total) = &offset.total
        && super::models::follow(models, &success, total).is_none()
    {
        return Some((key_pointer("total"), format!("`{total}` does not lead to a property of the response body")));
    }
    let list = super::models::follow(models, &success, items.as_deref().unwrap_or(""));
    match list {
        Some(list) if super::models::is_array(models, list) => next.and_then(|next| {
            let source = if from_last_item {
                super::models::schema_of(models, list).and_then(|s| s.items.as_ref())
            } else {
                Some(&success)
            };
            if source.and_then(|source| super::models::follow(models, source, next)).is_some() {
                return None;
            }
            let inside = if from_last_item { "an item of the list" } else { "the response body" };
            Some((key_pointer("next"), format!("`{next}` does not lead to a property of {inside}")))
        }),
        _ => Some(match items {
            Some(items) => (key_pointer("items"), format!("`{items}` does not lead to an array in the response body")),
            None => (
                format!("/pagination/{style}"),
                "the response body is not an array; say where the items are with `items`".into(),
            ),
        }),
    }
}

impl Checker<'_> {
    pub(super) fn endpoints(&mut self) {
        // (method, route shape) → the endpoints on it so far, with their fixed values.
        let mut routes: BTreeMap<(String, String), Vec<(&String, super::routing::RouteKeys)>> = BTreeMap::new();
        let codes: Vec<String> =
            self.spec.errors.as_ref().map(|e| e.codes.keys().cloned().collect()).unwrap_or_default();
        for (name, endpoint) in &self.spec.endpoints {
            let pointer = join_pointer("/endpoints", name);
            if !is_snake_name(name) {
                self.report_at_key(
                    codes::spec::BAD_NAME,
                    &pointer,
                    format!("endpoint name `{name}` is not snake_case"),
                )
                .help = Some(format!("write `{}`", crate::names::bare(&crate::names::snake(name))));
            }
            if !endpoint.path.starts_with('/') {
                self.report(
                    codes::spec::BAD_PATH,
                    &format!("{pointer}/path"),
                    format!("path `{}` must start with `/`", endpoint.path),
                );
            }
            // Two endpoints on one route would be indistinguishable to the server.
            let route_shape = endpoint
                .path
                .split('/')
                .map(|segment| if segment.starts_with('{') { "{}" } else { segment })
                .collect::<Vec<_>>()
                .join("/");
            let method = format!("{:?}", endpoint.method).to_uppercase();
            // Unless fixed values (`fixed`) or a required query key tell them apart.
            let keys = super::routing::RouteKeys::of(endpoint);
            let on_route = routes.entry((method.clone(), route_shape)).or_default();
            if let Some((first, _)) = on_route.iter().find(|(_, other)| !super::routing::told_apart(other, &keys)) {
                self.report_at_key(
                    codes::spec::DUPLICATE_ENDPOINT,
                    &pointer,
                    format!("endpoint `{name}` has the same method and path as `{first}` ({method} {})", endpoint.path),
                )
                .help = Some(
                    "each endpoint needs its own method and path, or a `fixed` header or query value, or a required query parameter the other does not declare, that tells it apart"
                        .into(),
                );
            }
            on_route.push((name, keys));
            match path_parameters(&endpoint.path) {
                Err(message) => {
                    self.report(codes::spec::BAD_PATH, &format!("{pointer}/path"), message);
                }
                Ok(used) => {
                    for parameter in &used {
                        if !endpoint.path_params.contains_key(parameter) {
                            self.report(
                                codes::spec::UNDECLARED_PATH_PARAM,
                                &format!("{pointer}/path"),
                                format!("path parameter `{parameter}` is not declared in `path_params`"),
                            )
                            .help = Some(format!("add `path_params: {{ {parameter}: string }}`"));
                        }
                    }
                    for declared in endpoint.path_params.keys() {
                        if !used.contains(declared) {
                            let hint = did_you_mean(declared, used.iter().map(String::as_str));
                            self.report_at_key(
                                codes::spec::UNUSED_PATH_PARAM,
                                &join_pointer(&format!("{pointer}/path_params"), declared),
                                format!("path parameter `{declared}` does not appear in path `{}`", endpoint.path),
                            )
                            .help = hint;
                        }
                    }
                }
            }
            for (group, location, parameters) in [
                ("path_params", ParamLocation::Path, &endpoint.path_params),
                ("query", ParamLocation::Query, &endpoint.query),
                ("headers", ParamLocation::Header, &endpoint.headers),
            ] {
                for (parameter, type_ref) in parameters {
                    let parameter_pointer = join_pointer(&format!("{pointer}/{group}"), parameter);
                    self.type_ref(type_ref, &parameter_pointer, Position::Parameter);
                    self.param_style(type_ref, &parameter_pointer, location);
                }
            }
            self.fixed_values(endpoint, &pointer);
            if let Some(request) = &endpoint.request {
                let request_pointer = format!("{pointer}/request");
                self.type_ref(&request.body, &format!("{request_pointer}/body"), Position::Body);
                self.multipart_body(request, &request_pointer);
                let content_type = request.content_type.unwrap_or_default();
                self.raw_body(content_type, Some(&request.body), request.media_type.as_deref(), &request_pointer);
            }
            let mut success = 0;
            for (status, response) in &endpoint.responses {
                let response_pointer = join_pointer(&format!("{pointer}/responses"), status);
                match StatusPattern::parse(status) {
                    Some(pattern @ (StatusPattern::Exact(_) | StatusPattern::Range(_))) => {
                        if pattern.is_success() {
                            success += 1;
                        }
                    }
                    Some(StatusPattern::Default) => {
                        self.report_at_key(
                            codes::spec::BAD_STATUS,
                            &response_pointer,
                            "`default` is not a response status".into(),
                        )
                        .help = Some(
                            "declare the success statuses here; for every other status declare an error code with `status: default`"
                                .into(),
                        );
                    }
                    None => {
                        self.report_at_key(
                            codes::spec::BAD_STATUS,
                            &response_pointer,
                            format!("`{status}` is not an HTTP status code"),
                        )
                        .help = Some("write a status from 100 to 599, or a range `1XX` to `5XX`".into());
                    }
                }
                match response {
                    ResponseRef::Short(model) => self.type_name(model, &response_pointer, false),
                    ResponseRef::Full(definition) => {
                        if let Some(body) = &definition.body {
                            self.type_ref(body, &format!("{response_pointer}/body"), Position::Body);
                        }
                        self.response_content_type(definition, &response_pointer);
                    }
                }
            }
            if success == 0 {
                self.report(
                    codes::spec::NO_SUCCESS_RESPONSE,
                    &pointer,
                    format!("endpoint `{name}` declares no 2xx response"),
                )
                .help = Some("add e.g. `responses: { \"200\": Order }`".into());
            }
            for (index, code) in endpoint.errors.iter().enumerate() {
                if !codes.contains(code) {
                    let hint = did_you_mean(code, codes.iter().map(String::as_str));
                    self.report(
                        codes::spec::UNKNOWN_ERROR_CODE,
                        &format!("{pointer}/errors/{index}"),
                        format!("unknown error code `{code}`"),
                    )
                    .help = hint.or(Some("declare it under `errors.codes`".into()));
                }
            }
            if let Some(limit) = &endpoint.rate_limit {
                self.rate(limit, &format!("{pointer}/rate_limit"));
            }
            if let Some(idempotency) = &endpoint.idempotency
                && let Some(retention) = &idempotency.retention
            {
                self.duration(retention, &format!("{pointer}/idempotency/retention"));
            }
            self.pagination_pointers(endpoint, &pointer);
            match &endpoint.pagination {
                Some(Pagination::Cursor(cursor)) => {
                    if !endpoint.query.contains_key(&cursor.param) {
                        self.report(
                            codes::spec::UNKNOWN_PARAM,
                            &format!("{pointer}/pagination/cursor/param"),
                            format!("pagination parameter `{}` is not a declared query parameter", cursor.param),
                        );
                    }
                    for (key, value) in [
                        ("next", Some(&cursor.next)),
                        ("has_more", cursor.has_more.as_ref()),
                        ("items", cursor.items.as_ref()),
                    ] {
                        if let Some(value) = value
                            && !is_json_pointer(value)
                        {
                            self.report(
                                codes::spec::BAD_POINTER,
                                &format!("{pointer}/pagination/cursor/{key}"),
                                format!("`{value}` is not a JSON pointer"),
                            )
                            .help = Some(super::pointer_help(value));
                        }
                    }
                }
                Some(Pagination::NextUrl(next_url)) => {
                    for (key, value) in [("next", Some(&next_url.next)), ("items", next_url.items.as_ref())] {
                        if let Some(value) = value
                            && !is_json_pointer(value)
                        {
                            self.report(
                                codes::spec::BAD_POINTER,
                                &format!("{pointer}/pagination/next_url/{key}"),
                                format!("`{value}` is not a JSON pointer"),
                            )
                            .help = Some(super::pointer_help(value));
                        }
                    }
                }
                Some(Pagination::Page(page)) => {
                    for (key, param) in [("param", Some(&page.param)), ("size_param", page.size_param.as_ref())] {
                        if let Some(param) = param
                            && !endpoint.query.contains_key(param)
                        {
                            self.report(
                                codes::spec::UNKNOWN_PARAM,
                                &format!("{pointer}/pagination/page/{key}"),
                                format!("pagination parameter `{param}` is not a declared query parameter"),
                            );
                        }
                    }
                }
                Some(Pagination::Link(link)) => {
                    for (key, param) in [("param", Some(&link.param)), ("size_param", link.size_param.as_ref())] {
                        if let Some(param) = param
                            && !endpoint.query.contains_key(param)
                        {
                            self.report(
                                codes::spec::UNKNOWN_PARAM,
                                &format!("{pointer}/pagination/link/{key}"),
                                format!("pagination parameter `{param}` is not a declared query parameter"),
                            );
                        }
                    }
                    if let Some(items) = &link.items
                        && !is_json_pointer(items)
                    {
                        self.report(
                            codes::spec::BAD_POINTER,
                            &format!("{pointer}/pagination/link/items"),
                            format!("`{items}` is not a JSON pointer"),
                        );
                    }
                }
                Some(Pagination::Offset(offset)) => {
                    for (key, param) in [("param", Some(&offset.param)), ("limit_param", offset.limit_param.as_ref())] {
                        if let Some(param) = param
                            && !endpoint.query.contains_key(param)
                        {
                            self.report(
                                codes::spec::UNKNOWN_PARAM,
                                &format!("{pointer}/pagination/offset/{key}"),
                                format!("pagination parameter `{param}` is not a declared query parameter"),
                            );
                        }
                    }
                    for (key, value) in [("total", offset.total.as_ref()), ("items", offset.items.as_ref())] {
                        if let Some(value) = value
                            && !is_json_pointer(value)
                        {
                            self.report(
                                codes::spec::BAD_POINTER,
                                &format!("{pointer}/pagination/offset/{key}"),
                                format!("`{value}` is not a JSON pointer"),
                            )
                            .help = Some(super::pointer_help(value));
                        }
                    }
                }
                None => {}
            }
        }
    }

    /// Checks that pagination pointers lead into the success response's model.
    fn pagination_pointers(&mut self, endpoint: &crate::spec::Endpoint, pointer: &str) {
        let Some(pagination) = &endpoint.pagination else { return };
        if let Some((at, message)) = pagination_problem(pagination, &endpoint.responses, &self.spec.models) {
            self.report(codes::spec::BAD_PAGINATION, &format!("{pointer}{at}"), message);
        }
    }

    /// A response is read as JSON, text or bytes: `form` and `multipart` are request
    /// encodings.
    fn response_content_type(&mut self, response: &crate::spec::ResponseDef, pointer: &str) {
        let content_type = response.content_type.unwrap_or_default();
        match content_type {
            ContentType::Json | ContentType::Text | ContentType::Binary => {
                self.raw_body(content_type, response.body.as_ref(), response.media_type.as_deref(), pointer);
            }
            ContentType::Form | ContentType::Multipart => {
                self.report(
                    codes::spec::BAD_RESPONSE_CONTENT_TYPE,
                    &format!("{pointer}/content_type"),
                    format!("a response cannot be read as `{content_type}`"),
                )
                .help = Some("a response body is `json` (the default), `text` or `binary`".into());
            }
        }
    }

    /// A `text` or `binary` body is sent and read as it is, so its type is `string`, and only
    /// such a body names a `media_type`, which is `type/subtype` (RFC 6838 §4.2; the subtype
    /// may be `*`).
    fn raw_body(&mut self, content_type: ContentType, body: Option<&TypeRef>, media_type: Option<&str>, pointer: &str) {
        if content_type.is_raw() {
            let is_string = match body {
                Some(TypeRef::Name(name)) => name == "string",
                Some(TypeRef::Inline(schema)) => {
                    schema.type_name.as_deref() == Some("string")
                        && schema.properties.is_empty()
                        && schema.one_of.is_empty()
                        && schema.enum_values.is_empty()
                }
                None => false,
            };
            if !is_string {
                let at = if body.is_some() { format!("{pointer}/body") } else { pointer.to_string() };
                self.report(
                    codes::spec::RAW_BODY_NOT_STRING,
                    &at,
                    format!("a `{content_type}` body is sent and read as it is, so its type is `string`"),
                )
                .help = Some(match content_type {
                    ContentType::Binary => "write `body: { type: string, format: binary }`".into(),
                    _ => "write `body: string`".into(),
                });
            }
        }
        let Some(media_type) = media_type else { return };
        if !content_type.is_raw() {
            self.report(
                codes::spec::BAD_MEDIA_TYPE,
                &format!("{pointer}/media_type"),
                format!("`media_type` applies to `text` and `binary` bodies, not `{content_type}`"),
            )
            .help = Some("remove it, or set `content_type: text` or `content_type: binary`".into());
        } else if !is_media_type(media_type) {
            self.report(
                codes::spec::BAD_MEDIA_TYPE,
                &format!("{pointer}/media_type"),
                format!("`{media_type}` is not a media type"),
            )
            .help = Some("write `type/subtype`, e.g. `text/csv` or `image/png` (RFC 6838)".into());
        }
    }

    /// A `multipart` body is sent one part per field, so it must be an object with
    /// properties (a model or an inline schema); `object_parts` means something only there.
    fn multipart_body(&mut self, request: &crate::spec::RequestDef, pointer: &str) {
        let multipart = request.content_type == Some(ContentType::Multipart);
        if !multipart {
            if request.object_parts.is_some() {
                self.report(
                    codes::spec::OBJECT_PARTS_WITHOUT_MULTIPART,
                    &format!("{pointer}/object_parts"),
                    "`object_parts` applies to `content_type: multipart` bodies".into(),
                )
                .help = Some("remove it, or set `content_type: multipart`".into());
            }
            return;
        }
        let schema = match &request.body {
            TypeRef::Inline(schema) => Some(schema.as_ref()),
            TypeRef::Name(name) => self.spec.models.get(name),
        };
        // An unknown model name is reported by `type_ref` already.
        let unknown = matches!(&request.body, TypeRef::Name(name) if !self.spec.models.contains_key(name));
        let is_object = schema.is_some_and(|s| {
            !s.properties.is_empty() && s.one_of.is_empty() && s.type_name.as_deref().is_none_or(|t| t == "object")
        });
        if !unknown && !is_object {
            self.report(
                codes::spec::MULTIPART_BODY_NOT_OBJECT,
                &format!("{pointer}/body"),
                "a `multipart` body must be an object with `properties`: each property is sent as one part".into(),
            )
            .help = Some("name a model with `properties`, or write them inline under `body`".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_media_type;

    #[test]
    fn media_types_are_type_and_subtype() {
        for good in
            ["text/csv", "image/png", "image/*", "application/vnd.api+json", "application/x-www-form-urlencoded"]
        {
            assert!(is_media_type(good), "{good}");
        }
        for bad in ["png", "*/*", "text/", "/csv", "text/csv; charset=utf-8", "text csv/x", "image/p*"] {
            assert!(!is_media_type(bad), "{bad}");
        }
    }
}
