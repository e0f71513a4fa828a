//! `io::*`: a spec file could not be read (found by `project::compile_specs`).

use super::Example;

codes! {
    READ = "io::read", Error {
        summary: "a spec file cannot be read",
        explanation: "A file listed as a spec (given by path, or a `*.yaml`/`*.yml` file of the folder \
            given) could not be read: it was removed meanwhile, its permissions forbid reading it, or it \
            is a folder. The message carries the operating system's reason. The other specs are still \
            checked, but nothing is written while one spec fails.",
        example: Example::situation(
            "`accord check specs/orders.yaml` after the file was moved away: `cannot read the file: No such \
             file or directory (os error 2)`.",
        ),
    }

    ENCODING = "io::encoding", Error {
        summary: "a file is not UTF-8 text",
        explanation: "Specs (and the OpenAPI documents `accord import` reads) are UTF-8 text, as YAML \
            and JSON expect. The file has a byte sequence that is not UTF-8, usually because an editor \
            saved it in another encoding: UTF-16 (it then starts with a byte order mark), or Latin-1 or \
            Windows-1252, where `é` is the single byte `0xE9`. The diagnostic names the first such \
            byte by its offset from the start of the file and by line and column. Save the file as \
            UTF-8; the other specs are still checked, but nothing is written while one fails.",
        example: Example::situation(
            "`specs/latin.yaml` saved in Latin-1, its third line `title: Café`: `the file is not UTF-8: \
             byte 32 (0xE9) does not start a character` at 3:11.",
        ),
    }
}
