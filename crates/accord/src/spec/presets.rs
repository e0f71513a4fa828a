//! Webhook signature presets: a provider's scheme written in the spec's own grammar, so that
//! `signature: { preset: stripe }` means exactly the fields below. Every fact comes from
//! `../shared/corpus/webhooks/schemes.yaml` (the scheme with the preset's id, which cites the
//! provider's docs and SDKs); the runtime's corpus test runs that file's vectors through these
//! presets. `sendgrid` is not in that file: its facts are cited below, and its vectors
//! (SendGrid's SDK vector and derived ones, checked by pyca/cryptography) are in
//! `accord-runtime/tests/webhook/ecdsa/vectors.json`.

use super::types::{
    KeyEncoding, SignatureAlgorithm, SignatureKey, SignaturePreset, SignatureTimestamp, SignatureUrl, WebhookSignature,
};

/// Every preset, for listings and tests.
pub const ALL: [SignaturePreset; 10] = [
    SignaturePreset::StandardWebhooksV1,
    SignaturePreset::StandardWebhooksV1a,
    SignaturePreset::Svix,
    SignaturePreset::Stripe,
    SignaturePreset::Github,
    SignaturePreset::GithubSha1,
    SignaturePreset::Shopify,
    SignaturePreset::Slack,
    SignaturePreset::Twilio,
    SignaturePreset::Sendgrid,
];

impl SignaturePreset {
    /// The preset's spelling in a spec (`standard-webhooks-v1`), which is also its scheme id
    /// in the corpus file.
    pub fn id(self) -> &'static str {
        match self {
            SignaturePreset::StandardWebhooksV1 => "standard-webhooks-v1",
            SignaturePreset::StandardWebhooksV1a => "standard-webhooks-v1a",
            SignaturePreset::Svix => "svix",
            SignaturePreset::Stripe => "stripe",
            SignaturePreset::Github => "github",
            SignaturePreset::GithubSha1 => "github-sha1",
            SignaturePreset::Shopify => "shopify",
            SignaturePreset::Slack => "slack",
            SignaturePreset::Twilio => "twilio",
            SignaturePreset::Sendgrid => "sendgrid",
        }
    }

    /// The preset by its id.
    pub fn from_id(id: &str) -> Option<SignaturePreset> {
        ALL.into_iter().find(|preset| preset.id() == id)
    }

    /// The preset written out in full.
    pub fn signature(self) -> WebhookSignature {
        let text = |s: &str| Some(s.to_string());
        let five_minutes = |header: Option<String>| Some(SignatureTimestamp { header, tolerance: text("5m") });
        // Standard Webhooks v1 (spec/standard-webhooks.md; reference libraries: 300 s both
        // ways, `whsec_` + base64 keys, space-separated `v1,<base64>` entries).
        let standard = |prefix: &str, algorithm, version: &str, key: SignatureKey| WebhookSignature {
            algorithm: Some(algorithm),
            key: Some(key),
            header: Some(format!("{prefix}-signature")),
            format: Some(format!("{version},{{base64}}")),
            separator: text(" "),
            signed_payload: text("{id}.{timestamp}.{body}"),
            id_header: Some(format!("{prefix}-id")),
            timestamp: five_minutes(Some(format!("{prefix}-timestamp"))),
            ..WebhookSignature::default()
        };
        let whsec =
            || SignatureKey { encoding: Some(KeyEncoding::Base64), prefix: text("whsec_"), signing_prefix: None };
        let body_only = |algorithm, header: &str, format: &str| WebhookSignature {
            algorithm: Some(algorithm),
            header: text(header),
            format: text(format),
            signed_payload: text("{body}"),
            ..WebhookSignature::default()
        };
        let mut signature = match self {
            SignaturePreset::StandardWebhooksV1 => standard("webhook", SignatureAlgorithm::HmacSha256, "v1", whsec()),
            SignaturePreset::StandardWebhooksV1a => standard(
                "webhook",
                SignatureAlgorithm::Ed25519,
                "v1a",
                SignatureKey {
                    encoding: Some(KeyEncoding::Base64),
                    prefix: text("whpk_"),
                    signing_prefix: text("whsk_"),
                },
            ),
            // svix-webhooks go/webhook.go: `svix-*` headers, tolerance 5 minutes.
            SignaturePreset::Svix => standard("svix", SignatureAlgorithm::HmacSha256, "v1", whsec()),
            // stripe-python _webhook.py: the secret as is (UTF-8, `whsec_` kept), every `v1`
            // entry checked, DEFAULT_TOLERANCE = 300.
            SignaturePreset::Stripe => WebhookSignature {
                algorithm: Some(SignatureAlgorithm::HmacSha256),
                header: text("Stripe-Signature"),
                format: text("t={timestamp},v1={hex}"),
                separator: text(","),
                signed_payload: text("{timestamp}.{body}"),
                timestamp: five_minutes(None),
                ..WebhookSignature::default()
            },
            // github/docs validating-webhook-deliveries.md: no timestamp is signed.
            SignaturePreset::Github => body_only(SignatureAlgorithm::HmacSha256, "X-Hub-Signature-256", "sha256={hex}"),
            SignaturePreset::GithubSha1 => body_only(SignatureAlgorithm::HmacSha1, "X-Hub-Signature", "sha1={hex}"),
            // shopify-app-js hmac-validator.ts: base64, no prefix, no timestamp.
            SignaturePreset::Shopify => body_only(SignatureAlgorithm::HmacSha256, "X-Shopify-Hmac-Sha256", "{base64}"),
            // python-slack-sdk signature/__init__.py: |now - timestamp| > 300 s is rejected.
            SignaturePreset::Slack => WebhookSignature {
                algorithm: Some(SignatureAlgorithm::HmacSha256),
                header: text("X-Slack-Signature"),
                format: text("v0={hex}"),
                signed_payload: text("v0:{timestamp}:{body}"),
                timestamp: five_minutes(text("X-Slack-Request-Timestamp")),
                ..WebhookSignature::default()
            },
            // twilio-python request_validator.py: the URL (with or without its port) followed
            // by the sorted form parameters; JSON bodies are covered by `bodySHA256`.
            SignaturePreset::Twilio => WebhookSignature {
                algorithm: Some(SignatureAlgorithm::HmacSha1),
                header: text("X-Twilio-Signature"),
                format: text("{base64}"),
                signed_payload: text("{url}{form_params}"),
                url: Some(SignatureUrl { port_variants: Some(true), body_hash_param: text("bodySHA256") }),
                ..WebhookSignature::default()
            },
            // Twilio docs, "Getting Started with the Event Webhook Security Features": ECDSA,
            // the signature base64 in `X-Twilio-Email-Event-Webhook-Signature`, the timestamp
            // in `X-Twilio-Email-Event-Webhook-Timestamp`, the public key base64 (DER
            // SubjectPublicKeyInfo, `MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE…`); the SDKs'
            // `verify_signature` hashes `timestamp + payload` with SHA-256 (sendgrid-python,
            // -java, -nodejs, -go). SendGrid documents no replay window: `0s`, no check.
            SignaturePreset::Sendgrid => WebhookSignature {
                algorithm: Some(SignatureAlgorithm::EcdsaP256),
                key: Some(SignatureKey { encoding: Some(KeyEncoding::Base64), prefix: None, signing_prefix: None }),
                header: text("X-Twilio-Email-Event-Webhook-Signature"),
                format: text("{base64}"),
                signed_payload: text("{timestamp}{body}"),
                timestamp: Some(SignatureTimestamp {
                    header: text("X-Twilio-Email-Event-Webhook-Timestamp"),
                    tolerance: text("0s"),
                }),
                ..WebhookSignature::default()
            },
        };
        signature.preset = Some(self);
        signature
    }
}

/// `signature` with its preset's fields filled in where it leaves them out (nested sections
/// field by field). Without a preset, `signature` as written.
pub fn expand(signature: &WebhookSignature) -> WebhookSignature {
    let Some(preset) = signature.preset else { return signature.clone() };
    let base = preset.signature();
    let key = match (&signature.key, base.key) {
        (Some(own), Some(base)) => Some(SignatureKey {
            encoding: own.encoding.or(base.encoding),
            prefix: own.prefix.clone().or(base.prefix),
            signing_prefix: own.signing_prefix.clone().or(base.signing_prefix),
        }),
        (own, base) => own.clone().or(base),
    };
    let timestamp = match (&signature.timestamp, base.timestamp) {
        (Some(own), Some(base)) => Some(SignatureTimestamp {
            header: own.header.clone().or(base.header),
            tolerance: own.tolerance.clone().or(base.tolerance),
        }),
        (own, base) => own.clone().or(base),
    };
    let url = match (&signature.url, base.url) {
        (Some(own), Some(base)) => Some(SignatureUrl {
            port_variants: own.port_variants.or(base.port_variants),
            body_hash_param: own.body_hash_param.clone().or(base.body_hash_param),
        }),
        (own, base) => own.clone().or(base),
    };
    WebhookSignature {
        preset: Some(preset),
        algorithm: signature.algorithm.or(base.algorithm),
        key,
        header: signature.header.clone().or(base.header),
        format: signature.format.clone().or(base.format),
        separator: signature.separator.clone().or(base.separator),
        signed_payload: signature.signed_payload.clone().or(base.signed_payload),
        id_header: signature.id_header.clone().or(base.id_header),
        timestamp,
        url,
        secret_env: signature.secret_env.clone(),
    }
}
