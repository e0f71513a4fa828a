//! Error values shared by generated clients: transport failures, undecodable bodies, and the
//! envelope of a declared API error.

use std::fmt;

use reqwest::header::HeaderMap;

/// The request did not produce an HTTP response (connect, TLS, timeout, reset) or the
/// request could not be built.
#[derive(Debug)]
pub struct TransportError {
    message: String,
    source: Option<reqwest::Error>,
}

impl TransportError {
    /// A transport error from reqwest.
    pub fn from_reqwest(error: reqwest::Error) -> Self {
        // reqwest's Display includes the URL but never headers, so no credential leaks.
        TransportError { message: error.to_string(), source: Some(error) }
    }

    /// A transport error with a message (e.g. an invalid base URL or header value).
    pub fn message(message: impl Into<String>) -> Self {
        TransportError { message: message.into(), source: None }
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        self.source.as_ref().is_some_and(reqwest::Error::is_timeout)
    }

    /// Whether the connection could not be made.
    pub fn is_connect(&self) -> bool {
        self.source.as_ref().is_some_and(reqwest::Error::is_connect)
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "transport error: {}", self.message)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

/// A response body (or a request body) that did not match its declared model.
#[derive(Debug)]
pub struct DecodeError {
    /// HTTP status of the response (0 for request encoding).
    pub status: u16,
    /// What serde said.
    pub message: String,
    /// The start of the body, at most 512 bytes, for debugging.
    pub body_snippet: String,
}

impl DecodeError {
    /// Builds a decode error, keeping at most 512 bytes of the body.
    pub fn new(status: u16, message: impl Into<String>, body: &[u8]) -> Self {
        let end = body.len().min(512);
        DecodeError {
            status,
            message: message.into(),
            body_snippet: String::from_utf8_lossy(&body[..end]).into_owned(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot decode body (status {}): {}", self.status, self.message)
    }
}

impl std::error::Error for DecodeError {}

/// A declared error response: its status, typed body, and the provider's request id when
/// the response carried one (`X-Request-ID`, `Request-Id`, `X-GitHub-Request-Id`).
#[derive(Debug, Clone)]
pub struct ApiErrorResponse<B> {
    /// HTTP status.
    pub status: u16,
    /// The error body, decoded into the spec's error model.
    pub body: B,
    /// The provider's request id, for support tickets.
    pub request_id: Option<String>,
    /// All response headers.
    pub headers: HeaderMap,
}

/// The request id a provider returned, from the usual headers.
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-request-id", "request-id", "x-github-request-id", "x-amzn-requestid", "twilio-request-id"]
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}
