//! The session middleware and its store: [`tower_sessions`] with `tower-sessions-sqlx-store`'s
//! SQLite or PostgreSQL store on the dashboard's own database (its `tower_sessions` table is
//! created by the dashboard's migrations, so every replica on one PostgreSQL shares sessions),
//! and the task that deletes expired records.

use super::{SESSION_COOKIE, SESSION_LIFETIME, SessionSettings};
use crate::store::{Engine, Store};
use async_trait::async_trait;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{ExpiredDeletion, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// How often expired sessions (and abandoned pending sign-ins) are deleted.
const CLEANUP_PERIOD: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The session records, on whichever engine the dashboard's database is.
#[derive(Clone, Debug)]
pub enum DashboardSessions {
    /// In the SQLite file.
    Sqlite(SqliteStore),
    /// In PostgreSQL's `tower_sessions.session`, the store's default table.
    Postgres(PostgresStore),
}

/// The session store on `store`'s database.
pub fn session_store(store: &Store) -> DashboardSessions {
    match store.engine() {
        Engine::Sqlite(pool) => DashboardSessions::Sqlite(SqliteStore::new(pool.clone())),
        Engine::Postgres(pool) => DashboardSessions::Postgres(PostgresStore::new(pool.clone())),
    }
}

#[async_trait]
impl SessionStore for DashboardSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.create(record).await,
            Self::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.save(record).await,
            Self::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite(store) => store.load(session_id).await,
            Self::Postgres(store) => store.load(session_id).await,
        }
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.delete(session_id).await,
            Self::Postgres(store) => store.delete(session_id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for DashboardSessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.delete_expired().await,
            Self::Postgres(store) => store.delete_expired().await,
        }
    }
}

/// The session middleware: cookie `aks_dashboard_session` carrying the id only, HttpOnly,
/// SameSite=Lax (the provider's redirect back to `/auth/callback` is a cross-site top-level
/// navigation, which Strict would send without the cookie), `Secure` in azure mode. Sessions
/// without an explicit expiry last [`SESSION_LIFETIME`] from their last change; sign-in and the
/// pending sign-in set their own.
pub fn layer(
    store: DashboardSessions,
    settings: &SessionSettings,
) -> SessionManagerLayer<DashboardSessions> {
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
pub fn delete_expired_sessions(store: DashboardSessions) {
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
