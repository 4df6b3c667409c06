//! The `provision_jobs` table: inserting a job (with the double-submit rule), reading jobs back
//! for their owner and for resume, saving what the worker learns, and recording a cancel. The
//! deletion of a finished job's partial cluster is written by [`super::deletions`].
//!
//! The worker is the only writer of a running job's progress; every save is conditional on the
//! row not having finished, so once a job is finished no late write can change it. A cancel is
//! one conditional statement too ([`Store::request_cancel`]): it only lands on an unfinished row
//! without a cancel, and from then on the worker's ordinary saves are refused and only its
//! REVOKED end ([`Store::finish_cancelled_job`]) is accepted. So a cancel racing the job's own
//! success or failure ends in exactly one of the two, whichever statement SQLite ran first.

use super::engine::on_engine;
use super::{Store, StoreError};
use shared::admin::CancelActor;
use shared::caller::Caller;
use shared::progress::{
    DeletionState, PoolProgress, ProvisionPhase, ProvisionResult, TaskFailure, TaskStatus,
};
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
    /// The resourceUID of the job's own cluster, once seen (ownership mark, docs/PRODUCT.md §4).
    pub cluster_resource_uid: Option<String>,
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
    /// Epoch ms since when it waits for its owner to sign in again (their Azure sign-in ended).
    pub waiting_for_sign_in_since_ms: Option<i64>,
    /// Epoch ms when its owner (or an administrator) asked to cancel it.
    pub cancel_requested_at_ms: Option<i64>,
    /// Who asked to cancel it, and whether they did so as an administrator.
    pub cancelled_by: Option<CancelActor>,
    /// The deletion of the partial cluster it left, once its owner asked for one.
    pub deletion: Option<DeletionRecord>,
    /// The replica whose lease covers the work on it, if any ([`super::leases`]).
    pub lease_holder: Option<String>,
    /// The lease's fencing number as this record was read or acquired: the work's writes
    /// carry it and are refused once the lease changed hands.
    pub lease_fence: i64,
}

/// The deletion of a finished job's partial cluster, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletionRecord {
    /// Where it stands.
    pub state: DeletionState,
    /// The latest thing it did, in words (ARM's message when it failed).
    pub message: String,
    /// Object id of who asked for it.
    pub requested_by: String,
    /// Epoch ms when it was asked for.
    pub started_at_ms: i64,
    /// Epoch ms when it ended (deleted or failed).
    pub finished_at_ms: Option<i64>,
    /// The DELETE's operation URL, once ARM accepted it.
    pub operation_url: Option<String>,
}

/// What saving a job did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    /// The row now holds the job.
    Saved,
    /// Nothing changed: the row had already finished (or no longer exists).
    Finished,
    /// Nothing changed: its owner asked to cancel it; only the cancelled end may be saved.
    CancelRequested,
    /// Nothing changed: the job's lease changed hands since the writer got it (another replica
    /// took it over, or this one handed it back); the writer must stop without writing.
    LeaseLost,
}

#[derive(FromRow)]
pub(super) struct JobRow {
    job_id: String,
    task_id: String,
    owner_tenant_id: String,
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
    cluster_resource_uid: Option<String>,
    pools_json: String,
    portal_url: Option<String>,
    percent_complete: Option<f64>,
    error_code: Option<String>,
    error_message: Option<String>,
    error_raw: Option<String>,
    result_json: Option<String>,
    waiting_for_sign_in_since_ms: Option<i64>,
    cancel_requested_at_ms: Option<i64>,
    cancelled_by: Option<String>,
    cancelled_by_tenant_id: Option<String>,
    cancelled_by_display_name: Option<String>,
    cancelled_as_admin: bool,
    deletion_state: Option<String>,
    deletion_message: Option<String>,
    deletion_requested_by: Option<String>,
    deletion_started_at_ms: Option<i64>,
    deletion_finished_at_ms: Option<i64>,
    deletion_operation_url: Option<String>,
    lease_holder: Option<String>,
    lease_fence: i64,
}

pub(super) const COLUMNS: &str = "job_id, task_id, owner_tenant_id, owner_object_id, owner_display_name, \
    request_json, status, phase, step, message, created_at_ms, updated_at_ms, arm_started_at_ms, \
    finished_at_ms, operation_url, resource_group_created, cluster_state, cluster_resource_uid, \
    pools_json, \
    portal_url, percent_complete, error_code, error_message, error_raw, result_json, \
    waiting_for_sign_in_since_ms, cancel_requested_at_ms, cancelled_by, cancelled_by_tenant_id, cancelled_by_display_name, \
    cancelled_as_admin, deletion_state, deletion_message, \
    deletion_requested_by, deletion_started_at_ms, deletion_finished_at_ms, \
    deletion_operation_url, lease_holder, lease_fence";

/// The condition on a job's owner columns that matches `Caller::is`: binds the object id, then
/// the tenant id.
pub(super) const OWNED_BY: &str =
    "owner_object_id = ? AND (owner_tenant_id = ? OR owner_tenant_id = '')";

impl JobRow {
    pub(super) fn into_record(self) -> Result<JobRecord, StoreError> {
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
            classification: None,
            code,
            message: self.error_message.unwrap_or_default(),
            raw: self.error_raw.unwrap_or_default(),
        });
        let deletion = match (self.deletion_state, self.deletion_started_at_ms) {
            (None, _) => None,
            (Some(state), Some(started_at_ms)) => Some(DeletionRecord {
                state: DeletionState::parse(&state)
                    .ok_or_else(|| corrupt(format!("deletion_state {state:?}")))?,
                message: self.deletion_message.unwrap_or_default(),
                requested_by: self.deletion_requested_by.unwrap_or_default(),
                started_at_ms,
                finished_at_ms: self.deletion_finished_at_ms,
                operation_url: self.deletion_operation_url,
            }),
            (Some(_), None) => return Err(corrupt("deletion without a start time".into())),
        };
        Ok(JobRecord {
            job_id: self.job_id,
            task_id: self.task_id,
            owner: Caller {
                tenant_id: self.owner_tenant_id,
                object_id: self.owner_object_id,
                display_name: self.owner_display_name,
                roles: Vec::new(),
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
            cluster_resource_uid: self.cluster_resource_uid,
            pools,
            portal_url: self.portal_url,
            percent_complete: self.percent_complete,
            error,
            result,
            waiting_for_sign_in_since_ms: self.waiting_for_sign_in_since_ms,
            cancel_requested_at_ms: self.cancel_requested_at_ms,
            // Rows cancelled before the actor was recorded hold only the object id; their
            // owners cancelled them.
            cancelled_by: self.cancelled_by.map(|object_id| CancelActor {
                person: Caller {
                    tenant_id: self.cancelled_by_tenant_id.unwrap_or_default(),
                    object_id,
                    display_name: self.cancelled_by_display_name.unwrap_or_default(),
                    roles: Vec::new(),
                },
                administrator: self.cancelled_as_admin,
            }),
            deletion,
            lease_holder: self.lease_holder,
            lease_fence: self.lease_fence,
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

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Serializing these plain structs cannot fail; an empty object would still be readable.
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

impl Store {
    /// Writes a queued job, with this store's replica holding its lease, unless a job for the
    /// same cluster is still running, in which case that job is returned and nothing is written
    /// (one statement, so two submits racing each other still produce one job).
    #[tracing::instrument(skip_all, err, fields(job_id = %job.job_id))]
    pub async fn insert_job(&self, job: &NewJob) -> Result<InsertOutcome, StoreError> {
        let key = active_key(&job.request);
        let request = &job.request;
        let phase = ProvisionPhase::Queued;
        let inserted = on_engine!(
            &self.engine,
            "INSERT INTO provision_jobs (job_id, task_id, owner_tenant_id, owner_object_id, \
             owner_display_name, subscription_id, resource_group, region, cluster_name, \
             request_json, status, phase, step, message, created_at_ms, updated_at_ms, active_key, \
             lease_holder, lease_until_ms, lease_fence) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, CLOCK_MS + ?, 1) \
             ON CONFLICT (active_key) DO NOTHING",
            |pool, sql| sqlx::query(sql)
                .bind(&job.job_id)
                .bind(&job.task_id)
                .bind(&job.owner.tenant_id)
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
                .bind(&self.lease.holder)
                .bind(self.lease.ttl_ms())
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        )?;
        if inserted == 1 {
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
        on_engine!(
            &self.engine,
            format!("SELECT {COLUMNS} FROM provision_jobs WHERE active_key = ?"),
            |pool, sql| sqlx::query_as::<_, JobRow>(sql)
                .bind(active_key(request))
                .fetch_optional(pool)
                .await
        )?
        .map(JobRow::into_record)
        .transpose()
    }

    /// The job with `task_id`, whoever owns it (the caller checks ownership).
    pub async fn job_by_task(&self, task_id: &str) -> Result<Option<JobRecord>, StoreError> {
        self.job_where(JobKey::TaskId, task_id).await
    }

    /// The job with row id `job_id`, whoever owns it (the caller checks ownership).
    pub async fn job_by_id(&self, job_id: &str) -> Result<Option<JobRecord>, StoreError> {
        self.job_where(JobKey::JobId, job_id).await
    }

    /// The one job whose `key` column holds `value`.
    async fn job_where(&self, key: JobKey, value: &str) -> Result<Option<JobRecord>, StoreError> {
        on_engine!(
            &self.engine,
            format!(
                "SELECT {COLUMNS} FROM provision_jobs WHERE {} = ?",
                key.column()
            ),
            |pool, sql| sqlx::query_as::<_, JobRow>(sql)
                .bind(value)
                .fetch_optional(pool)
                .await
        )?
        .map(JobRow::into_record)
        .transpose()
    }

    /// Every job that has not finished, oldest first (resume after a restart).
    pub async fn unfinished_jobs(&self) -> Result<Vec<JobRecord>, StoreError> {
        on_engine!(
            &self.engine,
            format!(
                "SELECT {COLUMNS} FROM provision_jobs WHERE finished_at_ms IS NULL \
             ORDER BY created_at_ms, job_id"
            ),
            |pool, sql| sqlx::query_as::<_, JobRow>(sql).fetch_all(pool).await
        )?
        .into_iter()
        .map(JobRow::into_record)
        .collect()
    }

    /// The jobs of `owner` that something still works on, oldest first (the banner, also after
    /// a reload): the unfinished ones, and the finished ones whose partial cluster is being
    /// deleted.
    pub async fn active_jobs_of(&self, owner: &Caller) -> Result<Vec<JobRecord>, StoreError> {
        on_engine!(
            &self.engine,
            format!(
                "SELECT {COLUMNS} FROM provision_jobs \
             WHERE {OWNED_BY} \
             AND (finished_at_ms IS NULL OR deletion_state = 'deleting') \
             ORDER BY created_at_ms, job_id"
            ),
            |pool, sql| sqlx::query_as::<_, JobRow>(sql)
                .bind(&owner.object_id)
                .bind(&owner.tenant_id)
                .fetch_all(pool)
                .await
        )?
        .into_iter()
        .map(JobRow::into_record)
        .collect()
    }

    /// Saves everything the worker may change about `job`. A finished job is saved with
    /// `finished_at_ms` set and releases its cluster for new submits. Changes nothing, and says
    /// why, when the stored row had already finished or its owner asked to cancel it.
    #[tracing::instrument(skip_all, err, fields(job_id = %job.job_id, status = job.status.as_str()))]
    pub async fn save_job(&self, job: &JobRecord) -> Result<SaveOutcome, StoreError> {
        self.save(job, WriteAfterCancel::Refused).await
    }

    /// Saves the REVOKED end of a job whose cancel was recorded ([`Store::request_cancel`]).
    /// Changes nothing when the row had already finished (or has no cancel request).
    #[tracing::instrument(skip_all, err, fields(job_id = %job.job_id))]
    pub async fn finish_cancelled_job(&self, job: &JobRecord) -> Result<SaveOutcome, StoreError> {
        self.save(job, WriteAfterCancel::Required).await
    }

    async fn save(
        &self,
        job: &JobRecord,
        after_cancel: WriteAfterCancel,
    ) -> Result<SaveOutcome, StoreError> {
        let (error_code, error_message, error_raw) = match &job.error {
            Some(error) => (
                Some(error.code.as_str()),
                Some(error.message.as_str()),
                Some(error.raw.as_str()),
            ),
            None => (None, None, None),
        };
        let finished = job.finished_at_ms.is_some();
        let saved = on_engine!(
            &self.engine,
            "UPDATE provision_jobs SET status = ?, phase = ?, step = ?, message = ?, \
             updated_at_ms = ?, arm_started_at_ms = ?, finished_at_ms = ?, operation_url = ?, \
             resource_group_created = ?, cluster_state = ?, cluster_resource_uid = ?, \
             pools_json = ?, portal_url = ?, \
             percent_complete = ?, error_code = ?, error_message = ?, error_raw = ?, \
             result_json = ?, waiting_for_sign_in_since_ms = ?, \
             active_key = CASE WHEN ? THEN NULL ELSE active_key END, \
             lease_holder = CASE WHEN ? THEN NULL ELSE lease_holder END \
             WHERE job_id = ? AND finished_at_ms IS NULL AND lease_fence = ? \
             AND (cancel_requested_at_ms IS NOT NULL) = ?",
            |pool, sql| sqlx::query(sql)
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
                .bind(&job.cluster_resource_uid)
                .bind(to_json(&job.pools))
                .bind(&job.portal_url)
                .bind(job.percent_complete)
                .bind(error_code)
                .bind(error_message)
                .bind(error_raw)
                .bind(job.result.as_ref().map(to_json))
                .bind(job.waiting_for_sign_in_since_ms)
                .bind(finished)
                .bind(finished)
                .bind(&job.job_id)
                .bind(job.lease_fence)
                .bind(after_cancel == WriteAfterCancel::Required)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        )?;
        if saved == 1 {
            return Ok(SaveOutcome::Saved);
        }
        // Refused: say why. Only the lease's holder finishes a row with a cancel request, so the
        // answer cannot go stale between the two statements.
        let unfinished: Option<(bool, i64)> = on_engine!(
            &self.engine,
            "SELECT cancel_requested_at_ms IS NOT NULL, lease_fence FROM provision_jobs \
             WHERE job_id = ? AND finished_at_ms IS NULL",
            |pool, sql| sqlx::query_as(sql)
                .bind(&job.job_id)
                .fetch_optional(pool)
                .await
        )?;
        Ok(match unfinished {
            Some((_, fence)) if fence != job.lease_fence => SaveOutcome::LeaseLost,
            Some((true, _)) if after_cancel == WriteAfterCancel::Refused => {
                SaveOutcome::CancelRequested
            }
            _ => SaveOutcome::Finished,
        })
    }

    /// Records that `actor` asked at `at_ms` to cancel the job, with `message` as its
    /// latest message, when the job has not finished and no cancel was recorded before (one
    /// statement, so racing cancels and the worker's own end cannot both win). Answers the
    /// job's status at that moment when this call recorded the cancel, `None` when it did not.
    #[tracing::instrument(skip_all, err, fields(job_id = %job_id))]
    pub async fn request_cancel(
        &self,
        job_id: &str,
        actor: &CancelActor,
        at_ms: i64,
        message: &str,
    ) -> Result<Option<TaskStatus>, StoreError> {
        let status: Option<String> = on_engine!(
            &self.engine,
            "UPDATE provision_jobs SET cancel_requested_at_ms = ?, cancelled_by = ?, \
             cancelled_by_tenant_id = ?, cancelled_by_display_name = ?, cancelled_as_admin = ?, \
             message = ?, updated_at_ms = ? \
             WHERE job_id = ? AND finished_at_ms IS NULL AND cancel_requested_at_ms IS NULL \
             RETURNING status",
            |pool, sql| sqlx::query_scalar(sql)
                .bind(at_ms)
                .bind(&actor.person.object_id)
                .bind(&actor.person.tenant_id)
                .bind(&actor.person.display_name)
                .bind(actor.administrator)
                .bind(message)
                .bind(at_ms)
                .bind(job_id)
                .fetch_optional(pool)
                .await
        )?;
        status
            .map(|status| {
                TaskStatus::parse(&status).ok_or_else(|| StoreError::Corrupt {
                    job_id: job_id.to_owned(),
                    problem: format!("status {status:?}"),
                })
            })
            .transpose()
    }
}

/// A unique column a single job is looked up by (a closed set, so the column name spliced into
/// the query is never user input).
#[derive(Clone, Copy)]
enum JobKey {
    TaskId,
    JobId,
}

impl JobKey {
    fn column(self) -> &'static str {
        match self {
            Self::TaskId => "task_id",
            Self::JobId => "job_id",
        }
    }
}

/// Whether a save is the worker's progress (refused once a cancel is recorded) or the REVOKED
/// end that a recorded cancel requires.
#[derive(Clone, Copy, PartialEq, Eq)]
enum WriteAfterCancel {
    Refused,
    Required,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{temp_store, test_owner};

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
            zones: Vec::new(),
            subnet_id: None,
        }
    }

    /// Alice's cancel of her own job.
    fn by_alice() -> CancelActor {
        CancelActor::of(&test_owner("alice"), &test_owner("alice"))
    }

    fn new_job(id: &str, owner: &str, request: ProvisionRequest) -> NewJob {
        NewJob {
            job_id: format!("job-{id}"),
            task_id: format!("task-{id}"),
            owner: test_owner(owner),
            request,
            created_at_ms: 1_000,
        }
    }

    #[tokio::test]
    async fn a_job_round_trips_and_a_second_submit_finds_it() {
        let (store, _dir) = temp_store().await;
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
        assert_eq!(
            store.job_by_id("job-1").await.expect("read").as_ref(),
            Some(&first),
            "the same row by its id"
        );
        assert_eq!(store.job_by_id("task-1").await.expect("read"), None);
        assert_eq!(store.unfinished_jobs().await.expect("read").len(), 1);
        assert_eq!(
            store
                .active_jobs_of(&test_owner("bob"))
                .await
                .expect("read"),
            vec![]
        );
    }

    #[tokio::test]
    async fn a_finished_job_frees_its_cluster_and_ignores_late_writes() {
        let (store, _dir) = temp_store().await;
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
        assert_eq!(
            store.save_job(&job).await.expect("save"),
            SaveOutcome::Saved
        );
        let read = store.job_by_task("task-1").await.expect("read");
        assert_eq!(read.as_ref(), Some(&job));

        job.status = TaskStatus::Failure;
        job.phase = ProvisionPhase::Failed;
        job.finished_at_ms = Some(5_000);
        job.error = Some(TaskFailure {
            classification: None,
            code: "QuotaExceeded".into(),
            message: "m".into(),
            raw: "{}".into(),
        });
        assert_eq!(
            store.save_job(&job).await.expect("save"),
            SaveOutcome::Saved
        );
        job.status = TaskStatus::Success;
        assert_eq!(
            store.save_job(&job).await.expect("late write"),
            SaveOutcome::Finished,
            "ignored"
        );
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

    /// A running job of alice's for `cluster`, saved at step 3.
    async fn running_job(store: &Store, id: &str, cluster: &str) -> JobRecord {
        let InsertOutcome::Inserted(mut job) = store
            .insert_job(&new_job(id, "alice", request(cluster)))
            .await
            .expect("insert")
        else {
            panic!("written");
        };
        job.status = TaskStatus::Progress;
        job.phase = ProvisionPhase::CreatingCluster;
        job.step = 3;
        assert_eq!(
            store.save_job(&job).await.expect("save"),
            SaveOutcome::Saved
        );
        job
    }

    fn revoked(mut job: JobRecord) -> JobRecord {
        job.status = TaskStatus::Revoked;
        job.phase = ProvisionPhase::CancelledByUser;
        job.message = "Cancelled.".into();
        job.finished_at_ms = Some(9_000);
        job
    }

    #[tokio::test]
    async fn a_cancel_recorded_first_wins_over_the_worker_s_success() {
        let (store, _dir) = temp_store().await;
        let job = running_job(&store, "1", "aks-a").await;
        let recorded = store
            .request_cancel(&job.job_id, &by_alice(), 5_000, "Stopping.")
            .await
            .expect("cancel");
        assert_eq!(recorded, Some(TaskStatus::Progress));
        let second = store
            .request_cancel(&job.job_id, &by_alice(), 5_001, "Stopping again.")
            .await
            .expect("second cancel");
        assert_eq!(second, None, "a second cancel records nothing");
        let settling = store.job_by_task("task-1").await.expect("read");
        assert_eq!(
            settling.map(|job| (job.status, job.message)),
            Some((TaskStatus::Progress, "Stopping.".to_owned())),
            "the first cancel's message; the worker writes the status"
        );

        let mut succeeded = job.clone();
        succeeded.status = TaskStatus::Success;
        succeeded.finished_at_ms = Some(6_000);
        assert_eq!(
            store.save_job(&succeeded).await.expect("save"),
            SaveOutcome::CancelRequested,
            "the worker's success is refused once a cancel is recorded"
        );
        assert_eq!(
            store
                .finish_cancelled_job(&revoked(job.clone()))
                .await
                .expect("finish"),
            SaveOutcome::Saved
        );
        let read = store
            .job_by_task("task-1")
            .await
            .expect("read")
            .expect("row");
        assert_eq!(read.status, TaskStatus::Revoked);
        assert_eq!(read.cancel_requested_at_ms, Some(5_000));
        assert_eq!(read.cancelled_by, Some(by_alice()));
        assert_eq!(read.message, "Cancelled.", "the worker's closing message");
        assert_eq!(
            store.save_job(&succeeded).await.expect("late save"),
            SaveOutcome::Finished
        );
        assert!(
            matches!(
                store
                    .insert_job(&new_job("2", "alice", request("aks-a")))
                    .await,
                Ok(InsertOutcome::Inserted(_))
            ),
            "a cancelled job frees its cluster"
        );
    }

    #[tokio::test]
    async fn a_success_saved_first_wins_over_the_cancel() {
        let (store, _dir) = temp_store().await;
        let job = running_job(&store, "1", "aks-a").await;
        let mut succeeded = job.clone();
        succeeded.status = TaskStatus::Success;
        succeeded.finished_at_ms = Some(6_000);
        assert_eq!(
            store.save_job(&succeeded).await.expect("save"),
            SaveOutcome::Saved
        );
        let recorded = store
            .request_cancel(&job.job_id, &by_alice(), 7_000, "Stopping.")
            .await
            .expect("cancel");
        assert_eq!(recorded, None, "nothing to cancel");
        assert_eq!(
            store
                .finish_cancelled_job(&revoked(job))
                .await
                .expect("finish"),
            SaveOutcome::Finished
        );
        let read = store
            .job_by_task("task-1")
            .await
            .expect("read")
            .expect("row");
        assert_eq!(read.status, TaskStatus::Success);
        assert_eq!(read.cancel_requested_at_ms, None);
    }

    #[tokio::test]
    async fn the_cancelled_end_needs_a_recorded_cancel() {
        let (store, _dir) = temp_store().await;
        let job = running_job(&store, "1", "aks-a").await;
        assert_eq!(
            store
                .finish_cancelled_job(&revoked(job))
                .await
                .expect("finish"),
            SaveOutcome::Finished,
            "no cancel request: refused"
        );
        let read = store
            .job_by_task("task-1")
            .await
            .expect("read")
            .expect("row");
        assert_eq!(read.status, TaskStatus::Progress);
        assert_eq!(
            store
                .request_cancel("job-unknown", &by_alice(), 1, "m")
                .await
                .expect("cancel"),
            None
        );
    }

    #[tokio::test]
    async fn a_corrupt_row_is_an_error_not_a_panic() {
        let (store, _dir) = temp_store().await;
        store
            .insert_job(&new_job("1", "alice", request("aks-a")))
            .await
            .expect("insert");
        store
            .execute_for_test("UPDATE provision_jobs SET status = 'BOGUS'")
            .await
            .expect("corrupt it");
        let error = store.job_by_task("task-1").await.unwrap_err();
        assert!(error.to_string().contains("BOGUS"), "{error}");
    }
}
