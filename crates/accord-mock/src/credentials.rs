//! Credentials for the spec's declared auth: the fixed test credentials contract tests use,
//! or the values of the spec's environment variables (provider verification).

use accord_contract::wire::ApiKeyLocation;
use accord_contract::{Auth, AuthScheme};
use accord_runtime::Secret;
use axum::http::HeaderMap;
use base64::Engine as _;

/// One credential for the scheme a spec declares (OAuth2 client credentials first, then a
/// bearer token, Basic, an API key — the order generated clients use).
#[derive(Clone)]
pub enum Credential {
    /// OAuth2 client credentials (RFC 6749 §4.4); the mock issues tokens for them.
    ClientCredentials {
        /// Client id.
        client_id: String,
        /// Client secret.
        client_secret: Secret,
    },
    /// A bearer token (RFC 6750).
    Bearer(Secret),
    /// HTTP Basic (RFC 7617).
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
    },
    /// An API key, in the header or query parameter the spec names.
    ApiKey(Secret),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::ClientCredentials { client_id, .. } => {
                f.debug_struct("ClientCredentials").field("client_id", client_id).finish_non_exhaustive()
            }
            Credential::Bearer(_) => f.write_str("Bearer(..)"),
            Credential::Basic { username, .. } => {
                f.debug_struct("Basic").field("username", username).finish_non_exhaustive()
            }
            Credential::ApiKey(_) => f.write_str("ApiKey(..)"),
        }
    }
}

impl Credential {
    /// The fixed test credential for `auth` (what generated contract tests configure):
    /// client `test-client`/`test-secret`, token `test-token`, user `test-user`/`test-password`,
    /// key `test-key`. `None` when no auth is declared.
    pub fn test(auth: &Auth) -> Option<Credential> {
        Some(match auth.preferred()? {
            AuthScheme::OAuth2ClientCredentials(_) => Credential::ClientCredentials {
                client_id: "test-client".into(),
                client_secret: Secret::new("test-secret"),
            },
            AuthScheme::Bearer(_) => Credential::Bearer(Secret::new("test-token")),
            AuthScheme::Basic(_) => {
                Credential::Basic { username: "test-user".into(), password: Secret::new("test-password") }
            }
            AuthScheme::ApiKey(_) => Credential::ApiKey(Secret::new("test-key")),
        })
    }

    /// Whether a request presents this credential: the mock's check of an incoming request.
    /// `token_issued` says whether a bearer token is one the mock's token endpoint issued
    /// (OAuth2 client credentials); `query` is the raw query string.
    pub(crate) fn presented_by(
        &self,
        auth: &Auth,
        headers: &HeaderMap,
        query: &str,
        token_issued: &dyn Fn(&str) -> bool,
    ) -> bool {
        match self {
            Credential::ClientCredentials { .. } => bearer(headers).is_some_and(token_issued),
            Credential::Bearer(token) => bearer(headers) == Some(token.expose()),
            Credential::Basic { username, password } => {
                basic_credentials(headers).is_some_and(|(u, p)| &u == username && p == password.expose())
            }
            Credential::ApiKey(key) => {
                let Some(declared) = auth.api_key() else { return false };
                match declared.location {
                    ApiKeyLocation::Query => form_urlencoded::parse(query.as_bytes())
                        .any(|(name, value)| name == declared.name && value == key.expose()),
                    ApiKeyLocation::Header => {
                        headers.get(declared.name.as_str()).and_then(|v| v.to_str().ok()) == Some(key.expose())
                    }
                }
            }
        }
    }

    /// Adds this credential to an outgoing request (`verify`): `token` is the access token
    /// fetched for client credentials.
    pub(crate) fn attach(
        &self,
        auth: &Auth,
        token: Option<&str>,
        headers: &mut Vec<(String, String)>,
        query: &mut Vec<(String, String)>,
    ) {
        match self {
            Credential::ClientCredentials { .. } => {
                if let Some(token) = token {
                    headers.push(("authorization".into(), format!("Bearer {token}")));
                }
            }
            Credential::Bearer(token) => headers.push(("authorization".into(), format!("Bearer {}", token.expose()))),
            Credential::Basic { username, password } => {
                let encoded =
                    base64::engine::general_purpose::STANDARD.encode(format!("{username}:{}", password.expose()));
                headers.push(("authorization".into(), format!("Basic {encoded}")));
            }
            Credential::ApiKey(key) => {
                if let Some(declared) = auth.api_key() {
                    let place = match declared.location {
                        ApiKeyLocation::Query => query,
                        ApiKeyLocation::Header => headers,
                    };
                    place.push((declared.name.clone(), key.expose().to_string()));
                }
            }
        }
    }

    /// Adds a credential of the preferred scheme that no server can know (`verify` provoking
    /// a declared 401).
    pub(crate) fn attach_invalid(auth: &Auth, headers: &mut Vec<(String, String)>, query: &mut Vec<(String, String)>) {
        match auth.preferred() {
            Some(AuthScheme::ApiKey(key)) => {
                let place = match key.location {
                    ApiKeyLocation::Query => query,
                    ApiKeyLocation::Header => headers,
                };
                place.push((key.name.clone(), "accord-invalid-key".into()));
            }
            Some(AuthScheme::Basic(_)) => {
                let encoded = base64::engine::general_purpose::STANDARD.encode("accord-invalid:accord-invalid");
                headers.push(("authorization".into(), format!("Basic {encoded}")));
            }
            Some(AuthScheme::OAuth2ClientCredentials(_) | AuthScheme::Bearer(_)) | None => {
                headers.push(("authorization".into(), "Bearer accord-invalid-token".into()));
            }
        }
    }

    /// The credential from the environment variables the spec declares.
    ///
    /// Errors: the names of the declared variables that are unset or empty.
    pub fn from_env(auth: &Auth) -> Result<Option<Credential>, Vec<String>> {
        let read = |name: &str, missing: &mut Vec<String>| match std::env::var(name) {
            Ok(value) if !value.is_empty() => value,
            _ => {
                missing.push(name.to_string());
                String::new()
            }
        };
        let mut missing = Vec::new();
        let credential = auth.preferred().map(|scheme| match scheme {
            AuthScheme::OAuth2ClientCredentials(oauth) => {
                let client_id = read(&oauth.client_id_env, &mut missing);
                let client_secret = Secret::new(read(&oauth.client_secret_env, &mut missing));
                Credential::ClientCredentials { client_id, client_secret }
            }
            AuthScheme::Bearer(bearer) => Credential::Bearer(Secret::new(read(&bearer.env, &mut missing))),
            AuthScheme::Basic(basic) => {
                let username = read(&basic.username_env, &mut missing);
                let password = Secret::new(read(&basic.password_env, &mut missing));
                Credential::Basic { username, password }
            }
            AuthScheme::ApiKey(key) => Credential::ApiKey(Secret::new(read(&key.env, &mut missing))),
        });
        if missing.is_empty() { Ok(credential) } else { Err(missing) }
    }
}

/// The user and password of an `Authorization: Basic` header (RFC 7617).
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// The token of an `Authorization: Bearer` header (RFC 6750).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get("authorization")?.to_str().ok()?;
    value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).map(str::trim)
}
