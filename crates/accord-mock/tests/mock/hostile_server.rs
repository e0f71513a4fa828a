//! `verify` against hostile servers on 127.0.0.1, each written byte by byte on a raw
//! `TcpListener`: a 100 MB body, an endless chunked stream, a redirect to another host, a
//! server that accepts and never answers, a reset, bytes that are not HTTP, and a port where
//! nothing listens. Each must end in a clear verdict, with the bytes read bounded by the cap
//! (counted, not measured as memory).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use accord_mock::{Contract, Credential, Credentials, Report, StepResult, Verdict, VerifyOptions, verify};
use accord_runtime::Secret;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn stripe() -> Contract {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/stripe.yaml");
    let source = std::fs::read_to_string(&path).expect("spec reads");
    let compiled = accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    accord::emit::contract::build(&compiled.ir)
}

/// How the hostile server answers every request.
#[derive(Clone, Copy)]
enum Behaviour {
    /// `200` with `Content-Length: 104857600` and that many bytes.
    HugeBody,
    /// `200` with a chunked body that never ends.
    EndlessChunks,
    /// `302` to this address.
    RedirectTo(std::net::SocketAddr),
    /// Reads the request and never answers.
    Silent,
    /// Reads the request and resets the connection.
    Reset,
    /// Answers bytes that are not HTTP.
    NotHttp,
}

/// What the hostile server did: body bytes it managed to write, and whether a write failed
/// because the client went away.
#[derive(Default)]
struct Sent {
    bytes: AtomicU64,
    client_gone: tokio::sync::Notify,
}

async fn read_head(stream: &mut TcpStream) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
}

async fn answer(mut stream: TcpStream, behaviour: Behaviour, sent: Arc<Sent>) {
    read_head(&mut stream).await;
    let block = vec![b' '; 64 * 1024];
    let result: std::io::Result<()> = async {
        match behaviour {
            Behaviour::HugeBody => {
                let length = 100 * 1024 * 1024;
                let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n");
                stream.write_all(head.as_bytes()).await?;
                for _ in 0..length / block.len() {
                    stream.write_all(&block).await?;
                    sent.bytes.fetch_add(block.len() as u64, Ordering::Relaxed);
                }
            }
            Behaviour::EndlessChunks => {
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                stream.write_all(head.as_bytes()).await?;
                let chunk = [format!("{:x}\r\n", block.len()).as_bytes(), &block, b"\r\n"].concat();
                loop {
                    stream.write_all(&chunk).await?;
                    sent.bytes.fetch_add(block.len() as u64, Ordering::Relaxed);
                }
            }
            Behaviour::RedirectTo(elsewhere) => {
                // One answer per connection: the next request comes on a new one.
                let head = format!(
                    "HTTP/1.1 302 Found\r\nlocation: http://{elsewhere}/v1/stolen\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
                stream.write_all(head.as_bytes()).await?;
            }
            Behaviour::Silent => std::future::pending::<()>().await,
            Behaviour::Reset => {
                stream.set_zero_linger()?;
                drop(stream);
                std::future::pending::<()>().await;
            }
            Behaviour::NotHttp => {
                stream.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\r\n").await?;
                std::future::pending::<()>().await;
            }
        }
        Ok(())
    }
    .await;
    if result.is_err() {
        sent.client_gone.notify_one();
    }
}

/// Starts a hostile server; returns its base URL and what it sent.
async fn hostile(behaviour: Behaviour) -> (String, Arc<Sent>) {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let sent = Arc::new(Sent::default());
    let counter = sent.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(answer(stream, behaviour, counter.clone()));
        }
    });
    (format!("http://{addr}"), sent)
}

fn options(base_url: String, scenario: &str) -> VerifyOptions {
    let mut credentials = Credentials::new();
    credentials.insert("bearer_token", Credential::Bearer(Secret::new("sk_test_hostile")));
    let mut options = VerifyOptions::new(base_url, credentials);
    if !scenario.is_empty() {
        options.scenarios = vec![scenario.to_string()];
    }
    options
}

fn only_step(report: &Report) -> &StepResult {
    assert_eq!(report.scenarios.len(), 1, "{}", report.render());
    let scenario = &report.scenarios[0];
    assert_eq!(scenario.verdict, Verdict::Fail, "{}", report.render());
    assert_eq!(scenario.steps.len(), 1, "{}", report.render());
    &scenario.steps[0]
}

fn messages(step: &StepResult) -> Vec<String> {
    step.deviations.iter().map(|d| d.to_string()).collect()
}

/// Waits until the hostile server's writes fail (the client closed the connection): a
/// server still writing means the body was not abandoned.
async fn client_went_away(sent: &Sent) {
    tokio::time::timeout(Duration::from_secs(60), sent.client_gone.notified())
        .await
        .expect("verify closed the connection instead of reading on");
}

#[tokio::test]
async fn a_body_longer_than_its_declared_cap_is_refused_by_its_content_length() {
    let (base_url, sent) = hostile(Behaviour::HugeBody).await;
    let report = verify(&stripe(), &options(base_url, "retrieve_customer_ok")).await;
    let step = only_step(&report);
    assert_eq!(step.body_bytes, 0, "nothing of a body declared too long is read");
    assert_eq!(
        messages(step),
        ["body: Content-Length 104857600 exceeds the 16 MiB cap (`--max-body-bytes`); not read"],
        "{}",
        report.render()
    );
    client_went_away(&sent).await;
    assert!(sent.bytes.load(Ordering::Relaxed) < 100 * 1024 * 1024, "the transfer was abandoned");
}

#[tokio::test]
async fn an_endless_chunked_body_is_read_up_to_the_cap_and_no_further() {
    let (base_url, sent) = hostile(Behaviour::EndlessChunks).await;
    let mut options = options(base_url, "retrieve_customer_ok");
    options.max_body_bytes = 1024 * 1024;
    let report = verify(&stripe(), &options).await;
    let step = only_step(&report);
    // At most the cap plus one chunk of the transport (64 KiB here, at most a few on the wire).
    assert!(
        step.body_bytes > options.max_body_bytes && step.body_bytes <= options.max_body_bytes + 1024 * 1024,
        "bytes read: {}",
        step.body_bytes
    );
    assert_eq!(
        messages(step),
        [format!("body: body exceeded 1 MiB after {} bytes (`--max-body-bytes`); not read further", step.body_bytes)],
        "{}",
        report.render()
    );
    client_went_away(&sent).await;
    // What the server wrote is bounded too: the read, and what fits in the sockets' buffers.
    assert!(sent.bytes.load(Ordering::Relaxed) < 64 * 1024 * 1024, "the stream was cut");
}

#[tokio::test]
async fn a_redirect_is_reported_with_its_location_and_not_followed() {
    // Where the redirect points: any connection to it is a failure.
    let elsewhere = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let elsewhere_addr = elsewhere.local_addr().expect("addr");
    let visits = Arc::new(AtomicU64::new(0));
    let counter = visits.clone();
    tokio::spawn(async move {
        while let Ok(_connection) = elsewhere.accept().await {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    });
    let (base_url, _) = hostile(Behaviour::RedirectTo(elsewhere_addr)).await;
    let report = verify(&stripe(), &options(base_url, "retrieve_customer_ok")).await;
    let step = only_step(&report);
    let location = format!("http://{elsewhere_addr}/v1/stolen");
    assert_eq!(step.actual, format!("302 -> {location}"));
    assert_eq!(
        messages(step),
        [format!("status: expected 200, got 302, a redirect to `{location}` (verify does not follow redirects)")]
    );
    assert_eq!(visits.load(Ordering::Relaxed), 0, "the other host was never contacted");
}

async fn transport_error(behaviour: Behaviour) -> String {
    let (base_url, _) = hostile(behaviour).await;
    let report = verify(&stripe(), &options(base_url, "retrieve_customer_ok")).await;
    let step = only_step(&report);
    assert_eq!(step.actual, "no response", "{}", report.render());
    assert_eq!(step.deviations.len(), 1, "{}", report.render());
    assert_eq!(step.deviations[0].at, "transport");
    step.deviations[0].message.clone()
}

#[tokio::test]
async fn transport_errors_say_what_failed() {
    let reset = transport_error(Behaviour::Reset).await;
    assert_eq!(reset, "connection reset by the server");
    let garbage = transport_error(Behaviour::NotHttp).await;
    assert!(garbage.starts_with("invalid HTTP response: "), "{garbage}");
    // A port nothing listens on.
    let closed = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    let report = verify(&stripe(), &options(format!("http://{addr}"), "retrieve_customer_ok")).await;
    let step = only_step(&report);
    assert_eq!(messages(step), ["transport: connection refused (nothing listens there)"]);
}

#[tokio::test(start_paused = true)]
async fn a_silent_server_costs_the_deadline_and_the_rest_is_not_run() {
    let (base_url, _) = hostile(Behaviour::Silent).await;
    let mut options = options(base_url, "");
    options.timeout = Duration::from_secs(30);
    options.deadline = Duration::from_secs(100);
    let started = tokio::time::Instant::now();
    let report = verify(&stripe(), &options).await;
    let text = report.render();
    // The probe for `accord mock` takes 30 s, two scenarios time out at 60 s and 90 s, the
    // third is cut at 100 s and the rest never start.
    assert_eq!(started.elapsed(), Duration::from_secs(100), "{text}");
    let failed: Vec<_> = report.scenarios.iter().filter(|s| s.verdict == Verdict::Fail).collect();
    assert_eq!(failed.len(), 2, "{text}");
    for scenario in failed {
        let step = &scenario.steps[0];
        assert_eq!(messages(step), ["transport: timed out: no complete response within 30 s (`--timeout`)"]);
    }
    let not_run: Vec<_> = report.scenarios.iter().filter(|s| s.verdict == Verdict::NotRun).collect();
    assert!(not_run.len() >= 2, "{text}");
    assert!(not_run[0].reason.as_deref().is_some_and(|r| r.starts_with("the deadline of 100 s passed during step 1")));
    assert!(not_run[1..].iter().all(|s| s.reason.as_deref() == Some("the deadline of 100 s passed before it started")));
    assert!(!report.passed(), "an incomplete run does not pass");
    assert!(text.contains(&format!("{} not run (deadline reached)", not_run.len())), "{text}");
}
