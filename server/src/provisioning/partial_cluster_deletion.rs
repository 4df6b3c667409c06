//! Delete partial cluster (docs/PRODUCT.md §5): removing the managed cluster that a cancelled or
//! failed create left on Azure, for the job's owner.
//!
//! The request ([`Provisioning::delete_partial_cluster`]) checks ownership as a task read does,
//! refuses while the job runs, when no cluster was ever seen, and while Azure still runs an
//! operation on the cluster (AKS refuses a delete during Canceling, and a delete would pre-empt
//! a create the worker still follows), reading the cluster from Azure at that moment. It then
//! records the deletion in the job row (one conditional statement, so a second request finds it
//! running and changes nothing) and starts a task here that sends the ARM DELETE, follows its
//! operation at ARM's `Retry-After`, and records the end: deleted, or failed with ARM's message.
//! A deletion left running by a crash is resumed at the next start
//! ([`Provisioning::resume_deletions`]): the saved operation URL is polled again, or, when the
//! process died before ARM answered, the DELETE is sent again (ARM answers a repeated DELETE
//! with the running delete's operation).
//!
//! **Only the managed cluster is ever deleted, never a resource group.** The product must never
//! delete a group that existed before the create, and even a group this attempt created
//! (`resource_group_created`) is left in place: it may hold things that arrived since (another
//! cluster of the same user, a VNet, a role assignment), which the dashboard cannot tell apart,
//! and an empty group costs nothing. So nothing but the cluster is ever removed; deleting the
//! group stays a deliberate act in the portal.
//!
//! Task reads also refresh what a stopped create knows of its cluster
//! ([`Provisioning::with_fresh_cluster`]): the cancel path records the state right after the
//! abort (Canceling), and without a new read the task would never show the settled state that
//! makes the cluster deletable.

use super::claims::Claim;
use super::follower::{Deadline, Ended, Follower, Goal, Interrupted, Observer, Pacing, Track};
use super::ownership::{OwnershipMark, Sighting};
use super::patient_writes::retrying;
use super::{
    JobRecord, Provisioning, WorkerSettings, absorb_cluster, forget_cluster, now_ms, task_view,
};
use crate::arm::{ArmClient, ArmClientError, OperationHandle};
use crate::error::{ServiceError, shown_to_users};
use crate::store::{DeletionEnd, Store};
use shared::arm_error::ArmError;
use shared::caller::Caller;
use shared::progress::{
    DELETED_MESSAGE, DELETING_MESSAGE, DeletionState, TaskStatus, TaskView,
    is_terminal_cluster_state,
};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often a task read asks Azure again about a stopped create's cluster that is still moving.
const CLUSTER_REFRESH_INTERVAL_MS: i64 = 5_000;

/// How long that read may take before the task is answered with what the row holds.
const CLUSTER_READ_TIMEOUT: Duration = Duration::from_secs(2);

impl Provisioning {
    /// Deletes the managed cluster that the caller's cancelled or failed task left on Azure,
    /// with the same ownership rule as [`Provisioning::task`]. Refused with `Conflict` while
    /// the job runs, when it succeeded, when no cluster was ever seen, and while Azure, read
    /// now, still reports an operation on the cluster. A cluster Azure no longer has is
    /// recorded as deleted with nothing sent. Otherwise the deletion is recorded and runs in
    /// the background; the answer is the task with its `deletion`. A request while a deletion
    /// runs, or after it succeeded, changes nothing and answers the task as it is; a failed one
    /// may be asked for again. Never deletes a resource group (see the module documentation).
    #[tracing::instrument(skip_all, err, fields(caller = %caller.object_id))]
    pub async fn delete_partial_cluster(
        &self,
        caller: &Caller,
        task_id: &str,
    ) -> Result<TaskView, ServiceError> {
        let job = self.owned_job(caller, task_id).await?;
        if job
            .deletion
            .as_ref()
            .is_some_and(|deletion| deletion.state != DeletionState::Failed)
        {
            return Ok(task_view(&job, now_ms()));
        }
        refuse_unless_partial(&job)?;
        let Some(job) = self.read_cluster_now(job).await? else {
            // A racing request started the deletion (and Azure may already say Deleting):
            // answer it, as a request after it would.
            return Ok(task_view(&self.job_now(task_id).await?, now_ms()));
        };
        if let Some(state) = job
            .cluster_state
            .as_deref()
            .filter(|state| !is_terminal_cluster_state(state))
        {
            return Err(ServiceError::Conflict(format!(
                "Azure still reports {state}; try again when it has finished."
            )));
        }
        let store = &self.inner.store;
        let started = store
            .start_deletion(&job.job_id, &caller.object_id, now_ms(), DELETING_MESSAGE)
            .await?;
        let gone = job.cluster_state.is_none();
        if let (Some(fence), true) = (started, gone) {
            tracing::info!(job_id = %job.job_id, "partial cluster already gone");
            let message = format!(
                "Azure has no cluster {} any more; there was nothing left to delete.",
                job.request.cluster_name
            );
            store
                .finish_deletion(&job.job_id, DeletionEnd::Deleted, &message, now_ms(), fence)
                .await?;
        }
        // What this request recorded, or what a racing one did.
        let job = self.job_now(task_id).await?;
        if started.is_some() && !gone {
            tracing::info!(job_id = %job.job_id, "deleting the partial cluster");
            self.spawn_deletion(job.clone());
        }
        Ok(task_view(&job, now_ms()))
    }

    /// `job` with its cluster read again from Azure when it is a stopped create's cluster that
    /// was still moving when last read, and that read is older than
    /// [`CLUSTER_REFRESH_INTERVAL_MS`]. A read that fails or is slow leaves the job as it was
    /// (and still waits out the interval before the next try).
    pub(super) async fn with_fresh_cluster(&self, job: JobRecord, now: i64) -> JobRecord {
        let moving = job
            .cluster_state
            .as_deref()
            .is_some_and(|state| !is_terminal_cluster_state(state));
        let deletion_open = job
            .deletion
            .as_ref()
            .is_none_or(|deletion| deletion.state == DeletionState::Failed);
        if !(stopped(&job)
            && moving
            && deletion_open
            && now.saturating_sub(job.updated_at_ms) >= CLUSTER_REFRESH_INTERVAL_MS)
        {
            return job;
        }
        let mut fresh = job.clone();
        fresh.updated_at_ms = now;
        let read = tokio::time::timeout(
            CLUSTER_READ_TIMEOUT,
            OwnershipMark::of(&job).read(&self.inner.arm_of(&job), &job),
        )
        .await;
        match read {
            Ok(Ok(Sighting::Own(cluster))) => absorb_cluster(&mut fresh, &cluster),
            Ok(Ok(Sighting::Foreign | Sighting::Absent)) => forget_cluster(&mut fresh),
            Ok(Err(error)) => {
                tracing::warn!(%error, job_id = %job.job_id, "stopped create's cluster unreadable");
            }
            Err(_) => {
                tracing::warn!(job_id = %job.job_id, "stopped create's cluster read timed out");
            }
        }
        match self.inner.store.refresh_cluster(&fresh).await {
            Ok(true) => fresh,
            // A deletion started meanwhile: it tells what happens to the cluster now.
            Ok(false) => job,
            Err(error) => {
                tracing::error!(%error, job_id = %job.job_id, "cannot save the cluster's state");
                job
            }
        }
    }

    /// The row of `task_id` as it is now (a job that was just read cannot be missing).
    async fn job_now(&self, task_id: &str) -> Result<JobRecord, ServiceError> {
        self.inner
            .store
            .job_by_task(task_id)
            .await?
            .ok_or_else(|| ServiceError::Vanished(task_id.to_owned()))
    }

    /// Reads `job`'s cluster from Azure now and saves what it found (its state, or that it is
    /// gone); Azure's errors are the request's. `None` when the row refused it because a racing
    /// request has started a deletion since `job` was read. A cluster with the job's name that
    /// is not the job's own ([`ownership`](super::ownership)) is recorded as gone and refused
    /// with a `Conflict`: it is never deleted on this job's behalf.
    async fn read_cluster_now(
        &self,
        mut job: JobRecord,
    ) -> Result<Option<JobRecord>, ServiceError> {
        let sighting = OwnershipMark::of(&job)
            .read(&self.inner.arm_of(&job), &job)
            .await?;
        let foreign = matches!(sighting, Sighting::Foreign);
        match sighting.own() {
            Some(cluster) => absorb_cluster(&mut job, &cluster),
            None => forget_cluster(&mut job),
        }
        job.updated_at_ms = now_ms();
        let saved = self.inner.store.refresh_cluster(&job).await?;
        if foreign {
            return Err(ServiceError::Conflict(format!(
                "Cluster {} in resource group {} was not deleted: this cluster was not created by \
                 this attempt (it does not carry the attempt's mark), so the dashboard leaves it \
                 alone. The cluster this attempt left is already gone.",
                job.request.cluster_name, job.request.resource_group
            )));
        }
        Ok(saved.then_some(job))
    }

    /// Starts the task that follows `job`'s deletion, unless one runs it in this process;
    /// false then.
    pub(super) fn spawn_deletion(&self, job: JobRecord) -> bool {
        if self.inner.is_draining() {
            tracing::info!(job_id = %job.job_id, "draining: the deletion is left to another replica");
            return false;
        }
        let Some(claim) = self.inner.deletions.claim(&job.job_id) else {
            tracing::debug!(job_id = %job.job_id, "the deletion is followed already");
            return false;
        };
        let inner = Arc::clone(&self.inner);
        tokio::spawn(async move {
            let arm = inner.arm_of(&job);
            let (job_id, halt) = (job.job_id.clone(), claim.halt_signal());
            tokio::select! {
                () = run(&inner.store, &arm, &inner.settings, job, claim) => {}
                () = halt.cancelled() => {
                    tracing::info!(%job_id, "deletion halted: its lease is not this replica's any more");
                }
            }
        });
        true
    }
}

/// True for a create that stopped short of success (REVOKED or FAILURE): the only jobs whose
/// cluster is a partial one.
fn stopped(job: &JobRecord) -> bool {
    job.finished_at_ms.is_some() && matches!(job.status, TaskStatus::Revoked | TaskStatus::Failure)
}

/// The conflicts a deletion request meets before Azure is asked anything.
fn refuse_unless_partial(job: &JobRecord) -> Result<(), ServiceError> {
    let name = &job.request.cluster_name;
    if !job.status.is_finished() {
        return Err(ServiceError::Conflict(format!(
            "The create of cluster {name} is still running; stop it first, then delete what it left."
        )));
    }
    if !stopped(job) {
        return Err(ServiceError::Conflict(format!(
            "The create of cluster {name} succeeded; the dashboard deletes only partial clusters."
        )));
    }
    if job.cluster_state.is_none() || job.portal_url.is_none() {
        return Err(ServiceError::Conflict(format!(
            "No cluster {name} was ever seen on Azure for this task; there is nothing to delete."
        )));
    }
    Ok(())
}

/// Why following a delete stopped short of the cluster being gone.
enum Stop {
    /// Azure refused or failed the delete, or it took too long: record this message.
    Failed(String),
    /// The deletion ended elsewhere, or the row cannot be written: stop without recording.
    Abandoned,
}

/// Sends the DELETE of `job`'s managed cluster (or follows the one already sent), then records
/// how it ended. Never panics; a store failure that outlasts the retries leaves the deletion
/// running in the row, and the sweep resumes it.
async fn run(
    store: &Store,
    arm: &ArmClient,
    settings: &WorkerSettings,
    job: JobRecord,
    claim: Claim,
) {
    let job_id = job.job_id.clone();
    // The row as it is now: a sweep may have listed the deletion just before its last task
    // recorded the end. Without the row, nothing is sent; the next sweep tries again. Nor when
    // the lease changed hands since this task got it: the deletion is another replica's now.
    let job = match store.job_by_id(&job_id).await {
        Ok(Some(fresh))
            if fresh.lease_fence == job.lease_fence
                && fresh
                    .deletion
                    .as_ref()
                    .is_some_and(|deletion| deletion.state == DeletionState::Deleting) =>
        {
            fresh
        }
        Ok(_) => return,
        Err(error) => {
            tracing::warn!(%error, %job_id, "cannot read the deletion; leaving it to the next sweep");
            return;
        }
    };
    let outcome = follow(store, arm, settings, &job, claim.stop_signal()).await;
    // Released before the end is written: once it is, its owner may ask again at once (after a
    // failure), and that new deletion must find the job free.
    drop(claim);
    let (end, message) = match outcome {
        Ok(Gone::Deleted) => (DeletionEnd::Deleted, DELETED_MESSAGE.to_owned()),
        Ok(Gone::AlreadyGone) => (DeletionEnd::Deleted, ALREADY_GONE_MESSAGE.to_owned()),
        Err(Stop::Failed(message)) => (DeletionEnd::Failed, message),
        Err(Stop::Abandoned) => {
            tracing::info!(%job_id, "stopped following the deletion");
            return;
        }
    };
    let finished_at_ms = now_ms();
    let saved = retrying(settings.save_patience, "save deletion end", || {
        store.finish_deletion(&job_id, end, &message, finished_at_ms, job.lease_fence)
    })
    .await;
    match saved {
        Ok(true) => tracing::info!(%job_id, ?end, "deletion of the partial cluster ended"),
        Ok(false) => tracing::info!(%job_id, "deletion end not saved: it ended elsewhere"),
        Err(error) => tracing::error!(%error, %job_id, "cannot save the deletion's end"),
    }
}

/// How the job's cluster came to be gone.
enum Gone {
    /// The DELETE removed it.
    Deleted,
    /// There was none left to delete (only, perhaps, another cluster with its name).
    AlreadyGone,
}

/// What a deletion that found nothing of the job's says.
const ALREADY_GONE_MESSAGE: &str =
    "Azure has no cluster of this attempt any more; nothing was deleted.";

/// How the cluster came to be gone, once it is.
async fn follow(
    store: &Store,
    arm: &ArmClient,
    settings: &WorkerSettings,
    job: &JobRecord,
    stop: CancellationToken,
) -> Result<Gone, Stop> {
    let Some(deletion) = &job.deletion else {
        tracing::error!(job_id = %job.job_id, "a deletion task started without a deletion");
        return Err(Stop::Abandoned);
    };
    let mut follower = Follower::new(
        arm.clone(),
        job,
        Goal::Delete,
        Pacing {
            default_interval: settings.poll_interval_without_retry_after,
            max_failures: settings.max_consecutive_read_failures,
        },
        stop,
        Deadline::after(deletion.started_at_ms, settings.delete_timeout),
    );
    let (operation, first_wait) = match &deletion.operation_url {
        Some(status_url) => {
            let operation = OperationHandle {
                status_url: status_url.clone(),
                retry_after: None,
            };
            (operation, Duration::ZERO)
        }
        None => {
            let Some(operation) = send_delete(&mut follower, arm, job).await? else {
                return Ok(Gone::AlreadyGone);
            };
            let saved_at_ms = now_ms();
            let saved = retrying(settings.save_patience, "save delete operation", || {
                store.save_deletion_operation(
                    &job.job_id,
                    &operation.status_url,
                    saved_at_ms,
                    job.lease_fence,
                )
            })
            .await;
            match saved {
                Ok(true) => {}
                Ok(false) => return Err(Stop::Abandoned),
                // Followed all the same; a restart sends the (idempotent) DELETE again.
                Err(error) => {
                    tracing::error!(%error, job_id = %job.job_id, "cannot save the delete's operation");
                }
            }
            let wait = operation
                .retry_after
                .unwrap_or(settings.poll_interval_without_retry_after);
            (operation, wait)
        }
    };
    match follower
        .follow(Track::Operation(operation), first_wait, &mut Unobserved)
        .await?
    {
        Ended::Succeeded(_) | Ended::Vanished => Ok(Gone::Deleted),
        Ended::OperationFailed(poll) => Err(Stop::Failed(match &poll.error {
            Some(error) => failed_message(error),
            None => format!(
                "Deleting the partial cluster failed: Azure reports the delete as {}, without saying why.",
                poll.state.as_str()
            ),
        })),
        Ended::ClusterSettled(cluster) => Err(Stop::Failed(format!(
            "Deleting the partial cluster failed: Azure stopped deleting it and reports it {}.",
            cluster.provisioning_state()
        ))),
    }
}

/// Sends the DELETE; `None` when the job's cluster does not exist. Every attempt first reads
/// the cluster and sends the DELETE only when it is the job's own ([`ownership`](super::ownership)):
/// when the job's cluster is gone and another with its name took its place, that one is left
/// alone. A DELETE that may not have reached ARM (no answer, or a 5xx) is sent again at the
/// follower's pace: deleting is idempotent on ARM.
async fn send_delete(
    follower: &mut Follower,
    arm: &ArmClient,
    job: &JobRecord,
) -> Result<Option<OperationHandle>, Stop> {
    let request = &job.request;
    let mark = OwnershipMark::of(job);
    loop {
        follower.pause::<Stop>().await?;
        match mark.read(arm, job).await {
            Ok(Sighting::Own(_)) => {}
            Ok(Sighting::Foreign | Sighting::Absent) => return Ok(None),
            Err(error) => {
                follower.failed_read(error, &mut Unobserved).await?;
                continue;
            }
        }
        match arm
            .delete_cluster(
                &request.subscription_id,
                &request.resource_group,
                &request.cluster_name,
            )
            .await
        {
            Ok(operation) => return Ok(operation),
            // The resource group is gone, and the cluster with it.
            Err(ArmClientError::Arm(error)) if error.status == 404 => return Ok(None),
            Err(ArmClientError::Arm(error)) if error.status < 500 => {
                return Err(Stop::Failed(failed_message(&error)));
            }
            Err(error) => follower.failed_read(error, &mut Unobserved).await?,
        }
    }
}

/// A delete's progress is not saved on the way: only its end is.
struct Unobserved;

impl Observer for Unobserved {
    type Stop = Stop;
}

impl From<Interrupted> for Stop {
    fn from(interrupted: Interrupted) -> Self {
        match interrupted {
            Interrupted::Stopped => Self::Abandoned,
            Interrupted::TimedOut(limit) => Self::Failed(format!(
                "Deleting the partial cluster did not finish within {} minutes; check the cluster in the Azure portal.",
                limit.as_secs() / 60
            )),
            Interrupted::Unreadable(ArmClientError::Arm(error)) => {
                Self::Failed(failed_message(&error))
            }
            Interrupted::Unreadable(other) => Self::Failed(format!(
                "Deleting the partial cluster failed: {}",
                shown_to_users(&other)
            )),
        }
    }
}

/// ARM's innermost message, as the deletion's failure.
fn failed_message(error: &ArmError) -> String {
    let (code, message) = error.innermost();
    format!("Deleting the partial cluster failed: {message} ({code})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DeletionRecord;
    use shared::progress::ProvisionPhase;

    /// A job in `status` whose cluster Azure last reported as `cluster_state`.
    fn job(status: TaskStatus, cluster_state: Option<&str>) -> JobRecord {
        JobRecord {
            status,
            phase: ProvisionPhase::CancelledByUser,
            created_at_ms: 0,
            updated_at_ms: 0,
            arm_started_at_ms: Some(0),
            finished_at_ms: status.is_finished().then_some(1_000),
            resource_group_created: true,
            cluster_state: cluster_state.map(str::to_owned),
            portal_url: cluster_state.map(|_| "https://portal/x".to_owned()),
            ..crate::provisioning::tests::job()
        }
    }

    fn conflict(job: &JobRecord) -> Option<String> {
        match refuse_unless_partial(job) {
            Ok(()) => None,
            Err(ServiceError::Conflict(message)) => Some(message),
            Err(other) => panic!("not a conflict: {other:?}"),
        }
    }

    #[test]
    fn only_a_stopped_create_that_left_a_cluster_gets_past_the_first_checks() {
        assert_eq!(conflict(&job(TaskStatus::Revoked, Some("Canceling"))), None);
        assert_eq!(conflict(&job(TaskStatus::Failure, Some("Failed"))), None);
        let running = conflict(&job(TaskStatus::Progress, Some("Creating")));
        assert!(running.is_some_and(|m| m.contains("still running")));
        let succeeded = conflict(&job(TaskStatus::Success, Some("Succeeded")));
        assert!(succeeded.is_some_and(|m| m.contains("succeeded")));
        let nothing = conflict(&job(TaskStatus::Revoked, None));
        assert!(nothing.is_some_and(|m| m.contains("nothing to delete")));
    }

    #[test]
    fn a_deletion_reports_its_state_message_and_time_until_it_ended() {
        let mut deleting = job(TaskStatus::Revoked, Some("Canceled"));
        deleting.deletion = Some(DeletionRecord {
            state: DeletionState::Deleting,
            message: DELETING_MESSAGE.into(),
            requested_by: "o".into(),
            started_at_ms: 10_000,
            finished_at_ms: None,
            operation_url: None,
        });
        let view = task_view(&deleting, 25_000).deletion.expect("deletion");
        assert_eq!(
            (view.state, view.message.as_str(), view.elapsed_seconds),
            (DeletionState::Deleting, DELETING_MESSAGE, 15)
        );
        if let Some(deletion) = deleting.deletion.as_mut() {
            deletion.state = DeletionState::Deleted;
            deletion.message = DELETED_MESSAGE.into();
            deletion.finished_at_ms = Some(18_000);
        }
        let view = task_view(&deleting, 99_000).deletion.expect("deletion");
        assert_eq!(
            (view.state, view.elapsed_seconds),
            (DeletionState::Deleted, 8)
        );
        assert_eq!(task_view(&job(TaskStatus::Revoked, None), 0).deletion, None);
    }

    #[test]
    fn failures_keep_arm_s_message() {
        let error = ArmError::from_response(
            409,
            r#"{"error":{"code":"OperationNotAllowed","message":"Operation is not allowed."}}"#,
        );
        assert_eq!(
            failed_message(&error),
            "Deleting the partial cluster failed: Operation is not allowed. (OperationNotAllowed)"
        );
    }
}
