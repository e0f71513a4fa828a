//! What reaches what among a spec's named types, computed once per crate and read by serde by
//! direction ([`super::directions`]: the types requests reach and those responses reach) and
//! by group features ([`super::groups`]: the types each group's operations reach).
//!
//! References are found through the IR's `Serialize` form (a [`TypeExpr`](crate::ir::TypeExpr)
//! is `{"kind": "named", "of": NAME}`), as `features::scalar_kinds` does, so a place added to
//! the IR later is counted: outside operations it reaches a type from everywhere (both serde
//! directions, every group), which can only turn code on, never off.

use std::collections::{BTreeMap, BTreeSet};

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
            crate::type_refs::named(&def.kind, &mut refs);
            edges.insert(def.name.clone(), refs);
        }
        let mut requests = Vec::with_capacity(ir.operations.len());
        let mut responses = Vec::with_capacity(ir.operations.len());
        // Walked in their serialised form (`crate::type_refs`), one operation at a time, and
        // the rest without types and operations (`Ir::shell`).
        for operation in &ir.operations {
            let mut request = BTreeSet::new();
            let mut response = BTreeSet::new();
            crate::type_refs::visit(operation, &mut |found| {
                if let (Some(of), "named") = (found.of, found.kind) {
                    let part = if found.top.is_some_and(|top| REQUEST_PARTS.contains(&top)) {
                        &mut request
                    } else {
                        &mut response
                    };
                    part.insert(of.to_string());
                }
            });
            requests.push(request);
            responses.push(response);
        }
        let mut errors = BTreeSet::new();
        let mut rest = BTreeSet::new();
        crate::type_refs::visit(&ir.shell(), &mut |found| {
            if let (Some(of), "named") = (found.of, found.kind) {
                let part = if found.top == Some("errors") { &mut errors } else { &mut rest };
                part.insert(of.to_string());
            }
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_type_expression_serialises_as_this_module_reads_it() {
        let mut names = BTreeSet::new();
        let expr = crate::ir::TypeExpr::Array(Box::new(crate::ir::TypeExpr::Named(crate::ir::TypeId::named("Pet"))));
        crate::type_refs::named(&expr, &mut names);
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["Pet"]);
    }
}
