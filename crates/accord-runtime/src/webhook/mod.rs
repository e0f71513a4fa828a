//! Webhook signatures, declared as data: verification, signing, event ids and de-duplication.
//!
//! A [`Scheme`] is the small grammar a spec's `webhooks.signature` section compiles to:
//! an algorithm (HMAC-SHA256, HMAC-SHA1, Ed25519), how the configured key text becomes key
//! bytes (UTF-8, base64 with an optional `whsec_`-style prefix, hex), a signed-content
//! template (`{id}.{timestamp}.{body}`), the signature header's format (`t={timestamp},v1={hex}`,
//! `v1,{base64}`, `sha256={hex}`) with the separator between its entries, where the timestamp
//! comes from and how far it may be from now. Standard Webhooks, Svix, Stripe, GitHub, Shopify,
//! Slack and Twilio are all instances of it: see `../shared/corpus/webhooks/schemes.yaml` and
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

mod dedup;
mod scheme;

use std::fmt;

pub use dedup::Deduplicate;
pub use scheme::{Algorithm, KeyEncoding, KeyFormat, MAX_SIGNATURES, Message, Scheme, Verified, Verifier};

/// Why a delivery was rejected (or, for [`Scheme::sign`], why it could not be signed).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// A required header is absent.
    MissingHeader {
        /// Header name as declared.
        name: String,
    },
    /// A header that must appear once appears several times.
    DuplicateHeader {
        /// Header name as declared.
        name: String,
    },
    /// The signature header, or its signature entry, is empty (`""`, `v1,`, `sha256=`).
    EmptySignature {
        /// Header name as declared.
        name: String,
    },
    /// The signature header does not follow the declared format: a wrong prefix
    /// (`sha1=` where `sha256=` is declared), or no entry of the declared version (a Stripe
    /// header with only `v0=` entries).
    WrongFormat {
        /// Header name as declared.
        name: String,
        /// The declared format, e.g. `sha256={hex}`.
        expected: String,
    },
    /// No signature candidate is valid text in the declared encoding.
    InvalidEncoding {
        /// `hex` (lowercase) or `base64` (standard alphabet, padded).
        expected: &'static str,
    },
    /// The signature header carries more than [`MAX_SIGNATURES`] signature entries.
    TooManySignatures {
        /// The most entries accepted.
        max: usize,
    },
    /// The signature decodes to the wrong number of bytes (truncated or padded).
    WrongLength {
        /// Bytes the algorithm produces (32 for HMAC-SHA256, 20 for HMAC-SHA1, 64 for Ed25519).
        expected: usize,
        /// Bytes found.
        found: usize,
    },
    /// The scheme signs a timestamp but the delivery carries none.
    MissingTimestamp,
    /// The timestamp is not a unix time in decimal seconds.
    InvalidTimestamp,
    /// The timestamp is outside the replay window.
    TimestampOutsideTolerance {
        /// `timestamp - now`, seconds: negative when too old, positive when too new.
        skew_seconds: i64,
    },
    /// No signature matched any key.
    SignatureMismatch,
    /// The scheme signs the request URL (`{url}`) and none was given.
    MissingUrl,
    /// The URL's body-hash parameter (Twilio's `bodySHA256`) is not the SHA-256 of the body.
    BodyHashMismatch,
    /// A configured key is not valid in the declared key encoding, or there is no key.
    InvalidKey(String),
    /// The scheme itself is inconsistent (a format without a signature placeholder, an
    /// unknown placeholder). Specs checked by accord never produce this.
    InvalidScheme(String),
    /// The signature matched but the payload is not the declared JSON.
    InvalidPayload(String),
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::MissingHeader { name } => write!(f, "missing header `{name}`"),
            WebhookError::DuplicateHeader { name } => write!(f, "header `{name}` appears more than once"),
            WebhookError::EmptySignature { name } => write!(f, "header `{name}` carries an empty signature"),
            WebhookError::WrongFormat { name, expected } => {
                write!(f, "header `{name}` does not follow the declared format `{expected}`")
            }
            WebhookError::TooManySignatures { max } => write!(f, "the header carries more than {max} signatures"),
            WebhookError::InvalidEncoding { expected } => write!(f, "the signature is not valid {expected}"),
            WebhookError::WrongLength { expected, found } => {
                write!(f, "the signature is {found} bytes long; {expected} were expected")
            }
            WebhookError::MissingTimestamp => f.write_str("the delivery carries no signature timestamp"),
            WebhookError::InvalidTimestamp => f.write_str("the signature timestamp is not a unix time in seconds"),
            WebhookError::TimestampOutsideTolerance { skew_seconds } => {
                write!(f, "the signature timestamp is {skew_seconds} s from now, outside the replay window")
            }
            WebhookError::SignatureMismatch => f.write_str("no signature matches any key"),
            WebhookError::MissingUrl => f.write_str("the scheme signs the request URL, and none was given"),
            WebhookError::BodyHashMismatch => f.write_str("the body hash in the URL does not match the body"),
            WebhookError::InvalidKey(message) => write!(f, "invalid webhook key: {message}"),
            WebhookError::InvalidScheme(message) => write!(f, "invalid signature scheme: {message}"),
            WebhookError::InvalidPayload(message) => write!(f, "the payload does not match its model: {message}"),
        }
    }
}

impl std::error::Error for WebhookError {}

/// Read access to a request's headers, so that the verifier works with any HTTP framework:
/// implemented for [`http::HeaderMap`](crate::header::HeaderMap) (reqwest, axum, hyper) and
/// for slices and vectors of `(name, value)` pairs (actix-web, or anything else). Names are
/// compared case-insensitively (RFC 9110 §5.1).
pub trait HeaderSource {
    /// Every value of header `name`, in the order received.
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a;
}

impl HeaderSource for crate::header::HeaderMap {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.get_all(name).iter().map(|value| value.as_bytes())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderSource for [(K, V)] {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.iter().filter(move |(key, _)| key.as_ref().eq_ignore_ascii_case(name)).map(|(_, value)| value.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderSource for Vec<(K, V)> {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.as_slice().header_values(name)
    }
}

/// The single value of header `name`, trimmed.
///
/// Errors: `MissingHeader` when absent, `DuplicateHeader` when sent twice, `WrongFormat`
/// when it is not UTF-8.
pub(crate) fn unique_header<'a, H: HeaderSource + ?Sized>(
    headers: &'a H,
    name: &'a str,
) -> Result<&'a str, WebhookError> {
    let mut values = headers.header_values(name);
    let first = values.next().ok_or_else(|| WebhookError::MissingHeader { name: name.to_string() })?;
    if values.next().is_some() {
        return Err(WebhookError::DuplicateHeader { name: name.to_string() });
    }
    let text = std::str::from_utf8(first)
        .map_err(|_| WebhookError::WrongFormat { name: name.to_string(), expected: "UTF-8 text".into() })?;
    Ok(text.trim())
}

/// Reads one header as text (event type, delivery id).
///
/// Errors: `MissingHeader` when absent or empty, `DuplicateHeader` when sent twice.
pub fn header_text<H: HeaderSource + ?Sized>(headers: &H, name: &str) -> Result<String, WebhookError> {
    let text = unique_header(headers, name)?;
    if text.is_empty() {
        return Err(WebhookError::MissingHeader { name: name.to_string() });
    }
    Ok(text.to_string())
}

/// Reads a string at a JSON pointer (RFC 6901) of a payload (event type, event id).
pub fn pointer_text(payload: &serde_json::Value, pointer: &str) -> Option<String> {
    payload.pointer(pointer).and_then(|v| v.as_str()).map(str::to_string)
}
