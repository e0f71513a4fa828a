//! The request-signing credentials lowered: `aws_sigv4` and `hmac_signature` with the
//! defaults the spec leaves out.

use accord_contract::signing::{AwsSigV4, HmacSignature, Place, SignaturePlace, TimestampPlace, TimestampUnit};
use accord_contract::wire::{KeyEncoding, SignatureAlgorithm};

use crate::spec;

/// AWS SigV4. Amazon S3 is the one service that wants `X-Amz-Content-SHA256` and a
/// canonical URI encoded once and not normalised (IAM User Guide, "Create a signed AWS API
/// request": "each path segment must be URI-encoded twice (except for Amazon S3 which only
/// gets URI-encoded once)", "Normalize URI paths … The exception to this is Amazon S3");
/// the defaults follow the service.
pub(super) fn aws_sigv4(aws: &spec::AwsSigV4Auth) -> AwsSigV4 {
    let s3 = aws.service == "s3";
    AwsSigV4 {
        region: aws.region.clone(),
        service: aws.service.clone(),
        access_key_id_env: aws.access_key_id_env.clone().unwrap_or_else(|| "AWS_ACCESS_KEY_ID".into()),
        secret_access_key_env: aws.secret_access_key_env.clone().unwrap_or_else(|| "AWS_SECRET_ACCESS_KEY".into()),
        session_token_env: aws.session_token_env.clone().unwrap_or_else(|| "AWS_SESSION_TOKEN".into()),
        content_sha256_header: aws.content_sha256_header.unwrap_or(s3),
        normalize_uri: aws.normalize_uri.unwrap_or(!s3),
    }
}

/// A declared HMAC signature; `env(suffix)` is the credential's default variable name.
pub(super) fn hmac_signature(hmac: &spec::HmacSignatureAuth, env: &dyn Fn(&str) -> String) -> HmacSignature {
    let place = |p: &spec::PlaceDef| Place { location: p.location, name: p.name.clone() };
    HmacSignature {
        algorithm: hmac.algorithm.unwrap_or(SignatureAlgorithm::HmacSha256),
        key_encoding: hmac.key_encoding.unwrap_or(KeyEncoding::Utf8),
        signed_payload: hmac.signed_payload.clone(),
        signature: SignaturePlace {
            location: hmac.signature.location,
            name: hmac.signature.name.clone(),
            format: hmac.signature.format.clone().unwrap_or_else(|| "{hex}".into()),
        },
        timestamp: hmac.timestamp.as_ref().map(|t| TimestampPlace {
            location: t.location,
            name: t.name.clone(),
            unit: t.unit.unwrap_or(TimestampUnit::Seconds),
            tolerance_seconds: t.tolerance.as_deref().map_or(300, super::seconds),
        }),
        nonce: hmac.nonce.as_ref().map(place),
        key_id: hmac.key_id.as_ref().map(place),
        key_id_env: hmac.key_id_env.clone().unwrap_or_else(|| env("_KEY_ID")),
        secret_env: hmac.secret_env.clone().unwrap_or_else(|| env("_SECRET")),
    }
}
