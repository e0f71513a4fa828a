//! The HTTP core every generated client wraps: base URL, default headers (fixed, or a UUID
//! per request), authentication, and [`Client::execute`], which sends one described request
//! through the declared reliability rules: client-side rate limits, per-attempt and
//! per-operation timeouts, retries by each error code's strategy with exponential backoff,
//! jitter, `Retry-After` and a retry budget, one credential refresh on `refresh_auth`
//! errors, and an idempotency key reused on every attempt.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use accord_contract::wire::defaults;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::auth::{Auth, Authenticate as _, CredentialGeneration, Credentials, UsedCredentials};
use crate::circuit::{CircuitBreaker, CircuitBreakerConfig};
use crate::error::{TransportError, TransportErrorKind};
use crate::policy::{RetryPolicy, RetryStrategy, Timeouts};
use crate::rate_limit::{RateLimitConfig, RateLimiter};
use crate::retry::{
    Assessment, AttemptOutcome, ClassifyRetry, GiveUpReason, Outcome, RetryBudget, RetryBudgetSettings, RetryContext,
    RetryDecision, StatusClassifier, decide_retry,
};

// Requests and responses are defined in leaf modules of their own, so that the modules this
// one uses never need it back; the old paths stay for generated code
// (`::accord_runtime::client::Body::Multipart`, `::accord_runtime::client::path_segment`).
pub use crate::request::{Body, RequestSpec, path_param, path_segment};
pub use crate::response::{RawResponse, Response};

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
    /// What a generated client gets when its spec declares no `retry`, from
    /// [`accord_contract::wire::defaults`]: one attempt ([`RetryPolicy::UNDECLARED`]: no
    /// retries, with 1 s doubling to at most 30 s and full jitter should `max_attempts` be
    /// raised); the HTTP meaning of statuses; the standard retry budget; `Retry-After` waits
    /// of at most 120 s.
    fn default() -> Self {
        RetryConfig {
            policy: RetryPolicy::UNDECLARED,
            classifier: Arc::new(StatusClassifier::HTTP_DEFAULTS),
            budget: Some(RetryBudgetSettings::default()),
            max_retry_after: Duration::from_millis(defaults::MAX_RETRY_AFTER_MS),
        }
    }
}

/// Settings a generated client builder fills in from the spec and the user.
#[derive(Debug)]
pub struct ClientConfig {
    /// Base URL the endpoint paths are appended to (no trailing slash needed).
    pub base_url: String,
    /// Authentication applied to every request, whatever its operation requires (a user's
    /// own scheme); default none.
    pub auth: Auth,
    /// The spec's named credentials the user set, applied per request by its
    /// [`crate::auth::Requirement`].
    pub credentials: Credentials,
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
    /// Response caching (spec `cache`); `None`: none.
    #[cfg(feature = "cache")]
    pub cache: Option<crate::cache::CacheConfig>,
    /// Circuit breaking (spec `circuit_breaker`); `None`: none.
    pub circuit_breaker: Option<CircuitBreakerConfig>,
    /// Named servers' base URLs (spec `servers`: Stripe's `files.stripe.com`), where requests
    /// naming them ([`RequestSpec::server`]) go.
    pub servers: Vec<(&'static str, String)>,
    /// A client certificate (mTLS) and extra trusted roots; default none.
    pub tls: crate::tls::TlsConfig,
    /// The stores shared with the other processes of a fleet (rate limits, tokens,
    /// circuits, cached responses: [`crate::fleet`]); `None`: all state in this process.
    #[cfg(feature = "shared-state")]
    pub shared_state: Option<crate::store::SharedState>,
    /// Stalled-stream protection of streamed bodies (spec `stream: true`): the default of
    /// every download and of an upload that sets none; default 1 byte/s over 20 s.
    #[cfg(feature = "streaming")]
    pub minimum_throughput: crate::stream::MinimumThroughput,
}

impl ClientConfig {
    /// A configuration with accord's defaults (see [`Timeouts::default`] and
    /// [`RetryConfig::default`]), no credentials and no rate limits.
    pub fn new(base_url: impl Into<String>, user_agent: impl Into<String>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            auth: Auth::None,
            credentials: Credentials::new(),
            default_headers: Vec::new(),
            timeouts: Timeouts::default(),
            retry: RetryConfig::default(),
            rate_limits: None,
            user_agent: user_agent.into(),
            #[cfg(feature = "cache")]
            cache: None,
            circuit_breaker: None,
            servers: Vec::new(),
            tls: crate::tls::TlsConfig::default(),
            #[cfg(feature = "shared-state")]
            shared_state: None,
            #[cfg(feature = "streaming")]
            minimum_throughput: crate::stream::MinimumThroughput::default(),
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
    base_url: BaseUrl,
    origin: url::Origin,
    /// Named servers: name, base URL, origin.
    servers: Vec<(&'static str, BaseUrl, url::Origin)>,
    auth: Auth,
    credentials: Credentials,
    /// The spec's default headers, parsed once: a fixed value, or `None` for a new UUID v4
    /// per request.
    default_headers: Vec<(HeaderName, Option<HeaderValue>)>,
    timeouts: Timeouts,
    retry: RetryConfig,
    budget: Option<RetryBudget>,
    rate_limiter: Option<RateLimiter>,
    #[cfg(feature = "cache")]
    cache: Option<crate::cache::ResponseCache>,
    circuit: Option<CircuitBreaker>,
    /// `server.address` and `server.port` of the base URL, for metrics.
    server: crate::metrics::Server,
    /// The requests left as the server last reported them (`u64::MAX`: never reported).
    server_remaining: std::sync::atomic::AtomicU64,
    #[cfg(feature = "streaming")]
    minimum_throughput: crate::stream::MinimumThroughput,
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
        // `Err` means a provider is installed already, which is all that is needed. rustls
        // 0.23.48 deprecates ring's provider ("no support for post-quantum algorithms"); ring
        // stays the default for its build time (aws-lc-rs is about 25 s more C build on 2 cores,
        // issue 22) and `rustls-aws-lc` is the choice for post-quantum key exchange.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
}

/// Whether this build can reach `url`: an `https` URL needs a TLS backend (the features
/// `rustls-ring`, `rustls-aws-lc` or `native-tls`, which a generated crate offers as its own
/// `rustls`, `rustls-aws-lc` and `native-tls`). Checked when the client is built, so that a
/// crate built with `default-features = false` and no backend fails there, in words, rather
/// than at the first request.
///
/// Errors: `url` is `https` and this build has no TLS backend.
fn needs_no_tls(url: &url::Url) -> Result<(), TransportError> {
    reachable(url, cfg!(any(feature = "rustls-ring", feature = "rustls-aws-lc", feature = "native-tls")))
}

/// [`needs_no_tls`] for a build that has TLS (`has_tls`) or not.
fn reachable(url: &url::Url, has_tls: bool) -> Result<(), TransportError> {
    if url.scheme() == "https" && !has_tls {
        return Err(TransportError::message(format!(
            "base URL `{url}` is https, but this build has no TLS backend: turn on the client crate's \
             `rustls` feature (or `rustls-aws-lc`, `native-tls`)"
        )));
    }
    Ok(())
}

impl Client {
    /// Builds the client.
    ///
    /// Errors: the base URL is not an absolute URL, the TLS backend cannot start, or a URL is
    /// `https` and this build has no TLS backend.
    pub fn new(mut config: ClientConfig) -> Result<Self, TransportError> {
        #[allow(unused_mut)]
        let mut rate_limiter = config.rate_limits.take().map(RateLimiter::new);
        #[cfg(feature = "shared-state")]
        if let Some(shared) = config.shared_state.take() {
            crate::fleet::share(
                &shared,
                crate::fleet::Shareable {
                    auth: &config.auth,
                    credentials: &config.credentials,
                    rate_limiter: rate_limiter.as_mut(),
                    circuit_breaker: config.circuit_breaker.as_mut(),
                    #[cfg(feature = "cache")]
                    cache: config.cache.as_mut(),
                },
            );
        }
        let parsed = url::Url::parse(&config.base_url)
            .map_err(|e| TransportError::message(format!("invalid base URL `{}`: {e}", config.base_url)))?;
        needs_no_tls(&parsed)?;
        let mut servers = Vec::with_capacity(config.servers.len());
        for (name, url) in &config.servers {
            let parsed = url::Url::parse(url)
                .map_err(|e| TransportError::message(format!("invalid base URL `{url}` of server `{name}`: {e}")))?;
            needs_no_tls(&parsed)?;
            servers.push((*name, BaseUrl::new(url), parsed.origin()));
        }
        let builder = http_builder()
            .connect_timeout(config.timeouts.connect)
            .timeout(config.timeouts.attempt)
            .user_agent(config.user_agent);
        let http = config.tls.apply(builder)?.build().map_err(TransportError::from_reqwest)?;
        let host = parsed.host_str().unwrap_or_default().to_string();
        let port = parsed.port_or_known_default().unwrap_or_default();
        let prepared_headers = config
            .default_headers
            .iter()
            .map(|default| {
                let (name, value) = match default {
                    DefaultHeader::Fixed(name, value) => (*name, Some(*value)),
                    DefaultHeader::Uuid(name) => (*name, None),
                };
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| TransportError::message(format!("invalid header name `{name}`")))?;
                let value = value
                    .map(HeaderValue::from_str)
                    .transpose()
                    .map_err(|_| TransportError::message(format!("invalid value for header `{name}`")))?;
                Ok((name, value))
            })
            .collect::<Result<Vec<_>, TransportError>>()?;
        Ok(Client {
            inner: Arc::new(Inner {
                #[cfg(feature = "cache")]
                cache: config.cache.map(crate::cache::ResponseCache::new),
                circuit: config.circuit_breaker.map(|breaker| CircuitBreaker::new(breaker, host.clone())),
                server: crate::metrics::Server::new(&host, port),
                server_remaining: std::sync::atomic::AtomicU64::new(u64::MAX),
                http,
                base_url: BaseUrl::new(&config.base_url),
                origin: parsed.origin(),
                servers,
                auth: config.auth,
                credentials: config.credentials,
                default_headers: prepared_headers,
                timeouts: config.timeouts,
                budget: config.retry.budget.map(RetryBudget::new),
                retry: config.retry,
                rate_limiter,
                #[cfg(feature = "streaming")]
                minimum_throughput: config.minimum_throughput,
            }),
        })
    }

    /// The stalled-stream protection of streamed bodies ([`ClientConfig::minimum_throughput`]).
    #[cfg(feature = "streaming")]
    pub fn minimum_throughput(&self) -> crate::stream::MinimumThroughput {
        self.inner.minimum_throughput
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url.text
    }

    /// The base URL of named server `server` (spec `servers`), or the base URL for `None` or a
    /// server the client was not given.
    pub fn server_base_url(&self, server: Option<&str>) -> &str {
        &self.server_base(server).text
    }

    fn server_base(&self, server: Option<&str>) -> &BaseUrl {
        server
            .and_then(|name| self.inner.servers.iter().find(|(n, _, _)| *n == name))
            .map_or(&self.inner.base_url, |(_, url, _)| url)
    }

    /// Whether `origin` is the API's: the base URL's or a named server's.
    fn is_own_origin(&self, origin: &url::Origin) -> bool {
        *origin == self.inner.origin || self.inner.servers.iter().any(|(_, _, own)| own == origin)
    }

    /// The authentication this client applies to every request.
    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    /// The HTTP client requests go through (for a token request outside an operation, such
    /// as an authorization code exchange).
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The named credentials this client applies by each request's requirement.
    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// The retry budget shared by this client's clones, if enabled.
    pub fn retry_budget(&self) -> Option<&RetryBudget> {
        self.inner.budget.as_ref()
    }

    /// The rate limiter shared by this client's clones, if enabled.
    pub fn rate_limiter(&self) -> Option<&RateLimiter> {
        self.inner.rate_limiter.as_ref()
    }

    /// The circuit breaker shared by this client's clones, if the spec declares one.
    pub fn circuit_breaker(&self) -> Option<&CircuitBreaker> {
        self.inner.circuit.as_ref()
    }

    /// The requests left in the server's window as its rate-limit header last said.
    pub fn server_remaining(&self) -> Option<u64> {
        let remaining = self.inner.server_remaining.load(std::sync::atomic::Ordering::Relaxed);
        (remaining != u64::MAX).then_some(remaining)
    }

    /// Sends a request through the declared reliability rules and returns the last raw
    /// response, whatever its status (the caller decodes and classifies it).
    ///
    /// For each attempt: wait for the rate limiter, add credentials, send with the attempt
    /// timeout. Then the classifier's strategy for the outcome decides, through the pure
    /// [`decide_retry`] (which the loop feeds with the clock, the budget and a random number):
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
    /// With a response cache (feature `cache`), a fresh stored response is returned without
    /// sending, and a stale one is revalidated ([`crate::cache`]). With a circuit breaker, an
    /// attempt whose circuit is open is not sent, and no retry is started while it is open.
    ///
    /// Errors: the last transport failure (connect, TLS, timeout, reset), an invalid header
    /// value, an operation timeout, or an open circuit
    /// ([`crate::TransportErrorKind::CircuitOpen`]).
    pub async fn execute(&self, request: &RequestSpec) -> Result<RawResponse, TransportError> {
        #[cfg(feature = "cache")]
        if let Some(cache) = &self.inner.cache
            && let Some(credential) = self.cache_credential(cache, request)
        {
            // Boxed: the lookup's state would make every request's future larger, and with
            // it every move of that future (issue 22, client overhead).
            return Box::pin(self.execute_cached(cache, request, credential)).await;
        }
        self.execute_with(request, &[], None).await
    }

    /// The key a request's cached response is stored under, for the credentials it carries;
    /// `None` when it goes past the cache: not a `GET` or `HEAD`, its endpoint's cache is
    /// off, or it carries credentials on an endpoint that is not cached per credential.
    #[cfg(feature = "cache")]
    fn cache_credential(
        &self,
        cache: &crate::cache::ResponseCache,
        request: &RequestSpec,
    ) -> Option<crate::cache::CredentialKey> {
        if !cache.may_cache(request.operation, &request.method) {
            return None;
        }
        // Hashing the credential is only worth it where the endpoint is per credential;
        // elsewhere a request that carries one is simply not cached.
        if cache.per_credential(request.operation) {
            Some(self.credential_key(request))
        } else if !matches!(self.inner.auth, Auth::None)
            || self.inner.credentials.choose(request.auth).is_some_and(|chosen| !chosen.is_empty())
        {
            None
        } else {
            Some(crate::cache::CredentialKey::Anonymous)
        }
    }

    /// Through the response cache, under `credential`: a fresh hit, or the request sent
    /// (conditionally when a stale entry can be revalidated) and its response given to the
    /// cache.
    #[cfg(feature = "cache")]
    async fn execute_cached(
        &self,
        cache: &crate::cache::ResponseCache,
        request: &RequestSpec,
        credential: crate::cache::CredentialKey,
    ) -> Result<RawResponse, TransportError> {
        use crate::cache::Lookup;
        let own_headers = request
            .headers
            .iter()
            .filter_map(|(name, value)| {
                Some((HeaderName::from_bytes(name.as_bytes()).ok()?, HeaderValue::from_str(value).ok()?))
            })
            .collect();
        let url = self.url(request);
        match cache.lookup(request.operation, &request.method, &url, own_headers, credential).await {
            Lookup::Bypass => self.execute_with(request, &[], None).await,
            Lookup::Fresh(raw) => Ok(raw),
            Lookup::Send(pending) => {
                let raw = self.execute_with(request, &pending.conditional, None).await?;
                Ok(cache.complete(request.operation, pending, raw).await)
            }
        }
    }

    /// Whose response a request would get: what the client-wide auth and the request's
    /// chosen credentials are made of, hashed.
    #[cfg(feature = "cache")]
    fn credential_key(&self, request: &RequestSpec) -> crate::cache::CredentialKey {
        use crate::cache::CredentialKey;
        let mut identity = Vec::new();
        let mut readable = self.inner.auth.identity(&mut identity);
        for position in self.inner.credentials.choose(request.auth).unwrap_or_default() {
            if let Some(auth) =
                self.inner.credentials.names().nth(position).and_then(|name| self.inner.credentials.get(name))
            {
                readable &= auth.identity(&mut identity);
            }
        }
        match (readable, identity.is_empty()) {
            (false, _) => CredentialKey::Opaque,
            (true, true) => CredentialKey::Anonymous,
            (true, false) => CredentialKey::Hashed(crate::cache::credential_hash(&[&identity])),
        }
    }

    /// Like [`Client::execute`], never answered from the response cache nor stored in it
    /// (a health probe must reach the server).
    pub async fn execute_uncached(&self, request: &RequestSpec) -> Result<RawResponse, TransportError> {
        self.execute_with(request, &[], None).await
    }

    /// Sends `request` through the request loop and leaves a 2xx response's body unread, as
    /// a [`crate::stream::ByteStream`] (a spec's `stream: true` response, feature
    /// `streaming`): the head and the stream, or a non-2xx response read up to
    /// [`crate::stream::ERROR_BODY_MAX_BYTES`] (an error
    /// body, for the client's error type) and `None`. Never cached. The attempt timeout
    /// bounds the wait for the head; the body is bounded by `config`'s cap and minimum
    /// throughput instead.
    ///
    /// Errors: as [`Client::execute`].
    #[cfg(feature = "streaming")]
    pub async fn execute_streaming(
        &self,
        request: &RequestSpec,
        config: crate::stream::StreamConfig,
    ) -> Result<(RawResponse, Option<crate::stream::ByteStream>), TransportError> {
        let slot = StreamSlot::default();
        let raw = self.execute_with(request, &[], Some(&slot)).await?;
        let response = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        let stream = response
            .filter(|_| (200..300).contains(&raw.status))
            .map(|response| crate::stream::ByteStream::new(response, config));
        Ok((raw, stream))
    }

    async fn execute_with(
        &self,
        request: &RequestSpec,
        conditional: &[(HeaderName, HeaderValue)],
        slot: Option<&StreamSlot>,
    ) -> Result<RawResponse, TransportError> {
        let span = tracing::info_span!(
            "accord.request",
            operation = request.operation,
            method = %request.method,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let deadline = self.inner.timeouts.operation.map(|limit| Instant::now() + limit);
        let run = self.run(request, deadline, conditional, slot, &span);
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

    async fn run(
        &self,
        request: &RequestSpec,
        deadline: Option<Instant>,
        conditional: &[(HeaderName, HeaderValue)],
        slot: Option<&StreamSlot>,
        span: &tracing::Span,
    ) -> Result<RawResponse, TransportError> {
        // The first attempt's headers are made here (a bad header fails the request before
        // anything else), and moved into it; a retry makes them again with the same ids.
        let mut ids = smallvec::SmallVec::<[uuid::Uuid; 2]>::new();
        let mut headers = Some(self.request_headers(request, conditional, &mut ids)?);
        // The credentials are chosen once per request: the first alternative of its
        // requirement the client holds. Unmet, the request fails here, unless the user
        // replaced the spec's auth or allowed anonymous requests.
        let credentials = &self.inner.credentials;
        let chosen = match credentials.choose(request.auth) {
            Some(chosen) => chosen,
            None if credentials.anonymous() || !matches!(self.inner.auth, Auth::None) => Default::default(),
            None => return Err(credentials.unmet(request.operation, request.auth)),
        };
        let idempotency_key =
            request.idempotency_header.is_some_and(|name| headers.as_ref().is_some_and(|map| map.contains_key(name)));
        let retry = &self.inner.retry;
        let mut attempt: u32 = 0;
        let mut retries: u32 = 0;
        let mut refreshed = false;
        let mut last_retry_cost = None;
        loop {
            attempt += 1;
            span.record("attempts", attempt);
            // An open circuit refuses before the rate limiter is asked for a token.
            let permit = match &self.inner.circuit {
                Some(breaker) => Some(breaker.admit(request.operation).await?),
                None => None,
            };
            if let Some(limiter) = &self.inner.rate_limiter {
                let waited = limiter.acquire(request.operation).await;
                if !waited.is_zero() {
                    tracing::debug!(wait_ms = waited.as_millis() as u64, "waited for the client-side rate limit");
                    crate::metrics::rate_limit_wait(request.operation, waited);
                }
            }
            let attempt_span = tracing::debug_span!("accord.attempt", attempt, status = tracing::field::Empty);
            let started = Instant::now();
            let attempt_headers = match headers.take() {
                Some(first) => first,
                None => self.request_headers(request, conditional, &mut ids)?,
            };
            let (outcome, used) =
                self.attempt(request, attempt_headers, &chosen, slot).instrument(attempt_span.clone()).await;
            crate::metrics::request(
                crate::metrics::RequestAttributes {
                    method: request.method.as_str(),
                    server: &self.inner.server,
                    operation: request.operation,
                },
                started.elapsed(),
                outcome.as_ref().ok().map(|raw| raw.status),
                outcome.as_ref().err().map(|error| transport_kind_name(error.kind())),
            );
            // Assessed once: an error in a 200 body is a failure for the circuit and the budget.
            let assessment = retry.classifier.assess(match &outcome {
                Ok(raw) => Outcome::Response(raw),
                Err(error) => Outcome::Transport(error),
            });
            let strategy = assessment.strategy;
            if let (Some(breaker), Some(permit)) = (&self.inner.circuit, &permit) {
                let transient_body_error = assessment.body_error && strategy == RetryStrategy::Backoff;
                let status = outcome.as_ref().map(|raw| raw.status).map_err(TransportError::kind);
                breaker.record_attempt(permit, status, transient_body_error).await;
            }
            if let (Ok(raw), Some(limiter)) = (&outcome, &self.inner.rate_limiter) {
                attempt_span.record("status", raw.status);
                limiter.observe_shared(request.operation, &raw.headers).await;
                if let Some(remaining) = limiter
                    .config()
                    .remaining_header
                    .and_then(|name| raw.headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok())
                {
                    self.inner.server_remaining.store(remaining, std::sync::atomic::Ordering::Relaxed);
                    crate::metrics::rate_limit_remaining(request.operation, remaining);
                }
            }
            let status = outcome.as_ref().ok().map(|raw| raw.status);
            let context = RetryContext {
                outcome: match &outcome {
                    Ok(raw) => AttemptOutcome::Response { status: raw.status },
                    Err(error) => AttemptOutcome::Transport(error.kind()),
                },
                strategy,
                method: &request.method,
                idempotency_key,
                // A refresh is not a failure retry: it does not count against max_attempts.
                attempts: retries + 1,
                policy: retry.policy,
                budget: self.inner.budget.as_ref().map(RetryBudget::state),
                time_left: deadline.map(|deadline| deadline.saturating_duration_since(Instant::now())),
                server_delay: match (&outcome, strategy) {
                    (Ok(raw), RetryStrategy::AfterHeader) => self.server_delay(raw),
                    _ => None,
                },
                max_retry_after: retry.max_retry_after,
                refreshed,
                jitter_unit: fastrand::f64(),
            };
            let (delay, budget_cost) = match decide_retry(&context) {
                RetryDecision::Retry { delay, budget_cost } => (delay, budget_cost),
                RetryDecision::RefreshCredentials => {
                    // Both are asked (no short circuit): each renews what it sent.
                    let whole = self.inner.auth.refresh(used.0).await;
                    let named = self.inner.credentials.refresh(&used.1).await;
                    if !(whole || named) {
                        return self.settle(outcome, last_retry_cost, assessment);
                    }
                    refreshed = true;
                    crate::metrics::token_refresh("refresh_auth");
                    tracing::info!(attempt, "credentials refreshed after a refresh_auth error");
                    continue;
                }
                RetryDecision::Return => return self.settle(outcome, last_retry_cost, assessment),
                RetryDecision::GiveUp(reason) => {
                    match reason {
                        GiveUpReason::RetryAfterTooLong { delay } => tracing::info!(
                            delay_ms = delay.as_millis() as u64,
                            "the server asks for a longer wait than max_retry_after; not retrying"
                        ),
                        GiveUpReason::DeadlineTooClose { delay } => {
                            tracing::info!(
                                delay_ms = delay.as_millis() as u64,
                                "a retry would end after the operation timeout"
                            );
                            return outcome;
                        }
                        GiveUpReason::BudgetEmpty => {
                            tracing::warn!("retry budget exhausted; returning the failure instead of retrying");
                            return outcome;
                        }
                        GiveUpReason::AttemptsExhausted
                        | GiveUpReason::NotSafeToRepeat
                        | GiveUpReason::AlreadyRefreshed => {}
                    }
                    return self.settle(outcome, last_retry_cost, assessment);
                }
            };
            // An open circuit would refuse the retry: spend no budget on it, return the failure.
            if let Some(breaker) = &self.inner.circuit
                && breaker.is_open(request.operation).await
            {
                tracing::info!(attempt, "circuit open; not retrying");
                return outcome;
            }
            if let (Some(budget), Some(cost)) = (&self.inner.budget, budget_cost) {
                // The decision priced the retry from a snapshot; other requests may have
                // spent the tokens since.
                if !budget.spend(cost) {
                    tracing::warn!("retry budget exhausted; returning the failure instead of retrying");
                    return outcome;
                }
                last_retry_cost = Some(cost);
            }
            retries += 1;
            crate::metrics::retry(request.operation, strategy.as_str());
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

    /// The wait a response asks for: `Retry-After` (RFC 9110 §10.2.3), else the declared
    /// rate-limit reset header.
    fn server_delay(&self, raw: &RawResponse) -> Option<Duration> {
        let now = SystemTime::now();
        crate::retry::retry_after(&raw.headers, now).or_else(|| {
            let shape = self.inner.rate_limiter.as_ref()?.config().header_shape();
            shape.read(&raw.headers, now).reset_after
        })
    }

    /// Returns the final outcome of a request, after crediting the retry budget when it is a
    /// success (a first-attempt success earns the reward, a retried one its last retry's
    /// cost back). A request stopped by the deadline or the budget returns without this,
    /// as it always has; only a classifier that retries successes reaches those with one.
    fn settle(
        &self,
        outcome: Result<RawResponse, TransportError>,
        last_retry_cost: Option<u32>,
        assessment: Assessment,
    ) -> Result<RawResponse, TransportError> {
        // An error in a 200 body (spec `when`) is a failure: it earns nothing back.
        if let (Some(budget), Ok(raw)) = (&self.inner.budget, &outcome)
            && !assessment.is_failure(Some(raw.status))
        {
            budget.refund(last_retry_cost);
        }
        outcome
    }

    /// The headers of one attempt of a request: default headers, the request's own, the
    /// idempotency key, and `conditional` (a cache revalidation's). The UUIDs (request ids,
    /// a generated idempotency key) are taken from `ids` in order, and generated and
    /// appended there when `ids` runs out, so that every attempt of one request carries the
    /// same ones.
    fn request_headers(
        &self,
        request: &RequestSpec,
        conditional: &[(HeaderName, HeaderValue)],
        ids: &mut smallvec::SmallVec<[uuid::Uuid; 2]>,
    ) -> Result<HeaderMap, TransportError> {
        let mut next_id = 0;
        let mut id = || {
            if next_id == ids.len() {
                ids.push(uuid::Uuid::new_v4());
            }
            next_id += 1;
            uuid_value(ids[next_id - 1])
        };
        // Room for the idempotency key and for what reqwest adds when sending (User-Agent,
        // Accept, Authorization, Content-Type), so the map does not grow then.
        let mut headers =
            HeaderMap::with_capacity(self.inner.default_headers.len() + request.headers.len() + conditional.len() + 5);
        for (name, value) in &self.inner.default_headers {
            let value = match value {
                Some(value) => value.clone(),
                None => id(),
            };
            headers.insert(name.clone(), value);
        }
        for (name, value) in &request.headers {
            insert_header(&mut headers, name, value)?;
        }
        if let Some(name) = request.idempotency_header
            && !headers.contains_key(name)
        {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| TransportError::message(format!("invalid header name `{name}`")))?;
            headers.insert(name, id());
        }
        for (name, value) in conditional {
            headers.insert(name.clone(), value.clone());
        }
        Ok(headers)
    }

    /// The URL a request goes to: its absolute URL (a next-page link), or the base URL, the
    /// path and the query.
    pub(crate) fn url(&self, request: &RequestSpec) -> String {
        if let Some(url) = &request.absolute_url {
            return url.clone();
        }
        // The pairs are already encoded by their style (`crate::style`), so they are
        // joined as they are: reqwest's `query` would encode the separators again.
        let base = self.server_base_url(request.server);
        let mut url =
            String::with_capacity(base.len() + request.path.len() + if request.query.is_empty() { 0 } else { 64 });
        url.push_str(base);
        url.push_str(&request.path);
        if !request.query.is_empty() {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&crate::style::query_string(&request.query));
        }
        url
    }

    /// The URL a request without an absolute URL (a next-page link, which the attempt
    /// parses and checks itself) goes to, as [`Client::url`] writes it, parsed: the base URL's copy
    /// with the request's path and query set on it when the base was parsed when the client
    /// was built ([`BaseUrl`]), which gives the URL that parsing the text gives without parsing
    /// the scheme and the host again (issue 22: host parsing, IDNA included, was about 4,500
    /// instructions of every request). A path that is not plain (`?`, `#`, no leading `/`,
    /// ending in a space or control character, which the parser would trim) takes the text.
    ///
    /// Errors: the text does not parse as a URL with a host.
    fn target_url(&self, request: &RequestSpec) -> Result<url::Url, TransportError> {
        let base = self.server_base(request.server);
        if let Some(parsed) = &base.parsed {
            let query = (!request.query.is_empty()).then(|| crate::style::query_string(&request.query));
            let path = request.path.as_str();
            let last = query.as_deref().unwrap_or(path).chars().next_back();
            if path.starts_with('/') && !path.contains(['?', '#']) && last.is_none_or(|last| last > ' ') {
                let mut url = parsed.url.clone();
                if parsed.prefix.is_empty() {
                    url.set_path(path);
                } else {
                    let mut full = String::with_capacity(parsed.prefix.len() + path.len());
                    full.push_str(&parsed.prefix);
                    full.push_str(path);
                    url.set_path(&full);
                }
                url.set_query(query.as_deref());
                return Ok(url);
            }
        }
        request_url(&self.url(request))
    }

    /// One attempt, with the client-wide auth and the `chosen` named credentials; returns
    /// the generations they used.
    ///
    /// The request is built as a `reqwest::Request` and its credentials added in place
    /// ([`Authenticate::authenticate_now`]); only a token fetch or a signature goes through a
    /// request builder and a boxed future (issue 22: each move of a builder, or of a future
    /// holding one, is a copy on every request).
    async fn attempt(
        &self,
        request: &RequestSpec,
        headers: HeaderMap,
        chosen: &[usize],
        slot: Option<&StreamSlot>,
    ) -> (Result<RawResponse, TransportError>, (CredentialGeneration, UsedCredentials)) {
        #[cfg(feature = "streaming")]
        let mut upload = None;
        let url = match &request.absolute_url {
            Some(url) => {
                let parsed = match url::Url::parse(url) {
                    Ok(parsed) => parsed,
                    Err(e) => return (Err(TransportError::message(format!("invalid URL: {e}"))), Default::default()),
                };
                // Credentials go only to the API's own origin, whatever a link says.
                if !self.is_own_origin(&parsed.origin()) {
                    return (
                        Err(TransportError::message("a next-page link points outside the API's origin; not followed")),
                        Default::default(),
                    );
                }
                parsed
            }
            None => match self.target_url(request) {
                Ok(url) => url,
                Err(error) => return (Err(error), Default::default()),
            },
        };
        let mut built = reqwest::Request::new(request.method.clone(), url);
        // The attempt timeout is the reqwest client's own (set in `Client::new`), so no
        // per-request timer is added here. The client's own headers (User-Agent) are added
        // when it is sent.
        *built.headers_mut() = headers;
        let content_type = |built: &mut reqwest::Request, value: &str| match HeaderValue::from_str(value) {
            Ok(value) => {
                built.headers_mut().append(reqwest::header::CONTENT_TYPE, value);
                Ok(())
            }
            Err(_) => Err(TransportError::message(format!("invalid Content-Type `{value}`"))),
        };
        let typed = match &request.body {
            Body::Empty => Ok(()),
            Body::Json(bytes) => {
                *built.body_mut() = Some(bytes.clone().into());
                content_type(&mut built, "application/json")
            }
            Body::Form(text) => {
                *built.body_mut() = Some(text.clone().into());
                content_type(&mut built, "application/x-www-form-urlencoded")
            }
            #[cfg(feature = "multipart")]
            Body::Multipart(parts) => {
                // reqwest writes the boundary into the Content-Type.
                let builder = reqwest::RequestBuilder::from_parts(self.inner.http.clone(), built);
                match builder.multipart(parts.to_form()).build() {
                    Ok(multipart) => {
                        built = multipart;
                        Ok(())
                    }
                    Err(error) => return (Err(TransportError::from_reqwest(error)), Default::default()),
                }
            }
            Body::Raw { content_type: media_type, bytes } => {
                *built.body_mut() = Some(bytes.clone().into());
                content_type(&mut built, media_type)
            }
            #[cfg(feature = "streaming")]
            Body::Stream { content_type: media_type, upload: source } => {
                // Boxed: opening a file is rare, and its state would be in every request's.
                match Box::pin(source.body(self.inner.minimum_throughput)).await {
                    Ok((body, length, progress)) => {
                        upload = Some(progress);
                        *built.body_mut() = Some(body);
                        if let Some(length) = length {
                            built.headers_mut().append(reqwest::header::CONTENT_LENGTH, HeaderValue::from(length));
                        }
                        content_type(&mut built, media_type)
                    }
                    Err(error) => Err(error),
                }
            }
        };
        if let Err(error) = typed {
            return (Err(error), Default::default());
        }
        // Static credentials and a fresh cached token go on at once; only a fetch or a
        // signature waits (and boxes its future).
        let generation = match self.inner.auth.authenticate_now(&mut built) {
            Ok(Some(generation)) => generation,
            Ok(None) => {
                let builder = reqwest::RequestBuilder::from_parts(self.inner.http.clone(), built);
                match self.inner.auth.authenticate(&self.inner.http, builder).await {
                    Ok((builder, generation)) => match builder.build() {
                        Ok(authenticated) => {
                            built = authenticated;
                            generation
                        }
                        Err(error) => return (Err(TransportError::from_reqwest(error)), Default::default()),
                    },
                    Err(error) => return (Err(error), Default::default()),
                }
            }
            Err(error) => return (Err(error), Default::default()),
        };
        let credentials = &self.inner.credentials;
        let mut used = UsedCredentials::default();
        match credentials.apply_now(&mut built, chosen, &mut used) {
            Ok(applied) if applied < chosen.len() => {
                let later = credentials.apply_later(&self.inner.http, built, &chosen[applied..], &mut used);
                // Boxed, as `authenticate` is: the common case does not carry its state.
                match Box::pin(later).await {
                    Ok(authenticated) => built = authenticated,
                    Err(error) => return (Err(error), (generation, UsedCredentials::default())),
                }
            }
            Ok(_) => {}
            Err(error) => return (Err(error), (generation, UsedCredentials::default())),
        }
        #[cfg(feature = "streaming")]
        if slot.is_some() || upload.is_some() {
            // Boxed: its timers would make every request's future larger (issue 22).
            let sent = crate::stream::send(&self.inner.http, built, slot, upload, self.inner.timeouts.attempt);
            return (Box::pin(sent).await, (generation, used));
        }
        #[cfg(not(feature = "streaming"))]
        let _ = slot;
        (send(&self.inner.http, built).await, (generation, used))
    }
}

/// Where [`Client::execute_streaming`]'s 2xx response waits with its body unread.
pub(crate) type StreamSlot = std::sync::Mutex<Option<reqwest::Response>>;

/// `error.type` of a transport failure (OpenTelemetry semantic conventions).
fn transport_kind_name(kind: TransportErrorKind) -> &'static str {
    match kind {
        TransportErrorKind::Connect => "connect",
        TransportErrorKind::Timeout => "timeout",
        TransportErrorKind::Network => "network",
        TransportErrorKind::Invalid => "invalid",
        TransportErrorKind::CircuitOpen => "circuit_open",
        TransportErrorKind::ReauthorizationRequired => "reauthorization_required",
        TransportErrorKind::Tls => "tls",
    }
}

/// A base URL (the client's, or a named server's): its text without a trailing slash, which
/// a request's path follows, and the same parsed when the text is already in the form the
/// URL parser writes (WHATWG URL: lower-case scheme and host, no default port, no dot
/// segments, no query or fragment), so that the text followed by a path parses to the parsed
/// URL with that path set.
#[derive(Debug)]
struct BaseUrl {
    text: String,
    parsed: Option<ParsedBase>,
}

#[derive(Debug)]
struct ParsedBase {
    url: url::Url,
    /// The path a request's path follows: `""` for `https://api.example.com`, `/v1` for
    /// `https://api.example.com/v1`.
    prefix: String,
}

impl BaseUrl {
    fn new(text: &str) -> Self {
        let text = text.trim_end_matches('/').to_string();
        let parsed = url::Url::parse(&text).ok().and_then(|url| {
            if !url.has_host() || url.query().is_some() || url.fragment().is_some() {
                return None;
            }
            // `https://api.example.com` parses to `https://api.example.com/`: no prefix.
            let prefix = if url.as_str() == text {
                url.path().to_string()
            } else if url.as_str().strip_suffix('/') == Some(text.as_str()) && url.path() == "/" {
                String::new()
            } else {
                return None;
            };
            Some(ParsedBase { url, prefix })
        });
        BaseUrl { text, parsed }
    }
}

/// `text` as the URL a request is sent to, refused as reqwest refuses it: unparsable, or
/// without a host (`mailto:`, `data:`).
fn request_url(text: &str) -> Result<url::Url, TransportError> {
    match url::Url::parse(text) {
        Ok(url) if url.has_host() => Ok(url),
        Ok(_) => Err(TransportError::message(format!("invalid URL `{text}`: it has no host"))),
        Err(e) => Err(TransportError::message(format!("invalid URL `{text}`: {e}"))),
    }
}

async fn send(http: &reqwest::Client, request: reqwest::Request) -> Result<RawResponse, TransportError> {
    let mut response = http.execute(request).await.map_err(TransportError::from_reqwest)?;
    let status = response.status().as_u16();
    // Taken, not cloned: reading the body needs none of them.
    let headers = std::mem::take(response.headers_mut());
    // Without a copy when the body is the only owner of its buffer.
    let body = Vec::from(response.bytes().await.map_err(TransportError::from_reqwest)?);
    tracing::debug!(status, bytes = body.len(), "response");
    Ok(RawResponse { status, headers, body })
}

/// A UUID in its hyphenated lower-case form (RFC 9562 §4), as a header value.
fn uuid_value(id: uuid::Uuid) -> HeaderValue {
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    let text = id.hyphenated().encode_lower(&mut text);
    // 36 characters of [0-9a-f-], always a valid header value.
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("00000000-0000-0000-0000-000000000000"))
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
    fn an_https_url_needs_a_tls_backend_and_http_does_not() {
        let https = url::Url::parse("https://api.example.com/v1").expect("a URL");
        let http = url::Url::parse("http://127.0.0.1:8080").expect("a URL");
        let refused = reachable(&https, false).expect_err("no TLS backend");
        assert!(refused.to_string().contains("no TLS backend"), "{refused}");
        assert!(refused.to_string().contains("`rustls`"), "{refused}");
        assert!(reachable(&https, true).is_ok());
        assert!(reachable(&http, false).is_ok());
        // This build (the tests turn `rustls-ring` on) reaches both.
        assert!(needs_no_tls(&https).is_ok());
    }

    /// A request's URL made on the parsed base URL is the URL its text parses to, for plain
    /// and unusual base URLs, paths and queries alike (those the parsed route does not take
    /// give the same by the text route).
    #[test]
    fn a_url_set_on_the_parsed_base_is_the_url_its_text_parses_to() {
        let bases = [
            "http://127.0.0.1:8080",
            "https://api.example.com",
            "https://api.example.com/",
            "https://api.example.com/v1",
            "https://api.example.com/v1/",
            "HTTPS://API.Example.com/v1",
            "https://api.example.com:443/v1",
            "https://api.example.com/a/../v1",
            "https://api.example.com/v1?key=1",
            "https://bücher.example/v1",
            "http://[::1]:3000/base path",
            "https://api.example.com/v%41",
        ];
        let paths = [
            "/orders/ORD-1",
            "/orders/a%2Fb%20c",
            "/a/./b/../c",
            "/with space",
            "/ü",
            "/orders?x=1",
            "orders",
            "/x#fragment",
            "/trailing/",
            "/",
            "/tab\there",
            "/ends with space ",
        ];
        let queries: [&[(&str, &str)]; 4] =
            [&[], &[("a", "1"), ("b", "x%20y")], &[("q", "ü")], &[("t", "ends with space ")]];
        let mut parsed_route = 0;
        for base in bases {
            let client = Client::new(ClientConfig::new(base, "test")).expect("a client");
            let parsed = client.inner.base_url.parsed.is_some();
            for path in paths {
                for query in queries {
                    let mut request = RequestSpec::new(reqwest::Method::GET, "op", path.to_string());
                    request.query = query.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
                    let text = client.url(&request);
                    let expected = request_url(&text).map(|url| url.to_string()).map_err(|e| e.to_string());
                    let made = client.target_url(&request).map(|url| url.to_string()).map_err(|e| e.to_string());
                    assert_eq!(made, expected, "base {base:?}, path {path:?}, query {query:?}");
                    parsed_route += usize::from(parsed);
                }
            }
        }
        assert!(parsed_route > 0);
        // Base URLs as a spec writes them take the parsed route; the others the text.
        for base in ["http://127.0.0.1:8080", "https://api.example.com", "https://api.example.com/v1/"] {
            assert!(BaseUrl::new(base).parsed.is_some(), "{base}");
        }
        for base in ["HTTPS://API.Example.com/v1", "https://api.example.com:443/v1", "https://api.example.com/v1?key=1"]
        {
            assert!(BaseUrl::new(base).parsed.is_none(), "{base}");
        }
    }

    /// The numbers `RetryConfig::default` and `Timeouts::default` document, which are the
    /// compiler's for a spec that declares no `retry` and no `timeouts`.
    #[test]
    fn defaults_are_what_the_compiler_emits_for_a_silent_spec() {
        let retry = RetryConfig::default();
        assert_eq!(retry.policy.max_attempts, 1, "no declared `retry`: one attempt");
        assert_eq!(retry.policy.initial_delay, Duration::from_secs(1));
        assert_eq!(retry.policy.max_delay, Duration::from_secs(30));
        assert_eq!(retry.policy.multiplier, 2.0);
        assert_eq!(retry.policy.jitter, crate::policy::Jitter::Full);
        assert_eq!(retry.max_retry_after, Duration::from_secs(120));
        assert_eq!(
            retry.budget,
            Some(RetryBudgetSettings { capacity: 500, retry_cost: 5, timeout_retry_cost: 10, success_reward: 1 })
        );
        assert_eq!(
            Timeouts::default(),
            Timeouts { connect: Duration::from_secs(10), attempt: Duration::from_secs(60), operation: None }
        );
    }
}
