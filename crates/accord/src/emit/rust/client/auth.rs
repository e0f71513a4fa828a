//! What each declared credential adds to `ClientBuilder`: its fields, setters (named after
//! the credential), reading from the environment, and its place in the runtime's
//! `Credentials` in `build`; and the requirement each request carries.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::emit::rust::tokens::{doc, ident, lit};
use crate::ir::{
    ApiKey, ApiKeyLocation, AuthIr, AuthScheme, Basic, Bearer, CredentialIr, OAuth2ClientCredentials, Operation,
};

/// The builder's pieces for one named credential.
pub(super) struct BuilderAuth {
    /// Fields of `ClientBuilder` holding the credential.
    pub fields: TokenStream,
    /// Methods of `ClientBuilder` that set it.
    pub setters: TokenStream,
    /// Statements of `credentials_from_env` that read it.
    pub from_env: TokenStream,
    /// Statements of `build` that put it, when given, into `credentials`.
    pub insert: TokenStream,
}

/// The declared credentials' pieces, in the spec's order.
pub(super) fn builder_auth(auth: &AuthIr) -> Vec<BuilderAuth> {
    auth.credentials
        .iter()
        .map(|credential| match &credential.scheme {
            AuthScheme::OAuth2ClientCredentials(oauth) => oauth2(credential, oauth),
            AuthScheme::Bearer(token) => bearer(credential, token),
            AuthScheme::Basic(basic_credentials) => basic(credential, basic_credentials),
            AuthScheme::ApiKey(key) => api_key(credential, key),
            AuthScheme::OAuth2AuthorizationCode(code) => super::auth_flows::authorization_code(credential, code),
            AuthScheme::OAuth2JwtBearer(jwt) => super::auth_flows::jwt_bearer(credential, jwt),
            AuthScheme::GitHubApp(app) => super::auth_flows::github_app(credential, app),
            AuthScheme::AwsSigV4(aws) => super::signing::aws_sigv4(credential, aws),
            AuthScheme::HmacSignature(hmac) => super::signing::hmac_signature(credential, hmac),
        })
        .collect()
}

/// The setter (and field) of a credential, and its spec name as a literal.
fn names(credential: &CredentialIr) -> (syn::Ident, Literal) {
    (ident(&credential.setter), lit(&credential.name))
}

/// OAuth 2.0 client credentials: the credentials and an overridable token URL.
fn oauth2(credential: &CredentialIr, oauth: &OAuth2ClientCredentials) -> BuilderAuth {
    let (setter, name) = names(credential);
    let token_url_setter = ident(credential.token_url_setter.as_deref().unwrap_or("token_url"));
    let (id_env, secret_env) = (lit(&oauth.client_id_env), lit(&oauth.client_secret_env));
    let token_url = lit(&oauth.token_url);
    let scopes: Vec<Literal> = oauth.scopes.iter().map(|s| lit(s)).collect();
    let margin = oauth.refresh_before_expiry_seconds;
    // The token request's own retries, only when declared (seed 002's `token_refresh`).
    let with_retry = (oauth.token_retry.retry_attempts > 0).then(|| {
        let (attempts, delay) = (oauth.token_retry.retry_attempts, oauth.token_retry.retry_delay_ms);
        quote!(.with_retry(::accord_runtime::auth::token_endpoint::TokenRetry { retry_attempts: #attempts, retry_delay: ::std::time::Duration::from_millis(#delay) }))
    });
    let setter_doc = doc(&format!(
        "Credential `{}`: OAuth 2.0 client credentials (RFC 6749 §4.4). The token is fetched from `{}`, cached, and refreshed {margin} s before it expires; from `{}` and `{}` with [`ClientBuilder::credentials_from_env`].",
        credential.name, oauth.token_url, oauth.client_id_env, oauth.client_secret_env
    ));
    let token_url_doc =
        doc(&format!("Overrides the token endpoint of credential `{}` (tests, proxies).", credential.name));
    BuilderAuth {
        fields: quote! {
            #setter: ::std::option::Option<::accord_runtime::ClientCredentials>,
            #token_url_setter: ::std::option::Option<::std::string::String>,
        },
        setters: quote! {
            #setter_doc
            pub fn #setter(mut self, credentials: ::accord_runtime::ClientCredentials) -> Self {
                self.#setter = ::std::option::Option::Some(credentials);
                self
            }

            #token_url_doc
            pub fn #token_url_setter(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.#token_url_setter = ::std::option::Option::Some(url.into());
                self
            }
        },
        from_env: quote! {
            if let ::std::result::Result::Ok(credentials) = ::accord_runtime::ClientCredentials::from_env(#id_env, #secret_env) {
                self.#setter = ::std::option::Option::Some(credentials);
            }
        },
        insert: quote! {
            if let ::std::option::Option::Some(client) = self.#setter {
                let token_url = self.#token_url_setter.unwrap_or_else(|| #token_url.to_string());
                let scopes = ::std::vec::Vec::from([#(#scopes.to_string()),*]);
                credentials.insert(#name, ::accord_runtime::Auth::OAuth2(::accord_runtime::auth::OAuth2::new(token_url, client, scopes, ::std::time::Duration::from_secs(#margin))#with_retry));
            }
        },
    }
}

/// A bearer token.
fn bearer(credential: &CredentialIr, bearer: &Bearer) -> BuilderAuth {
    let (setter, name) = names(credential);
    let env = lit(&bearer.env);
    let setter_doc = doc(&format!(
        "Credential `{}`: a bearer token (`Authorization: Bearer …`, RFC 6750); from `{}` with [`ClientBuilder::credentials_from_env`].",
        credential.name, bearer.env
    ));
    BuilderAuth {
        fields: quote!(#setter: ::std::option::Option<::accord_runtime::Secret>,),
        setters: quote! {
            #setter_doc
            pub fn #setter(mut self, token: impl ::std::convert::Into<::accord_runtime::Secret>) -> Self {
                self.#setter = ::std::option::Option::Some(token.into());
                self
            }
        },
        from_env: quote! {
            if let ::std::option::Option::Some(token) = ::accord_runtime::Secret::from_env(#env) {
                self.#setter = ::std::option::Option::Some(token);
            }
        },
        insert: quote! {
            if let ::std::option::Option::Some(token) = self.#setter {
                credentials.insert(#name, ::accord_runtime::Auth::Bearer(token));
            }
        },
    }
}

/// HTTP basic credentials.
fn basic(credential: &CredentialIr, basic: &Basic) -> BuilderAuth {
    let (setter, name) = names(credential);
    let (user_env, password_env) = (lit(&basic.username_env), lit(&basic.password_env));
    let setter_doc = doc(&format!(
        "Credential `{}`: HTTP basic credentials (RFC 7617); from `{}` and `{}` with [`ClientBuilder::credentials_from_env`].",
        credential.name, basic.username_env, basic.password_env
    ));
    BuilderAuth {
        fields: quote!(#setter: ::std::option::Option<(::std::string::String, ::accord_runtime::Secret)>,),
        setters: quote! {
            #setter_doc
            pub fn #setter(mut self, username: impl ::std::convert::Into<::std::string::String>, password: impl ::std::convert::Into<::accord_runtime::Secret>) -> Self {
                self.#setter = ::std::option::Option::Some((username.into(), password.into()));
                self
            }
        },
        from_env: quote! {
            if let ::std::result::Result::Ok(username) = ::std::env::var(#user_env) {
                let password = ::accord_runtime::Secret::from_env(#password_env).unwrap_or_else(|| ::accord_runtime::Secret::new(""));
                if !username.is_empty() {
                    self.#setter = ::std::option::Option::Some((username, password));
                }
            }
        },
        insert: quote! {
            if let ::std::option::Option::Some((username, password)) = self.#setter {
                credentials.insert(#name, ::accord_runtime::Auth::Basic { username, password });
            }
        },
    }
}

/// An API key in a header or the query.
fn api_key(credential: &CredentialIr, key: &ApiKey) -> BuilderAuth {
    let (setter, name) = names(credential);
    let env = lit(&key.env);
    let wire_name = lit(&key.name);
    let location = match key.location {
        ApiKeyLocation::Header => quote!(Header),
        ApiKeyLocation::Query => quote!(Query),
    };
    let setter_doc = doc(&format!(
        "Credential `{}`: an API key, sent in {} `{}`; from `{}` with [`ClientBuilder::credentials_from_env`].",
        credential.name, key.location, key.name, key.env
    ));
    BuilderAuth {
        fields: quote!(#setter: ::std::option::Option<::accord_runtime::Secret>,),
        setters: quote! {
            #setter_doc
            pub fn #setter(mut self, key: impl ::std::convert::Into<::accord_runtime::Secret>) -> Self {
                self.#setter = ::std::option::Option::Some(key.into());
                self
            }
        },
        from_env: quote! {
            if let ::std::option::Option::Some(key) = ::accord_runtime::Secret::from_env(#env) {
                self.#setter = ::std::option::Option::Some(key);
            }
        },
        insert: quote! {
            if let ::std::option::Option::Some(key) = self.#setter {
                credentials.insert(#name, ::accord_runtime::Auth::ApiKey { location: ::accord_runtime::auth::ApiKeyLocation::#location, name: #wire_name.to_string(), key });
            }
        },
    }
}

/// The statement of a request builder's `request` that sets the operation's requirement;
/// `None` when the spec declares no auth (the runtime's default then sends nothing).
pub(super) fn requirement_encoding(auth: &AuthIr, op: &Operation) -> Option<TokenStream> {
    auth.any().then(|| {
        let alternatives = op.auth.alternatives.iter().map(|names| {
            let names = names.iter().map(|name| lit(name));
            quote!(&[#(#names),*])
        });
        quote! {
            request.auth = ::accord_runtime::Requirement::AnyOf(&[#(#alternatives),*]);
        }
    })
}

/// Statements that give a `builder` (a `ClientBuilder` of the generated crate, with `server`
/// an `accord_mock::MockServer` in scope) the mock's fixed test value of every declared
/// credential, as `accord_mock::Credentials::test` chooses them; `None` without auth. Used by
/// the generated contract tests.
pub fn test_credentials(auth: &AuthIr) -> Option<TokenStream> {
    let statements: Vec<TokenStream> = auth
        .credentials
        .iter()
        .map(|credential| {
            let setter = ident(&credential.setter);
            match &credential.scheme {
                AuthScheme::OAuth2ClientCredentials(oauth) => {
                    let token_path = lit(&oauth.token_path);
                    let token_url_setter = ident(credential.token_url_setter.as_deref().unwrap_or("token_url"));
                    quote! {
                        let builder = builder
                            .#setter(::accord_runtime::ClientCredentials::new("test-client", "test-secret"))
                            .#token_url_setter(format!("{}{}", server.uri(), #token_path));
                    }
                }
                AuthScheme::Bearer(_) => quote!(let builder = builder.#setter("test-token");),
                AuthScheme::Basic(_) => quote!(let builder = builder.#setter("test-user", "test-password");),
                AuthScheme::ApiKey(_) => quote!(let builder = builder.#setter("test-key");),
                AuthScheme::OAuth2AuthorizationCode(_) | AuthScheme::OAuth2JwtBearer(_) | AuthScheme::GitHubApp(_) => {
                    super::auth_flows::test_credential(credential).unwrap_or_default()
                }
                AuthScheme::AwsSigV4(_) => super::signing::test_value(&setter, None),
                AuthScheme::HmacSignature(hmac) => super::signing::test_value(&setter, Some(hmac.key_id.is_some())),
            }
        })
        .collect();
    (!statements.is_empty()).then(|| quote!(#(#statements)*))
}

/// `credentials_from_env`, which reads every declared credential's variables; `None` when
/// the spec declares none.
pub(super) fn credentials_from_env_fn(auth: &AuthIr, schemes: &[BuilderAuth]) -> Option<TokenStream> {
    let from_env = schemes.iter().map(|scheme| &scheme.from_env);
    let env_names: Vec<String> = auth
        .credentials
        .iter()
        .map(|credential| {
            let names: Vec<String> = credential.scheme.env_vars().iter().map(|name| format!("`{name}`")).collect();
            format!("{} ({})", names.join(" and "), credential.name)
        })
        .collect();
    (!env_names.is_empty()).then(|| {
        let env_doc = doc(&format!(
            "Reads credentials from the environment variables the spec declares: {}. Unset variables are skipped.",
            env_names.join(", ")
        ));
        quote! {
            #env_doc
            pub fn credentials_from_env(mut self) -> Self {
                #(#from_env)*
                self
            }
        }
    })
}

/// The check in `build` that refuses to build without any credential when every endpoint
/// requires one (unless `allow_anonymous` or a custom `auth`).
pub(super) fn require_auth(auth: &AuthIr) -> Option<TokenStream> {
    auth.always_required.then(|| {
        quote! {
            if credentials.is_empty() && matches!(auth, ::accord_runtime::Auth::None) && !self.allow_anonymous {
                return ::std::result::Result::Err(crate::errors::Error::Config(
                    "no credentials: the spec requires authentication; set them on the builder or call `credentials_from_env`".to_string(),
                ));
            }
        }
    })
}
