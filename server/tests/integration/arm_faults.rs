//! Fault injection on real HTTP (issue 14): with each of the sandbox's faults switched on in its
//! world (throttle storms with `Retry-After`, 5xx bursts on reads, operation polls that hang past
//! the client's per-request timeout), a create through the provisioning service ends SUCCESS and
//! ARM accepted exactly one create PUT. And an operation read without a `status` is not taken
//! for success: the job follows the cluster to its own Succeeded.

mod counted_sandbox;

use super::support::jobs::{accepted_job, queued_job, request, until_job_finished};
use super::support::{SUBSCRIPTION, TestResult, credential, ensure, fast_world};
use arm_sandbox::world::World;
use counted_sandbox::{CountedSandbox, Counts};
use server::arm::{ApiVersions, ArmClient, ArmClientSettings, RetryPolicy};
use server::provisioning::{Provisioning, WorkerSettings};
use server::store::{JobRecord, SaveOutcome, Store};
use shared::caller::Caller;
use shared::progress::TaskStatus;
use shared::provision::ValidProvisionRequest;
use std::time::Duration;

/// The dashboard's service over a counted sandbox, with test timings: a 500 ms per-request
/// timeout (so a hanging poll costs half a second, not 90), quick retries, and a 200 ms poll
/// interval when ARM gives no `Retry-After`.
struct Rig {
    sandbox: CountedSandbox,
    arm: ArmClient,
    store: Store,
    provisioning: Provisioning,
    alice: Caller,
    _database: tempfile::TempDir,
}

impl Rig {
    async fn start(world: World) -> TestResult<Self> {
        let sandbox = CountedSandbox::start(world).await;
        let arm = ArmClient::with_settings(
            url::Url::parse(&sandbox.base_url)?,
            credential(),
            ApiVersions::default(),
            ArmClientSettings {
                request_timeout: Duration::from_millis(500),
                retry: RetryPolicy {
                    initial_backoff: Duration::from_millis(50),
                    ..RetryPolicy::default()
                },
                ..ArmClientSettings::default()
            },
        )?;
        let database = tempfile::tempdir()?;
        let store = Store::open(&format!(
            "sqlite://{}",
            database.path().join("jobs.db").display()
        ))
        .await?;
        let settings = WorkerSettings {
            poll_interval_without_retry_after: Duration::from_millis(200),
            ..WorkerSettings::default()
        };
        Ok(Self {
            provisioning: Provisioning::new(store.clone(), arm.clone(), settings),
            sandbox,
            arm,
            store,
            alice: Caller {
                object_id: "alice-object-id".into(),
                display_name: "Alice".into(),
                ..Default::default()
            },
            _database: database,
        })
    }

    /// Creates `cluster` through the service and waits for the job's end.
    async fn create(&self, cluster: &str) -> TestResult<JobRecord> {
        let valid = ValidProvisionRequest::try_from(request(cluster, &format!("rg-{cluster}"))?)
            .map_err(|error| format!("{error:?}"))?;
        let accepted = self.provisioning.start(&self.alice, valid).await?;
        until_job_finished(&self.store, &accepted.task_id).await
    }

    fn counts(&self) -> &Counts {
        &self.sandbox.counts
    }
}

/// Checks the one outcome every fault must leave: SUCCESS, and one create ARM accepted.
fn ensure_one_successful_create(job: &JobRecord, counts: &Counts) -> TestResult {
    ensure(
        job.status == TaskStatus::Success,
        format!("the job ends SUCCESS: {job:?}"),
    )?;
    ensure(
        Counts::get(&counts.creates_accepted) == 1,
        format!("one create PUT accepted: {counts:?}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_survives_throttle_storms_with_retry_after() -> TestResult {
    let mut world = fast_world();
    // Of every 8 ARM requests the last 2 are throttled, each with Retry-After: 1.
    world.faults.throttle_burst_every = 8;
    world.faults.throttle_burst_length = 2;
    world.faults.throttle_retry_after_seconds = 1;
    let rig = Rig::start(world).await?;
    let job = rig.create("aks-storm").await?;
    ensure_one_successful_create(&job, rig.counts())?;
    ensure(
        Counts::get(&rig.counts().throttled) >= 2,
        format!("the job met a storm: {:?}", rig.counts()),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_put_caught_in_a_throttle_storm_is_accepted_once() -> TestResult {
    // A storm that catches every call after the first: only each third request passes, so the
    // create PUT is throttled twice before ARM takes it. Retry-After: 0 keeps the test short.
    let mut world = fast_world();
    world.faults.throttle_burst_every = 3;
    world.faults.throttle_burst_length = 2;
    world.faults.throttle_retry_after_seconds = 0;
    let rig = Rig::start(world).await?;
    let job = rig.create("aks-gale").await?;
    ensure_one_successful_create(&job, rig.counts())?;
    ensure(
        Counts::get(&rig.counts().creates_throttled) >= 1,
        format!("the create PUT met the storm: {:?}", rig.counts()),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_survives_server_error_bursts_on_reads() -> TestResult {
    let mut world = fast_world();
    // Of every 3 reads (polls included) the last 2 answer 503.
    world.faults.read_error_burst_every = 3;
    world.faults.read_error_burst_length = 2;
    let rig = Rig::start(world).await?;
    let job = rig.create("aks-bursts").await?;
    ensure_one_successful_create(&job, rig.counts())?;
    ensure(
        Counts::get(&rig.counts().reads_failed) >= 2
            && Counts::get(&rig.counts().writes_failed) == 0,
        format!("reads met the bursts, writes never: {:?}", rig.counts()),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_survives_polls_that_hang_past_the_client_timeout() -> TestResult {
    let mut world = fast_world();
    // Every second poll hangs 3 s; the client gives up after 500 ms and reads again.
    world.faults.poll_hang_every_nth = 2;
    world.faults.poll_hang_ms = 3000;
    let rig = Rig::start(world).await?;
    let job = rig.create("aks-hang").await?;
    ensure_one_successful_create(&job, rig.counts())?;
    ensure(
        Counts::get(&rig.counts().polls) >= 3,
        format!("a poll hung and was read again: {:?}", rig.counts()),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_status_read_without_a_status_is_followed_to_the_cluster_s_own_success() -> TestResult {
    let rig = Rig::start(fast_world()).await?;
    let job = queued_job(&rig.store, &rig.alice, request("aks-mute", "rg-mute")?).await?;
    let mut job = accepted_job(&rig.store, &rig.arm, job).await?;
    // The job's operation URL answers 200 with the cluster, still Creating, and no `status`
    // (as a Location URL's final answer carries the resource): taken for success, the job
    // would fail its verification ("the operation succeeded but the cluster is Creating").
    job.operation_url = Some(format!(
        "{}/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-mute/providers/Microsoft.ContainerService/managedClusters/aks-mute?api-version=2025-10-01",
        rig.sandbox.base_url
    ));
    ensure(
        rig.store.save_job(&job).await? == SaveOutcome::Saved,
        "job saved",
    )?;
    ensure(rig.provisioning.resume().await?.jobs == 1, "resumed")?;
    let job = until_job_finished(&rig.store, &job.task_id).await?;
    ensure(
        job.status == TaskStatus::Success && job.cluster_state.as_deref() == Some("Succeeded"),
        format!("followed to the cluster's Succeeded: {job:?}"),
    )?;
    ensure(
        Counts::get(&rig.counts().creates_accepted) == 1,
        "one create",
    )
}
