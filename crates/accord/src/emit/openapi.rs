//! The OpenAPI 3.1 export (`accord export openapi SPEC`): the IR as an OpenAPI 3.1.0
//! document (<https://spec.openapis.org/oas/v3.1.0>) that Redoc, Swagger UI and other
//! generators read. Paths, parameters, bodies, responses (declared ones and every error code an
//! operation can return, with examples), `components.schemas` (the contract's JSON Schema of
//! every named type, 2020-12 as 3.1 allows), `components.securitySchemes`, `servers` (one per
//! environment) and 3.1 `webhooks` (one `post` per event).
//!
//! What OpenAPI has no words for is kept as `x-accord-*` specification extensions (OpenAPI
//! 3.1 §4.9, "Specification Extensions"), so nothing of the spec is lost:
//!
//! | extension | where | holds |
//! |---|---|---|
//! | `x-accord-spec` | root | spec name, status, authors, scope in/out |
//! | `x-accord-environment` | each server | environment name, whether it is the default |
//! | `x-accord-headers` | root | headers sent on every request (`generate: uuid` or a fixed value) |
//! | `x-accord-errors` | root | code pointer; every error code: statuses, retry strategy, matched value, description, resolution |
//! | `x-accord-error-codes` | operation, response | the error codes it can return (by name) |
//! | `x-accord-retry` | root | the retry policy (attempts, delays in ms, multiplier, jitter) |
//! | `x-accord-timeouts` | root | connect, attempt and total timeouts in ms |
//! | `x-accord-rate-limits` | root | default limit, quotas, rate-limit headers |
//! | `x-accord-rate-limit` | operation | its own limit (`requests` per `window_seconds`, `burst`) |
//! | `x-accord-idempotency` | operation | idempotency-key header and retention in seconds |
//! | `x-accord-pagination` | operation | the pagination style and its pointers |
//! | `x-accord-fixed` | parameter | a value the client always sends (routes the request) |
//! | `x-accord-form-encoding` | request body | how nested form/multipart values are written (`brackets`, `json`) |
//! | `x-accord-webhooks` | root | the signature scheme (algorithm, key, header, format, signed payload, tolerance), secret variable, event type/id places, delivery guarantee and retry schedule |
//! | `x-accord-scenarios` | root | the test scenarios as the contract carries them |
//!
//! The document is deterministic: keys in a fixed order (serde_json's `preserve_order`),
//! operations and models in spec order. YAML output is printed by `spec::yaml`.

use serde_json::{Map, Value, json};

use super::contract;
use crate::ir::*;

/// The OpenAPI version written.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// How the document is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Pretty-printed JSON, two-space indent, a final newline.
    Json,
    /// YAML through `spec::yaml`.
    Yaml,
}

/// The OpenAPI document of `ir`, printed as `format`.
pub fn render(ir: &Ir, format: Format) -> String {
    let document = document(ir);
    match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Yaml => crate::spec::yaml::to_string(&document),
    }
}

/// The OpenAPI 3.1 document of `ir` as a JSON value.
pub fn document(ir: &Ir) -> Value {
    let contract = contract::build(ir);
    let mut root = Map::new();
    root.insert("openapi".into(), json!(OPENAPI_VERSION));
    root.insert("info".into(), info(ir));
    root.insert("jsonSchemaDialect".into(), json!("https://spec.openapis.org/oas/3.1/dialect/base"));
    // The first server is the one tools use (OpenAPI 3.1 §4.8.1: "servers"), so the default
    // environment comes first, the others in spec order.
    let servers = ir.environments.iter().filter(|e| e.default).chain(ir.environments.iter().filter(|e| !e.default));
    root.insert("servers".into(), Value::Array(servers.map(server).collect()));
    if let Some(security) = default_security(ir) {
        root.insert("security".into(), security);
    }
    root.insert("paths".into(), paths(ir));
    if let Some(webhooks) = &ir.webhooks {
        root.insert("webhooks".into(), webhook_operations(webhooks));
    }
    let mut components = Map::new();
    let schemas: Map<String, Value> = ir.types.iter().map(|def| (def.name.clone(), type_def_schema(def))).collect();
    components.insert("schemas".into(), Value::Object(schemas));
    if ir.auth.any() {
        components.insert("securitySchemes".into(), security_schemes(ir));
    }
    root.insert("components".into(), Value::Object(components));
    root.insert("x-accord-spec".into(), spec_extension(ir));
    if !ir.headers.is_empty() {
        root.insert("x-accord-headers".into(), headers_extension(ir));
    }
    root.insert("x-accord-errors".into(), errors_extension(ir));
    root.insert("x-accord-retry".into(), retry_extension(&ir.retry));
    root.insert("x-accord-timeouts".into(), timeouts_extension(&ir.timeouts));
    root.insert("x-accord-rate-limits".into(), rate_limits_extension(&ir.rate_limits));
    if let Some(webhooks) = &ir.webhooks {
        root.insert("x-accord-webhooks".into(), webhooks_extension(webhooks));
    }
    if !contract.scenarios.is_empty() {
        let scenarios = serde_json::to_value(&contract.scenarios).unwrap_or_default();
        root.insert("x-accord-scenarios".into(), scenarios);
    }
    Value::Object(root)
}

/// `#/$defs/NAME` (the contract's references) as `#/components/schemas/NAME`, everywhere in
/// `schema`.
fn with_component_refs(mut schema: Value) -> Value {
    rewrite_refs(&mut schema);
    schema
}

fn rewrite_refs(value: &mut Value) {
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                if key == "$ref"
                    && let Value::String(target) = child
                    && let Some(name) = target.strip_prefix("#/$defs/")
                {
                    *target = format!("#/components/schemas/{name}");
                } else {
                    rewrite_refs(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// The schema of a named type. Unlike the contract's (which validates what providers really
/// send, so it lets every optional field be `null`), it says what the spec says: an optional
/// field is left out of `required`, only a `nullable` one may be `null`; and it carries the
/// prose and examples: descriptions, `examples`, `default`, `deprecated`, documentation-only
/// formats (`decimal`), `additionalProperties`, a union's `discriminator`.
fn type_def_schema(def: &TypeDef) -> Value {
    let mut schema = match &def.kind {
        TypeKind::Struct { fields, additional } => {
            let properties: Map<String, Value> =
                fields.iter().map(|field| (field.wire_name.clone(), field_schema(field))).collect();
            // A read-only field the spec requires is required in responses only, as OpenAPI
            // says of `readOnly` (3.1 §4.8.24.4 defers to JSON Schema, which leaves it an
            // annotation; readers such as Schemathesis leave such fields out of requests).
            let required: Vec<Value> = fields.iter().filter(|f| f.required).map(|f| json!(f.wire_name)).collect();
            let mut object = Map::new();
            object.insert("type".into(), json!("object"));
            object.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                object.insert("required".into(), Value::Array(required));
            }
            if *additional {
                object.insert("additionalProperties".into(), json!(true));
            }
            Value::Object(object)
        }
        TypeKind::Enum { values } => {
            json!({"type": "string", "enum": values.iter().map(|v| v.wire.clone()).collect::<Vec<_>>()})
        }
        TypeKind::Union { variants, discriminator } => {
            let mut object = json!({"oneOf": variants.iter().map(|v| schema_of(&v.ty)).collect::<Vec<_>>()});
            if let Some(property) = discriminator {
                let mapping: Map<String, Value> = variants
                    .iter()
                    .filter_map(|v| match (&v.tag, &v.ty) {
                        (Some(tag), TypeExpr::Named(id)) => {
                            Some((tag.clone(), json!(format!("#/components/schemas/{}", id.name()))))
                        }
                        _ => None,
                    })
                    .collect();
                object["discriminator"] = json!({"propertyName": property, "mapping": mapping});
            }
            object
        }
        TypeKind::Alias { target, constraints } => with_formats(
            with_component_refs(contract::constrained(contract::type_schema(target), constraints)),
            constraints,
        ),
    };
    if let Value::Object(object) = &mut schema {
        insert_some(object, "description", text(&def.description));
        if !def.example.is_null() && !matches!(def.kind, TypeKind::Struct { .. }) {
            object.insert("examples".into(), json!([def.example]));
        }
    }
    schema
}

/// `schema` with a format the contract leaves out (documentation only: `decimal`, `ISO 3166-1
/// alpha-2`) put back; OpenAPI 3.1 allows any format string (§4.2, "Data Types").
fn with_formats(mut schema: Value, constraints: &Constraints) -> Value {
    if let (Value::Object(object), Some(format)) = (&mut schema, &constraints.format)
        && !object.contains_key("format")
    {
        object.insert("format".into(), json!(format));
    }
    schema
}

fn field_schema(field: &Field) -> Value {
    let mut schema = with_formats(
        with_component_refs(contract::constrained(contract::type_schema(&field.ty), &field.constraints)),
        &field.constraints,
    );
    if field.nullable {
        schema = json!({"anyOf": [schema, {"type": "null"}]});
    }
    let Value::Object(object) = &mut schema else { return schema };
    insert_some(object, "description", text(&field.description));
    insert_some(object, "default", field.default.clone());
    if let Some(example) = &field.example {
        object.insert("examples".into(), json!([example]));
    }
    if field.deprecated {
        object.insert("deprecated".into(), json!(true));
    }
    if field.read_only {
        object.insert("readOnly".into(), json!(true));
    }
    if field.write_only {
        object.insert("writeOnly".into(), json!(true));
    }
    schema
}

/// The schema of a type expression, with component references.
fn schema_of(ty: &TypeExpr) -> Value {
    with_component_refs(contract::type_schema(ty))
}

fn insert_some(object: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        object.insert(key.into(), value);
    }
}

fn text(value: &Option<String>) -> Option<Value> {
    value.as_ref().map(|text| json!(text))
}

fn info(ir: &Ir) -> Value {
    let mut info = Map::new();
    info.insert("title".into(), json!(ir.title));
    // `info.version` is required; a spec without one is written as `0` (not a real version).
    info.insert("version".into(), json!(ir.version.clone().unwrap_or_else(|| "0".into())));
    insert_some(&mut info, "description", text(&ir.description));
    Value::Object(info)
}

fn server(environment: &EnvironmentIr) -> Value {
    let mut server = Map::new();
    server.insert("url".into(), json!(environment.base_url));
    let description = match &environment.description {
        Some(description) => format!("{}: {description}", environment.name),
        None => environment.name.clone(),
    };
    server.insert("description".into(), json!(description));
    server.insert("x-accord-environment".into(), json!({"name": environment.name, "default": environment.default}));
    Value::Object(server)
}

/// An OpenAPI security requirement list (OR of ANDs) for a requirement; every scope of an
/// OAuth2 credential is asked for.
fn security(ir: &Ir, requirement: &accord_contract::Requirement) -> Value {
    let alternatives = requirement.alternatives.iter().map(|alternative| {
        let object: Map<String, Value> = alternative
            .iter()
            .map(|name| {
                let scopes = match ir.auth.credential(name).map(|c| &c.scheme) {
                    Some(AuthScheme::OAuth2ClientCredentials(oauth)) => json!(oauth.scopes),
                    Some(AuthScheme::OAuth2AuthorizationCode(code)) => json!(code.scopes),
                    Some(
                        AuthScheme::OAuth2JwtBearer(_)
                        | AuthScheme::GitHubApp(_)
                        | AuthScheme::AwsSigV4(_)
                        | AuthScheme::HmacSignature(_),
                    ) => json!([]),
                    Some(AuthScheme::Bearer(_) | AuthScheme::Basic(_) | AuthScheme::ApiKey(_)) | None => json!([]),
                };
                (name.clone(), scopes)
            })
            .collect();
        Value::Object(object)
    });
    Value::Array(alternatives.collect())
}

/// The document-wide `security`: the requirement most operations share, so that per-operation
/// `security` is written only where it differs. `None` without credentials.
fn default_security(ir: &Ir) -> Option<Value> {
    let first = ir.operations.first()?;
    ir.auth.any().then(|| security(ir, &first.auth))
}

fn security_schemes(ir: &Ir) -> Value {
    let schemes = ir.auth.credentials.iter().map(|credential| {
        let mut scheme = match &credential.scheme {
            AuthScheme::OAuth2ClientCredentials(oauth) => {
                let scopes: Map<String, Value> =
                    oauth.scopes.iter().map(|scope| (scope.clone(), json!(format!("`{scope}` scope")))).collect();
                json!({
                    "type": "oauth2",
                    "flows": {"clientCredentials": {"tokenUrl": oauth.token_url, "scopes": scopes}},
                    "x-accord-credential": {
                        "client_id_env": oauth.client_id_env,
                        "client_secret_env": oauth.client_secret_env,
                        "token_path": oauth.token_path,
                        "refresh_before_expiry_seconds": oauth.refresh_before_expiry_seconds,
                    },
                })
            }
            AuthScheme::OAuth2AuthorizationCode(code) => {
                let scopes: Map<String, Value> =
                    code.scopes.iter().map(|scope| (scope.clone(), json!(format!("`{scope}` scope")))).collect();
                json!({
                    "type": "oauth2",
                    "flows": {"authorizationCode": {
                        "authorizationUrl": code.authorize_url,
                        "tokenUrl": code.token_url,
                        "refreshUrl": code.token_url,
                        "scopes": scopes,
                    }},
                    "x-accord-credential": {
                        "pkce": "S256",
                        "client_id_env": code.client_id_env,
                        "client_secret_env": code.client_secret_env,
                        "redirect_uri_env": code.redirect_uri_env,
                        "refresh_before_expiry_seconds": code.refresh_before_expiry_seconds,
                    },
                })
            }
            // OpenAPI has no flow for a JWT grant (RFC 7523) nor for GitHub App installation
            // tokens: on the wire each request carries a bearer access token, which is what
            // the scheme says; how the token is obtained is in the extension.
            AuthScheme::OAuth2JwtBearer(jwt) => json!({
                "type": "http",
                "scheme": "bearer",
                "x-accord-credential": {
                    "grant": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                    "token_url": jwt.token_url,
                    "scopes": jwt.scopes,
                    "issuer_env": jwt.issuer_env,
                    "private_key_env": jwt.private_key_env,
                },
            }),
            AuthScheme::GitHubApp(app) => json!({
                "type": "http",
                "scheme": "bearer",
                "x-accord-credential": {
                    "grant": "github-app-installation",
                    "app_id_env": app.app_id_env,
                    "installation_id_env": app.installation_id_env,
                    "private_key_env": app.private_key_env,
                },
            }),
            // OpenAPI has no security scheme for a signed request: AWS SigV4 writes its
            // signature to `Authorization` (an `apiKey` in that header, as AWS's own API
            // Gateway exports say it, with `x-amazon-apigateway-authtype: awsSigv4`); a
            // declared HMAC signature is an `apiKey` where its signature goes. What is signed
            // is in the extension.
            AuthScheme::AwsSigV4(aws) => json!({
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "x-amazon-apigateway-authtype": "awsSigv4",
                "x-accord-credential": {"aws_sigv4": aws},
            }),
            AuthScheme::HmacSignature(hmac) => json!({
                "type": "apiKey",
                "in": hmac.signature.location.as_str(),
                "name": hmac.signature.name,
                "x-accord-credential": {"hmac_signature": hmac},
            }),
            AuthScheme::Bearer(bearer) => {
                json!({"type": "http", "scheme": "bearer", "x-accord-credential": {"env": bearer.env}})
            }
            AuthScheme::Basic(basic) => json!({
                "type": "http",
                "scheme": "basic",
                "x-accord-credential": {"username_env": basic.username_env, "password_env": basic.password_env},
            }),
            AuthScheme::ApiKey(key) => json!({
                "type": "apiKey",
                "in": key.location.as_str(),
                "name": key.name,
                "x-accord-credential": {"env": key.env},
            }),
        };
        if let Some(description) = credential.description.as_ref().or(ir.auth.description.as_ref()) {
            scheme["description"] = json!(description);
        }
        (credential.name.clone(), scheme)
    });
    Value::Object(schemes.collect())
}

fn paths(ir: &Ir) -> Value {
    let default = default_security(ir);
    let mut paths = Map::new();
    for op in &ir.operations {
        let item = paths.entry(op.path.clone()).or_insert_with(|| json!({}));
        let method = op.http_method.as_str().to_ascii_lowercase();
        // Two endpoints on one method and path (told apart by fixed values) cannot both be an
        // OpenAPI operation; the second is kept under an extension (see `x-accord-operations`).
        if item.get(&method).is_some() {
            let extra = item
                .as_object_mut()
                .map(|object| object.entry("x-accord-operations").or_insert_with(|| json!({})))
                .and_then(Value::as_object_mut);
            if let Some(extra) = extra {
                extra.insert(format!("{method} {}", op.name), operation(ir, op, default.as_ref()));
            }
            continue;
        }
        item[method] = operation(ir, op, default.as_ref());
    }
    Value::Object(paths)
}

fn parameter(param: &Param, location: ParamLocation) -> Value {
    let mut object = Map::new();
    object.insert("name".into(), json!(param.wire_name));
    object.insert("in".into(), json!(location.as_str()));
    insert_some(&mut object, "description", text(&param.description));
    object.insert("required".into(), json!(param.required || location == ParamLocation::Path));
    if !param.default_style {
        object.insert("style".into(), json!(param.style.as_str()));
        object.insert("explode".into(), json!(param.explode));
    }
    let mut schema = with_formats(
        with_component_refs(contract::constrained(contract::type_schema(&param.ty), &param.constraints)),
        &param.constraints,
    );
    if let Value::Object(schema_object) = &mut schema {
        insert_some(schema_object, "default", param.default.clone());
    }
    object.insert("schema".into(), schema);
    Value::Object(object)
}

fn fixed_parameter(value: &FixedValue, location: ParamLocation) -> Value {
    json!({
        "name": value.name,
        "in": location.as_str(),
        "required": true,
        "schema": {"type": "string", "const": value.value},
        "x-accord-fixed": value.value,
    })
}

fn operation(ir: &Ir, op: &Operation, default_security: Option<&Value>) -> Value {
    let mut object = Map::new();
    object.insert("operationId".into(), json!(op.name));
    insert_some(&mut object, "summary", text(&op.summary));
    insert_some(&mut object, "description", text(&op.description));
    if op.deprecated {
        object.insert("deprecated".into(), json!(true));
    }
    let mut parameters: Vec<Value> = Vec::new();
    parameters.extend(op.path_params.iter().map(|p| parameter(p, ParamLocation::Path)));
    parameters.extend(op.query.iter().map(|p| parameter(p, ParamLocation::Query)));
    parameters.extend(op.fixed_query.iter().map(|v| fixed_parameter(v, ParamLocation::Query)));
    parameters.extend(op.headers.iter().map(|p| parameter(p, ParamLocation::Header)));
    parameters.extend(op.fixed_headers.iter().map(|v| fixed_parameter(v, ParamLocation::Header)));
    // The headers of every request (`X-Request-ID`): the client always sends them and a
    // server (the mock) may refuse a request without them.
    for header in &ir.headers {
        if op.headers.iter().any(|p| p.wire_name.eq_ignore_ascii_case(&header.name)) {
            continue;
        }
        let schema = match (&header.value, header.generate_uuid) {
            (Some(value), _) => json!({"type": "string", "const": value}),
            (None, true) => json!({"type": "string", "format": "uuid"}),
            (None, false) => json!({"type": "string"}),
        };
        let mut parameter = json!({"name": header.name, "in": "header", "required": true, "schema": schema});
        if let Some(description) = &header.description {
            parameter["description"] = json!(description);
        }
        parameters.push(parameter);
    }
    if let Some(header) = &op.idempotency_header
        && !op.headers.iter().any(|p| p.wire_name.eq_ignore_ascii_case(header))
    {
        parameters.push(json!({
            "name": header,
            "in": "header",
            "required": false,
            "description": "Idempotency key: a request repeated with the same key is not acted on twice; \
                            the client sends a fresh UUID when none is given and reuses it on retries.",
            "schema": {"type": "string"},
        }));
    }
    if !parameters.is_empty() {
        object.insert("parameters".into(), Value::Array(parameters));
    }
    if let Some(body) = &op.body {
        object.insert("requestBody".into(), request_body(ir, body));
    }
    object.insert("responses".into(), responses(ir, op));
    if ir.auth.any() {
        let own = security(ir, &op.auth);
        if default_security != Some(&own) {
            object.insert("security".into(), own);
        }
    }
    if !op.errors.is_empty() {
        let codes: Vec<Value> = op.errors.iter().map(|code| json!(code.name())).collect();
        object.insert("x-accord-error-codes".into(), Value::Array(codes));
    }
    if let Some(header) = &op.idempotency_header {
        object.insert(
            "x-accord-idempotency".into(),
            json!({"header": header, "retention_seconds": op.idempotency_retention_seconds}),
        );
    }
    if op.own_rate_limit
        && let Some(rate) = &op.rate_limit
    {
        object.insert("x-accord-rate-limit".into(), rate_extension(rate));
    }
    if let Some(pagination) = &op.pagination {
        object.insert("x-accord-pagination".into(), serde_json::to_value(pagination).unwrap_or_default());
    }
    Value::Object(object)
}

/// The media type a body is sent or answered with.
fn media_type(content_type: ContentType, declared: &Option<String>) -> String {
    declared.clone().unwrap_or_else(|| content_type.media_type().to_string())
}

/// The example of a type: a named type's synthesised example; `None` for other expressions.
fn example_of(ir: &Ir, ty: &TypeExpr) -> Option<Value> {
    match ty {
        TypeExpr::Named(id) => ir.resolve(id).map(|def| def.example.clone()).filter(|v| !v.is_null()),
        TypeExpr::Array(inner) => example_of(ir, inner).map(|item| json!([item])),
        _ => None,
    }
}

fn request_body(ir: &Ir, body: &BodyIr) -> Value {
    let mut media = Map::new();
    media.insert("schema".into(), schema_of(&body.ty));
    insert_some(&mut media, "example", example_of(ir, &body.ty));
    match body.content_type {
        ContentType::Form => {
            // Nested objects and lists as `a[b]=…` / `a[0]=…` (Stripe's and the runtime's
            // `form` encoding); OpenAPI's `deepObject` covers objects only.
            media.insert("x-accord-form-encoding".into(), json!("brackets"));
        }
        ContentType::Multipart => {
            media.insert("x-accord-form-encoding".into(), json!(body.object_parts.as_str()));
            let files = contract::file_fields(ir, &body.ty);
            if !files.is_empty() {
                let encoding: Map<String, Value> = files
                    .into_iter()
                    .map(|field| (field, json!({"contentType": "application/octet-stream"})))
                    .collect();
                media.insert("encoding".into(), Value::Object(encoding));
            }
        }
        ContentType::Json | ContentType::Text | ContentType::Binary => {}
    }
    let mut content = Map::new();
    content.insert(media_type(body.content_type, &body.media_type), Value::Object(media));
    json!({"required": body.required, "content": content})
}

fn responses(ir: &Ir, op: &Operation) -> Value {
    let mut responses = Map::new();
    for response in &op.responses {
        let mut object = Map::new();
        let description = response.description.clone().unwrap_or_else(|| status_description(response.status));
        object.insert("description".into(), json!(description));
        if !response.headers.is_empty() {
            let headers: Map<String, Value> = response
                .headers
                .iter()
                .map(|name| (name.clone(), json!({"required": true, "schema": {"type": "string"}})))
                .collect();
            object.insert("headers".into(), Value::Object(headers));
        }
        // The error codes declared with this very status: their examples replace the
        // response's one, which knows no code.
        let codes: Vec<&ErrorCodeIr> = op
            .errors
            .iter()
            .filter_map(|id| ir.error_code(id))
            .filter(|code| code.statuses.contains(&response.status))
            .collect();
        if !codes.is_empty() {
            object.insert("x-accord-error-codes".into(), codes.iter().map(|c| json!(c.name)).collect());
        }
        if let Some(ty) = &response.ty {
            let mut media = Map::new();
            media.insert("schema".into(), schema_of(ty));
            if codes.is_empty() {
                insert_some(&mut media, "example", response.example.clone().or_else(|| example_of(ir, ty)));
            } else {
                media.insert("examples".into(), code_examples(&codes));
            }
            let mut content = Map::new();
            content.insert(media_type(response.content_type, &response.media_type), Value::Object(media));
            object.insert("content".into(), Value::Object(content));
        }
        responses.insert(response.status.to_string(), Value::Object(object));
    }
    // Error codes grouped by the status keys they are declared with; a key a declared response
    // already has keeps that response.
    let mut errors: Vec<(String, Vec<&ErrorCodeIr>)> = Vec::new();
    for code in op.errors.iter().filter_map(|id| ir.error_code(id)) {
        for status in &code.statuses {
            let key = status.to_string();
            if responses.contains_key(&key) {
                continue;
            }
            match errors.iter_mut().find(|(k, _)| *k == key) {
                Some((_, codes)) => codes.push(code),
                None => errors.push((key, vec![code])),
            }
        }
    }
    for (key, codes) in errors {
        let names: Vec<String> = codes.iter().map(|c| format!("`{}`", c.name)).collect();
        let mut description = format!("Error {}.", names.join(", "));
        for code in &codes {
            if let Some(text) = &code.description {
                description.push_str(&format!("\n\n`{}`: {text}", code.name));
            }
        }
        let mut media = Map::new();
        media.insert("schema".into(), schema_of(&codes[0].body));
        media.insert("examples".into(), code_examples(&codes));
        let codes_extension: Vec<Value> = codes.iter().map(|c| json!(c.name)).collect();
        responses.insert(
            key,
            json!({
                "description": description,
                "content": {"application/json": media},
                "x-accord-error-codes": codes_extension,
            }),
        );
    }
    Value::Object(responses)
}

/// An OpenAPI `examples` map with one example body per error code, named after it.
fn code_examples(codes: &[&ErrorCodeIr]) -> Value {
    let examples = codes.iter().map(|code| {
        let mut example = json!({"value": code.example});
        if let Some(text) = &code.description {
            example["summary"] = json!(text);
        }
        (code.name.clone(), example)
    });
    Value::Object(examples.collect())
}

/// A response's required `description` when the spec gives none.
fn status_description(status: StatusPattern) -> String {
    match status {
        StatusPattern::Exact(code) => match code {
            200 => "OK".into(),
            201 => "Created".into(),
            202 => "Accepted".into(),
            204 => "No Content".into(),
            other => format!("Status {other}"),
        },
        StatusPattern::Range(class) => format!("Any {class}xx status"),
        StatusPattern::Default => "Any other status".into(),
    }
}

fn webhook_operations(webhooks: &WebhooksIr) -> Value {
    let mut parameters = Vec::new();
    if let Some(signature) = &webhooks.signature {
        parameters.push(json!({
            "name": signature.header,
            "in": "header",
            "required": true,
            "description": format!("Signature ({}); see `x-accord-webhooks.signature`.", signature.algorithm.title()),
            "schema": {"type": "string"},
        }));
        for header in [&signature.id_header, &signature.timestamp_header].into_iter().flatten() {
            parameters.push(json!({"name": header, "in": "header", "required": true, "schema": {"type": "string"}}));
        }
    }
    let events = webhooks.events.iter().map(|event| {
        let mut example = event.example.clone();
        if let Some(pointer) = &webhooks.event_type_field {
            crate::lower::set_pointer(&mut example, pointer, json!(event.event_type));
        }
        let mut operation = Map::new();
        operation.insert("operationId".into(), json!(format!("webhook_{}", event.snake)));
        // The provider calls the receiver: none of the API's credentials is sent (the signature
        // authenticates a delivery), so the document-wide `security` does not apply.
        operation.insert("security".into(), json!([]));
        operation.insert("summary".into(), json!(event.event_type));
        insert_some(&mut operation, "description", text(&event.description));
        let mut parameters = parameters.clone();
        if let Some(header) = &webhooks.event_header {
            parameters.push(json!({
                "name": header,
                "in": "header",
                "required": true,
                "description": "The event type.",
                "schema": {"type": "string", "const": event.event_type},
            }));
        }
        if !parameters.is_empty() {
            operation.insert("parameters".into(), Value::Array(parameters));
        }
        // The payload's model, with the event type pinned where the spec says it is (`allOf`
        // adds the constraint; OpenAPI 3.1's JSON Schema allows it), so readers tell events
        // apart.
        let mut schema = schema_of(&event.payload);
        if let Some(pointer) = &webhooks.event_type_field {
            let mut pinned = json!({"const": event.event_type});
            for segment in crate::lower::pointer_segments(pointer).iter().rev() {
                pinned = json!({"type": "object", "properties": {segment.clone(): pinned}});
            }
            schema = json!({"allOf": [schema, pinned]});
        }
        operation.insert(
            "requestBody".into(),
            json!({"required": true, "content": {"application/json": {"schema": schema, "example": example}}}),
        );
        operation.insert(
            "responses".into(),
            json!({"2XX": {"description": "Received; any other status (or no answer in time) is retried on the schedule in `x-accord-webhooks`."}}),
        );
        (event.event_type.clone(), json!({"post": operation}))
    });
    Value::Object(events.collect())
}

fn spec_extension(ir: &Ir) -> Value {
    json!({
        "name": ir.name,
        "status": ir.status,
        "authors": ir.authors,
        "scope": {"in": ir.scope_in, "out": ir.scope_out},
    })
}

fn headers_extension(ir: &Ir) -> Value {
    let headers = ir.headers.iter().map(|header| {
        let mut object = Map::new();
        object.insert("name".into(), json!(header.name));
        if header.generate_uuid {
            object.insert("generate".into(), json!("uuid"));
        }
        insert_some(&mut object, "value", text(&header.value));
        insert_some(&mut object, "description", text(&header.description));
        Value::Object(object)
    });
    Value::Array(headers.collect())
}

fn errors_extension(ir: &Ir) -> Value {
    let codes = ir.errors.codes.iter().map(|code| {
        let statuses: Vec<String> = code.statuses.iter().map(ToString::to_string).collect();
        let mut object = Map::new();
        object.insert("name".into(), json!(code.name));
        object.insert("statuses".into(), json!(statuses));
        object.insert("retry".into(), json!(code.retry.as_str()));
        insert_some(&mut object, "match", text(&code.match_value));
        insert_some(&mut object, "description", text(&code.description));
        insert_some(&mut object, "resolution", text(&code.resolution));
        Value::Object(object)
    });
    json!({"code_pointer": ir.errors.code_pointer, "codes": codes.collect::<Vec<_>>()})
}

fn retry_extension(retry: &RetryIr) -> Value {
    json!({
        "declared": retry.declared,
        "max_attempts": retry.max_attempts,
        "initial_delay_ms": retry.initial_delay_ms,
        "max_delay_ms": retry.max_delay_ms,
        "multiplier": retry.multiplier,
        "jitter": retry.jitter.as_str(),
    })
}

fn timeouts_extension(timeouts: &TimeoutsIr) -> Value {
    json!({"connect_ms": timeouts.connect_ms, "attempt_ms": timeouts.attempt_ms, "total_ms": timeouts.total_ms})
}

fn rate_extension(rate: &RateIr) -> Value {
    let mut object = json!({"text": rate.text, "requests": rate.requests, "window_seconds": rate.window_seconds, "burst": rate.burst});
    if let Some(reason) = &rate.reason {
        object["reason"] = json!(reason);
    }
    object
}

fn rate_limits_extension(limits: &RateLimitsIr) -> Value {
    json!({
        "default": limits.default.as_ref().map(rate_extension),
        "quotas": limits.quotas.iter().map(rate_extension).collect::<Vec<_>>(),
        "limit_header": limits.limit_header,
        "remaining_header": limits.remaining_header,
        "reset_header": limits.reset_header,
        "description": limits.description,
    })
}

fn webhooks_extension(webhooks: &WebhooksIr) -> Value {
    json!({
        "description": webhooks.description,
        "preset": webhooks.preset,
        "signature": webhooks.signature,
        "secret_env": webhooks.secret_env,
        "event_type_field": webhooks.event_type_field,
        "event_header": webhooks.event_header,
        "event_id_field": webhooks.event_id_field,
        "event_id_header": webhooks.event_id_header,
        "guarantee": webhooks.guarantee,
        "retry_schedule_seconds": webhooks.retry_schedule_seconds,
        "timeout_seconds": webhooks.timeout_seconds,
    })
}
