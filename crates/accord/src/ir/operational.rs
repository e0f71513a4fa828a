//! The lowered form of the production keywords (issue 18): response caching, circuit
//! breaking, the health check. Times in milliseconds, names resolved.

use serde::Serialize;

pub use crate::spec::CircuitScope;

/// `cache`, `circuit_breaker` and `health` of a spec.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OperationalIr {
    /// Response caching, when the spec declares `cache` at the top or on an endpoint.
    pub cache: Option<CacheIr>,
    /// Circuit breaking.
    pub circuit_breaker: Option<CircuitBreakerIr>,
    /// The health check.
    pub health: Option<HealthIr>,
}

/// Response caching.
#[derive(Debug, Clone, Serialize)]
pub struct CacheIr {
    /// Most entries held.
    pub max_entries: u64,
    /// Most bytes held.
    pub max_bytes: u64,
    /// Endpoints that declare their own `cache`, in spec order.
    pub endpoints: Vec<EndpointCacheIr>,
    /// Safe-method endpoints cached by HTTP's rules alone (none of their own), in spec order.
    pub by_headers: Vec<String>,
}

/// One endpoint's `cache`.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointCacheIr {
    /// The operation (spec name).
    pub operation: String,
    /// `false`: never cached.
    pub enabled: bool,
    /// Freshness of responses without caching headers, in ms.
    pub ttl_ms: Option<u64>,
    /// Keyed by a hash of the credential.
    pub per_credential: bool,
    /// The `Cache-Control` the provider sends (what the mock sends).
    pub cache_control: Option<String>,
}

/// Circuit breaking.
#[derive(Debug, Clone, Serialize)]
pub struct CircuitBreakerIr {
    /// Per endpoint or per host.
    pub scope: CircuitScope,
    /// Failures in the window that open the circuit.
    pub failures: Option<u32>,
    /// Failure fraction that opens it.
    pub failure_rate: Option<f64>,
    /// Calls before the rate applies.
    pub minimum_calls: u32,
    /// Window, ms.
    pub window_ms: u64,
    /// Open time before probing, ms.
    pub open_for_ms: u64,
    /// Probes while half-open.
    pub half_open_probes: u32,
}

/// The health check.
#[derive(Debug, Clone, Serialize)]
pub struct HealthIr {
    /// The operation sent (spec name).
    pub operation: String,
    /// Its client method.
    pub method_name: String,
    /// Its request builder type.
    pub builder_name: String,
    /// Healthy statuses.
    pub statuses: Vec<u16>,
    /// A body value: (JSON pointer, expected text).
    pub body: Option<(String, String)>,
}

/// accord's numbers where a spec's `cache` or `circuit_breaker` is silent.
pub mod defaults {
    /// Entries a cache holds.
    pub const CACHE_MAX_ENTRIES: u64 = 1_000;
    /// Bytes a cache holds (16 MiB).
    pub const CACHE_MAX_BYTES: u64 = 16 * 1024 * 1024;
    /// Calls before a failure rate applies.
    pub const CIRCUIT_MINIMUM_CALLS: u32 = 10;
    /// Counting window, ms.
    pub const CIRCUIT_WINDOW_MS: u64 = 60_000;
    /// Open time, ms.
    pub const CIRCUIT_OPEN_FOR_MS: u64 = 30_000;
    /// Half-open probes.
    pub const CIRCUIT_HALF_OPEN_PROBES: u32 = 1;
}
