//! Which OpenAPI object each node of a description is, as far as `$ref`s go: where a Reference
//! Object may stand (and which `components` section holds what it names), and which keys hold
//! objects to look into. Everything else (examples, defaults, enumerations, `x-` extensions,
//! property names) is data, whose `$ref` keys are not references (GitHub's SCIM examples hold
//! `"$ref": "https://…"`).
//!
//! The table follows the OpenAPI Specification 3.1.0 §4.8 (3.0.3 §4.7 has the same objects but
//! `pathItems` and `webhooks`), and JSON Schema 2020-12 for the keywords holding schemas.

/// An OpenAPI object, or a node that is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    Document,
    Info,
    Components,
    PathItem,
    Operation,
    Parameter,
    Header,
    RequestBody,
    Response,
    MediaType,
    Encoding,
    Example,
    Link,
    Callback,
    SecurityScheme,
    Schema,
    /// A `description`: a string, or (Redocly's extension) a `$ref` to a Markdown file.
    Description,
}

/// What the value under a key of an object of some kind holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Child {
    /// One object of this kind.
    One(Kind),
    /// A map from names to objects of this kind (`properties`, `responses`, `content`).
    Map(Kind),
    /// A list of objects of this kind (`parameters`, `allOf`).
    List(Kind),
    /// A schema, or a list of schemas (`items` before JSON Schema 2020-12).
    SchemaOrList,
    /// A discriminator, whose `mapping` values are schema references or names.
    Discriminator,
    /// Data, or nothing accord reads: copied as it is.
    Data,
}

/// The operations of a path item (3.1 §4.8.9).
pub(super) const OPERATIONS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

impl Kind {
    /// The `components` section that holds objects of this kind, where OpenAPI allows a
    /// Reference Object in its place; `None` where it allows none (an operation, a media type).
    pub(super) fn section(self) -> Option<&'static str> {
        Some(match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::Header => "headers",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::Callback => "callbacks",
            Kind::SecurityScheme => "securitySchemes",
            // `$ref` is a field of the Path Item Object itself; 3.1 also has `components.pathItems`.
            Kind::PathItem => "pathItems",
            Kind::Document
            | Kind::Info
            | Kind::Components
            | Kind::Operation
            | Kind::MediaType
            | Kind::Encoding
            | Kind::Description => return None,
        })
    }

    /// What the object's name is in the specification, for warnings.
    pub(super) fn title(self) -> &'static str {
        match self {
            Kind::Document => "OpenAPI Object",
            Kind::Info => "Info Object",
            Kind::Components => "Components Object",
            Kind::PathItem => "Path Item Object",
            Kind::Operation => "Operation Object",
            Kind::Parameter => "Parameter Object",
            Kind::Header => "Header Object",
            Kind::RequestBody => "Request Body Object",
            Kind::Response => "Response Object",
            Kind::MediaType => "Media Type Object",
            Kind::Encoding => "Encoding Object",
            Kind::Example => "Example Object",
            Kind::Link => "Link Object",
            Kind::Callback => "Callback Object",
            Kind::SecurityScheme => "Security Scheme Object",
            Kind::Schema => "Schema Object",
            Kind::Description => "description",
        }
    }

    /// What the value under `key` of an object of this kind holds.
    pub(super) fn child(self, key: &str) -> Child {
        use Child::{Data, List, Map, One};
        if key == "description" && self != Kind::Document {
            return One(Kind::Description);
        }
        match (self, key) {
            (Kind::Document, "info") => One(Kind::Info),
            (Kind::Document, "paths" | "webhooks") => Map(Kind::PathItem),
            (Kind::Document, "components") => One(Kind::Components),
            (Kind::Components, "schemas") => Map(Kind::Schema),
            (Kind::Components, "responses") => Map(Kind::Response),
            (Kind::Components, "parameters") => Map(Kind::Parameter),
            (Kind::Components, "examples") => Map(Kind::Example),
            (Kind::Components, "requestBodies") => Map(Kind::RequestBody),
            (Kind::Components, "headers") => Map(Kind::Header),
            (Kind::Components, "securitySchemes") => Map(Kind::SecurityScheme),
            (Kind::Components, "links") => Map(Kind::Link),
            (Kind::Components, "callbacks") => Map(Kind::Callback),
            (Kind::Components, "pathItems") => Map(Kind::PathItem),
            (Kind::PathItem, "parameters") | (Kind::Operation, "parameters") => List(Kind::Parameter),
            (Kind::PathItem, operation) if OPERATIONS.contains(&operation) => One(Kind::Operation),
            (Kind::Operation, "requestBody") => One(Kind::RequestBody),
            (Kind::Operation, "responses") => Map(Kind::Response),
            (Kind::Operation, "callbacks") => Map(Kind::Callback),
            (Kind::Parameter | Kind::Header | Kind::MediaType, "schema") => One(Kind::Schema),
            (Kind::Parameter | Kind::Header | Kind::RequestBody | Kind::Response, "content") => Map(Kind::MediaType),
            (Kind::Parameter | Kind::Header | Kind::MediaType, "examples") => Map(Kind::Example),
            (Kind::Response | Kind::Encoding, "headers") => Map(Kind::Header),
            (Kind::Response, "links") => Map(Kind::Link),
            (Kind::MediaType, "encoding") => Map(Kind::Encoding),
            // A Callback Object maps runtime expressions to Path Item Objects.
            (Kind::Callback, key) if !key.starts_with("x-") => One(Kind::PathItem),
            (Kind::Schema, keyword) => schema_child(keyword),
            _ => Data,
        }
    }
}

/// The JSON Schema keywords (2020-12 and draft 4, which OpenAPI 3.0 is based on) that hold
/// schemas.
fn schema_child(keyword: &str) -> Child {
    use Child::{List, Map, One};
    match keyword {
        "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => Map(Kind::Schema),
        "allOf" | "anyOf" | "oneOf" | "prefixItems" => List(Kind::Schema),
        "items" | "additionalItems" => Child::SchemaOrList,
        "additionalProperties"
        | "not"
        | "if"
        | "then"
        | "else"
        | "contains"
        | "propertyNames"
        | "unevaluatedItems"
        | "unevaluatedProperties"
        | "contentSchema" => One(Kind::Schema),
        "discriminator" => Child::Discriminator,
        _ => Child::Data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_never_looked_into() {
        // Examples, defaults and extensions hold data; a property named like a keyword is a
        // schema all the same.
        assert_eq!(Kind::Schema.child("example"), Child::Data);
        assert_eq!(Kind::Schema.child("default"), Child::Data);
        assert_eq!(Kind::Schema.child("enum"), Child::Data);
        assert_eq!(Kind::Example.child("value"), Child::Data);
        assert_eq!(Kind::Operation.child("x-codeSamples"), Child::Data);
        assert_eq!(Kind::Callback.child("x-internal"), Child::Data);
        assert_eq!(Kind::Schema.child("properties"), Child::Map(Kind::Schema));
        assert_eq!(Kind::Schema.child("items"), Child::SchemaOrList);
        assert_eq!(Kind::PathItem.child("get"), Child::One(Kind::Operation));
        assert_eq!(Kind::PathItem.child("summary"), Child::Data);
        assert_eq!(Kind::Response.child("description"), Child::One(Kind::Description));
        assert_eq!(Kind::Operation.section(), None);
        assert_eq!(Kind::PathItem.section(), Some("pathItems"));
    }
}
