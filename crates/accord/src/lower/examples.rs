//! Example values: synthesised for every type without a declared one, consistent with the
//! declared constraints, and merged with what scenarios give.
//!
//! Synthesis is bounded by a node budget, since a spec chooses how wide and deep its types
//! are: twelve models of twelve required fields, each field the next model, stand for 12^9
//! nodes (the unbounded synthesis took 5.7 GB in 30 s before it was stopped), and
//! `min_length: 4000000000` for a string that long. An example that would pass
//! [`MAX_EXAMPLE_NODES`] keeps what it has, with a null (one per level of nesting) where the
//! budget ran out, and leaves out the fields after it; the largest example synthesised for the corpus (GitHub's REST API, imported)
//! has 406 nodes.

use super::*;

/// The most JSON values (objects, arrays, scalars) one synthesised example may hold, plus a
/// null per level of nesting where it ran out.
pub const MAX_EXAMPLE_NODES: usize = 10_000;

/// The most JSON values all synthesised examples of one spec may hold together (the examples
/// of every type, response, error code, webhook event and scenario step). The imported
/// GitHub and Stripe documents need 13,455 and 20,787.
pub const MAX_SPEC_EXAMPLE_NODES: usize = 1_000_000;

/// The most characters a string is padded to for `min_length`; a longer minimum gets an
/// example that is too short.
pub const MAX_EXAMPLE_TEXT: u64 = 64 * 1024;

/// What an example may still spend, in nodes.
struct Budget {
    nodes: usize,
}

impl Budget {
    /// Spends what a copy of `value` costs; `false` (and nothing left) when that is more
    /// than is left. Counts no further than what is left.
    fn copy(&mut self, value: &Value) -> bool {
        let mut count = 0usize;
        let mut stack = vec![value];
        while let Some(value) = stack.pop() {
            count += 1;
            if count > self.nodes {
                self.nodes = 0;
                return false;
            }
            match value {
                Value::Array(items) => stack.extend(items),
                Value::Object(object) => stack.extend(object.values()),
                _ => {}
            }
        }
        self.nodes -= count;
        true
    }

    /// Spends `nodes`; `false` (and nothing left) when fewer are left.
    fn spend(&mut self, nodes: usize) -> bool {
        match self.nodes.checked_sub(nodes) {
            Some(left) => {
                self.nodes = left;
                true
            }
            None => {
                self.nodes = 0;
                false
            }
        }
    }
}

impl Lowerer<'_> {
    /// Runs `synthesise` with what is left of the spec's budget, at most one example's.
    fn within_budget<T>(&self, synthesise: impl FnOnce(&mut Budget) -> T) -> T {
        let left = self.example_nodes.get();
        let mut budget = Budget { nodes: left.min(MAX_EXAMPLE_NODES) };
        let granted = budget.nodes;
        let result = synthesise(&mut budget);
        self.example_nodes.set(left - (granted - budget.nodes));
        result
    }

    /// Gives every type without a declared example a synthesised one, in type order: a type's
    /// synthesis copies the examples of the types before it (declared or synthesised) and
    /// synthesises those of the types after it anew. On up to `threads` threads for a large
    /// spec ([`Lowerer::fill_examples_on_threads`]); the result does not depend on it.
    pub(super) fn fill_examples(&mut self, threads: usize) {
        if threads > 1
            && self.types.len() >= crate::parallel::LARGE_SPEC_ITEMS
            && self.fill_examples_on_threads(threads)
        {
            return;
        }
        for index in 0..self.types.len() {
            if self.types[index].example.is_null() {
                let example = self.sample(&TypeExpr::Named(TypeId::named(self.types[index].name.clone())), 0);
                self.types[index].example = example;
            }
        }
    }

    /// `sample(ty, 0)` of each of `types` (`None` where there is none), as made one after the
    /// other in this order: on up to `threads` threads when there are many, each given a whole
    /// example's budget, which is what each is given one after the other while the spec's
    /// budget has that much left. When the samples together leave less than that, they are made
    /// again one after the other (so the budget runs out where it would have). The responses'
    /// examples of Stripe's 468 operations were made on one thread while the other waited
    /// (issue 22).
    pub(super) fn samples(&self, types: &[Option<&TypeExpr>], threads: usize) -> Vec<Option<Value>> {
        if threads > 1 && types.len() >= crate::parallel::LARGE_SPEC_ITEMS {
            let left = self.example_nodes.get();
            let made: Vec<Option<(Value, usize)>> = self.synth(|synth| {
                crate::parallel::map_in_order(types.len(), threads, |index| {
                    types[index].map(|ty| {
                        let mut budget = Budget { nodes: MAX_EXAMPLE_NODES };
                        let value = synth.sample_within(ty, 0, &mut budget);
                        (value, MAX_EXAMPLE_NODES - budget.nodes)
                    })
                })
            });
            let used = made.iter().flatten().fold(0usize, |sum, (_, used)| sum.saturating_add(*used));
            if left >= used.saturating_add(MAX_EXAMPLE_NODES) {
                self.example_nodes.set(left - used);
                return made.into_iter().map(|made| made.map(|(value, _)| value)).collect();
            }
        }
        types.iter().map(|ty| ty.map(|ty| self.sample(ty, 0))).collect()
    }

    /// [`Lowerer::fill_examples`] with the types taken in order by `threads` threads, each type's
    /// example made once ([`Filled`]): the type a synthesis reaches before its own is read as
    /// it was filled, or waited for while another thread fills it. Each example is granted a
    /// whole example's budget, as the one after the other would be while the spec's budget
    /// has that much left: when the examples together leave less than that, `false`, nothing
    /// changed, and the caller fills them one after the other (so the budget runs out where
    /// it would have). Stripe's 2,041 types took ≈ 20 ms (perf) of one thread while the other
    /// waited (issue 22).
    fn fill_examples_on_threads(&mut self, threads: usize) -> bool {
        let _ = self.type_named(""); // The index brought up to date.
        let left = self.example_nodes.get();
        let examples: Vec<std::sync::OnceLock<Value>> = (0..self.types.len()).map(|_| Default::default()).collect();
        let used = std::sync::atomic::AtomicUsize::new(0);
        {
            let index = self.type_index.borrow();
            let filled = Filled { examples: &examples, used: &used };
            // The type being filled is given per call below; the 0 here is not read.
            let synth = Synth { types: &self.types, index: &index, filled: Some((&filled, 0)) };
            crate::parallel::map_in_order(self.types.len(), threads, |position| {
                if self.types[position].example.is_null() {
                    // Its example as the type after it sees it: filled, made now unless a
                    // thread made it already.
                    let _ = synth.example_of(position + 1, position);
                }
            });
        }
        let used = used.into_inner();
        if left < used.saturating_add(MAX_EXAMPLE_NODES) {
            return false;
        }
        for (def, example) in self.types.iter_mut().zip(examples) {
            if let Some(example) = example.into_inner() {
                def.example = example;
            }
        }
        self.example_nodes.set(left - used);
        #[cfg(test)]
        FILLED_ON_THREADS.with(|filled| filled.set(filled.get() + 1));
        true
    }

    /// A JSON value valid for `ty`: declared examples first, then values that satisfy the
    /// declared constraints; at most [`MAX_EXAMPLE_NODES`] values.
    pub(super) fn sample(&self, ty: &TypeExpr, depth: usize) -> Value {
        self.within_budget(|budget| self.synth(|synth| synth.sample_within(ty, depth, budget)))
    }

    /// `read` given what example synthesis reads of the types, the index brought up to date.
    fn synth<T>(&self, read: impl FnOnce(&Synth<'_>) -> T) -> T {
        let _ = self.type_named("");
        let index = self.type_index.borrow();
        read(&Synth { types: &self.types, index: &index, filled: None })
    }
    /// The first type called `name`. `types` only grows, so the index catches up with what
    /// was pushed since the last lookup.
    pub(super) fn type_named(&self, name: &str) -> Option<&TypeDef> {
        let mut index = self.type_index.borrow_mut();
        let start = index.indexed;
        for (position, def) in self.types.iter().enumerate().skip(start) {
            index.positions.entry(def.name.clone()).or_insert(position);
            if let TypeKind::Struct { fields, .. } = &def.kind {
                for field in fields.iter().filter(|f| f.ty == TypeExpr::String) {
                    if let Some(example @ Value::String(_)) = &field.example {
                        index.field_examples.entry(field.wire_name.clone()).or_insert_with(|| example.clone());
                    }
                }
            }
        }
        index.indexed = self.types.len();
        index.positions.get(name).map(|&position| &self.types[position])
    }
}

#[cfg(test)]
thread_local! {
    /// How many times [`Lowerer::fill_examples_on_threads`] kept what the threads made, on
    /// the thread that called it.
    pub(super) static FILLED_ON_THREADS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The examples [`Lowerer::fill_examples_on_threads`] makes, each once, and the nodes they took.
struct Filled<'f> {
    examples: &'f [std::sync::OnceLock<Value>],
    used: &'f std::sync::atomic::AtomicUsize,
}

/// What example synthesis reads: the types and their index, and, while the types' examples
/// are filled ([`Lowerer::fill_examples_on_threads`]), those filled so far and the position of
/// the type being filled (the types before it have theirs). Shared by threads: nothing here
/// changes but the examples made once.
pub(super) struct Synth<'t> {
    types: &'t [TypeDef],
    index: &'t TypeIndex,
    filled: Option<(&'t Filled<'t>, usize)>,
}

impl<'t> Synth<'t> {
    /// The first type called `name` ([`Lowerer::type_named`] on an index up to date).
    pub(super) fn type_named(&self, name: &str) -> Option<(usize, &'t TypeDef)> {
        self.index.positions.get(name).map(|&position| (position, &self.types[position]))
    }

    /// The example of the type at `position` as the synthesis of the type at `current` sees
    /// it: filled for a type before it, else as declared (null for none).
    fn example_of(&self, current: usize, position: usize) -> &'t Value {
        let declared = &self.types[position].example;
        match self.filled {
            Some((filled, _)) if position < current && declared.is_null() => {
                filled.examples[position].get_or_init(|| {
                    let synth = Synth { filled: Some((filled, position)), ..*self };
                    let mut budget = Budget { nodes: MAX_EXAMPLE_NODES };
                    let ty = TypeExpr::Named(TypeId::named(self.types[position].name.clone()));
                    let example = synth.sample_within(&ty, 0, &mut budget);
                    filled.used.fetch_add(MAX_EXAMPLE_NODES - budget.nodes, std::sync::atomic::Ordering::Relaxed);
                    example
                })
            }
            _ => declared,
        }
    }

    /// The example another model declares for a text field called `wire_name`, so that one
    /// value names one thing across the examples of a spec.
    fn field_example_elsewhere(&self, wire_name: &str) -> Option<Value> {
        self.index.field_examples.get(wire_name).cloned()
    }

    fn sample_within(&self, ty: &TypeExpr, depth: usize, budget: &mut Budget) -> Value {
        if !budget.spend(1) {
            return Value::Null;
        }
        match ty {
            TypeExpr::String => json!(super::example_shapes::PLACEHOLDER_TEXT),
            TypeExpr::Integer | TypeExpr::Integer32 => json!(1),
            TypeExpr::Number => json!(1.5),
            TypeExpr::Decimal => json!(29.99),
            TypeExpr::Boolean => json!(true),
            TypeExpr::Any => json!({}),
            TypeExpr::DateTime => json!("2024-01-15T10:30:00Z"),
            TypeExpr::Uri => json!("https://example.com/"),
            TypeExpr::Uuid => json!("6f1c2d9e-8a4b-4c3d-9e2f-1a2b3c4d5e6f"),
            // Valid as a file's text in a scenario and as base64 ("hello") in JSON.
            TypeExpr::Binary => json!("aGVsbG8="),
            TypeExpr::Array(inner) => {
                if depth > 6 {
                    json!([])
                } else {
                    json!([self.sample_within(inner, depth + 1, budget)])
                }
            }
            TypeExpr::Map(_) => json!({}),
            TypeExpr::Named(name) => self.sample_named(name, depth, budget),
        }
    }

    fn sample_named(&self, name: &str, depth: usize, budget: &mut Budget) -> Value {
        let Some((position, def)) = self.type_named(name) else { return Value::Null };
        let current = self.filled.map_or(usize::MAX, |(_, current)| current);
        let example = self.example_of(current, position);
        if !example.is_null() {
            // A declared example, or one synthesised before: copies of it count, or types
            // made of many fields of a type with a large example grow exponentially again.
            return if budget.copy(example) { example.clone() } else { Value::Null };
        }
        if depth > 8 {
            return Value::Null;
        }
        match &def.kind {
            TypeKind::Struct { fields, .. } => {
                let mut object = Map::new();
                // Two fields of one enum type (`previous_status`, `current_status`) get
                // different values, as a real change would.
                let mut enum_uses: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
                // Examples show what the server returns: never a write-only value.
                for field in fields.iter().filter(|f| !f.write_only) {
                    // Out of budget: the fields so far, and the null that ran out above.
                    if budget.nodes == 0 {
                        break;
                    }
                    let declared = field.example.as_ref().or(field.default.as_ref());
                    let value = if let Some(declared) = declared {
                        if budget.copy(declared) { declared.clone() } else { Value::Null }
                    } else if !field.required {
                        continue;
                    } else if field.nullable {
                        Value::Null
                    } else if field.ty == TypeExpr::Boolean
                        && matches!(field.wire_name.as_str(), "has_more" | "has_next" | "has_next_page" | "more")
                    {
                        // The example page is the last one: no next cursor goes with it.
                        json!(false)
                    } else if let Some(shown) = self.description_example(field.description.as_deref(), &field.ty)
                        && budget.copy(&shown)
                    {
                        constrained(shown, &field.constraints, budget)
                    } else if let TypeExpr::Named(id) = &field.ty
                        && let Some((_, TypeDef { kind: TypeKind::Enum { values }, name, .. })) =
                            self.type_named(id.name())
                        && !values.is_empty()
                    {
                        let uses = enum_uses.entry(name.as_str()).or_insert(0);
                        let value = json!(values[*uses % values.len()].wire);
                        *uses += 1;
                        value
                    } else if let Some(example) = (field.ty == TypeExpr::String
                        && field.constraints.pattern.is_none()
                        && field.constraints.allowed_values.is_empty())
                    .then(|| self.field_example_elsewhere(&field.wire_name))
                    .flatten()
                    {
                        example
                    } else if let Some(text) = (field.ty == TypeExpr::String
                        && field.constraints.pattern.is_none()
                        && field.constraints.allowed_values.is_empty())
                    .then(|| {
                        super::example_names::text_for(&field.wire_name)
                            .or_else(|| super::example_names::text_for_type(&def.name))
                    })
                    .flatten()
                    {
                        constrained(json!(text), &field.constraints, budget)
                    } else {
                        constrained(self.sample_within(&field.ty, depth + 1, budget), &field.constraints, budget)
                    };
                    object.insert(field.wire_name.clone(), value);
                }
                Value::Object(object)
            }
            TypeKind::Enum { values } => values.first().map(|v| json!(v.wire)).unwrap_or(Value::Null),
            TypeKind::Union { variants, discriminator } => {
                let Some(first) = variants.first() else { return Value::Null };
                if first.ty == TypeExpr::String
                    && let Some(text) = super::example_names::text_for_type(&def.name)
                {
                    return json!(text);
                }
                let mut chosen = first;
                let mut value = self.sample_within(&first.ty, depth + 1, budget);
                // The first branch unless its sample is only the generic placeholder.
                if super::example_shapes::is_placeholder(&value) {
                    for variant in &variants[1..] {
                        let other = self.sample_within(&variant.ty, depth + 1, budget);
                        if !super::example_shapes::is_placeholder(&other) && !other.is_null() {
                            (chosen, value) = (variant, other);
                            break;
                        }
                    }
                }
                if let (Some(property), Some(tag), Some(object)) = (discriminator, &chosen.tag, value.as_object_mut()) {
                    object.insert(property.clone(), json!(tag));
                }
                value
            }
            TypeKind::Alias { target, constraints: c } => {
                if *target == TypeExpr::String
                    && c.pattern.is_none()
                    && c.allowed_values.is_empty()
                    && let Some(text) = super::example_names::text_for_type(&def.name)
                {
                    return constrained(json!(text), c, budget);
                }
                constrained(self.sample_within(target, depth + 1, budget), c, budget)
            }
        }
    }
}

impl Lowerer<'_> {
    pub(super) fn error_example(&self, body: &TypeExpr, code_pointer: Option<&str>, code: &str) -> Value {
        let mut value = self.sample(body, 0);
        if let Some(pointer) = code_pointer {
            self.sample_along(&mut value, body, &pointer_segments(pointer), 0);
            // A numeric code field (Twilio's `"code": 20404`) keeps the code as a number: the
            // runtime compares a number's text with `match`.
            let numeric = value.pointer(pointer).is_some_and(Value::is_number);
            let code_value = match code.parse::<serde_json::Number>() {
                Ok(number) if numeric => Value::Number(number),
                _ => json!(code),
            };
            set_pointer(&mut value, pointer, code_value);
        }
        value
    }
    /// Makes the values on the way down `segments` (a JSON pointer's) exist in `value`, a
    /// sample of `ty`: a property the sample left out because it is optional is sampled in,
    /// and an array gets items up to the index. Where the pointer leaves the type, it stops.
    pub(super) fn sample_along(&self, value: &mut Value, ty: &TypeExpr, segments: &[String], depth: usize) {
        let Some((segment, rest)) = segments.split_first() else { return };
        if depth > 16 {
            return;
        }
        match ty {
            TypeExpr::Named(name) => {
                let Some(def) = self.type_named(name) else { return };
                match &def.kind {
                    TypeKind::Struct { fields, .. } => {
                        let Some(field) = fields.iter().find(|f| &f.wire_name == segment) else { return };
                        if !value.is_object() {
                            *value = Value::Object(Map::new());
                        }
                        let Some(object) = value.as_object_mut() else { return };
                        let slot = object.entry(segment.clone()).or_insert(Value::Null);
                        if slot.is_null() {
                            *slot = self.within_budget(|budget| {
                                self.synth(|synth| {
                                    constrained(
                                        synth.sample_within(&field.ty, depth + 1, budget),
                                        &field.constraints,
                                        budget,
                                    )
                                })
                            });
                        }
                        self.sample_along(slot, &field.ty, rest, depth + 1);
                    }
                    TypeKind::Alias { target, .. } => self.sample_along(value, target, segments, depth + 1),
                    TypeKind::Union { variants, .. } => {
                        if let Some(first) = variants.first() {
                            self.sample_along(value, &first.ty, segments, depth + 1);
                        }
                    }
                    TypeKind::Enum { .. } => {}
                }
            }
            TypeExpr::Array(inner) => {
                let Ok(index) = segment.parse::<usize>() else { return };
                if index > 64 {
                    return;
                }
                if !value.is_array() {
                    *value = Value::Array(Vec::new());
                }
                let Some(items) = value.as_array_mut() else { return };
                while items.len() <= index {
                    items.push(self.sample(inner, depth + 1));
                }
                self.sample_along(&mut items[index], inner, rest, depth + 1);
            }
            TypeExpr::Map(inner) => {
                if !value.is_object() {
                    *value = Value::Object(Map::new());
                }
                let Some(object) = value.as_object_mut() else { return };
                let slot = object.entry(segment.clone()).or_insert(Value::Null);
                if slot.is_null() {
                    *slot = self.sample(inner, depth + 1);
                }
                self.sample_along(slot, inner, rest, depth + 1);
            }
            _ => {}
        }
    }
}

/// Adjusts a synthesised value to the declared constraints (lengths, ranges, item counts),
/// within the budget: a string is padded to at most [`MAX_EXAMPLE_TEXT`] characters, a list
/// that is not a set gets the copies of its first item the budget pays for, and a value an
/// integer, number or boolean `enum` does not allow becomes its first value.
fn constrained(value: Value, constraints: &Constraints, budget: &mut Budget) -> Value {
    // An integer, number or boolean `enum`: its first value.
    if let Some(first) = constraints.allowed_values.first()
        && !constraints.allowed_values.contains(&value)
    {
        return first.clone();
    }
    match value {
        Value::String(text) => {
            // A pattern's own text (`^AC[0-9a-fA-F]{32}$` → `AC…`): the lengths it gives are its.
            if let Some(matching) = constraints.pattern.as_deref().and_then(super::pattern_text::text_matching) {
                return Value::String(matching);
            }
            let mut text = text;
            if let Some(format) = constraints.format.as_deref() {
                text = match format {
                    "email" => "user@example.com".into(),
                    "date" => "2024-01-15".into(),
                    f if f.contains("3166") => "US".into(),
                    f if f.contains("4217") => "USD".into(),
                    _ => text,
                };
            }
            if let Some(min) = constraints.min_length {
                let length = text.chars().count() as u64;
                let missing = min.min(MAX_EXAMPLE_TEXT).saturating_sub(length);
                text.extend(std::iter::repeat_n('x', missing as usize));
            }
            if let Some(max) = constraints.max_length {
                text = text.chars().take(usize::try_from(max).unwrap_or(usize::MAX)).collect();
            }
            Value::String(text)
        }
        Value::Number(number) => {
            let mut x = number.as_f64().unwrap_or(1.0);
            if let Some(min) = constraints.minimum {
                x = x.max(min);
            }
            if let Some(max) = constraints.maximum {
                x = x.min(max);
            }
            if number.is_f64() { json!(x) } else { json!(x as i64) }
        }
        Value::Array(items) => {
            let mut items = items;
            // Copies of the first item would repeat it: a set keeps the one.
            if let Some(min) = constraints.min_items.filter(|_| !constraints.unique_items)
                && let Some(first) = items.first().cloned()
            {
                while (items.len() as u64) < min && budget.copy(&first) {
                    items.push(first.clone());
                }
            }
            if let Some(max) = constraints.max_items {
                items.truncate(usize::try_from(max).unwrap_or(usize::MAX));
            }
            Value::Array(items)
        }
        other => other,
    }
}
impl Lowerer<'_> {
    /// Deep-merges `overlay` into `base`: objects key by key; each item of an overlay list is
    /// merged over the generated item (so a scenario can give only the fields it cares
    /// about); everything else is replaced. The copies of the generated item count against
    /// the example budget; past it, overlay items are taken as written.
    pub(super) fn merge_example(&self, base: &mut Value, overlay: &Value) {
        self.within_budget(|budget| merge_within(base, overlay, budget));
    }
}

fn merge_within(base: &mut Value, overlay: &Value, budget: &mut Budget) {
    match (base, overlay) {
        (Value::Array(base), Value::Array(overlay)) if base.first().is_some_and(Value::is_object) => {
            let template = base[0].clone();
            *base = overlay
                .iter()
                .map(|item| {
                    if !budget.copy(&template) {
                        return item.clone();
                    }
                    let mut merged = template.clone();
                    merge_within(&mut merged, item, budget);
                    merged
                })
                .collect();
        }
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(key) {
                    Some(existing) => merge_within(existing, value, budget),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, overlay) => *base = overlay.clone(),
    }
}
