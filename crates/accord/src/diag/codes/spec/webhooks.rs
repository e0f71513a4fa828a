//! `spec::*` codes of `webhooks` and their signature scheme (found by `check::webhooks`).

use crate::diag::codes::Example;

codes! {
    UNSIGNED_WEBHOOKS = "spec::unsigned_webhooks", Warning {
        summary: "webhooks without a signature scheme cannot be verified",
        explanation: "`webhooks` has no `signature`, so nothing says how the provider signs its \
            deliveries. The generated code then has `webhooks::parse`, which decodes a delivery into \
            the typed event and verifies nothing, instead of `webhooks::verify`, and the mock refuses \
            to deliver test events. It is a warning, not an error, because some sources (OpenAPI 3.1 \
            `webhooks`) declare the events but never the signature, and inventing a scheme would be \
            worse than none. Add `signature` with a `preset` or the scheme written out.",
        example: Example::fixed(
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  events:
    order.created: { payload: OrderEvent }
"#,
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature: { preset: github }
  events:
    order.created: { payload: OrderEvent }
"#,
        ),
    }

    MISSING_EVENT_TYPE = "spec::missing_event_type", Error {
        summary: "several webhook events and nothing that says which one a delivery is",
        explanation: "More than one event is declared, but neither `event_type_field` (the JSON pointer \
            of the event type in the payload) nor `event_header` (a header that carries it, like \
            GitHub's `X-GitHub-Event`) says where a delivery's type is. Each delivery is decoded into \
            the event its type names; with one event every delivery is that event, with several there \
            is no way to choose.",
        example: Example::fixed(
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature: { preset: github }
  events:
    order.created: { payload: OrderEvent }
    order.shipped: { payload: OrderEvent }
"#,
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature: { preset: github }
  event_type_field: /type
  events:
    order.created: { payload: OrderEvent }
    order.shipped: { payload: OrderEvent }
"#,
        ),
    }

    MISSING_FIELD = "spec::missing_field", Error {
        summary: "a webhook signature scheme lacks `algorithm`, `header` or `format`",
        explanation: "A signature scheme needs an `algorithm` (how the signature is computed), a \
            `header` (where it is sent) and a `format` (how it is written in that header). One of them \
            is neither written nor filled in by a `preset`. A `preset` for a known provider \
            (standard-webhooks-v1, svix, stripe, github, shopify, slack, twilio, …) fills all three; \
            fields written next to it override the preset's.",
        example: Example::fixed(
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature: { algorithm: hmac-sha256 }
  events:
    order.created: { payload: OrderEvent }
"#,
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature: { algorithm: hmac-sha256, header: X-Signature, format: "sha256={hex}" }
  events:
    order.created: { payload: OrderEvent }
"#,
        ),
    }

    BAD_SIGNATURE_FORMAT = "spec::bad_signature_format", Error {
        summary: "a signature header format the runtime cannot parse unambiguously",
        explanation: "`format` is how one signature is written in the signature header: entries joined \
            by `separator`, each with exactly one placeholder, one entry with `{hex}` or `{base64}` \
            (the signature) and at most one with `{timestamp}`, as in `t={timestamp},v1={hex}` with \
            separator `,`. This code reports an entry with no placeholder, another placeholder, or two; \
            a format without exactly one signature entry; timestamp and signature entries whose \
            prefixes cannot be told apart (one starts with the other); an entry with spaces at an end \
            (the runtime trims the header and each entry, so it would never match); an empty \
            `separator`, or one holding a character that an entry can hold (a hex or base64 \
            signature's, a timestamp's digits, or the entries' literal text), which would split a \
            header inside an entry; and a timestamp taken from both a `format` entry and \
            `timestamp.header`. The runtime reads \
            deliveries by this format, so it must say where each value is.",
        example: Example::fixed(
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature: { algorithm: hmac-sha256, header: X-Signature, format: "sha256={signature}" }
  events:
    order.created: { payload: OrderEvent }
"#,
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature: { algorithm: hmac-sha256, header: X-Signature, format: "sha256={hex}" }
  events:
    order.created: { payload: OrderEvent }
"#,
        ),
    }

    BAD_SIGNED_PAYLOAD = "spec::bad_signed_payload", Error {
        summary: "a signed-payload template that is not one the runtime can rebuild",
        explanation: "`signed_payload` is the template of the bytes the provider signs, made of \
            `{body}`, `{timestamp}`, `{id}`, `{url}` and `{form_params}` and literal text (default \
            `{body}`). This code reports a placeholder that is none of these (often a typo such as \
            `{timestmp}`); a template without `{body}` or Twilio's `{form_params}`, since a signature \
            that does not cover the content would let anyone change it; and `url` options written \
            while `{url}` is not signed, where they would do nothing.",
        example: Example::fixed(
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature:
    algorithm: hmac-sha256
    header: X-Signature
    format: "sha256={hex}"
    signed_payload: "{timestmp}.{body}"
    timestamp: { header: X-Timestamp, tolerance: 5m }
  events:
    order.created: { payload: OrderEvent }
"#,
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature:
    algorithm: hmac-sha256
    header: X-Signature
    format: "sha256={hex}"
    signed_payload: "{timestamp}.{body}"
    timestamp: { header: X-Timestamp, tolerance: 5m }
  events:
    order.created: { payload: OrderEvent }
"#,
        ),
    }

    MISSING_TIMESTAMP = "spec::missing_timestamp", Error {
        summary: "a signature timestamp with nowhere to come from",
        explanation: "The scheme uses a timestamp (`{timestamp}` is in `signed_payload`, or a \
            `timestamp` section is written) but nothing says where a delivery carries it: there is \
            neither a `{timestamp}` entry in `format` nor a `timestamp.header`. The runtime could not \
            read it, so it could neither rebuild the signed bytes nor check the replay window.",
        example: Example::fixed(
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature:
    algorithm: hmac-sha256
    header: X-Signature
    format: "{hex}"
    signed_payload: "{timestamp}.{body}"
    timestamp: { tolerance: 5m }
  events:
    order.created: { payload: OrderEvent }
"#,
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature:
    algorithm: hmac-sha256
    header: X-Signature
    format: "{hex}"
    signed_payload: "{timestamp}.{body}"
    timestamp: { header: X-Timestamp, tolerance: 5m }
  events:
    order.created: { payload: OrderEvent }
"#,
        ),
    }

    UNSIGNED_TIMESTAMP = "spec::unsigned_timestamp", Warning {
        summary: "a timestamp checked against the replay window but not signed",
        explanation: "The scheme reads a timestamp (from `timestamp.header` or a `{timestamp}` entry of \
            `format`) and checks it against the replay window, but `signed_payload` does not include \
            `{timestamp}`. Anyone who captured a delivery can then change its timestamp without \
            breaking the signature, so the window stops accidental replays only. Some providers \
            document exactly this, so the spec still compiles; if the provider does sign the \
            timestamp, put `{timestamp}` in `signed_payload`.",
        example: Example::fixed(
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature:
    algorithm: hmac-sha256
    header: X-Signature
    format: "{hex}"
    timestamp: { header: X-Timestamp, tolerance: 5m }
  events:
    order.created: { payload: OrderEvent }
"#,
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature:
    algorithm: hmac-sha256
    header: X-Signature
    format: "{hex}"
    signed_payload: "{timestamp}.{body}"
    timestamp: { header: X-Timestamp, tolerance: 5m }
  events:
    order.created: { payload: OrderEvent }
"#,
        ),
    }

    MISSING_TOLERANCE = "spec::missing_tolerance", Error {
        summary: "a signature timestamp without a replay window",
        explanation: "A timestamp is read but no replay window is declared: a `{timestamp}` entry in \
            `format` without a `timestamp` section, or a `timestamp` section without `tolerance`. The \
            tolerance is how far from now a delivery's timestamp may be (`5m`); it must be written, so \
            that the window is the spec's decision and not a default (`0s` turns the check off).",
        example: Example::fixed(
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature:
    algorithm: hmac-sha256
    header: Stripe-Signature
    format: "t={timestamp},v1={hex}"
    separator: ","
    signed_payload: "{timestamp}.{body}"
  events:
    order.created: { payload: OrderEvent }
"#,
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature:
    algorithm: hmac-sha256
    header: Stripe-Signature
    format: "t={timestamp},v1={hex}"
    separator: ","
    signed_payload: "{timestamp}.{body}"
    timestamp: { tolerance: 5m }
  events:
    order.created: { payload: OrderEvent }
"#,
        ),
    }

    MISSING_ID_HEADER = "spec::missing_id_header", Error {
        summary: "`{id}` is signed but no header carries it",
        explanation: "`signed_payload` includes `{id}`, the message id, but no `id_header` names the \
            header a delivery carries it in (Standard Webhooks' `webhook-id`), so the signed bytes \
            could not be rebuilt and no delivery would verify.",
        example: Example::fixed(
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature:
    algorithm: hmac-sha256
    header: webhook-signature
    format: "v1,{base64}"
    separator: " "
    signed_payload: "{id}.{timestamp}.{body}"
    timestamp: { header: webhook-timestamp, tolerance: 5m }
  events:
    order.created: { payload: OrderEvent }
"#,
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature:
    algorithm: hmac-sha256
    header: webhook-signature
    format: "v1,{base64}"
    separator: " "
    signed_payload: "{id}.{timestamp}.{body}"
    id_header: webhook-id
    timestamp: { header: webhook-timestamp, tolerance: 5m }
  events:
    order.created: { payload: OrderEvent }
"#,
        ),
    }

    BAD_SIGNATURE_HEADER = "spec::bad_signature_header", Error {
        summary: "a signature scheme's header name that is not one, or that two of its headers share",
        explanation: "The signature scheme reads up to three headers: `header` (the signature), \
            `id_header` (the message id) and `timestamp.header` (the timestamp). Each must be an HTTP \
            header name (RFC 9110 §5.1: a non-empty token of letters, digits and `!#$%&'*+-.^_`|~`, no \
            spaces), and no two may be the same name, compared without case as HTTP does: a delivery \
            carrying the signature and the timestamp in one header would hold that header twice, and \
            the runtime refuses a duplicated header.",
        example: Example::fixed(
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature:
    algorithm: hmac-sha256
    header: webhook-signature
    format: "v1,{base64}"
    separator: " "
    signed_payload: "{id}.{timestamp}.{body}"
    id_header: webhook-id
    timestamp: { header: Webhook-Signature, tolerance: 5m }
  events:
    order.created: { payload: OrderEvent }
"#,
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature:
    algorithm: hmac-sha256
    header: webhook-signature
    format: "v1,{base64}"
    separator: " "
    signed_payload: "{id}.{timestamp}.{body}"
    id_header: webhook-id
    timestamp: { header: webhook-timestamp, tolerance: 5m }
  events:
    order.created: { payload: OrderEvent }
"#,
        ),
    }

    BAD_KEY_ENCODING = "spec::bad_key_encoding", Error {
        summary: "an Ed25519 key written as plain text",
        explanation: "An `ed25519` scheme verifies with a 32-byte public key, which cannot be written as \
            plain text; its `key.encoding` must be `base64` or `hex`. The encoding defaults to `utf8` \
            (the text's bytes as they are), which suits HMAC secrets only.",
        example: Example::fixed(
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature: { algorithm: ed25519, header: webhook-signature, format: "v1a,{base64}" }
  events:
    order.created: { payload: OrderEvent }
"#,
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature:
    algorithm: ed25519
    key: { encoding: base64 }
    header: webhook-signature
    format: "v1a,{base64}"
  events:
    order.created: { payload: OrderEvent }
"#,
        ),
    }

    EXAMPLE_MISMATCH = "spec::example_mismatch", Error {
        summary: "an event's example does not fit its payload model",
        explanation: "A webhook event's `example` is what the contract tests sign and verify and what \
            `accord mock` delivers; one that breaks its payload model (a string where the model says \
            integer, a required field left out) made a generated test fail far from the spec. The \
            example is checked against the model's JSON Schema, the one the mock validates with, and \
            the help lists every problem found.",
        example: Example::fixed(
            r#"
models:
  OrderEvent:
    required: [type, id]
    properties: { type: string, id: integer }
webhooks:
  signature: { preset: github }
  event_type_field: /type
  events:
    order.created: { payload: OrderEvent, example: { type: order.created, id: not-a-number } }
"#,
            r#"
models:
  OrderEvent:
    required: [type, id]
    properties: { type: string, id: integer }
webhooks:
  signature: { preset: github }
  event_type_field: /type
  events:
    order.created: { payload: OrderEvent, example: { type: order.created, id: 42 } }
"#,
        ),
    }

    EVENT_TYPE_MISSING = "spec::event_type_missing", Error {
        summary: "`event_type_field` leads to no field of an event's payload",
        explanation: "`event_type_field` is the JSON pointer of the event type in every delivery. When an \
            event's payload model declares no field there (and allows no others), a delivery of it is \
            never typed as that event: it arrives as `Event::Unknown`, and the contract test of the \
            event fails. Point `event_type_field` at the field that names the event, or declare the \
            field in the model.",
        example: Example::fixed(
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature: { preset: github }
  event_type_field: /kind
  events:
    order.created: { payload: OrderEvent }
"#,
            r#"
models:
  OrderEvent:
    properties: { type: string, id: string }
webhooks:
  signature: { preset: github }
  event_type_field: /type
  events:
    order.created: { payload: OrderEvent }
"#,
        ),
    }

    EVENT_ID_MISSING = "spec::event_id_missing", Error {
        summary: "the event id pointer leads to no field of an event's payload",
        explanation: "`event_id_field` (or an event's own `id_field`) is the JSON pointer of the id that \
            de-duplicates deliveries. When an event's payload model declares no field there (and allows \
            no others), no delivery of that event has an id, and the contract test that reads it fails. \
            Declare the field in the model, or give the event its own `id_field` where its payload \
            carries its id.",
        example: Example::fixed(
            r#"
models:
  OrderEvent:
    properties: { type: string, order_id: string }
webhooks:
  signature: { preset: github }
  event_type_field: /type
  event_id_field: /id
  events:
    order.created: { payload: OrderEvent }
"#,
            r#"
models:
  OrderEvent:
    properties: { type: string, order_id: string }
webhooks:
  signature: { preset: github }
  event_type_field: /type
  event_id_field: /order_id
  events:
    order.created: { payload: OrderEvent }
"#,
        ),
    }
}
