//! `spec::*` codes of streamed bodies, `stream` and `max_bytes` (found by `check::streaming`).

use crate::diag::codes::Example;

codes! {
    BAD_STREAM = "spec::bad_stream", Error {
        summary: "`stream` or `max_bytes` on a body that cannot be streamed",
        explanation: "`stream: true` sends a request body from a file or an async reader \
            (`accord_runtime::Upload`) or reads a response body chunk by chunk \
            (`accord_runtime::ByteStream`), never holding it whole. Only bytes sent or read as \
            they are can be streamed, so the body must be `content_type: binary` (a JSON, form, \
            multipart or text body is encoded or decoded whole). A streamed response must be a \
            success (2xx): error bodies are read whole, up to a bounded size, to decode the \
            provider's error. `max_bytes`, the most bytes the client reads of a streamed \
            response before failing, applies only with `stream: true` and must be above 0.",
        example: Example::fixed(
            r#"
models:
  Invoice:
    properties: { invoice_id: string }
endpoints:
  get_invoice:
    method: GET
    path: /invoices/{id}
    path_params: { id: string }
    responses:
      "200": { body: Invoice, stream: true }
"#,
            r#"
endpoints:
  get_invoice:
    method: GET
    path: /invoices/{id}
    path_params: { id: string }
    responses:
      "200": { body: { type: string, format: binary }, content_type: binary, media_type: application/pdf, stream: true }
"#,
        ),
    }
}
