//! Sharing identical hoisted inline types: one Rust type for each distinct shape.

use super::*;

impl Lowerer<'_> {
    /// Inline schemas hoisted into types are often written out again and again with the same
    /// shape (Stripe repeats its `expand` lists, status enums and address objects hundreds of
    /// times). A hoisted type whose shape (fields or values, their wire names, types,
    /// presence and constraints; not its name, docs or examples) equals an earlier type's, or
    /// a declared model's, becomes an alias of it: the same Rust type, written once, which
    /// halved the Stripe client's `cargo check` time in measurement. Declared models keep their
    /// own definitions. Shapes are compared to a fixpoint, so types that differ only in which
    /// of two identical types they refer to are shared as well.
    pub(super) fn share_identical_inline_types(&mut self) {
        // Types, the skeletons' texts and the names they refer to as indices: each round
        // compares short lists of numbers, not texts (on Stripe's thousands of types the text
        // comparisons of a map keyed by them were a tenth of lowering).
        let index: rustc_hash::FxHashMap<&str, usize> =
            self.types.iter().enumerate().map(|(at, t)| (t.name.as_str(), at)).collect();
        let mut representative: Vec<usize> = (0..self.types.len()).collect();
        // Declared models first, so that a hoisted type joins a model's shape.
        let order: Vec<usize> = (0..self.types.len())
            .filter(|&at| self.types[at].is_model)
            .chain((0..self.types.len()).filter(|&at| !self.types[at].is_model))
            .collect();
        // Each type's shape without the names it refers to is the same in every round: made
        // once (it serialises the kind, which on Stripe was a sixth of generation when done
        // per type and round), then joined with the current representatives of its names.
        // Made on every core for a large spec (≈ 12 ms of Stripe's lowering on one), with its
        // text's hash and its names' indices, so that numbering the texts below, on one core,
        // hashes no text (≈ 11 ms of Stripe's under perf when it did; issue 22).
        let threads = if order.len() >= PARALLEL_MIN_TYPES { crate::parallel::available_threads() } else { 1 };
        let types = &self.types;
        let index = &index;
        // SipHash with a random key: a spec's texts cannot be written to collide.
        let state = std::hash::RandomState::new();
        let skeletons: Vec<(Skeleton, u64, Vec<Option<usize>>)> =
            crate::parallel::map_in_order(order.len(), threads, |at| {
                let skeleton = Skeleton::of(&types[order[at]].kind);
                let hash = std::hash::BuildHasher::hash_one(&state, skeleton.text.as_str());
                let names = skeleton.names.iter().map(|name| index.get(name.as_str()).copied()).collect();
                (skeleton, hash, names)
            });
        // Texts numbered in order of first appearance: by hash, then compared whole (the keys
        // are hashes already, so the map hashes them cheaply).
        let mut texts: rustc_hash::FxHashMap<u64, Vec<(&str, usize)>> = rustc_hash::FxHashMap::default();
        let mut distinct = 0;
        // A name that is no type's stays itself: numbered after the types, one number per name.
        let mut others: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let interned: Vec<(usize, Vec<usize>)> = skeletons
            .iter()
            .map(|(skeleton, hash, found)| {
                let same_hash = texts.entry(*hash).or_default();
                let text = match same_hash.iter().find(|(text, _)| *text == skeleton.text) {
                    Some(&(_, number)) => number,
                    None => {
                        same_hash.push((&skeleton.text, distinct));
                        distinct += 1;
                        distinct - 1
                    }
                };
                let names = skeleton
                    .names
                    .iter()
                    .zip(found)
                    .map(|(name, found)| match found {
                        Some(at) => *at,
                        None => {
                            let next = self.types.len() + others.len();
                            *others.entry(name.as_str()).or_insert(next)
                        }
                    })
                    .collect();
                (text, names)
            })
            .collect();
        let current = |representative: &[usize], at: usize| representative.get(at).copied().unwrap_or(at);
        for _ in 0..8 {
            let mut first_of_shape: rustc_hash::FxHashMap<(usize, Vec<usize>), usize> =
                rustc_hash::FxHashMap::default();
            let mut next = representative.clone();
            for (&at, (text, names)) in order.iter().zip(&interned) {
                let shape = (*text, names.iter().map(|&name| current(&representative, name)).collect());
                match first_of_shape.get(&shape) {
                    Some(&canonical) if !self.types[at].is_model => next[at] = canonical,
                    Some(_) => {}
                    None => {
                        first_of_shape.insert(shape, at);
                    }
                }
            }
            if next == representative {
                break;
            }
            representative = next;
        }
        let canonical: Vec<String> = representative.iter().map(|&at| self.types[at].name.clone()).collect();
        for (def, canonical) in self.types.iter_mut().zip(canonical) {
            if canonical != def.name && !def.is_model {
                def.kind = TypeKind::Alias {
                    target: TypeExpr::Named(TypeId::named(canonical)),
                    constraints: Constraints::default(),
                };
            }
        }
    }
}
/// The fewest types whose skeletons are made on several threads: below it a thread costs
/// more than it saves.
const PARALLEL_MIN_TYPES: usize = 256;

/// What decides whether two types are the same Rust type: their kind as JSON without names
/// of their own, docs, examples or source spans, with referenced types replaced by their
/// current representatives. The lowering compares [`Skeleton::key`]s, which are equal exactly
/// when these are (the tests check it on every spec).
#[cfg(test)]
fn shape_key(kind: &TypeKind, representative: &BTreeMap<String, String>) -> String {
    let mut value = serde_json::to_value(kind).unwrap_or(Value::Null);
    strip(&mut value, &mut |name| {
        if let Some(canonical) = representative.get(name.as_str()) {
            *name = canonical.clone();
        }
    });
    value.to_string()
}

/// The kind as JSON without docs, examples or spans; `named` calls `on_name` with the name of
/// every referenced type (an object `{"kind": "named", "of": NAME}`), which it may replace.
/// The reference [`Skeleton::of`] is checked against: it writes the same text in one pass
/// ([`super::shape_json`]).
#[cfg(test)]
fn strip(value: &mut Value, on_name: &mut impl FnMut(&mut String)) {
    match value {
        Value::Object(object) => {
            for key in ["span", "description", "example"] {
                object.remove(key);
            }
            if object.get("kind").and_then(Value::as_str) == Some("named")
                && let Some(Value::String(name)) = object.get_mut("of")
            {
                on_name(name);
            }
            object.values_mut().for_each(|v| strip(v, on_name));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| strip(v, on_name)),
        _ => {}
    }
}

/// A type's shape with the names it refers to taken out: its [`shape_key`] with every
/// referenced name written as the same placeholder, and those names in order. Two kinds have
/// the same `shape_key` exactly when their skeletons' texts are equal and their names map to
/// the same representatives in order (the text fixes where the references are, so the
/// placeholder cannot be mistaken for a name).
struct Skeleton {
    text: String,
    names: Vec<String>,
}

impl Skeleton {
    fn of(kind: &TypeKind) -> Skeleton {
        let (text, names) = super::shape_json::shape_json(kind);
        Skeleton { text, names }
    }

    /// The shape under the current representatives (a name without one stays as it is): what
    /// `share_identical_inline_types` compares, as numbers.
    #[cfg(test)]
    fn key<'a>(&'a self, representative: &'a BTreeMap<String, String>) -> (&'a str, Vec<&'a str>) {
        let names =
            self.names.iter().map(|name| representative.get(name).map_or(name.as_str(), String::as_str)).collect();
        (&self.text, names)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The skeletons decide sameness exactly as the shape keys do: on every pair of types of
    /// every spec, with each type its own representative and with all of them sharing one.
    #[test]
    fn skeleton_keys_are_equal_exactly_when_shape_keys_are() {
        let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
        let mut compared = 0;
        for path in crate::project::spec_files(&specs).expect("the specs folder") {
            let source = std::fs::read_to_string(&path).expect("a spec");
            let ir = crate::project::compile_spec(&path, &source).expect("the spec compiles").ir;
            let own: BTreeMap<String, String> = ir.types.iter().map(|t| (t.name.clone(), t.name.clone())).collect();
            let one: BTreeMap<String, String> = ir.types.iter().map(|t| (t.name.clone(), "One".to_string())).collect();
            for representative in [&own, &one] {
                let skeletons: Vec<Skeleton> = ir.types.iter().map(|t| Skeleton::of(&t.kind)).collect();
                let keys: Vec<String> = ir.types.iter().map(|t| shape_key(&t.kind, representative)).collect();
                for a in 0..ir.types.len() {
                    for b in a..ir.types.len() {
                        assert_eq!(
                            skeletons[a].key(representative) == skeletons[b].key(representative),
                            keys[a] == keys[b],
                            "{} and {} in {}",
                            ir.types[a].name,
                            ir.types[b].name,
                            path.display()
                        );
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 1000, "{compared} pairs");
    }

    /// The one-pass shape is the JSON and the names the value tree gave, on every type of
    /// every spec.
    #[test]
    fn the_one_pass_shape_is_the_stripped_value_tree() {
        let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
        let mut types = 0;
        for path in crate::project::spec_files(&specs).expect("the specs folder") {
            let source = std::fs::read_to_string(&path).expect("a spec");
            let ir = crate::project::compile_spec(&path, &source).expect("the spec compiles").ir;
            for def in &ir.types {
                let mut value = serde_json::to_value(&def.kind).unwrap_or(Value::Null);
                let mut names = Vec::new();
                strip(&mut value, &mut |name| names.push(std::mem::take(name)));
                let skeleton = Skeleton::of(&def.kind);
                // The same object, keys apart: removing a key from the tree moved the last
                // key into its place (`IndexMap::remove` is a swap), the one pass keeps
                // declaration order.
                let written: Value = serde_json::from_str(&skeleton.text).expect("the shape is JSON");
                assert_eq!(written, value, "{} in {}", def.name, path.display());
                assert_eq!(skeleton.names, names, "{} in {}", def.name, path.display());
                types += 1;
            }
        }
        assert!(types > 100, "{types} types");
    }
}
