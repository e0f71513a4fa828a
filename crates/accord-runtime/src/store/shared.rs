//! [`SharedState`]: the stores a client (and a webhook receiver) shares with the other
//! processes of its fleet, handed to a generated builder's `.shared_state(…)`. Generated
//! code only passes it along; which store backs it is the application's choice:
//! [`SharedState::redis`] (feature `redis`), or any implementation of the store traits
//! ([`SharedState::new`] and its `with_*` methods: a database, another coordinator).
//!
//! Keys: everything a client stores is under `accord:{API:CREDENTIAL}:…`, the API's name
//! (the spec's `name`) and a SHA-256 prefix of the credentials the client holds (never the
//! credentials), so two services using one account share a bucket and two accounts never
//! do. The braces are a Redis Cluster hash tag: one client's keys live on one shard, so a
//! script may touch several. Webhook deliveries are under `accord:{API}:delivery:ID`.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::StoreFuture;
use super::circuit::CircuitStore;
use super::delivery::DeliveryStore;
use super::rate_limit::RateLimitStore;
use crate::auth::token_cache::TokenCacheStore;

/// The stores a fleet shares, each optional (what is absent stays in process), and the
/// name of the API they are for.
#[derive(Clone, Default)]
pub struct SharedState {
    api: Option<String>,
    rate_limits: Option<Arc<dyn RateLimitStore>>,
    tokens: Option<Arc<dyn TokenCacheStore>>,
    token_lease: Duration,
    deliveries: Option<Arc<dyn DeliveryStore>>,
    circuits: Option<Arc<dyn CircuitStore>>,
    #[cfg(feature = "cache")]
    cache: Option<Arc<dyn super::CacheStore>>,
    /// Deliveries seen by this process, answering when the shared store does not.
    local_deliveries: Arc<MemoryDeliveryStore>,
}

impl fmt::Debug for SharedState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedState")
            .field("api", &self.api)
            .field("rate_limits", &self.rate_limits)
            .field("tokens", &self.tokens)
            .field("deliveries", &self.deliveries)
            .field("circuits", &self.circuits)
            .finish_non_exhaustive()
    }
}

impl SharedState {
    /// Nothing shared yet: add stores with the `with_*` methods.
    pub fn new() -> Self {
        SharedState { token_lease: Duration::from_secs(10), ..SharedState::default() }
    }

    /// Every store on the Redis (or Valkey) server at `url`, one connection for all of
    /// them, operations bounded by `options.timeout` (see [`super::redis`]). Nothing is
    /// connected until the first request, so a client builds while the server is down.
    ///
    /// Errors: `url` is not a Redis URL.
    #[cfg(feature = "redis")]
    pub fn redis(url: &str, options: super::redis::RedisOptions) -> Result<Self, super::StoreError> {
        let store = Arc::new(super::redis::RedisStore::new(url, options)?);
        Ok(Self::with_redis_store(store))
    }

    /// Every store on one existing [`super::redis::RedisStore`] (to read its counters).
    #[cfg(feature = "redis")]
    pub fn with_redis_store(store: Arc<super::redis::RedisStore>) -> Self {
        let state = SharedState::new()
            .with_rate_limits(store.clone())
            .with_tokens(store.clone(), store.options().token_lease)
            .with_deliveries(store.clone())
            .with_circuits(store.clone());
        #[cfg(feature = "cache")]
        let state = state.with_cache(store);
        state
    }

    /// Rate-limit buckets in `store`.
    pub fn with_rate_limits(mut self, store: Arc<dyn RateLimitStore>) -> Self {
        self.rate_limits = Some(store);
        self
    }

    /// OAuth 2.0 client-credentials access tokens in `store`, one fetch for the fleet, a
    /// fetch lease held at most `lease`.
    pub fn with_tokens(mut self, store: Arc<dyn TokenCacheStore>, lease: Duration) -> Self {
        self.tokens = Some(store);
        self.token_lease = lease;
        self
    }

    /// Webhook delivery ids in `store`.
    pub fn with_deliveries(mut self, store: Arc<dyn DeliveryStore>) -> Self {
        self.deliveries = Some(store);
        self
    }

    /// Circuit breaker state in `store`.
    pub fn with_circuits(mut self, store: Arc<dyn CircuitStore>) -> Self {
        self.circuits = Some(store);
        self
    }

    /// Cached responses in `store`.
    #[cfg(feature = "cache")]
    pub fn with_cache(mut self, store: Arc<dyn super::CacheStore>) -> Self {
        self.cache = Some(store);
        self
    }

    /// The same stores for the API named `api` (a generated builder passes the spec's
    /// `name`); keys are namespaced by it.
    pub fn for_api(mut self, api: impl Into<String>) -> Self {
        self.api = Some(api.into());
        self
    }

    /// The API's name (`api` when none was given).
    pub fn api(&self) -> &str {
        self.api.as_deref().unwrap_or("api")
    }

    /// The key prefix of a client holding credentials whose identity hashes to
    /// `credential` (lowercase hex): `accord:{API:CREDENTIAL}`.
    pub fn client_prefix(&self, credential: &str) -> String {
        format!("accord:{{{}:{}}}", self.api(), credential)
    }

    /// The rate-limit store, if shared.
    pub fn rate_limits(&self) -> Option<&Arc<dyn RateLimitStore>> {
        self.rate_limits.as_ref()
    }

    /// The token store and its lease, if shared.
    pub fn tokens(&self) -> Option<(&Arc<dyn TokenCacheStore>, Duration)> {
        self.tokens.as_ref().map(|store| (store, self.token_lease))
    }

    /// The circuit store, if shared.
    pub fn circuits(&self) -> Option<&Arc<dyn CircuitStore>> {
        self.circuits.as_ref()
    }

    /// The cache store, if shared.
    #[cfg(feature = "cache")]
    pub fn cache(&self) -> Option<&Arc<dyn super::CacheStore>> {
        self.cache.as_ref()
    }

    /// Whether the webhook delivery `id` is seen for the first time by the fleet within
    /// `window` (the provider's replay window, e.g. the signature timestamp tolerance):
    /// `true` means process the event, `false` acknowledge and do nothing. Providers
    /// deliver at least once, to any replica; the shared store (Redis: `SET NX PX`)
    /// recognises a redelivery to another replica. When the store does not answer, this
    /// process's own memory decides (a redelivery to another replica is then processed
    /// again: at-least-once, never lost).
    pub async fn first_delivery(&self, id: &str, window: Duration) -> bool {
        let key = format!("accord:{{{}}}:delivery:{id}", self.api());
        let local = self.local_deliveries.first_delivery(&key, window).await.unwrap_or(true);
        match &self.deliveries {
            Some(store) => match store.first_delivery(&key, window).await {
                Ok(first) => first,
                Err(error) => {
                    tracing::debug!(%error, "webhook de-duplication answered in process");
                    local
                }
            },
            None => local,
        }
    }
}

/// Delivery ids of one process with their windows (the in-process [`DeliveryStore`]):
/// expired ids are dropped when the map holds more than 100,000.
#[derive(Debug, Default)]
pub struct MemoryDeliveryStore {
    seen: Mutex<HashMap<String, Instant>>,
}

impl MemoryDeliveryStore {
    /// Most ids held before expired ones are swept.
    const SWEEP_ABOVE: usize = 100_000;
}

impl DeliveryStore for MemoryDeliveryStore {
    fn first_delivery<'a>(&'a self, key: &'a str, window: Duration) -> StoreFuture<'a, bool> {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.len() > Self::SWEEP_ABOVE {
            seen.retain(|_, until| *until > now);
        }
        let first = match seen.get(key) {
            Some(until) if *until > now => false,
            _ => {
                seen.insert(key.to_string(), now + window);
                true
            }
        };
        Box::pin(std::future::ready(Ok(first)))
    }
}
