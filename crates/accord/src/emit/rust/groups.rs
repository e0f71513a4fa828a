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
//! - a model's `multipart` parts: behind the features of the operations that send it;
//! - an optional field of the error object (at any depth of the error bodies; required fields
//!   are always compiled, with what they hold) whose type only grouped operations reach: behind `all(…)` of, for each type it names, `any(…)` of the features
//!   compiling that type, so that the error object alone does not pull every group's models
//!   into every build (Stripe's `ApiErrors` holds a `PaymentIntent`, a `PaymentMethod`, a
//!   `SetupIntent` and a `Source`, whose closure is 500 of its 1,287 models). A union only
//!   such a field holds (Stripe's `source`: a bank account, a card or a source) is behind the
//!   field's features. A struct with gated fields is `#[non_exhaustive]`, so that turning a
//!   feature on (adding a field) breaks no user's code ([`Gates::fields`]).
//!
//! Reachability is [`super::reach`]'s, shared with serde by direction. A crate without groups,
//! and a build script's module (whose including crate declares no such features), get no
//! gates at all.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::pretty::Part;
use super::reach::Reach;
use crate::ir::{Ir, Operation, TypeKind};

/// Which features each gated item of a crate needs.
#[derive(Debug, Default)]
pub(super) struct Gates {
    /// Per operation name, its group's feature; absent for operations always compiled.
    operations: BTreeMap<String, String>,
    /// Per gated model, the features of the groups that reach it; absent for models always
    /// compiled.
    models: BTreeMap<String, BTreeSet<String>>,
    /// Per struct of the error bodies, its gated fields (by Rust name): what they need, and
    /// the types groups reach that they hold.
    fields: BTreeMap<String, BTreeMap<String, (Need, BTreeSet<String>)>>,
    /// Unions only gated error fields hold: needed by any of those fields.
    unions: BTreeMap<String, BTreeSet<Need>>,
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
        let mut always = reach.closure(always_roots);
        // The error bodies: what only they reach is always compiled, except the fields that
        // name what only groups reach.
        let errors = ErrorWalk::of(ir, reach, &always, &by_group);
        always.extend(errors.core.iter().cloned());
        // What nothing reaches (models declared for users, such as event objects of webhooks
        // the spec does not declare) is behind a feature of its own, with what it holds.
        let unreached: Vec<&String> = ir
            .types
            .iter()
            .map(|def| &def.name)
            .filter(|name| {
                !always.contains(*name)
                    && !errors.unions.contains(*name)
                    && !by_group.values().any(|reached| reached.contains(*name))
            })
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
        // A gated error field needs each type it names: `all` of their features.
        let mut fields: BTreeMap<String, BTreeMap<String, (Need, BTreeSet<String>)>> = BTreeMap::new();
        let mut unions: BTreeMap<String, BTreeSet<Need>> = BTreeMap::new();
        for gated in &errors.fields {
            let need: Need = gated.leaves.iter().filter_map(|leaf| models.get(leaf).cloned()).collect();
            if need.is_empty() {
                continue;
            }
            let leaves = gated.leaves.iter().filter(|leaf| models.contains_key(*leaf)).cloned().collect();
            fields.entry(gated.model.clone()).or_default().insert(gated.field.clone(), (need.clone(), leaves));
            for union in &gated.unions {
                unions.entry(union.clone()).or_default().insert(need.clone());
            }
        }
        Gates { operations, models, fields, unions, standalone }
    }

    /// The gated fields of the struct `model` (error bodies only), by Rust field name: their
    /// `#[cfg(…)]` and the types groups reach that they hold; `None` when it has none.
    pub(super) fn fields(&self, model: &str) -> Option<BTreeMap<String, GatedFieldTokens>> {
        let fields = self.fields.get(model)?;
        Some(
            fields
                .iter()
                .map(|(field, (need, leaves))| {
                    let predicate = need_predicate(need);
                    let gate = GatedFieldTokens { predicate, types: leaves.iter().cloned().collect() };
                    (field.clone(), gate)
                })
                .collect(),
        )
    }

    /// Whether the crate declares the [`STANDALONE_MODELS`] feature.
    pub(super) fn standalone_models(&self) -> bool {
        self.standalone
    }

    /// `#[cfg(feature = "group-…")]` for the client method and request builder of `op`, or
    /// nothing when it is always compiled.
    pub(super) fn operation(&self, op: &Operation) -> Option<TokenStream> {
        self.operation_predicate(op).map(|predicate| quote!(#[cfg(#predicate)]))
    }

    /// The predicate of [`Gates::operation`]'s `#[cfg(…)]`.
    pub(super) fn operation_predicate(&self, op: &Operation) -> Option<TokenStream> {
        self.operations.get(&op.name).map(|feature| predicate(std::iter::once(feature.as_str())))
    }

    /// `#[cfg(…)]` for the items of the model `name`, or nothing when it is always compiled.
    pub(super) fn model(&self, name: &str) -> Option<TokenStream> {
        if let Some(needs) = self.unions.get(name) {
            let predicate = match needs.iter().map(need_predicate).collect::<Vec<_>>().as_slice() {
                [one] => one.clone(),
                many => quote!(any(#(#many),*)),
            };
            return Some(quote!(#[cfg(#predicate)]));
        }
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
    let predicate = predicate(features);
    quote!(#[cfg(#predicate)])
}

/// `feature = "a"`, or `any(feature = "a", feature = "b")`.
fn predicate<'a>(features: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let features: Vec<&str> = features.into_iter().collect();
    match features.as_slice() {
        [one] => quote!(feature = #one),
        many => quote!(any(#(feature = #many),*)),
    }
}

/// A gated field as the models emitter writes it.
#[derive(Debug, Clone)]
pub(super) struct GatedFieldTokens {
    /// The predicate of its `#[cfg(…)]`.
    pub(super) predicate: TokenStream,
    /// The types groups reach that it holds, by Rust name (`PaymentIntent`).
    pub(super) types: Vec<String>,
}

/// What a gated error field needs: for each type it holds that groups reach, one of the
/// features compiling that type.
type Need = BTreeSet<BTreeSet<String>>;

/// The `cfg` predicate of `need`: `all(any(…), …)`, simplified for single sets and features.
fn need_predicate(need: &Need) -> TokenStream {
    let clauses: Vec<TokenStream> = need
        .iter()
        .map(|features| {
            let features: Vec<&str> = features.iter().map(String::as_str).collect();
            match features.as_slice() {
                [one] => quote!(feature = #one),
                many => quote!(any(#(feature = #many),*)),
            }
        })
        .collect();
    match clauses.as_slice() {
        [one] => one.clone(),
        many => quote!(all(#(#many),*)),
    }
}

/// A field of the error bodies that names types only groups reach.
#[derive(Debug)]
struct GatedField {
    /// The struct it belongs to.
    model: String,
    /// Its Rust name.
    field: String,
    /// The types it needs that groups reach (through the unions below).
    leaves: BTreeSet<String>,
    /// Unions only this field's types hold (and which are therefore gated with it).
    unions: BTreeSet<String>,
}

/// The error bodies' walk: the bodies and what their required fields hold (at any depth)
/// are always compiled and their fields examined (`core`); an optional field naming types
/// groups reach is gated (`fields`).
#[derive(Debug, Default)]
struct ErrorWalk {
    core: BTreeSet<String>,
    fields: Vec<GatedField>,
    /// Every union some gated field holds and nothing always compiled does.
    unions: BTreeSet<String>,
}

impl ErrorWalk {
    fn of(ir: &Ir, reach: &Reach, always: &BTreeSet<String>, by_group: &BTreeMap<&str, BTreeSet<String>>) -> ErrorWalk {
        let types: BTreeMap<&str, &TypeKind> = ir.types.iter().map(|def| (def.name.as_str(), &def.kind)).collect();
        let grouped = |name: &str| by_group.values().any(|reached| reached.contains(name));
        let mut walk = ErrorWalk::default();
        let mut stack: Vec<String> = reach.errors.iter().cloned().collect();
        while let Some(name) = stack.pop() {
            if always.contains(&name) || !walk.core.insert(name.clone()) {
                continue;
            }
            let Some(TypeKind::Struct { fields, .. }) = types.get(name.as_str()) else {
                // An enum holds nothing; what a union or an alias holds is needed to read it.
                stack.extend(reach.held(&name).cloned());
                continue;
            };
            for field in fields {
                let mut refs = BTreeSet::new();
                crate::type_refs::named(&field.ty, &mut refs);
                if field.required {
                    // What the error cannot be read without (Stripe's `error: ApiErrors`).
                    stack.extend(refs);
                    continue;
                }
                let mut gated = GatedField {
                    model: name.clone(),
                    field: field.rust_name.clone(),
                    leaves: BTreeSet::new(),
                    unions: BTreeSet::new(),
                };
                let mut core = Vec::new();
                let mut pending: Vec<String> = refs.into_iter().collect();
                let mut seen = BTreeSet::new();
                while let Some(held) = pending.pop() {
                    if always.contains(&held) || walk.core.contains(&held) || !seen.insert(held.clone()) {
                        continue;
                    }
                    if grouped(&held) {
                        gated.leaves.insert(held);
                    } else if matches!(types.get(held.as_str()), Some(TypeKind::Union { .. } | TypeKind::Alias { .. }))
                    {
                        pending.extend(reach.held(&held).cloned());
                        gated.unions.insert(held);
                    } else {
                        core.push(held);
                    }
                }
                stack.extend(core);
                if gated.leaves.is_empty() {
                    // Nothing gated: the unions it holds are always compiled.
                    stack.extend(gated.unions);
                } else {
                    walk.fields.push(gated);
                }
            }
        }
        // A type the walk found always compiled after a field gated on it (a union or a
        // group's model another field requires) needs no gate there.
        let core = walk.core.clone();
        for gated in &mut walk.fields {
            gated.leaves.retain(|held| !core.contains(held));
            gated.unions.retain(|held| !core.contains(held));
        }
        walk.fields.retain(|gated| !gated.leaves.is_empty());
        walk.unions = walk.fields.iter().flat_map(|gated| gated.unions.iter().cloned()).collect();
        walk
    }
}

/// `tokens` (items) followed by `built` (items already built as syntax trees), with `cfg` on
/// each item, as parsed items (the printer does not parse them again); `tokens` as they are
/// when there is neither `cfg` nor `built`, or when they do not parse (the printer then
/// reports the error).
pub(super) fn gate_items_with(tokens: TokenStream, built: Vec<syn::Item>, cfg: Option<TokenStream>) -> Part {
    match cfg {
        Some(cfg) => gated(tokens, built, cfg),
        None if built.is_empty() => Part::Tokens(tokens),
        None if tokens.is_empty() => Part::Items(built),
        None => match syn::parse2::<syn::File>(tokens.clone()) {
            Ok(file) if file.attrs.is_empty() => Part::Items(file.items.into_iter().chain(built).collect()),
            _ => Part::Tokens(quote!(#tokens #(#built)*)),
        },
    }
}

fn gated(tokens: TokenStream, built: Vec<syn::Item>, cfg: TokenStream) -> Part {
    let unparsed = |tokens: TokenStream, built: Vec<syn::Item>| Part::Tokens(quote!(#tokens #(#built)*));
    let parsed =
        if tokens.is_empty() { syn::parse2::<syn::File>(TokenStream::new()) } else { syn::parse2(tokens.clone()) };
    let Ok(mut file) = parsed else { return unparsed(tokens, built) };
    let Ok(attribute) = syn::parse::Parser::parse2(syn::Attribute::parse_outer, cfg) else {
        return unparsed(tokens, built);
    };
    if !file.attrs.is_empty() {
        return unparsed(tokens, built);
    }
    file.items.extend(built);
    for item in &mut file.items {
        if let Some(attrs) = item_attrs(item) {
            // After the item's documentation, before its other attributes.
            let at = attrs.iter().take_while(|attr| attr.path().is_ident("doc")).count();
            attrs.splice(at..at, attribute.iter().cloned());
        }
    }
    Part::Items(file.items)
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

    /// An error object in Stripe's shape: the error names a charge and a refund (models of
    /// groups) and a union of them, beside its own detail model.
    const ERROR_SPEC: &str = r#"accord: 1
name: groups
groups:
  charges: { title: Charges }
  refunds: { title: Refunds }
models:
  Charge: { properties: { id: string, detail: ChargeDetail } }
  ChargeDetail: { properties: { note: string } }
  Refund: { properties: { id: string } }
  Detail: { properties: { hint: string } }
  ApiErrors:
    properties:
      message: string
      detail: Detail
      charge: Charge
      refund: Refund
      either: { one_of: [Charge, Refund] }
  Envelope: { properties: { error: ApiErrors } }
errors:
  body: Envelope
  codes:
    DECLINED: { status: 402, retry: never }
endpoints:
  get_charge:
    method: GET
    path: /charges/{id}
    group: charges
    path_params: { id: string }
    responses: { "200": Charge }
    errors: [DECLINED]
  get_refund:
    method: GET
    path: /refunds/{id}
    group: refunds
    path_params: { id: string }
    responses: { "200": Refund }
    errors: [DECLINED]
"#;

    #[test]
    fn error_fields_that_name_group_models_are_gated_by_those_groups() {
        let (ir, gates) = gates(ERROR_SPEC);
        let text = |tokens: Option<TokenStream>| tokens.map(|t| t.to_string().replace(' ', ""));
        // The error's own models are always compiled; the groups' models only with them.
        for always in ["Envelope", "ApiErrors", "Detail"] {
            assert!(gates.model(always).is_none(), "{always} is always compiled");
        }
        assert_eq!(text(gates.model("Charge")).as_deref(), Some(r#"#[cfg(feature="group-charges")]"#));
        assert_eq!(text(gates.model("ChargeDetail")).as_deref(), Some(r#"#[cfg(feature="group-charges")]"#));
        assert_eq!(text(gates.model("Refund")).as_deref(), Some(r#"#[cfg(feature="group-refunds")]"#));
        let fields = gates.fields("ApiErrors").expect("ApiErrors has gated fields");
        let field = |name: &str| {
            text(fields.get(name).map(|gate| {
                let predicate = &gate.predicate;
                quote!(#[cfg(#predicate)])
            }))
        };
        assert_eq!(field("charge").as_deref(), Some(r#"#[cfg(feature="group-charges")]"#));
        assert_eq!(field("refund").as_deref(), Some(r#"#[cfg(feature="group-refunds")]"#));
        // The union needs both of its variants' groups, and so does its hoisted type.
        let both = r#"#[cfg(all(feature="group-charges",feature="group-refunds"))]"#;
        assert_eq!(field("either").as_deref(), Some(both));
        let union = ir
            .types
            .iter()
            .find(|def| matches!(def.kind, TypeKind::Union { .. }))
            .map(|def| def.name.clone())
            .expect("the hoisted union");
        assert_eq!(text(gates.model(&union)).as_deref(), Some(both));
        assert!(fields.get("message").is_none() && fields.get("detail").is_none());
        assert!(gates.fields("Envelope").is_none());
        // The generated struct is non-exhaustive and reads a gated key only with its feature.
        let models = super::super::models::models_file(&ir, &Reach::of(&ir), &gates);
        let api_error = &models[models.find("pub struct ApiErrors ").expect("the struct")..];
        let before = &models[..models.find("pub struct ApiErrors ").expect("the struct")];
        assert!(before.trim_end().ends_with("#[non_exhaustive]"), "{}", &before[before.len() - 200..]);
        let lines: Vec<&str> = api_error.lines().map(str::trim).collect();
        let arm = lines.iter().position(|line| line.starts_with("\"charge\" =>")).expect("the charge arm");
        assert_eq!(lines[arm - 1], "#[cfg(feature = \"group-charges\")]", "{api_error}");
        assert!(lines.contains(&"pub charge: ::std::option::Option<crate::models::Charge>,"), "{api_error}");
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
        let gated = gate_items_with(tokens, Vec::new(), Some(quote!(#[cfg(feature = "group-a")])));
        let text = gated.into_tokens().to_string();
        assert_eq!(text.matches("cfg").count(), 2, "{text}");
    }
}
