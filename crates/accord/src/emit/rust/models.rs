//! `src/models.rs` of a client crate: one item per IR type (a struct with its `Deserialize`,
//! an open enum, an untagged union, an alias), printed on several threads.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::cycles::{cycles, member_type, member_type_tree};
use super::directions::{Directions, Need, directions};
use super::groups::{GatedFieldTokens, Gates, gate_items_with};
use super::pretty::{Part, print_parts};
use super::reach::Reach;
use super::syntax::{self, Holes, Parsed, instantiate, parse_template};
use super::tokens::{doc, doc_literal, ident, lit, type_tokens};
use crate::emit::emitter::generated_notice;
use crate::ir::*;
use syn::visit_mut::VisitMut;

/// `models.rs` as tokens (the build script's inline module). Every model gets serde both ways:
/// the user's crate declares no `serde-all` feature to gate the other direction behind.
pub(super) fn models_rs(ir: &Ir) -> TokenStream {
    let cycles = cycles(ir);
    let directions = Directions::all(ir);
    let items: Vec<TokenStream> = ir
        .types
        .iter()
        .map(|def| {
            let Model { tokens, built } = type_def(def, &cycles, &directions, None);
            let built = built.map_or_else(|tokens| tokens, |items| quote!(#(#items)*));
            quote!(#tokens #built)
        })
        .collect();
    let header = models_header();
    quote! {
        #header
        #(#items)*
    }
}

fn models_header() -> TokenStream {
    quote! {
        //! Data models (spec `models` and inline schemas).
    }
}

/// `models.rs` as [`models_rs`] prints, its models built and printed on several threads,
/// with serde by direction and each model behind its group features (`gates`).
pub(super) fn models_file(ir: &Ir, reach: &Reach, gates: &Gates) -> String {
    let cycles = cycles(ir);
    let directions = directions(ir, reach, gates.standalone_models());
    print_parts(&generated_notice(&ir.source_path), 1 + ir.types.len(), |index| match index {
        0 => models_header().into(),
        _ => {
            let def = &ir.types[index - 1];
            let Model { tokens, built } = type_def(def, &cycles, &directions, gates.fields(&def.name).as_ref());
            match built {
                Ok(built) => gate_items_with(tokens, built, gates.model(&def.name)),
                // Tokens that do not parse: the printer reports them.
                Err(broken) => Part::Tokens(quote!(#tokens #broken)),
            }
        }
    })
}

fn source_doc(def: &TypeDef) -> String {
    if def.is_model {
        format!("Spec: `models.{}`.", def.spec_name)
    } else {
        format!("Spec: inline schema at `{}`.", def.spec_name)
    }
}

/// A struct's fields compiled only with some group features (error bodies;
/// [`Gates::fields`]): their `#[cfg(…)]` by Rust field name.
type FieldGates<'a> = Option<&'a BTreeMap<String, GatedFieldTokens>>;

/// One IR type's items: tokens, then for a struct its serde impls built as syntax trees
/// (`Err` holds tokens that do not parse, an accord bug).
struct Model {
    tokens: TokenStream,
    built: Result<Vec<syn::Item>, TokenStream>,
}

/// The item (and impls) of one IR type, boxing members in the type's own cycle.
fn type_def(
    def: &TypeDef,
    cycles: &BTreeMap<String, usize>,
    directions: &Directions,
    field_gates: FieldGates<'_>,
) -> Model {
    let serde = Serde {
        serialize: directions.serialize(&def.name),
        deserialize: directions.deserialize(&def.name),
        gated_partial_eq: directions.gated_partial_eq,
    };
    let name = ident(&def.name);
    // Prose is repaired on its own (a fence it leaves open closed before accord's text follows).
    let mut text = def
        .description
        .as_deref()
        .map(|d| format!("{}\n\n", crate::markdown::repair(d).0.trim_end()))
        .unwrap_or_default();
    text.push_str(&source_doc(def));
    let built = |built| Model { tokens: TokenStream::new(), built };
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            built(struct_def(def, &name, &text, fields, *additional, cycles, serde, field_gates))
        }
        TypeKind::Enum { values } => built(enum_def(&name, &text, values, serde)),
        TypeKind::Union { variants, discriminator } => Model {
            tokens: union_def(def, &name, doc(&text), variants, discriminator.as_deref(), cycles, serde),
            built: Ok(Vec::new()),
        },
        TypeKind::Alias { target, constraints } => {
            built(alias_def(&name, &text, target, constraints).map(|item| vec![item]))
        }
    }
}

/// The feature behind which a generated crate's models, unions and webhook events derive
/// `PartialEq`; string enums always do (`==` on a field's value needs it, and it costs little).
/// Off by default, as `serde-all` is: on GitHub's 650 structs and unions the derive was 0.35 s of
/// the models crate's 3.9 s `cargo check` (issue 22), and few programs compare whole payloads.
pub(super) const PARTIAL_EQ_FEATURE: &str = "partial-eq";

/// `#[cfg_attr(feature = "partial-eq", derive(PartialEq))]` in a generated crate (`gated`),
/// `#[derive(PartialEq)]` in a build script's module, whose including crate declares no
/// such feature ([`PARTIAL_EQ_FEATURE`]).
pub(super) fn partial_eq(gated: bool) -> TokenStream {
    let attribute = partial_eq_attribute(gated);
    quote!(#attribute)
}

/// [`partial_eq`] as a syntax tree.
fn partial_eq_attribute(gated: bool) -> syn::Attribute {
    if gated {
        let feature = lit(PARTIAL_EQ_FEATURE);
        syntax::list_attribute("cfg_attr", quote!(feature = #feature, derive(PartialEq)))
    } else {
        syntax::list_attribute("derive", quote!(PartialEq))
    }
}

/// When a type's serde impls are compiled (serde by direction, [`super::directions`]): always,
/// with `standalone-models` (or `serde-all`), or with `serde-all` only.
#[derive(Clone, Copy)]
struct Serde {
    serialize: Need,
    deserialize: Need,
    /// `PartialEq` behind the crate's `partial-eq` feature ([`partial_eq`]).
    gated_partial_eq: bool,
}

impl Serde {
    /// The `#[cfg(…)]` of a hand-written impl compiled when `need` says.
    fn gate(need: Need) -> TokenStream {
        match Self::predicate(need) {
            Some(predicate) => quote!(#[cfg(#predicate)]),
            None => quote!(),
        }
    }

    /// [`Serde::gate`] as a syntax tree.
    fn gate_attribute(need: Need) -> Option<syn::Attribute> {
        Self::predicate(need).map(syntax::cfg_attribute)
    }

    fn predicate(need: Need) -> Option<TokenStream> {
        match need {
            Need::Always => None,
            Need::Standalone => Some(quote!(any(feature = "serde-all", feature = "standalone-models"))),
            Need::SerdeAll => Some(quote!(feature = "serde-all")),
        }
    }
}

/// A model struct with its hand-written `Serialize` ([`struct_serialize`]) and `Deserialize`
/// ([`struct_deserialize`]): a generated crate compiles no proc macro (issue 22). A model that
/// keeps undeclared properties holds them in `additional_properties`. All three are built as
/// syntax trees ([`super::syntax`]), documented with `text`; `Err` holds tokens that do not
/// parse (an accord bug), for the printer to report.
#[allow(clippy::too_many_arguments)]
fn struct_def(
    def: &TypeDef,
    name: &syn::Ident,
    text: &str,
    fields_ir: &[Field],
    additional: bool,
    cycles: &BTreeMap<String, usize>,
    serde: Serde,
    field_gates: FieldGates<'_>,
) -> Result<Vec<syn::Item>, TokenStream> {
    let gate_of = |f: &Field| field_gates.and_then(|gates| gates.get(&f.rust_name)).cloned();
    let mut attrs = syntax::doc_attributes(text);
    attrs.push(syntax::list_attribute("derive", quote!(Debug, Clone)));
    attrs.push(partial_eq_attribute(serde.gated_partial_eq));
    // Turning a feature on adds a gated field: users cannot have written the struct out.
    if field_gates.is_some_and(|gates| !gates.is_empty()) {
        attrs.push(syntax::path_attribute("non_exhaustive"));
    }
    let mut fields =
        fields_ir.iter().map(|f| field(f, member_type_tree(&f.ty, &def.name, cycles), gate_of(f))).collect::<Vec<_>>();
    if additional {
        fields.push(instantiate(&ADDITIONAL_FIELD)?);
    }
    let item = syn::ItemStruct {
        attrs,
        vis: syn::Visibility::Public(Default::default()),
        struct_token: Default::default(),
        ident: name.clone(),
        generics: Default::default(),
        fields: syn::Fields::Named(syn::FieldsNamed {
            brace_token: Default::default(),
            named: syntax::punctuated(fields, true),
        }),
        semi_token: None,
    };
    let gates: Vec<Option<syn::Attribute>> =
        fields_ir.iter().map(|f| gate_of(f).map(|gate| syntax::cfg_attribute(gate.predicate))).collect();
    let gated = |item: Result<syn::ItemImpl, TokenStream>, need: Need| {
        item.map(|mut item| {
            item.attrs.extend(Serde::gate_attribute(need));
            syn::Item::Impl(item)
        })
    };
    Ok(vec![
        syn::Item::Struct(item),
        gated(struct_serialize(name, fields_ir, &gates, additional), serde.serialize)?,
        gated(struct_deserialize(name, fields_ir, &gates, additional), serde.deserialize)?,
    ])
}

/// `Serialize` for a model struct, as serde's derive with the attributes accord used to give
/// it writes (fields in order under their wire names, an absent optional field left out): one
/// chain of `accord_runtime::ser` calls with no `?` or branch per field. A model that keeps
/// undeclared properties is written as a map, its declared fields then the others (serde's
/// `flatten`). A gated field (`gates`) is written, and counted, only with its features.
///
/// Built as a syntax tree ([`super::syntax`]); `Err` holds tokens that do not parse (an
/// accord bug), for the printer to report.
fn struct_serialize(
    name: &syn::Ident,
    fields: &[Field],
    gates: &[Option<syn::Attribute>],
    additional: bool,
) -> Result<syn::ItemImpl, TokenStream> {
    let member = |field: &Field| syntax::self_field(ident(&field.rust_name));
    let call = |object: syn::Expr, field: &Field| {
        let method = if field.always_present() { "field" } else { "optional" };
        let args = [syntax::str_expr(&field.wire_name), syntax::reference(member(field), false)];
        syntax::method_call_with(object, method, args)
    };
    let is_some = |field: &Field| syntax::call("usize::from", [syntax::method_call(member(field), "is_some")]);
    let ungated = || fields.iter().zip(gates).filter(|(_, gate)| gate.is_none()).map(|(field, _)| field);
    let gated = || fields.iter().zip(gates).filter_map(|(field, gate)| gate.as_ref().map(|gate| (field, gate)));
    let mut body = Vec::new();
    // A struct's length is the number of fields written: formats that write it first need it.
    let start = if additional {
        syntax::call("::accord_runtime::ser::MapFields::new", [syntax::path_expr("serializer")])
    } else {
        let required = ungated().filter(|field| field.always_present()).count();
        let len = ungated()
            .filter(|field| !field.always_present())
            .fold(syntax::int_expr(required), |sum, field| syntax::add(sum, is_some(field)));
        body.push(syntax::let_stmt(Vec::new(), syntax::ident_pat(ident("len"), false), len));
        for (field, gate) in gated() {
            let len = syntax::add(syntax::path_expr("len"), is_some(field));
            body.push(syntax::let_stmt(vec![gate.clone()], syntax::ident_pat(ident("len"), false), len));
        }
        syntax::call(
            "::accord_runtime::ser::StructFields::new",
            [syntax::path_expr("serializer"), syntax::str_expr(&name.to_string()), syntax::path_expr("len")],
        )
    };
    let chain = ungated().fold(start, call);
    let object = if gated().next().is_none() {
        chain
    } else {
        body.push(syntax::let_stmt(Vec::new(), syntax::ident_pat(ident("object"), false), chain));
        for (field, gate) in gated() {
            let written = call(syntax::path_expr("object"), field);
            body.push(syntax::let_stmt(vec![gate.clone()], syntax::ident_pat(ident("object"), false), written));
        }
        syntax::path_expr("object")
    };
    let object = if additional {
        let extra = syntax::reference(syntax::self_field(ident("additional_properties")), false);
        syntax::method_call_with(object, "extra", [extra])
    } else {
        object
    };
    body.push(syn::Stmt::Expr(syntax::method_call(object, "end"), None));
    let mut item = instantiate(&SERIALIZE)?;
    Holes { idents: vec![("__Model", name.clone())], stmts: vec![("__serialize", body)], ..Holes::default() }
        .visit_item_impl_mut(&mut item);
    Ok(item)
}

/// A string enum with an `Unknown` variant for values added later, `as_str` and `Display`.
/// Its serde is written out rather than derived: `Serialize` writes `as_str`, `Deserialize`
/// is one `match` on the text through `accord_runtime::de::string_enum` (serde's derive with an
/// untagged fallback buffers the value and expands to several visitors per enum; issue 22).
///
/// Copied from a template ([`ENUM`]), its variants and arms built directly, documented with
/// `text`; `Err` holds tokens that do not parse (an accord bug).
fn enum_def(name: &syn::Ident, text: &str, values: &[EnumValue], serde: Serde) -> Result<Vec<syn::Item>, TokenStream> {
    let variant_path = |value: &EnumValue| syntax::path_of([name.clone(), ident(&value.variant)]);
    let as_str: Vec<syn::Arm> = values
        .iter()
        .map(|value| {
            let pat = syn::Pat::Path(syn::ExprPath { attrs: Vec::new(), qself: None, path: variant_path(value) });
            syntax::arm(Vec::new(), pat, syntax::str_expr(&value.wire))
        })
        .collect();
    let from: Vec<syn::Arm> = values
        .iter()
        .map(|value| {
            let variant = syn::Expr::Path(syn::ExprPath { attrs: Vec::new(), qself: None, path: variant_path(value) });
            syntax::arm(Vec::new(), syntax::str_pat(&value.wire), variant)
        })
        .collect();
    let mut file = instantiate(&ENUM)?;
    Holes {
        idents: vec![("__Enum", name.clone())],
        arms: vec![("__as_str", as_str), ("__from", from)],
        ..Holes::default()
    }
    .visit_file_mut(&mut file);
    let [syn::Item::Enum(item), as_str, display, syn::Item::Impl(serialize), syn::Item::Impl(deserialize)] =
        <[syn::Item; 5]>::try_from(file.items).map_err(|items| quote!(#(#items)*))?
    else {
        return Err(quote!(unexpected items in the enum template));
    };
    let mut item = item;
    let mut attrs = syntax::doc_attributes(text);
    attrs.append(&mut item.attrs);
    item.attrs = attrs;
    let mut variants = syn::punctuated::Punctuated::new();
    for value in values {
        variants.push_value(syn::Variant {
            attrs: vec![syntax::doc_attribute(doc_literal(&format!(" `{}`", value.wire)))],
            ident: ident(&value.variant),
            fields: syn::Fields::Unit,
            discriminant: None,
        });
        variants.push_punct(Default::default());
    }
    variants.extend(std::mem::take(&mut item.variants).into_pairs());
    item.variants = variants;
    let gated = |mut item: syn::ItemImpl, need: Need| {
        item.attrs.extend(Serde::gate_attribute(need));
        syn::Item::Impl(item)
    };
    Ok(vec![
        syn::Item::Enum(item),
        as_str,
        display,
        gated(serialize, serde.serialize),
        gated(deserialize, serde.deserialize),
    ])
}

/// A `one_of`: an enum, one variant per alternative. Its serde is written out: `Serialize`
/// writes the variant's value, `Deserialize` tries the alternatives in spec order
/// (`accord_runtime::de::untagged`, serde's `untagged` semantics); a discriminated union's
/// variants carry their tag property themselves, so the first that fits wins.
fn union_def(
    def: &TypeDef,
    name: &syn::Ident,
    docs: TokenStream,
    variants: &[UnionVariant],
    discriminator: Option<&str>,
    cycles: &BTreeMap<String, usize>,
    serde: Serde,
) -> TokenStream {
    let (gate_serialize, gate_deserialize) = (Serde::gate(serde.serialize), Serde::gate(serde.deserialize));
    let names: Vec<syn::Ident> = variants.iter().map(|variant| ident(&variant.variant)).collect();
    let variant_tokens: Vec<TokenStream> = variants
        .iter()
        .zip(&names)
        .map(|(variant, variant_name)| {
            let ty = member_type(&variant.ty, &def.name, cycles);
            let variant_doc = match (&variant.tag, discriminator) {
                (Some(tag), Some(property)) => format!(" `{property}: {tag}`"),
                _ => format!(" A `{}`.", variant.ty.display()),
            };
            quote! {
                #[doc = #variant_doc]
                #variant_name(#ty),
            }
        })
        .collect();
    let type_name = lit(&name.to_string());
    let serialize_body = if names.is_empty() {
        // No value of an enum without variants exists.
        quote!(match *self {})
    } else {
        quote! {
            match self {
                #(#name::#names(value) => ::accord_runtime::serde::Serialize::serialize(value, serializer),)*
            }
        }
    };
    let partial_eq = partial_eq(serde.gated_partial_eq);
    quote! {
        #docs
        #[derive(Debug, Clone)]
        #partial_eq
        pub enum #name {
            #(#variant_tokens)*
        }

        #gate_serialize
        impl ::accord_runtime::serde::Serialize for #name {
            fn serialize<S: ::accord_runtime::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #serialize_body
            }
        }

        #gate_deserialize
        impl<'de> ::accord_runtime::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::accord_runtime::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::accord_runtime::de::untagged(deserializer, #type_name, &[
                    #(|value| ::accord_runtime::de::variant(value).map(#name::#names),)*
                ])
            }
        }
    }
}

/// A type alias, its constraints in its documentation. `Err` holds a type's tokens that do
/// not parse (an accord bug).
fn alias_def(
    name: &syn::Ident,
    text: &str,
    target: &TypeExpr,
    constraints: &Constraints,
) -> Result<syn::Item, TokenStream> {
    let ty = type_tokens(target);
    let ty = syn::parse2::<syn::Type>(ty.clone()).map_err(|_| ty)?;
    let mut attrs = syntax::doc_attributes(text);
    let summary = constraints.summary();
    if !summary.is_empty() {
        attrs.push(syntax::doc_attribute(lit("")));
        attrs.push(syntax::doc_attribute(lit(&format!(" Constraints: {summary}."))));
    }
    Ok(syn::Item::Type(syn::ItemType {
        attrs,
        vis: syn::Visibility::Public(Default::default()),
        modifiers: Default::default(),
        type_token: Default::default(),
        ident: name.clone(),
        generics: Default::default(),
        eq_token: Default::default(),
        ty: Box::new(ty),
        semi_token: Default::default(),
        // What syn's parser gives an alias without a `where` clause.
        where_clause_placement: syn::WhereClausePlacement::Early,
    }))
}

thread_local! {
    /// A string enum's items but for its name (`__Enum`), its documentation, its declared
    /// variants (before `Unknown`) and the arms that map them to and from their wire values
    /// (`__as_str`, `__from`): [`enum_def`].
    static ENUM: Parsed<syn::File> = parse_template(quote! {
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum __Enum {
            /// A value this client does not know yet (the provider added one); kept as sent.
            Unknown(::std::string::String),
        }

        impl __Enum {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    __as_str!() => {}
                    __Enum::Unknown(value) => value.as_str(),
                }
            }
        }

        impl ::std::fmt::Display for __Enum {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::accord_runtime::serde::Serialize for __Enum {
            fn serialize<S: ::accord_runtime::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::accord_runtime::serde::Deserialize<'de> for __Enum {
            fn deserialize<D: ::accord_runtime::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::accord_runtime::de::string_enum(deserializer, |text| match text {
                    __from!() => {}
                    _ => __Enum::Unknown(text.to_owned()),
                })
            }
        }
    });

    /// The field of a model that keeps undeclared properties: [`struct_def`].
    static ADDITIONAL_FIELD: Parsed<syn::Field> = syn::parse::Parser::parse2(syn::Field::parse_named, quote! {
        /// Properties not declared in the spec, kept as they came.
        pub additional_properties: ::std::collections::BTreeMap<::std::string::String, ::accord_runtime::serde_json::Value>
    })
    .map_err(|error| error.to_compile_error());

    /// A model struct's `Serialize` but for its name (`__Model`) and its body
    /// (`__serialize`): [`struct_serialize`].
    static SERIALIZE: Parsed<syn::ItemImpl> = parse_template(quote! {
        impl ::accord_runtime::serde::Serialize for __Model {
            fn serialize<S: ::accord_runtime::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                __serialize!();
            }
        }
    });

    /// A model struct's `Deserialize` but for its name (`__Model`) and the body of its map
    /// visitor (`__visit_map`): [`struct_deserialize`].
    static DESERIALIZE: Parsed<syn::ItemImpl> = parse_template(quote! {
        impl<'de> ::accord_runtime::serde::Deserialize<'de> for __Model {
            fn deserialize<D: ::accord_runtime::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Fields;

                impl<'de> ::accord_runtime::serde::de::Visitor<'de> for Fields {
                    type Value = __Model;

                    fn expecting(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        ::accord_runtime::de::expecting_object(formatter)
                    }

                    fn visit_map<A: ::accord_runtime::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<__Model, A::Error> {
                        __visit_map!();
                    }
                }

                deserializer.deserialize_map(Fields)
            }
        }
    });

    /// The map visitor's loop over the keys, its arms (one per field, then the one for other
    /// keys) at `__arms`.
    static KEY_LOOP: Parsed<syn::Stmt> = parse_template(quote! {
        while let ::std::option::Option::Some(key) = map.next_key::<::std::string::String>()? {
            // One `?` for every arm: a branch per field costs the compiler more than the call
            // (issue 22).
            match key.as_str() {
                __arms!() => {}
            }?;
        }
    });
}

/// `Deserialize` for a model struct: one map visitor that reads each declared field straight
/// into its type (`accord_runtime::de::read_field`, errors naming the field) and skips every
/// other key unread, so an undeclared field at any depth, in this model or a nested one,
/// never meets serde_json's recursion limit. serde's derive expands to a field enum and three
/// visitors per struct, which on APIs with a thousand models is most of what `cargo check`
/// type-checks; this is one visitor with one `match` on the key. The JSON semantics are the
/// derive's (unknown keys ignored, absent optional fields `None`, `null` apart from absent for
/// optional nullable fields), except that a key sent twice keeps its last value.
///
/// A gated field (`gates`, one per field) has its slot, its key and its member behind its
/// `#[cfg(…)]`: without the feature, its key is skipped like an unknown one.
///
/// Built as a syntax tree ([`super::syntax`]): these impls are most of a large crate's
/// models. `Err` holds tokens that do not parse (an accord bug), for the printer to report.
fn struct_deserialize(
    name: &proc_macro2::Ident,
    fields: &[Field],
    gates: &[Option<syn::Attribute>],
    additional: bool,
) -> Result<syn::ItemImpl, TokenStream> {
    let slots: Vec<syn::Ident> = (0..fields.len()).map(|index| quote::format_ident!("field_{index}")).collect();
    let gate = |index: usize| gates.get(index).cloned().flatten().into_iter().collect::<Vec<_>>();
    let map = || syntax::reference(syntax::path_expr("map"), true);
    let mut body: Vec<syn::Stmt> = slots
        .iter()
        .enumerate()
        .map(|(index, slot)| {
            syntax::let_stmt(
                gate(index),
                syntax::ident_pat(slot.clone(), true),
                syntax::path_expr("::std::option::Option::None"),
            )
        })
        .collect();
    let mut arms: Vec<syn::Arm> = fields
        .iter()
        .zip(&slots)
        .enumerate()
        .map(|(index, (field, slot))| {
            let read = syntax::call(
                "::accord_runtime::de::read_field",
                [map(), syntax::reference(syntax::ident_expr(slot), true), syntax::str_expr(&field.wire_name)],
            );
            syntax::arm(gate(index), syntax::str_pat(&field.wire_name), read)
        })
        .collect();
    // Required fields are taken in one `match` on their slots (a `?` each costs the compiler
    // more; issue 22), the first one absent named in the error as serde's derive does.
    let mut required_slots = Vec::new();
    let mut required_values = Vec::new();
    let mut required_wires = Vec::new();
    let mut takes: Vec<syn::FieldValue> = fields
        .iter()
        .zip(&slots)
        .enumerate()
        .map(|(index, (field, slot))| {
            let member = ident(&field.rust_name);
            let gate = gate(index);
            let slot_expr = syntax::ident_expr(slot);
            let value = match (field.always_present(), field.nullable) {
                (true, false) if gate.is_empty() => {
                    let value = quote::format_ident!("value_{index}");
                    required_slots.push(slot.clone());
                    required_values.push(value.clone());
                    required_wires.push(field.wire_name.as_str());
                    syntax::ident_expr(&value)
                }
                (true, false) => syntax::try_expr(syntax::call(
                    "::accord_runtime::de::required_value",
                    [slot_expr, syntax::str_expr(&field.wire_name)],
                )),
                // `Option<Option<T>>`: `None` when absent, `Some(None)` for `null`.
                (false, true) => slot_expr,
                _ => syntax::method_call(slot_expr, "unwrap_or_default"),
            };
            syntax::field_value(gate, member, value)
        })
        .collect();
    // A model that keeps undeclared properties reads them into `additional_properties`.
    let other = if additional {
        body.push(syntax::let_stmt(
            Vec::new(),
            syntax::ident_pat(ident("additional"), true),
            syntax::call("::std::collections::BTreeMap::new", []),
        ));
        takes.push(syntax::field_value(Vec::new(), ident("additional_properties"), syntax::path_expr("additional")));
        syntax::call(
            "::accord_runtime::de::keep_value",
            [map(), syntax::reference(syntax::path_expr("additional"), true), syntax::path_expr("key")],
        )
    } else {
        syntax::call("::accord_runtime::de::skip_value", [map()])
    };
    arms.push(syntax::arm(Vec::new(), syntax::wild_pat(), other));
    let mut key_loop = instantiate(&KEY_LOOP)?;
    Holes { arms: vec![("__arms", arms)], ..Holes::default() }.visit_stmt_mut(&mut key_loop);
    body.push(key_loop);
    let ok = |value: syn::Expr| syntax::call("::std::result::Result::Ok", [value]);
    let build = if required_slots.is_empty() {
        ok(syntax::struct_expr(name, takes, true))
    } else {
        let slot_exprs = || required_slots.iter().map(syntax::ident_expr);
        let all_present = syntax::tuple_pat(
            required_values.iter().map(|value| {
                syntax::tuple_struct_pat("::std::option::Option::Some", [syntax::ident_pat(value.clone(), false)])
            }),
            true,
        );
        let missing = syntax::call(
            "::accord_runtime::de::missing_field",
            [syntax::reference(
                syntax::array(required_slots.iter().zip(&required_wires).map(|(slot, wire)| {
                    syntax::tuple(
                        [syntax::method_call(syntax::ident_expr(slot), "is_none"), syntax::str_expr(wire)],
                        false,
                    )
                })),
                false,
            )],
        );
        syntax::match_expr(
            syntax::tuple(slot_exprs(), true),
            vec![
                syntax::arm(Vec::new(), all_present, ok(syntax::struct_expr(name, takes, true))),
                syntax::arm(
                    Vec::new(),
                    syntax::tuple_pat(required_slots.iter().map(|slot| syntax::ident_pat(slot.clone(), false)), true),
                    syntax::call("::std::result::Result::Err", [missing]),
                ),
            ],
        )
    };
    body.push(syn::Stmt::Expr(build, None));
    let mut item = instantiate(&DESERIALIZE)?;
    Holes { idents: vec![("__Model", name.clone())], stmts: vec![("__visit_map", body)], ..Holes::default() }
        .visit_item_impl_mut(&mut item);
    Ok(item)
}

/// One struct field: its documentation (presence, read/write-only, constraints, the features
/// it needs) and type (the wire name is in the serde impls); behind `gate` when only some group features
/// compile it.
fn field(field: &Field, base: syn::Type, gate: Option<GatedFieldTokens>) -> syn::Field {
    let name = ident(&field.rust_name);
    let mut text = field.description.as_deref().map(|d| crate::markdown::repair(d).0.into_owned()).unwrap_or_default();
    let summary = field.constraints.summary();
    if !summary.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!("Constraints: {summary}."));
    }
    let presence = match (field.required, field.nullable) {
        (true, false) => "Required.",
        (true, true) => "Required, may be `null`.",
        (false, false) => "Optional.",
        (false, true) => "Optional, may be `null` (`Some(None)`).",
    };
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    if field.read_only {
        text.push_str("Read-only: set by the server; leave it `None` in requests");
        text.push_str(if field.required { " (always present in responses)." } else { "." });
    } else if field.write_only {
        text.push_str("Write-only: sent by the client, never returned");
        text.push_str(if field.required { " (required in requests)." } else { "." });
    } else {
        text.push_str(presence);
    }
    if let Some(gate) = &gate {
        let types: Vec<String> = gate.types.iter().map(|name| format!("`{name}`")).collect();
        let needs = match types.as_slice() {
            [one] => format!("a group feature that compiles {one} is on"),
            many => format!("group features that compile {} are on", many.join(" and ")),
        };
        text.push_str(&format!(
            "\n\nPresent only when {needs} (all groups are by default): the error object does not pull \
             every group's models into every build."
        ));
    }
    let mut attrs = syntax::doc_attributes(&text);
    attrs.extend(gate.map(|gate| syntax::cfg_attribute(gate.predicate)));
    if field.deprecated {
        attrs.push(syntax::path_attribute("deprecated"));
    }
    let ty = match (field.always_present(), field.nullable) {
        (true, false) => base,
        (true, true) | (false, false) => syntax::option_type(base),
        (false, true) => syntax::option_type(syntax::option_type(base)),
    };
    syn::Field {
        attrs,
        vis: syn::Visibility::Public(Default::default()),
        modifiers: Default::default(),
        ident: Some(name),
        colon_token: Some(Default::default()),
        ty,
        default: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_templates_parse() {
        assert!(ENUM.with(Result::is_ok));
        assert!(ADDITIONAL_FIELD.with(Result::is_ok));
        assert!(SERIALIZE.with(Result::is_ok));
        assert!(DESERIALIZE.with(Result::is_ok));
        assert!(KEY_LOOP.with(Result::is_ok));
    }
}
