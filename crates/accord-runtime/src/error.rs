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
    /// TLS refused: the server's certificate was not trusted, or the server refused the
    /// client's (none sent where mTLS is required, or one it does not accept): retrying
    /// with the same certificates cannot help.
    Tls,
    /// The user must authorize the client again: no OAuth 2.0 tokens are stored, or the
    /// authorization server refused the refresh token (`invalid_grant`, RFC 6749 §5.2).
    ReauthorizationRequired,
    /// A circuit breaker is open: the request was not sent ([`TransportError::circuit_open`]
    /// says which circuit and when it will let a probe through). Never retried.
    CircuitOpen,
}

/// A request refused without being sent because its circuit is open (issue 18).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircuitOpen {
    /// The circuit: the operation name, or the host, as the spec's `circuit_breaker.scope`.
    pub circuit: String,
    /// Time until the circuit lets a probe through (zero while probes are under way).
    pub retry_in: std::time::Duration,
}

impl fmt::Display for CircuitOpen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "circuit `{}` is open; next probe in {} ms", self.circuit, self.retry_in.as_millis())
    }
}

/// The request did not produce an HTTP response (connect, TLS, timeout, reset) or the
/// request could not be built.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    source: Option<reqwest::Error>,
    circuit_open: Option<Box<CircuitOpen>>,
}

impl TransportError {
    /// A transport error from reqwest, classified by [`TransportErrorKind`].
    pub fn from_reqwest(error: reqwest::Error) -> Self {
        let kind = if crate::tls::is_tls_failure(&error) {
            TransportErrorKind::Tls
        } else if error.is_timeout() {
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
        TransportError { kind, message: error.to_string(), source: Some(error), circuit_open: None }
    }

    /// A transport error with a message (e.g. an invalid base URL or header value).
    pub fn message(message: impl Into<String>) -> Self {
        TransportError { kind: TransportErrorKind::Invalid, message: message.into(), source: None, circuit_open: None }
    }

    /// A transport error of a given kind with a message.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError { kind, message: message.into(), source: None, circuit_open: None }
    }

    /// A request refused by an open circuit.
    pub fn from_circuit_open(open: CircuitOpen) -> Self {
        TransportError {
            kind: TransportErrorKind::CircuitOpen,
            message: open.to_string(),
            source: None,
            circuit_open: Some(Box::new(open)),
        }
    }

    /// The open circuit that refused the request, if that is what this error is.
    pub fn circuit_open(&self) -> Option<&CircuitOpen> {
        self.circuit_open.as_deref()
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

/// The most bytes of a body a [`DecodeError`] keeps ([`DecodeError::body_snippet`]), and of
/// serde's message ([`DecodeError::message`]): an error value ends up in logs, and a 5 MB
/// string field quoted whole would put 5 MB of response data there.
pub const MAX_ERROR_EXCERPT: usize = 300;

/// `text` shortened to at most about `max_bytes` bytes, cut at UTF-8 character boundaries:
/// the text itself when it fits, else its start and its end around `…[N bytes omitted]…`
/// (the end of a serde message says where the error is: `at line 1 column 5000012`).
pub fn excerpt(text: &str, max_bytes: usize) -> std::borrow::Cow<'_, str> {
    if text.len() <= max_bytes {
        return std::borrow::Cow::Borrowed(text);
    }
    let head_end = floor_char_boundary(text, max_bytes * 2 / 3);
    let mut tail_start = text.len() - (max_bytes - max_bytes * 2 / 3);
    while !text.is_char_boundary(tail_start) {
        tail_start += 1;
    }
    let omitted = tail_start - head_end;
    std::borrow::Cow::Owned(format!("{}…[{omitted} bytes omitted]…{}", &text[..head_end], &text[tail_start..]))
}

/// The start of `body` as text: at most `max_bytes` bytes cut at a character boundary
/// (invalid UTF-8 shown as `U+FFFD`), followed by `… (N bytes)` with the body's full length
/// when it was cut.
pub fn body_excerpt(body: &[u8], max_bytes: usize) -> String {
    if body.len() <= max_bytes {
        return String::from_utf8_lossy(body).into_owned();
    }
    let mut end = max_bytes;
    // `body[end]` is the first byte left out: while it continues a UTF-8 sequence, that
    // character started before `end`; back off to its start (at most 3 bytes).
    while end > 0 && max_bytes - end < 3 && (body[end] & 0b1100_0000) == 0b1000_0000 {
        end -= 1;
    }
    format!("{}… ({} bytes)", String::from_utf8_lossy(&body[..end]), body.len())
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// A response body (or a request body) that did not match its declared model.
///
/// What it carries is bounded: [`DecodeError::new`] keeps at most [`MAX_ERROR_EXCERPT`] bytes
/// of serde's message and of the body, and `Display` and `Debug` cut the fields again, so a
/// value built field by field stays short in logs too.
pub struct DecodeError {
    /// HTTP status of the response (0 for request encoding).
    pub status: u16,
    /// What serde said, at most about [`MAX_ERROR_EXCERPT`] bytes (see [`excerpt`]).
    pub message: String,
    /// The start of the body, at most [`MAX_ERROR_EXCERPT`] bytes, with `… (N bytes)` when it
    /// was cut (see [`body_excerpt`]); for debugging.
    pub body_snippet: String,
}

impl DecodeError {
    /// Builds a decode error, keeping at most [`MAX_ERROR_EXCERPT`] bytes of the message and
    /// of the body.
    pub fn new(status: u16, message: impl Into<String>, body: &[u8]) -> Self {
        let message = message.into();
        let message = match excerpt(&message, MAX_ERROR_EXCERPT) {
            std::borrow::Cow::Borrowed(_) => message,
            std::borrow::Cow::Owned(short) => short,
        };
        DecodeError { status, message, body_snippet: body_excerpt(body, MAX_ERROR_EXCERPT) }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot decode body (status {}): {}", self.status, excerpt(&self.message, MAX_ERROR_EXCERPT))
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The snippet may already end in `… (N bytes)`; the margin keeps that suffix whole.
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("message", &excerpt(&self.message, MAX_ERROR_EXCERPT))
            .field("body_snippet", &excerpt(&self.body_snippet, MAX_ERROR_EXCERPT + 32))
            .finish()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A 5 MB string where a number belongs made a 5 MB error message (issue 20, item 12).
    #[test]
    fn decode_errors_carry_a_bounded_excerpt() {
        let body = format!(r#"{{"id": "{}é"}}"#, "A".repeat(5_000_000));
        let error = serde_json::from_str::<std::collections::BTreeMap<String, i64>>(&body).unwrap_err();
        let error = DecodeError::new(200, error.to_string(), body.as_bytes());
        assert!(error.message.len() <= MAX_ERROR_EXCERPT + 40, "{}", error.message.len());
        assert!(error.message.starts_with("invalid type: string \"AAAA"), "{}", error.message);
        // The end of serde's message, where the error is, survives the cut.
        assert!(error.message.ends_with(&format!("at line 1 column {}", body.len() - 1)), "{}", error.message);
        assert!(error.message.contains("bytes omitted]"), "{}", error.message);
        assert!(error.body_snippet.len() <= MAX_ERROR_EXCERPT + 20, "{}", error.body_snippet.len());
        assert!(error.body_snippet.ends_with(&format!("… ({} bytes)", body.len())), "{}", error.body_snippet);
        assert!(error.to_string().len() <= MAX_ERROR_EXCERPT + 80, "{}", error);
        assert!(format!("{error:?}").len() <= 2 * MAX_ERROR_EXCERPT + 150, "{error:?}");
        // Built field by field, the value still prints short.
        let built = DecodeError { status: 200, message: "m".repeat(1_000_000), body_snippet: "b".repeat(1_000_000) };
        assert!(built.to_string().len() <= MAX_ERROR_EXCERPT + 80);
        assert!(format!("{built:?}").len() <= 2 * MAX_ERROR_EXCERPT + 150);
    }

    #[test]
    fn excerpts_cut_at_character_boundaries() {
        assert_eq!(excerpt("short", 10), "short");
        let text = "é".repeat(400);
        let cut = excerpt(&text, 301);
        assert!(cut.starts_with("éé") && cut.ends_with("éé"), "{cut}");
        assert!(cut.contains("bytes omitted]"), "{cut}");
        assert_eq!(body_excerpt(b"{}", 300), "{}");
        let body = "é".repeat(400);
        for max in [299, 300, 301] {
            let snippet = body_excerpt(body.as_bytes(), max);
            assert!(!snippet.contains('\u{FFFD}'), "max {max}: {snippet}");
            assert!(snippet.ends_with("… (800 bytes)"), "{snippet}");
        }
        // Invalid UTF-8 is shown, not refused.
        assert_eq!(body_excerpt(&[0xff, b'a'], 300), "\u{FFFD}a");
    }
}
