//! `spec::*` codes of `scenarios`: the calls they make and what they expect (found by
//! `check::scenarios`).

use crate::diag::codes::Example;

codes! {
    MISSING_EXPECT = "spec::missing_expect", Error {
        summary: "a scenario that does not say what it expects",
        explanation: "A single-call scenario (one with `endpoint`) has no `expect`. Each scenario \
            becomes a contract test and a check of `accord verify`, and `expect` (at least the \
            `status`) is what they check; without it the scenario tests nothing.",
        example: Example::fixed(
            r#"
models:
  Order:
    properties: { id: string }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
scenarios:
  get_order_ok:
    endpoint: get_order
    request: { path: { id: ORD-1 } }
"#,
            r#"
models:
  Order:
    properties: { id: string }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
scenarios:
  get_order_ok:
    endpoint: get_order
    request: { path: { id: ORD-1 } }
    expect: { status: 200 }
"#,
        ),
    }

    SCENARIO_SHAPE = "spec::scenario_shape", Error {
        summary: "a scenario that is neither one call nor a list of steps",
        explanation: "A scenario is either one call, written with `endpoint`, `request` and `expect`, or \
            a sequence of calls, written as `steps` that each have their own `endpoint`, `request` and \
            `expect`. A scenario with both `endpoint` and `steps` is ambiguous, and one with neither \
            calls nothing.",
        example: Example::fixed(
            r#"
models:
  Order:
    properties: { id: string }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
scenarios:
  get_order_twice:
    endpoint: get_order
    steps:
      - { endpoint: get_order, request: { path: { id: ORD-1 } }, expect: { status: 200 } }
      - { endpoint: get_order, request: { path: { id: ORD-1 } }, expect: { status: 200 } }
"#,
            r#"
models:
  Order:
    properties: { id: string }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
scenarios:
  get_order_twice:
    steps:
      - { endpoint: get_order, request: { path: { id: ORD-1 } }, expect: { status: 200 } }
      - { endpoint: get_order, request: { path: { id: ORD-1 } }, expect: { status: 200 } }
"#,
        ),
    }

    UNKNOWN_ENDPOINT = "spec::unknown_endpoint", Error {
        summary: "a scenario calls an endpoint that is not declared",
        explanation: "A scenario, or a step of one, names an endpoint that is not declared under \
            `endpoints`. The scenario's test calls the endpoint's generated method, and its request \
            and expectation are checked against the endpoint's declaration, so it must exist. It is \
            usually a typo, and the help names the closest endpoint.",
        example: Example::fixed(
            r#"
models:
  Order:
    properties: { id: string }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
scenarios:
  get_order_ok:
    endpoint: get_ordr
    request: { path: { id: ORD-1 } }
    expect: { status: 200 }
"#,
            r#"
models:
  Order:
    properties: { id: string }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
scenarios:
  get_order_ok:
    endpoint: get_order
    request: { path: { id: ORD-1 } }
    expect: { status: 200 }
"#,
        ),
    }

    MISSING_PATH_VALUE = "spec::missing_path_value", Error {
        summary: "a scenario's call leaves a path parameter without a value",
        explanation: "The endpoint's path has a parameter for which the scenario's `request.path` gives \
            no value. The call's URL cannot be built without it; add the value \
            (`request: { path: { id: ORD-1 } }`).",
        example: Example::fixed(
            r#"
models:
  Order:
    properties: { id: string }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
scenarios:
  get_order_ok:
    endpoint: get_order
    expect: { status: 200 }
"#,
            r#"
models:
  Order:
    properties: { id: string }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
scenarios:
  get_order_ok:
    endpoint: get_order
    request: { path: { id: ORD-1 } }
    expect: { status: 200 }
"#,
        ),
    }

    UNEXPECTED_BODY = "spec::unexpected_body", Error {
        summary: "a scenario sends a body to an endpoint that takes none",
        explanation: "A scenario's `request` has a `body`, but the endpoint declares no `request`, so \
            its generated method takes no body and the scenario's body could not be sent. Remove the \
            body, or declare the endpoint's `request`.",
        example: Example::fixed(
            r#"
models:
  Order:
    properties: { id: string }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
scenarios:
  get_order_ok:
    endpoint: get_order
    request: { path: { id: ORD-1 }, body: { verbose: true } }
    expect: { status: 200 }
"#,
            r#"
models:
  Order:
    properties: { id: string }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
scenarios:
  get_order_ok:
    endpoint: get_order
    request: { path: { id: ORD-1 } }
    expect: { status: 200 }
"#,
        ),
    }

    MISSING_BODY = "spec::missing_body", Error {
        summary: "a scenario sends no body to an endpoint that requires one",
        explanation: "The endpoint's `request` body is required (`required` is true unless written \
            otherwise), but the scenario's call gives no `request.body`. The generated method needs a \
            body to send; give one, or mark the endpoint's body `required: false` if it may be left \
            out.",
        example: Example::fixed(
            r#"
models:
  Order:
    properties: { id: string }
endpoints:
  create_order:
    method: POST
    path: /orders
    request: { body: Order }
    responses: { "201": Order }
scenarios:
  create_order_ok:
    endpoint: create_order
    expect: { status: 201 }
"#,
            r#"
models:
  Order:
    properties: { id: string }
endpoints:
  create_order:
    method: POST
    path: /orders
    request: { body: Order }
    responses: { "201": Order }
scenarios:
  create_order_ok:
    endpoint: create_order
    request: { body: { id: ORD-1 } }
    expect: { status: 201 }
"#,
        ),
    }

    STATUS_MISMATCH = "spec::status_mismatch", Error {
        summary: "a scenario expects an error code with a status the code does not have",
        explanation: "A scenario's `expect.error` names an error code and `expect.status` is not one of \
            the statuses that code is declared with under `errors.codes`. A response cannot be that \
            code with that status, so the expectation could never be met; one of the two is wrong.",
        example: Example::fixed(
            r#"
models:
  Order:
    properties: { id: string }
  Problem:
    properties: { code: string }
errors:
  body: Problem
  code_field: /code
  codes:
    NOT_FOUND: { status: 404, retry: never }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
    errors: [NOT_FOUND]
scenarios:
  get_missing_order:
    endpoint: get_order
    request: { path: { id: ORD-0 } }
    expect: { status: 400, error: NOT_FOUND }
"#,
            r#"
models:
  Order:
    properties: { id: string }
  Problem:
    properties: { code: string }
errors:
  body: Problem
  code_field: /code
  codes:
    NOT_FOUND: { status: 404, retry: never }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
    errors: [NOT_FOUND]
scenarios:
  get_missing_order:
    endpoint: get_order
    request: { path: { id: ORD-0 } }
    expect: { status: 404, error: NOT_FOUND }
"#,
        ),
    }

    UNDECLARED_ERROR = "spec::undeclared_error", Error {
        summary: "a scenario expects an error code its endpoint does not list",
        explanation: "A scenario's `expect.error` names an error code that is declared under \
            `errors.codes` but not listed in the endpoint's `errors`. The endpoint's `errors` list is \
            the spec's statement of which codes it can return, and the scenario contradicts it; add \
            the code to the endpoint's `errors`, or expect another one.",
        example: Example::fixed(
            r#"
models:
  Order:
    properties: { id: string }
  Problem:
    properties: { code: string }
errors:
  body: Problem
  code_field: /code
  codes:
    NOT_FOUND: { status: 404, retry: never }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
scenarios:
  get_missing_order:
    endpoint: get_order
    request: { path: { id: ORD-0 } }
    expect: { status: 404, error: NOT_FOUND }
"#,
            r#"
models:
  Order:
    properties: { id: string }
  Problem:
    properties: { code: string }
errors:
  body: Problem
  code_field: /code
  codes:
    NOT_FOUND: { status: 404, retry: never }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
    errors: [NOT_FOUND]
scenarios:
  get_missing_order:
    endpoint: get_order
    request: { path: { id: ORD-0 } }
    expect: { status: 404, error: NOT_FOUND }
"#,
        ),
    }

    UNDECLARED_STATUS = "spec::undeclared_status", Error {
        summary: "a scenario expects a status the endpoint does not declare",
        explanation: "A scenario expects a status, without an error code, that is not among the \
            endpoint's `responses`. A success status must be declared there, because the test checks \
            the response against the declared body; an error status is expected through its code \
            (`expect: { status: 404, error: NOT_FOUND }`).",
        example: Example::fixed(
            r#"
models:
  Order:
    properties: { id: string }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
scenarios:
  get_order_ok:
    endpoint: get_order
    request: { path: { id: ORD-1 } }
    expect: { status: 204 }
"#,
            r#"
models:
  Order:
    properties: { id: string }
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": Order }
scenarios:
  get_order_ok:
    endpoint: get_order
    request: { path: { id: ORD-1 } }
    expect: { status: 200 }
"#,
        ),
    }

    SCENARIO_BODY_MISMATCH = "spec::scenario_body_mismatch", Error {
        summary: "a scenario that expects success sends or answers a body its endpoint's model rejects",
        explanation: "A scenario that expects a 2xx answer plays its request against `accord mock`, \
            which validates the body against the endpoint's request model and answers a validation \
            error to one that does not fit; the generated test then failed with a status it did not \
            expect. The body is checked against the same JSON Schema here. Fix the body, or make the \
            scenario expect the validation error. The body such a scenario answers with (its \
            `response.body` merged over the response model's example) is checked against the \
            response model's schema too: the contract test decodes it.",
        example: Example::fixed(
            r#"
models:
  NewOrder:
    required: [quantity]
    properties: { quantity: integer }
endpoints:
  create_order:
    method: POST
    path: /orders
    request: { body: NewOrder }
    responses: { "201": { description: Created } }
scenarios:
  create_order_ok:
    endpoint: create_order
    request: { body: { quantity: two } }
    expect: { status: 201 }
"#,
            r#"
models:
  NewOrder:
    required: [quantity]
    properties: { quantity: integer }
endpoints:
  create_order:
    method: POST
    path: /orders
    request: { body: NewOrder }
    responses: { "201": { description: Created } }
scenarios:
  create_order_ok:
    endpoint: create_order
    request: { body: { quantity: 2 } }
    expect: { status: 201 }
"#,
        ),
    }
}
