//! The provisioning service: the one place creates start, are read back and resume.
//!
//! `POST /api/aks/provision` and the UI's `start_provision` server function both call
//! [`Provisioning::start`], which validates the request, writes the job row and only then hands
//! the job to a worker task in this process ([`worker`]). Reads check that the caller owns the
//! job. At start-up [`Provisioning::resume_unfinished`] restarts the worker of every job a
//! previous process left unfinished; the worker resumes from what the row holds.
//!
//! One process runs the workers. With several replicas (PostgreSQL, later) a job needs a lease
//! so that exactly one replica resumes it; the row is ready for that, the lease is not built.

mod worker;

use crate::arm::ArmClient;
use crate::store::{InsertOutcome, JobRecord, NewJob, Store, StoreError};
use app::error::AppError;
use shared::caller::Caller;
use shared::portal::{managed_cluster_id, portal_resource_url};
use shared::progress::{ProvisionAccepted, ProvisionProgress, TOTAL_STEPS, TaskView};
use shared::provision::ProvisionRequest;
use std::sync::Arc;
use std::time::Duration;

pub use worker::WorkerSettings;

/// Creates, reads and resumes provisioning jobs.
#[derive(Clone)]
pub struct Provisioning {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    arm: ArmClient,
    settings: WorkerSettings,
}

/// Task ids are UUIDs; anything much longer is not one of ours and is not looked up.
const MAX_TASK_ID_LEN: usize = 64;

impl Provisioning {
    /// A service over `store` and `arm`.
    pub fn new(store: Store, arm: ArmClient, settings: WorkerSettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                arm,
                settings,
            }),
        }
    }

    /// Validates `request`, writes the job, then starts its worker. A submit for a cluster whose
    /// job is still running answers that job when it is the caller's (a double click), and a
    /// conflict when it is someone else's.
    #[tracing::instrument(skip_all, err, fields(caller = %caller.object_id))]
    pub async fn start(
        &self,
        caller: &Caller,
        request: ProvisionRequest,
    ) -> Result<ProvisionAccepted, AppError> {
        let request = request.normalized();
        request.validate().map_err(|error| AppError::Validation {
            field: error.field,
            message: error.message,
        })?;
        let job = NewJob {
            job_id: uuid::Uuid::new_v4().to_string(),
            task_id: uuid::Uuid::new_v4().to_string(),
            owner: caller.clone(),
            request,
            created_at_ms: now_ms(),
        };
        let outcome = self.inner.store.insert_job(&job).await.map_err(internal)?;
        let (record, reused) = match outcome {
            InsertOutcome::Inserted(record) => {
                tracing::info!(job_id = %record.job_id, cluster = %record.request.cluster_name, "job queued");
                self.spawn(record.clone());
                (record, false)
            }
            InsertOutcome::AlreadyRunning(record) if record.owner.object_id == caller.object_id => {
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
    ) -> Result<Option<ProvisionAccepted>, AppError> {
        match self
            .inner
            .store
            .running_job_for(&request.clone().normalized())
            .await
            .map_err(internal)?
        {
            None => Ok(None),
            Some(record) if record.owner.object_id == caller.object_id => {
                Ok(Some(accepted(record, true)))
            }
            Some(record) => Err(someone_elses(&record.request)),
        }
    }

    /// The caller's task: `Forbidden` when it belongs to someone else, `NotFound` when there is
    /// no such task.
    #[tracing::instrument(skip_all, err, fields(caller = %caller.object_id))]
    pub async fn task(&self, caller: &Caller, task_id: &str) -> Result<TaskView, AppError> {
        let not_found = || AppError::NotFound(format!("No task with id {task_id:?}."));
        if task_id.is_empty() || task_id.len() > MAX_TASK_ID_LEN {
            return Err(not_found());
        }
        let job = self
            .inner
            .store
            .job_by_task(task_id)
            .await
            .map_err(internal)?
            .ok_or_else(not_found)?;
        if job.owner.object_id != caller.object_id {
            return Err(AppError::Forbidden(
                "This task belongs to another user.".into(),
            ));
        }
        Ok(task_view(&job, now_ms()))
    }

    /// The caller's unfinished tasks, oldest first.
    #[tracing::instrument(skip_all, err, fields(caller = %caller.object_id))]
    pub async fn running(&self, caller: &Caller) -> Result<Vec<TaskView>, AppError> {
        let now = now_ms();
        Ok(self
            .inner
            .store
            .unfinished_jobs_of(&caller.object_id)
            .await
            .map_err(internal)?
            .iter()
            .map(|job| task_view(job, now))
            .collect())
    }

    /// Restarts the worker of every unfinished job; returns how many.
    pub async fn resume_unfinished(&self) -> Result<usize, StoreError> {
        let jobs = self.inner.store.unfinished_jobs().await?;
        let count = jobs.len();
        for job in jobs {
            tracing::info!(job_id = %job.job_id, phase = job.phase.as_str(), "resuming job");
            self.spawn(job);
        }
        Ok(count)
    }

    fn spawn(&self, job: JobRecord) {
        let inner = Arc::clone(&self.inner);
        tokio::spawn(async move {
            worker::run(
                inner.store.clone(),
                inner.arm.clone(),
                inner.settings.clone(),
                job,
            )
            .await;
        });
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
fn someone_elses(request: &ProvisionRequest) -> AppError {
    AppError::Conflict(format!(
        "Another user's create of cluster {} in resource group {} is still running.",
        request.cluster_name, request.resource_group
    ))
}

fn internal(error: StoreError) -> AppError {
    tracing::error!(%error, "job store failed");
    AppError::Internal
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
    };
    TaskView {
        task_id: job.task_id.clone(),
        job_id: job.job_id.clone(),
        status: job.status,
        ready: job.status.is_finished(),
        progress: Some(progress),
        result: job.result.clone(),
        error: job.error.clone(),
    }
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
    use shared::progress::{ProvisionPhase, TaskStatus};

    fn job() -> JobRecord {
        JobRecord {
            job_id: "j".into(),
            task_id: "t".into(),
            owner: Caller {
                object_id: "o".into(),
                display_name: "O".into(),
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
            pools: vec![],
            portal_url: None,
            percent_complete: None,
            error: None,
            result: None,
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
    fn a_clock_step_backwards_reads_as_zero_not_a_negative_time() {
        let view = task_view(&job(), 5_000);
        assert_eq!(view.progress.expect("progress").elapsed_seconds, 0);
    }
}
