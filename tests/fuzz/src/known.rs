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
pub const AWAITING_FIX: &[Awaited] = &[];

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

#[cfg(test)]
mod tests {
    use super::classify;

    #[test]
    fn findings_match_only_their_own_awaited_entry() {
        fn id(target: &str, kind: &str, message: &str) -> Option<&'static str> {
            classify(target, kind, message).map(|entry| entry.id)
        }
        // Every defect found so far is fixed: a finding of any of them fails the run.
        let round_trip = "round-trip: a delivery signed by Scheme::sign is refused by verify: InvalidTimestamp";
        for tag in ["ts19", "negative-ts", "sep-in-alphabet", "format-space", "header-clash", ""] {
            assert_eq!(id("webhook", "violation", &format!("{round_trip} [tags: {tag}]")), None, "{tag}");
        }
        let refused = "import wrote a spec that check refuses";
        for codes in ["spec::bad_path", "spec::bad_url", "spec::bad_pagination", "yaml::syntax"] {
            assert_eq!(id("openapi", "violation", &format!("{refused} ({codes}):\n…")), None, "{codes}");
        }
        assert_eq!(id("openapi", "crash", "the worker died"), None);
    }
}
