//! Declared reliability policies as data: each error code's retry strategy, the spec's
//! default retry policy with its backoff and jitter, rate limits, and timeouts. Generated
//! clients pass these in; [`crate::retry`] and [`crate::rate_limit`] act on them. The
//! strategy and jitter enums are the wire's ([`accord_contract::wire`]), and the defaults
//! are [`accord_contract::wire::defaults`], the numbers the compiler fills in.

use std::time::Duration;

use accord_contract::wire::defaults;
pub use accord_contract::wire::{Jitter, RetryStrategy};

/// The spec's default retry policy (`retry:`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts including the first; 1 means no retries.
    pub max_attempts: u32,
    /// Delay before the first retry.
    pub initial_delay: Duration,
    /// Cap on any single delay.
    pub max_delay: Duration,
    /// Growth factor per retry.
    pub multiplier: f64,
    /// Jitter kind.
    pub jitter: Jitter,
}

impl RetryPolicy {
    /// The delay before retry number `retry` (1-based) before jitter:
    /// `min(max_delay, initial_delay * multiplier^(retry-1))`.
    pub fn backoff_delay(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(64) as i32;
        let factor = self.multiplier.max(1.0).powi(exponent);
        let millis = (self.initial_delay.as_millis() as f64 * factor).min(self.max_delay.as_millis() as f64);
        Duration::from_millis(millis.max(0.0) as u64)
    }

    /// The delay before retry number `retry` (1-based) with this policy's jitter applied;
    /// `unit` is a uniform random number in `[0, 1)`. Full jitter draws from
    /// `[0, backoff]`, equal jitter from `[backoff / 2, backoff]` (AWS Architecture Blog,
    /// "Exponential Backoff And Jitter", 2015).
    pub fn jittered_delay(&self, retry: u32, unit: f64) -> Duration {
        let backoff = self.backoff_delay(retry);
        let unit = unit.clamp(0.0, 1.0);
        match self.jitter {
            Jitter::None => backoff,
            Jitter::Full => backoff.mul_f64(unit),
            Jitter::Equal => backoff / 2 + (backoff / 2).mul_f64(unit),
        }
    }

    /// The policy of a spec that declares no `retry`, as the compiler lowers it: one attempt
    /// ([`defaults::MAX_ATTEMPTS_UNDECLARED`]), and the backoff a declared `retry` without
    /// `backoff` gets (1 s doubling to at most 30 s, full jitter), should `max_attempts` be
    /// raised.
    pub const UNDECLARED: RetryPolicy = RetryPolicy {
        max_attempts: defaults::MAX_ATTEMPTS_UNDECLARED,
        initial_delay: Duration::from_millis(defaults::BACKOFF_INITIAL_MS),
        max_delay: Duration::from_millis(defaults::BACKOFF_MAX_MS),
        multiplier: defaults::BACKOFF_MULTIPLIER,
        jitter: defaults::JITTER,
    };

    /// No retries at all (one attempt).
    pub const NO_RETRIES: RetryPolicy = RetryPolicy {
        max_attempts: 1,
        initial_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
        multiplier: 1.0,
        jitter: Jitter::None,
    };
}

/// Time limits of a request (spec `timeouts`, overridable on the client builder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Time allowed to open a connection (TCP and TLS).
    pub connect: Duration,
    /// Time allowed for one attempt, from sending the request to the end of the response
    /// body.
    pub attempt: Duration,
    /// Time allowed for the whole operation: every attempt, every backoff and rate-limit
    /// wait, and token refreshes. `None`: no limit beyond the attempts'.
    pub operation: Option<Duration>,
}

impl Default for Timeouts {
    /// accord's defaults when a spec declares none ([`accord_contract::wire::defaults`]):
    /// 10 s to connect, 60 s per attempt, no operation limit.
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_millis(defaults::CONNECT_TIMEOUT_MS),
            attempt: Duration::from_millis(defaults::ATTEMPT_TIMEOUT_MS),
            operation: None,
        }
    }
}

/// A declared rate limit: `requests` per `window`, with a token bucket of `burst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests per window.
    pub requests: u32,
    /// Window length.
    pub window: Duration,
    /// Token bucket capacity (requests allowed at once).
    pub burst: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 5,
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            multiplier: 2.0,
            jitter: Jitter::Full,
        };
        assert_eq!(policy.backoff_delay(1), Duration::from_secs(1));
        assert_eq!(policy.backoff_delay(3), Duration::from_secs(4));
        assert_eq!(policy.backoff_delay(10), Duration::from_secs(30));
        assert_eq!(policy.backoff_delay(u32::MAX), Duration::from_secs(30));
    }

    #[test]
    fn jitter_stays_inside_its_bounds() {
        let mut policy = RetryPolicy {
            max_attempts: 5,
            initial_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(30),
            multiplier: 2.0,
            jitter: Jitter::Full,
        };
        assert_eq!(policy.jittered_delay(2, 0.0), Duration::ZERO);
        assert_eq!(policy.jittered_delay(2, 0.5), Duration::from_secs(2));
        policy.jitter = Jitter::Equal;
        assert_eq!(policy.jittered_delay(2, 0.0), Duration::from_secs(2));
        assert_eq!(policy.jittered_delay(2, 1.0), Duration::from_secs(4));
        policy.jitter = Jitter::None;
        assert_eq!(policy.jittered_delay(2, 0.3), Duration::from_secs(4));
    }
}
