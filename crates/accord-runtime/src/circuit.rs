//! The circuit breaker a client runs its requests through (issue 18): which circuit a
//! request belongs to (its operation, or the API's host, as the spec's
//! `circuit_breaker.scope` says), admission before each attempt, the outcome after it, and
//! the traces and metrics of every transition. The state and its rules live in
//! [`crate::store::circuit`], behind [`CircuitStore`], so a fleet can share them.
//!
//! A store error never fails a request: the breaker lets the request through and logs.

use std::borrow::Cow;
use std::sync::Arc;

use crate::error::{CircuitOpen, TransportError, TransportErrorKind};
use crate::store::{
    Admission, CallOutcome, CircuitPhase, CircuitSettings, CircuitSnapshot, CircuitStore, MemoryCircuitStore,
    Transition,
};

/// Which requests share a circuit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CircuitScope {
    /// One circuit per operation (endpoint).
    Endpoint,
    /// One circuit for every request to the API's host.
    Host,
}

/// A spec's `circuit_breaker`, as a generated builder passes it.
#[derive(Debug, Clone)]
pub struct CircuitBreakerConfig {
    /// Which requests share a circuit.
    pub scope: CircuitScope,
    /// When a circuit opens and how it recovers.
    pub settings: CircuitSettings,
    /// Operations left out of circuit breaking (an endpoint's `circuit_breaker: false`).
    pub exempt: &'static [&'static str],
    /// Where the state lives; `None`: this process ([`MemoryCircuitStore`]).
    pub store: Option<Arc<dyn CircuitStore>>,
}

/// The breaker of one client (shared by its clones).
#[derive(Debug)]
pub struct CircuitBreaker {
    scope: CircuitScope,
    settings: CircuitSettings,
    exempt: &'static [&'static str],
    store: Arc<dyn CircuitStore>,
    host: String,
    /// The circuits seen, for the health report.
    known: std::sync::Mutex<Vec<String>>,
}

/// What a request may do, from [`CircuitBreaker::admit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Permit {
    /// No circuit applies (an exempt operation).
    Unguarded,
    /// Send it; report its outcome to this circuit.
    Send {
        /// The circuit's key: the operation's name (borrowed, so admitting allocates
        /// nothing) or the host.
        circuit: Cow<'static, str>,
    },
}

/// One circuit's state, for a health report. Serialised as `{"circuit": …, "state": "open",
/// "failures": …, "retry_in_ms": …}` (`null` when not open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircuitReport {
    /// The circuit: an operation name or a host.
    pub circuit: String,
    /// Its state.
    pub state: CircuitPhase,
    /// Failures in the current window.
    pub failures: u32,
    /// While open: milliseconds until a probe is let through.
    pub retry_in_ms: Option<u64>,
}

// By hand rather than derived, as the derive wrote it: accord-runtime builds without serde's
// derive (issue 22).
impl serde::Serialize for CircuitReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut state = serializer.serialize_struct("CircuitReport", 4)?;
        state.serialize_field("circuit", &self.circuit)?;
        state.serialize_field("state", &self.state)?;
        state.serialize_field("failures", &self.failures)?;
        state.serialize_field("retry_in_ms", &self.retry_in_ms)?;
        state.end()
    }
}

impl CircuitBreaker {
    /// The breaker for a client whose API is at `host`.
    pub fn new(config: CircuitBreakerConfig, host: impl Into<String>) -> Self {
        CircuitBreaker {
            scope: config.scope,
            settings: config.settings,
            exempt: config.exempt,
            store: config.store.unwrap_or_else(|| Arc::new(MemoryCircuitStore::new())),
            host: host.into(),
            known: std::sync::Mutex::new(Vec::new()),
        }
    }

    fn key(&self, operation: &'static str) -> Option<Cow<'static, str>> {
        if self.exempt.contains(&operation) {
            return None;
        }
        Some(match self.scope {
            CircuitScope::Endpoint => Cow::Borrowed(operation),
            CircuitScope::Host => Cow::Owned(self.host.clone()),
        })
    }

    /// Asks to send an attempt of `operation`.
    ///
    /// Errors: the circuit is open ([`TransportErrorKind::CircuitOpen`], carrying
    /// [`CircuitOpen`]); the request must not be sent.
    pub async fn admit(&self, operation: &'static str) -> Result<Permit, TransportError> {
        let Some(circuit) = self.key(operation) else { return Ok(Permit::Unguarded) };
        let admitted = match self.store.admit_now(&circuit, &self.settings) {
            Some(answer) => Ok(answer),
            None => self.store.admit(&circuit, &self.settings).await,
        };
        match admitted {
            Ok((admission, transition)) => {
                // The circuit is listed as known when an outcome is recorded; an admission
                // lists it only when it says something (a transition, a probe, a refusal),
                // so that an ordinary request takes the list's lock once.
                if transition.is_some() || admission != Admission::Allowed {
                    self.transitioned(&circuit, transition);
                }
                match admission {
                    Admission::Allowed => {}
                    Admission::Probe => tracing::info!(circuit = %circuit, "circuit half-open: sending a probe"),
                    Admission::Rejected { retry_in } => {
                        crate::metrics::circuit_rejected(operation);
                        tracing::debug!(circuit = %circuit, retry_in_ms = retry_in.as_millis() as u64, "circuit open: request refused");
                        return Err(TransportError::from_circuit_open(CircuitOpen {
                            circuit: circuit.into_owned(),
                            retry_in,
                        }));
                    }
                }
            }
            Err(error) => tracing::warn!(circuit = %circuit, %error, "circuit store unavailable; sending as if closed"),
        }
        Ok(Permit::Send { circuit })
    }

    /// Reports an attempt's outcome: a transport failure (other than a refused or invalid
    /// request) or a 5xx is a failure, anything else a success.
    pub async fn record(&self, permit: &Permit, outcome: Result<u16, TransportErrorKind>) {
        self.record_attempt(permit, outcome, false).await;
    }

    /// [`CircuitBreaker::record`], where `transient_body_error` marks a response whose body
    /// is a declared transient error (a body-matched code retried with `backoff`, such as
    /// Slack's `200 {"ok": false, "error": "internal_error"}`): a failure, as a 5xx is.
    pub async fn record_attempt(
        &self,
        permit: &Permit,
        outcome: Result<u16, TransportErrorKind>,
        transient_body_error: bool,
    ) {
        let Permit::Send { circuit } = permit else { return };
        let outcome = match outcome {
            Ok(_) if transient_body_error => CallOutcome::Failure,
            Ok(status) if status >= 500 => CallOutcome::Failure,
            Ok(_) => CallOutcome::Success,
            Err(TransportErrorKind::Invalid | TransportErrorKind::CircuitOpen) => return,
            Err(_) => CallOutcome::Failure,
        };
        let recorded = match self.store.record_now(circuit, outcome, &self.settings) {
            Some(answer) => Ok(answer),
            None => self.store.record(circuit, outcome, &self.settings).await,
        };
        match recorded {
            Ok(transition) => self.transitioned(circuit, transition),
            Err(error) => tracing::warn!(circuit = %circuit, %error, "circuit store unavailable; outcome not recorded"),
        }
    }

    /// Whether the circuit of `operation` is open now (a retry is then not attempted, so an
    /// open circuit spends nothing of the retry budget).
    pub async fn is_open(&self, operation: &'static str) -> bool {
        let Some(circuit) = self.key(operation) else { return false };
        matches!(
            self.store.snapshot(&circuit, &self.settings).await,
            Ok(CircuitSnapshot { phase: CircuitPhase::Open, .. })
        )
    }

    /// Every circuit this client has used, with its state.
    pub async fn report(&self) -> Vec<CircuitReport> {
        let known = self.known.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        let mut reports = Vec::with_capacity(known.len());
        for circuit in known {
            if let Ok(snapshot) = self.store.snapshot(&circuit, &self.settings).await {
                reports.push(CircuitReport {
                    circuit,
                    state: snapshot.phase,
                    failures: snapshot.failures,
                    retry_in_ms: snapshot.retry_in.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                });
            }
        }
        reports
    }

    /// The state of one circuit (tests, health).
    pub async fn snapshot(&self, circuit: &str) -> Option<CircuitSnapshot> {
        self.store.snapshot(circuit, &self.settings).await.ok()
    }

    /// The settings.
    pub fn settings(&self) -> &CircuitSettings {
        &self.settings
    }

    fn transitioned(&self, circuit: &str, transition: Option<Transition>) {
        {
            let mut known = self.known.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if !known.iter().any(|k| k == circuit) {
                known.push(circuit.to_string());
            }
        }
        let Some(Transition { from, to }) = transition else { return };
        crate::metrics::circuit_transition(circuit, from.as_str(), to.as_str());
        match to {
            CircuitPhase::Open => tracing::warn!(circuit, from = from.as_str(), "circuit opened"),
            CircuitPhase::HalfOpen | CircuitPhase::Closed => {
                tracing::info!(circuit, from = from.as_str(), to = to.as_str(), "circuit state changed")
            }
        }
    }
}
