//! Conditional GETs acted out (issue 18): every `200` answer to a `GET` or `HEAD` carries an
//! `ETag` made from its body (a strong validator, RFC 9110 §8.8.3), and a request whose
//! `If-None-Match` names it is answered `304 Not Modified` without a body (RFC 9110 §13.1.2),
//! keeping the `ETag` and the other headers, as GitHub does (its REST best practices, "Use
//! conditional requests"). A client's response cache revalidates against this. An endpoint
//! whose spec declares the provider's `Cache-Control` (`cache.cache_control`) gets it on
//! its `200`s and `304`s, as RFC 9110 §15.4.5 asks a 304 to repeat it.

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

/// Adds the `ETag` and the declared `Cache-Control` to a `200` answer to a safe request and
/// turns it into a `304` when the request's `If-None-Match` names it.
pub(super) fn apply(method: &Method, headers: &HeaderMap, cache_control: Option<&str>, reply: Reply) -> Reply {
    if !(method == Method::GET || method == Method::HEAD) || reply.status != 200 {
        return reply;
    }
    // A scripted reply's own `Cache-Control` wins (`Reply::header` keeps the first).
    let reply = match cache_control {
        Some(value) => reply.header("cache-control", value),
        None => reply,
    };
    let Some(body) = &reply.body else { return reply };
    let tag = entity_tag(body);
    let reply = reply.header("etag", tag.clone());
    if none_match(headers, &tag) {
        return Reply { status: 304, body: None, raw_media_type: None, ..reply };
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok() -> Reply {
        Reply::json(200, json!({"order_id": "ORD-1"}))
    }

    fn etag_of(reply: &Reply) -> Option<String> {
        reply.headers.iter().find(|(name, _)| name == "etag").map(|(_, value)| value.clone())
    }

    #[test]
    fn a_get_gets_an_etag_and_a_matching_if_none_match_gets_a_304_without_a_body() {
        let first = apply(&Method::GET, &HeaderMap::new(), None, ok());
        let tag = etag_of(&first).expect("an ETag");
        assert!(tag.starts_with('"') && tag.ends_with('"'), "{tag}");
        let mut headers = HeaderMap::new();
        headers.insert("if-none-match", format!("\"other\", W/{tag}").parse().unwrap());
        let second = apply(&Method::GET, &headers, None, ok());
        assert_eq!(second.status, 304);
        assert!(second.body.is_none());
        assert_eq!(etag_of(&second), Some(tag));
    }

    #[test]
    fn a_changed_body_a_post_or_an_error_is_answered_as_it_is() {
        let tag = etag_of(&apply(&Method::GET, &HeaderMap::new(), None, ok())).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("if-none-match", tag.parse().unwrap());
        let changed = apply(&Method::GET, &headers, None, Reply::json(200, json!({"order_id": "ORD-2"})));
        assert_eq!(changed.status, 200);
        assert_ne!(etag_of(&changed), Some(tag.clone()));
        assert_eq!(apply(&Method::POST, &headers, None, ok()).status, 200);
        assert!(etag_of(&apply(&Method::POST, &headers, None, ok())).is_none());
        assert_eq!(apply(&Method::GET, &headers, None, Reply::json(404, json!({}))).status, 404);
    }

    #[test]
    fn the_declared_cache_control_goes_on_200s_and_304s_of_safe_requests_only() {
        let github = Some("private, max-age=60, s-maxage=60");
        let cache_control = |reply: &Reply| {
            reply.headers.iter().find(|(name, _)| name == "cache-control").map(|(_, value)| value.clone())
        };
        let first = apply(&Method::GET, &HeaderMap::new(), github, ok());
        assert_eq!(cache_control(&first).as_deref(), github);
        let mut headers = HeaderMap::new();
        headers.insert("if-none-match", etag_of(&first).unwrap().parse().unwrap());
        let not_modified = apply(&Method::GET, &headers, github, ok());
        assert_eq!((not_modified.status, cache_control(&not_modified).as_deref()), (304, github));
        assert_eq!(cache_control(&apply(&Method::GET, &HeaderMap::new(), None, ok())), None);
        assert_eq!(cache_control(&apply(&Method::POST, &HeaderMap::new(), github, ok())), None);
        assert_eq!(cache_control(&apply(&Method::GET, &HeaderMap::new(), github, Reply::json(404, json!({})))), None);
        let scripted = ok().header("cache-control", "no-store");
        assert_eq!(
            cache_control(&apply(&Method::GET, &HeaderMap::new(), github, scripted)).as_deref(),
            Some("no-store")
        );
    }
}
