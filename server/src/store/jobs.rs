//! The `provision_jobs` table: inserting a job (with the double-submit rule), reading jobs back
//! for their owner and for resume, and saving what the worker learns.
//!
//! The worker is the only writer of a running job; every save is conditional on the row not
//! having finished, so once a job is finished (by its worker, or later by a cancel) no late
//! write can change it.

use super::{Store, StoreError};
use shared::caller::Caller;
use shared::progress::{PoolProgress, ProvisionPhase, ProvisionResult, TaskFailure, TaskStatus};
use shared::provision::ProvisionRequest;
use sqlx::FromRow;

/// A job about to be written.
#[derive(Clone, Debug)]
pub struct NewJob {
    /// Row id.
    pub job_id: String,
    /// The id callers poll.
    pub task_id: String,
    /// Who asked.
    pub owner: Caller,
    /// What they asked for (validated and normalized).
    pub request: ProvisionRequest,
    /// Epoch ms.
    pub created_at_ms: i64,
}

/// What inserting a job did.
#[derive(Clone, Debug)]
pub enum InsertOutcome {
    /// The job was written.
    Inserted(JobRecord),
    /// A job for the same cluster is still running (possibly another user's); nothing was written.
    AlreadyRunning(JobRecord),
}

/// A job as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct JobRecord {
    /// Row id.
    pub job_id: String,
    /// The id callers poll.
    pub task_id: String,
    /// Who asked.
    pub owner: Caller,
    /// The full request.
    pub request: ProvisionRequest,
    /// Status.
    pub status: TaskStatus,
    /// Phase.
    pub phase: ProvisionPhase,
    /// Step (0 while queued; a failed job keeps the step it failed in).
    pub step: i32,
    /// The worker's latest message.
    pub message: String,
    /// Epoch ms.
    pub created_at_ms: i64,
    /// Epoch ms of the last write.
    pub updated_at_ms: i64,
    /// Epoch ms when Azure accepted the create.
    pub arm_started_at_ms: Option<i64>,
    /// Epoch ms when the job finished.
    pub finished_at_ms: Option<i64>,
    /// The create's operation URL, once accepted.
    pub operation_url: Option<String>,
    /// Whether this job created the resource group.
    pub resource_group_created: bool,
    /// The cluster's provisioningState as last read.
    pub cluster_state: Option<String>,
    /// The pools as last read.
    pub pools: Vec<PoolProgress>,
    /// Portal page of the cluster, once visible.
    pub portal_url: Option<String>,
    /// The operation's percentComplete, when sent.
    pub percent_complete: Option<f64>,
    /// Why it failed.
    pub error: Option<TaskFailure>,
    /// What it created.
    pub result: Option<ProvisionResult>,
}

#[derive(FromRow)]
struct JobRow {
    job_id: String,
    task_id: String,
    owner_object_id: String,
    owner_display_name: String,
    request_json: String,
    status: String,
    phase: String,
    step: i64,
    message: String,
    created_at_ms: i64,
    updated_at_ms: i64,
    arm_started_at_ms: Option<i64>,
    finished_at_ms: Option<i64>,
    operation_url: Option<String>,
    resource_group_created: bool,
    cluster_state: Option<String>,
    pools_json: String,
    portal_url: Option<String>,
    percent_complete: Option<f64>,
    error_code: Option<String>,
    error_message: Option<String>,
    error_raw: Option<String>,
    result_json: Option<String>,
}

const COLUMNS: &str = "job_id, task_id, owner_object_id, owner_display_name, request_json, \
    status, phase, step, message, created_at_ms, updated_at_ms, arm_started_at_ms, \
    finished_at_ms, operation_url, resource_group_created, cluster_state, pools_json, \
    portal_url, percent_complete, error_code, error_message, error_raw, result_json";

impl JobRow {
    fn into_record(self) -> Result<JobRecord, StoreError> {
        let corrupt = |problem: String| StoreError::Corrupt {
            job_id: self.job_id.clone(),
            problem,
        };
        let request = serde_json::from_str(&self.request_json)
            .map_err(|e| corrupt(format!("request_json: {e}")))?;
        let status = TaskStatus::parse(&self.status)
            .ok_or_else(|| corrupt(format!("status {:?}", self.status)))?;
        let phase = ProvisionPhase::parse(&self.phase)
            .ok_or_else(|| corrupt(format!("phase {:?}", self.phase)))?;
        let pools = serde_json::from_str(&self.pools_json)
            .map_err(|e| corrupt(format!("pools_json: {e}")))?;
        let result = self
            .result_json
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| corrupt(format!("result_json: {e}")))?;
        let step = i32::try_from(self.step).map_err(|_| corrupt(format!("step {}", self.step)))?;
        let error = self.error_code.map(|code| TaskFailure {
            code,
            message: self.error_message.unwrap_or_default(),
            raw: self.error_raw.unwrap_or_default(),
        });
        Ok(JobRecord {
            job_id: self.job_id,
            task_id: self.task_id,
            owner: Caller {
                object_id: self.owner_object_id,
                display_name: self.owner_display_name,
            },
            request,
            status,
            phase,
            step,
            message: self.message,
            created_at_ms: self.created_at_ms,
            updated_at_ms: self.updated_at_ms,
            arm_started_at_ms: self.arm_started_at_ms,
            finished_at_ms: self.finished_at_ms,
            operation_url: self.operation_url,
            resource_group_created: self.resource_group_created,
            cluster_state: self.cluster_state,
            pools,
            portal_url: self.portal_url,
            percent_complete: self.percent_complete,
            error,
            result,
        })
    }
}

/// The key that makes a second submit for the same cluster find the running job. ARM names
/// are case-insensitive.
fn active_key(request: &ProvisionRequest) -> String {
    format!(
        "{}/{}/{}",
        request.subscription_id.to_ascii_lowercase(),
        request.resource_group.to_lowercase(),
        request.cluster_name.to_ascii_lowercase()
    )
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Serializing these plain structs cannot fail; an empty object would still be readable.
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

impl Store {
    /// Writes a queued job, unless a job for the same cluster is still running, in which case
    /// that job is returned and nothing is written (one statement, so two submits racing each
    /// other still produce one job).
    #[tracing::instrument(skip_all, err, fields(job_id = %job.job_id))]
    pub async fn insert_job(&self, job: &NewJob) -> Result<InsertOutcome, StoreError> {
        let key = active_key(&job.request);
        let request = &job.request;
        let phase = ProvisionPhase::Queued;
        let inserted = sqlx::query(
            "INSERT INTO provision_jobs (job_id, task_id, owner_object_id, owner_display_name, \
             subscription_id, resource_group, region, cluster_name, request_json, status, phase, \
             step, message, created_at_ms, updated_at_ms, active_key) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?) \
             ON CONFLICT (active_key) DO NOTHING",
        )
        .bind(&job.job_id)
        .bind(&job.task_id)
        .bind(&job.owner.object_id)
        .bind(&job.owner.display_name)
        .bind(&request.subscription_id)
        .bind(&request.resource_group)
        .bind(&request.region)
        .bind(&request.cluster_name)
        .bind(to_json(request))
        .bind(TaskStatus::Pending.as_str())
        .bind(phase.as_str())
        .bind("Queued; the worker starts it in a moment.")
        .bind(job.created_at_ms)
        .bind(job.created_at_ms)
        .bind(&key)
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 1 {
            let record = self.job_by_task(&job.task_id).await?;
            return record
                .map(InsertOutcome::Inserted)
                .ok_or_else(|| StoreError::Corrupt {
                    job_id: job.job_id.clone(),
                    problem: "inserted row cannot be read back".into(),
                });
        }
        match self.running_job_for(&job.request).await? {
            Some(record) => Ok(InsertOutcome::AlreadyRunning(record)),
            // The running job finished between the two statements: try once more.
            None => Box::pin(self.insert_job(job)).await,
        }
    }

    /// The running job for the same cluster as `request`, whoever owns it.
    pub async fn running_job_for(
        &self,
        request: &ProvisionRequest,
    ) -> Result<Option<JobRecord>, StoreError> {
        sqlx::query_as::<_, JobRow>(&format!(
            "SELECT {COLUMNS} FROM provision_jobs WHERE active_key = ?"
        ))
        .bind(active_key(request))
        .fetch_optional(&self.pool)
        .await?
        .map(JobRow::into_record)
        .transpose()
    }

    /// The job with `task_id`, whoever owns it (the caller checks ownership).
    pub async fn job_by_task(&self, task_id: &str) -> Result<Option<JobRecord>, StoreError> {
        sqlx::query_as::<_, JobRow>(&format!(
            "SELECT {COLUMNS} FROM provision_jobs WHERE task_id = ?"
        ))
        .bind(task_id)
        .fetch_optional(&self.pool)
        .await?
        .map(JobRow::into_record)
        .transpose()
    }

    /// Every job that has not finished, oldest first (resume after a restart).
    pub async fn unfinished_jobs(&self) -> Result<Vec<JobRecord>, StoreError> {
        sqlx::query_as::<_, JobRow>(&format!(
            "SELECT {COLUMNS} FROM provision_jobs WHERE finished_at_ms IS NULL \
             ORDER BY created_at_ms, job_id"
        ))
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(JobRow::into_record)
        .collect()
    }

    /// The unfinished jobs of `owner_object_id`, oldest first (the banner).
    pub async fn unfinished_jobs_of(
        &self,
        owner_object_id: &str,
    ) -> Result<Vec<JobRecord>, StoreError> {
        sqlx::query_as::<_, JobRow>(&format!(
            "SELECT {COLUMNS} FROM provision_jobs \
             WHERE finished_at_ms IS NULL AND owner_object_id = ? ORDER BY created_at_ms, job_id"
        ))
        .bind(owner_object_id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(JobRow::into_record)
        .collect()
    }

    /// Saves everything the worker may change about `job`. A finished job is saved with
    /// `finished_at_ms` set and releases its cluster for new submits. Returns false, and
    /// changes nothing, when the stored row had already finished.
    #[tracing::instrument(skip_all, err, fields(job_id = %job.job_id, status = job.status.as_str()))]
    pub async fn save_job(&self, job: &JobRecord) -> Result<bool, StoreError> {
        let (error_code, error_message, error_raw) = match &job.error {
            Some(error) => (
                Some(error.code.as_str()),
                Some(error.message.as_str()),
                Some(error.raw.as_str()),
            ),
            None => (None, None, None),
        };
        let finished = job.finished_at_ms.is_some();
        let saved = sqlx::query(
            "UPDATE provision_jobs SET status = ?, phase = ?, step = ?, message = ?, \
             updated_at_ms = ?, arm_started_at_ms = ?, finished_at_ms = ?, operation_url = ?, \
             resource_group_created = ?, cluster_state = ?, pools_json = ?, portal_url = ?, \
             percent_complete = ?, error_code = ?, error_message = ?, error_raw = ?, \
             result_json = ?, active_key = CASE WHEN ? THEN NULL ELSE active_key END \
             WHERE job_id = ? AND finished_at_ms IS NULL",
        )
        .bind(job.status.as_str())
        .bind(job.phase.as_str())
        .bind(job.step)
        .bind(&job.message)
        .bind(job.updated_at_ms)
        .bind(job.arm_started_at_ms)
        .bind(job.finished_at_ms)
        .bind(&job.operation_url)
        .bind(job.resource_group_created)
        .bind(&job.cluster_state)
        .bind(to_json(&job.pools))
        .bind(&job.portal_url)
        .bind(job.percent_complete)
        .bind(error_code)
        .bind(error_message)
        .bind(error_raw)
        .bind(job.result.as_ref().map(to_json))
        .bind(finished)
        .bind(&job.job_id)
        .execute(&self.pool)
        .await?;
        Ok(saved.rows_affected() == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(cluster: &str) -> ProvisionRequest {
        ProvisionRequest {
            subscription_id: "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f".into(),
            resource_group: "rg-a".into(),
            region: "eastus".into(),
            cluster_name: cluster.into(),
            node_sku: "Standard_D4s_v5".into(),
            node_count: 3,
            system_vm_size: "Standard_D2s_v5".into(),
            system_node_count: 1,
            kubernetes_version: None,
        }
    }

    fn new_job(id: &str, owner: &str, request: ProvisionRequest) -> NewJob {
        NewJob {
            job_id: format!("job-{id}"),
            task_id: format!("task-{id}"),
            owner: Caller {
                object_id: owner.into(),
                display_name: owner.to_uppercase(),
            },
            request,
            created_at_ms: 1_000,
        }
    }

    async fn store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
        (Store::open(&url).await.expect("open"), dir)
    }

    #[tokio::test]
    async fn a_job_round_trips_and_a_second_submit_finds_it() {
        let (store, _dir) = store().await;
        let InsertOutcome::Inserted(first) = store
            .insert_job(&new_job("1", "alice", request("aks-a")))
            .await
            .expect("insert")
        else {
            panic!("the first submit is written");
        };
        assert_eq!(first.status, TaskStatus::Pending);
        assert_eq!(first.phase, ProvisionPhase::Queued);
        assert_eq!(first.request, request("aks-a"));
        // Same cluster, other casing: ARM names are case-insensitive.
        let again = store
            .insert_job(&new_job("2", "alice", request("AKS-A")))
            .await
            .expect("insert");
        assert!(
            matches!(&again, InsertOutcome::AlreadyRunning(job) if job.job_id == "job-1"),
            "{again:?}"
        );
        assert_eq!(store.job_by_task("task-2").await.expect("read"), None);
        assert_eq!(store.unfinished_jobs().await.expect("read").len(), 1);
        assert_eq!(store.unfinished_jobs_of("bob").await.expect("read"), vec![]);
    }

    #[tokio::test]
    async fn a_finished_job_frees_its_cluster_and_ignores_late_writes() {
        let (store, _dir) = store().await;
        let InsertOutcome::Inserted(mut job) = store
            .insert_job(&new_job("1", "alice", request("aks-a")))
            .await
            .expect("insert")
        else {
            panic!("written");
        };
        job.status = TaskStatus::Progress;
        job.phase = ProvisionPhase::CreatingCluster;
        job.step = 3;
        job.operation_url = Some("https://arm/op/1".into());
        job.pools = vec![PoolProgress {
            name: "system".into(),
            provisioning_state: "Creating".into(),
            count: 1,
            vm_size: "Standard_D2s_v5".into(),
        }];
        assert!(store.save_job(&job).await.expect("save"));
        let read = store.job_by_task("task-1").await.expect("read");
        assert_eq!(read.as_ref(), Some(&job));

        job.status = TaskStatus::Failure;
        job.phase = ProvisionPhase::Failed;
        job.finished_at_ms = Some(5_000);
        job.error = Some(TaskFailure {
            code: "QuotaExceeded".into(),
            message: "m".into(),
            raw: "{}".into(),
        });
        assert!(store.save_job(&job).await.expect("save"));
        job.status = TaskStatus::Success;
        assert!(!store.save_job(&job).await.expect("late write"), "ignored");
        let read = store
            .job_by_task("task-1")
            .await
            .expect("read")
            .expect("row");
        assert_eq!(read.status, TaskStatus::Failure);
        assert_eq!(store.unfinished_jobs().await.expect("read"), vec![]);
        let retry = store
            .insert_job(&new_job("2", "alice", request("aks-a")))
            .await
            .expect("insert");
        assert!(
            matches!(retry, InsertOutcome::Inserted(_)),
            "a retry after a failure is a new job"
        );
    }

    #[tokio::test]
    async fn a_corrupt_row_is_an_error_not_a_panic() {
        let (store, _dir) = store().await;
        store
            .insert_job(&new_job("1", "alice", request("aks-a")))
            .await
            .expect("insert");
        sqlx::query("UPDATE provision_jobs SET status = 'BOGUS'")
            .execute(&store.pool)
            .await
            .expect("corrupt it");
        let error = store.job_by_task("task-1").await.unwrap_err();
        assert!(error.to_string().contains("BOGUS"), "{error}");
    }
}
