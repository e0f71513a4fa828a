//! Semantic rules the JSON Schema cannot state: references resolve, names are unique and
//! usable, path parameters are declared and used, error codes exist, durations and rate
//! limits parse, scenarios name real endpoints and codes, webhook events have payloads.
//! Every rule adds a located diagnostic and checking goes on, so one run shows everything.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Diagnostic, did_you_mean, join_pointer};
use crate::spec::*;
use crate::units::{parse_duration, parse_rate};

/// Primitive type names a `type` may use besides model names.
pub const PRIMITIVES: &[&str] = &["string", "integer", "number", "boolean", "object", "array", "any"];

/// Runs every semantic rule on a parsed spec.
pub fn check(spec: &Spec, positions: &Positions) -> Vec<Diagnostic> {
    let mut checker = Checker { spec, positions, diagnostics: Vec::new() };
    checker.top_level();
    checker.environments();
    checker.auth();
    checker.models();
    checker.errors();
    checker.retry();
    checker.timeouts();
    checker.rate_limits();
    checker.endpoints();
    checker.webhooks();
    checker.scenarios();
    checker.diagnostics
}

struct Checker<'a> {
    spec: &'a Spec,
    positions: &'a Positions,
    diagnostics: Vec<Diagnostic>,
}

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

fn is_snake_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The names inside `{…}` in a template, in order; an unclosed `{` yields its rest.
fn placeholders(template: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').unwrap_or(after.len());
        found.push(&after[..close]);
        rest = &after[(close + 1).min(after.len())..];
    }
    found
}

fn is_json_pointer(text: &str) -> bool {
    text.starts_with('/')
}

impl Checker<'_> {
    fn error(&mut self, code: &'static str, pointer: &str, message: String) -> &mut Diagnostic {
        let location = self.positions.value(pointer);
        self.diagnostics.push(Diagnostic { location, ..Diagnostic::error(code, message).at(pointer) });
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn error_at_key(&mut self, code: &'static str, pointer: &str, message: String) -> &mut Diagnostic {
        let location = self.positions.key(pointer);
        self.diagnostics.push(Diagnostic { location, ..Diagnostic::error(code, message).at(pointer) });
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn duration(&mut self, text: &str, pointer: &str) {
        if let Err(message) = parse_duration(text) {
            self.error("spec::bad_duration", pointer, message).label = Some("not a duration".into());
        }
    }

    fn rate(&mut self, limit: &RateLimit, pointer: &str) {
        let (text, pointer) = match limit {
            RateLimit::Short(text) => (text.as_str(), pointer.to_string()),
            RateLimit::Full(def) => (def.limit.as_str(), format!("{pointer}/limit")),
        };
        if let Err(message) = parse_rate(text) {
            self.error("spec::bad_rate_limit", &pointer, message).label = Some("not a rate limit".into());
        }
    }

    fn url(&mut self, text: &str, pointer: &str) {
        match url::Url::parse(text) {
            Ok(url) if url.scheme() == "http" || url.scheme() == "https" => {}
            Ok(url) => {
                self.error(
                    "spec::bad_url",
                    pointer,
                    format!("`{text}` uses scheme `{}`; expected `http` or `https`", url.scheme()),
                );
            }
            Err(error) => {
                self.error("spec::bad_url", pointer, format!("`{text}` is not an absolute URL ({error})")).help =
                    Some("write the full URL, e.g. `https://api.example.com`".into());
            }
        }
    }

    fn top_level(&mut self) {
        if self.spec.accord != 1 {
            self.error(
                "spec::unsupported_version",
                "/accord",
                format!("spec language version `{}` is not supported", self.spec.accord),
            )
            .help = Some("this accord reads `accord: 1`".into());
        }
        if !is_snake_name(&self.spec.name) {
            self.error("spec::bad_name", "/name", format!("`{}` is not a snake_case name", self.spec.name)).help =
                Some("use lowercase letters, digits and `_`, starting with a letter (e.g. `orders`)".into());
        }
        for (title, diagram) in &self.spec.sequences {
            if diagram.trim().is_empty() {
                let pointer = join_pointer("/sequences", title);
                self.error("spec::empty_sequence", &pointer, format!("sequence `{title}` is empty"));
            }
        }
    }

    fn environments(&mut self) {
        let defaults: Vec<&String> =
            self.spec.environments.iter().filter(|(_, e)| e.default).map(|(name, _)| name).collect();
        if defaults.len() > 1 {
            let pointer = join_pointer("/environments", defaults[1]);
            let first = defaults[0].clone();
            self.error(
                "spec::two_default_environments",
                &format!("{pointer}/default"),
                format!("environments `{first}` and `{}` are both marked `default: true`", defaults[1]),
            );
        }
        for (name, environment) in &self.spec.environments {
            let pointer = join_pointer("/environments", name);
            self.url(&environment.base_url, &format!("{pointer}/base_url"));
        }
    }

    fn auth(&mut self) {
        let Some(auth) = &self.spec.auth else { return };
        if auth.api_key.is_none()
            && auth.bearer.is_none()
            && auth.basic.is_none()
            && auth.oauth2_client_credentials.is_none()
        {
            self.error("spec::empty_auth", "/auth", "`auth` declares no scheme".into()).help = Some(
                "declare one of `api_key`, `bearer`, `basic`, `oauth2_client_credentials`, or remove `auth`".into(),
            );
        }
        if let Some(oauth) = &auth.oauth2_client_credentials {
            self.url(&oauth.token_url, "/auth/oauth2_client_credentials/token_url");
            if let Some(margin) = &oauth.refresh_before_expiry {
                self.duration(margin, "/auth/oauth2_client_credentials/refresh_before_expiry");
            }
        }
        if let Some(key) = &auth.api_key
            && key.name.trim().is_empty()
        {
            self.error("spec::empty_name", "/auth/api_key/name", "the API key needs a header or parameter name".into());
        }
    }

    /// Checks a type reference; `pointer` is where it is written.
    fn type_ref(&mut self, type_ref: &TypeRef, pointer: &str, position: Position) {
        match type_ref {
            TypeRef::Name(name) => self.type_name(name, pointer, false),
            TypeRef::Inline(schema) => self.schema(schema, pointer, position),
        }
    }

    fn type_name(&mut self, name: &str, pointer: &str, has_items: bool) {
        if PRIMITIVES.contains(&name) || self.spec.models.contains_key(name) {
            if name == "array" && !has_items {
                self.error("spec::array_without_items", pointer, "`array` needs `items`".into()).help =
                    Some("write `{ type: array, items: Order }`".into());
            }
            return;
        }
        let candidates = self.spec.models.keys().map(String::as_str).chain(PRIMITIVES.iter().copied());
        let hint = did_you_mean(name, candidates);
        let diagnostic = self.error("spec::unknown_ref", pointer, format!("unknown model `{name}`"));
        diagnostic.label = Some("no model or primitive type has this name".into());
        diagnostic.help = hint.or(Some(
            "declare it under `models`, or use one of `string`, `integer`, `number`, `boolean`, `object`, `array`, `any`".into(),
        ));
    }

    fn schema(&mut self, schema: &Schema, pointer: &str, position: Position) {
        let type_name = schema.type_name.as_deref();
        if let Some(name) = type_name {
            self.type_name(name, &format!("{pointer}/type"), schema.items.is_some());
        }
        for (name, property) in &schema.properties {
            self.type_ref(property, &join_pointer(&format!("{pointer}/properties"), name), Position::Property);
        }
        match (&schema.required, position) {
            (Some(Required::Properties(names)), _) => {
                for (index, name) in names.iter().enumerate() {
                    if !schema.properties.contains_key(name) {
                        let hint = did_you_mean(name, schema.properties.keys().map(String::as_str));
                        self.error(
                            "spec::unknown_property",
                            &format!("{pointer}/required/{index}"),
                            format!("required property `{name}` is not among `properties`"),
                        )
                        .help = hint;
                    }
                }
            }
            (Some(Required::Flag(_)), Position::Property | Position::Model) => {
                self.error(
                    "spec::misplaced_required",
                    &format!("{pointer}/required"),
                    "`required: true|false` applies to parameters; objects list their required properties".into(),
                )
                .help = Some("write `required: [name, …]` on the object that holds this property".into());
            }
            _ => {}
        }
        if schema.read_only && schema.write_only {
            self.error(
                "spec::read_and_write_only",
                &format!("{pointer}/write_only"),
                "a property cannot be both `read_only` and `write_only`".into(),
            )
            .help = Some("keep the one that holds: `read_only` (server-set) or `write_only` (never returned)".into());
        }
        if (schema.read_only || schema.write_only) && position != Position::Property {
            let key = if schema.read_only { "read_only" } else { "write_only" };
            self.error(
                "spec::misplaced_access",
                &format!("{pointer}/{key}"),
                format!("`{key}` applies to object properties"),
            )
            .help = Some(format!("move `{key}: true` onto the properties it is about"));
        }
        if let Some(items) = &schema.items {
            self.type_ref(items, &format!("{pointer}/items"), Position::Property);
            if type_name.is_some_and(|t| t != "array") {
                self.error(
                    "spec::items_without_array",
                    &format!("{pointer}/items"),
                    "`items` is only allowed with `type: array`".into(),
                );
            }
        }
        if let Some(AdditionalProperties::Typed(value_type)) = &schema.additional_properties {
            self.type_ref(value_type, &format!("{pointer}/additional_properties"), Position::Property);
        }
        for (index, variant) in schema.one_of.iter().enumerate() {
            self.type_ref(variant, &format!("{pointer}/one_of/{index}"), Position::Property);
        }
        if let Some(discriminator) = &schema.discriminator {
            if schema.one_of.is_empty() {
                self.error(
                    "spec::discriminator_without_one_of",
                    &format!("{pointer}/discriminator"),
                    "`discriminator` needs `one_of`".into(),
                );
            }
            for (tag, model) in &discriminator.mapping {
                if !self.spec.models.contains_key(model) {
                    let hint = did_you_mean(model, self.spec.models.keys().map(String::as_str));
                    self.error(
                        "spec::unknown_ref",
                        &join_pointer(&format!("{pointer}/discriminator/mapping"), tag),
                        format!("unknown model `{model}`"),
                    )
                    .help = hint;
                }
            }
            for (index, variant) in schema.one_of.iter().enumerate() {
                if !matches!(variant, TypeRef::Name(name) if self.spec.models.contains_key(name)) {
                    self.error(
                        "spec::discriminated_inline",
                        &format!("{pointer}/one_of/{index}"),
                        "variants of a discriminated `one_of` must be model names".into(),
                    );
                }
            }
        }
        if !schema.enum_values.is_empty() && type_name.is_some_and(|t| t != "string") {
            self.error(
                "spec::enum_not_string",
                &format!("{pointer}/enum"),
                "`enum` values are strings; use `type: string` or leave `type` out".into(),
            );
        }
        if let (Some(min), Some(max)) = (schema.min_length, schema.max_length)
            && min > max
        {
            self.error(
                "spec::empty_range",
                &format!("{pointer}/min_length"),
                format!("`min_length` {min} is greater than `max_length` {max}"),
            );
        }
        if let (Some(min), Some(max)) = (schema.minimum, schema.maximum)
            && min > max
        {
            self.error(
                "spec::empty_range",
                &format!("{pointer}/minimum"),
                format!("`minimum` {min} is greater than `maximum` {max}"),
            );
        }
        if let (Some(min), Some(max)) = (schema.min_items, schema.max_items)
            && min > max
        {
            self.error(
                "spec::empty_range",
                &format!("{pointer}/min_items"),
                format!("`min_items` {min} is greater than `max_items` {max}"),
            );
        }
        if let Some(pattern) = &schema.pattern
            && let Err(error) = regex_syntax::Parser::new().parse(pattern)
        {
            let first_line =
                error.to_string().lines().last().unwrap_or_default().trim_start_matches("error: ").to_string();
            self.error(
                "spec::bad_pattern",
                &format!("{pointer}/pattern"),
                format!("`pattern` is not a valid regular expression: {first_line}"),
            );
        }
    }

    fn models(&mut self) {
        for (name, schema) in &self.spec.models {
            let pointer = join_pointer("/models", name);
            if name.is_empty() || !name.chars().next().is_some_and(char::is_alphabetic) {
                self.error_at_key("spec::bad_name", &pointer, format!("model name `{name}` must start with a letter"));
            }
            if PRIMITIVES.contains(&name.as_str()) {
                self.error_at_key("spec::bad_name", &pointer, format!("model name `{name}` is a primitive type name"));
            }
            self.schema(schema, &pointer, Position::Model);
            if schema.type_name.as_deref() == Some(name.as_str()) {
                self.error(
                    "spec::recursive_alias",
                    &format!("{pointer}/type"),
                    format!("model `{name}` is defined as itself"),
                );
            }
        }
        // Models that are only a name of another model form alias chains; a cycle of them has
        // no type at all.
        for name in self.spec.models.keys() {
            let mut seen = BTreeSet::new();
            let mut current = name.as_str();
            while let Some(schema) = self.spec.models.get(current) {
                if !seen.insert(current) {
                    if current == name {
                        let pointer = join_pointer("/models", name);
                        self.error_at_key(
                            "spec::recursive_alias",
                            &pointer,
                            format!("model `{name}` is an alias of itself through other models"),
                        );
                    }
                    break;
                }
                match (&schema.type_name, schema.properties.is_empty()) {
                    (Some(target), true) if self.spec.models.contains_key(target) => current = target,
                    _ => break,
                }
            }
        }
    }

    fn model_ref(&mut self, name: &str, pointer: &str) {
        if !self.spec.models.contains_key(name) {
            let hint = did_you_mean(name, self.spec.models.keys().map(String::as_str));
            let diagnostic = self.error("spec::unknown_ref", pointer, format!("unknown model `{name}`"));
            diagnostic.help = hint.or(Some("declare it under `models`".into()));
        }
    }

    fn errors(&mut self) {
        let Some(errors) = &self.spec.errors else { return };
        if let Some(body) = &errors.body {
            self.model_ref(body, "/errors/body");
        }
        if let Some(field) = &errors.code_field
            && !is_json_pointer(field)
        {
            self.error("spec::bad_pointer", "/errors/code_field", format!("`{field}` is not a JSON pointer")).help =
                Some(format!("write `/{field}` (RFC 6901)"));
        }
        let mut by_status: BTreeMap<u16, Vec<String>> = BTreeMap::new();
        for (name, code) in &errors.codes {
            let pointer = join_pointer("/errors/codes", name);
            let shouty = crate::names::shouty(name);
            if &shouty != name {
                self.error_at_key(
                    "spec::bad_name",
                    &pointer,
                    format!("error code `{name}` is not SCREAMING_SNAKE_CASE"),
                )
                .help = Some(format!("write `{shouty}`"));
            }
            for status in code.status.to_vec() {
                if !(400..=599).contains(&status) {
                    self.error(
                        "spec::bad_status",
                        &format!("{pointer}/status"),
                        format!("error status {status} is not a 4xx or 5xx status"),
                    );
                }
                by_status.entry(status).or_default().push(name.clone());
            }
            if let Some(body) = &code.body {
                self.model_ref(body, &format!("{pointer}/body"));
            }
            if errors.body.is_none() && code.body.is_none() {
                self.error("spec::missing_error_body", &pointer, format!("error code `{name}` has no body model"))
                    .help = Some("set `errors.body` for all codes or `body` on this code".into());
            }
            if code.match_value.is_some() && errors.code_field.is_none() {
                self.error(
                    "spec::match_without_code_field",
                    &format!("{pointer}/match"),
                    "`match` needs `errors.code_field` to say where the code is".into(),
                );
            }
        }
        if errors.code_field.is_none() {
            for (status, names) in &by_status {
                if names.len() > 1 {
                    let pointer = join_pointer("/errors/codes", &names[1]);
                    self.error("spec::ambiguous_status", &format!("{pointer}/status"), format!(
                        "status {status} belongs to both `{}` and `{}`, and there is no `errors.code_field` to tell them apart",
                        names[0], names[1]
                    ));
                }
            }
        }
    }

    fn retry(&mut self) {
        let Some(retry) = &self.spec.retry else { return };
        if retry.max_attempts == 0 {
            self.error(
                "spec::bad_retry",
                "/retry/max_attempts",
                "`max_attempts` counts the first attempt too, so it is at least 1".into(),
            );
        }
        if let Some(backoff) = &retry.backoff {
            self.duration(&backoff.initial, "/retry/backoff/initial");
            self.duration(&backoff.max, "/retry/backoff/max");
            if backoff.multiplier.is_some_and(|m| m < 1.0) {
                self.error(
                    "spec::bad_retry",
                    "/retry/backoff/multiplier",
                    "`multiplier` below 1 would shrink delays".into(),
                );
            }
        }
    }

    fn timeouts(&mut self) {
        let Some(timeouts) = &self.spec.timeouts else { return };
        for (key, value) in [("connect", &timeouts.connect), ("attempt", &timeouts.attempt), ("total", &timeouts.total)]
        {
            if let Some(value) = value {
                self.duration(value, &format!("/timeouts/{key}"));
            }
        }
    }

    /// The schema a type reference names (`None` for primitives and unknown names).
    fn schema_of<'s>(&'s self, ty: &'s TypeRef) -> Option<&'s Schema> {
        match ty {
            TypeRef::Name(name) => self.spec.models.get(name),
            TypeRef::Inline(schema) => Some(schema),
        }
    }

    /// The type a JSON pointer leads to inside a value of type `ty`, or `None` when a
    /// segment names no property.
    fn follow<'s>(&'s self, ty: &'s TypeRef, pointer: &str) -> Option<&'s TypeRef> {
        let mut current = ty;
        if pointer.is_empty() {
            return Some(current);
        }
        for segment in pointer.split('/').skip(1) {
            let segment = segment.replace("~1", "/").replace("~0", "~");
            let schema = self.schema_of(current)?;
            current = match (&schema.items, schema.properties.get(&segment)) {
                (_, Some(property)) => property,
                (Some(items), None) if segment.parse::<usize>().is_ok() => items,
                _ => return None,
            };
        }
        Some(current)
    }

    fn is_array(&self, ty: &TypeRef) -> bool {
        self.schema_of(ty).is_some_and(|schema| schema.items.is_some())
    }

    /// Checks that pagination pointers lead into the success response's model.
    fn pagination_pointers(&mut self, endpoint: &crate::spec::Endpoint, pointer: &str) {
        let Some(pagination) = &endpoint.pagination else { return };
        let success = endpoint.responses.iter().find_map(|(status, response)| {
            if !status.starts_with('2') {
                return None;
            }
            match response {
                crate::spec::ResponseRef::Short(name) => Some(TypeRef::Name(name.clone())),
                crate::spec::ResponseRef::Full(full) => full.body.clone(),
            }
        });
        let (style, items, next, from_last_item) = match pagination {
            Pagination::Cursor(cursor) => ("cursor", &cursor.items, Some(&cursor.next), cursor.from_last_item),
            Pagination::Page(page) => ("page", &page.items, None, false),
            Pagination::NextUrl(next_url) => ("next_url", &next_url.items, Some(&next_url.next), false),
        };
        let Some(success) = success else {
            self.error(
                "spec::bad_pagination",
                &format!("{pointer}/pagination"),
                "a paginated endpoint needs a 2xx response with a body".into(),
            );
            return;
        };
        let key_pointer = |key: &str| format!("{pointer}/pagination/{style}/{key}");
        let list = self.follow(&success, items.as_deref().unwrap_or(""));
        let problem = match list {
            Some(list) if self.is_array(list) => next.and_then(|next| {
                let source =
                    if from_last_item { self.schema_of(list).and_then(|s| s.items.as_ref()) } else { Some(&success) };
                if source.and_then(|source| self.follow(source, next)).is_some() {
                    return None;
                }
                let inside = if from_last_item { "an item of the list" } else { "the response body" };
                Some((key_pointer("next"), format!("`{next}` does not lead to a property of {inside}")))
            }),
            _ => Some(match items {
                Some(items) => {
                    (key_pointer("items"), format!("`{items}` does not lead to an array in the response body"))
                }
                None => (
                    format!("{pointer}/pagination/{style}"),
                    "the response body is not an array; say where the items are with `items`".into(),
                ),
            }),
        };
        if let Some((at, message)) = problem {
            self.error("spec::bad_pagination", &at, message);
        }
    }

    fn rate_limits(&mut self) {
        let Some(limits) = &self.spec.rate_limits else { return };
        if let Some(default) = &limits.default {
            self.rate(default, "/rate_limits/default");
        }
        for (index, quota) in limits.quotas.iter().enumerate() {
            self.rate(&RateLimit::Short(quota.clone()), &format!("/rate_limits/quotas/{index}"));
        }
    }

    fn endpoints(&mut self) {
        let mut routes: BTreeMap<(String, String), String> = BTreeMap::new();
        let codes: Vec<String> =
            self.spec.errors.as_ref().map(|e| e.codes.keys().cloned().collect()).unwrap_or_default();
        for (name, endpoint) in &self.spec.endpoints {
            let pointer = join_pointer("/endpoints", name);
            if !is_snake_name(name) {
                self.error_at_key("spec::bad_name", &pointer, format!("endpoint name `{name}` is not snake_case"))
                    .help = Some(format!("write `{}`", crate::names::bare(&crate::names::snake(name))));
            }
            if !endpoint.path.starts_with('/') {
                self.error(
                    "spec::bad_path",
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
            if let Some(first) = routes.insert((method.clone(), route_shape), name.clone()) {
                self.error_at_key(
                    "spec::duplicate_endpoint",
                    &pointer,
                    format!("endpoint `{name}` has the same method and path as `{first}` ({method} {})", endpoint.path),
                )
                .help = Some("each endpoint needs its own method and path".into());
            }
            match path_parameters(&endpoint.path) {
                Err(message) => {
                    self.error("spec::bad_path", &format!("{pointer}/path"), message);
                }
                Ok(used) => {
                    for parameter in &used {
                        if !endpoint.path_params.contains_key(parameter) {
                            self.error(
                                "spec::undeclared_path_param",
                                &format!("{pointer}/path"),
                                format!("path parameter `{parameter}` is not declared in `path_params`"),
                            )
                            .help = Some(format!("add `path_params: {{ {parameter}: string }}`"));
                        }
                    }
                    for declared in endpoint.path_params.keys() {
                        if !used.contains(declared) {
                            let hint = did_you_mean(declared, used.iter().map(String::as_str));
                            self.error_at_key(
                                "spec::unused_path_param",
                                &join_pointer(&format!("{pointer}/path_params"), declared),
                                format!("path parameter `{declared}` does not appear in path `{}`", endpoint.path),
                            )
                            .help = hint;
                        }
                    }
                }
            }
            for (group, parameters) in
                [("path_params", &endpoint.path_params), ("query", &endpoint.query), ("headers", &endpoint.headers)]
            {
                for (parameter, type_ref) in parameters {
                    self.type_ref(
                        type_ref,
                        &join_pointer(&format!("{pointer}/{group}"), parameter),
                        Position::Parameter,
                    );
                }
            }
            if let Some(request) = &endpoint.request {
                self.type_ref(&request.body, &format!("{pointer}/request/body"), Position::Body);
                self.multipart_body(request, &format!("{pointer}/request"));
            }
            let mut success = 0;
            for (status, response) in &endpoint.responses {
                let response_pointer = join_pointer(&format!("{pointer}/responses"), status);
                match status.parse::<u16>() {
                    Ok(code) if (100..=599).contains(&code) => {
                        if (200..300).contains(&code) {
                            success += 1;
                        }
                    }
                    _ => {
                        self.error_at_key(
                            "spec::bad_status",
                            &response_pointer,
                            format!("`{status}` is not an HTTP status code"),
                        );
                    }
                }
                match response {
                    ResponseRef::Short(model) => self.type_name(model, &response_pointer, false),
                    ResponseRef::Full(definition) => {
                        if let Some(body) = &definition.body {
                            self.type_ref(body, &format!("{response_pointer}/body"), Position::Body);
                        }
                    }
                }
            }
            if success == 0 {
                self.error(
                    "spec::no_success_response",
                    &pointer,
                    format!("endpoint `{name}` declares no 2xx response"),
                )
                .help = Some("add e.g. `responses: { \"200\": Order }`".into());
            }
            for (index, code) in endpoint.errors.iter().enumerate() {
                if !codes.contains(code) {
                    let hint = did_you_mean(code, codes.iter().map(String::as_str));
                    self.error(
                        "spec::unknown_error_code",
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
                        self.error(
                            "spec::unknown_param",
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
                            self.error(
                                "spec::bad_pointer",
                                &format!("{pointer}/pagination/cursor/{key}"),
                                format!("`{value}` is not a JSON pointer"),
                            );
                        }
                    }
                }
                Some(Pagination::NextUrl(next_url)) => {
                    for (key, value) in [("next", Some(&next_url.next)), ("items", next_url.items.as_ref())] {
                        if let Some(value) = value
                            && !is_json_pointer(value)
                        {
                            self.error(
                                "spec::bad_pointer",
                                &format!("{pointer}/pagination/next_url/{key}"),
                                format!("`{value}` is not a JSON pointer"),
                            );
                        }
                    }
                }
                Some(Pagination::Page(page)) => {
                    for (key, param) in [("param", Some(&page.param)), ("size_param", page.size_param.as_ref())] {
                        if let Some(param) = param
                            && !endpoint.query.contains_key(param)
                        {
                            self.error(
                                "spec::unknown_param",
                                &format!("{pointer}/pagination/page/{key}"),
                                format!("pagination parameter `{param}` is not a declared query parameter"),
                            );
                        }
                    }
                }
                None => {}
            }
        }
    }

    fn webhooks(&mut self) {
        let Some(webhooks) = &self.spec.webhooks else { return };
        match &webhooks.signature {
            Some(signature) => self.signature(&crate::spec::presets::expand(signature)),
            None => {
                // Allowed because some sources (OpenAPI 3.1 `webhooks`) declare events but never
                // how deliveries are signed, and inventing a scheme would be worse than none.
                let location = self.positions.key("/webhooks");
                let mut warning = Diagnostic::warning(
                    "spec::unsigned_webhooks",
                    "deliveries cannot be verified: the spec declares no `signature` scheme",
                )
                .at("/webhooks")
                .label("no `signature`")
                .help(
                    "add `signature` with a `preset` (standard-webhooks-v1, svix, stripe, github, shopify, slack, twilio, …) or the explicit grammar (`algorithm`, `header`, `format`, …)",
                );
                warning.location = location;
                self.diagnostics.push(warning);
            }
        }
        if let Some(delivery) = &webhooks.delivery {
            for (index, delay) in delivery.retries.iter().enumerate() {
                self.duration(delay, &format!("/webhooks/delivery/retries/{index}"));
            }
            if let Some(timeout) = &delivery.timeout {
                self.duration(timeout, "/webhooks/delivery/timeout");
            }
        }
        // One declared event needs no type source: every delivery is that event.
        if webhooks.event_type_field.is_none() && webhooks.event_header.is_none() && webhooks.events.len() > 1 {
            self.error(
                "spec::missing_event_type",
                "/webhooks",
                "webhooks need `event_type_field` or `event_header` to tell events apart".into(),
            );
        }
        for (key, value) in
            [("event_type_field", &webhooks.event_type_field), ("event_id_field", &webhooks.event_id_field)]
        {
            if let Some(value) = value
                && !is_json_pointer(value)
            {
                self.error(
                    "spec::bad_pointer",
                    &format!("/webhooks/{key}"),
                    format!("`{value}` is not a JSON pointer"),
                );
            }
        }
        for (event, definition) in &webhooks.events {
            let pointer = join_pointer("/webhooks/events", event);
            self.model_ref(&definition.payload, &format!("{pointer}/payload"));
        }
    }

    /// Checks an expanded signature scheme (see `spec::presets`): what the runtime's
    /// `Scheme::check` would refuse is reported here, located.
    fn signature(&mut self, signature: &crate::spec::WebhookSignature) {
        const AT: &str = "/webhooks/signature";
        let help = "choose a `preset` (standard-webhooks-v1, svix, stripe, github, shopify, slack, twilio, …) or write the field";
        for (field, missing) in [
            ("algorithm", signature.algorithm.is_none()),
            ("header", signature.header.is_none()),
            ("format", signature.format.is_none()),
        ] {
            if missing {
                self.error("spec::missing_field", AT, format!("the signature scheme has no `{field}`")).help =
                    Some(help.into());
            }
        }
        let separator = signature.separator.as_deref();
        if separator == Some("") {
            self.error("spec::bad_signature_format", &format!("{AT}/separator"), "the separator is empty".into());
        }
        let mut timestamp_entry = false;
        if let Some(format) = &signature.format {
            let entries: Vec<&str> = match separator.filter(|s| !s.is_empty()) {
                Some(separator) => format.split(separator).collect(),
                None => vec![format.as_str()],
            };
            let mut signatures = 0;
            let mut bad_entries = 0;
            let (mut signature_prefix, mut timestamp_prefix) = (None, None);
            for entry in entries {
                let placeholders = placeholders(entry);
                let prefix = entry.split('{').next().unwrap_or_default();
                match placeholders.as_slice() {
                    ["hex" | "base64"] => {
                        signatures += 1;
                        signature_prefix = Some(prefix);
                    }
                    ["timestamp"] if !timestamp_entry => {
                        timestamp_entry = true;
                        timestamp_prefix = Some(prefix);
                    }
                    _ => {
                        bad_entries += 1;
                        self.error(
                            "spec::bad_signature_format",
                            &format!("{AT}/format"),
                            format!("format entry `{entry}` must hold exactly one `{{hex}}`, `{{base64}}` or `{{timestamp}}`"),
                        )
                        .help = Some(
                            "entries are separated by `separator`; e.g. `t={timestamp},v1={hex}` with separator `,`".into(),
                        );
                    }
                }
            }
            if let (Some(signature), Some(timestamp)) = (signature_prefix, timestamp_prefix)
                && (signature.starts_with(timestamp) || timestamp.starts_with(signature))
            {
                self.error(
                    "spec::bad_signature_format",
                    &format!("{AT}/format"),
                    format!("in `{format}` the timestamp and signature entries need prefixes that tell them apart"),
                )
                .help = Some("e.g. `t={timestamp},v1={hex}`".into());
            }
            if signatures != 1 && bad_entries == 0 {
                self.error(
                    "spec::bad_signature_format",
                    &format!("{AT}/format"),
                    format!("signature format `{format}` must contain exactly one of `{{hex}}` or `{{base64}}`"),
                );
            }
        }
        let payload = signature.signed_payload.as_deref().unwrap_or("{body}");
        let payload_placeholders = placeholders(payload);
        for placeholder in &payload_placeholders {
            if !["body", "timestamp", "id", "url", "form_params"].contains(placeholder) {
                self.error(
                    "spec::bad_signed_payload",
                    &format!("{AT}/signed_payload"),
                    format!(
                        "unknown placeholder `{{{placeholder}}}`; expected `{{body}}`, `{{timestamp}}`, `{{id}}`, `{{url}}` or `{{form_params}}`"
                    ),
                );
            }
        }
        if !payload_placeholders.iter().any(|p| *p == "body" || *p == "form_params") {
            self.error(
                "spec::bad_signed_payload",
                &format!("{AT}/signed_payload"),
                "the signed payload must include `{body}` (or Twilio's `{form_params}`)".into(),
            );
        }
        let timestamp_header = signature.timestamp.as_ref().and_then(|t| t.header.as_ref()).is_some();
        if (payload_placeholders.contains(&"timestamp") || signature.timestamp.is_some())
            && !timestamp_entry
            && !timestamp_header
        {
            self.error("spec::missing_timestamp", AT, "the timestamp has no source".into()).help =
                Some("set `timestamp.header`, or put `{timestamp}` in `format`".into());
        }
        if (timestamp_entry || timestamp_header) && !payload_placeholders.contains(&"timestamp") {
            // A provider may document exactly this (seed 002's orders API does); it can be
            // declared, but its replay window only stops accidental replays.
            let pointer = format!("{AT}/signed_payload");
            let location = self.positions.value(&pointer);
            let message = "the timestamp is checked against the replay window but not signed, so anyone who captured a delivery can rewrite it";
            let mut warning = Diagnostic::warning("spec::unsigned_timestamp", message).at(pointer);
            warning.location = location;
            warning.help = Some("if the provider signs it, put `{timestamp}` in `signed_payload`".into());
            self.diagnostics.push(warning);
        }
        if timestamp_entry && timestamp_header {
            self.error(
                "spec::bad_signature_format",
                &format!("{AT}/timestamp/header"),
                "the timestamp comes from both `timestamp.header` and an entry of `format`".into(),
            );
        }
        if timestamp_entry && signature.timestamp.is_none() {
            self.error("spec::missing_tolerance", AT, "the timestamp has no `tolerance`".into()).help =
                Some("add `timestamp: { tolerance: 5m }` (`0s` disables the replay check)".into());
        }
        if let Some(timestamp) = &signature.timestamp {
            match &timestamp.tolerance {
                Some(tolerance) => self.duration(tolerance, &format!("{AT}/timestamp/tolerance")),
                None => {
                    self.error(
                        "spec::missing_tolerance",
                        &format!("{AT}/timestamp"),
                        "the timestamp has no `tolerance`".into(),
                    )
                    .help = Some("e.g. `tolerance: 5m` (`0s` disables the replay check)".into());
                }
            }
        }
        if payload_placeholders.contains(&"id") && signature.id_header.is_none() {
            self.error(
                "spec::missing_id_header",
                &format!("{AT}/signed_payload"),
                "`{id}` is signed but no `id_header` says where it comes from".into(),
            )
            .help = Some("add `id_header: webhook-id`".into());
        }
        if signature.url.is_some() && !payload_placeholders.contains(&"url") {
            self.error(
                "spec::bad_signed_payload",
                &format!("{AT}/url"),
                "`url` options are set but `{url}` is not signed".into(),
            );
        }
        if signature.algorithm == Some(crate::spec::SignatureAlgorithm::Ed25519)
            && signature.key.as_ref().and_then(|k| k.encoding).unwrap_or(crate::spec::KeyEncoding::Utf8)
                == crate::spec::KeyEncoding::Utf8
        {
            self.error(
                "spec::bad_key_encoding",
                &format!("{AT}/key/encoding"),
                "Ed25519 keys are 32 bytes, written in `base64` or `hex`".into(),
            );
        }
    }

    fn scenarios(&mut self) {
        for (name, scenario) in &self.spec.scenarios {
            let pointer = join_pointer("/scenarios", name);
            if !is_snake_name(name) {
                self.error_at_key("spec::bad_name", &pointer, format!("scenario name `{name}` is not snake_case"));
            }
            match (&scenario.endpoint, scenario.steps.is_empty()) {
                (Some(endpoint), true) => match &scenario.expect {
                    Some(expect) => {
                        self.step(endpoint, scenario.request.as_ref(), expect, &pointer, &format!("{pointer}/endpoint"))
                    }
                    None => {
                        self.error("spec::missing_expect", &pointer, format!("scenario `{name}` has no `expect`"));
                    }
                },
                (None, false) => {
                    for (index, step) in scenario.steps.iter().enumerate() {
                        let step_pointer = format!("{pointer}/steps/{index}");
                        self.step(
                            &step.endpoint,
                            step.request.as_ref(),
                            &step.expect,
                            &step_pointer,
                            &format!("{step_pointer}/endpoint"),
                        );
                    }
                }
                (Some(_), false) => {
                    self.error(
                        "spec::scenario_shape",
                        &pointer,
                        format!("scenario `{name}` has both `endpoint` and `steps`"),
                    )
                    .help = Some("a single call uses `endpoint`/`request`/`expect`; a sequence uses `steps`".into());
                }
                (None, true) => {
                    self.error(
                        "spec::scenario_shape",
                        &pointer,
                        format!("scenario `{name}` names no `endpoint` and has no `steps`"),
                    );
                }
            }
        }
    }

    fn step(
        &mut self,
        endpoint_name: &str,
        request: Option<&ScenarioRequest>,
        expect: &Expectation,
        pointer: &str,
        endpoint_pointer: &str,
    ) {
        let Some(endpoint) = self.spec.endpoints.get(endpoint_name) else {
            let hint = did_you_mean(endpoint_name, self.spec.endpoints.keys().map(String::as_str));
            self.error("spec::unknown_endpoint", endpoint_pointer, format!("unknown endpoint `{endpoint_name}`"))
                .help = hint.or(Some("scenarios must name an endpoint declared under `endpoints`".into()));
            return;
        };
        let empty = ScenarioRequest::default();
        let request = request.unwrap_or(&empty);
        for parameter in endpoint.path_params.keys() {
            if !request.path.contains_key(parameter) {
                self.error(
                    "spec::missing_path_value",
                    pointer,
                    format!("the call to `{endpoint_name}` needs a value for path parameter `{parameter}`"),
                )
                .help = Some(format!("add `request: {{ path: {{ {parameter}: … }} }}`"));
            }
        }
        for key in request.path.keys() {
            if !endpoint.path_params.contains_key(key) {
                self.error_at_key(
                    "spec::unknown_param",
                    &join_pointer(&format!("{pointer}/request/path"), key),
                    format!("`{endpoint_name}` has no path parameter `{key}`"),
                );
            }
        }
        for key in request.query.keys() {
            if !endpoint.query.contains_key(key) {
                let hint = did_you_mean(key, endpoint.query.keys().map(String::as_str));
                self.error_at_key(
                    "spec::unknown_param",
                    &join_pointer(&format!("{pointer}/request/query"), key),
                    format!("`{endpoint_name}` has no query parameter `{key}`"),
                )
                .help = hint;
            }
        }
        let body_required = endpoint.request.as_ref().is_some_and(|r| r.required.unwrap_or(true));
        match (&request.body, &endpoint.request) {
            (Some(_), None) => {
                self.error(
                    "spec::unexpected_body",
                    &format!("{pointer}/request/body"),
                    format!("`{endpoint_name}` takes no request body"),
                );
            }
            (None, Some(_)) if body_required => {
                self.error(
                    "spec::missing_body",
                    pointer,
                    format!("the call to `{endpoint_name}` needs a request body"),
                );
            }
            _ => {}
        }
        let expect_pointer = format!("{pointer}/expect");
        let declared_status = endpoint.responses.contains_key(&expect.status.to_string());
        let codes = self.spec.errors.as_ref().map(|e| &e.codes);
        match &expect.error {
            Some(code) => match codes.and_then(|codes| codes.get(code)) {
                None => {
                    let hint = codes.and_then(|codes| did_you_mean(code, codes.keys().map(String::as_str)));
                    self.error(
                        "spec::unknown_error_code",
                        &format!("{expect_pointer}/error"),
                        format!("unknown error code `{code}`"),
                    )
                    .help = hint;
                }
                Some(definition) => {
                    if !definition.status.to_vec().contains(&expect.status) {
                        self.error(
                            "spec::status_mismatch",
                            &format!("{expect_pointer}/status"),
                            format!(
                                "error code `{code}` is returned with status {:?}, not {}",
                                definition.status.to_vec(),
                                expect.status
                            ),
                        );
                    }
                    if !endpoint.errors.contains(code) {
                        self.error(
                            "spec::undeclared_error",
                            &format!("{expect_pointer}/error"),
                            format!("`{endpoint_name}` does not list error code `{code}`"),
                        )
                        .help = Some(format!("add `{code}` to `endpoints.{endpoint_name}.errors`"));
                    }
                }
            },
            None if !declared_status => {
                self.error(
                    "spec::undeclared_status",
                    &format!("{expect_pointer}/status"),
                    format!("`{endpoint_name}` declares no response with status {}", expect.status),
                )
                .help = Some("expect a declared status, or name the `error` code for error statuses".into());
            }
            None => {}
        }
        for key in expect.body_equals.keys() {
            if !is_json_pointer(key) {
                self.error_at_key(
                    "spec::bad_pointer",
                    &join_pointer(&format!("{expect_pointer}/body_equals"), key),
                    format!("`{key}` is not a JSON pointer"),
                )
                .help = Some(format!("write `/{key}`"));
            }
        }
    }
}

impl Checker<'_> {
    /// A `multipart` body is sent one part per field, so it must be an object with
    /// properties (a model or an inline schema); `object_parts` means something only there.
    fn multipart_body(&mut self, request: &crate::spec::RequestDef, pointer: &str) {
        use crate::spec::ContentType;
        let multipart = request.content_type == Some(ContentType::Multipart);
        if !multipart {
            if request.object_parts.is_some() {
                self.error(
                    "spec::object_parts_without_multipart",
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
            self.error(
                "spec::multipart_body_not_object",
                &format!("{pointer}/body"),
                "a `multipart` body must be an object with `properties`: each property is sent as one part".into(),
            )
            .help = Some("name a model with `properties`, or write them inline under `body`".into());
        }
    }
}

/// Where a schema is written, which decides what `required` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Model,
    Property,
    Parameter,
    Body,
}
