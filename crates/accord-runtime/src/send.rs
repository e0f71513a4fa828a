//! The generic send of a generated endpoint: build its request, execute it, decode the
//! answer. An endpoint's `send` and `send_full` return these futures instead of being two
//! `async fn`s each, so a crate with a thousand operations type-checks two generic functions
//! (instantiated once per success type) rather than two thousand state machines (issue 22,
//! compile time).
//!
//! The futures are boxed behind one named type, [`Sending`], rather than returned as
//! `impl Future + Send`: for an opaque return type the compiler works out the hidden state
//! machine and proves it `Send` again in every generated method. In the GitHub crate's
//! `cargo check` (`-Z self-profile`), the 1,840 opaque types of `send`, `send_full`, `pages`
//! and `stream` were the largest item queries (`check_well_formed` 0.87 s, `type_of` 0.80 s,
//! overlapping); with named types the crate alone checks in 6.68 s instead of 7.38 s
//! (median of 4 alternating runs; user CPU 6.09 s against 6.65 s). One allocation per request
//! is what it costs at run time.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::client::Client;
use crate::request::RequestSpec;
use crate::response::{ClientError, RawResponse, Response};

/// How an endpoint reads its answer: the crate's `decode_response::<T>` (JSON),
/// `decode_response_checked::<T>` (a 2xx body that may carry an error) or
/// [`crate::response::decode_raw`] (text, bytes).
pub type Decode<T, E> = fn(RawResponse) -> Result<Response<T>, E>;

/// The future an endpoint's `send` or `send_full` returns: `Send`, `Unpin`, borrowing the
/// client for `'a`, resolving to `T` (the endpoint's `Result`). A boxed future with a name, so
/// it can be stored in a struct field without `impl Trait`.
#[must_use = "a request does nothing until it is awaited"]
pub struct Sending<'a, T>(Pin<Box<dyn Future<Output = T> + Send + 'a>>);

impl<'a, T> Sending<'a, T> {
    /// Boxes `future`.
    pub fn new(future: impl Future<Output = T> + Send + 'a) -> Self {
        Sending(Box::pin(future))
    }
}

impl<T> Future for Sending<'_, T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.0.as_mut().poll(cx)
    }
}

impl<T> fmt::Debug for Sending<'_, T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Sending")
    }
}

/// Sends `request` (or returns its encoding error) and decodes the answer with `decode`,
/// keeping the status and headers.
///
/// Errors: `E` from the request's encoding, `E::transport` when no response came (after the
/// client's retries), and whatever `decode` returns.
pub fn send_full<'a, T: Send + 'a, E: ClientError>(
    client: &'a Client,
    request: Result<RequestSpec, E>,
    decode: Decode<T, E>,
) -> Sending<'a, Result<Response<T>, E>> {
    Sending::new(async move {
        let request = request?;
        let raw = client.execute(&request).await.map_err(E::transport)?;
        decode(raw)
    })
}

/// [`send_full`], keeping only the decoded body.
///
/// Errors: as [`send_full`].
pub fn send<'a, T: Send + 'a, E: ClientError>(
    client: &'a Client,
    request: Result<RequestSpec, E>,
    decode: Decode<T, E>,
) -> Sending<'a, Result<T, E>> {
    // The body of `send_full`, written out again rather than awaited: one state machine
    // fewer inside the box (issue 22, client overhead).
    Sending::new(async move {
        let request = request?;
        let raw = client.execute(&request).await.map_err(E::transport)?;
        decode(raw).map(|response| response.body)
    })
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
) -> Sending<'a, Result<Response<crate::stream::ByteStream>, E>> {
    Sending::new(exchange_streaming(client, request, max_bytes))
}

/// [`send_streaming_full`], keeping only the stream.
///
/// Errors: as [`send_streaming_full`].
#[cfg(feature = "streaming")]
pub fn send_streaming<'a, E: ClientError>(
    client: &'a Client,
    request: Result<RequestSpec, E>,
    max_bytes: Option<u64>,
) -> Sending<'a, Result<crate::stream::ByteStream, E>> {
    Sending::new(async move { exchange_streaming(client, request, max_bytes).await.map(|response| response.body) })
}

/// What [`send_streaming`] and [`send_streaming_full`] box (once each).
#[cfg(feature = "streaming")]
async fn exchange_streaming<E: ClientError>(
    client: &Client,
    request: Result<RequestSpec, E>,
    max_bytes: Option<u64>,
) -> Result<Response<crate::stream::ByteStream>, E> {
    let request = request?;
    let config = crate::stream::StreamConfig { max_bytes, minimum_throughput: client.minimum_throughput() };
    let (raw, body) = client.execute_streaming(&request, config).await.map_err(E::transport)?;
    crate::stream::decode_stream(raw, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send_and_unpin<T: Send + Unpin>(_: &T) {}

    #[tokio::test]
    async fn a_sending_future_is_send_and_unpin_and_resolves_to_its_value() {
        let sending = Sending::new(async { 7 });
        // A generated `send()` can be stored, moved across threads and polled without pinning.
        send_and_unpin(&sending);
        assert_eq!(format!("{sending:?}"), "Sending");
        assert_eq!(sending.await, 7);
    }
}
