//! The contract test emitter: `tests/contract.rs` of a client crate. Every scenario runs the
//! generated client against a scripted HTTP server on 127.0.0.1 that answers as the scenario
//! declares, then asserts the typed outcome and what the client sent. Every webhook event is
//! signed and verified, and must fail when tampered with or replayed late.

use std::path::PathBuf;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::GeneratedFile;
use super::rust::{ident, rust_file, type_tokens_in};
use crate::ir::*;

/// Generates `NAME/tests/contract.rs`.
pub fn generate(ir: &Ir) -> GeneratedFile {
    let krate = ident(&ir.lib_name);
    let scenarios: Vec<TokenStream> = ir.scenarios.iter().map(|s| scenario(ir, s)).collect();
    let webhook_tests: Vec<TokenStream> = ir
        .webhooks
        .as_ref()
        .map(|webhooks| webhooks.events.iter().map(|event| webhook_test(ir, webhooks, event)).collect())
        .unwrap_or_default();
    let auth_setup = auth_setup(ir);
    let tokens = quote! {
        //! Contract tests generated from the spec's scenarios and webhook events.
        #![allow(unused_imports, dead_code, clippy::all)]

        use ::accord_runtime::serde_json::{self, json, Value};
        use ::accord_runtime::testing::wiremock::{matchers, Mock, MockServer, ResponseTemplate};

        /// A client for `server`, with test credentials for every declared auth scheme.
        async fn client_for(server: &MockServer) -> #krate::Client {
            #auth_setup
        }

        /// Every key of `expected` is in `actual` with the same value (objects recursively).
        fn assert_includes(actual: &Value, expected: &Value, at: &str) {
            match (actual, expected) {
                (Value::Object(actual), Value::Object(expected)) => {
                    for (key, value) in expected {
                        let inner = actual.get(key).unwrap_or_else(|| panic!("`{at}/{key}` missing from what was sent"));
                        assert_includes(inner, value, &format!("{at}/{key}"));
                    }
                }
                (actual, expected) => {
                    let numbers_equal = actual.as_f64().is_some() && actual.as_f64() == expected.as_f64();
                    assert!(numbers_equal || actual == expected, "`{at}`: sent {actual}, scenario has {expected}");
                }
            }
        }

        #(#scenarios)*

        #(#webhook_tests)*
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
    let mut steps = Vec::new();
    if let Some(oauth) = &auth.oauth2 {
        let token_path = url_path(&oauth.token_url);
        let token_path = Literal::string(&token_path);
        steps.push(quote! {
            Mock::given(matchers::method("POST"))
                .and(matchers::path(#token_path))
                .and(matchers::body_string_contains("grant_type=client_credentials"))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                    "access_token": "test-access-token", "token_type": "Bearer", "expires_in": 3600
                })))
                .mount(server)
                .await;
            let builder = builder
                .client_credentials(::accord_runtime::ClientCredentials::new("test-client", "test-secret"))
                .token_url(format!("{}{}", server.uri(), #token_path));
        });
    } else if auth.bearer.is_some() {
        steps.push(quote!(let builder = builder.bearer_token("test-token");));
    } else if auth.basic.is_some() {
        steps.push(quote!(let builder = builder.basic_auth("test-user", "test-password");));
    } else if auth.api_key.is_some() {
        steps.push(quote!(let builder = builder.api_key("test-key");));
    }
    quote! {
        // Each scenario checks one exchange; retrying is the resilience suite's subject.
        let builder = #krate::Client::builder().base_url(server.uri()).retry_policy(::accord_runtime::RetryPolicy::NO_RETRIES);
        #(#steps)*
        builder.build().expect("the client builds")
    }
}

/// The `Authorization` (or API key) header value the test credentials produce, to check that
/// auth was applied.
fn expected_auth(ir: &Ir) -> Option<(String, String)> {
    let auth = &ir.auth;
    if auth.oauth2.is_some() {
        Some(("authorization".into(), "Bearer test-access-token".into()))
    } else if auth.bearer.is_some() {
        Some(("authorization".into(), "Bearer test-token".into()))
    } else if auth.basic.is_some() {
        // base64("test-user:test-password")
        Some(("authorization".into(), "Basic dGVzdC11c2VyOnRlc3QtcGFzc3dvcmQ=".into()))
    } else {
        auth.api_key.as_ref().filter(|k| k.location == "header").map(|k| (k.name.to_lowercase(), "test-key".into()))
    }
}

fn url_path(url: &str) -> String {
    url::Url::parse(url).map(|u| u.path().to_string()).unwrap_or_else(|_| "/".into())
}

/// The concrete request path of a step (parameters percent-encoded as the client does).
fn concrete_path(op: &Operation, step: &StepIr) -> String {
    let mut path = op.path.clone();
    for (name, value) in &step.path {
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let encoded: String = text
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        path = path.replace(&format!("{{{name}}}"), &encoded);
    }
    path
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
        scenario.steps.iter().enumerate().map(|(index, step)| scenario_step(ir, scenario, index, step)).collect();
    quote! {
        #(#docs)*
        #[::accord_runtime::testing::tokio::test(crate = "::accord_runtime::testing::tokio")]
        async fn #test_name() {
            #(#steps)*
        }
    }
}

fn scenario_step(ir: &Ir, scenario: &ScenarioIr, index: usize, step: &StepIr) -> TokenStream {
    let krate = ident(&ir.lib_name);
    let op = &ir.operations[step.operation];
    let method = Literal::string(op.http_method.as_str());
    let path = concrete_path(op, step);
    let path_lit = Literal::string(&path);
    let status = Literal::u16_unsuffixed(step.status);
    let label = Literal::string(&format!("{} step {}", scenario.name, index + 1));
    let response_body = step.response_body.as_ref().map(|body| {
        let body = json_tokens(body);
        quote!(.set_body_json(#body))
    });
    let response_headers: Vec<TokenStream> = step
        .response_headers
        .iter()
        .map(|(name, value)| {
            let (name, value) = (Literal::string(name), Literal::string(value));
            quote!(.insert_header(#name, #value))
        })
        .collect();
    let auth_matcher = expected_auth(ir).map(|(name, value)| {
        let (name, value) = (Literal::string(&name), Literal::string(&value));
        quote!(.and(matchers::header(#name, #value)))
    });
    // The typed call: path parameters and required query parameters as arguments, optional
    // ones through setters, the body decoded into its model.
    let mut arguments = Vec::new();
    for param in &op.path_params {
        let value =
            step.path.iter().find(|(name, _)| name == &param.wire_name).map(|(_, v)| v.clone()).unwrap_or(Value::Null);
        arguments.push(typed_value(ir, &param.ty, &value));
    }
    let mut setters = Vec::new();
    for param in &op.query {
        let Some((_, value)) = step.query.iter().find(|(name, _)| name == &param.wire_name) else {
            if param.required {
                arguments.push(typed_value(ir, &param.ty, &Value::Null));
            }
            continue;
        };
        let typed = typed_value(ir, &param.ty, value);
        if param.required {
            arguments.push(typed);
        } else {
            let setter = ident(&param.rust_name);
            setters.push(quote!(.#setter(#typed)));
        }
    }
    for param in op.headers.iter().filter(|p| p.required) {
        let value = step
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(&param.wire_name))
            .map(|(_, v)| Value::String(v.clone()))
            .unwrap_or(Value::Null);
        arguments.push(typed_value(ir, &param.ty, &value));
    }
    if let Some(header) = &op.idempotency_header
        && let Some((_, key)) = step.headers.iter().find(|(name, _)| name.eq_ignore_ascii_case(header))
    {
        let key = Literal::string(key);
        setters.push(quote!(.idempotency_key(#key)));
    }
    let method_name = ident(&op.method_name);
    let body_value = step.body.as_ref().map(json_tokens);
    let call = match (&op.body, &body_value) {
        (Some(body), Some(value)) => {
            let ty = type_tokens_in(&body.ty, &quote!(::#krate));
            let typed_body = if body.required { quote!(&typed_body) } else { quote!() };
            let optional_setter = (!body.required).then(|| quote!(.body(&typed_body)));
            quote! {
                let body_json = #value;
                let typed = serde_json::from_value::<#ty>(body_json.clone());
                let outcome = match &typed {
                    Ok(typed_body) => client.#method_name(#(#arguments,)* #typed_body) #(#setters)* #optional_setter .send_full().await
                        .map(|response| ::accord_runtime::Response { status: response.status, headers: response.headers, body: serde_json::to_value(&response.body).expect("bodies serialize") }),
                    // The scenario sends a body its model rejects (a validation-error case): send it as is.
                    Err(_) => raw_call(&client, Some(body_json.clone())).await,
                };
            }
        }
        _ => quote! {
            let outcome = client.#method_name(#(#arguments),*) #(#setters)* .send_full().await
                .map(|response| ::accord_runtime::Response { status: response.status, headers: response.headers, body: serde_json::to_value(&response.body).expect("bodies serialize") });
        },
    };
    // The raw fallback for bodies the model rejects.
    let content_setter = match op.body.as_ref().map(|b| b.content_type.as_str()) {
        Some("form") => quote!(form_body),
        _ => quote!(json_body),
    };
    let raw_query: Vec<TokenStream> = step
        .query
        .iter()
        .map(|(name, value)| {
            let name = Literal::string(name);
            let value = json_tokens(value);
            quote!(request.query(#name, &#value).expect("query encodes");)
        })
        .collect();
    let raw_idempotency = op.idempotency_header.as_ref().and_then(|header| {
        step.headers.iter().find(|(name, _)| name.eq_ignore_ascii_case(header)).map(|(_, key)| {
            let (header, key) = (Literal::string(header), Literal::string(key));
            quote!(request.headers.push((#header.to_string(), #key.to_string()));)
        })
    });
    let operation_name = Literal::string(&op.name);
    let http_method = quote::format_ident!("{}", op.http_method.as_str());
    let raw_fn = quote! {
        #[allow(dead_code)]
        async fn raw_call(client: &#krate::Client, body: Option<Value>) -> Result<::accord_runtime::Response<Value>, #krate::Error> {
            let mut request = ::accord_runtime::RequestSpec::new(::accord_runtime::reqwest::Method::#http_method, #operation_name, #path_lit.to_string());
            #(#raw_query)*
            if let Some(body) = &body {
                request.#content_setter(body).expect("body encodes");
            }
            #raw_idempotency
            client.send_raw(&request).await
        }
    };
    let expectation = match &step.error {
        Some(code) => {
            let variant = ir
                .errors
                .codes
                .iter()
                .find(|c| &c.name == code)
                .map(|c| ident(&c.variant))
                .unwrap_or_else(|| ident("Unknown"));
            let code_lit = Literal::string(code);
            quote! {
                match outcome {
                    Err(#krate::Error::Api(#krate::ApiError::#variant(response))) => {
                        assert_eq!(response.status, #status, "{}: status", #label);
                    }
                    other => panic!("{}: expected error `{}`, got {:?}", #label, #code_lit, other),
                }
            }
        }
        None => {
            let contains: Vec<TokenStream> = step
                .body_contains
                .iter()
                .map(|field| {
                    let field = Literal::string(field);
                    quote!(assert!(response.body.get(#field).is_some(), "{}: response lacks `{}`", #label, #field);)
                })
                .collect();
            let equals: Vec<TokenStream> = step
                .body_equals
                .iter()
                .map(|(pointer, value)| {
                    let pointer_lit = Literal::string(pointer);
                    let value = json_tokens(value);
                    quote!(assert_eq!(response.body.pointer(#pointer_lit), Some(&#value), "{}: `{}`", #label, #pointer_lit);)
                })
                .collect();
            quote! {
                let response = outcome.unwrap_or_else(|error| panic!("{}: expected status {}, got {error:?}", #label, #status));
                assert_eq!(response.status, #status, "{}: status", #label);
                #(#contains)*
                #(#equals)*
            }
        }
    };
    let sent_body_check = step.body.as_ref().map(|body| {
        let value = json_tokens(body);
        match op.body.as_ref().map(|b| b.content_type.as_str()) {
            Some("form") => quote! {
                let sent_pairs = ::accord_runtime::testing::form_pairs(&sent.body);
                for pair in ::accord_runtime::testing::expected_form_pairs(&#value) {
                    assert!(sent_pairs.contains(&pair), "{}: form field {:?} not sent (sent {:?})", #label, pair, sent_pairs);
                }
            },
            _ => quote! {
                let sent_json: Value = serde_json::from_slice(&sent.body).expect("the client sent JSON");
                assert_includes(&sent_json, &#value, "");
            },
        }
    });
    let sent_query: Vec<TokenStream> = step
        .query
        .iter()
        .map(|(name, value)| {
            let name = Literal::string(name);
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let text = Literal::string(&text);
            quote!(assert!(sent.url.query_pairs().any(|(k, v)| k == #name && v == #text), "{}: query `{}` not sent", #label, #name);)
        })
        .collect();
    let sent_idempotency = op.idempotency_header.as_ref().and_then(|header| {
        step.headers.iter().find(|(name, _)| name.eq_ignore_ascii_case(header)).map(|(_, key)| {
            let (header, key) = (Literal::string(header), Literal::string(key));
            quote!(assert_eq!(sent.headers.get(#header).and_then(|v| v.to_str().ok()), Some(#key), "{}: idempotency key", #label);)
        })
    });
    // A `refresh_auth` code with refreshable credentials (OAuth2): the client refreshes its
    // token once and repeats the request, then returns the error.
    let refreshes = ir.auth.oauth2.is_some()
        && ir.errors.codes.iter().any(|code| {
            code.retry == "refresh_auth"
                && code.statuses.contains(&step.status)
                && step.error.as_ref().is_none_or(|name| name == &code.name)
        });
    let expected_calls: u64 = if refreshes { 2 } else { 1 };
    quote! {
        {
            let server = MockServer::start().await;
            Mock::given(matchers::method(#method))
                .and(matchers::path(#path_lit))
                #auth_matcher
                .respond_with(ResponseTemplate::new(#status) #response_body #(#response_headers)*)
                .expect(#expected_calls)
                .mount(&server)
                .await;
            let client = client_for(&server).await;
            #raw_fn
            #call
            #expectation
            let requests = server.received_requests().await.expect("requests are recorded");
            let sent = requests.iter().find(|r| r.url.path() == #path_lit).expect("the client called the endpoint");
            #sent_body_check
            #(#sent_query)*
            #sent_idempotency
            let _ = sent;
            server.verify().await;
        }
    }
}

/// A typed value for a parameter from scenario JSON.
fn typed_value(ir: &Ir, ty: &TypeExpr, value: &Value) -> TokenStream {
    let krate = ident(&ir.lib_name);
    let rust_type = type_tokens_in(ty, &quote!(::#krate));
    let json = json_tokens(value);
    quote!(serde_json::from_value::<#rust_type>(#json).expect("scenario value matches the parameter type"))
}

fn webhook_test(ir: &Ir, webhooks: &WebhooksIr, event: &EventIr) -> TokenStream {
    let krate = ident(&ir.lib_name);
    let test_name = ident(&format!("webhook_{}_verifies_and_rejects_tampering", event.snake));
    let variant = ident(&event.variant);
    let payload = json_tokens(&event.example);
    let event_header = webhooks.event_header.as_ref().map(|header| {
        let header = Literal::string(header);
        let event_type = Literal::string(&event.event_type);
        quote!(headers.insert(#header, #event_type.parse().expect("header value"));)
    });
    let id_header = webhooks.event_id_header.as_ref().map(|header| {
        let header = Literal::string(header);
        quote!(headers.insert(#header, "72d3162e-cc78-11e3-81ab-4c9367dc0958".parse().expect("header value"));)
    });
    let signature_header = Literal::string(&webhooks.signature_header);
    let replay = if webhooks.tolerance_seconds > 0 {
        let late = webhooks.tolerance_seconds + 1;
        quote! {
            // Replayed after the window closed.
            let late = ::std::time::UNIX_EPOCH + ::std::time::Duration::from_secs(TIMESTAMP + #late);
            assert!(matches!(
                #krate::webhooks::verify(&headers, &body, &secret, late),
                Err(::accord_runtime::webhook::WebhookError::TimestampOutsideTolerance { .. })
            ));
            // Signed too far in the future.
            let early = ::std::time::UNIX_EPOCH + ::std::time::Duration::from_secs(TIMESTAMP - #late);
            assert!(matches!(
                #krate::webhooks::verify(&headers, &body, &secret, early),
                Err(::accord_runtime::webhook::WebhookError::TimestampOutsideTolerance { .. })
            ));
        }
    } else {
        // The scheme signs no timestamp (GitHub), so there is no replay window to test; a
        // delivery without its signature header must still fail.
        quote! {
            let mut unsigned = headers.clone();
            unsigned.remove(#signature_header);
            assert!(matches!(
                #krate::webhooks::verify(&unsigned, &body, &secret, now),
                Err(::accord_runtime::webhook::WebhookError::MissingHeader(_))
            ));
        }
    };
    let event_type = Literal::string(&event.event_type);
    quote! {
        /// Webhook event signed with the spec's scheme verifies into its typed variant; a
        /// tampered body, a wrong secret and a late or missing signature fail.
        #[test]
        fn #test_name() {
            const TIMESTAMP: u64 = 1_700_000_000;
            let secret = ::accord_runtime::Secret::new("whsec_contract_test_secret");
            let body = serde_json::to_vec(&#payload).expect("payload serializes");
            let mut headers = ::accord_runtime::header::HeaderMap::new();
            for (name, value) in #krate::webhooks::sign(&body, &secret, TIMESTAMP) {
                headers.insert(name, value.parse().expect("header value"));
            }
            #event_header
            #id_header
            let now = ::std::time::UNIX_EPOCH + ::std::time::Duration::from_secs(TIMESTAMP);
            let event = #krate::webhooks::verify(&headers, &body, &secret, now).expect("a signed delivery verifies");
            assert!(matches!(event, #krate::webhooks::Event::#variant(_)), "decoded {:?}", event);
            assert_eq!(event.event_type(), #event_type);

            let mut tampered = body.clone();
            tampered.push(b' ');
            assert_eq!(
                #krate::webhooks::verify(&headers, &tampered, &secret, now).err(),
                Some(::accord_runtime::webhook::WebhookError::SignatureMismatch)
            );
            let wrong_secret = ::accord_runtime::Secret::new("whsec_someone_else");
            assert_eq!(
                #krate::webhooks::verify(&headers, &body, &wrong_secret, now).err(),
                Some(::accord_runtime::webhook::WebhookError::SignatureMismatch)
            );
            #replay
        }
    }
}
