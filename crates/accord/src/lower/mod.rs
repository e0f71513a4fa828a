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

mod auth_flows;
mod dedup;
mod error_examples;
pub(crate) mod example_names;
mod example_shapes;
mod examples;
mod groups;
mod operational;
mod operations;
pub(crate) mod pattern_text;
mod scenarios;
mod servers;
mod shape_json;
mod signing;
mod types;
mod webhooks;

use types::constraints;

pub use accord_contract::{pointer_segments, set_pointer};
pub use examples::{MAX_EXAMPLE_NODES, MAX_EXAMPLE_TEXT, MAX_SPEC_EXAMPLE_NODES};
pub use webhooks::{preset_scheme, signature_ir};

/// Lowers a spec that passed `check` (no error diagnostics). `source_path` is how generated
/// headers name the spec (`specs/orders.yaml`).
pub fn lower(spec: &Spec, positions: &Positions, source_path: &str) -> Ir {
    lower_on(spec, positions, source_path, crate::parallel::available_threads())
}

/// [`lower`] on up to `threads` threads (the result does not depend on it).
fn lower_on(spec: &Spec, positions: &Positions, source_path: &str, threads: usize) -> Ir {
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
        example_nodes: std::cell::Cell::new(examples::MAX_SPEC_EXAMPLE_NODES),
    };
    // Models are named first so that references resolve regardless of order.
    for name in spec.models.keys() {
        let rust_name = lowerer.type_scope.claim(names::camel(name));
        lowerer.model_names.insert(name.clone(), rust_name);
    }
    lowerer.models(threads);
    let errors = lowerer.errors();
    let operations = lowerer.operations(threads);
    let webhooks = lowerer.webhooks();
    lowerer.share_identical_inline_types();
    lowerer.fill_examples(threads);
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
        server_variables: Vec::new(),
        servers: Vec::new(),
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
        operational: operational::lower(spec, &operations),
        groups: groups::lower(spec),
        operations,
        webhooks,
        scenarios: Vec::new(),
        sequences: spec
            .sequences
            .iter()
            .map(|(title, diagram)| (title.clone(), diagram.trim_end().to_string()))
            .collect(),
    };
    servers::lower_servers(spec, &mut ir);
    for code in &mut ir.errors.codes {
        code.example = lowerer.error_code_example(code, ir_code_pointer(spec));
    }
    let response_types: Vec<Option<&TypeExpr>> =
        ir.operations.iter().flat_map(|operation| &operation.responses).map(|response| response.ty.as_ref()).collect();
    let mut examples = lowerer.samples(&response_types, threads).into_iter();
    drop(response_types);
    for operation in &mut ir.operations {
        for response in &mut operation.responses {
            response.example = examples.next().flatten();
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
    ir.link();
    for index in 0..ir.operations.len() {
        let operation = &ir.operations[index];
        let items = match &operation.pagination {
            Some(PaginationIr::Cursor { items, .. })
            | Some(PaginationIr::Page { items, .. })
            | Some(PaginationIr::Offset { items, .. })
            | Some(PaginationIr::NextUrl { items, .. })
            | Some(PaginationIr::Link { items, .. }) => Some(items.clone()),
            None => None,
        };
        let page_item = items.and_then(|items| {
            let list = follow_pointer(&ir, operation.success.as_ref()?, items.as_deref().unwrap_or(""))?;
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
fn follow_pointer(ir: &Ir, ty: &TypeExpr, pointer: &str) -> Option<TypeExpr> {
    let mut current = ty.clone();
    let segments: Vec<String> = if pointer.is_empty() {
        Vec::new()
    } else {
        pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
    };
    for segment in segments {
        current = resolve_alias(ir, current)?;
        current = match current {
            TypeExpr::Named(id) => {
                let def = ir.type_def(&id)?;
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
    resolve_alias(ir, current)
}

fn resolve_alias(ir: &Ir, ty: TypeExpr) -> Option<TypeExpr> {
    let mut current = ty;
    for _ in 0..16 {
        let TypeExpr::Named(id) = &current else { return Some(current) };
        let def = ir.type_def(id)?;
        match &def.kind {
            TypeKind::Alias { target, .. } => current = target.clone(),
            _ => return Some(current),
        }
    }
    None
}

/// The error code's JSON pointer in an error body, when the spec declares a code field.
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
    /// JSON values example synthesis may still make, of
    /// [`examples::MAX_SPEC_EXAMPLE_NODES`].
    example_nodes: std::cell::Cell<usize>,
}

/// The first position of each type name among the first `indexed` types.
#[derive(Default)]
struct TypeIndex {
    indexed: usize,
    positions: std::collections::HashMap<String, usize>,
    /// The first declared example of a text field per wire name, for fields of that name
    /// without one (`examples.rs`: `order_id` reads `ORD-12345678` in every model).
    field_examples: std::collections::HashMap<String, Value>,
}

fn seconds(text: &str) -> u64 {
    parse_duration(text).map(|d| d.as_secs()).unwrap_or(0)
}

/// Declared models (or endpoints) from which [`Lowerer::models`] (or
/// [`Lowerer::operations`]) lowers runs of them on every core.
const PARALLEL_MIN_ITEMS: usize = 256;

impl<'a> Lowerer<'a> {
    /// Every declared model, in the spec's order, each after the inline types hoisted from it.
    ///
    /// A large spec's models are lowered a run at a time on every core, each run by a lowerer
    /// that starts from this one's names; the runs' types are joined in order. A model's
    /// lowering reads the spec and the model names and claims the names of the types it
    /// hoists, so the result is the one-by-one lowering's unless two runs claimed the same
    /// name (the second run's would have been numbered): then the models are lowered again
    /// one by one. Stripe's 819 models (2,041 types once hoisted) took ≈ 30 ms (under perf) on
    /// the one core the compile runs on before the emitters start (issue 22).
    fn models(&mut self, threads: usize) {
        let count = self.spec.models.len();
        if threads > 1 && count >= PARALLEL_MIN_ITEMS && self.in_runs(count, threads, Lowerer::model).is_some() {
            return;
        }
        for index in 0..count {
            self.model(index);
        }
    }

    /// Every endpoint's operation, in the spec's order, lowered in runs on every core as
    /// [`Lowerer::models`] lowers the models (an operation's lowering, too, reads the spec and
    /// the names and claims the names of its request builder and the types it hoists). GitHub's
    /// 771 operations took ≈ 8 ms (under perf) on the one core the compile runs on before the
    /// emitters start (issue 22).
    fn operations(&mut self, threads: usize) -> Vec<Operation> {
        let spec = self.spec;
        let operation = |lowerer: &mut Lowerer<'a>, index: usize| {
            let (name, endpoint) = spec.endpoints.get_index(index).expect("an endpoint of the spec");
            lowerer.operation(name, endpoint)
        };
        let count = spec.endpoints.len();
        if threads > 1
            && count >= PARALLEL_MIN_ITEMS
            && let Some(operations) = self.in_runs(count, threads, operation)
        {
            return operations;
        }
        (0..count).map(|index| operation(self, index)).collect()
    }

    /// `lower(lowerer, index)` for each index below `count`, in runs of consecutive indices on
    /// up to `threads` threads, each run by a lowerer that starts from this one's names; the
    /// results come back in index order, and the runs' types and claimed names are joined into
    /// this lowerer in order. `None`, with nothing joined, when two runs claimed the same name:
    /// one by one, the second would have been numbered, so the caller lowers one by one then.
    fn in_runs<T: Send>(
        &mut self,
        count: usize,
        threads: usize,
        lower: impl Fn(&mut Lowerer<'a>, usize) -> T + Sync,
    ) -> Option<Vec<T>> {
        let spec = self.spec;
        // Eight runs per thread, not two: lowering runs beside `check`, so one thread joins
        // late and takes what is left. On Stripe's import the threads' idle time in a perf run
        // fell from 211 to 179 ms; the wall time moved within its noise (551 → 545 ms, 11
        // alternating runs, non-LTO). More runs mean more places two runs can claim one name,
        // which sends the caller to lowering one by one (the corpus's large APIs do not).
        let runs = threads * 8;
        let per_run = count.div_ceil(runs);
        let (positions, scope, model_names) = (self.positions, &self.type_scope, &self.model_names);
        let lowered = crate::parallel::map_in_order(runs, threads, |run| {
            let mut lowerer = Lowerer {
                spec,
                positions,
                type_scope: scope.clone(),
                types: Vec::new(),
                model_names: model_names.clone(),
                type_index: Default::default(),
                example_nodes: std::cell::Cell::new(examples::MAX_SPEC_EXAMPLE_NODES),
            };
            let start = (run * per_run).min(count);
            let end = ((run + 1) * per_run).min(count);
            let results: Vec<T> = (start..end).map(|index| lower(&mut lowerer, index)).collect();
            let claimed = lowerer.type_scope.claimed_since(scope);
            (results, lowerer.types, claimed)
        });
        let mut claimed = std::collections::HashSet::new();
        if !lowered.iter().flat_map(|(_, _, names)| names).all(|name| claimed.insert(name.as_str())) {
            return None;
        }
        let mut results = Vec::with_capacity(count);
        for (done, types, names) in lowered {
            results.extend(done);
            self.types.extend(types);
            self.type_scope.take_all(names);
        }
        Some(results)
    }

    /// The declared model at `index` of the spec's models, after the types hoisted from it.
    fn model(&mut self, index: usize) {
        let Some((name, schema)) = self.spec.models.get_index(index) else { return };
        let rust_name = self.model_names[name].clone();
        let pointer = join_pointer("/models", name);
        let kind = self.type_kind(schema, &rust_name, &pointer);
        let span = self.span(&pointer);
        self.types.push(TypeDef {
            name: rust_name,
            spec_name: name.clone(),
            is_model: true,
            description: schema.description.clone(),
            kind,
            example: schema.example.clone().unwrap_or(Value::Null),
            span,
        });
    }
}

impl Lowerer<'_> {
    fn span(&self, pointer: &str) -> Span {
        let location = self.positions.value(pointer).unwrap_or_default();
        Span { pointer: pointer.to_string(), line: location.line, column: location.column }
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
                client_certificate: environment
                    .client_certificate
                    .as_ref()
                    .map(|c| (c.certificate_env.clone(), c.key_env.clone())),
            })
            .collect()
    }

    /// The named credentials in spec order, each with a builder setter unique among the
    /// builder's own methods, and the environment variables the spec leaves out named after
    /// the spec and the credential (`ACME_ADMIN_TOKEN`, `ACME_PARTNER_CLIENT_ID`).
    fn auth(&self) -> AuthIr {
        let Some(auth) = &self.spec.auth else { return AuthIr::default() };
        let prefix = names::shouty(&self.spec.name);
        // The builder's other methods and fields (emit::rust::client::builder).
        let mut scope = Scope::with_reserved(&[
            "environment",
            "base_url",
            "connect_timeout",
            "attempt_timeout",
            "operation_timeout",
            "retry_policy",
            "retry_budget",
            "max_retry_after",
            "rate_limits",
            "custom_auth",
            "client_identity",
            "auth",
            "allow_anonymous",
            "credentials_from_env",
            "build",
            "default",
        ]);
        let mut credentials = Vec::new();
        for (name, credential) in &auth.credentials {
            let setter = scope.claim(names::snake(name));
            let env = |suffix: &str| format!("{prefix}_{}{suffix}", names::shouty(name));
            let spec::Credential {
                api_key, bearer, basic, oauth2_client_credentials, aws_sigv4, hmac_signature, ..
            } = credential;
            let (mut authorize_url_setter, mut token_store_setter) = (None, None);
            let (scheme, description, token_url_setter) = if let Some(oauth) = oauth2_client_credentials {
                let token_path =
                    url::Url::parse(&oauth.token_url).map(|u| u.path().to_string()).unwrap_or_else(|_| "/".into());
                let scheme = AuthScheme::OAuth2ClientCredentials(OAuth2ClientCredentials {
                    token_url: oauth.token_url.clone(),
                    token_path,
                    scopes: oauth.scopes.clone(),
                    refresh_before_expiry_seconds: oauth.refresh_before_expiry.as_deref().map(seconds).unwrap_or(0),
                    client_id_env: oauth.client_id_env.clone().unwrap_or_else(|| env("_CLIENT_ID")),
                    client_secret_env: oauth.client_secret_env.clone().unwrap_or_else(|| env("_CLIENT_SECRET")),
                    token_retry: auth_flows::token_retry(oauth.token_retry.as_ref()),
                });
                let token_url_setter = scope.claim(format!("{}_token_url", names::bare(&setter)));
                (scheme, None, Some(token_url_setter))
            } else if let Some(bearer) = bearer {
                let scheme = AuthScheme::Bearer(Bearer { env: bearer.env.clone().unwrap_or_else(|| env("")) });
                (scheme, bearer.description.clone(), None)
            } else if let Some(basic) = basic {
                let scheme = AuthScheme::Basic(Basic {
                    username_env: basic.username_env.clone().unwrap_or_else(|| env("_USERNAME")),
                    password_env: basic.password_env.clone().unwrap_or_else(|| env("_PASSWORD")),
                });
                (scheme, basic.description.clone(), None)
            } else if let Some(key) = api_key {
                let scheme = AuthScheme::ApiKey(ApiKey {
                    location: key.location,
                    name: key.name.clone(),
                    env: key.env.clone().unwrap_or_else(|| env("")),
                });
                (scheme, None, None)
            } else if let Some(scheme) = auth_flows::scheme(credential, &env) {
                let bare = names::bare(&setter).to_string();
                let token_url_setter =
                    (!matches!(scheme, AuthScheme::GitHubApp(_))).then(|| scope.claim(format!("{bare}_token_url")));
                if matches!(scheme, AuthScheme::OAuth2AuthorizationCode(_)) {
                    authorize_url_setter = Some(scope.claim(format!("{bare}_authorize_url")));
                    token_store_setter = Some(scope.claim(format!("{bare}_token_store")));
                }
                (scheme, None, token_url_setter)
            } else if let Some(aws) = aws_sigv4 {
                (AuthScheme::AwsSigV4(signing::aws_sigv4(aws)), None, None)
            } else if let Some(hmac) = hmac_signature {
                (AuthScheme::HmacSignature(signing::hmac_signature(hmac, &env)), None, None)
            } else {
                // `check` refuses a credential without a kind.
                continue;
            };
            credentials.push(CredentialIr {
                name: name.clone(),
                setter,
                token_url_setter,
                authorize_url_setter,
                token_store_setter,
                scheme,
                description,
            });
        }
        let always_required = self.spec.endpoints.values().all(|endpoint| !self.requirement(endpoint).is_public());
        AuthIr { description: auth.description.clone(), credentials, always_required }
    }

    /// What `endpoint` requires: its own `auth`, else `auth.require`, else any one credential
    /// alone (in spec order); public when the spec declares no `auth`.
    fn requirement(&self, endpoint: &spec::Endpoint) -> Requirement {
        let Some(auth) = &self.spec.auth else { return Requirement::public() };
        match endpoint.auth.as_ref().or(auth.require.as_ref()) {
            Some(spec::Requirement::Public(_)) => Requirement::public(),
            Some(spec::Requirement::AnyOf(alternatives)) => Requirement { alternatives: alternatives.clone() },
            None => Requirement { alternatives: auth.credentials.keys().map(|name| vec![name.clone()]).collect() },
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
                body_match: code.when.as_ref().map(|when| match &when.equals {
                    Some(value) => BodyMatch::equals(when.pointer.clone(), value),
                    None => BodyMatch::present(when.pointer.clone()),
                }),
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
            reset_unit: headers.map(|h| h.reset_unit).unwrap_or_default(),
            usage_header: headers.and_then(|h| h.usage.clone()),
            ietf_fields: headers.is_some_and(|h| h.ietf),
            description: limits.description.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    /// A spec of `count` models, each with an inline object hoisted into a type of its own,
    /// and `foo` first and `foo_bar` last, whose hoisted types both want `FooBarBaz`.
    fn many_models(count: usize) -> String {
        let mut yaml = String::from(
            "accord: 1\nname: many\nversion: \"1\"\nenvironments:\n  production: { base_url: \"https://api.example.com\", default: true }\nmodels:\n",
        );
        yaml.push_str("  foo:\n    type: object\n    properties:\n      bar_baz: { type: object, properties: { x: { type: string } } }\n");
        for index in 0..count {
            yaml.push_str(&format!(
                "  model_{index}:\n    type: object\n    properties:\n      detail: {{ type: object, properties: {{ n: {{ type: integer }} }} }}\n      tags: {{ type: array, items: {{ type: string, enum: [a, b] }} }}\n"
            ));
        }
        yaml.push_str("  foo_bar:\n    type: object\n    properties:\n      baz: { type: object, properties: { y: { type: string } } }\n");
        yaml.push_str("endpoints:\n  ping: { method: GET, path: /ping, responses: { \"200\": { description: OK, body: foo } } }\n");
        yaml
    }

    fn lowered(yaml: &str, threads: usize) -> serde_json::Value {
        let loaded = crate::spec::load(yaml);
        let spec = loaded.spec.expect("the spec loads");
        let errors: Vec<_> =
            crate::check::check(&spec, &loaded.positions).into_iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        serde_json::to_value(super::lower_on(&spec, &loaded.positions, "test", threads)).expect("the IR prints")
    }

    fn type_names(ir: &serde_json::Value) -> Vec<&str> {
        ir["types"].as_array().expect("types").iter().map(|def| def["name"].as_str().expect("a name")).collect()
    }

    /// Asserts that `yaml` lowered in runs on 2 and 3 threads is its IR lowered on one, first
    /// with `clash` claimed by two runs (`clash` then `{clash}2`, in order, in the one-by-one
    /// IR), then with `foo_bar` renamed `qux_bar` so that no run clashes (`apart` is then a
    /// type name); returns the IR of the second.
    fn runs_give_the_serial_ir(yaml: &str, clash: &str, apart: &str) -> serde_json::Value {
        let serial = lowered(yaml, 1);
        let names = type_names(&serial);
        let first = names.iter().position(|name| *name == clash).expect("the first claim");
        let second = names.iter().position(|name| *name == format!("{clash}2")).expect("the second, numbered");
        assert!(first < second, "{names:?}");
        for threads in [2, 3] {
            assert_eq!(lowered(yaml, threads), serial, "{threads} threads");
        }
        // Without the clash every run is kept: the same IR again.
        let renamed = yaml.replace("  foo_bar:\n", "  qux_bar:\n");
        let serial = lowered(&renamed, 1);
        assert!(type_names(&serial).contains(&apart), "{:?}", type_names(&serial));
        for threads in [2, 3] {
            assert_eq!(lowered(&renamed, threads), serial, "{threads} threads");
        }
        serial
    }

    #[test]
    fn models_lowered_in_runs_on_several_threads_are_the_models_lowered_one_by_one() {
        // 300 models (≥ PARALLEL_MIN_ITEMS) in runs on 2 and 3 threads: `foo` and `foo_bar`
        // fall in different runs, which both claim `FooBarBaz`, so the runs are dropped and
        // the models lowered one by one, the second `FooBarBaz` numbered as always.
        let apart = runs_give_the_serial_ir(&many_models(300), "FooBarBaz", "QuxBarBaz");
        assert!(type_names(&apart).len() > 600, "every model hoists a type");
    }

    /// A spec of `count` models whose examples are made from one another's: each model
    /// `m{i}` has a field of the model `s{i}` before it (whose example is filled before its
    /// own) and one of `s{i+1}` after it (synthesised anew), an enum used twice and a text;
    /// a union names `m0`. Then `bulk` models of one list of at least `items` texts each.
    fn chained_models(count: usize, bulk: usize, items: usize) -> String {
        let mut yaml = String::from(
            "accord: 1\nname: chained\nversion: \"1\"\nenvironments:\n  production: { base_url: \"https://api.example.com\", default: true }\nmodels:\n  state: { type: string, enum: [open, closed, merged] }\n  either: { one_of: [{ type: m0 }, { type: integer }] }\n",
        );
        for index in 0..count {
            let next = index + 1;
            yaml.push_str(&format!(
                "  s{index}:\n    type: object\n    required: [name, state]\n    properties:\n      name: {{ type: string }}\n      state: {{ type: state }}\n  m{index}:\n    type: object\n    required: [before, after, was, now, either]\n    properties:\n      before: {{ type: s{index} }}\n      after: {{ type: s{next} }}\n      was: {{ type: state }}\n      now: {{ type: state }}\n      either: {{ type: either }}\n"
            ));
        }
        yaml.push_str(&format!("  s{count}:\n    type: object\n    properties:\n      name: {{ type: string }}\n"));
        for index in 0..bulk {
            yaml.push_str(&format!(
                "  bulk{index}:\n    type: object\n    required: [list]\n    properties:\n      list: {{ type: array, items: {{ type: string }}, min_items: {items} }}\n"
            ));
        }
        yaml.push_str(
            "endpoints:\n  ping: { method: GET, path: /ping, responses: { \"200\": { description: OK, body: m0 } } }\n",
        );
        yaml
    }

    #[test]
    fn examples_filled_on_several_threads_are_the_examples_filled_one_by_one() {
        let example = |ir: &serde_json::Value, name: &str| {
            let types = ir["types"].as_array().expect("types");
            types.iter().find(|def| def["name"] == name).map(|def| def["example"].clone()).expect(name)
        };
        let on_threads = || super::examples::FILLED_ON_THREADS.with(std::cell::Cell::get);
        // 150 pairs of models reading one another's examples: the same IR on 1, 2 and 3
        // threads, the examples made on the threads.
        let yaml = chained_models(150, 0, 0);
        let serial = lowered(&yaml, 1);
        // M1's example holds S1's as filled before it; `either` (before M0) holds an M0
        // synthesised anew, and M0 holds that `either` as filled.
        assert_eq!(example(&serial, "M1")["before"], example(&serial, "S1"));
        assert!(example(&serial, "Either").is_object(), "{}", example(&serial, "Either"));
        assert_eq!(example(&serial, "M0")["either"], example(&serial, "Either"));
        assert_ne!(example(&serial, "M0")["was"], example(&serial, "M0")["now"]);
        for threads in [2, 3] {
            let before = on_threads();
            assert_eq!(lowered(&yaml, threads), serial, "{threads} threads");
            assert_eq!(on_threads(), before + 1, "made on {threads} threads");
        }
        // 120 lists of 9,000 texts after them: the spec's budget of examples
        // (`MAX_SPEC_EXAMPLE_NODES`) runs out part way and the later lists are left short; on
        // several threads the examples are then filled one by one, as on one.
        let yaml = chained_models(150, 120, 9_000);
        let serial = lowered(&yaml, 1);
        let long = |example: serde_json::Value| example["list"].as_array().map_or(0, Vec::len);
        assert_eq!(long(example(&serial, "Bulk0")), 9_000);
        assert!(long(example(&serial, "Bulk119")) < 9_000, "the budget ran out");
        for threads in [2, 3] {
            let before = on_threads();
            assert_eq!(lowered(&yaml, threads), serial, "{threads} threads");
            assert_eq!(on_threads(), before, "filled one by one");
        }
    }

    #[test]
    fn response_examples_made_on_several_threads_are_those_made_one_by_one() {
        // Two specs of 300 endpoints: one whose responses are a small model, one whose
        // responses are a list of 4,000 texts, which runs the spec's budget out
        // (`MAX_SPEC_EXAMPLE_NODES`) part way, so the threads give way to the one-by-one order.
        let spec = |lists: bool| {
            let mut yaml = String::from(
                "accord: 1\nname: answers\nversion: \"1\"\nenvironments:\n  production: { base_url: \"https://api.example.com\", default: true }\nmodels:\n  small: { type: object, required: [name], properties: { name: { type: string } } }\n  bulk: { type: object, required: [list], properties: { list: { type: array, items: { type: string }, min_items: 4000 } } }\nendpoints:\n",
            );
            for index in 0..300 {
                let body = if lists { "bulk" } else { "small" };
                yaml.push_str(&format!(
                    "  get_{index}: {{ method: GET, path: /things/{index}, responses: {{ \"200\": {{ description: OK, body: {body} }} }} }}\n"
                ));
            }
            yaml
        };
        let example =
            |ir: &serde_json::Value, operation: usize| ir["operations"][operation]["responses"][0]["example"].clone();
        let small = spec(false);
        let serial = lowered(&small, 1);
        assert_eq!(example(&serial, 299), serde_json::json!({ "name": example(&serial, 0)["name"] }));
        for threads in [2, 3] {
            assert_eq!(lowered(&small, threads), serial, "{threads} threads");
        }
        let bulk = spec(true);
        let serial = lowered(&bulk, 1);
        let long = |example: serde_json::Value| example["list"].as_array().map_or(0, Vec::len);
        assert_eq!(long(example(&serial, 0)), 4_000);
        assert!(long(example(&serial, 299)) < 4_000, "the budget ran out");
        for threads in [2, 3] {
            assert_eq!(lowered(&bulk, threads), serial, "{threads} threads");
        }
    }

    fn many_endpoints(count: usize) -> String {
        let mut yaml = String::from(
            "accord: 1\nname: many\nversion: \"1\"\nenvironments:\n  production: { base_url: \"https://api.example.com\", default: true }\nendpoints:\n",
        );
        yaml.push_str("  foo:\n    method: GET\n    path: /foo\n    query: { bar_kind: { type: string, enum: [a, b] } }\n    responses: { \"200\": { description: OK } }\n");
        for index in 0..count {
            yaml.push_str(&format!(
                "  op_{index}:\n    method: GET\n    path: /op/{index}\n    query: {{ state: {{ type: string, enum: [on, off] }} }}\n    responses: {{ \"200\": {{ description: OK, body: {{ type: object, properties: {{ n: {{ type: integer }} }} }} }} }}\n"
            ));
        }
        yaml.push_str("  foo_bar:\n    method: GET\n    path: /foo/bar\n    query: { kind: { type: string, enum: [c, d] } }\n    responses: { \"200\": { description: OK } }\n");
        yaml
    }

    #[test]
    fn operations_lowered_in_runs_on_several_threads_are_the_operations_lowered_one_by_one() {
        // 302 endpoints in runs on 2 and 3 threads: `foo` and `foo_bar`, first and last, fall
        // in different runs, which both claim `FooBarKind` for a query parameter's enum, so
        // the runs are dropped and the operations lowered one by one.
        let apart = runs_give_the_serial_ir(&many_endpoints(300), "FooBarKind", "QuxBarKind");
        assert_eq!(apart["operations"].as_array().expect("operations").len(), 302);
    }
}
