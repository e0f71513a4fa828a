//! The spec's `name` as a path: it names the crate folder (`OUT/NAME/`), the docs page
//! (`OUT/docs/src/NAME.md`), the build script's files (`OUT_DIR/NAME.rs`,
//! `NAME.contract.json`) and the package (`NAME-client`). Names that would land on another
//! output's path, that a file system cannot hold, or that become the same package as
//! another spec's are refused here, before anything is written. Pure functions.

use crate::diag::codes;
use crate::spec::Spec;

use super::Checker;

/// The longest spec name: `NAME-client` then fits crates.io's limit of 64 characters for a
/// package name, and every path made from the name (the longest component is
/// `NAME.contract.json`, 75 bytes) stays far below the 255 bytes a file name may have on
/// common file systems (ext4, APFS, NTFS).
pub const MAX_SPEC_NAME_LEN: usize = 64 - "-client".len();

/// Why `name` cannot be a spec's name, when it is reserved: another output's path, or a
/// name Windows cannot give a file (the generated tree is committed and checked out there).
pub fn reserved(name: &str) -> Option<&'static str> {
    match name {
        "docs" => Some("the docs book is written to `docs/` in the output folder"),
        "index" => Some("the docs book's index page is `docs/src/index.md`"),
        "print" | "toc" => Some("`mdbook build` makes a page of that name (`print.html`, `toc.html`) from the book"),
        "con" | "prn" | "aux" | "nul" => Some("Windows cannot make a file or folder of that name"),
        _ => {
            let device = name.strip_prefix("com").or_else(|| name.strip_prefix("lpt"));
            let numbered = device.is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit() && n != "0");
            numbered.then_some("Windows cannot make a file or folder of that name")
        }
    }
}

/// What two specs must not share to be compiled together: the client crate's package name
/// (`foo_bar` and `foo__bar` are both `foo-bar-client`, with the same library name and
/// environment variable prefix).
pub fn collision_key(name: &str) -> String {
    crate::names::crate_name(name)
}

impl Checker<'_> {
    /// The rules on the spec's `name` as a path (its spelling is checked in `top_level`).
    pub(super) fn spec_name(&mut self) {
        let Spec { name, .. } = self.spec;
        if let Some(why) = reserved(name) {
            self.report(codes::spec::RESERVED_NAME, "/name", format!("the spec name `{name}` is reserved: {why}"))
                .help = Some(format!("choose another name, e.g. `{name}_api`, and rename the file to match"));
        }
        if name.len() > MAX_SPEC_NAME_LEN {
            self.report(
                codes::spec::NAME_TOO_LONG,
                "/name",
                format!("the spec name is {} characters long; at most {MAX_SPEC_NAME_LEN} fit", name.len()),
            )
            .help = Some("the name becomes folder, file and package names: choose a short one, e.g. `orders`".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_and_collision_keys() {
        for name in ["docs", "index", "print", "toc", "con", "nul", "com1", "lpt9"] {
            assert!(reserved(name).is_some(), "{name}");
        }
        for name in ["orders", "docs_api", "indexer", "com", "com0", "com10", "console"] {
            assert_eq!(reserved(name), None, "{name}");
        }
        assert_eq!(collision_key("foo_bar"), collision_key("foo__bar"));
        assert_eq!(collision_key("foo_bar"), collision_key("foo_bar_"));
        assert_ne!(collision_key("foo_bar"), collision_key("foobar"));
        assert_eq!(MAX_SPEC_NAME_LEN, 57);
    }
}
