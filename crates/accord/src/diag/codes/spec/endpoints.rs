//! `spec::*` codes of `endpoints`: paths, routes, responses, parameters, pagination and
//! multipart bodies (found by `check::endpoints`, and by `check::scenarios` for parameters).

use crate::diag::codes::Example;

codes! {
    BAD_PATH = "spec::bad_path", Error {
        summary: "an endpoint path that is not a well-formed path template",
        explanation: "An endpoint's `path` is appended to the environment's base URL, so it starts with \
            `/`; its parameters are written `{name}`, so every `{` is closed by a `}`, with a name \
            between them and no `{` inside, and no `}` stands alone.",
        example: Example::fixed(
            r#"
endpoints:
  get_order:
    method: GET
    path: orders/{id
    path_params: { id: string }
    responses: { "200": { description: The order } }
"#,
            r#"
endpoints:
  get_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": { description: The order } }
"#,
        ),
    }

    DUPLICATE_ENDPOINT = "spec::duplicate_endpoint", Error {
        summary: "two endpoints with the same method and path",
        explanation: "Two endpoints have the same method and the same path, the names of path \
            parameters aside (`/orders/{id}` and `/orders/{order_id}` are one route), no `fixed` \
            header or query parameter that both give different values to, and no query key that \
            one always sends (required or fixed) and the other never declares (S3's `DELETE \
            /{Key}?uploadId=…` beside `DELETE /{Key}`). A server, and accord's \
            mock, which routes requests by the spec, cannot tell which of the two a request is for. \
            The diagnostic points at the second endpoint; merge the two, change one's method or \
            path, or declare the value that tells them apart (`fixed: { headers: { X-Amz-Target: \
            DynamoDB_20120810.GetItem } }`, as AWS's JSON APIs do).",
        example: Example::fixed(
            r#"
endpoints:
  get_order:
    method: GET
    path: /orders/{order_id}
    path_params: { order_id: string }
    responses: { "200": { description: The order } }
  fetch_order:
    method: GET
    path: /orders/{id}
    path_params: { id: string }
    responses: { "200": { description: The order } }
"#,
            r#"
endpoints:
  get_order:
    method: GET
    path: /orders/{order_id}
    path_params: { order_id: string }
    responses: { "200": { description: The order } }
"#,
        ),
    }

    UNDECLARED_PATH_PARAM = "spec::undeclared_path_param", Error {
        summary: "a `{parameter}` of the path that `path_params` does not declare",
        explanation: "The path has a `{name}` parameter that the endpoint's `path_params` does not \
            declare. Each path parameter becomes an argument of the generated method, typed by its \
            declaration, and the mock validates it by that type; declare it \
            (`path_params: { order_id: string }`).",
        example: Example::fixed(
            r#"
endpoints:
  get_order:
    method: GET
    path: /orders/{order_id}
    responses: { "200": { description: The order } }
"#,
            r#"
endpoints:
  get_order:
    method: GET
    path: /orders/{order_id}
    path_params: { order_id: string }
    responses: { "200": { description: The order } }
"#,
        ),
    }

    UNUSED_PATH_PARAM = "spec::unused_path_param", Error {
        summary: "a declared path parameter that the path does not use",
        explanation: "`path_params` declares a parameter that does not appear as `{name}` in the \
            endpoint's `path`. The generated method would take an argument it never sends. Most often \
            the two names differ by a typo, and the help names the path's closest parameter.",
        example: Example::fixed(
            r#"
endpoints:
  get_order:
    method: GET
    path: /orders/{order_id}
    path_params: { order_id: string, item_id: string }
    responses: { "200": { description: The order } }
"#,
            r#"
endpoints:
  get_order:
    method: GET
    path: /orders/{order_id}
    path_params: { order_id: string }
    responses: { "200": { description: The order } }
"#,
        ),
    }

    NO_SUCCESS_RESPONSE = "spec::no_success_response", Error {
        summary: "an endpoint that declares no 2xx response",
        explanation: "An endpoint's `responses` has no 2xx status. The generated method returns what \
            the success response carries and the mock answers with it, so an endpoint with only error \
            statuses has nothing to return. Declare the success response; one without a body is \
            written `\"204\": { description: No content }`. Error statuses belong in `errors`.",
        example: Example::fixed(
            r#"
endpoints:
  delete_order:
    method: DELETE
    path: /orders/{id}
    path_params: { id: string }
    responses: { "404": { description: No such order } }
"#,
            r#"
endpoints:
  delete_order:
    method: DELETE
    path: /orders/{id}
    path_params: { id: string }
    responses: { "204": { description: Deleted } }
"#,
        ),
    }

    UNKNOWN_PARAM = "spec::unknown_param", Error {
        summary: "a parameter that the endpoint does not declare",
        explanation: "A parameter is named that the endpoint does not declare: a pagination's `param`, \
            `size_param` or `limit_param` that is not among the endpoint's `query` parameters (the client sets it to \
            ask for the next page, so it must exist and have a type), or, in a scenario's `request`, a \
            `path` or `query` value for a parameter the endpoint does not have (the call could not be \
            made as written).",
        example: Example::fixed(
            r#"
models:
  OrderPage:
    properties:
      data: { type: array, items: string }
      next_cursor: { type: string, nullable: true }
endpoints:
  list_orders:
    method: GET
    path: /orders
    query: { cursor: string }
    responses: { "200": OrderPage }
    pagination: { cursor: { param: starting_after, next: /next_cursor, items: /data } }
"#,
            r#"
models:
  OrderPage:
    properties:
      data: { type: array, items: string }
      next_cursor: { type: string, nullable: true }
endpoints:
  list_orders:
    method: GET
    path: /orders
    query: { cursor: string }
    responses: { "200": OrderPage }
    pagination: { cursor: { param: cursor, next: /next_cursor, items: /data } }
"#,
        ),
    }

    BAD_PAGINATION = "spec::bad_pagination", Error {
        summary: "pagination pointers that do not lead through the response body",
        explanation: "A paginated endpoint needs a 2xx response with a body, and its pagination's \
            pointers must lead through that body's type: `items` to an array (without `items` the body \
            itself must be an array), and `next` to a property of the body (or, with `from_last_item`, \
            of an item of the list). The generated `pages` and `items` streams follow these pointers \
            page after page, so one that leads nowhere would find no items or stop after the first \
            page.",
        example: Example::fixed(
            r#"
models:
  OrderPage:
    properties:
      data: { type: array, items: string }
      next_cursor: { type: string, nullable: true }
endpoints:
  list_orders:
    method: GET
    path: /orders
    query: { cursor: string }
    responses: { "200": OrderPage }
    pagination: { cursor: { param: cursor, next: /next_cursor, items: /orders } }
"#,
            r#"
models:
  OrderPage:
    properties:
      data: { type: array, items: string }
      next_cursor: { type: string, nullable: true }
endpoints:
  list_orders:
    method: GET
    path: /orders
    query: { cursor: string }
    responses: { "200": OrderPage }
    pagination: { cursor: { param: cursor, next: /next_cursor, items: /data } }
"#,
        ),
    }

    OBJECT_PARTS_WITHOUT_MULTIPART = "spec::object_parts_without_multipart", Error {
        summary: "`object_parts` on a request body that is not multipart",
        explanation: "`object_parts` says how the object-valued fields of a multipart body are sent \
            (`json`: one JSON part; `brackets`: one text part per key, `field[key]`), so it applies to \
            `content_type: multipart` bodies only; on a JSON or form body it would do nothing. Remove \
            it, or make the body multipart.",
        example: Example::fixed(
            r#"
models:
  Upload:
    properties:
      file: { type: string, format: binary }
      metadata: { type: object, additional_properties: string }
endpoints:
  upload:
    method: POST
    path: /uploads
    request: { body: Upload, object_parts: brackets }
    responses: { "201": { description: Uploaded } }
"#,
            r#"
models:
  Upload:
    properties:
      file: { type: string, format: binary }
      metadata: { type: object, additional_properties: string }
endpoints:
  upload:
    method: POST
    path: /uploads
    request: { body: Upload, content_type: multipart, object_parts: brackets }
    responses: { "201": { description: Uploaded } }
"#,
        ),
    }

    MULTIPART_BODY_NOT_OBJECT = "spec::multipart_body_not_object", Error {
        summary: "a multipart request body that is not an object with properties",
        explanation: "A `content_type: multipart` body is sent as one part per property, so its type \
            must be an object that declares `properties`: a model or an inline schema, without \
            `one_of`. An array, a `one_of` or an object without properties has no fields to make \
            parts of.",
        example: Example::fixed(
            r#"
endpoints:
  upload:
    method: POST
    path: /uploads
    request:
      content_type: multipart
      body: { type: array, items: { type: string, format: binary } }
    responses: { "201": { description: Uploaded } }
"#,
            r#"
endpoints:
  upload:
    method: POST
    path: /uploads
    request:
      content_type: multipart
      body:
        properties:
          files: { type: array, items: { type: string, format: binary } }
    responses: { "201": { description: Uploaded } }
"#,
        ),
    }

    RAW_BODY_NOT_STRING = "spec::raw_body_not_string", Error {
        summary: "a `text` or `binary` body whose type is not `string`",
        explanation: "A request or response body with `content_type: text` or `content_type: binary` \
            is sent and read as it is, not encoded from a model: the generated client takes or returns \
            a `String` (text) or the bytes, `Vec<u8>` (binary). Its `body` is therefore `string` \
            (`{ type: string, format: binary }` for bytes, as OpenAPI writes it). A model, an object \
            or an array has fields that no raw body carries; send them as `json` instead.",
        example: Example::fixed(
            r#"
models:
  Report:
    properties: { rows: string }
endpoints:
  export_report:
    method: GET
    path: /reports/export
    responses:
      "200": { body: Report, content_type: text, media_type: text/csv }
"#,
            r#"
endpoints:
  export_report:
    method: GET
    path: /reports/export
    responses:
      "200": { body: string, content_type: text, media_type: text/csv }
"#,
        ),
    }

    BAD_MEDIA_TYPE = "spec::bad_media_type", Error {
        summary: "a `media_type` that is not `type/subtype`, or one on a body that is not `text` or `binary`",
        explanation: "`media_type` names what a `text` or `binary` body is, and is sent in (or \
            expected in) `Content-Type`: a media type as RFC 6838 §4.2 writes it, `type/subtype` \
            without parameters (`text/csv`, `image/png`, `application/pdf`), the subtype possibly `*` \
            (`image/*`: the caller gives the exact type). JSON, form and multipart bodies have the \
            media type of their encoding, so they take no `media_type`.",
        example: Example::fixed(
            r#"
endpoints:
  upload_logo:
    method: PUT
    path: /logo
    request: { body: { type: string, format: binary }, content_type: binary, media_type: png }
    responses: { "204": { description: Stored } }
"#,
            r#"
endpoints:
  upload_logo:
    method: PUT
    path: /logo
    request: { body: { type: string, format: binary }, content_type: binary, media_type: image/png }
    responses: { "204": { description: Stored } }
"#,
        ),
    }

    BAD_RESPONSE_CONTENT_TYPE = "spec::bad_response_content_type", Error {
        summary: "a response body declared as `form` or `multipart`",
        explanation: "The generated client reads a response body as JSON (the default), as text \
            (`content_type: text`) or as bytes (`content_type: binary`). `form` and `multipart` are \
            how request bodies are encoded; a response of that kind is read as `text` and parsed by \
            the caller.",
        example: Example::fixed(
            r#"
endpoints:
  get_token:
    method: POST
    path: /token
    responses:
      "200": { body: string, content_type: form }
"#,
            r#"
endpoints:
  get_token:
    method: POST
    path: /token
    responses:
      "200": { body: string, content_type: text, media_type: application/x-www-form-urlencoded }
"#,
        ),
    }

    BAD_PARAM_STYLE = "spec::bad_param_style", Error {
        summary: "a parameter `style` or `explode` that OpenAPI does not define there",
        explanation: "A parameter's `style` says how its value is written (OpenAPI 3.1 §4.8.12.4, \
            \"Style Values\"). Each style belongs to one place: `form`, `space_delimited`, \
            `pipe_delimited` and `deep_object` to `query`; `simple`, `label` and `matrix` to \
            `path_params`; `simple` to `headers`. `space_delimited` and `pipe_delimited` join a \
            list's items (or an object's keys and values) and are defined only with `explode: \
            false`; `deep_object` writes an object as `name[key]=value` (a list by index, \
            `name[0]=a`) and is defined only with `explode: true`; neither writes a lone value. A style written elsewhere would be sent in a form the \
            server was never described to read.",
        example: Example::fixed(
            r#"
endpoints:
  list_orders:
    method: GET
    path: /orders
    query:
      status: { type: array, items: string, style: matrix }
    responses: { "200": { description: The orders } }
"#,
            r#"
endpoints:
  list_orders:
    method: GET
    path: /orders
    query:
      status: { type: array, items: string, style: form, explode: false }
    responses: { "200": { description: The orders } }
"#,
        ),
    }

    MISPLACED_STYLE = "spec::misplaced_style", Error {
        summary: "`style` or `explode` written on a model, a property or a body",
        explanation: "`style` and `explode` say how a parameter's value is written in a path, a \
            query or a header. A model, a property of an object or a request or response body is \
            not a parameter: its encoding is the body's `content_type`. Write them on the \
            parameter (in `path_params`, `query` or `headers`) whose type it is.",
        example: Example::fixed(
            r#"
models:
  Filter:
    style: deep_object
    properties: { status: string }
endpoints:
  list_orders:
    method: GET
    path: /orders
    query: { filter: Filter }
    responses: { "200": { description: The orders } }
"#,
            r#"
models:
  Filter:
    properties: { status: string }
endpoints:
  list_orders:
    method: GET
    path: /orders
    query:
      filter: { type: Filter, style: deep_object }
    responses: { "200": { description: The orders } }
"#,
        ),
    }

    BAD_FIXED_VALUE = "spec::bad_fixed_value", Error {
        summary: "a `fixed` header or query value that cannot be sent, or that is also a parameter",
        explanation: "An endpoint's `fixed` values are sent by the client on every request and tell \
            the endpoint apart from others on the same method and path. A fixed header needs an \
            HTTP field name (a token, RFC 9110 §5.1) and a value of visible ASCII without spaces at \
            either end (§5.5). A name that is also one of the endpoint's parameters in the same \
            place (or its idempotency header) would be sent twice, once fixed and once as the \
            caller sets it: keep one.",
        example: Example::fixed(
            r#"
endpoints:
  get_item:
    method: POST
    path: /
    headers: { X-Amz-Target: string }
    fixed:
      headers: { X-Amz-Target: DynamoDB_20120810.GetItem }
    responses: { "200": { description: The item } }
"#,
            r#"
endpoints:
  get_item:
    method: POST
    path: /
    fixed:
      headers: { X-Amz-Target: DynamoDB_20120810.GetItem }
    responses: { "200": { description: The item } }
"#,
        ),
    }
}
