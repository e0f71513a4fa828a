//! What a YAML (or JSON) text may hold, checked before a parser that recurses or slows down
//! on it reads the text: a linear scan of the bytes for flow nesting (`[[[…`, `{a: {a: …`,
//! JSON arrays and objects) and for aliases.
//!
//! Both YAML parsers accord uses take time in proportion to the flow depth for every token
//! (each open flow level keeps a possible implicit key that is re-examined: yaml-rust2's
//! `Scanner::fetch_more_tokens`, libyaml's `yaml_parser_stale_simple_keys`), so a text of
//! 200 KB nested 100,000 deep took minutes; and serde_yaml expands aliases while building a
//! value (a "billion laughs" text of 2 KB used 476 MB). This scan runs first and alone: it
//! finds the flow collection that opens level [`MAX_DEPTH`]` + 1`, and whether the text may
//! hold an alias at all. Block nesting (`- - - …`, indentation) is measured exactly by the
//! event pass of `spec::yaml`, which is linear in it.
//!
//! The scan is a small YAML lexer: it knows quoted scalars, comments, block scalars
//! (`|`, `>`), and where a token may start, so that brackets in text do not count. Where it
//! cannot know without parsing (the parent indentation of a block scalar, a plain scalar
//! continued on the next line) it errs towards counting, never towards skipping text the
//! parsers would read as structure.

/// The deepest nesting of collections accepted, counted from the document's root (a spec's
/// top-level mapping is depth 1). The deepest document of the OpenAPI corpus (Stripe's) is 25
/// deep, the deepest spec 9.
pub const MAX_DEPTH: usize = 100;

/// What the scan found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Scan {
    /// Byte offset of the `[` or `{` that opens flow level `MAX_DEPTH + 1`, if any.
    pub too_deep: Option<usize>,
    /// Whether the text may hold an alias (`*name` where a token can start). Over-reports
    /// (an emphasised `*word*` in a plain or quoted scalar counts); never misses one. The
    /// content of a block scalar (`|`, `>`) is not looked at: nothing there is a token, and
    /// the scan ends a block scalar no later than the parsers do (module docs). Stripe's
    /// document writes `*cents*` and `**NOTE:**` only in `description: >-` blocks.
    pub may_have_aliases: bool,
    /// Whether a line may hold block nesting deeper than [`MAX_DEPTH`]: its indentation
    /// plus its `-` and `?` indicators pass it (each block level takes a column of
    /// indentation or an indicator). The event pass decides; this only says that a parser
    /// building the whole value should wait for it.
    pub may_be_deep: bool,
    /// Whether a quoted scalar or a flow collection goes on past the end of a line, or the
    /// text breaks a line otherwise than with `\n` (a lone `\r`, NEL, LS, PS). Where neither,
    /// every `\n`-ended line is block structure, the content of a block scalar, or the
    /// continuation of a plain scalar (indented more than the node it belongs to, as libyaml
    /// requires), so that a line indented as a mapping's keys holds one of its keys
    /// (`locate`). Over-reports as the scan does (a `"` the parsers read as text inside a
    /// plain scalar counts).
    pub flow_spans_lines: bool,
}

/// Scans `source` once, in time linear in its length.
pub(super) fn scan(source: &str) -> Scan {
    let bytes = source.as_bytes();
    let mut block_bodies = Vec::new();
    let mut scan = Scanner { bytes, position: 0, line_start: 0, block_bodies: &mut block_bodies }.run();
    // The scanner breaks lines at `\n` only; libyaml also at a lone `\r`, NEL, LS and PS
    // (YAML 1.1, §5.4), where a block scalar the scanner measured may already have ended.
    let other_breaks = memchr::memchr_iter(b'\r', bytes).any(|at| bytes.get(at + 1) != Some(&b'\n'))
        || ["\u{85}", "\u{2028}", "\u{2029}"].iter().any(|line_break| source.contains(line_break));
    if other_breaks {
        block_bodies.clear();
        scan.flow_spans_lines = true;
    }
    scan.may_have_aliases = may_have_aliases(bytes, &block_bodies);
    scan
}

/// Whether an alias may be anywhere outside `skipped` (sorted byte ranges of block scalar
/// content), from the bytes alone: a `*` after a blank, a line break (NEL, LS and PS
/// included), `[`, `{`, `,` or `:` (or at the start), followed by a character an anchor name
/// can start with. A superset of the aliases a parser finds outside those ranges, whatever
/// the text around them.
fn may_have_aliases(bytes: &[u8], skipped: &[(usize, usize)]) -> bool {
    let mut skipped = skipped.iter().peekable();
    // Only the `*`s are looked at, found with `memchr` (Stripe's description is 3 MB).
    memchr::memchr_iter(b'*', bytes).any(|index| {
        while skipped.next_if(|&&(_, end)| end <= index).is_some() {}
        if skipped.peek().is_some_and(|&&(start, _)| start <= index) {
            return false;
        }
        // 0x85, 0xA8, 0xA9: the last bytes of NEL, LS and PS, line breaks to libyaml.
        (index == 0
            || matches!(
                bytes[index - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b',' | b':' | 0x85 | 0xA8 | 0xA9
            ))
            && bytes.get(index + 1).is_some_and(|&next| !is_blank_or_break(next) && !is_flow_indicator(next))
    })
}

fn is_blank_or_break(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_flow_indicator(byte: u8) -> bool {
    matches!(byte, b'[' | b']' | b'{' | b'}' | b',')
}

struct Scanner<'a> {
    bytes: &'a [u8],
    position: usize,
    /// Where the line of `position` starts.
    line_start: usize,
    /// The byte ranges (start, end) of the block scalar contents skipped so far, in order.
    block_bodies: &'a mut Vec<(usize, usize)>,
}

impl Scanner<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.position + ahead).copied()
    }

    /// Whether the byte after the one at `position` ends a token there (blank, line break,
    /// end of text).
    fn followed_by_blank(&self) -> bool {
        self.peek(1).is_none_or(is_blank_or_break)
    }

    fn skip_to_line_end(&mut self) {
        while let Some(byte) = self.peek(0) {
            if byte == b'\n' {
                return;
            }
            self.position += 1;
        }
    }

    /// The column (0-based, in bytes) of `position`.
    fn column(&self) -> usize {
        self.position - self.line_start
    }

    /// Skips a quoted scalar whose opening quote is at `position`, to just after its closing
    /// quote (or the end of the text): `\` escapes in double quotes, `''` in single ones.
    /// Returns whether the scalar went on past a line break.
    fn skip_quoted(&mut self) -> bool {
        let mut spans_lines = false;
        let quote = self.bytes[self.position];
        self.position += 1;
        while let Some(byte) = self.peek(0) {
            self.position += 1;
            if byte == b'\n' {
                self.line_start = self.position;
                spans_lines = true;
            }
            if quote == b'"' && byte == b'\\' {
                self.position += 1;
            } else if byte == quote {
                if quote == b'\'' && self.peek(0) == Some(b'\'') {
                    self.position += 1;
                } else {
                    return spans_lines;
                }
            }
        }
        spans_lines
    }

    /// Skips an anchor, tag or alias name: to the next blank, line break or flow indicator.
    fn skip_name(&mut self) {
        self.position += 1;
        while let Some(byte) = self.peek(0) {
            if is_blank_or_break(byte) || is_flow_indicator(byte) {
                return;
            }
            self.position += 1;
        }
    }

    /// The indentation (leading spaces) of the line starting at `start`, and whether the line
    /// holds nothing but blanks or a comment.
    fn line_indent(&self, start: usize) -> (usize, bool) {
        let indent = self.bytes[start..].iter().take_while(|&&b| b == b' ').count();
        let rest = memchr::memchr(b'\n', &self.bytes[start + indent..])
            .map_or(&self.bytes[start + indent..], |end| &self.bytes[start + indent..start + indent + end]);
        let first = rest.iter().find(|&&b| b != b' ' && b != b'\t' && b != b'\r');
        (indent, first.is_none_or(|&b| b == b'#'))
    }

    /// Skips the content of a block scalar whose header line ends at `position` (at its line
    /// break). `parent` is the indentation of the node holding the scalar (`-1` at the root):
    /// content lines are those indented more, up to the first less indented non-empty line.
    /// `explicit` is the header's indentation indicator.
    fn skip_block_scalar(&mut self, parent: isize, explicit: Option<usize>) {
        let start = self.position;
        self.skip_block_scalar_lines(parent, explicit);
        if self.position > start {
            self.block_bodies.push((start, self.position));
        }
    }

    fn skip_block_scalar_lines(&mut self, parent: isize, explicit: Option<usize>) {
        let mut content_indent: Option<usize> = explicit.map(|digits| (parent.max(0) as usize) + digits);
        while self.peek(0) == Some(b'\n') {
            let start = self.position + 1;
            if start >= self.bytes.len() {
                return;
            }
            let (indent, _) = self.line_indent(start);
            let only_blanks =
                self.bytes[start + indent..].iter().take_while(|&&b| b != b'\n').all(|&b| b == b' ' || b == b'\r');
            // A line of spaces alone belongs to the scalar whatever its indentation; a
            // comment line does only when indented as content.
            if !only_blanks {
                let needed = *content_indent.get_or_insert(indent);
                if (indent as isize) <= parent || indent < needed {
                    return;
                }
            }
            self.position = start;
            self.line_start = start;
            self.skip_to_line_end();
        }
    }

    /// The scan, `may_have_aliases` left `false` ([`scan`] decides it from the bytes).
    fn run(mut self) -> Scan {
        let mut scan = Scan { too_deep: None, may_have_aliases: false, may_be_deep: false, flow_spans_lines: false };
        let mut flow = 0usize;
        // Whether the next character that is not blank starts a token (where `[`, `"`, `|`, …
        // are indicators and not text).
        let mut token_start = true;
        // In block context: the column of the node the next block scalar or plain scalar
        // belongs to (a key's or a `-`'s), on this line; and the start column of the current
        // node (its properties or its first character).
        let mut block_column: Option<usize> = None;
        let mut node_column: Option<usize> = None;
        let mut line_indent = 0usize;
        // A plain scalar left open at the end of a line in block context, with the
        // indentation a line must exceed to continue it.
        let mut open_plain: Option<isize> = None;
        let mut at_line_start = true;
        while let Some(byte) = self.peek(0) {
            if at_line_start && flow == 0 {
                at_line_start = false;
                self.line_start = self.position;
                let (indent, empty) = self.line_indent(self.position);
                if empty {
                    // A blank or comment line: a comment ends an open plain scalar.
                    if self.bytes[self.position + indent..]
                        .iter()
                        .find(|&&b| b != b' ' && b != b'\t')
                        .is_some_and(|&b| b == b'#')
                    {
                        open_plain = None;
                    }
                    self.skip_to_line_end();
                    if self.peek(0) == Some(b'\n') {
                        self.position += 1;
                        at_line_start = true;
                    }
                    continue;
                }
                let marker = indent == 0
                    && (self.bytes[self.position..].starts_with(b"---")
                        || self.bytes[self.position..].starts_with(b"..."))
                    && self.bytes.get(self.position + 3).is_none_or(|&b| is_blank_or_break(b));
                if let Some(parent) = open_plain
                    && (indent as isize) > parent
                    && !marker
                {
                    // The line continues a plain scalar: text up to a comment.
                    self.position += indent;
                    while let Some(byte) = self.peek(0) {
                        if byte == b'\n' {
                            break;
                        }
                        if byte == b'#' && self.position > 0 && matches!(self.bytes[self.position - 1], b' ' | b'\t') {
                            open_plain = None;
                            self.skip_to_line_end();
                            break;
                        }
                        self.position += 1;
                    }
                    continue;
                }
                open_plain = None;
                line_indent = indent;
                scan.may_be_deep |= indent >= MAX_DEPTH;
                self.position += indent;
                token_start = true;
                block_column = None;
                node_column = None;
                if marker {
                    self.position += 3;
                }
                if indent == 0 && self.peek(0) == Some(b'%') {
                    self.skip_to_line_end();
                }
                continue;
            }
            match byte {
                b'\n' => {
                    scan.flow_spans_lines |= flow > 0;
                    self.position += 1;
                    self.line_start = self.position;
                    at_line_start = flow == 0;
                }
                b' ' | b'\t' | b'\r' => self.position += 1,
                b'#' if self.position == 0 || is_blank_or_break(self.bytes[self.position - 1]) => {
                    self.skip_to_line_end();
                    open_plain = None;
                }
                b'[' | b'{' if token_start || flow > 0 => {
                    if flow == 0 {
                        node_column.get_or_insert(self.column());
                    }
                    flow += 1;
                    if flow > MAX_DEPTH {
                        scan.too_deep = Some(self.position);
                        return scan;
                    }
                    token_start = true;
                    self.position += 1;
                }
                b']' | b'}' if flow > 0 => {
                    flow -= 1;
                    token_start = false;
                    self.position += 1;
                }
                b',' if flow > 0 => {
                    token_start = true;
                    self.position += 1;
                }
                b':' if flow > 0
                    && (token_start || self.followed_by_blank() || self.peek(1).is_some_and(is_flow_indicator)) =>
                {
                    token_start = true;
                    self.position += 1;
                }
                b'?' if flow > 0 && token_start && self.followed_by_blank() => self.position += 1,
                b'"' | b'\'' if token_start => {
                    if flow == 0 {
                        node_column.get_or_insert(self.column());
                    }
                    scan.flow_spans_lines |= self.skip_quoted();
                    token_start = false;
                    // `"key":value` (JSON) is a key followed by its value.
                    if flow > 0 && self.peek(0) == Some(b':') {
                        token_start = true;
                        self.position += 1;
                    }
                }
                b'&' | b'!' if token_start => {
                    if flow == 0 {
                        node_column.get_or_insert(self.column());
                    }
                    self.skip_name();
                }
                b'*' if token_start => {
                    self.skip_name();
                    token_start = false;
                }
                // Block context from here on.
                b'-' | b'?' if flow == 0 && token_start && self.followed_by_blank() => {
                    block_column = Some(self.column());
                    scan.may_be_deep |= self.column() >= MAX_DEPTH;
                    node_column = None;
                    self.position += 1;
                }
                b':' if flow == 0 && self.followed_by_blank() => {
                    block_column = Some(node_column.unwrap_or_else(|| self.column()));
                    node_column = None;
                    token_start = true;
                    open_plain = None;
                    self.position += 1;
                }
                b'|' | b'>' if flow == 0 && token_start => {
                    // A block scalar: the header (indicators, then a comment) to the line
                    // end, then the content lines.
                    let parent = match block_column {
                        Some(column) => column as isize,
                        None => line_indent as isize - 1,
                    };
                    let header_start = self.position + 1;
                    self.skip_to_line_end();
                    let header = &self.bytes[header_start..self.position];
                    let explicit = header
                        .iter()
                        .take_while(|&&b| b != b'#')
                        .find(|b| b.is_ascii_digit())
                        .map(|digit| usize::from(digit - b'0'));
                    self.skip_block_scalar(parent, explicit);
                    token_start = true;
                }
                _ if flow > 0 => {
                    token_start = false;
                    self.position += 1;
                }
                _ => {
                    if token_start {
                        // A plain scalar starts: a key (then `: ` follows) or a value that
                        // may go on over the next lines.
                        let column = self.column();
                        node_column.get_or_insert(column);
                        token_start = false;
                        open_plain = Some(match block_column {
                            Some(column) => column as isize,
                            None => line_indent as isize - 1,
                        });
                    }
                    self.position += 1;
                }
            }
        }
        scan
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deep(source: &str) -> Option<usize> {
        scan(source).too_deep
    }

    #[test]
    fn flow_nesting_is_counted_in_yaml_and_json() {
        let nested = |open: &str, close: &str, depth: usize| format!("{}{}", open.repeat(depth), close.repeat(depth));
        assert_eq!(deep(&nested("[", "]", MAX_DEPTH)), None);
        assert_eq!(deep(&nested("[", "]", MAX_DEPTH + 1)), Some(MAX_DEPTH));
        assert_eq!(deep(&format!("a:\n  b: {}", nested("{x: ", "}", MAX_DEPTH + 5))), Some(8 + 4 * MAX_DEPTH));
        let json = format!("{{\"a\": {}}}", nested("[", "]", MAX_DEPTH));
        assert_eq!(deep(&json), Some(6 + MAX_DEPTH - 1));
        assert_eq!(deep(&format!("{{\"a\":{}}}", nested("{\"b\":", "}", MAX_DEPTH))), Some(5 + 5 * (MAX_DEPTH - 1)));
    }

    #[test]
    fn brackets_in_text_do_not_count() {
        let brackets = "[".repeat(MAX_DEPTH + 1);
        for text in [
            format!("a: \"{brackets}\"\n"),
            format!("a: '{brackets}'\n"),
            format!("a: \"x\\\"{brackets}\"\n"),
            format!("a: 'it''s {brackets}'\n"),
            format!("a: b{brackets}\n"),
            format!("a: b # {brackets}\n"),
            format!("# {brackets}\n"),
            format!("a: |\n  {brackets}\n  {brackets}\nb: 1\n"),
            format!("- >-\n    {brackets}\n\n    {brackets}\n- 1\n"),
            format!("a:\n  - b: |2\n      {brackets}\n"),
            format!("a: word\n  {brackets}\n  more\n"),
            format!("a: [x, \"{brackets}\", 'y{brackets}']\n"),
            format!("a: \"multi\n  line {brackets}\n  \"\n"),
            format!("{{\"a\": \"{brackets}\"}}"),
        ] {
            assert_eq!(deep(&text), None, "{text}");
        }
    }

    #[test]
    fn structure_after_text_still_counts() {
        let nested = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        for text in [
            // A block scalar ends at the first line indented as its parent.
            format!("- a: |\n  b: {nested}\n"),
            format!("a: |\nb: {nested}\n"),
            // A plain scalar does not go on into a line indented as its key.
            format!("a: word\nb: {nested}\n"),
            // A comment line ends a plain scalar.
            format!("a: word\n# note\n  {nested}\n"),
            format!("a: \"closed\"\nb: {nested}\n"),
            format!("a: 'it''s'\nb: {nested}\n"),
            format!("a: &anchor !tag {nested}\n"),
            format!("- {nested}\n"),
            format!("? {nested}\n: 1\n"),
            format!("--- {nested}\n"),
        ] {
            assert!(deep(&text).is_some(), "{text}");
        }
    }

    #[test]
    fn deep_block_lines_are_flagged() {
        assert!(scan(&format!("{}x\n", "- ".repeat(MAX_DEPTH))).may_be_deep);
        assert!(scan(&format!("a:\n{}b: 1\n", " ".repeat(MAX_DEPTH))).may_be_deep);
        assert!(!scan("a:\n  - - b: 1\n    - c\n").may_be_deep);
    }

    #[test]
    fn aliases_are_found_from_the_bytes() {
        assert!(scan("a: &x 1\nb: *x\n").may_have_aliases);
        assert!(scan("a: [*x]\n").may_have_aliases);
        assert!(scan("{\"a\":*x}").may_have_aliases);
        assert!(!scan("a: 2 * 3\nb: '*'\nc: x*y\n").may_have_aliases);
    }

    #[test]
    fn block_scalar_content_holds_no_alias() {
        // As Stripe's descriptions write emphasis.
        let prose = "a:\n  description: >-\n    Two *cents* each.\n\n    **NOTE:** not *x\n  b: |\n    *y\n";
        assert!(!scan(prose).may_have_aliases);
        assert!(!scan(&prose.replace('\n', "\r\n")).may_have_aliases);
        // What follows the block is read again.
        assert!(scan(&format!("{prose}  c: *x\n")).may_have_aliases);
        assert!(scan("a:\n  b: |\n    text\n  c: *x\n").may_have_aliases);
        assert!(scan("- |\n  text\n- *x\n").may_have_aliases);
        // A plain scalar's continuation and a quoted scalar are not skipped.
        assert!(scan("a: text\n  *x\n").may_have_aliases);
        assert!(scan("a: \"text\n  *x\"\n").may_have_aliases);
        // Line breaks the scan does not break lines at (a lone CR, NEL, LS, PS) end the block
        // for libyaml: then nothing is skipped.
        for line_break in ["\r", "\u{85}", "\u{2028}", "\u{2029}"] {
            let text = format!("a: |\n  text{line_break}*x: 1\n");
            assert!(scan(&text).may_have_aliases, "{text:?}");
        }
        assert!(!scan("a: |\n  text\n  *x: 1\n").may_have_aliases);
    }
}
