//! The response cache as a store operation: [`CacheEntry`] (the RFC 9111 policy of a stored
//! response and its body) and [`CacheStore`], get and put-with-TTL by key.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::StoreFuture;

/// A stored response: the rules that decide its reuse (`http-cache-semantics`'s
/// `CachePolicy`, which holds the request and response headers it was stored with) and its
/// body. Both are serde-serialisable, so a shared store keeps it as bytes.
#[derive(Clone)]
pub struct CacheEntry {
    /// The freshness and revalidation rules (RFC 9111 §4).
    pub policy: http_cache_semantics::CachePolicy,
    /// The stored status (the policy keeps it too, but not publicly).
    pub status: u16,
    /// The body as received.
    pub body: Vec<u8>,
}

impl CacheEntry {
    /// The bytes the entry costs in memory, for the store's byte bound: the body plus the
    /// names and values of the stored response headers.
    pub fn weight(&self, response_headers: &reqwest::header::HeaderMap) -> usize {
        self.body.len() + response_headers.iter().map(|(name, value)| name.as_str().len() + value.len()).sum::<usize>()
    }
}

impl fmt::Debug for CacheEntry {
    /// Neither the body nor the stored headers: either may hold personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CacheEntry").field("status", &self.status).field("body_bytes", &self.body.len()).finish()
    }
}

/// Response cache entries by key (method, URL and, for per-credential endpoints, a SHA-256
/// of the credential). Each operation is atomic on its own; a lost race stores one of two
/// equally valid responses.
pub trait CacheStore: Send + Sync + fmt::Debug {
    /// The entry stored under `key`, if any and not expired.
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Arc<CacheEntry>>>;

    /// Stores `entry` under `key` for `ttl` (after which the store may forget it), with
    /// `weight` bytes counted against the store's bound.
    fn put<'a>(&'a self, key: &'a str, entry: Arc<CacheEntry>, weight: usize, ttl: Duration) -> StoreFuture<'a, ()>;

    /// Forgets `key`.
    fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()>;
}
