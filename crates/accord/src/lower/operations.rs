//! Endpoints become operations: parameters, body, responses, pagination and rate limit.

use super::*;

impl Lowerer<'_> {
    pub(super) fn params(
        &mut self,
        parameters: &indexmap::IndexMap<String, TypeRef>,
        context: &str,
        pointer: &str,
        location: ParamLocation,
        scope: &mut Scope,
    ) -> Vec<Param> {
        let always_required = location == ParamLocation::Path;
        parameters
            .iter()
            .map(|(wire, type_ref)| {
                let param_pointer = join_pointer(pointer, wire);
                let ty =
                    self.type_expr(type_ref, &format!("{context}{}", names::bare(&names::camel(wire))), &param_pointer);
                let inline = match type_ref {
                    TypeRef::Inline(schema) => Some(schema.as_ref()),
                    TypeRef::Name(_) => None,
                };
                let style = inline.and_then(|s| s.style).unwrap_or(ParamStyle::default_for(location));
                let explode = inline.and_then(|s| s.explode).unwrap_or(style.default_explode());
                Param {
                    wire_name: wire.clone(),
                    rust_name: scope.claim(names::snake(wire)),
                    ty,
                    required: always_required
                        || matches!(inline.and_then(|s| s.required.as_ref()), Some(Required::Flag(true))),
                    description: inline.and_then(|s| s.description.clone()),
                    constraints: inline.map(constraints).unwrap_or_default(),
                    default: inline.and_then(|s| s.default.clone()),
                    style,
                    explode,
                    default_style: style == ParamStyle::default_for(location) && explode == style.default_explode(),
                }
            })
            .collect()
    }

    pub(super) fn operation(&mut self, name: &str, endpoint: &spec::Endpoint) -> Operation {
        let pointer = join_pointer("/endpoints", name);
        let camel = names::bare(&names::camel(name)).to_string();
        let builder_name = self.type_scope.claim(format!("{camel}Request"));
        // Parameter names share one scope with the builder's own methods.
        let mut reserved = vec!["send", "send_full", "body", "client", "idempotency_key", "header", "new"];
        // A raw body's builder has a `content_type` setter (for a media type range such as
        // `image/*`); only there is the name taken, so other endpoints keep their names.
        let raw_body = endpoint.request.as_ref().is_some_and(|r| r.content_type.is_some_and(ContentType::is_raw));
        if raw_body {
            reserved.push("content_type");
        }
        let mut scope = Scope::with_reserved(&reserved);
        let declared_order = crate::check::path_parameters(&endpoint.path).unwrap_or_default();
        let mut path_params = self.params(
            &endpoint.path_params,
            &camel,
            &format!("{pointer}/path_params"),
            ParamLocation::Path,
            &mut scope,
        );
        path_params.sort_by_key(|p| declared_order.iter().position(|n| n == &p.wire_name));
        let query = self.params(&endpoint.query, &camel, &format!("{pointer}/query"), ParamLocation::Query, &mut scope);
        let headers =
            self.params(&endpoint.headers, &camel, &format!("{pointer}/headers"), ParamLocation::Header, &mut scope);
        let fixed = |values: &indexmap::IndexMap<String, String>| -> Vec<FixedValue> {
            values.iter().map(|(name, value)| FixedValue { name: name.clone(), value: value.clone() }).collect()
        };
        let fixed_headers = fixed(&endpoint.fixed.headers);
        let fixed_query = fixed(&endpoint.fixed.query);
        let body = endpoint.request.as_ref().map(|request| {
            let content_type = request.content_type.unwrap_or_default();
            BodyIr {
                ty: match raw_type(content_type) {
                    Some(ty) => ty,
                    None => self.type_expr(&request.body, &format!("{camel}Body"), &format!("{pointer}/request/body")),
                },
                content_type,
                required: request.required.unwrap_or(true),
                object_parts: request.object_parts.unwrap_or_default(),
                media_type: request.media_type.clone(),
                stream: request.stream.unwrap_or(false),
            }
        });
        let mut responses = Vec::new();
        for (key, response) in &endpoint.responses {
            // `check` accepted the key: a status or a range.
            let status = StatusPattern::parse(key).unwrap_or(StatusPattern::Exact(0));
            let response_pointer = join_pointer(&format!("{pointer}/responses"), key);
            let header_examples: Vec<(String, String)> = match response {
                spec::ResponseRef::Short(_) => Vec::new(),
                spec::ResponseRef::Full(definition) => definition
                    .headers
                    .iter()
                    .filter_map(|(name, ty)| match ty {
                        spec::TypeRef::Inline(schema) => {
                            let text = match schema.example.as_ref()? {
                                serde_json::Value::String(text) => text.clone(),
                                other => other.to_string(),
                            };
                            Some((name.clone(), text))
                        }
                        spec::TypeRef::Name(_) => None,
                    })
                    .collect(),
            };
            let stream = match response {
                spec::ResponseRef::Full(definition) if definition.stream == Some(true) => {
                    Some(StreamIr { max_bytes: definition.max_bytes })
                }
                _ => None,
            };
            let (ty, description, headers, content_type, media_type) = match response {
                spec::ResponseRef::Short(model) => (
                    Some(self.named(model, None, None, &format!("{camel}Response"), &response_pointer)),
                    None,
                    Vec::new(),
                    ContentType::Json,
                    None,
                ),
                spec::ResponseRef::Full(definition) => {
                    let content_type = definition.content_type.unwrap_or_default();
                    let ty = match raw_type(content_type) {
                        Some(ty) => definition.body.as_ref().map(|_| ty),
                        None => definition.body.as_ref().map(|body| {
                            self.type_expr(body, &format!("{camel}Response"), &format!("{response_pointer}/body"))
                        }),
                    };
                    (
                        ty,
                        definition.description.clone(),
                        definition.headers.keys().cloned().collect(),
                        content_type,
                        definition.media_type.clone(),
                    )
                }
            };
            responses.push(ResponseIr {
                status,
                ty,
                content_type,
                media_type,
                description,
                headers,
                header_examples,
                example: None,
                stream,
            });
        }
        // The success body: an exact 2xx's before a `2XX` range's.
        let success_response = responses
            .iter()
            .filter(|r| matches!(r.status, StatusPattern::Exact(_)) && r.status.is_success())
            .chain(responses.iter().filter(|r| matches!(r.status, StatusPattern::Range(_)) && r.status.is_success()))
            .find(|r| r.ty.is_some());
        let success = success_response.and_then(|r| r.ty.clone());
        let success_content_type = success_response.map_or(ContentType::Json, |r| r.content_type);
        let success_stream = success_response.and_then(|r| r.stream);
        let default_limit = self.spec.rate_limits.as_ref().and_then(|l| l.default.as_ref());
        let own_rate_limit = endpoint.rate_limit.is_some();
        let rate_limit = endpoint.rate_limit.as_ref().or(default_limit).and_then(|l| self.rate(l));
        let pagination = endpoint.pagination.as_ref().map(|pagination| match pagination {
            spec::Pagination::Cursor(cursor) => PaginationIr::Cursor {
                param: cursor.param.clone(),
                next: cursor.next.clone(),
                from_last_item: cursor.from_last_item,
                has_more: cursor.has_more.clone(),
                items: cursor.items.clone(),
            },
            spec::Pagination::Page(page) => PaginationIr::Page {
                param: page.param.clone(),
                size_param: page.size_param.clone(),
                link_header: page.link_header,
                items: page.items.clone(),
            },
            spec::Pagination::NextUrl(next_url) => {
                PaginationIr::NextUrl { next: next_url.next.clone(), items: next_url.items.clone() }
            }
            spec::Pagination::Link(link) => PaginationIr::Link {
                param: link.param.clone(),
                size_param: link.size_param.clone(),
                items: link.items.clone(),
            },
            spec::Pagination::Offset(offset) => PaginationIr::Offset {
                param: offset.param.clone(),
                limit_param: offset.limit_param.clone(),
                total: offset.total.clone(),
                items: offset.items.clone(),
            },
        });
        Operation {
            name: name.to_string(),
            method_name: names::snake(name),
            builder_name,
            http_method: endpoint.method,
            path: endpoint.path.clone(),
            summary: endpoint.summary.clone(),
            description: endpoint.description.clone(),
            deprecated: endpoint.deprecated,
            group: endpoint.group.clone(),
            path_params,
            query,
            headers,
            fixed_headers,
            fixed_query,
            body,
            responses,
            success,
            success_content_type,
            success_stream,
            errors: endpoint.errors.iter().map(ErrorCodeId::named).collect(),
            idempotency_header: endpoint.idempotency.as_ref().map(|i| i.header.clone()),
            idempotency_retention_seconds: endpoint
                .idempotency
                .as_ref()
                .and_then(|i| i.retention.as_deref())
                .map(seconds),
            rate_limit,
            own_rate_limit,
            pagination,
            page_item: None,
            auth: self.requirement(endpoint),
            server: endpoint.server.clone(),
            span: self.span(&pointer),
        }
    }
}

/// The type of a body sent or read as it is: `text` a string, `binary` bytes; `None` for
/// bodies encoded from a model.
fn raw_type(content_type: ContentType) -> Option<TypeExpr> {
    match content_type {
        ContentType::Json | ContentType::Form | ContentType::Multipart => None,
        ContentType::Text => Some(TypeExpr::String),
        ContentType::Binary => Some(TypeExpr::Binary),
    }
}
