//! What tells two endpoints on one method and path apart, beyond their fixed values
//! ([`super::params::told_apart`]): a query key that one of them requires and the other does
//! not send at all. S3 writes `DELETE /{Key+}?uploadId=UploadId` (AbortMultipartUpload)
//! beside `DELETE /{Key+}` (DeleteObject), and routes a request by whether `uploadId` is in
//! it (Amazon S3 API Reference, AbortMultipartUpload: "DELETE /Key+?uploadId=UploadId").
//! The importer and `check` share this rule; the mock routes by it (accord-mock's
//! `Model::new`).

use crate::spec::{Endpoint, FixedValues, Required, TypeRef};

/// The query keys and fixed values of one endpoint that routing can see.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RouteKeys {
    /// The fixed header and query values (`fixed`).
    pub fixed: FixedValues,
    /// The query parameters the endpoint requires (`required: true`): every request for it
    /// carries them.
    pub required_query: Vec<String>,
    /// Every query parameter it declares, required or not (not the fixed ones): the only
    /// query keys, beside the fixed ones, its requests can carry.
    pub query: Vec<String>,
}

impl RouteKeys {
    /// An endpoint's keys, as written in a spec.
    pub fn of(endpoint: &Endpoint) -> RouteKeys {
        let required = |type_ref: &TypeRef| matches!(type_ref, TypeRef::Inline(schema) if matches!(schema.required, Some(Required::Flag(true))));
        RouteKeys {
            fixed: endpoint.fixed.clone(),
            required_query: endpoint.query.iter().filter(|(_, t)| required(t)).map(|(n, _)| n.clone()).collect(),
            query: endpoint.query.keys().cloned().collect(),
        }
    }

    /// Whether a request for this endpoint can carry the query key `name`.
    fn may_send(&self, name: &str) -> bool {
        self.query.iter().any(|key| key == name) || self.fixed.query.contains_key(name)
    }

    /// A query key this endpoint always sends (a required parameter or a fixed value) and
    /// `other` never does, if any.
    pub fn key_missing_from(&self, other: &RouteKeys) -> Option<&str> {
        self.required_query.iter().chain(self.fixed.query.keys()).map(String::as_str).find(|name| !other.may_send(name))
    }
}

/// Whether two endpoints on the same method and path are told apart: by their fixed values
/// ([`super::params::told_apart`]), or because one always sends a query key (required or
/// fixed) that the other never sends, so that a request carrying the key is the first's and one without it the
/// other's (the mock tries the endpoint that requires more keys first).
pub fn told_apart(first: &RouteKeys, second: &RouteKeys) -> bool {
    super::params::told_apart(&first.fixed, &second.fixed)
        || first.key_missing_from(second).is_some()
        || second.key_missing_from(first).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(fixed: &[(&str, &str)], required: &[&str], optional: &[&str]) -> RouteKeys {
        RouteKeys {
            fixed: FixedValues {
                headers: Default::default(),
                query: fixed.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            },
            required_query: required.iter().map(|k| k.to_string()).collect(),
            query: required.iter().chain(optional).map(|k| k.to_string()).collect(),
        }
    }

    #[test]
    fn a_required_query_key_the_other_never_sends_tells_endpoints_apart() {
        // S3: `DELETE /{Key+}?uploadId=…` (AbortMultipartUpload) beside `DELETE /{Key+}`
        // (DeleteObject, whose only query parameter is `versionId`).
        let abort = keys(&[], &["uploadId"], &[]);
        let delete = keys(&[], &[], &["versionId"]);
        assert!(told_apart(&abort, &delete));
        assert!(told_apart(&delete, &abort));
        assert_eq!(abort.key_missing_from(&delete), Some("uploadId"));
        assert!(!told_apart(&abort, &abort));
        // The other endpoint may send the key too (optional): a request with it matches both.
        assert!(!told_apart(&abort, &keys(&[], &[], &["uploadId"])));
        // Or fixes it.
        assert!(!told_apart(&abort, &keys(&[("uploadId", "x")], &[], &[])));
        // Both require it: nothing tells them apart.
        assert!(!told_apart(&abort, &keys(&[], &["uploadId"], &["partNumber"])));
        // Two keys, each required by one: told apart.
        assert!(told_apart(&abort, &keys(&[], &["partNumber"], &[])));
        // Fixed values still count; a fixed key is always sent too (formapi.io's
        // `POST /templates?desc=html` beside `POST /templates`).
        assert!(told_apart(&keys(&[("uploads", "")], &[], &[]), &RouteKeys::default()));
        assert!(told_apart(&keys(&[("desc", "html")], &[], &[]), &RouteKeys::default()));
        assert!(!told_apart(&keys(&[("desc", "html")], &[], &[]), &keys(&[], &[], &["desc"])));
    }
}
