//! The OAuth 2.0 authorization code grant (RFC 6749 §4.1) with PKCE (RFC 7636, `S256`) and
//! refresh tokens (RFC 6749 §6): [`AuthorizationCode`] builds the authorization URL
//! (§4.1.1) with a fresh verifier, exchanges the code the redirect brings back (§4.1.3),
//! and from then on hands out an access token, refreshed with the refresh token before it
//! expires and after a `refresh_auth` error (a 401), one refresh for any number of
//! concurrent requests. A rotated refresh token replaces the old one (§6: "the client MUST
//! discard the old refresh token"); a refused one (`invalid_grant`, §5.2) is
//! [`TokenError::ReauthorizationRequired`]. Tokens live in a [`TokenStore`], told of every
//! change.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use super::pkce::PkceVerifier;
use super::token_endpoint::{ClientAuthentication, TokenError, TokenRequest, TokenRetry, WallClock};
use super::token_store::{TokenSet, TokenStore};
use super::{Authenticate, BoxFuture, CredentialGeneration};
use crate::error::TransportError;
use crate::secret::Secret;

/// What the spec declares about an authorization code flow.
#[derive(Debug, Clone)]
pub struct AuthorizationCodeConfig {
    /// The authorization endpoint (RFC 6749 §3.1), absolute URL.
    pub authorize_url: String,
    /// The token endpoint (§3.2), absolute URL.
    pub token_url: String,
    /// Where the authorization server sends the user back (§3.1.2), registered with it.
    pub redirect_uri: String,
    /// Extra query parameters of the authorization URL a provider documents (Google's
    /// `access_type=offline`, which asks for a refresh token).
    pub authorize_params: Vec<(String, String)>,
    /// Refresh this long before the access token expires.
    pub refresh_before_expiry: Duration,
    /// Retries of the token request, apart from the operation's.
    pub retry: TokenRetry,
}

/// The URL to send the user to, and what to keep until the redirect comes back.
#[derive(Debug)]
pub struct AuthorizationRequest {
    /// The authorization URL: `response_type=code`, `client_id`, `redirect_uri`, `scope`,
    /// `state`, `code_challenge`, `code_challenge_method=S256` (RFC 6749 §4.1.1, RFC 7636
    /// §4.3) and the provider's extra parameters.
    pub url: url::Url,
    /// The PKCE verifier to give `exchange_code` (keep it server-side, with the state).
    pub verifier: PkceVerifier,
}

/// An authorization code flow for one authorization (one user), whose tokens live in a
/// [`TokenStore`] under one key.
pub struct AuthorizationCode {
    config: AuthorizationCodeConfig,
    client: ClientAuthentication,
    store: Arc<dyn TokenStore>,
    key: String,
    clock: WallClock,
    cache: Mutex<Option<Cached>>,
    generations: AtomicU64,
    token_requests: AtomicU64,
    /// How `authorization_url` joins scopes: RFC 6749 §3.3's space, or what a provider
    /// documents instead (Slack: a comma).
    scope_separator: String,
    /// The token endpoint's `error` values, besides RFC 6749 §5.2's `invalid_grant`, that
    /// mean the refresh token is gone (Slack: `invalid_refresh_token`).
    reauthorization_errors: Vec<String>,
}

struct Cached {
    tokens: TokenSet,
    /// When to refresh: the expiry less the margin; `None`: the server gave no expiry, so
    /// only a `refresh_auth` error refreshes.
    refresh_at: Option<Instant>,
    /// Marked after a `refresh_auth` error with this generation: refresh on next use.
    stale: bool,
    generation: CredentialGeneration,
}

impl AuthorizationCode {
    /// A flow whose tokens are kept in `store` under `key` (a memory store, or one that
    /// holds tokens of earlier runs).
    pub fn new(
        config: AuthorizationCodeConfig,
        client: ClientAuthentication,
        store: Arc<dyn TokenStore>,
        key: impl Into<String>,
    ) -> Self {
        AuthorizationCode {
            config,
            client,
            store,
            key: key.into(),
            clock: WallClock::new(),
            cache: Mutex::new(None),
            generations: AtomicU64::new(0),
            token_requests: AtomicU64::new(0),
            scope_separator: " ".into(),
            reauthorization_errors: Vec::new(),
        }
    }

    /// The same flow joining the scopes of the authorization URL with `separator` instead
    /// of RFC 6749 §3.3's space (Slack's `oauth/v2/authorize` takes a comma-separated list).
    pub fn with_scope_separator(mut self, separator: impl Into<String>) -> Self {
        self.scope_separator = separator.into();
        self
    }

    /// The same flow also reading these token-endpoint `error` values as a refresh token
    /// that is gone ([`TokenError::ReauthorizationRequired`]), besides `invalid_grant`
    /// (RFC 6749 §5.2): Slack answers a used or revoked refresh token with
    /// `invalid_refresh_token`.
    pub fn with_reauthorization_errors<I, S>(mut self, errors: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.reauthorization_errors = errors.into_iter().map(Into::into).collect();
        self
    }

    /// The same flow reading Unix time from `clock`.
    pub fn with_clock(mut self, clock: WallClock) -> Self {
        self.clock = clock;
        self
    }

    /// The store the tokens live in.
    pub fn store(&self) -> &Arc<dyn TokenStore> {
        &self.store
    }

    /// The key of this authorization's tokens in the store.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// How many token requests (code exchanges and refreshes) were sent.
    pub fn token_requests(&self) -> u64 {
        self.token_requests.load(Ordering::Relaxed)
    }

    /// The authorization URL for `scopes` (joined with a space, or the declared separator) and `state` (an unguessable value
    /// the caller keeps and compares on the redirect, RFC 6749 §10.12), with a new PKCE
    /// verifier (RFC 7636 §4.1) from the OS's CSPRNG.
    ///
    /// Errors: the authorization URL is not a URL, or no random source.
    pub fn authorization_url(&self, scopes: &[&str], state: &str) -> Result<AuthorizationRequest, TokenError> {
        let verifier = PkceVerifier::generate().map_err(TokenError::Config)?;
        let mut url = url::Url::parse(&self.config.authorize_url).map_err(|error| {
            TokenError::Config(format!("authorization URL `{}`: {error}", self.config.authorize_url))
        })?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", self.client.client_id())
                .append_pair("redirect_uri", &self.config.redirect_uri);
            if !scopes.is_empty() {
                query.append_pair("scope", &scopes.join(&self.scope_separator));
            }
            query
                .append_pair("state", state)
                .append_pair("code_challenge", &verifier.challenge())
                .append_pair("code_challenge_method", "S256");
            for (name, value) in &self.config.authorize_params {
                query.append_pair(name, value);
            }
        }
        Ok(AuthorizationRequest { url, verifier })
    }

    /// Exchanges the `code` of the redirect for tokens (RFC 6749 §4.1.3, with
    /// `code_verifier`, RFC 7636 §4.5), and saves them in the store.
    ///
    /// Errors: the server refused the code or verifier ([`TokenError::Refused`], `invalid_grant`),
    /// the token endpoint is unavailable, or the store failed.
    pub async fn exchange_code(
        &self,
        http: &reqwest::Client,
        code: &str,
        verifier: &PkceVerifier,
    ) -> Result<TokenSet, TokenError> {
        let mut cache = self.cache.lock().await;
        let form = vec![
            ("grant_type", "authorization_code".to_string()),
            ("code", code.to_string()),
            ("redirect_uri", self.config.redirect_uri.clone()),
            ("code_verifier", verifier.expose().to_string()),
        ];
        let answer = self.request(http, form).await?;
        let tokens = TokenSet {
            access_token: Secret::new(answer.access_token.clone()),
            refresh_token: answer.refresh_token.clone().map(Secret::new),
            expires_at: Some(answer.expires_at_unix(&self.clock, DEFAULT_LIFETIME)),
            scope: answer.scope.clone(),
        };
        self.store.save(&self.key, &tokens).await.map_err(TokenError::Store)?;
        *cache = Some(self.cached(tokens.clone()));
        Ok(tokens)
    }

    /// A valid access token and its generation: the cached one, or one refreshed with the
    /// refresh token (RFC 6749 §6). One caller at a time refreshes; the others wait and share
    /// its token. A proactive refresh (before expiry) that finds the token endpoint
    /// unavailable keeps using the current token until it expires.
    ///
    /// Errors: [`TokenError::ReauthorizationRequired`] when no tokens are stored or the
    /// server refused the refresh token (the stored tokens are then deleted); the token
    /// endpoint unavailable or refusing; the store failing.
    pub async fn access_token(&self, http: &reqwest::Client) -> Result<(Secret, CredentialGeneration), TokenError> {
        let mut cache = self.cache.lock().await;
        if cache.is_none()
            && let Some(tokens) = self.store.load(&self.key).await.map_err(TokenError::Store)?
        {
            *cache = Some(self.cached(tokens));
        }
        let Some(cached) = cache.as_ref() else {
            return Err(TokenError::ReauthorizationRequired {
                reason: format!(
                    "no tokens are stored under `{}`: send the user to `authorization_url` and call `exchange_code`",
                    self.key
                ),
            });
        };
        if cached.is_fresh() {
            return Ok((cached.tokens.access_token.clone(), cached.generation));
        }
        // Another process sharing the store may have refreshed (and rotated) already.
        if let Some(stored) = self.store.load(&self.key).await.map_err(TokenError::Store)?
            && stored.access_token != cached.tokens.access_token
        {
            let adopted = self.cached(stored);
            if adopted.is_fresh() {
                let answer = (adopted.tokens.access_token.clone(), adopted.generation);
                *cache = Some(adopted);
                return Ok(answer);
            }
        }
        let Some(refresh_token) = cached.tokens.refresh_token.clone() else {
            return Err(TokenError::ReauthorizationRequired {
                reason: "the access token expired and the server issued no refresh token".into(),
            });
        };
        let form =
            vec![("grant_type", "refresh_token".to_string()), ("refresh_token", refresh_token.expose().to_string())];
        match self.request(http, form).await {
            Ok(answer) => {
                let tokens = TokenSet {
                    access_token: Secret::new(answer.access_token.clone()),
                    // §6: a new refresh token replaces the old; without one, the old stays.
                    refresh_token: answer.refresh_token.clone().map(Secret::new).or(Some(refresh_token)),
                    expires_at: Some(answer.expires_at_unix(&self.clock, DEFAULT_LIFETIME)),
                    scope: answer.scope.clone().or_else(|| cached.tokens.scope.clone()),
                };
                self.store.save(&self.key, &tokens).await.map_err(TokenError::Store)?;
                let refreshed = self.cached(tokens);
                let answer = (refreshed.tokens.access_token.clone(), refreshed.generation);
                *cache = Some(refreshed);
                Ok(answer)
            }
            Err(TokenError::Refused { error: Some(error), description, .. })
                if error == "invalid_grant" || self.reauthorization_errors.contains(&error) =>
            {
                *cache = None;
                self.store.delete(&self.key).await.map_err(TokenError::Store)?;
                Err(TokenError::ReauthorizationRequired {
                    reason: format!(
                        "the authorization server refused the refresh token (`{}`{}): it was revoked, expired or rotated away; authorize again",
                        crate::error::excerpt(&error, 100),
                        description.map(|d| format!(": {}", crate::error::excerpt(&d, 200))).unwrap_or_default()
                    ),
                })
            }
            Err(TokenError::Unavailable(error)) if !cached.stale && cached.is_unexpired(&self.clock) => {
                tracing::warn!(%error, "token refresh failed; the current access token is still valid");
                Ok((cached.tokens.access_token.clone(), cached.generation))
            }
            Err(error) => Err(error),
        }
    }

    /// After a `refresh_auth` error (a 401) for a request that carried `used`: the next
    /// caller refreshes, unless a newer token was fetched meanwhile.
    pub async fn invalidate(&self, used: CredentialGeneration) {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_mut()
            && cached.generation == used
        {
            cached.stale = true;
        }
    }

    async fn request(
        &self,
        http: &reqwest::Client,
        form: Vec<(&'static str, String)>,
    ) -> Result<super::token_endpoint::TokenResponse, TokenError> {
        self.token_requests.fetch_add(1, Ordering::Relaxed);
        TokenRequest {
            http,
            url: &self.config.token_url,
            form,
            client: Some(&self.client),
            bearer: None,
            retry: self.config.retry,
            clock: &self.clock,
        }
        .send()
        .await
    }

    fn cached(&self, tokens: TokenSet) -> Cached {
        let refresh_at = tokens.expires_at.map(|at| {
            let expiry = self.clock.instant_at(at);
            expiry.checked_sub(self.config.refresh_before_expiry).unwrap_or(expiry)
        });
        let generation = CredentialGeneration(self.generations.fetch_add(1, Ordering::Relaxed) + 1);
        Cached { tokens, refresh_at, stale: false, generation }
    }
}

/// The lifetime of an access token whose answer gave neither `expires_in` nor `expires_at`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3_600);

impl Cached {
    fn is_fresh(&self) -> bool {
        !self.stale && self.refresh_at.is_none_or(|at| Instant::now() < at)
    }

    fn is_unexpired(&self, clock: &WallClock) -> bool {
        self.tokens.expires_at.is_none_or(|at| clock.now_unix() < at)
    }
}

impl fmt::Debug for AuthorizationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationCode")
            .field("token_url", &self.config.token_url)
            .field("client", &self.client)
            .field("store", &self.store)
            .field("key", &self.key)
            .finish()
    }
}

impl Authenticate for AuthorizationCode {
    fn authenticate<'a>(
        &'a self,
        http: &'a reqwest::Client,
        request: reqwest::RequestBuilder,
    ) -> BoxFuture<'a, Result<(reqwest::RequestBuilder, CredentialGeneration), TransportError>> {
        Box::pin(async move {
            let (token, generation) = self.access_token(http).await?;
            Ok((request.header(reqwest::header::AUTHORIZATION, super::bearer_header(&token)?), generation))
        })
    }

    fn refresh<'a>(&'a self, used: CredentialGeneration) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            self.invalidate(used).await;
            true
        })
    }
}

/// An authorization code credential read from the environment by a generated
/// `credentials_from_env`: the client's authentication, the redirect URI, and a refresh
/// token obtained earlier, if any.
#[derive(Debug)]
pub struct FromEnv {
    /// How the client authenticates to the token endpoint.
    pub client: ClientAuthentication,
    /// The registered redirect URI.
    pub redirect_uri: String,
    /// A refresh token from the environment.
    pub refresh_token: Option<Secret>,
}

impl FromEnv {
    /// Reads the variables the spec names; `None` when the client id, the redirect URI or
    /// what `method` needs (the secret, the private key) is unset.
    pub fn read(
        method: super::token_endpoint::ClientAuthMethod,
        client_id_env: &str,
        client_secret_env: &str,
        redirect_uri_env: &str,
        refresh_token_env: &str,
        private_key_env: &str,
        private_key_file_env: &str,
    ) -> Option<FromEnv> {
        use super::token_endpoint::ClientAuthMethod;
        let text = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let client_id = text(client_id_env)?;
        let redirect_uri = text(redirect_uri_env)?;
        let secret = || Secret::from_env(client_secret_env);
        let client = match method {
            ClientAuthMethod::None => ClientAuthentication::Public { client_id },
            ClientAuthMethod::ClientSecretBasic => {
                ClientAuthentication::SecretBasic(super::ClientCredentials::new(client_id, secret()?))
            }
            ClientAuthMethod::ClientSecretPost => {
                ClientAuthentication::SecretPost(super::ClientCredentials::new(client_id, secret()?))
            }
            #[cfg(feature = "jwt")]
            ClientAuthMethod::PrivateKeyJwt => {
                let key = super::jwt::PrivateKey::from_env_or_file(private_key_env, private_key_file_env).ok()?;
                ClientAuthentication::PrivateKeyJwt(super::jwt::ClientAssertion::new(client_id, key))
            }
            #[cfg(not(feature = "jwt"))]
            ClientAuthMethod::PrivateKeyJwt => {
                let _ = (private_key_env, private_key_file_env);
                return None;
            }
        };
        Some(FromEnv { client, redirect_uri, refresh_token: Secret::from_env(refresh_token_env) })
    }

    /// A memory store holding the refresh token under `key`, when one was read.
    pub fn store(&self, key: &str) -> Option<Arc<dyn TokenStore>> {
        let refresh_token = self.refresh_token.clone()?;
        Some(Arc::new(super::token_store::MemoryTokenStore::with_tokens(
            key,
            TokenSet::from_refresh_token(refresh_token),
        )))
    }
}
