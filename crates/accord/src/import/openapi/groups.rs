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
use crate::json_fields::Field;
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
        let first = operation.field("tags")?.as_array()?.first()?.as_str()?;
        group_name(first)
    }

    /// The `groups` map of the imported endpoints: every group an endpoint names, in the
    /// order of the document's `tags`, then in the order of first use; a title where the
    /// tag's `x-displayName` or name says more than the group name, the tag's description.
    /// Empty when no endpoint has a group.
    pub(super) fn groups(&self, endpoints: &IndexMap<String, Endpoint>) -> IndexMap<String, Group> {
        let used: Vec<&String> = endpoints.values().filter_map(|endpoint| endpoint.group.as_ref()).collect();
        let mut groups: IndexMap<String, Group> = IndexMap::new();
        let tags = self.document.field("tags").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for tag in tags {
            let Some(tag_name) = tag.field("name").and_then(Value::as_str) else { continue };
            let Some(name) = group_name(tag_name) else { continue };
            if groups.contains_key(&name) || !used.contains(&&name) {
                continue;
            }
            let display = tag.field("x-displayName").and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty());
            let title = display.or(Some(tag_name.trim()).filter(|written| *written != name)).map(str::to_string);
            let description = tag
                .field("description")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string);
            groups.insert(name, Group { title, description });
        }
        // Tags no Tag Object declares: titled as the first operation writes them.
        let written = self.first_tags();
        for name in used {
            if !groups.contains_key(name) {
                let title = written.get(name).filter(|tag| *tag != name).cloned();
                groups.insert(name.clone(), Group { title, description: None });
            }
        }
        groups
    }

    /// Each group name with the first tag, as written, that makes it.
    fn first_tags(&self) -> IndexMap<String, String> {
        let mut written = IndexMap::new();
        let items =
            self.document.field("paths").and_then(Value::as_object).into_iter().flat_map(|paths| paths.values());
        for operation in items.filter_map(Value::as_object).flat_map(|item| item.values()) {
            let Some(tag) = operation.field("tags").and_then(Value::as_array).and_then(|tags| tags.first()) else {
                continue;
            };
            if let Some(tag) = tag.as_str()
                && let Some(name) = group_name(tag)
            {
                written.entry(name).or_insert_with(|| tag.trim().to_string());
            }
        }
        written
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
