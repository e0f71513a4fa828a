//! What of a spec with schema errors can still be checked: the value with each node the
//! schema refused cut out (and, where cutting a node leaves its parent incomplete, the parent
//! too), parsed again, so that `check` reports the semantic problems of the rest in the same
//! run (issue 16, point 7: an unknown key used to hide every semantic error of the file).
//!
//! The regions cut out are returned too: a semantic diagnostic inside one of them, or naming
//! a node that was cut, would be about the spec as the cut left it, not as written, so the
//! driver drops those.

use serde_json::Value;

use super::Spec;
use crate::diag::Diagnostic;

/// Most nodes cut before giving up.
const MAX_CUTS: usize = 64;

/// A spec without the nodes the schema refused, and the pointers of the regions cut out;
/// `None` when nothing checkable is left (a required top-level key was refused).
pub fn partial(value: &Value, schema_diagnostics: &[Diagnostic]) -> Option<(Spec, Vec<String>)> {
    let mut pruned = value.clone();
    let mut regions = Vec::new();
    for diagnostic in schema_diagnostics {
        let pointer = diagnostic.pointer.as_str();
        let parent = parent(pointer)?;
        cut(&mut pruned, pointer);
        regions.push(parent.to_string());
    }
    for _ in 0..MAX_CUTS {
        match serde_path_to_error::deserialize::<_, Spec>(&pruned) {
            Ok(spec) => return Some((spec, regions)),
            Err(error) => {
                let pointer = super::path_to_pointer(&error.path().to_string());
                // A refused value is cut; if that leaves it missing, its parent next time.
                let target = if pointer_exists(&pruned, &pointer) { pointer } else { parent(&pointer)?.to_string() };
                if segments(&target) < 2 {
                    return None;
                }
                cut(&mut pruned, &target);
                regions.push(target);
            }
        }
    }
    None
}

fn segments(pointer: &str) -> usize {
    pointer.split('/').skip(1).count()
}

/// The parent of a pointer of depth 2 or more (`/endpoints/ping/colour` → `/endpoints/ping`);
/// `None` for a top-level key, whose section cannot be cut.
fn parent(pointer: &str) -> Option<&str> {
    if segments(pointer) < 2 {
        return None;
    }
    pointer.rfind('/').map(|at| &pointer[..at])
}

fn pointer_exists(value: &Value, pointer: &str) -> bool {
    value.pointer(pointer).is_some()
}

/// Removes the node at `pointer` (an object's key or an array's item).
fn cut(value: &mut Value, pointer: &str) {
    let Some(at) = pointer.rfind('/') else { return };
    let key = pointer[at + 1..].replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(&pointer[..at]) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = key.parse::<usize>()
                && index < items.len()
            {
                items.remove(index);
            }
        }
        _ => {}
    }
}

/// Whether a semantic diagnostic holds for the spec as written: not inside a region that was
/// cut, and not naming a node that was cut (a reference to a cut model or endpoint).
pub fn independent(diagnostic: &Diagnostic, regions: &[String]) -> bool {
    regions.iter().all(|region| {
        let inside = diagnostic.pointer == *region || diagnostic.pointer.starts_with(&format!("{region}/"));
        let name = region.rsplit('/').next().unwrap_or_default().replace("~1", "/").replace("~0", "~");
        !inside && !diagnostic.message.contains(&format!("`{name}`"))
    })
}

/// [`partial`] of a spec's text whose loading stopped at the schema stage (every diagnostic a
/// `schema::*` one); `None` otherwise, or when nothing checkable is left.
pub fn from_source(source: &str, diagnostics: &[Diagnostic]) -> Option<(Spec, Vec<String>)> {
    if diagnostics.is_empty() || !diagnostics.iter().all(|d| d.code.name().starts_with("schema::")) {
        return None;
    }
    let (value, _) = super::yaml::parse(source).ok()?;
    if !value.is_object() {
        return None;
    }
    partial(&value, diagnostics)
}
