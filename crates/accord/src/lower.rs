//! Lowering: a checked [`Spec`] → [`Ir`] in one pass. Names every type and identifier (via
//! `names`), hoists inline object/enum/union schemas into named types, parses durations and
//! rates, resolves references and synthesises example values (docs, mock answers).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use accord_contract::wire::defaults;

use crate::diag::join_pointer;
use crate::ir::*;
use crate::names::{self, Scope};
use crate::spec::{self, Positions, Required, Spec, TypeRef};
use crate::units::{parse_duration, parse_rate};

/// Lowers a spec that passed `check` (no error diagnostics). `source_path` is how generated
/// headers name the spec (`specs/orders.yaml`).
pub fn lower(spec: &Spec, positions: &Positions, source_path: &str) -> Ir {
    let mut lowerer = Lowerer {
        spec,
        positions,
        type_scope: Scope::with_reserved(&[
            "Client",
            "ClientBuilder",
            "Environment",
            "Error",
            "ApiError",
            "Event",
            "Result",
            "Option",
            "Vec",
            "String",
            "Box",
            "Credentials",
            "ClientCredentials",
        ]),
        types: Vec::new(),
        model_names: BTreeMap::new(),
        type_index: Default::default(),
    };
    // Models are named first so that references resolve regardless of order.
    for name in spec.models.keys() {
        let rust_name = lowerer.type_scope.claim(names::camel(name));
        lowerer.model_names.insert(name.clone(), rust_name);
    }
    for (name, schema) in &spec.models {
        let rust_name = lowerer.model_names[name].clone();
        let pointer = join_pointer("/models", name);
        let kind = lowerer.type_kind(schema, &rust_name, &pointer);
        let span = lowerer.span(&pointer);
        lowerer.types.push(TypeDef {
            name: rust_name,
            spec_name: name.clone(),
            is_model: true,
            description: schema.description.clone(),
            kind,
            example: schema.example.clone().unwrap_or(Value::Null),
            span,
        });
    }
    let errors = lowerer.errors();
    let operations: Vec<Operation> =
        spec.endpoints.iter().map(|(name, endpoint)| lowerer.operation(name, endpoint)).collect();
    let webhooks = lowerer.webhooks();
    lowerer.share_identical_inline_types();
    lowerer.fill_examples();
    let mut ir = Ir {
        name: spec.name.clone(),
        crate_name: names::crate_name(&spec.name),
        lib_name: names::lib_name(&spec.name),
        env_prefix: names::shouty(&spec.name),
        source_path: source_path.to_string(),
        title: spec.title.clone().unwrap_or_else(|| spec.name.clone()),
        version: spec.version.clone(),
        status: spec.status,
        authors: spec.authors.clone(),
        description: spec.description.clone(),
        scope_in: spec.scope.as_ref().map(|s| s.in_scope.clone()).unwrap_or_default(),
        scope_out: spec.scope.as_ref().map(|s| s.out_of_scope.clone()).unwrap_or_default(),
        environments: lowerer.environments(),
        auth: lowerer.auth(),
        headers: spec
            .headers
            .iter()
            .map(|(name, header)| HeaderIr {
                name: name.clone(),
                generate_uuid: header.generate == Some(spec::GeneratedValue::Uuid),
                value: header.value.clone(),
                description: header.description.clone(),
            })
            .collect(),
        types: Vec::new(),
        errors,
        retry: lowerer.retry(),
        timeouts: lowerer.timeouts(),
        rate_limits: lowerer.rate_limits(),
        operations,
        webhooks,
        scenarios: Vec::new(),
        sequences: spec
            .sequences
            .iter()
            .map(|(title, diagram)| (title.clone(), diagram.trim_end().to_string()))
            .collect(),
    };
    for code in &mut ir.errors.codes {
        code.example =
            lowerer.error_example(&code.body, ir_code_pointer(spec), code.match_value.as_deref().unwrap_or(&code.name));
    }
    for operation in &mut ir.operations {
        for response in &mut operation.responses {
            response.example = response.ty.as_ref().map(|ty| lowerer.sample(ty, 0));
        }
    }
    if let Some(webhooks) = &mut ir.webhooks {
        for event in &mut webhooks.events {
            if event.example.is_null() {
                event.example = lowerer.sample(&event.payload, 0);
                // The event type is set at its pointer later: the values on the way there
                // must exist in full even where they are optional (Adyen's
                // `/notificationItems/0/NotificationRequestItem/eventCode`).
                if let Some(pointer) = &webhooks.event_type_field {
                    lowerer.sample_along(&mut event.example, &event.payload, &pointer_segments(pointer), 0);
                }
            }
        }
    }
    ir.scenarios = lowerer.scenarios(&ir);
    ir.types = lowerer.types;
    for index in 0..ir.operations.len() {
        let operation = &ir.operations[index];
        let items = match &operation.pagination {
            Some(PaginationIr::Cursor { items, .. })
            | Some(PaginationIr::Page { items, .. })
            | Some(PaginationIr::NextUrl { items, .. }) => Some(items.clone()),
            None => None,
        };
        let page_item = items.and_then(|items| {
            let list = follow_pointer(&ir.types, operation.success.as_ref()?, items.as_deref().unwrap_or(""))?;
            match list {
                TypeExpr::Array(item) => Some(*item),
                _ => None,
            }
        });
        ir.operations[index].page_item = page_item;
    }
    ir
}

/// The type at a JSON pointer inside a value of type `ty` (through struct fields, aliases,
/// array items and map values).
fn follow_pointer(types: &[TypeDef], ty: &TypeExpr, pointer: &str) -> Option<TypeExpr> {
    let mut current = ty.clone();
    let segments: Vec<String> = if pointer.is_empty() {
        Vec::new()
    } else {
        pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
    };
    for segment in segments {
        current = resolve_alias(types, current)?;
        current = match current {
            TypeExpr::Named(name) => {
                let def = types.iter().find(|def| def.name == name)?;
                match &def.kind {
                    TypeKind::Struct { fields, .. } => {
                        fields.iter().find(|field| field.wire_name == segment)?.ty.clone()
                    }
                    _ => return None,
                }
            }
            TypeExpr::Array(item) if segment.parse::<usize>().is_ok() => *item,
            TypeExpr::Map(value) => *value,
            _ => return None,
        };
    }
    resolve_alias(types, current)
}

fn resolve_alias(types: &[TypeDef], ty: TypeExpr) -> Option<TypeExpr> {
    let mut current = ty;
    for _ in 0..16 {
        let TypeExpr::Named(name) = &current else { return Some(current) };
        let def = types.iter().find(|def| &def.name == name)?;
        match &def.kind {
            TypeKind::Alias { target, .. } => current = target.clone(),
            _ => return Some(current),
        }
    }
    None
}

/// One sentence for docs saying what an operation retries and how, from the spec's retry
/// policy, the operation's error codes and its method.
fn ir_code_pointer(spec: &Spec) -> Option<&str> {
    spec.errors.as_ref().and_then(|e| e.code_field.as_deref())
}

struct Lowerer<'a> {
    spec: &'a Spec,
    positions: &'a Positions,
    type_scope: Scope,
    types: Vec<TypeDef>,
    model_names: BTreeMap<String, String>,
    /// Positions in `types` by name, for the lookups of example synthesis (tens of thousands
    /// on a large spec); see [`Lowerer::type_named`].
    type_index: std::cell::RefCell<TypeIndex>,
}

/// The first position of each type name among the first `indexed` types.
#[derive(Default)]
struct TypeIndex {
    indexed: usize,
    positions: std::collections::HashMap<String, usize>,
}

fn constraints(schema: &spec::Schema) -> Constraints {
    Constraints {
        min_length: schema.min_length,
        max_length: schema.max_length,
        pattern: schema.pattern.clone(),
        minimum: schema.minimum,
        maximum: schema.maximum,
        min_items: schema.min_items,
        max_items: schema.max_items,
        format: schema.format.clone(),
    }
}

/// The explicit scheme of an expanded `signature` (see [`spec::presets::expand`]); fields
/// the checker requires fall back to empty values, which only unchecked specs reach.
pub fn signature_ir(signature: &spec::WebhookSignature) -> SignatureIr {
    // The checker requires an algorithm after preset expansion; HMAC-SHA256 is what an
    // unchecked spec falls back to, as the grammar's most common scheme.
    let algorithm = signature.algorithm.unwrap_or(SignatureAlgorithm::HmacSha256);
    let key = signature.key.clone().unwrap_or_default();
    let encoding = key.encoding.unwrap_or_default();
    let url = signature.url.clone().unwrap_or_default();
    let timestamp = signature.timestamp.as_ref();
    SignatureIr {
        algorithm,
        key: SignatureKeyIr { encoding, prefix: key.prefix, signing_prefix: key.signing_prefix },
        header: signature.header.clone().unwrap_or_default(),
        format: signature.format.clone().unwrap_or_default(),
        separator: signature.separator.clone(),
        signed_payload: signature.signed_payload.clone().unwrap_or_else(|| "{body}".into()),
        id_header: signature.id_header.clone(),
        timestamp_header: timestamp.and_then(|t| t.header.clone()),
        tolerance_seconds: timestamp.and_then(|t| t.tolerance.as_deref()).map(seconds).unwrap_or(0),
        url_port_variants: url.port_variants.unwrap_or(false),
        body_hash_param: url.body_hash_param,
    }
}

/// A preset's scheme in the explicit grammar, by its id (`stripe`); `None` for an unknown id.
pub fn preset_scheme(id: &str) -> Option<SignatureIr> {
    spec::SignaturePreset::from_id(id).map(|preset| signature_ir(&preset.signature()))
}

fn seconds(text: &str) -> u64 {
    parse_duration(text).map(|d| d.as_secs()).unwrap_or(0)
}

impl Lowerer<'_> {
    fn span(&self, pointer: &str) -> Span {
        let location = self.positions.value(pointer).unwrap_or_default();
        Span { pointer: pointer.to_string(), line: location.line, column: location.column }
    }

    /// Whether an inline schema needs a named type of its own.
    fn needs_name(schema: &spec::Schema) -> bool {
        !schema.properties.is_empty() || !schema.enum_values.is_empty() || !schema.one_of.is_empty()
    }

    /// Resolves a type reference, hoisting inline shapes under `context` (a Rust type name
    /// prefix such as `CreateOrderItems`).
    fn type_expr(&mut self, type_ref: &TypeRef, context: &str, pointer: &str) -> TypeExpr {
        match type_ref {
            TypeRef::Name(name) => self.named(name, None, None, context, pointer),
            TypeRef::Inline(schema) => self.schema_expr(schema, context, pointer),
        }
    }

    fn named(
        &mut self,
        name: &str,
        format: Option<&str>,
        schema: Option<&spec::Schema>,
        context: &str,
        pointer: &str,
    ) -> TypeExpr {
        match name {
            "string" => match format {
                Some("date-time") => TypeExpr::DateTime,
                Some("decimal") => TypeExpr::Decimal,
                Some("uri") | Some("url") => TypeExpr::Uri,
                Some("uuid") => TypeExpr::Uuid,
                Some("binary") => TypeExpr::Binary,
                _ => TypeExpr::String,
            },
            "integer" => match format {
                Some("int32") => TypeExpr::Integer32,
                _ => TypeExpr::Integer,
            },
            "number" => match format {
                Some("decimal") => TypeExpr::Decimal,
                _ => TypeExpr::Number,
            },
            "boolean" => TypeExpr::Boolean,
            "any" => TypeExpr::Any,
            "object" => match schema.and_then(|s| s.additional_properties.as_ref()) {
                Some(spec::AdditionalProperties::Typed(value)) => TypeExpr::Map(Box::new(self.type_expr(
                    value,
                    &format!("{context}Value"),
                    &format!("{pointer}/additional_properties"),
                ))),
                _ => TypeExpr::Any,
            },
            "array" => match schema.and_then(|s| s.items.as_ref()) {
                Some(items) => TypeExpr::Array(Box::new(self.type_expr(
                    items,
                    &format!("{context}Item"),
                    &format!("{pointer}/items"),
                ))),
                None => TypeExpr::Array(Box::new(TypeExpr::Any)),
            },
            model => TypeExpr::Named(self.model_names.get(model).cloned().unwrap_or_else(|| names::camel(model))),
        }
    }

    fn schema_expr(&mut self, schema: &spec::Schema, context: &str, pointer: &str) -> TypeExpr {
        if Self::needs_name(schema) {
            let name = self.type_scope.claim(names::camel(context));
            let kind = self.type_kind(schema, &name, pointer);
            let span = self.span(pointer);
            self.types.push(TypeDef {
                name: name.clone(),
                spec_name: crate::diag::pointer_to_path(pointer),
                is_model: false,
                description: schema.description.clone(),
                kind,
                example: schema.example.clone().unwrap_or(Value::Null),
                span,
            });
            return TypeExpr::Named(name);
        }
        let type_name = schema.type_name.as_deref().unwrap_or("any");
        let type_name = if type_name == "any" && schema.items.is_some() { "array" } else { type_name };
        self.named(type_name, schema.format.as_deref(), Some(schema), context, pointer)
    }

    fn type_kind(&mut self, schema: &spec::Schema, name: &str, pointer: &str) -> TypeKind {
        if !schema.enum_values.is_empty() {
            let mut scope = Scope::with_reserved(&["Unknown"]);
            let values = schema
                .enum_values
                .iter()
                .map(|wire| EnumValue { wire: wire.clone(), variant: scope.claim(names::camel(wire)) })
                .collect();
            return TypeKind::Enum { values };
        }
        if !schema.one_of.is_empty() {
            let mut scope = Scope::default();
            let mut variants = Vec::new();
            let mapping: BTreeMap<&str, &str> = schema
                .discriminator
                .as_ref()
                .map(|d| d.mapping.iter().map(|(tag, model)| (model.as_str(), tag.as_str())).collect())
                .unwrap_or_default();
            for (index, variant) in schema.one_of.iter().enumerate() {
                let variant_pointer = format!("{pointer}/one_of/{index}");
                let ty = self.type_expr(variant, &format!("{name}Variant{}", index + 1), &variant_pointer);
                let (variant_name, tag) = match variant {
                    TypeRef::Name(model) => (
                        names::camel(model),
                        schema
                            .discriminator
                            .as_ref()
                            .map(|_| mapping.get(model.as_str()).copied().unwrap_or(model).to_string()),
                    ),
                    TypeRef::Inline(_) => (format!("Variant{}", index + 1), None),
                };
                variants.push(UnionVariant { variant: scope.claim(variant_name), ty, tag });
            }
            return TypeKind::Union {
                variants,
                discriminator: schema.discriminator.as_ref().map(|d| d.property.clone()),
            };
        }
        let is_object = schema.type_name.as_deref().is_none_or(|t| t == "object") && !schema.properties.is_empty();
        if is_object {
            let required: Vec<String> = match &schema.required {
                Some(Required::Properties(names)) => names.clone(),
                _ => Vec::new(),
            };
            let mut scope = Scope::default();
            let mut fields = Vec::new();
            for (wire, property) in &schema.properties {
                let field_pointer = join_pointer(&format!("{pointer}/properties"), wire);
                let context = format!("{name}{}", names::bare(&names::camel(wire)));
                let ty = self.type_expr(property, &context, &field_pointer);
                let inline = match property {
                    TypeRef::Inline(inline) => Some(inline.as_ref()),
                    TypeRef::Name(_) => None,
                };
                fields.push(Field {
                    wire_name: wire.clone(),
                    rust_name: scope.claim(names::snake(wire)),
                    ty,
                    required: required.contains(wire),
                    nullable: inline.is_some_and(|s| s.nullable),
                    description: inline.and_then(|s| s.description.clone()),
                    constraints: inline.map(constraints).unwrap_or_default(),
                    example: inline.and_then(|s| s.example.clone()),
                    default: inline.and_then(|s| s.default.clone()),
                    deprecated: inline.is_some_and(|s| s.deprecated),
                    read_only: inline.is_some_and(|s| s.read_only),
                    write_only: inline.is_some_and(|s| s.write_only),
                    span: self.span(&field_pointer),
                });
            }
            let additional = matches!(schema.additional_properties, Some(spec::AdditionalProperties::Any(true)));
            return TypeKind::Struct { fields, additional };
        }
        let type_name = schema.type_name.as_deref().unwrap_or("any");
        let target = self.named(type_name, schema.format.as_deref(), Some(schema), name, pointer);
        TypeKind::Alias { target, constraints: constraints(schema) }
    }

    fn environments(&self) -> Vec<EnvironmentIr> {
        let has_default = self.spec.environments.values().any(|e| e.default);
        let mut scope = Scope::default();
        self.spec
            .environments
            .iter()
            .enumerate()
            .map(|(index, (name, environment))| EnvironmentIr {
                name: name.clone(),
                variant: scope.claim(names::camel(name)),
                base_url: environment.base_url.trim_end_matches('/').to_string(),
                description: environment.description.clone(),
                default: environment.default || (!has_default && index == 0),
            })
            .collect()
    }

    fn auth(&self) -> AuthIr {
        let Some(auth) = &self.spec.auth else { return AuthIr::default() };
        let prefix = names::shouty(&self.spec.name);
        AuthIr {
            description: auth.description.clone(),
            api_key: auth.api_key.as_ref().map(|key| ApiKeyIr {
                location: key.location,
                name: key.name.clone(),
                env: key.env.clone().unwrap_or_else(|| format!("{prefix}_API_KEY")),
            }),
            bearer: auth.bearer.as_ref().map(|bearer| EnvCredential {
                env: bearer.env.clone().unwrap_or_else(|| format!("{prefix}_TOKEN")),
                description: bearer.description.clone(),
            }),
            basic: auth.basic.as_ref().map(|basic| BasicIr {
                username_env: basic.username_env.clone().unwrap_or_else(|| format!("{prefix}_USERNAME")),
                password_env: basic.password_env.clone().unwrap_or_else(|| format!("{prefix}_PASSWORD")),
                description: basic.description.clone(),
            }),
            oauth2: auth.oauth2_client_credentials.as_ref().map(|oauth| OAuth2Ir {
                token_url: oauth.token_url.clone(),
                scopes: oauth.scopes.clone(),
                refresh_before_expiry_seconds: oauth.refresh_before_expiry.as_deref().map(seconds).unwrap_or(0),
                client_id_env: oauth.client_id_env.clone().unwrap_or_else(|| format!("{prefix}_CLIENT_ID")),
                client_secret_env: oauth.client_secret_env.clone().unwrap_or_else(|| format!("{prefix}_CLIENT_SECRET")),
            }),
        }
    }

    fn errors(&mut self) -> ErrorsIr {
        let Some(errors) = &self.spec.errors else { return ErrorsIr::default() };
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let mut codes = Vec::new();
        for (name, code) in &errors.codes {
            let body_model = code.body.as_ref().or(errors.body.as_ref()).cloned().unwrap_or_default();
            let body = self.named(&body_model, None, None, name, "/errors");
            let pointer = join_pointer("/errors/codes", name);
            codes.push(ErrorCodeIr {
                name: name.clone(),
                variant: scope.claim(names::camel(&name.to_lowercase())),
                statuses: code.status.to_vec(),
                retry: code.retry,
                match_value: errors
                    .code_field
                    .as_ref()
                    .map(|_| code.match_value.clone().unwrap_or_else(|| name.clone())),
                body,
                description: code.description.clone(),
                resolution: code.resolution.clone(),
                example: Value::Null,
                span: self.span(&pointer),
            });
        }
        ErrorsIr { code_pointer: errors.code_field.clone(), codes }
    }

    fn retry(&self) -> RetryIr {
        match &self.spec.retry {
            Some(retry) => {
                let backoff = retry.backoff.as_ref();
                RetryIr {
                    max_attempts: retry.max_attempts,
                    initial_delay_ms: backoff
                        .map(|b| parse_duration(&b.initial).map(|d| d.as_millis() as u64).unwrap_or(0))
                        .unwrap_or(defaults::BACKOFF_INITIAL_MS),
                    max_delay_ms: backoff
                        .map(|b| parse_duration(&b.max).map(|d| d.as_millis() as u64).unwrap_or(0))
                        .unwrap_or(defaults::BACKOFF_MAX_MS),
                    multiplier: backoff.and_then(|b| b.multiplier).unwrap_or(defaults::BACKOFF_MULTIPLIER),
                    jitter: backoff.and_then(|b| b.jitter).unwrap_or(defaults::JITTER),
                    declared: true,
                }
            }
            // Without a declared policy the client makes one attempt: retrying is the spec's
            // decision, not accord's.
            None => RetryIr {
                max_attempts: defaults::MAX_ATTEMPTS_UNDECLARED,
                initial_delay_ms: defaults::BACKOFF_INITIAL_MS,
                max_delay_ms: defaults::BACKOFF_MAX_MS,
                multiplier: defaults::BACKOFF_MULTIPLIER,
                jitter: defaults::JITTER,
                declared: false,
            },
        }
    }

    fn timeouts(&self) -> TimeoutsIr {
        let timeouts = self.spec.timeouts.as_ref();
        let millis = |text: Option<&String>| text.and_then(|t| parse_duration(t).ok()).map(|d| d.as_millis() as u64);
        TimeoutsIr {
            connect_ms: millis(timeouts.and_then(|t| t.connect.as_ref())).unwrap_or(defaults::CONNECT_TIMEOUT_MS),
            attempt_ms: millis(timeouts.and_then(|t| t.attempt.as_ref())).unwrap_or(defaults::ATTEMPT_TIMEOUT_MS),
            total_ms: millis(timeouts.and_then(|t| t.total.as_ref())),
        }
    }

    fn rate(&self, limit: &spec::RateLimit) -> Option<RateIr> {
        let (text, burst, reason) = match limit {
            spec::RateLimit::Short(text) => (text.clone(), None, None),
            spec::RateLimit::Full(def) => (def.limit.clone(), def.burst, def.reason.clone()),
        };
        let rate = parse_rate(&text).ok()?;
        Some(RateIr {
            text,
            requests: rate.requests,
            window_seconds: rate.window.as_secs(),
            burst: burst.unwrap_or(rate.requests),
            reason,
        })
    }

    fn rate_limits(&self) -> RateLimitsIr {
        let Some(limits) = &self.spec.rate_limits else { return RateLimitsIr::default() };
        let headers = limits.headers.as_ref();
        RateLimitsIr {
            default: limits.default.as_ref().and_then(|l| self.rate(l)),
            quotas: limits.quotas.iter().filter_map(|q| self.rate(&spec::RateLimit::Short(q.clone()))).collect(),
            limit_header: headers.and_then(|h| h.limit.clone()),
            remaining_header: headers.and_then(|h| h.remaining.clone()),
            reset_header: headers.and_then(|h| h.reset.clone()),
            description: limits.description.clone(),
        }
    }

    fn params(
        &mut self,
        parameters: &indexmap::IndexMap<String, TypeRef>,
        context: &str,
        pointer: &str,
        always_required: bool,
        scope: &mut Scope,
    ) -> Vec<Param> {
        parameters
            .iter()
            .map(|(wire, type_ref)| {
                let param_pointer = join_pointer(pointer, wire);
                let ty =
                    self.type_expr(type_ref, &format!("{context}{}", names::bare(&names::camel(wire))), &param_pointer);
                let inline = match type_ref {
                    TypeRef::Inline(schema) => Some(schema.as_ref()),
                    TypeRef::Name(_) => None,
                };
                Param {
                    wire_name: wire.clone(),
                    rust_name: scope.claim(names::snake(wire)),
                    ty,
                    required: always_required
                        || matches!(inline.and_then(|s| s.required.as_ref()), Some(Required::Flag(true))),
                    description: inline.and_then(|s| s.description.clone()),
                    constraints: inline.map(constraints).unwrap_or_default(),
                    default: inline.and_then(|s| s.default.clone()),
                }
            })
            .collect()
    }

    fn operation(&mut self, name: &str, endpoint: &spec::Endpoint) -> Operation {
        let pointer = join_pointer("/endpoints", name);
        let camel = names::bare(&names::camel(name)).to_string();
        let builder_name = self.type_scope.claim(format!("{camel}Request"));
        // Parameter names share one scope with the builder's own methods.
        let mut scope =
            Scope::with_reserved(&["send", "send_full", "body", "client", "idempotency_key", "header", "new"]);
        let declared_order = crate::check::path_parameters(&endpoint.path).unwrap_or_default();
        let mut path_params =
            self.params(&endpoint.path_params, &camel, &format!("{pointer}/path_params"), true, &mut scope);
        path_params.sort_by_key(|p| declared_order.iter().position(|n| n == &p.wire_name));
        let query = self.params(&endpoint.query, &camel, &format!("{pointer}/query"), false, &mut scope);
        let headers = self.params(&endpoint.headers, &camel, &format!("{pointer}/headers"), false, &mut scope);
        let body = endpoint.request.as_ref().map(|request| BodyIr {
            ty: self.type_expr(&request.body, &format!("{camel}Body"), &format!("{pointer}/request/body")),
            content_type: request.content_type.unwrap_or_default(),
            required: request.required.unwrap_or(true),
            object_parts: request.object_parts.unwrap_or_default(),
        });
        let mut responses = Vec::new();
        for (status, response) in &endpoint.responses {
            let status: u16 = status.parse().unwrap_or(0);
            let response_pointer = join_pointer(&format!("{pointer}/responses"), &status.to_string());
            let (ty, description, headers) = match response {
                spec::ResponseRef::Short(model) => (
                    Some(self.named(model, None, None, &format!("{camel}Response"), &response_pointer)),
                    None,
                    Vec::new(),
                ),
                spec::ResponseRef::Full(definition) => (
                    definition.body.as_ref().map(|body| {
                        self.type_expr(body, &format!("{camel}Response"), &format!("{response_pointer}/body"))
                    }),
                    definition.description.clone(),
                    definition.headers.keys().cloned().collect(),
                ),
            };
            responses.push(ResponseIr { status, ty, description, headers, example: None });
        }
        let success = responses.iter().filter(|r| (200..300).contains(&r.status)).find_map(|r| r.ty.clone());
        let default_limit = self.spec.rate_limits.as_ref().and_then(|l| l.default.as_ref());
        let own_rate_limit = endpoint.rate_limit.is_some();
        let rate_limit = endpoint.rate_limit.as_ref().or(default_limit).and_then(|l| self.rate(l));
        let pagination = endpoint.pagination.as_ref().map(|pagination| match pagination {
            spec::Pagination::Cursor(cursor) => PaginationIr::Cursor {
                param: cursor.param.clone(),
                next: cursor.next.clone(),
                from_last_item: cursor.from_last_item,
                has_more: cursor.has_more.clone(),
                items: cursor.items.clone(),
            },
            spec::Pagination::Page(page) => PaginationIr::Page {
                param: page.param.clone(),
                size_param: page.size_param.clone(),
                link_header: page.link_header,
                items: page.items.clone(),
            },
            spec::Pagination::NextUrl(next_url) => {
                PaginationIr::NextUrl { next: next_url.next.clone(), items: next_url.items.clone() }
            }
        });
        Operation {
            name: name.to_string(),
            method_name: names::snake(name),
            builder_name,
            http_method: endpoint.method,
            path: endpoint.path.clone(),
            summary: endpoint.summary.clone(),
            description: endpoint.description.clone(),
            deprecated: endpoint.deprecated,
            path_params,
            query,
            headers,
            body,
            responses,
            success,
            errors: endpoint.errors.clone(),
            idempotency_header: endpoint.idempotency.as_ref().map(|i| i.header.clone()),
            idempotency_retention_seconds: endpoint
                .idempotency
                .as_ref()
                .and_then(|i| i.retention.as_deref())
                .map(seconds),
            rate_limit,
            own_rate_limit,
            pagination,
            page_item: None,
            span: self.span(&pointer),
        }
    }

    fn webhooks(&mut self) -> Option<WebhooksIr> {
        let webhooks = self.spec.webhooks.as_ref()?;
        let signature = webhooks.signature.as_ref().map(spec::presets::expand);
        let scheme = signature.as_ref().map(signature_ir);
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let events = webhooks
            .events
            .iter()
            .map(|(event_type, event)| EventIr {
                event_type: event_type.clone(),
                variant: scope.claim(names::camel(event_type)),
                snake: names::bare(&names::snake(event_type)).to_string(),
                payload: self.named(&event.payload, None, None, "Event", "/webhooks/events"),
                description: event.description.clone(),
                example: event.example.clone().unwrap_or(Value::Null),
            })
            .collect();
        let delivery = webhooks.delivery.as_ref();
        Some(WebhooksIr {
            description: webhooks.description.clone(),
            preset: signature.as_ref().and_then(|s| s.preset),
            signature: scheme,
            secret_env: signature.as_ref().map(|signature| {
                signature
                    .secret_env
                    .clone()
                    .unwrap_or_else(|| format!("{}_WEBHOOK_SECRET", names::shouty(&self.spec.name)))
            }),
            event_type_field: webhooks.event_type_field.clone(),
            event_header: webhooks.event_header.clone(),
            event_id_field: webhooks.event_id_field.clone(),
            // Without an id of its own, a delivery is identified by the signed message id.
            event_id_header: webhooks.event_id_header.clone().or_else(|| {
                if webhooks.event_id_field.is_none() { signature.as_ref()?.id_header.clone() } else { None }
            }),
            guarantee: delivery.and_then(|d| d.guarantee),
            retry_schedule_seconds: delivery
                .map(|d| d.retries.iter().map(|r| seconds(r)).collect())
                .unwrap_or_default(),
            retry_schedule: delivery.map(|d| d.retries.clone()).unwrap_or_default(),
            timeout_seconds: delivery.and_then(|d| d.timeout.as_deref()).map(seconds),
            events,
        })
    }

    /// Gives every type without a declared example a synthesised one.
    /// Inline schemas hoisted into types are often written out again and again with the same
    /// shape (Stripe repeats its `expand` lists, status enums and address objects hundreds of
    /// times). A hoisted type whose shape (fields or values, their wire names, types,
    /// presence and constraints; not its name, docs or examples) equals an earlier type's, or
    /// a declared model's, becomes an alias of it: the same Rust type, written once, which
    /// halved the Stripe client's `cargo check` time in measurement. Declared models keep their
    /// own definitions. Shapes are compared to a fixpoint, so types that differ only in which
    /// of two identical types they refer to are shared as well.
    fn share_identical_inline_types(&mut self) {
        let mut representative: BTreeMap<String, String> =
            self.types.iter().map(|t| (t.name.clone(), t.name.clone())).collect();
        for _ in 0..8 {
            let mut first_of_shape: BTreeMap<String, (String, bool)> = BTreeMap::new();
            let mut next = representative.clone();
            // Declared models first, so that a hoisted type joins a model's shape.
            let order = self.types.iter().filter(|t| t.is_model).chain(self.types.iter().filter(|t| !t.is_model));
            for def in order {
                let shape = shape_key(&def.kind, &representative);
                match first_of_shape.get(&shape) {
                    Some((canonical, _)) if !def.is_model => {
                        next.insert(def.name.clone(), canonical.clone());
                    }
                    Some(_) => {}
                    None => {
                        first_of_shape.insert(shape, (def.name.clone(), def.is_model));
                    }
                }
            }
            if next == representative {
                break;
            }
            representative = next;
        }
        for def in &mut self.types {
            let canonical = &representative[&def.name];
            if canonical != &def.name && !def.is_model {
                def.kind =
                    TypeKind::Alias { target: TypeExpr::Named(canonical.clone()), constraints: Constraints::default() };
            }
        }
    }

    fn fill_examples(&mut self) {
        for index in 0..self.types.len() {
            if self.types[index].example.is_null() {
                let example = self.sample(&TypeExpr::Named(self.types[index].name.clone()), 0);
                self.types[index].example = example;
            }
        }
    }

    /// A JSON value valid for `ty`: declared examples first, then values that satisfy the
    /// declared constraints.
    fn sample(&self, ty: &TypeExpr, depth: usize) -> Value {
        match ty {
            TypeExpr::String => json!("string"),
            TypeExpr::Integer | TypeExpr::Integer32 => json!(1),
            TypeExpr::Number => json!(1.5),
            TypeExpr::Decimal => json!(29.99),
            TypeExpr::Boolean => json!(true),
            TypeExpr::Any => json!({}),
            TypeExpr::DateTime => json!("2024-01-15T10:30:00Z"),
            TypeExpr::Uri => json!("https://example.com/"),
            TypeExpr::Uuid => json!("6f1c2d9e-8a4b-4c3d-9e2f-1a2b3c4d5e6f"),
            // Valid as a file's text in a scenario and as base64 ("hello") in JSON.
            TypeExpr::Binary => json!("aGVsbG8="),
            TypeExpr::Array(inner) => {
                if depth > 6 {
                    json!([])
                } else {
                    json!([self.sample(inner, depth + 1)])
                }
            }
            TypeExpr::Map(_) => json!({}),
            TypeExpr::Named(name) => self.sample_named(name, depth),
        }
    }

    /// The first type called `name`. `types` only grows, so the index catches up with what
    /// was pushed since the last lookup.
    fn type_named(&self, name: &str) -> Option<&TypeDef> {
        let mut index = self.type_index.borrow_mut();
        let start = index.indexed;
        for (position, def) in self.types.iter().enumerate().skip(start) {
            index.positions.entry(def.name.clone()).or_insert(position);
        }
        index.indexed = self.types.len();
        index.positions.get(name).map(|&position| &self.types[position])
    }

    fn sample_named(&self, name: &str, depth: usize) -> Value {
        let Some(def) = self.type_named(name) else { return Value::Null };
        if !def.example.is_null() {
            return def.example.clone();
        }
        if depth > 8 {
            return Value::Null;
        }
        match &def.kind {
            TypeKind::Struct { fields, .. } => {
                let mut object = Map::new();
                // Examples show what the server returns: never a write-only value.
                for field in fields.iter().filter(|f| !f.write_only) {
                    let value = if let Some(example) = &field.example {
                        example.clone()
                    } else if let Some(default) = &field.default {
                        default.clone()
                    } else if !field.required {
                        continue;
                    } else if field.nullable {
                        Value::Null
                    } else {
                        constrained(self.sample(&field.ty, depth + 1), &field.constraints)
                    };
                    object.insert(field.wire_name.clone(), value);
                }
                Value::Object(object)
            }
            TypeKind::Enum { values } => values.first().map(|v| json!(v.wire)).unwrap_or(Value::Null),
            TypeKind::Union { variants, discriminator } => {
                let Some(first) = variants.first() else { return Value::Null };
                let mut value = self.sample(&first.ty, depth + 1);
                if let (Some(property), Some(tag), Some(object)) = (discriminator, &first.tag, value.as_object_mut()) {
                    object.insert(property.clone(), json!(tag));
                }
                value
            }
            TypeKind::Alias { target, constraints: c } => constrained(self.sample(target, depth + 1), c),
        }
    }

    fn error_example(&self, body: &TypeExpr, code_pointer: Option<&str>, code: &str) -> Value {
        let mut value = self.sample(body, 0);
        if let Some(pointer) = code_pointer {
            self.sample_along(&mut value, body, &pointer_segments(pointer), 0);
            set_pointer(&mut value, pointer, json!(code));
        }
        value
    }

    /// Makes the values on the way down `segments` (a JSON pointer's) exist in `value`, a
    /// sample of `ty`: a property the sample left out because it is optional is sampled in,
    /// and an array gets items up to the index. Where the pointer leaves the type, it stops.
    fn sample_along(&self, value: &mut Value, ty: &TypeExpr, segments: &[String], depth: usize) {
        let Some((segment, rest)) = segments.split_first() else { return };
        if depth > 16 {
            return;
        }
        match ty {
            TypeExpr::Named(name) => {
                let Some(def) = self.types.iter().find(|t| &t.name == name) else { return };
                match &def.kind {
                    TypeKind::Struct { fields, .. } => {
                        let Some(field) = fields.iter().find(|f| &f.wire_name == segment) else { return };
                        if !value.is_object() {
                            *value = Value::Object(Map::new());
                        }
                        let Some(object) = value.as_object_mut() else { return };
                        let slot = object.entry(segment.clone()).or_insert(Value::Null);
                        if slot.is_null() {
                            *slot = constrained(self.sample(&field.ty, depth + 1), &field.constraints);
                        }
                        self.sample_along(slot, &field.ty, rest, depth + 1);
                    }
                    TypeKind::Alias { target, .. } => self.sample_along(value, target, segments, depth + 1),
                    TypeKind::Union { variants, .. } => {
                        if let Some(first) = variants.first() {
                            self.sample_along(value, &first.ty, segments, depth + 1);
                        }
                    }
                    TypeKind::Enum { .. } => {}
                }
            }
            TypeExpr::Array(inner) => {
                let Ok(index) = segment.parse::<usize>() else { return };
                if index > 64 {
                    return;
                }
                if !value.is_array() {
                    *value = Value::Array(Vec::new());
                }
                let Some(items) = value.as_array_mut() else { return };
                while items.len() <= index {
                    items.push(self.sample(inner, depth + 1));
                }
                self.sample_along(&mut items[index], inner, rest, depth + 1);
            }
            TypeExpr::Map(inner) => {
                if !value.is_object() {
                    *value = Value::Object(Map::new());
                }
                let Some(object) = value.as_object_mut() else { return };
                let slot = object.entry(segment.clone()).or_insert(Value::Null);
                if slot.is_null() {
                    *slot = self.sample(inner, depth + 1);
                }
                self.sample_along(slot, inner, rest, depth + 1);
            }
            _ => {}
        }
    }

    fn scenarios(&self, ir: &Ir) -> Vec<ScenarioIr> {
        let mut scope = Scope::default();
        self.spec
            .scenarios
            .iter()
            .map(|(name, scenario)| {
                let pointer = join_pointer("/scenarios", name);
                let steps = if scenario.steps.is_empty() {
                    let endpoint = scenario.endpoint.clone().unwrap_or_default();
                    let expect = scenario.expect.clone().expect("checked: single-call scenarios have `expect`");
                    vec![self.step(ir, &endpoint, scenario.request.as_ref(), scenario.response.as_ref(), &expect)]
                } else {
                    scenario
                        .steps
                        .iter()
                        .map(|step| {
                            self.step(ir, &step.endpoint, step.request.as_ref(), step.response.as_ref(), &step.expect)
                        })
                        .collect()
                };
                ScenarioIr {
                    name: name.clone(),
                    test_name: scope.claim(names::snake(name)),
                    description: scenario.description.clone(),
                    preconditions: scenario.preconditions.clone(),
                    setup: scenario.setup.clone(),
                    postconditions: scenario.postconditions.clone(),
                    steps,
                    span: self.span(&pointer),
                }
            })
            .collect()
    }

    fn step(
        &self,
        ir: &Ir,
        endpoint: &str,
        request: Option<&spec::ScenarioRequest>,
        response: Option<&spec::ScenarioResponse>,
        expect: &spec::Expectation,
    ) -> StepIr {
        let index = ir.operations.iter().position(|o| o.name == endpoint).unwrap_or(0);
        let operation = &ir.operations[index];
        let default_request = spec::ScenarioRequest::default();
        let request = request.unwrap_or(&default_request);
        // The mock's answer: the declared response body (or the error code's body) generated
        // from its model, with the scenario's own response body merged over it.
        let mut body = match &expect.error {
            Some(code) => ir.errors.codes.iter().find(|c| &c.name == code).map(|c| c.example.clone()),
            None => {
                let declared = operation.responses.iter().find(|r| r.status == expect.status);
                match declared {
                    Some(response) => response.example.clone(),
                    None => operation.success.as_ref().map(|ty| self.sample(ty, 0)),
                }
            }
        };
        if let Some(overlay) = response.and_then(|r| r.body.as_ref()) {
            body = Some(match body {
                Some(mut base) => {
                    merge(&mut base, overlay);
                    base
                }
                None => overlay.clone(),
            });
        }
        if let (Some(value), Some(code)) = (&mut body, &expect.error) {
            if let (Some(pointer), Some(definition)) =
                (&ir.errors.code_pointer, ir.errors.codes.iter().find(|c| &c.name == code))
            {
                set_pointer(value, pointer, json!(definition.match_value.clone().unwrap_or_else(|| code.clone())));
            }
        }
        StepIr {
            operation: index,
            operation_name: endpoint.to_string(),
            path: request.path.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            query: request.query.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            headers: request.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            body: request.body.clone(),
            status: expect.status,
            response_body: body,
            response_headers: response
                .map(|r| r.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            error: expect.error.clone(),
            body_contains: expect.body_contains.clone(),
            body_equals: expect.body_equals.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        }
    }
}

/// Adjusts a synthesised value to the declared constraints (lengths, ranges, item counts).
fn constrained(value: Value, constraints: &Constraints) -> Value {
    match value {
        Value::String(text) => {
            let mut text = text;
            if let Some(format) = constraints.format.as_deref() {
                text = match format {
                    "email" => "user@example.com".into(),
                    "date" => "2024-01-15".into(),
                    f if f.contains("3166") => "US".into(),
                    f if f.contains("4217") => "USD".into(),
                    _ => text,
                };
            }
            if let Some(min) = constraints.min_length {
                while (text.chars().count() as u64) < min {
                    text.push('x');
                }
            }
            if let Some(max) = constraints.max_length {
                text = text.chars().take(max as usize).collect();
            }
            Value::String(text)
        }
        Value::Number(number) => {
            let mut x = number.as_f64().unwrap_or(1.0);
            if let Some(min) = constraints.minimum {
                x = x.max(min);
            }
            if let Some(max) = constraints.maximum {
                x = x.min(max);
            }
            if number.is_f64() { json!(x) } else { json!(x as i64) }
        }
        Value::Array(items) => {
            let mut items = items;
            if let Some(min) = constraints.min_items {
                while (items.len() as u64) < min && !items.is_empty() {
                    items.push(items[0].clone());
                }
            }
            if let Some(max) = constraints.max_items {
                items.truncate(max as usize);
            }
            Value::Array(items)
        }
        other => other,
    }
}

/// Deep-merges `overlay` into `base`: objects key by key; each item of an overlay list is
/// merged over the generated item (so a scenario can give only the fields it cares about);
/// everything else is replaced.
pub fn merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Array(base), Value::Array(overlay)) if base.first().is_some_and(Value::is_object) => {
            let template = base[0].clone();
            *base = overlay
                .iter()
                .map(|item| {
                    let mut merged = template.clone();
                    merge(&mut merged, item);
                    merged
                })
                .collect();
        }
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, overlay) => *base = overlay.clone(),
    }
}

pub use accord_contract::{pointer_segments, set_pointer};

/// What decides whether two types are the same Rust type: their kind as JSON without names
/// of their own, docs, examples or source spans, with referenced types replaced by their
/// current representatives.
fn shape_key(kind: &TypeKind, representative: &BTreeMap<String, String>) -> String {
    fn strip(value: &mut Value, representative: &BTreeMap<String, String>) {
        match value {
            Value::Object(object) => {
                for key in ["span", "description", "example"] {
                    object.remove(key);
                }
                if object.get("kind").and_then(Value::as_str) == Some("named")
                    && let Some(Value::String(name)) = object.get_mut("of")
                    && let Some(canonical) = representative.get(name.as_str())
                {
                    *name = canonical.clone();
                }
                object.values_mut().for_each(|v| strip(v, representative));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| strip(v, representative)),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(kind).unwrap_or(Value::Null);
    strip(&mut value, representative);
    value.to_string()
}
