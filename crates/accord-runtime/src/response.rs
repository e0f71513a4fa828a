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
