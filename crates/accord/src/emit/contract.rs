//! The contract emitter: the IR as an [`accord_contract::Contract`] — JSON Schemas for every
//! model, parameter, body and response, plus auth, error codes, rate limits, scenarios and
//! webhooks — written as `NAME/contract.json` for the mock server and provider verification.

use std::path::PathBuf;

use accord_contract as contract;
use serde_json::{Map, Value, json};

use super::GeneratedFile;
use crate::ir::*;

/// Formats JSON Schema defines that validators check; others (`decimal`, `ISO 3166-1
/// alpha-2`) are documentation only and are left out of schemas.
const CHECKED_FORMATS: &[&str] = &["date-time", "date", "time", "email", "uri", "uuid", "ipv4", "ipv6", "hostname"];

/// Generates `NAME/contract.json`.
pub fn generate(ir: &Ir) -> GeneratedFile {
    generate_as(ir, PathBuf::from(&ir.name).join("contract.json"))
}

/// The contract's JSON at `path` (a build script writes `NAME.contract.json`).
pub fn generate_as(ir: &Ir, path: PathBuf) -> GeneratedFile {
    let mut text = serde_json::to_string_pretty(&build(ir)).unwrap_or_default();
    text.push('\n');
    GeneratedFile { path, contents: text }
}

/// Lowers the IR to its contract.
pub fn build(ir: &Ir) -> contract::Contract {
    build_with(ir, true)
}

/// Every type's schema by name ([`type_def_schema`]), in the IR's order; made on every core
/// for a large spec (the rules after lowering build the contract before anything is emitted,
/// on one core: ≈ 11 ms of Stripe's).
fn type_def_schemas<C: FromIterator<(String, Value)>>(ir: &Ir) -> C {
    const PARALLEL_MIN_TYPES: usize = 256;
    let threads = if ir.types.len() >= PARALLEL_MIN_TYPES { crate::parallel::available_threads() } else { 1 };
    crate::parallel::map_in_order(ir.types.len(), threads, |index| {
        let def = &ir.types[index];
        (def.name.clone(), type_def_schema(def))
    })
    .into_iter()
    .collect()
}

/// [`build`] without the operations and scenarios (empty) when `operations` is false: what
/// the rules after lowering (`conformance`) read of a spec without scenarios is its schemas
/// and webhooks, and GitHub's 771 operations were a fifth of those rules' time.
pub(crate) fn build_with(ir: &Ir, operations: bool) -> contract::Contract {
    contract::Contract {
        format: contract::FORMAT_VERSION,
        name: ir.name.clone(),
        title: ir.title.clone(),
        env_prefix: ir.env_prefix.clone(),
        environments: ir
            .environments
            .iter()
            .map(|e| contract::Environment {
                name: e.name.clone(),
                base_url: e.base_url.clone(),
                default: e.default,
                client_certificate: e.client_certificate.as_ref().map(|(certificate_env, key_env)| {
                    contract::ClientCertificate { certificate_env: certificate_env.clone(), key_env: key_env.clone() }
                }),
            })
            .collect(),
        schemas: type_def_schemas(ir),
        auth: ir.auth.contract(),
        headers: ir
            .headers
            .iter()
            .map(|h| contract::Header { name: h.name.clone(), generate_uuid: h.generate_uuid, value: h.value.clone() })
            .collect(),
        errors: contract::Errors {
            code_pointer: ir.errors.code_pointer.clone(),
            codes: ir
                .errors
                .codes
                .iter()
                .map(|c| contract::ErrorCode {
                    name: c.name.clone(),
                    statuses: c.statuses.clone(),
                    retry: c.retry,
                    match_value: c.match_value.clone(),
                    schema: type_schema(&c.body),
                    example: c.example.clone(),
                    body_match: c.body_match.clone(),
                })
                .collect(),
        },
        rate_limits: contract::RateLimits {
            default: ir.rate_limits.default.as_ref().map(rate),
            quotas: ir.rate_limits.quotas.iter().map(rate).collect(),
            limit_header: ir.rate_limits.limit_header.clone(),
            remaining_header: ir.rate_limits.remaining_header.clone(),
            reset_header: ir.rate_limits.reset_header.clone(),
            reset_unit: ir.rate_limits.reset_unit,
            usage_header: ir.rate_limits.usage_header.clone(),
            ietf_fields: ir.rate_limits.ietf_fields,
        },
        operations: if operations { ir.operations.iter().map(|op| operation(ir, op)).collect() } else { Vec::new() },
        scenarios: if operations { ir.scenarios.iter().map(|s| scenario(ir, s)).collect() } else { Vec::new() },
        webhooks: ir.webhooks.as_ref().map(webhooks),
    }
}

fn rate(rate: &RateIr) -> contract::Rate {
    contract::Rate { requests: rate.requests, window_seconds: rate.window_seconds, burst: rate.burst }
}

fn operation(ir: &Ir, op: &Operation) -> contract::Operation {
    let param = |p: &Param| contract::Param {
        name: p.wire_name.clone(),
        required: p.required,
        schema: constrained(type_schema(&p.ty), &p.constraints),
        // Left out where they are the place's defaults, which readers fill back in.
        style: (!p.default_style).then_some(p.style),
        explode: (!p.default_style).then_some(p.explode),
    };
    let fixed = |values: &[FixedValue]| values.iter().map(|v| (v.name.clone(), v.value.clone())).collect();
    contract::Operation {
        name: op.name.clone(),
        method: op.http_method,
        path: op.path.clone(),
        path_params: op.path_params.iter().map(param).collect(),
        query: op.query.iter().map(param).collect(),
        headers: op.headers.iter().map(param).collect(),
        fixed_headers: fixed(&op.fixed_headers),
        fixed_query: fixed(&op.fixed_query),
        body: op.body.as_ref().map(|b| {
            let multipart = b.content_type == ContentType::Multipart;
            contract::Body {
                content_type: b.content_type,
                required: b.required,
                schema: type_schema(&b.ty),
                file_fields: if multipart { file_fields(ir, &b.ty) } else { Vec::new() },
                object_parts: multipart.then_some(b.object_parts),
                media_type: b.media_type.clone(),
                stream: b.stream,
            }
        }),
        responses: op
            .responses
            .iter()
            .map(|r| contract::Response {
                status: r.status,
                schema: r.ty.as_ref().map(type_schema),
                content_type: r.content_type,
                media_type: r.media_type.clone(),
                headers: r.headers.clone(),
                header_examples: r.header_examples.iter().cloned().collect(),
                example: r.example.clone(),
                stream: r.stream.map(|stream| contract::Stream { max_bytes: stream.max_bytes }),
            })
            .collect(),
        errors: op.errors.iter().map(|code| code.name().to_string()).collect(),
        idempotency_header: op.idempotency_header.clone(),
        idempotency_retention_seconds: op.idempotency_retention_seconds,
        rate_limit: op.rate_limit.as_ref().map(rate),
        auth: op.auth.clone(),
        link_pagination: match &op.pagination {
            Some(PaginationIr::Link { param, size_param, .. }) => {
                Some(contract::LinkPagination { param: param.clone(), size_param: size_param.clone() })
            }
            Some(
                PaginationIr::Cursor { .. }
                | PaginationIr::Page { .. }
                | PaginationIr::Offset { .. }
                | PaginationIr::NextUrl { .. },
            )
            | None => None,
        },
        cache_control: ir
            .operational
            .cache
            .iter()
            .flat_map(|cache| &cache.endpoints)
            .find(|endpoint| endpoint.operation == op.name)
            .and_then(|endpoint| endpoint.cache_control.clone()),
    }
}

fn pairs<V: Clone + Into<Value>>(pairs: &[(String, V)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect()
}

fn scenario(ir: &Ir, scenario: &ScenarioIr) -> contract::Scenario {
    contract::Scenario {
        name: scenario.name.clone(),
        description: scenario.description.clone(),
        setup: scenario.setup.clone(),
        steps: scenario
            .steps
            .iter()
            .map(|step| contract::Step {
                operation: ir.operations[step.operation].name.clone(),
                path: pairs(&step.path),
                query: pairs(&step.query),
                headers: pairs(&step.headers),
                body: step.body.clone(),
                status: step.status,
                response_body: step.response_body.clone(),
                response_headers: pairs(&step.response_headers),
                error: step.error.as_ref().map(|code| code.name().to_string()),
                body_contains: step.body_contains.clone(),
                body_equals: pairs(&step.body_equals),
            })
            .collect(),
    }
}

fn webhooks(webhooks: &WebhooksIr) -> contract::Webhooks {
    // Without a scheme there is nothing to sign with, so no keys either.
    let (test_signing_key, test_verifying_key, _) =
        webhooks.signature.as_ref().map(super::tests::test_keys).unwrap_or_default();
    contract::Webhooks {
        test_signing_key,
        test_verifying_key,
        scheme: webhooks.signature.as_ref().and_then(|signature| serde_json::to_value(signature).ok()),
        secret_env: webhooks.secret_env.clone(),
        event_type_field: webhooks.event_type_field.clone(),
        event_header: webhooks.event_header.clone(),
        event_id_field: webhooks.event_id_field.clone(),
        event_id_header: webhooks.event_id_header.clone(),
        retry_schedule_seconds: webhooks.retry_schedule_seconds.clone(),
        timeout_seconds: webhooks.timeout_seconds,
        events: webhooks
            .events
            .iter()
            .map(|event| {
                let mut example = event.example.clone();
                if let Some(pointer) = &webhooks.event_type_field {
                    crate::lower::set_pointer(&mut example, pointer, json!(event.event_type));
                }
                contract::Event {
                    event_type: event.event_type.clone(),
                    schema: type_schema(&event.payload),
                    example,
                    id_field: event.id_field.clone(),
                }
            })
            .collect(),
        batch: webhooks.batch,
        handshake: webhooks.handshake.as_ref().map(|handshake| contract::Handshake {
            field: handshake.field.clone(),
            value: handshake.value.clone(),
            respond: handshake.respond.clone(),
        }),
    }
}

/// The fields of a body model whose values are files (or lists of files).
pub(crate) fn file_fields(ir: &Ir, ty: &TypeExpr) -> Vec<String> {
    let TypeExpr::Named(name) = ty else { return Vec::new() };
    let Some(TypeKind::Struct { fields, .. }) = ir.resolve(name).map(|t| &t.kind) else {
        return Vec::new();
    };
    fields
        .iter()
        .filter(|f| {
            matches!(&f.ty, TypeExpr::Binary) || matches!(&f.ty, TypeExpr::Array(inner) if **inner == TypeExpr::Binary)
        })
        .map(|f| f.wire_name.clone())
        .collect()
}

/// JSON Schema of a type expression; named types are `$ref`s into `$defs`.
pub fn type_schema(ty: &TypeExpr) -> Value {
    match ty {
        TypeExpr::String => json!({"type": "string"}),
        TypeExpr::Integer | TypeExpr::Integer32 => json!({"type": "integer"}),
        // Decimals travel as JSON numbers (accord_runtime::Decimal encodes them so).
        TypeExpr::Number | TypeExpr::Decimal => json!({"type": "number"}),
        TypeExpr::Boolean => json!({"type": "boolean"}),
        TypeExpr::Any => json!({}),
        TypeExpr::DateTime => json!({"type": "string", "format": "date-time"}),
        // Providers send relative references where their descriptions say `uri` (Twilio's
        // `next_page_uri`); generated clients keep them as text.
        TypeExpr::Uri => json!({"type": "string", "format": "uri-reference"}),
        TypeExpr::Uuid => json!({"type": "string", "format": "uuid"}),
        // A file part's bytes (the mock reads them as text), or base64 in JSON.
        TypeExpr::Binary => json!({"type": "string", "contentMediaType": "application/octet-stream"}),
        TypeExpr::Named(name) => json!({"$ref": format!("#/$defs/{name}")}),
        TypeExpr::Array(inner) => json!({"type": "array", "items": type_schema(inner)}),
        TypeExpr::Map(inner) => json!({"type": "object", "additionalProperties": type_schema(inner)}),
    }
}

/// `schema` with the constraint keywords added (JSON Schema 2020-12 allows them beside a
/// `$ref`).
pub(crate) fn constrained(schema: Value, constraints: &Constraints) -> Value {
    let Value::Object(mut object) = schema else { return schema };
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            object.insert(key.into(), value);
        }
    };
    put("minLength", constraints.min_length.map(Value::from));
    put("maxLength", constraints.max_length.map(Value::from));
    put("pattern", constraints.pattern.clone().map(Value::from));
    put("minimum", constraints.minimum.map(number));
    put("maximum", constraints.maximum.map(number));
    put("minItems", constraints.min_items.map(Value::from));
    put("maxItems", constraints.max_items.map(Value::from));
    put("uniqueItems", constraints.unique_items.then_some(Value::Bool(true)));
    put("enum", (!constraints.allowed_values.is_empty()).then(|| Value::Array(constraints.allowed_values.clone())));
    let format = constraints.format.as_deref().filter(|f| CHECKED_FORMATS.contains(f));
    put("format", format.map(|f| Value::from(if f == "uri" { "uri-reference" } else { f })));
    Value::Object(object)
}

/// Whole numbers print as integers (`1`, not `1.0`) so schemas stay readable.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 { Value::from(x as i64) } else { Value::from(x) }
}

fn type_def_schema(def: &TypeDef) -> Value {
    let mut schema = match &def.kind {
        TypeKind::Struct { fields, additional: _ } => {
            let properties: Map<String, Value> = fields
                .iter()
                .map(|field| {
                    let mut schema = constrained(type_schema(&field.ty), &field.constraints);
                    // The generated models read an absent optional field and a `null` one
                    // the same way, and providers send both.
                    if field.nullable || !field.always_present() {
                        schema = json!({"anyOf": [schema, {"type": "null"}]});
                    }
                    // Annotations only (JSON Schema 2020-12 validation §9.4): one schema serves
                    // requests and responses, so such fields are not `required` below.
                    if field.read_only {
                        schema["readOnly"] = json!(true);
                    }
                    if field.write_only {
                        schema["writeOnly"] = json!(true);
                    }
                    (field.wire_name.clone(), schema)
                })
                .collect();
            let required: Vec<Value> =
                fields.iter().filter(|f| f.always_present()).map(|f| Value::from(f.wire_name.clone())).collect();
            let mut object = Map::new();
            object.insert("type".into(), json!("object"));
            object.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                object.insert("required".into(), Value::Array(required));
            }
            Value::Object(object)
        }
        TypeKind::Enum { values } => {
            json!({"type": "string", "enum": values.iter().map(|v| v.wire.clone()).collect::<Vec<_>>()})
        }
        TypeKind::Union { variants, discriminator: _ } => {
            json!({"anyOf": variants.iter().map(|v| type_schema(&v.ty)).collect::<Vec<_>>()})
        }
        TypeKind::Alias { target, constraints } => constrained(type_schema(target), constraints),
    };
    if let (Value::Object(object), Some(description)) = (&mut schema, &def.description) {
        object.insert("description".into(), json!(description));
    }
    schema
}
