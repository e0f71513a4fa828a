//! Lowers endpoint groups (issue 22): the `groups` map's entries in spec order, then the
//! groups endpoints name that the map does not declare, in the order of their first endpoint
//! (`check` allows that only when the map is empty). A spec whose endpoints name no group and
//! that declares none has no groups, and its crate no group features. Two groups never share
//! a title: the docs link to each group's heading.

use crate::ir::groups::{GroupIr, feature_name};
use crate::spec::Spec;

/// The groups of `spec`, in a stable order.
pub(super) fn lower(spec: &Spec) -> Vec<GroupIr> {
    let mut groups: Vec<GroupIr> = spec
        .groups
        .iter()
        .map(|(name, group)| GroupIr {
            name: name.clone(),
            title: group.title.clone().unwrap_or_else(|| default_title(name)),
            description: group.description.clone(),
            feature: feature_name(name),
        })
        .collect();
    for name in spec.endpoints.values().filter_map(|endpoint| endpoint.group.as_ref()) {
        if !groups.iter().any(|group| &group.name == name) {
            groups.push(GroupIr {
                name: name.clone(),
                title: default_title(name),
                description: None,
                feature: feature_name(name),
            });
        }
    }
    // Headings must differ (their ids are the docs' link targets): a title another group
    // already has gets the group's name after it.
    let mut seen = std::collections::BTreeSet::new();
    for group in &mut groups {
        if !seen.insert(group.title.clone()) {
            group.title = format!("{} ({})", group.title, group.name);
            seen.insert(group.title.clone());
        }
    }
    groups
}

/// `payment_intents` → `Payment intents`.
fn default_title(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_without_a_title_is_titled_after_its_name() {
        assert_eq!(default_title("payment_intents"), "Payment intents");
        assert_eq!(default_title("issues"), "Issues");
        assert_eq!(feature_name("payment_intents"), "group-payment-intents");
    }
}
