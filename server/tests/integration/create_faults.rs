//! A create whose answer goes wrong after Azure took it (docs/PRODUCT.md §4): ARM answers 500 or
//! a gateway's 504, or the answer is lost mid-body, while the cluster is already being built.
//! The job reads the cluster, finds its own mark and follows it to the end; a cancel aborts it;
//! and Azure never accepts a second create for the job. An operation URL off the ARM endpoint
//! is never polled (the token would go with it): the job follows the cluster instead.

use super::support::arm::wait_for_operation;
use super::support::jobs::{accepted_job, queued_job, request, service_with, until_job_finished};
use super::support::tasks::{cancel, ensure_revoked, start, until_accepted, until_cluster_state};
use super::support::{
    SUBSCRIPTION, TestResult, create_body, ensure, fast_worker, fast_world, http, sandbox_cloud,
    sign_in, start_dashboard, until_ready,
};
use arm_sandbox::ACCEPTED_CREATES_PATH;
use arm_sandbox::world::World;
use serde_json::{Value, json};
use shared::progress::TaskStatus;
use std::time::Duration;

/// The faults the sandbox can put on the answer to a create it accepted.
fn faulty_answers() -> Vec<(&'static str, World)> {
    let mut faults = Vec::new();
    for status in [500, 504] {
        let mut world = fast_world();
        world.faults.create_accepted_then_status = status;
        faults.push((if status == 500 { "500" } else { "504" }, world));
    }
    let mut world = fast_world();
    world.faults.create_accepted_then_answer_lost = true;
    faults.push(("answer lost", world));
    // The gateway gave up before the resource provider recorded the cluster: the first reads
    // find nothing, and the worker must keep looking.
    let mut world = fast_world();
    world.faults.create_accepted_then_status = 504;
    world.faults.create_visible_after_ms = 2_500;
    faults.push(("504, the cluster visible 2.5 s later", world));
    faults
}

/// How many creates of `cluster` in `group` the sandbox at `sandbox_url` accepted (also read by
/// the on-behalf tests).
pub(super) async fn accepted_creates(
    sandbox_url: &str,
    group: &str,
    cluster: &str,
) -> TestResult<u64> {
    let counts: Value = http()
        .get(format!("{sandbox_url}{ACCEPTED_CREATES_PATH}"))
        .send()
        .await?
        .json()
        .await?;
    let id = format!(
        "/subscriptions/{SUBSCRIPTION}/resourcegroups/{group}/providers/microsoft.containerservice/managedclusters/{cluster}"
    );
    Ok(counts[id.to_ascii_lowercase()].as_u64().unwrap_or(0))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_whose_answer_failed_after_azure_took_it_is_followed_to_success() -> TestResult {
    for (fault, world) in faulty_answers() {
        let dashboard = start_dashboard(world, true).await;
        let base = &dashboard.base_url;
        let cookie = sign_in(base, "alice").await?;
        let (name, group) = ("aks-unanswered", "rg-unanswered");
        let task_id = start(base, &cookie, &create_body(name, "eastus", group)).await?;
        let done = until_ready(base, &cookie, &task_id, Duration::from_secs(30), |_| {}).await?;
        ensure(
            done["status"] == "SUCCESS" && done["result"]["cluster"]["name"] == name,
            format!("{fault}: {done}"),
        )?;
        let accepted = accepted_creates(&dashboard.cloud.sandbox.base_url, group, name).await?;
        ensure(
            accepted == 1,
            format!("{fault}: {accepted} creates accepted"),
        )?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancel_aborts_a_create_whose_answer_was_a_gateway_timeout() -> TestResult {
    let mut world = fast_world();
    world.timings.create_seconds = 120.0;
    world.faults.create_accepted_then_status = 504;
    let dashboard = start_dashboard(world, true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;
    let (name, group) = ("aks-timed-out", "rg-timed-out");
    let task_id = start(base, &cookie, &create_body(name, "eastus", group)).await?;
    let following = until_accepted(base, &cookie, &task_id).await?;
    ensure(
        following["ready"] == json!(false),
        format!("followed after the 504: {following}"),
    )?;
    cancel(base, &cookie, &task_id).await?;
    let ended = until_ready(base, &cookie, &task_id, Duration::from_secs(20), |_| {}).await?;
    ensure_revoked(&ended)?;
    until_cluster_state(&dashboard.cloud.arm, group, name, "Canceled").await?;
    let accepted = accepted_creates(&dashboard.cloud.sandbox.base_url, group, name).await?;
    ensure(accepted == 1, format!("{accepted} creates accepted"))?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operation_url_off_the_arm_endpoint_is_never_polled_and_the_cluster_is_followed()
-> TestResult {
    let cloud = sandbox_cloud(fast_world()).await;
    let (store, provisioning, owner, _database) = service_with(&cloud.arm, fast_worker()).await?;
    let queued = queued_job(&store, &owner, request("aks-off-host", "rg-off-host")?).await?;
    let mut job = accepted_job(&store, &cloud.arm, queued).await?;
    // A row whose operation URL points elsewhere (a tampered row, or a hostile answer).
    job.operation_url = Some("https://attacker.example/operations/1".into());
    store.save_job(&job).await?;
    provisioning.resume().await?;
    let ended = until_job_finished(&store, &job.task_id).await?;
    ensure(
        ended.status == TaskStatus::Success,
        format!("{:?}: {}", ended.status, ended.message),
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resumed_job_whose_own_cluster_vanished_never_creates_a_second_one() -> TestResult {
    let cloud = sandbox_cloud(fast_world()).await;
    let (store, provisioning, owner, _database) = service_with(&cloud.arm, fast_worker()).await?;
    let (name, group) = ("aks-vanished", "rg-vanished");
    let queued = queued_job(&store, &owner, request(name, group)?).await?;
    let mut job = accepted_job(&store, &cloud.arm, queued).await?;
    // As after a lost answer: the job follows its cluster without an operation URL...
    job.operation_url = None;
    job.cluster_resource_uid = cloud
        .arm
        .get_cluster(SUBSCRIPTION, group, name)
        .await?
        .and_then(|cluster| cluster.properties.resource_uid);
    store.save_job(&job).await?;
    // ...then the cluster is deleted in the portal while the process is down.
    let deleting = cloud
        .arm
        .delete_cluster(SUBSCRIPTION, group, name)
        .await?
        .ok_or("a delete to follow")?;
    wait_for_operation(&cloud.arm, &deleting, |_| {}).await?;
    provisioning.resume().await?;
    let ended = until_job_finished(&store, &job.task_id).await?;
    ensure(
        ended.status == TaskStatus::Failure
            && ended
                .error
                .as_ref()
                .is_some_and(|e| e.code == "ResourceNotFound"),
        format!("{:?}: {:?}", ended.status, ended.error),
    )?;
    let accepted = accepted_creates(&cloud.sandbox.base_url, group, name).await?;
    ensure(accepted == 1, format!("{accepted} creates accepted"))?;
    Ok(())
}
