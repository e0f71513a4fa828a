//! Checks of `scenarios`: each step calls a declared endpoint with the values it needs, and
//! expects a declared status or error code.

use super::{Checker, is_json_pointer, is_snake_name};
use crate::diag::{codes, did_you_mean, join_pointer};
use crate::spec::*;
use accord_contract::wire::most_specific;

impl Checker<'_> {
    pub(super) fn scenarios(&mut self) {
        for (name, scenario) in &self.spec.scenarios {
            let pointer = join_pointer("/scenarios", name);
            if !is_snake_name(name) {
                self.report_at_key(
                    codes::spec::BAD_NAME,
                    &pointer,
                    format!("scenario name `{name}` is not snake_case"),
                );
            }
            match (&scenario.endpoint, scenario.steps.is_empty()) {
                (Some(endpoint), true) => match &scenario.expect {
                    Some(expect) => {
                        self.step(endpoint, scenario.request.as_ref(), expect, &pointer, &format!("{pointer}/endpoint"))
                    }
                    None => {
                        self.report(
                            codes::spec::MISSING_EXPECT,
                            &pointer,
                            format!("scenario `{name}` has no `expect`"),
                        );
                    }
                },
                (None, false) => {
                    for (index, step) in scenario.steps.iter().enumerate() {
                        let step_pointer = format!("{pointer}/steps/{index}");
                        self.step(
                            &step.endpoint,
                            step.request.as_ref(),
                            &step.expect,
                            &step_pointer,
                            &format!("{step_pointer}/endpoint"),
                        );
                    }
                }
                (Some(_), false) => {
                    self.report(
                        codes::spec::SCENARIO_SHAPE,
                        &pointer,
                        format!("scenario `{name}` has both `endpoint` and `steps`"),
                    )
                    .help = Some("a single call uses `endpoint`/`request`/`expect`; a sequence uses `steps`".into());
                }
                (None, true) => {
                    self.report(
                        codes::spec::SCENARIO_SHAPE,
                        &pointer,
                        format!("scenario `{name}` names no `endpoint` and has no `steps`"),
                    );
                }
            }
        }
    }

    fn step(
        &mut self,
        endpoint_name: &str,
        request: Option<&ScenarioRequest>,
        expect: &Expectation,
        pointer: &str,
        endpoint_pointer: &str,
    ) {
        let Some(endpoint) = self.spec.endpoints.get(endpoint_name) else {
            let hint = did_you_mean(endpoint_name, self.spec.endpoints.keys().map(String::as_str));
            self.report(
                codes::spec::UNKNOWN_ENDPOINT,
                endpoint_pointer,
                format!("unknown endpoint `{endpoint_name}`"),
            )
            .help = hint.or(Some("scenarios must name an endpoint declared under `endpoints`".into()));
            return;
        };
        let empty = ScenarioRequest::default();
        let request = request.unwrap_or(&empty);
        for parameter in endpoint.path_params.keys() {
            if !request.path.contains_key(parameter) {
                self.report(
                    codes::spec::MISSING_PATH_VALUE,
                    pointer,
                    format!("the call to `{endpoint_name}` needs a value for path parameter `{parameter}`"),
                )
                .help = Some(format!("add `request: {{ path: {{ {parameter}: … }} }}`"));
            }
        }
        for key in request.path.keys() {
            if !endpoint.path_params.contains_key(key) {
                self.report_at_key(
                    codes::spec::UNKNOWN_PARAM,
                    &join_pointer(&format!("{pointer}/request/path"), key),
                    format!("`{endpoint_name}` has no path parameter `{key}`"),
                );
            }
        }
        for key in request.query.keys() {
            if !endpoint.query.contains_key(key) {
                let hint = did_you_mean(key, endpoint.query.keys().map(String::as_str));
                self.report_at_key(
                    codes::spec::UNKNOWN_PARAM,
                    &join_pointer(&format!("{pointer}/request/query"), key),
                    format!("`{endpoint_name}` has no query parameter `{key}`"),
                )
                .help = hint;
            }
        }
        let body_required = endpoint.request.as_ref().is_some_and(|r| r.required.unwrap_or(true));
        match (&request.body, &endpoint.request) {
            (Some(_), None) => {
                self.report(
                    codes::spec::UNEXPECTED_BODY,
                    &format!("{pointer}/request/body"),
                    format!("`{endpoint_name}` takes no request body"),
                );
            }
            (None, Some(_)) if body_required => {
                self.report(
                    codes::spec::MISSING_BODY,
                    pointer,
                    format!("the call to `{endpoint_name}` needs a request body"),
                );
            }
            _ => {}
        }
        let expect_pointer = format!("{pointer}/expect");
        let declared_status = endpoint
            .responses
            .keys()
            .filter_map(|key| StatusPattern::parse(key))
            .any(|pattern| pattern != StatusPattern::Default && pattern.matches(expect.status));
        let codes = self.spec.errors.as_ref().map(|e| &e.codes);
        match &expect.error {
            Some(code) => match codes.and_then(|codes| codes.get(code)) {
                None => {
                    let hint = codes.and_then(|codes| did_you_mean(code, codes.keys().map(String::as_str)));
                    self.report(
                        codes::spec::UNKNOWN_ERROR_CODE,
                        &format!("{expect_pointer}/error"),
                        format!("unknown error code `{code}`"),
                    )
                    .help = hint;
                }
                Some(definition) => {
                    let applying = codes
                        .map(|codes| {
                            most_specific(codes.iter().map(|(name, c)| (name, c.status.to_vec())), expect.status)
                        })
                        .unwrap_or_default();
                    if !applying.contains(&code) {
                        let statuses: Vec<String> = definition.status.to_vec().iter().map(|s| s.to_string()).collect();
                        let covered = definition.status.to_vec().iter().any(|s| s.matches(expect.status));
                        let message = match applying.first() {
                            Some(other) if covered => format!(
                                "status {} is error code `{other}`'s, declared more specifically than `{code}`'s [{}]",
                                expect.status,
                                statuses.join(", ")
                            ),
                            _ => format!(
                                "error code `{code}` is returned with status [{}], not {}",
                                statuses.join(", "),
                                expect.status
                            ),
                        };
                        self.report(codes::spec::STATUS_MISMATCH, &format!("{expect_pointer}/status"), message);
                    }
                    if !endpoint.errors.contains(code) {
                        self.report(
                            codes::spec::UNDECLARED_ERROR,
                            &format!("{expect_pointer}/error"),
                            format!("`{endpoint_name}` does not list error code `{code}`"),
                        )
                        .help = Some(format!("add `{code}` to `endpoints.{endpoint_name}.errors`"));
                    }
                }
            },
            None if !declared_status => {
                self.report(
                    codes::spec::UNDECLARED_STATUS,
                    &format!("{expect_pointer}/status"),
                    format!("`{endpoint_name}` declares no response with status {}", expect.status),
                )
                .help = Some("expect a declared status, or name the `error` code for error statuses".into());
            }
            None => {}
        }
        for key in expect.body_equals.keys() {
            if !is_json_pointer(key) {
                self.report_at_key(
                    codes::spec::BAD_POINTER,
                    &join_pointer(&format!("{expect_pointer}/body_equals"), key),
                    format!("`{key}` is not a JSON pointer"),
                )
                .help = Some(super::pointer_help(key));
            }
        }
    }
}
