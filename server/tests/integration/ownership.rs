//! The ownership mark (docs/PRODUCT.md §4): a job acts only on the cluster it created. A cluster
//! that reuses the name of an attempt's cluster (the partial cluster was deleted, someone else
//! created a new one) is never deleted, aborted, adopted or reported on that attempt's behalf.

use super::support::jobs::{queued_job, request, service, until_job_finished};
use super::support::tasks::{
    cancel, ensure_revoked, post_task, start, until_accepted, until_finished,
};
use super::support::{
    SUBSCRIPTION, TestResult, arm::spec, arm::wait_for_operation, create_body, ensure, fast_world,
    get_task, sandbox_cloud, sign_in, start_dashboard, until_ready, until_task,
};
use arm_sandbox::world::World;
use reqwest::StatusCode;
use server::provisioning::JOB_TAG;
use shared::admin::CancelActor;
use shared::progress::{ProvisionPhase, TaskStatus, TaskView, can_delete_partial_cluster};
use std::time::Duration;

/// Creates take 4 s, so a cancel right after the PUT leaves a partial cluster and a later create
/// finishes within the test; aborts and deletes settle in half a second.
fn reuse_world() -> World {
    let mut world = fast_world();
    world.timings.create_seconds = 4.0;
    world.timings.abort_seconds = 0.5;
    world.timings.delete_seconds = 0.5;
    world
}

#[tokio::test(flavor = "multi_thread")]
async fn an_old_attempt_never_deletes_a_new_cluster_that_reuses_its_name() -> TestResult {
    let dashboard = start_dashboard(reuse_world(), true).await;
    let base = &dashboard.base_url;
    let arm = &dashboard.cloud.arm;
    let (name, group) = ("aks-reused", "rg-reused");
    let alice = sign_in(base, "alice").await?;
    let dana = sign_in(base, "dana").await?;

    // Alice's cancelled attempt leaves a partial cluster, which settles as Canceled.
    let alice_task = start(base, &alice, &create_body(name, "eastus", group)).await?;
    until_accepted(base, &alice, &alice_task).await?;
    cancel(base, &alice, &alice_task).await?;
    ensure_revoked(&until_finished(base, &alice, &alice_task).await?)?;
    until_task(
        base,
        &alice,
        &alice_task,
        Duration::from_secs(15),
        Duration::from_millis(100),
        |task| {
            serde_json::from_value::<TaskView>(task.clone())
                .is_ok_and(|task| can_delete_partial_cluster(&task))
        },
    )
    .await?;

    // Someone deletes it in the portal; Dana then creates a healthy cluster with the same name.
    let deleting = arm
        .delete_cluster(SUBSCRIPTION, group, name)
        .await?
        .ok_or("a delete to follow")?;
    wait_for_operation(arm, &deleting, |_| {}).await?;
    let dana_task = start(base, &dana, &create_body(name, "eastus", group)).await?;
    let dana_done = until_ready(base, &dana, &dana_task, Duration::from_secs(30), |_| {}).await?;
    ensure(
        dana_done["status"] == "SUCCESS",
        format!("dana: {dana_done}"),
    )?;

    // Alice's old card still offers the deletion; pressing it is refused with the reason.
    let (status, refusal) = post_task(
        base,
        "/api/aks/delete-partial-cluster/{id}",
        &alice,
        &alice_task,
    )
    .await?;
    ensure(
        status == StatusCode::CONFLICT
            && refusal["message"]
                .as_str()
                .is_some_and(|m| m.contains("this cluster was not created by this attempt")),
        format!("alice's delete: {status} {refusal}"),
    )?;
    let cluster = arm
        .get_cluster(SUBSCRIPTION, group, name)
        .await?
        .ok_or("dana's cluster survives")?;
    let tag = cluster
        .tags
        .as_ref()
        .and_then(|tags| tags.get(JOB_TAG))
        .cloned();
    ensure(
        cluster.provisioning_state() == "Succeeded"
            && tag.as_deref() == dana_done["job_id"].as_str(),
        format!(
            "dana's cluster untouched: {} {tag:?}",
            cluster.provisioning_state()
        ),
    )?;
    // Alice's task no longer claims a cluster, so it offers nothing more to delete.
    let (_, alice_now) = get_task(base, &alice, &alice_task).await?;
    ensure(
        alice_now["progress"]["cluster_state"].is_null() && alice_now["deletion"].is_null(),
        format!("alice's task forgets the cluster: {alice_now}"),
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resumed_job_never_adopts_or_aborts_a_cluster_it_did_not_create() -> TestResult {
    let mut world = fast_world();
    world.timings.create_seconds = 60.0;
    let cloud = sandbox_cloud(world).await;
    let arm = &cloud.arm;
    let (name, group) = ("aks-foreign", "rg-foreign");
    // Someone else's create runs under the name.
    arm.create_resource_group(SUBSCRIPTION, group, "eastus")
        .await?;
    arm.create_cluster(
        SUBSCRIPTION,
        group,
        name,
        &spec("eastus", "Standard_D4s_v5", 1),
    )
    .await?;

    // A job saved just before its PUT (the process died around it) resumes, and one of them
    // also had its cancel recorded: neither may follow, abort or report the foreign cluster.
    let (store, provisioning, owner, _database) = service(arm).await?;
    for cancelled in [false, true] {
        let mut job = queued_job(&store, &owner, request(name, group)?).await?;
        job.status = TaskStatus::Progress;
        job.phase = ProvisionPhase::CreatingCluster;
        job.step = 3;
        store.save_job(&job).await?;
        if cancelled {
            store
                .request_cancel(&job.job_id, &CancelActor::of(&owner, &owner), 1, "cancel")
                .await?;
        }
        provisioning.resume().await?;
        let ended = until_job_finished(&store, &job.task_id).await?;
        let expected = if cancelled {
            TaskStatus::Revoked
        } else {
            TaskStatus::Failure
        };
        ensure(
            ended.status == expected
                && ended.cluster_state.is_none()
                && ended.portal_url.is_none()
                && ended.cluster_resource_uid.is_none(),
            format!("cancelled {cancelled}: {ended:?}"),
        )?;
        if !cancelled {
            let message = ended.error.map(|e| e.message).unwrap_or_default();
            ensure(
                message.contains("not created by this attempt"),
                format!("the reason: {message}"),
            )?;
        }
        let foreign = arm
            .get_cluster(SUBSCRIPTION, group, name)
            .await?
            .ok_or("the foreign cluster")?;
        ensure(
            foreign.provisioning_state() == "Creating",
            format!(
                "never aborted: {} (cancelled {cancelled})",
                foreign.provisioning_state()
            ),
        )?;
    }
    Ok(())
}
