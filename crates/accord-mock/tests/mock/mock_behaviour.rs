//! The mock acts out the spec over real HTTP: validation errors in the spec's envelope naming
//! the failing place, declared auth, routing, rate limits, idempotency, scenarios (by header,
//! by the control API, multi-step), signed webhook delivery on the declared schedule, and no
//! delivery when the spec declares no signature scheme.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use accord_mock::{Contract, MockOptions, MockServer, WebhookReceiver};
use accord_runtime::Secret;
use accord_runtime::reqwest::{Client, Response, StatusCode};
use accord_runtime::webhook::Scheme;
use serde_json::{Value, json};

/// The contract of `specs/{name}.yaml`, compiled afresh.
fn contract(name: &str) -> Contract {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../specs/{name}.yaml"));
    let source = std::fs::read_to_string(&path).expect("spec reads");
    let compiled = accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    accord::emit::contract::build(&compiled.ir)
}

/// An HTTP client sending the headers the specs put on every request (`X-Request-ID` for
/// orders, `Stripe-Version` for Stripe); the mock rejects requests without them.
fn http_client() -> Client {
    let mut headers = accord_runtime::header::HeaderMap::new();
    headers.insert("x-request-id", "6f1c1b0e-3c1d-4b7a-9a55-2f0d8f6a1c11".parse().expect("header value"));
    headers.insert("stripe-version", "2023-08-16".parse().expect("header value"));
    accord_runtime::client::http_builder().default_headers(headers).build().expect("client builds")
}

async fn orders_mock(options: MockOptions) -> MockServer {
    MockServer::start(contract("orders"), options).await.expect("mock starts")
}

/// An access token from the mock's OAuth2 token endpoint, with the fixed test credentials.
async fn token(http: &Client, mock: &MockServer) -> String {
    let response = http
        .post(format!("{}/oauth/token", mock.uri()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=test-client&client_secret=test-secret")
        .send()
        .await
        .expect("token endpoint answers");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("token JSON");
    assert_eq!(body["token_type"], "Bearer");
    body["access_token"].as_str().expect("access_token").to_string()
}

async fn json_of(response: Response) -> (StatusCode, accord_runtime::header::HeaderMap, Value) {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body reads");
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, headers, body)
}

fn header<'a>(headers: &'a accord_runtime::header::HeaderMap, name: &str) -> &'a str {
    headers.get(name).unwrap_or_else(|| panic!("header `{name}` missing: {headers:?}")).to_str().expect("text")
}

/// `POST /api/v1/orders` with a bearer token and a raw JSON body.
async fn create_order(
    http: &Client,
    mock: &MockServer,
    token: &str,
    extra: &[(&str, &str)],
    body: &str,
) -> (StatusCode, accord_runtime::header::HeaderMap, Value) {
    let mut request = http
        .post(format!("{}/api/v1/orders", mock.uri()))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string());
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    json_of(request.send().await.expect("mock answers")).await
}

const VALID_ORDER: &str = r#"{"customer_id":"CUST-12345","items":[{"product_id":"SKU-001","quantity":2}]}"#;

/// The spec's envelope for a validation failure: exactly `error_code` and `message`.
fn assert_validation_error(status: StatusCode, body: &Value, place: &str) -> String {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error_code"], "VALIDATION_ERROR", "{body}");
    let message = body["message"].as_str().unwrap_or_else(|| panic!("a message: {body}")).to_string();
    assert!(message.contains(place), "the message names `{place}`: {message}");
    let keys: Vec<&String> = body.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["error_code", "message"], "{body}");
    message
}

#[tokio::test]
async fn invalid_requests_get_400_in_the_spec_envelope_naming_the_failing_place() {
    let mock = orders_mock(MockOptions::default()).await;
    let http = http_client();
    let token = token(&http, &mock).await;

    let quantity_zero = r#"{"customer_id":"CUST-12345","items":[{"product_id":"SKU-001","quantity":0}]}"#;
    let (status, _, body) = create_order(&http, &mock, &token, &[], quantity_zero).await;
    let message = assert_validation_error(status, &body, "body/items/0/quantity");
    assert!(message.contains("body/items/0/quantity: value is less than the minimum of 1"), "{message}");

    let without_customer = r#"{"items":[{"product_id":"SKU-001","quantity":2}]}"#;
    let (status, _, body) = create_order(&http, &mock, &token, &[], without_customer).await;
    let message = assert_validation_error(status, &body, "body: \"customer_id\" is a required property");
    assert!(!message.contains("items"), "only the missing field is reported: {message}");

    let (status, _, body) = create_order(&http, &mock, &token, &[], "{\"customer_id\": ").await;
    let message = assert_validation_error(status, &body, "body: not JSON");
    assert!(!message.contains("body/"), "{message}");

    let list = |query: &'static str| {
        let request = http.get(format!("{}/api/v1/orders?{query}", mock.uri())).bearer_auth(&token);
        async move { json_of(request.send().await.expect("mock answers")).await }
    };
    let (status, _, body) = list("limit=abc").await;
    let message = assert_validation_error(status, &body, "query/limit");
    assert!(message.contains("query/limit: value is not of type \"integer\""), "{message}");
    let (status, _, body) = list("limit=1000").await;
    let message = assert_validation_error(status, &body, "query/limit");
    assert!(message.contains("query/limit: value is greater than the maximum of 100"), "{message}");
    let (status, _, body) = list("status=lost").await;
    assert_validation_error(status, &body, "query/status");

    // The same parameters, valid, are accepted: the 400s above are about the values alone.
    let (status, _, body) = list("limit=100&status=pending").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["data"].is_array() && body["pagination"]["has_more"].is_boolean(), "{body}");
    let (status, _, body) = create_order(&http, &mock, &token, &[], VALID_ORDER).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn missing_or_wrong_credentials_get_the_declared_401() {
    let mock = orders_mock(MockOptions::default()).await;
    let http = http_client();
    let url = format!("{}/api/v1/orders/ORD-12345678", mock.uri());

    for request in [http.get(&url), http.get(&url).bearer_auth("not-a-token-the-mock-issued")] {
        let (status, headers, body) = json_of(request.send().await.expect("mock answers")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["error_code"], "UNAUTHORIZED", "{body}");
        assert!(body["message"].is_string(), "{body}");
        assert_eq!(header(&headers, "www-authenticate"), "Bearer realm=\"orders\"");
    }

    let wrong_secret = http
        .post(format!("{}/oauth/token", mock.uri()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=test-client&client_secret=wrong-secret")
        .send()
        .await
        .expect("token endpoint answers");
    let (status, headers, body) = json_of(wrong_secret).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"error": "invalid_client"}));
    assert!(headers.contains_key("www-authenticate"));

    // Client authentication with HTTP Basic (RFC 6749 §2.3.1) works as well as the form.
    let basic = http
        .post(format!("{}/oauth/token", mock.uri()))
        .basic_auth("test-client", Some("test-secret"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .expect("token endpoint answers");
    let (status, _, body) = json_of(basic).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let basic_token = body["access_token"].as_str().expect("access_token");

    let form_token = token(&http, &mock).await;
    assert_ne!(form_token, basic_token, "every grant issues a new token");
    for token in [form_token.as_str(), basic_token] {
        let (status, _, body) = json_of(http.get(&url).bearer_auth(token).send().await.expect("answers")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["order_id"], "ORD-12345678", "the path parameter is copied into the example: {body}");
    }
}

#[tokio::test]
async fn unknown_paths_get_404_and_wrong_methods_405_with_allow() {
    let mock = orders_mock(MockOptions::default()).await;
    let http = http_client();
    let token = token(&http, &mock).await;

    let response = http.get(format!("{}/api/v1/customers", mock.uri())).bearer_auth(&token).send().await;
    let (status, _, body) = json_of(response.expect("answers")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error_code"], "NOT_FOUND", "{body}");
    assert!(body["message"].as_str().is_some_and(|m| m.contains("GET /api/v1/customers")), "{body}");

    let response = http.delete(format!("{}/api/v1/orders", mock.uri())).bearer_auth(&token).send().await;
    let (status, headers, body) = json_of(response.expect("answers")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
    let mut allow: Vec<&str> = header(&headers, "allow").split(", ").collect();
    allow.sort_unstable();
    assert_eq!(allow, ["GET", "POST"]);

    let response = http.get(format!("{}/api/v1/orders/ORD-1/cancel", mock.uri())).bearer_auth(&token).send().await;
    let (status, headers, _) = json_of(response.expect("answers")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header(&headers, "allow"), "POST");
}

#[tokio::test]
async fn an_exhausted_rate_limit_gets_429_with_retry_after_and_the_declared_headers() {
    let contract = contract("orders");
    let declared = contract.operation("get_order").and_then(|op| op.rate_limit).expect("get_order has a limit");
    assert_eq!((declared.requests, declared.window_seconds, declared.burst), (300, 60, 300));
    let mock = MockServer::start(contract, MockOptions::default()).await.expect("mock starts");
    let http = http_client();
    let token = token(&http, &mock).await;
    let url = format!("{}/api/v1/orders/ORD-12345678", mock.uri());

    let unix_now = || SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs();
    let before = unix_now();
    let mut accepted = 0u32;
    let limited = loop {
        let response = http.get(&url).bearer_auth(&token).send().await.expect("answers");
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            break response;
        }
        assert_eq!(response.status(), StatusCode::OK);
        if accepted == 0 {
            assert_eq!(header(response.headers(), "x-ratelimit-limit"), "300");
            assert_eq!(header(response.headers(), "x-ratelimit-remaining"), "299");
        }
        accepted += 1;
        // The bucket refills at 5 tokens a second; a run this long means 429 never comes.
        assert!(accepted < 1000, "no 429 after {accepted} requests");
    };
    assert!(accepted >= 300, "the full burst of 300 is accepted first, got {accepted}");

    let after = unix_now();
    let (status, headers, body) = json_of(limited).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error_code"], "RATE_LIMIT_EXCEEDED", "{body}");
    let retry_after: u64 = header(&headers, "retry-after").parse().expect("Retry-After is integer seconds");
    assert!(retry_after >= 1, "{retry_after}");
    assert_eq!(header(&headers, "x-ratelimit-limit"), "300");
    assert_eq!(header(&headers, "x-ratelimit-remaining"), "0");
    let reset: u64 = header(&headers, "x-ratelimit-reset").parse().expect("X-RateLimit-Reset is unix seconds");
    assert!((before + retry_after..=after + retry_after).contains(&reset), "reset {reset}, {before}..={after}");

    // Other operations have their own buckets.
    let list = http.get(format!("{}/api/v1/orders", mock.uri())).bearer_auth(&token).send().await.expect("answers");
    assert_eq!(list.status(), StatusCode::OK);
}

#[tokio::test]
async fn rate_limits_are_not_enforced_when_turned_off() {
    let mock = orders_mock(MockOptions { enforce_rate_limits: false, ..MockOptions::default() }).await;
    let http = http_client();
    let token = token(&http, &mock).await;
    let url = format!("{}/api/v1/orders/ORD-12345678", mock.uri());
    for _ in 0..400 {
        let response = http.get(&url).bearer_auth(&token).send().await.expect("answers");
        assert_eq!(response.status(), StatusCode::OK);
        assert!(!response.headers().contains_key("x-ratelimit-remaining"), "no bucket, no remaining count");
    }
}

#[tokio::test]
async fn an_idempotency_key_replays_the_same_request_and_rejects_another() {
    let mock = orders_mock(MockOptions::default()).await;
    let http = http_client();
    let token = token(&http, &mock).await;
    let key = [("X-Idempotency-Key", "key-0001")];

    let (status, headers, first) = create_order(&http, &mock, &token, &key, VALID_ORDER).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert!(!headers.contains_key("idempotent-replayed"));
    assert!(first["order_id"].is_string(), "{first}");

    let (status, headers, replayed) = create_order(&http, &mock, &token, &key, VALID_ORDER).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(replayed, first);
    assert_eq!(header(&headers, "idempotent-replayed"), "true");

    let other = r#"{"customer_id":"CUST-99999","items":[{"product_id":"SKU-001","quantity":2}]}"#;
    let (status, _, body) = create_order(&http, &mock, &token, &key, other).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error_code"], "DUPLICATE_ORDER", "{body}");
    assert!(body["message"].as_str().is_some_and(|m| m.contains("key-0001")), "{body}");

    // Another key is a new order.
    let (status, headers, _) = create_order(&http, &mock, &token, &[("X-Idempotency-Key", "key-0002")], other).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(!headers.contains_key("idempotent-replayed"));
}

#[tokio::test]
async fn a_scenario_named_by_header_answers_its_declared_error() {
    let mock = orders_mock(MockOptions::default()).await;
    let http = http_client();
    let token = token(&http, &mock).await;
    let scenario = [("X-Accord-Scenario", "insufficient_inventory")];
    let (status, _, body) = create_order(&http, &mock, &token, &scenario, VALID_ORDER).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error_code"], "INSUFFICIENT_INVENTORY", "{body}");
    // Without the header the same request succeeds.
    let (status, _, _) = create_order(&http, &mock, &token, &[], VALID_ORDER).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(mock.problems().is_empty(), "{:?}", mock.problems());
}

#[tokio::test]
async fn a_scenario_selected_through_the_control_api_plays_until_cleared() {
    let mock = orders_mock(MockOptions::default()).await;
    let http = http_client();
    let token = token(&http, &mock).await;
    let control = format!("{}/__accord/scenario", mock.uri());

    let (status, _, body) =
        json_of(http.post(&control).json(&json!({"name": "payment_failure"})).send().await.expect("answers")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"playing": "payment_failure"}));
    for _ in 0..2 {
        let (status, _, body) = create_order(&http, &mock, &token, &[], VALID_ORDER).await;
        assert_eq!(status, StatusCode::PAYMENT_REQUIRED, "{body}");
        assert_eq!(body["error_code"], "PAYMENT_FAILED", "{body}");
    }

    let (status, _, _) = json_of(http.delete(&control).send().await.expect("answers")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = create_order(&http, &mock, &token, &[], VALID_ORDER).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn an_unknown_scenario_is_refused_with_the_declared_ones() {
    let contract = contract("orders");
    let declared: Vec<&str> = contract.scenarios.iter().map(|s| s.name.as_str()).collect();
    let expected = format!("no scenario `checkout` in `orders`; scenarios: {}", declared.join(", "));
    assert!(expected.contains("happy_path, missing_required_field, invalid_quantity"), "{expected}");
    let mock = MockServer::start(contract.clone(), MockOptions::default()).await.expect("mock starts");
    let http = http_client();
    let token = token(&http, &mock).await;

    assert_eq!(mock.play("checkout"), Err(expected.clone()));

    let response =
        http.post(format!("{}/__accord/scenario", mock.uri())).json(&json!({"name": "checkout"})).send().await;
    let (status, _, body) = json_of(response.expect("answers")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"error": expected}));

    let (status, _, body) = create_order(&http, &mock, &token, &[("X-Accord-Scenario", "checkout")], VALID_ORDER).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"error": expected}));

    let (status, _, body) = create_order(
        &http,
        &mock,
        &token,
        &[("X-Accord-Scenario", "duplicate_request"), ("X-Accord-Step", "3")],
        VALID_ORDER,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"error": "`x-accord-step: 3`: scenario `duplicate_request` has steps 1 to 2"}));
}

#[tokio::test]
async fn a_multi_step_scenario_plays_its_steps_in_order() {
    let mock = orders_mock(MockOptions::default()).await;
    let http = http_client();
    let token = token(&http, &mock).await;
    let headers = [("X-Accord-Scenario", "duplicate_request"), ("X-Idempotency-Key", "abc123")];

    let (status, _, first) = create_order(&http, &mock, &token, &headers, VALID_ORDER).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["order_id"], "ORD-001");
    let (status, _, second) = create_order(&http, &mock, &token, &headers, VALID_ORDER).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["order_id"], "ORD-001");

    let played: Vec<_> = mock.exchanges().into_iter().filter_map(|e| e.scenario).collect();
    assert_eq!(played, [("duplicate_request".to_string(), 1), ("duplicate_request".to_string(), 2)]);
    assert!(mock.problems().is_empty(), "{:?}", mock.problems());

    // The same through `play`: the unplayed step is listed until a request plays it.
    mock.play("duplicate_request").expect("declared");
    let key = [("X-Idempotency-Key", "abc123")];
    let (status, _, _) = create_order(&http, &mock, &token, &key, VALID_ORDER).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(mock.unplayed_steps(), ["duplicate_request step 2 (create_order)"]);
    let (status, _, _) = create_order(&http, &mock, &token, &key, VALID_ORDER).await;
    assert_eq!(status, StatusCode::OK);
    assert!(mock.unplayed_steps().is_empty());
}

#[tokio::test]
async fn problems_report_requests_that_differ_from_the_scenario_step() {
    let mock = orders_mock(MockOptions::default()).await;
    let http = http_client();
    let token = token(&http, &mock).await;

    // invalid_quantity sends an invalid body on purpose: not a problem.
    let quantity_zero = r#"{"customer_id":"CUST-12345","items":[{"product_id":"SKU-001","quantity":0}]}"#;
    let (status, _, body) =
        create_order(&http, &mock, &token, &[("X-Accord-Scenario", "invalid_quantity")], quantity_zero).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["details"][0]["field"], "items[0].quantity", "the scenario's own response: {body}");
    assert!(mock.problems().is_empty(), "{:?}", mock.problems());

    mock.play("happy_path").expect("declared");
    let other_customer =
        r#"{"customer_id":"CUST-99999","items":[{"product_id":"SKU-001","quantity":2,"unit_price":29.99}]}"#;
    let (status, _, _) = create_order(&http, &mock, &token, &[], other_customer).await;
    assert_eq!(status, StatusCode::CREATED, "a valid request gets the step's answer");
    assert_eq!(
        mock.problems(),
        ["POST /api/v1/orders: scenario `happy_path` step 1: body/customer_id: expected \"CUST-12345\", got \
             \"CUST-99999\""]
    );
    let exchange = mock.exchanges().pop().expect("logged");
    assert_eq!(exchange.scenario, Some(("happy_path".to_string(), 1)));
    assert!(exchange.problems.is_empty(), "the request itself is valid: {exchange:?}");
}

/// The mock's delivery verifies with the scheme the contract declares, as a receiver checks it.
fn verify_delivery(contract: &Contract, received: &accord_mock::Received) -> Result<(), String> {
    let webhooks = contract.webhooks.as_ref().expect("orders declares webhooks");
    let scheme: Scheme =
        serde_json::from_value(webhooks.scheme.clone().expect("orders signs")).expect("the contract's scheme");
    let key = Secret::new(webhooks.test_verifying_key.clone());
    scheme
        .verify(&received.headers, &received.body, Some(&received.url), &[&key], SystemTime::now())
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn webhooks_are_retried_on_the_declared_schedule_and_verify() {
    let contract = contract("orders");
    let webhooks = contract.webhooks.clone().expect("orders declares webhooks");
    assert_eq!(webhooks.retry_schedule_seconds, [0, 60, 300, 1800, 7200]);
    let options = MockOptions { webhook_time_scale: 0.001, ..MockOptions::default() };
    let mock = MockServer::start(contract.clone(), options).await.expect("mock starts");
    let receiver = WebhookReceiver::start(&[500, 503, 500]).await.expect("receiver starts");

    let delivery = mock.deliver("order.created", Some(&receiver.url())).await.expect("delivers");
    assert!(delivery.delivered);
    let delays: Vec<u64> = delivery.attempts.iter().map(|a| a.delay_ms).collect();
    assert_eq!(delays, [0, 60, 300, 1800], "the declared schedule times 0.001, until the 4th attempt succeeds");
    let statuses: Vec<Option<u16>> = delivery.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(503), Some(500), Some(200)]);

    let received = receiver.take();
    assert_eq!(received.len(), 1, "the receiver records accepted deliveries");
    let received = &received[0];
    assert_eq!(received.body, delivery.body.as_bytes());
    verify_delivery(&contract, received).expect("the signature verifies with the test verifying key");
    let payload: Value = serde_json::from_slice(&received.body).expect("JSON payload");
    assert_eq!(payload["event_type"], "order.created");
    assert_eq!(payload["event_id"], delivery.id.as_str(), "the id field carries the delivery id");
    let event = webhooks.events.iter().find(|e| e.event_type == "order.created").expect("declared");
    let model = accord_mock::Model::new(contract.clone());
    assert_eq!(model.validate(&event.schema, &payload, "payload"), []);

    // A wrong key or a changed body does not verify.
    let scheme: Scheme = serde_json::from_value(webhooks.scheme.clone().expect("orders signs")).expect("scheme");
    let wrong = Secret::new("not-the-key");
    assert!(scheme.verify(&received.headers, &received.body, None, &[&wrong], SystemTime::now()).is_err());
    let tampered = accord_mock::Received { body: received.body.slice(1..), ..received.clone() };
    assert!(verify_delivery(&contract, &tampered).is_err());
}

#[tokio::test]
async fn the_control_api_delivers_webhooks() {
    let contract = contract("orders");
    let mock = MockServer::start(contract.clone(), MockOptions::default()).await.expect("mock starts");
    let receiver = WebhookReceiver::start(&[]).await.expect("receiver starts");
    let http = http_client();
    let webhooks = format!("{}/__accord/webhooks", mock.uri());

    let response = http.post(&webhooks).json(&json!({"event": "order.created", "url": receiver.url()})).send().await;
    let (status, _, delivery) = json_of(response.expect("answers")).await;
    assert_eq!(status, StatusCode::OK, "{delivery}");
    assert_eq!(delivery["delivered"], true);
    assert_eq!(delivery["event_type"], "order.created");
    assert_eq!(delivery["attempts"].as_array().map(Vec::len), Some(1));
    assert_eq!(delivery["attempts"][0]["delay_ms"], 0);

    let received = receiver.take();
    assert_eq!(received.len(), 1);
    verify_delivery(&contract, &received[0]).expect("verifies");

    let response = http.post(&webhooks).json(&json!({"event": "order.lost", "url": receiver.url()})).send().await;
    let (status, _, body) = json_of(response.expect("answers")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error": "no webhook event `order.lost`; declared: order.created, order.updated, order.cancelled"})
    );

    let (status, _, list) = json_of(http.get(&webhooks).send().await.expect("answers")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["id"], delivery["id"]);
}

#[tokio::test]
async fn webhooks_without_a_signature_scheme_are_not_delivered() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/good-specs/unsigned_webhooks.yaml");
    let source = std::fs::read_to_string(&path).expect("spec reads");
    let compiled = accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    let contract = accord::emit::contract::build(&compiled.ir);
    let options =
        MockOptions { webhook_secret: Some(Secret::new("a secret, but no scheme")), ..MockOptions::default() };
    let mock = MockServer::start(contract, options).await.expect("mock starts");
    let receiver = WebhookReceiver::start(&[]).await.expect("receiver starts");
    let refusal = "cannot deliver `pet.added`: the spec declares no webhook signature scheme, so the mock has nothing \
                   to sign deliveries with; add `webhooks.signature` to the spec";

    let error = mock.deliver("pet.added", Some(&receiver.url())).await.expect_err("nothing to sign with");
    assert_eq!(error, refusal);
    let response = http_client()
        .post(format!("{}/__accord/webhooks", mock.uri()))
        .json(&json!({"event": "pet.added", "url": receiver.url()}))
        .send()
        .await;
    let (status, _, body) = json_of(response.expect("answers")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({ "error": refusal }));
    assert!(receiver.take().is_empty(), "nothing reached the receiver");
}

#[tokio::test]
async fn stripe_form_bodies_are_decoded_and_a_wrong_type_gets_stripes_envelope() {
    let contract = contract("stripe");
    let step = &contract.scenario("create_customer_ok").expect("declared").steps[0];
    let mock = MockServer::start(contract.clone(), MockOptions::default()).await.expect("mock starts");
    let http = http_client();
    let url = format!("{}/v1/customers", mock.uri());
    let form = |body: &str| {
        http.post(&url)
            .bearer_auth("test-token")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_string())
    };

    let scenario_body = accord_runtime::form::to_string(step.body.as_ref().expect("a body")).expect("encodes");
    assert!(scenario_body.contains("metadata%5Border_id%5D=6735"), "{scenario_body}");
    let response = form(&scenario_body)
        .header("Idempotency-Key", "4f6c0a1e-8d2b-4e3f-9a7c-1b2d3e4f5a6b")
        .header("X-Accord-Scenario", "create_customer_ok")
        .send()
        .await;
    let (status, _, body) = json_of(response.expect("answers")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], "cus_NffrFeUfNV2Hib");
    assert_eq!(body["metadata"]["order_id"], "6735");
    assert!(mock.problems().is_empty(), "the decoded form matches the step: {:?}", mock.problems());

    // Without a scenario, the same form body is valid too.
    let (status, _, body) = json_of(form(&scenario_body).send().await.expect("answers")).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, _, body) = json_of(form("email=jenny%40example.com&balance=abc").send().await.expect("answers")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let error = body["error"].as_object().unwrap_or_else(|| panic!("Stripe's `error` envelope: {body}"));
    assert_eq!(error["type"], "invalid_request_error", "{body}");
    let message = error["message"].as_str().expect("a message");
    assert!(message.contains("body/balance: value is not of type \"integer\""), "{body}");
    let model = accord_mock::Model::new(contract.clone());
    let code = contract.error_code("BAD_REQUEST").expect("declared");
    assert_eq!(model.validate(&code.schema, &body, "body"), [], "the envelope is valid for the spec");

    // Without the key, Stripe's declared 401.
    let response = http.post(&url).body("email=jenny%40example.com").send().await;
    let (status, headers, body) = json_of(response.expect("answers")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(body["error"].is_object(), "{body}");
    assert!(headers.contains_key("www-authenticate"));
}

#[tokio::test]
async fn headers_the_spec_puts_on_every_request_are_required() {
    let mock = orders_mock(MockOptions::default()).await;
    let token = token(&http_client(), &mock).await;
    let bare = accord_runtime::client::http_builder().build().expect("client builds");
    let url = format!("{}/api/v1/orders/ORD-1", mock.uri());
    let (status, _, body) = json_of(bare.get(&url).bearer_auth(&token).send().await.expect("answers")).await;
    assert_validation_error(status, &body, "header/X-Request-ID: required on every request, missing");
    let request = bare.get(&url).bearer_auth(&token).header("x-request-id", "request-1");
    let (status, _, body) = json_of(request.send().await.expect("answers")).await;
    assert_validation_error(status, &body, "header/X-Request-ID: `request-1` is not a UUID");
    let request = bare.get(&url).bearer_auth(&token).header("x-request-id", "0b8e5c3a-1f2d-4c6b-8e9a-7d6c5b4a3f21");
    let (status, _, body) = json_of(request.send().await.expect("answers")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn quotas_apply_across_operations() {
    // orders declares `quotas: [10000/day]`; a smaller one shows the shared bucket.
    let mut contract = contract("orders");
    assert_eq!(contract.rate_limits.quotas.len(), 1);
    assert_eq!(contract.rate_limits.quotas[0].requests, 10_000);
    assert_eq!(contract.rate_limits.quotas[0].window_seconds, 86_400);
    contract.rate_limits.quotas[0] = accord_contract::Rate { requests: 3, window_seconds: 86_400, burst: 3 };
    let mock = MockServer::start(contract, MockOptions::default()).await.expect("mock starts");
    let http = http_client();
    let token = token(&http, &mock).await;
    let get = format!("{}/api/v1/orders/ORD-1", mock.uri());
    let list = format!("{}/api/v1/orders", mock.uri());
    for url in [&get, &list, &get] {
        assert_eq!(http.get(url).bearer_auth(&token).send().await.expect("answers").status(), StatusCode::OK);
    }
    let (status, headers, body) = json_of(http.get(&list).bearer_auth(&token).send().await.expect("answers")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error_code"], "RATE_LIMIT_EXCEEDED");
    // A day's quota refills one request every 8 hours.
    let retry_after: u64 = header(&headers, "retry-after").parse().expect("integer seconds");
    assert!((28_000..=28_800).contains(&retry_after), "{retry_after}");
}

#[tokio::test]
async fn idempotency_keys_are_forgotten_after_the_declared_retention() {
    let mut contract = contract("orders");
    let create = contract.operations.iter_mut().find(|o| o.name == "create_order").expect("create_order");
    assert_eq!(create.idempotency_retention_seconds, None, "orders declares no retention");
    create.idempotency_retention_seconds = Some(0);
    let mock = MockServer::start(contract, MockOptions::default()).await.expect("mock starts");
    let http = http_client();
    let token = token(&http, &mock).await;
    let key = [("X-Idempotency-Key", "key-0001")];
    let (status, _, _) = create_order(&http, &mock, &token, &key, VALID_ORDER).await;
    assert_eq!(status, StatusCode::CREATED);
    // Retention 0: the key is already forgotten, so another body is a new order, not a conflict.
    let other = r#"{"customer_id":"CUST-99999","items":[{"product_id":"SKU-001","quantity":2}]}"#;
    let (status, headers, body) = create_order(&http, &mock, &token, &key, other).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(!headers.contains_key("idempotent-replayed"));
}

/// `POST /api/v1/orders/ORD-1/documents` with a multipart body built by hand (reqwest's form).
async fn attach(
    http: &Client,
    mock: &MockServer,
    token: &str,
    form: accord_runtime::reqwest::multipart::Form,
    scenario: Option<&str>,
) -> (StatusCode, Value) {
    let mut request =
        http.post(format!("{}/api/v1/orders/ORD-12345678/documents", mock.uri())).bearer_auth(token).multipart(form);
    if let Some(scenario) = scenario {
        request = request.header("X-Accord-Scenario", scenario);
    }
    let (status, _, body) = json_of(request.send().await.expect("mock answers")).await;
    (status, body)
}

#[tokio::test]
async fn multipart_bodies_are_decoded_part_by_part_and_validated() {
    use accord_runtime::reqwest::multipart::{Form, Part};
    let mock = orders_mock(MockOptions::default()).await;
    let http = http_client();
    let token = token(&http, &mock).await;
    let file = || {
        Part::bytes(b"%PDF-1.7 invoice 42".to_vec()).file_name("invoice.pdf").mime_str("application/pdf").expect("mime")
    };
    let metadata = |text: &str| Part::text(text.to_string()).mime_str("application/json").expect("mime");

    // The scenario's body: a file part, repeated text parts for the list, a JSON part.
    let form = Form::new()
        .text("kind", "invoice")
        .part("file", file())
        .text("labels", "paid")
        .text("labels", "eu")
        .part("metadata", metadata(r#"{"reference": "INV-42"}"#));
    let (status, body) = attach(&http, &mock, &token, form, Some("attach_invoice")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["size_bytes"], 19);
    assert!(mock.problems().is_empty(), "{:?}", mock.problems());

    // Another file than the scenario's; then a label missing: the mock says where.
    let form = Form::new()
        .text("kind", "invoice")
        .part("file", Part::bytes(b"other bytes".to_vec()).file_name("x.pdf"))
        .text("labels", "paid")
        .text("labels", "eu")
        .part("metadata", metadata(r#"{"reference": "INV-42"}"#));
    let (status, _) = attach(&http, &mock, &token, form, Some("attach_invoice")).await;
    assert_eq!(status, StatusCode::CREATED);
    let problems = mock.problems().join("\n");
    assert!(problems.contains(r#"body/file: expected "%PDF-1.7 invoice 42", got "other bytes""#), "{problems}");
    let form = Form::new()
        .text("kind", "invoice")
        .part("file", file())
        .text("labels", "paid")
        .part("metadata", metadata(r#"{"reference": "INV-42"}"#));
    attach(&http, &mock, &token, form, Some("attach_invoice")).await;
    let problems = mock.problems().join("\n");
    assert!(problems.contains(r#"body/labels: expected ["paid","eu"], got ["paid"]"#), "{problems}");

    // Validation: the required file part missing, an enum value off, a JSON part of the wrong type.
    let (status, body) = attach(&http, &mock, &token, Form::new().text("kind", "invoice"), None).await;
    assert_validation_error(status, &body, "body: \"file\" is a required property");
    let form = Form::new().text("kind", "receipt").part("file", file());
    let (status, body) = attach(&http, &mock, &token, form, None).await;
    assert_validation_error(status, &body, "body/kind");
    let form =
        Form::new().text("kind", "invoice").part("file", file()).part("metadata", metadata(r#"{"reference": 42}"#));
    let (status, body) = attach(&http, &mock, &token, form, None).await;
    assert_validation_error(status, &body, "body/metadata/reference");
    let form = Form::new().text("kind", "invoice").part("file", file()).part("metadata", metadata("{not json"));
    let (status, body) = attach(&http, &mock, &token, form, None).await;
    assert_validation_error(status, &body, "part `metadata`: not JSON");

    // Not multipart at all, where the operation declares multipart.
    let response = http
        .post(format!("{}/api/v1/orders/ORD-12345678/documents", mock.uri()))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(r#"{"kind": "invoice"}"#)
        .send()
        .await
        .expect("mock answers");
    let (status, _, body) = json_of(response).await;
    assert_validation_error(status, &body, "not multipart/form-data");
}

#[tokio::test]
async fn sets_and_value_enums_are_validated() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/good-specs/sets_and_value_enums.yaml");
    let source = std::fs::read_to_string(&path).expect("spec reads");
    let compiled = accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    let mock = MockServer::start(accord::emit::contract::build(&compiled.ir), MockOptions::default())
        .await
        .expect("mock starts");
    let http = http_client();
    let send = |query: &'static str, body: Value| {
        let request = http.post(format!("{}/tickets{query}", mock.uri())).json(&body);
        async move { json_of(request.send().await.expect("mock answers")).await }
    };
    let valid = json!({"title": "t", "priority": 1, "tags": ["a", "b"], "ratio": 1.5, "archived": false});
    let (status, _, body) = send("?stars=5&labels=x&labels=y", valid.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // A repeated item of a set, a value outside each kind of enumeration: refused, where.
    let refused = [
        ("", json!({"title": "t", "priority": 1, "tags": ["a", "a"]}), "tags"),
        ("", json!({"title": "t", "priority": 7}), "priority"),
        ("", json!({"title": "t", "priority": 1, "ratio": 2}), "ratio"),
        ("", json!({"title": "t", "priority": 1, "archived": true}), "archived"),
        ("?stars=7", valid.clone(), "stars"),
        ("?labels=x&labels=x", valid, "labels"),
    ];
    for (query, body, place) in refused {
        let (status, _, answer) = send(query, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{place}: {answer}");
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(message.contains(place), "{place}: {answer}");
    }
}

/// Endpoints on one method and path are routed by their fixed values; a request whose values
/// match none of them is not any of them.
#[test]
fn routing_matches_fixed_header_and_query_values() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/good-specs/param_styles.yaml");
    let source = std::fs::read_to_string(&path).expect("spec reads");
    let compiled = accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    let model = accord_mock::Model::new(accord::emit::contract::build(&compiled.ir));
    let routed = |method: &str, path: &str, target: Option<&str>, query: &str| {
        let header = |name: &str| target.filter(|_| name.eq_ignore_ascii_case("x-amz-target")).map(str::to_string);
        match model.route_request(method, path, &header, query) {
            accord_mock::RouteMatch::Found(op, _) => op.name.clone(),
            accord_mock::RouteMatch::WrongMethod(_) => "405".into(),
            accord_mock::RouteMatch::NotFound => "404".into(),
        }
    };
    assert_eq!(routed("POST", "/", Some("Store_20261203.GetItem"), ""), "get_item");
    assert_eq!(routed("POST", "/", Some("Store_20261203.PutItem"), ""), "put_item");
    assert_eq!(routed("POST", "/", Some("Store_20261203.Scan"), ""), "404");
    assert_eq!(routed("POST", "/", None, ""), "404");
    assert_eq!(routed("GET", "/query", None, "Version=2016-11-15&Action=DeleteItems"), "delete_items");
    assert_eq!(routed("GET", "/query", None, "Action=DescribeItems&Version=2016-11-15&MaxResults=5"), "describe_items");
    // Every fixed value must be there: `Version` is missing.
    assert_eq!(routed("GET", "/query", None, "Action=DescribeItems"), "404");
    // A presence-only key (fixed to ``): with it, written bare or with `=`, the endpoint that
    // fixes it; without it, the other one on the same method and path.
    assert_eq!(routed("POST", "/objects/a", None, "uploads"), "start_upload");
    assert_eq!(routed("POST", "/objects/a", None, "uploads="), "start_upload");
    assert_eq!(routed("POST", "/objects/a", None, ""), "store_object");
    assert_eq!(routed("POST", "/objects/a", None, "uploadz"), "store_object");
    // A query key one endpoint requires and the other does not declare (S3's `uploadId`):
    // with it, any value, the endpoint that requires it; without it, the other one.
    assert_eq!(routed("DELETE", "/objects/a", None, "uploadId=u1"), "abort_upload");
    assert_eq!(routed("DELETE", "/objects/a", None, "versionId=v1&uploadId="), "abort_upload");
    assert_eq!(routed("DELETE", "/objects/a", None, "versionId=v1"), "delete_object");
    assert_eq!(routed("DELETE", "/objects/a", None, ""), "delete_object");
}
