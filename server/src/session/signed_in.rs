//! What a signed-in session holds, and the one function that makes one: [`establish`], used by
//! the OpenID Connect callback and by the sandbox's scripted sign-in alike, so sessions have the
//! same shape whatever signed the caller in.

use super::layer::DashboardSessions;
use super::{SESSION_LIFETIME, SessionBinding, SessionSettings};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use shared::caller::Caller;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::{Expiry, Session, SessionStore};

/// The session key of [`SignedIn`].
const SIGNED_IN: &str = "signed_in";

/// A session store failure (the database).
pub type SessionError = tower_sessions::session::Error;

/// The signed-in part of a session.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SignedIn {
    /// Who.
    pub caller: Caller,
    /// The mode and identity source that made the session; see [`SessionBinding`].
    pub binding: SessionBinding,
    /// The ID token of the sign-in, sent back to the provider as `id_token_hint` when signing
    /// out (RP-initiated logout). Kept server-side only.
    pub id_token_hint: Option<Secret>,
    /// When, epoch seconds.
    pub signed_in_at: i64,
}

/// Makes `session` a signed-in session for `caller`: a new session id (so an id planted before
/// sign-in, session fixation, is worth nothing), nothing of the pre-login session kept (its
/// pending sign-ins included), expiry [`SESSION_LIFETIME`] from now.
pub async fn establish(
    session: &Session,
    caller: Caller,
    binding: SessionBinding,
    id_token_hint: Option<Secret>,
) -> Result<(), SessionError> {
    session.clear().await;
    session.cycle_id().await?;
    let now = OffsetDateTime::now_utc();
    session
        .insert(SIGNED_IN, signed_in(caller, binding, id_token_hint, now))
        .await?;
    session.set_expiry(Some(Expiry::AtDateTime(now + SESSION_LIFETIME)));
    Ok(())
}

fn signed_in(
    caller: Caller,
    binding: SessionBinding,
    id_token_hint: Option<Secret>,
    now: OffsetDateTime,
) -> SignedIn {
    SignedIn {
        caller,
        binding,
        id_token_hint,
        signed_in_at: now.unix_timestamp(),
    }
}

/// The signed-in part of `session`, if any (whatever mode made it).
pub async fn signed_in_record(session: &Session) -> Result<Option<SignedIn>, SessionError> {
    session.get(SIGNED_IN).await
}

/// The caller of `session` when it is signed in and was made in this dashboard's mode.
pub async fn caller(
    session: &Session,
    settings: &SessionSettings,
) -> Result<Option<Caller>, SessionError> {
    Ok(signed_in_record(session)
        .await?
        .filter(|record| record.binding.cloud == settings.cloud)
        .map(|record| record.caller))
}

/// True when `session` holds a signed-in caller (of any mode).
pub async fn is_signed_in(session: &Session) -> Result<bool, SessionError> {
    Ok(signed_in_record(session).await?.is_some())
}

/// Ends `session`: its record is deleted from the store (a copy of the cookie is dead too) and
/// the cookie is removed. Answers what it held, for the provider's sign-out.
pub async fn end(session: &Session) -> Result<Option<SignedIn>, SessionError> {
    let record = signed_in_record(session).await.unwrap_or(None);
    session.flush().await?;
    Ok(record)
}

/// Writes a signed-in session for `caller` straight into `store` and answers the cookie value
/// (`aks_dashboard_session=<value>`) that carries it: for tests and tools that need a session
/// without a browser sign-in (azure mode has no scripted sign-in).
pub async fn mint(
    store: &DashboardSessions,
    caller: Caller,
    binding: SessionBinding,
) -> Result<String, tower_sessions::session_store::Error> {
    let now = OffsetDateTime::now_utc();
    let value = serde_json::to_value(signed_in(caller, binding, None, now))
        .map_err(|error| tower_sessions::session_store::Error::Encode(error.to_string()))?;
    let mut record = Record {
        id: Id::default(),
        data: [(SIGNED_IN.to_owned(), value)].into_iter().collect(),
        expiry_date: now + SESSION_LIFETIME,
    };
    store.create(&mut record).await?;
    Ok(record.id.to_string())
}
