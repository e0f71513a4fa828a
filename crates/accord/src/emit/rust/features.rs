//! Which `accord-runtime` cargo features a generated crate turns on: the one place that
//! decides it, from the IR alone. A capability that brings a dependency (a signature
//! algorithm, an auth flow, a cache, a store) sits behind a runtime feature, and a crate
//! enables it only when its spec uses the capability, so a spec that does not compiles no
//! more than before (issue 22, "pay only for what you use").
//!
//! To add one: a variant's feature name in `accord-runtime/Cargo.toml`, and one arm below
//! that says which IR fact needs it. The list is sorted and free of repeats (deterministic
//! output); `templates/client_cargo.toml.j2` prints it with a comment per feature.

use std::collections::BTreeMap;

use crate::ir::{AuthScheme, ClientAuthMethod, Ir, SignatureAlgorithm};

/// The runtime features `ir` needs, by feature name, each with the reason printed as a
/// comment above the dependency line (one sentence, no trailing period).
pub fn runtime_features(ir: &Ir) -> BTreeMap<&'static str, &'static str> {
    let mut features = BTreeMap::new();
    if let Some(signature) = ir.webhooks.as_ref().and_then(|w| w.signature.as_ref()) {
        match signature.algorithm {
            SignatureAlgorithm::Ed25519 => {
                features.insert("ed25519", "Webhook signatures are Ed25519 (RFC 8032)");
            }
            SignatureAlgorithm::EcdsaP256 => {
                features.insert("ecdsa-p256", "Webhook signatures are ECDSA P-256 with SHA-256 (FIPS 186-5)");
            }
            SignatureAlgorithm::HmacSha256 | SignatureAlgorithm::HmacSha1 => {}
        }
    }
    if ir.operational.cache.is_some() {
        features.insert("cache", "Responses are cached (spec `cache`): http-cache-semantics and moka");
    }
    for credential in &ir.auth.credentials {
        match &credential.scheme {
            AuthScheme::OAuth2AuthorizationCode(code) => {
                features.insert("oauth2-code", "OAuth 2.0 authorization code with PKCE (RFC 7636): a CSPRNG verifier");
                if code.client_authentication == ClientAuthMethod::PrivateKeyJwt {
                    features.insert("jwt", "JWT grants and client authentication (RFC 7523), RS256");
                }
            }
            AuthScheme::OAuth2JwtBearer(_) | AuthScheme::GitHubApp(_) => {
                features.insert("jwt", "JWT grants and client authentication (RFC 7523), RS256");
            }
            AuthScheme::AwsSigV4(_) => {
                features.insert("sigv4", "Requests are signed with AWS Signature Version 4 (aws-sigv4)");
            }
            AuthScheme::OAuth2ClientCredentials(_)
            | AuthScheme::Bearer(_)
            | AuthScheme::Basic(_)
            | AuthScheme::ApiKey(_)
            | AuthScheme::HmacSignature(_) => {}
        }
    }
    features
}
