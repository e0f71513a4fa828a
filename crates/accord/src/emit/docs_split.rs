//! One integration's book page split into chapters (issue 21: Stripe's page was 60,000 px
//! tall at 1280 px): `NAME/index.md` (overview, environments, authentication),
//! `endpoints.md`, `models.md`, `errors.md` (error codes, rate limits and retries, caching and
//! health), `webhooks.md` and `scenarios.md` (sequence diagrams and test scenarios); a chapter
//! with no section is left out.
//!
//! The template renders the whole page as before (`spec.md.j2`); this splits it at its `## `
//! headings (outside code blocks), so a template override keeps working, and rewrites every
//! in-page link whose target now lives in another chapter into a link to that chapter
//! (`[rate limits](errors.md#rate-limits-and-retries)`). Targets are the ids mdBook gives
//! headings and the `<a id>`s of error rows, computed as [`super::docs::check_fragments`]
//! does; a link to no target fails generation, naming the chapter and the line.

use std::borrow::Cow;
use std::collections::HashMap;

use super::templates::anchor;

/// A chapter: its file name in the integration's folder, its title in the sidebar, and the
/// `## ` headings that belong to it (sections not listed stay with the chapter before them).
const CHAPTERS: &[(&str, &str, &[&str])] = &[
    ("index.md", "Overview and authentication", &["Integration checklist"]),
    ("endpoints.md", "Endpoints", &["Endpoint reference"]),
    ("models.md", "Data models", &["Data models"]),
    (
        "errors.md",
        "Errors, rate limits and retries",
        &["Error codes", "Rate limits and retries", "Caching, circuit breaking and health"],
    ),
    ("webhooks.md", "Webhooks", &["Receiving webhooks"]),
    ("scenarios.md", "Scenarios and sequence diagrams", &["Sequence diagrams", "Test scenarios"]),
];

/// One chapter's file name, sidebar title and Markdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    /// File name inside the integration's folder (`endpoints.md`).
    pub file: &'static str,
    /// Title in the sidebar (`Endpoints`).
    pub title: &'static str,
    /// The chapter's Markdown: the notice, its `# ` title, its sections.
    pub markdown: String,
}

/// Splits a rendered page into its chapters, in [`CHAPTERS`] order. Every in-page link of a
/// chapter has its target in that chapter afterwards: the book relies on it and checks the
/// chapters' links no further ([`super::docs::check_fragments`] only in debug builds).
///
/// Errors: a link whose target no chapter has.
pub fn split(page: &str) -> Result<Vec<Chapter>, String> {
    // The notice comment and the `# Title` line open every chapter.
    let mut lines = lines_inclusive(page);
    let mut notice = String::new();
    let mut title = String::new();
    // Table rows with empty cells are tidied on the way (`docs::tidy_row`).
    let mut sections: Vec<Vec<Cow<'_, str>>> = vec![Vec::new(); CHAPTERS.len()];
    let mut current = 0usize;
    let mut fence: Option<&str> = None;
    while let Some(line) = lines.next() {
        let bare = line.trim_end_matches(['\n', '\r']);
        if fence.is_none() && title.is_empty() {
            if bare.starts_with("<!--") && notice.is_empty() {
                notice = line.to_string();
                continue;
            }
            if let Some(text) = bare.strip_prefix("# ") {
                title = text.trim().to_string();
                continue;
            }
        }
        let fenced = match fence {
            Some(open) => {
                if crate::markdown::closes_fence(bare, open) {
                    fence = None;
                }
                true
            }
            None => {
                fence = crate::markdown::opening_fence(bare);
                if fence.is_none()
                    && let Some(heading) = bare.strip_prefix("## ")
                {
                    let heading = heading.trim();
                    if let Some(index) = CHAPTERS.iter().position(|(_, _, headings)| headings.contains(&heading)) {
                        current = index;
                    }
                }
                fence.is_some()
            }
        };
        sections[current].push(match super::docs::tidy_row(line, fenced) {
            Some(row) => Cow::Owned(row),
            None => Cow::Borrowed(line),
        });
    }
    // Which chapter holds each link target.
    let mut chapters: Vec<Chapter> = Vec::new();
    let mut owner: HashMap<String, &'static str> = HashMap::new();
    for (index, (file, chapter_title, _)) in CHAPTERS.iter().enumerate() {
        let lines = &sections[index];
        let blank = lines.iter().all(|line| line.trim().is_empty());
        if index > 0 && blank {
            continue;
        }
        let heading = if index == 0 { title.clone() } else { format!("{title}: {}", chapter_title.to_lowercase()) };
        // A chapter ends as a file does: its text, one newline (the blank lines before the
        // next section were the page's); one blank line after the title, the body's own if it
        // starts with one. Built in one allocation: GitHub's endpoints chapter is 3 MB, and
        // `format!` grew it by doubling.
        let length = lines.iter().map(|line| line.len()).sum::<usize>();
        let mut markdown = String::with_capacity(notice.len() + heading.len() + length + 8);
        markdown.push_str(&notice);
        markdown.push_str("# ");
        markdown.push_str(&heading);
        markdown.push('\n');
        if blank || !lines.first().is_some_and(|line| line.starts_with('\n')) {
            markdown.push('\n');
        }
        // The chapter's targets are read from its lines as they are written: the notice, the
        // title, the body (the blank lines and spaces trimmed off its end hold none).
        let mut targets = Targets::new();
        markdown.lines().for_each(|line| targets.line(line));
        let body_start = markdown.len();
        for line in lines {
            markdown.push_str(line);
            let bare = line.strip_suffix('\n').map_or(&**line, |bare| bare.strip_suffix('\r').unwrap_or(bare));
            targets.line(bare);
        }
        let end = markdown.trim_end().len().max(body_start);
        markdown.truncate(end);
        markdown.push('\n');
        for id in targets.found {
            owner.entry(id).or_insert(file);
        }
        chapters.push(Chapter { file, title: chapter_title, markdown });
    }
    for chapter in &mut chapters {
        chapter.markdown = relink(&chapter.markdown, chapter.file, &owner)?;
    }
    Ok(chapters)
}

/// The lines of `text` with their line breaks, as `str::split_inclusive('\n')` gives them,
/// found with `memchr` (a page of megabytes is read line by line three times: `split_inclusive`
/// set up a search per line; issue 22).
fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes()).map(|end| end + 1).chain(std::iter::once(text.len())).filter_map(
        move |end| {
            let line = (end > start).then(|| &text[start..end]);
            start = end;
            line
        },
    )
}

/// The ids of a page's headings (mdBook's, duplicates numbered) and `<a id>` targets.
#[cfg(test)]
fn targets(markdown: &str) -> Vec<String> {
    let mut targets = Targets::new();
    markdown.lines().for_each(|line| targets.line(line));
    targets.found
}

/// The ids of a chapter's headings (mdBook's, duplicates numbered) and `<a id>` targets, read a
/// line at a time as the chapter is written (its text is not read again).
struct Targets {
    found: Vec<String>,
    seen: std::collections::HashSet<String>,
    /// The counter each repeated id was last made unique with: the ids it tried below that
    /// were taken then and stay taken, so the search resumes there (mdBook's ids, found
    /// without trying `-1`, `-2`, … again for each of GitHub's hundreds of `Example` headings).
    next_counter: HashMap<String, usize>,
    /// The open fence (` ``` `, `~~~~`), while in a code block.
    fence: Option<String>,
    /// Searched for in every line of a page of megabytes (GitHub's endpoints chapter is 3 MB):
    /// one searcher built once is several times faster than `str::find` set up per line.
    id_attribute: memchr::memmem::Finder<'static>,
}

impl Targets {
    fn new() -> Targets {
        Targets {
            found: Vec::new(),
            seen: std::collections::HashSet::new(),
            next_counter: HashMap::new(),
            fence: None,
            id_attribute: memchr::memmem::Finder::new("id=\""),
        }
    }

    /// Reads one line (without its line break, as `str::lines` gives it).
    fn line(&mut self, line: &str) {
        if let Some(open) = &self.fence {
            if crate::markdown::closes_fence(line, open) {
                self.fence = None;
            }
            return;
        }
        if let Some(open) = crate::markdown::opening_fence(line) {
            self.fence = Some(open.to_string());
            return;
        }
        let trimmed = line.trim_start();
        let level = trimmed.len() - trimmed.trim_start_matches('#').len();
        if (1..=6).contains(&level) && trimmed[level..].starts_with(' ') {
            let text = trimmed[level..].trim().trim_end_matches('#').replace('`', "");
            let id = anchor(text);
            let mut unique = id.clone();
            if self.seen.contains(&unique) {
                let counter = self.next_counter.entry(id.clone()).or_insert(1);
                loop {
                    unique = format!("{id}-{counter}");
                    *counter += 1;
                    if !self.seen.contains(&unique) {
                        break;
                    }
                }
            }
            self.seen.insert(unique.clone());
            self.found.push(unique);
        }
        let mut rest = line;
        while let Some(start) = self.id_attribute.find(rest.as_bytes()) {
            rest = &rest[start + 4..];
            if let Some(end) = rest.find('"') {
                self.found.push(rest[..end].to_string());
            }
        }
    }
}

/// `markdown` with every `](#id)` whose target is in another chapter pointed there.
fn relink(markdown: &str, file: &str, owner: &HashMap<String, &'static str>) -> Result<String, String> {
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 16);
    let mut fence: Option<&str> = None;
    let link_start = memchr::memmem::Finder::new("](#");
    for (number, line) in lines_inclusive(markdown).enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        if let Some(open) = fence {
            if crate::markdown::closes_fence(bare, open) {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if let Some(open) = crate::markdown::opening_fence(bare) {
            fence = Some(open);
            out.push_str(line);
            continue;
        }
        if link_start.find(line.as_bytes()).is_none() {
            out.push_str(line);
            continue;
        }
        // Code spans hold text, not links: rewrite only outside them.
        let spans = crate::markdown::code_spans(line);
        let (mut copied, mut search) = (0, 0);
        while let Some(found) = link_start.find(&line.as_bytes()[search..]) {
            let link = search + found;
            if let Some(span) = spans.iter().find(|span| span.contains(&link)) {
                search = span.end;
                continue;
            }
            out.push_str(&line[copied..link + 2]);
            let hash = link + 2;
            let end = line[hash..].find(')').map_or(line.len(), |close| hash + close);
            let id = &line[hash + 1..end];
            match owner.get(id) {
                Some(target) if *target != file => {
                    out.push_str(target);
                    out.push('#');
                    out.push_str(id);
                }
                Some(_) => out.push_str(&line[hash..end]),
                None => {
                    return Err(format!(
                        "chapter `{file}` line {} links to `#{id}`, which no chapter of the page has: {}",
                        number + 1,
                        bare.chars().take(160).collect::<String>()
                    ));
                }
            }
            (copied, search) = (end, end);
        }
        out.push_str(&line[copied..]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_the_lines_split_inclusive_gives() {
        for text in ["", "\n", "a", "a\n", "a\nb", "a\nb\n", "\n\na\r\n\n", "é\nü", "x\n\n"] {
            assert_eq!(
                lines_inclusive(text).collect::<Vec<_>>(),
                text.split_inclusive('\n').collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_backtick_without_its_partner_does_not_hide_the_links_after_it() {
        // A scenario description with three backticks in a table row (found by the fuzzer):
        // the last one is literal text (CommonMark 6.1), so the endpoint link is rewritten.
        let page = "<!-- n -->\n# Orders API\n\n## Endpoint reference\n\n### create_message\n\nSends.\n\n## Test scenarios\n\n| `ok`: Send`a `user.signup` message. | [`create_message`](#create_message) |\n";
        let chapters = split(page).expect("splits");
        let scenarios = chapters.iter().find(|chapter| chapter.file == "scenarios.md").expect("a scenarios chapter");
        assert!(scenarios.markdown.contains("](endpoints.md#create_message)"), "{}", scenarios.markdown);
    }

    #[test]
    fn repeated_headings_are_numbered_as_mdbook_numbers_them() {
        // mdBook tries `-1`, `-2`, … after a taken id; a heading whose own id is `example-1`
        // takes it first, so the third `Example` is `example-2`, and that heading's repeat
        // `example-1-1`.
        let page =
            "# T\n\n### Example\n\n### Example-1\n\n### Example\n\n### Example\n\n### Example-1\n\n### Example\n";
        assert_eq!(targets(page), ["t", "example", "example-1", "example-2", "example-3", "example-1-1", "example-4"]);
    }

    #[test]
    fn sections_go_to_their_chapters_and_links_follow_them() {
        let page = "<!-- n -->\n# Orders API\n\nIntro, see [rate limits](#rate-limits-and-retries).\n\n## Endpoint reference\n\n### create_order\n\nBody [`Order`](#order), code `[x](#nowhere)`.\n\n```text\n## Data models\n```\n\n## Data models\n\n### Order\n\nUsed by [`create_order`](#create_order).\n\n## Rate limits and retries\n\nSee [create](#create_order).\n";
        let chapters = split(page).expect("splits");
        let files: Vec<&str> = chapters.iter().map(|c| c.file).collect();
        assert_eq!(files, ["index.md", "endpoints.md", "models.md", "errors.md"]);
        assert!(
            chapters[0].markdown.starts_with(
                "<!-- n -->\n# Orders API\n\nIntro, see [rate limits](errors.md#rate-limits-and-retries)."
            )
        );
        assert!(chapters[1].markdown.starts_with("<!-- n -->\n# Orders API: endpoints\n\n## Endpoint reference"));
        assert!(chapters[1].markdown.contains("Body [`Order`](models.md#order), code `[x](#nowhere)`."));
        assert!(chapters[1].markdown.contains("```text\n## Data models\n```"), "a heading in a code block stays");
        assert!(chapters[2].markdown.contains("Used by [`create_order`](endpoints.md#create_order)."));
        assert!(chapters[3].markdown.contains("See [create](endpoints.md#create_order)."));
        let error = split("# T\n\n[a](#missing)\n").unwrap_err();
        assert!(error.contains("links to `#missing`"), "{error}");
    }
}
