//! Tests of the registry: names, texts, examples (each one compiled), and that the source
//! uses every registered code and no unregistered one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{Code, Example, all, find, suggest};
use crate::diag::Severity;
use crate::project::{compile_spec, compile_specs};

/// Every code with the name of its constant.
fn constants() -> Vec<(&'static str, &'static Code)> {
    [yaml::CONSTANTS, schema::CONSTANTS, io::CONSTANTS, import::CONSTANTS, internal::CONSTANTS]
        .into_iter()
        .flatten()
        .copied()
        .chain(spec::constants())
        .collect()
}

use super::{import, internal, io, schema, spec, yaml};

#[test]
fn names_are_unique_and_spelled_like_their_constants() {
    let codes = all();
    let names: BTreeSet<&str> = codes.iter().map(|code| code.name()).collect();
    assert_eq!(names.len(), codes.len(), "a name is registered twice");
    assert_eq!(constants().len(), codes.len());
    for (constant, code) in constants() {
        let (namespace, short) = code.name().split_once("::").expect("`namespace::name`");
        assert!(["yaml", "schema", "spec", "io", "import", "internal"].contains(&namespace), "{code}");
        assert!(short.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{code}");
        assert_eq!(constant, short.to_uppercase(), "the constant of {code}");
    }
}

#[test]
fn every_entry_has_a_summary_an_explanation_and_an_example() {
    for code in all() {
        let summary = code.summary();
        assert!(summary.starts_with(|c: char| c.is_lowercase() || c == '`'), "{code}: summary starts lowercase");
        assert!(!summary.ends_with('.') && !summary.is_empty(), "{code}: summary without a period");
        let explanation = code.explanation();
        assert!(explanation.len() >= 120, "{code}: the explanation is a paragraph");
        assert!(explanation.ends_with('.') && !explanation.contains("\n\n"), "{code}: one paragraph");
        assert!(!explanation.contains("  "), "{code}: a line continuation lost a space");
        match code.example() {
            Example::Spec { bad, fixed } => {
                assert!(!bad.trim().is_empty() && bad.ends_with('\n'), "{code}: example text");
                assert!(fixed.is_none_or(|fixed| fixed != bad && fixed.ends_with('\n')), "{code}: fix");
            }
            Example::Situation(text) => assert!(text.len() >= 40, "{code}: the situation in words"),
        }
    }
}

/// An example's text as a whole spec: `accord`, `name` and `endpoints` added when the text
/// leaves them out, as [`Example::Spec`] says.
fn whole_spec(text: &str) -> String {
    let has = |key: &str| text.lines().any(|line| line.starts_with(&format!("{key}:")));
    let mut spec = String::new();
    if !has("accord") {
        spec.push_str("accord: 1\n");
    }
    if !has("name") {
        spec.push_str("name: example\n");
    }
    spec.push_str(text);
    if !has("endpoints") {
        spec.push_str("endpoints:\n  ping:\n    method: GET\n    path: /ping\n    responses: { \"204\": { description: No content } }\n");
    }
    spec
}

/// The codes of every diagnostic of a spec (errors and warnings), and whether it compiled.
fn codes_of(text: &str) -> (Vec<&'static Code>, bool) {
    match compile_spec(Path::new("specs/example.yaml"), &whole_spec(text)) {
        Ok(compiled) => (compiled.warnings.iter().map(|d| d.code).collect(), true),
        Err(failure) => (failure.diagnostics.iter().map(|d| d.code).collect(), false),
    }
}

#[test]
fn every_example_gets_its_code_and_every_fix_compiles_without_it() {
    let mut situations = Vec::new();
    for code in all() {
        let Example::Spec { bad, fixed } = code.example() else {
            situations.push(code.name());
            continue;
        };
        let (found, compiled) = codes_of(bad);
        assert!(found.contains(&code), "{code}: the example gets {found:?}, not {code}:\n{}", whole_spec(bad));
        assert_eq!(compiled, code.severity() == Severity::Warning, "{code}: compiles only if a warning");
        if let Some(fixed) = fixed {
            let (found, compiled) = codes_of(fixed);
            assert!(compiled && !found.contains(&code), "{code}: the fix gets {found:?}:\n{}", whole_spec(fixed));
        }
    }
    // The codes the text of one spec cannot show; each is produced by the test below.
    assert_eq!(
        situations,
        [
            "import::invalid_json",
            "import::not_openapi",
            "import::output_name",
            "import::ref_limit",
            "import::ref_outside",
            "import::ref_unreadable",
            "import::ref_url",
            "internal::import_print",
            "internal::schema",
            "io::encoding",
            "io::read",
            "schema::empty_spec",
            "spec::colliding_specs",
            "spec::duplicate_spec",
            "yaml::alias_expansion",
            "yaml::too_deep",
        ]
    );
}

/// Writes `text` to `name` in `folder`, returning the path.
fn write(folder: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = folder.path().join(name);
    std::fs::write(&path, text).expect("written");
    path
}

#[test]
fn the_situations_in_words_happen_as_described() {
    let only_comments = compile_spec(Path::new("orders.yaml"), "# Orders API, to be written\n").err();
    let codes: Vec<&Code> = only_comments.iter().flat_map(|f| &f.diagnostics).map(|d| d.code).collect();
    assert_eq!(codes, [schema::EMPTY_SPEC]);

    let folder = tempfile::tempdir().expect("a temporary folder");
    let spec = whole_spec("name: orders\n");
    let files: Vec<PathBuf> = ["orders.yaml", "orders.yml"].iter().map(|name| folder.path().join(name)).collect();
    for file in &files {
        std::fs::write(file, &spec).expect("written");
    }
    let utf16 = folder.path().join("notes.yaml");
    std::fs::write(&utf16, [0xff, 0xfe, b'a', 0]).expect("written");
    let latin1 = folder.path().join("latin.yaml");
    std::fs::write(&latin1, b"accord: 1\nname: latin\ntitle: Caf\xe9\n").expect("written");
    let gone = folder.path().join("gone.yaml");
    let (_, failures) = compile_specs(&[files[0].clone(), files[1].clone(), utf16, latin1, gone]);
    let codes: Vec<&Code> = failures.iter().flat_map(|f| &f.diagnostics).map(|d| d.code).collect();
    assert_eq!(codes, [io::ENCODING, io::ENCODING, io::READ, spec::DUPLICATE_SPEC]);
    assert!(failures[0].diagnostics[0].help.as_deref().is_some_and(|help| help.contains("UTF-16")));
    let latin = &failures[1].diagnostics[0];
    assert_eq!(latin.message, "the file is not UTF-8: byte 32 (0xE9) does not start a character");
    assert_eq!(latin.location.map(|l| (l.line, l.column, l.offset)), Some((3, 11, 32)));
    assert!(failures[2].diagnostics[0].message.starts_with("cannot read the file: "));

    let deep = format!("accord: 1\nname: deep\nx-deep: {}{}\n", "[".repeat(5_000), "]".repeat(5_000));
    let (_, failures) = compile_specs(&[write(&folder, "deep.yaml", &deep)]);
    assert_eq!(failures[0].diagnostics[0].code, yaml::TOO_DEEP);
    // The byte scan counts flow levels alone: the 101st `[`, at level 102 below the root.
    assert_eq!(failures[0].diagnostics[0].location.map(|l| (l.line, l.column)), Some((3, 109)));
    let mut bomb = String::from("accord: 1\nname: bomb\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (name, previous) in ["ab", "bc", "cd", "de", "ef", "fg", "gh", "hi"].iter().map(|pair| (&pair[1..], &pair[..1]))
    {
        bomb.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{previous}"); 10].join(", ")));
    }
    let (_, failures) = compile_specs(&[write(&folder, "bomb.yaml", &bomb)]);
    assert_eq!(failures[0].diagnostics[0].code, yaml::ALIAS_EXPANSION);

    let not_json = crate::import::openapi::import("{\"openapi\": \"3.1.0\"\n \"paths\": {}}\n", None);
    let diagnostic = &not_json.expect_err("not JSON").diagnostics[0];
    assert_eq!(
        (diagnostic.code, diagnostic.location.map(|l| (l.line, l.column))),
        (import::INVALID_JSON, Some((2, 2)))
    );
    let swagger = crate::import::openapi::import("{\n  \"swagger\": \"1.2\"\n}\n", None);
    let diagnostic = &swagger.expect_err("Swagger 1.2").diagnostics[0];
    assert_eq!((diagnostic.code, diagnostic.location.map(|l| (l.line, l.column))), (import::NOT_OPENAPI, Some((2, 3))));
    let document = "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"T\", \"version\": \"1\"}, \"paths\": {}}";
    let badly_named = crate::import::openapi::import(document, Some("Bad-Name"));
    let diagnostic = &badly_named.expect_err("a bad output name").diagnostics[0];
    assert_eq!(diagnostic.code, import::OUTPUT_NAME);
    assert!(
        diagnostic.help.as_deref().is_some_and(|help| help.ends_with("write to `bad_name.yaml`")),
        "{diagnostic:?}"
    );

    let files: Vec<PathBuf> = ["foo_bar", "foo__bar"]
        .iter()
        .map(|name| {
            let file = folder.path().join(format!("{name}.yaml"));
            std::fs::write(&file, whole_spec(&format!("name: {name}\n"))).expect("written");
            file
        })
        .collect();
    let (_, failures) = compile_specs(&files);
    let codes: Vec<&Code> = failures.iter().flat_map(|f| &f.diagnostics).map(|d| d.code).collect();
    assert_eq!(codes, [spec::COLLIDING_SPECS]);
    let rendered = failures[0].render();
    assert!(rendered.contains("foo__bar.yaml:2:7: error[spec::colliding_specs]: spec `foo__bar` would make the crate `foo-bar-client`, as spec `foo_bar` of"), "{rendered}");
    // A description split over files: a `$ref` to a URL, out of the root document's folder, to a
    // folder; each located at the `$ref` value in its file.
    let schema_ref = |target: &str| {
        format!(
            "openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\npaths:\n  /pets:\n    $ref: paths/pets.yaml\ncomponents:\n  schemas:\n    Pet:\n      $ref: {target}\n"
        )
    };
    std::fs::create_dir_all(folder.path().join("api/paths")).expect("folders");
    std::fs::write(folder.path().join("api/paths/pets.yaml"), "get:\n  responses:\n    '200': {description: ok}\n")
        .expect("written");
    for (target, code) in [
        ("https://example.com/schemas/pet.yaml", import::REF_URL),
        ("../outside.yaml", import::REF_OUTSIDE),
        // A folder (a file that does not exist is a warning, see the bundler's tests).
        ("./paths", import::REF_UNREADABLE),
    ] {
        let root = write(&folder, "api/openapi.yaml", &schema_ref(target));
        let error = crate::import::openapi::import_file(&root, None).expect_err("refused");
        let diagnostic = &error.diagnostics[0];
        assert_eq!(
            (diagnostic.code, diagnostic.location.map(|l| (l.line, l.column))),
            (code, Some((9, 13))),
            "{target}"
        );
    }
    // `import::ref_limit` (10,000 files) is produced, with the limit lowered, by
    // `import::openapi::bundle::tests::the_limits_on_files_are_errors_at_the_ref_that_crosses_them`.
    // `internal::schema` and `internal::import_print` need a broken accord; that accord's
    // schema compiles and that imported specs print is shown by every other test.
}

#[test]
fn codes_are_found_by_name_and_near_misses_get_a_suggestion() {
    assert_eq!(find("spec::unknown_ref"), Some(spec::UNKNOWN_REF));
    assert_eq!(find("spec::unknown_rf"), None);
    assert_eq!(suggest("spec::unknown_rf").as_deref(), Some("did you mean `spec::unknown_ref`?"));
    assert_eq!(suggest("unknown_ref").as_deref(), Some("did you mean `spec::unknown_ref`?"));
    assert_eq!(suggest("yaml::sintax").as_deref(), Some("did you mean `yaml::syntax`?"));
    assert_eq!(suggest("zebra"), None);
}

#[test]
fn the_explanation_leads_with_the_code_and_indents_the_example() {
    let text = spec::UNKNOWN_REF.explain();
    assert!(text.starts_with("error[spec::unknown_ref]: a type name that is neither"), "{text}");
    assert!(text.contains("\nExample:\n\n    models:\n      Order:\n"), "{text}");
    assert!(text.contains("\nFixed:\n\n") && text.ends_with("responses: { \"200\": Order }\n"), "{text}");
    assert!(text.lines().all(|line| line.chars().count() <= 90), "{text}");
    assert!(spec::UNSIGNED_WEBHOOKS.explain().starts_with("warning[spec::unsigned_webhooks]: "));
}

/// The `.rs` files under `folder`, with their text, sorted by path.
fn sources(folder: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                files.push((path, text));
            }
        }
    }
    files.sort();
    files
}

/// The compiler's and the command line's sources outside the registry.
fn sources_outside_the_registry() -> Vec<(PathBuf, String)> {
    let crate_root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let registry = crate_root.join("src/diag/codes");
    let mut files = sources(&crate_root.join("src"));
    files.extend(sources(&crate_root.join("../accord-cli/src")));
    files.retain(|(path, _)| !path.starts_with(&registry));
    files
}

/// Every string literal in `text` that looks like a code: `"namespace::snake_case"`.
fn code_literals(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for (index, _) in text.match_indices('"') {
        let rest = &text[index + 1..];
        let Some(end) = rest.find('"') else { break };
        let literal = &rest[..end];
        let looks_like_a_code = literal.split_once("::").is_some_and(|(namespace, name)| {
            ["spec", "schema", "yaml", "import", "io", "internal"].contains(&namespace)
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        });
        if looks_like_a_code {
            found.push(literal);
        }
    }
    found
}

#[test]
fn no_unregistered_code_is_written_in_the_source() {
    let mut unregistered = Vec::new();
    for (path, text) in sources_outside_the_registry() {
        for literal in code_literals(&text) {
            if find(literal).is_none() {
                unregistered.push(format!("{}: \"{literal}\"", path.display()));
            }
        }
    }
    assert!(unregistered.is_empty(), "codes used but not registered:\n{}", unregistered.join("\n"));
    assert_eq!(code_literals(r#"x("spec::nope", "spec::Nope", "a::b", "io::read")"#), ["spec::nope", "io::read"]);
}

#[test]
fn every_registered_code_is_used_outside_the_registry() {
    let sources = sources_outside_the_registry();
    let unused: Vec<&str> = constants()
        .into_iter()
        .filter(|(constant, code)| {
            let namespace = code.name().split_once("::").map_or("", |(namespace, _)| namespace);
            let path = format!("codes::{namespace}::{constant}");
            !sources.iter().any(|(_, text)| text.contains(&path))
        })
        .map(|(_, code)| code.name())
        .collect();
    assert!(unused.is_empty(), "registered but never used (remove them, or use them): {unused:?}");
}
