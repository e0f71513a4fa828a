//! A declared HMAC request signature: the webhook signature grammar pointed the other way.
//! The spec says what is signed (a template over `{method}`, `{path}`, `{query}`, `{body}`,
//! `{body_sha256}`, `{timestamp}`, `{nonce}`, `{key_id}`), where the signature, the
//! timestamp, a nonce and the key id go (a header or a query parameter each), and how the
//! signature is written (`{hex}` or `{base64}` in a format). [`HmacSigner`] signs each
//! request of the endpoints that require the credential; [`verify`] is the server's check,
//! which the mock runs, so both sides are one implementation.
//!
//! Binance's `SIGNED` endpoints are one such scheme (Binance Spot API docs, "Request
//! Security": `signature` = hex HMAC-SHA256 of the query string with `timestamp` in
//! milliseconds, the key in `X-MBX-APIKEY`); its documented example is a test vector.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{ApiKeyLocation, Authenticate, BoxFuture, CredentialGeneration};
use crate::error::{TransportError, TransportErrorKind};
use crate::secret::Secret;

pub use accord_contract::signing::{HmacSignature, Place, SignaturePlace, TimestampPlace, TimestampUnit};
pub use accord_contract::wire::{KeyEncoding, SignatureAlgorithm};

/// The wall clock timestamps come from; tests pass a fixed one.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Why a request's signature was refused ([`verify`]), or could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigningError {
    /// The signature, timestamp or key id is absent.
    Missing(&'static str),
    /// The timestamp is not a number, or further from now than the tolerance.
    Timestamp(String),
    /// Another key id than the one held.
    KeyId,
    /// The signature does not match.
    Mismatch,
    /// The nonce was seen before within its window: a replayed request
    /// ([`crate::store::nonce::verify_fresh`]).
    Replayed,
    /// The scheme cannot be applied (an unknown template field, a key in the wrong
    /// encoding, a streamed body, a non-HMAC algorithm).
    Scheme(String),
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigningError::Missing(what) => write!(f, "no {what} on the request"),
            SigningError::Timestamp(why) => write!(f, "timestamp refused: {why}"),
            SigningError::KeyId => f.write_str("unknown key id"),
            SigningError::Mismatch => f.write_str("signature does not match"),
            SigningError::Replayed => f.write_str("nonce already used: a replayed request"),
            SigningError::Scheme(why) => write!(f, "signature scheme: {why}"),
        }
    }
}

impl std::error::Error for SigningError {}

/// What a template signs, taken from one request.
pub struct Parts<'a> {
    /// `GET`.
    pub method: &'a str,
    /// The path as sent (percent-encoded).
    pub path: &'a str,
    /// The query string as sent, without `?` and without the signature parameter.
    pub query: &'a str,
    /// The body's bytes.
    pub body: &'a [u8],
    /// The timestamp's text, as sent.
    pub timestamp: &'a str,
    /// The nonce, as sent.
    pub nonce: &'a str,
    /// The key id, as sent.
    pub key_id: &'a str,
}

/// The signed content: `template` with its fields replaced (`{{` and `}}` are literal
/// braces).
///
/// Errors: an unknown or unclosed field.
pub fn signed_payload(template: &str, parts: &Parts<'_>) -> Result<Vec<u8>, SigningError> {
    let mut out = Vec::with_capacity(template.len() + parts.body.len());
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        out.extend_from_slice(rest[..open].as_bytes());
        let tail = &rest[open..];
        if let Some(after) = tail.strip_prefix("{{").or_else(|| tail.strip_prefix("}}")) {
            out.push(tail.as_bytes()[0]);
            rest = after;
            continue;
        }
        let close = tail.find('}').filter(|_| tail.starts_with('{'));
        let Some(close) = close else {
            return Err(SigningError::Scheme(format!("unbalanced brace in `{template}`")));
        };
        match &tail[1..close] {
            "method" => out.extend_from_slice(parts.method.as_bytes()),
            "path" => out.extend_from_slice(parts.path.as_bytes()),
            "query" => out.extend_from_slice(parts.query.as_bytes()),
            "body" => out.extend_from_slice(parts.body),
            "body_sha256" => out.extend_from_slice(hex::encode(Sha256::digest(parts.body)).as_bytes()),
            "timestamp" => out.extend_from_slice(parts.timestamp.as_bytes()),
            "nonce" => out.extend_from_slice(parts.nonce.as_bytes()),
            "key_id" => out.extend_from_slice(parts.key_id.as_bytes()),
            other => return Err(SigningError::Scheme(format!("unknown field `{{{other}}}` in `{template}`"))),
        }
        rest = &tail[close + 1..];
    }
    out.extend_from_slice(rest.as_bytes());
    Ok(out)
}

/// The signature's text for `payload`: the MAC in the place of `{hex}` or `{base64}` in the
/// declared format.
///
/// Errors: the key is not in its declared encoding, or the algorithm is not an HMAC.
pub fn signature_text(scheme: &HmacSignature, secret: &Secret, payload: &[u8]) -> Result<String, SigningError> {
    let key = key_bytes(scheme.key_encoding, secret.expose())?;
    let mac = match scheme.algorithm {
        SignatureAlgorithm::HmacSha256 => {
            let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| SigningError::Scheme(e.to_string()))?;
            mac.update(payload);
            mac.finalize().into_bytes().to_vec()
        }
        SignatureAlgorithm::HmacSha1 => {
            let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).map_err(|e| SigningError::Scheme(e.to_string()))?;
            mac.update(payload);
            mac.finalize().into_bytes().to_vec()
        }
        SignatureAlgorithm::Ed25519 | SignatureAlgorithm::EcdsaP256 => {
            return Err(SigningError::Scheme("request signatures are HMACs: hmac-sha256 or hmac-sha1".into()));
        }
    };
    let format = &scheme.signature.format;
    if format.contains("{hex}") {
        Ok(format.replace("{hex}", &hex::encode(mac)))
    } else if format.contains("{base64}") {
        Ok(format.replace("{base64}", &base64::engine::general_purpose::STANDARD.encode(mac)))
    } else {
        Err(SigningError::Scheme(format!("signature format `{format}` holds neither {{hex}} nor {{base64}}")))
    }
}

fn key_bytes(encoding: KeyEncoding, text: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, SigningError> {
    let bytes = match encoding {
        KeyEncoding::Utf8 => text.as_bytes().to_vec(),
        KeyEncoding::Hex => hex::decode(text).map_err(|_| SigningError::Scheme("the secret is not hex".into()))?,
        KeyEncoding::Base64 => base64::engine::general_purpose::STANDARD
            .decode(text.trim_end_matches('='))
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text.trim_end_matches('=')))
            .map_err(|_| SigningError::Scheme("the secret is not base64".into()))?,
    };
    Ok(zeroize::Zeroizing::new(bytes))
}

/// A timestamp's text in `unit`.
pub fn timestamp_text(now: SystemTime, unit: TimestampUnit) -> String {
    let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    match unit {
        TimestampUnit::Seconds => since.as_secs().to_string(),
        TimestampUnit::Milliseconds => since.as_millis().to_string(),
    }
}

/// The raw query string without the pairs named `name` (the signature), the others kept
/// as sent and in order.
pub fn query_without(query: &str, name: &str) -> String {
    query
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            let decoded = form_urlencoded::parse(key.as_bytes()).next().map(|(k, _)| k.into_owned());
            !pair.is_empty() && decoded.as_deref() != Some(name)
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A request as the server received it, for [`verify`].
pub struct Received<'a> {
    /// `POST`.
    pub method: &'a str,
    /// The path as received.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// Looks a header up by name (case-insensitively).
    pub header: &'a dyn Fn(&str) -> Option<String>,
    /// The body.
    pub body: &'a [u8],
}

/// The server's check of a request signed with `scheme`: the key id is `key_id` (when
/// declared), the timestamp within its tolerance of `now`, and the signature the one
/// recomputed with `secret` (compared in constant time; hex case-insensitively).
///
/// Errors: what is missing or wrong, as a [`SigningError`].
pub fn verify(
    scheme: &HmacSignature,
    key_id: Option<&str>,
    secret: &Secret,
    request: &Received<'_>,
    now: SystemTime,
) -> Result<(), SigningError> {
    let read = |location: ApiKeyLocation, name: &str| -> Option<String> {
        match location {
            ApiKeyLocation::Header => (request.header)(name),
            ApiKeyLocation::Query => {
                form_urlencoded::parse(request.query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
            }
        }
    };
    let signature =
        read(scheme.signature.location, &scheme.signature.name).ok_or(SigningError::Missing("signature"))?;
    let presented_key_id = match &scheme.key_id {
        Some(place) => {
            let presented = read(place.location, &place.name).ok_or(SigningError::Missing("key id"))?;
            if key_id.is_some_and(|held| held != presented) {
                return Err(SigningError::KeyId);
            }
            presented
        }
        None => String::new(),
    };
    let timestamp = match &scheme.timestamp {
        Some(place) => {
            let text = read(place.location, &place.name).ok_or(SigningError::Missing("timestamp"))?;
            let value: u64 = text.parse().map_err(|_| SigningError::Timestamp(format!("`{text}` is not a number")))?;
            let sent = match place.unit {
                TimestampUnit::Seconds => UNIX_EPOCH + Duration::from_secs(value),
                TimestampUnit::Milliseconds => UNIX_EPOCH + Duration::from_millis(value),
            };
            let skew = now.duration_since(sent).unwrap_or_else(|e| e.duration());
            if place.tolerance_seconds > 0 && skew > Duration::from_secs(place.tolerance_seconds) {
                return Err(SigningError::Timestamp(format!(
                    "{} s from the server's clock, more than {} s",
                    skew.as_secs(),
                    place.tolerance_seconds
                )));
            }
            text
        }
        None => String::new(),
    };
    let nonce = scheme.nonce.as_ref().and_then(|place| read(place.location, &place.name)).unwrap_or_default();
    let query = match scheme.signature.location {
        ApiKeyLocation::Query => query_without(request.query, &scheme.signature.name),
        ApiKeyLocation::Header => request.query.to_string(),
    };
    let parts = Parts {
        method: request.method,
        path: request.path,
        query: &query,
        body: request.body,
        timestamp: &timestamp,
        nonce: &nonce,
        key_id: &presented_key_id,
    };
    let expected = signature_text(scheme, secret, &signed_payload(&scheme.signed_payload, &parts)?)?;
    let (expected, presented) = if scheme.signature.format.contains("{hex}") {
        (expected.to_ascii_lowercase(), signature.to_ascii_lowercase())
    } else {
        (expected, signature)
    };
    if bool::from(expected.as_bytes().ct_eq(presented.as_bytes())) { Ok(()) } else { Err(SigningError::Mismatch) }
}

/// Signs each request with a declared HMAC scheme: adds the timestamp, nonce and key id to
/// their places, then the signature over the declared content. The secret is zeroized on
/// drop and never printed.
#[derive(Clone)]
pub struct HmacSigner {
    scheme: Arc<HmacSignature>,
    key_id: Option<String>,
    secret: Secret,
    clock: Clock,
}

impl HmacSigner {
    /// A signer for `scheme` with the key id (when the scheme sends one) and the secret.
    pub fn new(scheme: HmacSignature, key_id: Option<String>, secret: impl Into<Secret>) -> Self {
        HmacSigner { scheme: Arc::new(scheme), key_id, secret: secret.into(), clock: Arc::new(SystemTime::now) }
    }

    /// Reads timestamps from `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Signs `request` in place.
    ///
    /// Errors: a streamed body (its bytes are not known before sending), or a scheme that
    /// cannot be applied.
    pub fn sign(&self, request: &mut reqwest::Request) -> Result<(), TransportError> {
        let invalid =
            |e: SigningError| TransportError::new(TransportErrorKind::Invalid, format!("request signing: {e}"));
        let scheme = &self.scheme;
        let timestamp = scheme.timestamp.as_ref().map(|place| (place, timestamp_text((self.clock)(), place.unit)));
        let nonce = scheme.nonce.as_ref().map(|place| (place, uuid::Uuid::new_v4().to_string()));
        let key_id = match (&scheme.key_id, &self.key_id) {
            (Some(place), Some(id)) => Some((place, id.clone())),
            (Some(_), None) => return Err(invalid(SigningError::Missing("key id"))),
            (None, _) => None,
        };
        let places = timestamp.iter().map(|(p, v)| (p.location, p.name.as_str(), v.as_str()));
        let places = places.chain(nonce.iter().map(|(p, v)| (p.location, p.name.as_str(), v.as_str())));
        let places: Vec<_> =
            places.chain(key_id.iter().map(|(p, v)| (p.location, p.name.as_str(), v.as_str()))).collect();
        for (location, name, value) in &places {
            put(request, *location, name, value, *name == "authorization")?;
        }
        let body: &[u8] = match request.body() {
            None => &[],
            Some(body) => body.as_bytes().ok_or_else(|| {
                invalid(SigningError::Scheme("a streamed body cannot be signed before it is sent".into()))
            })?,
        };
        let query = request.url().query().unwrap_or_default().to_string();
        let parts = Parts {
            method: request.method().as_str(),
            path: request.url().path(),
            query: &query,
            body,
            timestamp: timestamp.as_ref().map_or("", |(_, v)| v),
            nonce: nonce.as_ref().map_or("", |(_, v)| v),
            key_id: key_id.as_ref().map_or("", |(_, v)| v),
        };
        let payload = signed_payload(&scheme.signed_payload, &parts).map_err(invalid)?;
        let signature = signature_text(scheme, &self.secret, &payload).map_err(invalid)?;
        put(request, scheme.signature.location, &scheme.signature.name, &signature, true)
    }
}

/// Puts `value` in a header or appends it to the query.
fn put(
    request: &mut reqwest::Request,
    location: ApiKeyLocation,
    name: &str,
    value: &str,
    sensitive: bool,
) -> Result<(), TransportError> {
    match location {
        ApiKeyLocation::Query => {
            request.url_mut().query_pairs_mut().append_pair(name, value);
        }
        ApiKeyLocation::Header => {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| TransportError::message(format!("`{name}` is not a header name")))?;
            let mut value = reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| TransportError::message("a signed value holds characters a header cannot"))?;
            value.set_sensitive(sensitive);
            request.headers_mut().insert(name, value);
        }
    }
    Ok(())
}

impl fmt::Debug for HmacSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacSigner")
            .field("algorithm", &self.scheme.algorithm)
            .field("key_id", &self.key_id)
            .field("secret", &self.secret)
            .finish_non_exhaustive()
    }
}

impl Authenticate for HmacSigner {
    fn authenticate<'a>(
        &'a self,
        _http: &'a reqwest::Client,
        request: reqwest::RequestBuilder,
    ) -> BoxFuture<'a, Result<(reqwest::RequestBuilder, CredentialGeneration), TransportError>> {
        Box::pin(async move {
            let (client, request) = request.build_split();
            let mut request = request.map_err(TransportError::from_reqwest)?;
            self.sign(&mut request)?;
            Ok((reqwest::RequestBuilder::from_parts(client, request), CredentialGeneration::default()))
        })
    }

    fn refresh<'a>(&'a self, _used: CredentialGeneration) -> BoxFuture<'a, bool> {
        Box::pin(async { false })
    }
}
