//! `mock`: the mock's request reading with mutated requests: routing (`Model::route`), then,
//! as the server's `read_request` does, path, query, header and body values coerced by
//! schema (`accord_mock::coerce`) and validated (`Model::validate`); and `coerce` alone with
//! mutated schemas. Seeds: the contracts of `specs/` and `tests/good-specs/`, compiled here,
//! with requests sampled from their schemas.

use std::collections::BTreeMap;
use std::path::Path;

use accord_contract::Contract;
use accord_contract::wire::{ContentType, ParamLocation};
use accord_mock::Model;
use accord_mock::coerce::{coerce, decode_form, header_param, path_param, query_param};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Outcome, Target, read_folder, workspace_root};
use crate::known;
use crate::mutate::{Dice, mutate_bytes, mutate_value};

const MOCK_KEYWORDS: &[&str] = &[
    "[",
    "]",
    "[]",
    "[0]",
    "[1]",
    "%5B",
    "%5D",
    "&",
    "=",
    "+",
    "%",
    "%00",
    "%FF",
    "true",
    "false",
    "null",
    "1",
    "-1",
    "1.5",
    "1e999",
    "{\"a\":1}",
    "[1,2]",
    "\"",
    "id",
    "limit",
    "cursor",
    "page",
    "metadata",
    "items",
    "application/json",
    "multipart/form-data; boundary=x",
    "x-request-id",
    "idempotency-key",
    "authorization",
    "Bearer x",
    "$ref",
    "#/$defs/",
    "type",
    "anyOf",
    "oneOf",
    "allOf",
    "properties",
    "items",
    "prefixItems",
    "additionalProperties",
    "enum",
    "const",
    "integer",
    "number",
    "string",
    "boolean",
    "array",
    "object",
];

/// One request, saved as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Case {
    /// The spec whose contract answers (`specs/orders.yaml`).
    contract: String,
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    /// Body, base64.
    body: String,
    /// When set: `coerce` alone, of `value` by this schema (with the contract's `$defs`).
    coerce_only: Option<(Value, Value)>,
}

/// The mock target: a model per contract.
pub struct MockTarget {
    models: BTreeMap<String, Model>,
}

impl MockTarget {
    /// Compiles the contracts of `specs/` and `tests/good-specs/`.
    ///
    /// Errors: a folder cannot be read, or a spec there does not compile.
    pub fn load() -> Result<MockTarget, String> {
        let root = workspace_root();
        let mut models = BTreeMap::new();
        for folder in ["specs", "tests/good-specs"] {
            for (path, bytes) in read_folder(&root.join(folder), &[".yaml"])? {
                let relative =
                    format!("{folder}/{}", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
                let text = String::from_utf8_lossy(&bytes);
                let compiled = accord::compile_spec(Path::new(&relative), &text).map_err(|f| f.render())?;
                models.insert(relative, Model::new(accord::emit::contract::build(&compiled.ir)));
            }
        }
        Ok(MockTarget { models })
    }
}

/// A value that fits `schema` more or less (the first branch of unions, examples of
/// formats), as a client would send it.
fn sample(dice: &mut Dice, schema: &Value, defs: &Map<String, Value>, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return defs.get(name).map_or(Value::Null, |target| sample(dice, target, defs, depth + 1));
    }
    for union in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(branches)) = schema.get(union)
            && !branches.is_empty()
        {
            let branch = dice.pick(branches).clone();
            return sample(dice, &branch, defs, depth + 1);
        }
    }
    if let Some(Value::Array(members)) = schema.get("enum")
        && !members.is_empty()
    {
        return dice.pick(members).clone();
    }
    if let Some(constant) = schema.get("const") {
        return constant.clone();
    }
    let kind = match schema.get("type") {
        Some(Value::String(kind)) => kind.clone(),
        Some(Value::Array(kinds)) if !kinds.is_empty() => dice.pick(kinds).as_str().unwrap_or("string").to_string(),
        _ => "string".into(),
    };
    match kind.as_str() {
        "object" => {
            let mut object = Map::new();
            if let Some(Value::Object(properties)) = schema.get("properties") {
                for (name, property) in properties {
                    if dice.chance(80) {
                        object.insert(name.clone(), sample(dice, property, defs, depth + 1));
                    }
                }
            }
            Value::Object(object)
        }
        "array" => {
            let items = schema.get("items").cloned().unwrap_or(Value::Bool(true));
            Value::Array((0..dice.rng.usize(0..3)).map(|_| sample(dice, &items, defs, depth + 1)).collect())
        }
        "integer" => Value::from(dice.rng.i64(-5..1000)),
        "number" => Value::from(dice.rng.f64() * 100.0),
        "boolean" => Value::Bool(dice.rng.bool()),
        "null" => Value::Null,
        _ => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => Value::String("2024-01-01T00:00:00Z".into()),
            Some("uuid") => Value::String("7f1c7a56-1b7d-4c3e-9f5e-0c6a1f0e2b3d".into()),
            Some("email") => Value::String("a@example.com".into()),
            _ => Value::String(dice.text(MOCK_KEYWORDS)),
        },
    }
}

/// `value` as form text in bracket notation (`a[b][0]=x`).
fn form_text(value: &Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}[{key}]") };
                form_text(child, &name, out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                form_text(child, &format!("{prefix}[{index}]"), out);
            }
        }
        Value::String(text) => out.push(format!("{prefix}={}", text.replace('&', "%26").replace('=', "%3D"))),
        other => out.push(format!("{prefix}={other}")),
    }
}

impl Target for MockTarget {
    fn name(&self) -> &'static str {
        "mock"
    }

    fn extension(&self) -> &'static str {
        "json"
    }

    fn generate(&self, dice: &mut Dice) -> Vec<u8> {
        let cap = known::nesting_cap();
        let names: Vec<&String> = self.models.keys().collect();
        let name = (*dice.pick(&names)).clone();
        let contract: &Contract = &self.models[&name].contract;
        let defs = &contract.schemas;
        let base = Case {
            contract: name.clone(),
            method: "GET".into(),
            path: "/".into(),
            query: String::new(),
            headers: Vec::new(),
            body: String::new(),
            coerce_only: None,
        };
        if contract.operations.is_empty() {
            return serde_json::to_vec(&base).unwrap_or_default();
        }
        let op = dice.pick(&contract.operations);
        if dice.chance(15) {
            // `coerce` alone: a mutated schema of this contract and a mutated value.
            let schemas: Vec<&Value> = defs.values().chain(op.query.iter().map(|p| &p.schema)).collect();
            let mut schema = if schemas.is_empty() { Value::Bool(true) } else { (*dice.pick(&schemas)).clone() };
            let mut value = sample(dice, &schema, defs, 0);
            mutate_value(dice, &mut schema, MOCK_KEYWORDS, &schemas, 3, cap);
            if dice.chance(50) {
                value = Value::Object(decode_form(form_value(dice, &value).as_bytes()));
            }
            mutate_value(dice, &mut value, MOCK_KEYWORDS, &[], 3, cap);
            return serde_json::to_vec(&Case { coerce_only: Some((schema, value)), ..base }).unwrap_or_default();
        }
        let mut path = op.path.clone();
        for param in &op.path_params {
            let value = sample(dice, &param.schema, defs, 0);
            let text = match value {
                Value::String(text) => text,
                other => other.to_string(),
            };
            let encoded: String = text
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            path = path.replace(&format!("{{{}}}", param.name), &encoded);
        }
        let mut query_value = Map::new();
        for param in &op.query {
            if param.required || dice.chance(50) {
                query_value.insert(param.name.clone(), sample(dice, &param.schema, defs, 0));
            }
        }
        let mut query = form_value(dice, &Value::Object(query_value)).into_bytes();
        let mut headers: Vec<(String, String)> = Vec::new();
        for header in &contract.headers {
            if dice.chance(90) {
                headers.push((header.name.clone(), "7f1c7a56-1b7d-4c3e-9f5e-0c6a1f0e2b3d".into()));
            }
        }
        for param in &op.headers {
            if param.required || dice.chance(50) {
                let value = match sample(dice, &param.schema, defs, 0) {
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                headers.push((param.name.clone(), value));
            }
        }
        let mut body = Vec::new();
        if let Some(declared) = &op.body {
            let mut value = sample(dice, &declared.schema, defs, 0);
            if dice.chance(50) {
                mutate_value(dice, &mut value, MOCK_KEYWORDS, &[], 4, cap);
            }
            body = match declared.content_type {
                ContentType::Json => serde_json::to_vec(&value).unwrap_or_default(),
                _ => form_value(dice, &value).into_bytes(),
            };
        }
        let mut path = path.into_bytes();
        match dice.rng.u32(0..4) {
            0 => mutate_bytes(dice, &mut path, MOCK_KEYWORDS, &[], 3, cap),
            1 => mutate_bytes(dice, &mut query, MOCK_KEYWORDS, &[], 4, cap),
            2 => mutate_bytes(dice, &mut body, MOCK_KEYWORDS, &[], 4, cap),
            _ => {
                if let Some(header) = headers.first_mut() {
                    let mut value = header.1.clone().into_bytes();
                    mutate_bytes(dice, &mut value, MOCK_KEYWORDS, &[], 3, cap);
                    header.1 = String::from_utf8_lossy(&value).into_owned();
                }
            }
        }
        let method = if dice.chance(90) {
            op.method.as_str().to_string()
        } else {
            dice.pick(&["GET", "POST", "X", ""]).to_string()
        };
        let case = Case {
            method,
            path: String::from_utf8_lossy(&path).into_owned(),
            query: String::from_utf8_lossy(&query).into_owned(),
            headers,
            body: base64::engine::general_purpose::STANDARD.encode(&body),
            ..base
        };
        serde_json::to_vec_pretty(&case).unwrap_or_default()
    }

    fn execute(&self, input: &[u8]) -> Outcome {
        let Ok(case) = serde_json::from_slice::<Case>(input) else { return Outcome::Rejected(None) };
        let Some(model) = self.models.get(&case.contract) else { return Outcome::Rejected(None) };
        let defs = &model.contract.schemas;
        if let Some((schema, value)) = case.coerce_only {
            let _ = coerce(value, &schema, defs);
            return Outcome::Accepted;
        }
        let header = |wanted: &str| {
            case.headers.iter().find(|(name, _)| name.eq_ignore_ascii_case(wanted)).map(|(_, text)| text.clone())
        };
        let accord_mock_route = model.route_request(&case.method, &case.path, &header, &case.query);
        let accord_mock::RouteMatch::Found(op, path_params) = accord_mock_route else {
            return Outcome::Rejected(None);
        };
        let mut problems = Vec::new();
        for param in &op.path_params {
            let value = match path_params.get(&param.name).and_then(Value::as_str) {
                Some(raw) => {
                    path_param(raw, &param.name, &param.schema, defs, param.serialization(ParamLocation::Path))
                }
                None => Value::Null,
            };
            let value = coerce(value, &param.schema, defs);
            problems.extend(model.validate(&param.schema, &value, "path"));
        }
        let raw_query = decode_form(case.query.as_bytes());
        let names: Vec<&str> = op.query.iter().map(|p| p.name.as_str()).collect();
        for param in &op.query {
            let serialization = param.serialization(ParamLocation::Query);
            if let Some(value) =
                query_param(&case.query, &raw_query, &param.name, &param.schema, defs, serialization, &names)
            {
                let value = coerce(value, &param.schema, defs);
                problems.extend(model.validate(&param.schema, &value, "query"));
            }
        }
        for param in &op.headers {
            if let Some(text) = header(&param.name) {
                let explode = param.serialization(ParamLocation::Header).1;
                let value = coerce(header_param(&text, &param.schema, defs, explode), &param.schema, defs);
                problems.extend(model.validate(&param.schema, &value, "header"));
            }
        }
        let body = base64::engine::general_purpose::STANDARD.decode(&case.body).unwrap_or_default();
        if let Some(declared) = &op.body
            && !body.is_empty()
        {
            let value = match declared.content_type {
                ContentType::Json => serde_json::from_slice::<Value>(&body).ok(),
                _ => Some(coerce(Value::Object(decode_form(&body)), &declared.schema, defs)),
            };
            match value {
                Some(value) => problems.extend(model.validate(&declared.schema, &value, "body")),
                None => return Outcome::Rejected(None),
            }
        }
        if problems.is_empty() { Outcome::Accepted } else { Outcome::Rejected(None) }
    }
}

/// A value as form text, sometimes with a repeated name or `[]` appends.
fn form_value(dice: &mut Dice, value: &Value) -> String {
    let mut pairs = Vec::new();
    form_text(value, "", &mut pairs);
    if dice.chance(10) && !pairs.is_empty() {
        let first = pairs[0].clone();
        pairs.push(first.replacen('[', "[]", 1));
    }
    pairs.join("&")
}
