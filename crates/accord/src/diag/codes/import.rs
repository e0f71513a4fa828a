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

    REF_URL = "import::ref_url", Error {
        summary: "a `$ref` names a URL, which accord never fetches",
        explanation: "accord imports a description from the files on disk and never reaches the \
            network or a file it was not given: a `$ref` whose value has a URI scheme (`https://…`, \
            `http://…`, `file:///…`, `urn:…`) or starts with `//` is refused, wherever it stands in the \
            tree, and nothing is imported. Download what the URL names into the description's folder \
            (or a folder below it) and refer to it by a relative path such as `schemas/pet.yaml`, or \
            bundle the description into one file first (`redocly bundle`).",
        example: Example::situation(
            "`$ref: https://example.com/schemas/pet.yaml` in `paths/pets.yaml`: the message \
             \"a `$ref` to the URL `https://example.com/schemas/pet.yaml` is not followed\" at the value.",
        ),
    }

    REF_OUTSIDE = "import::ref_outside", Error {
        summary: "a `$ref` leaves the folder of the root document",
        explanation: "A multi-file description is read from the folder of its root document and the \
            folders below it, and nothing else: a relative `$ref` that climbs above that folder \
            (`../outside.yaml` from the root), an absolute path (`/etc/api.yaml`), or a path that \
            reaches a file outside through a symbolic link is refused before anything is read, so \
            that importing a description cannot read arbitrary files of the machine. Move the file \
            into the description's folder tree, or import from a root document placed higher up.",
        example: Example::situation(
            "`$ref: ../outside.yaml` in `openapi.yaml`: the message \
             \"`$ref: ../outside.yaml` leaves the folder of the root document\" at the value.",
        ),
    }

    REF_UNREADABLE = "import::ref_unreadable", Error {
        summary: "the file a `$ref` names cannot be read",
        explanation: "A relative `$ref` names something of the description's folder tree that is a \
            folder, cannot be read (its permissions), or is not UTF-8 text; or the description was \
            given as text (not as a file), so it has no folder to resolve the file in. The path is \
            resolved against the folder of the file holding the `$ref`, as RFC 3986 resolves a \
            relative reference against its base. Nothing is imported. A file that does not exist \
            is not this error: it is a dangling reference, warned, and what refers to it is \
            dropped, as for a pointer that does not resolve.",
        example: Example::situation(
            "`$ref: ./schemas` in `paths/pets.yaml` where `paths/schemas` is a folder: the message \
             \"cannot read `paths/schemas`, which `$ref: ./schemas` names: it is not a file\" at the value.",
        ),
    }

    REF_LIMIT = "import::ref_limit", Error {
        summary: "a multi-file description is larger than accord reads",
        explanation: "accord reads at most 10,000 files and 256 MiB of text for one description, and \
            copies at most 64 MiB of text where a `$ref` stands in place of an operation or a \
            description (the other referenced objects are shared, not copied). The largest public \
            descriptions are a few thousand files and under 50 MB, so a tree beyond these bounds is \
            taken for a mistake (a reference to a data folder) or for hostile input, and nothing is \
            imported.",
        example: Example::situation(
            "a tree whose 10,001st file is named by `$ref: ./generated/part-10001.yaml`: the message \"the \
             description refers to more than 10000 files\" at that `$ref`.",
        ),
    }
}
