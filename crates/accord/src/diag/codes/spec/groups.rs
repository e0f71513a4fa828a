//! `spec::*` codes of endpoint groups: an endpoint's `group` and the `groups` map (found by
//! `check::groups`).

use crate::diag::codes::Example;

codes! {
    BAD_GROUP_NAME = "spec::bad_group_name", Error {
        summary: "a group name that is not a short snake_case identifier",
        explanation: "A group becomes the generated crate's cargo feature `group-NAME` (its `_` \
            written `-`) and a heading in the docs, so its name is what a user types in \
            `Cargo.toml`: a lowercase ASCII letter, then lowercase letters, digits and `_`, at \
            most 64 characters (`customers`, `payment_intents`). `accord import openapi` makes \
            such a name from an operation's first tag; a spec written by hand writes it so. Put \
            a longer or differently spelled heading in the group's `title`.",
        example: Example::fixed(
            r#"
endpoints:
  list_customers:
    method: GET
    path: /v1/customers
    group: Customers
    responses: { "200": any }
"#,
            r#"
groups:
  customers: { title: Customers }
endpoints:
  list_customers:
    method: GET
    path: /v1/customers
    group: customers
    responses: { "200": any }
"#,
        ),
    }

    UNKNOWN_GROUP = "spec::unknown_group", Error {
        summary: "an endpoint's `group` that the `groups` map does not declare",
        explanation: "Once a spec declares its groups in the top-level `groups` map (with their \
            titles and descriptions), every endpoint's `group` must be one of them: a misspelled \
            group would otherwise become a cargo feature of its own that nobody turns on, and the \
            endpoint would vanish from a crate built with the group it was meant for. Declare the \
            group, or correct the endpoint's `group`. A spec without a `groups` map may use any \
            group name.",
        example: Example::fixed(
            r#"
groups:
  customers: { title: Customers }
endpoints:
  list_customers:
    method: GET
    path: /v1/customers
    group: customer
    responses: { "200": any }
"#,
            r#"
groups:
  customers: { title: Customers }
endpoints:
  list_customers:
    method: GET
    path: /v1/customers
    group: customers
    responses: { "200": any }
"#,
        ),
    }

    UNUSED_GROUP = "spec::unused_group", Warning {
        summary: "a group in the `groups` map that no endpoint belongs to",
        explanation: "Each group in the `groups` map becomes a cargo feature of the generated crate \
            and a heading in the docs. A group no endpoint names would be a feature that compiles \
            nothing and is left out of the docs; it is usually a group whose endpoints were \
            renamed or moved. Remove it, or set `group` on the endpoints that belong to it.",
        example: Example::fixed(
            r#"
groups:
  customers: { title: Customers }
  refunds: { title: Refunds }
endpoints:
  list_customers:
    method: GET
    path: /v1/customers
    group: customers
    responses: { "200": any }
"#,
            r#"
groups:
  customers: { title: Customers }
endpoints:
  list_customers:
    method: GET
    path: /v1/customers
    group: customers
    responses: { "200": any }
"#,
        ),
    }
}
