//! A request as generated code describes it ([`RequestSpec`] with its [`Body`]) before the
//! client sends it, and the text of path parameters (styles in [`crate::style`]).

use serde::Serialize;

use crate::error::DecodeError;
#[cfg(feature = "multipart")]
use crate::multipart::{Multipart, MultipartBody};
use crate::style::{self, ParamStyle};

/// The body of a request.
#[derive(Debug, Clone)]
pub enum Body {
    /// No body.
    Empty,
    /// `application/json`.
    Json(Vec<u8>),
    /// `application/x-www-form-urlencoded`.
    Form(String),
    /// `multipart/form-data` (RFC 7578); reqwest writes the boundary.
    #[cfg(feature = "multipart")]
    Multipart(Multipart),
    /// Bytes sent as they are (a spec's `text` or `binary` body), with their media type.
    Raw {
        /// The `Content-Type` sent (`text/csv`, `image/png`).
        content_type: String,
        /// The body.
        bytes: Vec<u8>,
    },
    /// Bytes streamed from a file or a reader, never held whole (a spec's `stream: true`
    /// body; feature `streaming`).
    #[cfg(feature = "streaming")]
    Stream {
        /// The `Content-Type` sent (`application/octet-stream`).
        content_type: String,
        /// Where the bytes come from.
        upload: crate::stream::Upload,
    },
}

/// A request as the generated code describes it.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    /// HTTP method.
    pub method: reqwest::Method,
    /// Operation name from the spec (`create_order`), for errors and tracing.
    pub operation: &'static str,
    /// Path with parameters already percent-encoded.
    pub path: String,
    /// Query pairs in order, name and value each already percent-encoded as
    /// [`crate::style`] writes them (`("color", "blue,black")`, `("color[R]", "100")`): the
    /// client joins them with `=` and `&` as they are.
    pub query: Vec<(String, String)>,
    /// Extra headers (endpoint headers, idempotency key).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Body,
    /// The idempotency-key header the endpoint declares (`Idempotency-Key`): when the caller
    /// set none, the client adds a UUID v4 key, the same on every attempt, which also makes
    /// a POST or PATCH safe to retry.
    pub idempotency_header: Option<&'static str>,
    /// A full URL replacing base URL, path and query (a next-page link); it must have the
    /// base URL's origin.
    pub absolute_url: Option<String>,
    /// The credentials it must carry (the operation's requirement); by default any one the
    /// client holds.
    pub auth: crate::auth::Requirement,
    /// The named server it goes to (spec `servers`, [`crate::ClientConfig::servers`]) instead
    /// of the base URL.
    pub server: Option<&'static str>,
}

impl RequestSpec {
    /// A request without query, headers or body.
    pub fn new(method: reqwest::Method, operation: &'static str, path: String) -> Self {
        RequestSpec {
            method,
            operation,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            idempotency_header: None,
            absolute_url: None,
            auth: crate::auth::Requirement::AnyOne,
            server: None,
        }
    }

    /// Adds a query parameter from any serialisable value in OpenAPI's default query style,
    /// `form` with `explode`: strings as they are, numbers and booleans as JSON writes them,
    /// enums by their wire value, lists as repeated pairs (`a=x&a=y`), an object as its own
    /// pairs (`R=100&G=200`); `null` is left out.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), DecodeError> {
        self.query_styled(name, value, ParamStyle::Form, true)
    }

    /// Adds a query parameter in `style` (see [`crate::style::query_pairs`]).
    pub fn query_styled<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: ParamStyle,
        explode: bool,
    ) -> Result<(), DecodeError> {
        let value = to_value(value)?;
        self.query.extend(style::query_pairs(name, &value, style, explode));
        Ok(())
    }

    /// Adds a header from any serialisable value in OpenAPI's header style, `simple` without
    /// `explode` (lists as `a,b`); `null` is left out.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), DecodeError> {
        self.header_styled(name, value, false)
    }

    /// Adds a header in the `simple` style, objects as `k=v,…` with `explode` (see
    /// [`crate::style::header_text`]).
    pub fn header_styled<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        explode: bool,
    ) -> Result<(), DecodeError> {
        let value = to_value(value)?;
        if let Some(text) = style::header_text(&value, explode) {
            self.headers.push((name.to_string(), text));
        }
        Ok(())
    }

    /// Sets a JSON body.
    pub fn json_body<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), DecodeError> {
        let bytes = serde_json::to_vec(body).map_err(|e| DecodeError::new(0, e.to_string(), b""))?;
        self.body = Body::Json(bytes);
        Ok(())
    }

    /// Sets a form body (see [`crate::form`]).
    pub fn form_body<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), DecodeError> {
        let text = crate::form::to_string(body).map_err(|e| DecodeError::new(0, e.to_string(), b""))?;
        self.body = Body::Form(text);
        Ok(())
    }

    /// Sets a body sent as it is (a spec's `text` or `binary` body) with its `Content-Type`.
    pub fn raw_body(&mut self, content_type: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.body = Body::Raw { content_type: content_type.into(), bytes: bytes.into() };
    }

    /// Sets a body streamed from `upload` (a file or an async reader), sent with
    /// `content_type`; runtime feature `streaming`.
    #[cfg(feature = "streaming")]
    pub fn stream_body(&mut self, content_type: impl Into<String>, upload: crate::stream::Upload) {
        self.body = Body::Stream { content_type: content_type.into(), upload };
    }

    /// Sets a `multipart/form-data` body from a model's parts (see [`crate::multipart`]);
    /// runtime feature `multipart`.
    ///
    /// Errors: a field does not serialise.
    #[cfg(feature = "multipart")]
    pub fn multipart_body<T: MultipartBody + ?Sized>(&mut self, body: &T) -> Result<(), DecodeError> {
        self.body = Body::Multipart(body.to_multipart()?);
        Ok(())
    }
}

/// A path parameter's text in OpenAPI's default path style, `simple` without `explode`,
/// percent-encoded (RFC 3986 §3.3: everything but unreserved characters): scalars as
/// [`crate::form`] writes them, lists as `a,b`, objects as `k,v,…`.
pub fn path_segment<T: Serialize + ?Sized>(value: &T) -> String {
    path_param("", value, ParamStyle::Simple, false)
}

/// Path parameter `name`'s text in `style` (see [`crate::style::path_text`]), percent-encoded;
/// empty when the value does not serialise.
pub fn path_param<T: Serialize + ?Sized>(name: &str, value: &T, style: ParamStyle, explode: bool) -> String {
    let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    style::path_text(name, &value, style, explode)
}

fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<serde_json::Value, DecodeError> {
    serde_json::to_value(value).map_err(|e| DecodeError::new(0, e.to_string(), b""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(path_segment("ORD-1"), "ORD-1");
        assert_eq!(path_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(path_segment(&42), "42");
        assert_eq!(path_segment(&["a", "b,c"]), "a,b%2Cc");
        assert_eq!(path_param("id", &["a", "b"], ParamStyle::Matrix, true), ";id=a;id=b");
    }

    #[test]
    fn query_values_follow_form_explode() {
        let mut request = RequestSpec::new(reqwest::Method::GET, "list", "/x".into());
        request.query("state", "open").unwrap();
        request.query("per_page", &30).unwrap();
        request.query("labels", &["bug", "ui"]).unwrap();
        request.query("since", &Option::<String>::None).unwrap();
        request.query("q", "a b&c").unwrap();
        request.query_styled("ids", &[1, 2], ParamStyle::Form, false).unwrap();
        assert_eq!(
            request.query,
            vec![
                ("state".to_string(), "open".to_string()),
                ("per_page".to_string(), "30".to_string()),
                ("labels".to_string(), "bug".to_string()),
                ("labels".to_string(), "ui".to_string()),
                ("q".to_string(), "a%20b%26c".to_string()),
                ("ids".to_string(), "1,2".to_string()),
            ]
        );
    }

    #[test]
    fn headers_are_simple() {
        let mut request = RequestSpec::new(reqwest::Method::GET, "list", "/x".into());
        request.header("X-Tags", &["a", "b"]).unwrap();
        request.header("X-None", &Option::<String>::None).unwrap();
        request.header_styled("X-Point", &serde_json::json!({"x": 1, "y": 2}), true).unwrap();
        assert_eq!(
            request.headers,
            vec![("X-Tags".to_string(), "a,b".to_string()), ("X-Point".to_string(), "x=1,y=2".to_string())]
        );
    }
}
