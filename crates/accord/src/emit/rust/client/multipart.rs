//! `impl MultipartBody` for the models sent as `multipart/form-data` bodies (emitted into
//! `client.rs`, beside the requests that send them). When the models are a crate of their own
//! (`models_crate`), neither the trait nor the model is the client crate's, so Rust's orphan
//! rule (RFC 2451) refuses that impl: it goes on `MultipartParts`, a local wrapper of a
//! reference to the model, which the requests pass instead.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::groups::Gates;
use crate::emit::rust::tokens::{doc, ident, lit};
use crate::ir::{ContentType, Ir, ObjectParts, TypeExpr, TypeKind};

/// `impl MultipartBody` for each model sent as a `multipart` body (once per model, however
/// many endpoints send it): one part per field, chosen by the field's type; behind the group
/// features of the endpoints that send it (`gates`).
pub(super) fn multipart_impls(ir: &Ir, gates: &Gates) -> Vec<TokenStream> {
    let apart = crate::emit::rust::models_crate::models_in_own_crate(ir);
    // The model's fields are read through `self`, or through the wrapper's reference.
    let model = if apart { quote!(self.0) } else { quote!(self) };
    let mut done = std::collections::BTreeSet::new();
    let mut impls = Vec::new();
    let mut all_senders = Vec::new();
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
                    (true, false) => quote!({ let value = &#model.#name; #add }),
                    (true, true) | (false, false) => {
                        quote!(if let ::std::option::Option::Some(value) = &#model.#name { #add })
                    }
                    (false, true) => quote!(if let ::std::option::Option::Some(::std::option::Option::Some(value)) = &#model.#name { #add }),
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
        let senders: Vec<_> = senders.collect();
        all_senders.extend(senders.iter().copied());
        let cfg = gates.any_operation(senders);
        let target = if apart { quote!(MultipartParts<'_, crate::models::#ty>) } else { quote!(crate::models::#ty) };
        impls.push(quote! {
            #doc
            #cfg
            impl ::accord_runtime::MultipartBody for #target {
                fn to_multipart(&self) -> ::std::result::Result<::accord_runtime::Multipart, ::accord_runtime::DecodeError> {
                    let mut parts = ::accord_runtime::Multipart::new();
                    #(#parts)*
                    ::std::result::Result::Ok(parts)
                }
            }
        });
    }
    if apart && !impls.is_empty() {
        let cfg = gates.any_operation(all_senders);
        impls.insert(
            0,
            quote! {
                /// A model sent as a `multipart/form-data` body, by reference: the models are the
                /// models crate's, so their `MultipartBody` impls are on this local wrapper.
                #cfg
                struct MultipartParts<'a, T>(&'a T);
            },
        );
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
