//! accord's contract in action: a spec-driven mock server ([`MockServer`], `accord mock`)
//! and provider verification ([`verify()`], `accord verify`), both driven by an
//! [`accord_contract::Contract`] — the `contract.json` the compiler writes into each
//! generated crate.
//!
//! The mock routes every declared endpoint, validates requests with the `jsonschema` crate,
//! enforces declared auth, rate limits and idempotency, plays scenarios (including
//! multi-step ones and ones that need provider state), and delivers signed webhooks on the
//! declared retry schedule. The verifier sends the same scenarios to any server and reports
//! every deviation from the contract. [`contract_test`] holds what generated contract tests
//! call around each scenario step.

pub mod coerce;
pub mod contract_test;
mod credentials;
mod deliver;
mod handshake;
mod listen;
mod model;
mod multipart;
mod oauth;
mod pagination;
mod rate_headers;
mod receiver;
mod route_keys;
mod server;
mod signing;
mod tls;
mod verify;

pub use accord_contract::Contract;
/// The secret type of [`MockOptions::webhook_secret`].
pub use accord_runtime::Secret;
pub use credentials::{Credential, Credentials};
pub use deliver::{Attempt, Delivery};
pub use handshake::{HandshakeAttempt, answers_challenge};
pub use model::{Model, Problem, RouteMatch};
pub use oauth::{
    FlowCredential, LEEWAY_SECONDS, TEST_ONLY_RSA_PRIVATE_KEY, TEST_ONLY_RSA_PUBLIC_KEY, TEST_REDIRECT_URI,
    TEST_REFRESH_TOKEN, jwt_public_keys, jwt_public_keys_from_env, test_client_authentication, test_token_store,
};
pub use receiver::{HandshakeAnswer, Received, WebhookReceiver};
pub use server::{
    CONTROL_PREFIX, Exchange, KEPT_BYTES, MockOptions, MockServer, RECEIVED_BYTES_HEADER, RECEIVED_SHA256_HEADER,
    SCENARIO_HEADER, STEP_HEADER, STREAM_BYTES_HEADER, pattern, pattern_sha256, serve,
};
pub use tls::MockTls;
/// The tokio the mock runs on, for `#[tokio::test]` in generated contract tests.
pub use tokio;
pub use verify::{
    DEFAULT_MAX_BODY_BYTES, Report, ScenarioResult, StepResult, Verdict, VerifyOptions, check_response, verify,
};
