//! Mutual TLS: a client certificate and its private key (PEM), sent by rustls when the
//! server asks for one (RFC 8446 §4.4.2, the client's `Certificate` message), and extra
//! trusted roots for servers with a private CA. Both go on the reqwest client once, in
//! [`crate::Client::new`]. No dependency of its own: reqwest's rustls backend does it.
//!
//! The key never reaches `Debug` and is zeroized on drop (reqwest keeps its own parsed copy
//! for the client's life).

use std::fmt;

use zeroize::Zeroizing;

use crate::error::{TransportError, TransportErrorKind};

/// A client certificate chain and its private key, PEM.
#[derive(Clone)]
pub struct ClientIdentity {
    /// Certificate chain then key, as reqwest's `Identity::from_pem` reads them (unread in a
    /// build without a rustls backend, which refuses client certificates).
    #[cfg_attr(not(any(feature = "rustls-ring", feature = "rustls-aws-lc")), allow(dead_code))]
    pem: Zeroizing<Vec<u8>>,
}

impl ClientIdentity {
    /// From the certificate chain's PEM and the private key's PEM (PKCS#8, PKCS#1 or SEC1).
    pub fn from_pem(certificate_pem: &[u8], key_pem: &[u8]) -> Self {
        let mut pem = Zeroizing::new(Vec::with_capacity(certificate_pem.len() + key_pem.len() + 1));
        pem.extend_from_slice(certificate_pem);
        pem.push(b'\n');
        pem.extend_from_slice(key_pem);
        ClientIdentity { pem }
    }

    /// From two environment variables, each holding PEM text or the path of a PEM file (a
    /// value without `-----BEGIN` is read as a path). `Ok(None)` when both are unset.
    ///
    /// Errors: only one is set, or a file cannot be read (its path is named, never its
    /// content).
    pub fn from_env(certificate_variable: &str, key_variable: &str) -> Result<Option<Self>, String> {
        let value = |variable: &str| std::env::var(variable).ok().filter(|v| !v.is_empty()).map(Zeroizing::new);
        ClientIdentity::from_settings(
            (certificate_variable, value(certificate_variable).as_deref().map(String::as_str)),
            (key_variable, value(key_variable).as_deref().map(String::as_str)),
        )
    }

    /// From two settings, each `(name, value)` with the value PEM text or the path of a PEM
    /// file, as [`ClientIdentity::from_env`] reads them; names are for errors.
    ///
    /// Errors: only one is given, or a file cannot be read.
    pub fn from_settings(certificate: (&str, Option<&str>), key: (&str, Option<&str>)) -> Result<Option<Self>, String> {
        let read = |(name, value): (&str, Option<&str>)| -> Result<Option<Zeroizing<Vec<u8>>>, String> {
            let Some(value) = value else { return Ok(None) };
            if value.contains("-----BEGIN") {
                return Ok(Some(Zeroizing::new(value.as_bytes().to_vec())));
            }
            std::fs::read(value)
                .map(|bytes| Some(Zeroizing::new(bytes)))
                .map_err(|e| format!("`{name}` names `{value}`, which cannot be read: {e}"))
        };
        match (read(certificate)?, read(key)?) {
            (Some(certificate), Some(key)) => Ok(Some(ClientIdentity::from_pem(&certificate, &key))),
            (None, None) => Ok(None),
            (Some(_), None) => Err(format!("`{}` is set but `{}` is not", certificate.0, key.0)),
            (None, Some(_)) => Err(format!("`{}` is set but `{}` is not", key.0, certificate.0)),
        }
    }
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientIdentity(***)")
    }
}

/// TLS settings of a client beyond the defaults: a client certificate, and roots trusted
/// besides the platform's (PEM).
#[derive(Debug, Clone, Default)]
pub struct TlsConfig {
    /// Sent when the server asks for a client certificate.
    pub identity: Option<ClientIdentity>,
    /// Extra trusted root certificates, PEM (a private CA).
    pub extra_roots: Vec<Vec<u8>>,
}

impl TlsConfig {
    /// Puts these settings on `builder`.
    ///
    /// With an identity or extra roots, the client uses rustls even when native-tls is compiled
    /// in as well.
    ///
    /// Errors: a certificate or key that does not parse ([`TransportErrorKind::Invalid`]), or
    /// a build without a rustls backend (mTLS needs `rustls-ring` or `rustls-aws-lc`).
    pub fn apply(&self, builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, TransportError> {
        if self.identity.is_none() && self.extra_roots.is_empty() {
            return Ok(builder);
        }
        #[cfg(any(feature = "rustls-ring", feature = "rustls-aws-lc"))]
        {
            let invalid = |what: &str, e: reqwest::Error| {
                TransportError::new(TransportErrorKind::Invalid, format!("{what} does not parse: {e}"))
            };
            // Client certificates and extra roots are rustls's here; when native-tls is
            // compiled in too (two generated crates of one build asking for different
            // backends unify the features), reqwest would pick native-tls and refuse a
            // rustls identity ("incompatible TLS identity type"), so rustls is chosen.
            let mut builder = builder.tls_backend_rustls();
            for root in &self.extra_roots {
                let certificate = reqwest::Certificate::from_pem(root).map_err(|e| invalid("a root certificate", e))?;
                builder = builder.add_root_certificate(certificate);
            }
            if let Some(identity) = &self.identity {
                let identity = reqwest::Identity::from_pem(&identity.pem)
                    .map_err(|e| invalid("the client certificate or key", e.without_url()))?;
                builder = builder.identity(identity);
            }
            Ok(builder)
        }
        #[cfg(not(any(feature = "rustls-ring", feature = "rustls-aws-lc")))]
        {
            let _ = builder;
            Err(TransportError::new(
                TransportErrorKind::Invalid,
                "a client certificate needs accord-runtime's `rustls-ring` or `rustls-aws-lc` feature",
            ))
        }
    }
}

/// Whether `error`'s source chain holds a TLS failure: rustls refusing the peer, or an alert
/// from it (a client certificate required, refused or unknown).
pub(crate) fn is_tls_failure(error: &(dyn std::error::Error + 'static)) -> bool {
    #[cfg(feature = "rustls-ring")]
    {
        let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
        while let Some(e) = current {
            if e.downcast_ref::<rustls::Error>().is_some() {
                return true;
            }
            if let Some(io) = e.downcast_ref::<std::io::Error>()
                && io.get_ref().is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
            {
                return true;
            }
            current = e.source();
        }
        false
    }
    #[cfg(not(feature = "rustls-ring"))]
    {
        let _ = error;
        false
    }
}
