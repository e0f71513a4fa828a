//! Cost of verifying one webhook delivery with the declarative `Scheme::verify`, against the
//! least work any verifier must do for the same delivery, for bodies of 1 KiB and 64 KiB.
//!
//! - `stripe::verify`: a Stripe-style delivery (`Stripe-Signature: t=…,v1=<hex>`, HMAC-SHA256
//!   over `{timestamp}.{body}`, UTF-8 key) through `Scheme::verify` with a `HeaderMap`;
//! - `stripe::bare_hmac`: `Hmac<Sha256>` fed the timestamp, `.` and the body, finalised and
//!   compared in constant time (`subtle`) with the expected tag, decoded beforehand: no header
//!   parsing, no key decoding, no scheme;
//! - `standard_webhooks::verify` and `standard_webhooks::bare_hmac`: the same for Standard
//!   Webhooks v1 (`v1,<base64>`, `{id}.{timestamp}.{body}`, a `whsec_` base64 key, decoded
//!   beforehand for the bare variant);
//! - `fixed_cost::*`: what `verify` does besides the MAC, for each scheme: `Scheme::check`
//!   (run at the start of every `verify` and `sign`) and `verify` of an empty body.
//!
//! `bare_hmac` time divided by `verify` time is the share of `verify` that is unavoidable
//! work; the target is at least 0.9. Throughput is in body bytes. Run with
//! `cargo bench -p accord-runtime --bench webhook`.

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use accord_runtime::Secret;
use accord_runtime::header::{HeaderMap, HeaderName, HeaderValue};
use accord_runtime::webhook::{Message, Scheme};
use base64::Engine as _;
use divan::Bencher;
use divan::counter::BytesCount;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

fn main() {
    divan::main();
}

/// Body sizes, bytes: 1 KiB and 64 KiB.
const SIZES: [usize; 2] = [1024, 64 * 1024];

const TIMESTAMP: i64 = 1_614_265_330;
const MESSAGE_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const STRIPE_SECRET: &str = "whsec_test_secret";
const STANDARD_WEBHOOKS_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn stripe_scheme() -> Scheme {
    scheme(
        r#"
        algorithm: hmac-sha256
        key: { encoding: utf8 }
        header: Stripe-Signature
        format: "t={timestamp},v1={hex}"
        separator: ","
        signed_payload: "{timestamp}.{body}"
        tolerance_seconds: 300
        "#,
    )
}

fn standard_webhooks_scheme() -> Scheme {
    scheme(
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
    )
}

fn scheme(yaml: &str) -> Scheme {
    // YAML goes through the compiler's one YAML module (`accord::spec::yaml`).
    let (value, _) = accord::spec::yaml::parse(yaml).expect("the scheme is YAML");
    let scheme: Scheme = serde_json::from_value(value).expect("the scheme parses");
    scheme.check().expect("the scheme is consistent");
    scheme
}

/// A JSON-looking body of exactly `size` bytes.
fn body(size: usize) -> Vec<u8> {
    let mut body = br#"{"type":"invoice.paid","data":{"padding":""#.to_vec();
    let tail = br#""}}"#;
    let filler = size.saturating_sub(body.len() + tail.len());
    body.extend((0..filler).map(|i| b'a' + (i % 26) as u8));
    body.extend_from_slice(tail);
    body.truncate(size);
    body
}

/// A signed delivery as a receiver gets it: headers, body, key and the receiver's clock.
struct Delivery {
    scheme: Scheme,
    key: Secret,
    headers: HeaderMap,
    body: Vec<u8>,
    now: SystemTime,
}

impl Delivery {
    fn new(scheme: Scheme, key: &str, size: usize) -> Self {
        let key = Secret::new(key);
        let body = body(size);
        let message = Message { body: &body, timestamp: TIMESTAMP, id: Some(MESSAGE_ID), url: None };
        let mut headers = HeaderMap::new();
        for (name, value) in scheme.sign(&message, &[&key]).expect("the delivery is signed") {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
                HeaderValue::from_str(&value).expect("a header value"),
            );
        }
        let now = UNIX_EPOCH + Duration::from_secs(TIMESTAMP as u64);
        let delivery = Delivery { scheme, key, headers, body, now };
        delivery.verify().expect("the delivery verifies");
        delivery
    }

    fn verify(&self) -> Result<accord_runtime::webhook::Verified, accord_runtime::webhook::WebhookError> {
        self.scheme.verify(black_box(&self.headers), black_box(&self.body), None, &[&self.key], self.now)
    }

    /// What generated clients run: the scheme parsed once (`Scheme::verifier`), then verify.
    fn bench_prepared(&self, bencher: Bencher, size: usize) {
        let verifier = self.scheme.verifier().expect("the scheme is consistent");
        bencher.counter(BytesCount::new(size)).bench_local(|| {
            verifier.verify(black_box(&self.headers), black_box(&self.body), None, &[&self.key], self.now)
        });
    }

    /// The signature the header carries, decoded: what a bare verifier compares with.
    fn expected_tag(&self) -> [u8; 32] {
        let header = self.headers.get(&*self.scheme.header).expect("signed").to_str().expect("ASCII");
        let bytes = if let Some(hex) = header.split(',').find_map(|entry| entry.strip_prefix("v1=")) {
            hex::decode(hex).expect("hex")
        } else {
            let base64 = header.strip_prefix("v1,").expect("a v1 entry");
            base64::engine::general_purpose::STANDARD.decode(base64).expect("base64")
        };
        bytes.try_into().expect("32 bytes")
    }
}

/// The least work of a verifier: one HMAC-SHA256 over `parts` then `body`, and a constant-time
/// comparison with the expected tag.
fn bare_hmac(key: &[u8], parts: &[&[u8]], body: &[u8], expected: &[u8; 32]) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key");
    for part in parts {
        mac.update(part);
    }
    mac.update(body);
    bool::from(mac.finalize().into_bytes().as_slice().ct_eq(expected))
}

mod stripe {
    use super::*;

    #[divan::bench(args = SIZES)]
    fn verify(bencher: Bencher, size: usize) {
        let delivery = Delivery::new(stripe_scheme(), STRIPE_SECRET, size);
        bencher.counter(BytesCount::new(size)).bench_local(|| delivery.verify());
    }

    #[divan::bench(args = SIZES)]
    fn verify_prepared(bencher: Bencher, size: usize) {
        Delivery::new(stripe_scheme(), STRIPE_SECRET, size).bench_prepared(bencher, size);
    }

    #[divan::bench(args = SIZES)]
    fn bare_hmac(bencher: Bencher, size: usize) {
        let delivery = Delivery::new(stripe_scheme(), STRIPE_SECRET, size);
        let expected = delivery.expected_tag();
        let timestamp = TIMESTAMP.to_string();
        let key = STRIPE_SECRET.as_bytes();
        let parts: [&[u8]; 2] = [timestamp.as_bytes(), b"."];
        assert!(super::bare_hmac(key, &parts, &delivery.body, &expected), "the bare MAC matches the signer's");
        bencher.counter(BytesCount::new(size)).bench_local(|| {
            super::bare_hmac(black_box(key), black_box(&parts), black_box(&delivery.body), black_box(&expected))
        });
    }
}

mod standard_webhooks {
    use super::*;

    #[divan::bench(args = SIZES)]
    fn verify(bencher: Bencher, size: usize) {
        let delivery = Delivery::new(standard_webhooks_scheme(), STANDARD_WEBHOOKS_SECRET, size);
        bencher.counter(BytesCount::new(size)).bench_local(|| delivery.verify());
    }

    #[divan::bench(args = SIZES)]
    fn verify_prepared(bencher: Bencher, size: usize) {
        Delivery::new(standard_webhooks_scheme(), STANDARD_WEBHOOKS_SECRET, size).bench_prepared(bencher, size);
    }

    #[divan::bench(args = SIZES)]
    fn bare_hmac(bencher: Bencher, size: usize) {
        let delivery = Delivery::new(standard_webhooks_scheme(), STANDARD_WEBHOOKS_SECRET, size);
        let expected = delivery.expected_tag();
        let timestamp = TIMESTAMP.to_string();
        let key = base64::engine::general_purpose::STANDARD
            .decode(STANDARD_WEBHOOKS_SECRET.trim_start_matches("whsec_"))
            .expect("a base64 key");
        let parts: [&[u8]; 4] = [MESSAGE_ID.as_bytes(), b".", timestamp.as_bytes(), b"."];
        assert!(super::bare_hmac(&key, &parts, &delivery.body, &expected), "the bare MAC matches the signer's");
        bencher.counter(BytesCount::new(size)).bench_local(|| {
            super::bare_hmac(black_box(&key), black_box(&parts), black_box(&delivery.body), black_box(&expected))
        });
    }
}

/// What `verify` costs besides the MAC over the body.
mod fixed_cost {
    use super::*;

    #[divan::bench]
    fn check_stripe(bencher: Bencher) {
        let scheme = stripe_scheme();
        bencher.bench_local(|| black_box(&scheme).check());
    }

    #[divan::bench]
    fn check_standard_webhooks(bencher: Bencher) {
        let scheme = standard_webhooks_scheme();
        bencher.bench_local(|| black_box(&scheme).check());
    }

    #[divan::bench]
    fn verify_stripe_empty_body(bencher: Bencher) {
        let delivery = Delivery::new(stripe_scheme(), STRIPE_SECRET, 0);
        bencher.bench_local(|| delivery.verify());
    }

    #[divan::bench]
    fn bare_hmac_stripe_empty_body(bencher: Bencher) {
        let delivery = Delivery::new(stripe_scheme(), STRIPE_SECRET, 0);
        let expected = delivery.expected_tag();
        let timestamp = TIMESTAMP.to_string();
        let parts: [&[u8]; 2] = [timestamp.as_bytes(), b"."];
        bencher.bench_local(|| {
            super::bare_hmac(
                black_box(STRIPE_SECRET.as_bytes()),
                black_box(&parts),
                black_box(&[]),
                black_box(&expected),
            )
        });
    }

    #[divan::bench]
    fn verify_standard_webhooks_empty_body(bencher: Bencher) {
        let delivery = Delivery::new(standard_webhooks_scheme(), STANDARD_WEBHOOKS_SECRET, 0);
        bencher.bench_local(|| delivery.verify());
    }
}
