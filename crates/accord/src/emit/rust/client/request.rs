//! One request builder per endpoint in `client.rs`: a struct holding the parameters and body,
//! setters for the optional ones, `send`/`send_full`, pagination, and `request`, which encodes
//! them as the runtime's `RequestSpec`.

use proc_macro2::TokenStream;
use quote::quote;

use super::methods::operation_notes;
use super::pagination::pagination_methods;
use crate::emit::rust::syntax::{self, Holes, Parsed, doc_attributes, instantiate, parse_template};
use crate::emit::rust::tokens::{doc, ident, lit, success_tokens};
use crate::ir::{AuthIr, ContentType, Ir, Operation, Param, ParamLocation, ParamStyle};
use syn::visit_mut::VisitMut;

/// `pub struct NAMEBuilder<'a>` and its methods (an `impl`: the setters of the optional
/// parameters, `send` and `send_full` ([`send_fns`]), pagination, `request`), for one
/// operation, as syntax trees built from parsed templates ([`crate::emit::rust::syntax`]):
/// on GitHub's 771 operations, parsing the builders' tokens was ≈ 3 % of `accord generate`
/// (issue 22). `Err` holds the struct and methods as tokens when they could not be built as
/// trees (an accord bug; tokens that do not parse are reported by the printer).
pub(super) fn request_builder(ir: &Ir, op: &Operation) -> Result<(syn::ItemStruct, syn::ItemImpl), TokenStream> {
    let builder = ident(&op.builder_name);
    let success = success_tokens(op);
    let pagination = pagination_methods(op, &success);
    let request = request_fn(&ir.auth, op, crate::emit::rust::models_crate::models_in_own_crate(ir));
    let builder_doc = format!(
        "Request builder for [`Client::{}`] (`{} {}`).",
        crate::names::bare(&op.method_name),
        op.http_method.as_str(),
        op.path
    );
    let send = match super::streaming::send_fns(ir, op) {
        Some(streamed) => impl_items(streamed),
        None => send_fns(ir, op).map(|fns| fns.items),
    };
    let pagination = if pagination.is_empty() { Ok(Vec::new()) } else { impl_items(pagination) };
    let (fields, setters) = fields_and_setters(op);
    match (instantiate(&BUILDER), instantiate(&METHODS), setters, send, pagination, request) {
        (Ok(mut item), Ok(mut methods), Ok(setters), Ok(send), Ok(pagination), Ok(request)) => {
            // `Debug` is not derived but one runtime call ([`debug_impl`]).
            Holes { idents: vec![("__Builder", builder.clone())], ..Holes::default() }.visit_item_struct_mut(&mut item);
            item.attrs.splice(0..0, doc_attributes(&builder_doc));
            if let syn::Fields::Named(named) = &mut item.fields {
                named.named.extend(fields);
            }
            Holes { idents: vec![("__Builder", builder)], ..Holes::default() }.visit_item_impl_mut(&mut methods);
            methods.items.extend(setters.into_iter().map(syn::ImplItem::Fn));
            methods.items.extend(send);
            methods.items.extend(pagination);
            methods.items.push(request);
            Ok((item, methods))
        }
        // Something did not build as a tree (an accord bug): the same items as tokens.
        (_, _, setters, send, pagination, request) => {
            let builder_doc = doc(&builder_doc);
            let setters = setters.map_or_else(|tokens| tokens, |setters| quote!(#(#setters)*));
            let send = send.map_or_else(|tokens| tokens, |items| quote!(#(#items)*));
            let pagination = pagination.map_or_else(|tokens| tokens, |items| quote!(#(#items)*));
            let request = request.map_or_else(|tokens| tokens, |item| quote!(#item));
            Err(quote! {
                #builder_doc
                #[derive(Clone)]
                #[must_use = "a request does nothing until `.send().await`"]
                pub struct #builder<'a> {
                    client: &'a Client,
                    #(#fields,)*
                }
                impl<'a> #builder<'a> {
                    #setters
                    #send
                    #pagination
                    #request
                }
            })
        }
    }
}

/// Items of an `impl` given as tokens, parsed; `Err` holds the tokens when they do not parse.
fn impl_items(tokens: TokenStream) -> Result<Vec<syn::ImplItem>, TokenStream> {
    syn::parse2::<syn::ItemImpl>(quote!(impl Items { #tokens })).map(|item| item.items).map_err(|_| tokens)
}

thread_local! {
    /// A request builder but for its name (`__Builder`), its documentation and its fields
    /// after `client`: [`request_builder`].
    static BUILDER: Parsed<syn::ItemStruct> = parse_template(quote! {
        #[derive(Clone)]
        #[must_use = "a request does nothing until `.send().await`"]
        pub struct __Builder<'a> {
            client: &'a Client,
        }
    });
    /// The `impl` of a request builder's methods, before they are added: [`request_builder`].
    static METHODS: Parsed<syn::ItemImpl> = parse_template(quote! {
        impl<'a> __Builder<'a> {}
    });
    /// The setter of an optional parameter but for its name (`__name`), its argument's type
    /// (`__Arg`) and the value it stores (`__value`): [`param_setter`].
    static PARAM_SETTER: Parsed<syn::ImplItemFn> = parse_template(quote! {
        pub fn __name(mut self, value: __Arg) -> Self {
            self.__name = ::std::option::Option::Some(__value!());
            self
        }
    });
    /// The setter of a raw body's media type: [`fields_and_setters`].
    static CONTENT_TYPE_SETTER: Parsed<syn::ImplItemFn> = parse_template(quote! {
        pub fn content_type(mut self, media_type: impl ::std::convert::Into<::std::string::String>) -> Self {
            self.content_type = ::std::option::Option::Some(media_type.into());
            self
        }
    });
    /// The setter of an optional body but for the body's type (`__Held`): [`fields_and_setters`].
    static BODY_SETTER: Parsed<syn::ImplItemFn> = parse_template(quote! {
        /// Sets the (optional) request body.
        pub fn body(mut self, body: __Held) -> Self {
            self.body = ::std::option::Option::Some(body);
            self
        }
    });
    /// The setter of the idempotency key: [`fields_and_setters`].
    static IDEMPOTENCY_SETTER: Parsed<syn::ImplItemFn> = parse_template(quote! {
        pub fn idempotency_key(mut self, key: impl ::std::convert::Into<::std::string::String>) -> Self {
            self.idempotency_key = ::std::option::Option::Some(key.into());
            self
        }
    });
}

/// A private field of a request builder, `name: ty`.
fn builder_field(name: &str, ty: syn::Type) -> syn::Field {
    syn::Field {
        attrs: Vec::new(),
        vis: syn::Visibility::Inherited,
        modifiers: Default::default(),
        ident: Some(ident(name)),
        colon_token: Some(Default::default()),
        ty,
        default: None,
    }
}

/// The type a builder holds its body as: `&'a T` of the body's type ([`body_tokens`]), or
/// the streamed body's own type.
pub(super) fn held_body_type(body: &crate::ir::BodyIr) -> syn::Type {
    if let Some(streamed) = super::streaming::body_type(body) {
        return streamed;
    }
    let elem = match body.content_type {
        ContentType::Json | ContentType::Form | ContentType::Multipart => syntax::rust_type(&body.ty),
        ContentType::Text => syntax::path_type("str", []),
        ContentType::Binary => syn::Type::Slice(syn::TypeSlice {
            attrs: Vec::new(),
            bracket_token: Default::default(),
            elem: Box::new(syntax::path_type("u8", [])),
        }),
    };
    syntax::reference_type("'a", elem)
}

/// The builder's fields (every parameter, the body, the idempotency key) and the setters of
/// the optional ones, as syntax trees; the setters are `Err` (as tokens) when a template does
/// not parse (an accord bug).
fn fields_and_setters(op: &Operation) -> (Vec<syn::Field>, Result<Vec<syn::ImplItemFn>, TokenStream>) {
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut broken = None;
    let mut add = |setter: Result<syn::ImplItemFn, TokenStream>| match setter {
        Ok(setter) => setters.push(setter),
        Err(tokens) => broken = Some(tokens),
    };
    for param in op.path_params.iter().chain(op.query.iter()).chain(op.headers.iter()) {
        let ty = syntax::rust_type(&param.ty);
        let is_path = op.path_params.iter().any(|p| p.wire_name == param.wire_name && std::ptr::eq(p, param));
        if param.required || is_path {
            fields.push(builder_field(&param.rust_name, ty));
            continue;
        }
        fields.push(builder_field(&param.rust_name, syntax::option_type(ty)));
        add(param_setter(param));
    }
    let optional_string = || syntax::option_type(syntax::path_type("::std::string::String", []));
    if let Some(body) = &op.body {
        if body.content_type.is_raw() {
            fields.push(builder_field("content_type", optional_string()));
            add(instantiate(&CONTENT_TYPE_SETTER).map(|mut setter| {
                setter.attrs = doc_attributes(&content_type_doc(body));
                setter
            }));
        }
        let held = held_body_type(body);
        if body.required {
            fields.push(builder_field("body", held));
        } else {
            fields.push(builder_field("body", syntax::option_type(held.clone())));
            add(instantiate(&BODY_SETTER).map(|mut setter| {
                Holes { types: vec![("__Held", held)], ..Holes::default() }.visit_impl_item_fn_mut(&mut setter);
                setter
            }));
        }
    }
    if let Some(header) = &op.idempotency_header {
        fields.push(builder_field("idempotency_key", optional_string()));
        add(instantiate(&IDEMPOTENCY_SETTER).map(|mut setter| {
            setter.attrs = doc_attributes(&format!(
                "Sets the idempotency key, sent as `{header}`; the provider answers a repeated key with the first result."
            ));
            setter
        }));
    }
    (fields, broken.map_or(Ok(setters), Err))
}

/// The documentation of a raw body's `content_type` setter.
fn content_type_doc(body: &crate::ir::BodyIr) -> String {
    match &body.media_type {
        Some(media_type) if media_type.ends_with("/*") => format!(
            "Sets the body's media type, sent in `Content-Type`: one of `{media_type}`, e.g. `{}` (default `{}`).",
            media_type.replace('*', "example"),
            body.default_media_type()
        ),
        _ => format!("Sets the body's media type, sent in `Content-Type` (default `{}`).", body.default_media_type()),
    }
}

/// The setter of an optional parameter, documented with its description and constraints.
fn param_setter(param: &Param) -> Result<syn::ImplItemFn, TokenStream> {
    let mut text = format!("Sets `{}`.", param.wire_name);
    if let Some(description) = &param.description {
        text.push_str(&format!(" {}", description.trim_end()));
    }
    let summary = param.constraints.summary();
    if !summary.is_empty() {
        text.push_str(&format!("\n\nConstraints: {summary}."));
    }
    let (arg, value) = super::methods::param_arg_tree(param, syntax::path_expr("value"))?;
    let mut setter = instantiate(&PARAM_SETTER)?;
    Holes {
        idents: vec![("__name", ident(&param.rust_name))],
        types: vec![("__Arg", arg)],
        exprs: vec![("__value", value)],
        ..Holes::default()
    }
    .visit_impl_item_fn_mut(&mut setter);
    setter.attrs = doc_attributes(&text);
    Ok(setter)
}

thread_local! {
    /// A request builder's `Debug` but for the builder's name (`__Builder`, and as text
    /// `__builder`) and the operation's (`__operation`): [`debug_impl`].
    static DEBUG: Parsed<syn::ItemImpl> = parse_template(quote! {
        impl ::std::fmt::Debug for __Builder<'_> {
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::accord_runtime::request::debug_builder(formatter, __builder!(), __operation!())
            }
        }
    });
}

/// The request builder's `Debug`: its type and operation through
/// `accord_runtime::request::debug_builder`, never its parameters. Not derived: on GitHub's
/// 771 builders the derive's per-field code was 0.4 s of the client crate's 2.5 s `cargo
/// check` (issue 22), and it printed every parameter, credentials in headers too. `Err` holds
/// the template's tokens when they do not parse (an accord bug).
pub(super) fn debug_impl(op: &Operation) -> Result<syn::Item, TokenStream> {
    let mut item = instantiate(&DEBUG)?;
    Holes {
        idents: vec![("__Builder", ident(&op.builder_name))],
        exprs: vec![("__builder", syntax::str_expr(&op.builder_name)), ("__operation", syntax::str_expr(&op.name))],
        ..Holes::default()
    }
    .visit_item_impl_mut(&mut item);
    Ok(syn::Item::Impl(item))
}

thread_local! {
    /// `send` and `send_full` but for the success type (`__Success`), the function that
    /// decodes the response (`__decode`) and the documentation of `send`: [`send_fns`].
    static SEND: Parsed<syn::ItemImpl> = parse_template(quote! {
        impl<'a> Builder<'a> {
            pub fn send(self) -> ::accord_runtime::send::Sending<'a, ::std::result::Result<__Success, crate::errors::Error>> {
                ::accord_runtime::send::send(&self.client.inner, self.request(), __decode!())
            }

            /// Like [`Self::send`], keeping the status and headers of the response.
            ///
            /// Errors: as [`Self::send`].
            pub fn send_full(self) -> ::accord_runtime::send::Sending<'a, ::std::result::Result<::accord_runtime::Response<__Success>, crate::errors::Error>> {
                ::accord_runtime::send::send_full(&self.client.inner, self.request(), __decode!())
            }
        }
    });
}

/// The type of an operation's success body ([`success_tokens`]) as a syntax tree.
fn success_type(op: &Operation) -> syn::Type {
    if op.success_stream.is_some() {
        return syntax::path_type("::accord_runtime::ByteStream", []);
    }
    match (&op.success, op.success_content_type) {
        (None, _) => syn::Type::Tuple(syn::TypeTuple {
            attrs: Vec::new(),
            paren_token: Default::default(),
            elems: Default::default(),
        }),
        (Some(ty), ContentType::Json | ContentType::Form | ContentType::Multipart) => syntax::rust_type(ty),
        (Some(_), ContentType::Text) => syntax::path_type("::std::string::String", []),
        (Some(_), ContentType::Binary) => syntax::path_type("::std::vec::Vec", [syntax::path_type("u8", [])]),
    }
}

/// `send` and `send_full` (the items of an `impl`), documented with the operation's notes; a
/// `text` or `binary` success body is read as it is (`accord_runtime::response::decode_raw`).
/// Both return the runtime's generic futures (`accord_runtime::send`), not an `async fn` each
/// (issue 22). Copied from a template ([`crate::emit::rust::syntax`]): every endpoint has them.
fn send_fns(ir: &Ir, op: &Operation) -> Result<syn::ItemImpl, TokenStream> {
    let success_type = success_type(op);
    let decode = match (&op.success, op.success_content_type) {
        (Some(_), ContentType::Text | ContentType::Binary) => syntax::turbofish_expr(
            "::accord_runtime::response::decode_raw",
            [success_type.clone(), syntax::path_type("crate::errors::Error", [])],
        ),
        _ if crate::emit::rust::body_errors::checks_success_bodies(ir, op) => {
            syntax::turbofish_expr("crate::errors::decode_response_checked", [success_type.clone()])
        }
        _ => syntax::turbofish_expr("crate::errors::decode_response", [success_type.clone()]),
    };
    let notes = operation_notes(ir, op);
    let send_doc = doc_attributes(&format!(
        "Sends the request and decodes the success body.\n\nErrors: [`crate::errors::Error::Api`] for a declared error code, `UnexpectedStatus`, `Transport` or `Decode` otherwise.{}",
        if notes.is_empty() { String::new() } else { format!("\n\n{notes}") }
    ));
    let mut fns = instantiate(&SEND)?;
    Holes { types: vec![("__Success", success_type)], exprs: vec![("__decode", decode)], ..Holes::default() }
        .visit_item_impl_mut(&mut fns);
    if let Some(syn::ImplItem::Fn(send)) = fns.items.first_mut() {
        send.attrs.splice(0..0, send_doc);
    }
    Ok(fns)
}

thread_local! {
    /// `request` but for the path's pieces (`__path`), the HTTP method (`__METHOD`), the
    /// operation's name (`__operation`) and the statements that encode the rest
    /// (`__encode`): [`request_fn`].
    static REQUEST: Parsed<syn::ItemImpl> = parse_template(quote! {
        impl<'a> Builder<'a> {
            /// The request this builder describes, as the runtime sends it.
            ///
            /// Errors: `Decode` when a parameter or the body cannot be encoded.
            pub fn request(&self) -> ::std::result::Result<::accord_runtime::RequestSpec, crate::errors::Error> {
                let mut path = ::std::string::String::new();
                __path!();
                #[allow(unused_mut)]
                let mut request = ::accord_runtime::RequestSpec::new(::accord_runtime::reqwest::Method::__METHOD, __operation!(), path);
                __encode!();
                ::std::result::Result::Ok(request)
            }
        }
    });
}

/// `request`: the path, query, headers, body and idempotency key as a `RequestSpec`.
/// `models_apart`: the models are a crate of their own (see `multipart`'s `MultipartParts`).
/// Copied from a template ([`crate::emit::rust::syntax`]), the path built directly; `Err`
/// holds tokens that do not parse (an accord bug).
fn request_fn(auth: &AuthIr, op: &Operation, models_apart: bool) -> Result<syn::ImplItem, TokenStream> {
    let fixed_query: TokenStream = op
        .fixed_query
        .iter()
        .map(|fixed| {
            let (name, value) = (lit(&fixed.name), lit(&fixed.value));
            quote!(request.query(#name, #value).map_err(crate::errors::Error::Decode)?;)
        })
        .collect();
    let fixed_headers: TokenStream = op
        .fixed_headers
        .iter()
        .map(|fixed| {
            let (name, value) = (lit(&fixed.name), lit(&fixed.value));
            quote!(request.headers.push((#name.to_string(), #value.to_string()));)
        })
        .collect();
    let body = body_encoding(op, models_apart);
    let idempotency = idempotency_encoding(op);
    let requirement = super::auth::requirement_encoding(auth, op);
    let server = super::servers::request_server(op);
    let rest = quote! {
        #body
        #idempotency
        #requirement
        #server
    };
    // Statements given as tokens are parsed a piece at a time; the parameters' are built.
    let statements = |tokens: TokenStream| -> Result<Vec<syn::Stmt>, TokenStream> {
        if tokens.is_empty() {
            return Ok(Vec::new());
        }
        syn::parse::Parser::parse2(syn::Block::parse_within, tokens.clone()).map_err(|_| tokens)
    };
    let mut encode = statements(fixed_query)?;
    encode.extend(parameter_encoding(&op.query, ParamLocation::Query)?);
    encode.extend(statements(fixed_headers)?);
    encode.extend(parameter_encoding(&op.headers, ParamLocation::Header)?);
    encode.extend(statements(rest)?);
    let mut request = instantiate(&REQUEST)?;
    Holes {
        idents: vec![("__METHOD", ident(op.http_method.as_str()))],
        stmts: vec![("__path", path_pieces(op)), ("__encode", encode)],
        exprs: vec![("__operation", syntax::str_expr(&op.name))],
        ..Holes::default()
    }
    .visit_item_impl_mut(&mut request);
    request.items.pop().ok_or_else(|| quote!(#request))
}

/// The path, built from literal pieces and percent-encoded parameters.
fn path_pieces(op: &Operation) -> Vec<syn::Stmt> {
    let push = |piece: syn::Expr| {
        syn::Stmt::Expr(
            syntax::method_call_with(syntax::path_expr("path"), "push_str", [piece]),
            Some(Default::default()),
        )
    };
    let mut pieces = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let literal = &rest[..open];
        if !literal.is_empty() {
            pieces.push(push(syntax::str_expr(literal)));
        }
        let close = rest[open..].find('}').map(|c| open + c).unwrap_or(rest.len() - 1);
        let wire = &rest[open + 1..close];
        if let Some(param) = op.path_params.iter().find(|p| p.wire_name == wire) {
            let value = syntax::reference(syntax::self_field(ident(&param.rust_name)), false);
            let encoded = if param.default_style {
                syntax::call("::accord_runtime::client::path_segment", [value])
            } else {
                syntax::call(
                    "::accord_runtime::client::path_param",
                    [
                        syntax::str_expr(&param.wire_name),
                        value,
                        syntax::path_expr(&format!("::accord_runtime::style::ParamStyle::{}", style_name(param.style))),
                        syntax::bool_expr(param.explode),
                    ],
                )
            };
            pieces.push(push(syntax::reference(encoded, false)));
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(push(syntax::str_expr(rest)));
    }
    pieces
}

/// The name of `style`'s variant of `accord_runtime::style::ParamStyle`.
fn style_name(style: ParamStyle) -> &'static str {
    match style {
        ParamStyle::Form => "Form",
        ParamStyle::SpaceDelimited => "SpaceDelimited",
        ParamStyle::PipeDelimited => "PipeDelimited",
        ParamStyle::DeepObject => "DeepObject",
        ParamStyle::Simple => "Simple",
        ParamStyle::Label => "Label",
        ParamStyle::Matrix => "Matrix",
    }
}

/// The statements that add each of `params` (query or header parameters) to the request,
/// an optional one only when set: `request.query(…)`/`request.header(…)` in the place's
/// default style, `query_styled`/`header_styled` otherwise. Built as syntax trees (every
/// query parameter of a large API has one); `Err` holds the template's tokens when they do
/// not parse (an accord bug).
fn parameter_encoding(params: &[Param], location: ParamLocation) -> Result<Vec<syn::Stmt>, TokenStream> {
    params
        .iter()
        .map(|param| {
            let name = ident(&param.rust_name);
            let call = |value: syn::Expr| {
                let wire = syntax::str_expr(&param.wire_name);
                let explode = syntax::bool_expr(param.explode);
                let (method, args) = match (location, param.default_style) {
                    (ParamLocation::Header, true) => ("header", vec![wire, value]),
                    (ParamLocation::Header, false) => ("header_styled", vec![wire, value, explode]),
                    (ParamLocation::Query | ParamLocation::Path, true) => ("query", vec![wire, value]),
                    (ParamLocation::Query | ParamLocation::Path, false) => {
                        let style = syntax::path_expr(&format!(
                            "::accord_runtime::style::ParamStyle::{}",
                            style_name(param.style)
                        ));
                        ("query_styled", vec![wire, value, style, explode])
                    }
                };
                let call = syntax::method_call_with(syntax::path_expr("request"), method, args);
                let checked =
                    syntax::method_call_with(call, "map_err", [syntax::path_expr("crate::errors::Error::Decode")]);
                syn::Stmt::Expr(syntax::try_expr(checked), Some(Default::default()))
            };
            if param.required {
                Ok(call(syntax::reference(syntax::self_field(name), false)))
            } else {
                let mut stmt = instantiate(&IF_SET)?;
                Holes {
                    idents: vec![("__name", name)],
                    stmts: vec![("__encode", vec![call(syntax::path_expr("value"))])],
                    ..Holes::default()
                }
                .visit_stmt_mut(&mut stmt);
                Ok(stmt)
            }
        })
        .collect()
}

thread_local! {
    /// An optional parameter's encoding, but for its name (`__name`) and the statement that
    /// encodes its `value` (`__encode`): [`parameter_encoding`].
    static IF_SET: Parsed<syn::Stmt> = parse_template(quote! {
        if let ::std::option::Option::Some(value) = &self.__name {
            __encode!();
        }
    });
}

/// Whether `op` sends a `multipart/form-data` body.
fn body_is_multipart(op: &Operation) -> bool {
    op.body.as_ref().is_some_and(|body| body.content_type == ContentType::Multipart)
}

/// The statements that encode the body by its content type, an optional one only when set.
/// A multipart body of models in a crate of their own (`models_apart`) goes through the
/// client crate's local `MultipartParts` (see `multipart`).
fn body_encoding(op: &Operation, models_apart: bool) -> Option<TokenStream> {
    op.body.as_ref().map(|body| {
        if let Some(streamed) = super::streaming::body_encoding(body) {
            return streamed;
        }
        let setter = match body.content_type {
            ContentType::Json => quote!(json_body),
            ContentType::Form => quote!(form_body),
            ContentType::Multipart => quote!(multipart_body),
            ContentType::Text | ContentType::Binary => {
                let media_type = lit(body.default_media_type());
                let content_type = quote!(self.content_type.as_deref().unwrap_or(#media_type));
                return if body.required {
                    quote!(request.raw_body(#content_type, self.body);)
                } else {
                    quote! {
                        if let ::std::option::Option::Some(body) = self.body {
                            request.raw_body(#content_type, body);
                        }
                    }
                };
            }
        };
        let wrap = |body: TokenStream| {
            if models_apart && body_is_multipart(op) { quote!(&MultipartParts(#body)) } else { body }
        };
        if body.required {
            let body = wrap(quote!(self.body));
            quote!(request.#setter(#body).map_err(crate::errors::Error::Decode)?;)
        } else {
            let body = wrap(quote!(body));
            quote! {
                if let ::std::option::Option::Some(body) = self.body {
                    request.#setter(#body).map_err(crate::errors::Error::Decode)?;
                }
            }
        }
    })
}

/// The statements that mark the request idempotent and send the caller's key, if set.
fn idempotency_encoding(op: &Operation) -> Option<TokenStream> {
    op.idempotency_header.as_ref().map(|header| {
        let header = lit(header);
        quote! {
            request.idempotency_header = ::std::option::Option::Some(#header);
            if let ::std::option::Option::Some(key) = &self.idempotency_key {
                request.headers.push((#header.to_string(), key.clone()));
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_builders_debug_names_its_type_and_operation_and_no_parameter() {
        assert!(DEBUG.with(Result::is_ok));
        let source = "accord: 1\nname: debug\nendpoints:\n  get_order:\n    method: GET\n    path: /orders/{id}\n    path_params: { id: string }\n    headers:\n      X-Api-Key: { type: string, required: true }\n    responses: { \"200\": string }\n";
        let ir =
            crate::project::compile_spec(std::path::Path::new("debug.yaml"), source).expect("the spec compiles").ir;
        let op = &ir.operations[0];
        let item = debug_impl(op).expect("the template parses");
        let mut file = syn::parse2::<syn::File>(TokenStream::new()).expect("an empty file parses");
        file.items.push(item);
        let text = prettyplease::unparse(&file);
        assert!(text.contains(&format!("impl ::std::fmt::Debug for {}<'_>", op.builder_name)), "{text}");
        let compact: String = text.split_whitespace().collect();
        assert!(
            compact.contains(&format!("debug_builder(formatter,\"{}\",\"get_order\",)", op.builder_name)),
            "{text}"
        );
        // The parameters are not read: only the names go to the runtime.
        assert!(!text.contains("self."), "{text}");
    }
}
