//! Mutual TLS against a local rustls server that requires a client certificate, with every
//! certificate made here by rcgen (a CA, the server's for `localhost`, a client's, and a
//! client's from another CA): with the CA's client certificate the request succeeds;
//! without one, or with an unknown one, it fails with `TransportErrorKind::Tls`.

use std::net::SocketAddr;
use std::sync::Arc;

use accord_runtime::TransportError;
use accord_runtime::error::TransportErrorKind;
use accord_runtime::tls::{ClientIdentity, TlsConfig};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;

struct Pki {
    ca_pem: String,
    server: (String, String),
    client: (String, String),
    stranger: (String, String),
}

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(rcgen::DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key")).expect("CA")
}

fn leaf(issuer: &CertifiedIssuer<'static, KeyPair>, names: &[&str]) -> (String, String) {
    let key = KeyPair::generate().expect("key");
    let params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).expect("params");
    let certificate = params.signed_by(&key, issuer).expect("signed");
    (certificate.pem(), key.serialize_pem())
}

fn pki() -> Pki {
    let root = ca("accord test CA");
    let other = ca("another CA");
    Pki {
        ca_pem: root.pem(),
        server: leaf(&root, &["localhost"]),
        client: leaf(&root, &["client.accord.test"]),
        stranger: leaf(&other, &["stranger.accord.test"]),
    }
}

/// A TLS server on 127.0.0.1 that requires a client certificate issued by the CA, and
/// answers `200 ok` to whatever request it reads.
async fn server(pki: &Pki) -> SocketAddr {
    // Deprecated since rustls 0.23.48 (no post-quantum key exchange); the runtime's default.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut roots = rustls::RootCertStore::empty();
    for certificate in rustls_pki(pki.ca_pem.as_bytes()) {
        roots.add(certificate).expect("CA added");
    }
    let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots)).build().expect("verifier");
    let key = {
        use rustls::pki_types::pem::PemObject;
        rustls::pki_types::PrivateKeyDer::from_pem_slice(pki.server.1.as_bytes()).expect("server key")
    };
    let config = rustls::ServerConfig::builder()
        .with_client_cert_verifier(verifier)
        .with_single_cert(rustls_pki(pki.server.0.as_bytes()), key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else { return };
                let mut buffer = vec![0u8; 4096];
                let mut read = 0;
                while !buffer[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buffer[read..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read += n,
                    }
                }
                let _ = tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok").await;
                let _ = tls.shutdown().await;
            });
        }
    });
    addr
}

fn rustls_pki(pem: &[u8]) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(pem).collect::<Result<_, _>>().expect("certificates")
}

async fn get(addr: SocketAddr, tls: TlsConfig) -> Result<String, TransportError> {
    let http = tls
        .apply(accord_runtime::client::http_builder())?
        .resolve("localhost", addr)
        .build()
        .map_err(TransportError::from_reqwest)?;
    let response =
        http.get(format!("https://localhost:{}/", addr.port())).send().await.map_err(TransportError::from_reqwest)?;
    response.text().await.map_err(TransportError::from_reqwest)
}

#[tokio::test]
async fn a_client_certificate_from_the_ca_is_accepted_and_none_or_another_is_a_tls_error() {
    let pki = pki();
    let addr = server(&pki).await;
    let roots = vec![pki.ca_pem.clone().into_bytes()];

    let with = TlsConfig {
        identity: Some(ClientIdentity::from_pem(pki.client.0.as_bytes(), pki.client.1.as_bytes())),
        extra_roots: roots.clone(),
    };
    assert_eq!(get(addr, with).await.expect("mTLS request succeeds"), "ok");

    let without = TlsConfig { identity: None, extra_roots: roots.clone() };
    let error = get(addr, without).await.expect_err("no client certificate");
    assert_eq!(error.kind(), TransportErrorKind::Tls, "{error}");

    let stranger = TlsConfig {
        identity: Some(ClientIdentity::from_pem(pki.stranger.0.as_bytes(), pki.stranger.1.as_bytes())),
        extra_roots: roots,
    };
    let error = get(addr, stranger).await.expect_err("a certificate from another CA");
    assert_eq!(error.kind(), TransportErrorKind::Tls, "{error}");
}

#[test]
fn identities_come_from_pem_text_or_a_file_and_never_print_the_key() {
    let pki = pki();
    let dir = std::env::temp_dir().join(format!("accord-mtls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_path = dir.join("client.key");
    std::fs::write(&key_path, &pki.client.1).unwrap();
    let key_path_text = key_path.to_str().unwrap();
    let identity = ClientIdentity::from_settings(("CERT", Some(&pki.client.0)), ("KEY", Some(key_path_text)))
        .unwrap()
        .expect("set");
    let shown = format!("{identity:?} {:?}", TlsConfig { identity: Some(identity.clone()), extra_roots: vec![] });
    assert!(!shown.contains("PRIVATE KEY") && shown.contains("***"), "{shown}");
    assert!(ClientIdentity::from_env("ACCORD_MTLS_UNSET_A", "ACCORD_MTLS_UNSET_B").unwrap().is_none());
    let error = ClientIdentity::from_settings(("CERT", Some(&pki.client.0)), ("KEY", None)).unwrap_err();
    assert!(error.contains("`KEY`"), "{error}");
    let error =
        ClientIdentity::from_settings(("CERT", Some("/nonexistent/c.pem")), ("KEY", Some(key_path_text))).unwrap_err();
    assert!(error.contains("/nonexistent/c.pem") && !error.contains("PRIVATE"), "{error}");
    // A good identity parses; a broken key is an Invalid error, not a panic.
    let ok = TlsConfig { identity: Some(identity), extra_roots: vec![] };
    assert!(ok.apply(accord_runtime::client::http_builder()).is_ok());
    let broken = TlsConfig { identity: Some(ClientIdentity::from_pem(b"not pem", b"nor this")), extra_roots: vec![] };
    let error = broken.apply(accord_runtime::client::http_builder()).map(|_| ()).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Invalid);
    let _ = std::fs::remove_dir_all(&dir);
}
