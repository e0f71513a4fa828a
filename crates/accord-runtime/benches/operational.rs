//! What the response cache and the circuit breaker add to a request (issue 18): a cache hit
//! through `Client::execute` (the whole path: the key, the store lookup, the RFC 9111
//! freshness check and the response copied out), and the breaker's admission and outcome
//! per attempt on the in-process store (its futures are ready at once, so they are polled
//! directly, without a runtime). Run with `cargo bench -p accord-runtime --bench operational`.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use accord_runtime::circuit::{CircuitBreaker, CircuitBreakerConfig, CircuitScope};
use accord_runtime::reqwest::Method;
use accord_runtime::{CacheConfig, CircuitSettings, Client, ClientConfig, EndpointCache, RequestSpec};

fn main() {
    divan::main();
}

const BODY: &str = r#"{"order_id":"ORD-1","status":"pending","total_amount":299.99,"currency":"USD","created_at":"2024-01-15T10:30:00Z"}"#;

/// A local server answering `GET /cached` with a body fresh for a day.
fn server() -> &'static str {
    static URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    URL.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
            runtime.block_on(async move {
                let app = axum::Router::new().route(
                    "/cached",
                    axum::routing::get(|| async {
                        (
                            [
                                ("content-type", "application/json"),
                                ("cache-control", "max-age=86400"),
                                ("etag", "\"v1\""),
                            ],
                            BODY,
                        )
                    }),
                );
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                sender.send(format!("http://{}", listener.local_addr().unwrap())).unwrap();
                axum::serve(listener, app).await.unwrap();
            });
        });
        receiver.recv().unwrap()
    })
}

/// Polls a future that the in-process stores make ready at once.
fn ready<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("an in-process store future was not ready"),
    }
}

#[divan::bench(sample_count = 5000)]
fn cache_hit(bencher: divan::Bencher) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut config = ClientConfig::new(server(), "bench");
    const ENDPOINTS: &[EndpointCache] =
        &[EndpointCache { operation: "cached", enabled: true, ttl: None, per_credential: false }];
    config.cache = Some(CacheConfig { max_entries: 1000, max_bytes: 1 << 24, endpoints: ENDPOINTS, store: None });
    let client = Client::new(config).unwrap();
    let request = RequestSpec::new(Method::GET, "cached", "/cached".to_string());
    // The first call fills the cache; every call measured is a hit (no network).
    runtime.block_on(client.execute(&request)).unwrap();
    let _guard = runtime.enter();
    bencher.bench_local(|| ready(client.execute(black_box(&request))).unwrap());
}

#[divan::bench]
fn circuit_breaker_admit_and_record(bencher: divan::Bencher) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let _guard = runtime.enter();
    let breaker = CircuitBreaker::new(
        CircuitBreakerConfig {
            scope: CircuitScope::Endpoint,
            settings: CircuitSettings {
                failure_threshold: Some(5),
                failure_rate: None,
                minimum_calls: 10,
                window: Duration::from_secs(60),
                open_for: Duration::from_secs(30),
                half_open_probes: 1,
            },
            exempt: &[],
            store: None,
        },
        "127.0.0.1",
    );
    bencher.bench_local(|| {
        let permit = ready(breaker.admit(black_box("get_order"))).unwrap();
        ready(breaker.record(&permit, Ok(200)));
    });
}
