//! `verify` against `accord mock` for every spec in `specs/`: every scenario is played and
//! every response the mock gives passes the same checks a real provider's must.

use std::path::Path;

use accord_mock::{Contract, Credentials, MockOptions, MockServer, Verdict, VerifyOptions, verify};

fn contracts() -> Vec<Contract> {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let files = accord::spec_files(&specs).expect("specs/ lists");
    assert!(files.len() >= 5, "specs/ has the five specs");
    files
        .iter()
        .map(|path| {
            let source = std::fs::read_to_string(path).expect("spec reads");
            let compiled = accord::compile_spec(path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
            accord::emit::contract::build(&compiled.ir)
        })
        .collect()
}

#[tokio::test]
async fn verify_passes_against_the_mock_for_every_spec() {
    for contract in contracts() {
        let server = MockServer::start(contract.clone(), MockOptions::default()).await.expect("mock starts");
        let report = verify(&contract, &VerifyOptions::new(server.uri(), Credentials::new())).await;
        let text = report.render();
        assert!(report.mock, "{}: the verifier recognises the mock", contract.name);
        assert!(report.passed(), "{}:\n{text}", contract.name);
        assert_eq!(report.count(Verdict::Skip), 0, "{}: nothing skipped against the mock:\n{text}", contract.name);
        assert_eq!(report.count(Verdict::Pass), contract.scenarios.len(), "{}:\n{text}", contract.name);
        let steps: usize = contract.scenarios.iter().map(|s| s.steps.len()).sum();
        assert_eq!(
            report.scenarios.iter().map(|s| s.steps.len()).sum::<usize>(),
            steps,
            "{}: every step ran",
            contract.name
        );
        // Every scenario step was played by header, so the mock saw each request as declared.
        let exchanges = server.exchanges();
        let played = exchanges.iter().filter(|e| e.scenario.is_some()).count();
        let unauthorized = exchanges.iter().filter(|e| e.status == 401 && e.scenario.is_none()).count();
        assert_eq!(played + unauthorized, steps, "{}: {exchanges:#?}", contract.name);
        let mismatches: Vec<&String> = exchanges.iter().flat_map(|e| &e.mismatches).collect();
        assert!(mismatches.is_empty(), "{}: {mismatches:?}", contract.name);
    }
}

#[tokio::test]
async fn verify_passes_against_the_mock_with_ranges_a_default_code_and_raw_bodies() {
    // `tests/good-specs/responses_and_raw_bodies.yaml`: `4XX` and `default` codes, CSV text,
    // PNG bytes and a `2XX` response; every scenario passes, nothing is skipped.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/good-specs/responses_and_raw_bodies.yaml");
    let source = std::fs::read_to_string(&path).expect("spec reads");
    let compiled = accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    let contract = accord::emit::contract::build(&compiled.ir);
    let server = MockServer::start(contract.clone(), MockOptions::default()).await.expect("mock starts");
    let report = verify(&contract, &VerifyOptions::new(server.uri(), Credentials::new())).await;
    let text = report.render();
    assert!(report.passed(), "{text}");
    assert_eq!(report.count(Verdict::Pass), contract.scenarios.len(), "{text}");
    let exchanges = server.exchanges();
    let problems: Vec<&String> = exchanges.iter().flat_map(|e| e.mismatches.iter().chain(&e.problems)).collect();
    assert!(problems.is_empty(), "{problems:?}");
    // Unplayed, the mock answers `DEFAULT` with a status no other code declares.
    let default = contract.error_code("DEFAULT").expect("declared");
    assert_eq!(contract.errors.answer_status(default), Some(500));
}

#[tokio::test]
async fn a_provider_with_auth_is_skipped_without_credentials() {
    // A server that is not an accord mock: verification needs the spec's credentials.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, axum::Router::new()).await });
    let orders = contracts().into_iter().find(|c| c.name == "orders").expect("orders spec");
    let report = verify(&orders, &VerifyOptions::new(format!("http://{addr}"), Credentials::new())).await;
    assert!(!report.mock);
    assert_eq!(report.count(Verdict::Skip), orders.scenarios.len());
    let reason = report.scenarios[0].reason.clone().expect("a reason");
    assert!(reason.contains("ORDERS_CLIENT_ID") && reason.contains("ORDERS_CLIENT_SECRET"), "{reason}");
    assert!(report.render().contains("skipped: `orders` declares auth"), "{}", report.render());
}

#[tokio::test]
async fn the_mock_signs_deliveries_with_every_preset() {
    let base = contracts().into_iter().find(|c| c.name == "svix").expect("svix spec");
    for preset in accord::spec::presets::ALL {
        let id = preset.id();
        let signature = accord::lower::preset_scheme(id).expect("preset");
        let (signing, verifying, other) = accord::emit::tests::test_keys(&signature);
        let mut contract = base.clone();
        let webhooks = contract.webhooks.as_mut().expect("svix declares webhooks");
        webhooks.scheme = Some(serde_json::to_value(&signature).expect("serialises"));
        webhooks.test_signing_key = signing;
        webhooks.test_verifying_key = verifying.clone();
        let event_type = webhooks.events[0].event_type.clone();
        let scheme: accord_runtime::webhook::Scheme =
            serde_json::from_value(webhooks.scheme.clone().expect("a scheme"))
                .expect("the contract's scheme is the runtime's");

        let receiver = accord_mock::WebhookReceiver::start(&[]).await.expect("receiver starts");
        let options = MockOptions { webhook_time_scale: 0.0, ..MockOptions::default() };
        let server = MockServer::start(contract, options).await.expect("mock starts");
        let delivery = server.deliver(&event_type, Some(&receiver.url())).await.unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(delivery.delivered, "{id}: {delivery:?}");
        let received = receiver.take();
        assert_eq!(received.len(), 1, "{id}");
        let received = &received[0];
        let now = std::time::SystemTime::now();
        let key = accord_runtime::Secret::new(verifying);
        let verified = scheme.verify(&received.headers, &received.body, Some(&received.url), &[&key], now);
        assert!(verified.is_ok(), "{id}: {verified:?}");
        let wrong = accord_runtime::Secret::new(other);
        let rejected = scheme.verify(&received.headers, &received.body, Some(&received.url), &[&wrong], now);
        assert!(rejected.is_err(), "{id}: verified with someone else's key");
    }
}

/// Slack answers errors with HTTP 200 and `{"ok": false, "error": …}` (spec `when`): the mock
/// acts that out for a scenario's code and for its own auth failure, and `verify` reads such
/// a body as its code, not as the declared success.
#[tokio::test]
async fn errors_in_200_bodies_are_acted_out_and_verified() {
    let slack = contracts().into_iter().find(|c| c.name == "slack").expect("slack spec");
    let server = MockServer::start(slack.clone(), MockOptions::default()).await.expect("mock starts");
    let http = accord_runtime::reqwest::Client::new();
    let url = format!("{}/api/chat.postMessage", server.uri());
    let message = serde_json::json!({"channel": "C999NOPE", "text": "Hello world"});

    // The scenario's code: 200, `ok` false, the code's own value at `/error`.
    let response = http
        .post(&url)
        .bearer_auth("test-token")
        .header(accord_mock::SCENARIO_HEADER, "post_message_channel_not_found")
        .json(&message)
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["ok"], serde_json::json!(false), "{body}");
    assert_eq!(body["error"], serde_json::json!("channel_not_found"), "{body}");

    // No token: Slack's own answer, `not_authed` in a 200 body, not a 401.
    let response = http.post(&url).json(&message).send().await.expect("the mock answers");
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["error"], serde_json::json!("not_authed"), "{body}");

    // `verify`'s check: the error body is the code's, and a success where the step expects
    // the code is a deviation (the check can fail).
    let model = accord_mock::Model::new(slack.clone());
    let op = slack.operation("post_message").expect("operation");
    let step = &slack.scenario("post_message_channel_not_found").expect("scenario").steps[0];
    let headers = accord_runtime::reqwest::header::HeaderMap::new();
    let error = br#"{"ok": false, "error": "channel_not_found"}"#;
    let (deviations, code) = accord_mock::check_response(&model, op, step, 200, &headers, error);
    assert!(deviations.is_empty(), "{deviations:?}");
    assert_eq!(code.as_deref(), Some("CHANNEL_NOT_FOUND"));
    let success = br#"{"ok": true, "channel": "C123ABC456", "ts": "1503435956.000247"}"#;
    let (deviations, code) = accord_mock::check_response(&model, op, step, 200, &headers, success);
    assert_eq!(code, None);
    assert!(deviations.iter().any(|d| d.to_string().contains("expected `CHANNEL_NOT_FOUND`")), "{deviations:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn link_cursor_pages_are_served_and_followed_through_the_mock() {
    // specs/shopify.yaml: `list_orders` pages by the `Link` header's `page_info` cursor. The
    // first page links to the next (with the `limit` the request sent), the second has no
    // `rel="next"`, and the runtime's `PageStyle::LinkCursor` follows exactly that.
    use accord_runtime::{Client, ClientConfig, DefaultHeader, PageStyle, RequestSpec};
    let shopify = contracts().into_iter().find(|c| c.name == "shopify").expect("shopify spec");
    let server = MockServer::start(shopify, MockOptions::default()).await.expect("mock starts");
    let mut config = ClientConfig::new(server.uri(), "end-to-end");
    // The mock's fixed test key (`accord_mock::Credential::test`).
    config.default_headers = vec![DefaultHeader::Fixed("X-Shopify-Access-Token", "test-key")];
    let client = Client::new(config).expect("client");
    let style = PageStyle::LinkCursor { param: "page_info", items: Some("/orders") };
    let mut first = RequestSpec::new(accord_runtime::reqwest::Method::GET, "list_orders", "/orders.json".into());
    first.query("status", "any").expect("encodes");
    first.query("limit", &50).expect("encodes");
    let page = client.execute(&first).await.expect("first page");
    assert_eq!(page.status, 200, "{}", String::from_utf8_lossy(&page.body));
    let body: serde_json::Value = serde_json::from_slice(&page.body).expect("JSON");
    let next =
        style.next_request(&first, &body, &page.headers, client.base_url()).expect("a link").expect("a next page");
    let url = next.absolute_url.clone().expect("the link's URL");
    assert!(
        url.starts_with(&server.uri()) && url.contains("page_info=mock-page-2") && url.contains("limit=50"),
        "{url}"
    );
    let last = client.execute(&next).await.expect("second page");
    assert_eq!(last.status, 200);
    let body: serde_json::Value = serde_json::from_slice(&last.body).expect("JSON");
    let link = last.headers.get("link").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(link.contains("rel=\"previous\"") && !link.contains("rel=\"next\""), "{link}");
    assert!(style.next_request(&next, &body, &last.headers, client.base_url()).expect("no error").is_none());
    let problems: Vec<String> = server.exchanges().into_iter().flat_map(|e| e.problems).collect();
    assert!(problems.is_empty(), "the mock accepted both pages as declared: {problems:?}");
}
