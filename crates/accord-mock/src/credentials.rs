//! Credentials for the spec's declared auth: the fixed test credentials contract tests use,
//! or the values of the spec's environment variables (provider verification).

use accord_contract::{Auth, AuthScheme};
use accord_runtime::Secret;

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
