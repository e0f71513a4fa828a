//! `components.securitySchemes` → `auth.credentials`, every scheme under its own name (snake
//! case of its key): `apiKey` (header or query), `http` basic/bearer, `oauth2`
//! `clientCredentials`, then `authorizationCode` (OpenAPI 3.1.0 §4.8.29: `authorizationUrl`,
//! `tokenUrl`, `refreshUrl`, `scopes` → `oauth2_authorization_code`); the other flows
//! (implicit, password), and OpenID Connect, become a bearer token the user obtains some
//! other way. `security` (OpenAPI 3.1.0 §4.8.30: a list of alternatives,
//! each the schemes sent together) → `auth.require` for the document's and each endpoint's
//! `auth` for an operation's own (`security: []` → `none`).

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde_json::Value;

use super::heuristics::snake;
use super::{Importer, escape};
use crate::json_fields::Field;
use crate::spec::{
    ApiKeyAuth, ApiKeyLocation, Auth, BasicAuth, BearerAuth, Credential, OAuth2AuthorizationCodeAuth,
    OAuth2ClientCredentials, PublicKeyword, Requirement,
};

/// A bearer token from an environment variable accord names.
fn bearer() -> Credential {
    Credential { bearer: Some(BearerAuth { env: None, description: None }), ..Credential::default() }
}

/// The credential name for a scheme key: snake_case (`bearerAuth` → `bearer_auth`), starting
/// with a letter, unique among `taken`.
fn credential_name(key: &str, taken: &IndexMap<String, Credential>) -> String {
    let mut base = snake(key);
    if !key.starts_with(|c: char| c.is_ascii_alphabetic()) {
        // `snake` put `api_` before a name that does not start with a letter.
        base = format!("credential_{}", base.trim_start_matches("api_"));
    }
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains_key(&name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

impl<'a> Importer<'a> {
    /// The spec's `auth`, or `None` when the document declares no scheme accord can use.
    /// Records which credential each scheme became, for the requirements.
    pub(super) fn auth(&mut self) -> Option<Auth> {
        let schemes = self.document.pointer("/components/securitySchemes")?.as_object()?;
        let mut credentials: IndexMap<String, Credential> = IndexMap::new();
        for (key, scheme) in schemes {
            let pointer = format!("/components/securitySchemes/{}", escape(key));
            let Some((scheme, _)) = self.deref(scheme, &pointer) else { continue };
            let Some(credential) = self.credential(scheme, &pointer) else { continue };
            let name = credential_name(key, &credentials);
            if scheme.field("type").and_then(Value::as_str) == Some("oauth2") {
                self.oauth2_credentials.insert(name.clone());
            }
            self.credential_names.insert(key.clone(), name.clone());
            credentials.insert(name, credential);
        }
        if credentials.is_empty() {
            return None;
        }
        for (name, credential) in &credentials {
            if let Some(place) = crate::check::credential_place(credential) {
                self.credential_places.insert(name.clone(), place);
            }
        }
        let require = self.document_requirement();
        Some(Auth { description: None, credentials, require })
    }

    /// One security scheme as a credential; `None`, with a warning, for one accord cannot
    /// send.
    fn credential(&mut self, scheme: &Value, pointer: &str) -> Option<Credential> {
        let kind = scheme.field("type").and_then(Value::as_str).unwrap_or_default();
        match kind {
            "apiKey" => {
                let location = match scheme.field("in").and_then(Value::as_str).unwrap_or("header") {
                    "header" => ApiKeyLocation::Header,
                    "query" => ApiKeyLocation::Query,
                    "cookie" => {
                        self.warn(pointer, "an API key in a cookie is not supported; dropped");
                        return None;
                    }
                    other => {
                        self.warn(pointer, format!("an API key `in: {other}` is not supported; dropped"));
                        return None;
                    }
                };
                let name = scheme.field("name").and_then(Value::as_str).unwrap_or("X-API-Key");
                let api_key = ApiKeyAuth { location, name: name.to_string(), env: None };
                Some(Credential { api_key: Some(api_key), ..Credential::default() })
            }
            "http" => match scheme.field("scheme").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
                Some("bearer") => Some(bearer()),
                Some("basic") => {
                    let basic = BasicAuth { username_env: None, password_env: None, description: None };
                    Some(Credential { basic: Some(basic), ..Credential::default() })
                }
                Some(other) => {
                    self.warn(pointer, format!("HTTP auth scheme `{other}` is not supported; dropped"));
                    None
                }
                None => {
                    self.warn(pointer, "an `http` security scheme without `scheme`; dropped");
                    None
                }
            },
            "oauth2" => match scheme.pointer("/flows/clientCredentials") {
                Some(flow) => {
                    let token_url = flow.field("tokenUrl").and_then(Value::as_str).unwrap_or_default();
                    let at = format!("{pointer}/flows/clientCredentials/tokenUrl");
                    let Some(token_url) = self.absolute_url(token_url, &at, "OAuth2 `tokenUrl`") else {
                        self.warn(
                            pointer,
                            "the clientCredentials flow has no usable token URL; mapped to a bearer token",
                        );
                        return Some(bearer());
                    };
                    let scopes: Vec<String> = flow
                        .field("scopes")
                        .and_then(Value::as_object)
                        .map(|s| s.keys().cloned().collect())
                        .unwrap_or_default();
                    self.oauth2 = true;
                    let oauth = OAuth2ClientCredentials {
                        token_retry: None,
                        token_url,
                        scopes,
                        refresh_before_expiry: None,
                        client_id_env: None,
                        client_secret_env: None,
                    };
                    Some(Credential { oauth2_client_credentials: Some(oauth), ..Credential::default() })
                }
                None => match scheme.pointer("/flows/authorizationCode") {
                    Some(flow) => Some(self.authorization_code(flow, pointer)),
                    None => {
                        // Flows a server-side client cannot run alone (implicit, password): the
                        // user obtains a token some other way and passes it as a bearer token.
                        self.warn(
                            pointer,
                            "OAuth2 flows other than clientCredentials and authorizationCode need a user; mapped to a bearer token",
                        );
                        Some(bearer())
                    }
                },
            },
            "openIdConnect" => {
                self.warn(pointer, "OpenID Connect: mapped to a bearer token (obtain it with your OIDC library)");
                Some(bearer())
            }
            other => {
                self.warn(pointer, format!("security scheme type `{other}` is not supported; dropped"));
                None
            }
        }
    }

    /// An `authorizationCode` flow (OpenAPI 3.1.0 §4.8.29, Fixed Fields of an OAuth Flow
    /// Object) as `oauth2_authorization_code`: `authorizationUrl` and `tokenUrl` made
    /// absolute, the `scopes`' names. accord refreshes at the token URL: a different
    /// `refreshUrl` is warned about. Without both URLs, a bearer token with a warning.
    fn authorization_code(&mut self, flow: &Value, pointer: &str) -> Credential {
        let at = format!("{pointer}/flows/authorizationCode");
        let authorize = flow.field("authorizationUrl").and_then(Value::as_str).unwrap_or_default();
        let token = flow.field("tokenUrl").and_then(Value::as_str).unwrap_or_default();
        let authorize_url =
            self.absolute_url(authorize, &format!("{at}/authorizationUrl"), "OAuth2 `authorizationUrl`");
        let token_url = self.absolute_url(token, &format!("{at}/tokenUrl"), "OAuth2 `tokenUrl`");
        let (Some(authorize_url), Some(token_url)) = (authorize_url, token_url) else {
            self.warn(
                pointer,
                "the authorizationCode flow has no usable authorization or token URL; mapped to a bearer token",
            );
            return bearer();
        };
        if let Some(refresh) = flow.field("refreshUrl").and_then(Value::as_str)
            && !refresh.is_empty()
            && refresh != token
        {
            self.warn(
                &format!("{at}/refreshUrl"),
                format!("`refreshUrl` `{refresh}` differs from `tokenUrl`; accord refreshes at `tokenUrl`"),
            );
        }
        let scopes: Vec<String> =
            flow.field("scopes").and_then(Value::as_object).map(|s| s.keys().cloned().collect()).unwrap_or_default();
        let code = OAuth2AuthorizationCodeAuth {
            authorize_url,
            token_url,
            scopes,
            authorize_params: IndexMap::new(),
            client_authentication: None,
            refresh_before_expiry: None,
            token_retry: None,
            client_id_env: None,
            client_secret_env: None,
            redirect_uri_env: None,
            refresh_token_env: None,
            scope_separator: None,
            reauthorization_errors: Vec::new(),
        };
        Credential { oauth2_authorization_code: Some(code), ..Credential::default() }
    }

    /// `auth.require` from the document's `security`. Without one, operations without their
    /// own need nothing (OpenAPI), so the default is the requirement most operations have
    /// (`none` counting for those without), which leaves the fewest endpoints an `auth` of
    /// their own; when no operation has one either, it is left out (any one credential, with
    /// a warning: the document does not say).
    fn document_requirement(&mut self) -> Option<Requirement> {
        let requirement = match self.document.field("security") {
            Some(security) => self.requirement(security, "/security"),
            None => match self.most_common_operation_requirement() {
                Some(requirement) => requirement,
                None => {
                    self.warn(
                        "/components/securitySchemes",
                        "no `security` requirement anywhere in the document; every endpoint takes any one of the credentials",
                    );
                    return None;
                }
            },
        };
        self.document_requirement = Some(requirement.clone());
        Some(requirement)
    }

    /// The requirement most operations have, counting those without `security` as `none`
    /// (the first seen wins a tie); `None` when no operation has `security`. Its warnings are
    /// given again, once, as each endpoint is imported.
    fn most_common_operation_requirement(&mut self) -> Option<Requirement> {
        let paths = self.document.field("paths").and_then(Value::as_object)?;
        let mark = self.warnings.len();
        let mut counts: Vec<(Requirement, usize)> = Vec::new();
        let mut any = false;
        for (path, item) in paths {
            let Some(item) = item.as_object() else { continue };
            for (key, _) in super::METHODS {
                let Some(operation) = item.get(*key) else { continue };
                let requirement = match operation.field("security") {
                    Some(security) => {
                        any = true;
                        let pointer = format!("/paths/{}/{key}/security", escape(path));
                        self.requirement(security, &pointer)
                    }
                    None => Requirement::Public(PublicKeyword::None),
                };
                match counts.iter_mut().find(|(seen, _)| *seen == requirement) {
                    Some((_, count)) => *count += 1,
                    None => counts.push((requirement, 1)),
                }
            }
        }
        self.warnings.truncate(mark);
        if !any {
            return None;
        }
        let most = counts.iter().map(|(_, count)| *count).max()?;
        counts.into_iter().find(|(_, count)| *count == most).map(|(requirement, _)| requirement)
    }

    /// An endpoint's `auth` from the operation's own `security` at `pointer` (the
    /// operation's); `None` without one, or when it says what the document says.
    pub(super) fn operation_security(&mut self, operation: &Value, pointer: &str) -> Option<Requirement> {
        let Some(security) = operation.field("security") else { return self.operation_without_security() };
        if self.credential_names.is_empty() {
            // No scheme was imported (each dropped one is warned about), so there is no
            // `auth` to name.
            if self.document.pointer("/components/securitySchemes").is_none()
                && security.as_array().is_some_and(|list| !list.is_empty())
            {
                self.warn(
                    &format!("{pointer}/security"),
                    "names security schemes the document does not declare; dropped",
                );
            }
            return None;
        }
        let requirement = self.requirement(security, &format!("{pointer}/security"));
        (self.document_requirement.as_ref() != Some(&requirement)).then_some(requirement)
    }

    /// An endpoint's `auth` when the operation has no `security`: `none` when the document's
    /// default is not (no top-level `security`, and most operations have their own).
    pub(super) fn operation_without_security(&self) -> Option<Requirement> {
        let public = Requirement::Public(PublicKeyword::None);
        let defaulted = self.document.field("security").is_none()
            && self.document_requirement.as_ref().is_some_and(|requirement| *requirement != public);
        defaulted.then_some(public)
    }

    /// A Security Requirement list as alternatives of credential names. Each alternative
    /// keeps the schemes accord imported; one naming a dropped or undeclared scheme is left
    /// out with a warning, as is a second credential that writes the place another of the
    /// same alternative writes (two `Authorization` headers). Except two OAuth2 schemes: an
    /// alternative naming both (Google's `{Oauth2: [scope], Oauth2c: [scope]}`, its implicit and
    /// authorization-code flows of one authorization server) asks for one access token with
    /// those scopes, which one `Authorization` header carries, however it was obtained; so it
    /// becomes one alternative per scheme (either satisfies), without a warning. `[]`, `[{}]`
    /// and a list of nothing accord can send are `none`.
    fn requirement(&mut self, security: &Value, pointer: &str) -> Requirement {
        let Some(list) = security.as_array() else {
            self.warn(pointer, "`security` is not a list; ignored");
            return Requirement::Public(PublicKeyword::None);
        };
        let mut alternatives: Vec<Vec<String>> = Vec::new();
        for (index, alternative) in list.iter().enumerate() {
            let at = format!("{pointer}/{index}");
            let Some(schemes) = alternative.as_object() else {
                self.warn(&at, "a security requirement is not an object; dropped");
                continue;
            };
            let mut names = Vec::new();
            let mut places: BTreeMap<String, String> = BTreeMap::new();
            // (credential kept, another OAuth2 credential that may stand in its place).
            let mut either: Vec<(String, String)> = Vec::new();
            let mut usable = true;
            for key in schemes.keys() {
                let Some(name) = self.credential_names.get(key).cloned() else {
                    self.warn(
                        &format!("{at}/{}", escape(key)),
                        format!("security scheme `{key}` is not declared or was dropped; this alternative is left out"),
                    );
                    usable = false;
                    break;
                };
                if let Some(place) = self.credential_places.get(&name).cloned() {
                    if let Some(first) = places.get(&place) {
                        let first_name = self.credential_names.get(first).cloned().unwrap_or_default();
                        if self.oauth2_credentials.contains(&name) && self.oauth2_credentials.contains(&first_name) {
                            either.push((first_name, name));
                            continue;
                        }
                        self.warn(
                            &format!("{at}/{}", escape(key)),
                            format!("`{key}` and `{first}` both set the {place}, which one request cannot carry twice; `{key}` is left out"),
                        );
                        continue;
                    }
                    places.insert(place, key.clone());
                }
                names.push(name);
            }
            if !usable {
                continue;
            }
            let mut variants = vec![names.clone()];
            for (kept, other) in &either {
                let variant: Vec<String> =
                    names.iter().map(|name| if name == kept { other.clone() } else { name.clone() }).collect();
                variants.push(variant);
            }
            for variant in variants {
                if !alternatives.contains(&variant) {
                    alternatives.push(variant);
                }
            }
        }
        if alternatives.is_empty() || alternatives == [Vec::<String>::new()] {
            if !list.is_empty() && alternatives.is_empty() {
                self.warn(pointer, "no alternative of this requirement can be sent by accord; imported as `none`, so such requests go without credentials unless you set a custom `auth`");
            }
            return Requirement::Public(PublicKeyword::None);
        }
        Requirement::AnyOf(alternatives)
    }
}
