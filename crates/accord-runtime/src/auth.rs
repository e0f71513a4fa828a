//! Authentication schemes a spec can declare, applied to each outgoing request: API key
//! (header or query), bearer token (RFC 6750), HTTP basic (RFC 7617), and OAuth 2.0 client
//! credentials (RFC 6749 §4.4) with a cached token refreshed before it expires and after a
//! `refresh_auth` error. [`Authenticate`] is the trait the client calls; [`Auth`] is the
//! implementation of one credential, and `Auth::Custom` takes a user's own.
//!
//! A spec names its credentials, any number of each scheme; a generated builder puts those
//! the user set into [`Credentials`], and each request carries its operation's
//! [`Requirement`] (OpenAPI's `security`, an OR of ANDs): the client sends the credentials of
//! the first alternative it holds all of ([`Credentials::choose`]), several headers or query
//! parameters together when the alternative names several.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use base64::Engine as _;
use tokio::sync::Mutex;

use crate::error::TransportError;
use crate::secret::Secret;

#[cfg(feature = "signing")]
pub mod signing;
#[cfg(feature = "sigv4")]
pub mod sigv4;

pub use accord_contract::wire::ApiKeyLocation;

// OAuth 2.0 flows beyond client credentials (issue 17): token store, token endpoint,
// authorization code + PKCE (feature `oauth2-code`), JWT grants and GitHub Apps (`jwt`).
#[cfg(feature = "jwt")]
pub mod jwt;
#[cfg(feature = "oauth2-code")]
pub mod oauth2;
#[cfg(feature = "oauth2-code")]
pub mod pkce;
#[cfg(feature = "shared-state")]
pub mod token_cache;
pub mod token_endpoint;
pub mod token_store;

/// OAuth 2.0 client id and secret.
#[derive(Clone)]
pub struct ClientCredentials {
    /// Client id (not secret, but not logged either).
    pub client_id: String,
    /// Client secret.
    pub client_secret: Secret,
}

impl ClientCredentials {
    /// Credentials from values.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        ClientCredentials { client_id: client_id.into(), client_secret: client_secret.into() }
    }

    /// Credentials from two environment variables (names come from the spec).
    ///
    /// Errors: names the first variable that is unset or empty.
    pub fn from_env(client_id_variable: &str, client_secret_variable: &str) -> Result<Self, String> {
        let client_id = std::env::var(client_id_variable)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("environment variable `{client_id_variable}` is not set"))?;
        let client_secret = Secret::from_env(client_secret_variable)
            .ok_or_else(|| format!("environment variable `{client_secret_variable}` is not set"))?;
        Ok(ClientCredentials { client_id, client_secret })
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

/// The authentication a client applies to every request.
#[non_exhaustive]
pub enum Auth {
    /// No credentials.
    None,
    /// An API key in a header or query parameter named `name`.
    ApiKey {
        /// Header or query.
        location: ApiKeyLocation,
        /// Header or parameter name.
        name: String,
        /// The key.
        key: Secret,
    },
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `Authorization: Basic base64(username:password)`.
    Basic {
        /// User name.
        username: String,
        /// Password (may be empty, as Stripe's secret-key-as-username scheme uses).
        password: Secret,
    },
    /// OAuth 2.0 client credentials; the access token is sent as a bearer token.
    OAuth2(OAuth2),
    /// A user-supplied scheme (request signing, a token from a vault).
    Custom(Arc<dyn Authenticate>),
    /// OAuth 2.0 authorization code with PKCE and refresh tokens ([`oauth2::AuthorizationCode`]).
    #[cfg(feature = "oauth2-code")]
    AuthorizationCode(Arc<oauth2::AuthorizationCode>),
    /// The JWT bearer grant (RFC 7523 §2.1, [`jwt::JwtBearer`]): a typed handle, so a caller
    /// can read its token requests or assertion.
    #[cfg(feature = "jwt")]
    JwtBearer(Arc<jwt::JwtBearer>),
    /// A GitHub App's installation tokens ([`jwt::GitHubApp`]).
    #[cfg(feature = "jwt")]
    GitHubApp(Arc<jwt::GitHubApp>),
    /// AWS Signature Version 4 ([`sigv4::SigV4`]): signs each request, and presigns URLs.
    #[cfg(feature = "sigv4")]
    SigV4(Arc<sigv4::SigV4>),
    /// A declared HMAC request signature ([`signing::HmacSigner`]).
    #[cfg(feature = "signing")]
    HmacSignature(Arc<signing::HmacSigner>),
}

/// The state of an access token a client caches ([`OAuth2::token_status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    /// None fetched yet (the first request fetches one).
    None,
    /// A token the server said is valid for `expires_in` more.
    Valid {
        /// Time until the token's `expires_in` runs out.
        expires_in: Duration,
    },
    /// The cached token's lifetime has passed (the next request fetches a new one).
    Expired,
    /// A token request is under way.
    Fetching,
}

impl Auth {
    /// Appends what makes this credential one caller's to `out`, each part length-prefixed
    /// (a per-credential cache key holds a SHA-256 of it, never the bytes: issue 18).
    /// Returns `false` for a user's own scheme, whose identity the runtime cannot read.
    #[cfg_attr(not(feature = "cache"), allow(dead_code))]
    pub(crate) fn identity(&self, out: &mut Vec<u8>) -> bool {
        let mut push = |part: &str| {
            out.extend_from_slice(&(part.len() as u64).to_be_bytes());
            out.extend_from_slice(part.as_bytes());
        };
        match self {
            Auth::None => {}
            Auth::ApiKey { name, key, .. } => {
                push(name);
                push(key.expose());
            }
            Auth::Bearer(token) => push(token.expose()),
            Auth::Basic { username, password } => {
                push(username);
                push(password.expose());
            }
            Auth::OAuth2(oauth) => {
                push(&oauth.token_url);
                push(&oauth.credentials.client_id);
                push(oauth.credentials.client_secret.expose());
            }
            // A user's own scheme, and the authorization-code flow, whose access token belongs
            // to one user and rotates: not keyed, so never cached per credential.
            Auth::Custom(_) => return false,
            #[cfg(feature = "oauth2-code")]
            Auth::AuthorizationCode(_) => return false,
            // Tokens of a flow rotate, and a signature is per request: never keyed.
            #[cfg(feature = "jwt")]
            Auth::JwtBearer(_) | Auth::GitHubApp(_) => return false,
            #[cfg(feature = "sigv4")]
            Auth::SigV4(_) => return false,
            #[cfg(feature = "signing")]
            Auth::HmacSignature(_) => return false,
        }
        true
    }
}

/// A boxed, sendable future, as [`Authenticate`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Which credentials a request carried: refreshes compare it with the current ones so that
/// many requests failing with the same stale token cause one refresh, not one each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CredentialGeneration(pub u64);

/// Puts credentials on requests, and renews them when the server rejects them.
pub trait Authenticate: Send + Sync + fmt::Debug {
    /// Adds credentials to `request` and says which generation of credentials it used.
    ///
    /// Errors: the credentials cannot be obtained (token endpoint unreachable or refusing).
    fn authenticate<'a>(
        &'a self,
        http: &'a reqwest::Client,
        request: reqwest::RequestBuilder,
    ) -> BoxFuture<'a, Result<(reqwest::RequestBuilder, CredentialGeneration), TransportError>>;

    /// Called after a `refresh_auth` error (such as 401) for a request that carried `used`.
    /// Returns whether the next attempt will carry other credentials; static credentials
    /// return `false`, and the error is returned instead of retried.
    fn refresh<'a>(&'a self, used: CredentialGeneration) -> BoxFuture<'a, bool>;

    /// Adds credentials to `request` in place when that needs no request and no wait
    /// (static credentials, a cached token that is still fresh) and returns their
    /// generation; `None` when it did nothing and the credentials need
    /// [`Authenticate::authenticate`] (a boxed future). The client asks this first, so that
    /// the common case moves no request builder and boxes no future (issue 22, client
    /// overhead). The default does nothing.
    ///
    /// Errors: as [`Authenticate::authenticate`].
    fn authenticate_now(&self, request: &mut reqwest::Request) -> Result<Option<CredentialGeneration>, TransportError> {
        let _ = request;
        Ok(None)
    }
}

/// [`Authenticate::authenticate_now`] on a request builder: the builder with the credentials
/// and their generation, or the builder as it came (`Err`) when they need
/// [`Authenticate::authenticate`].
fn authenticate_builder_now(
    auth: &(impl Authenticate + ?Sized),
    builder: reqwest::RequestBuilder,
) -> Result<Result<(reqwest::RequestBuilder, CredentialGeneration), reqwest::RequestBuilder>, TransportError> {
    let (http, request) = builder.build_split();
    let mut request = request.map_err(TransportError::from_reqwest)?;
    Ok(match auth.authenticate_now(&mut request)? {
        Some(generation) => Ok((reqwest::RequestBuilder::from_parts(http, request), generation)),
        None => Err(reqwest::RequestBuilder::from_parts(http, request)),
    })
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("Auth::None"),
            Auth::ApiKey { location, name, .. } => {
                write!(f, "Auth::ApiKey {{ location: {location:?}, name: {name:?}, key: *** }}")
            }
            Auth::Bearer(_) => f.write_str("Auth::Bearer(***)"),
            Auth::Basic { username, .. } => write!(f, "Auth::Basic {{ username: {username:?}, password: *** }}"),
            Auth::OAuth2(oauth) => write!(
                f,
                "Auth::OAuth2 {{ token_url: {:?}, client_id: {:?} }}",
                oauth.token_url, oauth.credentials.client_id
            ),
            Auth::Custom(custom) => write!(f, "Auth::Custom({custom:?})"),
            #[cfg(feature = "oauth2-code")]
            Auth::AuthorizationCode(flow) => write!(f, "Auth::AuthorizationCode({flow:?})"),
            #[cfg(feature = "jwt")]
            Auth::JwtBearer(flow) => write!(f, "Auth::JwtBearer({flow:?})"),
            #[cfg(feature = "jwt")]
            Auth::GitHubApp(flow) => write!(f, "Auth::GitHubApp({flow:?})"),
            #[cfg(feature = "sigv4")]
            Auth::SigV4(signer) => write!(f, "Auth::SigV4({signer:?})"),
            #[cfg(feature = "signing")]
            Auth::HmacSignature(signer) => write!(f, "Auth::HmacSignature({signer:?})"),
        }
    }
}

/// OAuth 2.0 client credentials grant with a token cache.
pub struct OAuth2 {
    token_url: String,
    credentials: ClientCredentials,
    scopes: Vec<String>,
    refresh_before_expiry: Duration,
    cache: Mutex<Option<CachedToken>>,
    /// The cached token's header, generation and refresh time, copied on every change of
    /// `cache`, for [`OAuth2::fresh_authorization`]: a request with a fresh token takes it
    /// under a short synchronous lock instead of the async mutex.
    fresh: std::sync::Mutex<Option<(reqwest::header::HeaderValue, CredentialGeneration, Instant)>>,
    generations: AtomicU64,
    token_requests: AtomicU64,
    retry: token_endpoint::TokenRetry,
    /// The fleet's token cache (issue 19), set once by [`OAuth2::share`].
    #[cfg(feature = "shared-state")]
    shared: std::sync::OnceLock<Box<token_cache::SharedTokens>>,
}

struct CachedToken {
    access_token: Secret,
    /// `Bearer <access_token>`, marked sensitive.
    authorization: reqwest::header::HeaderValue,
    refresh_at: Instant,
    expires_at: Instant,
    generation: CredentialGeneration,
}

impl OAuth2 {
    /// A client credentials grant against `token_url`, refreshing `refresh_before_expiry`
    /// before the token's `expires_in` runs out.
    pub fn new(
        token_url: impl Into<String>,
        credentials: ClientCredentials,
        scopes: Vec<String>,
        refresh_before_expiry: Duration,
    ) -> Self {
        OAuth2 {
            token_url: token_url.into(),
            credentials,
            scopes,
            refresh_before_expiry,
            cache: Mutex::new(None),
            fresh: std::sync::Mutex::new(None),
            generations: AtomicU64::new(0),
            token_requests: AtomicU64::new(0),
            retry: token_endpoint::TokenRetry::default(),
            #[cfg(feature = "shared-state")]
            shared: std::sync::OnceLock::new(),
        }
    }

    /// Shares the access token with a fleet through `shared` (one fetch for all processes;
    /// [`token_cache`]). Later calls change nothing.
    #[cfg(feature = "shared-state")]
    pub fn share(&self, shared: token_cache::SharedTokens) {
        let _ = self.shared.set(Box::new(shared));
    }

    /// A valid access token and its generation: the cached one, or a new one from the token
    /// endpoint. One request at a time refreshes; concurrent callers wait for it and share
    /// the result. A token is used until `expires_in` (default 3600 s) minus the refresh
    /// margin has passed.
    ///
    /// Errors: the token endpoint cannot be reached, or answers non-2xx
    /// ([`crate::error::TransportErrorKind::Invalid`]: wrong credentials are not retried).
    pub async fn access_token(&self, http: &reqwest::Client) -> Result<(Secret, CredentialGeneration), TransportError> {
        self.with_token(http, |cached| (cached.access_token.clone(), cached.generation)).await
    }

    /// [`OAuth2::access_token`] as the `Authorization: Bearer …` header value (RFC 6750
    /// §2.1), marked sensitive: made once per token, so that each request clones a shared
    /// value instead of formatting the header again.
    ///
    /// Errors: as [`OAuth2::access_token`], and a token with characters a header cannot carry.
    pub async fn authorization(
        &self,
        http: &reqwest::Client,
    ) -> Result<(reqwest::header::HeaderValue, CredentialGeneration), TransportError> {
        self.with_token(http, |cached| (cached.authorization.clone(), cached.generation)).await
    }

    /// The `Authorization` header value of the cached token and its generation, when there
    /// is one and it is not yet due for a refresh; `None` otherwise (then
    /// [`OAuth2::authorization`] fetches one).
    pub fn fresh_authorization(&self) -> Option<(reqwest::header::HeaderValue, CredentialGeneration)> {
        let fresh = self.fresh.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (authorization, generation, refresh_at) = fresh.as_ref()?;
        (Instant::now() < *refresh_at).then(|| (authorization.clone(), *generation))
    }

    /// Copies the cached token's header into `fresh` (or clears it).
    fn publish(&self, cached: Option<&CachedToken>) {
        let mut fresh = self.fresh.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *fresh = cached.map(|cached| (cached.authorization.clone(), cached.generation, cached.refresh_at));
    }

    /// Reads the cached token with `read`, fetching a new one first when there is none or it
    /// is due for a refresh.
    async fn with_token<T>(
        &self,
        http: &reqwest::Client,
        read: impl FnOnce(&CachedToken) -> T,
    ) -> Result<T, TransportError> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref()
            && Instant::now() < cached.refresh_at
        {
            return Ok(read(cached));
        }
        #[cfg(feature = "shared-state")]
        let (access_token, lifetime) = match self.shared.get() {
            Some(shared) => shared.obtain(self.refresh_before_expiry, || self.fetch(http)).await?,
            None => self.fetch(http).await?,
        };
        #[cfg(not(feature = "shared-state"))]
        let (access_token, lifetime) = self.fetch(http).await?;
        let expiry = Instant::now() + lifetime;
        let refresh_at = expiry.checked_sub(self.refresh_before_expiry).unwrap_or(expiry);
        let generation = CredentialGeneration(self.generations.fetch_add(1, Ordering::Relaxed) + 1);
        let cached = CachedToken {
            authorization: bearer_header(&access_token)?,
            access_token,
            refresh_at,
            expires_at: expiry,
            generation,
        };
        let answer = read(&cached);
        self.publish(Some(&cached));
        *cache = Some(cached);
        Ok(answer)
    }

    /// One token request to the token endpoint: the token and its lifetime.
    async fn fetch(&self, http: &reqwest::Client) -> Result<(Secret, Duration), TransportError> {
        self.token_requests.fetch_add(1, Ordering::Relaxed);
        let mut form = vec![("grant_type", "client_credentials".to_string())];
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.join(" ")));
        }
        // RFC 6749 §2.3.1: client credentials in HTTP basic auth; the request retried as
        // `token_retry` says (token_endpoint::TokenRequest).
        let client = token_endpoint::ClientAuthentication::SecretBasic(self.credentials.clone());
        let clock = token_endpoint::WallClock::new();
        let token = token_endpoint::TokenRequest {
            http,
            url: &self.token_url,
            form,
            client: Some(&client),
            bearer: None,
            retry: self.retry,
            clock: &clock,
        }
        .send()
        .await?;
        let expiry = clock.instant_at(token.expires_at_unix(&clock, Duration::from_secs(3_600)));
        crate::metrics::token_refresh("fetch");
        Ok((Secret::new(token.access_token), expiry.saturating_duration_since(Instant::now())))
    }

    /// The same grant with its token request retried as `retry` says (seed 002's
    /// `token_refresh.retry_attempts` and `retry_delay_seconds`), apart from the operation's
    /// retries.
    pub fn with_retry(mut self, retry: token_endpoint::TokenRetry) -> Self {
        self.retry = retry;
        self
    }

    /// Forgets the cached token if it is still the one of generation `used` (after a
    /// `refresh_auth` error such as 401); a newer token fetched meanwhile is kept.
    pub async fn invalidate(&self, used: CredentialGeneration) {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref().filter(|cached| cached.generation == used) {
            #[cfg(feature = "shared-state")]
            if let Some(shared) = self.shared.get() {
                shared.invalidate(&cached.access_token).await;
            }
            #[cfg(not(feature = "shared-state"))]
            let _ = cached;
            self.publish(None);
            *cache = None;
        }
    }

    /// The cached token's state, for a health report (issue 18): none fetched yet, valid
    /// (and for how long), expired, or being fetched right now.
    pub fn token_status(&self) -> TokenStatus {
        let Ok(cache) = self.cache.try_lock() else { return TokenStatus::Fetching };
        match cache.as_ref() {
            None => TokenStatus::None,
            Some(cached) => {
                let now = Instant::now();
                if now < cached.expires_at {
                    TokenStatus::Valid { expires_in: cached.expires_at - now }
                } else {
                    TokenStatus::Expired
                }
            }
        }
    }

    /// How many times the token endpoint was asked (for tests and metrics).
    pub fn token_requests(&self) -> u64 {
        self.token_requests.load(Ordering::Relaxed)
    }
}

impl Authenticate for Auth {
    fn authenticate<'a>(
        &'a self,
        http: &'a reqwest::Client,
        request: reqwest::RequestBuilder,
    ) -> BoxFuture<'a, Result<(reqwest::RequestBuilder, CredentialGeneration), TransportError>> {
        Box::pin(async move {
            let request = match authenticate_builder_now(self, request)? {
                Ok(authenticated) => return Ok(authenticated),
                Err(request) => request,
            };
            Ok(match self {
                // `authenticate_now` applies static credentials and never gives them back.
                Auth::None | Auth::ApiKey { .. } | Auth::Bearer(_) | Auth::Basic { .. } => {
                    (request, CredentialGeneration::default())
                }
                Auth::OAuth2(oauth) => {
                    let (authorization, generation) = oauth.authorization(http).await?;
                    (request.header(reqwest::header::AUTHORIZATION, authorization), generation)
                }
                Auth::Custom(custom) => custom.authenticate(http, request).await?,
                #[cfg(feature = "oauth2-code")]
                Auth::AuthorizationCode(flow) => flow.authenticate(http, request).await?,
                #[cfg(feature = "jwt")]
                Auth::JwtBearer(flow) => flow.authenticate(http, request).await?,
                #[cfg(feature = "jwt")]
                Auth::GitHubApp(flow) => flow.authenticate(http, request).await?,
                #[cfg(feature = "sigv4")]
                Auth::SigV4(signer) => signer.authenticate(http, request).await?,
                #[cfg(feature = "signing")]
                Auth::HmacSignature(signer) => signer.authenticate(http, request).await?,
            })
        })
    }

    fn authenticate_now(&self, request: &mut reqwest::Request) -> Result<Option<CredentialGeneration>, TransportError> {
        let static_credentials = Some(CredentialGeneration::default());
        let headers = request.headers_mut();
        Ok(match self {
            Auth::None => static_credentials,
            Auth::ApiKey { location: ApiKeyLocation::Header, name, key } => {
                let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| TransportError::message(format!("invalid header name `{name}` for an API key")))?;
                headers.append(name, sensitive(key.expose())?);
                static_credentials
            }
            Auth::ApiKey { location: ApiKeyLocation::Query, name, key } => {
                // `application/x-www-form-urlencoded` pairs, as reqwest's `query` writes them.
                request.url_mut().query_pairs_mut().append_pair(name, key.expose());
                static_credentials
            }
            Auth::Bearer(token) => {
                headers.append(reqwest::header::AUTHORIZATION, bearer_header(token)?);
                static_credentials
            }
            Auth::Basic { username, password } => {
                let encoded =
                    base64::engine::general_purpose::STANDARD.encode(format!("{username}:{}", password.expose()));
                headers.append(reqwest::header::AUTHORIZATION, sensitive(&format!("Basic {encoded}"))?);
                static_credentials
            }
            Auth::OAuth2(oauth) => match oauth.fresh_authorization() {
                Some((authorization, generation)) => {
                    headers.append(reqwest::header::AUTHORIZATION, authorization);
                    Some(generation)
                }
                None => None,
            },
            Auth::Custom(custom) => custom.authenticate_now(request)?,
            #[allow(unreachable_patterns)]
            _ => None,
        })
    }

    fn refresh<'a>(&'a self, used: CredentialGeneration) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            match self {
                Auth::OAuth2(oauth) => {
                    oauth.invalidate(used).await;
                    true
                }
                Auth::Custom(custom) => custom.refresh(used).await,
                #[cfg(feature = "oauth2-code")]
                Auth::AuthorizationCode(flow) => flow.refresh(used).await,
                #[cfg(feature = "jwt")]
                Auth::JwtBearer(flow) => flow.refresh(used).await,
                #[cfg(feature = "jwt")]
                Auth::GitHubApp(flow) => flow.refresh(used).await,
                _ => false,
            }
        })
    }
}

/// What a request must carry: the spec's requirement for its operation (OpenAPI 3.1.0
/// §4.8.30, Security Requirement Object), which generated request builders set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Requirement {
    /// Any one credential the client holds, the first in the spec's order; none when it
    /// holds none. What a request built by hand gets.
    #[default]
    AnyOne,
    /// Alternatives in order of preference, any one enough, each the names of credentials
    /// sent together. An empty alternative needs nothing ([`Requirement::PUBLIC`]).
    AnyOf(&'static [&'static [&'static str]]),
}

impl Requirement {
    /// A public operation: no credentials are sent.
    pub const PUBLIC: Requirement = Requirement::AnyOf(&[&[]]);

    /// The alternatives as text for an error: `` `app_id` and `app_key`, or `token` ``.
    fn describe(&self) -> String {
        match self {
            Requirement::AnyOne => "a credential".to_string(),
            Requirement::AnyOf(alternatives) => alternatives
                .iter()
                .map(|names| names.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(" and "))
                .collect::<Vec<_>>()
                .join(", or "),
        }
    }
}

/// The named credentials a client holds, in the spec's order, each an [`Auth`]; applied to a
/// request by its [`Requirement`]. Names are the spec's (`admin_token`).
#[derive(Default)]
pub struct Credentials {
    held: Vec<(&'static str, Auth)>,
    anonymous: bool,
}

/// Which held credentials (by position in [`Credentials`]) a request carries, and the
/// generation of each, for a refresh after a `refresh_auth` error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsedCredentials(pub smallvec::SmallVec<[(usize, CredentialGeneration); 2]>);

/// The positions in [`Credentials`] of the credentials one request carries, as
/// [`Credentials::choose`] picks them: inline up to two (an alternative rarely names more),
/// so choosing allocates nothing.
pub type Chosen = smallvec::SmallVec<[usize; 2]>;

impl Credentials {
    /// No credentials.
    pub fn new() -> Self {
        Credentials::default()
    }

    /// Holds `auth` as the credential `name`, replacing one of that name.
    pub fn insert(&mut self, name: &'static str, auth: Auth) {
        match self.held.iter_mut().find(|(held, _)| *held == name) {
            Some(slot) => slot.1 = auth,
            None => self.held.push((name, auth)),
        }
    }

    /// Sends a request whose requirement the held credentials cannot meet without
    /// credentials, instead of failing it (a builder's `allow_anonymous`).
    pub fn allow_anonymous(&mut self) {
        self.anonymous = true;
    }

    /// Whether a request whose requirement is not met is sent anyway.
    pub fn anonymous(&self) -> bool {
        self.anonymous
    }

    /// Whether no credential is held.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// The credential named `name`.
    pub fn get(&self, name: &str) -> Option<&Auth> {
        self.held.iter().find(|(held, _)| *held == name).map(|(_, auth)| auth)
    }

    /// The names held, in order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.held.iter().map(|(name, _)| *name)
    }

    /// The positions of the credentials a request with `requirement` carries: those of the
    /// first alternative all of whose credentials are held (an empty one is always met);
    /// for [`Requirement::AnyOne`] the first held credential, or none. `None`: no alternative
    /// is met.
    pub fn choose(&self, requirement: Requirement) -> Option<Chosen> {
        let position = |name: &str| self.held.iter().position(|(held, _)| *held == name);
        match requirement {
            Requirement::AnyOne => Some(if self.held.is_empty() { Chosen::new() } else { smallvec::smallvec![0] }),
            Requirement::AnyOf(alternatives) => {
                alternatives.iter().find_map(|names| names.iter().map(|name| position(name)).collect())
            }
        }
    }

    /// The error of a request whose requirement no held credentials meet.
    pub fn unmet(&self, operation: &str, requirement: Requirement) -> TransportError {
        let held: Vec<&str> = self.names().collect();
        TransportError::message(format!(
            "operation `{operation}` needs {}; the client holds {}: set them on the builder or with `credentials_from_env`",
            requirement.describe(),
            if held.is_empty() {
                "none".to_string()
            } else {
                held.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            }
        ))
    }

    /// Adds the credentials at `chosen` (from [`Credentials::choose`]) to `request`, each
    /// through its [`Authenticate`].
    ///
    /// Errors: a credential cannot be obtained (token endpoint unreachable or refusing) or
    /// holds characters a header cannot.
    pub async fn apply(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        chosen: &[usize],
    ) -> Result<(reqwest::Request, UsedCredentials), TransportError> {
        let mut used = UsedCredentials::default();
        let applied = self.apply_now(&mut request, chosen, &mut used)?;
        if applied < chosen.len() {
            request = self.apply_later(http, request, &chosen[applied..], &mut used).await?;
        }
        Ok((request, used))
    }

    /// The start of [`Credentials::apply`] that needs no wait: adds the credentials at
    /// `chosen` in order while each can be added at once
    /// ([`Authenticate::authenticate_now`]), records them in `used`, and returns how many it
    /// added; the rest need [`Credentials::apply_later`].
    ///
    /// Errors: as [`Credentials::apply`].
    pub fn apply_now(
        &self,
        request: &mut reqwest::Request,
        chosen: &[usize],
        used: &mut UsedCredentials,
    ) -> Result<usize, TransportError> {
        for (applied, &index) in chosen.iter().enumerate() {
            let Some((_, auth)) = self.held.get(index) else { continue };
            match auth.authenticate_now(request)? {
                Some(generation) => used.0.push((index, generation)),
                None => return Ok(applied),
            }
        }
        Ok(chosen.len())
    }

    /// The rest of [`Credentials::apply`], from the first credential
    /// [`Credentials::apply_now`] could not add: each through [`Authenticate::authenticate`]
    /// (a token fetch, a signature), recorded in `used`.
    ///
    /// Errors: as [`Credentials::apply`].
    pub async fn apply_later(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        rest: &[usize],
        used: &mut UsedCredentials,
    ) -> Result<reqwest::Request, TransportError> {
        for &index in rest {
            let Some((_, auth)) = self.held.get(index) else { continue };
            let builder = reqwest::RequestBuilder::from_parts(http.clone(), request);
            let (builder, generation) = auth.authenticate(http, builder).await?;
            request = builder.build().map_err(TransportError::from_reqwest)?;
            used.0.push((index, generation));
        }
        Ok(request)
    }

    /// After a `refresh_auth` error: refreshes each credential the request carried; whether
    /// any will be different on the next attempt.
    pub async fn refresh(&self, used: &UsedCredentials) -> bool {
        let mut refreshed = false;
        for (index, generation) in &used.0 {
            if let Some((_, auth)) = self.held.get(*index) {
                refreshed |= auth.refresh(*generation).await;
            }
        }
        refreshed
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Auth`'s own Debug hides every secret.
        f.debug_struct("Credentials").field("held", &self.held).field("anonymous", &self.anonymous).finish()
    }
}

/// `Bearer <token>` as a sensitive header value (RFC 6750 §2.1).
fn bearer_header(token: &Secret) -> Result<reqwest::header::HeaderValue, TransportError> {
    sensitive(&format!("Bearer {}", token.expose()))
}

/// A header value marked sensitive, so that reqwest and hyper never print it.
fn sensitive(value: &str) -> Result<reqwest::header::HeaderValue, TransportError> {
    let mut value = reqwest::header::HeaderValue::from_str(value)
        .map_err(|_| TransportError::message("a credential contains characters not allowed in a header"))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> Auth {
        Auth::ApiKey {
            location: ApiKeyLocation::Header,
            name: name.to_string(),
            key: Secret::new(format!("{name}-value")),
        }
    }

    fn held(names: &[&'static str]) -> Credentials {
        let mut credentials = Credentials::new();
        for name in names {
            credentials.insert(name, key(name));
        }
        credentials
    }

    /// The choice of credentials, a pure function of what is held and what is required.
    #[test]
    fn the_first_alternative_held_in_full_is_chosen() {
        const KEYS_OR_TOKEN: Requirement = Requirement::AnyOf(&[&["app_id", "app_key"], &["token"]]);
        const OPTIONAL: Requirement = Requirement::AnyOf(&[&["token"], &[]]);
        let table: &[(&[&'static str], Requirement, Option<Vec<usize>>, &str)] = &[
            (&["app_id", "app_key", "token"], KEYS_OR_TOKEN, Some(vec![0, 1]), "both keys: the first alternative"),
            (&["app_key", "app_id"], KEYS_OR_TOKEN, Some(vec![1, 0]), "in the requirement's order"),
            (&["app_id", "token"], KEYS_OR_TOKEN, Some(vec![1]), "one key missing: the token"),
            (&["app_id"], KEYS_OR_TOKEN, None, "no alternative complete"),
            (&[], KEYS_OR_TOKEN, None, "nothing held"),
            (&[], Requirement::PUBLIC, Some(vec![]), "public: nothing needed"),
            (&["token"], Requirement::PUBLIC, Some(vec![]), "public: nothing sent"),
            (&["token"], OPTIONAL, Some(vec![0]), "optional, held: sent"),
            (&[], OPTIONAL, Some(vec![]), "optional, not held: none"),
            (&["app_id", "token"], Requirement::AnyOne, Some(vec![0]), "a hand-built request: the first held"),
            (&[], Requirement::AnyOne, Some(vec![]), "a hand-built request, nothing held"),
        ];
        for (names, requirement, expected, case) in table {
            assert_eq!(held(names).choose(*requirement).map(|chosen| chosen.to_vec()), *expected, "{case}");
        }
    }

    #[test]
    fn inserting_a_name_again_replaces_it_and_debug_hides_the_values() {
        let mut credentials = held(&["app_id"]);
        credentials.insert("app_id", Auth::Bearer(Secret::new("other-secret")));
        assert_eq!(credentials.names().collect::<Vec<_>>(), ["app_id"]);
        assert!(matches!(credentials.get("app_id"), Some(Auth::Bearer(_))));
        let shown = format!("{credentials:?}");
        assert!(!shown.contains("other-secret") && shown.contains("app_id"), "{shown}");
    }

    /// A user's scheme that only has the asynchronous `authenticate` (a signature, say).
    #[derive(Debug)]
    struct Stamp;

    impl Authenticate for Stamp {
        fn authenticate<'a>(
            &'a self,
            _http: &'a reqwest::Client,
            request: reqwest::RequestBuilder,
        ) -> BoxFuture<'a, Result<(reqwest::RequestBuilder, CredentialGeneration), TransportError>> {
            Box::pin(async move { Ok((request.header("x-stamp", "stamped"), CredentialGeneration(7))) })
        }

        fn refresh<'a>(&'a self, _used: CredentialGeneration) -> BoxFuture<'a, bool> {
            Box::pin(async { false })
        }
    }

    /// The credentials that go on at once are added in place up to the first that must wait;
    /// from there each goes through `authenticate`, in the requirement's order, and every one
    /// is recorded with its generation.
    #[tokio::test]
    async fn credentials_that_must_wait_continue_where_the_immediate_ones_stopped() {
        let mut credentials = held(&["app_id"]);
        credentials.insert("stamp", Auth::Custom(Arc::new(Stamp)));
        credentials.insert("admin", Auth::Bearer(Secret::new("admin-token")));
        let requirement = Requirement::AnyOf(&[&["app_id", "stamp", "admin"]]);
        let chosen = credentials.choose(requirement).expect("met");
        assert_eq!(chosen.as_slice(), [0, 1, 2]);
        let http = crate::client::http_builder().build().expect("client");

        let mut request = http.get("http://127.0.0.1:9/things").build().expect("a request");
        let mut used = UsedCredentials::default();
        let applied = credentials.apply_now(&mut request, &chosen, &mut used).expect("no error");
        assert_eq!(applied, 1, "`stamp` needs `authenticate`: the immediate pass stops there");
        assert_eq!(request.headers()["app_id"], "app_id-value");
        assert!(request.headers().get("x-stamp").is_none());

        let request = http.get("http://127.0.0.1:9/things").build().expect("a request");
        let (request, used) = credentials.apply(&http, request, &chosen).await.expect("applied");
        assert_eq!(request.headers()["app_id"], "app_id-value");
        assert_eq!(request.headers()["x-stamp"], "stamped");
        assert_eq!(request.headers()["authorization"], "Bearer admin-token");
        assert!(request.headers()["authorization"].is_sensitive());
        assert_eq!(
            used.0.as_slice(),
            [(0, CredentialGeneration(0)), (1, CredentialGeneration(7)), (2, CredentialGeneration(0))]
        );
    }

    /// Every credential of the chosen alternative is on the one request: two headers and a
    /// query parameter together.
    #[tokio::test]
    async fn the_chosen_credentials_are_all_applied_to_one_request() {
        let mut credentials = held(&["app_id", "app_key"]);
        let tenant = Auth::ApiKey { location: ApiKeyLocation::Query, name: "tenant".into(), key: Secret::new("t-1") };
        credentials.insert("tenant", tenant);
        credentials.insert("admin", Auth::Bearer(Secret::new("admin-token")));
        let requirement = Requirement::AnyOf(&[&["app_id", "app_key", "tenant"], &["admin"]]);
        let chosen = credentials.choose(requirement).expect("met");
        let http = crate::client::http_builder().build().expect("client");
        let request = http.get("http://127.0.0.1:9/things").build().expect("a request");
        let (request, used) = credentials.apply(&http, request, &chosen).await.expect("applied");
        assert_eq!(request.headers()["app_id"], "app_id-value");
        assert_eq!(request.headers()["app_key"], "app_key-value");
        assert!(request.headers()["app_id"].is_sensitive());
        assert_eq!(request.url().query(), Some("tenant=t-1"));
        assert!(request.headers().get("authorization").is_none(), "the other alternative is not sent");
        assert_eq!(used.0.len(), 3);
        // Static credentials have nothing to refresh.
        assert!(!credentials.refresh(&used).await);

        let message = held(&["app_id"]).unmet("list_things", requirement).to_string();
        assert!(message.contains("`list_things` needs `app_id` and `app_key` and `tenant`, or `admin`"), "{message}");
    }
}
