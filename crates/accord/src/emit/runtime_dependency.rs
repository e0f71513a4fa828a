//! Where a generated crate finds `accord-runtime` (its contract tests `accord-mock`, a large
//! API's models crate `accord-model`): a path, a git repository or a registry version, as
//! Cargo's dependency specifications allow (The Cargo Book, "Specifying Dependencies": `path`,
//! `git` with `branch`/`tag`/`rev`, `version`). `accord generate` takes it from
//! `--runtime-path`, `--runtime-git` (with `--runtime-branch`, `--runtime-tag` or
//! `--runtime-rev`) or `--runtime-version`.

/// A git reference of a [`RuntimeDependency::Git`] source (Cargo's `branch`, `tag`, `rev`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitReference {
    /// A branch (`branch = "main"`).
    Branch(String),
    /// A tag (`tag = "v0.1.0"`).
    Tag(String),
    /// A commit or other revision (`rev = "4c59b707"`).
    Rev(String),
}

/// Where the generated `Cargo.toml` takes `accord-runtime` from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// The folder of the `accord-runtime` crate, relative to the generated crate's folder
    /// (`../../crates/accord-runtime`, the default inside accord's own repository) or
    /// absolute. `accord-mock` is taken from its sibling folder `../accord-mock`.
    Path(String),
    /// A git repository holding accord's workspace (Cargo finds both crates in it by name),
    /// at the default branch or at `reference`.
    Git {
        /// Repository URL (`https://github.com/…/accord`).
        url: String,
        /// Branch, tag or revision; the default branch when `None`.
        reference: Option<GitReference>,
    },
    /// A version requirement (`0.1`) of both crates from the default registry.
    Version(String),
}

impl Default for RuntimeDependency {
    fn default() -> Self {
        RuntimeDependency::Path("../../crates/accord-runtime".to_string())
    }
}

impl RuntimeDependency {
    /// The source keys of an inline dependency table for `accord-runtime`, TOML-escaped
    /// (`path = "../../crates/accord-runtime"`, `git = "…", tag = "v0.1.0"`, `version = "0.1"`).
    pub fn runtime_source(&self) -> String {
        self.source(None)
    }

    /// The same for `accord-mock`, which the contract tests dev-depend on.
    pub fn mock_source(&self) -> String {
        self.source(Some("accord-mock"))
    }

    /// The same for `accord-model`, which a models crate of its own depends on (a large API's;
    /// `rust::models_crate`): beside the runtime in its repository and on crates.io. That crate
    /// is the client crate's `models/` folder, so a relative path gets one more `../`.
    pub fn model_source(&self) -> String {
        match self {
            RuntimeDependency::Path(path) if !std::path::Path::new(path).is_absolute() => {
                format!("path = {}", toml_string(&format!("../{path}/../accord-model")))
            }
            _ => self.source(Some("accord-model")),
        }
    }

    /// Where the runtime, or the crate `sibling` beside it, comes from.
    fn source(&self, sibling: Option<&str>) -> String {
        match self {
            RuntimeDependency::Path(path) => {
                let path = match sibling {
                    Some(sibling) => format!("{path}/../{sibling}"),
                    None => path.clone(),
                };
                format!("path = {}", toml_string(&path))
            }
            RuntimeDependency::Git { url, reference } => {
                let mut text = format!("git = {}", toml_string(url));
                match reference {
                    Some(GitReference::Branch(branch)) => text.push_str(&format!(", branch = {}", toml_string(branch))),
                    Some(GitReference::Tag(tag)) => text.push_str(&format!(", tag = {}", toml_string(tag))),
                    Some(GitReference::Rev(rev)) => text.push_str(&format!(", rev = {}", toml_string(rev))),
                    None => {}
                }
                text
            }
            RuntimeDependency::Version(version) => format!("version = {}", toml_string(version)),
        }
    }
}

/// `text` as a TOML basic string: JSON's string escapes are TOML's (TOML 1.0, "String").
fn toml_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_writes_cargo_source_keys() {
        let path = RuntimeDependency::Path("/opt/accord/crates/accord-runtime".into());
        assert_eq!(path.runtime_source(), r#"path = "/opt/accord/crates/accord-runtime""#);
        assert_eq!(path.mock_source(), r#"path = "/opt/accord/crates/accord-runtime/../accord-mock""#);
        assert_eq!(path.model_source(), r#"path = "/opt/accord/crates/accord-runtime/../accord-model""#);
        // The models crate is one folder deeper than the client crate a relative path is from.
        let relative = RuntimeDependency::default();
        assert_eq!(relative.model_source(), r#"path = "../../../crates/accord-runtime/../accord-model""#);
        let git = RuntimeDependency::Git {
            url: "https://example.com/accord.git".into(),
            reference: Some(GitReference::Tag("v0.1.0".into())),
        };
        assert_eq!(git.runtime_source(), r#"git = "https://example.com/accord.git", tag = "v0.1.0""#);
        assert_eq!(git.mock_source(), git.runtime_source());
        assert_eq!(git.model_source(), git.runtime_source());
        let version = RuntimeDependency::Version("0.1".into());
        assert_eq!(version.runtime_source(), r#"version = "0.1""#);
        // A quote in a path cannot break the manifest.
        assert_eq!(RuntimeDependency::Path(r#"a"b\c"#.into()).runtime_source(), r#"path = "a\"b\\c""#);
    }
}
