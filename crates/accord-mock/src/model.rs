//! A contract made ready to act on: routes that match request paths, and JSON Schema
//! validators compiled once per distinct schema. Shared by the mock server and the verifier.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use accord_contract::wire::StatusPattern;
use accord_contract::{Contract, ErrorCode, Operation};
use jsonschema::Validator;
use serde_json::{Map, Value};

/// One problem found in a message, with where it is (`body/items/0/quantity`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: `body`, `body/items/0`, `query/limit`, `header/Retry-After`, `status`.
    pub at: String,
    /// What is wrong, as a sentence fragment (`0 is less than the minimum of 1`).
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// A contract with its routes and validators.
pub struct Model {
    /// The contract.
    pub contract: Contract,
    routes: Vec<Route>,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model").field("name", &self.contract.name).finish_non_exhaustive()
    }
}

/// A path template split into segments.
struct Route {
    operation: usize,
    method: String,
    segments: Vec<Segment>,
    literals: usize,
    /// Query keys a request must carry (any value) to be routed here
    /// ([`crate::route_keys::route_keys`]).
    keys: Vec<String>,
}

enum Segment {
    Literal(String),
    /// `{name}`, possibly with literal text around it (`{owner}.git` is not used by any spec,
    /// but `prefix{id}suffix` matches as expected).
    Param {
        prefix: String,
        name: String,
        suffix: String,
    },
}

/// What routing found for a method and path.
pub enum RouteMatch<'a> {
    /// An operation, with its path parameters' raw text (still percent-encoded: a styled
    /// value is split on its separators before it is decoded, see
    /// [`crate::coerce::path_param`]).
    Found(&'a Operation, Map<String, Value>),
    /// The path exists with other methods (for `405` and `Allow`).
    WrongMethod(Vec<String>),
    /// No operation has this path.
    NotFound,
}

impl Model {
    /// Prepares a contract. Schemas compile lazily, on first use.
    pub fn new(contract: Contract) -> Model {
        let mut keys = crate::route_keys::route_keys(&contract);
        let mut routes: Vec<Route> = contract
            .operations
            .iter()
            .enumerate()
            .map(|(index, op)| {
                let segments: Vec<Segment> = split(&op.path)
                    .map(|segment| match (segment.find('{'), segment.rfind('}')) {
                        (Some(open), Some(close)) if open < close => Segment::Param {
                            prefix: segment[..open].to_string(),
                            name: segment[open + 1..close].to_string(),
                            suffix: segment[close + 1..].to_string(),
                        },
                        _ => Segment::Literal(segment.to_string()),
                    })
                    .collect();
                let literals = segments.iter().filter(|s| matches!(s, Segment::Literal(_))).count();
                let keys = std::mem::take(&mut keys[index]);
                Route { operation: index, method: op.method.as_str().to_string(), segments, literals, keys }
            })
            .collect();
        // `/orders/search` wins over `/orders/{id}`; on one path, an operation with more fixed
        // values is tried first, so that S3's `POST /{Key}?uploads` (a presence-only key) wins
        // over `POST /{Key}`, which matches any query; and so does one that requires a query key
        // (S3's `DELETE /{Key}?uploadId=…` over `DELETE /{Key}`).
        let fixed = |route: &Route| {
            let op = &contract.operations[route.operation];
            op.fixed_headers.len() + op.fixed_query.len() + route.keys.len()
        };
        routes.sort_by(|a, b| {
            b.literals.cmp(&a.literals).then(fixed(b).cmp(&fixed(a))).then(a.operation.cmp(&b.operation))
        });
        Model { contract, routes, validators: Mutex::new(HashMap::new()) }
    }

    /// Finds the operation for a request by method and path alone (operations with `fixed`
    /// values need [`Model::route_request`]).
    pub fn route(&self, method: &str, path: &str) -> RouteMatch<'_> {
        self.route_request(method, path, &|_| None, "")
    }

    /// Finds the operation for a request: its method and path, and, where operations share
    /// them, the fixed header and query values (`fixed_headers`, `fixed_query`) that tell
    /// them apart. `header` gives a request header's value by name; `query` is the query
    /// string without `?`.
    pub fn route_request(
        &self,
        method: &str,
        path: &str,
        header: &dyn Fn(&str) -> Option<String>,
        query: &str,
    ) -> RouteMatch<'_> {
        let parts: Vec<&str> = split(path).collect();
        let mut allowed = Vec::new();
        let mut query_pairs: Option<Vec<(String, String)>> = None;
        for route in &self.routes {
            let Some(params) = route.matches(&parts) else { continue };
            let op = &self.contract.operations[route.operation];
            if route.method.eq_ignore_ascii_case(method) {
                let headers_match =
                    op.fixed_headers.iter().all(|(name, value)| header(name).is_some_and(|sent| sent == *value));
                let query_match = (op.fixed_query.is_empty() && route.keys.is_empty()) || {
                    let pairs = query_pairs.get_or_insert_with(|| {
                        form_urlencoded::parse(query.as_bytes())
                            .map(|(k, v)| (k.into_owned(), v.into_owned()))
                            .collect()
                    });
                    op.fixed_query.iter().all(|fixed| pairs.contains(fixed))
                        && route.keys.iter().all(|key| pairs.iter().any(|(name, _)| name == key))
                };
                if headers_match && query_match {
                    return RouteMatch::Found(op, params);
                }
                continue;
            }
            if !allowed.contains(&route.method) {
                allowed.push(route.method.clone());
            }
        }
        if allowed.is_empty() { RouteMatch::NotFound } else { RouteMatch::WrongMethod(allowed) }
    }

    /// Validates `instance` against `schema`; each problem is placed under `at`.
    pub fn validate(&self, schema: &Value, instance: &Value, at: &str) -> Vec<Problem> {
        let validator = match self.validator(schema) {
            Ok(validator) => validator,
            Err(message) => return vec![Problem { at: at.to_string(), message }],
        };
        let mut problems = Vec::new();
        for error in validator.iter_errors(instance) {
            explain(&error, at, &mut problems);
        }
        problems.dedup();
        problems
    }

    fn validator(&self, schema: &Value) -> Result<Arc<Validator>, String> {
        let key = schema.to_string();
        let mut cache = self.validators.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(validator) = cache.get(&key) {
            return Ok(validator.clone());
        }
        let document = self.contract.schema_document(schema);
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&document)
            .map_err(|e| format!("the contract's schema does not compile: {e}"))?;
        let validator = Arc::new(validator);
        cache.insert(key, validator.clone());
        Ok(validator)
    }

    /// The error code a request failing validation gets: among the operation's codes with a
    /// 400 or 422 status, one named like a validation error first.
    pub fn validation_error(&self, op: &Operation) -> Option<&ErrorCode> {
        self.pick_code(op, &[400, 422], &["VALIDATION", "INVALID_REQUEST", "INVALID", "BAD_REQUEST", "UNPROCESSABLE"])
    }

    /// The code for missing or wrong credentials (401).
    pub fn auth_error(&self, op: Option<&Operation>) -> Option<&ErrorCode> {
        match op {
            Some(op) => {
                self.pick_code(op, &[401], &["UNAUTHORI", "AUTHENTICATION", "INVALID_TOKEN", "NOT_AUTHED", "AUTH"])
            }
            None => self.contract.errors.matching(401).first().copied(),
        }
    }

    /// The code for an exhausted rate limit (429).
    pub fn rate_limit_error(&self, op: &Operation) -> Option<&ErrorCode> {
        self.pick_code(op, &[429], &["RATE", "LIMIT", "TOO_MANY"])
    }

    /// The code for an idempotency key reused with another request: one named after
    /// idempotency first, then a duplicate or conflict (409).
    pub fn idempotency_error(&self, op: &Operation) -> Option<&ErrorCode> {
        let codes = self.codes_of(op);
        let named = |needle: &str| codes.iter().copied().find(|c| c.name.to_ascii_uppercase().contains(needle));
        named("IDEMPOTEN").or_else(|| named("DUPLICATE")).or_else(|| self.pick_code(op, &[409, 422], &["CONFLICT"]))
    }

    /// The code for an unknown resource (404).
    pub fn not_found_error(&self) -> Option<&ErrorCode> {
        let codes = &self.contract.errors.codes;
        let exact = |c: &&ErrorCode| c.statuses.contains(&StatusPattern::Exact(404));
        codes
            .iter()
            .find(|c| exact(c) && c.name.to_ascii_uppercase().contains("NOT_FOUND"))
            .or_else(|| codes.iter().find(exact))
            .or_else(|| self.contract.errors.matching(404).first().copied())
    }

    /// The status the mock answers `code` with when it means `intended`: `intended` when a
    /// client classifies that as `code` (it is declared with it, or with its range or
    /// `default`, and nothing more specific), else the status [`Errors::answer_status`]
    /// picks for the code.
    ///
    /// [`Errors::answer_status`]: accord_contract::Errors::answer_status
    pub fn error_status(&self, code: &ErrorCode, intended: u16) -> u16 {
        let errors = &self.contract.errors;
        if errors.matching(intended).iter().any(|c| c.name == code.name) {
            return intended;
        }
        errors.answer_status(code).unwrap_or(intended)
    }

    /// The operation's codes, or every code when it lists none.
    fn codes_of<'a>(&'a self, op: &Operation) -> Vec<&'a ErrorCode> {
        let all = &self.contract.errors.codes;
        if op.errors.is_empty() {
            all.iter().collect()
        } else {
            all.iter().filter(|c| op.errors.contains(&c.name)).collect()
        }
    }

    /// Among the operation's codes declared with one of `statuses`, one named like `names`
    /// first; else a code a client would classify one of them as (declared with its range or
    /// `default`); else a code matched by its body (spec `when`) named like `names`, which
    /// the mock answers with its own status.
    fn pick_code(&self, op: &Operation, statuses: &[u16], names: &[&str]) -> Option<&ErrorCode> {
        let exact = |c: &&ErrorCode| {
            c.statuses.iter().any(|s| statuses.iter().any(|status| *s == StatusPattern::Exact(*status)))
        };
        let candidates: Vec<&ErrorCode> = self.codes_of(op).into_iter().filter(exact).collect();
        names
            .iter()
            .find_map(|needle| candidates.iter().copied().find(|c| c.name.to_ascii_uppercase().contains(needle)))
            .or_else(|| candidates.first().copied())
            .or_else(|| {
                // Some specs declare shared codes without listing them per operation.
                self.contract.errors.codes.iter().find(exact)
            })
            .or_else(|| {
                // A range (`4XX`) or `default` code covers the status.
                let listed = self.codes_of(op);
                let covering: Vec<&ErrorCode> =
                    statuses.iter().flat_map(|status| self.contract.errors.matching(*status)).collect();
                covering.iter().copied().find(|c| listed.iter().any(|l| l.name == c.name)).or(covering.first().copied())
            })
            .or_else(|| {
                // A provider that answers errors in a 2xx body (Slack's `not_authed`,
                // `invalid_arguments`): its body-matched code named like the failure.
                let in_body: Vec<&ErrorCode> =
                    self.codes_of(op).into_iter().filter(|c| c.body_match.is_some()).collect();
                names
                    .iter()
                    .find_map(|needle| in_body.iter().copied().find(|c| c.name.to_ascii_uppercase().contains(needle)))
            })
    }

    /// An error body for `code`: its example with the code field set, and `message` set
    /// beside the code field when the envelope has one. Without a code field, `message` goes
    /// into the example's own text field for it: `/message` (Twilio), `/error/message`
    /// (Stripe) or `/detail` (RFC 9457, Svix).
    pub fn error_body(&self, code: &ErrorCode, message: &str) -> Value {
        let mut body = code.example.clone();
        if let Some(pointer) = &self.contract.errors.code_pointer {
            let value = Value::String(code.match_value.clone().unwrap_or_else(|| code.name.clone()));
            set_pointer(&mut body, pointer, value);
            let parent = &pointer[..pointer.rfind('/').unwrap_or(0)];
            let message_pointer = format!("{parent}/message");
            if let Some(slot) = body.pointer_mut(&message_pointer)
                && (slot.is_string() || slot.is_null())
            {
                *slot = Value::String(message.to_string());
            }
        } else {
            // Otherwise the example's own message ("No such customer: 'cus_nope'") would
            // describe another failure than the one the mock found.
            let slot = ["/message", "/error/message", "/detail"]
                .into_iter()
                .find(|pointer| body.pointer(pointer).is_some_and(Value::is_string));
            if let Some(text) = slot.and_then(|pointer| body.pointer_mut(pointer)) {
                *text = Value::String(message.to_string());
            }
        }
        body
    }
}

/// One problem per error; an `anyOf` failure is explained by its closest branch (the one
/// with the fewest errors, `null` branches of optional fields skipped), so an optional
/// field reads `expected integer`, not `not valid under any of the schemas`.
fn explain(error: &jsonschema::ValidationError<'_>, at: &str, out: &mut Vec<Problem>) {
    if let jsonschema::error::ValidationErrorKind::AnyOf { context } = error.kind() {
        let is_null_branch = |branch: &Vec<jsonschema::ValidationError<'static>>| {
            branch.len() == 1 && branch[0].to_string().ends_with("is not of type \"null\"")
        };
        if let Some(closest) = context.iter().filter(|b| !b.is_empty() && !is_null_branch(b)).min_by_key(|b| b.len()) {
            for inner in closest {
                explain(inner, at, out);
            }
            return;
        }
    }
    out.push(Problem {
        at: format!("{at}{}", error.instance_path().as_str()),
        message: error.masked().to_string().chars().take(300).collect(),
    });
}

impl Route {
    fn matches(&self, parts: &[&str]) -> Option<Map<String, Value>> {
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut params = Map::new();
        for (segment, part) in self.segments.iter().zip(parts) {
            match segment {
                Segment::Literal(literal) => {
                    if literal != part {
                        return None;
                    }
                }
                Segment::Param { prefix, name, suffix } => {
                    let inner = part.strip_prefix(prefix.as_str())?.strip_suffix(suffix.as_str())?;
                    if inner.is_empty() {
                        return None;
                    }
                    params.insert(name.clone(), Value::String(inner.to_string()));
                }
            }
        }
        Some(params)
    }
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

pub use accord_contract::set_pointer;

/// Every key of `expected` is in `actual` with an equal value (objects recursively, numbers
/// by value); the first difference, as a pointer and a message, when not.
pub fn includes(actual: &Value, expected: &Value, at: &str) -> Result<(), Problem> {
    match (actual, expected) {
        (Value::Object(actual), Value::Object(expected)) => {
            for (key, value) in expected {
                let path = format!("{at}/{key}");
                let inner = actual.get(key).ok_or_else(|| Problem { at: path.clone(), message: "missing".into() })?;
                includes(inner, value, &path)?;
            }
            Ok(())
        }
        (actual, expected) => {
            let numbers_equal = actual.as_f64().is_some() && actual.as_f64() == expected.as_f64();
            let text_equal = match (actual, expected) {
                // Text parameters arrive as text; `2` in a scenario matches `"2"` on the wire.
                (Value::String(a), other) | (other, Value::String(a)) if !other.is_string() => {
                    other.as_str().is_none() && a.as_str() == other.to_string().as_str()
                }
                _ => false,
            };
            if numbers_equal || text_equal || actual == expected {
                Ok(())
            } else {
                Err(Problem { at: at.to_string(), message: format!("expected {expected}, got {actual}") })
            }
        }
    }
}
