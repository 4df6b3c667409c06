//! The administrator's view (issue 15): every user's running jobs and recent failed creates,
//! each with its owner, for a caller holding the `Dashboard.Admin` app role; anyone else is
//! refused with `Forbidden`, so the list never reaches them, whatever the UI shows.
//!
//! The failures use the owner's history window and limit (docs/PRODUCT.md §7) but ignore the
//! owners' Dismiss (see [`crate::store`]'s admin reads). Unlike the owner's history, which is
//! best effort, an unreadable store is an error here: an administrator deciding what to stop
//! must not be shown an empty list that looks like "nothing runs".

use super::{Provisioning, now_ms, task_view};
use crate::error::ServiceError;
use crate::store::JobRecord;
use shared::admin::{ADMIN_ONLY_MESSAGE, AdminJob, AdminJobs, JobOwner};
use shared::caller::Caller;
use shared::error_card::FailedAttempt;
use shared::last_failure::HistoryWindow;

/// The most running jobs one answer lists (oldest first). Each user may run only a few creates
/// at once (`MAX_RUNNING_JOBS`), so this is reached only by a large team.
const MAX_RUNNING_LISTED: i64 = 200;

impl Provisioning {
    /// Every user's unfinished jobs, oldest first, and every user's creates that failed within
    /// `window`, newest first, for an administrator; `Forbidden` for anyone else.
    #[tracing::instrument(skip_all, err, fields(caller = %caller.object_id))]
    pub async fn every_users_jobs(
        &self,
        caller: &Caller,
        window: HistoryWindow,
    ) -> Result<AdminJobs, ServiceError> {
        if !caller.is_admin() {
            return Err(ServiceError::Forbidden(ADMIN_ONLY_MESSAGE.into()));
        }
        let now = now_ms();
        let store = &self.inner.store;
        let (running, failed) = tokio::try_join!(
            store.every_users_unfinished_jobs(MAX_RUNNING_LISTED),
            store.every_users_recent_failures(window.since_ms(now), window.limit()),
        )?;
        Ok(AdminJobs {
            running: running.iter().map(|job| admin_job(job, now)).collect(),
            failed: failed.iter().map(|job| admin_job(job, now)).collect(),
        })
    }
}

/// `job` as the administrator's lists show it at `now`.
fn admin_job(job: &JobRecord, now: i64) -> AdminJob {
    let task = task_view(job, now);
    AdminJob {
        owner: JobOwner::from(&job.owner),
        created_at_ms: job.created_at_ms,
        finished_at_ms: job.finished_at_ms,
        category: FailedAttempt::of_task(&task).map(|attempt| attempt.classification.category),
        task,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provisioning::tests::{job, quota_exceeded};
    use shared::classify::Category;
    use shared::progress::TaskStatus;

    #[test]
    fn a_listed_job_carries_its_owner_and_a_failure_its_category() {
        let running = admin_job(&job(), 20_000);
        assert_eq!(running.owner.display_name, "O");
        assert_eq!(running.owner.object_id, "o");
        assert_eq!(running.created_at_ms, 10_000);
        assert_eq!(running.category, None);
        assert_eq!(running.cluster_name(), "aks-a");

        let mut failed = job();
        failed.status = TaskStatus::Failure;
        failed.finished_at_ms = Some(15_000);
        failed.error = Some(quota_exceeded());
        let failed = admin_job(&failed, 20_000);
        assert_eq!(failed.category, Some(Category::Quota));
        assert_eq!(failed.finished_at_ms, Some(15_000));
    }
}
