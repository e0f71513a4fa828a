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
//! What stays in process today and how it would plug in: the rate-limit buckets
//! ([`crate::rate_limit::TokenBucket`]) reserve a slot and return the instant to wait for;
//! shared, that is one operation `reserve(key, limit, burst) -> wait` (GCRA in a Lua script,
//! the theoretical arrival time as the one stored value) plus `observe(key, remaining,
//! reset)`. The OAuth2 token cache ([`crate::auth::OAuth2`]) would be `get(key) -> token`,
//! `put(key, token, ttl = expires_in)` and a lease (`SET lock NX PX lease`) so one process
//! fetches while the others wait. Both keep their current in-process types as the default.
//!
//! A store error never fails a request: the caller logs it and decides as if the store were
//! empty (cache) or closed (circuit), the "missing coordinator degrades to local state" rule
//! of the design.

pub mod circuit;
pub mod memory;
pub mod nonce;

#[cfg(feature = "cache")]
pub mod cache;

use std::fmt;

pub use crate::auth::BoxFuture;
#[cfg(feature = "cache")]
pub use cache::{CacheEntry, CacheStore};
pub use circuit::{Admission, CallOutcome, CircuitPhase, CircuitSettings, CircuitSnapshot, CircuitStore, Transition};
#[cfg(feature = "cache")]
pub use memory::MemoryCacheStore;
pub use memory::MemoryCircuitStore;
pub use nonce::{MemoryNonceStore, NonceStore};

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
