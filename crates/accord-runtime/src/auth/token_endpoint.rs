//! What every OAuth 2.0 grant shares: the token request (RFC 6749 §4.1.3, §6, §4.4; RFC 7523
//! §2.1) with its own retries ([`TokenRetry`], seed 002's `token_refresh.retry_attempts` and
//! `retry_delay_seconds`, apart from the operation's retries), how the client authenticates
//! to the token endpoint ([`ClientAuthentication`]: RFC 6749 §2.3.1, RFC 7523 §2.2), the
//! answer (§5.1) and its errors (§5.2) as a typed [`TokenError`], and [`WallClock`], the
//! Unix time that JWT claims and stored expiries need, read from tokio's clock so that
//! paused-time tests move it.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{Error as _, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
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
/// has `token` and `expires_at` instead): a JSON object whose `access_token` (or `token`) is
/// required and whose other fields may be missing or `null`; other keys are ignored.
pub(crate) struct TokenResponse {
    /// `access_token`, or GitHub's `token`.
    pub access_token: String,
    /// Seconds the access token lives (`expires_in`).
    pub expires_in: Option<u64>,
    #[cfg_attr(not(feature = "oauth2-code"), allow(dead_code))]
    pub refresh_token: Option<String>,
    #[cfg_attr(not(feature = "oauth2-code"), allow(dead_code))]
    pub scope: Option<String>,
    /// RFC 3339 (GitHub: "expires_at": "2016-07-11T22:14:10Z").
    #[cfg_attr(not(any(feature = "jwt", feature = "oauth2-code")), allow(dead_code))]
    pub expires_at: Option<String>,
}

// `Deserialize` for the two answers by hand rather than derived (accord-runtime builds without
// serde's derive and its proc macros, issue 22), reading what `#[derive(Deserialize)]` read:
// an object, unknown keys skipped, a key sent twice an error (`duplicate field`), a missing
// `Option` field `None`, a missing required one `missing field`.

impl<'de> Deserialize<'de> for TokenResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;

        impl<'de> Visitor<'de> for Fields {
            type Value = TokenResponse;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("struct TokenResponse")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TokenResponse, A::Error> {
                // A field's slot is `None` until read; an optional field's value may be `null`.
                let mut access_token: Option<String> = None;
                let mut expires_in: Option<Option<u64>> = None;
                let mut refresh_token: Option<Option<String>> = None;
                let mut scope: Option<Option<String>> = None;
                let mut expires_at: Option<Option<String>> = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        // GitHub's installation token answer names it `token`: one field, two
                        // names (the derive's `alias`), so both in one answer is a duplicate.
                        "access_token" | "token" => read_once(&mut map, &mut access_token, "access_token"),
                        "expires_in" => read_once(&mut map, &mut expires_in, "expires_in"),
                        "refresh_token" => read_once(&mut map, &mut refresh_token, "refresh_token"),
                        "scope" => read_once(&mut map, &mut scope, "scope"),
                        "expires_at" => read_once(&mut map, &mut expires_at, "expires_at"),
                        _ => map.next_value::<IgnoredAny>().map(|_| ()),
                    }?;
                }
                Ok(TokenResponse {
                    access_token: access_token.ok_or_else(|| A::Error::missing_field("access_token"))?,
                    expires_in: expires_in.flatten(),
                    refresh_token: refresh_token.flatten(),
                    scope: scope.flatten(),
                    expires_at: expires_at.flatten(),
                })
            }
        }

        deserializer.deserialize_map(Fields)
    }
}

/// Reads the value of `key` into `slot` (`None` until then), as serde's derive reads a
/// field: a second value for it is an error (`duplicate field`).
///
/// Errors: the key came before, or its value does not decode as `T`.
pub(super) fn read_once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    key: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(key));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

impl TokenResponse {
    /// When the access token expires, Unix seconds: `expires_at` when given, else now plus
    /// `expires_in`, else now plus `default_lifetime`.
    pub fn expires_at_unix(&self, clock: &WallClock, default_lifetime: Duration) -> u64 {
        // `expires_at` comes with GitHub App installation tokens and user tokens (features `jwt`
        // and `oauth2-code`, which bring `time`); client credentials answers carry `expires_in`.
        #[cfg(any(feature = "jwt", feature = "oauth2-code"))]
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

/// A token endpoint's error answer (RFC 6749 §5.2; GitHub answers `{"message": …}`): a JSON
/// object whose fields may each be missing or `null`; other keys are ignored.
#[derive(Default)]
struct ErrorResponse {
    /// Slack's success flag: `false` on a `200` answer is an error.
    ok: Option<bool>,
    error: Option<String>,
    error_description: Option<String>,
    message: Option<String>,
}

impl<'de> Deserialize<'de> for ErrorResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;

        impl<'de> Visitor<'de> for Fields {
            type Value = ErrorResponse;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("struct ErrorResponse")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ErrorResponse, A::Error> {
                let mut ok: Option<Option<bool>> = None;
                let mut error: Option<Option<String>> = None;
                let mut error_description: Option<Option<String>> = None;
                let mut message: Option<Option<String>> = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "ok" => read_once(&mut map, &mut ok, "ok"),
                        "error" => read_once(&mut map, &mut error, "error"),
                        "error_description" => read_once(&mut map, &mut error_description, "error_description"),
                        "message" => read_once(&mut map, &mut message, "message"),
                        _ => map.next_value::<IgnoredAny>().map(|_| ()),
                    }?;
                }
                Ok(ErrorResponse {
                    ok: ok.flatten(),
                    error: error.flatten(),
                    error_description: error_description.flatten(),
                    message: message.flatten(),
                })
            }
        }

        deserializer.deserialize_map(Fields)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6749 §5.1's answer, and GitHub's installation token answer (`token`, `expires_at`);
    /// every field but the access token may be missing or `null`, unknown ones are ignored.
    #[test]
    fn a_token_answer_reads_the_access_token_under_either_name() {
        let answer: TokenResponse = serde_json::from_str(
            r#"{"access_token":"at","token_type":"Bearer","expires_in":3600,"refresh_token":"rt","scope":"a b"}"#,
        )
        .unwrap();
        assert_eq!(answer.access_token, "at");
        assert_eq!(answer.expires_in, Some(3600));
        assert_eq!(answer.refresh_token.as_deref(), Some("rt"));
        assert_eq!(answer.scope.as_deref(), Some("a b"));
        assert_eq!(answer.expires_at, None);
        let github: TokenResponse =
            serde_json::from_str(r#"{"token":"ghs_1","expires_at":"2016-07-11T22:14:10Z","permissions":{}}"#).unwrap();
        assert_eq!(github.access_token, "ghs_1");
        assert_eq!(github.expires_at.as_deref(), Some("2016-07-11T22:14:10Z"));
        assert_eq!((github.expires_in, github.refresh_token, github.scope), (None, None, None));
        let nulls: TokenResponse =
            serde_json::from_str(r#"{"access_token":"at","expires_in":null,"scope":null}"#).unwrap();
        assert_eq!((nulls.expires_in, nulls.scope), (None, None));
    }

    #[test]
    fn a_token_answer_without_a_token_or_of_the_wrong_types_is_refused() {
        let error = |text: &str| serde_json::from_str::<TokenResponse>(text).err().map(|e| e.to_string());
        assert!(error(r#"{"expires_in":3600}"#).is_some_and(|e| e.contains("missing field `access_token`")));
        assert!(error(r#"{"access_token":"at","expires_in":"3600"}"#).is_some_and(|e| e.contains("invalid type")));
        assert!(error(r#"{"access_token":"at","expires_in":-1}"#).is_some_and(|e| e.contains("invalid value")));
        assert!(error(r#"{"access_token":7}"#).is_some_and(|e| e.contains("invalid type")));
        assert!(
            error(r#"{"access_token":"a","token":"b"}"#).is_some_and(|e| e.contains("duplicate field `access_token`"))
        );
        assert!(error(r#""at""#).is_some_and(|e| e.contains("invalid type")));
    }

    /// RFC 6749 §5.2's error answer, GitHub's `message` and Slack's `ok: false`; anything else
    /// that is an object reads as no error at all.
    #[test]
    fn an_error_answer_reads_what_each_provider_sends() {
        let rfc: ErrorResponse =
            serde_json::from_str(r#"{"error":"invalid_grant","error_description":"expired","error_uri":"x"}"#).unwrap();
        assert_eq!(rfc.error.as_deref(), Some("invalid_grant"));
        assert_eq!(rfc.error_description.as_deref(), Some("expired"));
        assert_eq!((rfc.ok, rfc.message), (None, None));
        let slack: ErrorResponse = serde_json::from_str(r#"{"ok":false,"error":"invalid_code"}"#).unwrap();
        assert_eq!((slack.ok, slack.error.as_deref()), (Some(false), Some("invalid_code")));
        let github: ErrorResponse = serde_json::from_str(r#"{"message":"Bad credentials"}"#).unwrap();
        assert_eq!(github.message.as_deref(), Some("Bad credentials"));
        let token: ErrorResponse = serde_json::from_str(r#"{"access_token":"at","ok":null}"#).unwrap();
        assert_eq!((token.ok, token.error, token.error_description, token.message), (None, None, None, None));
        assert!(serde_json::from_str::<ErrorResponse>(r#"{"ok":"no"}"#).is_err());
        assert!(serde_json::from_str::<ErrorResponse>("<html>").is_err());
    }
}
