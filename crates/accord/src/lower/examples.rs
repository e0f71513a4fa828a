//! Example values: synthesised for every type without a declared one, consistent with the
//! declared constraints, and merged with what scenarios give.

use super::*;

impl Lowerer<'_> {
    /// Gives every type without a declared example a synthesised one.
    pub(super) fn fill_examples(&mut self) {
        for index in 0..self.types.len() {
            if self.types[index].example.is_null() {
                let example = self.sample(&TypeExpr::Named(TypeId::named(self.types[index].name.clone())), 0);
                self.types[index].example = example;
            }
        }
    }
    /// A JSON value valid for `ty`: declared examples first, then values that satisfy the
    /// declared constraints.
    pub(super) fn sample(&self, ty: &TypeExpr, depth: usize) -> Value {
        match ty {
            TypeExpr::String => json!("string"),
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
                    json!([self.sample(inner, depth + 1)])
                }
            }
            TypeExpr::Map(_) => json!({}),
            TypeExpr::Named(name) => self.sample_named(name, depth),
        }
    }
    /// The first type called `name`. `types` only grows, so the index catches up with what
    /// was pushed since the last lookup.
    pub(super) fn type_named(&self, name: &str) -> Option<&TypeDef> {
        let mut index = self.type_index.borrow_mut();
        let start = index.indexed;
        for (position, def) in self.types.iter().enumerate().skip(start) {
            index.positions.entry(def.name.clone()).or_insert(position);
        }
        index.indexed = self.types.len();
        index.positions.get(name).map(|&position| &self.types[position])
    }

    pub(super) fn sample_named(&self, name: &str, depth: usize) -> Value {
        let Some(def) = self.type_named(name) else { return Value::Null };
        if !def.example.is_null() {
            return def.example.clone();
        }
        if depth > 8 {
            return Value::Null;
        }
        match &def.kind {
            TypeKind::Struct { fields, .. } => {
                let mut object = Map::new();
                // Examples show what the server returns: never a write-only value.
                for field in fields.iter().filter(|f| !f.write_only) {
                    let value = if let Some(example) = &field.example {
                        example.clone()
                    } else if let Some(default) = &field.default {
                        default.clone()
                    } else if !field.required {
                        continue;
                    } else if field.nullable {
                        Value::Null
                    } else {
                        constrained(self.sample(&field.ty, depth + 1), &field.constraints)
                    };
                    object.insert(field.wire_name.clone(), value);
                }
                Value::Object(object)
            }
            TypeKind::Enum { values } => values.first().map(|v| json!(v.wire)).unwrap_or(Value::Null),
            TypeKind::Union { variants, discriminator } => {
                let Some(first) = variants.first() else { return Value::Null };
                let mut value = self.sample(&first.ty, depth + 1);
                if let (Some(property), Some(tag), Some(object)) = (discriminator, &first.tag, value.as_object_mut()) {
                    object.insert(property.clone(), json!(tag));
                }
                value
            }
            TypeKind::Alias { target, constraints: c } => constrained(self.sample(target, depth + 1), c),
        }
    }

    pub(super) fn error_example(&self, body: &TypeExpr, code_pointer: Option<&str>, code: &str) -> Value {
        let mut value = self.sample(body, 0);
        if let Some(pointer) = code_pointer {
            self.sample_along(&mut value, body, &pointer_segments(pointer), 0);
            set_pointer(&mut value, pointer, json!(code));
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
                            *slot = constrained(self.sample(&field.ty, depth + 1), &field.constraints);
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
/// Adjusts a synthesised value to the declared constraints (lengths, ranges, item counts).
pub(super) fn constrained(value: Value, constraints: &Constraints) -> Value {
    match value {
        Value::String(text) => {
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
                while (text.chars().count() as u64) < min {
                    text.push('x');
                }
            }
            if let Some(max) = constraints.max_length {
                text = text.chars().take(max as usize).collect();
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
            if let Some(min) = constraints.min_items {
                while (items.len() as u64) < min && !items.is_empty() {
                    items.push(items[0].clone());
                }
            }
            if let Some(max) = constraints.max_items {
                items.truncate(max as usize);
            }
            Value::Array(items)
        }
        other => other,
    }
}
/// Deep-merges `overlay` into `base`: objects key by key; each item of an overlay list is
/// merged over the generated item (so a scenario can give only the fields it cares about);
/// everything else is replaced.
pub fn merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Array(base), Value::Array(overlay)) if base.first().is_some_and(Value::is_object) => {
            let template = base[0].clone();
            *base = overlay
                .iter()
                .map(|item| {
                    let mut merged = template.clone();
                    merge(&mut merged, item);
                    merged
                })
                .collect();
        }
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, overlay) => *base = overlay.clone(),
    }
}
