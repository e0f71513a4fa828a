//! Rules of the OAuth 2.0 flows of issue 17 (`oauth2_authorization_code`,
//! `oauth2_jwt_bearer`, `github_app`) and of a token request's `token_retry`: their URLs
//! are absolute `http(s)` URLs, their durations parse, a GitHub App token path names
//! `{installation_id}`.

use super::Checker;
use crate::diag::codes;
use crate::spec::{Credential, TokenRetrySpec};

impl Checker<'_> {
    /// The checks of a credential's flow, if it declares one of these kinds.
    pub(super) fn auth_flows(&mut self, credential: &Credential, pointer: &str) {
        if let Some(code) = &credential.oauth2_authorization_code {
            let at = format!("{pointer}/oauth2_authorization_code");
            self.url(&code.authorize_url, &format!("{at}/authorize_url"));
            self.url(&code.token_url, &format!("{at}/token_url"));
            if let Some(margin) = &code.refresh_before_expiry {
                self.duration(margin, &format!("{at}/refresh_before_expiry"));
            }
            self.token_retry(code.token_retry.as_ref(), &at);
        }
        if let Some(jwt) = &credential.oauth2_jwt_bearer {
            let at = format!("{pointer}/oauth2_jwt_bearer");
            self.url(&jwt.token_url, &format!("{at}/token_url"));
            for (value, key) in [(&jwt.lifetime, "lifetime"), (&jwt.refresh_before_expiry, "refresh_before_expiry")] {
                if let Some(text) = value {
                    self.duration(text, &format!("{at}/{key}"));
                }
            }
            self.token_retry(jwt.token_retry.as_ref(), &at);
        }
        if let Some(app) = &credential.github_app {
            let at = format!("{pointer}/github_app");
            if let Some(path) = &app.token_path
                && (!path.starts_with('/') || !path.contains("{installation_id}"))
            {
                self.report(
                    codes::spec::BAD_URL,
                    &format!("{at}/token_path"),
                    format!("the GitHub App token path `{path}` must start with `/` and name `{{installation_id}}`"),
                )
                .help = Some("GitHub's is `/app/installations/{installation_id}/access_tokens`".into());
            }
            if let Some(margin) = &app.refresh_before_expiry {
                self.duration(margin, &format!("{at}/refresh_before_expiry"));
            }
            self.token_retry(app.token_retry.as_ref(), &at);
        }
    }

    /// `token_retry.retry_delay` is a duration.
    pub(super) fn token_retry(&mut self, retry: Option<&TokenRetrySpec>, pointer: &str) {
        if let Some(retry) = retry {
            self.duration(&retry.retry_delay, &format!("{pointer}/token_retry/retry_delay"));
        }
    }
}
