//! Base URLs built from URL templates with `{variables}` (OpenAPI 3.1.0 §4.8.5-6, Server and
//! Server Variable Objects): `https://{shop}.myshopify.com/admin/api/{version}` with the values
//! a generated builder was given. Each value is written as its place in the URL requires and
//! refused when it would change the URL's structure (the rules of
//! [`accord_contract::url_template`]: a host value of letters, digits, `-` and `.`; a port
//! value of digits; a path value percent-encoded, never `.` or `..`).

use crate::error::TransportError;

/// `template` with each `{name}` replaced by `value_of(name)`.
///
/// Errors: a variable without a value, or a value that cannot stand in its place (`evil.com/`
/// in a host), named in the message.
pub fn expand_url(template: &str, value_of: impl Fn(&str) -> Option<String>) -> Result<String, TransportError> {
    accord_contract::url_template::expand(template, value_of)
        .map_err(|bad| TransportError::message(format!("cannot build the base URL `{template}`: {bad}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_is_filled_or_refused_with_the_variable_named() {
        let values = |name: &str| match name {
            "shop" => Some("acme".to_string()),
            "version" => Some("2024-01".to_string()),
            _ => None,
        };
        assert_eq!(
            expand_url("https://{shop}.myshopify.com/admin/api/{version}", values).unwrap(),
            "https://acme.myshopify.com/admin/api/2024-01"
        );
        let error = expand_url("https://{region}.api.example.com", values).unwrap_err().to_string();
        assert!(error.contains("`region` is not set"), "{error}");
        let error = expand_url("https://{shop}.example.com", |_| Some("x.evil.com/#".into())).unwrap_err().to_string();
        assert!(error.contains("`shop`"), "{error}");
    }
}
