//! Warnings given once per document: what the importer meets at many places but that loses
//! little or nothing at each (a `uniqueItems` on a scalar, an `Accept` header parameter, an
//! XML body read as text, an error response's body that is not JSON) is counted, and reported once, located at the first place met, with
//! the count. A per-place warning for these made up most of the directory suite's warnings
//! (kubernetes 5,103 `uniqueItems`; AWS 17,000 XML bodies), drowning the few that matter.

use std::collections::BTreeMap;

use super::Importer;

/// What is counted: each a fixed message, completed with the count when reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Tally {
    /// `uniqueItems: true` on a schema that is not an array. JSON Schema Validation (2020-12
    /// §6.4.3; draft 4 §5.3.4 alike) constrains arrays only, so on any other instance the
    /// keyword always holds: dropping it loses nothing, but the type may be a mistake.
    UniqueItemsNotArray,
    /// A header parameter `Accept`, `Content-Type` or `Authorization`: OpenAPI 3.0.3
    /// §4.7.12.1 "If `in` is `"header"` and the `name` field is `"Accept"`, `"Content-Type"` or
    /// `"Authorization"`, the parameter definition SHALL be ignored." (3.1 alike); the client
    /// sets them from the body, the response and the credentials.
    IgnoredHeaderParameter,
    /// An XML body (`text/xml`, `application/xml`, `…+xml`) with a structured schema: sent
    /// and read as text, the schema (which describes XML) not applied.
    XmlBodyAsText,
    /// An error response whose bodies are none of them JSON (S3's XML `Error` document, an
    /// HTML or text page): an error code's body is JSON, so the body is not decoded and the
    /// code keeps its status only.
    ErrorBodyNotJson,
}

impl Tally {
    fn message(self, count: usize) -> String {
        let times = if count == 1 { "once".to_string() } else { format!("{count} times") };
        match self {
            Tally::UniqueItemsNotArray => format!(
                "`uniqueItems` on a schema that is not an array; dropped (it constrains arrays only, so nothing is lost; met {times} in this document, the first here)"
            ),
            Tally::IgnoredHeaderParameter => format!(
                "header parameters `Accept`, `Content-Type` and `Authorization` are ignored, as OpenAPI 3.0.3 §4.7.12.1 says; the client sets them itself (met {times} in this document, the first here)"
            ),
            Tally::XmlBodyAsText => format!(
                "XML bodies are sent and read as text; their schemas, which describe XML, are not applied (met {times} in this document, the first here)"
            ),
            Tally::ErrorBodyNotJson => format!(
                "error responses whose bodies are not JSON (XML, text or bytes) keep their status only; an error code's body is JSON, so these bodies are not decoded (met {times} in this document, the first here)"
            ),
        }
    }
}

/// Counts by tally: the first pointer met, and how many times.
#[derive(Debug, Default)]
pub(super) struct Tallies(BTreeMap<Tally, (String, usize)>);

impl Importer<'_> {
    /// Counts `tally` at `pointer`; reported once, by [`Importer::report_tallies`].
    pub(super) fn tally(&mut self, tally: Tally, pointer: &str) {
        self.tallies.0.entry(tally).or_insert_with(|| (pointer.to_string(), 0)).1 += 1;
    }

    /// One warning per tally met, at its first pointer.
    pub(super) fn report_tallies(&mut self) {
        for (tally, (pointer, count)) in std::mem::take(&mut self.tallies.0) {
            self.warn(&pointer, tally.message(count));
        }
    }
}
