//! Health checks (issue 18): one typed, serialisable [`Health`] value a service can expose on
//! its own readiness endpoint: the spec's health probe (an endpoint, or a cheap read, and
//! what a healthy answer is), the state of every circuit, of every credential (a token's
//! validity and how long it has left) and the rate-limit headroom.

use std::time::Duration;

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};
use tokio::time::Instant;

use crate::auth::{Auth, TokenStatus};
use crate::circuit::CircuitReport;
use crate::client::Client;
use crate::request::RequestSpec;

/// What the spec's `health` declares: the probe's operation and what a healthy answer is.
#[derive(Debug, Clone, Copy)]
pub struct HealthCheck {
    /// The operation sent as the probe.
    pub operation: &'static str,
    /// Statuses that mean healthy (`[200]` when the spec names none).
    pub healthy_statuses: &'static [u16],
    /// A JSON pointer into the body and the text its value must have (`/status` = `ok`);
    /// a string value is compared as it is, any other as its JSON text.
    pub body_equals: Option<(&'static str, &'static str)>,
}

/// A client's health, as [`Client::health`] reports it.
///
/// Its `Serialize` writes a JSON object of the fields below, in this order, under these names:
/// `{"healthy": …, "probe": {…}, "circuits": […], "credentials": […], "rate_limit": {…}}`;
/// a field that is `None` is `null`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Health {
    /// The probe answered healthy and no circuit is open.
    pub healthy: bool,
    /// The probe.
    pub probe: Probe,
    /// Every circuit the client has used.
    pub circuits: Vec<CircuitReport>,
    /// Every credential the client holds.
    pub credentials: Vec<CredentialReport>,
    /// What is left of the rate limits.
    pub rate_limit: RateLimitHeadroom,
}

/// The probe's result.
#[derive(Debug, Clone)]
pub struct Probe {
    /// The operation sent.
    pub operation: &'static str,
    /// The status it answered, if it answered.
    pub status: Option<u16>,
    /// Milliseconds from sending to the end of the answer (retries included).
    pub latency_ms: u64,
    /// Why it is unhealthy: a transport error, an open circuit, an unexpected status or
    /// body value.
    pub error: Option<String>,
    /// Whether the answer means healthy.
    pub healthy: bool,
}

/// One held credential.
#[derive(Debug, Clone)]
pub struct CredentialReport {
    /// The spec's credential name.
    pub name: &'static str,
    /// Its state.
    pub state: CredentialState,
}

/// A credential's state. Serialised as an object tagged by `kind` (`static`, `token`,
/// `custom`), a token's fields after the tag: `{"kind": "token", "valid": true,
/// "expires_in_s": 3600, "fetching": false}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialState {
    /// A key, token or password given to the client: valid as far as the client knows.
    Static,
    /// An access token the client fetches.
    Token {
        /// A token is cached and within its lifetime.
        valid: bool,
        /// Seconds left of its lifetime.
        expires_in_s: Option<u64>,
        /// A token request is under way.
        fetching: bool,
    },
    /// A user's own scheme, whose state the runtime cannot read.
    Custom,
}

/// What is left of the rate limits.
#[derive(Debug, Clone)]
pub struct RateLimitHeadroom {
    /// The requests left as the server last reported them (its rate-limit header).
    pub server_remaining: Option<u64>,
    /// Requests the probe's client-side bucket (its own, or the default) would send now
    /// without waiting.
    pub client_tokens: Option<u64>,
}

// `Serialize` by hand rather than derived: accord-runtime, and so every generated crate,
// builds without serde's derive and its proc macros (issue 22). The output is what
// `#[derive(Serialize)]` wrote: fields in declaration order, `CredentialState` tagged by
// `kind` with snake_case names (`#[serde(tag = "kind", rename_all = "snake_case")]`).

impl Serialize for Health {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("Health", 5)?;
        state.serialize_field("healthy", &self.healthy)?;
        state.serialize_field("probe", &self.probe)?;
        state.serialize_field("circuits", &self.circuits)?;
        state.serialize_field("credentials", &self.credentials)?;
        state.serialize_field("rate_limit", &self.rate_limit)?;
        state.end()
    }
}

impl Serialize for Probe {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("Probe", 5)?;
        state.serialize_field("operation", self.operation)?;
        state.serialize_field("status", &self.status)?;
        state.serialize_field("latency_ms", &self.latency_ms)?;
        state.serialize_field("error", &self.error)?;
        state.serialize_field("healthy", &self.healthy)?;
        state.end()
    }
}

impl Serialize for CredentialReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("CredentialReport", 2)?;
        state.serialize_field("name", self.name)?;
        state.serialize_field("state", &self.state)?;
        state.end()
    }
}

impl Serialize for CredentialState {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // A variant without fields is its tag alone.
        let tag_only = |serializer: S, kind: &'static str| {
            let mut state = serializer.serialize_struct("CredentialState", 1)?;
            state.serialize_field("kind", kind)?;
            state.end()
        };
        match self {
            CredentialState::Static => tag_only(serializer, "static"),
            CredentialState::Custom => tag_only(serializer, "custom"),
            CredentialState::Token { valid, expires_in_s, fetching } => {
                let mut state = serializer.serialize_struct("CredentialState", 4)?;
                state.serialize_field("kind", "token")?;
                state.serialize_field("valid", valid)?;
                state.serialize_field("expires_in_s", expires_in_s)?;
                state.serialize_field("fetching", fetching)?;
                state.end()
            }
        }
    }
}

impl Serialize for RateLimitHeadroom {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("RateLimitHeadroom", 2)?;
        state.serialize_field("server_remaining", &self.server_remaining)?;
        state.serialize_field("client_tokens", &self.client_tokens)?;
        state.end()
    }
}

impl Client {
    /// Sends the health probe `request` (built by the generated `health()` from the spec's
    /// `health`), past the response cache, and reports it with the circuits, credentials and
    /// rate-limit headroom. An open circuit is reported without sending.
    pub async fn health(&self, request: &RequestSpec, check: &HealthCheck) -> Health {
        let started = Instant::now();
        // Past the response cache: a stored answer says nothing of the API's health now.
        let outcome = self.execute_uncached(request).await;
        let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let probe = match outcome {
            Ok(raw) => {
                let mut error = None;
                if !check.healthy_statuses.contains(&raw.status) {
                    error = Some(format!("status {} is not one of {:?}", raw.status, check.healthy_statuses));
                } else if let Some((pointer, expected)) = check.body_equals {
                    let found = serde_json::from_slice::<serde_json::Value>(&raw.body)
                        .ok()
                        .and_then(|body| body.pointer(pointer).cloned());
                    let text = found.as_ref().map(|value| match value {
                        serde_json::Value::String(text) => text.clone(),
                        other => other.to_string(),
                    });
                    if text.as_deref() != Some(expected) {
                        error = Some(format!("body `{pointer}` is not `{expected}`"));
                    }
                }
                Probe {
                    operation: check.operation,
                    status: Some(raw.status),
                    latency_ms,
                    healthy: error.is_none(),
                    error,
                }
            }
            Err(error) => Probe {
                operation: check.operation,
                status: None,
                latency_ms,
                error: Some(error.to_string()),
                healthy: false,
            },
        };
        let circuits = match self.circuit_breaker() {
            Some(breaker) => breaker.report().await,
            None => Vec::new(),
        };
        let credentials = self
            .credentials()
            .names()
            .filter_map(|name| Some(CredentialReport { name, state: credential_state(self.credentials().get(name)?) }))
            .collect();
        let rate_limit = RateLimitHeadroom {
            server_remaining: self.server_remaining(),
            client_tokens: self
                .rate_limiter()
                .and_then(|limiter| limiter.bucket(check.operation))
                .map(|bucket| bucket.available(Instant::now()).max(0.0) as u64),
        };
        let healthy = probe.healthy && circuits.iter().all(|circuit| circuit.state != crate::store::CircuitPhase::Open);
        Health { healthy, probe, circuits, credentials, rate_limit }
    }
}

fn credential_state(auth: &Auth) -> CredentialState {
    match auth {
        Auth::None | Auth::ApiKey { .. } | Auth::Bearer(_) | Auth::Basic { .. } => CredentialState::Static,
        Auth::OAuth2(oauth) => match oauth.token_status() {
            TokenStatus::None => CredentialState::Token { valid: false, expires_in_s: None, fetching: false },
            TokenStatus::Valid { expires_in } => {
                CredentialState::Token { valid: true, expires_in_s: Some(seconds(expires_in)), fetching: false }
            }
            TokenStatus::Expired => CredentialState::Token { valid: false, expires_in_s: Some(0), fetching: false },
            TokenStatus::Fetching => CredentialState::Token { valid: false, expires_in_s: None, fetching: true },
        },
        Auth::Custom(_) => CredentialState::Custom,
        // The flow's tokens live in its `TokenStore`, which the report does not read.
        #[cfg(feature = "oauth2-code")]
        Auth::AuthorizationCode(_) => CredentialState::Custom,
        #[cfg(feature = "jwt")]
        Auth::JwtBearer(_) | Auth::GitHubApp(_) => CredentialState::Custom,
        #[cfg(feature = "sigv4")]
        Auth::SigV4(_) => CredentialState::Custom,
        #[cfg(feature = "signing")]
        Auth::HmacSignature(_) => CredentialState::Custom,
    }
}

fn seconds(duration: Duration) -> u64 {
    duration.as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::CircuitPhase;

    fn report() -> Health {
        Health {
            healthy: false,
            probe: Probe {
                operation: "list_orders",
                status: None,
                latency_ms: 12,
                error: Some("circuit open".into()),
                healthy: false,
            },
            circuits: vec![
                CircuitReport {
                    circuit: "list_orders".into(),
                    state: CircuitPhase::Open,
                    failures: 5,
                    retry_in_ms: Some(900),
                },
                CircuitReport {
                    circuit: "get_order".into(),
                    state: CircuitPhase::HalfOpen,
                    failures: 0,
                    retry_in_ms: None,
                },
            ],
            credentials: vec![
                CredentialReport { name: "api_key", state: CredentialState::Static },
                CredentialReport {
                    name: "client_credentials",
                    state: CredentialState::Token { valid: true, expires_in_s: Some(3_600), fetching: false },
                },
                CredentialReport {
                    name: "refreshing",
                    state: CredentialState::Token { valid: false, expires_in_s: None, fetching: true },
                },
                CredentialReport { name: "custom", state: CredentialState::Custom },
            ],
            rate_limit: RateLimitHeadroom { server_remaining: Some(97), client_tokens: None },
        }
    }

    /// The report's JSON, key for key and in order: `None` as `null`, a credential's state
    /// tagged by `kind`, names and phases in snake_case.
    #[test]
    fn the_report_serialises_with_every_key_in_order() {
        let expected = concat!(
            r#"{"healthy":false,"#,
            r#""probe":{"operation":"list_orders","status":null,"latency_ms":12,"error":"circuit open","healthy":false},"#,
            r#""circuits":[{"circuit":"list_orders","state":"open","failures":5,"retry_in_ms":900},"#,
            r#"{"circuit":"get_order","state":"half_open","failures":0,"retry_in_ms":null}],"#,
            r#""credentials":[{"name":"api_key","state":{"kind":"static"}},"#,
            r#"{"name":"client_credentials","state":{"kind":"token","valid":true,"expires_in_s":3600,"fetching":false}},"#,
            r#"{"name":"refreshing","state":{"kind":"token","valid":false,"expires_in_s":null,"fetching":true}},"#,
            r#"{"name":"custom","state":{"kind":"custom"}}],"#,
            r#""rate_limit":{"server_remaining":97,"client_tokens":null}}"#,
        );
        assert_eq!(serde_json::to_string(&report()).unwrap(), expected);
        assert_eq!(serde_json::to_string(&CircuitPhase::Closed).unwrap(), r#""closed""#);
    }
}
