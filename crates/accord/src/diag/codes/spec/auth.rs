//! `spec::*` codes of `environments` and `auth` (found by `check::auth`).

use crate::diag::codes::Example;

codes! {
    TWO_DEFAULT_ENVIRONMENTS = "spec::two_default_environments", Error {
        summary: "more than one environment is marked `default: true`",
        explanation: "The default environment is the one a generated client talks to when its builder \
            is given neither an environment nor a base URL, so there can be at most one. The \
            diagnostic points at the second environment marked `default: true`; keep the mark on \
            one.",
        example: Example::fixed(
            r#"
environments:
  production: { base_url: "https://api.example.com", default: true }
  sandbox: { base_url: "https://sandbox.example.com", default: true }
"#,
            r#"
environments:
  production: { base_url: "https://api.example.com", default: true }
  sandbox: { base_url: "https://sandbox.example.com" }
"#,
        ),
    }

    EMPTY_AUTH = "spec::empty_auth", Error {
        summary: "`auth` declares no credential",
        explanation: "`auth` is present but `auth.credentials` names none (a `description` alone is \
            not a credential). A spec with `auth` says that requests must be authenticated, yet the \
            generated client would have no way to do it. Name the credential, or remove `auth` if \
            the API is open.",
        example: Example::fixed(
            r#"
auth:
  description: Ask the payments team for a key.
  credentials: {}
"#,
            r#"
auth:
  description: Ask the payments team for a key.
  credentials:
    api_key: { api_key: { in: header, name: X-API-Key, env: PAYMENTS_API_KEY } }
"#,
        ),
    }

    EMPTY_NAME = "spec::empty_name", Error {
        summary: "an API key has no header or parameter name",
        explanation: "An `api_key` credential sends the key in the header or query parameter named \
            by `name`; an empty or blank name gives the client nowhere to put the key.",
        example: Example::fixed(
            r#"
auth:
  credentials:
    api_key: { api_key: { in: header, name: "" } }
"#,
            r#"
auth:
  credentials:
    api_key: { api_key: { in: header, name: X-API-Key } }
"#,
        ),
    }

    CREDENTIAL_KIND = "spec::credential_kind", Error {
        summary: "a credential declares no kind, or several",
        explanation: "Each entry of `auth.credentials` is one credential of one kind: `api_key`, \
            `bearer`, `basic`, `oauth2_client_credentials`, `aws_sigv4` or `hmac_signature`. Its name becomes a builder setter \
            and an environment variable, so two kinds under one name would have to share them. \
            Give each credential its own name; endpoints that need several send them together \
            (`auth: [[app_id, app_key]]`).",
        example: Example::fixed(
            r#"
auth:
  credentials:
    key:
      api_key: { in: header, name: X-App-Id }
      bearer: {}
"#,
            r#"
auth:
  credentials:
    key:
      api_key: { in: header, name: X-App-Id }
    token:
      bearer: {}
"#,
        ),
    }

    UNKNOWN_CREDENTIAL = "spec::unknown_credential", Error {
        summary: "a requirement names a credential `auth.credentials` does not declare",
        explanation: "`auth.require` and each endpoint's `auth` list alternatives of credential \
            names; every name must be a key of `auth.credentials`, which says what the credential \
            is and where it is sent. A name that is not there would leave the client nothing to \
            send.",
        example: Example::fixed(
            r#"
auth:
  credentials:
    token: { bearer: {} }
  require: [[tokn]]
"#,
            r#"
auth:
  credentials:
    token: { bearer: {} }
  require: [[token]]
"#,
        ),
    }

    CREDENTIAL_CONFLICT = "spec::credential_conflict", Error {
        summary: "two credentials of one alternative go in the same place",
        explanation: "The credentials of one alternative are sent together on the same request. \
            Two that write the same place cannot be: a bearer token, HTTP basic and OAuth2 client \
            credentials all write the `Authorization` header, and two API keys can name the same \
            header (names compare without case, RFC 9110 §5.1) or query parameter. A credential \
            named twice is reported too. When either one is enough, list them as separate \
            alternatives.",
        example: Example::fixed(
            r#"
auth:
  credentials:
    user_token: { bearer: {} }
    admin_token: { bearer: {} }
  require: [[user_token, admin_token]]
"#,
            r#"
auth:
  credentials:
    user_token: { bearer: {} }
    admin_token: { bearer: {} }
  require: [[user_token], [admin_token]]
"#,
        ),
    }
}
