//! `src/lib.rs` of a client crate: the crate documentation, its modules and re-exports; and
//! the crate's version, which its `Cargo.toml` and its `User-Agent` share.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Ir;

/// The crate version: the spec's version when it is semver, else `0.1.0`.
pub(super) fn package_version(ir: &Ir) -> String {
    match &ir.version {
        Some(v) if v.split('.').count() == 3 && v.split('.').all(|p| p.parse::<u64>().is_ok()) => v.clone(),
        _ => "0.1.0".to_string(),
    }
}

/// `src/lib.rs`.
pub(super) fn lib_rs(ir: &Ir) -> TokenStream {
    let title = format!(
        " Client for {} (spec `{}`{}).",
        ir.title,
        ir.name,
        ir.version.as_deref().map(|v| format!(", version {v}")).unwrap_or_default()
    );
    let description = ir.description.as_deref().map(|d| {
        let lines: Vec<TokenStream> = std::iter::once(String::new())
            .chain(d.trim_end().lines().map(|l| format!(" {}", l.trim_end())))
            .map(|l| quote!(#![doc = #l]))
            .collect();
        quote!(#(#lines)*)
    });
    let webhooks = ir.webhooks.as_ref().map(|webhooks| match webhooks.signature {
        Some(_) => quote! {
            /// Webhook signature verification and typed events.
            pub mod webhooks;
        },
        None => quote! {
            /// Typed webhook events, decoded without verification (the spec declares no
            /// signature scheme).
            pub mod webhooks;
        },
    });
    let usage = " See `README.md` for a usage example; every endpoint is a method of [`Client`].";
    quote! {
        #![doc = #title]
        #description
        #![doc = ""]
        #![doc = #usage]
        #![allow(clippy::all, missing_docs, deprecated)]

        /// Data models of the spec.
        pub mod models;
        /// The client, its builder, and one request builder per endpoint.
        pub mod client;
        /// Typed errors: one variant per declared error code.
        pub mod errors;
        #webhooks

        pub use client::{Client, ClientBuilder};
        pub use errors::{ApiError, Error};
        pub use ::accord_runtime::{Response, Secret};
    }
}
