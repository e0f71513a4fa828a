//! Scenarios become test steps: the operation, the values of each request part, and what
//! the mock answers and the client must see.

use super::*;

impl Lowerer<'_> {
    pub(super) fn scenarios(&self, ir: &Ir) -> Vec<ScenarioIr> {
        let mut scope = Scope::default();
        self.spec
            .scenarios
            .iter()
            .map(|(name, scenario)| {
                let pointer = join_pointer("/scenarios", name);
                let steps = if scenario.steps.is_empty() {
                    let endpoint = scenario.endpoint.clone().unwrap_or_default();
                    let expect = scenario.expect.clone().expect("checked: single-call scenarios have `expect`");
                    vec![self.step(ir, &endpoint, scenario.request.as_ref(), scenario.response.as_ref(), &expect)]
                } else {
                    scenario
                        .steps
                        .iter()
                        .map(|step| {
                            self.step(ir, &step.endpoint, step.request.as_ref(), step.response.as_ref(), &step.expect)
                        })
                        .collect()
                };
                ScenarioIr {
                    name: name.clone(),
                    test_name: scope.claim(names::snake(name)),
                    description: scenario.description.clone(),
                    preconditions: scenario.preconditions.clone(),
                    setup: scenario.setup.clone(),
                    postconditions: scenario.postconditions.clone(),
                    steps,
                    span: self.span(&pointer),
                }
            })
            .collect()
    }

    pub(super) fn step(
        &self,
        ir: &Ir,
        endpoint: &str,
        request: Option<&spec::ScenarioRequest>,
        response: Option<&spec::ScenarioResponse>,
        expect: &spec::Expectation,
    ) -> StepIr {
        let index = ir.operations.iter().position(|o| o.name == endpoint).unwrap_or(0);
        let operation = &ir.operations[index];
        let default_request = spec::ScenarioRequest::default();
        let request = request.unwrap_or(&default_request);
        // The mock's answer: the declared response body (or the error code's body) generated
        // from its model, with the scenario's own response body merged over it.
        let mut body = match &expect.error {
            Some(code) => ir.errors.codes.iter().find(|c| &c.name == code).map(|c| c.example.clone()),
            None => {
                let declared = accord_contract::wire::most_specific(
                    operation.responses.iter().map(|r| (r, [r.status])),
                    expect.status,
                )
                .into_iter()
                .next();
                match declared {
                    Some(response) => response.example.clone(),
                    None => operation.success.as_ref().map(|ty| self.sample(ty, 0)),
                }
            }
        };
        if let Some(overlay) = response.and_then(|r| r.body.as_ref()) {
            body = Some(match body {
                Some(mut base) => {
                    self.merge_example(&mut base, overlay);
                    base
                }
                None => overlay.clone(),
            });
        }
        if let (Some(value), Some(code)) = (&mut body, &expect.error) {
            if let (Some(pointer), Some(definition)) =
                (&ir.errors.code_pointer, ir.errors.codes.iter().find(|c| &c.name == code))
            {
                set_pointer(value, pointer, json!(definition.match_value.clone().unwrap_or_else(|| code.clone())));
            }
        }
        StepIr {
            operation: index,
            operation_name: endpoint.to_string(),
            path: request.path.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            query: request.query.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            headers: request.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            body: request.body.clone(),
            status: expect.status,
            response_body: body,
            response_headers: response
                .map(|r| r.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            error: expect.error.as_ref().map(ErrorCodeId::named),
            body_contains: expect.body_contains.clone(),
            body_equals: expect.body_equals.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        }
    }
}
