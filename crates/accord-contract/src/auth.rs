//! Authentication schemes as declared, defined once: the IR holds these (with prose beside
//! them), the contract carries them to the mock and the verifier, and every consumer matches
//! [`AuthScheme`] exhaustively, so a new scheme is a compile error everywhere it must be
//! handled. Credentials themselves are never here, only where they come from (environment
//! variable names).

use serde::{Deserialize, Serialize};

use crate::wire::ApiKeyLocation;

/// Declared authentication: every scheme the API accepts, in accord's order of preference
/// (OAuth2 client credentials, bearer token, HTTP basic, API key). A client sends one scheme
/// per request: the first one it holds credentials for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Auth {
    /// Schemes in order of preference.
    pub schemes: Vec<AuthScheme>,
}

impl Auth {
    /// Whether any scheme is declared.
    pub fn any(&self) -> bool {
        !self.schemes.is_empty()
    }

    /// The preferred scheme: the one a client with every credential sends.
    pub fn preferred(&self) -> Option<&AuthScheme> {
        self.schemes.first()
    }

    /// The OAuth2 client-credentials scheme, when declared (its token endpoint is served by
    /// the mock).
    pub fn oauth2(&self) -> Option<&OAuth2ClientCredentials> {
        self.schemes.iter().find_map(|scheme| match scheme {
            AuthScheme::OAuth2ClientCredentials(oauth) => Some(oauth),
            AuthScheme::Bearer(_) | AuthScheme::Basic(_) | AuthScheme::ApiKey(_) => None,
        })
    }
}

impl Auth {
    /// The API key scheme, when declared (where the key goes).
    pub fn api_key(&self) -> Option<&ApiKey> {
        self.schemes.iter().find_map(|scheme| match scheme {
            AuthScheme::ApiKey(key) => Some(key),
            AuthScheme::OAuth2ClientCredentials(_) | AuthScheme::Bearer(_) | AuthScheme::Basic(_) => None,
        })
    }
}

/// One authentication scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "scheme", rename_all = "snake_case")]
pub enum AuthScheme {
    /// OAuth 2.0 client credentials grant (RFC 6749 §4.4): the client exchanges its id and
    /// secret for an access token and sends `Authorization: Bearer`.
    #[serde(rename = "oauth2_client_credentials")]
    OAuth2ClientCredentials(OAuth2ClientCredentials),
    /// A bearer token (RFC 6750) in `Authorization: Bearer`.
    Bearer(Bearer),
    /// HTTP Basic (RFC 7617): `Authorization: Basic base64(user:password)`.
    Basic(Basic),
    /// A key in a header or a query parameter.
    ApiKey(ApiKey),
}

impl AuthScheme {
    /// The spec's key for the scheme (`oauth2_client_credentials`, `bearer`, `basic`,
    /// `api_key`).
    pub const fn key(&self) -> &'static str {
        match self {
            AuthScheme::OAuth2ClientCredentials(_) => "oauth2_client_credentials",
            AuthScheme::Bearer(_) => "bearer",
            AuthScheme::Basic(_) => "basic",
            AuthScheme::ApiKey(_) => "api_key",
        }
    }

    /// The environment variables its credentials are read from, in the order a user sets
    /// them.
    pub fn env_vars(&self) -> Vec<&str> {
        match self {
            AuthScheme::OAuth2ClientCredentials(oauth) => {
                vec![oauth.client_id_env.as_str(), oauth.client_secret_env.as_str()]
            }
            AuthScheme::Bearer(bearer) => vec![bearer.env.as_str()],
            AuthScheme::Basic(basic) => vec![basic.username_env.as_str(), basic.password_env.as_str()],
            AuthScheme::ApiKey(key) => vec![key.env.as_str()],
        }
    }
}

/// OAuth 2.0 client credentials (RFC 6749 §4.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuth2ClientCredentials {
    /// The token endpoint as declared (absolute URL).
    pub token_url: String,
    /// Its path (`/oauth/token`), which the mock serves.
    pub token_path: String,
    /// Scopes requested.
    pub scopes: Vec<String>,
    /// How long before the access token's `expires_in` runs out the client fetches a new
    /// one, seconds.
    pub refresh_before_expiry_seconds: u64,
    /// Variable holding the client id.
    pub client_id_env: String,
    /// Variable holding the client secret.
    pub client_secret_env: String,
}

/// A bearer token (RFC 6750).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bearer {
    /// Variable holding the token (`GITHUB_TOKEN`).
    pub env: String,
}

/// HTTP Basic credentials (RFC 7617).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Basic {
    /// Variable holding the user name.
    pub username_env: String,
    /// Variable holding the password.
    pub password_env: String,
}

/// An API key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKey {
    /// Where the key goes.
    pub location: ApiKeyLocation,
    /// Header or query parameter name.
    pub name: String,
    /// Variable holding the key.
    pub env: String,
}
