//! Webhook signatures, declared as data: verification, signing, event ids and de-duplication.
//!
//! A [`Scheme`] is the small grammar a spec's `webhooks.signature` section compiles to:
//! an algorithm (HMAC-SHA256, HMAC-SHA1, Ed25519, ECDSA P-256), how the configured key text becomes key
//! bytes (UTF-8, base64 with an optional `whsec_`-style prefix, hex), a signed-content
//! template (`{id}.{timestamp}.{body}`), the signature header's format (`t={timestamp},v1={hex}`,
//! `v1,{base64}`, `sha256={hex}`) with the separator between its entries, where the timestamp
//! comes from and how far it may be from now. Standard Webhooks, Svix, Stripe, GitHub, Shopify,
//! Slack, Twilio and SendGrid are all instances of it: see `../shared/corpus/webhooks/schemes.yaml` and
//! the presets of the accord compiler, which are checked against that file's vectors.
//!
//! Rules the verifier keeps for every scheme:
//! - it checks the raw body bytes, never re-serialised JSON;
//! - the timestamp must lie within the tolerance in both directions (too old and too new);
//! - any of several signatures in the header (key rotation) and any of several keys may match;
//! - each candidate is decoded strictly (lowercase hex, canonical padded base64) and its length
//!   checked before a constant-time comparison (`subtle`), so `v1,` or `sha256=` with nothing
//!   after them never verify (svix#1190, standard-webhooks#115);
//! - every rejection has its own [`WebhookError`] kind, and no header or body makes it panic.

mod batch;
mod dedup;
mod ecdsa;
mod error;
mod headers;
mod scheme;

/// The runtime's name for [`SignatureAlgorithm`] before the wire enums were defined once
/// (`accord_contract::wire`); generated code still writes `webhook::Algorithm::HmacSha256`.
pub use accord_contract::wire::SignatureAlgorithm as Algorithm;
pub use accord_contract::wire::{KeyEncoding, SignatureAlgorithm};
pub use batch::{batch_items, handshake_response};
pub use dedup::Deduplicate;
pub use error::WebhookError;
pub use headers::{HeaderSource, header_text, navigation, payload, pointer_text, raw_payload};
pub use scheme::{KeyFormat, MAX_SIGNATURES, Message, Scheme, Verified, Verifier};
