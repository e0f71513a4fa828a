//! Files in JSON examples (issue 21, "a file example that differs from its model"). A
//! `format: binary` value is a file: in a multipart body its part's bytes (a scenario writes
//! them as text), but in JSON (a model's or property's example, an event's example, a JSON
//! request or response body of a scenario) the generated model's `accord_runtime::File`
//! reads standard base64 (RFC 4648 §4). The JSON Schema the other rules validate with cannot
//! tell the two apart (the mock reads a file part as text), so a JSON file example that was
//! not base64 passed `check` and failed the client that decoded it.

use base64::Engine as _;
use serde_json::Value;

use crate::diag::{Code, Diagnostic, codes, join_pointer};
use crate::ir::{ContentType, Ir, StatusPattern, TypeExpr, TypeId, TypeKind};
use crate::spec::Positions;

/// Every file value in a JSON example that is not standard base64.
pub(super) fn check(ir: &Ir, positions: &Positions) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut report = |code: &'static Code, pointer: String, what: String, at: String| {
        let message = if at.is_empty() {
            format!("the example of {what} is a file that is not base64")
        } else {
            format!("the example of {what} holds a file at `{at}` that is not base64")
        };
        let help = "in JSON a file (`format: binary`) is its bytes in standard base64 (RFC 4648 §4), \
            as the generated model reads it: write `aGVsbG8=` for the text `hello`"
            .to_string();
        found.push(Diagnostic {
            location: positions.value(&pointer),
            ..Diagnostic::new(code, message).at(&pointer).help(help)
        });
    };

    for def in &ir.types {
        if let TypeKind::Struct { fields, .. } = &def.kind {
            for field in fields {
                let Some(example) = &field.example else { continue };
                if let Some(at) = first_bad_file(ir, &field.ty, example, String::new(), 0) {
                    let what = format!("property `{}` of `{}`", field.wire_name, def.spec_name);
                    report(codes::spec::MODEL_EXAMPLE_MISMATCH, format!("{}/example", field.span.pointer), what, at);
                }
            }
        }
        let pointer = format!("{}/example", def.span.pointer);
        if positions.written(&pointer)
            && let Some(at) =
                first_bad_file(ir, &TypeExpr::Named(TypeId::named(def.name.clone())), &def.example, String::new(), 0)
        {
            report(codes::spec::MODEL_EXAMPLE_MISMATCH, pointer, format!("`{}`", def.spec_name), at);
        }
    }

    if let Some(webhooks) = &ir.webhooks {
        for event in &webhooks.events {
            let pointer = format!("{}/example", join_pointer("/webhooks/events", &event.event_type));
            if positions.written(&pointer)
                && let Some(at) = first_bad_file(ir, &event.payload, &event.example, String::new(), 0)
            {
                report(codes::spec::EXAMPLE_MISMATCH, pointer, format!("event `{}`", event.event_type), at);
            }
        }
    }

    for scenario in &ir.scenarios {
        let at = join_pointer("/scenarios", &scenario.name);
        for (index, step) in scenario.steps.iter().enumerate() {
            let Some(op) = ir.operations.get(step.operation) else { continue };
            let pointer = |part: &str| {
                let single = format!("{at}/{part}/body");
                if positions.written(&single) { single } else { format!("{at}/steps/{index}/{part}/body") }
            };
            // A multipart body's files are the parts' bytes, written as text.
            if let (Some(body), Some(value)) = (&op.body, &step.body)
                && body.content_type == ContentType::Json
                && let Some(found_at) = first_bad_file(ir, &body.ty, value, String::new(), 0)
            {
                let what = format!("scenario `{}`'s request body", scenario.name);
                report(codes::spec::SCENARIO_BODY_MISMATCH, pointer("request"), what, found_at);
            }
            let declared = op.responses.iter().find(|r| r.status == StatusPattern::Exact(step.status));
            let response = match declared {
                Some(response) => response.ty.as_ref().filter(|_| response.content_type == ContentType::Json),
                None => op.success.as_ref().filter(|_| (200..300).contains(&step.status)),
            };
            if let (Some(ty), Some(value)) = (response, &step.response_body)
                && let Some(found_at) = first_bad_file(ir, ty, value, String::new(), 0)
            {
                let what = format!("scenario `{}`'s response body", scenario.name);
                report(codes::spec::SCENARIO_BODY_MISMATCH, pointer("response"), what, found_at);
            }
        }
    }
    found
}

/// The JSON pointer (within `value`) of the first file of `ty` in `value` that is text but
/// not standard base64.
fn first_bad_file(ir: &Ir, ty: &TypeExpr, value: &Value, at: String, depth: usize) -> Option<String> {
    if depth > 64 {
        return None;
    }
    match (ty, value) {
        (TypeExpr::Binary, Value::String(text)) => {
            base64::engine::general_purpose::STANDARD.decode(text.trim()).is_err().then_some(at)
        }
        (TypeExpr::Array(inner), Value::Array(items)) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| first_bad_file(ir, inner, item, format!("{at}/{index}"), depth + 1)),
        (TypeExpr::Map(inner), Value::Object(object)) => {
            object.iter().find_map(|(key, item)| first_bad_file(ir, inner, item, join_pointer(&at, key), depth + 1))
        }
        (TypeExpr::Named(id), _) => match &ir.resolve(id)?.kind {
            TypeKind::Struct { fields, .. } => {
                let object = value.as_object()?;
                fields.iter().find_map(|field| {
                    let item = object.get(&field.wire_name)?;
                    first_bad_file(ir, &field.ty, item, join_pointer(&at, &field.wire_name), depth + 1)
                })
            }
            TypeKind::Alias { target, .. } => first_bad_file(ir, target, value, at, depth + 1),
            // Which branch a value takes is the schema's business; a file in one is rare.
            TypeKind::Union { .. } | TypeKind::Enum { .. } => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::project::compile_spec;

    fn orders_with(from: &str, to: &str) -> String {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let source = std::fs::read_to_string(root.join("specs/orders.yaml")).expect("orders spec");
        assert!(source.contains(from), "{from}");
        source.replacen(from, to, 1)
    }

    const FILE: &str =
        r#"file: { type: string, format: binary, description: "The document (PDF or image, at most 10 MB)" }"#;

    #[test]
    fn a_file_example_in_json_that_is_not_base64_fails_check_with_its_location() {
        let source = orders_with(FILE, r#"file: { type: string, format: binary, example: "%PDF-1.7 invoice 42" }"#);
        let failure = compile_spec(Path::new("orders.yaml"), &source).expect_err("a file example must be base64");
        let rendered = failure.render();
        assert!(rendered.contains("spec::model_example_mismatch"), "{rendered}");
        assert!(
            rendered.contains("the example of property `file` of `AttachDocument` is a file that is not base64"),
            "{rendered}"
        );
        assert!(rendered.contains("orders.yaml:128:"), "located at the example: {rendered}");

        // The same bytes in base64 pass; and a scenario's multipart file stays text.
        let source =
            orders_with(FILE, r#"file: { type: string, format: binary, example: "JVBERi0xLjcgaW52b2ljZSA0Mg==" }"#);
        assert!(compile_spec(Path::new("orders.yaml"), &source).is_ok());
    }
}
