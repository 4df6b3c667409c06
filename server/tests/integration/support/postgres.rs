//! The PostgreSQL server of the replica tests and the replica benchmark (which includes this
//! file): `TEST_POSTGRES_URL`, the throw-away server `scripts/test.sh` and
//! `scripts/bench-replicas.sh` start (scripts/lib/test-postgres.sh). Each run gets a database of
//! its own.

use sqlx::Connection;

/// Creates an empty database named `prefix` and a random part on `TEST_POSTGRES_URL`'s server
/// and answers its URL. Fails, rather than skipping, when the variable is missing: these tests
/// are part of every run.
pub async fn fresh_database(
    prefix: &str,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let server = std::env::var("TEST_POSTGRES_URL").map_err(|_| {
        "TEST_POSTGRES_URL is not set: run scripts/test.sh (or scripts/bench-replicas.sh), which \
         starts a PostgreSQL"
    })?;
    let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&server).await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    let mut url = url::Url::parse(&server)?;
    url.set_path(&name);
    Ok(url.into())
}
