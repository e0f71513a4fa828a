//! `multipart/form-data` request bodies (RFC 7578) decoded into the JSON object the contract's
//! body schema describes, by multer: text parts as form values (bracket names and repeated
//! names nest and list as in [`coerce::decode_form`]), `application/json` parts as their JSON
//! value, and file parts (a part with a file name, or a field the contract lists in
//! `file_fields`) as their bytes read as UTF-8, lossily, so a scenario can give a file's
//! contents as text.

use axum::body::Bytes;
use futures_util::FutureExt as _;
use serde_json::{Map, Value};

use crate::coerce;

/// Decodes `body` sent with `content_type` (which carries the boundary).
///
/// Errors: the content type is not `multipart/form-data` with a boundary, the body is not
/// well-formed multipart, a part has no name, or a JSON part is not JSON; each as a message.
pub fn decode(body: &Bytes, content_type: Option<&str>, file_fields: &[String]) -> Result<Map<String, Value>, String> {
    let content_type = content_type.ok_or("no Content-Type; expected multipart/form-data")?;
    let boundary = multer::parse_boundary(content_type)
        .map_err(|e| format!("Content-Type `{content_type}` is not multipart/form-data with a boundary: {e}"))?;
    let chunk = body.clone();
    let stream = futures_util::stream::once(futures_util::future::ready(Ok::<Bytes, std::io::Error>(chunk)));
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut text = form_urlencoded::Serializer::new(String::new());
    let mut typed: Vec<(String, Value)> = Vec::new();
    loop {
        // The whole body is in memory, so every step completes at once; one that would wait
        // means the body ended early.
        let field = match multipart.next_field().now_or_never() {
            Some(Ok(Some(field))) => field,
            Some(Ok(None)) => break,
            Some(Err(e)) => return Err(format!("not valid multipart/form-data: {e}")),
            None => return Err("multipart body ends before its closing boundary".into()),
        };
        let name = field.name().map(str::to_string).ok_or("a part has no name in its Content-Disposition")?;
        let is_file = field.file_name().is_some() || file_fields.contains(&name);
        let is_json = field.content_type().is_some_and(|m| m.essence_str() == "application/json");
        let bytes = match field.bytes().now_or_never() {
            Some(Ok(bytes)) => bytes,
            Some(Err(e)) => return Err(format!("part `{name}`: {e}")),
            None => return Err(format!("part `{name}` ends before its boundary")),
        };
        if is_file {
            typed.push((name, Value::String(String::from_utf8_lossy(&bytes).into_owned())));
        } else if is_json {
            let value = serde_json::from_slice(&bytes).map_err(|e| format!("part `{name}`: not JSON: {e}"))?;
            typed.push((name, value));
        } else {
            text.append_pair(&name, &String::from_utf8_lossy(&bytes));
        }
    }
    let mut object = coerce::decode_form(text.finish().as_bytes());
    for (name, value) in typed {
        // A name given several times (a list of files) collects its values in order.
        match object.remove(&name) {
            None => {
                object.insert(name, value);
            }
            Some(Value::Array(mut items)) if file_fields.contains(&name) => {
                items.push(value);
                object.insert(name, Value::Array(items));
            }
            Some(previous) => {
                object.insert(name, Value::Array(vec![previous, value]));
            }
        }
    }
    Ok(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(parts: &[(&str, Option<&str>, Option<&str>, &str)]) -> Bytes {
        let mut out = String::new();
        for (name, file_name, media_type, content) in parts {
            out.push_str("--XyZ\r\n");
            out.push_str(&format!("Content-Disposition: form-data; name=\"{name}\""));
            if let Some(file_name) = file_name {
                out.push_str(&format!("; filename=\"{file_name}\""));
            }
            out.push_str("\r\n");
            if let Some(media_type) = media_type {
                out.push_str(&format!("Content-Type: {media_type}\r\n"));
            }
            out.push_str(&format!("\r\n{content}\r\n"));
        }
        out.push_str("--XyZ--\r\n");
        Bytes::from(out)
    }

    const CT: Option<&str> = Some("multipart/form-data; boundary=XyZ");

    #[test]
    fn parts_decode_by_kind() {
        let body = body(&[
            ("purpose", None, None, "dispute_evidence"),
            ("file_link_data[create]", None, None, "true"),
            ("tags", None, None, "a"),
            ("tags", None, None, "b"),
            ("attributes", None, Some("application/json"), r#"{"name": "a.txt"}"#),
            ("file", Some("a.txt"), Some("text/plain"), "hello"),
        ]);
        let decoded = decode(&body, CT, &[]).unwrap();
        assert_eq!(
            Value::Object(decoded),
            json!({
                "purpose": "dispute_evidence",
                "file_link_data": {"create": "true"},
                "tags": ["a", "b"],
                "attributes": {"name": "a.txt"},
                "file": "hello"
            })
        );
    }

    #[test]
    fn listed_file_fields_collect_repeated_parts() {
        let body = body(&[("files", None, None, "one"), ("files", None, None, "two"), ("files", None, None, "three")]);
        let decoded = decode(&body, CT, &["files".to_string()]).unwrap();
        assert_eq!(decoded["files"], json!(["one", "two", "three"]));
    }

    #[test]
    fn broken_bodies_are_errors_not_panics() {
        assert!(decode(&Bytes::from_static(b"x"), None, &[]).unwrap_err().contains("no Content-Type"));
        assert!(decode(&Bytes::from_static(b"x"), Some("application/json"), &[]).unwrap_err().contains("boundary"));
        let truncated = Bytes::from_static(b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nabc");
        assert!(decode(&truncated, CT, &[]).is_err());
        let bad_json = body(&[("a", None, Some("application/json"), "{nope")]);
        assert!(decode(&bad_json, CT, &[]).unwrap_err().contains("part `a`: not JSON"));
    }
}
