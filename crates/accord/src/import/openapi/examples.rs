//! Examples of the imported spec that do not fit their types are dropped, each with a
//! warning. OpenAPI documents often carry such examples (a number written as text, a value
//! outside the enum); `check` refuses them (`spec::model_example_mismatch`,
//! `spec::example_mismatch`), so an import that kept them would not compile.

use serde_json::Value;

use crate::diag::codes;
use crate::json_fields::Field;

/// Removes from `spec` (the imported spec as JSON) every written example `check` would refuse
/// as not fitting its type, and returns the spec pointers removed. A spec that does not pass
/// `check` for another reason is left as it is (its diagnostics are the user's to read).
///
/// The importer's own value is checked as it is, as `spec::load` would check its printed text
/// (the JSON Schema, then serde), without printing it as YAML and parsing that again: on a
/// large document the round trip cost more than the import itself. Only pointers are read from
/// the diagnostics, so the positions are [`crate::spec::yaml::unlocated_positions`].
///
/// One pass is enough, and a second one would check and lower the whole spec again (a third of
/// the import of GitHub's document) to find nothing: each written example is checked against
/// its own type alone, removing an example changes no type, and what takes a removed
/// example's place is synthesised from the type, which fits by construction.
///
/// Returns the pointers removed and what the import learnt of the spec it returns
/// ([`Checked`]): when nothing was dropped, what [`check_and_lower`] gave for it, so the
/// compile need not run it again.
pub(super) fn drop_unfit(spec: &mut Value) -> (Vec<String>, Checked) {
    // Examples that certainly break their type go first, so that the one check below finds
    // nothing left to drop (and the compile need not check and lower the spec again).
    let certain = drop_certainly_unfit(spec);
    let mut dropped: Vec<String> = certain.iter().map(|(pointer, _)| pointer.clone()).collect();
    if !has_example(spec) {
        // Nothing else to drop: skip checking and lowering the spec.
        return (dropped, Checked::Not);
    }
    // The value is shared with the positions while the spec is checked, then taken back.
    let shared = std::sync::Arc::new(std::mem::take(spec));
    let lowered = check_and_lower(&shared, false);
    *spec = std::sync::Arc::try_unwrap(shared).unwrap_or_else(|shared| (*shared).clone());
    let Some((ir, _, conformance)) = &lowered else {
        // A spec `check` refuses keeps every example, as it was written.
        for (pointer, example) in certain {
            let parent = pointer.strip_suffix("/example").unwrap_or(&pointer);
            if let Some(Value::Object(schema)) = spec.pointer_mut(parent) {
                schema.insert("example".into(), example);
            }
        }
        return (Vec::new(), Checked::Not);
    };
    let is_unfit = |d: &crate::diag::Diagnostic| {
        [codes::spec::MODEL_EXAMPLE_MISMATCH.name(), codes::spec::EXAMPLE_MISMATCH.name()].contains(&d.code.name())
            && d.pointer.ends_with("/example")
    };
    if !conformance.iter().any(is_unfit) {
        sort_as_reported(&mut dropped, ir);
        return (dropped, lowered.map_or(Checked::Not, |lowered| Checked::Lowered(Box::new(lowered))));
    }
    let unfit: Vec<String> = conformance.iter().filter(|d| is_unfit(d)).map(|d| d.pointer.clone()).collect();
    for pointer in unfit {
        let Some((parent, key)) = pointer.rsplit_once('/') else { continue };
        if let Some(Value::Object(object)) = spec.pointer_mut(parent)
            && object.remove(key).is_some()
        {
            dropped.push(pointer);
        }
    }
    sort_as_reported(&mut dropped, ir);
    // The IR and the diagnostics are not read again: a large spec's are freed on another thread.
    super::drop_in_background(lowered);
    (dropped, Checked::BeforeDropping)
}

/// The place of each written example's pointer in the order the rules after lowering report
/// unfit examples (`conformance::examples`): every struct's fields' examples, the types in
/// the IR's order, then the types' own examples.
fn report_order(ir: &crate::ir::Ir) -> std::collections::HashMap<String, usize> {
    let mut order = std::collections::HashMap::new();
    let fields = ir.types.iter().flat_map(|def| match &def.kind {
        crate::ir::TypeKind::Struct { fields, .. } => fields.as_slice(),
        _ => &[],
    });
    let pointers = fields.map(|field| &field.span.pointer).chain(ir.types.iter().map(|def| &def.span.pointer));
    for pointer in pointers {
        let next = order.len();
        order.entry(format!("{pointer}/example")).or_insert(next);
    }
    order
}

/// `dropped` in the order the rules report them ([`report_order`] of `ir`; others after, as
/// found), so that the warnings read as when every example was found by the check alone.
fn sort_as_reported(dropped: &mut [String], ir: &crate::ir::Ir) {
    if dropped.len() < 2 {
        return;
    }
    let order = report_order(ir);
    dropped.sort_by_key(|pointer| order.get(pointer).copied().unwrap_or(usize::MAX));
}

/// Removes the examples of declared models' properties that certainly do not fit the
/// property's type, and returns their pointers (`/models/M/properties/P/example`), in the
/// order of the spec: a value of another JSON kind than the type's (text for an `integer`, a
/// list for a model that is an object), at any depth of lists and objects, and a list shorter
/// or longer than the property's `min_items`/`max_items`. Each of these is an example the
/// rules after lowering refuse (`spec::model_example_mismatch`: a declared model keeps its
/// fields, and a property's example is checked against its type with its constraints); the
/// other checks (formats, patterns, enums, `one_of`, `null`) are left to them. Returns each
/// removed example with its pointer.
///
/// OpenAPI documents' unfit examples are mostly of this kind (every one of the corpus:
/// GitHub's one, Box's one, Svix's five, Xero accounting's five), and dropping them here
/// spares the import's check a second round: on GitHub's document that round was a tenth of
/// `accord generate`.
pub(super) fn drop_certainly_unfit(spec: &mut Value) -> Vec<(String, Value)> {
    let mut unfit: Vec<String> = Vec::new();
    let Some(Value::Object(models)) = spec.field("models") else { return Vec::new() };
    for (model, schema) in models {
        if struct_properties(schema).is_none() {
            continue;
        }
        let Some(Value::Object(properties)) = schema.field("properties") else { continue };
        for (property, schema) in properties {
            let Some(example) = schema.field("example") else { continue };
            if breaks(models, schema, example, true, 0) {
                let pointer = crate::diag::join_pointer(
                    &crate::diag::join_pointer(&crate::diag::join_pointer("/models", model), "properties"),
                    property,
                );
                unfit.push(format!("{pointer}/example"));
            }
        }
    }
    unfit
        .into_iter()
        .filter_map(|pointer| {
            let parent = pointer.strip_suffix("/example").unwrap_or(&pointer);
            let Some(Value::Object(schema)) = spec.pointer_mut(parent) else { return None };
            schema.remove("example").map(|example| (pointer, example))
        })
        .collect()
}

/// The properties of a schema (spec JSON) that lowers to a struct: an object with properties,
/// no `one_of` and no `enum`.
fn struct_properties(schema: &Value) -> Option<&serde_json::Map<String, Value>> {
    let Value::Object(object) = schema else { return None };
    let is_object = object.field("type").is_none_or(|name| name == "object");
    let plain = !object.contains_key("one_of") && !object.contains_key("enum");
    match object.field("properties") {
        Some(Value::Object(properties)) if is_object && plain && !properties.is_empty() => Some(properties),
        _ => None,
    }
}

/// Whether `value` certainly breaks `schema` (a `TypeRef` of the spec as JSON: a type name or
/// an inline schema): a JSON kind the type does not take, here or in a list's items or an
/// object's properties; and, when `constrained` (a property's own schema, whose constraints
/// the check applies), a list length outside `min_items`/`max_items`. `false` when unsure.
fn breaks(
    models: &serde_json::Map<String, Value>,
    schema: &Value,
    value: &Value,
    constrained: bool,
    depth: usize,
) -> bool {
    if value.is_null() || depth > 32 {
        return false;
    }
    let (name, inline) = match schema {
        Value::String(name) => (Some(name.as_str()), None),
        Value::Object(object) => {
            if object.contains_key("one_of") || object.contains_key("enum") {
                return false;
            }
            (object.field("type").and_then(Value::as_str), Some(object))
        }
        _ => return false,
    };
    if let Some(properties) = struct_properties(schema) {
        return breaks_object(models, properties, value, depth);
    }
    let format = inline.and_then(|object| object.field("format")).and_then(Value::as_str);
    match name {
        // `format: decimal` travels as a JSON number.
        Some("string") if format == Some("decimal") => !value.is_number(),
        Some("string") => !value.is_string(),
        Some("integer" | "number") => !value.is_number(),
        Some("boolean") => !value.is_boolean(),
        Some("array") => {
            let Value::Array(items) = value else { return true };
            let bound = |key: &str| inline.and_then(|object| object.get(key)).and_then(Value::as_u64);
            let length = items.len() as u64;
            if constrained
                && (bound("min_items").is_some_and(|min| length < min)
                    || bound("max_items").is_some_and(|max| length > max))
            {
                return true;
            }
            match inline.and_then(|object| object.field("items")) {
                Some(item) => items.iter().any(|value| breaks(models, item, value, false, depth + 1)),
                None => false,
            }
        }
        Some("object" | "any") | None => false,
        // A declared model: only one that is a struct is judged.
        Some(model) => match models.get(model).and_then(struct_properties) {
            Some(properties) => breaks_object(models, properties, value, depth),
            None => false,
        },
    }
}

/// Whether `value` certainly breaks a struct of `properties`: it is not an object, or a
/// property it has breaks the property's type.
fn breaks_object(
    models: &serde_json::Map<String, Value>,
    properties: &serde_json::Map<String, Value>,
    value: &Value,
    depth: usize,
) -> bool {
    let Value::Object(object) = value else { return true };
    object
        .iter()
        .any(|(key, value)| properties.get(key).is_some_and(|schema| breaks(models, schema, value, false, depth + 1)))
}

/// What [`check_and_lower`] gives: the IR, `check`'s diagnostics, the rules' after lowering.
pub(crate) type Lowered = (crate::ir::Ir, Vec<crate::diag::Diagnostic>, Vec<crate::diag::Diagnostic>);

/// What the import learnt of the spec it made, by checking it to find the examples to drop.
#[derive(Debug, Default)]
pub(crate) enum Checked {
    /// Nothing: the spec writes no example, or `check` refused it.
    #[default]
    Not,
    /// [`check_and_lower`] of the spec as it is (no example was dropped).
    Lowered(Box<Lowered>),
    /// `check` passed the spec before unfit examples were dropped from it: dropping an
    /// optional value makes no spec `lower` cannot read, so the compile may lower it while
    /// `check` runs ([`check_and_lower`] with `passed_before`).
    BeforeDropping,
}

/// The spec (as JSON) checked as `spec::load` and `project::compile_spec` check its printed
/// text and, without errors, lowered: its IR, `check`'s diagnostics and the rules' after
/// lowering, unlocated; `None` when serde refuses it or `check` finds an error.
///
/// `passed_before`: `check` passed this spec with more examples ([`Checked::BeforeDropping`]);
/// `check` then runs on a second thread beside `lower` and the rules (whose result is dropped
/// if `check` finds an error after all). Otherwise `lower` waits for `check`: it reads only
/// specs that passed.
pub(crate) fn check_and_lower(spec: &std::sync::Arc<Value>, passed_before: bool) -> Option<Lowered> {
    let positions = crate::spec::yaml::unlocated_positions(std::sync::Arc::clone(spec));
    // As `spec::load` reads a spec: serde through `spec::strict` takes exactly what the JSON
    // Schema takes, so a spec it refuses is one the schema would refuse.
    let parsed = parse(spec)?;
    let lower_and_conform = || {
        let ir = crate::lower::lower(&parsed, &positions, "import");
        let conformance = crate::conformance::check(&ir, &positions);
        (ir, conformance)
    };
    if passed_before {
        let ((ir, conformance), checked) = rayon::join(lower_and_conform, || crate::check::check(&parsed, &positions));
        if checked.iter().any(crate::diag::Diagnostic::is_error) {
            return None;
        }
        free(parsed);
        return Some((ir, checked, conformance));
    }
    let checked = crate::check::check(&parsed, &positions);
    if checked.iter().any(crate::diag::Diagnostic::is_error) {
        return None;
    }
    let (ir, conformance) = lower_and_conform();
    free(parsed);
    Some((ir, checked, conformance))
}

/// Frees the spec read from the value: a large one on another thread (Stripe's took ≈ 4 ms
/// under perf on the one core the compile runs on before the emitters start; issue 22).
fn free(parsed: crate::spec::types::Spec) {
    if parsed.models.len() + parsed.endpoints.len() >= crate::parallel::LARGE_SPEC_ITEMS {
        super::drop_in_background(parsed);
    }
}

/// The spec read from its JSON value through `spec::strict`, as `check_and_lower` reads it,
/// its `models` on a second thread beside its `endpoints` and the rest: each field of the spec
/// is read by itself (a struct's fields are independent in serde), so the parts read apart are
/// the spec read whole. `None` when serde refuses any part, as it would refuse the whole. On
/// GitHub's and Stripe's imports the reading was ≈ 8 and ≈ 15 ms of the front end, which runs
/// on one core (issue 22).
fn parse(spec: &Value) -> Option<crate::spec::types::Spec> {
    use crate::spec::strict::from_value;
    use crate::spec::types::{Endpoint, Schema, Spec};
    let whole = || from_value::<Spec>(spec).ok();
    let Value::Object(object) = spec else { return whole() };
    let (Some(models), Some(endpoints)) = (object.field("models"), object.field("endpoints")) else { return whole() };
    // The rest, with empty maps in their place (`endpoints` is required).
    let rest: serde_json::Map<String, Value> = object
        .iter()
        .map(|(key, value)| match key.as_str() {
            "models" | "endpoints" => (key.clone(), Value::Object(serde_json::Map::new())),
            _ => (key.clone(), value.clone()),
        })
        .collect();
    let rest = Value::Object(rest);
    let ((endpoints, spec), models) = rayon::join(
        || (from_value::<indexmap::IndexMap<String, Endpoint>>(endpoints).ok(), from_value::<Spec>(&rest).ok()),
        || from_value::<indexmap::IndexMap<String, Schema>>(models).ok(),
    );
    Some(Spec { models: models?, endpoints: endpoints?, ..spec? })
}

/// Whether any object in `value` has an `example` key (what [`drop_unfit`] may remove).
fn has_example(value: &Value) -> bool {
    match value {
        Value::Object(object) => object.contains_key("example") || object.values().any(has_example),
        Value::Array(items) => items.iter().any(has_example),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_read_in_parts_is_the_spec_read_whole() {
        use crate::spec::types::Spec;
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/openapi");
        for document in ["oai-petstore-expanded.yaml", "twilio_messaging_v1.json"] {
            let imported = crate::import::openapi::import_file_value(&corpus.join(document), None).expect("imported");
            let whole = crate::spec::strict::from_value::<Spec>(&imported.value).expect("read whole");
            let parts = parse(&imported.value).expect("read in parts");
            let printed = |spec: &Spec| serde_json::to_value(spec).expect("prints");
            assert_eq!(printed(&parts), printed(&whole), "{document}");
        }
        // What serde refuses in any part, it refuses.
        let spec = crate::import::openapi::import_file_value(&corpus.join("oai-petstore.yaml"), None)
            .expect("imported")
            .value
            .clone();
        assert!(parse(&spec).is_some(), "a spec serde reads");
        let first = |section: &str| {
            let key = spec[section].as_object().and_then(|map| map.keys().next()).expect("an entry").clone();
            format!("/{section}/{}", key.replace('~', "~0").replace('/', "~1"))
        };
        for pointer in [first("models"), first("endpoints"), "/name".to_string()] {
            let mut broken = spec.clone();
            *broken.pointer_mut(&pointer).expect("a node") = serde_json::json!([3]);
            assert!(crate::spec::strict::from_value::<Spec>(&broken).is_err(), "{pointer}");
            assert!(parse(&broken).is_none(), "{pointer}");
        }
        let mut unknown = spec.clone();
        unknown.as_object_mut().expect("an object").insert("colour".into(), serde_json::json!(1));
        assert!(parse(&unknown).is_none(), "an unknown key");
    }

    #[test]
    fn a_spec_without_examples_is_left_alone_without_a_check() {
        let mut spec = serde_json::json!({"models": {"A": {"fields": {"id": {"type": "string"}}}}});
        assert!(!has_example(&spec));
        let (dropped, checked) = drop_unfit(&mut spec);
        assert!(dropped.is_empty() && matches!(checked, Checked::Not));
        assert!(has_example(&serde_json::json!({"models": [{"fields": {"id": {"example": 1}}}]})));
    }
}
