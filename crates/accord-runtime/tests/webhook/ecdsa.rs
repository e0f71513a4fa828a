//! ECDSA P-256 / SHA-256 (`ecdsa-p256`) against an independent implementation: every vector
//! of `ecdsa/vectors.json` (written by `ecdsa/make_vectors.py` with pyca/cryptography, which
//! recorded each verdict; SendGrid's own SDK test vector among them) run through the scheme
//! of the compiler's `sendgrid` preset. Valid vectors verify, each invalid one is rejected
//! for its recorded reason, and what the runtime signs, cryptography's verdicts aside, the
//! runtime verifies (low-S, DER) with the test key that contract tests sign with.

use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};

use accord_runtime::Secret;
use accord_runtime::webhook::{Message, Scheme, WebhookError};
use serde_json::Value;

fn vectors() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/webhook/ecdsa/vectors.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn sendgrid() -> Scheme {
    let ir = accord::lower::preset_scheme("sendgrid").expect("the compiler has a `sendgrid` preset");
    serde_json::from_value(serde_json::to_value(&ir).expect("the IR serialises")).expect("the preset fits Scheme")
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("`{key}` in {value}"))
}

fn headers(scheme: &Scheme, signature: &str, timestamp: &str) -> Vec<(String, String)> {
    let timestamp_header = scheme.timestamp_header.as_deref().expect("the preset reads a timestamp header");
    vec![(scheme.header.to_string(), signature.to_string()), (timestamp_header.to_string(), timestamp.to_string())]
}

#[test]
fn every_ecdsa_vector_gives_cryptographys_verdict() {
    let document = vectors();
    let scheme = sendgrid();
    assert_eq!(scheme.signed_payload, document["signed_payload"].as_str().expect("signed_payload"));
    let vectors = document["vectors"].as_array().expect("vectors");
    assert!(vectors.len() >= 15, "{} vectors", vectors.len());
    let mut outcomes = std::collections::BTreeMap::<&str, usize>::new();
    for vector in vectors {
        let name = text(vector, "name");
        let key = Secret::new(text(vector, "public_key"));
        let headers = headers(&scheme, text(vector, "signature"), text(vector, "timestamp"));
        let result = scheme.verify(&headers, text(vector, "payload").as_bytes(), None, &[&key], UNIX_EPOCH);
        let outcome = text(vector, "outcome");
        *outcomes.entry(outcome).or_default() += 1;
        assert_eq!(vector["valid"].as_bool(), Some(outcome == "accepted"), "{name}: file consistent");
        match outcome {
            "accepted" => assert!(result.is_ok(), "{name}: {result:?}"),
            "mismatch" => assert_eq!(result, Err(WebhookError::SignatureMismatch), "{name}"),
            "bad-der" => {
                assert!(matches!(result, Err(WebhookError::InvalidEncoding { .. })), "{name}: {result:?}")
            }
            other => panic!("{name}: unknown outcome `{other}`"),
        }
    }
    // Both sides of each rule are exercised: the official vector, high-S, each tampering.
    assert_eq!(outcomes.get("accepted"), Some(&3), "{outcomes:?}");
    assert!(outcomes.get("bad-der").is_some_and(|n| *n >= 4), "{outcomes:?}");
}

#[test]
fn the_runtime_signs_what_it_and_the_vectors_keys_verify() {
    let document = vectors();
    let scheme = sendgrid();
    let signing = Secret::new(text(&document, "signing_key"));
    let verifying = Secret::new(text(&document, "verifying_key"));
    let other = Secret::new(text(&document, "other_verifying_key"));
    let body = br#"[{"event":"processed","sg_event_id":"a"}]"#;
    let signed =
        scheme.sign(&Message { body, timestamp: 1_700_000_000, id: None, url: None }, &[&signing]).expect("signs");
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    assert!(scheme.verify(&signed, body, None, &[&verifying], now).is_ok(), "{signed:?}");
    assert_eq!(scheme.verify(&signed, body, None, &[&other], now), Err(WebhookError::SignatureMismatch));
    // Either key of a rotation verifies.
    assert!(scheme.verify(&signed, body, None, &[&other, &verifying], now).is_ok());
    // The signing key is not a public key: a configuration error, not a mismatch.
    assert!(matches!(scheme.verify(&signed, body, None, &[&signing], now), Err(WebhookError::InvalidKey(_))));
    // A public key cannot sign.
    let message = Message { body, timestamp: 1, id: None, url: None };
    assert!(matches!(scheme.sign(&message, &[&verifying]), Err(WebhookError::InvalidKey(_))));
    // Empty and non-base64 signatures have their own errors.
    for (signature, expected) in [
        ("", WebhookError::EmptySignature { name: scheme.header.to_string() }),
        ("not base64!", WebhookError::InvalidEncoding { expected: "base64" }),
        ("MAYCAQECAQ==", WebhookError::WrongLength { expected: 72, found: 7 }),
    ] {
        let headers = headers(&scheme, signature, "1700000000");
        assert_eq!(scheme.verify(&headers, body, None, &[&verifying], now), Err(expected), "{signature:?}");
    }
}
