//! serde and the spec language's JSON Schema take the same specs (issue 22). `spec::load`
//! deserializes a spec with serde alone and checks it against the schema only when serde
//! refuses it, for the located diagnostics. That is right only if every value serde takes is
//! one the schema takes. The test changes every node of every spec in `specs/` and
//! `tests/good-specs/`: it puts each kind of wrong value in its place, removes each key of
//! a mapping, adds an unknown key, and repeats a list's first item. For every change serde
//! takes, the schema must find nothing.

use std::collections::HashSet;
use std::path::Path;

use accord::spec::{Spec, schema, strict, yaml};
use serde_json::{Value, json};

use super::workspace_root;

/// Values put in place of a node: one of each JSON type, and the numbers and strings that
/// sit at the edges of the spec types (negative, fractional, past `u32`, a status as text).
fn scalars() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(100_000),
        json!(4_294_967_296_u64),
        json!(""),
        json!("x"),
        json!("404"),
        json!("4XX"),
        json!("none"),
        json!([]),
        json!([null]),
        json!(["x"]),
        json!({}),
        json!({ "x": 1 }),
    ]
}

/// Every change of `node`: a label (the same change at the same place of another item of a
/// list is tried once) and the node's new value.
fn changes(node: &Value) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = scalars().into_iter().map(|value| (value.to_string(), value)).collect();
    match node {
        Value::Object(map) => {
            for key in map.keys() {
                let mut without = map.clone();
                without.shift_remove(key);
                out.push((format!("without `{key}`"), Value::Object(without)));
            }
            let mut with = map.clone();
            with.insert("zz_unknown".to_string(), json!(1));
            out.push(("with an unknown key".to_string(), Value::Object(with)));
            // serde's derived structs also read a list of the fields in order.
            out.push(("its values as a list".to_string(), Value::Array(map.values().cloned().collect())));
        }
        Value::Array(items) if !items.is_empty() => {
            let mut repeated = items.clone();
            repeated.push(items[0].clone());
            out.push(("first item repeated".to_string(), Value::Array(repeated)));
        }
        _ => {}
    }
    out
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The JSON pointer of every node under `value`.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointers(child, format!("{at}/{}", escape(key)), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// The keys of the spec language: every property name in its JSON Schema.
fn language_keys() -> HashSet<String> {
    fn walk(node: &Value, out: &mut HashSet<String>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    out.extend(properties.keys().cloned());
                }
                map.values().for_each(|child| walk(child, out));
            }
            Value::Array(items) => items.iter().for_each(|child| walk(child, out)),
            _ => {}
        }
    }
    let mut keys = HashSet::new();
    walk(&schema::json_schema(), &mut keys);
    keys
}

/// Where `pointer` is in the language: list indices and the names a spec chooses (of models,
/// endpoints, properties…) become `*`. A change is tried once per place and label, in all
/// the specs together, so that the test tries each kind of change at each place of the
/// language rather than at each of the thousands of nodes of the same kind.
fn place(pointer: &str, keys: &HashSet<String>) -> String {
    pointer
        .split('/')
        .map(|part| if part.is_empty() || keys.contains(part) { part } else { "*" })
        .collect::<Vec<_>>()
        .join("/")
}

/// The changes to `source`'s spec that serde takes and the schema refuses, and how many
/// changes were tried.
fn disagreements(
    file: &Path,
    source: &str,
    keys: &HashSet<String>,
    tried_places: &mut HashSet<(String, String)>,
) -> (Vec<String>, usize) {
    let (mut value, positions) = yaml::parse(source).unwrap_or_else(|_| panic!("{} parses", file.display()));
    assert!(strict::from_value::<Spec>(&value).is_ok(), "{} is a valid spec", file.display());
    let mut all = Vec::new();
    pointers(&value, String::new(), &mut all);
    let (mut found, mut tried) = (Vec::new(), 0);
    for pointer in all {
        let original = value.pointer(&pointer).expect("a pointer just walked").clone();
        for (label, changed) in changes(&original) {
            if !tried_places.insert((place(&pointer, keys), label.clone())) {
                continue;
            }
            tried += 1;
            *value.pointer_mut(&pointer).expect("a pointer just walked") = changed;
            if strict::from_value::<Spec>(&value).is_ok() {
                let refused = schema::validate(&value, &positions);
                if let Some(first) = refused.first() {
                    found.push(format!("{} {pointer:?} {label}: {}", file.display(), first.message));
                }
            }
        }
        *value.pointer_mut(&pointer).expect("a pointer just walked") = original;
    }
    (found, tried)
}

#[test]
fn every_change_serde_takes_the_schema_takes() {
    let root = workspace_root();
    let mut files = Vec::new();
    for folder in ["specs", "tests/good-specs"] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(folder))
            .expect("spec folder")
            .map(|entry| entry.expect("entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
            .collect();
        entries.sort();
        files.extend(entries);
    }
    assert!(files.len() >= 20, "the specs were found ({})", files.len());
    // Small specs first: each place is tried once, on the first spec that has it, and a change
    // costs a deserialization of the whole spec.
    files.sort_by_key(|file| std::fs::metadata(file).map(|meta| meta.len()).unwrap_or(u64::MAX));
    let keys = language_keys();
    let mut tried_places = HashSet::new();
    let (mut found, mut tried) = (Vec::new(), 0);
    for file in &files {
        let source = std::fs::read_to_string(file).expect("spec text");
        let (each, count) = disagreements(file.strip_prefix(&root).unwrap_or(file), &source, &keys, &mut tried_places);
        found.extend(each);
        tried += count;
    }
    assert!(tried > 10_000, "only {tried} changes were tried");
    assert!(found.is_empty(), "{} change(s) serde takes and the schema refuses:\n{}", found.len(), found.join("\n"));
}
