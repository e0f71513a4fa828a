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
use super::rust::pretty::print_parts;
use super::rust::tokens::{ident, type_tokens_in};
use crate::ir::*;
use accord_contract::AuthScheme;
use accord_contract::wire::ApiKeyLocation;

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
            let tokens = rust_snippet(ir, op, &values);
            EndpointExample { rust: print_snippet(tokens), curl: curl(ir, op, &values) }
        })
        .collect()
}

/// `NAME/tests/examples.rs`: every endpoint's snippet, each in a module of its own, compiled
/// (never run: the snippets read real credentials from the environment).
pub fn generate_test(ir: &Ir) -> GeneratedFile {
    // Built and printed a run of endpoints at a time, on several threads: the whole file as one
    // syntax tree took most of a gigabyte for Microsoft Graph's beta (22,005 endpoints).
    let part = |index: usize| match index {
        0 => quote! {
            //! The book's Rust example of every endpoint, compiled: an example that no longer
            //! matches the client fails this crate's tests. They are not run (they read real
            //! credentials from the environment); `tests/docs/curl.py` runs the book's curl
            //! commands against `accord mock`. A deprecated endpoint has its example too, so
            //! calling it warns nobody here.
            #![allow(dead_code, unused_imports, deprecated, clippy::all)]
        },
        _ => {
            let op = &ir.operations[index - 1];
            let values = request_values(ir, op);
            let snippet = rust_snippet(ir, op, &values);
            let module = ident(&op.method_name);
            let body_test = body_decodes_test(ir, op, &values);
            quote! {
                mod #module {
                    use ::accord_runtime::serde_json;
                    #snippet
                    #body_test
                }
            }
        }
    };
    GeneratedFile {
        path: PathBuf::from(&ir.name).join("tests/examples.rs"),
        contents: print_parts(&generated_notice(&ir.source_path), 1 + ir.operations.len(), |index| part(index).into()),
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
fn body_decodes_test(ir: &Ir, op: &Operation, values: &RequestValues) -> TokenStream {
    let Some(body) = op
        .body
        .as_ref()
        .filter(|b| matches!(b.content_type, ContentType::Json | ContentType::Form | ContentType::Multipart))
    else {
        return TokenStream::new();
    };
    let krate_ident = ident(&ir.lib_name);
    let rust_type = type_tokens_in(&body.ty, &quote!(#krate_ident));
    let json = raw_string(&body_json(values.body.as_ref().unwrap_or(&Value::Null)));
    quote! {
        #[test]
        fn the_example_body_decodes_into_its_model() {
            let decoded = serde_json::from_str::<#rust_type>(#json);
            assert!(decoded.is_ok(), "the book's example body does not decode into its model: {:?}", decoded.err());
        }
    }
}

/// The snippet as the book prints it.
fn print_snippet(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens) {
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
fn raw_string(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    let literal = format!("r{hashes}\"{text}\"{hashes}");
    Literal::from_str(&literal).map(|l| quote!(#l)).unwrap_or_else(|_| {
        let plain = Literal::string(text);
        quote!(#plain)
    })
}

/// A Rust expression of `ty` with the value `value`: a literal for text, numbers, booleans
/// and enum values; JSON decoded into the type otherwise.
fn rust_value(ir: &Ir, krate: &TokenStream, ty: &TypeExpr, value: &Value) -> TokenStream {
    match (ty, value) {
        (TypeExpr::String | TypeExpr::Uri, Value::String(text)) => {
            let literal = Literal::string(text);
            quote!(#literal)
        }
        (TypeExpr::Integer, Value::Number(n)) if n.is_i64() => {
            let literal = Literal::i64_unsuffixed(n.as_i64().unwrap_or_default());
            quote!(#literal)
        }
        (TypeExpr::Integer32, Value::Number(n)) if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) => {
            let literal = Literal::i64_unsuffixed(n.as_i64().unwrap_or_default());
            quote!(#literal)
        }
        (TypeExpr::Number, Value::Number(n)) => {
            let literal = Literal::f64_unsuffixed(n.as_f64().unwrap_or_default());
            quote!(#literal)
        }
        (TypeExpr::Boolean, Value::Bool(b)) => quote!(#b),
        (TypeExpr::Named(id), Value::String(text))
            if let Some(TypeDef { kind: TypeKind::Enum { values }, name, .. }) = ir.type_def(id)
                && let Some(found) = values.iter().find(|v| &v.wire == text) =>
        {
            let (name, variant) = (ident(name), ident(&found.variant));
            quote!(#krate::models::#name::#variant)
        }
        _ => {
            let rust_type = type_tokens_in(ty, krate);
            let json = raw_string(&serde_json::to_string(value).unwrap_or_else(|_| "null".into()));
            quote!(serde_json::from_str::<#rust_type>(#json)?)
        }
    }
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

fn rust_snippet(ir: &Ir, op: &Operation, values: &RequestValues) -> TokenStream {
    let krate_ident = ident(&ir.lib_name);
    let krate = quote!(#krate_ident);
    let function = ident(&op.method_name);
    let method = ident(&op.method_name);
    let mut lets = Vec::new();
    let mut arguments = Vec::new();
    for (param, (_, value)) in op.path_params.iter().zip(&values.path) {
        arguments.push(rust_value(ir, &krate, &param.ty, value));
    }
    let mut setters = Vec::new();
    for param in &op.query {
        let Some((_, value)) = values.query.iter().find(|(name, _)| name == &param.wire_name) else { continue };
        let value = rust_value(ir, &krate, &param.ty, value);
        if param.required {
            arguments.push(value);
        } else {
            let setter = ident(&param.rust_name);
            setters.push(quote!(.#setter(#value)));
        }
    }
    for param in op.headers.iter().filter(|p| p.required) {
        let value = values
            .headers
            .iter()
            .find(|(name, _)| name == &param.wire_name)
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null);
        arguments.push(rust_value(ir, &krate, &param.ty, &value));
    }
    if let Some(body) = &op.body {
        let value = values.body.clone().unwrap_or(Value::Null);
        let argument = match body.content_type {
            ContentType::Json | ContentType::Form | ContentType::Multipart => {
                let rust_type = type_tokens_in(&body.ty, &krate);
                let json = raw_string(&body_json(&value));
                lets.push(quote!(let body: #rust_type = serde_json::from_str(#json)?;));
                quote!(&body)
            }
            // A streamed body is read from a file as it is sent, never loaded.
            ContentType::Binary if body.stream => {
                lets.push(quote!(let body = accord_runtime::Upload::file(#UPLOAD_FILE);));
                quote!(body)
            }
            ContentType::Text | ContentType::Binary => {
                let text = match &value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                let literal = Literal::string(&text);
                lets.push(quote!(let body = #literal;));
                if body.content_type == ContentType::Text { quote!(body) } else { quote!(body.as_bytes()) }
            }
        };
        if body.required {
            arguments.push(argument);
        } else {
            setters.push(quote!(.body(#argument)));
        }
    }
    if op.idempotency_header.is_some() {
        let key = Literal::string(&idempotency_key(op));
        setters.push(quote!(.idempotency_key(#key)));
    }
    let server_variables = (!ir.server_variables.is_empty()).then(|| quote!(.server_variables_from_env()?));
    let credentials = ir.auth.any().then(|| quote!(.credentials_from_env()));
    // One arm per retry strategy: the codes the client treats alike, told apart by code.
    let mut groups: Vec<(RetryStrategy, Vec<&ErrorCodeIr>)> = Vec::new();
    for code in op.errors.iter().filter_map(|id| ir.error_code(id)) {
        match groups.iter_mut().find(|(retry, _)| *retry == code.retry) {
            Some((_, codes)) => codes.push(code),
            None => groups.push((code.retry, vec![code])),
        }
    }
    let arms: Vec<TokenStream> = groups
        .iter()
        .map(|(_, codes)| {
            let variants = codes.iter().map(|code| {
                let variant = ident(&code.variant);
                quote!(ApiError::#variant(_))
            });
            let message = Literal::string(&format!("{}: {{error}}", error_advice(codes[0])));
            quote! {
                Err(error @ Error::Api(#(#variants)|*)) => eprintln!(#message),
            }
        })
        .collect();
    let api_error_import = (!arms.is_empty()).then(|| quote!(ApiError,));
    // A streamed answer is copied into a file chunk by chunk, never held whole.
    let written = Literal::string(&format!("{{bytes}} bytes written to {DOWNLOAD_FILE}"));
    let success = match op.success_stream {
        Some(_) => quote! {
            Ok(mut body) => {
                let mut file = accord_runtime::tokio::fs::File::create(#DOWNLOAD_FILE).await?;
                let bytes = body.write_to(&mut file).await?;
                println!(#written);
            }
        },
        None => quote!(Ok(response) => println!("{response:?}"),),
    };
    quote! {
        use #krate::{#api_error_import Client, Error};

        async fn #function() -> Result<(), Box<dyn std::error::Error>> {
            let client = Client::builder() #server_variables #credentials .build()?;
            #(#lets)*
            match client.#method(#(#arguments),*) #(#setters)* .send().await {
                #success
                #(#arms)*
                Err(other) => return Err(other.into()),
            }
            Ok(())
        }
    }
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
        assert_eq!(raw_string("{\"a\": 1}").to_string(), "r#\"{\"a\": 1}\"#");
        assert_eq!(raw_string("x \"# y").to_string(), "r##\"x \"# y\"##");
    }
}
