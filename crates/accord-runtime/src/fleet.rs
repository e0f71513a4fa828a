//! A client's state handed to the fleet's stores (issue 19): what [`crate::Client::new`]
//! does with [`crate::ClientConfig::shared_state`]. Each piece of state keeps its
//! in-process form and gains the shared store beside it, which it asks first and falls
//! back from:
//! - the rate limiter's buckets ([`RateLimiter::share`]);
//! - every OAuth 2.0 client-credentials token cache ([`crate::auth::OAuth2::share`]);
//! - the circuit breaker's and the response cache's store, unless the configuration named
//!   one already, under this client's key prefix ([`Prefixed`]).
//!
//! The key prefix is `accord:{API:CREDENTIAL}` ([`SharedState::client_prefix`]), where
//! CREDENTIAL is the first 16 hex digits of a SHA-256 over what identifies every credential
//! the client holds (the same bytes the per-credential cache key hashes; a user's own
//! scheme, which the runtime cannot read, counts as one anonymous identity).

use std::sync::Arc;

use sha2::Digest as _;

use crate::auth::token_cache::SharedTokens;
use crate::auth::{Auth, Credentials};
use crate::circuit::CircuitBreakerConfig;
use crate::rate_limit::RateLimiter;
use crate::store::{
    Admission, CallOutcome, CircuitSettings, CircuitSnapshot, CircuitStore, SharedState, StoreFuture, Transition,
};

/// The hex SHA-256 prefix that names the credentials a client holds in shared keys.
pub fn credential_digest(auth: &Auth, credentials: &Credentials) -> String {
    let mut identity = Vec::new();
    if !auth.identity(&mut identity) {
        identity.extend_from_slice(b"\0custom");
    }
    for name in credentials.names() {
        identity.extend_from_slice(name.as_bytes());
        if let Some(held) = credentials.get(name)
            && !held.identity(&mut identity)
        {
            identity.extend_from_slice(b"\0custom");
        }
    }
    let digest = sha2::Sha256::digest(&identity);
    hex::encode(&digest[..8])
}

/// The parts of a client's configuration that the fleet shares.
pub(crate) struct Shareable<'a> {
    pub auth: &'a Auth,
    pub credentials: &'a Credentials,
    pub rate_limiter: Option<&'a mut RateLimiter>,
    pub circuit_breaker: Option<&'a mut CircuitBreakerConfig>,
    #[cfg(feature = "cache")]
    pub cache: Option<&'a mut crate::cache::CacheConfig>,
}

/// Hands `parts` to the stores of `shared`.
pub(crate) fn share(shared: &SharedState, parts: Shareable<'_>) {
    let prefix = shared.client_prefix(&credential_digest(parts.auth, parts.credentials));
    if let (Some(store), Some(limiter)) = (shared.rate_limits(), parts.rate_limiter) {
        limiter.share(store.clone(), &prefix);
    }
    if let Some((store, lease)) = shared.tokens() {
        let mut oauth = Vec::new();
        if let Auth::OAuth2(flow) = parts.auth {
            oauth.push(("*", flow));
        }
        for name in parts.credentials.names() {
            if let Some(Auth::OAuth2(flow)) = parts.credentials.get(name) {
                oauth.push((name, flow));
            }
        }
        for (name, flow) in oauth {
            flow.share(SharedTokens::new(store.clone(), format!("{prefix}:token:{name}"), lease));
        }
    }
    if let (Some(store), Some(breaker)) = (shared.circuits(), parts.circuit_breaker)
        && breaker.store.is_none()
    {
        breaker.store = Some(Arc::new(Prefixed { prefix: format!("{prefix}:circuit:"), store: store.clone() }));
    }
    #[cfg(feature = "cache")]
    if let (Some(store), Some(cache)) = (shared.cache(), parts.cache)
        && cache.store.is_none()
    {
        cache.store = Some(Arc::new(Prefixed { prefix: format!("{prefix}:cache:"), store: store.clone() }));
    }
}

/// A store whose keys are put under a prefix, so that two APIs (or two accounts) sharing one
/// server never share a circuit or a cached response.
#[derive(Debug)]
pub struct Prefixed<S: ?Sized> {
    /// Put before every key.
    pub prefix: String,
    /// The store.
    pub store: Arc<S>,
}

impl<S: ?Sized> Prefixed<S> {
    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }
}

impl CircuitStore for Prefixed<dyn CircuitStore> {
    fn admit<'a>(
        &'a self,
        key: &'a str,
        settings: &'a CircuitSettings,
    ) -> StoreFuture<'a, (Admission, Option<Transition>)> {
        Box::pin(async move { self.store.admit(&self.key(key), settings).await })
    }

    fn record<'a>(
        &'a self,
        key: &'a str,
        outcome: CallOutcome,
        settings: &'a CircuitSettings,
    ) -> StoreFuture<'a, Option<Transition>> {
        Box::pin(async move { self.store.record(&self.key(key), outcome, settings).await })
    }

    fn snapshot<'a>(&'a self, key: &'a str, settings: &'a CircuitSettings) -> StoreFuture<'a, CircuitSnapshot> {
        Box::pin(async move { self.store.snapshot(&self.key(key), settings).await })
    }
}

#[cfg(feature = "cache")]
impl crate::store::CacheStore for Prefixed<dyn crate::store::CacheStore> {
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Arc<crate::store::CacheEntry>>> {
        Box::pin(async move { self.store.get(&self.key(key)).await })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        entry: Arc<crate::store::CacheEntry>,
        weight: usize,
        ttl: std::time::Duration,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move { self.store.put(&self.key(key), entry, weight, ttl).await })
    }

    fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move { self.store.remove(&self.key(key)).await })
    }
}
