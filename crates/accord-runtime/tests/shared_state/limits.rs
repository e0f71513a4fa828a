//! The shared bucket at the store's level: the GCRA reservation's arithmetic (a burst, then
//! one interval per request) and the server's rate-limit report tightening the bucket for
//! every process. The store returns the wait without sleeping, so nothing here waits.

use std::time::Duration;

use accord_runtime::RateLimit;
use accord_runtime::store::{BucketRef, RateLimitStore as _};

use super::harness::RedisServer;

fn bucket(key: &str) -> BucketRef<'_> {
    // 100/minute, burst 10: one request every 600 ms after the burst.
    BucketRef { key, limit: RateLimit { requests: 100, window: Duration::from_secs(60), burst: 10 } }
}

/// `expected` less at most the time since `since` (the calls take real time on Redis's
/// clock, which the same machine's clock bounds; 2 ms for rounding).
fn near(wait: Duration, expected: Duration, since: std::time::Instant) -> bool {
    let slack = since.elapsed() + Duration::from_millis(2);
    wait <= expected && wait + slack >= expected
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_then_one_reservation_per_interval() {
    let redis = RedisServer::start();
    let (a, b) = (redis.store(Duration::from_secs(2)), redis.store(Duration::from_secs(2)));
    // Both connections open before the clock starts.
    a.reserve(&[bucket("warm-a")]).await.unwrap();
    b.reserve(&[bucket("warm-b")]).await.unwrap();
    let start = std::time::Instant::now();
    for i in 0..10 {
        let store = if i % 2 == 0 { &a } else { &b };
        assert_eq!(store.reserve(&[bucket("k")]).await.unwrap(), Duration::ZERO, "request {i} of the burst");
    }
    let wait = a.reserve(&[bucket("k")]).await.unwrap();
    assert!(near(wait, Duration::from_millis(600), start), "the 11th waits one interval: {wait:?}");
    let wait = b.reserve(&[bucket("k")]).await.unwrap();
    assert!(near(wait, Duration::from_millis(1_200), start), "the 12th two: {wait:?}");
    // A quota drawn on with the bucket: the longest wait of the two.
    let quota = BucketRef { key: "q", limit: RateLimit { requests: 1, window: Duration::from_secs(86_400), burst: 1 } };
    assert!(near(a.reserve(&[bucket("other"), quota]).await.unwrap(), Duration::ZERO, start));
    let wait = a.reserve(&[bucket("other"), quota]).await.unwrap();
    assert!(near(wait, Duration::from_secs(86_400), start), "the daily quota is spent: {wait:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_report_tightens_the_bucket_for_every_process() {
    let redis = RedisServer::start();
    let (a, b) = (redis.store(Duration::from_secs(2)), redis.store(Duration::from_secs(2)));
    a.reserve(&[bucket("warm-a")]).await.unwrap();
    b.reserve(&[bucket("warm-b")]).await.unwrap();
    let start = std::time::Instant::now();
    // One process saw `remaining: 2`: the fleet may send 2 more at once, not 10.
    a.observe(bucket("k"), Some(2), None).await.unwrap();
    assert_eq!(b.reserve(&[bucket("k")]).await.unwrap(), Duration::ZERO);
    assert_eq!(b.reserve(&[bucket("k")]).await.unwrap(), Duration::ZERO);
    let wait = b.reserve(&[bucket("k")]).await.unwrap();
    assert!(near(wait, Duration::from_millis(600), start), "{wait:?}");
    // `remaining: 0` with a reset in 30 s: nothing before it, for anyone.
    a.observe(bucket("j"), Some(0), Some(Duration::from_secs(30))).await.unwrap();
    let wait = b.reserve(&[bucket("j")]).await.unwrap();
    assert!(near(wait, Duration::from_secs(30), start), "{wait:?}");
    // A looser report never loosens it.
    a.observe(bucket("j"), Some(1_000), None).await.unwrap();
    assert!(b.reserve(&[bucket("j")]).await.unwrap() >= Duration::from_secs(29));
}

#[cfg(feature = "cache")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_cached_by_one_replica_is_served_to_another() {
    let redis = RedisServer::start();
    let (base_url, seen) = super::harness::counting_server().await;
    let client = |store| {
        let mut config = accord_runtime::ClientConfig::new(&base_url, "accord-cache-test");
        config.cache =
            Some(accord_runtime::CacheConfig { max_entries: 100, max_bytes: 1 << 20, endpoints: &[], store: None });
        config.shared_state = Some(accord_runtime::SharedState::with_redis_store(store).for_api("cache"));
        accord_runtime::Client::new(config).unwrap()
    };
    let (first, second) = (client(redis.store(Duration::from_secs(2))), client(redis.store(Duration::from_secs(2))));
    let request = accord_runtime::RequestSpec::new(accord_runtime::reqwest::Method::GET, "cached", "/cached".into());
    assert_eq!(first.execute(&request).await.unwrap().body, b"cacheable");
    assert_eq!(second.execute(&request).await.unwrap().body, b"cacheable");
    assert_eq!(seen.arrivals().len(), 1, "the second replica was answered from the shared cache");
}
