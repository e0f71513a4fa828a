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
        id: "deep-nesting-stack-overflow",
        issue_item: "issue 20 item 1 (helper parse): deep YAML/JSON nesting overflows the stack",
        meanwhile: "generated nesting is capped at 100 levels (NESTING_CAP_WHILE_AWAITING), else a stack \
                    overflow would abort the worker; crashes are still reported",
        matches: |_, _, _| false,
    },
    Awaited {
        id: "alias-bomb",
        issue_item: "issue 20 item 9 (helper parse): a YAML alias bomb costs gigabytes and seconds",
        meanwhile: "generated alias bombs are kept to 3 levels of 4 (a few hundred nodes)",
        matches: |_, _, _| false,
    },
    Awaited {
        id: "webhook-19-digit-timestamp",
        issue_item: "issue 20 item 12 (helper redge): Scheme::sign accepts a 19-digit timestamp that \
                     verify refuses",
        meanwhile: "a round-trip failure whose timestamp has 19 digits is counted as awaited",
        matches: |target, kind, message| {
            target == "webhook" && kind == "violation" && message.contains("round-trip") && message.contains("ts19")
        },
    },
];

/// Whether the entry `id` is still awaiting its fix.
pub fn awaiting(id: &str) -> bool {
    AWAITING_FIX.iter().any(|entry| entry.id == id)
}

/// The awaited defect a finding is, if any.
pub fn classify(target: &str, kind: &str, message: &str) -> Option<&'static Awaited> {
    AWAITING_FIX.iter().find(|entry| (entry.matches)(target, kind, message))
}

/// Deepest nesting a generated input may have: small while the stack-overflow fix is awaited.
pub fn nesting_cap() -> usize {
    if awaiting("deep-nesting-stack-overflow") { NESTING_CAP_WHILE_AWAITING } else { 100_000 }
}

/// The nesting cap while `deep-nesting-stack-overflow` is listed.
pub const NESTING_CAP_WHILE_AWAITING: usize = 100;

/// Levels and width of generated YAML alias bombs.
pub fn alias_bomb_size() -> (usize, usize) {
    if awaiting("alias-bomb") { (3, 4) } else { (9, 9) }
}
