//! The session middleware and its store: [`tower_sessions`] with `tower-sessions-sqlx-store`'s
//! SQLite or PostgreSQL store on the dashboard's own database (its `tower_sessions` table is
//! created by the dashboard's migrations, so every replica on one PostgreSQL shares sessions),
//! and the task that deletes expired records. A SQLite dashboard reads signed-in sessions from
//! memory ([`super::read_cache`]).

use super::read_cache::SessionReadCache;
use super::{SESSION_COOKIE, SESSION_LIFETIME, SessionSettings};
use crate::store::{Engine, Store};
use async_trait::async_trait;
use std::sync::Arc;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{ExpiredDeletion, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// How often expired sessions (and abandoned pending sign-ins) are deleted.
const CLEANUP_PERIOD: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The session records, on whichever engine the dashboard's database is, with the read cache
/// of a SQLite dashboard ([`SessionReadCache`]).
#[derive(Clone, Debug)]
pub struct DashboardSessions {
    records: SessionRecords,
    cache: Option<Arc<SessionReadCache>>,
}

/// Where the records are.
#[derive(Clone, Debug)]
enum SessionRecords {
    /// In the SQLite file.
    Sqlite(SqliteStore),
    /// In PostgreSQL's `tower_sessions.session`, the store's default table.
    Postgres(PostgresStore),
}

/// The session store on `store`'s database.
pub fn session_store(store: &Store) -> DashboardSessions {
    match store.engine() {
        Engine::Sqlite(pool) => DashboardSessions {
            records: SessionRecords::Sqlite(SqliteStore::new(pool.clone())),
            cache: Some(Arc::default()),
        },
        Engine::Postgres(pool) => DashboardSessions {
            records: SessionRecords::Postgres(PostgresStore::new(pool.clone())),
            cache: None,
        },
    }
}

impl DashboardSessions {
    /// Forgets the cached copy of `id` after the database changed it.
    fn written(&self, id: &Id) {
        if let Some(cache) = &self.cache {
            cache.written(id);
        }
    }
}

#[async_trait]
impl SessionStore for DashboardSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match &self.records {
            SessionRecords::Sqlite(store) => store.create(record).await,
            SessionRecords::Postgres(store) => store.create(record).await,
        }?;
        self.written(&record.id);
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match &self.records {
            SessionRecords::Sqlite(store) => store.save(record).await,
            SessionRecords::Postgres(store) => store.save(record).await,
        }?;
        self.written(&record.id);
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let seen = match &self.cache {
            Some(cache) => match cache.get(session_id) {
                Ok(record) => return Ok(Some(record)),
                Err(seen) => Some(seen),
            },
            None => None,
        };
        let record = match &self.records {
            SessionRecords::Sqlite(store) => store.load(session_id).await,
            SessionRecords::Postgres(store) => store.load(session_id).await,
        }?;
        if let (Some(cache), Some(seen), Some(record)) = (&self.cache, seen, &record) {
            cache.keep(seen, record);
        }
        Ok(record)
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        match &self.records {
            SessionRecords::Sqlite(store) => store.delete(session_id).await,
            SessionRecords::Postgres(store) => store.delete(session_id).await,
        }?;
        self.written(session_id);
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DashboardSessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        // Cached records past their expiry are never answered, so the cache needs nothing.
        match &self.records {
            SessionRecords::Sqlite(store) => store.delete_expired().await,
            SessionRecords::Postgres(store) => store.delete_expired().await,
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
