//! `spec::*` codes of `errors`, `retry`, `timeouts` and `rate_limits`, and of error codes named
//! elsewhere (found by `check::errors`, `check::endpoints` and `check::scenarios`).

use crate::diag::codes::Example;

codes! {
    BAD_STATUS = "spec::bad_status", Error {
        summary: "a status that is not an HTTP status, or an error code's status that is not 4xx or 5xx",
        explanation: "Two places take HTTP statuses. The keys of an endpoint's `responses` must be \
            status numbers from 100 to 599 or a range `1XX` to `5XX` (`\"200\"`, `\"2XX\"`; not `OK` or \
            `2xx`: OpenAPI writes ranges with an upper-case `X`). `default` is not a response status: \
            the statuses an endpoint does not declare are an error code's with `status: default`. The \
            `status` of an error code under `errors.codes` must be a 4xx or 5xx status, `4XX`, `5XX` or \
            `default`, the statuses HTTP gives failures (RFC 9110 §15): an error code describes a \
            failed response, and the generated client decodes every 2xx answer as a success, so an \
            error code with a 2xx status would never be seen. A provider that answers errors with \
            a 2xx status and says so in the body (Slack's `{\"ok\": false, \"error\": \"channel_not_found\"}` \
            with HTTP 200, GraphQL's `errors` array) is described with `when`, a test on the body: \
            `{ status: 200, when: { pointer: /ok, equals: false }, retry: never }`; such a code may \
            take any status, and applies only when the test holds.",
        example: Example::fixed(
            r#"
models:
  Problem:
    properties: { message: string }
errors:
  body: Problem
  codes:
    NOT_FOUND: { status: 200, retry: never }
"#,
            r#"
models:
  Problem:
    properties: { message: string }
errors:
  body: Problem
  codes:
    NOT_FOUND: { status: 404, retry: never }
"#,
        ),
    }

    MISSING_ERROR_BODY = "spec::missing_error_body", Error {
        summary: "an error code without a body model",
        explanation: "Every error code needs the model of its response body, either `errors.body` for \
            all codes or the code's own `body`. The generated client decodes an error response into \
            that model and hands it to the caller with the typed error, and the mock answers errors \
            in that shape; without one there is nothing to decode into.",
        example: Example::fixed(
            r#"
models:
  Problem:
    properties: { message: string }
errors:
  codes:
    NOT_FOUND: { status: 404, retry: never }
"#,
            r#"
models:
  Problem:
    properties: { message: string }
errors:
  body: Problem
  codes:
    NOT_FOUND: { status: 404, retry: never }
"#,
        ),
    }

    MATCH_WITHOUT_CODE_FIELD = "spec::match_without_code_field", Error {
        summary: "an error code's `match` with no `errors.code_field` to compare it with",
        explanation: "`match` gives the value of the error body's code field that identifies an error \
            code (by default the code's own name). Without `errors.code_field`, the JSON pointer of \
            that field, the client recognises codes by status alone and `match` would never be \
            compared with anything; add `code_field`, or remove `match`.",
        example: Example::fixed(
            r#"
models:
  Problem:
    properties: { code: string }
errors:
  body: Problem
  codes:
    NOT_FOUND: { status: 404, retry: never, match: resource_missing }
"#,
            r#"
models:
  Problem:
    properties: { code: string }
errors:
  body: Problem
  code_field: /code
  codes:
    NOT_FOUND: { status: 404, retry: never, match: resource_missing }
"#,
        ),
    }

    AMBIGUOUS_STATUS = "spec::ambiguous_status", Error {
        summary: "two error codes share a status and nothing tells them apart",
        explanation: "Two error codes are returned with the same status and there is no \
            `errors.code_field`. Without a code field the generated client and the mock know an error \
            code by its status alone, so they could not tell which of the two codes a response is, nor \
            which retry strategy applies. Add `code_field` (the JSON pointer of the code in the error \
            body), or merge the codes.",
        example: Example::fixed(
            r#"
models:
  Problem:
    properties: { code: string }
errors:
  body: Problem
  codes:
    VALIDATION_ERROR: { status: 400, retry: never }
    INVALID_CUSTOMER: { status: 400, retry: never }
"#,
            r#"
models:
  Problem:
    properties: { code: string }
errors:
  body: Problem
  code_field: /code
  codes:
    VALIDATION_ERROR: { status: 400, retry: never }
    INVALID_CUSTOMER: { status: 400, retry: never }
"#,
        ),
    }

    BAD_BODY_MATCH = "spec::bad_body_match", Error {
        summary: "an error code's `when` that does not say one test on the body",
        explanation: "`when` makes a response an error code by its body, for providers that answer \
            errors with a 2xx status (Slack's `{\"ok\": false}`, GraphQL's `errors`). It names a \
            JSON pointer into the body and exactly one test: `equals: VALUE` (the value there equals \
            VALUE, any JSON value) or `present: true` (there is a value there). With neither, or \
            both, or `present: false` (which would match every body without the field, successes \
            included), the client could not tell the error from a success.",
        example: Example::fixed(
            r#"
models:
  SlackError:
    properties: { ok: boolean, error: string }
errors:
  body: SlackError
  code_field: /error
  codes:
    CHANNEL_NOT_FOUND: { status: 200, when: { pointer: /ok }, match: channel_not_found, retry: never }
"#,
            r#"
models:
  SlackError:
    properties: { ok: boolean, error: string }
errors:
  body: SlackError
  code_field: /error
  codes:
    CHANNEL_NOT_FOUND: { status: 200, when: { pointer: /ok, equals: false }, match: channel_not_found, retry: never }
"#,
        ),
    }

    BAD_RATE_LIMIT_HEADERS = "spec::bad_rate_limit_headers", Error {
        summary: "`rate_limits.headers` that the client cannot read as written",
        explanation: "`rate_limits.headers` names the response headers in which the provider reports \
            its window, so the client can slow down before it is refused and the mock can answer \
            in the same shape: `limit`, `remaining` and `reset` (with `reset_unit`: `unix_seconds`, \
            `unix_milliseconds` or `delta_seconds`), `usage` for one `used/limit` header \
            (Shopify's `X-Shopify-Shop-Api-Call-Limit: 32/40`), and `ietf: true` for the IETF \
            `RateLimit-Policy` and `RateLimit` fields. Each name must be an HTTP field name \
            (RFC 9110 §5.1: letters, digits and `!#$%&'*+-.^_`|~`, no spaces or colons), a header \
            may play one part only, `reset_unit` needs the `reset` header it describes, and with \
            `ietf: true` the names `RateLimit` and `RateLimit-Policy` are taken.",
        example: Example::fixed(
            r#"
rate_limits:
  default: 2/second
  headers:
    usage: "X-Shopify-Shop-Api-Call-Limit: 32/40"
    reset_unit: unix_milliseconds
"#,
            r#"
rate_limits:
  default: 2/second
  headers:
    usage: X-Shopify-Shop-Api-Call-Limit
"#,
        ),
    }

    BAD_RETRY = "spec::bad_retry", Error {
        summary: "a retry policy that cannot be followed",
        explanation: "`retry.max_attempts` counts every attempt, the first one included, so it is at \
            least 1 (`1` means no retries); and a `backoff.multiplier` below 1 would make each delay \
            shorter than the last, the opposite of backing off.",
        example: Example::fixed(
            r#"
retry:
  max_attempts: 0
"#,
            r#"
retry:
  max_attempts: 1
"#,
        ),
    }

    UNKNOWN_ERROR_CODE = "spec::unknown_error_code", Error {
        summary: "an error code that `errors.codes` does not declare",
        explanation: "An endpoint's `errors` list, or a scenario's `expect.error`, names an error code \
            that is not declared under `errors.codes`. The endpoint's typed error and the scenario's \
            check are made from the declaration (status, body, retry strategy), so the name must be \
            declared; it is usually a typo, and the help names the closest code.",
        example: Example::fixed(
            r#"
models:
  Problem:
    properties: { message: string }
errors:
  body: Problem
  codes:
    NOT_FOUND: { status: 404, retry: never }
endpoints:
  list_orders:
    method: GET
    path: /orders
    responses: { "200": { description: The orders } }
    errors: [NOT_FOUN]
"#,
            r#"
models:
  Problem:
    properties: { message: string }
errors:
  body: Problem
  codes:
    NOT_FOUND: { status: 404, retry: never }
endpoints:
  list_orders:
    method: GET
    path: /orders
    responses: { "200": { description: The orders } }
    errors: [NOT_FOUND]
"#,
        ),
    }

    ERROR_EXAMPLE_MISMATCH = "spec::error_example_mismatch", Error {
        summary: "an error code's example body does not fit its body model",
        explanation: "Each error code has an example body: its body model's example with the code field \
            set to the code's `match` value and its `when` test made to hold. The mock answers the \
            code with it, the docs show it, and the contract tests decode it as the code. When it \
            breaks the model (the code field is declared as an integer or an enum that cannot hold \
            the `match` text, `when` sets a value of another type than the field's), no real \
            response of that shape could be read as the declared model either. The help shows the \
            example body and every problem found.",
        example: Example::fixed(
            r#"
models:
  Problem:
    required: [code]
    properties: { code: integer, message: string }
errors:
  body: Problem
  code_field: /code
  codes:
    NOT_FOUND: { status: 404, retry: never, match: not_found }
"#,
            r#"
models:
  Problem:
    required: [code]
    properties: { code: string, message: string }
errors:
  body: Problem
  code_field: /code
  codes:
    NOT_FOUND: { status: 404, retry: never, match: not_found }
"#,
        ),
    }
}
