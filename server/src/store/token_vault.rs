//! The rows of the token vault (`token_vault`): one sealed token set per person. The store only
//! keeps bytes; sealing and opening them is [`crate::token_vault`]'s.

use super::engine::on_engine;
use super::{Store, StoreError};

/// A person's token set as stored: the AES-GCM nonce and the ciphertext (with its tag).
#[derive(Clone, PartialEq, Eq)]
pub struct SealedTokens {
    /// 96-bit nonce of the write.
    pub nonce: Vec<u8>,
    /// Ciphertext and authentication tag.
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for SealedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealedTokens({} bytes)", self.ciphertext.len())
    }
}

impl Store {
    /// Writes (or replaces) the sealed token set of person `tenant_id` + `object_id`.
    pub async fn put_sealed_tokens(
        &self,
        tenant_id: &str,
        object_id: &str,
        sealed: &SealedTokens,
    ) -> Result<(), StoreError> {
        let updated_at = now_rfc3339();
        on_engine!(
            &self.engine,
            "INSERT INTO token_vault (tenant_id, object_id, nonce, ciphertext, updated_at) \
             VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (tenant_id, object_id) DO UPDATE SET \
             nonce = excluded.nonce, ciphertext = excluded.ciphertext, \
             updated_at = excluded.updated_at",
            |pool, sql| sqlx::query(sql)
                .bind(tenant_id)
                .bind(object_id)
                .bind(&sealed.nonce)
                .bind(&sealed.ciphertext)
                .bind(&updated_at)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        )?;
        Ok(())
    }

    /// Replaces the sealed token set of a person only while it is still the one written with
    /// `expected_nonce` (a rotation must not overwrite a newer sign-in); answers whether it did.
    pub async fn replace_sealed_tokens(
        &self,
        tenant_id: &str,
        object_id: &str,
        expected_nonce: &[u8],
        sealed: &SealedTokens,
    ) -> Result<bool, StoreError> {
        let updated_at = now_rfc3339();
        let done = on_engine!(
            &self.engine,
            "UPDATE token_vault SET nonce = ?, ciphertext = ?, \
             updated_at = ? \
             WHERE tenant_id = ? AND object_id = ? AND nonce = ?",
            |pool, sql| sqlx::query(sql)
                .bind(&sealed.nonce)
                .bind(&sealed.ciphertext)
                .bind(&updated_at)
                .bind(tenant_id)
                .bind(object_id)
                .bind(expected_nonce)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        )?;
        Ok(done == 1)
    }

    /// The sealed token set of a person, if any.
    pub async fn sealed_tokens(
        &self,
        tenant_id: &str,
        object_id: &str,
    ) -> Result<Option<SealedTokens>, StoreError> {
        let row: Option<(Vec<u8>, Vec<u8>)> = on_engine!(
            &self.engine,
            "SELECT nonce, ciphertext FROM token_vault WHERE tenant_id = ? AND object_id = ?",
            |pool, sql| sqlx::query_as(sql)
                .bind(tenant_id)
                .bind(object_id)
                .fetch_optional(pool)
                .await
        )?;
        Ok(row.map(|(nonce, ciphertext)| SealedTokens { nonce, ciphertext }))
    }

    /// Deletes a person's token set; answers whether there was one.
    pub async fn delete_sealed_tokens(
        &self,
        tenant_id: &str,
        object_id: &str,
    ) -> Result<bool, StoreError> {
        let done = on_engine!(
            &self.engine,
            "DELETE FROM token_vault WHERE tenant_id = ? AND object_id = ?",
            |pool, sql| sqlx::query(sql)
                .bind(tenant_id)
                .bind(object_id)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        )?;
        Ok(done > 0)
    }
}

/// This moment as RFC 3339 UTC text, the vault's `updated_at` (bound from here so both engines
/// write the same format).
fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
