//! The vault's AES-256 key: `TOKEN_ENCRYPTION_KEY` (32 bytes in base64) when set; otherwise
//! derived from `SESSION_SECRET` with HKDF-SHA256 (so one secret in the deployment is enough);
//! otherwise random, which makes every stored token unreadable after a restart (logged as a
//! warning: users then sign in again before their jobs can use Azure on their behalf).

use crate::session::secret::{SessionKeyError, decode_lenient_base64, decode_session_secret};
use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{KeyInit, OsRng};
use hkdf::Hkdf;
use sha2::Sha256;
use thiserror::Error;

/// Bytes of an AES-256 key.
pub const KEY_BYTES: usize = 32;

/// HKDF's `info`: names what the derived key is for and its version, so the same
/// `SESSION_SECRET` never yields this key for anything else.
const DERIVATION_INFO: &[u8] = b"aks-dashboard token-vault aes-256-gcm v1";

/// An AES-256 key. Its `Debug` prints nothing of it.
#[derive(Clone)]
pub struct VaultKey([u8; KEY_BYTES]);

impl std::fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VaultKey([redacted])")
    }
}

/// Why the configured key cannot be used.
#[derive(Debug, Error)]
pub enum VaultKeyError {
    /// `TOKEN_ENCRYPTION_KEY` is not base64.
    #[error(
        "TOKEN_ENCRYPTION_KEY must be {KEY_BYTES} random bytes in base64 (e.g. `openssl rand -base64 32`); it is not base64: {0}"
    )]
    NotBase64(base64::DecodeError),
    /// `TOKEN_ENCRYPTION_KEY` has the wrong length.
    #[error(
        "TOKEN_ENCRYPTION_KEY must be {KEY_BYTES} random bytes in base64 (e.g. `openssl rand -base64 32`); it decodes to {0} bytes"
    )]
    WrongLength(usize),
    /// `SESSION_SECRET`, the key's other source, is unusable.
    #[error(transparent)]
    SessionSecret(#[from] SessionKeyError),
}

impl VaultKey {
    /// The key from `TOKEN_ENCRYPTION_KEY`, else derived from `SESSION_SECRET`, else random
    /// (see the module documentation).
    pub fn from_settings(
        token_encryption_key: Option<&str>,
        session_secret: Option<&str>,
    ) -> Result<Self, VaultKeyError> {
        if let Some(encoded) = token_encryption_key {
            let bytes = decode_lenient_base64(encoded).map_err(VaultKeyError::NotBase64)?;
            let key: [u8; KEY_BYTES] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| VaultKeyError::WrongLength(bytes.len()))?;
            return Ok(Self(key));
        }
        if let Some(secret) = session_secret {
            return Ok(Self::derived_from(&decode_session_secret(secret)?));
        }
        tracing::warn!(
            "neither TOKEN_ENCRYPTION_KEY nor SESSION_SECRET is set: the token vault uses a random key, so stored refresh tokens are unreadable after a restart and users must sign in again"
        );
        Ok(Self::random())
    }

    /// A key derived from `secret` with HKDF-SHA256.
    pub fn derived_from(secret: &[u8]) -> Self {
        let mut key = [0_u8; KEY_BYTES];
        // 32 bytes is far below HKDF-SHA256's limit (255 × 32), so expanding cannot fail.
        let _ = Hkdf::<Sha256>::new(None, secret).expand(DERIVATION_INFO, &mut key);
        Self(key)
    }

    /// A random key from the operating system's source.
    pub fn random() -> Self {
        Self(Aes256Gcm::generate_key(&mut OsRng).into())
    }

    /// The key's bytes, for the cipher.
    pub(super) fn bytes(&self) -> &[u8; KEY_BYTES] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SESSION_SECRET: &str =
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

    #[test]
    fn the_key_comes_from_the_setting_then_the_session_secret() {
        let explicit = VaultKey::from_settings(
            Some("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="),
            Some(SESSION_SECRET),
        )
        .expect("explicit key");
        assert_eq!(explicit.bytes(), &[1_u8; KEY_BYTES]);
        let derived = VaultKey::from_settings(None, Some(SESSION_SECRET)).expect("derived");
        let again = VaultKey::from_settings(None, Some(SESSION_SECRET)).expect("derived");
        assert_eq!(derived.bytes(), again.bytes(), "derivation is stable");
        assert_ne!(derived.bytes(), &[0_u8; KEY_BYTES]);
        assert_ne!(VaultKey::random().bytes(), VaultKey::random().bytes());
        assert_eq!(format!("{derived:?}"), "VaultKey([redacted])");
    }

    #[test]
    fn bad_keys_say_how_to_make_one() {
        let short = VaultKey::from_settings(Some("AQID"), None).unwrap_err();
        assert!(matches!(short, VaultKeyError::WrongLength(3)), "{short}");
        assert!(short.to_string().contains("openssl rand -base64 32"));
        let text = VaultKey::from_settings(Some("not base64!"), None).unwrap_err();
        assert!(matches!(text, VaultKeyError::NotBase64(_)), "{text}");
        let secret = VaultKey::from_settings(None, Some("c2hvcnQ=")).unwrap_err();
        assert!(secret.to_string().starts_with("SESSION_SECRET"), "{secret}");
    }
}
