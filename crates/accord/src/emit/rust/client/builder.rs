//! `ClientBuilder` of `client.rs`: its fields, its setters (where requests go, timeouts,
//! retries and rate limits, authentication) and `build`, which turns them into the runtime's
//! configuration.

use proc_macro2::TokenStream;
use quote::quote;

use super::auth::{BuilderAuth, builder_auth, credentials_from_env_fn, require_auth};
use crate::emit::rust::lib_rs::package_version;
use crate::emit::rust::tokens::{doc, lit};
use crate::ir::{Ir, TimeoutsIr};

/// `pub struct ClientBuilder` and its methods.
pub(super) fn client_builder(ir: &Ir) -> TokenStream {
    let schemes = builder_auth(&ir.auth);
    let fields = schemes.iter().map(|scheme| &scheme.fields);
    let setters = schemes.iter().map(|scheme| &scheme.setters);
    let from_env_fn = credentials_from_env_fn(&ir.auth, &schemes);
    let destination_setters = destination_setters();
    let timeout_setters = timeout_setters(&ir.timeouts);
    let reliability_setters = reliability_setters();
    let custom_auth_setters = custom_auth_setters();
    let build = build_fn(ir, &schemes);
    let server_variables_field = super::servers::builder_field(ir);
    let server_variable_setters = super::servers::setters(ir);
    let (tls_field, tls_setter, _) = super::tls::builder_parts(ir);
    let (shared_field, shared_setter, _) = super::shared_state::builder_parts(ir);
    let (stream_field, stream_setter, _) = super::streaming::builder_parts(ir);
    quote! {
        /// Builds a [`Client`]: environment or base URL, credentials, timeouts.
        #[derive(Debug, Default)]
        pub struct ClientBuilder {
            environment: Environment,
            base_url: ::std::option::Option<::std::string::String>,
            connect_timeout: ::std::option::Option<::std::time::Duration>,
            attempt_timeout: ::std::option::Option<::std::time::Duration>,
            operation_timeout: ::std::option::Option<::std::option::Option<::std::time::Duration>>,
            retry_policy: ::std::option::Option<::accord_runtime::RetryPolicy>,
            retry_budget: ::std::option::Option<::std::option::Option<::accord_runtime::RetryBudgetSettings>>,
            max_retry_after: ::std::option::Option<::std::time::Duration>,
            rate_limits: ::std::option::Option<::std::option::Option<::accord_runtime::RateLimitConfig>>,
            custom_auth: ::std::option::Option<::std::sync::Arc<dyn ::accord_runtime::Authenticate>>,
            allow_anonymous: bool,
            #server_variables_field
            #tls_field
            #shared_field
            #stream_field
            #(#fields)*
        }

        impl ClientBuilder {
            #destination_setters

            #server_variable_setters

            #timeout_setters

            #reliability_setters

            #custom_auth_setters

            #tls_setter

            #shared_setter

            #stream_setter

            #(#setters)*

            #from_env_fn

            #build
        }
    }
}

/// `environment` and `base_url`: where requests go.
fn destination_setters() -> TokenStream {
    quote! {
        /// Chooses a declared environment (default: the spec's default).
        pub fn environment(mut self, environment: Environment) -> Self {
            self.environment = environment;
            self
        }

        /// Sends requests to this base URL instead of an environment's (a mock server, a proxy).
        pub fn base_url(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
            self.base_url = ::std::option::Option::Some(url.into());
            self
        }
    }
}

/// `connect_timeout`, `attempt_timeout` and `operation_timeout`, documented with the spec's
/// values.
fn timeout_setters(timeouts: &TimeoutsIr) -> TokenStream {
    let human = crate::units::describe_millis;
    let connect_doc =
        doc(&format!("Time allowed to open a connection, TCP and TLS (spec: {}).", human(timeouts.connect_ms)));
    let attempt_doc = doc(&format!(
        "Time allowed for one attempt, from sending the request to the end of the response body (spec: {}).",
        human(timeouts.attempt_ms)
    ));
    let operation_text = match timeouts.total_ms {
        Some(ms) => human(ms),
        None => "none".to_string(),
    };
    let operation_doc = doc(&format!(
        "Time allowed for a whole operation: every attempt, backoff, `Retry-After` and rate-limit wait (spec: {operation_text}); `None` for no limit."
    ));
    quote! {
        #connect_doc
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.connect_timeout = ::std::option::Option::Some(timeout);
            self
        }

        #attempt_doc
        pub fn attempt_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.attempt_timeout = ::std::option::Option::Some(timeout);
            self
        }

        #operation_doc
        pub fn operation_timeout(mut self, timeout: ::std::option::Option<::std::time::Duration>) -> Self {
            self.operation_timeout = ::std::option::Option::Some(timeout);
            self
        }
    }
}

/// `retry_policy`, `retry_budget`, `max_retry_after` and `rate_limits`: the spec's
/// reliability settings replaced.
fn reliability_setters() -> TokenStream {
    quote! {
        /// Replaces the spec's retry policy ([`crate::errors::RETRY_POLICY`]); `RetryPolicy::NO_RETRIES` turns retries off.
        pub fn retry_policy(mut self, policy: ::accord_runtime::RetryPolicy) -> Self {
            self.retry_policy = ::std::option::Option::Some(policy);
            self
        }

        /// Sizes the client-wide retry budget (default: 500 tokens, 5 per retry, 10 per retry after a timeout, 1 back per first-attempt success); `None` disables it.
        pub fn retry_budget(mut self, budget: ::std::option::Option<::accord_runtime::RetryBudgetSettings>) -> Self {
            self.retry_budget = ::std::option::Option::Some(budget);
            self
        }

        /// The longest `Retry-After` the client sleeps through (default 120 s); a longer one returns the error at once.
        pub fn max_retry_after(mut self, limit: ::std::time::Duration) -> Self {
            self.max_retry_after = ::std::option::Option::Some(limit);
            self
        }

        /// Replaces the spec's client-side rate limits ([`rate_limits`]); `None` turns them off.
        pub fn rate_limits(mut self, limits: ::std::option::Option<::accord_runtime::RateLimitConfig>) -> Self {
            self.rate_limits = ::std::option::Option::Some(limits);
            self
        }
    }
}

/// `auth` and `allow_anonymous`: authentication other than the spec's schemes.
fn custom_auth_setters() -> TokenStream {
    quote! {
        /// Uses your own authentication scheme on every request, besides or instead of the spec's credentials (request signing, a token from a vault).
        pub fn auth(mut self, auth: impl ::accord_runtime::Authenticate + 'static) -> Self {
            self.custom_auth = ::std::option::Option::Some(::std::sync::Arc::new(auth));
            self
        }

        /// Builds without credentials even though the spec declares authentication, and sends a request whose endpoint needs credentials the client does not hold without them (instead of failing it).
        pub fn allow_anonymous(mut self) -> Self {
            self.allow_anonymous = true;
            self
        }
    }
}

/// `build`: the credentials given, the spec's default headers, timeouts, retry policy and
/// rate limits (or what the setters replaced them with) as the runtime's configuration.
fn build_fn(ir: &Ir, schemes: &[BuilderAuth]) -> TokenStream {
    let insert = schemes.iter().map(|scheme| &scheme.insert);
    let require_auth = require_auth(&ir.auth);
    let user_agent = lit(&format!("{}/{} (accord)", ir.crate_name, package_version(ir)));
    let headers = default_headers(ir);
    let operational = super::operational::config_statements(ir);
    let (base_url, servers) = super::servers::build_urls(ir);
    let (_, _, tls_build) = super::tls::builder_parts(ir);
    let (_, _, shared_build) = super::shared_state::builder_parts(ir);
    let (_, _, stream_build) = super::streaming::builder_parts(ir);
    let timeouts = &ir.timeouts;
    let connect_ms = timeouts.connect_ms;
    let attempt_ms = timeouts.attempt_ms;
    let operation_default = match timeouts.total_ms {
        Some(ms) => quote!(::std::option::Option::Some(::std::time::Duration::from_millis(#ms))),
        None => quote!(::std::option::Option::None),
    };
    quote! {
        /// Builds the client.
        ///
        /// Errors: [`crate::errors::Error::Config`] when every endpoint requires credentials
        /// and none were given; [`crate::errors::Error::Transport`] for an invalid base URL.
        pub fn build(self) -> ::std::result::Result<Client, crate::errors::Error> {
            #[allow(unused_mut)]
            let mut credentials = ::accord_runtime::Credentials::new();
            #(#insert)*
            let auth = match self.custom_auth {
                ::std::option::Option::Some(custom) => ::accord_runtime::Auth::Custom(custom),
                ::std::option::Option::None => ::accord_runtime::Auth::None,
            };
            if self.allow_anonymous {
                credentials.allow_anonymous();
            }
            #require_auth
            #base_url
            let mut config = ::accord_runtime::ClientConfig::new(base_url, #user_agent);
            #servers
            config.auth = auth;
            config.credentials = credentials;
            config.default_headers = ::std::vec::Vec::from([#(#headers),*]);
            config.timeouts = ::accord_runtime::Timeouts {
                connect: self.connect_timeout.unwrap_or(::std::time::Duration::from_millis(#connect_ms)),
                attempt: self.attempt_timeout.unwrap_or(::std::time::Duration::from_millis(#attempt_ms)),
                operation: self.operation_timeout.unwrap_or(#operation_default),
            };
            config.retry = ::accord_runtime::RetryConfig {
                policy: self.retry_policy.unwrap_or(crate::errors::RETRY_POLICY),
                classifier: ::std::sync::Arc::new(crate::errors::RETRY_CLASSIFIER),
                budget: self.retry_budget.unwrap_or(::std::option::Option::Some(::accord_runtime::RetryBudgetSettings::default())),
                max_retry_after: self
                    .max_retry_after
                    .unwrap_or(::std::time::Duration::from_millis(::accord_runtime::defaults::MAX_RETRY_AFTER_MS)),
            };
            config.rate_limits = self.rate_limits.unwrap_or_else(rate_limits);
            #operational
            #tls_build
            #shared_build
            #stream_build
            let inner = ::accord_runtime::Client::new(config).map_err(crate::errors::Error::Transport)?;
            ::std::result::Result::Ok(Client { inner })
        }
    }
}

/// The spec's default headers as `accord_runtime::DefaultHeader` values.
fn default_headers(ir: &Ir) -> Vec<TokenStream> {
    ir.headers
        .iter()
        .map(|header| {
            let name = lit(&header.name);
            match (&header.value, header.generate_uuid) {
                (_, true) => quote!(::accord_runtime::DefaultHeader::Uuid(#name)),
                (Some(value), false) => {
                    let value = lit(value);
                    quote!(::accord_runtime::DefaultHeader::Fixed(#name, #value))
                }
                (None, false) => quote!(),
            }
        })
        .filter(|t| !t.is_empty())
        .collect()
}
