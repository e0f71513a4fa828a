//! Error codes matched by their body (spec `when`, issue 16): the `BodyMatch` of each rule in
//! `ERROR_RULES`, `by_body` (the step of `classify` before the exact status, which reads the
//! body only when a body-matched code covers the status) and `decode_response_checked`, which
//! the operations that may receive such a code with a 2xx status decode with. Specs without
//! body-matched codes get none of it, and operations without such codes keep the plain
//! `decode_response`: only they pay for reading a success body twice.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::tokens::{ident, lit, type_tokens};
use crate::ir::{BodyMatch, BodyTest, ErrorCodeIr, Ir, Operation, StatusPattern};

/// Whether the spec declares any code matched by its body.
pub(super) fn any(ir: &Ir) -> bool {
    ir.errors.codes.iter().any(|code| code.body_match.is_some())
}

/// Whether a code may arrive with a 2xx status, so a success body must be tested first.
fn in_success(code: &ErrorCodeIr) -> bool {
    code.body_match.is_some() && code.statuses.iter().any(|status| status.statuses().any(|s| (200..300).contains(&s)))
}

/// Whether `op` decodes with `decode_response_checked`: one of its codes (every code when it
/// lists none) is matched by its body with a 2xx status.
pub(crate) fn checks_success_bodies(ir: &Ir, op: &Operation) -> bool {
    if op.errors.is_empty() {
        return ir.errors.codes.iter().any(in_success);
    }
    op.errors.iter().filter_map(|id| ir.error_code(id)).any(in_success)
}

/// Whether any operation (or `send_raw`, which may reach any) needs the checked decoding.
pub(super) fn any_in_success(ir: &Ir) -> bool {
    ir.errors.codes.iter().any(in_success)
}

/// `::std::option::Option<::accord_runtime::BodyMatch>` of a rule.
pub(super) fn body_match_tokens(body_match: Option<&BodyMatch>) -> TokenStream {
    match body_match {
        Some(body_match) => {
            let expr = body_match_expr(body_match);
            quote!(::std::option::Option::Some(#expr))
        }
        None => quote!(::std::option::Option::None),
    }
}

/// A `::accord_runtime::BodyMatch` (a constant expression).
fn body_match_expr(body_match: &BodyMatch) -> TokenStream {
    let pointer = lit(&body_match.pointer);
    let test = match &body_match.test {
        BodyTest::Equals(text) => {
            let text = lit(text);
            quote!(::accord_runtime::BodyTest::Equals(::std::borrow::Cow::Borrowed(#text)))
        }
        BodyTest::Present => quote!(::accord_runtime::BodyTest::Present),
    };
    quote! {
        ::accord_runtime::BodyMatch { pointer: ::std::borrow::Cow::Borrowed(#pointer), test: #test }
    }
}

/// The body-matched codes by status pattern (exact statuses, then ranges, then `default`),
/// codes in spec order.
pub(super) fn by_status(codes: &[ErrorCodeIr]) -> BTreeMap<StatusPattern, Vec<&ErrorCodeIr>> {
    let mut by_status: BTreeMap<StatusPattern, Vec<&ErrorCodeIr>> = BTreeMap::new();
    for code in codes.iter().filter(|code| code.body_match.is_some()) {
        for status in &code.statuses {
            by_status.entry(*status).or_default().push(code);
        }
    }
    by_status
}

/// A test of `raw.status` against a pattern.
fn status_test(status: StatusPattern) -> TokenStream {
    match status {
        StatusPattern::Exact(exact) => {
            let exact = Literal::u16_unsuffixed(exact);
            quote!(raw.status == #exact)
        }
        StatusPattern::Range(class) => {
            let class = Literal::u16_unsuffixed(u16::from(class));
            quote!(raw.status / 100 == #class)
        }
        StatusPattern::Default => quote!(true),
    }
}

/// The first statement of `classify` (nothing without body-matched codes), `by_body` and
/// `decode_response_checked`.
pub(super) fn classify_step(ir: &Ir) -> (TokenStream, TokenStream) {
    if !any(ir) {
        return (TokenStream::new(), TokenStream::new());
    }
    let groups = by_status(&ir.errors.codes);
    let covered: Vec<TokenStream> = groups.keys().map(|status| status_test(*status)).collect();
    let code_pointer = ir.errors.code_pointer.as_deref();
    let blocks: Vec<TokenStream> = groups
        .iter()
        .map(|(status, codes)| {
            let status = status_test(*status);
            let shared = codes.len() > 1;
            let tests: Vec<TokenStream> = codes
                .iter()
                .map(|code| {
                    let variant = ident(&code.variant);
                    let body = type_tokens(&code.body);
                    let Some(test) = code.body_match.as_ref().map(body_match_expr) else { return TokenStream::new() };
                    // Several codes on one status are told apart by the code in the body
                    // (`check` requires a code field then), as the retry classifier does.
                    let by_code = match (&code.match_value, shared, code_pointer) {
                        (Some(value), true, Some(_)) => {
                            let value = lit(value);
                            quote!(&& code.as_deref() == ::std::option::Option::Some(#value))
                        }
                        _ => TokenStream::new(),
                    };
                    quote! {
                        if (#test).holds(&value) #by_code {
                            return ::std::option::Option::Some(api::<#body>(raw, ApiError::#variant));
                        }
                    }
                })
                .collect();
            let any_test: Vec<TokenStream> =
                codes.iter().filter_map(|code| code.body_match.as_ref().map(body_match_expr)).collect();
            // Told apart by code, a body can pass a test and name no declared code.
            let undeclared = if shared && code_pointer.is_some() {
                quote! {
                    // The body says it is an error, but names no declared code.
                    let tests: &[::accord_runtime::BodyMatch] = &[#(#any_test),*];
                    if tests.iter().any(|test| test.holds(&value)) {
                        return ::std::option::Option::Some(unexpected(raw));
                    }
                }
            } else {
                TokenStream::new()
            };
            quote! {
                if #status {
                    #(#tests)*
                    #undeclared
                }
            }
        })
        .collect();
    let code_lookup = match code_pointer {
        Some(pointer) => {
            let pointer = lit(pointer);
            quote! {
                #[allow(unused_variables)]
                let code: ::std::option::Option<::std::string::String> = value.pointer(#pointer).map(|v| match v {
                    ::accord_runtime::serde_json::Value::String(text) => text.clone(),
                    other => other.to_string(),
                });
            }
        }
        None => TokenStream::new(),
    };
    let first = quote! {
        if let ::std::option::Option::Some(error) = by_body(raw) {
            return error;
        }
    };
    let functions = quote! {
        /// The codes the spec matches by their body (`when`), tried before any status: when
        /// one covers the response's status the body is parsed, and the first code whose test
        /// holds (and, when several share the status, whose code the body names) is the
        /// answer. A body that passes a test but names no declared code is
        /// `UnexpectedStatus`, its body kept. `None`: no body-matched code applies.
        fn by_body(raw: &::accord_runtime::RawResponse) -> ::std::option::Option<Error> {
            if !(#(#covered)||*) {
                return ::std::option::Option::None;
            }
            let value = raw.json::<::accord_runtime::serde_json::Value>().ok()?;
            #code_lookup
            #(#blocks)*
            ::std::option::Option::None
        }

        /// Like [`decode_response`], for operations that may receive an error code in a 2xx
        /// body (spec `when`): the body is tested first.
        ///
        /// Errors: as [`decode_response`], and the body-matched code.
        pub fn decode_response_checked<T: ::accord_runtime::serde::de::DeserializeOwned + 'static>(raw: ::accord_runtime::RawResponse) -> ::std::result::Result<::accord_runtime::Response<T>, Error> {
            if let ::std::option::Option::Some(error) = by_body(&raw) {
                return ::std::result::Result::Err(error);
            }
            decode_response(raw)
        }
    };
    (first, functions)
}
