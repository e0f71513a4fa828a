//! Request-signing schemes as declared: AWS Signature Version 4 and a declared HMAC request
//! signature. Like the rest of [`crate::auth`], only where credentials come from (variable
//! names) and what the scheme signs, never a key.

use crate::wire::{ApiKeyLocation, KeyEncoding, SignatureAlgorithm};

/// AWS Signature Version 4 (AWS General Reference, "Signature Version 4 for API requests";
/// IAM User Guide, "Create a signed AWS API request"): an `Authorization:
/// AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header over the canonical
/// request, with `X-Amz-Date` (and `X-Amz-Security-Token` for temporary credentials).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize))]
pub struct AwsSigV4 {
    /// Region of the credential scope (`us-east-1`).
    pub region: String,
    /// Service of the credential scope (`s3`).
    pub service: String,
    /// Variable holding the access key id (`AWS_ACCESS_KEY_ID`).
    pub access_key_id_env: String,
    /// Variable holding the secret access key (`AWS_SECRET_ACCESS_KEY`).
    pub secret_access_key_env: String,
    /// Variable holding the session token of temporary credentials (`AWS_SESSION_TOKEN`),
    /// sent as `X-Amz-Security-Token` when set.
    pub session_token_env: String,
    /// Whether the payload's SHA-256 goes in `X-Amz-Content-SHA256` (Amazon S3 requires it).
    pub content_sha256_header: bool,
    /// Whether the canonical URI is normalised (RFC 3986 §6) and each segment encoded twice,
    /// as every service but Amazon S3 expects.
    pub normalize_uri: bool,
}

/// A declared HMAC request signature: the client signs each request of the endpoints that
/// require the credential, and the server recomputes it (Binance's `SIGNED` endpoints,
/// exchanges and payment networks).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize))]
pub struct HmacSignature {
    /// `hmac-sha256` or `hmac-sha1`.
    pub algorithm: SignatureAlgorithm,
    /// How the secret's text becomes key bytes.
    pub key_encoding: KeyEncoding,
    /// The signed content: a template over `{method}`, `{path}`, `{query}` (the query string
    /// as sent, the signature parameter left out), `{body}`, `{body_sha256}` (hex),
    /// `{timestamp}`, `{nonce}` and `{key_id}`.
    pub signed_payload: String,
    /// Where the signature goes and its text (`{hex}` or `{base64}` inside a format such as
    /// `v1={hex}`).
    pub signature: SignaturePlace,
    /// Where the request's timestamp goes, its unit, and how far from the server's clock it
    /// may be.
    pub timestamp: Option<TimestampPlace>,
    /// Where a fresh random nonce goes (a UUID v4).
    pub nonce: Option<Place>,
    /// Where the key id goes.
    pub key_id: Option<Place>,
    /// Variable holding the key id (when `key_id` is declared).
    pub key_id_env: String,
    /// Variable holding the secret.
    pub secret_env: String,
}

/// A header or query parameter.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize))]
pub struct Place {
    /// Header or query.
    pub location: ApiKeyLocation,
    /// Its name.
    pub name: String,
}

/// Where a signature goes and how it is written.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize))]
pub struct SignaturePlace {
    /// Header or query.
    pub location: ApiKeyLocation,
    /// Its name.
    pub name: String,
    /// Its text, holding `{hex}` or `{base64}` once (`{hex}`, `sha256={hex}`).
    pub format: String,
}

/// Where a signed timestamp goes.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize))]
pub struct TimestampPlace {
    /// Header or query.
    pub location: ApiKeyLocation,
    /// Its name.
    pub name: String,
    /// Unix time in `seconds` or `milliseconds`.
    pub unit: TimestampUnit,
    /// How far from the server's clock it may be, seconds, in both directions.
    pub tolerance_seconds: u64,
}

/// The unit of a Unix timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum TimestampUnit {
    /// Seconds since 1970-01-01T00:00:00Z.
    Seconds,
    /// Milliseconds since 1970-01-01T00:00:00Z (Binance).
    Milliseconds,
}

impl TimestampUnit {
    /// The spec's spelling (`milliseconds`).
    pub const fn as_str(self) -> &'static str {
        match self {
            TimestampUnit::Seconds => "seconds",
            TimestampUnit::Milliseconds => "milliseconds",
        }
    }
}
