//! The two things [`super::UserTokens`] needs from outside: Entra's refresh-token grant
//! ([`RefreshGrant`]) and the store of each user's refresh token ([`RefreshTokenStore`]).
//! Production implements them with the sign-in's OpenID client and the encrypted token vault;
//! the unit tests with their own.

use super::UserKey;
use time::OffsetDateTime;

/// What a refresh-token grant answered.
pub struct GrantedTokens {
    /// The new access token.
    pub access_token: String,
    /// When it expires.
    pub expires_on: OffsetDateTime,
    /// The rotated refresh token, when Entra sent one.
    pub refresh_token: Option<String>,
}

/// Why a refresh-token grant gave no tokens.
#[derive(Debug)]
pub enum GrantError {
    /// Entra refused the refresh token (`invalid_grant`, `interaction_required`,
    /// `consent_required`): the user must sign in again.
    Refused {
        /// The OAuth error code.
        code: String,
        /// Entra's `error_description` (AADSTS code and meaning first).
        description: String,
    },
    /// Entra could not be asked or gave no usable answer; a later try may work.
    Unavailable(String),
}

/// A user's refresh token as stored, with the version that changes on every write.
pub struct StoredRefreshToken {
    /// The refresh token.
    pub token: String,
    /// Opaque; changes whenever a new token is written (a sign-in, a rotation).
    pub version: Vec<u8>,
}

/// Entra's refresh-token grant (`grant_type=refresh_token`).
#[async_trait::async_trait]
pub trait RefreshGrant: Send + Sync {
    /// Redeems `refresh_token` for an access token for `scope`.
    async fn refresh(&self, refresh_token: &str, scope: &str) -> Result<GrantedTokens, GrantError>;
}

/// Where each user's refresh token is kept.
#[async_trait::async_trait]
pub trait RefreshTokenStore: Send + Sync {
    /// The user's refresh token, if one is kept.
    async fn refresh_token(&self, user: &UserKey) -> Result<Option<StoredRefreshToken>, String>;

    /// Replaces the user's token of `version` by the rotated `token`; a newer token written
    /// meanwhile (a new sign-in) is kept instead.
    async fn replace_refresh_token(
        &self,
        user: &UserKey,
        version: &[u8],
        token: &str,
    ) -> Result<(), String>;
}
