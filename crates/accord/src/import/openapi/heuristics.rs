//! What the document does not say and the importer infers: pagination where a heuristic is
//! reliable (a suggestion, as a warning, where it is not), rate-limit response headers, and
//! names (spec, models, error codes) and retry strategies.

use std::collections::BTreeSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::{Importer, escape};
use crate::check::spec_name::{MAX_SPEC_NAME_LEN, reserved};
use crate::spec::{
    CursorPagination, NextUrlPagination, PagePagination, Pagination, RateLimitHeaders, ResponseRef, RetryStrategy,
    StatusPattern, TypeRef,
};

/// A snake_case name (`Test API` → `test_api`), prefixed where it would not start with a
/// letter.
pub(super) fn snake(text: &str) -> String {
    let mut out = text.to_snake_case().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>();
    if !out.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        out.insert_str(0, "api_");
    }
    out
}

/// A spec name `check` accepts from any text (a file name, a title): snake_case, starting with
/// a letter, at most [`MAX_SPEC_NAME_LEN`] bytes (check's own limit), no `__` (which would
/// collide with `_` in a crate name), no trailing `_`, and not a name `check` reserves
/// (`docs`, `index`, …: `api_` goes before it).
pub(super) fn spec_name(text: &str) -> String {
    let snake = snake(text);
    let mut out = String::with_capacity(snake.len());
    for c in snake.chars() {
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    out.truncate(MAX_SPEC_NAME_LEN);
    let trimmed = out.trim_end_matches('_');
    match trimmed {
        "" => "api".into(),
        reserved_name if reserved(reserved_name).is_some() => format!("api_{reserved_name}"),
        name => name.to_string(),
    }
}

/// A readable error-code name for a status (RFC 9110 §15 reason phrases).
pub(super) fn status_name(status: u16) -> String {
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
pub(super) fn retry_for(status: u16, refreshable: bool) -> RetryStrategy {
    match status {
        429 => RetryStrategy::AfterHeader,
        500 | 502 | 503 | 504 => RetryStrategy::Backoff,
        401 if refreshable => RetryStrategy::RefreshAuth,
        _ => RetryStrategy::Never,
    }
}

/// The retry strategy of an error status, range or `default`: a status's as
/// [`retry_for`]; `5XX` backs off (any server error, as the runtime treats undeclared 5xx);
/// `4XX` and `default` are not retried: a client error needs a changed request, and a
/// catch-all says nothing of why the request failed (RFC 9110 §15 gives no status class a
/// retry rule).
pub(super) fn retry_for_pattern(status: StatusPattern, refreshable: bool) -> RetryStrategy {
    match status {
        StatusPattern::Exact(status) => retry_for(status, refreshable),
        StatusPattern::Range(5) => RetryStrategy::Backoff,
        StatusPattern::Range(_) | StatusPattern::Default => RetryStrategy::Never,
    }
}

/// The error code name of a status, range or `default`: a status's as [`status_name`];
/// ranges by RFC 9110's class names (§15.5 "Client Error 4xx", §15.6 "Server Error 5xx");
/// `DEFAULT` for OpenAPI's `default` response.
pub(super) fn status_pattern_name(status: StatusPattern) -> String {
    match status {
        StatusPattern::Exact(status) => status_name(status),
        StatusPattern::Range(4) => "CLIENT_ERROR".into(),
        StatusPattern::Range(5) => "SERVER_ERROR".into(),
        StatusPattern::Range(class) => format!("HTTP_{class}XX"),
        StatusPattern::Default => "DEFAULT".into(),
    }
}

/// The properties of a success body, where pagination is looked for: a component schema's
/// as the document writes them (`$ref`s and one level of `allOf` followed), or an inline
/// body's as converted.
enum BodyProperties<'b> {
    Document(Map<String, Value>),
    Converted(&'b IndexMap<String, TypeRef>),
}

impl BodyProperties<'_> {
    fn contains(&self, name: &str) -> bool {
        match self {
            BodyProperties::Document(properties) => properties.contains_key(name),
            BodyProperties::Converted(properties) => properties.contains_key(name),
        }
    }

    /// The first property typed `array` in place (not through a `$ref` or model name).
    fn first_array(&self) -> Option<String> {
        match self {
            BodyProperties::Document(properties) => properties
                .iter()
                .find(|(_, schema)| schema.get("type").and_then(Value::as_str) == Some("array"))
                .map(|(name, _)| name.clone()),
            BodyProperties::Converted(properties) => {
                properties.iter().find(|(_, schema)| is_inline_array(schema)).map(|(name, _)| name.clone())
            }
        }
    }

    /// The properties that are lists (through a `$ref` too, in the document).
    fn lists(&self, importer: &Importer<'_>) -> Vec<String> {
        match self {
            BodyProperties::Document(properties) => properties
                .iter()
                .filter(|(_, schema)| importer.is_list_schema(schema))
                .map(|(name, _)| name.clone())
                .collect(),
            BodyProperties::Converted(properties) => {
                properties.iter().filter(|(_, schema)| is_inline_array(schema)).map(|(name, _)| name.clone()).collect()
            }
        }
    }

    /// Whether the items of the list property `name` are objects with an `id`.
    fn items_have_id(&self, importer: &Importer<'_>, name: &str) -> bool {
        match self {
            BodyProperties::Document(properties) => properties
                .get(name)
                .and_then(|list| list.get("items"))
                .and_then(|items| importer.schema_properties(items))
                .is_some_and(|item| item.contains_key("id")),
            BodyProperties::Converted(properties) => match properties.get(name) {
                Some(TypeRef::Inline(list)) => {
                    matches!(&list.items, Some(TypeRef::Inline(item)) if item.properties.contains_key("id"))
                }
                _ => false,
            },
        }
    }
}

/// Whether a converted type is an inline `array` schema.
fn is_inline_array(schema: &TypeRef) -> bool {
    matches!(schema, TypeRef::Inline(schema) if schema.type_name.as_deref() == Some("array"))
}

impl<'a> Importer<'a> {
    /// The model name of a component schema: UpperCamelCase, not a primitive's name, unique
    /// regardless of case.
    pub(super) fn unique_model_name(&self, key: &str, taken: &mut BTreeSet<String>) -> String {
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
    pub(super) fn fresh_model_name(&self, base: &str) -> String {
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

    /// Notes a response header that reports a rate limit (`X-RateLimit-Limit`, …); the first
    /// name seen for each of limit, remaining and reset is kept.
    pub(super) fn note_rate_limit_header(&mut self, header: &str) {
        let lower = header.to_ascii_lowercase();
        let headers = || RateLimitHeaders { limit: None, remaining: None, reset: None };
        let slot = if lower.ends_with("ratelimit-limit") {
            &mut self.rate_limit_headers.get_or_insert_with(headers).limit
        } else if lower.ends_with("ratelimit-remaining") {
            &mut self.rate_limit_headers.get_or_insert_with(headers).remaining
        } else if lower.ends_with("ratelimit-reset") {
            &mut self.rate_limit_headers.get_or_insert_with(headers).reset
        } else {
            return;
        };
        slot.get_or_insert_with(|| header.to_string());
    }

    /// Pagination where a heuristic is reliable; a suggestion (warning) where it is not. What
    /// is declared is what `check` accepts ([`crate::check::pagination_problem`], against the
    /// models converted so far, which the body's are): a heuristic whose items or next-page
    /// pointer the converted body does not have is a warning instead.
    pub(super) fn pagination(
        &mut self,
        query: &IndexMap<String, TypeRef>,
        responses: &IndexMap<String, ResponseRef>,
        headers: &[String],
        pointer: &str,
    ) -> Option<Pagination> {
        let pagination = self.guess_pagination(query, responses, headers, pointer)?;
        match crate::check::pagination_problem(&pagination, responses, &self.models) {
            None => Some(pagination),
            Some((_, problem)) => {
                let style = match &pagination {
                    Pagination::Cursor(cursor) => format!("a `{}` cursor", cursor.param),
                    Pagination::Page(page) => format!("`{}` and `Link`", page.param),
                    Pagination::NextUrl(next_url) => format!("a next-page URL at `{}`", next_url.next),
                };
                self.warn(pointer, format!("looks paginated by {style}, but {problem}; add `pagination` by hand"));
                None
            }
        }
    }

    /// The pagination a heuristic finds, before `check`'s rule is applied.
    fn guess_pagination(
        &mut self,
        query: &IndexMap<String, TypeRef>,
        responses: &IndexMap<String, ResponseRef>,
        headers: &[String],
        pointer: &str,
    ) -> Option<Pagination> {
        let success = responses.iter().find(|(k, _)| k.starts_with('2')).map(|(_, v)| v)?;
        let body = match success {
            ResponseRef::Full(response) => response.body.clone(),
            ResponseRef::Short(model) => Some(TypeRef::Name(model.clone())),
        };
        let properties = body.as_ref().and_then(|b| self.properties_of(b));
        let has_query = |name: &str| query.contains_key(name);
        let array_property = properties.as_ref().and_then(BodyProperties::first_array);
        // GitHub: `page` (+ `per_page`) and a `Link` response header (RFC 8288).
        if has_query("page") && headers.iter().any(|h| h.eq_ignore_ascii_case("link")) {
            // The items: the body itself when it is a list, else its one list property.
            let body_is_list = body.as_ref().is_some_and(|b| self.is_list(b));
            let items = if body_is_list {
                None
            } else {
                let lists = properties.as_ref().map(|props| props.lists(self)).unwrap_or_default();
                if lists.len() != 1 {
                    self.warn(pointer, "paginated by `page` and `Link`, but which list holds the items is not certain; add `pagination` by hand");
                    return None;
                }
                Some(format!("/{}", lists[0]))
            };
            return Some(Pagination::Page(PagePagination {
                param: "page".into(),
                size_param: has_query("per_page").then(|| "per_page".into()),
                link_header: true,
                items,
            }));
        }
        if let Some(props) = &properties {
            // Stripe: `starting_after` with a `has_more` flag and a `data` list.
            if has_query("starting_after") && props.contains("has_more") && props.contains("data") {
                if props.items_have_id(self, "data") {
                    return Some(Pagination::Cursor(CursorPagination {
                        param: "starting_after".into(),
                        next: "/id".into(),
                        from_last_item: true,
                        has_more: Some("/has_more".into()),
                        items: Some("/data".into()),
                    }));
                }
                self.warn(pointer, "paginated by `starting_after`, but the listed objects have no single `id` to continue from; add `pagination` by hand");
                return None;
            }
            // Twilio: `next_page_uri` in the body.
            if props.contains("next_page_uri") {
                return Some(Pagination::NextUrl(NextUrlPagination {
                    next: "/next_page_uri".into(),
                    items: array_property.map(|items| format!("/{items}")),
                }));
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
    fn is_list(&self, body: &TypeRef) -> bool {
        match body {
            TypeRef::Name(name) => self
                .model_names
                .iter()
                .find(|(_, model)| *model == name)
                .and_then(|(component, _)| self.document.pointer(&format!("/components/schemas/{}", escape(component))))
                .is_some_and(|schema| self.is_list_schema(schema)),
            TypeRef::Inline(schema) => schema.type_name.as_deref() == Some("array"),
        }
    }

    /// Whether an OpenAPI schema (possibly a `$ref`) is an array.
    fn is_list_schema(&self, schema: &Value) -> bool {
        let schema = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => self.resolve(reference).unwrap_or(schema),
            None => schema,
        };
        schema.get("type").and_then(Value::as_str) == Some("array")
            || schema.get("type").and_then(Value::as_array).is_some_and(|t| t.iter().any(|t| t == "array"))
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
    fn properties_of<'b>(&self, body: &'b TypeRef) -> Option<BodyProperties<'b>> {
        match body {
            TypeRef::Name(name) => {
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
                Some(BodyProperties::Document(props))
            }
            TypeRef::Inline(schema) if !schema.properties.is_empty() => {
                Some(BodyProperties::Converted(&schema.properties))
            }
            TypeRef::Inline(_) => None,
        }
    }
}
