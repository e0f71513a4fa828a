//! Printing a large generated Rust file on several threads. A file is described as parts (a
//! header with its inner attributes, then groups of items); worker threads each build the
//! tokens of a run of parts, parse them with syn, print them with prettyplease and space out
//! the items, and the texts are joined in order. Tokens and syntax trees cannot cross threads
//! (proc-macro2 types are neither `Send` nor `Sync`), so each thread builds what it prints.
//!
//! prettyplease prints the items of a file one after another from the left margin, and
//! [`separate_items`] looks at two lines at a time, so a file printed a run of items at a time
//! is the same text as the file printed whole once the blank line between two runs is decided
//! by the same rule ([`blank_line_between`]). Whenever a run fails to parse, the whole file is
//! built and printed in one piece instead, which also reports the error exactly as
//! [`super::print::print`] does.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use proc_macro2::TokenStream;
use quote::quote;

use super::print::{blank_line_between, print, print_text, rustfmt_skip, separate_items};

/// Files with fewer parts than this are printed in one piece: threads would cost more than
/// they save.
const PARALLEL_MIN_PARTS: usize = 64;

/// Runs handed to each thread, on average: small enough that the threads finish together,
/// large enough that the cost of a run (a syn `File`, a printer) stays negligible.
const RUNS_PER_THREAD: usize = 16;

/// Parts in one run at most: a run's tokens and syntax tree are held whole while it is
/// printed, on every thread at once. Microsoft Graph beta's `client.rs` (22,005 request
/// builders, 134 MB) in 32 runs of 690 builders took about 600 MB above the rest of the run.
const MAX_RUN_PARTS: usize = 64;

/// One part of a file: tokens, parsed when their run is printed, or items already parsed
/// (a part an emitter edited as a syntax tree, such as items given a group's `#[cfg(…)]`,
/// which are then not printed back to tokens and parsed again).
pub enum Part {
    /// Items as tokens.
    Tokens(TokenStream),
    /// Items as syntax trees.
    Items(Vec<syn::Item>),
}

impl From<TokenStream> for Part {
    fn from(tokens: TokenStream) -> Self {
        Part::Tokens(tokens)
    }
}

impl Part {
    /// The part as tokens (for a file printed in one piece).
    pub fn into_tokens(self) -> TokenStream {
        match self {
            Part::Tokens(tokens) => tokens,
            Part::Items(items) => quote!(#(#items)*),
        }
    }
}

/// The file made of `part(0)`, `part(1)`, … `part(count - 1)` concatenated, printed exactly
/// as [`super::print::print`] prints it, with `notice` in the header. `part(0)` holds the
/// file's inner attributes, if any; no other part may have some.
pub fn print_parts(notice: &str, count: usize, part: impl Fn(usize) -> Part + Sync) -> String {
    let threads = crate::parallel::available_threads();
    print_parts_on(notice, count, &part, threads)
}

/// The whole file's tokens, for printing it in one piece.
fn whole(count: usize, part: &impl Fn(usize) -> Part) -> TokenStream {
    (0..count).map(|index| part(index).into_tokens()).collect()
}

fn print_parts_on(notice: &str, count: usize, part: &(impl Fn(usize) -> Part + Sync), threads: usize) -> String {
    if threads < 2 || count < PARALLEL_MIN_PARTS {
        // One run on this thread: parts built as syntax trees are not printed back to tokens
        // and parsed again.
        let mut joiner = Joiner::new(notice, 1);
        return match print_run((0..count).map(part).collect(), true) {
            Some(run) => {
                joiner.add(0, run);
                joiner.text
            }
            None => print(notice, whole(count, part)),
        };
    }
    let run_length = count.div_ceil(threads * RUNS_PER_THREAD).clamp(1, MAX_RUN_PARTS);
    let runs = count.div_ceil(run_length);
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let joiner = Mutex::new(Joiner::new(notice, runs));
    let work = || {
        loop {
            let run = next.fetch_add(1, Ordering::Relaxed);
            if run >= runs || failed.load(Ordering::Relaxed) {
                return;
            }
            let start = run * run_length;
            let parts: Vec<Part> = (start..(start + run_length).min(count)).map(part).collect();
            match print_run(parts, run == 0) {
                Some(text) => joiner.lock().unwrap_or_else(PoisonError::into_inner).add(run, text),
                None => {
                    failed.store(true, Ordering::Relaxed);
                    return;
                }
            }
        }
    };
    // `threads` takers of the runs, on the pool.
    crate::parallel::map_in_order(threads, threads, |_| work());
    let joiner = joiner.into_inner().unwrap_or_else(PoisonError::into_inner);
    if failed.load(Ordering::Relaxed) || joiner.joined != runs {
        return print(notice, whole(count, part));
    }
    joiner.text
}

/// A file's text joined from its runs while they are printed: each run is copied in as soon
/// as every run before it is, by the thread that printed the last of them, so that the copy
/// of a large file is made beside the printing of its other runs and not after all of them
/// (Stripe's 12 MB `models.rs`, copied after its last run, was ≈ 6 ms of one thread at the
/// end of generation while the other waited; issue 22). Each run is freed once copied.
struct Joiner {
    /// The notice (as `print_text` writes it), then the runs joined so far.
    text: String,
    /// Where the first run starts in `text`.
    body_start: usize,
    /// Runs joined so far: runs `0..joined`.
    joined: usize,
    /// How many runs the file has.
    runs: usize,
    /// Runs printed before one of the runs ahead of them, by index.
    waiting: std::collections::BTreeMap<usize, String>,
}

impl Joiner {
    fn new(notice: &str, runs: usize) -> Joiner {
        let text = print_text(notice, "");
        let body_start = text.len();
        Joiner { text, body_start, joined: 0, runs, waiting: std::collections::BTreeMap::new() }
    }

    /// Takes run `index`, printed, and joins every run now in order.
    fn add(&mut self, index: usize, run: String) {
        self.waiting.insert(index, run);
        while let Some(run) = self.waiting.remove(&self.joined) {
            if self.text.capacity() - self.text.len() <= run.len() {
                // Room for this run and the rest of the file, guessed from the runs so far
                // (the runs hold equally many parts) with an eighth more, so that the text is
                // rarely copied again as it grows; a guess short of it is made again from more
                // runs.
                let joined_bytes = self.text.len() - self.body_start + run.len();
                let per_run = joined_bytes / (self.joined + 1);
                let rest = per_run.saturating_mul(self.runs.saturating_sub(self.joined + 1));
                self.text.reserve_exact(run.len().saturating_add(1).saturating_add(rest.saturating_add(rest / 8)));
            }
            // The last line of the text so far and the first of this run decide the blank
            // line between them, as if the two had been printed together.
            if let (Some(last), Some(first)) = (self.text[self.body_start..].lines().next_back(), run.lines().next())
                && blank_line_between(last, first)
            {
                self.text.push('\n');
            }
            self.text.push_str(&run);
            self.joined += 1;
        }
    }
}

/// One run of items printed and spaced out, the `rustfmt::skip` attribute first when it
/// starts the file; `None` when it does not parse or, past the first run's first part, has
/// inner attributes. Consecutive token parts are parsed together.
fn print_run(parts: Vec<Part>, first: bool) -> Option<String> {
    let mut file = syn::parse2::<syn::File>(TokenStream::new()).ok()?;
    let mut pending = TokenStream::new();
    let mut parsed_any = false;
    let mut flush = |pending: &mut TokenStream, file: &mut syn::File| -> Option<()> {
        if pending.is_empty() {
            return Some(());
        }
        let parsed = syn::parse2::<syn::File>(std::mem::take(pending)).ok()?;
        if !parsed.attrs.is_empty() && (!first || parsed_any) {
            return None;
        }
        parsed_any = true;
        file.attrs.extend(parsed.attrs);
        file.items.extend(parsed.items);
        Some(())
    };
    for part in parts {
        match part {
            Part::Tokens(tokens) => pending.extend(tokens),
            Part::Items(items) => {
                flush(&mut pending, &mut file)?;
                file.items.extend(items);
            }
        }
    }
    flush(&mut pending, &mut file)?;
    if first {
        file.attrs.insert(0, rustfmt_skip());
    }
    Some(separate_items(&prettyplease::unparse(&file)))
}

#[cfg(test)]
mod tests {
    use quote::{format_ident, quote};

    use super::*;

    /// Items of the shapes the emitters print: documented structs, enums, impls, consts.
    fn part(index: usize) -> TokenStream {
        if index == 0 {
            return quote! {
                //! A header.
            };
        }
        let name = format_ident!("Item{index}");
        let doc = format!(" Item number {index}, \"quoted\" and #hashed.");
        match index % 4 {
            0 => quote! {
                #[doc = #doc]
                #[derive(Debug, Clone)]
                pub struct #name { pub a: i64, pub b: ::std::option::Option<::std::string::String> }
                impl #name {
                    /// A method.
                    pub fn a(&self) -> i64 { if self.a > 0 { self.a } else { -self.a } }
                }
            },
            1 => quote! { #[doc = #doc] pub enum #name { A, B(i64), C { x: u8 } } },
            2 => quote! { pub const #name: &str = "value"; },
            _ => quote! { #[doc = #doc] pub struct #name(pub u8); },
        }
    }

    #[test]
    fn a_file_printed_in_runs_on_threads_is_the_file_printed_whole() {
        let count = 301;
        let whole = super::super::print::print("notice", (0..count).map(part).collect());
        let as_part = |index: usize| Part::from(part(index));
        for threads in [1, 2, 3, 8] {
            assert_eq!(print_parts_on("notice", count, &as_part, threads), whole, "{threads} threads");
        }
        // Fewer parts than are worth threads: one run on this thread, the same text.
        let few = PARALLEL_MIN_PARTS - 1;
        let whole_few = super::super::print::print("notice", (0..few).map(part).collect());
        assert_eq!(print_parts_on("notice", few, &as_part, 2), whole_few);
        // Parts given as parsed items print the same.
        let parsed = |index: usize| match index {
            0 => Part::from(part(index)),
            _ => Part::Items(syn::parse2::<syn::File>(part(index)).expect("parses").items),
        };
        assert_eq!(print_parts_on("notice", count, &parsed, 2), whole);
        assert_eq!(print_parts_on("notice", few, &parsed, 2), whole_few);
    }

    #[test]
    fn a_run_that_does_not_parse_falls_back_to_the_whole_file() {
        let broken = |index: usize| if index == 150 { quote!(pub struct ;) } else { part(index) };
        let whole = super::super::print::print("notice", (0..300).map(broken).collect());
        assert!(whole.contains("accord bug"), "{whole}");
        assert_eq!(print_parts_on("notice", 300, &|index| Part::from(broken(index)), 2), whole);
        // And so does one run on this thread.
        let broken_few = |index: usize| if index == 10 { quote!(pub struct ;) } else { part(index) };
        let whole_few = super::super::print::print("notice", (0..20).map(broken_few).collect());
        assert!(whole_few.contains("accord bug"), "{whole_few}");
        assert_eq!(print_parts_on("notice", 20, &|index| Part::from(broken_few(index)), 1), whole_few);
    }
}
