//! The `accord` binary end to end: exit codes, what it prints, what it writes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn accord() -> Command {
    Command::new(env!("CARGO_BIN_EXE_accord"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap().path();
        let target = to.join(entry.file_name().unwrap());
        if entry.is_dir() {
            copy_dir(&entry, &target);
        } else {
            std::fs::copy(&entry, &target).unwrap();
        }
    }
}

#[test]
fn check_accepts_the_real_specs() {
    let output = accord().arg("check").arg("specs/").current_dir(root()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("specs/orders.yaml: ok"), "{stdout}");
}

/// `check --report`: every spec's integration checklist, as tables and as JSON (issue 18).
#[test]
fn check_report_prints_each_specs_checklist_as_a_table_and_as_json() {
    let output = accord().args(["check", "specs/", "--report"]).current_dir(root()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("orders: integration checklist\n"), "{stdout}");
    assert!(stdout.contains("github: integration checklist\n"), "{stdout}");
    let orders = stdout.split("orders: integration checklist\n").nth(1).expect("the orders table");
    let circuit = orders.lines().find(|line| line.trim_start().starts_with("circuit breaking")).expect("a row");
    assert!(circuit.contains("declared") && circuit.contains("5 failures"), "{circuit}");

    let output =
        accord().args(["check", "specs/orders.yaml", "--report", "--json"]).current_dir(root()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let lists: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(lists[0]["spec"], "orders");
    let keys: Vec<&str> =
        lists[0]["items"].as_array().unwrap().iter().map(|item| item["key"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        [
            "credentials",
            "error_codes",
            "retries",
            "idempotency",
            "timeouts",
            "rate_limits",
            "pagination",
            "webhooks",
            "caching",
            "circuit_breaker",
            "health",
            "logging",
            "types"
        ]
    );
    let failed = accord().args(["check", "specs/", "--json"]).current_dir(root()).output().unwrap();
    assert!(!failed.status.success(), "`--json` needs `--report`");
}

#[test]
fn generate_writes_then_reports_unchanged_and_check_finds_stale_files() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("specs"), &dir.path().join("specs"));
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        accord()
            .arg("generate")
            .arg("specs")
            .arg("--out")
            .arg(&out)
            .args(extra)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let first = run(&[]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("specs/orders.yaml: 10 file(s) written, 0 unchanged"), "{stdout}");
    assert!(out.join("orders/src/client.rs").is_file());
    assert!(out.join("orders/contract.json").is_file());
    for book_file in [
        "docs/book.toml",
        "docs/mermaid-init.js",
        "docs/tables.css",
        "docs/tables.js",
        "docs/src/SUMMARY.md",
        "docs/src/index.md",
        "docs/src/orders/index.md",
        "docs/src/orders/endpoints.md",
        "docs/src/orders/models.md",
        "docs/src/orders/errors.md",
        "docs/src/orders/webhooks.md",
        "docs/src/orders/scenarios.md",
    ] {
        assert!(out.join(book_file).is_file(), "{book_file}");
    }
    // The book's six shared files, its 57 chapters (the integrations' pages, one folder
    // each), the schema, and `.accord-manifest`.
    assert!(stdout.contains("shared files: 65 file(s) written, 0 unchanged"), "{stdout}");

    let second = run(&[]);
    assert!(String::from_utf8_lossy(&second.stdout).contains("0 file(s) written, 10 unchanged"));

    let clean = run(&["--check"]);
    assert!(clean.status.success());

    std::fs::write(out.join("orders/src/models.rs"), "// edited by hand\n").unwrap();
    let stale = run(&["--check"]);
    assert!(!stale.status.success());
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(stderr.contains("orders/src/models.rs"), "{stderr}");
    // --check never writes.
    assert_eq!(std::fs::read_to_string(out.join("orders/src/models.rs")).unwrap(), "// edited by hand\n");
}

#[test]
fn docs_writes_only_the_book_and_takes_template_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("book");
    let run = |extra: &[&str]| {
        accord().arg("docs").arg("specs/").arg("--out").arg(&out).args(extra).current_dir(root()).output().unwrap()
    };
    let first = run(&[]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let stdout = String::from_utf8_lossy(&first.stdout);
    // The integration's chapters live in its folder of the book, counted with the shared files.
    assert!(stdout.contains("specs/orders.yaml: 0 file(s) written, 0 unchanged"), "{stdout}");
    // The book's six shared files, its 57 chapters and `.accord-manifest`.
    assert!(stdout.contains("shared files: 64 file(s) written, 0 unchanged"), "{stdout}");
    let mut written: Vec<String> = Vec::new();
    let mut folders = vec![out.clone()];
    while let Some(entry) = folders.pop() {
        for file in std::fs::read_dir(&entry).unwrap() {
            let path = file.unwrap().path();
            // `.accord/` holds the writer's lock, not the book.
            if path.is_dir() && !path.file_name().is_some_and(|name| name.to_string_lossy().starts_with('.')) {
                folders.push(path);
            } else if path.is_file() {
                written.push(path.strip_prefix(&out).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    written.sort();
    let expected = [
        ".accord-manifest",
        "book.toml",
        "mermaid-init.js",
        "src/SUMMARY.md",
        "src/aws_s3/endpoints.md",
        "src/aws_s3/errors.md",
        "src/aws_s3/index.md",
        "src/aws_s3/models.md",
        "src/aws_s3/scenarios.md",
        "src/github/endpoints.md",
        "src/github/errors.md",
        "src/github/index.md",
        "src/github/models.md",
        "src/github/scenarios.md",
        "src/github/webhooks.md",
        "src/google_calendar/endpoints.md",
        "src/google_calendar/errors.md",
        "src/google_calendar/index.md",
        "src/google_calendar/models.md",
        "src/google_calendar/scenarios.md",
        "src/index.md",
        "src/orders/endpoints.md",
        "src/orders/errors.md",
        "src/orders/index.md",
        "src/orders/models.md",
        "src/orders/scenarios.md",
        "src/orders/webhooks.md",
        "src/sendgrid/endpoints.md",
        "src/sendgrid/errors.md",
        "src/sendgrid/index.md",
        "src/sendgrid/models.md",
        "src/sendgrid/scenarios.md",
        "src/sendgrid/webhooks.md",
        "src/shopify/endpoints.md",
        "src/shopify/errors.md",
        "src/shopify/index.md",
        "src/shopify/models.md",
        "src/shopify/scenarios.md",
        "src/shopify/webhooks.md",
        "src/slack/endpoints.md",
        "src/slack/errors.md",
        "src/slack/index.md",
        "src/slack/models.md",
        "src/slack/scenarios.md",
        "src/slack/webhooks.md",
        "src/stripe/endpoints.md",
        "src/stripe/errors.md",
        "src/stripe/index.md",
        "src/stripe/models.md",
        "src/stripe/scenarios.md",
        "src/stripe/webhooks.md",
        "src/svix/endpoints.md",
        "src/svix/errors.md",
        "src/svix/index.md",
        "src/svix/models.md",
        "src/svix/scenarios.md",
        "src/svix/webhooks.md",
        "src/twilio/endpoints.md",
        "src/twilio/errors.md",
        "src/twilio/index.md",
        "src/twilio/models.md",
        "src/twilio/scenarios.md",
        "tables.css",
        "tables.js",
    ];
    assert_eq!(written, expected, "the book and nothing else");
    // The same book as `generate` checks in (whose manifest lists the whole output folder).
    for file in &expected[1..] {
        let committed = std::fs::read_to_string(root().join("generated/docs").join(file)).unwrap();
        assert_eq!(std::fs::read_to_string(out.join(file)).unwrap(), committed, "{file}");
    }
    assert!(run(&["--check"]).status.success());

    // An override by file name replaces the embedded template; --check then finds the page stale.
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("index.md.j2"),
        "# Our APIs\n\n{% for ir in specs %}- [{{ ir.title }}]({{ ir.name }}.md)\n{% endfor %}",
    )
    .unwrap();
    let templates_arg = templates.to_string_lossy().into_owned();
    let stale = run(&["--check", "--templates", &templates_arg]);
    assert_eq!(stale.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(stderr.contains("run `cargo run -- docs specs/`") && stderr.contains("src/index.md"), "{stderr}");
    assert!(run(&["--templates", &templates_arg]).status.success());
    assert!(
        std::fs::read_to_string(out.join("src/index.md"))
            .unwrap()
            .starts_with("# Our APIs\n\n- [Amazon S3 (objects, SigV4)](aws_s3.md)\n- [GitHub REST API](github.md)\n")
    );

    // A templates folder that does not exist is an error, not the embedded templates.
    let missing = run(&["--templates", "no/such/folder"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read the templates folder `no/such/folder`"));
}

#[test]
fn a_bad_spec_fails_with_a_location_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("specs")).unwrap();
    std::fs::copy(root().join("specs/orders.yaml"), dir.path().join("specs/orders.yaml")).unwrap();
    std::fs::write(
        dir.path().join("specs/broken.yaml"),
        "accord: 1\nname: broken\nendpoints:\n  get_thing:\n    method: GET\n    path: /things\n    responses: { \"200\": Thingg }\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = accord().arg("generate").arg("specs").arg("--out").arg(&out).current_dir(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("specs/broken.yaml:7:"), "{stderr}");
    assert!(stderr.contains("unknown model `Thingg`"), "{stderr}");
    assert!(stderr.contains("help: `accord explain CODE` explains a code, e.g. `accord explain spec::unknown_ref`"));
    assert!(!out.exists(), "nothing may be written when a spec has errors");
}

/// Hostile input (issue 20) through the binary: an error naming file, line and column and
/// exit status 1, where the stack overflowed (status 134) or the location was missing.
#[test]
fn hostile_input_fails_with_a_location_and_no_crash() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], file: &str, contents: &[u8]| {
        std::fs::write(dir.path().join(file), contents).unwrap();
        let output = accord().args(args).arg(file).current_dir(dir.path()).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{file}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    // 50,000 nested lists in 100 KB.
    let deep = format!("accord: 1\nname: deep\nx:\n{}x\n", "- ".repeat(50_000));
    let stderr = run(&["check"], "deep.yaml", deep.as_bytes());
    assert!(stderr.starts_with("deep.yaml:4:199: error[yaml::too_deep]"), "{stderr}");
    // JSON nested 100,000 deep in 200 KB.
    let json = format!("{{\"openapi\": \"3.1.0\",\n \"x\": {}{}}}\n", "[".repeat(100_000), "]".repeat(100_000));
    let stderr = run(&["import", "openapi"], "deep.json", json.as_bytes());
    assert!(stderr.starts_with("deep.json:2:106: error[yaml::too_deep]"), "{stderr}");
    assert!(stderr.contains("error: `deep.json` was not imported"), "{stderr}");
    // Swagger 2.0 is converted since the swagger2 branch; 1.2 is not.
    let stderr = run(&["import", "openapi"], "swagger.json", b"{\n  \"swagger\": \"1.2\"\n}\n");
    assert!(
        stderr.starts_with(
            "swagger.json:2:3: error[import::not_openapi]: `swagger: 1.2` is not a version accord imports"
        ),
        "{stderr}"
    );
    let stderr = run(&["import", "openapi"], "latin.yaml", b"openapi: 3.1.0\ninfo: {title: Caf\xe9}\n");
    assert!(stderr.starts_with("latin.yaml:2:18: error[io::encoding]: the file is not UTF-8: byte 32"), "{stderr}");
    let stderr = run(&["check"], "two.yaml", b"accord: 1\nname: two\n---\nname: three\n");
    assert!(stderr.starts_with("two.yaml:3:1: error[yaml::multiple_documents]"), "{stderr}");
}

/// A description split over files: its `$ref`s followed, each warning and error named by the
/// file it is in (as the user would open it), line and column; a `$ref` out of the folder
/// refused.
#[test]
fn import_follows_a_tree_and_locates_warnings_and_errors_in_their_files() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "api/openapi.yaml",
        "openapi: 3.1.0\ninfo: {title: Pets, version: '1'}\npaths:\n  /pets:\n    $ref: paths/pets.yaml\n",
    );
    write(
        "api/paths/pets.yaml",
        "get:\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema:\n            type: number\n            multipleOf: 2\n",
    );
    let output = accord().args(["import", "openapi", "api/openapi.yaml"]).current_dir(dir.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("api/paths/pets.yaml:7:11: warning: `multipleOf` has no accord equivalent"), "{stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("path: /pets"));
    write("outside.yaml", "type: string\n");
    write("api/paths/pets.yaml", "get:\n  responses:\n    '200':\n      $ref: ../../outside.yaml\n");
    let output = accord().args(["import", "openapi", "api/openapi.yaml"]).current_dir(dir.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("api/paths/pets.yaml:4:13: error[import::ref_outside]"), "{stderr}");
}

/// `accord generate api.yaml` on an OpenAPI description imports it in memory and writes what
/// importing it into a kept spec and generating from that writes (only the source named in the
/// `@generated` lines and the docs differs), and nothing outside the output folder; `check`
/// takes it too.
#[test]
fn generate_takes_an_openapi_description_as_importing_it_then_generating_would() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("openapi.yaml"),
        "openapi: 3.1.0\ninfo: {title: Pets, version: '1'}\npaths:\n  /pets/{id}:\n    get:\n      operationId: getPet\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses:\n        '200': {description: a pet, content: {application/json: {schema: {type: object, properties: {name: {type: string, multipleOf: 2}}}}}}\n",
    )
    .unwrap();
    let runtime = root().join("crates/accord-runtime");
    let runtime = runtime.to_str().unwrap();
    let run = |args: &[&str]| {
        let output = accord().args(args).current_dir(dir.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        (String::from_utf8_lossy(&output.stdout).into_owned(), stderr)
    };
    let (stdout, stderr) = run(&["generate", "openapi.yaml", "--out", "direct", "--runtime-path", runtime]);
    assert!(stdout.starts_with("openapi.yaml: 9 file(s) written, 0 unchanged\n"), "{stdout}");
    // The import's warnings, as `accord import openapi` prints them.
    assert!(stderr.contains("openapi.yaml:9:"), "{stderr}");
    assert!(stderr.contains("warning: `multipleOf` has no accord equivalent"), "{stderr}");
    let mut entries: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    entries.sort();
    assert_eq!(entries, ["direct", "openapi.yaml"], "nothing is written beside the description");
    run(&["import", "openapi", "openapi.yaml", "-o", "specs/pets.yaml"]);
    run(&["generate", "specs/pets.yaml", "--out", "kept", "--runtime-path", runtime]);
    let files = |folder: &str| -> Vec<(PathBuf, String)> {
        let mut found = Vec::new();
        let mut stack = vec![dir.path().join(folder)];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else if !path.to_str().unwrap().contains("/.accord") {
                // Not the manifest, nor the lock (`.accord/lock`, the writer's process id).
                let text = std::fs::read_to_string(&path).unwrap().replace("openapi.yaml", "specs/pets.yaml");
                found.push((path.strip_prefix(dir.path().join(folder)).unwrap().to_path_buf(), text));
            }
        }
        found.sort();
        found
    };
    let (direct, kept) = (files("direct"), files("kept"));
    assert!(direct.iter().any(|(path, _)| path == Path::new("pets/src/lib.rs")), "{direct:?}");
    assert_eq!(direct.len(), kept.len());
    for ((path, text), (kept_path, kept_text)) in direct.iter().zip(&kept) {
        assert_eq!(path, kept_path);
        assert!(text == kept_text, "{} differs", path.display());
    }
    let (stdout, _) = run(&["check", "openapi.yaml"]);
    assert_eq!(stdout, "openapi.yaml: ok (1 endpoints, 1 models)\n");
    // In a folder of specs a description is read as a spec, and the error says what to do.
    std::fs::copy(dir.path().join("openapi.yaml"), dir.path().join("specs/openapi.yaml")).unwrap();
    let output = accord().args(["check", "specs"]).current_dir(dir.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("help: `specs/openapi.yaml` is an OpenAPI description, not a spec: generate from it alone (`accord generate specs/openapi.yaml`)"),
        "{stderr}"
    );
    // A folder of JSON descriptions holds no spec; the error names a way to use them.
    std::fs::create_dir(dir.path().join("apis")).unwrap();
    std::fs::write(dir.path().join("apis/pets.json"), "{\"openapi\": \"3.1.0\"}").unwrap();
    let output = accord().args(["generate", "apis"]).current_dir(dir.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "error: no `*.yaml` specs in `apis`\nhelp: `apis` holds 1 OpenAPI description(s); generate from one by naming it (`accord generate apis/pets.json`)\n"
    );
    // A description that does not import: the import's error, and nothing written.
    std::fs::write(dir.path().join("old.json"), "{\n  \"swagger\": \"1.2\"\n}\n").unwrap();
    let output = accord().args(["generate", "old.json", "--out", "old"]).current_dir(dir.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("old.json:2:3: error[import::not_openapi]"), "{stderr}");
    assert!(stderr.contains("error: `old.json` was not imported; nothing was written"), "{stderr}");
    assert!(!dir.path().join("old").exists());
}

#[test]
fn import_makes_the_folder_of_its_output_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("openapi.yaml"),
        "openapi: 3.1.0\ninfo: {title: Pets, version: '1'}\npaths:\n  /pets:\n    get:\n      responses:\n        '204': {description: none}\n",
    )
    .unwrap();
    let output = accord()
        .args(["import", "openapi", "openapi.yaml", "-o", "specs/pets.yaml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let spec = std::fs::read_to_string(dir.path().join("specs/pets.yaml")).expect("the spec is written");
    assert!(spec.contains("name: pets"), "{spec}");
    // A file standing where the folder should be is an error naming both, not a panic.
    std::fs::write(dir.path().join("taken"), "").unwrap();
    let output = accord()
        .args(["import", "openapi", "openapi.yaml", "-o", "taken/pets.yaml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot create the folder `taken` for `taken/pets.yaml`"), "{stderr}");
}

#[test]
fn generate_refuses_hand_written_files_and_links_by_name_and_force_replaces_the_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("specs")).unwrap();
    std::fs::copy(root().join("specs/orders.yaml"), dir.path().join("specs/orders.yaml")).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("orders")).unwrap();
    std::fs::write(out.join("orders/README.md"), "# My notes\n").unwrap();
    let run = |extra: &[&str]| {
        accord()
            .arg("generate")
            .arg("specs")
            .arg("--out")
            .arg(&out)
            .args(extra)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let refused = run(&[]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("1 file(s) at generated paths were not written by accord; pass --force"), "{stderr}");
    assert!(stderr.contains("out/orders/README.md (no `@generated by accord` header"), "{stderr}");
    assert!(stderr.contains("nothing in `"), "{stderr}");
    assert_eq!(std::fs::read_to_string(out.join("orders/README.md")).unwrap(), "# My notes\n");
    assert!(!out.join("orders/src").exists(), "nothing else written either");

    let forced = run(&["--force"]);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    assert!(String::from_utf8_lossy(&forced.stderr).contains("warning: replaced `"), "the replaced file is named");
    assert!(std::fs::read_to_string(out.join("orders/README.md")).unwrap().contains("@generated by accord"));

    #[cfg(unix)]
    {
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::rename(out.join("orders"), elsewhere.join("orders")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("orders"), out.join("orders")).unwrap();
        let linked = run(&["--force"]);
        assert_eq!(linked.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&linked.stderr);
        assert!(stderr.contains("out/orders` is a symbolic link"), "{stderr}");
    }
}

#[test]
fn explain_prints_a_code_and_fails_on_an_unknown_one_with_a_suggestion() {
    let output = accord().args(["explain", "spec::unknown_ref"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("error[spec::unknown_ref]: a type name that is neither a model nor a primitive"));
    assert!(stdout.contains("is not declared under `models`"), "{stdout}");
    assert!(stdout.contains("\nExample:\n\n    models:\n") && stdout.contains("\nFixed:\n"), "{stdout}");

    let unknown = accord().args(["explain", "spec::unknown_rf"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(1));
    assert!(unknown.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.starts_with("error: `spec::unknown_rf` is not a diagnostic code; did you mean `spec::unknown_ref`?"),
        "{stderr}"
    );

    let list = accord().args(["explain", "--list"]).output().unwrap();
    assert!(list.status.success());
    let stdout = String::from_utf8_lossy(&list.stdout);
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows.len(), accord::diag::codes::all().len());
    assert!(rows.iter().any(|row| row.starts_with("spec::unsigned_webhooks ") && row.contains("  warning  ")));
    assert!(rows.iter().any(|row| row.starts_with("yaml::syntax ") && row.contains("  error    the spec is not")));
}

#[test]
fn schema_prints_the_committed_json_schema() {
    let output = accord().arg("schema").output().unwrap();
    assert!(output.status.success());
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("generated/accord.schema.json")).unwrap()).unwrap();
    assert_eq!(printed, committed);
}

/// Kills the child when the test ends, even on a failed assertion.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn verify_passes_against_mock_and_fails_against_a_server_that_is_not_the_api() {
    use std::io::{BufRead, BufReader};
    let mut mock = Running(
        accord()
            .args(["mock", "specs/orders.yaml", "--port", "0"])
            .current_dir(root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("accord mock starts"),
    );
    let stdout = mock.0.stdout.take().expect("stdout is piped");
    let mut first = String::new();
    let mut lines = BufReader::new(stdout);
    lines.read_line(&mut first).expect("the mock prints its address");
    assert!(first.starts_with("accord mock: `orders` (6 endpoints, 16 scenarios) on http://127.0.0.1:"), "{first}");
    let url = first.trim().rsplit(' ').next().expect("url").to_string();

    let output = accord()
        .args(["verify", "specs/orders.yaml", "--base-url", &url])
        .current_dir(root())
        .env_remove("ORDERS_CLIENT_ID")
        .env_remove("ORDERS_CLIENT_SECRET")
        .output()
        .expect("accord verify runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{report}");
    assert!(report.contains("(accord mock)"), "{report}");
    assert!(report.contains("duplicate_request #2"), "{report}");
    assert!(report.contains("16 passed, 0 failed, 0 skipped"), "{report}");

    // Pointed at a path prefix that routes nowhere, the declared token endpoint issues no
    // token: the scenario fails (not skipped) and says why.
    let output = accord()
        .args(["verify", "specs/orders.yaml", "--base-url", &format!("{url}/nowhere"), "--scenario", "get_order_ok"])
        .current_dir(root())
        .env("ORDERS_CLIENT_ID", "test-client")
        .env("ORDERS_CLIENT_SECRET", "test-secret")
        .output()
        .expect("accord verify runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{report}");
    assert!(report.contains("get_order_ok") && report.contains("FAIL"), "{report}");
    assert!(report.contains("failed: no access token: POST"), "{report}");
    assert!(report.contains("0 passed, 1 failed, 0 skipped"), "{report}");

    // Ctrl-C (SIGINT) stops the mock cleanly: exit code 0 and a last line.
    #[cfg(unix)]
    {
        let pid = mock.0.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status().expect("kill runs");
        assert!(sent.success());
        let status = mock.0.wait().expect("the mock exits");
        assert!(status.success(), "{status:?}");
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut lines, &mut rest).expect("stdout reads");
        assert!(rest.ends_with("accord mock: stopped\n"), "{rest}");
    }
}

#[test]
fn verify_and_mock_refuse_durations_that_are_not_positive() {
    let cases: [(&[&str], &str); 3] = [
        (&["verify", "specs/orders.yaml", "--base-url", "http://127.0.0.1:1", "--timeout", "0"], "--timeout"),
        (&["verify", "specs/orders.yaml", "--base-url", "http://127.0.0.1:1", "--deadline", "NaN"], "--deadline"),
        (&["mock", "specs/orders.yaml", "--port", "0", "--header-read-timeout", "0"], "--header-read-timeout"),
    ];
    for (args, flag) in cases {
        let output = accord().args(args).current_dir(root()).output().expect("accord runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}");
        assert!(stderr.contains(&format!("error: {flag} expects a positive number of seconds, got ")), "{stderr}");
    }
}

/// `accord import` gives a warning once per component and message with how often it was met,
/// the first five of each kind in full, and a summary by kind at the end.
#[test]
fn import_prints_warnings_once_with_their_uses_and_a_summary_by_kind() {
    let fixture = root().join("tests/import/fixtures/repeated-component-warnings/input.yaml");
    let output = accord().args(["import", "openapi"]).arg(&fixture).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            ": warning: `multipleOf` has no accord equivalent; dropped [keyword_unsupported] (3 uses) (at #/components/parameters/Step/schema)\n"
        ),
        "{stderr}"
    );
    let summary = stderr.split_once("warnings by kind (3 warning(s), met 9 time(s)):\n").map(|(_, rest)| rest);
    assert_eq!(summary, Some("  keyword_unsupported               3  (9 uses)\n"), "{stderr}");
}

/// `accord mock` prints what a webhook receiver needs (the test signing secret and the
/// variable the generated `verify` reads), and `--webhook-secret` replaces it without echoing
/// it (issue 16, point 9).
#[test]
fn mock_prints_the_webhook_secret_and_takes_another() {
    use std::io::{BufRead, BufReader};
    let banner = |extra: &[&str]| {
        let mut mock = Running(
            accord()
                .args(["mock", "specs/orders.yaml", "--port", "0"])
                .args(extra)
                .current_dir(root())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("accord mock starts"),
        );
        let mut lines = BufReader::new(mock.0.stdout.take().expect("stdout is piped"));
        let mut banner = String::new();
        while !banner.contains("play a scenario") {
            let read = lines.read_line(&mut banner).expect("stdout reads");
            assert!(read > 0, "the mock stopped before its banner ended: {banner}");
        }
        banner
    };
    let contract: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("generated/orders/contract.json")).unwrap()).unwrap();
    let test_key = contract["webhooks"]["test_signing_key"].as_str().expect("orders signs its webhooks");
    let default = banner(&[]);
    assert!(default.contains(&format!("webhook signing secret: `{test_key}`")), "{default}");
    assert!(default.contains("--webhook-secret"), "{default}");
    let given = banner(&["--webhook-secret", "whsec_given_by_the_user"]);
    assert!(given.contains("signed with the secret given by --webhook-secret"), "{given}");
    assert!(!given.contains("whsec_given_by_the_user") && !given.contains(test_key), "{given}");
}

/// A spec small enough to build quickly, whose webhooks need a runtime feature (`ed25519`), so
/// the features list is written in every form of the runtime dependency.
const OUT_OF_TREE_SPEC: &str = r#"accord: 1
name: outside
environments:
  production: { base_url: "https://api.example.com" }
models:
  Thing: { type: object, required: [id], properties: { id: string } }
endpoints:
  get_thing:
    method: GET
    path: /things/{id}
    path_params: { id: string }
    responses: { 200: Thing }
webhooks:
  signature: { preset: standard-webhooks-v1a }
  events:
    thing.created: { payload: Thing }
"#;

#[test]
fn a_spec_compiled_outside_the_repository_builds_with_the_runtime_by_path_and_writes_git_and_version_forms() {
    // A folder outside the repository (the system's temporary folder), as a user's project.
    let dir = tempfile::tempdir().unwrap();
    assert!(!dir.path().starts_with(root()), "the temporary folder must be outside the repository");
    std::fs::write(dir.path().join("outside.yaml"), OUT_OF_TREE_SPEC).unwrap();
    let generate = |out: &str, runtime: &[&str]| {
        let output = accord()
            .args(["generate", "outside.yaml", "--out", out])
            .args(runtime)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        std::fs::read_to_string(dir.path().join(out).join("outside/Cargo.toml")).unwrap()
    };

    // The git and version forms: the manifest they write (building them would need the network).
    let git = generate("git", &["--runtime-git", "https://example.com/accord.git", "--runtime-tag", "v0.1.0"]);
    assert!(
        git.contains(
            r#"accord-runtime = { git = "https://example.com/accord.git", tag = "v0.1.0", default-features = false, features = ["ed25519", "webhooks"] }"#
        ),
        "{git}"
    );
    assert!(git.contains(r#"accord-mock = { git = "https://example.com/accord.git", tag = "v0.1.0" }"#), "{git}");
    let version = generate("version", &["--runtime-version", "0.1"]);
    assert!(
        version.contains(
            r#"accord-runtime = { version = "0.1", default-features = false, features = ["ed25519", "webhooks"] }"#
        ),
        "{version}"
    );
    assert!(version.contains(r#"accord-mock = { version = "0.1" }"#), "{version}");
    let refused = accord()
        .args(["generate", "outside.yaml", "--runtime-version", "0.1", "--runtime-git", "https://example.com/a.git"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!refused.status.success(), "two runtime sources at once must be refused");

    // The path form, absolute, and the crate built (checked) where it stands, outside the
    // workspace: offline, with the repository's lock file so no version is resolved anew.
    let runtime = root().join("crates/accord-runtime");
    let manifest = generate("path", &["--runtime-path", runtime.to_str().unwrap()]);
    assert!(
        manifest.contains(&format!(
            r#"accord-runtime = {{ path = "{}", default-features = false, features = ["ed25519", "webhooks"] }}"#,
            runtime.display()
        )),
        "{manifest}"
    );
    let crate_dir = dir.path().join("path/outside");
    std::fs::copy(root().join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
    // A target folder of its own: the one running this test is locked by the `cargo test`.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("out-of-tree");
    let build = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "the out-of-tree crate does not build:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
}

/// Issue 21: `generate` removes what it wrote before and no longer produces (a spec taken
/// away), names each file, keeps files the user put in the output folder, reports the stale
/// files under `--check`, and removes nothing when the run fails.
#[test]
fn generate_removes_files_it_no_longer_produces_and_keeps_the_users() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir_all(&specs).unwrap();
    for spec in ["orders.yaml", "svix.yaml"] {
        std::fs::copy(root().join("specs").join(spec), specs.join(spec)).unwrap();
    }
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        accord()
            .arg("generate")
            .arg("specs")
            .arg("--out")
            .arg(&out)
            .args(extra)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let first = run(&[]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(out.join("svix/src/client.rs").is_file());
    std::fs::write(out.join("svix/NOTES.md"), "my notes\n").unwrap();
    std::fs::write(out.join("docs/src/mine.md"), "mine\n").unwrap();

    // The svix spec goes and another spec is broken: the run fails and removes nothing.
    std::fs::remove_file(specs.join("svix.yaml")).unwrap();
    std::fs::write(specs.join("broken.yaml"), "accord: 1\nname: broken\nendpoints: 3\n").unwrap();
    let failed = run(&[]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(out.join("svix/src/client.rs").is_file(), "a failed run removes nothing");

    std::fs::remove_file(specs.join("broken.yaml")).unwrap();
    let check = run(&["--check"]);
    assert!(!check.status.success());
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains("svix/src/client.rs (no longer generated: a run removes it)"), "{stderr}");
    assert!(out.join("svix/src/client.rs").is_file(), "--check removes nothing");

    let second = run(&[]);
    assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
    let stdout = String::from_utf8_lossy(&second.stdout);
    for gone in ["svix/src/client.rs", "svix/Cargo.toml", "docs/src/svix/models.md"] {
        let line = format!("removed `{}`: generated before, no longer produced", out.join(gone).display());
        assert!(stdout.contains(&line), "{line}\n{stdout}");
        assert!(!out.join(gone).exists(), "{gone}");
    }
    assert!(!out.join("svix/src").exists() && !out.join("docs/src/svix").exists(), "emptied folders go too");
    assert_eq!(std::fs::read_to_string(out.join("svix/NOTES.md")).unwrap(), "my notes\n");
    assert_eq!(std::fs::read_to_string(out.join("docs/src/mine.md")).unwrap(), "mine\n");
    assert!(out.join("orders/src/client.rs").is_file());
    assert!(run(&["--check"]).status.success());
}
