//! Error codes matched by their body (issue 16): APIs that answer an error with a 2xx status
//! and say so in the body — Slack's Web API answers HTTP 200 with `{"ok": false, "error":
//! "channel_not_found"}` (<https://api.slack.com/web#evaluating_responses>), GraphQL servers
//! answer 200 with an `errors` array (GraphQL over HTTP, "application/json" responses). A
//! [`BodyMatch`] is the test on the body that makes such a response an error.
//!
//! One definition for the compiler (the IR), the contract, the generated client (a `const`
//! in `ERROR_RULES`, hence the `Cow<'static, str>`s), the runtime's classifier and the mock.

use std::borrow::Cow;

use serde_json::Value;

/// A test on a JSON response body: the value at `pointer` (RFC 6901) equals a value, or is
/// present at all. A body that is not JSON never matches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize))]
pub struct BodyMatch {
    /// JSON pointer into the body (`/ok`, `/errors`).
    pub pointer: Cow<'static, str>,
    /// What must hold of the value there.
    pub test: BodyTest,
}

/// What a [`BodyMatch`] requires of the value at its pointer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "derive", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum BodyTest {
    /// It equals this value, written as JSON text (`false`, `"error"`, `0`): text so that a
    /// generated client holds it in a `const`.
    Equals(Cow<'static, str>),
    /// It is present (any value, `null` included).
    Present,
}

impl BodyMatch {
    /// `pointer` equals `value`.
    pub fn equals(pointer: impl Into<String>, value: &Value) -> BodyMatch {
        BodyMatch { pointer: Cow::Owned(pointer.into()), test: BodyTest::Equals(Cow::Owned(value.to_string())) }
    }

    /// `pointer` is present.
    pub fn present(pointer: impl Into<String>) -> BodyMatch {
        BodyMatch { pointer: Cow::Owned(pointer.into()), test: BodyTest::Present }
    }

    /// Whether `body` (a parsed JSON body) passes the test. An `Equals` whose text is not
    /// JSON matches nothing.
    pub fn holds(&self, body: &Value) -> bool {
        let Some(found) = body.pointer(&self.pointer) else { return false };
        match &self.test {
            BodyTest::Present => true,
            BodyTest::Equals(text) => serde_json::from_str::<Value>(text).is_ok_and(|expected| *found == expected),
        }
    }

    /// The value to write at the pointer to make a body pass: the `Equals` value, or for
    /// `Present` the value already there (else `default`). Used by the mock and example
    /// synthesis.
    pub fn satisfying_value(&self, body: &Value, default: Value) -> Value {
        match &self.test {
            BodyTest::Equals(text) => serde_json::from_str(text).unwrap_or(default),
            BodyTest::Present => body.pointer(&self.pointer).cloned().unwrap_or(default),
        }
    }

    /// Prose for docs and messages: ``/ok` is `false`` or ``/errors` is present``.
    pub fn describe(&self) -> String {
        match &self.test {
            BodyTest::Equals(text) => format!("`{}` is `{text}`", self.pointer),
            BodyTest::Present => format!("`{}` is present", self.pointer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_body_match_tests_the_value_at_its_pointer() {
        let slack = BodyMatch::equals("/ok", &json!(false));
        assert!(slack.holds(&json!({"ok": false, "error": "channel_not_found"})));
        assert!(!slack.holds(&json!({"ok": true})));
        assert!(!slack.holds(&json!({"ok": "false"})), "a string is not the boolean");
        assert!(!slack.holds(&json!({"error": "x"})), "absent is not false");
        let graphql = BodyMatch::present("/errors");
        assert!(graphql.holds(&json!({"errors": [{"message": "boom"}], "data": null})));
        assert!(!graphql.holds(&json!({"data": {}})));
        let broken = BodyMatch { pointer: Cow::Borrowed("/ok"), test: BodyTest::Equals(Cow::Borrowed("nope")) };
        assert!(!broken.holds(&json!({"ok": "nope"})));
        assert_eq!(slack.satisfying_value(&json!({}), Value::Null), json!(false));
        assert_eq!(slack.describe(), "`/ok` is `false`");
    }

    #[test]
    #[cfg(feature = "derive")]
    fn a_body_match_reads_back_what_it_wrote() {
        let slack = BodyMatch::equals("/ok", &json!(false));
        let text = serde_json::to_string(&slack).unwrap();
        assert_eq!(text, r#"{"pointer":"/ok","test":{"equals":"false"}}"#);
        assert_eq!(serde_json::from_str::<BodyMatch>(&text).unwrap(), slack);
        let present: BodyMatch = serde_json::from_str(r#"{"pointer":"/errors","test":"present"}"#).unwrap();
        assert_eq!(present, BodyMatch::present("/errors"));
    }
}
