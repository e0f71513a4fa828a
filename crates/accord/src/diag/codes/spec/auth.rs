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
        summary: "`auth` declares no scheme",
        explanation: "`auth` is present but declares none of `api_key`, `bearer`, `basic` or \
            `oauth2_client_credentials` (a `description` alone is not a scheme). A spec with `auth` \
            says that requests must be authenticated, yet the generated client would have no way to \
            do it. Declare the scheme, or remove `auth` if the API is open.",
        example: Example::fixed(
            r#"
auth:
  description: Ask the payments team for a key.
"#,
            r#"
auth:
  description: Ask the payments team for a key.
  api_key: { in: header, name: X-API-Key, env: PAYMENTS_API_KEY }
"#,
        ),
    }

    EMPTY_NAME = "spec::empty_name", Error {
        summary: "an API key has no header or parameter name",
        explanation: "An `api_key` scheme sends the key in the header or query parameter named by \
            `name`; an empty or blank name gives the client nowhere to put the key.",
        example: Example::fixed(
            r#"
auth:
  api_key: { in: header, name: "" }
"#,
            r#"
auth:
  api_key: { in: header, name: X-API-Key }
"#,
        ),
    }
}
