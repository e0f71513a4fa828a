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
        _ => return None,
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::text_for;

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
