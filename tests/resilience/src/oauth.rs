//! An OAuth 2.0 authorization server and resource server on 127.0.0.1 for the paused-time
//! tests of issue 17's flows: the authorize endpoint (RFC 6749 §4.1.1) remembering each
//! code's PKCE challenge (RFC 7636 §4.4), a token endpoint for `authorization_code` (with
//! the `S256` check, §4.6), `refresh_token` (with rotation and revocation, RFC 6749 §6), the
//! JWT bearer grant (RFC 7523 §2.1) and `private_key_jwt` client authentication (§2.2),
//! both verified with the test-only public key; GitHub's installation token endpoint
//! (`POST /app/installations/{id}/access_tokens`) with GitHub's app JWT rules; and a
//! resource (`/resource`) that accepts only live access tokens. Its clock is tokio's, read
//! as Unix time by [`WallClock`] and skewable, so JWT clock skew is testable.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use accord_runtime::auth::token_endpoint::WallClock;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// The test-only RSA public key (`tests/keys/TEST_ONLY_rsa_public.pem`).
pub const TEST_ONLY_PUBLIC_KEY: &str = include_str!("../../keys/TEST_ONLY_rsa_public.pem");
/// The test-only RSA private key (`tests/keys/TEST_ONLY_rsa_private.pem`); never a real key.
pub const TEST_ONLY_PRIVATE_KEY: &str = include_str!("../../keys/TEST_ONLY_rsa_private.pem");

/// The Unix time both clocks start at.
pub const EPOCH: u64 = 1_700_000_000;

#[derive(Default)]
struct State {
    lifetime_seconds: u64,
    rotate: bool,
    /// Answer the next N token requests with 503.
    failures: usize,
    codes: HashMap<String, String>,
    /// Access token → expiry (Unix seconds on the server's clock).
    access: HashMap<String, u64>,
    /// Refresh token → still valid.
    refresh: HashMap<String, bool>,
    issued: u64,
    /// Token requests by grant (`authorization_code`, `refresh_token`, `jwt-bearer`,
    /// `installation`).
    grants: HashMap<String, usize>,
    /// Every answer the token endpoints gave, by status.
    token_statuses: Vec<u16>,
    /// Resource requests and their statuses.
    resource_statuses: Vec<u16>,
    /// Claims of every JWT verified.
    jwts: Vec<Value>,
    /// Arrival times of token requests.
    token_times: Vec<tokio::time::Instant>,
}

/// The server. Cheap to clone.
#[derive(Clone)]
pub struct AuthServer {
    url: String,
    clock: WallClock,
    state: Arc<Mutex<State>>,
}

impl AuthServer {
    /// Starts with access tokens living `lifetime_seconds`, its clock at [`EPOCH`] less
    /// `behind_seconds` (a server whose clock runs behind the client's).
    pub async fn start(lifetime_seconds: u64, behind_seconds: u64) -> Self {
        let state = Arc::new(Mutex::new(State { lifetime_seconds, ..State::default() }));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let server = AuthServer { url, clock: WallClock::at(EPOCH - behind_seconds), state };
        let handler = server.clone();
        let app = axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let server = handler.clone();
            async move { server.answer(method, uri, headers, body) }
        });
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the authorization server runs");
        });
        server
    }

    /// The base URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Each refresh issues a new refresh token and invalidates the old (RFC 6749 §6).
    pub fn rotate_refresh_tokens(&self) {
        self.lock().rotate = true;
    }

    /// The next `count` token requests get `503`.
    pub fn fail_token_requests(&self, count: usize) {
        self.lock().failures = count;
    }

    /// Revokes every refresh token (a user who withdrew consent).
    pub fn revoke_refresh_tokens(&self) {
        self.lock().refresh.values_mut().for_each(|valid| *valid = false);
    }

    /// Revokes every access token: the resource answers 401 until a new one is used.
    pub fn revoke_access_tokens(&self) {
        self.lock().access.clear();
    }

    /// Token requests of `grant`.
    pub fn grants(&self, grant: &str) -> usize {
        self.lock().grants.get(grant).copied().unwrap_or(0)
    }

    /// The statuses the resource answered.
    pub fn resource_statuses(&self) -> Vec<u16> {
        self.lock().resource_statuses.clone()
    }

    /// The statuses the token endpoints answered.
    pub fn token_statuses(&self) -> Vec<u16> {
        self.lock().token_statuses.clone()
    }

    /// Arrival times of token requests.
    pub fn token_times(&self) -> Vec<tokio::time::Instant> {
        self.lock().token_times.clone()
    }

    /// Claims of the JWTs verified, in order.
    pub fn jwts(&self) -> Vec<Value> {
        self.lock().jwts.clone()
    }

    /// Whether `refresh_token` is a valid refresh token.
    pub fn refresh_token_valid(&self, refresh_token: &str) -> bool {
        self.lock().refresh.get(refresh_token).copied().unwrap_or(false)
    }

    fn answer(&self, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
        let path = uri.path().to_string();
        let (status, body) = match (method.as_str(), path.as_str()) {
            ("GET", "/authorize") => return self.authorize(uri.query().unwrap_or("")),
            ("POST", "/token") => self.token(&body),
            ("POST", path) if path.starts_with("/app/installations/") => self.installation(path, &headers),
            (_, _) => self.resource(&headers),
        };
        (StatusCode::from_u16(status).expect("status"), [("content-type", "application/json")], body.to_string())
            .into_response()
    }

    /// RFC 6749 §4.1.1 / RFC 7636 §4.3: remembers the challenge, redirects with a code.
    fn authorize(&self, query: &str) -> Response {
        let params: HashMap<String, String> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let param = |name: &str| params.get(name).cloned().unwrap_or_default();
        if param("response_type") != "code"
            || param("code_challenge_method") != "S256"
            || param("code_challenge").len() != 43
        {
            return (StatusCode::BAD_REQUEST, "response_type=code and an S256 code_challenge are required")
                .into_response();
        }
        let code = {
            let mut state = self.lock();
            state.issued += 1;
            let code = format!("code-{}", state.issued);
            state.codes.insert(code.clone(), param("code_challenge"));
            code
        };
        let mut location = url::Url::parse(&param("redirect_uri")).expect("redirect_uri is a URL");
        location.query_pairs_mut().append_pair("code", &code).append_pair("state", &param("state"));
        (StatusCode::FOUND, [("location", location.to_string())]).into_response()
    }

    fn token(&self, body: &[u8]) -> (u16, Value) {
        let form: HashMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
        let field = |name: &str| form.get(name).cloned().unwrap_or_default();
        let grant = field("grant_type");
        let mut state = self.lock();
        state.token_times.push(tokio::time::Instant::now());
        let short = grant.rsplit(':').next().unwrap_or_default().to_string();
        *state.grants.entry(short).or_default() += 1;
        let answer = self.grant(&mut state, &grant, &field);
        state.token_statuses.push(answer.0);
        answer
    }

    fn grant(&self, state: &mut State, grant: &str, field: &dyn Fn(&str) -> String) -> (u16, Value) {
        if state.failures > 0 {
            state.failures -= 1;
            return (503, json!({"error": "temporarily_unavailable"}));
        }
        let now = self.clock.now_unix();
        // private_key_jwt (RFC 7523 §2.2): verified when sent.
        if !field("client_assertion").is_empty() {
            let token_url = format!("{}/token", self.url);
            match verify(&field("client_assertion"), Some(&token_url), now) {
                Ok(claims) if claims["iss"] == claims["sub"] && claims["iss"] == field("client_id").as_str() => {
                    state.jwts.push(claims);
                }
                _ => return (401, json!({"error": "invalid_client"})),
            }
        }
        let refresh_token = match grant {
            "authorization_code" => {
                let Some(challenge) = state.codes.remove(&field("code")) else {
                    return (400, json!({"error": "invalid_grant", "error_description": "unknown or used code"}));
                };
                if accord_runtime::auth::pkce::challenge_s256(&field("code_verifier")) != challenge {
                    return (400, json!({"error": "invalid_grant", "error_description": "PKCE verification failed"}));
                }
                Some(self.new_refresh_token(state))
            }
            "refresh_token" => {
                let presented = field("refresh_token");
                if !state.refresh.get(&presented).copied().unwrap_or(false) {
                    return (400, json!({"error": "invalid_grant", "error_description": "refresh token revoked"}));
                }
                if state.rotate {
                    state.refresh.insert(presented, false);
                    Some(self.new_refresh_token(state))
                } else {
                    None
                }
            }
            accord_runtime::auth::jwt::JWT_BEARER_GRANT_TYPE => {
                let token_url = format!("{}/token", self.url);
                match verify(&field("assertion"), Some(&token_url), now) {
                    // Google: `exp` at most one hour after `iat`.
                    Ok(claims)
                        if claims["exp"].as_u64().unwrap_or(0) - claims["iat"].as_u64().unwrap_or(0) <= 3_600
                            && claims["iat"].as_u64().unwrap_or(u64::MAX) <= now =>
                    {
                        state.jwts.push(claims);
                        None
                    }
                    _ => {
                        return (400, json!({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}));
                    }
                }
            }
            _ => return (400, json!({"error": "unsupported_grant_type"})),
        };
        state.issued += 1;
        let access = format!("access-{}", state.issued);
        state.access.insert(access.clone(), now + state.lifetime_seconds);
        let mut answer = json!({"access_token": access, "token_type": "Bearer", "expires_in": state.lifetime_seconds});
        if let Some(refresh_token) = refresh_token {
            answer["refresh_token"] = json!(refresh_token);
        }
        (200, answer)
    }

    fn new_refresh_token(&self, state: &mut State) -> String {
        state.issued += 1;
        let token = format!("refresh-{}", state.issued);
        state.refresh.insert(token.clone(), true);
        token
    }

    /// GitHub: the app JWT (RS256, `iat` not in the future, `exp` at most 10 minutes ahead)
    /// for an installation token with `expires_at`.
    fn installation(&self, path: &str, headers: &HeaderMap) -> (u16, Value) {
        let now = self.clock.now_unix();
        let mut state = self.lock();
        state.token_times.push(tokio::time::Instant::now());
        *state.grants.entry("installation".into()).or_default() += 1;
        let jwt = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        let answer = match jwt.map(|jwt| verify(jwt, None, now)) {
            Some(Ok(claims))
                if claims["iat"].as_u64().unwrap_or(u64::MAX) <= now
                    && claims["exp"].as_u64().unwrap_or(u64::MAX) <= now + 600 =>
            {
                state.jwts.push(claims);
                state.issued += 1;
                let token = format!("ghs_{}", state.issued);
                let expires_at = now + state.lifetime_seconds;
                state.access.insert(token.clone(), expires_at);
                let expires_at = time::OffsetDateTime::from_unix_timestamp(i64::try_from(expires_at).expect("time"))
                    .expect("time")
                    .format(&time::format_description::well_known::Rfc3339)
                    .expect("RFC 3339");
                let installation = path.split('/').nth(3).unwrap_or_default();
                (201, json!({"token": token, "expires_at": expires_at, "installation": installation}))
            }
            _ => (
                401,
                json!({"message": "'Issued at' claim ('iat') must be an Integer representing a time in the past.", "documentation_url": "https://docs.github.com/rest"}),
            ),
        };
        state.token_statuses.push(answer.0);
        answer
    }

    fn resource(&self, headers: &HeaderMap) -> (u16, Value) {
        let now = self.clock.now_unix();
        let mut state = self.lock();
        let token = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        let live = token.and_then(|token| state.access.get(token)).is_some_and(|expires_at| now < *expires_at);
        let answer =
            if live { (200, json!({"ok": true, "token": token})) } else { (401, json!({"error": "invalid_token"})) };
        state.resource_statuses.push(answer.0);
        answer
    }
}

/// Verifies an RS256 JWT with the test-only public key, `aud` when given, and `exp` against
/// `now` (no leeway), returning its claims.
fn verify(jwt: &str, audience: Option<&str>, now: u64) -> Result<Value, String> {
    let key = jsonwebtoken::DecodingKey::from_rsa_pem(TEST_ONLY_PUBLIC_KEY.as_bytes()).map_err(|e| e.to_string())?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    // jsonwebtoken reads the system clock; this server's clock is tokio's, so `exp` is
    // checked here.
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    match audience {
        Some(audience) => validation.set_audience(&[audience]),
        None => validation.validate_aud = false,
    }
    let claims = jsonwebtoken::decode::<Value>(jwt, &key, &validation).map_err(|e| e.to_string())?.claims;
    if claims["exp"].as_u64().is_none_or(|exp| exp <= now) {
        return Err("expired".into());
    }
    Ok(claims)
}
