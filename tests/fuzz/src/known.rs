//! Defects that are known, reported, and being fixed elsewhere: each entry names its issue
//! item and what the runner does about it meanwhile. A finding that matches an entry is still
//! counted, printed and saved, under "awaited" instead of failing the run. When a fix is
//! merged, the lead deletes its entry here; the runner then generates the full inputs again
//! and any finding of that class fails the run.

/// One known defect awaiting its fix.
pub struct Awaited {
    /// Short stable id, printed with every finding it matches.
    pub id: &'static str,
    /// Where the defect is written down, and who fixes it.
    pub issue_item: &'static str,
    /// What the runner does while the entry stays.
    pub meanwhile: &'static str,
    /// Whether a finding (target name, kind, message) is this defect.
    pub matches: fn(&str, &str, &str) -> bool,
}

/// Known defects awaiting their fix. Empty this list as fixes are merged.
pub const AWAITING_FIX: &[Awaited] = &[
    Awaited {
        id: "webhook-negative-unsigned-timestamp",
        issue_item: "found by accord-fuzz (issue 20 item 12, runtime edges; unassigned): a scheme that \
                     sends a timestamp header it does not sign gets a negative timestamp from \
                     Scheme::sign, which verify refuses",
        meanwhile: "a round-trip failure with a negative timestamp is counted as awaited",
        matches: |target, kind, message| round_trip(target, kind, message, "negative-ts"),
    },
    Awaited {
        id: "webhook-scheme-check-separator",
        issue_item: "found by accord-fuzz (issue 20 item 12; unassigned): Scheme::check accepts a \
                     separator that base64/hex signatures contain (`l`, `dc`), so sign's header is \
                     split inside a signature and does not verify",
        meanwhile: "round-trip failures of such schemes are counted as awaited",
        matches: |target, kind, message| round_trip(target, kind, message, "sep-in-alphabet"),
    },
    Awaited {
        id: "webhook-scheme-check-format-space",
        issue_item: "found by accord-fuzz (issue 20 item 12; unassigned): Scheme::check accepts a format \
                     with a space at an end (`sha1={hex} `); verify trims the header and refuses \
                     what sign wrote",
        meanwhile: "round-trip failures of such schemes are counted as awaited",
        matches: |target, kind, message| round_trip(target, kind, message, "format-space"),
    },
    Awaited {
        id: "webhook-scheme-check-header-names",
        issue_item: "found by accord-fuzz (issue 20 item 12; unassigned): Scheme::check accepts an empty \
                     id or timestamp header name, or two of the scheme's headers alike; sign writes \
                     headers verify calls duplicated",
        meanwhile: "round-trip failures of such schemes are counted as awaited",
        matches: |target, kind, message| round_trip(target, kind, message, "header-clash"),
    },
];

/// The awaited defect a finding is, if any.
pub fn classify(target: &str, kind: &str, message: &str) -> Option<&'static Awaited> {
    AWAITING_FIX.iter().find(|entry| (entry.matches)(target, kind, message))
}

/// Deepest nesting a generated input may have: far past `spec::yaml::MAX_DEPTH` (100), the
/// depths of issue 20's stack overflow (50,000) and quadratic time (100,000).
pub fn nesting_cap() -> usize {
    100_000
}

/// Levels and width of generated YAML alias bombs: 9^9 nodes expanded, far past the budget of
/// `spec::yaml::MAX_ALIAS_NODES`.
pub fn alias_bomb_size() -> (usize, usize) {
    (9, 9)
}

/// A webhook round-trip failure carrying `tag` (see `targets::webhook::tags`).
fn round_trip(target: &str, kind: &str, message: &str, tag: &str) -> bool {
    target == "webhook"
        && kind == "violation"
        && message.starts_with("round-trip")
        && message.rsplit_once("[tags:").is_some_and(|(_, tags)| tags.split([' ', ']']).any(|t| t == tag))
}

#[cfg(test)]
mod tests {
    use super::classify;

    #[test]
    fn findings_match_only_their_own_awaited_entry() {
        fn id(target: &str, kind: &str, message: &str) -> Option<&'static str> {
            classify(target, kind, message).map(|entry| entry.id)
        }
        let round_trip = "round-trip: a delivery signed by Scheme::sign is refused by verify: InvalidTimestamp";
        let negative = format!("{round_trip} [tags: negative-ts]");
        assert_eq!(id("webhook", "violation", &negative), Some("webhook-negative-unsigned-timestamp"));
        assert_eq!(id("webhook", "panic", &negative), None);
        assert_eq!(id("spec", "violation", &negative), None);
        // Fixed defects are no longer awaited: a finding of theirs fails the run.
        assert_eq!(id("webhook", "violation", &format!("{round_trip} [tags: ts19]")), None);
        assert_eq!(id("webhook", "violation", &format!("{round_trip} [tags:]")), None);
        let refused = "import wrote a spec that check refuses";
        assert_eq!(id("openapi", "violation", &format!("{refused} (spec::bad_path):\n…")), None);
        assert_eq!(id("openapi", "violation", &format!("{refused} (spec::bad_url):\n…")), None);
        assert_eq!(id("openapi", "violation", &format!("{refused} (spec::bad_name, spec::bad_path):\n…")), None);
        assert_eq!(id("openapi", "crash", "the worker died"), None);
    }
}
