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

/// A generated request builder's `Debug`: its type and the spec's operation name, as
/// `IssuesCreateRequest { operation: "issues_create", .. }`, never the parameter values (a
/// header or query parameter may carry a credential, and `Debug` output reaches logs). The
/// encoded request is the builder's `request()`.
///
/// One call in place of a derived `Debug` per builder: on GitHub's 771 operations the derive
/// was 0.4 s of the client crate's 2.5 s `cargo check` (issue 22).
pub fn debug_builder(formatter: &mut std::fmt::Formatter<'_>, builder: &str, operation: &str) -> std::fmt::Result {
    formatter.debug_struct(builder).field("operation", &operation).finish_non_exhaustive()
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
    // A `simple` scalar is its text, percent-encoded, whatever `explode` says.
    if matches!(style, ParamStyle::Simple)
        && let Ok(text) = value.serialize(ScalarSegment)
    {
        return text;
    }
    let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    style::path_text(name, &value, style, explode)
}

/// A serializer for the common path parameter, a string, integer, boolean or unit enum
/// variant: its text percent-encoded ([`style::encode_component`]) without a
/// `serde_json::Value` on the way, as `style::path_text` writes it. Anything else
/// (`null`, floats, lists, objects) is [`NotScalar`] and takes the general path.
struct ScalarSegment;

/// What [`ScalarSegment`] does not write.
#[derive(Debug)]
struct NotScalar;

impl std::fmt::Display for NotScalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a string, integer, boolean or unit variant")
    }
}

impl std::error::Error for NotScalar {}

impl serde::ser::Error for NotScalar {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        NotScalar
    }
}

macro_rules! integers {
    ($($method:ident $type:ty),*) => {
        $(fn $method(self, value: $type) -> Result<String, NotScalar> {
            Ok(value.to_string())
        })*
    };
}

macro_rules! not_scalar {
    ($($method:ident $type:ty),*) => {
        $(fn $method(self, _: $type) -> Result<String, NotScalar> {
            Err(NotScalar)
        })*
    };
}

impl serde::Serializer for ScalarSegment {
    type Ok = String;
    type Error = NotScalar;
    type SerializeSeq = serde::ser::Impossible<String, NotScalar>;
    type SerializeTuple = serde::ser::Impossible<String, NotScalar>;
    type SerializeTupleStruct = serde::ser::Impossible<String, NotScalar>;
    type SerializeTupleVariant = serde::ser::Impossible<String, NotScalar>;
    type SerializeMap = serde::ser::Impossible<String, NotScalar>;
    type SerializeStruct = serde::ser::Impossible<String, NotScalar>;
    type SerializeStructVariant = serde::ser::Impossible<String, NotScalar>;

    integers!(serialize_i8 i8, serialize_i16 i16, serialize_i32 i32, serialize_i64 i64);
    integers!(serialize_u8 u8, serialize_u16 u16, serialize_u32 u32, serialize_u64 u64);
    not_scalar!(serialize_f32 f32, serialize_f64 f64, serialize_bytes &[u8], serialize_unit_struct &'static str);

    fn serialize_bool(self, value: bool) -> Result<String, NotScalar> {
        Ok(if value { "true" } else { "false" }.to_string())
    }

    fn serialize_char(self, value: char) -> Result<String, NotScalar> {
        Ok(style::encode_component(value.encode_utf8(&mut [0; 4])))
    }

    fn serialize_str(self, value: &str) -> Result<String, NotScalar> {
        Ok(style::encode_component(value))
    }

    fn serialize_none(self) -> Result<String, NotScalar> {
        Err(NotScalar)
    }

    fn serialize_some<V: Serialize + ?Sized>(self, value: &V) -> Result<String, NotScalar> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<String, NotScalar> {
        Err(NotScalar)
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<String, NotScalar> {
        Ok(style::encode_component(variant))
    }

    fn serialize_newtype_struct<V: Serialize + ?Sized>(self, _: &'static str, value: &V) -> Result<String, NotScalar> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<V: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &V,
    ) -> Result<String, NotScalar> {
        Err(NotScalar)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotScalar> {
        Err(NotScalar)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotScalar> {
        Err(NotScalar)
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, NotScalar> {
        Err(NotScalar)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotScalar> {
        Err(NotScalar)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotScalar> {
        Err(NotScalar)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, NotScalar> {
        Err(NotScalar)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotScalar> {
        Err(NotScalar)
    }
}

fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<serde_json::Value, DecodeError> {
    serde_json::to_value(value).map_err(|e| DecodeError::new(0, e.to_string(), b""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scalar_fast_path_writes_what_the_general_path_writes() {
        fn general<T: Serialize + ?Sized>(value: &T) -> String {
            let value = serde_json::to_value(value).unwrap();
            style::path_text("", &value, ParamStyle::Simple, false)
        }
        #[derive(Serialize)]
        enum Color {
            #[serde(rename = "dark blue")]
            DarkBlue,
        }
        #[derive(Serialize)]
        struct Id(String);
        let texts = ["ORD-1", "a/b c", "é~_.-", "", "50%", "ü/ß?#"];
        for text in texts {
            assert_eq!(path_segment(text), general(text), "{text:?}");
            assert_eq!(path_segment(&Id(text.to_string())), general(&Id(text.to_string())));
            assert_eq!(path_segment(&Some(text)), general(&Some(text)));
        }
        for number in [0_i64, -1, 42, i64::MIN, i64::MAX] {
            assert_eq!(path_segment(&number), general(&number));
        }
        assert_eq!(path_segment(&u64::MAX), general(&u64::MAX));
        assert_eq!(path_segment(&true), general(&true));
        assert_eq!(path_segment(&'/'), general(&'/'));
        assert_eq!(path_segment(&Color::DarkBlue), "dark%20blue");
        assert_eq!(path_segment(&Color::DarkBlue), general(&Color::DarkBlue));
        // The general path still writes what the fast path leaves to it.
        assert_eq!(path_segment(&1.5), "1.5");
        assert_eq!(path_segment(&None::<String>), "");
    }

    #[test]
    fn a_builders_debug_names_its_type_and_operation_only() {
        struct Builder {
            api_key: String,
        }
        impl std::fmt::Debug for Builder {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                debug_builder(formatter, "GetOrderRequest", "get_order")
            }
        }
        let builder = Builder { api_key: "sk_live_secret".into() };
        assert_eq!(format!("{builder:?}"), r#"GetOrderRequest { operation: "get_order", .. }"#);
        assert!(!format!("{builder:#?}").contains(&builder.api_key));
    }

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
