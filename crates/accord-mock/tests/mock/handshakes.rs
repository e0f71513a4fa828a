//! The mock sends the declared webhook handshake before its first delivery to a URL, as the
//! provider does, and checks the receiver's answer as the provider would: Slack's
//! `url_verification` (specs/slack.yaml; https://api.slack.com/events/url_verification), a
//! signed POST answered with `200` and the challenge as plain text, a form or JSON. The
//! receiver here verifies every request with the runtime's `Scheme` and answers the
//! handshake with `accord_runtime::webhook::handshake_response`, the function the generated
//! `slack_client::webhooks::handshake` calls.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use accord_mock::{Contract, MockOptions, MockServer};
use accord_runtime::Secret;
use accord_runtime::webhook::Scheme;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

fn slack() -> Contract {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/slack.yaml");
    let source = std::fs::read_to_string(&path).expect("slack.yaml reads");
    let compiled = accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    accord::emit::contract::build(&compiled.ir)
}

/// How the receiver answers a handshake.
#[derive(Clone, Copy, Debug)]
enum Answer {
    PlainText,
    Form,
    Json,
    /// `200` with an empty body (a receiver that treats the handshake as an event).
    Empty,
    /// `200` with another text.
    Wrong,
    /// `500`.
    Error,
}

#[derive(Clone)]
struct Receiver {
    answer: Answer,
    scheme: Arc<Scheme>,
    key: Secret,
    addr: SocketAddr,
    /// (was a handshake, signature verified) per request, in order.
    seen: Arc<Mutex<Vec<(bool, bool)>>>,
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    let url = format!("http://{}/events", receiver.addr);
    let verified =
        receiver.scheme.verify(&headers, &body, Some(&url), &[&receiver.key], std::time::SystemTime::now()).is_ok();
    let challenge = accord_runtime::webhook::handshake_response(&body, "/type", "url_verification", "/challenge");
    receiver.seen.lock().expect("lock").push((challenge.is_some(), verified));
    if !verified {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Some(challenge) = challenge else { return StatusCode::OK.into_response() };
    match receiver.answer {
        Answer::PlainText => ([(header::CONTENT_TYPE, "text/plain")], challenge).into_response(),
        Answer::Form => {
            ([(header::CONTENT_TYPE, "application/x-www-form-urlencoded")], format!("challenge={challenge}"))
                .into_response()
        }
        Answer::Json => {
            ([(header::CONTENT_TYPE, "application/json")], serde_json::json!({ "challenge": challenge }).to_string())
                .into_response()
        }
        Answer::Empty => StatusCode::OK.into_response(),
        Answer::Wrong => ([(header::CONTENT_TYPE, "text/plain")], "not the challenge").into_response(),
        Answer::Error => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn start_receiver(contract: &Contract, answer: Answer) -> Receiver {
    let webhooks = contract.webhooks.as_ref().expect("slack declares webhooks");
    let scheme: Scheme = serde_json::from_value(webhooks.scheme.clone().expect("a scheme")).expect("runtime scheme");
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let receiver = Receiver {
        answer,
        scheme: Arc::new(scheme),
        key: Secret::new(webhooks.test_verifying_key.clone()),
        addr,
        seen: Arc::default(),
    };
    let app = axum::Router::new().route("/events", axum::routing::post(receive)).with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    receiver
}

fn options() -> MockOptions {
    MockOptions { webhook_time_scale: 0.0, ..MockOptions::default() }
}

#[tokio::test]
async fn the_handshake_goes_first_signed_and_once_per_url_for_each_answer_slack_accepts() {
    let contract = slack();
    assert!(contract.webhooks.as_ref().and_then(|w| w.handshake.as_ref()).is_some(), "slack.yaml declares one");
    for answer in [Answer::PlainText, Answer::Form, Answer::Json] {
        let receiver = start_receiver(&contract, answer).await;
        let url = format!("http://{}/events", receiver.addr);
        let server = MockServer::start(contract.clone(), options()).await.expect("mock starts");
        let first = server.deliver("app_mention", Some(&url)).await.expect("delivers");
        let handshake = first.handshake.as_ref().expect("a handshake before the first event");
        assert!(handshake.passed, "{answer:?}: {handshake:?}");
        assert!(first.delivered, "{answer:?}: {first:?}");
        let body: serde_json::Value = serde_json::from_str(&handshake.body).expect("JSON");
        assert_eq!(body["type"], "url_verification");
        assert_eq!(body["challenge"], handshake.challenge.as_str());
        // The second delivery to the same URL sends no handshake.
        let second = server.deliver("app_mention", Some(&url)).await.expect("delivers");
        assert!(second.handshake.is_none() && second.delivered, "{answer:?}: {second:?}");
        let seen = receiver.seen.lock().expect("lock").clone();
        assert_eq!(
            seen,
            [(true, true), (false, true), (false, true)],
            "{answer:?}: handshake, event, event; all signed"
        );
        // A reset forgets which URLs passed: the next delivery starts with a handshake again.
        let client = accord_runtime::reqwest::Client::new();
        let reset = client.post(format!("http://{}/__accord/reset", server.addr())).send().await.expect("reset");
        assert_eq!(reset.status(), 200);
        let third = server.deliver("app_mention", Some(&url)).await.expect("delivers");
        assert!(third.handshake.as_ref().is_some_and(|h| h.passed), "{answer:?}: {third:?}");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn a_receiver_that_fails_the_handshake_gets_no_event() {
    let contract = slack();
    for answer in [Answer::Empty, Answer::Wrong, Answer::Error] {
        let receiver = start_receiver(&contract, answer).await;
        let url = format!("http://{}/events", receiver.addr);
        let server = MockServer::start(contract.clone(), options()).await.expect("mock starts");
        let delivery = server.deliver("app_mention", Some(&url)).await.expect("a result, not an error");
        let handshake = delivery.handshake.as_ref().expect("a handshake");
        assert!(!handshake.passed, "{answer:?}: {handshake:?}");
        assert!(handshake.error.is_some(), "{answer:?}: says why");
        assert!(!delivery.delivered && delivery.attempts.is_empty(), "{answer:?}: no event sent: {delivery:?}");
        // The URL is asked again next time.
        let again = server.deliver("app_mention", Some(&url)).await.expect("a result");
        assert!(again.handshake.is_some(), "{answer:?}");
        let seen = receiver.seen.lock().expect("lock").clone();
        assert_eq!(seen, [(true, true), (true, true)], "{answer:?}: only handshakes reached the receiver");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn the_control_api_reports_the_handshake() {
    let contract = slack();
    let receiver = start_receiver(&contract, Answer::PlainText).await;
    let url = format!("http://{}/events", receiver.addr);
    let server = MockServer::start(contract, options()).await.expect("mock starts");
    let client = accord_runtime::reqwest::Client::new();
    let answer: serde_json::Value = client
        .post(format!("http://{}/__accord/webhooks", server.addr()))
        .json(&serde_json::json!({ "event": "app_mention", "url": url }))
        .send()
        .await
        .expect("control API answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(answer["handshake"]["passed"], true, "{answer}");
    assert_eq!(answer["delivered"], true, "{answer}");
    server.shutdown().await;
}
