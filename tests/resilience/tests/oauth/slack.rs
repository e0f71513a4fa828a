//! Slack's OAuth v2 with token rotation through the generated `slack-client` (the
//! `installation` credential of `specs/slack.yaml`), against a small server on 127.0.0.1
//! that answers as Slack documents: `oauth/v2/authorize` redirecting with a code,
//! `oauth.v2.access` answering `200 {"ok": true, "access_token": "xoxb-…", "refresh_token":
//! "xoxe-1-…", "expires_in": 43200}` and a used or revoked refresh token with `200 {"ok":
//! false, "error": "invalid_refresh_token"}` (Slack's Web API errors are HTTP 200;
//! docs.slack.dev "Using token rotation", "oauth.v2.access"), and `conversations.list`
//! accepting only the live bot token. Paused time: 12-hour tokens refreshed an hour early.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use accord_runtime::TransportErrorKind;
use accord_runtime::auth::ClientCredentials;
use accord_runtime::auth::token_endpoint::{ClientAuthentication, TokenError};
use accord_runtime::auth::token_store::{MemoryTokenStore, TokenStore};
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Default)]
struct Slack {
    codes: HashMap<String, String>,
    live_access: Option<String>,
    live_refresh: Option<String>,
    issued: u64,
    refreshes: usize,
    /// The `scope` of the last authorization request, as sent.
    scope: Option<String>,
    /// The `Authorization` header of every oauth.v2.access request.
    client_auth: Vec<String>,
}

type Shared = Arc<Mutex<Slack>>;

fn json_body(body: serde_json::Value) -> Response {
    (StatusCode::OK, [("content-type", "application/json")], body.to_string()).into_response()
}

fn issue(slack: &mut Slack) -> Response {
    slack.issued += 1;
    let access = format!("xoxb-17-{}", slack.issued);
    let refresh = format!("xoxe-1-{}", slack.issued);
    slack.live_access = Some(access.clone());
    slack.live_refresh = Some(refresh.clone());
    // The shape of oauth.v2.access's answer: the bot's token first.
    json_body(json!({
        "ok": true, "access_token": access, "token_type": "bot", "scope": "chat:write,channels:read",
        "bot_user_id": "U0KRQLJ9H", "app_id": "A0KRD7HC3", "team": {"name": "Slack Pickleball Team", "id": "T9TK3CUKW"},
        "refresh_token": refresh, "expires_in": 43_200
    }))
}

fn refused(error: &str) -> Response {
    json_body(json!({"ok": false, "error": error}))
}

async fn serve(slack: Shared, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let query: HashMap<String, String> =
        form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect();
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut slack = slack.lock().expect("lock");
    match uri.path() {
        "/oauth/v2/authorize" => {
            slack.scope = query.get("scope").cloned();
            let code = format!("4724469134.{}", slack.codes.len());
            let challenge = query.get("code_challenge").cloned().unwrap_or_default();
            slack.codes.insert(code.clone(), challenge);
            let location = format!(
                "{}?code={code}&state={}",
                query.get("redirect_uri").cloned().unwrap_or_default(),
                query.get("state").cloned().unwrap_or_default()
            );
            (StatusCode::FOUND, [("location", location)]).into_response()
        }
        "/api/oauth.v2.access" => {
            let basic = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            slack.client_auth.push(basic);
            match form.get("grant_type").map(String::as_str) {
                Some("authorization_code") => {
                    let code = form.get("code").cloned().unwrap_or_default();
                    let Some(challenge) = slack.codes.remove(&code) else { return refused("invalid_code") };
                    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
                    if accord_runtime::auth::pkce::challenge_s256(&verifier) != challenge {
                        return refused("invalid_code_verifier");
                    }
                    issue(&mut slack)
                }
                Some("refresh_token") => {
                    slack.refreshes += 1;
                    let presented = form.get("refresh_token");
                    if presented.is_none() || presented != slack.live_refresh.as_ref() {
                        return refused("invalid_refresh_token");
                    }
                    issue(&mut slack)
                }
                _ => refused("invalid_grant_type"),
            }
        }
        "/api/conversations.list" => {
            let bearer = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
            let live = slack.live_access.as_deref().map(|token| format!("Bearer {token}"));
            if live.as_deref() != Some(bearer) {
                return refused("invalid_auth");
            }
            json_body(json!({"ok": true, "channels": [], "response_metadata": {"next_cursor": ""}}))
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn start() -> (String, Shared) {
    let slack: Shared = Arc::default();
    let shared = slack.clone();
    let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
        let slack = shared.clone();
        async move { serve(slack, uri, headers, body).await }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    (url, slack)
}

fn slack_client(url: &str, store: Arc<MemoryTokenStore>) -> slack_client::Client {
    let app = ClientAuthentication::SecretBasic(ClientCredentials {
        client_id: "2141029472.691202649728".into(),
        client_secret: accord_runtime::Secret::new("e1b9e11dfcd19c1982d5de12921e17e8c"),
    });
    slack_client::Client::builder()
        .base_url(url)
        .installation(app, "http://127.0.0.1:1/slack/oauth_redirect")
        .installation_authorize_url(format!("{url}/oauth/v2/authorize"))
        .installation_token_url(format!("{url}/api/oauth.v2.access"))
        .installation_token_store(store)
        .build()
        .expect("client")
}

async fn install(client: &slack_client::Client) {
    let request = client.authorization_url(&[], "state-17").expect("URL");
    let browser =
        accord_runtime::client::http_builder().redirect(reqwest::redirect::Policy::none()).build().expect("browser");
    let redirect = browser.get(request.url.clone()).send().await.expect("authorize endpoint");
    let location = url::Url::parse(redirect.headers()["location"].to_str().expect("text")).expect("URL");
    let code = location.query_pairs().find(|(k, _)| k == "code").expect("code").1.to_string();
    client.exchange_code(&code, &request.verifier).await.expect("exchanged");
}

#[tokio::test(start_paused = true)]
async fn slack_oauth_v2_rotates_the_refresh_token_every_twelve_hours() {
    let (url, slack) = start().await;
    let store = Arc::new(MemoryTokenStore::new());
    let client = slack_client(&url, store.clone());
    install(&client).await;
    assert_eq!(
        slack.lock().expect("lock").scope.as_deref(),
        Some("chat:write,channels:read"),
        "Slack's authorize URL takes the spec's scopes comma-separated"
    );
    let first = store.load("installation").await.expect("load").expect("tokens");
    assert_eq!(first.refresh_token.as_ref().map(|t| t.expose().to_string()).as_deref(), Some("xoxe-1-1"));
    client.list_conversations().send().await.expect("the bot token works");
    // 12-hour tokens, refreshed an hour early: at 11 h the client rotates before sending.
    for round in 1..=3u64 {
        tokio::time::advance(Duration::from_secs(11 * 3_600)).await;
        client.list_conversations().send().await.expect("refreshed and sent");
        let stored = store.load("installation").await.expect("load").expect("tokens");
        let expected = format!("xoxe-1-{}", round + 1);
        assert_eq!(stored.refresh_token.map(|t| t.expose().to_string()), Some(expected), "round {round}");
    }
    let slack = slack.lock().expect("lock");
    assert_eq!(slack.refreshes, 3, "one refresh per 11 hours, never an old refresh token");
    assert!(
        slack.client_auth.iter().all(|h| h.starts_with("Basic ")),
        "client id and secret as HTTP Basic, as oauth.v2.access asks"
    );
}

#[tokio::test(start_paused = true)]
async fn slack_invalid_refresh_token_in_a_200_answer_means_authorize_again() {
    let (url, slack) = start().await;
    let store = Arc::new(MemoryTokenStore::new());
    let client = slack_client(&url, store.clone());
    install(&client).await;
    // The installation's refresh token is revoked (the app uninstalled and reinstalled).
    slack.lock().expect("lock").live_refresh = Some("xoxe-1-elsewhere".into());
    tokio::time::advance(Duration::from_secs(12 * 3_600)).await;
    let error = client.list_conversations().send().await.expect_err("re-authorization needed");
    let text = error.to_string();
    assert!(text.contains("invalid_refresh_token"), "{text}");
    match error {
        slack_client::Error::Transport(transport) => {
            assert_eq!(transport.kind(), TransportErrorKind::ReauthorizationRequired, "{transport}")
        }
        other => panic!("expected a transport error, got {other}"),
    }
    assert_eq!(store.load("installation").await.expect("load"), None, "the dead tokens were deleted");
    assert_eq!(slack.lock().expect("lock").refreshes, 1, "a refused refresh token is not retried");
}

/// Without the spec's `reauthorization_errors`, Slack's `ok: false` answer is still a
/// refusal (never parsed as a token), but not a re-authorization.
#[tokio::test(start_paused = true)]
async fn an_ok_false_token_answer_is_a_refusal_not_a_token() {
    let (url, _slack) = start().await;
    let flow = accord_runtime::auth::oauth2::AuthorizationCode::new(
        accord_runtime::auth::oauth2::AuthorizationCodeConfig {
            authorize_url: format!("{url}/oauth/v2/authorize"),
            token_url: format!("{url}/api/oauth.v2.access"),
            redirect_uri: "http://127.0.0.1:1/cb".into(),
            authorize_params: Vec::new(),
            refresh_before_expiry: Duration::ZERO,
            retry: Default::default(),
        },
        ClientAuthentication::Public { client_id: "app".into() },
        Arc::new(MemoryTokenStore::new()),
        "k",
    );
    let verifier = accord_runtime::auth::pkce::PkceVerifier::generate().expect("random");
    let http = accord_runtime::client::http_builder().build().expect("http");
    let error = flow.exchange_code(&http, "unknown", &verifier).await.expect_err("refused");
    assert!(
        matches!(&error, TokenError::Refused { status: 200, error: Some(e), .. } if e == "invalid_code"),
        "{error}"
    );
}
