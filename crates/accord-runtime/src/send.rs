//! The generic send of a generated endpoint: build its request, execute it, decode the
//! answer. An endpoint's `send` and `send_full` return these futures instead of being two
//! `async fn`s each, so a crate with a thousand operations type-checks two generic functions
//! (instantiated once per success type) rather than two thousand state machines (issue 22,
//! compile time).

use std::future::Future;

use crate::client::Client;
use crate::request::RequestSpec;
use crate::response::{ClientError, RawResponse, Response};

/// How an endpoint reads its answer: the crate's `decode_response::<T>` (JSON),
/// `decode_response_checked::<T>` (a 2xx body that may carry an error) or
/// [`crate::response::decode_raw`] (text, bytes).
pub type Decode<T, E> = fn(RawResponse) -> Result<Response<T>, E>;

/// Sends `request` (or returns its encoding error) and decodes the answer with `decode`,
/// keeping the status and headers.
///
/// Errors: `E` from the request's encoding, `E::transport` when no response came (after the
/// client's retries), and whatever `decode` returns.
pub fn send_full<'a, T: Send + 'a, E: ClientError>(
    client: &'a Client,
    request: Result<RequestSpec, E>,
    decode: Decode<T, E>,
) -> impl Future<Output = Result<Response<T>, E>> + Send + 'a {
    async move {
        let request = request?;
        let raw = client.execute(&request).await.map_err(E::transport)?;
        decode(raw)
    }
}

/// [`send_full`], keeping only the decoded body.
///
/// Errors: as [`send_full`].
pub fn send<'a, T: Send + 'a, E: ClientError>(
    client: &'a Client,
    request: Result<RequestSpec, E>,
    decode: Decode<T, E>,
) -> impl Future<Output = Result<T, E>> + Send + 'a {
    let full = send_full(client, request, decode);
    async move { full.await.map(|response| response.body) }
}

/// The generic send of an endpoint whose success body is streamed (spec `stream: true`,
/// feature `streaming`): the head through [`Client::execute_streaming`], a 2xx body as a
/// [`crate::stream::ByteStream`] capped at `max_bytes` (the spec's, `None`: no cap) and
/// watched with the client's minimum throughput, anything else decoded into `E`.
///
/// Errors: `E` from the request's encoding, `E::transport` when no head came (after the
/// client's retries), `E::from_response` for a non-2xx answer (its body read up to
/// [`crate::stream::ERROR_BODY_MAX_BYTES`]).
#[cfg(feature = "streaming")]
pub fn send_streaming_full<'a, E: ClientError>(
    client: &'a Client,
    request: Result<RequestSpec, E>,
    max_bytes: Option<u64>,
) -> impl Future<Output = Result<Response<crate::stream::ByteStream>, E>> + Send + 'a {
    async move {
        let request = request?;
        let config = crate::stream::StreamConfig { max_bytes, minimum_throughput: client.minimum_throughput() };
        let (raw, body) = client.execute_streaming(&request, config).await.map_err(E::transport)?;
        crate::stream::decode_stream(raw, body)
    }
}

/// [`send_streaming_full`], keeping only the stream.
///
/// Errors: as [`send_streaming_full`].
#[cfg(feature = "streaming")]
pub fn send_streaming<'a, E: ClientError>(
    client: &'a Client,
    request: Result<RequestSpec, E>,
    max_bytes: Option<u64>,
) -> impl Future<Output = Result<crate::stream::ByteStream, E>> + Send + 'a {
    let full = send_streaming_full(client, request, max_bytes);
    async move { full.await.map(|response| response.body) }
}
