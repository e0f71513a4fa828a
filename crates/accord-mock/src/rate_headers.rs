//! The rate-limit headers the mock answers with, in the shape the spec declares (issue 16,
//! point 4): separate limit / remaining / reset headers (reset in the declared unit), one
//! `used/limit` header (Shopify's `X-Shopify-Shop-Api-Call-Limit: 32/40`), and the IETF
//! `RateLimit-Policy` / `RateLimit` fields (draft-ietf-httpapi-ratelimit-headers-10:
//! `"default";q=100;w=60` and `"default";r=99;t=60`), all telling the same state of one
//! bucket.

use std::time::{SystemTime, UNIX_EPOCH};

use accord_contract::RateLimits;
use accord_contract::wire::ResetUnit;

/// One bucket's state as headers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BucketState {
    /// Requests per window (the declared limit).
    pub requests: u32,
    /// Window, seconds.
    pub window_seconds: u64,
    /// Bucket capacity (what `used/limit` counts against).
    pub burst: u32,
    /// Requests left now.
    pub remaining: u64,
    /// Seconds until the window resets (or a request is allowed again).
    pub reset_after_seconds: u64,
}

/// The declared headers for `state`, as (name, value) pairs.
pub(crate) fn headers(limits: &RateLimits, state: BucketState, now: SystemTime) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(name) = &limits.limit_header {
        out.push((name.clone(), state.requests.to_string()));
    }
    if let Some(name) = &limits.remaining_header {
        out.push((name.clone(), state.remaining.to_string()));
    }
    if let Some(name) = &limits.reset_header {
        out.push((name.clone(), reset_value(limits.reset_unit, state.reset_after_seconds, now)));
    }
    if let Some(name) = &limits.usage_header {
        let size = u64::from(state.burst.max(1));
        let used = size.saturating_sub(state.remaining.min(size));
        out.push((name.clone(), format!("{used}/{size}")));
    }
    if limits.ietf_fields {
        out.push((
            "RateLimit-Policy".into(),
            format!("\"default\";q={};w={}", state.requests, state.window_seconds.max(1)),
        ));
        out.push(("RateLimit".into(), format!("\"default\";r={};t={}", state.remaining, state.reset_after_seconds)));
    }
    out
}

/// A reset `after` seconds from `now`, in `unit` (`Auto`: Unix seconds, as GitHub sends).
fn reset_value(unit: ResetUnit, after: u64, now: SystemTime) -> String {
    let unix = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    match unit {
        ResetUnit::Auto | ResetUnit::UnixSeconds => (unix.as_secs() + after).to_string(),
        ResetUnit::UnixMilliseconds => (unix.as_millis() + u128::from(after) * 1000).to_string(),
        ResetUnit::DeltaSeconds => after.to_string(),
    }
}

/// Whether `name` is one of the rate-limit headers [`headers`] writes.
pub(crate) fn is_rate_header(limits: &RateLimits, name: &str) -> bool {
    let is = |header: &Option<String>| header.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(name));
    is(&limits.limit_header)
        || is(&limits.remaining_header)
        || is(&limits.reset_header)
        || is(&limits.usage_header)
        || (limits.ietf_fields
            && (name.eq_ignore_ascii_case("ratelimit") || name.eq_ignore_ascii_case("ratelimit-policy")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn every_shape_tells_the_same_state() {
        let limits = RateLimits {
            limit_header: Some("X-RateLimit-Limit".into()),
            remaining_header: Some("X-RateLimit-Remaining".into()),
            reset_header: Some("X-RateLimit-Reset".into()),
            reset_unit: ResetUnit::UnixMilliseconds,
            usage_header: Some("X-Shopify-Shop-Api-Call-Limit".into()),
            ietf_fields: true,
            ..RateLimits::default()
        };
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let state = BucketState { requests: 2, window_seconds: 1, burst: 40, remaining: 8, reset_after_seconds: 16 };
        let headers = headers(&limits, state, now);
        let get = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        assert_eq!(get("X-RateLimit-Limit"), Some("2"));
        assert_eq!(get("X-RateLimit-Remaining"), Some("8"));
        assert_eq!(get("X-RateLimit-Reset"), Some("1700000016000"));
        assert_eq!(get("X-Shopify-Shop-Api-Call-Limit"), Some("32/40"));
        assert_eq!(get("RateLimit-Policy"), Some("\"default\";q=2;w=1"));
        assert_eq!(get("RateLimit"), Some("\"default\";r=8;t=16"));
        // What the runtime reads back from them.
        let shape = accord_runtime::rate_limit::HeaderShape {
            usage_header: Some("x-shopify-shop-api-call-limit"),
            ..Default::default()
        };
        let mut map = accord_runtime::reqwest::header::HeaderMap::new();
        for (name, value) in &headers {
            map.insert(
                accord_runtime::reqwest::header::HeaderName::try_from(name.as_str()).expect("name"),
                value.parse().expect("value"),
            );
        }
        assert_eq!(shape.read(&map, now).remaining, Some(8));
        assert_eq!(accord_runtime::rate_limit::ietf_ratelimit(get("RateLimit").unwrap()).and_then(|r| r.0), Some(8));
    }
}
