//! Reading what a provider's rate-limit headers report, in each declared shape (issue 16,
//! point 4): separate `remaining` and `reset` headers (`X-RateLimit-Remaining`,
//! `X-RateLimit-Reset` in Unix seconds, Unix milliseconds or seconds from now), one
//! `used/limit` header (Shopify's `X-Shopify-Shop-Api-Call-Limit: 32/40`,
//! <https://shopify.dev/docs/api/usage/limits>), and the IETF `RateLimit` field
//! (draft-ietf-httpapi-ratelimit-headers-10 §4: `"default";r=50;t=30`, `r` the quota units
//! left, `t` the seconds until more are available).

use std::time::{Duration, SystemTime};

use accord_contract::wire::ResetUnit;

use crate::retry::reset_delay_in;
use reqwest::header::HeaderMap;

/// What the server said about its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServerReport {
    /// Requests left in the server's window.
    pub remaining: Option<u64>,
    /// Time until the window resets (or more quota is available).
    pub reset_after: Option<Duration>,
}

/// Where a provider reports its window (the generated `rate_limits()` fills it in from the
/// spec's `rate_limits.headers`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeaderShape {
    /// Header with the requests left (`X-RateLimit-Remaining`).
    pub remaining_header: Option<&'static str>,
    /// Header with the reset time (`X-RateLimit-Reset`).
    pub reset_header: Option<&'static str>,
    /// What the reset header's number counts.
    pub reset_unit: ResetUnit,
    /// Header with `used/limit` (`X-Shopify-Shop-Api-Call-Limit`).
    pub usage_header: Option<&'static str>,
    /// The IETF `RateLimit` field is read.
    pub ietf_fields: bool,
}

impl HeaderShape {
    /// Reads `headers`; each piece from the first declared place that has it.
    pub fn read(&self, headers: &HeaderMap, now: SystemTime) -> ServerReport {
        let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).map(str::trim);
        let ietf = if self.ietf_fields { text("ratelimit").and_then(ietf_ratelimit) } else { None };
        let remaining = self
            .remaining_header
            .and_then(text)
            .and_then(|value| value.parse::<u64>().ok())
            .or_else(|| self.usage_header.and_then(text).and_then(usage_remaining))
            .or_else(|| ietf.and_then(|(remaining, _)| remaining));
        let reset_after = self
            .reset_header
            .and_then(text)
            .and_then(|value| reset_delay_in(value, self.reset_unit, now))
            .or_else(|| ietf.and_then(|(_, reset)| reset));
        ServerReport { remaining, reset_after }
    }
}

/// The requests left from `used/limit` (`32/40` → 8); `None` when it is not two integers.
pub fn usage_remaining(value: &str) -> Option<u64> {
    let (used, limit) = value.split_once('/')?;
    let (used, limit): (u64, u64) = (used.trim().parse().ok()?, limit.trim().parse().ok()?);
    Some(limit.saturating_sub(used))
}

/// `r` and `t` of the first member of an IETF `RateLimit` field (`"default";r=50;t=30`):
/// the remaining quota and the seconds until it grows. Only what this needs of RFC 8941 §3.1
/// (a list of items with parameters) is read: the first member's `;key=integer` parameters;
/// other parameters (`pk` byte sequences) are skipped. `None` when neither is there.
pub fn ietf_ratelimit(value: &str) -> Option<(Option<u64>, Option<Duration>)> {
    let first = first_member(value);
    let mut remaining = None;
    let mut reset = None;
    for parameter in first.split(';').skip(1) {
        let Some((key, number)) = parameter.trim().split_once('=') else { continue };
        let number = number.trim().parse::<u64>().ok();
        match key.trim() {
            "r" => remaining = number,
            "t" => reset = number.map(Duration::from_secs),
            _ => {}
        }
    }
    (remaining.is_some() || reset.is_some()).then_some((remaining, reset))
}

/// The first member of a structured-field list: up to the first comma outside a quoted
/// string.
fn first_member(value: &str) -> &str {
    let mut quoted = false;
    let mut escaped = false;
    for (index, byte) in value.bytes().enumerate() {
        match byte {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            b',' if !quoted => return &value[..index],
            _ => {}
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    const NOW: u64 = 1_700_000_000;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(NOW)
    }

    #[test]
    fn each_shape_reads_remaining_and_reset() {
        let mut headers = HeaderMap::new();
        headers.insert("x-shopify-shop-api-call-limit", HeaderValue::from_static("32/40"));
        let shopify = HeaderShape { usage_header: Some("x-shopify-shop-api-call-limit"), ..HeaderShape::default() };
        assert_eq!(shopify.read(&headers, now()), ServerReport { remaining: Some(8), reset_after: None });

        headers.insert("ratelimit", HeaderValue::from_static(r#""default";r=50;t=30, "daily";r=900;t=3600"#));
        let ietf = HeaderShape { ietf_fields: true, ..HeaderShape::default() };
        assert_eq!(
            ietf.read(&headers, now()),
            ServerReport { remaining: Some(50), reset_after: Some(Duration::from_secs(30)) }
        );

        headers.insert("x-reset-ms", HeaderValue::from_static("1700000012500"));
        let millis = HeaderShape {
            reset_header: Some("x-reset-ms"),
            reset_unit: ResetUnit::UnixMilliseconds,
            ..HeaderShape::default()
        };
        assert_eq!(millis.read(&headers, now()).reset_after, Some(Duration::from_millis(12_500)));
        let auto = HeaderShape { reset_header: Some("x-reset-ms"), ..HeaderShape::default() };
        assert_eq!(auto.read(&headers, now()).reset_after, Some(Duration::from_millis(12_500)), "by size");
        let wrong = HeaderShape {
            reset_header: Some("x-reset-ms"),
            reset_unit: ResetUnit::DeltaSeconds,
            ..HeaderShape::default()
        };
        // Declared as seconds from now, the same number is read as that many seconds.
        assert_eq!(wrong.read(&headers, now()).reset_after, Some(Duration::from_secs(1_700_000_012_500)));
    }

    #[test]
    fn malformed_values_report_nothing() {
        assert_eq!(usage_remaining("32"), None);
        assert_eq!(usage_remaining("a/40"), None);
        assert_eq!(usage_remaining("45/40"), Some(0));
        assert_eq!(ietf_ratelimit(r#""default""#), None);
        assert_eq!(ietf_ratelimit(r#""a,b";r=3"#), Some((Some(3), None)), "a comma inside a string");
        assert_eq!(ietf_ratelimit(r#""x";pk=:cHsd==:;r=1;t=7"#), Some((Some(1), Some(Duration::from_secs(7)))));
        assert_eq!(reset_delay_in("-1", ResetUnit::Auto, now()), None);
        assert_eq!(reset_delay_in("1699999999", ResetUnit::UnixSeconds, now()), Some(Duration::ZERO));
    }
}
