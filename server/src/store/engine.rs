//! The two databases the store runs on: SQLite, the embedded default of one process, and
//! PostgreSQL, which several replicas share. `DATABASE_URL` chooses (`sqlite:` or
//! `postgres://`/`postgresql://`); each engine has its own migrations (`server/migrations/sqlite/`
//! and `server/migrations/postgres/`).
//!
//! Every statement is written once, with `?` placeholders, and [`on_engine!`] runs it on either
//! engine: the SQLite arm as written, the PostgreSQL arm with the placeholders numbered. Each arm
//! is compiled against its own driver, so a statement or a bound type one engine cannot take is a
//! build error, not a runtime one. Two words stand for what the engines spell differently:
//! `CLOCK_MS`, the database's clock in epoch milliseconds (leases are timed on the one clock all
//! replicas share, not on each replica's), and `SKIP_LOCKED`, the row locking of a lease
//! acquisition (`FOR UPDATE SKIP LOCKED` on PostgreSQL; nothing on SQLite, whose writes are
//! serialized anyway).

use super::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// Connections each replica keeps at most. PostgreSQL's default `max_connections` (100) serves
/// several replicas with room for administration.
const MAX_CONNECTIONS: u32 = 8;

/// How long a statement waits for a free connection (or SQLite for its lock) before failing.
const WAIT_FOR_CONNECTION: Duration = Duration::from_secs(5);

/// A connection pool on one of the two engines.
#[derive(Clone, Debug)]
pub enum Engine {
    /// An SQLite file (or memory) of this process.
    Sqlite(SqlitePool),
    /// A PostgreSQL database, possibly shared with other replicas.
    Postgres(PgPool),
}

/// Which engine a `DATABASE_URL` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineKind {
    /// `sqlite:…`
    Sqlite,
    /// `postgres://…` or `postgresql://…`
    Postgres,
}

impl EngineKind {
    /// The engine `url` names, if any.
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }
}

impl Engine {
    /// Connects to the database `url` names and brings its schema up to date. SQLite creates the
    /// file (and its directory) when missing and journals with WAL so readers never block the
    /// worker's writes. PostgreSQL's migrations take sqlx's advisory lock, so replicas starting
    /// together migrate once.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        match EngineKind::of_url(url) {
            Some(EngineKind::Sqlite) => Self::open_sqlite(url).await,
            Some(EngineKind::Postgres) => Self::open_postgres(url).await,
            // sqlx would read any other string as a file name; refuse it instead, naming only
            // its scheme (a mistyped postgres URL carries a password).
            None => Err(StoreError::UnsupportedUrl(
                url.split_once(':')
                    .map_or("", |(scheme, _)| scheme)
                    .to_owned(),
            )),
        }
    }

    async fn open_sqlite(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(WAIT_FOR_CONNECTION);
        if let Some(parent) = options
            .get_filename()
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .map_err(|error| StoreError::Database(sqlx::Error::Io(error)))?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self::Sqlite(pool))
    }

    async fn open_postgres(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)?.application_name("aks-dashboard");
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(WAIT_FOR_CONNECTION)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self::Postgres(pool))
    }

    /// Which engine this is.
    pub fn kind(&self) -> EngineKind {
        match self {
            Self::Sqlite(_) => EngineKind::Sqlite,
            Self::Postgres(_) => EngineKind::Postgres,
        }
    }

    /// Closes every connection once the statements under way have finished.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}

/// SQLite's spelling of the database clock in epoch milliseconds.
const SQLITE_CLOCK_MS: &str = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
/// PostgreSQL's: the statement's own moment (`clock_timestamp`, not the transaction's start).
const POSTGRES_CLOCK_MS: &str = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

/// `sql` as SQLite runs it.
pub fn sqlite_dialect(sql: &str) -> std::borrow::Cow<'_, str> {
    if sql.contains("CLOCK_MS") || sql.contains("SKIP_LOCKED") {
        sql.replace("CLOCK_MS", SQLITE_CLOCK_MS)
            .replace("SKIP_LOCKED", "")
            .into()
    } else {
        sql.into()
    }
}

/// `sql` as PostgreSQL runs it: placeholders numbered, the clock and the row locking spelled.
pub fn postgres_dialect(sql: &str) -> String {
    numbered_placeholders(sql)
        .replace("CLOCK_MS", POSTGRES_CLOCK_MS)
        .replace("SKIP_LOCKED", "FOR UPDATE SKIP LOCKED")
}

/// `sql` with its `?` placeholders numbered `$1`, `$2`, … in order, as PostgreSQL writes them.
/// A `?` inside a quoted literal or identifier is text, not a placeholder, and stays.
fn numbered_placeholders(sql: &str) -> String {
    let mut numbered = String::with_capacity(sql.len() + 16);
    let mut next = 1;
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match (quote, c) {
            (None, '?') => {
                numbered.push('$');
                numbered.push_str(&next.to_string());
                next += 1;
                continue;
            }
            (None, '\'' | '"') => quote = Some(c),
            (Some(open), _) if c == open => quote = None,
            _ => {}
        }
        numbered.push(c);
    }
    numbered
}

/// Runs `$body` on whichever engine `$engine` is, with `$pool` bound to its pool and `$sql`
/// bound to the statement `$statement` as that engine spells it. Both arms must
/// produce the same type, so a body maps driver-specific results (rows affected, not the
/// driver's query result) before it ends.
macro_rules! on_engine {
    ($engine:expr, $statement:expr, |$pool:ident, $sql:ident| $body:expr) => {
        match $engine {
            $crate::store::engine::Engine::Sqlite($pool) => {
                let statement = $statement;
                let spelled = $crate::store::engine::sqlite_dialect(&statement);
                let $sql: &str = &spelled;
                $body
            }
            $crate::store::engine::Engine::Postgres($pool) => {
                let statement = $statement;
                let spelled = $crate::store::engine::postgres_dialect(&statement);
                let $sql: &str = &spelled;
                $body
            }
        }
    };
}
pub(crate) use on_engine;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order_outside_quotes() {
        assert_eq!(
            numbered_placeholders("UPDATE t SET a = ?, b = '?' WHERE c = ? AND \"d?\" = ?"),
            "UPDATE t SET a = $1, b = '?' WHERE c = $2 AND \"d?\" = $3"
        );
        assert_eq!(numbered_placeholders("SELECT 1"), "SELECT 1");
        assert_eq!(
            numbered_placeholders("SELECT 'it''s ?', ?"),
            "SELECT 'it''s ?', $1"
        );
    }

    #[test]
    fn each_engine_spells_the_clock_and_the_row_locking() {
        let sql = "SELECT job_id FROM t WHERE until < CLOCK_MS + ? LIMIT ? SKIP_LOCKED";
        assert_eq!(
            sqlite_dialect(sql),
            format!("SELECT job_id FROM t WHERE until < {SQLITE_CLOCK_MS} + ? LIMIT ? ")
        );
        assert_eq!(
            postgres_dialect(sql),
            format!(
                "SELECT job_id FROM t WHERE until < {POSTGRES_CLOCK_MS} + $1 LIMIT $2 \
                 FOR UPDATE SKIP LOCKED"
            )
        );
        assert!(matches!(
            sqlite_dialect("SELECT 1"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn the_url_names_the_engine() {
        assert_eq!(
            EngineKind::of_url("sqlite://data/dashboard.db"),
            Some(EngineKind::Sqlite)
        );
        assert_eq!(
            EngineKind::of_url("postgres://u@h/db"),
            Some(EngineKind::Postgres)
        );
        assert_eq!(
            EngineKind::of_url("postgresql://u@h/db"),
            Some(EngineKind::Postgres)
        );
        assert_eq!(EngineKind::of_url("mysql://h/db"), None);
        assert_eq!(EngineKind::of_url("data/dashboard.db"), None);
    }
}
