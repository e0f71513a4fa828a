//! What a fleet needs in `ClientBuilder` (issue 19): the `shared_state` field, its setter
//! and the line of `build` that passes it on, namespaced by the spec's name. Every client
//! gets the field, the line and the setter, which can be called when the runtime's
//! `shared-state` feature is on (the generated crate's `shared-state`, which its `redis` implies): whether a client
//! runs as one process or many is the application's decision, not the spec's, and a client
//! that runs as one compiles none of it (issue 22). The Redis store
//! itself is behind the generated crate's own `redis` feature (`templates/client_cargo.toml.j2`),
//! off by default, as `metrics` is; another store is any implementation of the runtime's
//! store traits, handed in the same way, with no change to generated code.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::tokens::lit;
use crate::ir::Ir;

/// The builder field, the setter (callable only when the runtime's `shared-state` feature is
/// on: without it `accord_runtime::SharedState` has no values, so that generated code carries
/// no `cfg` of its own, issue 22) and the statement of `build`.
pub(super) fn builder_parts(ir: &Ir) -> (TokenStream, TokenStream, TokenStream) {
    let field = quote!(shared_state: ::accord_runtime::shared_slot::SharedSlot,);
    let setter = quote! {
        /// Shares this client's rate-limit buckets, OAuth 2.0 access tokens, circuits and cached responses with the other processes of a fleet, so that replicas together keep to the API's limits and fetch one token: `SharedState::redis(url, RedisOptions::default())` with this crate's `redis` feature, or your own store through the runtime's store traits, with this crate's `shared-state` feature. When the store does not answer within its timeout, each request falls back to this process's state (a warning and a metric) and the store reconnects by itself.
        pub fn shared_state(mut self, state: ::accord_runtime::SharedState) -> Self {
            self.shared_state.set(state);
            self
        }
    };
    let api = lit(&ir.name);
    let build = quote! {
        self.shared_state.apply(&mut config, #api);
    };
    (field, setter, build)
}
