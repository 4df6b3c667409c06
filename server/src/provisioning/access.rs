//! Who may act on a job: its owner always; an administrator (the `Dashboard.Admin` app role)
//! may also read it and cancel it, never make the owner's other writes (Delete partial cluster,
//! Dismiss; docs/PRODUCT.md §5). A refusal is `Forbidden` with nothing of the job in it, an
//! unknown (or absurd) id `NotFound`.

use super::Provisioning;
use crate::error::ServiceError;
use crate::store::JobRecord;
use shared::caller::Caller;

/// Task and job ids are UUIDs; anything much longer is not one of ours and is not looked up.
const MAX_ID_LEN: usize = 64;

impl Provisioning {
    /// The caller's job with `task_id`: `NotFound` for an id with no job (or one too long to be
    /// ours), `Forbidden`, with nothing of the job, when it belongs to someone else, even for an
    /// administrator (the writes only an owner may make).
    pub(super) async fn owned_job(
        &self,
        caller: &Caller,
        task_id: &str,
    ) -> Result<JobRecord, ServiceError> {
        self.owned(caller, JobIdKind::Task, task_id, Access::Owner)
            .await
    }

    /// The job with `task_id` when the caller owns it or is an administrator (task reads and
    /// cancels); otherwise as [`Provisioning::owned_job`].
    pub(super) async fn visible_job(
        &self,
        caller: &Caller,
        task_id: &str,
    ) -> Result<JobRecord, ServiceError> {
        self.owned(caller, JobIdKind::Task, task_id, Access::OwnerOrAdmin)
            .await
    }

    /// The caller's job with row id `job_id`, with the same rule as [`Provisioning::owned_job`].
    pub(super) async fn owned_job_by_id(
        &self,
        caller: &Caller,
        job_id: &str,
    ) -> Result<JobRecord, ServiceError> {
        self.owned(caller, JobIdKind::Row, job_id, Access::Owner)
            .await
    }

    /// The ownership rule of [`Provisioning::owned_job`] for either kind of id, letting an
    /// administrator through where `access` says so.
    async fn owned(
        &self,
        caller: &Caller,
        kind: JobIdKind,
        id: &str,
        access: Access,
    ) -> Result<JobRecord, ServiceError> {
        let noun = match kind {
            JobIdKind::Task => "task",
            JobIdKind::Row => "job",
        };
        let not_found = || ServiceError::NotFound(format!("No {noun} with id {id:?}."));
        if id.is_empty() || id.len() > MAX_ID_LEN {
            return Err(not_found());
        }
        let store = &self.inner.store;
        let found = match kind {
            JobIdKind::Task => store.job_by_task(id).await,
            JobIdKind::Row => store.job_by_id(id).await,
        };
        let job = found?.ok_or_else(not_found)?;
        let admitted =
            caller.is(&job.owner) || (access == Access::OwnerOrAdmin && caller.is_admin());
        if !admitted {
            return Err(ServiceError::Forbidden(format!(
                "This {noun} belongs to another user."
            )));
        }
        Ok(job)
    }
}

/// Which id a caller named a job by.
#[derive(Clone, Copy)]
enum JobIdKind {
    /// The task id (task reads, cancel, delete).
    Task,
    /// The row's job id (the failure history's Dismiss).
    Row,
}

/// Who may act on a job.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Its owner alone (Delete partial cluster, Dismiss).
    Owner,
    /// Its owner, or a caller holding the `Dashboard.Admin` app role (read, cancel).
    OwnerOrAdmin,
}
