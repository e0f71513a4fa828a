//! A success scenario's response body against its response model (issue 21, "a file
//! example that differs from its model": the scenarios are the examples the mock answers
//! with and the contract tests decode). The body is the response model's example with the
//! scenario's `response.body` merged over it (`lower::scenarios`); one that breaks the model
//! made a generated contract test fail far from the spec.

use serde_json::Value;

use crate::diag::{Diagnostic, codes, join_pointer};
use crate::ir::{ScenarioIr, StatusPattern, StepIr};
use crate::spec::Positions;

/// Reports `step`'s response body when it does not fit the JSON schema of the response the
/// endpoint declares for the step's status (exactly, else its class, `2XX`).
#[allow(clippy::too_many_arguments)]
pub(super) fn scenario_response(
    contract: &accord_contract::Contract,
    positions: &Positions,
    scenario: &ScenarioIr,
    index: usize,
    step: &StepIr,
    problems: &dyn Fn(&Value, &Value) -> Vec<String>,
    found: &mut Vec<Diagnostic>,
) {
    let Some(body) = &step.response_body else { return };
    let Some(operation) = contract.operations.get(step.operation) else { return };
    let class = u8::try_from(step.status / 100).unwrap_or_default();
    let declared = operation
        .responses
        .iter()
        .find(|r| r.status == StatusPattern::Exact(step.status))
        .or_else(|| operation.responses.iter().find(|r| r.status == StatusPattern::Range(class)));
    let Some(schema) = declared.and_then(|r| r.schema.as_ref()) else { return };
    let found_problems = problems(schema, body);
    let Some(first) = found_problems.first() else { return };
    let at = join_pointer("/scenarios", &scenario.name);
    let single = format!("{at}/response/body");
    let pointer = if positions.written(&single) {
        single
    } else if positions.written(&format!("{at}/steps/{index}/response/body")) {
        format!("{at}/steps/{index}/response/body")
    } else {
        // Nothing written: the model's own example broke it, reported on the model.
        return;
    };
    found.push(Diagnostic {
        location: positions.value(&pointer),
        ..Diagnostic::new(
            codes::spec::SCENARIO_BODY_MISMATCH,
            format!(
                "scenario `{}` answers {} with a body that does not fit the response model of `{}`: {first}",
                scenario.name, step.status, step.operation_name
            ),
        )
        .at(&pointer)
        .help(format!(
            "the mock answers with this body and the contract test decodes it (every problem: {}): fix `response.body`, or the model",
            found_problems.join("; ")
        ))
    });
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::project::compile_spec;

    #[test]
    fn a_success_scenarios_response_that_breaks_its_model_fails_check_with_its_location() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let source = std::fs::read_to_string(root.join("specs/orders.yaml")).expect("orders spec");
        let written = "kind: invoice, size_bytes: 19, labels: [paid, eu] }";
        assert!(source.contains(written));
        // The stored size as text: the contract test could not decode it.
        let broken = source.replacen(written, "kind: invoice, size_bytes: \"19\", labels: [paid, eu] }", 1);
        let failure = compile_spec(Path::new("orders.yaml"), &broken).expect_err("the response breaks `Document`");
        let rendered = failure.render();
        assert!(rendered.contains("spec::scenario_body_mismatch"), "{rendered}");
        assert!(
            rendered.contains(
                "scenario `attach_invoice` answers 201 with a body that does not fit the response model of `attach_document`"
            ),
            "{rendered}"
        );
        assert!(rendered.contains("size_bytes"), "{rendered}");
        // The line of the response body, wherever the spec has moved it.
        let line = 1 + source[..source.find(written).expect("written above")].matches('\n').count();
        assert!(
            rendered.contains(&format!("orders.yaml:{line}:7:")),
            "located at the response body (line {line}): {rendered}"
        );
        assert!(compile_spec(Path::new("orders.yaml"), &source).is_ok());
    }
}
