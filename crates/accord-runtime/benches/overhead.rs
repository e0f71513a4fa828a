//! Per-request overhead of a generated client call (orders `get_order`: OAuth 2.0 bearer
//! token from the cache, X-Request-ID, retry classification, budget bookkeeping, decoding
//! into the `Order` model) against the same request made with bare reqwest and decoded into
//! the same model, both against a local axum server; plus the cost of the rate limiter and
//! the retry classifier per call. Run with `cargo bench -p accord-runtime`.

use std::hint::black_box;
use std::time::Duration;

use accord_runtime::rate_limit::{RateLimitConfig, RateLimiter};
use accord_runtime::retry::{ClassifyRetry, Outcome};
use accord_runtime::{ClientCredentials, RateLimit, RawResponse};

fn main() {
    divan::main();
}

const ORDER: &str = r#"{"order_id":"ORD-1","status":"pending","total_amount":299.99,"currency":"USD","created_at":"2024-01-15T10:30:00Z"}"#;

/// A local server answering the token endpoint and `GET /api/v1/orders/{id}`, on its own
/// threads, for the life of the process.
fn server() -> &'static str {
    static URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    URL.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
            runtime.block_on(async move {
                let app = axum::Router::new()
                    .route(
                        "/oauth/token",
                        axum::routing::post(|| async {
                            (
                                [("content-type", "application/json")],
                                r#"{"access_token":"bench-token","token_type":"Bearer","expires_in":86400}"#,
                            )
                        }),
                    )
                    .route(
                        "/api/v1/orders/{id}",
                        axum::routing::get(|| async { ([("content-type", "application/json")], ORDER) }),
                    );
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                sender.send(format!("http://{}", listener.local_addr().unwrap())).unwrap();
                axum::serve(listener, app).await.unwrap();
            });
        });
        receiver.recv().unwrap()
    })
}

fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// What a hand-written reqwest call does for `get_order`: the same headers, the same model.
fn bare_get_order(bencher: divan::Bencher, http: reqwest::Client) {
    let url = format!("{}/api/v1/orders/ORD-1", server());
    let runtime = client_runtime();
    bencher.bench_local(|| {
        runtime.block_on(async {
            let response = http
                .get(&url)
                .bearer_auth("bench-token")
                .header("X-Request-ID", uuid::Uuid::new_v4().to_string())
                .send()
                .await
                .unwrap();
            let status = response.status();
            let bytes = response.bytes().await.unwrap();
            assert!(status.is_success());
            black_box(serde_json::from_slice::<orders_client::models::Order>(&bytes).unwrap())
        })
    });
}

#[divan::bench(sample_count = 3000)]
fn bare_reqwest(bencher: divan::Bencher) {
    bare_get_order(bencher, accord_runtime::client::http_builder().build().unwrap());
}

/// Bare reqwest with the timeouts a generated client sets (10 s connect, 60 s per request),
/// to show what the timeouts alone cost.
#[divan::bench(sample_count = 3000)]
fn bare_reqwest_with_timeouts(bencher: divan::Bencher) {
    let http = accord_runtime::client::http_builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    bare_get_order(bencher, http);
}

#[divan::bench(sample_count = 3000)]
fn generated_client(bencher: divan::Bencher) {
    let runtime = client_runtime();
    let client = orders_client::Client::builder()
        .base_url(server())
        .client_credentials(ClientCredentials::new("bench", "bench-secret"))
        .client_credentials_token_url(format!("{}/oauth/token", server()))
        // The declared 300/minute would throttle the loop; the limiter has its own bench.
        .rate_limits(None)
        .build()
        .unwrap();
    runtime.block_on(client.get_order("ORD-1").send()).unwrap();
    bencher.bench_local(|| runtime.block_on(async { black_box(client.get_order("ORD-1").send().await.unwrap()) }));
}

#[divan::bench]
fn rate_limiter_reserve(bencher: divan::Bencher) {
    let runtime = client_runtime();
    let _guard = runtime.enter();
    let per_second = |requests| RateLimit { requests, window: Duration::from_secs(1), burst: requests };
    let limiter = RateLimiter::new(RateLimitConfig {
        default: Some(per_second(u32::MAX)),
        operations: vec![("create_order", per_second(u32::MAX))],
        quotas: vec![per_second(u32::MAX)],
        remaining_header: Some("X-RateLimit-Remaining"),
        reset_header: Some("X-RateLimit-Reset"),
        ..RateLimitConfig::default()
    });
    bencher.bench_local(|| black_box(limiter.reserve(black_box("get_order"), tokio::time::Instant::now())));
}

#[divan::bench]
fn retry_classifier(bencher: divan::Bencher) {
    let response = RawResponse {
        status: 409,
        headers: Default::default(),
        body: br#"{"error_code":"INSUFFICIENT_INVENTORY","message":"out of stock"}"#.to_vec(),
    };
    let classifier = orders_client::errors::RETRY_CLASSIFIER;
    bencher.bench_local(|| black_box(classifier.classify(Outcome::Response(black_box(&response)))));
}
