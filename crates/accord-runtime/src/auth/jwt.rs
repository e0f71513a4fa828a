//! Grants and client authentication with a JWT signed by the client's RSA private key
//! (RS256, RFC 7518 §3.3), through the `jsonwebtoken` crate (feature `jwt`):
//!
//! - [`JwtBearer`]: the JWT bearer grant (RFC 7523 §2.1) as Google service accounts use it
//!   ("Using OAuth 2.0 for Server to Server Applications": claims `iss` (the service
//!   account's email), `scope`, `aud` (the token URL), `iat`, `exp` at most one hour later,
//!   optional `sub`; `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`);
//! - [`ClientAssertion`]: `private_key_jwt` client authentication (RFC 7523 §2.2, OpenID
//!   Connect Core §9: `iss` = `sub` = client id, `aud` the token URL, a unique `jti`, `exp`);
//! - [`GitHubApp`]: a GitHub App's JWT (GitHub docs, "Generating a JSON Web Token (JWT) for a
//!   GitHub App": RS256, `iat` 60 s in the past against clock drift, `exp` at most 10 minutes
//!   ahead, `iss` the app id) exchanged for an installation token ("Authenticating as a
//!   GitHub App installation": `POST /app/installations/{installation_id}/access_tokens`,
//!   answer `{"token", "expires_at"}`), cached until `expires_at`.
//!
//! Private keys are PEM text held in `Zeroizing` memory, wiped on drop, and never shown by
//! `Debug`. (`jsonwebtoken`'s `EncodingKey`, made for each signature and dropped at once,
//! does not wipe its copy of the key; see the closing note of issue 17.)

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::Mutex;
use tokio::time::Instant;
use zeroize::Zeroizing;

use super::token_endpoint::{TokenError, TokenRequest, TokenResponse, TokenRetry, WallClock};
use super::{Authenticate, BoxFuture, CredentialGeneration};
use crate::error::TransportError;
use crate::secret::Secret;

/// `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2).
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// `grant_type` of the JWT bearer grant (RFC 7523 §2.1).
pub const JWT_BEARER_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// An RSA private key (PKCS#1 or PKCS#8 PEM) that signs RS256 JWTs. Wiped from memory on
/// drop; `Debug` shows only `***` and the key id.
pub struct PrivateKey {
    pem: Zeroizing<String>,
    key_id: Option<String>,
}

impl PrivateKey {
    /// A key from PEM text. An environment variable often holds the PEM with `\n` written
    /// as two characters (as Google's service-account JSON does); those are turned back
    /// into line breaks.
    ///
    /// Errors: the text is not an RSA private key in PEM.
    pub fn from_pem(pem: impl Into<String>) -> Result<Self, TokenError> {
        let mut pem = Zeroizing::new(pem.into());
        if !pem.contains('\n') && pem.contains("\\n") {
            pem = Zeroizing::new(pem.replace("\\n", "\n"));
        }
        jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes())
            .map_err(|error| TokenError::Config(format!("not an RSA private key in PEM: {error}")))?;
        Ok(PrivateKey { pem, key_id: None })
    }

    /// The key in the environment variable `variable` (PEM text).
    ///
    /// Errors: the variable is unset or empty, or not a key.
    pub fn from_env(variable: &str) -> Result<Self, TokenError> {
        let text = Zeroizing::new(
            std::env::var(variable)
                .ok()
                .filter(|value| !value.is_empty())
                .ok_or_else(|| TokenError::Config(format!("environment variable `{variable}` is not set")))?,
        );
        PrivateKey::from_pem(text.as_str())
            .map_err(|error| TokenError::Config(format!("environment variable `{variable}`: {error}")))
    }

    /// The key in the PEM file at `path`.
    ///
    /// Errors: the file cannot be read, or is not a key.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Self, TokenError> {
        let path = path.as_ref();
        let text = Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|error| TokenError::Config(format!("cannot read `{}`: {error}", path.display())))?,
        );
        PrivateKey::from_pem(text.as_str())
            .map_err(|error| TokenError::Config(format!("`{}`: {error}", path.display())))
    }

    /// The key from the environment: PEM text in `pem_variable`, else a PEM file whose path
    /// is in `file_variable`.
    ///
    /// Errors: neither variable is set, or the key is unusable.
    pub fn from_env_or_file(pem_variable: &str, file_variable: &str) -> Result<Self, TokenError> {
        match std::env::var(pem_variable) {
            Ok(value) if !value.is_empty() => PrivateKey::from_env(pem_variable),
            _ => match std::env::var(file_variable) {
                Ok(path) if !path.is_empty() => PrivateKey::from_file(path),
                _ => Err(TokenError::Config(format!(
                    "neither `{pem_variable}` (PEM text) nor `{file_variable}` (a PEM file's path) is set"
                ))),
            },
        }
    }

    /// The same key with a key id (`kid` in the JWT header; Google's `private_key_id`).
    pub fn with_key_id(mut self, key_id: impl Into<String>) -> Self {
        self.key_id = Some(key_id.into());
        self
    }

    /// `claims` as an RS256-signed JWT.
    ///
    /// Errors: signing failed.
    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<Secret, TokenError> {
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(self.pem.as_bytes())
            .map_err(|error| TokenError::Config(format!("not an RSA private key in PEM: {error}")))?;
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.kid = self.key_id.clone();
        jsonwebtoken::encode(&header, claims, &key)
            .map(Secret::new)
            .map_err(|error| TokenError::Config(format!("cannot sign a JWT: {error}")))
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey").field("pem", &"***").field("key_id", &self.key_id).finish()
    }
}

/// An access token cached with its expiry and generation, one refresh at a time (as the
/// client-credentials cache).
#[derive(Default)]
struct AccessCache {
    current: Mutex<Option<CachedAccess>>,
    generations: AtomicU64,
    token_requests: AtomicU64,
}

struct CachedAccess {
    token: Secret,
    refresh_at: Instant,
    generation: CredentialGeneration,
}

impl AccessCache {
    /// The cached token, or one from `fetch` (a token and its expiry as Unix seconds).
    async fn get<F>(
        &self,
        clock: &WallClock,
        margin: Duration,
        fetch: F,
    ) -> Result<(Secret, CredentialGeneration), TokenError>
    where
        F: AsyncFnOnce() -> Result<(Secret, u64), TokenError>,
    {
        let mut current = self.current.lock().await;
        if let Some(cached) = current.as_ref()
            && Instant::now() < cached.refresh_at
        {
            return Ok((cached.token.clone(), cached.generation));
        }
        self.token_requests.fetch_add(1, Ordering::Relaxed);
        let (token, expires_at) = fetch().await?;
        let expiry = clock.instant_at(expires_at);
        let refresh_at = expiry.checked_sub(margin).unwrap_or(expiry);
        let generation = CredentialGeneration(self.generations.fetch_add(1, Ordering::Relaxed) + 1);
        *current = Some(CachedAccess { token: token.clone(), refresh_at, generation });
        Ok((token, generation))
    }

    async fn invalidate(&self, used: CredentialGeneration) {
        let mut current = self.current.lock().await;
        if current.as_ref().is_some_and(|cached| cached.generation == used) {
            *current = None;
        }
    }
}

/// Adds `Authorization: Bearer` with the token from `cache`.
fn bearer<'a>(
    request: reqwest::RequestBuilder,
    answer: Result<(Secret, CredentialGeneration), TokenError>,
) -> Result<(reqwest::RequestBuilder, CredentialGeneration), TransportError> {
    let (token, generation) = answer?;
    Ok((request.header(reqwest::header::AUTHORIZATION, super::bearer_header(&token)?), generation))
}

/// What the spec declares about a JWT bearer grant.
#[derive(Debug, Clone)]
pub struct JwtBearerConfig {
    /// The token endpoint.
    pub token_url: String,
    /// `iss`: who signs (a Google service account's `client_email`).
    pub issuer: String,
    /// `sub`: the user to act for (Google's domain-wide delegation), if any.
    pub subject: Option<String>,
    /// `scope`, space-joined.
    pub scopes: Vec<String>,
    /// `aud`; the token URL when `None` (Google: "always
    /// `https://oauth2.googleapis.com/token`").
    pub audience: Option<String>,
    /// `exp` − `iat` (Google: at most one hour).
    pub lifetime: Duration,
    /// Refresh this long before the access token expires.
    pub refresh_before_expiry: Duration,
    /// Retries of the token request.
    pub retry: TokenRetry,
}

#[derive(Serialize)]
struct BearerClaims<'a> {
    iss: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    scope: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
}

/// The JWT bearer grant (RFC 7523 §2.1): a signed assertion exchanged for an access token,
/// cached and renewed before it expires and after a `refresh_auth` error.
pub struct JwtBearer {
    config: JwtBearerConfig,
    key: PrivateKey,
    clock: WallClock,
    cache: AccessCache,
}

impl JwtBearer {
    /// A grant signing with `key`.
    pub fn new(config: JwtBearerConfig, key: PrivateKey) -> Self {
        JwtBearer { config, key, clock: WallClock::new(), cache: AccessCache::default() }
    }

    /// The same grant reading Unix time from `clock`.
    pub fn with_clock(mut self, clock: WallClock) -> Self {
        self.clock = clock;
        self
    }

    /// How many token requests were sent.
    pub fn token_requests(&self) -> u64 {
        self.cache.token_requests.load(Ordering::Relaxed)
    }

    /// The assertion for now: `iss`, `sub`, `scope`, `aud`, `iat` now, `exp` `lifetime` later.
    ///
    /// Errors: signing failed.
    pub fn assertion(&self) -> Result<Secret, TokenError> {
        let now = self.clock.now_unix();
        let scope = self.config.scopes.join(" ");
        self.key.sign(&BearerClaims {
            iss: &self.config.issuer,
            sub: self.config.subject.as_deref(),
            scope: &scope,
            aud: self.config.audience.as_deref().unwrap_or(&self.config.token_url),
            iat: now,
            exp: now + self.config.lifetime.as_secs(),
        })
    }

    /// A valid access token: the cached one, or a new one for a new assertion.
    ///
    /// Errors: the token endpoint refused the assertion or is unavailable.
    pub async fn access_token(&self, http: &reqwest::Client) -> Result<(Secret, CredentialGeneration), TokenError> {
        self.cache
            .get(&self.clock, self.config.refresh_before_expiry, async || {
                let form = vec![
                    ("grant_type", JWT_BEARER_GRANT_TYPE.to_string()),
                    ("assertion", self.assertion()?.expose().to_string()),
                ];
                let answer = TokenRequest {
                    http,
                    url: &self.config.token_url,
                    form,
                    client: None,
                    bearer: None,
                    retry: self.config.retry,
                    clock: &self.clock,
                }
                .send()
                .await?;
                let expires_at = answer.expires_at_unix(&self.clock, self.config.lifetime);
                Ok((Secret::new(answer.access_token), expires_at))
            })
            .await
    }
}

impl fmt::Debug for JwtBearer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtBearer")
            .field("token_url", &self.config.token_url)
            .field("issuer", &self.config.issuer)
            .field("key", &self.key)
            .finish()
    }
}

impl Authenticate for JwtBearer {
    fn authenticate<'a>(
        &'a self,
        http: &'a reqwest::Client,
        request: reqwest::RequestBuilder,
    ) -> BoxFuture<'a, Result<(reqwest::RequestBuilder, CredentialGeneration), TransportError>> {
        Box::pin(async move { bearer(request, self.access_token(http).await) })
    }

    fn refresh<'a>(&'a self, used: CredentialGeneration) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            self.cache.invalidate(used).await;
            true
        })
    }
}

/// `private_key_jwt` client authentication (RFC 7523 §2.2, OpenID Connect Core §9): each
/// token request carries a new assertion signed with the client's key.
pub struct ClientAssertion {
    client_id: String,
    key: PrivateKey,
    lifetime: Duration,
}

#[derive(Serialize)]
struct AssertionClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    jti: String,
    iat: u64,
    exp: u64,
}

impl ClientAssertion {
    /// Assertions for `client_id`, valid 5 minutes each.
    pub fn new(client_id: impl Into<String>, key: PrivateKey) -> Self {
        ClientAssertion { client_id: client_id.into(), key, lifetime: Duration::from_secs(300) }
    }

    /// The client id (`iss` and `sub`).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// A new assertion for the token endpoint `audience`, with a random `jti` (OIDC Core §9:
    /// "a unique identifier for the token, which can be used to prevent reuse").
    ///
    /// Errors: signing failed.
    pub fn sign(&self, audience: &str, clock: &WallClock) -> Result<Secret, TokenError> {
        let now = clock.now_unix();
        self.key.sign(&AssertionClaims {
            iss: &self.client_id,
            sub: &self.client_id,
            aud: audience,
            jti: uuid::Uuid::new_v4().to_string(),
            iat: now,
            exp: now + self.lifetime.as_secs(),
        })
    }
}

impl fmt::Debug for ClientAssertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientAssertion").field("client_id", &self.client_id).field("key", &self.key).finish()
    }
}

/// What the spec declares about a GitHub App installation.
#[derive(Debug, Clone)]
pub struct GitHubAppConfig {
    /// The API's base URL (`https://api.github.com`); the token path is appended.
    pub base_url: String,
    /// The token path with `{installation_id}` (`/app/installations/{installation_id}/access_tokens`).
    pub token_path: String,
    /// The app's id (or client id), the JWT's `iss`.
    pub app_id: String,
    /// The installation acted as.
    pub installation_id: String,
    /// Refresh this long before `expires_at` (GitHub: tokens last one hour).
    pub refresh_before_expiry: Duration,
    /// Retries of the token request.
    pub retry: TokenRetry,
}

/// How far in the past the app JWT's `iat` is set (GitHub: "60 seconds in the past to
/// allow for clock drift").
pub const GITHUB_APP_IAT_BACKDATE: Duration = Duration::from_secs(60);

/// How far ahead of now the app JWT's `exp` is set: GitHub allows at most 10 minutes; 9
/// leave a minute for a client clock running behind GitHub's.
pub const GITHUB_APP_JWT_LIFETIME: Duration = Duration::from_secs(540);

#[derive(Serialize)]
struct AppClaims<'a> {
    iat: u64,
    exp: u64,
    iss: &'a str,
}

/// A GitHub App acting as one installation: an app JWT exchanged for an installation
/// token, cached until its `expires_at` less the margin, renewed after a 401.
pub struct GitHubApp {
    config: GitHubAppConfig,
    key: PrivateKey,
    clock: WallClock,
    cache: AccessCache,
}

impl GitHubApp {
    /// An installation of the app signing with `key`.
    pub fn new(config: GitHubAppConfig, key: PrivateKey) -> Self {
        GitHubApp { config, key, clock: WallClock::new(), cache: AccessCache::default() }
    }

    /// The same app reading Unix time from `clock`.
    pub fn with_clock(mut self, clock: WallClock) -> Self {
        self.clock = clock;
        self
    }

    /// How many installation tokens were requested.
    pub fn token_requests(&self) -> u64 {
        self.cache.token_requests.load(Ordering::Relaxed)
    }

    /// The app JWT for now: `iat` 60 s ago, `exp` 9 minutes ahead, `iss` the app id.
    ///
    /// Errors: signing failed.
    pub fn app_jwt(&self) -> Result<Secret, TokenError> {
        let now = self.clock.now_unix();
        self.key.sign(&AppClaims {
            iat: now.saturating_sub(GITHUB_APP_IAT_BACKDATE.as_secs()),
            exp: now + GITHUB_APP_JWT_LIFETIME.as_secs(),
            iss: &self.config.app_id,
        })
    }

    /// A valid installation token: the cached one, or a new one.
    ///
    /// Errors: GitHub refused the app JWT (`401`) or the installation (`404`), or is
    /// unavailable.
    pub async fn installation_token(
        &self,
        http: &reqwest::Client,
    ) -> Result<(Secret, CredentialGeneration), TokenError> {
        self.cache
            .get(&self.clock, self.config.refresh_before_expiry, async || {
                let path = self.config.token_path.replace("{installation_id}", &self.config.installation_id);
                let url = format!("{}{path}", self.config.base_url.trim_end_matches('/'));
                let answer: TokenResponse = TokenRequest {
                    http,
                    url: &url,
                    form: Vec::new(),
                    client: None,
                    bearer: Some(self.app_jwt()?),
                    retry: self.config.retry,
                    clock: &self.clock,
                }
                .send()
                .await?;
                let expires_at = answer.expires_at_unix(&self.clock, Duration::from_secs(3_600));
                Ok((Secret::new(answer.access_token), expires_at))
            })
            .await
    }
}

impl fmt::Debug for GitHubApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitHubApp")
            .field("app_id", &self.config.app_id)
            .field("installation_id", &self.config.installation_id)
            .field("key", &self.key)
            .finish()
    }
}

impl Authenticate for GitHubApp {
    fn authenticate<'a>(
        &'a self,
        http: &'a reqwest::Client,
        request: reqwest::RequestBuilder,
    ) -> BoxFuture<'a, Result<(reqwest::RequestBuilder, CredentialGeneration), TransportError>> {
        Box::pin(async move { bearer(request, self.installation_token(http).await) })
    }

    fn refresh<'a>(&'a self, used: CredentialGeneration) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            self.cache.invalidate(used).await;
            true
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST_ONLY_PRIVATE_KEY: &str = include_str!("../../../../tests/keys/TEST_ONLY_rsa_private.pem");
    const TEST_ONLY_PUBLIC_KEY: &str = include_str!("../../../../tests/keys/TEST_ONLY_rsa_public.pem");

    fn decode(jwt: &Secret, audience: Option<&str>) -> serde_json::Value {
        let key = jsonwebtoken::DecodingKey::from_rsa_pem(TEST_ONLY_PUBLIC_KEY.as_bytes()).expect("public key");
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.validate_exp = false;
        match audience {
            Some(audience) => validation.set_audience(&[audience]),
            None => validation.validate_aud = false,
        }
        jsonwebtoken::decode::<serde_json::Value>(jwt.expose(), &key, &validation).expect("verifies").claims
    }

    #[test]
    fn the_jwt_bearer_assertion_has_googles_claims_and_verifies() {
        let key = PrivateKey::from_pem(TEST_ONLY_PRIVATE_KEY).expect("key").with_key_id("key-1");
        let grant = JwtBearer::new(
            JwtBearerConfig {
                token_url: "https://oauth2.googleapis.com/token".into(),
                issuer: "robot@project.iam.gserviceaccount.com".into(),
                subject: None,
                scopes: vec!["https://www.googleapis.com/auth/calendar".into()],
                audience: None,
                lifetime: Duration::from_secs(3_600),
                refresh_before_expiry: Duration::from_secs(300),
                retry: TokenRetry::default(),
            },
            key,
        )
        .with_clock(WallClock::at(1_700_000_000));
        let claims = decode(&grant.assertion().expect("signed"), Some("https://oauth2.googleapis.com/token"));
        assert_eq!(claims["iss"], "robot@project.iam.gserviceaccount.com");
        assert_eq!(claims["scope"], "https://www.googleapis.com/auth/calendar");
        assert_eq!(claims["iat"], 1_700_000_000u64);
        assert_eq!(claims["exp"], 1_700_003_600u64);
        assert!(claims.get("sub").is_none());
        let shown = format!("{grant:?}");
        assert!(!shown.contains("PRIVATE KEY") && shown.contains("***"), "{shown}");
    }

    #[test]
    fn the_github_app_jwt_is_backdated_60_s_and_lives_under_10_minutes() {
        let app = GitHubApp::new(
            GitHubAppConfig {
                base_url: "https://api.github.com".into(),
                token_path: "/app/installations/{installation_id}/access_tokens".into(),
                app_id: "12345".into(),
                installation_id: "678".into(),
                refresh_before_expiry: Duration::from_secs(300),
                retry: TokenRetry::default(),
            },
            PrivateKey::from_pem(TEST_ONLY_PRIVATE_KEY).expect("key"),
        )
        .with_clock(WallClock::at(1_700_000_000));
        let claims = decode(&app.app_jwt().expect("signed"), None);
        assert_eq!(claims["iss"], "12345");
        assert_eq!(claims["iat"], 1_699_999_940u64);
        let exp = claims["exp"].as_u64().expect("exp");
        assert!(exp > 1_700_000_000 && exp - 1_700_000_000 <= 600, "{exp}");
    }

    #[test]
    fn a_private_key_jwt_assertion_names_the_client_twice_and_is_unique() {
        let assertion = ClientAssertion::new("client-1", PrivateKey::from_pem(TEST_ONLY_PRIVATE_KEY).expect("key"));
        let clock = WallClock::at(1_700_000_000);
        let first = decode(
            &assertion.sign("https://auth.example/token", &clock).expect("signed"),
            Some("https://auth.example/token"),
        );
        let second = decode(&assertion.sign("https://auth.example/token", &clock).expect("signed"), None);
        assert_eq!((first["iss"].as_str(), first["sub"].as_str()), (Some("client-1"), Some("client-1")));
        assert_ne!(first["jti"], second["jti"]);
    }

    #[test]
    fn keys_from_escaped_env_text_and_bad_keys() {
        let escaped = TEST_ONLY_PRIVATE_KEY.replace('\n', "\\n");
        assert!(PrivateKey::from_pem(escaped).is_ok());
        let error =
            PrivateKey::from_pem("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n").expect_err("bad");
        assert!(error.to_string().contains("not an RSA private key"), "{error}");
        let missing =
            PrivateKey::from_env_or_file("ACCORD_TEST_NO_SUCH_PEM", "ACCORD_TEST_NO_SUCH_FILE").expect_err("unset");
        assert!(missing.to_string().contains("ACCORD_TEST_NO_SUCH_PEM"), "{missing}");
    }
}
