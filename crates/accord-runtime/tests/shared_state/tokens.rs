//! One OAuth 2.0 token fetch for a fleet: eight clients with their own connections share
//! the client-credentials token through Redis; after the server revokes it, the eight 401s
//! cause one fetch between them (the lease), not eight.

use std::sync::atomic::Ordering;
use std::time::Duration;

use accord_runtime::auth::OAuth2;
use accord_runtime::client::RequestSpec;
use accord_runtime::retry::ErrorRule;
use accord_runtime::{
    Auth, Client, ClientConfig, ClientCredentials, Credentials, RetryConfig, RetryStrategy, SharedState,
    StatusClassifier, StatusPattern,
};

use super::harness::{RedisServer, counting_server};

const CLIENTS: usize = 8;

/// 401 is `refresh_auth`, as the specs declare it.
const RULES: &[ErrorRule] =
    &[ErrorRule { status: StatusPattern::Exact(401), code: None, strategy: RetryStrategy::RefreshAuth, body: None }];

fn client(base_url: &str, shared: Option<SharedState>) -> Client {
    let mut config = ClientConfig::new(base_url, "accord-token-test");
    let mut credentials = Credentials::new();
    credentials.insert(
        "oauth",
        Auth::OAuth2(OAuth2::new(
            format!("{base_url}/oauth/token"),
            ClientCredentials::new("fleet-client", "fleet-secret"),
            Vec::new(),
            Duration::from_secs(60),
        )),
    );
    config.credentials = credentials;
    config.retry = RetryConfig {
        classifier: std::sync::Arc::new(StatusClassifier { code_pointer: None, rules: RULES }),
        ..RetryConfig::default()
    };
    config.shared_state = shared.map(|shared| shared.for_api("tokens"));
    Client::new(config).expect("a client")
}

async fn every_client_calls(clients: &[Client]) {
    let calls: Vec<_> = clients
        .iter()
        .cloned()
        .map(|client| {
            tokio::spawn(async move {
                client
                    .execute(&RequestSpec::new(accord_runtime::reqwest::Method::GET, "api", "/api".to_string()))
                    .await
                    .expect("the API answers")
                    .status
            })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), 200, "every call succeeds, after a refresh where needed");
    }
}

async fn revoke(base_url: &str) {
    accord_runtime::reqwest::Client::new().post(format!("{base_url}/revoke")).send().await.expect("revoke");
}

/// Everything traced at every level, by every test of this binary from now on.
fn capture_traces() -> std::sync::Arc<std::sync::Mutex<Vec<u8>>> {
    #[derive(Clone)]
    struct Capture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Capture {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let captured = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let writer = Capture(captured.clone());
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .try_init()
        .expect("the only subscriber of this test binary");
    captured
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fleet_fetches_one_token_and_one_after_a_revocation() {
    let traces = capture_traces();
    let redis = RedisServer::start();
    let (base_url, seen) = counting_server().await;
    let stores: Vec<_> = (0..CLIENTS).map(|_| redis.store(Duration::from_secs(2))).collect();
    let clients: Vec<_> =
        stores.iter().map(|store| client(&base_url, Some(SharedState::with_redis_store(store.clone())))).collect();
    every_client_calls(&clients).await;
    assert_eq!(seen.token_requests.load(Ordering::SeqCst), 1, "one token for the fleet");
    revoke(&base_url).await;
    every_client_calls(&clients).await;
    assert_eq!(seen.unauthorized.load(Ordering::SeqCst), CLIENTS as u64, "each client met the revocation once");
    assert_eq!(seen.token_requests.load(Ordering::SeqCst), 2, "one more token for the fleet after the revocation");
    assert!(stores.iter().all(|store| store.failures() == 0), "no store operation fell back");
    let traces = String::from_utf8_lossy(&traces.lock().unwrap()).into_owned();
    assert!(traces.contains("credentials refreshed"), "the traces were captured");
    assert!(!traces.contains("token-0") && !traces.contains("token-1"), "a token was traced:\n{traces}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_process_token_caches_fetch_one_token_each() {
    let (base_url, seen) = counting_server().await;
    let clients: Vec<_> = (0..CLIENTS).map(|_| client(&base_url, None)).collect();
    every_client_calls(&clients).await;
    revoke(&base_url).await;
    every_client_calls(&clients).await;
    assert_eq!(seen.token_requests.load(Ordering::SeqCst), 2 * CLIENTS as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crashed_lease_holder_blocks_nobody_past_its_lease() {
    use accord_runtime::store::TokenCacheStore as _;
    let redis = RedisServer::start();
    let (base_url, seen) = counting_server().await;
    let store = redis.store(Duration::from_secs(2));
    let lease = Duration::from_millis(300);
    let prefix_client = client(&base_url, None);
    let key = format!(
        "{}:token:oauth",
        SharedState::new().for_api("tokens").client_prefix(&accord_runtime::fleet::credential_digest(
            prefix_client.auth(),
            prefix_client.credentials()
        ))
    );
    // A holder that took the lease and died.
    assert!(store.try_lease(&key, "crashed", lease).await.unwrap());
    let shared = SharedState::new().with_tokens(store.clone(), lease);
    let started = std::time::Instant::now();
    every_client_calls(&[client(&base_url, Some(shared))]).await;
    assert!(started.elapsed() >= Duration::from_millis(250), "waited for the lease: {:?}", started.elapsed());
    assert_eq!(seen.token_requests.load(Ordering::SeqCst), 1);
}
