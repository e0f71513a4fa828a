//! The integration checklist (issue 18, item 6; seed 000's list adapted): per spec, what the
//! integration declares and what it leaves open (credentials and their environment
//! variables, each error code's strategy, retries, idempotency of unsafe methods, timeouts,
//! rate limits, pagination, webhook verification and replay window, caching, circuit
//! breaking, health, logging, exported types). Computed from the IR alone; `accord check
//! --report` prints it as a table or as JSON, and each spec's docs page shows it
//! (`templates/checklist.md.j2`).

use serde::Serialize;

use crate::ir::operational::CircuitScope;
use crate::ir::{HttpMethod, Ir, Operation, TypeExpr};

/// How far a spec covers one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Declared in full.
    Declared,
    /// Declared for some of what it applies to; the detail says what is left.
    Partial,
    /// Not declared: accord's defaults (or nothing) apply.
    Open,
    /// Nothing in the spec it applies to (no webhooks, no list endpoints).
    NotApplicable,
}

impl Status {
    /// The word printed in the table (`declared`, `partial`, `open`, `n/a`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Declared => "declared",
            Status::Partial => "partial",
            Status::Open => "open",
            Status::NotApplicable => "n/a",
        }
    }
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Stable key (`credentials`, `error_codes`, …).
    pub key: &'static str,
    /// What is checked, as the table heads it.
    pub title: &'static str,
    /// How far the spec covers it.
    pub status: Status,
    /// What is declared, and what is left open, in one sentence.
    pub detail: String,
}

/// The checklist of one spec.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checklist {
    /// Spec name.
    pub spec: String,
    /// Items in a fixed order.
    pub items: Vec<Item>,
}

impl Checklist {
    /// Items that are `partial` or `open`.
    pub fn open_items(&self) -> usize {
        self.items.iter().filter(|item| matches!(item.status, Status::Partial | Status::Open)).count()
    }

    /// The checklist as a plain-text table (item, status, detail), for a terminal.
    pub fn to_text(&self) -> String {
        let title_width = self.items.iter().map(|item| item.title.len()).max().unwrap_or(0).max("item".len());
        let status_width = "declared".len();
        let mut text = format!("{}: integration checklist\n", self.spec);
        text.push_str(&format!("  {:title_width$}  {:status_width$}  detail\n", "item", "status"));
        for item in &self.items {
            text.push_str(&format!(
                "  {:title_width$}  {:status_width$}  {}\n",
                item.title,
                item.status.as_str(),
                item.detail
            ));
        }
        text.push_str(&format!(
            "  {} of {} items declared, {} left open\n",
            self.items.iter().filter(|item| item.status == Status::Declared).count(),
            self.items.iter().filter(|item| item.status != Status::NotApplicable).count(),
            self.open_items()
        ));
        text
    }
}

fn item(key: &'static str, title: &'static str, status: Status, detail: impl Into<String>) -> Item {
    Item { key, title, status, detail: detail.into() }
}

/// `a`, `b` and 3 more: names listed up to a few.
fn names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    const SHOWN: usize = 4;
    let names: Vec<&str> = names.into_iter().collect();
    let mut text = names.iter().take(SHOWN).map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

/// `1 endpoint`, `2 endpoints`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

fn seconds(ms: u64) -> String {
    if ms % 1000 == 0 { format!("{} s", ms / 1000) } else { format!("{ms} ms") }
}

/// The checklist of `ir`.
pub fn checklist(ir: &Ir) -> Checklist {
    let items = vec![
        credentials(ir),
        error_codes(ir),
        retries(ir),
        idempotency(ir),
        timeouts(ir),
        rate_limits(ir),
        pagination(ir),
        webhooks(ir),
        caching(ir),
        circuit_breaking(ir),
        health(ir),
        logging(),
        types(ir),
    ];
    Checklist { spec: ir.name.clone(), items }
}

fn credentials(ir: &Ir) -> Item {
    const TITLE: &str = "credentials";
    let credentials = &ir.auth.credentials;
    if credentials.is_empty() {
        return item("credentials", TITLE, Status::Open, "no credentials declared: every request is sent anonymously");
    }
    let listed: Vec<String> = credentials
        .iter()
        .map(|credential| {
            let variables = credential.scheme.env_vars();
            let variables = if variables.is_empty() {
                "no environment variable".to_string()
            } else {
                variables.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
            };
            format!("`{}` ({}, {variables})", credential.name, credential.scheme.key())
        })
        .collect();
    let undocumented: Vec<&str> = credentials
        .iter()
        .filter(|credential| credential.description.is_none())
        .map(|credential| credential.name.as_str())
        .collect();
    let mut detail = listed.join("; ");
    let status = if ir.auth.description.is_none() {
        detail.push_str("; how they are obtained and rotated is not described (`auth.description`)");
        Status::Partial
    } else if !undocumented.is_empty() {
        detail.push_str(&format!("; no description for {}", names(undocumented)));
        Status::Partial
    } else {
        Status::Declared
    };
    item("credentials", TITLE, status, detail)
}

fn error_codes(ir: &Ir) -> Item {
    const TITLE: &str = "error codes";
    let codes = &ir.errors.codes;
    if codes.is_empty() {
        return item(
            "error_codes",
            TITLE,
            Status::Open,
            "no error codes declared: every non-2xx response is `UnexpectedStatus`",
        );
    }
    let strategies: Vec<String> = codes.iter().map(|code| format!("{} → {}", code.name, code.retry.as_str())).collect();
    let bare: Vec<&str> = ir.operations.iter().filter(|op| op.errors.is_empty()).map(|op| op.name.as_str()).collect();
    let mut detail = format!("{}, each with its strategy: {}", count(codes.len(), "code"), strategies.join(", "));
    let status = if bare.is_empty() {
        Status::Declared
    } else {
        detail.push_str(&format!("; no error codes on {}", names(bare)));
        Status::Partial
    };
    item("error_codes", TITLE, status, detail)
}

fn retries(ir: &Ir) -> Item {
    const TITLE: &str = "retries";
    let retry = &ir.retry;
    if !retry.declared {
        return item("retries", TITLE, Status::Open, "no `retry` declared: one attempt per call");
    }
    item(
        "retries",
        TITLE,
        Status::Declared,
        format!(
            "at most {} attempts, backoff from {} to {}, {} jitter",
            retry.max_attempts,
            seconds(retry.initial_delay_ms),
            seconds(retry.max_delay_ms),
            retry.jitter.as_str()
        ),
    )
}

/// POST and PATCH are neither safe nor idempotent (RFC 9110 §9.2.2): a retry may repeat
/// the action unless the request carries an idempotency key.
fn idempotency(ir: &Ir) -> Item {
    const TITLE: &str = "idempotency";
    let unsafe_ops: Vec<&Operation> =
        ir.operations.iter().filter(|op| matches!(op.http_method, HttpMethod::Post | HttpMethod::Patch)).collect();
    if unsafe_ops.is_empty() {
        return item("idempotency", TITLE, Status::NotApplicable, "no POST or PATCH endpoints");
    }
    let keyless: Vec<&str> =
        unsafe_ops.iter().filter(|op| op.idempotency_header.is_none()).map(|op| op.name.as_str()).collect();
    let keyed = unsafe_ops.len() - keyless.len();
    if keyless.is_empty() {
        return item(
            "idempotency",
            TITLE,
            Status::Declared,
            format!("all {keyed} POST/PATCH endpoints send an idempotency key"),
        );
    }
    item(
        "idempotency",
        TITLE,
        if keyed == 0 { Status::Open } else { Status::Partial },
        format!(
            "{keyed} of {} POST/PATCH endpoints send an idempotency key; never retried after a sent request: {}",
            unsafe_ops.len(),
            names(keyless)
        ),
    )
}

fn timeouts(ir: &Ir) -> Item {
    const TITLE: &str = "timeouts";
    let timeouts = &ir.timeouts;
    let limits = format!("{} to connect, {} per attempt", seconds(timeouts.connect_ms), seconds(timeouts.attempt_ms));
    match timeouts.total_ms {
        Some(total) => {
            item("timeouts", TITLE, Status::Declared, format!("{limits}, {} per call with its retries", seconds(total)))
        }
        None => item(
            "timeouts",
            TITLE,
            Status::Partial,
            format!("{limits}; no limit on a whole call with its retries (`timeouts.total`)"),
        ),
    }
}

fn rate_limits(ir: &Ir) -> Item {
    const TITLE: &str = "rate limits";
    let limits = &ir.rate_limits;
    let own = ir.operations.iter().filter(|op| op.own_rate_limit).count();
    let mut parts = Vec::new();
    if let Some(default) = &limits.default {
        parts.push(format!("default {}", default.text));
    }
    if !limits.quotas.is_empty() {
        parts.push(format!("quotas {}", limits.quotas.iter().map(|q| q.text.as_str()).collect::<Vec<_>>().join(", ")));
    }
    if own > 0 {
        parts.push(format!("{} with their own limit", count(own, "endpoint")));
    }
    if parts.is_empty() {
        return item("rate_limits", TITLE, Status::Open, "no client-side limit: requests go as fast as they are made");
    }
    let headers: Vec<&str> =
        [&limits.limit_header, &limits.remaining_header, &limits.reset_header, &limits.usage_header]
            .into_iter()
            .filter_map(|header| header.as_deref())
            .collect();
    if headers.is_empty() && !limits.ietf_fields {
        parts.push("no rate-limit response headers read".into());
    } else if limits.ietf_fields {
        parts.push("IETF `RateLimit` fields read".into());
    } else {
        parts.push(format!("reads {}", names(headers)));
    }
    item("rate_limits", TITLE, Status::Declared, parts.join("; "))
}

/// A GET whose success body is a list, or a `data`-style page: what could need pages.
fn returns_list(op: &Operation) -> bool {
    matches!(op.success, Some(TypeExpr::Array(_)))
}

fn pagination(ir: &Ir) -> Item {
    const TITLE: &str = "pagination";
    let paginated = ir.operations.iter().filter(|op| op.pagination.is_some()).count();
    let unpaged: Vec<&str> = ir
        .operations
        .iter()
        .filter(|op| op.http_method == HttpMethod::Get && op.pagination.is_none() && returns_list(op))
        .map(|op| op.name.as_str())
        .collect();
    match (paginated, unpaged.is_empty()) {
        (0, true) => item("pagination", TITLE, Status::NotApplicable, "no paginated or list endpoints"),
        (_, true) => item("pagination", TITLE, Status::Declared, format!("{} paginated", count(paginated, "endpoint"))),
        (_, false) => item(
            "pagination",
            TITLE,
            if paginated == 0 { Status::Open } else { Status::Partial },
            format!("{} paginated; lists without pagination: {}", count(paginated, "endpoint"), names(unpaged)),
        ),
    }
}

fn webhooks(ir: &Ir) -> Item {
    const TITLE: &str = "webhook verification";
    let Some(webhooks) = &ir.webhooks else {
        return item("webhooks", TITLE, Status::NotApplicable, "no webhooks");
    };
    let Some(signature) = &webhooks.signature else {
        return item(
            "webhooks",
            TITLE,
            Status::Open,
            format!("{}, no signature scheme: deliveries cannot be verified", count(webhooks.events.len(), "event")),
        );
    };
    let mut detail = format!("{}, signed with {}", count(webhooks.events.len(), "event"), signature.algorithm.as_str());
    if let Some(secret) = &webhooks.secret_env {
        detail.push_str(&format!(" (secret `{secret}`)"));
    }
    let mut open = Vec::new();
    let signed = signature.signed_payload.contains("{timestamp}");
    match (signature.timestamp_header.is_some() || signed, signed) {
        (true, true) => detail.push_str(&format!(", replay window {} s", signature.tolerance_seconds)),
        (true, false) => {
            detail.push_str(&format!(", replay window {} s", signature.tolerance_seconds));
            open.push("the timestamp is checked but not signed, so a captured delivery can be replayed with a new one");
        }
        (false, _) => open.push("no signed timestamp, so no replay window"),
    }
    if webhooks.event_id_field.is_none() && webhooks.event_id_header.is_none() {
        open.push("no event id to deduplicate redeliveries");
    }
    let status = if open.is_empty() { Status::Declared } else { Status::Partial };
    if !open.is_empty() {
        detail.push_str("; ");
        detail.push_str(&open.join("; "));
    }
    item("webhooks", TITLE, status, detail)
}

fn caching(ir: &Ir) -> Item {
    const TITLE: &str = "caching";
    let reads = ir.operations.iter().filter(|op| matches!(op.http_method, HttpMethod::Get | HttpMethod::Head)).count();
    match &ir.operational.cache {
        Some(cache) => {
            let off = cache.endpoints.iter().filter(|endpoint| !endpoint.enabled).count();
            let ttl = cache.endpoints.iter().filter(|endpoint| endpoint.ttl_ms.is_some()).count();
            let per_credential = cache.endpoints.iter().filter(|endpoint| endpoint.per_credential).count();
            item(
                "caching",
                TITLE,
                Status::Declared,
                format!(
                    "at most {} responses and {} bytes; {} declared ({ttl} with a TTL, {per_credential} per credential, {off} off), {} by headers alone",
                    cache.max_entries,
                    cache.max_bytes,
                    count(cache.endpoints.len(), "endpoint"),
                    count(cache.by_headers.len(), "endpoint")
                ),
            )
        }
        None if reads == 0 => item("caching", TITLE, Status::NotApplicable, "no GET or HEAD endpoints"),
        None => item(
            "caching",
            TITLE,
            Status::Open,
            format!("no `cache`: {} never cached", count(reads, "GET/HEAD endpoint")),
        ),
    }
}

fn circuit_breaking(ir: &Ir) -> Item {
    const TITLE: &str = "circuit breaking";
    let Some(breaker) = &ir.operational.circuit_breaker else {
        return item(
            "circuit_breaker",
            TITLE,
            Status::Open,
            "no `circuit_breaker`: a failing API is called every time",
        );
    };
    let mut opens = Vec::new();
    if let Some(failures) = breaker.failures {
        opens.push(format!("{failures} failures"));
    }
    if let Some(rate) = breaker.failure_rate {
        opens.push(format!("{:.0} % of at least {} calls failing", rate * 100.0, breaker.minimum_calls));
    }
    item(
        "circuit_breaker",
        TITLE,
        Status::Declared,
        format!(
            "per {}: opens after {} in {}, open for {}",
            match breaker.scope {
                CircuitScope::Endpoint => "endpoint",
                CircuitScope::Host => "host",
            },
            opens.join(" or "),
            seconds(breaker.window_ms),
            seconds(breaker.open_for_ms)
        ),
    )
}

fn health(ir: &Ir) -> Item {
    const TITLE: &str = "health check";
    match &ir.operational.health {
        Some(health) => item(
            "health",
            TITLE,
            Status::Declared,
            format!(
                "`client.health()` sends `{}`, healthy on {}",
                health.operation,
                health.statuses.iter().map(u16::to_string).collect::<Vec<_>>().join(" or ")
            ),
        ),
        None => item(
            "health",
            TITLE,
            Status::Open,
            "no `health`: `client.health()` reports credentials, circuits and rate limits without a probe",
        ),
    }
}

/// Logging is the runtime's, the same for every spec: the item says what a user gets.
fn logging() -> Item {
    item(
        "logging",
        "logging",
        Status::Declared,
        "`tracing` spans per call and attempt (operation, method, status, attempts); never headers, query strings, bodies or secrets",
    )
}

fn types(ir: &Ir) -> Item {
    const TITLE: &str = "types exported";
    let untyped: Vec<&str> = ir
        .operations
        .iter()
        .filter(|op| matches!(op.success, Some(TypeExpr::Any)))
        .map(|op| op.name.as_str())
        .collect();
    let detail = format!("{}, one method per endpoint ({})", count(ir.types.len(), "type"), ir.operations.len());
    if untyped.is_empty() {
        item("types", TITLE, Status::Declared, detail)
    } else {
        item("types", TITLE, Status::Partial, format!("{detail}; untyped (`any`) success bodies: {}", names(untyped)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(name: &str, yaml: &str) -> Ir {
        let path = format!("specs/{name}.yaml");
        crate::project::compile_spec(std::path::Path::new(&path), yaml).expect("compiles").ir
    }

    fn status(list: &Checklist, key: &str) -> Status {
        list.items.iter().find(|item| item.key == key).unwrap_or_else(|| panic!("no item {key}")).status
    }

    const BARE: &str = r#"
accord: 1
name: bare
environments: { prod: { base_url: "https://api.example.com", default: true } }
endpoints:
  list_things:
    method: GET
    path: /things
    responses: { "200": { body: { type: array, items: { type: string } } } }
  make_thing:
    method: POST
    path: /things
    responses: { "201": any }
"#;

    #[test]
    fn a_bare_spec_leaves_everything_open() {
        let list = checklist(&compiled("bare", BARE));
        let table: Vec<(&str, Status)> = list.items.iter().map(|item| (item.key, item.status)).collect();
        assert_eq!(
            table,
            [
                ("credentials", Status::Open),
                ("error_codes", Status::Open),
                ("retries", Status::Open),
                ("idempotency", Status::Open),
                ("timeouts", Status::Partial),
                ("rate_limits", Status::Open),
                ("pagination", Status::Open),
                ("webhooks", Status::NotApplicable),
                ("caching", Status::Open),
                ("circuit_breaker", Status::Open),
                ("health", Status::Open),
                ("logging", Status::Declared),
                ("types", Status::Partial),
            ]
        );
        assert_eq!(list.open_items(), 11);
        let text = list.to_text();
        assert!(text.starts_with("bare: integration checklist\n"), "{text}");
        assert!(text.contains("idempotency"), "{text}");
        assert!(text.contains("`make_thing`"), "{text}");
        assert!(text.ends_with("1 of 12 items declared, 11 left open\n"), "{text}");
    }

    #[test]
    fn the_orders_spec_declares_what_it_declares() {
        let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs/orders.yaml"))
            .expect("specs/orders.yaml");
        let list = checklist(&compiled("orders", &source));
        for key in ["error_codes", "retries", "rate_limits", "caching", "circuit_breaker", "health"] {
            assert_eq!(status(&list, key), Status::Declared, "{key}: {:?}", list.items);
        }
        // Seed 002 checks the webhook timestamp without signing it (`spec::unsigned_timestamp`).
        assert_eq!(status(&list, "webhooks"), Status::Partial);
        assert_eq!(status(&list, "idempotency"), Status::Partial, "`attach_document` is a POST without a key");
        let credentials = list.items.iter().find(|item| item.key == "credentials").unwrap();
        assert!(credentials.detail.contains("`ORDERS_"), "{}", credentials.detail);
        let json = serde_json::to_value(&list).unwrap();
        assert_eq!(json["spec"], "orders");
        assert_eq!(json["items"][0]["key"], "credentials");
        assert!(matches!(json["items"][0]["status"].as_str(), Some("declared" | "partial")));
    }
}
