//! What the shared-state tests run against: a `redis-server` child process on a free port
//! (killed by its process id, restartable on the same port), and an axum server that counts
//! arrivals and can issue and revoke OAuth 2.0 tokens.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use accord_runtime::store::redis::{RedisOptions, RedisStore};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};

/// A `redis-server` of this test: no persistence, on 127.0.0.1.
pub struct RedisServer {
    pub port: u16,
    child: Option<Child>,
}

fn redis_server_binary() -> String {
    match std::env::var("ACCORD_REDIS_SERVER") {
        Ok(binary) => binary,
        Err(_) => {
            ensure_installed();
            "redis-server".to_string()
        }
    }
}

/// Runs the project's own `tests/redis/install.sh` once per test process when `redis-server`
/// is not on PATH, so that `cargo test --workspace` works on a fresh machine as the README
/// says. When it cannot install (no apt, no root, no registry), its message is printed and the
/// test then fails on the missing binary: never a pass without a server.
fn ensure_installed() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let on_path =
            Command::new("redis-server").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
        if on_path.is_ok_and(|status| status.success()) {
            return;
        }
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/redis/install.sh");
        eprintln!("redis-server is not on PATH: running {script}");
        match Command::new("bash").arg(script).status() {
            Ok(status) if status.success() => {}
            Ok(status) => eprintln!("{script} failed ({status}); the shared-state tests will fail"),
            Err(error) => eprintln!("cannot run {script} ({error}); the shared-state tests will fail"),
        }
    });
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
    listener.local_addr().expect("the listener's address").port()
}

impl RedisServer {
    /// Starts a server on a free port and waits until it answers `PING`.
    ///
    /// Panics (failing the test) when `redis-server` is not installed or does not answer
    /// within 10 s: run `bash tests/redis/install.sh`.
    pub fn start() -> Self {
        let mut server = RedisServer { port: free_port(), child: None };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let binary = redis_server_binary();
        let child = Command::new(&binary)
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("cannot start `{binary}` ({error}): the shared-state tests need it; run `bash tests/redis/install.sh`")
            });
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
                use std::io::{Read, Write};
                let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
                let mut reply = [0u8; 7];
                if stream.write_all(b"PING\r\n").is_ok()
                    && stream.read_exact(&mut reply).is_ok()
                    && &reply == b"+PONG\r\n"
                {
                    return;
                }
            }
            if let Some(status) = self.child.as_mut().and_then(|child| child.try_wait().ok().flatten()) {
                panic!("`{binary}` exited with {status} on port {}", self.port);
            }
            assert!(Instant::now() < deadline, "`{binary}` did not answer PING on port {} within 10 s", self.port);
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// A store with its own connection, `timeout` per operation.
    pub fn store(&self, timeout: Duration) -> Arc<RedisStore> {
        let options =
            RedisOptions { timeout, retry_after_failure: Duration::from_millis(100), ..RedisOptions::default() };
        Arc::new(RedisStore::new(&self.url(), options).expect("a Redis URL"))
    }

    /// Kills the server by its process id (SIGKILL) and waits for it to end.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let pid = child.id();
            let status = Command::new("kill").args(["-9", &pid.to_string()]).status().expect("kill runs");
            assert!(status.success(), "kill -9 {pid} failed");
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port (empty: no persistence).
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// What the counting server saw and holds.
#[derive(Default)]
pub struct Seen {
    /// Arrival times of `/count` requests.
    pub arrivals: Mutex<Vec<Instant>>,
    /// Token requests answered.
    pub token_requests: AtomicU64,
    /// The access token accepted now (`token-N`).
    pub current_token: AtomicU64,
    /// `/api` requests answered 401.
    pub unauthorized: AtomicU64,
}

impl Seen {
    /// Arrivals so far, in order.
    pub fn arrivals(&self) -> Vec<Instant> {
        let mut arrivals = self.arrivals.lock().unwrap().clone();
        arrivals.sort();
        arrivals
    }
}

/// Whether `arrivals` (sorted) keep to a rate of one per `interval` with a burst of
/// `burst` from `start` on, as GCRA defines conformance: the k-th arrival (from 1) comes no
/// earlier than `(k - burst) * interval` after `start` (2 ms of slack for the two clocks'
/// rounding). Unlike a count per window, scheduling delays on a loaded machine can only
/// make arrivals later, never break this. `Err` names the first early arrival.
pub fn conforms(arrivals: &[Instant], start: Instant, burst: usize, interval: Duration) -> Result<(), String> {
    for (k, arrival) in arrivals.iter().enumerate() {
        let earliest = interval * u32::try_from((k + 1).saturating_sub(burst)).unwrap();
        let at = arrival.saturating_duration_since(start);
        if at + Duration::from_millis(2) < earliest {
            return Err(format!("request {} arrived {at:?} after the start, not before {earliest:?} allowed", k + 1));
        }
    }
    Ok(())
}

/// The most arrivals within any window of `window` (starting at an arrival).
pub fn most_in_window(arrivals: &[Instant], window: Duration) -> usize {
    let mut most = 0;
    let mut end = 0;
    for start in 0..arrivals.len() {
        while end < arrivals.len() && arrivals[end] < arrivals[start] + window {
            end += 1;
        }
        most = most.max(end - start);
    }
    most
}

/// A local server: `/count` counts arrivals (and `/cached`, cacheable for 60 s); `/oauth/token` issues the current token
/// (`token-N`) and counts the requests; `/api` answers 200 to `Bearer token-N` and 401 to
/// anything else; `/revoke` makes the next token current (the old one is refused).
pub async fn counting_server() -> (String, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let app = axum::Router::new()
        .route(
            "/count",
            get(|State(seen): State<Arc<Seen>>| async move {
                seen.arrivals.lock().unwrap().push(Instant::now());
                "counted"
            }),
        )
        .route(
            "/cached",
            get(|State(seen): State<Arc<Seen>>| async move {
                seen.arrivals.lock().unwrap().push(Instant::now());
                ([("cache-control", "max-age=60")], "cacheable")
            }),
        )
        .route(
            "/oauth/token",
            post(|State(seen): State<Arc<Seen>>| async move {
                seen.token_requests.fetch_add(1, Ordering::SeqCst);
                // A slow token endpoint makes concurrent fetches visible.
                tokio::time::sleep(Duration::from_millis(50)).await;
                let token = format!("token-{}", seen.current_token.load(Ordering::SeqCst));
                (
                    [("content-type", "application/json")],
                    format!(r#"{{"access_token":"{token}","token_type":"Bearer","expires_in":3600}}"#),
                )
            }),
        )
        .route(
            "/api",
            get(|State(seen): State<Arc<Seen>>, headers: HeaderMap| async move {
                let expected = format!("Bearer token-{}", seen.current_token.load(Ordering::SeqCst));
                if headers.get("authorization").and_then(|value| value.to_str().ok()) == Some(expected.as_str()) {
                    (StatusCode::OK, "ok").into_response()
                } else {
                    seen.unauthorized.fetch_add(1, Ordering::SeqCst);
                    (StatusCode::UNAUTHORIZED, "revoked").into_response()
                }
            }),
        )
        .route(
            "/revoke",
            post(|State(seen): State<Arc<Seen>>| async move {
                seen.current_token.fetch_add(1, Ordering::SeqCst);
                "revoked"
            }),
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address: SocketAddr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    (format!("http://{address}"), seen)
}
