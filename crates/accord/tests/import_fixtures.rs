//! One fixture per thing the OpenAPI import maps or refuses: each folder under
//! `tests/import/fixtures/` holds a root document `input.yaml` or `input.json` (and, for a
//! multi-file description, the files it refers to); the imported spec and every warning are
//! compared with a reviewed snapshot (`snapshots/import_fixtures__<folder>.snap`), and a spec
//! that imports must also pass `check`. Warnings read `file:line:col: #pointer: message`, the
//! file relative to the fixture's folder; a document that is not imported shows its errors.

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/import/fixtures")
}

fn root_document(folder: &Path) -> PathBuf {
    ["input.yaml", "input.json"]
        .iter()
        .map(|name| folder.join(name))
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("{} has no input.yaml or input.json", folder.display()))
}

#[test]
fn every_fixture_imports_to_its_reviewed_spec_and_warnings() {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("tests/import/fixtures exists")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    for folder in &folders {
        let name = folder.file_name().and_then(|n| n.to_str()).expect("a UTF-8 folder name").to_string();
        let root = root_document(folder);
        let spec_name = name.replace('-', "_");
        // The file-based entry point, so that a multi-file fixture's `$ref`s are followed;
        // warnings and errors name files relative to the fixture's folder.
        let shown = match accord::import::openapi::import_file(&root, Some(&spec_name)) {
            Ok(imported) => {
                let warnings: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
                let unclassified: Vec<&String> = warnings.iter().filter(|w| w.contains(" [other]")).collect();
                assert!(
                    unclassified.is_empty(),
                    "{name}: warnings of no kind (add a row to `WarningKind::of`): {unclassified:#?}"
                );
                let compiled = match accord::compile_spec(Path::new(&format!("{spec_name}.yaml")), &imported.yaml) {
                    Ok(compiled) => compiled,
                    Err(failure) => panic!("{name}: the imported spec fails check:\n{}", failure.render()),
                };
                generates_without_doc_tests(&name, &compiled.ir);
                format!("{}\n--- {} warning(s)\n{}\n", imported.yaml, warnings.len(), warnings.join("\n"))
            }
            Err(error) => format!("--- not imported\n{error}\n"),
        };
        insta::assert_snapshot!(name.clone(), shown);
    }
}

/// What `check` passes, `generate` generates; and no description becomes a doc-test of the
/// generated crate: rustdoc's rule applied to every doc comment of every generated `.rs` file
/// (`accord::markdown::doc_tests_in_rust`), the check `cargo test --doc` would make.
fn generates_without_doc_tests(name: &str, ir: &accord::ir::Ir) {
    let files = accord::emit::generate(&[ir], &accord::emit::Options::default())
        .unwrap_or_else(|error| panic!("{name}: the imported spec passes check but does not generate: {error}"));
    for file in files.iter().filter(|file| file.path.extension().is_some_and(|e| e == "rs")) {
        let tests = accord::markdown::doc_tests_in_rust(&file.contents);
        assert_eq!(tests, 0, "{name}: {} has {tests} doc-test(s) from descriptions", file.path.display());
    }
}

/// Prose that generation repairs is reported by `check` first, located: the one-line
/// ```` ```name``` ```` code spans are no fences and need nothing.
#[test]
fn check_reports_the_prose_that_generation_repairs() {
    let text = std::fs::read_to_string(fixtures().join("markdown-broken-prose/input.yaml")).expect("the fixture");
    let imported = accord::import::openapi::import(&text, Some("markdown_broken_prose")).expect("it imports");
    let compiled = accord::compile_spec(Path::new("markdown_broken_prose.yaml"), &imported.yaml).expect("it checks");
    let repaired: Vec<String> = compiled
        .warnings
        .iter()
        .filter(|w| w.code.name() == "spec::markdown_repaired")
        .map(|w| format!("{}: {}", w.pointer, w.message))
        .collect();
    assert_eq!(repaired.len(), 4, "{repaired:#?}");
    assert!(
        compiled.warnings.iter().filter(|w| w.code.name() == "spec::markdown_repaired").all(|w| w.location.is_some())
    );
}

/// `info.version: 2026.06.3` (a leading zero, which Cargo refuses) makes the crate 2026.6.3;
/// the text itself is kept in the crate's metadata and documentation.
#[test]
fn the_crate_version_is_semver_and_the_api_version_text_is_kept() {
    let text = std::fs::read_to_string(fixtures().join("version-texts/input.yaml")).expect("the fixture");
    let imported = accord::import::openapi::import(&text, Some("version_texts")).expect("it imports");
    let compiled = accord::compile_spec(Path::new("version_texts.yaml"), &imported.yaml).expect("it checks");
    let files = accord::emit::generate(&[&compiled.ir], &accord::emit::Options::default()).expect("it generates");
    let file = |path: &str| {
        files.iter().find(|f| f.path == Path::new(path)).map(|f| f.contents.clone()).unwrap_or_else(|| panic!("{path}"))
    };
    let manifest = file("version_texts/Cargo.toml");
    assert!(manifest.contains("\nversion = \"2026.6.3\"\n"), "{manifest}");
    // The title's `"` and `\` are escaped (a TOML basic string), not pasted.
    assert!(
        manifest.contains("\ndescription = \"Client for Dated \\\"versions\\\" \\\\ API, generated by accord\"\n"),
        "{manifest}"
    );
    assert!(manifest.contains("[package.metadata.accord]\n# The API's own version text (`info.version`), which the crate version is made from.\napi_version = \"2026.06.3\"\n"), "{manifest}");
    let lib = file("version_texts/src/lib.rs");
    assert!(lib.contains("version 2026.06.3; crate version 2026.6.3"), "{lib}");
}
