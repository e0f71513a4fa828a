//! Pagination: the styles a spec declares, and the page and item streams generated
//! `.pages()` and `.stream()` methods return. Every page is one [`Client::execute`] call, so
//! rate limits, retries and timeouts apply per page.

use futures_core::Stream;
use futures_util::{StreamExt as _, TryStreamExt as _, stream};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::Client;
use crate::de;
use crate::error::{DecodeError, TransportError};
use crate::request::RequestSpec;
use crate::response::{ClientError, RawResponse, Response};

/// How an endpoint pages (spec `pagination`). Pointers are JSON pointers (RFC 6901) into the
/// page body; `items: None` means the body is the array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageStyle {
    /// The next cursor is read from the body and sent as query parameter `param`; the last
    /// page has no cursor, an empty item list, or a false `has_more`.
    Cursor {
        /// Query parameter carrying the cursor (`cursor`, Stripe's `starting_after`).
        param: &'static str,
        /// Pointer of the next cursor; with `from_last_item`, inside the last item (`/id`).
        next: &'static str,
        /// Read the cursor from the last item.
        from_last_item: bool,
        /// Pointer of a boolean saying more pages exist (`/has_more`).
        has_more: Option<&'static str>,
        /// Pointer of the items array.
        items: Option<&'static str>,
    },
    /// Page numbers in query parameter `param` (starting at 1). With `link_header`, the next
    /// page is the RFC 8288 `Link` header's `rel="next"` target and its absence ends the
    /// list (GitHub); otherwise the page number grows until a page is empty.
    Page {
        /// Page number parameter.
        param: &'static str,
        /// Follow `Link: <…>; rel="next"`.
        link_header: bool,
        /// Pointer of the items array.
        items: Option<&'static str>,
    },
    /// The position of the first item in query parameter `param` (Box's and Xero's
    /// `offset`): the next page starts after this page's items, at this page's offset (0 when
    /// the request does not set one) plus their count. An empty page ends the list, and so
    /// does reaching the total the body reports at `total` (Box's `total_count`).
    Offset {
        /// Offset parameter.
        param: &'static str,
        /// Pointer of the total number of items.
        total: Option<&'static str>,
        /// Pointer of the items array.
        items: Option<&'static str>,
    },
    /// The next page is the RFC 8288 `Link` header's `rel="next"` URL, followed as it is, which
    /// carries an opaque cursor in query parameter `param` (Shopify REST's `page_info`:
    /// shopify.dev/docs/api/usage/pagination-rest); a page without `rel="next"` is the last.
    /// Unlike [`PageStyle::Page`], no page number is counted: the cursor is the server's.
    LinkCursor {
        /// Cursor parameter of the linked URL (`page_info`); a link without it is refused,
        /// since following it would not be cursor pagination.
        param: &'static str,
        /// Pointer of the items array.
        items: Option<&'static str>,
    },
    /// The body carries the next page's URL, absolute or relative to the base URL's origin
    /// (Twilio's `next_page_uri`); `null` or absent ends the list.
    NextUrl {
        /// Pointer of the next URL.
        next: &'static str,
        /// Pointer of the items array.
        items: Option<&'static str>,
    },
}

impl PageStyle {
    fn items_pointer(&self) -> Option<&'static str> {
        match *self {
            PageStyle::Cursor { items, .. }
            | PageStyle::Page { items, .. }
            | PageStyle::Offset { items, .. }
            | PageStyle::NextUrl { items, .. }
            | PageStyle::LinkCursor { items, .. } => items,
        }
    }

    /// The items of a page body (empty when the pointer finds no array).
    pub fn items<'v>(&self, page: &'v Value) -> &'v [Value] {
        let found = match self.items_pointer() {
            Some(pointer) => page.pointer(pointer),
            None => Some(page),
        };
        found.and_then(Value::as_array).map_or(&[], Vec::as_slice)
    }

    /// The request for the page after `page`, or `None` on the last page.
    ///
    /// Errors: the next page would repeat the current request (a cursor that does not
    /// advance), which would loop forever; or a next URL that is not a URL.
    pub fn next_request(
        &self,
        current: &RequestSpec,
        page: &Value,
        headers: &HeaderMap,
        base_url: &str,
    ) -> Result<Option<RequestSpec>, TransportError> {
        let items = self.items(page);
        let next = match *self {
            PageStyle::Cursor { param, next, from_last_item, has_more, .. } => {
                if has_more.and_then(|pointer| page.pointer(pointer)).and_then(Value::as_bool) == Some(false) {
                    return Ok(None);
                }
                let source = if from_last_item { items.last() } else { Some(page) };
                let cursor = match source.and_then(|value| value.pointer(next)) {
                    Some(Value::String(text)) if !text.is_empty() => text.clone(),
                    Some(Value::Number(number)) => number.to_string(),
                    _ => return Ok(None),
                };
                if from_last_item && items.is_empty() {
                    return Ok(None);
                }
                let mut request = current.clone();
                set_query(&mut request, param, cursor);
                request
            }
            PageStyle::Page { link_header: true, .. } => {
                let Some(link) = link_target(headers, "next") else { return Ok(None) };
                let mut request = current.clone();
                request.absolute_url = Some(resolve(base_url, &link)?);
                request.query.clear();
                request
            }
            PageStyle::LinkCursor { param, .. } => {
                let Some(link) = link_target(headers, "next") else { return Ok(None) };
                let url = resolve(base_url, &link)?;
                let has_cursor = url::Url::parse(&url)
                    .map(|parsed| parsed.query_pairs().any(|(name, value)| name == param && !value.is_empty()))
                    .unwrap_or(false);
                if !has_cursor {
                    return Err(TransportError::message(format!(
                        "the `Link` next page of `{}` carries no `{param}` cursor",
                        current.operation
                    )));
                }
                let mut request = current.clone();
                request.absolute_url = Some(url);
                request.query.clear();
                request
            }
            PageStyle::Page { param, link_header: false, .. } => {
                if items.is_empty() {
                    return Ok(None);
                }
                let page_number = current
                    .query
                    .iter()
                    .find(|(name, _)| *name == crate::style::encode_component(param))
                    .and_then(|(_, value)| value.parse::<u64>().ok())
                    .unwrap_or(1);
                let mut request = current.clone();
                set_query(&mut request, param, (page_number + 1).to_string());
                request
            }
            PageStyle::Offset { param, total, .. } => {
                if items.is_empty() {
                    return Ok(None);
                }
                let offset = current
                    .query
                    .iter()
                    .find(|(name, _)| *name == crate::style::encode_component(param))
                    .and_then(|(_, value)| value.parse::<u64>().ok())
                    .unwrap_or(0);
                let next_offset = offset.saturating_add(items.len() as u64);
                if total
                    .and_then(|pointer| page.pointer(pointer))
                    .and_then(Value::as_u64)
                    .is_some_and(|total| next_offset >= total)
                {
                    return Ok(None);
                }
                let mut request = current.clone();
                set_query(&mut request, param, next_offset.to_string());
                request
            }
            PageStyle::NextUrl { next, .. } => {
                let url = match page.pointer(next) {
                    Some(Value::String(text)) if !text.is_empty() => text.clone(),
                    _ => return Ok(None),
                };
                let mut request = current.clone();
                request.absolute_url = Some(resolve(base_url, &url)?);
                request.query.clear();
                request
            }
        };
        if next.query == current.query && next.absolute_url == current.absolute_url {
            return Err(TransportError::message(format!(
                "pagination of `{}` does not advance: the next page is the current one",
                current.operation
            )));
        }
        Ok(Some(next))
    }
}

/// Replaces query parameter `name` with `value` (the pairs hold encoded text).
fn set_query(request: &mut RequestSpec, name: &str, value: String) {
    let name = crate::style::encode_component(name);
    request.query.retain(|(existing, _)| *existing != name);
    request.query.push((name, crate::style::encode_component(&value)));
}

/// Resolves a link against the base URL (RFC 3986 §5: a path-absolute `next_page_uri`
/// keeps the base URL's scheme and host).
fn resolve(base_url: &str, link: &str) -> Result<String, TransportError> {
    let base = url::Url::parse(base_url).map_err(|e| TransportError::message(format!("invalid base URL: {e}")))?;
    base.join(link).map(String::from).map_err(|e| TransportError::message(format!("invalid next-page URL: {e}")))
}

/// The target of the first link with relation `rel` in the response's `Link` headers
/// (RFC 8288 §3: `<uri-reference>; param=value; …`, links separated by commas, `rel` a
/// space-separated list compared case-insensitively).
pub fn link_target(headers: &HeaderMap, rel: &str) -> Option<String> {
    for value in headers.get_all(reqwest::header::LINK) {
        let Ok(text) = value.to_str() else { continue };
        let mut rest = text;
        while let Some(open) = rest.find('<') {
            let after = &rest[open + 1..];
            let close = after.find('>')?;
            let target = &after[..close];
            let params_and_more = &after[close + 1..];
            // Parameters run to the next link, which starts at the next `<`.
            let params_end = params_and_more.find('<').unwrap_or(params_and_more.len());
            // The comma separating this link from the next is not part of its last parameter.
            let params = params_and_more[..params_end].trim_end().trim_end_matches(',');
            let matches = params.split(';').any(|param| {
                let Some((name, value)) = param.split_once('=') else { return false };
                name.trim().eq_ignore_ascii_case("rel")
                    && value.trim().trim_matches('"').split_ascii_whitespace().any(|r| r.eq_ignore_ascii_case(rel))
            });
            if matches {
                return Some(target.to_string());
            }
            rest = &params_and_more[params_end..];
        }
    }
    None
}

/// The stream an endpoint's `pages` or `stream` returns: `Send`, `Unpin`, `'static`, each
/// item a `T` (a page or an item, as the endpoint's `Result`). Boxed and named rather than
/// `impl Stream`, for the reason [`crate::send::Sending`] gives.
pub type PageStream<T> = futures_util::stream::BoxStream<'static, T>;

/// Every page of a paginated endpoint, starting with `first`, each decoded into `T`; ends
/// after the last page or the first error. The stream is `Unpin`, so `.next().await` works
/// without pinning.
pub fn pages<T, E>(
    client: Client,
    first: Result<RequestSpec, E>,
    style: PageStyle,
) -> PageStream<Result<Response<T>, E>>
where
    T: DeserializeOwned + Send + 'static,
    E: ClientError,
{
    raw_pages::<E>(client, first, style)
        .and_then(|page| async move {
            // From the bytes, as a single call decodes: undeclared fields are skipped unread.
            let body = page.json::<T>().map_err(E::decode)?;
            Ok(Response { status: page.status, headers: page.headers, body })
        })
        .boxed()
}

/// Every item of every page, decoded into `I`; ends after the last page or the first error.
pub fn items<I, E>(client: Client, first: Result<RequestSpec, E>, style: PageStyle) -> PageStream<Result<I, E>>
where
    I: DeserializeOwned + Send + 'static,
    E: ClientError,
{
    raw_pages::<E>(client, first, style)
        .map_ok(move |page| stream::iter(page_items::<I, E>(style, &page)))
        .try_flatten()
        .boxed()
}

/// The items of one page, decoded. All at once straight from the bytes first, so that an
/// undeclared field is skipped unread however deep it is (`accord_runtime::de`); when some
/// item does not decode, each on its own from the page's JSON, so that the others still
/// arrive and the error names the item that failed.
fn page_items<I: DeserializeOwned, E: ClientError>(style: PageStyle, page: &RawResponse) -> Vec<Result<I, E>> {
    let all = match style.items_pointer() {
        Some(pointer) => de::at_pointer::<Vec<I>>(&page.body, pointer),
        None => serde_json::from_slice::<Vec<I>>(&page.body).map(Some),
    };
    if let Ok(items) = all {
        return items.unwrap_or_default().into_iter().map(Ok).collect();
    }
    let body: Value = match page.json() {
        Ok(body) => body,
        Err(error) => return vec![Err(E::decode(error))],
    };
    style
        .items(&body)
        .iter()
        .map(|item| {
            serde_json::from_value::<I>(item.clone())
                .map_err(|e| E::decode(DecodeError::new(page.status, e.to_string(), item.to_string().as_bytes())))
        })
        .collect()
}

fn raw_pages<E: ClientError>(
    client: Client,
    first: Result<RequestSpec, E>,
    style: PageStyle,
) -> impl Stream<Item = Result<RawResponse, E>> + Send + 'static {
    let start = match first {
        Ok(request) => Ok(Some(request)),
        Err(error) => Err(error),
    };
    stream::once(async move { start })
        .map_ok(move |first| {
            let client = client.clone();
            stream::try_unfold(first, move |state| {
                let client = client.clone();
                async move {
                    let Some(request) = state else { return Ok(None) };
                    let raw = client.execute(&request).await.map_err(E::transport)?;
                    if !(200..300).contains(&raw.status) {
                        return Err(E::from_response(&raw));
                    }
                    // The cursor, `has_more` and next URL are a few levels deep: read the page
                    // for them with deeper values skipped, so no depth in the body fails here.
                    let body = de::navigation_value(&raw.body, de::NAVIGATION_DEPTH)
                        .map_err(|e| E::decode(DecodeError::new(raw.status, e.to_string(), &raw.body)))?;
                    let next = style
                        .next_request(&request, &body, &raw.headers, client.server_base_url(request.server))
                        .map_err(E::transport)?;
                    Ok(Some((raw, next)))
                }
            })
        })
        .try_flatten()
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use serde_json::json;

    #[test]
    fn link_headers_follow_rfc_8288() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "link",
            HeaderValue::from_static(
                r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#,
            ),
        );
        assert_eq!(
            link_target(&headers, "next").as_deref(),
            Some("https://api.github.com/repositories/1/issues?page=2")
        );
        assert_eq!(
            link_target(&headers, "last").as_deref(),
            Some("https://api.github.com/repositories/1/issues?page=5")
        );
        assert_eq!(link_target(&headers, "prev"), None);
        headers.insert("link", HeaderValue::from_static(r#"<https://x.test/a?b=1,2>; title="a, b"; rel="prev next""#));
        assert_eq!(link_target(&headers, "NEXT").as_deref(), Some("https://x.test/a?b=1,2"));
        headers.insert("link", HeaderValue::from_static("<broken"));
        assert_eq!(link_target(&headers, "next"), None);
    }

    fn request() -> RequestSpec {
        RequestSpec::new(reqwest::Method::GET, "list", "/items".into())
    }

    #[test]
    fn cursors_advance_and_stop() {
        let style = PageStyle::Cursor {
            param: "starting_after",
            next: "/id",
            from_last_item: true,
            has_more: Some("/has_more"),
            items: Some("/data"),
        };
        let headers = HeaderMap::new();
        let page = json!({"data": [{"id": "a"}, {"id": "b"}], "has_more": true});
        let next = style.next_request(&request(), &page, &headers, "https://x.test").unwrap().unwrap();
        assert_eq!(next.query, vec![("starting_after".to_string(), "b".to_string())]);
        let last = json!({"data": [{"id": "c"}], "has_more": false});
        assert!(style.next_request(&next, &last, &headers, "https://x.test").unwrap().is_none());
        // A cursor that does not move is an error, not an endless loop.
        let stuck = json!({"data": [{"id": "b"}], "has_more": true});
        assert!(style.next_request(&next, &stuck, &headers, "https://x.test").is_err());
    }

    #[test]
    fn next_urls_resolve_against_the_origin() {
        let style = PageStyle::NextUrl { next: "/next_page_uri", items: Some("/messages") };
        let page =
            json!({"messages": [{}], "next_page_uri": "/2010-04-01/Accounts/AC1/Messages.json?Page=1&PageToken=PA1"});
        let next = style.next_request(&request(), &page, &HeaderMap::new(), "https://api.twilio.com").unwrap().unwrap();
        assert_eq!(
            next.absolute_url.as_deref(),
            Some("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?Page=1&PageToken=PA1")
        );
        let last = json!({"messages": [], "next_page_uri": null});
        assert!(style.next_request(&next, &last, &HeaderMap::new(), "https://api.twilio.com").unwrap().is_none());
    }

    #[test]
    fn offsets_advance_by_the_items_until_the_total_or_an_empty_page() {
        let style = PageStyle::Offset { param: "offset", total: Some("/total_count"), items: Some("/entries") };
        let headers = HeaderMap::new();
        let first = json!({"entries": [1, 2], "total_count": 5});
        let second = style.next_request(&request(), &first, &headers, "https://x.test").unwrap().unwrap();
        assert_eq!(second.query, vec![("offset".to_string(), "2".to_string())]);
        let third = style.next_request(&second, &first, &headers, "https://x.test").unwrap().unwrap();
        assert_eq!(third.query, vec![("offset".to_string(), "4".to_string())]);
        // 4 + 1 items reach the total of 5: no request past it.
        let last = json!({"entries": [5], "total_count": 5});
        assert!(style.next_request(&third, &last, &headers, "https://x.test").unwrap().is_none());
        // Without a total, an empty page ends the list.
        let untotalled = PageStyle::Offset { param: "offset", total: None, items: None };
        let next = untotalled.next_request(&request(), &json!([1]), &headers, "https://x.test").unwrap().unwrap();
        assert_eq!(next.query, vec![("offset".to_string(), "1".to_string())]);
        assert!(untotalled.next_request(&next, &json!([]), &headers, "https://x.test").unwrap().is_none());
    }

    #[test]
    fn link_cursors_follow_rel_next_until_it_is_gone() {
        // The header as Shopify documents it (shopify.dev/docs/api/usage/pagination-rest).
        let style = PageStyle::LinkCursor { param: "page_info", items: Some("/orders") };
        let mut headers = HeaderMap::new();
        headers.insert(
            "link",
            HeaderValue::from_static(
                r#"<https://shop.myshopify.com/admin/api/2024-01/orders.json?page_info=abc&limit=50>; rel="next""#,
            ),
        );
        let mut first = request();
        first.query.push(("status".into(), "any".into()));
        let base = "https://shop.myshopify.com/admin/api/2024-01";
        let page = json!({"orders": [{"id": 1}]});
        let next = style.next_request(&first, &page, &headers, base).unwrap().unwrap();
        assert_eq!(
            next.absolute_url.as_deref(),
            Some("https://shop.myshopify.com/admin/api/2024-01/orders.json?page_info=abc&limit=50")
        );
        // The first request's own parameters are not sent again: the link is the whole request.
        assert!(next.query.is_empty());
        // A previous link alone ends the list.
        headers.insert(
            "link",
            HeaderValue::from_static(
                r#"<https://shop.myshopify.com/admin/api/2024-01/orders.json?page_info=xyz>; rel="previous""#,
            ),
        );
        assert!(style.next_request(&next, &page, &headers, base).unwrap().is_none());
        // A next link without the cursor is not this style: an error, not a page-number loop.
        headers.insert(
            "link",
            HeaderValue::from_static(
                r#"<https://shop.myshopify.com/admin/api/2024-01/orders.json?page=2>; rel="next""#,
            ),
        );
        assert!(style.next_request(&first, &page, &headers, base).is_err());
        // A link that repeats the current page is an error, not an endless loop.
        headers.insert(
            "link",
            HeaderValue::from_static(
                r#"<https://shop.myshopify.com/admin/api/2024-01/orders.json?page_info=abc&limit=50>; rel="next""#,
            ),
        );
        assert!(style.next_request(&next, &page, &headers, base).is_err());
    }

    #[test]
    fn page_numbers_grow_until_an_empty_page() {
        let style = PageStyle::Page { param: "page", link_header: false, items: None };
        let full = json!([1, 2]);
        let next = style.next_request(&request(), &full, &HeaderMap::new(), "https://x.test").unwrap().unwrap();
        assert_eq!(next.query, vec![("page".to_string(), "2".to_string())]);
        assert!(style.next_request(&next, &json!([]), &HeaderMap::new(), "https://x.test").unwrap().is_none());
    }
}
