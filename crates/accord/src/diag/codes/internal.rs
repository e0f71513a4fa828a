//! `internal::*`: accord itself is broken; no spec can cause these.

use super::Example;

codes! {
    SCHEMA = "internal::schema", Error {
        summary: "accord's own JSON Schema does not compile",
        explanation: "The JSON Schema that accord derives from its spec types could not be compiled by \
            the validator, so no spec can be checked. No spec text causes this: it is a bug in accord \
            (a spec type whose derived schema the validator refuses), and every spec fails with it \
            until accord is fixed.",
        example: Example::situation(
            "Any spec, after a change to `spec::types` that derives a schema the `jsonschema` crate \
             refuses. Report it with the accord version.",
        ),
    }

    IMPORT_PRINT = "internal::import_print", Error {
        summary: "an imported spec could not be printed",
        explanation: "`accord import` builds a typed spec and prints it as YAML through its JSON value. \
            The spec types have string keys and derived serialisation only, so this cannot fail for any \
            document: if it does, it is a bug in accord (a spec type whose serialisation was changed to \
            one that can fail), and the message carries serde's reason.",
        example: Example::situation(
            "Any OpenAPI document, after a change to `spec::types` adds a map with non-string keys. \
             Report it with the accord version and the document.",
        ),
    }
}
