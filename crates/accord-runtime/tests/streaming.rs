//! Streamed bodies (feature `streaming`) against a local axum server: a download read chunk
//! by chunk arrives whole (SHA-256) and in many chunks, a cap stops it, a stalled download
//! or upload fails with `StreamError::Stalled` in paused time while a slow one above the
//! minimum completes, a file upload is sent again on a retry and a reader upload is not,
//! and an error body answering either is read only up to `ERROR_BODY_MAX_BYTES`.
//! The memory bound (1 GiB each way under 64 MiB of RSS) is `benches/streaming.rs`'s.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use accord_runtime::request::Body;
use accord_runtime::reqwest::Method;
use accord_runtime::stream::{MinimumThroughput, StreamConfig, StreamError, Upload};
use accord_runtime::{Client, ClientConfig, RequestSpec, RetryPolicy};
use axum::body::Bytes;
use futures_util::StreamExt as _;
use sha2::{Digest as _, Sha256};

/// The `i`th byte of every test body: a pattern that a lost, repeated or reordered chunk
/// changes.
fn pattern(offset: u64, length: usize) -> Vec<u8> {
    (offset..offset + length as u64).map(|i| (i.wrapping_mul(2654435761) >> 7) as u8).collect()
}

fn sha256_of_pattern(total: u64, chunk: usize) -> String {
    let mut hasher = Sha256::new();
    let mut offset = 0;
    while offset < total {
        let length = chunk.min((total - offset) as usize);
        hasher.update(pattern(offset, length));
        offset += length as u64;
    }
    hex::encode(hasher.finalize())
}

const CHUNK: usize = 100 * 1024;
const TOTAL: u64 = 8 * 1024 * 1024;

/// Uploads received: (attempt's `Content-Length`, bytes, SHA-256).
type Received = Arc<Mutex<Vec<(Option<String>, u64, String)>>>;

async fn server(received: Received) -> String {
    use axum::routing::{get, put};
    let download = || async {
        let chunks = futures_util::stream::iter((0..TOTAL).step_by(CHUNK)).map(|offset| {
            let length = CHUNK.min((TOTAL - offset) as usize);
            Ok::<_, std::io::Error>(Bytes::from(pattern(offset, length)))
        });
        axum::body::Body::from_stream(chunks)
    };
    // 10 bytes, then nothing more.
    let stalling = || async {
        let chunks = futures_util::stream::once(async { Ok::<_, std::io::Error>(Bytes::from_static(b"0123456789")) })
            .chain(futures_util::stream::pending());
        axum::body::Body::from_stream(chunks)
    };
    // 30 bytes every 10 s, five times: 3 bytes/s, above the 1 byte/s minimum.
    let slow = || async {
        let chunks = futures_util::stream::iter(0..5).then(|_| async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; 30]))
        });
        axum::body::Body::from_stream(chunks)
    };
    let attempts = Arc::new(Mutex::new(0u32));
    let upload = move |headers: axum::http::HeaderMap, body: axum::body::Body| {
        let received = received.clone();
        let attempts = attempts.clone();
        async move {
            let mut hasher = Sha256::new();
            let mut bytes = 0u64;
            let mut stream = body.into_data_stream();
            while let Some(chunk) = stream.next().await {
                let Ok(chunk) = chunk else { return axum::http::StatusCode::BAD_REQUEST };
                bytes += chunk.len() as u64;
                hasher.update(&chunk);
            }
            let length = headers.get("content-length").and_then(|v| v.to_str().ok()).map(str::to_string);
            received.lock().unwrap().push((length, bytes, hex::encode(hasher.finalize())));
            let mut attempts = attempts.lock().unwrap();
            *attempts += 1;
            // The first attempt fails, so that the client retries the PUT.
            if *attempts == 1 { axum::http::StatusCode::SERVICE_UNAVAILABLE } else { axum::http::StatusCode::OK }
        }
    };
    let app = axum::Router::new()
        .route("/download", get(download))
        .route("/stalling", get(stalling))
        .route("/slow", get(slow))
        .route("/missing", get(|| async { (axum::http::StatusCode::NOT_FOUND, "no such object") }))
        .route("/upload", put(upload))
        .route("/huge-error", axum::routing::any(huge_error));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    url
}

/// A `500` whose body is the 8 MiB test pattern: an error body far past any error document.
async fn huge_error() -> (axum::http::StatusCode, axum::body::Body) {
    let chunks = futures_util::stream::iter((0..TOTAL).step_by(CHUNK)).map(|offset| {
        let length = CHUNK.min((TOTAL - offset) as usize);
        Ok::<_, std::io::Error>(Bytes::from(pattern(offset, length)))
    });
    (axum::http::StatusCode::INTERNAL_SERVER_ERROR, axum::body::Body::from_stream(chunks))
}

fn client(url: &str, attempts: u32) -> Client {
    let mut config = ClientConfig::new(url, "streaming-test");
    config.retry.policy =
        RetryPolicy { max_attempts: attempts, initial_delay: Duration::from_millis(1), ..RetryPolicy::UNDECLARED };
    Client::new(config).expect("client")
}

fn get(path: &str) -> RequestSpec {
    RequestSpec::new(Method::GET, "download", path.to_string())
}

#[tokio::test]
async fn a_download_arrives_whole_in_many_bounded_chunks() {
    let url = server(Received::default()).await;
    let (head, body) = client(&url, 1).execute_streaming(&get("/download"), StreamConfig::default()).await.unwrap();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "the body is not read into the head");
    let mut body = body.expect("a 2xx streams");
    let (mut hasher, mut chunks, mut largest) = (Sha256::new(), 0, 0);
    while let Some(chunk) = body.next_chunk().await {
        let chunk = chunk.expect("chunk");
        chunks += 1;
        largest = largest.max(chunk.len());
        hasher.update(&chunk);
    }
    assert_eq!(body.bytes_read(), TOTAL);
    assert_eq!(hex::encode(hasher.finalize()), sha256_of_pattern(TOTAL, CHUNK));
    assert!(chunks >= 8, "{chunks} chunks: the body came in pieces");
    assert!(largest <= 1024 * 1024, "a chunk of {largest} bytes");
    assert!(body.next_chunk().await.is_none(), "ended");
}

#[tokio::test]
async fn a_cap_stops_a_download_and_write_to_copies_one_into_a_writer() {
    let url = server(Received::default()).await;
    let client = client(&url, 1);
    let capped = StreamConfig { max_bytes: Some(1024 * 1024), ..StreamConfig::default() };
    let (_, body) = client.execute_streaming(&get("/download"), capped).await.unwrap();
    let mut body = body.unwrap();
    let mut sink = Vec::new();
    let error = body.write_to(&mut sink).await.expect_err("over the cap");
    assert!(matches!(error, StreamError::TooLarge { limit: 1048576 }), "{error:?}");
    assert!(sink.len() as u64 <= 1024 * 1024, "nothing past the cap is written: {}", sink.len());

    let (_, body) = client.execute_streaming(&get("/download"), StreamConfig::default()).await.unwrap();
    let mut sink = Vec::new();
    assert_eq!(body.unwrap().write_to(&mut sink).await.expect("copied"), TOTAL);
    assert_eq!(hex::encode(Sha256::digest(&sink)), sha256_of_pattern(TOTAL, CHUNK));
}

#[tokio::test]
async fn an_error_status_is_read_whole_without_a_stream() {
    let url = server(Received::default()).await;
    let (head, body) = client(&url, 1).execute_streaming(&get("/missing"), StreamConfig::default()).await.unwrap();
    assert_eq!((head.status, head.body.as_slice(), body.is_none()), (404, &b"no such object"[..], true));
}

#[tokio::test]
async fn an_error_body_answering_a_streamed_exchange_is_read_up_to_the_cap() {
    use accord_runtime::stream::ERROR_BODY_MAX_BYTES;
    let url = server(Received::default()).await;
    let client = client(&url, 1);
    let (head, body) = client.execute_streaming(&get("/huge-error"), StreamConfig::default()).await.unwrap();
    assert_eq!((head.status, body.is_none()), (500, true));
    assert_eq!(head.body.len(), ERROR_BODY_MAX_BYTES, "the 8 MiB error body is cut at the cap");
    assert_eq!(head.body, pattern(0, ERROR_BODY_MAX_BYTES), "the cap keeps the body's first bytes");

    let file = std::env::temp_dir().join(format!("accord-error-cap-{}.bin", std::process::id()));
    std::fs::write(&file, pattern(0, 4096)).expect("write the upload");
    let mut upload = RequestSpec::new(Method::PUT, "upload", "/huge-error".to_string());
    upload.body = Body::Stream { content_type: "application/octet-stream".into(), upload: Upload::file(&file) };
    let head = client.execute(&upload).await.expect("a 500 is a response");
    std::fs::remove_file(&file).ok();
    assert_eq!((head.status, head.body.len()), (500, ERROR_BODY_MAX_BYTES), "an upload's error body is capped too");
}

#[tokio::test(start_paused = true)]
async fn a_stalled_download_fails_after_the_grace_period_and_a_slow_one_completes() {
    let url = server(Received::default()).await;
    let client = client(&url, 1);
    let (_, body) = client.execute_streaming(&get("/stalling"), StreamConfig::default()).await.unwrap();
    let mut body = body.unwrap();
    let started = tokio::time::Instant::now();
    assert_eq!(body.next_chunk().await.unwrap().unwrap().as_ref(), b"0123456789");
    let error = body.next_chunk().await.unwrap().expect_err("stalled");
    assert!(
        matches!(error, StreamError::Stalled { bytes: 10, total: 10, window } if window == Duration::from_secs(20)),
        "{error:?}"
    );
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(20) && waited < Duration::from_secs(21), "{waited:?}");
    assert!(body.next_chunk().await.is_none(), "a stream ends after its error");
    let transport: accord_runtime::TransportError = error.into();
    assert_eq!(transport.kind(), accord_runtime::TransportErrorKind::Timeout);

    let (_, body) = client.execute_streaming(&get("/slow"), StreamConfig::default()).await.unwrap();
    let mut sink = Vec::new();
    assert_eq!(body.unwrap().write_to(&mut sink).await.expect("3 bytes/s is above 1 byte/s"), 150);

    let strict = StreamConfig {
        minimum_throughput: MinimumThroughput { bytes_per_second: 5, grace_period: Duration::from_secs(20) },
        ..StreamConfig::default()
    };
    let (_, body) = client.execute_streaming(&get("/slow"), strict).await.unwrap();
    let error = body.unwrap().write_to(&mut Vec::new()).await.expect_err("3 bytes/s is below 5 bytes/s");
    assert!(matches!(error, StreamError::Stalled { .. }), "{error:?}");
}

fn put(upload: Upload) -> RequestSpec {
    let mut request = RequestSpec::new(Method::PUT, "upload", "/upload".to_string());
    request.body = Body::Stream { content_type: "application/octet-stream".into(), upload };
    request
}

#[tokio::test]
async fn a_file_upload_is_sent_again_on_a_retry_and_a_reader_only_once() {
    let received = Received::default();
    let url = server(received.clone()).await;
    let path = std::env::temp_dir().join(format!("accord-upload-{}.bin", std::process::id()));
    let size = 3 * 1024 * 1024 + 17;
    std::fs::write(&path, pattern(0, size)).expect("temp file");
    let expected = hex::encode(Sha256::digest(pattern(0, size)));

    let response = client(&url, 2).execute(&put(Upload::file(&path))).await.expect("sent");
    std::fs::remove_file(&path).ok();
    assert_eq!(response.status, 200, "the retry succeeded");
    let attempts = received.lock().unwrap().clone();
    let whole = (Some(size.to_string()), size as u64, expected.clone());
    assert_eq!(attempts, [whole.clone(), whole], "both attempts carried the whole file, with its length");

    // The server's next answer is 200; a reader is read once, so a retry could not resend
    // it: with its length, and then a second use of the same request fails.
    let request = put(Upload::reader(std::io::Cursor::new(pattern(0, size)), Some(size as u64)));
    let client = client(&url, 1);
    assert_eq!(client.execute(&request).await.expect("sent").status, 200);
    assert_eq!(received.lock().unwrap().last().unwrap().2, expected);
    let again = client.execute(&request).await.expect_err("a reader is sent once");
    assert!(again.to_string().contains("only once"), "{again}");
}

/// A reader that gives 5 bytes, then nothing, ever.
struct Stuck(bool);

impl tokio::io::AsyncRead for Stuck {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if self.0 {
            return std::task::Poll::Pending;
        }
        self.0 = true;
        buf.put_slice(b"hello");
        std::task::Poll::Ready(Ok(()))
    }
}

#[tokio::test(start_paused = true)]
async fn a_stalled_upload_fails_with_a_timeout_after_the_grace_period() {
    let url = server(Received::default()).await;
    let started = tokio::time::Instant::now();
    let error = client(&url, 1).execute(&put(Upload::reader(Stuck(false), Some(1000)))).await.expect_err("stalled");
    assert_eq!(error.kind(), accord_runtime::TransportErrorKind::Timeout, "{error}");
    assert!(error.to_string().contains("stalled"), "{error}");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(20) && waited < Duration::from_secs(41), "{waited:?}");
}
