//! ARM calls on a user's behalf (docs/PRODUCT.md "Who Azure sees"): every ARM call a user's
//! request or job makes carries that user's own access token, so Azure's RBAC decides what they
//! may do, exactly as in the portal.
//!
//! [`UserTokens`] turns the refresh token kept for each user (`tid` + `oid`) into short-lived
//! ARM access tokens: cached until shortly before they expire, refreshed one at a time per
//! user (Entra rotates refresh tokens, and the newest is kept), and [`UserCredential`] hands them
//! to the ARM client as an `azure_core` credential. When Entra refuses a refresh token (revoked,
//! expired, consent withdrawn) the user must sign in again: the credential answers
//! [`SignInRequired`] without calling Entra again with the refused token, and waiters learn from
//! [`UserTokens::signed_in`] when a new sign-in stored a fresh one.

mod grant;
mod sign_in_required;
#[cfg(test)]
mod tests;

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
pub use grant::{GrantError, GrantedTokens, RefreshGrant, RefreshTokenStore, StoredRefreshToken};
use shared::caller::Caller;
pub use sign_in_required::SignInRequired;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::watch;

/// What a refresh asks Entra for: ARM's delegated permission, and a new refresh token.
pub const ARM_DELEGATED_SCOPE: &str =
    "https://management.azure.com/user_impersonation offline_access";

/// An access token is refreshed when it has less than this left, so a call never carries one
/// that expires on the way (azure_identity refreshes 5 minutes early too), or less than half its
/// lifetime when that is shorter (short-lived tokens, as a test world issues).
const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// A person as the token store keys them: tenant and object id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UserKey {
    /// `tid`.
    pub tenant_id: String,
    /// `oid`.
    pub object_id: String,
}

impl UserKey {
    /// The key of `caller`.
    pub fn of(caller: &Caller) -> Self {
        Self {
            tenant_id: caller.tenant_id.clone(),
            object_id: caller.object_id.clone(),
        }
    }
}

impl fmt::Display for UserKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.tenant_id, self.object_id)
    }
}

/// One user's token state in memory.
#[derive(Default)]
struct UserState {
    /// The newest access token, and how long before its expiry it is refreshed.
    access: Option<(AccessToken, time::Duration)>,
    /// The version of the stored refresh token Entra refused; that version is not tried again.
    refused_version: Option<Vec<u8>>,
    /// Held while this user's refresh runs, so concurrent calls wait for one refresh.
    refreshing: Arc<tokio::sync::Mutex<()>>,
}

/// Access tokens for users, from their stored refresh tokens; see the module documentation.
pub struct UserTokens {
    grant: Arc<dyn RefreshGrant>,
    store: Arc<dyn RefreshTokenStore>,
    /// The delegated scope asked for on refresh (ARM's `user_impersonation`).
    scope: String,
    users: Mutex<HashMap<UserKey, UserState>>,
    /// Counts sign-ins that stored a fresh refresh token; waiters watch it.
    sign_ins: watch::Sender<u64>,
}

impl fmt::Debug for UserTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserTokens")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl UserTokens {
    /// Tokens refreshed through `grant` for `scope`, with refresh tokens kept in `store`.
    pub fn new(
        grant: Arc<dyn RefreshGrant>,
        store: Arc<dyn RefreshTokenStore>,
        scope: impl Into<String>,
    ) -> Arc<Self> {
        Arc::new(Self {
            grant,
            store,
            scope: scope.into(),
            users: Mutex::new(HashMap::new()),
            sign_ins: watch::channel(0).0,
        })
    }

    /// The credential that acts for `user`.
    pub fn credential_for(self: &Arc<Self>, user: &Caller) -> Arc<dyn TokenCredential> {
        Arc::new(UserCredential {
            tokens: Arc::clone(self),
            user: UserKey::of(user),
        })
    }

    /// Records that `user` just signed in and their new refresh token is stored: their cached
    /// access token and any refusal are forgotten, and waiters wake.
    pub fn signed_in(&self, user: &Caller) {
        self.with_state(&UserKey::of(user), |state| {
            state.access = None;
            state.refused_version = None;
        });
        self.sign_ins.send_modify(|count| *count += 1);
    }

    /// Waits until some user signs in (see [`UserTokens::signed_in`]) or `limit` passes; the
    /// caller then tries its user's credential again.
    pub async fn next_sign_in(&self, limit: Duration) {
        let mut sign_ins = self.sign_ins.subscribe();
        let _ = tokio::time::timeout(limit, sign_ins.changed()).await;
    }

    /// An access token for `user`: the cached one while it has [`REFRESH_MARGIN`] left, else a
    /// refreshed one.
    async fn access_token(&self, user: &UserKey) -> Result<AccessToken, azure_core::Error> {
        if let Some(token) = self.cached(user) {
            return Ok(token);
        }
        let refreshing = self.with_state(user, |state| Arc::clone(&state.refreshing));
        let _one_at_a_time = refreshing.lock().await;
        // Another call may have refreshed while this one waited.
        if let Some(token) = self.cached(user) {
            return Ok(token);
        }
        self.refresh(user).await
    }

    async fn refresh(&self, user: &UserKey) -> Result<AccessToken, azure_core::Error> {
        let stored = self
            .store
            .refresh_token(user)
            .await
            .map_err(|error| credential_error(format!("cannot read the user's tokens: {error}")))?
            .ok_or_else(|| SignInRequired::no_token(user))?;
        if self
            .with_state(user, |state| state.refused_version.clone())
            .as_ref()
            == Some(&stored.version)
        {
            return Err(SignInRequired::refused_before(user).into());
        }
        let granted = match self.grant.refresh(&stored.token, &self.scope).await {
            Ok(granted) => granted,
            Err(GrantError::Refused { code, description }) => {
                tracing::warn!(user = %user, %code, "Entra refused the user's refresh token; they must sign in again");
                self.with_state(user, |state| {
                    state.refused_version = Some(stored.version.clone());
                    state.access = None;
                });
                return Err(SignInRequired::refused(user, &description).into());
            }
            Err(GrantError::Unavailable(detail)) => return Err(credential_error(detail)),
        };
        if let Some(rotated) = &granted.refresh_token {
            // A failed write keeps the older token, which Entra still accepts until it expires.
            if let Err(error) = self
                .store
                .replace_refresh_token(user, &stored.version, rotated)
                .await
            {
                tracing::warn!(user = %user, %error, "cannot keep the rotated refresh token");
            }
        }
        let token = AccessToken::new(granted.access_token, granted.expires_on);
        let half_life: time::Duration = (granted.expires_on - OffsetDateTime::now_utc()) / 2;
        let margin =
            time::Duration::try_from(REFRESH_MARGIN).map_or(half_life, |most| half_life.min(most));
        self.with_state(user, |state| state.access = Some((token.clone(), margin)));
        Ok(token)
    }

    fn cached(&self, user: &UserKey) -> Option<AccessToken> {
        let now = OffsetDateTime::now_utc();
        self.with_state(user, |state| {
            state
                .access
                .clone()
                .filter(|(token, margin)| token.expires_on > now + *margin)
                .map(|(token, _)| token)
        })
    }

    fn with_state<T>(&self, user: &UserKey, f: impl FnOnce(&mut UserState) -> T) -> T {
        let mut users = self
            .users
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(users.entry(user.clone()).or_default())
    }
}

fn credential_error(detail: String) -> azure_core::Error {
    azure_core::Error::with_message(azure_core::error::ErrorKind::Credential, detail)
}

/// The `azure_core` credential of one user: what the ARM client carries when it acts for them.
pub struct UserCredential {
    tokens: Arc<UserTokens>,
    user: UserKey,
}

impl fmt::Debug for UserCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserCredential")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl TokenCredential for UserCredential {
    /// ARM's token for the user. The ARM client asks for ARM's `.default` scope; the delegated
    /// scope the user consented to at sign-in is what is refreshed, whatever is asked.
    async fn get_token(
        &self,
        _scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        self.tokens.access_token(&self.user).await
    }
}
