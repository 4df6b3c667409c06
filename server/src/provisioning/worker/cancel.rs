//! The worker's cancel path (docs/PRODUCT.md §5): what it does on Azure once its owner cancelled,
//! and the REVOKED end it writes.
//!
//! - The create never reached Azure (a queued job, or a cancel before the PUT): nothing more is
//!   sent to Azure.
//! - ARM accepted the create, or may have: a read first checks that the cluster is the job's
//!   own ([`ownership`](crate::provisioning::ownership)); only then one *abort latest
//!   operation* (docs/ARM_FACTS.md §1).
//!   202/204 → Azure moves the cluster to Canceling, then Canceled; 409 → the create had already
//!   ended; 404 → no cluster exists. Then one bounded read records the cluster's state.
//! - The worker had already seen the create's operation end: only the read.
//!
//! When an administrator stopped another user's job, its closing message and its failure message
//! both say so ("Stopped by an administrator, Dana Admin"), so history, other devices and scripts
//! read it from the job itself. The worker learns who stopped it from the row: a running worker
//! is only signalled, so its own copy of the job does not know.
//!
//! The job is not held open until Azure reports Canceled (seconds to minutes on Azure): the row
//! keeps the state read, the portal URL whenever a cluster exists, and a message saying that
//! part of the cluster may remain, which is what the UI needs to offer the portal link.

use super::{CreateOnAzure, JobRun};
use crate::arm::{AbortOutcome, ArmClientError};
use crate::error::shown_to_users;
use crate::provisioning::ownership::{OwnershipMark, Sighting};
use crate::provisioning::patient_writes::retrying;
use crate::provisioning::{cluster_portal_url, forget_cluster, now_ms};
use crate::store::SaveOutcome;
use shared::admin::{CancelActor, StoppedBy, cancelled_message, with_stopped_by};
use shared::progress::{CANCELLED_CODE, ProvisionPhase, TaskFailure, TaskStatus};
use std::time::Duration;

/// How long the cluster read after an abort may take before the job ends without it.
const CLUSTER_READ_AFTER_CANCEL: Duration = Duration::from_secs(2);

/// How long the read that checks the cluster is the job's own may take before the abort is
/// given up (it covers the ARM client's retries of a throttled or failed read).
const CLUSTER_CHECK_BEFORE_ABORT: Duration = Duration::from_secs(10);

impl JobRun {
    /// Stops the create on Azure as far as it got there, then writes the REVOKED end.
    pub(super) async fn finish_cancelled(&mut self) {
        let job_id = self.job.job_id.clone();
        tracing::info!(%job_id, create = ?self.create_on_azure, "cancelling");
        let message = match self.create_on_azure {
            CreateOnAzure::NotSent => self.nothing_sent_message(),
            CreateOnAzure::MaybeSent | CreateOnAzure::Running => self.abort_create().await,
            CreateOnAzure::Ended => {
                self.record_cluster().await;
                self.already_ended_message()
            }
        };
        let stopped_by = self.stopped_by().await;
        self.job.status = TaskStatus::Revoked;
        self.job.phase = ProvisionPhase::CancelledByUser;
        self.job.message = with_stopped_by(&message, stopped_by.as_ref());
        self.job.error = Some(TaskFailure {
            classification: None,
            code: CANCELLED_CODE.into(),
            message: cancelled_message(stopped_by.as_ref()),
            raw: String::new(),
        });
        self.job.result = None;
        let now = now_ms();
        self.job.updated_at_ms = now;
        self.job.finished_at_ms = Some(now);
        let (store, job) = (&self.store, &self.job);
        let saved = retrying(self.settings.save_patience, "save cancelled job", || {
            store.finish_cancelled_job(job)
        })
        .await;
        match saved {
            Ok(SaveOutcome::Saved) => tracing::info!(%job_id, "job cancelled"),
            Ok(SaveOutcome::Finished | SaveOutcome::CancelRequested) => {
                tracing::info!(%job_id, "cancel not saved: the row finished elsewhere");
            }
            Ok(SaveOutcome::LeaseLost) => {
                tracing::warn!(%job_id, "cancel not saved: another replica holds the job's lease now");
            }
            Err(error) => {
                // The row keeps its cancel request: the sweep completes the cancel.
                tracing::error!(%error, %job_id, "cannot save the cancelled job");
            }
        }
    }

    /// Who stopped the job, as its row recorded it. A worker that was only signalled reads the
    /// row once; when that read fails the job ends in its owner's words (its task still names
    /// the administrator, from the row's actor columns).
    async fn stopped_by(&mut self) -> Option<StoppedBy> {
        if self.job.cancelled_by.is_none() {
            match self.store.job_by_id(&self.job.job_id).await {
                Ok(Some(row)) => self.job.cancelled_by = row.cancelled_by,
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(%error, job_id = %self.job.job_id, "cannot read who cancelled the job");
                }
            }
        }
        self.job.cancelled_by.as_ref().map(CancelActor::stopped_by)
    }

    /// Sends the abort, when the cluster is the job's own; answers the job's closing message.
    async fn abort_create(&mut self) -> String {
        let request = self.job.request.clone();
        let name = &request.cluster_name;
        let check = tokio::time::timeout(
            CLUSTER_CHECK_BEFORE_ABORT,
            OwnershipMark::of(&self.job).read(&self.arm, &self.job),
        )
        .await;
        match check {
            Ok(Ok(Sighting::Own(cluster))) => self.absorb(&cluster),
            Ok(Ok(Sighting::Absent)) => {
                self.forget_cluster();
                return format!(
                    "Cancelled before Azure created anything: there is no cluster {name}."
                );
            }
            Ok(Ok(Sighting::Foreign)) => {
                self.forget_cluster();
                return format!(
                    "Cancelled. Azure has a cluster {name}, but it was not created by this \
                     attempt, so nothing was sent to it; this attempt left no cluster."
                );
            }
            Ok(Err(error)) => return self.abort_not_sent(&shown_to_users(&error)),
            Err(_) => return self.abort_not_sent("Azure did not answer in time"),
        }
        let abort = self
            .arm
            .abort_latest_operation(&request.subscription_id, &request.resource_group, name)
            .await;
        match abort {
            Ok(AbortOutcome::Aborting(_) | AbortOutcome::Aborted) => {
                tracing::info!(job_id = %self.job.job_id, "abort sent to Azure");
                self.record_cluster().await;
                format!(
                    "Cancelled. Azure is stopping the create: cluster {name} is {}. Part of the \
                     cluster may already exist on Azure and may need deleting; see it in the \
                     Azure portal.",
                    self.cluster_state()
                )
            }
            Ok(AbortOutcome::NothingToAbort(conflict)) => {
                tracing::info!(job_id = %self.job.job_id, code = %conflict.code, "nothing to abort: the create had ended");
                self.create_on_azure = CreateOnAzure::Ended;
                self.record_cluster().await;
                self.already_ended_message()
            }
            Err(ArmClientError::Arm(missing)) if missing.status == 404 => {
                self.forget_cluster();
                format!("Cancelled before Azure created anything: there is no cluster {name}.")
            }
            Err(error) => {
                self.record_cluster().await;
                self.abort_not_sent(&shown_to_users(&error))
            }
        }
    }

    /// The closing message when no abort reached Azure because of `reason`.
    fn abort_not_sent(&mut self, reason: &str) -> String {
        tracing::warn!(%reason, job_id = %self.job.job_id, "the abort could not be sent");
        let request = &self.job.request;
        self.job
            .portal_url
            .get_or_insert_with(|| cluster_portal_url(request));
        format!(
            "Cancelled, but the abort could not be sent to Azure ({reason}); the create of \
             cluster {} may still be running. Check it in the Azure portal.",
            request.cluster_name
        )
    }

    /// Reads the cluster once, within [`CLUSTER_READ_AFTER_CANCEL`], into the job; keeps what
    /// the job last knew when the read fails.
    async fn record_cluster(&mut self) {
        let read = tokio::time::timeout(
            CLUSTER_READ_AFTER_CANCEL,
            OwnershipMark::of(&self.job).read(&self.arm, &self.job),
        )
        .await;
        match read {
            Ok(Ok(Sighting::Own(cluster))) => self.absorb(&cluster),
            Ok(Ok(Sighting::Foreign | Sighting::Absent)) => self.forget_cluster(),
            Ok(Err(error)) => {
                tracing::warn!(%error, job_id = %self.job.job_id, "cluster unreadable after the cancel");
            }
            Err(_) => {
                tracing::warn!(job_id = %self.job.job_id, "cluster read after the cancel timed out");
            }
        }
    }

    /// No cluster exists: nothing to link to.
    fn forget_cluster(&mut self) {
        forget_cluster(&mut self.job);
    }

    fn cluster_state(&self) -> &str {
        self.job
            .cluster_state
            .as_deref()
            .unwrap_or("in an unknown state")
    }

    fn nothing_sent_message(&self) -> String {
        let request = &self.job.request;
        if self.job.resource_group_created {
            format!(
                "Cancelled before the create was sent to Azure. Resource group {} was created \
                 for it and is left in place.",
                request.resource_group
            )
        } else {
            "Cancelled before the create was sent to Azure; nothing was created.".into()
        }
    }

    fn already_ended_message(&self) -> String {
        match self.job.cluster_state {
            Some(_) => format!(
                "Cancelled, but Azure had already finished the create: cluster {} is {}. It \
                 exists on Azure and may need deleting; see it in the Azure portal.",
                self.job.request.cluster_name,
                self.cluster_state()
            ),
            None => format!(
                "Cancelled; Azure had already ended the create and there is no cluster {}.",
                self.job.request.cluster_name
            ),
        }
    }
}
