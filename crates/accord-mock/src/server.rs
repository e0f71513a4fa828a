//! The mock server: an axum app that acts out a contract.
//!
//! Each request goes through, in order: the control API (`/__accord/…`), the OAuth2 token
//! endpoint when the spec declares client credentials, routing (`404`/`405`), auth (the
//! declared 401 code), the scenario step being played (header `X-Accord-Scenario`, or one
//! selected with [`MockServer::play`] / `POST /__accord/scenario`), the rate limit (the declared
//! 429 code with `Retry-After` and the declared headers), validation of path, query, headers
//! and body against the contract's JSON Schemas (the declared 400-class code in the spec's own
//! envelope), idempotency (the same key and request → the stored answer; another request →
//! the declared conflict code), and finally the answer: the scenario step's response, or the
//! operation's first 2xx example.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use accord_contract::wire::{ContentType, ParamLocation};
use accord_contract::{AuthScheme, Contract, ErrorCode, Operation, Scenario, Step};
use accord_runtime::Secret;
use accord_runtime::rate_limit::TokenBucket;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::coerce;
use crate::credentials::{Credential, Credentials, basic_credentials};
use crate::deliver::{self, Delivery};
use crate::listen;
use crate::model::{Model, Problem, RouteMatch, includes};
use crate::rate_headers;
use crate::tls::MockTls;

/// Header selecting the scenario a request plays (`X-Accord-Scenario: happy_path`).
pub const SCENARIO_HEADER: &str = "x-accord-scenario";
/// Header selecting the step of a multi-step scenario, 1-based (`X-Accord-Step: 2`); without
/// it the mock plays a scenario's steps in order.
pub const STEP_HEADER: &str = "x-accord-step";
/// Prefix of the control API.
pub const CONTROL_PREFIX: &str = "/__accord";
/// Largest request body read, bytes.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Exchanges kept for [`MockServer::exchanges`].
const MAX_LOG: usize = 10_000;

/// How the mock behaves.
#[derive(Debug, Clone)]
pub struct MockOptions {
    /// Answer `429` when an operation's declared rate limit is exceeded (token bucket per
    /// operation, refilled at the declared rate). Off for load tests. Default: on.
    pub enforce_rate_limits: bool,
    /// Where webhooks go when a delivery request names no URL.
    pub webhook_url: Option<String>,
    /// Signing secret for webhooks; default: the contract's test signing key.
    pub webhook_secret: Option<Secret>,
    /// Factor applied to the declared webhook retry delays (`0.001` turns an hour into 3.6 s).
    /// Default: 1 (the declared schedule).
    pub webhook_time_scale: f64,
    /// Credential values accepted besides the fixed test values (typically those of the
    /// spec's environment variables).
    pub extra_credentials: Credentials,
    /// Longest a client may take to send a request head, from connecting (or from the end of
    /// the previous response on a kept-alive connection); then the connection is closed, so
    /// slow or idle clients cannot hold connections indefinitely. Default: 30 s (hyper's own
    /// default once a timer is set; `axum::serve` sets none).
    pub header_read_timeout: Duration,
    /// Longest a client may take to send a request body once its head has arrived; then the
    /// mock answers `408 Request Timeout` and closes the connection, so a body dripped a byte
    /// at a time cannot hold a connection either (hyper has no body-read timeout of its own).
    /// Default: 30 s.
    pub body_read_timeout: Duration,
    /// RSA public keys in PEM the authorization server verifies JWTs with besides the
    /// test-only key (JWT bearer assertions, GitHub App JWTs, `private_key_jwt`): the keys
    /// the spec's credentials declare through `public_key_env`, so that a client signing
    /// with its real private key is accepted ([`crate::jwt_public_keys_from_env`]).
    pub jwt_public_keys: Vec<String>,
    /// Serve HTTPS with this certificate, and require client certificates from its CA when
    /// one is given (mutual TLS, for environments declaring `client_certificate`). Default:
    /// plain HTTP.
    pub tls: Option<MockTls>,
    /// The size, in bytes, of every streamed 2xx response (spec `stream: true`): the test
    /// pattern of [`pattern`] generated as the client reads, never held. A request's
    /// `X-Accord-Stream-Bytes` header overrides it. Default `None`: the example or the
    /// scenario's body.
    pub stream_bytes: Option<u64>,
}

impl Default for MockOptions {
    fn default() -> Self {
        MockOptions {
            enforce_rate_limits: true,
            webhook_url: None,
            webhook_secret: None,
            webhook_time_scale: 1.0,
            extra_credentials: Credentials::new(),
            header_read_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(30),
            jwt_public_keys: Vec::new(),
            tls: None,
            stream_bytes: None,
        }
    }
}

/// One request the mock answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exchange {
    /// Method.
    pub method: String,
    /// Path, without the query (which may carry an API key).
    pub path: String,
    /// Operation it routed to.
    pub operation: Option<String>,
    /// Scenario and 1-based step played.
    pub scenario: Option<(String, usize)>,
    /// The played step expects a 4xx, so an invalid request is what it tests.
    pub expects_client_error: bool,
    /// Status answered.
    pub status: u16,
    /// Where the request breaks the spec (validation against the contract's schemas).
    pub problems: Vec<String>,
    /// Where the request differs from the scenario step it played.
    pub mismatches: Vec<String>,
}

/// State shared by the handlers.
pub(crate) struct Shared {
    pub(crate) model: Model,
    pub(crate) options: MockOptions,
    accepted: Credentials,
    buckets: HashMap<String, TokenBucket>,
    /// Quotas shared by every operation.
    quotas: Vec<TokenBucket>,
    http: accord_runtime::reqwest::Client,
    inner: Mutex<Inner>,
    /// The OAuth 2.0 flows' codes and refresh tokens (`oauth.rs`).
    oauth: crate::oauth::OAuthState,
    /// Nonces of signed requests seen (a replay is refused).
    nonces: accord_runtime::store::MemoryNonceStore,
}

#[derive(Default)]
struct Inner {
    /// Scenario selected through the control API, and its next step (0-based).
    active: Option<(String, usize)>,
    /// Next step of scenarios selected by header.
    cursors: HashMap<String, usize>,
    idempotency: HashMap<(String, String), Stored>,
    tokens: HashSet<String>,
    issued: u64,
    log: Vec<Exchange>,
    deliveries: Vec<Delivery>,
    /// Receiver URLs that answered the declared webhook handshake (`handshake.rs`).
    handshaken: HashSet<String>,
}

#[derive(Clone)]
struct Stored {
    fingerprint: String,
    reply: Reply,
    stored_at: tokio::time::Instant,
}

/// An answer before it becomes an HTTP response.
#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Option<Value>,
    /// The media type of a response declared `text` or `binary`: the body (a JSON string)
    /// is sent as its bytes with this `Content-Type`; `None` sends JSON.
    raw_media_type: Option<String>,
}

impl Reply {
    fn json(status: u16, body: Value) -> Reply {
        Reply { status, headers: Vec::new(), body: Some(body), raw_media_type: None }
    }

    fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        if !self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            self.headers.push((name.to_string(), value.into()));
        }
        self
    }

    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
                headers.append(name, value);
            }
        }
        let body = match (&self.body, &self.raw_media_type) {
            (Some(body), Some(media_type)) => {
                if let Ok(value) = HeaderValue::from_str(media_type) {
                    headers.insert("content-type", value);
                }
                match body {
                    Value::String(text) => Body::from(text.clone().into_bytes()),
                    other => Body::from(other.to_string().into_bytes()),
                }
            }
            (Some(body), None) => {
                headers.insert("content-type", HeaderValue::from_static("application/json"));
                Body::from(serde_json::to_vec(body).unwrap_or_default())
            }
            (None, _) => Body::empty(),
        };
        (status, headers, body).into_response()
    }
}

impl Shared {
    pub(crate) fn new(contract: Contract, options: MockOptions) -> Shared {
        let mut accepted = Credentials::test(&contract.auth);
        accepted.extend(&options.extra_credentials);
        let bucket = |rate: &accord_contract::Rate| {
            TokenBucket::new(accord_runtime::RateLimit {
                requests: rate.requests,
                window: Duration::from_secs(rate.window_seconds.max(1)),
                burst: rate.burst.max(1),
            })
        };
        let quotas = if options.enforce_rate_limits {
            contract.rate_limits.quotas.iter().map(bucket).collect()
        } else {
            Vec::new()
        };
        let buckets = if options.enforce_rate_limits {
            contract
                .operations
                .iter()
                .filter_map(|op| Some((op.name.clone(), bucket(op.rate_limit.as_ref()?))))
                .collect()
        } else {
            HashMap::new()
        };
        let oauth = crate::oauth::OAuthState::with_public_keys(&options.jwt_public_keys).unwrap_or_else(|error| {
            // `accord mock` checks the keys first (`jwt_public_keys_from_env`).
            tracing::warn!(%error, "declared JWT public keys ignored");
            crate::oauth::OAuthState::default()
        });
        Shared {
            model: Model::new(contract),
            options,
            accepted,
            buckets,
            quotas,
            http: accord_runtime::client::http_builder().build().unwrap_or_default(),
            inner: Mutex::new(Inner::default()),
            oauth,
            nonces: accord_runtime::store::MemoryNonceStore::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn contract(&self) -> &Contract {
        &self.model.contract
    }
}

/// A running mock server.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer").field("addr", &self.addr).field("spec", &self.shared.contract().name).finish()
    }
}

impl MockServer {
    /// Starts a mock for `contract` on an ephemeral port of 127.0.0.1, in this tokio runtime.
    ///
    /// Errors: the port cannot be bound.
    pub async fn start(contract: Contract, options: MockOptions) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        Self::on(listener, contract, options)
    }

    /// Starts a mock on an already bound listener.
    ///
    /// Errors: the listener's address cannot be read.
    pub fn on(listener: TcpListener, contract: Contract, options: MockOptions) -> std::io::Result<MockServer> {
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(contract, options));
        let (sender, receiver) = oneshot::channel::<()>();
        let app = router(shared.clone());
        let header_read_timeout = shared.options.header_read_timeout;
        let tls = shared.options.tls.as_ref().map(MockTls::acceptor).transpose().map_err(std::io::Error::other)?;
        let task = tokio::spawn(listen::serve(listener, app, header_read_timeout, tls, async {
            let _ = receiver.await;
        }));
        Ok(MockServer { addr, shared, shutdown: Some(sender), task: Some(task) })
    }

    /// `http://127.0.0.1:PORT`, or `https://…` when serving TLS ([`MockOptions::tls`]).
    pub fn uri(&self) -> String {
        let scheme = if self.shared.options.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Plays `scenario` from its first step for the following requests (those without an
    /// `X-Accord-Scenario` header).
    ///
    /// Errors: the contract has no such scenario (the message lists the ones it has).
    pub fn play(&self, scenario: &str) -> Result<(), String> {
        self.shared.contract().scenario(scenario).ok_or_else(|| unknown_scenario(self.shared.contract(), scenario))?;
        self.shared.lock().active = Some((scenario.to_string(), 0));
        Ok(())
    }

    /// Every exchange so far, oldest first (at most the last 10 000).
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.shared.lock().log.clone()
    }

    /// What was wrong with the requests so far, each as `METHOD PATH: problem`: where they
    /// break the spec (except in steps that expect a 4xx, which send invalid requests on
    /// purpose) and where they differ from the scenario step they played.
    pub fn problems(&self) -> Vec<String> {
        self.exchanges()
            .iter()
            .flat_map(|e| {
                let invalid = if e.expects_client_error { &[][..] } else { &e.problems[..] };
                invalid.iter().chain(&e.mismatches).map(move |p| format!("{} {}: {p}", e.method, e.path))
            })
            .collect()
    }

    /// Steps of the scenario selected with [`MockServer::play`] that no request has played
    /// yet, as `scenario step N (operation)`.
    pub fn unplayed_steps(&self) -> Vec<String> {
        let inner = self.shared.lock();
        let Some((name, next)) = &inner.active else { return Vec::new() };
        let Some(scenario) = self.shared.contract().scenario(name) else { return Vec::new() };
        scenario
            .steps
            .iter()
            .enumerate()
            .skip(*next)
            .map(|(i, s)| format!("{name} step {} ({})", i + 1, s.operation))
            .collect()
    }

    /// Signs and delivers the declared example of `event_type` to `url` (or the configured
    /// webhook URL), following the declared retry schedule scaled by
    /// [`MockOptions::webhook_time_scale`]; returns when it was accepted or attempts ran out.
    ///
    /// Errors: no webhooks or no such event, no signature scheme (the spec declares none, so
    /// there is nothing to sign with), no URL, or the scheme cannot sign.
    pub async fn deliver(&self, event_type: &str, url: Option<&str>) -> Result<Delivery, String> {
        deliver_event(&self.shared, event_type, url, None).await
    }

    /// Stops accepting connections and waits for open ones to finish.
    pub async fn shutdown(mut self) {
        if let Some(sender) = self.shutdown.take() {
            let _ = sender.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(sender) = self.shutdown.take() {
            let _ = sender.send(());
        }
    }
}

/// Serves `contract` on `listener` until `shutdown` completes (the CLI passes Ctrl-C).
///
/// Errors: the TLS settings do not make a server configuration (a failed accept is logged
/// and serving goes on).
pub async fn serve(
    listener: TcpListener,
    contract: Contract,
    options: MockOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let header_read_timeout = options.header_read_timeout;
    let tls = options.tls.as_ref().map(MockTls::acceptor).transpose().map_err(std::io::Error::other)?;
    let shared = Arc::new(Shared::new(contract, options));
    listen::serve(listener, router(shared), header_read_timeout, tls, shutdown).await;
    Ok(())
}

mod conditional;
mod streaming;

pub use streaming::{
    KEPT_BYTES, RECEIVED_BYTES_HEADER, RECEIVED_SHA256_HEADER, STREAM_BYTES_HEADER, pattern, pattern_sha256,
};

fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(shared)
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let started = std::time::Instant::now();
    let (parts, body) = request.into_parts();
    let uri_query = parts.uri.query().unwrap_or("");
    let (body, counted) = if streaming::is_streamed_upload(
        &shared.model,
        parts.method.as_str(),
        parts.uri.path(),
        &parts.headers,
        uri_query,
    ) {
        let Some(counted) = streaming::count(body, shared.options.body_read_timeout).await else {
            return body_timed_out(shared.options.body_read_timeout);
        };
        (counted.kept.clone(), Some(counted))
    } else {
        match tokio::time::timeout(shared.options.body_read_timeout, read_body(body, &parts.headers)).await {
            Ok(Ok(body)) => (body, None),
            Ok(Err(rest)) => return too_large(rest, &parts.headers, shared.options.header_read_timeout).await,
            Err(_elapsed) => return body_timed_out(shared.options.body_read_timeout),
        }
    };
    let path = parts.uri.path().to_string();
    if path == CONTROL_PREFIX || path.starts_with(&format!("{CONTROL_PREFIX}/")) {
        return control(&shared, &parts.method, &path, &body).await.into_response();
    }
    let query = parts.uri.query().unwrap_or("").to_string();
    let (reply, exchange) = answer(&shared, &parts.method, &path, &query, &parts.headers, &body);
    let cache_control = exchange
        .operation
        .as_deref()
        .and_then(|name| shared.model.contract.operations.iter().find(|operation| operation.name == name))
        .and_then(|operation| operation.cache_control.as_deref());
    let reply = conditional::apply(&parts.method, &parts.headers, cache_control, reply);
    let reply = match &counted {
        Some(counted) => reply
            .header(streaming::RECEIVED_BYTES_HEADER, counted.bytes.to_string())
            .header(streaming::RECEIVED_SHA256_HEADER, counted.sha256.clone()),
        None => reply,
    };
    let streamed_size = streaming::streams_response(&shared.model, exchange.operation.as_deref(), reply.status)
        .then(|| streaming::requested_size(&parts.headers, shared.options.stream_bytes))
        .flatten();
    let elapsed = started.elapsed();
    let scenario =
        exchange.scenario.as_ref().map(|(name, step)| format!(" scenario={name}#{step}")).unwrap_or_default();
    let count = exchange.problems.len() + exchange.mismatches.len();
    let problems = if count == 0 { String::new() } else { format!(" problems={count}") };
    tracing::info!(
        target: "accord_mock",
        "{} {} -> {} {}{scenario}{problems} {:.1}ms",
        exchange.method,
        exchange.path,
        exchange.status,
        exchange.operation.as_deref().unwrap_or("-"),
        elapsed.as_secs_f64() * 1000.0
    );
    {
        let mut inner = shared.lock();
        if inner.log.len() >= MAX_LOG {
            inner.log.remove(0);
        }
        inner.log.push(exchange);
    }
    match streamed_size {
        Some(length) => {
            let mut response = reply.into_response();
            *response.body_mut() = streaming::generated_body(length);
            response.headers_mut().insert("content-length", HeaderValue::from(length));
            response
        }
        None => reply.into_response(),
    }
}

/// `408 Request Timeout` with a JSON body and `Connection: close`, for a body that did not
/// arrive within [`MockOptions::body_read_timeout`] (RFC 9110 §15.5.9).
fn body_timed_out(limit: Duration) -> Response {
    let message = format!("request body not received within {} s", limit.as_secs_f64());
    Reply::json(408, json!({ "error": message })).header("connection", "close").into_response()
}

/// A request body over [`MAX_BODY_BYTES`]: what is left of it, still unread.
struct TooLarge(axum::body::BodyDataStream);

/// Reads a request body of at most [`MAX_BODY_BYTES`]; a longer one, declared by its
/// `Content-Length` (then nothing is read) or found while reading, is refused with the rest of
/// the body left unread.
async fn read_body(body: Body, headers: &HeaderMap) -> Result<Bytes, TooLarge> {
    let mut stream = body.into_data_stream();
    if content_length(headers).is_some_and(|declared| declared > MAX_BODY_BYTES as u64) {
        return Err(TooLarge(stream));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
        // A broken transfer ends the body; validation then reports what arrived.
        let Ok(chunk) = chunk else { break };
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_BODY_BYTES {
            return Err(TooLarge(stream));
        }
    }
    Ok(Bytes::from(bytes))
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers.get("content-length")?.to_str().ok()?.trim().parse().ok()
}

/// `413` with a JSON body the client can read, and `Connection: close`.
///
/// Closing a connection whose client is still sending makes the kernel answer with a reset,
/// which destroys the `413` before the client reads it, and a client that sends its whole
/// body before reading (urllib, requests, many SDKs) sees only a broken pipe (hence Apache's
/// and nginx's "lingering close"). So the rest of the body is read and dropped first, for at
/// most `drain_time` (as nginx's `lingering_time` bounds it; memory stays flat), and the
/// answer follows. A client that waits for `100 Continue` has sent no body: none is asked
/// for, and the answer goes out at once. (Answering first while a spawned task drains was
/// tried: the client still saw a broken pipe.)
async fn too_large(rest: TooLarge, headers: &HeaderMap, drain_time: Duration) -> Response {
    let declared = content_length(headers);
    let waits_for_continue = headers
        .get("expect")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"));
    if !waits_for_continue {
        let TooLarge(mut stream) = rest;
        let drain = async { while let Some(Ok(_)) = futures_util::StreamExt::next(&mut stream).await {} };
        let _ = tokio::time::timeout(drain_time, drain).await;
    }
    let size = match declared {
        Some(declared) => format!("body of {declared} bytes"),
        None => "body".to_string(),
    };
    Reply::json(413, json!({"error": format!("{size} larger than the limit of {MAX_BODY_BYTES} bytes")}))
        .header("connection", "close")
        .into_response()
}

fn unknown_scenario(contract: &Contract, name: &str) -> String {
    let names: Vec<&str> = contract.scenarios.iter().map(|s| s.name.as_str()).collect();
    format!("no scenario `{name}` in `{}`; scenarios: {}", contract.name, names.join(", "))
}

fn answer(
    shared: &Shared,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> (Reply, Exchange) {
    let mut exchange = Exchange {
        method: method.to_string(),
        path: path.to_string(),
        operation: None,
        scenario: None,
        expects_client_error: false,
        status: 0,
        problems: Vec::new(),
        mismatches: Vec::new(),
    };
    let model = &shared.model;
    let contract = shared.contract();
    let reply = 'reply: {
        if method == Method::POST
            && let Some((name, _)) = contract.auth.oauth2().find(|(_, oauth)| path == oauth.token_path)
        {
            break 'reply issue_token(shared, name, headers, body);
        }
        if let Some(answer) = crate::oauth::answer(&shared.oauth, contract, &method, path, query, headers, body) {
            if let Some(token) = answer.issued {
                shared.lock().tokens.insert(token);
            }
            let reply = Reply::json(answer.status, answer.body);
            break 'reply answer.headers.into_iter().fold(reply, |reply, (name, value)| reply.header(&name, value));
        }
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let (op, path_params) = match model.route_request(method.as_str(), path, &header, query) {
            RouteMatch::Found(op, params) => (op, params),
            RouteMatch::WrongMethod(allowed) => {
                let message = format!("{method} is not declared for {path}; declared: {}", allowed.join(", "));
                break 'reply Reply::json(405, json!({"error": message})).header("allow", allowed.join(", "));
            }
            RouteMatch::NotFound => {
                let message = format!("no endpoint of `{}` matches {method} {path}", contract.name);
                break 'reply match model.not_found_error() {
                    Some(code) => error_reply(model, code, 404, &message),
                    None => Reply::json(404, json!({"error": message})),
                };
            }
        };
        exchange.operation = Some(op.name.clone());
        let incoming =
            crate::signing::Incoming { method: method.as_str(), path, query, headers, body, nonces: &shared.nonces };
        if !authorized(shared, op, &incoming) {
            let message = "missing or invalid credentials";
            break 'reply match model.auth_error(Some(op)) {
                Some(code) => error_reply(model, code, 401, message),
                None => Reply::json(401, json!({"error": message})),
            }
            .header("www-authenticate", www_authenticate(contract, op));
        }
        let step = match select_step(shared, headers, op) {
            Ok(step) => step,
            Err(message) => break 'reply Reply::json(400, json!({"error": message})),
        };
        if let Some((scenario, index, _)) = &step {
            exchange.scenario = Some((scenario.name.clone(), index + 1));
        }
        let mut rate_headers = Vec::new();
        let buckets = shared.buckets.get(&op.name).into_iter().chain(&shared.quotas);
        for (index, bucket) in buckets.enumerate() {
            let limit = bucket.limit();
            let names = &contract.rate_limits;
            let state = |remaining: u64, reset_after_seconds: u64| rate_headers::BucketState {
                requests: limit.requests,
                window_seconds: limit.window.as_secs(),
                burst: limit.burst,
                remaining,
                reset_after_seconds,
            };
            match bucket.try_take(tokio::time::Instant::now()) {
                // The headers speak of the operation's own limit (the first bucket): the
                // tokens left, and when the bucket is full again.
                Ok(remaining) if index == 0 => {
                    let missing = u64::from(limit.burst.max(1)).saturating_sub(remaining);
                    let per_token = limit.window.as_secs_f64() / f64::from(limit.requests.max(1));
                    let full_in = (missing as f64 * per_token).ceil() as u64;
                    rate_headers.extend(rate_headers::headers(names, state(remaining, full_in), SystemTime::now()));
                }
                Ok(_) => {}
                Err(wait) if step.is_none() => {
                    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                    let message = format!("rate limit of {} per {}s exceeded", limit.requests, limit.window.as_secs());
                    let mut reply = match model.rate_limit_error(op) {
                        Some(code) => error_reply(model, code, 429, &message),
                        None => Reply::json(429, json!({"error": message})),
                    };
                    if let Some(slot) = reply.body.as_mut().and_then(|b| b.pointer_mut("/retry_after"))
                        && (slot.is_number() || slot.is_null())
                    {
                        *slot = json!(seconds);
                    }
                    reply = reply.header("retry-after", seconds.to_string());
                    reply.headers.extend(rate_headers::headers(names, state(0, seconds), SystemTime::now()));
                    break 'reply reply;
                }
                Err(_) => {}
            }
        }
        let request = read_request(model, op, &path_params, query, headers, body);
        exchange.problems.extend(request.problems.iter().map(Problem::to_string));
        if let Some((scenario, index, step)) = &step {
            for problem in step_mismatches(op, step, &request, headers) {
                exchange.mismatches.push(format!("scenario `{}` step {}: {problem}", scenario.name, index + 1));
            }
            let expects_client_error = (400..500).contains(&step.status);
            exchange.expects_client_error = expects_client_error;
            if request.problems.is_empty() || expects_client_error {
                let reply = step_reply(step);
                remember(shared, op, headers, method, path, body, &reply);
                break 'reply with_headers(reply, rate_headers);
            }
        }
        if !request.problems.is_empty() {
            let message = format!(
                "the request does not match the spec: {}",
                request.problems.iter().map(Problem::to_string).collect::<Vec<_>>().join("; ")
            );
            break 'reply match model.validation_error(op) {
                Some(code) => error_reply(model, code, 400, &message),
                None => Reply::json(400, json!({"error": message})),
            };
        }
        if let Some(header) = &op.idempotency_header
            && let Some(key) = headers.get(header.as_str()).and_then(|v| v.to_str().ok())
        {
            let fingerprint = fingerprint(method, path, body);
            let stored = {
                let mut inner = shared.lock();
                let slot = (op.name.clone(), key.to_string());
                // Keys are forgotten after the declared retention.
                let expired = inner.idempotency.get(&slot).is_some_and(|stored| {
                    op.idempotency_retention_seconds
                        .is_some_and(|seconds| stored.stored_at.elapsed() >= Duration::from_secs(seconds))
                });
                if expired {
                    inner.idempotency.remove(&slot);
                }
                inner.idempotency.get(&slot).cloned()
            };
            if let Some(stored) = stored {
                if stored.fingerprint == fingerprint {
                    // The stored answer with this request's rate-limit headers.
                    let mut reply = stored.reply;
                    reply.headers.retain(|(name, _)| !rate_headers.iter().any(|(r, _)| r.eq_ignore_ascii_case(name)));
                    break 'reply with_headers(reply, rate_headers).header("idempotent-replayed", "true");
                }
                let message = format!("idempotency key `{key}` was used with another request");
                break 'reply match model.idempotency_error(op) {
                    Some(code) => error_reply(model, code, 409, &message),
                    None => Reply::json(409, json!({"error": message})),
                };
            }
        }
        let mut reply = with_headers(default_reply(op, &path_params), rate_headers);
        if let Some(link) = crate::pagination::link_header(op, path, query, headers) {
            reply = reply.header("link", link);
        }
        remember(shared, op, headers, method, path, body, &reply);
        reply
    };
    let reply = fill_declared_headers(shared, exchange.operation.as_deref(), reply);
    exchange.status = reply.status;
    (reply, exchange)
}

fn with_headers(mut reply: Reply, headers: Vec<(String, String)>) -> Reply {
    for (name, value) in headers {
        reply = reply.header(&name, value);
    }
    reply
}

/// Declared response headers the answer lacks get a value: `Retry-After` a second, the rate
/// limit headers the full bucket, anything else an example text.
fn fill_declared_headers(shared: &Shared, operation: Option<&str>, mut reply: Reply) -> Reply {
    let Some(op) = operation.and_then(|name| shared.contract().operation(name)) else { return reply };
    let Some(declared) = op.response(reply.status) else { return reply };
    if declared.content_type.is_raw() && reply.raw_media_type.is_none() {
        // A media type range (`image/*`) is no `Content-Type`: the content type's own is sent.
        let media_type = declared.media_type.as_deref().filter(|m| !m.ends_with("/*"));
        reply.raw_media_type = Some(media_type.unwrap_or(declared.content_type.media_type()).to_string());
    }
    let rates = &shared.contract().rate_limits;
    // Rate-limit headers the answer lacks (rate limits not enforced, a scenario's answer):
    // the operation's limit with a full bucket, or an empty one on a 429.
    let rate = op.rate_limit.or(rates.default);
    let state = rate_headers::BucketState {
        requests: rate.map_or(100, |r| r.requests),
        window_seconds: rate.map_or(60, |r| r.window_seconds),
        burst: rate.map_or(100, |r| r.burst),
        remaining: if reply.status == 429 { 0 } else { rate.map_or(100, |r| u64::from(r.burst)).saturating_sub(1) },
        reset_after_seconds: if reply.status == 429 { 1 } else { rate.map_or(60, |r| r.window_seconds) },
    };
    let rate_values = rate_headers::headers(rates, state, SystemTime::now());
    for name in &declared.headers {
        let lower = name.to_ascii_lowercase();
        let value = if lower == "retry-after" {
            "1".to_string()
        } else if rate_headers::is_rate_header(rates, name) {
            match rate_values.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                Some((_, value)) => value.clone(),
                None => continue,
            }
        } else if let Some(example) = declared.header_examples.get(name) {
            // The spec's own example (GitHub's `Link: <…?page=2>; rel="next"`).
            example.clone()
        } else {
            "example".to_string()
        };
        reply = reply.header(name, value);
    }
    reply
}

/// The answer for error `code` where the mock means status `intended` (401 for missing
/// credentials, …): that status when a client classifies it as `code`, else one that it does
/// (a `default` code declared for statuses no other code has).
fn error_reply(model: &Model, code: &ErrorCode, intended: u16, message: &str) -> Reply {
    Reply::json(model.error_status(code, intended), model.error_body(code, message))
}

fn www_authenticate(contract: &Contract, op: &Operation) -> String {
    // The challenge of the operation's preferred credential (RFC 9110 §11.6.1); an API key
    // has no standard challenge, so it gets the bearer one.
    let preferred = op.auth.alternatives.iter().flatten().next().and_then(|name| contract.auth.credential(name));
    let challenge = match preferred.map(|credential| &credential.scheme) {
        Some(AuthScheme::Basic(_)) => "Basic",
        Some(AuthScheme::AwsSigV4(_)) => "AWS4-HMAC-SHA256",
        Some(
            AuthScheme::OAuth2ClientCredentials(_)
            | AuthScheme::Bearer(_)
            | AuthScheme::ApiKey(_)
            | AuthScheme::OAuth2AuthorizationCode(_)
            | AuthScheme::OAuth2JwtBearer(_)
            | AuthScheme::GitHubApp(_)
            | AuthScheme::HmacSignature(_),
        )
        | None => "Bearer",
    };
    format!("{challenge} realm=\"{}\"", contract.name)
}

/// The OAuth2 token endpoint of credential `name` (RFC 6749 §4.4): client credentials in the
/// form body or in Basic auth; errors as §5.2 describes.
fn issue_token(shared: &Shared, name: &str, headers: &HeaderMap, body: &Bytes) -> Reply {
    let form = coerce::decode_form(body);
    let text = |key: &str| form.get(key).and_then(Value::as_str).map(str::to_string);
    if text("grant_type").as_deref() != Some("client_credentials") {
        return Reply::json(400, json!({"error": "unsupported_grant_type"}));
    }
    let (id, secret) = match basic_credentials(headers) {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (text("client_id"), text("client_secret")),
    };
    let valid = shared.accepted.iter().filter(|(held, _)| *held == name).any(|(_, credential)| match credential {
        Credential::ClientCredentials { client_id, client_secret } => {
            id.as_deref() == Some(client_id.as_str()) && secret.as_deref() == Some(client_secret.expose())
        }
        _ => false,
    });
    if !valid {
        return Reply::json(401, json!({"error": "invalid_client"})).header("www-authenticate", "Basic");
    }
    let mut inner = shared.lock();
    inner.issued += 1;
    let token = format!("mock-access-token-{}", inner.issued);
    inner.tokens.insert(token.clone());
    let scope = shared
        .contract()
        .auth
        .oauth2()
        .find(|(held, _)| *held == name)
        .map(|(_, o)| o.scopes.join(" "))
        .unwrap_or_default();
    Reply::json(200, json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600, "scope": scope}))
        .header("cache-control", "no-store")
}

/// Whether the request meets the operation's requirement: any alternative, with an accepted
/// value of every credential it names.
fn authorized(shared: &Shared, op: &Operation, request: &crate::signing::Incoming<'_>) -> bool {
    let auth = &shared.contract().auth;
    if !auth.any() || op.auth.is_public() {
        return true;
    }
    let token_issued = |token: &str| shared.lock().tokens.contains(token);
    shared.accepted.admit(auth, &op.auth, request, &token_issued)
}

/// The scenario step this request plays, if any.
fn select_step<'a>(
    shared: &'a Shared,
    headers: &HeaderMap,
    op: &Operation,
) -> Result<Option<(&'a Scenario, usize, &'a Step)>, String> {
    let contract = shared.contract();
    let from_header = headers.get(SCENARIO_HEADER).and_then(|v| v.to_str().ok());
    let mut inner = shared.lock();
    let (name, index) = match from_header {
        Some(name) => {
            let scenario = contract.scenario(name).ok_or_else(|| unknown_scenario(contract, name))?;
            let index = match headers.get(STEP_HEADER).and_then(|v| v.to_str().ok()) {
                Some(text) => match text.trim().parse::<usize>() {
                    Ok(n) if (1..=scenario.steps.len()).contains(&n) => n - 1,
                    _ => {
                        return Err(format!(
                            "`{STEP_HEADER}: {text}`: scenario `{name}` has steps 1 to {}",
                            scenario.steps.len()
                        ));
                    }
                },
                None => inner.cursors.get(name).copied().unwrap_or(0) % scenario.steps.len().max(1),
            };
            (name.to_string(), index)
        }
        // A selected scenario keeps playing its last step (a client that refreshes its token
        // after a scripted 401 gets the 401 again).
        None => match &inner.active {
            Some((name, index)) => {
                let steps = contract.scenario(name).map_or(1, |s| s.steps.len()).max(1);
                (name.clone(), (*index).min(steps - 1))
            }
            None => return Ok(None),
        },
    };
    let Some(scenario) = contract.scenario(&name) else { return Ok(None) };
    let Some(step) = scenario.steps.get(index) else { return Ok(None) };
    if step.operation != op.name {
        return Ok(None);
    }
    if from_header.is_some() {
        inner.cursors.insert(name, (index + 1) % scenario.steps.len().max(1));
    } else {
        inner.active = Some((name, index + 1));
    }
    Ok(Some((scenario, index, step)))
}

/// A request decoded by the operation's declarations.
struct Decoded {
    path: Map<String, Value>,
    query: Map<String, Value>,
    body: Option<Value>,
    problems: Vec<Problem>,
}

fn read_request(
    model: &Model,
    op: &Operation,
    path_params: &Map<String, Value>,
    query: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Decoded {
    let defs = &model.contract.schemas;
    let mut problems = Vec::new();
    let mut path = Map::new();
    for param in &op.path_params {
        let value = match path_params.get(&param.name).and_then(Value::as_str) {
            Some(raw) => {
                let serialization = param.serialization(ParamLocation::Path);
                coerce::path_param(raw, &param.name, &param.schema, defs, serialization)
            }
            None => Value::Null,
        };
        let value = coerce::coerce(value, &param.schema, defs);
        problems.extend(model.validate(&param.schema, &value, &format!("path/{}", param.name)));
        path.insert(param.name.clone(), value);
    }
    let raw_query = coerce::decode_form(query.as_bytes());
    let mut decoded_query = Map::new();
    let names: Vec<&str> = op.query.iter().map(|p| p.name.as_str()).collect();
    for param in &op.query {
        let serialization = param.serialization(ParamLocation::Query);
        match coerce::query_param(query, &raw_query, &param.name, &param.schema, defs, serialization, &names) {
            Some(value) => {
                let value = coerce::coerce(value, &param.schema, defs);
                problems.extend(model.validate(&param.schema, &value, &format!("query/{}", param.name)));
                decoded_query.insert(param.name.clone(), value);
            }
            None if param.required => {
                problems.push(Problem { at: format!("query/{}", param.name), message: "required, missing".into() })
            }
            None => {}
        }
    }
    // Headers the spec puts on every request: present, and a UUID where it says so.
    for header in &model.contract.headers {
        match headers.get(header.name.as_str()).and_then(|v| v.to_str().ok()) {
            None => problems.push(Problem {
                at: format!("header/{}", header.name),
                message: "required on every request, missing".into(),
            }),
            Some(text) if header.generate_uuid && accord_runtime::uuid::Uuid::try_parse(text).is_err() => problems
                .push(Problem { at: format!("header/{}", header.name), message: format!("`{text}` is not a UUID") }),
            Some(_) => {}
        }
    }
    for param in &op.headers {
        match headers.get(param.name.as_str()).and_then(|v| v.to_str().ok()) {
            Some(text) => {
                let (_, explode) = param.serialization(ParamLocation::Header);
                let value =
                    coerce::coerce(coerce::header_param(text, &param.schema, defs, explode), &param.schema, defs);
                problems.extend(model.validate(&param.schema, &value, &format!("header/{}", param.name)));
            }
            None if param.required => {
                problems.push(Problem { at: format!("header/{}", param.name), message: "required, missing".into() })
            }
            None => {}
        }
    }
    let mut decoded_body = None;
    if let Some(declared) = &op.body {
        if body.is_empty() {
            if declared.required {
                problems.push(Problem { at: "body".into(), message: "required, missing".into() });
            }
        } else {
            let value = match declared.content_type {
                ContentType::Json => serde_json::from_slice::<Value>(body).map_err(|e| format!("not JSON: {e}")),
                ContentType::Form => {
                    Ok(coerce::coerce(Value::Object(coerce::decode_form(body)), &declared.schema, defs))
                }
                ContentType::Multipart => {
                    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok());
                    crate::multipart::decode(body, content_type, &declared.file_fields)
                        .map(|object| coerce::coerce(Value::Object(object), &declared.schema, defs))
                }
                // Sent as they are: the media type is checked, the bytes are the body (as
                // text, for comparing with a scenario's).
                ContentType::Text | ContentType::Binary => {
                    let sent = headers.get("content-type").and_then(|v| v.to_str().ok());
                    if let Some(problem) =
                        raw_media_problem(declared.content_type, declared.media_type.as_deref(), sent)
                    {
                        problems.push(Problem { at: "header/content-type".into(), message: problem });
                    }
                    match declared.content_type {
                        ContentType::Text => std::str::from_utf8(body)
                            .map(|text| Value::String(text.to_string()))
                            .map_err(|e| format!("not UTF-8 text: {e}")),
                        _ => Ok(Value::String(String::from_utf8_lossy(body).into_owned())),
                    }
                }
            };
            match value {
                Ok(value) => {
                    if !declared.content_type.is_raw() {
                        problems.extend(model.validate(&declared.schema, &value, "body"));
                    }
                    decoded_body = Some(value);
                }
                Err(message) => problems.push(Problem { at: "body".into(), message }),
            }
        }
    }
    Decoded { path, query: decoded_query, body: decoded_body, problems }
}

/// What is wrong with the `Content-Type` a raw (`text` or `binary`) body came with, given the
/// declared media type (`None`: the content type's own, or any for `binary`); media types
/// compare without parameters and case-insensitively (RFC 9110 §8.3.1), `image/*` admits
/// any `image/…`.
fn raw_media_problem(content_type: ContentType, declared: Option<&str>, sent: Option<&str>) -> Option<String> {
    let sent = sent.map(|s| s.split(';').next().unwrap_or(s).trim().to_ascii_lowercase());
    let expected = declared.unwrap_or(content_type.media_type()).to_ascii_lowercase();
    // A `binary` body without a declared media type may be any bytes.
    if declared.is_none() && content_type == ContentType::Binary {
        return None;
    }
    let fits = sent.as_deref().is_some_and(|sent| match expected.strip_suffix('*') {
        Some(prefix) => sent.starts_with(prefix),
        None => sent == expected,
    });
    (!fits).then(|| format!("expected `{expected}`, got {}", sent.map(|s| format!("`{s}`")).unwrap_or("none".into())))
}

/// Where the request differs from what the scenario step sends.
fn step_mismatches(op: &Operation, step: &Step, request: &Decoded, headers: &HeaderMap) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut check = |actual: &Value, expected: &Value, at: &str| {
        if let Err(problem) = includes(actual, expected, at) {
            problems.push(problem);
        }
    };
    check(&Value::Object(request.path.clone()), &Value::Object(step.path.clone()), "path");
    check(&Value::Object(request.query.clone()), &Value::Object(step.query.clone()), "query");
    if let Some(expected) = &step.body {
        check(request.body.as_ref().unwrap_or(&Value::Null), expected, "body");
    }
    for (name, expected) in &step.headers {
        let actual = headers.get(name.as_str()).and_then(|v| v.to_str().ok());
        // As the client writes it: the `simple` style (a list as `a,b`).
        let explode = op
            .headers
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .is_some_and(|p| p.serialization(ParamLocation::Header).1);
        let expected_text = accord_runtime::style::header_text(expected, explode).unwrap_or_default();
        if actual != Some(expected_text.as_str()) {
            problems.push(Problem {
                at: format!("header/{name}"),
                message: format!(
                    "expected `{expected_text}`, got {}",
                    actual.map(|a| format!("`{a}`")).unwrap_or("nothing".into())
                ),
            });
        }
    }
    problems
}

fn step_reply(step: &Step) -> Reply {
    let mut reply =
        Reply { status: step.status, headers: Vec::new(), body: step.response_body.clone(), raw_media_type: None };
    for (name, value) in &step.response_headers {
        reply = reply.header(name, value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string()));
    }
    reply
}

/// The operation's first 2xx response, its example with path parameter values copied into
/// top-level fields of the same name (`GET /orders/ORD-1` answers `order_id: ORD-1`).
fn default_reply(op: &Operation, path_params: &Map<String, Value>) -> Reply {
    let Some(success) = op.success() else {
        return Reply { status: 204, headers: Vec::new(), body: None, raw_media_type: None };
    };
    let mut body = success.example.clone().filter(|_| success.schema.is_some());
    if let Some(Value::Object(object)) = &mut body {
        for (name, value) in path_params {
            if let Some(slot) = object.get_mut(name)
                && slot.is_string()
            {
                *slot = value.clone();
            }
        }
    }
    // A `2XX` range is answered with the first status of it that nothing declares exactly.
    let status = success
        .status
        .statuses()
        .find(|status| op.response(*status).is_some_and(|r| std::ptr::eq(r, success)))
        .unwrap_or(200);
    Reply { status, headers: Vec::new(), body, raw_media_type: None }
}

fn fingerprint(method: &Method, path: &str, body: &Bytes) -> String {
    format!("{method} {path} {}", String::from_utf8_lossy(body))
}

/// Stores a non-5xx answer under the request's idempotency key.
fn remember(
    shared: &Shared,
    op: &Operation,
    headers: &HeaderMap,
    method: &Method,
    path: &str,
    body: &Bytes,
    reply: &Reply,
) {
    let Some(header) = &op.idempotency_header else { return };
    let Some(key) = headers.get(header.as_str()).and_then(|v| v.to_str().ok()) else { return };
    if reply.status >= 500 {
        return;
    }
    let stored = Stored {
        fingerprint: fingerprint(method, path, body),
        reply: reply.clone(),
        stored_at: tokio::time::Instant::now(),
    };
    shared.lock().idempotency.entry((op.name.clone(), key.to_string())).or_insert(stored);
}

async fn deliver_event(
    shared: &Arc<Shared>,
    event_type: &str,
    url: Option<&str>,
    payload: Option<Value>,
) -> Result<Delivery, String> {
    let contract = shared.contract();
    let webhooks = contract.webhooks.as_ref().ok_or_else(|| format!("`{}` declares no webhooks", contract.name))?;
    let url = url
        .map(str::to_string)
        .or_else(|| shared.options.webhook_url.clone())
        .ok_or_else(|| "no webhook URL: pass one or start the mock with --webhook-url".to_string())?;
    if webhooks.scheme.is_none() {
        return Err(deliver::unsigned(event_type));
    }
    let secret =
        shared.options.webhook_secret.clone().unwrap_or_else(|| Secret::new(webhooks.test_signing_key.clone()));
    let handshake_first = !shared.lock().handshaken.contains(&url);
    let time_scale = shared.options.webhook_time_scale;
    let delivery =
        deliver::deliver(&shared.http, webhooks, event_type, payload, &url, &secret, time_scale, handshake_first)
            .await?;
    let mut inner = shared.lock();
    if delivery.handshake.as_ref().is_some_and(|h| h.passed) {
        inner.handshaken.insert(url);
    }
    inner.deliveries.push(delivery.clone());
    Ok(delivery)
}

/// The control API: `GET /__accord` (what this mock serves), `POST /__accord/scenario`
/// `{"name": …}` and `DELETE /__accord/scenario`, `POST /__accord/reset` (forget keys,
/// tokens, cursors and the log), `GET /__accord/exchanges`, `POST /__accord/webhooks`
/// `{"event": …, "url"?: …, "payload"?: …}` (answers when delivery ends; `202` and runs in
/// the background with `"wait": false`), and `GET /__accord/webhooks` (deliveries so far).
async fn control(shared: &Arc<Shared>, method: &Method, path: &str, body: &Bytes) -> Reply {
    let contract = shared.contract();
    let input: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let rest = path.trim_start_matches(CONTROL_PREFIX);
    match (method.as_str(), rest) {
        ("GET", "" | "/") => Reply::json(
            200,
            json!({
                "accord_mock": contract.name,
                "title": contract.title,
                "operations": contract.operations.iter().map(|o| format!("{} {}", o.method, o.path)).collect::<Vec<_>>(),
                "scenarios": contract.scenarios.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
                "events": contract.webhooks.iter().flat_map(|w| w.events.iter().map(|e| e.event_type.clone())).collect::<Vec<_>>(),
            }),
        ),
        ("POST", "/scenario") => {
            let Some(name) = input.get("name").and_then(Value::as_str) else {
                return Reply::json(400, json!({"error": "expected {\"name\": SCENARIO}"}));
            };
            if contract.scenario(name).is_none() {
                return Reply::json(404, json!({"error": unknown_scenario(contract, name)}));
            }
            shared.lock().active = Some((name.to_string(), 0));
            Reply::json(200, json!({"playing": name}))
        }
        ("DELETE", "/scenario") => {
            shared.lock().active = None;
            Reply::json(200, json!({"playing": null}))
        }
        ("POST", "/reset") => {
            let mut inner = shared.lock();
            let deliveries = std::mem::take(&mut inner.deliveries);
            *inner = Inner { deliveries, ..Inner::default() };
            shared.oauth.reset();
            Reply::json(200, json!({"reset": true}))
        }
        // Every refresh token of the OAuth 2.0 flows revoked (oauth.rs).
        ("POST", "/oauth/revoke") => {
            shared.oauth.revoke();
            Reply::json(200, json!({"revoked": true}))
        }
        ("GET", "/exchanges") => Reply::json(200, json!(shared.lock().log)),
        ("GET", "/webhooks") => Reply::json(200, json!(shared.lock().deliveries)),
        ("POST", "/webhooks") => {
            let Some(event) = input.get("event").and_then(Value::as_str).map(str::to_string) else {
                return Reply::json(400, json!({"error": "expected {\"event\": EVENT_TYPE, \"url\"?: URL}"}));
            };
            let url = input.get("url").and_then(Value::as_str).map(str::to_string);
            let payload = input.get("payload").cloned();
            if input.get("wait") == Some(&Value::Bool(false)) {
                let shared = shared.clone();
                tokio::spawn(async move {
                    if let Err(message) = deliver_event(&shared, &event, url.as_deref(), payload).await {
                        tracing::warn!(target: "accord_mock", "webhook delivery failed: {message}");
                    }
                });
                return Reply::json(202, json!({"delivering": input.get("event")}));
            }
            match deliver_event(shared, &event, url.as_deref(), payload).await {
                Ok(delivery) => Reply::json(200, json!(delivery)),
                Err(message) => Reply::json(400, json!({"error": message})),
            }
        }
        _ => Reply::json(404, json!({"error": format!("no control endpoint {method} {path}")})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_bodies_must_come_with_their_declared_media_type() {
        let text = ContentType::Text;
        assert_eq!(raw_media_problem(text, Some("text/csv"), Some("text/csv; charset=utf-8")), None);
        assert_eq!(raw_media_problem(text, Some("text/csv"), Some("TEXT/CSV")), None);
        assert_eq!(raw_media_problem(text, None, Some("text/plain")), None);
        assert_eq!(
            raw_media_problem(text, Some("text/csv"), Some("application/json")).as_deref(),
            Some("expected `text/csv`, got `application/json`")
        );
        assert_eq!(raw_media_problem(text, None, None).as_deref(), Some("expected `text/plain`, got none"));
        let binary = ContentType::Binary;
        assert_eq!(raw_media_problem(binary, Some("image/*"), Some("image/png")), None);
        assert!(raw_media_problem(binary, Some("image/*"), Some("application/pdf")).is_some());
        // Undeclared, a binary body may be any bytes.
        assert_eq!(raw_media_problem(binary, None, Some("application/zip")), None);
    }
}
