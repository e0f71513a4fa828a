//! The handshake a provider sends to a receiver URL before its first event, and the check of
//! the receiver's answer, as the provider makes it. Slack's Events API is the declared case
//! (https://api.slack.com/events/url_verification): a POST of
//! `{"token": …, "challenge": "3eZbrw1a…", "type": "url_verification"}`, signed as every
//! request is ("verify the request's authenticity and then respond"), answered with
//! `HTTP 200 OK` and the challenge "in plaintext" (`text/plain`), or as
//! `application/x-www-form-urlencoded` `challenge=3eZbrw1a…`, "or even JSON"
//! `{"challenge":"3eZbrw1a…"}`. Slack sends it once, when the Request URL is configured
//! (https://api.slack.com/apis/http, "URL verification handshake"), and does not save a URL
//! that fails it: the mock sends it before the first delivery to each URL, once, and delivers
//! no event to a URL that failed it.
//!
//! The request holds the declared marking field and a fresh challenge at the declared
//! pointer; Slack's legacy `token` is left out, since a spec does not declare it (Slack's docs
//! deprecate it in favour of signing secrets).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use accord_contract::{Handshake, Webhooks};
use accord_runtime::Secret;
use accord_runtime::webhook::{Message, Scheme};
use serde::Serialize;
use serde_json::Value;

use crate::model::set_pointer;

/// What became of a handshake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandshakeAttempt {
    /// The body sent.
    pub body: String,
    /// The challenge the receiver must echo.
    pub challenge: String,
    /// The receiver's status.
    pub status: Option<u16>,
    /// The receiver's answer, as text (at most 1 KiB of it).
    pub answer: Option<String>,
    /// The answer is what the provider expects.
    pub passed: bool,
    /// Why it failed, when it did: a transport error, another status than 200, or an answer
    /// that is not the challenge.
    pub error: Option<String>,
}

/// Sends the handshake of `webhooks` to `url`, signed with `secret` by `scheme`, and checks the
/// answer ([`answers_challenge`]).
///
/// Errors: the scheme cannot sign.
pub async fn send(
    http: &accord_runtime::reqwest::Client,
    webhooks: &Webhooks,
    handshake: &Handshake,
    scheme: &Scheme,
    url: &str,
    secret: &Secret,
) -> Result<HandshakeAttempt, String> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    // A fresh random challenge each time (Slack's are 48 characters of letters and digits).
    let challenge = accord_runtime::uuid::Uuid::new_v4().simple().to_string();
    let mut payload = Value::Object(serde_json::Map::new());
    set_pointer(&mut payload, &handshake.field, Value::String(handshake.value.clone()));
    set_pointer(&mut payload, &handshake.respond, Value::String(challenge.clone()));
    let body = serde_json::to_string(&payload).map_err(|e| e.to_string())?;
    let timestamp = now.as_secs() as i64;
    let message = Message { body: body.as_bytes(), timestamp, id: None, url: Some(url) };
    let mut headers = scheme.sign(&message, &[secret]).map_err(|e| format!("cannot sign the handshake: {e}"))?;
    headers.push(("content-type".into(), "application/json".into()));
    let timeout = Duration::from_secs(webhooks.timeout_seconds.unwrap_or(30).max(1));
    let mut request = http.post(url).timeout(timeout).body(body.clone());
    for (name, value) in &headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let mut attempt =
        HandshakeAttempt { body, challenge: challenge.clone(), status: None, answer: None, passed: false, error: None };
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            attempt.status = Some(status);
            let content_type = response
                .headers()
                .get(accord_runtime::reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let text = response.text().await.unwrap_or_default();
            attempt.answer = Some(text.chars().take(1024).collect());
            if status != 200 {
                attempt.error = Some(format!("the handshake was answered {status}, not 200"));
            } else if answers_challenge(&text, &content_type, &handshake.respond, &challenge) {
                attempt.passed = true;
            } else {
                attempt.error = Some(format!(
                    "the answer does not hold the challenge `{challenge}`: answer it as plain text, as `{}=…` (form) or as JSON with it at `{}`",
                    last_segment(&handshake.respond),
                    handshake.respond
                ));
            }
        }
        Err(error) => attempt.error = Some(error.to_string()),
    }
    tracing::info!(
        target: "accord_mock",
        "webhook handshake -> {}: {}",
        url.split('?').next().unwrap_or(url),
        if attempt.passed { "answered".to_string() } else { attempt.error.clone().unwrap_or_default() }
    );
    Ok(attempt)
}

/// Whether `text` (with its `content_type`) answers `challenge` in one of the three ways
/// Slack accepts: the challenge itself as plain text, a form whose key (the last segment of
/// `respond`, `challenge`) holds it, or JSON with it at `respond`. The content type picks the
/// reading when it names a form or JSON; otherwise each reading is tried, since Slack's own
/// page once showed the plain answer with a form content type.
pub fn answers_challenge(text: &str, content_type: &str, respond: &str, challenge: &str) -> bool {
    let as_text = || text.trim() == challenge;
    let as_form = || {
        let key = last_segment(respond);
        form_urlencoded::parse(text.trim().as_bytes()).any(|(name, value)| name == key && value == challenge)
    };
    let as_json = || {
        serde_json::from_str::<Value>(text)
            .ok()
            .is_some_and(|value| value.pointer(respond).and_then(Value::as_str) == Some(challenge))
    };
    let media = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match media.as_str() {
        "application/json" => as_json(),
        "application/x-www-form-urlencoded" => as_form() || as_text(),
        _ => as_text() || as_form() || as_json(),
    }
}

/// The last segment of a JSON pointer, unescaped (`/challenge` → `challenge`).
fn last_segment(pointer: &str) -> String {
    pointer.rsplit('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::answers_challenge;

    #[test]
    fn the_three_answers_slack_accepts_pass_and_others_fail() {
        let c = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P";
        assert!(answers_challenge(c, "text/plain", "/challenge", c));
        assert!(answers_challenge(&format!("challenge={c}"), "application/x-www-form-urlencoded", "/challenge", c));
        assert!(answers_challenge(&format!(r#"{{"challenge":"{c}"}}"#), "application/json", "/challenge", c));
        assert!(answers_challenge(&format!("{c}\n"), "", "/challenge", c));
        assert!(!answers_challenge("", "text/plain", "/challenge", c));
        assert!(!answers_challenge("other", "text/plain", "/challenge", c));
        assert!(!answers_challenge(&format!(r#"{{"challenge":"x{c}"}}"#), "application/json", "/challenge", c));
        assert!(!answers_challenge(&format!("token={c}"), "application/x-www-form-urlencoded", "/challenge", c));
    }
}
