//! `multipart/form-data` request bodies (RFC 7578), built part by part by the generated
//! code, which knows each field's type: a [`File`] becomes a file part, a scalar a text part,
//! an array one part per item (RFC 7578 §4.3 allows repeated names), and an object either
//! one `application/json` part (OpenAPI 3's default encoding for object properties) or
//! bracket-notation text parts (`file_link_data[create]=true`, as Stripe's file upload
//! takes them; see [`crate::form`]).
//!
//! A [`Multipart`] is kept as plain data and turned into reqwest's form on every attempt,
//! so a retried upload sends the same parts again.

use serde::Serialize;
use serde_json::Value;

pub use accord_model::File;

use crate::error::DecodeError;
use crate::form::scalar_text;

/// One part's content.
#[derive(Debug, Clone, PartialEq)]
enum Content {
    Text(String),
    Json(Vec<u8>),
    File(File),
}

/// A `multipart/form-data` body: named parts in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Multipart {
    parts: Vec<(String, Content)>,
}

/// Models sent as `multipart/form-data`: the generated code implements it field by field.
pub trait MultipartBody {
    /// The body's parts.
    ///
    /// Errors: a field does not serialise (which generated models do not do).
    fn to_multipart(&self) -> Result<Multipart, DecodeError>;
}

fn encode_error(error: serde_json::Error) -> DecodeError {
    DecodeError::new(0, error.to_string(), b"")
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Self {
        Multipart::default()
    }

    /// Text parts for a scalar (its JSON text, strings unquoted) or an array of scalars (one
    /// part per item, all named `name`); `null` adds nothing. An object or nested array
    /// becomes one JSON part, as [`Multipart::json`].
    ///
    /// Errors: the value does not serialise.
    pub fn text<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), DecodeError> {
        let value = serde_json::to_value(value).map_err(encode_error)?;
        match value {
            Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
                for item in &items {
                    if let Some(text) = scalar_text(item) {
                        self.parts.push((name.to_string(), Content::Text(text)));
                    }
                }
            }
            Value::Object(_) | Value::Array(_) => {
                self.parts.push((name.to_string(), Content::Json(value.to_string().into_bytes())));
            }
            scalar => {
                if let Some(text) = scalar_text(&scalar) {
                    self.parts.push((name.to_string(), Content::Text(text)));
                }
            }
        }
        Ok(())
    }

    /// One `application/json` part holding the value; `null` adds nothing.
    ///
    /// Errors: the value does not serialise.
    pub fn json<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), DecodeError> {
        let value = serde_json::to_value(value).map_err(encode_error)?;
        if !value.is_null() {
            self.parts.push((name.to_string(), Content::Json(value.to_string().into_bytes())));
        }
        Ok(())
    }

    /// Text parts in bracket notation (`name[key]`, `name[0]`), the way [`crate::form`]
    /// encodes nested values; `null` values add nothing.
    ///
    /// Errors: the value does not serialise.
    pub fn brackets<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), DecodeError> {
        let value = serde_json::to_value(value).map_err(encode_error)?;
        for (key, text) in crate::form::pairs(name, &value) {
            self.parts.push((key, Content::Text(text)));
        }
        Ok(())
    }

    /// One file part.
    pub fn file(&mut self, name: &str, file: &File) {
        self.parts.push((name.to_string(), Content::File(file.clone())));
    }

    /// A body from a JSON object without its model (a scenario's body, which may be one its
    /// model rejects): the fields named in `file_fields` as file parts of their text (a list
    /// as one part per item), objects and nested lists as bracket text parts when `brackets`
    /// and as JSON parts otherwise, everything else as [`Multipart::text`] does.
    pub fn from_json(value: &Value, file_fields: &[String], brackets: bool) -> Self {
        let mut body = Multipart::new();
        let Value::Object(map) = value else { return body };
        for (name, field) in map {
            if file_fields.contains(name) {
                let items = match field {
                    Value::Array(items) => items.clone(),
                    other => vec![other.clone()],
                };
                for item in items {
                    let bytes = match item {
                        Value::String(text) => text.into_bytes(),
                        other => other.to_string().into_bytes(),
                    };
                    body.file(name, &File::new(bytes));
                }
                continue;
            }
            let nested =
                field.is_object() || field.as_array().is_some_and(|a| a.iter().any(|i| i.is_object() || i.is_array()));
            // Values of a JSON tree always serialise.
            let _ = if brackets && (nested || field.is_array()) {
                body.brackets(name, field)
            } else {
                body.text(name, field)
            };
        }
        body
    }

    /// The part names in order, one per part (for tests and logs).
    pub fn names(&self) -> Vec<&str> {
        self.parts.iter().map(|(name, _)| name.as_str()).collect()
    }

    /// reqwest's form, built fresh for each attempt (runtime feature `multipart`).
    #[cfg(feature = "multipart")]
    pub fn to_form(&self) -> reqwest::multipart::Form {
        let mut form = reqwest::multipart::Form::new();
        for (name, content) in &self.parts {
            let part = match content {
                Content::Text(text) => reqwest::multipart::Part::text(text.clone()),
                Content::Json(bytes) => with_media_type(bytes.clone(), "application/json"),
                Content::File(file) => {
                    let media_type = file.media_type().unwrap_or("application/octet-stream");
                    // RFC 7578 §4.2: a file part should carry a file name; the field's name
                    // when the caller set none.
                    with_media_type(file.bytes().to_vec(), media_type)
                        .file_name(file.name().map_or_else(|| name.clone(), str::to_string))
                }
            };
            form = form.part(name.clone(), part);
        }
        form
    }
}

/// A bytes part with this media type; one the caller set that does not parse is left out,
/// so the part goes without a `Content-Type`.
#[cfg(feature = "multipart")]
fn with_media_type(bytes: Vec<u8>, media_type: &str) -> reqwest::multipart::Part {
    match reqwest::multipart::Part::bytes(bytes.clone()).mime_str(media_type) {
        Ok(part) => part,
        Err(_) => reqwest::multipart::Part::bytes(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_become_parts_by_kind() {
        let mut body = Multipart::new();
        body.text("purpose", "dispute_evidence").unwrap();
        body.text("expand", &["data", "links"]).unwrap();
        body.text("missing", &Option::<String>::None).unwrap();
        body.json("attributes", &json!({"name": "a.txt", "parent": {"id": "0"}})).unwrap();
        body.brackets("file_link_data", &json!({"create": true, "metadata": {"k": "v"}})).unwrap();
        body.file("file", &File::new(b"hello".to_vec()).file_name("a.txt").content_type("text/plain"));
        assert_eq!(
            body.names(),
            [
                "purpose",
                "expand",
                "expand",
                "attributes",
                "file_link_data[create]",
                "file_link_data[metadata][k]",
                "file"
            ]
        );
        assert_eq!(body.parts[3].1, Content::Json(br#"{"name":"a.txt","parent":{"id":"0"}}"#.to_vec()));
        assert_eq!(body.parts[4].1, Content::Text("true".into()));
    }

    #[test]
    fn files_are_base64_in_json_and_never_printed() {
        let file = File::new(b"secret bytes".to_vec()).file_name("k.pem");
        assert_eq!(serde_json::to_value(&file).unwrap(), json!("c2VjcmV0IGJ5dGVz"));
        let back: File = serde_json::from_value(json!("c2VjcmV0IGJ5dGVz")).unwrap();
        assert_eq!(back.bytes(), b"secret bytes");
        assert!(serde_json::from_value::<File>(json!("not base64!")).is_err());
        let debug = format!("{file:?}");
        assert!(debug.contains("len: 12") && !debug.contains("secret"), "{debug}");
    }

    #[test]
    fn untyped_bodies_split_scalars_from_objects() {
        let value = json!({"name": "x", "tags": ["a", "b"], "meta": {"k": 1}, "doc": "hello"});
        let body = Multipart::from_json(&value, &["doc".to_string()], false);
        assert_eq!(body.names(), ["name", "tags", "tags", "meta", "doc"]);
        assert_eq!(body.parts[4].1, Content::File(File::new(b"hello".to_vec())));
        let body = Multipart::from_json(&value, &[], true);
        assert_eq!(body.names(), ["name", "tags[0]", "tags[1]", "meta[k]", "doc"]);
    }
}
