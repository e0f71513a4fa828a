//! The examples a spec writes on its types, and the example body of each error code, against
//! their models (issue 16, point 7: "an example whose type breaks its model"). A model's or
//! property's `example` is what the docs show and the mock answers with; an error code's
//! example body (the envelope's sample with the code field set, `lower::error_examples`) is
//! what the mock sends for the code and what the contract tests decode. One that breaks its
//! model surfaced as a generated test's panic, or a mock answer the client cannot read.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::diag::{Diagnostic, codes, join_pointer};
use crate::emit::contract::{constrained, type_schema};
use crate::ir::{Ir, TypeExpr, TypeId, TypeKind};
use crate::spec::Positions;

/// Every diagnostic of these rules; `problems` validates an instance against a schema whose
/// `$ref`s point into the contract's `$defs` and returns what is wrong (at most a few).
pub(super) fn check(
    ir: &Ir,
    positions: &Positions,
    problems: &dyn Fn(&Value, &Value) -> Vec<String>,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    // A property whose schema is an inline object is both a field and a hoisted type with
    // the same pointer: its example is reported once.
    let mut seen = BTreeSet::new();
    let mut report = |found: &mut Vec<Diagnostic>, pointer: String, what: String, ty: String, problems: Vec<String>| {
        let Some(first) = problems.first() else { return };
        if !seen.insert(pointer.clone()) {
            return;
        }
        let location = positions.value(&pointer);
        let message = format!("the example of {what} does not fit its type `{ty}`: {first}");
        let help =
            format!("write an example that fits `{ty}` (every problem: {}), or fix the type", problems.join("; "));
        found.push(Diagnostic {
            location,
            ..Diagnostic::new(codes::spec::MODEL_EXAMPLE_MISMATCH, message).at(&pointer).help(help)
        });
    };

    // Fields first: a property's inline schema is also a hoisted type at the same pointer,
    // and "property `state` of `Order`" says more than the hoisted type's name.
    for def in &ir.types {
        let TypeKind::Struct { fields, .. } = &def.kind else { continue };
        for field in fields {
            let Some(example) = &field.example else { continue };
            let pointer = format!("{}/example", field.span.pointer);
            if !positions.written(&pointer) {
                continue;
            }
            let mut schema = constrained(type_schema(&field.ty), &field.constraints);
            if field.nullable {
                schema = json!({"anyOf": [schema, {"type": "null"}]});
            }
            let what = format!("property `{}` of `{}`", field.wire_name, def.spec_name);
            report(&mut found, pointer, what, field.ty.display(), problems(&schema, example));
        }
    }
    // Then the types' own examples (only those the spec writes: synthesised ones fit by
    // construction).
    for def in &ir.types {
        let pointer = format!("{}/example", def.span.pointer);
        if positions.written(&pointer) {
            let schema = type_schema(&TypeExpr::Named(TypeId::named(def.name.clone())));
            let what = if def.is_model { format!("model `{}`", def.spec_name) } else { format!("`{}`", def.spec_name) };
            report(&mut found, pointer, what, def.name.clone(), problems(&schema, &def.example));
        }
    }

    for code in &ir.errors.codes {
        let schema = type_schema(&code.body);
        let found_problems = problems(&schema, &code.example);
        let Some(first) = found_problems.first() else { continue };
        // Only what the code's own values broke: when the body model's example does not fit
        // either, that is the model's problem (reported above when written; a synthesised
        // one cut short by the example budget is no one's).
        if let TypeExpr::Named(id) = &code.body
            && let Some(def) = ir.resolve(id)
            && !problems(&schema, &def.example).is_empty()
        {
            continue;
        }
        let pointer = join_pointer("/errors/codes", &code.name);
        let body = code.body.display();
        let example = serde_json::to_string(&code.example).unwrap_or_default();
        let what_to_write = match (&ir.errors.code_pointer, &code.body_match) {
            (Some(field), _) => format!(
                "declare `{field}` in `{body}` as text that can hold this code's `match` value `{}`, or fix the model's example",
                code.match_value.as_deref().unwrap_or(&code.name)
            ),
            (None, Some(test)) => format!(
                "make `when` test a field of `{body}` (`{}`) with a value of the field's type, or fix the model's example",
                test.pointer
            ),
            (None, None) => format!("fix the example of `{body}`"),
        };
        found.push(Diagnostic {
            location: positions.value(&pointer),
            ..Diagnostic::new(
                codes::spec::ERROR_EXAMPLE_MISMATCH,
                format!("the example body of error code `{}` does not fit its body model `{body}`: {first}", code.name),
            )
            .at(&pointer)
            .help(format!(
                "this code's example body is `{example}`, made from `{body}`'s example with the code's own values set (every problem: {}): {what_to_write}",
                found_problems.join("; ")
            ))
        });
    }
    found
}
