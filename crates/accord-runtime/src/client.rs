//! The HTTP core every generated client wraps: base URL, default headers (fixed or a UUID per
//! request), authentication, and one call that sends a described request and returns the raw
//! response for the generated code to decode.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::auth::Auth;
use crate::error::{DecodeError, TransportError};

/// A header the spec sends on every request.
#[derive(Debug, Clone)]
pub enum DefaultHeader {
    /// A fixed value.
    Fixed(&'static str, &'static str),
    /// A new UUID v4 per request (spec `generate: uuid`), e.g. `X-Request-ID`.
    Uuid(&'static str),
}

/// Settings a generated client builder fills in from the spec and the user.
#[derive(Debug)]
pub struct ClientConfig {
    /// Base URL the endpoint paths are appended to (no trailing slash needed).
    pub base_url: String,
    /// Credentials.
    pub auth: Auth,
    /// Headers sent on every request.
    pub default_headers: Vec<DefaultHeader>,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for one attempt, from sending to the end of the body.
    pub request_timeout: Duration,
    /// `User-Agent` header.
    pub user_agent: String,
}

impl ClientConfig {
    /// A configuration with accord's defaults: 10 s connect timeout, 60 s request timeout,
    /// no credentials.
    pub fn new(base_url: impl Into<String>, user_agent: impl Into<String>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            auth: Auth::None,
            default_headers: Vec::new(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            user_agent: user_agent.into(),
        }
    }
}

/// A shareable HTTP client (cheap to clone: one connection pool, one token cache).
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base_url: String,
    auth: Auth,
    default_headers: Vec<DefaultHeader>,
}

/// The body of a request.
#[derive(Debug, Clone)]
pub enum Body {
    /// No body.
    Empty,
    /// `application/json`.
    Json(Vec<u8>),
    /// `application/x-www-form-urlencoded`.
    Form(String),
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
    /// Query pairs.
    pub query: Vec<(String, String)>,
    /// Extra headers (endpoint headers, idempotency key).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Body,
}

impl RequestSpec {
    /// A request without query, headers or body.
    pub fn new(method: reqwest::Method, operation: &'static str, path: String) -> Self {
        RequestSpec { method, operation, path, query: Vec::new(), headers: Vec::new(), body: Body::Empty }
    }

    /// Adds a query parameter from any serialisable value: strings as they are, numbers and
    /// booleans as JSON writes them, enums by their wire value, lists as repeated
    /// parameters (OpenAPI `style: form, explode: true`); `null` is left out.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), DecodeError> {
        let value = serde_json::to_value(value).map_err(|e| DecodeError::new(0, e.to_string(), b""))?;
        let items = match value {
            serde_json::Value::Array(items) => items,
            other => vec![other],
        };
        for item in items {
            if let Some(text) = scalar_text(&item) {
                self.query.push((name.to_string(), text));
            }
        }
        Ok(())
    }

    /// Adds a header from any serialisable scalar.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), DecodeError> {
        let value = serde_json::to_value(value).map_err(|e| DecodeError::new(0, e.to_string(), b""))?;
        if let Some(text) = scalar_text(&value) {
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
}

fn scalar_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

/// Percent-encodes one path segment (RFC 3986 §3.3: everything but unreserved characters),
/// from any serialisable scalar.
pub fn path_segment<T: Serialize + ?Sized>(value: &T) -> String {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    let text = serde_json::to_value(value).ok().and_then(|v| scalar_text(&v)).unwrap_or_default();
    percent_encoding::utf8_percent_encode(&text, SEGMENT).to_string()
}

/// A response as received: status, headers and body bytes.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// Decodes the body as JSON into `T`; an empty body decodes as JSON `null` (so `()` and
    /// `Option<T>` accept 204 responses).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        let bytes: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) { b"null" } else { &self.body };
        serde_json::from_slice(bytes).map_err(|e| DecodeError::new(self.status, e.to_string(), &self.body))
    }

    /// The provider's request id, if the response carries one.
    pub fn request_id(&self) -> Option<String> {
        crate::error::request_id(&self.headers)
    }
}

/// A decoded success response with its status and headers.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl Client {
    /// Builds the client.
    ///
    /// Errors: the base URL is not an absolute URL, or the TLS backend cannot start.
    pub fn new(config: ClientConfig) -> Result<Self, TransportError> {
        url::Url::parse(&config.base_url)
            .map_err(|e| TransportError::message(format!("invalid base URL `{}`: {e}", config.base_url)))?;
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(config.user_agent)
            .build()
            .map_err(TransportError::from_reqwest)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: config.base_url.trim_end_matches('/').to_string(),
                auth: config.auth,
                default_headers: config.default_headers,
            }),
        })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends a request and returns the raw response, whatever its status.
    ///
    /// Errors: transport failures (connect, TLS, timeout, reset) and invalid header values.
    pub async fn execute(&self, request: &RequestSpec) -> Result<RawResponse, TransportError> {
        let url = format!("{}{}", self.inner.base_url, request.path);
        let mut builder = self.inner.http.request(request.method.clone(), &url);
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        let mut headers = HeaderMap::new();
        for default in &self.inner.default_headers {
            let (name, value) = match default {
                DefaultHeader::Fixed(name, value) => (*name, value.to_string()),
                DefaultHeader::Uuid(name) => (*name, uuid::Uuid::new_v4().to_string()),
            };
            insert_header(&mut headers, name, &value)?;
        }
        for (name, value) in &request.headers {
            insert_header(&mut headers, name, value)?;
        }
        builder = builder.headers(headers);
        builder = match &request.body {
            Body::Empty => builder,
            Body::Json(bytes) => builder.header(reqwest::header::CONTENT_TYPE, "application/json").body(bytes.clone()),
            Body::Form(text) => {
                builder.header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(text.clone())
            }
        };
        builder = self.inner.auth.apply(&self.inner.http, builder).await?;
        let response = builder.send().await.map_err(TransportError::from_reqwest)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(TransportError::from_reqwest)?.to_vec();
        Ok(RawResponse { status, headers, body })
    }
}

fn insert_header(headers: &mut HeaderMap, name: &str, value: &str) -> Result<(), TransportError> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| TransportError::message(format!("invalid header name `{name}`")))?;
    // The value may be a credential, so it is not repeated in the error.
    let value = HeaderValue::from_str(value)
        .map_err(|_| TransportError::message(format!("invalid value for header `{name}`")))?;
    headers.insert(name, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(path_segment("ORD-1"), "ORD-1");
        assert_eq!(path_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(path_segment(&42), "42");
    }

    #[test]
    fn query_values_follow_form_explode() {
        let mut request = RequestSpec::new(reqwest::Method::GET, "list", "/x".into());
        request.query("state", "open").unwrap();
        request.query("per_page", &30).unwrap();
        request.query("labels", &["bug", "ui"]).unwrap();
        request.query("since", &Option::<String>::None).unwrap();
        assert_eq!(
            request.query,
            vec![
                ("state".to_string(), "open".to_string()),
                ("per_page".to_string(), "30".to_string()),
                ("labels".to_string(), "bug".to_string()),
                ("labels".to_string(), "ui".to_string()),
            ]
        );
    }
}
