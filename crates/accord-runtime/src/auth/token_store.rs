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

use serde::de::{Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeStruct as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::BoxFuture;
use super::token_endpoint::read_once;
use crate::secret::Secret;

/// The tokens of one authorization (one user of one client): what a token endpoint answered
/// (RFC 6749 §5.1), with the expiry as a Unix time so it survives a restart.
///
/// Its serde form (the stores' format, never a log) is an object under the RFC 6749 §5.1
/// names, the secrets as plain strings and the fields that are `None` left out:
/// `{"access_token": "…", "refresh_token": "…", "expires_at": 1700000000, "scope": "read"}`.
/// Read back, `access_token` is required, the others may be missing or `null`, and other
/// keys are ignored.
#[derive(Clone, PartialEq)]
pub struct TokenSet {
    /// The access token (`access_token`).
    pub access_token: Secret,
    /// The refresh token (`refresh_token`), when the server issued one.
    pub refresh_token: Option<Secret>,
    /// When the access token expires, seconds since the Unix epoch (from `expires_in`);
    /// `None` when the server did not say.
    pub expires_at: Option<u64>,
    /// The scopes granted (`scope`, space-separated), when the server said.
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

// `Serialize` and `Deserialize` by hand rather than derived: accord-runtime, and so every
// generated crate, builds without serde's derive and its proc macros (issue 22). Both do what
// the derive did: fields in declaration order, `None` left out (`skip_serializing_if`) and read
// back as missing or `null`, a key sent twice an error, and from a format that writes a struct
// as a sequence the fields in order.

impl Serialize for TokenSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let written = [self.refresh_token.is_some(), self.expires_at.is_some(), self.scope.is_some()];
        let len = 1 + written.iter().filter(|written| **written).count();
        let mut state = serializer.serialize_struct("TokenSet", len)?;
        state.serialize_field("access_token", self.access_token.expose())?;
        match &self.refresh_token {
            Some(refresh_token) => state.serialize_field("refresh_token", refresh_token.expose())?,
            None => state.skip_field("refresh_token")?,
        }
        match &self.expires_at {
            Some(_) => state.serialize_field("expires_at", &self.expires_at)?,
            None => state.skip_field("expires_at")?,
        }
        match &self.scope {
            Some(_) => state.serialize_field("scope", &self.scope)?,
            None => state.skip_field("scope")?,
        }
        state.end()
    }
}

impl<'de> Deserialize<'de> for TokenSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["access_token", "refresh_token", "expires_at", "scope"];

        struct Fields;

        impl<'de> Visitor<'de> for Fields {
            type Value = TokenSet;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("struct TokenSet")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TokenSet, A::Error> {
                // A field's slot is `None` until read; an optional field's value may be `null`.
                let mut access_token: Option<String> = None;
                let mut refresh_token: Option<Option<String>> = None;
                let mut expires_at: Option<Option<u64>> = None;
                let mut scope: Option<Option<String>> = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "access_token" => read_once(&mut map, &mut access_token, "access_token"),
                        "refresh_token" => read_once(&mut map, &mut refresh_token, "refresh_token"),
                        "expires_at" => read_once(&mut map, &mut expires_at, "expires_at"),
                        "scope" => read_once(&mut map, &mut scope, "scope"),
                        _ => map.next_value::<IgnoredAny>().map(|_| ()),
                    }?;
                }
                let access_token = access_token.ok_or_else(|| A::Error::missing_field("access_token"))?;
                Ok(TokenSet {
                    access_token: Secret::new(access_token),
                    refresh_token: refresh_token.flatten().map(Secret::new),
                    expires_at: expires_at.flatten(),
                    scope: scope.flatten(),
                })
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TokenSet, A::Error> {
                let access_token: String = seq
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(0, &"struct TokenSet with 4 elements"))?;
                let refresh_token: Option<String> = seq.next_element()?.flatten();
                Ok(TokenSet {
                    access_token: Secret::new(access_token),
                    refresh_token: refresh_token.map(Secret::new),
                    expires_at: seq.next_element()?.flatten(),
                    scope: seq.next_element()?.flatten(),
                })
            }
        }

        deserializer.deserialize_struct("TokenSet", FIELDS, Fields)
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

    /// The file store's format: the four fields under their RFC 6749 §5.1 names, those that
    /// are `None` left out, read back the same; unknown keys ignored.
    #[test]
    fn a_token_set_round_trips_through_json() {
        let full = tokens("a-1");
        let text = serde_json::to_string(&full).unwrap();
        assert_eq!(
            text,
            r#"{"access_token":"a-1","refresh_token":"a-1-refresh","expires_at":1700000000,"scope":"read"}"#
        );
        assert_eq!(serde_json::from_str::<TokenSet>(&text).unwrap(), full);
        let bare = TokenSet { access_token: Secret::new("a-2"), refresh_token: None, expires_at: None, scope: None };
        let text = serde_json::to_string(&bare).unwrap();
        assert_eq!(text, r#"{"access_token":"a-2"}"#);
        assert_eq!(serde_json::from_str::<TokenSet>(&text).unwrap(), bare);
        let nulls =
            r#"{"access_token":"a-2","refresh_token":null,"expires_at":null,"scope":null,"token_type":"Bearer"}"#;
        assert_eq!(serde_json::from_str::<TokenSet>(nulls).unwrap(), bare);
        let positional: TokenSet = serde_json::from_str(r#"["a-1","a-1-refresh",1700000000,"read"]"#).unwrap();
        assert_eq!(positional, full);
        assert_eq!(serde_json::from_str::<TokenSet>(r#"["a-2"]"#).unwrap(), bare);
        let pretty = serde_json::to_string_pretty(&BTreeMap::from([("user", full.clone())])).unwrap();
        assert_eq!(serde_json::from_str::<BTreeMap<String, TokenSet>>(&pretty).unwrap()["user"], full);
    }

    #[test]
    fn a_token_set_without_an_access_token_or_of_the_wrong_types_is_refused() {
        let error = |text: &str| serde_json::from_str::<TokenSet>(text).unwrap_err().to_string();
        assert!(error(r#"{"refresh_token":"r"}"#).contains("missing field `access_token`"));
        assert!(error(r#"{"access_token":"a","expires_at":"soon"}"#).contains("invalid type"));
        assert!(error(r#"{"access_token":"a","expires_at":-1}"#).contains("invalid value"));
        assert!(error(r#"{"access_token":1}"#).contains("invalid type"));
        assert!(error(r#"{"access_token":"a","access_token":"b"}"#).contains("duplicate field `access_token`"));
        assert!(error(r#""a""#).contains("invalid type"));
        assert!(error("[]").contains("invalid length 0"));
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
