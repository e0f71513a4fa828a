//! Per-endpoint examples (issue 21): for every endpoint, a complete Rust snippet (build the
//! client from the environment, make the call, match each typed error the endpoint can
//! return) and a curl command with the real method, URL, credentials, idempotency key and
//! body encoding (JSON, form-encoded in bracket notation as Stripe and Twilio take it,
//! multipart parts, raw text or bytes).
//!
//! Both come from one set of request values per endpoint: the first successful scenario
//! step's (path, query, headers, body) when there is one, else the body type's example and
//! a value made from each required parameter's type, default, allowed values or name.
//!
//! The Rust snippet is tokens printed by prettyplease ([`rust_snippet`]); the book shows it,
//! and `NAME/tests/examples.rs` ([`generate_test`]) compiles every snippet of the spec, so
//! an example that stops compiling fails `cargo test -p NAME-client`. The curl command is
//! data ([`Curl`]: one shell argument per line, already quoted) that the book's template
//! prints; `tests/docs/curl.py` runs every command of the built book against `accord mock`.

use std::path::PathBuf;
use std::str::FromStr;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde::Serialize;
use serde_json::Value;

use super::emitter::{Context, Emitter, GeneratedFile, generated_notice};
use super::rust::pretty::{Part, print_parts};
use super::rust::syntax;
use super::rust::tokens::ident;
use crate::ir::*;
use accord_contract::AuthScheme;
use accord_contract::wire::ApiKeyLocation;
use syn::visit_mut::VisitMut;

/// One endpoint's examples, as the book's template takes them.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointExample {
    /// The Rust snippet: `use` lines and one `async fn`, formatted.
    pub rust: String,
    /// The curl command.
    pub curl: Curl,
}

/// A curl command: `lines` are its arguments after `curl`, one per printed line, each
/// already quoted for a POSIX shell (`-H 'Idempotency-Key: …'`, `-u "$TWILIO_ACCOUNT_SID:…"`).
#[derive(Debug, Clone, Serialize)]
pub struct Curl {
    /// The arguments, one printed line each.
    pub lines: Vec<String>,
    /// What the reader must set first (`STRIPE_SECRET_KEY`, an access token), as sentences.
    pub notes: Vec<String>,
}

/// The values one example request sends.
struct RequestValues {
    path: Vec<(String, Value)>,
    query: Vec<(String, Value)>,
    headers: Vec<(String, Value)>,
    body: Option<Value>,
}

/// The examples of every endpoint of `ir`, in operation order.
pub fn examples(ir: &Ir) -> Vec<EndpointExample> {
    ir.operations
        .iter()
        .map(|op| {
            let values = request_values(ir, op);
            EndpointExample { rust: print_snippet(rust_snippet(ir, op, &values)), curl: curl(ir, op, &values) }
        })
        .collect()
}

/// `NAME/tests/examples.rs`: every endpoint's snippet, each in a module of its own, compiled
/// (never run: the snippets read real credentials from the environment).
pub fn generate_test(ir: &Ir) -> GeneratedFile {
    // Built and printed a run of endpoints at a time, on several threads: the whole file as one
    // syntax tree took most of a gigabyte for Microsoft Graph's beta (22,005 endpoints).
    let part = |index: usize| match index {
        0 => Part::Tokens(quote! {
            //! The book's Rust example of every endpoint, compiled: an example that no longer
            //! matches the client fails this crate's tests. They are not run (they read real
            //! credentials from the environment); `tests/docs/curl.py` runs the book's curl
            //! commands against `accord mock`. A deprecated endpoint has its example too, so
            //! calling it warns nobody here.
            #![allow(dead_code, unused_imports, deprecated, clippy::all)]
        }),
        _ => {
            let op = &ir.operations[index - 1];
            let values = request_values(ir, op);
            let module = ident(&op.method_name);
            match (syntax::instantiate(&MODULE), rust_snippet(ir, op, &values), body_decodes_test(ir, op, &values)) {
                (Ok(mut item), Ok(snippet), Ok(body_test)) => {
                    item.ident = module;
                    if let Some((_, items)) = &mut item.content {
                        items.extend(snippet);
                        items.extend(body_test);
                    }
                    Part::Items(vec![syn::Item::Mod(item)])
                }
                // Tokens that do not parse (an accord bug): the printer reports them.
                (_, snippet, body_test) => {
                    let snippet = snippet.map_or_else(|tokens| tokens, |items| quote!(#(#items)*));
                    let body_test = body_test.map_or_else(|tokens| tokens, |items| quote!(#(#items)*));
                    Part::Tokens(quote! {
                        mod #module {
                            use ::accord_runtime::serde_json;
                            #snippet
                            #body_test
                        }
                    })
                }
            }
        }
    };
    GeneratedFile {
        path: PathBuf::from(&ir.name).join("tests/examples.rs"),
        contents: print_parts(&generated_notice(&ir.source_path), 1 + ir.operations.len(), part),
    }
}

/// The emitter of `NAME/tests/examples.rs` ([`generate_test`]).
pub struct ExampleTests;

impl Emitter for ExampleTests {
    fn name(&self) -> &'static str {
        "example-tests"
    }

    fn spec_files(&self, ir: &Ir, _context: &Context<'_>) -> Result<Vec<GeneratedFile>, String> {
        Ok(vec![generate_test(ir)])
    }
}

/// A scenario's multipart body as JSON of its model: a scenario writes a file as its text
/// (the bytes sent, as the mock and the contract tests read them), but in JSON the model's
/// `accord_runtime::File` is standard base64 (RFC 4648 §4). Encoded here, the book's
/// snippet decodes and sends the scenario's bytes.
fn files_as_base64(ir: &Ir, op: &Operation, mut value: Value) -> Value {
    use base64::Engine as _;
    let Some(body) = op.body.as_ref().filter(|b| b.content_type == ContentType::Multipart) else { return value };
    let Value::Object(object) = &mut value else { return value };
    let encode = |v: &mut Value| {
        if let Value::String(text) = v {
            *text = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
        }
    };
    for name in multipart_file_fields(ir, &body.ty) {
        match object.get_mut(&name) {
            Some(Value::Array(items)) => items.iter_mut().for_each(encode),
            Some(file) => encode(file),
            None => {}
        }
    }
    value
}

/// The JSON of the snippet's request body, pretty-printed and indented to sit under the
/// `r#"` prettyplease puts 8 spaces in (JSON ignores the whitespace).
fn body_json(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into()).replace('\n', "\n        ")
}

/// A test that the snippet's JSON request body decodes into the body's model: run by the
/// generated crate's tests, so an example that differs from its model fails them (the
/// snippets themselves are only compiled).
fn body_decodes_test(ir: &Ir, op: &Operation, values: &RequestValues) -> Result<Vec<syn::Item>, TokenStream> {
    let Some(body) = op
        .body
        .as_ref()
        .filter(|b| matches!(b.content_type, ContentType::Json | ContentType::Form | ContentType::Multipart))
    else {
        return Ok(Vec::new());
    };
    let json = raw_literal(&body_json(values.body.as_ref().unwrap_or(&Value::Null)));
    let mut test = syntax::instantiate(&BODY_TEST)?;
    syntax::Holes {
        types: vec![("__T", syntax::rust_type_in(&body.ty, &syn::Path::from(ident(&ir.lib_name))))],
        exprs: vec![("__json", syn::Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: syn::Lit::new(json) }))],
        ..syntax::Holes::default()
    }
    .visit_item_fn_mut(&mut test);
    Ok(vec![syn::Item::Fn(test)])
}

thread_local! {
    /// A test that an example body decodes, but for the body's type (`__T`) and the JSON
    /// literal (`__json`): [`body_decodes_test`].
    static BODY_TEST: syntax::Parsed<syn::ItemFn> = syntax::parse_template(quote! {
        #[test]
        fn the_example_body_decodes_into_its_model() {
            let decoded = serde_json::from_str::<__T>(__json!());
            assert!(decoded.is_ok(), "the book's example body does not decode into its model: {:?}", decoded.err());
        }
    });
    /// An endpoint's module in `tests/examples.rs`, before its name and items are set:
    /// [`generate_test`].
    static MODULE: syntax::Parsed<syn::ItemMod> = syntax::parse_template(quote! {
        mod __module {
            use ::accord_runtime::serde_json;
        }
    });
}

/// The snippet as the book prints it.
fn print_snippet(snippet: Result<Vec<syn::Item>, TokenStream>) -> String {
    let file = snippet.map(|items| syn::File { shebang: None, frontmatter: None, attrs: Vec::new(), items });
    match file.or_else(syn::parse2::<syn::File>) {
        // A blank line between the `use` line and the function, as rustfmt'd code reads.
        Ok(file) => super::rust::print::separate_items(&prettyplease::unparse(&file)).replacen(
            ";\nasync fn",
            ";\n\nasync fn",
            1,
        ),
        Err(error) => format!("// accord bug: the example does not parse: {error}\n"),
    }
}

fn request_values(ir: &Ir, op: &Operation) -> RequestValues {
    let step = ir.scenarios.iter().flat_map(|s| &s.steps).find(|step| {
        step.operation_name == op.name
            && (200..300).contains(&step.status)
            && (op.body.is_none() || step.body.is_some())
    });
    let from_step = |values: Option<&Vec<(String, Value)>>, param: &Param| {
        values.and_then(|values| values.iter().find(|(name, _)| name == &param.wire_name)).map(|(_, v)| v.clone())
    };
    let path = op
        .path_params
        .iter()
        .map(|p| (p.wire_name.clone(), from_step(step.map(|s| &s.path), p).unwrap_or_else(|| param_value(ir, p))))
        .collect();
    let query = op
        .query
        .iter()
        .filter_map(|p| {
            let given = from_step(step.map(|s| &s.query), p);
            match given {
                Some(value) => Some((p.wire_name.clone(), value)),
                None if p.required => Some((p.wire_name.clone(), param_value(ir, p))),
                None => None,
            }
        })
        .collect();
    let headers = op
        .headers
        .iter()
        .filter(|p| p.required)
        .map(|p| {
            let given = step.and_then(|s| {
                s.headers
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(&p.wire_name))
                    .map(|(_, v)| Value::from(v.as_str()))
            });
            (p.wire_name.clone(), given.unwrap_or_else(|| param_value(ir, p)))
        })
        .collect();
    let body = op.body.as_ref().and_then(|body| match step.and_then(|s| s.body.clone()) {
        Some(value) => Some(files_as_base64(ir, op, value)),
        None => example_of(ir, &body.ty),
    });
    RequestValues { path, query, headers, body }
}

/// The example of a type: a named type's, a list of one, or a value of a scalar type.
fn example_of(ir: &Ir, ty: &TypeExpr) -> Option<Value> {
    match ty {
        TypeExpr::Named(id) => ir.type_def(id).map(|t| t.example.clone()),
        TypeExpr::Array(inner) => example_of(ir, inner).map(|item| Value::Array(vec![item])),
        other => Some(scalar_example(other)),
    }
}

fn scalar_example(ty: &TypeExpr) -> Value {
    match ty {
        TypeExpr::Integer | TypeExpr::Integer32 => Value::from(1),
        TypeExpr::Number => Value::from(1.5),
        TypeExpr::Decimal => Value::from(29.99),
        TypeExpr::Boolean => Value::from(true),
        TypeExpr::DateTime => Value::from("2024-01-15T10:30:00Z"),
        TypeExpr::Uri => Value::from("https://example.com/"),
        TypeExpr::Uuid => Value::from("6f1c2d9e-8a4b-4c3d-9e2f-1a2b3c4d5e6f"),
        TypeExpr::Binary => Value::from("aGVsbG8="),
        TypeExpr::Any | TypeExpr::Map(_) => Value::Object(Default::default()),
        TypeExpr::Array(_) => Value::Array(Vec::new()),
        TypeExpr::String | TypeExpr::Named(_) => Value::from("example"),
    }
}

/// A parameter's value when no scenario gives one: its default, its first allowed value,
/// its type's example, or a text made from its name.
fn param_value(ir: &Ir, param: &Param) -> Value {
    if let Some(default) = &param.default {
        return default.clone();
    }
    if let Some(first) = param.constraints.allowed_values.first() {
        return first.clone();
    }
    if let Some(matching) = param.constraints.pattern.as_deref().and_then(crate::lower::pattern_text::text_matching) {
        return Value::from(matching);
    }
    match &param.ty {
        TypeExpr::String => Value::from(
            crate::lower::example_names::text_for(&param.wire_name)
                .unwrap_or_else(|| format!("{}_1a2b3c", param.wire_name.replace('-', "_").to_ascii_lowercase())),
        ),
        TypeExpr::Integer | TypeExpr::Integer32 => {
            Value::from(param.constraints.minimum.map(|m| m.ceil() as i64).unwrap_or(1).max(1))
        }
        other => example_of(ir, other).unwrap_or(Value::Null),
    }
}

/// A raw string literal (`r#"…"#`) holding `text` as it is, with enough `#`s.
fn raw_literal(text: &str) -> Literal {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    Literal::from_str(&format!("r{hashes}\"{text}\"{hashes}")).unwrap_or_else(|_| Literal::string(text))
}

/// A Rust expression of `ty` with the value `value`: a literal for text, numbers, booleans
/// and enum values; JSON decoded into the type otherwise (named types under `krate`).
fn rust_value(ir: &Ir, krate: &syn::Ident, ty: &TypeExpr, value: &Value) -> Result<syn::Expr, TokenStream> {
    let literal = |literal: Literal| syn::Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: syn::Lit::new(literal) });
    Ok(match (ty, value) {
        (TypeExpr::String | TypeExpr::Uri, Value::String(text)) => literal(Literal::string(text)),
        (TypeExpr::Integer, Value::Number(n)) if n.is_i64() => {
            literal(Literal::i64_unsuffixed(n.as_i64().unwrap_or_default()))
        }
        (TypeExpr::Integer32, Value::Number(n)) if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) => {
            literal(Literal::i64_unsuffixed(n.as_i64().unwrap_or_default()))
        }
        (TypeExpr::Number, Value::Number(n)) => literal(Literal::f64_unsuffixed(n.as_f64().unwrap_or_default())),
        (TypeExpr::Boolean, Value::Bool(b)) => syntax::bool_expr(*b),
        (TypeExpr::Named(id), Value::String(text))
            if let Some(TypeDef { kind: TypeKind::Enum { values }, name, .. }) = ir.type_def(id)
                && let Some(found) = values.iter().find(|v| &v.wire == text) =>
        {
            syn::Expr::Path(syn::ExprPath {
                attrs: Vec::new(),
                qself: None,
                path: syntax::path_of([krate.clone(), ident("models"), ident(name), ident(&found.variant)]),
            })
        }
        _ => {
            let json = literal(raw_literal(&serde_json::to_string(value).unwrap_or_else(|_| "null".into())));
            let mut decoded = syntax::instantiate(&FROM_JSON)?;
            syntax::Holes {
                types: vec![("__T", syntax::rust_type_in(ty, &syn::Path::from(krate.clone())))],
                exprs: vec![("__json", json)],
                ..syntax::Holes::default()
            }
            .visit_expr_mut(&mut decoded);
            decoded
        }
    })
}

thread_local! {
    /// A value decoded from JSON but for its type (`__T`) and the JSON literal (`__json`):
    /// [`rust_value`].
    static FROM_JSON: syntax::Parsed<syn::Expr> = syntax::parse_template(quote!(serde_json::from_str::<__T>(__json!())?));
    /// An endpoint's snippet but for the client crate (`__krate`), the function's name
    /// (`__function`), the client (`__client`), the statements before the call (`__lets`), the
    /// call (`__call`) and the arms before the last (`__arms`): [`rust_snippet`].
    static SNIPPET: syntax::Parsed<syn::File> = syntax::parse_template(quote! {
        use __krate::{Client, Error};

        async fn __function() -> Result<(), Box<dyn std::error::Error>> {
            let client = __client!();
            __lets!();
            match __call!() {
                __arms!() => {}
                Err(other) => return Err(other.into()),
            }
            Ok(())
        }
    });
    /// A streamed success body written to a file, but for the message (`__written`).
    static STREAMED_SUCCESS: syntax::Parsed<syn::Arm> = syntax::parse_template(quote! {
        Ok(mut body) => {
            let mut file = accord_runtime::tokio::fs::File::create(#DOWNLOAD_FILE).await?;
            let bytes = body.write_to(&mut file).await?;
            println!(__written);
        }
    });
}

/// A deterministic UUID v4-shaped idempotency key for the endpoint (FNV-1a of its name), so
/// the generated book does not change between runs and two endpoints never share a key.
fn idempotency_key(op: &Operation) -> String {
    let mut hash: u128 = 0x6c62272e07bb014262b821756295c58d;
    for byte in op.name.bytes() {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(0x0000000001000000000000000000013B);
    }
    let hex = format!("{hash:032x}");
    format!("{}-{}-4{}-a{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
}

/// What the endpoint's example does with each typed error: the client's retry policy has
/// already run, so the arm says what is left to do.
fn error_advice(code: &ErrorCodeIr) -> &'static str {
    match code.retry {
        RetryStrategy::Never => "not retried, fix the request",
        RetryStrategy::Backoff => "failed after the client's retries, try later",
        RetryStrategy::AfterHeader => "still rate limited after waiting, slow down",
        RetryStrategy::RefreshAuth => "refused with fresh credentials, check them",
    }
}

/// The file a streamed request body is read from in the examples (curl's
/// `--data-binary @example.bin`, Rust's `Upload::file`).
const UPLOAD_FILE: &str = "example.bin";
/// The file a streamed response body is written to in the examples (curl's `-o`, Rust's
/// `ByteStream::write_to`).
const DOWNLOAD_FILE: &str = "download.bin";

/// The endpoint's snippet: a `use` line and one `async fn` that builds the client from the
/// environment, makes the call with `values` and matches each typed error the endpoint can
/// return, one arm per retry strategy. Built as syntax trees on a parsed template
/// ([`crate::emit::rust::syntax`]): printed for the book and again inside `tests/examples.rs`,
/// parsing the snippets' tokens was ≈ 5 % of GitHub's `accord generate` (issue 22). `Err`
/// holds a template's tokens that do not parse (an accord bug).
fn rust_snippet(ir: &Ir, op: &Operation, values: &RequestValues) -> Result<Vec<syn::Item>, TokenStream> {
    let krate = ident(&ir.lib_name);
    let path = syntax::path_expr;
    let call =
        |receiver: syn::Expr, method: &str, args: Vec<syn::Expr>| syntax::method_call_with(receiver, method, args);
    let mut lets = Vec::new();
    let mut arguments = Vec::new();
    for (param, (_, value)) in op.path_params.iter().zip(&values.path) {
        arguments.push(rust_value(ir, &krate, &param.ty, value)?);
    }
    let mut setters: Vec<(String, syn::Expr)> = Vec::new();
    for param in &op.query {
        let Some((_, value)) = values.query.iter().find(|(name, _)| name == &param.wire_name) else { continue };
        let value = rust_value(ir, &krate, &param.ty, value)?;
        if param.required {
            arguments.push(value);
        } else {
            setters.push((param.rust_name.clone(), value));
        }
    }
    for param in op.headers.iter().filter(|p| p.required) {
        let value = values
            .headers
            .iter()
            .find(|(name, _)| name == &param.wire_name)
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null);
        arguments.push(rust_value(ir, &krate, &param.ty, &value)?);
    }
    let literal = |literal: Literal| syn::Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: syn::Lit::new(literal) });
    let body_pat = || syntax::ident_pat(ident("body"), false);
    if let Some(body) = &op.body {
        let value = values.body.clone().unwrap_or(Value::Null);
        let argument = match body.content_type {
            ContentType::Json | ContentType::Form | ContentType::Multipart => {
                let json = literal(raw_literal(&body_json(&value)));
                let typed = syn::Pat::Type(syn::PatType {
                    attrs: Vec::new(),
                    pat: Box::new(body_pat()),
                    colon_token: Default::default(),
                    ty: Box::new(syntax::rust_type_in(&body.ty, &syn::Path::from(krate.clone()))),
                });
                lets.push(syntax::let_stmt(
                    Vec::new(),
                    typed,
                    syntax::try_expr(syntax::call("serde_json::from_str", [json])),
                ));
                syntax::reference(path("body"), false)
            }
            // A streamed body is read from a file as it is sent, never loaded.
            ContentType::Binary if body.stream => {
                let upload = syntax::call("accord_runtime::Upload::file", [syntax::str_expr(UPLOAD_FILE)]);
                lets.push(syntax::let_stmt(Vec::new(), body_pat(), upload));
                path("body")
            }
            ContentType::Text | ContentType::Binary => {
                let text = match &value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                lets.push(syntax::let_stmt(Vec::new(), body_pat(), literal(Literal::string(&text))));
                if body.content_type == ContentType::Text {
                    path("body")
                } else {
                    syntax::method_call(path("body"), "as_bytes")
                }
            }
        };
        if body.required {
            arguments.push(argument);
        } else {
            setters.push(("body".to_string(), argument));
        }
    }
    if op.idempotency_header.is_some() {
        setters.push(("idempotency_key".to_string(), literal(Literal::string(&idempotency_key(op)))));
    }
    let mut client = syntax::call("Client::builder", []);
    if !ir.server_variables.is_empty() {
        client = syntax::try_expr(syntax::method_call(client, "server_variables_from_env"));
    }
    if ir.auth.any() {
        client = syntax::method_call(client, "credentials_from_env");
    }
    let client = syntax::try_expr(syntax::method_call(client, "build"));
    let mut request = call(path("client"), &op.method_name, arguments);
    for (setter, value) in setters {
        request = call(request, &setter, vec![value]);
    }
    let request = syn::Expr::Await(syn::ExprAwait {
        attrs: Vec::new(),
        base: Box::new(syntax::method_call(request, "send")),
        dot_token: Default::default(),
        await_token: Default::default(),
    });
    // One arm per retry strategy: the codes the client treats alike, told apart by code.
    let mut groups: Vec<(RetryStrategy, Vec<&ErrorCodeIr>)> = Vec::new();
    for code in op.errors.iter().filter_map(|id| ir.error_code(id)) {
        match groups.iter_mut().find(|(retry, _)| *retry == code.retry) {
            Some((_, codes)) => codes.push(code),
            None => groups.push((code.retry, vec![code])),
        }
    }
    let print = |name: &str, message: Literal| {
        syn::Expr::Macro(syn::ExprMacro {
            attrs: Vec::new(),
            mac: syn::Macro {
                path: syntax::path(name),
                bang_token: Default::default(),
                delimiter: syn::MacroDelimiter::Paren(Default::default()),
                tokens: quote!(#message),
            },
        })
    };
    let mut arms = vec![match op.success_stream {
        // A streamed answer is copied into a file chunk by chunk, never held whole.
        Some(_) => {
            let mut arm = syntax::instantiate(&STREAMED_SUCCESS)?;
            let written = format!("{{bytes}} bytes written to {DOWNLOAD_FILE}");
            // The message is the macro's tokens: set on the `println!` statement directly.
            if let syn::Expr::Block(block) = &mut *arm.body
                && let Some(syn::Stmt::Macro(stmt)) = block.block.stmts.last_mut()
            {
                let message = Literal::string(&written);
                stmt.mac.tokens = quote!(#message);
            }
            arm
        }
        None => syntax::arm(
            Vec::new(),
            syntax::tuple_struct_pat("Ok", [syntax::ident_pat(ident("response"), false)]),
            print("println", Literal::string("{response:?}")),
        ),
    }];
    for (_, codes) in &groups {
        let mut variants = codes
            .iter()
            .map(|code| syntax::tuple_struct_pat(&format!("ApiError::{}", code.variant), [syntax::wild_pat()]));
        let cases = if codes.len() == 1 {
            variants.next().unwrap_or_else(syntax::wild_pat)
        } else {
            syn::Pat::Or(syn::PatOr { attrs: Vec::new(), leading_vert: None, cases: variants.collect() })
        };
        let bound = syn::Pat::Ident(syn::PatIdent {
            attrs: Vec::new(),
            by_ref: None,
            mutability: None,
            ident: ident("error"),
            subpat: Some((Default::default(), Box::new(syntax::tuple_struct_pat("Error::Api", [cases])))),
        });
        let message = Literal::string(&format!("{}: {{error}}", error_advice(codes[0])));
        arms.push(syntax::arm(Vec::new(), syntax::tuple_struct_pat("Err", [bound]), print("eprintln", message)));
    }
    let mut file = syntax::instantiate(&SNIPPET)?;
    let with_api_error = !groups.is_empty();
    syntax::Holes {
        idents: vec![("__krate", krate), ("__function", ident(&op.method_name))],
        stmts: vec![("__lets", lets)],
        arms: vec![("__arms", arms)],
        exprs: vec![("__client", client), ("__call", request)],
        ..syntax::Holes::default()
    }
    .visit_file_mut(&mut file);
    if with_api_error
        && let Some(syn::Item::Use(item)) = file.items.first_mut()
        && let syn::UseTree::Path(path) = &mut item.tree
        && let syn::UseTree::Group(group) = &mut *path.tree
    {
        group.items.insert(0, syn::UseTree::Name(syn::UseName { ident: ident("ApiError") }));
    }
    Ok(file.items)
}

/// Quotes `text` for a POSIX shell: single quotes, a `'` inside written `'\''`.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Quotes `text` in double quotes (so `$NAME` expands), escaping what a shell reads there.
fn shell_double_quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        if matches!(c, '"' | '\\' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The text of a JSON scalar as a query, header, path or form value (strings unquoted).
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

/// Bracket-notation form pairs (`metadata[order_id]`, `items[0][price]`), as the runtime's
/// `form::to_string` writes them; nulls left out.
fn form_pairs(name: Option<&str>, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(object) => {
            for (key, value) in object {
                let key = match name {
                    Some(name) => format!("{name}[{key}]"),
                    None => key.clone(),
                };
                form_pairs(Some(&key), value, out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let key = format!("{}[{index}]", name.unwrap_or_default());
                form_pairs(Some(&key), item, out);
            }
        }
        scalar => {
            if let (Some(name), Some(text)) = (name, scalar_text(scalar)) {
                out.push((name.to_string(), text));
            }
        }
    }
}

/// The base URL of the endpoint in the default environment, `{variable}`s given as the
/// default or as `$ENV` (the variable's environment variable, set by the reader).
fn base_url(ir: &Ir, op: &Operation) -> String {
    let default_env = ir.environments.iter().find(|e| e.default).or(ir.environments.first());
    let mut url = default_env.map(|e| e.base_url.clone()).unwrap_or_else(|| "https://api.example.com".into());
    if let Some(server) = op.server.as_ref().and_then(|name| ir.servers.iter().find(|s| &s.name == name)) {
        let chosen =
            server.urls.iter().find(|u| default_env.is_some_and(|e| e.name == u.environment)).or(server.urls.first());
        if let Some(chosen) = chosen {
            url = chosen.url.clone();
        }
    }
    for variable in &ir.server_variables {
        let place = format!("{{{}}}", variable.name);
        let value = variable.default.clone().unwrap_or_else(|| format!("${{{}}}", variable.env));
        url = url.replace(&place, &value);
    }
    url
}

fn curl(ir: &Ir, op: &Operation, values: &RequestValues) -> Curl {
    const PATH_SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    let mut path = op.path.clone();
    for (name, value) in &values.path {
        let text = scalar_text(value).unwrap_or_default();
        let encoded = percent_encoding::utf8_percent_encode(&text, PATH_SEGMENT).to_string();
        path = path.replace(&format!("{{{name}}}"), &encoded);
    }
    let mut query: Vec<(String, String)> = Vec::new();
    for fixed in &op.fixed_query {
        query.push((fixed.name.clone(), fixed.value.clone()));
    }
    for (name, value) in &values.query {
        match value {
            Value::Array(items) => {
                query.extend(items.iter().filter_map(scalar_text).map(|text| (name.clone(), text)));
            }
            other => query.extend(scalar_text(other).map(|text| (name.clone(), text))),
        }
    }
    let mut notes = Vec::new();
    let mut auth_lines = Vec::new();
    // The first alternative whose every scheme curl can send.
    let alternative = op.auth.alternatives.iter().find(|names| {
        names.iter().all(|name| {
            ir.auth
                .credentials
                .iter()
                .find(|c| &c.name == name)
                .is_some_and(|c| !matches!(c.scheme, AuthScheme::HmacSignature(_)))
        })
    });
    for name in alternative.into_iter().flatten() {
        let Some(credential) = ir.auth.credentials.iter().find(|c| &c.name == name) else { continue };
        match &credential.scheme {
            AuthScheme::Bearer(bearer) => {
                auth_lines
                    .push(format!("-H {}", shell_double_quote(&format!("Authorization: Bearer ${}", bearer.env))));
            }
            AuthScheme::Basic(basic) => {
                auth_lines.push(format!(
                    "-u {}",
                    shell_double_quote(&format!("${}:${}", basic.username_env, basic.password_env))
                ));
            }
            AuthScheme::ApiKey(key) => match key.location {
                ApiKeyLocation::Header => {
                    auth_lines.push(format!("-H {}", shell_double_quote(&format!("{}: ${}", key.name, key.env))));
                }
                ApiKeyLocation::Query => query.push((key.name.clone(), format!("${}", key.env))),
            },
            AuthScheme::AwsSigV4(aws) => {
                auth_lines
                    .push(format!("--aws-sigv4 {}", shell_quote(&format!("aws:amz:{}:{}", aws.region, aws.service))));
                auth_lines.push(format!(
                    "-u {}",
                    shell_double_quote(&format!("${}:${}", aws.access_key_id_env, aws.secret_access_key_env))
                ));
                // S3 wants the payload's hash in a signed header; curl (before 8.x) does not add
                // it, and S3 takes `UNSIGNED-PAYLOAD` over HTTPS (AWS docs, "Signature
                // Calculations for the Authorization Header", x-amz-content-sha256).
                if aws.content_sha256_header {
                    auth_lines.push(format!("-H {}", shell_quote("x-amz-content-sha256: UNSIGNED-PAYLOAD")));
                }
            }
            AuthScheme::OAuth2ClientCredentials(_)
            | AuthScheme::OAuth2AuthorizationCode(_)
            | AuthScheme::OAuth2JwtBearer(_)
            | AuthScheme::GitHubApp(_) => {
                let env = format!("{}_ACCESS_TOKEN", ir.env_prefix);
                auth_lines.push(format!("-H {}", shell_double_quote(&format!("Authorization: Bearer ${env}"))));
                notes.push(format!(
                    "`${env}` is an access token of the `{}` credential, which the Rust client obtains and refreshes itself:",
                    credential.name
                ));
            }
            AuthScheme::HmacSignature(_) => {}
        }
    }
    let mut url = format!("{}{}", base_url(ir, op), path);
    if !query.is_empty() {
        let encoded: Vec<String> = query
            .iter()
            .map(|(name, value)| {
                let value = if value.starts_with('$') {
                    value.clone()
                } else {
                    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
                };
                format!("{}={value}", url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>())
            })
            .collect();
        url = format!("{url}?{}", encoded.join("&"));
    }
    let mut lines = Vec::new();
    let method = op.http_method.to_string();
    let mut first = String::new();
    if method != "GET" || op.body.is_some() {
        first.push_str(&format!("-X {method} "));
    }
    first.push_str(&if url.contains('$') { shell_double_quote(&url) } else { shell_quote(&url) });
    lines.push(first);
    lines.extend(auth_lines);
    for header in &ir.headers {
        let value = if header.generate_uuid { Some("$(uuidgen)".to_string()) } else { header.value.clone() };
        if let Some(value) = value {
            let text = format!("{}: {value}", header.name);
            lines.push(format!(
                "-H {}",
                if value.contains('$') { shell_double_quote(&text) } else { shell_quote(&text) }
            ));
        }
    }
    for fixed in &op.fixed_headers {
        lines.push(format!("-H {}", shell_quote(&format!("{}: {}", fixed.name, fixed.value))));
    }
    for (name, value) in &values.headers {
        if let Some(text) = scalar_text(value) {
            lines.push(format!("-H {}", shell_quote(&format!("{name}: {text}"))));
        }
    }
    if let Some(header) = &op.idempotency_header {
        lines.push(format!("-H {}", shell_quote(&format!("{header}: {}", idempotency_key(op)))));
    }
    if let (Some(body), Some(value)) = (&op.body, &values.body) {
        match body.content_type {
            ContentType::Json => {
                lines.push(format!("-H {}", shell_quote("Content-Type: application/json")));
                let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
                lines.push(format!("-d {}", shell_quote(&pretty)));
            }
            ContentType::Form => {
                let mut pairs = Vec::new();
                form_pairs(None, value, &mut pairs);
                for (name, text) in pairs {
                    let plain = text.chars().all(|c| c.is_ascii_alphanumeric() || "-_.~".contains(c));
                    let flag = if plain { "-d" } else { "--data-urlencode" };
                    lines.push(format!("{flag} {}", shell_quote(&format!("{name}={text}"))));
                }
            }
            ContentType::Multipart => {
                let files = multipart_file_fields(ir, &body.ty);
                let mut pairs = Vec::new();
                if let Value::Object(object) = value {
                    for (name, field) in object {
                        if files.contains(name) {
                            lines.push(format!("-F {}", shell_quote(&format!("{name}=@example.bin"))));
                        } else if let Value::Array(items) = field
                            && body.object_parts != ObjectParts::Brackets
                            && items.iter().all(|item| !(item.is_object() || item.is_array()))
                        {
                            // One part per item, as the client sends a list (RFC 7578 §4.3).
                            for item in items {
                                if let Some(text) = scalar_text(item) {
                                    pairs.push((name.clone(), text));
                                }
                            }
                        } else if body.object_parts == ObjectParts::Brackets || !(field.is_object() || field.is_array())
                        {
                            form_pairs(Some(name), field, &mut pairs);
                        } else {
                            let json = serde_json::to_string(field).unwrap_or_default();
                            lines.push(format!("-F {}", shell_quote(&format!("{name}={json};type=application/json"))));
                        }
                    }
                }
                for (name, text) in pairs {
                    lines.push(format!("-F {}", shell_quote(&format!("{name}={text}"))));
                }
            }
            ContentType::Text | ContentType::Binary => {
                lines.push(format!("-H {}", shell_quote(&format!("Content-Type: {}", body.default_media_type()))));
                if body.content_type == ContentType::Text {
                    lines.push(format!("--data-binary {}", shell_quote(&scalar_text(value).unwrap_or_default())));
                } else {
                    lines.push(format!("--data-binary {}", shell_quote(&format!("@{UPLOAD_FILE}"))));
                }
            }
        }
    }
    // A streamed answer goes to a file rather than the terminal.
    if op.success_stream.is_some() {
        lines.push(format!("-o {}", shell_quote(DOWNLOAD_FILE)));
    }
    Curl { lines, notes }
}

/// The fields of a multipart body's model that are files.
fn multipart_file_fields(ir: &Ir, ty: &TypeExpr) -> Vec<String> {
    let TypeExpr::Named(id) = ty else { return Vec::new() };
    match ir.type_def(id).map(|t| &t.kind) {
        Some(TypeKind::Struct { fields, .. }) => fields
            .iter()
            .filter(|f| {
                matches!(&f.ty, TypeExpr::Binary)
                    || matches!(&f.ty, TypeExpr::Array(inner) if **inner == TypeExpr::Binary)
            })
            .map(|f| f.wire_name.clone())
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting_survives_quotes_and_dollars() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_double_quote("a \"b\" $C"), r#""a \"b\" $C""#);
    }

    #[test]
    fn form_pairs_use_bracket_notation() {
        let mut pairs = Vec::new();
        form_pairs(
            None,
            &serde_json::json!({"amount": 2000, "metadata": {"order_id": "6735"}, "expand": ["customer"], "gone": null}),
            &mut pairs,
        );
        let pairs: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(pairs, ["amount=2000", "metadata[order_id]=6735", "expand[0]=customer"]);
    }

    #[test]
    fn raw_strings_get_enough_hashes() {
        assert_eq!(raw_literal("{\"a\": 1}").to_string(), "r#\"{\"a\": 1}\"#");
        assert_eq!(raw_literal("x \"# y").to_string(), "r##\"x \"# y\"##");
    }
}
