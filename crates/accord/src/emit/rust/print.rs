//! Printing generated Rust: a token stream parsed by syn, printed by prettyplease, its items
//! spaced out as rustfmt would, under the `@generated` notice. A leaf: `pretty`
//! prints large files from the same pieces on several threads.

use std::path::PathBuf;

use proc_macro2::TokenStream;

use crate::emit::emitter::{GeneratedFile, generated_notice};
use crate::ir::Ir;

/// Prints tokens as a formatted Rust file with the `@generated` header.
pub fn rust_file(ir: &Ir, path: PathBuf, tokens: TokenStream) -> GeneratedFile {
    GeneratedFile { path, contents: print(&generated_notice(&ir.source_path), tokens) }
}

/// Formats a token stream as a file; a stream that does not parse is an accord bug, shown
/// in the output rather than panicking.
pub fn print(notice: &str, tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(mut file) => {
            file.attrs.insert(0, rustfmt_skip());
            print_text(notice, &separate_items(&prettyplease::unparse(&file)))
        }
        Err(error) => format!(
            "// {notice}\n// accord bug: generated code does not parse: {error}\ncompile_error!(\"accord generated invalid Rust\");\n/*\n{tokens}\n*/\n"
        ),
    }
}

/// `#![cfg_attr(rustfmt, rustfmt::skip)]`: generated files are prettyplease's output and
/// `generate --check` compares them byte for byte, so `cargo fmt` must leave them alone.
pub(crate) fn rustfmt_skip() -> syn::Attribute {
    syn::parse_quote!(#![cfg_attr(rustfmt, rustfmt::skip)])
}

/// A file's text: the notice, then the printed items (spaced out by [`separate_items`]).
pub(crate) fn print_text(notice: &str, separated: &str) -> String {
    format!("// {notice}\n\n{separated}")
}

/// prettyplease prints items back to back; put a blank line after every block that closes an
/// item (a line that is only `}` or `};`) when another item follows at the same depth, as
/// rustfmt-formatted code reads.
pub(crate) fn separate_items(text: &str) -> String {
    // Only a line that is `}` or `};` can be followed by a blank line: copy the text in runs
    // between those places instead of line by line. Lines end with `\n` alone, the last one
    // too, as in prettyplease's output (other text is made so first).
    let normalized;
    let text = if text.contains('\r') || !(text.is_empty() || text.ends_with('\n')) {
        normalized = text.lines().fold(String::with_capacity(text.len() + 1), |mut out, line| {
            out.push_str(line);
            out.push('\n');
            out
        });
        &normalized
    } else {
        text
    };
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    let mut copied = 0;
    let bytes = text.as_bytes();
    // Only the `}`s are looked at (found with `memchr`): one that ends its line, alone or
    // before `;`, ends a line that may be followed by a blank one. Going line by line was
    // ≈ 2 % of Stripe's `generate` (357,000 lines; issue 22).
    for brace in memchr::memchr_iter(b'}', bytes) {
        let line_end = match bytes.get(brace + 1) {
            Some(b'\n') => brace + 1,
            Some(b';') if bytes.get(brace + 2) == Some(&b'\n') => brace + 2,
            _ => continue,
        };
        // The line after it, if any (the text ends with a line break).
        let next_start = line_end + 1;
        if next_start >= bytes.len() {
            continue;
        }
        let line_start = memchr::memrchr(b'\n', &bytes[..brace]).map_or(0, |at| at + 1);
        let next_end = memchr::memchr(b'\n', &bytes[next_start..]).map_or(bytes.len(), |at| next_start + at);
        if blank_line_between(&text[line_start..line_end], &text[next_start..next_end]) {
            out.push_str(&text[copied..next_start]);
            out.push('\n');
            copied = next_start;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether [`separate_items`] puts a blank line between these two consecutive lines.
pub(crate) fn blank_line_between(line: &str, next: &str) -> bool {
    let trimmed = line.trim_start();
    if trimmed != "}" && trimmed != "};" {
        return false;
    }
    let indent = line.len() - trimmed.len();
    let next_trimmed = next.trim_start();
    let same_depth = next.len() - next_trimmed.len() == indent;
    let continues = next_trimmed.starts_with('}')
        || next_trimmed.starts_with(')')
        || next_trimmed.starts_with(']')
        || next_trimmed.is_empty();
    same_depth
        && !continues
        && (next_trimmed.starts_with("///")
            || next_trimmed.starts_with("#[")
            || next_trimmed.starts_with("pub ")
            || next_trimmed.starts_with("impl")
            || next_trimmed.starts_with("fn ")
            || next_trimmed.starts_with("async fn")
            || next_trimmed.starts_with("const ")
            || next_trimmed.starts_with("use ")
            || next_trimmed.starts_with("mod ")
            || next_trimmed.starts_with("enum ")
            || next_trimmed.starts_with("struct "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spacing rule applied line by line, as `separate_items` did before it looked only
    /// at the `}`s.
    fn line_by_line(text: &str) -> String {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut out = String::new();
        for (index, line) in lines.iter().enumerate() {
            out.push_str(line);
            let bare = line.strip_suffix('\n').unwrap_or(line);
            if (bare.ends_with('}') || bare.ends_with("};"))
                && let Some(next) = lines.get(index + 1)
                && blank_line_between(bare, next.strip_suffix('\n').unwrap_or(next))
            {
                out.push('\n');
            }
        }
        out
    }

    #[test]
    fn items_are_spaced_as_the_line_by_line_rule_spaces_them() {
        let lines = [
            "}",
            "};",
            "    }",
            "    };",
            "}}",
            "x}",
            "x };",
            "};}",
            "pub struct A;",
            "/// Doc.",
            "#[derive(Debug)]",
            "impl A {",
            "fn f() {}",
            "    fn g() {}",
            "const X: u8 = 1;",
            ")",
            "]",
            "",
            "    pub fn h() {",
            "enum E {",
            "use a::b;",
            "mod m {",
            "struct S {",
            "async fn a() {}",
            "é}",
            "\"}\"",
        ];
        let triples = crate::test_util::triples(&lines);
        assert_eq!(triples.len(), lines.len().pow(3));
        for [a, b, c] in triples {
            let text = format!("{a}\n{b}\n{c}\n");
            assert_eq!(separate_items(&text), line_by_line(&text), "{text:?}");
        }
        // Text that does not end with a line break, or has `\r\n`, is normalised first.
        assert_eq!(separate_items("}\r\npub fn a() {}"), "}\n\npub fn a() {}\n");
        assert_eq!(separate_items(""), "");
    }
}
