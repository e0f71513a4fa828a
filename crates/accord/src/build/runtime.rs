//! What a build script tells its crate about `accord-runtime`. A build script cannot change
//! its own crate's dependencies (Cargo reads `Cargo.toml` before it runs), so unlike
//! `accord generate --runtime-path/--runtime-git/--runtime-version`, which write the generated
//! crate's `Cargo.toml`, [`crate::Config`] writes the dependency line the crate needs into
//! `OUT_DIR/accord-runtime.toml` (the runtime source chosen with
//! [`crate::Config::runtime`], and the runtime features the compiled specs need, each with
//! its reason, from [`crate::emit::rust::features::runtime_features`], the one place that
//! decides them), and says which features to enable in one `cargo:warning` line.

use std::collections::BTreeMap;

use crate::emit::RuntimeDependency;
use crate::ir::Ir;

/// The file [`crate::Config::compile`] writes into the output folder.
pub const FILE: &str = "accord-runtime.toml";

/// The runtime beside this accord crate: its folder when accord's sources are on disk with
/// their workspace (a path or git dependency), else this accord's version from the registry.
pub fn default_source() -> RuntimeDependency {
    let sibling = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../accord-runtime");
    match sibling.join("Cargo.toml").is_file() {
        true => RuntimeDependency::Path(sibling.canonicalize().unwrap_or(sibling).to_string_lossy().replace('\\', "/")),
        false => RuntimeDependency::Version(env!("CARGO_PKG_VERSION").to_string()),
    }
}

/// The features every one of `irs` needs, with the reason of each (the first spec's).
pub fn features<'a>(irs: impl IntoIterator<Item = &'a Ir>) -> BTreeMap<&'static str, &'static str> {
    let mut all = BTreeMap::new();
    for ir in irs {
        for (feature, reason) in crate::emit::rust::features::runtime_features(ir) {
            all.entry(feature).or_insert(reason);
        }
    }
    all
}

/// The `[dependencies]` line for `accord-runtime` with `features`, as TOML.
pub fn dependency_line(source: &RuntimeDependency, features: &BTreeMap<&'static str, &'static str>) -> String {
    let list: Vec<String> = features.keys().map(|f| serde_json::Value::from(*f).to_string()).collect();
    if list.is_empty() {
        format!("accord-runtime = {{ {} }}", source.runtime_source())
    } else {
        format!("accord-runtime = {{ {}, features = [{}] }}", source.runtime_source(), list.join(", "))
    }
}

/// The text of `OUT_DIR/accord-runtime.toml`: the dependency line, each feature's reason, and
/// the `accord-mock` line for the crate's tests.
pub fn file_text(source: &RuntimeDependency, features: &BTreeMap<&'static str, &'static str>) -> String {
    let mut text = String::from(
        "# Written by accord::Config (build.rs): the accord-runtime dependency the compiled specs need.\n\
         # Copy these lines into the crate's Cargo.toml ([dependencies], and [dev-dependencies] for the mock).\n",
    );
    for (feature, reason) in features {
        text.push_str(&format!("# {feature}: {reason}\n"));
    }
    text.push_str("[dependencies]\n");
    text.push_str(&dependency_line(source, features));
    text.push_str("\n\n[dev-dependencies]\n");
    text.push_str(&format!("accord-mock = {{ {} }}\n", source.mock_source()));
    text
}

/// The one `cargo:warning` line (without the prefix) naming the features to enable, `None`
/// when the specs need none.
pub fn warning(source: &RuntimeDependency, features: &BTreeMap<&'static str, &'static str>) -> Option<String> {
    if features.is_empty() {
        return None;
    }
    let names: Vec<&str> = features.keys().copied().collect();
    Some(format!(
        "accord: the specs need the accord-runtime features {} (enable them in Cargo.toml: `{}`; with reasons in OUT_DIR/{FILE}; silence this with Config::runtime_features_warning(false))",
        names.join(", "),
        dependency_line(source, features)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_the_source_and_the_features() {
        let mut features = BTreeMap::new();
        features.insert("webhooks", "The spec declares webhooks");
        features.insert("ed25519", "Ed25519 signatures");
        let source = RuntimeDependency::Version("0.1".into());
        assert_eq!(
            dependency_line(&source, &features),
            r#"accord-runtime = { version = "0.1", features = ["ed25519", "webhooks"] }"#
        );
        let text = file_text(&source, &features);
        assert!(text.contains("# ed25519: Ed25519 signatures\n"), "{text}");
        assert!(text.contains("accord-mock = { version = \"0.1\" }"), "{text}");
        let warning = warning(&source, &features).expect("features needed");
        assert!(
            warning.starts_with("accord: the specs need the accord-runtime features ed25519, webhooks"),
            "{warning}"
        );
        assert_eq!(super::warning(&source, &BTreeMap::new()), None);
        assert_eq!(dependency_line(&source, &BTreeMap::new()), r#"accord-runtime = { version = "0.1" }"#);
    }

    #[test]
    fn inside_this_repository_the_default_is_the_runtime_folder() {
        let RuntimeDependency::Path(path) = default_source() else { panic!("expected a path") };
        assert!(std::path::Path::new(&path).join("Cargo.toml").is_file(), "{path}");
        assert!(path.ends_with("crates/accord-runtime"), "{path}");
    }
}
