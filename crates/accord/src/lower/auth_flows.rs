//! Lowering of the OAuth 2.0 flows of issue 17 (`oauth2_authorization_code`,
//! `oauth2_jwt_bearer`, `github_app`) to their `accord_contract::AuthScheme`s: paths the
//! mock serves, durations in seconds, and the environment variables' names, defaulting to
//! `{SPEC}_{CREDENTIAL}_…` as the other schemes do.

use accord_contract::oauth::{ClientAuthMethod, GitHubApp, OAuth2AuthorizationCode, OAuth2JwtBearer, TokenRetry};

use super::seconds;
use crate::ir::AuthScheme;
use crate::spec::{self, TokenRetrySpec};
use crate::units::parse_duration;

/// GitHub's installation token path ("Authenticating as a GitHub App installation").
pub(super) const GITHUB_APP_TOKEN_PATH: &str = "/app/installations/{installation_id}/access_tokens";

/// A token request's retries in the contract's units (none when the spec says nothing).
pub(super) fn token_retry(retry: Option<&TokenRetrySpec>) -> TokenRetry {
    retry.map_or_else(TokenRetry::default, |retry| TokenRetry {
        retry_attempts: retry.retry_attempts,
        retry_delay_ms: parse_duration(&retry.retry_delay).map(|d| d.as_millis() as u64).unwrap_or(0),
    })
}

fn path_of(url: &str) -> String {
    url::Url::parse(url).map(|u| u.path().to_string()).unwrap_or_else(|_| "/".into())
}

/// The scheme of a credential declaring one of these flows; `env(suffix)` is the default
/// variable name for a suffix (`_CLIENT_ID`).
pub(super) fn scheme(credential: &spec::Credential, env: &dyn Fn(&str) -> String) -> Option<AuthScheme> {
    let or = |value: &Option<String>, suffix: &str| value.clone().unwrap_or_else(|| env(suffix));
    if let Some(code) = &credential.oauth2_authorization_code {
        return Some(AuthScheme::OAuth2AuthorizationCode(OAuth2AuthorizationCode {
            authorize_url: code.authorize_url.clone(),
            authorize_path: path_of(&code.authorize_url),
            token_url: code.token_url.clone(),
            token_path: path_of(&code.token_url),
            scopes: code.scopes.clone(),
            authorize_params: code.authorize_params.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            client_authentication: code.client_authentication.unwrap_or(ClientAuthMethod::ClientSecretBasic),
            refresh_before_expiry_seconds: code.refresh_before_expiry.as_deref().map(seconds).unwrap_or(0),
            token_retry: token_retry(code.token_retry.as_ref()),
            client_id_env: or(&code.client_id_env, "_CLIENT_ID"),
            client_secret_env: or(&code.client_secret_env, "_CLIENT_SECRET"),
            redirect_uri_env: or(&code.redirect_uri_env, "_REDIRECT_URI"),
            refresh_token_env: or(&code.refresh_token_env, "_REFRESH_TOKEN"),
            private_key_env: env("_PRIVATE_KEY"),
            private_key_file_env: env("_PRIVATE_KEY_FILE"),
            scope_separator: code.scope_separator.clone(),
            reauthorization_errors: code.reauthorization_errors.clone(),
        }));
    }
    if let Some(jwt) = &credential.oauth2_jwt_bearer {
        return Some(AuthScheme::OAuth2JwtBearer(OAuth2JwtBearer {
            token_url: jwt.token_url.clone(),
            token_path: path_of(&jwt.token_url),
            scopes: jwt.scopes.clone(),
            audience: jwt.audience.clone(),
            lifetime_seconds: jwt.lifetime.as_deref().map(seconds).unwrap_or(3_600),
            refresh_before_expiry_seconds: jwt.refresh_before_expiry.as_deref().map(seconds).unwrap_or(0),
            token_retry: token_retry(jwt.token_retry.as_ref()),
            issuer_env: or(&jwt.issuer_env, "_ISSUER"),
            subject_env: env("_SUBJECT"),
            private_key_env: or(&jwt.private_key_env, "_PRIVATE_KEY"),
            private_key_file_env: env("_PRIVATE_KEY_FILE"),
            public_key_env: or(&jwt.public_key_env, "_PUBLIC_KEY"),
        }));
    }
    if let Some(app) = &credential.github_app {
        return Some(AuthScheme::GitHubApp(GitHubApp {
            token_path: app.token_path.clone().unwrap_or_else(|| GITHUB_APP_TOKEN_PATH.into()),
            refresh_before_expiry_seconds: app.refresh_before_expiry.as_deref().map(seconds).unwrap_or(0),
            token_retry: token_retry(app.token_retry.as_ref()),
            app_id_env: or(&app.app_id_env, "_APP_ID"),
            installation_id_env: or(&app.installation_id_env, "_INSTALLATION_ID"),
            private_key_env: or(&app.private_key_env, "_PRIVATE_KEY"),
            private_key_file_env: env("_PRIVATE_KEY_FILE"),
            public_key_env: or(&app.public_key_env, "_PUBLIC_KEY"),
        }));
    }
    None
}
