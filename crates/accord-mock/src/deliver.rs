//! Signed webhook delivery: the declared event's example, signed with the declared scheme
//! (`accord_runtime::webhook::Scheme::sign`, the code that verifies it on the other side),
//! POSTed to the receiver and retried on the declared schedule until a 2xx answer.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use accord_contract::Webhooks;
use accord_runtime::Secret;
use accord_runtime::webhook::{Message, Scheme};
use serde::Serialize;
use serde_json::Value;

use crate::model::set_pointer;

/// What became of one delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// Event type.
    pub event_type: String,
    /// Receiver URL.
    pub url: String,
    /// Message id (the same on every attempt, so receivers can de-duplicate).
    pub id: String,
    /// The body sent.
    pub body: String,
    /// Attempts in order.
    pub attempts: Vec<Attempt>,
    /// A 2xx answer arrived.
    pub delivered: bool,
    /// The handshake sent first (Slack's `url_verification`), when the spec declares one and
    /// the URL had not passed it yet; a URL that fails it gets no event (`attempts` empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handshake: Option<crate::handshake::HandshakeAttempt>,
}

/// One attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// Delay waited before it (after scaling), milliseconds.
    pub delay_ms: u64,
    /// The receiver's status.
    pub status: Option<u16>,
    /// Transport error, when there was no answer.
    pub error: Option<String>,
    /// Headers sent (signature, timestamp, id, event type).
    pub headers: Vec<(String, String)>,
}

/// Why a delivery of `event_type` is refused when the contract has no signature scheme: the
/// mock would have to invent one, and receivers could not verify it anyway.
pub fn unsigned(event_type: &str) -> String {
    format!(
        "cannot deliver `{event_type}`: the spec declares no webhook signature scheme, so the mock has nothing to sign deliveries with; add `webhooks.signature` to the spec"
    )
}

/// Delivers `event_type` to `url`: the `payload` given or the declared example (its id field
/// set to a fresh id), signed with `secret` afresh on every attempt (a new timestamp), with
/// the declared schedule's delays multiplied by `time_scale`. With `handshake_first` and a
/// declared handshake, the handshake goes first ([`crate::handshake::send`]), and the event
/// only when the receiver answered it as the provider expects.
///
/// Errors: an undeclared event type, no signature scheme (see [`unsigned`]), a scheme or key
/// that cannot sign.
#[allow(clippy::too_many_arguments)]
pub async fn deliver(
    http: &accord_runtime::reqwest::Client,
    webhooks: &Webhooks,
    event_type: &str,
    payload: Option<Value>,
    url: &str,
    secret: &Secret,
    time_scale: f64,
    handshake_first: bool,
) -> Result<Delivery, String> {
    let event = webhooks.events.iter().find(|e| e.event_type == event_type).ok_or_else(|| {
        let known: Vec<&str> = webhooks.events.iter().map(|e| e.event_type.as_str()).collect();
        format!("no webhook event `{event_type}`; declared: {}", known.join(", "))
    })?;
    let scheme = webhooks.scheme.clone().ok_or_else(|| unsigned(event_type))?;
    let scheme: Scheme = serde_json::from_value(scheme).map_err(|e| format!("the contract's scheme: {e}"))?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let id = format!("msg_accord_{:x}{:08x}", now.as_secs(), now.subsec_nanos());
    let mut payload = payload.unwrap_or_else(|| event.example.clone());
    if let Some(pointer) = event.id_field.as_ref().or(webhooks.event_id_field.as_ref()) {
        set_pointer(&mut payload, pointer, Value::String(id.clone()));
    }
    if let Some(pointer) = &webhooks.event_type_field {
        set_pointer(&mut payload, pointer, Value::String(event_type.to_string()));
    }
    // A batch provider posts an array of events: the event goes out as a batch of one.
    if webhooks.batch {
        payload = Value::Array(vec![payload]);
    }
    let body = serde_json::to_string(&payload).map_err(|e| e.to_string())?;
    let schedule: Vec<u64> =
        if webhooks.retry_schedule_seconds.is_empty() { vec![0] } else { webhooks.retry_schedule_seconds.clone() };
    let timeout = Duration::from_secs(webhooks.timeout_seconds.unwrap_or(30).max(1));
    let mut delivery = Delivery {
        event_type: event_type.to_string(),
        url: url.to_string(),
        id: id.clone(),
        body: body.clone(),
        attempts: Vec::new(),
        delivered: false,
        handshake: None,
    };
    if let (true, Some(handshake)) = (handshake_first, &webhooks.handshake) {
        let attempt = crate::handshake::send(http, webhooks, handshake, &scheme, url, secret).await?;
        let passed = attempt.passed;
        delivery.handshake = Some(attempt);
        if !passed {
            return Ok(delivery);
        }
    }
    for delay in schedule {
        let delay = Duration::from_secs_f64(delay as f64 * time_scale.max(0.0));
        tokio::time::sleep(delay).await;
        let timestamp = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        let message = Message { body: body.as_bytes(), timestamp, id: Some(&id), url: Some(url) };
        let mut headers = scheme.sign(&message, &[secret]).map_err(|e| format!("cannot sign: {e}"))?;
        headers.push(("content-type".into(), "application/json".into()));
        if let Some(header) = &webhooks.event_header {
            headers.push((header.clone(), event_type.to_string()));
        }
        if let Some(header) = &webhooks.event_id_header
            && !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case(header))
        {
            headers.push((header.clone(), id.clone()));
        }
        let mut request = http.post(url).timeout(timeout).body(body.clone());
        for (name, value) in &headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let mut attempt = Attempt { delay_ms: delay.as_millis() as u64, status: None, error: None, headers };
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                attempt.status = Some(status);
                delivery.delivered = (200..300).contains(&status);
            }
            Err(error) => attempt.error = Some(error.to_string()),
        }
        tracing::info!(
            target: "accord_mock",
            "webhook {event_type} -> {}: {}",
            url.split('?').next().unwrap_or(url),
            attempt.status.map(|s| s.to_string()).or_else(|| attempt.error.clone()).unwrap_or_default()
        );
        delivery.attempts.push(attempt);
        if delivery.delivered {
            break;
        }
    }
    Ok(delivery)
}
