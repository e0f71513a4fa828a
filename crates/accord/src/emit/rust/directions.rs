//! Serde by direction (issue 22): which models a client serialises (request bodies and
//! parameters reach them) and which it deserialises (responses, errors, webhooks, pages reach
//! them). A model used one way only gets the other impl behind the generated crate's
//! `serde-all` feature, which its contract tests turn on, as does a user who stores responses;
//! serde impls are most of what a big crate's `cargo check` type-checks.
//!
//! References are found through the IR's `Serialize` form (a [`TypeExpr`] is
//! `{"kind": "named", "of": NAME}`), as `features::scalar_kinds` does, so a place added to the
//! IR later counts as a response place: it can only turn an impl on, never off.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::ir::Ir;

/// The serde impls each named type needs without `serde-all`.
#[derive(Debug, Default)]
pub(super) struct Directions {
    serialize: BTreeSet<String>,
    deserialize: BTreeSet<String>,
}

impl Directions {
    /// Every type both ways (no analysis): what `models_rs` uses for tests and tools.
    pub(super) fn all(ir: &Ir) -> Directions {
        let names: BTreeSet<String> = ir.types.iter().map(|def| def.name.clone()).collect();
        Directions { serialize: names.clone(), deserialize: names }
    }

    /// Whether `name` is serialised by the client itself (else only with `serde-all`).
    pub(super) fn serializes(&self, name: &str) -> bool {
        self.serialize.contains(name)
    }

    /// Whether `name` is deserialised by the client itself (else only with `serde-all`).
    pub(super) fn deserializes(&self, name: &str) -> bool {
        self.deserialize.contains(name)
    }
}

/// The directions of every type in `ir`. A type no operation, webhook or error reaches (a
/// declared model kept for users) gets both.
pub(super) fn directions(ir: &Ir) -> Directions {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for def in &ir.types {
        let mut refs = BTreeSet::new();
        if let Ok(kind) = serde_json::to_value(&def.kind) {
            named(&kind, &mut refs);
        }
        edges.insert(def.name.clone(), refs);
    }
    let mut request_roots = BTreeSet::new();
    let mut response_roots = BTreeSet::new();
    // The IR is plain data (derive Serialize, string map keys), so this cannot fail.
    let mut whole = serde_json::to_value(ir).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut whole {
        map.remove("types");
        if let Some(Value::Array(operations)) = map.get_mut("operations") {
            for operation in operations.iter_mut().filter_map(Value::as_object_mut) {
                for key in ["body", "path_params", "query", "headers"] {
                    if let Some(request) = operation.remove(key) {
                        named(&request, &mut request_roots);
                    }
                }
            }
        }
    }
    named(&whole, &mut response_roots);
    let serialize = closure(&request_roots, &edges);
    let deserialize = closure(&response_roots, &edges);
    // A type nothing reaches gets both impls, and so does every type it holds (a derive needs
    // its members' impls).
    let unreached: BTreeSet<String> = ir
        .types
        .iter()
        .filter(|def| !serialize.contains(&def.name) && !deserialize.contains(&def.name))
        .map(|def| def.name.clone())
        .collect();
    Directions {
        serialize: closure(&serialize.union(&unreached).cloned().collect(), &edges),
        deserialize: closure(&deserialize.union(&unreached).cloned().collect(), &edges),
    }
}

/// Every named type `roots` reach through the types' members.
fn closure(roots: &BTreeSet<String>, edges: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&String> = roots.iter().collect();
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone()) {
            stack.extend(edges.get(name).into_iter().flatten());
        }
    }
    seen
}

/// The names of the named types in `value` (a serialised [`TypeExpr`] is
/// `{"kind": "named", "of": NAME}`).
fn named(value: &Value, names: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(kind)), Some(Value::String(of))) = (map.get("kind"), map.get("of"))
                && kind == "named"
            {
                names.insert(of.clone());
            }
            map.values().for_each(|v| named(v, names));
        }
        Value::Array(items) => items.iter().for_each(|v| named(v, names)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_nothing_reaches_gets_both_impls_and_so_do_its_members() {
        // `Amount` is read from a response; `Refund`, which nothing reaches, holds one, so
        // its `Serialize` needs `Amount`'s (found on Adyen's webhook document).
        let source = "accord: 1\nname: directions\nmodels:\n  Amount:\n    properties:\n      value: { type: integer }\n  Refund:\n    properties:\n      amount: Amount\nendpoints:\n  get_amount:\n    method: GET\n    path: /amount\n    responses: { \"200\": Amount }\n";
        let ir = crate::project::compile_spec(std::path::Path::new("directions.yaml"), source)
            .expect("the spec compiles")
            .ir;
        let directions = directions(&ir);
        assert!(directions.serializes("Refund") && directions.deserializes("Refund"));
        assert!(directions.serializes("Amount") && directions.deserializes("Amount"));
    }

    #[test]
    fn a_named_type_expression_serialises_as_this_module_reads_it() {
        let mut names = BTreeSet::new();
        let expr = crate::ir::TypeExpr::Array(Box::new(crate::ir::TypeExpr::Named(crate::ir::TypeId::named("Pet"))));
        named(&serde_json::to_value(&expr).expect("serialises"), &mut names);
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["Pet"]);
    }
}
