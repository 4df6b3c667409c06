//! The worker that drives one job through docs/PRODUCT.md §4's steps against the ARM client, writing
//! every report to the job row:
//!
//! preparing request → ensuring resource group → creating cluster (PUT with `If-None-Match: *`,
//! then follow the operation with the one [`follower`](super::follower), reading the cluster and
//! its pools on every poll) → verifying cluster → done.
//!
//! Resume rules, from what the row holds: an operation URL → poll it again at once; phase
//! "creating" without an operation URL (the process died around the PUT) → GET the cluster
//! first, follow it when it carries the job's mark ([`ownership`](super::ownership)), fail
//! without touching it when it does not, and PUT only if there is none; earlier phases → start
//! over (both steps are safe to repeat). A create is never sent blindly twice: a PUT answered
//! 412 or 5xx, or whose answer was lost, is followed up by the same read.
//!
//! Cancel: every wait (a sleep until the next poll, an ARM read, the resource group PUT) races
//! the job's stop signal in `tokio::select!`, so a cancel interrupts it at once; the row's
//! cancel request also refuses the worker's next save, which catches a cancel between waits.
//! The cluster PUT alone is never interrupted once sent: ARM may already be creating, and only
//! its answer says whether there is a create to abort. What happens next is in [`cancel`].
//!
//! Sign-in: the job's calls carry its owner's Azure identity. When Azure no longer accepts it
//! (their refresh token was revoked or expired), the job neither fails nor guesses: it keeps its
//! state, says that its owner must sign in again, and continues by the resume rules once they
//! have (docs/PRODUCT.md "Who Azure sees").

mod cancel;
mod failures;
mod resource_group;

use super::follower::{Deadline, Ended, Follower, Goal, Observer, Pacing, Track};
use super::ownership::{OwnershipMark, Sighting};
use super::patient_writes::retrying;
use super::{absorb_cluster, cluster_portal_url, now_ms};
use crate::arm::models::{ManagedCluster, ManagedClusterSpec, NodePoolSpec};
use crate::arm::{ArmClient, ArmClientError, OperationHandle, OperationPoll};
use crate::azure_access::AzureAccess;
use crate::on_behalf::SignInRequired;
use crate::store::{JobRecord, LeaseTerms, SaveOutcome, Store};
use failures::{azure_failure, name_taken, operation_failure, vanished};
use shared::operation_status::OperationState;
use shared::progress::{ProvisionPhase, ProvisionResult, TaskFailure, TaskStatus};
use shared::provision::{SYSTEM_POOL_NAME, WORKER_POOL_NAME};
use std::future::Future;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Reads of the cluster, in all, after a create that may have started before it counts as not
/// taken.
const UNCONFIRMED_CREATE_READS: u32 = 6;

/// The longest wait between those reads.
const UNCONFIRMED_CREATE_WAIT: Duration = Duration::from_secs(10);

/// How often a job that waits for its owner's sign-in tries again when no sign-in wakes it
/// (a sign-in on another replica, say).
const SIGN_IN_RECHECK: Duration = Duration::from_secs(60);

/// How patient the worker is.
#[derive(Clone, Debug)]
pub struct WorkerSettings {
    /// Wait between operation reads when ARM sends no `Retry-After` (azure_core's default,
    /// docs/ARM_FACTS.md §8).
    pub poll_interval_without_retry_after: Duration,
    /// Give up on a create after this long (docs/ARM_FACTS.md §8: plan 30–60 min).
    pub create_timeout: Duration,
    /// Stop following the delete of a partial cluster after this long (counted on the wall
    /// clock from its owner's request, so a restart does not extend it) and report it failed;
    /// Azure may still finish it.
    pub delete_timeout: Duration,
    /// Consecutive failed reads (after the ARM client's own retries) before the job fails.
    pub max_consecutive_read_failures: u32,
    /// How long a save that fails for a reason that may pass (the database busy, locked or
    /// full) is retried before the worker stops and leaves the job to the sweep.
    pub save_patience: Duration,
    /// How often the sweep renews this replica's leases, re-attaches a task to a leased job
    /// that has none (its worker stopped on a database failure), delivers cancels recorded by
    /// other replicas, and takes over jobs whose lease expired ([`super::replica`]). Well
    /// under [`WorkerSettings::lease_ttl`].
    pub sweep_interval: Duration,
    /// How long a lease lasts unless the sweep renews it.
    pub lease_ttl: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll_interval_without_retry_after: Duration::from_secs(30),
            create_timeout: Duration::from_secs(60 * 60),
            delete_timeout: Duration::from_secs(60 * 60),
            max_consecutive_read_failures: 5,
            save_patience: Duration::from_secs(120),
            sweep_interval: LeaseTerms::DEFAULT_TTL / 3,
            lease_ttl: LeaseTerms::DEFAULT_TTL,
        }
    }
}

/// Why a job stopped short of success.
enum Stop {
    /// The job failed; save this failure.
    Failed(TaskFailure),
    /// Its owner cancelled it: take the cancel path.
    Cancelled,
    /// Azure no longer accepts its owner's sign-in: wait for them to sign in again.
    SignInRequired(SignInRequired),
    /// The row finished elsewhere (saved by someone else) or cannot be saved: stop quietly.
    Abandoned,
}

/// How far the create got on Azure, which decides what a cancel must do there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CreateOnAzure {
    /// No create was sent, or ARM refused it: nothing to abort.
    NotSent,
    /// A PUT may have reached ARM (its answer was lost, or the process died around it).
    MaybeSent,
    /// ARM accepted the create and it has not been seen to end.
    Running,
    /// The create's operation reached a terminal state.
    Ended,
}

impl CreateOnAzure {
    /// What a job read back from its row tells: an operation URL means ARM accepted the create;
    /// the creating phases without one mean the process died around the PUT.
    fn of(job: &JobRecord) -> Self {
        match (&job.operation_url, job.phase) {
            (Some(_), _) => Self::Running,
            (None, ProvisionPhase::CreatingCluster | ProvisionPhase::VerifyingCluster) => {
                Self::MaybeSent
            }
            (None, _) => Self::NotSent,
        }
    }
}

/// Runs `job` to its end, stopping when `cancel` fires. Never panics; every outcome ends in
/// the row.
pub(super) async fn run(
    store: Store,
    access: AzureAccess,
    settings: WorkerSettings,
    job: JobRecord,
    cancel: CancellationToken,
) {
    let job_id = job.job_id.clone();
    // The row as it is now: a sweep may have listed the job just before its last worker
    // finished it.
    let job = match store.job_by_id(&job_id).await {
        Ok(Some(fresh)) if fresh.finished_at_ms.is_some() => {
            tracing::info!(%job_id, "job already finished; no worker needed");
            return;
        }
        Ok(Some(fresh)) if fresh.lease_fence != job.lease_fence => {
            tracing::info!(%job_id, "the job's lease changed hands before its worker started");
            return;
        }
        Ok(Some(fresh)) => fresh,
        // Without the row as it is now, nothing may be sent to Azure on its behalf: the sweep
        // tries again once the database answers.
        Ok(None) => return,
        Err(error) => {
            tracing::warn!(%error, %job_id, "cannot read the job; leaving it to the next sweep");
            return;
        }
    };
    let mut run = JobRun {
        store,
        arm: access.for_caller(&job.owner).client,
        settings,
        create_on_azure: CreateOnAzure::of(&job),
        waiting_since: job.waiting_for_sign_in_since_ms,
        job,
        cancel,
    };
    // A job whose cancel was recorded before this worker started never starts.
    let mut outcome = if run.job.cancel_requested_at_ms.is_some() {
        Err(Stop::Cancelled)
    } else {
        run.drive().await
    };
    loop {
        outcome = match outcome {
            Ok(()) => {
                tracing::info!(%job_id, status = run.job.status.as_str(), "job finished");
                return;
            }
            Err(Stop::Abandoned) => {
                tracing::info!(%job_id, "job stopped: it finished elsewhere, or its lease changed hands");
                return;
            }
            // Saving the failure meets a cancel recorded meanwhile: the cancel wins.
            Err(Stop::Failed(failure)) => run.finish_failed(failure).await,
            Err(Stop::SignInRequired(required)) => {
                match run.wait_for_sign_in(&access, &required).await {
                    Ok(()) => run.drive().await,
                    Err(stop) => Err(stop),
                }
            }
            Err(Stop::Cancelled) => {
                run.finish_cancelled().await;
                return;
            }
        };
    }
}

struct JobRun {
    store: Store,
    /// Carries the owner's identity.
    arm: ArmClient,
    /// Since when the job has waited for its owner's sign-in, while its row says so.
    waiting_since: Option<i64>,
    settings: WorkerSettings,
    job: JobRecord,
    cancel: CancellationToken,
    create_on_azure: CreateOnAzure,
}

impl JobRun {
    async fn drive(&mut self) -> Result<(), Stop> {
        if self.job.status == TaskStatus::Pending {
            self.job.status = TaskStatus::Started;
            self.enter(ProvisionPhase::PreparingRequest, "Checking the request.")
                .await?;
        }
        let cluster = match (self.job.operation_url.clone(), self.job.phase) {
            (Some(status_url), _) => {
                let operation = OperationHandle {
                    status_url,
                    retry_after: None,
                };
                self.follow(Track::Operation(operation), Duration::ZERO)
                    .await?
            }
            (None, ProvisionPhase::CreatingCluster | ProvisionPhase::VerifyingCluster) => {
                match self.read_cluster().await? {
                    Sighting::Own(cluster) => {
                        self.create_on_azure = CreateOnAzure::Running;
                        self.absorb(&cluster);
                        self.note("Resumed: the cluster exists on Azure; following its state.")
                            .await?;
                        self.follow(Track::Cluster, Duration::ZERO).await?
                    }
                    Sighting::Foreign => {
                        self.create_on_azure = CreateOnAzure::NotSent;
                        return Err(Stop::Failed(name_taken(&self.job.request)));
                    }
                    // The job saw its own cluster before: it is gone, and a new PUT would
                    // make a second one.
                    Sighting::Absent if self.saw_its_cluster() => {
                        return Err(Stop::Failed(vanished()));
                    }
                    Sighting::Absent => {
                        self.create_on_azure = CreateOnAzure::NotSent;
                        self.create().await?
                    }
                }
            }
            (None, _) => {
                self.enter(ProvisionPhase::PreparingRequest, "Checking the request.")
                    .await?;
                self.ensure_resource_group().await?;
                self.create().await?
            }
        };
        self.verify(cluster).await
    }

    // ----- steps ----------------------------------------------------------------------------

    /// Sends the create and follows it to a terminal state.
    async fn create(&mut self) -> Result<ManagedCluster, Stop> {
        let request = self.job.request.clone();
        // The phase is saved before the PUT: a process that dies after sending it resumes by
        // reading the cluster, never by sending the PUT again.
        self.enter(
            ProvisionPhase::CreatingCluster,
            "Sending the create to Azure.",
        )
        .await?;
        let spec = ManagedClusterSpec {
            location: request.region.clone(),
            dns_prefix: request.dns_prefix(),
            kubernetes_version: request.kubernetes_version.clone(),
            pools: vec![
                NodePoolSpec {
                    name: SYSTEM_POOL_NAME.into(),
                    mode: "System".into(),
                    vm_size: request.system_vm_size.clone(),
                    count: request.system_node_count,
                },
                NodePoolSpec {
                    name: WORKER_POOL_NAME.into(),
                    mode: "User".into(),
                    vm_size: request.node_sku.clone(),
                    count: request.node_count,
                },
            ],
            tags: OwnershipMark::of(&self.job).tags(),
            zones: request.zones.clone(),
            subnet_id: request.subnet_id.clone(),
        };
        // The last moment a cancel keeps the create from reaching Azure at all.
        if self.cancel.is_cancelled() {
            return Err(Stop::Cancelled);
        }
        self.create_on_azure = CreateOnAzure::MaybeSent;
        // Not raced with the stop signal: once sent, only ARM's answer says whether a create
        // runs that a cancel must abort.
        let sent = self
            .arm
            .create_cluster(
                &request.subscription_id,
                &request.resource_group,
                &request.cluster_name,
                &spec,
            )
            .await;
        let accepted = match sent {
            Ok(accepted) => accepted,
            Err(error) => return self.after_create_not_accepted(error).await,
        };
        self.create_on_azure = CreateOnAzure::Running;
        self.job.arm_started_at_ms = Some(now_ms());
        self.job.operation_url = Some(accepted.operation.status_url.clone());
        self.absorb(&accepted.cluster);
        self.note("Azure accepted the create; waiting for the cluster.")
            .await?;
        let first_wait = accepted
            .operation
            .retry_after
            .unwrap_or(self.settings.poll_interval_without_retry_after);
        self.follow(Track::Operation(accepted.operation), first_wait)
            .await
    }

    /// The create PUT did not come back accepted. A refusal (4xx but 412) is the job's failure,
    /// with nothing to abort. Otherwise ARM may have started this job's create: a 5xx (a 504
    /// gateway timeout above all) or a lost or unreadable answer can come after ARM accepted
    /// it, and a 412 means a cluster with the name exists, which may be this job's own when an
    /// earlier answer was lost. So the cluster is read: the job's own (it carries the job's
    /// mark) is followed; someone else's is never touched (docs/PRODUCT.md §4).
    async fn after_create_not_accepted(
        &mut self,
        error: ArmClientError,
    ) -> Result<ManagedCluster, Stop> {
        let maybe_started = match &error {
            ArmClientError::Arm(refusal) => refusal.status == 412 || refusal.status >= 500,
            ArmClientError::Transport(_) | ArmClientError::Decode(_) => true,
            ArmClientError::Credential(_)
            | ArmClientError::SignInRequired(_)
            | ArmClientError::UntrustedUrl(_) => false,
        };
        if !maybe_started {
            self.create_on_azure = CreateOnAzure::NotSent;
            return Err(azure_failure(error));
        }
        tracing::warn!(%error, job_id = %self.job.job_id, "create not accepted as sent; reading the cluster");
        match self.look_for_unconfirmed_create().await? {
            Sighting::Own(cluster) => {
                self.create_on_azure = CreateOnAzure::Running;
                self.absorb(&cluster);
                self.note("Azure's answer to the create was lost, but the cluster exists with this attempt's mark; following it.")
                    .await?;
                self.follow(Track::Cluster, Duration::ZERO).await
            }
            Sighting::Foreign => {
                self.create_on_azure = CreateOnAzure::NotSent;
                Err(Stop::Failed(name_taken(&self.job.request)))
            }
            // Still nothing after the patient look: the create did not take. The portal link
            // stays, so the owner can check for themselves.
            Sighting::Absent => {
                self.create_on_azure = CreateOnAzure::NotSent;
                self.job.portal_url = Some(cluster_portal_url(&self.job.request));
                Err(azure_failure(error))
            }
        }
    }

    /// Reads the cluster after a create that may have started, patiently: ARM can answer a 504
    /// before the resource provider has recorded the cluster, so an absent cluster (or a failed
    /// read) is read again, [`UNCONFIRMED_CREATE_READS`] times in all at the follower's pace,
    /// before the create counts as not taken.
    async fn look_for_unconfirmed_create(&self) -> Result<Sighting, Stop> {
        let wait = self
            .settings
            .poll_interval_without_retry_after
            .min(UNCONFIRMED_CREATE_WAIT);
        let mut reads = 1;
        loop {
            let read = self
                .unless_cancelled(OwnershipMark::of(&self.job).read(&self.arm, &self.job))
                .await?;
            match read {
                Ok(Sighting::Absent) | Err(_) if reads < UNCONFIRMED_CREATE_READS => {
                    reads += 1;
                    self.unless_cancelled(tokio::time::sleep(wait)).await?;
                }
                Ok(sighting) => return Ok(sighting),
                Err(error) => return Err(azure_failure(error)),
            }
        }
    }

    /// Whether the job has seen its own cluster on Azure (it recorded its state or resourceUID).
    fn saw_its_cluster(&self) -> bool {
        self.job.cluster_state.is_some() || self.job.cluster_resource_uid.is_some()
    }

    /// Follows the create on Azure (its operation, or the cluster itself when no operation is
    /// known) until it ends; returns the cluster as read after it succeeded.
    async fn follow(&mut self, track: Track, first_wait: Duration) -> Result<ManagedCluster, Stop> {
        self.ensure_creating_phase();
        let started_at_ms = *self.job.arm_started_at_ms.get_or_insert_with(now_ms);
        let mut follower = Follower::new(
            self.arm.clone(),
            &self.job,
            Goal::Create,
            Pacing {
                default_interval: self.settings.poll_interval_without_retry_after,
                max_failures: self.settings.max_consecutive_read_failures,
            },
            self.cancel.clone(),
            Deadline::after(started_at_ms, self.settings.create_timeout),
        );
        let ended = follower.follow(track, first_wait, self).await?;
        let failure = match ended {
            Ended::Succeeded(Some(cluster)) => {
                self.create_on_azure = CreateOnAzure::Ended;
                return Ok(cluster);
            }
            Ended::Succeeded(None) => {
                self.create_on_azure = CreateOnAzure::Ended;
                TaskFailure {
                    classification: None,
                    code: "ResourceNotFound".into(),
                    message: "Azure reported the create as done, but the cluster cannot be found."
                        .into(),
                    raw: String::new(),
                }
            }
            // A Canceled create after its owner's cancel ends REVOKED, not failed: saving this
            // failure meets the recorded cancel (see `run`).
            Ended::OperationFailed(poll) => {
                self.create_on_azure = CreateOnAzure::Ended;
                operation_failure(&poll)
            }
            Ended::ClusterSettled(cluster) => {
                self.create_on_azure = CreateOnAzure::Ended;
                TaskFailure {
                    classification: None,
                    code: format!("Cluster{}", cluster.provisioning_state()),
                    message: format!(
                        "Azure reports the cluster as {}.",
                        cluster.provisioning_state()
                    ),
                    raw: String::new(),
                }
            }
            Ended::Vanished => vanished(),
        };
        Err(Stop::Failed(failure))
    }

    async fn verify(&mut self, cluster: ManagedCluster) -> Result<(), Stop> {
        self.absorb(&cluster);
        self.enter(
            ProvisionPhase::VerifyingCluster,
            "Azure reports the create as done; checking the cluster.",
        )
        .await?;
        let cluster = self.read_cluster().await?.own().unwrap_or(cluster);
        self.absorb(&cluster);
        let state = OperationState::parse(cluster.provisioning_state());
        if state != OperationState::Succeeded {
            return Err(Stop::Failed(TaskFailure {
                classification: None,
                code: format!("Cluster{}", cluster.provisioning_state()),
                message: format!(
                    "The operation succeeded but the cluster is {}.",
                    cluster.provisioning_state()
                ),
                raw: String::new(),
            }));
        }
        self.job.status = TaskStatus::Success;
        self.job.result = Some(ProvisionResult {
            cluster: cluster.summary(),
        });
        self.job.finished_at_ms = Some(now_ms());
        self.enter(
            ProvisionPhase::Done,
            &format!("Cluster {} is ready.", self.job.request.cluster_name),
        )
        .await
    }

    // ----- bookkeeping ----------------------------------------------------------------------

    /// Moves to `phase` (and its step) and saves.
    async fn enter(&mut self, phase: ProvisionPhase, message: &str) -> Result<(), Stop> {
        self.job.phase = phase;
        if let Some(step) = phase.step() {
            self.job.step = step;
        }
        self.note(message).await
    }

    /// Says (once) that the owner must sign in again, then waits for a sign-in, the recheck
    /// interval, or the stop signal. The waiting mark is cleared in memory for the next try,
    /// whose first save clears it in the row; a try refused again restores it as it was.
    async fn wait_for_sign_in(
        &mut self,
        access: &AzureAccess,
        required: &SignInRequired,
    ) -> Result<(), Stop> {
        match self.waiting_since {
            Some(since) => self.job.waiting_for_sign_in_since_ms = Some(since),
            None => {
                tracing::warn!(job_id = %self.job.job_id, %required, "the owner must sign in again; the job waits");
                let since = now_ms();
                self.waiting_since = Some(since);
                self.job.waiting_for_sign_in_since_ms = Some(since);
                let message = format!(
                    "Waiting for {} to sign in again: Azure no longer accepts their sign-in ({}). The create continues once they do.",
                    self.job.owner.display_name, required.reason
                );
                self.note(&message).await?;
            }
        }
        tokio::select! {
            () = self.cancel.cancelled() => return Err(Stop::Cancelled),
            () = access.next_sign_in(SIGN_IN_RECHECK) => {}
        }
        self.job.waiting_for_sign_in_since_ms = None;
        Ok(())
    }

    /// A resumed job re-enters step 3 whatever phase it was saved in.
    fn ensure_creating_phase(&mut self) {
        self.job.phase = ProvisionPhase::CreatingCluster;
        self.job.step = 3;
    }

    /// Saves `message` with everything learnt since the last save.
    async fn note(&mut self, message: &str) -> Result<(), Stop> {
        self.job.message = message.to_owned();
        if matches!(self.job.status, TaskStatus::Started)
            && self.job.phase != ProvisionPhase::PreparingRequest
        {
            self.job.status = TaskStatus::Progress;
        }
        self.save().await
    }

    /// Saves the job, retrying while the database may recover ([`patient_writes`]).
    async fn save(&mut self) -> Result<(), Stop> {
        self.job.updated_at_ms = now_ms();
        let (store, job) = (&self.store, &self.job);
        let saved = retrying(self.settings.save_patience, "save job", || {
            store.save_job(job)
        })
        .await;
        match saved {
            Ok(SaveOutcome::Saved) => {
                // The row now says whether the job waits for its owner's sign-in.
                if self.job.waiting_for_sign_in_since_ms.is_none() {
                    self.waiting_since = None;
                }
                Ok(())
            }
            Ok(SaveOutcome::CancelRequested) => Err(Stop::Cancelled),
            Ok(SaveOutcome::Finished) => Err(Stop::Abandoned),
            Ok(SaveOutcome::LeaseLost) => {
                tracing::warn!(job_id = %self.job.job_id, "lease lost: another replica works on the job now");
                Err(Stop::Abandoned)
            }
            Err(error) => {
                // Without the row nobody can follow the job; stop rather than work unseen. The
                // job stays unfinished: the sweep re-attaches it once the database answers.
                tracing::error!(%error, job_id = %self.job.job_id, "cannot save job progress");
                Err(Stop::Abandoned)
            }
        }
    }

    /// Saves the failure; a cancel recorded meanwhile refuses it (`Err(Stop::Cancelled)`).
    async fn finish_failed(&mut self, failure: TaskFailure) -> Result<(), Stop> {
        tracing::warn!(job_id = %self.job.job_id, code = %failure.code, "job failed");
        self.job.status = TaskStatus::Failure;
        self.job.phase = ProvisionPhase::Failed;
        self.job.message = failure.message.clone();
        self.job.error = Some(failure);
        self.job.finished_at_ms = Some(now_ms());
        // If this save fails the job resumes at the next start; nothing more can be done here.
        self.save().await
    }

    /// Copies the cluster's and pools' states into the job.
    fn absorb(&mut self, cluster: &ManagedCluster) {
        absorb_cluster(&mut self.job, cluster);
    }

    /// Reads the cluster the job names, judged by the job's mark.
    async fn read_cluster(&self) -> Result<Sighting, Stop> {
        self.unless_cancelled(OwnershipMark::of(&self.job).read(&self.arm, &self.job))
            .await?
            .map_err(azure_failure)
    }

    /// `work`'s result, unless the job's stop signal fires first: then `work` is dropped at once
    /// (only reads, waits and the resource group PUT are passed here).
    async fn unless_cancelled<T>(&self, work: impl Future<Output = T>) -> Result<T, Stop> {
        tokio::select! {
            biased;
            () = self.cancel.cancelled() => Err(Stop::Cancelled),
            value = work => Ok(value),
        }
    }
}

/// What the worker does with each read of the create's progress: copy it into the row and save.
impl Observer for JobRun {
    type Stop = Stop;

    async fn operation_read(
        &mut self,
        poll: &OperationPoll,
        cluster: Option<&ManagedCluster>,
    ) -> Result<(), Stop> {
        self.job.percent_complete = poll.percent_complete;
        if let Some(cluster) = cluster {
            self.absorb(cluster);
        }
        if let OperationState::Running(status) = &poll.state {
            let state = self.job.cluster_state.clone().unwrap_or_default();
            self.note(&format!("Azure: cluster {state}, operation {status}."))
                .await?;
        }
        Ok(())
    }

    async fn cluster_read(&mut self, cluster: &ManagedCluster) -> Result<(), Stop> {
        self.absorb(cluster);
        if let OperationState::Running(state) = OperationState::parse(cluster.provisioning_state())
        {
            self.note(&format!("Azure: cluster {state}.")).await?;
        }
        Ok(())
    }

    async fn read_failed(&mut self, _failures: u32) -> Result<(), Stop> {
        self.note("Azure did not answer a progress read; retrying.")
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::caller::Caller;
    use shared::provision::ProvisionRequest;

    fn job(phase: ProvisionPhase, operation_url: Option<&str>) -> JobRecord {
        JobRecord {
            job_id: "j".into(),
            task_id: "t".into(),
            owner: Caller {
                object_id: "o".into(),
                display_name: "O".into(),
                ..Caller::default()
            },
            request: ProvisionRequest::default(),
            status: TaskStatus::Progress,
            phase,
            step: phase.step().unwrap_or(0),
            message: String::new(),
            created_at_ms: 0,
            updated_at_ms: 0,
            arm_started_at_ms: None,
            finished_at_ms: None,
            operation_url: operation_url.map(str::to_owned),
            resource_group_created: false,
            cluster_state: None,
            cluster_resource_uid: None,
            pools: vec![],
            portal_url: None,
            percent_complete: None,
            error: None,
            result: None,
            waiting_for_sign_in_since_ms: None,
            cancel_requested_at_ms: Some(1),
            cancelled_by: Some(shared::admin::CancelActor::default()),
            deletion: None,
            lease_holder: None,
            lease_fence: 1,
        }
    }

    #[test]
    fn a_resumed_cancel_aborts_only_what_may_have_reached_azure() {
        let cases = [
            (ProvisionPhase::Queued, None, CreateOnAzure::NotSent),
            (
                ProvisionPhase::PreparingRequest,
                None,
                CreateOnAzure::NotSent,
            ),
            (
                ProvisionPhase::EnsuringResourceGroup,
                None,
                CreateOnAzure::NotSent,
            ),
            // Saved just before the PUT: the process may have died with it in flight.
            (
                ProvisionPhase::CreatingCluster,
                None,
                CreateOnAzure::MaybeSent,
            ),
            (
                ProvisionPhase::VerifyingCluster,
                None,
                CreateOnAzure::MaybeSent,
            ),
            (
                ProvisionPhase::CreatingCluster,
                Some("https://arm/op"),
                CreateOnAzure::Running,
            ),
            (
                ProvisionPhase::VerifyingCluster,
                Some("https://arm/op"),
                CreateOnAzure::Running,
            ),
        ];
        for (phase, operation_url, expected) in cases {
            assert_eq!(
                CreateOnAzure::of(&job(phase, operation_url)),
                expected,
                "{phase:?} {operation_url:?}"
            );
        }
    }
}
