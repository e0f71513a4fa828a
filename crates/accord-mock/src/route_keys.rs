//! The query keys that route a request among operations on one method and path, beside
//! their fixed values: a key one operation requires and another on the same method and path
//! never sends. S3's `DELETE /{Key+}?uploadId=UploadId` (AbortMultipartUpload) and
//! `DELETE /{Key+}` (DeleteObject) are told apart so (Amazon S3 API Reference); accord's
//! `check::routing` accepts two such endpoints by the same rule.

use accord_contract::{Contract, Operation};

/// For each operation of `contract`, in order: the query keys a request must carry to be
/// routed to it. Only keys that tell it apart from another operation on the same method and
/// path shape: a required query parameter (not a fixed one) that the other neither declares
/// nor fixes. An operation alone on its route gets none, so that a request missing one of
/// its required parameters is still routed to it (and answered with a validation error).
pub fn route_keys(contract: &Contract) -> Vec<Vec<String>> {
    let shapes: Vec<(String, String)> =
        contract.operations.iter().map(|op| (op.method.as_str().to_ascii_uppercase(), shape(&op.path))).collect();
    contract
        .operations
        .iter()
        .enumerate()
        .map(|(index, op)| {
            let mut keys: Vec<String> = Vec::new();
            for (other_index, other) in contract.operations.iter().enumerate() {
                if other_index == index || shapes[other_index] != shapes[index] {
                    continue;
                }
                for param in op.query.iter().filter(|p| p.required) {
                    if !sends(other, &param.name) && !keys.contains(&param.name) {
                        keys.push(param.name.clone());
                    }
                }
            }
            keys
        })
        .collect()
}

/// Whether a request for `op` can carry the query key `name`.
fn sends(op: &Operation, name: &str) -> bool {
    op.query.iter().any(|p| p.name == name) || op.fixed_query.iter().any(|(key, _)| key == name)
}

/// A path with each templated segment written `{}`.
fn shape(path: &str) -> String {
    path.split('/').map(|segment| if segment.contains('{') { "{}" } else { segment }).collect::<Vec<_>>().join("/")
}
