//! What the document does not say and the importer infers: pagination where a heuristic is
//! reliable (a suggestion, as a warning, where it is not), rate-limit response headers, and
//! names (spec, models, error codes) and retry strategies.

use std::collections::BTreeSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::{Importer, escape};
use crate::check::spec_name::{MAX_SPEC_NAME_LEN, reserved};
use crate::json_fields::Field;
use crate::spec::{
    CursorPagination, LinkPagination, NextUrlPagination, OffsetPagination, PagePagination, Pagination,
    RateLimitHeaders, ResponseRef, RetryStrategy, Schema, StatusPattern, TypeRef,
};

/// Query parameters that page through a `Link` header's `rel="next"` target: page numbers
/// (GitHub), Shopify's `page_info`, cursors (GitHub's webhook deliveries).
const LINK_PARAMS: &[&str] = &["page", "page_info", "cursor", "after", "since", "page_token", "pageToken"];
/// Page size parameters, recorded with page-number pagination.
const SIZE_PARAMS: &[&str] = &["per_page", "page_size", "pageSize", "limit"];
/// Body fields that hold the next page's URL: Twilio (`next_page_uri`, `meta.next_page_url`),
/// Azure and Microsoft Graph (`nextLink`, `@odata.nextLink`).
const NEXT_URL_FIELDS: &[&str] = &[
    "next_page_uri",
    "next_page_url",
    "nextPageUrl",
    "nextPageUri",
    "nextLink",
    "@odata.nextLink",
    "next_url",
    "nextUrl",
];
/// A cursor query parameter and the body fields that carry the next cursor, in order of
/// preference: Slack (`cursor` → `response_metadata.next_cursor`), Google APIs
/// (`pageToken` → `nextPageToken`), Box (`marker` → `next_marker`), Stripe search (`page` →
/// `next_page`), GraphQL-style page info (`after` → `endCursor`).
const CURSOR_PAIRS: &[(&str, &[&str])] = &[
    ("cursor", &["next_cursor", "nextCursor", "next"]),
    ("page_token", &["next_page_token"]),
    ("pageToken", &["nextPageToken"]),
    ("PageToken", &["next_page_token", "nextPageToken"]),
    ("after", &["next_cursor", "nextCursor", "after", "end_cursor", "endCursor"]),
    ("marker", &["next_marker", "nextMarker"]),
    ("next", &["next"]),
    ("page", &["next_page"]),
    ("continuation_token", &["next_continuation_token", "continuation_token"]),
    ("continuationToken", &["nextContinuationToken", "continuationToken"]),
];
/// Item offset parameters, and the page sizes and body totals that pair with them.
const OFFSET_PARAMS: &[&str] = &["offset", "skip", "start"];
const LIMIT_PARAMS: &[&str] = &["limit", "count", "page_size", "pageSize", "per_page", "top", "max_results"];
const TOTAL_FIELDS: &[&str] = &[
    "total_count",
    "totalCount",
    "total",
    "total_results",
    "totalResults",
    "total_entries",
    "totalItems",
    "total_items",
];
/// The conventional names of the list that holds a page's items, chosen when a body has
/// several lists and exactly one of them is named so.
const ITEM_LISTS: &[&str] = &["data", "items", "entries", "results", "records", "values", "elements"];
/// Page-number parameters.
const PAGE_PARAMS: &[&str] = &["page", "page_number", "pageNumber"];
/// Body fields that count pages or items, which make a page-number parameter pagination.
const PAGE_COUNT_FIELDS: &[&str] =
    &["total_pages", "totalPages", "page_count", "pageCount", "pages", "last_page", "lastPage"];
/// Query parameters that suggest pagination: where none of the shapes above pairs up, the
/// endpoint gets one warning naming the first found.
const PAGINATION_PARAMS: &[&str] = &[
    "cursor",
    "page_token",
    "pageToken",
    "after",
    "next",
    "offset",
    "page",
    "page_info",
    "PageToken",
    "marker",
    "continuation_token",
    "starting_after",
];

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
    /// Borrowed from the document, in the order a JSON object extended by each `allOf` part's
    /// properties would have them (a later part's property replaces the value in place): not
    /// a copy of the document's schemas, which was 8 % of the importer's time on Stripe's
    /// description (issue 22).
    Document(IndexMap<&'b str, &'b Value>),
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
                .find(|(_, schema)| schema.field("type").and_then(Value::as_str) == Some("array"))
                .map(|(name, _)| name.to_string()),
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
                .map(|(name, _)| name.to_string())
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
                .and_then(|list| list.field("items"))
                .and_then(|items| importer.schema_properties(items))
                .is_some_and(|item| item.contains_key("id")),
            BodyProperties::Converted(properties) => match properties.get(name) {
                Some(TypeRef::Inline(list)) => list
                    .items
                    .as_ref()
                    .and_then(|item| importer.converted_schema(item))
                    .is_some_and(|item| item.properties.contains_key("id")),
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
        let mut used_names = self.used_model_names.borrow_mut();
        let (known, used_names) = &mut *used_names;
        for (name, _) in self.models.get_range(*known..).into_iter().flatten() {
            used_names.insert(name.to_ascii_lowercase());
        }
        *known = self.models.len();
        let used = |name: &str| used_names.contains(&name.to_ascii_lowercase());
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
        let headers = || RateLimitHeaders {
            limit: None,
            remaining: None,
            reset: None,
            reset_unit: Default::default(),
            usage: None,
            ietf: false,
        };
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
                    Pagination::Offset(offset) => format!("an item offset `{}`", offset.param),
                    Pagination::Link(link) => format!("`Link` with a `{}` cursor", link.param),
                };
                self.warn(pointer, format!("looks paginated by {style}, but {problem}; add `pagination` by hand"));
                None
            }
        }
    }

    /// The pagination a heuristic finds, before `check`'s rule is applied; at most one
    /// warning where an endpoint looks paginated but nothing pairs up. The shapes, first
    /// match wins:
    /// - a `Link` response header (RFC 8288) with a page or cursor query parameter ([`LINK_PARAMS`]:
    ///   GitHub's `page`, Shopify's `page_info`, GitHub's `cursor`): the next page is the
    ///   link's `rel="next"` target, whatever it carries;
    /// - Stripe's `starting_after` with `has_more` and `data`: the cursor is the last item's `id`;
    /// - a next-page URL in the body ([`NEXT_URL_FIELDS`]: Twilio's `next_page_uri` and
    ///   `meta.next_page_url`, Azure's `nextLink`), at the top or one or two objects down;
    /// - a cursor query parameter paired with the body field that carries the next one
    ///   ([`CURSOR_PAIRS`]: `cursor` → `next_cursor` (Slack's `response_metadata.next_cursor`),
    ///   `page_token` → `next_page_token` (Google), `marker` → `next_marker` (Box), Stripe
    ///   search's `page` → `next_page`, …), with `has_more` when the body has it;
    /// - a `page` number with a page count or total in the body ([`PAGE_COUNT_FIELDS`]): page
    ///   numbers grow until a page is empty;
    /// - an item offset with a page size and a total in the body ([`OFFSET_PARAMS`],
    ///   [`LIMIT_PARAMS`], [`TOTAL_FIELDS`]): Box's `offset` + `limit` with `total_count`.
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
        let size_param = SIZE_PARAMS.iter().find(|name| has_query(name)).map(|name| (*name).to_string());
        let body_is_list = body.as_ref().is_some_and(|b| self.is_list(b));
        // The items: the body itself when it is a list, else its one list property.
        let items = |importer: &Self| -> Result<Option<String>, ()> {
            if body_is_list {
                return Ok(None);
            }
            // Lists of warnings or errors beside the items (Xero's `Warnings`) hold no items.
            let mut lists = properties.as_ref().map(|props| props.lists(importer)).unwrap_or_default();
            lists.retain(|list| !["warnings", "errors"].contains(&list.to_ascii_lowercase().as_str()));
            let conventional: Vec<String> =
                lists.iter().filter(|list| ITEM_LISTS.contains(&list.as_str())).cloned().collect();
            match (lists.as_slice(), conventional.as_slice()) {
                ([only], _) | (_, [only]) => Ok(Some(format!("/{}", escape(only)))),
                _ => Err(()),
            }
        };
        // GitHub: `page` (+ `per_page`) and a `Link` response header (RFC 8288); Shopify's
        // `page_info` and GitHub's `cursor` the same way.
        if headers.iter().any(|h| h.eq_ignore_ascii_case("link"))
            && let Some(param) = LINK_PARAMS.iter().find(|name| has_query(name))
        {
            let Ok(items) = items(self) else {
                self.warn(pointer, format!("paginated by `{param}` and `Link`, but which list holds the items is not certain; add `pagination` by hand"));
                return None;
            };
            // A page number counts; any other parameter is the server's own cursor, which only
            // the link carries (the `link` style).
            if PAGE_PARAMS.contains(param) {
                return Some(Pagination::Page(PagePagination {
                    param: (*param).to_string(),
                    size_param,
                    link_header: true,
                    items,
                }));
            }
            return Some(Pagination::Link(LinkPagination { param: (*param).to_string(), size_param, items }));
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
        }
        let body = body.as_ref()?;
        // A next-page URL in the body (Twilio's `next_page_uri`).
        if let Some(next) = self.find_field(body, NEXT_URL_FIELDS) {
            let items = items(self).ok().flatten().or_else(|| {
                properties.as_ref().and_then(BodyProperties::first_array).map(|list| format!("/{}", escape(&list)))
            });
            return Some(Pagination::NextUrl(NextUrlPagination { next, items }));
        }
        let looks_paginated = PAGINATION_PARAMS.iter().find(|name| has_query(name));
        // A cursor parameter and the body field that carries the next cursor.
        for (param, fields) in CURSOR_PAIRS {
            if !has_query(param) {
                continue;
            }
            let Some(next) = self.find_field(body, fields) else { continue };
            let Ok(items) = items(self) else {
                self.warn(pointer, format!("paginated by `{param}` and `{next}`, but which list holds the items is not certain; add `pagination` by hand"));
                return None;
            };
            let has_more =
                properties.as_ref().filter(|props| props.contains("has_more")).map(|_| "/has_more".to_string());
            return Some(Pagination::Cursor(CursorPagination {
                param: (*param).to_string(),
                next,
                from_last_item: false,
                has_more,
                items,
            }));
        }
        // Page numbers with a page count or total: the next page until one is empty.
        if let Some(param) = PAGE_PARAMS.iter().find(|name| has_query(name))
            && let Some(count) = self.find_field(body, PAGE_COUNT_FIELDS)
        {
            let Ok(items) = items(self) else {
                self.warn(pointer, format!("paginated by `{param}` and `{count}`, but which list holds the items is not certain; add `pagination` by hand"));
                return None;
            };
            return Some(Pagination::Page(PagePagination {
                param: (*param).to_string(),
                size_param,
                link_header: false,
                items,
            }));
        }
        // An item offset and a page size, with a total in the body (Box's `offset` + `limit`
        // with `total_count`).
        if let Some(param) = OFFSET_PARAMS.iter().find(|name| has_query(name))
            && let Some(limit_param) = LIMIT_PARAMS.iter().find(|name| has_query(name))
            && let Some(total) = self.find_field(body, TOTAL_FIELDS)
        {
            let Ok(items) = items(self) else {
                self.warn(pointer, format!("paginated by `{param}` and `{limit_param}`, but which list holds the items is not certain; add `pagination` by hand"));
                return None;
            };
            return Some(Pagination::Offset(OffsetPagination {
                param: (*param).to_string(),
                limit_param: Some((*limit_param).to_string()),
                total: Some(total),
                items,
            }));
        }
        if let Some(candidate) = looks_paginated {
            self.warn(
                pointer,
                format!("looks paginated (query parameter `{candidate}`) but no response field or header says where the next page is; add `pagination` by hand"),
            );
        }
        None
    }

    /// The pointer of the first body field named one of `names` holding a string or an
    /// integer, looked for in the body, then in its object properties, then one level
    /// further (`/paging/cursors/after`), in that order.
    fn find_field(&self, body: &TypeRef, names: &[&str]) -> Option<String> {
        let mut level: Vec<(String, &Schema)> =
            self.converted_schema(body).map(|s| (String::new(), s)).into_iter().collect();
        for _ in 0..3 {
            for name in names {
                for (at, schema) in &level {
                    if let Some(field) = schema.properties.get(*name)
                        && self.is_scalar(field)
                    {
                        return Some(format!("{at}/{}", escape(name)));
                    }
                }
            }
            level = level
                .iter()
                .flat_map(|(at, schema)| {
                    schema.properties.iter().filter_map(move |(key, property)| {
                        let nested = self.converted_schema(property)?;
                        (!nested.properties.is_empty()).then(|| (format!("{at}/{}", escape(key)), nested))
                    })
                })
                .collect();
        }
        None
    }

    /// The converted schema of a type: a model's (converted so far) or an inline one.
    fn converted_schema<'s>(&'s self, ty: &'s TypeRef) -> Option<&'s Schema> {
        match ty {
            TypeRef::Name(name) => self.models.get(name),
            TypeRef::Inline(schema) => Some(schema),
        }
    }

    /// Whether a converted type is a string or an integer (what a cursor or URL is).
    fn is_scalar(&self, ty: &TypeRef) -> bool {
        let type_name = match ty {
            TypeRef::Name(name) => match self.models.get(name) {
                Some(model) => model.type_name.as_deref(),
                None => Some(name.as_str()),
            },
            TypeRef::Inline(schema) => schema.type_name.as_deref(),
        };
        matches!(type_name, Some("string" | "integer"))
    }

    /// Whether a converted body type is a list.
    fn is_list(&self, body: &TypeRef) -> bool {
        match body {
            TypeRef::Name(name) => self
                .components_by_model
                .get(name)
                .and_then(|component| self.document.pointer(&format!("/components/schemas/{}", escape(component))))
                .is_some_and(|schema| self.is_list_schema(schema)),
            TypeRef::Inline(schema) => schema.type_name.as_deref() == Some("array"),
        }
    }

    /// Whether an OpenAPI schema (possibly a `$ref`) is an array.
    fn is_list_schema(&self, schema: &Value) -> bool {
        let schema = match schema.field("$ref").and_then(Value::as_str) {
            Some(reference) => self.resolve(reference).unwrap_or(schema),
            None => schema,
        };
        schema.field("type").and_then(Value::as_str) == Some("array")
            || schema.field("type").and_then(Value::as_array).is_some_and(|t| t.iter().any(|t| t == "array"))
    }

    /// The properties of an OpenAPI schema (following `$ref`, merging `allOf`).
    fn schema_properties(&self, schema: &Value) -> Option<Map<String, Value>> {
        let schema = match schema.field("$ref").and_then(Value::as_str) {
            Some(reference) => self.resolve(reference)?,
            None => schema,
        };
        let mut props = schema.field("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        for part in schema.field("allOf").and_then(Value::as_array).into_iter().flatten() {
            props.extend(self.schema_properties(part).unwrap_or_default());
        }
        if props.is_empty() { None } else { Some(props) }
    }

    /// The properties of a converted body type (a model name or an inline object).
    fn properties_of<'b>(&self, body: &'b TypeRef) -> Option<BodyProperties<'b>>
    where
        'a: 'b,
    {
        match body {
            TypeRef::Name(name) => {
                let component = self.components_by_model.get(name)?;
                let schema = self.document.pointer(&format!("/components/schemas/{}", escape(component)))?;
                let entries =
                    |schema: &'a Value| schema.field("properties").and_then(Value::as_object).into_iter().flatten();
                let mut props: IndexMap<&'b str, &'b Value> =
                    entries(schema).map(|(name, value)| (name.as_str(), value)).collect();
                if let Some(parts) = schema.field("allOf").and_then(Value::as_array) {
                    for part in parts {
                        let part = match part.field("$ref").and_then(Value::as_str) {
                            Some(reference) => self.resolve(reference).unwrap_or(part),
                            None => part,
                        };
                        props.extend(entries(part).map(|(name, value)| (name.as_str(), value)));
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
