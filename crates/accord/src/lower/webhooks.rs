//! The webhooks section: the signature scheme in the explicit grammar (presets expanded),
//! the events and their delivery schedule.

use super::*;
/// The explicit scheme of an expanded `signature` (see [`spec::presets::expand`]); fields
/// the checker requires fall back to empty values, which only unchecked specs reach.
pub fn signature_ir(signature: &spec::WebhookSignature) -> SignatureIr {
    // The checker requires an algorithm after preset expansion; HMAC-SHA256 is what an
    // unchecked spec falls back to, as the grammar's most common scheme.
    let algorithm = signature.algorithm.unwrap_or(SignatureAlgorithm::HmacSha256);
    let key = signature.key.clone().unwrap_or_default();
    let encoding = key.encoding.unwrap_or_default();
    let url = signature.url.clone().unwrap_or_default();
    let timestamp = signature.timestamp.as_ref();
    SignatureIr {
        algorithm,
        key: SignatureKeyIr { encoding, prefix: key.prefix, signing_prefix: key.signing_prefix },
        header: signature.header.clone().unwrap_or_default(),
        format: signature.format.clone().unwrap_or_default(),
        separator: signature.separator.clone(),
        signed_payload: signature.signed_payload.clone().unwrap_or_else(|| "{body}".into()),
        id_header: signature.id_header.clone(),
        timestamp_header: timestamp.and_then(|t| t.header.clone()),
        tolerance_seconds: timestamp.and_then(|t| t.tolerance.as_deref()).map(seconds).unwrap_or(0),
        url_port_variants: url.port_variants.unwrap_or(false),
        body_hash_param: url.body_hash_param,
    }
}
/// A preset's scheme in the explicit grammar, by its id (`stripe`); `None` for an unknown id.
pub fn preset_scheme(id: &str) -> Option<SignatureIr> {
    spec::SignaturePreset::from_id(id).map(|preset| signature_ir(&preset.signature()))
}

impl Lowerer<'_> {
    pub(super) fn webhooks(&mut self) -> Option<WebhooksIr> {
        let webhooks = self.spec.webhooks.as_ref()?;
        let signature = webhooks.signature.as_ref().map(spec::presets::expand);
        let scheme = signature.as_ref().map(signature_ir);
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let events = webhooks
            .events
            .iter()
            .map(|(event_type, event)| EventIr {
                event_type: event_type.clone(),
                variant: scope.claim(names::camel(event_type)),
                snake: names::bare(&names::snake(event_type)).to_string(),
                payload: self.named(&event.payload, None, None, "Event", "/webhooks/events"),
                description: event.description.clone(),
                example: event.example.clone().unwrap_or(Value::Null),
                id_field: event.id_field.clone(),
            })
            .collect();
        let delivery = webhooks.delivery.as_ref();
        Some(WebhooksIr {
            description: webhooks.description.clone(),
            preset: signature.as_ref().and_then(|s| s.preset),
            signature: scheme,
            secret_env: signature.as_ref().map(|signature| {
                signature
                    .secret_env
                    .clone()
                    .unwrap_or_else(|| format!("{}_WEBHOOK_SECRET", names::shouty(&self.spec.name)))
            }),
            event_type_field: webhooks.event_type_field.clone(),
            event_header: webhooks.event_header.clone(),
            event_id_field: webhooks.event_id_field.clone(),
            // Without an id of its own, a delivery is identified by the signed message id.
            event_id_header: webhooks.event_id_header.clone().or_else(|| {
                if webhooks.event_id_field.is_none() { signature.as_ref()?.id_header.clone() } else { None }
            }),
            guarantee: delivery.and_then(|d| d.guarantee),
            retry_schedule_seconds: delivery
                .map(|d| d.retries.iter().map(|r| seconds(r)).collect())
                .unwrap_or_default(),
            retry_schedule: delivery.map(|d| d.retries.clone()).unwrap_or_default(),
            timeout_seconds: delivery.and_then(|d| d.timeout.as_deref()).map(seconds),
            batch: webhooks.batch,
            handshake: webhooks.handshake.as_ref().map(|h| HandshakeIr {
                field: h.field.clone(),
                value: h.value.clone(),
                respond: h.respond.clone(),
                description: h.description.clone(),
            }),
            events,
        })
    }
}
