//! What the store's tests (and the server's other unit tests) build their stores and rows with:
//! a store of its own per test on either engine, a test owner, and saved jobs in a given state.

use super::{InsertOutcome, JobRecord, NewJob, SaveOutcome, Store, StoreError};

/// The person `name` of the test tenant, as a job records its owner.
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
    // As stored (a finished job's lease is freed by its last save).
    store
        .job_by_id(&job.job_id)
        .await
        .expect("read")
        .expect("saved")
}

/// The job ids of `jobs`, in order.
pub(crate) fn job_ids(jobs: &[JobRecord]) -> Vec<&str> {
    jobs.iter().map(|job| job.job_id.as_str()).collect()
}

/// A store of its own for one test (keep the directory alive as long as the store): a fresh
/// SQLite file, or with `STORE_TEST_ENGINE=postgres` a fresh database on the PostgreSQL server
/// of `TEST_POSTGRES_URL` (`scripts/test.sh` runs the server's unit tests both ways). The
/// PostgreSQL databases are left for the throw-away server to take with it.
pub(crate) async fn temp_store() -> (Store, tempfile::TempDir) {
    let (mut replicas, dir) = temp_replicas(1).await;
    (replicas.remove(0), dir)
}

/// `count` stores on one fresh database (as [`temp_store`]), each holding leases under a name
/// of its own: replicas, for the lease tests.
pub(crate) async fn temp_replicas(count: usize) -> (Vec<Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match std::env::var("STORE_TEST_ENGINE").as_deref() {
        Ok("postgres") => fresh_postgres_database().await,
        Ok("sqlite") | Err(_) => format!("sqlite://{}", dir.path().join("jobs.db").display()),
        Ok(other) => panic!("STORE_TEST_ENGINE is sqlite or postgres, not {other:?}"),
    };
    let mut replicas = Vec::new();
    for _ in 0..count {
        replicas.push(Store::open(&url).await.expect("open"));
    }
    (replicas, dir)
}

/// Creates an empty database on `TEST_POSTGRES_URL`'s server and answers its URL.
async fn fresh_postgres_database() -> String {
    use sqlx::Connection;
    let server = std::env::var("TEST_POSTGRES_URL")
        .expect("STORE_TEST_ENGINE=postgres needs TEST_POSTGRES_URL (scripts/test.sh sets both)");
    let name = format!("store_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&server)
        .await
        .expect("TEST_POSTGRES_URL answers");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create the test database");
    admin.close().await.expect("close");
    let mut url = url::Url::parse(&server).expect("TEST_POSTGRES_URL is a URL");
    url.set_path(&name);
    url.into()
}

impl Store {
    /// Runs `sql` as it is: the store's tests write rows this build never writes with it.
    pub(crate) async fn execute_for_test(&self, sql: &str) -> Result<u64, StoreError> {
        Ok(super::engine::on_engine!(
            &self.engine,
            sql,
            |pool, sql| sqlx::query(sql)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        )?)
    }
}
