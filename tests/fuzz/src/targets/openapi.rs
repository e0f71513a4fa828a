//! `openapi`: a mutated OpenAPI document through `accord::import::openapi::import`, then the
//! imported spec through `check` (it must pass: import must not write specs that `check`
//! refuses, issue 20 item 13). Seeds: the corpus's OpenAPI documents; the large ones are cut
//! into slices of a few paths with the component schemas they reach, so that an input takes
//! milliseconds, not seconds.

use std::collections::BTreeSet;
use std::path::Path;

use accord::project::compile_spec;
use serde_json::{Map, Value};

use super::{Outcome, Target, corpus_root, read_folder};
use crate::known;
use crate::mutate::{Dice, mutate_bytes, mutate_value};

/// Documents larger than this are sliced.
const WHOLE_LIMIT: usize = 64 * 1024;
/// Largest input made: structural edits multiply (a grafted subtree copied 200 times), and
/// a 30 MB document tests nothing a 256 KiB one does not, at a hundred times the cost.
const MAX_INPUT: usize = 256 * 1024;
/// Slices per large document.
const SLICES: usize = 12;

const OPENAPI_KEYWORDS: &[&str] = &[
    "openapi",
    "3.0.3",
    "3.1.0",
    "2.0",
    "swagger",
    "info",
    "title",
    "version",
    "servers",
    "url",
    "variables",
    "paths",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "trace",
    "parameters",
    "in",
    "path",
    "query",
    "header",
    "cookie",
    "required",
    "schema",
    "requestBody",
    "content",
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
    "responses",
    "200",
    "201",
    "204",
    "400",
    "404",
    "429",
    "default",
    "2XX",
    "description",
    "components",
    "schemas",
    "securitySchemes",
    "security",
    "type",
    "http",
    "bearer",
    "basic",
    "apiKey",
    "oauth2",
    "openIdConnect",
    "flows",
    "clientCredentials",
    "tokenUrl",
    "scopes",
    "$ref",
    "#/components/schemas/",
    "#/components/schemas/A",
    "#/",
    "#",
    "object",
    "array",
    "string",
    "integer",
    "number",
    "boolean",
    "null",
    "properties",
    "items",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "discriminator",
    "propertyName",
    "mapping",
    "enum",
    "const",
    "nullable",
    "format",
    "date-time",
    "binary",
    "pattern",
    "minimum",
    "maximum",
    "webhooks",
    "callbacks",
    "operationId",
    "tags",
    "deprecated",
    "x-",
    "headers",
    "Retry-After",
    "X-RateLimit-Limit",
    "Link",
    "example",
    "examples",
    "readOnly",
    "writeOnly",
];

/// The OpenAPI target and its seeds.
pub struct OpenApiTarget {
    texts: Vec<Vec<u8>>,
    values: Vec<Value>,
}

impl OpenApiTarget {
    /// Reads and slices the corpus.
    ///
    /// Errors: the corpus folder cannot be read (set `ACCORD_CORPUS`).
    pub fn load() -> Result<OpenApiTarget, String> {
        let folder = corpus_root().join("openapi");
        let mut texts = Vec::new();
        let mut values = Vec::new();
        let mut dice = Dice::for_input(0x000a_11ce, 0);
        for (path, bytes) in read_folder(&folder, &[".json", ".yaml"])? {
            let text = String::from_utf8_lossy(&bytes);
            let document = parse(&text).ok_or_else(|| format!("seed {} does not parse", path.display()))?;
            if bytes.len() <= WHOLE_LIMIT {
                texts.push(bytes.clone());
                values.push(document);
            } else {
                for _ in 0..SLICES {
                    let slice = slice(&mut dice, &document);
                    texts.push(serde_json::to_vec(&slice).unwrap_or_default());
                    values.push(slice);
                }
            }
        }
        Ok(OpenApiTarget { texts, values })
    }
}

fn parse(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok().or_else(|| accord::spec::yaml::parse(text).ok().map(|(value, _)| value))
}

/// A few paths of `document` with the component schemas they reach (transitively, at most
/// 40), every other component kind but examples, and the top-level sections.
fn slice(dice: &mut Dice, document: &Value) -> Value {
    let mut out = Map::new();
    for (key, value) in document.as_object().into_iter().flatten() {
        if !["paths", "webhooks", "components"].contains(&key.as_str()) {
            out.insert(key.clone(), value.clone());
        }
    }
    let mut reached = Vec::new();
    for section in ["paths", "webhooks"] {
        if let Some(Value::Object(items)) = document.get(section) {
            let keys: Vec<&String> = items.keys().collect();
            if keys.is_empty() {
                continue;
            }
            let mut chosen = Map::new();
            for _ in 0..dice.small(3) {
                let key = *dice.pick(&keys);
                chosen.insert(key.clone(), items[key].clone());
                reached.push(items[key].clone());
            }
            out.insert(section.into(), Value::Object(chosen));
        }
    }
    if let Some(Value::Object(components)) = document.get("components") {
        let mut kept = Map::new();
        for (kind, entries) in components {
            if kind != "schemas" && kind != "examples" {
                kept.insert(kind.clone(), entries.clone());
                reached.push(entries.clone());
            }
        }
        if let Some(Value::Object(schemas)) = components.get("schemas") {
            let mut names = BTreeSet::new();
            let mut queue = reached;
            while let Some(value) = queue.pop() {
                for reference in refs(&value) {
                    if let Some(name) = reference.strip_prefix("#/components/schemas/")
                        && names.len() < 40
                        && names.insert(name.to_string())
                        && let Some(schema) = schemas.get(name)
                    {
                        queue.push(schema.clone());
                    }
                }
            }
            let chosen: Map<String, Value> =
                names.iter().filter_map(|name| schemas.get(name).map(|s| (name.clone(), s.clone()))).collect();
            kept.insert("schemas".into(), Value::Object(chosen));
        }
        out.insert("components".into(), Value::Object(kept));
    }
    Value::Object(out)
}

fn refs(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    found.push(reference.clone());
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

/// Shapes from the defect list: deep nesting, `$ref` cycles, bad URLs, odd versions.
fn special(dice: &mut Dice) -> Vec<u8> {
    let cap = known::nesting_cap();
    let depth = dice.rng.usize(1..=cap);
    let text = match dice.rng.u32(0..6) {
        0 => format!(r#"{{"openapi":"3.0.3","info":{{"title":"t","version":"1"}},"paths":{{}},"x":{}{}}}"#, "[".repeat(depth), "]".repeat(depth)),
        1 => {
            let mut schema = r#"{"type":"string"}"#.to_string();
            // Built by copying, so quadratic in the depth: bounded like other nested values.
            for _ in 0..depth.min(crate::mutate::VALUE_NESTING_CAP) {
                schema = format!(r#"{{"type":"object","properties":{{"a":{schema}}}}}"#);
            }
            format!(
                r#"{{"openapi":"3.1.0","info":{{"title":"t","version":"1"}},"paths":{{"/a":{{"get":{{"responses":{{"200":{{"description":"ok","content":{{"application/json":{{"schema":{schema}}}}}}}}}}}}}}}}}"#
            )
        }
        2 => r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}}}}}},"components":{"schemas":{"A":{"$ref":"#/components/schemas/B"},"B":{"type":"array","items":{"$ref":"#/components/schemas/A"}}}}}"##.to_string(),
        3 => {
            let url = *dice.pick(&["../../etc/passwd", "file:///etc/passwd", "", "http://", "javascript:alert(1)", "https://x/{v}"]);
            format!(
                r#"{{"openapi":"3.0.3","info":{{"title":"t","version":"1"}},"servers":[{{"url":"{url}"}}],"paths":{{}},"components":{{"securitySchemes":{{"o":{{"type":"oauth2","flows":{{"clientCredentials":{{"tokenUrl":"{url}","scopes":{{}}}}}}}}}}}}}}"#
            )
        }
        4 => format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx: {}1\n", "- ".repeat(depth)),
        _ => {
            let title = *dice.pick(&["Bad-Name", "", "😀", "../x", "docs", "index", "a__b", "1password", "type"]);
            format!(r#"{{"openapi":"3.1.0","info":{{"title":"{title}","version":"1"}},"paths":{{}}}}"#)
        }
    };
    text.into_bytes()
}

impl Target for OpenApiTarget {
    fn name(&self) -> &'static str {
        "openapi"
    }

    fn extension(&self) -> &'static str {
        "json"
    }

    fn generate(&self, dice: &mut Dice) -> Vec<u8> {
        let mut input = self.make(dice);
        input.truncate(MAX_INPUT);
        input
    }

    fn execute(&self, input: &[u8]) -> Outcome {
        self.run(input)
    }
}

impl OpenApiTarget {
    fn make(&self, dice: &mut Dice) -> Vec<u8> {
        let cap = known::nesting_cap();
        let others: Vec<&[u8]> = self.texts.iter().map(Vec::as_slice).collect();
        match dice.rng.u32(0..20) {
            0 | 1 => special(dice),
            2..=12 => {
                let mut value = dice.pick(&self.values).clone();
                let donors: Vec<&Value> = self.values.iter().collect();
                mutate_value(dice, &mut value, OPENAPI_KEYWORDS, &donors, 8, cap);
                let mut text = if dice.chance(75) {
                    serde_json::to_vec(&value).unwrap_or_default()
                } else {
                    accord::spec::yaml::to_string(&value).into_bytes()
                };
                if dice.chance(20) {
                    mutate_bytes(dice, &mut text, OPENAPI_KEYWORDS, &others, 3, cap);
                }
                text
            }
            _ => {
                let mut text = dice.pick(&self.texts).clone();
                mutate_bytes(dice, &mut text, OPENAPI_KEYWORDS, &others, 6, cap);
                text
            }
        }
    }

    fn run(&self, input: &[u8]) -> Outcome {
        let text = String::from_utf8_lossy(input);
        let imported = match accord::import::openapi::import(&text, Some("fuzz")) {
            Ok(imported) => imported,
            Err(error) if error.diagnostics.is_empty() => {
                return Outcome::Violation("import refused with no diagnostic".into());
            }
            // Issue 20 item 9: every import error carries a line and column.
            Err(error) if error.diagnostics.iter().any(|d| d.location.is_none()) => {
                return Outcome::Violation(format!("import error without a location: {error}"));
            }
            Err(_) => return Outcome::Rejected(None),
        };
        match compile_spec(Path::new("specs/fuzz.yaml"), &imported.yaml) {
            Ok(_) => Outcome::Accepted,
            Err(failure) => {
                let codes: BTreeSet<&str> =
                    failure.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code.name()).collect();
                Outcome::Violation(format!(
                    "import wrote a spec that check refuses ({}):\n{}",
                    codes.into_iter().collect::<Vec<_>>().join(", "),
                    failure.render()
                ))
            }
        }
    }
}
