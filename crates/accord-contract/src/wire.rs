//! Wire-level concepts, each defined once: the spec parser (`accord::spec`), the IR, the
//! emitters, the contract, the mock and the runtime all use these enums, so a typo on one
//! side is a compile error rather than a silently chosen default. Only serde here: its
//! derives behind the `derive` feature (which `contract` turns on), schemars behind the
//! `schema` feature (which the compiler turns on to derive the spec's JSON Schema); so the
//! compiler uses them without an HTTP stack and the runtime without syn.
//!
//! Every enum is matched exhaustively by its users: adding a variant makes the compiler
//! point at every place that must learn about it.

use serde::{Deserialize, Serialize};

mod body_match;
mod rate_limit_headers;

pub use body_match::{BodyMatch, BodyTest};
pub use rate_limit_headers::ResetUnit;

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// What to do when an error code comes back (spec `errors.codes.*.retry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
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
    /// Text as is, UTF-8 (`text/plain` unless a `media_type` says otherwise: `text/csv`,
    /// `application/xml`, …); the body type is `string` and the generated code takes or
    /// returns a `String`.
    Text,
    /// Bytes as they are (`application/octet-stream` unless a `media_type` says otherwise:
    /// `image/png`, `application/pdf`, …); the body type is `string` and the generated code
    /// takes or returns `Vec<u8>`.
    Binary,
}

impl ContentType {
    /// The spec's spelling (`form`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ContentType::Json => "json",
            ContentType::Form => "form",
            ContentType::Multipart => "multipart",
            ContentType::Text => "text",
            ContentType::Binary => "binary",
        }
    }

    /// The media type sent in `Content-Type` (a multipart body adds its boundary); for
    /// `text` and `binary` the one used when the spec names none.
    pub const fn media_type(self) -> &'static str {
        match self {
            ContentType::Json => "application/json",
            ContentType::Form => "application/x-www-form-urlencoded",
            ContentType::Multipart => "multipart/form-data",
            ContentType::Text => "text/plain",
            ContentType::Binary => "application/octet-stream",
        }
    }

    /// Whether the body is sent and read as it is (`text`, `binary`), not encoded from a
    /// model.
    pub const fn is_raw(self) -> bool {
        match self {
            ContentType::Json | ContentType::Form | ContentType::Multipart => false,
            ContentType::Text | ContentType::Binary => true,
        }
    }
}

/// Which response statuses a declaration covers: one status, a class of them, or every
/// status nothing else declares (OpenAPI 3.x §4.8.16.2, the Responses Object's patterned
/// fields: a status code, a range `1XX`…`5XX`, or `default`).
///
/// Written in a spec and in a contract as a number (`404`) or a string (`"4XX"`,
/// `"default"`). When several declarations cover one status the most specific wins: an
/// exact status over a range, a range over `default` ([`StatusPattern::specificity`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusPattern {
    /// One status, `100..=599`.
    Exact(u16),
    /// Every status of a class: `4` is `4XX`, `400..=499`. Classes are `1..=5`.
    Range(u8),
    /// Every status no other declaration covers.
    Default,
}

impl StatusPattern {
    /// Reads the spelling of an OpenAPI Responses Object key: `404`, `4XX` (upper-case `X`,
    /// as OpenAPI requires) or `default`. `None` for anything else, and for a number outside
    /// `100..=599` or a class outside `1..=5`.
    pub fn parse(text: &str) -> Option<StatusPattern> {
        if text == "default" {
            return Some(StatusPattern::Default);
        }
        let bytes = text.as_bytes();
        if let [class @ b'1'..=b'5', b'X', b'X'] = bytes {
            return Some(StatusPattern::Range(class - b'0'));
        }
        if bytes.len() == 3 && bytes.iter().all(u8::is_ascii_digit) {
            let status: u16 = text.parse().ok()?;
            return (100..=599).contains(&status).then_some(StatusPattern::Exact(status));
        }
        None
    }

    /// Whether a response with `status` is covered.
    pub const fn matches(self, status: u16) -> bool {
        match self {
            StatusPattern::Exact(exact) => exact == status,
            StatusPattern::Range(class) => status / 100 == class as u16,
            StatusPattern::Default => true,
        }
    }

    /// How specific the pattern is: 2 for an exact status, 1 for a range, 0 for `default`.
    /// Of the declarations that cover a status, those of the highest specificity apply.
    pub const fn specificity(self) -> u8 {
        match self {
            StatusPattern::Exact(_) => 2,
            StatusPattern::Range(_) => 1,
            StatusPattern::Default => 0,
        }
    }

    /// Whether every status it covers is a success (2xx).
    pub const fn is_success(self) -> bool {
        match self {
            StatusPattern::Exact(status) => status >= 200 && status < 300,
            StatusPattern::Range(class) => class == 2,
            StatusPattern::Default => false,
        }
    }

    /// The statuses it covers, in order (`default`: `100..=599`).
    pub fn statuses(self) -> std::ops::RangeInclusive<u16> {
        match self {
            StatusPattern::Exact(status) => status..=status,
            StatusPattern::Range(class) => (class as u16 * 100)..=(class as u16 * 100 + 99),
            StatusPattern::Default => 100..=599,
        }
    }
}

/// Of `declarations` (each an item with the status patterns it is declared with), the ones
/// that apply to a response with `status`: those with a pattern that matches it, and of those
/// only the most specific (an exact status over a range, a range over `default`), in the
/// given order. Empty when nothing covers the status.
pub fn most_specific<T, P>(declarations: impl IntoIterator<Item = (T, P)>, status: u16) -> Vec<T>
where
    P: IntoIterator<Item = StatusPattern>,
{
    let mut best = 0;
    let mut found: Vec<(u8, T)> = Vec::new();
    for (item, patterns) in declarations {
        let specificity =
            patterns.into_iter().filter(|pattern| pattern.matches(status)).map(StatusPattern::specificity).max();
        if let Some(specificity) = specificity {
            best = best.max(specificity);
            found.push((specificity, item));
        }
    }
    found.into_iter().filter(|(specificity, _)| *specificity == best).map(|(_, item)| item).collect()
}

impl std::fmt::Display for StatusPattern {
    /// `404`, `4XX`, `default`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusPattern::Exact(status) => write!(f, "{status}"),
            StatusPattern::Range(class) => write!(f, "{class}XX"),
            StatusPattern::Default => f.write_str("default"),
        }
    }
}

impl Serialize for StatusPattern {
    /// A number for an exact status, the string `4XX` or `default` otherwise.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            StatusPattern::Exact(status) => serializer.serialize_u16(*status),
            other => serializer.collect_str(other),
        }
    }
}

impl<'de> Deserialize<'de> for StatusPattern {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = StatusPattern;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an HTTP status (100 to 599), a range `1XX` to `5XX`, or `default`")
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<StatusPattern, E> {
                match u16::try_from(value) {
                    Ok(status) if (100..=599).contains(&status) => Ok(StatusPattern::Exact(status)),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Unsigned(value), &self)),
                }
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<StatusPattern, E> {
                match u64::try_from(value) {
                    Ok(value) => self.visit_u64(value),
                    Err(_) => Err(E::invalid_value(serde::de::Unexpected::Signed(value), &self)),
                }
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<StatusPattern, E> {
                StatusPattern::parse(value).ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(value), &self))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(feature = "schema")]
impl JsonSchema for StatusPattern {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "StatusPattern".into()
    }

    /// A status `100..=599` (a number, or three digits as text, as [`StatusPattern::parse`]
    /// reads them), or `1XX`…`5XX`, or `default`.
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An HTTP status (`404`, or the text `\"404\"`), a range of them (`1XX` to `5XX`, OpenAPI's spelling), or `default`: every status nothing else declares.",
            "oneOf": [
                { "type": "integer", "minimum": 100, "maximum": 599 },
                { "type": "string", "pattern": "^([1-5]XX|[1-5][0-9][0-9]|default)$" }
            ]
        })
    }
}

/// How a `multipart` body sends a field whose value is an object or a list of objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub enum SignatureAlgorithm {
    /// HMAC (RFC 2104) with SHA-256: Standard Webhooks v1, Svix, Stripe, GitHub, Shopify, Slack.
    #[cfg_attr(feature = "derive", serde(rename = "hmac-sha256"))]
    HmacSha256,
    /// HMAC with SHA-1: Twilio, GitHub's legacy `X-Hub-Signature`.
    #[cfg_attr(feature = "derive", serde(rename = "hmac-sha1"))]
    HmacSha1,
    /// Ed25519 (RFC 8032, pure): Standard Webhooks v1a. The runtime needs its `ed25519`
    /// feature for it.
    #[cfg_attr(feature = "derive", serde(rename = "ed25519"))]
    Ed25519,
    /// ECDSA over NIST P-256 with SHA-256 (FIPS 186-5), the signature ASN.1 DER-encoded
    /// (RFC 3279 §2.2.3, `Ecdsa-Sig-Value`): SendGrid's Event Webhook. The public key is a
    /// DER SubjectPublicKeyInfo (RFC 5480). The runtime needs its `ecdsa-p256` feature for it.
    #[cfg_attr(feature = "derive", serde(rename = "ecdsa-p256"))]
    EcdsaP256,
}

impl SignatureAlgorithm {
    /// The spec's spelling (`hmac-sha256`).
    pub const fn as_str(self) -> &'static str {
        match self {
            SignatureAlgorithm::HmacSha256 => "hmac-sha256",
            SignatureAlgorithm::HmacSha1 => "hmac-sha1",
            SignatureAlgorithm::Ed25519 => "ed25519",
            SignatureAlgorithm::EcdsaP256 => "ecdsa-p256",
        }
    }

    /// As people write it in prose (`HMAC-SHA256`).
    pub const fn title(self) -> &'static str {
        match self {
            SignatureAlgorithm::HmacSha256 => "HMAC-SHA256",
            SignatureAlgorithm::HmacSha1 => "HMAC-SHA1",
            SignatureAlgorithm::Ed25519 => "Ed25519",
            SignatureAlgorithm::EcdsaP256 => "ECDSA P-256 with SHA-256",
        }
    }

    /// Length of one signature, bytes; for an algorithm of DER-encoded signatures (see
    /// [`SignatureAlgorithm::variable_length`]) the longest one: a P-256 `Ecdsa-Sig-Value` is
    /// a SEQUENCE of two INTEGERs of at most 33 bytes each, 72 bytes in all.
    pub const fn signature_length(self) -> usize {
        match self {
            SignatureAlgorithm::HmacSha256 => 32,
            SignatureAlgorithm::HmacSha1 => 20,
            SignatureAlgorithm::Ed25519 => 64,
            SignatureAlgorithm::EcdsaP256 => 72,
        }
    }

    /// Whether signatures vary in length (DER drops leading zero bytes of `r` and `s`), so
    /// that [`SignatureAlgorithm::signature_length`] is a bound rather than the length.
    pub const fn variable_length(self) -> bool {
        match self {
            SignatureAlgorithm::HmacSha256 | SignatureAlgorithm::HmacSha1 | SignatureAlgorithm::Ed25519 => false,
            SignatureAlgorithm::EcdsaP256 => true,
        }
    }

    /// Whether the key that verifies differs from the one that signs (a public key).
    pub const fn asymmetric(self) -> bool {
        match self {
            SignatureAlgorithm::HmacSha256 | SignatureAlgorithm::HmacSha1 => false,
            SignatureAlgorithm::Ed25519 | SignatureAlgorithm::EcdsaP256 => true,
        }
    }
}

/// How a configured key's text becomes key bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "lowercase"))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
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

/// Where a request parameter goes (OpenAPI 3.1 §4.8.12.2 "Parameter Locations"; cookies are
/// not supported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub enum ParamLocation {
    /// A `{name}` of the path template.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

impl ParamLocation {
    /// The spec's spelling (`query`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        }
    }
}

/// How a parameter's value is written (OpenAPI 3.1 §4.8.12.4 "Style Values", after the
/// expansions of RFC 6570 §3.2), with the examples of its "Style Examples" table for
/// `color` = `"blue"`, `["blue","black","brown"]` and `{"R":100,"G":200,"B":150}`:
///
/// | style | explode | string | array | object |
/// |---|---|---|---|---|
/// | `matrix` | false | `;color=blue` | `;color=blue,black,brown` | `;color=R,100,G,200,B,150` |
/// | `matrix` | true | `;color=blue` | `;color=blue;color=black;color=brown` | `;R=100;G=200;B=150` |
/// | `label` | false | `.blue` | `.blue.black.brown` | `.R.100.G.200.B.150` |
/// | `label` | true | `.blue` | `.blue.black.brown` | `.R=100.G=200.B=150` |
/// | `form` | false | `color=blue` | `color=blue,black,brown` | `color=R,100,G,200,B,150` |
/// | `form` | true | `color=blue` | `color=blue&color=black&color=brown` | `R=100&G=200&B=150` |
/// | `simple` | false | `blue` | `blue,black,brown` | `R,100,G,200,B,150` |
/// | `simple` | true | `blue` | `blue,black,brown` | `R=100,G=200,B=150` |
/// | `space_delimited` | false | | `color=blue%20black%20brown` | `color=R%20100%20G%20200%20B%20150` |
/// | `pipe_delimited` | false | | `color=blue\|black\|brown` | `color=R\|100\|G\|200\|B\|150` |
/// | `deep_object` | true | | | `color[R]=100&color[G]=200&color[B]=150` |
///
/// `label` follows OpenAPI's table (RFC 6570 §3.2.5 would write `.blue,black,brown` without
/// explode). The spec's spelling is snake_case; OpenAPI's is camelCase (`spaceDelimited`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub enum ParamStyle {
    /// `name=value` pairs (RFC 6570 form-style query expansion `{?name}`); query only. The
    /// query default.
    Form,
    /// Array items (or object keys and values) joined by a space, sent as `%20`; query only.
    /// A space inside an item is also `%20`, so a reader cannot tell it from the separator.
    SpaceDelimited,
    /// Array items (or object keys and values) joined by `|`; query only.
    PipeDelimited,
    /// An object as `name[key]=value` pairs, nested objects as `name[key][inner]`; query only.
    /// OpenAPI defines it for objects; a list is written by index, `name[0]=a&name[1]=b`, as
    /// Stripe's API reads `expand` (its OpenAPI document gives `expand` this style).
    DeepObject,
    /// Comma-separated values (RFC 6570 simple expansion `{name}`); path and header. The
    /// path and header default.
    Simple,
    /// `.`-prefixed values (RFC 6570 label expansion `{.name}`); path only.
    Label,
    /// `;name=value` (RFC 6570 path-style expansion `{;name}`); path only.
    Matrix,
}

impl ParamStyle {
    /// Every style, in the order of OpenAPI's table.
    pub const ALL: [ParamStyle; 7] = [
        ParamStyle::Matrix,
        ParamStyle::Label,
        ParamStyle::Form,
        ParamStyle::Simple,
        ParamStyle::SpaceDelimited,
        ParamStyle::PipeDelimited,
        ParamStyle::DeepObject,
    ];

    /// The spec's spelling (`space_delimited`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ParamStyle::Form => "form",
            ParamStyle::SpaceDelimited => "space_delimited",
            ParamStyle::PipeDelimited => "pipe_delimited",
            ParamStyle::DeepObject => "deep_object",
            ParamStyle::Simple => "simple",
            ParamStyle::Label => "label",
            ParamStyle::Matrix => "matrix",
        }
    }

    /// OpenAPI's spelling (`spaceDelimited`).
    pub const fn openapi_name(self) -> &'static str {
        match self {
            ParamStyle::Form => "form",
            ParamStyle::SpaceDelimited => "spaceDelimited",
            ParamStyle::PipeDelimited => "pipeDelimited",
            ParamStyle::DeepObject => "deepObject",
            ParamStyle::Simple => "simple",
            ParamStyle::Label => "label",
            ParamStyle::Matrix => "matrix",
        }
    }

    /// The style from OpenAPI's spelling (`deepObject`); `None` for `cookie`-only or unknown
    /// styles.
    pub fn from_openapi(name: &str) -> Option<ParamStyle> {
        ParamStyle::ALL.into_iter().find(|style| style.openapi_name() == name)
    }

    /// The style a parameter has when none is given (OpenAPI 3.1 §4.8.12.4: `form` for
    /// query, `simple` for path and header).
    pub const fn default_for(location: ParamLocation) -> ParamStyle {
        match location {
            ParamLocation::Query => ParamStyle::Form,
            ParamLocation::Path | ParamLocation::Header => ParamStyle::Simple,
        }
    }

    /// `explode` when none is given: `true` for `form` (OpenAPI 3.1 §4.8.12.1: "When style is
    /// form, the default value is true. For all other styles, the default value is false")
    /// and for `deep_object`, whose only serialization OpenAPI's table gives is exploded.
    pub const fn default_explode(self) -> bool {
        match self {
            ParamStyle::Form | ParamStyle::DeepObject => true,
            ParamStyle::SpaceDelimited
            | ParamStyle::PipeDelimited
            | ParamStyle::Simple
            | ParamStyle::Label
            | ParamStyle::Matrix => false,
        }
    }

    /// Whether OpenAPI defines the style in `location` (its "Style Values" table).
    pub const fn allowed_in(self, location: ParamLocation) -> bool {
        match self {
            ParamStyle::Form | ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited | ParamStyle::DeepObject => {
                matches!(location, ParamLocation::Query)
            }
            ParamStyle::Simple => matches!(location, ParamLocation::Path | ParamLocation::Header),
            ParamStyle::Label | ParamStyle::Matrix => matches!(location, ParamLocation::Path),
        }
    }

    /// Whether OpenAPI's table defines the style with this `explode`: `space_delimited` and
    /// `pipe_delimited` only without it ("n/a" with it), `deep_object` only with it.
    pub const fn allows_explode(self, explode: bool) -> bool {
        match self {
            ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited => !explode,
            ParamStyle::DeepObject => explode,
            ParamStyle::Form | ParamStyle::Simple | ParamStyle::Label | ParamStyle::Matrix => true,
        }
    }

    /// Whether the style writes a lone string, number or boolean (OpenAPI's table has no
    /// such example for `space_delimited`, `pipe_delimited` and `deep_object`).
    pub const fn allows_primitive(self) -> bool {
        match self {
            ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited | ParamStyle::DeepObject => false,
            ParamStyle::Form | ParamStyle::Simple | ParamStyle::Label | ParamStyle::Matrix => true,
        }
    }
}

/// HTTP request methods an endpoint may use (RFC 9110 §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub enum HttpMethod {
    /// GET
    #[cfg_attr(feature = "derive", serde(rename = "GET"))]
    Get,
    /// POST
    #[cfg_attr(feature = "derive", serde(rename = "POST"))]
    Post,
    /// PUT
    #[cfg_attr(feature = "derive", serde(rename = "PUT"))]
    Put,
    /// PATCH
    #[cfg_attr(feature = "derive", serde(rename = "PATCH"))]
    Patch,
    /// DELETE
    #[cfg_attr(feature = "derive", serde(rename = "DELETE"))]
    Delete,
    /// HEAD
    #[cfg_attr(feature = "derive", serde(rename = "HEAD"))]
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
    ParamLocation,
    ParamStyle,
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
    #[cfg(feature = "derive")]
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
        for content in
            [ContentType::Json, ContentType::Form, ContentType::Multipart, ContentType::Text, ContentType::Binary]
        {
            check(content, content.as_str());
        }
        for parts in [ObjectParts::Json, ObjectParts::Brackets] {
            check(parts, parts.as_str());
        }
        for algorithm in [
            SignatureAlgorithm::HmacSha256,
            SignatureAlgorithm::HmacSha1,
            SignatureAlgorithm::Ed25519,
            SignatureAlgorithm::EcdsaP256,
        ] {
            check(algorithm, algorithm.as_str());
        }
        for encoding in [KeyEncoding::Utf8, KeyEncoding::Base64, KeyEncoding::Hex] {
            check(encoding, encoding.as_str());
        }
        for location in [ApiKeyLocation::Header, ApiKeyLocation::Query] {
            check(location, location.as_str());
        }
        for location in [ParamLocation::Path, ParamLocation::Query, ParamLocation::Header] {
            check(location, location.as_str());
        }
        for style in ParamStyle::ALL {
            check(style, style.as_str());
            assert_eq!(ParamStyle::from_openapi(style.openapi_name()), Some(style));
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

    #[test]
    fn defaults_follow_openapi() {
        assert_eq!(ParamStyle::default_for(ParamLocation::Query), ParamStyle::Form);
        assert_eq!(ParamStyle::default_for(ParamLocation::Path), ParamStyle::Simple);
        assert_eq!(ParamStyle::default_for(ParamLocation::Header), ParamStyle::Simple);
        assert!(ParamStyle::Form.default_explode());
        assert!(!ParamStyle::Simple.default_explode());
        for location in [ParamLocation::Path, ParamLocation::Query, ParamLocation::Header] {
            assert!(ParamStyle::default_for(location).allowed_in(location));
        }
        assert!(!ParamStyle::Matrix.allowed_in(ParamLocation::Query));
        assert!(!ParamStyle::DeepObject.allowed_in(ParamLocation::Header));
        for style in ParamStyle::ALL {
            assert!(style.allows_explode(style.default_explode()), "{style}");
        }
    }

    #[test]
    fn status_patterns_read_and_print_as_openapi_writes_them() {
        for (text, pattern) in [
            ("404", Some(StatusPattern::Exact(404))),
            ("4XX", Some(StatusPattern::Range(4))),
            ("1XX", Some(StatusPattern::Range(1))),
            ("default", Some(StatusPattern::Default)),
            ("6XX", None),
            ("4xx", None),
            ("0XX", None),
            ("600", None),
            ("099", None),
            ("40", None),
            ("Default", None),
        ] {
            assert_eq!(StatusPattern::parse(text), pattern, "{text}");
            if let Some(pattern) = pattern {
                assert_eq!(pattern.to_string(), text);
            }
        }
        assert_eq!(serde_json::to_value(StatusPattern::Exact(404)).unwrap(), serde_json::json!(404));
        assert_eq!(serde_json::to_value(StatusPattern::Range(5)).unwrap(), serde_json::json!("5XX"));
        let read: Vec<StatusPattern> = serde_json::from_str(r#"[404, "4XX", "default"]"#).unwrap();
        assert_eq!(read, [StatusPattern::Exact(404), StatusPattern::Range(4), StatusPattern::Default]);
        assert!(serde_json::from_str::<StatusPattern>("700").is_err());
        assert!(serde_json::from_str::<StatusPattern>(r#""4xx""#).is_err());
    }

    #[test]
    fn status_patterns_match_their_statuses_and_rank_by_specificity() {
        assert!(StatusPattern::Range(4).matches(404) && StatusPattern::Range(4).matches(499));
        assert!(!StatusPattern::Range(4).matches(500) && !StatusPattern::Exact(404).matches(405));
        assert!(StatusPattern::Default.matches(503));
        assert!(
            StatusPattern::Exact(404).specificity() > StatusPattern::Range(4).specificity()
                && StatusPattern::Range(4).specificity() > StatusPattern::Default.specificity()
        );
        assert!(StatusPattern::Range(2).is_success() && !StatusPattern::Default.is_success());
        assert_eq!(StatusPattern::Range(5).statuses(), 500..=599);
    }

    #[test]
    fn the_most_specific_declaration_applies() {
        let declarations = [
            ("NOT_FOUND", vec![StatusPattern::Exact(404)]),
            ("CLIENT", vec![StatusPattern::Range(4)]),
            ("OTHER", vec![StatusPattern::Default]),
            ("GONE_OR_SERVER", vec![StatusPattern::Exact(410), StatusPattern::Range(5)]),
        ];
        let applies = |status| most_specific(declarations.iter().map(|(n, p)| (*n, p.iter().copied())), status);
        assert_eq!(applies(404), ["NOT_FOUND"]);
        assert_eq!(applies(400), ["CLIENT"]);
        assert_eq!(applies(410), ["GONE_OR_SERVER"]);
        assert_eq!(applies(503), ["GONE_OR_SERVER"]);
        assert_eq!(applies(302), ["OTHER"]);
        assert!(most_specific(declarations[..1].iter().map(|(n, p)| (*n, p.iter().copied())), 500).is_empty());
    }
}
