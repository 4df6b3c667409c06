//! SIGKILL of the dashboard at ten random moments while creates and deletions of partial
//! clusters run (docs/PRODUCT.md §4): after each restart every job resumes from its row, and in
//! the end every job and deletion is in the state the sandbox shows, no job is lost, and the
//! sandbox accepted exactly one create per job. Once in sandbox mode (the cloud in-process, kept
//! in its state file, driven through the HTTP API) and once against a standalone sandbox (Azure
//! mode, the jobs written to the database as the API would). Each run prints its seed.

use super::support::processes::{self, Child, dashboard_process, free_address, standalone_sandbox};
use super::support::tasks::post_task;
use super::support::{
    SUBSCRIPTION, TestResult, create_body, ensure, http, post_create, sandbox_client, setting,
    sign_in,
};
use arm_sandbox::ACCEPTED_CREATES_PATH;
use serde_json::Value;
use server::provisioning::JOB_TAG;
use server::store::{JobRecord, NewJob, Store};
use shared::caller::Caller;
use shared::progress::{DELETING_MESSAGE, DeletionState, TaskStatus};
use shared::provision::ProvisionRequest;
use std::time::Duration;

/// Kills per run.
const KILLS: usize = 10;

/// Kills land within this long after a (re)start: before, around and after the create PUT, and
/// while creates, failures and deletes are followed.
const KILL_WINDOW_MS: u64 = 2_500;

/// The sandbox's timings: a PUT answers after 300 ms, a create takes 1.5 s (a swedencentral
/// create fails at 60 %), a delete 1 s; operations ask for a read every second.
const SANDBOX_TIMINGS: [(&str, &str); 4] = [
    ("SANDBOX_CREATE_SECONDS", "1.5"),
    ("SANDBOX_DELETE_SECONDS", "1"),
    ("SANDBOX_RETRY_AFTER_SECONDS", "1"),
    ("SANDBOX_VALIDATION_MS", "300"),
];

/// The resource group every job of a run uses.
const GROUP: &str = "rg-kill";

/// A small xorshift generator: the moments only need to differ, and the seed is printed so a
/// failing run can be replayed.
struct Moments(u64);

impl Moments {
    fn seeded() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |since| since.as_nanos() as u64)
            | 1;
        println!("kill moments seed: {seed}");
        Self(seed)
    }

    fn next(&mut self) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        let moment = Duration::from_millis(self.0 % KILL_WINDOW_MS);
        println!("kill after {moment:?}");
        moment
    }
}

/// What a run started: per cycle one create that succeeds (eastus) and one that fails midway
/// (swedencentral, leaving a partial cluster whose deletion a later cycle asks for).
#[derive(Default)]
struct Ledger {
    succeeding: Vec<String>,
    failing: Vec<String>,
    deleting: Vec<String>,
}

impl Ledger {
    fn names(cycle: usize) -> (String, String) {
        (format!("aks-ok-{cycle}"), format!("aks-fail-{cycle}"))
    }
}

/// The failed creates whose partial cluster may be deleted now and was not asked for yet.
async fn deletable(store: &Store, ledger: &Ledger) -> TestResult<Vec<JobRecord>> {
    let mut ready = Vec::new();
    for task_id in &ledger.failing {
        let job = store.job_by_task(task_id).await?.ok_or("failed job row")?;
        if job.status == TaskStatus::Failure
            && job.cluster_state.as_deref() == Some("Failed")
            && !ledger.deleting.contains(task_id)
        {
            ready.push(job);
        }
    }
    Ok(ready)
}

/// Waits until every job of the run finished and every deletion ended, then checks each
/// against the sandbox.
async fn ensure_consistent(store: &Store, sandbox_url: &str, ledger: &Ledger) -> TestResult {
    let arm = sandbox_client(sandbox_url)?;
    println!(
        "{} creates to succeed, {} to fail, {} partial clusters deleted",
        ledger.succeeding.len(),
        ledger.failing.len(),
        ledger.deleting.len()
    );
    ensure(
        !ledger.deleting.is_empty(),
        "some deletions ran across the kills",
    )?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let all: Vec<&String> = ledger.succeeding.iter().chain(&ledger.failing).collect();
    loop {
        let mut open = Vec::new();
        for task_id in &all {
            let job = store.job_by_task(task_id).await?.ok_or("job row")?;
            let deleting = job
                .deletion
                .as_ref()
                .is_some_and(|d| d.state == DeletionState::Deleting);
            if !job.status.is_finished() || deleting {
                open.push(format!("{} {:?}", job.request.cluster_name, job.status));
            }
        }
        if open.is_empty() {
            break;
        }
        ensure(
            tokio::time::Instant::now() < deadline,
            format!("never finished: {open:?}"),
        )?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let accepted: Value = http()
        .get(format!("{sandbox_url}{ACCEPTED_CREATES_PATH}"))
        .send()
        .await?
        .json()
        .await?;
    for task_id in all {
        let job = store.job_by_task(task_id).await?.ok_or("job row")?;
        let name = &job.request.cluster_name;
        let cluster = arm.get_cluster(SUBSCRIPTION, GROUP, name).await?;
        let id = format!(
            "/subscriptions/{SUBSCRIPTION}/resourcegroups/{GROUP}/providers/microsoft.containerservice/managedclusters/{name}"
        );
        let creates = accepted[id.as_str()].as_u64().unwrap_or(0);
        ensure(
            creates == 1,
            format!(
                "{name}: {creates} creates accepted; the job is {:?}: {}",
                job.status, job.message
            ),
        )?;
        let deleted = ledger.deleting.contains(task_id);
        let consistent = match (&cluster, job.status) {
            (Some(cluster), TaskStatus::Success) => cluster.provisioning_state() == "Succeeded",
            (Some(cluster), TaskStatus::Failure) => {
                !deleted && cluster.provisioning_state() == "Failed"
            }
            (None, TaskStatus::Failure) => {
                deleted
                    && job
                        .deletion
                        .as_ref()
                        .is_some_and(|d| d.state == DeletionState::Deleted)
            }
            _ => false,
        };
        let tagged = cluster.as_ref().is_none_or(|cluster| {
            cluster
                .tags
                .as_ref()
                .and_then(|tags| tags.get(JOB_TAG))
                .is_some_and(|tag| *tag == job.job_id)
        });
        ensure(
            consistent && tagged,
            format!(
                "{name}: job {:?} (deletion {:?}) but the sandbox shows {:?}",
                job.status,
                job.deletion.map(|d| d.state),
                cluster.map(|c| c.provisioning_state().to_owned())
            ),
        )?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_mode_killed_ten_times_loses_no_job() -> TestResult {
    let directory = tempfile::tempdir()?;
    let database = directory.path().join("kill.db");
    let database_url = format!("sqlite://{}", database.display());
    let site_root = directory.path().display().to_string();
    let address = free_address()?;
    let mut env = vec![
        ("DASHBOARD_CLOUD", "sandbox"),
        ("DATABASE_URL", database_url.as_str()),
        ("LEPTOS_SITE_ROOT", site_root.as_str()),
        ("POLL_INTERVAL_SECONDS", "1"),
    ];
    env.extend(SANDBOX_TIMINGS);
    let base = format!("http://{address}");
    let mut moments = Moments::seeded();
    let mut ledger = Ledger::default();
    let mut store = None;
    for cycle in 0..KILLS {
        let mut dashboard = dashboard_process(&address, &env).await?;
        let store = match &store {
            Some(store) => store,
            None => store.insert(Store::open(&database_url).await?),
        };
        let cookie = sign_in(&base, "alice").await?;
        for job in deletable(store, &ledger).await? {
            let (status, answer) = post_task(
                &base,
                "/api/aks/delete-partial-cluster/{id}",
                &cookie,
                &job.task_id,
            )
            .await?;
            ensure(status.is_success(), format!("delete: {status} {answer}"))?;
            ledger.deleting.push(job.task_id);
        }
        let (ok, failing) = Ledger::names(cycle);
        for (name, region) in [(&ok, "eastus"), (&failing, "swedencentral")] {
            let (status, accepted) =
                post_create(&base, &cookie, &create_body(name, region, GROUP)).await?;
            ensure(status.is_success(), format!("create: {status} {accepted}"))?;
            let task_id = accepted["task_id"].as_str().ok_or("task_id")?.to_owned();
            if region == "eastus" {
                ledger.succeeding.push(task_id);
            } else {
                ledger.failing.push(task_id);
            }
        }
        tokio::time::sleep(moments.next()).await;
        kill(&mut dashboard).await?;
    }
    let _last = dashboard_process(&address, &env).await?;
    let state: Value = serde_json::from_slice(&std::fs::read(format!(
        "{}-sandbox-cloud.json",
        database.display()
    ))?)?;
    let sandbox_url = format!("http://{}", state["address"].as_str().ok_or("address")?);
    let store = store.ok_or("store")?;
    ensure_consistent(&store, &sandbox_url, &ledger).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dashboard_killed_ten_times_against_a_standalone_sandbox_loses_no_job() -> TestResult {
    let (_sandbox, settings) = standalone_sandbox(&SANDBOX_TIMINGS).await?;
    let sandbox_url = setting(&settings, "ARM_BASE_URL")?;
    let identity_endpoint = setting(&settings, "IDENTITY_ENDPOINT")?;
    let identity_header = setting(&settings, "IDENTITY_HEADER")?;
    let directory = tempfile::tempdir()?;
    let database_url = format!("sqlite://{}", directory.path().join("kill.db").display());
    let site_root = directory.path().display().to_string();
    let address = free_address()?;
    let mut env = processes::ENTRA_SETTINGS.to_vec();
    env.extend([
        ("DASHBOARD_CLOUD", "azure"),
        ("ARM_BASE_URL", sandbox_url.as_str()),
        ("AZURE_CREDENTIAL", "managed-identity"),
        ("IDENTITY_ENDPOINT", identity_endpoint.as_str()),
        ("IDENTITY_HEADER", identity_header.as_str()),
        ("DATABASE_URL", database_url.as_str()),
        ("LEPTOS_SITE_ROOT", site_root.as_str()),
        ("POLL_INTERVAL_SECONDS", "1"),
    ]);
    let store = Store::open(&database_url).await?;
    let owner = Caller {
        object_id: "kill-nine-owner".into(),
        display_name: "Kim".into(),
        ..Default::default()
    };
    let mut moments = Moments::seeded();
    let mut ledger = Ledger::default();
    for cycle in 0..KILLS {
        // Written as the API writes them; the restart below picks them up, as it does any job
        // a previous process left.
        for job in deletable(&store, &ledger).await? {
            store
                .start_deletion(&job.job_id, &owner.object_id, epoch_ms(), DELETING_MESSAGE)
                .await?;
            ledger.deleting.push(job.task_id);
        }
        let (ok, failing) = Ledger::names(cycle);
        for (name, region) in [(&ok, "eastus"), (&failing, "swedencentral")] {
            let request: ProvisionRequest =
                serde_json::from_value(create_body(name, region, GROUP))?;
            let task_id = uuid::Uuid::new_v4().to_string();
            store
                .insert_job(&NewJob {
                    job_id: uuid::Uuid::new_v4().to_string(),
                    task_id: task_id.clone(),
                    owner: owner.clone(),
                    request: request.normalized(),
                    created_at_ms: epoch_ms(),
                })
                .await?;
            if region == "eastus" {
                ledger.succeeding.push(task_id);
            } else {
                ledger.failing.push(task_id);
            }
        }
        let mut dashboard = dashboard_process(&address, &env).await?;
        tokio::time::sleep(moments.next()).await;
        kill(&mut dashboard).await?;
    }
    let _last = dashboard_process(&address, &env).await?;
    ensure_consistent(&store, &sandbox_url, &ledger).await
}

/// SIGKILL: no shutdown code runs.
async fn kill(dashboard: &mut Child) -> TestResult {
    dashboard.0.kill().await?;
    Ok(())
}

fn epoch_ms() -> i64 {
    super::support::jobs::epoch_ms().unwrap_or_default()
}
