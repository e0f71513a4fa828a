//! The methods of `Client`, one per endpoint, and the notes on an operation's behaviour that
//! its method and request builder share.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::syntax;
use crate::emit::rust::tokens::{body_tokens, doc, ident, type_tokens};
use crate::ir::{Ir, Operation, PaginationIr, Param, TypeExpr};

/// How a parameter is taken by a method or setter: `impl Into<String>` for strings, the
/// type itself otherwise.
pub(super) fn param_arg(param: &Param) -> (TokenStream, TokenStream) {
    let ty = type_tokens(&param.ty);
    match param.ty {
        TypeExpr::String | TypeExpr::Uri => (quote!(impl ::std::convert::Into<::std::string::String>), quote!(.into())),
        _ => (ty, quote!()),
    }
}

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
    let mut item = syn::parse2::<syn::ImplItemFn>(function.clone()).map_err(|_| function)?;
    let mut attrs: Vec<syn::Attribute> = cfg.into_iter().collect();
    attrs.extend(syntax::doc_attributes(&text));
    if deprecated {
        attrs.push(syntax::path_attribute("deprecated"));
    }
    item.attrs = attrs;
    Ok(syn::ImplItem::Fn(item))
}

/// A client method's parts: its documentation's text, whether it is deprecated, and the
/// function without attributes.
struct Method {
    text: String,
    deprecated: bool,
    function: TokenStream,
}

fn method(ir: &Ir, op: &Operation) -> Method {
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
        let ty = body_tokens(body);
        if body.required {
            let held = super::streaming::body_type(body).unwrap_or(quote!(&'a #ty));
            args.push(quote!(body: #held));
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
    let content_type = op
        .body
        .as_ref()
        .filter(|body| body.content_type.is_raw())
        .map(|_| quote!(content_type: ::std::option::Option::None,));
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
    let function = quote! {
        pub fn #method<'a>(&'a self #(, #args)*) -> #builder<'a> {
            #builder {
                client: self,
                #(#inits)*
                #body
                #content_type
                #idempotency
            }
        }
    };
    Method { text, deprecated: op.deprecated, function }
}
