//! Metrics through the `metrics` crate's facade (feature `metrics`): the OpenTelemetry
//! semantic conventions for HTTP clients, plus accord's own. Without the feature every
//! function here is empty and inlined away; with it and no recorder installed, each call is
//! the facade's no-op (one atomic load). An application installs a recorder of its choice
//! (`metrics-exporter-prometheus`, `metrics-exporter-opentelemetry`, …).
//!
//! Why the `metrics` facade rather than the OpenTelemetry API: it is to metrics what `log`
//! is to logging, a small dependency (no SDK, no async runtime, no protobuf) that a library
//! calls and the application wires to any backend, OpenTelemetry's included; a runtime every
//! generated client compiles should not choose the exporter.
//!
//! Names and attributes (OpenTelemetry semantic conventions 1.26, "HTTP client metrics",
//! <https://opentelemetry.io/docs/specs/semconv/http/http-metrics/#http-client>):
//! - `http.client.request.duration` (histogram, seconds): one per HTTP request sent (each
//!   attempt), with `http.request.method`, `server.address`, `server.port`,
//!   `http.response.status_code` (when a response came), `error.type` (the status code for
//!   4xx/5xx, else the transport failure: `timeout`, `connect`, `network`, `invalid`), and
//!   `accord.operation` (the spec's operation name).
//!
//! accord's own (all with `accord.operation` where one applies):
//! - `accord.client.attempts` (counter): requests sent, every attempt counted.
//! - `accord.client.retries` (counter) with `accord.retry.strategy` (`backoff`,
//!   `after_header`, `refresh_auth`).
//! - `accord.client.rate_limit.wait` (histogram, seconds): time spent waiting for the
//!   client-side rate limiter (only waits longer than zero are recorded).
//! - `accord.client.rate_limit.remaining` (gauge): the requests left as the server reports
//!   them in its rate-limit header.
//! - `accord.client.circuit.transitions` (counter) with `accord.circuit`,
//!   `accord.circuit.from`, `accord.circuit.to`; `accord.client.circuit.rejected` (counter).
//! - `accord.client.cache.requests` (counter) with `accord.cache.result`: `hit` (served
//!   fresh), `revalidated` (a 304 made a stored response fresh again), `miss`.
//! - `accord.client.token.refreshes` (counter): credentials renewed after a `refresh_auth`
//!   error, and access tokens fetched from a token endpoint (`accord.token.reason`:
//!   `refresh_auth` or `fetch`).

#[cfg(feature = "metrics")]
use std::sync::Once;
use std::time::Duration;

/// Metric names, as recorded.
pub mod names {
    /// OpenTelemetry's HTTP client request duration, in seconds.
    pub const REQUEST_DURATION: &str = "http.client.request.duration";
    /// Attempts sent.
    pub const ATTEMPTS: &str = "accord.client.attempts";
    /// Retries by strategy.
    pub const RETRIES: &str = "accord.client.retries";
    /// Waits for the client-side rate limiter, in seconds.
    pub const RATE_LIMIT_WAIT: &str = "accord.client.rate_limit.wait";
    /// Requests left, as the server reports.
    pub const RATE_LIMIT_REMAINING: &str = "accord.client.rate_limit.remaining";
    /// Circuit state changes.
    pub const CIRCUIT_TRANSITIONS: &str = "accord.client.circuit.transitions";
    /// Requests refused by an open circuit.
    pub const CIRCUIT_REJECTED: &str = "accord.client.circuit.rejected";
    /// Cache lookups by result.
    pub const CACHE_REQUESTS: &str = "accord.client.cache.requests";
    /// Credential refreshes and token fetches.
    pub const TOKEN_REFRESHES: &str = "accord.client.token.refreshes";
    /// Store operations answered by the in-process state because the shared store did not
    /// answer (issue 19).
    pub const STORE_FALLBACKS: &str = "accord.client.store.fallbacks";
}

#[cfg(feature = "metrics")]
fn describe() {
    static DESCRIBED: Once = Once::new();
    DESCRIBED.call_once(|| {
        use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
        describe_histogram!(names::REQUEST_DURATION, Unit::Seconds, "Duration of HTTP client requests.");
        describe_counter!(names::ATTEMPTS, "HTTP requests sent, every attempt counted.");
        describe_counter!(names::RETRIES, "Retries, by the declared strategy.");
        describe_histogram!(names::RATE_LIMIT_WAIT, Unit::Seconds, "Time waited for the client-side rate limiter.");
        describe_gauge!(names::RATE_LIMIT_REMAINING, "Requests left as the server reports them.");
        describe_counter!(names::CIRCUIT_TRANSITIONS, "Circuit breaker state changes.");
        describe_counter!(names::CIRCUIT_REJECTED, "Requests refused by an open circuit.");
        describe_counter!(names::CACHE_REQUESTS, "Response cache lookups by result.");
        describe_counter!(names::TOKEN_REFRESHES, "Credential refreshes and access token fetches.");
        describe_counter!(names::STORE_FALLBACKS, "Shared store operations answered in process instead.");
    });
}

/// The server a client sends to, as the `server.address` and `server.port` attributes:
/// made once per client, so that recording a request copies no string (with feature
/// `metrics`, each is a shared, reference-counted label value).
#[derive(Debug, Clone)]
pub struct Server {
    #[cfg(feature = "metrics")]
    address: metrics::SharedString,
    #[cfg(feature = "metrics")]
    port: metrics::SharedString,
}

impl Server {
    /// The server at `address` (a host name or IP address) and `port`.
    #[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
    pub fn new(address: &str, port: u16) -> Self {
        Server {
            #[cfg(feature = "metrics")]
            address: metrics::SharedString::from_shared(std::sync::Arc::<str>::from(address)),
            #[cfg(feature = "metrics")]
            port: metrics::SharedString::from_shared(std::sync::Arc::<str>::from(port.to_string())),
        }
    }
}

/// The attributes of one HTTP request: method, server, operation.
#[derive(Debug, Clone, Copy)]
pub struct RequestAttributes<'a> {
    /// `http.request.method`.
    pub method: &'a str,
    /// `server.address` and `server.port`.
    pub server: &'a Server,
    /// `accord.operation`.
    pub operation: &'static str,
}

/// Records one attempt: `http.client.request.duration` and `accord.client.attempts`.
/// `status` is the response's, `error_kind` the transport failure's name when there was none.
/// The standard methods and the status codes 100–599 are static label values; only an
/// extension method or an out-of-range status is copied.
#[inline]
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub fn request(
    attributes: RequestAttributes<'_>,
    elapsed: Duration,
    status: Option<u16>,
    error_kind: Option<&'static str>,
) {
    #[cfg(feature = "metrics")]
    {
        describe();
        let mut labels = Vec::with_capacity(6);
        labels.push(metrics::Label::new("http.request.method", method_label(attributes.method)));
        labels.push(metrics::Label::new("server.address", attributes.server.address.clone()));
        labels.push(metrics::Label::new("server.port", attributes.server.port.clone()));
        labels.push(metrics::Label::new("accord.operation", attributes.operation));
        if let Some(status) = status {
            labels.push(metrics::Label::new("http.response.status_code", status_label(status)));
            if status >= 400 {
                labels.push(metrics::Label::new("error.type", status_label(status)));
            }
        } else if let Some(kind) = error_kind {
            labels.push(metrics::Label::new("error.type", kind));
        }
        metrics::histogram!(names::REQUEST_DURATION, labels).record(elapsed.as_secs_f64());
        metrics::counter!(names::ATTEMPTS, "accord.operation" => attributes.operation).increment(1);
    }
}

/// `http.request.method`: the standard methods (RFC 9110 §9, and PATCH) without a copy.
#[cfg(feature = "metrics")]
fn method_label(method: &str) -> metrics::SharedString {
    const STANDARD: [&str; 9] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT"];
    match STANDARD.iter().find(|standard| **standard == method) {
        Some(standard) => metrics::SharedString::const_str(standard),
        None => metrics::SharedString::from_owned(method.to_owned()),
    }
}

/// The three-digit codes 100–599, back to back, so that a status label is a static slice.
#[cfg(feature = "metrics")]
static STATUS_DIGITS: [u8; 1500] = {
    let mut digits = [0u8; 1500];
    let mut index = 0;
    while index < 500 {
        let code = 100 + index;
        digits[index * 3] = b'0' + (code / 100) as u8;
        digits[index * 3 + 1] = b'0' + (code / 10 % 10) as u8;
        digits[index * 3 + 2] = b'0' + (code % 10) as u8;
        index += 1;
    }
    digits
};

/// `http.response.status_code` and `error.type` for a status: a static slice of
/// [`STATUS_DIGITS`] for 100–599, a copy otherwise.
#[cfg(feature = "metrics")]
fn status_label(status: u16) -> metrics::SharedString {
    if (100..600).contains(&status) {
        let start = usize::from(status - 100) * 3;
        if let Ok(text) = std::str::from_utf8(&STATUS_DIGITS[start..start + 3]) {
            return metrics::SharedString::const_str(text);
        }
    }
    metrics::SharedString::from_owned(status.to_string())
}

/// Records a retry by its strategy (`backoff`, `after_header`, `refresh_auth`).
#[inline]
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub fn retry(operation: &'static str, strategy: &'static str) {
    #[cfg(feature = "metrics")]
    {
        describe();
        metrics::counter!(names::RETRIES, "accord.operation" => operation, "accord.retry.strategy" => strategy)
            .increment(1);
    }
}

/// Records a wait for the client-side rate limiter.
#[inline]
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub fn rate_limit_wait(operation: &'static str, waited: Duration) {
    #[cfg(feature = "metrics")]
    {
        describe();
        metrics::histogram!(names::RATE_LIMIT_WAIT, "accord.operation" => operation).record(waited.as_secs_f64());
    }
}

/// Records the requests left as the server reported them.
#[inline]
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub fn rate_limit_remaining(operation: &'static str, remaining: u64) {
    #[cfg(feature = "metrics")]
    {
        describe();
        metrics::gauge!(names::RATE_LIMIT_REMAINING, "accord.operation" => operation).set(remaining as f64);
    }
}

/// Records a circuit's change of state.
#[inline]
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub fn circuit_transition(circuit: &str, from: &'static str, to: &'static str) {
    #[cfg(feature = "metrics")]
    {
        describe();
        metrics::counter!(
            names::CIRCUIT_TRANSITIONS,
            "accord.circuit" => circuit.to_string(),
            "accord.circuit.from" => from,
            "accord.circuit.to" => to
        )
        .increment(1);
    }
}

/// Records a request refused by an open circuit.
#[inline]
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub fn circuit_rejected(operation: &'static str) {
    #[cfg(feature = "metrics")]
    {
        describe();
        metrics::counter!(names::CIRCUIT_REJECTED, "accord.operation" => operation).increment(1);
    }
}

/// Records a cache lookup's result: `hit`, `revalidated` or `miss`.
#[inline]
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub fn cache(operation: &'static str, result: &'static str) {
    #[cfg(feature = "metrics")]
    {
        describe();
        metrics::counter!(names::CACHE_REQUESTS, "accord.operation" => operation, "accord.cache.result" => result)
            .increment(1);
    }
}

/// Records a credential refresh (`refresh_auth`) or a token fetch (`fetch`).
#[inline]
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub fn token_refresh(reason: &'static str) {
    #[cfg(feature = "metrics")]
    {
        describe();
        metrics::counter!(names::TOKEN_REFRESHES, "accord.token.reason" => reason).increment(1);
    }
}

/// Records a shared-store operation (`rate_limit`, `token`, `delivery`, `circuit`, `cache`)
/// answered by the in-process state because the store failed or timed out.
#[inline]
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub fn store_fallback(operation: &'static str) {
    #[cfg(feature = "metrics")]
    {
        describe();
        metrics::counter!(names::STORE_FALLBACKS, "accord.store.operation" => operation).increment(1);
    }
}

#[cfg(all(test, feature = "metrics"))]
mod tests {
    use super::*;

    #[test]
    fn status_and_method_labels_are_the_texts_they_stand_for() {
        for status in [100, 200, 204, 404, 429, 503, 599] {
            assert_eq!(&*status_label(status), status.to_string(), "{status}");
        }
        assert_eq!(&*status_label(99), "99");
        assert_eq!(&*status_label(600), "600");
        assert_eq!(&*method_label("PATCH"), "PATCH");
        assert_eq!(&*method_label("PROPFIND"), "PROPFIND");
    }
}
