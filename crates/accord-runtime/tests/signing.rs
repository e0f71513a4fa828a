//! Request signing against published examples: AWS's SigV4 test suite (every case of
//! `fixtures/aws-sig-v4-test-suite`, see its SOURCE.md) through `auth::sigv4`, and Binance's
//! documented HMAC example through the declared scheme of `auth::signing`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use accord_runtime::Secret;
use accord_runtime::auth::ApiKeyLocation;
use accord_runtime::auth::signing::{
    self, HmacSignature, HmacSigner, KeyEncoding, Place, Received, SignatureAlgorithm, SignaturePlace, SigningError,
    TimestampPlace, TimestampUnit,
};
use accord_runtime::auth::sigv4::{AwsCredentials, SigV4};

/// One case of the suite: the request as text and what AWS's signer produced.
struct Case {
    name: String,
    signer: SigV4,
    time: SystemTime,
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    expected_authorization: String,
}

fn load(dir: &Path) -> Option<Case> {
    let name = dir.file_name()?.to_string_lossy().into_owned();
    let context: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("context.json")).ok()?).expect("context.json");
    let request = std::fs::read_to_string(dir.join("request.txt")).expect("request.txt");
    let signed = std::fs::read_to_string(dir.join("header-signed-request.txt")).expect("header-signed-request.txt");
    let (head, body) = request.split_once("\n\n").unwrap_or((request.as_str(), ""));
    let mut lines = head.lines();
    let request_line = lines.next().expect("request line");
    let (method, rest) = request_line.split_once(' ').expect("method");
    // The target as a client sends it: a space or a non-ASCII character percent-encoded.
    const SENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');
    let target =
        percent_encoding::utf8_percent_encode(rest.rsplit_once(' ').expect("HTTP version").0, SENT).to_string();
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        let (key, value) = line.split_once(':').expect("header line");
        headers.push((key.to_string(), value.to_string()));
    }
    let expected_authorization =
        signed.lines().find_map(|line| line.strip_prefix("Authorization:")).expect("an Authorization line").to_string();
    let credentials = &context["credentials"];
    let mut aws = AwsCredentials::new(
        credentials["access_key_id"].as_str().expect("key id"),
        credentials["secret_access_key"].as_str().expect("secret"),
    );
    if let Some(token) = credentials["token"].as_str() {
        aws = aws.with_session_token(token);
    }
    let time = time::OffsetDateTime::parse(
        context["timestamp"].as_str().expect("timestamp"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("RFC 3339 time");
    let signer =
        SigV4::new(aws, context["region"].as_str().expect("region"), context["service"].as_str().expect("service"))
            .content_sha256_header(context["sign_body"].as_bool().unwrap_or(false))
            .normalize_uri(context["normalize"].as_bool().unwrap_or(true));
    Some(Case {
        name,
        signer,
        time: UNIX_EPOCH + Duration::from_secs(time.unix_timestamp() as u64),
        method: method.to_string(),
        target,
        headers,
        body: body.as_bytes().to_vec(),
        expected_authorization,
    })
}

/// Cases left out, with why: a header value folded over several lines (obsolete line
/// folding, RFC 9112 §5.2), which no HTTP request reqwest or hyper holds can carry; and a
/// session token added after signing (`omit_session_token`, an STS quirk), a mode the spec
/// language does not declare; a literal space or raw UTF-8 in the request path, which no
/// HTTP/1.1 request line carries (RFC 9112 §3.2: a client sends `%20`, `%E1%88%B4`), and
/// which the suite signs in the unencoded form (with double encoding, the encoded form signs
/// otherwise). The UTF-8 query case (`get-vanilla-utf8-query`) stays.
const NOT_EXPRESSIBLE: &[&str] = &[
    "get-header-value-multiline",
    "post-sts-header-after",
    "get-space-normalized",
    "get-space-unnormalized",
    "get-utf8",
];

fn cases() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws-sig-v4-test-suite");
    let mut dirs: Vec<_> = std::fs::read_dir(&root).expect("the suite").map(|e| e.expect("entry").path()).collect();
    dirs.sort();
    let cases: Vec<Case> = dirs
        .iter()
        .filter(|dir| dir.is_dir())
        .filter(|dir| !NOT_EXPRESSIBLE.iter().any(|skip| dir.ends_with(skip)))
        .filter_map(|dir| load(dir))
        .collect();
    assert!(cases.len() >= 33, "the suite is there: {} cases", cases.len());
    cases
}

/// Every case: the signature aws-sigv4 makes through accord's signer is AWS's.
#[test]
fn every_case_of_the_aws_sigv4_test_suite_signs_as_aws_does() {
    let mut failures = Vec::new();
    for case in cases() {
        let host = case.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("host")).map(|(_, v)| v.clone());
        let url = format!("https://{}{}", host.expect("Host"), case.target);
        let headers: Vec<(&str, &str)> = case.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        match case.signer.authorization(&case.method, &url, &headers, Some(&case.body), case.time) {
            Ok(authorization) if authorization == case.expected_authorization => {}
            Ok(authorization) => {
                failures.push(format!("{}: {authorization}\n  expected {}", case.name, case.expected_authorization))
            }
            Err(error) => failures.push(format!("{}: {error}", case.name)),
        }
    }
    assert!(failures.is_empty(), "{} cases differ:\n{}", failures.len(), failures.join("\n"));
}

/// The cases whose URL reqwest keeps as written (no dot segments, spaces or non-ASCII to
/// normalise) signed as a `reqwest::Request` the generated client sends: the same
/// `Authorization`, `X-Amz-Date`, and the signature headers marked sensitive.
#[test]
fn requests_as_the_client_builds_them_carry_aws_signature() {
    let mut checked = 0;
    for case in cases() {
        let host = case.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("host")).map(|(_, v)| v.clone()).unwrap();
        let text = format!("https://{host}{}", case.target);
        let Ok(url) = reqwest::Url::parse(&text) else { continue };
        if url.as_str() != text
            || case.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(&case.headers[0].0)).count() > 1
        {
            continue;
        }
        let method = reqwest::Method::from_bytes(case.method.as_bytes()).unwrap();
        let mut request = reqwest::Request::new(method, url);
        for (name, value) in &case.headers {
            if !name.eq_ignore_ascii_case("host") {
                request.headers_mut().append(
                    reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    reqwest::header::HeaderValue::from_str(value.trim()).unwrap(),
                );
            }
        }
        if !case.body.is_empty() {
            *request.body_mut() = Some(case.body.clone().into());
        }
        let fixed = case.time;
        let signer = case.signer.clone().with_clock(Arc::new(move || fixed));
        signer.sign(&mut request).expect("signed");
        let authorization = &request.headers()["authorization"];
        assert!(authorization.is_sensitive());
        // Header values with inner runs of spaces are sent as written and signed trimmed;
        // aws-sigv4 normalises them the same way.
        assert_eq!(authorization.to_str().unwrap(), case.expected_authorization, "{}", case.name);
        assert_eq!(request.headers()["x-amz-date"], "20150830T123600Z", "{}", case.name);
        checked += 1;
    }
    assert!(checked >= 15, "{checked} cases checked as reqwest requests");
}

/// The session token is sent, marked sensitive, and neither `Debug` nor a TRACE-level
/// subscriber sees it or the secret key (aws-sigv4 traces the canonical request, which
/// holds the token; accord's signer runs it with tracing off).
#[test]
fn secrets_reach_neither_debug_nor_traces() {
    use std::sync::Mutex;
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber =
        tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).finish();
    let credentials = AwsCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .with_session_token("session-token-value-42");
    let signer = SigV4::new(credentials, "us-east-1", "s3").content_sha256_header(true).normalize_uri(false);
    let mut request =
        reqwest::Request::new(reqwest::Method::GET, "https://bucket.s3.amazonaws.com/key".parse().unwrap());
    tracing::subscriber::with_default(subscriber, || {
        tracing::trace!("a trace event that must be captured");
        signer.sign(&mut request).expect("signed");
    });
    let traced = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(traced.contains("must be captured"), "the capture works: {traced}");
    for secret in ["session-token-value-42", "wJalrXUtnFEMI"] {
        assert!(!traced.contains(secret), "{secret} traced: {traced}");
        assert!(!format!("{signer:?}").contains(secret));
    }
    assert!(request.headers()["x-amz-security-token"].is_sensitive());
    assert_eq!(
        request.headers()["x-amz-content-sha256"],
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

/// Binance's `SIGNED` endpoints as a declared scheme (Binance Spot API docs, "Request
/// Security", SIGNED request example (HMAC)).
fn binance() -> HmacSignature {
    HmacSignature {
        algorithm: SignatureAlgorithm::HmacSha256,
        key_encoding: KeyEncoding::Utf8,
        signed_payload: "{query}{body}".into(),
        signature: SignaturePlace { location: ApiKeyLocation::Query, name: "signature".into(), format: "{hex}".into() },
        timestamp: Some(TimestampPlace {
            location: ApiKeyLocation::Query,
            name: "timestamp".into(),
            unit: TimestampUnit::Milliseconds,
            tolerance_seconds: 5,
        }),
        nonce: None,
        key_id: Some(Place { location: ApiKeyLocation::Header, name: "X-MBX-APIKEY".into() }),
        key_id_env: "BINANCE_API_KEY".into(),
        secret_env: "BINANCE_SECRET_KEY".into(),
    }
}

const BINANCE_KEY: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const BINANCE_SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
/// The documented example's request (all parameters in the query string) and signature.
const BINANCE_QUERY: &str = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000";
const BINANCE_TIMESTAMP_MS: u64 = 1_499_827_319_559;
const BINANCE_SIGNATURE: &str = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";

/// The generated client's signer, at the documented time, makes the documented request:
/// the timestamp appended to the query, then the documented signature, the key in its
/// header; the server's check accepts it and refuses it tampered, late or under another key.
#[test]
fn binance_documented_example_is_signed_and_verified() {
    let at = UNIX_EPOCH + Duration::from_millis(BINANCE_TIMESTAMP_MS);
    let signer = HmacSigner::new(binance(), Some(BINANCE_KEY.into()), BINANCE_SECRET).with_clock(Arc::new(move || at));
    let url = format!("https://api.binance.com/api/v3/order?{BINANCE_QUERY}");
    let mut request = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
    signer.sign(&mut request).expect("signed");
    assert_eq!(
        request.url().query().unwrap(),
        format!("{BINANCE_QUERY}&timestamp={BINANCE_TIMESTAMP_MS}&signature={BINANCE_SIGNATURE}")
    );
    assert_eq!(request.headers()["x-mbx-apikey"], BINANCE_KEY);
    assert!(!format!("{signer:?}").contains(BINANCE_SECRET));

    let query = request.url().query().unwrap().to_string();
    let headers = request.headers().clone();
    let header = move |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let secret = Secret::new(BINANCE_SECRET);
    let check = |query: &str, now: SystemTime, key: &str| {
        let request = Received { method: "POST", path: "/api/v3/order", query, header: &header, body: b"" };
        signing::verify(&binance(), Some(key), &secret, &request, now)
    };
    assert_eq!(check(&query, at, BINANCE_KEY), Ok(()));
    // Binance: HMAC signatures are not case-sensitive.
    assert_eq!(check(&query.replace(BINANCE_SIGNATURE, &BINANCE_SIGNATURE.to_uppercase()), at, BINANCE_KEY), Ok(()));
    assert_eq!(check(&query.replace("quantity=1", "quantity=9"), at, BINANCE_KEY), Err(SigningError::Mismatch));
    assert!(matches!(check(&query, at + Duration::from_secs(6), BINANCE_KEY), Err(SigningError::Timestamp(_))));
    assert!(matches!(check(&query, at - Duration::from_secs(6), BINANCE_KEY), Err(SigningError::Timestamp(_))));
    assert_eq!(check(&query, at, "another-key"), Err(SigningError::KeyId));
    assert_eq!(check(BINANCE_QUERY, at, BINANCE_KEY), Err(SigningError::Missing("signature")));
}

/// Signed content over every template field, the signature in a header as base64, and a
/// nonce: what the signer sends, the checker accepts.
#[test]
fn a_header_scheme_over_method_path_body_hash_timestamp_and_nonce_round_trips() {
    let scheme = HmacSignature {
        algorithm: SignatureAlgorithm::HmacSha256,
        key_encoding: KeyEncoding::Base64,
        signed_payload: "{method}\n{path}\n{query}\n{body_sha256}\n{timestamp}\n{nonce}\n{key_id}".into(),
        signature: SignaturePlace {
            location: ApiKeyLocation::Header,
            name: "X-Signature".into(),
            format: "v1={base64}".into(),
        },
        timestamp: Some(TimestampPlace {
            location: ApiKeyLocation::Header,
            name: "X-Timestamp".into(),
            unit: TimestampUnit::Seconds,
            tolerance_seconds: 300,
        }),
        nonce: Some(Place { location: ApiKeyLocation::Header, name: "X-Nonce".into() }),
        key_id: Some(Place { location: ApiKeyLocation::Header, name: "X-Key-Id".into() }),
        key_id_env: "K".into(),
        secret_env: "S".into(),
    };
    let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let signer =
        HmacSigner::new(scheme.clone(), Some("key-1".into()), "c2VjcmV0LWJ5dGVz").with_clock(Arc::new(move || at));
    let mut request =
        reqwest::Request::new(reqwest::Method::PUT, "https://api.example.com/v1/orders/7?x=1".parse().unwrap());
    *request.body_mut() = Some(r#"{"qty":2}"#.into());
    signer.sign(&mut request).expect("signed");
    let headers = request.headers().clone();
    assert!(headers["x-signature"].to_str().unwrap().starts_with("v1="));
    assert!(headers["x-signature"].is_sensitive());
    assert_eq!(headers["x-timestamp"], "1700000000");
    let header = move |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let secret = Secret::new("c2VjcmV0LWJ5dGVz");
    let received =
        |body: &'static [u8]| Received { method: "PUT", path: "/v1/orders/7", query: "x=1", header: &header, body };
    assert_eq!(signing::verify(&scheme, Some("key-1"), &secret, &received(br#"{"qty":2}"#), at), Ok(()));
    assert_eq!(
        signing::verify(&scheme, Some("key-1"), &secret, &received(br#"{"qty":3}"#), at),
        Err(SigningError::Mismatch)
    );
}

#[test]
fn templates_refuse_unknown_fields() {
    let parts = signing::Parts { method: "GET", path: "/", query: "", body: b"", timestamp: "", nonce: "", key_id: "" };
    assert!(matches!(signing::signed_payload("{method}{verb}", &parts), Err(SigningError::Scheme(_))));
    assert_eq!(signing::signed_payload("{{{method}}}", &parts).unwrap(), b"{GET}");
}

/// Presigned URLs (`SigV4::presign`) for every GET case of the suite: the `X-Amz-*` query
/// parameters AWS's signer put in `query-signed-request.txt` (the case's
/// `expiration_in_seconds`, the request's headers signed), and nothing else added.
#[test]
fn presigned_get_urls_match_the_suite_query_signed_requests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws-sig-v4-test-suite");
    let mut checked = 0;
    let mut failures = Vec::new();
    for case in cases().into_iter().filter(|case| case.method == "GET") {
        let dir = root.join(&case.name);
        let context: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("context.json")).expect("context")).expect("JSON");
        let expires = Duration::from_secs(context["expiration_in_seconds"].as_u64().expect("expiry"));
        let signed = std::fs::read_to_string(dir.join("query-signed-request.txt")).expect("query-signed-request.txt");
        let target = signed.lines().next().expect("request line").split(' ').nth(1).expect("target").to_string();
        let expected: Vec<(String, String)> = reqwest::Url::parse(&format!("https://h{target}"))
            .expect("URL")
            .query_pairs()
            .into_owned()
            .filter(|(name, _)| name.starts_with("X-Amz-"))
            .collect();
        let host = case.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("host")).map(|(_, v)| v.clone());
        let url = format!("https://{}{}", host.expect("Host"), case.target);
        let headers: Vec<(&str, &str)> = case.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        match case.signer.presign("GET", &url, &headers, expires, case.time) {
            Ok(presigned) => {
                let ours: Vec<(String, String)> =
                    presigned.query_pairs().into_owned().filter(|(name, _)| name.starts_with("X-Amz-")).collect();
                let sorted = |mut pairs: Vec<(String, String)>| {
                    pairs.sort();
                    pairs
                };
                if sorted(ours.clone()) != sorted(expected.clone()) {
                    failures.push(format!("{}: {ours:?}\n  expected {expected:?}", case.name));
                }
                // The URL as given, then the signature (where the URL parser keeps it as
                // written: dot segments are resolved by every HTTP client anyway).
                if reqwest::Url::parse(&url).is_ok_and(|parsed| parsed.as_str() == url) {
                    assert!(presigned.as_str().starts_with(&url), "{url:?} then the signature: {presigned}");
                }
                checked += 1;
            }
            Err(error) => failures.push(format!("{}: {error}", case.name)),
        }
    }
    assert!(failures.is_empty(), "{} presigned URLs differ:\n{}", failures.len(), failures.join("\n"));
    assert!(checked >= 20, "the suite's GET cases: {checked}");
}

/// An expiry outside 1 s – 7 days is refused (S3: `X-Amz-Expires` 1 to 604800).
#[test]
fn presigned_url_expiry_is_bounded() {
    let signer = SigV4::new(AwsCredentials::new("AKIDEXAMPLE", "secret"), "us-east-1", "s3");
    let at = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    for bad in [Duration::ZERO, Duration::from_secs(604_801)] {
        let error = signer.presign("GET", "https://b.s3.amazonaws.com/k", &[], bad, at).expect_err("refused");
        assert!(error.to_string().contains("604800"), "{error}");
    }
    let url = signer.presign("GET", "https://b.s3.amazonaws.com/k", &[], Duration::from_secs(604_800), at).expect("ok");
    assert!(url.as_str().contains("X-Amz-Expires=604800"), "{url}");
}

/// `store::nonce::verify_fresh`: Binance's scheme with a nonce header added, signed by the
/// client's signer; the check accepts it once, refuses the same request again (a replay
/// inside the 5 s window, remembered for 10 s), refuses it without a nonce, and does not
/// burn a nonce on a request whose signature fails.
#[tokio::test(start_paused = true)]
async fn a_nonce_is_accepted_once_within_its_window() {
    use accord_runtime::store::nonce::verify_fresh;
    use accord_runtime::store::{MemoryNonceStore, NonceStore};
    let mut scheme = binance();
    scheme.nonce = Some(Place { location: ApiKeyLocation::Header, name: "X-Nonce".into() });
    scheme.signed_payload = "{query}{nonce}{body}".into();
    let at = UNIX_EPOCH + Duration::from_millis(BINANCE_TIMESTAMP_MS);
    let signer =
        HmacSigner::new(scheme.clone(), Some(BINANCE_KEY.into()), BINANCE_SECRET).with_clock(Arc::new(move || at));
    let mut request = reqwest::Request::new(
        reqwest::Method::POST,
        format!("https://api.binance.com/api/v3/order?{BINANCE_QUERY}").parse().unwrap(),
    );
    signer.sign(&mut request).expect("signed");
    let query = request.url().query().unwrap().to_string();
    let headers = request.headers().clone();
    let header = move |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let no_nonce = |name: &str| if name.eq_ignore_ascii_case("x-nonce") { None } else { header(name) };
    let secret = Secret::new(BINANCE_SECRET);
    let store = MemoryNonceStore::new();
    async fn fresh(
        scheme: &HmacSignature,
        secret: &Secret,
        store: &MemoryNonceStore,
        query: &str,
        header: &dyn Fn(&str) -> Option<String>,
        at: SystemTime,
    ) -> Result<(), SigningError> {
        let request = Received { method: "POST", path: "/api/v3/order", query, header, body: b"" };
        verify_fresh(scheme, Some(BINANCE_KEY), secret, &request, at, BINANCE_KEY, store as &dyn NonceStore).await
    }
    let tampered = query.replace("quantity=1", "quantity=9");
    assert_eq!(fresh(&scheme, &secret, &store, &tampered, &header, at).await, Err(SigningError::Mismatch));
    assert_eq!(store.len(), 0, "a forged request records no nonce");
    assert_eq!(fresh(&scheme, &secret, &store, &query, &header, at).await, Ok(()), "first use");
    assert_eq!(fresh(&scheme, &secret, &store, &query, &header, at).await, Err(SigningError::Replayed), "replayed");
    let without = fresh(&scheme, &secret, &store, &query, &no_nonce, at).await;
    assert_eq!(without, Err(SigningError::Mismatch), "the nonce is signed");
    tokio::time::advance(Duration::from_secs(11)).await;
    let later = fresh(&scheme, &secret, &store, &query, &header, at).await;
    assert_eq!(later, Ok(()), "forgotten after twice the tolerance");
}
