//! The mock over HTTPS, for specs whose environments ask for a client certificate (mutual
//! TLS): rustls serves the given certificate chain and, with a client CA, requires every
//! client to present a certificate issued by it (RFC 8446 §4.3.2 `CertificateRequest`,
//! §4.4.2 the client's `Certificate`), verified by rustls' `WebPkiClientVerifier`. A
//! handshake that fails (no certificate, one from another CA) closes the connection before
//! any request is read, as a real server's does.

use std::fmt;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use zeroize::Zeroizing;

/// What the mock serves HTTPS with ([`crate::MockOptions::tls`]).
#[derive(Clone)]
pub struct MockTls {
    /// The server's certificate chain, PEM, leaf first.
    pub certificate_chain_pem: String,
    /// The server's private key, PEM (PKCS #8, PKCS #1 or SEC1); zeroized on drop.
    pub private_key_pem: Zeroizing<String>,
    /// CA certificates (PEM) client certificates must chain to; `None`: no client
    /// certificate is asked for (plain HTTPS).
    pub client_ca_pem: Option<String>,
}

impl fmt::Debug for MockTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockTls")
            .field("private_key_pem", &"***")
            .field("requires_client_certificate", &self.client_ca_pem.is_some())
            .finish_non_exhaustive()
    }
}

fn certificates(pem: &str, what: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let certificates = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| format!("{what}: not PEM certificates: {error}"))?;
    if certificates.is_empty() {
        return Err(format!("{what}: no `CERTIFICATE` block"));
    }
    Ok(certificates)
}

impl MockTls {
    /// The acceptor of connections, with rustls' ring provider.
    ///
    /// Errors: a certificate or key that does not parse, a key that does not match the
    /// certificate, a CA rustls refuses; each message says which.
    pub fn acceptor(&self) -> Result<tokio_rustls::TlsAcceptor, String> {
        // Deprecated since rustls 0.23.48 ("no support for post-quantum algorithms"): a test
        // server's key exchange needs none, and ring is what the runtime builds already.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let chain = certificates(&self.certificate_chain_pem, "the server certificate")?;
        let key = PrivateKeyDer::from_pem_slice(self.private_key_pem.as_bytes())
            .map_err(|error| format!("the server key: not a PEM private key: {error}"))?;
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|error| error.to_string())?;
        let builder = match &self.client_ca_pem {
            Some(ca) => {
                let mut roots = rustls::RootCertStore::empty();
                for certificate in certificates(ca, "the client CA")? {
                    roots.add(certificate).map_err(|error| format!("the client CA: {error}"))?;
                }
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                    .build()
                    .map_err(|error| format!("the client CA: {error}"))?;
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let mut config =
            builder.with_single_cert(chain, key).map_err(|error| format!("the server certificate and key: {error}"))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
    }
}
