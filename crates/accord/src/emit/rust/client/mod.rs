//! `src/client.rs` of a client crate: the environments, the spec's rate limits, multipart
//! bodies, the client with its builder and one method per endpoint, then one request builder
//! per endpoint (printed on several threads).

mod auth;
mod auth_flows;

pub use auth::test_credentials;
mod builder;
mod environment;
mod methods;
mod multipart;
mod operational;
mod pagination;
mod rate_limits;
mod request;
mod servers;
mod shared_state;
mod signing;
mod streaming;
mod tls;

use proc_macro2::TokenStream;
use quote::quote;

use super::groups::{Gates, gate_items};
use super::pretty::print_parts;
use super::tokens::doc;
use crate::emit::emitter::generated_notice;
use crate::ir::Ir;

/// `client.rs` as tokens (the build script's inline module).
pub(super) fn client_rs(ir: &Ir) -> TokenStream {
    let head = client_head(ir, &Gates::none());
    let requests: Vec<TokenStream> = ir.operations.iter().map(|op| request::request_builder(ir, op)).collect();
    quote! {
        #head
        #(#requests)*
    }
}

/// `client.rs` as [`client_rs`] prints, its request builders built and printed on several
/// threads, each operation behind its group's feature (`gates`).
pub(super) fn client_file(ir: &Ir, gates: &Gates) -> String {
    print_parts(&generated_notice(&ir.source_path), 1 + ir.operations.len(), |index| match index {
        0 => client_head(ir, gates),
        _ => {
            let op = &ir.operations[index - 1];
            gate_items(request::request_builder(ir, op), gates.operation(op))
        }
    })
}

/// `client.rs` up to the request builders: the environments, rate limits, multipart bodies,
/// the client, its builder and its methods.
fn client_head(ir: &Ir, gates: &Gates) -> TokenStream {
    let environment = environment::environment_enum(ir);
    let variable_enums = servers::variable_enums(ir);
    let rate_limits = rate_limits::rate_limits_fn(ir);
    let multipart = multipart::multipart_impls(ir, gates);
    let client = client_struct(ir);
    let builder = builder::client_builder(ir);
    let methods: Vec<TokenStream> = ir
        .operations
        .iter()
        .map(|op| {
            let cfg = gates.operation(op);
            let method = methods::client_method(ir, op);
            quote!(#cfg #method)
        })
        .collect();
    let operational = operational::client_methods(ir);
    // `send_raw` may reach any operation, so it tests bodies when any code is in a 2xx body.
    let decode = if super::body_errors::any_in_success(ir) {
        quote::format_ident!("decode_response_checked")
    } else {
        quote::format_ident!("decode_response")
    };
    let auth_flow_methods = auth_flows::client_methods(&ir.auth);
    quote! {
        //! The client, its builder, and one request builder per endpoint.
        #environment

        #variable_enums

        #rate_limits

        #(#multipart)*

        #client

        #builder

        impl Client {
            /// A builder with the default environment and no credentials.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.inner.base_url()
            }

            /// Sends a request described by hand (for calls the typed methods cannot express,
            /// such as deliberately invalid bodies in contract tests) and classifies the
            /// answer like the typed methods do.
            ///
            /// Errors: as the typed methods.
            pub async fn send_raw(&self, request: &::accord_runtime::RequestSpec) -> ::std::result::Result<::accord_runtime::Response<::accord_runtime::serde_json::Value>, crate::errors::Error> {
                let raw = self.inner.execute(request).await.map_err(<crate::errors::Error as ::accord_runtime::ClientError>::transport)?;
                crate::errors::#decode::<::accord_runtime::serde_json::Value>(raw)
            }

            #operational
            #auth_flow_methods

            #(#methods)*
        }
    }
}

/// `pub struct Client`, a handle on the runtime's client.
fn client_struct(ir: &Ir) -> TokenStream {
    let client_doc = doc(&format!(
        "Client for {}. Cheap to clone: clones share one connection pool, token cache, rate-limit buckets and retry budget.\n\nBuild one with [`Client::builder`].",
        ir.title
    ));
    quote! {
        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: ::accord_runtime::Client,
        }
    }
}
