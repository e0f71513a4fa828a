//! The memory bound of streamed bodies (issue 18, item 5): 1 GiB downloaded through
//! `Client::execute_streaming` and 1 GiB uploaded through `Body::Stream`, each checked by
//! SHA-256 at the other end, with the process's peak resident set (`VmHWM` of
//! `/proc/self/status`, server and client together) under 64 MiB. Prints the figures and
//! exits non-zero over the limit. Run with
//! `cargo bench -p accord-runtime --bench streaming` (a measurement, not a test: a timed or
//! memory-bound test would fail on a loaded machine; `tests/streaming.rs` checks
//! correctness).

use std::time::Instant;

use accord_runtime::request::Body;
use accord_runtime::reqwest::Method;
use accord_runtime::stream::{StreamConfig, Upload};
use accord_runtime::{Client, ClientConfig, RequestSpec};
use axum::body::Bytes;
use futures_util::StreamExt as _;
use sha2::{Digest as _, Sha256};
use tokio::io::AsyncReadExt as _;

const GIB: u64 = 1024 * 1024 * 1024;
const CHUNK: usize = 256 * 1024;
const LIMIT_MIB: u64 = 64;

/// The expected SHA-256 of 1 GiB of `byte`.
fn expected(byte: u8) -> String {
    let chunk = vec![byte; CHUNK];
    let mut hasher = Sha256::new();
    for _ in 0..GIB / CHUNK as u64 {
        hasher.update(&chunk);
    }
    hex::encode(hasher.finalize())
}

/// Peak resident set size of this process, KiB (`VmHWM`).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status (Linux only)");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// A server on its own thread: `GET /big` streams 1 GiB of `b'd'`, `PUT /sink` hashes what
/// it receives and answers the hex SHA-256 and the byte count.
fn server() -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async move {
            let chunk = Bytes::from(vec![b'd'; CHUNK]);
            let big = move || {
                let chunk = chunk.clone();
                async move {
                    let chunks = futures_util::stream::iter(0..GIB / CHUNK as u64)
                        .map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
                    ([("content-length", GIB.to_string())], axum::body::Body::from_stream(chunks))
                }
            };
            let sink = |body: axum::body::Body| async move {
                let mut hasher = Sha256::new();
                let mut bytes = 0u64;
                let mut stream = body.into_data_stream();
                while let Some(Ok(chunk)) = stream.next().await {
                    bytes += chunk.len() as u64;
                    hasher.update(&chunk);
                }
                format!("{} {bytes}", hex::encode(hasher.finalize()))
            };
            let app =
                axum::Router::new().route("/big", axum::routing::get(big)).route("/sink", axum::routing::put(sink));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            sender.send(format!("http://{}", listener.local_addr().expect("address"))).expect("send");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    receiver.recv().expect("server address")
}

fn main() {
    let url = server();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let client = Client::new(ClientConfig::new(url, "accord-streaming-bench")).expect("client");
    let before = peak_rss_kib();

    let started = Instant::now();
    let download = runtime.block_on(async {
        let request = RequestSpec::new(Method::GET, "download", "/big".to_string());
        let (head, body) = client.execute_streaming(&request, StreamConfig::default()).await.expect("head");
        assert_eq!(head.status, 200);
        let mut body = body.expect("a 2xx streams");
        let mut hasher = Sha256::new();
        while let Some(chunk) = body.next_chunk().await {
            hasher.update(&chunk.expect("chunk"));
        }
        (body.bytes_read(), hex::encode(hasher.finalize()))
    });
    let download_time = started.elapsed();
    let after_download = peak_rss_kib();

    let started = Instant::now();
    let upload = runtime.block_on(async {
        let source = tokio::io::repeat(b'u').take(GIB);
        let mut request = RequestSpec::new(Method::PUT, "upload", "/sink".to_string());
        request.body =
            Body::Stream { content_type: "application/octet-stream".into(), upload: Upload::reader(source, Some(GIB)) };
        let response = client.execute(&request).await.expect("upload");
        assert_eq!(response.status, 200);
        String::from_utf8(response.body).expect("text")
    });
    let upload_time = started.elapsed();
    let peak = peak_rss_kib();

    let mib_per_s = |seconds: f64| GIB as f64 / (1024.0 * 1024.0) / seconds;
    let (download_ok, upload_ok) = (download == (GIB, expected(b'd')), upload == format!("{} {GIB}", expected(b'u')));
    println!(
        "download 1 GiB: {:.2} s ({:.0} MiB/s), SHA-256 {}",
        download_time.as_secs_f64(),
        mib_per_s(download_time.as_secs_f64()),
        if download_ok { "matches" } else { "DIFFERS" }
    );
    println!(
        "upload 1 GiB: {:.2} s ({:.0} MiB/s), SHA-256 at the server {}",
        upload_time.as_secs_f64(),
        mib_per_s(upload_time.as_secs_f64()),
        if upload_ok { "matches" } else { "DIFFERS" }
    );
    println!(
        "peak RSS (VmHWM, server and client): {:.1} MiB before, {:.1} MiB after the download, {:.1} MiB after the upload; limit {LIMIT_MIB} MiB",
        before as f64 / 1024.0,
        after_download as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    if !(download_ok && upload_ok) || peak > LIMIT_MIB * 1024 {
        eprintln!("FAILED");
        std::process::exit(1);
    }
    println!("ok");
}
