//! Deliveries that are not one event: batches (a JSON array of events, each typed on its
//! own: SendGrid's Event Webhook) and handshakes (a request the receiver answers instead of
//! handling: Slack's `url_verification`).

use serde_json::value::RawValue;

use super::error::WebhookError;

/// The items of a batch delivery, each as its own JSON text (the bytes as sent, so that each
/// decodes into its declared model straight from them, as a single delivery does).
///
/// SendGrid's Event Webhook posts "an array of JSON objects" of mixed event types (Twilio
/// docs, "Event Webhook Reference"); each is typed by its own `event` field.
///
/// Errors: [`WebhookError::InvalidPayload`] when the body is not a JSON array.
pub fn batch_items(body: &[u8]) -> Result<Vec<&[u8]>, WebhookError> {
    let items: Vec<&RawValue> = serde_json::from_slice(body).map_err(WebhookError::invalid_payload)?;
    Ok(items.into_iter().map(|item| item.get().as_bytes()).collect())
}

/// The answer to a handshake: when the body's text at `field` (a JSON pointer) is `value`,
/// the text at `respond`, to send back as the response body; `None` for any other body
/// (then it is a delivery: verify it). Slack's Events API: `{"type": "url_verification",
/// "challenge": "…"}` is answered with the challenge (Slack docs, "url_verification event").
pub fn handshake_response(body: &[u8], field: &str, value: &str, respond: &str) -> Option<String> {
    let payload = super::headers::navigation(body).ok()?;
    if super::headers::pointer_text(&payload, field).as_deref() != Some(value) {
        return None;
    }
    super::headers::pointer_text(&payload, respond)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_splits_into_its_items_as_sent() {
        let body = br#"[{"event":"processed","a":[1, 2]} , {"event":"delivered"}]"#;
        let items = batch_items(body).expect("an array");
        assert_eq!(items, [&br#"{"event":"processed","a":[1, 2]}"#[..], &br#"{"event":"delivered"}"#[..]]);
        assert_eq!(batch_items(b"[]").expect("empty"), Vec::<&[u8]>::new());
        assert!(matches!(batch_items(br#"{"event":"processed"}"#), Err(WebhookError::InvalidPayload(_))));
        assert!(matches!(batch_items(b"[1,"), Err(WebhookError::InvalidPayload(_))));
    }

    #[test]
    fn a_handshake_is_answered_and_anything_else_is_not() {
        let challenge = br#"{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
        assert_eq!(
            handshake_response(challenge, "/type", "url_verification", "/challenge").as_deref(),
            Some("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
        );
        let event = br#"{"type":"event_callback","challenge":"x"}"#;
        assert_eq!(handshake_response(event, "/type", "url_verification", "/challenge"), None);
        assert_eq!(handshake_response(b"not json", "/type", "url_verification", "/challenge"), None);
    }
}
