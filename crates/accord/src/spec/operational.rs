//! The spec keywords of running an integration in production (issue 18): response caching
//! (`cache`, top level and per endpoint), circuit breaking (`circuit_breaker`) and the health
//! check (`health`). Part of the spec language: `types.rs` holds the fields that use them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Response caching (RFC 9111) for the API's safe (`GET`, `HEAD`) endpoints: a response is
/// stored and reused as its `Cache-Control`, `Expires`, `ETag`, `Last-Modified` and `Vary`
/// headers allow, in a private cache bounded by entries and bytes. A request with
/// credentials is never cached unless its endpoint says `per_credential`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cache {
    /// Most responses held; default 1000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub max_entries: Option<u64>,
    /// Most bytes held (bodies and headers); default 16777216 (16 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub max_bytes: Option<u64>,
}

/// One endpoint's caching, overriding the HTTP-only default.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointCache {
    /// `false`: never cache this endpoint's responses. Default `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub enabled: Option<bool>,
    /// How long a response that carries no `Cache-Control` or `Expires` stays fresh, e.g.
    /// `60s` (seed 003's TTL cache); `no-store` still wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub ttl: Option<String>,
    /// The response depends on the caller's credentials: cache it keyed by a SHA-256 of the
    /// credential. Without this, requests carrying credentials are never cached.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[schemars(!skip_serializing_if)]
    pub per_credential: bool,
    /// The `Cache-Control` the provider sends on this endpoint's success responses, as its
    /// docs give it (GitHub: `private, max-age=60, s-maxage=60`): a list of RFC 9111 §5.2
    /// directives. The mock sends it, and the docs show it; the client's cache obeys the
    /// header the real server sends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub cache_control: Option<String>,
}

/// Which requests share a circuit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CircuitScope {
    /// One circuit per endpoint.
    #[default]
    Endpoint,
    /// One circuit for every request to the API's host.
    Host,
}

/// A circuit breaker: after enough failures (transport errors and 5xx) in a window the
/// circuit opens and requests fail fast with `Error::CircuitOpen`, until `open_for` has
/// passed; then `half_open_probes` requests probe, and the circuit closes when they succeed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CircuitBreaker {
    /// `endpoint` (default) or `host`.
    #[serde(default)]
    pub scope: CircuitScope,
    /// Opens when this many requests failed in the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub failures: Option<u32>,
    /// Opens when this fraction (above 0, at most 1) of the window's requests failed, once
    /// `minimum_calls` were seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub failure_rate: Option<f64>,
    /// Requests a window must hold before `failure_rate` applies; default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub minimum_calls: Option<u32>,
    /// The counting window, e.g. `60s`; default `60s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub window: Option<String>,
    /// How long an open circuit fails fast before probing, e.g. `30s`; default `30s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub open_for: Option<String>,
    /// Probes let through while half-open, all of which must succeed; default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub half_open_probes: Option<u32>,
}

/// The health check: the endpoint (or a cheap read) the generated `client.health()` sends,
/// and what a healthy answer is.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Health {
    /// The endpoint to send: a `GET` or `HEAD` without required parameters or body.
    pub endpoint: String,
    /// Statuses that mean healthy; default `[200]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub status: Vec<u16>,
    /// A value the answer's JSON body must hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub body: Option<HealthBody>,
}

/// A value a healthy answer's body holds.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthBody {
    /// JSON pointer into the body, e.g. `/status`.
    pub pointer: String,
    /// The value there (a string compared as is, others as JSON text), e.g. `ok`.
    pub equals: String,
}
