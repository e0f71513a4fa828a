//! Parameter serialization styles (OpenAPI 3.1 §4.8.12.4 "Style Values" and its "Style
//! Examples" table, after the expansions of RFC 6570 §3.2): how a query, path or header
//! parameter's value, a scalar, a list or an object, becomes text. The one implementation
//! generated clients, the mock's contract tests and `verify` share; [`ParamStyle`] lists
//! every style with the table's examples.
//!
//! Percent-encoding (query and path): names, keys and values are encoded as RFC 6570 encodes
//! a variable's value, everything but RFC 3986 §2.3's unreserved characters (`A-Z a-z 0-9 - .
//! _ ~`) as `%XX` of its UTF-8 bytes, so a `,` inside a value is `%2C` while the `,` that
//! separates values stays a `,`; the separators (`=`, `&`, `,`, `|`, `%20`, `[`, `]`, `.`,
//! `;`) are written as the table writes them. Header values are not encoded (RFC 9110 §5.5
//! field values are text).
//!
//! Shapes beyond the table: `null` (and a `null` item or property) is left out; a list or
//! object without items is absent in the query and in a header, and empty in a path (`.`
//! with `label`, `;name` with `matrix`); an item that is itself a list or an object is
//! written as its JSON text, except under `deep_object`, which nests (`name[a][b]=1`,
//! `name[a][0]=x`, the bracket notation of [`crate::form`]) and writes a list by index
//! (`name[0]=a`, as Stripe reads `expand`).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

pub use accord_contract::wire::{ParamLocation, ParamStyle};

use crate::form::scalar_text;

/// What RFC 6570 leaves unencoded in a variable's value: RFC 3986 §2.3's unreserved
/// characters.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// `text` percent-encoded as a name, key or value of a query or path parameter: every byte but
/// the unreserved characters as `%XX` (RFC 3986 §2.1, uppercase hex).
pub fn encode_component(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// A value taken apart the way the styles see it.
enum Shape {
    /// `null`.
    Absent,
    /// A string, number or boolean, as text.
    Scalar(String),
    /// A list's items as text (`null` items left out).
    List(Vec<String>),
    /// An object's keys and values as text (`null` values left out).
    Pairs(Vec<(String, String)>),
}

/// Text of an item inside a list or object: scalars by [`scalar_text`], lists and objects as
/// their JSON text.
fn item_text(value: &Value) -> Option<String> {
    match value {
        Value::Array(_) | Value::Object(_) => Some(value.to_string()),
        other => scalar_text(other),
    }
}

fn shape(value: &Value) -> Shape {
    match value {
        Value::Null => Shape::Absent,
        Value::Array(items) => Shape::List(items.iter().filter_map(item_text).collect()),
        Value::Object(map) => {
            Shape::Pairs(map.iter().filter_map(|(key, value)| Some((key.clone(), item_text(value)?))).collect())
        }
        scalar => scalar_text(scalar).map(Shape::Scalar).unwrap_or(Shape::Absent),
    }
}

/// Keys and values of `pairs` in one list: `R,100,G,200` once joined.
fn flattened(pairs: &[(String, String)]) -> impl Iterator<Item = &str> {
    pairs.iter().flat_map(|(key, value)| [key.as_str(), value.as_str()])
}

/// The query pairs of parameter `name` with `value`, names and values percent-encoded
/// ([`encode_component`]), in order; empty when the value is absent. Styles that OpenAPI does
/// not define in a query (`simple`, `label`, `matrix`) are written as `form`, and
/// `space_delimited` or `pipe_delimited` with `explode` as `form` with `explode` (repeated
/// pairs), the only reading the table leaves.
///
/// `form` with `explode` (the query default): `color=blue&color=black`, an object as its own
/// pairs `R=100&G=200`. `form` without: `color=blue,black`, `color=R,100,G,200`.
/// `space_delimited`: `color=blue%20black`; `pipe_delimited`: `color=blue|black`;
/// `deep_object`: `color[R]=100&color[G]=200`.
pub fn query_pairs(name: &str, value: &Value, style: ParamStyle, explode: bool) -> Vec<(String, String)> {
    let encoded_name = encode_component(name);
    let separator = match (style, explode) {
        (ParamStyle::DeepObject, _) => {
            let mut out = Vec::new();
            deep_object(encoded_name, value, &mut out);
            return out;
        }
        (ParamStyle::SpaceDelimited, false) => "%20",
        (ParamStyle::PipeDelimited, false) => "|",
        (ParamStyle::Form, false) => ",",
        (
            ParamStyle::Form
            | ParamStyle::SpaceDelimited
            | ParamStyle::PipeDelimited
            | ParamStyle::Simple
            | ParamStyle::Label
            | ParamStyle::Matrix,
            _,
        ) => {
            // `form` with `explode`, and what reads as it.
            return match shape(value) {
                Shape::Absent => Vec::new(),
                Shape::Scalar(text) => vec![(encoded_name, encode_component(&text))],
                Shape::List(items) => items.iter().map(|item| (encoded_name.clone(), encode_component(item))).collect(),
                Shape::Pairs(pairs) => {
                    pairs.iter().map(|(key, value)| (encode_component(key), encode_component(value))).collect()
                }
            };
        }
    };
    let joined =
        |parts: &mut dyn Iterator<Item = &str>| parts.map(encode_component).collect::<Vec<_>>().join(separator);
    match shape(value) {
        Shape::Absent => Vec::new(),
        Shape::Scalar(text) => vec![(encoded_name, encode_component(&text))],
        Shape::List(items) if items.is_empty() => Vec::new(),
        Shape::List(items) => vec![(encoded_name, joined(&mut items.iter().map(String::as_str)))],
        Shape::Pairs(pairs) if pairs.is_empty() => Vec::new(),
        Shape::Pairs(pairs) => vec![(encoded_name, joined(&mut flattened(&pairs)))],
    }
}

/// `deep_object`: `prefix[key]=value`, nested objects and lists one bracket deeper (lists by
/// index, as [`crate::form`] writes them); a scalar at the top is `prefix=value`.
fn deep_object(prefix: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                deep_object(format!("{prefix}[{}]", encode_component(key)), inner, out);
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                deep_object(format!("{prefix}[{index}]"), inner, out);
            }
        }
        scalar => {
            if let Some(text) = scalar_text(scalar) {
                out.push((prefix, encode_component(&text)));
            }
        }
    }
}

/// The text that replaces `{name}` in a path template, percent-encoded
/// ([`encode_component`]). Styles that OpenAPI does not define in a path (`form`,
/// `space_delimited`, `pipe_delimited`, `deep_object`) are written as `simple`.
///
/// `simple` (the path default): `blue`, `blue,black`, `R,100,G,200` (`R=100,G=200` with
/// `explode`). `label`: `.blue`, `.blue.black`, `.R.100.G.200` (`.R=100.G=200` with
/// `explode`). `matrix`: `;color=blue`, `;color=blue,black` (`;color=blue;color=black` with
/// `explode`), `;color=R,100,G,200` (`;R=100;G=200` with `explode`); an empty string is
/// `;color`.
pub fn path_text(name: &str, value: &Value, style: ParamStyle, explode: bool) -> String {
    let pairs_joined = |pairs: &[(String, String)], separator: &str| -> String {
        if explode {
            pairs
                .iter()
                .map(|(key, value)| format!("{}={}", encode_component(key), encode_component(value)))
                .collect::<Vec<_>>()
                .join(separator)
        } else {
            flattened(pairs).map(encode_component).collect::<Vec<_>>().join(separator)
        }
    };
    let listed = |items: &[String], separator: &str| -> String {
        items.iter().map(|item| encode_component(item)).collect::<Vec<_>>().join(separator)
    };
    match style {
        ParamStyle::Label => match shape(value) {
            Shape::Absent => ".".to_string(),
            Shape::Scalar(text) => format!(".{}", encode_component(&text)),
            Shape::List(items) => format!(".{}", listed(&items, ".")),
            Shape::Pairs(pairs) => format!(".{}", pairs_joined(&pairs, ".")),
        },
        ParamStyle::Matrix => {
            let name = encode_component(name);
            let assign = |text: &str| {
                if text.is_empty() { format!(";{name}") } else { format!(";{name}={text}") }
            };
            match shape(value) {
                Shape::Absent => format!(";{name}"),
                Shape::Scalar(text) => assign(&encode_component(&text)),
                Shape::List(items) if explode && !items.is_empty() => {
                    items.iter().map(|item| assign(&encode_component(item))).collect()
                }
                Shape::List(items) => assign(&listed(&items, ",")),
                Shape::Pairs(pairs) if explode && !pairs.is_empty() => format!(";{}", pairs_joined(&pairs, ";")),
                Shape::Pairs(pairs) => assign(&pairs_joined(&pairs, ",")),
            }
        }
        ParamStyle::Simple
        | ParamStyle::Form
        | ParamStyle::SpaceDelimited
        | ParamStyle::PipeDelimited
        | ParamStyle::DeepObject => match shape(value) {
            Shape::Absent => String::new(),
            Shape::Scalar(text) => encode_component(&text),
            Shape::List(items) => listed(&items, ","),
            Shape::Pairs(pairs) => pairs_joined(&pairs, ","),
        },
    }
}

/// A header parameter's value in the `simple` style (the only one OpenAPI defines for
/// headers), not percent-encoded: `blue`, `blue,black`, `R,100,G,200` (`R=100,G=200` with
/// `explode`); `None` when absent (`null`, or a list or object without items).
pub fn header_text(value: &Value, explode: bool) -> Option<String> {
    match shape(value) {
        Shape::Absent => None,
        Shape::Scalar(text) => Some(text),
        Shape::List(items) if items.is_empty() => None,
        Shape::List(items) => Some(items.join(",")),
        Shape::Pairs(pairs) if pairs.is_empty() => None,
        Shape::Pairs(pairs) if explode => {
            Some(pairs.iter().map(|(key, value)| format!("{key}={value}")).collect::<Vec<_>>().join(","))
        }
        Shape::Pairs(pairs) => Some(flattened(&pairs).collect::<Vec<_>>().join(",")),
    }
}

/// Query pairs as the query component of a URL: `name=value` joined by `&` (the pairs are
/// already encoded).
pub fn query_string(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn color_string() -> Value {
        json!("blue")
    }
    fn color_array() -> Value {
        json!(["blue", "black", "brown"])
    }
    fn color_object() -> Value {
        json!({"R": 100, "G": 200, "B": 150})
    }

    fn query(value: &Value, style: ParamStyle, explode: bool) -> String {
        query_string(&query_pairs("color", value, style, explode))
    }

    /// OpenAPI 3.1 §4.8.12.4's "Style Examples" table, row by row (query styles).
    #[test]
    fn query_styles_follow_the_openapi_examples_table() {
        use ParamStyle::*;
        let rows: [(ParamStyle, bool, [&str; 3]); 5] = [
            (Form, false, ["color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"]),
            (Form, true, ["color=blue", "color=blue&color=black&color=brown", "R=100&G=200&B=150"]),
            (SpaceDelimited, false, ["color=blue", "color=blue%20black%20brown", "color=R%20100%20G%20200%20B%20150"]),
            (PipeDelimited, false, ["color=blue", "color=blue|black|brown", "color=R|100|G|200|B|150"]),
            (
                DeepObject,
                true,
                ["color=blue", "color[0]=blue&color[1]=black&color[2]=brown", "color[R]=100&color[G]=200&color[B]=150"],
            ),
        ];
        for (style, explode, [string, array, object]) in rows {
            assert_eq!(query(&color_string(), style, explode), string, "{style} explode={explode} string");
            assert_eq!(query(&color_array(), style, explode), array, "{style} explode={explode} array");
            assert_eq!(query(&color_object(), style, explode), object, "{style} explode={explode} object");
        }
        // The table's "empty" column: an empty string is `color=`.
        assert_eq!(query(&json!(""), Form, true), "color=");
        assert_eq!(query(&json!(""), Form, false), "color=");
    }

    /// The same table's path rows.
    #[test]
    fn path_styles_follow_the_openapi_examples_table() {
        use ParamStyle::*;
        let rows: [(ParamStyle, bool, [&str; 4]); 6] = [
            (Matrix, false, [";color", ";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"]),
            (Matrix, true, [";color", ";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"]),
            (Label, false, [".", ".blue", ".blue.black.brown", ".R.100.G.200.B.150"]),
            (Label, true, [".", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"]),
            (Simple, false, ["", "blue", "blue,black,brown", "R,100,G,200,B,150"]),
            (Simple, true, ["", "blue", "blue,black,brown", "R=100,G=200,B=150"]),
        ];
        for (style, explode, [empty, string, array, object]) in rows {
            let path = |value: &Value| path_text("color", value, style, explode);
            assert_eq!(path(&json!("")), empty, "{style} explode={explode} empty");
            assert_eq!(path(&color_string()), string, "{style} explode={explode} string");
            assert_eq!(path(&color_array()), array, "{style} explode={explode} array");
            assert_eq!(path(&color_object()), object, "{style} explode={explode} object");
        }
    }

    #[test]
    fn header_values_are_simple() {
        assert_eq!(header_text(&color_string(), false).as_deref(), Some("blue"));
        assert_eq!(header_text(&color_array(), false).as_deref(), Some("blue,black,brown"));
        assert_eq!(header_text(&color_object(), false).as_deref(), Some("R,100,G,200,B,150"));
        assert_eq!(header_text(&color_object(), true).as_deref(), Some("R=100,G=200,B=150"));
        assert_eq!(header_text(&json!([]), false), None);
        assert_eq!(header_text(&Value::Null, false), None);
        assert_eq!(header_text(&json!(42), false).as_deref(), Some("42"));
    }

    #[test]
    fn separators_inside_values_are_percent_encoded() {
        let value = json!(["a,b", "c|d", "e f", "g&h=i", "ü"]);
        assert_eq!(
            query_string(&query_pairs("tags", &value, ParamStyle::Form, false)),
            "tags=a%2Cb,c%7Cd,e%20f,g%26h%3Di,%C3%BC"
        );
        assert_eq!(
            query_string(&query_pairs("tags", &value, ParamStyle::PipeDelimited, false)),
            "tags=a%2Cb|c%7Cd|e%20f|g%26h%3Di|%C3%BC"
        );
        assert_eq!(path_text("id", &json!("a/b c"), ParamStyle::Simple, false), "a%2Fb%20c");
        assert_eq!(
            query_string(&query_pairs("filter", &json!({"a b": {"c": 1}}), ParamStyle::DeepObject, true)),
            "filter[a%20b][c]=1"
        );
    }

    #[test]
    fn absent_values_and_items_are_left_out() {
        for style in [ParamStyle::Form, ParamStyle::SpaceDelimited, ParamStyle::PipeDelimited, ParamStyle::DeepObject] {
            for explode in [false, true] {
                assert!(query_pairs("x", &Value::Null, style, explode).is_empty(), "{style}");
                assert!(query_pairs("x", &json!([]), style, explode).is_empty(), "{style}");
            }
        }
        assert_eq!(query(&json!(["a", null, "b"]), ParamStyle::Form, false), "color=a,b");
        assert_eq!(query(&json!({"a": null, "b": 1}), ParamStyle::Form, true), "b=1");
    }

    #[test]
    fn styles_a_place_does_not_define_read_as_its_default() {
        assert_eq!(query(&color_array(), ParamStyle::Matrix, false), "color=blue&color=black&color=brown");
        assert_eq!(query(&color_array(), ParamStyle::PipeDelimited, true), "color=blue&color=black&color=brown");
        assert_eq!(path_text("color", &color_array(), ParamStyle::Form, true), "blue,black,brown");
    }
}
