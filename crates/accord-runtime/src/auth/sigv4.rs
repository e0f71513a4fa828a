//! AWS Signature Version 4 (feature `sigv4`), signed by AWS's own `aws-sigv4` crate: the
//! `Authorization: AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
//! SignedHeaders=…, Signature=…` header, `X-Amz-Date`, `X-Amz-Security-Token` for temporary
//! credentials and, when the spec asks (Amazon S3), `X-Amz-Content-SHA256`.
//!
//! Sources: AWS IAM User Guide, "AWS Signature Version 4 for API requests" and "Create a
//! signed AWS API request" (canonical request, string to sign, signing key, signature);
//! Amazon S3 API Reference, "Authenticating Requests: Using the Authorization Header"
//! (`x-amz-content-sha256` required, paths encoded once and not normalised).
//!
//! A [`SigV4`] is an [`Authenticate`]: a generated client holds it as `Auth::Custom`, and it
//! signs the request as built (method, URL, headers, and the body when it is in memory; a
//! streamed body is signed as `UNSIGNED-PAYLOAD`). It must be the last credential applied.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
    UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use super::{Authenticate, BoxFuture, CredentialGeneration};
use crate::error::{TransportError, TransportErrorKind};
use crate::secret::Secret;

/// An AWS access key: id, secret access key and, for temporary credentials, the session
/// token. `Debug` shows the key id only; the secrets are zeroized on drop ([`Secret`]).
#[derive(Clone)]
pub struct AwsCredentials {
    /// Access key id (`AKIDEXAMPLE`); not secret, but an account's identifier.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: Secret,
    /// Session token of temporary credentials (AWS STS).
    pub session_token: Option<Secret>,
}

impl AwsCredentials {
    /// Long-term credentials.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<Secret>) -> Self {
        AwsCredentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: None,
        }
    }

    /// Adds the session token of temporary credentials.
    pub fn with_session_token(mut self, token: impl Into<Secret>) -> Self {
        self.session_token = Some(token.into());
        self
    }

    /// Credentials from the environment variables the spec names (by default
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`); the token is
    /// optional.
    ///
    /// Errors: names the first required variable that is unset or empty.
    pub fn from_env(access_key_id_variable: &str, secret_variable: &str, token_variable: &str) -> Result<Self, String> {
        let access_key_id = std::env::var(access_key_id_variable)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("environment variable `{access_key_id_variable}` is not set"))?;
        let secret_access_key = Secret::from_env(secret_variable)
            .ok_or_else(|| format!("environment variable `{secret_variable}` is not set"))?;
        Ok(AwsCredentials { access_key_id, secret_access_key, session_token: Secret::from_env(token_variable) })
    }
}

impl fmt::Debug for AwsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// The wall clock SigV4 dates come from (`X-Amz-Date`); tests pass a fixed one.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// SigV4 signing of every request with one credential scope (`region`/`service`).
#[derive(Clone)]
pub struct SigV4 {
    credentials: AwsCredentials,
    region: String,
    service: String,
    content_sha256_header: bool,
    normalize_uri: bool,
    clock: Clock,
}

impl SigV4 {
    /// Signs for `service` in `region` with the usual rules: no `X-Amz-Content-SHA256`, the
    /// URI path normalised and each segment encoded twice (every service but Amazon S3).
    pub fn new(credentials: AwsCredentials, region: impl Into<String>, service: impl Into<String>) -> Self {
        SigV4 {
            credentials,
            region: region.into(),
            service: service.into(),
            content_sha256_header: false,
            normalize_uri: true,
            clock: Arc::new(SystemTime::now),
        }
    }

    /// Sends the payload's SHA-256 in `X-Amz-Content-SHA256` (Amazon S3 requires it).
    pub fn content_sha256_header(mut self, yes: bool) -> Self {
        self.content_sha256_header = yes;
        self
    }

    /// Whether the canonical URI is normalised and double-encoded (`false` for Amazon S3).
    pub fn normalize_uri(mut self, yes: bool) -> Self {
        self.normalize_uri = yes;
        self
    }

    /// Reads the signing time from `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The signing settings for these rules.
    fn settings(&self) -> SigningSettings {
        let mut settings = SigningSettings::default();
        if self.content_sha256_header {
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
        if !self.normalize_uri {
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            settings.percent_encoding_mode = PercentEncodingMode::Single;
        }
        settings
    }

    /// A signer for a declared scheme (`aws_sigv4` in the spec, as the contract carries it).
    pub fn declared(credentials: AwsCredentials, declared: &accord_contract::signing::AwsSigV4) -> Self {
        SigV4::new(credentials, declared.region.clone(), declared.service.clone())
            .content_sha256_header(declared.content_sha256_header)
            .normalize_uri(declared.normalize_uri)
    }

    /// The `Authorization` value for a request signed at `time`: what a server recomputes
    /// from the headers the request lists in `SignedHeaders` (`X-Amz-Date`, the security
    /// token and `X-Amz-Content-SHA256` left out: the signer adds them). `body` `None` is
    /// `UNSIGNED-PAYLOAD`.
    ///
    /// Errors: the request cannot be signed.
    pub fn authorization(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
        time: SystemTime,
    ) -> Result<String, TransportError> {
        let body = body.map_or(SignableBody::UnsignedPayload, SignableBody::Bytes);
        let signable = SignableRequest::new(method, url, headers.iter().copied(), body)
            .map_err(|e| TransportError::new(TransportErrorKind::Invalid, format!("SigV4: {e}")))?;
        let instructions =
            sign_quietly(&self.credentials, &self.region, &self.service, self.settings(), time, signable)?;
        let (headers, _) = instructions.into_parts();
        headers
            .iter()
            .find(|header| header.name().eq_ignore_ascii_case("authorization"))
            .map(|header| header.value().to_string())
            .ok_or_else(|| TransportError::message("SigV4: no Authorization header was made"))
    }

    /// Signs `request` in place: adds `X-Amz-Date`, `Authorization` and the other headers
    /// SigV4 asks for. The body is hashed when it is in memory, `UNSIGNED-PAYLOAD` otherwise.
    ///
    /// Errors: the request cannot be signed (a header value that is not text).
    pub fn sign(&self, request: &mut reqwest::Request) -> Result<(), TransportError> {
        let headers = request
            .headers()
            .iter()
            .map(|(name, value)| value.to_str().map(|value| (name.as_str(), value)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| TransportError::new(TransportErrorKind::Invalid, "SigV4: a header value is not text"))?;
        let body = match request.body() {
            None => SignableBody::Bytes(&[]),
            Some(body) => body.as_bytes().map_or(SignableBody::UnsignedPayload, SignableBody::Bytes),
        };
        let signable =
            SignableRequest::new(request.method().as_str(), request.url().as_str(), headers.into_iter(), body)
                .map_err(|e| TransportError::new(TransportErrorKind::Invalid, format!("SigV4: {e}")))?;
        let instructions =
            sign_quietly(&self.credentials, &self.region, &self.service, self.settings(), (self.clock)(), signable)?;
        let (signed_headers, _) = instructions.into_parts();
        for header in signed_headers {
            let mut value = reqwest::header::HeaderValue::from_str(header.value())
                .map_err(|_| TransportError::new(TransportErrorKind::Invalid, "SigV4: a signed header is not text"))?;
            value.set_sensitive(header.sensitive() || header.name().eq_ignore_ascii_case("authorization"));
            request.headers_mut().insert(header.name(), value);
        }
        Ok(())
    }
}

/// The longest a presigned URL may be valid: 7 days, 604,800 s (Amazon S3 API Reference,
/// "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)":
/// `X-Amz-Expires` "minimum value you can set is 1, and the maximum is 604800").
pub const MAX_PRESIGNED_EXPIRY: std::time::Duration = std::time::Duration::from_secs(604_800);

impl SigV4 {
    /// A presigned URL (AWS IAM User Guide, "Create a signed AWS API request", the query
    /// string variant; Amazon S3 API Reference, "Authenticating Requests: Using Query
    /// Parameters"): `url` with `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
    /// `X-Amz-Expires` (`expires_in`, whole seconds), `X-Amz-SignedHeaders`,
    /// `X-Amz-Security-Token` for temporary credentials, and `X-Amz-Signature` added to its
    /// query, signed at `time` for `method` and `headers` (at least `Host`, which is taken
    /// from the URL when absent). Whoever holds the URL may send that request until it
    /// expires, without credentials, with the same signed headers. The payload is signed as
    /// `UNSIGNED-PAYLOAD` when the spec signs for Amazon S3 (`content_sha256_header`, as
    /// S3's presigned URLs are), else as the empty body (the SigV4 test suite's presigned
    /// GETs).
    ///
    /// Errors: `expires_in` below 1 s or above [`MAX_PRESIGNED_EXPIRY`]; a URL that is not
    /// absolute; what `aws-sigv4` refuses.
    pub fn presign(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        expires_in: std::time::Duration,
        time: SystemTime,
    ) -> Result<url::Url, TransportError> {
        let invalid = |message: String| TransportError::new(TransportErrorKind::Invalid, message);
        if expires_in < std::time::Duration::from_secs(1) || expires_in > MAX_PRESIGNED_EXPIRY {
            return Err(invalid(format!(
                "SigV4: a presigned URL expires after 1 to 604800 seconds, not {} s",
                expires_in.as_secs()
            )));
        }
        let mut presigned = url::Url::parse(url).map_err(|e| invalid(format!("SigV4: `{url}`: {e}")))?;
        let host = match (presigned.host_str(), presigned.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            (None, _) => return Err(invalid(format!("SigV4: `{url}` has no host"))),
        };
        let mut signed: Vec<(&str, &str)> = headers.to_vec();
        if !signed.iter().any(|(name, _)| name.eq_ignore_ascii_case("host")) {
            signed.push(("host", &host));
        }
        let mut settings = self.settings();
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(std::time::Duration::from_secs(expires_in.as_secs()));
        settings.payload_checksum_kind = PayloadChecksumKind::NoHeader;
        let body = if self.content_sha256_header { SignableBody::UnsignedPayload } else { SignableBody::Bytes(&[]) };
        let signable =
            SignableRequest::new(method, url, signed.into_iter(), body).map_err(|e| invalid(format!("SigV4: {e}")))?;
        let instructions = sign_quietly(&self.credentials, &self.region, &self.service, settings, time, signable)?;
        let (_, params) = instructions.into_parts();
        {
            let mut query = presigned.query_pairs_mut();
            for (name, value) in &params {
                query.append_pair(name, value);
            }
        }
        Ok(presigned)
    }

    /// [`SigV4::presign`] at the signer's clock (the system clock unless a test set one).
    pub fn presign_now(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        expires_in: std::time::Duration,
    ) -> Result<url::Url, TransportError> {
        self.presign(method, url, headers, expires_in, (self.clock)())
    }
}

/// Runs `aws-sigv4` with tracing switched off: its trace events print the canonical
/// request, which holds `X-Amz-Security-Token`, a secret.
fn sign_quietly(
    credentials: &AwsCredentials,
    region: &str,
    service: &str,
    settings: SigningSettings,
    time: SystemTime,
    signable: SignableRequest<'_>,
) -> Result<aws_sigv4::http_request::SigningInstructions, TransportError> {
    let identity: Identity = aws_credential_types::Credentials::new(
        credentials.access_key_id.clone(),
        credentials.secret_access_key.expose().to_string(),
        credentials.session_token.as_ref().map(|token| token.expose().to_string()),
        None,
        "accord",
    )
    .into();
    let invalid = |e: &dyn fmt::Display| TransportError::new(TransportErrorKind::Invalid, format!("SigV4: {e}"));
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| invalid(&e))?
        .into();
    tracing::subscriber::with_default(tracing::subscriber::NoSubscriber::default(), || {
        aws_sigv4::http_request::sign(signable, &params).map(|output| output.into_parts().0).map_err(|e| invalid(&e))
    })
}

impl fmt::Debug for SigV4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigV4")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl Authenticate for SigV4 {
    fn authenticate<'a>(
        &'a self,
        _http: &'a reqwest::Client,
        request: reqwest::RequestBuilder,
    ) -> BoxFuture<'a, Result<(reqwest::RequestBuilder, CredentialGeneration), TransportError>> {
        Box::pin(async move {
            let (client, request) = request.build_split();
            let mut request = request.map_err(TransportError::from_reqwest)?;
            self.sign(&mut request)?;
            Ok((reqwest::RequestBuilder::from_parts(client, request), CredentialGeneration::default()))
        })
    }

    fn refresh<'a>(&'a self, _used: CredentialGeneration) -> BoxFuture<'a, bool> {
        // A signature made with the same key is the same; nothing to renew.
        Box::pin(async { false })
    }
}
