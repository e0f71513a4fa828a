//! Authentication schemes a spec can declare, applied to each outgoing request: API key
//! (header or query), bearer token (RFC 6750), HTTP basic (RFC 7617), and OAuth 2.0 client
//! credentials (RFC 6749 §4.4) with a cached token refreshed before it expires.

use std::fmt;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::error::TransportError;
use crate::secret::Secret;

/// OAuth 2.0 client id and secret.
#[derive(Clone)]
pub struct ClientCredentials {
    /// Client id (not secret, but not logged either).
    pub client_id: String,
    /// Client secret.
    pub client_secret: Secret,
}

impl ClientCredentials {
    /// Credentials from values.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        ClientCredentials { client_id: client_id.into(), client_secret: client_secret.into() }
    }

    /// Credentials from two environment variables (names come from the spec).
    ///
    /// Errors: names the first variable that is unset or empty.
    pub fn from_env(client_id_variable: &str, client_secret_variable: &str) -> Result<Self, String> {
        let client_id = std::env::var(client_id_variable)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("environment variable `{client_id_variable}` is not set"))?;
        let client_secret = Secret::from_env(client_secret_variable)
            .ok_or_else(|| format!("environment variable `{client_secret_variable}` is not set"))?;
        Ok(ClientCredentials { client_id, client_secret })
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
}

/// The authentication a client applies to every request.
#[non_exhaustive]
pub enum Auth {
    /// No credentials.
    None,
    /// An API key in a header or query parameter named `name`.
    ApiKey {
        /// Header or query.
        location: ApiKeyLocation,
        /// Header or parameter name.
        name: String,
        /// The key.
        key: Secret,
    },
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `Authorization: Basic base64(username:password)`.
    Basic {
        /// User name.
        username: String,
        /// Password (may be empty, as Stripe's secret-key-as-username scheme uses).
        password: Secret,
    },
    /// OAuth 2.0 client credentials; the access token is sent as a bearer token.
    OAuth2(OAuth2),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("Auth::None"),
            Auth::ApiKey { location, name, .. } => {
                write!(f, "Auth::ApiKey {{ location: {location:?}, name: {name:?}, key: *** }}")
            }
            Auth::Bearer(_) => f.write_str("Auth::Bearer(***)"),
            Auth::Basic { username, .. } => write!(f, "Auth::Basic {{ username: {username:?}, password: *** }}"),
            Auth::OAuth2(oauth) => write!(
                f,
                "Auth::OAuth2 {{ token_url: {:?}, client_id: {:?} }}",
                oauth.token_url, oauth.credentials.client_id
            ),
        }
    }
}

/// OAuth 2.0 client credentials grant with a token cache.
pub struct OAuth2 {
    token_url: String,
    credentials: ClientCredentials,
    scopes: Vec<String>,
    refresh_before_expiry: Duration,
    cache: Mutex<Option<CachedToken>>,
}

struct CachedToken {
    access_token: Secret,
    refresh_at: Instant,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

impl OAuth2 {
    /// A client credentials grant against `token_url`, refreshing `refresh_before_expiry`
    /// before the token's `expires_in` runs out.
    pub fn new(
        token_url: impl Into<String>,
        credentials: ClientCredentials,
        scopes: Vec<String>,
        refresh_before_expiry: Duration,
    ) -> Self {
        OAuth2 { token_url: token_url.into(), credentials, scopes, refresh_before_expiry, cache: Mutex::new(None) }
    }

    /// A valid access token: the cached one, or a new one from the token endpoint. One
    /// request at a time refreshes; concurrent callers wait for it and share the result.
    pub async fn access_token(&self, http: &reqwest::Client) -> Result<Secret, TransportError> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref()
            && Instant::now() < cached.refresh_at
        {
            return Ok(cached.access_token.clone());
        }
        let mut form = vec![("grant_type", "client_credentials".to_string())];
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.join(" ")));
        }
        // RFC 6749 §2.3.1: client credentials in HTTP basic auth.
        let response = http
            .post(&self.token_url)
            .basic_auth(&self.credentials.client_id, Some(self.credentials.client_secret.expose()))
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(
                form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(form.iter().map(|(k, v)| (*k, v.as_str())))
                    .finish(),
            )
            .send()
            .await
            .map_err(TransportError::from_reqwest)?;
        let status = response.status();
        if !status.is_success() {
            return Err(TransportError::message(format!("token endpoint answered {status}")));
        }
        let token: TokenResponse = response.json().await.map_err(TransportError::from_reqwest)?;
        let lifetime = Duration::from_secs(token.expires_in.unwrap_or(3_600));
        let refresh_at = Instant::now() + lifetime.saturating_sub(self.refresh_before_expiry);
        let access_token = Secret::new(token.access_token);
        *cache = Some(CachedToken { access_token: access_token.clone(), refresh_at });
        Ok(access_token)
    }

    /// Forgets the cached token (after a `refresh_auth` error such as 401).
    pub async fn invalidate(&self) {
        *self.cache.lock().await = None;
    }
}

impl Auth {
    /// Adds the credentials to a request.
    pub async fn apply(
        &self,
        http: &reqwest::Client,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, TransportError> {
        Ok(match self {
            Auth::None => request,
            Auth::ApiKey { location: ApiKeyLocation::Header, name, key } => request.header(name.as_str(), key.expose()),
            Auth::ApiKey { location: ApiKeyLocation::Query, name, key } => {
                request.query(&[(name.as_str(), key.expose())])
            }
            Auth::Bearer(token) => request.bearer_auth(token.expose()),
            Auth::Basic { username, password } => {
                let encoded =
                    base64::engine::general_purpose::STANDARD.encode(format!("{username}:{}", password.expose()));
                request.header(reqwest::header::AUTHORIZATION, format!("Basic {encoded}"))
            }
            Auth::OAuth2(oauth) => request.bearer_auth(oauth.access_token(http).await?.expose()),
        })
    }
}
