//! `spec::*`: the spec parses but breaks a rule of the spec language that the JSON Schema
//! cannot state (found by `check`, and by `project` for the file name and duplicate names).
//! The codes of one area of the spec live in the submodule named like the `check` module
//! that finds them; the codes that several areas share live here.

use super::{Code, Example};

mod auth;
mod endpoints;
mod errors;
mod groups;
mod models;
mod operational;
mod scenarios;
mod servers;
mod streaming;
mod webhooks;

pub use auth::*;
pub use endpoints::*;
pub use errors::*;
pub use groups::*;
pub use models::*;
pub use operational::*;
pub use scenarios::*;
pub use servers::*;
pub use streaming::*;
pub use webhooks::*;

/// Every `spec::*` code, this module's first.
pub(super) fn all() -> impl Iterator<Item = &'static Code> {
    [
        ALL,
        auth::ALL,
        endpoints::ALL,
        errors::ALL,
        groups::ALL,
        models::ALL,
        operational::ALL,
        scenarios::ALL,
        servers::ALL,
        streaming::ALL,
        webhooks::ALL,
    ]
    .into_iter()
    .flatten()
    .copied()
}

/// Every `spec::*` code with the name of its constant, for the registry's tests.
#[cfg(test)]
pub(super) fn constants() -> impl Iterator<Item = (&'static str, &'static Code)> {
    [
        CONSTANTS,
        auth::CONSTANTS,
        endpoints::CONSTANTS,
        errors::CONSTANTS,
        groups::CONSTANTS,
        models::CONSTANTS,
        operational::CONSTANTS,
        scenarios::CONSTANTS,
        servers::CONSTANTS,
        streaming::CONSTANTS,
        webhooks::CONSTANTS,
    ]
    .into_iter()
    .flatten()
    .copied()
}

codes! {
    UNSUPPORTED_VERSION = "spec::unsupported_version", Error {
        summary: "the spec is written for a version of the spec language this accord does not read",
        explanation: "The top-level `accord` key says which version of the spec language the spec is \
            written in, and this accord reads version 1 only. A spec of another version may use keys or \
            meanings that version 1 does not have, so it is refused rather than half understood.",
        example: Example::fixed(
            r#"
accord: 2
"#,
            r#"
accord: 1
"#,
        ),
    }

    BAD_NAME = "spec::bad_name", Error {
        summary: "a name is not spelled the way its kind of name must be",
        explanation: "Names in a spec become identifiers and file names in the generated code, so each \
            kind of name has one spelling. The spec's `name` (the crate `NAME-client`, the page \
            `NAME.md`), endpoint names (client methods) and scenario names (tests) are snake_case: \
            lowercase letters, digits and `_`, starting with a letter. Error code names are \
            SCREAMING_SNAKE_CASE. A model name starts with a letter and is not a primitive type name \
            (`string`, `integer`, `number`, `boolean`, `object`, `array`, `any`), which a type \
            reference would mean instead. The help spells the name as it should be where it can.",
        example: Example::fixed(
            r#"
endpoints:
  getOrders:
    method: GET
    path: /orders
    responses: { "200": { description: The orders } }
"#,
            r#"
endpoints:
  get_orders:
    method: GET
    path: /orders
    responses: { "200": { description: The orders } }
"#,
        ),
    }

    EMPTY_SEQUENCE = "spec::empty_sequence", Error {
        summary: "a sequence diagram has no text",
        explanation: "Each entry of `sequences` is a Mermaid sequence diagram, keyed by its title, that \
            the docs copy under that title. An entry whose text is empty or only whitespace would give \
            a heading over an empty diagram; write the diagram or remove the entry.",
        example: Example::fixed(
            r#"
sequences:
  Create an order: ""
"#,
            r#"
sequences:
  Create an order: |
    sequenceDiagram
      Client->>API: POST /orders
      API-->>Client: 201 Order
"#,
        ),
    }

    BAD_DURATION = "spec::bad_duration", Error {
        summary: "a duration is not a whole number followed by a unit",
        explanation: "Durations (`timeouts`, `retry.backoff.initial` and `max`, an OAuth2 \
            `refresh_before_expiry`, an idempotency `retention`, webhook delivery `retries` and \
            `timeout`, a signature timestamp's `tolerance`) are written as a whole number and a unit \
            with nothing between them: `500ms`, `30s`, `5m`, `2h`, `1d`. They become the generated \
            client's `Duration`s, so text that does not parse (`5 minutes`, `30`, `1.5s`) is refused \
            rather than guessed; the message says what is wrong with it.",
        example: Example::fixed(
            r#"
timeouts:
  attempt: 30 seconds
"#,
            r#"
timeouts:
  attempt: 30s
"#,
        ),
    }

    BAD_RATE_LIMIT = "spec::bad_rate_limit", Error {
        summary: "a rate limit is not written as requests per unit of time",
        explanation: "Rate limits (`rate_limits.default`, `rate_limits.quotas`, an endpoint's \
            `rate_limit`, or the `limit` of one written in full) are written `<requests>/<unit>`: a whole \
            number of requests above zero, a `/`, and `second`, `minute`, `hour` or `day` (or `s`, \
            `sec`, `min`, `m`, `h`, `d`). The generated client paces its requests by them and the mock \
            enforces them, so text that does not parse is refused.",
        example: Example::fixed(
            r#"
rate_limits:
  default: 100 per minute
"#,
            r#"
rate_limits:
  default: 100/minute
"#,
        ),
    }

    BAD_URL = "spec::bad_url", Error {
        summary: "a URL is not an absolute http or https URL",
        explanation: "An environment's `base_url` and an OAuth2 `token_url` must be absolute URLs with \
            the scheme `http` or `https` (`https://api.example.com/v1`): the generated client joins \
            endpoint paths to the base URL and posts to the token URL as they are written, so a URL \
            without a scheme (`api.example.com`) or with another one cannot be used.",
        example: Example::fixed(
            r#"
environments:
  production: { base_url: api.example.com/v1, default: true }
"#,
            r#"
environments:
  production: { base_url: https://api.example.com/v1, default: true }
"#,
        ),
    }

    BAD_POINTER = "spec::bad_pointer", Error {
        summary: "a place in a JSON body is not written as a JSON pointer",
        explanation: "Keys that say where a value sits in a JSON body take a JSON pointer (RFC 6901), \
            which starts with `/`: `errors.code_field`, a pagination's `next`, `has_more` and `items`, \
            webhooks' `event_type_field` and `event_id_field`, and the keys of a scenario's \
            `expect.body_equals`. A bare name such as `code` is the usual slip; the help writes it as a \
            pointer (`/code`). Nested values are reached segment by segment (`/error/type`, \
            `/data/0/id`).",
        example: Example::fixed(
            r#"
models:
  Problem:
    properties: { code: string }
errors:
  body: Problem
  code_field: code
  codes:
    NOT_FOUND: { status: 404, retry: never }
"#,
            r#"
models:
  Problem:
    properties: { code: string }
errors:
  body: Problem
  code_field: /code
  codes:
    NOT_FOUND: { status: 404, retry: never }
"#,
        ),
    }

    NAME_MISMATCH = "spec::name_mismatch", Error {
        summary: "the spec's name is not its file name",
        explanation: "A spec's `name` must be the name of its file without `.yaml`: the name decides \
            the generated crate's folder (`generated/NAME/`) and docs page (`NAME.md`), and the file \
            name is how people find the spec, so the two are kept the same rather than allowed to \
            drift. Rename the file or change `name`.",
        example: Example::fixed(
            r#"
# specs/example.yaml
name: examples
"#,
            r#"
# specs/example.yaml
name: example
"#,
        ),
    }

    DUPLICATE_SPEC = "spec::duplicate_spec", Error {
        summary: "two specs compiled together have the same name",
        explanation: "Specs compiled in one run each write a crate folder and a docs page named after \
            the spec, so two specs with the same `name` would overwrite each other's output. Since a \
            spec's name is its file name, this happens when one folder holds `NAME.yaml` and \
            `NAME.yml`; the second spec is refused.",
        example: Example::situation(
            "`accord generate specs/` with both `specs/orders.yaml` and an older copy \
             `specs/orders.yml`, each with `name: orders`. Delete or rename the copy.",
        ),
    }

    RESERVED_NAME = "spec::reserved_name", Error {
        summary: "the spec's name is one the output already uses or a file system refuses",
        explanation: "A spec's `name` becomes paths in the output folder: the crate folder `NAME/`, the docs \
            page `docs/src/NAME.md`, and for a build script `NAME.rs`. Some names would land on another \
            output's path: `docs` (the book's folder), `index` (the book's index page), `print` and `toc` \
            (pages `mdbook build` makes itself). Others cannot be files at all on Windows, where a \
            generated tree may be checked out: `con`, `prn`, `aux`, `nul`, `com1` to `com9`, `lpt1` to \
            `lpt9`. Such a name is refused before anything is written; choose another and rename the file.",
        example: Example::fixed(
            r#"
name: docs
"#,
            r#"
name: example
"#,
        ),
    }

    NAME_TOO_LONG = "spec::name_too_long", Error {
        summary: "the spec's name is too long to become file and package names",
        explanation: "A spec's `name` becomes the folder `NAME/`, the files `NAME.md`, `NAME.rs` and \
            `NAME.contract.json`, and the package `NAME-client`. crates.io takes package names of at most \
            64 characters, and file systems file names of at most 255 bytes; a longer name would fail \
            midway through writing. So a spec name has at most 57 characters.",
        example: Example::fixed(
            r#"
name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
"#,
            r#"
name: example
"#,
        ),
    }

    COLLIDING_SPECS = "spec::colliding_specs", Error {
        summary: "two specs compiled together would make the same client crate",
        explanation: "Specs compiled in one run each make a client crate named after the spec: the \
            package `NAME-client`, the library `NAME_client`, environment variables `NAME_…`. Names that \
            differ only in their underscores (`foo_bar`, `foo__bar`, `foo_bar_`) make the same package \
            and library, so one crate would shadow the other in a workspace. The second spec is refused, \
            located at its `name`; rename one of them.",
        example: Example::situation(
            "`accord check specs/` with `specs/foo_bar.yaml` (`name: foo_bar`) and `specs/foo__bar.yaml` \
             (`name: foo__bar`): both would be the crate `foo-bar-client`. Rename one, e.g. to `foo_bar_v2`.",
        ),
    }
    MARKDOWN_REPAIRED = "spec::markdown_repaired", Warning {
        summary: "prose whose Markdown is repaired in the generated docs and code",
        explanation: "Descriptions are Markdown, often copied from a provider's documentation, and \
            the generated docs book and the Rust doc comments print them. Two mistakes in them would \
            break those outputs, so generation repairs them and this warning says where: a fenced \
            code block that is never closed (it would swallow everything after it, accord's own \
            headings and links included), which gets a closing fence at the end of the text; and a \
            link whose target holds whitespace (`[guide](#getting started)`), which CommonMark does \
            not read as a link, so it prints as brackets and a dead target, and which keeps only its \
            text. Fix the text in the spec to silence the warning. Code blocks are never doc-tests \
            of the generated crate: those without a language are printed as `text`.",
        example: Example::fixed(
            r#"
description: |
  List orders with:
  ```
  curl https://api.example.com/orders
"#,
            r#"
description: |
  List orders with:
  ```
  curl https://api.example.com/orders
  ```
"#,
        ),
    }
}
