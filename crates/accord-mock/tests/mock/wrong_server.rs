//! `verify` against a deliberately wrong Orders server: an axum app that impersonates the
//! mock (so every scenario is played and it can pick its answer by `X-Accord-Scenario`) and
//! breaks the contract in one precise way per broken scenario. The report must name each
//! deviation's place and pass the scenarios the server gets right.

use std::path::Path;

use accord_mock::{Contract, Credential, Credentials, Problem, Report, Verdict, VerifyOptions, verify};
use accord_runtime::Secret;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Value, json};

fn orders() -> Contract {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/orders.yaml");
    let source = std::fs::read_to_string(&path).expect("spec reads");
    let compiled = accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    accord::emit::contract::build(&compiled.ir)
}

const CLIENT_ID: &str = "wrong-server-client";
const CLIENT_SECRET: &str = "wrong-server-secret";
const ACCESS_TOKEN: &str = "wrong-server-token";

fn reply(status: u16, headers: &[(&str, &str)], body: Option<Value>) -> Response {
    let status = StatusCode::from_u16(status).expect("status");
    let mut response = match body {
        Some(body) => (status, [("content-type", "application/json")], body.to_string()).into_response(),
        None => (status, Body::empty()).into_response(),
    };
    for (name, value) in headers {
        response
            .headers_mut()
            .insert(axum::http::HeaderName::from_bytes(name.as_bytes()).expect("name"), value.parse().expect("value"));
    }
    response
}

fn error(status: u16, code: &str) -> Response {
    reply(status, &[], Some(json!({"error_code": code, "message": format!("{code} from the wrong server")})))
}

fn order(order_id: Value, status: &str) -> Value {
    json!({"order_id": order_id, "status": status, "total_amount": 59.98, "currency": "USD"})
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// The Orders API, right except where the comments say.
async fn wrong_orders(request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let headers = &parts.headers;
    match (&parts.method, parts.uri.path()) {
        (&Method::GET, "/__accord") => return reply(200, &[], Some(json!({"accord_mock": "orders"}))),
        (&Method::POST, "/oauth/token") => {
            let expected = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
            return if header(headers, "authorization") == format!("Basic {expected}") {
                reply(200, &[], Some(json!({"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600})))
            } else {
                reply(401, &[], Some(json!({"error": "invalid_client"})))
            };
        }
        _ => {}
    }
    if header(headers, "authorization") != format!("Bearer {ACCESS_TOKEN}") {
        let mut response = error(401, "UNAUTHORIZED");
        response.headers_mut().insert("www-authenticate", "Bearer".parse().expect("value"));
        return response;
    }
    let rate_limit_headers = [
        ("Retry-After", "30"),
        ("X-RateLimit-Limit", "300"),
        ("X-RateLimit-Remaining", "0"),
        ("X-RateLimit-Reset", "1"),
    ];
    match (header(headers, "x-accord-scenario"), header(headers, "x-accord-step")) {
        // (b) A 429 without `Retry-After`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`,
        // which create_order declares for it (and a 429 where 201 is expected).
        ("happy_path", _) => reply(
            429,
            &[("X-RateLimit-Limit", "100")],
            Some(json!({"error_code": "RATE_LIMIT_EXCEEDED", "message": "slow down"})),
        ),
        ("missing_required_field" | "invalid_quantity" | "attach_without_file", _) => error(400, "VALIDATION_ERROR"),
        ("attach_invoice", _) => reply(
            201,
            &[],
            Some(json!({"document_id": "DOC-0001", "order_id": "ORD-12345678", "kind": "invoice", "size_bytes": 19})),
        ),
        // (d) The right status with another code in the envelope.
        ("insufficient_inventory", _) => error(409, "CONFLICT"),
        ("payment_failure", _) => error(402, "PAYMENT_FAILED"),
        ("duplicate_request", "1") => reply(201, &[], Some(order(json!("ORD-001"), "pending"))),
        ("duplicate_request", _) => reply(200, &[], Some(order(json!("ORD-001"), "pending"))),
        ("rate_limit_exceeded", _) => reply(
            429,
            &rate_limit_headers,
            Some(json!({"error_code": "RATE_LIMIT_EXCEEDED", "message": "slow down", "retry_after": 30})),
        ),
        // (a) A number where the spec declares a string.
        ("get_order_ok", _) => reply(200, &[], Some(order(json!(42), "pending"))),
        // (c) A status get_order does not declare, and no error envelope.
        ("get_order_not_found", _) => reply(418, &[], None),
        ("list_orders_first_page", _) => reply(
            200,
            &[],
            Some(json!({
                "data": [order(json!("ORD-1"), "pending"), order(json!("ORD-2"), "pending")],
                "pagination": {"next_cursor": "c2", "has_more": true},
            })),
        ),
        // (a) A status outside the OrderStatus enum.
        ("cancel_order_ok", _) => reply(200, &[], Some(order(json!("ORD-12345678"), "lost"))),
        ("cancel_shipped_order", _) => error(409, "CONFLICT"),
        // The streamed invoice, as the spec declares it (`application/pdf`).
        ("download_invoice", _) => {
            (StatusCode::OK, [("content-type", "application/pdf")], "%PDF-1.7 invoice 42").into_response()
        }
        _ => error(500, "INTERNAL_ERROR"),
    }
}

async fn start_wrong_server() -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, axum::Router::new().fallback(wrong_orders)).await });
    format!("http://{addr}")
}

fn credential(secret: &str) -> Credentials {
    let mut credentials = Credentials::new();
    credentials.insert(
        "client_credentials",
        Credential::ClientCredentials { client_id: CLIENT_ID.into(), client_secret: Secret::new(secret) },
    );
    credentials
}

fn deviations<'a>(report: &'a Report, scenario: &str) -> Vec<&'a Problem> {
    let result = report.scenarios.iter().find(|s| s.scenario == scenario).expect("scenario in the report");
    result.steps.iter().flat_map(|step| &step.deviations).collect()
}

fn problem(at: &str, message: &str) -> Problem {
    Problem { at: at.into(), message: message.into() }
}

#[tokio::test]
async fn verify_pinpoints_every_deviation_of_a_wrong_server() {
    let contract = orders();
    let base_url = start_wrong_server().await;
    let report = verify(&contract, &VerifyOptions::new(base_url.clone(), credential(CLIENT_SECRET))).await;
    let text = report.render();
    assert!(report.mock, "the impersonation is recognised: {text}");
    assert!(!report.passed(), "{text}");

    let verdicts: Vec<(&str, Verdict)> = report.scenarios.iter().map(|s| (s.scenario.as_str(), s.verdict)).collect();
    let failing = ["happy_path", "insufficient_inventory", "get_order_ok", "get_order_not_found", "cancel_order_ok"];
    for (scenario, verdict) in &verdicts {
        let expected = if failing.contains(scenario) { Verdict::Fail } else { Verdict::Pass };
        assert_eq!(*verdict, expected, "{scenario}:\n{text}");
    }
    assert_eq!(verdicts.len(), contract.scenarios.len(), "every scenario ran:\n{text}");
    assert_eq!(report.count(Verdict::Pass), contract.scenarios.len() - failing.len());

    // (a) A wrong field type: the schema and the scenario's `body_equals` both name the field.
    assert_eq!(
        deviations(&report, "get_order_ok"),
        [
            &problem("body/order_id", "value is not of type \"string\""),
            &problem("body/order_id", "expected \"ORD-12345678\", got 42"),
        ],
        "{text}"
    );
    assert_eq!(
        deviations(&report, "cancel_order_ok"),
        [
            &problem("body/status", "value is not one of \"pending\", \"confirmed\" or 3 other candidates"),
            &problem("body/status", "expected \"cancelled\", got \"lost\""),
        ],
        "{text}"
    );

    // (b) Declared headers missing from the 429, each named; the other deviations of that
    // answer (status, fields the scenario expects) are reported beside them.
    assert_eq!(
        deviations(&report, "happy_path"),
        [
            &problem("status", "expected 201, got 429"),
            &problem("header/Retry-After", "missing; declared for 429"),
            &problem("header/X-RateLimit-Remaining", "missing; declared for 429"),
            &problem("header/X-RateLimit-Reset", "missing; declared for 429"),
            &problem("body/order_id", "missing"),
            &problem("body/status", "missing"),
            &problem("body/total_amount", "missing"),
        ],
        "{text}"
    );

    // (c) An undeclared status, without the error the scenario expects.
    assert_eq!(
        deviations(&report, "get_order_not_found"),
        [
            &problem("status", "expected 404, got 418"),
            &problem("status", "418 is not declared for `get_order`"),
            &problem("error", "expected `NOT_FOUND`, got no code"),
        ],
        "{text}"
    );

    // (d) The right status with the wrong code: only the code is wrong.
    assert_eq!(
        deviations(&report, "insufficient_inventory"),
        [&problem("error", "expected `INSUFFICIENT_INVENTORY`, got `CONFLICT`")],
        "{text}"
    );

    // Both steps of a multi-step scenario ran and passed; the 401 scenario was provoked.
    let duplicate = report.scenarios.iter().find(|s| s.scenario == "duplicate_request").expect("ran");
    let actual: Vec<&str> = duplicate.steps.iter().map(|s| s.actual.as_str()).collect();
    assert_eq!(actual, ["201", "200"]);
    let unauthorized = report.scenarios.iter().find(|s| s.scenario == "unauthorized").expect("ran");
    assert_eq!(unauthorized.steps[0].actual, "401 UNAUTHORIZED");

    // The rendered report: one row per step with expected and actual, each deviation under it.
    let row = |name: &str| {
        text.lines()
            .find(|line| line.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("{name}:\n{text}"))
    };
    let get_order_row: Vec<&str> = row("get_order_ok").split_whitespace().collect();
    assert_eq!(get_order_row, ["get_order_ok", "GET", "/api/v1/orders/ORD-12345678", "200", "200", "FAIL"]);
    let not_found_row: Vec<&str> = row("get_order_not_found").split_whitespace().collect();
    assert_eq!(
        not_found_row,
        ["get_order_not_found", "GET", "/api/v1/orders/ORD-00000000", "404", "NOT_FOUND", "418", "FAIL"]
    );
    let inventory_row: Vec<&str> = row("insufficient_inventory").split_whitespace().collect();
    assert_eq!(
        inventory_row,
        [
            "insufficient_inventory",
            "POST",
            "/api/v1/orders",
            "409",
            "INSUFFICIENT_INVENTORY",
            "409",
            "CONFLICT",
            "FAIL"
        ]
    );
    let happy_row: Vec<&str> = row("happy_path").split_whitespace().collect();
    assert_eq!(happy_row, ["happy_path", "POST", "/api/v1/orders", "201", "429", "RATE_LIMIT_EXCEEDED", "FAIL"]);
    assert!(row("payment_failure").ends_with("pass"), "{text}");
    assert!(row("list_orders_first_page").ends_with("pass"), "{text}");
    for note in [
        "    - body/order_id: expected \"ORD-12345678\", got 42",
        "    - header/Retry-After: missing; declared for 429",
        "    - status: 418 is not declared for `get_order`",
        "    - error: expected `INSUFFICIENT_INVENTORY`, got `CONFLICT`",
    ] {
        assert!(text.lines().any(|line| line == note), "{note:?} in:\n{text}");
    }
    assert!(text.contains("duplicate_request #1") && text.contains("duplicate_request #2"), "{text}");
    assert!(text.starts_with(&format!("verify orders against {base_url} (accord mock)\n")), "{text}");
    assert!(text.ends_with("11 passed, 5 failed, 0 skipped\n"), "{text}");
}

#[tokio::test]
async fn a_rejected_client_secret_fails_every_scenario_with_the_token_error() {
    let contract = orders();
    let base_url = start_wrong_server().await;
    let report = verify(&contract, &VerifyOptions::new(base_url.clone(), credential("not-the-secret"))).await;
    let text = report.render();
    assert!(!report.passed(), "a credential the token endpoint refuses fails verification:\n{text}");
    assert_eq!(report.count(Verdict::Fail), contract.scenarios.len(), "{text}");
    let expected = format!("no access token: POST {base_url}/oauth/token: 401 Unauthorized without `access_token`");
    for scenario in &report.scenarios {
        assert_eq!(scenario.reason.as_deref(), Some(expected.as_str()), "{}", scenario.scenario);
        assert!(scenario.steps.is_empty(), "no request is sent without a token");
    }
    assert!(text.contains(&format!("    - failed: {expected}\n")), "{text}");
    assert!(text.ends_with(&format!("0 passed, {} failed, 0 skipped\n", contract.scenarios.len())), "{text}");
}
