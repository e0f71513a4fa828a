//! Property tests of the webhook signature grammar (`accord_runtime::webhook::Scheme`): what
//! `Scheme::sign` signs, `Scheme::verify` accepts, and nothing else.
//!
//! Six schemes, written out in the explicit form of a spec's `webhooks.signature` section
//! (no presets): Standard Webhooks v1 (HMAC-SHA256) and v1a (Ed25519), Stripe, GitHub,
//! Shopify and Slack. Every property runs for every scheme (256 cases each), from a fixed
//! seed, so that every run and CI check the same cases:
//!
//! - round trip: any body (0 to 2047 arbitrary bytes), timestamp (1970 to 2100) and message id
//!   that `sign` signs verifies, through a `HeaderMap` and through `(name, value)` pairs, at the
//!   signed time and at both edges of the replay window, and is rejected one second past them;
//!   any of several keys may match, and any of several signatures (key rotation);
//! - tampering: one byte of the body changed, removed or added; one byte of the signature
//!   header changed; the signature header cut short; the signed timestamp (header or entry)
//!   moved by a nonzero amount; one character of the id changed; the wrong key. Each is
//!   rejected, with the error the change must cause where there is only one;
//! - garbage: random headers (any bytes, printable or not, random names and letter case,
//!   duplicates) and random keys never make the verifier panic and never verify, and neither
//!   do well-formed headers that carry random signature bytes.
//!
//! Plain tests pin the regressions of svix#1190 and standard-webhooks#115 (an empty signature
//! entry such as `v1,` or `sha256=` once verified) and headers of separators only. The
//! official known-answer vectors are checked by `corpus.rs`, not here.
//!
//! To explore beyond the fixed cases: `PROPTEST_CASES=100000 PROPTEST_RNG_SEED=<n>`.

use std::sync::LazyLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use accord_runtime::Secret;
use accord_runtime::header::{HeaderMap, HeaderName, HeaderValue};
use accord_runtime::webhook::{Algorithm, HeaderSource, Message, Scheme, Verified, WebhookError};
use base64::Engine as _;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{RngAlgorithm, RngSeed};

/// `cases` cases from a fixed seed, no failure files: the same cases on every run.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(0x5745_4248_4f4f_4b53),
        ..ProptestConfig::default()
    }
}

/// A scheme and the keys to use with it.
struct Fixture {
    scheme: Scheme,
    /// What the provider signs with: the shared secret, or the Ed25519 seed.
    signing_key: Secret,
    /// What the receiver verifies with: the shared secret, or the Ed25519 public key.
    verifying_key: Secret,
    /// A second valid key (signing, verifying) that never signed the deliveries here; the
    /// Ed25519 one has no seed at hand (it is the base point: a valid key, scalar 1).
    other_key: (Option<Secret>, Secret),
}

impl Fixture {
    fn new(scheme_yaml: &str, signing_key: &str, verifying_key: &str, other_key: (Option<&str>, &str)) -> Self {
        // YAML goes through the compiler's one YAML module (`accord::spec::yaml`).
        let (value, _) = accord::spec::yaml::parse(scheme_yaml)
            .unwrap_or_else(|error| panic!("the scheme is not YAML: {error:?}\n{scheme_yaml}"));
        let scheme: Scheme = serde_json::from_value(value)
            .unwrap_or_else(|error| panic!("the scheme does not parse: {error}\n{scheme_yaml}"));
        scheme.check().unwrap_or_else(|error| panic!("the scheme is inconsistent: {error}\n{scheme_yaml}"));
        Fixture {
            scheme,
            signing_key: Secret::new(signing_key),
            verifying_key: Secret::new(verifying_key),
            other_key: (other_key.0.map(Secret::new), Secret::new(other_key.1)),
        }
    }

    fn signs_timestamp(&self) -> bool {
        self.scheme.signed_payload.contains("{timestamp}")
    }

    fn signs_id(&self) -> bool {
        self.scheme.id_header.is_some()
    }

    /// Signs with the fixture's signing key; `sign` must succeed for any body and time.
    fn sign(&self, delivery: &Delivery) -> Vec<(String, String)> {
        self.sign_with(delivery, &[&self.signing_key])
    }

    fn sign_with(&self, delivery: &Delivery, keys: &[&Secret]) -> Vec<(String, String)> {
        let message =
            Message { body: &delivery.body, timestamp: delivery.timestamp, id: Some(&delivery.id), url: None };
        self.scheme.sign(&message, keys).unwrap_or_else(|error| panic!("sign failed: {error}"))
    }

    fn verify<H: HeaderSource + ?Sized>(&self, headers: &H, body: &[u8], now: i64) -> Result<Verified, WebhookError> {
        self.scheme.verify(headers, body, None, &[&self.verifying_key], at(now))
    }

    /// Every header name the scheme reads.
    fn header_names(&self) -> Vec<&str> {
        let mut names = vec![&*self.scheme.header];
        names.extend(self.scheme.timestamp_header.as_deref());
        names.extend(self.scheme.id_header.as_deref());
        names
    }

    /// The header value `format` gives for `signature` (raw bytes) at `timestamp`.
    fn well_formed_header(&self, signature: &[u8], timestamp: &str) -> String {
        self.scheme
            .format
            .replace("{hex}", &hex::encode(signature))
            .replace("{base64}", &base64::engine::general_purpose::STANDARD.encode(signature))
            .replace("{timestamp}", timestamp)
    }

    /// The format entry carrying the timestamp, filled in with `timestamp`, when the
    /// timestamp travels in the signature header (Stripe's `t=`).
    fn timestamp_entry(&self, timestamp: &str) -> Option<String> {
        let entries: Vec<&str> = match self.scheme.separator.as_deref().filter(|s| !s.is_empty()) {
            Some(separator) => self.scheme.format.split(separator).collect(),
            None => vec![&*self.scheme.format],
        };
        entries.into_iter().find(|entry| entry.contains("{timestamp}")).map(|e| e.replace("{timestamp}", timestamp))
    }
}

/// Unix seconds as a clock reading, before 1970 included.
fn at(seconds: i64) -> SystemTime {
    if seconds >= 0 {
        UNIX_EPOCH + Duration::from_secs(seconds.unsigned_abs())
    } else {
        UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
    }
}

fn header_map<V: AsRef<[u8]>>(pairs: &[(String, V)]) -> Option<HeaderMap> {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
        map.append(name, HeaderValue::from_bytes(value.as_ref()).ok()?);
    }
    Some(map)
}

fn value_of<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).expect("the signer sets it")
}

fn set_value(pairs: &mut [(String, String)], name: &str, value: String) {
    let slot = pairs.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)).expect("the signer sets it");
    slot.1 = value;
}

/// The errors a tampered or forged delivery may get: anything that says "rejected", nothing
/// that blames the configuration (`InvalidKey`, `InvalidScheme`).
fn is_rejection(error: &WebhookError) -> bool {
    matches!(
        error,
        WebhookError::MissingHeader { .. }
            | WebhookError::DuplicateHeader { .. }
            | WebhookError::EmptySignature { .. }
            | WebhookError::WrongFormat { .. }
            | WebhookError::InvalidEncoding { .. }
            | WebhookError::WrongLength { .. }
            | WebhookError::MissingTimestamp
            | WebhookError::InvalidTimestamp
            | WebhookError::TimestampOutsideTolerance { .. }
            | WebhookError::SignatureMismatch
    )
}

// ------------------------------------------------------------------------------------------
// The schemes.

const STANDARD_WEBHOOKS_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const STANDARD_WEBHOOKS_OTHER_SECRET: &str = "whsec_YSBzZWNvbmQgc2VjcmV0LCBmb3Igcm90YXRpb25zLi4=";

/// Standard Webhooks v1 (spec 1.0.0): `webhook-signature: v1,<base64> v1,<base64>`.
static STANDARD_WEBHOOKS_V1: LazyLock<Fixture> = LazyLock::new(|| {
    Fixture::new(
        r#"
        algorithm: hmac-sha256
        key: { encoding: base64, prefix: whsec_ }
        header: webhook-signature
        format: "v1,{base64}"
        separator: " "
        signed_payload: "{id}.{timestamp}.{body}"
        id_header: webhook-id
        timestamp_header: webhook-timestamp
        tolerance_seconds: 300
        "#,
        STANDARD_WEBHOOKS_SECRET,
        STANDARD_WEBHOOKS_SECRET,
        (Some(STANDARD_WEBHOOKS_OTHER_SECRET), STANDARD_WEBHOOKS_OTHER_SECRET),
    )
});

/// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>,v1=<hex>`, the secret used as UTF-8 text.
static STRIPE: LazyLock<Fixture> = LazyLock::new(|| {
    Fixture::new(
        r#"
        algorithm: hmac-sha256
        key: { encoding: utf8 }
        header: Stripe-Signature
        format: "t={timestamp},v1={hex}"
        separator: ","
        signed_payload: "{timestamp}.{body}"
        tolerance_seconds: 300
        "#,
        "whsec_test_secret",
        "whsec_test_secret",
        (Some("whsec_other_secret"), "whsec_other_secret"),
    )
});

/// GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body alone, no timestamp.
static GITHUB: LazyLock<Fixture> = LazyLock::new(|| {
    Fixture::new(
        r#"
        algorithm: hmac-sha256
        header: X-Hub-Signature-256
        format: "sha256={hex}"
        signed_payload: "{body}"
        "#,
        "It's a Secret to Everybody",
        "It's a Secret to Everybody",
        (Some("It's another secret"), "It's another secret"),
    )
});

/// Shopify: `X-Shopify-Hmac-Sha256: <base64>` over the body alone.
static SHOPIFY: LazyLock<Fixture> = LazyLock::new(|| {
    Fixture::new(
        r#"
        algorithm: hmac-sha256
        header: X-Shopify-Hmac-Sha256
        format: "{base64}"
        signed_payload: "{body}"
        "#,
        "hush",
        "hush",
        (Some("quiet"), "quiet"),
    )
});

/// Slack: `X-Slack-Signature: v0=<hex>` over `v0:<timestamp>:<body>`, the timestamp in
/// `X-Slack-Request-Timestamp`.
static SLACK: LazyLock<Fixture> = LazyLock::new(|| {
    Fixture::new(
        r#"
        algorithm: hmac-sha256
        header: X-Slack-Signature
        format: "v0={hex}"
        signed_payload: "v0:{timestamp}:{body}"
        timestamp_header: X-Slack-Request-Timestamp
        tolerance_seconds: 300
        "#,
        "8f742231b10e8888abcd99yyyzzz85a5",
        "8f742231b10e8888abcd99yyyzzz85a5",
        (Some("8f742231b10e8888abcd99yyyzzz85a6"), "8f742231b10e8888abcd99yyyzzz85a6"),
    )
});

/// Standard Webhooks v1a: Ed25519, `whsk_` seeds and `whpk_` public keys.
static STANDARD_WEBHOOKS_V1A: LazyLock<Fixture> = LazyLock::new(|| {
    Fixture::new(
        r#"
        algorithm: ed25519
        key: { encoding: base64, prefix: whpk_, signing_prefix: whsk_ }
        header: webhook-signature
        format: "v1a,{base64}"
        separator: " "
        signed_payload: "{id}.{timestamp}.{body}"
        id_header: webhook-id
        timestamp_header: webhook-timestamp
        tolerance_seconds: 300
        "#,
        "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=",
        "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=",
        (None, "whpk_WGZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmY="),
    )
});

// ------------------------------------------------------------------------------------------
// Inputs.

#[derive(Debug, Clone)]
struct Delivery {
    body: Vec<u8>,
    /// Unix seconds, 1970 to 2100.
    timestamp: i64,
    id: String,
}

fn delivery() -> impl Strategy<Value = Delivery> {
    (prop::collection::vec(any::<u8>(), 0..2048), 0i64..=4_102_444_800, "msg_[A-Za-z0-9]{1,32}")
        .prop_map(|(body, timestamp, id)| Delivery { body, timestamp, id })
}

/// A nonzero shift of the timestamp: within the replay window, just past it, or far.
fn timestamp_shift() -> impl Strategy<Value = i64> {
    prop_oneof![-300i64..=-1, 1i64..=300, -302i64..=-301, 301i64..=302, any::<i32>().prop_map(i64::from)]
        .prop_filter("a shift of zero changes nothing", |shift| *shift != 0)
}

/// A header value of any kind: raw bytes (not UTF-8, control characters), printable text,
/// text from the grammar's own alphabet (so that prefixes and separators occur), or Unicode.
fn garbage_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..160),
        "[ -~]{0,160}".prop_map(String::into_bytes),
        "[ ,=:.tv01a-fA-F+/sh256]{0,120}".prop_map(String::into_bytes),
        "[0-9]{0,20}".prop_map(String::into_bytes),
        any::<String>().prop_map(String::into_bytes),
    ]
}

/// Up to eight headers, each named after one the scheme reads (in random letter case, so
/// duplicates are frequent) or something else, with garbage values.
fn garbage_headers(names: Vec<String>) -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let name = prop_oneof![
        4 => prop::sample::select(names),
        1 => "[A-Za-z-]{1,20}",
    ];
    let cased = (name, prop::collection::vec(any::<bool>(), 32)).prop_map(|(name, upper)| {
        name.chars()
            .zip(upper.into_iter().cycle())
            .map(|(c, upper)| if upper { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
            .collect::<String>()
    });
    prop::collection::vec((cased, garbage_value()), 0..8)
}

// ------------------------------------------------------------------------------------------
// Properties. Each takes the fixture, returns a proptest result, and is run per scheme below.

/// (a) What `sign` signs verifies: now, at both edges of the window, and with other keys
/// and signatures beside the right ones; one second past the window it is rejected.
fn signed_delivery_verifies(fixture: &Fixture, delivery: &Delivery) -> Result<(), TestCaseError> {
    let headers = fixture.sign(delivery);
    let map = header_map(&headers).expect("the signer writes valid header values");
    let expected = Verified {
        timestamp: fixture.signs_timestamp().then_some(delivery.timestamp),
        id: fixture.signs_id().then(|| delivery.id.clone()),
    };
    let now = delivery.timestamp;
    prop_assert_eq!(fixture.verify(&map, &delivery.body, now), Ok(expected.clone()));
    prop_assert_eq!(fixture.verify(&headers, &delivery.body, now), Ok(expected.clone()));

    let tolerance = i64::try_from(fixture.scheme.tolerance_seconds).expect("a small tolerance");
    if tolerance > 0 {
        for edge in [-tolerance, tolerance] {
            prop_assert_eq!(fixture.verify(&map, &delivery.body, now + edge), Ok(expected.clone()));
            // The clock one second further: the timestamp is then too old (or too new).
            let past = edge + edge.signum();
            prop_assert_eq!(
                fixture.verify(&map, &delivery.body, now + past),
                Err(WebhookError::TimestampOutsideTolerance { skew_seconds: -past })
            );
        }
    } else {
        // Without a window the clock does not matter.
        prop_assert_eq!(fixture.verify(&map, &delivery.body, 0), Ok(expected.clone()));
    }

    // Any of several keys may match, and only the right one does.
    let (other_signing, other_verifying) = &fixture.other_key;
    let scheme = &fixture.scheme;
    let both = [other_verifying, &fixture.verifying_key];
    prop_assert_eq!(scheme.verify(&map, &delivery.body, None, &both, at(now)), Ok(expected.clone()));
    prop_assert_eq!(
        scheme.verify(&map, &delivery.body, None, &[other_verifying], at(now)),
        Err(WebhookError::SignatureMismatch)
    );

    // Key rotation: one signature per key in the header, either key verifies.
    if let (Some(other_signing), Some(_)) = (other_signing, &scheme.separator) {
        let rotated = fixture.sign_with(delivery, &[other_signing, &fixture.signing_key]);
        let rotated = header_map(&rotated).expect("the signer writes valid header values");
        for key in [&fixture.verifying_key, other_verifying] {
            prop_assert_eq!(scheme.verify(&rotated, &delivery.body, None, &[key], at(now)), Ok(expected.clone()));
        }
    }
    Ok(())
}

/// (b) One byte of the body changed, removed or added: `SignatureMismatch`, whatever the byte.
fn changed_body_is_rejected(
    fixture: &Fixture,
    delivery: &Delivery,
    at_index: Index,
    change: u8,
) -> Result<(), TestCaseError> {
    let headers = header_map(&fixture.sign(delivery)).expect("valid header values");
    let now = delivery.timestamp;
    let mut longer = delivery.body.clone();
    longer.insert(at_index.index(delivery.body.len() + 1), change);
    prop_assert_eq!(fixture.verify(&headers, &longer, now), Err(WebhookError::SignatureMismatch));
    if !delivery.body.is_empty() {
        let index = at_index.index(delivery.body.len());
        let mut changed = delivery.body.clone();
        changed[index] = changed[index].wrapping_add(change.max(1));
        prop_assert_eq!(fixture.verify(&headers, &changed, now), Err(WebhookError::SignatureMismatch));
        let mut shorter = delivery.body.clone();
        shorter.remove(index);
        prop_assert_eq!(fixture.verify(&headers, &shorter, now), Err(WebhookError::SignatureMismatch));
    }
    Ok(())
}

/// (b) One byte of the signature header changed to another byte, or the header cut short
/// (svix#1190 compared only a prefix): rejected, never verified.
fn changed_signature_header_is_rejected(
    fixture: &Fixture,
    delivery: &Delivery,
    at_index: Index,
    change: u8,
) -> Result<(), TestCaseError> {
    let headers = fixture.sign(delivery);
    let name = &*fixture.scheme.header;
    let value = value_of(&headers, name).as_bytes().to_vec();
    let now = delivery.timestamp;
    let index = at_index.index(value.len());

    let mut cut = headers.clone();
    set_value(&mut cut, name, String::from_utf8(value[..index].to_vec()).expect("the signer writes ASCII"));
    let result = fixture.verify(&cut, &delivery.body, now);
    prop_assert!(result.as_ref().is_err_and(is_rejection), "cut at {}: {:?}", index, result);

    let mut changed_value = value.clone();
    changed_value[index] = changed_value[index].wrapping_add(change.max(1));
    prop_assume!(HeaderValue::from_bytes(&changed_value).is_ok(), "not a valid header value");
    let mut changed: Vec<(String, Vec<u8>)> =
        headers.into_iter().map(|(name, value)| (name, value.into_bytes())).collect();
    changed.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)).expect("the signer sets it").1 = changed_value;
    let map = header_map(&changed).expect("checked above");
    let result = fixture.verify(&map, &delivery.body, now);
    prop_assert!(result.as_ref().is_err_and(is_rejection), "byte {} changed: {:?}", index, result);
    Ok(())
}

/// (b) The signed timestamp moved by `shift` seconds (in its header, or in the signature
/// header's entry): too far is `TimestampOutsideTolerance`, negative is `InvalidTimestamp`,
/// within the window it is `SignatureMismatch`. For a scheme that signs no time, signing at
/// another time gives the same headers.
fn changed_timestamp_is_rejected(fixture: &Fixture, delivery: &Delivery, shift: i64) -> Result<(), TestCaseError> {
    let mut headers = fixture.sign(delivery);
    let original = delivery.timestamp.to_string();
    let moved = delivery.timestamp + shift;
    match (&fixture.scheme.timestamp_header, fixture.timestamp_entry(&original)) {
        (Some(name), _) => set_value(&mut headers, name, moved.to_string()),
        (None, Some(entry)) => {
            let name = &*fixture.scheme.header;
            let value =
                value_of(&headers, name).replacen(&entry, &fixture.timestamp_entry(&moved.to_string()).unwrap(), 1);
            set_value(&mut headers, name, value);
        }
        (None, None) => {
            // Nothing signs a time: the signature is the same at any other time.
            let later = fixture.sign(&Delivery { timestamp: moved, ..delivery.clone() });
            prop_assert_eq!(&headers, &later);
            return Ok(());
        }
    }
    let expected = if moved < 0 {
        WebhookError::InvalidTimestamp
    } else if shift.unsigned_abs() > fixture.scheme.tolerance_seconds {
        WebhookError::TimestampOutsideTolerance { skew_seconds: shift }
    } else {
        WebhookError::SignatureMismatch
    };
    let map = header_map(&headers).expect("digits are valid header values");
    prop_assert_eq!(fixture.verify(&map, &delivery.body, delivery.timestamp), Err(expected));
    Ok(())
}

/// (b) One character of the signed id changed: `SignatureMismatch`. For a scheme that signs
/// no id, signing with another id gives the same headers.
fn changed_id_is_rejected(
    fixture: &Fixture,
    delivery: &Delivery,
    at_index: Index,
    replacement: char,
) -> Result<(), TestCaseError> {
    let mut headers = fixture.sign(delivery);
    let mut id: Vec<char> = delivery.id.chars().collect();
    let index = at_index.index(id.len());
    prop_assume!(id[index] != replacement, "the same character");
    id[index] = replacement;
    let Some(id_header) = &fixture.scheme.id_header else {
        let other = fixture.sign(&Delivery { id: id.into_iter().collect(), ..delivery.clone() });
        prop_assert_eq!(&headers, &other);
        return Ok(());
    };
    set_value(&mut headers, id_header, id.into_iter().collect());
    let map = header_map(&headers).expect("alphanumeric ids are valid header values");
    prop_assert_eq!(fixture.verify(&map, &delivery.body, delivery.timestamp), Err(WebhookError::SignatureMismatch));
    Ok(())
}

/// (c) Garbage headers and keys: `verify` returns (a panic fails the case) and never `Ok`,
/// through `(name, bytes)` pairs and, where the values are valid, through a `HeaderMap`.
fn garbage_is_rejected(
    fixture: &Fixture,
    headers: &[(String, Vec<u8>)],
    body: &[u8],
    now: i64,
    random_key: Option<&str>,
) -> Result<(), TestCaseError> {
    let random_key = random_key.map(Secret::new);
    let keys: Vec<&Secret> = match &random_key {
        Some(key) => vec![key],
        None => vec![&fixture.verifying_key],
    };
    let result = fixture.scheme.verify(headers, body, None, &keys, at(now));
    prop_assert!(result.is_err(), "garbage verified: {:?}", result);
    if let Some(map) = header_map(headers) {
        let result = fixture.scheme.verify(&map, body, None, &keys, at(now));
        prop_assert!(result.is_err(), "garbage verified: {:?}", result);
    }
    Ok(())
}

/// (c) A well-formed delivery with random signature bytes of the right length (so that the
/// comparison itself runs): `SignatureMismatch`.
fn forged_signature_is_rejected(
    fixture: &Fixture,
    delivery: &Delivery,
    signature: &[u8; 64],
) -> Result<(), TestCaseError> {
    let signature = &signature[..fixture.scheme.algorithm.signature_length()];
    let timestamp = delivery.timestamp.to_string();
    let mut headers = vec![(fixture.scheme.header.to_string(), fixture.well_formed_header(signature, &timestamp))];
    headers.extend(fixture.scheme.timestamp_header.as_ref().map(|name| (name.to_string(), timestamp.clone())));
    headers.extend(fixture.scheme.id_header.as_ref().map(|name| (name.to_string(), delivery.id.clone())));
    let map = header_map(&headers).expect("valid header values");
    prop_assert_eq!(fixture.verify(&map, &delivery.body, delivery.timestamp), Err(WebhookError::SignatureMismatch));
    Ok(())
}

/// Runs every property for each scheme, as its own tests (so that they run in parallel and a
/// failure names the scheme), with the scheme's number of cases.
macro_rules! properties {
    ($($scheme:ident => $fixture:ident ($cases:expr)),* $(,)?) => {$(
        mod $scheme {
            use super::*;

            proptest! {
                #![proptest_config(config($cases))]

                #[test]
                fn signed_delivery_verifies(delivery in delivery()) {
                    super::signed_delivery_verifies(&$fixture, &delivery)?;
                }

                #[test]
                fn changed_body_is_rejected(delivery in delivery(), at in any::<Index>(), change in any::<u8>()) {
                    super::changed_body_is_rejected(&$fixture, &delivery, at, change)?;
                }

                #[test]
                fn changed_signature_header_is_rejected(
                    delivery in delivery(),
                    at in any::<Index>(),
                    change in any::<u8>(),
                ) {
                    super::changed_signature_header_is_rejected(&$fixture, &delivery, at, change)?;
                }

                #[test]
                fn changed_timestamp_is_rejected(delivery in delivery(), shift in timestamp_shift()) {
                    super::changed_timestamp_is_rejected(&$fixture, &delivery, shift)?;
                }

                #[test]
                fn changed_id_is_rejected(delivery in delivery(), at in any::<Index>(), to in "[A-Za-z0-9]") {
                    let replacement = to.chars().next().expect("one character");
                    super::changed_id_is_rejected(&$fixture, &delivery, at, replacement)?;
                }

                #[test]
                fn garbage_is_rejected(
                    headers in garbage_headers($fixture.header_names().into_iter().map(String::from).collect()),
                    body in prop::collection::vec(any::<u8>(), 0..64),
                    now in -1_000i64..=4_102_444_800,
                    random_key in prop::option::of("[ -~]{0,64}"),
                ) {
                    super::garbage_is_rejected(&$fixture, &headers, &body, now, random_key.as_deref())?;
                }

                #[test]
                fn forged_signature_is_rejected(delivery in delivery(), signature in any::<[u8; 64]>()) {
                    super::forged_signature_is_rejected(&$fixture, &delivery, &signature)?;
                }
            }
        }
    )*};
}

/// Every scheme gets 256 cases. Ed25519 is affordable in debug builds because the workspace
/// compiles curve25519-dalek with `opt-level = 3` (root `Cargo.toml`).
const HMAC_CASES: u32 = 256;
const ED25519_CASES: u32 = 256;

properties! {
    standard_webhooks_v1 => STANDARD_WEBHOOKS_V1 (HMAC_CASES),
    stripe => STRIPE (HMAC_CASES),
    github => GITHUB (HMAC_CASES),
    shopify => SHOPIFY (HMAC_CASES),
    slack => SLACK (HMAC_CASES),
    standard_webhooks_v1a => STANDARD_WEBHOOKS_V1A (ED25519_CASES),
}

// ------------------------------------------------------------------------------------------
// Regressions.

const NOW: i64 = 1_614_265_330;

/// The headers of a delivery at `NOW` whose signature header is `signature`, everything else
/// valid, so that the signature is the only thing wrong.
fn with_signature_header(fixture: &Fixture, signature: &str) -> Vec<(String, String)> {
    let mut headers = vec![(fixture.scheme.header.to_string(), signature.to_string())];
    headers.extend(fixture.scheme.timestamp_header.as_ref().map(|name| (name.to_string(), NOW.to_string())));
    headers.extend(fixture.scheme.id_header.as_ref().map(|name| (name.to_string(), "msg_1".to_string())));
    headers
}

/// An empty signature entry never verifies: the Standard Webhooks reference verifiers once
/// accepted `v1,` (svix#1190, standard-webhooks#115), and `sha256=` is GitHub's equivalent.
#[test]
fn empty_signature_entries_are_rejected() {
    let empty = |fixture: &Fixture| WebhookError::EmptySignature { name: fixture.scheme.header.to_string() };
    let cases: [(&Fixture, &str, Option<WebhookError>); 14] = [
        (&STANDARD_WEBHOOKS_V1, "v1,", Some(empty(&STANDARD_WEBHOOKS_V1))),
        (&STANDARD_WEBHOOKS_V1, "v1, ", Some(empty(&STANDARD_WEBHOOKS_V1))),
        (&STANDARD_WEBHOOKS_V1, "v1, v1,", Some(empty(&STANDARD_WEBHOOKS_V1))),
        (&STANDARD_WEBHOOKS_V1, "v1,,", None),
        (&STANDARD_WEBHOOKS_V1, "", Some(empty(&STANDARD_WEBHOOKS_V1))),
        (&STANDARD_WEBHOOKS_V1A, "v1a,", Some(empty(&STANDARD_WEBHOOKS_V1A))),
        (&STANDARD_WEBHOOKS_V1A, "v1a,,", None),
        (&GITHUB, "sha256=", Some(empty(&GITHUB))),
        (&GITHUB, "sha256= ", Some(empty(&GITHUB))),
        (&GITHUB, "sha256==", None),
        (&SHOPIFY, "", Some(empty(&SHOPIFY))),
        (&SLACK, "v0=", Some(empty(&SLACK))),
        (&STRIPE, "t=1614265330,v1=", Some(empty(&STRIPE))),
        (&STRIPE, "t=1614265330,v1=,v1=", Some(empty(&STRIPE))),
    ];
    for (fixture, signature, expected) in cases {
        let headers = with_signature_header(fixture, signature);
        let result = fixture.verify(&headers, b"{}", NOW);
        match (&result, &expected) {
            (Err(error), Some(expected)) => assert_eq!(error, expected, "`{signature}`"),
            (Err(error), None) => assert!(is_rejection(error), "`{signature}`: {error:?}"),
            (Ok(_), _) => panic!("`{signature}` verified for `{}`", fixture.scheme.header),
        }
    }
}

/// A header of separators (and spaces) only, short or 64 KiB long, is rejected, quickly.
#[test]
fn separator_only_headers_are_rejected() {
    let fixtures: [&Fixture; 6] = [&STANDARD_WEBHOOKS_V1, &STRIPE, &GITHUB, &SHOPIFY, &SLACK, &STANDARD_WEBHOOKS_V1A];
    for fixture in fixtures {
        let separator = fixture.scheme.separator.as_deref().unwrap_or(",");
        for count in [1, 2, 3, 65_536] {
            for filler in [separator.repeat(count), format!("{separator} ").repeat(count), "\t ".repeat(count)] {
                let headers = with_signature_header(fixture, &filler);
                let result = fixture.verify(&headers, b"{}", NOW);
                assert!(
                    result.as_ref().is_err_and(is_rejection),
                    "{count} separators for `{}`: {result:?}",
                    fixture.scheme.header
                );
            }
        }
    }
}

/// Every scheme here is consistent, and the fixtures' keys fit them: the Ed25519 public key
/// is the one of the seed (the round trip checks that too, but this names the cause).
#[test]
fn fixtures_are_consistent() {
    let fixture = &*STANDARD_WEBHOOKS_V1A;
    assert_eq!(fixture.scheme.algorithm, Algorithm::Ed25519);
    let delivery = Delivery { body: b"{}".to_vec(), timestamp: NOW, id: "msg_1".into() };
    let headers = fixture.sign(&delivery);
    assert!(fixture.verify(&headers, &delivery.body, NOW).is_ok());
}
