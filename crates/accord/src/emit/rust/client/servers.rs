//! What `server_variables` and `servers` add to `client.rs`: an enum per variable with `enum`
//! values, a builder setter per variable and `server_variables_from_env`, the base URL and the
//! named servers' URLs built from their templates in `build`, and the server a request of an
//! endpoint with `server` goes to.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::tokens::{doc, ident, lit};
use crate::ir::{Ir, Operation};

/// The enums of the variables with `enum` values.
pub(super) fn variable_enums(ir: &Ir) -> TokenStream {
    let enums = ir.server_variables.iter().filter_map(|variable| {
        let type_name = ident(variable.type_name.as_ref()?);
        let enum_doc = doc(&format!(
            "The values of server variable `{}` (spec `server_variables.{}`), `{{{}}}` in the base URL.",
            variable.name, variable.name, variable.name
        ));
        let variants = variable.values.iter().map(|value| {
            let variant = ident(&value.variant);
            let value_doc = doc(&format!("`{}`", value.value));
            let default = (variable.default.as_deref() == Some(value.value.as_str())).then(|| quote!(#[default]));
            quote!(#value_doc #default #variant,)
        });
        let arms = variable.values.iter().map(|value| {
            let variant = ident(&value.variant);
            let text = lit(&value.value);
            quote!(#type_name::#variant => #text,)
        });
        let derive_default = variable.default.is_some().then(|| quote!(Default,));
        Some(quote! {
            #enum_doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, #derive_default)]
            pub enum #type_name {
                #(#variants)*
            }

            impl #type_name {
                /// The value as written in the URL.
                pub fn as_str(self) -> &'static str {
                    match self {
                        #(#arms)*
                    }
                }
            }
        })
    });
    quote!(#(#enums)*)
}

/// The builder field holding the variables set, when the spec declares any.
pub(super) fn builder_field(ir: &Ir) -> TokenStream {
    if ir.server_variables.is_empty() {
        return quote!();
    }
    quote!(server_variables: ::std::collections::BTreeMap<&'static str, ::std::string::String>,)
}

/// A setter per variable, and `server_variables_from_env`.
pub(super) fn setters(ir: &Ir) -> TokenStream {
    if ir.server_variables.is_empty() {
        return quote!();
    }
    let setters = ir.server_variables.iter().map(|variable| {
        let setter = ident(&variable.setter);
        let name = lit(&variable.name);
        let mut text = format!("Sets server variable `{}` (`{{{}}}` in the base URL", variable.name, variable.name);
        text.push_str(&match &variable.default {
            Some(default) => format!("; default `{default}`)."),
            None => "; required: `build` fails without it).".to_string(),
        });
        text.push_str(&format!(" Environment variable: `{}`.", variable.env));
        if let Some(description) = &variable.description {
            text.push_str(&format!("\n\n{}", crate::markdown::repair(description).0));
        }
        text.push_str("\n\nIn the host a value may hold letters, digits, `-` and `.`; in the path it is percent-encoded; `build` refuses a value that would change the URL's structure.");
        let setter_doc = doc(&text);
        match &variable.type_name {
            Some(type_name) => {
                let type_name = ident(type_name);
                quote! {
                    #setter_doc
                    pub fn #setter(mut self, value: #type_name) -> Self {
                        self.server_variables.insert(#name, value.as_str().to_string());
                        self
                    }
                }
            }
            None => quote! {
                #setter_doc
                pub fn #setter(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.server_variables.insert(#name, value.into());
                    self
                }
            },
        }
    });
    let reads = ir.server_variables.iter().map(|variable| {
        let env = lit(&variable.env);
        let name = lit(&variable.name);
        let check = (!variable.values.is_empty()).then(|| {
            let allowed: Vec<&str> = variable.values.iter().map(|v| v.value.as_str()).collect();
            let message = lit(&format!(
                "environment variable `{}` is `{{}}`; server variable `{}` takes {}",
                variable.env,
                variable.name,
                allowed.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
            ));
            quote! {
                if ![#(#allowed),*].contains(&value.as_str()) {
                    return ::std::result::Result::Err(crate::errors::Error::Config(::std::format!(#message, value)));
                }
            }
        });
        quote! {
            if let ::std::result::Result::Ok(value) = ::std::env::var(#env) {
                #check
                self.server_variables.insert(#name, value);
            }
        }
    });
    let env_list: Vec<String> = ir.server_variables.iter().map(|v| format!("`{}` ({})", v.env, v.name)).collect();
    let from_env_doc = doc(&format!(
        "Reads server variables from the environment: {}. Unset variables are skipped.\n\nErrors: [`crate::errors::Error::Config`] for a value outside a variable's `enum`.",
        env_list.join(", ")
    ));
    quote! {
        #(#setters)*

        #from_env_doc
        pub fn server_variables_from_env(mut self) -> ::std::result::Result<Self, crate::errors::Error> {
            #(#reads)*
            ::std::result::Result::Ok(self)
        }
    }
}

/// In `build`: `let base_url = …;` (the environment's URL with the variables filled in, unless
/// `base_url` replaced it), and with named servers `let servers = …;`, which `base_url` also
/// replaces (a mock serves every server on one listener). Without variables and servers, the
/// environment's URL as it is.
pub(super) fn build_urls(ir: &Ir) -> (TokenStream, TokenStream) {
    if ir.server_variables.is_empty() && ir.servers.is_empty() {
        return (
            quote!(let base_url = self.base_url.unwrap_or_else(|| self.environment.base_url().to_string());),
            quote!(),
        );
    }
    let required = ir.server_variables.iter().filter(|v| v.default.is_none()).map(|variable| {
        let name = lit(&variable.name);
        let message = lit(&format!(
            "server variable `{}` is not set: call `.{}(…)`, or set `{}` and call `server_variables_from_env`",
            variable.name,
            crate::names::bare(&variable.setter),
            variable.env
        ));
        quote! {
            if self.base_url.is_none() && !self.server_variables.contains_key(#name) {
                return ::std::result::Result::Err(crate::errors::Error::Config(#message.to_string()));
            }
        }
    });
    let default_arms = ir.server_variables.iter().filter_map(|variable| {
        let name = lit(&variable.name);
        let default = lit(variable.default.as_ref()?);
        Some(quote!(#name => ::std::option::Option::Some(#default.to_string()),))
    });
    let variables_map = if ir.server_variables.is_empty() {
        quote!(let value_of = |_: &str| -> ::std::option::Option<::std::string::String> { ::std::option::Option::None };)
    } else {
        quote! {
            let server_variables = &self.server_variables;
            let value_of = |name: &str| -> ::std::option::Option<::std::string::String> {
                server_variables.get(name).cloned().or_else(|| match name {
                    #(#default_arms)*
                    _ => ::std::option::Option::None,
                })
            };
        }
    };
    let base_url = quote! {
        #(#required)*
        #variables_map
        let base_url = match &self.base_url {
            ::std::option::Option::Some(url) => url.clone(),
            ::std::option::Option::None => ::accord_runtime::server::expand_url(self.environment.base_url(), &value_of)
                .map_err(|e| crate::errors::Error::Config(e.to_string()))?,
        };
    };
    if ir.servers.is_empty() {
        return (base_url, quote!());
    }
    let servers = ir.servers.iter().map(|server| {
        let name = lit(&server.name);
        let template = if ir.environments.is_empty() {
            let url = lit(&server.urls.first().map(|u| u.url.clone()).unwrap_or_default());
            quote!(#url)
        } else {
            let arms = server.urls.iter().map(|url| {
                let variant = ident(&url.variant);
                let text = lit(&url.url);
                quote!(Environment::#variant => #text,)
            });
            quote!(match self.environment { #(#arms)* })
        };
        quote! {
            (#name, match &self.base_url {
                ::std::option::Option::Some(url) => url.clone(),
                ::std::option::Option::None => ::accord_runtime::server::expand_url(#template, &value_of)
                    .map_err(|e| crate::errors::Error::Config(e.to_string()))?,
            }),
        }
    });
    (base_url, quote!(config.servers = ::std::vec![#(#servers)*];))
}

/// In a request builder's `request`: the named server the endpoint goes to.
pub(super) fn request_server(op: &Operation) -> TokenStream {
    match &op.server {
        Some(server) => {
            let server = lit(server);
            quote!(request.server = ::std::option::Option::Some(#server);)
        }
        None => quote!(),
    }
}
