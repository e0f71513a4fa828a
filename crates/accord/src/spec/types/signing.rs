//! The request-signing credentials of the spec language: `aws_sigv4` and `hmac_signature`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{ApiKeyLocation, KeyEncoding, SignatureAlgorithm};
pub use accord_contract::signing::TimestampUnit;

/// AWS Signature Version 4 (IAM User Guide, "AWS Signature Version 4 for API requests").
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AwsSigV4Auth {
    /// Region of the credential scope, e.g. `us-east-1`.
    pub region: String,
    /// Service of the credential scope, e.g. `s3`.
    pub service: String,
    /// Variable holding the access key id; default `AWS_ACCESS_KEY_ID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub access_key_id_env: Option<String>,
    /// Variable holding the secret access key; default `AWS_SECRET_ACCESS_KEY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub secret_access_key_env: Option<String>,
    /// Variable holding a session token; default `AWS_SESSION_TOKEN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub session_token_env: Option<String>,
    /// Send `X-Amz-Content-SHA256`; default: only for service `s3` (S3 requires it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub content_sha256_header: Option<bool>,
    /// Normalise the canonical URI and encode it twice; default: for every service but `s3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub normalize_uri: Option<bool>,
}

/// A declared HMAC request signature: what is signed and where the signature goes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HmacSignatureAuth {
    /// `hmac-sha256` (default) or `hmac-sha1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub algorithm: Option<SignatureAlgorithm>,
    /// How the secret's text becomes key bytes: `utf8` (default), `base64` or `hex`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub key_encoding: Option<KeyEncoding>,
    /// Signed content: a template over `{method}`, `{path}`, `{query}` (as sent, without the
    /// signature), `{body}`, `{body_sha256}`, `{timestamp}`, `{nonce}` and `{key_id}`.
    pub signed_payload: String,
    /// Where the signature goes.
    pub signature: SignaturePlaceDef,
    /// Where a timestamp goes, its unit and the server's tolerance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub timestamp: Option<TimestampPlaceDef>,
    /// Where a random nonce goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub nonce: Option<PlaceDef>,
    /// Where the key id goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub key_id: Option<PlaceDef>,
    /// Variable holding the key id; default `NAME_KEY_ID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub key_id_env: Option<String>,
    /// Variable holding the secret; default `NAME_SECRET`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub secret_env: Option<String>,
}

/// A header or query parameter.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceDef {
    /// `header` or `query`.
    #[serde(rename = "in")]
    pub location: ApiKeyLocation,
    /// Its name.
    pub name: String,
}

/// Where the signature goes and its text.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignaturePlaceDef {
    /// `header` or `query`.
    #[serde(rename = "in")]
    pub location: ApiKeyLocation,
    /// Its name.
    pub name: String,
    /// Its text with `{hex}` or `{base64}`; default `{hex}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub format: Option<String>,
}

/// Where the timestamp goes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimestampPlaceDef {
    /// `header` or `query`.
    #[serde(rename = "in")]
    pub location: ApiKeyLocation,
    /// Its name.
    pub name: String,
    /// `seconds` (default) or `milliseconds` since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub unit: Option<TimestampUnit>,
    /// How far from the server's clock it may be, e.g. `5s`; default `300s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub tolerance: Option<String>,
}

/// A client certificate for mutual TLS, per environment: each variable holds PEM text or
/// the path of a PEM file.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientCertificate {
    /// Variable holding the certificate chain (PEM text or a file path).
    pub certificate_env: String,
    /// Variable holding the private key (PEM text or a file path).
    pub key_env: String,
}
