//! The spec language (v1) as Rust types: the single source of both the serde parser and the
//! JSON Schema (via schemars) that every spec is validated against before it is parsed.
//!
//! Conventions: every struct denies unknown keys; maps keep the order of the YAML file
//! (`IndexMap`) so that output follows the author's order; durations are strings such as
//! `300s`, `5m`, `2h` and rate limits strings such as `100/minute` (both parsed by `check`).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod signing;
pub use signing::{
    AwsSigV4Auth, ClientCertificate, HmacSignatureAuth, PlaceDef, SignaturePlaceDef, TimestampPlaceDef, TimestampUnit,
};

// Wire-level enums are defined once, in accord-contract, and used by every layer.
pub use accord_contract::wire::{
    ApiKeyLocation, ContentType, HttpMethod as Method, Jitter, KeyEncoding, ObjectParts, ParamLocation, ParamStyle,
    ResetUnit, RetryStrategy, SignatureAlgorithm, StatusPattern,
};

/// A whole integration spec: one external HTTP API.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "accord integration spec (v1)")]
pub struct Spec {
    /// Version of the spec language; must be `1`.
    pub accord: u32,
    /// Short snake_case name of the integration: the crate is `NAME-client`, the docs page
    /// `NAME.md`.
    pub name: String,
    /// Human title, e.g. `Orders API`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub title: Option<String>,
    /// Version of the integration spec (semver), e.g. `1.0.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub version: Option<String>,
    /// Lifecycle status of the spec (seed 002: Draft/Review/Approved/Production).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub status: Option<SpecStatus>,
    /// Authors or owning team.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub authors: Vec<String>,
    /// Purpose of the integration (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
    /// What the integration covers and what it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub scope: Option<Scope>,
    /// Named deployments of the API; one may be marked `default: true`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub environments: IndexMap<String, Environment>,
    /// Variables of the environment and server URLs (`{shop}` in
    /// `https://{shop}.myshopify.com/admin/api/{version}`, OpenAPI's Server Variable Object):
    /// each a builder setter and an environment variable.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub server_variables: IndexMap<String, ServerVariable>,
    /// Named servers besides the environments' base URLs (Stripe's `files.stripe.com` for
    /// uploads), each with its URL per environment; an endpoint names one with `server`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub servers: IndexMap<String, Server>,
    /// Authentication: named credentials and what endpoints require of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub auth: Option<Auth>,
    /// Headers sent on every request.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub headers: IndexMap<String, HeaderDef>,
    /// Named data models (JSON-Schema-like).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub models: IndexMap<String, Schema>,
    /// Error envelope and the error codes the API returns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub errors: Option<Errors>,
    /// Default retry policy for retryable failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub retry: Option<RetryPolicy>,
    /// Time limits of requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub timeouts: Option<Timeouts>,
    /// Rate limits the provider enforces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub rate_limits: Option<RateLimits>,
    /// Response caching of safe endpoints (RFC 9111).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub cache: Option<super::Cache>,
    /// Circuit breaking: fail fast while the provider is failing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub circuit_breaker: Option<super::CircuitBreaker>,
    /// The health check `client.health()` runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub health: Option<super::Health>,
    /// Groups of endpoints by name (an endpoint's `group`), each with its title and
    /// description. Optional: a group no entry declares is titled after its name; once the
    /// map has entries, every endpoint's `group` must be one of them.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub groups: IndexMap<String, super::Group>,
    /// The operations, keyed by snake_case operation name.
    pub endpoints: IndexMap<String, Endpoint>,
    /// Webhooks the provider sends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub webhooks: Option<Webhooks>,
    /// Test scenarios: each becomes a contract test.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub scenarios: IndexMap<String, Scenario>,
    /// Mermaid sequence diagrams, copied into the docs.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub sequences: IndexMap<String, String>,
}

/// How often a provider delivers one webhook event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeliveryGuarantee {
    /// Every event arrives, possibly more than once: receivers de-duplicate by event id.
    AtLeastOnce,
    /// An event arrives once or never.
    AtMostOnce,
}

impl DeliveryGuarantee {
    /// The spec's spelling (`at-least-once`).
    pub const fn as_str(self) -> &'static str {
        match self {
            DeliveryGuarantee::AtLeastOnce => "at-least-once",
            DeliveryGuarantee::AtMostOnce => "at-most-once",
        }
    }
}

/// Lifecycle status of a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpecStatus {
    /// Being written.
    Draft,
    /// Under review.
    Review,
    /// Agreed by both sides.
    Approved,
    /// In production use.
    Production,
}

/// In and out of scope lists.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// What the integration covers.
    #[serde(default, rename = "in")]
    pub in_scope: Vec<String>,
    /// What it does not cover.
    #[serde(default, rename = "out")]
    pub out_of_scope: Vec<String>,
}

/// One deployment of the API.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// Absolute `http(s)` URL that endpoint paths are appended to.
    pub base_url: String,
    /// What the environment is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
    /// The environment a client uses when none is chosen (at most one).
    #[serde(default, skip_serializing_if = "is_false")]
    #[schemars(!skip_serializing_if)]
    pub default: bool,
    /// A client certificate the server requires (mutual TLS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub client_certificate: Option<ClientCertificate>,
}

/// Authentication: named credentials, and what the endpoints require of them (as OpenAPI's
/// `security`, an OR of ANDs: OpenAPI 3.1.0 §4.8.30, Security Requirement Object).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    /// Prose: how credentials are obtained, stored and rotated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
    /// Named credentials (snake_case names, each a builder setter), in order of preference;
    /// any number of each kind.
    #[serde(default)]
    pub credentials: IndexMap<String, Credential>,
    /// What an endpoint without its own `auth` requires; default: any one credential alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub require: Option<Requirement>,
}

/// One credential: exactly one of its kinds.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    /// A key sent in a header or query parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub api_key: Option<ApiKeyAuth>,
    /// `Authorization: Bearer <token>` (RFC 6750).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub bearer: Option<BearerAuth>,
    /// `Authorization: Basic base64(user:password)` (RFC 7617).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub basic: Option<BasicAuth>,
    /// OAuth 2.0 client credentials grant (RFC 6749 §4.4), token sent as a bearer token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub oauth2_client_credentials: Option<OAuth2ClientCredentials>,
    /// OAuth 2.0 authorization code with PKCE and refresh tokens (RFC 6749 §4.1, RFC 7636).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub oauth2_authorization_code: Option<super::auth_flows::OAuth2AuthorizationCodeAuth>,
    /// The JWT bearer grant (RFC 7523 §2.1), as Google service accounts use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub oauth2_jwt_bearer: Option<super::auth_flows::OAuth2JwtBearerAuth>,
    /// A GitHub App's installation token, for an RS256 app JWT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub github_app: Option<super::auth_flows::GitHubAppAuth>,
    /// AWS Signature Version 4: every request signed with the secret access key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub aws_sigv4: Option<AwsSigV4Auth>,
    /// A declared HMAC request signature (method, path, query, body, timestamp, nonce).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub hmac_signature: Option<HmacSignatureAuth>,
}

/// What a request must carry: `none` (a public endpoint), or alternatives (any one is
/// enough), each a list of credential names sent together (`[[app_id, app_key], [token]]`);
/// an empty alternative `[]` makes credentials optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Requirement {
    /// `none`: no credentials.
    Public(PublicKeyword),
    /// Alternatives of credential names sent together.
    AnyOf(
        #[schemars(length(min = 1))]
        #[serde(deserialize_with = "super::strict::non_empty")]
        Vec<Vec<String>>,
    ),
}

/// The keyword `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PublicKeyword {
    /// No credentials.
    #[serde(rename = "none")]
    None,
}

/// API key authentication.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyAuth {
    /// Header or query.
    #[serde(rename = "in")]
    pub location: ApiKeyLocation,
    /// Header or parameter name, e.g. `X-API-Key`.
    pub name: String,
    /// Environment variable the key is read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub env: Option<String>,
}

/// Bearer token authentication.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BearerAuth {
    /// Environment variable the token is read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub env: Option<String>,
    /// Prose shown in the docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
}

/// HTTP basic authentication.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasicAuth {
    /// Environment variable holding the user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub username_env: Option<String>,
    /// Environment variable holding the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub password_env: Option<String>,
    /// Prose shown in the docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
}

/// OAuth 2.0 client credentials.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuth2ClientCredentials {
    /// Absolute `http(s)` token endpoint URL; the client posts a form to it.
    pub token_url: String,
    /// Scopes requested, joined with spaces.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Refresh this long before `expires_in` runs out, e.g. `300s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub refresh_before_expiry: Option<String>,
    /// Environment variable holding the client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub client_id_env: Option<String>,
    /// Environment variable holding the client secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub client_secret_env: Option<String>,
    /// Retries of the token request, apart from the operation's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub token_retry: Option<super::auth_flows::TokenRetrySpec>,
}

/// A header sent on every request.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderDef {
    /// A value generated per request.
    #[serde(default)]
    pub generate: Option<GeneratedValue>,
    /// A fixed value.
    #[serde(default)]
    pub value: Option<String>,
    /// What the header is for.
    #[serde(default)]
    pub description: Option<String>,
}

/// Kinds of generated header values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GeneratedValue {
    /// A random UUID v4 (RFC 9562).
    Uuid,
}

/// A type: either the name of a primitive (`string`, `integer`, `number`, `boolean`,
/// `object`, `any`) or model, or an inline schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum TypeRef {
    /// A primitive or model name.
    Name(String),
    /// An inline schema.
    Inline(#[serde(deserialize_with = "super::strict::mapping")] Box<Schema>),
}

/// `required` is a list of property names on objects and a flag on parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Required {
    /// Parameter position: whether the parameter must be given.
    Flag(bool),
    /// Object position: the properties that must be present.
    Properties(Vec<String>),
}

/// A JSON-Schema-like type description, spelled in snake_case.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// `object`, `array`, `string`, `integer`, `number`, `boolean`, `any`, or a model name.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub type_name: Option<String>,
    /// What the value means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
    /// Object properties, in order.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub properties: IndexMap<String, TypeRef>,
    /// Required property names (objects) or whether a parameter is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub required: Option<Required>,
    /// Free-form map values: `true` for any JSON, or the type of every value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub additional_properties: Option<AdditionalProperties>,
    /// Array item type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub items: Option<TypeRef>,
    /// Allowed values. Strings (with `type: string` or no `type`) make the schema a Rust
    /// enum with one variant per value; integers (`type: integer`), numbers (`type: number`)
    /// or booleans (`type: boolean`) keep the schema's type, list the values in the docs and
    /// have the mock accept only them (JSON Schema 2020-12 validation §6.1.2 `enum`).
    #[serde(default, rename = "enum", skip_serializing_if = "Vec::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub enum_values: Vec<EnumLiteral>,
    /// Exactly one of these types (tagged by `discriminator` when given).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub one_of: Vec<TypeRef>,
    /// The property whose value names the `one_of` variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub discriminator: Option<Discriminator>,
    /// Value format: `date-time`, `date`, `decimal`, `uri`, `email`, `uuid`, `int64`,
    /// `int32`, `unix-time`, `binary`, `ISO 3166-1 alpha-2`, ….
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub format: Option<String>,
    /// The value may be JSON `null` (distinct from an absent property).
    #[serde(default, skip_serializing_if = "is_false")]
    #[schemars(!skip_serializing_if)]
    pub nullable: bool,
    /// Minimum string length, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub min_length: Option<u64>,
    /// Maximum string length, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub max_length: Option<u64>,
    /// ECMA-262 regular expression a string must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub pattern: Option<String>,
    /// Inclusive numeric minimum.
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "serialize_bound")]
    #[schemars(!skip_serializing_if)]
    pub minimum: Option<f64>,
    /// Inclusive numeric maximum.
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "serialize_bound")]
    #[schemars(!skip_serializing_if)]
    pub maximum: Option<f64>,
    /// Minimum array length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub min_items: Option<u64>,
    /// Maximum array length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub max_items: Option<u64>,
    /// No two items of the array are equal (a set; JSON Schema 2020-12 validation §6.4.3
    /// `uniqueItems`). The generated field stays a `Vec` in the order sent, documented as a
    /// set; the mock refuses a request with a repeated item. Arrays only.
    #[serde(default, skip_serializing_if = "is_false")]
    #[schemars(!skip_serializing_if)]
    pub unique_items: bool,
    /// Value used when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub default: Option<serde_json::Value>,
    /// An example value (used by docs and mock responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub example: Option<serde_json::Value>,
    /// The property is deprecated.
    #[serde(default, skip_serializing_if = "is_false")]
    #[schemars(!skip_serializing_if)]
    pub deprecated: bool,
    /// The property is set by the server and never sent by the client (OpenAPI `readOnly`).
    /// It is an `Option` in the generated model even when listed in `required`, which then
    /// holds for responses only. Properties only.
    #[serde(default, skip_serializing_if = "is_false")]
    #[schemars(!skip_serializing_if)]
    pub read_only: bool,
    /// The property is sent by the client and never returned (OpenAPI `writeOnly`, e.g. a
    /// password). It is an `Option` in the generated model even when listed in `required`,
    /// which then holds for requests only. Properties only.
    #[serde(default, skip_serializing_if = "is_false")]
    #[schemars(!skip_serializing_if)]
    pub write_only: bool,
    /// How the parameter's value is written (OpenAPI 3.1 §4.8.12.4 "Style Values"): `form`,
    /// `space_delimited`, `pipe_delimited` or `deep_object` in `query` (default `form`);
    /// `simple`, `label` or `matrix` in `path_params` (default `simple`); `simple` in
    /// `headers`. Parameters only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub style: Option<ParamStyle>,
    /// Whether a list's items or an object's properties are written as separate values
    /// (`a=x&a=y` rather than `a=x,y`; OpenAPI `explode`). Default `true` with `form` and
    /// `deep_object`, `false` otherwise. Parameters only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub explode: Option<bool>,
}

/// One value of an `enum`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum EnumLiteral {
    /// A string: a variant of the Rust enum the schema becomes.
    String(String),
    /// `true` or `false` (`type: boolean`).
    Boolean(bool),
    /// A whole number that fits an `i64` (`type: integer` or `number`).
    Integer(i64),
    /// Any other number (`type: number`).
    Number(f64),
}

impl EnumLiteral {
    /// The string, for a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            EnumLiteral::String(text) => Some(text),
            _ => None,
        }
    }

    /// The value as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            EnumLiteral::String(text) => serde_json::Value::from(text.as_str()),
            EnumLiteral::Boolean(flag) => serde_json::Value::from(*flag),
            EnumLiteral::Integer(number) => serde_json::Value::from(*number),
            EnumLiteral::Number(number) => serde_json::Value::from(*number),
        }
    }

    /// The primitive type the value is of: `string`, `boolean`, `integer` or `number`.
    pub fn type_name(&self) -> &'static str {
        match self {
            EnumLiteral::String(_) => "string",
            EnumLiteral::Boolean(_) => "boolean",
            EnumLiteral::Integer(_) => "integer",
            EnumLiteral::Number(_) => "number",
        }
    }
}

impl std::fmt::Display for EnumLiteral {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

/// `additional_properties`: `true` (any JSON) or a value type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AdditionalProperties {
    /// `true`: values are any JSON.
    Any(bool),
    /// The type of every value.
    Typed(TypeRef),
}

/// Discriminator of a `one_of`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Discriminator {
    /// Property name holding the tag.
    pub property: String,
    /// Tag value → model name; when absent the model names are the tags.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub mapping: IndexMap<String, String>,
}

/// Error envelope and codes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Errors {
    /// Model of the error body, unless a code names its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub body: Option<String>,
    /// JSON pointer of the code inside the body, e.g. `/error_code` or `/error/type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub code_field: Option<String>,
    /// Error codes keyed by SCREAMING_SNAKE_CASE name.
    pub codes: IndexMap<String, ErrorCode>,
}

/// One error code.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    /// HTTP status (or statuses) this code is returned with: `404`, a range `4XX` or `5XX`,
    /// or `default` for every status no other code declares (OpenAPI's `default` response),
    /// so the body of any undeclared error status is decoded. The most specific declaration
    /// wins: an exact status over a range, a range over `default`.
    pub status: StatusSet,
    /// What to do about it: `never`, `backoff`, `after_header`, `refresh_auth`.
    pub retry: RetryStrategy,
    /// A test on the body that makes a response of `status` this code, for providers that
    /// answer errors with a 2xx status: `{ pointer: /ok, equals: false }` (Slack's
    /// `{"ok": false, "error": "channel_not_found"}`), `{ pointer: /errors, present: true }`
    /// (GraphQL). With `when`, `status` may be a 2xx status; the code applies only when the
    /// test holds (and, with a code field, the code matches), before codes matched by status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub when: Option<BodyCondition>,
    /// Value of the code field; defaults to the code name. Codes without a code field are
    /// matched by status alone.
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub match_value: Option<String>,
    /// Body model, overriding `errors.body`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub body: Option<String>,
    /// What went wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
    /// What the caller should do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub resolution: Option<String>,
}

/// A test on a JSON response body (an error code's `when`): the value at `pointer` equals
/// `equals`, or (`present: true`) is there at all. Write exactly one of the two.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyCondition {
    /// JSON pointer into the body (RFC 6901), e.g. `/ok` or `/errors`.
    pub pointer: String,
    /// The value it must equal (any JSON value: `false`, `"error"`, `0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub equals: Option<serde_json::Value>,
    /// `true`: it must be present, whatever its value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub present: Option<bool>,
}

/// One status (or range, or `default`) or several.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum StatusSet {
    /// A single status, range or `default`.
    One(StatusPattern),
    /// Several.
    Many(Vec<StatusPattern>),
}

impl StatusSet {
    /// The statuses as a list.
    pub fn to_vec(&self) -> Vec<StatusPattern> {
        match self {
            StatusSet::One(status) => vec![*status],
            StatusSet::Many(statuses) => statuses.clone(),
        }
    }
}

/// Default retry policy.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    /// Total attempts including the first.
    pub max_attempts: u32,
    /// Backoff between attempts.
    #[serde(default)]
    pub backoff: Option<Backoff>,
}

/// Time limits of requests; each is a duration such as `10s` or `2m`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Timeouts {
    /// Time to open a connection (TCP and TLS); default `10s`.
    #[serde(default)]
    pub connect: Option<String>,
    /// Time for one attempt, from sending to the end of the response body; default `60s`.
    #[serde(default)]
    pub attempt: Option<String>,
    /// Time for the whole operation, every retry and wait included; default none.
    #[serde(default)]
    pub total: Option<String>,
}

/// Exponential backoff parameters.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Backoff {
    /// First delay, e.g. `1s`.
    pub initial: String,
    /// Cap on any delay, e.g. `30s`.
    pub max: String,
    /// Growth factor per attempt.
    #[serde(default)]
    pub multiplier: Option<f64>,
    /// Jitter kind.
    #[serde(default)]
    pub jitter: Option<Jitter>,
}

/// Provider rate limits.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimits {
    /// Limit applying to every endpoint without its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub default: Option<RateLimit>,
    /// Further limits over longer windows, e.g. `10000/day`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub quotas: Vec<String>,
    /// Response headers that report the limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub headers: Option<RateLimitHeaders>,
    /// Prose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
}

/// A rate limit: `100/minute`, optionally with a burst.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RateLimit {
    /// `100/minute`.
    Short(String),
    /// With burst and reason.
    Full(#[serde(deserialize_with = "super::strict::mapping")] RateLimitDef),
}

/// A rate limit with details.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitDef {
    /// `N/second|minute|hour|day`.
    pub limit: String,
    /// Requests allowed at once (token bucket capacity).
    #[serde(default)]
    pub burst: Option<u32>,
    /// Why this limit exists.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Names of the rate-limit response headers.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitHeaders {
    /// Requests allowed per window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub limit: Option<String>,
    /// Requests left in the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub remaining: Option<String>,
    /// When the window resets (unix seconds, unless `reset_unit` says otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub reset: Option<String>,
    /// What the `reset` header's number counts: `unix_seconds`, `unix_milliseconds`,
    /// `delta_seconds`; default `auto` (by size: above 10^12 Unix milliseconds, above 10^9
    /// Unix seconds, else seconds from now).
    #[serde(default, skip_serializing_if = "ResetUnit::is_auto")]
    #[schemars(!skip_serializing_if)]
    pub reset_unit: ResetUnit,
    /// One header carrying `used/limit` (Shopify's `X-Shopify-Shop-Api-Call-Limit: 32/40`,
    /// https://shopify.dev/docs/api/usage/limits): the requests left are `limit - used`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub usage: Option<String>,
    /// `true`: the provider sends the IETF `RateLimit-Policy` (`"default";q=100;w=60`) and
    /// `RateLimit` (`"default";r=50;t=30`: 50 left, 30 s to the reset) fields of
    /// draft-ietf-httpapi-ratelimit-headers-10.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[schemars(!skip_serializing_if)]
    pub ietf: bool,
}

/// One operation.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// HTTP method.
    pub method: Method,
    /// Path template relative to the base URL, `{name}` for path parameters.
    pub path: String,
    /// The group it belongs to (snake_case, e.g. `customers`, `payment_intents`; OpenAPI's
    /// first tag on import): the generated crate compiles it only with the cargo feature
    /// `group-NAME` (`_` written `-`), and the docs list it under the group's heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub group: Option<String>,
    /// One-line summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub summary: Option<String>,
    /// Longer description (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
    /// The endpoint is deprecated.
    #[serde(default, skip_serializing_if = "is_false")]
    #[schemars(!skip_serializing_if)]
    pub deprecated: bool,
    /// Types of the `{name}` parameters of `path`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub path_params: IndexMap<String, TypeRef>,
    /// Query parameters.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub query: IndexMap<String, TypeRef>,
    /// Request headers specific to this endpoint.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub headers: IndexMap<String, TypeRef>,
    /// Values the client always sends with this endpoint, which also tell it apart from
    /// other endpoints on the same method and path (AWS's `X-Amz-Target:
    /// DynamoDB_20120810.GetItem` header, its `Action=DescribeInstances` query parameter).
    #[serde(default, skip_serializing_if = "FixedValues::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub fixed: FixedValues,
    /// Request body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub request: Option<RequestDef>,
    /// Responses by status code: `"200"`, or a range such as `"2XX"` (OpenAPI's spelling)
    /// for every status of the class that no exact key declares.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub responses: IndexMap<String, ResponseRef>,
    /// Error codes this endpoint can return.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub errors: Vec<String>,
    /// Idempotency key header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub idempotency: Option<Idempotency>,
    /// Rate limit of this endpoint, overriding the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub rate_limit: Option<RateLimit>,
    /// Pagination style.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub pagination: Option<Pagination>,
    /// Credentials this endpoint requires, overriding `auth.require` (`none` for a public one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub auth: Option<Requirement>,
    /// Response caching of this endpoint (a `GET` or `HEAD`), overriding HTTP's rules alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub cache: Option<super::EndpointCache>,
    /// The named server (`servers`) this endpoint is sent to instead of the environment's
    /// base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub server: Option<String>,
}

/// Constant headers and query parameters of an endpoint: sent on every request by the client
/// (no setter), matched by the mock to route a request to its endpoint, shown in the docs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixedValues {
    /// Header name → value, sent as is.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub headers: IndexMap<String, String>,
    /// Query parameter name → value, percent-encoded as any query value.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub query: IndexMap<String, String>,
}

impl FixedValues {
    /// Neither a header nor a query parameter.
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.query.is_empty()
    }
}

/// Request body.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestDef {
    /// Body type.
    pub body: TypeRef,
    /// Encoding of the body: `json` (default), `form`, `multipart`, or `text` and `binary`
    /// for a body sent as it is (the body type is then `string`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub content_type: Option<ContentType>,
    /// `text` and `binary` only: the media type sent in `Content-Type` (RFC 6838 `type/subtype`,
    /// e.g. `text/csv`, `image/png`; a wildcard such as `image/*` leaves it to the caller);
    /// default `text/plain` or `application/octet-stream`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub media_type: Option<String>,
    /// Whether a body must be sent (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub required: Option<bool>,
    /// `multipart` only: how object-valued fields are sent (default `json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub object_parts: Option<ObjectParts>,
    /// `binary` only: the body is streamed from a file or any async reader, never held in
    /// memory (the generated method takes an `accord_runtime::Upload`; runtime feature
    /// `streaming`). Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub stream: Option<bool>,
}

/// A response: a model name, or details.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ResponseRef {
    /// The body model.
    Short(String),
    /// Details.
    Full(#[serde(deserialize_with = "super::strict::mapping")] ResponseDef),
}

/// A response with details.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseDef {
    /// Body type; absent for no content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub body: Option<TypeRef>,
    /// Encoding of the body: `json` (default), or `text` and `binary` for a body read as it
    /// is (the body type is then `string`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub content_type: Option<ContentType>,
    /// `text` and `binary` only: the media type the provider answers with (`text/csv`,
    /// `image/png`, `image/*`); default `text/plain` or `application/octet-stream`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub media_type: Option<String>,
    /// What the response means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
    /// Response headers worth knowing.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub headers: IndexMap<String, TypeRef>,
    /// `binary` 2xx responses only: the body is read as a stream of chunks, never whole (the
    /// generated method returns `accord_runtime::Response<accord_runtime::ByteStream>`; runtime
    /// feature `streaming`). Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub stream: Option<bool>,
    /// `stream: true` only: the most bytes the client reads of the body before it fails with
    /// `StreamError::TooLarge`, e.g. `5368709120` (bytes, above 0); default no cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub max_bytes: Option<u64>,
}

/// Idempotency key support.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Idempotency {
    /// Header carrying the key, e.g. `Idempotency-Key`.
    pub header: String,
    /// How long the provider remembers a key, e.g. `24h`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub retention: Option<String>,
}

/// Pagination styles.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Pagination {
    /// The next cursor is read from the body and sent as a query parameter.
    Cursor(CursorPagination),
    /// `page`/`per_page` query parameters, next page from the RFC 8288 `Link` header.
    Page(PagePagination),
    /// The body carries the next page's URL (Twilio's `next_page_uri`).
    NextUrl(NextUrlPagination),
    /// An item offset in a query parameter (`offset` + `limit`): the next page starts after
    /// this page's items.
    Offset(OffsetPagination),
    /// The next page is the RFC 8288 `Link` header's `rel="next"` URL, which carries an opaque
    /// cursor in a query parameter (Shopify REST's `page_info`); no `rel="next"` ends the list.
    Link(LinkPagination),
}

/// Link-header cursor pagination (Shopify REST Admin API, "Make paginated requests to the REST
/// Admin API", shopify.dev/docs/api/usage/pagination-rest): each page's `Link` header gives the
/// next page's URL with the cursor in `param` (`page_info`); the client follows that URL as it
/// is, so the other parameters of the first request are not sent again.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkPagination {
    /// Query parameter carrying the cursor in the linked URL (`page_info`).
    pub param: String,
    /// Page size parameter (`limit`), kept in the linked URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub size_param: Option<String>,
    /// JSON pointer of the items array (`/orders`); absent when the body is the array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub items: Option<String>,
}

/// Offset pagination (Box's `offset` + `limit` with `total_count`): the next page's offset is
/// this page's plus its number of items; an empty page, or reaching the total, ends the list.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OffsetPagination {
    /// Query parameter carrying the offset of the first item (0 when the first request does
    /// not set it).
    pub param: String,
    /// Page size parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub limit_param: Option<String>,
    /// JSON pointer of the total number of items in the body (`/total_count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub total: Option<String>,
    /// JSON pointer of the items array; absent when the body is the array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub items: Option<String>,
}

/// Next-URL pagination.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NextUrlPagination {
    /// JSON pointer of the next page's URL in the body: absolute, or a path resolved against
    /// the base URL; `null` or absent on the last page.
    pub next: String,
    /// JSON pointer of the items array; absent when the body is the array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub items: Option<String>,
}

/// Cursor pagination.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CursorPagination {
    /// Query parameter carrying the cursor.
    pub param: String,
    /// JSON pointer of the next cursor in the body. With `from_last_item`, the pointer is
    /// taken inside the last item (Stripe's `starting_after` = last item's `/id`).
    pub next: String,
    /// The cursor is read from the last item of `items`.
    #[serde(default, skip_serializing_if = "is_false")]
    #[schemars(!skip_serializing_if)]
    pub from_last_item: bool,
    /// JSON pointer of a boolean that says more pages exist (`/has_more`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub has_more: Option<String>,
    /// JSON pointer of the items array (`/data`); absent when the body is the array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub items: Option<String>,
}

/// Page-number pagination.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PagePagination {
    /// Page number parameter.
    pub param: String,
    /// Page size parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub size_param: Option<String>,
    /// The next page comes from the `Link` header's `rel="next"` (RFC 8288).
    #[serde(default, skip_serializing_if = "is_false")]
    #[schemars(!skip_serializing_if)]
    pub link_header: bool,
    /// JSON pointer of the items array; absent when the body is the array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub items: Option<String>,
}

/// Webhooks the provider sends.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Webhooks {
    /// Prose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
    /// How deliveries are signed. Without it the generated code decodes deliveries but
    /// cannot verify them, and the checker warns (`spec::unsigned_webhooks`); it is optional
    /// because some sources (OpenAPI 3.1 `webhooks`) declare the events but not the scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub signature: Option<WebhookSignature>,
    /// Delivery guarantees and retry schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub delivery: Option<Delivery>,
    /// JSON pointer of the event type in the payload (`/event_type`, `/type`); when absent the
    /// type comes from `event_header`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub event_type_field: Option<String>,
    /// Header carrying the event type (GitHub's `X-GitHub-Event`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub event_header: Option<String>,
    /// JSON pointer of the event id in the payload, for de-duplication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub event_id_field: Option<String>,
    /// Header carrying the delivery id (GitHub's `X-GitHub-Delivery`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub event_id_header: Option<String>,
    /// The body is a JSON array of events (SendGrid's Event Webhook): each item is typed by
    /// `event_type_field` and identified by `event_id_field` on its own, so a batch may mix
    /// event types; the generated `verify` returns the events of the batch in order.
    #[serde(default, skip_serializing_if = "is_false")]
    #[schemars(!skip_serializing_if)]
    pub batch: bool,
    /// A request that is no event but a check the receiver must answer (Slack's
    /// `url_verification`); the generated `handshake` recognises it and returns the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub handshake: Option<Handshake>,
    /// Events by type name.
    pub events: IndexMap<String, WebhookEvent>,
}

/// A handshake request: recognised by the value at a pointer, answered with the value at
/// another (Slack Events API: `{"type": "url_verification", "challenge": "…"}` is answered
/// with the challenge).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Handshake {
    /// JSON pointer of the field that marks the handshake, e.g. `/type`.
    pub field: String,
    /// The text at `field` that marks it, e.g. `url_verification`.
    pub value: String,
    /// JSON pointer of the text to answer with, as the response body (`/challenge`).
    pub respond: String,
    /// Prose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
}

/// Signature scheme: a small grammar (algorithm, key encoding, signed-content template,
/// signature header format, timestamp source and tolerance). A `preset` fills every field
/// for a known provider; fields written next to it override the preset's.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookSignature {
    /// A provider's scheme as shorthand: `standard-webhooks-v1`, `stripe`, `github`, ….
    #[serde(default)]
    pub preset: Option<SignaturePreset>,
    /// Signature algorithm.
    #[serde(default)]
    pub algorithm: Option<SignatureAlgorithm>,
    /// How the configured key text becomes key bytes; default UTF-8 as is.
    #[serde(default)]
    pub key: Option<SignatureKey>,
    /// Header carrying the signature.
    #[serde(default)]
    pub header: Option<String>,
    /// Header value for one key: entries joined by `separator`, one holding `{hex}` or
    /// `{base64}` and at most one `{timestamp}` (`t={timestamp},v1={hex}`, `v1,{base64}`).
    #[serde(default)]
    pub format: Option<String>,
    /// Separator between the header's entries when it may carry several signatures (`,` for
    /// Stripe, `" "` for Standard Webhooks); entries of other versions are skipped.
    #[serde(default)]
    pub separator: Option<String>,
    /// Signed content template over `{body}`, `{timestamp}`, `{id}`, `{url}` and
    /// `{form_params}`; default `{body}`.
    #[serde(default)]
    pub signed_payload: Option<String>,
    /// Header carrying the message id that `{id}` signs (`webhook-id`).
    #[serde(default)]
    pub id_header: Option<String>,
    /// Where the timestamp comes from and how far from now it may be.
    #[serde(default)]
    pub timestamp: Option<SignatureTimestamp>,
    /// How `{url}` is matched (Twilio).
    #[serde(default)]
    pub url: Option<SignatureUrl>,
    /// Environment variable holding the secret; default `NAME_WEBHOOK_SECRET`.
    #[serde(default)]
    pub secret_env: Option<String>,
}

/// Provider presets: each expands to the full grammar, taken from
/// `../shared/corpus/webhooks/schemes.yaml` (the scheme of the same id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SignaturePreset {
    /// Standard Webhooks v1: HMAC-SHA256, `whsec_` base64 keys, `webhook-*` headers.
    StandardWebhooksV1,
    /// Standard Webhooks v1a: Ed25519, `whpk_`/`whsk_` base64 keys, `webhook-*` headers.
    StandardWebhooksV1a,
    /// Svix: Standard Webhooks v1 with `svix-*` headers.
    Svix,
    /// Stripe: `Stripe-Signature: t=…,v1=<hex>` over `{timestamp}.{body}`.
    Stripe,
    /// GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body.
    Github,
    /// GitHub's legacy `X-Hub-Signature: sha1=<hex>`.
    GithubSha1,
    /// Shopify: `X-Shopify-Hmac-Sha256: <base64>` over the body.
    Shopify,
    /// Slack: `X-Slack-Signature: v0=<hex>` over `v0:{timestamp}:{body}`.
    Slack,
    /// Twilio: `X-Twilio-Signature: <base64>` HMAC-SHA1 over the URL and sorted form parameters.
    Twilio,
    /// SendGrid's Event Webhook: `X-Twilio-Email-Event-Webhook-Signature: <base64 DER>`, ECDSA
    /// P-256 over `{timestamp}{body}`, base64 DER public key.
    Sendgrid,
}

/// The key's text form.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureKey {
    /// `utf8` (as is), `base64` (lenient: padding optional) or `hex`.
    #[serde(default)]
    pub encoding: Option<KeyEncoding>,
    /// Prefix removed when present (`whsec_`).
    #[serde(default)]
    pub prefix: Option<String>,
    /// Prefix of signing keys, when it differs (Ed25519 `whsk_`).
    #[serde(default)]
    pub signing_prefix: Option<String>,
}

/// Signature timestamp.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureTimestamp {
    /// Header carrying the unix timestamp; absent when it is an entry of the signature
    /// header (`t={timestamp}` in `format`).
    #[serde(default)]
    pub header: Option<String>,
    /// Replay window, checked in both directions, e.g. `5m`; `0s` disables the check.
    #[serde(default)]
    pub tolerance: Option<String>,
}

/// How the signed `{url}` is matched.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureUrl {
    /// Also accept the URL with its port removed or its default port added.
    #[serde(default)]
    pub port_variants: Option<bool>,
    /// Query parameter carrying the hex SHA-256 of a non-form body (`bodySHA256`).
    #[serde(default)]
    pub body_hash_param: Option<String>,
}

/// Delivery.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    /// `at-least-once` or `at-most-once`.
    #[serde(default)]
    pub guarantee: Option<DeliveryGuarantee>,
    /// Delay before each delivery attempt, e.g. `[0s, 1m, 5m]`.
    #[serde(default)]
    pub retries: Vec<String>,
    /// Time the receiver has to answer 2xx.
    #[serde(default)]
    pub timeout: Option<String>,
}

/// One webhook event.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookEvent {
    /// Payload model.
    pub payload: String,
    /// When it is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
    /// An example payload (used by generated tests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub example: Option<serde_json::Value>,
    /// JSON pointer of this event's id when it differs from the section's `event_id_field`
    /// (some events carry an id and others do not, or carry it elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub id_field: Option<String>,
}

/// A test scenario.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What is being tested.
    #[serde(default)]
    pub description: Option<String>,
    /// The endpoint called (single-step scenarios).
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Preconditions (prose).
    #[serde(default)]
    pub preconditions: Vec<String>,
    /// Provider state to set up before the call (prose, for provider verification).
    #[serde(default)]
    pub setup: Option<String>,
    /// The request.
    #[serde(default)]
    pub request: Option<ScenarioRequest>,
    /// The answer the mock server gives; default: generated from the response model.
    #[serde(default)]
    pub response: Option<ScenarioResponse>,
    /// What must come back.
    #[serde(default)]
    pub expect: Option<Expectation>,
    /// Postconditions (prose).
    #[serde(default)]
    pub postconditions: Vec<String>,
    /// Multi-step scenarios.
    #[serde(default)]
    pub steps: Vec<ScenarioStep>,
}

/// One step of a multi-step scenario.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioStep {
    /// The endpoint called.
    pub endpoint: String,
    /// The request.
    #[serde(default)]
    pub request: Option<ScenarioRequest>,
    /// The answer the mock server gives.
    #[serde(default)]
    pub response: Option<ScenarioResponse>,
    /// What must come back.
    pub expect: Expectation,
}

/// Scenario request data.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRequest {
    /// Path parameter values.
    #[serde(default)]
    pub path: IndexMap<String, serde_json::Value>,
    /// Query parameter values.
    #[serde(default)]
    pub query: IndexMap<String, serde_json::Value>,
    /// Header values.
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    /// Body.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
}

/// The mock server's answer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioResponse {
    /// Body to answer with (merged over a body generated from the model).
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// Headers to answer with.
    #[serde(default)]
    pub headers: IndexMap<String, String>,
}

/// Expected outcome.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// Expected HTTP status.
    pub status: u16,
    /// Expected error code (for error statuses).
    #[serde(default)]
    pub error: Option<String>,
    /// Top-level body fields that must be present.
    #[serde(default)]
    pub body_contains: Vec<String>,
    /// Body fields with expected values (JSON pointer → value).
    #[serde(default)]
    pub body_equals: IndexMap<String, serde_json::Value>,
}

// Printing. The types also serialise (the OpenAPI importer builds a `Spec` and prints it), and
// a printed spec reads as one would write it: absent, empty and `false` values are left out
// (`skip_serializing_if` above). None of this changes how a spec is parsed, nor its JSON
// Schema: schemars would drop the `default` annotation of a field whose default is skipped,
// which `#[schemars(!skip_serializing_if)]` next to each one prevents.

/// `skip_serializing_if` for flags that default to `false`.
fn is_false(flag: &bool) -> bool {
    !*flag
}

/// Prints a numeric bound that is a whole number as an integer (`minimum: 0`, not `0.0`), as
/// JSON and YAML authors write them; fractions stay as they are.
fn serialize_bound<S: serde::Serializer>(bound: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    // Whole numbers in these ranges convert exactly (`u64::MAX as f64` is 2^64, excluded).
    match *bound {
        Some(value) if value.fract() == 0.0 && value < 0.0 && value >= i64::MIN as f64 => {
            serializer.serialize_i64(value as i64)
        }
        Some(value) if value.fract() == 0.0 && value >= 0.0 && value < u64::MAX as f64 => {
            serializer.serialize_u64(value as u64)
        }
        Some(value) => serializer.serialize_f64(value),
        None => serializer.serialize_none(),
    }
}

/// A variable of the environment and server URLs (OpenAPI 3.1.0 §4.8.6, Server Variable
/// Object): substituted for `{name}` when the client is built, percent-encoded as its place
/// in the URL requires (a host label, a path segment).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerVariable {
    /// The value used when the client sets none; without one the variable must be given
    /// (`required: true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub default: Option<String>,
    /// The only values allowed: the builder's setter then takes a generated enum.
    #[serde(default, rename = "enum", skip_serializing_if = "Vec::is_empty")]
    #[schemars(!skip_serializing_if)]
    pub values: Vec<String>,
    /// Every client must set it (a variable without a `default`): `build()` fails without it.
    #[serde(default, skip_serializing_if = "is_false")]
    #[schemars(!skip_serializing_if)]
    pub required: bool,
    /// What the variable is (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
    /// Environment variable `server_variables_from_env` reads it from; default
    /// `NAME_VARIABLE` (`SHOPIFY_SHOP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub env: Option<String>,
}

/// A named server: where the endpoints that name it are sent.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// Its URL: one for every environment, or one per environment (every declared
    /// environment named); may hold `{variables}`.
    pub base_url: ServerUrl,
    /// What it serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
}

/// A named server's URL.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ServerUrl {
    /// The same URL in every environment.
    Everywhere(String),
    /// Environment name → URL.
    PerEnvironment(IndexMap<String, String>),
}
