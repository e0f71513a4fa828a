//! One webhook delivered to four receivers (a provider's redelivery lands on any replica)
//! is accepted once through Redis (`SET NX PX` with the replay window), four times with the
//! in-process default.

use std::time::Duration;

use accord_runtime::SharedState;

use super::harness::RedisServer;

const WINDOW: Duration = Duration::from_secs(300);

async fn accepted(receivers: Vec<SharedState>, id: &'static str) -> usize {
    let tasks: Vec<_> = receivers
        .into_iter()
        .map(|receiver| tokio::spawn(async move { receiver.first_delivery(id, WINDOW).await }))
        .collect();
    let mut accepted = 0;
    for task in tasks {
        accepted += usize::from(task.await.unwrap());
    }
    accepted
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivery_to_four_receivers_is_accepted_once() {
    let redis = RedisServer::start();
    let receivers: Vec<_> = (0..4)
        .map(|_| SharedState::with_redis_store(redis.store(Duration::from_secs(2))).for_api("webhooks"))
        .collect();
    assert_eq!(accepted(receivers.clone(), "evt_1").await, 1);
    assert_eq!(accepted(receivers.clone(), "evt_1").await, 0, "a later redelivery is recognised too");
    assert_eq!(accepted(receivers, "evt_2").await, 1, "another event is new");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_process_receivers_each_accept_the_redelivery() {
    let receivers = (0..4).map(|_| SharedState::new().for_api("webhooks")).collect();
    assert_eq!(accepted(receivers, "evt_1").await, 4);
}
