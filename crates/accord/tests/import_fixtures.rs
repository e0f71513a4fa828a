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
                if let Err(failure) = accord::compile_spec(Path::new(&format!("{spec_name}.yaml")), &imported.yaml) {
                    panic!("{name}: the imported spec fails check:\n{}", failure.render());
                }
                format!("{}\n--- {} warning(s)\n{}\n", imported.yaml, warnings.len(), warnings.join("\n"))
            }
            Err(error) => format!("--- not imported\n{error}\n"),
        };
        insta::assert_snapshot!(name.clone(), shown);
    }
}
