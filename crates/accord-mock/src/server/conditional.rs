//! Conditional GETs acted out (issue 18): every `200` answer to a `GET` or `HEAD` carries an
//! `ETag` made from its body (a strong validator, RFC 9110 §8.8.3), and a request whose
//! `If-None-Match` names it is answered `304 Not Modified` without a body (RFC 9110 §13.1.2),
//! keeping the `ETag` and the other headers, as GitHub does (its REST best practices, "Use
//! conditional requests"). A client's response cache revalidates against this.

use std::hash::{Hash as _, Hasher as _};

use axum::http::{HeaderMap, Method};
use serde_json::Value;

use super::Reply;

/// The entity tag of a body: its JSON text (or raw text) hashed, quoted.
fn entity_tag(body: &Value) -> String {
    let text = match body {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    // Not a security property: a validator only has to change when the body does.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    format!("\"{:016x}{:08x}\"", hasher.finish(), text.len())
}

/// Whether `If-None-Match` (a list of tags, or `*`) matches `tag`, by the weak comparison
/// RFC 9110 §13.1.2 prescribes for it.
fn none_match(headers: &HeaderMap, tag: &str) -> bool {
    headers.get_all("if-none-match").iter().filter_map(|value| value.to_str().ok()).any(|value| {
        value.split(',').map(str::trim).any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == tag)
    })
}

/// Adds the `ETag` to a `200` answer to a safe request and turns it into a `304` when the
/// request's `If-None-Match` names it.
pub(super) fn apply(method: &Method, headers: &HeaderMap, reply: Reply) -> Reply {
    if !(method == Method::GET || method == Method::HEAD) || reply.status != 200 {
        return reply;
    }
    let Some(body) = &reply.body else { return reply };
    let tag = entity_tag(body);
    let reply = reply.header("etag", tag.clone());
    if none_match(headers, &tag) {
        return Reply { status: 304, body: None, raw_media_type: None, ..reply };
    }
    reply
}
