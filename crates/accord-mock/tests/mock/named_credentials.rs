//! Named credentials over real HTTP (issue 15 item 5), on `tests/good-specs/named_credentials.yaml`:
//! the runtime sends every credential of the chosen alternative together (two headers and a
//! query parameter), the mock admits a request only when it presents all of one alternative
//! of its operation's requirement, public endpoints need nothing, optional ones take either,
//! and a client that holds no complete alternative fails before it sends anything.

use std::path::Path;

use accord_mock::{Contract, MockOptions, MockServer};
use accord_runtime::auth::ApiKeyLocation;
use accord_runtime::client::{Client, ClientConfig, RequestSpec};
use accord_runtime::reqwest::{Method, StatusCode};
use accord_runtime::{Auth, Credentials, Requirement, Secret};

/// The requirement the generated `list_things` sets (the spec's `auth.require`).
const LIST_THINGS: Requirement = Requirement::AnyOf(&[&["app_id", "app_key", "environment"], &["partner"]]);

fn contract() -> Contract {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/good-specs/named_credentials.yaml");
    let source = std::fs::read_to_string(&path).expect("spec reads");
    let compiled = accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    accord::emit::contract::build(&compiled.ir)
}

fn key(location: ApiKeyLocation, name: &str) -> Auth {
    Auth::ApiKey { location, name: name.to_string(), key: Secret::new("test-key") }
}

/// A runtime client for `mock` holding the credentials named in `names` (the mock's test
/// values).
fn client(mock: &MockServer, names: &[&'static str], anonymous: bool) -> Client {
    let mut credentials = Credentials::new();
    for name in names {
        let auth = match *name {
            "app_id" => key(ApiKeyLocation::Header, "X-App-Id"),
            "app_key" => key(ApiKeyLocation::Header, "X-App-Key"),
            "environment" => key(ApiKeyLocation::Query, "env"),
            "admin_token" => Auth::Bearer(Secret::new("test-token")),
            other => panic!("no test credential `{other}`"),
        };
        credentials.insert(name, auth);
    }
    if anonymous {
        credentials.allow_anonymous();
    }
    let mut config = ClientConfig::new(mock.uri(), "named-credentials-test");
    config.credentials = credentials;
    Client::new(config).expect("client builds")
}

fn list_things() -> RequestSpec {
    let mut request = RequestSpec::new(Method::GET, "list_things", "/things".into());
    request.auth = LIST_THINGS;
    request
}

#[tokio::test]
async fn every_credential_of_an_alternative_is_sent_and_the_mock_refuses_a_missing_one() {
    let mock = MockServer::start(contract(), MockOptions::default()).await.expect("mock starts");

    // The runtime: two headers and a query parameter on one request, which the mock admits.
    let all = client(&mock, &["app_id", "app_key", "environment"], false);
    let raw = all.execute(&list_things()).await.expect("sent");
    assert_eq!(raw.status, 200, "{}", String::from_utf8_lossy(&raw.body));

    // By hand: each credential left out, or wrong, is refused with the declared 401.
    let http = accord_runtime::client::http_builder().build().expect("client");
    let things = format!("{}/things", mock.uri());
    let send = |app_id: Option<&str>, app_key: Option<&str>, env: Option<&str>| {
        let mut request = http.get(&things);
        if let Some(value) = app_id {
            request = request.header("X-App-Id", value);
        }
        if let Some(value) = app_key {
            request = request.header("x-app-key", value);
        }
        if let Some(value) = env {
            request = request.query(&[("env", value)]);
        }
        async move { request.send().await.expect("the mock answers").status() }
    };
    assert_eq!(send(Some("test-key"), Some("test-key"), Some("test-key")).await, StatusCode::OK);
    assert_eq!(send(None, Some("test-key"), Some("test-key")).await, StatusCode::UNAUTHORIZED);
    assert_eq!(send(Some("test-key"), None, Some("test-key")).await, StatusCode::UNAUTHORIZED);
    assert_eq!(send(Some("test-key"), Some("test-key"), None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(send(Some("test-key"), Some("wrong"), Some("test-key")).await, StatusCode::UNAUTHORIZED);

    // Per endpoint: the admin token alone deletes, the application keys do not; `health` is
    // public; `catalog` takes the keys or nothing.
    let delete = format!("{}/things/t-1", mock.uri());
    let keys = http
        .delete(&delete)
        .header("x-app-id", "test-key")
        .header("x-app-key", "test-key")
        .query(&[("env", "test-key")]);
    assert_eq!(keys.send().await.expect("answers").status(), StatusCode::UNAUTHORIZED);
    let admin = http.delete(&delete).bearer_auth("test-token");
    assert_eq!(admin.send().await.expect("answers").status(), StatusCode::NO_CONTENT);
    let health = http.get(format!("{}/health", mock.uri()));
    assert_eq!(health.send().await.expect("answers").status(), StatusCode::NO_CONTENT);
    let catalog = http.get(format!("{}/catalog", mock.uri()));
    assert_eq!(catalog.send().await.expect("answers").status(), StatusCode::OK);
}

#[tokio::test]
async fn a_client_without_a_complete_alternative_fails_before_sending_unless_anonymous() {
    let mock = MockServer::start(contract(), MockOptions::default()).await.expect("mock starts");
    let partial = client(&mock, &["app_id", "app_key"], false);
    let error = partial.execute(&list_things()).await.expect_err("no complete alternative");
    let message = error.to_string();
    assert!(
        message.contains("`app_id` and `app_key` and `environment`, or `partner`")
            && message.contains("`app_id`, `app_key`"),
        "{message}"
    );
    assert!(mock.exchanges().is_empty(), "nothing was sent: {:?}", mock.exchanges());

    // Told to, the client sends it without credentials, and the mock refuses it.
    let anonymous = client(&mock, &["app_id", "app_key"], true);
    let raw = anonymous.execute(&list_things()).await.expect("sent");
    assert_eq!(raw.status, 401);

    // A public operation needs nothing; a hand-built request (`AnyOne`) carries the first
    // credential held.
    let none = client(&mock, &[], false);
    let mut health = RequestSpec::new(Method::GET, "health", "/health".into());
    health.auth = Requirement::PUBLIC;
    assert_eq!(none.execute(&health).await.expect("sent").status, 204);
}
