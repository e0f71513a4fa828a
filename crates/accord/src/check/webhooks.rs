//! Checks of `webhooks`: the signature scheme (after a preset is expanded) is one the
//! runtime can verify, events can be told apart, payloads name models.

use super::{Checker, is_json_pointer};
use crate::diag::{codes, join_pointer};

/// The names inside `{…}` in a template, in order; an unclosed `{` yields its rest.
fn placeholders(template: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').unwrap_or(after.len());
        found.push(&after[..close]);
        rest = &after[(close + 1).min(after.len())..];
    }
    found
}

/// A format entry without its placeholder (`v1=` of `v1={hex}`).
fn literal_text(entry: &str) -> impl Iterator<Item = char> + '_ {
    let (prefix, rest) = entry.split_once('{').unwrap_or((entry, "}"));
    prefix.chars().chain(rest.split_once('}').map_or("", |(_, suffix)| suffix).chars())
}

impl Checker<'_> {
    pub(super) fn webhooks(&mut self) {
        let Some(webhooks) = &self.spec.webhooks else { return };
        match &webhooks.signature {
            Some(signature) => self.signature(&crate::spec::presets::expand(signature)),
            None => {
                // Allowed because some sources (OpenAPI 3.1 `webhooks`) declare events but never
                // how deliveries are signed, and inventing a scheme would be worse than none.
                let warning = self.report_at_key(
                    codes::spec::UNSIGNED_WEBHOOKS,
                    "/webhooks",
                    "deliveries cannot be verified: the spec declares no `signature` scheme".into(),
                );
                warning.label = Some("no `signature`".into());
                warning.help = Some(
                    "add `signature` with a `preset` (standard-webhooks-v1, svix, stripe, github, shopify, slack, twilio, sendgrid, …) or the explicit grammar (`algorithm`, `header`, `format`, …)".into(),
                );
            }
        }
        if let Some(delivery) = &webhooks.delivery {
            for (index, delay) in delivery.retries.iter().enumerate() {
                self.duration(delay, &format!("/webhooks/delivery/retries/{index}"));
            }
            if let Some(timeout) = &delivery.timeout {
                self.duration(timeout, "/webhooks/delivery/timeout");
            }
        }
        // One declared event needs no type source: every delivery is that event.
        if webhooks.event_type_field.is_none() && webhooks.event_header.is_none() && webhooks.events.len() > 1 {
            self.report(
                codes::spec::MISSING_EVENT_TYPE,
                "/webhooks",
                "webhooks need `event_type_field` or `event_header` to tell events apart".into(),
            )
            .help = Some(
                "add `event_type_field: /type` (the JSON pointer of the type in the payload) or `event_header: X-Event-Type` (the header that carries it)".into(),
            );
        }
        let handshake = webhooks.handshake.as_ref();
        let mut pointers = vec![
            ("/webhooks/event_type_field".to_string(), webhooks.event_type_field.as_ref()),
            ("/webhooks/event_id_field".to_string(), webhooks.event_id_field.as_ref()),
            ("/webhooks/handshake/field".to_string(), handshake.map(|h| &h.field)),
            ("/webhooks/handshake/respond".to_string(), handshake.map(|h| &h.respond)),
        ];
        for (event, definition) in &webhooks.events {
            pointers.push((join_pointer("/webhooks/events", event) + "/id_field", definition.id_field.as_ref()));
        }
        for (at, value) in pointers {
            if let Some(value) = value
                && !is_json_pointer(value)
            {
                self.report(codes::spec::BAD_POINTER, &at, format!("`{value}` is not a JSON pointer")).help =
                    Some(super::pointer_help(value));
            }
        }
        // A batch's items are typed from their own payloads: a header names one type for all.
        if webhooks.batch && webhooks.event_type_field.is_none() && webhooks.events.len() > 1 {
            self.report(
                codes::spec::MISSING_EVENT_TYPE,
                "/webhooks/batch",
                "a batch of several event types needs `event_type_field`, the pointer of each item's type".into(),
            )
            .help = Some("add `event_type_field: /event` (the pointer inside each item of the array)".into());
        }
        for (event, definition) in &webhooks.events {
            let pointer = join_pointer("/webhooks/events", event);
            self.model_ref(&definition.payload, &format!("{pointer}/payload"));
        }
    }

    /// The signature, id and timestamp headers: each an HTTP field name (RFC 9110 §5.1: a
    /// non-empty token), no two alike (names are case-insensitive), as the runtime's
    /// `Scheme::check` requires.
    fn signature_headers(&mut self, signature: &crate::spec::WebhookSignature) {
        const AT: &str = "/webhooks/signature";
        let timestamp = signature.timestamp.as_ref().and_then(|t| t.header.as_ref());
        let names: Vec<(String, &String)> = [
            (format!("{AT}/header"), signature.header.as_ref()),
            (format!("{AT}/id_header"), signature.id_header.as_ref()),
            (format!("{AT}/timestamp/header"), timestamp),
        ]
        .into_iter()
        .filter_map(|(pointer, name)| name.map(|name| (pointer, name)))
        .collect();
        for (at, (pointer, name)) in names.iter().enumerate() {
            let tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            if name.is_empty() || !name.bytes().all(tchar) {
                self.report(
                    codes::spec::BAD_SIGNATURE_HEADER,
                    pointer,
                    if name.is_empty() {
                        "the header name is empty".into()
                    } else {
                        format!("`{name}` is not an HTTP header name")
                    },
                )
                .help = Some("a header name is a non-empty token: letters, digits and `-`, e.g. `webhook-id`".into());
            } else if let Some((other, _)) = names[..at].iter().find(|(_, earlier)| earlier.eq_ignore_ascii_case(name))
            {
                let other = other.rsplit_once("signature/").map_or(other.as_str(), |(_, field)| field);
                self.report(
                    codes::spec::BAD_SIGNATURE_HEADER,
                    pointer,
                    format!("`{name}` is also the `{other}`: each value needs its own header"),
                )
                .help = Some("header names are case-insensitive; give each its own name".into());
            }
        }
    }

    /// Checks an expanded signature scheme (see `spec::presets`): what the runtime's
    /// `Scheme::check` would refuse is reported here, located.
    fn signature(&mut self, signature: &crate::spec::WebhookSignature) {
        const AT: &str = "/webhooks/signature";
        let help = "choose a `preset` (standard-webhooks-v1, svix, stripe, github, shopify, slack, twilio, sendgrid, …) or write the field";
        for (field, missing) in [
            ("algorithm", signature.algorithm.is_none()),
            ("header", signature.header.is_none()),
            ("format", signature.format.is_none()),
        ] {
            if missing {
                self.report(codes::spec::MISSING_FIELD, AT, format!("the signature scheme has no `{field}`")).help =
                    Some(help.into());
            }
        }
        let separator = signature.separator.as_deref();
        if separator == Some("") {
            self.report(codes::spec::BAD_SIGNATURE_FORMAT, &format!("{AT}/separator"), "the separator is empty".into());
        }
        let mut timestamp_entry = false;
        if let Some(format) = &signature.format {
            let entries: Vec<&str> = match separator.filter(|s| !s.is_empty()) {
                Some(separator) => format.split(separator).collect(),
                None => vec![format.as_str()],
            };
            let mut signatures = 0;
            let mut encoding = None;
            let mut bad_entries = 0;
            let (mut signature_prefix, mut timestamp_prefix) = (None, None);
            for &entry in &entries {
                let placeholders = placeholders(entry);
                let prefix = entry.split('{').next().unwrap_or_default();
                match placeholders.as_slice() {
                    [name @ ("hex" | "base64")] => {
                        signatures += 1;
                        encoding = Some(*name);
                        signature_prefix = Some(prefix);
                    }
                    ["timestamp"] if !timestamp_entry => {
                        timestamp_entry = true;
                        timestamp_prefix = Some(prefix);
                    }
                    _ => {
                        bad_entries += 1;
                        self.report(
                            codes::spec::BAD_SIGNATURE_FORMAT,
                            &format!("{AT}/format"),
                            format!("format entry `{entry}` must hold exactly one `{{hex}}`, `{{base64}}` or `{{timestamp}}`"),
                        )
                        .help = Some(
                            "entries are separated by `separator`; e.g. `t={timestamp},v1={hex}` with separator `,`".into(),
                        );
                    }
                }
            }
            if let (Some(signature), Some(timestamp)) = (signature_prefix, timestamp_prefix)
                && (signature.starts_with(timestamp) || timestamp.starts_with(signature))
            {
                self.report(
                    codes::spec::BAD_SIGNATURE_FORMAT,
                    &format!("{AT}/format"),
                    format!("in `{format}` the timestamp and signature entries need prefixes that tell them apart"),
                )
                .help = Some("e.g. `t={timestamp},v1={hex}`".into());
            }
            // The runtime trims the header and each entry before matching (RFC 9110 §5.5).
            if let Some(entry) = entries.iter().find(|entry| entry.trim() != **entry) {
                self.report(
                    codes::spec::BAD_SIGNATURE_FORMAT,
                    &format!("{AT}/format"),
                    format!("format entry `{entry}` has spaces at an end, which verification trims away"),
                )
                .help = Some("write the entry without surrounding spaces, e.g. `sha256={hex}`".into());
            }
            // Only joins may hold the separator: none of its characters may occur in an encoded
            // signature, a timestamp (digits) or the entries' literal text.
            if let (Some(separator), Some(encoding)) = (separator.filter(|s| !s.is_empty()), encoding) {
                let literal: String = entries.iter().flat_map(|entry| literal_text(entry)).collect();
                let in_alphabet = |c: char| match encoding {
                    "hex" => c.is_ascii_digit() || ('a'..='f').contains(&c),
                    _ => c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='),
                };
                if let Some(c) = separator.chars().find(|&c| in_alphabet(c) || literal.contains(c)) {
                    let within = if in_alphabet(c) {
                        format!("{encoding} signatures or timestamps can hold")
                    } else {
                        format!("occurs in the literal text of format `{format}`")
                    };
                    self.report(
                        codes::spec::BAD_SIGNATURE_FORMAT,
                        &format!("{AT}/separator"),
                        format!("separator `{separator}` holds `{c}`, which {within}: a header could not be split into its entries"),
                    )
                    .help = Some("use a character no entry holds, e.g. `,` or a space".into());
                }
            }
            if signatures != 1 && bad_entries == 0 {
                self.report(
                    codes::spec::BAD_SIGNATURE_FORMAT,
                    &format!("{AT}/format"),
                    format!("signature format `{format}` must contain exactly one of `{{hex}}` or `{{base64}}`"),
                );
            }
        }
        let payload = signature.signed_payload.as_deref().unwrap_or("{body}");
        let payload_placeholders = placeholders(payload);
        for placeholder in &payload_placeholders {
            if !["body", "timestamp", "id", "url", "form_params"].contains(placeholder) {
                self.report(
                    codes::spec::BAD_SIGNED_PAYLOAD,
                    &format!("{AT}/signed_payload"),
                    format!(
                        "unknown placeholder `{{{placeholder}}}`; expected `{{body}}`, `{{timestamp}}`, `{{id}}`, `{{url}}` or `{{form_params}}`"
                    ),
                );
            }
        }
        if !payload_placeholders.iter().any(|p| *p == "body" || *p == "form_params") {
            self.report(
                codes::spec::BAD_SIGNED_PAYLOAD,
                &format!("{AT}/signed_payload"),
                "the signed payload must include `{body}` (or Twilio's `{form_params}`)".into(),
            );
        }
        let timestamp_header = signature.timestamp.as_ref().and_then(|t| t.header.as_ref()).is_some();
        if (payload_placeholders.contains(&"timestamp") || signature.timestamp.is_some())
            && !timestamp_entry
            && !timestamp_header
        {
            self.report(codes::spec::MISSING_TIMESTAMP, AT, "the timestamp has no source".into()).help =
                Some("set `timestamp.header`, or put `{timestamp}` in `format`".into());
        }
        if (timestamp_entry || timestamp_header) && !payload_placeholders.contains(&"timestamp") {
            // A provider may document exactly this (seed 002's orders API does); it can be
            // declared, but its replay window only stops accidental replays.
            let message = "the timestamp is checked against the replay window but not signed, so anyone who captured a delivery can rewrite it";
            self.report(codes::spec::UNSIGNED_TIMESTAMP, &format!("{AT}/signed_payload"), message.into()).help =
                Some("if the provider signs it, put `{timestamp}` in `signed_payload`".into());
        }
        if timestamp_entry && timestamp_header {
            self.report(
                codes::spec::BAD_SIGNATURE_FORMAT,
                &format!("{AT}/timestamp/header"),
                "the timestamp comes from both `timestamp.header` and an entry of `format`".into(),
            );
        }
        if timestamp_entry && signature.timestamp.is_none() {
            self.report(codes::spec::MISSING_TOLERANCE, AT, "the timestamp has no `tolerance`".into()).help =
                Some("add `timestamp: { tolerance: 5m }` (`0s` disables the replay check)".into());
        }
        if let Some(timestamp) = &signature.timestamp {
            match &timestamp.tolerance {
                Some(tolerance) => self.duration(tolerance, &format!("{AT}/timestamp/tolerance")),
                None => {
                    self.report(
                        codes::spec::MISSING_TOLERANCE,
                        &format!("{AT}/timestamp"),
                        "the timestamp has no `tolerance`".into(),
                    )
                    .help = Some("e.g. `tolerance: 5m` (`0s` disables the replay check)".into());
                }
            }
        }
        if payload_placeholders.contains(&"id") && signature.id_header.is_none() {
            self.report(
                codes::spec::MISSING_ID_HEADER,
                &format!("{AT}/signed_payload"),
                "`{id}` is signed but no `id_header` says where it comes from".into(),
            )
            .help = Some("add `id_header: webhook-id`".into());
        }
        self.signature_headers(signature);
        if signature.url.is_some() && !payload_placeholders.contains(&"url") {
            self.report(
                codes::spec::BAD_SIGNED_PAYLOAD,
                &format!("{AT}/url"),
                "`url` options are set but `{url}` is not signed".into(),
            );
        }
        let binary_key = match signature.algorithm {
            Some(crate::spec::SignatureAlgorithm::Ed25519) => Some("Ed25519 keys are 32 bytes"),
            Some(crate::spec::SignatureAlgorithm::EcdsaP256) => {
                Some("ECDSA P-256 public keys are DER (a SubjectPublicKeyInfo, as SendGrid shows it)")
            }
            Some(crate::spec::SignatureAlgorithm::HmacSha256 | crate::spec::SignatureAlgorithm::HmacSha1) | None => {
                None
            }
        };
        if let Some(what) = binary_key
            && signature.key.as_ref().and_then(|k| k.encoding).unwrap_or(crate::spec::KeyEncoding::Utf8)
                == crate::spec::KeyEncoding::Utf8
        {
            self.report(
                codes::spec::BAD_KEY_ENCODING,
                &format!("{AT}/key/encoding"),
                format!("{what}, written in `base64` or `hex`"),
            )
            .help = Some("add `key: { encoding: base64 }`".into());
        }
    }
}
