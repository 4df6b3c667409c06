//! The session middleware and its store: [`tower_sessions`] with the SQLite store of
//! `tower-sessions-sqlx-store` on the dashboard's own database (its `tower_sessions` table is
//! created by the dashboard's migrations), and the task that deletes expired records.

use super::{SESSION_COOKIE, SESSION_LIFETIME, SessionSettings};
use crate::store::Store;
use tower_sessions::cookie::SameSite;
use tower_sessions::{ExpiredDeletion, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::SqliteStore;

/// How often expired sessions (and abandoned pending sign-ins) are deleted.
const CLEANUP_PERIOD: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The session store on `store`'s database.
pub fn session_store(store: &Store) -> SqliteStore {
    SqliteStore::new(store.pool().clone())
}

/// The session middleware: cookie `aks_dashboard_session` carrying the id only, HttpOnly,
/// SameSite=Lax (the provider's redirect back to `/auth/callback` is a cross-site top-level
/// navigation, which Strict would send without the cookie), `Secure` in azure mode. Sessions
/// without an explicit expiry last [`SESSION_LIFETIME`] from their last change; sign-in and the
/// pending sign-in set their own.
pub fn layer(store: SqliteStore, settings: &SessionSettings) -> SessionManagerLayer<SqliteStore> {
    SessionManagerLayer::new(store)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure_cookie)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(SESSION_LIFETIME))
}

/// Deletes expired session records every [`CLEANUP_PERIOD`] for as long as the runtime runs
/// (reads already ignore them; this keeps the table small).
pub fn delete_expired_sessions(store: SqliteStore) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(CLEANUP_PERIOD);
        loop {
            every.tick().await;
            // A failure (a busy database) is tried again next period rather than ending the task.
            if let Err(error) = store.delete_expired().await {
                tracing::warn!(%error, "cannot delete expired sessions");
            }
        }
    });
}
