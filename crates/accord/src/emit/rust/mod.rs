//! The client crate emitter: `Cargo.toml` and `README.md` from templates, and
//! `src/{lib,models,client,errors,webhooks}.rs` as syn trees printed by prettyplease; for a
//! build script, the same token streams as one file of inline modules. Generated code uses
//! absolute paths and depends on `accord_runtime` alone.
//!
//! One module per generated file (`lib_rs`, `models`, `client`, `errors`, `webhooks`), over
//! leaf helpers that use nothing above them: [`tokens`] (identifiers, literals, docs, types),
//! [`print`](mod@print) (printing a file) with `pretty` (printing a large one on several
//! threads), and `cycles` (which members need a `Box`).

mod client;

pub use client::test_credentials;
mod cycles;
mod errors;
mod lib_rs;
mod models;
mod pretty;
pub mod print;
pub mod tokens;
mod webhooks;

use std::path::PathBuf;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use self::client::{client_file, client_rs};
use self::errors::errors_rs;
use self::lib_rs::{lib_rs, package_version};
use self::models::{models_file, models_rs};
use self::print::{print, rust_file, separate_items};
use self::tokens::ident;
use self::webhooks::webhooks_rs;
use super::emitter::{Context, Emitter, GeneratedFile, Options, generated_notice};
use super::templates::Templates;
use crate::ir::Ir;

/// The client crate (`NAME/Cargo.toml`, `README.md`, `src/*.rs`); for a build script,
/// `NAME.rs`, the client as inline modules.
#[derive(Debug, Clone, Copy)]
pub struct RustClient;

impl Emitter for RustClient {
    fn name(&self) -> &'static str {
        "rust"
    }

    fn spec_files(&self, ir: &Ir, context: &Context<'_>) -> Result<Vec<GeneratedFile>, String> {
        generate(ir, context.options, context.templates)
    }

    fn build_script_files(&self, ir: &Ir) -> Vec<GeneratedFile> {
        vec![GeneratedFile { path: PathBuf::from(format!("{}.rs", ir.name)), contents: module_file(ir) }]
    }
}

/// The environment variables of the credentials of the first operation's preferred
/// alternative (the first credential's when it has none), each once.
fn credential_env_vars(ir: &Ir) -> Vec<String> {
    let preferred = ir.operations.iter().find_map(|op| op.auth.alternatives.iter().find(|a| !a.is_empty()));
    let names: Vec<&str> = match preferred {
        Some(names) => names.iter().map(String::as_str).collect(),
        None => ir.auth.credentials.first().map(|c| c.name.as_str()).into_iter().collect(),
    };
    let mut vars: Vec<String> = Vec::new();
    for credential in names.iter().filter_map(|name| ir.auth.credential(name)) {
        for var in credential.scheme.env_vars() {
            if !vars.iter().any(|seen| seen == var) {
                vars.push(var.to_string());
            }
        }
    }
    vars
}

/// Generates the client crate's files for one spec.
///
/// Errors: a template failed to render.
pub fn generate(ir: &Ir, options: &Options, templates: &Templates) -> Result<Vec<GeneratedFile>, String> {
    let root = PathBuf::from(&ir.name);
    let context = minijinja::context! {
        ir => minijinja::Value::from(minijinja::value::Serde(ir)),
        notice => generated_notice(&ir.source_path),
        runtime_path => options.runtime_path.clone(),
        package_version => package_version(ir),
        // The API's own version text as a TOML basic string (JSON's escapes are TOML's).
        api_version => ir.version.as_deref().map(|v| serde_json::Value::from(v).to_string()),
        retry_summaries => ir
            .operations
            .iter()
            .map(|op| (op.name.clone(), crate::emit::prose::retry_summary(ir, op)))
            .collect::<std::collections::BTreeMap<_, _>>(),
        algorithm_title => ir.webhooks.as_ref().and_then(crate::emit::prose::algorithm_title),
        // What provider verification reads: the variables of the credentials the first
        // endpoint prefers.
        credential_env_vars => credential_env_vars(ir),
    };
    let mut files = vec![
        GeneratedFile {
            path: root.join("Cargo.toml"),
            contents: templates.render("client_cargo.toml.j2", context.clone())?,
        },
        GeneratedFile { path: root.join("README.md"), contents: templates.render("client_readme.md.j2", context)? },
        rust_file(ir, root.join("src/lib.rs"), lib_rs(ir)),
        GeneratedFile { path: root.join("src/models.rs"), contents: models_file(ir) },
        GeneratedFile { path: root.join("src/client.rs"), contents: client_file(ir) },
        rust_file(ir, root.join("src/errors.rs"), errors_rs(ir)),
    ];
    if ir.webhooks.is_some() {
        files.push(rust_file(ir, root.join("src/webhooks.rs"), webhooks_rs(ir)));
    }
    // No description may become a doc-test (`crate::markdown::for_rustdoc`): checked on every
    // crate a debug build generates, which is what the tests and `tests/import/check.sh` (the
    // corpus) run; release builds skip the scan.
    #[cfg(debug_assertions)]
    for file in files.iter().filter(|file| file.path.extension().is_some_and(|e| e == "rs")) {
        let tests = crate::markdown::doc_tests_in_rust(&file.contents);
        assert_eq!(tests, 0, "{}: {tests} doc-test(s) in the generated doc comments", file.path.display());
    }
    Ok(files)
}

/// The client as one module file for a build script's `OUT_DIR` (`orders.rs`, to be
/// `include!`d): the same token streams as the crate's `src/*.rs`, each file an inline
/// module (`models`, `client`, `errors`, `webhooks`) and the crate's re-exports at the top.
/// Paths rooted at the crate (`crate::errors::Error`) become `super::` so the file works at
/// any depth of the including crate; inner attributes, which `include!` does not accept,
/// become outer ones on each module.
pub fn module_file(ir: &Ir) -> String {
    let mut parts = vec![("models", models_rs(ir)), ("client", client_rs(ir)), ("errors", errors_rs(ir))];
    if ir.webhooks.is_some() {
        parts.push(("webhooks", webhooks_rs(ir)));
    }
    let mut items: Vec<syn::Item> = Vec::new();
    for (name, tokens) in parts {
        let file = match syn::parse2::<syn::File>(reroot(tokens)) {
            Ok(file) => file,
            Err(error) => return print(&generated_notice(&ir.source_path), invalid(&error)),
        };
        let mut attrs: Vec<syn::Attribute> = file
            .attrs
            .into_iter()
            .map(|mut attr| {
                attr.style = syn::AttrStyle::Outer;
                attr
            })
            .collect();
        attrs.push(syn::parse_quote!(#[allow(clippy::all, missing_docs, deprecated, unused_imports)]));
        let ident = ident(name);
        items.push(syn::Item::Mod(syn::ItemMod {
            attrs,
            vis: syn::parse_quote!(pub),
            unsafety: None,
            mod_token: Default::default(),
            ident,
            content: Some((Default::default(), file.items)),
            semi: None,
        }));
    }
    let reexports = quote! {
        pub use self::client::{Client, ClientBuilder};
        pub use self::errors::{ApiError, Error};
        pub use ::accord_runtime::{Response, Secret};
    };
    let reexports: syn::File = match syn::parse2(reexports) {
        Ok(file) => file,
        Err(error) => return print(&generated_notice(&ir.source_path), invalid(&error)),
    };
    items.extend(reexports.items);
    let mut file: syn::File = syn::parse_quote!();
    file.items = items;
    format!(
        "// {}

{}",
        generated_notice(&ir.source_path),
        separate_items(&prettyplease::unparse(&file))
    )
}

/// A `compile_error!` for generated tokens that do not parse (an accord bug), so the build
/// fails with the reason instead of accord panicking.
fn invalid(error: &syn::Error) -> TokenStream {
    let message = format!("accord bug: generated code does not parse: {error}");
    quote!(compile_error!(#message);)
}

/// `crate::` paths become `super::` (generated modules are one level below the root), in
/// code and in intra-doc links.
fn reroot(tokens: TokenStream) -> TokenStream {
    use proc_macro2::{Group, TokenTree};
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    for (index, tree) in trees.iter().enumerate() {
        let next_is_path = matches!(trees.get(index + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':');
        let after_doc_eq = index >= 2
            && matches!(&trees[index - 2], TokenTree::Ident(i) if i == "doc")
            && matches!(&trees[index - 1], TokenTree::Punct(p) if p.as_char() == '=');
        out.push(match tree {
            TokenTree::Ident(ident) if ident == "crate" && next_is_path => {
                TokenTree::Ident(proc_macro2::Ident::new("super", ident.span()))
            }
            TokenTree::Group(group) => {
                let mut inner = Group::new(group.delimiter(), reroot(group.stream()));
                inner.set_span(group.span());
                TokenTree::Group(inner)
            }
            TokenTree::Literal(literal) if after_doc_eq => {
                match syn::parse2::<syn::LitStr>(TokenStream::from(TokenTree::Literal(literal.clone()))) {
                    Ok(text) if text.value().contains("crate::") => {
                        TokenTree::Literal(Literal::string(&text.value().replace("crate::", "super::")))
                    }
                    _ => tree.clone(),
                }
            }
            other => other.clone(),
        });
    }
    out.into_iter().collect()
}
