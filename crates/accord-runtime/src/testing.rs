//! Support for generated contract tests (feature `testing`): a scripted HTTP server on
//! 127.0.0.1 (wiremock) and the async runtime to drive it, re-exported so that generated
//! crates need no dependency but accord-runtime.

pub use tokio;
pub use wiremock;

/// Parses a request's form body (`application/x-www-form-urlencoded`) into pairs, to
/// compare what a client sent with what a scenario declares.
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// The form pairs a JSON value encodes to (see [`crate::form`]).
pub fn expected_form_pairs(value: &serde_json::Value) -> Vec<(String, String)> {
    let text = crate::form::to_string(value).unwrap_or_default();
    form_pairs(text.as_bytes())
}
