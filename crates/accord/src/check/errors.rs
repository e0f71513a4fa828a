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
        let mut by_status: BTreeMap<StatusPattern, Vec<String>> = BTreeMap::new();
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
            for status in code.status.to_vec() {
                let failure = match status {
                    StatusPattern::Exact(exact) => (400..=599).contains(&exact),
                    StatusPattern::Range(class) => class == 4 || class == 5,
                    StatusPattern::Default => true,
                };
                if !failure {
                    self.report(
                        codes::spec::BAD_STATUS,
                        &format!("{pointer}/status"),
                        format!("error status {status} is not a 4xx or 5xx status"),
                    )
                    .help = Some("an error code takes a 4xx or 5xx status, `4XX`, `5XX`, or `default`".into());
                }
                by_status.entry(status).or_default().push(name.clone());
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
            for (status, names) in &by_status {
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
    }
}
