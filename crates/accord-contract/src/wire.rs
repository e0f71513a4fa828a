//! Wire-level concepts, each defined once: the spec parser (`accord::spec`), the IR, the
//! emitters, the contract, the mock and the runtime all use these enums, so a typo on one
//! side is a compile error rather than a silently chosen default. Only serde here (and
//! schemars behind the `schema` feature, which the compiler turns on to derive the spec's
//! JSON Schema), so the compiler uses them without an HTTP stack and the runtime without
//! syn.
//!
//! Every enum is matched exhaustively by its users: adding a variant makes the compiler
//! point at every place that must learn about it.

use serde::{Deserialize, Serialize};

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// What to do when an error code comes back (spec `errors.codes.*.retry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RetryStrategy {
    /// Do not retry: the request itself must change.
    Never,
    /// Retry with exponential backoff and jitter.
    Backoff,
    /// Wait as long as the `Retry-After` header says (RFC 9110 §10.2.3), then retry.
    AfterHeader,
    /// Refresh credentials, then retry once.
    RefreshAuth,
}

impl RetryStrategy {
    /// The spec's spelling (`after_header`).
    pub const fn as_str(self) -> &'static str {
        match self {
            RetryStrategy::Never => "never",
            RetryStrategy::Backoff => "backoff",
            RetryStrategy::AfterHeader => "after_header",
            RetryStrategy::RefreshAuth => "refresh_auth",
        }
    }
}

/// Jitter applied to a backoff delay (AWS Architecture Blog, "Exponential Backoff And
/// Jitter", 2015).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Jitter {
    /// The delay as computed.
    None,
    /// Uniform in `[0, delay]`.
    Full,
    /// Uniform in `[delay / 2, delay]`.
    Equal,
}

impl Jitter {
    /// The spec's spelling (`full`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Jitter::None => "none",
            Jitter::Full => "full",
            Jitter::Equal => "equal",
        }
    }
}

/// How a request body is encoded (spec `endpoints.*.request.content_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContentType {
    /// `application/json`.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`, nested objects in bracket notation
    /// (`metadata[key]=value`, as Stripe encodes them).
    Form,
    /// `multipart/form-data` (RFC 7578): one part per field of the body model, which must be
    /// an object. `format: binary` fields are file parts (`accord_runtime::File`), scalars
    /// text parts, lists one part per item, objects as `object_parts` says.
    Multipart,
}

impl ContentType {
    /// The spec's spelling (`form`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ContentType::Json => "json",
            ContentType::Form => "form",
            ContentType::Multipart => "multipart",
        }
    }

    /// The media type sent in `Content-Type` (a multipart body adds its boundary).
    pub const fn media_type(self) -> &'static str {
        match self {
            ContentType::Json => "application/json",
            ContentType::Form => "application/x-www-form-urlencoded",
            ContentType::Multipart => "multipart/form-data",
        }
    }
}

/// How a `multipart` body sends a field whose value is an object or a list of objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ObjectParts {
    /// One `application/json` part (OpenAPI 3's default encoding for object properties).
    #[default]
    Json,
    /// Text parts in bracket notation, `field[key]=value` (Stripe's file upload; OpenAPI's
    /// `style: deepObject` encoding).
    Brackets,
}

impl ObjectParts {
    /// The spec's spelling (`brackets`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ObjectParts::Json => "json",
            ObjectParts::Brackets => "brackets",
        }
    }
}

/// Webhook signature algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub enum SignatureAlgorithm {
    /// HMAC (RFC 2104) with SHA-256: Standard Webhooks v1, Svix, Stripe, GitHub, Shopify, Slack.
    #[serde(rename = "hmac-sha256")]
    HmacSha256,
    /// HMAC with SHA-1: Twilio, GitHub's legacy `X-Hub-Signature`.
    #[serde(rename = "hmac-sha1")]
    HmacSha1,
    /// Ed25519 (RFC 8032, pure): Standard Webhooks v1a. The runtime needs its `ed25519`
    /// feature for it.
    #[serde(rename = "ed25519")]
    Ed25519,
}

impl SignatureAlgorithm {
    /// The spec's spelling (`hmac-sha256`).
    pub const fn as_str(self) -> &'static str {
        match self {
            SignatureAlgorithm::HmacSha256 => "hmac-sha256",
            SignatureAlgorithm::HmacSha1 => "hmac-sha1",
            SignatureAlgorithm::Ed25519 => "ed25519",
        }
    }

    /// As people write it in prose (`HMAC-SHA256`).
    pub const fn title(self) -> &'static str {
        match self {
            SignatureAlgorithm::HmacSha256 => "HMAC-SHA256",
            SignatureAlgorithm::HmacSha1 => "HMAC-SHA1",
            SignatureAlgorithm::Ed25519 => "Ed25519",
        }
    }

    /// Length of one signature, bytes.
    pub const fn signature_length(self) -> usize {
        match self {
            SignatureAlgorithm::HmacSha256 => 32,
            SignatureAlgorithm::HmacSha1 => 20,
            SignatureAlgorithm::Ed25519 => 64,
        }
    }
}

/// How a configured key's text becomes key bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum KeyEncoding {
    /// The text's UTF-8 bytes, as is (Stripe, GitHub, Shopify, Slack, Twilio).
    #[default]
    Utf8,
    /// Base64, standard alphabet, decoded leniently: padding optional and non-zero trailing
    /// bits allowed, as the Standard Webhooks reference library (Python) accepts.
    Base64,
    /// Hexadecimal.
    Hex,
}

impl KeyEncoding {
    /// The spec's spelling (`base64`).
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyEncoding::Utf8 => "utf8",
            KeyEncoding::Base64 => "base64",
            KeyEncoding::Hex => "hex",
        }
    }
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
}

impl ApiKeyLocation {
    /// The spec's spelling (`header`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ApiKeyLocation::Header => "header",
            ApiKeyLocation::Query => "query",
        }
    }
}

/// HTTP request methods an endpoint may use (RFC 9110 §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub enum HttpMethod {
    /// GET
    #[serde(rename = "GET")]
    Get,
    /// POST
    #[serde(rename = "POST")]
    Post,
    /// PUT
    #[serde(rename = "PUT")]
    Put,
    /// PATCH
    #[serde(rename = "PATCH")]
    Patch,
    /// DELETE
    #[serde(rename = "DELETE")]
    Delete,
    /// HEAD
    #[serde(rename = "HEAD")]
    Head,
}

impl HttpMethod {
    /// Upper-case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Head => "HEAD",
        }
    }

    /// Whether the method is idempotent (RFC 9110 §9.2.2: GET, HEAD, PUT, DELETE, and
    /// OPTIONS and TRACE, which accord does not declare), so a failed attempt may be retried
    /// without an idempotency key.
    pub const fn is_idempotent(self) -> bool {
        match self {
            HttpMethod::Get | HttpMethod::Head | HttpMethod::Put | HttpMethod::Delete => true,
            HttpMethod::Post | HttpMethod::Patch => false,
        }
    }
}

/// `Display` writes the spec's spelling (`as_str`).
macro_rules! display_as_spelling {
    ($($name:ident),*) => {$(
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

display_as_spelling!(
    RetryStrategy,
    Jitter,
    ContentType,
    ObjectParts,
    SignatureAlgorithm,
    KeyEncoding,
    ApiKeyLocation,
    HttpMethod
);

/// accord's defaults, in one place: the compiler fills them into a lowered spec where the
/// spec is silent, and the runtime's `Default` impls use the same numbers, so a hand-built
/// client and a generated one agree.
pub mod defaults {
    use super::Jitter;

    /// Attempts when a spec declares no `retry` policy: one, since retrying is the spec's
    /// decision, not accord's.
    pub const MAX_ATTEMPTS_UNDECLARED: u32 = 1;
    /// First backoff delay when `retry` declares no `backoff`, milliseconds.
    pub const BACKOFF_INITIAL_MS: u64 = 1_000;
    /// Cap on one backoff delay when `retry` declares no `backoff`, milliseconds.
    pub const BACKOFF_MAX_MS: u64 = 30_000;
    /// Backoff growth factor when none is declared.
    pub const BACKOFF_MULTIPLIER: f64 = 2.0;
    /// Jitter when none is declared.
    pub const JITTER: Jitter = Jitter::Full;
    /// Time allowed to open a connection (TCP and TLS), milliseconds.
    pub const CONNECT_TIMEOUT_MS: u64 = 10_000;
    /// Time allowed for one attempt, milliseconds.
    pub const ATTEMPT_TIMEOUT_MS: u64 = 60_000;
    /// The longest `Retry-After` (or rate-limit reset) a client waits for before returning
    /// the error instead, milliseconds.
    pub const MAX_RETRY_AFTER_MS: u64 = 120_000;
    /// Retry budget capacity, tokens (smithy-rs's standard retry quota).
    pub const RETRY_BUDGET_CAPACITY: u32 = 500;
    /// Tokens one retry costs.
    pub const RETRY_BUDGET_RETRY_COST: u32 = 5;
    /// Tokens one retry after a timeout costs.
    pub const RETRY_BUDGET_TIMEOUT_RETRY_COST: u32 = 10;
    /// Tokens a first-attempt success gives back.
    pub const RETRY_BUDGET_SUCCESS_REWARD: u32 = 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_str_is_the_serde_spelling() {
        fn check<T: Serialize>(value: T, text: &str) {
            assert_eq!(serde_json::to_value(value).unwrap(), serde_json::Value::String(text.into()));
        }
        for strategy in
            [RetryStrategy::Never, RetryStrategy::Backoff, RetryStrategy::AfterHeader, RetryStrategy::RefreshAuth]
        {
            check(strategy, strategy.as_str());
        }
        for jitter in [Jitter::None, Jitter::Full, Jitter::Equal] {
            check(jitter, jitter.as_str());
        }
        for content in [ContentType::Json, ContentType::Form, ContentType::Multipart] {
            check(content, content.as_str());
        }
        for parts in [ObjectParts::Json, ObjectParts::Brackets] {
            check(parts, parts.as_str());
        }
        for algorithm in [SignatureAlgorithm::HmacSha256, SignatureAlgorithm::HmacSha1, SignatureAlgorithm::Ed25519] {
            check(algorithm, algorithm.as_str());
        }
        for encoding in [KeyEncoding::Utf8, KeyEncoding::Base64, KeyEncoding::Hex] {
            check(encoding, encoding.as_str());
        }
        for location in [ApiKeyLocation::Header, ApiKeyLocation::Query] {
            check(location, location.as_str());
        }
        for method in [
            HttpMethod::Get,
            HttpMethod::Post,
            HttpMethod::Put,
            HttpMethod::Patch,
            HttpMethod::Delete,
            HttpMethod::Head,
        ] {
            check(method, method.as_str());
        }
    }
}
