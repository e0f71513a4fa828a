//! The retry decision as a pure function: what one attempt produced, its classified
//! strategy, the request and the client's state in, what to do next out. No I/O, no clock,
//! no randomness: the request loop in [`crate::client`] reads those and passes them in, and
//! acts on the answer (as smithy-rs keeps `RetryStrategy::should_attempt_retry` apart from
//! its orchestrator).

use std::time::Duration;

use crate::error::TransportErrorKind;
use crate::policy::{RetryPolicy, RetryStrategy};

/// What one attempt produced, as the decision needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptOutcome {
    /// An HTTP response with this status.
    Response {
        /// HTTP status.
        status: u16,
    },
    /// No response: a transport failure of this kind.
    Transport(TransportErrorKind),
}

impl AttemptOutcome {
    /// Whether the server certainly did not act on the request, so repeating it is safe for
    /// every method: the connection was never made, or the answer is 429 Too Many Requests
    /// (RFC 6585 §4: the request was refused before it was processed).
    pub fn not_processed(self) -> bool {
        match self {
            AttemptOutcome::Response { status } => status == 429,
            AttemptOutcome::Transport(kind) => kind == TransportErrorKind::Connect,
        }
    }
}

/// The client's retry budget at the moment of the decision, in tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetState {
    /// Tokens left.
    pub available: u32,
    /// Cost of a retry after an error response or a connection failure.
    pub retry_cost: u32,
    /// Cost of a retry after a timeout.
    pub timeout_retry_cost: u32,
}

/// Everything the retry decision reads, as plain values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryContext<'a> {
    /// What the attempt produced.
    pub outcome: AttemptOutcome,
    /// The strategy the classifier chose for it (from the spec's error codes).
    pub strategy: RetryStrategy,
    /// The request's method.
    pub method: &'a reqwest::Method,
    /// Whether the request carries an idempotency key (the caller's or the automatic one).
    pub idempotency_key: bool,
    /// Attempts made so far, this one included, that count against
    /// [`RetryPolicy::max_attempts`]; a re-send after a credential refresh does not count.
    pub attempts: u32,
    /// The declared policy: attempts, backoff and jitter.
    pub policy: RetryPolicy,
    /// The retry budget's state; `None` when the client has no budget.
    pub budget: Option<BudgetState>,
    /// Time left until the operation deadline; `None` when there is no operation timeout.
    pub time_left: Option<Duration>,
    /// The wait the server asked for: `Retry-After` (RFC 9110 §10.2.3), else the declared
    /// rate-limit reset header; `None` when the response carries neither. Read only for
    /// `after_header` outcomes.
    pub server_delay: Option<Duration>,
    /// The longest server-requested wait the client sleeps through.
    pub max_retry_after: Duration,
    /// Whether credentials were refreshed already for this request.
    pub refreshed: bool,
    /// A uniform random number in `[0, 1)` for the backoff's jitter.
    pub jitter_unit: f64,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Return the outcome: it is final as it stands (a success, or a `never` strategy).
    Return,
    /// Wait `delay`, then send the request again.
    Retry {
        /// How long to wait.
        delay: Duration,
        /// Tokens the retry takes from the budget; `None` when the client has no budget.
        budget_cost: Option<u32>,
    },
    /// Refresh the credentials, then send again at once. A refresh is not a failure retry:
    /// it neither counts against `max_attempts` nor spends the budget.
    RefreshCredentials,
    /// Return the outcome although its strategy asks for a retry.
    GiveUp(GiveUpReason),
}

/// Why a retryable outcome is returned instead of retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GiveUpReason {
    /// `max_attempts` attempts were made.
    AttemptsExhausted,
    /// The server may have acted on a request that is not safe to repeat: a method that is
    /// not idempotent, without an idempotency key.
    NotSafeToRepeat,
    /// The server asks for a longer wait than `max_retry_after`.
    RetryAfterTooLong {
        /// The wait it asks for.
        delay: Duration,
    },
    /// Credentials were refreshed once already and are still refused.
    AlreadyRefreshed,
    /// The retry would start at or after the operation deadline.
    DeadlineTooClose {
        /// The wait before the retry.
        delay: Duration,
    },
    /// The retry budget cannot pay for the retry.
    BudgetEmpty,
}

/// Decides what to do after one attempt.
///
/// - `never`: return the outcome.
/// - `refresh_auth`: refresh credentials and send again, once per request; attempts, budget
///   and deadline do not apply.
/// - `backoff` and `after_header`: retry while attempts remain and repeating is safe, which
///   is when the method is idempotent (RFC 9110 §9.2.2), the request carries an idempotency
///   key, or the server did not act ([`AttemptOutcome::not_processed`]). `backoff` waits the
///   policy's jittered exponential delay; `after_header` waits what the server asked for
///   (else the same backoff), and gives up when that is longer than `max_retry_after`.
/// - Then a retry that would start at or after the deadline is not made, and one the budget
///   cannot pay for (the timeout cost after a timeout) is not made either.
pub fn decide_retry(context: &RetryContext<'_>) -> RetryDecision {
    let delay = match context.strategy {
        RetryStrategy::Never => return RetryDecision::Return,
        RetryStrategy::RefreshAuth => {
            return if context.refreshed {
                RetryDecision::GiveUp(GiveUpReason::AlreadyRefreshed)
            } else {
                RetryDecision::RefreshCredentials
            };
        }
        RetryStrategy::Backoff | RetryStrategy::AfterHeader => {
            if context.attempts >= context.policy.max_attempts {
                return RetryDecision::GiveUp(GiveUpReason::AttemptsExhausted);
            }
            let safe = is_idempotent(context.method) || context.idempotency_key || context.outcome.not_processed();
            if !safe {
                return RetryDecision::GiveUp(GiveUpReason::NotSafeToRepeat);
            }
            match (context.strategy, context.server_delay) {
                (RetryStrategy::AfterHeader, Some(delay)) if delay > context.max_retry_after => {
                    return RetryDecision::GiveUp(GiveUpReason::RetryAfterTooLong { delay });
                }
                (RetryStrategy::AfterHeader, Some(delay)) => delay,
                _ => context.policy.jittered_delay(context.attempts, context.jitter_unit),
            }
        }
    };
    if let Some(time_left) = context.time_left
        && delay >= time_left
    {
        return RetryDecision::GiveUp(GiveUpReason::DeadlineTooClose { delay });
    }
    let budget_cost = match context.budget {
        None => None,
        Some(budget) => {
            let after_timeout = context.outcome == AttemptOutcome::Transport(TransportErrorKind::Timeout);
            let cost = if after_timeout { budget.timeout_retry_cost } else { budget.retry_cost };
            if budget.available < cost {
                return RetryDecision::GiveUp(GiveUpReason::BudgetEmpty);
            }
            Some(cost)
        }
    };
    RetryDecision::Retry { delay, budget_cost }
}

/// Whether a method is idempotent (RFC 9110 §9.2.2): repeating it has the effect of sending
/// it once, so it may be retried after the server may have acted.
pub fn is_idempotent(method: &reqwest::Method) -> bool {
    matches!(method.as_str(), "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE")
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::Method;

    static GET: Method = Method::GET;
    static POST: Method = Method::POST;
    static PATCH: Method = Method::PATCH;
    static PUT: Method = Method::PUT;
    static DELETE: Method = Method::DELETE;

    const SECOND: Duration = Duration::from_secs(1);

    fn seconds(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    fn status(status: u16) -> AttemptOutcome {
        AttemptOutcome::Response { status }
    }

    fn budget(available: u32) -> Option<BudgetState> {
        Some(BudgetState { available, retry_cost: 5, timeout_retry_cost: 10 })
    }

    /// A GET answered 503, classified `backoff`, first attempt of 3, 1 s doubling without
    /// jitter, a full budget, no deadline: each case changes what it is about.
    fn base() -> RetryContext<'static> {
        RetryContext {
            outcome: status(503),
            strategy: RetryStrategy::Backoff,
            method: &GET,
            idempotency_key: false,
            attempts: 1,
            policy: RetryPolicy {
                max_attempts: 3,
                initial_delay: SECOND,
                max_delay: seconds(30),
                multiplier: 2.0,
                jitter: crate::policy::Jitter::None,
            },
            budget: budget(500),
            time_left: None,
            server_delay: None,
            max_retry_after: seconds(120),
            refreshed: false,
            jitter_unit: 0.5,
        }
    }

    fn retry(delay: Duration, cost: u32) -> RetryDecision {
        RetryDecision::Retry { delay, budget_cost: Some(cost) }
    }

    fn give_up(reason: GiveUpReason) -> RetryDecision {
        RetryDecision::GiveUp(reason)
    }

    #[test]
    fn decisions_follow_the_table() {
        use GiveUpReason::*;
        use RetryStrategy::{AfterHeader, Never, RefreshAuth};
        let transport = AttemptOutcome::Transport;
        let with_jitter = |jitter| RetryPolicy { jitter, ..base().policy };
        let one_attempt = RetryPolicy { max_attempts: 1, ..base().policy };
        let cases: Vec<(&str, RetryContext<'static>, RetryDecision)> = vec![
            // never
            (
                "a success is returned",
                RetryContext { outcome: status(200), strategy: Never, ..base() },
                RetryDecision::Return,
            ),
            (
                "a never code is returned",
                RetryContext { outcome: status(400), strategy: Never, ..base() },
                RetryDecision::Return,
            ),
            (
                "an unbuildable request is returned",
                RetryContext { outcome: transport(TransportErrorKind::Invalid), strategy: Never, ..base() },
                RetryDecision::Return,
            ),
            // backoff: delays, jitter, attempts
            ("backoff: the first retry waits the initial delay", base(), retry(SECOND, 5)),
            (
                "backoff: the second retry waits twice as long",
                RetryContext { attempts: 2, ..base() },
                retry(seconds(2), 5),
            ),
            ("backoff: max_attempts attempts made", RetryContext { attempts: 3, ..base() }, give_up(AttemptsExhausted)),
            (
                "backoff: more than max_attempts made",
                RetryContext { attempts: 7, ..base() },
                give_up(AttemptsExhausted),
            ),
            (
                "backoff: one attempt (no `retry` declared) is never retried",
                RetryContext { policy: one_attempt, ..base() },
                give_up(AttemptsExhausted),
            ),
            (
                "backoff: full jitter scales the delay by the random unit",
                RetryContext { attempts: 2, policy: with_jitter(crate::policy::Jitter::Full), ..base() },
                retry(SECOND, 5),
            ),
            (
                "backoff: equal jitter keeps half the delay",
                RetryContext {
                    attempts: 2,
                    jitter_unit: 0.0,
                    policy: with_jitter(crate::policy::Jitter::Equal),
                    ..base()
                },
                retry(SECOND, 5),
            ),
            (
                "backoff: a server delay is not read",
                RetryContext { server_delay: Some(seconds(3600)), ..base() },
                retry(SECOND, 5),
            ),
            ("backoff: PUT is idempotent", RetryContext { method: &PUT, ..base() }, retry(SECOND, 5)),
            ("backoff: DELETE is idempotent", RetryContext { method: &DELETE, ..base() }, retry(SECOND, 5)),
            // the method and the idempotency key
            (
                "a POST 500 without an idempotency key may have been processed",
                RetryContext { method: &POST, outcome: status(500), ..base() },
                give_up(NotSafeToRepeat),
            ),
            (
                "a POST 500 with an idempotency key is retried",
                RetryContext { method: &POST, outcome: status(500), idempotency_key: true, ..base() },
                retry(SECOND, 5),
            ),
            (
                "a PATCH timeout without a key is not retried",
                RetryContext { method: &PATCH, outcome: transport(TransportErrorKind::Timeout), ..base() },
                give_up(NotSafeToRepeat),
            ),
            (
                "a POST reset without a key is not retried",
                RetryContext { method: &POST, outcome: transport(TransportErrorKind::Network), ..base() },
                give_up(NotSafeToRepeat),
            ),
            (
                "a POST whose connection failed was not processed",
                RetryContext { method: &POST, outcome: transport(TransportErrorKind::Connect), ..base() },
                retry(SECOND, 5),
            ),
            (
                "a 429 on a POST was not processed (after_header)",
                RetryContext {
                    method: &POST,
                    outcome: status(429),
                    strategy: AfterHeader,
                    server_delay: Some(seconds(7)),
                    ..base()
                },
                retry(seconds(7), 5),
            ),
            (
                "a 429 on a POST was not processed (a code declared backoff)",
                RetryContext { method: &POST, outcome: status(429), ..base() },
                retry(SECOND, 5),
            ),
            (
                "a POST 429 still stops at max_attempts",
                RetryContext { method: &POST, outcome: status(429), strategy: AfterHeader, attempts: 3, ..base() },
                give_up(AttemptsExhausted),
            ),
            // after_header
            (
                "after_header waits what the server asks",
                RetryContext { outcome: status(429), strategy: AfterHeader, server_delay: Some(seconds(7)), ..base() },
                retry(seconds(7), 5),
            ),
            (
                "after_header without a server delay falls back to backoff",
                RetryContext { outcome: status(429), strategy: AfterHeader, attempts: 2, ..base() },
                retry(seconds(2), 5),
            ),
            (
                "after_header after a transport failure falls back to backoff",
                RetryContext { outcome: transport(TransportErrorKind::Network), strategy: AfterHeader, ..base() },
                retry(SECOND, 5),
            ),
            (
                "after_header: a wait of exactly max_retry_after is slept through",
                RetryContext {
                    outcome: status(429),
                    strategy: AfterHeader,
                    server_delay: Some(seconds(120)),
                    ..base()
                },
                retry(seconds(120), 5),
            ),
            (
                "after_header: a Retry-After longer than the cap is returned",
                RetryContext {
                    outcome: status(429),
                    strategy: AfterHeader,
                    server_delay: Some(seconds(3600)),
                    ..base()
                },
                give_up(RetryAfterTooLong { delay: seconds(3600) }),
            ),
            (
                "after_header: a zero wait retries at once",
                RetryContext {
                    outcome: status(503),
                    strategy: AfterHeader,
                    server_delay: Some(Duration::ZERO),
                    ..base()
                },
                retry(Duration::ZERO, 5),
            ),
            // the retry budget
            ("budget: exactly one retry's cost left", RetryContext { budget: budget(5), ..base() }, retry(SECOND, 5)),
            (
                "budget: less than one retry's cost left",
                RetryContext { budget: budget(4), ..base() },
                give_up(BudgetEmpty),
            ),
            ("budget: empty", RetryContext { budget: budget(0), ..base() }, give_up(BudgetEmpty)),
            (
                "budget: a retry after a timeout costs more",
                RetryContext { outcome: transport(TransportErrorKind::Timeout), ..base() },
                retry(SECOND, 10),
            ),
            (
                "budget: enough for a retry but not for one after a timeout",
                RetryContext { outcome: transport(TransportErrorKind::Timeout), budget: budget(9), ..base() },
                give_up(BudgetEmpty),
            ),
            (
                "budget: none configured",
                RetryContext { budget: None, ..base() },
                RetryDecision::Retry { delay: SECOND, budget_cost: None },
            ),
            // the operation deadline
            (
                "deadline: the retry would start after it",
                RetryContext { time_left: Some(Duration::from_millis(500)), ..base() },
                give_up(DeadlineTooClose { delay: SECOND }),
            ),
            (
                "deadline: the retry would start exactly at it",
                RetryContext { time_left: Some(SECOND), ..base() },
                give_up(DeadlineTooClose { delay: SECOND }),
            ),
            (
                "deadline: passed already",
                RetryContext { time_left: Some(Duration::ZERO), ..base() },
                give_up(DeadlineTooClose { delay: SECOND }),
            ),
            (
                "deadline: the retry starts just before it",
                RetryContext { time_left: Some(Duration::from_millis(1_001)), ..base() },
                retry(SECOND, 5),
            ),
            (
                "deadline: a server delay too close to it",
                RetryContext {
                    outcome: status(429),
                    strategy: AfterHeader,
                    server_delay: Some(seconds(30)),
                    time_left: Some(seconds(10)),
                    ..base()
                },
                give_up(DeadlineTooClose { delay: seconds(30) }),
            ),
            // refresh_auth
            (
                "refresh_auth: refresh, then retry",
                RetryContext { outcome: status(401), strategy: RefreshAuth, ..base() },
                RetryDecision::RefreshCredentials,
            ),
            (
                "refresh_auth: only once per request",
                RetryContext { outcome: status(401), strategy: RefreshAuth, refreshed: true, ..base() },
                give_up(AlreadyRefreshed),
            ),
            (
                "refresh_auth: attempts, method, budget and deadline do not apply",
                RetryContext {
                    outcome: status(401),
                    strategy: RefreshAuth,
                    method: &POST,
                    attempts: 3,
                    budget: budget(0),
                    time_left: Some(Duration::ZERO),
                    ..base()
                },
                RetryDecision::RefreshCredentials,
            ),
            // which reason wins when several apply
            (
                "exhausted attempts come before safety",
                RetryContext { method: &POST, outcome: status(500), attempts: 3, ..base() },
                give_up(AttemptsExhausted),
            ),
            (
                "an unsafe repeat comes before the server's delay",
                RetryContext {
                    method: &POST,
                    outcome: status(503),
                    strategy: AfterHeader,
                    server_delay: Some(seconds(3600)),
                    ..base()
                },
                give_up(NotSafeToRepeat),
            ),
            (
                "a too long Retry-After comes before the deadline and the budget",
                RetryContext {
                    outcome: status(429),
                    strategy: AfterHeader,
                    server_delay: Some(seconds(3600)),
                    time_left: Some(SECOND),
                    budget: budget(0),
                    ..base()
                },
                give_up(RetryAfterTooLong { delay: seconds(3600) }),
            ),
            (
                "the deadline comes before the budget",
                RetryContext { time_left: Some(Duration::ZERO), budget: budget(0), ..base() },
                give_up(DeadlineTooClose { delay: SECOND }),
            ),
        ];
        let mut failures = Vec::new();
        for (name, context, expected) in &cases {
            let decided = decide_retry(context);
            if decided != *expected {
                failures.push(format!("{name}: expected {expected:?}, decided {decided:?}"));
            }
        }
        assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    }

    #[test]
    fn idempotent_methods_follow_rfc_9110() {
        assert!(is_idempotent(&reqwest::Method::GET));
        assert!(is_idempotent(&reqwest::Method::PUT));
        assert!(is_idempotent(&reqwest::Method::DELETE));
        assert!(!is_idempotent(&reqwest::Method::POST));
        assert!(!is_idempotent(&reqwest::Method::PATCH));
    }
}
