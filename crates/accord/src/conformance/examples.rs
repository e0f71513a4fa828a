//! The examples a spec writes on its types, and the example body of each error code, against
//! their models (issue 16, point 7: "an example whose type breaks its model"). A model's or
//! property's `example` is what the docs show and the mock answers with; an error code's
//! example body (the envelope's sample with the code field set, `lower::error_examples`) is
//! what the mock sends for the code and what the contract tests decode. One that breaks its
//! model surfaced as a generated test's panic, or a mock answer the client cannot read.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::diag::{Diagnostic, codes, join_pointer};
use crate::emit::contract::{constrained, type_schema};
use crate::ir::{Ir, TypeExpr, TypeId, TypeKind};
use crate::spec::Positions;

/// Every diagnostic of these rules; `problems` validates an instance against a schema whose
/// `$ref`s point into the contract's `$defs` and returns what is wrong (at most a few).
pub(super) fn check(ir: &Ir, positions: &Positions, contract: &accord_contract::Contract) -> Vec<Diagnostic> {
    let batch = Batch::validate(ir, positions, contract);
    let problems = |key: &str| batch.problems.get(key).cloned().unwrap_or_default();
    let mut found = Vec::new();
    // A property whose schema is an inline object is both a field and a hoisted type with
    // the same pointer: its example is reported once.
    let mut seen = BTreeSet::new();
    let mut report = |found: &mut Vec<Diagnostic>, pointer: String, what: String, ty: String, problems: Vec<String>| {
        let Some(first) = problems.first() else { return };
        if !seen.insert(pointer.clone()) {
            return;
        }
        let location = positions.value(&pointer);
        let message = format!("the example of {what} does not fit its type `{ty}`: {first}");
        let help =
            format!("write an example that fits `{ty}` (every problem: {}), or fix the type", problems.join("; "));
        found.push(Diagnostic {
            location,
            ..Diagnostic::new(codes::spec::MODEL_EXAMPLE_MISMATCH, message).at(&pointer).help(help)
        });
    };

    // Fields first: a property's inline schema is also a hoisted type at the same pointer,
    // and "property `state` of `Order`" says more than the hoisted type's name.
    for def in &ir.types {
        let TypeKind::Struct { fields, .. } = &def.kind else { continue };
        for field in fields {
            if field.example.is_none() {
                continue;
            }
            let pointer = format!("{}/example", field.span.pointer);
            let found_problems = problems(&pointer);
            let what = format!("property `{}` of `{}`", field.wire_name, def.spec_name);
            report(&mut found, pointer, what, field.ty.display(), found_problems);
        }
    }
    // Then the types' own examples (only those the spec writes: synthesised ones fit by
    // construction).
    for def in &ir.types {
        let pointer = format!("{}/example", def.span.pointer);
        if batch.written_types.contains(&pointer) {
            let what = if def.is_model { format!("model `{}`", def.spec_name) } else { format!("`{}`", def.spec_name) };
            let found_problems = problems(&pointer);
            report(&mut found, pointer, what, def.name.clone(), found_problems);
        }
    }

    for code in &ir.errors.codes {
        let found_problems = problems(&format!("code:{}", code.name));
        let Some(first) = found_problems.first() else { continue };
        // Only what the code's own values broke: when the body model's example does not fit
        // either, that is the model's problem (reported above when written; a synthesised
        // one cut short by the example budget is no one's).
        if !problems(&format!("body:{}", code.name)).is_empty() {
            continue;
        }
        let pointer = join_pointer("/errors/codes", &code.name);
        let body = code.body.display();
        let example = serde_json::to_string(&code.example).unwrap_or_default();
        let what_to_write = match (&ir.errors.code_pointer, &code.body_match) {
            (Some(field), _) => format!(
                "declare `{field}` in `{body}` as text that can hold this code's `match` value `{}`, or fix the model's example",
                code.match_value.as_deref().unwrap_or(&code.name)
            ),
            (None, Some(test)) => format!(
                "make `when` test a field of `{body}` (`{}`) with a value of the field's type, or fix the model's example",
                test.pointer
            ),
            (None, None) => format!("fix the example of `{body}`"),
        };
        found.push(Diagnostic {
            location: positions.value(&pointer),
            ..Diagnostic::new(
                codes::spec::ERROR_EXAMPLE_MISMATCH,
                format!("the example body of error code `{}` does not fit its body model `{body}`: {first}", code.name),
            )
            .at(&pointer)
            .help(format!(
                "this code's example body is `{example}`, made from `{body}`'s example with the code's own values set (every problem: {}): {what_to_write}",
                found_problems.join("; ")
            ))
        });
    }
    found
}

/// Every example of these rules validated in one pass: one JSON Schema document whose
/// properties are the examples' schemas (keyed), against one object holding the examples, so
/// the contract's `$defs` are compiled once, not once per example (a large imported spec
/// writes thousands of examples).
struct Batch {
    /// Problems by key (a written example's pointer, `code:NAME`, `body:NAME`), at most 3.
    problems: std::collections::HashMap<String, Vec<String>>,
    /// The pointers of the types' own examples that the spec writes.
    written_types: std::collections::HashSet<String>,
}

impl Batch {
    fn validate(ir: &Ir, positions: &Positions, contract: &accord_contract::Contract) -> Batch {
        let threads = crate::parallel::available_threads();
        Batch::validate_split(ir, positions, contract, |examples| examples >= PARALLEL_BATCH_EXAMPLES && threads >= 2)
    }

    /// [`Batch::validate`], in two halves when `split` says so of the number of examples.
    fn validate_split(
        ir: &Ir,
        positions: &Positions,
        contract: &accord_contract::Contract,
        split: impl Fn(usize) -> bool,
    ) -> Batch {
        let mut schemas = serde_json::Map::new();
        let mut instances = serde_json::Map::new();
        let mut put = |key: String, schema: Value, instance: &Value| {
            schemas.insert(key.clone(), schema);
            instances.insert(key, instance.clone());
        };
        let mut written_types = std::collections::HashSet::new();
        let mut written = positions.written_lookup();
        for def in &ir.types {
            let pointer = format!("{}/example", def.span.pointer);
            if written.written(&pointer) {
                written_types.insert(pointer.clone());
                put(pointer, type_schema(&TypeExpr::Named(TypeId::named(def.name.clone()))), &def.example);
            }
            let TypeKind::Struct { fields, .. } = &def.kind else { continue };
            for field in fields {
                let Some(example) = &field.example else { continue };
                let pointer = format!("{}/example", field.span.pointer);
                if !written.written(&pointer) {
                    continue;
                }
                let mut schema = constrained(type_schema(&field.ty), &field.constraints);
                if field.nullable {
                    schema = json!({"anyOf": [schema, {"type": "null"}]});
                }
                put(pointer, schema, example);
            }
        }
        for code in &ir.errors.codes {
            put(format!("code:{}", code.name), type_schema(&code.body), &code.example);
            if let TypeExpr::Named(id) = &code.body
                && let Some(def) = ir.resolve(id)
            {
                put(format!("body:{}", code.name), type_schema(&code.body), &def.example);
            }
        }
        let mut problems: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
        if schemas.is_empty() {
            return Batch { problems, written_types };
        }
        // A large batch is validated in two halves at once, each with the definitions it
        // reaches: a key's problems are found by its own schema alone, so they are the same
        // found apart. GitHub's import writes 1,591 examples (Box's 1,821, Stripe's 2), and the
        // rules after lowering run while the other core is idle (issue 22).
        // `put` wrote both maps with the same keys in the same order.
        let parts = if split(schemas.len()) {
            let half = schemas.len() / 2;
            let mut parts =
                [(serde_json::Map::new(), serde_json::Map::new()), (serde_json::Map::new(), serde_json::Map::new())];
            for (index, ((key, schema), (_, instance))) in schemas.into_iter().zip(instances).enumerate() {
                let (schemas, instances) = &mut parts[usize::from(index >= half)];
                schemas.insert(key.clone(), schema);
                instances.insert(key, instance);
            }
            Vec::from(parts.map(|(schemas, instances)| (object_schema(schemas), Value::Object(instances))))
        } else {
            vec![(object_schema(schemas), Value::Object(instances))]
        };
        let found = crate::parallel::map_in_order(parts.len(), parts.len(), |index| {
            let (schema, instance) = &parts[index];
            validate_part(contract, schema, instance)
        });
        // A schema that does not compile leaves the whole batch unjudged, as one validator did.
        let Some(found) = found.into_iter().collect::<Option<Vec<_>>>() else {
            return Batch { problems, written_types };
        };
        for (key, problem) in found.into_iter().flatten() {
            let entry = problems.entry(key).or_default();
            if entry.len() < 3 {
                entry.push(problem);
            }
        }
        Batch { problems, written_types }
    }
}

/// Written examples from which [`Batch::validate`] validates two halves at once.
const PARALLEL_BATCH_EXAMPLES: usize = 512;

/// The schema of an object whose properties are the examples keyed in `schemas`.
fn object_schema(schemas: serde_json::Map<String, Value>) -> Value {
    json!({"type": "object", "properties": Value::Object(schemas)})
}

/// The problems of the examples in `instance` (an object) against `schema` (an
/// [`object_schema`] of the same keys), in the validator's order: (key, problem), the problem
/// prefixed with where inside the example it is. `None` when the schemas do not compile.
fn validate_part(
    contract: &accord_contract::Contract,
    schema: &Value,
    instance: &Value,
) -> Option<Vec<(String, String)>> {
    // Only the entries the validator applies to these examples are compiled: Stripe's two
    // examples and error body reached a third of its contract through `$ref`s (issue 22).
    let document = contract.schema_document_for(schema, instance);
    let validator = jsonschema::options().should_validate_formats(true).build(&document).ok()?;
    let mut found = Vec::new();
    for error in validator.iter_errors(instance) {
        let path = error.instance_path().to_string();
        // `/KEY/rest`: KEY is one escaped segment (RFC 6901).
        let Some(rest) = path.strip_prefix('/') else { continue };
        let (segment, inner) = match rest.split_once('/') {
            Some((segment, inner)) => (segment, format!("/{inner}")),
            None => (rest, String::new()),
        };
        let key = segment.replace("~1", "/").replace("~0", "~");
        found.push((key, if inner.is_empty() { error.to_string() } else { format!("at `{inner}`: {error}") }));
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_validated_in_two_halves_have_the_problems_found_in_one() {
        // 600 models, each with a written property example; three break their type, in
        // both halves, one of them in four ways (only three are kept).
        let mut yaml = String::from(
            "accord: 1\nname: many\nversion: \"1\"\nenvironments:\n  production: { base_url: \"https://api.example.com\", default: true }\nmodels:\n",
        );
        for index in 0..600 {
            let example = match index {
                3 => "\"three\"".to_string(),
                590 => "-5".to_string(),
                _ => index.to_string(),
            };
            yaml.push_str(&format!(
                "  model_{index}:\n    type: object\n    properties:\n      n: {{ type: integer, minimum: 0, example: {example} }}\n"
            ));
        }
        yaml.push_str("  wide:\n    type: object\n    properties:\n      tags: { type: array, items: { type: integer }, example: [a, b, c, d] }\n");
        yaml.push_str("endpoints:\n  ping: { method: GET, path: /ping, responses: { \"200\": { description: OK, body: wide } } }\n");
        let loaded = crate::spec::load(&yaml);
        let spec = loaded.spec.expect("the spec loads");
        let ir = crate::lower::lower(&spec, &loaded.positions, "test");
        let contract = crate::emit::contract::build_with(&ir, false);
        let whole = Batch::validate_split(&ir, &loaded.positions, &contract, |_| false);
        let halves = Batch::validate_split(&ir, &loaded.positions, &contract, |_| true);
        let mut keys: Vec<&String> = whole.problems.keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "/models/model_3/properties/n/example",
                "/models/model_590/properties/n/example",
                "/models/wide/properties/tags/example"
            ],
        );
        assert_eq!(whole.problems["/models/wide/properties/tags/example"].len(), 3, "{:?}", whole.problems);
        assert_eq!(halves.problems, whole.problems);
        assert_eq!(halves.written_types, whole.written_types);
    }

    /// Every leaf of `value` replaced by a value of another kind (text for a number, a
    /// number for text, …), so that most of an example breaks its type somewhere.
    fn broken(value: &Value) -> Value {
        match value {
            Value::Object(object) => Value::Object(object.iter().map(|(k, v)| (k.clone(), broken(v))).collect()),
            Value::Array(items) => Value::Array(items.iter().map(broken).collect()),
            Value::String(_) => json!(5),
            Value::Null => json!({"x": 1}),
            _ => json!("text"),
        }
    }

    #[test]
    fn examples_validate_against_the_entries_applied_as_against_the_whole_contract() {
        // Real contracts (nested `$ref`s, `anyOf`, `items`, `additionalProperties`): each
        // type's example and a broken copy of it, validated against every `$defs` entry and
        // against those `schema_document_for` keeps for that pair, give the same problems.
        // Unions whose models are not the first branch, and maps of models, beside them.
        let spec = r#"accord: 1
name: shapes
version: "1"
environments:
  production: { base_url: "https://api.example.com", default: true }
models:
  first: { type: object, properties: { n: { type: integer } } }
  second: { type: object, properties: { s: { type: string } } }
  valued: { type: object, properties: { b: { type: boolean } } }
  listed: { type: object, properties: { i: { type: integer } } }
  holder:
    type: object
    properties:
      either: { one_of: [string, first] }
      any: { nullable: true, one_of: [integer, string, second] }
      by_name: { type: object, additional_properties: valued }
      lists: { type: array, items: { one_of: [boolean, listed] } }
    example: { either: { n: 1 }, any: { s: x }, by_name: { k: { b: true } }, lists: [{ i: 2 }] }
endpoints:
  ping: { method: GET, path: /ping, responses: { "200": { description: OK, body: holder } } }
"#;
        let loaded = crate::spec::load(spec);
        let handmade = crate::lower::lower(&loaded.spec.expect("the spec loads"), &loaded.positions, "test");
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/openapi");
        let imported = ["adyen-Webhooks-v1.json", "twilio_messaging_v1.json"].map(|document| {
            let imported = crate::import::openapi::import_file_value(&corpus.join(document), None).expect("imported");
            let shared = std::sync::Arc::new(imported.value.clone());
            (document, crate::import::openapi::examples::check_and_lower(&shared, false).expect("lowers").0)
        });
        for (document, ir) in [("shapes", handmade)].into_iter().chain(imported) {
            let contract = crate::emit::contract::build_with(&ir, false);
            let schemas: serde_json::Map<String, Value> = ir
                .types
                .iter()
                .flat_map(|def| {
                    let schema = type_schema(&TypeExpr::Named(TypeId::named(def.name.clone())));
                    [(format!("{}/fits", def.name), schema.clone()), (format!("{}/broken", def.name), schema)]
                })
                .collect();
            let schema = object_schema(schemas);
            let problems = |validator: &jsonschema::Validator, instance: &Value| -> Vec<String> {
                validator.iter_errors(instance).map(|error| format!("{}: {error}", error.instance_path())).collect()
            };
            let build = |document: &Value| {
                jsonschema::options().should_validate_formats(true).build(document).expect("compiles")
            };
            let whole = build(&contract.schema_document(&schema));
            let (mut found, mut pruned) = (0, 0);
            for def in &ir.types {
                let instance = json!({
                    format!("{}/fits", def.name): def.example,
                    format!("{}/broken", def.name): broken(&def.example),
                });
                let applied = contract.schema_document_for(&schema, &instance);
                let kept = applied["$defs"].as_object().expect("defs");
                pruned += usize::from(kept.len() < contract.schemas.len() || kept.values().any(Value::is_boolean));
                let expected = problems(&whole, &instance);
                assert_eq!(problems(&build(&applied), &instance), expected, "{document}: {}", def.name);
                found += expected.len();
            }
            assert!(found > ir.types.len() / 2, "{document}: the broken copies break ({found} problems)");
            assert!(pruned > ir.types.len() / 2, "{document}: most documents leave entries out ({pruned})");
        }
    }
}
