//! The database refusing writes for a while (docs/PRODUCT.md §4, "Keep every job watched"): a
//! worker whose saves fail keeps retrying and the job ends right without a restart, and the
//! sweep re-attaches a running job that no worker follows.

use super::support::jobs::{queued_job, request, service_with, until_job_finished};
use super::support::tasks::{start, until_accepted};
use super::support::{
    TestResult, create_body, ensure, fast_worker, fast_world, sandbox_cloud, sign_in,
    start_dashboard, until_ready,
};
use server::provisioning::WorkerSettings;
use shared::progress::TaskStatus;
use sqlx::Connection;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn a_create_survives_the_database_refusing_writes_mid_create() -> TestResult {
    let mut world = fast_world();
    world.timings.create_seconds = 3.0;
    let dashboard = start_dashboard(world, true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;
    let task_id = start(
        base,
        &cookie,
        &create_body("aks-locked-db", "eastus", "rg-db"),
    )
    .await?;
    until_accepted(base, &cookie, &task_id).await?;

    // Another connection takes the write lock for longer than the store's 5 s busy timeout:
    // every save the worker tries meanwhile fails with "database is locked".
    let mut blocker = sqlx::SqliteConnection::connect(&dashboard.database_url).await?;
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut blocker).await?;
    tokio::time::sleep(Duration::from_secs(8)).await;
    let during = dashboard.store.job_by_task(&task_id).await?.ok_or("row")?;
    sqlx::query("COMMIT").execute(&mut blocker).await?;
    ensure(
        during.status == TaskStatus::Progress,
        format!("nothing could be written meanwhile: {:?}", during.status),
    )?;

    let done = until_ready(base, &cookie, &task_id, Duration::from_secs(30), |_| {}).await?;
    ensure(done["status"] == "SUCCESS", format!("{done}"))?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sweep_attaches_a_worker_to_a_running_job_nobody_follows() -> TestResult {
    let cloud = sandbox_cloud(fast_world()).await;
    let settings = WorkerSettings {
        sweep_interval: Duration::from_millis(200),
        ..fast_worker()
    };
    let (store, provisioning, owner, _database) = service_with(&cloud.arm, settings).await?;
    provisioning.keep_watch();
    // Written but never handed to a worker, as when a worker stopped on a database failure.
    let job = queued_job(&store, &owner, request("aks-swept", "rg-swept")?).await?;
    let ended = until_job_finished(&store, &job.task_id).await?;
    ensure(
        ended.status == TaskStatus::Success,
        format!("swept job: {:?} {}", ended.status, ended.message),
    )?;
    Ok(())
}
