//! Durable state. SQLite through sqlx today; every query goes through [`Store`] so a
//! PostgreSQL implementation for several replicas can replace it behind the same seam.
//! Migrations (`server/migrations/`) are compiled in and run when the store opens.

mod admin_view;
mod deletions;
mod failures;
mod jobs;
mod token_vault;

pub use deletions::DeletionEnd;
pub use jobs::{DeletionRecord, InsertOutcome, JobRecord, NewJob, SaveOutcome};
pub use token_vault::SealedTokens;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
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
    /// `DATABASE_URL` names a database this build cannot use.
    #[error("DATABASE_URL must be a sqlite: URL (e.g. sqlite://data/dashboard.db), got {0:?}")]
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
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `url`, with WAL journaling so readers
    /// never block the job worker's writes, and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        // sqlx would read any other string as a file name; refuse it instead.
        if !url.starts_with("sqlite:") {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(5));
        if let Some(parent) = options
            .get_filename()
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .map_err(|error| StoreError::Database(sqlx::Error::Io(error)))?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    /// The connection pool, for the session store ([`crate::session::layer`]), which keeps its
    /// records in this database rather than a second one.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection once the queries under way have finished; every later query of
    /// this store and its clones fails with [`StoreError::Database`]. The server calls it after
    /// its graceful shutdown; tests use it to make the store unreadable for real.
    pub async fn close(&self) {
        self.pool.close().await;
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

/// The person `name` of the test tenant, as a job records its owner.
#[cfg(test)]
pub(crate) fn test_owner(name: &str) -> shared::caller::Caller {
    shared::caller::Caller {
        tenant_id: "tenant-test".into(),
        object_id: name.into(),
        display_name: name.to_uppercase(),
        roles: Vec::new(),
    }
}

/// A job of `owner`'s named `id`, saved with `status` (a failed one with an AllocationFailed
/// error, a cancelled one with the cancel code), created at `created_at` and, when finished,
/// finished at `finished_at`: the store's tests build their rows with it.
#[cfg(test)]
pub(crate) async fn saved_test_job(
    store: &Store,
    owner: &str,
    id: &str,
    status: shared::progress::TaskStatus,
    (created_at, finished_at): (i64, i64),
) -> JobRecord {
    use shared::progress::{CANCELLED_CODE, ProvisionPhase, TaskFailure, TaskStatus};
    let new = NewJob {
        job_id: format!("job-{id}"),
        task_id: format!("task-{id}"),
        owner: test_owner(owner),
        request: shared::provision::ProvisionRequest {
            subscription_id: "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f".into(),
            resource_group: "rg-a".into(),
            region: "eastus".into(),
            cluster_name: format!("aks-{id}"),
            ..Default::default()
        },
        created_at_ms: created_at,
    };
    let InsertOutcome::Inserted(mut job) = store.insert_job(&new).await.expect("insert") else {
        panic!("written");
    };
    job.status = status;
    job.step = 3;
    job.phase = match status {
        TaskStatus::Failure => ProvisionPhase::Failed,
        TaskStatus::Revoked => ProvisionPhase::CancelledByUser,
        TaskStatus::Success => ProvisionPhase::Done,
        _ => ProvisionPhase::CreatingCluster,
    };
    if status.is_finished() {
        job.finished_at_ms = Some(finished_at);
    }
    job.error = match status {
        TaskStatus::Failure => Some(TaskFailure {
            classification: None,
            code: "AllocationFailed".into(),
            message: "No capacity.".into(),
            raw: "{\"code\":\"AllocationFailed\"}".into(),
        }),
        TaskStatus::Revoked => Some(TaskFailure {
            classification: None,
            code: CANCELLED_CODE.into(),
            message: "Cancelled.".into(),
            raw: String::new(),
        }),
        _ => None,
    };
    assert_eq!(
        store.save_job(&job).await.expect("save"),
        SaveOutcome::Saved
    );
    job
}

/// The job ids of `jobs`, in order.
#[cfg(test)]
pub(crate) fn job_ids(jobs: &[JobRecord]) -> Vec<&str> {
    jobs.iter().map(|job| job.job_id.as_str()).collect()
}

/// A store in a fresh SQLite file of its own, for the store's unit tests (keep the directory
/// alive as long as the store).
#[cfg(test)]
pub(crate) async fn temp_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
    (Store::open(&url).await.expect("open"), dir)
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
        let error = Store::open("postgres://nowhere/db").await.unwrap_err();
        assert!(matches!(error, StoreError::UnsupportedUrl(_)), "{error}");
        let dir = tempfile::tempdir().expect("temp dir");
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, b"not a directory").expect("write");
        let url = format!("sqlite://{}/dashboard.db", blocked.display());
        let error = Store::open(&url).await.unwrap_err();
        assert!(error.to_string().starts_with("database error"), "{error}");
    }
}
