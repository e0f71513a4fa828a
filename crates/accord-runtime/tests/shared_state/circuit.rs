//! The circuit script (`circuit.lua`) against the Rust state machine it transcribes
//! (`CircuitState`): the same admissions and transitions for a seeded random sequence of
//! admits and outcomes at a clock the test gives; and the shared cache store's round trip.

use std::time::Duration;

use accord_runtime::store::circuit::CircuitState;
use accord_runtime::store::{CallOutcome, CircuitSettings};

use super::harness::RedisServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_script_makes_the_same_decisions_as_the_state_machine() {
    let redis = RedisServer::start();
    let store = redis.store(Duration::from_secs(2));
    let settings_list = [
        CircuitSettings {
            failure_threshold: Some(3),
            failure_rate: None,
            minimum_calls: 1,
            window: Duration::from_secs(60),
            open_for: Duration::from_secs(30),
            half_open_probes: 2,
        },
        CircuitSettings {
            failure_threshold: None,
            failure_rate: Some(0.5),
            minimum_calls: 4,
            window: Duration::from_secs(10),
            open_for: Duration::from_secs(5),
            half_open_probes: 1,
        },
    ];
    let mut rng = fastrand::Rng::with_seed(19);
    for (n, settings) in settings_list.iter().enumerate() {
        let key = format!("circuit-{n}");
        let mut now: u64 = 1_000;
        let mut state = CircuitState::new(now);
        for step in 0..2_000 {
            now += rng.u64(0..4_000);
            if rng.bool() {
                let expected = state.admit(now, settings);
                let got = store.circuit_admit_at(&key, now, settings).await.unwrap();
                assert_eq!(got, expected, "admit, step {step}, settings {n}");
            } else {
                let outcome = if rng.u8(0..3) == 0 { CallOutcome::Success } else { CallOutcome::Failure };
                let expected = state.record(now, outcome, settings);
                let got = store.circuit_record_at(&key, now, outcome, settings).await.unwrap();
                assert_eq!(got, expected, "record {outcome:?}, step {step}, settings {n}");
            }
        }
    }
}
