//! The latency a shared store adds to each request (issue 19): a client's rate-limit
//! reservation in process against the same reservation as one GCRA script in Redis on
//! loopback, and a whole request to a local server both ways. Starts its own
//! `redis-server` on a free port (tests/redis/install.sh installs it) and prints the median
//! and the 99th percentile in µs. Run: `cargo bench -p accord-runtime --bench shared_state`.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use accord_runtime::client::RequestSpec;
use accord_runtime::rate_limit::RateLimiter;
use accord_runtime::store::redis::{RedisOptions, RedisStore};
use accord_runtime::{Client, ClientConfig, RateLimit, RateLimitConfig, SharedState};

const SAMPLES: usize = 5_000;

fn config() -> RateLimitConfig {
    // Large enough never to wait: only the bookkeeping is measured.
    RateLimitConfig {
        default: Some(RateLimit { requests: 1_000_000_000, window: Duration::from_secs(1), burst: 1_000_000_000 }),
        ..RateLimitConfig::default()
    }
}

fn report(name: &str, mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    let median = micros(samples[samples.len() / 2]);
    let p99 = micros(samples[samples.len() * 99 / 100]);
    println!("{name:<44} median {median:>8.1} µs   p99 {p99:>8.1} µs   ({} samples)", samples.len());
    (median, p99)
}

async fn time<F, Fut>(mut run: F) -> Vec<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..200 {
        run().await;
    }
    let mut samples = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let started = Instant::now();
        run().await;
        samples.push(started.elapsed());
    }
    samples
}

fn main() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut redis = Command::new(std::env::var("ACCORD_REDIS_SERVER").unwrap_or_else(|_| "redis-server".into()))
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server starts (bash tests/redis/install.sh)");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let url = format!("redis://127.0.0.1:{port}");
        let options = RedisOptions { timeout: Duration::from_millis(200), ..RedisOptions::default() };
        let store = Arc::new(RedisStore::new(&url, options).unwrap());
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }

        let local = RateLimiter::new(config());
        report(
            "reservation, in process",
            time(|| async {
                local.acquire("op").await;
            })
            .await,
        );
        let mut shared = RateLimiter::new(config());
        shared.share(store.clone(), "accord:{bench:0}");
        report(
            "reservation, Redis on loopback (GCRA script)",
            time(|| async {
                shared.acquire("op").await;
            })
            .await,
        );
        assert_eq!(store.failures(), 0, "every reservation reached Redis");

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = axum::Router::new().route("/ok", axum::routing::get(|| async { "ok" }));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let client = |shared: Option<SharedState>| {
            let mut config = ClientConfig::new(&base, "bench");
            config.rate_limits = Some(self::config());
            config.shared_state = shared;
            Client::new(config).unwrap()
        };
        let request = RequestSpec::new(accord_runtime::reqwest::Method::GET, "ok", "/ok".to_string());
        let plain = client(None);
        let (local_median, local_p99) = report(
            "request, in-process state",
            time(|| async {
                plain.execute(&request).await.unwrap();
            })
            .await,
        );
        let fleet = client(Some(SharedState::with_redis_store(store.clone()).for_api("bench")));
        let (shared_median, shared_p99) = report(
            "request, Redis state on loopback",
            time(|| async {
                fleet.execute(&request).await.unwrap();
            })
            .await,
        );
        println!(
            "added per request: median {:.1} µs, p99 {:.1} µs",
            shared_median - local_median,
            shared_p99 - local_p99
        );
        assert_eq!(store.failures(), 0);
    });
    let _ = redis.kill();
    let _ = redis.wait();
}
