//! The lowered form of endpoint groups (issue 22): each group with its title, description and
//! the cargo feature that compiles its endpoints in the generated crate.

use serde::Serialize;

/// One group of endpoints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupIr {
    /// Its name (`payment_intents`), what an operation's `group` holds.
    pub name: String,
    /// The docs heading: the spec's `title`, else the name with `_` as spaces and its first
    /// letter capitalised (`Payment intents`).
    pub title: String,
    /// What the group is for (Markdown).
    pub description: Option<String>,
    /// The generated crate's cargo feature: `group-` and the name with `_` written `-`
    /// (`group-payment-intents`; group names are snake_case, so no two share a feature).
    pub feature: String,
}

/// The cargo feature of the group `name` (`payment_intents` → `group-payment-intents`).
pub fn feature_name(name: &str) -> String {
    format!("group-{}", name.replace('_', "-"))
}
