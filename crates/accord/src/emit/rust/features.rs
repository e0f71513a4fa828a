//! Which `accord-runtime` cargo features a generated crate turns on: the one place that
//! decides it, from the IR alone. A capability that brings a dependency (a signature
//! algorithm, an auth flow, a cache, a store) sits behind a runtime feature, and a crate
//! enables it only when its spec uses the capability, so a spec that does not compiles no
//! more than before (issue 22, "pay only for what you use").
//!
//! To add one: a variant's feature name in `accord-runtime/Cargo.toml`, and one arm below
//! that says which IR fact needs it. The list is sorted and free of repeats (deterministic
//! output); `templates/client_cargo.toml.j2` prints it with a comment per feature.
//!
//! Two runtime features are never decided here, because no spec fact needs them: `metrics`
//! (an application installs a recorder) and `redis` (issue 19: an application runs many
//! replicas that share state). Whether a client runs in one process or fifty is a property
//! of the deployment, not of the API, so the same spec serves both: the template re-exports
//! each as the generated crate's own feature, off by default. The same holds for
//! `shared-state` (the builder's `shared_state` setter, taking any store, with the fleet's
//! SHA-1/SHA-2 key digests), which `redis` implies: without it the runtime's `SharedState`
//! has no values, so the setter cannot be called and a client run as one process compiles
//! none of the fleet's code.
//! A spec that needs sha2 for its own reasons (webhook or request HMACs, PKCE, cache keys)
//! gets it through that capability's feature.

use std::collections::BTreeMap;

use crate::ir::{AuthScheme, ClientAuthMethod, ContentType, Ir, SignatureAlgorithm};

/// Whether any endpoint of `ir` streams a body either way (spec `stream: true`).
pub(crate) fn streams_bodies(ir: &Ir) -> bool {
    ir.operations.iter().any(|op| op.success_stream.is_some() || op.body.as_ref().is_some_and(|body| body.stream))
}

/// The spec formats whose value types are features (the runtime's and accord-model's alike):
/// the kind `crate::type_refs` reports, the feature, and the reason printed above the line.
const FORMAT_FEATURES: [(&str, &str, &str); 2] = [
    ("date_time", "date-time", "The spec has `date-time` values (RFC 3339)"),
    ("decimal", "decimal", "The spec has `decimal` values"),
];

/// The features of `accord-model` a spec's models need when they are a crate of their own
/// (`models_crate`): the value types of its formats (`date-time`, `decimal`, `uuid`), by name
/// with the reason for each, as [`runtime_features`] gives them to the client crate. Each is
/// a dependency that the models crate would otherwise wait for before rustc starts on it.
pub fn model_features(ir: &Ir) -> BTreeMap<&'static str, &'static str> {
    model_features_of(&scalar_kinds(ir))
}

/// [`model_features`] from the IR's [`scalar_kinds`], found once for both feature lists.
pub(super) fn model_features_of(formats: &ScalarKinds) -> BTreeMap<&'static str, &'static str> {
    FORMAT_FEATURES
        .into_iter()
        .chain([("uuid", "uuid", "The spec has `uuid` values (RFC 9562)")])
        .filter(|(kind, _, _)| formats.contains(*kind))
        .map(|(_, feature, reason)| (feature, reason))
        .collect()
}

/// The runtime features `ir` needs, by feature name, each with the reason printed as a
/// comment above the dependency line (one sentence, no trailing period).
pub fn runtime_features(ir: &Ir) -> BTreeMap<&'static str, &'static str> {
    runtime_features_of(ir, &scalar_kinds(ir))
}

/// [`runtime_features`] given the IR's [`scalar_kinds`], found once for both feature lists
/// (each walk over the serialised IR was ≈ 1 % of `accord generate`'s CPU on GitHub's
/// description, under perf; issue 22).
pub(super) fn runtime_features_of(ir: &Ir, formats: &ScalarKinds) -> BTreeMap<&'static str, &'static str> {
    let mut features = BTreeMap::new();
    if ir.webhooks.is_some() {
        features.insert("webhooks", "The spec declares webhooks (decoding, HMAC signature checks)");
    }
    for (kind, feature, reason) in FORMAT_FEATURES {
        if formats.contains(kind) {
            features.insert(feature, reason);
        }
    }
    if ir.operations.iter().any(|op| op.body.as_ref().is_some_and(|body| body.content_type == ContentType::Multipart)) {
        features.insert("multipart", "The spec has `multipart/form-data` request bodies (RFC 7578)");
    }
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
    if streams_bodies(ir) {
        features.insert(
            "streaming",
            "The spec streams bodies (`stream: true`): uploads from files or readers, downloads as chunks",
        );
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
            AuthScheme::HmacSignature(_) => {
                features
                    .insert("signing", "Requests are signed with an HMAC (spec `hmac_signature`): hmac, sha1, sha2");
            }
            AuthScheme::OAuth2ClientCredentials(_)
            | AuthScheme::Bearer(_)
            | AuthScheme::Basic(_)
            | AuthScheme::ApiKey(_) => {}
        }
    }
    features
}

/// Whether the generated crate turns TLS (`rustls`) on by default: unless every URL the
/// spec says the client reaches is plain `http://`. Those URLs are the environments' base
/// URLs, the named servers' URLs and the OAuth 2.0 token endpoints; an authorization URL is
/// opened by the user's browser, not by the client. A spec without environments takes its
/// base URL from the application, so TLS stays on, and so it does for a client certificate
/// (mutual TLS) or a URL whose scheme is not literal (`{scheme}://…`).
///
/// A crate without TLS by default still has the `rustls`, `rustls-aws-lc` and `native-tls`
/// features; without one of them the runtime refuses an `https` base URL when the client is
/// built, with an error that names the features (`accord_runtime::client::reachable`).
pub fn tls_by_default(ir: &Ir) -> bool {
    let plain = |url: &str| url.get(..7).is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"));
    let token_urls = ir.auth.credentials.iter().filter_map(|credential| match &credential.scheme {
        AuthScheme::OAuth2ClientCredentials(flow) => Some(flow.token_url.as_str()),
        AuthScheme::OAuth2AuthorizationCode(flow) => Some(flow.token_url.as_str()),
        AuthScheme::OAuth2JwtBearer(flow) => Some(flow.token_url.as_str()),
        AuthScheme::GitHubApp(_)
        | AuthScheme::Bearer(_)
        | AuthScheme::Basic(_)
        | AuthScheme::ApiKey(_)
        | AuthScheme::AwsSigV4(_)
        | AuthScheme::HmacSignature(_) => None,
    });
    ir.environments.is_empty()
        || ir.environments.iter().any(|env| env.client_certificate.is_some() || !plain(&env.base_url))
        || ir.servers.iter().flat_map(|server| &server.urls).any(|url| !plain(&url.url))
        || token_urls.into_iter().any(|url| !plain(url))
}

/// The `kind`s of [`scalar_kinds`].
pub(super) type ScalarKinds = std::collections::BTreeSet<String>;

/// The `kind` of every type expression in `ir` (`date_time`, `decimal`, `string`, …), found
/// through the IR's `Serialize` form (a [`crate::ir::TypeExpr`] serialises as
/// `{"kind": …, "of": …}`), so that a type in a place added to the IR later (a header, a
/// webhook payload, a parameter) is never missed. A string field of the IR that happens to be
/// a `kind` with one of these values would only turn a feature on, never off.
pub(super) fn scalar_kinds(ir: &Ir) -> ScalarKinds {
    let mut kinds = std::collections::BTreeSet::new();
    let mut add = |found: crate::type_refs::Found<'_>| {
        kinds.insert(found.kind.to_string());
    };
    // Walked in their serialised form (`crate::type_refs`): one type and one operation at a
    // time, then the rest (`Ir::shell`).
    for def in &ir.types {
        crate::type_refs::visit(def, &mut add);
    }
    for operation in &ir.operations {
        crate::type_refs::visit(operation, &mut add);
    }
    crate::type_refs::visit(&ir.shell(), &mut add);
    kinds
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn features_of(spec: &str) -> Vec<&'static str> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(spec);
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let ir = crate::project::compile_spec(Path::new(spec), &source).expect("the spec compiles").ir;
        runtime_features(&ir).into_keys().collect()
    }

    #[test]
    fn a_spec_using_every_format_and_body_turns_each_feature_on() {
        // orders: `decimal` prices, `date-time` timestamps, a multipart upload, HMAC webhooks,
        // `cache`, a streamed invoice download.
        assert_eq!(
            features_of("specs/orders.yaml"),
            ["cache", "date-time", "decimal", "multipart", "streaming", "webhooks"]
        );
    }

    #[test]
    fn only_a_streamed_body_turns_streaming_on() {
        // A streamed upload alone, or a streamed download alone, needs it.
        assert_eq!(features_of("tests/good-specs/streamed_bodies.yaml"), ["streaming"]);
        assert!(features_of("specs/aws_s3.yaml").contains(&"streaming"));
        // Binary bodies sent and read whole do not.
        assert!(!features_of("tests/good-specs/responses_and_raw_bodies.yaml").contains(&"streaming"));
    }

    #[test]
    fn a_spec_using_none_of_them_turns_none_on() {
        assert_eq!(features_of("tests/good-specs/param_styles.yaml"), Vec::<&str>::new());
        assert_eq!(features_of("tests/good-specs/read_write_only.yaml"), ["date-time"]);
        assert_eq!(features_of("tests/good-specs/unsigned_webhooks.yaml"), ["webhooks"]);
    }

    #[test]
    fn no_spec_turns_on_the_application_features() {
        for spec in ["specs/orders.yaml", "specs/github.yaml", "specs/stripe.yaml"] {
            let features = features_of(spec);
            assert!(!features.contains(&"redis") && !features.contains(&"metrics"), "{spec}: {features:?}");
        }
    }

    /// Whether TLS is on by default for a one-endpoint spec with these `environments` and
    /// `auth` blocks (YAML, each empty or ending in a newline).
    fn tls_of(environments: &str, auth: &str) -> bool {
        let spec = format!(
            "accord: 1\nname: plain\n{environments}{auth}endpoints:\n  ping:\n    method: GET\n    path: /ping\n    responses:\n      \"204\": {{}}\n"
        );
        let ir = crate::project::compile_spec(Path::new("plain.yaml"), &spec).expect("the spec compiles").ir;
        tls_by_default(&ir)
    }

    #[test]
    fn tls_is_on_by_default_unless_every_declared_url_is_plain_http() {
        let local = "environments:\n  local: { base_url: \"http://localhost:8080/v1\", default: true }\n";
        assert!(!tls_of(local, ""));
        // Any https base URL, including one environment of several; the scheme's case does
        // not matter (RFC 3986 §3.1).
        assert!(tls_of(&local.replace("http://", "https://"), ""));
        assert!(!tls_of(&local.replace("http://", "HTTP://"), ""));
        assert!(tls_of(&format!("{local}  live: {{ base_url: \"https://api.example.com\" }}\n"), ""));
        // An https token endpoint, though the API itself is plain http.
        let token = |url: &str| {
            format!(
                "auth:\n  credentials:\n    cc:\n      oauth2_client_credentials:\n        token_url: {url}\n        client_id_env: CC_ID\n        client_secret_env: CC_SECRET\n"
            )
        };
        assert!(tls_of(local, &token("https://auth.example.com/token")));
        assert!(!tls_of(local, &token("http://localhost:8080/token")));
        // No environments: the application gives the base URL.
        assert!(tls_of("", ""));
        // Every spec of the repository declares https.
        for spec in ["specs/orders.yaml", "specs/github.yaml", "specs/stripe.yaml"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(spec);
            let source = std::fs::read_to_string(&path).expect("the spec reads");
            let ir = crate::project::compile_spec(Path::new(spec), &source).expect("the spec compiles").ir;
            assert!(tls_by_default(&ir), "{spec}");
        }
    }

    #[test]
    fn hmac_request_signing_alone_turns_signing_on() {
        // Plain API keys, bearer tokens and basic auth bring no hmac/sha2 (issue 22).
        assert!(features_of("tests/good-specs/signed_requests.yaml").contains(&"signing"));
        assert!(!features_of("specs/stripe.yaml").contains(&"signing"));
    }
}
