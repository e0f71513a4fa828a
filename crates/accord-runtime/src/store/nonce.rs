//! Nonces seen, for replay protection of signed requests: a declared HMAC request signature
//! with a `nonce` place ([`crate::auth::signing::HmacSignature::nonce`]) is accepted once per
//! nonce within its window ([`crate::auth::signing::verify_fresh`]). The window is the
//! timestamp tolerance on either side of the server's clock, so a nonce only has to be
//! remembered while a request carrying it could still pass the timestamp check (the usual
//! pairing of a timestamp window with a nonce cache, as in OAuth 1.0's RFC 5849 §3.3: "the
//! server only has to keep nonce values for a limited time").
//!
//! [`NonceStore::remember`] is one atomic operation: in Redis, `SET key 1 NX PX ttl`, whose
//! answer says whether the nonce was new. [`MemoryNonceStore`] is the in-process default.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

#[cfg(feature = "signing")]
use std::time::SystemTime;

use tokio::time::Instant;

use super::StoreFuture;
#[cfg(feature = "signing")]
use crate::auth::ApiKeyLocation;
#[cfg(feature = "signing")]
use crate::auth::signing::{self, HmacSignature, Received, SigningError};
#[cfg(feature = "signing")]
use crate::secret::Secret;

/// Remembers nonces for a while; object-safe so a verifier holds `Arc<dyn NonceStore>`.
pub trait NonceStore: Send + Sync + std::fmt::Debug {
    /// Records `nonce` under `scope` (a credential or key id: nonces of different senders
    /// never collide) for `ttl`; `true` when it was not already recorded and unexpired (the
    /// request is fresh), `false` for a replay. Atomic: of two concurrent calls with one
    /// nonce, exactly one gets `true`.
    fn remember<'a>(&'a self, scope: &'a str, nonce: &'a str, ttl: Duration) -> StoreFuture<'a, bool>;
}

/// Nonces of one process, on tokio's clock, at most `capacity` of them: when full, expired
/// ones are dropped first, then the oldest (a nonce dropped early could be replayed within
/// its window, so size the capacity for the request rate × window; the default holds
/// 100,000).
#[derive(Debug)]
pub struct MemoryNonceStore {
    capacity: usize,
    inner: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    expiry: HashMap<(String, String), Instant>,
    /// Insertion order, for eviction.
    order: VecDeque<((String, String), Instant)>,
}

/// [`MemoryNonceStore::default`]'s capacity.
pub const DEFAULT_NONCE_CAPACITY: usize = 100_000;

impl Default for MemoryNonceStore {
    fn default() -> Self {
        MemoryNonceStore::with_capacity(DEFAULT_NONCE_CAPACITY)
    }
}

impl MemoryNonceStore {
    /// An empty store of [`DEFAULT_NONCE_CAPACITY`].
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store holding at most `capacity` nonces (at least 1).
    pub fn with_capacity(capacity: usize) -> Self {
        MemoryNonceStore { capacity: capacity.max(1), inner: Mutex::new(Seen::default()) }
    }

    /// [`NonceStore::remember`] without a future, for synchronous callers (the mock).
    pub fn remember_now(&self, scope: &str, nonce: &str, ttl: Duration) -> bool {
        let now = Instant::now();
        let mut seen = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = (scope.to_string(), nonce.to_string());
        if seen.expiry.get(&key).is_some_and(|expires| *expires > now) {
            return false;
        }
        // Drop expired entries from the front, then the oldest while full.
        while let Some((front, expires)) = seen.order.front().cloned() {
            let stale = seen.expiry.get(&front) != Some(&expires);
            if stale || expires <= now || seen.expiry.len() >= self.capacity {
                seen.order.pop_front();
                if !stale {
                    seen.expiry.remove(&front);
                }
            } else {
                break;
            }
        }
        let expires = now + ttl;
        seen.expiry.insert(key.clone(), expires);
        seen.order.push_back((key, expires));
        true
    }

    /// How many nonces are held (expired ones not yet dropped included).
    pub fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner).expiry.len()
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl NonceStore for MemoryNonceStore {
    fn remember<'a>(&'a self, scope: &'a str, nonce: &'a str, ttl: Duration) -> StoreFuture<'a, bool> {
        let fresh = self.remember_now(scope, nonce, ttl);
        Box::pin(async move { Ok(fresh) })
    }
}

/// How long a nonce is remembered when the scheme declares no timestamp tolerance: 5
/// minutes, the window Slack and Stripe give their signed timestamps.
pub const DEFAULT_NONCE_WINDOW: Duration = Duration::from_secs(300);

/// [`crate::auth::signing::verify`], then the nonce: a scheme declaring a `nonce` place
/// needs one on the request ([`SigningError::Missing`]) that `nonces` has not seen under
/// `scope` within the window ([`SigningError::Replayed`]). The window is twice the
/// timestamp tolerance (a request may be that far ahead or behind), or
/// [`DEFAULT_NONCE_WINDOW`]. Only a request whose signature verifies records its nonce, so
/// forged requests cannot burn a sender's nonces.
///
/// A store that cannot answer does not fail the request (the store rule of this module's
/// parent): the failure is logged and the request accepted on its signature and timestamp.
#[cfg(feature = "signing")]
pub async fn verify_fresh(
    scheme: &HmacSignature,
    key_id: Option<&str>,
    secret: &Secret,
    request: &Received<'_>,
    now: SystemTime,
    scope: &str,
    nonces: &dyn NonceStore,
) -> Result<(), SigningError> {
    signing::verify(scheme, key_id, secret, request, now)?;
    let Some(place) = &scheme.nonce else { return Ok(()) };
    let nonce = match place.location {
        ApiKeyLocation::Header => (request.header)(&place.name),
        ApiKeyLocation::Query => form_urlencoded::parse(request.query.as_bytes())
            .find(|(name, _)| name == place.name.as_str())
            .map(|(_, value)| value.into_owned()),
    };
    let nonce = nonce.filter(|nonce| !nonce.is_empty()).ok_or(SigningError::Missing("nonce"))?;
    let tolerance = scheme.timestamp.as_ref().map_or(0, |place| place.tolerance_seconds);
    let window = if tolerance > 0 { Duration::from_secs(tolerance * 2) } else { DEFAULT_NONCE_WINDOW };
    match nonces.remember(scope, &nonce, window).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(SigningError::Replayed),
        Err(error) => {
            tracing::warn!(%error, "nonce store unavailable; the request is accepted on its signature");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_nonce_is_fresh_once_per_window_and_per_scope() {
        let store = MemoryNonceStore::new();
        let window = Duration::from_secs(10);
        assert!(store.remember("key-a", "n1", window).await.expect("store"));
        assert!(!store.remember("key-a", "n1", window).await.expect("store"), "a replay");
        assert!(store.remember("key-b", "n1", window).await.expect("store"), "another sender's nonce");
        tokio::time::advance(Duration::from_secs(11)).await;
        assert!(
            store.remember("key-a", "n1", window).await.expect("store"),
            "expired: the timestamp check refuses it now"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_store_is_bounded_dropping_expired_then_oldest() {
        let store = MemoryNonceStore::with_capacity(3);
        for n in 0..3 {
            assert!(store.remember_now("k", &n.to_string(), Duration::from_secs(60)));
        }
        assert!(store.remember_now("k", "3", Duration::from_secs(60)));
        assert_eq!(store.len(), 3, "at capacity");
        assert!(store.remember_now("k", "0", Duration::from_secs(60)), "the oldest was dropped");
        assert!(!store.remember_now("k", "3", Duration::from_secs(60)), "a recent one is kept");
        tokio::time::advance(Duration::from_secs(61)).await;
        assert!(store.remember_now("k", "x", Duration::from_secs(1)));
        assert_eq!(store.len(), 1, "expired entries were dropped");
    }

    #[tokio::test]
    async fn concurrent_replays_get_exactly_one_fresh() {
        let store = std::sync::Arc::new(MemoryNonceStore::new());
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.remember("k", "same", Duration::from_secs(5)).await.expect("store") })
            })
            .collect();
        let mut fresh = 0;
        for task in tasks {
            fresh += usize::from(task.await.expect("task"));
        }
        assert_eq!(fresh, 1);
    }
}
