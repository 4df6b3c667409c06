//! What a cancel leaves (docs/PRODUCT.md §5): `POST /api/aks/delete-partial-cluster/{task_id}` deletes the
//! managed cluster (never the resource group) for the owner only, once Azure has settled it;
//! it is refused while the job runs and while the cluster is Canceling, a second request is
//! harmless, a reload mid-deletion still lists the task, and a restart completes a deletion
//! left running.

use super::support::jobs::{
    accepted_job, epoch_ms, queued_job, request, service, until_job_finished,
};
use super::support::tasks::{
    cancel, ensure_owner_only, ensure_revoked, post_task, start, until_accepted,
    until_cluster_state, until_finished,
};
use super::support::{
    SUBSCRIPTION, TestResult, create_body, ensure, fast_world, get_task, http, sandbox_cloud,
    sign_in, start_dashboard, until_task,
};
use app::api::provision::list_running_tasks::ListRunningTasks;
use arm_sandbox::world::World;
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::error::ServiceError;
use server::provisioning::{Provisioning, WorkerSettings};
use server::store::{JobRecord, Store};
use shared::admin::CancelActor;
use shared::progress::{
    DELETED_MESSAGE, DELETING_MESSAGE, DeletionState, TaskStatus, TaskView,
    can_delete_partial_cluster,
};
use std::time::{Duration, Instant};

/// Route of the partial-cluster delete (`{id}`: the task id).
const DELETE_ROUTE: &str = "/api/aks/delete-partial-cluster/{id}";

/// Creates run for minutes; aborts settle in 0.5 s and deletes in 1 s, with a 1 s `Retry-After`,
/// so a deletion is seen running and then done within a test.
fn deletion_world() -> World {
    let mut world = fast_world();
    world.timings.create_seconds = 120.0;
    world.timings.abort_seconds = 0.5;
    world.timings.delete_seconds = 1.0;
    world.timings.retry_after_seconds = 1;
    world
}

/// `POST /api/aks/delete-partial-cluster/{task_id}` with the session `cookie` (none when empty).
async fn delete_partial(
    base_url: &str,
    cookie: &str,
    task_id: &str,
) -> TestResult<(StatusCode, Value)> {
    post_task(base_url, DELETE_ROUTE, cookie, task_id).await
}

/// The UI's `list_running_tasks` server function, as the banner calls it after a reload.
async fn running_tasks(base_url: &str, cookie: &str) -> TestResult<Vec<TaskView>> {
    let response = http()
        .post(format!("{base_url}{}", ListRunningTasks::PATH))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await?;
    ensure(
        response.status() == StatusCode::OK,
        format!("list_running_tasks answers {}", response.status()),
    )?;
    Ok(response.json().await?)
}

/// The task's deletion state, as the wire spells it (`null` without one).
fn deletion_state(task: &Value) -> &Value {
    &task["deletion"]["state"]
}

/// Starts a create, waits until Azure accepted it, cancels it and answers the REVOKED task.
async fn cancelled_after_the_put(
    base_url: &str,
    cookie: &str,
    cluster: &str,
    group: &str,
) -> TestResult<(String, Value)> {
    let task_id = start(base_url, cookie, &create_body(cluster, "eastus", group)).await?;
    until_accepted(base_url, cookie, &task_id).await?;
    let (status, outcome) = cancel(base_url, cookie, &task_id).await?;
    ensure(
        status == StatusCode::OK && outcome["was_running"] == json!(true),
        format!("cancel: {status} {outcome}"),
    )?;
    let task = until_finished(base_url, cookie, &task_id).await?;
    ensure_revoked(&task)?;
    Ok((task_id, task))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_owner_deletes_the_partial_cluster_a_cancel_left() -> TestResult {
    let dashboard = start_dashboard(deletion_world(), true).await;
    let base = &dashboard.base_url;
    let arm = &dashboard.cloud.arm;
    let cookie = sign_in(base, "alice").await?;
    let (task_id, revoked) = cancelled_after_the_put(base, &cookie, "aks-part", "rg-part").await?;
    ensure(
        revoked["progress"]["cluster_state"] == "Canceling"
            && !can_delete_partial_cluster(&serde_json::from_value(revoked.clone())?),
        format!("not yet while Azure cancels: {revoked}"),
    )?;
    // Task reads learn from Azure when the cluster has settled, which offers the deletion.
    let settled = until_task(
        base,
        &cookie,
        &task_id,
        Duration::from_secs(15),
        Duration::from_millis(200),
        |task| {
            serde_json::from_value::<TaskView>(task.clone())
                .is_ok_and(|task| can_delete_partial_cluster(&task))
        },
    )
    .await?;
    ensure(
        settled["progress"]["cluster_state"] == "Canceled" && settled["deletion"].is_null(),
        format!("settled: {settled}"),
    )?;

    // Two requests at once: one deletion.
    let (first, second) = tokio::join!(
        delete_partial(base, &cookie, &task_id),
        delete_partial(base, &cookie, &task_id)
    );
    for (status, answer) in [first?, second?] {
        ensure(
            status == StatusCode::OK
                && answer["task_id"] == task_id.as_str()
                && answer["status"] == "REVOKED"
                && *deletion_state(&answer) == "deleting"
                && answer["deletion"]["message"] == DELETING_MESSAGE,
            format!("deleting: {status} {answer}"),
        )?;
    }
    // A reload mid-deletion still shows the finished task.
    let listed = running_tasks(base, &cookie).await?;
    ensure(
        listed.iter().any(|task| {
            task.task_id == task_id
                && task.deletion.as_ref().map(|d| d.state) == Some(DeletionState::Deleting)
        }),
        format!("listed while deleting: {listed:?}"),
    )?;

    let deleted = until_task(
        base,
        &cookie,
        &task_id,
        Duration::from_secs(15),
        Duration::from_millis(100),
        |task| *deletion_state(task) == "deleted",
    )
    .await?;
    ensure(
        deleted["deletion"]["message"] == DELETED_MESSAGE
            && deleted["deletion"]["elapsed_seconds"]
                .as_i64()
                .is_some_and(|seconds| (0..15).contains(&seconds))
            && deleted["status"] == "REVOKED",
        format!("deleted: {deleted}"),
    )?;
    ensure(
        arm.get_cluster(SUBSCRIPTION, "rg-part", "aks-part")
            .await?
            .is_none(),
        "the cluster is gone from Azure",
    )?;
    ensure(
        arm.get_resource_group(SUBSCRIPTION, "rg-part")
            .await?
            .is_some(),
        "the resource group the job created is left in place",
    )?;
    ensure(
        !can_delete_partial_cluster(&serde_json::from_value(deleted.clone())?),
        "nothing more to offer",
    )?;
    let (status, again) = delete_partial(base, &cookie, &task_id).await?;
    ensure(
        status == StatusCode::OK && again == deleted,
        format!("asking again changes nothing: {status} {again}"),
    )?;
    let listed = running_tasks(base, &cookie).await?;
    ensure(
        listed.iter().all(|task| task.task_id != task_id),
        format!("no longer listed once deleted: {listed:?}"),
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_owner_can_delete_a_partial_cluster_and_not_while_it_runs() -> TestResult {
    let dashboard = start_dashboard(deletion_world(), true).await;
    let base = &dashboard.base_url;
    let alice = sign_in(base, "alice").await?;
    let bob = sign_in(base, "bob").await?;
    let task_id = start(base, &alice, &create_body("aks-own", "eastus", "rg-own")).await?;
    until_accepted(base, &alice, &task_id).await?;

    ensure_owner_only(base, DELETE_ROUTE, (&alice, &bob), &task_id, "aks-own").await?;
    let (status, answer) = delete_partial(base, &alice, &task_id).await?;
    ensure(
        status == StatusCode::CONFLICT
            && answer["code"] == "conflict"
            && answer["message"]
                .as_str()
                .is_some_and(|m| m.contains("still running")),
        format!("while the create runs: {status} {answer}"),
    )?;
    let (_, task) = get_task(base, &alice, &task_id).await?;
    ensure(
        task["ready"] == json!(false) && task["deletion"].is_null(),
        format!("none of those touched the job: {task}"),
    )?;
    until_cluster_state(&dashboard.cloud.arm, "rg-own", "aks-own", "Creating").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deletion_waits_until_azure_has_finished_canceling() -> TestResult {
    let mut world = deletion_world();
    world.timings.abort_seconds = 60.0;
    let dashboard = start_dashboard(world, true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;
    let (task_id, revoked) = cancelled_after_the_put(base, &cookie, "aks-slow", "rg-slow").await?;
    ensure(
        revoked["progress"]["cluster_state"] == "Canceling",
        format!("Azure is canceling: {revoked}"),
    )?;
    let (status, answer) = delete_partial(base, &cookie, &task_id).await?;
    ensure(
        status == StatusCode::CONFLICT
            && answer["code"] == "conflict"
            && answer["message"]
                == "Azure still reports Canceling; try again when it has finished.",
        format!("refused: {status} {answer}"),
    )?;
    let (_, task) = get_task(base, &cookie, &task_id).await?;
    ensure(
        task["deletion"].is_null() && task["progress"]["cluster_state"] == "Canceling",
        format!("nothing recorded: {task}"),
    )?;
    until_cluster_state(&dashboard.cloud.arm, "rg-slow", "aks-slow", "Canceling").await
}

/// Reads the job every 20 ms until its deletion is `state`.
async fn until_deletion(
    store: &Store,
    task_id: &str,
    state: DeletionState,
) -> TestResult<JobRecord> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let job = store.job_by_task(task_id).await?.ok_or("job row")?;
        if job.deletion.as_ref().map(|d| d.state) == Some(state) {
            return Ok(job);
        }
        ensure(
            Instant::now() < deadline,
            format!("deletion never {state:?}: {job:?}"),
        )?;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_completes_a_running_deletion() -> TestResult {
    let cloud = sandbox_cloud(deletion_world()).await;
    let arm = &cloud.arm;
    let (store, provisioning, alice, _directory) = service(arm).await?;
    // Two creates Azure accepted, and one job that never started, all cancelled.
    let mut jobs = Vec::new();
    for (cluster, group) in [("aks-before", "rg-before"), ("aks-after", "rg-after")] {
        let job = queued_job(&store, &alice, request(cluster, group)?).await?;
        jobs.push(accepted_job(&store, arm, job).await?);
    }
    let gone = queued_job(&store, &alice, request("aks-gone", "rg-gone")?).await?;
    let gone = accepted_job(&store, arm, gone).await?;
    let queued = queued_job(&store, &alice, request("aks-never", "rg-never")?).await?;
    for job in jobs.iter().chain([&gone, &queued]) {
        store
            .request_cancel(
                &job.job_id,
                &CancelActor::of(&alice, &alice),
                epoch_ms()?,
                "Stopping.",
            )
            .await?;
    }
    ensure(provisioning.resume().await?.jobs == 4, "resumed")?;
    for (job, (group, cluster)) in jobs
        .iter()
        .zip([("rg-before", "aks-before"), ("rg-after", "aks-after")])
    {
        let job = until_job_finished(&store, &job.task_id).await?;
        ensure(
            job.status == TaskStatus::Revoked && job.portal_url.is_some(),
            format!("cancelled with a partial cluster: {job:?}"),
        )?;
        until_cluster_state(arm, group, cluster, "Canceled").await?;
    }
    until_job_finished(&store, &queued.task_id).await?;
    match provisioning
        .delete_partial_cluster(&alice, &queued.task_id)
        .await
    {
        Err(ServiceError::Conflict(message)) if message.contains("nothing to delete") => {}
        other => return Err(format!("no cluster was ever seen: {other:?}").into()),
    }
    // Someone deleted this one in the portal: nothing is sent, the deletion is recorded done.
    until_job_finished(&store, &gone.task_id).await?;
    until_cluster_state(arm, "rg-gone", "aks-gone", "Canceled").await?;
    arm.delete_cluster(SUBSCRIPTION, "rg-gone", "aks-gone")
        .await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while arm
        .get_cluster(SUBSCRIPTION, "rg-gone", "aks-gone")
        .await?
        .is_some()
    {
        ensure(Instant::now() < deadline, "the portal delete never ended")?;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let view = provisioning
        .delete_partial_cluster(&alice, &gone.task_id)
        .await?;
    let deletion = view.deletion.ok_or("a deletion")?;
    ensure(
        deletion.state == DeletionState::Deleted
            && deletion.message.contains("nothing left to delete")
            && view
                .progress
                .is_some_and(|p| p.cluster_state.is_none() && p.portal_url.is_none()),
        format!("recorded as gone: {deletion:?}"),
    )?;

    // The process died mid-deletion: before sending the DELETE for the first job, after Azure
    // accepted it for the second.
    let mut fences = Vec::new();
    for job in &jobs {
        fences.push(
            store
                .start_deletion(&job.job_id, &alice.object_id, epoch_ms()?, DELETING_MESSAGE)
                .await?
                .ok_or("deletion recorded")?,
        );
    }
    let operation = arm
        .delete_cluster(SUBSCRIPTION, "rg-after", "aks-after")
        .await?
        .ok_or("the delete was accepted")?;
    ensure(
        store
            .save_deletion_operation(
                &jobs[1].job_id,
                &operation.status_url,
                epoch_ms()?,
                fences[1],
            )
            .await?,
        "operation saved",
    )?;

    let restarted = Provisioning::new(store.clone(), arm.clone(), WorkerSettings::default());
    let listed = restarted.running(&alice).await?;
    ensure(
        listed.len() == 2
            && listed.iter().all(|task| {
                task.ready
                    && task.deletion.as_ref().map(|d| d.state) == Some(DeletionState::Deleting)
            }),
        format!("a reload lists the deletions: {listed:?}"),
    )?;
    ensure(restarted.resume().await?.deletions == 2, "both resumed")?;
    for (job, (group, cluster)) in jobs
        .iter()
        .zip([("rg-before", "aks-before"), ("rg-after", "aks-after")])
    {
        let job = until_deletion(&store, &job.task_id, DeletionState::Deleted).await?;
        ensure(
            job.deletion.as_ref().map(|d| d.message.as_str()) == Some(DELETED_MESSAGE),
            format!("deleted: {job:?}"),
        )?;
        ensure(
            arm.get_cluster(SUBSCRIPTION, group, cluster)
                .await?
                .is_none(),
            format!("{cluster} is gone"),
        )?;
        ensure(
            arm.get_resource_group(SUBSCRIPTION, group).await?.is_some(),
            format!("{group} is left"),
        )?;
    }
    ensure(
        restarted.running(&alice).await?.is_empty(),
        "nothing runs any more",
    )?;
    Ok(())
}
