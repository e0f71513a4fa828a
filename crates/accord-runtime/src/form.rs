//! `application/x-www-form-urlencoded` bodies with nested objects and arrays in bracket
//! notation (`metadata[order_id]=6735`, `expand[0]=customer`), the encoding Stripe documents
//! for its API ("Form-encoded request bodies", docs.stripe.com/api) and uses in its SDKs;
//! and the text form of a JSON scalar, which queries, headers, paths and multipart text parts
//! share with form fields.

use serde::Serialize;
use serde_json::Value;

/// Encodes a serialisable value (an object) as a form body. `null` values are left out;
/// booleans and numbers are written as JSON writes them.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    let value = serde_json::to_value(value)?;
    let mut pairs = Vec::new();
    flatten(None, &value, &mut pairs);
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &pairs {
        serializer.append_pair(key, value);
    }
    Ok(serializer.finish())
}

/// A JSON scalar as text: strings unquoted, numbers and booleans as JSON writes them; `null`
/// is nothing. The one rule for every place a value becomes text: form fields, query
/// parameters, headers, path segments and multipart text parts.
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

/// The bracket-notation pairs of one value under `name` (`name[key]`, `name[0]`), unencoded:
/// what [`to_string`] writes for that field. Used for multipart text parts.
pub(crate) fn pairs(name: &str, value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    flatten(Some(name), value, &mut out);
    out
}

fn flatten(prefix: Option<&str>, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (key, inner) in map {
                let name = match prefix {
                    Some(prefix) => format!("{prefix}[{key}]"),
                    None => key.clone(),
                };
                flatten(Some(&name), inner, out);
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                let name = format!("{}[{index}]", prefix.unwrap_or_default());
                flatten(Some(&name), inner, out);
            }
        }
        scalar => {
            if let Some(text) = scalar_text(scalar) {
                out.push((prefix.unwrap_or_default().to_string(), text));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_values_use_brackets() {
        let body = json!({
            "email": "jenny@example.com",
            "metadata": { "order_id": "6735" },
            "preferred_locales": ["en", "fr"],
            "balance": 100,
            "description": null
        });
        assert_eq!(
            to_string(&body).unwrap(),
            "email=jenny%40example.com&metadata%5Border_id%5D=6735&preferred_locales%5B0%5D=en&preferred_locales%5B1%5D=fr&balance=100"
        );
    }
}
