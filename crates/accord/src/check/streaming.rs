//! Checks of streamed bodies (issue 18): `stream: true` only on `binary` bodies and on
//! success responses, `max_bytes` only on a streamed response and above 0.

use super::Checker;
use crate::diag::{codes, join_pointer};
use crate::spec::{ContentType, ResponseRef, StatusPattern};

impl Checker<'_> {
    pub(super) fn streaming(&mut self) {
        for (name, endpoint) in &self.spec.endpoints {
            let pointer = join_pointer("/endpoints", name);
            if let Some(request) = &endpoint.request
                && request.stream == Some(true)
            {
                let content_type = request.content_type.unwrap_or_default();
                if content_type != ContentType::Binary {
                    self.report(
                        codes::spec::BAD_STREAM,
                        &format!("{pointer}/request/stream"),
                        format!("a `{content_type}` request body is encoded whole, so it cannot be streamed"),
                    )
                    .help = Some(
                        "set `content_type: binary` and `body: { type: string, format: binary }`, or remove `stream`"
                            .into(),
                    );
                }
            }
            for (status, response) in &endpoint.responses {
                let ResponseRef::Full(response) = response else { continue };
                let at = join_pointer(&format!("{pointer}/responses"), status);
                let streamed = response.stream == Some(true);
                if streamed {
                    let content_type = response.content_type.unwrap_or_default();
                    if content_type != ContentType::Binary {
                        self.report(
                            codes::spec::BAD_STREAM,
                            &format!("{at}/stream"),
                            format!("a `{content_type}` response body is decoded whole, so it cannot be streamed"),
                        )
                        .help = Some(
                            "set `content_type: binary` and `body: { type: string, format: binary }`, or remove `stream`"
                                .into(),
                        );
                    } else if response.body.is_none() {
                        self.report(
                            codes::spec::BAD_STREAM,
                            &format!("{at}/stream"),
                            "a response without a `body` has nothing to stream".into(),
                        )
                        .help = Some("declare `body: { type: string, format: binary }`, or remove `stream`".into());
                    }
                    if StatusPattern::parse(status).is_some_and(|pattern| !pattern.is_success()) {
                        self.report(
                            codes::spec::BAD_STREAM,
                            &format!("{at}/stream"),
                            format!(
                                "the `{status}` response is an error, and error bodies are read whole to decode them"
                            ),
                        )
                        .help = Some("stream only a 2xx response".into());
                    }
                }
                match response.max_bytes {
                    Some(_) if !streamed => {
                        self.report(
                            codes::spec::BAD_STREAM,
                            &format!("{at}/max_bytes"),
                            "`max_bytes` caps a streamed body, and this response is not streamed".into(),
                        )
                        .help = Some("add `stream: true`, or remove `max_bytes`".into());
                    }
                    Some(0) => {
                        self.report(
                            codes::spec::BAD_STREAM,
                            &format!("{at}/max_bytes"),
                            "`max_bytes` must be above 0".into(),
                        )
                        .help = Some("leave `max_bytes` out for no cap".into());
                    }
                    _ => {}
                }
            }
        }
    }
}
