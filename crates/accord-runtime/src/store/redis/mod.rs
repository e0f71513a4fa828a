//! The store traits on Redis (or a protocol-compatible server such as Valkey), through
//! redis-rs's [`ConnectionManager`]: one multiplexed connection per [`RedisStore`] that
//! reconnects by itself, with exponential backoff, after the server went away.
//!
//! Every operation is one round trip, and those that read and write are one Lua script,
//! atomic on the server and reading the server's clock (`TIME`), so every process of a
//! fleet agrees on time:
//! - rate limits: GCRA ([`RateLimitStore`], `gcra.lua`, `observe.lua`);
//! - circuits: the rules of [`super::circuit::CircuitState`] (`circuit.lua`);
//! - tokens: `GET` + `PTTL`, `SET … PX ttl`, a lease `SET lease holder NX PX lease`,
//!   deletes compared by value or SHA-1 (`compare_delete.lua`);
//! - webhook deliveries: `SET key 1 NX EX window`;
//! - cached responses (feature `cache`): one hash, `HSET` + `PEXPIRE` in a `MULTI`;
//! - OAuth 2.0 token sets of issue 17 ([`crate::auth::token_store::TokenStore`]): JSON.
//!
//! Failure: each operation is bounded by [`RedisOptions::timeout`] (milliseconds). A failed
//! or late operation returns a [`StoreError`], and the caller answers from its in-process
//! state (the rule of [`crate::store`]); the first failure of an outage logs one warning,
//! every one counts in the `accord.client.store.fallbacks` metric, and for
//! [`RedisOptions::retry_after_failure`] the store is not asked at all (so a dead server
//! costs nothing per request). The connection manager reconnects meanwhile; the first
//! success logs that the shared state is back.

use std::fmt;
use std::future::Future;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::time::Instant;

use super::StoreError;
use super::StoreFuture;
use super::circuit::{
    Admission, CallOutcome, CircuitPhase, CircuitSettings, CircuitSnapshot, CircuitStore, Transition,
};
use super::delivery::DeliveryStore;
use super::rate_limit::{BucketRef, RateLimitStore};
use crate::auth::token_cache::{SharedToken, TokenCacheFuture, TokenCacheStore};
use crate::auth::token_store::TokenStoreError;
use crate::secret::Secret;

/// How a [`RedisStore`] talks to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedisOptions {
    /// The longest an operation may take, connecting included, before the caller falls
    /// back to in-process state. Default 50 ms: a loopback or same-zone round trip is well
    /// under 1 ms, so this only trips when the server is down or stalled.
    pub timeout: Duration,
    /// After a failure, how long operations skip the server and fall back at once, so a
    /// dead server does not cost `timeout` per request. Default 1 s.
    pub retry_after_failure: Duration,
    /// How long one process may hold an access token's fetch lease; others wait for its
    /// token until then, and take the lease over if it has not stored one (a crashed
    /// holder). Default 10 s.
    pub token_lease: Duration,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            timeout: Duration::from_millis(50),
            retry_after_failure: Duration::from_secs(1),
            token_lease: Duration::from_secs(10),
        }
    }
}

/// A connection to one Redis server, implementing every store trait. Cheap to share
/// (`Arc`); each `RedisStore` is one multiplexed connection.
pub struct RedisStore {
    client: redis::Client,
    options: RedisOptions,
    connection: OnceLock<ConnectionManager>,
    /// Milliseconds since `epoch` before which operations skip the server (0: none).
    skip_until_ms: AtomicU64,
    epoch: Instant,
    failing: AtomicBool,
    failures: AtomicU64,
}

impl fmt::Debug for RedisStore {
    /// The server's address without its password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = self.client.get_connection_info();
        f.debug_struct("RedisStore")
            .field("address", &info.addr().to_string())
            .field("timeout", &self.options.timeout)
            .field("failing", &self.failing.load(Ordering::Relaxed))
            .finish()
    }
}

macro_rules! script {
    ($name:ident, $file:literal) => {
        fn $name() -> &'static redis::Script {
            static SCRIPT: OnceLock<redis::Script> = OnceLock::new();
            SCRIPT.get_or_init(|| redis::Script::new(include_str!($file)))
        }
    };
}

script!(gcra_script, "gcra.lua");
script!(observe_script, "observe.lua");
script!(compare_delete_script, "compare_delete.lua");
script!(circuit_script, "circuit.lua");

impl RedisStore {
    /// A store for the server at `url` (`redis://[:password@]host:port[/db]`, or `rediss://`
    /// with TLS where redis-rs is built with it). Nothing is connected until the first
    /// operation, so a client builds while the server is down.
    ///
    /// Errors: `url` is not a Redis URL.
    pub fn new(url: &str, options: RedisOptions) -> Result<Self, StoreError> {
        // redis-rs's message about a bad URL does not repeat the URL (which may hold a password).
        let client =
            redis::Client::open(url).map_err(|error| StoreError::new(format!("invalid Redis URL: {error}")))?;
        Ok(RedisStore {
            client,
            options,
            connection: OnceLock::new(),
            skip_until_ms: AtomicU64::new(0),
            epoch: Instant::now(),
            failing: AtomicBool::new(false),
            failures: AtomicU64::new(0),
        })
    }

    /// The options it runs with.
    pub fn options(&self) -> RedisOptions {
        self.options
    }

    /// Operations that failed or timed out since the store was made (each answered in
    /// process by its caller).
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// Whether the last operation failed (the store is being reconnected).
    pub fn is_failing(&self) -> bool {
        self.failing.load(Ordering::Relaxed)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn connection(&self) -> Result<ConnectionManager, StoreError> {
        if let Some(connection) = self.connection.get() {
            return Ok(connection.clone());
        }
        // Lazy: the manager connects on the first command and reconnects after errors, each
        // connection attempt bounded by the operation timeout; retries back off from 50 ms
        // to 1 s (redis-rs's jittered exponential backoff).
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.options.timeout))
            .set_response_timeout(Some(self.options.timeout))
            .set_number_of_retries(2)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_secs(1));
        let manager = ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            .map_err(|error| StoreError::new(format!("redis: {error}")))?;
        Ok(self.connection.get_or_init(|| manager).clone())
    }

    /// Runs one operation named `operation` (a metric attribute) within the timeout, with
    /// the outage bookkeeping of the module docs.
    async fn run<T, F, Fut>(&self, operation: &'static str, call: F) -> Result<T, StoreError>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        let skip_until = self.skip_until_ms.load(Ordering::Relaxed);
        if skip_until != 0 && self.now_ms() < skip_until {
            self.failures.fetch_add(1, Ordering::Relaxed);
            crate::metrics::store_fallback(operation);
            return Err(StoreError::new(format!("redis {operation}: skipped after a recent failure")));
        }
        let result = match self.connection() {
            Ok(connection) => match tokio::time::timeout(self.options.timeout, call(connection)).await {
                Ok(Ok(value)) => Ok(value),
                // redis-rs's errors name the command and the server's reply, never a value sent.
                Ok(Err(error)) => Err(StoreError::new(format!("redis {operation}: {error}"))),
                Err(_) => Err(StoreError::new(format!(
                    "redis {operation}: no answer within {} ms",
                    self.options.timeout.as_millis()
                ))),
            },
            Err(error) => Err(error),
        };
        match &result {
            Ok(_) => {
                if self.failing.swap(false, Ordering::Relaxed) {
                    self.skip_until_ms.store(0, Ordering::Relaxed);
                    tracing::warn!("shared store reachable again: state is shared with the fleet");
                }
            }
            Err(error) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                crate::metrics::store_fallback(operation);
                let retry_after = u64::try_from(self.options.retry_after_failure.as_millis()).unwrap_or(u64::MAX);
                self.skip_until_ms.store(self.now_ms().saturating_add(retry_after).max(1), Ordering::Relaxed);
                if !self.failing.swap(true, Ordering::Relaxed) {
                    tracing::warn!(%error, "shared store unavailable: falling back to in-process state until it answers");
                } else {
                    tracing::debug!(%error, "shared store still unavailable");
                }
            }
        }
        result
    }
}

fn token_error(error: StoreError) -> TokenStoreError {
    TokenStoreError::new(error.to_string())
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

impl RateLimitStore for RedisStore {
    fn reserve<'a>(&'a self, buckets: &'a [BucketRef<'a>]) -> StoreFuture<'a, Duration> {
        Box::pin(async move {
            if buckets.is_empty() {
                return Ok(Duration::ZERO);
            }
            let wait: i64 = self
                .run("rate_limit", |mut connection| async move {
                    let mut invocation = gcra_script().prepare_invoke();
                    invocation.arg(0u64);
                    for bucket in buckets {
                        invocation.key(bucket.key).arg(bucket.interval_micros()).arg(bucket.burst());
                    }
                    invocation.invoke_async(&mut connection).await
                })
                .await?;
            Ok(Duration::from_micros(u64::try_from(wait).unwrap_or(0)))
        })
    }

    fn observe<'a>(
        &'a self,
        bucket: BucketRef<'a>,
        remaining: Option<u64>,
        reset_after: Option<Duration>,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let Some(remaining) = remaining else { return Ok(()) };
            let remaining = i64::try_from(remaining).unwrap_or(i64::MAX);
            let reset = reset_after.map_or(-1, |reset| i64::try_from(micros(reset)).unwrap_or(i64::MAX));
            let _: i64 = self
                .run("rate_limit", |mut connection| async move {
                    observe_script()
                        .key(bucket.key)
                        .arg(0u64)
                        .arg(bucket.interval_micros())
                        .arg(bucket.burst())
                        .arg(remaining)
                        .arg(reset)
                        .invoke_async(&mut connection)
                        .await
                })
                .await?;
            Ok(())
        })
    }
}

impl TokenCacheStore for RedisStore {
    fn get<'a>(&'a self, key: &'a str) -> TokenCacheFuture<'a, Option<SharedToken>> {
        Box::pin(async move {
            let (token, ttl): (Option<String>, i64) = self
                .run("token", |mut connection| async move {
                    redis::pipe().get(key).pttl(key).query_async(&mut connection).await
                })
                .await
                .map_err(token_error)?;
            Ok(match token {
                // PTTL is -1 without an expiry, -2 when the key went away in between.
                Some(token) if ttl > 0 => Some(SharedToken {
                    access_token: Secret::new(token),
                    time_to_live: Duration::from_millis(ttl.unsigned_abs()),
                }),
                _ => None,
            })
        })
    }

    fn put<'a>(&'a self, key: &'a str, token: &'a Secret, time_to_live: Duration) -> TokenCacheFuture<'a, ()> {
        Box::pin(async move {
            let ttl = millis(time_to_live).max(1);
            self.run("token", |mut connection| async move {
                redis::cmd("SET").arg(key).arg(token.expose()).arg("PX").arg(ttl).query_async(&mut connection).await
            })
            .await
            .map_err(token_error)
        })
    }

    fn try_lease<'a>(&'a self, key: &'a str, holder: &'a str, lease: Duration) -> TokenCacheFuture<'a, bool> {
        Box::pin(async move {
            let lease_key = format!("{key}:lease");
            let lease_ms = millis(lease).max(1);
            let taken: Option<String> = self
                .run("token", |mut connection| async move {
                    redis::cmd("SET")
                        .arg(&lease_key)
                        .arg(holder)
                        .arg("NX")
                        .arg("PX")
                        .arg(lease_ms)
                        .query_async(&mut connection)
                        .await
                })
                .await
                .map_err(token_error)?;
            Ok(taken.is_some())
        })
    }

    fn release<'a>(&'a self, key: &'a str, holder: &'a str) -> TokenCacheFuture<'a, ()> {
        Box::pin(async move {
            let lease_key = format!("{key}:lease");
            let _: i64 = self
                .run("token", |mut connection| async move {
                    compare_delete_script().key(&lease_key).arg("value").arg(holder).invoke_async(&mut connection).await
                })
                .await
                .map_err(token_error)?;
            Ok(())
        })
    }

    fn invalidate<'a>(&'a self, key: &'a str, digest: &'a str) -> TokenCacheFuture<'a, ()> {
        Box::pin(async move {
            let _: i64 = self
                .run("token", |mut connection| async move {
                    compare_delete_script().key(key).arg("sha1").arg(digest).invoke_async(&mut connection).await
                })
                .await
                .map_err(token_error)?;
            Ok(())
        })
    }
}

impl DeliveryStore for RedisStore {
    fn first_delivery<'a>(&'a self, key: &'a str, window: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let window_ms = millis(window).max(1);
            let set: Option<String> = self
                .run("delivery", |mut connection| async move {
                    redis::cmd("SET")
                        .arg(key)
                        .arg(1)
                        .arg("NX")
                        .arg("PX")
                        .arg(window_ms)
                        .query_async(&mut connection)
                        .await
                })
                .await?;
            Ok(set.is_some())
        })
    }
}

/// The arguments of `circuit.lua` after the operation and the clock.
fn circuit_arguments(settings: &CircuitSettings) -> [String; 6] {
    [
        settings.failure_threshold.map_or(-1, i64::from).to_string(),
        settings.failure_rate.map_or("-1".to_string(), |rate| rate.to_string()),
        settings.minimum_calls.to_string(),
        millis(settings.window).to_string(),
        millis(settings.open_for).to_string(),
        settings.half_open_probes.to_string(),
    ]
}

fn phase(code: i64) -> Option<CircuitPhase> {
    match code {
        0 => Some(CircuitPhase::Closed),
        1 => Some(CircuitPhase::Open),
        2 => Some(CircuitPhase::HalfOpen),
        _ => None,
    }
}

/// The reply of `circuit.lua`, decoded.
struct CircuitReply {
    admission: Option<Admission>,
    transition: Option<Transition>,
    snapshot: CircuitSnapshot,
}

impl CircuitReply {
    fn decode(reply: &[i64]) -> Result<Self, StoreError> {
        let [admission, retry_in, from, to, current, failures, calls] = reply else {
            return Err(StoreError::new("redis circuit: unexpected reply"));
        };
        let retry_in = Duration::from_millis(retry_in.unsigned_abs());
        let phase_now = phase(*current).ok_or_else(|| StoreError::new("redis circuit: unknown phase"))?;
        Ok(CircuitReply {
            admission: match admission {
                0 => Some(Admission::Allowed),
                1 => Some(Admission::Probe),
                2 => Some(Admission::Rejected { retry_in }),
                _ => None,
            },
            transition: phase(*from).zip(phase(*to)).map(|(from, to)| Transition { from, to }),
            snapshot: CircuitSnapshot {
                phase: phase_now,
                failures: u32::try_from(*failures).unwrap_or(u32::MAX),
                calls: u32::try_from(*calls).unwrap_or(u32::MAX),
                retry_in: (phase_now == CircuitPhase::Open).then_some(retry_in),
            },
        })
    }
}

impl RedisStore {
    /// Runs `circuit.lua`; `now_ms` 0 reads the server's clock (tests pass their own).
    async fn circuit(
        &self,
        key: &str,
        operation: &str,
        now_ms: u64,
        settings: &CircuitSettings,
        failure: bool,
    ) -> Result<CircuitReply, StoreError> {
        let arguments = circuit_arguments(settings);
        let reply: Vec<i64> = self
            .run("circuit", |mut connection| async move {
                let mut invocation = circuit_script().prepare_invoke();
                invocation.key(key).arg(operation).arg(now_ms);
                for argument in &arguments {
                    invocation.arg(argument);
                }
                invocation.arg(if failure { 1 } else { 0 });
                invocation.invoke_async(&mut connection).await
            })
            .await?;
        CircuitReply::decode(&reply)
    }

    /// [`CircuitStore::admit`] at a given clock reading in milliseconds, for tests that
    /// compare the script with [`super::circuit::CircuitState`] step by step.
    pub async fn circuit_admit_at(
        &self,
        key: &str,
        now_ms: u64,
        settings: &CircuitSettings,
    ) -> Result<(Admission, Option<Transition>), StoreError> {
        let reply = self.circuit(key, "admit", now_ms.max(1), settings, false).await?;
        let admission = reply.admission.ok_or_else(|| StoreError::new("redis circuit: no admission"))?;
        Ok((admission, reply.transition))
    }

    /// [`CircuitStore::record`] at a given clock reading in milliseconds (tests).
    pub async fn circuit_record_at(
        &self,
        key: &str,
        now_ms: u64,
        outcome: CallOutcome,
        settings: &CircuitSettings,
    ) -> Result<Option<Transition>, StoreError> {
        let reply = self.circuit(key, "record", now_ms.max(1), settings, outcome == CallOutcome::Failure).await?;
        Ok(reply.transition)
    }
}

impl CircuitStore for RedisStore {
    fn admit<'a>(
        &'a self,
        key: &'a str,
        settings: &'a CircuitSettings,
    ) -> StoreFuture<'a, (Admission, Option<Transition>)> {
        Box::pin(async move {
            let reply = self.circuit(key, "admit", 0, settings, false).await?;
            let admission = reply.admission.ok_or_else(|| StoreError::new("redis circuit: no admission"))?;
            Ok((admission, reply.transition))
        })
    }

    fn record<'a>(
        &'a self,
        key: &'a str,
        outcome: CallOutcome,
        settings: &'a CircuitSettings,
    ) -> StoreFuture<'a, Option<Transition>> {
        Box::pin(async move {
            Ok(self.circuit(key, "record", 0, settings, outcome == CallOutcome::Failure).await?.transition)
        })
    }

    fn snapshot<'a>(&'a self, key: &'a str, settings: &'a CircuitSettings) -> StoreFuture<'a, CircuitSnapshot> {
        Box::pin(async move { Ok(self.circuit(key, "snapshot", 0, settings, false).await?.snapshot) })
    }
}

#[cfg(feature = "cache")]
impl super::CacheStore for RedisStore {
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<std::sync::Arc<super::CacheEntry>>> {
        Box::pin(async move {
            let (meta, body): (Option<Vec<u8>>, Option<Vec<u8>>) = self
                .run("cache", |mut connection| async move {
                    redis::cmd("HMGET").arg(key).arg("meta").arg("body").query_async(&mut connection).await
                })
                .await?;
            let (Some(meta), Some(body)) = (meta, body) else { return Ok(None) };
            let (policy, status): (http_cache_semantics::CachePolicy, u16) = serde_json::from_slice(&meta)
                .map_err(|error| StoreError::new(format!("redis cache: a stored entry is not readable: {error}")))?;
            Ok(Some(std::sync::Arc::new(super::CacheEntry { policy, status, body })))
        })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        entry: std::sync::Arc<super::CacheEntry>,
        _weight: usize,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            // The server's own `maxmemory` policy bounds a shared cache, not the weight.
            let meta = serde_json::to_vec(&(&entry.policy, entry.status))
                .map_err(|error| StoreError::new(format!("redis cache: entry not serialisable: {error}")))?;
            let ttl_ms = millis(ttl).max(1);
            self.run("cache", |mut connection| async move {
                redis::pipe()
                    .atomic()
                    .hset(key, "meta", meta)
                    .ignore()
                    .hset(key, "body", entry.body.as_slice())
                    .ignore()
                    .pexpire(key, i64::try_from(ttl_ms).unwrap_or(i64::MAX))
                    .ignore()
                    .query_async(&mut connection)
                    .await
            })
            .await
        })
    }

    fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let _: i64 =
                self.run("cache", |mut connection| async move {
                    redis::cmd("DEL").arg(key).query_async(&mut connection).await
                })
                .await?;
            Ok(())
        })
    }
}

impl crate::auth::token_store::TokenStore for RedisStore {
    fn load<'a>(
        &'a self,
        key: &'a str,
    ) -> crate::auth::BoxFuture<'a, Result<Option<crate::auth::token_store::TokenSet>, TokenStoreError>> {
        Box::pin(async move {
            let stored: Option<Vec<u8>> =
                self.run("token", |mut connection| async move {
                    redis::cmd("GET").arg(key).query_async(&mut connection).await
                })
                .await
                .map_err(token_error)?;
            stored
                .map(|bytes| {
                    // serde's message names a line and column, never the value.
                    serde_json::from_slice(&bytes)
                        .map_err(|error| TokenStoreError::new(format!("not a token set: {error}")))
                })
                .transpose()
        })
    }

    fn save<'a>(
        &'a self,
        key: &'a str,
        tokens: &'a crate::auth::token_store::TokenSet,
    ) -> crate::auth::BoxFuture<'a, Result<(), TokenStoreError>> {
        Box::pin(async move {
            let bytes = serde_json::to_vec(tokens).map_err(|error| TokenStoreError::new(error.to_string()))?;
            self.run("token", |mut connection| async move {
                redis::cmd("SET").arg(key).arg(bytes).query_async(&mut connection).await
            })
            .await
            .map_err(token_error)
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> crate::auth::BoxFuture<'a, Result<(), TokenStoreError>> {
        Box::pin(async move {
            let _: i64 =
                self.run("token", |mut connection| async move {
                    redis::cmd("DEL").arg(key).query_async(&mut connection).await
                })
                .await
                .map_err(token_error)?;
            Ok(())
        })
    }
}
