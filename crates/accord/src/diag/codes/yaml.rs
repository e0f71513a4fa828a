//! `yaml::*`: the spec text is not YAML that accord can read (found by `spec::yaml`).

use super::Example;

codes! {
    SYNTAX = "yaml::syntax", Error {
        summary: "the spec is not valid YAML",
        explanation: "The spec text could not be read as YAML: a line indented less or more than its \
            siblings, a tab used for indentation (YAML allows only spaces), a `[`, `{` or quote that is \
            never closed, or a key that is a list or a mapping (JSON, which the spec becomes, has only \
            string keys). Nothing else can be checked until the text parses, so this is the only problem \
            reported for the file. The location is where the parser gave up, which can be a line after \
            the mistake.",
        example: Example::fixed(
            r#"
endpoints:
  get_order:
    method: GET
    path: /orders
    responses: { "200": { description: The orders }
"#,
            r#"
endpoints:
  get_order:
    method: GET
    path: /orders
    responses: { "200": { description: The orders } }
"#,
        ),
    }

    DUPLICATE_KEY = "yaml::duplicate_key", Error {
        summary: "a key appears twice in one mapping",
        explanation: "The same key is written twice in one mapping. A YAML loader keeps only one of \
            the two values, so part of what was written would be dropped without a word; accord refuses \
            the spec instead and points at the second occurrence (its label says where the first one \
            is). A repeated endpoint or model name is the usual cause: rename one of the two entries or \
            merge them.",
        example: Example::fixed(
            r#"
endpoints:
  create_order:
    method: POST
    path: /orders
    responses: { "201": { description: Created } }
  create_order:
    method: PUT
    path: /orders
    responses: { "200": { description: Replaced } }
"#,
            r#"
endpoints:
  create_order:
    method: POST
    path: /orders
    responses: { "201": { description: Created } }
  replace_order:
    method: PUT
    path: /orders
    responses: { "200": { description: Replaced } }
"#,
        ),
    }
}
