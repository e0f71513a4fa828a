//! Checks of endpoint groups (issue 22): every group name, in the `groups` map or on an
//! endpoint, is a short snake_case identifier (it becomes a cargo feature); once the map has
//! entries, every endpoint's group is one of them; a declared group no endpoint uses is
//! reported.

use super::{Checker, is_snake_name};
use crate::diag::{closest, codes, did_you_mean, join_pointer};

/// The longest group name: a cargo feature name a user types, and a docs heading's id.
pub const MAX_GROUP_NAME: usize = 64;

/// Whether `name` can name a group: snake_case, at most [`MAX_GROUP_NAME`] characters.
pub fn is_group_name(name: &str) -> bool {
    is_snake_name(name) && name.len() <= MAX_GROUP_NAME
}

/// Why `name` cannot name a group, for the message.
fn problem(name: &str) -> &'static str {
    if name.len() > MAX_GROUP_NAME { "longer than 64 characters" } else { "not snake_case" }
}

const HELP: &str = "a group name is a lowercase ASCII letter, then lowercase letters, digits and `_` (`payment_intents`); \
                    put the heading the docs show in the group's `title`";

impl Checker<'_> {
    pub(super) fn groups(&mut self) {
        let spec = self.spec;
        for name in spec.groups.keys() {
            if !is_group_name(name) {
                let pointer = join_pointer("/groups", name);
                self.report_at_key(
                    codes::spec::BAD_GROUP_NAME,
                    &pointer,
                    format!("group name `{name}` is {}", problem(name)),
                )
                .help = Some(HELP.into());
            }
        }
        for (endpoint_name, endpoint) in &spec.endpoints {
            let Some(group) = &endpoint.group else { continue };
            let pointer = format!("{}/group", join_pointer("/endpoints", endpoint_name));
            if !is_group_name(group) {
                self.report(
                    codes::spec::BAD_GROUP_NAME,
                    &pointer,
                    format!("group `{group}` of `{endpoint_name}` is {}", problem(group)),
                )
                .help = Some(HELP.into());
            } else if !spec.groups.is_empty() && !spec.groups.contains_key(group) {
                let help = did_you_mean(group, spec.groups.keys().map(String::as_str)).unwrap_or_else(|| {
                    format!("declare `{group}` under `groups`, or name one of the groups declared there")
                });
                let diagnostic = self.report(
                    codes::spec::UNKNOWN_GROUP,
                    &pointer,
                    format!("group `{group}` of `{endpoint_name}` is not declared in `groups`"),
                );
                diagnostic.label = Some("not a declared group".into());
                diagnostic.help = Some(help);
            }
        }
        // A declared group an unknown one is a likely typo of is not unused: the error's
        // did-you-mean already points at it. A group whose name was refused is not either.
        let named: Vec<&str> = spec.endpoints.values().filter_map(|endpoint| endpoint.group.as_deref()).collect();
        let meant: Vec<&str> = named
            .iter()
            .filter(|group| !spec.groups.contains_key(**group))
            .filter_map(|group| closest(group, spec.groups.keys().map(String::as_str)))
            .collect();
        for name in spec.groups.keys() {
            if is_group_name(name) && !named.contains(&name.as_str()) && !meant.contains(&name.as_str()) {
                self.report_at_key(
                    codes::spec::UNUSED_GROUP,
                    &join_pointer("/groups", name),
                    format!("no endpoint belongs to group `{name}`"),
                )
                .help = Some(format!("remove it, or set `group: {name}` on the endpoints that belong to it"));
            }
        }
    }
}
