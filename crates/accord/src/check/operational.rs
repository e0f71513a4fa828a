//! Checks of `cache`, `circuit_breaker` and `health` (issue 18): caching only on safe
//! methods and with room to hold something, a circuit breaker that can open, a health
//! endpoint the client can send without arguments.

use super::Checker;
use crate::diag::{codes, did_you_mean};
use crate::spec::{Method, Required, TypeRef};

fn is_safe(method: Method) -> bool {
    matches!(method, Method::Get | Method::Head)
}

fn is_required(parameter: &TypeRef) -> bool {
    match parameter {
        TypeRef::Name(_) => false,
        TypeRef::Inline(schema) => schema.required == Some(Required::Flag(true)),
    }
}

/// What makes `value` no `Cache-Control` field value (RFC 9111 §5.2: `#( token [ "="
/// ( token / quoted-string ) ] )`), or `None`.
fn cache_control_problem(value: &str) -> Option<String> {
    let is_token = |text: &str| {
        !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    if value.trim().is_empty() {
        return Some("it is empty".into());
    }
    if let Some(c) = value.chars().find(|c| !(c.is_ascii_graphic() || *c == ' ')) {
        return Some(format!("{c:?} is not a visible ASCII character"));
    }
    for directive in value.split(',').map(str::trim) {
        let (name, argument) = directive.split_once('=').unwrap_or((directive, ""));
        if !is_token(name) {
            return Some(format!("`{directive}` is not a directive name"));
        }
        let quoted = argument.len() >= 2 && argument.starts_with('"') && argument.ends_with('"');
        if directive.contains('=') && !(is_token(argument) || quoted) {
            return Some(format!("the argument of `{name}` is neither a token nor a quoted string"));
        }
    }
    None
}

impl Checker<'_> {
    pub(super) fn operational(&mut self) {
        self.cache();
        self.circuit_breaker();
        self.health();
    }

    fn cache(&mut self) {
        if let Some(cache) = &self.spec.cache {
            for (key, value) in [("max_entries", cache.max_entries), ("max_bytes", cache.max_bytes)] {
                if value == Some(0) {
                    self.report(codes::spec::BAD_CACHE, &format!("/cache/{key}"), format!("`{key}` must be above 0"))
                        .help = Some("leave `cache` out to cache nothing".into());
                }
            }
        }
        for (name, endpoint) in &self.spec.endpoints {
            let Some(cache) = &endpoint.cache else { continue };
            let pointer = format!("/endpoints/{name}/cache");
            if !is_safe(endpoint.method) {
                self.report_at_key(
                    codes::spec::CACHE_UNSAFE_METHOD,
                    &pointer,
                    format!(
                        "`cache` on `{name}`, a {} endpoint; only GET and HEAD responses are cached",
                        endpoint.method.as_str()
                    ),
                )
                .help = Some("remove `cache` from this endpoint".into());
            }
            if let Some(ttl) = &cache.ttl {
                self.duration(ttl, &format!("{pointer}/ttl"));
            }
            if let Some(value) = &cache.cache_control
                && let Some(problem) = cache_control_problem(value)
            {
                self.report(
                    codes::spec::BAD_CACHE,
                    &format!("{pointer}/cache_control"),
                    format!("`cache_control` `{value}` is not a `Cache-Control` value: {problem}"),
                )
                .help = Some("a comma-separated list of directives, e.g. `private, max-age=60`".into());
            }
            if cache.enabled == Some(false) && (cache.ttl.is_some() || cache.per_credential) {
                self.report(
                    codes::spec::BAD_CACHE,
                    &pointer,
                    format!("`{name}` turns caching off, so its `ttl` and `per_credential` never apply"),
                )
                .help = Some("remove `enabled: false`, or the other keys".into());
            }
        }
    }

    fn circuit_breaker(&mut self) {
        let Some(breaker) = &self.spec.circuit_breaker else { return };
        if breaker.failures.is_none() && breaker.failure_rate.is_none() {
            self.report(
                codes::spec::BAD_CIRCUIT_BREAKER,
                "/circuit_breaker",
                "the circuit can never open: neither `failures` nor `failure_rate` is given".into(),
            )
            .help = Some("add e.g. `failures: 5` (failures in the window that open the circuit)".into());
        }
        if breaker.failures == Some(0) {
            self.report(
                codes::spec::BAD_CIRCUIT_BREAKER,
                "/circuit_breaker/failures",
                "`failures` must be above 0".into(),
            );
        }
        if let Some(rate) = breaker.failure_rate
            && !(rate > 0.0 && rate <= 1.0)
        {
            self.report(
                codes::spec::BAD_CIRCUIT_BREAKER,
                "/circuit_breaker/failure_rate",
                format!("`failure_rate` {rate} is not a fraction above 0 and at most 1"),
            )
            .help = Some("e.g. `failure_rate: 0.5` opens when half the window's requests failed".into());
        }
        if breaker.half_open_probes == Some(0) {
            self.report(
                codes::spec::BAD_CIRCUIT_BREAKER,
                "/circuit_breaker/half_open_probes",
                "`half_open_probes` must be at least 1".into(),
            );
        }
        for (key, value) in [("window", &breaker.window), ("open_for", &breaker.open_for)] {
            if let Some(value) = value {
                self.duration(value, &format!("/circuit_breaker/{key}"));
            }
        }
    }

    fn health(&mut self) {
        let Some(health) = &self.spec.health else { return };
        let Some(endpoint) = self.spec.endpoints.get(&health.endpoint) else {
            let hint = did_you_mean(&health.endpoint, self.spec.endpoints.keys().map(String::as_str));
            self.report(
                codes::spec::BAD_HEALTH,
                "/health/endpoint",
                format!("unknown endpoint `{}`", health.endpoint),
            )
            .help = hint.or(Some("name an endpoint declared under `endpoints`".into()));
            return;
        };
        let name = &health.endpoint;
        let mut problems = Vec::new();
        if !is_safe(endpoint.method) {
            problems.push(format!("its method is {}, not GET or HEAD", endpoint.method.as_str()));
        }
        if !endpoint.path_params.is_empty() {
            problems.push("it has path parameters".to_string());
        }
        if endpoint.query.values().chain(endpoint.headers.values()).any(is_required) {
            problems.push("it has required parameters".to_string());
        }
        if endpoint.request.is_some() {
            problems.push("it has a request body".to_string());
        }
        if !problems.is_empty() {
            self.report(
                codes::spec::BAD_HEALTH,
                "/health/endpoint",
                format!("`{name}` cannot be the health check: {}", problems.join(", ")),
            )
            .help = Some("name a GET endpoint without arguments, such as a status or a cheap list read".into());
        }
        for (index, status) in health.status.iter().enumerate() {
            if !(100..=599).contains(status) {
                self.report(
                    codes::spec::BAD_HEALTH,
                    &format!("/health/status/{index}"),
                    format!("{status} is not an HTTP status"),
                );
            }
        }
        if let Some(body) = &health.body
            && !super::is_json_pointer(&body.pointer)
        {
            self.report(
                codes::spec::BAD_POINTER,
                "/health/body/pointer",
                format!("`{}` is not a JSON pointer", body.pointer),
            )
            .help = Some("a JSON pointer starts with `/`, e.g. `/status`".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::cache_control_problem;

    #[test]
    fn cache_control_values_are_lists_of_rfc_9111_directives() {
        for good in
            ["private, max-age=60, s-maxage=60", "no-store", "max-age=0,must-revalidate", "private=\"Set-Cookie\""]
        {
            assert_eq!(cache_control_problem(good), None, "{good}");
        }
        for (bad, problem) in [
            ("", "it is empty"),
            ("max-age=60,", "`` is not a directive name"),
            ("max age=60", "`max age=60` is not a directive name"),
            ("max-age=6 0", "the argument of `max-age` is neither a token nor a quoted string"),
            ("privé", "'é' is not a visible ASCII character"),
        ] {
            assert_eq!(cache_control_problem(bad).as_deref(), Some(problem), "{bad}");
        }
    }
}
