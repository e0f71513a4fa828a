//! What each declared auth scheme adds to `ClientBuilder`: its fields, setters, reading from
//! the environment, and the choice of `Auth` in `build`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::emit::rust::tokens::{doc, lit};
use crate::ir::{ApiKey, ApiKeyLocation, AuthIr, AuthScheme, Basic, Bearer, OAuth2ClientCredentials};

/// The builder's pieces for one auth scheme.
pub(super) struct BuilderAuth {
    /// Fields of `ClientBuilder` holding the credentials.
    pub fields: TokenStream,
    /// Methods of `ClientBuilder` that set them.
    pub setters: TokenStream,
    /// Statements of `credentials_from_env` that read them.
    pub from_env: TokenStream,
    /// Statements of `build` that choose this scheme when its credentials were given (a later
    /// scheme wins).
    pub choose: TokenStream,
}

/// The declared schemes' pieces, in the IR's order (OAuth 2.0, bearer, basic, API key).
pub(super) fn builder_auth(auth: &AuthIr) -> Vec<BuilderAuth> {
    auth.schemes
        .iter()
        .map(|declared| match &declared.scheme {
            AuthScheme::OAuth2ClientCredentials(oauth) => oauth2(oauth),
            AuthScheme::Bearer(token) => bearer(token),
            AuthScheme::Basic(credentials) => basic(credentials),
            AuthScheme::ApiKey(key) => api_key(key),
        })
        .collect()
}

/// OAuth 2.0 client credentials: the credentials and an overridable token URL.
fn oauth2(oauth: &OAuth2ClientCredentials) -> BuilderAuth {
    let (id_env, secret_env) = (lit(&oauth.client_id_env), lit(&oauth.client_secret_env));
    let token_url = lit(&oauth.token_url);
    let scopes: Vec<Literal> = oauth.scopes.iter().map(|s| lit(s)).collect();
    let margin = oauth.refresh_before_expiry_seconds;
    let setter_doc = doc(&format!(
        "OAuth 2.0 client credentials (RFC 6749 §4.4). The token is fetched from `{}`, cached, and refreshed {margin} s before it expires.",
        oauth.token_url
    ));
    BuilderAuth {
        fields: quote! {
            client_credentials: ::std::option::Option<::accord_runtime::ClientCredentials>,
            token_url: ::std::option::Option<::std::string::String>,
        },
        setters: quote! {
            #setter_doc
            pub fn client_credentials(mut self, credentials: ::accord_runtime::ClientCredentials) -> Self {
                self.client_credentials = ::std::option::Option::Some(credentials);
                self
            }

            /// Overrides the token endpoint (tests, proxies).
            pub fn token_url(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.token_url = ::std::option::Option::Some(url.into());
                self
            }
        },
        from_env: quote! {
            if let ::std::result::Result::Ok(credentials) = ::accord_runtime::ClientCredentials::from_env(#id_env, #secret_env) {
                self.client_credentials = ::std::option::Option::Some(credentials);
            }
        },
        choose: quote! {
            if let ::std::option::Option::Some(credentials) = self.client_credentials {
                let token_url = self.token_url.unwrap_or_else(|| #token_url.to_string());
                let scopes = ::std::vec::Vec::from([#(#scopes.to_string()),*]);
                auth = ::accord_runtime::Auth::OAuth2(::accord_runtime::auth::OAuth2::new(token_url, credentials, scopes, ::std::time::Duration::from_secs(#margin)));
            }
        },
    }
}

/// A bearer token.
fn bearer(bearer: &Bearer) -> BuilderAuth {
    let env = lit(&bearer.env);
    let setter_doc = doc(&format!(
        "A bearer token (`Authorization: Bearer …`, RFC 6750); from `{}` with [`ClientBuilder::credentials_from_env`].",
        bearer.env
    ));
    BuilderAuth {
        fields: quote!(bearer_token: ::std::option::Option<::accord_runtime::Secret>,),
        setters: quote! {
            #setter_doc
            pub fn bearer_token(mut self, token: impl ::std::convert::Into<::accord_runtime::Secret>) -> Self {
                self.bearer_token = ::std::option::Option::Some(token.into());
                self
            }
        },
        from_env: quote! {
            if let ::std::option::Option::Some(token) = ::accord_runtime::Secret::from_env(#env) {
                self.bearer_token = ::std::option::Option::Some(token);
            }
        },
        choose: quote! {
            if let ::std::option::Option::Some(token) = self.bearer_token {
                auth = ::accord_runtime::Auth::Bearer(token);
            }
        },
    }
}

/// HTTP basic credentials.
fn basic(basic: &Basic) -> BuilderAuth {
    let (user_env, password_env) = (lit(&basic.username_env), lit(&basic.password_env));
    BuilderAuth {
        fields: quote!(basic_auth: ::std::option::Option<(::std::string::String, ::accord_runtime::Secret)>,),
        setters: quote! {
            /// HTTP basic credentials (RFC 7617).
            pub fn basic_auth(mut self, username: impl ::std::convert::Into<::std::string::String>, password: impl ::std::convert::Into<::accord_runtime::Secret>) -> Self {
                self.basic_auth = ::std::option::Option::Some((username.into(), password.into()));
                self
            }
        },
        from_env: quote! {
            if let ::std::result::Result::Ok(username) = ::std::env::var(#user_env) {
                let password = ::accord_runtime::Secret::from_env(#password_env).unwrap_or_else(|| ::accord_runtime::Secret::new(""));
                if !username.is_empty() {
                    self.basic_auth = ::std::option::Option::Some((username, password));
                }
            }
        },
        choose: quote! {
            if let ::std::option::Option::Some((username, password)) = self.basic_auth {
                auth = ::accord_runtime::Auth::Basic { username, password };
            }
        },
    }
}

/// An API key in a header or the query.
fn api_key(key: &ApiKey) -> BuilderAuth {
    let env = lit(&key.env);
    let name = lit(&key.name);
    let location = match key.location {
        ApiKeyLocation::Header => quote!(Header),
        ApiKeyLocation::Query => quote!(Query),
    };
    let setter_doc = doc(&format!("The API key, sent in {} `{}`.", key.location, key.name));
    BuilderAuth {
        fields: quote!(api_key: ::std::option::Option<::accord_runtime::Secret>,),
        setters: quote! {
            #setter_doc
            pub fn api_key(mut self, key: impl ::std::convert::Into<::accord_runtime::Secret>) -> Self {
                self.api_key = ::std::option::Option::Some(key.into());
                self
            }
        },
        from_env: quote! {
            if let ::std::option::Option::Some(key) = ::accord_runtime::Secret::from_env(#env) {
                self.api_key = ::std::option::Option::Some(key);
            }
        },
        choose: quote! {
            if let ::std::option::Option::Some(key) = self.api_key {
                auth = ::accord_runtime::Auth::ApiKey { location: ::accord_runtime::auth::ApiKeyLocation::#location, name: #name.to_string(), key };
            }
        },
    }
}

/// Statements that give a `builder` (a `ClientBuilder` of the generated crate, with `server`
/// an `accord_mock::MockServer` in scope) the mock's fixed test credential for the preferred
/// scheme, as `accord_mock::Credential::test` chooses it; `None` without auth. Used by the
/// generated contract tests.
pub fn test_credentials(auth: &AuthIr) -> Option<TokenStream> {
    auth.schemes.first().map(|declared| match &declared.scheme {
        AuthScheme::OAuth2ClientCredentials(oauth) => {
            let token_path = lit(&oauth.token_path);
            quote! {
                let builder = builder
                    .client_credentials(::accord_runtime::ClientCredentials::new("test-client", "test-secret"))
                    .token_url(format!("{}{}", server.uri(), #token_path));
            }
        }
        AuthScheme::Bearer(_) => quote!(let builder = builder.bearer_token("test-token");),
        AuthScheme::Basic(_) => quote!(let builder = builder.basic_auth("test-user", "test-password");),
        AuthScheme::ApiKey(_) => quote!(let builder = builder.api_key("test-key");),
    })
}

/// `credentials_from_env`, which reads every declared scheme's variables; `None` when the
/// spec declares no scheme.
pub(super) fn credentials_from_env_fn(auth: &AuthIr, schemes: &[BuilderAuth]) -> Option<TokenStream> {
    let from_env = schemes.iter().map(|scheme| &scheme.from_env);
    let env_names: Vec<String> = auth
        .schemes
        .iter()
        .map(|declared| {
            let names: Vec<String> = declared.scheme.env_vars().iter().map(|name| format!("`{name}`")).collect();
            names.join(" and ")
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

/// The check in `build` that refuses to build without credentials when the spec declares
/// authentication (unless `allow_anonymous`).
pub(super) fn require_auth(auth: &AuthIr) -> Option<TokenStream> {
    auth.any().then(|| {
        quote! {
            if matches!(auth, ::accord_runtime::Auth::None) && !self.allow_anonymous {
                return ::std::result::Result::Err(crate::errors::Error::Config(
                    "no credentials: the spec requires authentication; set them on the builder or call `credentials_from_env`".to_string(),
                ));
            }
        }
    })
}
