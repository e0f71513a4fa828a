//! Reading webhook headers from any HTTP framework ([`HeaderSource`]), the event type and id
//! from headers or the payload, and the payload as a declared event's model ([`payload`]).

use super::error::WebhookError;

/// Read access to a request's headers, so that the verifier works with any HTTP framework:
/// implemented for [`http::HeaderMap`](reqwest::header::HeaderMap) (reqwest, axum, hyper) and
/// for slices and vectors of `(name, value)` pairs (actix-web, or anything else). Names are
/// compared case-insensitively (RFC 9110 §5.1).
pub trait HeaderSource {
    /// Every value of header `name`, in the order received.
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a;
}

impl HeaderSource for reqwest::header::HeaderMap {
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

/// Reads a delivery's body for its pointers (event type, event id): objects and arrays deeper
/// than [`NAVIGATION_DEPTH`](crate::de::NAVIGATION_DEPTH) are skipped unread, so no depth in
/// the payload fails here (see [`crate::de::navigation_value`]).
///
/// Errors: [`WebhookError::InvalidPayload`] when the body is not JSON.
pub fn navigation(body: &[u8]) -> Result<serde_json::Value, WebhookError> {
    crate::de::navigation_value(body, crate::de::NAVIGATION_DEPTH).map_err(WebhookError::invalid_payload)
}

/// The whole body as JSON, for `Event::Unknown` and `Event::Unrecognised`.
///
/// Errors: [`WebhookError::InvalidPayload`] when the body is not JSON serde_json reads (nested
/// deeper than its recursion limit).
pub fn raw_payload(body: &[u8]) -> Result<serde_json::Value, WebhookError> {
    serde_json::from_slice(body).map_err(WebhookError::invalid_payload)
}

/// Decodes a delivery's body into a declared event's model, straight from the bytes (so an
/// undeclared field is skipped unread however deep it is); generated `verify` and `parse` call
/// it per declared event type, and turn an error into `Event::Unrecognised` (the signature was
/// valid, the shape is not the one declared) instead of rejecting the delivery.
///
/// Errors: serde's message, at most about [`MAX_ERROR_EXCERPT`](crate::MAX_ERROR_EXCERPT)
/// bytes.
pub fn payload<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    serde_json::from_slice(body)
        .map_err(|error| crate::excerpt(&error.to_string(), crate::MAX_ERROR_EXCERPT).into_owned())
}
