//! The vault as the [`RefreshTokenStore`] of ARM calls on users' behalf
//! ([`crate::on_behalf`]): a person's refresh token with the write it came from (the entry's
//! nonce is new on every write, so it is the version), and the rotated token written back only
//! over that same write, never over a newer sign-in.
//!
//! An entry that does not decrypt (the key changed) counts as nothing kept: the person must
//! sign in again, which replaces it.

use super::{TokenSet, TokenVault, VaultError};
use crate::on_behalf::{RefreshTokenStore, StoredRefreshToken, UserKey};
use crate::secret::Secret;
use shared::caller::Caller;

fn person(user: &UserKey) -> Caller {
    Caller {
        tenant_id: user.tenant_id.clone(),
        object_id: user.object_id.clone(),
        ..Caller::default()
    }
}

#[async_trait::async_trait]
impl RefreshTokenStore for TokenVault {
    async fn refresh_token(&self, user: &UserKey) -> Result<Option<StoredRefreshToken>, String> {
        let owner = person(user);
        let sealed = self
            .store
            .sealed_tokens(&owner.tenant_id, &owner.object_id)
            .await
            .map_err(|error| error.to_string())?;
        let Some(sealed) = sealed else {
            return Ok(None);
        };
        match self.open(&owner, &sealed) {
            Ok(tokens) => Ok(tokens.refresh_token.map(|token| StoredRefreshToken {
                token: token.expose().to_owned(),
                version: sealed.nonce,
            })),
            Err(VaultError::Undecryptable) => {
                tracing::warn!(user = %user, "the kept tokens do not decrypt (the vault key changed); the person must sign in again");
                Ok(None)
            }
            Err(error) => Err(error.to_string()),
        }
    }

    async fn replace_refresh_token(
        &self,
        user: &UserKey,
        version: &[u8],
        token: &str,
    ) -> Result<(), String> {
        let owner = person(user);
        // The access token kept beside it is only a record; the fresh one lives in memory.
        let kept = self
            .tokens(&owner)
            .await
            .map_err(|error| error.to_string())?;
        let tokens = TokenSet {
            refresh_token: Some(Secret::new(token)),
            ..kept.unwrap_or(TokenSet {
                access_token: Secret::new(""),
                access_token_expires_at: None,
                refresh_token: None,
            })
        };
        let sealed = self
            .seal(&owner, tokens)
            .map_err(|error| error.to_string())?;
        let replaced = self
            .store
            .replace_sealed_tokens(&owner.tenant_id, &owner.object_id, version, &sealed)
            .await
            .map_err(|error| error.to_string())?;
        if !replaced {
            tracing::info!(user = %user, "a newer sign-in replaced the tokens; the rotated refresh token is dropped");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{temp_store, test_owner};
    use crate::token_vault::key::VaultKey;

    fn set(refresh: &str) -> TokenSet {
        TokenSet {
            access_token: Secret::new("access"),
            access_token_expires_at: None,
            refresh_token: Some(Secret::new(refresh)),
        }
    }

    #[tokio::test]
    async fn a_rotation_lands_only_over_the_write_it_came_from() {
        let (store, _dir) = temp_store().await;
        let vault = TokenVault::new(store, VaultKey::random());
        let alice = test_owner("alice");
        let user = UserKey::of(&alice);
        vault.store(&alice, set("first")).await.expect("store");
        let read = RefreshTokenStore::refresh_token(&vault, &user)
            .await
            .expect("read")
            .expect("kept");
        assert_eq!(read.token, "first");
        RefreshTokenStore::replace_refresh_token(&vault, &user, &read.version, "rotated")
            .await
            .expect("replace");
        let rotated = RefreshTokenStore::refresh_token(&vault, &user)
            .await
            .expect("read")
            .expect("kept");
        assert_eq!(rotated.token, "rotated");
        assert_ne!(
            rotated.version, read.version,
            "every write is a new version"
        );

        vault
            .store(&alice, set("new sign-in"))
            .await
            .expect("store");
        RefreshTokenStore::replace_refresh_token(&vault, &user, &rotated.version, "stale rotation")
            .await
            .expect("replace");
        let kept = RefreshTokenStore::refresh_token(&vault, &user)
            .await
            .expect("read")
            .expect("kept");
        assert_eq!(
            kept.token, "new sign-in",
            "a newer sign-in is never overwritten"
        );
    }

    #[tokio::test]
    async fn an_entry_under_another_key_counts_as_nothing_kept() {
        let (store, _dir) = temp_store().await;
        let alice = test_owner("alice");
        TokenVault::new(store.clone(), VaultKey::random())
            .store(&alice, set("first"))
            .await
            .expect("store");
        let other_key = TokenVault::new(store, VaultKey::random());
        let read = RefreshTokenStore::refresh_token(&other_key, &UserKey::of(&alice))
            .await
            .expect("read");
        assert!(read.is_none());
    }
}
