//! Cancel (PRODUCT.md §5) over real HTTP against the sandbox cloud: `POST
//! /api/aks/cancel-provision/{task_id}` for the owner only, idempotent on finished tasks; the
//! worker stops at once, sends no create when the cancel came first, aborts an accepted create
//! (the sandbox cluster ends Canceled) and records a create that had already ended (abort 409);
//! two cancels at once; a cancel racing the job's own success; and, through the service and the
//! store directly, a recorded cancel that a restart completes instead of resuming the create.
//!
//! Then what a cancel leaves: `POST /api/aks/delete-partial-cluster/{task_id}` deletes the
//! managed cluster (never the resource group) for the owner only, once Azure has settled it;
//! it is refused while the job runs and while the cluster is Canceling, a second request is
//! harmless, a reload mid-deletion still lists the task, and a restart completes a deletion
//! left running.
//!
//! And what a failure leaves (PRODUCT.md §7): `GET /api/aks/recent-failed-provisions` answers
//! the caller's failures only, newest first, never a cancel, within bounded `hours` and `limit`
//! (400 otherwise), the same as the UI's server function; `POST
//! /api/aks/recent-failed-provisions/{job_id}/dismiss` is for the owner of a failed job only,
//! idempotent, and a later failure shows again; with its store closed the history answers
//! `degraded`.

mod support;

use app::api::provision::dismiss_failed_provision::DismissFailedProvision;
use app::api::provision::list_running_tasks::ListRunningTasks;
use app::api::provision::recent_failed_provisions::RecentFailedProvisions;
use app::error::AppError;
use arm_sandbox::world::World;
use leptos::server_fn::ServerFn;
use libtest_mimic::{Arguments, Failed};
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::arm::ArmClient;
use server::arm::models::{ManagedClusterSpec, NodePoolSpec};
use server::provisioning::{Provisioning, WorkerSettings};
use server::store::{InsertOutcome, JobRecord, NewJob, SaveOutcome, Store};
use shared::caller::Caller;
use shared::last_failure::{DismissOutcome, LastFailure, RecentFailures};
use shared::progress::{
    CANCELLED_CODE, CANCELLED_MESSAGE, DELETED_MESSAGE, DELETING_MESSAGE, DeletionState,
    ProvisionPhase, TaskStatus, TaskView, can_delete_partial_cluster,
};
use shared::provision::ProvisionRequest;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{
    SUBSCRIPTION, TestContext, alice_on_a_dashboard, create_body, ensure, fast_world, get_task,
    http, post_create, sign_in, trial, until_ready, until_task,
};

fn main() -> std::process::ExitCode {
    let context = support::start();
    let tests = vec![
        trial(
            &context,
            "only_the_owner_can_cancel_a_task",
            only_the_owner_can_cancel_a_task,
        ),
        trial(
            &context,
            "cancelling_a_finished_task_changes_nothing",
            cancelling_a_finished_task_changes_nothing,
        ),
        trial(
            &context,
            "a_cancel_before_the_put_sends_nothing_to_azure",
            a_cancel_before_the_put_sends_nothing_to_azure,
        ),
        trial(
            &context,
            "a_cancel_after_the_put_aborts_the_create_at_once",
            a_cancel_after_the_put_aborts_the_create_at_once,
        ),
        trial(
            &context,
            "a_cancel_after_the_create_ended_records_the_cluster",
            a_cancel_after_the_create_ended_records_the_cluster,
        ),
        trial(
            &context,
            "two_cancels_at_once_are_harmless",
            two_cancels_at_once_are_harmless,
        ),
        trial(
            &context,
            "a_cancel_racing_success_ends_in_one_consistent_state",
            a_cancel_racing_success_ends_in_one_consistent_state,
        ),
        trial(
            &context,
            "a_restart_completes_recorded_cancels_instead_of_resuming",
            a_restart_completes_recorded_cancels_instead_of_resuming,
        ),
        trial(
            &context,
            "a_canceled_operation_is_revoked_only_when_its_owner_cancelled",
            a_canceled_operation_is_revoked_only_when_its_owner_cancelled,
        ),
        trial(
            &context,
            "the_owner_deletes_the_partial_cluster_a_cancel_left",
            the_owner_deletes_the_partial_cluster_a_cancel_left,
        ),
        trial(
            &context,
            "only_the_owner_can_delete_a_partial_cluster_and_not_while_it_runs",
            only_the_owner_can_delete_a_partial_cluster_and_not_while_it_runs,
        ),
        trial(
            &context,
            "a_deletion_waits_until_azure_has_finished_canceling",
            a_deletion_waits_until_azure_has_finished_canceling,
        ),
        trial(
            &context,
            "a_restart_completes_a_running_deletion",
            a_restart_completes_a_running_deletion,
        ),
        trial(
            &context,
            "recent_failures_are_the_owner_s_newest_first_and_never_a_cancel",
            recent_failures_are_the_owner_s_newest_first_and_never_a_cancel,
        ),
        trial(
            &context,
            "the_history_s_window_is_bounded",
            the_history_s_window_is_bounded,
        ),
        trial(
            &context,
            "only_the_owner_dismisses_a_failure_and_a_later_one_shows",
            only_the_owner_dismisses_a_failure_and_a_later_one_shows,
        ),
        trial(
            &context,
            "the_history_degrades_when_the_store_cannot_be_read",
            the_history_degrades_when_the_store_cannot_be_read,
        ),
    ];
    libtest_mimic::run(&Arguments::from_args(), tests).exit_code()
}

/// A world whose creates outlast any test and whose `Retry-After` is long, so a job that
/// stops quickly can only have been woken by the cancel, not by its next poll.
fn slow_world() -> World {
    let mut world = fast_world();
    world.timings.create_seconds = 120.0;
    world.timings.retry_after_seconds = 20;
    world
}

/// Route of the cancel (`{id}`: the task id).
const CANCEL_ROUTE: &str = "/api/aks/cancel-provision/{id}";
/// Route of the partial-cluster delete (`{id}`: the task id).
const DELETE_ROUTE: &str = "/api/aks/delete-partial-cluster/{id}";
/// Route of a failure's Dismiss (`{id}`: the job id).
const DISMISS_ROUTE: &str = "/api/aks/recent-failed-provisions/{id}/dismiss";

/// `POST` to `route` with `{id}` replaced by `task_id`, without a body, as `cookie` (empty: no
/// session).
async fn post_task(
    base_url: &str,
    route: &str,
    cookie: &str,
    task_id: &str,
) -> Result<(StatusCode, Value), Failed> {
    let path = route.replace("{id}", task_id);
    let mut request = http().post(format!("{base_url}{path}"));
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await?;
    let status = response.status();
    Ok((status, response.json().await?))
}

/// `POST /api/aks/cancel-provision/{task_id}` with the session `cookie` (none when empty).
async fn cancel(
    base_url: &str,
    cookie: &str,
    task_id: &str,
) -> Result<(StatusCode, Value), Failed> {
    post_task(base_url, CANCEL_ROUTE, cookie, task_id).await
}

/// The owner-only answers of a task route: another user 403 with nothing of the job (not its
/// cluster's name, not its job id), an unknown or absurd id 404, no session 401.
async fn ensure_owner_only(
    base: &str,
    route: &str,
    (alice, bob): (&str, &str),
    task_id: &str,
    cluster: &str,
) -> Result<(), Failed> {
    let (status, answer) = post_task(base, route, bob, task_id).await?;
    ensure(
        status == StatusCode::FORBIDDEN && answer["code"] == "forbidden",
        format!("another user: {status} {answer}"),
    )?;
    ensure(
        !answer.to_string().contains(cluster) && answer.get("job_id").is_none(),
        format!("nothing of the job leaks: {answer}"),
    )?;
    let (status, answer) = post_task(base, route, alice, "no-such-task").await?;
    ensure(
        status == StatusCode::NOT_FOUND && answer["code"] == "not_found",
        format!("unknown: {status} {answer}"),
    )?;
    let (status, _) = post_task(base, route, alice, &"x".repeat(5000)).await?;
    ensure(
        status == StatusCode::NOT_FOUND,
        format!("absurd id: {status}"),
    )?;
    let (status, answer) = post_task(base, route, "", task_id).await?;
    ensure(
        status == StatusCode::UNAUTHORIZED,
        format!("anonymous: {status} {answer}"),
    )
}

/// Starts a create of `cluster` and answers its task id.
async fn start(base_url: &str, cookie: &str, body: &Value) -> Result<String, Failed> {
    let (status, accepted) = post_create(base_url, cookie, body).await?;
    ensure(
        status == StatusCode::OK,
        format!("create: {status} {accepted}"),
    )?;
    Ok(accepted["task_id"].as_str().ok_or("task_id")?.to_owned())
}

/// Waits until Azure accepted the create (the job reports the cluster Creating).
async fn until_accepted(base_url: &str, cookie: &str, task_id: &str) -> Result<Value, Failed> {
    until_task(
        base_url,
        cookie,
        task_id,
        Duration::from_secs(20),
        Duration::from_millis(20),
        |task| task["progress"]["cluster_state"] == "Creating" || task["ready"] == json!(true),
    )
    .await
}

/// The task once it finished, read every 10 ms.
async fn until_finished(base_url: &str, cookie: &str, task_id: &str) -> Result<Value, Failed> {
    until_task(
        base_url,
        cookie,
        task_id,
        Duration::from_secs(20),
        Duration::from_millis(10),
        |task| task["ready"] == json!(true),
    )
    .await
}

/// Reads the sandbox cluster every 50 ms until its provisioningState is `state`.
async fn until_cluster_state(
    arm: &ArmClient,
    group: &str,
    name: &str,
    state: &str,
) -> Result<(), Failed> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let cluster = arm.get_cluster(SUBSCRIPTION, group, name).await?;
        let seen = cluster.as_ref().map(|c| c.provisioning_state().to_owned());
        if seen.as_deref() == Some(state) {
            return Ok(());
        }
        ensure(
            Instant::now() < deadline,
            format!("cluster {name} is {seen:?}, never {state}"),
        )?;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Checks the REVOKED end every cancelled task has.
fn ensure_revoked(task: &Value) -> Result<(), Failed> {
    ensure(
        task["status"] == "REVOKED"
            && task["ready"] == json!(true)
            && task["progress"]["phase"] == "cancelled_by_user"
            && task["error"]
                == json!({"code": CANCELLED_CODE, "message": CANCELLED_MESSAGE, "raw": ""})
            && task["result"].is_null(),
        format!("revoked: {task}"),
    )
}

async fn only_the_owner_can_cancel_a_task(context: Arc<TestContext>) -> Result<(), Failed> {
    let dashboard = context.dashboard(slow_world(), true).await;
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

async fn cancelling_a_finished_task_changes_nothing(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    let (dashboard, cookie) = alice_on_a_dashboard(&context).await?;
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

async fn a_cancel_before_the_put_sends_nothing_to_azure(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    // Every ARM answer takes 3 s: the job is still reading its resource group when the cancel
    // arrives, and a worker that waited for that read could not stop within 2 s.
    let mut world = slow_world();
    world.faults.latency_ms = 3_000;
    let dashboard = context.dashboard(world, true).await;
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

async fn a_cancel_after_the_put_aborts_the_create_at_once(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    let dashboard = context.dashboard(slow_world(), true).await;
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

async fn a_cancel_after_the_create_ended_records_the_cluster(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    // The create ends after 1 s while the worker sleeps on an 8 s Retry-After: a cancel then
    // finds nothing left to abort (409) and records the cluster as Azure left it.
    let mut world = fast_world();
    world.timings.create_seconds = 1.0;
    world.timings.retry_after_seconds = 8;
    let dashboard = context.dashboard(world, true).await;
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

async fn two_cancels_at_once_are_harmless(context: Arc<TestContext>) -> Result<(), Failed> {
    let dashboard = context.dashboard(slow_world(), true).await;
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

async fn a_cancel_racing_success_ends_in_one_consistent_state(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    // Creates end after 0.5 s and the worker reads them 1 s after the PUT (Retry-After), then
    // verifies and saves SUCCESS. Cancels sent 0.86 s to 1 s after the task first shows the
    // create accepted land before, during and after that (both sides win some on this machine).
    let mut world = fast_world();
    world.timings.create_seconds = 0.5;
    world.timings.retry_after_seconds = 1;
    let dashboard = context.dashboard(world, true).await;
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

/// A store in a temp dir, a service over it and `arm`, and alice.
async fn service(
    arm: &ArmClient,
) -> Result<(Store, Provisioning, Caller, tempfile::TempDir), Failed> {
    let directory = tempfile::tempdir()?;
    let url = format!("sqlite://{}", directory.path().join("jobs.db").display());
    let store = Store::open(&url).await?;
    let provisioning = Provisioning::new(store.clone(), arm.clone(), WorkerSettings::default());
    let alice = Caller {
        object_id: "alice-object-id".into(),
        display_name: "Alice".into(),
    };
    Ok((store, provisioning, alice, directory))
}

/// The request `create_body` describes, as the store keeps it.
fn request(cluster: &str, group: &str) -> Result<ProvisionRequest, Failed> {
    Ok(
        serde_json::from_value::<ProvisionRequest>(create_body(cluster, "eastus", group))?
            .normalized(),
    )
}

/// Now, in milliseconds since the Unix epoch (the job row's clock).
fn epoch_ms() -> Result<i64, Failed> {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    Ok(i64::try_from(since_epoch.as_millis())?)
}

/// Writes a queued job for `request` as `start` would, without starting a worker (as if the
/// process died right after).
async fn queued_job(
    store: &Store,
    owner: &Caller,
    request: ProvisionRequest,
) -> Result<JobRecord, Failed> {
    let id = uuid::Uuid::new_v4().to_string();
    let job = NewJob {
        job_id: format!("job-{id}"),
        task_id: id,
        owner: owner.clone(),
        request,
        created_at_ms: epoch_ms()?,
    };
    match store.insert_job(&job).await? {
        InsertOutcome::Inserted(record) => Ok(record),
        InsertOutcome::AlreadyRunning(_) => Err("the cluster has a job already".into()),
    }
}

/// Sends the create of `job`'s cluster to the sandbox and saves the job as a worker does after
/// Azure accepted it.
async fn accepted_job(
    store: &Store,
    arm: &ArmClient,
    mut job: JobRecord,
) -> Result<JobRecord, Failed> {
    let request = job.request.clone();
    arm.create_resource_group(SUBSCRIPTION, &request.resource_group, &request.region)
        .await?;
    let spec = ManagedClusterSpec {
        location: request.region.clone(),
        dns_prefix: request.dns_prefix(),
        kubernetes_version: None,
        pools: vec![NodePoolSpec {
            name: "system".into(),
            mode: "System".into(),
            vm_size: request.system_vm_size.clone(),
            count: request.system_node_count,
        }],
    };
    let accepted = arm
        .create_cluster(
            SUBSCRIPTION,
            &request.resource_group,
            &request.cluster_name,
            &spec,
        )
        .await?;
    job.status = TaskStatus::Progress;
    job.phase = ProvisionPhase::CreatingCluster;
    job.step = 3;
    job.arm_started_at_ms = Some(epoch_ms()?);
    job.operation_url = Some(accepted.operation.status_url);
    job.cluster_state = Some("Creating".into());
    ensure(
        store.save_job(&job).await? == SaveOutcome::Saved,
        "job saved",
    )?;
    Ok(job)
}

/// Reads the job every 20 ms until it finished.
async fn until_job_finished(store: &Store, task_id: &str) -> Result<JobRecord, Failed> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let job = store.job_by_task(task_id).await?.ok_or("job row")?;
        if job.finished_at_ms.is_some() {
            return Ok(job);
        }
        ensure(
            Instant::now() < deadline,
            format!("never finished: {job:?}"),
        )?;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_restart_completes_recorded_cancels_instead_of_resuming(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    let cloud = context.cloud(slow_world()).await;
    let arm = &cloud.arm;
    let (store, provisioning, alice, _directory) = service(arm).await?;
    // A job cancelled while queued, and one cancelled after Azure accepted its create; the
    // process died before either worker acted on the cancel.
    let queued = queued_job(&store, &alice, request("aks-queued", "rg-queued")?).await?;
    let running = queued_job(&store, &alice, request("aks-running", "rg-running")?).await?;
    let running = accepted_job(&store, arm, running).await?;
    for job in [&queued, &running] {
        let recorded = store
            .request_cancel(&job.job_id, &alice.object_id, epoch_ms()?, "Stopping.")
            .await?;
        ensure(recorded.is_some(), "cancel recorded")?;
    }

    ensure(
        provisioning.resume_unfinished().await? == 2,
        "both jobs are picked up",
    )?;
    let queued = until_job_finished(&store, &queued.task_id).await?;
    ensure(
        queued.status == TaskStatus::Revoked
            && queued.phase == ProvisionPhase::CancelledByUser
            && queued.cancelled_by.as_deref() == Some(alice.object_id.as_str())
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

async fn a_canceled_operation_is_revoked_only_when_its_owner_cancelled(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    // Aborts take effect at once and the worker reads its operation every second. Both jobs are
    // aborted on Azure behind the worker's back (as `az aks operation-abort` would); for one,
    // its owner's cancel is also recorded in the row, as another process would record it, with
    // no signal to this worker. The worker then sees a Canceled operation on its next poll.
    let mut world = slow_world();
    world.timings.abort_seconds = 0.0;
    world.timings.retry_after_seconds = 1;
    let cloud = context.cloud(world).await;
    let arm = &cloud.arm;
    let (store, provisioning, alice, _directory) = service(arm).await?;
    let ours = queued_job(&store, &alice, request("aks-ours", "rg-ours")?).await?;
    let ours = accepted_job(&store, arm, ours).await?;
    let theirs = queued_job(&store, &alice, request("aks-theirs", "rg-theirs")?).await?;
    let theirs = accepted_job(&store, arm, theirs).await?;
    ensure(provisioning.resume_unfinished().await? == 2, "resumed")?;
    // Let the workers make their first poll (the create still runs), then abort both creates.
    tokio::time::sleep(Duration::from_millis(300)).await;
    for (group, name) in [("rg-ours", "aks-ours"), ("rg-theirs", "aks-theirs")] {
        arm.abort_latest_operation(SUBSCRIPTION, group, name)
            .await?;
    }
    let recorded = store
        .request_cancel(&ours.job_id, &alice.object_id, epoch_ms()?, "Stopping.")
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
) -> Result<(StatusCode, Value), Failed> {
    post_task(base_url, DELETE_ROUTE, cookie, task_id).await
}

/// The UI's `list_running_tasks` server function, as the banner calls it after a reload.
async fn running_tasks(base_url: &str, cookie: &str) -> Result<Vec<TaskView>, Failed> {
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
) -> Result<(String, Value), Failed> {
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

async fn the_owner_deletes_the_partial_cluster_a_cancel_left(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    let dashboard = context.dashboard(deletion_world(), true).await;
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

async fn only_the_owner_can_delete_a_partial_cluster_and_not_while_it_runs(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    let dashboard = context.dashboard(deletion_world(), true).await;
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

async fn a_deletion_waits_until_azure_has_finished_canceling(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    let mut world = deletion_world();
    world.timings.abort_seconds = 60.0;
    let dashboard = context.dashboard(world, true).await;
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
) -> Result<JobRecord, Failed> {
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

async fn a_restart_completes_a_running_deletion(context: Arc<TestContext>) -> Result<(), Failed> {
    let cloud = context.cloud(deletion_world()).await;
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
            .request_cancel(&job.job_id, &alice.object_id, epoch_ms()?, "Stopping.")
            .await?;
    }
    ensure(provisioning.resume_unfinished().await? == 4, "resumed")?;
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
        Err(AppError::Conflict(message)) if message.contains("nothing to delete") => {}
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
    for job in &jobs {
        ensure(
            store
                .start_deletion(&job.job_id, &alice.object_id, epoch_ms()?, DELETING_MESSAGE)
                .await?,
            "deletion recorded",
        )?;
    }
    let operation = arm
        .delete_cluster(SUBSCRIPTION, "rg-after", "aks-after")
        .await?
        .ok_or("the delete was accepted")?;
    ensure(
        store
            .save_deletion_operation(&jobs[1].job_id, &operation.status_url, epoch_ms()?)
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
    ensure(restarted.resume_deletions().await? == 2, "both resumed")?;
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

/// Route of the failure history.
const HISTORY_ROUTE: &str = "/api/aks/recent-failed-provisions";

/// `GET /api/aks/recent-failed-provisions{query}` as `cookie` (empty: no session).
async fn history(base_url: &str, cookie: &str, query: &str) -> Result<(StatusCode, Value), Failed> {
    let mut request = http().get(format!("{base_url}{HISTORY_ROUTE}{query}"));
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await?;
    let status = response.status();
    Ok((status, response.json().await?))
}

/// The job ids of a history answer, in its order.
fn history_ids(answer: &Value) -> Vec<String> {
    answer["jobs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| item["jobId"].as_str().unwrap_or("?").to_owned())
        .collect()
}

/// A history answer that was read (not degraded) with exactly `ids`, in that order.
async fn ensure_history(base_url: &str, cookie: &str, ids: &[&str]) -> Result<Value, Failed> {
    let (status, answer) = history(base_url, cookie, "").await?;
    ensure(
        status == StatusCode::OK
            && answer["degraded"] == json!(false)
            && history_ids(&answer) == ids,
        format!("history should be {ids:?}: {status} {answer}"),
    )?;
    Ok(answer)
}

/// A create body whose PUT Azure refuses (the sandbox supports no Kubernetes 1.20).
fn put_refused(cluster: &str, group: &str) -> Value {
    let mut body = create_body(cluster, "eastus", group);
    body["kubernetes_version"] = json!("1.20");
    body
}

/// Starts the create of `body`, waits for its end and answers the task, which must be FAILURE.
async fn failed_create(base_url: &str, cookie: &str, body: &Value) -> Result<Value, Failed> {
    let task_id = start(base_url, cookie, body).await?;
    let task = until_finished(base_url, cookie, &task_id).await?;
    ensure(task["status"] == "FAILURE", format!("failed: {task}"))?;
    Ok(task)
}

/// Starts a create and cancels it at once; answers the REVOKED task.
async fn cancelled_create(base_url: &str, cookie: &str, body: &Value) -> Result<Value, Failed> {
    let task_id = start(base_url, cookie, body).await?;
    let (status, outcome) = cancel(base_url, cookie, &task_id).await?;
    ensure(
        status == StatusCode::OK,
        format!("cancel: {status} {outcome}"),
    )?;
    let task = until_finished(base_url, cookie, &task_id).await?;
    ensure_revoked(&task)?;
    Ok(task)
}

fn job_id(task: &Value) -> Result<&str, Failed> {
    Ok(task["job_id"].as_str().ok_or("job_id")?)
}

/// POSTs the server function at `path` with the form `body`, as the browser does; answers the
/// status and the JSON answer.
async fn server_fn(
    base_url: &str,
    path: &str,
    cookie: &str,
    body: String,
) -> Result<(StatusCode, Value), Failed> {
    let response = http()
        .post(format!("{base_url}{path}"))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await?;
    let status = response.status();
    Ok((status, response.json().await?))
}

async fn recent_failures_are_the_owner_s_newest_first_and_never_a_cancel(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    let dashboard = context.dashboard(fast_world(), true).await;
    let base = &dashboard.base_url;
    let alice = sign_in(base, "alice").await?;
    let bob = sign_in(base, "bob").await?;
    let started = epoch_ms()?;
    let first = failed_create(base, &alice, &put_refused("aks-first", "rg-hist")).await?;
    // swedencentral fails its creates midway (AllocationFailed).
    let second = failed_create(
        base,
        &alice,
        &create_body("aks-second", "swedencentral", "rg-hist"),
    )
    .await?;
    cancelled_create(
        base,
        &alice,
        &create_body("aks-stopped", "eastus", "rg-hist"),
    )
    .await?;
    let bobs = failed_create(base, &bob, &put_refused("aks-bobs", "rg-bob")).await?;

    let answer = ensure_history(base, &alice, &[job_id(&second)?, job_id(&first)?]).await?;
    let read: RecentFailures = serde_json::from_value(answer.clone())?;
    for (item, task) in read.jobs.iter().zip([&second, &first]) {
        // The same record the browser saves from the task, stamped with the job's end and
        // classified.
        let task: TaskView = serde_json::from_value(task.clone())?;
        let expected = LastFailure::from_task(&task, item.when)
            .ok_or("a failure")?
            .with_category();
        ensure(item == &expected, format!("{item:?}\n{expected:?}"))?;
        ensure(
            item.when >= started && item.when <= epoch_ms()?,
            format!("when is the job's end: {item:?}"),
        )?;
        ensure(
            item.category.is_some() && item.raw.contains(&task.error.ok_or("error")?.code),
            format!("classified from text carrying the code: {item:?}"),
        )?;
    }
    ensure(read.jobs[0].when >= read.jobs[1].when, "newest first")?;
    ensure(
        answer["jobs"][0]["clusterName"] == "aks-second"
            && answer["jobs"][0]["subscriptionId"] == SUBSCRIPTION,
        format!("camelCase on the wire: {answer}"),
    )?;

    let (status, limited) = history(base, &alice, "?hours=1&limit=1").await?;
    ensure(
        status == StatusCode::OK && history_ids(&limited) == [job_id(&second)?],
        format!("limit 1: {status} {limited}"),
    )?;
    ensure_history(base, &bob, &[job_id(&bobs)?]).await?;
    let (status, _) = history(base, "", "").await?;
    ensure(
        status == StatusCode::UNAUTHORIZED,
        format!("anonymous: {status}"),
    )?;

    // The server function the dashboard renders its first HTML with answers the same.
    let (status, from_ui) =
        server_fn(base, RecentFailedProvisions::PATH, &alice, String::new()).await?;
    ensure(
        status == StatusCode::OK
            && serde_json::from_value::<RecentFailures>(from_ui.clone())? == read,
        format!("server function: {status} {from_ui}"),
    )
}

async fn the_history_s_window_is_bounded(context: Arc<TestContext>) -> Result<(), Failed> {
    let (dashboard, cookie) = alice_on_a_dashboard(&context).await?;
    let base = &dashboard.base_url;
    let refused = [
        ("?hours=0", "hours"),
        ("?hours=169", "hours"),
        ("?hours=-1", "hours"),
        ("?hours=abc", "hours"),
        ("?hours=1.5", "hours"),
        ("?hours=", "hours"),
        ("?hours=99999999999999999999", "hours"),
        ("?limit=0", "limit"),
        ("?limit=21", "limit"),
        ("?limit=ten", "limit"),
        ("?hours=24&limit=1e1", "limit"),
        ("?hours=24&hours=25", "query"),
    ];
    for (query, field) in refused {
        let (status, answer) = history(base, &cookie, query).await?;
        ensure(
            status == StatusCode::BAD_REQUEST
                && answer["code"] == "validation"
                && answer["field"] == field
                && answer["message"].as_str().is_some_and(|m| !m.is_empty()),
            format!("{query}: {status} {answer}"),
        )?;
    }
    for query in [
        "",
        "?hours=168&limit=20",
        "?hours=1&limit=1",
        "?limit=5",
        "?other=x",
    ] {
        let (status, answer) = history(base, &cookie, query).await?;
        ensure(
            status == StatusCode::OK && answer == json!({"jobs": [], "degraded": false}),
            format!("{query}: {status} {answer}"),
        )?;
    }
    Ok(())
}

async fn only_the_owner_dismisses_a_failure_and_a_later_one_shows(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    let dashboard = context.dashboard(fast_world(), true).await;
    let base = &dashboard.base_url;
    let alice = sign_in(base, "alice").await?;
    let bob = sign_in(base, "bob").await?;
    let failed = failed_create(base, &alice, &put_refused("aks-dismissed", "rg-dis")).await?;
    let failed_id = job_id(&failed)?;
    ensure_owner_only(
        base,
        DISMISS_ROUTE,
        (&alice, &bob),
        failed_id,
        "aks-dismissed",
    )
    .await?;
    let before = ensure_history(base, &alice, &[failed_id]).await?;
    ensure(
        before.get("last_dismissed_ms").is_none() && before.get("last_success_ms").is_none(),
        format!("nothing settled yet: {before}"),
    )?;

    let (status, outcome) = post_task(base, DISMISS_ROUTE, &alice, failed_id).await?;
    ensure(
        status == StatusCode::OK
            && outcome
                == json!({"job_id": failed_id, "dismissed": true, "already_dismissed": false}),
        format!("dismiss: {status} {outcome}"),
    )?;
    ensure_history(base, &alice, &[]).await?;
    let (status, again) = post_task(base, DISMISS_ROUTE, &alice, failed_id).await?;
    ensure(
        status == StatusCode::OK && again["already_dismissed"] == json!(true),
        format!("dismissing twice is harmless: {status} {again}"),
    )?;

    // Only failures can be dismissed: not a running create, a success or a cancel.
    let running = start(base, &alice, &create_body("aks-ok", "eastus", "rg-dis")).await?;
    let (_, running_task) = get_task(base, &alice, &running).await?;
    let running_id = job_id(&running_task)?.to_owned();
    let (status, answer) = post_task(base, DISMISS_ROUTE, &alice, &running_id).await?;
    ensure(
        status == StatusCode::CONFLICT && answer["code"] == "conflict",
        format!("running: {status} {answer}"),
    )?;
    let succeeded = until_finished(base, &alice, &running).await?;
    ensure(succeeded["status"] == "SUCCESS", format!("{succeeded}"))?;
    // The card settles on the newest success and the newest dismissed failure.
    let settled = ensure_history(base, &alice, &[]).await?;
    ensure(
        settled["last_dismissed_ms"].is_i64()
            && settled["last_success_ms"].as_i64() > settled["last_dismissed_ms"].as_i64(),
        format!("settled by a dismissal, then a success: {settled}"),
    )?;
    let cancelled =
        cancelled_create(base, &alice, &create_body("aks-stop", "eastus", "rg-dis")).await?;
    for task in [&succeeded, &cancelled] {
        let (status, answer) = post_task(base, DISMISS_ROUTE, &alice, job_id(task)?).await?;
        ensure(
            status == StatusCode::CONFLICT && answer["code"] == "conflict",
            format!("{}: {status} {answer}", task["status"]),
        )?;
    }

    // A later failure is another job: it shows, the dismissed one stays dismissed.
    let later = failed_create(
        base,
        &alice,
        &create_body("aks-dismissed", "swedencentral", "rg-dis"),
    )
    .await?;
    let later_id = job_id(&later)?;
    ensure_history(base, &alice, &[later_id]).await?;
    // Dismissed through the UI's server function this time.
    let (status, outcome) = server_fn(
        base,
        DismissFailedProvision::PATH,
        &alice,
        format!("job_id={later_id}"),
    )
    .await?;
    let outcome: DismissOutcome = serde_json::from_value(outcome)?;
    ensure(
        status == StatusCode::OK && outcome.job_id == later_id && !outcome.already_dismissed,
        format!("server function: {status} {outcome:?}"),
    )?;
    ensure_history(base, &alice, &[]).await?;
    Ok(())
}

async fn the_history_degrades_when_the_store_cannot_be_read(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    let (dashboard, cookie) = alice_on_a_dashboard(&context).await?;
    let base = &dashboard.base_url;
    let failed = failed_create(base, &cookie, &put_refused("aks-lost", "rg-lost")).await?;
    ensure_history(base, &cookie, &[job_id(&failed)?]).await?;
    // The server's own pool, closed: every query now fails as a database error.
    dashboard.store.close().await;
    let (status, answer) = history(base, &cookie, "").await?;
    ensure(
        status == StatusCode::OK && answer == json!({"jobs": [], "degraded": true}),
        format!("degraded: {status} {answer}"),
    )?;
    let (status, answer) =
        server_fn(base, RecentFailedProvisions::PATH, &cookie, String::new()).await?;
    ensure(
        status == StatusCode::OK && answer == json!({"jobs": [], "degraded": true}),
        format!("server function degraded: {status} {answer}"),
    )?;
    let (status, answer) = history(base, &cookie, "?hours=0").await?;
    ensure(
        status == StatusCode::BAD_REQUEST,
        format!("bounds are still checked first: {status} {answer}"),
    )?;
    // A write cannot degrade: the dismiss fails as an internal error, saying nothing more.
    let (status, answer) = post_task(base, DISMISS_ROUTE, &cookie, job_id(&failed)?).await?;
    ensure(
        status == StatusCode::INTERNAL_SERVER_ERROR
            && answer["code"] == "internal"
            && !answer.to_string().contains("database"),
        format!("dismiss: {status} {answer}"),
    )
}
