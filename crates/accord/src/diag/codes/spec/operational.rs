//! `spec::*` codes of `cache`, `circuit_breaker` and `health` (found by `check::operational`).

use crate::diag::codes::Example;

codes! {
    CACHE_UNSAFE_METHOD = "spec::cache_unsafe_method", Error {
        summary: "`cache` on an endpoint whose method is not GET or HEAD",
        explanation: "Only responses to safe methods (GET, HEAD; RFC 9110 §9.2.1) are reused: a \
            POST, PUT, PATCH or DELETE acts on the server, and answering it from a cache would skip \
            the action. RFC 9111 allows caching a POST response only for a later GET of its \
            `Content-Location`, which accord does not do. Remove `cache` from the endpoint.",
        example: Example::fixed(
            r#"
endpoints:
  create_order:
    method: POST
    path: /orders
    cache: { ttl: 60s }
    responses: { "201": any }
"#,
            r#"
endpoints:
  create_order:
    method: POST
    path: /orders
    responses: { "201": any }
"#,
        ),
    }

    BAD_CACHE = "spec::bad_cache", Error {
        summary: "a `cache` declaration that cannot hold anything or contradicts itself",
        explanation: "`max_entries` and `max_bytes` bound the response cache's memory and must be \
            above 0 (leave `cache` out to cache nothing). An endpoint's `cache` with \
            `enabled: false` turns caching off for it, so a `ttl` or `per_credential` next to it \
            would never apply. An endpoint's `cache_control` is the `Cache-Control` header the \
            provider sends (RFC 9111 §5.2: comma-separated directives, each a token with an \
            optional token or quoted-string argument), and the mock sends it as written.",
        example: Example::fixed(
            r#"
cache: { max_entries: 0 }
endpoints:
  get_order:
    method: GET
    path: /orders
    responses: { "200": any }
"#,
            r#"
cache: { max_entries: 500 }
endpoints:
  get_order:
    method: GET
    path: /orders
    responses: { "200": any }
"#,
        ),
    }

    BAD_CIRCUIT_BREAKER = "spec::bad_circuit_breaker", Error {
        summary: "a `circuit_breaker` that can never open, or whose numbers are out of range",
        explanation: "A circuit opens when the failures in its window reach `failures` (a count \
            above 0) or `failure_rate` (a fraction above 0 and at most 1, applied once \
            `minimum_calls` requests were seen); one of the two must be given. `half_open_probes` \
            is how many requests test recovery and must be at least 1.",
        example: Example::fixed(
            r#"
circuit_breaker: { window: 60s }
endpoints:
  get_order:
    method: GET
    path: /orders
    responses: { "200": any }
"#,
            r#"
circuit_breaker: { failures: 5, window: 60s, open_for: 30s }
endpoints:
  get_order:
    method: GET
    path: /orders
    responses: { "200": any }
"#,
        ),
    }

    BAD_HEALTH = "spec::bad_health", Error {
        summary: "the `health` endpoint is unknown, not a safe method, or needs arguments",
        explanation: "`health.endpoint` names the endpoint the generated `client.health()` sends. \
            It must be declared under `endpoints`, use GET or HEAD (a health check must not act on \
            the server), and need nothing the client cannot make up: no path parameters, no \
            required query or header parameters, no request body.",
        example: Example::fixed(
            r#"
health: { endpoint: get_status }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": any }
"#,
            r#"
health: { endpoint: get_status }
endpoints:
  get_status:
    method: GET
    path: /status
    responses: { "200": any }
"#,
        ),
    }
}
