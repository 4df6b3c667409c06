//! The failure history of `provision_jobs` (docs/PRODUCT.md §7): an owner's recent failed creates
//! that they have not dismissed, and recording a dismissal.
//!
//! A failure is a row that ended FAILURE; its time is `finished_at_ms`. A cancelled create ends
//! REVOKED and is never part of it (nor, defensively, a FAILURE row carrying the cancel code).
//! A finished row never changes status again, so "this job failed" read before a dismissal
//! still holds when the dismissal is written; the dismissal is one conditional statement that
//! only lands on a failed row not dismissed yet, so dismissing twice records the first time.

use super::engine::on_engine;
use super::jobs::{COLUMNS, JobRow, OWNED_BY};
use super::{JobRecord, Store, StoreError};
use shared::caller::Caller;
use shared::progress::{CANCELLED_CODE, TaskStatus};

/// What settled an owner's last attempt, as [`Store::last_settled_of`] reads it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LastSettled {
    /// When their newest successful create finished.
    pub success_ms: Option<i64>,
    /// When the newest failure they dismissed had failed.
    pub dismissed_ms: Option<i64>,
}

impl Store {
    /// The jobs of `owner` that failed at or after `since_ms` and that they have not
    /// dismissed, newest failure first (then by job id, so equal times answer in one order), at
    /// most `limit` of them.
    pub async fn recent_failures_of(
        &self,
        owner: &Caller,
        since_ms: i64,
        limit: i64,
    ) -> Result<Vec<JobRecord>, StoreError> {
        // `status = 'FAILURE'` is spelled out, not bound, so the partial index applies.
        on_engine!(
            &self.engine,
            format!(
                "SELECT {COLUMNS} FROM provision_jobs \
             WHERE {OWNED_BY} AND status = 'FAILURE' \
             AND finished_at_ms IS NOT NULL AND finished_at_ms >= ? \
             AND dismissed_at_ms IS NULL \
             AND (error_code IS NULL OR error_code <> ?) \
             ORDER BY finished_at_ms DESC, job_id DESC \
             LIMIT ?"
            ),
            |pool, sql| sqlx::query_as::<_, JobRow>(sql)
                .bind(&owner.object_id)
                .bind(&owner.tenant_id)
                .bind(since_ms)
                .bind(CANCELLED_CODE)
                .bind(limit.max(0))
                .fetch_all(pool)
                .await
        )?
        .into_iter()
        .map(JobRow::into_record)
        .collect()
    }

    /// When the newest create of `owner` that succeeded finished, and when the
    /// newest failure they dismissed had failed: what settles their last attempt.
    pub async fn last_settled_of(&self, owner: &Caller) -> Result<LastSettled, StoreError> {
        let (success_ms, dismissed_ms): (Option<i64>, Option<i64>) = on_engine!(
            &self.engine,
            format!(
                "SELECT \
             MAX(CASE WHEN status = 'SUCCESS' THEN finished_at_ms END), \
             MAX(CASE WHEN status = 'FAILURE' AND dismissed_at_ms IS NOT NULL THEN finished_at_ms END) \
             FROM provision_jobs WHERE {OWNED_BY}",
            ),
            |pool, sql| sqlx::query_as(sql)
                .bind(&owner.object_id)
                .bind(&owner.tenant_id)
                .fetch_one(pool)
                .await
        )?;
        Ok(LastSettled {
            success_ms,
            dismissed_ms,
        })
    }

    /// Records that the owner dismissed the failure of job `job_id` at `at_ms`. True when this
    /// call recorded it; false when the job is not a failed one or was dismissed already.
    #[tracing::instrument(skip_all, err, fields(job_id = %job_id))]
    pub async fn dismiss_failure(&self, job_id: &str, at_ms: i64) -> Result<bool, StoreError> {
        let dismissed = on_engine!(
            &self.engine,
            "UPDATE provision_jobs SET dismissed_at_ms = ? \
             WHERE job_id = ? AND status = ? AND finished_at_ms IS NOT NULL \
             AND dismissed_at_ms IS NULL",
            |pool, sql| sqlx::query(sql)
                .bind(at_ms)
                .bind(job_id)
                .bind(TaskStatus::Failure.as_str())
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        )?;
        Ok(dismissed == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{SaveOutcome, job_ids, saved_test_job, temp_store, test_owner};
    use shared::progress::{ProvisionPhase, TaskFailure};

    /// A job of `owner`'s, created at 1 000 ([`saved_test_job`]).
    async fn job(
        store: &Store,
        owner: &str,
        id: &str,
        status: TaskStatus,
        finished_at: i64,
    ) -> JobRecord {
        saved_test_job(store, owner, id, status, (1_000, finished_at)).await
    }

    #[tokio::test]
    async fn only_the_owner_s_failures_newest_first_within_the_window() {
        let (store, _dir) = temp_store().await;
        job(&store, "alice", "old", TaskStatus::Failure, 1_000).await;
        job(&store, "alice", "edge", TaskStatus::Failure, 5_000).await;
        let newest = job(&store, "alice", "new", TaskStatus::Failure, 9_000).await;
        job(&store, "alice", "mid", TaskStatus::Failure, 7_000).await;
        job(&store, "alice", "cancelled", TaskStatus::Revoked, 8_000).await;
        job(&store, "alice", "succeeded", TaskStatus::Success, 8_500).await;
        job(&store, "alice", "running", TaskStatus::Progress, 0).await;
        job(&store, "bob", "bobs", TaskStatus::Failure, 8_800).await;

        let failures = store
            .recent_failures_of(&test_owner("alice"), 5_000, 10)
            .await
            .expect("read");
        assert_eq!(
            job_ids(&failures),
            ["job-new", "job-mid", "job-edge"],
            "the window's start is included, the older one is not"
        );
        assert_eq!(
            failures[0], newest,
            "whole records, read as the task read does"
        );
        assert_eq!(
            job_ids(
                &store
                    .recent_failures_of(&test_owner("alice"), 0, 2)
                    .await
                    .expect("read")
            ),
            ["job-new", "job-mid"],
            "limited"
        );
        assert_eq!(
            job_ids(
                &store
                    .recent_failures_of(&test_owner("bob"), 0, 10)
                    .await
                    .expect("read")
            ),
            ["job-bobs"]
        );
        assert_eq!(
            store
                .recent_failures_of(&test_owner("carol"), 0, 10)
                .await
                .expect("read"),
            vec![]
        );
        assert_eq!(
            store
                .recent_failures_of(&test_owner("alice"), 0, 0)
                .await
                .expect("read"),
            vec![]
        );
    }

    #[tokio::test]
    async fn equal_failure_times_answer_in_one_order() {
        let (store, _dir) = temp_store().await;
        for id in ["a", "c", "b"] {
            job(&store, "alice", id, TaskStatus::Failure, 4_000).await;
        }
        assert_eq!(
            job_ids(
                &store
                    .recent_failures_of(&test_owner("alice"), 0, 10)
                    .await
                    .expect("read")
            ),
            ["job-c", "job-b", "job-a"]
        );
    }

    #[tokio::test]
    async fn a_dismissed_failure_leaves_the_history_once_and_for_good() {
        let (store, _dir) = temp_store().await;
        job(&store, "alice", "1", TaskStatus::Failure, 4_000).await;
        job(&store, "alice", "2", TaskStatus::Failure, 5_000).await;
        assert!(
            store
                .dismiss_failure("job-2", 6_000)
                .await
                .expect("dismiss")
        );
        assert!(
            !store.dismiss_failure("job-2", 6_001).await.expect("again"),
            "the first dismissal stays"
        );
        assert_eq!(
            job_ids(
                &store
                    .recent_failures_of(&test_owner("alice"), 0, 10)
                    .await
                    .expect("read")
            ),
            ["job-1"],
            "only that job is dismissed"
        );
        job(&store, "alice", "3", TaskStatus::Failure, 7_000).await;
        assert_eq!(
            job_ids(
                &store
                    .recent_failures_of(&test_owner("alice"), 0, 10)
                    .await
                    .expect("read")
            ),
            ["job-3", "job-1"],
            "a later failure shows"
        );
    }

    #[tokio::test]
    async fn only_a_failed_job_can_be_dismissed() {
        let (store, _dir) = temp_store().await;
        job(&store, "alice", "cancelled", TaskStatus::Revoked, 4_000).await;
        job(&store, "alice", "succeeded", TaskStatus::Success, 4_000).await;
        job(&store, "alice", "running", TaskStatus::Progress, 0).await;
        for id in [
            "job-cancelled",
            "job-succeeded",
            "job-running",
            "job-unknown",
        ] {
            assert!(
                !store.dismiss_failure(id, 5_000).await.expect("dismiss"),
                "{id}"
            );
        }
    }

    #[tokio::test]
    async fn a_failure_carrying_the_cancel_code_is_not_history() {
        let (store, _dir) = temp_store().await;
        let mut odd = job(&store, "alice", "odd", TaskStatus::Progress, 0).await;
        odd.status = TaskStatus::Failure;
        odd.phase = ProvisionPhase::Failed;
        odd.finished_at_ms = Some(4_000);
        odd.error = Some(TaskFailure {
            classification: None,
            code: CANCELLED_CODE.into(),
            message: "m".into(),
            raw: String::new(),
        });
        assert_eq!(
            store.save_job(&odd).await.expect("save"),
            SaveOutcome::Saved
        );
        assert_eq!(
            store
                .recent_failures_of(&test_owner("alice"), 0, 10)
                .await
                .expect("read"),
            vec![]
        );
    }

    #[tokio::test]
    async fn the_last_success_and_dismissal_are_the_owner_s_newest() {
        let (store, _dir) = temp_store().await;
        assert_eq!(
            store
                .last_settled_of(&test_owner("alice"))
                .await
                .expect("read"),
            LastSettled::default()
        );
        job(&store, "alice", "1", TaskStatus::Success, 4_000).await;
        job(&store, "alice", "2", TaskStatus::Success, 6_000).await;
        job(&store, "alice", "3", TaskStatus::Failure, 7_000).await;
        job(&store, "alice", "4", TaskStatus::Failure, 8_000).await;
        job(&store, "alice", "5", TaskStatus::Failure, 9_000).await;
        job(&store, "bob", "6", TaskStatus::Success, 9_500).await;
        for dismissed in ["job-3", "job-4"] {
            assert!(
                store
                    .dismiss_failure(dismissed, 10_000)
                    .await
                    .expect("dismiss")
            );
        }
        assert_eq!(
            store
                .last_settled_of(&test_owner("alice"))
                .await
                .expect("read"),
            LastSettled {
                success_ms: Some(6_000),
                dismissed_ms: Some(8_000)
            }
        );
        assert_eq!(
            store
                .last_settled_of(&test_owner("bob"))
                .await
                .expect("read"),
            LastSettled {
                success_ms: Some(9_500),
                dismissed_ms: None
            }
        );
    }

    #[tokio::test]
    async fn a_closed_store_answers_an_error_not_a_panic() {
        let (store, _dir) = temp_store().await;
        job(&store, "alice", "1", TaskStatus::Failure, 4_000).await;
        store.close().await;
        let error = store
            .recent_failures_of(&test_owner("alice"), 0, 10)
            .await
            .expect_err("closed");
        assert!(error.to_string().starts_with("database error"), "{error}");
        assert!(store.dismiss_failure("job-1", 5_000).await.is_err());
    }
}
