//! `SESSION_SECRET`: 64 random bytes in base64. Sessions no longer need it (their cookie is a
//! random id of a server-side record); it remains the source the token vault derives its key
//! from when `TOKEN_ENCRYPTION_KEY` is not set (see [`crate::token_vault::key`]), so its
//! validation and messages stay as they were.

use thiserror::Error;

/// How many random bytes `SESSION_SECRET` must decode to.
pub const SESSION_SECRET_BYTES: usize = 64;

/// Why `SESSION_SECRET` cannot be used.
#[derive(Debug, Error)]
pub enum SessionKeyError {
    /// `SESSION_SECRET` is not base64.
    #[error(
        "SESSION_SECRET must be {SESSION_SECRET_BYTES} random bytes in base64 (e.g. `openssl rand -base64 64`); it is not base64: {0}"
    )]
    NotBase64(base64::DecodeError),
    /// `SESSION_SECRET` decodes to too few bytes.
    #[error(
        "SESSION_SECRET must be {SESSION_SECRET_BYTES} random bytes in base64 (e.g. `openssl rand -base64 64`); it decodes to {0} bytes"
    )]
    SecretTooShort(usize),
}

/// The bytes of a base64 `SESSION_SECRET` (standard alphabet, padding optional; surrounding
/// whitespace ignored), refused under [`SESSION_SECRET_BYTES`].
pub fn decode_session_secret(secret: &str) -> Result<Vec<u8>, SessionKeyError> {
    let bytes = decode_lenient_base64(secret).map_err(SessionKeyError::NotBase64)?;
    if bytes.len() < SESSION_SECRET_BYTES {
        return Err(SessionKeyError::SecretTooShort(bytes.len()));
    }
    Ok(bytes)
}

/// Standard base64 with optional padding, surrounding whitespace ignored.
pub fn decode_lenient_base64(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT_PADDING: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    LENIENT_PADDING.decode(text.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 64 bytes 0, 1, …, 63 in base64.
    const SECRET: &str =
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

    #[test]
    fn the_secret_must_be_64_bytes_of_base64() {
        let unpadded = SECRET.trim_end_matches('=');
        assert!(decode_session_secret(unpadded).is_ok());
        assert_eq!(
            decode_session_secret(&format!(" {SECRET}\n"))
                .expect("padded")
                .len(),
            64
        );
        let short = decode_session_secret(&"s".repeat(64)).err();
        assert!(
            matches!(short, Some(SessionKeyError::SecretTooShort(48))),
            "{short:?}"
        );
        let plain = decode_session_secret(&"not base64! ".repeat(8)).err();
        assert!(
            matches!(plain, Some(SessionKeyError::NotBase64(_))),
            "{plain:?}"
        );
        assert!(
            plain
                .map(|e| e.to_string())
                .is_some_and(|m| m.contains("openssl rand -base64 64")),
            "the message says how to make one"
        );
    }
}
