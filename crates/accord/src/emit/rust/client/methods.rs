//! The methods of `Client`, one per endpoint, and the notes on an operation's behaviour that
//! its method and request builder share.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::syntax;
use crate::emit::rust::tokens::{doc, ident};
use crate::ir::{Ir, Operation, PaginationIr, Param, TypeExpr};
use syn::visit_mut::VisitMut;

/// Markdown lines describing an operation's behaviour, shared by the method and builder.
pub(super) fn operation_notes(ir: &Ir, op: &Operation) -> String {
    let mut notes = Vec::new();
    if !op.errors.is_empty() {
        let codes: Vec<String> = op
            .errors
            .iter()
            .map(|code| {
                // `check` rejects unknown codes, so every reference resolves.
                match ir.error_code(code) {
                    Some(declared) => format!("`{code}` (retry: {})", declared.retry),
                    None => format!("`{code}`"),
                }
            })
            .collect();
        notes.push(format!("Errors: {}.", codes.join(", ")));
    }
    notes.push(crate::emit::prose::retry_summary(ir, op));
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
            PaginationIr::Link { param, .. } => {
                format!("Paginated by the `Link` header's next URL (RFC 8288), a cursor in `{param}`.")
            }
            PaginationIr::Offset { param, .. } => format!("Paginated by item offset `{param}`."),
        });
        notes.push("`.pages()` streams every page and `.stream()` every item.".to_string());
    }
    notes.join("\n")
}

/// `Client::METHOD`: takes the required parameters and body, returns the request builder;
/// behind `cfg` (its group's feature), documented.
pub(super) fn client_method(ir: &Ir, op: &Operation, cfg: Option<TokenStream>) -> TokenStream {
    let Method { text, deprecated, function } = method(ir, op);
    let docs = doc(&text);
    let deprecated = deprecated.then(|| quote!(#[deprecated]));
    let function = function.map_or_else(|tokens| tokens, |function| quote!(#function));
    quote! {
        #cfg
        #docs
        #deprecated
        #function
    }
}

/// [`client_method`] as a syntax tree, its documentation built without tokens (every method
/// has several lines of it). `Err` holds tokens that do not parse (an accord bug).
pub(super) fn client_method_item(
    ir: &Ir,
    op: &Operation,
    cfg: Option<syn::Attribute>,
) -> Result<syn::ImplItem, TokenStream> {
    let Method { text, deprecated, function } = method(ir, op);
    let mut item = function?;
    let mut attrs: Vec<syn::Attribute> = cfg.into_iter().collect();
    attrs.extend(syntax::doc_attributes(&text));
    if deprecated {
        attrs.push(syntax::path_attribute("deprecated"));
    }
    item.attrs = attrs;
    Ok(syn::ImplItem::Fn(item))
}

/// A client method's parts: its documentation's text, whether it is deprecated, and the
/// function without attributes (`Err`: its template's tokens, which do not parse, an accord
/// bug).
struct Method {
    text: String,
    deprecated: bool,
    function: Result<syn::ImplItemFn, TokenStream>,
}

thread_local! {
    /// A client method but for its name (`__method`), the builder's (`__Builder`), the
    /// arguments after `&'a self` and the builder's fields after `client`: [`method`].
    static METHOD: syntax::Parsed<syn::ImplItemFn> = syntax::parse_template(quote! {
        pub fn __method<'a>(&'a self) -> __Builder<'a> {
            __Builder {
                client: self,
            }
        }
    });
    /// A string argument, `impl Into<String>` ([`param_arg_tree`]).
    static INTO_STRING: syntax::Parsed<syn::Type> =
        syntax::parse_template(quote!(impl ::std::convert::Into<::std::string::String>));
}

/// How a parameter is taken by a method or setter: `impl Into<String>` for strings, the
/// type itself otherwise; returns the argument's type and the value stored from `value`
/// (`value.into()` for a string). `Err` holds a template's tokens that do not parse (an
/// accord bug).
pub(super) fn param_arg_tree(param: &Param, value: syn::Expr) -> Result<(syn::Type, syn::Expr), TokenStream> {
    Ok(match param.ty {
        TypeExpr::String | TypeExpr::Uri => (syntax::instantiate(&INTO_STRING)?, syntax::method_call(value, "into")),
        _ => (syntax::rust_type(&param.ty), value),
    })
}

/// The function of `Client::METHOD` ([`method`]) from its parts, on its template.
fn method_function(
    op: &Operation,
    args: Vec<(syn::Ident, syn::Type)>,
    inits: Vec<syn::FieldValue>,
) -> Result<syn::ImplItemFn, TokenStream> {
    let mut function = syntax::instantiate(&METHOD)?;
    syntax::Holes {
        idents: vec![("__method", ident(&op.method_name)), ("__Builder", ident(&op.builder_name))],
        ..syntax::Holes::default()
    }
    .visit_impl_item_fn_mut(&mut function);
    for (name, ty) in args {
        function.sig.inputs.push(syn::FnArg::Typed(syn::PatType {
            attrs: Vec::new(),
            pat: Box::new(syntax::ident_pat(name, false)),
            colon_token: Default::default(),
            ty: Box::new(ty),
        }));
    }
    let Some(syn::Stmt::Expr(syn::Expr::Struct(builder), None)) = function.block.stmts.last_mut() else {
        return Err(quote!(#function));
    };
    builder.fields.extend(inits);
    if !builder.fields.empty_or_trailing() {
        builder.fields.push_punct(Default::default());
    }
    Ok(function)
}

fn method(ir: &Ir, op: &Operation) -> Method {
    let none = || syntax::path_expr("::std::option::Option::None");
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut broken = None;
    for param in op
        .path_params
        .iter()
        .chain(op.query.iter().filter(|p| p.required))
        .chain(op.headers.iter().filter(|p| p.required))
    {
        let name = ident(&param.rust_name);
        match param_arg_tree(param, syntax::ident_expr(&name)) {
            Ok((ty, value)) => {
                args.push((name.clone(), ty));
                inits.push(syntax::field_value(Vec::new(), name, value));
            }
            Err(tokens) => broken = Some(tokens),
        }
    }
    for param in op.query.iter().chain(op.headers.iter()).filter(|p| !p.required) {
        inits.push(syntax::field_value(Vec::new(), ident(&param.rust_name), none()));
    }
    if let Some(body) = &op.body {
        if body.required {
            args.push((ident("body"), super::request::held_body_type(body)));
            // `body,` as written: the field's shorthand.
            inits.push(syn::FieldValue {
                attrs: Vec::new(),
                member: syn::Member::Named(ident("body")),
                colon_token: None,
                expr: syntax::path_expr("body"),
            });
        } else {
            inits.push(syntax::field_value(Vec::new(), ident("body"), none()));
        }
    }
    if op.body.as_ref().is_some_and(|body| body.content_type.is_raw()) {
        inits.push(syntax::field_value(Vec::new(), ident("content_type"), none()));
    }
    if op.idempotency_header.is_some() {
        inits.push(syntax::field_value(Vec::new(), ident("idempotency_key"), none()));
    }
    let mut text = format!("Sends `{} {}` (spec: `endpoints.{}`).", op.http_method.as_str(), op.path, op.name);
    if let Some(summary) = &op.summary {
        text.push_str(&format!("\n\n{}", crate::markdown::repair(summary).0));
    }
    if let Some(description) = &op.description {
        text.push_str(&format!("\n\n{}", crate::markdown::repair(description).0.trim_end()));
    }
    let notes = operation_notes(ir, op);
    if !notes.is_empty() {
        text.push_str(&format!("\n\n{notes}"));
    }
    text.push_str("\n\nReturns a request builder: set optional parameters, then `.send().await`.");
    let function = match broken {
        Some(tokens) => Err(tokens),
        None => method_function(op, args, inits),
    };
    Method { text, deprecated: op.deprecated, function }
}
