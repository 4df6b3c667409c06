//! Cancel (docs/PRODUCT.md §5) over real HTTP against the sandbox cloud: `POST
//! /api/aks/cancel-provision/{task_id}` for the owner only, idempotent on finished tasks; the
//! worker stops at once, sends no create when the cancel came first, aborts an accepted create
//! (the sandbox cluster ends Canceled) and records a create that had already ended (abort 409);
//! two cancels at once; a cancel racing the job's own success; and, through the service and the
//! store directly, a recorded cancel that a restart completes instead of resuming the create.

use super::support::jobs::{
    accepted_job, epoch_ms, queued_job, request, service, until_job_finished,
};
use super::support::tasks::{
    CANCEL_ROUTE, cancel, ensure_owner_only, ensure_revoked, start, until_accepted,
    until_cluster_state, until_finished,
};
use super::support::{
    SUBSCRIPTION, TestResult, alice_on_a_dashboard, create_body, ensure, fast_world, get_task,
    sandbox_cloud, sign_in, start_dashboard, until_ready,
};
use arm_sandbox::world::World;
use reqwest::StatusCode;
use serde_json::json;
use shared::admin::CancelActor;
use shared::progress::{CANCELLED_CODE, ProvisionPhase, TaskStatus};
use std::time::{Duration, Instant};

/// A world whose creates outlast any test and whose `Retry-After` is long, so a job that
/// stops quickly can only have been woken by the cancel, not by its next poll.
fn slow_world() -> World {
    let mut world = fast_world();
    world.timings.create_seconds = 120.0;
    world.timings.retry_after_seconds = 20;
    world
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_owner_can_cancel_a_task() -> TestResult {
    let dashboard = start_dashboard(slow_world(), true).await;
    let base = &dashboard.base_url;
    let alice = sign_in(base, "alice").await?;
    let bob = sign_in(base, "bob").await?;
    let task_id = start(base, &alice, &create_body("aks-mine", "eastus", "rg-mine")).await?;
    until_accepted(base, &alice, &task_id).await?;

    ensure_owner_only(base, CANCEL_ROUTE, (&alice, &bob), &task_id, "aks-mine").await?;
    let (_, task) = get_task(base, &alice, &task_id).await?;
    ensure(
        task["ready"] == json!(false) && task["progress"]["cluster_state"] == "Creating",
        format!("none of those touched the job: {task}"),
    )?;

    let (status, outcome) = cancel(base, &alice, &task_id).await?;
    ensure(
        status == StatusCode::OK,
        format!("owner: {status} {outcome}"),
    )?;
    ensure(
        outcome["task_id"] == task_id.as_str()
            && outcome["job_id"] == task["job_id"]
            && outcome["previous_status"] == "PROGRESS"
            && outcome["was_running"] == json!(true)
            && outcome["cancelled"] == json!(true)
            && outcome["settle_after_seconds"] == 1,
        format!("owner: {outcome}"),
    )?;
    ensure_revoked(&until_finished(base, &alice, &task_id).await?)
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_a_finished_task_changes_nothing() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let succeeded = start(base, &cookie, &create_body("aks-done", "eastus", "rg-done")).await?;
    // swedencentral fails its creates midway (AllocationFailed).
    let failed = start(
        base,
        &cookie,
        &create_body("aks-fails", "swedencentral", "rg-fails"),
    )
    .await?;
    let revoked = start(base, &cookie, &create_body("aks-stop", "eastus", "rg-stop")).await?;
    let (status, _) = cancel(base, &cookie, &revoked).await?;
    ensure(status == StatusCode::OK, format!("first cancel: {status}"))?;
    for (task_id, expected) in [
        (&succeeded, "SUCCESS"),
        (&failed, "FAILURE"),
        (&revoked, "REVOKED"),
    ] {
        let before = until_ready(base, &cookie, task_id, Duration::from_secs(30), |_| {}).await?;
        ensure(
            before["status"] == expected,
            format!("{expected}: {before}"),
        )?;
        let (status, outcome) = cancel(base, &cookie, task_id).await?;
        ensure(
            status == StatusCode::OK
                && outcome["previous_status"] == expected
                && outcome["was_running"] == json!(false)
                && outcome["cancelled"] == json!(true)
                && outcome["settle_after_seconds"] == 0,
            format!("{expected}: {status} {outcome}"),
        )?;
        let (_, after) = get_task(base, &cookie, task_id).await?;
        ensure(
            after == before,
            format!("{expected}: unchanged\n{before}\n{after}"),
        )?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancel_before_the_put_sends_nothing_to_azure() -> TestResult {
    // Every ARM answer takes 3 s: the job is still reading its resource group when the cancel
    // arrives, and a worker that waited for that read could not stop within 2 s.
    let mut world = slow_world();
    world.faults.latency_ms = 3_000;
    let dashboard = start_dashboard(world, true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;
    let task_id = start(
        base,
        &cookie,
        &create_body("aks-early", "eastus", "rg-early"),
    )
    .await?;

    let asked = Instant::now();
    let (status, outcome) = cancel(base, &cookie, &task_id).await?;
    ensure(
        status == StatusCode::OK && outcome["was_running"] == json!(true),
        format!("{status} {outcome}"),
    )?;
    let task = until_finished(base, &cookie, &task_id).await?;
    let stopped_after = asked.elapsed();
    ensure_revoked(&task)?;
    ensure(
        stopped_after < Duration::from_secs(2),
        format!("stopped {stopped_after:?} after the cancel, without waiting for Azure"),
    )?;
    let progress = &task["progress"];
    ensure(
        progress["portal_url"].is_null()
            && progress["cluster_state"].is_null()
            && progress["message"]
                .as_str()
                .is_some_and(|m| m.contains("before the create was sent")),
        format!("no cluster to point at: {progress}"),
    )?;
    // Give a stray request time to arrive, then look at Azure: no cluster, and not even the
    // resource group the job would have created next.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let arm = &dashboard.cloud.arm;
    ensure(
        arm.get_cluster(SUBSCRIPTION, "rg-early", "aks-early")
            .await?
            .is_none(),
        "no create reached Azure",
    )?;
    ensure(
        arm.get_resource_group(SUBSCRIPTION, "rg-early")
            .await?
            .is_none(),
        "no resource group was created",
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancel_after_the_put_aborts_the_create_at_once() -> TestResult {
    let dashboard = start_dashboard(slow_world(), true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;
    let task_id = start(
        base,
        &cookie,
        &create_body("aks-abort", "eastus", "rg-abort"),
    )
    .await?;
    until_accepted(base, &cookie, &task_id).await?;

    let asked = Instant::now();
    let (status, outcome) = cancel(base, &cookie, &task_id).await?;
    ensure(
        status == StatusCode::OK && outcome["was_running"] == json!(true),
        format!("{status} {outcome}"),
    )?;
    let task = until_finished(base, &cookie, &task_id).await?;
    let stopped_after = asked.elapsed();
    ensure_revoked(&task)?;
    // The worker was sleeping on a 20 s Retry-After: only the signal can have woken it (the
    // benchmark times this at about 0.1 s; the bound leaves room for a loaded machine).
    ensure(
        stopped_after < Duration::from_secs(3),
        format!("stopped {stopped_after:?} after the cancel"),
    )?;
    let progress = &task["progress"];
    ensure(
        progress["step"] == 3
            && progress["cluster_state"] == "Canceling"
            && progress["portal_url"]
                .as_str()
                .is_some_and(|url| url.ends_with("/managedClusters/aks-abort"))
            && progress["message"]
                .as_str()
                .is_some_and(|m| m.contains("may already exist")),
        format!("a partial cluster may exist: {progress}"),
    )?;
    until_cluster_state(&dashboard.cloud.arm, "rg-abort", "aks-abort", "Canceled").await?;
    let (_, later) = get_task(base, &cookie, &task_id).await?;
    ensure(
        later == task,
        format!("the finished job stays as it ended: {later}"),
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancel_after_the_create_ended_records_the_cluster() -> TestResult {
    // The create ends after 1 s while the worker sleeps on an 8 s Retry-After: a cancel then
    // finds nothing left to abort (409) and records the cluster as Azure left it.
    let mut world = fast_world();
    world.timings.create_seconds = 1.0;
    world.timings.retry_after_seconds = 8;
    let dashboard = start_dashboard(world, true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;
    let task_id = start(base, &cookie, &create_body("aks-late", "eastus", "rg-late")).await?;
    until_accepted(base, &cookie, &task_id).await?;
    until_cluster_state(&dashboard.cloud.arm, "rg-late", "aks-late", "Succeeded").await?;

    let (status, outcome) = cancel(base, &cookie, &task_id).await?;
    ensure(
        status == StatusCode::OK && outcome["was_running"] == json!(true),
        format!("{status} {outcome}"),
    )?;
    let task = until_finished(base, &cookie, &task_id).await?;
    ensure_revoked(&task)?;
    let progress = &task["progress"];
    ensure(
        progress["cluster_state"] == "Succeeded"
            && progress["portal_url"].is_string()
            && progress["message"]
                .as_str()
                .is_some_and(|m| m.contains("had already finished")),
        format!("the whole cluster exists: {progress}"),
    )?;
    until_cluster_state(&dashboard.cloud.arm, "rg-late", "aks-late", "Succeeded").await
}

#[tokio::test(flavor = "multi_thread")]
async fn two_cancels_at_once_are_harmless() -> TestResult {
    let dashboard = start_dashboard(slow_world(), true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;
    let task_id = start(
        base,
        &cookie,
        &create_body("aks-twice", "eastus", "rg-twice"),
    )
    .await?;
    until_accepted(base, &cookie, &task_id).await?;

    let (first, second) = tokio::join!(
        cancel(base, &cookie, &task_id),
        cancel(base, &cookie, &task_id)
    );
    let ((status_1, first), (status_2, second)) = (first?, second?);
    ensure(
        status_1 == StatusCode::OK && status_2 == StatusCode::OK,
        format!("{status_1} {first} / {status_2} {second}"),
    )?;
    ensure(
        first["job_id"] == second["job_id"]
            && first["cancelled"] == json!(true)
            && second["cancelled"] == json!(true)
            && (first["was_running"] == json!(true) || second["was_running"] == json!(true)),
        format!("{first} / {second}"),
    )?;
    ensure_revoked(&until_finished(base, &cookie, &task_id).await?)?;
    let (_, third) = cancel(base, &cookie, &task_id).await?;
    ensure(
        third["was_running"] == json!(false) && third["previous_status"] == "REVOKED",
        format!("{third}"),
    )?;
    until_cluster_state(&dashboard.cloud.arm, "rg-twice", "aks-twice", "Canceled").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancel_racing_success_ends_in_one_consistent_state() -> TestResult {
    // Creates end after 0.5 s and the worker reads them 1 s after the PUT (Retry-After), then
    // verifies and saves SUCCESS. Cancels sent 0.86 s to 1 s after the task first shows the
    // create accepted land before, during and after that (both sides win some on this machine).
    let mut world = fast_world();
    world.timings.create_seconds = 0.5;
    world.timings.retry_after_seconds = 1;
    let dashboard = start_dashboard(world, true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;
    for (run, offset_ms) in [860_u64, 890, 910, 925, 940, 955, 975, 1_000]
        .into_iter()
        .enumerate()
    {
        let name = format!("aks-race-{run}");
        let task_id = start(base, &cookie, &create_body(&name, "eastus", "rg-race")).await?;
        until_accepted(base, &cookie, &task_id).await?;
        tokio::time::sleep(Duration::from_millis(offset_ms)).await;
        let (status, outcome) = cancel(base, &cookie, &task_id).await?;
        ensure(status == StatusCode::OK, format!("{status} {outcome}"))?;
        let task = until_finished(base, &cookie, &task_id).await?;
        if outcome["was_running"] == json!(true) {
            // The cancel won: REVOKED, whatever the cluster reached.
            ensure_revoked(&task)?;
        } else {
            // The success won: the cancel changed nothing and said so.
            ensure(
                outcome["previous_status"] == "SUCCESS"
                    && task["status"] == "SUCCESS"
                    && task["error"].is_null()
                    && task["result"]["cluster"]["name"] == name.as_str(),
                format!("success won: {outcome} {task}"),
            )?;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (_, later) = get_task(base, &cookie, &task_id).await?;
        ensure(later == task, format!("no late change: {task}\n{later}"))?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_completes_recorded_cancels_instead_of_resuming() -> TestResult {
    let cloud = sandbox_cloud(slow_world()).await;
    let arm = &cloud.arm;
    let (store, provisioning, alice, _directory) = service(arm).await?;
    // A job cancelled while queued, and one cancelled after Azure accepted its create; the
    // process died before either worker acted on the cancel.
    let queued = queued_job(&store, &alice, request("aks-queued", "rg-queued")?).await?;
    let running = queued_job(&store, &alice, request("aks-running", "rg-running")?).await?;
    let running = accepted_job(&store, arm, running).await?;
    for job in [&queued, &running] {
        let recorded = store
            .request_cancel(
                &job.job_id,
                &CancelActor::of(&alice, &alice),
                epoch_ms()?,
                "Stopping.",
            )
            .await?;
        ensure(recorded.is_some(), "cancel recorded")?;
    }

    ensure(
        provisioning.resume().await?.jobs == 2,
        "both jobs are picked up",
    )?;
    let queued = until_job_finished(&store, &queued.task_id).await?;
    ensure(
        queued.status == TaskStatus::Revoked
            && queued.phase == ProvisionPhase::CancelledByUser
            && queued.cancelled_by == Some(CancelActor::of(&alice, &alice))
            && queued.portal_url.is_none(),
        format!("the queued job never started: {queued:?}"),
    )?;
    ensure(
        arm.get_resource_group(SUBSCRIPTION, "rg-queued")
            .await?
            .is_none(),
        "nothing of the queued job reached Azure",
    )?;
    let running = until_job_finished(&store, &running.task_id).await?;
    ensure(
        running.status == TaskStatus::Revoked
            && running.error.as_ref().map(|e| e.code.as_str()) == Some(CANCELLED_CODE)
            && running.cluster_state.as_deref() == Some("Canceling")
            && running.portal_url.is_some(),
        format!("the accepted create was aborted: {running:?}"),
    )?;
    until_cluster_state(arm, "rg-running", "aks-running", "Canceled").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_canceled_operation_is_revoked_only_when_its_owner_cancelled() -> TestResult {
    // Aborts take effect at once and the worker reads its operation every second. Both jobs are
    // aborted on Azure behind the worker's back (as `az aks operation-abort` would); for one,
    // its owner's cancel is also recorded in the row, as another process would record it, with
    // no signal to this worker. The worker then sees a Canceled operation on its next poll.
    let mut world = slow_world();
    world.timings.abort_seconds = 0.0;
    world.timings.retry_after_seconds = 1;
    let cloud = sandbox_cloud(world).await;
    let arm = &cloud.arm;
    let (store, provisioning, alice, _directory) = service(arm).await?;
    let ours = queued_job(&store, &alice, request("aks-ours", "rg-ours")?).await?;
    let ours = accepted_job(&store, arm, ours).await?;
    let theirs = queued_job(&store, &alice, request("aks-theirs", "rg-theirs")?).await?;
    let theirs = accepted_job(&store, arm, theirs).await?;
    ensure(provisioning.resume().await?.jobs == 2, "resumed")?;
    // Let the workers make their first poll (the create still runs), then abort both creates.
    tokio::time::sleep(Duration::from_millis(300)).await;
    for (group, name) in [("rg-ours", "aks-ours"), ("rg-theirs", "aks-theirs")] {
        arm.abort_latest_operation(SUBSCRIPTION, group, name)
            .await?;
    }
    let recorded = store
        .request_cancel(
            &ours.job_id,
            &CancelActor::of(&alice, &alice),
            epoch_ms()?,
            "Stopping.",
        )
        .await?;
    ensure(
        recorded.is_some(),
        format!(
            "cancel recorded: {:?}",
            store.job_by_task(&ours.task_id).await?
        ),
    )?;

    let ours = until_job_finished(&store, &ours.task_id).await?;
    ensure(
        ours.status == TaskStatus::Revoked
            && ours.phase == ProvisionPhase::CancelledByUser
            && ours.cluster_state.as_deref() == Some("Canceled"),
        format!("the owner's cancel: {ours:?}"),
    )?;
    let theirs = until_job_finished(&store, &theirs.task_id).await?;
    ensure(
        theirs.status == TaskStatus::Failure
            && theirs.error.as_ref().map(|e| e.code.as_str()) == Some("OperationCancelled"),
        format!("an abort nobody asked the dashboard for is a failure: {theirs:?}"),
    )?;
    Ok(())
}
