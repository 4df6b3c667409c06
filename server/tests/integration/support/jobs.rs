//! Helpers that drive the provisioning service and its store directly, below HTTP: jobs written
//! as a process that died would have left them, for the restart tests.

use super::{SUBSCRIPTION, TestResult, create_body, ensure};
use server::arm::ArmClient;
use server::arm::models::{ManagedClusterSpec, NodePoolSpec};
use server::provisioning::{JOB_TAG, Provisioning, WorkerSettings};
use server::store::{InsertOutcome, JobRecord, NewJob, SaveOutcome, Store};
use shared::caller::Caller;
use shared::progress::{ProvisionPhase, TaskStatus};
use shared::provision::ProvisionRequest;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// A store in a temp dir, a service over it and `arm`, and alice.
pub async fn service(
    arm: &ArmClient,
) -> TestResult<(Store, Provisioning, Caller, tempfile::TempDir)> {
    service_with(arm, WorkerSettings::default()).await
}

/// [`service`] with its workers' `settings`.
pub async fn service_with(
    arm: &ArmClient,
    settings: WorkerSettings,
) -> TestResult<(Store, Provisioning, Caller, tempfile::TempDir)> {
    let directory = tempfile::tempdir()?;
    let url = format!("sqlite://{}", directory.path().join("jobs.db").display());
    let store = Store::open(&url).await?;
    let provisioning = Provisioning::new(store.clone(), arm.clone(), settings);
    let alice = Caller {
        object_id: "alice-object-id".into(),
        display_name: "Alice".into(),
        ..Default::default()
    };
    Ok((store, provisioning, alice, directory))
}

/// The request `create_body` describes, as the store keeps it.
pub fn request(cluster: &str, group: &str) -> TestResult<ProvisionRequest> {
    Ok(
        serde_json::from_value::<ProvisionRequest>(create_body(cluster, "eastus", group))?
            .normalized(),
    )
}

/// Now, in milliseconds since the Unix epoch (the job row's clock).
pub fn epoch_ms() -> TestResult<i64> {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    Ok(i64::try_from(since_epoch.as_millis())?)
}

/// Writes a queued job for `request` as `start` would, without starting a worker (as if the
/// process died right after).
pub async fn queued_job(
    store: &Store,
    owner: &Caller,
    request: ProvisionRequest,
) -> TestResult<JobRecord> {
    let id = uuid::Uuid::new_v4().to_string();
    let job = NewJob {
        job_id: format!("job-{id}"),
        task_id: id,
        owner: owner.clone(),
        request,
        created_at_ms: epoch_ms()?,
    };
    match store.insert_job(&job).await? {
        InsertOutcome::Inserted(record) => Ok(record),
        InsertOutcome::AlreadyRunning(_) => Err("the cluster has a job already".into()),
    }
}

/// Sends the create of `job`'s cluster to the sandbox and saves the job as a worker does after
/// Azure accepted it.
pub async fn accepted_job(
    store: &Store,
    arm: &ArmClient,
    mut job: JobRecord,
) -> TestResult<JobRecord> {
    let request = job.request.clone();
    arm.create_resource_group(SUBSCRIPTION, &request.resource_group, &request.region)
        .await?;
    let spec = ManagedClusterSpec {
        location: request.region.clone(),
        dns_prefix: request.dns_prefix(),
        kubernetes_version: None,
        pools: vec![NodePoolSpec {
            name: "system".into(),
            mode: "System".into(),
            vm_size: request.system_vm_size.clone(),
            count: request.system_node_count,
        }],
        // The job's ownership mark, as the worker's create carries it.
        tags: BTreeMap::from([(JOB_TAG.to_owned(), job.job_id.clone())]),
        zones: Vec::new(),
        subnet_id: None,
    };
    let accepted = arm
        .create_cluster(
            SUBSCRIPTION,
            &request.resource_group,
            &request.cluster_name,
            &spec,
        )
        .await?;
    job.status = TaskStatus::Progress;
    job.phase = ProvisionPhase::CreatingCluster;
    job.step = 3;
    job.arm_started_at_ms = Some(epoch_ms()?);
    job.operation_url = Some(accepted.operation.status_url);
    job.cluster_state = Some("Creating".into());
    ensure(
        store.save_job(&job).await? == SaveOutcome::Saved,
        "job saved",
    )?;
    Ok(job)
}

/// Reads the job every 20 ms until it finished.
pub async fn until_job_finished(store: &Store, task_id: &str) -> TestResult<JobRecord> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let job = store.job_by_task(task_id).await?.ok_or("job row")?;
        if job.finished_at_ms.is_some() {
            return Ok(job);
        }
        ensure(
            Instant::now() < deadline,
            format!("never finished: {job:?}"),
        )?;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
