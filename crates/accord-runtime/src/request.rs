//! A request as generated code describes it ([`RequestSpec`] with its [`Body`]) before the
//! client sends it, and the percent-encoding of path parameters.

use serde::Serialize;

use crate::error::DecodeError;
use crate::form::scalar_text;
use crate::multipart::{Multipart, MultipartBody};

/// The body of a request.
#[derive(Debug, Clone)]
pub enum Body {
    /// No body.
    Empty,
    /// `application/json`.
    Json(Vec<u8>),
    /// `application/x-www-form-urlencoded`.
    Form(String),
    /// `multipart/form-data` (RFC 7578); reqwest writes the boundary.
    Multipart(Multipart),
    /// Bytes sent as they are (a spec's `text` or `binary` body), with their media type.
    Raw {
        /// The `Content-Type` sent (`text/csv`, `image/png`).
        content_type: String,
        /// The body.
        bytes: Vec<u8>,
    },
}

/// A request as the generated code describes it.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    /// HTTP method.
    pub method: reqwest::Method,
    /// Operation name from the spec (`create_order`), for errors and tracing.
    pub operation: &'static str,
    /// Path with parameters already percent-encoded.
    pub path: String,
    /// Query pairs.
    pub query: Vec<(String, String)>,
    /// Extra headers (endpoint headers, idempotency key).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Body,
    /// The idempotency-key header the endpoint declares (`Idempotency-Key`): when the caller
    /// set none, the client adds a UUID v4 key, the same on every attempt, which also makes
    /// a POST or PATCH safe to retry.
    pub idempotency_header: Option<&'static str>,
    /// A full URL replacing base URL, path and query (a next-page link); it must have the
    /// base URL's origin.
    pub absolute_url: Option<String>,
    /// The credentials it must carry (the operation's requirement); by default any one the
    /// client holds.
    pub auth: crate::auth::Requirement,
}

impl RequestSpec {
    /// A request without query, headers or body.
    pub fn new(method: reqwest::Method, operation: &'static str, path: String) -> Self {
        RequestSpec {
            method,
            operation,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            idempotency_header: None,
            absolute_url: None,
            auth: crate::auth::Requirement::AnyOne,
        }
    }

    /// Adds a query parameter from any serialisable value: strings as they are, numbers and
    /// booleans as JSON writes them, enums by their wire value, lists as repeated
    /// parameters (OpenAPI `style: form, explode: true`); `null` is left out.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), DecodeError> {
        let value = serde_json::to_value(value).map_err(|e| DecodeError::new(0, e.to_string(), b""))?;
        let items = match value {
            serde_json::Value::Array(items) => items,
            other => vec![other],
        };
        for item in items {
            if let Some(text) = scalar_text(&item) {
                self.query.push((name.to_string(), text));
            }
        }
        Ok(())
    }

    /// Adds a header from any serialisable scalar.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), DecodeError> {
        let value = serde_json::to_value(value).map_err(|e| DecodeError::new(0, e.to_string(), b""))?;
        if let Some(text) = scalar_text(&value) {
            self.headers.push((name.to_string(), text));
        }
        Ok(())
    }

    /// Sets a JSON body.
    pub fn json_body<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), DecodeError> {
        let bytes = serde_json::to_vec(body).map_err(|e| DecodeError::new(0, e.to_string(), b""))?;
        self.body = Body::Json(bytes);
        Ok(())
    }

    /// Sets a form body (see [`crate::form`]).
    pub fn form_body<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), DecodeError> {
        let text = crate::form::to_string(body).map_err(|e| DecodeError::new(0, e.to_string(), b""))?;
        self.body = Body::Form(text);
        Ok(())
    }

    /// Sets a body sent as it is (a spec's `text` or `binary` body) with its `Content-Type`.
    pub fn raw_body(&mut self, content_type: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.body = Body::Raw { content_type: content_type.into(), bytes: bytes.into() };
    }

    /// Sets a `multipart/form-data` body from a model's parts (see [`crate::multipart`]).
    ///
    /// Errors: a field does not serialise.
    pub fn multipart_body<T: MultipartBody + ?Sized>(&mut self, body: &T) -> Result<(), DecodeError> {
        self.body = Body::Multipart(body.to_multipart()?);
        Ok(())
    }
}

/// Percent-encodes one path segment (RFC 3986 §3.3: everything but unreserved characters),
/// from any serialisable scalar.
pub fn path_segment<T: Serialize + ?Sized>(value: &T) -> String {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    let text = serde_json::to_value(value).ok().and_then(|v| scalar_text(&v)).unwrap_or_default();
    percent_encoding::utf8_percent_encode(&text, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(path_segment("ORD-1"), "ORD-1");
        assert_eq!(path_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(path_segment(&42), "42");
    }

    #[test]
    fn query_values_follow_form_explode() {
        let mut request = RequestSpec::new(reqwest::Method::GET, "list", "/x".into());
        request.query("state", "open").unwrap();
        request.query("per_page", &30).unwrap();
        request.query("labels", &["bug", "ui"]).unwrap();
        request.query("since", &Option::<String>::None).unwrap();
        assert_eq!(
            request.query,
            vec![
                ("state".to_string(), "open".to_string()),
                ("per_page".to_string(), "30".to_string()),
                ("labels".to_string(), "bug".to_string()),
                ("labels".to_string(), "ui".to_string()),
            ]
        );
    }
}
