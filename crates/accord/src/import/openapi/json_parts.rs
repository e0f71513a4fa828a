//! A large JSON document read in two parts at once, one on each core: the text is cut at a
//! line that starts an entry of the top-level object, or of an object that is a top-level
//! entry's value (`paths`, `components`), and each part is made a whole JSON text again by
//! closing what the cut left open (the first part) or reopening it (the second). GitHub's
//! 3.6 MB description took ≈ 20 ms (under perf) to read on one core, the import's first step
//! (issue 22).
//!
//! A raw line break never occurs inside a JSON string (RFC 8259 §7: control characters are
//! escaped), so every line starts outside a string and the cut is found from the lines alone:
//! the indentation of a pretty-printed document tells an entry's depth. Nothing here trusts
//! that guess. A part parses only if the cut was at exactly the depth assumed, between two
//! entries of objects, and the parent named is then checked against the first part's last
//! key; otherwise, or when the parts repeat a key, [`value_in_parts`] gives `None` and the
//! caller reads the text whole, so every error is the whole text's.

use serde_json::Value;

/// Texts at least this long are read in parts; below it a thread costs more than it saves.
pub(super) const PARTS_BYTES: usize = 1 << 20;

/// The value of `text` read in two parts on two threads, or `None` when the text is not cut
/// so (not an object printed one entry per line, no entry near enough to the middle), a part
/// does not read, nests deeper than [`crate::spec::yaml::MAX_DEPTH`], or the parts do not
/// join without a key repeated.
pub(super) fn value_in_parts(text: &str) -> Option<Value> {
    let cut = cut(text)?;
    let closing = if cut.parent.is_some() { "}}" } else { "}" };
    let mut first = String::with_capacity(cut.comma + closing.len());
    first.push_str(&text[..cut.comma]);
    first.push_str(closing);
    let mut second = String::with_capacity(text.len() - cut.start + cut.parent.map_or(1, |key| key.len() + 3));
    second.push('{');
    if let Some(key) = cut.parent {
        second.push_str(key);
        second.push_str(":{");
    }
    second.push_str(&text[cut.start..]);
    let read = |part: &str| {
        let value = serde_json::from_str::<Value>(part).ok()?;
        (crate::spec::yaml::depth(&value) <= crate::spec::yaml::MAX_DEPTH).then_some(value)
    };
    let (first, second) = rayon::join(|| read(&first), || read(&second));
    let parent = match cut.parent {
        Some(key) => Some(serde_json::from_str::<String>(key).ok()?),
        None => None,
    };
    crate::parallel::join_parts(first?, second?, parent.as_deref())
}

/// Where [`value_in_parts`] cuts a text.
#[derive(Debug, PartialEq, Eq)]
struct Cut<'a> {
    /// The offset of the comma that ends the entry before the cut.
    comma: usize,
    /// The offset of the line that starts the entry after it.
    start: usize,
    /// The key (as written, quotes included) of the top-level entry whose object the cut is
    /// in; `None` for a cut between top-level entries.
    parent: Option<&'a str>,
}

/// The cut nearest the middle of `text`: before a line indented one level (top-level entry)
/// or two levels inside a top-level entry whose line opens an object (`"paths": {`), that
/// starts with a key and follows a line ending with a comma. The indentation of one level is
/// the second line's. `None` for a text that does not open with `{` alone on its first line.
fn cut(text: &str) -> Option<Cut<'_>> {
    let bytes = text.as_bytes();
    let first_end = memchr::memchr(b'\n', bytes)?;
    if text[..first_end].trim_end_matches('\r') != "{" {
        return None;
    }
    let middle = bytes.len() / 2;
    let mut unit = 0;
    let mut best: Option<Cut<'_>> = None;
    // The comma ending the last line that had content, if it ended so.
    let mut comma: Option<usize> = None;
    let mut parent: Option<&str> = None;
    let mut start = first_end + 1;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |length| start + length);
        let line = text[start..end].trim_end_matches('\r');
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        if content.is_empty() {
            start = end + 1;
            continue;
        }
        if unit == 0 {
            unit = indent;
            if unit == 0 {
                return None;
            }
        }
        let key = content.starts_with('"').then(|| json_string(content)).flatten();
        if indent == unit {
            if let (Some(comma), Some(_)) = (comma, key) {
                consider(middle, Cut { comma, start, parent: None }, &mut best);
            }
            // `"key": {` alone: the entries below are this object's.
            parent = key.filter(|key| content[key.len()..].trim_start().strip_prefix(':').map(str::trim) == Some("{"));
        } else if indent == 2 * unit
            && let (Some(comma), Some(_), Some(parent)) = (comma, key, parent)
        {
            consider(middle, Cut { comma, start, parent: Some(parent) }, &mut best);
        } else if indent < unit {
            parent = None;
        }
        comma = line.ends_with(',').then(|| start + line.len() - 1);
        start = end + 1;
    }
    best
}

fn consider<'a>(middle: usize, candidate: Cut<'a>, best: &mut Option<Cut<'a>>) {
    if best.as_ref().is_none_or(|chosen| chosen.start.abs_diff(middle) > candidate.start.abs_diff(middle)) {
        *best = Some(candidate);
    }
}

/// The JSON string that `text` starts with, quotes included (`None` if it does not close on
/// this line).
fn json_string(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut index = 1;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 2,
            b'"' => return Some(&text[..=index]),
            _ => index += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> String {
        serde_json::to_string(&serde_json::from_str::<Value>(text).unwrap()).unwrap()
    }

    fn parts(text: &str) -> Option<String> {
        value_in_parts(text).map(|value| serde_json::to_string(&value).unwrap())
    }

    /// A pretty-printed document whose middle falls inside `paths`.
    fn document() -> String {
        let paths: serde_json::Map<String, Value> = (0..40)
            .map(|index| {
                (format!("/things/{index}"), serde_json::json!({"get": {"operationId": format!("get{index}")}}))
            })
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": paths,
            "components": {"schemas": {"A": {"type": "string"}}},
        }))
        .unwrap()
    }

    #[test]
    fn a_document_read_in_parts_is_the_document_read_whole() {
        let text = document();
        let cut = cut(&text).expect("a cut");
        assert_eq!(cut.parent, Some("\"paths\""), "the middle is inside `paths`");
        assert!(text[cut.start..].starts_with("    \"/things/"));
        assert_eq!(parts(&text).as_deref(), Some(whole(&text).as_str()));
        // A cut between top-level entries.
        let flat: serde_json::Map<String, Value> =
            (0..50).map(|index| (format!("k{index}"), Value::from(index))).collect();
        let flat = serde_json::to_string_pretty(&flat).unwrap();
        let cut = super::cut(&flat).expect("a cut");
        assert_eq!(cut.parent, None);
        assert_eq!(parts(&flat).as_deref(), Some(whole(&flat).as_str()));
    }

    #[test]
    fn a_text_that_does_not_cut_cleanly_is_left_to_the_whole_read() {
        let text = document();
        // A key repeated across the cut: the whole read keeps the last value, the parts give up.
        let repeated = text.replacen("\"/things/39\"", "\"/things/0\"", 1);
        assert_ne!(whole(&repeated), whole(&text));
        assert_eq!(parts(&repeated), None);
        // Indentation that lies about depth (the entries are one level deeper than they look).
        let lying = text.replacen("\"paths\": {", "\"paths\": {\n  \"inner\": {", 1).replacen(
            "\n  },\n  \"components\"",
            "\n  }},\n  \"components\"",
            1,
        );
        assert!(serde_json::from_str::<Value>(&lying).is_ok());
        assert_eq!(parts(&lying), None);
        // Minified, or a first line that is not `{` alone.
        assert_eq!(cut(&whole(&text)), None);
        assert_eq!(cut(&format!("{{ \"a\": 1,\n{}", &text[2..])), None);
        // Too deep for the limit, though serde_json reads it.
        let deep = text.replacen(
            "\"T\"",
            &format!("{}1{}", "[".repeat(crate::spec::yaml::MAX_DEPTH), "]".repeat(crate::spec::yaml::MAX_DEPTH)),
            1,
        );
        assert!(serde_json::from_str::<Value>(&deep).is_ok());
        assert_eq!(parts(&deep), None);
    }
}
