//! Types that contain one another by value, found as strongly connected components (Tarjan),
//! and the `Box` that gives such a type a size.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::type_tokens;
use crate::ir::{Ir, TypeExpr, TypeKind};

/// Types that contain one another by value (through fields and union variants, not lists or
/// maps), each with the index of its cycle. A field or variant that points into its own type's
/// cycle is boxed, or the types would have no size (Stripe's `Customer` ↔ `BankAccount`).
pub(super) fn cycles(ir: &Ir) -> BTreeMap<String, usize> {
    let index: BTreeMap<&str, usize> = ir.types.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let edges: Vec<Vec<usize>> = ir
        .types
        .iter()
        .map(|def| {
            let targets: Vec<&TypeExpr> = match &def.kind {
                TypeKind::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
                TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
                TypeKind::Alias { target, .. } => vec![target],
                TypeKind::Enum { .. } => Vec::new(),
            };
            targets
                .into_iter()
                .filter_map(|ty| match ty {
                    TypeExpr::Named(name) => index.get(name.name()).copied(),
                    _ => None,
                })
                .collect()
        })
        .collect();
    // Tarjan's strongly connected components, iteratively (specs have thousands of types).
    let count = ir.types.len();
    let mut order = vec![usize::MAX; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut groups = BTreeMap::new();
    for root in 0..count {
        if order[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && order[node] == usize::MAX {
                order[node] = next;
                low[node] = next;
                next += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(*edge) {
                *edge += 1;
                if order[target] == usize::MAX {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(order[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                let mut members = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    members.push(member);
                    if member == node {
                        break;
                    }
                }
                let cyclic = members.len() > 1 || edges[node].contains(&node);
                if cyclic {
                    for member in members {
                        groups.insert(ir.types[member].name.clone(), node);
                    }
                }
            }
        }
    }
    groups
}

/// [`member_type`] as a syntax tree, built without tokens ([`super::syntax::rust_type`]).
pub(super) fn member_type_tree(ty: &TypeExpr, owner: &str, cycles: &BTreeMap<String, usize>) -> syn::Type {
    let base = super::syntax::rust_type(ty);
    match ty {
        TypeExpr::Named(name) if cycles.get(name.name()).is_some_and(|group| cycles.get(owner) == Some(group)) => {
            super::syntax::path_type("::std::boxed::Box", [base])
        }
        _ => base,
    }
}

/// `ty`, boxed when it is a named type in the same cycle as `owner`.
pub(super) fn member_type(ty: &TypeExpr, owner: &str, cycles: &BTreeMap<String, usize>) -> TokenStream {
    let base = type_tokens(ty);
    match ty {
        TypeExpr::Named(name) if cycles.get(name.name()).is_some_and(|group| cycles.get(owner) == Some(group)) => {
            quote!(::std::boxed::Box<#base>)
        }
        _ => base,
    }
}
