//! `webhook`: the runtime's webhook verifier (`accord_runtime::webhook::Scheme`) with mutated
//! schemes, headers, bodies, secrets and timestamps. Properties: nothing panics; a delivery
//! signed by `Scheme::sign` verifies at its own timestamp with the matching key (round trip);
//! a signed delivery whose body was changed does not verify. Seeds: every signature preset of
//! the compiler (the same schemes `../shared/corpus/webhooks/schemes.yaml` checks), and the
//! corpus vectors' secrets, ids and bodies.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use accord_runtime::Secret;
use accord_runtime::webhook::{Message, Scheme, WebhookError};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Outcome, Target, corpus_root};
use crate::mutate::{Dice, mutate_bytes, mutate_value};

/// The Ed25519 pair of the runtime's property tests (`whsk_` seed, `whpk_` public key).
const ED25519_SIGNING: &str = "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";
const ED25519_VERIFYING: &str = "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=";

/// The ECDSA P-256 pairs of the contract tests (`accord::emit::tests::test_keys`): PKCS#8 to
/// sign, SubjectPublicKeyInfo to verify; base64, then hex.
const ECDSA_PAIRS: [(&str, &str); 2] = [
    (
        "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYUc89d9JXCtDEP6AzboeenWzKLLg/YDm0Mem4TiHTSahRANCAATztKpKqowEU6SZHMBYn4IjRaRqiHg9ZuaWX/S9TfH7IkUqHIceWAiUuOXWKeI3uOKB/Dn7uYF+oGOYWrYCchGI",
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE87SqSqqMBFOkmRzAWJ+CI0Wkaoh4PWbmll/0vU3x+yJFKhyHHlgIlLjl1iniN7jigfw5+7mBfqBjmFq2AnIRiA==",
    ),
    (
        "308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b020101042061473cf5df495c2b4310fe80cdba1e7a75b328b2e0fd80e6d0c7a6e138874d26a14403420004f3b4aa4aaa8c0453a4991cc0589f822345a46a88783d66e6965ff4bd4df1fb22452a1c871e580894b8e5d629e237b8e281fc39fbb9817ea063985ab602721188",
        "3059301306072a8648ce3d020106082a8648ce3d03010703420004f3b4aa4aaa8c0453a4991cc0589f822345a46a88783d66e6965ff4bd4df1fb22452a1c871e580894b8e5d629e237b8e281fc39fbb9817ea063985ab602721188",
    ),
];

const WEBHOOK_KEYWORDS: &[&str] = &[
    "{body}",
    "{timestamp}",
    "{id}",
    "{url}",
    "{form_params}",
    "{hex}",
    "{base64}",
    "t=",
    "v1=",
    "v1,",
    "v1a,",
    "sha256=",
    "sha1=",
    "v0:",
    ",",
    " ",
    ".",
    ":",
    "=",
    "whsec_",
    "whpk_",
    "whsk_",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "Stripe-Signature",
    "X-Hub-Signature-256",
    "X-Twilio-Signature",
    "hmac-sha256",
    "hmac-sha1",
    "ed25519",
    "ecdsa-p256",
    "sendgrid",
    "base64",
    "hex",
    "utf8",
    "bodySHA256",
];

/// One webhook case, saved as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Case {
    /// The scheme in its serde form (may be invalid).
    scheme: Value,
    /// Key text that signs.
    signing_key: String,
    /// Keys that verify (the matching one first, when there is one).
    verifying_keys: Vec<String>,
    /// Body, base64.
    body: String,
    timestamp: i64,
    id: Option<String>,
    url: Option<String>,
    /// Seconds between the timestamp and the verifier's clock.
    clock_shift: i64,
    /// What is done to the signed delivery before verifying.
    tampering: Vec<Tamper>,
    /// Headers sent instead of the signed ones, when not empty (raw garbage).
    raw_headers: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
enum Tamper {
    /// Flip bits of the body byte at this index (modulo its length).
    FlipBody(usize, u8),
    /// Append bytes to the body.
    AppendBody(String),
    /// Replace a header's value (by index modulo the count) with this base64 value.
    SetHeader(usize, String),
    /// Insert bytes into a header value at an index.
    EditHeader(usize, usize, String),
    /// Drop a header.
    DropHeader(usize),
    /// Send a header twice.
    DuplicateHeader(usize),
    /// Change the case of a header name.
    UpperName(usize),
}

/// The webhook target and its seeds.
pub struct WebhookTarget {
    presets: Vec<Value>,
    secrets: Vec<String>,
    bodies: Vec<Vec<u8>>,
    ids: Vec<String>,
}

impl WebhookTarget {
    /// Reads the presets and the corpus vectors.
    ///
    /// Errors: the corpus's `webhooks/schemes.yaml` cannot be read or parsed.
    pub fn load() -> Result<WebhookTarget, String> {
        let mut presets = Vec::new();
        for preset in accord::spec::presets::ALL {
            let scheme = accord::lower::preset_scheme(preset.id()).ok_or_else(|| format!("preset {}", preset.id()))?;
            presets.push(serde_json::to_value(&scheme).map_err(|e| e.to_string())?);
        }
        let path = corpus_root().join("webhooks/schemes.yaml");
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let (corpus, _) = accord::spec::yaml::parse(&text)
            .map_err(|d| format!("{}: {}", path.display(), d.first().map(|d| d.message.clone()).unwrap_or_default()))?;
        let (mut secrets, mut bodies, mut ids) = (Vec::new(), Vec::new(), Vec::new());
        let mut stack = vec![&corpus];
        while let Some(value) = stack.pop() {
            match value {
                Value::Object(map) => {
                    for (key, child) in map {
                        match (key.as_str(), child) {
                            ("secret" | "public_key" | "signing_key", Value::String(text)) => {
                                secrets.push(text.clone())
                            }
                            ("payload" | "body", Value::String(text)) => bodies.push(text.clone().into_bytes()),
                            ("msg_id" | "id", Value::String(text)) => ids.push(text.clone()),
                            _ => stack.push(child),
                        }
                    }
                }
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        if secrets.is_empty() || bodies.is_empty() {
            return Err(format!("no test vectors found in {}", path.display()));
        }
        ids.push("msg_1".into());
        Ok(WebhookTarget { presets, secrets, bodies, ids })
    }

    fn key_for(&self, dice: &mut Dice, scheme: &Value) -> (String, String) {
        let algorithm = scheme.get("algorithm").and_then(Value::as_str).unwrap_or_default();
        if algorithm == "ed25519" {
            return (ED25519_SIGNING.into(), ED25519_VERIFYING.into());
        }
        if algorithm == "ecdsa-p256" {
            let prefix = scheme.pointer("/key/prefix").and_then(Value::as_str).unwrap_or_default();
            let signing_prefix = scheme.pointer("/key/signing_prefix").and_then(Value::as_str).unwrap_or(prefix);
            let hex = scheme.pointer("/key/encoding").and_then(Value::as_str) == Some("hex");
            let (signing, verifying) = ECDSA_PAIRS[usize::from(hex)];
            return (format!("{signing_prefix}{signing}"), format!("{prefix}{verifying}"));
        }
        let encoding = scheme.pointer("/key/encoding").and_then(Value::as_str).unwrap_or("utf8");
        let prefix = scheme.pointer("/key/prefix").and_then(Value::as_str).unwrap_or_default();
        let key = match (encoding, dice.rng.u32(0..4)) {
            (_, 0) => dice.pick(&self.secrets).clone(),
            ("base64", _) => {
                let bytes: Vec<u8> = (0..dice.rng.usize(1..80)).map(|_| dice.rng.u8(..)).collect();
                format!("{prefix}{}", base64::engine::general_purpose::STANDARD.encode(bytes))
            }
            ("hex", _) => {
                let bytes: Vec<u8> = (0..dice.rng.usize(1..80)).map(|_| dice.rng.u8(..)).collect();
                format!("{prefix}{}", hex::encode(bytes))
            }
            _ => dice.text(&[]),
        };
        (key.clone(), key)
    }
}

fn timestamp(dice: &mut Dice) -> i64 {
    match dice.rng.u32(0..10) {
        0 => 0,
        1 => -dice.rng.i64(1..1_000_000),
        2 => dice.rng.i64(1_000_000_000_000_000_000..=i64::MAX),
        3 => i64::MAX,
        4 => dice.rng.i64(1_000_000_000_000..10_000_000_000_000),
        5 => dice.rng.i64(0..10_000),
        _ => dice.rng.i64(1_500_000_000..2_000_000_000),
    }
}

/// What is odd about a scheme and timestamp whose round trip failed, for `known::AWAITING_FIX`
/// to recognise a known defect by: ` ts19` (a 19-digit timestamp), ` negative-ts`,
/// ` sep-in-alphabet` (a separator that base64 or hex signatures can contain),
/// ` format-space` (a format with spaces at an end), ` header-clash` (an empty header name, or
/// two of the scheme's headers alike).
fn tags(scheme: &Scheme, timestamp: i64) -> String {
    let mut tags = String::new();
    if timestamp.unsigned_abs().to_string().len() >= 19 {
        tags.push_str(" ts19");
    }
    if timestamp < 0 {
        tags.push_str(" negative-ts");
    }
    let alphabet = |c: char| c.is_ascii_alphanumeric() || "+/=".contains(c);
    if scheme.separator.as_deref().is_some_and(|separator| separator.chars().any(alphabet)) {
        tags.push_str(" sep-in-alphabet");
    }
    if scheme.format.trim() != scheme.format {
        tags.push_str(" format-space");
    }
    let names: Vec<String> = [Some(&scheme.header), scheme.id_header.as_ref(), scheme.timestamp_header.as_ref()]
        .into_iter()
        .flatten()
        .map(|name| name.to_ascii_lowercase())
        .collect();
    let distinct: std::collections::BTreeSet<&String> = names.iter().collect();
    if names.iter().any(|name| name.trim().is_empty()) || distinct.len() < names.len() {
        tags.push_str(" header-clash");
    }
    tags
}

fn header_bytes(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(text).unwrap_or_else(|_| text.as_bytes().to_vec())
}

impl Target for WebhookTarget {
    fn name(&self) -> &'static str {
        "webhook"
    }

    fn extension(&self) -> &'static str {
        "json"
    }

    fn generate(&self, dice: &mut Dice) -> Vec<u8> {
        let mut scheme = dice.pick(&self.presets).clone();
        if dice.chance(20) {
            mutate_value(dice, &mut scheme, WEBHOOK_KEYWORDS, &[], 3, 4);
        }
        let (signing_key, verifying_key) = self.key_for(dice, &scheme);
        let mut verifying_keys = vec![verifying_key];
        if dice.chance(20) {
            verifying_keys.insert(0, dice.pick(&self.secrets).clone());
        }
        let mut body = if dice.chance(70) {
            dice.pick(&self.bodies).clone()
        } else {
            let length = dice.small(300);
            (0..length).map(|_| dice.rng.u8(..)).collect()
        };
        if dice.chance(30) {
            mutate_bytes(dice, &mut body, &[], &[], 3, 8);
        }
        let id = match dice.rng.u32(0..5) {
            0 => None,
            1 => Some(dice.text(WEBHOOK_KEYWORDS)),
            _ => Some(dice.pick(&self.ids).clone()),
        };
        let url = match dice.rng.u32(0..4) {
            0 => None,
            1 => Some(format!("https://example.com:{}/hook?a=1&bodySHA256=x", dice.rng.u16(..))),
            2 => Some(format!("https://example.com/{}", dice.text(&[]))),
            _ => Some("https://example.com/twilio?x=1".into()),
        };
        let timestamp = timestamp(dice);
        let tolerance = scheme.get("tolerance_seconds").and_then(Value::as_i64).unwrap_or(0);
        let clock_shift = match dice.rng.u32(0..5) {
            0 => dice.rng.i64(-1_000_000..1_000_000),
            1 => tolerance.saturating_add(1),
            2 => tolerance.saturating_neg().saturating_sub(1),
            _ => 0,
        };
        let mut tampering = Vec::new();
        if dice.chance(40) {
            for _ in 0..dice.small(3) {
                tampering.push(match dice.rng.u32(0..7) {
                    0 => Tamper::FlipBody(dice.rng.usize(..), 1 << dice.rng.u32(0..8)),
                    1 => Tamper::AppendBody(dice.text(&[])),
                    2 => Tamper::SetHeader(
                        dice.rng.usize(0..4),
                        base64::engine::general_purpose::STANDARD.encode(dice.text(WEBHOOK_KEYWORDS)),
                    ),
                    3 => Tamper::EditHeader(dice.rng.usize(0..4), dice.rng.usize(0..200), dice.text(WEBHOOK_KEYWORDS)),
                    4 => Tamper::DropHeader(dice.rng.usize(0..4)),
                    5 => Tamper::DuplicateHeader(dice.rng.usize(0..4)),
                    _ => Tamper::UpperName(dice.rng.usize(0..4)),
                });
            }
        }
        let mut raw_headers = Vec::new();
        if dice.chance(10) {
            for _ in 0..dice.small(5) {
                let name = (*dice.pick(WEBHOOK_KEYWORDS)).to_string();
                let mut value = dice.text(WEBHOOK_KEYWORDS).into_bytes();
                mutate_bytes(dice, &mut value, WEBHOOK_KEYWORDS, &[], 4, 8);
                raw_headers.push((name, base64::engine::general_purpose::STANDARD.encode(value)));
            }
        }
        let case = Case {
            scheme,
            signing_key,
            verifying_keys,
            body: base64::engine::general_purpose::STANDARD.encode(&body),
            timestamp,
            id,
            url,
            clock_shift,
            tampering,
            raw_headers,
        };
        serde_json::to_vec_pretty(&case).unwrap_or_default()
    }

    fn execute(&self, input: &[u8]) -> Outcome {
        let Ok(case) = serde_json::from_slice::<Case>(input) else { return Outcome::Rejected(None) };
        let Ok(scheme) = serde_json::from_value::<Scheme>(case.scheme.clone()) else { return Outcome::Rejected(None) };
        let body = header_bytes(&case.body);
        let keys: Vec<Secret> = case.verifying_keys.iter().map(|k| Secret::new(k.clone())).collect();
        let key_refs: Vec<&Secret> = keys.iter().collect();
        let clock = |seconds: i64| -> SystemTime {
            let seconds = seconds.saturating_add(case.clock_shift);
            if seconds >= 0 {
                UNIX_EPOCH.checked_add(Duration::from_secs(seconds as u64)).unwrap_or(UNIX_EPOCH)
            } else {
                UNIX_EPOCH.checked_sub(Duration::from_secs(seconds.unsigned_abs())).unwrap_or(UNIX_EPOCH)
            }
        };
        if !case.raw_headers.is_empty() {
            let headers: Vec<(String, Vec<u8>)> =
                case.raw_headers.iter().map(|(n, v)| (n.clone(), header_bytes(v))).collect();
            let _ = scheme.verify(&headers, &body, case.url.as_deref(), &key_refs, clock(case.timestamp));
            return Outcome::Rejected(None);
        }
        let signing_key = Secret::new(case.signing_key.clone());
        let message =
            Message { body: &body, timestamp: case.timestamp, id: case.id.as_deref(), url: case.url.as_deref() };
        let signed = match scheme.sign(&message, &[&signing_key]) {
            Ok(headers) => headers,
            Err(_) => return Outcome::Rejected(None),
        };
        let mut headers: Vec<(String, Vec<u8>)> =
            signed.iter().map(|(n, v)| (n.clone(), v.clone().into_bytes())).collect();
        let now = clock(case.timestamp);
        let is_ed25519 = scheme.algorithm == accord_runtime::webhook::SignatureAlgorithm::Ed25519;
        // The key that verifies what `signing_key` signed: the same text for HMAC, the public
        // half of the fixed pair for Ed25519.
        let is_ecdsa = scheme.algorithm == accord_runtime::webhook::SignatureAlgorithm::EcdsaP256;
        let matching = if is_ed25519 {
            (case.signing_key == ED25519_SIGNING).then(|| Secret::new(ED25519_VERIFYING))
        } else if is_ecdsa {
            // The public half of the pair whose private key signed.
            let last = case.verifying_keys.last();
            ECDSA_PAIRS
                .iter()
                .any(|(signing, verifying)| {
                    case.signing_key.ends_with(signing) && last.is_some_and(|key| key.ends_with(verifying))
                })
                .then(|| Secret::new(last.cloned().unwrap_or_default()))
        } else {
            (case.verifying_keys.last() == Some(&case.signing_key)).then(|| signing_key.clone())
        };
        // Round trip: what sign wrote verifies at its own time with the matching key alone
        // (a key list with a key that does not decode is refused as a whole, by design).
        if case.clock_shift == 0
            && let Some(matching) = &matching
        {
            match scheme.verify(&headers, &body, case.url.as_deref(), &[matching], now) {
                Ok(verified) => {
                    let signs_timestamp =
                        scheme.signed_payload.contains("{timestamp}") || scheme.format.contains("{timestamp}");
                    if signs_timestamp && verified.timestamp != Some(case.timestamp) {
                        return Outcome::Violation(format!(
                            "round-trip: signed timestamp {} read back as {:?}",
                            case.timestamp, verified.timestamp
                        ));
                    }
                }
                // The public key text may not fit a mutated key prefix: refusing it is right.
                Err(WebhookError::InvalidKey(_)) if is_ed25519 || is_ecdsa => {}
                Err(error) => {
                    return Outcome::Violation(format!(
                        "round-trip: a delivery signed by Scheme::sign is refused by verify: {error:?} \
                         (timestamp {}; headers {signed:?}; scheme {}) [tags:{}]",
                        case.timestamp,
                        case.scheme,
                        tags(&scheme, case.timestamp)
                    ));
                }
            }
        }
        let original_body = body.clone();
        let mut body = body;
        for tamper in &case.tampering {
            let count = headers.len().max(1);
            match tamper {
                Tamper::FlipBody(at, bits) if !body.is_empty() => {
                    let at = at % body.len();
                    body[at] ^= bits | 1;
                }
                Tamper::FlipBody(..) => {}
                Tamper::AppendBody(text) => body.extend(text.as_bytes()),
                Tamper::SetHeader(index, value) if !headers.is_empty() => {
                    headers[index % count].1 = header_bytes(value)
                }
                Tamper::EditHeader(index, at, text) if !headers.is_empty() => {
                    let value = &mut headers[index % count].1;
                    let at = (*at).min(value.len());
                    value.splice(at..at, text.bytes());
                }
                Tamper::DropHeader(index) if !headers.is_empty() => {
                    headers.remove(index % count);
                }
                Tamper::DuplicateHeader(index) if !headers.is_empty() => {
                    let header = headers[index % count].clone();
                    headers.push(header);
                }
                Tamper::UpperName(index) if !headers.is_empty() => {
                    headers[index % count].0 = headers[index % count].0.to_uppercase();
                }
                _ => {}
            }
        }
        let result = scheme.verify(&headers, &body, case.url.as_deref(), &key_refs, now);
        // A changed body never verifies, except where the scheme signs the form parameters
        // (Twilio), which other bytes can spell alike.
        let signs_body = scheme.signed_payload.contains("{body}");
        if body != original_body && signs_body && result.is_ok() {
            return Outcome::Violation(format!("a delivery whose body was changed verifies: {case:?}"));
        }
        match result {
            Ok(_) => Outcome::Accepted,
            Err(WebhookError::InvalidScheme(_)) if case.tampering.is_empty() => {
                Outcome::Violation("sign accepted a scheme that verify calls invalid".into())
            }
            Err(_) => Outcome::Rejected(None),
        }
    }
}
