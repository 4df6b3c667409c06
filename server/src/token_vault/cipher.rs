//! Sealing and opening a person's token set: AES-256-GCM with a fresh random 96-bit nonce per
//! write (a key is never used with the same nonce twice in practice: 2^-32 collision odds only
//! after about 2^32 writes), and the person's key (tenant id + object id) as associated data,
//! so a row copied onto another person's fails to open.

use super::key::VaultKey;
use crate::store::SealedTokens;
use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};

/// The ciphertext does not open: another key, another person, or altered bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct Unopenable;

/// The associated data binding a sealed set to its person: both ids, length-prefixed so no
/// pair of ids can spell another pair.
fn associated_data(tenant_id: &str, object_id: &str) -> Vec<u8> {
    let mut data = Vec::with_capacity(8 + tenant_id.len() + object_id.len());
    for part in [tenant_id, object_id] {
        data.extend_from_slice(&(part.len() as u32).to_be_bytes());
        data.extend_from_slice(part.as_bytes());
    }
    data
}

/// Encrypts `plaintext` for person `tenant_id` + `object_id`.
pub fn seal(
    key: &VaultKey,
    tenant_id: &str,
    object_id: &str,
    plaintext: &[u8],
) -> Result<SealedTokens, Unopenable> {
    let cipher = Aes256Gcm::new(key.bytes().into());
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let aad = associated_data(tenant_id, object_id);
    let ciphertext = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        .map_err(|_| Unopenable)?;
    Ok(SealedTokens {
        nonce: nonce.to_vec(),
        ciphertext,
    })
}

/// Decrypts `sealed` for person `tenant_id` + `object_id`.
pub fn open(
    key: &VaultKey,
    tenant_id: &str,
    object_id: &str,
    sealed: &SealedTokens,
) -> Result<Vec<u8>, Unopenable> {
    if sealed.nonce.len() != 12 {
        return Err(Unopenable);
    }
    let cipher = Aes256Gcm::new(key.bytes().into());
    let aad = associated_data(tenant_id, object_id);
    cipher
        .decrypt(
            Nonce::from_slice(&sealed.nonce),
            Payload {
                msg: &sealed.ciphertext,
                aad: &aad,
            },
        )
        .map_err(|_| Unopenable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_set_opens_only_with_its_key_and_person_and_bytes() {
        let key = VaultKey::random();
        let sealed = seal(&key, "t1", "o1", b"refresh").expect("seal");
        assert_eq!(open(&key, "t1", "o1", &sealed), Ok(b"refresh".to_vec()));
        let again = seal(&key, "t1", "o1", b"refresh").expect("seal");
        assert_ne!(sealed.nonce, again.nonce, "a fresh nonce per write");
        assert_ne!(sealed.ciphertext, again.ciphertext, "so other bytes");
        assert_eq!(
            open(&key, "t1", "o2", &sealed),
            Err(Unopenable),
            "another person"
        );
        assert_eq!(
            open(&key, "t2", "o1", &sealed),
            Err(Unopenable),
            "another tenant"
        );
        assert_eq!(
            open(&key, "t1o", "1", &sealed),
            Err(Unopenable),
            "ids are not concatenated"
        );
        assert_eq!(
            open(&VaultKey::random(), "t1", "o1", &sealed),
            Err(Unopenable)
        );
        let mut tampered = sealed.clone();
        tampered.ciphertext[0] ^= 1;
        assert_eq!(open(&key, "t1", "o1", &tampered), Err(Unopenable));
        let mut short_nonce = sealed;
        short_nonce.nonce.pop();
        assert_eq!(open(&key, "t1", "o1", &short_nonce), Err(Unopenable));
    }
}
