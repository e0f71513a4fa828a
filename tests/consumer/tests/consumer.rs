//! The consumer crate as its users see it: the client `build.rs` compiled into `OUT_DIR`
//! works against `accord mock`, the build script told cargo when to rerun, and a broken spec
//! fails the build with the located diagnostic.

use std::path::{Path, PathBuf};
use std::process::Command;

use accord_consumer::orders;
use accord_mock::{Contract, MockOptions, MockServer};

async fn mock(scenario: Option<&str>) -> MockServer {
    let contract = Contract::from_json(accord_consumer::ORDERS_CONTRACT).expect("the build script wrote the contract");
    let server = MockServer::start(contract, MockOptions::default()).await.expect("the mock starts");
    if let Some(scenario) = scenario {
        server.play(scenario).expect("declared scenario");
    }
    server
}

fn client_for(server: &MockServer) -> orders::Client {
    orders::Client::builder()
        .base_url(server.uri())
        .client_credentials(accord_runtime::ClientCredentials::new("test-client", "test-secret"))
        .client_credentials_token_url(format!("{}/oauth/token", server.uri()))
        .retry_policy(accord_runtime::RetryPolicy::NO_RETRIES)
        .build()
        .expect("the client builds")
}

#[accord_mock::tokio::test(crate = "accord_mock::tokio")]
async fn the_included_client_talks_to_the_mock() {
    let server = mock(None).await;
    let client = client_for(&server);
    let order: orders::models::Order = client.get_order("ORD-42").send().await.expect("get_order answers");
    assert_eq!(order.order_id, "ORD-42");

    let new_order = orders::models::CreateOrder {
        customer_id: "CUST-12345".into(),
        items: vec![orders::models::OrderItem { product_id: "SKU-001".into(), quantity: 2, unit_price: None }],
        shipping_address: None,
    };
    let created = client.create_order(&new_order).send_full().await.expect("create_order answers");
    assert_eq!(created.status, 201);
    assert!(server.problems().is_empty(), "{:?}", server.problems());
}

#[accord_mock::tokio::test(crate = "accord_mock::tokio")]
async fn declared_errors_arrive_typed() {
    let server = mock(Some("insufficient_inventory")).await;
    let client = client_for(&server);
    let new_order = orders::models::CreateOrder {
        customer_id: "CUST-12345".into(),
        items: vec![orders::models::OrderItem { product_id: "SKU-001".into(), quantity: 2, unit_price: None }],
        shipping_address: None,
    };
    match client.create_order(&new_order).send().await {
        Err(orders::Error::Api(orders::ApiError::InsufficientInventory(response))) => assert_eq!(response.status, 409),
        other => panic!("expected INSUFFICIENT_INVENTORY, got {other:?}"),
    }
}

#[test]
fn webhooks_without_a_signature_scheme_are_parsed_unverified() {
    use accord_consumer::unsigned_webhooks::webhooks::{self, Event};
    // No signature header is needed or read: the spec declares no scheme.
    let headers: &[(&str, &str)] = &[("content-type", "application/json")];
    let body = br#"{"id": "evt_7", "type": "pet.removed", "pet": {"id": 7, "name": "Tom"}}"#;
    let delivery = webhooks::parse_delivery(headers, body).expect("a declared event parses");
    assert_eq!(delivery.id.as_deref(), Some("evt_7"));
    match delivery.event {
        Event::PetRemoved(event) => assert_eq!((event.pet.id, event.pet.name.as_str()), (7, "Tom")),
        other => panic!("expected PetRemoved, got {other:?}"),
    }

    let unknown = br#"{"id": "evt_8", "type": "pet.renamed", "pet": {"id": 7, "name": "Tim"}}"#;
    match webhooks::parse(headers, unknown).expect("an undeclared event parses") {
        Event::Unknown { event_type, raw } => {
            assert_eq!((event_type.as_str(), &raw["pet"]["name"]), ("pet.renamed", &"Tim".into()))
        }
        other => panic!("expected Unknown, got {other:?}"),
    }

    // A declared event whose payload is not its model arrives as `Unrecognised` with its JSON
    // and serde's reason (a signed one must not be refused: issue 20, item 12); a body that is
    // not JSON is an error, and a payload error.
    let wrong = br#"{"id": "evt_9", "type": "pet.added", "pet": {"name": "no id"}}"#;
    match webhooks::parse(headers, wrong).expect("a declared event of another shape parses") {
        Event::Unrecognised { event_type, raw, error } => {
            assert_eq!((event_type.as_str(), &raw["pet"]["name"]), ("pet.added", &"no id".into()));
            assert!(error.contains("missing field `id`"), "{error}");
        }
        other => panic!("expected Unrecognised, got {other:?}"),
    }
    let error = webhooks::parse(headers, b"not json").expect_err("not JSON");
    assert!(matches!(error, accord_runtime::webhook::WebhookError::InvalidPayload(_)), "{error:?}");
    assert!(error.is_payload_error());
    // serde quotes the offending text; the error keeps a bounded excerpt of it.
    let huge = format!(r#"{{"id": "evt_10", "type": "pet.added", "pet": {{"id": "{}"}}}}"#, "7".repeat(1_000_000));
    match webhooks::parse(headers, huge.as_bytes()).expect("parses") {
        Event::Unrecognised { error, .. } => assert!(error.len() < 400, "{} bytes", error.len()),
        other => panic!("expected Unrecognised, got {other:?}"),
    }
}

#[accord_mock::tokio::test(crate = "accord_mock::tokio")]
async fn read_only_fields_are_not_sent_and_write_only_fields_not_expected() {
    use accord_consumer::read_write_only::{Client, models::User};
    let contract = Contract::from_json(accord_consumer::READ_WRITE_ONLY_CONTRACT).expect("the contract");
    let server = MockServer::start(contract, MockOptions::default()).await.expect("the mock starts");
    server.play("create_user_ok").expect("declared scenario");
    let client = Client::builder()
        .base_url(server.uri())
        .retry_policy(accord_runtime::RetryPolicy::NO_RETRIES)
        .build()
        .expect("the client builds");
    // `id` and `created_at` are the server's: a new user leaves them out.
    let new_user = User { id: None, name: "Ada".into(), password: Some("correct-horse".into()), created_at: None };
    let created = client.create_user(&new_user).send().await.expect("create_user answers");
    // The answer has the read-only id and no write-only password, and still decodes.
    assert_eq!((created.id.as_deref(), created.name.as_str(), created.password), (Some("usr_1"), "Ada", None));
    assert!(created.created_at.is_some());
    // What the client sent is exactly the scenario's body: no `id: null`, no `created_at`.
    assert!(server.problems().is_empty(), "{:?}", server.problems());
    let sent = serde_json::to_value(&new_user).expect("serialises");
    assert_eq!(sent, serde_json::json!({"name": "Ada", "password": "correct-horse"}));
}

#[accord_mock::tokio::test(crate = "accord_mock::tokio")]
async fn undeclared_properties_and_unions_travel_both_ways() {
    use accord_consumer::open_models_and_unions::Client;
    use accord_consumer::open_models_and_unions::models::{Setting, SettingList, SettingValue};
    let contract = Contract::from_json(accord_consumer::OPEN_MODELS_AND_UNIONS_CONTRACT).expect("the contract");
    let server = MockServer::start(contract, MockOptions::default()).await.expect("the mock starts");
    server.play("put_setting_ok").expect("declared scenario");
    let client = Client::builder()
        .base_url(server.uri())
        .retry_policy(accord_runtime::RetryPolicy::NO_RETRIES)
        .build()
        .expect("the client builds");
    let setting = Setting {
        key: "theme".into(),
        value: SettingValue::String("dark".into()),
        note: None,
        additional_properties: [("owner".to_owned(), serde_json::json!("ada"))].into(),
    };
    // Sent as the scenario's body (the undeclared `owner` beside the declared fields, no
    // `note`), answered with it, and decoded back the same.
    let answer = client.put_setting(&setting).send().await.expect("put_setting answers");
    assert!(server.problems().is_empty(), "{:?}", server.problems());
    assert_eq!(answer, setting);

    // Each alternative of the union in spec order, and one that fits none.
    let read = |text: &str| serde_json::from_str::<Setting>(text);
    let number = read(r#"{"key": "size", "value": 12, "note": "px"}"#).expect("an integer value");
    assert_eq!((number.value, number.note.as_deref()), (SettingValue::Integer(12), Some("px")));
    let list = read(r#"{"key": "fonts", "value": {"items": ["a", "b"]}, "x": [1, {"y": null}]}"#).expect("a list");
    assert_eq!(list.value, SettingValue::SettingList(SettingList { items: vec!["a".into(), "b".into()] }));
    assert_eq!(list.additional_properties["x"], serde_json::json!([1, {"y": null}]));
    let written = serde_json::to_value(&list).expect("serialises");
    assert_eq!(written, serde_json::json!({"key": "fonts", "value": {"items": ["a", "b"]}, "x": [1, {"y": null}]}));
    let error = read(r#"{"key": "bad", "value": true}"#).expect_err("a boolean fits no alternative").to_string();
    assert!(error.contains("data did not match any variant of untagged enum SettingValue"), "{error}");
    let error = read(r#"{"value": 1}"#).expect_err("`key` is required").to_string();
    assert!(error.contains("missing field `key`"), "{error}");
}

/// The mock of `tests/good-specs/responses_and_raw_bodies.yaml`, playing `scenario`, and a
/// client of it.
async fn responses_mock(scenario: &str) -> (MockServer, accord_consumer::responses_and_raw_bodies::Client) {
    let contract =
        Contract::from_json(accord_consumer::RESPONSES_AND_RAW_BODIES_CONTRACT).expect("the build script wrote it");
    let server = MockServer::start(contract, MockOptions::default()).await.expect("the mock starts");
    server.play(scenario).expect("declared scenario");
    let client = accord_consumer::responses_and_raw_bodies::Client::builder()
        .base_url(server.uri())
        .retry_policy(accord_runtime::RetryPolicy::NO_RETRIES)
        .build()
        .expect("the client builds");
    (server, client)
}

#[accord_mock::tokio::test(crate = "accord_mock::tokio")]
async fn the_most_specific_error_code_decodes_and_default_catches_the_rest() {
    use accord_consumer::responses_and_raw_bodies::{ApiError, Error};
    let (_server, client) = responses_mock("export_missing").await;
    match client.export_report("nope").send().await {
        Err(Error::Api(ApiError::NotFound(response))) => assert_eq!(response.status, 404),
        other => panic!("expected NOT_FOUND, got {other:?}"),
    }
    let (_server, client) = responses_mock("export_forbidden").await;
    match client.export_report("secret").send().await {
        Err(Error::Api(ApiError::ClientError(response))) => assert_eq!(response.status, 403),
        other => panic!("expected CLIENT_ERROR (4XX), got {other:?}"),
    }
    // 503 is declared by no code: `DEFAULT` decodes it into its own model.
    let (_server, client) = responses_mock("export_outage").await;
    match client.export_report("r1").send().await {
        Err(error @ Error::Api(ApiError::Default(_))) => {
            assert_eq!(error.status(), Some(503));
            let Error::Api(ApiError::Default(response)) = error else { unreachable!() };
            assert_eq!((response.body.reason.as_str(), response.body.retry_in), ("maintenance", Some(60)));
        }
        other => panic!("expected DEFAULT, got {other:?}"),
    }
}

#[accord_mock::tokio::test(crate = "accord_mock::tokio")]
async fn text_and_binary_bodies_are_sent_and_read_as_they_are() {
    let (server, client) = responses_mock("export_ok").await;
    let csv = client.export_report("r1").send_full().await.expect("export_report answers");
    assert_eq!(csv.body, "id,total\nr1,42\n");
    assert_eq!(csv.content_type(), Some("text/csv"));
    assert!(server.problems().is_empty(), "{:?}", server.problems());

    let (server, client) = responses_mock("upload_logo_ok").await;
    client.upload_logo(b"PNG bytes").send().await.expect("upload_logo answers");
    // The mock checked the body and its `Content-Type: image/png`.
    assert!(server.problems().is_empty(), "{:?}", server.problems());

    let (_server, client) = responses_mock("download_logo_ok").await;
    let logo: Vec<u8> = client.download_logo().send().await.expect("download_logo answers");
    assert_eq!(logo, b"PNG bytes");

    // `2XX`: the 201 the scenario answers decodes as the range's model.
    let (server, client) = responses_mock("create_note_ok").await;
    let note = client.create_note("Remember the milk").send_full().await.expect("create_note answers");
    assert_eq!(note.status, 201);
    assert!(!note.body.id.is_empty());
    assert!(server.problems().is_empty(), "{:?}", server.problems());
}

/// What the build script printed to cargo: `OUT_DIR/../output`.
fn build_output() -> String {
    let output = Path::new(env!("OUT_DIR")).parent().expect("OUT_DIR has a parent").join("output");
    std::fs::read_to_string(&output).unwrap_or_else(|e| panic!("{}: {e}", output.display()))
}

#[test]
fn the_build_script_reruns_when_the_spec_changes_and_reports_warnings_located() {
    let output = build_output();
    let lines: Vec<&str> = output.lines().collect();
    assert!(lines.contains(&"cargo:rerun-if-changed=../../specs/orders.yaml"), "{output}");
    assert!(lines.contains(&"cargo:rerun-if-changed=../good-specs/unsigned_webhooks.yaml"), "{output}");
    assert!(lines.contains(&"cargo:rerun-if-changed=../good-specs/read_write_only.yaml"), "{output}");
    assert!(lines.contains(&"cargo:rerun-if-changed=../good-specs/responses_and_raw_bodies.yaml"), "{output}");
    assert!(lines.contains(&"cargo:rerun-if-changed=../good-specs/param_styles.yaml"), "{output}");
    assert!(lines.contains(&"cargo:rerun-if-changed=../good-specs/servers_and_link_pages.yaml"), "{output}");
    assert!(lines.contains(&"cargo:rerun-if-changed=../good-specs/signed_requests.yaml"), "{output}");
    assert!(lines.contains(&"cargo:rerun-if-changed=../good-specs/streamed_bodies.yaml"), "{output}");
    assert!(lines.contains(&"cargo:rerun-if-changed=../good-specs/open_models_and_unions.yaml"), "{output}");
    assert!(lines.contains(&"cargo:rerun-if-env-changed=ACCORD_CONSUMER_SPEC"), "{output}");
    // The OpenAPI description split over files: its root and every file its `$ref`s named.
    let tree = "../../../shared/corpus/openapi-trees/redocly-openapi-starter/openapi/";
    let tree_files: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("cargo:rerun-if-changed="))
        .filter(|f| f.starts_with(tree))
        .collect();
    assert_eq!(tree_files.first(), Some(&&*format!("{tree}openapi.yaml")), "{output}");
    for file in ["components/schemas/MenuItem.yaml", "paths/menu.yaml", "components/parameters/Limit.yaml"] {
        assert!(tree_files.contains(&&*format!("{tree}{file}")), "{file} is not watched: {output}");
    }
    for file in &tree_files {
        assert!(Path::new(file).is_file(), "{file} does not exist");
    }
    // Exactly what it read: nine specs and the description's files (the client needs no
    // template), each once, no directory-wide reruns.
    let reruns: Vec<&&str> = lines.iter().filter(|l| l.starts_with("cargo:rerun-if-changed=")).collect();
    assert_eq!(reruns.len(), 9 + tree_files.len(), "{output}");
    let mut distinct = reruns.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), reruns.len(), "{output}");
    // The Orders spec's by-design warning (seed 002 signs the body only), one line, located.
    assert!(
        lines.iter().any(|l| l.starts_with(
            "cargo:warning=../../specs/orders.yaml:383:21: warning[spec::unsigned_timestamp]: the timestamp is checked"
        )),
        "{output}"
    );
    // Webhooks without a signature scheme compile with a warning, located at `webhooks:`.
    assert!(
        lines.iter().any(|l| l.starts_with(
            "cargo:warning=../good-specs/unsigned_webhooks.yaml:38:1: warning[spec::unsigned_webhooks]: deliveries cannot be verified"
        )),
        "{output}"
    );
    let out_dir = Path::new(env!("OUT_DIR"));
    assert!(out_dir.join("orders.rs").is_file());
    assert!(out_dir.join("orders.contract.json").is_file());
    // A build script cannot enable the runtime's features: it names them, in one warning and
    // in `OUT_DIR/accord-runtime.toml`, and this crate's Cargo.toml enables every one of them.
    let features_warning = lines
        .iter()
        .find(|l| l.starts_with("cargo:warning=accord: the specs need the accord-runtime features "))
        .unwrap_or_else(|| panic!("no features warning: {output}"));
    let runtime_toml = std::fs::read_to_string(out_dir.join("accord-runtime.toml")).expect("accord-runtime.toml");
    let line = runtime_toml.lines().find(|l| l.starts_with("accord-runtime = {")).expect("the dependency line");
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).expect("manifest");
    let enabled = manifest.lines().find(|l| l.starts_with("accord-runtime = {")).expect("our runtime line");
    let needed: Vec<&str> =
        line.split("features = [").nth(1).expect("features").trim_end_matches(['}', ']', ' ']).split(", ").collect();
    assert!(needed.contains(&"\"webhooks\""), "{line}");
    for feature in needed {
        assert!(enabled.contains(feature), "the specs need {feature}, which tests/consumer/Cargo.toml does not enable");
        assert!(features_warning.contains(feature.trim_matches('"')), "{features_warning}");
    }
}

/// The build script binary cargo compiled for this package (the newest, when several exist).
fn build_script() -> PathBuf {
    let build_dir = Path::new(env!("OUT_DIR")).ancestors().nth(2).expect("target/*/build").to_path_buf();
    let mut candidates: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&build_dir)
        .expect("build dir lists")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|dir| dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("accord-consumer-")))
        .filter_map(|dir| {
            let binary = std::fs::read_dir(&dir).ok()?.filter_map(|e| e.ok().map(|e| e.path())).find(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("build-script-build"))
            })?;
            Some((binary.metadata().ok()?.modified().ok()?, binary))
        })
        .collect();
    candidates.sort();
    candidates.pop().map(|(_, path)| path).expect("cargo built the build script")
}

#[test]
fn a_bad_spec_fails_the_build_with_the_located_diagnostic() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("accord-consumer-bad-{}", std::process::id()));
    std::fs::create_dir_all(&out).expect("temp out dir");
    // Run exactly as cargo runs it: from the package root, with OUT_DIR set.
    let output = Command::new(build_script())
        .current_dir(manifest)
        .env("OUT_DIR", &out)
        .env("ACCORD_CONSUMER_SPEC", "../bad-specs/unknown_error_code.yaml")
        .output()
        .expect("the build script runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the build must fail:\n{stdout}\n{stderr}");
    // cargo shows this line even before the failure output, and reruns after a fix.
    assert!(stdout.contains("cargo:rerun-if-changed=../bad-specs/unknown_error_code.yaml"), "{stdout}");
    assert!(
        stdout.contains(
            "cargo:warning=../bad-specs/unknown_error_code.yaml:23:28: error[spec::unknown_error_code]: unknown error code `NOT_FUOND`"
        ),
        "{stdout}"
    );
    // The failure itself: the rendered diagnostic with its snippet and hint.
    assert!(stderr.contains("accord could not compile the specs"), "{stderr}");
    assert!(stderr.contains("../bad-specs/unknown_error_code.yaml:23:28: error[spec::unknown_error_code]"), "{stderr}");
    assert!(stderr.contains("errors: [UNAUTHORIZED, NOT_FUOND]"), "{stderr}");
    assert!(stderr.contains("did you mean `NOT_FOUND`?"), "{stderr}");
    // Nothing was written.
    assert_eq!(std::fs::read_dir(&out).expect("lists").count(), 0);
    let _ = std::fs::remove_dir_all(&out);
}

/// A signed delivery whose payload does not fit the declared model is the provider's: it
/// arrives as `Event::Unrecognised` with the verified JSON, never as the rejection a receiver
/// answers with 4xx (and the provider with a redelivery); a bad signature stays an error that
/// is no payload error (issue 20, item 12).
#[test]
fn signed_deliveries_of_an_unknown_shape_are_handed_over_verified() {
    use orders::webhooks::{self, Event};
    let secret = accord_runtime::Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    let body = br#"{"event_id": "evt_1", "event_type": "order.created", "data": "not an order"}"#;
    let headers = webhooks::sign(body, &secret, 1_700_000_000).expect("signs");
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    match webhooks::verify(&headers, body, &secret, now).expect("a signed delivery is accepted") {
        Event::Unrecognised { event_type, raw, error } => {
            assert_eq!(event_type, "order.created");
            assert_eq!(raw["data"], "not an order");
            assert!(!error.is_empty());
        }
        other => panic!("expected Unrecognised, got {other:?}"),
    }
    let other_secret = accord_runtime::Secret::new("whsec_c2VjcmV0LXRoYXQtaXMtbm90LXRoZS1wcm92aWRlcnM=");
    let error = webhooks::verify(&headers, body, &other_secret, now).expect_err("wrong secret");
    assert_eq!(error, accord_runtime::webhook::WebhookError::SignatureMismatch);
    assert!(!error.is_payload_error());
}

/// An undeclared field nested deeper than serde_json's recursion limit (128) does not turn a
/// delivery into an error: the event type is read with deep values skipped and the event
/// decoded from the bytes (issue 20, item 12).
#[test]
fn deliveries_with_deep_undeclared_fields_decode() {
    use accord_consumer::unsigned_webhooks::webhooks::{self, Event};
    let headers: &[(&str, &str)] = &[("content-type", "application/json")];
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let body = format!(
        r#"{{"id": "evt_7", "extra": {deep}, "type": "pet.removed", "pet": {{"id": 7, "name": "Tom", "more": {deep}}}}}"#
    );
    let delivery =
        webhooks::parse_delivery(headers, body.as_bytes()).expect("a declared event with deep extras parses");
    assert_eq!(delivery.id.as_deref(), Some("evt_7"));
    assert!(matches!(delivery.event, Event::PetRemoved(_)), "{:?}", delivery.event);
    // An undeclared event type keeps its JSON, which serde_json cannot read that deep: a
    // payload error, never a panic.
    let unknown = body.replace("pet.removed", "pet.renamed");
    let error = webhooks::parse(headers, unknown.as_bytes()).expect_err("too deep for a JSON value");
    assert!(error.is_payload_error(), "{error:?}");
}

async fn param_styles_mock() -> (MockServer, accord_consumer::param_styles::Client) {
    let contract = Contract::from_json(accord_consumer::PARAM_STYLES_CONTRACT).expect("the contract");
    let server = MockServer::start(contract, MockOptions::default()).await.expect("the mock starts");
    let client = accord_consumer::param_styles::Client::builder()
        .base_url(server.uri())
        .retry_policy(accord_runtime::RetryPolicy::NO_RETRIES)
        .build()
        .expect("the client builds");
    (server, client)
}

#[accord_mock::tokio::test(crate = "accord_mock::tokio")]
async fn every_parameter_style_reaches_the_mock_as_the_scenario_says() {
    use accord_consumer::param_styles::models::{Filter, Point};
    let (server, client) = param_styles_mock().await;
    server.play("search_styled").expect("declared scenario");
    let request = client
        .search(vec![1, 2], vec!["eu".into(), "west".into()])
        .tags(vec!["a".into(), "b,c".into()])
        .colors(vec!["red".into(), "green|blue".into()])
        .words(vec!["big".into(), "small,world".into()])
        .filter(Filter { status: Some("open".into()), kind: Some("x y".into()) })
        .point(Point { x: Some(1), y: Some(2) })
        .limit(10)
        .x_trace(vec!["t1".into(), "t2".into()]);
    // The wire text, as OpenAPI's style examples write it: separators as they are, the same
    // characters inside a value percent-encoded.
    let spec = request.request().expect("encodes");
    assert_eq!(spec.path, "/items/;ids=1;ids=2/.eu.west");
    assert_eq!(
        accord_runtime::style::query_string(&spec.query),
        "tags=a,b%2Cc&colors=red|green%7Cblue&words=big%20small%2Cworld&filter[status]=open&filter[kind]=x%20y&x=1&y=2&limit=10"
    );
    assert_eq!(spec.headers, vec![("X-Trace".to_string(), "t1,t2".to_string())]);
    let found = request.send().await.expect("search answers");
    assert_eq!(found.count, 2);
    let exchanges = server.exchanges();
    assert_eq!(exchanges.len(), 1);
    let exchange = &exchanges[0];
    // The mock read every style back to the scenario's values and found nothing wrong.
    assert_eq!(exchange.operation.as_deref(), Some("search"));
    assert!(exchange.problems.is_empty() && exchange.mismatches.is_empty(), "{exchange:?}");
    assert!(server.unplayed_steps().is_empty(), "{:?}", server.unplayed_steps());
}

#[accord_mock::tokio::test(crate = "accord_mock::tokio")]
async fn endpoints_on_one_route_are_routed_by_their_fixed_values() {
    use accord_consumer::param_styles::models::Item;
    let (server, client) = param_styles_mock().await;
    server.play("put_then_get").expect("declared scenario");
    let item = Item { id: "it_1".into() };
    let put = client.put_item(&item);
    assert!(
        put.request().expect("encodes").headers.contains(&("X-Amz-Target".into(), "Store_20261203.PutItem".into()))
    );
    put.send().await.expect("put_item answers");
    client.get_item(&item).send().await.expect("get_item answers");
    client.describe_items().send().await.expect("describe_items answers");
    client.delete_items().send().await.expect("delete_items answers");
    // A key that is only present: sent as `uploads=` (how a query parser reads `uploads`).
    let start = client.start_upload("k1");
    assert_eq!(accord_runtime::style::query_string(&start.request().expect("encodes").query), "uploads=");
    start.send().await.expect("start_upload answers");
    client.store_object("k1", &item).send().await.expect("store_object answers");
    // A required query key the other endpoint does not declare: `uploadId=…` routes to
    // `abort_upload`, its absence to `delete_object`.
    let abort = client.abort_upload("k1", "u-1");
    assert_eq!(accord_runtime::style::query_string(&abort.request().expect("encodes").query), "uploadId=u-1");
    abort.send().await.expect("abort_upload answers");
    client.delete_object("k1").send().await.expect("delete_object answers");
    let routed: Vec<Option<String>> = server.exchanges().into_iter().map(|e| e.operation).collect();
    assert_eq!(
        routed,
        [
            "put_item",
            "get_item",
            "describe_items",
            "delete_items",
            "start_upload",
            "store_object",
            "abort_upload",
            "delete_object",
        ]
        .map(|name| Some(name.to_string()))
        .to_vec()
    );
    assert!(server.problems().is_empty(), "{:?}", server.problems());
    assert!(server.unplayed_steps().is_empty(), "{:?}", server.unplayed_steps());
}

#[test]
fn url_variables_fill_the_base_url_when_the_client_is_built() {
    use accord_consumer::servers_and_link_pages::client::{Environment, Region};
    use accord_consumer::servers_and_link_pages::{Client, Error};
    // `{account}` is required: without it `build` says which setter and variable give it.
    let missing = Client::builder().build().expect_err("no account");
    let Error::Config(message) = missing else { panic!("a configuration error: {missing:?}") };
    assert!(message.contains("`.account(…)`") && message.contains("SERVERS_AND_LINK_PAGES_ACCOUNT"), "{message}");
    // The region's default (`eu`), or the typed value; a path value is percent-encoded.
    let client = Client::builder().account("acme").build().expect("builds");
    assert_eq!(client.base_url(), "https://eu.api.example.com/v2/acme");
    let client = Client::builder().region(Region::ApSoutheast2).account("a/b c").build().expect("builds");
    assert_eq!(client.base_url(), "https://ap-southeast-2.api.example.com/v2/a%2Fb%20c");
    let sandbox = Client::builder().environment(Environment::Sandbox).account("acme").build().expect("builds");
    assert_eq!(sandbox.base_url(), "https://sandbox.example.com/v2/acme");
    // A dot-segment would change the path: refused, naming the variable.
    let refused = Client::builder().account("..").build().expect_err("a dot-segment");
    assert!(refused.to_string().contains("`account`"), "{refused}");
}

#[accord_mock::tokio::test(crate = "accord_mock::tokio")]
async fn a_named_server_follows_base_url_so_the_mock_serves_it_on_one_listener() {
    use accord_consumer::servers_and_link_pages::{Client, models::Item};
    let contract = Contract::from_json(accord_consumer::SERVERS_AND_LINK_PAGES_CONTRACT).expect("contract");
    let server = MockServer::start(contract, MockOptions::default()).await.expect("the mock starts");
    let client = Client::builder().base_url(server.uri()).build().expect("`base_url` replaces every server's URL");
    let item = Item { id: "item-1".into() };
    client.upload_item(&item).send().await.expect("the upload endpoint answers on the mock");
    let exchanges = server.exchanges();
    assert!(exchanges.iter().any(|e| e.path == "/items/upload" && e.status == 201), "{exchanges:#?}");
}

/// A declared HMAC request signature end to end: the generated client signs `new_order`
/// (Binance's scheme: `timestamp` and `signature` in the query, the key in `X-MBX-APIKEY`),
/// the mock recomputes it; another secret is refused with the declared 401, and the public
/// `ping` carries nothing.
#[accord_mock::tokio::test(crate = "accord_mock::tokio")]
async fn hmac_signed_requests_are_verified_by_the_mock() {
    use accord_consumer::signed_requests::client::Environment;
    use accord_consumer::signed_requests::{ApiError, Client, Error};
    let contract = Contract::from_json(accord_consumer::SIGNED_REQUESTS_CONTRACT).expect("the build script wrote it");
    let server = MockServer::start(contract, MockOptions::default()).await.expect("the mock starts");
    let client = |secret: &str| {
        Client::builder()
            .base_url(server.uri())
            .signed("test-key-id", secret.to_string())
            .retry_policy(accord_runtime::RetryPolicy::NO_RETRIES)
            .build()
            .expect("the client builds")
    };
    server.play("order_ok").expect("declared scenario");
    let order = client("test-secret").new_order("LTCBTC", "BUY", "1").send().await.expect("signed and accepted");
    assert_eq!(order.order_id, 7);
    let seen = server.exchanges();
    assert!(seen.iter().all(|e| e.status != 401), "{seen:#?}");

    // The scenario would answer 200: the 401 is the mock's signature check.
    server.play("order_ok").expect("declared scenario");
    match client("another-secret").new_order("LTCBTC", "BUY", "1").send().await {
        Err(Error::Api(ApiError::Unauthorized(response))) => assert_eq!(response.status, 401),
        other => panic!("expected UNAUTHORIZED, got {other:?}"),
    }
    // The partner environment names its client certificate's variables.
    assert_eq!(Environment::Partner.client_certificate(), Some(("EXCHANGE_CLIENT_CERT", "EXCHANGE_CLIENT_KEY")));
    assert_eq!(Environment::Production.client_certificate(), None);
}

/// The pattern `accord mock` streams ([`accord_mock::pattern`]) as an `AsyncRead`, generated
/// as it is read: an upload source of any size that is never in memory whole.
struct PatternReader {
    offset: u64,
    length: u64,
}

impl accord_runtime::tokio::io::AsyncRead for PatternReader {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buffer: &mut accord_runtime::tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let count = (buffer.remaining() as u64).min(self.length - self.offset);
        let bytes: Vec<u8> = (self.offset..self.offset + count).map(accord_mock::pattern).collect();
        buffer.put_slice(&bytes);
        self.offset += count;
        std::task::Poll::Ready(Ok(()))
    }
}

async fn streaming_mock(stream_bytes: u64) -> (MockServer, accord_consumer::streamed_bodies::Client) {
    let contract = Contract::from_json(accord_consumer::STREAMED_BODIES_CONTRACT).expect("the build script wrote it");
    let options = MockOptions { stream_bytes: Some(stream_bytes), ..MockOptions::default() };
    let server = MockServer::start(contract, options).await.expect("the mock starts");
    let client = accord_consumer::streamed_bodies::Client::builder()
        .base_url(server.uri())
        .retry_policy(accord_runtime::RetryPolicy::NO_RETRIES)
        .build()
        .expect("the client builds");
    (server, client)
}

/// 64 MiB: more than a test should hold, a modest stand-in for the runtime bench's 1 GiB.
const STREAMED: u64 = 64 * 1024 * 1024;

/// A 64 MiB download through the generated `download` arrives whole (length and SHA-256 of
/// the mock's pattern) in chunks of at most 1 MiB, so the client holds one chunk at a time.
#[accord_mock::tokio::test(crate = "accord_mock::tokio")]
async fn a_streamed_download_of_64_mib_arrives_whole_one_bounded_chunk_at_a_time() {
    use sha2::Digest as _;
    let (server, client) = streaming_mock(STREAMED).await;
    let response = client.download("big.bin").send_full().await.expect("the head arrives");
    assert_eq!(response.status, 200);
    assert_eq!(response.body.content_length(), Some(STREAMED), "the mock declares the length");
    let mut body = response.body;
    let (mut hasher, mut largest) = (sha2::Sha256::new(), 0);
    while let Some(chunk) = body.next_chunk().await {
        let chunk = chunk.expect("no chunk fails");
        largest = largest.max(chunk.len());
        hasher.update(&chunk);
    }
    assert_eq!(body.bytes_read(), STREAMED);
    assert_eq!(hex::encode(hasher.finalize()), accord_mock::pattern_sha256(STREAMED));
    assert!(largest <= 1024 * 1024, "a chunk of {largest} bytes");
    assert!(server.problems().is_empty(), "{:?}", server.problems());
}

/// The spec's `max_bytes` (1 MiB on `download_thumbnail`) stops a longer body with
/// `StreamError::TooLarge`, nothing past the cap written.
#[accord_mock::tokio::test(crate = "accord_mock::tokio")]
async fn a_streamed_download_past_the_spec_cap_fails_too_large() {
    let (_server, client) = streaming_mock(STREAMED).await;
    let mut body = client.download_thumbnail("big.png").send().await.expect("the head arrives");
    let mut sink = Vec::new();
    let error = body.write_to(&mut sink).await.expect_err("past the cap");
    assert!(matches!(error, accord_runtime::StreamError::TooLarge { limit: 1_048_576 }), "{error:?}");
    assert!(sink.len() <= 1_048_576, "{} bytes written", sink.len());
}

/// A 64 MiB upload from a reader through the generated `upload` reaches the mock whole (it
/// counts and hashes the bytes as they come, and says so in its answer's headers).
#[accord_mock::tokio::test(crate = "accord_mock::tokio")]
async fn a_streamed_upload_of_64_mib_from_a_reader_arrives_whole() {
    let (server, client) = streaming_mock(0).await;
    let upload = accord_runtime::Upload::reader(PatternReader { offset: 0, length: STREAMED }, Some(STREAMED));
    let response = client.upload("big.bin", upload).send_full().await.expect("the upload is answered");
    assert_eq!(response.status, 201);
    let header = |name: &str| response.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_eq!(header(accord_mock::RECEIVED_BYTES_HEADER), Some(STREAMED.to_string()));
    assert_eq!(header(accord_mock::RECEIVED_SHA256_HEADER), Some(accord_mock::pattern_sha256(STREAMED)));
    assert!(server.problems().is_empty(), "{:?}", server.problems());
}
