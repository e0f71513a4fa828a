//! Sharing identical hoisted inline types: one Rust type for each distinct shape.

use super::*;

impl Lowerer<'_> {
    /// Inline schemas hoisted into types are often written out again and again with the same
    /// shape (Stripe repeats its `expand` lists, status enums and address objects hundreds of
    /// times). A hoisted type whose shape (fields or values, their wire names, types,
    /// presence and constraints; not its name, docs or examples) equals an earlier type's, or
    /// a declared model's, becomes an alias of it: the same Rust type, written once, which
    /// halved the Stripe client's `cargo check` time in measurement. Declared models keep their
    /// own definitions. Shapes are compared to a fixpoint, so types that differ only in which
    /// of two identical types they refer to are shared as well.
    pub(super) fn share_identical_inline_types(&mut self) {
        let mut representative: BTreeMap<String, String> =
            self.types.iter().map(|t| (t.name.clone(), t.name.clone())).collect();
        for _ in 0..8 {
            let mut first_of_shape: BTreeMap<String, (String, bool)> = BTreeMap::new();
            let mut next = representative.clone();
            // Declared models first, so that a hoisted type joins a model's shape.
            let order = self.types.iter().filter(|t| t.is_model).chain(self.types.iter().filter(|t| !t.is_model));
            for def in order {
                let shape = shape_key(&def.kind, &representative);
                match first_of_shape.get(&shape) {
                    Some((canonical, _)) if !def.is_model => {
                        next.insert(def.name.clone(), canonical.clone());
                    }
                    Some(_) => {}
                    None => {
                        first_of_shape.insert(shape, (def.name.clone(), def.is_model));
                    }
                }
            }
            if next == representative {
                break;
            }
            representative = next;
        }
        for def in &mut self.types {
            let canonical = &representative[&def.name];
            if canonical != &def.name && !def.is_model {
                def.kind = TypeKind::Alias {
                    target: TypeExpr::Named(TypeId::named(canonical.clone())),
                    constraints: Constraints::default(),
                };
            }
        }
    }
}
/// What decides whether two types are the same Rust type: their kind as JSON without names
/// of their own, docs, examples or source spans, with referenced types replaced by their
/// current representatives.
pub(super) fn shape_key(kind: &TypeKind, representative: &BTreeMap<String, String>) -> String {
    pub(super) fn strip(value: &mut Value, representative: &BTreeMap<String, String>) {
        match value {
            Value::Object(object) => {
                for key in ["span", "description", "example"] {
                    object.remove(key);
                }
                if object.get("kind").and_then(Value::as_str) == Some("named")
                    && let Some(Value::String(name)) = object.get_mut("of")
                    && let Some(canonical) = representative.get(name.as_str())
                {
                    *name = canonical.clone();
                }
                object.values_mut().for_each(|v| strip(v, representative));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| strip(v, representative)),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(kind).unwrap_or(Value::Null);
    strip(&mut value, representative);
    value.to_string()
}
