//! Helpers for the contract tests accord generates (`tests/contract.rs` of a client crate):
//! everything a scenario step does besides the typed call and the typed match on its result,
//! which stay in the generated code because exercising the generated client is the point.
//!
//! A generated scenario test reads:
//!
//! ```text
//! let scenario = ScenarioTest::start(contract(), "get_order_not_found").await;
//! let client = client_for(scenario.server()).await;
//! let step = scenario.step(1);
//! let outcome = client.get_order(step.path::<String>("order_id")).send_full().await;
//! match outcome {
//!     Err(orders_client::Error::Api(error @ orders_client::ApiError::NotFound(_))) => {
//!         step.assert_error(404, error.code(), error.status())
//!     }
//!     other => step.unexpected(other),
//! }
//! scenario.finish();
//! ```
//!
//! [`ScenarioTest`] starts the mock from the crate's `contract.json` playing one scenario;
//! [`StepTest`] gives the step's declared values typed (path, query and header parameters, the
//! body), the request as it is for bodies the model rejects, and asserts the outcome: the
//! status, the error code, `body_contains` and `body_equals`, and that the mock recorded this
//! step's request without a problem.

use std::fmt::Debug;

use accord_contract::wire::{ContentType, ObjectParts, ParamLocation, ParamStyle};
use accord_contract::{Contract, Operation, Scenario, Step};
use accord_runtime::client::Body;
use accord_runtime::{Multipart, RequestSpec, Response};
use base64::Engine as _;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::server::{Exchange, MockOptions, MockServer};

/// One scenario played by a mock of the contract on 127.0.0.1.
#[derive(Debug)]
pub struct ScenarioTest {
    contract: &'static Contract,
    scenario: &'static Scenario,
    server: MockServer,
}

impl ScenarioTest {
    /// Starts a mock of `contract` (with [`MockOptions::default`]) playing `scenario` from its
    /// first step. The contract is `'static` (a generated test reads `contract.json` once)
    /// because requests name their operation with a `&'static str`.
    ///
    /// Panics (it is a test helper): the port cannot be bound, or the contract has no such
    /// scenario.
    pub async fn start(contract: &'static Contract, scenario: &str) -> ScenarioTest {
        let server = MockServer::start(contract.clone(), MockOptions::default()).await.expect("the mock starts");
        server.play(scenario).unwrap_or_else(|message| panic!("{message}"));
        let scenario = contract.scenario(scenario).expect("a scenario the mock plays is declared");
        ScenarioTest { contract, scenario, server }
    }

    /// The mock, for building a client against it.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// Step `number` (1-based, as the mock and the docs count) of the scenario, whose request
    /// is the next one the client sends. Only the requests the mock receives from now on are
    /// this step's.
    ///
    /// Panics: the scenario has no such step, or its operation is not in the contract.
    #[track_caller]
    pub fn step(&self, number: usize) -> StepTest<'_> {
        let name = &self.scenario.name;
        let step = number
            .checked_sub(1)
            .and_then(|index| self.scenario.steps.get(index))
            .unwrap_or_else(|| panic!("scenario `{name}` has steps 1 to {}, not {number}", self.scenario.steps.len()));
        let operation = self
            .contract
            .operation(&step.operation)
            .unwrap_or_else(|| panic!("scenario `{name}` step {number}: no operation `{}`", step.operation));
        StepTest {
            test: self,
            number,
            step,
            operation,
            label: format!("{name} step {number}"),
            first_exchange: self.server.exchanges().len(),
        }
    }

    /// Asserts that every step was played and that every request matched the spec (except in
    /// steps that expect a 4xx, which send invalid requests on purpose) and its scenario step.
    #[track_caller]
    pub fn finish(self) {
        let problems = self.server.problems();
        assert!(problems.is_empty(), "the mock found problems in what the client sent:\n{}", problems.join("\n"));
        let unplayed = self.server.unplayed_steps();
        assert!(unplayed.is_empty(), "steps never requested: {unplayed:?}");
    }
}

/// One step of a [`ScenarioTest`]: the values it declares and the assertions on its outcome.
/// Failure messages start with `SCENARIO step N`.
#[derive(Debug)]
pub struct StepTest<'a> {
    test: &'a ScenarioTest,
    number: usize,
    step: &'static Step,
    operation: &'static Operation,
    label: String,
    /// Length of the mock's exchange log when the step was selected.
    first_exchange: usize,
}

impl StepTest<'_> {
    /// The step's path parameter `name` (wire name) decoded as `T`, the type the client's
    /// method takes.
    ///
    /// Panics: the value does not decode as `T` (an absent value decodes as JSON `null`).
    #[track_caller]
    pub fn path<T: DeserializeOwned>(&self, name: &str) -> T {
        self.decode("path parameter", name, self.step.path.get(name))
    }

    /// The step's query parameter `name` (wire name) decoded as `T`.
    ///
    /// Panics: the value does not decode as `T` (an absent value decodes as JSON `null`).
    #[track_caller]
    pub fn query<T: DeserializeOwned>(&self, name: &str) -> T {
        self.decode("query parameter", name, self.step.query.get(name))
    }

    /// The step's header `name` (any case) decoded as `T`.
    ///
    /// Panics: the value does not decode as `T` (an absent value decodes as JSON `null`).
    #[track_caller]
    pub fn header<T: DeserializeOwned>(&self, name: &str) -> T {
        self.decode("header", name, self.header_value(name))
    }

    /// The idempotency key the step sends in the operation's idempotency header.
    ///
    /// Panics: the operation declares no idempotency header, or the step does not send it.
    #[track_caller]
    pub fn idempotency_key(&self) -> String {
        let header = self
            .operation
            .idempotency_header
            .as_deref()
            .unwrap_or_else(|| panic!("{}: `{}` declares no idempotency header", self.label, self.operation.name));
        match self.header_value(header) {
            Some(Value::String(key)) => key.clone(),
            Some(other) => other.to_string(),
            None => panic!("{}: the step sends no `{header}`", self.label),
        }
    }

    /// The step's request body decoded as the operation's body model `T`, with each file field
    /// of a multipart body turned into the base64 that `accord_runtime::File` reads from JSON
    /// (scenarios give a file's contents as text, and the mock reads the file part back as
    /// that text). An error means the scenario sends a body its model rejects (a
    /// validation-error case): send [`StepTest::raw_request`] instead.
    ///
    /// Panics: the step sends no body.
    #[track_caller]
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        let mut body = self.step.body.clone().unwrap_or_else(|| panic!("{}: the step sends no body", self.label));
        if let Some(declared) = self.operation.body.as_ref().filter(|b| b.content_type == ContentType::Multipart) {
            let encode = |value: &mut Value| {
                if let Value::String(text) = value {
                    *value = Value::String(base64::engine::general_purpose::STANDARD.encode(text.as_bytes()));
                }
            };
            for name in &declared.file_fields {
                match body.get_mut(name) {
                    Some(Value::Array(items)) => items.iter_mut().for_each(encode),
                    Some(value) => encode(value),
                    None => {}
                }
            }
        }
        serde_json::from_value(body)
    }

    /// The step's request as the client's `send_raw` takes it, for a body the model rejects:
    /// method, operation, path with the step's parameters percent-encoded as the client
    /// encodes them, its query parameters and headers, and its body encoded as the operation
    /// declares (JSON, form, or multipart with the declared file fields and object parts).
    #[track_caller]
    pub fn raw_request(&self) -> RequestSpec {
        let operation = self.operation;
        let method = crate::verify::reqwest_method(operation.method);
        let mut path = operation.path.clone();
        let declared = |params: &[accord_contract::Param], name: &str, location: ParamLocation| {
            params
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.serialization(location))
                .unwrap_or((ParamStyle::default_for(location), ParamStyle::default_for(location).default_explode()))
        };
        for (name, value) in &self.step.path {
            let (style, explode) = declared(&operation.path_params, name, ParamLocation::Path);
            path =
                path.replace(&format!("{{{name}}}"), &accord_runtime::client::path_param(name, value, style, explode));
        }
        let mut request = RequestSpec::new(method, &operation.name, path);
        for (name, value) in &operation.fixed_query {
            request.query(name, value).expect("a string is a query value");
        }
        for (name, value) in &self.step.query {
            let (style, explode) = declared(&operation.query, name, ParamLocation::Query);
            request.query_styled(name, value, style, explode).expect("a JSON value is a query value");
        }
        for (name, value) in &operation.fixed_headers {
            request.header(name, value).expect("a string is a header value");
        }
        for (name, value) in &self.step.headers {
            let (_, explode) = declared(&operation.headers, name, ParamLocation::Header);
            request.header_styled(name, value, explode).expect("a JSON value is a header value");
        }
        if let (Some(body), Some(declared)) = (&self.step.body, &operation.body) {
            match declared.content_type {
                ContentType::Json => request.json_body(body).expect("a JSON value encodes"),
                ContentType::Form => request.form_body(body).expect("a JSON value encodes as a form"),
                ContentType::Multipart => {
                    let brackets = declared.object_parts == Some(ObjectParts::Brackets);
                    request.body = Body::Multipart(Multipart::from_json(body, &declared.file_fields, brackets));
                }
                ContentType::Text | ContentType::Binary => {
                    let media_type = declared.media_type.as_deref().filter(|m| !m.ends_with("/*"));
                    let bytes = match body {
                        Value::String(text) => text.clone().into_bytes(),
                        other => other.to_string().into_bytes(),
                    };
                    request.raw_body(media_type.unwrap_or(declared.content_type.media_type()), bytes);
                }
            }
        }
        request
    }

    /// Asserts a success: `outcome` is a response with `expected_status` (which must be the
    /// step's status in the contract), whose body has every `body_contains` field and equals
    /// every `body_equals` value; and the mock recorded this step's request without a problem.
    ///
    /// Panics: any of these does not hold (the message lists every problem).
    #[track_caller]
    pub fn assert_success<T: Serialize, E: Debug>(&self, expected_status: u16, outcome: Result<Response<T>, E>) {
        let outcome = outcome.map(json_response).map_err(|error| format!("{error:?}"));
        self.assert_no_failures(self.success_failures(expected_status, &outcome));
    }

    /// Asserts a declared error: the typed error variant the client returned has the step's
    /// error `code` and `status` equal to `expected_status` (which must be the step's status in
    /// the contract); and the mock recorded this step's request without a problem.
    ///
    /// Panics: any of these does not hold (the message lists every problem).
    #[track_caller]
    pub fn assert_error(&self, expected_status: u16, code: &str, status: u16) {
        self.assert_no_failures(self.error_failures(expected_status, code, status));
    }

    /// Fails the test: the client returned `outcome` where the step expects another one (the
    /// message adds what the mock found wrong with the request).
    #[track_caller]
    pub fn unexpected(&self, outcome: impl Debug) -> ! {
        let expected = match &self.step.error {
            Some(code) => format!("error `{code}` ({})", self.step.status),
            None => format!("status {}", self.step.status),
        };
        let mut failures = vec![format!("expected {expected}, got {outcome:?}")];
        failures.extend(self.exchange_failures());
        panic!("{}: {}", self.label, failures.join("\n"))
    }

    #[track_caller]
    fn assert_no_failures(&self, failures: Vec<String>) {
        assert!(failures.is_empty(), "{}: {}", self.label, failures.join("\n"));
    }

    #[track_caller]
    fn decode<T: DeserializeOwned>(&self, kind: &str, name: &str, value: Option<&Value>) -> T {
        let value = value.cloned().unwrap_or(Value::Null);
        serde_json::from_value(value.clone()).unwrap_or_else(|error| {
            panic!("{}: {kind} `{name}` ({value}) does not match the parameter type: {error}", self.label)
        })
    }

    fn header_value(&self, name: &str) -> Option<&'static Value> {
        self.step.headers.iter().find(|(header, _)| header.eq_ignore_ascii_case(name)).map(|(_, value)| value)
    }

    /// Where the test's expected status differs from the contract's.
    fn expected_status_failure(&self, expected_status: u16) -> Option<String> {
        (expected_status != self.step.status)
            .then(|| format!("the test expects status {expected_status}, the contract's step {}", self.step.status))
    }

    /// What is wrong with a success outcome, the response body as JSON.
    fn success_failures(&self, expected_status: u16, outcome: &Result<Response<Value>, String>) -> Vec<String> {
        let mut failures: Vec<String> = self.expected_status_failure(expected_status).into_iter().collect();
        match outcome {
            Err(error) => failures.push(format!("expected status {expected_status}, got {error}")),
            Ok(response) => {
                if response.status != expected_status {
                    failures.push(format!("status: expected {expected_status}, got {}", response.status));
                }
                for field in &self.step.body_contains {
                    if response.body.get(field).is_none() {
                        failures.push(format!("response lacks `{field}`"));
                    }
                }
                for (pointer, expected) in &self.step.body_equals {
                    let actual = response.body.pointer(pointer);
                    if actual != Some(expected) {
                        let actual = actual.map(Value::to_string).unwrap_or_else(|| "nothing".into());
                        failures.push(format!("`{pointer}`: expected {expected}, got {actual}"));
                    }
                }
            }
        }
        failures.extend(self.exchange_failures());
        failures
    }

    /// What is wrong with a declared error the client returned.
    fn error_failures(&self, expected_status: u16, code: &str, status: u16) -> Vec<String> {
        let mut failures: Vec<String> = self.expected_status_failure(expected_status).into_iter().collect();
        match &self.step.error {
            Some(expected) if expected == code => {}
            Some(expected) => failures.push(format!("error code: expected `{expected}`, got `{code}`")),
            None => failures.push(format!("the contract's step expects no error code, got `{code}`")),
        }
        if status != expected_status {
            failures.push(format!("status: expected {expected_status}, got {status}"));
        }
        failures.extend(self.exchange_failures());
        failures
    }

    /// What is wrong with the requests the mock received since the step was selected (token
    /// requests aside): there must be one at least, each routed to the step's operation and
    /// played as this step, with no mismatch against the step and, unless the step expects a
    /// 4xx (an invalid request on purpose), no problem against the spec.
    fn exchange_failures(&self) -> Vec<String> {
        let exchanges: Vec<Exchange> = self.test.server.exchanges().into_iter().skip(self.first_exchange).collect();
        let token_paths: Vec<&str> =
            self.test.contract.auth.oauth2().map(|(_, oauth)| oauth.token_path.as_str()).collect();
        let flows = &self.test.contract;
        let requests: Vec<&Exchange> = exchanges
            .iter()
            .filter(|e| !(e.method == "POST" && token_paths.contains(&e.path.as_str())))
            .filter(|e| !crate::oauth::is_flow_endpoint(flows, &e.method, &e.path))
            .collect();
        if requests.is_empty() {
            return vec!["the mock received no request for this step".into()];
        }
        let played = Some((self.test.scenario.name.clone(), self.number));
        let mut failures = Vec::new();
        for exchange in requests {
            let request = format!("{} {}", exchange.method, exchange.path);
            if exchange.operation.as_deref() != Some(self.operation.name.as_str()) {
                let routed = exchange.operation.as_deref().unwrap_or("no operation");
                failures.push(format!("{request}: routed to {routed}, not `{}`", self.operation.name));
            }
            if exchange.scenario != played {
                let actual = match &exchange.scenario {
                    Some((name, step)) => format!("`{name}` step {step}"),
                    None => "no scenario step".into(),
                };
                failures.push(format!("{request}: played {actual}, not this step"));
            }
            let invalid = if exchange.expects_client_error { &[][..] } else { &exchange.problems[..] };
            failures.extend(invalid.iter().chain(&exchange.mismatches).map(|problem| format!("{request}: {problem}")));
        }
        failures
    }
}

/// `response` with its typed body as JSON, the shape `send_raw` answers with, so that a typed
/// call and the raw fallback give one type.
///
/// Panics: the body does not serialize (generated models always do).
pub fn json_response<T: Serialize>(response: Response<T>) -> Response<Value> {
    let body = serde_json::to_value(&response.body).expect("bodies serialize");
    Response { status: response.status, headers: response.headers, body }
}

/// A streamed success body (spec `stream: true`) read to its end, so that a scenario's
/// (small) body can be compared with it; errors pass through.
///
/// Panics: the stream fails before its end (a contract test's failure).
pub async fn collect_stream<E>(
    outcome: Result<Response<accord_runtime::ByteStream>, E>,
) -> Result<Response<Vec<u8>>, E> {
    let mut response = outcome?;
    let mut body = Vec::new();
    if let Err(error) = response.body.write_to(&mut body).await {
        panic!("the streamed body failed after {} bytes: {error}", body.len());
    }
    Ok(Response { status: response.status, headers: response.headers, body })
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;
    use std::time::Duration;

    use accord_runtime::auth::OAuth2;
    use accord_runtime::{Auth, Client, ClientConfig, ClientCredentials, DefaultHeader, RetryConfig, RetryPolicy};
    use serde_json::json;

    use super::*;

    /// The contract of `specs/orders.yaml`, compiled once.
    fn orders() -> &'static Contract {
        static CONTRACT: OnceLock<Contract> = OnceLock::new();
        CONTRACT.get_or_init(|| {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/orders.yaml");
            let source = std::fs::read_to_string(&path).expect("spec reads");
            let compiled =
                accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
            accord::emit::contract::build(&compiled.ir)
        })
    }

    /// A runtime client for the orders mock, as the generated one is configured in its tests.
    fn client(server: &MockServer) -> Client {
        let mut config = ClientConfig::new(server.uri(), "contract-test-helpers");
        let credentials = ClientCredentials::new("test-client", "test-secret");
        let token_url = format!("{}/oauth/token", server.uri());
        config.auth = Auth::OAuth2(OAuth2::new(token_url, credentials, Vec::new(), Duration::from_secs(300)));
        config.default_headers = Vec::from([DefaultHeader::Uuid("X-Request-ID")]);
        config.retry = RetryConfig { policy: RetryPolicy::NO_RETRIES, ..RetryConfig::default() };
        Client::new(config).expect("the client builds")
    }

    /// Sends `request` and decodes the answer as JSON.
    async fn send(client: &Client, request: &RequestSpec) -> Response<Value> {
        let raw = client.execute(request).await.expect("the mock answers");
        Response { status: raw.status, headers: raw.headers.clone(), body: raw.json().expect("JSON") }
    }

    #[tokio::test]
    async fn a_step_sent_as_declared_passes_and_each_deviation_is_named() {
        let scenario = ScenarioTest::start(orders(), "get_order_ok").await;
        let client = client(scenario.server());
        let step = scenario.step(1);
        assert_eq!(step.path::<String>("order_id"), "ORD-12345678");
        assert_eq!(step.exchange_failures(), ["the mock received no request for this step"]);

        let response = send(&client, &step.raw_request()).await;
        assert_eq!(step.success_failures(200, &Ok(response.clone())), Vec::<String>::new());
        assert_eq!(
            step.success_failures(201, &Ok(response.clone())),
            ["the test expects status 201, the contract's step 200", "status: expected 201, got 200"]
        );
        let mut shipped = response.clone();
        shipped.body["status"] = json!("shipped");
        assert_eq!(step.success_failures(200, &Ok(shipped)), ["`/status`: expected \"pending\", got \"shipped\""]);
        let mut bare = response;
        bare.body = json!({});
        assert_eq!(
            step.success_failures(200, &Ok(bare)),
            ["`/order_id`: expected \"ORD-12345678\", got nothing", "`/status`: expected \"pending\", got nothing"]
        );
        assert_eq!(
            step.success_failures(200, &Err("Transport(reset)".into())),
            ["expected status 200, got Transport(reset)"]
        );
        // A declared error where the step expects none.
        assert_eq!(
            step.error_failures(200, "NOT_FOUND", 200),
            ["the contract's step expects no error code, got `NOT_FOUND`"]
        );
        scenario.finish();
    }

    #[tokio::test]
    async fn a_request_that_differs_from_the_step_fails_it() {
        let scenario = ScenarioTest::start(orders(), "get_order_ok").await;
        let client = client(scenario.server());
        let step = scenario.step(1);
        let mut request = step.raw_request();
        request.path = "/api/v1/orders/ORD-99999999".into();
        send(&client, &request).await;
        let failures = step.exchange_failures();
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(
            failures[0].starts_with("GET /api/v1/orders/ORD-99999999: scenario `get_order_ok` step 1: path"),
            "{failures:?}"
        );
    }

    #[tokio::test]
    async fn a_declared_error_is_checked_by_code_and_status() {
        let scenario = ScenarioTest::start(orders(), "get_order_not_found").await;
        let client = client(scenario.server());
        let step = scenario.step(1);
        let response = send(&client, &step.raw_request()).await;
        assert_eq!(response.status, 404);
        assert_eq!(step.error_failures(404, "NOT_FOUND", 404), Vec::<String>::new());
        assert_eq!(
            step.error_failures(404, "CONFLICT", 409),
            ["error code: expected `NOT_FOUND`, got `CONFLICT`", "status: expected 404, got 409"]
        );
        assert_eq!(
            step.error_failures(400, "NOT_FOUND", 404),
            ["the test expects status 400, the contract's step 404", "status: expected 400, got 404"]
        );
        scenario.finish();
    }

    #[tokio::test]
    async fn a_multipart_step_gives_its_file_as_base64_to_the_model_and_as_text_to_the_raw_request() {
        let scenario = ScenarioTest::start(orders(), "attach_invoice").await;
        let step = scenario.step(1);
        let body: Value = step.body().expect("JSON decodes as JSON");
        assert_eq!(body["file"], "JVBERi0xLjcgaW52b2ljZSA0Mg==", "base64 of `%PDF-1.7 invoice 42`");
        let request = step.raw_request();
        assert_eq!((request.method.as_str(), request.operation), ("POST", "attach_document"));
        assert_eq!(request.path, "/api/v1/orders/ORD-12345678/documents");
        let Body::Multipart(parts) = &request.body else { panic!("a multipart body: {:?}", request.body) };
        assert_eq!(parts.names(), ["kind", "file", "labels", "labels", "metadata"]);
    }

    #[tokio::test]
    async fn steps_of_a_multi_step_scenario_are_told_apart() {
        let scenario = ScenarioTest::start(orders(), "duplicate_request").await;
        let client = client(scenario.server());
        let first = scenario.step(1);
        assert_eq!(first.idempotency_key(), "abc123");
        let request = first.raw_request();
        assert!(request.headers.contains(&("X-Idempotency-Key".into(), "abc123".into())), "{:?}", request.headers);
        send(&client, &request).await;
        assert_eq!(first.exchange_failures(), Vec::<String>::new());
        let second = scenario.step(2);
        assert_eq!(second.exchange_failures(), ["the mock received no request for this step"]);
        send(&client, &second.raw_request()).await;
        assert_eq!(second.exchange_failures(), Vec::<String>::new());
        // The first step's window now holds the second step's request too.
        assert_eq!(
            first.exchange_failures(),
            ["POST /api/v1/orders: played `duplicate_request` step 2, not this step"]
        );
        scenario.finish();
    }
}
