//! The OAuth 2.0 client-credentials access-token cache shared by a fleet (issue 19):
//! [`TokenCacheStore`], so that a fleet fetches one token per credential, not one per
//! process, and [`SharedTokens`], what [`super::OAuth2`] does with it. A token is kept with
//! a time to live of its expiry; a lease (a lock that expires by itself) lets one process
//! fetch while the others wait for its result, and a crashed holder blocks nobody past the
//! lease. After a `refresh_auth` error (a 401: the token was revoked), the token is
//! forgotten only if it is still the one the failed request carried, so the processes that
//! see the same 401 cause one fetch between them.
//!
//! Tokens are secrets: a store keeps them where only the fleet reads them (the store's own
//! access control); accord never logs them nor puts them in an error message, and
//! [`TokenCacheStore::invalidate`] names a token by its SHA-1 digest, never by its value.
//!
//! Defined here rather than in [`crate::store`] (which re-exports it) because the store
//! module implements [`super::token_store::TokenStore`] and so uses `auth`, never the reverse.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::BoxFuture;
use super::token_store::TokenStoreError;
use crate::error::TransportError;
use crate::secret::Secret;

/// A token found in the store, with the time it has left.
#[derive(Debug, Clone)]
pub struct SharedToken {
    /// The access token.
    pub access_token: Secret,
    /// Time until the store forgets it (its expiry as the fetching process computed it).
    pub time_to_live: Duration,
}

/// What a token cache operation returns.
pub type TokenCacheFuture<'a, T> = BoxFuture<'a, Result<T, TokenStoreError>>;

/// Shared access tokens by key (the API, the credentials' hash and the credential's name).
/// Each operation is atomic and one round trip.
pub trait TokenCacheStore: Send + Sync + fmt::Debug {
    /// The token stored under `key`, if any.
    fn get<'a>(&'a self, key: &'a str) -> TokenCacheFuture<'a, Option<SharedToken>>;

    /// Stores `token` under `key` for `time_to_live`.
    fn put<'a>(&'a self, key: &'a str, token: &'a Secret, time_to_live: Duration) -> TokenCacheFuture<'a, ()>;

    /// Takes the fetch lease of `key` for `holder` during `lease`: `true` when it was free
    /// (this process fetches), `false` when another holder has it (wait for its token).
    fn try_lease<'a>(&'a self, key: &'a str, holder: &'a str, lease: Duration) -> TokenCacheFuture<'a, bool>;

    /// Gives the lease back if `holder` still has it.
    fn release<'a>(&'a self, key: &'a str, holder: &'a str) -> TokenCacheFuture<'a, ()>;

    /// Forgets the token under `key` if it is still the one whose SHA-1 digest (lowercase
    /// hex) is `digest`; a newer token another process stored is kept.
    fn invalidate<'a>(&'a self, key: &'a str, digest: &'a str) -> TokenCacheFuture<'a, ()>;
}

/// The lowercase hex SHA-1 of a token, as [`TokenCacheStore::invalidate`] takes it (Redis
/// scripts compute the same with `redis.sha1hex`). Not a protection of the token, only a
/// way to name it without sending it back.
pub fn token_digest(token: &Secret) -> String {
    use sha1::Digest as _;
    hex::encode(sha1::Sha1::digest(token.expose().as_bytes()))
}

/// One credential's place in a shared token cache.
#[derive(Debug, Clone)]
pub struct SharedTokens {
    /// The store.
    pub store: Arc<dyn TokenCacheStore>,
    /// The credential's key in it.
    pub key: String,
    /// The longest a fetch lease is held.
    pub lease: Duration,
    /// This process's lease holder id (random).
    pub holder: String,
}

/// How often a process waiting for another's fetch looks for its token.
const POLL: Duration = Duration::from_millis(20);

impl SharedTokens {
    /// A place under `key` in `store`, with a new random holder id.
    pub fn new(store: Arc<dyn TokenCacheStore>, key: String, lease: Duration) -> Self {
        SharedTokens { store, key, lease, holder: uuid::Uuid::new_v4().to_string() }
    }

    /// A token valid for more than `margin`: the fleet's, or one `fetch` gets while this
    /// process holds the lease (then stored for the others), or, while another process holds
    /// it, the token it stores. When the store does not answer, `fetch` runs here (the
    /// in-process behaviour) and the fallback is counted.
    ///
    /// Errors: `fetch`'s.
    pub async fn obtain<F, Fut>(&self, margin: Duration, fetch: F) -> Result<(Secret, Duration), TransportError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<(Secret, Duration), TransportError>>,
    {
        loop {
            match self.store.get(&self.key).await {
                Ok(Some(token)) if token.time_to_live > margin => {
                    return Ok((token.access_token, token.time_to_live));
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::debug!(%error, "access token fetched in process");
                    return fetch().await;
                }
            }
            match self.store.try_lease(&self.key, &self.holder, self.lease).await {
                Ok(true) => {
                    // The previous holder may have stored its token and released the lease
                    // between this process's look and its lease: look again first.
                    if let Ok(Some(token)) = self.store.get(&self.key).await
                        && token.time_to_live > margin
                    {
                        let _ = self.store.release(&self.key, &self.holder).await;
                        return Ok((token.access_token, token.time_to_live));
                    }
                    let fetched = fetch().await;
                    if let Ok((token, lifetime)) = &fetched
                        && let Err(error) = self.store.put(&self.key, token, *lifetime).await
                    {
                        tracing::debug!(%error, "access token not shared");
                    }
                    if let Err(error) = self.store.release(&self.key, &self.holder).await {
                        tracing::debug!(%error, "token lease left to expire");
                    }
                    return fetched;
                }
                // Another process fetches: wait for its token; a crashed holder's lease
                // expires and the next round takes it.
                Ok(false) => tokio::time::sleep(POLL).await,
                Err(error) => {
                    tracing::debug!(%error, "access token fetched in process");
                    return fetch().await;
                }
            }
        }
    }

    /// Forgets `token` in the store if it is still the stored one.
    pub async fn invalidate(&self, token: &Secret) {
        if let Err(error) = self.store.invalidate(&self.key, &token_digest(token)).await {
            tracing::debug!(%error, "revoked token forgotten in process only");
        }
    }
}
