//! `components.securitySchemes` → `auth`: `apiKey`, `http` basic/bearer and `oauth2`
//! `clientCredentials`, the first of each kind; flows that need a user, and OpenID Connect,
//! become a bearer token the user obtains some other way.

use serde_json::Value;

use super::{Importer, escape};
use crate::spec::{ApiKeyAuth, ApiKeyLocation, Auth, BasicAuth, BearerAuth, OAuth2ClientCredentials};

/// A bearer token from an environment variable accord names.
fn bearer() -> BearerAuth {
    BearerAuth { env: None, description: None }
}

impl<'a> Importer<'a> {
    /// The spec's `auth`, or `None` when the document declares no scheme accord can use.
    pub(super) fn auth(&mut self) -> Option<Auth> {
        let schemes = self.document.pointer("/components/securitySchemes")?.as_object()?;
        let mut auth =
            Auth { description: None, api_key: None, bearer: None, basic: None, oauth2_client_credentials: None };
        for (key, scheme) in schemes {
            let pointer = format!("/components/securitySchemes/{}", escape(key));
            let Some((scheme, _)) = self.deref(scheme, &pointer) else { continue };
            let kind = scheme.get("type").and_then(Value::as_str).unwrap_or_default();
            match kind {
                "apiKey" if auth.api_key.is_none() => {
                    let location = match scheme.get("in").and_then(Value::as_str).unwrap_or("header") {
                        "header" => ApiKeyLocation::Header,
                        "query" => ApiKeyLocation::Query,
                        "cookie" => {
                            self.warn(&pointer, "an API key in a cookie is not supported; dropped");
                            continue;
                        }
                        other => {
                            self.warn(&pointer, format!("an API key `in: {other}` is not supported; dropped"));
                            continue;
                        }
                    };
                    let name = scheme.get("name").and_then(Value::as_str).unwrap_or("X-API-Key");
                    auth.api_key = Some(ApiKeyAuth { location, name: name.to_string(), env: None });
                }
                "http" => match scheme.get("scheme").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
                    Some("bearer") if auth.bearer.is_none() => {
                        auth.bearer = Some(bearer());
                    }
                    Some("basic") if auth.basic.is_none() => {
                        auth.basic = Some(BasicAuth { username_env: None, password_env: None, description: None });
                    }
                    Some(other) => self.warn(&pointer, format!("HTTP auth scheme `{other}` is not supported; dropped")),
                    None => {}
                },
                "oauth2" => {
                    match scheme.pointer("/flows/clientCredentials") {
                        Some(flow) if auth.oauth2_client_credentials.is_none() => {
                            let token_url = flow.get("tokenUrl").and_then(Value::as_str).unwrap_or_default();
                            let at = format!("{pointer}/flows/clientCredentials/tokenUrl");
                            let Some(token_url) = self.absolute_url(token_url, &at, "OAuth2 `tokenUrl`") else {
                                self.warn(
                                    &pointer,
                                    "the clientCredentials flow has no usable token URL; mapped to a bearer token",
                                );
                                auth.bearer.get_or_insert_with(bearer);
                                continue;
                            };
                            let scopes: Vec<String> = flow
                                .get("scopes")
                                .and_then(Value::as_object)
                                .map(|s| s.keys().cloned().collect())
                                .unwrap_or_default();
                            auth.oauth2_client_credentials = Some(OAuth2ClientCredentials {
                                token_url,
                                scopes,
                                refresh_before_expiry: None,
                                client_id_env: None,
                                client_secret_env: None,
                            });
                            self.oauth2 = true;
                        }
                        _ => {
                            // Flows a server-side client cannot run alone: the user obtains a
                            // token some other way and passes it as a bearer token.
                            self.warn(
                                &pointer,
                                "OAuth2 flows other than clientCredentials need a user; mapped to a bearer token",
                            );
                            auth.bearer.get_or_insert_with(bearer);
                        }
                    }
                }
                "openIdConnect" => {
                    self.warn(&pointer, "OpenID Connect: mapped to a bearer token (obtain it with your OIDC library)");
                    auth.bearer.get_or_insert_with(bearer);
                }
                _ => {}
            }
        }
        let Auth { description: _, api_key, bearer, basic, oauth2_client_credentials } = &auth;
        let declared = api_key.is_some() || bearer.is_some() || basic.is_some() || oauth2_client_credentials.is_some();
        declared.then_some(auth)
    }
}
