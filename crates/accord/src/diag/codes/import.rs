//! `import::*`: a document given to `accord import` is not one accord can import (found by
//! `import::openapi`). Its YAML is read by `spec::yaml`, so YAML problems keep their `yaml::*`
//! codes.

use super::Example;

codes! {
    INVALID_JSON = "import::invalid_json", Error {
        summary: "the document looks like JSON but is not valid JSON",
        explanation: "An OpenAPI document that starts with `{` is read as JSON, and when it is not \
            valid JSON (and not valid YAML either, which JSON mostly is) the JSON parser's complaint is \
            the useful one: a missing comma, a key without quotes where YAML would not take it either, a \
            string cut short, or a file that ends early. The location is where the JSON parser stopped, \
            which is at the mistake or just after it. Nothing is imported.",
        example: Example::situation(
            "`accord import openapi api.json` where the comma after `\"openapi\": \"3.1.0\"` is missing: \
             `invalid JSON: expected `,` or `}`` at the key on the next line.",
        ),
    }

    NOT_OPENAPI = "import::not_openapi", Error {
        summary: "the document is not Swagger 2.0, OpenAPI 3.0 or 3.1",
        explanation: "accord imports OpenAPI 3.0.x and 3.1.x documents, which say so in a top-level \
            `openapi` field (`openapi: 3.1.0`), and Swagger 2.0 documents (`swagger: \"2.0\"`), which \
            it converts to the OpenAPI 3.0 shape first. The document read has no such field, or another \
            version in it (`swagger: \"1.2\"`, `openapi: 4.0.0`). Convert an older Swagger document to \
            OpenAPI 3 first, for example with the Swagger Editor, then import the result.",
        example: Example::situation(
            "`accord import openapi api.json` on a document with `swagger: \"1.2\"`: `` `swagger: 1.2` is \
             not a version accord imports`` at the `swagger` key.",
        ),
    }

    OUTPUT_NAME = "import::output_name", Error {
        summary: "the output file's name is not a spec name",
        explanation: "A spec is named after its file (`check` wants `name` to equal the file name, \
            `spec::name_mismatch`), and spec names are snake_case: lowercase letters, digits and single \
            underscores, starting with a letter, at most 57 bytes, since they become a crate, a module \
            and environment variable prefixes. `accord import openapi api.json -o Bad-Name.yaml` would \
            write a spec that `check` then refuses, so nothing is written and the message names the file \
            to write to instead. Without `-o`, the name is derived from `info.title`.",
        example: Example::situation(
            "`accord import openapi api.json -o Bad-Name.yaml`: `the output file's name `Bad-Name` is not a \
             spec name`, with the help `write to `bad_name.yaml``.",
        ),
    }
}
