//! 3.1 `webhooks` → `webhooks.events`: each event's payload becomes a model. Several events
//! need where the event type is, which OpenAPI does not say: it is taken from the payload
//! schemas where they fix it (a constant per event at one JSON pointer), else only the models
//! are imported and a warning says what to add. The signature scheme is never in the
//! document, so the section is unsigned until one is added.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::schema::into_schema;
use super::{Importer, METHODS, escape, is_json};
use crate::json_fields::Field;
use crate::spec::{TypeRef, WebhookEvent, Webhooks};

/// The `webhooks` section for `events`, unsigned.
fn unsigned(event_type_field: Option<String>, events: IndexMap<String, WebhookEvent>) -> Webhooks {
    Webhooks {
        description: None,
        signature: None,
        delivery: None,
        event_type_field,
        event_header: None,
        event_id_field: None,
        event_id_header: None,
        batch: false,
        handshake: None,
        events,
    }
}

impl<'a> Importer<'a> {
    /// 3.1 `webhooks`: each event's payload becomes a model, and the events accord's
    /// `webhooks` section (unsigned until a `signature` is added). One event needs nothing
    /// more. Several need where the event type is, which OpenAPI does not say: it is taken
    /// from the payload schemas where they fix it (see [`Importer::event_type_field`]), else
    /// the events are listed in a warning, because the importer invents nothing.
    pub(super) fn webhooks(&mut self) -> Option<Webhooks> {
        let hooks = self.document.field("webhooks").and_then(Value::as_object)?;
        let mut events: Vec<WebhookDraft<'a>> = Vec::new();
        for (event, item) in hooks {
            let pointer = format!("/webhooks/{}", escape(event));
            let Some((item, pointer)) = self.deref(item, &pointer) else { continue };
            let Some((method, operation)) =
                item.as_object().and_then(|o| o.iter().find(|(k, _)| METHODS.iter().any(|(method, _)| method == k)))
            else {
                continue;
            };
            let body_pointer = format!("{pointer}/{method}/requestBody");
            let schema = operation.field("requestBody").and_then(|body| {
                let (body, at) = self.deref(body, &body_pointer)?;
                let (media, value) = body.field("content")?.as_object()?.iter().find(|(m, _)| is_json(m))?;
                Some((value.field("schema")?, format!("{at}/content/{}/schema", escape(media))))
            });
            let Some((schema, schema_pointer)) = schema else {
                self.warn(&pointer, format!("webhook `{event}` has no JSON payload; skipped"));
                continue;
            };
            let model = match self.schema(schema, &schema_pointer, 0) {
                TypeRef::Name(name) if self.is_model(&name) => name,
                other => {
                    let model = self.fresh_model_name(&format!("{event}_event"));
                    self.models.insert(model.clone(), into_schema(other));
                    model
                }
            };
            let description = operation
                .field("summary")
                .or_else(|| operation.field("description"))
                .and_then(Value::as_str)
                .map(|d| d.trim().to_string());
            events.push(WebhookDraft { key: event.clone(), pointer, model, description, schema });
        }
        match events.as_slice() {
            [] => None,
            // One event: every delivery is that event, so accord needs nothing more than its
            // payload; the signature scheme is still unknown (accord warns that deliveries
            // cannot be verified until `signature` is added).
            [only] => {
                self.warn_unsigned_webhooks();
                let event = WebhookEvent {
                    payload: only.model.clone(),
                    description: only.description.clone(),
                    example: None,
                    id_field: None,
                };
                Some(unsigned(None, IndexMap::from([(only.key.clone(), event)])))
            }
            several => match self.event_type_field(several) {
                Some(field) => Some(self.webhooks_by_field(several, &field)),
                None => {
                    let listed: Vec<String> =
                        several.iter().map(|e| format!("`{}` (payload `{}`)", e.key, e.model)).collect();
                    let models: BTreeSet<&str> = several.iter().map(|e| e.model.as_str()).collect();
                    let shared = if models.len() < several.len() {
                        " (events sharing a payload model cannot be told apart by their schema)"
                    } else {
                        ""
                    };
                    self.warn(
                        "/webhooks",
                        format!(
                            "webhook events {}: their payload models are imported, but no payload property holds a constant that tells the events apart{shared}; add a `webhooks` section with `event_type_field` (JSON pointer of the event type in the payload) or `event_header` (the header carrying it), and the signature scheme, which the document does not give",
                            listed.join(", ")
                        ),
                    );
                    None
                }
            },
        }
    }

    fn warn_unsigned_webhooks(&mut self) {
        self.warn(
            "/webhooks",
            "the document does not say how deliveries are signed: add `webhooks.signature` (a preset or the explicit grammar)",
        );
    }

    /// Several events told apart by the value at `field.pointer`: accord keys events by that
    /// value (what the generated code compares the payload's value with), so an OpenAPI key
    /// that differs from it is kept in the description. Events whose payload does not fix a
    /// value there are left out, each with a warning.
    fn webhooks_by_field(&mut self, events: &[WebhookDraft<'a>], field: &EventTypeField) -> Webhooks {
        self.warn_unsigned_webhooks();
        if let Some(array) = &field.first_array_item {
            let array = if array.is_empty() { "the payload".to_string() } else { format!("`{array}`") };
            self.warn(
                "/webhooks",
                format!(
                    "the event type is read at `{}`, in the first item of the array {array}: a delivery that batches items of several types is typed by its first item; the others are in the payload",
                    field.pointer
                ),
            );
        }
        let mut out = IndexMap::new();
        for (event, value) in events.iter().zip(&field.values) {
            let Some(value) = value else {
                self.warn(
                    &event.pointer,
                    format!(
                        "webhook `{key}`: its payload schema does not fix its event type at `{pointer}` (no constant there, nor an enumeration holding `{bare}`), where the other events carry theirs; its payload model `{model}` is imported but it is not one of `webhooks.events` (its deliveries decode as `Event::Unknown`); add it by hand if its deliveries do carry the type there",
                        key = event.key,
                        pointer = field.pointer,
                        bare = event.key.trim_start_matches('/'),
                        model = event.model
                    ),
                );
                continue;
            };
            let description = match (&event.description, value == &event.key) {
                (description, true) => description.clone(),
                (Some(description), false) => Some(format!("{description} (OpenAPI webhook `{}`)", event.key)),
                (None, false) => Some(format!("OpenAPI webhook `{}`", event.key)),
            };
            out.insert(
                value.clone(),
                WebhookEvent { payload: event.model.clone(), description, example: None, id_field: None },
            );
        }
        unsigned(Some(field.pointer.clone()), out)
    }

    /// Where several webhook events carry their type: the JSON pointer at which the most
    /// events' payload schemas fix a string (`const`, a one-value `enum`, or an `enum` holding
    /// the event's key), with a different value for each event. It must cover more than half
    /// of the events (the rest are reported, not guessed); ties go to the shallower pointer.
    fn event_type_field(&self, events: &[WebhookDraft<'a>]) -> Option<EventTypeField> {
        let pinned: Vec<BTreeMap<String, PinnedValues>> =
            events.iter().map(|event| self.pinned_values(event.schema)).collect();
        let candidates: BTreeSet<&String> = pinned.iter().flat_map(BTreeMap::keys).collect();
        let mut best: Option<(usize, EventTypeField)> = None;
        for pointer in candidates {
            let values: Vec<Option<String>> = events
                .iter()
                .zip(&pinned)
                .map(|(event, pinned)| pinned.get(pointer).and_then(|p| p.value_for(&event.key)))
                .collect();
            let covered = values.iter().flatten().count();
            let distinct = values.iter().flatten().collect::<BTreeSet<_>>().len();
            if distinct != covered || covered < 2 || covered * 2 <= events.len() {
                continue;
            }
            let depth = pointer.matches('/').count();
            let better = match &best {
                None => true,
                Some((best_covered, best_field)) => {
                    covered > *best_covered
                        || (covered == *best_covered && depth < best_field.pointer.matches('/').count())
                }
            };
            if better {
                let first_array_item = pinned.iter().find_map(|p| p.get(pointer)?.first_array_item.clone());
                best = Some((covered, EventTypeField { pointer: pointer.clone(), values, first_array_item }));
            }
        }
        best.map(|(_, field)| field)
    }

    /// The string values a payload schema fixes, by JSON pointer: `$ref`s and `allOf` parts
    /// followed, object properties and the first item of arrays stepped into (index `0`,
    /// which is how RFC 6901 and the generated code's `pointer_text` address it).
    fn pinned_values(&self, schema: &'a Value) -> BTreeMap<String, PinnedValues> {
        let mut found = PinnedSearch { budget: EVENT_TYPE_MAX_NODES, out: BTreeMap::new() };
        self.collect_pinned(schema, "", None, 0, 0, &mut found);
        found.out
    }

    fn collect_pinned(
        &self,
        schema: &'a Value,
        path: &str,
        first_array_item: Option<&str>,
        steps: usize,
        depth: usize,
        found: &mut PinnedSearch,
    ) {
        let Some(object) = schema.as_object() else { return };
        if found.budget == 0 || depth > EVENT_TYPE_MAX_DEPTH {
            return;
        }
        found.budget -= 1;
        if let Some(target) = object.field("$ref").and_then(Value::as_str).and_then(|r| self.resolve(r)) {
            self.collect_pinned(target, path, first_array_item, steps, depth + 1, found);
        }
        for part in object.field("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.collect_pinned(part, path, first_array_item, steps, depth + 1, found);
        }
        if !path.is_empty()
            && let Some(values) = pinned_strings(object)
        {
            let entry = found.out.entry(path.to_string()).or_default();
            entry.constraints.push(values);
            if entry.first_array_item.is_none() {
                entry.first_array_item = first_array_item.map(str::to_string);
            }
        }
        if steps >= EVENT_TYPE_MAX_STEPS {
            return;
        }
        for (key, property) in object.field("properties").and_then(Value::as_object).into_iter().flatten() {
            let at = format!("{path}/{}", escape(key));
            self.collect_pinned(property, &at, first_array_item, steps + 1, depth + 1, found);
        }
        if let Some(items) = object.field("items").filter(|items| items.is_object()) {
            let array = first_array_item.unwrap_or(path);
            let at = format!("{path}/0");
            self.collect_pinned(items, &at, Some(array), steps + 1, depth + 1, found);
        }
    }
}

/// A webhook event of the document, its payload converted.
struct WebhookDraft<'a> {
    /// The OpenAPI key (`endpoint.created`, `/AUTHORISATION`).
    key: String,
    /// JSON pointer of the webhook in the document.
    pointer: String,
    /// Payload model name.
    model: String,
    description: Option<String>,
    /// The payload schema in the document.
    schema: &'a Value,
}

/// How many property or array-item steps deep an event type is looked for.
const EVENT_TYPE_MAX_STEPS: usize = 6;
/// How many `$ref`s, `allOf` parts and steps one path may take, against reference cycles.
const EVENT_TYPE_MAX_DEPTH: usize = 32;
/// How many schema nodes of one payload are visited at most.
const EVENT_TYPE_MAX_NODES: usize = 20_000;

/// The event type's place in the payload and each event's value there.
struct EventTypeField {
    pointer: String,
    /// By event, in document order; `None` where the payload fixes no value there.
    values: Vec<Option<String>>,
    /// The pointer of the array whose first item the pointer steps into, if any.
    first_array_item: Option<String>,
}

/// A bounded walk over one payload schema (see `Importer::pinned_values`).
struct PinnedSearch {
    /// Schema nodes that may still be visited.
    budget: usize,
    out: BTreeMap<String, PinnedValues>,
}

/// What a payload schema says about the string at one pointer.
#[derive(Default)]
struct PinnedValues {
    /// The allowed values of each constraint found (`allOf` parts add constraints, so the
    /// allowed values are their intersection).
    constraints: Vec<BTreeSet<String>>,
    first_array_item: Option<String>,
}

impl PinnedValues {
    /// The event type this event has here: the one allowed value, else the event's key (or
    /// the key without its leading `/`, as Adyen writes them) where the values include it.
    fn value_for(&self, key: &str) -> Option<String> {
        let (first, rest) = self.constraints.split_first()?;
        let allowed: BTreeSet<&String> = first.iter().filter(|v| rest.iter().all(|c| c.contains(*v))).collect();
        if allowed.len() == 1 {
            return allowed.into_iter().next().cloned();
        }
        [key, key.trim_start_matches('/')].into_iter().find(|k| allowed.iter().any(|v| v == k)).map(str::to_string)
    }
}

/// The strings a schema allows when it lists them: `const`, an `enum` of strings (a `null`
/// aside), or a `oneOf`/`anyOf` whose every variant is one of those.
fn pinned_strings(object: &Map<String, Value>) -> Option<BTreeSet<String>> {
    if let Some(constant) = object.field("const") {
        return constant.as_str().map(|c| BTreeSet::from([c.to_string()]));
    }
    if let Some(values) = object.field("enum").and_then(Value::as_array) {
        let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        if values.is_empty() || !values.iter().all(|v| v.is_string()) {
            return None;
        }
        return Some(values.iter().filter_map(|v| v.as_str()).map(str::to_string).collect());
    }
    let variants = object.field("oneOf").or_else(|| object.field("anyOf"))?.as_array()?;
    let mut union = BTreeSet::new();
    for variant in variants {
        union.extend(pinned_strings(variant.as_object()?)?);
    }
    if union.is_empty() { None } else { Some(union) }
}
