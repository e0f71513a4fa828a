//! Responses: [`RawResponse`] as an attempt receives it, [`Response`] as a generated method
//! returns it, and [`ClientError`] with [`decode`], which turn a raw response into a
//! generated client's typed result.

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, TransportError, request_id};

/// A response as received: status, headers and body bytes.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// Decodes the body as JSON into `T`; an empty body decodes as JSON `null` (so `()` and
    /// `Option<T>` accept 204 responses).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        let bytes: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) { b"null" } else { &self.body };
        serde_json::from_slice(bytes).map_err(|e| DecodeError::new(self.status, e.to_string(), &self.body))
    }

    /// The provider's request id, if the response carries one.
    pub fn request_id(&self) -> Option<String> {
        request_id(&self.headers)
    }
}

/// A decoded success response with its status and headers.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> Response<T> {
    /// The `Content-Type` the provider sent (`text/csv; charset=utf-8`), if any: what a
    /// `text` or `binary` body is when the spec allows several media types (`image/*`).
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(reqwest::header::CONTENT_TYPE)?.to_str().ok()
    }
}

/// A body read as it is rather than decoded from JSON: a spec's `text` body (`String`) or
/// `binary` body (`Vec<u8>`).
pub trait RawBody: Sized {
    /// The body from its bytes.
    ///
    /// Errors: a `text` body that is not UTF-8.
    fn from_bytes(status: u16, bytes: Vec<u8>) -> Result<Self, DecodeError>;
}

impl RawBody for Vec<u8> {
    fn from_bytes(_: u16, bytes: Vec<u8>) -> Result<Self, DecodeError> {
        Ok(bytes)
    }
}

impl RawBody for String {
    /// UTF-8, as RFC 8259 requires of JSON and most text APIs send; other charsets are read
    /// as `binary`.
    fn from_bytes(status: u16, bytes: Vec<u8>) -> Result<Self, DecodeError> {
        String::from_utf8(bytes)
            .map_err(|e| DecodeError::new(status, format!("the text body is not UTF-8: {e}"), e.as_bytes()))
    }
}

/// Decodes a raw response whose success body is read as it is: a 2xx body into `T`
/// (`String` or `Vec<u8>`), anything else into the client's error.
///
/// Errors: `E::from_response` for non-2xx statuses; `E::decode` for a text body that is not
/// UTF-8.
pub fn decode_raw<T: RawBody, E: ClientError>(raw: RawResponse) -> Result<Response<T>, E> {
    if !(200..300).contains(&raw.status) {
        return Err(E::from_response(&raw));
    }
    let body = T::from_bytes(raw.status, raw.body).map_err(E::decode)?;
    Ok(Response { status: raw.status, headers: raw.headers, body })
}

/// The error type of a generated client, as the runtime needs to build it: pagination
/// streams and [`decode`] turn transport failures, undecodable bodies and non-2xx responses
/// into the client's own `Error` through this trait.
pub trait ClientError: Sized + Send + 'static {
    /// No response (connect, timeout, reset) or an unbuildable request.
    fn transport(error: TransportError) -> Self;
    /// A body that does not match its model.
    fn decode(error: DecodeError) -> Self;
    /// A non-2xx response, classified into the declared error codes.
    fn from_response(raw: &RawResponse) -> Self;
}

/// Decodes a raw response: a 2xx body into `T` (an empty body reads as JSON `null`, so `()`
/// and `Option<T>` accept 204), anything else into the client's error.
///
/// Errors: `E::from_response` for non-2xx statuses; `E::decode` for a body that does not
/// match `T`.
pub fn decode<T: DeserializeOwned + 'static, E: ClientError>(raw: RawResponse) -> Result<Response<T>, E> {
    if !(200..300).contains(&raw.status) {
        return Err(E::from_response(&raw));
    }
    // A declared "no content" response ignores whatever body the server sent.
    let body = if std::any::TypeId::of::<T>() == std::any::TypeId::of::<()>() {
        serde_json::from_value(serde_json::Value::Null)
            .map_err(|e| E::decode(DecodeError::new(raw.status, e.to_string(), &raw.body)))?
    } else {
        raw.json::<T>().map_err(E::decode)?
    };
    Ok(Response { status: raw.status, headers: raw.headers, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    enum TestError {
        Status(u16),
        Decode,
        Transport,
    }

    impl ClientError for TestError {
        fn transport(_: TransportError) -> Self {
            TestError::Transport
        }
        fn decode(_: DecodeError) -> Self {
            TestError::Decode
        }
        fn from_response(raw: &RawResponse) -> Self {
            TestError::Status(raw.status)
        }
    }

    fn raw(status: u16, content_type: &str, body: &[u8]) -> RawResponse {
        let mut headers = HeaderMap::new();
        headers.insert(reqwest::header::CONTENT_TYPE, content_type.parse().unwrap());
        RawResponse { status, headers, body: body.to_vec() }
    }

    #[test]
    fn raw_bodies_are_read_as_they_are() {
        let csv = decode_raw::<String, TestError>(raw(200, "text/csv", b"a,b\n1,2\n")).unwrap();
        assert_eq!((csv.body.as_str(), csv.content_type()), ("a,b\n1,2\n", Some("text/csv")));
        let png = decode_raw::<Vec<u8>, TestError>(raw(200, "image/png", &[0x89, b'P', b'N', b'G', 0xff])).unwrap();
        assert_eq!(png.body, [0x89, b'P', b'N', b'G', 0xff]);
        assert!(matches!(
            decode_raw::<String, TestError>(raw(200, "text/plain", &[0xff, 0xfe])),
            Err(TestError::Decode)
        ));
        assert!(matches!(
            decode_raw::<Vec<u8>, TestError>(raw(404, "text/plain", b"gone")),
            Err(TestError::Status(404))
        ));
        let _ = TestError::Transport;
    }
}
