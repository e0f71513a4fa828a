//! Authentication schemes as declared, defined once: the IR holds these (with prose beside
//! them), the contract carries them to the mock and the verifier, and every consumer matches
//! [`AuthScheme`] exhaustively, so a new scheme is a compile error everywhere it must be
//! handled. Credentials themselves are never here, only where they come from (environment
//! variable names); each is named, and an operation's [`Requirement`] names those it needs.

use serde::{Deserialize, Serialize};

use crate::wire::ApiKeyLocation;

/// Declared authentication: named credentials, any number of each scheme, in the spec's
/// order of preference. Which of them a request carries is its operation's [`Requirement`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Auth {
    /// Credentials in order of preference.
    pub credentials: Vec<Credential>,
}

impl Auth {
    /// Whether any credential is declared.
    pub fn any(&self) -> bool {
        !self.credentials.is_empty()
    }

    /// The credential named `name`.
    pub fn credential(&self, name: &str) -> Option<&Credential> {
        self.credentials.iter().find(|credential| credential.name == name)
    }

    /// The OAuth2 client-credentials credentials, with their names (the mock serves each
    /// token endpoint).
    pub fn oauth2(&self) -> impl Iterator<Item = (&str, &OAuth2ClientCredentials)> {
        self.credentials.iter().filter_map(|credential| match &credential.scheme {
            AuthScheme::OAuth2ClientCredentials(oauth) => Some((credential.name.as_str(), oauth)),
            AuthScheme::Bearer(_)
            | AuthScheme::Basic(_)
            | AuthScheme::ApiKey(_)
            | AuthScheme::OAuth2AuthorizationCode(_)
            | AuthScheme::OAuth2JwtBearer(_)
            | AuthScheme::GitHubApp(_)
            | AuthScheme::AwsSigV4(_)
            | AuthScheme::HmacSignature(_) => None,
        })
    }
}

/// One named credential: the spec's name (`admin_token`, also the generated builder's setter
/// and the key of [`Requirement`]s) and its scheme: `{"name": "admin_token", "scheme":
/// {"scheme": "bearer", "env": "…"}}` (not flattened: an API key's `name` is its header's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Credential {
    /// Spec name.
    pub name: String,
    /// The scheme and where its values come from.
    pub scheme: AuthScheme,
}

/// What a request must carry, as OpenAPI's `security` (OpenAPI 3.1.0 §4.8.30, Security
/// Requirement Object): alternatives, any one of which is enough, each the names of
/// credentials sent together. One empty alternative is a public operation; an empty
/// alternative beside others makes credentials optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    /// Alternatives in order of preference; never empty.
    pub alternatives: Vec<Vec<String>>,
}

impl Requirement {
    /// No credentials needed.
    pub fn public() -> Requirement {
        Requirement { alternatives: vec![Vec::new()] }
    }

    /// Whether a request without any credential satisfies it.
    pub fn is_public(&self) -> bool {
        self.alternatives.iter().any(Vec::is_empty)
    }
}

impl Default for Requirement {
    fn default() -> Self {
        Requirement::public()
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
    /// OAuth 2.0 authorization code with PKCE and refresh tokens (RFC 6749 §4.1, §6;
    /// RFC 7636).
    #[serde(rename = "oauth2_authorization_code")]
    OAuth2AuthorizationCode(crate::oauth::OAuth2AuthorizationCode),
    /// The JWT bearer grant (RFC 7523 §2.1).
    #[serde(rename = "oauth2_jwt_bearer")]
    OAuth2JwtBearer(crate::oauth::OAuth2JwtBearer),
    /// A GitHub App's installation token, for an RS256 app JWT.
    #[serde(rename = "github_app")]
    GitHubApp(crate::oauth::GitHubApp),
    /// AWS Signature Version 4: every request signed with the secret access key.
    #[serde(rename = "aws_sigv4")]
    AwsSigV4(crate::signing::AwsSigV4),
    /// A declared HMAC request signature (the webhook signature grammar pointed the other
    /// way: what is signed, where the signature, timestamp and key id go).
    HmacSignature(crate::signing::HmacSignature),
}

impl AuthScheme {
    /// The spec's key for the scheme (`oauth2_client_credentials`, `bearer`, `basic`,
    /// `api_key`, `aws_sigv4`, `hmac_signature`).
    pub const fn key(&self) -> &'static str {
        match self {
            AuthScheme::OAuth2ClientCredentials(_) => "oauth2_client_credentials",
            AuthScheme::Bearer(_) => "bearer",
            AuthScheme::Basic(_) => "basic",
            AuthScheme::ApiKey(_) => "api_key",
            AuthScheme::OAuth2AuthorizationCode(_) => "oauth2_authorization_code",
            AuthScheme::OAuth2JwtBearer(_) => "oauth2_jwt_bearer",
            AuthScheme::GitHubApp(_) => "github_app",
            AuthScheme::AwsSigV4(_) => "aws_sigv4",
            AuthScheme::HmacSignature(_) => "hmac_signature",
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
            AuthScheme::OAuth2AuthorizationCode(code) => {
                vec![code.client_id_env.as_str(), code.client_secret_env.as_str(), code.redirect_uri_env.as_str()]
            }
            AuthScheme::OAuth2JwtBearer(jwt) => vec![jwt.issuer_env.as_str(), jwt.private_key_env.as_str()],
            AuthScheme::GitHubApp(app) => {
                vec![app.app_id_env.as_str(), app.installation_id_env.as_str(), app.private_key_env.as_str()]
            }
            AuthScheme::AwsSigV4(aws) => {
                vec![aws.access_key_id_env.as_str(), aws.secret_access_key_env.as_str(), aws.session_token_env.as_str()]
            }
            AuthScheme::HmacSignature(hmac) => hmac
                .key_id
                .as_ref()
                .map(|_| hmac.key_id_env.as_str())
                .into_iter()
                .chain([hmac.secret_env.as_str()])
                .collect(),
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
    /// Retries of the token request, apart from the operation's (left out when none).
    #[serde(default, skip_serializing_if = "crate::oauth::TokenRetry::is_none")]
    pub token_retry: crate::oauth::TokenRetry,
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
