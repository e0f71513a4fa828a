//! Checks of parameter styles (`style`, `explode`) and of an endpoint's `fixed` values, and
//! the rules the importer shares: what shape a parameter's value has, which style fits it,
//! and whether two endpoints on one route are told apart by their fixed values.

use indexmap::IndexMap;

use super::Checker;
use crate::diag::{codes, join_pointer};
use crate::spec::*;

/// The shape of a parameter's value, as the styles see it (OpenAPI's "primitive", "array",
/// "object").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueShape {
    /// A string, number, boolean or string enum.
    Primitive,
    /// A list.
    Array,
    /// An object or map.
    Object,
    /// `any`, a `one_of`, or a name that does not resolve: not known.
    Unknown,
}

impl ValueShape {
    /// OpenAPI's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueShape::Primitive => "primitive",
            ValueShape::Array => "array",
            ValueShape::Object => "object",
            ValueShape::Unknown => "unknown",
        }
    }
}

/// The shape of `ty`'s values, following model names (at most 32 deep).
pub fn value_shape(models: &IndexMap<String, Schema>, ty: &TypeRef) -> ValueShape {
    fn of_name(models: &IndexMap<String, Schema>, name: &str, depth: usize) -> ValueShape {
        match name {
            "string" | "integer" | "number" | "boolean" => ValueShape::Primitive,
            "array" => ValueShape::Array,
            "object" => ValueShape::Object,
            _ => match models.get(name) {
                Some(schema) if depth < 32 => of_schema(models, schema, depth + 1),
                _ => ValueShape::Unknown,
            },
        }
    }
    fn of_schema(models: &IndexMap<String, Schema>, schema: &Schema, depth: usize) -> ValueShape {
        if schema.items.is_some() {
            return ValueShape::Array;
        }
        if !schema.properties.is_empty() || schema.additional_properties.is_some() {
            return ValueShape::Object;
        }
        if !schema.one_of.is_empty() {
            return ValueShape::Unknown;
        }
        match schema.type_name.as_deref() {
            Some(name) => of_name(models, name, depth),
            None if !schema.enum_values.is_empty() => ValueShape::Primitive,
            None => ValueShape::Unknown,
        }
    }
    match ty {
        TypeRef::Name(name) => of_name(models, name, 0),
        TypeRef::Inline(schema) => of_schema(models, schema, 0),
    }
}

/// Why `style` with `explode` cannot write a `shape` value in `location` (OpenAPI 3.1
/// §4.8.12.4's "Style Values" table), or `None` when it can.
pub fn style_problem(style: ParamStyle, explode: bool, location: ParamLocation, shape: ValueShape) -> Option<String> {
    if !style.allowed_in(location) {
        let places: Vec<&str> = [ParamLocation::Path, ParamLocation::Query, ParamLocation::Header]
            .into_iter()
            .filter(|place| style.allowed_in(*place))
            .map(|place| match place {
                ParamLocation::Path => "`path_params`",
                ParamLocation::Query => "`query`",
                ParamLocation::Header => "`headers`",
            })
            .collect();
        return Some(format!(
            "style `{style}` is not defined for {} parameters; it applies to {}",
            location.as_str(),
            places.join(" and ")
        ));
    }
    if !style.allows_explode(explode) {
        return Some(format!("style `{style}` is only defined with `explode: {}`", !explode));
    }
    let fits = match shape {
        ValueShape::Primitive => style.allows_primitive(),
        ValueShape::Array | ValueShape::Object | ValueShape::Unknown => true,
    };
    let article = if shape == ValueShape::Array { "an" } else { "a" };
    (!fits).then(|| format!("style `{style}` does not write {article} {} value", shape.as_str()))
}

/// Whether two endpoints on the same method and path are told apart by their fixed values:
/// some header (names compared without case, RFC 9110 §5.1) or query parameter is fixed by
/// both, to different values, so a request matches at most one of them; or one of them fixes
/// a query key to the empty value (a key that is only present, S3's `POST /{Key+}?uploads`
/// beside `POST /{Key+}`, [`is_presence_key`]) that the other does not fix: a request
/// carrying the key is the first's, one without it the other's (the mock tries an endpoint
/// with more fixed values first).
pub fn told_apart(first: &FixedValues, second: &FixedValues) -> bool {
    let headers = first.headers.iter().any(|(name, value)| {
        second.headers.iter().any(|(other, other_value)| name.eq_ignore_ascii_case(other) && value != other_value)
    });
    let query = first.query.iter().any(|(name, value)| second.query.get(name).is_some_and(|other| other != value));
    let presence = |one: &FixedValues, other: &FixedValues| {
        one.query.iter().any(|(name, value)| is_presence_key(value) && !other.query.contains_key(name))
    };
    headers || query || presence(first, second) || presence(second, first)
}

/// Whether a fixed query value makes its key a presence-only key: the empty value. The client
/// sends it as `name=` (the form RFC 3986 query parsers and AWS Signature Version 4's canonical
/// query string give a key without a value: `uploads` and `uploads=` read the same).
pub fn is_presence_key(value: &str) -> bool {
    value.is_empty()
}

/// Whether `text` is an HTTP field name (RFC 9110 §5.1: a token, §5.6.2).
pub fn is_token(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether `text` is an HTTP field value without leading or trailing whitespace (RFC 9110
/// §5.5: visible ASCII, spaces and tabs between).
pub fn is_field_value(text: &str) -> bool {
    text.bytes().all(|b| b == b' ' || b == b'\t' || (0x21..=0x7e).contains(&b)) && text.trim() == text
}

impl Checker<'_> {
    /// `style` and `explode` of one parameter (`type_ref`, at `pointer`, in `location`).
    pub(super) fn param_style(&mut self, type_ref: &TypeRef, pointer: &str, location: ParamLocation) {
        let TypeRef::Inline(schema) = type_ref else { return };
        if schema.style.is_none() && schema.explode.is_none() {
            return;
        }
        let style = schema.style.unwrap_or(ParamStyle::default_for(location));
        let explode = schema.explode.unwrap_or(style.default_explode());
        let shape = value_shape(&self.spec.models, type_ref);
        if let Some(problem) = style_problem(style, explode, location, shape) {
            let key = match (schema.style, schema.explode) {
                (Some(_), Some(_)) if !style.allows_explode(explode) => "explode",
                (Some(_), _) => "style",
                (None, _) => "explode",
            };
            self.report(codes::spec::BAD_PARAM_STYLE, &format!("{pointer}/{key}"), problem).help =
                Some(match location {
                    ParamLocation::Path => "path parameters take `simple`, `label` or `matrix`".into(),
                    ParamLocation::Query => {
                        "query parameters take `form`, `space_delimited` or `pipe_delimited` (lists, objects) or `deep_object` (objects)".into()
                    }
                    ParamLocation::Header => "headers take `simple`, with `explode` for objects as `k=v,…`".into(),
                });
        }
    }

    /// `style` or `explode` written where no parameter is (a model, a property, a body).
    pub(super) fn misplaced_style(&mut self, schema: &Schema, pointer: &str) {
        for (key, present) in [("style", schema.style.is_some()), ("explode", schema.explode.is_some())] {
            if present {
                self.report(
                    codes::spec::MISPLACED_STYLE,
                    &format!("{pointer}/{key}"),
                    format!("`{key}` applies to parameters (`path_params`, `query`, `headers`)"),
                )
                .help = Some(format!("write `{key}` on the parameter whose value this type is"));
            }
        }
    }

    /// An endpoint's `fixed` values: valid header names and values, and no name that is
    /// also one of its parameters in the same place.
    pub(super) fn fixed_values(&mut self, endpoint: &Endpoint, pointer: &str) {
        for (name, value) in &endpoint.fixed.headers {
            let at = join_pointer(&format!("{pointer}/fixed/headers"), name);
            if !is_token(name) {
                self.report_at_key(
                    codes::spec::BAD_FIXED_VALUE,
                    &at,
                    format!("`{name}` is not an HTTP header name (RFC 9110 §5.1)"),
                );
            } else if !is_field_value(value) {
                self.report(
                    codes::spec::BAD_FIXED_VALUE,
                    &at,
                    format!("the value of header `{name}` is not an HTTP field value (RFC 9110 §5.5: visible ASCII, no space at either end)"),
                );
            }
            let clash = endpoint
                .headers
                .keys()
                .find(|declared| declared.eq_ignore_ascii_case(name))
                .map(|other| format!("a parameter (`{other}`)"))
                .or_else(|| {
                    endpoint
                        .idempotency
                        .as_ref()
                        .filter(|i| i.header.eq_ignore_ascii_case(name))
                        .map(|_| "the idempotency key header".to_string())
                });
            if let Some(other) = clash {
                self.report_at_key(
                    codes::spec::BAD_FIXED_VALUE,
                    &at,
                    format!("header `{name}` is fixed and also {other} of this endpoint"),
                )
                .help = Some("keep one: a fixed value is always sent, a parameter is set by the caller".into());
            }
        }
        for name in endpoint.fixed.query.keys() {
            if endpoint.query.contains_key(name) {
                self.report_at_key(
                    codes::spec::BAD_FIXED_VALUE,
                    &join_pointer(&format!("{pointer}/fixed/query"), name),
                    format!("query parameter `{name}` is fixed and also a parameter of this endpoint"),
                )
                .help = Some("keep one: a fixed value is always sent, a parameter is set by the caller".into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(headers: &[(&str, &str)], query: &[(&str, &str)]) -> FixedValues {
        FixedValues {
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            query: query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    #[test]
    fn endpoints_are_told_apart_by_a_value_both_fix_differently() {
        let get_item = fixed(&[("X-Amz-Target", "DynamoDB_20120810.GetItem")], &[]);
        let put_item = fixed(&[("x-amz-target", "DynamoDB_20120810.PutItem")], &[]);
        assert!(told_apart(&get_item, &put_item));
        assert!(!told_apart(&get_item, &get_item));
        // One endpoint without the header: a request with it matches both.
        assert!(!told_apart(&get_item, &FixedValues::default()));
        let describe = fixed(&[], &[("Action", "DescribeInstances"), ("Version", "2016-11-15")]);
        let run = fixed(&[], &[("Action", "RunInstances"), ("Version", "2016-11-15")]);
        assert!(told_apart(&describe, &run));
    }

    #[test]
    fn a_presence_only_query_key_tells_endpoints_apart() {
        // S3: `POST /{Bucket}/{Key}?uploads` (CreateMultipartUpload) beside `POST /{Bucket}/{Key}`.
        let uploads = fixed(&[], &[("uploads", "")]);
        let tagging = fixed(&[], &[("tagging", "")]);
        assert!(told_apart(&uploads, &FixedValues::default()));
        assert!(told_apart(&FixedValues::default(), &uploads));
        assert!(told_apart(&uploads, &tagging));
        assert!(!told_apart(&uploads, &uploads));
        // A key with a value is no presence key: a request with it matches both.
        assert!(!told_apart(&fixed(&[], &[("Action", "List")]), &FixedValues::default()));
    }

    #[test]
    fn styles_fit_their_place_and_shape() {
        use ParamLocation::*;
        use ValueShape::*;
        assert_eq!(style_problem(ParamStyle::Form, false, Query, Array), None);
        assert_eq!(style_problem(ParamStyle::DeepObject, true, Query, Object), None);
        assert_eq!(style_problem(ParamStyle::Matrix, true, Path, Array), None);
        assert!(style_problem(ParamStyle::Matrix, false, Query, Array).unwrap().contains("`path_params`"));
        assert_eq!(style_problem(ParamStyle::DeepObject, true, Query, Array), None);
        assert!(style_problem(ParamStyle::DeepObject, false, Query, Object).unwrap().contains("explode: true"));
        assert!(style_problem(ParamStyle::PipeDelimited, true, Query, Array).unwrap().contains("explode: false"));
        assert!(style_problem(ParamStyle::SpaceDelimited, false, Query, Primitive).is_some());
        assert!(style_problem(ParamStyle::Label, false, Header, Primitive).is_some());
    }
}
