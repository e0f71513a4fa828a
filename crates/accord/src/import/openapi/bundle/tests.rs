//! Bundling on trees written to a temporary folder: what is followed, what is refused (and
//! that a refused file is never read), where errors and warnings are located.

use std::path::{Path, PathBuf};

use crate::diag::codes;
use crate::import::openapi::{import, import_file};
use crate::import::{ImportError, Imported};

/// Writes `files` (path, text) under a fresh folder; returns it (kept alive by the guard).
fn tree(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        std::fs::write(&path, text).expect("written");
    }
    let root = dir.path().join("root");
    (dir, root)
}

const HEAD: &str = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\n";

fn imported(root: &Path) -> Imported {
    import_file(&root.join("openapi.yaml"), Some("t")).unwrap_or_else(|error| panic!("imported: {error}"))
}

fn refused(root: &Path) -> ImportError {
    match import_file(&root.join("openapi.yaml"), Some("t")) {
        Ok(imported) => panic!("refused, but imported:\n{}", imported.yaml),
        Err(error) => error,
    }
}

/// The one diagnostic of `error`: its code, file, line and column.
fn only(error: &ImportError) -> (&'static str, String, u32, u32) {
    assert_eq!(error.diagnostics.len(), 1, "{error}");
    let diagnostic = &error.diagnostics[0];
    let file = error.files[0].as_ref().map(|f| f.path.display().to_string()).unwrap_or_default();
    let location = diagnostic.location.expect("located");
    (diagnostic.code.name(), file, location.line, location.column)
}

fn schema_ref(target: &str) -> String {
    format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: {target}\n"
    )
}

#[test]
fn a_ref_above_the_root_folder_is_refused_and_the_file_never_read() {
    // The file exists: the refusal is not a failure to find it.
    let text = schema_ref("../outside.yaml");
    let (_dir, root) = tree(&[("root/openapi.yaml", &text), ("outside.yaml", "type: string\n")]);
    assert_eq!(only(&refused(&root)), ("import::ref_outside", "openapi.yaml".into(), 12, 23));
    // Through a folder that exists, then up and out.
    let text = schema_ref("sub/../../outside.yaml");
    let (_dir, root) = tree(&[("root/openapi.yaml", &text), ("root/sub/x.yaml", "{}"), ("outside.yaml", "{}")]);
    assert_eq!(only(&refused(&root)).0, "import::ref_outside");
}

#[test]
fn absolute_paths_and_urls_are_refused() {
    for (target, code) in [
        ("/etc/hostname", "import::ref_outside"),
        ("file:///etc/hostname", "import::ref_url"),
        ("https://example.com/pet.yaml", "import::ref_url"),
        ("//example.com/pet.yaml", "import::ref_url"),
    ] {
        let text = schema_ref(target);
        let (_dir, root) = tree(&[("root/openapi.yaml", &text)]);
        assert_eq!(only(&refused(&root)).0, code, "{target}");
    }
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_the_tree_is_refused() {
    let text = schema_ref("linked/secret.yaml");
    let (dir, root) = tree(&[("root/openapi.yaml", &text), ("elsewhere/secret.yaml", "type: string\n")]);
    std::os::unix::fs::symlink(dir.path().join("elsewhere"), root.join("linked")).expect("a link");
    let error = refused(&root);
    assert_eq!(only(&error).0, "import::ref_outside");
    assert!(error.diagnostics[0].message.contains("symbolic link"), "{error}");
    // A link that stays inside the tree is followed.
    let (dir, root) = tree(&[("root/openapi.yaml", &text), ("root/real/secret.yaml", "type: string\n")]);
    std::os::unix::fs::symlink(dir.path().join("root/real"), root.join("linked")).expect("a link");
    assert!(imported(&root).yaml.contains("type: string"));
}

#[test]
fn every_error_is_reported_with_its_file() {
    // A folder named from a nested file, and a file that is not YAML.
    let text = format!("{HEAD}paths:\n  /a:\n    $ref: paths/a.yaml\n  /b:\n    $ref: paths/b.yaml\n");
    let a = "get:\n  responses:\n    '200':\n      $ref: ./folder\n";
    let b = "get: [unclosed\n";
    let (_dir, root) = tree(&[
        ("root/openapi.yaml", &text),
        ("root/paths/a.yaml", a),
        ("root/paths/b.yaml", b),
        ("root/paths/folder/x.yaml", "{}\n"),
    ]);
    let error = refused(&root);
    let found: Vec<(&str, String)> = error
        .diagnostics
        .iter()
        .zip(&error.files)
        .map(|(d, f)| (d.code.name(), f.as_ref().map(|f| f.path.display().to_string()).unwrap_or_default()))
        .collect();
    // In the order found: `b.yaml` is read (and fails) while the root is, `a.yaml`'s own
    // `$ref`s when its path item is converted.
    assert_eq!(
        found,
        [("yaml::syntax", "paths/b.yaml".to_string()), ("import::ref_unreadable", "paths/a.yaml".to_string())]
    );
    assert_eq!(error.diagnostics[1].location.map(|l| (l.line, l.column)), Some((4, 13)));
    // Rendered with the file's path from the root document's folder, and its own snippet.
    let rendered = error.render("api/openapi.yaml", "");
    assert!(rendered.contains("api/paths/a.yaml:4:13: error[import::ref_unreadable]"), "{rendered}");
    assert!(rendered.contains("./folder"), "{rendered}");
}

#[test]
fn a_document_given_as_text_follows_no_file() {
    let error = import(&schema_ref("schemas/pet.yaml"), Some("t")).expect_err("refused");
    assert_eq!(error.diagnostics[0].code, codes::import::REF_UNREADABLE);
    assert_eq!(error.diagnostics[0].location.map(|l| l.line), Some(12));
}

#[test]
fn a_file_named_twice_becomes_one_component_and_names_stay_unique() {
    // The root already has a `Pet`; the file's becomes `Pet2`, once, however often named.
    let text = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  one: {{$ref: schemas/Pet.yaml}}\n                  two: {{$ref: './schemas/%50et.yaml'}}\n                  mine: {{$ref: '#/components/schemas/Pet'}}\ncomponents:\n  schemas:\n    Pet: {{type: integer}}\n"
    );
    let (_dir, root) = tree(&[
        ("root/openapi.yaml", &text),
        ("root/schemas/Pet.yaml", "type: object\nproperties:\n  name: {type: string}\n"),
    ]);
    let yaml = imported(&root).yaml;
    assert!(yaml.contains("one: Pet2") && yaml.contains("two: Pet2") && yaml.contains("mine: Pet"), "{yaml}");
    assert!(!yaml.contains("Pet3"), "{yaml}");
}

#[test]
fn an_operation_ref_that_loops_is_dropped_with_a_warning() {
    let text = format!("{HEAD}paths:\n  /a:\n    get:\n      $ref: '#/paths/~1a/get'\n");
    let (_dir, root) = tree(&[("root/openapi.yaml", &text)]);
    let imported = imported(&root);
    let messages: Vec<&str> = imported.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("leads back to an object that contains it")), "{messages:?}");
}

#[test]
fn warnings_in_a_json_file_are_located_in_it() {
    let text = schema_ref("schemas/pet.json");
    let pet = "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"weight\": {\"type\": \"number\", \"multipleOf\": 0.5}\n  }\n}\n";
    let (_dir, root) = tree(&[("root/openapi.yaml", &text), ("root/schemas/pet.json", pet)]);
    let imported = imported(&root);
    let warning = imported.warnings.iter().find(|w| w.message.contains("multipleOf")).expect("warned");
    assert_eq!(warning.file.as_deref(), Some(Path::new("schemas/pet.json")));
    assert_eq!(warning.pointer, "/properties/weight");
    assert_eq!(warning.location.map(|l| (l.line, l.column)), Some((4, 5)));
    assert_eq!(warning.to_string().split(": #").next(), Some("schemas/pet.json:4:5"));
}

#[test]
fn refs_in_data_are_not_followed() {
    // GitHub's SCIM examples hold `$ref: https://…` keys; an extension may name any file.
    let text = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      x-codeSamples:\n        - source: {{$ref: ../missing.cs}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: schemas/pet.yaml\n              example:\n                $ref: https://example.com/Users/1\n"
    );
    let (_dir, root) = tree(&[
        ("root/openapi.yaml", &text),
        ("root/schemas/pet.yaml", "type: object\ndefault: {$ref: ./nowhere.yaml}\n"),
    ]);
    imported(&root);
}

#[test]
fn the_limits_on_files_are_errors_at_the_ref_that_crosses_them() {
    // `MAX_FILES` is 10,000; a chain of files, each naming the next, past it would be slow to
    // write here, so the same check is made with the limit lowered.
    let text = schema_ref("schemas/0.yaml");
    let mut files: Vec<(String, String)> = vec![("root/openapi.yaml".into(), text)];
    for n in 0..5 {
        files.push((
            format!("root/schemas/{n}.yaml"),
            format!("type: object\nproperties:\n  next: {{$ref: ./{}.yaml}}\n", n + 1),
        ));
    }
    files.push(("root/schemas/5.yaml".into(), "type: string\n".into()));
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let (_dir, root) = tree(&borrowed);
    // Under the limit, the chain is read to its end.
    assert_eq!(imported(&root).warnings.len(), 0);
    let mut opened = super::Files::open_read(&root.join("openapi.yaml"), None).expect("read");
    opened.limit_files(4);
    let error = super::bundle(&mut opened).err().expect("refused");
    let diagnostic = &error.diagnostics[0];
    assert_eq!(diagnostic.code, codes::import::REF_LIMIT);
    assert_eq!(error.files[0].as_ref().map(|f| f.path.clone()), Some(PathBuf::from("schemas/2.yaml")));
}

#[test]
fn a_file_that_does_not_exist_is_a_warning_and_what_names_it_is_dropped() {
    // A property, a parameter, a discriminator mapping entry and a list item naming files the
    // tree does not hold; the rest of the description imports.
    let text = format!(
        "{HEAD}paths:\n  /pets:\n    get:\n      parameters:\n        - $ref: params/missing.yaml\n        - {{name: q, in: query, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Pet'}}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        name: {{type: string}}\n        owner: {{$ref: models/owner.yaml}}\n    Record:\n      oneOf: [{{$ref: '#/components/schemas/Pet'}}]\n      discriminator:\n        propertyName: name\n        mapping: {{a: 'models/records.yml#/a', b: '#/components/schemas/Pet'}}\n"
    );
    let (_dir, root) = tree(&[("root/openapi.yaml", &text)]);
    let spec = imported(&root);
    let messages: Vec<String> = spec.warnings.iter().map(|w| format!("{}:{}", w.kind, w.message)).collect();
    for missing in ["models/owner.yaml", "models/records.yml", "params/missing.yaml"] {
        assert!(
            messages.iter().any(|m| m.starts_with("ref_unresolved:")
                && m.contains(&format!("names `{missing}`, which does not exist; dropped"))),
            "{missing}: {messages:#?}"
        );
    }
    assert!(spec.yaml.contains("name:") && !spec.yaml.contains("owner"), "{}", spec.yaml);
    assert!(spec.yaml.contains("q:"), "{}", spec.yaml);
    // Located at the `$ref` (line 21: `owner: {$ref: models/owner.yaml}`).
    let owner = spec.warnings.iter().find(|w| w.message.contains("models/owner.yaml")).expect("warned");
    assert_eq!(owner.location.map(|l| l.line), Some(21));
}

#[test]
fn a_document_whose_copy_would_be_the_same_is_not_copied() {
    use serde_json::json;

    use super::{Files, Kind, copy_bundled, document_rewrites, needs_bundling, rewrites};
    let document = |paths: serde_json::Value, components: serde_json::Value| json!({"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": paths, "components": components});
    let ok = json!({"200": {"description": "ok"}});
    // What the quick scan flags but bundling leaves as it is: a `$ref` in an example (GitHub's
    // SCIM examples), a local `$ref` under a property named like an HTTP method (Stripe's
    // `options`), a `$ref` in an extension, a schema's `$ref` with siblings.
    let unchanged = [
        document(
            json!({"/a": {"get": {"responses": ok}}}),
            json!({"examples": {"group": {"value": {"members": [{"$ref": "https://api.github.com/scim/v2/Users/1"}]}}}}),
        ),
        document(
            json!({}),
            json!({"schemas": {
                "Report": {"type": "object", "properties": {"options": {"$ref": "#/components/schemas/Options"}}},
                "Options": {"type": "object", "description": "d", "x-meta": {"$ref": "other.yaml"}},
                "Nullable": {"description": "first", "$ref": "#/components/schemas/Options", "properties": {"get": {"$ref": "#/components/schemas/Report"}}}
            }}),
        ),
        document(
            json!({"/a": {"get": {"responses": ok, "x-codeSamples": [{"source": {"$ref": "../missing.cs"}}]}}}),
            json!({"schemas": {"Pet": {"discriminator": {"propertyName": "kind", "mapping": {"dog": "Dog"}}}}}),
        ),
    ];
    for doc in unchanged {
        assert!(needs_bundling(&doc, ""), "the quick scan flags it: {doc}");
        assert!(!rewrites(&doc, Kind::Document), "{doc}");
        assert!(!document_rewrites(&doc, true) && !document_rewrites(&doc, false), "{doc}");
        let mut files = Files::text(&doc.to_string()).expect("read");
        let copy = copy_bundled(&mut files, &doc).unwrap_or_else(|error| panic!("bundled: {error}"));
        assert_eq!(*copy.document, doc, "the bundler's copy is the document");
        assert!(copy.warnings.is_empty());
    }
    // What bundling changes is still found where data is not.
    let changed = [
        document(json!({"/a": {"get": {"$ref": "#/paths/~1b/get"}}, "/b": {"get": {"responses": ok}}}), json!({})),
        document(json!({}), json!({"schemas": {"A": {"description": {"$ref": "a.md"}}}})),
        document(json!({}), json!({"schemas": {"A": {"properties": {"b": {"$ref": "b.yaml"}}}}})),
        document(json!({}), json!({"schemas": {"A": {"allOf": [{"$ref": "#/components/schemas/B%20C"}]}}})),
        document(json!({}), json!({"schemas": {"A": {"discriminator": {"mapping": {"b": "b.yaml"}}}}})),
        document(json!({"/a": {"get": {"responses": {"200": {"$ref": "responses.yaml#/ok"}}}}}), json!({})),
    ];
    for doc in changed {
        assert!(needs_bundling(&doc, "") && rewrites(&doc, Kind::Document), "{doc}");
        // Walked as a large document's (`paths` beside the rest) too.
        assert!(document_rewrites(&doc, true) && document_rewrites(&doc, false), "{doc}");
    }
    // A root `$ref`, and a document that is not an object.
    let referring = json!({"$ref": "other.yaml", "paths": {}});
    assert!(document_rewrites(&referring, true) && rewrites(&referring, Kind::Document));
    assert!(!document_rewrites(&json!([1]), true));
}
