//! The mock as the authorization server of issue 17's flows, driven by the runtime's own
//! flows and by `verify`: the authorize endpoint's PKCE check, the code exchange, refresh
//! tokens rotated and revoked through the control API, the JWT bearer grant and GitHub's
//! installation token verified with the test-only key, and `verify` running every flow.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use accord_mock::{Contract, Credentials, MockOptions, MockServer, VerifyOptions, verify};
use accord_runtime::auth::oauth2::{AuthorizationCode, AuthorizationCodeConfig};
use accord_runtime::auth::pkce::PkceVerifier;
use accord_runtime::auth::token_endpoint::{ClientAuthMethod, TokenError, TokenRetry};
use accord_runtime::auth::token_store::TokenStore;

fn contract(spec: &str) -> Contract {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs").join(spec);
    let source = std::fs::read_to_string(&path).expect("spec reads");
    let compiled = accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    accord::emit::contract::build(&compiled.ir)
}

fn http() -> accord_runtime::reqwest::Client {
    accord_runtime::client::http_builder()
        .redirect(accord_runtime::reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

fn user_flow(server: &MockServer, store: Arc<dyn TokenStore>) -> AuthorizationCode {
    let config = AuthorizationCodeConfig {
        authorize_url: format!("{}/o/oauth2/v2/auth", server.uri()),
        token_url: format!("{}/token", server.uri()),
        redirect_uri: accord_mock::TEST_REDIRECT_URI.into(),
        authorize_params: vec![("access_type".into(), "offline".into())],
        refresh_before_expiry: Duration::from_secs(300),
        retry: TokenRetry::default(),
    };
    let client = accord_mock::test_client_authentication(ClientAuthMethod::ClientSecretPost);
    AuthorizationCode::new(config, client, store, "user")
}

async fn code_for(http: &accord_runtime::reqwest::Client, flow: &AuthorizationCode) -> (String, PkceVerifier) {
    let request = flow.authorization_url(&["https://www.googleapis.com/auth/calendar.events"], "s-1").expect("URL");
    let answer = http.get(request.url.clone()).send().await.expect("authorize endpoint");
    assert_eq!(answer.status(), 302);
    let location = url::Url::parse(answer.headers()["location"].to_str().expect("text")).expect("URL");
    assert!(location.as_str().starts_with(accord_mock::TEST_REDIRECT_URI), "{location}");
    let code = location.query_pairs().find(|(k, _)| k == "code").expect("code").1.to_string();
    (code, request.verifier)
}

#[tokio::test]
async fn the_mock_checks_pkce_and_codes_are_single_use() {
    let server = MockServer::start(contract("google_calendar.yaml"), MockOptions::default()).await.expect("mock");
    let http = http();
    let flow = user_flow(&server, Arc::new(accord_runtime::auth::token_store::MemoryTokenStore::new()));
    let (code, verifier) = code_for(&http, &flow).await;
    let wrong = PkceVerifier::generate().expect("random");
    let refused = flow.exchange_code(&http, &code, &wrong).await.expect_err("wrong verifier");
    assert!(refused.to_string().contains("code_verifier"), "{refused}");
    assert!(flow.exchange_code(&http, &code, &verifier).await.is_err(), "the code was used up");
    let (code, verifier) = code_for(&http, &flow).await;
    let tokens = flow.exchange_code(&http, &code, &verifier).await.expect("exchanged");
    assert!(tokens.refresh_token.is_some());
    // A plain challenge is refused at the authorize endpoint.
    let plain = format!(
        "{}/o/oauth2/v2/auth?response_type=code&client_id=c&redirect_uri=http://x/cb&code_challenge_method=plain&code_challenge=abc",
        server.uri()
    );
    assert_eq!(http.get(plain).send().await.expect("answer").status(), 400);
}

#[tokio::test]
async fn refresh_tokens_rotate_and_revocation_asks_for_reauthorization() {
    let server = MockServer::start(contract("google_calendar.yaml"), MockOptions::default()).await.expect("mock");
    let http = http();
    let store = accord_mock::test_token_store("user");
    let flow = user_flow(&server, store.clone());
    let (_, first) = flow.access_token(&http).await.expect("refreshed with the test refresh token");
    let rotated = store.load("user").await.expect("load").expect("tokens").refresh_token.expect("a new one");
    assert_ne!(rotated.expose(), accord_mock::TEST_REFRESH_TOKEN, "the mock rotated it");
    flow.invalidate(first).await;
    flow.access_token(&http).await.expect("refreshed with the rotated token");
    // The rotated-away token is refused.
    let old = http
        .post(format!("{}/token", server.uri()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("grant_type=refresh_token&refresh_token={}", rotated.expose()))
        .send()
        .await
        .expect("answer");
    assert_eq!(old.status(), 400);
    let revoked = http.post(format!("{}/__accord/oauth/revoke", server.uri())).send().await.expect("control API");
    assert_eq!(revoked.status(), 200);
    let (_, current) = flow.access_token(&http).await.expect("still cached");
    flow.invalidate(current).await;
    let error = flow.access_token(&http).await.expect_err("revoked");
    assert!(matches!(error, TokenError::ReauthorizationRequired { .. }), "{error}");
    assert_eq!(store.load("user").await.expect("load"), None, "the store was told");
}

#[tokio::test]
async fn verify_drives_every_flow_against_the_mock() {
    for spec in ["google_calendar.yaml", "github.yaml", "slack.yaml"] {
        let contract = contract(spec);
        let server = MockServer::start(contract.clone(), MockOptions::default()).await.expect("mock");
        let report = verify(&contract, &VerifyOptions::new(server.uri(), Credentials::new())).await;
        assert!(report.passed(), "{spec}:\n{}", report.render());
        let exchanges = server.exchanges();
        let seen = |method: &str, path: &str| exchanges.iter().any(|e| e.method == method && e.path.starts_with(path));
        if spec == "google_calendar.yaml" {
            assert!(seen("GET", "/o/oauth2/v2/auth"), "the authorize endpoint was driven: {exchanges:#?}");
            assert!(seen("POST", "/token"), "the token endpoint was driven");
        } else if spec == "slack.yaml" {
            assert!(seen("GET", "/oauth/v2/authorize"), "Slack's authorize endpoint was driven: {exchanges:#?}");
            assert!(seen("POST", "/api/oauth.v2.access"), "oauth.v2.access was driven");
        } else {
            assert!(seen("POST", "/app/installations/"), "the installation token was requested: {exchanges:#?}");
        }
    }
}

/// A service account signing with its own key: refused with only the test-only key, accepted
/// once the spec's `public_key_env` key is given to the mock (`MockOptions::jwt_public_keys`,
/// what `accord mock` reads from the environment).
#[tokio::test]
async fn the_mock_verifies_jwts_with_a_declared_public_key() {
    use accord_runtime::auth::jwt::{JwtBearer, JwtBearerConfig, PrivateKey};
    const DECLARED_PRIVATE: &str = include_str!("../../../../tests/keys/TEST_ONLY_rsa_declared_private.pem");
    const DECLARED_PUBLIC: &str = include_str!("../../../../tests/keys/TEST_ONLY_rsa_declared_public.pem");
    let contract = contract("google_calendar.yaml");
    let declared = contract.auth.credentials.iter().find_map(|c| match &c.scheme {
        accord_contract::AuthScheme::OAuth2JwtBearer(jwt) => Some(jwt.public_key_env.clone()),
        _ => None,
    });
    assert_eq!(declared.as_deref(), Some("GOOGLE_CALENDAR_SERVICE_ACCOUNT_PUBLIC_KEY"), "the default variable");
    let grant = |server: &MockServer| {
        let config = JwtBearerConfig {
            token_url: format!("{}/token", server.uri()),
            issuer: "calendar-bot@example.iam.gserviceaccount.com".into(),
            subject: None,
            scopes: vec!["https://www.googleapis.com/auth/calendar".into()],
            audience: None,
            lifetime: Duration::from_secs(3_600),
            refresh_before_expiry: Duration::ZERO,
            retry: TokenRetry::default(),
        };
        JwtBearer::new(config, PrivateKey::from_pem(DECLARED_PRIVATE).expect("a key"))
    };
    let without = MockServer::start(contract.clone(), MockOptions::default()).await.expect("mock");
    let error = grant(&without).access_token(&http()).await.expect_err("an unknown key");
    assert!(matches!(&error, TokenError::Refused { error: Some(e), .. } if e == "invalid_grant"), "{error}");
    let options = MockOptions { jwt_public_keys: vec![DECLARED_PUBLIC.to_string()], ..MockOptions::default() };
    let with = MockServer::start(contract.clone(), options).await.expect("mock");
    grant(&with).access_token(&http()).await.expect("verified with the declared key");
}

#[test]
fn declared_public_keys_are_read_by_variable_and_bad_ones_are_named() {
    let contract = contract("github.yaml");
    let variable = contract
        .auth
        .credentials
        .iter()
        .find_map(|c| match &c.scheme {
            accord_contract::AuthScheme::GitHubApp(app) => Some(app.public_key_env.clone()),
            _ => None,
        })
        .expect("github.yaml declares a GitHub App");
    let given = |value: &'static str| {
        let variable = variable.clone();
        move |name: &str| (name == variable).then(|| value.to_string())
    };
    let error = accord_mock::jwt_public_keys(&contract, given("not a key")).expect_err("refused");
    assert!(error.contains(&variable), "{error}");
    let public = include_str!("../../../../tests/keys/TEST_ONLY_rsa_declared_public.pem");
    assert_eq!(accord_mock::jwt_public_keys(&contract, given(public)).expect("a key"), [public.to_string()]);
    assert!(accord_mock::jwt_public_keys(&contract, |_| None).expect("none").is_empty());
}
