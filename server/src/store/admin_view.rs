//! The administrator's reads of `provision_jobs` (issue 15, the `Dashboard.Admin` app role):
//! every user's unfinished jobs and every user's recent failed creates, each row with its owner;
//! and the operator's count of every user's jobs by status (the metrics).
//!
//! The failures follow the owner's history ([`super::failures`]): a FAILURE row within the
//! window, never a cancelled create, newest end first, at most `limit`. One difference, on
//! purpose: an owner's Dismiss does not hide a failure here. Dismiss means "I have seen this
//! card" to its owner; an administrator looking after everyone's creates still needs to see
//! that it failed.

use super::engine::on_engine;
use super::jobs::{COLUMNS, JobRow};
use super::{JobRecord, Store, StoreError};
use shared::progress::CANCELLED_CODE;

impl Store {
    /// How many jobs of every user's there are in each status.
    pub async fn count_jobs_by_status(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(on_engine!(
            &self.engine,
            "SELECT status, COUNT(*) FROM provision_jobs GROUP BY status ORDER BY status",
            |pool, sql| sqlx::query_as(sql).fetch_all(pool).await
        )?)
    }

    /// Every user's jobs that have not finished, oldest first, at most `limit` of them.
    pub async fn every_users_unfinished_jobs(
        &self,
        limit: i64,
    ) -> Result<Vec<JobRecord>, StoreError> {
        on_engine!(
            &self.engine,
            format!(
                "SELECT {COLUMNS} FROM provision_jobs WHERE finished_at_ms IS NULL \
             ORDER BY created_at_ms, job_id LIMIT ?"
            ),
            |pool, sql| sqlx::query_as::<_, JobRow>(sql)
                .bind(limit.max(0))
                .fetch_all(pool)
                .await
        )?
        .into_iter()
        .map(JobRow::into_record)
        .collect()
    }

    /// Every user's jobs that failed at or after `since_ms`, whether or not their owner
    /// dismissed them, newest failure first (then by job id), at most `limit` of them.
    pub async fn every_users_recent_failures(
        &self,
        since_ms: i64,
        limit: i64,
    ) -> Result<Vec<JobRecord>, StoreError> {
        // `status = 'FAILURE'` is spelled out, not bound, so the partial index applies.
        on_engine!(
            &self.engine,
            format!(
                "SELECT {COLUMNS} FROM provision_jobs \
             WHERE status = 'FAILURE' \
             AND finished_at_ms IS NOT NULL AND finished_at_ms >= ? \
             AND (error_code IS NULL OR error_code <> ?) \
             ORDER BY finished_at_ms DESC, job_id DESC \
             LIMIT ?"
            ),
            |pool, sql| sqlx::query_as::<_, JobRow>(sql)
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
}

#[cfg(test)]
mod tests {
    use crate::store::{job_ids, saved_test_job, temp_store, test_owner};
    use shared::admin::CancelActor;
    use shared::caller::{ADMIN_ROLE, Caller};
    use shared::progress::TaskStatus;

    fn dana() -> Caller {
        Caller {
            display_name: "Dana Admin".into(),
            roles: vec![ADMIN_ROLE.into()],
            ..test_owner("dana")
        }
    }

    #[tokio::test]
    async fn every_user_s_unfinished_jobs_oldest_first_with_their_owners() {
        let (store, _dir) = temp_store().await;
        saved_test_job(&store, "bob", "b", TaskStatus::Progress, (3_000, 0)).await;
        saved_test_job(&store, "alice", "a", TaskStatus::Progress, (2_000, 0)).await;
        saved_test_job(&store, "alice", "q", TaskStatus::Pending, (4_000, 0)).await;
        saved_test_job(&store, "carol", "done", TaskStatus::Success, (1_000, 5_000)).await;
        saved_test_job(
            &store,
            "carol",
            "failed",
            TaskStatus::Failure,
            (1_000, 5_000),
        )
        .await;

        let running = store.every_users_unfinished_jobs(10).await.expect("read");
        assert_eq!(job_ids(&running), ["job-a", "job-b", "job-q"]);
        assert_eq!(running[0].owner, test_owner("alice"), "with its owner");
        assert_eq!(running[1].owner.display_name, "BOB");
        assert_eq!(
            job_ids(&store.every_users_unfinished_jobs(2).await.expect("read")),
            ["job-a", "job-b"],
            "limited"
        );
    }

    #[tokio::test]
    async fn every_user_s_failures_within_the_window_dismissed_or_not() {
        let (store, _dir) = temp_store().await;
        saved_test_job(&store, "alice", "old", TaskStatus::Failure, (1, 1_000)).await;
        saved_test_job(&store, "alice", "a", TaskStatus::Failure, (1, 6_000)).await;
        saved_test_job(&store, "bob", "b", TaskStatus::Failure, (1, 8_000)).await;
        saved_test_job(&store, "carol", "c", TaskStatus::Failure, (1, 5_000)).await;
        saved_test_job(&store, "bob", "cancelled", TaskStatus::Revoked, (1, 9_000)).await;
        saved_test_job(&store, "bob", "ok", TaskStatus::Success, (1, 9_000)).await;
        saved_test_job(&store, "bob", "running", TaskStatus::Progress, (1, 0)).await;
        assert!(
            store
                .dismiss_failure("job-a", 9_500)
                .await
                .expect("dismiss")
        );

        let failed = store
            .every_users_recent_failures(5_000, 10)
            .await
            .expect("read");
        assert_eq!(
            job_ids(&failed),
            ["job-b", "job-a", "job-c"],
            "newest first, the window's start included, a dismissed one still there"
        );
        assert_eq!(failed[0].owner, test_owner("bob"));
        assert_eq!(
            job_ids(&store.every_users_recent_failures(0, 2).await.expect("read")),
            ["job-b", "job-a"],
            "limited"
        );
        assert_eq!(
            job_ids(
                &store
                    .recent_failures_of(&test_owner("alice"), 0, 10)
                    .await
                    .expect("read")
            ),
            ["job-old"],
            "the owner's own history still leaves out what they dismissed"
        );
    }

    #[tokio::test]
    async fn a_cancel_records_its_actor_and_whether_they_acted_as_administrator() {
        let (store, _dir) = temp_store().await;
        let alices = saved_test_job(&store, "alice", "a", TaskStatus::Progress, (1, 0)).await;
        let danas_own = saved_test_job(&store, "dana", "d", TaskStatus::Progress, (1, 0)).await;
        let by_dana = CancelActor::of(&dana(), &alices.owner);
        assert!(by_dana.administrator);
        store
            .request_cancel(&alices.job_id, &by_dana, 5_000, "Stopping.")
            .await
            .expect("cancel");
        let own = CancelActor::of(&dana(), &danas_own.owner);
        store
            .request_cancel(&danas_own.job_id, &own, 5_000, "Stopping.")
            .await
            .expect("cancel");

        let read = store.job_by_id("job-a").await.expect("read").expect("row");
        let actor = read.cancelled_by.expect("recorded");
        assert_eq!(
            (
                actor.person.tenant_id.as_str(),
                actor.person.object_id.as_str(),
                actor.person.display_name.as_str(),
                actor.administrator
            ),
            ("tenant-test", "dana", "Dana Admin", true)
        );
        assert!(actor.person.roles.is_empty());
        assert_eq!(read.owner, test_owner("alice"), "the owner is unchanged");
        let read = store.job_by_id("job-d").await.expect("read").expect("row");
        assert_eq!(
            read.cancelled_by.map(|actor| actor.administrator),
            Some(false),
            "an administrator stopping their own job is its owner"
        );
    }

    #[tokio::test]
    async fn jobs_are_counted_by_status() {
        let (store, _dir) = temp_store().await;
        saved_test_job(&store, "alice", "a", TaskStatus::Progress, (1, 0)).await;
        saved_test_job(&store, "bob", "b", TaskStatus::Progress, (2, 0)).await;
        saved_test_job(&store, "bob", "c", TaskStatus::Failure, (3, 4)).await;
        assert_eq!(
            store.count_jobs_by_status().await.expect("count"),
            [("FAILURE".to_owned(), 1), ("PROGRESS".to_owned(), 2)]
        );
    }

    #[tokio::test]
    async fn a_cancel_recorded_before_actors_reads_as_its_owner_s() {
        let (store, _dir) = temp_store().await;
        saved_test_job(&store, "alice", "a", TaskStatus::Progress, (1, 0)).await;
        store
            .execute_for_test(
                "UPDATE provision_jobs SET cancel_requested_at_ms = 5, cancelled_by = 'alice' \
                 WHERE job_id = 'job-a'",
            )
            .await
            .expect("an old cancel");
        let read = store.job_by_id("job-a").await.expect("read").expect("row");
        let actor = read.cancelled_by.expect("recorded");
        assert_eq!(actor.person.object_id, "alice");
        assert!(!actor.administrator);
        assert_eq!(actor.stopped_by().line(), None, "today's wording");
    }
}
