//! Resilience of the generated clients, driven by what each spec declares: retries by error
//! code, backoff bounds, `Retry-After`, idempotency keys, resets, stalls, timeouts, OAuth 2.0
//! refresh without storms, client-side rate limits, the retry budget, pagination in every
//! style, and what tracing shows. Every test runs against a real server on 127.0.0.1 in
//! tokio's paused time, so delays are measured exactly and nothing really sleeps.

use std::time::{Duration, SystemTime};

use accord_resilience_tests::{FaultServer, Reply, capture_tracing, gaps, resetting_server};
use accord_runtime::{ClientCredentials, RateLimit, RateLimitConfig, RetryBudgetSettings};
use futures_util::{StreamExt as _, TryStreamExt as _};
use serde_json::{Value, json};

/// Errors in 200 bodies count as failures for the retry budget and the circuit (issue 16).
#[path = "body_errors/mod.rs"]
mod body_errors;
mod oauth;
/// Caching, circuit breaking, metrics and health (issue 18).
#[path = "operational/mod.rs"]
mod operational;

const TOKEN_PATH: &str = "/oauth/token";
const ORDER_PATH: &str = "/api/v1/orders/ORD-1";

fn order() -> Value {
    json!({"order_id": "ORD-1", "status": "pending"})
}

fn order_error(code: &str) -> Value {
    json!({"error_code": code, "message": "scripted failure"})
}

/// An orders client (OAuth 2.0 client credentials, as the spec declares) for `server`.
fn orders(server: &FaultServer) -> orders_client::ClientBuilder {
    server.issue_tokens(TOKEN_PATH, 3_600);
    orders_client::Client::builder()
        .base_url(server.url())
        .client_credentials(ClientCredentials::new("client-id", "client-secret-value"))
        .client_credentials_token_url(format!("{}{TOKEN_PATH}", server.url()))
}

fn new_order() -> orders_client::models::CreateOrder {
    serde_json::from_value(json!({"customer_id": "CUST-1", "items": [{"product_id": "SKU-1", "quantity": 1}]}))
        .expect("a valid order")
}

// ---------------------------------------------------------------------------------------
// Retries by declared strategy

#[tokio::test(start_paused = true)]
async fn service_unavailable_twice_then_success_takes_three_attempts_within_backoff_bounds() {
    let server = FaultServer::start().await;
    let unavailable = Reply::json(503, order_error("SERVICE_UNAVAILABLE"));
    server.script(ORDER_PATH, [unavailable.clone(), unavailable, Reply::json(200, order())]);
    let client = orders(&server).build().expect("client");
    let order = client.get_order("ORD-1").send().await.expect("the third attempt succeeds");
    assert_eq!(order.order_id, "ORD-1");
    let requests = server.requests(ORDER_PATH);
    assert_eq!(requests.len(), 3);
    // orders.yaml: backoff 1s doubling, full jitter: retry n waits in [0, 1s * 2^(n-1)].
    let gaps = gaps(&requests);
    assert!(gaps[0] <= Duration::from_secs(1), "first retry waited {:?}", gaps[0]);
    assert!(gaps[1] <= Duration::from_secs(2), "second retry waited {:?}", gaps[1]);
    // One logical request: the same X-Request-ID on every attempt.
    let ids: Vec<_> = requests.iter().map(|r| r.header("x-request-id").expect("request id").to_string()).collect();
    assert!(ids.iter().all(|id| id == &ids[0]), "{ids:?}");
}

#[tokio::test(start_paused = true)]
async fn attempts_stop_at_max_attempts_and_return_the_declared_error() {
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::json(500, order_error("INTERNAL_ERROR")).header("X-Request-ID", "req-500")]);
    let client = orders(&server).build().expect("client");
    let error = client.get_order("ORD-1").send().await.expect_err("every attempt fails");
    assert!(
        matches!(&error, orders_client::errors::Error::Api(orders_client::errors::ApiError::InternalError(_))),
        "{error:?}"
    );
    assert_eq!(server.requests(ORDER_PATH).len(), 3, "orders.yaml declares max_attempts: 3");
    // The provider's request id comes back on the error.
    assert_eq!(error.request_id(), Some("req-500"));
    assert_eq!(error.status(), Some(500));
}

#[tokio::test(start_paused = true)]
async fn a_never_code_is_not_retried() {
    let server = FaultServer::start().await;
    server.script("/api/v1/orders", [Reply::json(400, order_error("VALIDATION_ERROR"))]);
    let client = orders(&server).build().expect("client");
    let error = client.create_order(&new_order()).send().await.expect_err("400");
    assert!(
        matches!(&error, orders_client::errors::Error::Api(orders_client::errors::ApiError::ValidationError(_))),
        "{error:?}"
    );
    assert_eq!(server.requests("/api/v1/orders").len(), 1);
}

#[tokio::test(start_paused = true)]
async fn an_undeclared_5xx_follows_the_default_policy() {
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::json(502, json!({"oops": true})), Reply::json(200, order())]);
    let client = orders(&server).build().expect("client");
    client.get_order("ORD-1").send().await.expect("retried after the 502");
    assert_eq!(server.requests(ORDER_PATH).len(), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_after_in_seconds_is_waited_exactly() {
    let server = FaultServer::start().await;
    let limited = Reply::json(429, order_error("RATE_LIMIT_EXCEEDED")).header("Retry-After", "7");
    server.script(ORDER_PATH, [limited, Reply::json(200, order())]);
    let client = orders(&server).build().expect("client");
    client.get_order("ORD-1").send().await.expect("retried after Retry-After");
    let requests = server.requests(ORDER_PATH);
    assert_eq!(requests.len(), 2);
    assert_eq!(gaps(&requests)[0], Duration::from_secs(7));
}

#[tokio::test(start_paused = true)]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = FaultServer::start().await;
    // RFC 9110 §10.2.3: an HTTP-date, whole seconds, measured from the client's wall clock.
    // Six seconds after the current whole second is between 5 and 6 seconds away (less the
    // milliseconds the client takes to read its clock).
    let whole_second = SystemTime::UNIX_EPOCH
        + Duration::from_secs(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).expect("after 1970").as_secs());
    let date = httpdate::fmt_http_date(whole_second + Duration::from_secs(6));
    let limited = Reply::json(429, order_error("RATE_LIMIT_EXCEEDED")).header("Retry-After", &date);
    server.script(ORDER_PATH, [limited, Reply::json(200, order())]);
    let client = orders(&server).build().expect("client");
    client.get_order("ORD-1").send().await.expect("retried after the date");
    let gap = gaps(&server.requests(ORDER_PATH))[0];
    assert!(gap > Duration::from_secs(4) && gap <= Duration::from_secs(6), "waited {gap:?}");
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_cap_is_returned_not_slept() {
    let server = FaultServer::start().await;
    let limited = Reply::json(429, order_error("RATE_LIMIT_EXCEEDED")).header("Retry-After", "3600");
    server.script(ORDER_PATH, [limited]);
    let client = orders(&server).max_retry_after(Duration::from_secs(60)).build().expect("client");
    let error = client.get_order("ORD-1").send().await.expect_err("not retried");
    assert!(
        matches!(&error, orders_client::errors::Error::Api(orders_client::errors::ApiError::RateLimitExceeded(_))),
        "{error:?}"
    );
    assert_eq!(server.requests(ORDER_PATH).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn without_retry_after_github_waits_for_the_declared_reset_header() {
    let server = FaultServer::start().await;
    let path = "/repos/octocat/hello";
    // github.yaml: 429 RATE_LIMITED is `after_header`, and `X-RateLimit-Reset` (Unix seconds)
    // is the declared reset header. Six seconds after the current whole second is 5 to 6 s away.
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).expect("after 1970").as_secs();
    let limited = Reply::json(
        429,
        json!({"message": "API rate limit exceeded", "documentation_url": "https://docs.github.com/rest"}),
    )
    .header("X-RateLimit-Remaining", "0")
    .header("X-RateLimit-Reset", &(now + 6).to_string());
    server.script(
        path,
        [
            limited,
            Reply::json(404, json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})),
        ],
    );
    let client = github(&server).build().expect("client");
    let _ = client.get_repository("octocat", "hello").send().await;
    let requests = server.requests(path);
    assert_eq!(requests.len(), 2);
    let gap = gaps(&requests)[0];
    assert!(gap > Duration::from_secs(4) && gap <= Duration::from_secs(6), "waited {gap:?}");
}

#[tokio::test(start_paused = true)]
async fn a_refused_connection_is_retried_even_for_a_post_without_a_key() {
    let capture = capture_tracing();
    // A port that was just free: nothing listens, so connecting is refused at once.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    let client = github_client::Client::builder().base_url(url).bearer_token("t").build().expect("client");
    let body: github_client::models::CreateIssueRequest =
        serde_json::from_value(json!({"title": "x"})).expect("issue body");
    let error = client.create_issue("o", "r", &body).send().await.expect_err("nobody listens");
    match &error {
        github_client::errors::Error::Transport(transport) => assert!(transport.is_connect(), "{transport}"),
        other => panic!("expected a connect error, got {other:?}"),
    }
    // The server never saw the request, so repeating it is safe: max_attempts 3 = 2 retries.
    let retries = capture.text().lines().filter(|line| line.contains("retrying")).count();
    assert_eq!(retries, 2, "{}", capture.text());
}

// ---------------------------------------------------------------------------------------
// Idempotency

fn github(server: &FaultServer) -> github_client::ClientBuilder {
    github_client::Client::builder().base_url(server.url()).bearer_token("ghp_secret_token_value")
}

#[tokio::test(start_paused = true)]
async fn a_post_without_an_idempotency_key_is_not_retried_after_a_500() {
    let server = FaultServer::start().await;
    let path = "/repos/octocat/hello/issues";
    server.script(path, [Reply::json(500, json!({"message": "Server Error"}))]);
    let client = github(&server).build().expect("client");
    let body: github_client::models::CreateIssueRequest =
        serde_json::from_value(json!({"title": "Found a bug"})).expect("issue body");
    let result = client.create_issue("octocat", "hello", &body).send().await;
    assert!(result.is_err());
    // github.yaml declares no idempotency header: the server may have created the issue.
    assert_eq!(server.requests(path).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_post_with_a_declared_idempotency_key_is_retried_with_the_same_key() {
    let server = FaultServer::start().await;
    let path = "/api/v1/orders";
    server.script(path, [Reply::json(500, order_error("INTERNAL_ERROR")), Reply::json(201, order())]);
    let client = orders(&server).build().expect("client");
    // No key given: the client adds a UUID v4 and keeps it for the retry.
    client.create_order(&new_order()).send().await.expect("retried");
    let requests = server.requests(path);
    assert_eq!(requests.len(), 2);
    let key = requests[0].header("x-idempotency-key").expect("an automatic key").to_string();
    assert_eq!(key.len(), 36, "a UUID: {key}");
    assert_eq!(requests[1].header("x-idempotency-key"), Some(key.as_str()));

    // A key the caller chose is the one sent on every attempt.
    server.script(path, [Reply::json(503, order_error("SERVICE_UNAVAILABLE")), Reply::json(201, order())]);
    client.create_order(&new_order()).idempotency_key("order-42").send().await.expect("retried");
    let requests = server.requests(path);
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[2].header("x-idempotency-key"), Some("order-42"));
    assert_eq!(requests[3].header("x-idempotency-key"), Some("order-42"));
}

// ---------------------------------------------------------------------------------------
// Transport failures and timeouts

#[tokio::test(start_paused = true)]
async fn a_connection_reset_mid_response_is_retried() {
    let (url, connections) = resetting_server(1, 200, order()).await;
    let client = orders_client::Client::builder().base_url(url).allow_anonymous().build().expect("client");
    let order = client.get_order("ORD-1").send().await.expect("the second connection answers");
    assert_eq!(order.order_id, "ORD-1");
    assert_eq!(*connections.lock().expect("counter"), 2);
}

#[tokio::test(start_paused = true)]
async fn a_reset_on_a_post_without_a_key_is_not_retried() {
    let (url, connections) = resetting_server(5, 200, order()).await;
    let client = github_client::Client::builder().base_url(url).bearer_token("t").build().expect("client");
    let body: github_client::models::CreateIssueRequest =
        serde_json::from_value(json!({"title": "x"})).expect("issue body");
    let error = client.create_issue("o", "r", &body).send().await.expect_err("reset");
    assert!(matches!(error, github_client::errors::Error::Transport(_)), "{error:?}");
    assert_eq!(*connections.lock().expect("counter"), 1);
}

#[tokio::test(start_paused = true)]
async fn a_stalled_response_hits_the_attempt_timeout_and_is_retried() {
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::Stall, Reply::json(200, order())]);
    let client = orders(&server).attempt_timeout(Duration::from_secs(2)).build().expect("client");
    client.get_order("ORD-1").send().await.expect("the retry answers");
    let requests = server.requests(ORDER_PATH);
    assert_eq!(requests.len(), 2);
    // The first attempt gave up after 2 s, then waited a jittered backoff of at most 1 s.
    let gap = gaps(&requests)[0];
    assert!(gap >= Duration::from_secs(2) && gap <= Duration::from_secs(3), "{gap:?}");
}

#[tokio::test(start_paused = true)]
async fn the_operation_timeout_bounds_every_attempt_and_wait() {
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::Stall]);
    let client = orders(&server)
        .attempt_timeout(Duration::from_secs(4))
        .operation_timeout(Some(Duration::from_secs(5)))
        .build()
        .expect("client");
    let start = tokio::time::Instant::now();
    let error = client.get_order("ORD-1").send().await.expect_err("times out");
    let elapsed = start.elapsed();
    match &error {
        orders_client::errors::Error::Transport(transport) => assert!(transport.is_timeout(), "{transport}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(elapsed <= Duration::from_secs(5), "{elapsed:?}");
    assert!(server.requests(ORDER_PATH).len() <= 2);
}

// ---------------------------------------------------------------------------------------
// OAuth 2.0 refresh

#[tokio::test(start_paused = true)]
async fn tokens_are_refreshed_before_they_expire() {
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::json(200, order())]);
    let client = orders(&server).build().expect("client");
    client.get_order("ORD-1").send().await.expect("first call");
    client.get_order("ORD-1").send().await.expect("cached token");
    assert_eq!(server.token_requests(), 1);
    // expires_in 3600 s, refreshed 300 s early (orders.yaml `refresh_before_expiry`).
    tokio::time::advance(Duration::from_secs(3_299)).await;
    client.get_order("ORD-1").send().await.expect("still cached");
    assert_eq!(server.token_requests(), 1);
    tokio::time::advance(Duration::from_secs(2)).await;
    client.get_order("ORD-1").send().await.expect("refreshed");
    assert_eq!(server.token_requests(), 2);
    assert_eq!(
        server.requests(ORDER_PATH).last().and_then(|r| r.header("authorization").map(str::to_string)).as_deref(),
        Some("Bearer token-2")
    );
}

#[tokio::test(start_paused = true)]
async fn a_401_refreshes_once_and_fifty_concurrent_requests_share_the_refresh() {
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::json(200, order())]);
    server.require_newest_token(Reply::json(401, order_error("UNAUTHORIZED")));
    let client = orders(&server).build().expect("client");
    client.get_order("ORD-1").send().await.expect("first call");
    assert_eq!(server.token_requests(), 1);
    // The provider revokes the token: every request with it now gets 401.
    server.revoke_tokens();
    let calls = (0..50).map(|_| {
        let client = client.clone();
        async move { client.get_order("ORD-1").send().await }
    });
    let results = futures_util::future::join_all(calls).await;
    assert!(results.iter().all(Result::is_ok), "{:?}", results.iter().find(|r| r.is_err()));
    assert_eq!(server.token_requests(), 2, "one refresh for 50 rejected requests");
    // 1 + 50 rejected + 50 retried.
    assert_eq!(server.requests(ORDER_PATH).len(), 101);
}

#[tokio::test(start_paused = true)]
async fn a_401_that_persists_after_the_refresh_is_returned() {
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::json(401, order_error("UNAUTHORIZED"))]);
    let client = orders(&server).build().expect("client");
    let error = client.get_order("ORD-1").send().await.expect_err("still 401");
    assert!(
        matches!(&error, orders_client::errors::Error::Api(orders_client::errors::ApiError::Unauthorized(_))),
        "{error:?}"
    );
    assert_eq!(server.requests(ORDER_PATH).len(), 2, "exactly one refresh and one retry");
    assert_eq!(server.token_requests(), 2);
}

// ---------------------------------------------------------------------------------------
// Client-side rate limits

#[tokio::test(start_paused = true)]
async fn with_100_per_minute_and_burst_10_the_eleventh_request_waits() {
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::json(200, order())]);
    let limits = RateLimitConfig {
        default: Some(RateLimit { requests: 100, window: Duration::from_secs(60), burst: 10 }),
        ..RateLimitConfig::default()
    };
    let client = orders(&server).rate_limits(Some(limits)).build().expect("client");
    for _ in 0..11 {
        client.get_order("ORD-1").send().await.expect("call");
    }
    let requests = server.requests(ORDER_PATH);
    let start = requests[0].at;
    assert!(requests[..10].iter().all(|r| r.at == start), "the burst of 10 goes at once");
    // 100/minute refills one token every 600 ms.
    assert_eq!(requests[10].at - start, Duration::from_millis(600));
}

#[tokio::test(start_paused = true)]
async fn the_declared_limits_apply_and_clones_share_them() {
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::json(200, order())]);
    // orders.yaml: get_order 300/minute with a burst of 300.
    let client = orders(&server).build().expect("client");
    let other = client.clone();
    for index in 0..301 {
        let client = if index % 2 == 0 { &client } else { &other };
        client.get_order("ORD-1").send().await.expect("call");
    }
    let requests = server.requests(ORDER_PATH);
    assert_eq!(requests[299].at, requests[0].at);
    assert_eq!(requests[300].at - requests[0].at, Duration::from_millis(200));
}

#[tokio::test(start_paused = true)]
async fn the_servers_remaining_zero_holds_requests_until_the_reset() {
    let server = FaultServer::start().await;
    // orders.yaml declares X-RateLimit-Remaining and X-RateLimit-Reset.
    let exhausted = Reply::json(200, order()).header("X-RateLimit-Remaining", "0").header("X-RateLimit-Reset", "30");
    server.script(ORDER_PATH, [exhausted, Reply::json(200, order())]);
    let client = orders(&server).build().expect("client");
    client.get_order("ORD-1").send().await.expect("first");
    client.get_order("ORD-1").send().await.expect("second");
    assert_eq!(gaps(&server.requests(ORDER_PATH))[0], Duration::from_secs(30));
}

// ---------------------------------------------------------------------------------------
// Retry budget

#[tokio::test(start_paused = true)]
async fn an_exhausted_retry_budget_stops_retrying() {
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::json(503, order_error("SERVICE_UNAVAILABLE"))]);
    let budget = RetryBudgetSettings { capacity: 10, retry_cost: 5, timeout_retry_cost: 10, success_reward: 1 };
    let client = orders(&server).retry_budget(Some(budget)).build().expect("client");
    client.get_order("ORD-1").send().await.expect_err("first outage");
    assert_eq!(server.requests(ORDER_PATH).len(), 3, "two retries spend the 10 tokens");
    client.get_order("ORD-1").send().await.expect_err("second outage");
    assert_eq!(server.requests(ORDER_PATH).len(), 4, "no budget left: one attempt");
}

// ---------------------------------------------------------------------------------------
// Pagination, every style

#[tokio::test(start_paused = true)]
async fn orders_cursor_pagination_walks_three_pages() {
    let server = FaultServer::start().await;
    let page = |ids: &[&str], next: Option<&str>| {
        let data: Vec<Value> = ids.iter().map(|id| json!({"order_id": id, "status": "pending"})).collect();
        Reply::json(200, json!({"data": data, "pagination": {"next_cursor": next, "has_more": next.is_some()}}))
    };
    server.script("/api/v1/orders", [page(&["A", "B"], Some("c2")), page(&["C"], Some("c3")), page(&["D"], None)]);
    let client = orders(&server).build().expect("client");
    let orders: Vec<orders_client::models::Order> =
        client.list_orders().limit(2).stream().try_collect().await.expect("all pages");
    let ids: Vec<&str> = orders.iter().map(|o| o.order_id.as_str()).collect();
    assert_eq!(ids, ["A", "B", "C", "D"]);
    let requests = server.requests("/api/v1/orders");
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].query_param("cursor"), None);
    assert_eq!(requests[1].query_param("cursor").as_deref(), Some("c2"));
    assert_eq!(requests[2].query_param("cursor").as_deref(), Some("c3"));
    assert!(requests.iter().all(|r| r.query_param("limit").as_deref() == Some("2")));
}

#[tokio::test(start_paused = true)]
async fn stripe_cursor_from_the_last_item_walks_three_pages_with_a_retry_in_between() {
    let server = FaultServer::start().await;
    let customer = |id: &str| json!({"id": id, "object": "customer", "created": 1_700_000_000, "livemode": false});
    let page = |ids: &[&str], more: bool| {
        let data: Vec<Value> = ids.iter().map(|id| customer(id)).collect();
        Reply::json(200, json!({"object": "list", "data": data, "has_more": more, "url": "/v1/customers"}))
    };
    let overloaded = Reply::json(500, json!({"error": {"type": "api_error", "message": "An unknown error occurred"}}));
    server.script(
        "/v1/customers",
        [page(&["cus_1", "cus_2"], true), overloaded, page(&["cus_3"], true), page(&["cus_4"], false)],
    );
    let client = stripe_client::Client::builder()
        .base_url(server.url())
        .bearer_token("sk_test_secret_key_value")
        .build()
        .expect("client");
    let pages: Vec<_> = client.list_customers().pages().try_collect().await.expect("all pages");
    assert_eq!(pages.len(), 3);
    let requests = server.requests("/v1/customers");
    assert_eq!(requests.len(), 4, "the 500 on page 2 was retried");
    assert_eq!(requests[1].query_param("starting_after").as_deref(), Some("cus_2"));
    assert_eq!(requests[2].query_param("starting_after").as_deref(), Some("cus_2"));
    assert_eq!(requests[3].query_param("starting_after").as_deref(), Some("cus_3"));
}

fn github_issue(number: u64) -> Value {
    let user = json!({
        "login": "octocat", "id": 1, "node_id": "MDQ6VXNlcjE=", "avatar_url": "https://github.com/images/error/octocat_happy.gif",
        "gravatar_id": "", "url": "https://api.github.com/users/octocat", "html_url": "https://github.com/octocat",
        "followers_url": "https://api.github.com/users/octocat/followers", "following_url": "https://api.github.com/users/octocat/following{/other_user}",
        "gists_url": "https://api.github.com/users/octocat/gists{/gist_id}", "starred_url": "https://api.github.com/users/octocat/starred{/owner}{/repo}",
        "subscriptions_url": "https://api.github.com/users/octocat/subscriptions", "organizations_url": "https://api.github.com/users/octocat/orgs",
        "repos_url": "https://api.github.com/users/octocat/repos", "events_url": "https://api.github.com/users/octocat/events{/privacy}",
        "received_events_url": "https://api.github.com/users/octocat/received_events", "type": "User", "site_admin": false
    });
    let url = format!("https://api.github.com/repos/octocat/hello/issues/{number}");
    json!({
        "id": number, "node_id": "MDU6SXNzdWUx", "url": url, "repository_url": "https://api.github.com/repos/octocat/hello",
        "labels_url": format!("{url}/labels{{/name}}"), "comments_url": format!("{url}/comments"), "events_url": format!("{url}/events"),
        "html_url": format!("https://github.com/octocat/hello/issues/{number}"), "number": number, "state": "open",
        "title": "Found a bug", "user": user, "labels": [], "assignee": null, "milestone": null, "locked": false,
        "comments": 0, "closed_at": null, "created_at": "2011-04-22T13:33:48Z", "updated_at": "2011-04-22T13:33:48Z",
        "author_association": "OWNER"
    })
}

#[tokio::test(start_paused = true)]
async fn github_link_header_pagination_walks_three_pages() {
    let server = FaultServer::start().await;
    let path = "/repos/octocat/hello/issues";
    let link = |page: u32| {
        format!(
            r#"<{}{path}?per_page=2&page={page}>; rel="next", <{}{path}?per_page=2&page=3>; rel="last""#,
            server.url(),
            server.url()
        )
    };
    server.script(
        path,
        [
            Reply::json(200, json!([github_issue(1), github_issue(2)])).header("Link", &link(2)),
            Reply::json(200, json!([github_issue(3), github_issue(4)])).header("Link", &link(3)),
            Reply::json(200, json!([github_issue(5)])),
        ],
    );
    let client = github(&server).build().expect("client");
    let issues: Vec<github_client::models::Issue> =
        client.list_issues("octocat", "hello").per_page(2).stream().try_collect().await.expect("all pages");
    assert_eq!(issues.iter().map(|i| i.number).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    let requests = server.requests(path);
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[1].query_param("page").as_deref(), Some("2"));
    assert_eq!(requests[2].query_param("page").as_deref(), Some("3"));
    assert!(requests.iter().all(|r| r.header("authorization") == Some("Bearer ghp_secret_token_value")));
}

#[tokio::test(start_paused = true)]
async fn a_next_link_to_another_origin_is_not_followed() {
    let server = FaultServer::start().await;
    let path = "/repos/octocat/hello/issues";
    server.script(
        path,
        [Reply::json(200, json!([github_issue(1)]))
            .header("Link", r#"<https://evil.example/steal?page=2>; rel="next""#)],
    );
    let client = github(&server).build().expect("client");
    let mut pages = client.list_issues("octocat", "hello").pages();
    assert!(pages.next().await.expect("first page").is_ok());
    let error = pages.next().await.expect("an error item").expect_err("not followed");
    assert!(error.to_string().contains("outside the API's origin"), "{error}");
    assert_eq!(server.requests(path).len(), 1);
}

// ---------------------------------------------------------------------------------------
// Decoding: what a provider adds, and what an error keeps

/// serde_json reads at most 128 levels of nesting; a field the spec does not declare is
/// skipped unread, however deep (issue 20, item 12).
#[tokio::test(start_paused = true)]
async fn undeclared_fields_nested_past_serde_json_s_limit_do_not_fail_the_call() {
    let server = FaultServer::start().await;
    let mut deep = json!([]);
    for _ in 0..1_000 {
        deep = json!([deep]);
    }
    let mut body = order();
    body["provider_added"] = json!({"nested": deep});
    server.script(ORDER_PATH, [Reply::json(200, body)]);
    let client = orders(&server).build().expect("client");
    let order = client.get_order("ORD-1").send().await.expect("the undeclared field is skipped");
    assert_eq!(order.order_id, "ORD-1");
}

/// The same through pagination: the page is read for its cursor with deep values skipped,
/// and its items decoded from the bytes (issue 20, item 12).
#[tokio::test(start_paused = true)]
async fn undeclared_deep_fields_in_pages_and_items_do_not_stop_pagination() {
    let server = FaultServer::start().await;
    let mut deep = json!([]);
    for _ in 0..1_000 {
        deep = json!([deep]);
    }
    let page = |ids: &[&str], next: Option<&str>| {
        let data: Vec<Value> =
            ids.iter().map(|id| json!({"order_id": id, "status": "pending", "provider_added": deep.clone()})).collect();
        Reply::json(
            200,
            json!({"data": data, "pagination": {"next_cursor": next, "has_more": next.is_some()}, "debug": deep.clone()}),
        )
    };
    server.script("/api/v1/orders", [page(&["A", "B"], Some("c2")), page(&["C"], None)]);
    let client = orders(&server).build().expect("client");
    let orders: Vec<orders_client::models::Order> =
        client.list_orders().limit(2).stream().try_collect().await.expect("all items");
    let ids: Vec<&str> = orders.iter().map(|o| o.order_id.as_str()).collect();
    assert_eq!(ids, ["A", "B", "C"]);
    // Whole pages: the items are a declared field of the page model, and their own
    // undeclared fields are skipped as well.
    server.script("/api/v1/orders", [page(&["A", "B"], Some("c2")), page(&["C"], None)]);
    let pages: Vec<_> = client.list_orders().limit(2).pages().try_collect().await.expect("all pages");
    assert_eq!(pages.len(), 2);
}

/// serde quotes an offending string whole; a 5 MB body made a 5 MB error message and put the
/// response into logs (issue 20, item 12). Display and Debug keep a bounded excerpt.
#[tokio::test(start_paused = true)]
async fn a_decode_error_keeps_a_bounded_excerpt_of_a_huge_body() {
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::json(200, Value::String("A".repeat(5_000_000)))]);
    let client = orders(&server).build().expect("client");
    let error = client.get_order("ORD-1").send().await.expect_err("a string is no order");
    assert!(matches!(error, orders_client::Error::Decode(_)), "{:.200}", error.to_string());
    let display = error.to_string();
    let debug = format!("{error:?}");
    assert!(display.len() < 500, "Display is {} bytes", display.len());
    assert!(debug.len() < 1_000, "Debug is {} bytes", debug.len());
    assert!(display.contains("expected a map"), "{display}");
    assert!(debug.contains("(5000002 bytes)"), "{debug}");
}

// ---------------------------------------------------------------------------------------
// Observability and secrets

#[tokio::test(start_paused = true)]
async fn tracing_shows_attempts_and_delays_but_no_secret() {
    let capture = capture_tracing();
    let server = FaultServer::start().await;
    server.script(ORDER_PATH, [Reply::json(503, order_error("SERVICE_UNAVAILABLE")), Reply::json(200, order())]);
    let client = orders(&server).build().expect("client");
    client.get_order("ORD-1").send().await.expect("retried");
    let text = capture.text();
    assert!(text.contains("accord.request"), "{text}");
    assert!(text.contains("operation=\"get_order\"") || text.contains("operation=get_order"), "{text}");
    assert!(text.contains("retrying"), "{text}");
    assert!(text.contains("delay_ms="), "{text}");
    assert!(text.contains("status=503") && text.contains("strategy=Backoff"), "{text}");
    for secret in ["client-secret-value", "token-1", "Bearer"] {
        assert!(!text.contains(secret), "`{secret}` leaked into tracing output:\n{text}");
    }
    let debug = format!("{client:?}");
    assert!(!debug.contains("client-secret-value") && !debug.contains("token-1"), "{debug}");
}

// ---------------------------------------------------------------------------------------
// Twilio: next-URL pagination, and 429 retried even for a POST

const TWILIO_ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";

fn twilio(server: &FaultServer) -> twilio_client::Client {
    twilio_client::Client::builder()
        .base_url(server.url())
        .basic_auth(TWILIO_ACCOUNT, "twilio_auth_token_value")
        .build()
        .expect("client")
}

#[tokio::test(start_paused = true)]
async fn twilio_next_page_uri_pagination_walks_three_pages() {
    let server = FaultServer::start().await;
    let path = format!("/2010-04-01/Accounts/{TWILIO_ACCOUNT}/Messages.json");
    let page = |sid: &str, next: Option<String>| {
        Reply::json(200, json!({"messages": [{"sid": sid, "body": "hello"}], "next_page_uri": next, "page_size": 1}))
    };
    server.script(
        &path,
        [
            page("SM1", Some(format!("{path}?PageSize=1&Page=1&PageToken=PASM1"))),
            page("SM2", Some(format!("{path}?PageSize=1&Page=2&PageToken=PASM2"))),
            page("SM3", None),
        ],
    );
    let client = twilio(&server);
    let messages: Vec<twilio_client::models::Message> =
        client.list_messages(TWILIO_ACCOUNT).page_size(1).stream().try_collect().await.expect("all pages");
    let sids: Vec<String> = messages.iter().filter_map(|m| m.sid.clone().flatten()).collect();
    assert_eq!(sids, ["SM1", "SM2", "SM3"]);
    let requests = server.requests(&path);
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].query_param("PageSize").as_deref(), Some("1"));
    assert_eq!(requests[1].query_param("PageToken").as_deref(), Some("PASM1"));
    assert_eq!(requests[2].query_param("PageToken").as_deref(), Some("PASM2"));
    // Basic auth travels with every page, the next URL being on the API's own origin.
    assert!(requests.iter().all(|r| r.header("authorization").is_some_and(|v| v.starts_with("Basic "))));
}

#[tokio::test(start_paused = true)]
async fn a_429_is_retried_even_for_a_post_without_a_key_but_a_500_is_not() {
    let server = FaultServer::start().await;
    let path = format!("/2010-04-01/Accounts/{TWILIO_ACCOUNT}/Messages.json");
    let too_many = Reply::json(
        429,
        json!({"code": 20429, "message": "Too Many Requests", "more_info": "https://www.twilio.com/docs/errors/20429", "status": 429}),
    );
    let created = Reply::json(201, json!({"sid": "SM1", "status": "queued"}));
    server.script(&path, [too_many, created]);
    let client = twilio(&server);
    let body: twilio_client::models::CreateMessageRequest =
        serde_json::from_value(json!({"To": "+15558675310", "From": "+15017122661", "Body": "hi"})).expect("body");
    client.create_message(TWILIO_ACCOUNT, &body).send().await.expect("the 429 was not processed, so it is retried");
    assert_eq!(server.requests(&path).len(), 2);

    let failed = Reply::json(500, json!({"code": 20500, "message": "Internal Server Error", "status": 500}));
    server.script(&path, [failed]);
    client.create_message(TWILIO_ACCOUNT, &body).send().await.expect_err("500");
    assert_eq!(server.requests(&path).len(), 3, "the message may have been sent: no retry");
}

// ---------------------------------------------------------------------------------------
// Errors in 2xx bodies (Slack) and fractional Retry-After (issue 16, points 1 and 4)

const SLACK_LIST: &str = "/api/conversations.list";

fn slack(server: &FaultServer) -> slack_client::ClientBuilder {
    slack_client::Client::builder().base_url(server.url()).token("xoxb-secret-token-value")
}

fn slack_error(code: &str) -> Reply {
    Reply::json(200, json!({"ok": false, "error": code}))
}

fn slack_page() -> Reply {
    Reply::json(200, json!({"ok": true, "channels": [{"id": "C012AB3CD", "name": "general"}]}))
}

#[tokio::test(start_paused = true)]
async fn a_retryable_error_in_a_200_body_is_retried_by_its_strategy() {
    // slack.yaml: `internal_error` comes with 200 and `"ok": false`, retry: backoff.
    let server = FaultServer::start().await;
    server.script(SLACK_LIST, [slack_error("internal_error"), slack_error("internal_error"), slack_page()]);
    let client = slack(&server).build().expect("client");
    let page = client.list_conversations().send().await.expect("the third attempt succeeds");
    assert_eq!(page.channels[0].id, "C012AB3CD");
    let requests = server.requests(SLACK_LIST);
    assert_eq!(requests.len(), 3);
    let gaps = gaps(&requests);
    assert!(gaps[0] <= Duration::from_secs(1) && gaps[1] <= Duration::from_secs(2), "{gaps:?}");
}

#[tokio::test(start_paused = true)]
async fn a_never_error_in_a_200_body_is_returned_typed_at_once() {
    let server = FaultServer::start().await;
    server.script(SLACK_LIST, [slack_error("invalid_cursor"), slack_page()]);
    let client = slack(&server).build().expect("client");
    let error = client.list_conversations().cursor("nope").send().await.expect_err("an error in a 200 body");
    match &error {
        slack_client::Error::Api(slack_client::ApiError::InvalidCursor(response)) => {
            assert_eq!(response.status, 200);
            assert_eq!(response.body.error, "invalid_cursor");
        }
        other => panic!("expected InvalidCursor, got {other:?}"),
    }
    assert_eq!(server.requests(SLACK_LIST).len(), 1);
    // An error the spec does not declare, in a body that says `"ok": false`, is still an
    // error (its body kept), never a success decoded from an error body.
    server.script(SLACK_LIST, [slack_error("team_added_to_org")]);
    let error = client.list_conversations().send().await.expect_err("undeclared error");
    assert!(
        matches!(&error, slack_client::Error::UnexpectedStatus { status: 200, body, .. } if body.contains("team_added_to_org")),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_fractional_retry_after_is_waited_as_seconds() {
    // Shopify sends `Retry-After: 2.0`; RFC 9110 wants an integer, the client reads it
    // leniently. Slack's `ratelimited` is a 429 with Retry-After (after_header).
    let server = FaultServer::start().await;
    let limited = Reply::json(429, json!({"ok": false, "error": "ratelimited"})).header("Retry-After", "2.5");
    server.script(SLACK_LIST, [limited, slack_page()]);
    let client = slack(&server).build().expect("client");
    client.list_conversations().send().await.expect("retried after 2.5 s");
    let requests = server.requests(SLACK_LIST);
    assert_eq!(requests.len(), 2);
    assert_eq!(gaps(&requests)[0], Duration::from_millis(2_500));
}
