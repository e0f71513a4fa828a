//! Prose the emitters share, derived from the IR: sentences that the docs page, the client
//! crate's README and the generated doc comments all say the same way. Kept out of the IR,
//! which holds facts, not wording.

use crate::ir::*;

/// The signature algorithm as people write it in prose (`HMAC-SHA256`), for a webhooks
/// section; `None` when the spec declares no signature scheme.
pub fn algorithm_title(webhooks: &WebhooksIr) -> Option<&'static str> {
    webhooks.signature.as_ref().map(|signature| signature.algorithm.title())
}

/// What is retried and how, in one sentence for docs and doc comments (`Retried up to 3
/// attempts in all (1 s to 30 s backoff, ×2, full jitter): …`). Follows the runtime's rules:
/// idempotent methods (RFC 9110 §9.2.2) and requests with an idempotency key are retried on
/// the declared `backoff`/`after_header` codes, undeclared 5xx, timeouts and dropped
/// connections; other requests only where the server cannot have acted (a 429, a failed
/// connection); `refresh_auth` codes once after refreshing credentials.
pub fn retry_summary(ir: &Ir, operation: &Operation) -> String {
    let codes: Vec<&ErrorCodeIr> = operation.errors.iter().filter_map(|id| ir.error_code(id)).collect();
    let named = |strategy: RetryStrategy| -> Vec<String> {
        codes.iter().filter(|code| code.retry == strategy).map(|code| format!("`{}`", code.name)).collect()
    };
    let refresh = named(RetryStrategy::RefreshAuth);
    let refresh_text =
        (!refresh.is_empty()).then(|| format!("{} once, after refreshing credentials", refresh.join(", ")));
    let retry = &ir.retry;
    if retry.max_attempts <= 1 {
        let mut text = if retry.declared {
            "Not retried: the spec's retry policy allows one attempt".to_string()
        } else {
            "Not retried: the spec declares no `retry` policy".to_string()
        };
        if let Some(refresh_text) = refresh_text {
            text.push_str(&format!("; retried: {refresh_text}"));
        }
        text.push('.');
        return text;
    }
    let method = operation.http_method.as_str();
    let idempotent = operation.http_method.is_idempotent();
    let mut backoff = named(RetryStrategy::Backoff);
    // A `5XX` or `default` code leaves no 5xx undeclared.
    let catch_all = |s: &StatusPattern| matches!(s, StatusPattern::Range(5) | StatusPattern::Default);
    if !codes.iter().any(|code| code.statuses.iter().any(catch_all)) {
        backoff.push("undeclared 5xx".into());
    }
    let mut parts = Vec::new();
    if idempotent || operation.idempotency_header.is_some() {
        backoff.push("timeouts and dropped connections".into());
        parts.push(format!("{} with exponential backoff", backoff.join(", ")));
        let after = named(RetryStrategy::AfterHeader);
        if !after.is_empty() {
            parts.push(format!("{} after the `Retry-After` delay", after.join(", ")));
        }
    } else {
        // A 429 means the server did not act on the request, so even a POST is retried.
        let not_processed = |strategy: RetryStrategy| -> Vec<String> {
            codes
                .iter()
                .filter(|code| code.retry == strategy && code.statuses.contains(&StatusPattern::Exact(429)))
                .map(|code| format!("`{}`", code.name))
                .collect()
        };
        let mut backoff = not_processed(RetryStrategy::Backoff);
        backoff.push("connection failures".into());
        parts.push(format!("{} with exponential backoff", backoff.join(", ")));
        let after = not_processed(RetryStrategy::AfterHeader);
        if !after.is_empty() {
            parts.push(format!("{} after the `Retry-After` delay", after.join(", ")));
        }
    }
    if let Some(refresh_text) = refresh_text {
        parts.push(refresh_text);
    }
    let seconds = crate::units::describe_millis;
    let mut text = format!(
        "Retried up to {} attempts in all ({} to {} backoff, ×{}, {} jitter): {}.",
        retry.max_attempts,
        seconds(retry.initial_delay_ms),
        seconds(retry.max_delay_ms),
        retry.multiplier,
        retry.jitter.as_str(),
        parts.join("; ")
    );
    match (&operation.idempotency_header, idempotent) {
        (Some(header), false) => text.push_str(&format!(
            " Every attempt carries the same `{header}` (a UUID v4 is added when none is set), so a retried {method} cannot act twice."
        )),
        (None, false) => text.push_str(&format!(
            " {method} is not idempotent and the endpoint declares no idempotency key, so 5xx errors, timeouts and resets are not retried."
        )),
        _ => {}
    }
    text
}
