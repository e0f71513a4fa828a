//! Credentials for the spec's named credentials: the fixed test values contract tests use, or
//! the values of the spec's environment variables (provider verification); whether a request
//! meets an operation's requirement (any alternative, every credential of it presented), and
//! attaching the credentials of one alternative, or forged ones, to an outgoing request.

use accord_contract::wire::ApiKeyLocation;
use accord_contract::{Auth, AuthScheme, Requirement};
use accord_runtime::Secret;
use axum::http::HeaderMap;
use base64::Engine as _;

use crate::signing::Incoming;

/// The value of one credential, of the kind its scheme takes.
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
    /// An API key, in the header or query parameter its scheme names.
    ApiKey(Secret),
    /// A credential of an OAuth 2.0 flow (authorization code, JWT bearer, GitHub App): the
    /// mock accepts the access tokens its authorization server issued; `verify` runs the flow
    /// (`oauth.rs`) and sends the token it got.
    Flow(crate::oauth::FlowCredential, Option<Secret>),
    /// An AWS access key; requests carry SigV4 signatures made with it.
    AwsSigV4(accord_runtime::auth::sigv4::AwsCredentials),
    /// The key id and secret of a declared HMAC request signature.
    HmacSignature {
        /// Key id (when the scheme sends one).
        key_id: Option<String>,
        /// Secret.
        secret: Secret,
    },
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
            Credential::Flow(flow, _) => write!(f, "Flow({flow:?})"),
            Credential::AwsSigV4(aws) => write!(f, "AwsSigV4({aws:?})"),
            Credential::HmacSignature { key_id, .. } => {
                f.debug_struct("HmacSignature").field("key_id", key_id).finish_non_exhaustive()
            }
        }
    }
}

impl Credential {
    /// The fixed test value for `scheme` (what generated contract tests configure): client
    /// `test-client`/`test-secret`, token `test-token`, user `test-user`/`test-password`, key
    /// `test-key`, AWS access key `test-access-key-id`/`test-secret-access-key`, HMAC
    /// signature key `test-key-id`/`test-secret`.
    pub fn test(scheme: &AuthScheme) -> Credential {
        match scheme {
            AuthScheme::OAuth2ClientCredentials(_) => Credential::ClientCredentials {
                client_id: "test-client".into(),
                client_secret: Secret::new("test-secret"),
            },
            AuthScheme::Bearer(_) => Credential::Bearer(Secret::new("test-token")),
            AuthScheme::Basic(_) => {
                Credential::Basic { username: "test-user".into(), password: Secret::new("test-password") }
            }
            AuthScheme::ApiKey(_) => Credential::ApiKey(Secret::new("test-key")),
            AuthScheme::OAuth2AuthorizationCode(_) | AuthScheme::OAuth2JwtBearer(_) | AuthScheme::GitHubApp(_) => {
                Credential::Flow(crate::oauth::FlowCredential::test(), None)
            }
            AuthScheme::AwsSigV4(_) => Credential::AwsSigV4(accord_runtime::auth::sigv4::AwsCredentials::new(
                "test-access-key-id",
                "test-secret-access-key",
            )),
            AuthScheme::HmacSignature(hmac) => Credential::HmacSignature {
                key_id: hmac.key_id.as_ref().map(|_| "test-key-id".to_string()),
                secret: Secret::new("test-secret"),
            },
        }
    }

    /// The value of `scheme` from its environment variables; `Err` with the names of those
    /// unset or empty.
    fn from_env(scheme: &AuthScheme) -> Result<Credential, Vec<String>> {
        let mut missing = Vec::new();
        let mut read = |name: &str| match std::env::var(name) {
            Ok(value) if !value.is_empty() => value,
            _ => {
                missing.push(name.to_string());
                String::new()
            }
        };
        let credential = match scheme {
            AuthScheme::OAuth2ClientCredentials(oauth) => {
                let client_id = read(&oauth.client_id_env);
                let client_secret = Secret::new(read(&oauth.client_secret_env));
                Credential::ClientCredentials { client_id, client_secret }
            }
            AuthScheme::Bearer(bearer) => Credential::Bearer(Secret::new(read(&bearer.env))),
            AuthScheme::Basic(basic) => {
                let username = read(&basic.username_env);
                // The password may be empty (Stripe's secret key as the user name).
                let password = Secret::new(std::env::var(&basic.password_env).unwrap_or_default());
                Credential::Basic { username, password }
            }
            AuthScheme::ApiKey(key) => Credential::ApiKey(Secret::new(read(&key.env))),
            AuthScheme::OAuth2AuthorizationCode(_) | AuthScheme::OAuth2JwtBearer(_) | AuthScheme::GitHubApp(_) => {
                match crate::oauth::FlowCredential::from_env(scheme) {
                    Ok(flow) => Credential::Flow(flow, None),
                    Err(unset) => return Err(unset),
                }
            }
            AuthScheme::AwsSigV4(aws) => {
                let id = read(&aws.access_key_id_env);
                let mut credentials =
                    accord_runtime::auth::sigv4::AwsCredentials::new(id, read(&aws.secret_access_key_env));
                credentials.session_token = Secret::from_env(&aws.session_token_env);
                Credential::AwsSigV4(credentials)
            }
            AuthScheme::HmacSignature(hmac) => Credential::HmacSignature {
                key_id: hmac.key_id.as_ref().map(|_| read(&hmac.key_id_env)),
                secret: Secret::new(read(&hmac.secret_env)),
            },
        };
        if missing.is_empty() { Ok(credential) } else { Err(missing) }
    }

    /// Whether a request presents this value of a credential of `scheme`: the mock's check
    /// of an incoming request. `token_issued` says whether a bearer token is one the mock's
    /// token endpoint issued (OAuth2 client credentials); `query` is the raw query string.
    fn presented_by(&self, scheme: &AuthScheme, request: &Incoming<'_>, token_issued: &dyn Fn(&str) -> bool) -> bool {
        let (headers, query) = (request.headers, request.query);
        match (self, scheme) {
            (Credential::AwsSigV4(aws), AuthScheme::AwsSigV4(declared)) => {
                crate::signing::sigv4_presented(declared, aws, request, std::time::SystemTime::now())
            }
            (Credential::HmacSignature { key_id, secret }, AuthScheme::HmacSignature(declared)) => {
                crate::signing::hmac_presented(
                    declared,
                    key_id.as_deref(),
                    secret,
                    request,
                    std::time::SystemTime::now(),
                )
            }
            (Credential::ClientCredentials { .. }, AuthScheme::OAuth2ClientCredentials(_)) => {
                bearer(headers).is_some_and(token_issued)
            }
            (
                Credential::Flow(..),
                AuthScheme::OAuth2AuthorizationCode(_) | AuthScheme::OAuth2JwtBearer(_) | AuthScheme::GitHubApp(_),
            ) => bearer(headers).is_some_and(token_issued),
            (Credential::Bearer(token), AuthScheme::Bearer(_)) => bearer(headers) == Some(token.expose()),
            (Credential::Basic { username, password }, AuthScheme::Basic(_)) => {
                basic_credentials(headers).is_some_and(|(u, p)| &u == username && p == password.expose())
            }
            (Credential::ApiKey(key), AuthScheme::ApiKey(declared)) => match declared.location {
                ApiKeyLocation::Query => form_urlencoded::parse(query.as_bytes())
                    .any(|(name, value)| name == declared.name && value == key.expose()),
                ApiKeyLocation::Header => headers
                    .get_all(declared.name.as_str())
                    .iter()
                    .any(|value| value.to_str().ok() == Some(key.expose())),
            },
            // A value of another kind than the credential's scheme.
            _ => false,
        }
    }

    /// Adds this value of a credential of `scheme` to an outgoing request (`verify`): `token`
    /// is the access token fetched for client credentials.
    fn attach(
        &self,
        scheme: &AuthScheme,
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
            Credential::Bearer(token) | Credential::Flow(_, Some(token)) => {
                headers.push(("authorization".into(), format!("Bearer {}", token.expose())))
            }
            Credential::Flow(_, None) => {}
            Credential::Basic { username, password } => {
                let encoded =
                    base64::engine::general_purpose::STANDARD.encode(format!("{username}:{}", password.expose()));
                headers.push(("authorization".into(), format!("Basic {encoded}")));
            }
            Credential::ApiKey(key) => {
                if let AuthScheme::ApiKey(declared) = scheme {
                    let place = match declared.location {
                        ApiKeyLocation::Query => query,
                        ApiKeyLocation::Header => headers,
                    };
                    place.push((declared.name.clone(), key.expose().to_string()));
                }
            }
            // Signed by `signing::signers` once the request is whole.
            Credential::AwsSigV4(_) | Credential::HmacSignature { .. } => {}
        }
    }

    /// Adds a value of `scheme` that no server can know (`verify` provoking a declared 401).
    fn attach_invalid(scheme: &AuthScheme, headers: &mut Vec<(String, String)>, query: &mut Vec<(String, String)>) {
        match scheme {
            AuthScheme::ApiKey(key) => {
                let place = match key.location {
                    ApiKeyLocation::Query => query,
                    ApiKeyLocation::Header => headers,
                };
                place.push((key.name.clone(), "accord-invalid-key".into()));
            }
            AuthScheme::Basic(_) => {
                let encoded = base64::engine::general_purpose::STANDARD.encode("accord-invalid:accord-invalid");
                headers.push(("authorization".into(), format!("Basic {encoded}")));
            }
            AuthScheme::OAuth2ClientCredentials(_)
            | AuthScheme::Bearer(_)
            | AuthScheme::OAuth2AuthorizationCode(_)
            | AuthScheme::OAuth2JwtBearer(_)
            | AuthScheme::GitHubApp(_) => {
                headers.push(("authorization".into(), "Bearer accord-invalid-token".into()));
            }
            // Signed with a forged secret by `signing::signers` once the request is whole.
            AuthScheme::AwsSigV4(_) | AuthScheme::HmacSignature(_) => {}
        }
    }
}

/// Values of named credentials (the spec's names, `admin_token`); a name may hold several
/// values (the mock accepts its test value and the one from the environment).
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    values: Vec<(String, Credential)>,
}

impl Credentials {
    /// No values.
    pub fn new() -> Credentials {
        Credentials::default()
    }

    /// Adds a value for the credential `name`.
    pub fn insert(&mut self, name: impl Into<String>, credential: Credential) {
        self.values.push((name.into(), credential));
    }

    /// Adds every value of `other`.
    pub fn extend(&mut self, other: &Credentials) {
        self.values.extend(other.values.iter().cloned());
    }

    /// Whether no value is held.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values with their names, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Credential)> {
        self.values.iter().map(|(name, credential)| (name.as_str(), credential))
    }

    /// The first value of the credential `name`.
    pub fn get(&self, name: &str) -> Option<&Credential> {
        self.iter().find(|(held, _)| *held == name).map(|(_, credential)| credential)
    }

    /// The fixed test value of every declared credential (see [`Credential::test`]).
    pub fn test(auth: &Auth) -> Credentials {
        let mut credentials = Credentials::new();
        for declared in &auth.credentials {
            credentials.insert(declared.name.clone(), Credential::test(&declared.scheme));
        }
        credentials
    }

    /// The values of the declared credentials whose environment variables are all set (a
    /// basic password may be empty); the others are left out.
    pub fn from_env(auth: &Auth) -> Credentials {
        let mut credentials = Credentials::new();
        for declared in &auth.credentials {
            if let Ok(credential) = Credential::from_env(&declared.scheme) {
                credentials.insert(declared.name.clone(), credential);
            }
        }
        credentials
    }

    /// The environment variables of the declared credentials that are unset or empty.
    pub fn missing_env(auth: &Auth) -> Vec<String> {
        auth.credentials.iter().filter_map(|declared| Credential::from_env(&declared.scheme).err()).flatten().collect()
    }

    /// The first alternative of `requirement` every credential of which has a value here.
    pub fn met<'r>(&self, requirement: &'r Requirement) -> Option<&'r [String]> {
        requirement
            .alternatives
            .iter()
            .find(|names| names.iter().all(|name| self.get(name).is_some()))
            .map(Vec::as_slice)
    }

    /// Whether a request meets `requirement`: for some alternative, it presents an accepted
    /// value of every credential the alternative names (several headers or query parameters
    /// at once when it names several). A public requirement is met by any request.
    pub(crate) fn admit(
        &self,
        auth: &Auth,
        requirement: &Requirement,
        request: &Incoming<'_>,
        token_issued: &dyn Fn(&str) -> bool,
    ) -> bool {
        requirement.alternatives.iter().any(|names| {
            names.iter().all(|name| {
                let Some(declared) = auth.credential(name) else { return false };
                self.iter()
                    .filter(|(held, _)| held == name)
                    .any(|(_, value)| value.presented_by(&declared.scheme, request, token_issued))
            })
        })
    }

    /// Adds the credentials of the first alternative of `requirement` held here to an
    /// outgoing request (`verify`); `token` is the access token for client credentials.
    pub(crate) fn attach(
        &self,
        auth: &Auth,
        requirement: &Requirement,
        token: Option<&str>,
        headers: &mut Vec<(String, String)>,
        query: &mut Vec<(String, String)>,
    ) {
        for name in self.met(requirement).unwrap_or_default() {
            if let (Some(declared), Some(value)) = (auth.credential(name), self.get(name)) {
                value.attach(&declared.scheme, token, headers, query);
            }
        }
    }

    /// Adds values no server can know for the credentials of the first alternative of
    /// `requirement` that needs any (`verify` provoking a declared 401).
    pub(crate) fn attach_invalid(
        auth: &Auth,
        requirement: &Requirement,
        headers: &mut Vec<(String, String)>,
        query: &mut Vec<(String, String)>,
    ) {
        let names = requirement.alternatives.iter().find(|names| !names.is_empty());
        for name in names.into_iter().flatten() {
            if let Some(declared) = auth.credential(name) {
                Credential::attach_invalid(&declared.scheme, headers, query);
            }
        }
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
