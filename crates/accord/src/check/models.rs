//! Checks of `models` and of every type written in a spec: references resolve, `required`,
//! `read_only`/`write_only`, `items`, `discriminator`, `enum` and ranges make sense, regular
//! expressions parse, aliases do not loop; and the type navigation pagination pointers use.

use std::collections::BTreeSet;

use indexmap::IndexMap;

use super::{Checker, PRIMITIVES};
use crate::diag::{codes, did_you_mean, join_pointer};
use crate::spec::*;

impl Checker<'_> {
    /// Checks a type reference; `pointer` is where it is written.
    pub(super) fn type_ref(&mut self, type_ref: &TypeRef, pointer: &str, position: Position) {
        match type_ref {
            TypeRef::Name(name) => self.type_name(name, pointer, false),
            TypeRef::Inline(schema) => self.schema(schema, pointer, position),
        }
    }

    pub(super) fn type_name(&mut self, name: &str, pointer: &str, has_items: bool) {
        if PRIMITIVES.contains(&name) || self.spec.models.contains_key(name) {
            if name == "array" && !has_items {
                self.report(codes::spec::ARRAY_WITHOUT_ITEMS, pointer, "`array` needs `items`".into()).help =
                    Some("write `{ type: array, items: Order }`".into());
            }
            return;
        }
        let candidates = self.spec.models.keys().map(String::as_str).chain(PRIMITIVES.iter().copied());
        let hint = did_you_mean(name, candidates);
        let diagnostic = self.report(codes::spec::UNKNOWN_REF, pointer, format!("unknown model `{name}`"));
        diagnostic.label = Some("no model or primitive type has this name".into());
        diagnostic.help = hint.or(Some(
            "declare it under `models`, or use one of `string`, `integer`, `number`, `boolean`, `object`, `array`, `any`".into(),
        ));
    }

    fn schema(&mut self, schema: &Schema, pointer: &str, position: Position) {
        let type_name = schema.type_name.as_deref();
        if let Some(name) = type_name {
            self.type_name(name, &format!("{pointer}/type"), schema.items.is_some());
        }
        for (name, property) in &schema.properties {
            self.type_ref(property, &join_pointer(&format!("{pointer}/properties"), name), Position::Property);
        }
        match (&schema.required, position) {
            (Some(Required::Properties(names)), _) => {
                for (index, name) in names.iter().enumerate() {
                    if !schema.properties.contains_key(name) {
                        let hint = did_you_mean(name, schema.properties.keys().map(String::as_str));
                        self.report(
                            codes::spec::UNKNOWN_PROPERTY,
                            &format!("{pointer}/required/{index}"),
                            format!("required property `{name}` is not among `properties`"),
                        )
                        .help = hint;
                    }
                }
            }
            (Some(Required::Flag(_)), Position::Property | Position::Model) => {
                self.report(
                    codes::spec::MISPLACED_REQUIRED,
                    &format!("{pointer}/required"),
                    "`required: true|false` applies to parameters; objects list their required properties".into(),
                )
                .help = Some("write `required: [name, …]` on the object that holds this property".into());
            }
            _ => {}
        }
        if schema.read_only && schema.write_only {
            self.report(
                codes::spec::READ_AND_WRITE_ONLY,
                &format!("{pointer}/write_only"),
                "a property cannot be both `read_only` and `write_only`".into(),
            )
            .help = Some("keep the one that holds: `read_only` (server-set) or `write_only` (never returned)".into());
        }
        if (schema.read_only || schema.write_only) && position != Position::Property {
            let key = if schema.read_only { "read_only" } else { "write_only" };
            self.report(
                codes::spec::MISPLACED_ACCESS,
                &format!("{pointer}/{key}"),
                format!("`{key}` applies to object properties"),
            )
            .help = Some(format!("move `{key}: true` onto the properties it is about"));
        }
        if let Some(items) = &schema.items {
            self.type_ref(items, &format!("{pointer}/items"), Position::Property);
            if type_name.is_some_and(|t| t != "array") {
                self.report(
                    codes::spec::ITEMS_WITHOUT_ARRAY,
                    &format!("{pointer}/items"),
                    "`items` is only allowed with `type: array`".into(),
                );
            }
        }
        if let Some(AdditionalProperties::Typed(value_type)) = &schema.additional_properties {
            self.type_ref(value_type, &format!("{pointer}/additional_properties"), Position::Property);
        }
        for (index, variant) in schema.one_of.iter().enumerate() {
            self.type_ref(variant, &format!("{pointer}/one_of/{index}"), Position::Property);
        }
        if let Some(discriminator) = &schema.discriminator {
            if schema.one_of.is_empty() {
                self.report(
                    codes::spec::DISCRIMINATOR_WITHOUT_ONE_OF,
                    &format!("{pointer}/discriminator"),
                    "`discriminator` needs `one_of`".into(),
                );
            }
            for (tag, model) in &discriminator.mapping {
                if !self.spec.models.contains_key(model) {
                    let hint = did_you_mean(model, self.spec.models.keys().map(String::as_str));
                    self.report(
                        codes::spec::UNKNOWN_REF,
                        &join_pointer(&format!("{pointer}/discriminator/mapping"), tag),
                        format!("unknown model `{model}`"),
                    )
                    .help = hint;
                }
            }
            for (index, variant) in schema.one_of.iter().enumerate() {
                if !matches!(variant, TypeRef::Name(name) if self.spec.models.contains_key(name)) {
                    self.report(
                        codes::spec::DISCRIMINATED_INLINE,
                        &format!("{pointer}/one_of/{index}"),
                        "variants of a discriminated `one_of` must be model names".into(),
                    );
                }
            }
        }
        self.enum_values(schema, pointer);
        if schema.unique_items && (type_name.is_some_and(|t| t != "array") || schema.items.is_none()) {
            self.report(
                codes::spec::UNIQUE_ITEMS_WITHOUT_ARRAY,
                &format!("{pointer}/unique_items"),
                "`unique_items` applies to arrays (`type: array` with `items`)".into(),
            )
            .help = Some(
                "remove it, or make the type an array: `{ type: array, items: string, unique_items: true }`".into(),
            );
        }
        if let (Some(min), Some(max)) = (schema.min_length, schema.max_length)
            && min > max
        {
            self.report(
                codes::spec::EMPTY_RANGE,
                &format!("{pointer}/min_length"),
                format!("`min_length` {min} is greater than `max_length` {max}"),
            );
        }
        if let (Some(min), Some(max)) = (schema.minimum, schema.maximum)
            && min > max
        {
            self.report(
                codes::spec::EMPTY_RANGE,
                &format!("{pointer}/minimum"),
                format!("`minimum` {min} is greater than `maximum` {max}"),
            );
        }
        if let (Some(min), Some(max)) = (schema.min_items, schema.max_items)
            && min > max
        {
            self.report(
                codes::spec::EMPTY_RANGE,
                &format!("{pointer}/min_items"),
                format!("`min_items` {min} is greater than `max_items` {max}"),
            );
        }
        if let Some(pattern) = &schema.pattern
            && let Err(error) = regex_syntax::Parser::new().parse(pattern)
        {
            let first_line =
                error.to_string().lines().last().unwrap_or_default().trim_start_matches("error: ").to_string();
            self.report(
                codes::spec::BAD_PATTERN,
                &format!("{pointer}/pattern"),
                format!("`pattern` is not a valid regular expression: {first_line}"),
            );
        }
    }

    /// `enum`: strings on a string (or untyped) schema, or integers, numbers or booleans
    /// matching a `type` of that name.
    fn enum_values(&mut self, schema: &Schema, pointer: &str) {
        let Some(first) = schema.enum_values.first() else { return };
        let type_name = schema.type_name.as_deref();
        if first.as_str().is_some() && schema.enum_values.iter().all(|v| v.as_str().is_some()) {
            if type_name.is_some_and(|t| t != "string") {
                self.report(
                    codes::spec::ENUM_NOT_STRING,
                    &format!("{pointer}/enum"),
                    "string `enum` values need `type: string` (or no `type`)".into(),
                )
                .help = Some("write `type: string`, or write the values as numbers for `type: integer`".into());
            }
            return;
        }
        // A value fits the type: integers are numbers too.
        let fits = |value: &EnumLiteral, type_name: &str| {
            value.type_name() == type_name || (type_name == "number" && matches!(value, EnumLiteral::Integer(_)))
        };
        let declared = match type_name {
            Some(declared @ ("string" | "integer" | "number" | "boolean")) => declared,
            None if first.as_str().is_some() => "string",
            other => {
                let shown = other.map_or_else(|| "no `type`".to_string(), |t| format!("`type: {t}`"));
                let kind = first.type_name();
                self.report(
                    codes::spec::ENUM_VALUE_TYPE,
                    &format!("{pointer}/enum"),
                    format!("an `enum` of {kind} values needs `type: {kind}`, not {shown}"),
                )
                .help = Some(format!("write `type: {kind}` beside the `enum`"));
                return;
            }
        };
        for (index, value) in schema.enum_values.iter().enumerate() {
            if !fits(value, declared) {
                self.report(
                    codes::spec::ENUM_VALUE_TYPE,
                    &format!("{pointer}/enum/{index}"),
                    format!("`enum` value `{value}` is not of `type: {declared}`"),
                )
                .help = Some(match declared {
                    "integer" => {
                        "an integer `enum` holds whole numbers that fit an `i64`; use `type: number` for others".into()
                    }
                    _ => format!(
                        "every value of the `enum` must be of type `{declared}`; values of several types are not mixed"
                    ),
                });
            }
        }
    }

    pub(super) fn models(&mut self) {
        for (name, schema) in &self.spec.models {
            let pointer = join_pointer("/models", name);
            if name.is_empty() || !name.chars().next().is_some_and(char::is_alphabetic) {
                self.report_at_key(
                    codes::spec::BAD_NAME,
                    &pointer,
                    format!("model name `{name}` must start with a letter"),
                );
            }
            if PRIMITIVES.contains(&name.as_str()) {
                self.report_at_key(
                    codes::spec::BAD_NAME,
                    &pointer,
                    format!("model name `{name}` is a primitive type name"),
                );
            }
            self.schema(schema, &pointer, Position::Model);
            if schema.type_name.as_deref() == Some(name.as_str()) {
                self.report(
                    codes::spec::RECURSIVE_ALIAS,
                    &format!("{pointer}/type"),
                    format!("model `{name}` is defined as itself"),
                );
            }
        }
        // Models that are only a name of another model form alias chains; a cycle of them has
        // no type at all.
        for name in self.spec.models.keys() {
            let mut seen = BTreeSet::new();
            let mut current = name.as_str();
            while let Some(schema) = self.spec.models.get(current) {
                if !seen.insert(current) {
                    if current == name {
                        let pointer = join_pointer("/models", name);
                        self.report_at_key(
                            codes::spec::RECURSIVE_ALIAS,
                            &pointer,
                            format!("model `{name}` is an alias of itself through other models"),
                        );
                    }
                    break;
                }
                match (&schema.type_name, schema.properties.is_empty()) {
                    (Some(target), true) if self.spec.models.contains_key(target) => current = target,
                    _ => break,
                }
            }
        }
    }

    pub(super) fn model_ref(&mut self, name: &str, pointer: &str) {
        if !self.spec.models.contains_key(name) {
            let hint = did_you_mean(name, self.spec.models.keys().map(String::as_str));
            let diagnostic = self.report(codes::spec::UNKNOWN_REF, pointer, format!("unknown model `{name}`"));
            diagnostic.help = hint.or(Some("declare it under `models`".into()));
        }
    }
}

/// The schema a type reference names among `models` (`None` for primitives and unknown names).
pub(super) fn schema_of<'s>(models: &'s IndexMap<String, Schema>, ty: &'s TypeRef) -> Option<&'s Schema> {
    match ty {
        TypeRef::Name(name) => models.get(name),
        TypeRef::Inline(schema) => Some(schema),
    }
}

/// The type a JSON pointer leads to inside a value of type `ty`, or `None` when a segment
/// names no property.
pub(super) fn follow<'s>(models: &'s IndexMap<String, Schema>, ty: &'s TypeRef, pointer: &str) -> Option<&'s TypeRef> {
    let mut current = ty;
    if pointer.is_empty() {
        return Some(current);
    }
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let schema = schema_of(models, current)?;
        current = match (&schema.items, schema.properties.get(&segment)) {
            (_, Some(property)) => property,
            (Some(items), None) if segment.parse::<usize>().is_ok() => items,
            _ => return None,
        };
    }
    Some(current)
}

/// Whether a value of type `ty` is a list (its schema has `items`).
pub(super) fn is_array(models: &IndexMap<String, Schema>, ty: &TypeRef) -> bool {
    schema_of(models, ty).is_some_and(|schema| schema.items.is_some())
}

/// Where a schema is written, which decides what `required` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Position {
    Model,
    Property,
    Parameter,
    Body,
}
