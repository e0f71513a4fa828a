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
}
