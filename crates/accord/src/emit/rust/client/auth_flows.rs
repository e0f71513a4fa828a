//! What the OAuth 2.0 flows of issue 17 add to a generated client: builder fields and
//! setters, reading them from the environment, their place in the runtime's `Credentials`,
//! the contract tests' test values, and, for an authorization code flow, the client's
//! `authorization_url` and `exchange_code`. The runtime does the work
//! (`accord_runtime::auth::{oauth2, jwt}`); this only passes the spec's declarations in.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::auth::BuilderAuth;
use crate::emit::rust::tokens::{doc, ident, lit};
use crate::ir::{
    AuthIr, AuthScheme, ClientAuthMethod, CredentialIr, GitHubApp, OAuth2AuthorizationCode, OAuth2JwtBearer, TokenRetry,
};

/// `accord_runtime::auth::token_endpoint::TokenRetry` of the declaration.
fn retry_tokens(retry: &TokenRetry) -> TokenStream {
    let (attempts, delay) = (retry.retry_attempts, retry.retry_delay_ms);
    quote! {
        ::accord_runtime::auth::token_endpoint::TokenRetry { retry_attempts: #attempts, retry_delay: ::std::time::Duration::from_millis(#delay) }
    }
}

fn setter_ident(name: Option<&str>, fallback: &str) -> syn::Ident {
    ident(name.unwrap_or(fallback))
}

/// The token endpoint authentication method as the runtime's `ClientAuthMethod`.
fn method_tokens(method: ClientAuthMethod) -> TokenStream {
    match method {
        ClientAuthMethod::None => quote!(None),
        ClientAuthMethod::ClientSecretBasic => quote!(ClientSecretBasic),
        ClientAuthMethod::ClientSecretPost => quote!(ClientSecretPost),
        ClientAuthMethod::PrivateKeyJwt => quote!(PrivateKeyJwt),
    }
}

/// Authorization code with PKCE: the client's authentication and redirect URI, the token
/// store, and overridable endpoints.
pub(super) fn authorization_code(credential: &CredentialIr, code: &OAuth2AuthorizationCode) -> BuilderAuth {
    let setter = ident(&credential.setter);
    let name = lit(&credential.name);
    let token_url_setter = setter_ident(credential.token_url_setter.as_deref(), "token_url");
    let authorize_url_setter = setter_ident(credential.authorize_url_setter.as_deref(), "authorize_url");
    let store_setter = setter_ident(credential.token_store_setter.as_deref(), "token_store");
    let (authorize_url, token_url) = (lit(&code.authorize_url), lit(&code.token_url));
    let params = code.authorize_params.iter().map(|(k, v)| {
        let (k, v) = (lit(k), lit(v));
        quote!((#k.to_string(), #v.to_string()))
    });
    let margin = code.refresh_before_expiry_seconds;
    let retry = retry_tokens(&code.token_retry);
    let method = method_tokens(code.client_authentication);
    // What a provider does differently from RFC 6749 (Slack: comma-joined scopes, its own
    // name for a refused refresh token), only when the spec declares it.
    let separator = code.scope_separator.as_deref().map(|separator| {
        let separator = lit(separator);
        quote!(.with_scope_separator(#separator))
    });
    let reauthorization = (!code.reauthorization_errors.is_empty()).then(|| {
        let errors = code.reauthorization_errors.iter().map(|e| lit(e));
        quote!(.with_reauthorization_errors([#(#errors),*]))
    });
    let provider_quirks = quote!(#separator #reauthorization);
    let (id_env, secret_env, redirect_env, refresh_env) = (
        lit(&code.client_id_env),
        lit(&code.client_secret_env),
        lit(&code.redirect_uri_env),
        lit(&code.refresh_token_env),
    );
    let (key_env, key_file_env) = (lit(&code.private_key_env), lit(&code.private_key_file_env));
    let setter_doc = doc(&format!(
        "Credential `{}`: OAuth 2.0 authorization code with PKCE `S256` (RFC 6749 §4.1, RFC 7636) and refresh tokens (§6), authorizing at `{}` and fetching tokens from `{}` (client authentication `{}`). `redirect_uri` is the one registered with the provider. Tokens are refreshed {margin} s before they expire and after a 401; without [`Client::authorization_url`] and [`Client::exchange_code`] (or a token store holding tokens), requests fail with a re-authorization error. From `{}`, `{}`, `{}` (and `{}`: a refresh token obtained earlier) with [`ClientBuilder::credentials_from_env`].",
        credential.name,
        code.authorize_url,
        code.token_url,
        serde_json::to_value(code.client_authentication)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        code.client_id_env,
        code.client_secret_env,
        code.redirect_uri_env,
        code.refresh_token_env,
    ));
    let store_doc = doc(&format!(
        "Where the tokens of credential `{}` live (default: in memory, under the key `{}`); a `FileTokenStore` keeps them across runs, your own `TokenStore` in a database.",
        credential.name, credential.name
    ));
    let url_doc = doc(&format!("Overrides the endpoints of credential `{}` (tests, proxies).", credential.name));
    BuilderAuth {
        fields: quote! {
            #setter: ::std::option::Option<(::accord_runtime::auth::token_endpoint::ClientAuthentication, ::std::string::String)>,
            #token_url_setter: ::std::option::Option<::std::string::String>,
            #authorize_url_setter: ::std::option::Option<::std::string::String>,
            #store_setter: ::std::option::Option<::std::sync::Arc<dyn ::accord_runtime::auth::token_store::TokenStore>>,
        },
        setters: quote! {
            #setter_doc
            pub fn #setter(mut self, client: ::accord_runtime::auth::token_endpoint::ClientAuthentication, redirect_uri: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.#setter = ::std::option::Option::Some((client, redirect_uri.into()));
                self
            }

            #store_doc
            pub fn #store_setter(mut self, store: ::std::sync::Arc<dyn ::accord_runtime::auth::token_store::TokenStore>) -> Self {
                self.#store_setter = ::std::option::Option::Some(store);
                self
            }

            #url_doc
            pub fn #token_url_setter(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.#token_url_setter = ::std::option::Option::Some(url.into());
                self
            }

            #url_doc
            pub fn #authorize_url_setter(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.#authorize_url_setter = ::std::option::Option::Some(url.into());
                self
            }
        },
        from_env: quote! {
            if let ::std::option::Option::Some(from_env) = ::accord_runtime::auth::oauth2::FromEnv::read(
                ::accord_runtime::auth::token_endpoint::ClientAuthMethod::#method, #id_env, #secret_env, #redirect_env, #refresh_env, #key_env, #key_file_env,
            ) {
                if self.#store_setter.is_none() {
                    self.#store_setter = from_env.store(#name);
                }
                self.#setter = ::std::option::Option::Some((from_env.client, from_env.redirect_uri));
            }
        },
        insert: quote! {
            if let ::std::option::Option::Some((client, redirect_uri)) = self.#setter {
                let config = ::accord_runtime::auth::oauth2::AuthorizationCodeConfig {
                    authorize_url: self.#authorize_url_setter.unwrap_or_else(|| #authorize_url.to_string()),
                    token_url: self.#token_url_setter.unwrap_or_else(|| #token_url.to_string()),
                    redirect_uri,
                    authorize_params: ::std::vec::Vec::from([#(#params),*]),
                    refresh_before_expiry: ::std::time::Duration::from_secs(#margin),
                    retry: #retry,
                };
                let store = self.#store_setter.unwrap_or_else(|| ::std::sync::Arc::new(::accord_runtime::auth::token_store::MemoryTokenStore::new()));
                let flow = ::accord_runtime::auth::oauth2::AuthorizationCode::new(config, client, store, #name)#provider_quirks;
                credentials.insert(#name, ::accord_runtime::Auth::AuthorizationCode(::std::sync::Arc::new(flow)));
            }
        },
    }
}

/// The JWT bearer grant: the issuer and the private key.
pub(super) fn jwt_bearer(credential: &CredentialIr, jwt: &OAuth2JwtBearer) -> BuilderAuth {
    let setter = ident(&credential.setter);
    let name = lit(&credential.name);
    let token_url_setter = setter_ident(credential.token_url_setter.as_deref(), "token_url");
    let token_url = lit(&jwt.token_url);
    let scopes: Vec<Literal> = jwt.scopes.iter().map(|s| lit(s)).collect();
    let audience = match &jwt.audience {
        Some(audience) => {
            let audience = lit(audience);
            quote!(::std::option::Option::Some(#audience.to_string()))
        }
        None => quote!(::std::option::Option::None),
    };
    let (lifetime, margin) = (jwt.lifetime_seconds, jwt.refresh_before_expiry_seconds);
    let retry = retry_tokens(&jwt.token_retry);
    let (issuer_env, key_env, key_file_env) =
        (lit(&jwt.issuer_env), lit(&jwt.private_key_env), lit(&jwt.private_key_file_env));
    let setter_doc = doc(&format!(
        "Credential `{}`: the JWT bearer grant (RFC 7523 §2.1): an RS256 assertion (`iss` the issuer, `scope`, `aud`, `iat`, `exp` {lifetime} s later) signed with `key`, exchanged at `{}` for an access token, renewed {margin} s before it expires and after a 401. From `{}` and `{}` (PEM text) or `{}` (a PEM file's path) with [`ClientBuilder::credentials_from_env`].",
        credential.name, jwt.token_url, jwt.issuer_env, jwt.private_key_env, jwt.private_key_file_env
    ));
    let url_doc = doc(&format!("Overrides the token endpoint of credential `{}` (tests, proxies).", credential.name));
    BuilderAuth {
        fields: quote! {
            #setter: ::std::option::Option<(::std::string::String, ::accord_runtime::auth::jwt::PrivateKey)>,
            #token_url_setter: ::std::option::Option<::std::string::String>,
        },
        setters: quote! {
            #setter_doc
            pub fn #setter(mut self, issuer: impl ::std::convert::Into<::std::string::String>, key: ::accord_runtime::auth::jwt::PrivateKey) -> Self {
                self.#setter = ::std::option::Option::Some((issuer.into(), key));
                self
            }

            #url_doc
            pub fn #token_url_setter(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.#token_url_setter = ::std::option::Option::Some(url.into());
                self
            }
        },
        from_env: quote! {
            if let (::std::result::Result::Ok(issuer), ::std::result::Result::Ok(key)) = (
                ::std::env::var(#issuer_env),
                ::accord_runtime::auth::jwt::PrivateKey::from_env_or_file(#key_env, #key_file_env),
            ) {
                if !issuer.is_empty() {
                    self.#setter = ::std::option::Option::Some((issuer, key));
                }
            }
        },
        insert: quote! {
            if let ::std::option::Option::Some((issuer, key)) = self.#setter {
                let config = ::accord_runtime::auth::jwt::JwtBearerConfig {
                    token_url: self.#token_url_setter.unwrap_or_else(|| #token_url.to_string()),
                    issuer,
                    subject: ::std::option::Option::None,
                    scopes: ::std::vec::Vec::from([#(#scopes.to_string()),*]),
                    audience: #audience,
                    lifetime: ::std::time::Duration::from_secs(#lifetime),
                    refresh_before_expiry: ::std::time::Duration::from_secs(#margin),
                    retry: #retry,
                };
                let grant = ::accord_runtime::auth::jwt::JwtBearer::new(config, key);
                credentials.insert(#name, ::accord_runtime::Auth::JwtBearer(::std::sync::Arc::new(grant)));
            }
        },
    }
}

/// A GitHub App installation: app id, installation id and the app's private key.
pub(super) fn github_app(credential: &CredentialIr, app: &GitHubApp) -> BuilderAuth {
    let setter = ident(&credential.setter);
    let name = lit(&credential.name);
    let token_path = lit(&app.token_path);
    let margin = app.refresh_before_expiry_seconds;
    let retry = retry_tokens(&app.token_retry);
    let (app_env, installation_env) = (lit(&app.app_id_env), lit(&app.installation_id_env));
    let (key_env, key_file_env) = (lit(&app.private_key_env), lit(&app.private_key_file_env));
    let setter_doc = doc(&format!(
        "Credential `{}`: a GitHub App acting as one installation: an RS256 app JWT (`iat` 60 s in the past, `exp` 9 minutes ahead, `iss` the app id) exchanged at `POST {}` for an installation token, cached until {margin} s before its `expires_at` and renewed after a 401. From `{}`, `{}` and `{}` (PEM text) or `{}` (a PEM file's path) with [`ClientBuilder::credentials_from_env`].",
        credential.name,
        app.token_path,
        app.app_id_env,
        app.installation_id_env,
        app.private_key_env,
        app.private_key_file_env
    ));
    BuilderAuth {
        fields: quote! {
            #setter: ::std::option::Option<(::std::string::String, ::std::string::String, ::accord_runtime::auth::jwt::PrivateKey)>,
        },
        setters: quote! {
            #setter_doc
            pub fn #setter(mut self, app_id: impl ::std::convert::Into<::std::string::String>, installation_id: impl ::std::convert::Into<::std::string::String>, key: ::accord_runtime::auth::jwt::PrivateKey) -> Self {
                self.#setter = ::std::option::Option::Some((app_id.into(), installation_id.into(), key));
                self
            }
        },
        from_env: quote! {
            if let (::std::result::Result::Ok(app_id), ::std::result::Result::Ok(installation_id), ::std::result::Result::Ok(key)) = (
                ::std::env::var(#app_env),
                ::std::env::var(#installation_env),
                ::accord_runtime::auth::jwt::PrivateKey::from_env_or_file(#key_env, #key_file_env),
            ) {
                if !app_id.is_empty() && !installation_id.is_empty() {
                    self.#setter = ::std::option::Option::Some((app_id, installation_id, key));
                }
            }
        },
        insert: quote! {
            if let ::std::option::Option::Some((app_id, installation_id, key)) = self.#setter {
                let config = ::accord_runtime::auth::jwt::GitHubAppConfig {
                    base_url: self.base_url.clone().unwrap_or_else(|| self.environment.base_url().to_string()),
                    token_path: #token_path.to_string(),
                    app_id,
                    installation_id,
                    refresh_before_expiry: ::std::time::Duration::from_secs(#margin),
                    retry: #retry,
                };
                let app = ::accord_runtime::auth::jwt::GitHubApp::new(config, key);
                credentials.insert(#name, ::accord_runtime::Auth::GitHubApp(::std::sync::Arc::new(app)));
            }
        },
    }
}

/// `Client::authorization_url` and `Client::exchange_code` for each authorization code
/// credential: unprefixed for the first, prefixed with the setter for others.
pub(super) fn client_methods(auth: &AuthIr) -> TokenStream {
    let flows = auth.credentials.iter().filter_map(|credential| match &credential.scheme {
        AuthScheme::OAuth2AuthorizationCode(code) => Some((credential, code)),
        AuthScheme::OAuth2ClientCredentials(_)
        | AuthScheme::Bearer(_)
        | AuthScheme::Basic(_)
        | AuthScheme::ApiKey(_)
        | AuthScheme::OAuth2JwtBearer(_)
        | AuthScheme::GitHubApp(_)
        | AuthScheme::AwsSigV4(_)
        | AuthScheme::HmacSignature(_) => None,
    });
    let methods = flows.enumerate().map(|(index, (credential, code))| {
        let prefix = if index == 0 { String::new() } else { format!("{}_", crate::names::bare(&credential.setter)) };
        let url_fn = ident(&format!("{prefix}authorization_url"));
        let exchange_fn = ident(&format!("{prefix}exchange_code"));
        let name = lit(&credential.name);
        let scopes: Vec<Literal> = code.scopes.iter().map(|s| lit(s)).collect();
        let missing = lit(&format!("credential `{}` is not set: call `ClientBuilder::{}`", credential.name, credential.setter));
        let url_doc = doc(&format!(
            "The URL to send the user to for credential `{}` (RFC 6749 §4.1.1), with a new PKCE verifier (RFC 7636 `S256`, from the OS's CSPRNG): `scopes` (empty: the spec's {:?}) and `state`, an unguessable value you keep and compare when the user comes back. Keep the returned `verifier` for [`Client::{}`].\n\nErrors: `Error::Config` when the credential is not set.",
            credential.name, code.scopes, crate::names::bare(&exchange_fn.to_string())
        ));
        let exchange_doc = doc(&format!(
            "Exchanges the `code` the redirect brought back for tokens (RFC 6749 §4.1.3, with the PKCE `verifier`), and saves them in the credential's token store; requests then carry its access token, refreshed as needed.\n\nErrors: `Error::Config` when credential `{}` is not set; `Error::Transport` when the token endpoint refuses the code or verifier, is unavailable, or the store fails.",
            credential.name
        ));
        quote! {
            #url_doc
            pub fn #url_fn(&self, scopes: &[&str], state: &str) -> ::std::result::Result<::accord_runtime::auth::oauth2::AuthorizationRequest, crate::errors::Error> {
                let ::std::option::Option::Some(::accord_runtime::Auth::AuthorizationCode(flow)) = self.inner.credentials().get(#name) else {
                    return ::std::result::Result::Err(crate::errors::Error::Config(#missing.to_string()));
                };
                let declared: &[&str] = &[#(#scopes),*];
                let scopes = if scopes.is_empty() { declared } else { scopes };
                flow.authorization_url(scopes, state).map_err(|error| crate::errors::Error::Config(error.to_string()))
            }

            #exchange_doc
            pub async fn #exchange_fn(&self, code: &str, verifier: &::accord_runtime::auth::pkce::PkceVerifier) -> ::std::result::Result<(), crate::errors::Error> {
                let ::std::option::Option::Some(::accord_runtime::Auth::AuthorizationCode(flow)) = self.inner.credentials().get(#name) else {
                    return ::std::result::Result::Err(crate::errors::Error::Config(#missing.to_string()));
                };
                flow.exchange_code(self.inner.http(), code, verifier)
                    .await
                    .map(|_| ())
                    .map_err(|error| crate::errors::Error::Transport(error.into()))
            }
        }
    });
    let flow_or_signature = auth.credentials.iter().any(|credential| match &credential.scheme {
        AuthScheme::OAuth2AuthorizationCode(_)
        | AuthScheme::OAuth2JwtBearer(_)
        | AuthScheme::GitHubApp(_)
        | AuthScheme::AwsSigV4(_)
        | AuthScheme::HmacSignature(_) => true,
        AuthScheme::OAuth2ClientCredentials(_)
        | AuthScheme::Bearer(_)
        | AuthScheme::Basic(_)
        | AuthScheme::ApiKey(_) => false,
    });
    let handle = flow_or_signature.then(|| {
        quote! {
            /// The credential `name` as this client holds it, typed: `Auth::AuthorizationCode`, `Auth::JwtBearer`, `Auth::GitHubApp`, `Auth::SigV4` or `Auth::HmacSignature` give the flow or signer itself (its token requests, its assertion, presigned URLs); `None` when it is not set.
            pub fn credential(&self, name: &str) -> ::std::option::Option<&::accord_runtime::Auth> {
                self.inner.credentials().get(name)
            }
        }
    });
    let sigv4 = auth.credentials.iter().any(|credential| matches!(credential.scheme, AuthScheme::AwsSigV4(_)));
    let presign = sigv4.then(|| {
        quote! {
            /// `request` (from a request builder's `request()`, e.g. a `GET` of an object) as a presigned URL (AWS Signature Version 4 in the query: Amazon S3 API Reference, "Authenticating Requests: Using Query Parameters"), valid for `expires_in` (1 s to 7 days) for whoever holds it, without credentials.
            ///
            /// Errors: `Error::Config` when no SigV4 credential is set or the expiry is out of range.
            pub fn presigned_url(&self, request: &::accord_runtime::RequestSpec, expires_in: ::std::time::Duration) -> ::std::result::Result<::accord_runtime::reqwest::Url, crate::errors::Error> {
                self.inner.presigned_url(request, expires_in).map_err(|error| crate::errors::Error::Config(error.to_string()))
            }
        }
    });
    quote!(#(#methods)* #handle #presign)
}

/// The contract tests' statements giving `builder` the mock's test value of a credential of
/// one of these flows: test client and refresh token, the test-only RSA key.
pub(super) fn test_credential(credential: &CredentialIr) -> Option<TokenStream> {
    let setter = ident(&credential.setter);
    let name = lit(&credential.name);
    let key = quote! {
        ::accord_runtime::auth::jwt::PrivateKey::from_pem(::accord_mock::TEST_ONLY_RSA_PRIVATE_KEY).expect("the test-only key")
    };
    Some(match &credential.scheme {
        AuthScheme::OAuth2AuthorizationCode(code) => {
            let token_url_setter = setter_ident(credential.token_url_setter.as_deref(), "token_url");
            let authorize_url_setter = setter_ident(credential.authorize_url_setter.as_deref(), "authorize_url");
            let store_setter = setter_ident(credential.token_store_setter.as_deref(), "token_store");
            let (token_path, authorize_path) = (lit(&code.token_path), lit(&code.authorize_path));
            let method = method_tokens(code.client_authentication);
            quote! {
                let builder = builder
                    .#setter(::accord_mock::test_client_authentication(::accord_runtime::auth::token_endpoint::ClientAuthMethod::#method), ::accord_mock::TEST_REDIRECT_URI)
                    .#token_url_setter(format!("{}{}", server.uri(), #token_path))
                    .#authorize_url_setter(format!("{}{}", server.uri(), #authorize_path))
                    .#store_setter(::accord_mock::test_token_store(#name));
            }
        }
        AuthScheme::OAuth2JwtBearer(jwt) => {
            let token_url_setter = setter_ident(credential.token_url_setter.as_deref(), "token_url");
            let token_path = lit(&jwt.token_path);
            quote! {
                let builder = builder.#setter("test-issuer", #key).#token_url_setter(format!("{}{}", server.uri(), #token_path));
            }
        }
        AuthScheme::GitHubApp(_) => quote! {
            let builder = builder.#setter("1", "2", #key);
        },
        AuthScheme::OAuth2ClientCredentials(_)
        | AuthScheme::Bearer(_)
        | AuthScheme::Basic(_)
        | AuthScheme::ApiKey(_)
        | AuthScheme::AwsSigV4(_)
        | AuthScheme::HmacSignature(_) => {
            return None;
        }
    })
}
