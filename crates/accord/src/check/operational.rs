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
