//! Deciding whether and when to retry: the [`ClassifyRetry`] trait generated clients target,
//! its data-driven implementation [`StatusClassifier`] (the spec's error codes and their
//! strategies), the retry budget that stops retry storms, `Retry-After` parsing, and the
//! decision itself as a pure function ([`decide_retry`], in `retry/decision.rs`).

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use accord_contract::wire::defaults;
use reqwest::header::HeaderMap;

use crate::error::{TransportError, TransportErrorKind};
use crate::policy::RetryStrategy;
use crate::response::RawResponse;
pub use accord_contract::wire::{BodyMatch, BodyTest, ResetUnit, StatusPattern};

mod decision;

pub use decision::{
    AttemptOutcome, BudgetState, GiveUpReason, RetryContext, RetryDecision, decide_retry, is_idempotent,
};

/// What one attempt produced.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// An HTTP response, whatever its status.
    Response(&'a RawResponse),
    /// No response.
    Transport(&'a TransportError),
}

/// Decides the retry strategy for the outcome of one attempt. Generated clients pass a
/// [`StatusClassifier`] built from the spec's `errors.codes`; a user may supply their own.
pub trait ClassifyRetry: Send + Sync + fmt::Debug {
    /// The strategy for this outcome; [`RetryStrategy::Never`] for successes and final
    /// failures.
    fn classify(&self, outcome: Outcome<'_>) -> RetryStrategy;

    /// The strategy, and whether the outcome is an error answered with a success status (a
    /// body-matched code, spec `when`: Slack's `200 {"ok": false}`), which the retry budget
    /// and the circuit breaker must count as the failure it is. The default reads no body:
    /// [`ClassifyRetry::classify`]'s strategy, and no body error.
    fn assess(&self, outcome: Outcome<'_>) -> Assessment {
        Assessment { strategy: self.classify(outcome), body_error: false }
    }
}

/// What [`ClassifyRetry::assess`] found of one attempt's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assessment {
    /// The retry strategy.
    pub strategy: RetryStrategy,
    /// The response is a declared error matched by its body (spec `when`), whatever its
    /// status: a failure for the retry budget (it earns nothing back), and, when its strategy
    /// is `backoff` (the provider's transient failure, as a 5xx), for the circuit breaker.
    pub body_error: bool,
}

impl Assessment {
    /// Whether the outcome is a failure for the retry budget: no response, a status of 400 or
    /// more, or an error in a success body.
    pub fn is_failure(&self, status: Option<u16>) -> bool {
        self.body_error || status.is_none_or(|status| status >= 400)
    }
}

/// One declared error code, as the classifier needs it (a code declared with several
/// statuses is one rule per status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRule {
    /// The status it comes with: exact, a range (`4XX`) or `default`.
    pub status: StatusPattern,
    /// The value at the spec's code pointer that selects this code, when several codes share
    /// a status pattern; `None` for a code that is the only one for its pattern.
    pub code: Option<&'static str>,
    /// Its declared strategy.
    pub strategy: RetryStrategy,
    /// For a code the provider answers in the body (spec `when`; Slack's `{"ok": false}`
    /// with HTTP 200): the test its body must pass. Such a rule applies only when it does,
    /// before any rule matched by status alone; `None` for a code matched by status.
    pub body: Option<BodyMatch>,
}

/// Classifies by the spec's declared error codes: of the rules whose pattern covers the
/// status, the most specific apply (an exact status over a range, a range over `default`,
/// as OpenAPI 3.x §4.8.16.2 ranks them); when those disagree the code read from the body
/// picks one, and when none of them is picked the next less specific rules are tried. A
/// status covered only by a range or `default` takes that code's declared strategy: a
/// catch-all is retried only when the spec declares it so (RFC 9110 gives no status class
/// a retry rule of its own). Undeclared outcomes follow the usual HTTP meaning: 408 and 5xx
/// are retried with backoff, 429 after `Retry-After` (RFC 6585 §4), connect, timeout and
/// reset failures with backoff, everything else not at all.
///
/// Codes matched by their body (spec `when`, [`ErrorRule::body`]) come first: when a rule
/// with a body test covers the status, the body is parsed and the rules whose test holds
/// decide (by the code read from the body when they disagree). So a Slack `200` with
/// `{"ok": false, "error": "ratelimited"}` retries as its code says, and a success is
/// never read twice unless the spec declares such codes for its status.
#[derive(Debug, Clone, Copy)]
pub struct StatusClassifier {
    /// JSON pointer of the error code in error bodies (spec `errors.code`), read only when
    /// codes sharing a status declare different strategies.
    pub code_pointer: Option<&'static str>,
    /// The declared codes.
    pub rules: &'static [ErrorRule],
}

impl StatusClassifier {
    /// A classifier that knows no codes (HTTP meaning only).
    pub const HTTP_DEFAULTS: StatusClassifier = StatusClassifier { code_pointer: None, rules: &[] };

    fn undeclared(status: u16) -> RetryStrategy {
        match status {
            408 | 500..=599 => RetryStrategy::Backoff,
            429 => RetryStrategy::AfterHeader,
            _ => RetryStrategy::Never,
        }
    }
}

impl ClassifyRetry for StatusClassifier {
    fn classify(&self, outcome: Outcome<'_>) -> RetryStrategy {
        self.assess(outcome).strategy
    }

    fn assess(&self, outcome: Outcome<'_>) -> Assessment {
        let raw = match outcome {
            Outcome::Response(raw) => raw,
            Outcome::Transport(_) => return Assessment { strategy: self.by_status(outcome), body_error: false },
        };
        // Only specs declaring body-matched codes for this status pay for reading the body.
        if self.rules.iter().any(|rule| rule.body.is_some() && rule.status.matches(raw.status))
            && let Some(strategy) = self.by_body(raw)
        {
            return Assessment { strategy, body_error: true };
        }
        Assessment { strategy: self.by_status(outcome), body_error: false }
    }
}

impl StatusClassifier {
    /// The strategy of an outcome by its status (and the code in its body when codes sharing
    /// a status disagree), body-matched codes left aside.
    fn by_status(&self, outcome: Outcome<'_>) -> RetryStrategy {
        let raw = match outcome {
            Outcome::Transport(error) => {
                return match error.kind() {
                    TransportErrorKind::Invalid
                    | TransportErrorKind::CircuitOpen
                    | TransportErrorKind::ReauthorizationRequired
                    | TransportErrorKind::Tls => RetryStrategy::Never,
                    _ => RetryStrategy::Backoff,
                };
            }
            Outcome::Response(raw) => raw,
        };
        if raw.status < 400 {
            return RetryStrategy::Never;
        }
        // The code in the body, read at most once, and only when rules disagree.
        let mut code: Option<Option<String>> = None;
        for specificity in [2, 1, 0] {
            let candidates: Vec<&ErrorRule> = self
                .rules
                .iter()
                .filter(|rule| {
                    rule.body.is_none() && rule.status.specificity() == specificity && rule.status.matches(raw.status)
                })
                .collect();
            let Some(first) = candidates.first() else { continue };
            if candidates.iter().all(|rule| rule.strategy == first.strategy) {
                return first.strategy;
            }
            // Codes sharing this pattern disagree: read the code from the body.
            let code = code.get_or_insert_with(|| self.body_code(raw));
            let chosen = candidates
                .iter()
                .find(|rule| rule.code.is_some() && rule.code == code.as_deref())
                .or_else(|| candidates.iter().find(|rule| rule.code.is_none()));
            if let Some(rule) = chosen {
                return rule.strategy;
            }
        }
        Self::undeclared(raw.status)
    }
}

impl StatusClassifier {
    /// The error code at [`StatusClassifier::code_pointer`] in a JSON body, as text.
    fn body_code(&self, raw: &RawResponse) -> Option<String> {
        let value: serde_json::Value = serde_json::from_slice(&raw.body).ok()?;
        self.code_in(&value)
    }

    fn code_in(&self, value: &serde_json::Value) -> Option<String> {
        match value.pointer(self.code_pointer?)? {
            serde_json::Value::String(text) => Some(text.clone()),
            other => Some(other.to_string()),
        }
    }

    /// The strategy of the body-matched rules whose status and body test hold, if any: the
    /// one rule, all of them when they agree, else the one the body's code names (or the one
    /// without a code).
    fn by_body(&self, raw: &RawResponse) -> Option<RetryStrategy> {
        let value: serde_json::Value = serde_json::from_slice(&raw.body).ok()?;
        let candidates: Vec<&ErrorRule> = self
            .rules
            .iter()
            .filter(|rule| rule.status.matches(raw.status) && rule.body.as_ref().is_some_and(|test| test.holds(&value)))
            .collect();
        let first = candidates.first()?;
        if candidates.iter().all(|rule| rule.strategy == first.strategy) {
            return Some(first.strategy);
        }
        let code = self.code_in(&value);
        candidates
            .iter()
            .find(|rule| rule.code.is_some() && rule.code == code.as_deref())
            .or_else(|| candidates.iter().find(|rule| rule.code.is_none()))
            .map(|rule| rule.strategy)
    }
}

/// The delay a `Retry-After` header asks for (RFC 9110 §10.2.3): delta-seconds (`120`) or an
/// HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`, measured from `now`; a date in the past means
/// no delay). `None` when the header is absent or unreadable.
///
/// Leniently, a fractional delay (`2.0`, `0.5`) is read as that many seconds: RFC 9110's
/// delay-seconds is `1*DIGIT`, but Shopify sends `Retry-After: 2.0` on its 429s
/// (https://shopify.dev/docs/api/usage/limits), and waiting what the server meant beats
/// ignoring it.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<u64>().ok().map(Duration::from_secs);
    }
    if let Some((whole, fraction)) = text.split_once('.')
        && !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return text.parse::<f64>().ok().and_then(|seconds| Duration::try_from_secs_f64(seconds).ok());
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The delay until a rate-limit window resets, from a reset header such as
/// `X-RateLimit-Reset` read by size ([`ResetUnit::Auto`]): values above 10^12 are Unix
/// times in milliseconds, above 10^9 Unix times in seconds (GitHub, seed 002), smaller ones
/// delta-seconds (IETF `RateLimit` fields).
pub fn reset_delay(headers: &HeaderMap, header: &str, now: SystemTime) -> Option<Duration> {
    reset_delay_in(headers.get(header)?.to_str().ok()?, ResetUnit::Auto, now)
}

/// The delay until a reset `value` in `unit` (see [`ResetUnit`]); a time in the past is no
/// delay. `None` when it is not a non-negative number.
pub fn reset_delay_in(value: &str, unit: ResetUnit, now: SystemTime) -> Option<Duration> {
    let value: f64 = value.trim().parse().ok()?;
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    let unit = match unit {
        ResetUnit::Auto if value > 1e12 => ResetUnit::UnixMilliseconds,
        ResetUnit::Auto if value > 1e9 => ResetUnit::UnixSeconds,
        ResetUnit::Auto => ResetUnit::DeltaSeconds,
        declared => declared,
    };
    let until = |reset: SystemTime| reset.duration_since(now).unwrap_or(Duration::ZERO);
    match unit {
        ResetUnit::UnixMilliseconds => Some(until(SystemTime::UNIX_EPOCH + Duration::from_secs_f64(value / 1000.0))),
        ResetUnit::UnixSeconds => Some(until(SystemTime::UNIX_EPOCH + Duration::from_secs_f64(value))),
        ResetUnit::DeltaSeconds | ResetUnit::Auto => Some(Duration::from_secs_f64(value)),
    }
}

/// A client-wide retry budget (a token bucket of retries, as the AWS SDKs' "retry quota"
/// and smithy-rs's standard retry strategy keep): every retry spends tokens, every success
/// earns some back, and when the bucket is empty failures are returned instead of retried,
/// so that an outage does not multiply the load on the provider.
#[derive(Debug)]
pub struct RetryBudget {
    settings: RetryBudgetSettings,
    tokens: Mutex<u32>,
}

/// The sizes of a [`RetryBudget`], in tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBudgetSettings {
    /// Tokens available when the client starts, and the most it holds.
    pub capacity: u32,
    /// Cost of a retry after an error response or a connection failure.
    pub retry_cost: u32,
    /// Cost of a retry after a timeout (timeouts are the costliest failures to repeat).
    pub timeout_retry_cost: u32,
    /// Tokens earned back by a request that succeeds at its first attempt.
    pub success_reward: u32,
}

impl Default for RetryBudgetSettings {
    /// smithy-rs's standard retry quota, from [`accord_contract::wire::defaults`]: 500
    /// tokens, 5 per retry, 10 per retry after a timeout, 1 back per first-attempt success.
    fn default() -> Self {
        RetryBudgetSettings {
            capacity: defaults::RETRY_BUDGET_CAPACITY,
            retry_cost: defaults::RETRY_BUDGET_RETRY_COST,
            timeout_retry_cost: defaults::RETRY_BUDGET_TIMEOUT_RETRY_COST,
            success_reward: defaults::RETRY_BUDGET_SUCCESS_REWARD,
        }
    }
}

impl RetryBudget {
    /// A full budget.
    pub fn new(settings: RetryBudgetSettings) -> Self {
        RetryBudget { settings, tokens: Mutex::new(settings.capacity) }
    }

    /// Takes the cost of one retry; `None` when the budget cannot pay for it. The returned
    /// number is what [`RetryBudget::refund`] gives back if the retry succeeds.
    pub fn withdraw(&self, after_timeout: bool) -> Option<u32> {
        let cost = if after_timeout { self.settings.timeout_retry_cost } else { self.settings.retry_cost };
        self.spend(cost).then_some(cost)
    }

    /// Takes `cost` tokens, as [`decide_retry`] priced a retry; `false` (and nothing taken)
    /// when fewer are left, which happens when other requests spent them since the decision.
    pub fn spend(&self, cost: u32) -> bool {
        let mut tokens = self.tokens.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if *tokens < cost {
            return false;
        }
        *tokens -= cost;
        true
    }

    /// Tokens left and what a retry costs, for [`decide_retry`].
    pub fn state(&self) -> BudgetState {
        BudgetState {
            available: self.available(),
            retry_cost: self.settings.retry_cost,
            timeout_retry_cost: self.settings.timeout_retry_cost,
        }
    }

    /// Records a success: a retried request gets its last retry's cost back, a first-attempt
    /// success earns the reward.
    pub fn refund(&self, last_retry_cost: Option<u32>) {
        let amount = last_retry_cost.unwrap_or(self.settings.success_reward);
        let mut tokens = self.tokens.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *tokens = (*tokens).saturating_add(amount).min(self.settings.capacity);
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        *self.tokens.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn response(status: u16, body: &str) -> RawResponse {
        RawResponse { status, headers: HeaderMap::new(), body: body.as_bytes().to_vec() }
    }

    const RULES: &[ErrorRule] = &[
        ErrorRule {
            status: StatusPattern::Exact(400),
            code: Some("VALIDATION_ERROR"),
            strategy: RetryStrategy::Never,
            body: None,
        },
        ErrorRule { status: StatusPattern::Exact(401), code: None, strategy: RetryStrategy::RefreshAuth, body: None },
        ErrorRule {
            status: StatusPattern::Exact(409),
            code: Some("CONFLICT"),
            strategy: RetryStrategy::Never,
            body: None,
        },
        ErrorRule {
            status: StatusPattern::Exact(409),
            code: Some("LOCKED"),
            strategy: RetryStrategy::Backoff,
            body: None,
        },
        ErrorRule { status: StatusPattern::Exact(503), code: None, strategy: RetryStrategy::Backoff, body: None },
    ];

    #[test]
    fn declared_codes_decide_and_undeclared_statuses_follow_http() {
        let classifier = StatusClassifier { code_pointer: Some("/error_code"), rules: RULES };
        let classify = |status, body| classifier.classify(Outcome::Response(&response(status, body)));
        assert_eq!(classify(200, ""), RetryStrategy::Never);
        assert_eq!(classify(400, r#"{"error_code":"VALIDATION_ERROR"}"#), RetryStrategy::Never);
        assert_eq!(classify(401, ""), RetryStrategy::RefreshAuth);
        assert_eq!(classify(409, r#"{"error_code":"LOCKED"}"#), RetryStrategy::Backoff);
        assert_eq!(classify(409, r#"{"error_code":"CONFLICT"}"#), RetryStrategy::Never);
        assert_eq!(classify(409, "not json"), RetryStrategy::Never);
        assert_eq!(classify(503, ""), RetryStrategy::Backoff);
        assert_eq!(classify(502, ""), RetryStrategy::Backoff);
        assert_eq!(classify(429, ""), RetryStrategy::AfterHeader);
        assert_eq!(classify(404, ""), RetryStrategy::Never);
        let invalid = TransportError::message("bad header");
        assert_eq!(classifier.classify(Outcome::Transport(&invalid)), RetryStrategy::Never);
        let reset = TransportError::new(TransportErrorKind::Network, "reset");
        assert_eq!(classifier.classify(Outcome::Transport(&reset)), RetryStrategy::Backoff);
    }

    #[test]
    fn the_most_specific_pattern_decides_and_a_catch_all_keeps_its_declared_strategy() {
        const PATTERNS: &[ErrorRule] = &[
            ErrorRule { status: StatusPattern::Exact(503), code: None, strategy: RetryStrategy::Backoff, body: None },
            ErrorRule {
                status: StatusPattern::Range(4),
                code: Some("THROTTLED"),
                strategy: RetryStrategy::AfterHeader,
                body: None,
            },
            ErrorRule {
                status: StatusPattern::Range(4),
                code: Some("INVALID"),
                strategy: RetryStrategy::Never,
                body: None,
            },
            ErrorRule { status: StatusPattern::Default, code: None, strategy: RetryStrategy::Never, body: None },
        ];
        let classifier = StatusClassifier { code_pointer: Some("/code"), rules: PATTERNS };
        let classify = |status, body| classifier.classify(Outcome::Response(&response(status, body)));
        assert_eq!(classify(503, ""), RetryStrategy::Backoff, "exact over default");
        assert_eq!(classify(429, r#"{"code":"THROTTLED"}"#), RetryStrategy::AfterHeader, "range, by code");
        assert_eq!(classify(400, r#"{"code":"INVALID"}"#), RetryStrategy::Never);
        // No range code is named: the catch-all applies, with its declared `never`, although
        // HTTP alone would retry a 429 and a 500.
        assert_eq!(classify(429, r#"{"code":"OTHER"}"#), RetryStrategy::Never);
        assert_eq!(classify(500, ""), RetryStrategy::Never, "a catch-all is retried only when declared so");
        assert_eq!(classify(200, ""), RetryStrategy::Never);
    }

    #[test]
    fn codes_in_2xx_bodies_are_classified_by_their_body_first() {
        use std::borrow::Cow;
        const OK_FALSE: BodyMatch =
            BodyMatch { pointer: Cow::Borrowed("/ok"), test: BodyTest::Equals(Cow::Borrowed("false")) };
        // Slack: errors come with 200 and `"ok": false`; `ratelimited` with 429.
        const SLACK: &[ErrorRule] = &[
            ErrorRule {
                status: StatusPattern::Exact(200),
                code: Some("channel_not_found"),
                strategy: RetryStrategy::Never,
                body: Some(OK_FALSE),
            },
            ErrorRule {
                status: StatusPattern::Exact(200),
                code: Some("internal_error"),
                strategy: RetryStrategy::Backoff,
                body: Some(OK_FALSE),
            },
            ErrorRule {
                status: StatusPattern::Exact(429),
                code: None,
                strategy: RetryStrategy::AfterHeader,
                body: None,
            },
        ];
        let classifier = StatusClassifier { code_pointer: Some("/error"), rules: SLACK };
        let classify = |status, body| classifier.classify(Outcome::Response(&response(status, body)));
        assert_eq!(classify(200, r#"{"ok":true,"channel":"C1"}"#), RetryStrategy::Never);
        assert_eq!(classify(200, r#"{"ok":false,"error":"internal_error"}"#), RetryStrategy::Backoff);
        assert_eq!(classify(200, r#"{"ok":false,"error":"channel_not_found"}"#), RetryStrategy::Never);
        assert_eq!(classify(200, r#"{"ok":false,"error":"unheard_of"}"#), RetryStrategy::Never);
        assert_eq!(classify(200, "not json"), RetryStrategy::Never);
        assert_eq!(classify(429, r#"{"ok":false,"error":"ratelimited"}"#), RetryStrategy::AfterHeader);
        // A GraphQL-style `errors` array, present with a 200.
        const GRAPHQL: &[ErrorRule] = &[ErrorRule {
            status: StatusPattern::Range(2),
            code: None,
            strategy: RetryStrategy::Backoff,
            body: Some(BodyMatch { pointer: Cow::Borrowed("/errors"), test: BodyTest::Present }),
        }];
        let classifier = StatusClassifier { code_pointer: None, rules: GRAPHQL };
        let classify = |status, body| classifier.classify(Outcome::Response(&response(status, body)));
        assert_eq!(classify(200, r#"{"errors":[{"message":"timeout"}]}"#), RetryStrategy::Backoff);
        assert_eq!(classify(200, r#"{"data":{}}"#), RetryStrategy::Never);
        assert_eq!(classify(503, r#"{"errors":[]}"#), RetryStrategy::Backoff, "5xx falls to HTTP's meaning");
    }

    #[test]
    fn retry_after_reads_both_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // 2015-10-21 07:28:00 UTC
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers, now), None);
        headers.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        headers.insert("retry-after", HeaderValue::from_static("Wed, 21 Oct 2015 07:28:30 GMT"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        headers.insert("retry-after", HeaderValue::from_static("Wed, 21 Oct 2015 07:27:00 GMT"));
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert("retry-after", HeaderValue::from_static("2.0"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(2)), "Shopify's fractional delay, leniently");
        headers.insert("retry-after", HeaderValue::from_static("0.25"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_millis(250)));
        headers.insert("retry-after", HeaderValue::from_static(".5"));
        assert_eq!(retry_after(&headers, now), None);
        headers.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
        headers.insert("retry-after", HeaderValue::from_static("-3"));
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn reset_headers_are_unix_times_or_deltas() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("1700000042"));
        assert_eq!(reset_delay(&headers, "x-ratelimit-reset", now), Some(Duration::from_secs(42)));
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("12"));
        assert_eq!(reset_delay(&headers, "x-ratelimit-reset", now), Some(Duration::from_secs(12)));
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("1700000042500"));
        assert_eq!(reset_delay(&headers, "x-ratelimit-reset", now), Some(Duration::from_millis(42_500)), "epoch ms");
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("NaN"));
        assert_eq!(reset_delay(&headers, "x-ratelimit-reset", now), None);
    }

    #[test]
    fn the_budget_prices_retries_for_the_decision() {
        let budget = RetryBudget::new(RetryBudgetSettings {
            capacity: 12,
            retry_cost: 5,
            timeout_retry_cost: 10,
            success_reward: 1,
        });
        assert_eq!(budget.state(), BudgetState { available: 12, retry_cost: 5, timeout_retry_cost: 10 });
        assert!(budget.spend(10));
        assert!(!budget.spend(5), "2 tokens left cannot pay 5");
        assert_eq!(budget.state().available, 2);
    }

    #[test]
    fn the_budget_runs_dry_and_refills() {
        let budget = RetryBudget::new(RetryBudgetSettings {
            capacity: 12,
            retry_cost: 5,
            timeout_retry_cost: 10,
            success_reward: 1,
        });
        assert_eq!(budget.withdraw(false), Some(5));
        assert_eq!(budget.withdraw(false), Some(5));
        assert_eq!(budget.withdraw(false), None);
        budget.refund(Some(5));
        assert_eq!(budget.available(), 7);
        assert_eq!(budget.withdraw(true), None);
        for _ in 0..10 {
            budget.refund(None);
        }
        assert_eq!(budget.available(), 12);
    }
}
