//! Operation tags → endpoint groups (issue 22): an operation's first tag (OpenAPI 3.1 §4.8.10,
//! `tags`: "a list of tags for API documentation control… used for logical grouping of
//! operations") becomes its `group`, the tag's name made snake_case (`enterprise-admin` →
//! `enterprise_admin`); the document's Tag Objects (§4.8.22: `name`, `description`, and Redoc's
//! `x-displayName`) become the `groups` map's titles and descriptions. A document without tags
//! gives no groups and no warning.

use indexmap::IndexMap;
use serde_json::Value;

use super::Importer;
use super::heuristics::snake;
use crate::check::groups::{MAX_GROUP_NAME, is_group_name};
use crate::spec::{Endpoint, Group};

/// The group name of the tag `tag`, or `None` for a tag with no name to speak of.
pub(super) fn group_name(tag: &str) -> Option<String> {
    if tag.trim().is_empty() {
        return None;
    }
    let mut name = snake(tag);
    if name.len() > MAX_GROUP_NAME {
        // `snake` keeps ASCII only, so any byte is a character boundary.
        name.truncate(MAX_GROUP_NAME);
        while name.ends_with('_') {
            name.pop();
        }
    }
    is_group_name(&name).then_some(name)
}

impl Importer<'_> {
    /// The group of `operation`: its first tag's group name.
    pub(super) fn operation_group(&self, operation: &Value) -> Option<String> {
        let first = operation.get("tags")?.as_array()?.first()?.as_str()?;
        group_name(first)
    }

    /// The `groups` map of the imported endpoints: every group an endpoint names, in the
    /// order of the document's `tags`, then in the order of first use; a title where the
    /// tag's `x-displayName` or name says more than the group name, the tag's description.
    /// Empty when no endpoint has a group.
    pub(super) fn groups(&self, endpoints: &IndexMap<String, Endpoint>) -> IndexMap<String, Group> {
        let used: Vec<&String> = endpoints.values().filter_map(|endpoint| endpoint.group.as_ref()).collect();
        let mut groups: IndexMap<String, Group> = IndexMap::new();
        let tags = self.document.get("tags").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for tag in tags {
            let Some(tag_name) = tag.get("name").and_then(Value::as_str) else { continue };
            let Some(name) = group_name(tag_name) else { continue };
            if groups.contains_key(&name) || !used.contains(&&name) {
                continue;
            }
            let display = tag.get("x-displayName").and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty());
            let title = display.or(Some(tag_name.trim()).filter(|written| *written != name)).map(str::to_string);
            let description = tag
                .get("description")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string);
            groups.insert(name, Group { title, description });
        }
        for name in used {
            if !groups.contains_key(name) {
                groups.insert(name.clone(), Group::default());
            }
        }
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::group_name;

    #[test]
    fn tags_become_snake_case_group_names() {
        assert_eq!(group_name("issues").as_deref(), Some("issues"));
        assert_eq!(group_name("enterprise-admin").as_deref(), Some("enterprise_admin"));
        assert_eq!(group_name("Payment Intents").as_deref(), Some("payment_intents"));
        assert_eq!(group_name("3D Secure").as_deref(), Some("api_3d_secure"));
        assert_eq!(group_name("  "), None);
        let long = group_name(&"word ".repeat(30)).expect("a name");
        assert!(long.len() <= 64 && !long.ends_with('_'), "{long}");
    }
}
