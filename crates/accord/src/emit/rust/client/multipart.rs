//! `impl MultipartBody` for the models sent as `multipart/form-data` bodies (emitted into
//! `client.rs`, beside the requests that send them).

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::groups::Gates;
use crate::emit::rust::tokens::{doc, ident, lit};
use crate::ir::{ContentType, Ir, ObjectParts, TypeExpr, TypeKind};

/// `impl MultipartBody` for each model sent as a `multipart` body (once per model, however
/// many endpoints send it): one part per field, chosen by the field's type; behind the group
/// features of the endpoints that send it (`gates`).
pub(super) fn multipart_impls(ir: &Ir, gates: &Gates) -> Vec<TokenStream> {
    let mut done = std::collections::BTreeSet::new();
    let mut impls = Vec::new();
    for body in ir.operations.iter().filter_map(|op| op.body.as_ref()) {
        let TypeExpr::Named(name) = &body.ty else { continue };
        // The impl goes on the struct an alias names, once however many bodies share it.
        let Some(def) = ir.resolve(name) else { continue };
        let TypeKind::Struct { fields, .. } = &def.kind else { continue };
        let name = &def.name;
        // One impl per type: a second endpoint sending the same model with another
        // `object_parts` uses the first's (one Rust type has one `MultipartBody`).
        if body.content_type != ContentType::Multipart || !done.insert(name.clone()) {
            continue;
        }
        let brackets = body.object_parts == ObjectParts::Brackets;
        let parts: Vec<TokenStream> = fields
            .iter()
            .map(|field| {
                let wire = lit(&field.wire_name);
                let add = match &field.ty {
                    TypeExpr::Binary => quote!(parts.file(#wire, value);),
                    TypeExpr::Array(inner) if **inner == TypeExpr::Binary => {
                        quote!(for file in value { parts.file(#wire, file); })
                    }
                    ty if is_scalar(ir, ty) => quote!(parts.text(#wire, value)?;),
                    TypeExpr::Array(inner) if !brackets && is_scalar(ir, inner) => quote!(parts.text(#wire, value)?;),
                    _ if brackets => quote!(parts.brackets(#wire, value)?;),
                    _ => quote!(parts.json(#wire, value)?;),
                };
                let name = ident(&field.rust_name);
                match (field.always_present(), field.nullable) {
                    (true, false) => quote!({ let value = &self.#name; #add }),
                    (true, true) | (false, false) => {
                        quote!(if let ::std::option::Option::Some(value) = &self.#name { #add })
                    }
                    (false, true) => quote!(if let ::std::option::Option::Some(::std::option::Option::Some(value)) = &self.#name { #add }),
                }
            })
            .collect();
        let ty = ident(name);
        let doc = doc(&format!(
            "`multipart/form-data` parts of [`crate::models::{name}`]: files as file parts, scalars as text parts, {}.",
            if brackets {
                "objects and lists as `field[key]` text parts"
            } else {
                "lists as one part per item, objects as JSON parts"
            }
        ));
        let senders = ir.operations.iter().filter(|op| {
            op.body.as_ref().is_some_and(|body| {
                body.content_type == ContentType::Multipart
                    && matches!(&body.ty, TypeExpr::Named(sent) if ir.resolve(sent).is_some_and(|sent| sent.name == def.name))
            })
        });
        let cfg = gates.any_operation(senders);
        impls.push(quote! {
            #doc
            #cfg
            impl ::accord_runtime::MultipartBody for crate::models::#ty {
                fn to_multipart(&self) -> ::std::result::Result<::accord_runtime::Multipart, ::accord_runtime::DecodeError> {
                    let mut parts = ::accord_runtime::Multipart::new();
                    #(#parts)*
                    ::std::result::Result::Ok(parts)
                }
            }
        });
    }
    impls
}

/// Whether values of `ty` are JSON scalars (sent as one text part).
fn is_scalar(ir: &Ir, ty: &TypeExpr) -> bool {
    let mut ty = ty;
    // Aliases of aliases, bounded in case a spec aliases in a circle.
    for _ in 0..16 {
        let TypeExpr::Named(name) = ty else { break };
        match ir.type_def(name).map(|t| &t.kind) {
            Some(TypeKind::Enum { .. }) => return true,
            Some(TypeKind::Alias { target, .. }) => ty = target,
            Some(TypeKind::Struct { .. } | TypeKind::Union { .. }) | None => return false,
        }
    }
    match ty {
        TypeExpr::Named(_) | TypeExpr::Array(_) | TypeExpr::Map(_) | TypeExpr::Any | TypeExpr::Binary => false,
        TypeExpr::String
        | TypeExpr::Integer
        | TypeExpr::Integer32
        | TypeExpr::Number
        | TypeExpr::Boolean
        | TypeExpr::DateTime
        | TypeExpr::Decimal
        | TypeExpr::Uri
        | TypeExpr::Uuid => true,
    }
}
