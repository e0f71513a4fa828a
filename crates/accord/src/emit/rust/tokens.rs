//! Token helpers shared by the Rust emitters (the client crate's files and the contract
//! tests): identifiers, string literals, doc attributes and the Rust type of an IR type (as
//! tokens, from `syntax::rust_type_in`, its one definition).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ir::{BodyIr, ContentType, Operation, TypeExpr};

/// An identifier from an IR name (may be `r#type`).
pub fn ident(name: &str) -> syn::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => syn::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => syn::Ident::new(name, proc_macro2::Span::call_site()),
    }
}

/// `Some("text")` or `None`, as tokens of an `Option<&'static str>`.
pub(crate) fn optional_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => {
            let value = lit(value);
            quote!(::std::option::Option::Some(#value))
        }
        None => quote!(::std::option::Option::None),
    }
}

/// A string literal.
pub(crate) fn lit(text: &str) -> Literal {
    Literal::string(text)
}

/// `#[doc = "…"]` lines for a paragraph of documentation. The text, spec prose included, goes
/// through [`crate::markdown::for_rustdoc`] first: no code block of a description becomes a
/// doc-test of the generated crate (nor of a crate that includes it from a build script).
pub(crate) fn doc(text: &str) -> TokenStream {
    // Built in one stream (no stream per line to copy afterwards): every item has some.
    let mut tokens = TokenStream::new();
    for_doc_lines(text, |line| tokens.extend(quote!(#[doc = #line])));
    tokens
}

/// The literal of each `#[doc = …]` line of [`doc`], in order, given to `each`.
pub(crate) fn for_doc_lines(text: &str, mut each: impl FnMut(Literal)) {
    let text = crate::markdown::for_rustdoc(text);
    let mut line_text = String::new();
    for line in text.trim_end().lines() {
        line_text.clear();
        line_text.push(' ');
        line_text.push_str(line.trim_end());
        each(doc_literal(&line_text));
    }
}

/// The literal of one line of a `#[doc = …]` attribute, raw (`r"…"`) where it can be: nothing
/// to escape now nor for syn to unescape when it reads the file back, which on a large spec
/// was a tenth of generation. prettyplease prints a one-line doc attribute from its value
/// (`/// …`), so the output is the same as from [`Literal::string`].
pub(crate) fn doc_literal(line: &str) -> Literal {
    // `"` followed by as many `#` would close the literal early; a lone carriage return is not
    // allowed in a raw string at all.
    let bytes = line.as_bytes();
    if memchr::memchr2(b'\r', b'\n', bytes).is_none() {
        let mut hashes = 0;
        for index in memchr::memchr_iter(b'"', bytes) {
            let run = bytes[index + 1..].iter().take_while(|&&b| b == b'#').count();
            hashes = hashes.max(run + 1);
        }
        // `r##"…"##`, written without `format!` (a doc line is made for every line of prose).
        let mut raw = String::with_capacity(line.len() + 3 + 2 * hashes);
        raw.push('r');
        (0..hashes).for_each(|_| raw.push('#'));
        raw.push('"');
        raw.push_str(line);
        raw.push('"');
        (0..hashes).for_each(|_| raw.push('#'));
        if let Ok(literal) = raw.parse::<Literal>() {
            return literal;
        }
    }
    Literal::string(line)
}

/// The Rust type of a type expression, inside the generated crate, as tokens
/// ([`super::syntax::rust_type`]).
pub fn type_tokens(ty: &TypeExpr) -> TokenStream {
    let ty = super::syntax::rust_type(ty);
    quote!(#ty)
}

/// The Rust type of a type expression, with named types under `root` (`crate`, or
/// `::orders_client` from the crate's tests), as tokens ([`super::syntax::rust_type_in`]).
pub fn type_tokens_in(ty: &TypeExpr, root: &syn::Path) -> TokenStream {
    let ty = super::syntax::rust_type_in(ty, root);
    quote!(#ty)
}

/// The type a request body is borrowed as (`&'a T`): the model's, or for a body sent as it
/// is `str` (`text`) or `[u8]` (`binary`).
pub fn body_tokens(body: &BodyIr) -> TokenStream {
    match body.content_type {
        ContentType::Json | ContentType::Form | ContentType::Multipart => type_tokens(&body.ty),
        ContentType::Text => quote!(str),
        ContentType::Binary => quote!([u8]),
    }
}

/// The type of an operation's success body: the model's, `String` for `text`,
/// `Vec<u8>` for `binary`, `ByteStream` for a streamed one, `()` without a body.
pub fn success_tokens(op: &Operation) -> TokenStream {
    if op.success_stream.is_some() {
        return quote!(::accord_runtime::ByteStream);
    }
    match (&op.success, op.success_content_type) {
        (None, _) => quote!(()),
        (Some(ty), ContentType::Json | ContentType::Form | ContentType::Multipart) => type_tokens(ty),
        (Some(_), ContentType::Text) => quote!(::std::string::String),
        (Some(_), ContentType::Binary) => quote!(::std::vec::Vec<u8>),
    }
}
