//! The named types a validator applies to one instance ([`Contract::schema_document_for`]).
//!
//! Validating a value against a schema evaluates a `$defs` entry only where a `$ref` to it is
//! applied to some part of the value: a `properties` entry to the member it names, `items` to
//! the elements, `anyOf` branches to the value itself (JSON Schema 2020-12, Core §10.3:
//! "Keywords for Applying Subschemas"). Walking the schema beside the instance the same way
//! finds every entry the validator can evaluate; an entry that is only mentioned (a property
//! the value does not have) is never evaluated, so it may be `true` in the document without
//! changing any result. Stripe's error body `{"error": {"type": "api_error"}}` reaches a
//! third of the contract through `$ref`s (`api_errors` names `payment_intent`, `source`, …);
//! compiling all of it for that one value was most of the rules' time after lowering (issue
//! 22).
//!
//! The walk knows the applicators the contract writes and those of the 2020-12 applicator
//! vocabulary (Core §10); a keyword it does not know, or a `$ref` that is not `#/$defs/NAME`,
//! makes it give up, and the caller keeps every entry the schema reaches.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::contract::{Contract, standalone};

/// Keywords that apply no subschema: assertions and annotations on the value itself
/// (JSON Schema Validation §6–§9, Core §8 identifiers and comments). Their values are data
/// (`enum`, `const`, `default`, `examples`) or scalars, never schemas.
const NOT_APPLYING: &[&str] = &[
    "type",
    "enum",
    "const",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minContains",
    "maxContains",
    "minProperties",
    "maxProperties",
    "required",
    "dependentRequired",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "contentMediaType",
    "contentEncoding",
    "$comment",
    "$schema",
    "$defs",
];

/// The walk: the entries applied to some part of the instance, each (entry, part) walked once
/// (a `$ref` loop on one part ends there).
struct Walk<'c> {
    contract: &'c Contract,
    applied: HashSet<&'c str>,
    walked: HashSet<(&'c str, *const Value)>,
}

/// The walk met a keyword or `$ref` it does not know.
struct Unknown;

impl<'c> Walk<'c> {
    fn schema(&mut self, schema: &'c Value, instance: &Value) -> Result<(), Unknown> {
        let Value::Object(keywords) = schema else {
            // `true`, `false`: nothing applied.
            return if schema.is_boolean() { Ok(()) } else { Err(Unknown) };
        };
        for (keyword, value) in keywords {
            match keyword.as_str() {
                "$ref" => {
                    let name = value.as_str().and_then(|target| target.strip_prefix("#/$defs/")).ok_or(Unknown)?;
                    // A name the contract does not define stays an unresolved `$ref`, as with
                    // every definition.
                    let Some((name, def)) = self.contract.schemas.get_key_value(name) else { continue };
                    self.applied.insert(name.as_str());
                    if self.walked.insert((name.as_str(), instance as *const Value)) {
                        self.schema(def, instance)?;
                    }
                }
                "properties" => {
                    let properties = value.as_object().ok_or(Unknown)?;
                    if let Value::Object(members) = instance {
                        for (name, subschema) in properties {
                            if let Some(member) = members.get(name) {
                                self.schema(subschema, member)?;
                            }
                        }
                    }
                }
                // Applied to some members: every member is walked (more than applied is safe).
                "additionalProperties" | "unevaluatedProperties" => {
                    if let Value::Object(members) = instance {
                        for member in members.values() {
                            self.schema(value, member)?;
                        }
                    }
                }
                "patternProperties" => {
                    let patterns = value.as_object().ok_or(Unknown)?;
                    if let Value::Object(members) = instance {
                        for subschema in patterns.values() {
                            for member in members.values() {
                                self.schema(subschema, member)?;
                            }
                        }
                    }
                }
                // Applied to some elements: every element is walked.
                "items" | "contains" | "unevaluatedItems" => {
                    if let Value::Array(elements) = instance {
                        for element in elements {
                            self.schema(value, element)?;
                        }
                    }
                }
                "prefixItems" => {
                    let prefix = value.as_array().ok_or(Unknown)?;
                    if let Value::Array(elements) = instance {
                        for (subschema, element) in prefix.iter().zip(elements) {
                            self.schema(subschema, element)?;
                        }
                    }
                }
                // Applied to the value itself.
                "anyOf" | "oneOf" | "allOf" => {
                    for branch in value.as_array().ok_or(Unknown)? {
                        self.schema(branch, instance)?;
                    }
                }
                "not" | "if" | "then" | "else" => self.schema(value, instance)?,
                "dependentSchemas" => {
                    for subschema in value.as_object().ok_or(Unknown)?.values() {
                        self.schema(subschema, instance)?;
                    }
                }
                known if NOT_APPLYING.contains(&known) => {}
                // `propertyNames` (applied to keys, not values), `$dynamicRef`, `$id`, …
                _ => return Err(Unknown),
            }
        }
        Ok(())
    }
}

/// The `#/$defs/NAME` names `value` mentions anywhere (data keywords' values included: more
/// than applied is safe), in document order.
pub(crate) fn mentioned<'v>(value: &'v Value, found: &mut Vec<&'v str>) {
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                match (key.as_str(), child) {
                    ("$ref", Value::String(target)) => found.extend(target.strip_prefix("#/$defs/")),
                    _ => mentioned(child, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| mentioned(item, found)),
        _ => {}
    }
}

impl Contract {
    /// A standalone JSON Schema for validating `instance` against `schema`: the entries of
    /// [`Contract::schemas`] the validator applies to some part of `instance` as they are,
    /// those the kept schemas only mention as `true` (never evaluated, so never decisive),
    /// no other; in the contract's order. It validates `instance` exactly as
    /// [`Contract::schema_document`] does (see the module doc), and compiles in a fraction of
    /// the time when `schema` reaches much of a large contract.
    ///
    /// Falls back to [`Contract::schema_document_reaching`] when the schemas use a keyword
    /// the walk does not know (such as `propertyNames` or `$dynamicRef`) or a `$ref` other
    /// than `#/$defs/NAME`.
    pub fn schema_document_for(&self, schema: &Value, instance: &Value) -> Value {
        let mut walk = Walk { contract: self, applied: HashSet::new(), walked: HashSet::new() };
        if walk.schema(schema, instance).is_err() {
            return self.schema_document_reaching(schema);
        }
        let mut names = Vec::new();
        mentioned(schema, &mut names);
        for name in &walk.applied {
            if let Some(def) = self.schemas.get(*name) {
                mentioned(def, &mut names);
            }
        }
        let mentioned: HashSet<&str> = names.into_iter().collect();
        let defs: Map<String, Value> = self
            .schemas
            .iter()
            .filter_map(|(name, def)| {
                if walk.applied.contains(name.as_str()) {
                    Some((name.clone(), def.clone()))
                } else {
                    mentioned.contains(name.as_str()).then(|| (name.clone(), Value::Bool(true)))
                }
            })
            .collect();
        standalone(schema.clone(), defs)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn contract(schemas: Value) -> Contract {
        let mut contract: Contract = serde_json::from_value(json!({
            "format": crate::FORMAT_VERSION, "name": "t", "title": "T", "env_prefix": "T",
            "environments": [], "schemas": {}, "auth": {"credentials": []}, "headers": [],
            "errors": {"code_pointer": null, "codes": []},
            "rate_limits": {"default": null, "quotas": [], "limit_header": null, "remaining_header": null, "reset_header": null},
            "operations": [], "scenarios": [], "webhooks": null
        }))
        .expect("a contract");
        contract.schemas = schemas.as_object().expect("an object").clone();
        contract
    }

    #[test]
    fn only_the_entries_applied_to_the_instance_keep_their_schemas() {
        let contract = contract(json!({
            "Error": {"type": "object", "properties": {"error": {"$ref": "#/$defs/Inner"}}},
            "Inner": {"type": "object", "properties": {
                "type": {"type": "string"},
                "intent": {"anyOf": [{"$ref": "#/$defs/Intent"}, {"type": "null"}]},
                "tags": {"type": "array", "items": {"$ref": "#/$defs/Tag"}}
            }},
            "Intent": {"type": "object", "properties": {"source": {"$ref": "#/$defs/Source"}}},
            "Source": {"type": "object"},
            "Tag": {"type": "string", "enum": ["a"]},
            "Unrelated": {"type": "integer"}
        }));
        let schema = json!({"$ref": "#/$defs/Error"});
        let document = contract.schema_document_for(&schema, &json!({"error": {"type": "api_error"}}));
        let defs = &document["$defs"];
        assert_eq!(defs["Error"], contract.schemas["Error"]);
        assert_eq!(defs["Inner"], contract.schemas["Inner"]);
        // Mentioned by `Inner`, applied to nothing: `true`. Only reached through them: absent.
        assert_eq!(defs["Intent"], json!(true));
        assert_eq!(defs["Tag"], json!(true));
        assert!(defs.get("Source").is_none() && defs.get("Unrelated").is_none(), "{defs}");
        let names: Vec<&String> = defs.as_object().expect("defs").keys().collect();
        assert_eq!(names, ["Error", "Inner", "Intent", "Tag"], "the contract's order");

        // A value with the members: their entries are applied, through `anyOf` and `items`.
        let full = json!({"error": {"type": "x", "intent": {"source": {}}, "tags": ["a"]}});
        let document = contract.schema_document_for(&schema, &full);
        for name in ["Intent", "Source", "Tag"] {
            assert_eq!(document["$defs"][name], contract.schemas[name], "{name}");
        }
        assert!(document["$defs"].get("Unrelated").is_none());
    }

    #[test]
    fn a_keyword_the_walk_does_not_know_keeps_every_entry_reached() {
        let contract = contract(json!({
            "A": {"type": "object", "propertyNames": {"$ref": "#/$defs/B"}, "properties": {"c": {"$ref": "#/$defs/C"}}},
            "B": {"type": "string"},
            "C": {"type": "string"}
        }));
        let schema = json!({"$ref": "#/$defs/A"});
        let instance = json!({});
        assert_eq!(contract.schema_document_for(&schema, &instance), contract.schema_document_reaching(&schema));
        // A `$ref` into another place than `$defs` too.
        let schema = json!({"anyOf": [{"$ref": "#/$defs/C"}, {"$ref": "#"}]});
        assert_eq!(contract.schema_document_for(&schema, &instance), contract.schema_document_reaching(&schema));
    }

    #[test]
    fn a_loop_of_references_on_one_value_ends() {
        let contract = contract(json!({
            "A": {"anyOf": [{"$ref": "#/$defs/B"}, {"type": "null"}]},
            "B": {"allOf": [{"$ref": "#/$defs/A"}], "properties": {"next": {"$ref": "#/$defs/A"}}}
        }));
        let document = contract.schema_document_for(&json!({"$ref": "#/$defs/A"}), &json!({"next": {"next": null}}));
        assert_eq!(document["$defs"]["A"], contract.schemas["A"]);
        assert_eq!(document["$defs"]["B"], contract.schemas["B"]);
    }
}
