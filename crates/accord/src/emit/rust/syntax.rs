//! Syntax trees built directly, for the generated code that is most of a large crate (issue
//! 22, item 4): writing an item as `quote!` tokens and parsing them back with syn costs each
//! identifier three allocations and syn's parser its lookahead, which on GitHub's document
//! was a quarter of generation. The trees built here are the ones syn's parser gives for the
//! same text, so prettyplease prints them identically: the test below compares the two for
//! each constructor, `accord generate specs/ --check` in CI compares the repository's
//! generated crates, and every document of the corpus generated the same files before and
//! after (issue 22).
//!
//! Two kinds of help: small constructors ([`path`], [`call`], [`str_lit`], …), and
//! [`Template`]s, fixed syntax parsed once per thread from tokens and copied for each use with
//! its holes filled ([`Holes`]), for the parts that are the same in every item.

use std::thread::LocalKey;

use proc_macro2::{Span, TokenStream};
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;

/// A path such as `::std::option::Option::None` or `field_0`: segments separated by `::`,
/// with a leading `::` when `text` starts with one; no generic arguments.
pub(crate) fn path(text: &str) -> syn::Path {
    // The emitters name the same few hundred paths (`::accord_runtime::serde::Serializer`,
    // `doc`) again and again: each is split and its identifiers checked once per thread, then
    // copied (≈ 1 % of Stripe's `generate` before; issue 22).
    thread_local! {
        static PATHS: std::cell::RefCell<rustc_hash::FxHashMap<Box<str>, syn::Path>> = Default::default();
    }
    PATHS.with(|paths| {
        let mut paths = paths.borrow_mut();
        if let Some(known) = paths.get(text) {
            return known.clone();
        }
        let made = split_path(text);
        paths.insert(text.into(), made.clone());
        made
    })
}

/// [`path`] made from its text.
fn split_path(text: &str) -> syn::Path {
    let (leading_colon, rest) = match text.strip_prefix("::") {
        Some(rest) => (Some(Default::default()), rest),
        None => (None, text),
    };
    let segments: Punctuated<syn::PathSegment, syn::Token![::]> =
        rest.split("::").map(|segment| syn::PathSegment::from(super::tokens::ident(segment))).collect();
    syn::Path { leading_colon, segments }
}

/// A path type such as `::std::vec::Vec<T>`: [`path`] of `text`, its last segment given
/// `args` as generic arguments when there are any.
pub(crate) fn path_type(text: &str, args: impl IntoIterator<Item = syn::Type>) -> syn::Type {
    syn::Type::Path(syn::TypePath { attrs: Vec::new(), qself: None, path: generic_path(text, args, false) })
}

/// A path expression whose last segment takes `args` with a turbofish
/// (`crate::errors::decode_response::<T>`).
pub(crate) fn turbofish_expr(text: &str, args: impl IntoIterator<Item = syn::Type>) -> syn::Expr {
    syn::Expr::Path(syn::ExprPath { attrs: Vec::new(), qself: None, path: generic_path(text, args, true) })
}

/// [`path`] of `text`, its last segment given `args` (`<…>`, or `::<…>` when `turbofish`)
/// when there are any.
fn generic_path(text: &str, args: impl IntoIterator<Item = syn::Type>, turbofish: bool) -> syn::Path {
    let mut path = path(text);
    let args: Punctuated<syn::GenericArgument, syn::Token![,]> =
        args.into_iter().map(syn::GenericArgument::Type).collect();
    if !args.is_empty()
        && let Some(last) = path.segments.last_mut()
    {
        last.arguments = syn::PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
            colon2_token: turbofish.then(Default::default),
            lt_token: Default::default(),
            args,
            gt_token: Default::default(),
        });
    }
    path
}

/// `::std::option::Option<inner>`.
pub(crate) fn option_type(inner: syn::Type) -> syn::Type {
    path_type("::std::option::Option", [inner])
}

/// `&'lifetime elem` (`lifetime` with its quote: `'a`).
pub(crate) fn reference_type(lifetime: &str, elem: syn::Type) -> syn::Type {
    syn::Type::Reference(syn::TypeReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        lifetime: Some(syn::Lifetime::new(lifetime, Span::call_site())),
        mutability: None,
        elem: Box::new(elem),
    })
}

/// The Rust type of a type expression inside the generated crate ([`rust_type_in`] under
/// `crate`).
pub(crate) fn rust_type(ty: &crate::ir::TypeExpr) -> syn::Type {
    rust_type_in(ty, &syn::Path::from(super::tokens::ident("crate")))
}

/// The Rust type of a type expression, named types under `root` (`crate`, `orders_client`
/// in a crate's examples, `::orders_client` in its contract tests): the one definition of
/// the Rust type of an IR type ([`super::tokens::type_tokens_in`] prints it as tokens).
pub(crate) fn rust_type_in(ty: &crate::ir::TypeExpr, root: &syn::Path) -> syn::Type {
    use crate::ir::TypeExpr;
    let rust_type = |ty: &TypeExpr| rust_type_in(ty, root);
    match ty {
        TypeExpr::String | TypeExpr::Uri => path_type("::std::string::String", []),
        TypeExpr::Integer => path_type("i64", []),
        TypeExpr::Integer32 => path_type("i32", []),
        TypeExpr::Number => path_type("f64", []),
        TypeExpr::Boolean => path_type("bool", []),
        TypeExpr::Any => path_type("::accord_runtime::serde_json::Value", []),
        TypeExpr::DateTime => path_type("::accord_runtime::types::DateTime", []),
        TypeExpr::Decimal => path_type("::accord_runtime::types::Decimal", []),
        TypeExpr::Uuid => path_type("::accord_runtime::uuid::Uuid", []),
        TypeExpr::Binary => path_type("::accord_runtime::File", []),
        TypeExpr::Named(name) => {
            let mut path = root.clone();
            path.segments.push(syn::PathSegment::from(super::tokens::ident("models")));
            path.segments.push(syn::PathSegment::from(super::tokens::ident(name)));
            syn::Type::Path(syn::TypePath { attrs: Vec::new(), qself: None, path })
        }
        TypeExpr::Array(inner) => path_type("::std::vec::Vec", [rust_type(inner)]),
        TypeExpr::Map(inner) => {
            path_type("::std::collections::BTreeMap", [path_type("::std::string::String", []), rust_type(inner)])
        }
    }
}

/// A path expression ([`path`]).
pub(crate) fn path_expr(text: &str) -> syn::Expr {
    syn::Expr::Path(syn::ExprPath { attrs: Vec::new(), qself: None, path: path(text) })
}

/// A local variable (or any one identifier) as an expression.
pub(crate) fn ident_expr(ident: &syn::Ident) -> syn::Expr {
    syn::Expr::Path(syn::ExprPath { attrs: Vec::new(), qself: None, path: syn::Path::from(ident.clone()) })
}

/// A string literal, as [`super::tokens::lit`] writes it.
pub(crate) fn str_lit(text: &str) -> syn::Lit {
    syn::Lit::Str(syn::LitStr::new(text, Span::call_site()))
}

/// A string literal as an expression.
pub(crate) fn str_expr(text: &str) -> syn::Expr {
    syn::Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: str_lit(text) })
}

/// `func(args…)`, the function given by its path ([`path`]).
pub(crate) fn call(func: &str, args: impl IntoIterator<Item = syn::Expr>) -> syn::Expr {
    syn::Expr::Call(syn::ExprCall {
        attrs: Vec::new(),
        func: Box::new(path_expr(func)),
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

/// `receiver.method()`, without arguments.
pub(crate) fn method_call(receiver: syn::Expr, method: &str) -> syn::Expr {
    method_call_with(receiver, method, [])
}

/// `receiver.method(args…)`.
pub(crate) fn method_call_with(
    receiver: syn::Expr,
    method: &str,
    args: impl IntoIterator<Item = syn::Expr>,
) -> syn::Expr {
    syn::Expr::MethodCall(syn::ExprMethodCall {
        attrs: Vec::new(),
        receiver: Box::new(receiver),
        dot_token: Default::default(),
        method: super::tokens::ident(method),
        turbofish: None,
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

/// `self.member`.
pub(crate) fn self_field(member: syn::Ident) -> syn::Expr {
    syn::Expr::Field(syn::ExprField {
        attrs: Vec::new(),
        base: Box::new(path_expr("self")),
        dot_token: Default::default(),
        member: syn::Member::Named(member),
    })
}

/// `left + right`.
pub(crate) fn add(left: syn::Expr, right: syn::Expr) -> syn::Expr {
    syn::Expr::Binary(syn::ExprBinary {
        attrs: Vec::new(),
        left: Box::new(left),
        op: syn::BinOp::Add(Default::default()),
        right: Box::new(right),
    })
}

/// `true` or `false`.
pub(crate) fn bool_expr(value: bool) -> syn::Expr {
    syn::Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: syn::Lit::Bool(syn::LitBool::new(value, Span::call_site())) })
}

/// An integer literal without a suffix.
pub(crate) fn int_expr(value: usize) -> syn::Expr {
    syn::Expr::Lit(syn::ExprLit {
        attrs: Vec::new(),
        lit: syn::Lit::new(proc_macro2::Literal::usize_unsuffixed(value)),
    })
}

/// `&expr`, or `&mut expr` when `mutable`.
pub(crate) fn reference(expr: syn::Expr, mutable: bool) -> syn::Expr {
    syn::Expr::Reference(syn::ExprReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        mutability: mutable.then(Default::default),
        expr: Box::new(expr),
    })
}

/// `expr?`.
pub(crate) fn try_expr(expr: syn::Expr) -> syn::Expr {
    syn::Expr::Try(syn::ExprTry { attrs: Vec::new(), expr: Box::new(expr), question_token: Default::default() })
}

/// `(a, b)`, or with a comma after the last element when `trailing` (as `(a,)` must be).
pub(crate) fn tuple(elems: impl IntoIterator<Item = syn::Expr>, trailing: bool) -> syn::Expr {
    syn::Expr::Tuple(syn::ExprTuple {
        attrs: Vec::new(),
        paren_token: Default::default(),
        elems: punctuated(elems, trailing),
    })
}

/// `[a, b]`.
pub(crate) fn array(elems: impl IntoIterator<Item = syn::Expr>) -> syn::Expr {
    syn::Expr::Array(syn::ExprArray {
        attrs: Vec::new(),
        bracket_token: Default::default(),
        elems: punctuated(elems, false),
    })
}

/// `Name { member: expr, … }`, with a comma after the last field when `trailing`.
pub(crate) fn struct_expr(name: &syn::Ident, fields: Vec<syn::FieldValue>, trailing: bool) -> syn::Expr {
    syn::Expr::Struct(syn::ExprStruct {
        attrs: Vec::new(),
        qself: None,
        path: syn::Path::from(name.clone()),
        brace_token: Default::default(),
        fields: punctuated(fields, trailing),
        dot2_token: None,
        rest: None,
    })
}

/// `member: expr` in a struct expression, after `attrs`.
pub(crate) fn field_value(attrs: Vec<syn::Attribute>, member: syn::Ident, expr: syn::Expr) -> syn::FieldValue {
    syn::FieldValue { attrs, member: syn::Member::Named(member), colon_token: Some(Default::default()), expr }
}

/// `match expr { arms… }`.
pub(crate) fn match_expr(expr: syn::Expr, arms: Vec<syn::Arm>) -> syn::Expr {
    syn::Expr::Match(syn::ExprMatch {
        attrs: Vec::new(),
        match_token: Default::default(),
        expr: Box::new(expr),
        brace_token: Default::default(),
        arms,
    })
}

/// `pat => body,` after `attrs`.
pub(crate) fn arm(attrs: Vec<syn::Attribute>, pat: syn::Pat, body: syn::Expr) -> syn::Arm {
    syn::Arm { attrs, pat, fat_arrow_token: Default::default(), body: Box::new(body), comma: Some(Default::default()) }
}

/// A binding pattern: `name`, or `mut name`.
pub(crate) fn ident_pat(ident: syn::Ident, mutable: bool) -> syn::Pat {
    syn::Pat::Ident(syn::PatIdent {
        attrs: Vec::new(),
        by_ref: None,
        mutability: mutable.then(Default::default),
        ident,
        subpat: None,
    })
}

/// A string literal pattern.
pub(crate) fn str_pat(text: &str) -> syn::Pat {
    syn::Pat::Lit(syn::ExprLit { attrs: Vec::new(), lit: str_lit(text) })
}

/// `_`.
pub(crate) fn wild_pat() -> syn::Pat {
    syn::Pat::Wild(syn::PatWild { attrs: Vec::new(), underscore_token: Default::default() })
}

/// `(a, b)` as a pattern, with a comma after the last element when `trailing`.
pub(crate) fn tuple_pat(elems: impl IntoIterator<Item = syn::Pat>, trailing: bool) -> syn::Pat {
    syn::Pat::Tuple(syn::PatTuple {
        attrs: Vec::new(),
        paren_token: Default::default(),
        elems: punctuated(elems, trailing),
    })
}

/// `Path(a, …)` as a pattern, the path given as [`path`] reads it.
pub(crate) fn tuple_struct_pat(text: &str, elems: impl IntoIterator<Item = syn::Pat>) -> syn::Pat {
    syn::Pat::TupleStruct(syn::PatTupleStruct {
        attrs: Vec::new(),
        qself: None,
        path: path(text),
        paren_token: Default::default(),
        elems: punctuated(elems, false),
    })
}

/// `let pat = init;` after `attrs`.
pub(crate) fn let_stmt(attrs: Vec<syn::Attribute>, pat: syn::Pat, init: syn::Expr) -> syn::Stmt {
    syn::Stmt::Local(syn::Local {
        attrs,
        let_token: Default::default(),
        modifiers: Default::default(),
        pat,
        init: Some(syn::LocalInit { eq_token: Default::default(), expr: Box::new(init), diverge: None }),
        semi_token: Default::default(),
    })
}

/// An outer attribute `#[cfg(predicate)]`, as syn reads it (its predicate kept as tokens).
pub(crate) fn cfg_attribute(predicate: TokenStream) -> syn::Attribute {
    list_attribute("cfg", predicate)
}

/// An outer attribute `#[name(tokens)]`, as syn reads it.
pub(crate) fn list_attribute(name: &str, tokens: TokenStream) -> syn::Attribute {
    outer(syn::Meta::List(syn::MetaList {
        path: path(name),
        delimiter: syn::MacroDelimiter::Paren(Default::default()),
        tokens,
    }))
}

/// An outer attribute `#[name]`.
pub(crate) fn path_attribute(name: &str) -> syn::Attribute {
    outer(syn::Meta::Path(path(name)))
}

fn outer(meta: syn::Meta) -> syn::Attribute {
    syn::Attribute {
        pound_token: Default::default(),
        style: syn::AttrStyle::Outer,
        bracket_token: Default::default(),
        meta,
    }
}

/// The `#[doc = …]` attributes of [`super::tokens::doc`], as syn reads them.
pub(crate) fn doc_attributes(text: &str) -> Vec<syn::Attribute> {
    let mut attributes = Vec::new();
    super::tokens::for_doc_lines(text, |line| attributes.push(doc_attribute(line)));
    attributes
}

/// One `#[doc = line]` attribute.
pub(crate) fn doc_attribute(line: proc_macro2::Literal) -> syn::Attribute {
    outer(syn::Meta::NameValue(syn::MetaNameValue {
        path: path("doc"),
        eq_token: Default::default(),
        value: syn::Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: syn::Lit::new(line) }),
    }))
}

/// A path of identifiers (`Enum::Variant`), without a leading `::`.
pub(crate) fn path_of(idents: impl IntoIterator<Item = syn::Ident>) -> syn::Path {
    syn::Path { leading_colon: None, segments: idents.into_iter().map(syn::PathSegment::from).collect() }
}

/// Where `item` holds the item `name!();` (an impl's items not known when its tokens were
/// written), to be replaced with [`splice_impl_items`].
pub(crate) fn impl_hole(item: &syn::ItemImpl, name: &str) -> Option<usize> {
    item.items.iter().position(
        |member| matches!(member, syn::ImplItem::Macro(mac) if hole_name(&mac.mac).is_some_and(|hole| hole == name)),
    )
}

/// Replaces the item `name!();` of `item` by `items`; `false` (and `item` unchanged) when it
/// has no such item.
pub(crate) fn splice_impl_items(item: &mut syn::ItemImpl, name: &str, items: Vec<syn::ImplItem>) -> bool {
    match impl_hole(item, name) {
        Some(index) => {
            item.items.splice(index..=index, items);
            true
        }
        None => false,
    }
}

/// `elems` separated by `P`, with one after the last when `trailing` (as syn keeps a trailing
/// comma it read).
pub(crate) fn punctuated<T, P: Default>(elems: impl IntoIterator<Item = T>, trailing: bool) -> Punctuated<T, P> {
    let mut punctuated: Punctuated<T, P> = elems.into_iter().collect();
    if trailing && !punctuated.empty_or_trailing() {
        punctuated.push_punct(P::default());
    }
    punctuated
}

/// Fixed syntax parsed once per thread (syntax trees cannot cross threads) and copied for
/// each use ([`instantiate`]), its holes then filled by [`Holes`]: the tokens themselves when
/// they do not parse (an accord bug, which the test of each template rules out), for the
/// printer to report.
pub(crate) type Template<T> = LocalKey<Parsed<T>>;

/// What a [`Template`] holds: its tree, or its tokens when they do not parse.
pub(crate) type Parsed<T> = Result<T, TokenStream>;

/// A template's tree from its tokens ([`Template`]).
pub(crate) fn parse_template<T: syn::parse::Parse>(tokens: TokenStream) -> Result<T, TokenStream> {
    syn::parse2(tokens.clone()).map_err(|_| tokens)
}

/// A copy of `template`'s tree, or its tokens when they do not parse.
pub(crate) fn instantiate<T: Clone>(template: &'static Template<T>) -> Result<T, TokenStream> {
    template.with(Clone::clone)
}

/// What a [`Template`]'s holes become: each identifier named `name` (by convention
/// `__Name`), each statement `name!();`, each `match` arm `name!() => {}`, each type `Name`,
/// each expression `name!()`. A statement or arm hole is filled once (its contents are moved
/// in); what fills a hole is not visited.
#[derive(Default)]
pub(crate) struct Holes {
    /// Identifiers, by the name they replace.
    pub(crate) idents: Vec<(&'static str, syn::Ident)>,
    /// Statements, by the name of the macro statement they replace in a block.
    pub(crate) stmts: Vec<(&'static str, Vec<syn::Stmt>)>,
    /// Arms of `match` expressions, by the name of their macro.
    pub(crate) arms: Vec<(&'static str, Vec<syn::Arm>)>,
    /// Types, by the one identifier of the path they replace (each place gets a copy).
    pub(crate) types: Vec<(&'static str, syn::Type)>,
    /// Expressions, by the name of the macro `name!()` they replace (each place gets a copy).
    pub(crate) exprs: Vec<(&'static str, syn::Expr)>,
}

/// The name of a macro called with no arguments (`name!()`), the form of every hole but
/// identifiers and types: a statement, an arm's pattern, an expression, an impl item.
fn hole_name(mac: &syn::Macro) -> Option<String> {
    (mac.tokens.is_empty()).then(|| mac.path.get_ident().map(|ident| ident.to_string())).flatten()
}

impl VisitMut for Holes {
    fn visit_ident_mut(&mut self, ident: &mut syn::Ident) {
        if let Some((_, with)) = self.idents.iter().find(|(name, _)| ident == name) {
            *ident = with.clone();
        }
    }

    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        if let syn::Type::Path(syn::TypePath { qself: None, path, .. }) = &*ty
            && let Some(name) = path.get_ident()
            && let Some((_, with)) = self.types.iter().find(|(hole, _)| name == hole)
        {
            *ty = with.clone();
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::Macro(mac) = &*expr
            && let Some(name) = hole_name(&mac.mac)
            && let Some((_, with)) = self.exprs.iter().find(|(hole, _)| *hole == name)
        {
            *expr = with.clone();
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        syn::visit_mut::visit_block_mut(self, block);
        let mut index = 0;
        while index < block.stmts.len() && !self.stmts.is_empty() {
            if let syn::Stmt::Macro(stmt) = &block.stmts[index]
                && let Some(name) = hole_name(&stmt.mac)
                && let Some(at) = self.stmts.iter().position(|(hole, _)| *hole == name)
            {
                let stmts = self.stmts.swap_remove(at).1;
                let count = stmts.len();
                block.stmts.splice(index..=index, stmts);
                index += count;
            } else {
                index += 1;
            }
        }
    }

    fn visit_expr_match_mut(&mut self, expr: &mut syn::ExprMatch) {
        syn::visit_mut::visit_expr_match_mut(self, expr);
        let hole = expr.arms.iter().position(|arm| {
            matches!(&arm.pat, syn::Pat::Macro(pat) if hole_name(&pat.mac)
                .is_some_and(|name| self.arms.iter().any(|(hole, _)| *hole == name)))
        });
        if let Some(index) = hole
            && let syn::Pat::Macro(pat) = &expr.arms[index].pat
            && let Some(name) = hole_name(&pat.mac)
            && let Some(at) = self.arms.iter().position(|(hole, _)| *hole == name)
        {
            let arms = self.arms.swap_remove(at).1;
            expr.arms.splice(index..=index, arms);
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn types_built_as_trees_are_the_types_syn_reads_from_their_source() {
        use crate::ir::{TypeExpr, TypeId};
        let named = || TypeExpr::Named(TypeId::named("Order".to_string()));
        // Each IR type with the Rust source it stands for, written out by hand.
        let types = [
            (TypeExpr::String, quote!(::std::string::String)),
            (TypeExpr::Uri, quote!(::std::string::String)),
            (TypeExpr::Integer, quote!(i64)),
            (TypeExpr::Integer32, quote!(i32)),
            (TypeExpr::Number, quote!(f64)),
            (TypeExpr::Boolean, quote!(bool)),
            (TypeExpr::Any, quote!(::accord_runtime::serde_json::Value)),
            (TypeExpr::DateTime, quote!(::accord_runtime::types::DateTime)),
            (TypeExpr::Decimal, quote!(::accord_runtime::types::Decimal)),
            (TypeExpr::Uuid, quote!(::accord_runtime::uuid::Uuid)),
            (TypeExpr::Binary, quote!(::accord_runtime::File)),
            (named(), quote!(crate::models::Order)),
            (TypeExpr::Named(TypeId::named("r#Type".to_string())), quote!(crate::models::r#Type)),
            (TypeExpr::Array(Box::new(named())), quote!(::std::vec::Vec<crate::models::Order>)),
            (
                TypeExpr::Map(Box::new(TypeExpr::Array(Box::new(TypeExpr::Map(Box::new(TypeExpr::Integer)))))),
                quote!(::std::collections::BTreeMap<::std::string::String, ::std::vec::Vec<::std::collections::BTreeMap<::std::string::String, i64>>>),
            ),
        ];
        for (ty, source) in &types {
            let parsed: syn::Type = syn::parse2(source.clone()).expect("parses");
            let built = rust_type(ty);
            // Printed in a file (prettyplease): the same text as the source's.
            let file = |ty: &syn::Type| prettyplease::unparse(&syn::parse_quote!(type T = #ty;));
            assert_eq!(file(&built), file(&parsed), "{ty:?}");
            let tokens: syn::Type = syn::parse2(crate::emit::rust::tokens::type_tokens(ty)).expect("parses");
            assert_eq!(file(&tokens), file(&parsed), "{ty:?}");
            let (optional, parsed_optional) = (
                option_type(built.clone()),
                syn::parse2::<syn::Type>(quote!(::std::option::Option<#parsed>)).expect("parses"),
            );
            assert_eq!(file(&optional), file(&parsed_optional), "{ty:?}");
            let decode = turbofish_expr("crate::errors::decode_response", [built.clone()]);
            let parsed_decode: syn::Expr =
                syn::parse2(quote!(crate::errors::decode_response::<#parsed>)).expect("parses");
            assert_eq!(quote!(#decode).to_string(), quote!(#parsed_decode).to_string(), "{ty:?}");
            let reference = reference_type("'a", built);
            assert_eq!(file(&reference), file(&syn::parse2(quote!(&'a #parsed)).expect("parses")), "{ty:?}");
        }
        // Under another crate's root, with a leading `::`, as the contract tests name types.
        let root = path("::orders_client");
        let built = rust_type_in(&TypeExpr::Array(Box::new(named())), &root);
        let source: syn::Type = syn::parse_quote!(::std::vec::Vec<::orders_client::models::Order>);
        assert_eq!(
            prettyplease::unparse(&syn::parse_quote!(type T = #built;)),
            prettyplease::unparse(&syn::parse_quote!(type T = #source;))
        );
    }

    /// `stmt` printed by prettyplease in a function's body.
    fn printed(stmt: syn::Stmt) -> String {
        let file: syn::File = syn::parse_quote!(fn f() { #stmt });
        prettyplease::unparse(&file)
    }

    /// The same text parsed by syn, printed.
    fn parsed(text: &str) -> String {
        let file: syn::File = syn::parse_str(&format!("fn f() {{ {text} }}")).expect("parses");
        prettyplease::unparse(&file)
    }

    #[test]
    fn built_trees_print_as_syn_parses_their_text() {
        let ident = super::super::tokens::ident;
        let slot = ident("field_0");
        let cases: Vec<(syn::Stmt, &str)> = vec![
            (
                let_stmt(
                    vec![cfg_attribute(quote!(feature = "a"))],
                    ident_pat(slot.clone(), true),
                    path_expr("::std::option::Option::None"),
                ),
                r#"#[cfg(feature = "a")] let mut field_0 = ::std::option::Option::None;"#,
            ),
            (
                syn::Stmt::Expr(
                    match_expr(
                        tuple([ident_expr(&slot)], true),
                        vec![
                            arm(
                                Vec::new(),
                                tuple_pat(
                                    [tuple_struct_pat("::std::option::Option::Some", [ident_pat(slot.clone(), false)])],
                                    true,
                                ),
                                call(
                                    "::std::result::Result::Ok",
                                    [struct_expr(
                                        &slot,
                                        vec![field_value(
                                            Vec::new(),
                                            slot.clone(),
                                            try_expr(method_call(ident_expr(&slot), "get")),
                                        )],
                                        true,
                                    )],
                                ),
                            ),
                            arm(
                                Vec::new(),
                                str_pat("a \"quoted\" key"),
                                reference(array([tuple([str_expr("x"), path_expr("y")], false)]), true),
                            ),
                            arm(Vec::new(), wild_pat(), struct_expr(&slot, Vec::new(), true)),
                        ],
                    ),
                    None,
                ),
                r#"match (field_0,) {
                    (::std::option::Option::Some(field_0),) => ::std::result::Result::Ok(field_0 { field_0: field_0.get()?, }),
                    "a \"quoted\" key" => &mut [("x", y)],
                    _ => field_0 {},
                }"#,
            ),
        ];
        let is_some = |name: &str| call("usize::from", [method_call(self_field(ident(name)), "is_some")]);
        let more: Vec<(syn::Stmt, &str)> = vec![
            (
                let_stmt(Vec::new(), ident_pat(ident("len"), false), add(add(int_expr(2), is_some("a")), is_some("b"))),
                "let len = 2 + usize::from(self.a.is_some()) + usize::from(self.b.is_some());",
            ),
            (
                syn::Stmt::Expr(
                    method_call_with(
                        path_expr("path"),
                        "push_str",
                        [reference(
                            call(
                                "::accord_runtime::client::path_param",
                                [
                                    str_expr("id"),
                                    reference(self_field(ident("id")), false),
                                    path_expr("::accord_runtime::style::ParamStyle::Label"),
                                    bool_expr(true),
                                ],
                            ),
                            false,
                        )],
                    ),
                    Some(Default::default()),
                ),
                r#"path.push_str(&::accord_runtime::client::path_param("id", &self.id, ::accord_runtime::style::ParamStyle::Label, true));"#,
            ),
            (
                syn::Stmt::Item(syn::Item::Enum(syn::ItemEnum {
                    attrs: [
                        doc_attributes("An enum, \"quoted\".\n\nTwo paragraphs."),
                        vec![list_attribute("derive", quote!(Debug, Clone)), path_attribute("non_exhaustive")],
                    ]
                    .concat(),
                    vis: syn::Visibility::Public(Default::default()),
                    enum_token: Default::default(),
                    ident: ident("Color"),
                    generics: Default::default(),
                    brace_token: Default::default(),
                    variants: punctuated(
                        [syn::Variant {
                            attrs: vec![doc_attribute(proc_macro2::Literal::string(" `red`"))],
                            ident: ident("Red"),
                            fields: syn::Fields::Unit,
                            discriminant: None,
                        }],
                        true,
                    ),
                })),
                "/// An enum, \"quoted\".\n///\n/// Two paragraphs.\n#[derive(Debug, Clone)] #[non_exhaustive] pub enum Color { /// `red`\n Red, }",
            ),
        ];
        for (built, text) in cases.into_iter().chain(more) {
            assert_eq!(printed(built), parsed(text), "{text}");
        }
    }

    thread_local! {
        static TEMPLATE: Parsed<syn::ItemImpl> = parse_template(quote! {
            impl __Name { fn f() { __body!(); } fn g() { match x { __arms!() => {} _ => 1, } } }
        });
        static BROKEN: Parsed<syn::ItemImpl> = parse_template(quote!(impl {}));
    }

    #[test]
    fn a_template_is_copied_with_its_holes_filled() {
        let mut item = instantiate(&TEMPLATE).expect("the template parses");
        let body = vec![let_stmt(Vec::new(), wild_pat(), path_expr("__Name"))];
        Holes {
            idents: vec![("__Name", super::super::tokens::ident("Model"))],
            stmts: vec![("__body", body)],
            arms: vec![("__arms", vec![arm(Vec::new(), str_pat("a"), str_expr("b"))])],
            ..Holes::default()
        }
        .visit_item_impl_mut(&mut item);
        let file: syn::File = syn::parse_quote!(#item);
        let expected: syn::File =
            syn::parse_str(r#"impl Model { fn f() { let _ = __Name; } fn g() { match x { "a" => "b", _ => 1, } } }"#)
                .expect("parses");
        // The statements moved into a hole are not visited: `__Name` in them stays.
        assert_eq!(prettyplease::unparse(&file), prettyplease::unparse(&expected));
        // A template that does not parse gives back its tokens.
        assert_eq!(instantiate(&BROKEN).err().map(|tokens| tokens.to_string()), Some(quote!(impl {}).to_string()));
    }
}
