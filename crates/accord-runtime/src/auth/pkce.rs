//! Proof Key for Code Exchange (RFC 7636) with the `S256` method: a verifier of 32 random
//! bytes from the operating system's CSPRNG (`getrandom`), base64url without padding
//! (43 characters, §4.1), and its challenge `BASE64URL(SHA256(verifier))` (§4.2).

use std::fmt;

use base64::Engine as _;
use sha2::{Digest as _, Sha256};

use crate::secret::Secret;

/// A PKCE code verifier (RFC 7636 §4.1): keep it with the `state` until the redirect comes
/// back, then give it to `exchange_code`. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct PkceVerifier(Secret);

impl PkceVerifier {
    /// A new verifier: 32 bytes from the OS's CSPRNG, base64url without padding.
    ///
    /// Errors: the operating system has no random source to give (`getrandom` failed).
    pub fn generate() -> Result<Self, String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|error| format!("no random source for a PKCE verifier: {error}"))?;
        Ok(PkceVerifier(Secret::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))))
    }

    /// A verifier from its text (one kept across a redirect, in a session).
    ///
    /// Errors: not 43 to 128 characters of `[A-Za-z0-9-._~]` (RFC 7636 §4.1).
    pub fn from_text(text: impl Into<String>) -> Result<Self, String> {
        let text = text.into();
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~');
        if !(43..=128).contains(&text.len()) || !text.chars().all(allowed) {
            return Err(
                "a PKCE verifier is 43 to 128 characters of A-Z, a-z, 0-9, `-`, `.`, `_`, `~` (RFC 7636 §4.1)".into()
            );
        }
        Ok(PkceVerifier(Secret::new(text)))
    }

    /// The verifier's text (for the token request, or to keep in a session).
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The `S256` challenge: `BASE64URL(SHA256(ASCII(verifier)))` (RFC 7636 §4.2).
    pub fn challenge(&self) -> String {
        challenge_s256(self.expose())
    }
}

/// The `S256` challenge of `verifier` (RFC 7636 §4.2); the mock checks with it too.
pub fn challenge_s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

impl fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PkceVerifier(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 Appendix B's example verifier and challenge.
    #[test]
    fn the_challenge_of_rfc_7636_appendix_b() {
        let verifier = PkceVerifier::from_text("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").expect("valid");
        assert_eq!(verifier.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn generated_verifiers_are_43_characters_distinct_and_hidden() {
        let (a, b) = (PkceVerifier::generate().expect("random"), PkceVerifier::generate().expect("random"));
        assert_eq!(a.expose().len(), 43);
        assert_ne!(a, b);
        assert!(PkceVerifier::from_text(a.expose()).is_ok());
        assert_eq!(format!("{a:?}"), "PkceVerifier(***)");
        assert!(PkceVerifier::from_text("short").is_err());
        assert!(PkceVerifier::from_text("x".repeat(42) + "!").is_err());
    }
}
