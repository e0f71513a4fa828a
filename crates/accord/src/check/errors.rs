//! Checks of `errors`, `retry`, `timeouts` and `rate_limits`: error codes are named and
//! distinguishable, have a body and a 4xx/5xx status; durations and rates parse; retry
//! settings can be followed.

use std::collections::BTreeMap;

use super::{Checker, is_json_pointer};
use crate::diag::{codes, join_pointer};
use crate::spec::*;

impl Checker<'_> {
    pub(super) fn errors(&mut self) {
        let Some(errors) = &self.spec.errors else { return };
        if let Some(body) = &errors.body {
            self.model_ref(body, "/errors/body");
        }
        if let Some(field) = &errors.code_field
            && !is_json_pointer(field)
        {
            self.report(codes::spec::BAD_POINTER, "/errors/code_field", format!("`{field}` is not a JSON pointer"))
                .help = Some(super::pointer_help(field));
        }
        let mut by_status: BTreeMap<(bool, StatusPattern), Vec<String>> = BTreeMap::new();
        for (name, code) in &errors.codes {
            let pointer = join_pointer("/errors/codes", name);
            let shouty = crate::names::shouty(name);
            if &shouty != name {
                self.report_at_key(
                    codes::spec::BAD_NAME,
                    &pointer,
                    format!("error code `{name}` is not SCREAMING_SNAKE_CASE"),
                )
                .help = Some(format!("write `{shouty}`"));
            }
            if let Some(condition) = &code.when {
                self.body_condition(condition, &format!("{pointer}/when"));
            }
            for status in code.status.to_vec() {
                let failure = match status {
                    StatusPattern::Exact(exact) => (400..=599).contains(&exact),
                    StatusPattern::Range(class) => class == 4 || class == 5,
                    StatusPattern::Default => true,
                };
                // A code matched by its body may come with any status (Slack's 200).
                if !failure && code.when.is_none() {
                    self.report(
                        codes::spec::BAD_STATUS,
                        &format!("{pointer}/status"),
                        format!("error status {status} is not a 4xx or 5xx status"),
                    )
                    .help = Some(
                        "an error code takes a 4xx or 5xx status, `4XX`, `5XX`, or `default`; for an error the \
                         provider answers with a 2xx status, add how its body shows it: \
                         `when: { pointer: /ok, equals: false }` (or `present: true`)"
                            .into(),
                    );
                }
                // Codes matched by their body are told apart among themselves, not from the
                // codes matched by status alone.
                by_status.entry((code.when.is_some(), status)).or_default().push(name.clone());
            }
            if let Some(body) = &code.body {
                self.model_ref(body, &format!("{pointer}/body"));
            }
            if errors.body.is_none() && code.body.is_none() {
                self.report(
                    codes::spec::MISSING_ERROR_BODY,
                    &pointer,
                    format!("error code `{name}` has no body model"),
                )
                .help = Some("set `errors.body` for all codes or `body` on this code".into());
            }
            if code.match_value.is_some() && errors.code_field.is_none() {
                self.report(
                    codes::spec::MATCH_WITHOUT_CODE_FIELD,
                    &format!("{pointer}/match"),
                    "`match` needs `errors.code_field` to say where the code is".into(),
                );
            }
        }
        if errors.code_field.is_none() {
            for ((_, status), names) in &by_status {
                if names.len() > 1 {
                    let pointer = join_pointer("/errors/codes", &names[1]);
                    self.report(codes::spec::AMBIGUOUS_STATUS, &format!("{pointer}/status"), format!(
                        "status {status} belongs to both `{}` and `{}`, and there is no `errors.code_field` to tell them apart",
                        names[0], names[1]
                    ));
                }
            }
        }
    }

    /// An error code's `when`: a JSON pointer and exactly one test.
    fn body_condition(&mut self, condition: &BodyCondition, pointer: &str) {
        if !is_json_pointer(&condition.pointer) {
            self.report(
                codes::spec::BAD_POINTER,
                &format!("{pointer}/pointer"),
                format!("`{}` is not a JSON pointer", condition.pointer),
            )
            .help = Some(format!("write `/{}` (RFC 6901)", condition.pointer));
        }
        let problem = match (&condition.equals, condition.present) {
            (Some(_), Some(_)) => Some("`when` has both `equals` and `present`; it takes one test"),
            (None, None) => Some("`when` has no test: it needs `equals: VALUE` or `present: true`"),
            (None, Some(false)) => Some("`present: false` would match every body without the field, successes too"),
            _ => None,
        };
        if let Some(problem) = problem {
            let at = if condition.pointer.starts_with('/') {
                condition.pointer.clone()
            } else {
                format!("/{}", condition.pointer)
            };
            self.report(codes::spec::BAD_BODY_MATCH, pointer, problem.into()).help = Some(format!(
                "write `when: {{ pointer: {at}, equals: false }}` (the value that marks an error) or `when: {{ pointer: {at}, present: true }}`"
            ));
        }
    }

    pub(super) fn retry(&mut self) {
        let Some(retry) = &self.spec.retry else { return };
        if retry.max_attempts == 0 {
            self.report(
                codes::spec::BAD_RETRY,
                "/retry/max_attempts",
                "`max_attempts` counts the first attempt too, so it is at least 1".into(),
            );
        }
        if let Some(backoff) = &retry.backoff {
            self.duration(&backoff.initial, "/retry/backoff/initial");
            self.duration(&backoff.max, "/retry/backoff/max");
            if backoff.multiplier.is_some_and(|m| m < 1.0) {
                self.report(
                    codes::spec::BAD_RETRY,
                    "/retry/backoff/multiplier",
                    "`multiplier` below 1 would shrink delays".into(),
                );
            }
        }
    }

    pub(super) fn timeouts(&mut self) {
        let Some(timeouts) = &self.spec.timeouts else { return };
        for (key, value) in [("connect", &timeouts.connect), ("attempt", &timeouts.attempt), ("total", &timeouts.total)]
        {
            if let Some(value) = value {
                self.duration(value, &format!("/timeouts/{key}"));
            }
        }
    }

    pub(super) fn rate_limits(&mut self) {
        let Some(limits) = &self.spec.rate_limits else { return };
        if let Some(default) = &limits.default {
            self.rate(default, "/rate_limits/default");
        }
        for (index, quota) in limits.quotas.iter().enumerate() {
            self.rate(&RateLimit::Short(quota.clone()), &format!("/rate_limits/quotas/{index}"));
        }
        if let Some(headers) = &limits.headers {
            self.rate_limit_headers(headers);
        }
    }

    /// `rate_limits.headers`: field names, one part per header, `reset_unit` with `reset`.
    fn rate_limit_headers(&mut self, headers: &RateLimitHeaders) {
        let named = [
            ("limit", &headers.limit),
            ("remaining", &headers.remaining),
            ("reset", &headers.reset),
            ("usage", &headers.usage),
        ];
        let mut seen: Vec<(&str, String)> = Vec::new();
        if headers.ietf {
            seen.push(("ietf", "ratelimit".into()));
            seen.push(("ietf", "ratelimit-policy".into()));
        }
        for (key, name) in named {
            let Some(name) = name else { continue };
            let pointer = format!("/rate_limits/headers/{key}");
            let is_token =
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !is_token {
                let written = name.split(':').next().unwrap_or_default().trim();
                self.report(
                    codes::spec::BAD_RATE_LIMIT_HEADERS,
                    &pointer,
                    format!("`{name}` is not an HTTP header name"),
                )
                .help = Some(format!("write the name alone, e.g. `{key}: {written}` (RFC 9110 §5.1)"));
                continue;
            }
            let lower = name.to_ascii_lowercase();
            if let Some((other, _)) = seen.iter().find(|(_, seen)| *seen == lower) {
                let other = if *other == "ietf" {
                    "`ietf: true` (RateLimit / RateLimit-Policy)".to_string()
                } else {
                    format!("`{other}`")
                };
                self.report(
                    codes::spec::BAD_RATE_LIMIT_HEADERS,
                    &pointer,
                    format!("`{name}` is already the header of {other}"),
                )
                .help = Some("a header plays one part; remove one of the two".into());
            }
            seen.push((key, lower));
        }
        if !headers.reset_unit.is_auto() && headers.reset.is_none() {
            self.report(
                codes::spec::BAD_RATE_LIMIT_HEADERS,
                "/rate_limits/headers/reset_unit",
                "`reset_unit` says what the `reset` header counts, but there is no `reset` header".into(),
            )
            .help = Some("name the header, e.g. `reset: X-RateLimit-Reset`, or remove `reset_unit`".into());
        }
    }
}
