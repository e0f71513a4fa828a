//! Rate-limit buckets as a store operation: [`RateLimitStore`], a reservation in every
//! bucket a request draws from (its operation's or the default, and every quota) as one
//! atomic step, and what the server reported about its window applied to a bucket.
//!
//! The in-process default is the client's own [`crate::rate_limit::TokenBucket`]s, which
//! also take over whenever a shared store does not answer.

use std::fmt;
use std::time::Duration;

use super::StoreFuture;
use crate::policy::RateLimit;

/// One bucket of a reservation: its key in the store and its declared limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketRef<'a> {
    /// The bucket's key (namespaced by API and credential by the caller).
    pub key: &'a str,
    /// Its declared rate and burst.
    pub limit: RateLimit,
}

impl BucketRef<'_> {
    /// The time between two requests at the declared rate (the emission interval of GCRA,
    /// `window / requests`), in microseconds, at least 1.
    pub fn interval_micros(&self) -> u64 {
        let window = u64::try_from(self.limit.window.as_micros()).unwrap_or(u64::MAX);
        (window / u64::from(self.limit.requests.max(1))).max(1)
    }

    /// Requests that may go at once from a full bucket (at least 1).
    pub fn burst(&self) -> u32 {
        self.limit.burst.max(1)
    }
}

/// Shared rate-limit buckets. Each operation is atomic and one round trip.
pub trait RateLimitStore: Send + Sync + fmt::Debug {
    /// Takes one request's place in every bucket of `buckets` and returns how long the
    /// request must wait before it is sent (zero when every bucket had room). A reservation:
    /// the place is kept whatever the wait, so waiters are served in order and never poll.
    fn reserve<'a>(&'a self, buckets: &'a [BucketRef<'a>]) -> StoreFuture<'a, Duration>;

    /// Applies what the server reported about `bucket`'s window: never more room than
    /// `remaining` requests, and with `remaining` 0, nothing sent before `reset_after` from
    /// now. A report can only tighten the bucket.
    fn observe<'a>(
        &'a self,
        bucket: BucketRef<'a>,
        remaining: Option<u64>,
        reset_after: Option<Duration>,
    ) -> StoreFuture<'a, ()>;
}
