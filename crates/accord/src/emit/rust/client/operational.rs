//! What `cache`, `circuit_breaker` and `health` add to `client.rs` (issue 18): the runtime
//! configuration `build` passes in, and `Client::health`. Nothing for a spec without them.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::tokens::{doc, ident};
use crate::ir::Ir;
use crate::ir::operational::CircuitScope;

fn duration(ms: u64) -> TokenStream {
    quote!(::std::time::Duration::from_millis(#ms))
}

fn option<T: quote::ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(value) => quote!(::std::option::Option::Some(#value)),
        None => quote!(::std::option::Option::None),
    }
}

/// Statements of `build` that set `config.cache` and `config.circuit_breaker`.
pub(super) fn config_statements(ir: &Ir) -> TokenStream {
    let mut statements = TokenStream::new();
    if let Some(cache) = &ir.operational.cache {
        let max_entries = cache.max_entries;
        let max_bytes = cache.max_bytes;
        let endpoints = cache.endpoints.iter().map(|endpoint| {
            let operation = &endpoint.operation;
            let enabled = endpoint.enabled;
            let ttl = option(endpoint.ttl_ms.map(duration));
            let per_credential = endpoint.per_credential;
            quote! {
                ::accord_runtime::EndpointCache { operation: #operation, enabled: #enabled, ttl: #ttl, per_credential: #per_credential }
            }
        });
        statements.extend(quote! {
            const CACHED_ENDPOINTS: &[::accord_runtime::EndpointCache] = &[#(#endpoints),*];
            config.cache = ::std::option::Option::Some(::accord_runtime::CacheConfig {
                max_entries: #max_entries,
                max_bytes: #max_bytes,
                endpoints: CACHED_ENDPOINTS,
                store: ::std::option::Option::None,
            });
        });
    }
    if let Some(breaker) = &ir.operational.circuit_breaker {
        let scope = match breaker.scope {
            CircuitScope::Endpoint => quote!(::accord_runtime::CircuitScope::Endpoint),
            CircuitScope::Host => quote!(::accord_runtime::CircuitScope::Host),
        };
        let failures = option(breaker.failures);
        let failure_rate = option(breaker.failure_rate);
        let minimum_calls = breaker.minimum_calls;
        let window = duration(breaker.window_ms);
        let open_for = duration(breaker.open_for_ms);
        let probes = breaker.half_open_probes;
        statements.extend(quote! {
            config.circuit_breaker = ::std::option::Option::Some(::accord_runtime::CircuitBreakerConfig {
                scope: #scope,
                settings: ::accord_runtime::CircuitSettings {
                    failure_threshold: #failures,
                    failure_rate: #failure_rate,
                    minimum_calls: #minimum_calls,
                    window: #window,
                    open_for: #open_for,
                    half_open_probes: #probes,
                },
                exempt: &[],
                store: ::std::option::Option::None,
            });
        });
    }
    statements
}

/// `Client::health` (when the spec declares `health`) and `Client::circuit_breaker` (when
/// it declares `circuit_breaker`), inside `impl Client`.
pub(super) fn client_methods(ir: &Ir) -> TokenStream {
    let mut methods = TokenStream::new();
    if let Some(health) = &ir.operational.health {
        let operation = &health.operation;
        let method = ident(&health.method_name);
        let statuses = &health.statuses;
        let body = option(health.body.as_ref().map(|(pointer, equals)| quote!((#pointer, #equals))));
        let docs = doc(&format!(
            "Checks the API's health: sends `{operation}` (spec: `health`; healthy: status {}{}) and reports it with the state of every circuit, every credential (a token's validity and time left) and the rate-limit headroom, as one value to expose on a readiness endpoint (it is `Serialize`).\n\nErrors: `Decode` when the probe request cannot be built.",
            statuses.iter().map(u16::to_string).collect::<Vec<_>>().join(" or "),
            match &health.body {
                Some((pointer, equals)) => format!(", body `{pointer}` = `{equals}`"),
                None => String::new(),
            }
        ));
        methods.extend(quote! {
            #docs
            pub async fn health(&self) -> ::std::result::Result<::accord_runtime::Health, crate::errors::Error> {
                const CHECK: ::accord_runtime::HealthCheck = ::accord_runtime::HealthCheck {
                    operation: #operation,
                    healthy_statuses: &[#(#statuses),*],
                    body_equals: #body,
                };
                let request = self.#method().request()?;
                ::std::result::Result::Ok(self.inner.health(&request, &CHECK).await)
            }
        });
    }
    if ir.operational.circuit_breaker.is_some() {
        methods.extend(quote! {
            /// The circuit breaker (spec: `circuit_breaker`), shared by this client's clones:
            /// each circuit's state, for dashboards and tests.
            pub fn circuit_breaker(&self) -> ::std::option::Option<&::accord_runtime::circuit::CircuitBreaker> {
                self.inner.circuit_breaker()
            }
        });
    }
    methods
}
