//! The caller's activity list (issue 19): their jobs of every status submitted within a
//! window, newest first, each as a task read answers it (a failure classified), with when it
//! was submitted and when it ended. Only ever the caller's own jobs, administrator or not: the
//! administrator's view of everyone's is [`super::admin_view`].

use super::{Provisioning, now_ms, task_view};
use crate::error::ServiceError;
use crate::store::JobRecord;
use shared::activity::RecentJob;
use shared::caller::Caller;
use shared::last_failure::HistoryWindow;

impl Provisioning {
    /// The caller's jobs submitted within `window`, newest first, at most its limit.
    #[tracing::instrument(skip_all, err, fields(caller = %caller.object_id))]
    pub async fn recent_jobs(
        &self,
        caller: &Caller,
        window: HistoryWindow,
    ) -> Result<Vec<RecentJob>, ServiceError> {
        let now = now_ms();
        let jobs = self
            .inner
            .store
            .recent_jobs_of(caller, window.since_ms(now), window.limit())
            .await?;
        Ok(jobs.iter().map(|job| recent_job(job, now)).collect())
    }
}

/// `job` as the activity list shows it at `now`.
fn recent_job(job: &JobRecord, now: i64) -> RecentJob {
    RecentJob {
        created_at_ms: job.created_at_ms,
        finished_at_ms: job.finished_at_ms,
        task: task_view(job, now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provisioning::tests::{job, quota_exceeded};
    use shared::classify::Category;
    use shared::progress::TaskStatus;

    #[test]
    fn a_listed_job_keeps_its_times_and_a_failure_its_classification() {
        let running = recent_job(&job(), 20_000);
        assert_eq!(running.created_at_ms, 10_000);
        assert_eq!(running.finished_at_ms, None);
        assert_eq!(running.task.task_id, "t");

        let mut failed = job();
        failed.status = TaskStatus::Failure;
        failed.finished_at_ms = Some(15_000);
        failed.error = Some(quota_exceeded());
        let failed = recent_job(&failed, 20_000);
        assert_eq!(failed.finished_at_ms, Some(15_000));
        let category = failed
            .task
            .error
            .and_then(|error| error.classification)
            .map(|classification| classification.category);
        assert_eq!(category, Some(Category::Quota));
    }
}
