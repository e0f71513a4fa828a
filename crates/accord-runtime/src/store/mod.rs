//! Store traits: the state a fleet of processes running one client would share, behind
//! small async, fallible traits whose every operation is atomic on its own, with in-process
//! defaults ([`memory`]). A networked implementation (issue 19: Redis or Valkey) is one file
//! that implements these traits, each operation one round trip (a Lua script where an
//! operation reads and writes, as [`CircuitStore::admit`] and [`CircuitStore::record`] do).
//!
//! - [`CircuitStore`]: circuit breaker state per key, with the transitions of
//!   [`circuit::CircuitState`] applied atomically (a read-modify-write; in Redis a script
//!   over one hash, reading the clock with `TIME` so every process agrees on it).
//! - [`NonceStore`]: nonces of signed requests seen within their window (replay
//!   protection; in Redis `SET key 1 NX PX ttl`).
//! - [`CacheStore`] (feature `cache`): response cache entries with a time to live (in Redis,
//!   `SET key value PX ttl`, the entry serialised with serde: `http-cache-semantics`'s
//!   `CachePolicy` is `Serialize`).
//!
//! - [`RateLimitStore`]: a reservation in every bucket of a request, and the server's
//!   report applied to a bucket (in Redis, GCRA in a Lua script); the in-process default is
//!   the client's own [`crate::rate_limit::TokenBucket`]s.
//! - [`TokenCacheStore`] (defined in [`crate::auth::token_cache`]): OAuth 2.0 access
//!   tokens with a TTL of their expiry and a fetch lease, so a fleet fetches one token; the
//!   in-process default is [`crate::auth::OAuth2`]'s own cache.
//! - [`DeliveryStore`]: webhook delivery ids within the replay window (`SET NX`).
//!
//! [`SharedState`] bundles them for a generated builder's `.shared_state(…)`; [`redis`]
//! (feature `redis`) implements every trait on one connection.
//!
//! A store error never fails a request: the caller logs it and decides as if the store were
//! empty (cache) or closed (circuit), the "missing coordinator degrades to local state" rule
//! of the design.

pub mod circuit;
pub mod delivery;
pub mod memory;
pub mod nonce;
pub mod rate_limit;
/// The store traits on Redis or Valkey (issue 19; runtime feature `redis`).
#[cfg(feature = "redis")]
pub mod redis;
#[cfg(feature = "shared-state")]
pub mod shared;

#[cfg(feature = "cache")]
pub mod cache;

use std::fmt;

pub use crate::auth::BoxFuture;
#[cfg(feature = "shared-state")]
pub use crate::auth::token_cache::{SharedToken, SharedTokens, TokenCacheStore, token_digest};
#[cfg(feature = "cache")]
pub use cache::{CacheEntry, CacheStore};
pub use circuit::{Admission, CallOutcome, CircuitPhase, CircuitSettings, CircuitSnapshot, CircuitStore, Transition};
pub use delivery::DeliveryStore;
#[cfg(feature = "cache")]
pub use memory::MemoryCacheStore;
pub use memory::MemoryCircuitStore;
pub use nonce::{MemoryNonceStore, NonceStore};
pub use rate_limit::{BucketRef, RateLimitStore};
#[cfg(feature = "shared-state")]
pub use shared::{MemoryDeliveryStore, SharedState};

/// What every store operation returns: a boxed future (the traits are object-safe, so a
/// client holds `Arc<dyn CircuitStore>`) of a fallible result.
pub type StoreFuture<'a, T> = BoxFuture<'a, Result<T, StoreError>>;

/// A store could not answer (connection refused, timeout, a script error). The message
/// names the operation and never carries a stored value (a cached body or a token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    message: String,
}

impl StoreError {
    /// An error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        StoreError { message: message.into() }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "store error: {}", self.message)
    }
}

impl std::error::Error for StoreError {}
