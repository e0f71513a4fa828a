//! Error values shared by generated clients: transport failures, undecodable bodies, and the
//! envelope of a declared API error. A leaf module: turning a response into a client's error
//! is [`crate::response`]'s job.

use std::fmt;

use reqwest::header::HeaderMap;

/// What kind of transport failure happened; decides whether a retry can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be opened (refused, DNS, TLS handshake): the server never saw
    /// the request, so retrying is safe for every method.
    Connect,
    /// An attempt or the whole operation ran out of time; the server may have acted.
    Timeout,
    /// The connection failed after the request was sent (reset, truncated response); the
    /// server may have acted.
    Network,
    /// The request could not be built (invalid URL or header value, token endpoint refused
    /// the credentials): retrying cannot help.
    Invalid,
}

/// The request did not produce an HTTP response (connect, TLS, timeout, reset) or the
/// request could not be built.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    source: Option<reqwest::Error>,
}

impl TransportError {
    /// A transport error from reqwest, classified by [`TransportErrorKind`].
    pub fn from_reqwest(error: reqwest::Error) -> Self {
        let kind = if error.is_timeout() {
            TransportErrorKind::Timeout
        } else if error.is_connect() {
            TransportErrorKind::Connect
        } else if error.is_builder() {
            TransportErrorKind::Invalid
        } else {
            TransportErrorKind::Network
        };
        // reqwest's Display includes the URL but never headers; the URL carries no
        // credential unless an API key goes in the query, so the URL is left out.
        let error = error.without_url();
        TransportError { kind, message: error.to_string(), source: Some(error) }
    }

    /// A transport error with a message (e.g. an invalid base URL or header value).
    pub fn message(message: impl Into<String>) -> Self {
        TransportError { kind: TransportErrorKind::Invalid, message: message.into(), source: None }
    }

    /// A transport error of a given kind with a message.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError { kind, message: message.into(), source: None }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request (an attempt or the whole operation) timed out.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }

    /// Whether the connection could not be made.
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
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
