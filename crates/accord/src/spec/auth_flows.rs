//! The spec language's OAuth 2.0 flows beyond client credentials (issue 17): authorization
//! code with PKCE and refresh tokens, the JWT bearer grant, GitHub App installation tokens,
//! and the token request's own retries. Part of [`crate::spec::types`] (re-exported there);
//! one file so the keys of one family stay together.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use accord_contract::oauth::ClientAuthMethod;

/// Retries of a token request, apart from the operation's `retry` (seed 002's
/// `token_refresh: { retry_attempts: 3, retry_delay_seconds: 5 }`): after a connection
/// failure, a `5xx` or a `429`, never after another `4xx`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRetrySpec {
    /// Retries after the first attempt, e.g. `3`.
    pub retry_attempts: u32,
    /// Wait between attempts, e.g. `5s`.
    pub retry_delay: String,
}

/// OAuth 2.0 authorization code grant (RFC 6749 §4.1) with PKCE `S256` (RFC 7636) and
/// refresh tokens (§6): the generated client builds the authorization URL and exchanges the
/// code; tokens are refreshed before expiry and after a `refresh_auth` error.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuth2AuthorizationCodeAuth {
    /// Absolute `http(s)` URL of the authorization endpoint.
    pub authorize_url: String,
    /// Absolute `http(s)` URL of the token endpoint.
    pub token_url: String,
    /// Scopes asked for by default.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Extra query parameters of the authorization URL the provider documents, e.g.
    /// `{ access_type: offline }` (Google: ask for a refresh token).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub authorize_params: IndexMap<String, String>,
    /// How the client authenticates to the token endpoint; default `client_secret_basic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub client_authentication: Option<ClientAuthMethod>,
    /// Refresh this long before the access token expires, e.g. `300s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub refresh_before_expiry: Option<String>,
    /// Retries of the token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub token_retry: Option<TokenRetrySpec>,
    /// Environment variable holding the client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub client_id_env: Option<String>,
    /// Environment variable holding the client secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub client_secret_env: Option<String>,
    /// Environment variable holding the registered redirect URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub redirect_uri_env: Option<String>,
    /// Environment variable holding a refresh token obtained earlier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub refresh_token_env: Option<String>,
    /// How the authorization URL joins scopes when the provider does not take RFC 6749
    /// §3.3's space, e.g. `","` (Slack's `oauth/v2/authorize`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub scope_separator: Option<String>,
    /// Token-endpoint `error` values that, besides `invalid_grant` (RFC 6749 §5.2), mean the
    /// refresh token is gone and the user must authorize again, e.g. Slack's
    /// `[invalid_refresh_token]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub reauthorization_errors: Vec<String>,
}

/// The JWT bearer grant (RFC 7523 §2.1), as Google service accounts use it: an RS256
/// assertion with `iss`, `scope`, `aud`, `iat` and `exp`, exchanged for an access token.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuth2JwtBearerAuth {
    /// Absolute `http(s)` URL of the token endpoint (also `aud` unless `audience`).
    pub token_url: String,
    /// `scope` of the assertion.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// `aud`, when it is not the token URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub audience: Option<String>,
    /// `exp` − `iat`, e.g. `3600s` (Google: at most one hour); default `3600s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub lifetime: Option<String>,
    /// Refresh this long before the access token expires, e.g. `300s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub refresh_before_expiry: Option<String>,
    /// Retries of the token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub token_retry: Option<TokenRetrySpec>,
    /// Environment variable holding `iss` (a service account's `client_email`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub issuer_env: Option<String>,
    /// Environment variable holding the RSA private key in PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub private_key_env: Option<String>,
    /// Environment variable holding the PEM public key that verifies this credential's
    /// JWTs, for `accord mock` to accept a client signing with a real key (besides the
    /// contract tests' test-only key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub public_key_env: Option<String>,
}

/// A GitHub App acting as one installation: an RS256 app JWT (`iat` 60 s in the past,
/// `exp` at most 10 minutes ahead, `iss` the app id) exchanged for an installation token at
/// `token_path`, cached until its `expires_at`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitHubAppAuth {
    /// The token path on the API's base URL, with `{installation_id}`; default
    /// `/app/installations/{installation_id}/access_tokens`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub token_path: Option<String>,
    /// Refresh this long before `expires_at`, e.g. `300s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub refresh_before_expiry: Option<String>,
    /// Retries of the token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub token_retry: Option<TokenRetrySpec>,
    /// Environment variable holding the app id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub app_id_env: Option<String>,
    /// Environment variable holding the installation id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub installation_id_env: Option<String>,
    /// Environment variable holding the app's RSA private key in PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub private_key_env: Option<String>,
    /// Environment variable holding the PEM public key that verifies this credential's
    /// JWTs, for `accord mock` to accept a client signing with a real key (besides the
    /// contract tests' test-only key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub public_key_env: Option<String>,
}
