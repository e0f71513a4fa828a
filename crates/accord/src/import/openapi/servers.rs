//! `servers` → `environments`, their variables → `server_variables` (default, enum,
//! description), and the servers of a path item or operation → named `servers` that the
//! endpoint names.

use indexmap::IndexMap;
use serde_json::Value;

use super::heuristics::snake;
use super::{Importer, escape};
use crate::json_fields::Field;
use crate::spec::{Environment, Server, ServerUrl, ServerVariable};
use accord_contract::url_template::{UrlPlace, placeholders};

/// Where a server URL goes when the document does not say which host serves it.
const PLACEHOLDER_HOST: &str = "https://example.invalid";

impl<'a> Importer<'a> {
    /// One environment per server, the first the default, keyed by the server's description
    /// (snake_case, when short) or `production`, `server_2`, ….
    pub(super) fn environments(&mut self) -> IndexMap<String, Environment> {
        let mut out = IndexMap::new();
        let Some(servers) = self.document.field("servers").and_then(Value::as_array) else { return out };
        for (index, server) in servers.iter().enumerate() {
            let pointer = format!("/servers/{index}");
            let Some(url) = self.server_template(server, &pointer) else { continue };
            let description = server.field("description").and_then(Value::as_str);
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
                // Relative URLs elsewhere resolve against the URL with its defaults.
                self.base_url = self.default_server_url().or(Some(url.clone()));
            }
            let environment = Environment {
                base_url: url,
                description: description.map(str::to_string),
                default: index == 0,
                client_certificate: None,
            };
            out.insert(key, environment);
        }
        out
    }

    /// A Server Object's URL (OpenAPI 3.1.0 §4.8.5-6): its variables kept as `{snake_name}`
    /// and declared in `server_variables` (default, enum, description) when each stands in the
    /// host, port or path and its values fit there; otherwise every variable replaced by its
    /// default, as before accord had variables, with a warning. `None` without a `url`.
    fn server_template(&mut self, server: &Value, pointer: &str) -> Option<String> {
        let raw = server.field("url").and_then(Value::as_str)?;
        let text = |value: &Value| value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
        let declared = server.field("variables").and_then(Value::as_object);
        let mut variables: Vec<(String, String, ServerVariable)> = Vec::new();
        for placeholder in placeholders(raw) {
            let original = placeholder.name.to_string();
            if variables.iter().any(|(o, _, _)| *o == original) {
                continue;
            }
            let definition = declared.and_then(|d| d.get(&original));
            let mut variable = ServerVariable {
                default: definition.and_then(|d| d.field("default")).map(text),
                values: definition
                    .and_then(|d| d.field("enum"))
                    .and_then(Value::as_array)
                    .map(|values| values.iter().map(text).collect())
                    .unwrap_or_default(),
                description: definition
                    .and_then(|d| d.field("description"))
                    .and_then(Value::as_str)
                    .map(str::to_string),
                ..ServerVariable::default()
            };
            let at = format!("{pointer}/variables/{}", escape(&original));
            if definition.is_none() {
                self.warn(pointer, format!("server variable `{original}` stands in the URL but is not declared in `variables`; imported as a required variable"));
            }
            if variable.default.is_none() {
                variable.required = true;
            }
            if let Some(default) = &variable.default
                && !variable.values.is_empty()
                && !variable.values.contains(default)
            {
                self.warn(&at, format!("the default `{default}` of server variable `{original}` is not one of its `enum` values; added to them"));
                variable.values.insert(0, default.clone());
            }
            variables.push((original.clone(), snake(&original), variable));
        }
        // A default or `enum` value that cannot stand where its variable is written is dropped
        // with a warning, and a variable left without a default becomes required: VTEX's 30
        // documents in the API directory give `{accountName}` as the default of `accountName`,
        // which would otherwise leave the braces in the base URL. Only for variables written in
        // the host, port or path (the others fall back to their defaults below).
        let spots = placeholders(raw);
        for (original, _, variable) in &mut variables {
            let places: Vec<UrlPlace> = spots.iter().filter(|p| p.name == original.as_str()).map(|p| p.place).collect();
            if places.is_empty()
                || !places.iter().all(|p| matches!(p, UrlPlace::Host | UrlPlace::Port | UrlPlace::Path))
            {
                continue;
            }
            let fits = |value: &str| places.iter().all(|place| place.write(original, value).is_ok());
            let at = format!("{pointer}/variables/{}", escape(original));
            let (kept, dropped): (Vec<String>, Vec<String>) =
                std::mem::take(&mut variable.values).into_iter().partition(|v| fits(v));
            variable.values = kept;
            if let Some(default) = variable.default.take_if(|d| !fits(d)) {
                self.warn(&at, format!("the default `{default}` of server variable `{original}` cannot stand in the URL; dropped, so the variable is required"));
                variable.required = true;
            }
            for value in dropped.into_iter().filter(|v| variable.default.as_ref() != Some(v)) {
                self.warn(
                    &at,
                    format!("the value `{value}` of server variable `{original}` cannot stand in the URL; dropped"),
                );
            }
        }
        let with_defaults = |url: &str, missing: &str| {
            let mut url = url.to_string();
            for (original, _, variable) in &variables {
                url = url.replace(&format!("{{{original}}}"), variable.default.as_deref().unwrap_or(missing));
            }
            url
        };
        // Kept as a template when the URL with its defaults (a required variable's value
        // standing in as `x`) is an absolute http(s) URL and every variable's values fit the
        // place it stands in.
        let sample = with_defaults(raw, "");
        let probe = with_defaults(raw, "x");
        let absolute = url::Url::parse(&probe).is_ok_and(|p| matches!(p.scheme(), "http" | "https") && p.has_host());
        let fits = placeholders(raw).iter().all(|placeholder| {
            let Some((_, _, variable)) = variables.iter().find(|(o, _, _)| o == placeholder.name) else { return false };
            matches!(placeholder.place, UrlPlace::Host | UrlPlace::Port | UrlPlace::Path)
                && variable
                    .default
                    .iter()
                    .chain(&variable.values)
                    .all(|v| placeholder.place.write(placeholder.name, v).is_ok())
        });
        if !absolute || !fits || variables.is_empty() {
            if !variables.is_empty() {
                self.warn(pointer, format!("server URL `{raw}` keeps its variables' defaults only: a variable there stands where accord cannot fill it (scheme, query) or has values that do not fit"));
            }
            return Some(self.server_url(&sample, pointer).trim_end_matches('/').to_string());
        }
        let mut url = raw.to_string();
        for (original, name, variable) in variables {
            url = url.replace(&format!("{{{original}}}"), &format!("{{{name}}}"));
            match self.server_variables.get(&name) {
                Some(existing) if existing.default != variable.default || existing.values != variable.values => {
                    self.warn(
                        &format!("{pointer}/variables/{}", escape(&original)),
                        format!("server variable `{original}` is declared differently by another server; the first declaration is kept"),
                    );
                }
                Some(_) => {}
                None => {
                    self.server_variables.insert(name, variable);
                }
            }
        }
        Some(url.trim_end_matches('/').to_string())
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
        let server = self.document.field("servers")?.as_array()?.first()?;
        let mut url = server.field("url")?.as_str()?.to_string();
        if let Some(variables) = server.field("variables").and_then(Value::as_object) {
            for (name, variable) in variables {
                let default =
                    variable.field("default").map(|d| d.as_str().map(str::to_string).unwrap_or(d.to_string()));
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

    /// An operation's or path item's own `servers` (Stripe serves `POST /v1/files` from
    /// `files.stripe.com`) as a named server the endpoint names: the same URLs as another
    /// endpoint's share its server, named after the first host label (`files`). One URL is
    /// used in every environment; as many URLs as environments map to them in order; otherwise
    /// the first is used, with a warning. `None` when they are the document's own servers.
    pub(super) fn own_servers(
        &mut self,
        operation: &Value,
        item: &Value,
        at: &str,
        item_pointer: &str,
    ) -> Option<String> {
        let top = self.document.field("servers");
        let (servers, pointer) = match (operation.field("servers"), item.field("servers")) {
            (Some(servers), _) => (servers, format!("{at}/servers")),
            (None, Some(servers)) => (servers, format!("{item_pointer}/servers")),
            (None, None) => return None,
        };
        if Some(servers) == top {
            return None;
        }
        let list = servers.as_array()?;
        let mut urls = Vec::new();
        for (index, server) in list.iter().enumerate() {
            if let Some(url) = self.server_template(server, &format!("{pointer}/{index}")) {
                urls.push(url);
            }
        }
        let first = urls.first()?.clone();
        let environments: Vec<String> = self
            .document
            .field("servers")
            .and_then(Value::as_array)
            .map(|top| top.iter().enumerate().map(|(i, _)| i.to_string()).collect())
            .unwrap_or_default();
        let base_url = if urls.len() > 1 && urls.len() == environments.len() {
            // Keyed by the environments' names later (`Importer::spec`), in order.
            ServerUrl::PerEnvironment(environments.into_iter().zip(urls).collect())
        } else {
            if urls.len() > 1 {
                self.warn(
                    &pointer,
                    format!("{} server URLs given; the first, `{first}`, is used in every environment", urls.len()),
                );
            }
            ServerUrl::Everywhere(first.clone())
        };
        if let Some((name, _)) = self.servers.iter().find(|(_, s)| same_url(&s.base_url, &base_url)) {
            return Some(name.clone());
        }
        let host = url::Url::parse(&first).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
        let label = host
            .split('.')
            .next()
            .map(snake)
            .filter(|l| !l.is_empty() && !l.contains('{'))
            .unwrap_or_else(|| "server".into());
        let mut name = label.clone();
        let mut n = 2;
        while self.servers.contains_key(&name) {
            name = format!("{label}_{n}");
            n += 1;
        }
        let description = list.first().and_then(|s| s.field("description")).and_then(Value::as_str).map(str::to_string);
        self.servers.insert(name.clone(), Server { base_url, description });
        Some(name)
    }

    /// `servers` keyed by environment position (as [`Importer::own_servers`] leaves them)
    /// re-keyed by the environments' names.
    pub(super) fn name_server_environments(&mut self, environments: &IndexMap<String, Environment>) {
        let names: Vec<&String> = environments.keys().collect();
        for server in self.servers.values_mut() {
            if let ServerUrl::PerEnvironment(map) = &mut server.base_url {
                *map = map
                    .iter()
                    .filter_map(|(index, url)| {
                        Some((names.get(index.parse::<usize>().ok()?)?.to_string(), url.clone()))
                    })
                    .collect();
            }
        }
    }
}

fn same_url(a: &ServerUrl, b: &ServerUrl) -> bool {
    match (a, b) {
        (ServerUrl::Everywhere(a), ServerUrl::Everywhere(b)) => a == b,
        (ServerUrl::PerEnvironment(a), ServerUrl::PerEnvironment(b)) => a == b,
        _ => false,
    }
}
