//! Where OAuth 2.0 tokens live between requests and between runs: the [`TokenStore`] trait
//! (async and fallible, keyed by a string, so a database or Redis can hold the tokens of
//! many users and many processes: issue 19), [`MemoryTokenStore`] (the default) and
//! [`FileTokenStore`] (one JSON file, replaced atomically, readable by its owner only).
//!
//! A flow tells its store of every change: a code exchanged, an access token refreshed, a
//! refresh token rotated (RFC 6749 §6: the client must discard the old one), and tokens
//! deleted when the authorization server refuses the refresh token (`invalid_grant`).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::BoxFuture;
use crate::secret::Secret;

/// The tokens of one authorization (one user of one client): what a token endpoint answered
/// (RFC 6749 §5.1), with the expiry as a Unix time so it survives a restart.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenSet {
    /// The access token (`access_token`).
    #[serde(with = "secret_text")]
    pub access_token: Secret,
    /// The refresh token (`refresh_token`), when the server issued one.
    #[serde(default, with = "optional_secret_text", skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// When the access token expires, seconds since the Unix epoch (from `expires_in`);
    /// `None` when the server did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
    /// The scopes granted (`scope`, space-separated), when the server said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl TokenSet {
    /// Tokens of which only a refresh token is known (obtained earlier): the first request
    /// refreshes.
    pub fn from_refresh_token(refresh_token: impl Into<Secret>) -> Self {
        TokenSet {
            access_token: Secret::new(""),
            refresh_token: Some(refresh_token.into()),
            expires_at: Some(0),
            scope: None,
        }
    }
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .finish()
    }
}

/// A store could not load, save or delete tokens.
#[derive(Debug)]
pub struct TokenStoreError {
    message: String,
}

impl TokenStoreError {
    /// An error with a message (never a token).
    pub fn new(message: impl Into<String>) -> Self {
        TokenStoreError { message: message.into() }
    }
}

impl fmt::Display for TokenStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "token store: {}", self.message)
    }
}

impl std::error::Error for TokenStoreError {}

/// Keeps [`TokenSet`]s under keys (the flow's key names the credential and, for a store
/// shared by many users, the user). Each call is one atomic operation on one key, so a
/// remote store (a database row, a Redis key written with `SET`) implements it directly.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The tokens under `key`, or `None`.
    ///
    /// Errors: the store cannot be read, or holds something that is not a token set.
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<TokenSet>, TokenStoreError>>;

    /// Replaces the tokens under `key` (after a code exchange, a refresh or a rotation).
    ///
    /// Errors: the store cannot be written; the flow then fails the request rather than
    /// lose a rotated refresh token.
    fn save<'a>(&'a self, key: &'a str, tokens: &'a TokenSet) -> BoxFuture<'a, Result<(), TokenStoreError>>;

    /// Forgets the tokens under `key` (the refresh token was refused: re-authorization is
    /// needed).
    ///
    /// Errors: the store cannot be written.
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), TokenStoreError>>;
}

/// Tokens in memory, lost when the process ends: the default store.
#[derive(Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<BTreeMap<String, TokenSet>>,
    changes: AtomicU64,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryTokenStore::default()
    }

    /// A store holding `tokens` under `key` (tokens obtained earlier, such as a refresh
    /// token from the environment).
    pub fn with_tokens(key: impl Into<String>, tokens: TokenSet) -> Self {
        let store = MemoryTokenStore::default();
        store.map().insert(key.into(), tokens);
        store
    }

    /// How many saves and deletes it was told of (for tests).
    pub fn changes(&self) -> u64 {
        self.changes.load(Ordering::Relaxed)
    }

    fn map(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, TokenSet>> {
        self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<String> = self.map().keys().cloned().collect();
        f.debug_struct("MemoryTokenStore").field("keys", &keys).finish()
    }
}

impl TokenStore for MemoryTokenStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<TokenSet>, TokenStoreError>> {
        Box::pin(async move { Ok(self.map().get(key).cloned()) })
    }

    fn save<'a>(&'a self, key: &'a str, tokens: &'a TokenSet) -> BoxFuture<'a, Result<(), TokenStoreError>> {
        Box::pin(async move {
            self.map().insert(key.to_string(), tokens.clone());
            self.changes.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), TokenStoreError>> {
        Box::pin(async move {
            self.map().remove(key);
            self.changes.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
    }
}

/// Tokens in one JSON file (`{"key": {"access_token": …}}`), for a command-line tool or a
/// single process. Every change writes a new file beside the old one (created with mode
/// `0600` on Unix, owner read and write only), flushes it to disk and renames it over the
/// old, so a crash leaves the old file or the new one, never half of either. Changes within
/// one process are serialised; two processes sharing a file need a store with its own
/// locking (a database, Redis).
pub struct FileTokenStore {
    path: PathBuf,
    lock: tokio::sync::Mutex<()>,
    writes: AtomicU64,
}

impl FileTokenStore {
    /// A store in the file at `path` (created on the first save; its folder must exist).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileTokenStore { path: path.into(), lock: tokio::sync::Mutex::new(()), writes: AtomicU64::new(0) }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read_all(&self) -> Result<BTreeMap<String, TokenSet>, TokenStoreError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|error| {
                // serde's message names a line and column, never the value.
                TokenStoreError::new(format!("`{}` is not a token file: {error}", self.path.display()))
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(error) => Err(TokenStoreError::new(format!("cannot read `{}`: {error}", self.path.display()))),
        }
    }

    fn write_all(&self, tokens: &BTreeMap<String, TokenSet>) -> Result<(), TokenStoreError> {
        use std::io::Write as _;
        let bytes = serde_json::to_vec_pretty(tokens).map_err(|error| TokenStoreError::new(error.to_string()))?;
        let file_name = self.path.file_name().and_then(|n| n.to_str()).unwrap_or("tokens");
        let temporary = self.path.with_file_name(format!(
            ".{file_name}.{}.{}.tmp",
            std::process::id(),
            self.writes.fetch_add(1, Ordering::Relaxed)
        ));
        let failed = |what: &str, error: std::io::Error| {
            TokenStoreError::new(format!("cannot {what} `{}`: {error}", temporary.display()))
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let written = (|| {
            let mut file = options.open(&temporary).map_err(|e| failed("create", e))?;
            file.write_all(&bytes).map_err(|e| failed("write", e))?;
            file.sync_all().map_err(|e| failed("flush", e))?;
            std::fs::rename(&temporary, &self.path).map_err(|e| failed("rename", e))
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written
    }
}

impl fmt::Debug for FileTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileTokenStore").field("path", &self.path).finish()
    }
}

impl TokenStore for FileTokenStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<TokenSet>, TokenStoreError>> {
        Box::pin(async move {
            let _guard = self.lock.lock().await;
            Ok(self.read_all()?.remove(key))
        })
    }

    fn save<'a>(&'a self, key: &'a str, tokens: &'a TokenSet) -> BoxFuture<'a, Result<(), TokenStoreError>> {
        Box::pin(async move {
            let _guard = self.lock.lock().await;
            let mut all = self.read_all()?;
            all.insert(key.to_string(), tokens.clone());
            self.write_all(&all)
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), TokenStoreError>> {
        Box::pin(async move {
            let _guard = self.lock.lock().await;
            let mut all = self.read_all()?;
            if all.remove(key).is_some() {
                self.write_all(&all)?;
            }
            Ok(())
        })
    }
}

/// A [`Secret`] as a JSON string (the file store's format; never a log).
mod secret_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::secret::Secret;

    pub(super) fn serialize<S: Serializer>(secret: &Secret, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(secret.expose())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

/// An optional [`Secret`] as a JSON string.
mod optional_secret_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::secret::Secret;

    pub(super) fn serialize<S: Serializer>(secret: &Option<Secret>, serializer: S) -> Result<S::Ok, S::Error> {
        match secret {
            Some(secret) => serializer.serialize_str(secret.expose()),
            None => serializer.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Secret>, D::Error> {
        Option::<String>::deserialize(deserializer).map(|text| text.map(Secret::new))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(access: &str) -> TokenSet {
        TokenSet {
            access_token: Secret::new(access),
            refresh_token: Some(Secret::new(format!("{access}-refresh"))),
            expires_at: Some(1_700_000_000),
            scope: Some("read".into()),
        }
    }

    #[tokio::test]
    async fn the_file_store_replaces_its_file_whole_with_owner_only_permissions() {
        let folder = std::env::temp_dir().join(format!("accord-token-store-{}", std::process::id()));
        std::fs::create_dir_all(&folder).expect("folder");
        let path = folder.join("tokens.json");
        let _ = std::fs::remove_file(&path);
        let store = FileTokenStore::new(&path);
        assert_eq!(store.load("user").await.expect("load"), None);
        store.save("user", &tokens("a-1")).await.expect("save");
        store.save("other", &tokens("b-1")).await.expect("save");
        store.save("user", &tokens("a-2")).await.expect("save");
        assert_eq!(store.load("user").await.expect("load"), Some(tokens("a-2")));
        assert_eq!(
            FileTokenStore::new(&path).load("other").await.expect("a second store reads it"),
            Some(tokens("b-1"))
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).expect("metadata").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "owner read and write only");
        }
        let leftovers: Vec<_> = std::fs::read_dir(&folder)
            .expect("list")
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "no temporary file left behind");
        store.delete("user").await.expect("delete");
        assert_eq!(store.load("user").await.expect("load"), None);
        std::fs::write(&path, b"not json").expect("corrupt");
        let error = store.load("user").await.expect_err("not a token file");
        assert!(error.to_string().contains("is not a token file"), "{error}");
        std::fs::remove_dir_all(&folder).expect("clean up");
    }

    #[tokio::test]
    async fn the_memory_store_counts_changes_and_debug_shows_no_token() {
        let store = MemoryTokenStore::new();
        store.save("user", &tokens("secret-access")).await.expect("save");
        store.delete("user").await.expect("delete");
        assert_eq!(store.changes(), 2);
        store.save("user", &tokens("secret-access")).await.expect("save");
        let shown = format!("{store:?} {:?}", tokens("secret-access"));
        assert!(!shown.contains("secret-access"), "{shown}");
    }
}
