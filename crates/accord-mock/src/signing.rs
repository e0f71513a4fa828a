//! Signed requests in the mock: the server's check of AWS SigV4 and of a declared HMAC
//! signature (recomputed with the runtime's own signers, so client and mock share one
//! implementation and one AWS crate), and `verify` signing the requests it sends.

use std::time::{Duration, SystemTime};

use accord_contract::signing::{AwsSigV4, HmacSignature};
use accord_contract::{Auth, AuthScheme, Requirement};
use accord_runtime::Secret;
use accord_runtime::auth::signing::{self, HmacSigner, Received};
use accord_runtime::auth::sigv4::{AwsCredentials, SigV4};
use accord_runtime::reqwest;
use accord_runtime::store::MemoryNonceStore;
use axum::http::HeaderMap;
use subtle::ConstantTimeEq;

use crate::credentials::{Credential, Credentials};

/// How far `X-Amz-Date` may be from the mock's clock: Amazon S3 refuses a request whose
/// time is more than 15 minutes away (`RequestTimeTooSkewed`; Amazon S3 API Reference,
/// "Authenticating Requests (AWS Signature Version 4)").
pub const SIGV4_MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// A request as the mock received it.
pub(crate) struct Incoming<'a> {
    /// `GET`.
    pub method: &'a str,
    /// The path as received.
    pub path: &'a str,
    /// The raw query string.
    pub query: &'a str,
    /// Its headers.
    pub headers: &'a HeaderMap,
    /// Its body.
    pub body: &'a [u8],
    /// The nonces of signed requests seen so far (replay protection).
    pub nonces: &'a MemoryNonceStore,
}

/// Whether `request` carries a SigV4 signature made with `credentials` for the declared
/// scope, at a time within [`SIGV4_MAX_SKEW`] of `now`: the `Authorization` header is
/// recomputed from the headers it lists in `SignedHeaders` and compared in constant time.
pub(crate) fn sigv4_presented(
    declared: &AwsSigV4,
    credentials: &AwsCredentials,
    request: &Incoming<'_>,
    now: SystemTime,
) -> bool {
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
    let Some(authorization) = header("authorization") else { return false };
    let Some(fields) = authorization.strip_prefix("AWS4-HMAC-SHA256 ") else { return false };
    let field = |key: &str| {
        fields.split(',').map(str::trim).find_map(|f| f.strip_prefix(key).and_then(|rest| rest.strip_prefix('=')))
    };
    let (Some(scope), Some(signed_headers)) = (field("Credential"), field("SignedHeaders")) else { return false };
    if scope.split('/').next() != Some(credentials.access_key_id.as_str()) {
        return false;
    }
    let Some(time) = header("x-amz-date").and_then(amz_date) else { return false };
    let skew = now.duration_since(time).unwrap_or_else(|e| e.duration());
    if skew > SIGV4_MAX_SKEW {
        return false;
    }
    let Some(host) = header("host") else { return false };
    // The signer adds these itself, from the time, the credentials and the body.
    const ADDED: [&str; 4] = ["host", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"];
    let mut listed: Vec<(&str, &str)> = Vec::new();
    for name in signed_headers.split(';').filter(|name| !ADDED.contains(name)) {
        for value in request.headers.get_all(name) {
            let Ok(value) = value.to_str() else { return false };
            listed.push((name, value));
        }
    }
    listed.push(("host", host));
    let mut credentials = credentials.clone();
    if let Some(token) = header("x-amz-security-token") {
        // A token the mock cannot know is accepted only when it holds the same.
        if credentials.session_token.as_ref().is_some_and(|held| held.expose() != token) {
            return false;
        }
        credentials.session_token = Some(Secret::new(token));
    }
    let unsigned = header("x-amz-content-sha256") == Some("UNSIGNED-PAYLOAD");
    let url = if request.query.is_empty() {
        format!("http://{host}{}", request.path)
    } else {
        format!("http://{host}{}?{}", request.path, request.query)
    };
    let signer = SigV4::declared(credentials, declared);
    let body = (!unsigned).then_some(request.body);
    match signer.authorization(request.method, &url, &listed, body, time) {
        Ok(expected) => bool::from(expected.as_bytes().ct_eq(authorization.as_bytes())),
        Err(_) => false,
    }
}

/// `X-Amz-Date` (`20150830T123600Z`, ISO 8601 basic format) as a time.
fn amz_date(text: &str) -> Option<SystemTime> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let parsed = time::PrimitiveDateTime::parse(text, format).ok()?.assume_utc();
    let seconds = u64::try_from(parsed.unix_timestamp()).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
}

/// Whether `request` carries the declared HMAC signature made with `secret` (and
/// `key_id`), its timestamp within the declared tolerance of `now`, and, when the scheme
/// declares a nonce, one not seen before within its window (a replay is refused).
pub(crate) fn hmac_presented(
    declared: &HmacSignature,
    key_id: Option<&str>,
    secret: &Secret,
    request: &Incoming<'_>,
    now: SystemTime,
) -> bool {
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let received = Received {
        method: request.method,
        path: request.path,
        query: request.query,
        header: &header,
        body: request.body,
    };
    if signing::verify(declared, key_id, secret, &received, now).is_err() {
        return false;
    }
    // A declared nonce is accepted once within its window (the runtime's `verify_fresh`
    // rule, synchronously on the mock's in-process store).
    let Some(place) = &declared.nonce else { return true };
    let nonce = match place.location {
        accord_runtime::auth::ApiKeyLocation::Header => header(&place.name),
        accord_runtime::auth::ApiKeyLocation::Query => form_urlencoded::parse(request.query.as_bytes())
            .find(|(name, _)| name == place.name.as_str())
            .map(|(_, value)| value.into_owned()),
    };
    let Some(nonce) = nonce.filter(|nonce| !nonce.is_empty()) else { return false };
    let tolerance = declared.timestamp.as_ref().map_or(0, |place| place.tolerance_seconds);
    let window = if tolerance > 0 {
        Duration::from_secs(tolerance * 2)
    } else {
        accord_runtime::store::nonce::DEFAULT_NONCE_WINDOW
    };
    request.nonces.remember_now(key_id.unwrap_or(""), &nonce, window)
}

/// The credentials of the first alternative of `requirement` held in `credentials` that
/// sign requests, as the runtime's signers, in the alternative's order; with `forged`,
/// signers holding a secret no server can know (`verify` provoking a declared 401).
pub(crate) fn signers(
    auth: &Auth,
    requirement: &Requirement,
    credentials: &Credentials,
    forged: bool,
) -> Vec<std::sync::Arc<dyn accord_runtime::Authenticate>> {
    let names: Vec<String> = if forged {
        requirement.alternatives.iter().find(|names| !names.is_empty()).cloned().unwrap_or_default()
    } else {
        credentials.met(requirement).map(<[String]>::to_vec).unwrap_or_default()
    };
    let mut out: Vec<std::sync::Arc<dyn accord_runtime::Authenticate>> = Vec::new();
    for name in &names {
        let Some(declared) = auth.credential(name) else { continue };
        let value = if forged { None } else { credentials.get(name) };
        match (&declared.scheme, value) {
            (AuthScheme::AwsSigV4(aws), Some(Credential::AwsSigV4(held))) => {
                out.push(std::sync::Arc::new(SigV4::declared(held.clone(), aws)));
            }
            (AuthScheme::AwsSigV4(aws), None) => {
                let forged = AwsCredentials::new("AKIDACCORDINVALID", "accord-invalid-secret");
                out.push(std::sync::Arc::new(SigV4::declared(forged, aws)));
            }
            (AuthScheme::HmacSignature(hmac), Some(Credential::HmacSignature { key_id, secret })) => {
                out.push(std::sync::Arc::new(HmacSigner::new(hmac.clone(), key_id.clone(), secret.clone())));
            }
            (AuthScheme::HmacSignature(hmac), None) => {
                let key_id = hmac.key_id.as_ref().map(|_| "accord-invalid".to_string());
                out.push(std::sync::Arc::new(HmacSigner::new(hmac.clone(), key_id, "accord-invalid-secret")));
            }
            _ => {}
        }
    }
    out
}

/// `request` signed by `signers` in order (`verify`), or the signing error's text.
pub(crate) async fn sign(
    http: &reqwest::Client,
    signers: &[std::sync::Arc<dyn accord_runtime::Authenticate>],
    mut request: reqwest::RequestBuilder,
) -> Result<reqwest::RequestBuilder, String> {
    for signer in signers {
        request = signer.authenticate(http, request).await.map_err(|e| e.to_string())?.0;
    }
    Ok(request)
}
