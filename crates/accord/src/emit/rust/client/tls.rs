//! Mutual TLS in a client crate, only when an environment declares `client_certificate`:
//! `Environment::client_certificate` (the variables of each environment's certificate and
//! key), the builder's `client_identity` setter, and the line of `build` that puts the
//! identity on the runtime's `ClientConfig::tls`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::tokens::{ident, lit};
use crate::ir::Ir;

/// Whether any environment requires a client certificate.
fn declared(ir: &Ir) -> bool {
    ir.environments.iter().any(|environment| environment.client_certificate.is_some())
}

/// `impl Environment { fn client_certificate }`; nothing without a declared certificate.
pub(super) fn environment_fn(ir: &Ir) -> TokenStream {
    if !declared(ir) {
        return quote!();
    }
    let arms = ir.environments.iter().map(|environment| {
        let variant = ident(&environment.variant);
        match &environment.client_certificate {
            Some((certificate, key)) => {
                let (certificate, key) = (lit(certificate), lit(key));
                quote!(Environment::#variant => ::std::option::Option::Some((#certificate, #key)),)
            }
            None => quote!(Environment::#variant => ::std::option::Option::None,),
        }
    });
    quote! {
        impl Environment {
            /// The environment variables of the client certificate this environment requires
            /// (mutual TLS): certificate chain and private key, each PEM text or a file path.
            pub fn client_certificate(self) -> ::std::option::Option<(&'static str, &'static str)> {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// The builder's field, setter, and `build` statement; empty without a declared certificate.
pub(super) fn builder_parts(ir: &Ir) -> (TokenStream, TokenStream, TokenStream) {
    if !declared(ir) {
        return (quote!(), quote!(), quote!());
    }
    let field = quote!(client_identity: ::std::option::Option<::accord_runtime::tls::ClientIdentity>,);
    let setter = quote! {
        /// The client certificate and key sent when the server asks for one (mutual TLS),
        /// instead of the chosen environment's variables (see `Environment::client_certificate`).
        pub fn client_identity(mut self, identity: ::accord_runtime::tls::ClientIdentity) -> Self {
            self.client_identity = ::std::option::Option::Some(identity);
            self
        }
    };
    let build = quote! {
        config.tls.identity = match self.client_identity {
            ::std::option::Option::Some(identity) => ::std::option::Option::Some(identity),
            ::std::option::Option::None => match self.environment.client_certificate() {
                ::std::option::Option::Some((certificate, key)) => {
                    ::accord_runtime::tls::ClientIdentity::from_env(certificate, key).map_err(crate::errors::Error::Config)?
                }
                ::std::option::Option::None => ::std::option::Option::None,
            },
        };
    };
    (field, setter, build)
}
