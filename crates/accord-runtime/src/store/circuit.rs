//! Circuit breaker state as a store operation: [`CircuitState`], a pure state machine over
//! a clock in milliseconds, and [`CircuitStore`], which applies its two transitions
//! (`admit`, `record`) atomically per key. The in-process store runs them under a mutex; a
//! shared store runs the same rules in one script (the numbers below are its fields).
//!
//! The states are those of Nygard's circuit breaker (Release It!, 2nd ed., ch. 5) as
//! resilience4j and Polly implement them: **closed** counts outcomes in a tumbling window
//! and opens when the failures reach a count, or a rate once enough calls were seen;
//! **open** rejects every call until `open_for` has passed; **half-open** lets
//! `half_open_probes` calls through, closes when they all succeed and opens again at the
//! first failure.

use std::fmt;
use std::time::Duration;

use super::StoreFuture;

/// When a circuit opens and how it recovers (from the spec's `circuit_breaker`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CircuitSettings {
    /// Opens when this many calls failed in the window; `None`: no count rule.
    pub failure_threshold: Option<u32>,
    /// Opens when this fraction (0 to 1) of the window's calls failed, once at least
    /// `minimum_calls` were seen; `None`: no rate rule.
    pub failure_rate: Option<f64>,
    /// Calls a window must hold before the rate rule applies.
    pub minimum_calls: u32,
    /// Length of the counting window (tumbling: counts reset when it ends).
    pub window: Duration,
    /// How long an open circuit rejects calls before it lets a probe through.
    pub open_for: Duration,
    /// Probes let through while half-open; all must succeed to close.
    pub half_open_probes: u32,
}

/// The three states. Serialised as [`CircuitPhase::as_str`] says (`half_open`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CircuitPhase {
    /// Calls flow; outcomes are counted.
    Closed,
    /// Calls are rejected without being sent.
    Open,
    /// A few probes are let through to test recovery.
    HalfOpen,
}

impl CircuitPhase {
    /// `closed`, `open` or `half_open` (metrics and traces).
    pub fn as_str(self) -> &'static str {
        match self {
            CircuitPhase::Closed => "closed",
            CircuitPhase::Open => "open",
            CircuitPhase::HalfOpen => "half_open",
        }
    }
}

// By hand rather than derived (accord-runtime builds without serde's derive, issue 22): a
// unit variant under its snake_case name, as `#[serde(rename_all = "snake_case")]` wrote it.
impl serde::Serialize for CircuitPhase {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let index = match self {
            CircuitPhase::Closed => 0,
            CircuitPhase::Open => 1,
            CircuitPhase::HalfOpen => 2,
        };
        serializer.serialize_unit_variant("CircuitPhase", index, self.as_str())
    }
}

impl fmt::Display for CircuitPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A change of state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// The state before.
    pub from: CircuitPhase,
    /// The state after.
    pub to: CircuitPhase,
}

/// Whether a call may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Closed: send it.
    Allowed,
    /// Half-open: send it as a probe; its outcome decides.
    Probe,
    /// Open: fail fast. `retry_in` is when the next probe will be let through (zero while
    /// the half-open probes are under way).
    Rejected {
        /// Time until the circuit lets a probe through.
        retry_in: Duration,
    },
}

/// What a sent call's outcome means to the circuit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    /// Any response that is not a server failure.
    Success,
    /// A transport failure (connect, timeout, reset) or a 5xx.
    Failure,
}

/// A circuit as reported (health checks, tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CircuitSnapshot {
    /// Its state.
    pub phase: CircuitPhase,
    /// Failures counted in the current window.
    pub failures: u32,
    /// Calls counted in the current window.
    pub calls: u32,
    /// While open: time until a probe is let through.
    pub retry_in: Option<Duration>,
}

/// One circuit's stored fields; times are milliseconds on the store's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CircuitState {
    phase: CircuitPhase,
    window_start_ms: u64,
    calls: u32,
    failures: u32,
    /// Open: when it opened; half-open: when it went half-open.
    since_ms: u64,
    probes_in_flight: u32,
    probe_successes: u32,
}

impl CircuitState {
    /// A closed circuit whose window starts at `now_ms`.
    pub fn new(now_ms: u64) -> Self {
        CircuitState {
            phase: CircuitPhase::Closed,
            window_start_ms: now_ms,
            calls: 0,
            failures: 0,
            since_ms: now_ms,
            probes_in_flight: 0,
            probe_successes: 0,
        }
    }

    /// The state.
    pub fn phase(&self) -> CircuitPhase {
        self.phase
    }

    /// Asks to send a call at `now_ms`. An open circuit whose `open_for` has passed turns
    /// half-open here and lets this call through as its first probe. A half-open circuit
    /// whose probes have not reported within `open_for` (their futures were dropped) lets
    /// new probes through.
    pub fn admit(&mut self, now_ms: u64, settings: &CircuitSettings) -> (Admission, Option<Transition>) {
        let open_for = millis(settings.open_for);
        match self.phase {
            CircuitPhase::Closed => (Admission::Allowed, None),
            CircuitPhase::Open => {
                let probe_at = self.since_ms.saturating_add(open_for);
                if now_ms < probe_at {
                    return (Admission::Rejected { retry_in: Duration::from_millis(probe_at - now_ms) }, None);
                }
                self.phase = CircuitPhase::HalfOpen;
                self.since_ms = now_ms;
                self.probes_in_flight = 1;
                self.probe_successes = 0;
                (Admission::Probe, Some(Transition { from: CircuitPhase::Open, to: CircuitPhase::HalfOpen }))
            }
            CircuitPhase::HalfOpen => {
                if now_ms >= self.since_ms.saturating_add(open_for) {
                    self.since_ms = now_ms;
                    self.probes_in_flight = 0;
                }
                if self.probes_in_flight + self.probe_successes < settings.half_open_probes.max(1) {
                    self.probes_in_flight += 1;
                    (Admission::Probe, None)
                } else {
                    (Admission::Rejected { retry_in: Duration::ZERO }, None)
                }
            }
        }
    }

    /// Records the outcome of an admitted call at `now_ms`.
    pub fn record(&mut self, now_ms: u64, outcome: CallOutcome, settings: &CircuitSettings) -> Option<Transition> {
        match self.phase {
            CircuitPhase::Closed => {
                if now_ms >= self.window_start_ms.saturating_add(millis(settings.window)) {
                    self.window_start_ms = now_ms;
                    self.calls = 0;
                    self.failures = 0;
                }
                self.calls += 1;
                if outcome == CallOutcome::Failure {
                    self.failures += 1;
                    let by_count = settings.failure_threshold.is_some_and(|threshold| self.failures >= threshold);
                    let by_rate = settings.failure_rate.is_some_and(|rate| {
                        self.calls >= settings.minimum_calls.max(1)
                            && f64::from(self.failures) >= rate * f64::from(self.calls)
                    });
                    if by_count || by_rate {
                        self.open(now_ms);
                        return Some(Transition { from: CircuitPhase::Closed, to: CircuitPhase::Open });
                    }
                }
                None
            }
            CircuitPhase::HalfOpen => {
                self.probes_in_flight = self.probes_in_flight.saturating_sub(1);
                match outcome {
                    CallOutcome::Failure => {
                        self.open(now_ms);
                        Some(Transition { from: CircuitPhase::HalfOpen, to: CircuitPhase::Open })
                    }
                    CallOutcome::Success => {
                        self.probe_successes += 1;
                        if self.probe_successes >= settings.half_open_probes.max(1) {
                            *self = CircuitState::new(now_ms);
                            Some(Transition { from: CircuitPhase::HalfOpen, to: CircuitPhase::Closed })
                        } else {
                            None
                        }
                    }
                }
            }
            // A call admitted before the circuit opened: its outcome changes nothing.
            CircuitPhase::Open => None,
        }
    }

    /// The state as reported at `now_ms`.
    pub fn snapshot(&self, now_ms: u64, settings: &CircuitSettings) -> CircuitSnapshot {
        let retry_in = (self.phase == CircuitPhase::Open).then(|| {
            Duration::from_millis(self.since_ms.saturating_add(millis(settings.open_for)).saturating_sub(now_ms))
        });
        CircuitSnapshot { phase: self.phase, failures: self.failures, calls: self.calls, retry_in }
    }

    fn open(&mut self, now_ms: u64) {
        self.phase = CircuitPhase::Open;
        self.since_ms = now_ms;
        self.probes_in_flight = 0;
        self.probe_successes = 0;
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Circuit state per key (an operation name, or a host), shared by the clients that use
/// the store. Each operation is atomic: [`CircuitState::admit`] or [`CircuitState::record`]
/// applied to the stored state at the store's clock, as one step.
pub trait CircuitStore: Send + Sync + fmt::Debug {
    /// [`CircuitState::admit`] on the circuit `key` (a closed circuit when none is stored).
    fn admit<'a>(
        &'a self,
        key: &'a str,
        settings: &'a CircuitSettings,
    ) -> StoreFuture<'a, (Admission, Option<Transition>)>;

    /// [`CircuitState::record`] on the circuit `key`.
    fn record<'a>(
        &'a self,
        key: &'a str,
        outcome: CallOutcome,
        settings: &'a CircuitSettings,
    ) -> StoreFuture<'a, Option<Transition>>;

    /// The circuit `key` as it stands.
    fn snapshot<'a>(&'a self, key: &'a str, settings: &'a CircuitSettings) -> StoreFuture<'a, CircuitSnapshot>;

    /// [`CircuitStore::admit`] answered at once, by a store that never waits (in memory);
    /// `None` sends the caller to [`CircuitStore::admit`] (the default, for a store that
    /// asks a server). Saves a boxed future per attempt.
    fn admit_now(&self, _key: &str, _settings: &CircuitSettings) -> Option<(Admission, Option<Transition>)> {
        None
    }

    /// [`CircuitStore::record`] answered at once, as [`CircuitStore::admit_now`].
    fn record_now(&self, _key: &str, _outcome: CallOutcome, _settings: &CircuitSettings) -> Option<Option<Transition>> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTINGS: CircuitSettings = CircuitSettings {
        failure_threshold: Some(3),
        failure_rate: None,
        minimum_calls: 1,
        window: Duration::from_secs(60),
        open_for: Duration::from_secs(30),
        half_open_probes: 2,
    };

    #[test]
    fn opens_at_the_count_probes_after_open_for_and_closes_after_every_probe_succeeds() {
        let mut state = CircuitState::new(0);
        assert_eq!(state.record(1, CallOutcome::Failure, &SETTINGS), None);
        assert_eq!(state.record(2, CallOutcome::Success, &SETTINGS), None);
        assert_eq!(state.record(3, CallOutcome::Failure, &SETTINGS), None);
        assert_eq!(
            state.record(4, CallOutcome::Failure, &SETTINGS),
            Some(Transition { from: CircuitPhase::Closed, to: CircuitPhase::Open })
        );
        assert_eq!(state.admit(10_004, &SETTINGS), (Admission::Rejected { retry_in: Duration::from_secs(20) }, None));
        let (admission, transition) = state.admit(30_004, &SETTINGS);
        assert_eq!(admission, Admission::Probe);
        assert_eq!(transition, Some(Transition { from: CircuitPhase::Open, to: CircuitPhase::HalfOpen }));
        assert_eq!(state.admit(30_005, &SETTINGS).0, Admission::Probe, "two probes allowed");
        assert_eq!(state.admit(30_006, &SETTINGS).0, Admission::Rejected { retry_in: Duration::ZERO });
        assert_eq!(state.record(30_010, CallOutcome::Success, &SETTINGS), None);
        assert_eq!(
            state.record(30_011, CallOutcome::Success, &SETTINGS),
            Some(Transition { from: CircuitPhase::HalfOpen, to: CircuitPhase::Closed })
        );
        assert_eq!(state.admit(30_012, &SETTINGS).0, Admission::Allowed);
    }

    #[test]
    fn a_failed_probe_opens_again_and_the_window_forgets_old_failures() {
        let mut state = CircuitState::new(0);
        state.record(0, CallOutcome::Failure, &SETTINGS);
        state.record(1, CallOutcome::Failure, &SETTINGS);
        // The window ended: the third failure starts a new count.
        assert_eq!(state.record(60_000, CallOutcome::Failure, &SETTINGS), None);
        state.record(60_001, CallOutcome::Failure, &SETTINGS);
        assert!(state.record(60_002, CallOutcome::Failure, &SETTINGS).is_some());
        assert_eq!(state.admit(90_002, &SETTINGS).0, Admission::Probe);
        assert_eq!(
            state.record(90_003, CallOutcome::Failure, &SETTINGS),
            Some(Transition { from: CircuitPhase::HalfOpen, to: CircuitPhase::Open })
        );
        assert_eq!(state.admit(90_004, &SETTINGS).0, Admission::Rejected { retry_in: Duration::from_millis(29_999) });
    }

    #[test]
    fn the_rate_rule_waits_for_the_minimum_calls() {
        let settings =
            CircuitSettings { failure_threshold: None, failure_rate: Some(0.5), minimum_calls: 4, ..SETTINGS };
        let mut state = CircuitState::new(0);
        assert_eq!(state.record(0, CallOutcome::Failure, &settings), None, "1 of 1 failed, but fewer than 4 calls");
        assert_eq!(state.record(1, CallOutcome::Success, &settings), None);
        assert_eq!(state.record(2, CallOutcome::Success, &settings), None);
        assert!(state.record(3, CallOutcome::Failure, &settings).is_some(), "2 of 4 failed: 50 %");
    }
}
