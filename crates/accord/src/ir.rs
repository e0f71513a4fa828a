//! The intermediate representation emitters read: resolved, named and normalised. Built by
//! `lower` in one pass from a checked spec; every node keeps the [`Span`] of the spec node
//! it came from. Emitters never see spec types.

use serde::Serialize;
use serde_json::Value;

pub use accord_contract::wire::{
    ApiKeyLocation, BodyMatch, BodyTest, ContentType, HttpMethod, Jitter, KeyEncoding, ObjectParts, ParamLocation,
    ParamStyle, ResetUnit, RetryStrategy, SignatureAlgorithm, StatusPattern,
};
// Plain enums of the spec language that only the compiler uses: emitters name them through
// the IR.
pub use crate::spec::{DeliveryGuarantee, SignaturePreset, SpecStatus};

pub mod groups;
pub mod operational;
pub use accord_contract::oauth::{ClientAuthMethod, GitHubApp, OAuth2AuthorizationCode, OAuth2JwtBearer, TokenRetry};
pub use accord_contract::{ApiKey, AuthScheme, Basic, Bearer, OAuth2ClientCredentials, Requirement};
pub use groups::GroupIr;
pub use operational::OperationalIr;

/// Where an IR node came from in the spec.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Span {
    /// JSON pointer of the spec node.
    pub pointer: String,
    /// 1-based line, 0 when unknown.
    pub line: u32,
    /// 1-based column, 0 when unknown.
    pub column: u32,
}

/// A whole lowered spec.
#[derive(Debug, Clone, Serialize)]
pub struct Ir {
    /// Spec name (`orders`).
    pub name: String,
    /// Package name of the client crate (`orders-client`).
    pub crate_name: String,
    /// Library name of the client crate (`orders_client`).
    pub lib_name: String,
    /// Prefix of environment variables (`ORDERS`).
    pub env_prefix: String,
    /// Spec path as given on the command line, for `@generated` headers (`specs/orders.yaml`).
    pub source_path: String,
    /// Title, defaulting to the name.
    pub title: String,
    /// Spec version.
    pub version: Option<String>,
    /// Lifecycle status.
    pub status: Option<SpecStatus>,
    /// Authors.
    pub authors: Vec<String>,
    /// Purpose (Markdown).
    pub description: Option<String>,
    /// In scope.
    pub scope_in: Vec<String>,
    /// Out of scope.
    pub scope_out: Vec<String>,
    /// Environments in spec order; exactly one is the default when any exist.
    pub environments: Vec<EnvironmentIr>,
    /// Variables of the environment and server URLs, in spec order.
    pub server_variables: Vec<ServerVariableIr>,
    /// Named servers, in spec order.
    pub servers: Vec<ServerIr>,
    /// Authentication.
    pub auth: AuthIr,
    /// Headers on every request.
    pub headers: Vec<HeaderIr>,
    /// Every named type, models first in spec order, then hoisted inline types.
    pub types: Vec<TypeDef>,
    /// Error codes.
    pub errors: ErrorsIr,
    /// Retry policy.
    pub retry: RetryIr,
    /// Time limits.
    pub timeouts: TimeoutsIr,
    /// Rate limits.
    pub rate_limits: RateLimitsIr,
    /// Groups of operations (issue 22): the spec's `groups` in spec order, then those only
    /// endpoints name; empty when the spec has none.
    pub groups: Vec<GroupIr>,
    /// Operations in spec order.
    pub operations: Vec<Operation>,
    /// Caching, circuit breaking and the health check (issue 18).
    pub operational: OperationalIr,
    /// Webhooks.
    pub webhooks: Option<WebhooksIr>,
    /// Test scenarios.
    pub scenarios: Vec<ScenarioIr>,
    /// Mermaid sequence diagrams: (title, diagram).
    pub sequences: Vec<(String, String)>,
}

impl Ir {
    /// A copy of everything but the types and operations (the two lists that grow with the
    /// API), for walks over the rest that must not copy the whole IR.
    pub fn shell(&self) -> Ir {
        let Ir {
            types: _,
            operations: _,
            name,
            crate_name,
            lib_name,
            env_prefix,
            source_path,
            title,
            version,
            status,
            authors,
            description,
            scope_in,
            scope_out,
            environments,
            server_variables,
            servers,
            auth,
            headers,
            errors,
            retry,
            timeouts,
            rate_limits,
            groups,
            operational,
            webhooks,
            scenarios,
            sequences,
        } = self;
        Ir {
            types: Vec::new(),
            operations: Vec::new(),
            name: name.clone(),
            crate_name: crate_name.clone(),
            lib_name: lib_name.clone(),
            env_prefix: env_prefix.clone(),
            source_path: source_path.clone(),
            title: title.clone(),
            version: version.clone(),
            status: status.clone(),
            authors: authors.clone(),
            description: description.clone(),
            scope_in: scope_in.clone(),
            scope_out: scope_out.clone(),
            environments: environments.clone(),
            server_variables: server_variables.clone(),
            servers: servers.clone(),
            auth: auth.clone(),
            headers: headers.clone(),
            errors: errors.clone(),
            retry: retry.clone(),
            timeouts: timeouts.clone(),
            rate_limits: rate_limits.clone(),
            groups: groups.clone(),
            operational: operational.clone(),
            webhooks: webhooks.clone(),
            scenarios: scenarios.clone(),
            sequences: sequences.clone(),
        }
    }
}

/// One environment.
#[derive(Debug, Clone, Serialize)]
pub struct EnvironmentIr {
    /// Spec key (`sandbox`).
    pub name: String,
    /// Enum variant (`Sandbox`).
    pub variant: String,
    /// Base URL without a trailing slash.
    pub base_url: String,
    /// Description.
    pub description: Option<String>,
    /// The default environment.
    pub default: bool,
    /// The variables of the client certificate it requires (mutual TLS): certificate chain
    /// and private key, each PEM text or a file path.
    pub client_certificate: Option<(String, String)>,
}

/// A variable of the environment and server URLs (spec `server_variables`).
#[derive(Debug, Clone, Serialize)]
pub struct ServerVariableIr {
    /// Spec name, as `{name}` in the URLs (`shop`).
    pub name: String,
    /// The builder's setter (`shop`).
    pub setter: String,
    /// The enum the setter takes when the variable has `enum` values (`Version`).
    pub type_name: Option<String>,
    /// The allowed values with their enum variants, in spec order.
    pub values: Vec<VariableValueIr>,
    /// The value used when none is set.
    pub default: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Environment variable `server_variables_from_env` reads (`SHOPIFY_SHOP`).
    pub env: String,
}

/// One allowed value of a server variable.
#[derive(Debug, Clone, Serialize)]
pub struct VariableValueIr {
    /// The value as written in the URL (`2024-01`).
    pub value: String,
    /// Its enum variant (`V2024_01`).
    pub variant: String,
}

/// A named server (spec `servers`).
#[derive(Debug, Clone, Serialize)]
pub struct ServerIr {
    /// Spec name (`files`).
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Its URL per environment, in the order of [`Ir::environments`] (one entry with an
    /// empty environment when the spec declares no environments), without a trailing slash.
    pub urls: Vec<ServerUrlIr>,
}

/// A named server's URL in one environment.
#[derive(Debug, Clone, Serialize)]
pub struct ServerUrlIr {
    /// Environment variant (`Production`), empty when the spec declares no environments.
    pub variant: String,
    /// Environment name (`production`).
    pub environment: String,
    /// URL template.
    pub url: String,
}

/// Authentication: named credentials, each of a scheme defined once in
/// [`accord_contract::AuthScheme`] and matched exhaustively by every emitter; each
/// [`Operation::auth`] says which it needs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AuthIr {
    /// Prose: how credentials are obtained, stored and rotated.
    pub description: Option<String>,
    /// Credentials in the spec's order (of preference).
    pub credentials: Vec<CredentialIr>,
    /// Every operation needs a credential (none is public or makes them optional): a client
    /// is not built without one.
    pub always_required: bool,
}

impl AuthIr {
    /// Whether any credential is declared.
    pub fn any(&self) -> bool {
        !self.credentials.is_empty()
    }

    /// The credential named `name`.
    pub fn credential(&self, name: &str) -> Option<&CredentialIr> {
        self.credentials.iter().find(|credential| credential.name == name)
    }

    /// The credentials without their prose, as the contract carries them.
    pub fn contract(&self) -> accord_contract::Auth {
        accord_contract::Auth {
            credentials: self
                .credentials
                .iter()
                .map(|c| accord_contract::Credential { name: c.name.clone(), scheme: c.scheme.clone() })
                .collect(),
        }
    }
}

/// One named credential and its prose, as templates read it: `{"name": "admin_token",
/// "setter": "admin_token", "scheme": {"scheme": "bearer", "env": …}, "description": …}` (the
/// scheme nested: an API key's `name` is its header's).
#[derive(Debug, Clone, Serialize)]
pub struct CredentialIr {
    /// Spec name (`admin_token`), the key requirements use.
    pub name: String,
    /// The builder's setter and field (`admin_token`), unique among the builder's methods.
    pub setter: String,
    /// OAuth2 only: the setter overriding the token URL (`client_token_url`).
    pub token_url_setter: Option<String>,
    /// Authorization code only: the setter overriding the authorization URL.
    pub authorize_url_setter: Option<String>,
    /// Authorization code only: the setter of the token store.
    pub token_store_setter: Option<String>,
    /// The scheme and where its values come from.
    pub scheme: AuthScheme,
    /// Prose shown in the docs.
    pub description: Option<String>,
}

/// A header on every request.
#[derive(Debug, Clone, Serialize)]
pub struct HeaderIr {
    /// Header name.
    pub name: String,
    /// A UUID v4 generated per request.
    pub generate_uuid: bool,
    /// A fixed value.
    pub value: Option<String>,
    /// Prose.
    pub description: Option<String>,
}

/// A reference to a type, resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "snake_case")]
pub enum TypeExpr {
    /// `String`.
    String,
    /// A 64-bit integer (`int64`, or no format).
    Integer,
    /// A 32-bit integer (`int32`).
    Integer32,
    /// `f64`.
    Number,
    /// `bool`.
    Boolean,
    /// Any JSON value.
    Any,
    /// RFC 3339 date-time.
    DateTime,
    /// Exact decimal number.
    Decimal,
    /// Absolute URI.
    Uri,
    /// A file's bytes (`format: binary`): a file part in a multipart body, standard base64
    /// in JSON.
    Binary,
    /// UUID.
    Uuid,
    /// A named type from [`Ir::types`], by typed reference.
    Named(TypeId),
    /// A list.
    Array(Box<TypeExpr>),
    /// A map with string keys.
    Map(Box<TypeExpr>),
}

impl TypeExpr {
    /// Short name for docs: `string`, `Order[]`, `map<string, string>`.
    pub fn display(&self) -> String {
        match self {
            TypeExpr::String => "string".into(),
            TypeExpr::Integer => "integer".into(),
            TypeExpr::Integer32 => "integer (int32)".into(),
            TypeExpr::Number => "number".into(),
            TypeExpr::Boolean => "boolean".into(),
            TypeExpr::Any => "any".into(),
            TypeExpr::DateTime => "string (date-time)".into(),
            TypeExpr::Decimal => "number (decimal)".into(),
            TypeExpr::Uri => "string (uri)".into(),
            TypeExpr::Uuid => "string (uuid)".into(),
            TypeExpr::Binary => "file".into(),
            TypeExpr::Named(id) => id.name().to_string(),
            TypeExpr::Array(inner) => format!("{}[]", inner.display()),
            TypeExpr::Map(inner) => format!("map<string, {}>", inner.display()),
        }
    }
}

/// Validation constraints of a value, kept for docs and the mock.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    /// Minimum string length.
    pub min_length: Option<u64>,
    /// Maximum string length.
    pub max_length: Option<u64>,
    /// Regular expression.
    pub pattern: Option<String>,
    /// Inclusive minimum.
    pub minimum: Option<f64>,
    /// Inclusive maximum.
    pub maximum: Option<f64>,
    /// Minimum items.
    pub min_items: Option<u64>,
    /// Maximum items.
    pub max_items: Option<u64>,
    /// No two items are equal (an array that is a set).
    pub unique_items: bool,
    /// The values allowed, for an integer, number or boolean `enum` (a string `enum` is a
    /// type of its own, [`TypeKind::Enum`]); empty when any value of the type is.
    pub allowed_values: Vec<Value>,
    /// Format as written in the spec.
    pub format: Option<String>,
}

impl Constraints {
    /// One-line human summary: `1..=999`, `max 50 chars`, `pattern ^…$`.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(format) = &self.format {
            parts.push(format!("format `{format}`"));
        }
        match (self.min_length, self.max_length) {
            (Some(min), Some(max)) => parts.push(format!("length {min}..={max}")),
            (Some(min), None) => parts.push(format!("min length {min}")),
            (None, Some(max)) => parts.push(format!("max length {max}")),
            _ => {}
        }
        if let Some(pattern) = &self.pattern {
            parts.push(format!("pattern `{pattern}`"));
        }
        match (self.minimum, self.maximum) {
            (Some(min), Some(max)) => parts.push(format!("{min}..={max}")),
            (Some(min), None) => parts.push(format!("≥ {min}")),
            (None, Some(max)) => parts.push(format!("≤ {max}")),
            _ => {}
        }
        match (self.min_items, self.max_items) {
            (Some(min), Some(max)) => parts.push(format!("{min}..={max} items")),
            (Some(min), None) => parts.push(format!("at least {min} items")),
            (None, Some(max)) => parts.push(format!("at most {max} items")),
            _ => {}
        }
        if self.unique_items {
            parts.push("unique items (a set)".into());
        }
        if !self.allowed_values.is_empty() {
            let values: Vec<String> = self.allowed_values.iter().map(|value| format!("`{value}`")).collect();
            parts.push(format!("one of {}", values.join(", ")));
        }
        parts.join(", ")
    }
}

/// A typed reference to a named type: its position in [`Ir::types`] (the arena, as typify's
/// `TypeSpace` keeps it) and its Rust name. Lowering makes references by name and links them
/// to positions once every type exists ([`Ir::link`]); consumers look types up by position,
/// in constant time. Equal when the names are (a name is unique among a spec's types), and
/// serialised as the name, which is what templates show.
#[derive(Debug, Clone)]
pub struct TypeId {
    name: String,
    index: usize,
}

impl TypeId {
    /// A reference by name, not yet linked to a position.
    pub fn named(name: impl Into<String>) -> TypeId {
        TypeId { name: name.into(), index: usize::MAX }
    }

    /// The type's Rust name (`CreateOrder`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its position in [`Ir::types`]; `None` before linking or for an unknown name.
    pub fn index(&self) -> Option<usize> {
        (self.index != usize::MAX).then_some(self.index)
    }
}

impl PartialEq for TypeId {
    fn eq(&self, other: &TypeId) -> bool {
        self.name == other.name
    }
}

impl Eq for TypeId {}

impl std::ops::Deref for TypeId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.name
    }
}

impl std::fmt::Display for TypeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl Serialize for TypeId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name)
    }
}

/// A typed reference to an error code: its position in [`ErrorsIr::codes`] and its spec
/// name (`NOT_FOUND`). Made when the operations and scenarios that use it are lowered, after
/// the codes; serialised as the name.
#[derive(Debug, Clone)]
pub struct ErrorCodeId {
    name: String,
    index: usize,
}

impl ErrorCodeId {
    /// A reference by spec name, not yet linked to a position.
    pub fn named(name: impl Into<String>) -> ErrorCodeId {
        ErrorCodeId { name: name.into(), index: usize::MAX }
    }

    /// The code's spec name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl PartialEq for ErrorCodeId {
    fn eq(&self, other: &ErrorCodeId) -> bool {
        self.name == other.name
    }
}

impl Eq for ErrorCodeId {}

impl std::fmt::Display for ErrorCodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl Serialize for ErrorCodeId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name)
    }
}

impl Ir {
    /// The type a reference points at; `None` for a reference that was never linked (an
    /// unknown name, which `check` rejects).
    pub fn type_def(&self, id: &TypeId) -> Option<&TypeDef> {
        self.types.get(id.index().unwrap_or(usize::MAX))
    }

    /// The named type `id` with aliases of named types followed (a shared inline type is
    /// an alias of its first occurrence); `None` for an unknown type or a circle of aliases.
    pub fn resolve(&self, id: &TypeId) -> Option<&TypeDef> {
        let mut def = self.type_def(id)?;
        for _ in 0..32 {
            match &def.kind {
                TypeKind::Alias { target: TypeExpr::Named(target), .. } => def = self.type_def(target)?,
                _ => return Some(def),
            }
        }
        None
    }

    /// The error code a reference points at; `None` for an unknown code (which `check`
    /// rejects).
    pub fn error_code(&self, id: &ErrorCodeId) -> Option<&ErrorCodeIr> {
        self.errors.codes.get(id.index)
    }

    /// Links every type and error-code reference to its position, by name: the last step of
    /// lowering, once every type and code exists. References to unknown names stay unlinked.
    pub fn link(&mut self) {
        let types: std::collections::HashMap<String, usize> =
            self.types.iter().enumerate().map(|(index, def)| (def.name.clone(), index)).collect();
        let codes: std::collections::HashMap<String, usize> =
            self.errors.codes.iter().enumerate().map(|(index, code)| (code.name.clone(), index)).collect();
        let link_type = |ty: &mut TypeExpr| {
            ty.for_each_named_mut(&mut |id: &mut TypeId| {
                id.index = types.get(&id.name).copied().unwrap_or(usize::MAX);
            })
        };
        for def in &mut self.types {
            match &mut def.kind {
                TypeKind::Struct { fields, .. } => fields.iter_mut().for_each(|f| link_type(&mut f.ty)),
                TypeKind::Enum { .. } => {}
                TypeKind::Union { variants, .. } => variants.iter_mut().for_each(|v| link_type(&mut v.ty)),
                TypeKind::Alias { target, .. } => link_type(target),
            }
        }
        for code in &mut self.errors.codes {
            link_type(&mut code.body);
        }
        let link_code = |id: &mut ErrorCodeId| id.index = codes.get(&id.name).copied().unwrap_or(usize::MAX);
        for op in &mut self.operations {
            for param in op.path_params.iter_mut().chain(&mut op.query).chain(&mut op.headers) {
                link_type(&mut param.ty);
            }
            if let Some(body) = &mut op.body {
                link_type(&mut body.ty);
            }
            for response in &mut op.responses {
                if let Some(ty) = &mut response.ty {
                    link_type(ty);
                }
            }
            for ty in op.success.iter_mut().chain(&mut op.page_item) {
                link_type(ty);
            }
            op.errors.iter_mut().for_each(link_code);
        }
        if let Some(webhooks) = &mut self.webhooks {
            webhooks.events.iter_mut().for_each(|event| link_type(&mut event.payload));
        }
        for scenario in &mut self.scenarios {
            scenario.steps.iter_mut().filter_map(|step| step.error.as_mut()).for_each(link_code);
        }
    }
}

impl TypeExpr {
    /// Calls `visit` on every named-type reference inside this expression.
    pub fn for_each_named_mut(&mut self, visit: &mut impl FnMut(&mut TypeId)) {
        match self {
            TypeExpr::Named(id) => visit(id),
            TypeExpr::Array(inner) | TypeExpr::Map(inner) => inner.for_each_named_mut(visit),
            TypeExpr::String
            | TypeExpr::Integer
            | TypeExpr::Integer32
            | TypeExpr::Number
            | TypeExpr::Boolean
            | TypeExpr::Any
            | TypeExpr::DateTime
            | TypeExpr::Decimal
            | TypeExpr::Uri
            | TypeExpr::Binary
            | TypeExpr::Uuid => {}
        }
    }
}

/// A named type.
#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    /// Rust type name (`CreateOrder`).
    pub name: String,
    /// Spec name: the model name, or the pointer-derived name of a hoisted inline type.
    pub spec_name: String,
    /// Declared as a model (true) or hoisted from an inline schema (false).
    pub is_model: bool,
    /// Description.
    pub description: Option<String>,
    /// Shape.
    pub kind: TypeKind,
    /// An example value (from the spec, or synthesised), valid for this type.
    pub example: Value,
    /// Source.
    pub span: Span,
}

/// Shapes of named types.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "shape", rename_all = "snake_case")]
pub enum TypeKind {
    /// An object.
    Struct {
        /// Fields in spec order.
        fields: Vec<Field>,
        /// Extra properties allowed (`additional_properties: true`) are kept.
        additional: bool,
    },
    /// A string enum; unknown values are kept in an `Unknown(String)` variant.
    Enum {
        /// Values in spec order.
        values: Vec<EnumValue>,
    },
    /// `one_of`.
    Union {
        /// Variants in spec order.
        variants: Vec<UnionVariant>,
        /// Tag property when discriminated.
        discriminator: Option<String>,
    },
    /// Another name for a type expression.
    Alias {
        /// Target.
        target: TypeExpr,
        /// Constraints of the value.
        constraints: Constraints,
    },
}

/// One struct field.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// JSON name.
    pub wire_name: String,
    /// Rust field name (may be `r#type`).
    pub rust_name: String,
    /// Value type.
    pub ty: TypeExpr,
    /// Must be present.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// Description.
    pub description: Option<String>,
    /// Constraints.
    pub constraints: Constraints,
    /// Allowed values when the field is an inline enum (also available via the type).
    pub example: Option<Value>,
    /// Default value.
    pub default: Option<Value>,
    /// Deprecated.
    pub deprecated: bool,
    /// Set by the server, never sent (`read_only`): `required` then holds for responses only.
    pub read_only: bool,
    /// Sent by the client, never returned (`write_only`): `required` then holds for
    /// requests only.
    pub write_only: bool,
    /// Source.
    pub span: Span,
}

impl Field {
    /// Whether the value is always present in both directions, so the Rust field needs no
    /// `Option`: required, and neither read-only nor write-only.
    pub fn always_present(&self) -> bool {
        self.required && !self.read_only && !self.write_only
    }
}

/// One enum value.
#[derive(Debug, Clone, Serialize)]
pub struct EnumValue {
    /// JSON value.
    pub wire: String,
    /// Rust variant.
    pub variant: String,
}

/// One `one_of` variant.
#[derive(Debug, Clone, Serialize)]
pub struct UnionVariant {
    /// Rust variant name.
    pub variant: String,
    /// Payload type.
    pub ty: TypeExpr,
    /// Discriminator value.
    pub tag: Option<String>,
}

/// Error codes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ErrorsIr {
    /// JSON pointer of the code in the body.
    pub code_pointer: Option<String>,
    /// Codes in spec order.
    pub codes: Vec<ErrorCodeIr>,
}

/// One error code.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorCodeIr {
    /// Spec name (`VALIDATION_ERROR`).
    pub name: String,
    /// Rust variant (`ValidationError`).
    pub variant: String,
    /// Statuses: exact, ranges (`4XX`) and `default`; the most specific declaration wins.
    pub statuses: Vec<StatusPattern>,
    /// What the client does when it comes back.
    pub retry: RetryStrategy,
    /// Code field value to match, when the spec has a code field.
    pub match_value: Option<String>,
    /// The body test that makes a response of its status this code (spec `when`), for
    /// errors answered with a 2xx status; `None`: matched by status alone.
    pub body_match: Option<BodyMatch>,
    /// Body type.
    pub body: TypeExpr,
    /// Description.
    pub description: Option<String>,
    /// Resolution.
    pub resolution: Option<String>,
    /// Example body (code field set).
    pub example: Value,
    /// Source.
    pub span: Span,
}

/// Retry policy.
#[derive(Debug, Clone, Serialize)]
pub struct RetryIr {
    /// Attempts including the first.
    pub max_attempts: u32,
    /// First delay, milliseconds.
    pub initial_delay_ms: u64,
    /// Delay cap, milliseconds.
    pub max_delay_ms: u64,
    /// Growth factor.
    pub multiplier: f64,
    /// Jitter applied to each backoff delay.
    pub jitter: Jitter,
    /// Declared in the spec (false: accord's defaults).
    pub declared: bool,
}

/// Time limits (spec `timeouts`, accord's defaults where absent).
#[derive(Debug, Clone, Serialize)]
pub struct TimeoutsIr {
    /// Connect timeout, milliseconds.
    pub connect_ms: u64,
    /// Per-attempt timeout, milliseconds.
    pub attempt_ms: u64,
    /// Whole-operation timeout, milliseconds.
    pub total_ms: Option<u64>,
}

/// A rate.
#[derive(Debug, Clone, Serialize)]
pub struct RateIr {
    /// As written (`100/minute`).
    pub text: String,
    /// Requests per window.
    pub requests: u32,
    /// Window, seconds.
    pub window_seconds: u64,
    /// Token bucket capacity.
    pub burst: u32,
    /// Why.
    pub reason: Option<String>,
}

/// Rate limits.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RateLimitsIr {
    /// Default limit.
    pub default: Option<RateIr>,
    /// Longer-window quotas.
    pub quotas: Vec<RateIr>,
    /// Limit header.
    pub limit_header: Option<String>,
    /// Remaining header.
    pub remaining_header: Option<String>,
    /// Reset header.
    pub reset_header: Option<String>,
    /// What the reset header's number counts.
    pub reset_unit: ResetUnit,
    /// Header with `used/limit` in one value (Shopify).
    pub usage_header: Option<String>,
    /// IETF `RateLimit-Policy` / `RateLimit` fields.
    pub ietf_fields: bool,
    /// Prose.
    pub description: Option<String>,
}

/// A request parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// Wire name.
    pub wire_name: String,
    /// Rust name.
    pub rust_name: String,
    /// Type.
    pub ty: TypeExpr,
    /// Required.
    pub required: bool,
    /// Description.
    pub description: Option<String>,
    /// Constraints.
    pub constraints: Constraints,
    /// Default value.
    pub default: Option<Value>,
    /// How the value is written (the place's default when the spec gives none).
    pub style: ParamStyle,
    /// Lists' items and objects' properties as separate values (the style's default when the
    /// spec gives none).
    pub explode: bool,
    /// `style` and `explode` are the place's defaults (OpenAPI's), so docs need not say them.
    pub default_style: bool,
}

/// A constant header or query parameter of an endpoint (spec `fixed`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixedValue {
    /// Wire name.
    pub name: String,
    /// The value, as sent (before percent-encoding, for a query parameter).
    pub value: String,
}

/// Request body.
#[derive(Debug, Clone, Serialize)]
pub struct BodyIr {
    /// Type.
    pub ty: TypeExpr,
    /// Encoding on the wire.
    pub content_type: ContentType,
    /// Required.
    pub required: bool,
    /// `multipart` only: object-valued fields as one `json` part or as `brackets` text parts.
    pub object_parts: ObjectParts,
    /// `text` and `binary` only: the declared media type (`text/csv`, `image/*`), `None` for
    /// the content type's own.
    pub media_type: Option<String>,
    /// `binary` only: streamed from an `accord_runtime::Upload` (spec `stream: true`).
    pub stream: bool,
}

impl BodyIr {
    /// The media type sent in `Content-Type` by default: the declared one unless it is a
    /// wildcard (`image/*`, which the caller must make exact), else the content type's.
    pub fn default_media_type(&self) -> &str {
        match &self.media_type {
            Some(media_type) if !media_type.ends_with("/*") => media_type,
            _ => self.content_type.media_type(),
        }
    }
}

/// A declared response.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseIr {
    /// Status, or a range (`2XX`).
    pub status: StatusPattern,
    /// Body type, `None` for no content.
    pub ty: Option<TypeExpr>,
    /// Encoding of the body: `json`, `text` or `binary`.
    pub content_type: ContentType,
    /// `text` and `binary` only: the declared media type.
    pub media_type: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Header names worth knowing.
    pub headers: Vec<String>,
    /// The declared example of each header that has one (name, value as sent).
    pub header_examples: Vec<(String, String)>,
    /// Example body.
    pub example: Option<Value>,
    /// `binary` 2xx only: read as a stream (spec `stream: true`), with its size cap.
    pub stream: Option<StreamIr>,
}

/// A streamed response body (spec `stream: true`, issue 18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StreamIr {
    /// The most bytes read before the stream fails (spec `max_bytes`); `None`: no cap.
    pub max_bytes: Option<u64>,
}

/// Pagination.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "style", rename_all = "snake_case")]
pub enum PaginationIr {
    /// Cursor.
    Cursor {
        /// Query parameter.
        param: String,
        /// Pointer of the next cursor.
        next: String,
        /// Read inside the last item.
        from_last_item: bool,
        /// Pointer of the has-more flag.
        has_more: Option<String>,
        /// Pointer of the items.
        items: Option<String>,
    },
    /// The next page's URL from the body.
    NextUrl {
        /// Pointer of the next URL.
        next: String,
        /// Pointer of the items.
        items: Option<String>,
    },
    /// Item offsets.
    Offset {
        /// Offset parameter.
        param: String,
        /// Page size parameter.
        limit_param: Option<String>,
        /// Pointer of the total number of items.
        total: Option<String>,
        /// Pointer of the items.
        items: Option<String>,
    },
    /// The `Link` header's `rel="next"` URL, a cursor in `param` (Shopify's `page_info`).
    Link {
        /// Cursor parameter in the linked URL.
        param: String,
        /// Size parameter.
        size_param: Option<String>,
        /// Pointer of the items.
        items: Option<String>,
    },
    /// Page numbers.
    Page {
        /// Page parameter.
        param: String,
        /// Size parameter.
        size_param: Option<String>,
        /// Next page from the `Link` header.
        link_header: bool,
        /// Pointer of the items.
        items: Option<String>,
    },
}

/// One operation.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// Spec name (`create_order`).
    pub name: String,
    /// Client method (`create_order`).
    pub method_name: String,
    /// Request builder type (`CreateOrderRequest`).
    pub builder_name: String,
    /// HTTP method.
    pub http_method: HttpMethod,
    /// Path template.
    pub path: String,
    /// Summary.
    pub summary: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// The group it belongs to (a name of [`Ir::groups`]), `None` when ungrouped.
    pub group: Option<String>,
    /// Path parameters in path order.
    pub path_params: Vec<Param>,
    /// Query parameters.
    pub query: Vec<Param>,
    /// Header parameters.
    pub headers: Vec<Param>,
    /// Headers sent with a fixed value, in spec order.
    pub fixed_headers: Vec<FixedValue>,
    /// Query parameters sent with a fixed value, in spec order.
    pub fixed_query: Vec<FixedValue>,
    /// Body.
    pub body: Option<BodyIr>,
    /// Responses in spec order.
    pub responses: Vec<ResponseIr>,
    /// Success body type (the first exact 2xx with a body, else the `2XX` range's), `None`
    /// when no 2xx has a body.
    pub success: Option<TypeExpr>,
    /// How the success body is read: `json`, or as it is (`text`: `String`, `binary`:
    /// `Vec<u8>`).
    pub success_content_type: ContentType,
    /// The success body is streamed (`accord_runtime::ByteStream`), not read whole.
    pub success_stream: Option<StreamIr>,
    /// Error codes it can return, in spec order (spec names).
    pub errors: Vec<ErrorCodeId>,
    /// Idempotency header.
    pub idempotency_header: Option<String>,
    /// How long the provider keeps keys, seconds.
    pub idempotency_retention_seconds: Option<u64>,
    /// Effective rate limit (own or default).
    pub rate_limit: Option<RateIr>,
    /// Its own limit (not the default).
    pub own_rate_limit: bool,
    /// Pagination.
    pub pagination: Option<PaginationIr>,
    /// Type of one item of a paginated list (resolved from the items pointer).
    pub page_item: Option<TypeExpr>,
    /// Credentials it requires: its own `auth`, else `auth.require`, else any one
    /// credential; public (one empty alternative) when the spec declares none. Names are
    /// those of [`AuthIr::credentials`] (checked).
    pub auth: Requirement,
    /// The named server it is sent to (a name of [`Ir::servers`]), `None` for the
    /// environment's base URL.
    pub server: Option<String>,
    /// Source.
    pub span: Span,
}

/// Webhooks.
#[derive(Debug, Clone, Serialize)]
pub struct WebhooksIr {
    /// Prose.
    pub description: Option<String>,
    /// The signature scheme, presets expanded; `None` when the spec declares none, so that
    /// deliveries are decoded but cannot be verified.
    pub signature: Option<SignatureIr>,
    /// The preset it came from, if any (`stripe`).
    pub preset: Option<SignaturePreset>,
    /// Secret variable; `None` without a scheme.
    pub secret_env: Option<String>,
    /// Event type pointer.
    pub event_type_field: Option<String>,
    /// Event type header.
    pub event_header: Option<String>,
    /// Event id pointer.
    pub event_id_field: Option<String>,
    /// Event id header.
    pub event_id_header: Option<String>,
    /// Delivery guarantee.
    pub guarantee: Option<DeliveryGuarantee>,
    /// Retry delays, seconds.
    pub retry_schedule_seconds: Vec<u64>,
    /// Retry delays as written.
    pub retry_schedule: Vec<String>,
    /// Receiver timeout, seconds.
    pub timeout_seconds: Option<u64>,
    /// The body is a JSON array of events, each typed and identified on its own.
    pub batch: bool,
    /// The handshake request the receiver must answer, if any.
    pub handshake: Option<HandshakeIr>,
    /// Events.
    pub events: Vec<EventIr>,
}

/// A handshake: the request whose `field` holds `value` is answered with the text at `respond`.
#[derive(Debug, Clone, Serialize)]
pub struct HandshakeIr {
    /// Pointer of the marking field.
    pub field: String,
    /// The marking text.
    pub value: String,
    /// Pointer of the answer.
    pub respond: String,
    /// Prose.
    pub description: Option<String>,
}

/// A webhook signature scheme in the explicit grammar. Its serialised form is exactly the
/// serde form of `accord_runtime::webhook::Scheme` (the runtime's corpus test relies on it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureIr {
    /// The algorithm.
    pub algorithm: SignatureAlgorithm,
    /// Key text form.
    pub key: SignatureKeyIr,
    /// Signature header.
    pub header: String,
    /// Header value template (`t={timestamp},v1={hex}`).
    pub format: String,
    /// Separator between header entries.
    pub separator: Option<String>,
    /// Signed content template (`{timestamp}.{body}`).
    pub signed_payload: String,
    /// Header carrying the signed message id.
    pub id_header: Option<String>,
    /// Timestamp header, if separate.
    pub timestamp_header: Option<String>,
    /// Replay window, seconds (0: no timestamp check).
    pub tolerance_seconds: u64,
    /// Accept `{url}` with its port removed or its default port added.
    pub url_port_variants: bool,
    /// Query parameter carrying the body's SHA-256.
    pub body_hash_param: Option<String>,
}

impl SignatureIr {
    /// Whether the scheme signs the request URL (Twilio), so that verifying needs it.
    pub fn signs_url(&self) -> bool {
        self.signed_payload.contains("{url}")
    }
}

/// Key text form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureKeyIr {
    /// How the key text becomes key bytes.
    pub encoding: KeyEncoding,
    /// Prefix removed when present.
    pub prefix: Option<String>,
    /// Prefix of signing keys.
    pub signing_prefix: Option<String>,
}

/// One webhook event.
#[derive(Debug, Clone, Serialize)]
pub struct EventIr {
    /// Event type (`order.created`).
    pub event_type: String,
    /// Rust variant (`OrderCreated`).
    pub variant: String,
    /// Test name fragment (`order_created`).
    pub snake: String,
    /// Payload type.
    pub payload: TypeExpr,
    /// Description.
    pub description: Option<String>,
    /// Example payload.
    pub example: Value,
    /// Pointer of this event's id, when it is not the section's `event_id_field`.
    pub id_field: Option<String>,
}

/// A scenario.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioIr {
    /// Spec name.
    pub name: String,
    /// Test function name.
    pub test_name: String,
    /// Description.
    pub description: Option<String>,
    /// Preconditions.
    pub preconditions: Vec<String>,
    /// Setup.
    pub setup: Option<String>,
    /// Postconditions.
    pub postconditions: Vec<String>,
    /// Steps (one for single-call scenarios).
    pub steps: Vec<StepIr>,
    /// Source.
    pub span: Span,
}

/// One call of a scenario.
#[derive(Debug, Clone, Serialize)]
pub struct StepIr {
    /// Index into [`Ir::operations`].
    pub operation: usize,
    /// Operation name.
    pub operation_name: String,
    /// Path values by wire name.
    pub path: Vec<(String, Value)>,
    /// Query values by wire name.
    pub query: Vec<(String, Value)>,
    /// Header values.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Option<Value>,
    /// Status the mock answers and the client must see.
    pub status: u16,
    /// Body the mock answers with.
    pub response_body: Option<Value>,
    /// Headers the mock answers with.
    pub response_headers: Vec<(String, String)>,
    /// Expected error code (spec name).
    pub error: Option<ErrorCodeId>,
    /// Fields that must be present.
    pub body_contains: Vec<String>,
    /// Pointer → value expectations.
    pub body_equals: Vec<(String, Value)>,
}
