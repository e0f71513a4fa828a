//! Response caching (feature `cache`, issue 18): an RFC 9111 private cache in front of
//! [`crate::Client::execute`]. The rules are `http-cache-semantics`'s (`Cache-Control`
//! `max-age`, `no-store`, `no-cache`, `must-revalidate`, `private`; `Expires`; `Vary`;
//! revalidation with `If-None-Match`/`If-Modified-Since` and 304 Not Modified, RFC 9111 §4.3
//! and RFC 9110 §13.1); the store is a [`CacheStore`], by default a bounded `moka` cache.
//!
//! What accord adds to the RFC's rules:
//! - only safe methods are cached (`GET`, `HEAD`; RFC 9110 §9.2.1), and only endpoints the
//!   spec does not turn off (`cache: { enabled: false }`);
//! - a request that carries credentials is never answered from the cache nor stored, unless
//!   its endpoint is declared `per_credential`: then the key holds a SHA-256 of the
//!   credential (never the credential), so one caller never sees another's response;
//! - an endpoint may declare a `ttl` for responses that carry no freshness information
//!   (neither `Cache-Control` nor `Expires`): they are stored as if they said
//!   `Cache-Control: private, max-age=TTL` (seed 003's TTL cache). A `no-store` still wins;
//! - a stale entry with a validator (`ETag`, `Last-Modified`) is kept one day past its
//!   freshness so that it can be revalidated.
//!
//! The cache's clock is tokio's (a wall-clock instant taken once plus tokio's elapsed time),
//! so paused-time tests age entries.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http_cache_semantics::{AfterResponse, BeforeRequest, CacheOptions, CachePolicy, RequestLike, ResponseLike};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::time::Instant;

use crate::response::RawResponse;
use crate::store::{CacheEntry, CacheStore, MemoryCacheStore};

/// How long a stale entry that can be revalidated is kept past its freshness.
pub const KEEP_FOR_REVALIDATION: Duration = Duration::from_secs(24 * 3600);

/// What the spec declares for one endpoint's caching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointCache {
    /// The operation.
    pub operation: &'static str,
    /// `false`: never cached.
    pub enabled: bool,
    /// Freshness for responses without `Cache-Control` or `Expires`.
    pub ttl: Option<Duration>,
    /// Responses differ per credential: cache them keyed by a hash of it.
    pub per_credential: bool,
}

/// A spec's `cache`, as a generated builder passes it.
#[derive(Debug, Clone)]
pub struct CacheConfig {
    /// Most entries held (in-process store).
    pub max_entries: u64,
    /// Most bytes held, bodies and headers (in-process store).
    pub max_bytes: u64,
    /// Endpoints with declarations of their own; the others are cached by HTTP's rules,
    /// without a TTL of their own and only without credentials.
    pub endpoints: &'static [EndpointCache],
    /// Where entries live; `None`: this process ([`MemoryCacheStore`]).
    pub store: Option<Arc<dyn CacheStore>>,
}

/// The response cache of one client (shared by its clones).
#[derive(Debug)]
pub struct ResponseCache {
    endpoints: &'static [EndpointCache],
    store: Arc<dyn CacheStore>,
    wall_epoch: SystemTime,
    epoch: Instant,
}

/// What to do with a request, from [`ResponseCache::lookup`].
#[derive(Debug)]
pub enum Lookup {
    /// Not cacheable: send it and store nothing.
    Bypass,
    /// A fresh stored response: return it without sending.
    Fresh(RawResponse),
    /// Send it (with `conditional`'s headers when a stale entry can be revalidated), then
    /// hand the response to [`ResponseCache::complete`].
    Send(Pending),
}

/// A request on its way to the server, whose response the cache will see.
#[derive(Debug)]
pub struct Pending {
    key: String,
    request: CacheRequest,
    stale: Option<Arc<CacheEntry>>,
    ttl: Option<Duration>,
    /// Revalidation headers to add (`If-None-Match`, `If-Modified-Since`).
    pub conditional: Vec<(HeaderName, HeaderValue)>,
}

/// The request as the cache rules see it.
#[derive(Debug, Clone)]
struct CacheRequest {
    uri: http::Uri,
    method: http::Method,
    headers: HeaderMap,
}

impl RequestLike for CacheRequest {
    fn uri(&self) -> http::Uri {
        self.uri.clone()
    }
    fn is_same_uri(&self, other: &http::Uri) -> bool {
        &self.uri == other
    }
    fn method(&self) -> &http::Method {
        &self.method
    }
    fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

struct CacheResponse<'a> {
    status: http::StatusCode,
    headers: &'a HeaderMap,
}

impl ResponseLike for CacheResponse<'_> {
    fn status(&self) -> http::StatusCode {
        self.status
    }
    fn headers(&self) -> &HeaderMap {
        self.headers
    }
}

/// Whose response a request gets: none (no credentials sent), or a SHA-256 of the
/// credentials it carries (hex), or credentials that cannot be fingerprinted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialKey {
    /// The request carries no credentials.
    Anonymous,
    /// A SHA-256 of what the request's credentials are made of, hex-encoded.
    Hashed(String),
    /// Credentials whose identity the runtime cannot read (a user's own scheme).
    Opaque,
}

impl ResponseCache {
    /// The cache of `config`.
    pub fn new(config: CacheConfig) -> Self {
        ResponseCache {
            endpoints: config.endpoints,
            store: config
                .store
                .unwrap_or_else(|| Arc::new(MemoryCacheStore::new(config.max_entries, config.max_bytes))),
            wall_epoch: SystemTime::now(),
            epoch: Instant::now(),
        }
    }

    /// The cache's now: wall-clock time moved by tokio's clock.
    fn now(&self) -> SystemTime {
        self.wall_epoch + self.epoch.elapsed()
    }

    fn endpoint(&self, operation: &str) -> Option<&EndpointCache> {
        self.endpoints.iter().find(|endpoint| endpoint.operation == operation)
    }

    /// Whether a request of `operation` with `method` may be answered from the cache at all
    /// (a safe method, and not turned off); checked before anything is computed for it.
    pub fn may_cache(&self, operation: &str, method: &http::Method) -> bool {
        (method == http::Method::GET || method == http::Method::HEAD)
            && !self.endpoint(operation).is_some_and(|endpoint| !endpoint.enabled)
    }

    /// Whether `operation` is declared per credential (its key holds a hash of it).
    pub fn per_credential(&self, operation: &str) -> bool {
        self.endpoint(operation).is_some_and(|endpoint| endpoint.per_credential)
    }

    /// Looks a request up: `method` and `url` as sent, `headers` its own headers (matched
    /// against a stored response's `Vary`), `credential` what it carries.
    pub async fn lookup(
        &self,
        operation: &'static str,
        method: &http::Method,
        url: &str,
        headers: HeaderMap,
        credential: CredentialKey,
    ) -> Lookup {
        if !(method == http::Method::GET || method == http::Method::HEAD) {
            return Lookup::Bypass;
        }
        let declared = self.endpoint(operation);
        if declared.is_some_and(|endpoint| !endpoint.enabled) {
            return Lookup::Bypass;
        }
        let per_credential = declared.is_some_and(|endpoint| endpoint.per_credential);
        let mut key = format!("{method} {url}");
        match credential {
            CredentialKey::Anonymous => {}
            CredentialKey::Hashed(hash) if per_credential => {
                key.push_str(" credential:");
                key.push_str(&hash);
            }
            CredentialKey::Hashed(_) | CredentialKey::Opaque => return Lookup::Bypass,
        }
        let Ok(uri) = url.parse::<http::Uri>() else { return Lookup::Bypass };
        let request = CacheRequest { uri, method: method.clone(), headers };
        let ttl = declared.and_then(|endpoint| endpoint.ttl);
        let stored = match self.store.get(&key).await {
            Ok(stored) => stored,
            Err(error) => {
                tracing::warn!(%error, "cache store unavailable; sending the request");
                None
            }
        };
        let Some(entry) = stored else {
            crate::metrics::cache(operation, "miss");
            return Lookup::Send(Pending { key, request, stale: None, ttl, conditional: Vec::new() });
        };
        match entry.policy.before_request(&request, self.now()) {
            BeforeRequest::Fresh(parts) => {
                crate::metrics::cache(operation, "hit");
                tracing::debug!(operation, "served from the response cache");
                Lookup::Fresh(RawResponse { status: entry.status, headers: parts.headers, body: entry.body.clone() })
            }
            BeforeRequest::Stale { request: revalidation, matches } => {
                let conditional = if matches {
                    [http::header::IF_NONE_MATCH, http::header::IF_MODIFIED_SINCE]
                        .into_iter()
                        .filter_map(|name| revalidation.headers.get(&name).map(|value| (name, value.clone())))
                        .collect()
                } else {
                    Vec::new()
                };
                let stale = (matches && !conditional.is_empty()).then_some(entry);
                if stale.is_none() {
                    crate::metrics::cache(operation, "miss");
                }
                Lookup::Send(Pending { key, request, stale, ttl, conditional })
            }
        }
    }

    /// Hands the response to a [`Lookup::Send`] to the cache: a 304 to a revalidation
    /// returns the stored response with the new headers (and stores it fresh again); a
    /// storable response is stored; anything else removes what the key held.
    pub async fn complete(&self, operation: &'static str, pending: Pending, raw: RawResponse) -> RawResponse {
        let Pending { key, request, stale, ttl, conditional } = pending;
        let now = self.now();
        let Ok(status) = http::StatusCode::from_u16(raw.status) else { return raw };
        if let (Some(entry), 304) = (&stale, raw.status) {
            let headers = with_validators_sent(&raw.headers, &conditional);
            let response = CacheResponse { status, headers: &headers };
            match entry.policy.after_response(&request, &response, now) {
                AfterResponse::NotModified(policy, parts) => {
                    crate::metrics::cache(operation, "revalidated");
                    tracing::debug!(operation, "stored response revalidated (304)");
                    let refreshed = Arc::new(CacheEntry { policy, status: entry.status, body: entry.body.clone() });
                    self.store_entry(&key, refreshed, &parts.headers, now).await;
                    return RawResponse { status: entry.status, headers: parts.headers, body: entry.body.clone() };
                }
                AfterResponse::Modified(..) => {
                    // A 304 whose validators do not match what is stored: nothing to serve.
                    let _ = self.store.remove(&key).await;
                    return raw;
                }
            }
        }
        if stale.is_some() {
            crate::metrics::cache(operation, "miss");
        }
        let mut headers = raw.headers.clone();
        if let Some(ttl) = ttl
            && !headers.contains_key(http::header::CACHE_CONTROL)
            && !headers.contains_key(http::header::EXPIRES)
            && let Ok(value) = HeaderValue::from_str(&format!("private, max-age={}", ttl.as_secs()))
        {
            headers.insert(http::header::CACHE_CONTROL, value);
        }
        let options = CacheOptions { shared: false, ..CacheOptions::default() };
        let policy = CachePolicy::new_options(&request, &CacheResponse { status, headers: &headers }, now, options);
        if policy.is_storable() && (200..300).contains(&raw.status) {
            let entry = Arc::new(CacheEntry { policy, status: raw.status, body: raw.body.clone() });
            self.store_entry(&key, entry, &headers, now).await;
        } else if let Err(error) = self.store.remove(&key).await {
            tracing::warn!(%error, "cache store unavailable");
        }
        raw
    }

    async fn store_entry(&self, key: &str, entry: Arc<CacheEntry>, headers: &HeaderMap, now: SystemTime) {
        let fresh_for = entry.policy.time_to_live(now);
        let validated = headers.contains_key(http::header::ETAG) || headers.contains_key(http::header::LAST_MODIFIED);
        let keep = if validated { fresh_for + KEEP_FOR_REVALIDATION } else { fresh_for };
        if keep.is_zero() {
            return;
        }
        let weight = entry.weight(headers);
        if let Err(error) = self.store.put(key, entry, weight, keep).await {
            tracing::warn!(%error, "cache store unavailable; response not stored");
        }
    }
}

/// The headers of a 304 as the revalidated entry is updated from: a 304 that carries no
/// validator (neither `ETag` nor `Last-Modified`) gets those of the stored response the
/// conditional request was made from (its `If-None-Match` and `If-Modified-Since`).
///
/// RFC 9111 §4.3.3 says a 304 means "the stored response can be updated and reused", and
/// §4.3.4 selects the stored response to update by the 304's validators; a cache that sent
/// the validators of exactly one stored response (this cache keeps one per key) knows which
/// response the 304 answers, as a server that omits `Last-Modified` from a 304 (RFC 9110
/// §15.4.5 requires only `ETag`, `Date`, `Vary`, `Content-Location`, `Cache-Control` and
/// `Expires` of it) expects. `http-cache-semantics` applies the selection rule strictly and
/// would reject such a 304, leaving the caller an unexpected 304 to a request it never
/// made conditional. A 304 with a validator of its own is left as it is, so a mismatched
/// `ETag` still refuses the update.
fn with_validators_sent(headers: &HeaderMap, conditional: &[(HeaderName, HeaderValue)]) -> HeaderMap {
    let mut headers = headers.clone();
    if headers.contains_key(http::header::ETAG) || headers.contains_key(http::header::LAST_MODIFIED) {
        return headers;
    }
    for (name, value) in conditional {
        if name == http::header::IF_NONE_MATCH {
            headers.insert(http::header::ETAG, value.clone());
        } else if name == http::header::IF_MODIFIED_SINCE {
            headers.insert(http::header::LAST_MODIFIED, value.clone());
        }
    }
    headers
}

/// The SHA-256 of the parts of a credential that make it one caller's, hex-encoded: what a
/// per-credential cache key holds instead of the credential.
pub fn credential_hash(parts: &[&[u8]]) -> String {
    use sha2::Digest as _;
    let mut hasher = sha2::Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}
