//! The mock against clients that misbehave at the connection level: slow lorises that never
//! finish a request head (disconnected after the header read timeout, under paused time), and
//! a body over the limit announced by its `Content-Length` (a `413` the client can read).

use std::path::Path;
use std::time::Duration;

use accord_mock::{Contract, MockOptions, MockServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn orders() -> Contract {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/orders.yaml");
    let source = std::fs::read_to_string(&path).expect("spec reads");
    let compiled = accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    accord::emit::contract::build(&compiled.ir)
}

/// Everything the server sends until it closes the connection (or resets it: then what
/// arrived before, and the error).
async fn read_to_close(stream: &mut TcpStream) -> (Vec<u8>, Option<std::io::Error>) {
    let mut received = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        match stream.read(&mut buffer).await {
            Ok(0) => return (received, None),
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(error) => return (received, Some(error)),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn slow_lorises_are_disconnected_after_the_header_read_timeout() {
    let timeout = Duration::from_secs(10);
    let options = MockOptions { header_read_timeout: timeout, ..MockOptions::default() };
    let mock = MockServer::start(orders(), options).await.expect("mock starts");
    let started = tokio::time::Instant::now();
    // 100 clients, each with half a header line sent, and one that sends nothing at all.
    let mut lorises = Vec::new();
    for _ in 0..100 {
        let mut stream = TcpStream::connect(mock.addr()).await.expect("connects");
        stream.write_all(b"GET /__accord HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaa").await.expect("writes");
        lorises.push(stream);
    }
    lorises.push(TcpStream::connect(mock.addr()).await.expect("connects"));
    // A well-behaved client is answered meanwhile.
    let mut polite = TcpStream::connect(mock.addr()).await.expect("connects");
    polite.write_all(b"GET /__accord HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await.expect("writes");
    let (answer, _) = read_to_close(&mut polite).await;
    assert!(answer.starts_with(b"HTTP/1.1 200 OK"), "{}", String::from_utf8_lossy(&answer));
    for stream in &mut lorises {
        // An hour of paused time: a mock without the timeout fails here instead of hanging.
        let closed = tokio::time::timeout(Duration::from_secs(3600), read_to_close(stream)).await;
        let (received, _) = closed.expect("the slow client is disconnected");
        // hyper closes without an answer: there is no request to answer yet.
        assert!(received.is_empty() || received.starts_with(b"HTTP/1.1 408"), "{}", String::from_utf8_lossy(&received));
    }
    let elapsed = started.elapsed();
    assert!(elapsed >= timeout && elapsed < timeout + Duration::from_secs(1), "disconnected after {elapsed:?}");
    mock.shutdown().await;
}

#[tokio::test]
async fn a_body_over_the_limit_gets_a_413_the_client_can_read() {
    let mock = MockServer::start(orders(), MockOptions::default()).await.expect("mock starts");
    // Four times the limit: a mock that reads up to its limit, answers and closes resets the
    // connection under the client's feet.
    let length = 64 * 1024 * 1024;
    let mut stream = TcpStream::connect(mock.addr()).await.expect("connects");
    // The client sends its whole body before it reads, as clients without
    // `Expect: 100-continue` do (urllib, requests, many SDKs).
    let head = format!(
        "POST /api/v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("the head is sent");
    let block = vec![b' '; 64 * 1024];
    for _ in 0..length / block.len() {
        stream.write_all(&block).await.expect("the mock takes the body it refuses instead of resetting");
    }
    let mut received = Vec::new();
    let outcome = stream.read_to_end(&mut received).await;
    let text = String::from_utf8_lossy(&received);
    assert!(outcome.is_ok(), "the connection was reset: {outcome:?} after {text:?}");
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.to_ascii_lowercase().contains("connection: close"), "{text}");
    assert!(
        text.ends_with(&format!(r#"{{"error":"body of {length} bytes larger than the limit of 16777216 bytes"}}"#)),
        "{text}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_body_dripped_slower_than_the_body_read_timeout_gets_a_408() {
    let timeout = Duration::from_secs(10);
    let options = MockOptions { body_read_timeout: timeout, ..MockOptions::default() };
    let mock = MockServer::start(orders(), options).await.expect("mock starts");
    let started = tokio::time::Instant::now();
    let mut stream = TcpStream::connect(mock.addr()).await.expect("connects");
    // The head promises 1,000 bytes; only the first arrives, and the client then waits.
    let head = "POST /api/v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{";
    stream.write_all(head.as_bytes()).await.expect("the head is sent");
    // An hour of paused time: a mock without the timeout fails here instead of hanging.
    let closed = tokio::time::timeout(Duration::from_secs(3600), read_to_close(&mut stream)).await;
    let (received, _) = closed.expect("the slow client is answered and disconnected");
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("request body not received within 10 s"), "{text}");
    let elapsed = started.elapsed();
    assert!(elapsed >= timeout && elapsed < timeout + Duration::from_secs(1), "answered after {elapsed:?}");
    mock.shutdown().await;
}
