//! Two more sources of realistic example values (issue 21, "example values are
//! placeholders"), tried before a type's generic sample (`"string"`):
//!
//! - **A description's own example.** A field whose description shows a JSON list or object in
//!   an inline code span (Svix's `loc`: "often in the form `["body", "field_name"]`") takes
//!   the first one that has the field's shape. Only lists and objects: a code span holding a
//!   word (`payment_intent.*`, `card`) is as often a name mentioned in passing as a value.
//! - **A union's branch.** A union samples its first branch unless that sample is only the
//!   generic placeholder; then the first branch whose sample says more (GitHub's
//!   `errors[].value`, `string | integer | string[]`, shows an integer rather than
//!   `"string"`).

use serde_json::Value;

use super::examples::Synth;
use super::*;

/// The generic sample of a text without any other source: what examples must not show.
pub(super) const PLACEHOLDER_TEXT: &str = "string";

/// Whether `value` is only the generic text sample: `"string"`, or lists and objects made of
/// nothing else.
pub(super) fn is_placeholder(value: &Value) -> bool {
    match value {
        Value::String(text) => text == PLACEHOLDER_TEXT,
        Value::Array(items) => !items.is_empty() && items.iter().all(is_placeholder),
        _ => false,
    }
}

/// The JSON lists and objects written in inline code spans of `description`, in order
/// (`` `["body", "field_name"]` `` gives `["body", "field_name"]`).
pub(super) fn code_span_values(description: &str) -> Vec<Value> {
    description
        .split('`')
        // Inside a span: every other piece, starting with the second.
        .skip(1)
        .step_by(2)
        .map(str::trim)
        .filter(|span| span.starts_with('[') || span.starts_with('{'))
        .filter_map(|span| serde_json::from_str::<Value>(span).ok())
        .collect()
}

impl Synth<'_> {
    /// The first list or object of `description`'s code spans that has the shape of `ty`.
    pub(super) fn description_example(&self, description: Option<&str>, ty: &TypeExpr) -> Option<Value> {
        let description = description?;
        if !matches!(ty, TypeExpr::Array(_) | TypeExpr::Map(_) | TypeExpr::Named(_)) {
            return None;
        }
        code_span_values(description).into_iter().find(|value| self.has_shape(value, ty, 0))
    }

    /// Whether `value` has the JSON shape of `ty`: the right kind of value, list items and map
    /// values of the item type, an enum's own value, a struct's required fields present and
    /// every field it names of the field's type. Constraints are not looked at (the caller
    /// applies them).
    pub(super) fn has_shape(&self, value: &Value, ty: &TypeExpr, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        match ty {
            TypeExpr::String | TypeExpr::DateTime | TypeExpr::Uri | TypeExpr::Uuid | TypeExpr::Binary => {
                value.is_string()
            }
            TypeExpr::Integer | TypeExpr::Integer32 => value.is_i64() || value.is_u64(),
            TypeExpr::Number | TypeExpr::Decimal => value.is_number(),
            TypeExpr::Boolean => value.is_boolean(),
            TypeExpr::Any => true,
            TypeExpr::Array(inner) => {
                value.as_array().is_some_and(|items| items.iter().all(|item| self.has_shape(item, inner, depth + 1)))
            }
            TypeExpr::Map(inner) => value
                .as_object()
                .is_some_and(|object| object.values().all(|item| self.has_shape(item, inner, depth + 1))),
            TypeExpr::Named(id) => {
                let Some((_, def)) = self.type_named(id.name()) else { return false };
                match &def.kind {
                    TypeKind::Struct { fields, .. } => value.as_object().is_some_and(|object| {
                        fields.iter().all(|field| match object.get(&field.wire_name) {
                            None => !field.required,
                            Some(Value::Null) => field.nullable,
                            Some(item) => self.has_shape(item, &field.ty, depth + 1),
                        }) && object.keys().all(|key| fields.iter().any(|field| &field.wire_name == key))
                    }),
                    TypeKind::Enum { values } => values.iter().any(|v| value == &serde_json::json!(v.wire)),
                    TypeKind::Union { variants, .. } => {
                        variants.iter().any(|variant| self.has_shape(value, &variant.ty, depth + 1))
                    }
                    TypeKind::Alias { target, .. } => self.has_shape(value, target, depth + 1),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{code_span_values, is_placeholder};

    #[test]
    fn code_spans_give_their_lists_and_objects_only() {
        let description = "The location as a list of strings -- often in the form `[\"body\", \"field_name\"]`, \
            `[\"query\", \"field_name\"]`, etc. Set `true` or `card`; `{\"a\": 1}`; `[not json`";
        assert_eq!(
            code_span_values(description),
            vec![json!(["body", "field_name"]), json!(["query", "field_name"]), json!({"a": 1})]
        );
        assert!(code_span_values("no spans at all").is_empty());
    }

    #[test]
    fn only_the_generic_text_and_lists_of_it_are_placeholders() {
        assert!(is_placeholder(&json!("string")));
        assert!(is_placeholder(&json!(["string", "string"])));
        assert!(!is_placeholder(&json!([])));
        assert!(!is_placeholder(&json!(1)));
        assert!(!is_placeholder(&json!(["body", "string"])));
        assert!(!is_placeholder(&json!("acct_1032D82eZvKYlo2C")));
    }
}
