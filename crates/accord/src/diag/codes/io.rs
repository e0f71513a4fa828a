//! `io::*`: a spec file could not be read (found by `project::compile_specs`).

use super::Example;

codes! {
    READ = "io::read", Error {
        summary: "a spec file cannot be read",
        explanation: "A file listed as a spec (given by path, or a `*.yaml`/`*.yml` file of the folder \
            given) could not be read as text: it was removed meanwhile, its permissions forbid reading \
            it, or it is not UTF-8. The message carries the operating system's reason. The other specs \
            are still checked, but nothing is written while one spec fails.",
        example: Example::situation(
            "`accord check specs/` while `specs/orders.yaml` is saved in UTF-16 by an editor: `cannot read \
             the spec: stream did not contain valid UTF-8`. Save the file as UTF-8.",
        ),
    }
}
