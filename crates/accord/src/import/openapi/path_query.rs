//! A query written into a path key: `/alerts?lat={lat}&lon={lon}` (weatherbit.io),
//! `/rest?method=flickr.favorites.getList` (flickr.com), `/x?uploads`. OpenAPI's path keys are
//! paths (3.0.3 §4.7.8.1: "A relative path to an individual endpoint", appended to the server
//! URL) and say nothing of a query, but such documents mean the query: several keys share one
//! path and differ only by it. The importer reads the query part as what it says:
//! - `name=value` (no braces): a fixed query value (`fixed: {query: {name: value}}`);
//! - a bare `name`: a key that is only present (fixed to the empty value, as S3's `?uploads`);
//! - `name={param}`: a required query parameter `name`, typed as the document types
//!   `param` (which such documents usually declare `in: path`).
//!
//! Endpoints that share a path are then told apart by their fixed values and required keys
//! (`check::routing`).

use crate::spec::{Endpoint, FixedValues, Required, Schema, TypeRef};

/// The query part of a path key, pair by pair.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct PathQuery {
    /// `name=value` and bare `name` (value ``), in order.
    pub fixed: Vec<(String, String)>,
    /// `name={param}`: (query key, parameter name).
    pub templated: Vec<(String, String)>,
}

/// Splits a path key (without its fragment) at its first `?`: the path, and the query part
/// read pair by pair. Empty pairs (`?&a`) are skipped; a pair whose value mixes text and
/// braces (`a=x{y}`) cannot be sent as one value and is left out, reported by the caller
/// through `unread`.
pub(super) fn split(path_key: &str) -> (&str, Option<PathQuery>, Vec<String>) {
    let Some((path, query)) = path_key.split_once('?') else { return (path_key, None, Vec::new()) };
    let mut read = PathQuery::default();
    let mut unread = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name.is_empty() || name.contains(['{', '}']) {
            unread.push(pair.to_string());
            continue;
        }
        match value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
            Some(param) if !param.is_empty() && !param.contains(['{', '}']) => {
                read.templated.push((name.to_string(), param.to_string()))
            }
            _ if value.contains(['{', '}']) => unread.push(pair.to_string()),
            _ => read.fixed.push((name.to_string(), value.to_string())),
        }
    }
    (path, Some(read), unread)
}

impl PathQuery {
    /// Adds the fixed pairs to `fixed` (a value the parameters also fix stays theirs).
    pub fn fix(&self, fixed: &mut FixedValues) {
        for (name, value) in &self.fixed {
            fixed.query.entry(name.clone()).or_insert_with(|| value.clone());
        }
    }

    /// The query keys every request carries that are not fixed: the templated ones.
    pub fn required_keys(&self) -> impl Iterator<Item = &str> {
        self.templated.iter().map(|(name, _)| name.as_str())
    }

    /// Moves each templated parameter into the endpoint's query, required, under its query key:
    /// from `path_params` (where the document declared it `in: path`), else the query
    /// parameter the document declared under that name, else a string. `path` is the
    /// endpoint's path without the query.
    pub fn apply(&self, endpoint: &mut Endpoint, path: &str) {
        endpoint.path = path.to_string();
        for (name, param) in &self.templated {
            let type_ref = match endpoint.path_params.shift_remove(param) {
                Some(type_ref) => Some(type_ref),
                None => endpoint.query.shift_remove(name),
            };
            let mut schema = match type_ref {
                Some(TypeRef::Inline(schema)) => *schema,
                Some(TypeRef::Name(name)) => Schema { type_name: Some(name), ..Schema::default() },
                None => Schema { type_name: Some("string".into()), ..Schema::default() },
            };
            // A path style (`matrix`, `label`) does not apply in the query.
            schema.style = None;
            schema.explode = None;
            schema.required = Some(Required::Flag(true));
            endpoint.query.insert(name.clone(), TypeRef::Inline(Box::new(schema)));
        }
        for (name, _) in &self.fixed {
            endpoint.query.shift_remove(name);
        }
        // A parameter named only by a pair that could not be read (clicksend.com's
        // `?{search}=1`, reported by the caller) is not in the path any more.
        endpoint.path_params.retain(|name, _| path.contains(&format!("{{{name}}}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_keys_query_is_read_pair_by_pair() {
        let (path, query, unread) = split("/alerts?lat={lat}&lon={lon}");
        assert_eq!(path, "/alerts");
        let query = query.expect("a query");
        assert_eq!(query.templated, [("lat".into(), "lat".into()), ("lon".into(), "lon".into())]);
        assert!(query.fixed.is_empty() && unread.is_empty());
        let (path, query, _) = split("/rest?method=flickr.favorites.getList");
        assert_eq!(path, "/rest");
        assert_eq!(query.expect("a query").fixed, [("method".into(), "flickr.favorites.getList".into())]);
        let (_, query, _) = split("/users/{userid}/pic?key={APIKEY}&uploads");
        let query = query.expect("a query");
        assert_eq!(query.templated, [("key".into(), "APIKEY".into())]);
        assert_eq!(query.fixed, [("uploads".into(), String::new())]);
        let (path, query, unread) = split("/x?a=b{c}&&d");
        assert_eq!(path, "/x");
        assert_eq!(unread, ["a=b{c}"]);
        assert_eq!(query.expect("a query").fixed, [("d".into(), String::new())]);
        assert_eq!(split("/plain"), ("/plain", None, Vec::new()));
    }
}
