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

use super::groups::{Gates, gate_items_with};
use super::pretty::{Part, print_parts};
use super::tokens::doc;
use crate::emit::emitter::generated_notice;
use crate::ir::Ir;

/// `client.rs` as tokens (the build script's inline module).
pub(super) fn client_rs(ir: &Ir) -> TokenStream {
    let head = client_head(ir, &Gates::none(), true);
    let requests: Vec<TokenStream> = ir
        .operations
        .iter()
        .map(|op| {
            let debug = request::debug_impl(op).map_or_else(|tokens| tokens, |item| quote!(#item));
            // The struct, its `Debug`, its methods: as `client_file` prints them.
            request::request_builder(ir, op)
                .map_or_else(|tokens| quote!(#tokens #debug), |(builder, methods)| quote!(#builder #debug #methods))
        })
        .collect();
    quote! {
        #head
        #(#requests)*
    }
}

/// `client.rs` as [`client_rs`] prints, its request builders built and printed on several
/// threads, each operation behind its group's feature (`gates`).
///
/// Past [`METHODS_IN_ONE_IMPL`] operations, the client's methods are split into `impl Client`
/// blocks of [`METHODS_PER_IMPL`] each, after the head: a part is parsed and printed whole, and
/// one block of every method made a single syntax tree of about 600 MB for Microsoft Graph's
/// beta description (22,005 operations), most of the run's peak memory.
pub(super) fn client_file(ir: &Ir, gates: &Gates) -> String {
    let operations = ir.operations.len();
    let blocks = if operations > METHODS_IN_ONE_IMPL { operations.div_ceil(METHODS_PER_IMPL) } else { 0 };
    // The file's documentation, then the head, then the blocks of methods, then the builders.
    print_parts(&generated_notice(&ir.source_path), 2 + blocks + operations, |index| {
        if index == 0 {
            head_doc().into()
        } else if index == 1 {
            let methods = if blocks == 0 { &ir.operations[..] } else { &[] };
            head_with_methods(ir, gates, methods)
        } else if index < 2 + blocks {
            let start = (index - 2) * METHODS_PER_IMPL;
            let chunk = &ir.operations[start..(start + METHODS_PER_IMPL).min(operations)];
            let methods = client_methods(ir, chunk, gates);
            quote! {
                impl Client {
                    #(#methods)*
                }
            }
            .into()
        } else {
            let op = &ir.operations[index - 2 - blocks];
            match (request::request_builder(ir, op), request::debug_impl(op)) {
                (Ok((builder, methods)), Ok(debug)) => gate_items_with(
                    TokenStream::new(),
                    vec![syn::Item::Struct(builder), debug, syn::Item::Impl(methods)],
                    gates.operation(op),
                ),
                // Tokens that do not parse: the printer reports them.
                (builder, debug) => {
                    let debug = debug.map_or_else(|broken| broken, |item| quote!(#item));
                    Part::Tokens(builder.map_or_else(
                        |broken| quote!(#broken #debug),
                        |(builder, methods)| quote!(#builder #debug #methods),
                    ))
                }
            }
        }
    })
}

/// The head ([`client_head_items`]) with the methods of `operations` in `impl Client`, as
/// syntax trees: the methods are parsed without their documentation, which is built
/// directly ([`methods::client_method_item`]).
fn head_with_methods(ir: &Ir, gates: &Gates, operations: &[crate::ir::Operation]) -> Part {
    let head = client_head_items(ir, gates, quote!(__methods!();));
    let Ok(mut file) = syn::parse2::<syn::File>(head.clone()) else { return Part::Tokens(head) };
    let methods: Result<Vec<syn::ImplItem>, TokenStream> = operations
        .iter()
        .map(|op| {
            let cfg = gates.operation_predicate(op).map(super::syntax::cfg_attribute);
            methods::client_method_item(ir, op, cfg)
        })
        .collect();
    let methods = match methods {
        Ok(methods) => methods,
        Err(broken) => return Part::Tokens(quote!(#head #broken)),
    };
    let client = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Impl(item) if super::syntax::impl_hole(item, "__methods").is_some() => Some(item),
        _ => None,
    });
    match client {
        Some(client) => {
            super::syntax::splice_impl_items(client, "__methods", methods);
            Part::Items(file.items)
        }
        // Not found (an accord bug): the methods as tokens, in their place.
        None => client_head_items(ir, gates, quote!(#(#methods)*)).into(),
    }
}

/// Operations up to which every method of the client is in one `impl Client` block (GitHub's
/// 771 and Stripe's 468 are); past it, see [`client_file`].
const METHODS_IN_ONE_IMPL: usize = 2_000;

/// Methods per `impl Client` block past [`METHODS_IN_ONE_IMPL`] operations.
const METHODS_PER_IMPL: usize = 500;

/// The client's method of each operation, behind its group's feature.
fn client_methods(ir: &Ir, operations: &[crate::ir::Operation], gates: &Gates) -> Vec<TokenStream> {
    operations.iter().map(|op| methods::client_method(ir, op, gates.operation(op))).collect()
}

/// `client.rs` up to the request builders: the environments, rate limits, multipart bodies,
/// the client, its builder and, `with_methods`, its methods.
fn client_head(ir: &Ir, gates: &Gates, with_methods: bool) -> TokenStream {
    let methods = if with_methods { client_methods(ir, &ir.operations, gates) } else { Vec::new() };
    let doc = head_doc();
    let items = client_head_items(ir, gates, quote!(#(#methods)*));
    quote! {
        #doc
        #items
    }
}

/// The documentation of `client.rs`.
fn head_doc() -> TokenStream {
    quote! {
        //! The client, its builder, and one request builder per endpoint.
    }
}

/// The items of [`client_head`], `methods` at the end of `impl Client`.
fn client_head_items(ir: &Ir, gates: &Gates, methods: TokenStream) -> TokenStream {
    let environment = environment::environment_enum(ir);
    let variable_enums = servers::variable_enums(ir);
    let rate_limits = rate_limits::rate_limits_fn(ir);
    let multipart = multipart::multipart_impls(ir, gates);
    let client = client_struct(ir);
    let builder = builder::client_builder(ir);
    let operational = operational::client_methods(ir);
    // `send_raw` may reach any operation, so it tests bodies when any code is in a 2xx body.
    let decode = if super::body_errors::any_in_success(ir) {
        quote::format_ident!("decode_response_checked")
    } else {
        quote::format_ident!("decode_response")
    };
    let auth_flow_methods = auth_flows::client_methods(&ir.auth);
    quote! {
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

            #methods
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec with `operations` endpoints `op_0`, `op_1`, … (`GET /items/N`).
    fn spec_with(operations: usize) -> Ir {
        let mut source = String::from("accord: 1\nname: many\nendpoints:\n");
        for n in 0..operations {
            source.push_str(&format!(
                "  op_{n}:\n    method: GET\n    path: /items/{n}\n    responses: {{ \"200\": string }}\n"
            ));
        }
        crate::project::compile_spec(std::path::Path::new("many.yaml"), &source).expect("the spec compiles").ir
    }

    /// The `impl Client` blocks of a printed `client.rs`, each with the number of its methods
    /// named `op_N`, and every such method's name.
    fn impl_blocks(text: &str) -> (Vec<usize>, Vec<String>) {
        let file = syn::parse_file(text).expect("client.rs parses");
        let mut blocks = Vec::new();
        let mut names = Vec::new();
        for item in file.items {
            let syn::Item::Impl(block) = item else { continue };
            let syn::Type::Path(ty) = &*block.self_ty else { continue };
            if block.trait_.is_some() || !ty.path.is_ident("Client") {
                continue;
            }
            let mut count = 0;
            for member in block.items {
                if let syn::ImplItem::Fn(method) = member
                    && method.sig.ident.to_string().starts_with("op_")
                {
                    count += 1;
                    names.push(method.sig.ident.to_string());
                }
            }
            blocks.push(count);
        }
        (blocks, names)
    }

    #[test]
    fn up_to_the_limit_every_method_is_in_one_impl_block() {
        let ir = spec_with(30);
        let (blocks, names) = impl_blocks(&client_file(&ir, &Gates::none()));
        assert_eq!(blocks, vec![30]);
        assert_eq!(names.len(), 30);
    }

    #[test]
    fn past_the_limit_methods_are_split_into_blocks_each_method_once_in_order() {
        let operations = METHODS_IN_ONE_IMPL + 1;
        let ir = spec_with(operations);
        let (blocks, names) = impl_blocks(&client_file(&ir, &Gates::none()));
        // The head's block keeps `builder`, `base_url`, `send_raw` and no endpoint method.
        let mut expected = vec![0];
        expected
            .extend((0..operations).step_by(METHODS_PER_IMPL).map(|start| (operations - start).min(METHODS_PER_IMPL)));
        assert_eq!(blocks, expected);
        let in_order: Vec<String> = ir.operations.iter().map(|op| op.name.clone()).collect();
        assert_eq!(names, in_order, "every method once, in the spec's order");
    }
}
