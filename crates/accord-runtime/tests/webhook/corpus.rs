//! Every webhook signature vector of `../shared/corpus/webhooks/schemes.yaml` (official,
//! official-unmerged and derived; valid and invalid) run through the verifier, with the
//! scheme the accord compiler's preset of the same id declares. The file stays data: this
//! test parses it (through the compiler's one YAML module) and reads each vector's inputs.
//!
//! For every vector the verifier must give the recorded outcome; for every valid vector
//! that records the exact signature or headers, the signer must reproduce them. A scheme or
//! vector the test cannot run is listed, and the test fails unless the only such scheme is
//! one without vectors (Xero today).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use accord_runtime::Secret;
use accord_runtime::webhook::{Message, Scheme, WebhookError};
use serde_json::Value;

fn corpus() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/webhooks/schemes.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let (value, _) =
        accord::spec::yaml::parse(&text).unwrap_or_else(|d| panic!("{} is not YAML: {d:?}", path.display()));
    value
}

/// The runtime scheme of an accord preset: the compiler's explicit form, deserialised into
/// the runtime's `Scheme` (the two shapes must agree field for field).
fn preset(id: &str) -> Option<Scheme> {
    let ir = accord::lower::preset_scheme(id)?;
    let json = serde_json::to_value(&ir).expect("the IR serialises");
    Some(serde_json::from_value(json).unwrap_or_else(|e| panic!("preset `{id}` does not fit the runtime Scheme: {e}")))
}

fn text<'a>(vector: &'a Value, key: &str) -> Option<&'a str> {
    vector.get(key).and_then(Value::as_str)
}

fn number(vector: &Value, key: &str) -> Option<i64> {
    vector.get(key).and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
}

fn at(seconds: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds.max(0) as u64)
}

/// The request body: `payload` as is, or the form encoding of Twilio's `params` (a map, or
/// ordered pairs when a name repeats).
fn body(vector: &Value) -> Vec<u8> {
    if let Some(payload) = text(vector, "payload") {
        return payload.as_bytes().to_vec();
    }
    let mut form = form_urlencoded::Serializer::new(String::new());
    if let Some(params) = vector.get("params").and_then(Value::as_object) {
        for (name, value) in params {
            form.append_pair(name, value.as_str().unwrap_or_default());
        }
    }
    if let Some(pairs) = vector.get("params_ordered_pairs").and_then(Value::as_array) {
        for pair in pairs {
            let name = pair.get(0).and_then(Value::as_str).unwrap_or_default();
            let value = pair.get(1).and_then(Value::as_str).unwrap_or_default();
            form.append_pair(name, value);
        }
    }
    form.finish().into_bytes()
}

/// The headers of the delivery: `expected_headers` when the vector records them all, else the
/// signature header (`header_value`, `expected_header` or `expected_signature`) plus the
/// scheme's id and timestamp headers from `msg_id` and `timestamp`.
fn headers(scheme: &Scheme, vector: &Value) -> Vec<(String, String)> {
    if let Some(expected) = vector.get("expected_headers").and_then(Value::as_object)
        && text(vector, "header_value").is_none()
    {
        return expected
            .iter()
            .map(|(name, value)| (name.clone(), value.as_str().unwrap_or_default().into()))
            .collect();
    }
    let signature = text(vector, "header_value")
        .or_else(|| text(vector, "expected_header"))
        .or_else(|| text(vector, "expected_signature"))
        .unwrap_or_default();
    let mut headers = vec![(scheme.header.to_string(), signature.to_string())];
    if let (Some(name), Some(id)) = (&scheme.id_header, text(vector, "msg_id")) {
        headers.push((name.to_string(), id.to_string()));
    }
    if let (Some(name), Some(timestamp)) = (&scheme.timestamp_header, number(vector, "timestamp")) {
        headers.push((name.to_string(), timestamp.to_string()));
    }
    headers
}

/// Picks the preset for a vector: the scheme's own id, or a variant `{id}-…` whose signature
/// header is the one the vector records (GitHub's legacy `X-Hub-Signature` is `github-sha1`).
fn preset_for(id: &str, vector: &Value) -> Option<(String, Scheme)> {
    let recorded: Vec<String> = vector
        .get("expected_headers")
        .and_then(Value::as_object)
        .map(|headers| headers.keys().map(|k| k.to_ascii_lowercase()).collect())
        .unwrap_or_default();
    for candidate in accord::spec::presets::ALL.iter().map(|p| p.id()) {
        if candidate.starts_with(&format!("{id}-"))
            && let Some(scheme) = preset(candidate)
            && recorded.contains(&scheme.header.to_ascii_lowercase())
        {
            return Some((candidate.to_string(), scheme));
        }
    }
    preset(id).map(|scheme| (id.to_string(), scheme))
}

#[derive(Default)]
struct Report {
    run: usize,
    signed: usize,
    failures: Vec<String>,
    not_runnable: Vec<String>,
    lines: Vec<String>,
}

fn run_vector(scheme_id: &str, vector: &Value, report: &mut Report) {
    let name = text(vector, "name").unwrap_or("?");
    let label = format!("{scheme_id}/{name}");
    let Some((preset_id, scheme)) = preset_for(scheme_id, vector) else {
        report.not_runnable.push(format!("{label}: accord has no preset `{scheme_id}`"));
        return;
    };
    let valid = vector.get("valid").and_then(Value::as_bool).unwrap_or(false);
    let provenance = text(vector, "provenance").unwrap_or("?");
    if let Some(tolerance) = number(vector, "tolerance_seconds") {
        assert_eq!(scheme.tolerance_seconds, tolerance as u64, "{label}: the vector's tolerance is the preset's");
    }
    let body = body(vector);
    let headers = headers(&scheme, vector);
    let url = text(vector, "url");
    let now = at(number(vector, "now").or_else(|| number(vector, "timestamp")).unwrap_or(0));
    // Ed25519 vectors verify with the public key and sign with the secret (seed).
    let verify_key = text(vector, "public_key").or_else(|| text(vector, "secret")).unwrap_or_default();
    let sign_key = text(vector, "secret_key").or_else(|| text(vector, "secret")).unwrap_or_default();
    let mut keys = vec![verify_key];
    keys.extend(text(vector, "secret_alternative"));

    report.run += 1;
    // Each key alone must give the recorded outcome (Stripe's rolled-secret vector verifies
    // with either secret).
    for key in &keys {
        let secret = Secret::new(*key);
        let outcome = scheme.verify(&headers, &body, url, &[&secret], now);
        let verdict = match (&outcome, valid) {
            (Ok(_), true) | (Err(_), false) => "ok",
            _ => "WRONG",
        };
        let shown = match &outcome {
            Ok(_) => "verified".to_string(),
            Err(error) => format!("rejected: {}", kind(error)),
        };
        report
            .lines
            .push(format!("{verdict:5} {label:58} {provenance:17} preset {preset_id:22} valid={valid:5} {shown}"));
        if verdict != "ok" {
            report.failures.push(format!("{label}: expected valid={valid}, got {outcome:?}"));
        }
    }

    // The signer reproduces recorded signatures. Twilio vectors signed over another URL form
    // (`signed_url_form`) are verification-only.
    let recorded = text(vector, "expected_header")
        .or_else(|| text(vector, "expected_signature").filter(|_| vector.get("expected_headers").is_none()))
        .map(str::to_string)
        .or_else(|| {
            vector.get("expected_headers").and_then(Value::as_object).and_then(|h| {
                h.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&scheme.header))
                    .and_then(|(_, v)| v.as_str().map(str::to_string))
            })
        });
    if valid
        && vector.get("signed_url_form").is_none()
        && vector.get("secret_alternative").is_none()
        && let Some(recorded) = recorded
    {
        let message = Message {
            body: &body,
            timestamp: number(vector, "timestamp").unwrap_or(0),
            id: text(vector, "msg_id"),
            url,
        };
        match scheme.sign(&message, &[&Secret::new(sign_key)]) {
            Ok(signed) => {
                report.signed += 1;
                let value = signed.iter().find(|(name, _)| name.eq_ignore_ascii_case(&scheme.header)).map(|(_, v)| v);
                if value != Some(&recorded) {
                    report.failures.push(format!("{label}: signed {value:?}, the vector records {recorded:?}"));
                }
                // Every header the vector records is produced by the signer (Svix, Slack).
                if let Some(expected) = vector.get("expected_headers").and_then(Value::as_object) {
                    for (name, value) in expected {
                        let produced =
                            signed.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
                        if produced != value.as_str() {
                            report
                                .failures
                                .push(format!("{label}: header {name} signed as {produced:?}, recorded {value}"));
                        }
                    }
                }
            }
            Err(error) => report.failures.push(format!("{label}: signing failed: {error}")),
        }
    }
}

fn kind(error: &WebhookError) -> String {
    let debug = format!("{error:?}");
    debug.split([' ', '(', '{']).next().unwrap_or_default().to_string()
}

#[test]
fn every_corpus_vector_gives_its_recorded_outcome() {
    let corpus = corpus();
    let schemes = corpus.get("schemes").and_then(Value::as_array).expect("`schemes` list");
    let mut report = Report::default();
    let mut vectors_in_file = 0;
    let mut schemes_without_vectors = Vec::new();
    let mut by_provenance: BTreeMap<String, usize> = BTreeMap::new();
    for scheme in schemes {
        let id = text(scheme, "id").expect("scheme id");
        let vectors = scheme.get("test_vectors").and_then(Value::as_array).cloned().unwrap_or_default();
        if vectors.is_empty() {
            schemes_without_vectors.push(id.to_string());
            report.not_runnable.push(format!("{id}: the corpus has no vectors for it"));
        }
        for vector in &vectors {
            vectors_in_file += 1;
            *by_provenance.entry(text(vector, "provenance").unwrap_or("?").to_string()).or_default() += 1;
            run_vector(id, vector, &mut report);
        }
    }
    println!("{}", report.lines.join("\n"));
    println!(
        "\n{} of {} vectors run ({:?}); {} signatures reproduced by the signer",
        report.run, vectors_in_file, by_provenance, report.signed
    );
    println!("not run:\n  {}", report.not_runnable.join("\n  "));
    assert!(report.failures.is_empty(), "vectors with the wrong outcome:\n{}", report.failures.join("\n"));
    assert_eq!(report.run, vectors_in_file, "every vector in the file is run; not run: {:?}", report.not_runnable);
    assert!(vectors_in_file >= 28, "the corpus had 28 vectors when this test was written; it has {vectors_in_file}");
    assert_eq!(
        report.not_runnable.len(),
        schemes_without_vectors.len(),
        "only schemes without vectors may be left out: {:?}",
        report.not_runnable
    );
    // Every official vector with a recorded signature is reproduced, not only verified.
    assert!(report.signed >= 15, "the signer reproduced only {} recorded signatures", report.signed);
}

/// The rejection kinds of the corpus's invalid vectors are the specific ones, not a generic
/// failure: a wrong signature is a mismatch, a stale one is outside the window, Stripe's `v0`
/// only header carries no `v1` entry.
#[test]
fn invalid_vectors_fail_for_the_recorded_reason() {
    let corpus = corpus();
    let schemes = corpus.get("schemes").and_then(Value::as_array).expect("`schemes` list");
    let mut checked = 0;
    for scheme in schemes {
        let id = text(scheme, "id").expect("scheme id");
        for vector in scheme.get("test_vectors").and_then(Value::as_array).into_iter().flatten() {
            if vector.get("valid").and_then(Value::as_bool) != Some(false) {
                continue;
            }
            let Some((_, scheme)) = preset_for(id, vector) else { continue };
            let name = text(vector, "name").unwrap_or_default();
            let secret = Secret::new(text(vector, "secret").unwrap_or_default());
            let now = at(number(vector, "now").or_else(|| number(vector, "timestamp")).unwrap_or(0));
            let outcome = scheme.verify(&headers(&scheme, vector), &body(vector), text(vector, "url"), &[&secret], now);
            let timestamp = number(vector, "timestamp").unwrap_or(0);
            let expected = match name {
                "timestamp-too-old" | "docs-example-expired" => WebhookError::TimestampOutsideTolerance {
                    skew_seconds: timestamp - number(vector, "now").unwrap_or(0),
                },
                "timestamp-too-new" => WebhookError::TimestampOutsideTolerance {
                    skew_seconds: timestamp - number(vector, "now").unwrap_or(0),
                },
                "only-v0-scheme" => WebhookError::WrongFormat {
                    name: "Stripe-Signature".into(),
                    expected: "t={timestamp},v1={hex}".into(),
                },
                _ => WebhookError::SignatureMismatch,
            };
            assert_eq!(outcome, Err(expected), "{id}/{name}");
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} invalid vectors found");
}
