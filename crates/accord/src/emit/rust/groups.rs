//! Group features (issue 22): in a crate whose spec groups its endpoints, each group is a
//! cargo feature (`group-customers`; [`crate::ir::GroupIr::feature`]), on by default, and
//! `--no-default-features --features group-customers` compiles that group's operations and
//! only the models they reach. What is gated:
//!
//! - an operation of a group: its `Client` method and its request builder, behind its group's
//!   feature ([`Gates::operation`]);
//! - a model: behind `any(…)` of the features of the groups whose operations reach it, or
//!   always compiled when anything else reaches it (an ungrouped operation, the health check's
//!   operation, errors, webhooks, server variables, scenarios) or when every feature reaches
//!   it; what an always-compiled model holds is always compiled too ([`Gates::model`]);
//! - a model nothing reaches (declared for users): behind the feature `standalone-models`,
//!   on by default, which also counts among the features of what it holds;
//! - a model's `multipart` parts: behind the features of the operations that send it.
//!
//! Reachability is [`super::reach`]'s, shared with serde by direction. A crate without groups,
//! and a build script's module (whose including crate declares no such features), get no
//! gates at all.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::reach::Reach;
use crate::ir::{Ir, Operation};

/// Which features each gated item of a crate needs.
#[derive(Debug, Default)]
pub(super) struct Gates {
    /// Per operation name, its group's feature; absent for operations always compiled.
    operations: BTreeMap<String, String>,
    /// Per gated model, the features of the groups that reach it; absent for models always
    /// compiled.
    models: BTreeMap<String, BTreeSet<String>>,
    /// Whether some models are behind [`STANDALONE_MODELS`].
    standalone: bool,
}

/// The cargo feature of the models nothing in a grouped crate reaches (no endpoint, error,
/// webhook or server variable): declared for users, such as the event objects of webhooks a
/// spec does not declare, they are on by default with the groups.
pub const STANDALONE_MODELS: &str = "standalone-models";

impl Gates {
    /// No gates: a crate without groups, or a build script's module.
    pub(super) fn none() -> Gates {
        Gates::default()
    }

    /// The gates of the crate of `ir`, from its references (`reach`).
    pub(super) fn of(ir: &Ir, reach: &Reach) -> Gates {
        let features: BTreeMap<&str, &str> =
            ir.groups.iter().map(|group| (group.name.as_str(), group.feature.as_str())).collect();
        let mut operations = BTreeMap::new();
        let mut always_roots: Vec<&String> = reach.rest.iter().collect();
        let mut group_roots: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
        for (index, op) in ir.operations.iter().enumerate() {
            let roots = reach.requests[index].iter().chain(&reach.responses[index]);
            match gated_group(ir, op).and_then(|group| features.get(group).map(|feature| (group, feature))) {
                Some((group, feature)) => {
                    operations.insert(op.name.clone(), (*feature).to_string());
                    group_roots.entry(group).or_default().extend(roots);
                }
                None => always_roots.extend(roots),
            }
        }
        if operations.is_empty() {
            return Gates::none();
        }
        let mut by_group: BTreeMap<&str, BTreeSet<String>> =
            group_roots.into_iter().map(|(group, roots)| (features[group], reach.closure(roots))).collect();
        let always = reach.closure(always_roots);
        // What nothing reaches (models declared for users, such as event objects of webhooks
        // the spec does not declare) is behind a feature of its own, with what it holds.
        let unreached: Vec<&String> = ir
            .types
            .iter()
            .map(|def| &def.name)
            .filter(|name| !always.contains(*name) && !by_group.values().any(|reached| reached.contains(*name)))
            .collect();
        let standalone = !unreached.is_empty();
        if standalone {
            by_group.insert(STANDALONE_MODELS, reach.closure(unreached));
        }
        let mut models: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (feature, reached) in &by_group {
            for name in reached.difference(&always) {
                models.entry(name.clone()).or_default().insert((*feature).to_string());
            }
        }
        // A model every feature reaches is needed whenever any is on.
        models.retain(|_, needed| needed.len() < by_group.len());
        Gates { operations, models, standalone }
    }

    /// Whether the crate declares the [`STANDALONE_MODELS`] feature.
    pub(super) fn standalone_models(&self) -> bool {
        self.standalone
    }

    /// `#[cfg(feature = "group-…")]` for the client method and request builder of `op`, or
    /// nothing when it is always compiled.
    pub(super) fn operation(&self, op: &Operation) -> Option<TokenStream> {
        self.operations.get(&op.name).map(|feature| cfg(std::iter::once(feature.as_str())))
    }

    /// `#[cfg(…)]` for the items of the model `name`, or nothing when it is always compiled.
    pub(super) fn model(&self, name: &str) -> Option<TokenStream> {
        self.models.get(name).map(|features| cfg(features.iter().map(String::as_str)))
    }

    /// `#[cfg(…)]` for what only the operations `ops` use (a model's multipart parts), or
    /// nothing when one of them is always compiled.
    pub(super) fn any_operation<'a>(&self, ops: impl IntoIterator<Item = &'a Operation>) -> Option<TokenStream> {
        let mut features = BTreeSet::new();
        for op in ops {
            features.insert(self.operations.get(&op.name)?.as_str());
        }
        (!features.is_empty()).then(|| cfg(features))
    }
}

/// The group `op` is gated by: its own, unless the client calls it by itself (the health
/// check's operation, sent by `Client::health`).
fn gated_group<'a>(ir: &Ir, op: &'a Operation) -> Option<&'a str> {
    let health = ir.operational.health.as_ref().is_some_and(|health| health.operation == op.name);
    op.group.as_deref().filter(|_| !health)
}

/// `#[cfg(feature = "a")]`, or `#[cfg(any(feature = "a", feature = "b"))]`.
fn cfg<'a>(features: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let features: Vec<&str> = features.into_iter().collect();
    match features.as_slice() {
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// `tokens` (items) with `cfg` on each item; `tokens` as they are when `cfg` is `None` or they
/// do not parse (the printer then reports the error).
pub(super) fn gate_items(tokens: TokenStream, cfg: Option<TokenStream>) -> TokenStream {
    let Some(cfg) = cfg else { return tokens };
    let Ok(mut file) = syn::parse2::<syn::File>(tokens.clone()) else { return tokens };
    let Ok(attribute) = syn::parse::Parser::parse2(syn::Attribute::parse_outer, cfg) else { return tokens };
    for item in &mut file.items {
        if let Some(attrs) = item_attrs(item) {
            // After the item's documentation, before its other attributes.
            let at = attrs.iter().take_while(|attr| attr.path().is_ident("doc")).count();
            attrs.splice(at..at, attribute.iter().cloned());
        }
    }
    let items = file.items;
    quote!(#(#items)*)
}

/// The attributes of an item of the kinds generated code has.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Const(item) => Some(&mut item.attrs),
        syn::Item::Enum(item) => Some(&mut item.attrs),
        syn::Item::Fn(item) => Some(&mut item.attrs),
        syn::Item::Impl(item) => Some(&mut item.attrs),
        syn::Item::Mod(item) => Some(&mut item.attrs),
        syn::Item::Static(item) => Some(&mut item.attrs),
        syn::Item::Struct(item) => Some(&mut item.attrs),
        syn::Item::Trait(item) => Some(&mut item.attrs),
        syn::Item::Type(item) => Some(&mut item.attrs),
        syn::Item::Union(item) => Some(&mut item.attrs),
        syn::Item::Use(item) => Some(&mut item.attrs),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gates(source: &str) -> (Ir, Gates) {
        let ir =
            crate::project::compile_spec(std::path::Path::new("groups.yaml"), source).expect("the spec compiles").ir;
        let gates = Gates::of(&ir, &Reach::of(&ir));
        (ir, gates)
    }

    const SPEC: &str = r#"accord: 1
name: groups
groups:
  customers: { title: Customers }
  charges: { title: Charges }
  refunds: { title: Refunds }
models:
  Address: { properties: { city: string } }
  Customer: { properties: { id: string, address: Address } }
  Charge: { properties: { id: string, customer: Customer } }
  Refund: { properties: { id: string } }
  Money: { properties: { amount: integer } }
  Kept: { properties: { money: Money } }
  Ping: { properties: { ok: boolean } }
endpoints:
  get_customer:
    method: GET
    path: /customers/{id}
    group: customers
    path_params: { id: string }
    responses: { "200": Customer }
  get_charge:
    method: GET
    path: /charges/{id}
    group: charges
    path_params: { id: string }
    responses: { "200": Charge }
  get_refund:
    method: GET
    path: /refunds/{id}
    group: refunds
    path_params: { id: string }
    responses: { "200": Refund }
  refund_money:
    method: GET
    path: /refunds/{id}/money
    group: refunds
    path_params: { id: string }
    responses: { "200": Money }
  ping:
    method: GET
    path: /ping
    responses: { "200": Ping }
"#;

    #[test]
    fn a_model_is_gated_by_the_groups_that_reach_it() {
        let (ir, gates) = gates(SPEC);
        let text = |tokens: Option<TokenStream>| tokens.map(|t| t.to_string().replace(' ', ""));
        // One group's model, and one two groups reach (a charge holds its customer).
        assert_eq!(text(gates.model("Refund")).as_deref(), Some(r#"#[cfg(feature="group-refunds")]"#));
        assert_eq!(
            text(gates.model("Customer")).as_deref(),
            Some(r#"#[cfg(any(feature="group-charges",feature="group-customers"))]"#)
        );
        assert_eq!(text(gates.model("Address")), text(gates.model("Customer")));
        // An ungrouped endpoint's model is always compiled; a declared model nothing reaches
        // is behind `standalone-models`, which what it holds counts among its features.
        assert!(gates.model("Ping").is_none());
        assert_eq!(text(gates.model("Kept")).as_deref(), Some(r#"#[cfg(feature="standalone-models")]"#));
        assert_eq!(
            text(gates.model("Money")).as_deref(),
            Some(r#"#[cfg(any(feature="group-refunds",feature="standalone-models"))]"#)
        );
        assert!(gates.standalone_models());
        let op = |name: &str| ir.operations.iter().find(|op| op.name == name).expect("an operation");
        assert_eq!(text(gates.operation(op("get_refund"))).as_deref(), Some(r#"#[cfg(feature="group-refunds")]"#));
        assert!(gates.operation(op("ping")).is_none());
        assert!(gates.any_operation([op("get_refund"), op("ping")]).is_none());
    }

    #[test]
    fn a_spec_without_groups_has_no_gates() {
        let source = SPEC
            .replace("    group: customers\n", "")
            .replace("    group: charges\n", "")
            .replace("    group: refunds\n", "");
        let source = source.replace("groups:\n  customers: { title: Customers }\n  charges: { title: Charges }\n  refunds: { title: Refunds }\n", "");
        let (ir, gates) = gates(&source);
        assert!(ir.groups.is_empty());
        assert!(gates.operations.is_empty() && gates.models.is_empty());
    }

    #[test]
    fn gated_items_each_get_the_attribute() {
        let tokens = quote! {
            pub struct A;
            impl A { fn f() {} }
        };
        let gated = gate_items(tokens, Some(quote!(#[cfg(feature = "group-a")])));
        let text = gated.to_string();
        assert_eq!(text.matches("cfg").count(), 2, "{text}");
    }
}
