//! `rate_limits()` of `client.rs`: the spec's rate limits as the runtime's configuration.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::tokens::{doc, lit, optional_str};
use crate::ir::{Ir, RateIr, ResetUnit};

/// One `accord_runtime::RateLimit` value.
fn rate_limit_tokens(rate: &RateIr) -> TokenStream {
    let requests = rate.requests;
    let window = rate.window_seconds;
    let burst = rate.burst;
    quote!(::accord_runtime::RateLimit { requests: #requests, window: ::std::time::Duration::from_secs(#window), burst: #burst })
}

/// `rate_limits()`: the spec's limits as the runtime's configuration.
pub(super) fn rate_limits_fn(ir: &Ir) -> TokenStream {
    let limits = &ir.rate_limits;
    let operations: Vec<TokenStream> = ir
        .operations
        .iter()
        .filter(|op| op.own_rate_limit)
        .filter_map(|op| {
            let rate = rate_limit_tokens(op.rate_limit.as_ref()?);
            let name = lit(&op.name);
            Some(quote!((#name, #rate)))
        })
        .collect();
    let optional = |value: &Option<String>| optional_str(value.as_deref());
    let mut text = Vec::new();
    if let Some(default) = &limits.default {
        text.push(format!("default {} (burst {})", default.text, default.burst));
    }
    for op in ir.operations.iter().filter(|op| op.own_rate_limit) {
        if let Some(rate) = &op.rate_limit {
            text.push(format!("`{}` {} (burst {})", op.name, rate.text, rate.burst));
        }
    }
    for quota in &limits.quotas {
        text.push(format!("quota {}", quota.text));
    }
    if text.is_empty() {
        return quote! {
            /// The spec declares no rate limits, so the client sends as fast as it is asked.
            pub fn rate_limits() -> ::std::option::Option<::accord_runtime::RateLimitConfig> {
                ::std::option::Option::None
            }
        };
    }
    let docs = doc(&format!(
        "The spec's rate limits, enforced client-side with token buckets shared by clones of a client: {}. The server's rate-limit headers tighten a bucket when it knows better.",
        text.join(", ")
    ));
    let default = match &limits.default {
        Some(rate) => {
            let rate = rate_limit_tokens(rate);
            quote!(::std::option::Option::Some(#rate))
        }
        None => quote!(::std::option::Option::None),
    };
    let quotas: Vec<TokenStream> = limits.quotas.iter().map(rate_limit_tokens).collect();
    let remaining = optional(&limits.remaining_header);
    let reset = optional(&limits.reset_header);
    let usage = optional(&limits.usage_header);
    let ietf = limits.ietf_fields;
    let reset_unit = match limits.reset_unit {
        ResetUnit::Auto => quote!(::accord_runtime::rate_limit::ResetUnit::Auto),
        ResetUnit::UnixSeconds => quote!(::accord_runtime::rate_limit::ResetUnit::UnixSeconds),
        ResetUnit::UnixMilliseconds => quote!(::accord_runtime::rate_limit::ResetUnit::UnixMilliseconds),
        ResetUnit::DeltaSeconds => quote!(::accord_runtime::rate_limit::ResetUnit::DeltaSeconds),
    };
    quote! {
        #docs
        pub fn rate_limits() -> ::std::option::Option<::accord_runtime::RateLimitConfig> {
            ::std::option::Option::Some(::accord_runtime::RateLimitConfig {
                default: #default,
                operations: ::std::vec::Vec::from([#(#operations),*]),
                quotas: ::std::vec::Vec::from([#(#quotas),*]),
                remaining_header: #remaining,
                reset_header: #reset,
                reset_unit: #reset_unit,
                usage_header: #usage,
                ietf_fields: #ietf,
            })
        }
    }
}
