//! Caching, circuit breaking, metrics and health (issue 18), in paused time: what the
//! orders and GitHub specs declare, acted out against the fault-injecting server.

use std::time::Duration;

use accord_resilience_tests::{FaultServer, Reply};
use serde_json::json;

use super::{ORDER_PATH, github, github_issue, order, order_error, orders};

const ISSUE_PATH: &str = "/repos/octocat/hello/issues/1";

// ---------------------------------------------------------------------------------------
// Response caching

const LIST_PATH: &str = "/api/v1/orders";

fn empty_page() -> serde_json::Value {
    json!({"data": [], "pagination": {"has_more": false}})
}

#[tokio::test(start_paused = true)]
async fn orders_list_orders_is_served_from_the_cache_for_its_declared_ttl() {
    let server = FaultServer::start().await;
    server.script(LIST_PATH, [Reply::json(200, empty_page())]);
    let client = orders(&server).build().expect("client");
    for _ in 0..3 {
        client.list_orders().send().await.expect("page");
    }
    assert_eq!(server.requests(LIST_PATH).len(), 1, "the orders API sends no caching headers: the spec's 30 s TTL");
    tokio::time::advance(Duration::from_secs(29)).await;
    client.list_orders().send().await.expect("page");
    assert_eq!(server.requests(LIST_PATH).len(), 1, "still fresh at 29 s");
    client.list_orders().limit(5).send().await.expect("page");
    assert_eq!(server.requests(LIST_PATH).len(), 2, "another URL is another entry");
    tokio::time::advance(Duration::from_secs(2)).await;
    client.list_orders().send().await.expect("page");
    assert_eq!(server.requests(LIST_PATH).len(), 3, "stale after 30 s: sent again");
}

#[tokio::test(start_paused = true)]
async fn orders_get_order_carries_a_token_and_is_not_per_credential_so_it_is_never_cached() {
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::json(200, order()).header("cache-control", "private, max-age=600")]);
    let client = orders(&server).build().expect("client");
    client.get_order("ORD-1").send().await.expect("order");
    client.get_order("ORD-1").send().await.expect("order");
    assert_eq!(server.requests(ORDER_PATH).len(), 2, "a request with credentials is cached only per credential");
}

#[tokio::test(start_paused = true)]
async fn github_revalidates_a_stale_response_with_its_etag_and_a_304_reuses_the_body() {
    let server = FaultServer::start().await;
    // GitHub's caching headers (getting-started page): private, max-age=60, and an ETag.
    let fresh = Reply::json(200, github_issue(1))
        .header("cache-control", "private, max-age=60, s-maxage=60")
        .header("etag", "\"644b5b0155e6404a9cc4bd9d8b1ae730\"")
        .header("vary", "Accept, Authorization, Cookie");
    let not_modified = Reply::json(304, serde_json::Value::Null)
        .header("cache-control", "private, max-age=60, s-maxage=60")
        .header("etag", "\"644b5b0155e6404a9cc4bd9d8b1ae730\"");
    server.script(ISSUE_PATH, [fresh, not_modified]);
    let client = github(&server).build().expect("client");
    assert_eq!(client.get_issue("octocat", "hello", 1).send().await.expect("issue").number, 1);
    tokio::time::advance(Duration::from_secs(30)).await;
    client.get_issue("octocat", "hello", 1).send().await.expect("fresh hit");
    assert_eq!(server.requests(ISSUE_PATH).len(), 1, "fresh for 60 s: not sent");
    tokio::time::advance(Duration::from_secs(31)).await;
    let issue = client.get_issue("octocat", "hello", 1).send_full().await.expect("revalidated");
    assert_eq!(issue.status, 200, "a 304 hands back the stored 200");
    assert_eq!(issue.body.number, 1);
    let requests = server.requests(ISSUE_PATH);
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].header("if-none-match"), Some("\"644b5b0155e6404a9cc4bd9d8b1ae730\""));
    assert!(requests[0].header("if-none-match").is_none());
    // The 304 made it fresh again for 60 s.
    client.get_issue("octocat", "hello", 1).send().await.expect("fresh again");
    assert_eq!(server.requests(ISSUE_PATH).len(), 2);
}

#[tokio::test(start_paused = true)]
async fn no_store_is_never_cached_and_last_modified_revalidates_with_if_modified_since() {
    let server = FaultServer::start().await;
    server.script(ISSUE_PATH, [Reply::json(200, github_issue(1)).header("cache-control", "no-store")]);
    let client = github(&server).build().expect("client");
    client.get_issue("octocat", "hello", 1).send().await.expect("issue");
    client.get_issue("octocat", "hello", 1).send().await.expect("issue");
    assert_eq!(server.requests(ISSUE_PATH).len(), 2, "no-store");

    let path = "/repos/octocat/hello/issues/2";
    let modified = "Thu, 05 Jul 2012 15:31:30 GMT";
    server.script(
        path,
        [
            Reply::json(200, github_issue(2)).header("cache-control", "no-cache").header("last-modified", modified),
            // The 304 repeats the validator, as RFC 9110 §15.4.5 asks of a server.
            Reply::json(304, serde_json::Value::Null).header("last-modified", modified),
        ],
    );
    client.get_issue("octocat", "hello", 2).send().await.expect("issue");
    let issue = client.get_issue("octocat", "hello", 2).send().await.expect("revalidated");
    assert_eq!(issue.number, 2);
    let requests = server.requests(path);
    assert_eq!(requests.len(), 2, "no-cache: every use is revalidated");
    assert_eq!(requests[1].header("if-modified-since"), Some(modified));
}

/// RFC 9111 §4.3.3: a 304 means the stored response can be reused. A server may leave the
/// `Last-Modified` out of its 304 (RFC 9110 §15.4.5 does not require it): the response the
/// cache revalidated is still the one handed back, fresh again by the 304's own
/// `Cache-Control`; a 304 naming another `ETag` is not.
#[tokio::test(start_paused = true)]
async fn a_304_without_validators_revalidates_the_entry_the_conditional_request_came_from() {
    let server = FaultServer::start().await;
    let path = "/repos/octocat/hello/issues/3";
    let modified = "Thu, 05 Jul 2012 15:31:30 GMT";
    server.script(
        path,
        [
            Reply::json(200, github_issue(3)).header("cache-control", "max-age=10").header("last-modified", modified),
            Reply::json(304, serde_json::Value::Null).header("cache-control", "max-age=60"),
        ],
    );
    let client = github(&server).build().expect("client");
    client.get_issue("octocat", "hello", 3).send().await.expect("issue");
    tokio::time::advance(Duration::from_secs(11)).await;
    let issue = client.get_issue("octocat", "hello", 3).send_full().await.expect("a 304 without validators");
    assert_eq!((issue.status, issue.body.number), (200, 3), "the stored 200, not `UnexpectedStatus 304`");
    let requests = server.requests(path);
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].header("if-modified-since"), Some(modified));
    tokio::time::advance(Duration::from_secs(59)).await;
    client.get_issue("octocat", "hello", 3).send().await.expect("fresh for the 304's 60 s");
    assert_eq!(server.requests(path).len(), 2, "the 304's max-age=60 replaced the stored max-age=10");

    // A 304 with an ETag of its own that is not the stored one updates nothing.
    let path = "/repos/octocat/hello/issues/4";
    server.script(
        path,
        [
            Reply::json(200, github_issue(4)).header("cache-control", "no-cache").header("etag", "\"v1\""),
            Reply::json(304, serde_json::Value::Null).header("etag", "\"v2\""),
        ],
    );
    client.get_issue("octocat", "hello", 4).send().await.expect("issue");
    let mismatched = client.get_issue("octocat", "hello", 4).send().await;
    assert!(mismatched.is_err(), "a 304 for another representation is not the stored body: {mismatched:?}");
}

/// A hand-built runtime client: an endpoint cached by HTTP's rules alone, without
/// `per_credential`, is never cached when the request carries credentials.
#[tokio::test(start_paused = true)]
async fn a_request_with_credentials_is_not_cached_unless_the_endpoint_is_per_credential() {
    use accord_runtime::{Auth, CacheConfig, Client, ClientConfig, EndpointCache, RequestSpec, reqwest::Method};
    let server = FaultServer::start().await;
    server.script("/shared", [Reply::json(200, json!({"ok": true})).header("cache-control", "private, max-age=600")]);
    server.script("/mine", [Reply::json(200, json!({"ok": true})).header("cache-control", "private, max-age=600")]);
    let mut config = ClientConfig::new(server.url(), "test");
    config.credentials.insert("token", Auth::Bearer("secret-token".into()));
    const ENDPOINTS: &[EndpointCache] =
        &[EndpointCache { operation: "mine", enabled: true, ttl: None, per_credential: true }];
    config.cache = Some(CacheConfig { max_entries: 10, max_bytes: 1 << 20, endpoints: ENDPOINTS, store: None });
    let client = Client::new(config).expect("client");
    for _ in 0..2 {
        let mut shared = RequestSpec::new(Method::GET, "shared", "/shared".to_string());
        shared.auth = accord_runtime::Requirement::AnyOne;
        client.execute(&shared).await.expect("shared");
        let mut mine = RequestSpec::new(Method::GET, "mine", "/mine".to_string());
        mine.auth = accord_runtime::Requirement::AnyOne;
        client.execute(&mine).await.expect("mine");
    }
    assert_eq!(server.requests("/shared").len(), 2, "credentials and no per_credential: never cached");
    assert_eq!(server.requests("/mine").len(), 1, "per_credential: cached under the credential's hash");
    assert_eq!(server.requests("/mine")[0].header("authorization"), Some("Bearer secret-token"));
}

// ---------------------------------------------------------------------------------------
// Circuit breaker

#[tokio::test(start_paused = true)]
async fn five_failures_open_the_circuit_which_fails_fast_then_probes_and_closes() {
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::json(500, order_error("INTERNAL_ERROR"))]);
    let client = orders(&server).build().expect("client");
    // orders.yaml: 3 attempts per call, and the circuit opens at 5 failures in 60 s.
    assert!(client.get_order("ORD-1").send().await.is_err());
    assert_eq!(server.requests(ORDER_PATH).len(), 3);
    let second = client.get_order("ORD-1").send().await.expect_err("still failing");
    assert!(matches!(second, orders_client::errors::Error::Api(_)), "{second:?}");
    assert_eq!(server.requests(ORDER_PATH).len(), 5, "the 5th failure opened it: no 3rd attempt, no retry spent");
    let breaker = client.circuit_breaker().expect("declared");
    let state = breaker.snapshot("get_order").await.expect("circuit");
    assert_eq!(state.phase, accord_runtime::store::CircuitPhase::Open);

    let refused = client.get_order("ORD-1").send().await.expect_err("open");
    let orders_client::errors::Error::CircuitOpen(open) = &refused else {
        panic!("expected CircuitOpen, got {refused:?}")
    };
    assert_eq!(open.circuit, "get_order");
    assert!(open.retry_in <= Duration::from_secs(30) && open.retry_in > Duration::from_secs(25), "{:?}", open.retry_in);
    assert_eq!(server.requests(ORDER_PATH).len(), 5, "an open circuit sends nothing");
    // Other endpoints have circuits of their own.
    server.script("/api/v1/orders", [Reply::json(200, json!({"data": [], "pagination": {"has_more": false}}))]);
    client.list_orders().send().await.expect("list_orders' circuit is closed");

    tokio::time::advance(open.retry_in).await;
    server.script(ORDER_PATH, [Reply::json(200, order())]);
    let probe = client.get_order("ORD-1").send().await.expect("the probe succeeds");
    assert_eq!(probe.order_id, "ORD-1");
    assert_eq!(
        breaker.snapshot("get_order").await.expect("circuit").phase,
        accord_runtime::store::CircuitPhase::Closed
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_probe_opens_the_circuit_again() {
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::json(500, order_error("INTERNAL_ERROR"))]);
    let client = orders(&server).build().expect("client");
    let _ = client.get_order("ORD-1").send().await;
    let _ = client.get_order("ORD-1").send().await;
    tokio::time::advance(Duration::from_secs(30)).await;
    let _ = client.get_order("ORD-1").send().await;
    assert_eq!(server.requests(ORDER_PATH).len(), 6, "one probe, not retried: the circuit opened again");
    let refused = client.get_order("ORD-1").send().await.expect_err("open again");
    assert!(matches!(refused, orders_client::errors::Error::CircuitOpen(_)), "{refused:?}");
}

// ---------------------------------------------------------------------------------------
// Metrics

#[tokio::test(start_paused = true)]
async fn metrics_follow_the_opentelemetry_http_client_conventions() {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let _guard = metrics::set_default_local_recorder(&recorder);

    let server = FaultServer::start().await;
    server.script(
        ORDER_PATH,
        [
            Reply::json(503, order_error("SERVICE_UNAVAILABLE")),
            Reply::json(200, order()).header("x-ratelimit-remaining", "42"),
        ],
    );
    server.script(LIST_PATH, [Reply::json(200, empty_page())]);
    let client = orders(&server).build().expect("client");
    client.get_order("ORD-1").send().await.expect("second attempt succeeds");
    client.list_orders().send().await.expect("cache miss");
    client.list_orders().send().await.expect("cache hit");

    let snapshot = snapshotter.snapshot().into_vec();
    let find = |name: &str, labels: &[(&str, &str)]| -> Vec<String> {
        snapshot
            .iter()
            .filter(|(key, ..)| {
                key.key().name() == name
                    && labels.iter().all(|(k, v)| key.key().labels().any(|l| l.key() == *k && l.value() == *v))
            })
            .map(|(_, _, _, value)| format!("{value:?}"))
            .collect()
    };
    let durations = |status: &str| match find(
        "http.client.request.duration",
        &[
            ("http.request.method", "GET"),
            ("server.address", "127.0.0.1"),
            ("accord.operation", "get_order"),
            ("http.response.status_code", status),
        ],
    )
    .as_slice()
    {
        [histogram] if histogram.starts_with("Histogram(") => {
            let inner = histogram
                .trim_start_matches("Histogram(")
                .trim_start_matches('[')
                .trim_end_matches(')')
                .trim_end_matches(']');
            inner.split(',').filter(|sample| !sample.trim().is_empty()).count()
        }
        other => panic!("one histogram for status {status}, got {other:?}"),
    };
    assert_eq!(durations("503"), 1);
    assert_eq!(durations("200"), 1);
    assert_eq!(
        find("http.client.request.duration", &[("error.type", "503")]).len(),
        1,
        "error.type is the status code of a failed request"
    );
    assert_eq!(
        find("accord.client.retries", &[("accord.retry.strategy", "backoff")]),
        vec![format!("{:?}", DebugValue::Counter(1))]
    );
    assert_eq!(
        find("accord.client.attempts", &[("accord.operation", "get_order")]),
        vec![format!("{:?}", DebugValue::Counter(2))],
        "503 then 200; the cache hit sends nothing"
    );
    assert_eq!(
        find("accord.client.cache.requests", &[("accord.cache.result", "miss")]),
        vec![format!("{:?}", DebugValue::Counter(1))]
    );
    assert_eq!(
        find("accord.client.cache.requests", &[("accord.cache.result", "hit")]),
        vec![format!("{:?}", DebugValue::Counter(1))]
    );
    assert_eq!(
        find("accord.client.rate_limit.remaining", &[("accord.operation", "get_order")]),
        vec![format!("{:?}", DebugValue::Gauge(42.0.into()))]
    );
    assert_eq!(
        find("accord.client.token.refreshes", &[("accord.token.reason", "fetch")]),
        vec![format!("{:?}", DebugValue::Counter(1))]
    );
}

#[tokio::test(start_paused = true)]
async fn circuit_transitions_are_counted() {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let _guard = metrics::set_default_local_recorder(&recorder);
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::json(500, order_error("INTERNAL_ERROR"))]);
    let client = orders(&server).build().expect("client");
    let _ = client.get_order("ORD-1").send().await;
    let _ = client.get_order("ORD-1").send().await;
    let _ = client.get_order("ORD-1").send().await;
    let snapshot = snapshotter.snapshot().into_vec();
    let opened: Vec<_> = snapshot
        .iter()
        .filter(|(key, ..)| {
            key.key().name() == "accord.client.circuit.transitions"
                && key.key().labels().any(|l| l.key() == "accord.circuit.to" && l.value() == "open")
        })
        .map(|(_, _, _, value)| format!("{value:?}"))
        .collect();
    assert_eq!(opened, vec![format!("{:?}", DebugValue::Counter(1))]);
    let rejected: Vec<_> = snapshot
        .iter()
        .filter(|(key, ..)| key.key().name() == "accord.client.circuit.rejected")
        .map(|(_, _, _, value)| format!("{value:?}"))
        .collect();
    assert_eq!(rejected, vec![format!("{:?}", DebugValue::Counter(1))]);
}

// ---------------------------------------------------------------------------------------
// Health

#[tokio::test(start_paused = true)]
async fn health_reports_the_probe_circuits_token_and_headroom() {
    let server = FaultServer::start().await;
    server.script(
        "/api/v1/orders",
        [Reply::json(200, json!({"data": [], "pagination": {"has_more": false}}))
            .header("x-ratelimit-remaining", "97")],
    );
    let client = orders(&server).build().expect("client");
    let health = client.health().await.expect("health");
    assert!(health.healthy, "{health:?}");
    assert_eq!(health.probe.operation, "list_orders");
    assert_eq!(health.probe.status, Some(200));
    assert_eq!(health.rate_limit.server_remaining, Some(97));
    assert_eq!(health.credentials.len(), 1);
    assert_eq!(health.credentials[0].name, "client_credentials");
    assert_eq!(
        health.credentials[0].state,
        accord_runtime::health::CredentialState::Token { valid: true, expires_in_s: Some(3_600), fetching: false }
    );
    assert_eq!(health.circuits.len(), 1);
    let value = serde_json::to_value(&health).expect("serialisable");
    assert_eq!(value["circuits"][0]["state"], "closed");
    assert_eq!(value["credentials"][0]["state"]["kind"], "token");

    // A failing API: the probe answers 503, and five of them open list_orders' circuit.
    server.script("/api/v1/orders", [Reply::json(503, order_error("SERVICE_UNAVAILABLE"))]);
    let _ = client.list_orders().send().await;
    let _ = client.list_orders().send().await;
    let health = client.health().await.expect("health");
    assert!(!health.healthy);
    assert_eq!(health.probe.status, None, "the open circuit refused the probe: {:?}", health.probe);
    assert!(health.probe.error.as_deref().is_some_and(|e| e.contains("circuit")), "{:?}", health.probe.error);
    assert_eq!(value["circuits"][0]["circuit"], "list_orders");
    let json = serde_json::to_value(&health).expect("serialisable");
    assert_eq!(json["circuits"][0]["state"], "open");
}
