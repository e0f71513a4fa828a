//! Failure of the store: Redis killed by its process id in the middle of a run and started
//! again. Requests continue on the in-process buckets meanwhile (never failed because the
//! coordinator is missing), and once the store has reconnected by itself the shared limit
//! holds again. A server that accepts connections and never answers costs each operation
//! at most the declared timeout.

use std::time::{Duration, Instant};

use accord_runtime::SharedState;
use accord_runtime::client::RequestSpec;

use super::fleet::client;
use super::fleet::{BURST, INTERVAL};
use super::harness::{RedisServer, conforms, counting_server, most_in_window};

async fn get(client: &accord_runtime::Client) {
    let response = client
        .execute(&RequestSpec::new(accord_runtime::reqwest::Method::GET, "count", "/count".to_string()))
        .await
        .expect("requests never fail because the store is missing");
    assert_eq!(response.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_continue_while_redis_is_down_and_limits_hold_again_after_it_returns() {
    let mut redis = RedisServer::start();
    let (base_url, seen) = counting_server().await;
    let stores: Vec<_> = (0..2).map(|_| redis.store(Duration::from_secs(1))).collect();
    let clients: Vec<_> =
        stores.iter().map(|store| client(&base_url, Some(SharedState::with_redis_store(store.clone())))).collect();
    for client in &clients {
        get(client).await;
    }
    assert!(stores.iter().all(|store| store.failures() == 0));

    redis.kill();
    for client in &clients {
        for _ in 0..3 {
            get(client).await;
        }
    }
    assert!(stores.iter().all(|store| store.failures() > 0 && store.is_failing()), "each client fell back");

    redis.restart();
    // Each store reconnects by itself: within a few of its skip periods (100 ms) a request
    // finds it again. Bounded, so a store that never reconnects fails the test.
    let deadline = Instant::now() + Duration::from_secs(10);
    while stores.iter().any(|store| store.is_failing()) {
        assert!(Instant::now() < deadline, "the store did not reconnect within 10 s");
        for client in &clients {
            get(client).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Shared again: the two clients' 2 x 15 requests keep to one limit together (a burst of
    // 10, then one per 10 ms), where two in-process buckets would let 2 x 10 go at once.
    let before = seen.arrivals().len();
    let failures: Vec<u64> = stores.iter().map(|store| store.failures()).collect();
    let start = Instant::now();
    let tasks: Vec<_> = clients
        .iter()
        .cloned()
        .map(|client| {
            tokio::spawn(async move {
                for _ in 0..15 {
                    get(&client).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let after: Vec<_> = seen.arrivals().split_off(before);
    assert_eq!(after.len(), 30);
    conforms(&after, start, BURST, INTERVAL).map_err(|early| format!("after reconnection: {early}")).unwrap();
    eprintln!(
        "after reconnection: at most {} requests in any 100 ms",
        most_in_window(&after, Duration::from_millis(100))
    );
    assert_eq!(
        stores.iter().map(|store| store.failures()).collect::<Vec<_>>(),
        failures,
        "no store fell back after the reconnection"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_server_costs_at_most_the_declared_timeout() {
    // Accepts connections, never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let _held = std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let (base_url, _seen) = counting_server().await;
    let store = std::sync::Arc::new(
        accord_runtime::store::redis::RedisStore::new(
            &format!("redis://127.0.0.1:{port}"),
            accord_runtime::RedisOptions {
                timeout: Duration::from_millis(30),
                retry_after_failure: Duration::from_secs(60),
                ..Default::default()
            },
        )
        .unwrap(),
    );
    let client = client(&base_url, Some(SharedState::with_redis_store(store.clone())));
    let started = Instant::now();
    get(&client).await;
    let first = started.elapsed();
    assert!(first < Duration::from_millis(500), "the first request waited {first:?} for a stalled store");
    assert!(store.failures() >= 1);
    // Within the skip period, the store is not asked: no timeout is paid again.
    let started = Instant::now();
    for _ in 0..5 {
        get(&client).await;
    }
    assert!(started.elapsed() < Duration::from_millis(200), "later requests paid the timeout again");
}
