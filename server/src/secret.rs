//! [`Secret`]: a string that must never be printed: tokens, client secrets, PKCE verifiers.
//!
//! Its `Debug` and `Display` say `[redacted]`, so a `tracing` field or an error that carries one
//! by mistake leaks nothing; the value is read only through [`Secret::expose`], which makes
//! every use visible in review. It serialises as the plain string because it is stored
//! server-side (in the session record or, encrypted, in the token vault), never sent to the
//! browser.

use serde::{Deserialize, Serialize};

/// A string kept out of logs; see the module documentation.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that sends or encrypts it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printing_a_secret_shows_nothing_of_it() {
        let secret = Secret::new("eyJhbGciOi.refresh");
        assert_eq!(format!("{secret:?} {secret}"), "[redacted] [redacted]");
        assert_eq!(secret.expose(), "eyJhbGciOi.refresh");
        assert_eq!(
            serde_json::to_string(&secret).expect("json"),
            "\"eyJhbGciOi.refresh\""
        );
    }
}
