//! Checks of `server_variables`, `servers` and the URLs that use them: every `{variable}` of an
//! environment's or server's URL declared and in a place accord fills (host, port, path); each
//! variable with a default or `required: true`, its values fitting its enum and its place; named
//! servers with a URL for exactly the declared environments; endpoints naming declared servers.

use accord_contract::url_template::{UrlPlace, placeholders};

use super::Checker;
use crate::diag::{codes, did_you_mean, join_pointer};
use crate::spec::ServerUrl;

impl Checker<'_> {
    pub(super) fn servers(&mut self) {
        for (name, variable) in &self.spec.server_variables {
            let pointer = join_pointer("/server_variables", name);
            if !super::is_snake_name(name) {
                self.report_at_key(
                    codes::spec::BAD_NAME,
                    &pointer,
                    format!("server variable name `{name}` is not snake_case"),
                )
                .help = Some(format!(
                    "write `{}` here and in the URLs (it names the builder's setter)",
                    crate::names::snake(name)
                ));
            }
            match (&variable.default, variable.required) {
                (None, false) => {
                    self.report_at_key(
                        codes::spec::VARIABLE_WITHOUT_DEFAULT,
                        &pointer,
                        format!("server variable `{name}` has no `default` and is not `required: true`"),
                    )
                    .help = Some("give it a `default`, or write `required: true` when every client must set it".into());
                }
                (Some(_), true) => {
                    self.report(
                        codes::spec::VARIABLE_WITHOUT_DEFAULT,
                        &format!("{pointer}/required"),
                        format!("server variable `{name}` is `required: true` but has a `default`, which would never be used"),
                    )
                    .help = Some("remove `required: true` (the default is used when no value is set), or the `default`".into());
                }
                _ => {}
            }
            if let Some(default) = &variable.default
                && !variable.values.is_empty()
                && !variable.values.contains(default)
            {
                self.report(
                    codes::spec::BAD_VARIABLE_VALUE,
                    &format!("{pointer}/default"),
                    format!("the default `{default}` of server variable `{name}` is not one of its `enum` values"),
                )
                .help = Some(format!(
                    "use one of {}",
                    variable.values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
                ));
            }
        }
        let mut urls: Vec<(String, String)> = self
            .spec
            .environments
            .iter()
            .map(|(name, e)| (e.base_url.clone(), format!("{}/base_url", join_pointer("/environments", name))))
            .collect();
        for (name, server) in &self.spec.servers {
            let pointer = format!("{}/base_url", join_pointer("/servers", name));
            match &server.base_url {
                ServerUrl::Everywhere(url) => urls.push((url.clone(), pointer)),
                ServerUrl::PerEnvironment(map) => {
                    for (environment, url) in map {
                        urls.push((url.clone(), join_pointer(&pointer, environment)));
                        if !self.spec.environments.contains_key(environment) {
                            let hint = did_you_mean(environment, self.spec.environments.keys().map(String::as_str));
                            self.report_at_key(
                                codes::spec::SERVER_ENVIRONMENTS,
                                &join_pointer(&pointer, environment),
                                format!(
                                    "server `{name}` has a URL for `{environment}`, which is not a declared environment"
                                ),
                            )
                            .help = hint.or(Some("name environments declared under `environments`".into()));
                        }
                    }
                    let missing: Vec<&str> = self
                        .spec
                        .environments
                        .keys()
                        .filter(|environment| !map.contains_key(*environment))
                        .map(String::as_str)
                        .collect();
                    if !missing.is_empty() {
                        self.report(
                            codes::spec::SERVER_ENVIRONMENTS,
                            &pointer,
                            format!(
                                "server `{name}` has no URL for environment {}",
                                missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                            ),
                        )
                        .help = Some("give a URL for every environment, or one URL (a string) for all of them".into());
                    }
                }
            }
        }
        for (url, pointer) in urls {
            self.templated_url(&url, &pointer);
        }
        for (name, endpoint) in &self.spec.endpoints {
            if let Some(server) = &endpoint.server
                && !self.spec.servers.contains_key(server)
            {
                let hint = did_you_mean(server, self.spec.servers.keys().map(String::as_str));
                self.report(
                    codes::spec::UNKNOWN_SERVER,
                    &format!("{}/server", join_pointer("/endpoints", name)),
                    format!("endpoint `{name}` names server `{server}`, which `servers` does not declare"),
                )
                .help = hint.or(Some(format!("declare it: `servers: {{ {server}: {{ base_url: \"https://…\" }} }}`")));
            }
        }
    }

    /// An environment's or server's URL: its variables declared and in a place accord fills,
    /// their values fit for it, and the URL with them filled in an absolute `http(s)` URL.
    fn templated_url(&mut self, url: &str, pointer: &str) {
        let mut sample = String::new();
        let mut last = 0;
        for placeholder in placeholders(url) {
            sample.push_str(&url[last..placeholder.start]);
            last = placeholder.end;
            let name = placeholder.name;
            let Some(variable) = self.spec.server_variables.get(name) else {
                let hint = did_you_mean(name, self.spec.server_variables.keys().map(String::as_str));
                self.report(
                    codes::spec::UNDECLARED_VARIABLE,
                    pointer,
                    format!("`{{{name}}}` in `{url}` is not a declared server variable"),
                )
                .help = hint.or(Some(format!(
                    "declare it: `server_variables: {{ {name}: {{ default: …, description: … }} }}` (or `required: true`)"
                )));
                sample.push('x');
                continue;
            };
            if matches!(placeholder.place, UrlPlace::Scheme | UrlPlace::QueryOrFragment) {
                self.report(
                    codes::spec::UNDECLARED_VARIABLE,
                    pointer,
                    format!(
                        "`{{{name}}}` stands in the {} of `{url}`; a variable may stand in the host, port or path",
                        placeholder.place
                    ),
                )
                .help = Some("write that part of the URL without a variable".into());
                // The URL itself is not checked further: the variable's place is the problem.
                return;
            }
            let variable_pointer = join_pointer("/server_variables", name);
            let values = variable.default.iter().map(|value| (value, format!("{variable_pointer}/default"))).chain(
                variable.values.iter().enumerate().map(|(i, value)| (value, format!("{variable_pointer}/enum/{i}"))),
            );
            let mut written = None;
            for (value, at) in values {
                match placeholder.place.write(name, value) {
                    Ok(text) => written = written.or(Some(text)),
                    Err(bad) => {
                        self.report(
                            codes::spec::BAD_VARIABLE_VALUE,
                            &at,
                            format!(
                                "value `{value}` of server variable `{name}` cannot stand in the {} of `{url}`: it {}",
                                placeholder.place, bad.reason
                            ),
                        )
                        .help = Some(match placeholder.place {
                            UrlPlace::Host => {
                                "a host takes letters, digits, `-` and `.` between non-empty labels".into()
                            }
                            UrlPlace::Port => "a port takes a number up to 65535".into(),
                            _ => "a path value may be anything but empty, `.` or `..`".into(),
                        });
                    }
                }
            }
            sample.push_str(
                &written.unwrap_or_else(|| if placeholder.place == UrlPlace::Port { "1".into() } else { "x".into() }),
            );
        }
        sample.push_str(&url[last..]);
        self.url(&sample, pointer);
    }
}
