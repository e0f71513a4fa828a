//! Streamed bodies (feature `streaming`, issue 18 item 5): uploads from a file or any async
//! reader that are never loaded into memory ([`Upload`], sent as [`crate::Body::Stream`]),
//! and responses read as a stream of chunks ([`ByteStream`], from
//! [`crate::Client::execute_streaming`]), each with an optional size cap and stalled-stream
//! protection.
//!
//! Stalled-stream protection follows smithy-rs (the AWS SDK for Rust's
//! `StalledStreamProtectionConfig`, whose defaults these are): a body must move at least
//! [`MinimumThroughput::bytes_per_second`] (1 byte/s) averaged over each
//! [`MinimumThroughput::grace_period`] (20 s); a window that moves less ends the transfer
//! with [`StreamError::Stalled`]. For a download the window is measured while the caller
//! waits for the next chunk (time the caller spends elsewhere is not the server's); for an
//! upload it is measured on the bytes the transport has taken, so a server that stops
//! reading stalls the upload as a source that stops producing does.
//!
//! Memory stays bounded by the chunk size: a download holds one chunk (hyper's read buffer,
//! at most a few hundred KiB) at a time, an upload one [`UPLOAD_CHUNK_BYTES`] buffer.
//! `benches/streaming.rs` checks a 1 GiB transfer each way under 64 MiB of peak RSS.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt as _;
use tokio::io::AsyncRead;
use tokio::time::Instant;

use crate::error::{TransportError, TransportErrorKind};

/// Bytes read from an upload's source at a time.
pub const UPLOAD_CHUNK_BYTES: usize = 64 * 1024;

/// The least a streamed body must move: `bytes_per_second` averaged over each
/// `grace_period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinimumThroughput {
    /// Bytes per second; 0 turns the protection off.
    pub bytes_per_second: u64,
    /// The window the average is taken over, and the time a body may start slowly.
    pub grace_period: Duration,
}

impl Default for MinimumThroughput {
    /// smithy-rs's default: 1 byte/s after a 20 s grace period.
    fn default() -> Self {
        MinimumThroughput { bytes_per_second: 1, grace_period: Duration::from_secs(20) }
    }
}

impl MinimumThroughput {
    /// The fewest bytes one window must move.
    fn per_window(&self) -> u64 {
        (self.bytes_per_second as f64 * self.grace_period.as_secs_f64()).ceil() as u64
    }

    fn enabled(&self) -> bool {
        self.bytes_per_second > 0 && !self.grace_period.is_zero()
    }
}

/// How a streamed body is read or sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamConfig {
    /// The most bytes a download may bring; `None`: no cap.
    pub max_bytes: Option<u64>,
    /// Stalled-stream protection.
    pub minimum_throughput: MinimumThroughput,
}

/// Why a streamed body stopped.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError {
    /// Less than the minimum throughput moved in one window.
    Stalled {
        /// Bytes moved in the window.
        bytes: u64,
        /// The window.
        window: Duration,
        /// Bytes moved before the stall, in all.
        total: u64,
    },
    /// The body is larger than [`StreamConfig::max_bytes`].
    TooLarge {
        /// The cap.
        limit: u64,
    },
    /// The connection failed, or the source could not be read.
    Transport(TransportError),
}

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamError::Stalled { bytes, window, total } => write!(
                f,
                "the stream stalled: {bytes} bytes in {} ms, below the minimum throughput ({total} bytes before)",
                window.as_millis()
            ),
            StreamError::TooLarge { limit } => write!(f, "the body is larger than the {limit}-byte cap"),
            StreamError::Transport(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StreamError::Transport(error) => Some(error),
            StreamError::Stalled { .. } | StreamError::TooLarge { .. } => None,
        }
    }
}

impl From<StreamError> for TransportError {
    /// A stall is a timeout, a cap or an unreadable source an invalid request, so a client's
    /// `Error::Transport` carries either.
    fn from(error: StreamError) -> Self {
        match error {
            StreamError::Transport(error) => error,
            StreamError::Stalled { .. } => TransportError::new(TransportErrorKind::Timeout, error.to_string()),
            StreamError::TooLarge { .. } => TransportError::new(TransportErrorKind::Invalid, error.to_string()),
        }
    }
}

/// A response body read chunk by chunk, never whole.
pub struct ByteStream {
    response: reqwest::Response,
    config: StreamConfig,
    window_start: Instant,
    window_bytes: u64,
    total: u64,
    done: bool,
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream").field("total", &self.total).field("done", &self.done).finish_non_exhaustive()
    }
}

impl ByteStream {
    pub(crate) fn new(response: reqwest::Response, config: StreamConfig) -> Self {
        if let Some(length) = response.content_length()
            && config.max_bytes.is_some_and(|limit| length > limit)
        {
            tracing::debug!(length, "the declared Content-Length is above the stream's cap");
        }
        ByteStream { response, config, window_start: Instant::now(), window_bytes: 0, total: 0, done: false }
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.total
    }

    /// The body's length as the server declared it (`Content-Length`), if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.response.content_length()
    }

    /// The next chunk; `None` at the end of the body.
    ///
    /// Errors: [`StreamError::Stalled`] when a window moved less than the minimum
    /// throughput, [`StreamError::TooLarge`] past the cap, [`StreamError::Transport`] when
    /// the connection fails. The stream ends after an error.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, StreamError>> {
        if self.done {
            return None;
        }
        let result = self.read().await;
        if !matches!(result, Some(Ok(_))) {
            self.done = true;
        }
        result
    }

    async fn read(&mut self) -> Option<Result<Bytes, StreamError>> {
        let throughput = self.config.minimum_throughput;
        loop {
            let chunk = if throughput.enabled() {
                let window_end = self.window_start + throughput.grace_period;
                match tokio::time::timeout_at(window_end, self.response.chunk()).await {
                    Ok(chunk) => chunk,
                    Err(_elapsed) => {
                        if self.window_bytes < throughput.per_window() {
                            return Some(Err(StreamError::Stalled {
                                bytes: self.window_bytes,
                                window: throughput.grace_period,
                                total: self.total,
                            }));
                        }
                        self.window_start = window_end;
                        self.window_bytes = 0;
                        continue;
                    }
                }
            } else {
                self.response.chunk().await
            };
            return match chunk {
                Ok(Some(chunk)) => {
                    let length = chunk.len() as u64;
                    self.window_bytes += length;
                    self.total += length;
                    if let Some(limit) = self.config.max_bytes
                        && self.total > limit
                    {
                        return Some(Err(StreamError::TooLarge { limit }));
                    }
                    Some(Ok(chunk))
                }
                Ok(None) => None,
                Err(error) => Some(Err(StreamError::Transport(TransportError::from_reqwest(error)))),
            };
        }
    }

    /// The chunks as a `futures` stream.
    pub fn into_stream(self) -> impl futures_core::Stream<Item = Result<Bytes, StreamError>> + Send {
        futures_util::stream::unfold(self, |mut stream| async move {
            let chunk = stream.next_chunk().await?;
            Some((chunk, stream))
        })
    }

    /// Writes the rest of the body to `writer` (a file, a socket) and returns the bytes
    /// written; the body is never held whole.
    ///
    /// Errors: those of [`ByteStream::next_chunk`], and a failed write as
    /// [`StreamError::Transport`].
    pub async fn write_to<W: tokio::io::AsyncWrite + Unpin>(&mut self, writer: &mut W) -> Result<u64, StreamError> {
        use tokio::io::AsyncWriteExt as _;
        let mut written = 0;
        while let Some(chunk) = self.next_chunk().await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(|e| io_error("writing the body", &e))?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(|e| io_error("writing the body", &e))?;
        Ok(written)
    }
}

fn io_error(what: &str, error: &std::io::Error) -> StreamError {
    StreamError::Transport(TransportError::new(TransportErrorKind::Invalid, format!("{what}: {error}")))
}

type Reader = Box<dyn AsyncRead + Send + Unpin>;

/// Where an upload's bytes come from.
#[derive(Clone)]
enum Source {
    /// A file, opened again for every attempt, so a retry sends it again.
    File(PathBuf),
    /// A reader, which can be read once: a retry after it was sent fails.
    Reader(Arc<Mutex<Option<Reader>>>),
    /// Bytes already in memory, sent again on a retry.
    Bytes(Bytes),
}

/// A request body sent from a file or an async reader, [`UPLOAD_CHUNK_BYTES`] at a time.
#[derive(Clone)]
pub struct Upload {
    source: Source,
    length: Option<u64>,
    /// `None`: the client's ([`crate::ClientConfig::minimum_throughput`]).
    minimum_throughput: Option<MinimumThroughput>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.source {
            Source::File(path) => format!("file {}", path.display()),
            Source::Reader(_) => "reader".to_string(),
            Source::Bytes(bytes) => format!("{} bytes in memory", bytes.len()),
        };
        f.debug_struct("Upload").field("source", &source).field("length", &self.length).finish()
    }
}

impl Upload {
    /// The file at `path`, opened when the request is sent (again on a retry), its length
    /// sent as `Content-Length`.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Upload { source: Source::File(path.into()), length: None, minimum_throughput: None }
    }

    /// Any async reader, read once: the request is not retried after its body was sent.
    /// Give `length` when known (`Content-Length`); without it the body goes chunked
    /// (HTTP/1.1 `Transfer-Encoding: chunked`), which some servers refuse.
    pub fn reader(reader: impl AsyncRead + Send + Unpin + 'static, length: Option<u64>) -> Self {
        Upload {
            source: Source::Reader(Arc::new(Mutex::new(Some(Box::new(reader))))),
            length,
            minimum_throughput: None,
        }
    }

    /// Bytes already in memory (a small body, a test), sent as any upload and again on a
    /// retry, with their length as `Content-Length`.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        let length = Some(bytes.len() as u64);
        Upload { source: Source::Bytes(bytes), length, minimum_throughput: None }
    }

    /// Replaces the stalled-stream protection for this upload (default: the client's,
    /// [`crate::ClientConfig::minimum_throughput`], itself 1 byte/s over 20 s by default).
    pub fn minimum_throughput(mut self, minimum: MinimumThroughput) -> Self {
        self.minimum_throughput = Some(minimum);
        self
    }

    /// The body of one attempt and the progress the transport makes on it, watched with
    /// this upload's minimum throughput or else `client_minimum`.
    ///
    /// Errors: the file cannot be opened, or the reader was sent already.
    pub(crate) async fn body(
        &self,
        client_minimum: MinimumThroughput,
    ) -> Result<(reqwest::Body, Option<u64>, Progress), TransportError> {
        let (reader, length): (Reader, Option<u64>) = match &self.source {
            Source::File(path) => {
                let file = tokio::fs::File::open(path).await.map_err(|e| {
                    TransportError::new(TransportErrorKind::Invalid, format!("cannot open `{}`: {e}", path.display()))
                })?;
                let length = match self.length {
                    Some(length) => Some(length),
                    None => file.metadata().await.ok().map(|metadata| metadata.len()),
                };
                (Box::new(file), length)
            }
            Source::Reader(reader) => {
                let taken = reader.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
                let reader = taken.ok_or_else(|| {
                    TransportError::new(TransportErrorKind::Invalid, "a streamed request body can be sent only once")
                })?;
                (reader, self.length)
            }
            Source::Bytes(bytes) => (Box::new(std::io::Cursor::new(bytes.clone())), self.length),
        };
        let progress = Progress::new(self.minimum_throughput.unwrap_or(client_minimum));
        let counted = progress.clone();
        let chunks = tokio_util::io::ReaderStream::with_capacity(reader, UPLOAD_CHUNK_BYTES).map(move |chunk| {
            if let Ok(chunk) = &chunk {
                counted.sent.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            }
            chunk
        });
        let done = progress.clone();
        // Marks the end when the source is exhausted, and yields nothing (an empty chunk
        // could end a chunked body early).
        let end = futures_util::stream::once(async move { done.finished.store(true, Ordering::Relaxed) })
            .filter_map(|()| async { None::<std::io::Result<Bytes>> });
        let chunks = chunks.chain(end);
        Ok((reqwest::Body::wrap_stream(chunks), length, progress))
    }
}

/// What the transport has taken of an upload, watched for stalls.
#[derive(Debug, Clone)]
pub(crate) struct Progress {
    sent: Arc<AtomicU64>,
    finished: Arc<AtomicBool>,
    minimum: MinimumThroughput,
}

impl Progress {
    fn new(minimum: MinimumThroughput) -> Self {
        Progress { sent: Arc::new(AtomicU64::new(0)), finished: Arc::new(AtomicBool::new(false)), minimum }
    }

    /// Resolves with [`StreamError::Stalled`] when a window of the upload moved less than the
    /// minimum; once the body is sent (or with the protection off), with a timeout when the
    /// response head has not come within `attempt_timeout` (the caller races this with the
    /// request, so only a request still waiting sees it).
    pub(crate) async fn stalled(&self, attempt_timeout: Duration) -> StreamError {
        let head_timeout = || {
            StreamError::Transport(TransportError::new(
                TransportErrorKind::Timeout,
                format!("no response within the attempt timeout of {} ms after the body", attempt_timeout.as_millis()),
            ))
        };
        let mut before = 0;
        loop {
            if !self.minimum.enabled() {
                // Unwatched: the attempt timeout bounds the whole exchange.
                tokio::time::sleep(attempt_timeout).await;
                return head_timeout();
            }
            tokio::time::sleep(self.minimum.grace_period).await;
            if self.finished.load(Ordering::Relaxed) {
                tokio::time::sleep(attempt_timeout).await;
                return head_timeout();
            }
            let sent = self.sent.load(Ordering::Relaxed);
            if sent - before < self.minimum.per_window() {
                return StreamError::Stalled { bytes: sent - before, window: self.minimum.grace_period, total: sent };
            }
            before = sent;
        }
    }
}

/// How long reqwest's own whole-request timeout is set to for a streamed transfer: never
/// reached (the client-wide one, the attempt timeout, would cut a long body short); the
/// head and the body are bounded here instead.
const NO_TOTAL_TIMEOUT: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// One attempt with a streamed body either way: the head within `attempt_timeout` (an
/// upload: the body within its minimum throughput, then the head within `attempt_timeout`);
/// a 2xx response's body left unread in `slot` when there is one, any other 2xx body read
/// whole and a non-2xx body up to [`ERROR_BODY_MAX_BYTES`], within `attempt_timeout`.
pub(crate) async fn send(
    http: &reqwest::Client,
    mut request: reqwest::Request,
    slot: Option<&Mutex<Option<reqwest::Response>>>,
    upload: Option<Progress>,
    attempt_timeout: Duration,
) -> Result<crate::response::RawResponse, TransportError> {
    let timed_out = |what: &str| {
        TransportError::new(
            TransportErrorKind::Timeout,
            format!("no {what} within the attempt timeout of {} ms", attempt_timeout.as_millis()),
        )
    };
    *request.timeout_mut() = Some(NO_TOTAL_TIMEOUT);
    let head = http.execute(request);
    let response = match upload {
        Some(progress) => tokio::select! {
            response = head => response.map_err(TransportError::from_reqwest)?,
            stalled = progress.stalled(attempt_timeout) => return Err(stalled.into()),
        },
        None => tokio::time::timeout(attempt_timeout, head)
            .await
            .map_err(|_| timed_out("response"))?
            .map_err(TransportError::from_reqwest)?,
    };
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    if let Some(slot) = slot
        && (200..300).contains(&status)
    {
        tracing::debug!(status, "response head; the body is streamed");
        *slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(response);
        return Ok(crate::response::RawResponse { status, headers, body: Vec::new() });
    }
    let success = (200..300).contains(&status);
    let limit = if success { None } else { Some(ERROR_BODY_MAX_BYTES) };
    let body = tokio::time::timeout(attempt_timeout, read_bounded(response, limit))
        .await
        .map_err(|_| timed_out("whole body"))??;
    tracing::debug!(status, bytes = body.len(), "response");
    Ok(crate::response::RawResponse { status, headers, body })
}

/// The most bytes read of a non-2xx body answering a streamed exchange (an upload, or a
/// request for a streamed download): 64 KiB, enough for any provider's error document (an
/// S3 `<Error>` is a few hundred bytes). The rest is left unread and the connection
/// dropped, so a server answering an error with a body of gigabytes cannot fill memory.
pub const ERROR_BODY_MAX_BYTES: usize = 64 * 1024;

/// `response`'s body, whole or its first `limit` bytes (then the rest is not read).
///
/// Errors: the connection fails before the end (or the limit).
async fn read_bounded(mut response: reqwest::Response, limit: Option<usize>) -> Result<Vec<u8>, TransportError> {
    let Some(limit) = limit else {
        return Ok(response.bytes().await.map_err(TransportError::from_reqwest)?.to_vec());
    };
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(TransportError::from_reqwest)? {
        let room = limit - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= limit {
            tracing::debug!(limit, "error body cut at the cap; the rest is not read");
            break;
        }
    }
    Ok(body)
}

/// A streamed response decoded for a generated client: a 2xx head with its body as a
/// [`ByteStream`], anything else into the client's error.
///
/// Errors: `E::from_response` for non-2xx statuses.
pub fn decode_stream<E: crate::response::ClientError>(
    raw: crate::response::RawResponse,
    body: Option<ByteStream>,
) -> Result<crate::response::Response<ByteStream>, E> {
    match body {
        Some(body) if (200..300).contains(&raw.status) => {
            Ok(crate::response::Response { status: raw.status, headers: raw.headers, body })
        }
        _ => Err(E::from_response(&raw)),
    }
}
