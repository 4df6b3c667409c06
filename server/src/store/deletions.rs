//! The deletion columns of `provision_jobs`: recording that a finished job's owner asked to
//! delete the partial cluster it left, the DELETE's operation URL, the deletion's end, the
//! deletions a restart resumes, and the cluster state a finished job last read.
//!
//! Like a cancel, every write is one conditional statement. A deletion starts only on a job that
//! ended REVOKED or FAILURE and has no deletion running or succeeded, so of two racing requests
//! exactly one starts it and the other finds it running; a failed deletion may be started again.
//! Only a running deletion takes an operation URL or an end, so a late write from a second task
//! following the same deletion changes nothing once the first one recorded the end.

use super::engine::on_engine;
use super::jobs::to_json;
use super::{JobRecord, Store, StoreError};
use shared::progress::{DeletionState, TaskStatus};

/// How a deletion ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeletionEnd {
    /// The managed cluster is gone.
    Deleted,
    /// Azure refused or failed the delete.
    Failed,
}

impl DeletionEnd {
    fn state(self) -> DeletionState {
        match self {
            Self::Deleted => DeletionState::Deleted,
            Self::Failed => DeletionState::Failed,
        }
    }
}

impl Store {
    /// Records that `requested_by` asked at `at_ms` to delete the partial cluster of job
    /// `job_id`, with `message` as the deletion's message, when the job ended REVOKED or FAILURE
    /// and no deletion of it runs or has succeeded (a failed one is replaced), and gives this
    /// store's replica the lease on the deletion. Answers the lease's fence when this call
    /// recorded it; `None` when the job is not in that state (another request won).
    #[tracing::instrument(skip_all, err, fields(job_id = %job_id))]
    pub async fn start_deletion(
        &self,
        job_id: &str,
        requested_by: &str,
        at_ms: i64,
        message: &str,
    ) -> Result<Option<i64>, StoreError> {
        let fence = on_engine!(
            &self.engine,
            "UPDATE provision_jobs SET deletion_state = ?, deletion_message = ?, \
             deletion_requested_by = ?, deletion_started_at_ms = ?, \
             deletion_finished_at_ms = NULL, deletion_operation_url = NULL, updated_at_ms = ?, \
             lease_holder = ?, lease_until_ms = CLOCK_MS + ?, lease_fence = lease_fence + 1 \
             WHERE job_id = ? AND finished_at_ms IS NOT NULL AND status IN (?, ?) \
             AND (deletion_state IS NULL OR deletion_state = ?) \
             RETURNING lease_fence",
            |pool, sql| sqlx::query_scalar(sql)
                .bind(DeletionState::Deleting.as_str())
                .bind(message)
                .bind(requested_by)
                .bind(at_ms)
                .bind(at_ms)
                .bind(&self.lease.holder)
                .bind(self.lease.ttl_ms())
                .bind(job_id)
                .bind(TaskStatus::Revoked.as_str())
                .bind(TaskStatus::Failure.as_str())
                .bind(DeletionState::Failed.as_str())
                .fetch_optional(pool)
                .await
        )?;
        Ok(fence)
    }

    /// Saves the operation URL ARM gave the DELETE of job `job_id`'s cluster, while the
    /// deletion runs and its lease still has fence `fence`. True when saved.
    #[tracing::instrument(skip_all, err, fields(job_id = %job_id))]
    pub async fn save_deletion_operation(
        &self,
        job_id: &str,
        operation_url: &str,
        at_ms: i64,
        fence: i64,
    ) -> Result<bool, StoreError> {
        let saved = on_engine!(
            &self.engine,
            "UPDATE provision_jobs SET deletion_operation_url = ?, updated_at_ms = ? \
             WHERE job_id = ? AND deletion_state = ? AND lease_fence = ?",
            |pool, sql| sqlx::query(sql)
                .bind(operation_url)
                .bind(at_ms)
                .bind(job_id)
                .bind(DeletionState::Deleting.as_str())
                .bind(fence)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        )?;
        Ok(saved == 1)
    }

    /// Ends the running deletion of job `job_id` with `end` and `message` at `at_ms`, and frees
    /// its lease, while its lease still has fence `fence`. True when this call ended it; false
    /// when no deletion of it was running (or the lease changed hands).
    #[tracing::instrument(skip_all, err, fields(job_id = %job_id, end = ?end))]
    pub async fn finish_deletion(
        &self,
        job_id: &str,
        end: DeletionEnd,
        message: &str,
        at_ms: i64,
        fence: i64,
    ) -> Result<bool, StoreError> {
        let finished = on_engine!(
            &self.engine,
            "UPDATE provision_jobs SET deletion_state = ?, deletion_message = ?, \
             deletion_finished_at_ms = ?, updated_at_ms = ?, lease_holder = NULL \
             WHERE job_id = ? AND deletion_state = ? AND lease_fence = ?",
            |pool, sql| sqlx::query(sql)
                .bind(end.state().as_str())
                .bind(message)
                .bind(at_ms)
                .bind(at_ms)
                .bind(job_id)
                .bind(DeletionState::Deleting.as_str())
                .bind(fence)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        )?;
        Ok(finished == 1)
    }

    /// Saves what `job` (finished) holds about its cluster as last read from Azure (state,
    /// pools, portal page, and its resourceUID when none was recorded) and its
    /// `updated_at_ms`, unless a deletion of it runs or has succeeded: from then on the deletion
    /// tells what happened to the cluster. True when saved.
    #[tracing::instrument(skip_all, err, fields(job_id = %job.job_id))]
    pub async fn refresh_cluster(&self, job: &JobRecord) -> Result<bool, StoreError> {
        let saved = on_engine!(
            &self.engine,
            "UPDATE provision_jobs SET cluster_state = ?, pools_json = ?, portal_url = ?, \
             cluster_resource_uid = COALESCE(cluster_resource_uid, ?), updated_at_ms = ? \
             WHERE job_id = ? AND finished_at_ms IS NOT NULL \
             AND (deletion_state IS NULL OR deletion_state = ?)",
            |pool, sql| sqlx::query(sql)
                .bind(&job.cluster_state)
                .bind(to_json(&job.pools))
                .bind(&job.portal_url)
                .bind(&job.cluster_resource_uid)
                .bind(job.updated_at_ms)
                .bind(&job.job_id)
                .bind(DeletionState::Failed.as_str())
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        )?;
        Ok(saved == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{InsertOutcome, NewJob, SaveOutcome};
    use crate::store::{temp_store, test_owner};
    use shared::progress::{ProvisionPhase, TaskFailure};
    use shared::provision::ProvisionRequest;

    /// A job of alice's for `cluster`, saved with `status` (finished unless running).
    async fn job(store: &Store, id: &str, status: TaskStatus) -> JobRecord {
        let request = ProvisionRequest {
            subscription_id: "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f".into(),
            resource_group: "rg-a".into(),
            region: "eastus".into(),
            cluster_name: format!("aks-{id}"),
            ..ProvisionRequest::default()
        };
        let new = NewJob {
            job_id: format!("job-{id}"),
            task_id: format!("task-{id}"),
            owner: test_owner("alice"),
            request,
            created_at_ms: 1_000,
        };
        let InsertOutcome::Inserted(mut job) = store.insert_job(&new).await.expect("insert") else {
            panic!("written");
        };
        job.status = status;
        job.phase = ProvisionPhase::CreatingCluster;
        job.step = 3;
        job.cluster_state = Some("Canceled".into());
        job.portal_url = Some("https://portal/x".into());
        if status.is_finished() {
            job.finished_at_ms = Some(2_000);
            job.phase = ProvisionPhase::Done;
        }
        if matches!(status, TaskStatus::Failure | TaskStatus::Revoked) {
            job.phase = match status {
                TaskStatus::Revoked => ProvisionPhase::CancelledByUser,
                _ => ProvisionPhase::Failed,
            };
            job.error = Some(TaskFailure {
                classification: None,
                code: "c".into(),
                message: "m".into(),
                raw: String::new(),
            });
        }
        assert_eq!(
            store.save_job(&job).await.expect("save"),
            SaveOutcome::Saved
        );
        job
    }

    async fn deletion_of(store: &Store, job: &JobRecord) -> Option<crate::store::DeletionRecord> {
        store
            .job_by_task(&job.task_id)
            .await
            .expect("read")
            .expect("row")
            .deletion
    }

    #[tokio::test]
    async fn one_deletion_at_a_time_and_none_after_it_succeeded() {
        let (store, _dir) = temp_store().await;
        let job = job(&store, "1", TaskStatus::Failure).await;
        let fence = store
            .start_deletion(&job.job_id, "alice", 3_000, "Deleting.")
            .await
            .expect("start")
            .expect("started");
        assert_eq!(fence, job.lease_fence + 1, "the deletion took the lease");
        assert_eq!(
            store
                .start_deletion(&job.job_id, "alice", 3_001, "Again.")
                .await
                .expect("second"),
            None,
            "a second request while one runs records nothing"
        );
        assert!(
            !store
                .save_deletion_operation(&job.job_id, "https://arm/op", 3_100, fence - 1)
                .await
                .expect("stale"),
            "a writer with an older fence is refused"
        );
        assert!(
            store
                .save_deletion_operation(&job.job_id, "https://arm/op", 3_100, fence)
                .await
                .expect("operation")
        );
        let running = deletion_of(&store, &job).await.expect("deletion");
        assert_eq!(
            (
                running.state,
                running.message.as_str(),
                running.started_at_ms
            ),
            (DeletionState::Deleting, "Deleting.", 3_000)
        );
        assert_eq!(running.operation_url.as_deref(), Some("https://arm/op"));
        assert_eq!(running.requested_by, "alice");
        assert_eq!(
            store
                .active_jobs_of(&test_owner("alice"))
                .await
                .expect("read")
                .len(),
            1,
            "a finished job is active while its deletion runs"
        );
        let held = store.renew_leases().await.expect("renew");
        assert_eq!(
            held.iter().map(|lease| lease.fence).collect::<Vec<_>>(),
            [fence],
            "the running deletion's lease is renewed"
        );
        let mut refreshed = job.clone();
        refreshed.cluster_state = Some("Deleting".into());
        assert!(
            !store.refresh_cluster(&refreshed).await.expect("refresh"),
            "the deletion owns the cluster's story now"
        );

        assert!(
            store
                .finish_deletion(&job.job_id, DeletionEnd::Deleted, "Gone.", 4_000, fence)
                .await
                .expect("finish")
        );
        assert!(
            !store
                .finish_deletion(&job.job_id, DeletionEnd::Failed, "Late.", 4_001, fence)
                .await
                .expect("late finish"),
            "ended once"
        );
        assert_eq!(
            store
                .start_deletion(&job.job_id, "alice", 5_000, "Again.")
                .await
                .expect("after"),
            None,
            "nothing after it succeeded"
        );
        let done = deletion_of(&store, &job).await.expect("deletion");
        assert_eq!(
            (done.state, done.message.as_str(), done.finished_at_ms),
            (DeletionState::Deleted, "Gone.", Some(4_000))
        );
        assert_eq!(
            store
                .active_jobs_of(&test_owner("alice"))
                .await
                .expect("read"),
            vec![]
        );
        assert_eq!(
            store.renew_leases().await.expect("renew"),
            vec![],
            "the ended deletion's lease is free"
        );
    }

    #[tokio::test]
    async fn a_failed_deletion_may_start_again_from_scratch() {
        let (store, _dir) = temp_store().await;
        let job = job(&store, "1", TaskStatus::Revoked).await;
        let fence = store
            .start_deletion(&job.job_id, "alice", 3_000, "Deleting.")
            .await
            .expect("start")
            .expect("started");
        store
            .save_deletion_operation(&job.job_id, "https://arm/op", 3_100, fence)
            .await
            .expect("operation");
        store
            .finish_deletion(&job.job_id, DeletionEnd::Failed, "Refused.", 3_500, fence)
            .await
            .expect("finish");
        let mut refreshed = job.clone();
        refreshed.cluster_state = Some("Failed".into());
        assert!(store.refresh_cluster(&refreshed).await.expect("refresh"));
        assert!(
            store
                .start_deletion(&job.job_id, "alice", 6_000, "Deleting again.")
                .await
                .expect("retry")
                .is_some()
        );
        let again = deletion_of(&store, &job).await.expect("deletion");
        assert_eq!(
            (again.state, again.started_at_ms, again.finished_at_ms),
            (DeletionState::Deleting, 6_000, None)
        );
        assert_eq!(again.operation_url, None, "the old operation is forgotten");
    }

    #[tokio::test]
    async fn only_a_stopped_create_s_cluster_is_ever_deleted() {
        let (store, _dir) = temp_store().await;
        let running = job(&store, "1", TaskStatus::Progress).await;
        let succeeded = job(&store, "2", TaskStatus::Success).await;
        for job in [&running, &succeeded] {
            assert_eq!(
                store
                    .start_deletion(&job.job_id, "alice", 3_000, "Deleting.")
                    .await
                    .expect("start"),
                None,
                "{:?}",
                job.status
            );
            assert_eq!(deletion_of(&store, job).await, None);
        }
        assert!(
            !store.refresh_cluster(&running).await.expect("refresh"),
            "the worker alone writes a running job"
        );
        assert_eq!(
            store
                .start_deletion("job-unknown", "alice", 3_000, "Deleting.")
                .await
                .expect("unknown"),
            None
        );
    }

    #[tokio::test]
    async fn a_corrupt_deletion_is_an_error_not_a_panic() {
        let (store, _dir) = temp_store().await;
        let job = job(&store, "1", TaskStatus::Failure).await;
        store
            .execute_for_test("UPDATE provision_jobs SET deletion_state = 'deleting'")
            .await
            .expect("no start time");
        let error = store.job_by_task(&job.task_id).await.unwrap_err();
        assert!(error.to_string().contains("start time"), "{error}");
        store
            .execute_for_test(
                "UPDATE provision_jobs SET deletion_state = 'gone', deletion_started_at_ms = 1",
            )
            .await
            .expect("unknown state");
        let error = store.job_by_task(&job.task_id).await.unwrap_err();
        assert!(error.to_string().contains("gone"), "{error}");
    }
}
