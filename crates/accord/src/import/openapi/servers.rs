//! `servers` → `environments` (server variables replaced by their defaults), and the servers
//! of a path item or operation, which accord cannot carry (reported).

use indexmap::IndexMap;
use serde_json::Value;

use super::heuristics::snake;
use super::{Importer, escape};
use crate::spec::Environment;

/// Where a server URL goes when the document does not say which host serves it.
const PLACEHOLDER_HOST: &str = "https://example.invalid";

impl<'a> Importer<'a> {
    /// One environment per server, the first the default, keyed by the server's description
    /// (snake_case, when short) or `production`, `server_2`, ….
    pub(super) fn environments(&mut self) -> IndexMap<String, Environment> {
        let mut out = IndexMap::new();
        let Some(servers) = self.document.get("servers").and_then(Value::as_array) else { return out };
        for (index, server) in servers.iter().enumerate() {
            let pointer = format!("/servers/{index}");
            let Some(url) = server.get("url").and_then(Value::as_str) else { continue };
            let mut url = url.to_string();
            if let Some(variables) = server.get("variables").and_then(Value::as_object) {
                for (name, variable) in variables {
                    let default =
                        variable.get("default").map(|d| d.as_str().map(str::to_string).unwrap_or(d.to_string()));
                    url = url.replace(&format!("{{{name}}}"), &default.unwrap_or_default());
                    if variable.get("enum").is_some() {
                        self.warn(
                            &format!("{pointer}/variables/{}", escape(name)),
                            format!(
                                "server variable `{name}` has other values than its default; only the default is kept"
                            ),
                        );
                    }
                }
            }
            let url = self.server_url(&url, &pointer);
            let url = url.trim_end_matches('/').to_string();
            let description = server.get("description").and_then(Value::as_str);
            let base = description
                .map(snake)
                .filter(|s| !s.is_empty() && s.len() <= 30)
                .unwrap_or_else(|| if index == 0 { "production".into() } else { format!("server_{}", index + 1) });
            let mut key = base.clone();
            let mut n = 2;
            while out.contains_key(&key) {
                key = format!("{base}_{n}");
                n += 1;
            }
            if index == 0 {
                self.base_url = Some(url.clone());
            }
            let environment =
                Environment { base_url: url, description: description.map(str::to_string), default: index == 0, client_certificate: None };
            out.insert(key, environment);
        }
        out
    }

    /// A server URL as an absolute `http(s)` URL. OpenAPI resolves a relative one against
    /// where the document is served, which an import does not know: it is resolved under
    /// `https://example.invalid/` (dot segments removed, so `../../etc/passwd` stays on that
    /// host) with a warning to set the real host; any other scheme (`file:`, `ftp:`) is
    /// replaced by `https://example.invalid` with a warning.
    fn server_url(&mut self, url: &str, pointer: &str) -> String {
        match url::Url::parse(url) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => url.to_string(),
            Ok(parsed) => {
                self.warn(
                    pointer,
                    format!(
                        "server URL `{url}` uses scheme `{}`; replaced by https://example.invalid — set the real host",
                        parsed.scheme()
                    ),
                );
                PLACEHOLDER_HOST.to_string()
            }
            Err(_) => {
                let base = url::Url::parse(PLACEHOLDER_HOST).expect("a valid URL");
                // `/v1` and `v1` both land under the placeholder's root.
                let relative = if url.starts_with('/') { url.to_string() } else { format!("/{url}") };
                let resolved = base.join(&relative).map(String::from).unwrap_or_else(|_| PLACEHOLDER_HOST.to_string());
                self.warn(
                    pointer,
                    format!("server URL `{url}` is relative to where the document is served; kept as `{resolved}` — set the real host"),
                );
                resolved
            }
        }
    }

    /// The default (first) server's URL as `environments` makes it (variables replaced by
    /// their defaults; a relative one under `https://example.invalid`), without warnings: for
    /// URLs read before `servers` is. `None` without a server URL or with another scheme.
    pub(super) fn default_server_url(&self) -> Option<String> {
        let server = self.document.get("servers")?.as_array()?.first()?;
        let mut url = server.get("url")?.as_str()?.to_string();
        if let Some(variables) = server.get("variables").and_then(Value::as_object) {
            for (name, variable) in variables {
                let default = variable.get("default").map(|d| d.as_str().map(str::to_string).unwrap_or(d.to_string()));
                url = url.replace(&format!("{{{name}}}"), &default.unwrap_or_default());
            }
        }
        match url::Url::parse(&url) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => Some(url),
            Ok(_) => None,
            Err(_) => {
                let relative = if url.starts_with('/') { url } else { format!("/{url}") };
                url::Url::parse(PLACEHOLDER_HOST).ok()?.join(&relative).ok().map(String::from)
            }
        }
    }

    /// A URL the document gives beside its servers (an OAuth2 `tokenUrl`) as an absolute
    /// `http(s)` URL: kept when it is one, else resolved against the default server's URL as
    /// OpenAPI 3.0 says (with a warning naming the result); `None`, with a warning, when it
    /// cannot be (no server, another scheme, not a URL).
    pub(super) fn absolute_url(&mut self, url: &str, pointer: &str, what: &str) -> Option<String> {
        let http = |parsed: &url::Url| matches!(parsed.scheme(), "http" | "https") && parsed.has_host();
        match url::Url::parse(url) {
            Ok(parsed) if http(&parsed) => Some(url.to_string()),
            Ok(parsed) => {
                self.warn(
                    pointer,
                    format!("{what} `{url}` uses scheme `{}`, not http or https; left out", parsed.scheme()),
                );
                None
            }
            Err(url::ParseError::RelativeUrlWithoutBase) => {
                // RFC 3986 §5.2 against the server URL as a folder: `/oauth2/token` replaces
                // its path, `oauth2/token` goes under it.
                let base = self
                    .base_url
                    .clone()
                    .or_else(|| self.default_server_url())
                    .and_then(|base| url::Url::parse(&format!("{}/", base.trim_end_matches('/'))).ok());
                match base.and_then(|base| base.join(url).ok()).filter(|resolved| http(resolved)) {
                    Some(resolved) => {
                        let resolved = String::from(resolved);
                        self.warn(
                            pointer,
                            format!("{what} `{url}` is relative; resolved against the server URL as `{resolved}`"),
                        );
                        Some(resolved)
                    }
                    None => {
                        self.warn(
                            pointer,
                            format!(
                                "{what} `{url}` is relative and there is no server URL to resolve it against; left out"
                            ),
                        );
                        None
                    }
                }
            }
            Err(error) => {
                self.warn(pointer, format!("{what} `{url}` is not a URL ({error}); left out"));
                None
            }
        }
    }

    /// An operation or path item with its own `servers` (Stripe serves `POST /v1/files` from
    /// `files.stripe.com`) is sent to the environment's base URL by accord, which has no
    /// per-endpoint server: say so where the document differs from its top-level servers.
    pub(super) fn own_servers(&mut self, operation: &Value, item: &Value, at: &str, item_pointer: &str) {
        let top = self.document.get("servers");
        let (servers, pointer) = match (operation.get("servers"), item.get("servers")) {
            (Some(servers), _) => (servers, format!("{at}/servers")),
            (None, Some(servers)) => (servers, format!("{item_pointer}/servers")),
            (None, None) => return,
        };
        if Some(servers) == top {
            return;
        }
        let urls: Vec<&str> = servers
            .as_array()
            .map(|list| list.iter().filter_map(|s| s.get("url").and_then(Value::as_str)).collect())
            .unwrap_or_default();
        self.warn(
            &pointer,
            format!(
                "served from {urls:?}, not the document's servers; accord sends every endpoint to the environment's base URL, so calls to it go to the wrong host until the spec gains a per-endpoint server"
            ),
        );
    }
}
