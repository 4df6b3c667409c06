//! "Last attempt failed" on the server (docs/PRODUCT.md §7): the caller's recent failed creates, so
//! the dashboard's first HTML, another browser or another device shows the card, and the
//! Dismiss that keeps a failure from coming back.
//!
//! The history is best effort: when the store cannot be read the answer is `degraded` with no
//! jobs (and a warning in the log), because the dashboard must still render, and the browser's
//! own slot may still show the card. Each item is the same [`LastFailure`] the browser keeps,
//! built by the same rule ([`LastFailure::from_task`], so a cancelled create is never one),
//! stamped with the job's finish time and classified.
//!
//! Dismiss checks ownership exactly as a task read does (403 saying nothing of another user's
//! job, 404 for an unknown id), refuses a job that did not fail (409), and is idempotent: a
//! second Dismiss answers `already_dismissed: true` and changes nothing. Only that job is
//! dismissed; a later failure is another job and shows again.

use super::{Provisioning, now_ms, task_view};
use crate::error::ServiceError;
use shared::caller::Caller;
use shared::last_failure::{DismissOutcome, HistoryWindow, LastFailure, RecentFailures};
use shared::progress::TaskStatus;

impl Provisioning {
    /// The caller's failed creates within `window`, newest first, without those they
    /// dismissed; `degraded` with none when the store cannot be read.
    #[tracing::instrument(skip_all, fields(caller = %caller.object_id))]
    pub async fn recent_failures(&self, caller: &Caller, window: HistoryWindow) -> RecentFailures {
        let now = now_ms();
        let store = &self.inner.store;
        let read = tokio::try_join!(
            store.recent_failures_of(caller, window.since_ms(now), window.limit()),
            store.last_settled_of(caller),
        );
        let (jobs, settled) = match read {
            Ok(read) => read,
            Err(error) => {
                tracing::warn!(%error, "failure history unreadable; answering a degraded history");
                return RecentFailures::degraded();
            }
        };
        let remembered = jobs
            .iter()
            .filter_map(|job| {
                let failed_at = job.finished_at_ms.unwrap_or(job.updated_at_ms);
                LastFailure::from_task(&task_view(job, now), failed_at)
            })
            .map(LastFailure::with_category)
            .collect();
        RecentFailures {
            jobs: remembered,
            degraded: false,
            last_success_ms: settled.success_ms,
            last_dismissed_ms: settled.dismissed_ms,
        }
    }

    /// Dismisses the caller's failed job `job_id` (its row id, as the history answers it):
    /// `NotFound`/`Forbidden` as for a task read, `Conflict` for a job that did not fail.
    /// Dismissing twice is harmless.
    #[tracing::instrument(skip_all, err, fields(caller = %caller.object_id))]
    pub async fn dismiss_failure(
        &self,
        caller: &Caller,
        job_id: &str,
    ) -> Result<DismissOutcome, ServiceError> {
        let job = self.owned_job_by_id(caller, job_id).await?;
        if job.status != TaskStatus::Failure {
            return Err(ServiceError::Conflict(format!(
                "Only a failed create can be dismissed; this one is {}.",
                job.status.as_str()
            )));
        }
        // A finished row never changes status, so the check above still holds here.
        let recorded = self
            .inner
            .store
            .dismiss_failure(&job.job_id, now_ms())
            .await?;
        if recorded {
            tracing::info!(job_id = %job.job_id, "failure dismissed");
        }
        Ok(DismissOutcome {
            job_id: job.job_id,
            dismissed: true,
            already_dismissed: !recorded,
        })
    }
}
