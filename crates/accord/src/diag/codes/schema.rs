//! `schema::*`: the spec's value does not fit the spec language (found by `spec::schema`, the
//! JSON Schema that schemars derives from `spec::types`, and by `spec::load`).

use super::Example;

codes! {
    EMPTY_SPEC = "schema::empty_spec", Error {
        summary: "the spec file holds nothing",
        explanation: "The spec file is empty, or holds only comments and blank lines, so there is no \
            spec to check. A spec is one YAML mapping that needs at least `accord: 1`, a `name` and one \
            endpoint under `endpoints`.",
        example: Example::situation(
            "A file `specs/orders.yaml` whose only line is `# Orders API, to be written`. Start it with \
             `accord: 1`, `name: orders` and `endpoints:`.",
        ),
    }

    WRONG_TYPE = "schema::wrong_type", Error {
        summary: "a value is not of the type its key takes",
        explanation: "A value has another type than the spec language has at its place: text where a \
            boolean or number is expected (`deprecated: \"yes\"`, `accord: \"one\"`), a list where a \
            mapping of names is expected (`endpoints: []`), or a whole document that is a list instead \
            of a mapping of top-level keys. The types come from the JSON Schema of the spec language, \
            which `accord schema` prints and `generated/accord.schema.json` holds for editors.",
        example: Example::fixed(
            r#"
endpoints:
  list_orders:
    method: GET
    path: /orders
    deprecated: "yes"
    responses: { "200": { description: The orders } }
"#,
            r#"
endpoints:
  list_orders:
    method: GET
    path: /orders
    deprecated: true
    responses: { "200": { description: The orders } }
"#,
        ),
    }

    BAD_VALUE = "schema::bad_value", Error {
        summary: "a value is not one of those its key allows",
        explanation: "The key takes one of a fixed set of values and this is none of them: an HTTP \
            `method`, an error code's `retry` strategy, a webhook signature `preset` or `algorithm`, a \
            request `content_type`, a key `encoding`. Values are compared exactly (`GET`, not `get`), \
            since each one selects generated code and there is no safe guess; the message lists the \
            values allowed and the help names the closest one.",
        example: Example::fixed(
            r#"
endpoints:
  get_orders:
    method: FETCH
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

    UNKNOWN_KEY = "schema::unknown_key", Error {
        summary: "a key the spec language does not have at this place",
        explanation: "Every mapping of the spec language has a fixed set of keys (the mappings of names \
            the author chooses, such as `models`, `endpoints` or `properties`, take any name). A key \
            outside the set is refused rather than ignored, because a misspelt optional key (`summery`, \
            `pathh`, `endpoint`) would otherwise do nothing without a word. The help names the closest \
            allowed key, or lists the allowed keys.",
        example: Example::fixed(
            r#"
endpoints:
  list_orders:
    method: GET
    path: /orders
    summery: Lists the orders
    responses: { "200": { description: The orders } }
"#,
            r#"
endpoints:
  list_orders:
    method: GET
    path: /orders
    summary: Lists the orders
    responses: { "200": { description: The orders } }
"#,
        ),
    }

    MISSING_KEY = "schema::missing_key", Error {
        summary: "a required key is missing",
        explanation: "A mapping lacks a key that the spec language requires there: the top level needs \
            `accord`, `name` and `endpoints`; an endpoint needs `method` and `path`; an error code \
            `status` and `retry`; an environment `base_url`; a scenario's `expect` a `status`; and so \
            on (`accord schema` lists them). The diagnostic points at the mapping that lacks the key.",
        example: Example::fixed(
            r#"
endpoints:
  list_orders:
    path: /orders
    responses: { "200": { description: The orders } }
"#,
            r#"
endpoints:
  list_orders:
    method: GET
    path: /orders
    responses: { "200": { description: The orders } }
"#,
        ),
    }

    OUT_OF_RANGE = "schema::out_of_range", Error {
        summary: "a number is outside the range its key allows",
        explanation: "A number is below the smallest or above the largest value its key can hold: \
            counts and lengths (`min_length`, `max_items`, `max_attempts`, `accord`) cannot be negative, \
            and an HTTP status must fit in 16 bits. Whether the number makes sense beyond that (a status \
            between 100 and 599, `min_length` not above `max_length`) is checked later, by the `spec::*` \
            rules.",
        example: Example::fixed(
            r#"
models:
  Note:
    properties:
      text: { type: string, min_length: -1 }
"#,
            r#"
models:
  Note:
    properties:
      text: { type: string, min_length: 0 }
"#,
        ),
    }

    INVALID = "schema::invalid", Error {
        summary: "a value the spec's types cannot hold",
        explanation: "The value could not be made into the typed spec, for a reason the other \
            `schema::*` codes do not name: most often a whole number written with a decimal point \
            (`accord: 1.0`), which the JSON Schema counts as an integer but the parser does not, or a \
            rule of the JSON Schema without a message of its own. The message carries the parser's or \
            the validator's words; write the value as the spec language's reference (`accord schema`) \
            shows it.",
        example: Example::fixed(
            r#"
accord: 1.0
"#,
            r#"
accord: 1
"#,
        ),
    }
}
