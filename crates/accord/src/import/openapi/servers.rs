//! `servers` → `environments` (server variables replaced by their defaults), and the servers
//! of a path item or operation, which accord cannot carry (reported).

use indexmap::IndexMap;
use serde_json::Value;

use super::heuristics::snake;
use super::{Importer, escape};
use crate::spec::Environment;

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
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                self.warn(
                    &pointer,
                    format!("server URL `{url}` is relative to where the document is served; kept under https://example.invalid — set the real host"),
                );
                url = format!("https://example.invalid{}{}", if url.starts_with('/') { "" } else { "/" }, url);
            }
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
            let environment =
                Environment { base_url: url, description: description.map(str::to_string), default: index == 0 };
            out.insert(key, environment);
        }
        out
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
