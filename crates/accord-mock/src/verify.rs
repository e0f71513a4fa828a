//! Provider verification: the spec's scenarios sent to a real server (a provider's sandbox,
//! the user's own implementation, or `accord mock`), every response checked against the
//! contract — status expected and declared, body valid for the declared schema (JSON Schema),
//! declared headers present, the expected error code, `body_contains`, `body_equals` — and a
//! report with one row per step: scenario, request, expected, actual, verdict.

use std::fmt::Write as _;

use accord_contract::wire::{ContentType, HttpMethod, ObjectParts, RetryStrategy};
use accord_contract::{Contract, Operation, Scenario, Step};
use accord_runtime::reqwest;
use serde_json::{Map, Value};

use crate::credentials::Credential;
use crate::model::{Model, Problem, includes};
use crate::server::{CONTROL_PREFIX, SCENARIO_HEADER, STEP_HEADER};

/// The contract's method as reqwest's.
pub(crate) fn reqwest_method(method: HttpMethod) -> reqwest::Method {
    match method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Put => reqwest::Method::PUT,
        HttpMethod::Patch => reqwest::Method::PATCH,
        HttpMethod::Delete => reqwest::Method::DELETE,
        HttpMethod::Head => reqwest::Method::HEAD,
    }
}

/// What to verify against.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Base URL the operation paths are appended to (`http://127.0.0.1:4010`).
    pub base_url: String,
    /// Credential for the declared auth; `None` sends none.
    pub credential: Option<Credential>,
    /// Only these scenarios (all when empty).
    pub scenarios: Vec<String>,
    /// Per-request timeout, seconds.
    pub timeout_seconds: u64,
}

impl VerifyOptions {
    /// Options for `base_url` with a credential and every scenario, 30 s per request.
    pub fn new(base_url: impl Into<String>, credential: Option<Credential>) -> VerifyOptions {
        VerifyOptions { base_url: base_url.into(), credential, scenarios: Vec::new(), timeout_seconds: 30 }
    }
}

/// The outcome of a scenario or step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Everything as the contract says.
    Pass,
    /// At least one deviation.
    Fail,
    /// Not run; the reason says why.
    Skip,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "FAIL",
            Verdict::Skip => "skip",
        }
    }
}

/// One step's request and what came back.
#[derive(Debug, Clone)]
pub struct StepResult {
    /// `POST /api/v1/orders`.
    pub request: String,
    /// `201`, or `409 INSUFFICIENT_INVENTORY`.
    pub expected: String,
    /// `201`, `409 CONFLICT`, or the transport error.
    pub actual: String,
    /// Every deviation from the contract.
    pub deviations: Vec<Problem>,
}

/// One scenario's result.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// Scenario name.
    pub scenario: String,
    /// Verdict.
    pub verdict: Verdict,
    /// Why it was skipped.
    pub reason: Option<String>,
    /// Steps run.
    pub steps: Vec<StepResult>,
}

/// The verification report.
#[derive(Debug, Clone)]
pub struct Report {
    /// Spec name.
    pub spec: String,
    /// Server verified.
    pub base_url: String,
    /// The server is an `accord mock` of this spec (scenarios that need provider state were
    /// played through `X-Accord-Scenario`).
    pub mock: bool,
    /// One per scenario, in spec order.
    pub scenarios: Vec<ScenarioResult>,
}

impl Report {
    /// No scenario failed.
    pub fn passed(&self) -> bool {
        self.scenarios.iter().all(|s| s.verdict != Verdict::Fail)
    }

    /// Scenarios with `verdict`.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.scenarios.iter().filter(|s| s.verdict == verdict).count()
    }

    /// The report as text: a table (scenario, request, expected, actual, verdict), each
    /// deviation under its row, skip reasons, and a summary line.
    pub fn render(&self) -> String {
        let mut rows: Vec<[String; 5]> =
            vec![["scenario".into(), "request".into(), "expected".into(), "actual".into(), "verdict".into()]];
        let mut notes: Vec<Vec<String>> = vec![Vec::new()];
        for scenario in &self.scenarios {
            if scenario.steps.is_empty() {
                rows.push([
                    scenario.scenario.clone(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    scenario.verdict.as_str().into(),
                ]);
                let label = if scenario.verdict == Verdict::Skip { "skipped" } else { "failed" };
                notes.push(scenario.reason.iter().map(|r| format!("{label}: {r}")).collect());
            }
            for (index, step) in scenario.steps.iter().enumerate() {
                let name = if scenario.steps.len() > 1 {
                    format!("{} #{}", scenario.scenario, index + 1)
                } else {
                    scenario.scenario.clone()
                };
                let verdict = if step.deviations.is_empty() { Verdict::Pass } else { Verdict::Fail };
                rows.push([
                    name,
                    step.request.clone(),
                    step.expected.clone(),
                    step.actual.clone(),
                    verdict.as_str().into(),
                ]);
                notes.push(step.deviations.iter().map(|d| d.to_string()).collect());
            }
        }
        let mut widths = [0usize; 5];
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "verify {} against {}{}",
            self.spec,
            self.base_url,
            if self.mock { " (accord mock)" } else { "" }
        );
        for (row, notes) in rows.iter().zip(&notes) {
            let line: Vec<String> = row.iter().zip(widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
            let _ = writeln!(out, "{}", line.join("  ").trim_end());
            for note in notes {
                let _ = writeln!(out, "    - {note}");
            }
        }
        let _ = writeln!(
            out,
            "{} passed, {} failed, {} skipped",
            self.count(Verdict::Pass),
            self.count(Verdict::Fail),
            self.count(Verdict::Skip)
        );
        out
    }
}

/// Runs the contract's scenarios against `options.base_url` and checks every response.
/// Without a credential, a spec with auth is verified only against an `accord mock` (with the
/// mock's test credentials); against anything else every scenario is skipped with the
/// variables to set.
/// Scenarios that expect a 401 are sent with a wrong credential; scenarios that need
/// provider state (a `setup`, or an expected 429 or 5xx) are skipped with the reason unless
/// the server is an `accord mock` of this spec, which is told the scenario by header.
pub async fn verify(contract: &Contract, options: &VerifyOptions) -> Report {
    let model = Model::new(contract.clone());
    let base = options.base_url.trim_end_matches('/').to_string();
    let http = accord_runtime::client::http_builder()
        .timeout(std::time::Duration::from_secs(options.timeout_seconds.max(1)))
        .build()
        .unwrap_or_default();
    let mock = is_mock(&http, &base, &contract.name).await;
    let mut report = Report { spec: contract.name.clone(), base_url: base.clone(), mock, scenarios: Vec::new() };
    let credential = match (&options.credential, contract.auth.any(), mock) {
        (Some(credential), _, _) => Some(credential.clone()),
        // An accord mock accepts the fixed test credentials.
        (None, true, true) => Credential::test(&contract.auth),
        (None, true, false) => {
            let variables = Credential::from_env(&contract.auth).err().unwrap_or_default().join(", ");
            let reason = format!("`{}` declares auth and no credential was given (set {variables})", contract.name);
            report.scenarios = contract.scenarios.iter().map(|s| skip(s, reason.clone())).collect();
            return report;
        }
        (None, false, _) => None,
    };
    let token = match (&credential, contract.auth.oauth2()) {
        (Some(Credential::ClientCredentials { client_id, client_secret }), Some(oauth)) => {
            let declared = contract.environments.iter().any(|e| e.base_url.trim_end_matches('/') == base);
            let url = if declared { oauth.token_url.clone() } else { format!("{base}{}", oauth.token_path) };
            Some(fetch_token(&http, &url, client_id, client_secret.expose(), &oauth.scopes).await)
        }
        _ => None,
    };
    for scenario in &contract.scenarios {
        if !options.scenarios.is_empty() && !options.scenarios.contains(&scenario.name) {
            continue;
        }
        if let Some(Err(message)) = &token {
            // The declared token endpoint did not issue a token for the given credentials.
            report.scenarios.push(ScenarioResult {
                scenario: scenario.name.clone(),
                verdict: Verdict::Fail,
                reason: Some(format!("no access token: {message}")),
                steps: Vec::new(),
            });
            continue;
        }
        if !mock && let Some(reason) = needs_state(scenario) {
            report.scenarios.push(skip(scenario, reason));
            continue;
        }
        let context = Context {
            http: &http,
            base: &base,
            model: &model,
            mock,
            credential: credential.as_ref(),
            token: token.as_ref().and_then(|t| t.as_ref().ok()).map(String::as_str),
        };
        let mut steps = Vec::new();
        for (index, step) in scenario.steps.iter().enumerate() {
            steps.push(run_step(&context, scenario, index, step).await);
        }
        let verdict = if steps.iter().all(|s| s.deviations.is_empty()) { Verdict::Pass } else { Verdict::Fail };
        report.scenarios.push(ScenarioResult { scenario: scenario.name.clone(), verdict, reason: None, steps });
    }
    report
}

fn skip(scenario: &Scenario, reason: String) -> ScenarioResult {
    ScenarioResult { scenario: scenario.name.clone(), verdict: Verdict::Skip, reason: Some(reason), steps: Vec::new() }
}

/// Why a scenario cannot be provoked on a real provider by requests alone.
fn needs_state(scenario: &Scenario) -> Option<String> {
    if let Some(setup) = &scenario.setup {
        return Some(format!("needs provider state: {setup}"));
    }
    let step = scenario.steps.iter().find(|s| s.status == 429 || s.status >= 500)?;
    Some(format!("expects {} from `{}`, which requests alone cannot provoke", step.status, step.operation))
}

async fn is_mock(http: &reqwest::Client, base: &str, name: &str) -> bool {
    let Ok(response) = http.get(format!("{base}{CONTROL_PREFIX}")).send().await else { return false };
    if !response.status().is_success() {
        return false;
    }
    let body: Value = response.json().await.unwrap_or(Value::Null);
    body.get("accord_mock").and_then(Value::as_str) == Some(name)
}

async fn fetch_token(
    http: &reqwest::Client,
    url: &str,
    client_id: &str,
    client_secret: &str,
    scopes: &[String],
) -> Result<String, String> {
    let mut form = vec![("grant_type", "client_credentials".to_string())];
    if !scopes.is_empty() {
        form.push(("scope", scopes.join(" ")));
    }
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(&form).finish();
    let response = http
        .post(url)
        .basic_auth(client_id, Some(client_secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map_err(|e| format!("POST {url}: {e}"))?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| format!("POST {url}: {status}, not JSON: {e}"))?;
    body.get("access_token")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| format!("POST {url}: {status} without `access_token`"))
}

struct Context<'a> {
    http: &'a reqwest::Client,
    base: &'a str,
    model: &'a Model,
    mock: bool,
    credential: Option<&'a Credential>,
    token: Option<&'a str>,
}

fn text(value: &Value) -> String {
    value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string())
}

fn encode_segment(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        .replace("%2D", "-")
        .replace("%2E", ".")
        .replace("%5F", "_")
        .replace("%7E", "~")
}

async fn run_step(context: &Context<'_>, scenario: &Scenario, index: usize, step: &Step) -> StepResult {
    let model = context.model;
    let contract = &model.contract;
    let Some(op) = contract.operation(&step.operation) else {
        return StepResult {
            request: step.operation.clone(),
            expected: step.status.to_string(),
            actual: "-".into(),
            deviations: vec![Problem { at: "scenario".into(), message: format!("no operation `{}`", step.operation) }],
        };
    };
    let mut path = op.path.clone();
    for (name, value) in &step.path {
        path = path.replace(&format!("{{{name}}}"), &encode_segment(&text(value)));
    }
    let mut url = format!("{}{path}", context.base);
    let mut query: Vec<(String, String)> = Vec::new();
    for (name, value) in &step.query {
        match value {
            Value::Array(items) => query.extend(items.iter().map(|item| (name.clone(), text(item)))),
            other => query.push((name.clone(), text(other))),
        }
    }
    let expects_auth_error = step
        .error
        .as_ref()
        .is_some_and(|code| model.auth_error(Some(op)).is_some_and(|auth| &auth.name == code) && step.status == 401);
    let mut request_headers: Vec<(String, String)> = Vec::new();
    match (context.credential, expects_auth_error) {
        // Provoke the declared 401 with a credential the server cannot know.
        (_, true) if contract.auth.any() => {
            Credential::attach_invalid(&contract.auth, &mut request_headers, &mut query)
        }
        (Some(credential), _) => credential.attach(&contract.auth, context.token, &mut request_headers, &mut query),
        (None, _) => {}
    }
    if !query.is_empty() {
        url.push('?');
        url.push_str(&form_urlencoded::Serializer::new(String::new()).extend_pairs(&query).finish());
    }
    for header in &contract.headers {
        if header.generate_uuid {
            request_headers.push((header.name.clone(), accord_runtime::uuid::Uuid::new_v4().to_string()));
        } else if let Some(value) = &header.value {
            request_headers.push((header.name.clone(), value.clone()));
        }
    }
    for (name, value) in &step.headers {
        request_headers.push((name.clone(), text(value)));
    }
    if let Some(header) = &op.idempotency_header
        && !step.headers.keys().any(|name| name.eq_ignore_ascii_case(header))
    {
        request_headers.push((header.clone(), accord_runtime::uuid::Uuid::new_v4().to_string()));
    }
    if context.mock {
        request_headers.push((SCENARIO_HEADER.into(), scenario.name.clone()));
        request_headers.push((STEP_HEADER.into(), (index + 1).to_string()));
    }
    let method = reqwest_method(op.method);
    let mut request = context.http.request(method, &url);
    for (name, value) in &request_headers {
        request = request.header(name.as_str(), value.as_str());
    }
    if let (Some(body), Some(declared)) = (&step.body, &op.body) {
        request = match declared.content_type {
            ContentType::Json => request.header("content-type", "application/json").body(body.to_string()),
            ContentType::Form => {
                let encoded = accord_runtime::form::to_string(body).unwrap_or_default();
                request.header("content-type", "application/x-www-form-urlencoded").body(encoded)
            }
            ContentType::Multipart => {
                let brackets = declared.object_parts == Some(ObjectParts::Brackets);
                request.multipart(accord_runtime::Multipart::from_json(body, &declared.file_fields, brackets).to_form())
            }
        };
    }
    let request_label = format!("{} {path}", op.method.as_str());
    let expected = match &step.error {
        Some(code) => format!("{} {code}", step.status),
        None => step.status.to_string(),
    };
    let response = match request.send().await {
        Ok(response) => response,
        Err(error) => {
            return StepResult {
                request: request_label,
                expected,
                actual: "no response".into(),
                deviations: vec![Problem { at: "transport".into(), message: error.to_string() }],
            };
        }
    };
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap_or_default();
    let (deviations, code) = check_response(model, op, step, status, &headers, &bytes);
    let actual = match code {
        Some(code) => format!("{status} {code}"),
        None => status.to_string(),
    };
    StepResult { request: request_label, expected, actual, deviations }
}

/// Every way a response deviates from the step and the contract, and the error code it
/// carries (by name when declared, else the raw value).
pub fn check_response(
    model: &Model,
    op: &Operation,
    step: &Step,
    status: u16,
    headers: &reqwest::header::HeaderMap,
    bytes: &[u8],
) -> (Vec<Problem>, Option<String>) {
    let contract = &model.contract;
    let mut deviations = Vec::new();
    let mut deviation = |at: &str, message: String| deviations.push(Problem { at: at.into(), message });
    if status != step.status {
        deviation("status", format!("expected {}, got {status}", step.status));
    }
    let declared = op.response(status);
    let codes_for_status: Vec<_> = contract
        .errors
        .codes
        .iter()
        .filter(|c| c.statuses.contains(&status) && (op.errors.is_empty() || op.errors.contains(&c.name)))
        .collect();
    if declared.is_none() && codes_for_status.is_empty() {
        deviation("status", format!("{status} is not declared for `{}`", op.name));
    }
    let body: Option<Value> = if bytes.is_empty() {
        None
    } else {
        match serde_json::from_slice(bytes) {
            Ok(value) => Some(value),
            Err(error) => {
                let expects_body = declared.is_some_and(|r| r.schema.is_some()) || !codes_for_status.is_empty();
                if expects_body {
                    deviation("body", format!("not JSON ({error})"));
                }
                None
            }
        }
    };
    // The code the body carries.
    let raw_code = match (&contract.errors.code_pointer, &body) {
        (Some(pointer), Some(body)) => body.pointer(pointer).map(text),
        _ => None,
    };
    // As generated clients classify: by the code field's value, else by the status alone when
    // exactly one code has it.
    let by_status = || {
        let mut with_status = contract.errors.codes.iter().filter(|c| c.statuses.contains(&status));
        match (with_status.next(), with_status.next()) {
            (Some(only), None) if !(200..300).contains(&status) => Some(only.name.clone()),
            _ => None,
        }
    };
    let code_name = match &raw_code {
        Some(raw) => Some(
            contract
                .errors
                .codes
                .iter()
                .find(|c| c.match_value.as_deref().unwrap_or(&c.name) == raw)
                .map(|c| c.name.clone())
                .unwrap_or_else(|| raw.clone()),
        ),
        None => by_status(),
    };
    // The schema the body must satisfy: the declared response's, else the envelope of the
    // code it names (or of any code with this status).
    let schema = match declared.and_then(|r| r.schema.as_ref()) {
        Some(schema) => Some(schema.clone()),
        None => code_name
            .as_ref()
            .and_then(|name| contract.error_code(name))
            .or_else(|| codes_for_status.first().copied())
            .map(|c| c.schema.clone()),
    };
    match (&schema, &body) {
        (Some(schema), Some(body)) => deviations.extend(model.validate(schema, body, "body")),
        (Some(_), None) if declared.is_none_or(|r| r.schema.is_some()) && status != 204 => {
            deviations.push(Problem { at: "body".into(), message: "missing; the contract declares one".into() })
        }
        _ => {}
    }
    if let Some(declared) = declared {
        for name in &declared.headers {
            if !headers.contains_key(name.as_str()) {
                deviations
                    .push(Problem { at: format!("header/{name}"), message: format!("missing; declared for {status}") });
            }
        }
    }
    // A code whose declared strategy is to wait for `Retry-After` must carry it.
    if let Some(code) = code_name.as_deref().and_then(|name| contract.error_code(name))
        && code.retry == RetryStrategy::AfterHeader
        && !headers.contains_key("retry-after")
        && !declared.is_some_and(|r| r.headers.iter().any(|h| h.eq_ignore_ascii_case("retry-after")))
    {
        deviations.push(Problem {
            at: "header/Retry-After".into(),
            message: format!("missing; `{}` declares the retry strategy after_header", code.name),
        });
    }
    if let Some(expected) = &step.error
        && code_name.as_deref() != Some(expected.as_str())
    {
        let got = code_name.clone().map(|c| format!("`{c}`")).unwrap_or_else(|| "no code".into());
        deviations.push(Problem { at: "error".into(), message: format!("expected `{expected}`, got {got}") });
    }
    let empty = Value::Object(Map::new());
    let body_ref = body.as_ref().unwrap_or(&empty);
    for field in &step.body_contains {
        let found =
            if field.starts_with('/') { body_ref.pointer(field).is_some() } else { body_ref.get(field).is_some() };
        if !found {
            deviations
                .push(Problem { at: format!("body/{}", field.trim_start_matches('/')), message: "missing".into() });
        }
    }
    for (pointer, expected) in &step.body_equals {
        match body_ref.pointer(pointer) {
            Some(actual) => {
                if let Err(problem) = includes(actual, expected, &format!("body{pointer}")) {
                    deviations.push(problem);
                }
            }
            None => deviations
                .push(Problem { at: format!("body{pointer}"), message: format!("missing; expected {expected}") }),
        }
    }
    (deviations, code_name)
}
