//! The mock as the authorization server of issue 17's OAuth 2.0 flows, and `verify` driving
//! them. For each credential the contract declares:
//!
//! - `oauth2_authorization_code`: the authorize endpoint (RFC 6749 §4.1.1) answers a `302`
//!   to the redirect URI with a single-use code bound to the request's PKCE challenge
//!   (RFC 7636 §4.4, `S256` only); the token endpoint takes `authorization_code` (checking
//!   the verifier, §4.6, and the redirect URI, RFC 6749 §4.1.3) and `refresh_token` (RFC
//!   6749 §6), rotating refresh tokens: each refresh issues a new one and the old one is
//!   refused (`invalid_grant`). [`TEST_REFRESH_TOKEN`], the contract tests' fixed value, is
//!   never rotated away, only revoked, with every other refresh token, by `POST
//!   /__accord/oauth/revoke`. A `private_key_jwt` client assertion is verified.
//! - `oauth2_jwt_bearer`: the token endpoint verifies the assertion (RFC 7523 §3: RS256
//!   signature with the test-only or a declared public key, `aud` the token URL or the declared audience,
//!   `exp` in the future and at most an hour after `iat`, `iat` not in the future beyond
//!   [`LEEWAY_SECONDS`]).
//! - `github_app`: `POST` on the token path verifies the app JWT (GitHub's rules: `iat` not
//!   in the future, `exp` at most 10 minutes ahead) and answers `201` with `token` and
//!   `expires_at` (RFC 3339).
//!
//! JWTs are verified with the test-only key pair of `tests/keys`, and with the public keys
//! the credentials declare (`public_key_env`: [`MockOptions::jwt_public_keys`], filled by
//! `accord mock` from [`jwt_public_keys_from_env`]), so a client signing with its real key
//! is accepted too. Access tokens issued here are accepted by
//! the mock's auth check like client-credentials tokens.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use accord_contract::oauth::{ClientAuthMethod, OAuth2AuthorizationCode, OAuth2JwtBearer};
use accord_contract::{AuthScheme, Contract};
use accord_runtime::Secret;
use accord_runtime::auth::jwt::{ClientAssertion, JwtBearer, JwtBearerConfig, PrivateKey};
use accord_runtime::auth::oauth2::{AuthorizationCode, AuthorizationCodeConfig, FromEnv};
use accord_runtime::auth::token_endpoint::{ClientAuthentication, TokenError, TokenRetry};
use accord_runtime::auth::token_store::{MemoryTokenStore, TokenSet, TokenStore};
use axum::http::{HeaderMap, Method};
use serde_json::{Value, json};

/// The test-only RSA private key (`tests/keys/TEST_ONLY_rsa_private.pem`): generated contract
/// tests sign JWTs with it. Public knowledge; never a real key.
pub const TEST_ONLY_RSA_PRIVATE_KEY: &str = include_str!("../../../tests/keys/TEST_ONLY_rsa_private.pem");
/// Its public key, with which the mock verifies JWTs.
pub const TEST_ONLY_RSA_PUBLIC_KEY: &str = include_str!("../../../tests/keys/TEST_ONLY_rsa_public.pem");
/// The redirect URI of the contract tests' authorization code clients.
pub const TEST_REDIRECT_URI: &str = "http://127.0.0.1/accord/callback";
/// The refresh token the mock always honours (until revoked): the contract tests' test value.
pub const TEST_REFRESH_TOKEN: &str = "test-refresh-token";
/// Clock leeway when the mock checks `iat` and `exp`, seconds.
pub const LEEWAY_SECONDS: u64 = 30;

/// The contract tests' client authentication for `method`: client `test-client`, secret
/// `test-secret`, or a `private_key_jwt` assertion with the test-only key.
pub fn test_client_authentication(method: ClientAuthMethod) -> ClientAuthentication {
    let credentials = || accord_runtime::ClientCredentials::new("test-client", "test-secret");
    match method {
        ClientAuthMethod::None => ClientAuthentication::Public { client_id: "test-client".into() },
        ClientAuthMethod::ClientSecretBasic => ClientAuthentication::SecretBasic(credentials()),
        ClientAuthMethod::ClientSecretPost => ClientAuthentication::SecretPost(credentials()),
        ClientAuthMethod::PrivateKeyJwt => ClientAuthentication::PrivateKeyJwt(ClientAssertion::new(
            "test-client",
            PrivateKey::from_pem(TEST_ONLY_RSA_PRIVATE_KEY).expect("the test-only key is a key"),
        )),
    }
}

/// A memory token store holding only [`TEST_REFRESH_TOKEN`] under `key`: the first request
/// refreshes at the mock.
pub fn test_token_store(key: &str) -> Arc<dyn TokenStore> {
    Arc::new(MemoryTokenStore::with_tokens(key, TokenSet::from_refresh_token(TEST_REFRESH_TOKEN)))
}

/// The PEM public keys the contract's JWT credentials declare through `public_key_env`
/// (`oauth2_jwt_bearer`, `github_app`) that are set in the environment, with the variable
/// each came from. Errors: a set variable whose value is not an RSA public key in PEM,
/// naming the variable.
pub fn jwt_public_keys_from_env(contract: &Contract) -> Result<Vec<String>, String> {
    jwt_public_keys(contract, |variable| std::env::var(variable).ok())
}

/// [`jwt_public_keys_from_env`] with the variables read by `lookup`.
pub fn jwt_public_keys(contract: &Contract, lookup: impl Fn(&str) -> Option<String>) -> Result<Vec<String>, String> {
    let mut keys = Vec::new();
    for credential in &contract.auth.credentials {
        let variable = match &credential.scheme {
            AuthScheme::OAuth2JwtBearer(jwt) => &jwt.public_key_env,
            AuthScheme::GitHubApp(app) => &app.public_key_env,
            _ => continue,
        };
        if variable.is_empty() {
            continue;
        }
        let Some(pem) = lookup(variable) else { continue };
        jsonwebtoken::DecodingKey::from_rsa_pem(pem.as_bytes()).map_err(|error| {
            format!("`{variable}` (credential `{}`) is not an RSA public key in PEM: {error}", credential.name)
        })?;
        keys.push(pem);
    }
    Ok(keys)
}

/// What the mock remembers of the flows, and the public keys it verifies JWTs with besides
/// the test-only one.
#[derive(Default)]
pub(crate) struct OAuthState {
    inner: Mutex<Inner>,
    public_keys: Vec<jsonwebtoken::DecodingKey>,
}

#[derive(Default)]
struct Inner {
    /// Code → (challenge, redirect URI).
    codes: HashMap<String, (String, String)>,
    /// Refresh tokens still honoured.
    refresh: HashSet<String>,
    revoked: bool,
    issued: u64,
}

impl OAuthState {
    /// State that also accepts JWTs signed by the private halves of `public_keys` (PEM:
    /// RSA `PUBLIC KEY` or `RSA PUBLIC KEY`), the keys a spec's credentials declare through
    /// `public_key_env`. Errors: a key that is not an RSA public key in PEM.
    pub(crate) fn with_public_keys(public_keys: &[String]) -> Result<Self, String> {
        let public_keys = public_keys
            .iter()
            .map(|pem| {
                jsonwebtoken::DecodingKey::from_rsa_pem(pem.as_bytes())
                    .map_err(|error| format!("a declared JWT public key is not an RSA public key in PEM: {error}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(OAuthState { inner: Mutex::default(), public_keys })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Revokes every refresh token, [`TEST_REFRESH_TOKEN`] too (a user withdrawing consent).
    pub(crate) fn revoke(&self) {
        let mut inner = self.lock();
        inner.refresh.clear();
        inner.revoked = true;
    }

    /// Forgets codes and refresh tokens and honours the test refresh token again.
    pub(crate) fn reset(&self) {
        *self.lock() = Inner::default();
    }
}

/// An answer of the authorization server: status, headers, JSON body, and the access token
/// it issued (which the mock's auth check must then accept).
pub(crate) struct OAuthReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Value,
    pub issued: Option<String>,
}

fn reply(status: u16, body: Value) -> OAuthReply {
    OAuthReply { status, headers: vec![("cache-control".into(), "no-store".into())], body, issued: None }
}

fn oauth_error(status: u16, error: &str, description: &str) -> OAuthReply {
    reply(status, json!({"error": error, "error_description": description}))
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The answer to a request on one of the flows' endpoints, or `None` when the request is
/// not for one.
pub(crate) fn answer(
    state: &OAuthState,
    contract: &Contract,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<OAuthReply> {
    // One token endpoint may serve several grants (Google's serves the JWT bearer grant and
    // the authorization code grant at one URL): the grant type picks the credential.
    let jwt_grant = form_urlencoded::parse(body)
        .any(|(k, v)| k == "grant_type" && v == accord_runtime::auth::jwt::JWT_BEARER_GRANT_TYPE);
    for credential in &contract.auth.credentials {
        match &credential.scheme {
            AuthScheme::OAuth2AuthorizationCode(code) if method == Method::GET && path == code.authorize_path => {
                return Some(authorize(state, query));
            }
            AuthScheme::OAuth2AuthorizationCode(code)
                if method == Method::POST && path == code.token_path && !jwt_grant =>
            {
                return Some(code_token(state, code, body));
            }
            AuthScheme::OAuth2JwtBearer(jwt) if method == Method::POST && path == jwt.token_path && jwt_grant => {
                return Some(jwt_token(state, jwt, body));
            }
            AuthScheme::GitHubApp(app) if method == Method::POST && app.matches_token_path(path) => {
                return Some(installation_token(state, headers));
            }
            _ => {}
        }
    }
    // A token path with a grant no credential there takes.
    if method == Method::POST && is_flow_endpoint(contract, method.as_str(), path) {
        return Some(oauth_error(400, "unsupported_grant_type", "no declared credential takes this grant here"));
    }
    None
}

/// Whether `method` `path` is an endpoint of the flows' authorization server (the contract
/// tests leave those requests out of a step's exchanges, as client-credentials token
/// requests).
pub(crate) fn is_flow_endpoint(contract: &Contract, method: &str, path: &str) -> bool {
    contract.auth.credentials.iter().any(|credential| match &credential.scheme {
        AuthScheme::OAuth2AuthorizationCode(code) => {
            (method == "GET" && path == code.authorize_path) || (method == "POST" && path == code.token_path)
        }
        AuthScheme::OAuth2JwtBearer(jwt) => method == "POST" && path == jwt.token_path,
        AuthScheme::GitHubApp(app) => method == "POST" && app.matches_token_path(path),
        _ => false,
    })
}

/// RFC 6749 §4.1.1 with RFC 7636 §4.3: a code bound to the challenge, sent to the redirect URI.
fn authorize(state: &OAuthState, query: &str) -> OAuthReply {
    let params: HashMap<String, String> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let param = |name: &str| params.get(name).cloned().unwrap_or_default();
    if param("response_type") != "code" {
        return oauth_error(400, "unsupported_response_type", "response_type must be `code`");
    }
    // RFC 7636 §4.4.1: `plain` and a missing challenge are refused; this mock takes S256 only.
    if param("code_challenge_method") != "S256" || param("code_challenge").len() != 43 {
        return oauth_error(400, "invalid_request", "a 43-character S256 code_challenge is required (RFC 7636)");
    }
    let Ok(mut location) = url::Url::parse(&param("redirect_uri")) else {
        return oauth_error(400, "invalid_request", "redirect_uri must be an absolute URL");
    };
    let code = {
        let mut inner = state.lock();
        inner.issued += 1;
        let code = format!("mock-code-{}", inner.issued);
        inner.codes.insert(code.clone(), (param("code_challenge"), param("redirect_uri")));
        code
    };
    location.query_pairs_mut().append_pair("code", &code).append_pair("state", &param("state"));
    OAuthReply {
        status: 302,
        headers: vec![("location".into(), location.to_string())],
        body: Value::Null,
        issued: None,
    }
}

fn issue(inner: &mut Inner, refresh: bool, lifetime: u64) -> OAuthReply {
    inner.issued += 1;
    let access = format!("mock-flow-access-token-{}", inner.issued);
    let mut body = json!({"access_token": access, "token_type": "Bearer", "expires_in": lifetime});
    if refresh {
        let token = format!("mock-refresh-token-{}", inner.issued);
        inner.refresh.insert(token.clone());
        body["refresh_token"] = json!(token);
    }
    let mut answer = reply(200, body);
    answer.issued = Some(access);
    answer
}

/// The token endpoint of an authorization code credential.
fn code_token(state: &OAuthState, code: &OAuth2AuthorizationCode, body: &[u8]) -> OAuthReply {
    let form: HashMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    if code.client_authentication == ClientAuthMethod::PrivateKeyJwt {
        let assertion = field("client_assertion");
        let valid = verify_jwt(state, &assertion).is_ok_and(|claims| {
            claims["iss"] == claims["sub"]
                && claims["aud"].as_str().is_some_and(|aud| aud.ends_with(&code.token_path))
                && field("client_assertion_type") == accord_runtime::auth::jwt::CLIENT_ASSERTION_TYPE
        });
        if !valid {
            return oauth_error(401, "invalid_client", "the client assertion does not verify (RFC 7523 §3)");
        }
    }
    let mut inner = state.lock();
    match field("grant_type").as_str() {
        "authorization_code" => {
            let Some((challenge, redirect_uri)) = inner.codes.remove(&field("code")) else {
                return oauth_error(400, "invalid_grant", "unknown or already used code");
            };
            if accord_runtime::auth::pkce::challenge_s256(&field("code_verifier")) != challenge {
                return oauth_error(
                    400,
                    "invalid_grant",
                    "the code_verifier does not match the code_challenge (RFC 7636 §4.6)",
                );
            }
            if field("redirect_uri") != redirect_uri {
                return oauth_error(400, "invalid_grant", "redirect_uri differs from the authorization request's");
            }
            issue(&mut inner, true, 3_600)
        }
        "refresh_token" => {
            let presented = field("refresh_token");
            let honoured = (presented == TEST_REFRESH_TOKEN && !inner.revoked) || inner.refresh.remove(&presented);
            if !honoured {
                // The provider's own name for it when the spec declares one (Slack's
                // `invalid_refresh_token`), else RFC 6749 §5.2's.
                let error = code.reauthorization_errors.first().map_or("invalid_grant", String::as_str);
                return oauth_error(400, error, "the refresh token was revoked or rotated away");
            }
            issue(&mut inner, true, 3_600)
        }
        _ => oauth_error(400, "unsupported_grant_type", "expected authorization_code or refresh_token"),
    }
}

/// The token endpoint of a JWT bearer credential (RFC 7523 §2.1, §3).
fn jwt_token(state: &OAuthState, jwt: &OAuth2JwtBearer, body: &[u8]) -> OAuthReply {
    let form: HashMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
    if form.get("grant_type").map(String::as_str) != Some(accord_runtime::auth::jwt::JWT_BEARER_GRANT_TYPE) {
        return oauth_error(400, "unsupported_grant_type", "expected the JWT bearer grant (RFC 7523 §2.1)");
    }
    let now = now();
    let claims = match verify_jwt(state, form.get("assertion").map(String::as_str).unwrap_or("")) {
        Ok(claims) => claims,
        Err(reason) => return oauth_error(400, "invalid_grant", &reason),
    };
    let audience_ok = claims["aud"].as_str().is_some_and(|aud| match &jwt.audience {
        Some(declared) => aud == declared,
        None => aud.ends_with(&jwt.token_path),
    });
    let (iat, exp) = (claims["iat"].as_u64().unwrap_or(u64::MAX), claims["exp"].as_u64().unwrap_or(0));
    if !audience_ok {
        return oauth_error(400, "invalid_grant", "`aud` is not this token endpoint");
    }
    if iat > now + LEEWAY_SECONDS || exp <= now || exp.saturating_sub(iat) > 3_600 {
        return oauth_error(
            400,
            "invalid_grant",
            "`iat`/`exp` out of range: `iat` not in the future, `exp` at most an hour later",
        );
    }
    issue(&mut state.lock(), false, jwt.lifetime_seconds.min(3_600))
}

/// GitHub's `POST /app/installations/{installation_id}/access_tokens`.
fn installation_token(state: &OAuthState, headers: &HeaderMap) -> OAuthReply {
    let now = now();
    let jwt = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let claims = match jwt.map(|jwt| verify_jwt(state, jwt)) {
        Some(Ok(claims)) => claims,
        _ => return reply(401, json!({"message": "A JSON web token could not be decoded"})),
    };
    let (iat, exp) = (claims["iat"].as_u64().unwrap_or(u64::MAX), claims["exp"].as_u64().unwrap_or(0));
    if iat > now + LEEWAY_SECONDS || exp <= now || exp > now + 600 + LEEWAY_SECONDS {
        return reply(
            401,
            json!({"message": "'Issued at' claim ('iat') must be an Integer representing a time in the past, and 'exp' at most 10 minutes ahead"}),
        );
    }
    let mut inner = state.lock();
    inner.issued += 1;
    let token = format!("ghs_mock{}", inner.issued);
    let expires_at = time::OffsetDateTime::from_unix_timestamp(i64::try_from(now + 3_600).unwrap_or(0))
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default();
    let mut answer = reply(201, json!({"token": token, "expires_at": expires_at}));
    answer.issued = Some(token);
    answer
}

/// An RS256 JWT verified with the test-only public key; its claims. `exp` and `aud` are the
/// callers' to check.
fn verify_jwt(state: &OAuthState, jwt: &str) -> Result<Value, String> {
    let test_key =
        jsonwebtoken::DecodingKey::from_rsa_pem(TEST_ONLY_RSA_PUBLIC_KEY.as_bytes()).map_err(|e| e.to_string())?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let mut last = None;
    for key in std::iter::once(&test_key).chain(&state.public_keys) {
        match jsonwebtoken::decode::<Value>(jwt, key, &validation) {
            Ok(data) => return Ok(data.claims),
            Err(error) => last = Some(error),
        }
    }
    let which = if state.public_keys.is_empty() { "the test key" } else { "the test key nor a declared public key" };
    Err(format!("the JWT does not verify with {which}: {}", last.map(|e| e.to_string()).unwrap_or_default()))
}

/// The value of a flow credential: the mock's test values, or what the environment gave.
#[derive(Clone)]
pub struct FlowCredential {
    value: Arc<FlowValue>,
}

enum FlowValue {
    Test,
    AuthorizationCode(FromEnv),
    /// The key is read again from the environment when the flow runs (it is not `Clone`).
    JwtBearer {
        issuer: String,
    },
    GitHubApp {
        app_id: String,
        installation_id: String,
    },
}

impl FlowCredential {
    /// The mock's test values.
    pub fn test() -> Self {
        FlowCredential { value: Arc::new(FlowValue::Test) }
    }

    /// The values of `scheme`'s environment variables; `Err` with the names of those unset.
    pub(crate) fn from_env(scheme: &AuthScheme) -> Result<Self, Vec<String>> {
        let unset = |names: &[&String]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let text = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let value = match scheme {
            AuthScheme::OAuth2AuthorizationCode(code) => FromEnv::read(
                code.client_authentication,
                &code.client_id_env,
                &code.client_secret_env,
                &code.redirect_uri_env,
                &code.refresh_token_env,
                &code.private_key_env,
                &code.private_key_file_env,
            )
            .filter(|from_env| from_env.refresh_token.is_some())
            .map(FlowValue::AuthorizationCode)
            .ok_or_else(|| {
                unset(&[&code.client_id_env, &code.client_secret_env, &code.redirect_uri_env, &code.refresh_token_env])
            })?,
            AuthScheme::OAuth2JwtBearer(jwt) => {
                match (
                    text(&jwt.issuer_env),
                    PrivateKey::from_env_or_file(&jwt.private_key_env, &jwt.private_key_file_env),
                ) {
                    (Some(issuer), Ok(_)) => FlowValue::JwtBearer { issuer },
                    _ => return Err(unset(&[&jwt.issuer_env, &jwt.private_key_env])),
                }
            }
            AuthScheme::GitHubApp(app) => match (
                text(&app.app_id_env),
                text(&app.installation_id_env),
                PrivateKey::from_env_or_file(&app.private_key_env, &app.private_key_file_env),
            ) {
                (Some(app_id), Some(installation_id), Ok(_)) => FlowValue::GitHubApp { app_id, installation_id },
                _ => return Err(unset(&[&app.app_id_env, &app.installation_id_env, &app.private_key_env])),
            },
            AuthScheme::OAuth2ClientCredentials(_)
            | AuthScheme::Bearer(_)
            | AuthScheme::Basic(_)
            | AuthScheme::ApiKey(_)
            | AuthScheme::AwsSigV4(_)
            | AuthScheme::HmacSignature(_) => {
                return Err(Vec::new());
            }
        };
        Ok(FlowCredential { value: Arc::new(value) })
    }

    /// `verify`: runs the flow of `scheme` against `base` (the server under test; the
    /// declared endpoints when `declared`) and gives the access token. Against the mock's test
    /// values an authorization code credential runs the whole flow: the authorization URL, the
    /// redirect's code, the exchange with the PKCE verifier, then a refresh.
    pub(crate) async fn fetch(
        &self,
        name: &str,
        scheme: &AuthScheme,
        http: &accord_runtime::reqwest::Client,
        base: &str,
        declared: bool,
    ) -> Result<Secret, String> {
        let at = |url: &str, path: &str| if declared { url.to_string() } else { format!("{base}{path}") };
        let text = |error: TokenError| error.to_string();
        match (scheme, self.value.as_ref()) {
            (AuthScheme::OAuth2AuthorizationCode(code), value) => {
                let (client, redirect_uri, store): (ClientAuthentication, String, Arc<dyn TokenStore>) = match value {
                    FlowValue::AuthorizationCode(from_env) => {
                        let store = from_env.store(name).ok_or("no refresh token")?;
                        let client = FromEnv::read(
                            code.client_authentication,
                            &code.client_id_env,
                            &code.client_secret_env,
                            &code.redirect_uri_env,
                            &code.refresh_token_env,
                            &code.private_key_env,
                            &code.private_key_file_env,
                        )
                        .ok_or("the credential's variables changed")?
                        .client;
                        (client, from_env.redirect_uri.clone(), store)
                    }
                    _ => (
                        test_client_authentication(code.client_authentication),
                        TEST_REDIRECT_URI.to_string(),
                        Arc::new(MemoryTokenStore::new()),
                    ),
                };
                let config = AuthorizationCodeConfig {
                    authorize_url: at(&code.authorize_url, &code.authorize_path),
                    token_url: at(&code.token_url, &code.token_path),
                    redirect_uri,
                    authorize_params: code.authorize_params.clone(),
                    refresh_before_expiry: std::time::Duration::from_secs(code.refresh_before_expiry_seconds),
                    retry: TokenRetry::default(),
                };
                let mut flow = AuthorizationCode::new(config, client, store, name)
                    .with_reauthorization_errors(code.reauthorization_errors.clone());
                if let Some(separator) = &code.scope_separator {
                    flow = flow.with_scope_separator(separator.clone());
                }
                if matches!(value, FlowValue::Test) {
                    authorize_and_exchange(&flow, http, &code.scopes).await?;
                }
                flow.access_token(http).await.map(|(token, _)| token).map_err(text)
            }
            (AuthScheme::OAuth2JwtBearer(jwt), value) => {
                let (issuer, key) = match value {
                    FlowValue::JwtBearer { issuer } => (
                        issuer.clone(),
                        PrivateKey::from_env_or_file(&jwt.private_key_env, &jwt.private_key_file_env).map_err(text)?,
                    ),
                    _ => ("test-issuer".to_string(), clone_key_text(TEST_ONLY_RSA_PRIVATE_KEY)?),
                };
                let config = JwtBearerConfig {
                    token_url: at(&jwt.token_url, &jwt.token_path),
                    issuer,
                    subject: None,
                    scopes: jwt.scopes.clone(),
                    audience: jwt.audience.clone(),
                    lifetime: std::time::Duration::from_secs(jwt.lifetime_seconds),
                    refresh_before_expiry: std::time::Duration::from_secs(jwt.refresh_before_expiry_seconds),
                    retry: TokenRetry::default(),
                };
                JwtBearer::new(config, key).access_token(http).await.map(|(token, _)| token).map_err(text)
            }
            (AuthScheme::GitHubApp(app), value) => {
                let (app_id, installation_id, key) = match value {
                    FlowValue::GitHubApp { app_id, installation_id } => (
                        app_id.clone(),
                        installation_id.clone(),
                        PrivateKey::from_env_or_file(&app.private_key_env, &app.private_key_file_env).map_err(text)?,
                    ),
                    _ => ("1".to_string(), "2".to_string(), clone_key_text(TEST_ONLY_RSA_PRIVATE_KEY)?),
                };
                let config = accord_runtime::auth::jwt::GitHubAppConfig {
                    base_url: base.to_string(),
                    token_path: app.token_path.clone(),
                    app_id,
                    installation_id,
                    refresh_before_expiry: std::time::Duration::from_secs(app.refresh_before_expiry_seconds),
                    retry: TokenRetry::default(),
                };
                accord_runtime::auth::jwt::GitHubApp::new(config, key)
                    .installation_token(http)
                    .await
                    .map(|(token, _)| token)
                    .map_err(text)
            }
            _ => Err("not an OAuth 2.0 flow credential".into()),
        }
    }
}

impl std::fmt::Debug for FlowCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.value.as_ref() {
            FlowValue::Test => "test",
            FlowValue::AuthorizationCode(_) => "authorization_code",
            FlowValue::JwtBearer { .. } => "jwt_bearer",
            FlowValue::GitHubApp { .. } => "github_app",
        };
        f.debug_struct("FlowCredential").field("kind", &kind).finish_non_exhaustive()
    }
}

fn clone_key_text(pem: &str) -> Result<PrivateKey, String> {
    PrivateKey::from_pem(pem).map_err(|error| error.to_string())
}

/// The user's part, played against the mock: the authorization URL, the redirect's code,
/// the exchange.
async fn authorize_and_exchange(
    flow: &AuthorizationCode,
    http: &accord_runtime::reqwest::Client,
    scopes: &[String],
) -> Result<(), String> {
    let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
    let request = flow.authorization_url(&scopes, "accord-verify-state").map_err(|e| e.to_string())?;
    let answer = http.get(request.url.clone()).send().await.map_err(|e| format!("authorize endpoint: {e}"))?;
    if answer.status() != 302 {
        return Err(format!("the authorize endpoint answered {} instead of a 302 redirect", answer.status()));
    }
    let location = answer
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| url::Url::parse(v).ok())
        .ok_or("the authorize endpoint's redirect has no Location URL")?;
    let pairs: HashMap<String, String> = location.query_pairs().into_owned().collect();
    if pairs.get("state").map(String::as_str) != Some("accord-verify-state") {
        return Err("the redirect did not carry the state back (RFC 6749 §4.1.2)".into());
    }
    let code = pairs.get("code").ok_or("the redirect carries no code")?;
    flow.exchange_code(http, code, &request.verifier).await.map(|_| ()).map_err(|e| e.to_string())
}

/// `verify`: every flow credential of `credentials` run against `base` (the declared
/// endpoints when `base` is a declared environment), its value replaced by one carrying the
/// access token. Errors: the first flow that gave no token, named.
pub(crate) async fn run_flows(
    http: &accord_runtime::reqwest::Client,
    contract: &Contract,
    credentials: crate::Credentials,
    base: &str,
) -> Result<crate::Credentials, String> {
    let declared = contract.environments.iter().any(|e| e.base_url.trim_end_matches('/') == base);
    let mut ran = crate::Credentials::new();
    for (name, value) in credentials.iter() {
        let value = match (value, contract.auth.credential(name)) {
            (crate::Credential::Flow(flow, None), Some(declared_credential)) => {
                let token = flow
                    .fetch(name, &declared_credential.scheme, http, base, declared)
                    .await
                    .map_err(|error| format!("credential `{name}` ({}): {error}", declared_credential.scheme.key()))?;
                crate::Credential::Flow(flow.clone(), Some(token))
            }
            (other, _) => other.clone(),
        };
        ran.insert(name, value);
    }
    Ok(ran)
}
