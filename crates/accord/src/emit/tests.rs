//! The contract test emitter: `tests/contract.rs` of a client crate. Every scenario runs the
//! generated client against `accord mock` (in process, on 127.0.0.1) playing that scenario;
//! the mock validates each request against the spec and the scenario, and the test asserts
//! the typed outcome. Every webhook event is signed and verified, and must fail when
//! tampered with or replayed late; the mock's own signed deliveries must verify. When the
//! spec declares no signature scheme, every event's example only parses into its variant.
//! A scenario step is its typed call and the typed match on the outcome; the rest (the mock,
//! the step's values, the assertions) is `accord_mock::contract_test`'s.
//! `provider_verification` runs the scenarios against a real server when its base-URL
//! variable is set (and says it was skipped otherwise).

use std::path::PathBuf;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::emitter::GeneratedFile;
use super::rust::print::rust_file;
use super::rust::tokens::{ident, type_tokens_in};
use crate::ir::*;

/// Generates `NAME/tests/contract.rs`.
pub fn generate(ir: &Ir) -> GeneratedFile {
    let krate = ident(&ir.lib_name);
    let scenarios: Vec<TokenStream> = ir.scenarios.iter().map(|s| scenario(ir, s)).collect();
    let mut webhook_tests: Vec<TokenStream> = Vec::new();
    let mut mock_webhooks = None;
    if let Some(webhooks) = &ir.webhooks {
        match &webhooks.signature {
            Some(signature) => {
                webhook_tests.push(webhook_helpers(ir, webhooks, signature));
                webhook_tests.extend(webhooks.events.iter().map(|event| webhook_test(ir, webhooks, signature, event)));
                webhook_tests.extend(webhook_unknown_event_test(ir, webhooks, signature));
                webhook_tests.extend(webhook_unrecognised_shape_test(ir, webhooks, signature));
                webhook_tests.extend(webhook_mixed_batch_test(ir, webhooks, signature));
                webhook_tests.extend(webhook_handshake_test(ir, webhooks));
                mock_webhooks = Some(mock_webhook_test(ir, webhooks, signature));
            }
            // Nothing to sign or verify with: the tests parse, and the mock (which refuses
            // to deliver what it cannot sign) is not asked to deliver.
            None => {
                webhook_tests.push(unsigned_webhook_helpers(webhooks));
                webhook_tests.extend(webhooks.events.iter().map(|event| unsigned_webhook_test(ir, webhooks, event)));
                webhook_tests.extend(unsigned_unknown_event_test(ir, webhooks));
                webhook_tests.extend(webhook_handshake_test(ir, webhooks));
            }
        }
    }
    let auth_setup = auth_setup(ir);
    let provider = provider_test(ir);
    let tokens = quote! {
        //! Contract tests generated from the spec's scenarios and webhook events. Scenarios run
        //! the generated client against `accord mock` (in process, on an ephemeral port),
        //! which validates every request against the spec; `provider_verification` runs the
        //! same scenarios against a real server.
        #![allow(unused_imports, dead_code, clippy::all)]

        use ::accord_mock::contract_test::{ScenarioTest, json_response};
        use ::accord_mock::{Contract, MockOptions, MockServer};
        use ::accord_runtime::serde_json::{self, json, Value};

        /// The spec's contract, as `accord generate` wrote it beside this crate, read once.
        fn contract() -> &'static Contract {
            static CONTRACT: ::std::sync::OnceLock<Contract> = ::std::sync::OnceLock::new();
            CONTRACT.get_or_init(|| Contract::from_json(include_str!("../contract.json")).expect("contract.json is an accord contract"))
        }

        /// A client for `server`, with the mock's test credentials for the declared auth.
        async fn client_for(server: &MockServer) -> #krate::Client {
            #auth_setup
        }

        #(#scenarios)*

        #provider

        #(#webhook_tests)*

        #mock_webhooks
    };
    rust_file(ir, PathBuf::from(&ir.name).join("tests/contract.rs"), tokens)
}

fn json_tokens(value: &Value) -> TokenStream {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    let literal = Literal::string(&text);
    quote!(serde_json::from_str::<Value>(#literal).expect("spec JSON"))
}

fn auth_setup(ir: &Ir) -> TokenStream {
    let krate = ident(&ir.lib_name);
    let auth = &ir.auth;
    // The mock's test value of every credential, as `accord_mock::Credentials::test` gives
    // them; the client emitter knows how each scheme's builder setter takes it.
    let setup = super::rust::test_credentials(auth);
    quote! {
        // Each scenario checks one exchange; retrying is the resilience suite's subject.
        let builder = #krate::Client::builder().base_url(server.uri()).retry_policy(::accord_runtime::RetryPolicy::NO_RETRIES);
        #setup
        builder.build().expect("the client builds")
    }
}

fn scenario(ir: &Ir, scenario: &ScenarioIr) -> TokenStream {
    let test_name = ident(&scenario.test_name);
    let mut text = format!("Scenario `{}`", scenario.name);
    if let Some(description) = &scenario.description {
        text.push_str(&format!(": {description}"));
    }
    let docs: Vec<TokenStream> = text
        .lines()
        .map(|l| {
            let l = format!(" {l}");
            quote!(#[doc = #l])
        })
        .collect();
    let steps: Vec<TokenStream> =
        scenario.steps.iter().enumerate().map(|(index, step)| scenario_step(ir, index + 1, step)).collect();
    // One block per step when there are several, so that each reads apart.
    let steps = if steps.len() > 1 { steps.into_iter().map(|step| quote!({ #step })).collect() } else { steps };
    let name = Literal::string(&scenario.name);
    quote! {
        #(#docs)*
        #[::accord_mock::tokio::test(crate = "::accord_mock::tokio")]
        async fn #test_name() {
            let scenario = ScenarioTest::start(contract(), #name).await;
            let client = client_for(scenario.server()).await;
            #(#steps)*
            scenario.finish();
        }
    }
}

/// One step: the typed call with the step's values (path and required query and header
/// parameters as arguments, optional ones through setters, the body decoded into its model),
/// then the typed match on the outcome. Everything else is `accord_mock::contract_test`'s.
fn scenario_step(ir: &Ir, number: usize, step: &StepIr) -> TokenStream {
    let krate = ident(&ir.lib_name);
    let op = &ir.operations[step.operation];
    let number = Literal::usize_unsuffixed(number);
    let status = Literal::u16_unsuffixed(step.status);
    let mut arguments = Vec::new();
    for param in &op.path_params {
        arguments.push(step_value(ir, "path", param));
    }
    let mut setters = Vec::new();
    for param in &op.query {
        let given = step.query.iter().any(|(name, _)| name == &param.wire_name);
        if param.required {
            arguments.push(step_value(ir, "query", param));
        } else if given {
            let setter = ident(&param.rust_name);
            let value = step_value(ir, "query", param);
            setters.push(quote!(.#setter(#value)));
        }
    }
    for param in op.headers.iter().filter(|p| p.required) {
        arguments.push(step_value(ir, "header", param));
    }
    if let Some(header) = &op.idempotency_header
        && step.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case(header))
    {
        setters.push(quote!(.idempotency_key(step.idempotency_key())));
    }
    let method_name = ident(&op.method_name);
    let call = match (&op.body, &step.body) {
        (Some(body), Some(_)) => {
            // A `text` or `binary` body is the scenario's string, sent as it is.
            let (ty, argument) = match body.content_type {
                ContentType::Json | ContentType::Form | ContentType::Multipart => {
                    (type_tokens_in(&body.ty, &super::rust::syntax::path(&format!("::{}", ir.lib_name))), quote!(&body))
                }
                ContentType::Text => (quote!(::std::string::String), quote!(&body)),
                ContentType::Binary if body.stream => {
                    (quote!(::std::string::String), quote!(::accord_runtime::Upload::bytes(body.into_bytes())))
                }
                ContentType::Binary => (quote!(::std::string::String), quote!(body.as_bytes())),
            };
            let required_body = body.required.then(|| argument.clone());
            let optional_body = (!body.required).then(|| quote!(.body(#argument)));
            let sent = quote!(client.#method_name(#(#arguments,)* #required_body) #(#setters)* #optional_body .send_full().await);
            // A streamed success body is read to its end to compare it with the step's.
            let sent = match op.success_stream {
                Some(_) => quote!(::accord_mock::contract_test::collect_stream(#sent).await),
                None => sent,
            };
            quote! {
                let outcome = match step.body::<#ty>() {
                    Ok(body) => #sent.map(json_response),
                    // The scenario sends a body its model rejects (a validation-error case): send it as is.
                    Err(_) => client.send_raw(&step.raw_request()).await,
                };
            }
        }
        _ => match op.success_stream {
            // A streamed success body is read to its end to compare it with the step's.
            Some(_) => quote! {
                let outcome = ::accord_mock::contract_test::collect_stream(
                    client.#method_name(#(#arguments),*) #(#setters)* .send_full().await,
                ).await;
            },
            None => quote! {
                let outcome = client.#method_name(#(#arguments),*) #(#setters)* .send_full().await;
            },
        },
    };
    let expectation = match &step.error {
        Some(code) => {
            let variant = ir.error_code(code).map(|c| ident(&c.variant)).unwrap_or_else(|| ident("Unknown"));
            quote! {
                match outcome {
                    Err(#krate::Error::Api(error @ #krate::ApiError::#variant(_))) => step.assert_error(#status, error.code(), error.status()),
                    other => step.unexpected(other),
                }
            }
        }
        None => quote!(step.assert_success(#status, outcome);),
    };
    quote! {
        let step = scenario.step(#number);
        #call
        #expectation
    }
}

/// The step's value of a parameter (`place` is `path`, `query` or `header`), typed as the
/// client's method takes it.
fn step_value(ir: &Ir, place: &str, param: &Param) -> TokenStream {
    let rust_type = type_tokens_in(&param.ty, &super::rust::syntax::path(&format!("::{}", ir.lib_name)));
    let place = ident(place);
    let name = Literal::string(&param.wire_name);
    quote!(step.#place::<#rust_type>(#name))
}

/// Test keys for a scheme: (signing key, verifying key, another valid verifying key). HMAC
/// schemes sign and verify with one secret; Ed25519 signs with the seed and verifies with the
/// public key; ECDSA P-256 signs with a PKCS#8 private key and verifies with the public key. Values: the Standard Webhooks reference tests' key and the v1a test seed and
/// its public key (corpus `schemes.yaml`); the other Ed25519 key is the public key of the seed
/// `accord-contract-test-other-key!!`.
pub fn test_keys(signature: &SignatureIr) -> (String, String, String) {
    let prefix = signature.key.prefix.clone().unwrap_or_default();
    let signing_prefix = signature.key.signing_prefix.clone().unwrap_or_else(|| prefix.clone());
    match (signature.algorithm, signature.key.encoding) {
        (SignatureAlgorithm::Ed25519, _) => (
            format!("{signing_prefix}VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk="),
            format!("{prefix}ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g="),
            format!("{prefix}DAPlc41jec5lPssyrkRWUamjIJ4xgDsawr7ZnFw/Kcg="),
        ),
        // DER keys (PKCS#8 to sign, SubjectPublicKeyInfo to verify) whose private scalars are
        // SHA-256 of `accord-contract-test-ecdsa-p256` and `…-other`, reduced mod n: derived
        // by accord-runtime/tests/webhook/ecdsa/make_vectors.py, which signs its vectors with
        // the first.
        (SignatureAlgorithm::EcdsaP256, KeyEncoding::Hex) => (
            format!(
                "{signing_prefix}308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b020101042061473cf5df495c2b4310fe80cdba1e7a75b328b2e0fd80e6d0c7a6e138874d26a14403420004f3b4aa4aaa8c0453a4991cc0589f822345a46a88783d66e6965ff4bd4df1fb22452a1c871e580894b8e5d629e237b8e281fc39fbb9817ea063985ab602721188"
            ),
            format!(
                "{prefix}3059301306072a8648ce3d020106082a8648ce3d03010703420004f3b4aa4aaa8c0453a4991cc0589f822345a46a88783d66e6965ff4bd4df1fb22452a1c871e580894b8e5d629e237b8e281fc39fbb9817ea063985ab602721188"
            ),
            format!(
                "{prefix}3059301306072a8648ce3d020106082a8648ce3d030107034200047f292a19c03fbeac0c7b2f2cb8cbd7b5127e9d5ca48d571b6d6f15fe6788f6730db39c09216c8d14e2d064e283cddaf3ece71d758380584c700eda4300e3c835"
            ),
        ),
        (SignatureAlgorithm::EcdsaP256, KeyEncoding::Base64 | KeyEncoding::Utf8) => (
            format!(
                "{signing_prefix}MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYUc89d9JXCtDEP6AzboeenWzKLLg/YDm0Mem4TiHTSahRANCAATztKpKqowEU6SZHMBYn4IjRaRqiHg9ZuaWX/S9TfH7IkUqHIceWAiUuOXWKeI3uOKB/Dn7uYF+oGOYWrYCchGI"
            ),
            format!(
                "{prefix}MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE87SqSqqMBFOkmRzAWJ+CI0Wkaoh4PWbmll/0vU3x+yJFKhyHHlgIlLjl1iniN7jigfw5+7mBfqBjmFq2AnIRiA=="
            ),
            format!(
                "{prefix}MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfykqGcA/vqwMey8suMvXtRJ+nVykjVcbbW8V/meI9nMNs5wJIWyNFOLQZOKDzdrz7OcddYOAWExwDtpDAOPINQ=="
            ),
        ),
        (SignatureAlgorithm::HmacSha256 | SignatureAlgorithm::HmacSha1, KeyEncoding::Base64) => (
            format!("{prefix}MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            format!("{prefix}MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            format!("{prefix}c29tZW9uZSBlbHNlJ3Mga2V5IGJ5dGVz"),
        ),
        (SignatureAlgorithm::HmacSha256 | SignatureAlgorithm::HmacSha1, KeyEncoding::Hex) => (
            format!("{prefix}6163636f72642d636f6e74726163742d74657374"),
            format!("{prefix}6163636f72642d636f6e74726163742d74657374"),
            format!("{prefix}736f6d656f6e652d656c7365"),
        ),
        (SignatureAlgorithm::HmacSha256 | SignatureAlgorithm::HmacSha1, KeyEncoding::Utf8) => {
            ("contract_test_secret".into(), "contract_test_secret".into(), "someone_else".into())
        }
    }
}

/// Helpers shared by the webhook tests: keys, the URL Twilio-style schemes sign, and a signed
/// delivery's headers (with the event type and id headers the spec declares).
fn webhook_helpers(ir: &Ir, webhooks: &WebhooksIr, signature: &SignatureIr) -> TokenStream {
    let krate = ident(&ir.lib_name);
    let (signing, verifying, other) = test_keys(signature);
    let url_arg = signature.signs_url().then(|| quote!(URL,));
    let (event_type_param, event_header, id_header) = delivery_header_tokens(webhooks, signature.id_header.as_ref());
    quote! {
        /// Unix time the webhook tests sign at, seconds.
        const TIMESTAMP: i64 = 1_700_000_000;
        /// The request URL, for schemes that sign it.
        const URL: &str = "https://hooks.example.com/accord?source=contract-test";

        fn at(seconds: i64) -> ::std::time::SystemTime {
            ::std::time::UNIX_EPOCH + ::std::time::Duration::from_secs(seconds as u64)
        }

        /// (signing key, verifying key, someone else's verifying key).
        fn webhook_keys() -> (::accord_runtime::Secret, ::accord_runtime::Secret, ::accord_runtime::Secret) {
            (::accord_runtime::Secret::new(#signing), ::accord_runtime::Secret::new(#verifying), ::accord_runtime::Secret::new(#other))
        }

        /// Headers of `body` signed as the provider would, with the event type `event_type`.
        fn signed_headers(body: &[u8], #event_type_param: &str) -> ::accord_runtime::header::HeaderMap {
            let (signing, _, _) = webhook_keys();
            let mut headers = ::accord_runtime::header::HeaderMap::new();
            for (name, value) in #krate::webhooks::sign(body, #url_arg &signing, TIMESTAMP).expect("the test key signs") {
                let name = ::accord_runtime::header::HeaderName::from_bytes(name.as_bytes()).expect("header name");
                headers.insert(name, value.parse().expect("header value"));
            }
            #event_header
            #id_header
            headers
        }
    }
}

/// What a test delivery adds to its headers besides a signature: the name of the helper's
/// event-type parameter (`_event_type` when the type travels in the payload), the event type
/// header and the delivery id header the spec declares, unless `signed_id_header` (the
/// scheme's own, which signing sets) is that header.
fn delivery_header_tokens(
    webhooks: &WebhooksIr,
    signed_id_header: Option<&String>,
) -> (proc_macro2::Ident, Option<TokenStream>, Option<TokenStream>) {
    let event_header = webhooks.event_header.as_ref().map(|header| {
        let header = Literal::string(header);
        quote!(headers.insert(#header, event_type.parse().expect("header value"));)
    });
    // The event type travels in the payload unless a header carries it.
    let event_type_param = ident(if webhooks.event_header.is_some() { "event_type" } else { "_event_type" });
    let id_header =
        webhooks.event_id_header.as_ref().filter(|header| Some(*header) != signed_id_header).map(|header| {
            let header = Literal::string(header);
            quote!(headers.insert(#header, "72d3162e-cc78-11e3-81ab-4c9367dc0958".parse().expect("header value"));)
        });
    (event_type_param, event_header, id_header)
}

/// The helper of the unsigned webhook tests: a delivery's headers (the event type and id
/// headers the spec declares), with no signature because the spec declares no scheme.
fn unsigned_webhook_helpers(webhooks: &WebhooksIr) -> TokenStream {
    let (event_type_param, event_header, id_header) = delivery_header_tokens(webhooks, None);
    // Without a header to add, the map stays empty (and `mut` would be warned about).
    let mutable = (event_header.is_some() || id_header.is_some()).then(|| quote!(mut));
    quote! {
        /// Headers of a delivery of `event_type` as the provider would send it. Nothing is
        /// signed: the spec declares no signature scheme.
        fn delivery_headers(#event_type_param: &str) -> ::accord_runtime::header::HeaderMap {
            let #mutable headers = ::accord_runtime::header::HeaderMap::new();
            #event_header
            #id_header
            headers
        }
    }
}

/// A test delivery's body: the payload, or for a batch provider a batch of one.
fn batch_of(webhooks: &WebhooksIr, payload: Value) -> Value {
    if webhooks.batch { Value::Array(vec![payload]) } else { payload }
}

/// What turns a batch's result into its one event (tests deliver batches of one).
fn one_of_batch(webhooks: &WebhooksIr) -> Option<TokenStream> {
    webhooks.batch.then(|| quote!(.map(|all| all.into_iter().next().expect("a batch of one"))))
}

/// The first item of a batch body parsed as JSON (`[0]`), or nothing for a single event.
fn item_of_batch(webhooks: &WebhooksIr) -> Option<TokenStream> {
    webhooks.batch.then(|| quote!([0]))
}

/// An event's example with its event type set where the spec says the type travels, as the
/// contract's examples are.
fn example_of(webhooks: &WebhooksIr, example: &Value, event_type: &str) -> Value {
    let mut example = example.clone();
    if let Some(pointer) = &webhooks.event_type_field {
        crate::lower::set_pointer(&mut example, pointer, Value::String(event_type.to_string()));
    }
    example
}

/// Without a scheme, each event's example parses into its typed variant (nothing is verified).
fn unsigned_webhook_test(ir: &Ir, webhooks: &WebhooksIr, event: &EventIr) -> TokenStream {
    let krate = ident(&ir.lib_name);
    let test_name = ident(&format!("webhook_{}_parses_unverified", event.snake));
    let variant = ident(&event.variant);
    let example = example_of(webhooks, &event.example, &event.event_type);
    // The id is asserted only where the test delivery certainly carries one.
    let has_id = match (&webhooks.event_id_field, &webhooks.event_id_header) {
        (Some(pointer), _) => example.pointer(pointer).is_some_and(Value::is_string),
        (None, Some(_)) => true,
        (None, None) => false,
    };
    let id_check =
        has_id.then(|| quote!(assert!(delivery.id.is_some(), "the delivery id is read for de-duplication");));
    let payload = json_tokens(&batch_of(webhooks, example.clone()));
    let one = one_of_batch(webhooks);
    let event_type = Literal::string(&event.event_type);
    quote! {
        /// Webhook event parses into its typed variant. The spec declares no signature scheme,
        /// so the delivery is decoded, not verified, and there is nothing to tamper with.
        #[test]
        fn #test_name() {
            let body = serde_json::to_vec(&#payload).expect("payload serializes");
            let headers = delivery_headers(#event_type);
            let delivery = #krate::webhooks::parse_delivery(&headers, &body) #one .expect("the example delivery parses");
            assert!(matches!(delivery.event, #krate::webhooks::Event::#variant(_)), "decoded {:?}", delivery.event);
            assert_eq!(delivery.event.event_type(), #event_type);
            #id_check
        }
    }
}

/// Without a scheme, an undeclared event type still parses, as `Event::Unknown`.
fn unsigned_unknown_event_test(ir: &Ir, webhooks: &WebhooksIr) -> Option<TokenStream> {
    // With no type source (one declared event), every delivery is that event.
    webhooks.event_type_field.as_ref().or(webhooks.event_header.as_ref())?;
    let krate = ident(&ir.lib_name);
    let event = webhooks.events.first()?;
    let payload = json_tokens(&batch_of(webhooks, example_of(webhooks, &event.example, "accord.test.unknown").clone()));
    let (one, item) = (one_of_batch(webhooks), item_of_batch(webhooks));
    Some(quote! {
        /// An event type the spec does not declare arrives as `Event::Unknown` with its raw
        /// payload, not as an error.
        #[test]
        fn webhook_unknown_event_type_is_kept_raw() {
            let body = serde_json::to_vec(&#payload).expect("payload serializes");
            let headers = delivery_headers("accord.test.unknown");
            let event = #krate::webhooks::parse(&headers, &body) #one .expect("an undeclared event type parses");
            match event {
                #krate::webhooks::Event::Unknown { event_type, raw } => {
                    assert_eq!(event_type, "accord.test.unknown");
                    assert_eq!(raw, serde_json::from_slice::<Value>(&body).expect("JSON")#item);
                }
                other => panic!("expected Unknown, got {other:?}"),
            }
        }
    })
}

fn webhook_unknown_event_test(ir: &Ir, webhooks: &WebhooksIr, signature: &SignatureIr) -> Option<TokenStream> {
    // With no type source (one declared event), every delivery is that event.
    webhooks.event_type_field.as_ref().or(webhooks.event_header.as_ref())?;
    let krate = ident(&ir.lib_name);
    let event = webhooks.events.first()?;
    let mut example = event.example.clone();
    if let Some(pointer) = &webhooks.event_type_field {
        *example.pointer_mut(pointer)? = Value::String("accord.test.unknown".into());
    }
    let payload = json_tokens(&batch_of(webhooks, example.clone()));
    let (one, item) = (one_of_batch(webhooks), item_of_batch(webhooks));
    let url_arg = signature.signs_url().then(|| quote!(URL,));
    Some(quote! {
        /// An event type the spec does not declare arrives as `Event::Unknown` with its raw
        /// payload, not as an error.
        #[test]
        fn webhook_unknown_event_type_is_kept_raw() {
            let (_, verifying, _) = webhook_keys();
            let body = serde_json::to_vec(&#payload).expect("payload serializes");
            let headers = signed_headers(&body, "accord.test.unknown");
            let event = #krate::webhooks::verify(&headers, &body, #url_arg &verifying, at(TIMESTAMP)) #one .expect("a signed delivery verifies");
            match event {
                #krate::webhooks::Event::Unknown { event_type, raw } => {
                    assert_eq!(event_type, "accord.test.unknown");
                    assert_eq!(raw, serde_json::from_slice::<Value>(&body).expect("JSON")#item);
                }
                other => panic!("expected Unknown, got {other:?}"),
            }
        }
    })
}

/// A declared event whose signed payload lacks a required field arrives as
/// `Event::Unrecognised` with the verified JSON, not as an error a receiver answers with 4xx
/// (issue 20, item 12). Made for the first event whose payload model has a required field
/// that is neither where the event type nor where the id travels; none such, no test.
fn webhook_unrecognised_shape_test(ir: &Ir, webhooks: &WebhooksIr, signature: &SignatureIr) -> Option<TokenStream> {
    let head = |pointer: &Option<String>| {
        pointer
            .as_deref()
            .and_then(|p| p.strip_prefix('/'))
            .map(|p| p.split('/').next().unwrap_or_default().to_string())
    };
    let kept = [head(&webhooks.event_type_field), head(&webhooks.event_id_field)];
    let (event, field) = webhooks.events.iter().find_map(|event| {
        let TypeExpr::Named(id) = &event.payload else { return None };
        let TypeKind::Struct { fields, .. } = &ir.resolve(id)?.kind else { return None };
        let field = fields.iter().find(|field| {
            field.always_present()
                && !kept.iter().flatten().any(|head| *head == field.wire_name)
                && event.example.get(&field.wire_name).is_some()
        })?;
        Some((event, field))
    })?;
    let mut example = example_of(webhooks, &event.example, &event.event_type);
    example.as_object_mut()?.remove(&field.wire_name);
    let payload = json_tokens(&batch_of(webhooks, example.clone()));
    let (one, item) = (one_of_batch(webhooks), item_of_batch(webhooks));
    let krate = ident(&ir.lib_name);
    let url_arg = signature.signs_url().then(|| quote!(URL,));
    let event_type = Literal::string(&event.event_type);
    let missing = Literal::string(&format!("missing field `{}`", field.wire_name));
    Some(quote! {
        /// A signed delivery of a declared event whose payload does not fit its model arrives
        /// as `Event::Unrecognised` with the verified JSON and serde's reason: the provider
        /// sent it, so it is no rejection (which would make the provider deliver it again).
        #[test]
        fn webhook_payload_of_another_shape_is_handed_over_verified() {
            let (_, verifying, other) = webhook_keys();
            let body = serde_json::to_vec(&#payload).expect("payload serializes");
            let headers = signed_headers(&body, #event_type);
            match #krate::webhooks::verify(&headers, &body, #url_arg &verifying, at(TIMESTAMP)) #one {
                ::std::result::Result::Ok(#krate::webhooks::Event::Unrecognised { event_type, raw, error }) => {
                    assert_eq!(event_type, #event_type);
                    assert_eq!(raw, serde_json::from_slice::<Value>(&body).expect("JSON")#item);
                    assert!(error.contains(#missing), "{error}");
                }
                other => panic!("expected Unrecognised, got {other:?}"),
            }
            // Signed with another key, the same body is a rejection, and no payload error.
            let rejected = #krate::webhooks::verify(&headers, &body, #url_arg &other, at(TIMESTAMP)).expect_err("wrong key");
            assert!(!rejected.is_payload_error(), "{rejected:?}");
        }
    })
}

fn webhook_test(ir: &Ir, webhooks: &WebhooksIr, signature: &SignatureIr, event: &EventIr) -> TokenStream {
    let krate = ident(&ir.lib_name);
    let test_name = ident(&format!("webhook_{}_verifies_and_rejects_tampering", event.snake));
    let variant = ident(&event.variant);
    let payload = json_tokens(&batch_of(webhooks, event.example.clone()));
    let one = one_of_batch(webhooks);
    let url_arg = signature.signs_url().then(|| quote!(URL,));
    let signature_header = Literal::string(&signature.header);
    let tolerance = signature.tolerance_seconds;
    let replay = (tolerance > 0).then(|| {
        let late = i64::try_from(tolerance + 1).unwrap_or(i64::MAX);
        quote! {
            // Replayed after the window closed, and signed too far in the future.
            assert_eq!(
                #krate::webhooks::verify(&headers, &body, #url_arg &verifying, at(TIMESTAMP + #late)).err(),
                Some(::accord_runtime::webhook::WebhookError::TimestampOutsideTolerance { skew_seconds: -#late })
            );
            assert_eq!(
                #krate::webhooks::verify(&headers, &body, #url_arg &verifying, at(TIMESTAMP - #late)).err(),
                Some(::accord_runtime::webhook::WebhookError::TimestampOutsideTolerance { skew_seconds: #late })
            );
        }
    });
    let id_check = (webhooks.event_id_field.is_some() || webhooks.event_id_header.is_some())
        .then(|| quote!(assert!(delivery.id.is_some(), "the delivery id is read for de-duplication");));
    let event_type = Literal::string(&event.event_type);
    quote! {
        /// Webhook event signed with the spec's scheme verifies into its typed variant; a
        /// tampered body, a wrong key, a missing or duplicated signature header and a
        /// replayed delivery fail, each with its own error.
        #[test]
        fn #test_name() {
            let (_, verifying, other) = webhook_keys();
            let body = serde_json::to_vec(&#payload).expect("payload serializes");
            let headers = signed_headers(&body, #event_type);
            let now = at(TIMESTAMP);
            let delivery = #krate::webhooks::verify_delivery(&headers, &body, #url_arg &[&verifying], now) #one
                .expect("a signed delivery verifies");
            assert!(matches!(delivery.event, #krate::webhooks::Event::#variant(_)), "decoded {:?}", delivery.event);
            assert_eq!(delivery.event.event_type(), #event_type);
            #id_check
            // Key rotation: any of several keys may match.
            assert!(#krate::webhooks::verify_delivery(&headers, &body, #url_arg &[&other, &verifying], now).is_ok());

            let mut tampered = body.clone();
            tampered.push(b' ');
            assert_eq!(
                #krate::webhooks::verify(&headers, &tampered, #url_arg &verifying, now).err(),
                Some(::accord_runtime::webhook::WebhookError::SignatureMismatch)
            );
            assert_eq!(
                #krate::webhooks::verify(&headers, &body, #url_arg &other, now).err(),
                Some(::accord_runtime::webhook::WebhookError::SignatureMismatch)
            );
            let mut unsigned = headers.clone();
            unsigned.remove(#signature_header);
            assert_eq!(
                #krate::webhooks::verify(&unsigned, &body, #url_arg &verifying, now).err(),
                Some(::accord_runtime::webhook::WebhookError::MissingHeader { name: #signature_header.to_string() })
            );
            let mut twice = headers.clone();
            let signature = headers.get(#signature_header).expect("signed").clone();
            twice.append(#signature_header, signature);
            assert_eq!(
                #krate::webhooks::verify(&twice, &body, #url_arg &verifying, now).err(),
                Some(::accord_runtime::webhook::WebhookError::DuplicateHeader { name: #signature_header.to_string() })
            );
            #replay
        }
    }
}

/// A batch provider's delivery of every declared event at once, in one signed array: each
/// item is typed by its own event type (not the batch by its first), in the order sent, and
/// carries its own id where its example has one. Only for `batch` specs.
fn webhook_mixed_batch_test(ir: &Ir, webhooks: &WebhooksIr, signature: &SignatureIr) -> Option<TokenStream> {
    if !webhooks.batch || webhooks.events.len() < 2 {
        return None;
    }
    let krate = ident(&ir.lib_name);
    let items: Vec<Value> =
        webhooks.events.iter().map(|event| example_of(webhooks, &event.example, &event.event_type)).collect();
    let types: Vec<Literal> = webhooks.events.iter().map(|event| Literal::string(&event.event_type)).collect();
    let ids: Vec<TokenStream> = webhooks
        .events
        .iter()
        .zip(&items)
        .map(|(event, item)| {
            let pointer = event.id_field.as_ref().or(webhooks.event_id_field.as_ref());
            match pointer.and_then(|pointer| item.pointer(pointer)).and_then(Value::as_str) {
                Some(id) => {
                    let id = Literal::string(id);
                    quote!(::std::option::Option::Some(#id))
                }
                None => quote!(::std::option::Option::None),
            }
        })
        .collect();
    let payload = json_tokens(&Value::Array(items));
    let url_arg = signature.signs_url().then(|| quote!(URL,));
    Some(quote! {
        /// One signed batch holding every declared event: each item is typed on its own, in
        /// the order sent, with its own id.
        #[test]
        fn webhook_batch_of_mixed_events_is_typed_item_by_item() {
            let (_, verifying, _) = webhook_keys();
            let body = serde_json::to_vec(&#payload).expect("payload serializes");
            let headers = signed_headers(&body, "");
            let deliveries = #krate::webhooks::verify_delivery(&headers, &body, #url_arg &[&verifying], at(TIMESTAMP))
                .expect("a signed batch verifies");
            let types: ::std::vec::Vec<&str> = deliveries.iter().map(|delivery| delivery.event.event_type()).collect();
            assert_eq!(types, [#(#types),*]);
            for delivery in &deliveries {
                assert!(
                    !matches!(delivery.event, #krate::webhooks::Event::Unknown { .. } | #krate::webhooks::Event::Unrecognised { .. }),
                    "{:?}", delivery.event
                );
            }
            let ids: ::std::vec::Vec<::std::option::Option<&str>> = deliveries.iter().map(|delivery| delivery.id.as_deref()).collect();
            assert_eq!(ids, [#(#ids),*]);
        }
    })
}

/// The declared handshake is answered with the value at its `respond` pointer, and an
/// event's delivery is no handshake.
fn webhook_handshake_test(ir: &Ir, webhooks: &WebhooksIr) -> Option<TokenStream> {
    let handshake = webhooks.handshake.as_ref()?;
    let krate = ident(&ir.lib_name);
    let mut request = Value::Object(serde_json::Map::new());
    crate::lower::set_pointer(&mut request, &handshake.field, Value::String(handshake.value.clone()));
    crate::lower::set_pointer(&mut request, &handshake.respond, Value::String("accord-test-challenge".into()));
    let request = json_tokens(&request);
    let event = webhooks.events.first().map(|event| {
        let payload = json_tokens(&batch_of(webhooks, example_of(webhooks, &event.example, &event.event_type)));
        quote! {
            let body = serde_json::to_vec(&#payload).expect("payload serializes");
            assert_eq!(#krate::webhooks::handshake(&body), None, "an event is no handshake");
        }
    });
    Some(quote! {
        /// The provider's handshake request is recognised and answered with its challenge.
        #[test]
        fn webhook_handshake_is_answered() {
            let body = serde_json::to_vec(&#request).expect("handshake serializes");
            assert_eq!(#krate::webhooks::handshake(&body).as_deref(), Some("accord-test-challenge"));
            #event
        }
    })
}

/// Provider verification: the scenarios against `NAME_BASE_URL`. Without it the test says
/// so on the terminal (past the harness's output capture) and does nothing else.
fn provider_test(ir: &Ir) -> TokenStream {
    let variable = format!("{}_BASE_URL", ir.env_prefix);
    let skipped = Literal::string(&format!(
        "provider_verification skipped: set {variable} to the server to verify (a sandbox, your implementation, or `accord mock`) and the spec's credentials"
    ));
    let variable = Literal::string(&variable);
    quote! {
        /// Provider verification: every scenario sent to the server at the base URL variable,
        /// every response checked against the spec (status, headers, body schema, error
        /// code), with credentials from the spec's declared variables; prints the report.
        #[::accord_mock::tokio::test(crate = "::accord_mock::tokio")]
        async fn provider_verification() {
            use ::std::io::Write as _;
            let Ok(base_url) = std::env::var(#variable) else {
                // Written to the terminal directly: `println!` output of a passing test is captured.
                let _ = writeln!(::std::io::stderr(), #skipped);
                return;
            };
            let contract = contract();
            let credentials = ::accord_mock::Credentials::from_env(&contract.auth);
            let report = ::accord_mock::verify(contract, &::accord_mock::VerifyOptions::new(base_url, credentials)).await;
            let _ = write!(::std::io::stderr(), "{}", report.render());
            assert!(report.passed(), "the server deviates from the contract:\n{}", report.render());
        }
    }
}

/// The mock delivers every declared event, signed with the spec's scheme and retried on its
/// schedule after a failed attempt; the generated `verify` accepts each delivery.
fn mock_webhook_test(ir: &Ir, webhooks: &WebhooksIr, signature: &SignatureIr) -> TokenStream {
    let krate = ident(&ir.lib_name);
    let one = one_of_batch(webhooks);
    let event_types: Vec<Literal> = webhooks.events.iter().map(|e| Literal::string(&e.event_type)).collect();
    let retries = webhooks.retry_schedule_seconds.len() > 1;
    let (script, first_attempts) = if retries { (quote!(&[500]), 2usize) } else { (quote!(&[]), 1usize) };
    let url_arg = signature.signs_url().then(|| quote!(&received.url,));
    // A declared handshake (Slack's `url_verification`) goes first, once per URL: the receiver
    // answers it with the generated `webhooks::handshake`, and the mock checks the answer.
    let (start, handshake_check) = match &webhooks.handshake {
        Some(_) => (
            quote!(::accord_mock::WebhookReceiver::start_with_handshake(#script, #krate::webhooks::handshake)),
            quote! {
                assert_eq!(
                    delivery.handshake.as_ref().map(|handshake| handshake.passed),
                    if index == 0 { Some(true) } else { None },
                    "{event_type}: the handshake goes first, once, answered by `webhooks::handshake`"
                );
            },
        ),
        None => (quote!(::accord_mock::WebhookReceiver::start(#script)), quote!()),
    };
    quote! {
        /// `accord mock` delivers every declared event signed with the spec's scheme (a
        /// failed first attempt is retried on the declared schedule, scaled to zero here),
        /// and the generated `webhooks::verify` accepts each delivery as its event type.
        #[::accord_mock::tokio::test(crate = "::accord_mock::tokio")]
        async fn mock_delivers_signed_webhooks() {
            let receiver = #start.await.expect("the receiver starts");
            let options = MockOptions { webhook_time_scale: 0.0, ..MockOptions::default() };
            let server = MockServer::start(contract().clone(), options).await.expect("the mock starts");
            let verifying = ::accord_runtime::Secret::new(contract().webhooks.as_ref().expect("webhooks are declared").test_verifying_key.as_str());
            for (index, event_type) in [#(#event_types),*].into_iter().enumerate() {
                let delivery = server.deliver(event_type, Some(&receiver.url())).await.expect("the mock delivers");
                assert!(delivery.delivered, "{event_type}: {delivery:?}");
                #handshake_check
                assert_eq!(delivery.attempts.len(), if index == 0 { #first_attempts } else { 1 }, "{event_type}: attempts");
                for received in receiver.take() {
                    let event = #krate::webhooks::verify(&received.headers, &received.body, #url_arg &verifying, ::std::time::SystemTime::now()) #one
                        .unwrap_or_else(|error| panic!("{event_type}: the mock's delivery does not verify: {error}"));
                    assert_eq!(event.event_type(), event_type);
                }
            }
        }
    }
}
