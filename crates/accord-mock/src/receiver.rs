//! A webhook receiver for tests: records every delivery and answers from a script.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::sync::oneshot;

/// One delivery as received.
#[derive(Debug, Clone)]
pub struct Received {
    /// Request headers.
    pub headers: HeaderMap,
    /// Raw body, as signed.
    pub body: Bytes,
    /// The full URL it was sent to (what URL-signing schemes sign).
    pub url: String,
}

/// Answers a provider's handshake: the challenge to send back for a handshake body, `None`
/// for anything else (a generated client's `webhooks::handshake`).
pub type HandshakeAnswer = fn(&[u8]) -> Option<String>;

#[derive(Default)]
struct ReceiverState {
    script: VecDeque<u16>,
    received: Vec<Received>,
    handshake: Option<HandshakeAnswer>,
    handshakes: usize,
}

/// An HTTP server on 127.0.0.1 that records deliveries; it answers the scripted statuses in
/// order, then `200`.
pub struct WebhookReceiver {
    addr: SocketAddr,
    state: Arc<Mutex<ReceiverState>>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl WebhookReceiver {
    /// Starts a receiver answering `script` (e.g. `&[500]`: fail once) and then `200`.
    ///
    /// Errors: no port can be bound.
    pub async fn start(script: &[u16]) -> std::io::Result<WebhookReceiver> {
        Self::start_inner(script, None).await
    }

    /// As [`WebhookReceiver::start`], and a request `answer` recognises as the provider's
    /// handshake is answered `200` with the challenge as `text/plain` (Slack's first form,
    /// https://api.slack.com/events/url_verification), neither recorded nor taking a scripted
    /// status.
    ///
    /// Errors: no port can be bound.
    pub async fn start_with_handshake(script: &[u16], answer: HandshakeAnswer) -> std::io::Result<WebhookReceiver> {
        Self::start_inner(script, Some(answer)).await
    }

    async fn start_inner(script: &[u16], handshake: Option<HandshakeAnswer>) -> std::io::Result<WebhookReceiver> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(ReceiverState {
            script: script.iter().copied().collect(),
            handshake,
            ..ReceiverState::default()
        }));
        let app = axum::Router::new().fallback(receive).with_state((state.clone(), addr));
        let (sender, receiver) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = receiver.await;
                })
                .await;
        });
        Ok(WebhookReceiver { addr, state, shutdown: Some(sender) })
    }

    /// `http://127.0.0.1:PORT/webhooks`.
    pub fn url(&self) -> String {
        format!("http://{}/webhooks", self.addr)
    }

    /// How many handshakes were answered.
    pub fn handshakes(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).handshakes
    }

    /// The deliveries received since the last call.
    pub fn take(&self) -> Vec<Received> {
        std::mem::take(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()).received)
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        if let Some(sender) = self.shutdown.take() {
            let _ = sender.send(());
        }
    }
}

async fn receive(State((state, addr)): State<(Arc<Mutex<ReceiverState>>, SocketAddr)>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default();
    let url = format!("http://{addr}{}", parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"));
    let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(challenge) = state.handshake.and_then(|answer| answer(&body)) {
        state.handshakes += 1;
        return ([(axum::http::header::CONTENT_TYPE, "text/plain")], challenge).into_response();
    }
    let status = state.script.pop_front().unwrap_or(200);
    if (200..300).contains(&status) {
        state.received.push(Received { headers: parts.headers, body, url });
    }
    StatusCode::from_u16(status).unwrap_or(StatusCode::OK).into_response()
}
