//! Provider verification: the spec's scenarios sent to a real server (a provider's sandbox,
//! the user's own implementation, or `accord mock`), every response checked against the
//! contract — status expected and declared, body valid for the declared schema (JSON Schema),
//! declared headers present, the expected error code, `body_contains`, `body_equals` — and a
//! report with one row per step: scenario, request, expected, actual, verdict.
//!
//! The server under test is not trusted: bodies are read chunk by chunk up to a cap
//! ([`VerifyOptions::max_body_bytes`]), redirects are reported rather than followed (the
//! answer of another host is not the provider's), every request has a timeout and the whole
//! run a deadline after which the remaining scenarios are reported as not run, and transport
//! errors say what failed (refused, reset, timeout, TLS, invalid HTTP, DNS).

use std::error::Error as _;
use std::fmt::Write as _;
use std::time::Duration;

use accord_contract::wire::{ContentType, HttpMethod, ObjectParts, ParamLocation, ParamStyle, RetryStrategy};
use accord_contract::{Contract, Operation, Scenario, Step};
use accord_runtime::reqwest;
use serde_json::{Map, Value};

use crate::credentials::{Credential, Credentials};
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
    /// Values of the declared credentials; each request carries the first alternative of
    /// its operation's requirement held here. Empty sends none.
    pub credentials: Credentials,
    /// Only these scenarios (all when empty).
    pub scenarios: Vec<String>,
    /// Longest wait for one request, from sending it to the last byte of its response body
    /// (the OAuth2 token request and the `accord mock` probe included). Default: 30 s.
    pub timeout: Duration,
    /// Longest the whole run may take. Scenarios not finished by then are reported as
    /// [`Verdict::NotRun`], not as failures of the server. Default: 120 s.
    pub deadline: Duration,
    /// Largest response body read, bytes; a longer body is a deviation ("body exceeded 16 MiB
    /// after N bytes") and is not read further. Default: 16 MiB ([`DEFAULT_MAX_BODY_BYTES`]).
    pub max_body_bytes: u64,
}

/// Default of [`VerifyOptions::max_body_bytes`]: 16 MiB.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;

impl VerifyOptions {
    /// Options for `base_url` with credentials and every scenario: 30 s per request, 120 s
    /// for the run, bodies up to 16 MiB.
    pub fn new(base_url: impl Into<String>, credentials: Credentials) -> VerifyOptions {
        VerifyOptions {
            base_url: base_url.into(),
            credentials,
            scenarios: Vec::new(),
            timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(120),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// The outcome of a scenario or step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Everything as the contract says.
    Pass,
    /// At least one deviation.
    Fail,
    /// Not run by design (it needs provider state, or a credential); the reason says why.
    Skip,
    /// Not run, or not finished, because the run's deadline ([`VerifyOptions::deadline`])
    /// passed: says nothing about the server's conformance, but the verification is
    /// incomplete.
    NotRun,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "FAIL",
            Verdict::Skip => "skip",
            Verdict::NotRun => "not run",
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
    /// `201`, `409 CONFLICT`, `302 -> https://elsewhere/` (a redirect, not followed), or
    /// `no response`.
    pub actual: String,
    /// Bytes of the response body read (at most [`VerifyOptions::max_body_bytes`] plus one
    /// chunk).
    pub body_bytes: u64,
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
    /// Why it was skipped, failed without a step, or was not run (or not finished).
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
    /// No scenario failed and every scenario ran to its end (none is [`Verdict::NotRun`]);
    /// skipped scenarios do not count against it.
    pub fn passed(&self) -> bool {
        self.scenarios.iter().all(|s| !matches!(s.verdict, Verdict::Fail | Verdict::NotRun))
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
                notes
                    .push(scenario.reason.iter().map(|r| format!("{}: {r}", reason_label(scenario.verdict))).collect());
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
            // A scenario the deadline cut short: its finished steps above, then why it stopped.
            if !scenario.steps.is_empty()
                && let (Some(reason), Some(last)) = (&scenario.reason, notes.last_mut())
            {
                last.push(format!("{}: {reason}", reason_label(scenario.verdict)));
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
        let _ = write!(
            out,
            "{} passed, {} failed, {} skipped",
            self.count(Verdict::Pass),
            self.count(Verdict::Fail),
            self.count(Verdict::Skip)
        );
        let not_run = self.count(Verdict::NotRun);
        if not_run > 0 {
            let _ = write!(out, ", {not_run} not run (deadline reached)");
        }
        out.push('\n');
        out
    }
}

fn reason_label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Skip => "skipped",
        Verdict::NotRun => "not run",
        Verdict::Pass | Verdict::Fail => "failed",
    }
}

/// Runs the contract's scenarios against `options.base_url` and checks every response.
/// Without a credential, a spec with auth is verified only against an `accord mock` (with the
/// mock's test credentials); against anything else every scenario is skipped with the
/// variables to set.
/// Scenarios that expect a 401 are sent with a wrong credential; scenarios that need
/// provider state (a `setup`, or an expected 429 or 5xx) are skipped with the reason unless
/// the server is an `accord mock` of this spec, which is told the scenario by header.
/// Scenarios still running or not started when [`VerifyOptions::deadline`] passes are
/// [`Verdict::NotRun`].
pub async fn verify(contract: &Contract, options: &VerifyOptions) -> Report {
    let deadline = tokio::time::Instant::now() + options.deadline;
    let model = Model::new(contract.clone());
    let base = options.base_url.trim_end_matches('/').to_string();
    let http = accord_runtime::client::http_builder()
        .timeout(options.timeout.max(Duration::from_millis(1)))
        // Another host's answer is not the provider's: a 3xx is reported as what it is.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default();
    let limits = Limits { timeout: options.timeout, max_body_bytes: options.max_body_bytes };
    let not_run = |reason: String| -> Vec<ScenarioResult> {
        contract
            .scenarios
            .iter()
            .filter(|s| options.scenarios.is_empty() || options.scenarios.contains(&s.name))
            .map(|s| ScenarioResult {
                scenario: s.name.clone(),
                verdict: Verdict::NotRun,
                reason: Some(reason.clone()),
                steps: Vec::new(),
            })
            .collect()
    };
    let deadline_reason = |during: &str| format!("the deadline of {} passed {during}", seconds(options.deadline));
    let Ok(mock) = tokio::time::timeout_at(deadline, is_mock(&http, &base, &contract.name, &limits)).await else {
        let scenarios = not_run(deadline_reason("while probing for `accord mock`"));
        return Report { spec: contract.name.clone(), base_url: base, mock: false, scenarios };
    };
    let mut report = Report { spec: contract.name.clone(), base_url: base.clone(), mock, scenarios: Vec::new() };
    let credentials = match (options.credentials.is_empty(), contract.auth.any(), mock) {
        (false, _, _) => options.credentials.clone(),
        // An accord mock accepts the fixed test credentials.
        (true, true, true) => Credentials::test(&contract.auth),
        (true, true, false) => {
            let variables = Credentials::missing_env(&contract.auth).join(", ");
            let reason = format!("`{}` declares auth and no credential was given (set {variables})", contract.name);
            report.scenarios = contract.scenarios.iter().map(|s| skip(s, reason.clone())).collect();
            return report;
        }
        (true, false, _) => Credentials::new(),
    };
    // The OAuth 2.0 flows (authorization code, JWT bearer, GitHub App) run once per run.
    let credentials =
        match tokio::time::timeout_at(deadline, crate::oauth::run_flows(&http, &contract, credentials, &base)).await {
            Ok(Ok(credentials)) => credentials,
            Ok(Err(message)) => {
                report.scenarios = contract
                    .scenarios
                    .iter()
                    .map(|scenario| ScenarioResult {
                        scenario: scenario.name.clone(),
                        verdict: Verdict::Fail,
                        reason: Some(format!("no access token: {message}")),
                        steps: Vec::new(),
                    })
                    .collect();
                return report;
            }
            Err(_) => {
                report.scenarios = not_run(deadline_reason("while running the OAuth 2.0 flows"));
                return report;
            }
        };
    // The access token of the first OAuth2 credential given (one token per run).
    let oauth = contract.auth.oauth2().find_map(|(name, oauth)| Some((credentials.get(name)?, oauth)));
    let token = match oauth {
        Some((Credential::ClientCredentials { client_id, client_secret }, oauth)) => {
            let declared = contract.environments.iter().any(|e| e.base_url.trim_end_matches('/') == base);
            let url = if declared { oauth.token_url.clone() } else { format!("{base}{}", oauth.token_path) };
            let fetch = fetch_token(&http, &url, client_id, client_secret.expose(), &oauth.scopes, &limits);
            match tokio::time::timeout_at(deadline, fetch).await {
                Ok(token) => Some(token),
                Err(_) => {
                    report.scenarios = not_run(deadline_reason("while fetching the access token"));
                    return report;
                }
            }
        }
        _ => None,
    };
    for scenario in &contract.scenarios {
        if !options.scenarios.is_empty() && !options.scenarios.contains(&scenario.name) {
            continue;
        }
        if tokio::time::Instant::now() >= deadline {
            report.scenarios.push(ScenarioResult {
                scenario: scenario.name.clone(),
                verdict: Verdict::NotRun,
                reason: Some(deadline_reason("before it started")),
                steps: Vec::new(),
            });
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
            credentials: &credentials,
            token: token.as_ref().and_then(|t| t.as_ref().ok()).map(String::as_str),
            limits: &limits,
        };
        let mut steps = Vec::new();
        let mut interrupted = None;
        for (index, step) in scenario.steps.iter().enumerate() {
            match tokio::time::timeout_at(deadline, run_step(&context, scenario, index, step)).await {
                Ok(result) => steps.push(result),
                Err(_) => {
                    let during = format!("during step {} (`{}`)", index + 1, step.operation);
                    interrupted = Some(deadline_reason(&during));
                    break;
                }
            }
        }
        let verdict = match &interrupted {
            Some(_) => Verdict::NotRun,
            None if steps.iter().all(|s| s.deviations.is_empty()) => Verdict::Pass,
            None => Verdict::Fail,
        };
        report.scenarios.push(ScenarioResult { scenario: scenario.name.clone(), verdict, reason: interrupted, steps });
    }
    report
}

/// `30 s`, `1.5 s`.
fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}

/// `16 MiB`, `1.5 MiB`, `512 bytes`.
fn byte_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    match bytes {
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b >= MIB => format!("{:.1} MiB", b as f64 / MIB as f64),
        b => format!("{b} bytes"),
    }
}

/// What bounds each request.
struct Limits {
    timeout: Duration,
    max_body_bytes: u64,
}

/// How reading a response body ended.
#[derive(Debug)]
enum Body {
    /// The whole body, within the cap.
    Complete(Vec<u8>),
    /// More than the cap: `Content-Length` said so (`read` is 0), or the bytes did.
    TooLarge { read: u64, declared: Option<u64> },
    /// The transfer failed after `read` bytes.
    Broken { read: u64, error: String },
}

impl Body {
    fn bytes_read(&self) -> u64 {
        match self {
            Body::Complete(bytes) => bytes.len() as u64,
            Body::TooLarge { read, .. } | Body::Broken { read, .. } => *read,
        }
    }

    /// Why the body cannot be checked, as a deviation message.
    fn problem(&self, limits: &Limits) -> Option<String> {
        let cap = byte_size(limits.max_body_bytes);
        match self {
            Body::Complete(_) => None,
            Body::TooLarge { declared: Some(declared), .. } => {
                Some(format!("Content-Length {declared} exceeds the {cap} cap (`--max-body-bytes`); not read"))
            }
            Body::TooLarge { read, declared: None } => {
                Some(format!("body exceeded {cap} after {read} bytes (`--max-body-bytes`); not read further"))
            }
            Body::Broken { read, error } => Some(format!("body cut off after {read} bytes: {error}")),
        }
    }
}

/// Reads `response`'s body chunk by chunk and stops past `limits.max_body_bytes`, so a huge or
/// endless body costs at most the cap plus one chunk.
async fn read_body(mut response: reqwest::Response, limits: &Limits) -> Body {
    let cap = limits.max_body_bytes;
    if let Some(declared) = response.content_length()
        && declared > cap
    {
        return Body::TooLarge { read: 0, declared: Some(declared) };
    }
    let mut bytes = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                bytes.extend_from_slice(&chunk);
                if bytes.len() as u64 > cap {
                    return Body::TooLarge { read: bytes.len() as u64, declared: None };
                }
            }
            Ok(None) => return Body::Complete(bytes),
            Err(error) => {
                return Body::Broken { read: bytes.len() as u64, error: transport_failure(&error, limits.timeout) };
            }
        }
    }
}

/// What failed below HTTP, said plainly: reqwest's own text is "error sending request for url"
/// for nearly everything, so the cause is looked up along the error's source chain.
fn transport_failure(error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        return format!("timed out: no complete response within {} (`--timeout`)", seconds(timeout));
    }
    if let Some(cause) = classify(error) {
        return cause;
    }
    // Unclassified: reqwest's text and its innermost cause, without the URL (its query may
    // hold an API key).
    let mut text = error.to_string();
    if let Some(innermost) = std::iter::successors(error.source(), |e| (*e).source()).last() {
        let _ = write!(text, ": {innermost}");
    }
    text
}

/// The first recognised cause along an error's source chain: a refused, reset or closed
/// connection, a timeout, a TLS failure, an invalid HTTP response, or a failed DNS lookup.
fn classify(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut next = Some(error);
    while let Some(current) = next {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind;
            match io.kind() {
                ErrorKind::ConnectionRefused => return Some("connection refused (nothing listens there)".into()),
                ErrorKind::ConnectionReset => return Some("connection reset by the server".into()),
                ErrorKind::ConnectionAborted => return Some("connection aborted".into()),
                ErrorKind::TimedOut => return Some("timed out connecting".into()),
                ErrorKind::UnexpectedEof => {
                    return Some("the server closed the connection before a complete response".into());
                }
                _ => {}
            }
            // io::Error's `source` skips the error it wraps (rustls puts its own there).
            if let Some(tls) = io.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
                return Some(format!("TLS failed: {tls}"));
            }
        }
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return Some(format!("TLS failed: {tls}"));
        }
        if let Some(hyper) = current.downcast_ref::<hyper::Error>() {
            if hyper.is_incomplete_message() {
                return Some("the server closed the connection before a complete response".into());
            }
            if hyper.is_parse() || hyper.is_parse_status() {
                return Some(format!("invalid HTTP response: {hyper}"));
            }
            if hyper.is_timeout() {
                return Some("timed out".into());
            }
        }
        // hyper-util's connector labels resolver failures "dns error" (its error type is
        // private, so the label is what there is to go by).
        if current.to_string().starts_with("dns error") {
            let cause = current.source().map(|e| format!(": {e}")).unwrap_or_default();
            return Some(format!("DNS lookup failed{cause}"));
        }
        next = current.source();
    }
    None
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

async fn is_mock(http: &reqwest::Client, base: &str, name: &str, limits: &Limits) -> bool {
    let Ok(response) = http.get(format!("{base}{CONTROL_PREFIX}")).send().await else { return false };
    if !response.status().is_success() {
        return false;
    }
    let Body::Complete(bytes) = read_body(response, limits).await else { return false };
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    body.get("accord_mock").and_then(Value::as_str) == Some(name)
}

async fn fetch_token(
    http: &reqwest::Client,
    url: &str,
    client_id: &str,
    client_secret: &str,
    scopes: &[String],
    limits: &Limits,
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
        .map_err(|e| format!("POST {url}: {}", transport_failure(&e, limits.timeout)))?;
    let status = response.status();
    if status.is_redirection() {
        let location = location(response.headers());
        return Err(format!("POST {url}: {status}, a redirect to `{location}` (not followed)"));
    }
    let bytes = match read_body(response, limits).await {
        Body::Complete(bytes) => bytes,
        other => return Err(format!("POST {url}: {status}, {}", other.problem(limits).unwrap_or_default())),
    };
    let body: Value = serde_json::from_slice(&bytes).map_err(|e| format!("POST {url}: {status}, not JSON: {e}"))?;
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
    credentials: &'a Credentials,
    token: Option<&'a str>,
    limits: &'a Limits,
}

/// A response's `Location`, or `-`.
fn location(headers: &reqwest::header::HeaderMap) -> String {
    headers.get("location").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).unwrap_or_else(|| "-".into())
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
            body_bytes: 0,
            deviations: vec![Problem { at: "scenario".into(), message: format!("no operation `{}`", step.operation) }],
        };
    };
    let mut path = op.path.clone();
    for (name, value) in &step.path {
        let text = match op.path_params.iter().find(|p| p.name == *name) {
            Some(param) if param.style.is_some() || param.explode.is_some() => {
                let (style, explode) = param.serialization(ParamLocation::Path);
                accord_runtime::style::path_text(name, value, style, explode)
            }
            _ => encode_segment(&text(value)),
        };
        path = path.replace(&format!("{{{name}}}"), &text);
    }
    let mut url = format!("{}{path}", context.base);
    // The operation's own values, encoded by their styles as the generated client encodes
    // them; credentials go in `query`, encoded as a form.
    let mut styled: Vec<(String, String)> = Vec::new();
    for (name, value) in &op.fixed_query {
        styled.extend(accord_runtime::style::query_pairs(name, &Value::String(value.clone()), ParamStyle::Form, true));
    }
    for (name, value) in &step.query {
        let (style, explode) = match op.query.iter().find(|p| p.name == *name) {
            Some(param) => param.serialization(ParamLocation::Query),
            None => (ParamStyle::Form, true),
        };
        styled.extend(accord_runtime::style::query_pairs(name, value, style, explode));
    }
    let mut query: Vec<(String, String)> = Vec::new();
    let expects_auth_error = step
        .error
        .as_ref()
        .is_some_and(|code| model.auth_error(Some(op)).is_some_and(|auth| &auth.name == code) && step.status == 401);
    let mut request_headers: Vec<(String, String)> = Vec::new();
    if expects_auth_error && contract.auth.any() {
        // Provoke the declared 401 with credentials the server cannot know.
        Credentials::attach_invalid(&contract.auth, &op.auth, &mut request_headers, &mut query);
    } else {
        context.credentials.attach(&contract.auth, &op.auth, context.token, &mut request_headers, &mut query);
    }
    let mut query_text = accord_runtime::style::query_string(&styled);
    if !query.is_empty() {
        if !query_text.is_empty() {
            query_text.push('&');
        }
        query_text.push_str(&form_urlencoded::Serializer::new(String::new()).extend_pairs(&query).finish());
    }
    if !query_text.is_empty() {
        url.push('?');
        url.push_str(&query_text);
    }
    for (name, value) in &op.fixed_headers {
        request_headers.push((name.clone(), value.clone()));
    }
    for header in &contract.headers {
        if header.generate_uuid {
            request_headers.push((header.name.clone(), accord_runtime::uuid::Uuid::new_v4().to_string()));
        } else if let Some(value) = &header.value {
            request_headers.push((header.name.clone(), value.clone()));
        }
    }
    for (name, value) in &step.headers {
        let explode =
            op.headers.iter().find(|p| p.name == *name).is_some_and(|p| p.serialization(ParamLocation::Header).1);
        request_headers.extend(accord_runtime::style::header_text(value, explode).map(|text| (name.clone(), text)));
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
            // The scenario's string, sent as it is with the declared media type (a range
            // such as `image/*` sends the content type's own).
            ContentType::Text | ContentType::Binary => {
                let media_type = declared.media_type.as_deref().filter(|m| !m.ends_with("/*"));
                let bytes = match body {
                    Value::String(text) => text.clone().into_bytes(),
                    other => other.to_string().into_bytes(),
                };
                request.header("content-type", media_type.unwrap_or(declared.content_type.media_type())).body(bytes)
            }
        };
    }
    let request_label = format!("{} {path}", op.method.as_str());
    let expected = match &step.error {
        Some(code) => format!("{} {code}", step.status),
        None => step.status.to_string(),
    };
    let signers = crate::signing::signers(&contract.auth, &op.auth, context.credentials, expects_auth_error);
    let request = match crate::signing::sign(context.http, &signers, request).await {
        Ok(request) => request,
        Err(message) => {
            let deviations = vec![Problem { at: "signing".into(), message }];
            return StepResult {
                request: request_label,
                expected,
                actual: "not sent".into(),
                body_bytes: 0,
                deviations,
            };
        }
    };
    let response = match request.send().await {
        Ok(response) => response,
        Err(error) => {
            return StepResult {
                request: request_label,
                expected,
                actual: "no response".into(),
                body_bytes: 0,
                deviations: vec![Problem {
                    at: "transport".into(),
                    message: transport_failure(&error, context.limits.timeout),
                }],
            };
        }
    };
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    if response.status().is_redirection() {
        // Not followed: what another address answers is not the provider's answer.
        let location = location(&headers);
        let mut deviations = Vec::new();
        if status != step.status {
            deviations.push(Problem {
                at: "status".into(),
                message: format!(
                    "expected {}, got {status}, a redirect to `{location}` (verify does not follow redirects)",
                    step.status
                ),
            });
        }
        return StepResult {
            request: request_label,
            expected,
            actual: format!("{status} -> {location}"),
            body_bytes: 0,
            deviations,
        };
    }
    let body = read_body(response, context.limits).await;
    let body_bytes = body.bytes_read();
    let bytes = match body {
        Body::Complete(bytes) => bytes,
        unreadable => {
            // The body cannot be checked; the status still can.
            let mut deviations = Vec::new();
            if status != step.status {
                deviations
                    .push(Problem { at: "status".into(), message: format!("expected {}, got {status}", step.status) });
            }
            let message = unreadable.problem(context.limits).unwrap_or_default();
            deviations.push(Problem { at: "body".into(), message });
            return StepResult { request: request_label, expected, actual: status.to_string(), body_bytes, deviations };
        }
    };
    let (deviations, code) = check_response(model, op, step, status, &headers, &bytes);
    let actual = match code {
        Some(code) => format!("{status} {code}"),
        None => status.to_string(),
    };
    StepResult { request: request_label, expected, actual, body_bytes, deviations }
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
    // The codes a client would classify the status as (exact, else range, else `default`).
    let codes_for_status: Vec<_> = contract
        .errors
        .matching(status)
        .into_iter()
        .filter(|c| op.errors.is_empty() || op.errors.contains(&c.name))
        .collect();
    if declared.is_none() && codes_for_status.is_empty() {
        deviation("status", format!("{status} is not declared for `{}`", op.name));
    }
    let raw = declared.filter(|r| r.content_type.is_raw());
    let body: Option<Value> = if bytes.is_empty() {
        None
    } else if let Some(raw) = raw {
        // Read as it is: the text (or the bytes as lossy text), not JSON.
        if raw.content_type == ContentType::Text && std::str::from_utf8(bytes).is_err() {
            deviation("body", "not UTF-8 text".into());
        }
        Some(Value::String(String::from_utf8_lossy(bytes).into_owned()))
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
    // A code the provider answers in the body (spec `when`; Slack's 200 with `"ok": false`):
    // the body is that code's, not the declared success.
    let body_matched: Option<String> = body.as_ref().and_then(|body| {
        codes_for_status
            .iter()
            .find(|c| c.body_match.as_ref().is_some_and(|test| test.holds(body)))
            .map(|c| c.name.clone())
    });
    let declared = if body_matched.is_some() { None } else { declared };
    // The code the body carries.
    let raw_code = match (&contract.errors.code_pointer, &body) {
        (Some(pointer), Some(body)) => body.pointer(pointer).map(text),
        _ => None,
    };
    // As generated clients classify: by the code field's value, else by the status alone when
    // exactly one code has it.
    let by_status = || {
        let mut with_status = contract.errors.matching(status).into_iter();
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
        None => body_matched.or_else(by_status),
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
        // A raw body has no JSON to validate.
        (Some(_), Some(_)) if raw.is_some() => {}
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

#[cfg(test)]
mod tests {
    use std::io;

    use super::{byte_size, classify};

    /// An error with a message and a source, as connectors wrap what they got.
    #[derive(Debug)]
    struct Wrapped(&'static str, Box<dyn std::error::Error + Send + Sync>);

    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&*self.1)
        }
    }

    fn wrapped(message: &'static str, cause: impl std::error::Error + Send + Sync + 'static) -> Wrapped {
        Wrapped(message, Box::new(cause))
    }

    #[test]
    fn transport_causes_are_named_from_anywhere_in_the_chain() {
        let certificate = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let table: Vec<(Box<dyn std::error::Error>, Option<&str>)> = vec![
            (
                Box::new(wrapped("client error (Connect)", io::Error::from(io::ErrorKind::ConnectionRefused))),
                Some("connection refused (nothing listens there)"),
            ),
            (Box::new(io::Error::from(io::ErrorKind::ConnectionReset)), Some("connection reset by the server")),
            (
                Box::new(wrapped("client error (SendRequest)", io::Error::from(io::ErrorKind::UnexpectedEof))),
                Some("the server closed the connection before a complete response"),
            ),
            // tokio-rustls hands rustls' error over inside an io::Error, whose `source` skips it.
            (
                Box::new(wrapped("client error (Connect)", io::Error::new(io::ErrorKind::InvalidData, certificate))),
                Some("TLS failed: invalid peer certificate: UnknownIssuer"),
            ),
            (
                Box::new(wrapped(
                    "client error (Connect)",
                    wrapped("dns error", io::Error::other("failed to lookup address information")),
                )),
                Some("DNS lookup failed: failed to lookup address information"),
            ),
            (Box::new(io::Error::other("something else")), None),
        ];
        for (error, expected) in table {
            assert_eq!(classify(&*error).as_deref(), expected, "{error}");
        }
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(byte_size(16 * 1024 * 1024), "16 MiB");
        assert_eq!(byte_size(1024 * 1024 + 512 * 1024), "1.5 MiB");
        assert_eq!(byte_size(512), "512 bytes");
    }
}
