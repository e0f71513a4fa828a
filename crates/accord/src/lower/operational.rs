//! Lowers `cache`, `circuit_breaker` and `health` (issue 18). `check` has refused what
//! these cannot lower (bad durations, unknown or unsafe endpoints), so what is left unparsed
//! here falls back to the defaults.

use crate::ir::operational::{CacheIr, CircuitBreakerIr, EndpointCacheIr, HealthIr, OperationalIr, defaults};
use crate::ir::{HttpMethod, Operation};
use crate::spec::Spec;
use crate::units::parse_duration;

fn millis(text: Option<&String>) -> Option<u64> {
    text.and_then(|text| parse_duration(text).ok()).map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The operational IR of `spec`, whose operations are already lowered.
pub(super) fn lower(spec: &Spec, operations: &[Operation]) -> OperationalIr {
    let endpoints: Vec<EndpointCacheIr> = spec
        .endpoints
        .iter()
        .filter_map(|(name, endpoint)| {
            let cache = endpoint.cache.as_ref()?;
            Some(EndpointCacheIr {
                operation: name.clone(),
                enabled: cache.enabled.unwrap_or(true),
                ttl_ms: millis(cache.ttl.as_ref()),
                per_credential: cache.per_credential,
                cache_control: cache.cache_control.clone(),
            })
        })
        .collect();
    let cache = (spec.cache.is_some() || !endpoints.is_empty()).then(|| {
        let top = spec.cache.clone().unwrap_or_default();
        let by_headers = operations
            .iter()
            .filter(|operation| matches!(operation.http_method, HttpMethod::Get | HttpMethod::Head))
            .filter(|operation| !endpoints.iter().any(|endpoint| endpoint.operation == operation.name))
            .map(|operation| operation.name.clone())
            .collect();
        CacheIr {
            max_entries: top.max_entries.unwrap_or(defaults::CACHE_MAX_ENTRIES),
            max_bytes: top.max_bytes.unwrap_or(defaults::CACHE_MAX_BYTES),
            endpoints,
            by_headers,
        }
    });
    let circuit_breaker = spec.circuit_breaker.as_ref().map(|breaker| CircuitBreakerIr {
        scope: breaker.scope,
        failures: breaker.failures,
        failure_rate: breaker.failure_rate,
        minimum_calls: breaker.minimum_calls.unwrap_or(defaults::CIRCUIT_MINIMUM_CALLS),
        window_ms: millis(breaker.window.as_ref()).unwrap_or(defaults::CIRCUIT_WINDOW_MS),
        open_for_ms: millis(breaker.open_for.as_ref()).unwrap_or(defaults::CIRCUIT_OPEN_FOR_MS),
        half_open_probes: breaker.half_open_probes.unwrap_or(defaults::CIRCUIT_HALF_OPEN_PROBES),
    });
    let health = spec.health.as_ref().and_then(|health| {
        let operation = operations.iter().find(|operation| operation.name == health.endpoint)?;
        Some(HealthIr {
            operation: operation.name.clone(),
            method_name: operation.method_name.clone(),
            builder_name: operation.builder_name.clone(),
            statuses: if health.status.is_empty() { vec![200] } else { health.status.clone() },
            body: health.body.as_ref().map(|body| (body.pointer.clone(), body.equals.clone())),
        })
    });
    OperationalIr { cache, circuit_breaker, health }
}
