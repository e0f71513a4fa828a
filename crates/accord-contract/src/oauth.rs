//! The OAuth 2.0 flows of issue 17 as declared data: authorization code with PKCE and
//! refresh tokens (RFC 6749 §4.1, §6; RFC 7636), the JWT bearer grant (RFC 7523 §2.1) and
//! GitHub App installation tokens; with how a client authenticates to a token endpoint
//! (RFC 6749 §2.3.1, RFC 7523 §2.2) and the token request's own retries (seed 002's
//! `token_refresh`). [`crate::AuthScheme`] holds them; credentials are never here, only the
//! environment variables they come from.

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// How the client authenticates to the token endpoint (the `token_endpoint_auth_method`
/// values of RFC 7591 §2 and OpenID Connect Core §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub enum ClientAuthMethod {
    /// A public client (a native or browser app): `client_id` in the form, no secret.
    None,
    /// HTTP basic with the client id and secret (RFC 6749 §2.3.1).
    #[default]
    ClientSecretBasic,
    /// `client_id` and `client_secret` in the form (RFC 6749 §2.3.1).
    ClientSecretPost,
    /// A JWT signed with the client's RSA key as `client_assertion` (RFC 7523 §2.2).
    PrivateKeyJwt,
}

/// Retries of a token request, apart from the operation's (seed 002:
/// `token_refresh: { retry_attempts: 3, retry_delay_seconds: 5 }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize))]
pub struct TokenRetry {
    /// Retries after the first attempt.
    pub retry_attempts: u32,
    /// Wait between attempts, milliseconds.
    pub retry_delay_ms: u64,
}

impl TokenRetry {
    /// Whether it declares no retry (one attempt).
    pub fn is_none(&self) -> bool {
        self.retry_attempts == 0
    }
}

/// OAuth 2.0 authorization code grant with PKCE (`S256`) and refresh tokens.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize))]
pub struct OAuth2AuthorizationCode {
    /// The authorization endpoint (absolute URL).
    pub authorize_url: String,
    /// Its path, which the mock serves.
    pub authorize_path: String,
    /// The token endpoint (absolute URL).
    pub token_url: String,
    /// Its path, which the mock serves.
    pub token_path: String,
    /// Scopes asked for by default.
    pub scopes: Vec<String>,
    /// Extra query parameters of the authorization URL, in order (Google's
    /// `access_type=offline`).
    pub authorize_params: Vec<(String, String)>,
    /// How the client authenticates to the token endpoint.
    pub client_authentication: ClientAuthMethod,
    /// Refresh this long before the access token expires, seconds.
    pub refresh_before_expiry_seconds: u64,
    /// Retries of the token request.
    pub token_retry: TokenRetry,
    /// Variable holding the client id.
    pub client_id_env: String,
    /// Variable holding the client secret (`client_secret_*` methods).
    pub client_secret_env: String,
    /// Variable holding the redirect URI registered with the provider.
    pub redirect_uri_env: String,
    /// Variable holding a refresh token obtained earlier (provider verification, servers).
    pub refresh_token_env: String,
    /// Variable holding the client's RSA private key in PEM (`private_key_jwt`).
    pub private_key_env: String,
    /// Variable holding the path of a PEM file with that key.
    pub private_key_file_env: String,
    /// How the authorization URL joins scopes, when not RFC 6749 §3.3's space (Slack: `,`).
    #[cfg_attr(feature = "derive", serde(default, skip_serializing_if = "Option::is_none"))]
    pub scope_separator: Option<String>,
    /// Token-endpoint `error` values that, besides `invalid_grant`, mean the refresh token
    /// is gone (Slack: `invalid_refresh_token`); the mock refuses a refresh token with the
    /// first of them.
    #[cfg_attr(feature = "derive", serde(default, skip_serializing_if = "Vec::is_empty"))]
    pub reauthorization_errors: Vec<String>,
}

/// The JWT bearer grant (RFC 7523 §2.1), as Google service accounts use it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize))]
pub struct OAuth2JwtBearer {
    /// The token endpoint (absolute URL); also the assertion's `aud` unless `audience`.
    pub token_url: String,
    /// Its path, which the mock serves.
    pub token_path: String,
    /// `scope` of the assertion.
    pub scopes: Vec<String>,
    /// `aud` when it is not the token URL.
    pub audience: Option<String>,
    /// `exp` − `iat`, seconds (Google: at most 3600).
    pub lifetime_seconds: u64,
    /// Refresh this long before the access token expires, seconds.
    pub refresh_before_expiry_seconds: u64,
    /// Retries of the token request.
    pub token_retry: TokenRetry,
    /// Variable holding `iss` (a service account's `client_email`).
    pub issuer_env: String,
    /// Variable holding `sub`, the user to act for (optional).
    pub subject_env: String,
    /// Variable holding the RSA private key in PEM.
    pub private_key_env: String,
    /// Variable holding the path of a PEM file with that key.
    pub private_key_file_env: String,
    /// Variable holding the PEM public key verifying this credential's JWTs (the mock
    /// accepts it besides the test-only key).
    #[cfg_attr(feature = "derive", serde(default))]
    pub public_key_env: String,
}

/// A GitHub App acting as an installation: an RS256 app JWT exchanged for an installation
/// token at `token_path` on the API's own base URL.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize))]
pub struct GitHubApp {
    /// The token path with `{installation_id}`.
    pub token_path: String,
    /// Refresh this long before `expires_at`, seconds.
    pub refresh_before_expiry_seconds: u64,
    /// Retries of the token request.
    pub token_retry: TokenRetry,
    /// Variable holding the app id (the JWT's `iss`).
    pub app_id_env: String,
    /// Variable holding the installation id.
    pub installation_id_env: String,
    /// Variable holding the app's RSA private key in PEM.
    pub private_key_env: String,
    /// Variable holding the path of a PEM file with that key.
    pub private_key_file_env: String,
    /// Variable holding the PEM public key verifying this credential's JWTs (the mock
    /// accepts it besides the test-only key).
    #[cfg_attr(feature = "derive", serde(default))]
    pub public_key_env: String,
}

impl GitHubApp {
    /// Whether `path` is this app's token path for some installation id (one segment).
    pub fn matches_token_path(&self, path: &str) -> bool {
        let Some((before, after)) = self.token_path.split_once("{installation_id}") else {
            return path == self.token_path;
        };
        path.strip_prefix(before)
            .and_then(|rest| rest.strip_suffix(after))
            .is_some_and(|id| !id.is_empty() && !id.contains('/'))
    }
}
