//! The provisioning service: the one place creates start, are read back and resume.
//!
//! `POST /api/aks/provision` and the UI's `start_provision` server function both call
//! [`Provisioning::start`], which validates the request, writes the job row and only then hands
//! the job to a worker task in this process ([`worker`]). Reads check that the caller owns the
//! job. Each job's work belongs to the replica holding its lease ([`replica`]): at start-up
//! [`Provisioning::resume`] takes over the jobs and deletions no live replica holds, and the
//! sweep ([`Provisioning::keep_watch`]) renews this replica's leases and takes over orphans;
//! the worker resumes from what the row holds.
//!
//! [`Provisioning::cancel`] (docs/PRODUCT.md §5) checks ownership as reads do, records the cancel in
//! the row (who, when, and whether they acted as an administrator), then signals the job's worker ([`claims`]), which wakes at once,
//! aborts the Azure create if Azure had accepted it, and writes the REVOKED end. The route does
//! not write REVOKED itself: the worker stays the only writer of a running job's state, so
//! REVOKED means "the worker has stopped and the abort was sent", which is what the UI's
//! "Waiting for the worker to stop…" waits for, and a cancel recorded just before a crash is
//! completed by the next start instead of leaving an unaborted create behind.
//!
//! [`Provisioning::delete_partial_cluster`] deletes the managed cluster a cancelled or failed
//! create left on Azure, for its owner, once Azure has settled it ([`partial_cluster_deletion`]); only the
//! managed cluster, never a resource group. Both the worker and the deletion follow Azure's
//! long-running operations through one [`follower`].
//!
//! [`Provisioning::recent_failures`] answers the caller's failed creates for the "Last attempt
//! failed" card (docs/PRODUCT.md §7), and [`Provisioning::dismiss_failure`] records its Dismiss
//! ([`failure_history`]).
//!
//! Reads of a task and its cancel are the owner's, and also an administrator's (the
//! `Dashboard.Admin` app role, issue 15), whose cancel is recorded with their name, logged as an
//! audit line and shown to the owner; every other write (Delete partial cluster, Dismiss) stays
//! the owner's alone ([`access`]). [`admin_view`] answers an administrator's list of every user's jobs.
//!

mod access;
mod activity;
mod admin_view;
mod claims;
mod failure_history;
mod follower;
mod ownership;
mod partial_cluster_deletion;
mod patient_writes;
mod replica;
mod worker;

use crate::arm::ArmClient;
use crate::arm::models::ManagedCluster;
use crate::azure_access::AzureAccess;
use crate::error::ServiceError;
use crate::store::{InsertOutcome, JobRecord, NewJob, Store};
use claims::Claims;
use shared::admin::{CancelActor, cancel_requested_message};
use shared::caller::Caller;
use shared::portal::{managed_cluster_id, portal_resource_url};
use shared::progress::{
    CancelOutcome, ClusterDeletion, PoolProgress, ProvisionAccepted, ProvisionProgress,
    RequestedShape, TOTAL_STEPS, TaskStatus, TaskView,
};
use shared::provision::{ProvisionRequest, ValidProvisionRequest};
use std::sync::Arc;
use std::time::Duration;

pub use ownership::JOB_TAG;
pub use replica::Resumed;
pub use worker::WorkerSettings;

/// Creates, reads and resumes provisioning jobs.
#[derive(Clone)]
pub struct Provisioning {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    /// Whose identity each job's ARM calls carry: its owner's ([`Inner::arm_of`]).
    access: AzureAccess,
    settings: WorkerSettings,
    /// The create workers of this process; their claims carry the cancel signal.
    workers: Claims,
    /// The deletions of partial clusters this process follows.
    deletions: Claims,
    /// Wakes the sweep before its next tick (another replica handed work back).
    sweep_now: tokio::sync::Notify,
    /// Held by a sweep while it runs, so a drain waits for one under way ([`replica`]).
    sweeping: tokio::sync::Mutex<()>,
    /// Set when this replica hands its work back: from then on it takes and starts nothing.
    draining: std::sync::atomic::AtomicBool,
    /// When the sweep last renewed this replica's leases.
    last_renewal: std::sync::Mutex<std::time::Instant>,
}

/// What a cancel answers as `settle_after_seconds`: the time after which the worker has stopped,
/// written REVOKED and, when Azure had accepted the create, sent the abort. Measured by
/// `cargo bench -p server --bench cancel_latency` (README): on the sandbox both take
/// milliseconds at p95 (one abort POST and one cluster read after the signal), so one second
/// covers them with room for ARM's own latency. A cancel that lands while the create PUT is in
/// flight waits for ARM's answer first (docs/ARM_FACTS.md §8: at most its 60 s timeout), the one
/// case this bound does not cover.
const CANCEL_SETTLE_SECONDS: i64 = 1;

/// The job's message while its cancel settles.
const CANCEL_REQUESTED_MESSAGE: &str = "Cancellation requested; waiting for the worker to stop.";

impl Provisioning {
    /// A service over `store`, reaching ARM through `access` (an [`ArmClient`] alone: with its
    /// own identity, unrestricted).
    pub fn new(store: Store, access: impl Into<AzureAccess>, settings: WorkerSettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                access: access.into(),
                settings,
                workers: Claims::default(),
                deletions: Claims::default(),
                sweep_now: tokio::sync::Notify::new(),
                sweeping: tokio::sync::Mutex::new(()),
                draining: std::sync::atomic::AtomicBool::new(false),
                last_renewal: std::sync::Mutex::new(std::time::Instant::now()),
            }),
        }
    }

    /// Writes the job for a validated `request`, then starts its worker. A submit for a cluster
    /// whose job is still running answers that job when it is the caller's (a double click),
    /// and a conflict when it is someone else's.
    #[tracing::instrument(skip_all, err, fields(caller = %caller.object_id))]
    pub async fn start(
        &self,
        caller: &Caller,
        request: ValidProvisionRequest,
    ) -> Result<ProvisionAccepted, ServiceError> {
        let job = NewJob {
            job_id: uuid::Uuid::new_v4().to_string(),
            task_id: uuid::Uuid::new_v4().to_string(),
            owner: caller.clone(),
            request: request.into_inner(),
            created_at_ms: now_ms(),
        };
        let outcome = self.inner.store.insert_job(&job).await?;
        let (record, reused) = match outcome {
            InsertOutcome::Inserted(record) => {
                tracing::info!(job_id = %record.job_id, cluster = %record.request.cluster_name, "job queued");
                self.spawn(record.clone());
                (record, false)
            }
            InsertOutcome::AlreadyRunning(record) if caller.is(&record.owner) => {
                tracing::info!(job_id = %record.job_id, "same cluster submitted again: answering the running job");
                (record, true)
            }
            InsertOutcome::AlreadyRunning(record) => return Err(someone_elses(&record.request)),
        };
        Ok(accepted(record, reused))
    }

    /// The answer to a submit that matches a running job for the same cluster: that job when it
    /// is the caller's (a double click), a conflict when it is someone else's, `None` when
    /// nothing runs. Lets the backend answer a double click before it runs a pre-flight.
    pub async fn running_submit(
        &self,
        caller: &Caller,
        request: &ProvisionRequest,
    ) -> Result<Option<ProvisionAccepted>, ServiceError> {
        match self
            .inner
            .store
            .running_job_for(&request.clone().normalized())
            .await?
        {
            None => Ok(None),
            Some(record) if caller.is(&record.owner) => Ok(Some(accepted(record, true))),
            Some(record) => Err(someone_elses(&record.request)),
        }
    }

    /// The caller's task (or any task, for an administrator): `Forbidden` when it belongs to
    /// someone else, `NotFound` when there is no such task. A cancelled or failed create whose cluster Azure was still moving (e.g.
    /// Canceling) is answered with the cluster's state read again from Azure, at most every few
    /// seconds, so the owner learns when its partial cluster can be deleted.
    #[tracing::instrument(skip_all, err, fields(caller = %caller.object_id))]
    pub async fn task(&self, caller: &Caller, task_id: &str) -> Result<TaskView, ServiceError> {
        Ok(self.task_with_request(caller, task_id).await?.0)
    }

    /// The request a task the caller may read was started with.
    #[tracing::instrument(skip_all, err, fields(caller = %caller.object_id))]
    pub async fn task_request(
        &self,
        caller: &Caller,
        task_id: &str,
    ) -> Result<ProvisionRequest, ServiceError> {
        Ok(self.visible_job(caller, task_id).await?.request)
    }

    /// [`Provisioning::task`], with the request the job was started with (what a failure's
    /// "Retry with …" suggestions change).
    #[tracing::instrument(skip_all, err, fields(caller = %caller.object_id))]
    pub async fn task_with_request(
        &self,
        caller: &Caller,
        task_id: &str,
    ) -> Result<(TaskView, ProvisionRequest), ServiceError> {
        let job = self.visible_job(caller, task_id).await?;
        let now = now_ms();
        let job = self.with_fresh_cluster(job, now).await;
        Ok((task_view(&job, now), job.request))
    }

    /// Cancels the caller's task (docs/PRODUCT.md §5), with the same ownership rule as
    /// [`Provisioning::task`], so an administrator may cancel anyone's: their cancel records
    /// who they are, is logged with their and the owner's ids, and the job then says
    /// "Stopped by an administrator, <name>". A finished task is answered with `was_running: false` and left as
    /// it is. A queued or running one gets its cancel recorded and its worker told at once; the
    /// worker then ends it REVOKED within `settle_after_seconds`. Cancelling twice is harmless:
    /// the second call records nothing and answers like the first.
    #[tracing::instrument(skip_all, err, fields(caller = %caller.object_id))]
    pub async fn cancel(
        &self,
        caller: &Caller,
        task_id: &str,
    ) -> Result<CancelOutcome, ServiceError> {
        let job = self.visible_job(caller, task_id).await?;
        if job.status.is_finished() {
            return Ok(cancel_outcome(&job, job.status, false));
        }
        let store = &self.inner.store;
        let requested_at_ms = now_ms();
        let actor = CancelActor::of(caller, &job.owner);
        let message = cancel_requested_message(&actor.stopped_by())
            .unwrap_or_else(|| CANCEL_REQUESTED_MESSAGE.to_owned());
        let recorded = store
            .request_cancel(&job.job_id, &actor, requested_at_ms, &message)
            .await?;
        let (job, previous_status) = match recorded {
            Some(previous_status) => {
                if actor.administrator {
                    // The audit line of an administrator's stop of another user's job.
                    tracing::info!(
                        job_id = %job.job_id,
                        actor_tenant_id = %caller.tenant_id,
                        actor_object_id = %caller.object_id,
                        actor_name = %caller.display_name,
                        owner_tenant_id = %job.owner.tenant_id,
                        owner_object_id = %job.owner.object_id,
                        previous = previous_status.as_str(),
                        "administrator stopped another user's job"
                    );
                } else {
                    tracing::info!(job_id = %job.job_id, previous = previous_status.as_str(), "cancel recorded");
                }
                let job = JobRecord {
                    cancel_requested_at_ms: Some(requested_at_ms),
                    cancelled_by: Some(actor),
                    message,
                    ..job
                };
                (job, previous_status)
            }
            None => {
                // The job finished, or another cancel was recorded, since it was read.
                let job = store
                    .job_by_task(task_id)
                    .await?
                    .ok_or_else(|| ServiceError::Vanished(task_id.to_owned()))?;
                if job.status.is_finished() {
                    return Ok(cancel_outcome(&job, job.status, false));
                }
                let status = job.status;
                (job, status)
            }
        };
        let outcome = cancel_outcome(&job, previous_status, true);
        self.tell_worker_to_stop(job).await;
        Ok(outcome)
    }

    /// Fires the stop signal of the worker of `job` (a record with its cancel request). When no
    /// worker of this replica runs it, the replica holding its lease learns of the cancel from
    /// the database ([`replica`]); when no live replica holds it (its holder died), this one
    /// takes the lease and starts a worker that goes straight to the cancel path.
    async fn tell_worker_to_stop(&self, job: JobRecord) {
        let workers = &self.inner.workers;
        if workers.signal(&job.job_id) || self.inner.is_draining() {
            return;
        }
        match self.inner.store.acquire_job(&job.job_id).await {
            Ok(Some(leased)) => {
                if !self.spawn(leased) {
                    workers.signal(&job.job_id);
                }
            }
            Ok(None) => {
                tracing::debug!(job_id = %job.job_id, "another replica holds the job; it sees the cancel in the database");
            }
            // The cancel is recorded; whoever takes the lease next completes it.
            Err(error) => {
                tracing::warn!(%error, job_id = %job.job_id, "cannot take the cancelled job's lease")
            }
        }
    }

    /// The caller's tasks that something still works on, oldest first: the unfinished ones, and
    /// the finished ones whose partial cluster is being deleted (so a reload mid-deletion still
    /// shows it).
    #[tracing::instrument(skip_all, err, fields(caller = %caller.object_id))]
    pub async fn running(&self, caller: &Caller) -> Result<Vec<TaskView>, ServiceError> {
        let now = now_ms();
        Ok(self
            .inner
            .store
            .active_jobs_of(caller)
            .await?
            .iter()
            .map(|job| task_view(job, now))
            .collect())
    }

    /// Starts a worker for `job`; false when one already runs it in this process, or this
    /// replica is draining (the job's lease is handed back with the others).
    fn spawn(&self, job: JobRecord) -> bool {
        if self.inner.is_draining() {
            tracing::info!(job_id = %job.job_id, "draining: the job is left to another replica");
            return false;
        }
        let Some(claim) = self.inner.workers.claim(&job.job_id) else {
            tracing::debug!(job_id = %job.job_id, "the job has a worker already");
            return false;
        };
        let inner = Arc::clone(&self.inner);
        tokio::spawn(async move {
            let job_id = job.job_id.clone();
            let halt = claim.halt_signal();
            tokio::select! {
                () = worker::run(
                    inner.store.clone(),
                    inner.access.clone(),
                    inner.settings.clone(),
                    job,
                    claim.stop_signal(),
                ) => {}
                () = halt.cancelled() => {
                    tracing::info!(%job_id, "worker halted: the job's lease is not this replica's any more");
                }
            }
            // Held until here: the job has a worker until the worker is done.
            drop(claim);
        });
        true
    }
}

impl Inner {
    fn is_draining(&self) -> bool {
        self.draining.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The ARM client a job's calls go out with: as its owner, whoever asked (a job acts for
    /// the person who started it; docs/PRODUCT.md "Who Azure sees").
    fn arm_of(&self, job: &JobRecord) -> ArmClient {
        self.access.for_caller(&job.owner).client
    }
}

/// What a cancel of `job` answers: `previous_status` is the status the cancel found, and
/// `was_running` whether it found the job unfinished.
fn cancel_outcome(
    job: &JobRecord,
    previous_status: TaskStatus,
    was_running: bool,
) -> CancelOutcome {
    CancelOutcome {
        task_id: job.task_id.clone(),
        job_id: job.job_id.clone(),
        previous_status,
        was_running,
        cancelled: true,
        settle_after_seconds: if was_running {
            CANCEL_SETTLE_SECONDS
        } else {
            0
        },
    }
}

/// What `POST /api/aks/provision` answers for `record`.
fn accepted(record: JobRecord, reused: bool) -> ProvisionAccepted {
    ProvisionAccepted {
        status_query_get_uri: format!("/api/tasks/{}", record.task_id),
        job_id: record.job_id,
        task_id: record.task_id,
        status: "queued".into(),
        reused,
    }
}

/// Another user's create of the same cluster runs; their task id is not ours to give.
fn someone_elses(request: &ProvisionRequest) -> ServiceError {
    ServiceError::Conflict(format!(
        "Another user's create of cluster {} in resource group {} is still running.",
        request.cluster_name, request.resource_group
    ))
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn seconds_between(from_ms: i64, to_ms: i64) -> i64 {
    Duration::from_millis(u64::try_from(to_ms.saturating_sub(from_ms)).unwrap_or(0)).as_secs()
        as i64
}

/// The task as callers see it at `now_ms`: elapsed times run until the job finished.
fn task_view(job: &JobRecord, now_ms: i64) -> TaskView {
    let until = job.finished_at_ms.unwrap_or(now_ms);
    let request = &job.request;
    let progress = ProvisionProgress {
        job_id: job.job_id.clone(),
        status: job.status,
        step: job.step,
        total_steps: TOTAL_STEPS,
        phase: job.phase,
        label: job.phase.label().to_owned(),
        message: job.message.clone(),
        elapsed_seconds: seconds_between(job.created_at_ms, until),
        arm_elapsed_seconds: job.arm_started_at_ms.map(|at| seconds_between(at, until)),
        cluster_state: job.cluster_state.clone(),
        pools: job.pools.clone(),
        portal_url: job.portal_url.clone(),
        percent_complete: job.percent_complete,
        cluster_name: request.cluster_name.clone(),
        resource_group: request.resource_group.clone(),
        region: request.region.clone(),
        subscription_id: request.subscription_id.clone(),
        zones: request.zones.clone(),
        subnet_id: request.subnet_id.clone(),
        requested: Some(RequestedShape::of(request)),
    };
    let mut view = TaskView {
        task_id: job.task_id.clone(),
        job_id: job.job_id.clone(),
        status: job.status,
        ready: job.status.is_finished(),
        progress: Some(progress),
        result: job.result.clone(),
        error: job.error.clone(),
        deletion: job.deletion.as_ref().map(|deletion| ClusterDeletion {
            state: deletion.state,
            message: deletion.message.clone(),
            elapsed_seconds: seconds_between(
                deletion.started_at_ms,
                deletion.finished_at_ms.unwrap_or(now_ms),
            ),
        }),
        owner_must_sign_in: job.waiting_for_sign_in_since_ms.is_some() && !job.status.is_finished(),
        stopped_by: job.cancelled_by.as_ref().map(CancelActor::stopped_by),
    };
    // Every read carries the card's content with the error (docs/PRODUCT.md §8), classified
    // with the job's own settings, so scripts and the browser read the same classification.
    let classification = shared::error_card::classify_task(&view);
    if let Some(error) = view.error.as_mut() {
        error.classification = classification.map(Box::new);
    }
    view
}

/// Copies the cluster's and its pools' states, and its portal page, into `job`, and records its
/// resourceUID the first time it is seen. Only ever given the job's own cluster
/// ([`ownership`]).
fn absorb_cluster(job: &mut JobRecord, cluster: &ManagedCluster) {
    job.cluster_state = Some(cluster.provisioning_state().to_owned());
    if job.cluster_resource_uid.is_none() {
        job.cluster_resource_uid = cluster.properties.resource_uid.clone();
    }
    job.portal_url = Some(cluster_portal_url(&job.request));
    job.pools = cluster
        .properties
        .agent_pool_profiles
        .iter()
        .map(|pool| PoolProgress {
            name: pool.name.clone(),
            provisioning_state: pool
                .provisioning_state
                .clone()
                .unwrap_or_else(|| cluster.provisioning_state().to_owned()),
            count: pool.count.unwrap_or(0),
            vm_size: pool.vm_size.clone().unwrap_or_default(),
        })
        .collect();
}

/// Azure has no cluster of `job`'s: nothing to link to.
fn forget_cluster(job: &mut JobRecord) {
    job.cluster_state = None;
    job.portal_url = None;
    job.pools.clear();
}

/// Portal page of the job's cluster.
fn cluster_portal_url(request: &ProvisionRequest) -> String {
    portal_resource_url(&managed_cluster_id(
        &request.subscription_id,
        &request.resource_group,
        &request.cluster_name,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::progress::{ProvisionPhase, TaskFailure, TaskStatus};

    /// A quota failure of Azure's, not classified yet.
    pub(super) fn quota_exceeded() -> TaskFailure {
        TaskFailure {
            classification: None,
            code: "QuotaExceeded".into(),
            message: "Operation could not be completed as it results in exceeding approved \
                      Total Regional Cores quota."
                .into(),
            raw: String::new(),
        }
    }

    /// A running job in the creating step (the deletion tests start from it too).
    pub(super) fn job() -> JobRecord {
        JobRecord {
            job_id: "j".into(),
            task_id: "t".into(),
            owner: Caller {
                object_id: "o".into(),
                display_name: "O".into(),
                ..Caller::default()
            },
            request: ProvisionRequest {
                cluster_name: "aks-a".into(),
                ..ProvisionRequest::default()
            },
            status: TaskStatus::Progress,
            phase: ProvisionPhase::CreatingCluster,
            step: 3,
            message: "m".into(),
            created_at_ms: 10_000,
            updated_at_ms: 10_000,
            arm_started_at_ms: Some(40_000),
            finished_at_ms: None,
            operation_url: None,
            resource_group_created: false,
            cluster_state: Some("Creating".into()),
            cluster_resource_uid: None,
            pools: vec![],
            portal_url: None,
            percent_complete: None,
            error: None,
            result: None,
            waiting_for_sign_in_since_ms: None,
            cancel_requested_at_ms: None,
            cancelled_by: None,
            deletion: None,
            lease_holder: None,
            lease_fence: 1,
        }
    }

    #[test]
    fn elapsed_times_run_until_now_then_stop_at_the_finish() {
        let running = task_view(&job(), 262_000);
        let progress = running.progress.expect("progress");
        assert_eq!(progress.elapsed_seconds, 252);
        assert_eq!(progress.arm_elapsed_seconds, Some(222));
        assert_eq!(progress.label, "Creating AKS cluster");
        assert!(!running.ready);

        let mut finished = job();
        finished.status = TaskStatus::Success;
        finished.finished_at_ms = Some(70_000);
        let view = task_view(&finished, 999_000);
        assert!(view.ready);
        assert_eq!(view.progress.expect("progress").elapsed_seconds, 60);
    }

    #[test]
    fn a_cancel_promises_a_settle_time_only_for_a_running_job() {
        let running = cancel_outcome(&job(), TaskStatus::Progress, true);
        assert_eq!(
            (
                running.previous_status,
                running.was_running,
                running.cancelled
            ),
            (TaskStatus::Progress, true, true)
        );
        assert_eq!(running.settle_after_seconds, CANCEL_SETTLE_SECONDS);
        assert_eq!(
            (running.task_id.as_str(), running.job_id.as_str()),
            ("t", "j")
        );
        let finished = cancel_outcome(&job(), TaskStatus::Success, false);
        assert_eq!(
            (
                finished.previous_status,
                finished.was_running,
                finished.settle_after_seconds
            ),
            (TaskStatus::Success, false, 0)
        );
    }

    #[test]
    fn a_clock_step_backwards_reads_as_zero_not_a_negative_time() {
        let view = task_view(&job(), 5_000);
        assert_eq!(view.progress.expect("progress").elapsed_seconds, 0);
    }
}
