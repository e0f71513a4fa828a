//! `.pages()` and `.stream()` of a paginated endpoint's request builder, and its
//! `PAGE_STYLE`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::tokens::{doc, lit, optional_str, type_tokens};
use crate::ir::{Operation, PaginationIr};

/// `.pages()` and `.stream()` for a paginated operation.
pub(super) fn pagination_methods(op: &Operation, success: &TokenStream) -> TokenStream {
    let Some(pagination) = &op.pagination else { return quote!() };
    let pointer = |value: &Option<String>| optional_str(value.as_deref());
    let (style, how) = match pagination {
        PaginationIr::Cursor { param, next, from_last_item, has_more, items } => {
            let (param_lit, next_lit) = (lit(param), lit(next));
            let (has_more_tokens, items_tokens) = (pointer(has_more), pointer(items));
            (
                quote!(::accord_runtime::PageStyle::Cursor {
                    param: #param_lit,
                    next: #next_lit,
                    from_last_item: #from_last_item,
                    has_more: #has_more_tokens,
                    items: #items_tokens,
                }),
                format!(
                    "sending the cursor at `{next}`{} as `{param}`",
                    if *from_last_item { " of the last item" } else { "" }
                ),
            )
        }
        PaginationIr::Page { param, link_header, items, .. } => {
            let param_lit = lit(param);
            let items_tokens = pointer(items);
            (
                quote!(::accord_runtime::PageStyle::Page { param: #param_lit, link_header: #link_header, items: #items_tokens }),
                if *link_header {
                    "following the `Link: <…>; rel=\"next\"` header (RFC 8288)".to_string()
                } else {
                    format!("counting up `{param}` until an empty page")
                },
            )
        }
        PaginationIr::Offset { param, total, items, .. } => {
            let param_lit = lit(param);
            let (total_tokens, items_tokens) = (pointer(total), pointer(items));
            (
                quote!(::accord_runtime::PageStyle::Offset { param: #param_lit, total: #total_tokens, items: #items_tokens }),
                format!(
                    "moving `{param}` past each page's items until an empty page{}",
                    total.as_ref().map(|total| format!(" or the total at `{total}`")).unwrap_or_default()
                ),
            )
        }
        PaginationIr::Link { param, items, .. } => {
            let param_lit = lit(param);
            let items_tokens = pointer(items);
            (
                quote!(::accord_runtime::PageStyle::LinkCursor { param: #param_lit, items: #items_tokens }),
                format!(
                    "following the `Link: <…>; rel=\"next\"` header (RFC 8288), whose URL carries the cursor `{param}`"
                ),
            )
        }
        PaginationIr::NextUrl { next, items } => {
            let next_lit = lit(next);
            let items_tokens = pointer(items);
            (
                quote!(::accord_runtime::PageStyle::NextUrl { next: #next_lit, items: #items_tokens }),
                format!("following the URL at `{next}`"),
            )
        }
    };
    let pages_doc = doc(&format!(
        "Every page, from the one this builder describes to the last, {how}. Each page is one request under the client's rate limits, retries and timeouts; the stream ends after the last page or at the first error."
    ));
    let stream = op.page_item.as_ref().map(|item| {
        let item = type_tokens(item);
        quote! {
            /// Every item of every page (see [`Self::pages`]).
            pub fn stream(self) -> ::accord_runtime::paginate::PageStream<::std::result::Result<#item, crate::errors::Error>> {
                ::accord_runtime::paginate::items::<#item, crate::errors::Error>(self.client.inner.clone(), self.request(), Self::PAGE_STYLE)
            }
        }
    });
    quote! {
        /// How this endpoint pages (spec `pagination`).
        pub const PAGE_STYLE: ::accord_runtime::PageStyle = #style;

        #pages_doc
        pub fn pages(self) -> ::accord_runtime::paginate::PageStream<::std::result::Result<::accord_runtime::Response<#success>, crate::errors::Error>> {
            ::accord_runtime::paginate::pages::<#success, crate::errors::Error>(self.client.inner.clone(), self.request(), Self::PAGE_STYLE)
        }

        #stream
    }
}
