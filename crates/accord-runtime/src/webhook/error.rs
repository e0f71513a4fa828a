//! Why a webhook delivery was rejected, or could not be signed.

use std::fmt;

/// Why a delivery was rejected (or, for [`Scheme::sign`](super::Scheme::sign), why it could not be
/// signed).
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
    /// The signature header carries more than [`MAX_SIGNATURES`](super::MAX_SIGNATURES) signature entries.
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
    /// The body cannot be read as JSON (not JSON, or nested deeper than serde_json reads). From
    /// a generated `verify`, the signature matched before this was found: the provider sent
    /// it, and answering 4xx only makes it deliver the same body again (see
    /// [`WebhookError::is_payload_error`]). A signed delivery that is JSON but not the shape
    /// the spec declares is no error: it arrives as the generated `Event::Unrecognised`.
    /// The message is at most about [`MAX_ERROR_EXCERPT`](crate::MAX_ERROR_EXCERPT) bytes
    /// when built with [`WebhookError::invalid_payload`].
    InvalidPayload(String),
}

impl WebhookError {
    /// [`WebhookError::InvalidPayload`] with `error`'s message cut to at most about
    /// [`MAX_ERROR_EXCERPT`](crate::MAX_ERROR_EXCERPT) bytes (serde quotes the offending
    /// value, which may be megabytes of the body).
    pub fn invalid_payload(error: impl fmt::Display) -> Self {
        WebhookError::InvalidPayload(crate::excerpt(&error.to_string(), crate::MAX_ERROR_EXCERPT).into_owned())
    }

    /// Whether this rejection is about the payload rather than the signature, headers,
    /// timestamp or key. From a generated `verify`, such a delivery was signed with your
    /// secret: log it and answer 2xx, as a 4xx makes the provider redeliver it.
    pub fn is_payload_error(&self) -> bool {
        matches!(self, WebhookError::InvalidPayload(_))
    }
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
            WebhookError::InvalidPayload(message) => {
                write!(f, "the payload cannot be read as JSON: {}", crate::excerpt(message, crate::MAX_ERROR_EXCERPT))
            }
        }
    }
}

impl std::error::Error for WebhookError {}
