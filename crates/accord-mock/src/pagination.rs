//! Pagination the mock acts out: the `Link` header of an endpoint paginated by a cursor in
//! the next page's link (spec `pagination.link`, Shopify REST's `page_info`).
//!
//! The mock serves two pages: a request without the cursor is the first page and its answer
//! links to the second (`rel="next"`); a request with the cursor is the last page, which links
//! back to the first (`rel="previous"`, as Shopify sends) and has no `rel="next"`. The link is
//! absolute, on the origin the request named in its `Host` header, so a client following it
//! comes back to this listener.

use accord_contract::Operation;
use axum::http::HeaderMap;

/// The cursor the first page's link carries.
pub(crate) const NEXT_CURSOR: &str = "mock-page-2";

/// The `Link` header value for an answer of `op` to a request on `path` with `query`
/// (encoded, without `?`), or `None` when `op` is not link-paginated.
pub(crate) fn link_header(op: &Operation, path: &str, query: &str, headers: &HeaderMap) -> Option<String> {
    let link = op.link_pagination.as_ref()?;
    let host = headers.get("host").and_then(|v| v.to_str().ok())?;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let has_cursor = pairs.iter().any(|(name, value)| *name == link.param && !value.is_empty());
    // The page size the request asked for travels in the link, as Shopify's does.
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    if let Some(size_param) = &link.size_param
        && let Some((_, size)) = pairs.iter().find(|(name, _)| name == size_param)
    {
        serializer.append_pair(size_param, size);
    }
    let base = format!("http://{host}{path}");
    if has_cursor {
        let mut previous = serializer;
        previous.append_pair(&link.param, "mock-page-1");
        Some(format!("<{base}?{}>; rel=\"previous\"", previous.finish()))
    } else {
        let mut next = form_urlencoded::Serializer::new(String::new());
        next.append_pair(&link.param, NEXT_CURSOR);
        let size = serializer.finish();
        let query = if size.is_empty() { next.finish() } else { format!("{}&{size}", next.finish()) };
        Some(format!("<{base}?{query}>; rel=\"next\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_contract::LinkPagination;
    use axum::http::HeaderValue;

    fn operation() -> Operation {
        let mut op: Operation = serde_json::from_value(serde_json::json!({
            "name": "list_orders", "method": "GET", "path": "/orders.json", "path_params": [], "query": [],
            "headers": [], "body": null, "responses": [], "errors": [], "idempotency_header": null,
            "idempotency_retention_seconds": null, "rate_limit": null
        }))
        .unwrap();
        op.link_pagination = Some(LinkPagination { param: "page_info".into(), size_param: Some("limit".into()) });
        op
    }

    #[test]
    fn the_first_page_links_to_the_next_with_a_cursor_and_the_last_does_not() {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("127.0.0.1:4010"));
        let op = operation();
        assert_eq!(
            link_header(&op, "/orders.json", "status=any&limit=50", &headers).as_deref(),
            Some("<http://127.0.0.1:4010/orders.json?page_info=mock-page-2&limit=50>; rel=\"next\"")
        );
        let last = link_header(&op, "/orders.json", "page_info=mock-page-2&limit=50", &headers).unwrap();
        assert!(!last.contains("rel=\"next\""), "{last}");
        let mut plain = op.clone();
        plain.link_pagination = None;
        assert_eq!(link_header(&plain, "/orders.json", "", &headers), None);
    }
}
