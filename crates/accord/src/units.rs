//! Parsers for the spec language's small string formats: durations (`300s`, `5m`, `500ms`)
//! and rate limits (`100/minute`, `10000/day`).

use std::time::Duration;

/// Parses `<integer><unit>` with unit `ms`, `s`, `m`, `h` or `d`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Some(spaced) = text.split_once(' ').filter(|(number, _)| number.parse::<u64>().is_ok()) {
        let unit = spaced.1.trim().chars().next().map(|c| c.to_string()).unwrap_or_default();
        return Err(format!(
            "`{text}` is not a duration; write the number and unit together, e.g. `{}{}`",
            spaced.0,
            if unit == "m" || unit == "s" || unit == "h" || unit == "d" { unit } else { "s".to_string() }
        ));
    }
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: u64 = number.parse().map_err(|_| {
        format!("`{text}` is not a duration; expected a whole number and a unit, e.g. `300s`, `5m`, `500ms`")
    })?;
    let millis_per_unit = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "" => return Err(format!("`{text}` has no unit; write `{text}s` for seconds")),
        other => {
            return Err(format!("`{other}` is not a duration unit in `{text}`; expected `ms`, `s`, `m`, `h` or `d`"));
        }
    };
    value
        .checked_mul(millis_per_unit)
        .map(Duration::from_millis)
        .ok_or_else(|| format!("`{text}` is too long a duration"))
}

/// A parsed rate: `requests` per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Requests allowed per window.
    pub requests: u32,
    /// Window length.
    pub window: Duration,
}

/// Parses `N/second|minute|hour|day` (also `N/s`, `N/min`, `N/h`, `N/d`).
pub fn parse_rate(text: &str) -> Result<Rate, String> {
    let expected = "expected `<requests>/<second|minute|hour|day>`, e.g. `100/minute`";
    let Some((count, unit)) = text.trim().split_once('/') else {
        return Err(format!("`{text}` is not a rate limit; {expected}"));
    };
    let requests: u32 = count
        .trim()
        .parse()
        .map_err(|_| format!("`{count}` in `{text}` is not a whole number of requests; {expected}"))?;
    if requests == 0 {
        return Err(format!("`{text}` allows no requests at all; {expected}"));
    }
    let seconds = match unit.trim() {
        "second" | "s" | "sec" => 1,
        "minute" | "min" | "m" => 60,
        "hour" | "h" => 3_600,
        "day" | "d" => 86_400,
        other => return Err(format!("`{other}` in `{text}` is not a time unit; {expected}")),
    };
    Ok(Rate { requests, window: Duration::from_secs(seconds) })
}

/// A duration in milliseconds as docs write it: `30 s` for whole seconds, `500 ms` otherwise.
pub fn describe_millis(ms: u64) -> String {
    if ms % 1000 == 0 { format!("{} s", ms / 1000) } else { format!("{ms} ms") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("300s"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("5 minutes").is_err());
        assert!(parse_duration("300").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("100/minute"), Ok(Rate { requests: 100, window: Duration::from_secs(60) }));
        assert_eq!(parse_rate("10000/day").map(|r| r.window), Ok(Duration::from_secs(86_400)));
        assert!(parse_rate("100 per minute").is_err());
        assert!(parse_rate("0/minute").is_err());
        assert!(parse_rate("100/fortnight").is_err());
    }
}
