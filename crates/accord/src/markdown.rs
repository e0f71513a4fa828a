//! Markdown written by others (API descriptions, often copied from a provider's docs) made safe
//! for every output: a fenced code block left open is closed, a link whose target holds
//! whitespace (which CommonMark does not read as a link) keeps its text only, and, for Rust doc
//! comments, no code block is left that rustdoc would compile as a doc-test.
//!
//! Blocks are found with pulldown-cmark, the CommonMark parser rustdoc itself uses, so a
//! one-line code span written with three backticks (```` ```name``` ````) is a code span here
//! as it is there (CommonMark 0.31, 4.5: the info string of a backtick fence holds no
//! backtick), and an indented code block inside a list item is told from list text.
//! A leaf: it uses nothing else of accord.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

/// What [`repair`] changed in a text, for the warning `check` gives (`spec::markdown_repaired`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    /// A fenced code block that runs to the end of the text: a closing fence was added.
    UnclosedFence {
        /// The 1-based line of its opening fence.
        line: usize,
    },
    /// `[text](target)` with whitespace in `target`: not a link (CommonMark 6.3), shown as
    /// `[text](target)` literally; the brackets and target were dropped, the text kept.
    LinkTargetWithSpace {
        /// The 1-based line of the link.
        line: usize,
        /// The target as written.
        target: String,
    },
}

impl std::fmt::Display for Repair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Repair::UnclosedFence { line } => {
                write!(
                    f,
                    "the code block opened on line {line} of the text is never closed; a closing fence is added at its end"
                )
            }
            Repair::LinkTargetWithSpace { line, target } => write!(
                f,
                "the link target `{target}` on line {line} of the text holds whitespace, so it is no link (CommonMark); only its text is kept"
            ),
        }
    }
}

/// Spec prose with its [`Repair`]s applied: fences closed, links that cannot resolve reduced
/// to their text. Code blocks keep their info strings. Text that needs nothing is returned
/// borrowed.
pub fn repair(text: &str) -> (Cow<'_, str>, Vec<Repair>) {
    normalise(text, false)
}

/// Spec prose for a Rust doc comment: [`repair`], and every code block that rustdoc would
/// compile as a doc-test ([`rustdoc_compiles`]) made one it does not: a fence without an info
/// string (or with only rustdoc attributes such as `no_run`) gets `text`, a `rust` fence gets
/// `rust,ignore` (still highlighted), an indented code block becomes a ```` ```text ```` fence.
/// Fences in another language (`json`, `sh`) are left as they are: rustdoc does not test them.
pub fn for_rustdoc(text: &str) -> Cow<'_, str> {
    normalise(text, true).0
}

/// Whether rustdoc compiles a fenced code block with this info string as a doc-test (The
/// rustdoc book, "Documentation tests" and "Attributes"; rustdoc's `LangString::parse`): the
/// block is Rust when its info string has no word rustdoc does not know, or has `rust` or
/// another Rust attribute among them (`should_panic`, `no_run`, `compile_fail`, …), and it
/// is compiled unless `ignore` is one of them. `no_run` is compiled (not run), so it counts.
pub fn rustdoc_compiles(info: &str) -> bool {
    let mut rust = false;
    let mut other = false;
    let mut ignore = false;
    for token in info.split(|c: char| c == ',' || c.is_whitespace()).filter(|t| !t.is_empty()) {
        let token = token.trim_start_matches('{').trim_end_matches('}');
        match token {
            "" => {}
            "rust" | "should_panic" | "no_run" | "test_harness" | "compile_fail" | "standalone_crate" => rust = true,
            "ignore" => {
                rust = true;
                ignore = true;
            }
            "custom" => return false,
            t if t.starts_with("ignore-") => rust = true,
            t if t.starts_with("edition") || t.starts_with('.') || t.starts_with("class=") => {}
            t if t.len() == 5 && t.starts_with('E') && t[1..].bytes().all(|b| b.is_ascii_digit()) => rust = true,
            _ => other = true,
        }
    }
    (rust || !other) && !ignore
}

/// How many code blocks of `markdown` rustdoc would compile as doc-tests: fenced blocks
/// [`rustdoc_compiles`] says so of, and every indented code block. A generated doc comment's
/// text must give 0.
pub fn doc_tests(markdown: &str) -> usize {
    Parser::new_ext(markdown, options())
        .filter(|event| match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => rustdoc_compiles(info),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => true,
            _ => false,
        })
        .count()
}

/// How many doc-tests rustdoc would find in the doc comments (`///`, `//!`) of a Rust source
/// file as prettyplease prints it: each run of doc-comment lines is one text, unindented as
/// rustdoc does (the smallest indentation of its non-blank lines removed), and counted by
/// [`doc_tests`]. The check that a generated crate has no doc-test, cheap enough for every test
/// run (`cargo test --doc` compiles the crate).
pub fn doc_tests_in_rust(source: &str) -> usize {
    let mut total = 0;
    let mut run: Vec<&str> = Vec::new();
    let mut marker = "";
    let mut flush = |run: &mut Vec<&str>| {
        if run.is_empty() {
            return;
        }
        let indent = run
            .iter()
            .filter(|line| !line.trim().is_empty())
            .map(|line| line.len() - line.trim_start().len())
            .min()
            .unwrap_or(0);
        let text: Vec<&str> = run.iter().map(|line| if line.len() >= indent { &line[indent..] } else { "" }).collect();
        total += doc_tests(&text.join("\n"));
        run.clear();
    };
    for line in source.lines() {
        let trimmed = line.trim_start();
        let this = if trimmed.starts_with("///") && !trimmed.starts_with("////") {
            "///"
        } else if trimmed.starts_with("//!") {
            "//!"
        } else {
            ""
        };
        if this != marker {
            flush(&mut run);
            marker = this;
        }
        if !this.is_empty() {
            run.push(&trimmed[3..]);
        }
    }
    flush(&mut run);
    total
}

/// The CommonMark options rustdoc parses doc comments with that change block structure
/// (tables, footnotes, strikethrough, task lists); none of them changes where code blocks are.
/// The code spans of one line, as byte ranges from the first backtick of the opening run to
/// the last of the closing one: a run of backticks opens a span that the next run of the same
/// length closes (CommonMark 0.31, 6.1); a run without its match is literal text. In a table
/// row (a line starting with `|`) each cell is scanned alone: GFM splits a row at its
/// unescaped pipes before it reads inline code (GFM 0.29, 4.10), so no span crosses a cell.
/// For the docs book's own scans of a line (links inside code are text, not links).
pub fn code_spans(line: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    if !line.contains('`') {
        return spans;
    }
    if !line.trim_start().starts_with('|') {
        spans_within(line, 0..line.len(), &mut spans);
        return spans;
    }
    let bytes = line.as_bytes();
    let mut cell = 0;
    for (at, byte) in bytes.iter().enumerate() {
        if *byte == b'|' && (at == 0 || bytes[at - 1] != b'\\') {
            spans_within(line, cell..at, &mut spans);
            cell = at + 1;
        }
    }
    spans_within(line, cell..line.len(), &mut spans);
    spans
}

/// Adds [`code_spans`] of `line[within]` to `spans`, as ranges of `line`.
fn spans_within(line: &str, within: Range<usize>, spans: &mut Vec<Range<usize>>) {
    let text = &line[within.clone()];
    let run_at = |at: usize| text[at..].len() - text[at..].trim_start_matches('`').len();
    let mut at = 0;
    while let Some(found) = text[at..].find('`') {
        let open = at + found;
        let run = run_at(open);
        // The closing run: exactly `run` backticks, not part of a longer run.
        let mut search = open + run;
        let mut close = None;
        while let Some(found) = text[search..].find('`') {
            let start = search + found;
            let length = run_at(start);
            if length == run {
                close = Some(start);
                break;
            }
            search = start + length;
        }
        match close {
            Some(close) => {
                spans.push(within.start + open..within.start + close + run);
                at = close + run;
            }
            None => at = open + run,
        }
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// An opening fence line's fence (```` ``` ````, `~~~~`), by CommonMark 4.5: at most three
/// spaces of indentation, three or more backticks or tildes, and for backticks an info
/// string without a backtick (so ```` ```name``` ```` opens nothing: it is a code span).
pub fn opening_fence(line: &str) -> Option<&str> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let marker = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = rest.len() - rest.trim_start_matches(marker).len();
    if length < 3 || (marker == '`' && rest[length..].contains('`')) {
        return None;
    }
    Some(&rest[..length])
}

/// Whether `line` closes a block opened by `fence` (CommonMark 4.5: the same character, at
/// least as many, nothing after but spaces, at most three spaces of indentation).
pub fn closes_fence(line: &str, fence: &str) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let Some(marker) = fence.chars().next() else { return false };
    let rest = line[indent..].trim_end();
    indent <= 3 && rest.len() >= fence.len() && rest.chars().all(|c| c == marker)
}

/// One change to the text: `range` replaced by `with`.
struct Edit {
    range: Range<usize>,
    with: String,
}

/// Whether `text` may hold a code block (a run of three `` ` `` or `~`, or for rustdoc four
/// spaces, which may indent one) and whether it may hold a link (`](`): what [`normalise`]
/// parses the text for. One pass over the rare bytes (`memchr3`) instead of a substring search
/// per pattern, which on Stripe's 146,000 prose strings cost more than the rest of the fast
/// path (issue 22).
fn hints(text: &str, for_rustdoc: bool) -> (bool, bool) {
    let bytes = text.as_bytes();
    let (mut fence, mut link) = (false, false);
    for at in memchr::memchr3_iter(b'`', b'~', b']', bytes) {
        match bytes[at] {
            b']' => link |= bytes.get(at + 1) == Some(&b'('),
            marker => fence |= bytes[at..].starts_with(&[marker; 3]),
        }
        if fence && link {
            break;
        }
    }
    let code = fence || (for_rustdoc && memchr::memmem::find(bytes, b"    ").is_some());
    (code, link)
}

fn normalise(text: &str, for_rustdoc: bool) -> (Cow<'_, str>, Vec<Repair>) {
    // Nothing that could open a code block or make a link: the text as it came, unparsed.
    let (may_have_code, may_have_link) = hints(text, for_rustdoc);
    let tab = for_rustdoc && memchr::memchr(b'\t', text.as_bytes()).is_some();
    if !(may_have_code || may_have_link || tab) {
        return (Cow::Borrowed(text), Vec::new());
    }
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut edits: Vec<Edit> = Vec::new();
    let mut repairs = Vec::new();
    let mut code: Vec<Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                code.push(range.clone());
                let opening_end = text[range.start..].find('\n').map_or(text.len(), |i| range.start + i);
                let opening = &text[range.start..opening_end];
                let marker = opening.trim_start().chars().next().unwrap_or('`');
                let fence_start = range.start + (opening.len() - opening.trim_start().len());
                let fence_length = text[fence_start..opening_end].len()
                    - text[fence_start..opening_end].trim_start_matches(marker).len();
                let fence = &text[fence_start..fence_start + fence_length];
                if for_rustdoc && rustdoc_compiles(&info) {
                    let rust = info.split(|c: char| c == ',' || c.is_whitespace()).any(|t| t == "rust");
                    let tag = if rust { "rust,ignore" } else { "text" };
                    edits.push(Edit { range: fence_start + fence_length..opening_end, with: tag.to_string() });
                }
                let body = &text[range.clone()];
                let mut lines = body.lines();
                lines.next();
                let closed =
                    lines.next_back().is_some_and(|last| closes_fence(last.trim_start_matches(['>', ' ']), fence));
                if !closed {
                    repairs.push(Repair::UnclosedFence { line: line_of(range.start) });
                    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
                    let prefix = &text[line_start..range.start];
                    let newline = if text[..range.end].ends_with('\n') { "" } else { "\n" };
                    let after = if range.end < text.len() { "\n" } else { "" };
                    edits.push(Edit { range: range.end..range.end, with: format!("{newline}{prefix}{fence}{after}") });
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => {
                code.push(range.clone());
                if for_rustdoc {
                    edits.push(indented_to_fenced(text, range));
                }
            }
            Event::Code(_) => code.push(range),
            _ => {}
        }
    }
    if may_have_link {
        links_with_space(text, &code, &line_of, &mut edits, &mut repairs);
    }
    if edits.is_empty() {
        return (Cow::Borrowed(text), repairs);
    }
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::with_capacity(text.len() + 16 * edits.len());
    let mut at = 0;
    for edit in edits {
        if edit.range.start < at {
            continue; // overlapping edits cannot happen (blocks do not nest); kept safe
        }
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.with);
        at = edit.range.end;
    }
    out.push_str(&text[at..]);
    (Cow::Owned(out), repairs)
}

/// An indented code block (`range` starts at its first line's content, after the four
/// columns of indentation) rewritten as a ```` ```text ```` fence at the indentation of the
/// container it is in, its lines outdented by those four columns.
fn indented_to_fenced(text: &str, range: Range<usize>) -> Edit {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..range.start];
    let outer = if let Some(stripped) = prefix.strip_suffix("    ") {
        stripped
    } else if let Some(stripped) = prefix.strip_suffix('\t') {
        stripped
    } else {
        prefix
    };
    let block = &text[line_start..range.end];
    let mut with = format!("{outer}```text\n");
    for line in block.split_inclusive('\n') {
        match line.strip_prefix(prefix) {
            Some(rest) => {
                with.push_str(outer);
                with.push_str(rest);
            }
            None => with.push_str(line),
        }
    }
    if !with.ends_with('\n') {
        with.push('\n');
    }
    with.push_str(outer);
    with.push_str("```");
    if range.end < text.len() || text.ends_with('\n') {
        with.push('\n');
    }
    Edit { range: line_start..range.end, with }
}

/// `[text](target)` on one line, outside code, whose target holds whitespace (and is not
/// written `<…>`, where CommonMark allows it): replaced by `text`, with a repair.
fn links_with_space(
    text: &str,
    code: &[Range<usize>],
    line_of: &dyn Fn(usize) -> usize,
    edits: &mut Vec<Edit>,
    repairs: &mut Vec<Repair>,
) {
    let in_code = |offset: usize| code.iter().any(|range| range.contains(&offset));
    let mut search = 0;
    while let Some(found) = text[search..].find("](") {
        let middle = search + found;
        search = middle + 2;
        let line_start = text[..middle].rfind('\n').map_or(0, |i| i + 1);
        let Some(open) = text[line_start..middle].rfind('[').map(|i| line_start + i) else { continue };
        let target_start = middle + 2;
        let line_end = text[target_start..].find('\n').map_or(text.len(), |i| target_start + i);
        let Some(close) = text[target_start..line_end].find(')').map(|i| target_start + i) else { continue };
        let target = &text[target_start..close];
        if target.starts_with('<') || !target.trim().contains(char::is_whitespace) || in_code(open) || in_code(middle) {
            continue;
        }
        // A target followed by a quoted title (`(url "title")`) is a link with a title.
        let mut parts = target.trim().splitn(2, char::is_whitespace);
        let first = parts.next().unwrap_or_default();
        let rest = parts.next().unwrap_or_default().trim();
        if !first.is_empty() && (rest.starts_with('"') || rest.starts_with('\'') || rest.starts_with('(')) {
            continue;
        }
        repairs.push(Repair::LinkTargetWithSpace { line: line_of(open), target: target.to_string() });
        edits.push(Edit { range: open..close + 1, with: text[open + 1..middle].to_string() });
        search = close + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_find_what_the_substring_searches_found() {
        // The searches `hints` replaced, for every text and both modes.
        let searched = |text: &str, for_rustdoc: bool| {
            (
                text.contains("```") || text.contains("~~~") || (for_rustdoc && text.contains("    ")),
                text.contains("]("),
            )
        };
        let pieces =
            ["", "`", "``", "```", "~", "~~", "~~~", "]", "](", "] (", " ", "   ", "    ", "\t", "x", "é", "\n"];
        let mut texts = Vec::new();
        for [a, b, c] in crate::test_util::triples(&pieces) {
            texts.push(format!("{a}{b}{c}"));
            texts.push(format!("see {a}word{b}x{c}"));
        }
        for text in &texts {
            for for_rustdoc in [false, true] {
                assert_eq!(hints(text, for_rustdoc), searched(text, for_rustdoc), "{text:?} {for_rustdoc}");
            }
        }
    }

    #[test]
    fn rustdoc_compiles_what_its_book_says() {
        for (info, compiled) in [
            ("", true),
            ("rust", true),
            ("no_run", true),
            ("should_panic", true),
            ("rust,no_run", true),
            ("compile_fail", true),
            ("edition2021", true),
            ("ignore", false),
            ("rust,ignore", false),
            ("text", false),
            ("json", false),
            ("sh", false),
            ("json,no_run", true),
            ("custom", false),
            ("{.rust}", true),
            ("E0277", true),
        ] {
            assert_eq!(rustdoc_compiles(info), compiled, "info string {info:?}");
        }
    }

    #[test]
    fn fences_rustdoc_would_test_are_tagged_and_others_kept() {
        let text = "Intro.\n\n```\ncurl https://x\n```\n\n```json\n{}\n```\n\n```rust\nlet a = 1;\n```\n\n~~~ no_run\nx\n~~~\n";
        let out = for_rustdoc(text);
        assert_eq!(
            out,
            "Intro.\n\n```text\ncurl https://x\n```\n\n```json\n{}\n```\n\n```rust,ignore\nlet a = 1;\n```\n\n~~~text\nx\n~~~\n"
        );
        assert_eq!(doc_tests(text), 3);
        assert_eq!(doc_tests(&out), 0);
    }

    #[test]
    fn indented_code_becomes_a_text_fence_but_list_text_does_not() {
        let text = "Example:\n\n    GET /v1/items\n    Host: x\n\nAfter.";
        let out = for_rustdoc(text);
        assert_eq!(out, "Example:\n\n```text\nGET /v1/items\nHost: x\n```\n\nAfter.");
        assert_eq!(doc_tests(&out), 0);
        let list = "- item\n\n      code in item\n\nz";
        let out = for_rustdoc(list);
        assert_eq!(out, "- item\n\n  ```text\n  code in item\n  ```\n\nz");
        assert_eq!(doc_tests(&out), 0);
        // A list item's continuation indented by four is text, not code.
        let continuation = "1. one\n    still one\n2. two";
        assert_eq!(for_rustdoc(continuation), continuation);
    }

    #[test]
    fn an_unclosed_fence_is_closed_and_reported() {
        let (out, repairs) = repair("Text.\n\n```\nopen\nnever closed");
        assert_eq!(out, "Text.\n\n```\nopen\nnever closed\n```");
        assert_eq!(repairs, vec![Repair::UnclosedFence { line: 3 }]);
        let (out, _) = repair("```json\n{}\n");
        assert_eq!(out, "```json\n{}\n```");
        assert_eq!(for_rustdoc("a\n\n```\nx"), "a\n\n```text\nx\n```");
    }

    #[test]
    fn code_spans_pair_runs_of_one_length_and_leave_a_lone_run_literal() {
        fn spans(line: &str) -> Vec<&str> {
            code_spans(line).into_iter().map(|span| &line[span]).collect()
        }
        assert_eq!(spans("a `b` c ``d ` e`` f"), ["`b`", "``d ` e``"]);
        // Outside a table the third backtick pairs with the next one (CommonMark 6.1) ...
        assert_eq!(spans("Send`a `user.signup` x [`op`](#op)"), ["`a `", "` x [`"]);
        // ... in a table row it has no partner in its cell: literal, and the link is outside code.
        assert_eq!(spans("| Send`a `user.signup` x | [`op`](#op) |"), ["`a `", "`op`"]);
        assert_eq!(spans(r"| `a \| b` | c |"), [r"`a \| b`"]);
        assert_eq!(spans("no code"), Vec::<&str>::new());
        assert_eq!(spans("```"), Vec::<&str>::new());
    }

    #[test]
    fn a_triple_backtick_code_span_is_no_fence() {
        let text = "Use ```name``` here.\n\n```name```\n\nAfter [link](#x).";
        let (out, repairs) = repair(text);
        assert_eq!(out, text);
        assert!(repairs.is_empty());
        assert_eq!(opening_fence("```name```"), None);
        assert_eq!(opening_fence("```json"), Some("```"));
        assert_eq!(opening_fence("  ~~~~ a`b"), Some("~~~~"));
        assert_eq!(opening_fence("    ```"), None);
        assert!(closes_fence("````  ", "```"));
        assert!(!closes_fence("``", "```"));
        assert!(!closes_fence("~~~", "```"));
    }

    #[test]
    fn a_link_target_with_a_space_keeps_its_text() {
        let (out, repairs) = repair("See [the guide](#getting started) and [ok](#fine) or `[x](#a b)`.");
        assert_eq!(out, "See the guide and [ok](#fine) or `[x](#a b)`.");
        assert_eq!(repairs, vec![Repair::LinkTargetWithSpace { line: 1, target: "#getting started".into() }]);
        // `<…>` targets and titles are links.
        let text = "[a](<#x y>) [b](https://x.test \"title\")";
        assert_eq!(repair(text), (Cow::Borrowed(text), Vec::new()));
    }

    #[test]
    fn doc_comments_of_a_rust_file_are_scanned_as_rustdoc_reads_them() {
        let source = "//! Crate.\n//!\n//! ```\n//! x\n//! ```\n\n/// Item.\n///\n///     indented\npub struct A;\n\n/// ```text\n/// y\n/// ```\npub struct B;\n";
        assert_eq!(doc_tests_in_rust(source), 2);
        // A run indented as a whole is unindented first: no indented code block there.
        assert_eq!(doc_tests_in_rust("///     all\n///     indented\npub struct C;\n"), 0);
    }

    #[test]
    fn plain_text_is_returned_as_it_came() {
        assert!(matches!(for_rustdoc("Just words."), Cow::Borrowed(_)));
        assert!(matches!(repair("Words `code` and [a](#b)."), (Cow::Borrowed(_), _)));
    }
}
