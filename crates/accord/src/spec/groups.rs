//! Groups of endpoints (issue 22): an endpoint's `group` (`customers`, `payment_intents`) and
//! the top-level `groups` map that gives a group its title and description. A generated crate
//! makes each group a cargo feature, so a user of a whole API compiles only the groups they
//! call; the docs list endpoints under a heading per group. Part of the spec language:
//! `types.rs` holds the fields that use them; `check/groups.rs` checks the names.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What a group of endpoints is, for the docs (OpenAPI's Tag Object: `name`,
/// `description`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// The heading of the group in the docs, e.g. `Payment Intents`; default the name with
    /// its first letter capitalised and `_` as spaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub title: Option<String>,
    /// What the group's endpoints are for (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(!skip_serializing_if)]
    pub description: Option<String>,
}
