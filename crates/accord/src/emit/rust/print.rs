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
    let mut offset = 0;
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line_with_end) = lines.next() {
        offset += line_with_end.len();
        let line = line_with_end.strip_suffix('\n').unwrap_or(line_with_end);
        if !(line.ends_with('}') || line.ends_with("};")) {
            continue;
        }
        if let Some(next) = lines.peek()
            && blank_line_between(line, next.strip_suffix('\n').unwrap_or(next))
        {
            out.push_str(&text[copied..offset]);
            out.push('\n');
            copied = offset;
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
