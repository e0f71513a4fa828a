//! Streamed bodies in `client.rs` (spec `stream: true`, issue 18; runtime feature
//! `streaming`): a streamed request body is taken as an `accord_runtime::Upload` (a file or
//! any async reader, never loaded whole), a streamed success body is returned as an
//! `accord_runtime::ByteStream` through the runtime's `send::send_streaming` helpers, with
//! the spec's `max_bytes` cap, and `ClientBuilder::minimum_throughput` sets the
//! stalled-stream rule. Only a spec with a streamed body gets any of it.

use proc_macro2::TokenStream;
use quote::quote;

use super::methods::operation_notes;
use crate::emit::rust::tokens::{doc, lit};
use crate::ir::{BodyIr, Ir, Operation, StreamIr};

/// The type a streamed request body is held as (owned, so the builder can be cloned and
/// retried: a file upload is opened again on each attempt); `None` for a body borrowed as
/// `&'a T`.
pub(super) fn body_type(body: &BodyIr) -> Option<syn::Type> {
    body.stream.then(|| crate::emit::rust::syntax::path_type("::accord_runtime::Upload", []))
}

/// `request.stream_body(…)` for a streamed body, an optional one only when set; `None`
/// for other bodies.
pub(super) fn body_encoding(body: &BodyIr) -> Option<TokenStream> {
    if !body.stream {
        return None;
    }
    let media_type = lit(body.default_media_type());
    let content_type = quote!(self.content_type.as_deref().unwrap_or(#media_type));
    Some(if body.required {
        quote!(request.stream_body(#content_type, self.body.clone());)
    } else {
        quote! {
            if let ::std::option::Option::Some(body) = &self.body {
                request.stream_body(#content_type, body.clone());
            }
        }
    })
}

/// `send` and `send_full` of an endpoint whose success body is streamed; `None` for others.
pub(super) fn send_fns(ir: &Ir, op: &Operation) -> Option<TokenStream> {
    let StreamIr { max_bytes } = op.success_stream?;
    let cap = match max_bytes {
        Some(bytes) => quote!(::std::option::Option::Some(#bytes)),
        None => quote!(::std::option::Option::None),
    };
    let cap_text = match max_bytes {
        Some(bytes) => format!("at most {bytes} bytes (spec `max_bytes`; more fails with `StreamError::TooLarge`)"),
        None => "no size cap".to_string(),
    };
    let notes = operation_notes(ir, op);
    let send_doc = doc(&format!(
        "Sends the request and returns the success body as a stream, never read whole: {cap_text}; read it with `next_chunk` or copy it with `write_to`. A stream that moves less than the client's minimum throughput (`ClientBuilder::minimum_throughput`, default 1 byte/s over 20 s) fails with `StreamError::Stalled`.\n\nErrors: [`crate::errors::Error::Api`] for a declared error code, `UnexpectedStatus` or `Transport` otherwise; an error body is read up to `accord_runtime::stream::ERROR_BODY_MAX_BYTES` (64 KiB).{}",
        if notes.is_empty() { String::new() } else { format!("\n\n{notes}") }
    ));
    Some(quote! {
        #send_doc
        pub fn send(self) -> ::accord_runtime::send::Sending<'a, ::std::result::Result<::accord_runtime::ByteStream, crate::errors::Error>> {
            ::accord_runtime::send::send_streaming(&self.client.inner, self.request(), #cap)
        }

        /// Like [`Self::send`], keeping the status and headers of the response.
        ///
        /// Errors: as [`Self::send`].
        pub fn send_full(self) -> ::accord_runtime::send::Sending<'a, ::std::result::Result<::accord_runtime::Response<::accord_runtime::ByteStream>, crate::errors::Error>> {
            ::accord_runtime::send::send_streaming_full(&self.client.inner, self.request(), #cap)
        }
    })
}

/// The builder field, the setter and the statement of `build` for the stalled-stream rule;
/// nothing for a spec without streamed bodies.
pub(super) fn builder_parts(ir: &Ir) -> (TokenStream, TokenStream, TokenStream) {
    if !crate::emit::rust::features::streams_bodies(ir) {
        return (TokenStream::new(), TokenStream::new(), TokenStream::new());
    }
    let field = quote!(minimum_throughput: ::std::option::Option<::accord_runtime::MinimumThroughput>,);
    let setter = quote! {
        /// Sets the stalled-stream protection of streamed bodies: a download or upload that moves less than `bytes_per_second` averaged over each `grace_period` fails with `StreamError::Stalled` (a `Transport` timeout). Default 1 byte/s over 20 s, the AWS SDK for Rust's (smithy-rs `StalledStreamProtectionConfig`); `bytes_per_second: 0` turns it off. An `Upload` may set its own.
        pub fn minimum_throughput(mut self, minimum: ::accord_runtime::MinimumThroughput) -> Self {
            self.minimum_throughput = ::std::option::Option::Some(minimum);
            self
        }
    };
    let build = quote! {
        if let ::std::option::Option::Some(minimum) = self.minimum_throughput {
            config.minimum_throughput = minimum;
        }
    };
    (field, setter, build)
}
