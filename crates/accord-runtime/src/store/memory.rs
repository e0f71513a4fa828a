//! The in-process defaults of the store traits: circuits in a mutex-guarded map on tokio's
//! clock (so paused-time tests move it), cache entries in a bounded `moka` cache.

use std::collections::HashMap;
#[cfg(feature = "cache")]
use std::sync::Arc;
use std::sync::Mutex;
#[cfg(feature = "cache")]
use std::time::Duration;

use tokio::time::Instant;

use super::StoreFuture;
use super::circuit::{
    Admission, CallOutcome, CircuitSettings, CircuitSnapshot, CircuitState, CircuitStore, Transition,
};

/// Circuits of one process. Its clock is tokio's, in milliseconds since the store was made.
#[derive(Debug)]
pub struct MemoryCircuitStore {
    epoch: Instant,
    /// Keyed by circuit name (an operation's, or the host), which the client, not a server,
    /// chooses: hashed with foldhash rather than SipHash, two lookups on every request.
    circuits: Mutex<HashMap<String, CircuitState, foldhash::fast::RandomState>>,
}

impl Default for MemoryCircuitStore {
    fn default() -> Self {
        MemoryCircuitStore { epoch: Instant::now(), circuits: Mutex::new(HashMap::default()) }
    }
}

impl MemoryCircuitStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn with<T>(&self, key: &str, apply: impl FnOnce(&mut CircuitState, u64) -> T) -> T {
        let now = self.now_ms();
        // A panic while holding the lock cannot leave a circuit half-updated (the updates
        // are plain field writes), so a poisoned lock is used as it is.
        let mut circuits = self.circuits.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match circuits.get_mut(key) {
            Some(state) => apply(state, now),
            None => apply(circuits.entry(key.to_string()).or_insert_with(|| CircuitState::new(now)), now),
        }
    }
}

impl CircuitStore for MemoryCircuitStore {
    fn admit<'a>(
        &'a self,
        key: &'a str,
        settings: &'a CircuitSettings,
    ) -> StoreFuture<'a, (Admission, Option<Transition>)> {
        let result = self.with(key, |state, now| state.admit(now, settings));
        Box::pin(std::future::ready(Ok(result)))
    }

    fn record<'a>(
        &'a self,
        key: &'a str,
        outcome: CallOutcome,
        settings: &'a CircuitSettings,
    ) -> StoreFuture<'a, Option<Transition>> {
        let result = self.with(key, |state, now| state.record(now, outcome, settings));
        Box::pin(std::future::ready(Ok(result)))
    }

    fn snapshot<'a>(&'a self, key: &'a str, settings: &'a CircuitSettings) -> StoreFuture<'a, CircuitSnapshot> {
        let result = self.with(key, |state, now| state.snapshot(now, settings));
        Box::pin(std::future::ready(Ok(result)))
    }

    fn admit_now(&self, key: &str, settings: &CircuitSettings) -> Option<(Admission, Option<Transition>)> {
        Some(self.with(key, |state, now| state.admit(now, settings)))
    }

    fn record_now(&self, key: &str, outcome: CallOutcome, settings: &CircuitSettings) -> Option<Option<Transition>> {
        Some(self.with(key, |state, now| state.record(now, outcome, settings)))
    }
}

/// Cache entries of one process in a `moka` cache bounded by entries and bytes at once:
/// each entry weighs at least `max_bytes / max_entries`, so neither bound can be passed.
/// Eviction is moka's TinyLFU; each entry expires after its own TTL.
#[cfg(feature = "cache")]
pub struct MemoryCacheStore {
    entries: moka::sync::Cache<String, Stored>,
}

/// An entry, its time to live and its weight in bytes.
#[cfg(feature = "cache")]
type Stored = (Arc<super::CacheEntry>, Duration, u32);

#[cfg(feature = "cache")]
struct PerEntryTtl;

#[cfg(feature = "cache")]
impl moka::Expiry<String, Stored> for PerEntryTtl {
    fn expire_after_create(&self, _key: &String, value: &Stored, _created_at: std::time::Instant) -> Option<Duration> {
        Some(value.1)
    }

    fn expire_after_update(
        &self,
        _key: &String,
        value: &Stored,
        _updated_at: std::time::Instant,
        _duration_until_expiry: Option<Duration>,
    ) -> Option<Duration> {
        Some(value.1)
    }
}

#[cfg(feature = "cache")]
impl MemoryCacheStore {
    /// A store of at most `max_entries` entries and `max_bytes` bytes (bodies and headers).
    pub fn new(max_entries: u64, max_bytes: u64) -> Self {
        let floor = u32::try_from(max_bytes / max_entries.max(1)).unwrap_or(u32::MAX).max(1);
        let entries = moka::sync::Cache::builder()
            .max_capacity(max_bytes)
            .weigher(move |_key: &String, value: &Stored| value.2.max(floor))
            .expire_after(PerEntryTtl)
            .build();
        MemoryCacheStore { entries }
    }

    /// Entries held (moka counts lazily: after [`Self::run_pending_tasks`] it is exact).
    pub fn entry_count(&self) -> u64 {
        self.entries.entry_count()
    }

    /// Bytes held, by the weigher (exact after [`Self::run_pending_tasks`]).
    pub fn weighted_size(&self) -> u64 {
        self.entries.weighted_size()
    }

    /// Applies pending evictions now (moka applies them in batches).
    pub fn run_pending_tasks(&self) {
        self.entries.run_pending_tasks();
    }
}

#[cfg(feature = "cache")]
impl std::fmt::Debug for MemoryCacheStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryCacheStore").field("entries", &self.entries.entry_count()).finish()
    }
}

#[cfg(feature = "cache")]
impl super::CacheStore for MemoryCacheStore {
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Arc<super::CacheEntry>>> {
        let found = self.entries.get(key).map(|(entry, _, _)| entry);
        Box::pin(std::future::ready(Ok(found)))
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        entry: Arc<super::CacheEntry>,
        weight: usize,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        let weight = u32::try_from(weight).unwrap_or(u32::MAX);
        self.entries.insert(key.to_string(), (entry, ttl, weight));
        Box::pin(std::future::ready(Ok(())))
    }

    fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        self.entries.invalidate(key);
        Box::pin(std::future::ready(Ok(())))
    }
}
