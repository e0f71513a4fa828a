//! Naming and hoisting: spec schemas become type expressions, and inline object, enum and
//! union schemas become named types (names from `names`, unique per spec).

use super::*;

pub(super) fn constraints(schema: &spec::Schema) -> Constraints {
    Constraints {
        min_length: schema.min_length,
        max_length: schema.max_length,
        pattern: schema.pattern.clone(),
        minimum: schema.minimum,
        maximum: schema.maximum,
        min_items: schema.min_items,
        max_items: schema.max_items,
        unique_items: schema.unique_items,
        // A string `enum` is a type of its own (`TypeKind::Enum`); other values constrain the
        // type they are of.
        allowed_values: if is_string_enum(schema) {
            Vec::new()
        } else {
            schema.enum_values.iter().map(spec::EnumLiteral::to_json).collect()
        },
        format: schema.format.clone(),
    }
}

/// Whether a schema's `enum` is of strings (a Rust enum); `check` makes sure an `enum` is of
/// one kind.
pub(super) fn is_string_enum(schema: &spec::Schema) -> bool {
    schema.enum_values.first().is_some_and(|value| value.as_str().is_some())
}

impl Lowerer<'_> {
    /// Whether an inline schema needs a named type of its own.
    pub(super) fn needs_name(schema: &spec::Schema) -> bool {
        !schema.properties.is_empty() || is_string_enum(schema) || !schema.one_of.is_empty()
    }
    /// Resolves a type reference, hoisting inline shapes under `context` (a Rust type name
    /// prefix such as `CreateOrderItems`).
    pub(super) fn type_expr(&mut self, type_ref: &TypeRef, context: &str, pointer: &str) -> TypeExpr {
        match type_ref {
            TypeRef::Name(name) => self.named(name, None, None, context, pointer),
            TypeRef::Inline(schema) => self.schema_expr(schema, context, pointer),
        }
    }

    pub(super) fn named(
        &mut self,
        name: &str,
        format: Option<&str>,
        schema: Option<&spec::Schema>,
        context: &str,
        pointer: &str,
    ) -> TypeExpr {
        match name {
            "string" => match format {
                Some("date-time") => TypeExpr::DateTime,
                Some("decimal") => TypeExpr::Decimal,
                Some("uri") | Some("url") => TypeExpr::Uri,
                Some("uuid") => TypeExpr::Uuid,
                Some("binary") => TypeExpr::Binary,
                _ => TypeExpr::String,
            },
            "integer" => match format {
                Some("int32") => TypeExpr::Integer32,
                _ => TypeExpr::Integer,
            },
            "number" => match format {
                Some("decimal") => TypeExpr::Decimal,
                _ => TypeExpr::Number,
            },
            "boolean" => TypeExpr::Boolean,
            "any" => TypeExpr::Any,
            "object" => match schema.and_then(|s| s.additional_properties.as_ref()) {
                Some(spec::AdditionalProperties::Typed(value)) => TypeExpr::Map(Box::new(self.type_expr(
                    value,
                    &format!("{context}Value"),
                    &format!("{pointer}/additional_properties"),
                ))),
                _ => TypeExpr::Any,
            },
            "array" => match schema.and_then(|s| s.items.as_ref()) {
                Some(items) => TypeExpr::Array(Box::new(self.type_expr(
                    items,
                    &format!("{context}Item"),
                    &format!("{pointer}/items"),
                ))),
                None => TypeExpr::Array(Box::new(TypeExpr::Any)),
            },
            model => TypeExpr::Named(TypeId::named(
                self.model_names.get(model).cloned().unwrap_or_else(|| names::camel(model)),
            )),
        }
    }

    pub(super) fn schema_expr(&mut self, schema: &spec::Schema, context: &str, pointer: &str) -> TypeExpr {
        if Self::needs_name(schema) {
            let name = self.type_scope.claim(names::camel(context));
            let kind = self.type_kind(schema, &name, pointer);
            let span = self.span(pointer);
            self.types.push(TypeDef {
                name: name.clone(),
                spec_name: crate::diag::pointer_to_path(pointer),
                is_model: false,
                description: schema.description.clone(),
                kind,
                example: schema.example.clone().unwrap_or(Value::Null),
                span,
            });
            return TypeExpr::Named(TypeId::named(name));
        }
        let type_name = schema.type_name.as_deref().unwrap_or("any");
        let type_name = if type_name == "any" && schema.items.is_some() { "array" } else { type_name };
        self.named(type_name, schema.format.as_deref(), Some(schema), context, pointer)
    }

    pub(super) fn type_kind(&mut self, schema: &spec::Schema, name: &str, pointer: &str) -> TypeKind {
        if is_string_enum(schema) {
            let mut scope = Scope::with_reserved(&["Unknown"]);
            let values = schema
                .enum_values
                .iter()
                .filter_map(spec::EnumLiteral::as_str)
                .map(|wire| EnumValue { wire: wire.to_string(), variant: scope.claim(names::camel(wire)) })
                .collect();
            return TypeKind::Enum { values };
        }
        if !schema.one_of.is_empty() {
            let mut scope = Scope::default();
            let mut variants = Vec::new();
            let mapping: BTreeMap<&str, &str> = schema
                .discriminator
                .as_ref()
                .map(|d| d.mapping.iter().map(|(tag, model)| (model.as_str(), tag.as_str())).collect())
                .unwrap_or_default();
            for (index, variant) in schema.one_of.iter().enumerate() {
                let variant_pointer = format!("{pointer}/one_of/{index}");
                let ty = self.type_expr(variant, &format!("{name}Variant{}", index + 1), &variant_pointer);
                let (variant_name, tag) = match variant {
                    TypeRef::Name(model) => (
                        names::camel(model),
                        schema
                            .discriminator
                            .as_ref()
                            .map(|_| mapping.get(model.as_str()).copied().unwrap_or(model).to_string()),
                    ),
                    TypeRef::Inline(_) => (format!("Variant{}", index + 1), None),
                };
                variants.push(UnionVariant { variant: scope.claim(variant_name), ty, tag });
            }
            return TypeKind::Union {
                variants,
                discriminator: schema.discriminator.as_ref().map(|d| d.property.clone()),
            };
        }
        let is_object = schema.type_name.as_deref().is_none_or(|t| t == "object") && !schema.properties.is_empty();
        if is_object {
            let required: Vec<String> = match &schema.required {
                Some(Required::Properties(names)) => names.clone(),
                _ => Vec::new(),
            };
            let mut scope = Scope::default();
            let mut fields = Vec::new();
            for (wire, property) in &schema.properties {
                let field_pointer = join_pointer(&format!("{pointer}/properties"), wire);
                let context = format!("{name}{}", names::bare(&names::camel(wire)));
                let ty = self.type_expr(property, &context, &field_pointer);
                let inline = match property {
                    TypeRef::Inline(inline) => Some(inline.as_ref()),
                    TypeRef::Name(_) => None,
                };
                fields.push(Field {
                    wire_name: wire.clone(),
                    rust_name: scope.claim(names::snake(wire)),
                    ty,
                    required: required.contains(wire),
                    nullable: inline.is_some_and(|s| s.nullable),
                    description: inline.and_then(|s| s.description.clone()),
                    constraints: inline.map(constraints).unwrap_or_default(),
                    example: inline.and_then(|s| s.example.clone()),
                    default: inline.and_then(|s| s.default.clone()),
                    deprecated: inline.is_some_and(|s| s.deprecated),
                    read_only: inline.is_some_and(|s| s.read_only),
                    write_only: inline.is_some_and(|s| s.write_only),
                    span: self.span(&field_pointer),
                });
            }
            let additional = matches!(schema.additional_properties, Some(spec::AdditionalProperties::Any(true)));
            return TypeKind::Struct { fields, additional };
        }
        let type_name = schema.type_name.as_deref().unwrap_or("any");
        let target = self.named(type_name, schema.format.as_deref(), Some(schema), name, pointer);
        TypeKind::Alias { target, constraints: constraints(schema) }
    }
}
