//! Rules that need the lowered spec: an event's example fits its payload model, a model's or
//! property's written example and each error code's example body fit theirs
//! ([`examples`]), a scenario
//! that expects success sends a body its endpoint's model accepts, and the pointers that
//! type and identify webhook events lead to a field of every event's payload. Each broken
//! rule used to surface as a panic of a generated contract test that did not point back at
//! the spec (issue 16, point 7); here each is a located diagnostic with a `help:`.
//!
//! It runs after [`crate::lower::lower`] on a spec `check` passed (the models are resolved
//! then), and validates with the JSON Schemas the contract gives the mock
//! ([`crate::emit::contract::build`]), so `check` and the mock agree on what fits.

mod examples;
mod files;
mod responses;
use responses::scenario_response;

use serde_json::Value;

use crate::diag::{Code, Diagnostic, codes, join_pointer};
use crate::ir::{Ir, TypeExpr, TypeKind, WebhooksIr};
use crate::spec::Positions;

/// Every diagnostic of these rules for `ir`, located through `positions`.
pub fn check(ir: &Ir, positions: &Positions) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let report = |found: &mut Vec<Diagnostic>, code: &'static Code, pointer: &str, message: String, help: String| {
        let location = positions.value(pointer);
        found.push(Diagnostic { location, ..Diagnostic::new(code, message).at(pointer).help(help) });
    };
    // The operations are read for the scenarios' steps only.
    let contract = crate::emit::contract::build_with(ir, !ir.scenarios.is_empty());
    // One validator per distinct schema: a spec's examples repeat a few schemas many times,
    // and a document with every `$defs` entry is built only for a schema that refers to one.
    let validators: std::cell::RefCell<
        std::collections::HashMap<String, Option<std::sync::Arc<jsonschema::Validator>>>,
    > = Default::default();
    let problems = |schema: &Value, instance: &Value| -> Vec<String> {
        let key = schema.to_string();
        let cached = validators.borrow().get(&key).cloned();
        let validator = match cached {
            Some(validator) => validator,
            None => {
                let document = if key.contains("\"$ref\"") {
                    contract.schema_document_reaching(schema)
                } else {
                    // `schema_document` without the `$defs`.
                    let mut object = match schema {
                        Value::Object(object) => object.clone(),
                        other => serde_json::Map::from_iter([("allOf".to_string(), Value::Array(vec![other.clone()]))]),
                    };
                    object.insert("$schema".into(), Value::from("https://json-schema.org/draft/2020-12/schema"));
                    Value::Object(object)
                };
                let built =
                    jsonschema::options().should_validate_formats(true).build(&document).ok().map(std::sync::Arc::new);
                validators.borrow_mut().insert(key, built.clone());
                built
            }
        };
        let Some(validator) = validator else { return Vec::new() };
        validator
            .iter_errors(instance)
            .map(|error| {
                let at = error.instance_path().to_string();
                if at.is_empty() { error.to_string() } else { format!("at `{at}`: {error}") }
            })
            .take(3)
            .collect()
    };

    // The two walks of the examples are independent: a large spec's run at once (the files'
    // walk was ≈ 5 ms of one thread on Stripe's import under perf; issue 22).
    let (in_examples, in_files) = if ir.types.len() >= crate::parallel::LARGE_SPEC_ITEMS {
        rayon::join(|| examples::check(ir, positions, &contract), || files::check(ir, positions))
    } else {
        (examples::check(ir, positions, &contract), files::check(ir, positions))
    };
    found.extend(in_examples);
    found.extend(in_files);

    if let (Some(webhooks), Some(events)) = (&ir.webhooks, contract.webhooks.as_ref()) {
        for (event, contract_event) in webhooks.events.iter().zip(&events.events) {
            let at = join_pointer("/webhooks/events", &event.event_type);
            // Only examples the spec writes: synthesised ones fit by construction.
            if positions.written(&format!("{at}/example")) {
                let found_problems = problems(&contract_event.schema, &contract_event.example);
                if let Some(first) = found_problems.first() {
                    report(
                        &mut found,
                        codes::spec::EXAMPLE_MISMATCH,
                        &format!("{at}/example"),
                        format!("the example of event `{}` does not fit its payload model: {first}", event.event_type),
                        format!(
                            "change the example so that it fits `{}` (every problem: {}), or fix the model",
                            event.payload.display(),
                            found_problems.join("; ")
                        ),
                    );
                }
            }
        }
        event_pointers(ir, webhooks, &mut found, &report);
    }

    for scenario in &ir.scenarios {
        let at = join_pointer("/scenarios", &scenario.name);
        for (index, step) in scenario.steps.iter().enumerate() {
            let expects_success = step.error.is_none() && (200..300).contains(&step.status);
            if expects_success {
                scenario_response(&contract, positions, scenario, index, step, &problems, &mut found);
            }
            let (Some(body), true) = (&step.body, expects_success) else { continue };
            let Some(schema) = contract.operations.get(step.operation).and_then(|op| op.body.as_ref()) else {
                continue;
            };
            let single = format!("{at}/request/body");
            let pointer = if positions.written(&single) { single } else { format!("{at}/steps/{index}/request/body") };
            let found_problems = problems(&schema.schema, body);
            if let Some(first) = found_problems.first() {
                report(
                    &mut found,
                    codes::spec::SCENARIO_BODY_MISMATCH,
                    &pointer,
                    format!(
                        "scenario `{}` expects {} but its body does not fit the request model of `{}`: {first}",
                        scenario.name, step.status, step.operation_name
                    ),
                    "a scenario that expects success sends a body the endpoint accepts: fix the body, or expect the validation error (`expect: { status: 400, error: … }`)".into(),
                );
            }
        }
    }
    // A large spec's contract and validators are freed on another thread: freeing Stripe's
    // (2,041 types) took ≈ 5 ms (under perf) of the one core the compile then runs on (issue 22).
    if ir.types.len() >= crate::parallel::LARGE_SPEC_ITEMS {
        crate::parallel::drop_in_background((contract, validators.into_inner()));
    }
    found
}

/// Whether a JSON pointer leads to a field of `ty`: `Some(false)` when the models say it
/// cannot (a declared object without that property and without additional properties),
/// `None` when they cannot tell (maps, `any`, unions).
fn pointer_in_type(ir: &Ir, ty: &TypeExpr, segments: &[String], depth: usize) -> Option<bool> {
    let Some((first, rest)) = segments.split_first() else { return Some(true) };
    if depth > 64 {
        return None;
    }
    match ty {
        TypeExpr::Named(id) => match &ir.resolve(id)?.kind {
            TypeKind::Struct { fields, additional } => match fields.iter().find(|f| &f.wire_name == first) {
                Some(field) => pointer_in_type(ir, &field.ty, rest, depth + 1),
                None if *additional => None,
                None => Some(false),
            },
            TypeKind::Alias { target, .. } => pointer_in_type(ir, target, segments, depth + 1),
            TypeKind::Enum { .. } => Some(false),
            TypeKind::Union { .. } => None,
        },
        TypeExpr::Array(item) if first.parse::<usize>().is_ok() => pointer_in_type(ir, item, rest, depth + 1),
        TypeExpr::Map(_) | TypeExpr::Any => None,
        _ => Some(false),
    }
}

/// `event_type_field`, `event_id_field` and each event's `id_field` lead to a field of every
/// event's payload model.
fn event_pointers(
    ir: &Ir,
    webhooks: &WebhooksIr,
    found: &mut Vec<Diagnostic>,
    report: &impl Fn(&mut Vec<Diagnostic>, &'static Code, &str, String, String),
) {
    for event in &webhooks.events {
        let model = event.payload.display();
        if let Some(pointer) = &webhooks.event_type_field
            && pointer.starts_with('/')
            && pointer_in_type(ir, &event.payload, &crate::lower::pointer_segments(pointer), 0) == Some(false)
        {
            report(
                found,
                codes::spec::EVENT_TYPE_MISSING,
                "/webhooks/event_type_field",
                format!(
                    "`event_type_field` `{pointer}` leads to no field of `{model}`, the payload of `{}`",
                    event.event_type
                ),
                format!(
                    "point `event_type_field` at the field that names the event (e.g. `/type`), or declare that field in `{model}`"
                ),
            );
        }
        let (pointer, at) = match (&event.id_field, &webhooks.event_id_field) {
            (Some(own), _) => (own, join_pointer("/webhooks/events", &event.event_type) + "/id_field"),
            (None, Some(section)) => (section, "/webhooks/event_id_field".to_string()),
            (None, None) => continue,
        };
        if pointer.starts_with('/')
            && pointer_in_type(ir, &event.payload, &crate::lower::pointer_segments(pointer), 0) == Some(false)
        {
            report(
                found,
                codes::spec::EVENT_ID_MISSING,
                &at,
                format!(
                    "the event id pointer `{pointer}` leads to no field of `{model}`, the payload of `{}`",
                    event.event_type
                ),
                format!(
                    "declare the id field in `{model}`, or give `{}` its own `id_field` where its payload carries the id",
                    event.event_type
                ),
            );
        }
    }
}
