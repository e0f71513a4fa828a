//! The mock's check of SigV4-signed requests (specs/aws_s3.yaml): a request signed with the
//! test key passes auth; unsigned, signed with another secret, tampered after signing, or
//! dated outside S3's 15-minute window, it is a 401.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use accord_mock::{Contract, MockOptions, MockServer};
use accord_runtime::auth::sigv4::{AwsCredentials, SigV4};
use accord_runtime::reqwest;

fn aws_s3() -> Contract {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/aws_s3.yaml");
    let source = std::fs::read_to_string(&path).expect("spec reads");
    let compiled = accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    accord::emit::contract::build(&compiled.ir)
}

async fn status(http: &reqwest::Client, request: reqwest::Request) -> u16 {
    http.execute(request).await.expect("answered").status().as_u16()
}

#[tokio::test]
async fn the_mock_accepts_sigv4_made_with_the_key_and_refuses_every_other() {
    let server = MockServer::start(aws_s3(), MockOptions::default()).await.expect("mock starts");
    let http = reqwest::Client::new();
    let url = format!("{}/examplebucket/hello.txt", server.uri());
    let put = |body: &str| {
        let mut request = reqwest::Request::new(reqwest::Method::PUT, url.parse().unwrap());
        *request.body_mut() = Some(body.to_string().into());
        request
    };
    let signer = |secret: &str| {
        SigV4::new(AwsCredentials::new("test-access-key-id", secret.to_string()), "us-east-1", "s3")
            .content_sha256_header(true)
            .normalize_uri(false)
    };

    assert_eq!(status(&http, put("bytes")).await, 401, "unsigned");

    let mut signed = put("bytes");
    signer("test-secret-access-key").sign(&mut signed).unwrap();
    assert_eq!(status(&http, signed).await, 200, "signed with the test key");

    let mut wrong = put("bytes");
    signer("another-secret").sign(&mut wrong).unwrap();
    assert_eq!(status(&http, wrong).await, 401, "another secret");

    let mut tampered = put("bytes");
    signer("test-secret-access-key").sign(&mut tampered).unwrap();
    *tampered.body_mut() = Some("other bytes".into());
    assert_eq!(status(&http, tampered).await, 401, "body changed after signing");

    let late = SystemTime::now() - Duration::from_secs(16 * 60);
    let mut stale = put("bytes");
    signer("test-secret-access-key").with_clock(Arc::new(move || late)).sign(&mut stale).unwrap();
    assert_eq!(status(&http, stale).await, 401, "outside the 15-minute window");

    let near = SystemTime::now() - Duration::from_secs(14 * 60);
    let mut skewed = put("bytes");
    signer("test-secret-access-key").with_clock(Arc::new(move || near)).sign(&mut skewed).unwrap();
    assert_eq!(status(&http, skewed).await, 200, "within the window");
}

/// A declared HMAC scheme with a nonce (`tests/good-specs/signed_requests.yaml` with a
/// `X-Nonce` header added): a signed request passes once; the same request sent again (a
/// replay within the timestamp window) is a 401, while a freshly signed one passes.
#[tokio::test]
async fn the_mock_refuses_a_replayed_nonce() {
    use accord_runtime::auth::ApiKeyLocation;
    use accord_runtime::auth::signing::{HmacSigner, Place};
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/good-specs/signed_requests.yaml");
    let source = std::fs::read_to_string(&path).expect("spec reads");
    let compiled = accord::compile_spec(&path, &source).unwrap_or_else(|failure| panic!("{}", failure.render()));
    let mut contract = accord::emit::contract::build(&compiled.ir);
    let mut scheme = None;
    for credential in &mut contract.auth.credentials {
        if let accord_contract::AuthScheme::HmacSignature(hmac) = &mut credential.scheme {
            hmac.nonce = Some(Place { location: ApiKeyLocation::Header, name: "X-Nonce".into() });
            hmac.signed_payload = "{query}{nonce}{body}".into();
            scheme = Some(hmac.clone());
        }
    }
    let scheme = scheme.expect("an HMAC credential");
    let server = MockServer::start(contract, MockOptions::default()).await.expect("mock starts");
    let http = reqwest::Client::new();
    let url = format!("{}/api/v3/order?symbol=LTCBTC&side=BUY&quantity=1", server.uri());
    let signer = HmacSigner::new(scheme, Some("test-key-id".into()), "test-secret");
    let signed = || {
        let mut request = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
        signer.sign(&mut request).expect("signed");
        assert!(request.headers().contains_key("x-nonce"), "the signer sends a nonce");
        request
    };
    let first = signed();
    let replay = first.try_clone().expect("clonable");
    assert_eq!(status(&http, first).await, 200, "a fresh nonce");
    assert_eq!(status(&http, replay).await, 401, "the same nonce again: a replay");
    assert_eq!(status(&http, signed()).await, 200, "a new nonce");
    let mut unsigned_nonce = signed();
    unsigned_nonce.headers_mut().remove("x-nonce");
    assert_eq!(status(&http, unsigned_nonce).await, 401, "no nonce");
}
