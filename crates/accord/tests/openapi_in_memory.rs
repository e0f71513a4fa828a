//! `accord generate api.json` compiles the imported spec from the import's JSON value, never
//! printing it (`project::compile_openapi`). That must be what importing the description into a
//! kept spec and compiling that text gives, on every description of the corpus: the YAML text
//! parses back to the same value, and the lowered spec is the same (its spans aside, which only
//! the text has lines for); for the smaller descriptions every generated file is compared too.

use std::path::{Path, PathBuf};

use accord::emit::Options;
use accord::project::{compile_openapi, compile_spec, generate_all};

/// Descriptions up to this size (bytes) are also generated both ways and compared file by file
/// (the largest, GitHub's and Stripe's, would take minutes unoptimised).
const GENERATE_BELOW_BYTES: u64 = 1_000_000;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// Every description `tests/import/check.sh` imports: the single documents of `openapi/` and
/// `openapi-next/`, and the root `openapi.yaml` of each tree under `openapi-trees/`.
fn descriptions() -> Vec<PathBuf> {
    let mut found = Vec::new();
    for folder in ["openapi", "openapi-next"] {
        let mut documents: Vec<PathBuf> = std::fs::read_dir(corpus().join(folder))
            .unwrap_or_else(|error| panic!("the corpus folder {folder}/ is missing: {error}"))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.is_file())
            .collect();
        documents.sort();
        assert!(!documents.is_empty(), "no documents in {folder}/");
        found.extend(documents);
    }
    let mut stack = vec![corpus().join("openapi-trees")];
    let mut roots = Vec::new();
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|name| name == "openapi.yaml") {
                roots.push(path);
            }
        }
    }
    assert!(!roots.is_empty(), "no root openapi.yaml under openapi-trees/");
    roots.sort();
    found.extend(roots);
    found
}

/// The lowered spec as JSON, each span's line and column cleared (its pointer kept).
fn without_lines(ir: &accord::ir::Ir) -> serde_json::Value {
    fn clear(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(span)) = map.get_mut("span") {
                    span.insert("line".into(), 0.into());
                    span.insert("column".into(), 0.into());
                }
                map.values_mut().for_each(clear);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(clear),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(ir).unwrap();
    clear(&mut value);
    value
}

#[test]
fn a_description_compiled_in_memory_is_the_spec_import_prints_compiled() {
    let descriptions = descriptions();
    assert!(descriptions.len() >= 15, "{} descriptions", descriptions.len());
    let mut from_value = Vec::new();
    for path in &descriptions {
        let shown = path.strip_prefix(corpus()).unwrap().display().to_string();
        let printed = accord::import::openapi::import_file(path, None).unwrap_or_else(|error| {
            panic!("{shown} does not import: {}", error.render(&shown, ""));
        });
        // The printer round-trips the value the in-memory route compiles.
        let value = accord::import::openapi::import_file_value(path, None).unwrap().value;
        let parsed = accord::spec::yaml::parse(&printed.yaml).unwrap_or_else(|_| panic!("{shown}: the YAML parses")).0;
        assert!(parsed == value, "{shown}: the printed spec does not parse back to the imported value");

        let in_memory = compile_openapi(path).unwrap_or_else(|_| panic!("{shown} compiles in memory"));
        // A spec with diagnostics is printed and compiled from its text, so they are located.
        assert_eq!(in_memory.yaml.is_some(), !in_memory.compiled.warnings.is_empty(), "{shown}");
        if in_memory.yaml.is_none() {
            from_value.push(shown.clone());
        }
        // `compile_spec` wants the file named after the spec (the in-memory route does not):
        // compiled under that name, then given the description's path as its source.
        let renamed = path.with_file_name(format!("{}.yaml", printed.name));
        let mut from_text =
            compile_spec(&renamed, &printed.yaml).unwrap_or_else(|failure| panic!("{shown}: {}", failure.render()));
        let codes = |warnings: &[accord::diag::Diagnostic]| -> Vec<(&str, String)> {
            warnings.iter().map(|d| (d.code.name(), d.message.clone())).collect()
        };
        assert_eq!(codes(&in_memory.compiled.warnings), codes(&from_text.warnings), "{shown}");
        from_text.ir.source_path = in_memory.compiled.ir.source_path.clone();
        assert!(
            without_lines(&in_memory.compiled.ir) == without_lines(&from_text.ir),
            "{shown}: the lowered specs differ"
        );
        if std::fs::metadata(path).unwrap().len() < GENERATE_BELOW_BYTES {
            let options = Options::default();
            let direct = generate_all(std::slice::from_ref(&in_memory.compiled), &options).unwrap();
            let kept = generate_all(std::slice::from_ref(&from_text), &options).unwrap();
            assert_eq!(direct.len(), kept.len(), "{shown}");
            for (a, b) in direct.iter().zip(&kept) {
                assert_eq!(a.path, b.path, "{shown}");
                assert!(a.contents == b.contents, "{shown}: {} differs", a.path.display());
            }
        }
    }
    // The large descriptions, which the in-memory route is for, compile from the value.
    for large in ["openapi/github-rest-api.2021-10-10.json", "openapi/stripe-spec3.2023-09-12.yaml"] {
        assert!(from_value.iter().any(|shown| shown == large), "{large} was printed: {from_value:?}");
    }
}
