//! The PostgreSQL server of the replica tests: `TEST_POSTGRES_URL`, the throw-away server
//! `scripts/test.sh` starts (scripts/lib/test-postgres.sh). Each test gets a database of its own.

use super::TestResult;
use sqlx::Connection;

/// Creates an empty database on `TEST_POSTGRES_URL`'s server and answers its URL. Fails, rather
/// than skipping, when the variable is missing: these tests are part of every run.
pub async fn fresh_database() -> TestResult<String> {
    let server = std::env::var("TEST_POSTGRES_URL").map_err(|_| {
        "TEST_POSTGRES_URL is not set: run scripts/test.sh, which starts a PostgreSQL for the tests"
    })?;
    let name = format!("replicas_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&server).await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    let mut url = url::Url::parse(&server)?;
    url.set_path(&name);
    Ok(url.into())
}
