//! URL templates with `{variables}` (OpenAPI 3.1.0 §4.8.5, Server Object `url`; RFC 6570 level
//! 1 simple expansion): where each variable stands, and how a value is written there. One
//! definition for the compiler's `check` (which places are allowed, whether a default fits),
//! and the runtime (the base URL a client is built with).
//!
//! A variable may stand in the host (`https://{shop}.myshopify.com`, `{region}.api.example.com`),
//! the port, or the path (`/admin/api/{version}`). A value is written so that it cannot change
//! the URL's structure: in the host only letters, digits, `-` and `.` between non-empty labels
//! (RFC 1123 §2.1 host names; nothing that would end the host, such as `/`, `:`, `@`); in the
//! port only digits; in the path every byte outside RFC 3986's unreserved set percent-encoded
//! (so `/`, `?` and `#` stay inside the segment) and the dot-segments `.` and `..` refused.

use std::fmt;

/// The part of a URL a variable stands in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlPlace {
    /// Before `://`: not allowed.
    Scheme,
    /// In the host name.
    Host,
    /// After the host's `:`.
    Port,
    /// In the path.
    Path,
    /// In the query or fragment: not allowed (a base URL has neither).
    QueryOrFragment,
}

impl fmt::Display for UrlPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UrlPlace::Scheme => "scheme",
            UrlPlace::Host => "host",
            UrlPlace::Port => "port",
            UrlPlace::Path => "path",
            UrlPlace::QueryOrFragment => "query",
        })
    }
}

/// One `{name}` of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder<'a> {
    /// The variable's name.
    pub name: &'a str,
    /// Byte range of `{name}` in the template.
    pub start: usize,
    /// End of the range (after `}`).
    pub end: usize,
    /// Where it stands.
    pub place: UrlPlace,
}

/// The `{name}` placeholders of `template`, in order. A `{` without its `}` is not one.
pub fn placeholders(template: &str) -> Vec<Placeholder<'_>> {
    let scheme_end = template.find("://").map(|i| i + 3);
    let authority_end =
        scheme_end.map(|start| template[start..].find(['/', '?', '#']).map_or(template.len(), |i| start + i));
    let path_end = template.find(['?', '#']).filter(|i| authority_end.is_none_or(|a| *i >= a));
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(open) = template[rest..].find('{').map(|i| rest + i) {
        let Some(close) = template[open..].find('}').map(|i| open + i) else { break };
        let name = &template[open + 1..close];
        let place = match (scheme_end, authority_end) {
            (Some(scheme_end), _) if open < scheme_end => UrlPlace::Scheme,
            (Some(scheme_end), Some(authority_end)) if open < authority_end => {
                // A `:` before the placeholder inside the authority starts the port.
                if template[scheme_end..open].contains(':') { UrlPlace::Port } else { UrlPlace::Host }
            }
            (None, _) => UrlPlace::Scheme,
            _ if path_end.is_some_and(|end| open >= end) => UrlPlace::QueryOrFragment,
            _ => UrlPlace::Path,
        };
        found.push(Placeholder { name, start: open, end: close + 1, place });
        rest = close + 1;
    }
    found
}

/// Why a value cannot stand in its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadValue {
    /// The variable.
    pub name: String,
    /// What is wrong, as a phrase (`is empty`, `holds `/`, which would end the host`).
    pub reason: String,
}

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the value of URL variable `{}` {}", self.name, self.reason)
    }
}

impl UrlPlace {
    /// `value` as written in this place, or why it cannot be (see the module comment).
    pub fn write(self, name: &str, value: &str) -> Result<String, BadValue> {
        let bad = |reason: String| Err(BadValue { name: name.to_string(), reason });
        if value.is_empty() {
            return bad("is empty".into());
        }
        match self {
            UrlPlace::Host => {
                if let Some(c) = value.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.')) {
                    return bad(format!("holds `{c}`, which a host name may not (letters, digits, `-` and `.`)"));
                }
                if value.split('.').any(str::is_empty) {
                    return bad("has an empty label (a leading, trailing or doubled `.`)".into());
                }
                Ok(value.to_ascii_lowercase())
            }
            UrlPlace::Port => {
                if !value.bytes().all(|b| b.is_ascii_digit()) || value.parse::<u16>().is_err() {
                    return bad("is not a port number".into());
                }
                Ok(value.to_string())
            }
            UrlPlace::Path => {
                if value == "." || value == ".." {
                    return bad(format!("is the dot-segment `{value}`, which would change the path"));
                }
                let mut out = String::with_capacity(value.len());
                for byte in value.bytes() {
                    if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                        out.push(byte as char);
                    } else {
                        out.push_str(&format!("%{byte:02X}"));
                    }
                }
                Ok(out)
            }
            UrlPlace::Scheme | UrlPlace::QueryOrFragment => {
                bad(format!("stands in the URL's {self}, which accord does not fill"))
            }
        }
    }
}

/// `template` with every placeholder replaced by its value from `value_of` (written for its
/// place), or the first variable that has no value or a value that cannot stand there.
pub fn expand(template: &str, value_of: impl Fn(&str) -> Option<String>) -> Result<String, BadValue> {
    let mut out = String::with_capacity(template.len());
    let mut last = 0;
    for placeholder in placeholders(template) {
        out.push_str(&template[last..placeholder.start]);
        let Some(value) = value_of(placeholder.name) else {
            return Err(BadValue { name: placeholder.name.to_string(), reason: "is not set".into() });
        };
        out.push_str(&placeholder.place.write(placeholder.name, &value)?);
        last = placeholder.end;
    }
    out.push_str(&template[last..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_found_by_the_url_structure() {
        fn places(t: &str) -> Vec<(&str, UrlPlace)> {
            placeholders(t).into_iter().map(|p| (p.name, p.place)).collect()
        }
        assert_eq!(
            places("https://{shop}.myshopify.com/admin/api/{version}"),
            [("shop", UrlPlace::Host), ("version", UrlPlace::Path)]
        );
        assert_eq!(
            places("https://{region}.api.example.com:{port}/v1"),
            [("region", UrlPlace::Host), ("port", UrlPlace::Port)]
        );
        assert_eq!(places("{scheme}://api.example.com"), [("scheme", UrlPlace::Scheme)]);
        assert_eq!(places("https://api.example.com/v1?x={q}"), [("q", UrlPlace::QueryOrFragment)]);
        assert_eq!(places("https://api.example.com/{unclosed"), []);
    }

    #[test]
    fn values_cannot_change_the_structure_of_the_url() {
        let template = "https://{shop}.myshopify.com/admin/api/{version}";
        let expand_with = |shop: &str, version: &str| {
            let (shop, version) = (shop.to_string(), version.to_string());
            expand(template, move |name| Some(if name == "shop" { shop.clone() } else { version.clone() }))
        };
        assert_eq!(expand_with("My-Shop", "2024-01").unwrap(), "https://my-shop.myshopify.com/admin/api/2024-01");
        // A path value stays one segment.
        assert_eq!(expand_with("s", "a/b?c#d").unwrap(), "https://s.myshopify.com/admin/api/a%2Fb%3Fc%23d");
        // A host value cannot leave the host (`evil.com/` or `user@evil.com`), nor be empty.
        for shop in ["evil.com/", "user@evil.com", "a:1", "", "a..b", "ü"] {
            assert!(expand_with(shop, "v").is_err(), "{shop:?}");
        }
        assert!(expand_with("s", "..").is_err());
        assert_eq!(expand(template, |_| None).unwrap_err().to_string(), "the value of URL variable `shop` is not set");
    }
}
