//! The contract itself (feature `contract`): [`Contract`] and what it holds.

pub use crate::auth::{ApiKey, Auth, AuthScheme, Basic, Bearer, Credential, OAuth2ClientCredentials, Requirement};

use serde::{Deserialize, Serialize};

use crate::applied::mentioned;
use crate::wire;

use crate::wire::{ContentType, HttpMethod, ObjectParts, RetryStrategy, StatusPattern, most_specific};
use serde_json::{Map, Value};

/// The version of this format; readers refuse others. Version 2 declared auth as a list of
/// schemes; version 3 as named credentials ([`Auth::credentials`]) with a [`Requirement`] per
/// operation ([`Operation::auth`]).
pub const FORMAT_VERSION: u32 = 3;

/// One spec's contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    /// [`FORMAT_VERSION`] of the writer.
    pub format: u32,
    /// Spec name (`orders`).
    pub name: String,
    /// Title (`Orders API`).
    pub title: String,
    /// Prefix of the spec's environment variables (`ORDERS`): `ORDERS_BASE_URL` names the
    /// server provider verification runs against.
    pub env_prefix: String,
    /// Environments in spec order.
    pub environments: Vec<Environment>,
    /// JSON Schema of every named type, by its Rust name; the `$defs` of every schema here.
    pub schemas: Map<String, Value>,
    /// Declared authentication.
    pub auth: Auth,
    /// Headers sent on every request (`X-Request-ID`).
    pub headers: Vec<Header>,
    /// Error codes and their envelope.
    pub errors: Errors,
    /// Rate limits.
    pub rate_limits: RateLimits,
    /// Operations in spec order.
    pub operations: Vec<Operation>,
    /// Test scenarios in spec order.
    pub scenarios: Vec<Scenario>,
    /// Webhooks, when declared.
    pub webhooks: Option<Webhooks>,
}

impl Contract {
    /// Reads a contract from its JSON form.
    ///
    /// Errors: not JSON, not this shape, or another [`FORMAT_VERSION`] (the message says
    /// which).
    pub fn from_json(text: &str) -> Result<Contract, String> {
        let contract: Contract = serde_json::from_str(text).map_err(|e| format!("not an accord contract: {e}"))?;
        if contract.format != FORMAT_VERSION {
            return Err(format!(
                "contract format {} is not {FORMAT_VERSION}; regenerate it with this accord",
                contract.format
            ));
        }
        Ok(contract)
    }

    /// The operation named `name`.
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.name == name)
    }

    /// The error code named `name`.
    pub fn error_code(&self, name: &str) -> Option<&ErrorCode> {
        self.errors.codes.iter().find(|c| c.name == name)
    }

    /// The scenario named `name`.
    pub fn scenario(&self, name: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.name == name)
    }

    /// A standalone JSON Schema for `schema`: it with every named type as `$defs`.
    pub fn schema_document(&self, schema: &Value) -> Value {
        standalone(schema.clone(), self.schemas.clone())
    }

    /// [`Contract::schema_document`] with only the named types `schema` reaches through
    /// `$ref`s (`#/$defs/NAME`, transitively), in the contract's order: validation visits no
    /// other, and compiling (and checking against the meta-schema) every definition of a
    /// large contract for a few values was most of the work. A `$ref` to a name the contract
    /// does not define stays unresolved, as it would with every definition.
    pub fn schema_document_reaching(&self, schema: &Value) -> Value {
        let mut pending = Vec::new();
        mentioned(schema, &mut pending);
        let mut reached = std::collections::HashSet::new();
        while let Some(name) = pending.pop() {
            // Type names hold no `~` or `/`, which a pointer would escape (RFC 6901).
            if let Some(def) = self.schemas.get(name)
                && reached.insert(name)
            {
                mentioned(def, &mut pending);
            }
        }
        let defs = self
            .schemas
            .iter()
            .filter(|(name, _)| reached.contains(name.as_str()))
            .map(|(name, def)| (name.clone(), def.clone()))
            .collect();
        standalone(schema.clone(), defs)
    }
}

/// One environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    /// Spec key (`sandbox`).
    pub name: String,
    /// Base URL without a trailing slash.
    pub base_url: String,
    /// The default environment.
    pub default: bool,
    /// Mutual TLS: the variables holding the client certificate chain and its private key
    /// (PEM text or a file path), when the environment declares `client_certificate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificate: Option<ClientCertificate>,
}

/// The client certificate an environment asks for (mutual TLS): where a client reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientCertificate {
    /// Variable holding the certificate chain (PEM text or a file path).
    pub certificate_env: String,
    /// Variable holding the private key (PEM text or a file path).
    pub key_env: String,
}

/// A header sent on every request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Name.
    pub name: String,
    /// A fresh UUID v4 on every request.
    pub generate_uuid: bool,
    /// A fixed value.
    pub value: Option<String>,
}

/// Error codes and where the code sits in an error body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Errors {
    /// JSON pointer of the code in the body (`/error_code`), when the spec has one.
    pub code_pointer: Option<String>,
    /// Codes in spec order.
    pub codes: Vec<ErrorCode>,
}

impl Errors {
    /// The codes a response with `status` may be: those declared with it, a range of it or
    /// `default`, only the most specific of them ([`wire::most_specific`]); several when
    /// the code field tells them apart.
    pub fn matching(&self, status: u16) -> Vec<&ErrorCode> {
        most_specific(self.codes.iter().map(|code| (code, code.statuses.iter().copied())), status)
    }

    /// The status the mock answers with for `code`: its first exact status, else the first
    /// status of its ranges (or, for `default`, of 500..=599, then 400..=499) that no more
    /// specific code claims, so a client classifies the answer as this code. `None` when
    /// every such status belongs to another code.
    pub fn answer_status(&self, code: &ErrorCode) -> Option<u16> {
        let mut candidates: Vec<u16> = Vec::new();
        for pattern in &code.statuses {
            match pattern {
                StatusPattern::Exact(status) => return Some(*status),
                StatusPattern::Range(_) => candidates.extend(pattern.statuses()),
                StatusPattern::Default => candidates.extend((500..=599).chain(400..=499)),
            }
        }
        candidates.into_iter().find(|status| self.matching(*status).iter().any(|c| c.name == code.name))
    }
}

/// One error code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorCode {
    /// Spec name (`VALIDATION_ERROR`).
    pub name: String,
    /// Statuses it comes with: exact, ranges (`4XX`) or `default`.
    pub statuses: Vec<StatusPattern>,
    /// Retry strategy.
    pub retry: RetryStrategy,
    /// Value of the code field that identifies it (the name unless the spec maps it).
    pub match_value: Option<String>,
    /// JSON Schema of its body (the spec's error envelope).
    pub schema: Value,
    /// An example body, code field set.
    pub example: Value,
    /// The body test that makes a response of its status this code, for errors a provider
    /// answers with a 2xx status (`/ok` is `false`); `None`: matched by status alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_match: Option<wire::BodyMatch>,
}

/// Rate limits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateLimits {
    /// Limit for operations without their own.
    pub default: Option<Rate>,
    /// Longer-window quotas shared by every operation (`10000/day`).
    pub quotas: Vec<Rate>,
    /// Header carrying the limit (`X-RateLimit-Limit`).
    pub limit_header: Option<String>,
    /// Header carrying the requests left.
    pub remaining_header: Option<String>,
    /// Header carrying the reset time (Unix seconds).
    pub reset_header: Option<String>,
    /// What the reset header's number counts (default: read by size).
    #[serde(default, skip_serializing_if = "wire::ResetUnit::is_auto")]
    pub reset_unit: wire::ResetUnit,
    /// Header carrying `used/limit` in one value (Shopify's `X-Shopify-Shop-Api-Call-Limit:
    /// 32/40`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_header: Option<String>,
    /// The provider sends the IETF `RateLimit-Policy` and `RateLimit` fields
    /// (draft-ietf-httpapi-ratelimit-headers-10: `"default";q=100;w=60`, `"default";r=50;t=30`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ietf_fields: bool,
}

/// A token bucket: `requests` per `window_seconds`, holding at most `burst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    /// Requests per window.
    pub requests: u32,
    /// Window, seconds.
    pub window_seconds: u64,
    /// Bucket capacity, requests.
    pub burst: u32,
}

/// One operation (endpoint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// Spec name (`create_order`).
    pub name: String,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template with `{param}` segments.
    pub path: String,
    /// Path parameters in path order.
    pub path_params: Vec<Param>,
    /// Query parameters.
    pub query: Vec<Param>,
    /// Header parameters.
    pub headers: Vec<Param>,
    /// Headers the client always sends with a fixed value (name, value), which also route a
    /// request to this operation among those on the same method and path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed_headers: Vec<(String, String)>,
    /// Query parameters the client always sends with a fixed value (name, value, not
    /// percent-encoded), which also route a request as `fixed_headers` do.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed_query: Vec<(String, String)>,
    /// Request body.
    pub body: Option<Body>,
    /// Declared responses in spec order.
    pub responses: Vec<Response>,
    /// Error codes it can return (spec names), in spec order.
    pub errors: Vec<String>,
    /// Idempotency key header (`Idempotency-Key`).
    pub idempotency_header: Option<String>,
    /// How long the provider keeps an idempotency key, seconds (`None`: not declared).
    pub idempotency_retention_seconds: Option<u64>,
    /// Effective rate limit.
    pub rate_limit: Option<Rate>,
    /// The credentials it requires (the endpoint's own `auth`, else the spec's default).
    #[serde(default)]
    pub auth: Requirement,
    /// Link-header cursor pagination (spec `pagination.link`): the mock answers a first page
    /// with `Link: <…?PARAM=…>; rel="next"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_pagination: Option<LinkPagination>,
    /// The `Cache-Control` the provider sends on success responses (spec: the endpoint's
    /// `cache.cache_control`), which the mock sends too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<String>,
}

/// Link-header cursor pagination (Shopify REST's `page_info`): the next page's URL is the
/// RFC 8288 `Link` header's `rel="next"` target, carrying a cursor in `param`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkPagination {
    /// Cursor query parameter (`page_info`).
    pub param: String,
    /// Page size query parameter (`limit`), copied into the link when the request sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_param: Option<String>,
}

impl Operation {
    /// The declared response for `status`: the one declared with it, else its range
    /// (`2XX`).
    pub fn response(&self, status: u16) -> Option<&Response> {
        most_specific(self.responses.iter().map(|r| (r, [r.status])), status).into_iter().next()
    }

    /// The first declared 2xx response (exact or `2XX`).
    pub fn success(&self) -> Option<&Response> {
        self.responses.iter().find(|r| r.status.is_success())
    }
}

/// A request parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// Wire name.
    pub name: String,
    /// Must be present.
    pub required: bool,
    /// JSON Schema of its value (query and header values are coerced from text first).
    pub schema: Value,
    /// How the value is written; absent in contracts written before styles, which is the
    /// place's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<wire::ParamStyle>,
    /// Lists and objects written as separate values; absent means the style's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explode: Option<bool>,
}

impl Param {
    /// The style and explode this parameter is written with in `location`: its own, or
    /// OpenAPI's defaults there.
    pub fn serialization(&self, location: wire::ParamLocation) -> (wire::ParamStyle, bool) {
        let style = self.style.unwrap_or(wire::ParamStyle::default_for(location));
        (style, self.explode.unwrap_or(style.default_explode()))
    }
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// `json`, `form` (`application/x-www-form-urlencoded`, nested keys as `a[b][0]`) or
    /// `multipart` (`multipart/form-data`, RFC 7578).
    pub content_type: ContentType,
    /// Must be present.
    pub required: bool,
    /// JSON Schema of the (decoded) body. A multipart body decodes to an object: text parts
    /// as form values, JSON parts as their value, file parts as their bytes read as UTF-8.
    pub schema: Value,
    /// `text` and `binary` only: the declared media type (`text/csv`, `image/*`); `None`
    /// for the content type's own ([`ContentType::media_type`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// `multipart` only: the fields sent as file parts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_fields: Vec<String>,
    /// `multipart` only: object fields as one `json` part or `brackets` text parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_parts: Option<ObjectParts>,
    /// `binary` only: streamed (spec `stream: true`); the mock counts it rather than hold it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stream: bool,
}

/// A declared response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// Status code, or a range (`2XX`).
    pub status: StatusPattern,
    /// JSON Schema of the body; `None` for no content.
    pub schema: Option<Value>,
    /// Encoding of the body: `json`, `text` or `binary`.
    #[serde(default, skip_serializing_if = "is_json")]
    pub content_type: ContentType,
    /// `text` and `binary` only: the declared media type; `None` for the content type's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Headers it must carry.
    pub headers: Vec<String>,
    /// The spec's example value of those headers that declare one (`Link` →
    /// `<https://…?page=2>; rel="next"`), which the mock answers with.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub header_examples: std::collections::BTreeMap<String, String>,
    /// An example body valid for the schema.
    pub example: Option<Value>,
    /// `binary` 2xx only: streamed (spec `stream: true`), so the mock sends a body of the
    /// size it is asked for, generated as it goes, rather than the example.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<Stream>,
}

/// A streamed response body (spec `stream: true`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stream {
    /// The client's cap, bytes (spec `max_bytes`); `None`: no cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bytes: Option<u64>,
}

/// `skip_serializing_if` for the default encoding, so contracts without raw bodies read as
/// before.
fn is_json(content_type: &ContentType) -> bool {
    *content_type == ContentType::Json
}

/// A test scenario: one call, or several in sequence (idempotency replay).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Spec name (`happy_path`).
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Provider state the scenario needs (`Set product stock to 0`); the mock plays it when
    /// the scenario is selected, a real provider must be put in it by hand.
    pub setup: Option<String>,
    /// Calls in order.
    pub steps: Vec<Step>,
}

/// One call of a scenario and what must come back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Operation name.
    pub operation: String,
    /// Path parameter values by wire name.
    pub path: Map<String, Value>,
    /// Query parameter values by wire name.
    pub query: Map<String, Value>,
    /// Request headers.
    pub headers: Map<String, Value>,
    /// Request body.
    pub body: Option<Value>,
    /// Expected status.
    pub status: u16,
    /// The body the mock answers with (the declared model's example, the scenario's
    /// response merged over it).
    pub response_body: Option<Value>,
    /// Headers the mock answers with.
    pub response_headers: Map<String, Value>,
    /// Expected error code (spec name).
    pub error: Option<String>,
    /// Top-level fields the response body must have.
    pub body_contains: Vec<String>,
    /// JSON pointer → value the response body must hold.
    pub body_equals: Map<String, Value>,
}

/// Webhooks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Webhooks {
    /// The signature scheme in the serde form of `accord_runtime::webhook::Scheme`; `None`
    /// (absent or `null`) when the spec declares none, so that deliveries cannot be verified
    /// and the mock does not deliver them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<Value>,
    /// Variable holding the signing secret; `None` without a scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_env: Option<String>,
    /// A key the mock signs with when no secret is configured (test use only); empty
    /// (absent) without a scheme. A plain string rather than an `Option` because generated
    /// contract tests read it as one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub test_signing_key: String,
    /// The key that verifies what [`Webhooks::test_signing_key`] signs (the same text for
    /// HMAC schemes, the public key for Ed25519); empty (absent) without a scheme.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub test_verifying_key: String,
    /// Pointer of the event type in the payload.
    pub event_type_field: Option<String>,
    /// Header carrying the event type (`X-GitHub-Event`).
    pub event_header: Option<String>,
    /// Pointer of the event id in the payload.
    pub event_id_field: Option<String>,
    /// Header carrying the event id (`X-GitHub-Delivery`).
    pub event_id_header: Option<String>,
    /// Delay before each delivery attempt, seconds, as the spec declares it (`[0, 60, 300]`:
    /// at once, then after a minute, then five minutes later); attempts stop at the first
    /// 2xx answer.
    pub retry_schedule_seconds: Vec<u64>,
    /// How long the sender waits for the receiver, seconds.
    pub timeout_seconds: Option<u64>,
    /// Declared events.
    pub events: Vec<Event>,
    /// The body is a JSON array of events, each typed and identified on its own (SendGrid);
    /// the mock delivers an event as a batch of one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub batch: bool,
    /// The request the provider sends to a receiver URL before its first event, and the
    /// answer it expects (Slack's `url_verification`); `None` (absent) when none is declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handshake: Option<Handshake>,
}

/// A webhook handshake (spec `webhooks.handshake`): a request whose `field` holds `value` and
/// whose `respond` holds a fresh challenge, which the receiver echoes back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handshake {
    /// JSON pointer of the field that marks the request (`/type`).
    pub field: String,
    /// The marking text (`url_verification`).
    pub value: String,
    /// JSON pointer of the challenge to echo (`/challenge`).
    pub respond: String,
}

/// One webhook event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Event type (`order.created`).
    pub event_type: String,
    /// JSON Schema of the payload.
    pub schema: Value,
    /// An example payload (event type and id fields set).
    pub example: Value,
    /// Pointer of this event's id when it is not [`Webhooks::event_id_field`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_field: Option<String>,
}

/// Sets the value at a JSON pointer (RFC 6901). Used to put an event type or error code into
/// an example. A numeric segment steps into an array at that index (padding with `null` up
/// to it), as `serde_json::Value::pointer` reads it back; containers missing on the way are
/// created, an array for a numeric segment and an object otherwise; a value of the wrong kind
/// on the way is replaced.
pub fn set_pointer(value: &mut Value, pointer: &str, new: Value) {
    let segments = pointer_segments(pointer);
    let Some((last, path)) = segments.split_last() else {
        *value = new;
        return;
    };
    let mut current = value;
    for segment in path {
        current = child(current, segment);
    }
    *child(current, last) = new;
}

/// The unescaped segments of a JSON pointer (RFC 6901 §4: `~1` is `/`, `~0` is `~`); the
/// empty pointer has none.
pub fn pointer_segments(pointer: &str) -> Vec<String> {
    pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
}

/// The slot `segment` names inside `value`, made to exist.
fn child<'a>(value: &'a mut Value, segment: &str) -> &'a mut Value {
    // At most this many `null`s are padded in, so a pointer like `/99999999` cannot allocate
    // without bound; past it the segment is an object key.
    const MAX_INDEX: usize = 1024;
    let index =
        segment.parse::<usize>().ok().filter(|i| *i <= MAX_INDEX && (segment == "0" || !segment.starts_with('0')));
    match index {
        Some(index) => {
            if !value.is_array() {
                *value = Value::Array(Vec::new());
            }
            let Value::Array(items) = value else { unreachable!("made an array just above") };
            if items.len() <= index {
                items.resize(index + 1, Value::Null);
            }
            &mut items[index]
        }
        None => {
            if !value.is_object() {
                *value = Value::Object(Map::new());
            }
            let Value::Object(object) = value else { unreachable!("made an object just above") };
            object.entry(segment.to_string()).or_insert(Value::Null)
        }
    }
}

/// `schema` (an object, else wrapped in `allOf`) as a JSON Schema 2020-12 document with `defs`.
pub(crate) fn standalone(schema: Value, defs: Map<String, Value>) -> Value {
    let mut document = match schema {
        Value::Object(object) => object,
        other => Map::from_iter([("allOf".to_string(), Value::Array(vec![other]))]),
    };
    document.insert("$schema".into(), Value::String("https://json-schema.org/draft/2020-12/schema".into()));
    document.insert("$defs".into(), Value::Object(defs));
    Value::Object(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The webhooks of a contract with `rest` spliced into the object.
    fn webhooks_from(rest: &str) -> Result<Webhooks, serde_json::Error> {
        serde_json::from_str(&format!(
            r#"{{{rest}"event_type_field": "/type", "event_header": null, "event_id_field": null,
                "event_id_header": null, "retry_schedule_seconds": [0], "timeout_seconds": null, "events": []}}"#
        ))
    }

    #[test]
    fn pointers_step_into_arrays_and_create_what_is_missing() {
        let mut value = serde_json::json!({"notificationItems": [{"NotificationRequestItem": {"eventCode": "X", "pspReference": "p"}}]});
        set_pointer(&mut value, "/notificationItems/0/NotificationRequestItem/eventCode", "REFUND".into());
        assert_eq!(value.pointer("/notificationItems/0/NotificationRequestItem/eventCode"), Some(&"REFUND".into()));
        assert_eq!(value.pointer("/notificationItems/0/NotificationRequestItem/pspReference"), Some(&"p".into()));
        let mut empty = Value::Null;
        set_pointer(&mut empty, "/errors/1/code", "E".into());
        assert_eq!(empty, serde_json::json!({"errors": [null, {"code": "E"}]}));
        let mut keyed = serde_json::json!({"a~b": {}, "c/d": 1});
        set_pointer(&mut keyed, "/a~0b/01", 2.into());
        set_pointer(&mut keyed, "/c~1d", 3.into());
        assert_eq!(keyed, serde_json::json!({"a~b": {"01": 2}, "c/d": 3}));
    }

    #[test]
    fn signed_contracts_read_and_write_back_unchanged() {
        // Written before the scheme became optional; every field must survive a round trip.
        let text = include_str!("../../../generated/orders/contract.json");
        let original: Value = serde_json::from_str(text).expect("JSON");
        let contract = Contract::from_json(text).expect("an accord contract");
        let webhooks = contract.webhooks.as_ref().expect("orders declares webhooks");
        assert!(webhooks.scheme.is_some() && !webhooks.test_signing_key.is_empty());
        assert_eq!(serde_json::to_value(&contract).expect("serialises"), original);
    }

    #[test]
    fn webhooks_without_a_scheme_have_no_scheme_and_no_keys() {
        let absent = webhooks_from("").expect("the scheme and keys may be left out");
        assert_eq!(absent.scheme, None);
        assert_eq!(absent.secret_env, None);
        assert!(absent.test_signing_key.is_empty() && absent.test_verifying_key.is_empty());
        let null = webhooks_from(r#""scheme": null, "secret_env": null, "#).expect("or written as null");
        assert_eq!(null, absent);
        let written = serde_json::to_value(&absent).expect("serialises");
        for key in ["scheme", "secret_env", "test_signing_key", "test_verifying_key"] {
            assert!(written.get(key).is_none(), "`{key}` is left out: {written}");
        }
    }

    #[test]
    fn errors_match_the_most_specific_code_and_the_mock_answers_a_status_of_its_own() {
        let code = |name: &str, statuses: Vec<StatusPattern>| ErrorCode {
            name: name.into(),
            statuses,
            retry: RetryStrategy::Never,
            match_value: None,
            schema: Value::Null,
            example: Value::Null,
            body_match: None,
        };
        let errors = Errors {
            code_pointer: None,
            codes: vec![
                code("SERVER", vec![StatusPattern::Exact(500)]),
                code("CLIENT", vec![StatusPattern::Range(4)]),
                code("OTHER", vec![StatusPattern::Default]),
            ],
        };
        let names = |status| errors.matching(status).iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(500), ["SERVER"]);
        assert_eq!(names(422), ["CLIENT"]);
        assert_eq!(names(503), ["OTHER"]);
        assert_eq!(errors.answer_status(&errors.codes[0]), Some(500));
        assert_eq!(errors.answer_status(&errors.codes[1]), Some(400));
        // 500 is SERVER's and 4xx CLIENT's: `default` is answered with 501.
        assert_eq!(errors.answer_status(&errors.codes[2]), Some(501));
    }
}
