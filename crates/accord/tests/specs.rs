//! End-to-end tests of the compiler library, one binary: every bad spec under
//! `tests/bad-specs/` is pinned by a snapshot of its rendered diagnostics (none panics, none
//! compiles), every good spec compiles and every file generated from `tests/good-specs/` is
//! pinned by a snapshot, and `generated/` is what `specs/` produce.

use std::path::{Path, PathBuf};

use accord::diag::codes;
use accord::emit::Options;
use accord::project::{Failure, compile_spec, compile_specs, generate_all, read_source, spec_files};

#[path = "specs/export.rs"]
mod export;
#[path = "specs/hostile.rs"]
mod hostile;
#[path = "specs/placeholders.rs"]
mod placeholders;
#[path = "specs/schema_agreement.rs"]
mod schema_agreement;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

/// Compiles `path` relative to the workspace root so that rendered paths are stable: its
/// rendered diagnostics, and their codes. A file that is not UTF-8 goes through the
/// file-reading driver, as `accord check` reads it.
fn compile_relative(relative: &str) -> (String, Vec<&'static codes::Code>) {
    let root = workspace_root();
    // Read as the CLI reads specs, so that a file that is not UTF-8 gets its diagnostic.
    let result = match read_source(&root.join(relative)) {
        Ok(source) => compile_spec(Path::new(relative), &source).map(|_| ()),
        Err(failure) => Err(Failure { path: PathBuf::from(relative), ..failure }),
    };
    match result {
        Ok(()) => ("compiled without errors".to_string(), Vec::new()),
        Err(failure) => (failure.render(), failure.diagnostics.iter().map(|d| d.code).collect()),
    }
}

fn diagnostics_of(relative: &str) -> String {
    compile_relative(relative).0
}

/// Registered codes that no single spec file can get, with why; every other code must have
/// an example under `tests/bad-specs/`.
const CODES_NO_SPEC_FILE_CAN_GET: &[(&str, &str)] = &[
    ("spec::duplicate_spec", "needs two spec files with the same `name`"),
    ("spec::colliding_specs", "needs two spec files whose names make the same crate"),
    ("internal::schema", "needs a broken accord (the spec language's own JSON Schema does not compile)"),
    ("io::read", "needs a file that cannot be read (a folder, no permission)"),
    ("import::invalid_json", "an OpenAPI document given to `accord import`, not a spec (diag::codes tests)"),
    ("import::not_openapi", "an OpenAPI document given to `accord import`, not a spec (diag::codes tests)"),
    ("import::output_name", "the output file name given to `accord import` (diag::codes tests)"),
    ("import::ref_url", "a `$ref` of an OpenAPI description given to `accord import` (fixture ref-url)"),
    ("import::ref_outside", "a `$ref` of an OpenAPI description given to `accord import` (fixture ref-outside-folder)"),
    ("import::ref_unreadable", "a `$ref` of an OpenAPI description given to `accord import` (diag::codes tests)"),
    ("import::ref_limit", "an OpenAPI description of more than 10,000 files (import::openapi::bundle tests)"),
    ("internal::import_print", "needs a broken accord (an imported spec that does not print)"),
];

#[test]
fn every_code_a_spec_file_can_get_has_a_bad_spec() {
    let root = workspace_root();
    let mut found = std::collections::BTreeSet::new();
    for path in spec_files(&root.join("tests/bad-specs")).expect("bad-specs folder") {
        let relative = path.strip_prefix(&root).expect("inside the workspace").to_string_lossy().replace('\\', "/");
        found.extend(compile_relative(&relative).1.into_iter().map(|code| code.name()));
    }
    let missing: Vec<&str> = codes::all()
        .into_iter()
        .map(|code| code.name())
        .filter(|name| !found.contains(name) && !CODES_NO_SPEC_FILE_CAN_GET.iter().any(|(code, _)| code == name))
        .collect();
    assert!(missing.is_empty(), "codes with no example under tests/bad-specs/: {missing:?}");
    for (code, _) in CODES_NO_SPEC_FILE_CAN_GET {
        assert!(codes::find(code).is_some(), "{code} is listed as needing more than a file but is not registered");
    }
}

#[test]
fn bad_specs_report_located_diagnostics() {
    let root = workspace_root();
    let mut count = 0;
    insta::glob!("../../../tests/bad-specs", "*.yaml", |path| {
        count += 1;
        let relative = path.strip_prefix(&root).expect("inside the workspace").to_string_lossy().replace('\\', "/");
        let rendered = diagnostics_of(&relative);
        assert_ne!(rendered, "compiled without errors", "{relative} must not compile");
        assert!(rendered.contains(&format!("{relative}:")), "{relative}: diagnostics must name the file:\n{rendered}");
        insta::assert_snapshot!(rendered);
    });
    assert!(count >= 25, "the bad-spec corpus has {count} files; it needs at least 25");
}

#[test]
fn good_specs_compile() {
    let root = workspace_root();
    let mut files = spec_files(&root.join("specs")).expect("specs folder");
    files.extend(spec_files(&root.join("tests/good-specs")).expect("good-specs folder"));
    let (compiled, failures) = compile_specs(&files);
    let rendered: Vec<String> = failures.iter().map(|f| f.render()).collect();
    assert!(failures.is_empty(), "{}", rendered.join("\n"));
    assert!(compiled.len() >= 4);
    // The orders webhooks check a timestamp they do not sign, as seed 002 describes them: a
    // warning, located, not an error.
    let orders = compiled.iter().find(|c| c.path.ends_with("specs/orders.yaml")).expect("orders");
    let warning = orders.warnings.iter().find(|w| w.code == codes::spec::UNSIGNED_TIMESTAMP).expect("the warning");
    assert!(warning.location.is_some_and(|l| l.line > 300), "{warning:?}");
}

/// Files generated from every spec set alike, so not snapshotted: each must be the bytes
/// `generated/` holds (the JSON Schema of the spec language, the book's Mermaid loader and table style).
const SHARED_FILES: [&str; 4] = ["accord.schema.json", "docs/mermaid-init.js", "docs/tables.css", "docs/tables.js"];

/// Folder of the good specs' golden output, one snapshot per generated file.
const GOOD_SPEC_SNAPSHOTS: &str = "snapshots/good-specs";

#[test]
fn good_specs_generate_their_reviewed_snapshots() {
    // Compiled together and named by their paths from the workspace root, as
    // `accord generate tests/good-specs/` does: one crate per spec and one docs book.
    let root = workspace_root();
    let compiled: Vec<_> = spec_files(&root.join("tests/good-specs"))
        .expect("good-specs folder")
        .iter()
        .map(|path| {
            let relative = path.strip_prefix(&root).expect("inside the workspace");
            let source = std::fs::read_to_string(path).expect("readable spec");
            compile_spec(relative, &source).unwrap_or_else(|failure| panic!("{}", failure.render()))
        })
        .collect();
    let generated = generate_all(&compiled, &Options::default()).expect("generation succeeds");
    let mut expected = std::collections::BTreeSet::new();
    for file in &generated {
        let path = file.path.to_string_lossy().replace('\\', "/");
        if SHARED_FILES.contains(&path.as_str()) {
            let pinned = std::fs::read_to_string(root.join("generated").join(&path)).expect("the file in generated/");
            assert!(file.contents == pinned, "{path} differs from generated/{path}, which every spec set shares");
            continue;
        }
        // `good_specs@orders/src/client.rs` is the file `good_specs@orders__src__client.rs.snap`.
        expected.insert(format!("good_specs@{}.snap", path.replace('/', "__")));
        insta::with_settings!({
            snapshot_path => GOOD_SPEC_SNAPSHOTS,
            prepend_module_to_snapshot => false,
            snapshot_suffix => path.clone(),
            description => format!("`accord generate tests/good-specs/`: {path}"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!("good_specs", file.contents);
        });
    }
    // A snapshot whose file is no longer generated is stale: delete it.
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(GOOD_SPEC_SNAPSHOTS);
    let on_disk: std::collections::BTreeSet<String> = std::fs::read_dir(&folder)
        .expect("the snapshot folder")
        .map(|entry| entry.expect("a folder entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".snap"))
        .collect();
    let stale: Vec<&String> = on_disk.difference(&expected).collect();
    assert!(stale.is_empty(), "snapshots of files no longer generated, in {}: {stale:?}", folder.display());
}

#[test]
fn declared_timeouts_and_pagination_reach_the_generated_client() {
    let root = workspace_root();
    let (compiled, failures) = compile_specs(&[root.join("tests/good-specs/timeouts_and_next_url.yaml")]);
    assert!(failures.is_empty());
    let generated = generate_all(&compiled, &Options::default()).expect("generation succeeds");
    let client = generated
        .iter()
        .find(|file| file.path.ends_with("src/client.rs"))
        .map(|file| file.contents.split_whitespace().collect::<String>())
        .expect("client.rs");
    // Compared without whitespace: prettyplease decides the line breaks.
    let has = |needle: &str| client.contains(&needle.split_whitespace().collect::<String>());
    assert!(has("::std::time::Duration::from_millis(5000u64)"), "connect timeout");
    assert!(has("::std::time::Duration::from_millis(15000u64)"), "attempt timeout");
    assert!(has("::std::option::Option::Some(::std::time::Duration::from_millis(120000u64),"), "operation");
    assert!(has("::accord_runtime::PageStyle::NextUrl"), "next-URL pagination");
    assert!(has("pub fn stream("), "an item stream (items resolve to Event)");
    assert!(has("Retried up to 4 attempts in all (500 ms to 8 s backoff, ×2, equal jitter)"));
}

#[test]
fn event_examples_hold_the_path_to_a_nested_event_type() {
    let root = workspace_root();
    let (compiled, failures) = compile_specs(&[root.join("tests/good-specs/nested_event_type.yaml")]);
    assert!(failures.is_empty());
    let ir = &compiled[0].ir;
    let webhooks = ir.webhooks.as_ref().expect("webhooks");
    let contract = accord::emit::contract::build(ir);
    let events = &contract.webhooks.as_ref().expect("contract webhooks").events;
    for (event, contract_event) in webhooks.events.iter().zip(events) {
        // The optional array and object on the way are sampled in, with their required fields.
        let item = &event.example["notificationItems"][0]["NotificationRequestItem"];
        assert!(item["pspReference"].is_string() && item["amount"]["value"].is_i64(), "{}", event.example);
        // The contract's example carries the event type at the pointer, inside that item.
        let example = &contract_event.example;
        let at = example.pointer("/notificationItems/0/NotificationRequestItem");
        assert_eq!(at.and_then(|i| i.get("eventCode")), Some(&serde_json::json!(event.event_type)), "{example}");
        assert!(at.is_some_and(|i| i["amount"]["currency"].is_string()), "{example}");
    }
}

#[test]
fn identical_inline_types_are_one_rust_type_and_declared_models_stay() {
    use accord::ir::{TypeExpr, TypeKind};
    let root = workspace_root();
    let (compiled, failures) = compile_specs(&[root.join("specs/orders.yaml")]);
    assert!(failures.is_empty());
    let ir = &compiled[0].ir;
    let kind = |name: &str| &ir.types.iter().find(|t| t.name == name).expect(name).kind;
    // `Document.kind` repeats `AttachDocument.kind`'s inline enum: an alias of the first.
    assert!(
        matches!(kind("DocumentKind"), TypeKind::Alias { target: TypeExpr::Named(t), .. } if t.name() == "AttachDocumentKind"),
        "{:?}",
        kind("DocumentKind")
    );
    assert!(matches!(kind("AttachDocumentKind"), TypeKind::Enum { .. }));
    // Declared models keep their own definitions even where shapes match.
    // Declared models keep their own definitions: no declared model becomes an alias of
    // another named type (orders declares none as an alias).
    let aliased: Vec<&str> = ir
        .types
        .iter()
        .filter(|t| t.is_model && matches!(&t.kind, TypeKind::Alias { target: TypeExpr::Named(_), .. }))
        .map(|t| t.name.as_str())
        .collect();
    assert!(aliased.is_empty(), "{aliased:?}");
}

#[test]
fn generated_folder_is_up_to_date() {
    let root = workspace_root();
    let files = spec_files(&root.join("specs")).expect("specs folder");
    let relative: Vec<PathBuf> = files.iter().map(|f| f.strip_prefix(&root).expect("inside").to_path_buf()).collect();
    std::env::set_current_dir(&root).expect("cd to the workspace root");
    let (compiled, failures) = compile_specs(&relative);
    assert!(failures.is_empty());
    let generated = generate_all(&compiled, &Options::default()).expect("generation succeeds");
    let report = accord::write::write_files(
        &root.join("generated"),
        &generated,
        &accord::write::WriteOptions { check_only: true, ..Default::default() },
    )
    .expect("check runs");
    assert!(
        report.changed.is_empty(),
        "stale files in generated/ (run `cargo run -- generate specs/`): {:?}",
        report.changed
    );
}

#[test]
fn generation_is_deterministic() {
    let root = workspace_root();
    std::env::set_current_dir(&root).expect("cd to the workspace root");
    let files = vec![PathBuf::from("specs/orders.yaml")];
    let (first, _) = compile_specs(&files);
    let (second, _) = compile_specs(&files);
    let a = generate_all(&first, &Options::default()).expect("generates");
    let b = generate_all(&second, &Options::default()).expect("generates");
    assert_eq!(a, b);
    assert!(
        a.iter()
            .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
            .all(|f| f.contents.starts_with("// @generated by accord from specs/orders.yaml"))
    );
}

#[test]
fn every_spec_points_at_the_schema() {
    let root = workspace_root();
    for file in spec_files(&root.join("specs")).expect("specs folder") {
        let text = std::fs::read_to_string(&file).expect("readable");
        assert!(
            text.starts_with("# yaml-language-server: $schema=../generated/accord.schema.json"),
            "{} must start with the schema line",
            file.display()
        );
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A deterministic sweep of truncations and mutations of a real spec: each must give a
    // result (compiled or diagnostics), never a panic.
    let root = workspace_root();
    let source = std::fs::read_to_string(root.join("specs/orders.yaml")).expect("readable");
    let bytes = source.as_bytes();
    for cut in (0..bytes.len()).step_by(97) {
        let truncated = String::from_utf8_lossy(&bytes[..cut]).into_owned();
        let _ = compile_spec(Path::new("specs/orders.yaml"), &truncated);
    }
    for (index, replacement) in
        [(b':', b' '), (b' ', b'\t'), (b'-', b'['), (b'{', b'}')].iter().cycle().take(200).enumerate()
    {
        let mut mutated = bytes.to_vec();
        let at = (index * 7919) % mutated.len();
        if mutated[at] == replacement.0 || index % 2 == 0 {
            mutated[at] = replacement.1;
        }
        let text = String::from_utf8_lossy(&mutated).into_owned();
        let _ = compile_spec(Path::new("specs/orders.yaml"), &text);
    }
}

/// A minimal spec whose webhooks use `signature`, for preset tests.
fn webhook_spec(signature: &str) -> String {
    format!(
        "accord: 1\nname: hooks\nmodels:\n  Ping:\n    required: [type]\n    properties: {{ type: string }}\n\
         endpoints:\n  get_ping:\n    method: GET\n    path: /ping\n    responses: {{ \"200\": Ping }}\n\
         webhooks:\n  signature: {signature}\n  event_type_field: /type\n  events:\n    ping: {{ payload: Ping }}\n"
    )
}

#[test]
fn every_webhook_preset_passes_the_checker_and_generates() {
    for preset in accord::spec::presets::ALL {
        let source = webhook_spec(&format!("{{ preset: {} }}", preset.id()));
        let compiled = compile_spec(Path::new("hooks.yaml"), &source)
            .unwrap_or_else(|failure| panic!("preset {}: {}", preset.id(), failure.render()));
        let webhooks = compiled.ir.webhooks.as_ref().expect("webhooks lowered");
        assert_eq!(webhooks.preset, Some(preset));
        assert_eq!(webhooks.signature, accord::lower::preset_scheme(preset.id()));
        let generated = generate_all(&[compiled], &Options::default()).expect("generation succeeds");
        let module = generated.iter().find(|f| f.path.ends_with("src/webhooks.rs")).expect("webhooks.rs");
        let header = &accord::lower::preset_scheme(preset.id()).expect("preset").header;
        assert!(module.contents.contains(&format!("Cow::Borrowed(\"{header}\")")), "{}", preset.id());
        // Schemes that sign the request URL take it as an argument.
        let takes_url = module.contents.contains("url: &str");
        assert_eq!(takes_url, preset.id() == "twilio", "{}", preset.id());
    }
}

#[test]
fn fields_next_to_a_preset_override_it_field_by_field() {
    let source =
        webhook_spec("{ preset: standard-webhooks-v1, timestamp: { tolerance: 10m }, id_header: x-message-id }");
    let compiled = compile_spec(Path::new("hooks.yaml"), &source).unwrap_or_else(|f| panic!("{}", f.render()));
    let signature = compiled.ir.webhooks.as_ref().and_then(|w| w.signature.as_ref()).expect("a signature");
    assert_eq!(signature.tolerance_seconds, 600, "the tolerance is overridden");
    assert_eq!(signature.timestamp_header.as_deref(), Some("webhook-timestamp"), "the preset's header is kept");
    assert_eq!(signature.id_header.as_deref(), Some("x-message-id"));
    assert_eq!(signature.format, "v1,{base64}");
    assert_eq!(signature.key.prefix.as_deref(), Some("whsec_"));
    // The signed message id identifies the delivery when nothing else is declared.
    assert_eq!(compiled.ir.webhooks.as_ref().expect("webhooks").event_id_header.as_deref(), Some("x-message-id"));
}

/// The docs book of the real specs, paths relative to its root.
fn docs_book() -> Vec<accord::emit::GeneratedFile> {
    let root = workspace_root();
    std::env::set_current_dir(&root).expect("cd to the workspace root");
    let files = spec_files(Path::new("specs")).expect("specs folder");
    let (compiled, failures) = compile_specs(&files);
    assert!(failures.is_empty());
    let irs: Vec<&accord::ir::Ir> = compiled.iter().map(|c| &c.ir).collect();
    accord::emit::generate_docs(&irs, &Options::default()).expect("the book renders")
}

#[test]
fn the_docs_book_has_its_layout_and_every_page_links_models_endpoints_and_errors() {
    let book = docs_book();
    let paths: Vec<String> = book.iter().map(|f| f.path.to_string_lossy().replace('\\', "/")).collect();
    assert_eq!(
        paths,
        [
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
            "tables.js"
        ]
    );
    let file = |path: &str| &book.iter().find(|f| f.path == Path::new(path)).expect(path).contents;
    assert!(file("book.toml").contains("additional-js = [\"mermaid-init.js\", \"tables.js\"]"));
    let summary = file("src/SUMMARY.md");
    assert!(
        summary.contains("[API integrations](index.md)")
            && summary.contains("- [Orders API](orders/index.md)")
            && summary.contains("  - [Endpoints](orders/endpoints.md)")
    );
    let index = file("src/index.md");
    assert!(index.contains("| [Orders API](orders/index.md) (v1.0.0) | Creates and tracks customer orders. | production; 6 endpoints, 3 webhook events |"));

    // One integration's chapters, read as one text for the checks below.
    let orders: String = ["index", "endpoints", "models", "errors", "webhooks", "scenarios"]
        .iter()
        .map(|chapter| file(&format!("src/orders/{chapter}.md")).as_str())
        .collect();
    for (wanted, why) in [
        ("### create_order\n", "an endpoint heading (id `create_order`)"),
        ("| [`create_order`](#create_order) | POST | `/api/v1/orders` |", "the endpoint list links to it"),
        (
            "Request body (JSON, required): [`CreateOrder`](models.md#createorder).",
            "its request model, in the models chapter",
        ),
        (
            "```rust,ignore\nuse orders_client::{ApiError, Client, Error};\n\nasync fn create_order()",
            "its Rust example",
        ),
        (
            "```sh\ncurl -X POST 'https://api.example.com/api/v1/orders' \\\n  -H \"Authorization: Bearer $ORDERS_ACCESS_TOKEN\"",
            "its curl example",
        ),
        ("| 201 | [`Order`](models.md#order) |", "its response model"),
        ("| [`VALIDATION_ERROR`](errors.md#error-validation_error) | 400 | not retried |", "its error codes"),
        ("<a id=\"error-validation_error\"></a>`VALIDATION_ERROR`", "the error table's anchor"),
        ("| `items` | [`OrderItem`](#orderitem)[] | yes | Constraints: 1 to 100 items. |", "field constraints"),
        ("Used by [`create_order`](endpoints.md#create_order).", "models link back to endpoints"),
        ("- **Rate limit:** 100/minute, burst 100", "the endpoint's rate limit"),
        ("- **Pagination:** by cursor", "pagination"),
        ("| `order.created` | [`OrderCreated`](models.md#ordercreated) |", "webhook events and payloads"),
        ("| 2 | 1 min after attempt 1 failed |", "the webhook retry schedule"),
        ("```mermaid\nsequenceDiagram", "the sequence diagram"),
        (
            "| `happy_path`: Successful order creation | [`create_order`](endpoints.md#create_order) | 201 |",
            "scenarios",
        ),
    ] {
        assert!(orders.contains(wanted), "orders.md lacks {why}: {wanted}");
    }
    // Every in-page link of every page has a target (generation checks it too).
    for page in book.iter().filter(|f| f.path.extension().is_some_and(|e| e == "md")) {
        accord::emit::docs::check_fragments(&page.contents)
            .unwrap_or_else(|problem| panic!("{}: {problem}", page.path.display()));
    }
}

#[test]
fn a_docs_template_with_a_dead_link_or_an_undefined_variable_fails_generation_with_its_location() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = workspace_root();
    let (compiled, _) = compile_specs(&[root.join("specs/orders.yaml")]);
    let irs: Vec<&accord::ir::Ir> = compiled.iter().map(|c| &c.ir).collect();
    let options = Options { templates_dir: Some(dir.path().to_path_buf()), ..Options::default() };

    // An override that imports the shared macros renders, and replaces the embedded page.
    std::fs::write(
        dir.path().join("spec.md.j2"),
        "{% import \"macros.j2\" as m %}# {{ ir.title }}\n\n## Models\n\n{% for t in ir.types %}### {{ t.name }}\n\n{% endfor %}\
         Orders are {{ m.type_name({\"kind\": \"named\", \"of\": \"Order\"}) }}.\n",
    )
    .expect("writable");
    let book = accord::emit::generate_docs(&irs, &options).expect("the override renders");
    let page = book.iter().find(|f| f.path == Path::new("src/orders/index.md")).expect("the page");
    assert!(page.contents.ends_with("Orders are [`Order`](#order).\n"), "{}", page.contents);

    // A link to no heading is refused, naming the page and line.
    std::fs::write(dir.path().join("spec.md.j2"), "# {{ ir.title }}\n\nSee [the models](#models).\n")
        .expect("writable");
    let error = accord::emit::generate_docs(&irs, &options).expect_err("a dead link");
    assert!(error.starts_with("docs page `src/orders.md`: line 3 links to `#models`"), "{error}");

    // So is an undefined variable, with the template's name and line.
    std::fs::write(dir.path().join("spec.md.j2"), "# {{ ir.title }}\n\n{{ ir.no_such_field }}\n").expect("writable");
    let error = accord::emit::generate_docs(&irs, &options).expect_err("an undefined variable");
    assert!(error.starts_with("template `spec.md.j2` line 3: undefined value"), "{error}");
}

#[test]
fn names_are_printed_as_code_so_markdown_in_them_is_not_a_link() {
    // Found by accord-fuzz: an API key header named like a link passed check and failed
    // generate (the docs' link checker took the name for a link to a missing anchor).
    for name in ["[link](#x)", "a`[l](#x)`", "``[l](#x)", "`"] {
        let source = format!(
            "accord: 1\nname: keys\nauth:\n  credentials:\n    key:\n      api_key:\n        in: header\n        name: '{name}'\nendpoints:\n  ping:\n    method: GET\n    path: /ping\n    responses:\n      '204':\n        description: No content\n"
        );
        let compiled = compile_spec(Path::new("keys.yaml"), &source)
            .unwrap_or_else(|failure| panic!("{name}: {}", failure.render()));
        let book = accord::emit::generate_docs(&[&compiled.ir], &Options::default())
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let page = book.iter().find(|f| f.path == Path::new("src/keys/index.md")).expect("the page");
        let line = page.contents.lines().find(|line| line.contains("in the header")).expect("the key's line");
        let fence = if name.contains("``") { "```" } else { "``" };
        let shown = if name.starts_with('`') || name.ends_with('`') { format!(" {name} ") } else { name.to_string() };
        let expected = if name.contains('`') { format!("{fence}{shown}{fence}") } else { format!("`{name}`") };
        assert!(line.ends_with(&format!("{expected}.")), "{name}: {line}");
    }
}

#[test]
fn webhooks_without_a_signature_warn_and_generate_decoding_without_verification() {
    let relative = "tests/good-specs/unsigned_webhooks.yaml";
    let source = std::fs::read_to_string(workspace_root().join(relative)).expect("readable spec");
    let compiled = compile_spec(Path::new(relative), &source).unwrap_or_else(|failure| panic!("{}", failure.render()));

    // A located warning, not an error: OpenAPI 3.1 declares webhook events but never a scheme.
    let codes: Vec<&str> = compiled.warnings.iter().map(|w| w.code.name()).collect();
    assert_eq!(codes, ["spec::unsigned_webhooks"]);
    let rendered: Vec<String> = compiled.warnings.iter().map(|w| w.render(relative, &source)).collect();
    insta::assert_snapshot!("unsigned_webhooks_warning", rendered.join("\n"));

    let webhooks = compiled.ir.webhooks.as_ref().expect("webhooks lowered");
    assert!(
        webhooks.signature.is_none()
            && webhooks.secret_env.is_none()
            && accord::emit::prose::algorithm_title(webhooks).is_none()
    );
    assert_eq!(webhooks.events.len(), 2);

    let generated = generate_all(&[compiled], &Options::default()).expect("generation succeeds");
    let file = |suffix: &str| {
        &generated.iter().find(|f| f.path.ends_with(suffix)).unwrap_or_else(|| panic!("{suffix} generated")).contents
    };
    // Nothing compiles these files in this test (the consumer crate compiles the client as a
    // module from its build script); every one must at least be Rust syn accepts.
    for rust in generated.iter().filter(|f| f.path.extension().is_some_and(|e| e == "rs")) {
        syn::parse_file(&rust.contents).unwrap_or_else(|e| panic!("{}: {e}", rust.path.display()));
    }
    let flat = |text: &str| text.split_whitespace().collect::<String>();

    // The whole of every file is a snapshot (`good_specs_generate_their_reviewed_snapshots`);
    // these say what the snapshots must keep: decoding that says it verifies nothing, and no
    // verification at all.
    let module = flat(file("unsigned_webhooks/src/webhooks.rs"));
    for wanted in [
        "pub fn parse<H: ::accord_runtime::webhook::HeaderSource + ?Sized>( headers: &H, body: &[u8], ) \
         -> ::std::result::Result<Event, ::accord_runtime::webhook::WebhookError>",
        "pub fn parse_delivery<H: ::accord_runtime::webhook::HeaderSource + ?Sized>( headers: &H, body: &[u8], ) \
         -> ::std::result::Result<Delivery, ::accord_runtime::webhook::WebhookError>",
        "WITHOUT verifying it: the spec declares no signature scheme",
    ] {
        assert!(module.contains(&flat(wanted)), "webhooks.rs lacks {wanted}");
    }
    for absent in ["SCHEME", "VERIFIER", "SECRET_ENV", "fn verify", "fn sign", "Secret", "timestamp"] {
        assert!(!module.contains(absent), "webhooks.rs has {absent}");
    }

    let tests = file("unsigned_webhooks/tests/contract.rs");
    for wanted in [
        "unsigned_webhooks_client::webhooks::parse(&headers, &body)",
        "unsigned_webhooks_client::webhooks::parse_delivery(&headers, &body)",
    ] {
        assert!(tests.contains(wanted), "contract.rs lacks {wanted}");
    }
    for absent in ["webhooks::verify", "webhooks::sign", "webhook_keys", "mock_delivers_signed_webhooks"] {
        assert!(!tests.contains(absent), "contract.rs has {absent}");
    }

    // The contract has the events but no scheme and no keys, and reads back as such.
    let contract: serde_json::Value = serde_json::from_str(file("unsigned_webhooks/contract.json")).expect("JSON");
    let hooks = contract["webhooks"].as_object().expect("webhooks in the contract");
    for absent in ["scheme", "secret_env", "test_signing_key", "test_verifying_key"] {
        assert!(!hooks.contains_key(absent), "contract.json has webhooks.{absent}");
    }
    assert_eq!(hooks["events"].as_array().map(Vec::len), Some(2));
    let read = accord_contract::Contract::from_json(file("unsigned_webhooks/contract.json")).expect("a contract");
    let read = read.webhooks.expect("webhooks");
    assert!(read.scheme.is_none() && read.test_signing_key.is_empty(), "{read:?}");

    // The docs page and the README say why nothing is verified; the crate needs no Ed25519.
    let unverifiable = "Deliveries cannot be verified: the spec declares no signature scheme";
    assert!(file("docs/src/unsigned_webhooks/webhooks.md").contains(unverifiable));
    assert!(file("unsigned_webhooks/README.md").contains(unverifiable));
    assert!(!file("unsigned_webhooks/Cargo.toml").contains("ed25519"));
    assert!(file("unsigned_webhooks/src/lib.rs").contains("decoded without verification"));
}

/// Every type and error-code reference in the IR of every real and good spec is linked to
/// the definition of the same name: lowering's `Ir::link` misses no place a reference lives.
#[test]
fn every_reference_in_the_ir_is_linked() {
    use accord::ir::{TypeExpr, TypeKind};
    fn check_type(ir: &accord::ir::Ir, ty: &TypeExpr, checked: &mut usize) {
        match ty {
            TypeExpr::Named(id) => {
                let def = ir.type_def(id).unwrap_or_else(|| panic!("{}: `{}` is not linked", ir.name, id.name()));
                assert_eq!(def.name, id.name(), "{}: a reference points at another type", ir.name);
                *checked += 1;
            }
            TypeExpr::Array(inner) | TypeExpr::Map(inner) => check_type(ir, inner, checked),
            _ => {}
        }
    }
    let mut paths = spec_files(Path::new("../../specs")).expect("specs/");
    paths.extend(spec_files(Path::new("../../tests/good-specs")).expect("good specs"));
    let (compiled, failures) = compile_specs(&paths);
    assert!(failures.is_empty(), "every spec compiles");
    let mut checked = 0;
    for spec in &compiled {
        let ir = &spec.ir;
        for def in &ir.types {
            match &def.kind {
                TypeKind::Struct { fields, .. } => fields.iter().for_each(|f| check_type(ir, &f.ty, &mut checked)),
                TypeKind::Union { variants, .. } => variants.iter().for_each(|v| check_type(ir, &v.ty, &mut checked)),
                TypeKind::Alias { target, .. } => check_type(ir, target, &mut checked),
                TypeKind::Enum { .. } => {}
            }
        }
        for op in &ir.operations {
            for param in op.path_params.iter().chain(&op.query).chain(&op.headers) {
                check_type(ir, &param.ty, &mut checked);
            }
            op.body.iter().for_each(|b| check_type(ir, &b.ty, &mut checked));
            op.responses.iter().filter_map(|r| r.ty.as_ref()).for_each(|t| check_type(ir, t, &mut checked));
            op.success.iter().chain(&op.page_item).for_each(|t| check_type(ir, t, &mut checked));
            for code in &op.errors {
                assert_eq!(ir.error_code(code).map(|c| c.name.as_str()), Some(code.name()), "{}", ir.name);
            }
        }
        for step in ir.scenarios.iter().flat_map(|s| &s.steps) {
            if let Some(code) = &step.error {
                assert_eq!(ir.error_code(code).map(|c| c.name.as_str()), Some(code.name()), "{}", ir.name);
            }
        }
        ir.errors.codes.iter().for_each(|c| check_type(ir, &c.body, &mut checked));
        if let Some(webhooks) = &ir.webhooks {
            webhooks.events.iter().for_each(|e| check_type(ir, &e.payload, &mut checked));
        }
    }
    assert!(checked > 100, "the specs have many references ({checked})");
}

/// The checked-in client crates (`generated/`) have no doc-test: no
/// description becomes one (`accord::markdown::doc_tests_in_rust`, rustdoc's rule over every
/// doc comment; `cargo test --doc` would compile the same blocks).
#[test]
fn generated_crates_have_no_doc_tests() {
    let root = workspace_root();
    let mut files = Vec::new();
    let mut folders = vec![root.join("generated")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a readable folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    assert!(files.len() >= 5, "generated/ holds the client crates: found {files:?}");
    for path in files {
        let source = std::fs::read_to_string(&path).expect("a UTF-8 file");
        assert_eq!(accord::markdown::doc_tests_in_rust(&source), 0, "{} has doc-tests", path.display());
    }
}
