//! Errors answered in a 200 body (spec `when`, issue 16 point 1) are failures for the retry
//! budget and, when transient (`backoff`), for the circuit breaker: before, the budget took
//! one back as a success (a retried request's last retry cost refunded) and the circuit
//! counted it as a success. Slack's generated client, and the runtime with a classifier
//! holding Slack's two kinds of codes (a transient `internal_error`, a final
//! `invalid_cursor`), against a scripted server, in paused time.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use accord_resilience_tests::{FaultServer, Reply};
use accord_runtime::error::TransportErrorKind;
use accord_runtime::policy::Jitter;
use accord_runtime::{
    BodyMatch, BodyTest, CircuitBreakerConfig, CircuitScope, CircuitSettings, Client, ClientConfig, ErrorRule,
    RequestSpec, RetryBudgetSettings, RetryPolicy, RetryStrategy, StatusClassifier, StatusPattern,
};
use serde_json::json;

use super::{SLACK_LIST, slack, slack_error, slack_page};

/// A budget of two retries (5 tokens each), earning 1 back per first-attempt success.
const TWO_RETRIES: RetryBudgetSettings =
    RetryBudgetSettings { capacity: 10, retry_cost: 5, timeout_retry_cost: 10, success_reward: 1 };

#[tokio::test(start_paused = true)]
async fn a_retried_error_in_a_200_body_earns_no_budget_back() {
    let server = FaultServer::start().await;
    server.script(SLACK_LIST, [slack_error("internal_error")]);
    let client = slack(&server).retry_budget(Some(TWO_RETRIES)).build().expect("client");
    client.list_conversations().send().await.expect_err("first outage");
    assert_eq!(server.requests(SLACK_LIST).len(), 3, "slack.yaml: 3 attempts; two retries spend the 10 tokens");
    // A success would have taken its last retry's 5 tokens back, paying for one more retry.
    client.list_conversations().send().await.expect_err("second outage");
    assert_eq!(server.requests(SLACK_LIST).len(), 4, "the error in a 200 body earned nothing: one attempt");
}

#[tokio::test(start_paused = true)]
async fn a_final_error_in_a_200_body_after_a_retry_earns_no_budget_back() {
    let server = FaultServer::start().await;
    // A transient error, retried (5 tokens), then a final `never` error in a 200 body.
    server.script(SLACK_LIST, [slack_error("internal_error"), slack_error("invalid_cursor")]);
    let client = slack(&server).retry_budget(Some(TWO_RETRIES)).build().expect("client");
    let error = client.list_conversations().cursor("nope").send().await.expect_err("invalid cursor");
    assert!(matches!(error, slack_client::Error::Api(slack_client::ApiError::InvalidCursor(_))), "{error:?}");
    assert_eq!(server.requests(SLACK_LIST).len(), 2);
    // 5 tokens left, not 10: one retry, not two.
    server.script(SLACK_LIST, [slack_error("internal_error")]);
    client.list_conversations().send().await.expect_err("outage");
    assert_eq!(server.requests(SLACK_LIST).len(), 4, "one retry left in the budget");
}

#[tokio::test(start_paused = true)]
async fn a_real_success_after_a_retry_still_earns_its_retry_back() {
    // The other side of the rule: a 200 whose body is no error is a success.
    let server = FaultServer::start().await;
    server.script(SLACK_LIST, [slack_error("internal_error"), slack_page()]);
    let client = slack(&server).retry_budget(Some(TWO_RETRIES)).build().expect("client");
    client.list_conversations().send().await.expect("the retry succeeds");
    server.script(SLACK_LIST, [slack_error("internal_error")]);
    client.list_conversations().send().await.expect_err("outage");
    assert_eq!(server.requests(SLACK_LIST).len(), 2 + 3, "the refund paid for two retries again");
}

fn ok_false() -> Option<BodyMatch> {
    Some(BodyMatch { pointer: Cow::Borrowed("/ok"), test: BodyTest::Equals(Cow::Borrowed("false")) })
}

/// Slack's two kinds of codes in 200 bodies (slack.yaml), as a generated client declares them.
static SLACK_RULES: std::sync::LazyLock<Vec<ErrorRule>> = std::sync::LazyLock::new(|| {
    vec![
        ErrorRule {
            status: StatusPattern::Exact(200),
            code: Some("internal_error"),
            strategy: RetryStrategy::Backoff,
            body: ok_false(),
        },
        ErrorRule {
            status: StatusPattern::Exact(200),
            code: Some("invalid_cursor"),
            strategy: RetryStrategy::Never,
            body: ok_false(),
        },
    ]
});

/// A runtime client with Slack's codes, one attempt per call, and a circuit per endpoint
/// opening at 3 failures in 60 s.
fn breaker_client(server: &FaultServer) -> Client {
    let mut config = ClientConfig::new(server.url(), "body-errors-test");
    config.retry.classifier =
        Arc::new(StatusClassifier { code_pointer: Some("/error"), rules: SLACK_RULES.as_slice() });
    config.retry.policy = RetryPolicy {
        max_attempts: 1,
        initial_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(30),
        multiplier: 2.0,
        jitter: Jitter::None,
    };
    config.circuit_breaker = Some(CircuitBreakerConfig {
        scope: CircuitScope::Endpoint,
        settings: CircuitSettings {
            failure_threshold: Some(3),
            failure_rate: None,
            minimum_calls: 10,
            window: Duration::from_secs(60),
            open_for: Duration::from_secs(30),
            half_open_probes: 1,
        },
        exempt: &[],
        store: None,
    });
    Client::new(config).expect("client")
}

fn list() -> RequestSpec {
    RequestSpec::new(accord_runtime::reqwest::Method::GET, "list_conversations", SLACK_LIST.to_string())
}

#[tokio::test(start_paused = true)]
async fn transient_errors_in_200_bodies_open_the_circuit() {
    let server = FaultServer::start().await;
    server.script(SLACK_LIST, [slack_error("internal_error")]);
    let client = breaker_client(&server);
    for _ in 0..3 {
        let raw = client.execute(&list()).await.expect("a response: the caller decodes the error");
        assert_eq!(raw.status, 200);
    }
    let refused = client.execute(&list()).await.expect_err("three transient failures opened the circuit");
    assert_eq!(refused.kind(), TransportErrorKind::CircuitOpen);
    assert_eq!(server.requests(SLACK_LIST).len(), 3, "an open circuit sends nothing");
}

#[tokio::test(start_paused = true)]
async fn final_errors_in_200_bodies_do_not_open_the_circuit() {
    // A `never` code in a 200 body is the caller's mistake (as a 4xx), not the provider's
    // failure: the circuit stays closed, as it does for 4xx statuses.
    let server = FaultServer::start().await;
    server.script(SLACK_LIST, [Reply::json(200, json!({"ok": false, "error": "invalid_cursor"}))]);
    let client = breaker_client(&server);
    for _ in 0..5 {
        client.execute(&list()).await.expect("a response");
    }
    assert_eq!(server.requests(SLACK_LIST).len(), 5);
}
