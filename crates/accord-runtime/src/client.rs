//! The HTTP core every generated client wraps: base URL, default headers (fixed, or a UUID
//! per request), authentication, and [`Client::execute`], which sends one described request
//! through the declared reliability rules: client-side rate limits, per-attempt and
//! per-operation timeouts, retries by each error code's strategy with exponential backoff,
//! jitter, `Retry-After` and a retry budget, one credential refresh on `refresh_auth`
//! errors, and an idempotency key reused on every attempt.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::auth::{Auth, Authenticate as _, CredentialGeneration};
use crate::error::{DecodeError, TransportError, TransportErrorKind};
use crate::policy::{Jitter, RetryPolicy, RetryStrategy, Timeouts};
use crate::rate_limit::{RateLimitConfig, RateLimiter};
use crate::retry::{ClassifyRetry, Outcome, RetryBudget, RetryBudgetSettings, StatusClassifier};

/// A header the spec sends on every request.
#[derive(Debug, Clone)]
pub enum DefaultHeader {
    /// A fixed value.
    Fixed(&'static str, &'static str),
    /// A new UUID v4 per request (spec `generate: uuid`), e.g. `X-Request-ID`; every attempt
    /// of one request carries the same id.
    Uuid(&'static str),
}

/// How a client retries (filled in from the spec's `retry` and `errors`).
#[derive(Debug, Clone)]
pub struct RetryConfig {
    /// Attempts, backoff and jitter.
    pub policy: RetryPolicy,
    /// Decides each outcome's strategy.
    pub classifier: Arc<dyn ClassifyRetry>,
    /// The client-wide retry budget; `None` disables it.
    pub budget: Option<RetryBudgetSettings>,
    /// The longest `Retry-After` (or rate-limit reset) the client waits for; a longer one is
    /// returned as the error instead of slept through. Default 120 s.
    pub max_retry_after: Duration,
}

impl Default for RetryConfig {
    /// accord's defaults when a spec declares no `retry`: 3 attempts, 1 s doubling to at
    /// most 30 s, full jitter; HTTP meaning of statuses; the standard retry budget.
    fn default() -> Self {
        RetryConfig {
            policy: RetryPolicy {
                max_attempts: 3,
                initial_delay: Duration::from_secs(1),
                max_delay: Duration::from_secs(30),
                multiplier: 2.0,
                jitter: Jitter::Full,
            },
            classifier: Arc::new(StatusClassifier::HTTP_DEFAULTS),
            budget: Some(RetryBudgetSettings::default()),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// Settings a generated client builder fills in from the spec and the user.
#[derive(Debug)]
pub struct ClientConfig {
    /// Base URL the endpoint paths are appended to (no trailing slash needed).
    pub base_url: String,
    /// Credentials.
    pub auth: Auth,
    /// Headers sent on every request.
    pub default_headers: Vec<DefaultHeader>,
    /// Connect, attempt and operation time limits.
    pub timeouts: Timeouts,
    /// Retry policy, classifier and budget.
    pub retry: RetryConfig,
    /// Client-side rate limits; `None` sends as fast as the caller asks.
    pub rate_limits: Option<RateLimitConfig>,
    /// `User-Agent` header.
    pub user_agent: String,
}

impl ClientConfig {
    /// A configuration with accord's defaults (see [`Timeouts::default`] and
    /// [`RetryConfig::default`]), no credentials and no rate limits.
    pub fn new(base_url: impl Into<String>, user_agent: impl Into<String>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            auth: Auth::None,
            default_headers: Vec::new(),
            timeouts: Timeouts::default(),
            retry: RetryConfig::default(),
            rate_limits: None,
            user_agent: user_agent.into(),
        }
    }
}

/// A shareable HTTP client: cheap to clone, and clones share one connection pool, one token
/// cache, one set of rate-limit buckets and one retry budget.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base_url: String,
    origin: url::Origin,
    auth: Auth,
    default_headers: Vec<DefaultHeader>,
    timeouts: Timeouts,
    retry: RetryConfig,
    budget: Option<RetryBudget>,
    rate_limiter: Option<RateLimiter>,
}

/// The body of a request.
#[derive(Debug, Clone)]
pub enum Body {
    /// No body.
    Empty,
    /// `application/json`.
    Json(Vec<u8>),
    /// `application/x-www-form-urlencoded`.
    Form(String),
    /// `multipart/form-data` (RFC 7578); reqwest writes the boundary.
    Multipart(crate::multipart::Multipart),
}

/// A request as the generated code describes it.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    /// HTTP method.
    pub method: reqwest::Method,
    /// Operation name from the spec (`create_order`), for errors and tracing.
    pub operation: &'static str,
    /// Path with parameters already percent-encoded.
    pub path: String,
    /// Query pairs.
    pub query: Vec<(String, String)>,
    /// Extra headers (endpoint headers, idempotency key).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Body,
    /// The idempotency-key header the endpoint declares (`Idempotency-Key`): when the caller
    /// set none, the client adds a UUID v4 key, the same on every attempt, which also makes
    /// a POST or PATCH safe to retry.
    pub idempotency_header: Option<&'static str>,
    /// A full URL replacing base URL, path and query (a next-page link); it must have the
    /// base URL's origin.
    pub absolute_url: Option<String>,
}

impl RequestSpec {
    /// A request without query, headers or body.
    pub fn new(method: reqwest::Method, operation: &'static str, path: String) -> Self {
        RequestSpec {
            method,
            operation,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            idempotency_header: None,
            absolute_url: None,
        }
    }

    /// Adds a query parameter from any serialisable value: strings as they are, numbers and
    /// booleans as JSON writes them, enums by their wire value, lists as repeated
    /// parameters (OpenAPI `style: form, explode: true`); `null` is left out.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), DecodeError> {
        let value = serde_json::to_value(value).map_err(|e| DecodeError::new(0, e.to_string(), b""))?;
        let items = match value {
            serde_json::Value::Array(items) => items,
            other => vec![other],
        };
        for item in items {
            if let Some(text) = scalar_text(&item) {
                self.query.push((name.to_string(), text));
            }
        }
        Ok(())
    }

    /// Adds a header from any serialisable scalar.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), DecodeError> {
        let value = serde_json::to_value(value).map_err(|e| DecodeError::new(0, e.to_string(), b""))?;
        if let Some(text) = scalar_text(&value) {
            self.headers.push((name.to_string(), text));
        }
        Ok(())
    }

    /// Sets a JSON body.
    pub fn json_body<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), DecodeError> {
        let bytes = serde_json::to_vec(body).map_err(|e| DecodeError::new(0, e.to_string(), b""))?;
        self.body = Body::Json(bytes);
        Ok(())
    }

    /// Sets a form body (see [`crate::form`]).
    pub fn form_body<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), DecodeError> {
        let text = crate::form::to_string(body).map_err(|e| DecodeError::new(0, e.to_string(), b""))?;
        self.body = Body::Form(text);
        Ok(())
    }

    /// Sets a `multipart/form-data` body from a model's parts (see [`crate::multipart`]).
    ///
    /// Errors: a field does not serialise.
    pub fn multipart_body<T: crate::multipart::MultipartBody + ?Sized>(&mut self, body: &T) -> Result<(), DecodeError> {
        self.body = Body::Multipart(body.to_multipart()?);
        Ok(())
    }
}

/// A JSON scalar as text: strings unquoted, numbers and booleans as JSON writes them; `null`
/// is nothing.
pub(crate) fn scalar_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

/// Percent-encodes one path segment (RFC 3986 §3.3: everything but unreserved characters),
/// from any serialisable scalar.
pub fn path_segment<T: Serialize + ?Sized>(value: &T) -> String {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    let text = serde_json::to_value(value).ok().and_then(|v| scalar_text(&v)).unwrap_or_default();
    percent_encoding::utf8_percent_encode(&text, SEGMENT).to_string()
}

/// A response as received: status, headers and body bytes.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// Decodes the body as JSON into `T`; an empty body decodes as JSON `null` (so `()` and
    /// `Option<T>` accept 204 responses).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        let bytes: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) { b"null" } else { &self.body };
        serde_json::from_slice(bytes).map_err(|e| DecodeError::new(self.status, e.to_string(), &self.body))
    }

    /// The provider's request id, if the response carries one.
    pub fn request_id(&self) -> Option<String> {
        crate::error::request_id(&self.headers)
    }
}

/// A decoded success response with its status and headers.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

/// A reqwest client builder with the TLS backend of this build ready.
///
/// With the default `rustls-ring` feature, reqwest is built without a rustls crypto provider,
/// so this installs ring as the process-wide default first (rustls 0.23 takes the provider from
/// the process when none is given). An application that installed another provider before
/// keeps it. With `rustls-aws-lc` or `native-tls` it is `reqwest::Client::builder()`.
pub fn http_builder() -> reqwest::ClientBuilder {
    #[cfg(feature = "rustls-ring")]
    {
        // `Err` means a provider is installed already, which is all that is needed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
}

impl Client {
    /// Builds the client.
    ///
    /// Errors: the base URL is not an absolute URL, or the TLS backend cannot start.
    pub fn new(config: ClientConfig) -> Result<Self, TransportError> {
        let parsed = url::Url::parse(&config.base_url)
            .map_err(|e| TransportError::message(format!("invalid base URL `{}`: {e}", config.base_url)))?;
        let http = http_builder()
            .connect_timeout(config.timeouts.connect)
            .timeout(config.timeouts.attempt)
            .user_agent(config.user_agent)
            .build()
            .map_err(TransportError::from_reqwest)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: config.base_url.trim_end_matches('/').to_string(),
                origin: parsed.origin(),
                auth: config.auth,
                default_headers: config.default_headers,
                timeouts: config.timeouts,
                budget: config.retry.budget.map(RetryBudget::new),
                retry: config.retry,
                rate_limiter: config.rate_limits.map(RateLimiter::new),
            }),
        })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The credentials this client applies.
    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    /// The retry budget shared by this client's clones, if enabled.
    pub fn retry_budget(&self) -> Option<&RetryBudget> {
        self.inner.budget.as_ref()
    }

    /// The rate limiter shared by this client's clones, if enabled.
    pub fn rate_limiter(&self) -> Option<&RateLimiter> {
        self.inner.rate_limiter.as_ref()
    }

    /// Sends a request through the declared reliability rules and returns the last raw
    /// response, whatever its status (the caller decodes and classifies it).
    ///
    /// For each attempt: wait for the rate limiter, add credentials, send with the attempt
    /// timeout. Then the classifier's strategy for the outcome decides:
    /// - `never`: return it;
    /// - `backoff`: retry after an exponential, jittered delay, while attempts remain;
    /// - `after_header`: retry after `Retry-After` (RFC 9110 §10.2.3; else the rate-limit
    ///   reset header; else backoff) unless it exceeds `max_retry_after`;
    /// - `refresh_auth`: refresh credentials once and retry at once.
    ///
    /// A request that may have reached the server is repeated only when repeating is safe:
    /// idempotent methods (RFC 9110 §9.2.2), or any method carrying an idempotency key.
    /// Connection failures, `refresh_auth` errors and 429 mean the server did not act, so
    /// they are retried for every method. Each retry draws on the retry budget; no retry
    /// starts that would end after the operation timeout.
    ///
    /// Errors: the last transport failure (connect, TLS, timeout, reset), an invalid header
    /// value, or an operation timeout.
    pub async fn execute(&self, request: &RequestSpec) -> Result<RawResponse, TransportError> {
        let span = tracing::info_span!(
            "accord.request",
            operation = request.operation,
            method = %request.method,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let deadline = self.inner.timeouts.operation.map(|limit| Instant::now() + limit);
        let run = self.run(request, deadline);
        let result = match deadline {
            Some(deadline) => match tokio::time::timeout_at(deadline, run).instrument(span.clone()).await {
                Ok(result) => result,
                Err(_) => Err(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!(
                        "operation `{}` did not finish within {} ms",
                        request.operation,
                        self.inner.timeouts.operation.unwrap_or_default().as_millis()
                    ),
                )),
            },
            None => run.instrument(span.clone()).await,
        };
        if let Ok(raw) = &result {
            span.record("status", raw.status);
        }
        result
    }

    async fn run(&self, request: &RequestSpec, deadline: Option<Instant>) -> Result<RawResponse, TransportError> {
        let headers = self.request_headers(request)?;
        let carries_key = request.idempotency_header.is_some_and(|name| headers.contains_key(name));
        let repeatable = crate::retry::is_idempotent(&request.method) || carries_key;
        let policy = self.inner.retry.policy;
        let mut attempt: u32 = 0;
        let mut retries: u32 = 0;
        let mut refreshed = false;
        let mut last_retry_cost = None;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempts", attempt);
            if let Some(limiter) = &self.inner.rate_limiter {
                let waited = limiter.acquire(request.operation).await;
                if !waited.is_zero() {
                    tracing::debug!(wait_ms = waited.as_millis() as u64, "waited for the client-side rate limit");
                }
            }
            let attempt_span = tracing::debug_span!("accord.attempt", attempt, status = tracing::field::Empty);
            let (outcome, generation) = self.attempt(request, &headers).instrument(attempt_span.clone()).await;
            if let (Ok(raw), Some(limiter)) = (&outcome, &self.inner.rate_limiter) {
                attempt_span.record("status", raw.status);
                limiter.observe(request.operation, &raw.headers);
            }
            let strategy = self.inner.retry.classifier.classify(match &outcome {
                Ok(raw) => Outcome::Response(raw),
                Err(error) => Outcome::Transport(error),
            });
            let status = outcome.as_ref().ok().map(|raw| raw.status);
            let not_processed = match &outcome {
                Ok(raw) => raw.status == 429 || strategy == RetryStrategy::RefreshAuth,
                Err(error) => error.kind() == TransportErrorKind::Connect,
            };
            let delay = match strategy {
                RetryStrategy::RefreshAuth => {
                    if refreshed || !self.inner.auth.refresh(generation).await {
                        None
                    } else {
                        refreshed = true;
                        tracing::info!(attempt, "credentials refreshed after a refresh_auth error");
                        // A refresh is not a failure retry: it neither spends the budget nor
                        // counts against max_attempts.
                        continue;
                    }
                }
                RetryStrategy::Backoff if retries + 1 < policy.max_attempts && (repeatable || not_processed) => {
                    Some(policy.jittered_delay(retries + 1, fastrand::f64()))
                }
                RetryStrategy::AfterHeader if retries + 1 < policy.max_attempts && (repeatable || not_processed) => {
                    let raw = outcome.as_ref().ok();
                    let now = SystemTime::now();
                    let server_delay = raw.and_then(|raw| {
                        crate::retry::retry_after(&raw.headers, now).or_else(|| {
                            let reset = self.inner.rate_limiter.as_ref()?.config().reset_header?;
                            crate::retry::reset_delay(&raw.headers, reset, now)
                        })
                    });
                    match server_delay {
                        Some(delay) if delay > self.inner.retry.max_retry_after => {
                            tracing::info!(
                                delay_ms = delay.as_millis() as u64,
                                "the server asks for a longer wait than max_retry_after; not retrying"
                            );
                            None
                        }
                        Some(delay) => Some(delay),
                        None => Some(policy.jittered_delay(retries + 1, fastrand::f64())),
                    }
                }
                _ => None,
            };
            let Some(delay) = delay else {
                if let (Some(budget), Some(status)) = (&self.inner.budget, status)
                    && status < 400
                {
                    budget.refund(last_retry_cost);
                }
                return outcome;
            };
            if let Some(deadline) = deadline
                && Instant::now() + delay >= deadline
            {
                tracing::info!(delay_ms = delay.as_millis() as u64, "a retry would end after the operation timeout");
                return outcome;
            }
            if let Some(budget) = &self.inner.budget {
                let after_timeout = matches!(&outcome, Err(error) if error.is_timeout());
                match budget.withdraw(after_timeout) {
                    Some(cost) => last_retry_cost = Some(cost),
                    None => {
                        tracing::warn!("retry budget exhausted; returning the failure instead of retrying");
                        return outcome;
                    }
                }
            }
            retries += 1;
            tracing::info!(
                attempt,
                status = status.unwrap_or(0),
                strategy = ?strategy,
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }

    /// The headers of every attempt of one request: default headers (request ids generated
    /// once), the request's own, and the idempotency key.
    fn request_headers(&self, request: &RequestSpec) -> Result<HeaderMap, TransportError> {
        let mut headers = HeaderMap::new();
        for default in &self.inner.default_headers {
            let (name, value) = match default {
                DefaultHeader::Fixed(name, value) => (*name, value.to_string()),
                DefaultHeader::Uuid(name) => (*name, uuid::Uuid::new_v4().to_string()),
            };
            insert_header(&mut headers, name, &value)?;
        }
        for (name, value) in &request.headers {
            insert_header(&mut headers, name, value)?;
        }
        if let Some(name) = request.idempotency_header
            && !headers.contains_key(name)
        {
            insert_header(&mut headers, name, &uuid::Uuid::new_v4().to_string())?;
        }
        Ok(headers)
    }

    async fn attempt(
        &self,
        request: &RequestSpec,
        headers: &HeaderMap,
    ) -> (Result<RawResponse, TransportError>, CredentialGeneration) {
        let mut builder = match &request.absolute_url {
            Some(url) => {
                let parsed = match url::Url::parse(url) {
                    Ok(parsed) => parsed,
                    Err(e) => return (Err(TransportError::message(format!("invalid URL: {e}"))), Default::default()),
                };
                // Credentials go only to the API's own origin, whatever a link says.
                if parsed.origin() != self.inner.origin {
                    return (
                        Err(TransportError::message("a next-page link points outside the API's origin; not followed")),
                        Default::default(),
                    );
                }
                self.inner.http.request(request.method.clone(), parsed)
            }
            None => {
                let url = format!("{}{}", self.inner.base_url, request.path);
                self.inner.http.request(request.method.clone(), &url)
            }
        };
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        // The attempt timeout is the reqwest client's own (set in `Client::new`), so no
        // per-request timer is added here.
        builder = builder.headers(headers.clone());
        builder = match &request.body {
            Body::Empty => builder,
            Body::Json(bytes) => builder.header(reqwest::header::CONTENT_TYPE, "application/json").body(bytes.clone()),
            Body::Form(text) => {
                builder.header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(text.clone())
            }
            Body::Multipart(parts) => builder.multipart(parts.to_form()),
        };
        let (builder, generation) = match self.inner.auth.authenticate(&self.inner.http, builder).await {
            Ok(authenticated) => authenticated,
            Err(error) => return (Err(error), CredentialGeneration::default()),
        };
        (send(builder).await, generation)
    }
}

async fn send(builder: reqwest::RequestBuilder) -> Result<RawResponse, TransportError> {
    let response = builder.send().await.map_err(TransportError::from_reqwest)?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(TransportError::from_reqwest)?.to_vec();
    tracing::debug!(status, bytes = body.len(), "response");
    Ok(RawResponse { status, headers, body })
}

fn insert_header(headers: &mut HeaderMap, name: &str, value: &str) -> Result<(), TransportError> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| TransportError::message(format!("invalid header name `{name}`")))?;
    // The value may be a credential, so it is not repeated in the error.
    let value = HeaderValue::from_str(value)
        .map_err(|_| TransportError::message(format!("invalid value for header `{name}`")))?;
    headers.insert(name, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(path_segment("ORD-1"), "ORD-1");
        assert_eq!(path_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(path_segment(&42), "42");
    }

    #[test]
    fn query_values_follow_form_explode() {
        let mut request = RequestSpec::new(reqwest::Method::GET, "list", "/x".into());
        request.query("state", "open").unwrap();
        request.query("per_page", &30).unwrap();
        request.query("labels", &["bug", "ui"]).unwrap();
        request.query("since", &Option::<String>::None).unwrap();
        assert_eq!(
            request.query,
            vec![
                ("state".to_string(), "open".to_string()),
                ("per_page".to_string(), "30".to_string()),
                ("labels".to_string(), "bug".to_string()),
                ("labels".to_string(), "ui".to_string()),
            ]
        );
    }
}
