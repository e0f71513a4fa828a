//! Checks of `environments` and `auth`: one default environment, absolute `http(s)` base and
//! token URLs, an `auth` that declares a scheme.

use super::Checker;
use crate::diag::{codes, join_pointer};

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
        for (name, environment) in &self.spec.environments {
            let pointer = join_pointer("/environments", name);
            self.url(&environment.base_url, &format!("{pointer}/base_url"));
        }
    }

    pub(super) fn auth(&mut self) {
        let Some(auth) = &self.spec.auth else { return };
        if auth.api_key.is_none()
            && auth.bearer.is_none()
            && auth.basic.is_none()
            && auth.oauth2_client_credentials.is_none()
        {
            self.report(codes::spec::EMPTY_AUTH, "/auth", "`auth` declares no scheme".into()).help = Some(
                "declare one of `api_key`, `bearer`, `basic`, `oauth2_client_credentials`, or remove `auth`".into(),
            );
        }
        if let Some(oauth) = &auth.oauth2_client_credentials {
            self.url(&oauth.token_url, "/auth/oauth2_client_credentials/token_url");
            if let Some(margin) = &oauth.refresh_before_expiry {
                self.duration(margin, "/auth/oauth2_client_credentials/refresh_before_expiry");
            }
        }
        if let Some(key) = &auth.api_key
            && key.name.trim().is_empty()
        {
            self.report(
                codes::spec::EMPTY_NAME,
                "/auth/api_key/name",
                "the API key needs a header or parameter name".into(),
            );
        }
    }
}
