//! What a `$ref` value names, read without touching any file: a URL (never followed), an
//! absolute path (never followed), or a relative file path and a JSON pointer into it.
//!
//! A `$ref` is a URI reference (OpenAPI 3.1 §4.8.23 Reference Object, 3.0.3 §4.7.23; RFC 3986
//! §4.1). Its fragment is a JSON pointer written in a URI, so it is percent-decoded first
//! (RFC 3986 §2.1) and only then read as a pointer (RFC 6901 §6, "URI Fragment Identifier
//! Representation"): `#/paths/~1users~1%7Bid%7D/get` is the pointer `/paths/~1users~1{id}/get`.
//! The path is percent-decoded too (`menu_%7Bid%7D.yaml` names `menu_{id}.yaml`); braces
//! written as they are (Redocly's `paths/menu_{menuItemId}.yaml`) are read as they are.

use std::borrow::Cow;

/// A `$ref` value, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Reference {
    /// A relative reference: `file` (percent-decoded, empty for the same document) and the
    /// JSON pointer into it (percent-decoded, RFC 6901 form: `~0`/`~1` kept, empty for the
    /// whole document).
    Relative { file: String, pointer: String },
    /// A URI with a scheme (`https:`, `file:`, `urn:`…) or a network-path reference (`//host/…`).
    Url,
    /// An absolute path (`/etc/api.yaml`), which leaves the root document's folder.
    Absolute,
    /// Percent-encoding that does not decode to UTF-8, or a fragment that is not a JSON pointer
    /// (a 3.1 `$anchor` name such as `#node`): not followed, with what is wrong.
    Unreadable(&'static str),
}

/// Reads a `$ref` value.
pub(super) fn parse(reference: &str) -> Reference {
    if reference.starts_with("//") {
        return Reference::Url;
    }
    // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":". A Windows
    // drive (`C:\api.yaml`) reads as a scheme too, and is refused with the URLs.
    let scheme_end = reference.find(':');
    let first_delimiter = reference.find(['/', '?', '#']).unwrap_or(reference.len());
    if let Some(end) = scheme_end
        && end < first_delimiter
        && end > 0
        && reference[..end].starts_with(|c: char| c.is_ascii_alphabetic())
        && reference[..end].chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Reference::Url;
    }
    let (file, fragment) = match reference.split_once('#') {
        Some((file, fragment)) => (file, fragment),
        None => (reference, ""),
    };
    if file.starts_with('/') || file.starts_with('\\') {
        return Reference::Absolute;
    }
    let (Some(file), Some(pointer)) = (decode(file), decode(fragment)) else {
        return Reference::Unreadable("its percent-encoding does not decode to UTF-8 text");
    };
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Reference::Unreadable(
            "its fragment is not a JSON pointer (accord follows `#/…` pointers, not anchors)",
        );
    }
    Reference::Relative { file: file.into_owned(), pointer: pointer.into_owned() }
}

/// Percent-decodes URI text (RFC 3986 §2.1); `None` when the bytes are not UTF-8. A `%` not
/// followed by two hex digits stays as it is (the `percent-encoding` crate's reading).
fn decode(text: &str) -> Option<Cow<'_, str>> {
    percent_encoding::percent_decode_str(text).decode_utf8().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relative(file: &str, pointer: &str) -> Reference {
        Reference::Relative { file: file.to_string(), pointer: pointer.to_string() }
    }

    #[test]
    fn references_read_as_the_rfcs_say() {
        let table: &[(&str, Reference)] = &[
            ("#/components/schemas/Pet", relative("", "/components/schemas/Pet")),
            ("#/paths/~1users~1%7Bid%7D/get", relative("", "/paths/~1users~1{id}/get")),
            // `%25` is a percent sign, decoded once: the pointer holds `%7B` literally.
            ("#/a%257B", relative("", "/a%7B")),
            ("#", relative("", "")),
            ("schemas/Pet.yaml", relative("schemas/Pet.yaml", "")),
            ("./Pet.yaml#/definitions/Pet", relative("./Pet.yaml", "/definitions/Pet")),
            ("../components/schemas/Pet.yaml", relative("../components/schemas/Pet.yaml", "")),
            ("paths/menu_{menuItemId}.yaml", relative("paths/menu_{menuItemId}.yaml", "")),
            ("paths/menu_%7BmenuItemId%7D.yaml", relative("paths/menu_{menuItemId}.yaml", "")),
            ("https://example.com/pet.yaml", Reference::Url),
            ("http://example.com/pet.yaml#/Pet", Reference::Url),
            ("file:///etc/passwd", Reference::Url),
            ("urn:example:pet", Reference::Url),
            ("//example.com/pet.yaml", Reference::Url),
            ("C:\\api.yaml", Reference::Url),
            ("/etc/api.yaml", Reference::Absolute),
            ("\\\\server\\share\\api.yaml", Reference::Absolute),
            // A colon after the first slash is part of a path, not a scheme.
            ("schemas/a:b.yaml", relative("schemas/a:b.yaml", "")),
            (
                "#node",
                Reference::Unreadable(
                    "its fragment is not a JSON pointer (accord follows `#/…` pointers, not anchors)",
                ),
            ),
            ("#/a%FF", Reference::Unreadable("its percent-encoding does not decode to UTF-8 text")),
        ];
        for (text, expected) in table {
            assert_eq!(&parse(text), expected, "{text}");
        }
    }
}
