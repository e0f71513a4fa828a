//! The mock's accept loop: each connection served as HTTP/1.1 by hyper with a header read
//! timeout, so a client that never finishes a request head (a slow loris) is disconnected
//! instead of holding its connection for good, and a graceful shutdown that lets requests in
//! flight finish. `axum::serve` offers no header timeout, hence this loop. With a TLS
//! acceptor ([`crate::tls::MockTls`]) each connection is a TLS handshake first.

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Serves `app` on `listener` until `shutdown` completes, then waits for open connections
/// to finish their requests.
///
/// `header_read_timeout` bounds the time from a connection's start (or the end of its previous
/// response) to the end of the next request head; past it hyper closes the connection.
pub(crate) async fn serve(
    listener: TcpListener,
    app: axum::Router,
    header_read_timeout: Duration,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    // Dropped when `shutdown` completes: connections watch for it.
    let (signal_tx, signal_rx) = watch::channel(());
    tokio::spawn(async move {
        shutdown.await;
        drop(signal_rx);
    });
    // Each connection holds a receiver: the loop waits for all to be dropped.
    let (close_tx, close_rx) = watch::channel(());
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Running out of file descriptors (EMFILE) or a connection that failed
                    // before it was accepted: keep serving the others, after a pause when the
                    // process itself is short of something.
                    if !matches!(
                        error.kind(),
                        std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset
                    ) {
                        tracing::warn!(target: "accord_mock", "accept failed: {error}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    continue;
                }
            },
            () = signal_tx.closed() => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let signal_tx = signal_tx.clone();
        let close_rx = close_rx.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                // The handshake is bounded like a request head: a client that stalls in it
                // holds nothing for longer.
                Some(acceptor) => match tokio::time::timeout(header_read_timeout, acceptor.accept(stream)).await {
                    Ok(Ok(stream)) => connection(stream, service, header_read_timeout, &signal_tx).await,
                    Ok(Err(error)) => tracing::debug!(target: "accord_mock", "TLS handshake refused: {error}"),
                    Err(_) => tracing::debug!(target: "accord_mock", "TLS handshake timed out"),
                },
                None => connection(stream, service, header_read_timeout, &signal_tx).await,
            }
            drop(close_rx);
        });
    }
    drop(close_rx);
    drop(listener);
    close_tx.closed().await;
}

/// Serves one connection (plain or TLS) until it closes, shutting it down gracefully once
/// `signal` is closed.
async fn connection<I>(
    stream: I,
    service: TowerToHyperService<axum::Router>,
    header_read_timeout: Duration,
    signal: &watch::Sender<()>,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
    let mut connection = pin!(builder.serve_connection(TokioIo::new(stream), service));
    let mut signal = pin!(signal.closed());
    let mut shutting_down = false;
    loop {
        tokio::select! {
            _ = connection.as_mut() => break,
            () = &mut signal, if !shutting_down => {
                connection.as_mut().graceful_shutdown();
                shutting_down = true;
            }
        }
    }
}
