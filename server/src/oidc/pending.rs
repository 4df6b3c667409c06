//! The pending sign-in: what `/auth/sign-in` sent the provider (state, nonce, PKCE verifier)
//! and where to go afterwards, kept server-side in the pre-login session until the provider sends
//! the browser back to `/auth/callback`. Single use: the callback takes it out whatever the
//! outcome, so a replayed callback finds nothing. It expires after [`PENDING_LIFETIME`].
//!
//! A few are kept at once (the newest [`MAX_PENDING`]), so signing in from two tabs of one
//! browser works.

use crate::secret::Secret;
use crate::session::signed_in::{SessionError, is_signed_in};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use tower_sessions::{Expiry, Session};

/// How long the provider may take to send the browser back.
pub const PENDING_LIFETIME: Duration = Duration::minutes(10);
/// How many sign-ins may be pending in one browser.
pub const MAX_PENDING: usize = 4;
/// The session key.
const PENDING: &str = "oidc_pending";

/// One sign-in under way. No `Debug`: it holds the PKCE verifier and the nonce.
#[derive(Clone, Serialize, Deserialize)]
pub struct PendingLogin {
    /// `state` sent to the provider.
    pub state: Secret,
    /// `nonce` sent to the provider; the ID token must carry it.
    pub nonce: Secret,
    /// The PKCE verifier of the S256 challenge sent.
    pub pkce_verifier: Secret,
    /// Where to go after signing in (already a same-origin path).
    pub return_to: String,
    /// When `/auth/sign-in` ran, epoch seconds.
    pub started_at: i64,
}

impl PendingLogin {
    /// True once [`PENDING_LIFETIME`] has passed since it started.
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        now.unix_timestamp() - self.started_at > PENDING_LIFETIME.whole_seconds()
    }
}

/// What the callback's `state` found.
pub enum Taken {
    /// The pending sign-in it belongs to (now removed).
    Found(PendingLogin),
    /// It belonged to one that expired (now removed).
    Expired,
    /// No pending sign-in has it: forged, replayed, or another browser's.
    Unknown,
}

/// Adds `pending` to `session`. A session that is not signed in expires with the sign-in, so
/// abandoned sign-ins leave nothing behind for long.
pub async fn remember(session: &Session, pending: PendingLogin) -> Result<(), SessionError> {
    let mut list: Vec<PendingLogin> = session.get(PENDING).await?.unwrap_or_default();
    let now = OffsetDateTime::now_utc();
    list.retain(|kept| !kept.is_expired(now));
    list.push(pending);
    let excess = list.len().saturating_sub(MAX_PENDING);
    list.drain(..excess);
    session.insert(PENDING, list).await?;
    if !is_signed_in(session).await? {
        session.set_expiry(Some(Expiry::AtDateTime(now + PENDING_LIFETIME)));
    }
    Ok(())
}

/// Takes the pending sign-in whose state is `state` out of `session`.
pub async fn take(session: &Session, state: &str) -> Result<Taken, SessionError> {
    let mut list: Vec<PendingLogin> = session.get(PENDING).await?.unwrap_or_default();
    let Some(index) = list
        .iter()
        .position(|pending| constant_time_eq(pending.state.expose(), state))
    else {
        return Ok(Taken::Unknown);
    };
    let pending = list.remove(index);
    session.insert(PENDING, list).await?;
    // Saved now, not when the answer goes out: the session layer skips saving behind a 5xx, and
    // a sign-in that then fails (the provider unreachable) must not leave its state usable.
    session.save().await?;
    Ok(if pending.is_expired(OffsetDateTime::now_utc()) {
        Taken::Expired
    } else {
        Taken::Found(pending)
    })
}

/// Compares without stopping at the first difference, so timing tells nothing of a state.
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0_u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_sign_in_expires_after_ten_minutes() {
        let now = OffsetDateTime::now_utc();
        let pending = PendingLogin {
            state: Secret::new("s"),
            nonce: Secret::new("n"),
            pkce_verifier: Secret::new("v"),
            return_to: "/".into(),
            started_at: now.unix_timestamp() - 599,
        };
        assert!(!pending.is_expired(now));
        assert!(pending.is_expired(now + Duration::seconds(2)));
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd") && !constant_time_eq("abc", "ab"));
    }
}
