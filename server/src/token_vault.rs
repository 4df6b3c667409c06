//! The refresh-token vault: each signed-in person's tokens from the OpenID provider (the refresh
//! token, and the last access token with its expiry), kept server-side so that work running on
//! the person's behalf (delegated ARM calls, a worker finishing their create) can get fresh
//! access tokens without them.
//!
//! - Per person: the key is `tid` + `oid` ([`Caller::tenant_id`], [`Caller::object_id`]); a
//!   new sign-in replaces the person's entry.
//! - Encrypted at rest with AES-256-GCM ([`cipher`]); the key is `TOKEN_ENCRYPTION_KEY` or
//!   derived from `SESSION_SECRET` ([`key`]).
//! - Never printed and never sent to the browser: tokens are [`Secret`]s, whose `Debug` and
//!   `Display` are `[redacted]`; nothing in the UI's API reads the vault.
//! - Signing out does NOT delete the entry: the person's running jobs keep running on it after
//!   they close the dashboard. It goes when the provider refuses the refresh token (the caller of
//!   [`TokenVault::forget`] decides) or is replaced by the next sign-in.

pub mod cipher;
pub mod key;
mod refresh_tokens;

use crate::secret::Secret;
use crate::store::{SealedTokens, Store, StoreError};
use key::VaultKey;
use serde::{Deserialize, Serialize};
use shared::caller::Caller;
use std::sync::Arc;
use thiserror::Error;
use time::OffsetDateTime;

/// Tokens from the provider's token endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenSet {
    /// The access token (for the scope the sign-in asked for: ARM's `user_impersonation`).
    pub access_token: Secret,
    /// When the access token expires, if the provider said (`expires_in`).
    pub access_token_expires_at: Option<OffsetDateTime>,
    /// The refresh token (`offline_access`), if the provider issued one.
    pub refresh_token: Option<Secret>,
}

/// What is encrypted.
#[derive(Serialize, Deserialize)]
struct Plaintext {
    access_token: Secret,
    access_token_expires_at: Option<i64>,
    refresh_token: Option<Secret>,
}

/// Why the vault cannot answer.
#[derive(Debug, Error)]
pub enum VaultError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored entry does not decrypt (another key since a restart or a key change, or altered
    /// bytes): the person must sign in again.
    #[error("the stored tokens of this person cannot be decrypted")]
    Undecryptable,
}

/// The vault; cheap to clone.
#[derive(Clone, Debug)]
pub struct TokenVault {
    store: Store,
    key: Arc<VaultKey>,
}

impl TokenVault {
    /// A vault on `store`'s database with `key`.
    pub fn new(store: Store, key: VaultKey) -> Self {
        Self {
            store,
            key: Arc::new(key),
        }
    }

    /// Keeps `tokens` for `owner`, replacing what was kept. Without a refresh token in
    /// `tokens`, the one already kept (if any) is kept.
    #[tracing::instrument(skip_all, err)]
    pub async fn store(&self, owner: &Caller, tokens: TokenSet) -> Result<(), VaultError> {
        let refresh_token = match tokens.refresh_token {
            Some(token) => Some(token),
            None => self
                .tokens(owner)
                .await
                .ok()
                .flatten()
                .and_then(|kept| kept.refresh_token),
        };
        let sealed = self.seal(
            owner,
            TokenSet {
                refresh_token,
                ..tokens
            },
        )?;
        self.store
            .put_sealed_tokens(&owner.tenant_id, &owner.object_id, &sealed)
            .await?;
        Ok(())
    }

    /// Everything kept for `owner`, decrypted.
    pub async fn tokens(&self, owner: &Caller) -> Result<Option<TokenSet>, VaultError> {
        let Some(sealed) = self
            .store
            .sealed_tokens(&owner.tenant_id, &owner.object_id)
            .await?
        else {
            return Ok(None);
        };
        self.open(owner, &sealed).map(Some)
    }

    /// `tokens` encrypted for `owner`.
    fn seal(&self, owner: &Caller, tokens: TokenSet) -> Result<SealedTokens, VaultError> {
        let plaintext = Plaintext {
            access_token: tokens.access_token,
            access_token_expires_at: tokens
                .access_token_expires_at
                .map(OffsetDateTime::unix_timestamp),
            refresh_token: tokens.refresh_token,
        };
        let bytes = serde_json::to_vec(&plaintext).map_err(|_| VaultError::Undecryptable)?;
        cipher::seal(&self.key, &owner.tenant_id, &owner.object_id, &bytes)
            .map_err(|_| VaultError::Undecryptable)
    }

    /// `sealed`, decrypted for `owner`.
    fn open(&self, owner: &Caller, sealed: &SealedTokens) -> Result<TokenSet, VaultError> {
        let bytes = cipher::open(&self.key, &owner.tenant_id, &owner.object_id, sealed)
            .map_err(|_| VaultError::Undecryptable)?;
        let plaintext: Plaintext =
            serde_json::from_slice(&bytes).map_err(|_| VaultError::Undecryptable)?;
        Ok(TokenSet {
            access_token: plaintext.access_token,
            access_token_expires_at: plaintext
                .access_token_expires_at
                .and_then(|at| OffsetDateTime::from_unix_timestamp(at).ok()),
            refresh_token: plaintext.refresh_token,
        })
    }

    /// `owner`'s refresh token, decrypted.
    pub async fn refresh_token(&self, owner: &Caller) -> Result<Option<Secret>, VaultError> {
        Ok(self.tokens(owner).await?.and_then(|set| set.refresh_token))
    }

    /// Deletes `owner`'s tokens (their refresh token was refused for good); answers whether
    /// there were any.
    #[tracing::instrument(skip_all, err)]
    pub async fn forget(&self, owner: &Caller) -> Result<bool, VaultError> {
        Ok(self
            .store
            .delete_sealed_tokens(&owner.tenant_id, &owner.object_id)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{temp_store, test_owner};

    fn tokens(access: &str, refresh: Option<&str>) -> TokenSet {
        TokenSet {
            access_token: Secret::new(access),
            access_token_expires_at: OffsetDateTime::from_unix_timestamp(1_900_000_000).ok(),
            refresh_token: refresh.map(Secret::new),
        }
    }

    #[tokio::test]
    async fn tokens_round_trip_per_person_and_are_not_stored_in_clear() {
        let (store, _dir) = temp_store().await;
        let vault = TokenVault::new(store.clone(), VaultKey::random());
        let (alice, bob) = (test_owner("alice"), test_owner("bob"));
        vault
            .store(&alice, tokens("access-a", Some("refresh-a")))
            .await
            .expect("store");
        assert_eq!(
            vault.tokens(&alice).await.expect("read"),
            Some(tokens("access-a", Some("refresh-a")))
        );
        assert_eq!(vault.refresh_token(&bob).await.expect("read"), None);
        let sealed = store
            .sealed_tokens(&alice.tenant_id, &alice.object_id)
            .await
            .expect("row")
            .expect("sealed");
        let text = String::from_utf8_lossy(&sealed.ciphertext);
        assert!(!text.contains("refresh-a") && !text.contains("access-a"));
        vault
            .store(&alice, tokens("access-a2", None))
            .await
            .expect("store");
        assert_eq!(
            vault
                .refresh_token(&alice)
                .await
                .expect("read")
                .map(|s| s.expose().to_owned()),
            Some("refresh-a".to_owned()),
            "a token set without a refresh token keeps the kept one"
        );
        vault
            .store(&alice, tokens("access-a3", Some("refresh-a3")))
            .await
            .expect("store");
        let again = store
            .sealed_tokens(&alice.tenant_id, &alice.object_id)
            .await
            .expect("row")
            .expect("sealed");
        assert_ne!(again.nonce, sealed.nonce, "every write has its own nonce");
        assert!(vault.forget(&alice).await.expect("forget"));
        assert_eq!(vault.tokens(&alice).await.expect("read"), None);
    }

    #[tokio::test]
    async fn another_key_or_a_moved_row_does_not_decrypt() {
        let (store, _dir) = temp_store().await;
        let vault = TokenVault::new(store.clone(), VaultKey::random());
        let (alice, bob) = (test_owner("alice"), test_owner("bob"));
        vault
            .store(&alice, tokens("a", Some("r")))
            .await
            .expect("store");
        let restarted = TokenVault::new(store.clone(), VaultKey::random());
        assert!(matches!(
            restarted.tokens(&alice).await,
            Err(VaultError::Undecryptable)
        ));
        let sealed = store
            .sealed_tokens(&alice.tenant_id, &alice.object_id)
            .await
            .expect("row")
            .expect("sealed");
        store
            .put_sealed_tokens(&bob.tenant_id, &bob.object_id, &sealed)
            .await
            .expect("copy");
        assert!(matches!(
            vault.refresh_token(&bob).await,
            Err(VaultError::Undecryptable)
        ));
    }
}
