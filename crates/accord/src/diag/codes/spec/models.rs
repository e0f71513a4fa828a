//! `spec::*` codes of `models` and of types wherever they are written (found by
//! `check::models`).

use crate::diag::codes::Example;

codes! {
    UNKNOWN_REF = "spec::unknown_ref", Error {
        summary: "a type name that is neither a model nor a primitive type",
        explanation: "A type is named that is not declared under `models` and is not a primitive type \
            (`string`, `integer`, `number`, `boolean`, `object`, `array`, `any`). Types are named in \
            properties, `items`, `additional_properties`, `one_of`, parameters and request and response \
            bodies; `errors.body`, an error code's `body`, a webhook event's `payload` and a \
            discriminator's `mapping` take a model name only. Without the type there is nothing to \
            generate for the field, parameter or body. It is usually a typo, and the help names the \
            closest declared name.",
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
    responses: { "200": Ordr }
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
"#,
        ),
    }

    ARRAY_WITHOUT_ITEMS = "spec::array_without_items", Error {
        summary: "an array type that does not say what its items are",
        explanation: "`array` is written as a type (`tags: array`, or `type: array`) without `items`. \
            An array becomes a `Vec` of its item type in the generated code and is validated item by \
            item by the mock, so the item type must be given: `{ type: array, items: string }`.",
        example: Example::fixed(
            r#"
models:
  Order:
    properties:
      tags: { type: array }
"#,
            r#"
models:
  Order:
    properties:
      tags: { type: array, items: string }
"#,
        ),
    }

    UNKNOWN_PROPERTY = "spec::unknown_property", Error {
        summary: "`required` names a property the object does not have",
        explanation: "An object's `required` list names a property that is not among its `properties`. \
            A name there that matches nothing is almost always a misspelt property, which then stays \
            optional while the spec reads as if it were required; the help names the closest \
            property.",
        example: Example::fixed(
            r#"
models:
  Order:
    required: [order_id, custmer_id]
    properties: { order_id: string, customer_id: string }
"#,
            r#"
models:
  Order:
    required: [order_id, customer_id]
    properties: { order_id: string, customer_id: string }
"#,
        ),
    }

    MISPLACED_REQUIRED = "spec::misplaced_required", Error {
        summary: "`required: true` or `false` written on a model or a property",
        explanation: "`required` means one of two things by where it is written. On a parameter (in \
            `path_params`, `query` or `headers`) it is a flag: whether the parameter must be sent. On \
            an object it is the list of the properties that must be present. A flag on a model or on \
            a property has no meaning; to make a property required, list its name in the `required` \
            of the object that holds it.",
        example: Example::fixed(
            r#"
models:
  Order:
    properties:
      id: { type: string, required: true }
"#,
            r#"
models:
  Order:
    required: [id]
    properties:
      id: { type: string }
"#,
        ),
    }

    READ_AND_WRITE_ONLY = "spec::read_and_write_only", Error {
        summary: "a property is both `read_only` and `write_only`",
        explanation: "`read_only: true` marks a property the server sets and the client never sends \
            (an id, a creation time); `write_only: true` marks one the client sends and the server \
            never returns (a password). A property that is both would travel in neither direction. \
            Keep the one that holds.",
        example: Example::fixed(
            r#"
models:
  User:
    properties:
      password: { type: string, read_only: true, write_only: true }
"#,
            r#"
models:
  User:
    properties:
      password: { type: string, write_only: true }
"#,
        ),
    }

    MISPLACED_ACCESS = "spec::misplaced_access", Error {
        summary: "`read_only` or `write_only` written where there is no property",
        explanation: "`read_only` and `write_only` say in which direction a property of an object \
            travels, and the generated model makes such a property optional so that one model serves \
            requests and responses. On a model as a whole, a parameter or a request or response body \
            they have nothing to apply to; write them on the properties they are about.",
        example: Example::fixed(
            r#"
models:
  Account:
    read_only: true
    properties: { id: string, owner: string }
"#,
            r#"
models:
  Account:
    properties:
      id: { type: string, read_only: true }
      owner: { type: string, read_only: true }
"#,
        ),
    }

    ITEMS_WITHOUT_ARRAY = "spec::items_without_array", Error {
        summary: "`items` on a type that is not an array",
        explanation: "`items` gives the item type of an array, and the schema also names another type \
            (`type: string`, or a model). One of the two is a mistake: remove `items`, or make the type \
            `array` (or leave `type` out, as `items` alone means an array).",
        example: Example::fixed(
            r#"
models:
  Order:
    properties:
      tags: { type: string, items: string }
"#,
            r#"
models:
  Order:
    properties:
      tags: { type: array, items: string }
"#,
        ),
    }

    DISCRIMINATOR_WITHOUT_ONE_OF = "spec::discriminator_without_one_of", Error {
        summary: "a `discriminator` with no `one_of` to choose from",
        explanation: "A `discriminator` names the property whose value says which variant of a \
            `one_of` a value is. Without `one_of` there are no variants for it to choose between; add \
            the `one_of` list of variant models, or remove the `discriminator`.",
        example: Example::fixed(
            r#"
models:
  Card:
    properties: { kind: string, last4: string }
  Transfer:
    properties: { kind: string, iban: string }
  Payment:
    discriminator: { property: kind }
"#,
            r#"
models:
  Card:
    properties: { kind: string, last4: string }
  Transfer:
    properties: { kind: string, iban: string }
  Payment:
    one_of: [Card, Transfer]
    discriminator: { property: kind }
"#,
        ),
    }

    DISCRIMINATED_INLINE = "spec::discriminated_inline", Error {
        summary: "a variant of a discriminated `one_of` is not a model name",
        explanation: "In a `one_of` with a `discriminator`, every variant must name a model: the \
            discriminator's tag values are model names (or map to them through `mapping`), and each \
            variant becomes a variant of the generated enum named after its model. An inline schema or \
            a primitive type has no name to be tagged with; declare it under `models` and name it.",
        example: Example::fixed(
            r#"
models:
  Card:
    properties: { kind: string, last4: string }
  Payment:
    one_of: [Card, { properties: { kind: string, iban: string } }]
    discriminator: { property: kind }
"#,
            r#"
models:
  Card:
    properties: { kind: string, last4: string }
  Transfer:
    properties: { kind: string, iban: string }
  Payment:
    one_of: [Card, Transfer]
    discriminator: { property: kind }
"#,
        ),
    }

    ENUM_NOT_STRING = "spec::enum_not_string", Error {
        summary: "string `enum` values on a type that is not `string`",
        explanation: "String `enum` values make the schema a Rust enum with one variant per string, so \
            a `type` other than `string` contradicts them: write `type: string` or leave `type` out. \
            Numbers that stand for a fixed set of choices may stay numbers: `{ type: integer, enum: \
            [1, 2, 3] }` keeps the integer type and lists the values (see `spec::enum_value_type`).",
        example: Example::fixed(
            r#"
models:
  Review:
    properties:
      stars: { type: integer, enum: ["1", "2", "3"] }
"#,
            r#"
models:
  Review:
    properties:
      stars: { type: integer, enum: [1, 2, 3] }
"#,
        ),
    }

    ENUM_VALUE_TYPE = "spec::enum_value_type", Error {
        summary: "an `enum` of integers, numbers or booleans whose values do not match the `type`",
        explanation: "An `enum` that is not made of strings keeps the schema's type: `type: integer` \
            takes whole numbers (that fit an `i64`), `type: number` any numbers, `type: boolean` \
            `true` and `false`. The generated field is that type, the docs list the values and the \
            mock accepts only them. So the `type` must be written, be one of those three, and every \
            value must be of it; strings and other values are not mixed in one `enum`.",
        example: Example::fixed(
            r#"
models:
  Review:
    properties:
      stars: { type: integer, enum: [1, 2, 2.5] }
"#,
            r#"
models:
  Review:
    properties:
      stars: { type: number, enum: [1, 2, 2.5] }
"#,
        ),
    }

    UNIQUE_ITEMS_WITHOUT_ARRAY = "spec::unique_items_without_array", Error {
        summary: "`unique_items` on a type that is not an array",
        explanation: "`unique_items: true` says that no two items of an array are equal (a set). It \
            applies to arrays only (`type: array` with `items`); on any other type there are no \
            items to compare.",
        example: Example::fixed(
            r#"
models:
  Order:
    properties:
      tags: { type: string, unique_items: true }
"#,
            r#"
models:
  Order:
    properties:
      tags: { type: array, items: string, unique_items: true }
"#,
        ),
    }

    EMPTY_RANGE = "spec::empty_range", Error {
        summary: "a lower bound above its upper bound, so no value is valid",
        explanation: "`min_length` is greater than `max_length`, `minimum` than `maximum`, or \
            `min_items` than `max_items`. No value satisfies both bounds, so the mock would refuse every \
            request carrying the value and the contract would describe nothing a provider can send. \
            Usually the two numbers are swapped.",
        example: Example::fixed(
            r#"
models:
  Order:
    properties:
      note: { type: string, min_length: 10, max_length: 5 }
"#,
            r#"
models:
  Order:
    properties:
      note: { type: string, min_length: 5, max_length: 10 }
"#,
        ),
    }

    BAD_PATTERN = "spec::bad_pattern", Error {
        summary: "a `pattern` is not a valid regular expression",
        explanation: "A string's `pattern` does not parse as a regular expression (accord parses it \
            with the `regex-syntax` crate): an unclosed `[` or `(`, a dangling `\\`, a repetition of \
            nothing. The pattern goes into the contract, where the mock validates requests against it, \
            so it must parse; the message quotes the parser's complaint.",
        example: Example::fixed(
            r#"
models:
  Order:
    properties:
      order_id: { type: string, pattern: "^ORD-[0-9+$" }
"#,
            r#"
models:
  Order:
    properties:
      order_id: { type: string, pattern: "^ORD-[0-9]+$" }
"#,
        ),
    }

    RECURSIVE_ALIAS = "spec::recursive_alias", Error {
        summary: "a model that is only another name for itself",
        explanation: "A model whose whole definition is the name of another model (`type: Other` and no \
            properties) is an alias of it. A model defined as itself, or a loop of such aliases \
            (`A` is `B` and `B` is `A`), never reaches a real type, so there is nothing to generate; \
            give one model of the loop a definition of its own.",
        example: Example::fixed(
            r#"
models:
  OrderId: { type: Reference }
  Reference: { type: OrderId }
"#,
            r#"
models:
  OrderId: { type: Reference }
  Reference: { type: string }
"#,
        ),
    }

    MODEL_EXAMPLE_MISMATCH = "spec::model_example_mismatch", Error {
        summary: "a model's or property's example does not fit its type",
        explanation: "An `example` written on a model, a property or an inline schema is what the docs \
            show and what `accord mock` answers with; one that breaks its type (text where the type \
            says integer, a value outside the declared enum, range, length or pattern, a required \
            property left out) gave clients a mock answer they cannot decode, and a generated test \
            failed far from the spec. The example is checked against the type's JSON Schema, the one \
            the mock validates with, and the help lists every problem found.",
        example: Example::fixed(
            r#"
models:
  Order:
    required: [id, total]
    properties:
      id: { type: string, example: ord_123 }
      total: { type: integer, minimum: 0, example: "12.50" }
"#,
            r#"
models:
  Order:
    required: [id, total]
    properties:
      id: { type: string, example: ord_123 }
      total: { type: integer, minimum: 0, example: 1250 }
"#,
        ),
    }
}
