//! `$ref` cycles that never reach a type of their own: `A: {$ref: B}` with `B: {$ref: A}`, or
//! `G: {type: array, items: {$ref: H}}` with `H: {$ref: G}`. accord's aliases are Rust type
//! aliases, which must expand to a finite type: such a loop is a `spec::recursive_alias` for
//! `check`, or a type `rustc` refuses. A loop through an object with properties, a `one_of` or
//! an enum is fine (those are Rust types of their own, boxed where needed), so only loops of
//! transparent models (aliases, arrays, maps) are broken here: the first model of the loop in
//! document order becomes `any`, with a warning at its component schema that names the loop.

use std::collections::BTreeSet;

use super::{Importer, escape};
use crate::spec::{AdditionalProperties, Schema, TypeRef};

/// Whether a model becomes a Rust type alias (no struct, enum or union of its own).
fn transparent(schema: &Schema) -> bool {
    let object = schema.type_name.as_deref().is_none_or(|t| t == "object") && !schema.properties.is_empty();
    schema.enum_values.first().is_none_or(|value| value.as_str().is_none()) && schema.one_of.is_empty() && !object
}

/// The models an alias expands to: its type name, its items' and its values' types, through
/// inline schemas that are themselves transparent.
fn expands_to(schema: &Schema, out: &mut Vec<String>) {
    if let Some(name) = &schema.type_name {
        out.push(name.clone());
    }
    let type_ref = |ty: &TypeRef, out: &mut Vec<String>| match ty {
        TypeRef::Name(name) => out.push(name.clone()),
        TypeRef::Inline(inline) if transparent(inline) => expands_to(inline, out),
        TypeRef::Inline(_) => {}
    };
    if let Some(items) = &schema.items {
        type_ref(items, out);
    }
    if let Some(AdditionalProperties::Typed(values)) = &schema.additional_properties {
        type_ref(values, out);
    }
}

impl Importer<'_> {
    /// Breaks every loop of transparent models (see the module documentation).
    pub(super) fn break_alias_cycles(&mut self) {
        let names: Vec<String> = self.models.keys().cloned().collect();
        for name in names {
            let Some(path) = self.alias_loop(&name) else { continue };
            let component = self.components_by_model.get(&name).cloned();
            let pointer = match component {
                Some(key) => format!("/components/schemas/{}", escape(&key)),
                None => "/components/schemas".to_string(),
            };
            let shown = path.iter().chain([&name]).map(|model| format!("`{model}`")).collect::<Vec<_>>().join(" → ");
            self.warn(
                &pointer,
                format!(
                    "the `$ref` loop {shown} never reaches a type of its own (an alias must expand to a finite type); `{name}` is typed as `any`"
                ),
            );
            if let Some(schema) = self.models.get_mut(&name) {
                *schema = Schema {
                    type_name: Some("any".into()),
                    description: schema.description.take(),
                    ..Schema::default()
                };
            }
        }
    }

    /// The path of transparent models from `start` back to itself, if there is one.
    fn alias_loop(&self, start: &str) -> Option<Vec<String>> {
        let schema = self.models.get(start)?;
        if !transparent(schema) {
            return None;
        }
        // Depth-first over transparent models, each visited once, remembering the path.
        let mut visited = BTreeSet::new();
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.to_string(), vec![start.to_string()])];
        while let Some((current, path)) = stack.pop() {
            let Some(schema) = self.models.get(&current) else { continue };
            if !transparent(schema) {
                continue;
            }
            let mut next = Vec::new();
            expands_to(schema, &mut next);
            for target in next {
                if target == start {
                    return Some(path);
                }
                if self.models.contains_key(&target) && visited.insert(target.clone()) {
                    let mut longer = path.clone();
                    longer.push(target.clone());
                    stack.push((target, longer));
                }
            }
        }
        None
    }
}
