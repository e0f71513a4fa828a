//! The example body of each error code (docs, `contract.json`, the mock's answers): the
//! envelope's sample with the code field set, the code's body test made to hold (Slack's
//! `"ok": false`), and the fields that say which failure it is made to say this code's — a
//! `status` number is the code's own status (a 401 example no longer says `"status": 400`),
//! a message is the code's description — so that no two codes share one example body
//! (issue 16, point 9).

use serde_json::Value;

use super::{Lowerer, pointer_segments, set_pointer};
use crate::ir::{ErrorCodeIr, StatusPattern};

/// Where envelopes keep the HTTP status as a number (Twilio's `/status`, and nested
/// `/error/status`).
const STATUS_POINTERS: [&str; 2] = ["/status", "/error/status"];

/// Where envelopes keep the human-readable text: `/message` (Twilio, seed 002),
/// `/error/message` (Stripe), `/detail` (RFC 9457, Svix).
const MESSAGE_POINTERS: [&str; 3] = ["/message", "/error/message", "/detail"];

impl Lowerer<'_> {
    /// The example body of `code`, whose envelope's code field is at `code_pointer`.
    pub(super) fn error_code_example(&self, code: &ErrorCodeIr, code_pointer: Option<&str>) -> Value {
        let mut value = self.error_example(&code.body, code_pointer, code.match_value.as_deref().unwrap_or(&code.name));
        if let Some(test) = &code.body_match {
            self.sample_along(&mut value, &code.body, &pointer_segments(&test.pointer), 0);
            let satisfying = test.satisfying_value(&value, Value::Array(Vec::new()));
            set_pointer(&mut value, &test.pointer, satisfying);
        }
        let status = example_status(&code.statuses);
        for pointer in STATUS_POINTERS {
            if let Some(slot) = value.pointer_mut(pointer)
                && slot.is_number()
            {
                *slot = Value::from(status);
            }
        }
        let message = match &code.description {
            Some(description) => description.trim().to_string(),
            None => code.name.to_lowercase().replace('_', " "),
        };
        for pointer in MESSAGE_POINTERS {
            if Some(pointer) != code_pointer
                && let Some(slot) = value.pointer_mut(pointer)
                && slot.is_string()
            {
                *slot = Value::String(message.clone());
            }
        }
        value
    }
}

/// The status an example of a code declared with `statuses` shows: the first exact one, else
/// the first of its first range, else 500 (`default`).
fn example_status(statuses: &[StatusPattern]) -> u16 {
    statuses
        .iter()
        .find_map(|status| match status {
            StatusPattern::Exact(exact) => Some(*exact),
            _ => None,
        })
        .or_else(|| {
            statuses.iter().find_map(|status| match status {
                StatusPattern::Range(class) => Some(u16::from(*class) * 100),
                _ => None,
            })
        })
        .unwrap_or(500)
}
