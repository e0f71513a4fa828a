//! The `Environment` enum of `client.rs`: the spec's deployments and their base URLs.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::tokens::{doc, ident, lit};
use crate::ir::Ir;

/// `pub enum Environment` with `base_url()`: one variant per declared environment, or a
/// single `Unspecified` one when the spec declares none.
pub(super) fn environment_enum(ir: &Ir) -> TokenStream {
    if ir.environments.is_empty() {
        return quote! {
            /// The spec declares no environments; set a base URL with [`ClientBuilder::base_url`].
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
            pub enum Environment {
                /// No declared environment.
                #[default]
                Unspecified,
            }

            impl Environment {
                /// The base URL of this environment (none declared).
                pub fn base_url(self) -> &'static str {
                    ""
                }
            }
        };
    }
    let variants: Vec<TokenStream> = ir
        .environments
        .iter()
        .map(|environment| {
            let variant = ident(&environment.variant);
            let mut text = format!("`{}` — {}", environment.name, environment.base_url);
            if let Some(description) = &environment.description {
                text.push_str(&format!("\n\n{}", crate::markdown::repair(description).0));
            }
            let docs = doc(&text);
            let default = environment.default.then(|| quote!(#[default]));
            quote! {
                #docs
                #default
                #variant,
            }
        })
        .collect();
    let arms: Vec<TokenStream> = ir
        .environments
        .iter()
        .map(|environment| {
            let variant = ident(&environment.variant);
            let url = lit(&environment.base_url);
            quote!(Environment::#variant => #url,)
        })
        .collect();
    let client_certificate = super::tls::environment_fn(ir);
    quote! {
        /// Deployments of the API (spec `environments`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub enum Environment {
            #(#variants)*
        }

        impl Environment {
            /// The base URL endpoint paths are appended to.
            pub fn base_url(self) -> &'static str {
                match self {
                    #(#arms)*
                }
            }
        }

        #client_certificate
    }
}
