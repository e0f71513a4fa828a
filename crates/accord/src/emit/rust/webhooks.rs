//! `src/webhooks.rs` of a client crate: the typed `Event` enum and the decoding of a delivery,
//! with `SCHEME`, `verify` and `sign` when the spec declares a signature scheme, or `parse`
//! functions that say plainly that nothing is verified when it does not.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc, ident, lit, type_tokens};
use crate::ir::{Ir, KeyEncoding, SignatureAlgorithm, SignatureIr, WebhooksIr};

/// `webhooks.rs`; nothing when the spec declares no webhooks. `Event` and `Delivery` derive
/// `PartialEq` as the models do: behind the crate's `partial-eq` feature when
/// `gated_partial_eq` (a generated crate), always in a build script's module.
pub(super) fn webhooks_rs(ir: &Ir, gated_partial_eq: bool) -> TokenStream {
    let Some(webhooks) = &ir.webhooks else { return quote!() };
    let partial_eq = super::models::partial_eq(gated_partial_eq);
    let event_enum = event_enum(webhooks, &partial_eq);
    let decode = decode(webhooks);
    let module = match &webhooks.signature {
        Some(signature) => signed_webhooks_rs(webhooks, signature, event_enum, decode, &partial_eq),
        None => unsigned_webhooks_rs(webhooks, event_enum, decode, &partial_eq),
    };
    let handshake = handshake(webhooks);
    quote! {
        #module
        #handshake
    }
}

/// `handshake`, when the spec declares one: recognises the request that is a check rather
/// than an event and returns the answer to send.
fn handshake(webhooks: &WebhooksIr) -> TokenStream {
    let Some(handshake) = &webhooks.handshake else { return quote!() };
    let mut text = format!(
        "The answer to the provider's handshake: when the body's `{}` is `{}`, the text at `{}`, to send back as the response body (with status 200); `None` for every other body, which is a delivery to verify.",
        handshake.field, handshake.value, handshake.respond
    );
    if let Some(description) = &handshake.description {
        text.push_str(&format!("\n\n{}", crate::markdown::repair(description).0));
    }
    text.push_str("\n\nCall it on the raw body before `verify`: a handshake is no event.");
    let docs = doc(&text);
    let (field, value, respond) = (lit(&handshake.field), lit(&handshake.value), lit(&handshake.respond));
    quote! {
        #docs
        pub fn handshake(body: &[u8]) -> ::std::option::Option<::std::string::String> {
            ::accord_runtime::webhook::handshake_response(body, #field, #value, #respond)
        }
    }
}

/// `Event`, one variant per declared event and `Unknown`, with `event_type`.
fn event_enum(webhooks: &WebhooksIr, partial_eq: &TokenStream) -> TokenStream {
    let variants: Vec<TokenStream> = webhooks
        .events
        .iter()
        .map(|event| {
            let variant = ident(&event.variant);
            let ty = type_tokens(&event.payload);
            let mut text = format!("`{}`", event.event_type);
            if let Some(description) = &event.description {
                text.push_str(&format!(": {}", crate::markdown::repair(description).0));
            }
            let docs = doc(&text);
            quote! {
                #docs
                #variant(#ty),
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
    quote! {
        /// The declared events; events the spec does not declare arrive as `Unknown`, and
        /// declared events whose payload does not fit their model as `Unrecognised` (from
        /// `verify`, both were signed with your secret: acknowledge them, as a rejection makes
        /// the provider deliver them again).
        #[derive(Debug, Clone)]
        #partial_eq
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
            /// A declared event type whose payload does not match the spec's model (the
            /// provider changed its shape, or the spec is out of date); the payload is kept
            /// as JSON.
            Unrecognised {
                /// The event type as sent.
                event_type: ::std::string::String,
                /// The payload.
                raw: ::accord_runtime::serde_json::Value,
                /// Why it does not match the model (serde's message, at most about
                /// 300 bytes).
                error: ::std::string::String,
            },
        }

        impl Event {
            /// The event type as the provider names it.
            pub fn event_type(&self) -> &str {
                match self {
                    #(#type_arms)*
                    Event::Unknown { event_type, .. } | Event::Unrecognised { event_type, .. } => event_type,
                }
            }
        }
    }
}

/// The statements that decode a delivery's body into `event` and find its `id` (the body of
/// `verify_delivery` and `parse_delivery` after any verification).
fn decode(webhooks: &WebhooksIr) -> TokenStream {
    let parse_arms: Vec<TokenStream> = webhooks
        .events
        .iter()
        .map(|event| {
            let variant = ident(&event.variant);
            let event_type = lit(&event.event_type);
            quote! {
                #event_type => match ::accord_runtime::webhook::payload(body) {
                    ::std::result::Result::Ok(event) => Event::#variant(event),
                    ::std::result::Result::Err(error) => Event::Unrecognised { event_type, raw: ::accord_runtime::webhook::raw_payload(body)?, error },
                },
            }
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
    // The event type and id are read with deep values skipped; a declared event decodes from
    // the bytes, so no undeclared field's depth rejects a delivery.
    let per_event_ids = webhooks.events.iter().any(|event| event.id_field.is_some());
    let navigation = (webhooks.event_type_field.is_some() || webhooks.event_id_field.is_some() || per_event_ids)
        .then(|| quote!(let payload = ::accord_runtime::webhook::navigation(body)?;));
    let section_id = match (&webhooks.event_id_field, &webhooks.event_id_header) {
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
    // Events that carry their id elsewhere (`events.NAME.id_field`) read it there.
    let event_id = if per_event_ids {
        let arms = webhooks.events.iter().filter_map(|event| {
            let pointer = lit(event.id_field.as_ref()?);
            let event_type = lit(&event.event_type);
            Some(quote!(#event_type => ::accord_runtime::webhook::pointer_text(&payload, #pointer),))
        });
        quote! {
            let id = match event_type.as_str() {
                #(#arms)*
                _ => { #section_id id }
            };
        }
    } else {
        section_id
    };
    quote! {
        #navigation
        #event_type
        #event_id
        let event = match event_type.as_str() {
            #(#parse_arms)*
            _ => Event::Unknown { event_type, raw: ::accord_runtime::webhook::raw_payload(body)? },
        };
    }
}

/// `webhooks.rs` without a declared signature scheme: the same `Event` and decoding as
/// [`signed_webhooks_rs`], as `parse` functions that say plainly that nothing is verified.
fn unsigned_webhooks_rs(
    webhooks: &WebhooksIr,
    event_enum: TokenStream,
    decode: TokenStream,
    partial_eq: &TokenStream,
) -> TokenStream {
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
    let shape = BatchShape::of(webhooks);
    let (events_type, deliveries_type, to_events) = (&shape.events_type, &shape.deliveries_type, &shape.to_events);
    let decode_all = if webhooks.batch {
        quote! {
            let items = ::accord_runtime::webhook::batch_items(body)?;
            let mut deliveries = ::std::vec::Vec::with_capacity(items.len());
            for body in items {
                #decode
                deliveries.push(Delivery { id, event });
            }
            ::std::result::Result::Ok(deliveries)
        }
    } else {
        quote! {
            #decode
            ::std::result::Result::Ok(Delivery { id, event })
        }
    };
    let parse_doc = doc(&format!(
        "Decodes a delivery into its typed event WITHOUT verifying it{}: the spec declares no signature scheme, so nothing here can tell a delivery the provider sent from one anybody else sent to your endpoint. Authenticate deliveries another way before acting on them (a secret in the endpoint's URL, mutual TLS, the provider's published addresses, or fetching the event back from the API). Works on the raw body bytes; `headers` is an `http::HeaderMap` (axum, hyper, reqwest) or a slice of `(name, value)` pairs (actix-web).\n\nA declared event whose payload does not fit its model arrives as `Event::Unrecognised`.\n\nErrors: [`::accord_runtime::webhook::WebhookError::InvalidPayload`] when the body cannot be read as JSON{header_error}.",
        if webhooks.batch {
            " (the body is a batch: its events in the order sent, each typed by its own event type)"
        } else {
            ""
        }
    ));
    quote! {
        //! Webhook decoding: parses a delivery into a typed [`Event`]. The spec declares no
        //! signature scheme, so nothing in this module verifies that a delivery came from the
        //! provider (see [`parse`]).

        #event_enum

        /// A decoded delivery: the event and its id for de-duplication (deliveries may arrive
        /// more than once: see [`::accord_runtime::webhook::Deduplicate`]). Nothing about it is
        /// verified: see [`parse`].
        #[derive(Debug, Clone)]
        #partial_eq
        pub struct Delivery {
            /// The event or delivery id, when the provider sends one.
            pub id: ::std::option::Option<::std::string::String>,
            /// The event.
            pub event: Event,
        }

        #parse_doc
        pub fn parse<H: ::accord_runtime::webhook::HeaderSource + ?Sized>(headers: &H, body: &[u8]) -> ::std::result::Result<#events_type, ::accord_runtime::webhook::WebhookError> {
            parse_delivery(headers, body).map(#to_events)
        }

        /// Decodes a delivery into its event and id, WITHOUT verifying it (the spec declares no
        /// signature scheme; see [`parse`]).
        ///
        /// Errors: as [`parse`].
        pub fn parse_delivery<H: ::accord_runtime::webhook::HeaderSource + ?Sized>(headers: &H, body: &[u8]) -> ::std::result::Result<#deliveries_type, ::accord_runtime::webhook::WebhookError> {
            #ignore_headers
            #decode_all
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
    partial_eq: &TokenStream,
) -> TokenStream {
    let scheme = scheme_tokens(signature);
    let tolerance = signature.tolerance_seconds;
    let signs_url = signature.signs_url();
    // Lowering sets the secret variable and the algorithm's title whenever it sets a scheme.
    let secret_env = webhooks.secret_env.as_deref().unwrap_or_default();
    let scheme_doc = doc(&format!(
        "The signature scheme of the spec{}: {} in `{}: {}`{} over `{}`{}.",
        webhooks.preset.map(|preset| format!(" (preset `{}`)", preset.id())).unwrap_or_default(),
        signature.algorithm.title(),
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
    let batch_doc = if webhooks.batch {
        " The body is a batch (a JSON array of events): the signature covers the whole body, and the events come back in the order sent, each typed by its own event type."
    } else {
        ""
    };
    let verify_doc = doc(&format!(
        "Verifies a delivery with `secret` at time `now` and returns its typed event.{batch_doc} Works on the raw body bytes; `headers` is an `http::HeaderMap` (axum, hyper, reqwest) or a slice of `(name, value)` pairs (actix-web).{url_doc}\n\nA signed delivery of a declared event whose payload does not fit its model is no error: it arrives as `Event::Unrecognised` with the verified JSON.\n\nErrors: a [`::accord_runtime::webhook::WebhookError`] saying why it was rejected; [`::accord_runtime::webhook::WebhookError::is_payload_error`] tells a signed body that cannot be read as JSON (acknowledge it: a 4xx makes the provider deliver it again) from a bad signature (answer 4xx)."
    ));
    let shape = BatchShape::of(webhooks);
    let (events_type, deliveries_type, to_events) = (&shape.events_type, &shape.deliveries_type, &shape.to_events);
    let decode_all = if webhooks.batch {
        quote! {
            let items = ::accord_runtime::webhook::batch_items(body)?;
            let mut deliveries = ::std::vec::Vec::with_capacity(items.len());
            for body in items {
                #decode
                deliveries.push(Delivery { id: id.or_else(|| verified.id.clone()), timestamp: verified.timestamp, event });
            }
            ::std::result::Result::Ok(deliveries)
        }
    } else {
        quote! {
            #decode
            ::std::result::Result::Ok(Delivery { id: id.or(verified.id), timestamp: verified.timestamp, event })
        }
    };
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
        #[derive(Debug, Clone)]
        #partial_eq
        pub struct Delivery {
            /// The event or delivery id, when the provider sends one.
            pub id: ::std::option::Option<::std::string::String>,
            /// The signed timestamp, unix seconds, when the scheme signs one.
            pub timestamp: ::std::option::Option<i64>,
            /// The event.
            pub event: Event,
        }

        #verify_doc
        pub fn verify<H: ::accord_runtime::webhook::HeaderSource + ?Sized>(headers: &H, body: &[u8], #url_param secret: &::accord_runtime::Secret, now: ::std::time::SystemTime) -> ::std::result::Result<#events_type, ::accord_runtime::webhook::WebhookError> {
            verify_delivery(headers, body, #url_arg &[secret], now).map(#to_events)
        }

        /// Verifies a delivery against any of several secrets (rotation: any may match) and
        /// returns the event with its id and timestamp.
        ///
        /// Errors: as [`verify`].
        pub fn verify_delivery<H: ::accord_runtime::webhook::HeaderSource + ?Sized>(headers: &H, body: &[u8], #url_param secrets: &[&::accord_runtime::Secret], now: ::std::time::SystemTime) -> ::std::result::Result<#deliveries_type, ::accord_runtime::webhook::WebhookError> {
            let verifier = VERIFIER.as_ref().map_err(::std::clone::Clone::clone)?;
            let verified = verifier.verify(headers, body, #url_value, secrets, now)?;
            #decode_all
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

/// What `verify`/`parse` and `verify_delivery`/`parse_delivery` return: one event, or the
/// events of a batch in the order sent.
struct BatchShape {
    events_type: TokenStream,
    deliveries_type: TokenStream,
    to_events: TokenStream,
}

impl BatchShape {
    fn of(webhooks: &WebhooksIr) -> BatchShape {
        if webhooks.batch {
            BatchShape {
                events_type: quote!(::std::vec::Vec<Event>),
                deliveries_type: quote!(::std::vec::Vec<Delivery>),
                to_events: quote!(|deliveries| deliveries.into_iter().map(|delivery| delivery.event).collect()),
            }
        } else {
            BatchShape {
                events_type: quote!(Event),
                deliveries_type: quote!(Delivery),
                to_events: quote!(|delivery| delivery.event),
            }
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
    let algorithm = match signature.algorithm {
        SignatureAlgorithm::HmacSha256 => quote!(HmacSha256),
        SignatureAlgorithm::HmacSha1 => quote!(HmacSha1),
        SignatureAlgorithm::Ed25519 => quote!(Ed25519),
        SignatureAlgorithm::EcdsaP256 => quote!(EcdsaP256),
    };
    let encoding = match signature.key.encoding {
        KeyEncoding::Utf8 => quote!(Utf8),
        KeyEncoding::Base64 => quote!(Base64),
        KeyEncoding::Hex => quote!(Hex),
    };
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
