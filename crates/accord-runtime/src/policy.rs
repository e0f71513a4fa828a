//! Declared reliability policies as data: what each error code's retry strategy is, the
//! spec's default retry policy, and its rate limits. The generated client carries these
//! as constants so that users (and later, the retry loop) read what the spec declared.

use std::time::Duration;

/// What to do when an error code comes back (spec `errors.codes.*.retry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryStrategy {
    /// Do not retry: the request itself must change.
    Never,
    /// Retry with exponential backoff and jitter.
    Backoff,
    /// Wait as long as the `Retry-After` header says (RFC 9110 §10.2.3), then retry.
    AfterHeader,
    /// Refresh credentials, then retry once.
    RefreshAuth,
}

/// Jitter applied to a backoff delay (AWS Architecture Blog, "Exponential Backoff And
/// Jitter", 2015).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Jitter {
    /// The delay as computed.
    None,
    /// Uniform in `[0, delay]`.
    Full,
    /// Uniform in `[delay / 2, delay]`.
    Equal,
}

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
        let factor = self.multiplier.powi(retry.saturating_sub(1) as i32);
        let millis = (self.initial_delay.as_millis() as f64 * factor).min(self.max_delay.as_millis() as f64);
        Duration::from_millis(millis.max(0.0) as u64)
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
    }
}
