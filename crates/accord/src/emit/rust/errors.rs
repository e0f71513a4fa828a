//! `src/errors.rs` of a client crate: the `Error` every request can fail with, one `ApiError`
//! variant per declared error code, the retry policy and classifier the runtime reads, and the
//! decoding of responses into success bodies or errors.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::tokens::{doc, ident, lit, optional_str, type_tokens};
use crate::ir::{ErrorCodeIr, Ir, Jitter, RetryIr, RetryStrategy, StatusPattern};

/// The runtime's `RetryStrategy` of a declared code's `retry`.
fn retry_strategy(retry: RetryStrategy) -> TokenStream {
    match retry {
        RetryStrategy::Never => quote!(::accord_runtime::RetryStrategy::Never),
        RetryStrategy::Backoff => quote!(::accord_runtime::RetryStrategy::Backoff),
        RetryStrategy::AfterHeader => quote!(::accord_runtime::RetryStrategy::AfterHeader),
        RetryStrategy::RefreshAuth => quote!(::accord_runtime::RetryStrategy::RefreshAuth),
    }
}

/// `errors.rs`.
pub(super) fn errors_rs(ir: &Ir) -> TokenStream {
    let error = error_enum();
    let api_error = api_error(ir);
    let retry_policy = retry_policy_const(&ir.retry);
    let classifier = classifier_consts(ir);
    let decoding = decoding_fns();
    let classify = classify_fns(ir);
    quote! {
        //! Typed errors: one [`ApiError`] variant per declared error code, plus transport,
        //! decoding and undeclared-status errors.

        #error

        #api_error

        #retry_policy

        #classifier

        #decoding

        #classify
    }
}

/// `Error`, its `Display` and `std::error::Error`, `request_id` and `status`.
fn error_enum() -> TokenStream {
    quote! {
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
            /// The request was not sent: its circuit is open (spec: `circuit_breaker`) after
            /// repeated failures; it carries the circuit and when it will let a probe through.
            CircuitOpen(::accord_runtime::CircuitOpen),
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
                    Error::CircuitOpen(open) => write!(f, "{open}"),
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
    }
}

/// `ApiError`, one variant per declared code, and its methods.
fn api_error(ir: &Ir) -> TokenStream {
    let codes = &ir.errors.codes;
    let variants: Vec<TokenStream> = codes
        .iter()
        .map(|code| {
            let variant = ident(&code.variant);
            let body = type_tokens(&code.body);
            let mut text = format!(
                "`{}`: HTTP {} (retry: {}).",
                code.name,
                code.statuses.iter().map(StatusPattern::to_string).collect::<Vec<_>>().join(", "),
                code.retry
            );
            if let Some(description) = &code.description {
                text.push_str(&format!("\n\n{}", crate::markdown::repair(description).0));
            }
            if let Some(resolution) = &code.resolution {
                text.push_str(&format!("\n\nResolution: {}", crate::markdown::repair(resolution).0));
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
            let strategy = retry_strategy(code.retry);
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
    quote! {
        /// The declared error codes (spec `errors.codes`).
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum ApiError {
            #(#variants)*
        }

        #api_error_impl
    }
}

/// `RETRY_POLICY`: the spec's `retry`, or a single attempt.
fn retry_policy_const(retry: &RetryIr) -> TokenStream {
    let max_attempts = retry.max_attempts;
    let (initial, max) = (retry.initial_delay_ms, retry.max_delay_ms);
    let multiplier = retry.multiplier;
    let jitter = match retry.jitter {
        Jitter::None => quote!(::accord_runtime::policy::Jitter::None),
        Jitter::Full => quote!(::accord_runtime::policy::Jitter::Full),
        Jitter::Equal => quote!(::accord_runtime::policy::Jitter::Equal),
    };
    let retry_doc = doc(if retry.declared {
        "The spec's default retry policy (`retry`): attempts include the first; delays grow exponentially with jitter."
    } else {
        "The spec declares no retry policy, so one attempt is made."
    });
    quote! {
        #retry_doc
        pub const RETRY_POLICY: ::accord_runtime::RetryPolicy = ::accord_runtime::RetryPolicy {
            max_attempts: #max_attempts,
            initial_delay: ::std::time::Duration::from_millis(#initial),
            max_delay: ::std::time::Duration::from_millis(#max),
            multiplier: #multiplier,
            jitter: #jitter,
        };
    }
}

/// The codes matched by status alone by status pattern, exact statuses first, then ranges,
/// then `default` (each in status order), codes in spec order (body-matched codes:
/// `body_errors::by_status`).
fn by_status(codes: &[ErrorCodeIr]) -> BTreeMap<StatusPattern, Vec<&ErrorCodeIr>> {
    let mut by_status: BTreeMap<StatusPattern, Vec<&ErrorCodeIr>> = BTreeMap::new();
    for code in codes.iter().filter(|code| code.body_match.is_none()) {
        for status in &code.statuses {
            by_status.entry(*status).or_default().push(code);
        }
    }
    by_status
}

/// The runtime's `StatusPattern` of a declared status.
fn status_pattern(status: StatusPattern) -> TokenStream {
    match status {
        StatusPattern::Exact(status) => {
            let status = Literal::u16_unsuffixed(status);
            quote!(::accord_runtime::StatusPattern::Exact(#status))
        }
        StatusPattern::Range(class) => {
            let class = Literal::u8_unsuffixed(class);
            quote!(::accord_runtime::StatusPattern::Range(#class))
        }
        StatusPattern::Default => quote!(::accord_runtime::StatusPattern::Default),
    }
}

/// `ERROR_RULES` and `RETRY_CLASSIFIER`: the declared codes as the runtime's retry classifier
/// reads them.
fn classifier_consts(ir: &Ir) -> TokenStream {
    let by_status = by_status(&ir.errors.codes);
    let by_body = super::body_errors::by_status(&ir.errors.codes);
    let rules: Vec<TokenStream> = by_body
        .iter()
        .chain(by_status.iter())
        .flat_map(|(status, candidates)| {
            let shared = candidates.len() > 1;
            candidates.iter().map(move |code| {
                let status = status_pattern(*status);
                let strategy = retry_strategy(code.retry);
                let value = match (&code.match_value, shared) {
                    (Some(value), true) => {
                        let value = lit(value);
                        quote!(::std::option::Option::Some(#value))
                    }
                    _ => quote!(::std::option::Option::None),
                };
                let body = super::body_errors::body_match_tokens(code.body_match.as_ref());
                quote!(::accord_runtime::ErrorRule { status: #status, code: #value, strategy: #strategy, body: #body },)
            })
        })
        .collect();
    let classifier_pointer = optional_str(ir.errors.code_pointer.as_deref());
    quote! {
        /// The declared error codes as the retry classifier reads them: status (exact, range
        /// or `default`), the code value that selects a code when several share a status, and
        /// the declared strategy.
        pub const ERROR_RULES: &[::accord_runtime::ErrorRule] = &[#(#rules)*];

        /// Decides retries by the declared strategies, the most specific status declaration
        /// first; undeclared statuses follow HTTP (5xx and 408 back off, 429 waits for
        /// `Retry-After`), as do transport failures.
        pub const RETRY_CLASSIFIER: ::accord_runtime::StatusClassifier = ::accord_runtime::StatusClassifier {
            code_pointer: #classifier_pointer,
            rules: ERROR_RULES,
        };
    }
}

/// `ClientError for Error` and `decode_response`: how the runtime and the request builders
/// turn a raw response into a body or an error.
fn decoding_fns() -> TokenStream {
    quote! {
        impl ::accord_runtime::ClientError for Error {
            fn transport(error: ::accord_runtime::TransportError) -> Self {
                match error.circuit_open() {
                    ::std::option::Option::Some(open) => Error::CircuitOpen(open.clone()),
                    ::std::option::Option::None => Error::Transport(error),
                }
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
    }
}

/// What a response whose status one pattern covers becomes, given that pattern's codes: the
/// one code, or (with a code field) the code whose value the body holds; `fallback` when no
/// value matches (the next less specific pattern's answer).
fn pattern_answer(ir: &Ir, candidates: &[&ErrorCodeIr], fallback: TokenStream) -> TokenStream {
    let api = |code: &ErrorCodeIr| {
        let variant = ident(&code.variant);
        let body = type_tokens(&code.body);
        quote!(api::<#body>(raw, ApiError::#variant))
    };
    if let [only] = candidates {
        return api(only);
    }
    if ir.errors.code_pointer.is_none() {
        // `check` refuses codes that share a status without a code field.
        return fallback;
    }
    let by_value: Vec<TokenStream> = candidates
        .iter()
        .filter_map(|code| {
            let value = lit(code.match_value.as_ref()?);
            let answer = api(code);
            Some(quote!(::std::option::Option::Some(#value) => #answer,))
        })
        .collect();
    quote! {
        match code.as_deref() {
            #(#by_value)*
            _ => #fallback,
        }
    }
}

/// `classify`, which maps a non-2xx response to its declared code: of the codes whose status
/// covers it, the most specific (exact status, then range, then `default`); by the code's
/// value when several share one (the spec has a code field); and its helpers `api` and
/// `unexpected`.
fn classify_fns(ir: &Ir) -> TokenStream {
    let by_status = by_status(&ir.errors.codes);
    let needs_code = ir.errors.code_pointer.is_some() && by_status.values().any(|codes| codes.len() > 1);
    // Built from the least specific answer up: each tier falls back to the one below it.
    let default_answer = match by_status.get(&StatusPattern::Default) {
        Some(candidates) => pattern_answer(ir, candidates, quote!(unexpected(raw))),
        None => quote!(unexpected(raw)),
    };
    let range_arms: Vec<TokenStream> = by_status
        .iter()
        .filter_map(|(status, candidates)| match status {
            StatusPattern::Range(class) => {
                let class = Literal::u16_unsuffixed(u16::from(*class));
                let answer = pattern_answer(ir, candidates, quote!(by_default(raw, code)));
                Some(quote!(#class => #answer,))
            }
            _ => None,
        })
        .collect();
    let exact_arms: Vec<TokenStream> = by_status
        .iter()
        .filter_map(|(status, candidates)| match status {
            StatusPattern::Exact(status) => {
                let status = Literal::u16_unsuffixed(*status);
                let answer = pattern_answer(ir, candidates, quote!(by_range(raw, code)));
                Some(quote!(#status => #answer,))
            }
            _ => None,
        })
        .collect();
    let code_lookup = match (&ir.errors.code_pointer, needs_code) {
        (Some(pointer), true) => {
            let pointer = lit(pointer);
            quote! {
                let code: ::std::option::Option<::std::string::String> = raw
                    .json::<::accord_runtime::serde_json::Value>()
                    .ok()
                    .and_then(|value| value.pointer(#pointer).and_then(|v| v.as_str()).map(str::to_string));
            }
        }
        _ => quote!(let code: ::std::option::Option<::std::string::String> = ::std::option::Option::None;),
    };
    // Without error codes `ApiError` has no variants, so building one is unreachable.
    let api_allow = if ir.errors.codes.is_empty() {
        quote!(#[allow(dead_code, unreachable_code)])
    } else {
        quote!(#[allow(dead_code)])
    };
    let exact = if exact_arms.is_empty() {
        quote!(by_range(raw, code))
    } else {
        quote! {
            match raw.status {
                #(#exact_arms)*
                _ => by_range(raw, code),
            }
        }
    };
    let range = if range_arms.is_empty() {
        quote!(by_default(raw, code))
    } else {
        quote! {
            match raw.status / 100 {
                #(#range_arms)*
                _ => by_default(raw, code),
            }
        }
    };
    let (body_step, body_functions) = super::body_errors::classify_step(ir);
    quote! {
        /// Maps a non-2xx response to its declared error code (an exact status over a range,
        /// a range over `default`), or `UnexpectedStatus`.
        pub fn classify(raw: &::accord_runtime::RawResponse) -> Error {
            #body_step
            #code_lookup
            #exact
        }

        #body_functions

        /// The codes declared for the response's status range (`4XX`), then `default`.
        #[allow(unused_variables)]
        fn by_range(raw: &::accord_runtime::RawResponse, code: ::std::option::Option<::std::string::String>) -> Error {
            #range
        }

        /// The code declared with `status: default`, if any.
        #[allow(unused_variables)]
        fn by_default(raw: &::accord_runtime::RawResponse, code: ::std::option::Option<::std::string::String>) -> Error {
            #default_answer
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

        #[allow(dead_code)]
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
