//! Issue 17's OAuth 2.0 flows through the runtime's request loop against
//! `accord_resilience_tests::oauth::AuthServer`, in paused time: authorization code + PKCE,
//! refresh before expiry and after a 401 (50 concurrent requests, one token request),
//! refresh-token rotation, a revoked refresh token, token-request retries (seed 002's
//! `token_refresh`), the JWT bearer grant, `private_key_jwt`, GitHub App installation
//! tokens with clock skew and expiring mid-stream.

use std::sync::Arc;
use std::time::Duration;

use accord_resilience_tests::oauth::{AuthServer, EPOCH, TEST_ONLY_PRIVATE_KEY};
use accord_runtime::auth::jwt::{ClientAssertion, GitHubApp, GitHubAppConfig, JwtBearer, JwtBearerConfig, PrivateKey};
use accord_runtime::auth::oauth2::{AuthorizationCode, AuthorizationCodeConfig};
use accord_runtime::auth::pkce::PkceVerifier;
use accord_runtime::auth::token_endpoint::{ClientAuthentication, TokenError, TokenRetry, WallClock};
use accord_runtime::auth::token_store::{MemoryTokenStore, TokenStore};
use accord_runtime::{Auth, ClientConfig, ErrorRule, RetryStrategy, StatusClassifier, StatusPattern};
use accord_runtime::{RequestSpec, TransportErrorKind};

/// A reqwest client with the runtime's TLS provider installed.
fn http() -> reqwest::Client {
    accord_runtime::client::http_builder().build().expect("http client")
}

const REDIRECT_URI: &str = "http://127.0.0.1:1/callback";

/// 401 is `refresh_auth`, as every spec with OAuth declares it.
static RULES: [ErrorRule; 1] =
    [ErrorRule { status: StatusPattern::Exact(401), code: None, body: None, strategy: RetryStrategy::RefreshAuth }];

fn code_flow(
    server: &AuthServer,
    store: Arc<MemoryTokenStore>,
    client: ClientAuthentication,
) -> Arc<AuthorizationCode> {
    let config = AuthorizationCodeConfig {
        authorize_url: format!("{}/authorize", server.url()),
        token_url: format!("{}/token", server.url()),
        redirect_uri: REDIRECT_URI.into(),
        authorize_params: vec![("access_type".into(), "offline".into())],
        refresh_before_expiry: Duration::from_secs(300),
        retry: TokenRetry { retry_attempts: 3, retry_delay: Duration::from_secs(5) },
    };
    Arc::new(AuthorizationCode::new(config, client, store, "user-1").with_clock(WallClock::at(EPOCH)))
}

fn public_client() -> ClientAuthentication {
    ClientAuthentication::Public { client_id: "app-1".into() }
}

fn client(server: &AuthServer, auth: Auth) -> accord_runtime::Client {
    let mut config = ClientConfig::new(server.url(), "accord-resilience");
    config.credentials.insert("user", auth);
    config.retry.classifier = Arc::new(StatusClassifier { code_pointer: None, rules: &RULES });
    accord_runtime::Client::new(config).expect("client")
}

async fn get(client: &accord_runtime::Client) -> Result<u16, accord_runtime::TransportError> {
    client.execute(&RequestSpec::new(reqwest::Method::GET, "get_resource", "/resource".into())).await.map(|r| r.status)
}

/// The user's browser: follows the authorization URL to the redirect and reads the code.
async fn authorize(flow: &AuthorizationCode) -> (String, PkceVerifier) {
    let request = flow.authorization_url(&["calendar.readonly"], "state-xyz").expect("authorization URL");
    let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    let has = |name: &str, value: &str| pairs.iter().any(|(n, v)| n == name && v == value);
    assert!(has("response_type", "code") && has("code_challenge_method", "S256") && has("access_type", "offline"));
    assert!(has("code_challenge", &request.verifier.challenge()) && has("client_id", "app-1"));
    let browser =
        accord_runtime::client::http_builder().redirect(reqwest::redirect::Policy::none()).build().expect("browser");
    let redirect = browser.get(request.url.clone()).send().await.expect("authorize endpoint");
    assert_eq!(redirect.status(), 302);
    let location = url::Url::parse(redirect.headers()["location"].to_str().expect("text")).expect("URL");
    let query: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    assert!(query.contains(&("state".into(), "state-xyz".into())), "the state comes back");
    let code = query.iter().find(|(n, _)| n == "code").expect("a code").1.clone();
    (code, request.verifier)
}

async fn authorized(
    server: &AuthServer,
    store: Arc<MemoryTokenStore>,
) -> (Arc<AuthorizationCode>, accord_runtime::Client) {
    let flow = code_flow(server, store, public_client());
    let (code, verifier) = authorize(&flow).await;
    let http = http();
    flow.exchange_code(&http, &code, &verifier).await.expect("code exchanged");
    let client = client(server, Auth::AuthorizationCode(flow.clone()));
    (flow, client)
}

#[tokio::test(start_paused = true)]
async fn authorization_code_with_pkce_then_refresh_before_expiry() {
    let server = AuthServer::start(3_600, 0).await;
    let store = Arc::new(MemoryTokenStore::new());
    let (flow, client) = authorized(&server, store.clone()).await;
    assert_eq!(get(&client).await.expect("sent"), 200);
    assert_eq!(server.grants("refresh_token"), 0);
    // 3600 s tokens refreshed 300 s early: at 3400 s the client refreshes before sending.
    tokio::time::advance(Duration::from_secs(3_400)).await;
    assert_eq!(get(&client).await.expect("sent"), 200);
    assert_eq!(server.grants("refresh_token"), 1);
    assert_eq!(server.resource_statuses(), [200, 200], "no request was sent with an expiring token");
    assert_eq!(flow.token_requests(), 2, "one exchange, one refresh");
    assert_eq!(store.changes(), 2, "the store was told of the exchange and the refresh");
    let stored = store.load("user-1").await.expect("load").expect("tokens");
    assert_eq!(stored.expires_at, Some(EPOCH + 3_400 + 3_600));
}

#[tokio::test(start_paused = true)]
async fn a_wrong_pkce_verifier_is_refused_and_a_code_works_once() {
    let server = AuthServer::start(3_600, 0).await;
    let flow = code_flow(&server, Arc::new(MemoryTokenStore::new()), public_client());
    let (code, verifier) = authorize(&flow).await;
    let http = http();
    let other = PkceVerifier::generate().expect("random");
    let error = flow.exchange_code(&http, &code, &other).await.expect_err("verifier mismatch");
    assert!(matches!(&error, TokenError::Refused { error: Some(e), .. } if e == "invalid_grant"), "{error}");
    // The server consumed the code on the failed attempt (RFC 6749 §4.1.2: single use).
    assert!(flow.exchange_code(&http, &code, &verifier).await.is_err());
    let error = get(&client(&server, Auth::AuthorizationCode(flow))).await.expect_err("no tokens");
    assert_eq!(error.kind(), TransportErrorKind::ReauthorizationRequired, "{error}");
}

#[tokio::test(start_paused = true)]
async fn fifty_concurrent_requests_rejected_with_401_cause_exactly_one_refresh() {
    let server = AuthServer::start(3_600, 0).await;
    let (_flow, client) = authorized(&server, Arc::new(MemoryTokenStore::new())).await;
    assert_eq!(get(&client).await.expect("sent"), 200);
    server.revoke_access_tokens();
    let requests = (0..50).map(|_| get(&client));
    let statuses = futures_util::future::join_all(requests).await;
    assert!(statuses.iter().all(|s| matches!(s, Ok(200))), "{statuses:?}");
    assert_eq!(server.grants("refresh_token"), 1, "exactly one token request for 50 requests");
}

#[tokio::test(start_paused = true)]
async fn a_rotated_refresh_token_replaces_the_old_one() {
    let server = AuthServer::start(3_600, 0).await;
    server.rotate_refresh_tokens();
    let store = Arc::new(MemoryTokenStore::new());
    let (_flow, client) = authorized(&server, store.clone()).await;
    let first = store.load("user-1").await.expect("load").expect("tokens").refresh_token.expect("refresh token");
    for round in 1..=3 {
        tokio::time::advance(Duration::from_secs(3_500)).await;
        assert_eq!(get(&client).await.expect("sent"), 200, "round {round}");
    }
    assert_eq!(server.grants("refresh_token"), 3);
    let last = store.load("user-1").await.expect("load").expect("tokens").refresh_token.expect("refresh token");
    assert_ne!(first, last);
    assert!(!server.refresh_token_valid(first.expose()), "the server invalidated the first");
    assert!(server.refresh_token_valid(last.expose()), "the store holds the live one");
    assert!(!server.token_statuses().contains(&400), "an old refresh token was never sent");
}

#[tokio::test(start_paused = true)]
async fn a_revoked_refresh_token_is_a_typed_reauthorization_error_and_the_tokens_are_deleted() {
    let server = AuthServer::start(3_600, 0).await;
    let store = Arc::new(MemoryTokenStore::new());
    let (flow, client) = authorized(&server, store.clone()).await;
    server.revoke_refresh_tokens();
    tokio::time::advance(Duration::from_secs(3_600)).await;
    let error = get(&client).await.expect_err("re-authorization needed");
    assert_eq!(error.kind(), TransportErrorKind::ReauthorizationRequired);
    assert!(error.to_string().contains("invalid_grant"), "{error}");
    assert_eq!(store.load("user-1").await.expect("load"), None, "the dead tokens were deleted");
    let direct = flow.access_token(&http()).await.expect_err("still none");
    assert!(direct.reauthorization_required());
    assert_eq!(server.grants("refresh_token"), 1, "no retry of a refused refresh token");
}

/// Seed 002: `token_refresh: { retry_attempts: 3, retry_delay_seconds: 5 }`.
#[tokio::test(start_paused = true)]
async fn token_requests_retry_as_declared_apart_from_the_operation() {
    let server = AuthServer::start(3_600, 0).await;
    let (_flow, client) = authorized(&server, Arc::new(MemoryTokenStore::new())).await;
    server.fail_token_requests(2);
    tokio::time::advance(Duration::from_secs(3_600)).await;
    assert_eq!(get(&client).await.expect("sent"), 200);
    assert_eq!(server.token_statuses(), [200, 503, 503, 200]);
    let times = server.token_times();
    assert_eq!(times[2] - times[1], Duration::from_secs(5));
    assert_eq!(times[3] - times[2], Duration::from_secs(5));
    // Four failures: the first attempt and three retries; the request fails.
    server.fail_token_requests(4);
    server.revoke_access_tokens();
    let error = get(&client).await.expect_err("token endpoint down");
    assert_eq!(error.kind(), TransportErrorKind::Network, "{error}");
    assert_eq!(server.grants("refresh_token"), 1 + 2 + 4);
}

#[tokio::test(start_paused = true)]
async fn private_key_jwt_authenticates_the_client_at_the_token_endpoint() {
    let server = AuthServer::start(3_600, 0).await;
    let key = PrivateKey::from_pem(TEST_ONLY_PRIVATE_KEY).expect("test key");
    let flow = code_flow(
        &server,
        Arc::new(MemoryTokenStore::new()),
        ClientAuthentication::PrivateKeyJwt(ClientAssertion::new("app-1", key)),
    );
    let (code, verifier) = authorize(&flow).await;
    flow.exchange_code(&http(), &code, &verifier).await.expect("exchanged");
    let claims = server.jwts();
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0]["aud"], format!("{}/token", server.url()));
    assert_eq!(claims[0]["iss"], "app-1");
}

fn service_account(server: &AuthServer, clock: WallClock) -> Arc<JwtBearer> {
    let config = JwtBearerConfig {
        token_url: format!("{}/token", server.url()),
        issuer: "robot@project.iam.gserviceaccount.com".into(),
        subject: None,
        scopes: vec!["https://www.googleapis.com/auth/calendar".into()],
        audience: None,
        lifetime: Duration::from_secs(3_600),
        refresh_before_expiry: Duration::from_secs(300),
        retry: TokenRetry::default(),
    };
    Arc::new(JwtBearer::new(config, PrivateKey::from_pem(TEST_ONLY_PRIVATE_KEY).expect("key")).with_clock(clock))
}

#[tokio::test(start_paused = true)]
async fn the_jwt_bearer_grant_signs_a_new_assertion_before_expiry_and_after_a_401() {
    let server = AuthServer::start(3_600, 0).await;
    let grant = service_account(&server, WallClock::at(EPOCH));
    let client = client(&server, Auth::Custom(grant.clone()));
    assert_eq!(get(&client).await.expect("sent"), 200);
    assert_eq!(get(&client).await.expect("sent"), 200);
    assert_eq!(server.grants("jwt-bearer"), 1, "cached");
    tokio::time::advance(Duration::from_secs(3_400)).await;
    assert_eq!(get(&client).await.expect("sent"), 200);
    server.revoke_access_tokens();
    assert_eq!(get(&client).await.expect("sent"), 200);
    assert_eq!(server.grants("jwt-bearer"), 3);
    let iats: Vec<u64> = server.jwts().iter().map(|c| c["iat"].as_u64().expect("iat")).collect();
    assert_eq!(iats, [EPOCH, EPOCH + 3_400, EPOCH + 3_400], "each assertion is signed at its own time");
    assert_eq!(server.resource_statuses(), [200, 200, 200, 401, 200]);
}

/// A client clock ahead of the server's makes `iat` lie in the server's future: Google
/// refuses such an assertion, and the error says so instead of retrying.
#[tokio::test(start_paused = true)]
async fn jwt_clock_skew_a_client_clock_ahead_is_refused_as_a_typed_error() {
    let server = AuthServer::start(3_600, 30).await;
    let grant = service_account(&server, WallClock::at(EPOCH));
    let error = get(&client(&server, Auth::Custom(grant))).await.expect_err("iat in the server's future");
    assert_eq!(error.kind(), TransportErrorKind::Invalid, "{error}");
    assert!(error.to_string().contains("invalid_grant"), "{error}");
    assert_eq!(server.grants("jwt-bearer"), 1, "a refused assertion is not retried");
}

fn github_app(server: &AuthServer, clock: WallClock) -> Arc<GitHubApp> {
    let config = GitHubAppConfig {
        base_url: server.url().to_string(),
        token_path: "/app/installations/{installation_id}/access_tokens".into(),
        app_id: "12345".into(),
        installation_id: "678".into(),
        refresh_before_expiry: Duration::from_secs(60),
        retry: TokenRetry::default(),
    };
    Arc::new(GitHubApp::new(config, PrivateKey::from_pem(TEST_ONLY_PRIVATE_KEY).expect("key")).with_clock(clock))
}

/// GitHub's advice, `iat` 60 s in the past, absorbs a client clock up to 60 s ahead of
/// GitHub's; 61 s is refused.
#[tokio::test(start_paused = true)]
async fn jwt_clock_skew_the_github_app_jwt_absorbs_sixty_seconds() {
    let behind_by_59 = AuthServer::start(600, 59).await;
    let app = github_app(&behind_by_59, WallClock::at(EPOCH));
    assert_eq!(get(&client(&behind_by_59, Auth::Custom(app))).await.expect("sent"), 200);
    let claims = &behind_by_59.jwts()[0];
    assert_eq!(claims["iss"], "12345");
    assert!(claims["exp"].as_u64().expect("exp") - claims["iat"].as_u64().expect("iat") <= 600);

    let behind_by_61 = AuthServer::start(600, 61).await;
    let app = github_app(&behind_by_61, WallClock::at(EPOCH));
    let error = get(&client(&behind_by_61, Auth::Custom(app))).await.expect_err("iat in GitHub's future");
    assert!(error.to_string().contains("Issued at"), "{error}");
}

/// Installation tokens live as long as their `expires_at` (here 10 minutes): a stream of
/// page requests 4 minutes apart renews the token between pages, and a token revoked early
/// is renewed once after its 401, without failing a page.
#[tokio::test(start_paused = true)]
async fn an_installation_token_expiring_mid_stream_is_renewed_between_pages() {
    let server = AuthServer::start(600, 0).await;
    let app = github_app(&server, WallClock::at(EPOCH));
    let client = client(&server, Auth::Custom(app.clone()));
    for page in 0..5 {
        assert_eq!(get(&client).await.expect("sent"), 200, "page {page}");
        tokio::time::advance(Duration::from_secs(240)).await;
    }
    // Pages at 0, 4, 8 min use token 1 (refreshed 60 s before 10 min); 12, 16 min token 2.
    assert_eq!(server.grants("installation"), 2);
    server.revoke_access_tokens();
    assert_eq!(get(&client).await.expect("sent"), 200);
    assert_eq!(server.grants("installation"), 3);
    assert_eq!(server.resource_statuses(), [200, 200, 200, 200, 200, 401, 200]);
    assert_eq!(app.token_requests(), 3);
}

/// The generated Google Calendar client: `authorization_url`, the user's redirect,
/// `exchange_code`, then typed calls carrying the user's token, refreshed after a 401.
#[tokio::test(start_paused = true)]
async fn the_generated_client_runs_the_authorization_code_flow() {
    let server = AuthServer::start(3_600, 0).await;
    let client = google_calendar_client::Client::builder()
        .base_url(server.url())
        .user(public_client(), REDIRECT_URI)
        .user_authorize_url(format!("{}/authorize", server.url()))
        .user_token_url(format!("{}/token", server.url()))
        .build()
        .expect("client");
    let before = client.list_events("primary").send().await.expect_err("not authorized yet");
    assert!(before.to_string().contains("authorization_url"), "{before}");
    let request = client.authorization_url(&[], "state-1").expect("URL");
    assert!(request.url.as_str().contains("access_type=offline"), "{}", request.url);
    assert!(request.url.as_str().contains("calendar.events"), "the spec's scopes by default: {}", request.url);
    let browser =
        accord_runtime::client::http_builder().redirect(reqwest::redirect::Policy::none()).build().expect("browser");
    let redirect = browser.get(request.url.clone()).send().await.expect("authorize endpoint");
    let location = url::Url::parse(redirect.headers()["location"].to_str().expect("text")).expect("URL");
    let code = location.query_pairs().find(|(k, _)| k == "code").expect("code").1.to_string();
    client.exchange_code(&code, &request.verifier).await.expect("exchanged");
    client.list_events("primary").send().await.expect("authorized");
    server.revoke_access_tokens();
    client.list_events("primary").send().await.expect("refreshed after the 401");
    assert_eq!(server.grants("authorization_code"), 1);
    assert_eq!(server.grants("refresh_token"), 1);
}

mod slack;
