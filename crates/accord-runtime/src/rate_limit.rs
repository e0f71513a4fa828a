//! Client-side rate limiting from the spec's `rate_limits`: one token bucket per declared
//! limit (the default, each endpoint's own, each quota), shared by every clone of a client.
//! A request that finds its bucket empty waits (an async sleep until its reserved token is
//! due, no polling) instead of failing, and the provider's `X-RateLimit-Remaining` /
//! `X-RateLimit-Reset` headers tighten a bucket when the server knows better.
//!
//! A fleet shares its buckets through a [`RateLimitStore`] ([`RateLimiter::share`], issue
//! 19): one reservation per request in the store, the server's reports applied there too,
//! and this process's buckets whenever the store does not answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use tokio::time::Instant;

use crate::policy::RateLimit;
use crate::store::{BucketRef, RateLimitStore};

mod headers;

pub use accord_contract::wire::ResetUnit;
pub use headers::{HeaderShape, ServerReport, ietf_ratelimit, usage_remaining};

/// A token bucket: holds at most `burst` tokens and gains `requests / window` tokens per
/// second. Taking a token from an empty bucket reserves a future one, so waiters are served
/// in order and never poll.
#[derive(Debug)]
pub struct TokenBucket {
    limit: RateLimit,
    tokens_per_second: f64,
    state: Mutex<BucketState>,
}

#[derive(Debug)]
struct BucketState {
    /// Tokens available now; negative when future tokens are already reserved.
    tokens: f64,
    updated: Instant,
    /// The server said the window is exhausted: nothing is sent before this instant.
    resume_at: Option<Instant>,
}

impl TokenBucket {
    /// A full bucket for `limit`.
    pub fn new(limit: RateLimit) -> Self {
        let window = limit.window.as_secs_f64().max(f64::MIN_POSITIVE);
        TokenBucket {
            limit,
            tokens_per_second: f64::from(limit.requests.max(1)) / window,
            state: Mutex::new(BucketState {
                tokens: f64::from(limit.burst.max(1)),
                updated: Instant::now(),
                resume_at: None,
            }),
        }
    }

    /// The declared limit.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BucketState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn refill(&self, state: &mut BucketState, now: Instant) {
        let elapsed = now.saturating_duration_since(state.updated).as_secs_f64();
        state.tokens = (state.tokens + elapsed * self.tokens_per_second).min(f64::from(self.limit.burst.max(1)));
        state.updated = now;
    }

    /// Takes one token and returns when it may be used: `now` if one was available,
    /// otherwise the instant the reserved token becomes due.
    pub fn reserve(&self, now: Instant) -> Instant {
        let mut state = self.lock();
        self.refill(&mut state, now);
        let mut due = now;
        if let Some(resume_at) = state.resume_at {
            if resume_at > now {
                due = resume_at;
            } else {
                state.resume_at = None;
            }
        }
        state.tokens -= 1.0;
        if state.tokens < 0.0 {
            let wait = Duration::from_secs_f64(-state.tokens / self.tokens_per_second);
            due = due.max(now + wait);
        }
        due
    }

    /// Applies what the server reported: never more tokens than `remaining`, and when
    /// `remaining` is 0, nothing before the window resets (`reset_after` from now).
    pub fn observe(&self, now: Instant, remaining: Option<u64>, reset_after: Option<Duration>) {
        let Some(remaining) = remaining else { return };
        let mut state = self.lock();
        self.refill(&mut state, now);
        let remaining = remaining as f64;
        if remaining < state.tokens {
            state.tokens = remaining;
        }
        if remaining == 0.0
            && let Some(reset_after) = reset_after
        {
            let resume_at = now + reset_after;
            state.resume_at = Some(state.resume_at.map_or(resume_at, |current| current.max(resume_at)));
        }
    }

    /// Takes one token only if one is available now, as a server enforcing the limit does:
    /// `Ok(whole tokens left)`, or `Err(time until a token is due)` with nothing taken.
    pub fn try_take(&self, now: Instant) -> Result<u64, Duration> {
        let mut state = self.lock();
        self.refill(&mut state, now);
        if state.tokens >= 1.0 {
            state.tokens -= 1.0;
            Ok(state.tokens.floor() as u64)
        } else {
            Err(Duration::from_secs_f64((1.0 - state.tokens) / self.tokens_per_second))
        }
    }

    /// Tokens available now (negative when reserved ahead).
    pub fn available(&self, now: Instant) -> f64 {
        let mut state = self.lock();
        self.refill(&mut state, now);
        state.tokens
    }
}

/// The declared limits a client enforces (filled in by the generated builder).
#[derive(Debug, Clone, Default)]
pub struct RateLimitConfig {
    /// The spec's default limit: one bucket shared by every operation without its own.
    pub default: Option<RateLimit>,
    /// Operations with their own limit, by operation name.
    pub operations: Vec<(&'static str, RateLimit)>,
    /// Quotas over longer windows (`10000/day`), shared by all operations.
    pub quotas: Vec<RateLimit>,
    /// Response header with the requests left in the server's window
    /// (`X-RateLimit-Remaining`).
    pub remaining_header: Option<&'static str>,
    /// Response header with the server's window reset, Unix seconds or delta-seconds
    /// (`X-RateLimit-Reset`).
    pub reset_header: Option<&'static str>,
    /// What the reset header's number counts (`ResetUnit::Auto`: by size).
    pub reset_unit: ResetUnit,
    /// Response header with `used/limit` in one value (Shopify's
    /// `X-Shopify-Shop-Api-Call-Limit: 32/40`).
    pub usage_header: Option<&'static str>,
    /// Read the IETF `RateLimit` field (draft-ietf-httpapi-ratelimit-headers-10).
    pub ietf_fields: bool,
}

impl RateLimitConfig {
    /// Where the server reports its window.
    pub fn header_shape(&self) -> HeaderShape {
        HeaderShape {
            remaining_header: self.remaining_header,
            reset_header: self.reset_header,
            reset_unit: self.reset_unit,
            usage_header: self.usage_header,
            ietf_fields: self.ietf_fields,
        }
    }
}

/// The buckets of one client, shared by its clones.
#[derive(Debug)]
pub struct RateLimiter {
    config: RateLimitConfig,
    default: Option<Arc<TokenBucket>>,
    operations: HashMap<&'static str, Arc<TokenBucket>>,
    quotas: Vec<TokenBucket>,
    /// The fleet's buckets (issue 19), with this client's key prefix.
    shared: Option<SharedBuckets>,
}

/// A shared store and the key of each of this client's buckets in it.
#[derive(Debug)]
struct SharedBuckets {
    store: Arc<dyn RateLimitStore>,
    default_key: String,
    operation_keys: HashMap<&'static str, String>,
    quota_keys: Vec<String>,
}

impl RateLimiter {
    /// Full buckets for every declared limit.
    pub fn new(config: RateLimitConfig) -> Self {
        RateLimiter {
            default: config.default.map(|limit| Arc::new(TokenBucket::new(limit))),
            operations: config
                .operations
                .iter()
                .map(|(name, limit)| (*name, Arc::new(TokenBucket::new(*limit))))
                .collect(),
            quotas: config.quotas.iter().map(|limit| TokenBucket::new(*limit)).collect(),
            config,
            shared: None,
        }
    }

    /// Shares the buckets through `store` with every client whose keys start with `prefix`
    /// (the API and the credential: [`crate::store::SharedState::client_prefix`]). The
    /// in-process buckets stay, answering whenever the store does not.
    pub fn share(&mut self, store: Arc<dyn RateLimitStore>, prefix: &str) {
        self.shared = Some(SharedBuckets {
            store,
            default_key: format!("{prefix}:rate:default"),
            operation_keys: self.operations.keys().map(|name| (*name, format!("{prefix}:rate:op:{name}"))).collect(),
            quota_keys: self
                .config
                .quotas
                .iter()
                .enumerate()
                .map(|(i, limit)| format!("{prefix}:rate:quota:{i}:{}/{}ms", limit.requests, limit.window.as_millis()))
                .collect(),
        });
    }

    /// Whether the buckets are shared with a fleet.
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// The shared buckets a request of `operation` draws from: its own or the default, and
    /// every quota.
    fn shared_buckets<'a>(&'a self, shared: &'a SharedBuckets, operation: &str) -> Vec<BucketRef<'a>> {
        let mut buckets = Vec::with_capacity(1 + self.quotas.len());
        if let Some((name, bucket)) = self.operations.get_key_value(operation) {
            buckets.push(BucketRef { key: &shared.operation_keys[name], limit: bucket.limit() });
        } else if let Some(bucket) = &self.default {
            buckets.push(BucketRef { key: &shared.default_key, limit: bucket.limit() });
        }
        for (quota, key) in self.quotas.iter().zip(&shared.quota_keys) {
            buckets.push(BucketRef { key, limit: quota.limit() });
        }
        buckets
    }

    /// The bucket an operation draws from: its own, or the default.
    pub fn bucket(&self, operation: &str) -> Option<&TokenBucket> {
        self.operations.get(operation).or(self.default.as_ref()).map(|bucket| &**bucket)
    }

    /// When a request of `operation` may be sent: takes a token from its bucket and from
    /// every quota, and returns the latest of their due instants.
    pub fn reserve(&self, operation: &str, now: Instant) -> Instant {
        let mut due = now;
        if let Some(bucket) = self.bucket(operation) {
            due = due.max(bucket.reserve(now));
        }
        for quota in &self.quotas {
            due = due.max(quota.reserve(now));
        }
        due
    }

    /// Waits until a request of `operation` may be sent; returns how long it waited.
    /// With shared buckets, the reservation is one store operation for the fleet; when the
    /// store does not answer, this client's own buckets decide.
    pub async fn acquire(&self, operation: &str) -> Duration {
        if let Some(shared) = &self.shared {
            let buckets = self.shared_buckets(shared, operation);
            match shared.store.reserve(&buckets).await {
                Ok(wait) => {
                    if !wait.is_zero() {
                        tokio::time::sleep(wait).await;
                    }
                    return wait;
                }
                Err(error) => tracing::debug!(%error, "rate limit reserved in process"),
            }
        }
        let now = Instant::now();
        let due = self.reserve(operation, now);
        if due > now {
            tokio::time::sleep_until(due).await;
        }
        due - now
    }

    /// Tightens the operation's bucket from the declared rate-limit response headers, in
    /// their declared shape ([`HeaderShape`]).
    pub fn observe(&self, operation: &str, headers: &HeaderMap) {
        let Some(bucket) = self.bucket(operation) else { return };
        let report = self.config.header_shape().read(headers, SystemTime::now());
        bucket.observe(Instant::now(), report.remaining, report.reset_after);
    }

    /// [`Self::observe`], and the same report applied to the shared bucket when there is one.
    pub async fn observe_shared(&self, operation: &str, headers: &HeaderMap) {
        self.observe(operation, headers);
        let Some(shared) = &self.shared else { return };
        let report = self.config.header_shape().read(headers, SystemTime::now());
        if report.remaining.is_none() {
            return;
        }
        let buckets = self.shared_buckets(shared, operation);
        if let Some(bucket) = buckets.first().filter(|bucket| !shared.quota_keys.iter().any(|key| key == bucket.key))
            && let Err(error) = shared.store.observe(*bucket, report.remaining, report.reset_after).await
        {
            tracing::debug!(%error, "server rate-limit report applied in process only");
        }
    }

    /// The configuration this limiter enforces.
    pub fn config(&self) -> &RateLimitConfig {
        &self.config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn per_minute(requests: u32, burst: u32) -> RateLimit {
        RateLimit { requests, window: Duration::from_secs(60), burst }
    }

    #[tokio::test(start_paused = true)]
    async fn the_eleventh_request_waits_for_a_token() {
        let bucket = TokenBucket::new(per_minute(100, 10));
        let start = Instant::now();
        for _ in 0..10 {
            assert_eq!(bucket.reserve(start), start);
        }
        // 100/minute refills one token every 0.6 s.
        let due = bucket.reserve(start);
        assert_eq!(due - start, Duration::from_millis(600));
        let due = bucket.reserve(start);
        assert_eq!(due - start, Duration::from_millis(1200));
    }

    #[tokio::test(start_paused = true)]
    async fn the_server_tightens_the_bucket() {
        let bucket = TokenBucket::new(per_minute(100, 10));
        let start = Instant::now();
        bucket.observe(start, Some(0), Some(Duration::from_secs(30)));
        assert_eq!(bucket.reserve(start) - start, Duration::from_secs(30));
        // A larger remaining never loosens the bucket.
        bucket.observe(start, Some(1_000), None);
        assert!(bucket.available(start) < 0.0);
    }

    #[tokio::test(start_paused = true)]
    async fn shopifys_call_limit_header_tightens_the_bucket() {
        // Shopify's leaky bucket: 40 requests, 2 per second leak.
        let limiter = RateLimiter::new(RateLimitConfig {
            default: Some(RateLimit { requests: 2, window: Duration::from_secs(1), burst: 40 }),
            usage_header: Some("x-shopify-shop-api-call-limit"),
            ..RateLimitConfig::default()
        });
        let start = Instant::now();
        let mut headers = HeaderMap::new();
        headers.insert("x-shopify-shop-api-call-limit", reqwest::header::HeaderValue::from_static("40/40"));
        limiter.observe("list_orders", &headers);
        // The server's bucket is full: the next request waits for one leak (0.5 s), not 0.
        let waited = limiter.acquire("list_orders").await;
        assert_eq!(waited, Duration::from_millis(500));
        assert_eq!(Instant::now() - start, Duration::from_millis(500));
    }

    #[tokio::test(start_paused = true)]
    async fn the_ietf_ratelimit_field_holds_requests_until_its_reset() {
        let limiter = RateLimiter::new(RateLimitConfig {
            default: Some(per_minute(100, 100)),
            ietf_fields: true,
            ..RateLimitConfig::default()
        });
        let mut headers = HeaderMap::new();
        headers.insert("ratelimit", reqwest::header::HeaderValue::from_static(r#""default";r=0;t=30"#));
        limiter.observe("list", &headers);
        assert_eq!(limiter.acquire("list").await, Duration::from_secs(30));
    }

    #[tokio::test(start_paused = true)]
    async fn quotas_apply_to_every_operation() {
        let limiter = RateLimiter::new(RateLimitConfig {
            default: Some(per_minute(100, 100)),
            operations: vec![("create", per_minute(10, 1))],
            quotas: vec![RateLimit { requests: 2, window: Duration::from_secs(86_400), burst: 2 }],
            remaining_header: None,
            reset_header: None,
            reset_unit: ResetUnit::Auto,
            usage_header: None,
            ietf_fields: false,
        });
        let start = Instant::now();
        assert_eq!(limiter.reserve("list", start), start);
        assert_eq!(limiter.reserve("create", start), start);
        // The daily quota of 2 is spent: the next request waits half a day for a token.
        assert_eq!(limiter.reserve("list", start) - start, Duration::from_secs(43_200));
        let waited = limiter.acquire("other").await;
        assert_eq!(waited, Duration::from_secs(86_400));
    }
}
