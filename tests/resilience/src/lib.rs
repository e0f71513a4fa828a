//! A fault-injecting HTTP server for the resilience tests: an axum app on 127.0.0.1 that
//! answers each path from a script (statuses, headers, bodies, stalls), records every request
//! with its arrival time on tokio's clock, issues OAuth 2.0 tokens and rejects stale ones;
//! plus a raw TCP server that resets connections in the middle of a response, and a tracing
//! capture to check what the client logs.
//!
//! Tests run in tokio's paused time (`#[tokio::test(start_paused = true)]`): server and
//! client share one thread, sleeps and timeouts advance the clock instantly, and arrival
//! times measure exactly the delays the client chose.

pub mod oauth;

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::time::Instant;

/// One scripted answer.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A response with a JSON body (`Value::Null`: no body).
    Respond {
        /// HTTP status.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// Body.
        body: serde_json::Value,
    },
    /// Never answer (the client's attempt timeout must fire).
    Stall,
}

impl Reply {
    /// A JSON response.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Reply::Respond { status, headers: Vec::new(), body }
    }

    /// Adds a header to a response.
    pub fn header(self, name: &str, value: &str) -> Self {
        match self {
            Reply::Respond { status, mut headers, body } => {
                headers.push((name.to_string(), value.to_string()));
                Reply::Respond { status, headers, body }
            }
            Reply::Stall => Reply::Stall,
        }
    }
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// HTTP method.
    pub method: Method,
    /// Path.
    pub path: String,
    /// Query string, if any.
    pub query: Option<String>,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Arrival on tokio's (paused) clock.
    pub at: Instant,
}

impl Received {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// A query parameter.
    pub fn query_param(&self, name: &str) -> Option<String> {
        let query = self.query.as_deref()?;
        query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key == name).then(|| value.to_string())
        })
    }
}

#[derive(Default)]
struct State {
    scripts: HashMap<String, VecDeque<Reply>>,
    log: Vec<Received>,
    token_path: Option<String>,
    token_lifetime_seconds: u64,
    tokens_issued: u64,
    /// Only the newest token is accepted; anything else gets this reply.
    unauthorized: Option<Reply>,
}

/// The scripted server. Cheap to clone; clones share the script and the log.
#[derive(Clone)]
pub struct FaultServer {
    url: String,
    state: Arc<Mutex<State>>,
}

impl FaultServer {
    /// Starts on an ephemeral port of 127.0.0.1, in the current runtime.
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let handler_state = state.clone();
        let app = axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let state = handler_state.clone();
            async move { answer(state, method, uri, headers, body).await }
        });
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the fault server runs");
        });
        FaultServer { url, state }
    }

    /// The base URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> &str {
        &self.url
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Scripts the answers for `path`, in order; the last one repeats.
    pub fn script(&self, path: &str, replies: impl IntoIterator<Item = Reply>) {
        self.lock().scripts.insert(path.to_string(), replies.into_iter().collect());
    }

    /// Serves OAuth 2.0 client-credentials tokens at `path` (`token-1`, `token-2`, …), each
    /// valid for `lifetime_seconds`.
    pub fn issue_tokens(&self, path: &str, lifetime_seconds: u64) {
        let mut state = self.lock();
        state.token_path = Some(path.to_string());
        state.token_lifetime_seconds = lifetime_seconds;
    }

    /// From now on, API requests must carry the newest token; others get `reply`.
    pub fn require_newest_token(&self, reply: Reply) {
        self.lock().unauthorized = Some(reply);
    }

    /// Makes every token issued so far stale (a revoked or rotated credential): the next
    /// token request issues a new one.
    pub fn revoke_tokens(&self) {
        let mut state = self.lock();
        state.tokens_issued += 1_000;
    }

    /// How many token requests arrived.
    pub fn token_requests(&self) -> usize {
        let state = self.lock();
        let Some(path) = state.token_path.clone() else { return 0 };
        state.log.iter().filter(|r| r.path == path).count()
    }

    /// The requests that arrived for `path`, in order.
    pub fn requests(&self, path: &str) -> Vec<Received> {
        self.lock().log.iter().filter(|r| r.path == path).cloned().collect()
    }
}

async fn answer(state: Arc<Mutex<State>>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let reply = {
        let mut state = state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let path = uri.path().to_string();
        state.log.push(Received {
            method,
            path: path.clone(),
            query: uri.query().map(str::to_string),
            headers: headers.clone(),
            body: body.to_vec(),
            at: Instant::now(),
        });
        if state.token_path.as_deref() == Some(path.as_str()) {
            state.tokens_issued += 1;
            let token = format!("token-{}", state.tokens_issued);
            Reply::json(
                200,
                serde_json::json!({
                    "access_token": token,
                    "token_type": "Bearer",
                    "expires_in": state.token_lifetime_seconds,
                }),
            )
        } else if let Some(unauthorized) = state.unauthorized.clone()
            && headers.get("authorization").and_then(|v| v.to_str().ok())
                != Some(format!("Bearer token-{}", state.tokens_issued).as_str())
        {
            unauthorized
        } else {
            match state.scripts.get_mut(&path) {
                Some(queue) if queue.len() > 1 => queue.pop_front().expect("non-empty"),
                Some(queue) => queue.front().cloned().unwrap_or(Reply::json(404, serde_json::Value::Null)),
                None => Reply::json(404, serde_json::json!({"error": "no script for this path"})),
            }
        }
    };
    match reply {
        Reply::Stall => std::future::pending().await,
        Reply::Respond { status, headers, body } => {
            let mut response = if body.is_null() {
                StatusCode::from_u16(status).expect("valid status").into_response()
            } else {
                (
                    StatusCode::from_u16(status).expect("valid status"),
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    body.to_string(),
                )
                    .into_response()
            };
            for (name, value) in headers {
                response.headers_mut().append(
                    HeaderName::from_bytes(name.as_bytes()).expect("header name"),
                    HeaderValue::from_str(&value).expect("header value"),
                );
            }
            response
        }
    }
}

/// A raw HTTP/1.1 server whose first `resets` connections get the start of a response and
/// then a TCP reset (SO_LINGER 0); later connections get `status` with `body`. Returns the
/// base URL and a counter of connections.
pub async fn resetting_server(resets: usize, status: u16, body: serde_json::Value) -> (String, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("local address"));
    let connections = Arc::new(Mutex::new(0usize));
    let counter = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let index = {
                let mut count = counter.lock().expect("counter");
                *count += 1;
                *count
            };
            let body = body.to_string();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                if index <= resets {
                    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n{\"order_id\":";
                    let _ = stream.write_all(head.as_bytes()).await;
                    let _ = stream.flush().await;
                    // A reset, not an orderly close: the client sees "connection reset".
                    let _ = stream.set_zero_linger();
                    drop(stream);
                } else {
                    let response = format!(
                        "HTTP/1.1 {status} OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.shutdown().await;
                }
            });
        }
    });
    (url, connections)
}

/// What `tracing` wrote on one thread, from a process-wide subscriber (INFO and above, with
/// thread ids) installed on first use. A global subscriber, rather than a scoped one,
/// because callsites first hit by tests on other threads would otherwise cache "no
/// interest" and stay silent.
pub struct TracingCapture {
    thread: String,
}

static CAPTURED: std::sync::OnceLock<Arc<Mutex<Vec<u8>>>> = std::sync::OnceLock::new();

/// Starts capturing this thread's tracing output (see [`TracingCapture`]).
pub fn capture_tracing() -> TracingCapture {
    CAPTURED.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = CaptureWriter(buffer.clone());
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_max_level(tracing::Level::INFO)
            .with_thread_ids(true)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber");
        buffer
    });
    TracingCapture { thread: format!("{:?}", std::thread::current().id()) }
}

impl TracingCapture {
    /// The lines written on the capturing thread so far.
    pub fn text(&self) -> String {
        let bytes = CAPTURED.get().map(|b| b.lock().unwrap_or_else(|p| p.into_inner()).clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter(|line| line.contains(&self.thread))
            .map(|line| format!("{line}\n"))
            .collect()
    }
}

#[derive(Clone)]
struct CaptureWriter(Arc<Mutex<Vec<u8>>>);

impl Write for CaptureWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The time between consecutive arrivals.
pub fn gaps(requests: &[Received]) -> Vec<Duration> {
    requests.windows(2).map(|pair| pair[1].at - pair[0].at).collect()
}
