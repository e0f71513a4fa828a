//! Checks of `environments` and `auth`: one default environment, absolute `http(s)` base and
//! token URLs, credentials of one kind each, requirements that name declared credentials
//! which can be sent together.

use super::Checker;
use crate::diag::{codes, did_you_mean, join_pointer};
use crate::names;
use crate::spec::{ApiKeyLocation, Auth, Credential, Requirement};

impl Checker<'_> {
    pub(super) fn environments(&mut self) {
        let defaults: Vec<&String> =
            self.spec.environments.iter().filter(|(_, e)| e.default).map(|(name, _)| name).collect();
        if defaults.len() > 1 {
            let pointer = join_pointer("/environments", defaults[1]);
            let first = defaults[0].clone();
            self.report(
                codes::spec::TWO_DEFAULT_ENVIRONMENTS,
                &format!("{pointer}/default"),
                format!("environments `{first}` and `{}` are both marked `default: true`", defaults[1]),
            );
        }
        // Base URLs, which may hold `{variables}`, are checked with the servers (`check::servers`).
    }

    /// `auth`: credentials that each declare one kind, usable names, URLs and durations that
    /// parse; and every requirement (`auth.require`, each endpoint's `auth`) naming declared
    /// credentials that can travel together.
    pub(super) fn auth(&mut self) {
        if let Some(auth) = &self.spec.auth {
            self.credentials(auth);
            if let Some(requirement) = &auth.require {
                self.requirement(requirement, "/auth/require");
            }
        }
        for (name, endpoint) in &self.spec.endpoints {
            if let Some(requirement) = &endpoint.auth {
                self.requirement(requirement, &format!("{}/auth", join_pointer("/endpoints", name)));
            }
        }
    }

    fn credentials(&mut self, auth: &Auth) {
        if auth.credentials.is_empty() {
            self.report(codes::spec::EMPTY_AUTH, "/auth", "`auth` declares no credential".into()).help =
                Some("name one under `auth.credentials` (e.g. `token: { bearer: {} }`), or remove `auth`".into());
        }
        for (name, credential) in &auth.credentials {
            let pointer = join_pointer("/auth/credentials", name);
            if !super::is_snake_name(name) {
                self.report_at_key(
                    codes::spec::BAD_NAME,
                    &pointer,
                    format!("credential name `{name}` is not snake_case"),
                )
                .help = Some(format!("write `{}` (it names the builder's setter)", names::bare(&names::snake(name))));
            }
            let Credential {
                api_key,
                bearer,
                basic,
                oauth2_client_credentials,
                oauth2_authorization_code,
                oauth2_jwt_bearer,
                github_app,
                aws_sigv4,
                hmac_signature,
            } = credential;
            let kinds: Vec<&str> = [
                aws_sigv4.as_ref().map(|_| "aws_sigv4"),
                hmac_signature.as_ref().map(|_| "hmac_signature"),
                api_key.as_ref().map(|_| "api_key"),
                bearer.as_ref().map(|_| "bearer"),
                basic.as_ref().map(|_| "basic"),
                oauth2_client_credentials.as_ref().map(|_| "oauth2_client_credentials"),
                oauth2_authorization_code.as_ref().map(|_| "oauth2_authorization_code"),
                oauth2_jwt_bearer.as_ref().map(|_| "oauth2_jwt_bearer"),
                github_app.as_ref().map(|_| "github_app"),
            ]
            .into_iter()
            .flatten()
            .collect();
            if kinds.len() != 1 {
                let found = if kinds.is_empty() {
                    "none".to_string()
                } else {
                    kinds.iter().map(|kind| format!("`{kind}`")).collect::<Vec<_>>().join(" and ")
                };
                self.report(
                    codes::spec::CREDENTIAL_KIND,
                    &pointer,
                    format!("credential `{name}` must declare exactly one kind; it declares {found}"),
                )
                .help = Some(
                    "one of `api_key`, `bearer`, `basic`, `oauth2_client_credentials`, `oauth2_authorization_code`, `oauth2_jwt_bearer`, `github_app`, `aws_sigv4`, `hmac_signature`; name each credential separately"
                        .into(),
                );
            }
            if let Some(oauth) = oauth2_client_credentials {
                let at = format!("{pointer}/oauth2_client_credentials");
                self.url(&oauth.token_url, &format!("{at}/token_url"));
                if let Some(margin) = &oauth.refresh_before_expiry {
                    self.duration(margin, &format!("{at}/refresh_before_expiry"));
                }
                self.token_retry(oauth.token_retry.as_ref(), &at);
            }
            self.auth_flows(credential, &pointer);
            if let Some(tolerance) = hmac_signature.as_ref().and_then(|h| h.timestamp.as_ref()?.tolerance.as_ref()) {
                self.duration(tolerance, &format!("{pointer}/hmac_signature/timestamp/tolerance"));
            }
            if let Some(key) = api_key
                && key.name.trim().is_empty()
            {
                self.report(
                    codes::spec::EMPTY_NAME,
                    &format!("{pointer}/api_key/name"),
                    format!("the API key `{name}` needs a header or parameter name"),
                );
            }
        }
    }

    /// One requirement: each alternative names declared credentials, once each, and no two of
    /// them write the same header or query parameter (two `Authorization` headers cannot be
    /// sent together).
    fn requirement(&mut self, requirement: &Requirement, pointer: &str) {
        let Requirement::AnyOf(alternatives) = requirement else { return };
        let credentials = self.spec.auth.as_ref().map(|auth| &auth.credentials);
        for (index, alternative) in alternatives.iter().enumerate() {
            let mut places: Vec<(String, &str)> = Vec::new();
            for (position, name) in alternative.iter().enumerate() {
                let at = format!("{pointer}/{index}/{position}");
                let Some(credential) = credentials.and_then(|declared| declared.get(name)) else {
                    let declared: Vec<&str> =
                        credentials.map(|c| c.keys().map(String::as_str).collect()).unwrap_or_default();
                    let diagnostic =
                        self.report(codes::spec::UNKNOWN_CREDENTIAL, &at, format!("unknown credential `{name}`"));
                    diagnostic.label = Some("not in `auth.credentials`".into());
                    diagnostic.help = did_you_mean(name, declared.iter().copied()).or_else(|| {
                        Some(if declared.is_empty() {
                            "declare it under `auth.credentials`".into()
                        } else {
                            format!(
                                "declared credentials: {}",
                                declared.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                            )
                        })
                    });
                    continue;
                };
                let Some(place) = credential_place(credential) else { continue };
                if let Some((_, first)) = places.iter().find(|(seen, _)| *seen == place) {
                    let message = if *first == name.as_str() {
                        format!("credential `{name}` is named twice in one alternative")
                    } else {
                        format!("credentials `{first}` and `{name}` both set the {place}; they cannot be sent together")
                    };
                    self.report(codes::spec::CREDENTIAL_CONFLICT, &at, message).help =
                        Some("list them as separate alternatives (`[[a], [b]]`) if either one is enough".into());
                    continue;
                }
                places.push((place, name.as_str()));
            }
        }
    }
}

/// Where a credential goes on a request: `header `x-app-id`` (header names without case,
/// RFC 9110 §5.1), `query parameter `key``, or `header `authorization`` for bearer, basic and
/// OAuth2 credentials; `None` for one without a kind. Two credentials of one alternative must
/// not share a place (the importer keeps to this too).
pub(crate) fn credential_place(credential: &Credential) -> Option<String> {
    let Credential {
        api_key,
        bearer,
        basic,
        oauth2_client_credentials,
        oauth2_authorization_code,
        oauth2_jwt_bearer,
        github_app,
        aws_sigv4,
        hmac_signature,
    } = credential;
    if let Some(key) = api_key {
        return Some(match key.location {
            ApiKeyLocation::Header => format!("header `{}`", key.name.to_ascii_lowercase()),
            ApiKeyLocation::Query => format!("query parameter `{}`", key.name),
        });
    }
    if let Some(hmac) = hmac_signature {
        return Some(match hmac.signature.location {
            ApiKeyLocation::Header => format!("header `{}`", hmac.signature.name.to_ascii_lowercase()),
            ApiKeyLocation::Query => format!("query parameter `{}`", hmac.signature.name),
        });
    }
    (bearer.is_some()
        || basic.is_some()
        || oauth2_client_credentials.is_some()
        || oauth2_authorization_code.is_some()
        || oauth2_jwt_bearer.is_some()
        || github_app.is_some()
        || aws_sigv4.is_some())
    .then(|| "header `authorization`".into())
}
