//! A text that matches a regular expression, for examples of fields and parameters with a
//! `pattern` (issue 21: `"string"` where Twilio wants `^AC[0-9a-fA-F]{32}$`). The pattern is
//! parsed by `regex-syntax` (the parser of the `regex` crate, which `check` already uses to
//! validate patterns) and walked: literals as written, the first branch of an alternation,
//! each repetition its least count (at least one), a class's characters taken in turn so the
//! text reads like an id (`AC0a1b…`) rather than one repeated character.

use regex_syntax::hir::{Class, Hir, HirKind};

/// The most characters a pattern example may have; a pattern that needs more gets `None`.
const MAX_PATTERN_TEXT: usize = 256;

/// A text matching `pattern`, or `None` when it does not parse, cannot match (an empty
/// class) or needs more than [`MAX_PATTERN_TEXT`] characters.
pub(crate) fn text_matching(pattern: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut out = String::new();
    let mut turn = 0usize;
    walk(&hir, &mut out, &mut turn)?;
    Some(out)
}

fn walk(hir: &Hir, out: &mut String, turn: &mut usize) -> Option<()> {
    if out.len() > MAX_PATTERN_TEXT {
        return None;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(std::str::from_utf8(&literal.0).ok()?),
        HirKind::Class(class) => {
            let choices: Vec<char> = match class {
                Class::Unicode(class) => class
                    .ranges()
                    .iter()
                    .flat_map(|range| (range.start()..=range.end()).take(64))
                    .filter(|c| !c.is_control())
                    .take(256)
                    .collect(),
                Class::Bytes(class) => class
                    .ranges()
                    .iter()
                    .flat_map(|range| (range.start()..=range.end()).take(64))
                    .filter(|b| b.is_ascii() && !b.is_ascii_control())
                    .map(char::from)
                    .collect(),
            };
            // Letters and digits first: `[^/]` should give `a`, not `!`.
            let preferred: Vec<char> = choices.iter().copied().filter(char::is_ascii_alphanumeric).collect();
            let choices = if preferred.is_empty() { choices } else { preferred };
            if choices.is_empty() {
                return None;
            }
            out.push(choices[(*turn * 7 + *turn / choices.len()) % choices.len()]);
            *turn += 1;
        }
        HirKind::Repetition(repetition) => {
            let least = if repetition.min > 0 { repetition.min } else { u32::from(repetition.max != Some(0)) };
            for _ in 0..least.min(MAX_PATTERN_TEXT as u32 + 1) {
                walk(&repetition.sub, out, turn)?;
            }
        }
        HirKind::Capture(capture) => walk(&capture.sub, out, turn)?,
        HirKind::Concat(parts) => {
            for part in parts {
                walk(part, out, turn)?;
            }
        }
        HirKind::Alternation(branches) => walk(branches.first()?, out, turn)?,
    }
    (out.len() <= MAX_PATTERN_TEXT).then_some(())
}

#[cfg(test)]
mod tests {
    use super::text_matching;

    #[test]
    fn texts_match_their_patterns() {
        let sid = text_matching("^AC[0-9a-fA-F]{32}$").expect("a text");
        assert_eq!(sid.len(), 34);
        assert!(sid.starts_with("AC") && sid[2..].chars().all(|c| c.is_ascii_hexdigit()), "{sid}");
        assert!(text_matching("^(SM|MM)[0-9a-f]{32}$").expect("a text").starts_with("SM"));
        assert_eq!(text_matching("^ORD-[0-9]{8}$").map(|t| t.len()), Some(12));
        assert_eq!(text_matching("^[a-z]+$").map(|t| t.len()), Some(1));
        assert_eq!(text_matching("[^\\s\\S]"), None);
        assert_eq!(text_matching("a{1000}"), None);
        assert_eq!(text_matching("("), None);
    }
}
