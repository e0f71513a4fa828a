//! Hostile input (issue 20): nesting that crashed the stack or took quadratic time, alias
//! bombs, two documents in one file, bytes that are not UTF-8, OpenAPI documents that could
//! not be located, and types whose examples grew exponentially. Each input is made here;
//! each test fails on the accord before the fix (an abort, an unlocated or other code, or a
//! run that does not end). No test measures time.

use std::path::{Path, PathBuf};

use accord::diag::{Code, Diagnostic, codes};
use accord::project::{compile_spec, compile_specs, generate_all};
use accord::spec::yaml::{MAX_ALIAS_NODES, MAX_DEPTH};

/// Runs `test` on a thread with a stack of 1 MiB, half a spawned thread's default: enough
/// for the recursion of the parsers up to their limits (serde_yaml's 128 levels, unoptimised),
/// not for recursion over 50,000 levels, which fails here.
fn on_a_small_stack<T: Send>(test: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn_scoped(scope, test)
            .expect("a thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The diagnostics of a spec that must not compile.
fn refused(name: &str, source: &str) -> Vec<Diagnostic> {
    match compile_spec(Path::new(name), source) {
        Ok(_) => panic!("{name} compiled"),
        Err(failure) => failure.diagnostics,
    }
}

/// The code and `line:column` of the first diagnostic.
fn first(diagnostics: &[Diagnostic]) -> (&'static Code, Option<(u32, u32)>) {
    let first = diagnostics.first().expect("a diagnostic");
    (first.code, first.location.map(|l| (l.line, l.column)))
}

fn repeat(text: &str, count: usize) -> String {
    text.repeat(count)
}

#[test]
fn deep_block_nesting_is_refused_located_without_recursion() {
    // 50,000 compact lists in 100 KB (over the 64 KiB at which the parsers ran side by side,
    // where the stack overflowed), and the same in a small file.
    for depth in [50_000, 1_000] {
        let source = format!("accord: 1\nname: deep\nx-deep:\n{}x\n", repeat("- ", depth));
        let diagnostics = on_a_small_stack(|| refused("deep.yaml", &source));
        // Level 1 is the top mapping; the list on line 4 is level 2, its 100th `-` level 101.
        assert_eq!(first(&diagnostics), (codes::yaml::TOO_DEEP, Some((4, 1 + 2 * (MAX_DEPTH as u32 - 1)))));
    }
    // One level per line, indented: a block mapping is located at its key in the parent, the
    // `k` on line 100 for the mapping of line 101.
    let source: String = (0..=MAX_DEPTH).map(|level| format!("{}k:\n", repeat("  ", level))).collect();
    assert_eq!(first(&refused("deep.yaml", &source)), (codes::yaml::TOO_DEEP, Some((100, 199))));
}

#[test]
fn deep_flow_nesting_is_refused_located() {
    for depth in [5_000, 100_000] {
        for (open, close) in [("[", "]"), ("{a: ", "}"), ("{\"a\": ", "}")] {
            let source = format!("accord: 1\nname: deep\nx: {}1{}\n", repeat(open, depth), repeat(close, depth));
            let diagnostics = on_a_small_stack(|| refused("deep.yaml", &source));
            let column = 4 + open.len() as u32 * MAX_DEPTH as u32;
            assert_eq!(first(&diagnostics), (codes::yaml::TOO_DEEP, Some((3, column))), "{open}");
        }
    }
}

/// Models nested as deep as the limit lets a spec write them: a type of arrays of arrays …
/// and an example value as deep. Checked, lowered and generated on the stacks the compiler
/// gives itself (emitters run on spawned threads).
#[test]
fn the_deepest_spec_accepted_compiles_and_generates() {
    let arrays = 40;
    let mut source = String::from("accord: 1\nname: deepest\nmodels:\n  Deep:\n    properties:\n      nested:\n");
    let mut indent = 8;
    for _ in 0..arrays {
        source.push_str(&format!("{}type: array\n{}items:\n", " ".repeat(indent), " ".repeat(indent)));
        indent += 2;
    }
    source.push_str(&format!("{}type: string\n", " ".repeat(indent)));
    // The example: the property's depth (6) plus flow lists up to the limit.
    let example_depth = MAX_DEPTH - 6;
    source.push_str(&format!(
        "      example_value:\n        type: any\n        example: {}1{}\n",
        repeat("[", example_depth),
        repeat("]", example_depth)
    ));
    source.push_str("endpoints:\n  get:\n    method: GET\n    path: /deep\n    responses: { \"200\": Deep }\n");
    let compiled =
        compile_spec(Path::new("deepest.yaml"), &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    let files = generate_all(&[compiled], &accord::emit::Options::default()).expect("generates");
    let models = files.iter().find(|f| f.path.ends_with("models.rs")).expect("models.rs");
    let lists = models.contents.matches("::std::vec::Vec<").count();
    assert!(lists >= arrays, "the nested type is written out:\n{}", models.contents);
}

#[test]
fn an_alias_bomb_is_refused_at_its_alias() {
    // Four levels of a hundred aliases: 10^8 nodes once expanded, from 2 KB; serde_yaml
    // used 476 MB before failing with "repetition limit exceeded" and no location.
    let mut source = format!("accord: 1\nname: bomb\na0: &a0 [{}lol]\n", repeat("lol, ", 99));
    for level in 1..4 {
        source.push_str(&format!(
            "a{level}: &a{level} [{}*a{}]\n",
            repeat(&format!("*a{}, ", level - 1), 99),
            level - 1
        ));
    }
    let diagnostics = refused("bomb.yaml", &source);
    let (code, location) = first(&diagnostics);
    assert_eq!((code, location.map(|(line, _)| line)), (codes::yaml::ALIAS_EXPANSION, Some(5)));
    assert!(diagnostics[0].message.contains(&MAX_ALIAS_NODES.to_string()), "{}", diagnostics[0].message);
    // An alias inside the node it names.
    let source = "accord: 1\nname: loop\nx: &x [1, [*x]]\n";
    assert_eq!(first(&refused("loop.yaml", source)), (codes::yaml::ALIAS_EXPANSION, Some((3, 12))));
}

#[test]
fn a_second_document_is_refused_where_it_starts() {
    let source = "accord: 1\nname: two\n---\naccord: 1\nname: three\n";
    assert_eq!(first(&refused("two.yaml", source)), (codes::yaml::MULTIPLE_DOCUMENTS, Some((3, 1))));
}

#[test]
fn bytes_that_are_not_utf8_are_located() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path: PathBuf = folder.path().join("latin.yaml");
    std::fs::write(&path, b"accord: 1\nname: latin\ntitle: \"Caf\xe9\"\n").expect("written");
    let (_, failures) = compile_specs(std::slice::from_ref(&path));
    let diagnostic = &failures[0].diagnostics[0];
    assert_eq!(
        (diagnostic.code, diagnostic.location.map(|l| (l.line, l.column, l.offset))),
        (codes::io::ENCODING, Some((3, 12, 33)))
    );
    let rendered = failures[0].render();
    assert!(
        rendered.contains("latin.yaml:3:12: error[io::encoding]: the file is not UTF-8: byte 33 (0xE9)"),
        "{rendered}"
    );
}

/// The diagnostics of a document that must not import.
fn not_imported(text: &str) -> Vec<Diagnostic> {
    match accord::import::openapi::import(text, None) {
        Ok(imported) => panic!("imported:\n{}", imported.yaml),
        Err(error) => error.diagnostics,
    }
}

#[test]
fn import_errors_are_located() {
    // JSON nested 100,000 deep in 200 KB took over 30 s to fail.
    let deep = format!("{{\"openapi\": \"3.1.0\",\n \"x\": {}{}}}\n", repeat("[", 100_000), repeat("]", 100_000));
    assert_eq!(
        first(&on_a_small_stack(|| not_imported(&deep))),
        (codes::yaml::TOO_DEEP, Some((2, 7 + MAX_DEPTH as u32 - 1)))
    );
    let deep_yaml = format!("openapi: 3.1.0\nx:\n{}x\n", repeat("- ", 50_000));
    assert_eq!(first(&on_a_small_stack(|| not_imported(&deep_yaml))).0, codes::yaml::TOO_DEEP);
    assert_eq!(first(&not_imported("{\"openapi\": \"3.1.0\",\n  \"paths\": {\n}")).0, codes::import::INVALID_JSON);
    assert_eq!(first(&not_imported("openapi: 3.1.0\npaths: [\n")).0, codes::yaml::SYNTAX);
    let swagger = "{\n  \"info\": {},\n  \"swagger\": \"1.2\"\n}\n";
    assert_eq!(first(&not_imported(swagger)), (codes::import::NOT_OPENAPI, Some((3, 3))));
    assert_eq!(first(&not_imported("info:\n  title: x\nopenapi: 2.5\n")), (codes::import::NOT_OPENAPI, Some((3, 1))));
    assert_eq!(first(&not_imported("a: &a [*a]\n")).0, codes::yaml::ALIAS_EXPANSION);
    let rendered = accord::import::openapi::import(swagger, None).expect_err("Swagger").render("api.json", swagger);
    assert!(
        rendered
            .starts_with("api.json:3:3: error[import::not_openapi]: `swagger: 1.2` is not a version accord imports"),
        "{rendered}"
    );
}

/// A spec of `levels` models, each with `width` required fields of the next model, and
/// `extra` models more.
fn wide_spec(levels: usize, width: usize, extra: &str) -> String {
    let mut source = String::from("accord: 1\nname: wide\nmodels:\n");
    for level in 0..levels {
        let fields: Vec<String> = (0..width).map(|field| format!("f{field}")).collect();
        source.push_str(&format!("  M{level}:\n    required: [{}]\n    properties:\n", fields.join(", ")));
        let ty = if level + 1 < levels { format!("M{}", level + 1) } else { "string".to_string() };
        for field in &fields {
            source.push_str(&format!("      {field}: {ty}\n"));
        }
    }
    source.push_str(extra);
    source.push_str("endpoints:\n  get:\n    method: GET\n    path: /wide\n    responses: { \"200\": M0 }\n");
    source
}

/// The number of JSON values in `value`.
fn nodes(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => 1 + items.iter().map(nodes).sum::<usize>(),
        serde_json::Value::Object(object) => 1 + object.values().map(nodes).sum::<usize>(),
        _ => 1,
    }
}

#[test]
fn example_synthesis_is_bounded() {
    // 12^9 nodes unbounded: 5.7 GB after 30 s.
    let compiled =
        compile_spec(Path::new("wide.yaml"), &wide_spec(9, 12, "")).unwrap_or_else(|f| panic!("{}", f.render()));
    let largest = compiled.ir.types.iter().map(|ty| nodes(&ty.example)).max().unwrap_or_default();
    // The budget, and a null for each of the nine levels where it ran out.
    assert!(largest <= accord::lower::MAX_EXAMPLE_NODES + 9, "{largest}");
    let total: usize = compiled.ir.types.iter().map(|ty| nodes(&ty.example)).sum();
    assert!(total <= accord::lower::MAX_SPEC_EXAMPLE_NODES, "{total}");
    // Many models of many fields of one type whose example is already large: copies count.
    let mut copies = String::new();
    let fields: Vec<String> = (0..12).map(|field| format!("c{field}")).collect();
    for index in 0..200 {
        copies.push_str(&format!("  Copy{index}:\n    required: [{}]\n    properties:\n", fields.join(", ")));
        for field in &fields {
            copies.push_str(&format!("      {field}: M0\n"));
        }
    }
    let source = wide_spec(5, 12, &copies);
    let compiled = compile_spec(Path::new("wide.yaml"), &source).unwrap_or_else(|f| panic!("{}", f.render()));
    let total: usize = compiled.ir.types.iter().map(|ty| nodes(&ty.example)).sum();
    assert!(total <= accord::lower::MAX_SPEC_EXAMPLE_NODES, "{total}");
    // Lengths and counts far past any example's: padded up to a bound, not to four billion
    // (the padding loop counted the characters again for each one it added).
    let long = "accord: 1\nname: long\nmodels:\n  Big:\n    required: [text, items]\n    properties:\n      text:\n        type: string\n        min_length: 4000000000\n      items:\n        type: array\n        min_items: 4000000000\n        items: string\nendpoints:\n  get:\n    method: GET\n    path: /x\n    responses: { \"200\": Big }\n";
    let compiled = compile_spec(Path::new("long.yaml"), long).unwrap_or_else(|f| panic!("{}", f.render()));
    let big = compiled.ir.types.iter().find(|ty| ty.name == "Big").expect("Big");
    let text = big.example["text"].as_str().expect("a string");
    assert_eq!(text.len() as u64, accord::lower::MAX_EXAMPLE_TEXT);
    let items = big.example["items"].as_array().expect("a list").len();
    assert!(items > 1 && items < accord::lower::MAX_EXAMPLE_NODES, "{items}");
}
