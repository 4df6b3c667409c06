//! Durable state through sqlx, on SQLite (the embedded default) or PostgreSQL (several
//! replicas): every query goes through [`Store`], which runs it on its [`engine::Engine`].
//! Migrations (`server/migrations/<engine>/`) are compiled in and run when the store opens.

mod activity;
mod admin_view;
mod deletions;
pub mod engine;
mod failures;
mod jobs;
mod leases;
mod notices;
#[cfg(test)]
mod test_support;
mod token_vault;

pub use deletions::DeletionEnd;
pub use jobs::{DeletionRecord, InsertOutcome, JobRecord, NewJob, SaveOutcome};
pub use leases::{HeldLease, LeaseTerms, Takeover};
pub use notices::{Heard, Notice, Notices};
#[cfg(test)]
pub(crate) use test_support::{job_ids, saved_test_job, temp_replicas, temp_store, test_owner};
pub use token_vault::SealedTokens;

pub use engine::{Engine, EngineKind};

use sqlx::sqlite::SqliteConnectOptions;
use std::str::FromStr;
use thiserror::Error;

/// A database failure. The message is for logs; the UI shows a generic error.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database refused or failed a query, or could not be opened.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored value cannot be read back (a column holds something this build never writes).
    #[error("corrupt job row {job_id}: {problem}")]
    Corrupt {
        /// The row.
        job_id: String,
        /// What is wrong with it.
        problem: String,
    },
    /// `DATABASE_URL` names a database this build cannot use (the URL's scheme, as much of it as
    /// is safe to log: the rest may hold a password).
    #[error(
        "DATABASE_URL must be a sqlite: URL (e.g. sqlite://data/dashboard.db) or a postgres:// \
         URL, got one starting {0:?}"
    )]
    UnsupportedUrl(String),
}

impl StoreError {
    /// Whether trying the same query again later may succeed: the database refused or failed it
    /// (busy or locked past the timeout, full, an I/O error), rather than the store being closed
    /// or a row or schema being unusable.
    pub fn may_pass(&self) -> bool {
        match self {
            Self::Database(sqlx::Error::PoolClosed | sqlx::Error::RowNotFound) => false,
            Self::Database(sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_)) => false,
            Self::Database(_) => true,
            Self::Migration(_) | Self::Corrupt { .. } | Self::UnsupportedUrl(_) => false,
        }
    }
}

/// The dashboard's database.
#[derive(Clone, Debug)]
pub struct Store {
    engine: Engine,
    /// Whose the leases this store takes are, and how long they last.
    lease: std::sync::Arc<LeaseTerms>,
}

impl Store {
    /// Opens the database `url` names (see [`Engine::open`]) and brings its schema up to date.
    /// Its leases are held under a new name for this process, for
    /// [`LeaseTerms::DEFAULT_TTL`] ([`Store::with_lease_terms`] changes both).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        Ok(Self {
            engine: Engine::open(url).await?,
            lease: std::sync::Arc::new(LeaseTerms::for_this_process(LeaseTerms::DEFAULT_TTL)),
        })
    }

    /// The connection pool, for the session store ([`crate::session::layer`]), which keeps its
    /// records in this database rather than a second one.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        engine::on_engine!(&self.engine, "SELECT 1", |pool, sql| sqlx::query(sql)
            .execute(pool)
            .await
            .map(drop))?;
        Ok(())
    }

    /// Closes every connection once the queries under way have finished; every later query of
    /// this store and its clones fails with [`StoreError::Database`]. The server calls it after
    /// its graceful shutdown; tests use it to make the store unreadable for real.
    pub async fn close(&self) {
        self.engine.close().await;
    }
}

/// The database file a `DATABASE_URL` names (parsed as [`Store::open`] parses it); `None` for
/// an in-memory database, or a URL [`Store::open`] refuses.
pub fn database_file(url: &str) -> Option<std::path::PathBuf> {
    if !url.starts_with("sqlite:") {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    let parameters = url.split_once('?').map_or("", |(_, query)| query);
    let in_memory = url.contains(":memory:")
        || parameters
            .split('&')
            .any(|pair| pair.eq_ignore_ascii_case("mode=memory"));
    (!in_memory).then(|| options.get_filename().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn opens_a_new_database_file_in_a_new_directory() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("nested").join("dashboard.db");
        let store = Store::open(&format!("sqlite://{}", path.display()))
            .await
            .expect("open");
        store.ping().await.expect("ping");
        assert!(path.exists(), "the file is created");
        store.close().await;
        assert!(store.ping().await.is_err(), "a closed store answers errors");
    }

    #[tokio::test]
    async fn a_bad_url_is_an_error_not_a_panic() {
        let error = Store::open("mysql://nowhere/db").await.unwrap_err();
        assert!(matches!(error, StoreError::UnsupportedUrl(_)), "{error}");
        let error = Store::open("postgres://nowhere.invalid/db")
            .await
            .unwrap_err();
        assert!(error.to_string().starts_with("database error"), "{error}");
        let dir = tempfile::tempdir().expect("temp dir");
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, b"not a directory").expect("write");
        let url = format!("sqlite://{}/dashboard.db", blocked.display());
        let error = Store::open(&url).await.unwrap_err();
        assert!(error.to_string().starts_with("database error"), "{error}");
    }
}
