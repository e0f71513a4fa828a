//! Example text for a string field the spec gives no example for, derived from the field's
//! name (`email`, `html_url`, `login`, `currency`, `node_id`), so synthesised examples read
//! like the API's data rather than `"string"` placeholders (issue 21). Formats, enums,
//! patterns and declared examples come first (`examples.rs`); this is the last resort before
//! the type's generic sample, and only for fields without a `pattern` (a derived text would
//! not match it).

/// A realistic text for a string field called `name` (its wire name), or `None` when the name
/// says nothing (the caller keeps the type's generic sample).
pub(crate) fn text_for(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let last = *words.last()?;
    let has = |word: &str| words.contains(&word);
    let text = match last {
        "email" | "mail" => "jane.doe@example.com".to_string(),
        "url" | "uri" | "href" | "link" | "endpoint" | "webhook" => {
            let path = words[..words.len() - 1].join("-");
            if path.is_empty() { "https://example.com/".into() } else { format!("https://example.com/{path}") }
        }
        "sha" | "hash" | "digest" | "etag" => "6dcb09b5b57875f334f61aebed695e2e4193db5e".into(),
        "id" | "sid" | "key" | "reference" | "number" if words.len() > 1 => {
            format!("{}_1a2b3c", words[..words.len() - 1].join("_"))
        }
        "id" | "sid" => "id_1a2b3c".into(),
        "login" | "username" | "user" | "owner" | "author" => "octocat".into(),
        "name" if has("full") || has("display") || has("customer") || words.len() == 1 => "Jane Doe".into(),
        "name" => format!("Example {}", words[..words.len() - 1].join(" ")),
        "title" | "subject" | "summary" => "Example title".into(),
        "body" | "text" | "message" | "content" | "comment" | "note" | "notes" | "reason" | "description" => {
            "Example text.".into()
        }
        "currency" => "usd".into(),
        "country" => "US".into(),
        "city" => "Springfield".into(),
        "phone" | "mobile" => "+15555550100".into(),
        "version" => "1.0.0".into(),
        "locale" | "language" | "lang" => "en-US".into(),
        "timezone" | "tz" => "UTC".into(),
        "color" | "colour" => "ededed".into(),
        "token" | "secret" | "password" => "example-secret".into(),
        "status" | "state" => "active".into(),
        "type" | "kind" | "object" | "event" => {
            words.first().filter(|w| **w != last).map_or("example", |w| w).to_string()
        }
        "code" => "example_code".into(),
        "label" | "tag" | "labels" | "tags" => "bug".into(),
        "branch" => "main".into(),
        "path" | "file" | "filename" => "docs/example.txt".into(),
        "ip" => "192.0.2.1".into(),
        "domain" | "host" | "hostname" => "example.com".into(),
        "cursor" | "after" | "before" | "starting" | "ending" => "cursor_1a2b3c".into(),
        // Slack's message timestamps and channel ids, as api.slack.com's chat.postMessage
        // page shows them (`"ts": "1503435956.000247"`, `"channel": "C123ABC456"`).
        "ts" => "1503435956.000247".into(),
        "channel" => "C123ABC456".into(),
        "msg" | "detail" | "details" => "Example text.".into(),
        _ => return None,
    };
    Some(text)
}

/// A realistic text for a value of the type called `type_name` (`IssueLabelsItem`,
/// `CreateIssueRequestTitle`, a hoisted type named after its place), or for a field whose own
/// name says nothing (`from` in `IssuesEditedChangesTitle`): [`text_for`] of the name's words,
/// the last word first, dropping the words hoisting adds (`item`, `value`, `request`, …).
pub(crate) fn text_for_type(type_name: &str) -> Option<String> {
    let snake = heck::ToSnakeCase::to_snake_case(type_name);
    let mut words: Vec<&str> = snake.split('_').filter(|w| !w.is_empty()).collect();
    while let Some(&last) = words.last() {
        if !matches!(
            last,
            "item" | "items" | "value" | "values" | "request" | "response" | "body" | "inner" | "variant"
        ) {
            return text_for(&words.join("_"));
        }
        words.pop();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{text_for, text_for_type};

    #[test]
    fn type_names_give_text_from_their_last_meaningful_word() {
        assert_eq!(text_for_type("IssueLabelsItem").as_deref(), Some("bug"));
        assert_eq!(text_for_type("CreateIssueRequestTitle").as_deref(), Some("Example title"));
        assert_eq!(text_for_type("IssuesEditedChangesTitle").as_deref(), Some("Example title"));
        assert_eq!(text_for_type("ItemValue"), None);
    }

    #[test]
    fn names_give_realistic_text_and_unknown_names_none() {
        let cases = [
            ("email", Some("jane.doe@example.com")),
            ("html_url", Some("https://example.com/html")),
            ("documentation_url", Some("https://example.com/documentation")),
            ("node_id", Some("node_1a2b3c")),
            ("login", Some("octocat")),
            ("name", Some("Jane Doe")),
            ("currency", Some("usd")),
            ("body", Some("Example text.")),
            ("sha", Some("6dcb09b5b57875f334f61aebed695e2e4193db5e")),
            ("frobnicate", None),
            ("", None),
        ];
        for (name, expected) in cases {
            assert_eq!(text_for(name).as_deref(), expected, "{name}");
        }
    }
}
