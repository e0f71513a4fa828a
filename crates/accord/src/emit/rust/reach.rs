//! What reaches what among a spec's named types, computed once per crate and read by serde by
//! direction ([`super::directions`]: the types requests reach and those responses reach) and
//! by group features ([`super::groups`]: the types each group's operations reach).
//!
//! References are found through the IR's `Serialize` form (a [`TypeExpr`](crate::ir::TypeExpr)
//! is `{"kind": "named", "of": NAME}`), as `features::scalar_kinds` does, so a place added to
//! the IR later is counted: outside operations it reaches a type from everywhere (both serde
//! directions, every group), which can only turn code on, never off.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::ir::Ir;

/// The request parts of a serialised operation: what the client serialises.
const REQUEST_PARTS: [&str; 4] = ["body", "path_params", "query", "headers"];

/// The named types each part of the IR refers to directly, and what each type holds.
#[derive(Debug, Default)]
pub(super) struct Reach {
    /// Each type's directly held named types.
    edges: BTreeMap<String, BTreeSet<String>>,
    /// Per operation (in [`Ir::operations`] order), the types its request parts name.
    pub(super) requests: Vec<BTreeSet<String>>,
    /// Per operation, the types the rest of it names (responses, errors, pages).
    pub(super) responses: Vec<BTreeSet<String>>,
    /// The types the error codes' bodies name (`ir.errors`).
    pub(super) errors: BTreeSet<String>,
    /// The types everything else outside operations and types names (webhooks, server
    /// variables, scenarios, …).
    pub(super) rest: BTreeSet<String>,
}

impl Reach {
    /// The direct references of every part of `ir`.
    pub(super) fn of(ir: &Ir) -> Reach {
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for def in &ir.types {
            let mut refs = BTreeSet::new();
            if let Ok(kind) = serde_json::to_value(&def.kind) {
                named(&kind, &mut refs);
            }
            edges.insert(def.name.clone(), refs);
        }
        let mut requests = Vec::with_capacity(ir.operations.len());
        let mut responses = Vec::with_capacity(ir.operations.len());
        // The IR is plain data (derive Serialize, string map keys), so this cannot fail. One
        // operation at a time, and the rest without types and operations: a copy of the whole
        // IR as JSON would cost as much memory as the IR (Microsoft Graph beta: 22,005
        // operations).
        for operation in &ir.operations {
            let mut operation = serde_json::to_value(operation).unwrap_or(Value::Null);
            let mut request = BTreeSet::new();
            if let Some(operation) = operation.as_object_mut() {
                for key in REQUEST_PARTS {
                    if let Some(part) = operation.remove(key) {
                        named(&part, &mut request);
                    }
                }
            }
            let mut response = BTreeSet::new();
            named(&operation, &mut response);
            requests.push(request);
            responses.push(response);
        }
        let mut whole = serde_json::to_value(ir.shell()).unwrap_or(Value::Null);
        let mut errors = BTreeSet::new();
        if let Some(part) = whole.as_object_mut().and_then(|whole| whole.remove("errors")) {
            named(&part, &mut errors);
        }
        let mut rest = BTreeSet::new();
        named(&whole, &mut rest);
        Reach { edges, requests, responses, errors, rest }
    }

    /// The named types `name` holds directly (none for an unknown name).
    pub(super) fn held(&self, name: &str) -> impl Iterator<Item = &String> {
        self.edges.get(name).into_iter().flatten()
    }

    /// Every named type `roots` reach through the types' members, `roots` included.
    pub(super) fn closure<'a>(&self, roots: impl IntoIterator<Item = &'a String>) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = roots.into_iter().collect();
        while let Some(name) = stack.pop() {
            if seen.insert(name.clone()) {
                stack.extend(self.edges.get(name).into_iter().flatten());
            }
        }
        seen
    }
}

/// The names of the named types in `value` (a serialised [`TypeExpr`](crate::ir::TypeExpr) is
/// `{"kind": "named", "of": NAME}`).
pub(super) fn named(value: &Value, names: &mut BTreeSet<String>) {
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
    fn a_named_type_expression_serialises_as_this_module_reads_it() {
        let mut names = BTreeSet::new();
        let expr = crate::ir::TypeExpr::Array(Box::new(crate::ir::TypeExpr::Named(crate::ir::TypeId::named("Pet"))));
        named(&serde_json::to_value(&expr).expect("serialises"), &mut names);
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["Pet"]);
    }
}
