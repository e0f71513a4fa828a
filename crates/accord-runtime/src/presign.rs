//! Presigned URLs (feature `sigv4`): a request a generated client would send, as a URL that
//! carries its own AWS Signature Version 4 in the query and works for anyone holding it
//! until it expires (Amazon S3 API Reference, "Authenticating Requests: Using Query
//! Parameters (AWS Signature Version 4)"; S3 User Guide, "Download and upload objects with
//! presigned URLs"). The signing itself is [`crate::auth::sigv4::SigV4::presign`], AWS's own
//! `aws-sigv4` with the signature location set to the query.

use std::time::Duration;

use crate::auth::Auth;
use crate::client::Client;
use crate::error::{TransportError, TransportErrorKind};
use crate::request::RequestSpec;

impl Client {
    /// `request` (built by a generated request builder's `request()`) as a presigned URL
    /// valid for `expires_in` (1 s to 7 days, whole seconds), signed with the client's SigV4
    /// credential at the signer's clock. Only `Host` is signed, so the URL works from any
    /// HTTP client (a browser, `curl`); the request's other headers are not part of it.
    ///
    /// Errors: the client holds no SigV4 credential; an expiry out of range; what
    /// `aws-sigv4` refuses (each a `TransportErrorKind::Invalid`).
    pub fn presigned_url(&self, request: &RequestSpec, expires_in: Duration) -> Result<url::Url, TransportError> {
        let credentials = self.credentials();
        let signer = credentials
            .names()
            .find_map(|name| match credentials.get(name) {
                Some(Auth::SigV4(signer)) => Some(signer.clone()),
                _ => None,
            })
            .ok_or_else(|| {
                TransportError::new(
                    TransportErrorKind::Invalid,
                    "a presigned URL needs a SigV4 credential; none is set",
                )
            })?;
        signer.presign_now(request.method.as_str(), &self.url(request), &[], expires_in)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::UNIX_EPOCH;

    use super::*;
    use crate::auth::sigv4::{AwsCredentials, SigV4};
    use crate::client::ClientConfig;

    /// The worked example of the S3 API Reference's "Authenticating Requests: Using Query
    /// Parameters (AWS Signature Version 4)" (docs.aws.amazon.com/AmazonS3/latest/API/
    /// sigv4-query-string-auth.html): `GET /test.txt` on `examplebucket`, 24 hours, with
    /// the documentation's example keys, its documented signature.
    #[test]
    fn the_s3_documented_presigned_get_is_reproduced() {
        let at = UNIX_EPOCH + Duration::from_secs(1_369_353_600); // 2013-05-24T00:00:00Z
        let signer = SigV4::new(
            AwsCredentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            "us-east-1",
            "s3",
        )
        .content_sha256_header(true)
        .normalize_uri(false)
        .with_clock(Arc::new(move || at));
        let mut config = ClientConfig::new("https://examplebucket.s3.amazonaws.com", "test");
        config.credentials.insert("aws", Auth::SigV4(Arc::new(signer)));
        let client = Client::new(config).expect("client");
        let request = RequestSpec::new(reqwest::Method::GET, "get_object", "/test.txt".into());
        let url = client.presigned_url(&request, Duration::from_secs(86_400)).expect("presigned");
        assert_eq!(
            url.as_str(),
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
             &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
             &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
    }

    #[test]
    fn without_a_sigv4_credential_there_is_no_presigned_url() {
        let client = Client::new(ClientConfig::new("https://example.com", "test")).expect("client");
        let request = RequestSpec::new(reqwest::Method::GET, "get", "/x".into());
        let error = client.presigned_url(&request, Duration::from_secs(60)).expect_err("no signer");
        assert!(error.to_string().contains("SigV4"), "{error}");
    }
}
