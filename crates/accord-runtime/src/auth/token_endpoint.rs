//! What every OAuth 2.0 grant shares: the token request (RFC 6749 §4.1.3, §6, §4.4; RFC 7523
//! §2.1) with its own retries ([`TokenRetry`], seed 002's `token_refresh.retry_attempts` and
//! `retry_delay_seconds`, apart from the operation's retries), how the client authenticates
//! to the token endpoint ([`ClientAuthentication`]: RFC 6749 §2.3.1, RFC 7523 §2.2), the
//! answer (§5.1) and its errors (§5.2) as a typed [`TokenError`], and [`WallClock`], the
//! Unix time that JWT claims and stored expiries need, read from tokio's clock so that
//! paused-time tests move it.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use tokio::time::Instant;

use super::ClientCredentials;

use crate::error::{TransportError, TransportErrorKind};
use crate::secret::Secret;
pub use accord_contract::oauth::ClientAuthMethod;

/// Retries of a token request, apart from the operation's: seed 002's
/// `token_refresh: { retry_attempts: 3, retry_delay_seconds: 5 }`. A request is retried
/// after a connection failure, a `5xx` or a `429`; never after another `4xx`, which no retry
/// fixes (a refused grant or client).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenRetry {
    /// Retries after the first attempt (`0`: one attempt).
    pub retry_attempts: u32,
    /// Wait between attempts.
    pub retry_delay: Duration,
}

/// Why no token could be had.
#[derive(Debug)]
#[non_exhaustive]
pub enum TokenError {
    /// The user must authorize the client again: no tokens are stored, or the authorization
    /// server refused the refresh token (`invalid_grant`, RFC 6749 §5.2: revoked, expired,
    /// or already rotated away).
    ReauthorizationRequired {
        /// What happened, without a token.
        reason: String,
    },
    /// The token endpoint refused the request (`4xx`): the error code (RFC 6749 §5.2) and
    /// description when it gave them.
    Refused {
        /// HTTP status.
        status: u16,
        /// `error` (`invalid_client`, `invalid_grant`, …) or the body's `message`.
        error: Option<String>,
        /// `error_description`.
        description: Option<String>,
    },
    /// The token endpoint could not be reached or failed (`5xx`, `429`) on every attempt.
    Unavailable(TransportError),
    /// The token store failed.
    Store(super::token_store::TokenStoreError),
    /// A private key or a setting is unusable (not PEM, wrong algorithm, bad URL).
    Config(String),
}

impl TokenError {
    /// Whether the user must authorize again ([`TokenError::ReauthorizationRequired`]).
    pub fn reauthorization_required(&self) -> bool {
        matches!(self, TokenError::ReauthorizationRequired { .. })
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::ReauthorizationRequired { reason } => {
                write!(f, "re-authorization required: {reason}")
            }
            TokenError::Refused { status, error, description } => {
                write!(f, "token endpoint answered {status}")?;
                if let Some(error) = error {
                    write!(f, " `{}`", crate::error::excerpt(error, 100))?;
                }
                if let Some(description) = description {
                    write!(f, ": {}", crate::error::excerpt(description, 200))?;
                }
                Ok(())
            }
            TokenError::Unavailable(error) => write!(f, "token endpoint unavailable: {error}"),
            TokenError::Store(error) => write!(f, "{error}"),
            TokenError::Config(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for TokenError {}

impl From<TokenError> for TransportError {
    /// A request that could not get credentials: [`TransportErrorKind::ReauthorizationRequired`]
    /// when the user must authorize again, `Network` when the token endpoint was unavailable
    /// (the token request's own retries are spent), `Invalid` otherwise (no retry fixes it).
    fn from(error: TokenError) -> Self {
        let kind = match &error {
            TokenError::ReauthorizationRequired { .. } => TransportErrorKind::ReauthorizationRequired,
            TokenError::Unavailable(_) => TransportErrorKind::Network,
            TokenError::Refused { .. } | TokenError::Store(_) | TokenError::Config(_) => TransportErrorKind::Invalid,
        };
        TransportError::new(kind, error.to_string())
    }
}

/// How the client proves who it is to the token endpoint.
#[non_exhaustive]
pub enum ClientAuthentication {
    /// A public client (RFC 6749 §2.1, a native or browser app with PKCE): `client_id` in the
    /// form, no secret.
    Public {
        /// The client id.
        client_id: String,
    },
    /// `client_secret_basic` (RFC 6749 §2.3.1): HTTP basic with the id and secret.
    SecretBasic(ClientCredentials),
    /// `client_secret_post` (RFC 6749 §2.3.1): `client_id` and `client_secret` in the form
    /// (Google's token endpoint documents this one).
    SecretPost(ClientCredentials),
    /// `private_key_jwt` (RFC 7523 §2.2, OpenID Connect Core §9): a JWT signed with the
    /// client's private key as `client_assertion`.
    #[cfg(feature = "jwt")]
    PrivateKeyJwt(super::jwt::ClientAssertion),
}

impl ClientAuthentication {
    /// The client id.
    pub fn client_id(&self) -> &str {
        match self {
            ClientAuthentication::Public { client_id } => client_id,
            ClientAuthentication::SecretBasic(credentials) | ClientAuthentication::SecretPost(credentials) => {
                &credentials.client_id
            }
            #[cfg(feature = "jwt")]
            ClientAuthentication::PrivateKeyJwt(assertion) => assertion.client_id(),
        }
    }

    /// Adds the client's authentication to a token request's form and builder (`token_url`
    /// and `clock` make a `private_key_jwt` assertion).
    #[cfg_attr(not(feature = "jwt"), allow(unused_variables))]
    fn apply(
        &self,
        form: &mut Vec<(&'static str, String)>,
        request: reqwest::RequestBuilder,
        token_url: &str,
        clock: &WallClock,
    ) -> Result<reqwest::RequestBuilder, TokenError> {
        Ok(match self {
            ClientAuthentication::Public { client_id } => {
                form.push(("client_id", client_id.clone()));
                request
            }
            ClientAuthentication::SecretBasic(credentials) => {
                request.basic_auth(&credentials.client_id, Some(credentials.client_secret.expose()))
            }
            ClientAuthentication::SecretPost(credentials) => {
                form.push(("client_id", credentials.client_id.clone()));
                form.push(("client_secret", credentials.client_secret.expose().to_string()));
                request
            }
            #[cfg(feature = "jwt")]
            ClientAuthentication::PrivateKeyJwt(assertion) => {
                let jwt = assertion.sign(token_url, clock)?;
                form.push(("client_id", assertion.client_id().to_string()));
                form.push(("client_assertion_type", super::jwt::CLIENT_ASSERTION_TYPE.to_string()));
                form.push(("client_assertion", jwt.expose().to_string()));
                request
            }
        })
    }
}

impl fmt::Debug for ClientAuthentication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let method = match self {
            ClientAuthentication::Public { .. } => "none",
            ClientAuthentication::SecretBasic(_) => "client_secret_basic",
            ClientAuthentication::SecretPost(_) => "client_secret_post",
            #[cfg(feature = "jwt")]
            ClientAuthentication::PrivateKeyJwt(_) => "private_key_jwt",
        };
        f.debug_struct("ClientAuthentication").field("method", &method).field("client_id", &self.client_id()).finish()
    }
}

/// A token endpoint's successful answer (RFC 6749 §5.1; GitHub's installation token answer
/// has `token` and `expires_at` instead).
#[derive(Deserialize)]
pub(crate) struct TokenResponse {
    #[serde(alias = "token")]
    pub access_token: String,
    #[serde(default)]
    pub expires_in: Option<u64>,
    #[serde(default)]
    #[cfg_attr(not(feature = "oauth2-code"), allow(dead_code))]
    pub refresh_token: Option<String>,
    #[serde(default)]
    #[cfg_attr(not(feature = "oauth2-code"), allow(dead_code))]
    pub scope: Option<String>,
    /// RFC 3339 (GitHub: "expires_at": "2016-07-11T22:14:10Z").
    #[serde(default)]
    pub expires_at: Option<String>,
}

impl TokenResponse {
    /// When the access token expires, Unix seconds: `expires_at` when given, else now plus
    /// `expires_in`, else now plus `default_lifetime`.
    pub fn expires_at_unix(&self, clock: &WallClock, default_lifetime: Duration) -> u64 {
        if let Some(at) = self
            .expires_at
            .as_deref()
            .and_then(|text| time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok())
        {
            return u64::try_from(at.unix_timestamp()).unwrap_or(0);
        }
        clock.now_unix() + self.expires_in.unwrap_or(default_lifetime.as_secs())
    }
}

/// A token endpoint's error answer (RFC 6749 §5.2; GitHub answers `{"message": …}`).
#[derive(Deserialize, Default)]
struct ErrorResponse {
    /// Slack's success flag: `false` on a `200` answer is an error.
    #[serde(default)]
    ok: Option<bool>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// A token request: where, what, who, and how often to try.
pub(crate) struct TokenRequest<'a> {
    pub http: &'a reqwest::Client,
    pub url: &'a str,
    pub form: Vec<(&'static str, String)>,
    pub client: Option<&'a ClientAuthentication>,
    /// A bearer token for the request (GitHub's app JWT), instead of a form.
    pub bearer: Option<Secret>,
    pub retry: TokenRetry,
    pub clock: &'a WallClock,
}

impl TokenRequest<'_> {
    /// Sends the request, retrying as [`TokenRetry`] says, and reads the answer.
    ///
    /// Errors: [`TokenError::Refused`] for a `4xx` other than `429`,
    /// [`TokenError::Unavailable`] when every attempt failed.
    pub async fn send(&self) -> Result<TokenResponse, TokenError> {
        let mut attempt = 0;
        loop {
            let failure = match self.attempt().await {
                Ok(response) => return Ok(response),
                Err(Attempt::Final(error)) => return Err(error),
                Err(Attempt::Retryable(error)) => error,
            };
            if attempt >= self.retry.retry_attempts {
                return Err(TokenError::Unavailable(failure));
            }
            attempt += 1;
            tracing::info!(attempt, "token request failed; retrying");
            tokio::time::sleep(self.retry.retry_delay).await;
        }
    }

    async fn attempt(&self) -> Result<TokenResponse, Attempt> {
        let mut form = self.form.clone();
        let mut request = self.http.post(self.url).header(reqwest::header::ACCEPT, "application/json");
        if let Some(client) = self.client {
            request = client.apply(&mut form, request, self.url, self.clock).map_err(Attempt::Final)?;
        }
        if let Some(token) = &self.bearer {
            let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                .map_err(|_| Attempt::Final(TokenError::Config("the JWT is not a valid header value".into())))?;
            value.set_sensitive(true);
            request = request.header(reqwest::header::AUTHORIZATION, value);
        }
        if !form.is_empty() {
            let body = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form.iter().map(|(k, v)| (*k, v.as_str())))
                .finish();
            request = request.header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(body);
        }
        let response = request.send().await.map_err(|e| Attempt::Retryable(TransportError::from_reqwest(e)))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| Attempt::Retryable(TransportError::from_reqwest(e)))?;
        // Slack's Web API answers every error with `200` and `{"ok": false, "error": …}`
        // ("Callers should always check the value of the `ok` param", api.slack.com/web),
        // its token endpoint `oauth.v2.access` included: such an answer is a refusal.
        if status.is_success()
            && let Ok(ErrorResponse { ok: Some(false), error, error_description, message }) =
                serde_json::from_slice::<ErrorResponse>(&body)
        {
            return Err(Attempt::Final(TokenError::Refused {
                status: status.as_u16(),
                error: error.or(message),
                description: error_description,
            }));
        }
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|error| {
                Attempt::Final(TokenError::Refused {
                    status: status.as_u16(),
                    error: Some("invalid_response".into()),
                    description: Some(format!("the token answer is not a token: {error}")),
                })
            });
        }
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(Attempt::Retryable(TransportError::new(
                TransportErrorKind::Network,
                format!("token endpoint answered {status}"),
            )));
        }
        let error: ErrorResponse = serde_json::from_slice(&body).unwrap_or_default();
        Err(Attempt::Final(TokenError::Refused {
            status: status.as_u16(),
            error: error.error.or(error.message),
            description: error.error_description,
        }))
    }
}

enum Attempt {
    Retryable(TransportError),
    Final(TokenError),
}

/// Unix time read from tokio's clock: the system time when the clock was made, moved on by
/// tokio's `Instant` since. JWT claims (`iat`, `exp`) and stored expiries are Unix times;
/// reading them this way keeps one clock for the whole runtime, so tests that pause tokio's
/// time move these too.
#[derive(Debug, Clone, Copy)]
pub struct WallClock {
    system: SystemTime,
    instant: Instant,
}

impl WallClock {
    /// A clock anchored now.
    pub fn new() -> Self {
        WallClock { system: SystemTime::now(), instant: Instant::now() }
    }

    /// A clock that reads `unix_seconds` now (tests: a client whose clock is off).
    pub fn at(unix_seconds: u64) -> Self {
        WallClock { system: UNIX_EPOCH + Duration::from_secs(unix_seconds), instant: Instant::now() }
    }

    /// Seconds since the Unix epoch.
    pub fn now_unix(&self) -> u64 {
        let now = self.system + self.instant.elapsed();
        now.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
    }

    /// The tokio instant at which this clock reads `unix_seconds` (now, if that has passed).
    pub fn instant_at(&self, unix_seconds: u64) -> Instant {
        let now = self.now_unix();
        Instant::now() + Duration::from_secs(unix_seconds.saturating_sub(now))
    }
}

impl Default for WallClock {
    fn default() -> Self {
        WallClock::new()
    }
}
