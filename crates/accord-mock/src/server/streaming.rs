//! Streamed bodies in the mock (spec `stream: true`, issue 18). A streamed upload is read
//! chunk by chunk and counted, never held whole (only its first [`KEPT_BYTES`] are kept, for
//! validation and scenario comparison); the answer carries what arrived in
//! [`RECEIVED_BYTES_HEADER`] and [`RECEIVED_SHA256_HEADER`]. A streamed 2xx response is sent
//! as the test pattern ([`pattern`]) of [`crate::MockOptions::stream_bytes`] bytes (or the
//! request's [`STREAM_BYTES_HEADER`]), generated as it goes, so a test can download more
//! than it could hold; without either, the example or the scenario's body is sent.

use std::time::Duration;

use axum::body::{Body, Bytes};
use futures_util::StreamExt as _;
use sha2::{Digest as _, Sha256};

use crate::model::{Model, RouteMatch};

/// Response header: how many bytes of a streamed upload arrived.
pub const RECEIVED_BYTES_HEADER: &str = "x-accord-received-bytes";
/// Response header: the SHA-256 (hex) of a streamed upload's bytes.
pub const RECEIVED_SHA256_HEADER: &str = "x-accord-received-sha256";
/// Request header: the size, in bytes, of the streamed response the mock sends (overrides
/// [`crate::MockOptions::stream_bytes`]).
pub const STREAM_BYTES_HEADER: &str = "x-accord-stream-bytes";
/// The first bytes of a streamed upload kept for validation and scenario comparison.
pub const KEPT_BYTES: usize = 64 * 1024;
/// Bytes per chunk of a generated streamed response.
const CHUNK_BYTES: u64 = 64 * 1024;

/// Byte `index` of the mock's streamed responses: a pattern that a lost, repeated or
/// reordered chunk changes.
pub fn pattern(index: u64) -> u8 {
    (index.wrapping_mul(2_654_435_761) >> 7) as u8
}

/// The SHA-256 (hex) of the first `length` bytes of [`pattern`], which a streamed response
/// of that size carries.
pub fn pattern_sha256(length: u64) -> String {
    let mut hasher = Sha256::new();
    let mut offset = 0;
    while offset < length {
        let end = (offset + CHUNK_BYTES).min(length);
        hasher.update((offset..end).map(pattern).collect::<Vec<u8>>());
        offset = end;
    }
    hex::encode(hasher.finalize())
}

/// Whether the request goes to an operation whose request body is streamed.
pub(super) fn is_streamed_upload(
    model: &Model,
    method: &str,
    path: &str,
    headers: &axum::http::HeaderMap,
    query: &str,
) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    match model.route_request(method, path, &header, query) {
        RouteMatch::Found(op, _) => op.body.as_ref().is_some_and(|body| body.stream),
        RouteMatch::WrongMethod(_) | RouteMatch::NotFound => false,
    }
}

/// A streamed upload as it arrived.
pub(super) struct Counted {
    /// Its first [`KEPT_BYTES`].
    pub(super) kept: Bytes,
    /// Bytes in all.
    pub(super) bytes: u64,
    /// SHA-256, hex.
    pub(super) sha256: String,
}

/// Reads `body` to its end, counting and hashing it; `None` when no chunk came within
/// `idle` (a slow upload that keeps moving is read however long it takes).
pub(super) async fn count(body: Body, idle: Duration) -> Option<Counted> {
    let mut stream = body.into_data_stream();
    let (mut kept, mut bytes, mut hasher) = (Vec::new(), 0u64, Sha256::new());
    loop {
        let next = tokio::time::timeout(idle, stream.next()).await.ok()?;
        // A broken transfer ends the body; validation then reports what arrived.
        let Some(Ok(chunk)) = next else { break };
        bytes += chunk.len() as u64;
        hasher.update(&chunk);
        let room = KEPT_BYTES.saturating_sub(kept.len());
        kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
    }
    Some(Counted { kept: Bytes::from(kept), bytes, sha256: hex::encode(hasher.finalize()) })
}

/// Whether `operation`'s `status` response is streamed.
pub(super) fn streams_response(model: &Model, operation: Option<&str>, status: u16) -> bool {
    operation
        .and_then(|name| model.contract.operation(name))
        .and_then(|op| op.response(status))
        .is_some_and(|response| response.stream.is_some() && (200..300).contains(&status))
}

/// The size of the generated streamed response: the request's [`STREAM_BYTES_HEADER`], else
/// `default`.
pub(super) fn requested_size(headers: &axum::http::HeaderMap, default: Option<u64>) -> Option<u64> {
    headers.get(STREAM_BYTES_HEADER).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok()).or(default)
}

/// `length` bytes of [`pattern`], generated chunk by chunk as the client reads.
pub(super) fn generated_body(length: u64) -> Body {
    let chunks = futures_util::stream::iter((0..length).step_by(CHUNK_BYTES as usize)).map(move |offset| {
        let end = (offset + CHUNK_BYTES).min(length);
        Ok::<_, std::io::Error>(Bytes::from((offset..end).map(pattern).collect::<Vec<u8>>()))
    });
    Body::from_stream(chunks)
}
