//! The provider's RS256 signing keys. A key is not stored: it is derived from the world's
//! `signing_key` and a rotation generation (RSA key generation seeded with SHA-256 of both), so
//! every sandbox of a world publishes the same keys, the way every Entra front end signs with
//! the tenant's keys, and a sandbox that keeps its state needs to remember only the generation.
//!
//! Generating a 2048-bit key takes a noticeable moment, so keys are made on first use (never for
//! a cloud nobody signs in to), off the async threads, and kept for the life of the process.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use rsa::RsaPrivateKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use thiserror::Error;

/// Modulus size of the keys, as Entra's.
const KEY_BITS: usize = 2048;

/// Why a key cannot be made or used.
#[derive(Debug, Error)]
pub enum KeyError {
    /// RSA key generation failed (never expected with a working generator).
    #[error("RSA key generation failed: {0}")]
    Generate(#[from] rsa::Error),
    /// The private key could not be encoded for the signer.
    #[error("RSA key encoding failed: {0}")]
    Encode(#[from] rsa::pkcs1::Error),
    /// The blocking task that makes keys did not finish.
    #[error("the key generation task failed: {0}")]
    Task(String),
}

/// One RS256 key pair with its key id.
pub struct SigningKey {
    /// The `kid` tokens carry and the JWKS lists.
    pub kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    modulus: String,
    exponent: String,
}

impl SigningKey {
    /// `claims` signed with this key: an RS256 JWT whose header names the key.
    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String, jsonwebtoken::errors::Error> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding)
    }

    /// The key as a JWK, as Entra's v2 key set lists it (with its `issuer`).
    pub fn jwk(&self, issuer: &str) -> Value {
        json!({
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "alg": "RS256",
            "n": self.modulus,
            "e": self.exponent,
            "issuer": issuer,
        })
    }
}

/// Why a token is refused by [`verify`].
#[derive(Debug, Error)]
pub enum VerifyError {
    /// The token's header names no key of the set (or no key at all).
    #[error("the token is signed with a key this provider does not publish")]
    UnknownKey,
    /// The header is unreadable, or the signature or a validated claim is wrong.
    #[error(transparent)]
    Invalid(#[from] jsonwebtoken::errors::Error),
}

/// The claims of `token` when it is an RS256 JWT signed by one of `keys` and passes
/// `validation` (whose algorithm list is forced to RS256: `alg: none` or HS256 never pass).
pub fn verify<T: DeserializeOwned>(
    token: &str,
    keys: &[Arc<SigningKey>],
    mut validation: Validation,
) -> Result<T, VerifyError> {
    let header = jsonwebtoken::decode_header(token)?;
    if header.alg != Algorithm::RS256 {
        return Err(VerifyError::UnknownKey);
    }
    let kid = header.kid.ok_or(VerifyError::UnknownKey)?;
    let key = keys
        .iter()
        .find(|k| k.kid == kid)
        .ok_or(VerifyError::UnknownKey)?;
    validation.algorithms = vec![Algorithm::RS256];
    Ok(jsonwebtoken::decode::<T>(token, &key.decoding, &validation)?.claims)
}

/// The key of `generation` for a world signed with `secret`, made once per process.
pub async fn key(secret: &str, generation: u32) -> Result<Arc<SigningKey>, KeyError> {
    let secret = secret.to_owned();
    tokio::task::spawn_blocking(move || cached(&secret, generation))
        .await
        .map_err(|joined| KeyError::Task(joined.to_string()))?
}

/// Keys by (world secret, generation).
type KeyCache = Mutex<HashMap<(String, u32), Arc<SigningKey>>>;

/// Keys made so far in this process.
fn cache() -> &'static KeyCache {
    static CACHE: OnceLock<KeyCache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn cached(secret: &str, generation: u32) -> Result<Arc<SigningKey>, KeyError> {
    // Held while a key is made, so concurrent first users wait for one key, not make two.
    let mut keys = cache()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(key) = keys.get(&(secret.to_owned(), generation)) {
        return Ok(Arc::clone(key));
    }
    let started = std::time::Instant::now();
    let key = Arc::new(derive(secret, generation)?);
    tracing::debug!(generation, kid = %key.kid, elapsed = ?started.elapsed(), "sandbox entra: signing key made");
    keys.insert((secret.to_owned(), generation), Arc::clone(&key));
    Ok(key)
}

fn derive(secret: &str, generation: u32) -> Result<SigningKey, KeyError> {
    let mut seed = Sha256::new();
    seed.update(b"arm-sandbox entra signing key\0");
    seed.update(secret.as_bytes());
    seed.update(generation.to_be_bytes());
    let mut rng = ChaCha20Rng::from_seed(seed.finalize().into());
    let private = RsaPrivateKey::new(&mut rng, KEY_BITS)?;
    let der = private.to_pkcs1_der()?;
    let modulus = private.n().to_bytes_be();
    let exponent = private.e().to_bytes_be();
    // Entra's kids are 27 base64url characters (a 20-byte thumbprint); so are these.
    let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(&modulus)[..20]);
    Ok(SigningKey {
        kid,
        encoding: EncodingKey::from_rsa_der(der.as_bytes()),
        decoding: DecodingKey::from_rsa_raw_components(&modulus, &exponent),
        modulus: URL_SAFE_NO_PAD.encode(&modulus),
        exponent: URL_SAFE_NO_PAD.encode(&exponent),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[tokio::test]
    async fn keys_are_the_same_for_a_world_and_new_for_a_generation() {
        let first = key("unit-test-key", 0).await.expect("key");
        let again = key("unit-test-key", 0).await.expect("key");
        assert_eq!(first.kid, again.kid);
        assert_eq!(first.kid.len(), 27);
        let next = key("unit-test-key", 1).await.expect("key");
        assert_ne!(first.kid, next.kid);
        // The same derivation run afresh (not from the cache) gives the same key.
        assert_eq!(derive("unit-test-key", 1).expect("key").kid, next.kid);

        let token = first.sign(&json!({ "sub": "x" })).expect("signed");
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        let claims: Value = verify(
            &token,
            &[Arc::clone(&next), Arc::clone(&first)],
            validation.clone(),
        )
        .expect("verified by its kid");
        assert_eq!(claims["sub"], "x");
        assert!(matches!(
            verify::<Value>(&token, &[next], validation),
            Err(VerifyError::UnknownKey)
        ));
    }
}
