//! ECDSA over NIST P-256 with SHA-256 (FIPS 186-5 §6), as SendGrid's Event Webhook signs:
//! the signature is an ASN.1 DER `Ecdsa-Sig-Value` (RFC 3279 §2.2.3), the public key a DER
//! SubjectPublicKeyInfo (RFC 5480), both base64 in SendGrid's headers and settings
//! ("Getting Started with the Event Webhook Security Features",
//! <https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features>).
//! With accord-runtime's `ecdsa-p256` feature, RustCrypto's `p256`; without it, every call
//! says which feature to turn on.
//!
//! What is accepted, and why:
//! - public keys as DER SubjectPublicKeyInfo (what SendGrid shows), or as a SEC1 point (the
//!   65-byte uncompressed or 33-byte compressed form other providers print);
//! - signing keys (tests and mocks only) as PKCS#8 DER, SEC1 `ECPrivateKey` DER (SendGrid's
//!   Go SDK tests), or the bare 32-byte scalar;
//! - signatures in strict DER only (no BER, no trailing bytes, no raw `r‖s`), both low-S and
//!   high-S: ECDSA itself does not normalise `s`, and SendGrid's signers (Java, Go) do not
//!   either, so refusing high-S would refuse about half of its genuine deliveries.

use super::error::WebhookError;

/// Shortest DER `Ecdsa-Sig-Value`: a SEQUENCE header and two one-byte INTEGERs.
pub(super) const MIN_DER_LENGTH: usize = 8;

#[cfg(feature = "ecdsa-p256")]
mod enabled {
    use super::WebhookError;
    use p256::ecdsa::signature::{Signer as _, Verifier as _};
    use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
    use p256::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};

    fn verifying_key(public_key: &[u8]) -> Result<VerifyingKey, WebhookError> {
        VerifyingKey::from_public_key_der(public_key).or_else(|_| VerifyingKey::from_sec1_bytes(public_key)).map_err(
            |_| WebhookError::InvalidKey("not a P-256 public key (a DER SubjectPublicKeyInfo, or a SEC1 point)".into()),
        )
    }

    fn signing_key(private_key: &[u8]) -> Result<SigningKey, WebhookError> {
        SigningKey::from_pkcs8_der(private_key)
            .ok()
            .or_else(|| p256::SecretKey::from_sec1_der(private_key).ok().map(SigningKey::from))
            .or_else(|| SigningKey::from_slice(private_key).ok())
            .ok_or_else(|| {
                WebhookError::InvalidKey("not a P-256 private key (PKCS#8 DER, SEC1 DER, or the 32-byte scalar)".into())
            })
    }

    /// Whether `signature` is a strict DER `Ecdsa-Sig-Value` with `r` and `s` in `[1, n)`.
    pub(in super::super) fn well_formed(signature: &[u8]) -> bool {
        Signature::from_der(signature).is_ok()
    }

    /// Whether `signature` (DER) signs `message` under `public_key`.
    ///
    /// Errors: [`WebhookError::InvalidKey`] when `public_key` is not a P-256 public key.
    pub(in super::super) fn verify(public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<bool, WebhookError> {
        let key = verifying_key(public_key)?;
        let Ok(signature) = Signature::from_der(signature) else { return Ok(false) };
        Ok(key.verify(message, &signature).is_ok())
    }

    /// The DER signature of `message` (RFC 6979 deterministic nonce, low-S as `p256` signs).
    ///
    /// Errors: [`WebhookError::InvalidKey`] when `private_key` is not a P-256 private key.
    pub(in super::super) fn sign(private_key: &[u8], message: &[u8]) -> Result<Vec<u8>, WebhookError> {
        let key = signing_key(private_key)?;
        let signature: Signature = key.sign(message);
        Ok(signature.to_der().as_bytes().to_vec())
    }
}

#[cfg(not(feature = "ecdsa-p256"))]
mod enabled {
    use super::WebhookError;

    fn disabled() -> WebhookError {
        WebhookError::InvalidScheme("ECDSA P-256 needs accord-runtime's `ecdsa-p256` feature".into())
    }

    /// Without the feature, the DER check is left to [`verify`], which refuses.
    pub(in super::super) fn well_formed(_: &[u8]) -> bool {
        true
    }

    pub(in super::super) fn verify(_: &[u8], _: &[u8], _: &[u8]) -> Result<bool, WebhookError> {
        Err(disabled())
    }

    pub(in super::super) fn sign(_: &[u8], _: &[u8]) -> Result<Vec<u8>, WebhookError> {
        Err(disabled())
    }
}

pub(super) use enabled::{sign, verify, well_formed};
