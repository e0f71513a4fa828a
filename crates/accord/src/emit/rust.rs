//! The client crate emitter: `Cargo.toml` and `README.md` from templates, and
//! `src/{lib,models,client,errors,webhooks}.rs` as syn trees printed by prettyplease.
//! Generated code uses absolute paths and depends on `accord_runtime` alone.

use std::collections::BTreeMap;
use std::path::PathBuf;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::templates::Templates;
use super::{GeneratedFile, Options, generated_notice};
use crate::ir::*;

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

/// The crate version: the spec's version when it is semver, else `0.1.0`.
fn package_version(ir: &Ir) -> String {
    match &ir.version {
        Some(v) if v.split('.').count() == 3 && v.split('.').all(|p| p.parse::<u64>().is_ok()) => v.clone(),
        _ => "0.1.0".to_string(),
    }
}

/// Prints tokens as a formatted Rust file with the `@generated` header.
pub fn rust_file(ir: &Ir, path: PathBuf, tokens: TokenStream) -> GeneratedFile {
    GeneratedFile { path, contents: print(&generated_notice(&ir.source_path), tokens) }
}

/// Formats a token stream as a file; a stream that does not parse is an accord bug, shown
/// in the output rather than panicking.
pub fn print(notice: &str, tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(mut file) => {
            file.attrs.insert(0, rustfmt_skip());
            print_text(notice, &separate_items(&prettyplease::unparse(&file)))
        }
        Err(error) => format!(
            "// {notice}\n// accord bug: generated code does not parse: {error}\ncompile_error!(\"accord generated invalid Rust\");\n/*\n{tokens}\n*/\n"
        ),
    }
}

/// `#![cfg_attr(rustfmt, rustfmt::skip)]`: generated files are prettyplease's output and
/// `generate --check` compares them byte for byte, so `cargo fmt` must leave them alone.
pub(super) fn rustfmt_skip() -> syn::Attribute {
    syn::parse_quote!(#![cfg_attr(rustfmt, rustfmt::skip)])
}

/// A file's text: the notice, then the printed items (spaced out by [`separate_items`]).
pub(super) fn print_text(notice: &str, separated: &str) -> String {
    format!("// {notice}\n\n{separated}")
}

/// prettyplease prints items back to back; put a blank line after every block that closes an
/// item (a line that is only `}` or `};`) when another item follows at the same depth, as
/// rustfmt-formatted code reads.
pub(super) fn separate_items(text: &str) -> String {
    // Only a line that is `}` or `};` can be followed by a blank line: copy the text in runs
    // between those places instead of line by line. Lines end with `\n` alone, the last one
    // too, as in prettyplease's output (other text is made so first).
    let normalized;
    let text = if text.contains('\r') || !(text.is_empty() || text.ends_with('\n')) {
        normalized = text.lines().fold(String::with_capacity(text.len() + 1), |mut out, line| {
            out.push_str(line);
            out.push('\n');
            out
        });
        &normalized
    } else {
        text
    };
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    let mut copied = 0;
    let mut offset = 0;
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line_with_end) = lines.next() {
        offset += line_with_end.len();
        let line = line_with_end.strip_suffix('\n').unwrap_or(line_with_end);
        if !(line.ends_with('}') || line.ends_with("};")) {
            continue;
        }
        if let Some(next) = lines.peek()
            && blank_line_between(line, next.strip_suffix('\n').unwrap_or(next))
        {
            out.push_str(&text[copied..offset]);
            out.push('\n');
            copied = offset;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether [`separate_items`] puts a blank line between these two consecutive lines.
pub(super) fn blank_line_between(line: &str, next: &str) -> bool {
    let trimmed = line.trim_start();
    if trimmed != "}" && trimmed != "};" {
        return false;
    }
    let indent = line.len() - trimmed.len();
    let next_trimmed = next.trim_start();
    let same_depth = next.len() - next_trimmed.len() == indent;
    let continues = next_trimmed.starts_with('}')
        || next_trimmed.starts_with(')')
        || next_trimmed.starts_with(']')
        || next_trimmed.is_empty();
    same_depth
        && !continues
        && (next_trimmed.starts_with("///")
            || next_trimmed.starts_with("#[")
            || next_trimmed.starts_with("pub ")
            || next_trimmed.starts_with("impl")
            || next_trimmed.starts_with("fn ")
            || next_trimmed.starts_with("async fn")
            || next_trimmed.starts_with("const ")
            || next_trimmed.starts_with("use ")
            || next_trimmed.starts_with("mod ")
            || next_trimmed.starts_with("enum ")
            || next_trimmed.starts_with("struct "))
}

/// An identifier from an IR name (may be `r#type`).
pub fn ident(name: &str) -> syn::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => syn::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => syn::Ident::new(name, proc_macro2::Span::call_site()),
    }
}

/// `Some("text")` or `None`, as tokens of an `Option<&'static str>`.
fn optional_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => {
            let value = lit(value);
            quote!(::std::option::Option::Some(#value))
        }
        None => quote!(::std::option::Option::None),
    }
}

fn lit(text: &str) -> Literal {
    Literal::string(text)
}

/// `#[doc = "…"]` lines for a paragraph of documentation.
fn doc(text: &str) -> TokenStream {
    // Built in one stream (no stream per line to copy afterwards): every item has some.
    let mut tokens = TokenStream::new();
    let mut line_text = String::new();
    for line in text.trim_end().lines() {
        line_text.clear();
        line_text.push(' ');
        line_text.push_str(line.trim_end());
        let line = doc_literal(&line_text);
        tokens.extend(quote!(#[doc = #line]));
    }
    tokens
}

/// The literal of one line of a `#[doc = …]` attribute, raw (`r"…"`) where it can be: nothing
/// to escape now nor for syn to unescape when it reads the file back, which on a large spec
/// was a tenth of generation. prettyplease prints a one-line doc attribute from its value
/// (`/// …`), so the output is the same as from [`Literal::string`].
fn doc_literal(line: &str) -> Literal {
    // `"` followed by as many `#` would close the literal early; a lone carriage return is not
    // allowed in a raw string at all.
    if !line.contains(['\r', '\n']) {
        let mut hashes = 0;
        if line.contains('"') {
            for (index, _) in line.match_indices('"') {
                let run = line[index + 1..].bytes().take_while(|&b| b == b'#').count();
                hashes = hashes.max(run + 1);
            }
        }
        let hashes = "#".repeat(hashes);
        if let Ok(literal) = format!("r{hashes}\"{line}\"{hashes}").parse::<Literal>() {
            return literal;
        }
    }
    Literal::string(line)
}

/// The Rust type of a type expression, inside the generated crate.
pub fn type_tokens(ty: &TypeExpr) -> TokenStream {
    type_tokens_in(ty, &quote!(crate))
}

/// The Rust type of a type expression, with named types under `root` (`crate`, or
/// `::orders_client` from the crate's tests).
pub fn type_tokens_in(ty: &TypeExpr, root: &TokenStream) -> TokenStream {
    match ty {
        TypeExpr::String | TypeExpr::Uri => quote!(::std::string::String),
        TypeExpr::Integer => quote!(i64),
        TypeExpr::Integer32 => quote!(i32),
        TypeExpr::Number => quote!(f64),
        TypeExpr::Boolean => quote!(bool),
        TypeExpr::Any => quote!(::accord_runtime::serde_json::Value),
        TypeExpr::DateTime => quote!(::accord_runtime::types::DateTime),
        TypeExpr::Decimal => quote!(::accord_runtime::types::Decimal),
        TypeExpr::Uuid => quote!(::accord_runtime::uuid::Uuid),
        TypeExpr::Binary => quote!(::accord_runtime::File),
        TypeExpr::Named(name) => {
            let name = ident(name);
            quote!(#root::models::#name)
        }
        TypeExpr::Array(inner) => {
            let inner = type_tokens_in(inner, root);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeExpr::Map(inner) => {
            let inner = type_tokens_in(inner, root);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
    }
}

fn lib_rs(ir: &Ir) -> TokenStream {
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

// ---------------------------------------------------------------------------------------
// models.rs

fn models_rs(ir: &Ir) -> TokenStream {
    let cycles = cycles(ir);
    let items: Vec<TokenStream> = ir.types.iter().map(|def| type_def(def, &cycles)).collect();
    let header = models_header();
    quote! {
        #header
        #(#items)*
    }
}

fn models_header() -> TokenStream {
    quote! {
        //! Data models (spec `models` and inline schemas).
    }
}

/// `models.rs` as [`models_rs`] prints, its models built and printed on several threads.
fn models_file(ir: &Ir) -> String {
    let cycles = cycles(ir);
    super::pretty::print_parts(&generated_notice(&ir.source_path), 1 + ir.types.len(), |index| match index {
        0 => models_header(),
        _ => type_def(&ir.types[index - 1], &cycles),
    })
}

fn source_doc(def: &TypeDef) -> String {
    if def.is_model {
        format!("Spec: `models.{}`.", def.spec_name)
    } else {
        format!("Spec: inline schema at `{}`.", def.spec_name)
    }
}

/// Types that contain one another by value (through fields and union variants, not lists or
/// maps), each with the index of its cycle. A field or variant that points into its own type's
/// cycle is boxed, or the types would have no size (Stripe's `Customer` ↔ `BankAccount`).
fn cycles(ir: &Ir) -> BTreeMap<String, usize> {
    let index: BTreeMap<&str, usize> = ir.types.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let edges: Vec<Vec<usize>> = ir
        .types
        .iter()
        .map(|def| {
            let targets: Vec<&TypeExpr> = match &def.kind {
                TypeKind::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
                TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
                TypeKind::Alias { target, .. } => vec![target],
                TypeKind::Enum { .. } => Vec::new(),
            };
            targets
                .into_iter()
                .filter_map(|ty| match ty {
                    TypeExpr::Named(name) => index.get(name.as_str()).copied(),
                    _ => None,
                })
                .collect()
        })
        .collect();
    // Tarjan's strongly connected components, iteratively (specs have thousands of types).
    let count = ir.types.len();
    let mut order = vec![usize::MAX; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut groups = BTreeMap::new();
    for root in 0..count {
        if order[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && order[node] == usize::MAX {
                order[node] = next;
                low[node] = next;
                next += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(*edge) {
                *edge += 1;
                if order[target] == usize::MAX {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(order[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                let mut members = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    members.push(member);
                    if member == node {
                        break;
                    }
                }
                let cyclic = members.len() > 1 || edges[node].contains(&node);
                if cyclic {
                    for member in members {
                        groups.insert(ir.types[member].name.clone(), node);
                    }
                }
            }
        }
    }
    groups
}

/// `ty`, boxed when it is a named type in the same cycle as `owner`.
fn member_type(ty: &TypeExpr, owner: &str, cycles: &BTreeMap<String, usize>) -> TokenStream {
    let base = type_tokens(ty);
    match ty {
        TypeExpr::Named(name) if cycles.get(name).is_some_and(|group| cycles.get(owner) == Some(group)) => {
            quote!(::std::boxed::Box<#base>)
        }
        _ => base,
    }
}

fn type_def(def: &TypeDef, cycles: &BTreeMap<String, usize>) -> TokenStream {
    let name = ident(&def.name);
    let mut text = def.description.clone().map(|d| format!("{}\n\n", d.trim_end())).unwrap_or_default();
    text.push_str(&source_doc(def));
    let docs = doc(&text);
    let serde_crate = quote!(#[serde(crate = "::accord_runtime::serde")]);
    match &def.kind {
        TypeKind::Struct { fields: fields_ir, additional } => {
            let fields: Vec<TokenStream> =
                fields_ir.iter().map(|f| field(f, member_type(&f.ty, &def.name, cycles))).collect();
            let extra = additional.then(|| {
                quote! {
                    /// Properties not declared in the spec, kept as they came.
                    #[serde(flatten)]
                    pub additional_properties: ::std::collections::BTreeMap<::std::string::String, ::accord_runtime::serde_json::Value>,
                }
            });
            if *additional {
                // `flatten` needs the derive's buffering; few models declare extra properties.
                return quote! {
                    #docs
                    #[derive(Debug, Clone, PartialEq, ::accord_runtime::serde::Serialize, ::accord_runtime::serde::Deserialize)]
                    #serde_crate
                    pub struct #name {
                        #(#fields)*
                        #extra
                    }
                };
            }
            let deserialize = struct_deserialize(&name, fields_ir);
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, ::accord_runtime::serde::Serialize)]
                #serde_crate
                pub struct #name {
                    #(#fields)*
                }

                #deserialize
            }
        }
        TypeKind::Enum { values } => {
            let variants: Vec<TokenStream> = values
                .iter()
                .map(|value| {
                    let variant = ident(&value.variant);
                    let wire = lit(&value.wire);
                    let variant_doc = doc_literal(&format!(" `{}`", value.wire));
                    quote! {
                        #[doc = #variant_doc]
                        #[serde(rename = #wire)]
                        #variant,
                    }
                })
                .collect();
            let arms: Vec<TokenStream> = values
                .iter()
                .map(|value| {
                    let variant = ident(&value.variant);
                    let wire = lit(&value.wire);
                    quote!(#name::#variant => #wire,)
                })
                .collect();
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Eq, Hash, ::accord_runtime::serde::Serialize, ::accord_runtime::serde::Deserialize)]
                #serde_crate
                pub enum #name {
                    #(#variants)*
                    /// A value this client does not know yet (the provider added one); kept as sent.
                    #[serde(untagged)]
                    Unknown(::std::string::String),
                }

                impl #name {
                    /// The value as sent on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #(#arms)*
                            #name::Unknown(value) => value.as_str(),
                        }
                    }
                }

                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }
            }
        }
        TypeKind::Union { variants, discriminator } => {
            let variant_tokens: Vec<TokenStream> = variants
                .iter()
                .map(|variant| {
                    let variant_name = ident(&variant.variant);
                    let ty = member_type(&variant.ty, &def.name, cycles);
                    let variant_doc = match (&variant.tag, discriminator) {
                        (Some(tag), Some(property)) => format!(" `{property}: {tag}`"),
                        _ => format!(" A `{}`.", variant.ty.display()),
                    };
                    quote! {
                        #[doc = #variant_doc]
                        #variant_name(#ty),
                    }
                })
                .collect();
            // Variants are tried in spec order (serde untagged); a discriminated union's
            // variants carry their tag property themselves, so the first that fits wins.
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, ::accord_runtime::serde::Serialize, ::accord_runtime::serde::Deserialize)]
                #serde_crate
                #[serde(untagged)]
                pub enum #name {
                    #(#variant_tokens)*
                }
            }
        }
        TypeKind::Alias { target, constraints } => {
            let ty = type_tokens(target);
            let summary = constraints.summary();
            let constraint_doc = (!summary.is_empty()).then(|| {
                let line = format!(" Constraints: {summary}.");
                quote!(#[doc = ""] #[doc = #line])
            });
            quote! {
                #docs
                #constraint_doc
                pub type #name = #ty;
            }
        }
    }
}

/// `Deserialize` for a model struct through `accord_runtime::de`: the JSON object is read
/// once and each field taken out of it by one generic call. serde's derive expands to a field
/// enum and three visitors per struct, which on APIs with a thousand models is most of what
/// `cargo check` type-checks; the JSON semantics are the same (unknown keys ignored, absent
/// optional fields `None`, `null` apart from absent for optional nullable fields).
fn struct_deserialize(name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let takes: Vec<TokenStream> = fields
        .iter()
        .map(|field| {
            let member = ident(&field.rust_name);
            let wire = lit(&field.wire_name);
            let take = match (field.always_present(), field.nullable) {
                (true, false) => quote!(required),
                (false, true) => quote!(present),
                _ => quote!(optional),
            };
            quote!(#member: ::accord_runtime::de::#take(&mut object, #wire)?,)
        })
        .collect();
    quote! {
        impl<'de> ::accord_runtime::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::accord_runtime::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #[allow(unused_mut, unused_variables)]
                let mut object = ::accord_runtime::de::object(deserializer)?;
                ::std::result::Result::Ok(#name {
                    #(#takes)*
                })
            }
        }
    }
}

fn field(field: &Field, base: TokenStream) -> TokenStream {
    let name = ident(&field.rust_name);
    let mut text = field.description.clone().unwrap_or_default();
    let summary = field.constraints.summary();
    if !summary.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!("Constraints: {summary}."));
    }
    let presence = match (field.required, field.nullable) {
        (true, false) => "Required.",
        (true, true) => "Required, may be `null`.",
        (false, false) => "Optional.",
        (false, true) => "Optional, may be `null` (`Some(None)`).",
    };
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    if field.read_only {
        text.push_str("Read-only: set by the server; leave it `None` in requests");
        text.push_str(if field.required { " (always present in responses)." } else { "." });
    } else if field.write_only {
        text.push_str("Write-only: sent by the client, never returned");
        text.push_str(if field.required { " (required in requests)." } else { "." });
    } else {
        text.push_str(presence);
    }
    let docs = doc(&text);
    let rename = (crate::names::bare(&field.rust_name) != field.wire_name).then(|| {
        let wire = lit(&field.wire_name);
        quote!(#[serde(rename = #wire)])
    });
    let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
    let (ty, attributes) = match (field.always_present(), field.nullable) {
        (true, false) => (base, quote!()),
        (true, true) => (quote!(::std::option::Option<#base>), quote!(#[serde(default)])),
        (false, false) => (
            quote!(::std::option::Option<#base>),
            quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]),
        ),
        (false, true) => (
            quote!(::std::option::Option<::std::option::Option<#base>>),
            quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none", deserialize_with = "::accord_runtime::types::double_option")]),
        ),
    };
    quote! {
        #docs
        #rename
        #attributes
        #deprecated
        pub #name: #ty,
    }
}

// ---------------------------------------------------------------------------------------
// client.rs

/// `impl MultipartBody` for each model sent as a `multipart` body (once per model, however
/// many endpoints send it): one part per field, chosen by the field's type.
fn multipart_impls(ir: &Ir) -> Vec<TokenStream> {
    let mut done = std::collections::BTreeSet::new();
    let mut impls = Vec::new();
    for body in ir.operations.iter().filter_map(|op| op.body.as_ref()) {
        let TypeExpr::Named(name) = &body.ty else { continue };
        // The impl goes on the struct an alias names, once however many bodies share it.
        let Some(def) = ir.resolve(name) else { continue };
        let TypeKind::Struct { fields, .. } = &def.kind else { continue };
        let name = &def.name;
        // One impl per type: a second endpoint sending the same model with another
        // `object_parts` uses the first's (one Rust type has one `MultipartBody`).
        if body.content_type != "multipart" || !done.insert(name.clone()) {
            continue;
        }
        let brackets = body.object_parts == "brackets";
        let parts: Vec<TokenStream> = fields
            .iter()
            .map(|field| {
                let wire = lit(&field.wire_name);
                let add = match &field.ty {
                    TypeExpr::Binary => quote!(parts.file(#wire, value);),
                    TypeExpr::Array(inner) if **inner == TypeExpr::Binary => {
                        quote!(for file in value { parts.file(#wire, file); })
                    }
                    ty if is_scalar(ir, ty) => quote!(parts.text(#wire, value)?;),
                    TypeExpr::Array(inner) if !brackets && is_scalar(ir, inner) => quote!(parts.text(#wire, value)?;),
                    _ if brackets => quote!(parts.brackets(#wire, value)?;),
                    _ => quote!(parts.json(#wire, value)?;),
                };
                let name = ident(&field.rust_name);
                match (field.always_present(), field.nullable) {
                    (true, false) => quote!({ let value = &self.#name; #add }),
                    (true, true) | (false, false) => {
                        quote!(if let ::std::option::Option::Some(value) = &self.#name { #add })
                    }
                    (false, true) => quote!(if let ::std::option::Option::Some(::std::option::Option::Some(value)) = &self.#name { #add }),
                }
            })
            .collect();
        let ty = ident(name);
        let doc = doc(&format!(
            "`multipart/form-data` parts of [`crate::models::{name}`]: files as file parts, scalars as text parts, {}.",
            if brackets {
                "objects and lists as `field[key]` text parts"
            } else {
                "lists as one part per item, objects as JSON parts"
            }
        ));
        impls.push(quote! {
            #doc
            impl ::accord_runtime::MultipartBody for crate::models::#ty {
                fn to_multipart(&self) -> ::std::result::Result<::accord_runtime::Multipart, ::accord_runtime::DecodeError> {
                    let mut parts = ::accord_runtime::Multipart::new();
                    #(#parts)*
                    ::std::result::Result::Ok(parts)
                }
            }
        });
    }
    impls
}

/// Whether values of `ty` are JSON scalars (sent as one text part).
fn is_scalar(ir: &Ir, ty: &TypeExpr) -> bool {
    let mut ty = ty;
    // Aliases of aliases, bounded in case a spec aliases in a circle.
    for _ in 0..16 {
        let TypeExpr::Named(name) = ty else { break };
        match ir.types.iter().find(|t| &t.name == name).map(|t| &t.kind) {
            Some(TypeKind::Enum { .. }) => return true,
            Some(TypeKind::Alias { target, .. }) => ty = target,
            _ => return false,
        }
    }
    match ty {
        TypeExpr::Named(_) => false,
        TypeExpr::Array(_) | TypeExpr::Map(_) | TypeExpr::Any | TypeExpr::Binary => false,
        _ => true,
    }
}

fn client_rs(ir: &Ir) -> TokenStream {
    let head = client_head(ir);
    let requests: Vec<TokenStream> = ir.operations.iter().map(|op| request_builder(ir, op)).collect();
    quote! {
        #head
        #(#requests)*
    }
}

/// `client.rs` as [`client_rs`] prints, its request builders built and printed on several
/// threads.
fn client_file(ir: &Ir) -> String {
    super::pretty::print_parts(&generated_notice(&ir.source_path), 1 + ir.operations.len(), |index| match index {
        0 => client_head(ir),
        _ => request_builder(ir, &ir.operations[index - 1]),
    })
}

/// `client.rs` up to the request builders: the environments, rate limits, the client, its
/// builder and its methods.
fn client_head(ir: &Ir) -> TokenStream {
    let environment = environment_enum(ir);
    let builder = client_builder(ir);
    let methods: Vec<TokenStream> = ir.operations.iter().map(|op| client_method(ir, op)).collect();
    let client_doc = doc(&format!(
        "Client for {}. Cheap to clone: clones share one connection pool, token cache, rate-limit buckets and retry budget.\n\nBuild one with [`Client::builder`].",
        ir.title
    ));
    let rate_limits = rate_limits_fn(ir);
    let multipart = multipart_impls(ir);
    quote! {
        //! The client, its builder, and one request builder per endpoint.
        #environment

        #rate_limits

        #(#multipart)*

        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: ::accord_runtime::Client,
        }

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
                let raw = self.inner.execute(request).await.map_err(crate::errors::Error::Transport)?;
                crate::errors::decode_response::<::accord_runtime::serde_json::Value>(raw)
            }

            #(#methods)*
        }
    }
}

fn environment_enum(ir: &Ir) -> TokenStream {
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
                text.push_str(&format!("\n\n{description}"));
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
    }
}

fn client_builder(ir: &Ir) -> TokenStream {
    let auth = &ir.auth;
    let user_agent = lit(&format!("{}/{} (accord)", ir.crate_name, package_version(ir)));
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut from_env = Vec::new();
    let mut choose = Vec::new();
    if let Some(oauth) = &auth.oauth2 {
        fields.push(quote!(client_credentials: ::std::option::Option<::accord_runtime::ClientCredentials>,));
        fields.push(quote!(token_url: ::std::option::Option<::std::string::String>,));
        let (id_env, secret_env) = (lit(&oauth.client_id_env), lit(&oauth.client_secret_env));
        let token_url = lit(&oauth.token_url);
        let scopes: Vec<Literal> = oauth.scopes.iter().map(|s| lit(s)).collect();
        let margin = oauth.refresh_before_expiry_seconds;
        let setter_doc = doc(&format!(
            "OAuth 2.0 client credentials (RFC 6749 §4.4). The token is fetched from `{}`, cached, and refreshed {margin} s before it expires.",
            oauth.token_url
        ));
        setters.push(quote! {
            #setter_doc
            pub fn client_credentials(mut self, credentials: ::accord_runtime::ClientCredentials) -> Self {
                self.client_credentials = ::std::option::Option::Some(credentials);
                self
            }

            /// Overrides the token endpoint (tests, proxies).
            pub fn token_url(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.token_url = ::std::option::Option::Some(url.into());
                self
            }
        });
        from_env.push(quote! {
            if let ::std::result::Result::Ok(credentials) = ::accord_runtime::ClientCredentials::from_env(#id_env, #secret_env) {
                self.client_credentials = ::std::option::Option::Some(credentials);
            }
        });
        choose.push(quote! {
            if let ::std::option::Option::Some(credentials) = self.client_credentials {
                let token_url = self.token_url.unwrap_or_else(|| #token_url.to_string());
                let scopes = ::std::vec::Vec::from([#(#scopes.to_string()),*]);
                auth = ::accord_runtime::Auth::OAuth2(::accord_runtime::auth::OAuth2::new(token_url, credentials, scopes, ::std::time::Duration::from_secs(#margin)));
            }
        });
    }
    if let Some(bearer) = &auth.bearer {
        fields.push(quote!(bearer_token: ::std::option::Option<::accord_runtime::Secret>,));
        let env = lit(&bearer.env);
        let setter_doc = doc(&format!(
            "A bearer token (`Authorization: Bearer …`, RFC 6750); from `{}` with [`ClientBuilder::credentials_from_env`].",
            bearer.env
        ));
        setters.push(quote! {
            #setter_doc
            pub fn bearer_token(mut self, token: impl ::std::convert::Into<::accord_runtime::Secret>) -> Self {
                self.bearer_token = ::std::option::Option::Some(token.into());
                self
            }
        });
        from_env.push(quote! {
            if let ::std::option::Option::Some(token) = ::accord_runtime::Secret::from_env(#env) {
                self.bearer_token = ::std::option::Option::Some(token);
            }
        });
        choose.push(quote! {
            if let ::std::option::Option::Some(token) = self.bearer_token {
                auth = ::accord_runtime::Auth::Bearer(token);
            }
        });
    }
    if let Some(basic) = &auth.basic {
        fields.push(quote!(basic_auth: ::std::option::Option<(::std::string::String, ::accord_runtime::Secret)>,));
        let (user_env, password_env) = (lit(&basic.username_env), lit(&basic.password_env));
        setters.push(quote! {
            /// HTTP basic credentials (RFC 7617).
            pub fn basic_auth(mut self, username: impl ::std::convert::Into<::std::string::String>, password: impl ::std::convert::Into<::accord_runtime::Secret>) -> Self {
                self.basic_auth = ::std::option::Option::Some((username.into(), password.into()));
                self
            }
        });
        from_env.push(quote! {
            if let ::std::result::Result::Ok(username) = ::std::env::var(#user_env) {
                let password = ::accord_runtime::Secret::from_env(#password_env).unwrap_or_else(|| ::accord_runtime::Secret::new(""));
                if !username.is_empty() {
                    self.basic_auth = ::std::option::Option::Some((username, password));
                }
            }
        });
        choose.push(quote! {
            if let ::std::option::Option::Some((username, password)) = self.basic_auth {
                auth = ::accord_runtime::Auth::Basic { username, password };
            }
        });
    }
    if let Some(key) = &auth.api_key {
        fields.push(quote!(api_key: ::std::option::Option<::accord_runtime::Secret>,));
        let env = lit(&key.env);
        let name = lit(&key.name);
        let location = if key.location == "query" { quote!(Query) } else { quote!(Header) };
        let setter_doc = doc(&format!("The API key, sent in {} `{}`.", key.location, key.name));
        setters.push(quote! {
            #setter_doc
            pub fn api_key(mut self, key: impl ::std::convert::Into<::accord_runtime::Secret>) -> Self {
                self.api_key = ::std::option::Option::Some(key.into());
                self
            }
        });
        from_env.push(quote! {
            if let ::std::option::Option::Some(key) = ::accord_runtime::Secret::from_env(#env) {
                self.api_key = ::std::option::Option::Some(key);
            }
        });
        choose.push(quote! {
            if let ::std::option::Option::Some(key) = self.api_key {
                auth = ::accord_runtime::Auth::ApiKey { location: ::accord_runtime::auth::ApiKeyLocation::#location, name: #name.to_string(), key };
            }
        });
    }
    let env_names: Vec<String> = [
        auth.oauth2.as_ref().map(|o| format!("`{}` and `{}`", o.client_id_env, o.client_secret_env)),
        auth.bearer.as_ref().map(|b| format!("`{}`", b.env)),
        auth.basic.as_ref().map(|b| format!("`{}` and `{}`", b.username_env, b.password_env)),
        auth.api_key.as_ref().map(|k| format!("`{}`", k.env)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let from_env_fn = (!env_names.is_empty()).then(|| {
        let env_doc = doc(&format!(
            "Reads credentials from the environment variables the spec declares: {}. Unset variables are skipped.",
            env_names.join(", ")
        ));
        quote! {
            #env_doc
            pub fn credentials_from_env(mut self) -> Self {
                #(#from_env)*
                self
            }
        }
    });
    let require_auth = auth.any().then(|| {
        quote! {
            if matches!(auth, ::accord_runtime::Auth::None) && !self.allow_anonymous {
                return ::std::result::Result::Err(crate::errors::Error::Config(
                    "no credentials: the spec requires authentication; set them on the builder or call `credentials_from_env`".to_string(),
                ));
            }
        }
    });
    let headers: Vec<TokenStream> = ir
        .headers
        .iter()
        .map(|header| {
            let name = lit(&header.name);
            match (&header.value, header.generate_uuid) {
                (_, true) => quote!(::accord_runtime::DefaultHeader::Uuid(#name)),
                (Some(value), false) => {
                    let value = lit(value);
                    quote!(::accord_runtime::DefaultHeader::Fixed(#name, #value))
                }
                (None, false) => quote!(),
            }
        })
        .filter(|t| !t.is_empty())
        .collect();
    let timeouts = &ir.timeouts;
    let human = crate::units::describe_millis;
    let connect_ms = timeouts.connect_ms;
    let attempt_ms = timeouts.attempt_ms;
    let connect_doc = doc(&format!("Time allowed to open a connection, TCP and TLS (spec: {}).", human(connect_ms)));
    let attempt_doc = doc(&format!(
        "Time allowed for one attempt, from sending the request to the end of the response body (spec: {}).",
        human(attempt_ms)
    ));
    let (operation_default, operation_text) = match timeouts.total_ms {
        Some(ms) => (quote!(::std::option::Option::Some(::std::time::Duration::from_millis(#ms))), human(ms)),
        None => (quote!(::std::option::Option::None), "none".to_string()),
    };
    let operation_doc = doc(&format!(
        "Time allowed for a whole operation: every attempt, backoff, `Retry-After` and rate-limit wait (spec: {operation_text}); `None` for no limit."
    ));
    quote! {
        /// Builds a [`Client`]: environment or base URL, credentials, timeouts.
        #[derive(Debug, Default)]
        pub struct ClientBuilder {
            environment: Environment,
            base_url: ::std::option::Option<::std::string::String>,
            connect_timeout: ::std::option::Option<::std::time::Duration>,
            attempt_timeout: ::std::option::Option<::std::time::Duration>,
            operation_timeout: ::std::option::Option<::std::option::Option<::std::time::Duration>>,
            retry_policy: ::std::option::Option<::accord_runtime::RetryPolicy>,
            retry_budget: ::std::option::Option<::std::option::Option<::accord_runtime::RetryBudgetSettings>>,
            max_retry_after: ::std::option::Option<::std::time::Duration>,
            rate_limits: ::std::option::Option<::std::option::Option<::accord_runtime::RateLimitConfig>>,
            custom_auth: ::std::option::Option<::std::sync::Arc<dyn ::accord_runtime::Authenticate>>,
            allow_anonymous: bool,
            #(#fields)*
        }

        impl ClientBuilder {
            /// Chooses a declared environment (default: the spec's default).
            pub fn environment(mut self, environment: Environment) -> Self {
                self.environment = environment;
                self
            }

            /// Sends requests to this base URL instead of an environment's (a mock server, a proxy).
            pub fn base_url(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.base_url = ::std::option::Option::Some(url.into());
                self
            }

            #connect_doc
            pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.connect_timeout = ::std::option::Option::Some(timeout);
                self
            }

            #attempt_doc
            pub fn attempt_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.attempt_timeout = ::std::option::Option::Some(timeout);
                self
            }

            #operation_doc
            pub fn operation_timeout(mut self, timeout: ::std::option::Option<::std::time::Duration>) -> Self {
                self.operation_timeout = ::std::option::Option::Some(timeout);
                self
            }

            /// Replaces the spec's retry policy ([`crate::errors::RETRY_POLICY`]); `RetryPolicy::NO_RETRIES` turns retries off.
            pub fn retry_policy(mut self, policy: ::accord_runtime::RetryPolicy) -> Self {
                self.retry_policy = ::std::option::Option::Some(policy);
                self
            }

            /// Sizes the client-wide retry budget (default: 500 tokens, 5 per retry, 10 per retry after a timeout, 1 back per first-attempt success); `None` disables it.
            pub fn retry_budget(mut self, budget: ::std::option::Option<::accord_runtime::RetryBudgetSettings>) -> Self {
                self.retry_budget = ::std::option::Option::Some(budget);
                self
            }

            /// The longest `Retry-After` the client sleeps through (default 120 s); a longer one returns the error at once.
            pub fn max_retry_after(mut self, limit: ::std::time::Duration) -> Self {
                self.max_retry_after = ::std::option::Option::Some(limit);
                self
            }

            /// Replaces the spec's client-side rate limits ([`rate_limits`]); `None` turns them off.
            pub fn rate_limits(mut self, limits: ::std::option::Option<::accord_runtime::RateLimitConfig>) -> Self {
                self.rate_limits = ::std::option::Option::Some(limits);
                self
            }

            /// Uses your own authentication scheme instead of the spec's (request signing, a token from a vault).
            pub fn auth(mut self, auth: impl ::accord_runtime::Authenticate + 'static) -> Self {
                self.custom_auth = ::std::option::Option::Some(::std::sync::Arc::new(auth));
                self
            }

            /// Builds without credentials even though the spec declares authentication.
            pub fn allow_anonymous(mut self) -> Self {
                self.allow_anonymous = true;
                self
            }

            #(#setters)*

            #from_env_fn

            /// Builds the client.
            ///
            /// Errors: [`crate::errors::Error::Config`] when the spec requires credentials and
            /// none were given; [`crate::errors::Error::Transport`] for an invalid base URL.
            pub fn build(self) -> ::std::result::Result<Client, crate::errors::Error> {
                #[allow(unused_mut)]
                let mut auth = ::accord_runtime::Auth::None;
                #(#choose)*
                if let ::std::option::Option::Some(custom) = self.custom_auth {
                    auth = ::accord_runtime::Auth::Custom(custom);
                }
                #require_auth
                let base_url = self.base_url.unwrap_or_else(|| self.environment.base_url().to_string());
                let mut config = ::accord_runtime::ClientConfig::new(base_url, #user_agent);
                config.auth = auth;
                config.default_headers = ::std::vec::Vec::from([#(#headers),*]);
                config.timeouts = ::accord_runtime::Timeouts {
                    connect: self.connect_timeout.unwrap_or(::std::time::Duration::from_millis(#connect_ms)),
                    attempt: self.attempt_timeout.unwrap_or(::std::time::Duration::from_millis(#attempt_ms)),
                    operation: self.operation_timeout.unwrap_or(#operation_default),
                };
                config.retry = ::accord_runtime::RetryConfig {
                    policy: self.retry_policy.unwrap_or(crate::errors::RETRY_POLICY),
                    classifier: ::std::sync::Arc::new(crate::errors::RETRY_CLASSIFIER),
                    budget: self.retry_budget.unwrap_or(::std::option::Option::Some(::accord_runtime::RetryBudgetSettings::default())),
                    max_retry_after: self.max_retry_after.unwrap_or(::std::time::Duration::from_secs(120)),
                };
                config.rate_limits = self.rate_limits.unwrap_or_else(rate_limits);
                let inner = ::accord_runtime::Client::new(config).map_err(crate::errors::Error::Transport)?;
                ::std::result::Result::Ok(Client { inner })
            }
        }
    }
}

fn rate_limit_tokens(rate: &RateIr) -> TokenStream {
    let requests = rate.requests;
    let window = rate.window_seconds;
    let burst = rate.burst;
    quote!(::accord_runtime::RateLimit { requests: #requests, window: ::std::time::Duration::from_secs(#window), burst: #burst })
}

/// `rate_limits()`: the spec's limits as the runtime's configuration.
fn rate_limits_fn(ir: &Ir) -> TokenStream {
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
    quote! {
        #docs
        pub fn rate_limits() -> ::std::option::Option<::accord_runtime::RateLimitConfig> {
            ::std::option::Option::Some(::accord_runtime::RateLimitConfig {
                default: #default,
                operations: ::std::vec::Vec::from([#(#operations),*]),
                quotas: ::std::vec::Vec::from([#(#quotas),*]),
                remaining_header: #remaining,
                reset_header: #reset,
            })
        }
    }
}

/// How a parameter is taken by a method or setter: `impl Into<String>` for strings, the
/// type itself otherwise.
fn param_arg(param: &Param) -> (TokenStream, TokenStream) {
    let ty = type_tokens(&param.ty);
    match param.ty {
        TypeExpr::String | TypeExpr::Uri => (quote!(impl ::std::convert::Into<::std::string::String>), quote!(.into())),
        _ => (ty, quote!()),
    }
}

/// Markdown lines describing an operation's behaviour, shared by the method and builder.
pub fn operation_notes(ir: &Ir, op: &Operation) -> String {
    let mut notes = Vec::new();
    if !op.errors.is_empty() {
        let codes: Vec<String> = op
            .errors
            .iter()
            .map(|code| {
                let retry =
                    ir.errors.codes.iter().find(|c| &c.name == code).map(|c| c.retry.as_str()).unwrap_or("never");
                format!("`{code}` (retry: {retry})")
            })
            .collect();
        notes.push(format!("Errors: {}.", codes.join(", ")));
    }
    notes.push(op.retry_summary.clone());
    if let Some(header) = &op.idempotency_header {
        notes.push(format!("Idempotency key: `{header}`; set your own with `.idempotency_key(…)` to make a repeated call safe across processes."));
    }
    if let Some(rate) = &op.rate_limit {
        let source = if op.own_rate_limit {
            "this endpoint's"
        } else {
            "the spec's default, shared by endpoints without their own"
        };
        let quotas: Vec<&str> = ir.rate_limits.quotas.iter().map(|q| q.text.as_str()).collect();
        notes.push(format!(
            "Rate limit: {} (burst {}, {source}){}; enforced client-side: a request waits for a token rather than fail.",
            rate.text,
            rate.burst,
            if quotas.is_empty() { String::new() } else { format!(", plus the quota {}", quotas.join(", ")) }
        ));
    }
    if let Some(pagination) = &op.pagination {
        notes.push(match pagination {
            PaginationIr::Cursor { param, next, .. } => {
                format!("Paginated by cursor: the next cursor (`{next}`) goes in `{param}`.")
            }
            PaginationIr::Page { param, link_header, .. } => {
                format!(
                    "Paginated by page number `{param}`{}.",
                    if *link_header { "; the next page is in the `Link` header (RFC 8288)" } else { "" }
                )
            }
            PaginationIr::NextUrl { next, .. } => format!("Paginated by next URL (`{next}`)."),
        });
        notes.push("`.pages()` streams every page and `.stream()` every item.".to_string());
    }
    notes.join("\n")
}

fn client_method(ir: &Ir, op: &Operation) -> TokenStream {
    let method = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for param in op
        .path_params
        .iter()
        .chain(op.query.iter().filter(|p| p.required))
        .chain(op.headers.iter().filter(|p| p.required))
    {
        let name = ident(&param.rust_name);
        let (arg_ty, convert) = param_arg(param);
        args.push(quote!(#name: #arg_ty));
        inits.push(quote!(#name: #name #convert,));
    }
    let body = op.body.as_ref().map(|body| {
        let ty = type_tokens(&body.ty);
        if body.required {
            args.push(quote!(body: &'a #ty));
            quote!(body,)
        } else {
            quote!(body: ::std::option::Option::None,)
        }
    });
    for param in op.query.iter().chain(op.headers.iter()).filter(|p| !p.required) {
        let name = ident(&param.rust_name);
        inits.push(quote!(#name: ::std::option::Option::None,));
    }
    let idempotency = op.idempotency_header.as_ref().map(|_| quote!(idempotency_key: ::std::option::Option::None,));
    let mut text = format!("Sends `{} {}` (spec: `endpoints.{}`).", op.http_method.as_str(), op.path, op.name);
    if let Some(summary) = &op.summary {
        text.push_str(&format!("\n\n{summary}"));
    }
    if let Some(description) = &op.description {
        text.push_str(&format!("\n\n{}", description.trim_end()));
    }
    let notes = operation_notes(ir, op);
    if !notes.is_empty() {
        text.push_str(&format!("\n\n{notes}"));
    }
    text.push_str("\n\nReturns a request builder: set optional parameters, then `.send().await`.");
    let docs = doc(&text);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #docs
        #deprecated
        pub fn #method<'a>(&'a self #(, #args)*) -> #builder<'a> {
            #builder {
                client: self,
                #(#inits)*
                #body
                #idempotency
            }
        }
    }
}

fn request_builder(ir: &Ir, op: &Operation) -> TokenStream {
    let builder = ident(&op.builder_name);
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    for param in op.path_params.iter().chain(op.query.iter()).chain(op.headers.iter()) {
        let name = ident(&param.rust_name);
        let ty = type_tokens(&param.ty);
        let is_path = op.path_params.iter().any(|p| p.wire_name == param.wire_name && std::ptr::eq(p, param));
        if param.required || is_path {
            fields.push(quote!(#name: #ty,));
            continue;
        }
        fields.push(quote!(#name: ::std::option::Option<#ty>,));
        let (arg_ty, convert) = param_arg(param);
        let mut text = format!("Sets `{}`.", param.wire_name);
        if let Some(description) = &param.description {
            text.push_str(&format!(" {}", description.trim_end()));
        }
        let summary = param.constraints.summary();
        if !summary.is_empty() {
            text.push_str(&format!("\n\nConstraints: {summary}."));
        }
        let docs = doc(&text);
        setters.push(quote! {
            #docs
            pub fn #name(mut self, value: #arg_ty) -> Self {
                self.#name = ::std::option::Option::Some(value #convert);
                self
            }
        });
    }
    if let Some(body) = &op.body {
        let ty = type_tokens(&body.ty);
        if body.required {
            fields.push(quote!(body: &'a #ty,));
        } else {
            fields.push(quote!(body: ::std::option::Option<&'a #ty>,));
            setters.push(quote! {
                /// Sets the (optional) request body.
                pub fn body(mut self, body: &'a #ty) -> Self {
                    self.body = ::std::option::Option::Some(body);
                    self
                }
            });
        }
    }
    if let Some(header) = &op.idempotency_header {
        fields.push(quote!(idempotency_key: ::std::option::Option<::std::string::String>,));
        let text = doc(&format!(
            "Sets the idempotency key, sent as `{header}`; the provider answers a repeated key with the first result."
        ));
        setters.push(quote! {
            #text
            pub fn idempotency_key(mut self, key: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.idempotency_key = ::std::option::Option::Some(key.into());
                self
            }
        });
    }
    // The path, built from literal pieces and percent-encoded parameters.
    let mut pieces = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let literal = &rest[..open];
        if !literal.is_empty() {
            let literal = lit(literal);
            pieces.push(quote!(path.push_str(#literal);));
        }
        let close = rest[open..].find('}').map(|c| open + c).unwrap_or(rest.len() - 1);
        let wire = &rest[open + 1..close];
        if let Some(param) = op.path_params.iter().find(|p| p.wire_name == wire) {
            let name = ident(&param.rust_name);
            pieces.push(quote!(path.push_str(&::accord_runtime::client::path_segment(&self.#name));));
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        let literal = lit(rest);
        pieces.push(quote!(path.push_str(#literal);));
    }
    let method = format_ident!("{}", op.http_method.as_str());
    let operation_name = lit(&op.name);
    let query: Vec<TokenStream> = op
        .query
        .iter()
        .map(|param| {
            let name = ident(&param.rust_name);
            let wire = lit(&param.wire_name);
            if param.required {
                quote!(request.query(#wire, &self.#name).map_err(crate::errors::Error::Decode)?;)
            } else {
                quote! {
                    if let ::std::option::Option::Some(value) = &self.#name {
                        request.query(#wire, value).map_err(crate::errors::Error::Decode)?;
                    }
                }
            }
        })
        .collect();
    let headers: Vec<TokenStream> = op
        .headers
        .iter()
        .map(|param| {
            let name = ident(&param.rust_name);
            let wire = lit(&param.wire_name);
            if param.required {
                quote!(request.header(#wire, &self.#name).map_err(crate::errors::Error::Decode)?;)
            } else {
                quote! {
                    if let ::std::option::Option::Some(value) = &self.#name {
                        request.header(#wire, value).map_err(crate::errors::Error::Decode)?;
                    }
                }
            }
        })
        .collect();
    let body = op.body.as_ref().map(|body| {
        let setter = match body.content_type.as_str() {
            "form" => quote!(form_body),
            "multipart" => quote!(multipart_body),
            _ => quote!(json_body),
        };
        if body.required {
            quote!(request.#setter(self.body).map_err(crate::errors::Error::Decode)?;)
        } else {
            quote! {
                if let ::std::option::Option::Some(body) = self.body {
                    request.#setter(body).map_err(crate::errors::Error::Decode)?;
                }
            }
        }
    });
    let idempotency = op.idempotency_header.as_ref().map(|header| {
        let header = lit(header);
        quote! {
            request.idempotency_header = ::std::option::Option::Some(#header);
            if let ::std::option::Option::Some(key) = &self.idempotency_key {
                request.headers.push((#header.to_string(), key.clone()));
            }
        }
    });
    let success = op.success.as_ref().map(type_tokens).unwrap_or(quote!(()));
    let pagination = pagination_methods(op, &success);
    let builder_doc = doc(&format!(
        "Request builder for [`Client::{}`] (`{} {}`).",
        crate::names::bare(&op.method_name),
        op.http_method.as_str(),
        op.path
    ));
    let notes = operation_notes(ir, op);
    let send_doc = doc(&format!(
        "Sends the request and decodes the success body.\n\nErrors: [`crate::errors::Error::Api`] for a declared error code, `UnexpectedStatus`, `Transport` or `Decode` otherwise.{}",
        if notes.is_empty() { String::new() } else { format!("\n\n{notes}") }
    ));
    let lifetime_use = op.body.is_none().then(|| quote!(_marker: ::std::marker::PhantomData<&'a ()>,));
    let _ = lifetime_use;
    quote! {
        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until `.send().await`"]
        pub struct #builder<'a> {
            client: &'a Client,
            #(#fields)*
        }

        impl<'a> #builder<'a> {
            #(#setters)*

            #send_doc
            pub async fn send(self) -> ::std::result::Result<#success, crate::errors::Error> {
                self.send_full().await.map(|response| response.body)
            }

            /// Like [`Self::send`], keeping the status and headers of the response.
            ///
            /// Errors: as [`Self::send`].
            pub async fn send_full(self) -> ::std::result::Result<::accord_runtime::Response<#success>, crate::errors::Error> {
                let request = self.request()?;
                let raw = self.client.inner.execute(&request).await.map_err(crate::errors::Error::Transport)?;
                crate::errors::decode_response::<#success>(raw)
            }

            #pagination

            /// The request this builder describes, as the runtime sends it.
            ///
            /// Errors: `Decode` when a parameter or the body cannot be encoded.
            pub fn request(&self) -> ::std::result::Result<::accord_runtime::RequestSpec, crate::errors::Error> {
                let mut path = ::std::string::String::new();
                #(#pieces)*
                #[allow(unused_mut)]
                let mut request = ::accord_runtime::RequestSpec::new(::accord_runtime::reqwest::Method::#method, #operation_name, path);
                #(#query)*
                #(#headers)*
                #body
                #idempotency
                ::std::result::Result::Ok(request)
            }
        }
    }
}

/// `.pages()` and `.stream()` for a paginated operation.
fn pagination_methods(op: &Operation, success: &TokenStream) -> TokenStream {
    let Some(pagination) = &op.pagination else { return quote!() };
    let pointer = |value: &Option<String>| optional_str(value.as_deref());
    let (style, how) = match pagination {
        PaginationIr::Cursor { param, next, from_last_item, has_more, items } => {
            let (param_lit, next_lit) = (lit(param), lit(next));
            let (has_more_tokens, items_tokens) = (pointer(has_more), pointer(items));
            (
                quote!(::accord_runtime::PageStyle::Cursor {
                    param: #param_lit,
                    next: #next_lit,
                    from_last_item: #from_last_item,
                    has_more: #has_more_tokens,
                    items: #items_tokens,
                }),
                format!(
                    "sending the cursor at `{next}`{} as `{param}`",
                    if *from_last_item { " of the last item" } else { "" }
                ),
            )
        }
        PaginationIr::Page { param, link_header, items, .. } => {
            let param_lit = lit(param);
            let items_tokens = pointer(items);
            (
                quote!(::accord_runtime::PageStyle::Page { param: #param_lit, link_header: #link_header, items: #items_tokens }),
                if *link_header {
                    "following the `Link: <…>; rel=\"next\"` header (RFC 8288)".to_string()
                } else {
                    format!("counting up `{param}` until an empty page")
                },
            )
        }
        PaginationIr::NextUrl { next, items } => {
            let next_lit = lit(next);
            let items_tokens = pointer(items);
            (
                quote!(::accord_runtime::PageStyle::NextUrl { next: #next_lit, items: #items_tokens }),
                format!("following the URL at `{next}`"),
            )
        }
    };
    let pages_doc = doc(&format!(
        "Every page, from the one this builder describes to the last, {how}. Each page is one request under the client's rate limits, retries and timeouts; the stream ends after the last page or at the first error."
    ));
    let stream = op.page_item.as_ref().map(|item| {
        let item = type_tokens(item);
        quote! {
            /// Every item of every page (see [`Self::pages`]).
            pub fn stream(self) -> impl ::accord_runtime::futures::Stream<Item = ::std::result::Result<#item, crate::errors::Error>> + ::std::marker::Send + ::std::marker::Unpin + 'static {
                ::accord_runtime::paginate::items::<#item, crate::errors::Error>(self.client.inner.clone(), self.request(), Self::PAGE_STYLE)
            }
        }
    });
    quote! {
        /// How this endpoint pages (spec `pagination`).
        pub const PAGE_STYLE: ::accord_runtime::PageStyle = #style;

        #pages_doc
        pub fn pages(self) -> impl ::accord_runtime::futures::Stream<Item = ::std::result::Result<::accord_runtime::Response<#success>, crate::errors::Error>> + ::std::marker::Send + ::std::marker::Unpin + 'static {
            ::accord_runtime::paginate::pages::<#success, crate::errors::Error>(self.client.inner.clone(), self.request(), Self::PAGE_STYLE)
        }

        #stream
    }
}

// ---------------------------------------------------------------------------------------
// errors.rs

fn retry_strategy(retry: &str) -> TokenStream {
    match retry {
        "backoff" => quote!(::accord_runtime::RetryStrategy::Backoff),
        "after_header" => quote!(::accord_runtime::RetryStrategy::AfterHeader),
        "refresh_auth" => quote!(::accord_runtime::RetryStrategy::RefreshAuth),
        _ => quote!(::accord_runtime::RetryStrategy::Never),
    }
}

fn errors_rs(ir: &Ir) -> TokenStream {
    let codes = &ir.errors.codes;
    let variants: Vec<TokenStream> = codes
        .iter()
        .map(|code| {
            let variant = ident(&code.variant);
            let body = type_tokens(&code.body);
            let mut text = format!(
                "`{}`: HTTP {} (retry: {}).",
                code.name,
                code.statuses.iter().map(u16::to_string).collect::<Vec<_>>().join(", "),
                code.retry
            );
            if let Some(description) = &code.description {
                text.push_str(&format!("\n\n{description}"));
            }
            if let Some(resolution) = &code.resolution {
                text.push_str(&format!("\n\nResolution: {resolution}"));
            }
            let docs = doc(&text);
            quote! {
                #docs
                #variant(::accord_runtime::ApiErrorResponse<#body>),
            }
        })
        .collect();
    let code_arms: Vec<TokenStream> = codes
        .iter()
        .map(|code| {
            let variant = ident(&code.variant);
            let name = lit(&code.name);
            quote!(ApiError::#variant(_) => #name,)
        })
        .collect();
    let retry_arms: Vec<TokenStream> = codes
        .iter()
        .map(|code| {
            let variant = ident(&code.variant);
            let strategy = retry_strategy(&code.retry);
            quote!(ApiError::#variant(_) => #strategy,)
        })
        .collect();
    let status_arms: Vec<TokenStream> = codes
        .iter()
        .map(|code| {
            let variant = ident(&code.variant);
            quote!(ApiError::#variant(response) => response.status,)
        })
        .collect();
    let request_id_arms: Vec<TokenStream> = codes
        .iter()
        .map(|code| {
            let variant = ident(&code.variant);
            quote!(ApiError::#variant(response) => response.request_id.as_deref(),)
        })
        .collect();
    // Classification: by status, then (when the spec has a code field) by the code's value.
    let mut by_status: BTreeMap<u16, Vec<&ErrorCodeIr>> = BTreeMap::new();
    for code in codes {
        for status in &code.statuses {
            by_status.entry(*status).or_default().push(code);
        }
    }
    let classify_arms: Vec<TokenStream> = by_status
        .iter()
        .map(|(status, candidates)| {
            let status_lit = Literal::u16_unsuffixed(*status);
            let by_value: Vec<TokenStream> = candidates
                .iter()
                .filter_map(|code| {
                    let value = lit(code.match_value.as_ref()?);
                    let variant = ident(&code.variant);
                    let body = type_tokens(&code.body);
                    Some(quote!(::std::option::Option::Some(#value) => api::<#body>(raw, ApiError::#variant),))
                })
                .collect();
            let fallback = if candidates.len() == 1 {
                let variant = ident(&candidates[0].variant);
                let body = type_tokens(&candidates[0].body);
                quote!(_ => api::<#body>(raw, ApiError::#variant),)
            } else {
                quote!(_ => unexpected(raw),)
            };
            if ir.errors.code_pointer.is_some() {
                quote! {
                    #status_lit => match code.as_deref() {
                        #(#by_value)*
                        #fallback
                    },
                }
            } else {
                let fallback = if candidates.len() == 1 { fallback } else { quote!(_ => unexpected(raw),) };
                quote! {
                    #status_lit => match () {
                        #fallback
                    },
                }
            }
        })
        .collect();
    let rules: Vec<TokenStream> = by_status
        .iter()
        .flat_map(|(status, candidates)| {
            let shared = candidates.len() > 1;
            candidates.iter().map(move |code| {
                let status = Literal::u16_unsuffixed(*status);
                let strategy = retry_strategy(&code.retry);
                let value = match (&code.match_value, shared) {
                    (Some(value), true) => {
                        let value = lit(value);
                        quote!(::std::option::Option::Some(#value))
                    }
                    _ => quote!(::std::option::Option::None),
                };
                quote!(::accord_runtime::ErrorRule { status: #status, code: #value, strategy: #strategy },)
            })
        })
        .collect();
    let classifier_pointer = optional_str(ir.errors.code_pointer.as_deref());
    let code_lookup = match &ir.errors.code_pointer {
        Some(pointer) => {
            let pointer = lit(pointer);
            quote! {
                let code: ::std::option::Option<::std::string::String> = raw
                    .json::<::accord_runtime::serde_json::Value>()
                    .ok()
                    .and_then(|value| value.pointer(#pointer).and_then(|v| v.as_str()).map(str::to_string));
            }
        }
        None => quote!(),
    };
    let retry = &ir.retry;
    let max_attempts = retry.max_attempts;
    let (initial, max) = (retry.initial_delay_ms, retry.max_delay_ms);
    let multiplier = retry.multiplier;
    let jitter = match retry.jitter.as_str() {
        "none" => quote!(::accord_runtime::policy::Jitter::None),
        "equal" => quote!(::accord_runtime::policy::Jitter::Equal),
        _ => quote!(::accord_runtime::policy::Jitter::Full),
    };
    let retry_doc = doc(if retry.declared {
        "The spec's default retry policy (`retry`): attempts include the first; delays grow exponentially with jitter."
    } else {
        "The spec declares no retry policy, so one attempt is made."
    });
    let api_error_impl = if codes.is_empty() {
        quote! {
            impl ApiError {
                /// The spec's name of the error code.
                pub fn code(&self) -> &'static str { match *self {} }
                /// The declared retry strategy.
                pub fn retry_strategy(&self) -> ::accord_runtime::RetryStrategy { match *self {} }
                /// The HTTP status.
                pub fn status(&self) -> u16 { match *self {} }
                /// The provider's request id, if sent.
                pub fn request_id(&self) -> ::std::option::Option<&str> { match *self {} }
            }
        }
    } else {
        quote! {
            impl ApiError {
                /// The spec's name of the error code (`VALIDATION_ERROR`).
                pub fn code(&self) -> &'static str {
                    match self { #(#code_arms)* }
                }

                /// The retry strategy the spec declares for this code.
                pub fn retry_strategy(&self) -> ::accord_runtime::RetryStrategy {
                    match self { #(#retry_arms)* }
                }

                /// The HTTP status.
                pub fn status(&self) -> u16 {
                    match self { #(#status_arms)* }
                }

                /// The provider's request id, if the response carried one.
                pub fn request_id(&self) -> ::std::option::Option<&str> {
                    match self { #(#request_id_arms)* }
                }
            }
        }
    };
    // Without error codes `ApiError` has no variants, so building one is unreachable.
    let api_allow = if ir.errors.codes.is_empty() {
        quote!(#[allow(dead_code, unreachable_code)])
    } else {
        quote!(#[allow(dead_code)])
    };
    quote! {
        //! Typed errors: one [`ApiError`] variant per declared error code, plus transport,
        //! decoding and undeclared-status errors.

        /// Everything a request can fail with.
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum Error {
            /// A declared error code came back.
            Api(ApiError),
            /// A status the spec does not declare for this API (body kept, at most 512 bytes).
            UnexpectedStatus {
                /// HTTP status.
                status: u16,
                /// The start of the body.
                body: ::std::string::String,
                /// The provider's request id, if sent.
                request_id: ::std::option::Option<::std::string::String>,
            },
            /// No response (connect, TLS, timeout, reset).
            Transport(::accord_runtime::TransportError),
            /// A body did not match its model.
            Decode(::accord_runtime::DecodeError),
            /// The client is misconfigured (e.g. no credentials).
            Config(::std::string::String),
        }

        impl ::std::fmt::Display for Error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    Error::Api(error) => write!(f, "API error `{}` (HTTP {})", error.code(), error.status()),
                    Error::UnexpectedStatus { status, .. } => write!(f, "undeclared HTTP status {status}"),
                    Error::Transport(error) => write!(f, "{error}"),
                    Error::Decode(error) => write!(f, "{error}"),
                    Error::Config(message) => write!(f, "client configuration: {message}"),
                }
            }
        }

        impl ::std::error::Error for Error {}

        impl Error {
            /// The provider's request id from the response that caused this error, for support
            /// tickets; `None` without a response, or when the provider sent none.
            pub fn request_id(&self) -> ::std::option::Option<&str> {
                match self {
                    Error::Api(error) => error.request_id(),
                    Error::UnexpectedStatus { request_id, .. } => request_id.as_deref(),
                    _ => ::std::option::Option::None,
                }
            }

            /// The HTTP status of the response that caused this error, if there was one.
            pub fn status(&self) -> ::std::option::Option<u16> {
                match self {
                    Error::Api(error) => ::std::option::Option::Some(error.status()),
                    Error::UnexpectedStatus { status, .. } => ::std::option::Option::Some(*status),
                    Error::Decode(error) if error.status != 0 => ::std::option::Option::Some(error.status),
                    _ => ::std::option::Option::None,
                }
            }
        }

        /// The declared error codes (spec `errors.codes`).
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum ApiError {
            #(#variants)*
        }

        #api_error_impl

        #retry_doc
        pub const RETRY_POLICY: ::accord_runtime::RetryPolicy = ::accord_runtime::RetryPolicy {
            max_attempts: #max_attempts,
            initial_delay: ::std::time::Duration::from_millis(#initial),
            max_delay: ::std::time::Duration::from_millis(#max),
            multiplier: #multiplier,
            jitter: #jitter,
        };

        /// The declared error codes as the retry classifier reads them: status, the code value
        /// that selects a code when several share a status, and the declared strategy.
        pub const ERROR_RULES: &[::accord_runtime::ErrorRule] = &[#(#rules)*];

        /// Decides retries by the declared strategies; undeclared statuses follow HTTP (5xx and
        /// 408 back off, 429 waits for `Retry-After`), as do transport failures.
        pub const RETRY_CLASSIFIER: ::accord_runtime::StatusClassifier = ::accord_runtime::StatusClassifier {
            code_pointer: #classifier_pointer,
            rules: ERROR_RULES,
        };

        impl ::accord_runtime::ClientError for Error {
            fn transport(error: ::accord_runtime::TransportError) -> Self {
                Error::Transport(error)
            }

            fn decode(error: ::accord_runtime::DecodeError) -> Self {
                Error::Decode(error)
            }

            fn from_response(raw: &::accord_runtime::RawResponse) -> Self {
                classify(raw)
            }
        }

        /// Decodes a raw response: a 2xx body into `T` (nothing for `()`), anything else into
        /// an [`Error`].
        ///
        /// Errors: the classified error for non-2xx statuses; `Decode` for a body that does
        /// not match.
        pub fn decode_response<T: ::accord_runtime::serde::de::DeserializeOwned + 'static>(raw: ::accord_runtime::RawResponse) -> ::std::result::Result<::accord_runtime::Response<T>, Error> {
            if !(200..300).contains(&raw.status) {
                return ::std::result::Result::Err(classify(&raw));
            }
            let body = if ::std::any::TypeId::of::<T>() == ::std::any::TypeId::of::<()>() {
                ::accord_runtime::serde_json::from_value(::accord_runtime::serde_json::Value::Null).map_err(|e| Error::Decode(::accord_runtime::DecodeError::new(raw.status, e.to_string(), &raw.body)))?
            } else {
                raw.json::<T>().map_err(Error::Decode)?
            };
            ::std::result::Result::Ok(::accord_runtime::Response { status: raw.status, headers: raw.headers, body })
        }

        /// Maps a non-2xx response to its declared error code, or `UnexpectedStatus`.
        pub fn classify(raw: &::accord_runtime::RawResponse) -> Error {
            #code_lookup
            match raw.status {
                #(#classify_arms)*
                _ => unexpected(raw),
            }
        }

        #api_allow
        fn api<B: ::accord_runtime::serde::de::DeserializeOwned>(raw: &::accord_runtime::RawResponse, make: fn(::accord_runtime::ApiErrorResponse<B>) -> ApiError) -> Error {
            match raw.json::<B>() {
                ::std::result::Result::Ok(body) => Error::Api(make(::accord_runtime::ApiErrorResponse {
                    status: raw.status,
                    body,
                    request_id: raw.request_id(),
                    headers: raw.headers.clone(),
                })),
                ::std::result::Result::Err(error) => Error::Decode(error),
            }
        }

        fn unexpected(raw: &::accord_runtime::RawResponse) -> Error {
            let end = raw.body.len().min(512);
            Error::UnexpectedStatus {
                status: raw.status,
                body: ::std::string::String::from_utf8_lossy(&raw.body[..end]).into_owned(),
                request_id: raw.request_id(),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// webhooks.rs

fn webhooks_rs(ir: &Ir) -> TokenStream {
    let Some(webhooks) = &ir.webhooks else { return quote!() };
    let variants: Vec<TokenStream> = webhooks
        .events
        .iter()
        .map(|event| {
            let variant = ident(&event.variant);
            let ty = type_tokens(&event.payload);
            let mut text = format!("`{}`", event.event_type);
            if let Some(description) = &event.description {
                text.push_str(&format!(": {description}"));
            }
            let docs = doc(&text);
            quote! {
                #docs
                #variant(#ty),
            }
        })
        .collect();
    let parse_arms: Vec<TokenStream> = webhooks
        .events
        .iter()
        .map(|event| {
            let variant = ident(&event.variant);
            let event_type = lit(&event.event_type);
            quote! {
                #event_type => ::accord_runtime::serde_json::from_value(payload)
                    .map(Event::#variant)
                    .map_err(|e| ::accord_runtime::webhook::WebhookError::InvalidPayload(e.to_string())),
            }
        })
        .collect();
    let type_arms: Vec<TokenStream> = webhooks
        .events
        .iter()
        .map(|event| {
            let variant = ident(&event.variant);
            let event_type = lit(&event.event_type);
            quote!(Event::#variant(_) => #event_type,)
        })
        .collect();
    let event_type = match (&webhooks.event_type_field, &webhooks.event_header) {
        (Some(pointer), _) => {
            let pointer = lit(pointer);
            quote! {
                let event_type = ::accord_runtime::webhook::pointer_text(&payload, #pointer).unwrap_or_default();
            }
        }
        (None, Some(header)) => {
            let header = lit(header);
            quote! {
                let event_type = ::accord_runtime::webhook::header_text(headers, #header)?;
            }
        }
        // One declared event and no type source: every delivery is that event.
        (None, None) => match webhooks.events.as_slice() {
            [only] => {
                let only = lit(&only.event_type);
                quote!(let event_type = ::std::string::String::from(#only);)
            }
            _ => quote!(let event_type = ::std::string::String::new();),
        },
    };
    let event_id = match (&webhooks.event_id_field, &webhooks.event_id_header) {
        (Some(pointer), _) => {
            let pointer = lit(pointer);
            quote!(let id = ::accord_runtime::webhook::pointer_text(&payload, #pointer);)
        }
        (None, Some(header)) => {
            let header = lit(header);
            quote!(let id = ::accord_runtime::webhook::header_text(headers, #header).ok();)
        }
        (None, None) => quote!(let id: ::std::option::Option<::std::string::String> = ::std::option::Option::None;),
    };
    let event_enum = quote! {
        /// The declared events; events the spec does not declare arrive as `Unknown`.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
            /// An event type this client does not know; the payload is kept as JSON.
            Unknown {
                /// The event type as sent.
                event_type: ::std::string::String,
                /// The payload.
                raw: ::accord_runtime::serde_json::Value,
            },
        }

        impl Event {
            /// The event type as the provider names it.
            pub fn event_type(&self) -> &str {
                match self {
                    #(#type_arms)*
                    Event::Unknown { event_type, .. } => event_type,
                }
            }
        }
    };
    let decode = quote! {
        let payload: ::accord_runtime::serde_json::Value = ::accord_runtime::serde_json::from_slice(body)
            .map_err(|e| ::accord_runtime::webhook::WebhookError::InvalidPayload(e.to_string()))?;
        #event_type
        #event_id
        let event = match event_type.as_str() {
            #(#parse_arms)*
            _ => ::std::result::Result::Ok(Event::Unknown { event_type, raw: payload }),
        }?;
    };
    match &webhooks.signature {
        Some(signature) => signed_webhooks_rs(webhooks, signature, event_enum, decode),
        None => unsigned_webhooks_rs(webhooks, event_enum, decode),
    }
}

/// `webhooks.rs` without a declared signature scheme: the same `Event` and decoding as
/// [`signed_webhooks_rs`], as `parse` functions that say plainly that nothing is verified.
fn unsigned_webhooks_rs(webhooks: &WebhooksIr, event_enum: TokenStream, decode: TokenStream) -> TokenStream {
    // `headers` is read only when the event type or id travels in one; the parameter stays
    // so that the functions keep their shape when a scheme is declared later.
    let headers_read = (webhooks.event_type_field.is_none() && webhooks.event_header.is_some())
        || (webhooks.event_id_field.is_none() && webhooks.event_id_header.is_some());
    let ignore_headers = (!headers_read).then(|| quote!(let _ = headers;));
    let header_error = match (&webhooks.event_type_field, &webhooks.event_header) {
        (None, Some(header)) => format!(
            "; [`::accord_runtime::webhook::WebhookError::MissingHeader`] or `DuplicateHeader` when `{header}` is absent, empty or sent twice"
        ),
        _ => String::new(),
    };
    let parse_doc = doc(&format!(
        "Decodes a delivery into its typed event WITHOUT verifying it: the spec declares no signature scheme, so nothing here can tell a delivery the provider sent from one anybody else sent to your endpoint. Authenticate deliveries another way before acting on them (a secret in the endpoint's URL, mutual TLS, the provider's published addresses, or fetching the event back from the API). Works on the raw body bytes; `headers` is an `http::HeaderMap` (axum, hyper, reqwest) or a slice of `(name, value)` pairs (actix-web).\n\nErrors: [`::accord_runtime::webhook::WebhookError::InvalidPayload`] when the body is not JSON or not the declared payload of its event type{header_error}."
    ));
    quote! {
        //! Webhook decoding: parses a delivery into a typed [`Event`]. The spec declares no
        //! signature scheme, so nothing in this module verifies that a delivery came from the
        //! provider (see [`parse`]).

        #event_enum

        /// A decoded delivery: the event and its id for de-duplication (deliveries may arrive
        /// more than once: see [`::accord_runtime::webhook::Deduplicate`]). Nothing about it is
        /// verified: see [`parse`].
        #[derive(Debug, Clone, PartialEq)]
        pub struct Delivery {
            /// The event or delivery id, when the provider sends one.
            pub id: ::std::option::Option<::std::string::String>,
            /// The event.
            pub event: Event,
        }

        #parse_doc
        pub fn parse<H: ::accord_runtime::webhook::HeaderSource + ?Sized>(headers: &H, body: &[u8]) -> ::std::result::Result<Event, ::accord_runtime::webhook::WebhookError> {
            parse_delivery(headers, body).map(|delivery| delivery.event)
        }

        /// Decodes a delivery into its event and id, WITHOUT verifying it (the spec declares no
        /// signature scheme; see [`parse`]).
        ///
        /// Errors: as [`parse`].
        pub fn parse_delivery<H: ::accord_runtime::webhook::HeaderSource + ?Sized>(headers: &H, body: &[u8]) -> ::std::result::Result<Delivery, ::accord_runtime::webhook::WebhookError> {
            #ignore_headers
            #decode
            ::std::result::Result::Ok(Delivery { id, event })
        }
    }
}

/// `webhooks.rs` with the spec's signature scheme: `SCHEME`, `verify`, `verify_delivery` and
/// `sign` around the shared `Event` and decoding.
fn signed_webhooks_rs(
    webhooks: &WebhooksIr,
    signature: &SignatureIr,
    event_enum: TokenStream,
    decode: TokenStream,
) -> TokenStream {
    let scheme = scheme_tokens(signature);
    let tolerance = signature.tolerance_seconds;
    let signs_url = signature.signs_url();
    // Lowering sets the secret variable and the algorithm's title whenever it sets a scheme.
    let secret_env = webhooks.secret_env.as_deref().unwrap_or_default();
    let scheme_doc = doc(&format!(
        "The signature scheme of the spec{}: {} in `{}: {}`{} over `{}`{}.",
        webhooks.preset.as_ref().map(|preset| format!(" (preset `{preset}`)")).unwrap_or_default(),
        webhooks.algorithm_title.as_deref().unwrap_or_default(),
        signature.header,
        signature.format,
        signature.separator.as_ref().map(|s| format!(" (entries separated by `{s}`)")).unwrap_or_default(),
        signature.signed_payload,
        if tolerance > 0 { format!(", replay window {tolerance} s both ways") } else { String::new() }
    ));
    let secret_doc = doc(&format!("Environment variable holding the webhook secret: `{secret_env}`."));
    let secret_env = lit(secret_env);
    // Schemes that sign the request URL (Twilio) take it as an argument.
    let (url_param, url_arg, url_value, url_doc) = if signs_url {
        (
            quote!(url: &str,),
            quote!(url,),
            quote!(::std::option::Option::Some(url)),
            " `url` is the full request URL as the provider called it.",
        )
    } else {
        (quote!(), quote!(), quote!(::std::option::Option::None), "")
    };
    let verify_doc = doc(&format!(
        "Verifies a delivery with `secret` at time `now` and returns its typed event. Works on the raw body bytes; `headers` is an `http::HeaderMap` (axum, hyper, reqwest) or a slice of `(name, value)` pairs (actix-web).{url_doc}\n\nErrors: a [`::accord_runtime::webhook::WebhookError`] saying why it was rejected."
    ));
    let (new_id, message_id) = if signature.id_header.is_some() {
        (
            quote!(let id = ::std::format!("msg_{}", ::accord_runtime::uuid::Uuid::new_v4().simple());),
            quote!(::std::option::Option::Some(id.as_str())),
        )
    } else {
        (quote!(), quote!(::std::option::Option::None))
    };
    quote! {
        //! Webhook verification: checks a delivery's signature on the raw body, then parses it
        //! into a typed [`Event`].

        #scheme_doc
        pub static SCHEME: ::accord_runtime::webhook::Scheme = #scheme;

        /// [`SCHEME`] parsed once, on first use.
        static VERIFIER: ::std::sync::LazyLock<::std::result::Result<::accord_runtime::webhook::Verifier<'static>, ::accord_runtime::webhook::WebhookError>> =
            ::std::sync::LazyLock::new(|| SCHEME.verifier());

        #secret_doc
        pub const SECRET_ENV: &str = #secret_env;

        #event_enum

        /// A verified delivery: the event, its id for de-duplication (deliveries are
        /// at-least-once, so the same id can arrive twice: see
        /// [`::accord_runtime::webhook::Deduplicate`]) and its signed timestamp.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Delivery {
            /// The event or delivery id, when the provider sends one.
            pub id: ::std::option::Option<::std::string::String>,
            /// The signed timestamp, unix seconds, when the scheme signs one.
            pub timestamp: ::std::option::Option<i64>,
            /// The event.
            pub event: Event,
        }

        #verify_doc
        pub fn verify<H: ::accord_runtime::webhook::HeaderSource + ?Sized>(headers: &H, body: &[u8], #url_param secret: &::accord_runtime::Secret, now: ::std::time::SystemTime) -> ::std::result::Result<Event, ::accord_runtime::webhook::WebhookError> {
            verify_delivery(headers, body, #url_arg &[secret], now).map(|delivery| delivery.event)
        }

        /// Verifies a delivery against any of several secrets (rotation: any may match) and
        /// returns the event with its id and timestamp.
        ///
        /// Errors: as [`verify`].
        pub fn verify_delivery<H: ::accord_runtime::webhook::HeaderSource + ?Sized>(headers: &H, body: &[u8], #url_param secrets: &[&::accord_runtime::Secret], now: ::std::time::SystemTime) -> ::std::result::Result<Delivery, ::accord_runtime::webhook::WebhookError> {
            let verifier = VERIFIER.as_ref().map_err(::std::clone::Clone::clone)?;
            let verified = verifier.verify(headers, body, #url_value, secrets, now)?;
            #decode
            ::std::result::Result::Ok(Delivery { id: id.or(verified.id), timestamp: verified.timestamp, event })
        }

        /// Signs a body as the provider would at unix time `timestamp` (seconds) and returns the
        /// headers to send (a fresh message id included when the scheme signs one). For tests
        /// and mock servers; [`SCHEME`]`.sign` takes every input explicitly.
        ///
        /// Errors: [`::accord_runtime::webhook::WebhookError::InvalidKey`] when `secret` does not
        /// decode in the scheme's key encoding.
        pub fn sign(body: &[u8], #url_param secret: &::accord_runtime::Secret, timestamp: i64) -> ::std::result::Result<::std::vec::Vec<(::std::string::String, ::std::string::String)>, ::accord_runtime::webhook::WebhookError> {
            #new_id
            let message = ::accord_runtime::webhook::Message { body, timestamp, id: #message_id, url: #url_value };
            SCHEME.sign(&message, &[secret])
        }
    }
}

/// `::accord_runtime::webhook::Scheme { … }` for a scheme, as a constant expression.
fn scheme_tokens(signature: &SignatureIr) -> TokenStream {
    let cow = |text: &str| {
        let text = lit(text);
        quote!(::std::borrow::Cow::Borrowed(#text))
    };
    let optional_cow = |text: &Option<String>| match text {
        Some(text) => {
            let text = cow(text);
            quote!(::std::option::Option::Some(#text))
        }
        None => quote!(::std::option::Option::None),
    };
    let algorithm = ident(match signature.algorithm.as_str() {
        "hmac-sha1" => "HmacSha1",
        "ed25519" => "Ed25519",
        _ => "HmacSha256",
    });
    let encoding = ident(match signature.key.encoding.as_str() {
        "base64" => "Base64",
        "hex" => "Hex",
        _ => "Utf8",
    });
    let prefix = optional_cow(&signature.key.prefix);
    let signing_prefix = optional_cow(&signature.key.signing_prefix);
    let header = cow(&signature.header);
    let format = cow(&signature.format);
    let separator = optional_cow(&signature.separator);
    let signed_payload = cow(&signature.signed_payload);
    let id_header = optional_cow(&signature.id_header);
    let timestamp_header = optional_cow(&signature.timestamp_header);
    let tolerance = signature.tolerance_seconds;
    let port_variants = signature.url_port_variants;
    let body_hash_param = optional_cow(&signature.body_hash_param);
    quote! {
        ::accord_runtime::webhook::Scheme {
            algorithm: ::accord_runtime::webhook::Algorithm::#algorithm,
            key: ::accord_runtime::webhook::KeyFormat {
                encoding: ::accord_runtime::webhook::KeyEncoding::#encoding,
                prefix: #prefix,
                signing_prefix: #signing_prefix,
            },
            header: #header,
            format: #format,
            separator: #separator,
            signed_payload: #signed_payload,
            id_header: #id_header,
            timestamp_header: #timestamp_header,
            tolerance_seconds: #tolerance,
            url_port_variants: #port_variants,
            body_hash_param: #body_hash_param,
        }
    }
}
