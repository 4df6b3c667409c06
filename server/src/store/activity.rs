//! The activity list of `provision_jobs`: an owner's recent jobs of every status, newest first
//! (the dashboard's activity list and `GET /api/aks/jobs`). Dismissed failures are part of it,
//! since a dismissal only hides the "Last attempt failed" card, not the fact that the job ran.

use super::engine::on_engine;
use super::jobs::{COLUMNS, JobRow, OWNED_BY};
use super::{JobRecord, Store, StoreError};
use shared::caller::Caller;

impl Store {
    /// `owner`'s jobs submitted at or after `since_ms`, newest first, at most `limit` of them.
    /// Reads through the `(owner_object_id, created_at_ms)` index.
    pub async fn recent_jobs_of(
        &self,
        owner: &Caller,
        since_ms: i64,
        limit: i64,
    ) -> Result<Vec<JobRecord>, StoreError> {
        on_engine!(
            &self.engine,
            format!(
                "SELECT {COLUMNS} FROM provision_jobs \
             WHERE {OWNED_BY} AND created_at_ms >= ? \
             ORDER BY created_at_ms DESC, job_id DESC \
             LIMIT ?"
            ),
            |pool, sql| sqlx::query_as::<_, JobRow>(sql)
                .bind(&owner.object_id)
                .bind(&owner.tenant_id)
                .bind(since_ms)
                .bind(limit.max(0))
                .fetch_all(pool)
                .await
        )?
        .into_iter()
        .map(JobRow::into_record)
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{job_ids, saved_test_job, temp_store, test_owner};
    use shared::progress::TaskStatus;

    #[tokio::test]
    async fn every_status_of_the_owner_newest_first_within_the_window() {
        let (store, _dir) = temp_store().await;
        let jobs = [
            ("old", TaskStatus::Success, 1_000, 2_000),
            ("failed", TaskStatus::Failure, 5_000, 6_000),
            ("stopped", TaskStatus::Revoked, 6_000, 6_500),
            ("running", TaskStatus::Progress, 7_000, 0),
            ("done", TaskStatus::Success, 8_000, 9_000),
        ];
        for (id, status, created, finished) in jobs {
            saved_test_job(&store, "alice", id, status, (created, finished)).await;
        }
        saved_test_job(&store, "bob", "bobs", TaskStatus::Progress, (8_500, 0)).await;

        let recent = store
            .recent_jobs_of(&test_owner("alice"), 5_000, 10)
            .await
            .expect("read");
        assert_eq!(
            job_ids(&recent),
            ["job-done", "job-running", "job-stopped", "job-failed"],
            "the window's start is included, the older job and bob's are not"
        );
        assert_eq!(recent[1].status, TaskStatus::Progress);
    }

    #[tokio::test]
    async fn the_limit_keeps_the_newest() {
        let (store, _dir) = temp_store().await;
        for (index, id) in ["a", "b", "c"].into_iter().enumerate() {
            let created = 1_000 * (i64::try_from(index).expect("small") + 1);
            saved_test_job(&store, "alice", id, TaskStatus::Success, (created, created)).await;
        }
        let recent = store
            .recent_jobs_of(&test_owner("alice"), 0, 2)
            .await
            .expect("read");
        assert_eq!(job_ids(&recent), ["job-c", "job-b"]);
    }
}
