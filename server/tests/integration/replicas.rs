//! Three dashboard replicas on one PostgreSQL and one standalone sandbox cloud (issue 17):
//! 30 creates spread across them, some cancelled through a replica that does not hold them,
//! one replica killed with SIGKILL and one stopped with SIGTERM while the creates run. In the
//! end every job is finished in the state the sandbox shows, none is lost, and the sandbox
//! accepted exactly one create PUT per job.

use super::support::postgres::fresh_database;
use super::support::processes::{Child, dashboard_process, free_address, standalone_sandbox};
use super::support::tasks::{CANCEL_ROUTE, post_task};
use super::support::{
    SESSION_SECRET, SUBSCRIPTION, TestResult, create_body, ensure, http, post_create,
    sandbox_client, setting, sign_in,
};
use arm_sandbox::ACCEPTED_CREATES_PATH;
use serde_json::Value;
use server::store::{JobRecord, Store};
use shared::progress::TaskStatus;
use std::time::Duration;

/// Creates per run.
const CREATES: usize = 30;

/// The sandbox's timings: creates take 8 s, so the kill and the drain land while most run.
const SANDBOX_TIMINGS: [(&str, &str); 4] = [
    ("SANDBOX_CREATE_SECONDS", "8"),
    ("SANDBOX_DELETE_SECONDS", "1"),
    ("SANDBOX_RETRY_AFTER_SECONDS", "1"),
    ("SANDBOX_VALIDATION_MS", "200"),
];

/// The resource group of every create.
const GROUP: &str = "rg-replicas";

/// A running dashboard replica.
struct Replica {
    base: String,
    pid: u32,
    process: Child,
}

impl Replica {
    /// Whether this replica is the lease holder `holder` names (`host/pid/random`).
    fn holds(&self, holder: &str) -> bool {
        holder.split('/').nth(1) == Some(self.pid.to_string().as_str())
    }
}

/// What a create is expected to end as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expected {
    Success,
    Failure,
    Cancelled,
}

#[tokio::test(flavor = "multi_thread")]
async fn three_replicas_lose_no_job_through_a_kill_and_a_drain() -> TestResult {
    let database_url = fresh_database("replicas").await?;
    let site = tempfile::tempdir()?;
    let (_sandbox, settings) = standalone_sandbox(&SANDBOX_TIMINGS).await?;
    let sandbox_url = setting(&settings, "ARM_BASE_URL")?;
    let site_root = site.path().display().to_string();
    let env = [
        ("DASHBOARD_CLOUD", "sandbox"),
        ("SANDBOX_URL", sandbox_url.as_str()),
        ("DATABASE_URL", database_url.as_str()),
        ("SESSION_SECRET", SESSION_SECRET),
        ("LEPTOS_SITE_ROOT", site_root.as_str()),
        ("POLL_INTERVAL_SECONDS", "1"),
        ("LEASE_TTL_SECONDS", "3"),
        ("MAX_RUNNING_JOBS_PER_USER", "100"),
        ("RATE_LIMIT_WRITES_PER_MINUTE", "1000"),
        ("RATE_LIMIT_PREFLIGHTS_PER_MINUTE", "1000"),
    ];
    let mut replicas = Vec::new();
    for _ in 0..3 {
        let address = free_address()?;
        let process = dashboard_process(&address, &env).await?;
        let pid = process.0.id().ok_or("replica pid")?;
        replicas.push(Replica {
            base: format!("http://{address}"),
            pid,
            process,
        });
    }
    let store = Store::open(&database_url).await?;
    // One sign-in serves every replica: the session lives in the shared database.
    let cookie = sign_in(&replicas[0].base, "alice").await?;

    let mut jobs = Vec::new();
    for n in 0..CREATES {
        // Within the default world's quotas: 18 clusters of 6 vCPUs in eastus, 6 in
        // westeurope, and 6 in swedencentral, which fail midway (out of capacity).
        let (region, expected) = match n % 5 {
            0 | 2 => ("eastus", Expected::Success),
            1 => ("eastus", Expected::Cancelled),
            3 => ("westeurope", Expected::Success),
            _ => ("swedencentral", Expected::Failure),
        };
        let base = &replicas[n % replicas.len()].base;
        let mut body = create_body(&format!("aks-replica-{n}"), region, GROUP);
        body["node_count"] = 1.into();
        let (status, accepted) = post_create(base, &cookie, &body).await?;
        ensure(
            status.is_success(),
            format!("create {n}: {status} {accepted}"),
        )?;
        let task_id = accepted["task_id"].as_str().ok_or("task_id")?.to_owned();
        jobs.push((task_id, expected));
    }

    for (task_id, _) in jobs.iter().filter(|(_, e)| *e == Expected::Cancelled) {
        let job = until_accepted_by_azure(&store, task_id).await?;
        let holder = job
            .lease_holder
            .clone()
            .ok_or("a running job has a holder")?;
        let other = replicas
            .iter()
            .find(|replica| !replica.holds(&holder))
            .ok_or("a replica that does not hold the job")?;
        let (status, answer) = post_task(&other.base, CANCEL_ROUTE, &cookie, task_id).await?;
        ensure(
            status.is_success() && answer["was_running"] == true,
            format!("cancel through a non-holder: {status} {answer}"),
        )?;
    }

    // Both replicas about to go hold running jobs, so their work must change hands.
    let mut held = [0; 3];
    for (task_id, _) in &jobs {
        let job = store.job_by_task(task_id).await?.ok_or("job row")?;
        let holder = job.lease_holder.unwrap_or_default();
        if let Some(index) = replicas.iter().position(|replica| replica.holds(&holder)) {
            held[index] += 1;
        }
    }
    println!("running jobs held per replica before the kill and the drain: {held:?}");
    ensure(
        held[1] > 0 && held[2] > 0,
        format!("the replicas to stop hold running jobs: {held:?}"),
    )?;

    // SIGKILL: its leases expire and the others take its jobs over.
    replicas[1].process.0.kill().await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    // SIGTERM: it hands its leases back and exits.
    let terminated = tokio::process::Command::new("kill")
        .args(["-TERM", &replicas[2].pid.to_string()])
        .status()
        .await?;
    ensure(terminated.success(), "SIGTERM sent")?;
    let exit = tokio::time::timeout(Duration::from_secs(30), replicas[2].process.0.wait()).await;
    ensure(
        matches!(exit, Ok(Ok(status)) if status.success()),
        format!("the drained replica exits cleanly: {exit:?}"),
    )?;

    // The drained replica handed its jobs back: the survivor holds them well within the lease
    // time (3 s), rather than after their leases expired.
    let handed_over = until_none_held_by(&store, &jobs, &replicas[2]).await?;
    println!("the drained replica's jobs held elsewhere {handed_over:?} after its exit");
    ensure(
        handed_over < Duration::from_millis(1500),
        format!("handed over at once, not after expiry: {handed_over:?}"),
    )?;

    let ended = until_all_finished(&store, &jobs).await?;
    ensure_as_the_sandbox_shows(&sandbox_url, &ended).await?;
    let metrics = http()
        .get(format!("{}/metrics", replicas[0].base))
        .send()
        .await?
        .text()
        .await?;
    let takeovers = metrics
        .lines()
        .find_map(|line| line.strip_prefix("dashboard_lease_takeovers_total "))
        .and_then(|count| count.trim().parse::<u64>().ok())
        .ok_or("the takeover count")?;
    ensure(
        takeovers > 0,
        format!("the survivor took work over: {takeovers}"),
    )
}

/// The job of `task_id` once Azure accepted its create (its operation URL is saved).
async fn until_accepted_by_azure(store: &Store, task_id: &str) -> TestResult<JobRecord> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let job = store.job_by_task(task_id).await?.ok_or("job row")?;
        if job.operation_url.is_some() && !job.status.is_finished() {
            return Ok(job);
        }
        ensure(
            tokio::time::Instant::now() < deadline && !job.status.is_finished(),
            format!(
                "never accepted while running: {:?} {}",
                job.status, job.message
            ),
        )?;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How long until no running job of `jobs` is held by `gone` or by nobody.
async fn until_none_held_by(
    store: &Store,
    jobs: &[(String, Expected)],
    gone: &Replica,
) -> TestResult<Duration> {
    let started = tokio::time::Instant::now();
    loop {
        let mut orphaned = 0;
        for (task_id, _) in jobs {
            let job = store.job_by_task(task_id).await?.ok_or("job row")?;
            let unheld = job.lease_holder.as_deref().is_none_or(|h| gone.holds(h));
            if !job.status.is_finished() && unheld {
                orphaned += 1;
            }
        }
        if orphaned == 0 {
            return Ok(started.elapsed());
        }
        ensure(
            started.elapsed() < Duration::from_secs(10),
            format!("{orphaned} jobs never taken over"),
        )?;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Every job of `jobs` once all have finished, with what each was expected to end as.
async fn until_all_finished(
    store: &Store,
    jobs: &[(String, Expected)],
) -> TestResult<Vec<(JobRecord, Expected)>> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let mut ended = Vec::new();
        let mut open = Vec::new();
        for (task_id, expected) in jobs {
            let job = store.job_by_task(task_id).await?.ok_or("job row")?;
            if job.status.is_finished() {
                ended.push((job, *expected));
            } else {
                open.push(format!("{} {:?}", job.request.cluster_name, job.status));
            }
        }
        if open.is_empty() {
            return Ok(ended);
        }
        ensure(
            tokio::time::Instant::now() < deadline,
            format!("never finished: {open:?}"),
        )?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Checks every job's end against its cluster in the sandbox, and that the sandbox accepted
/// exactly one create per job.
async fn ensure_as_the_sandbox_shows(
    sandbox_url: &str,
    ended: &[(JobRecord, Expected)],
) -> TestResult {
    let arm = sandbox_client(sandbox_url)?;
    let accepted: Value = http()
        .get(format!("{sandbox_url}{ACCEPTED_CREATES_PATH}"))
        .send()
        .await?
        .json()
        .await?;
    for (job, expected) in ended {
        let name = &job.request.cluster_name;
        let id = format!(
            "/subscriptions/{SUBSCRIPTION}/resourcegroups/{GROUP}/providers/microsoft.containerservice/managedclusters/{name}"
        );
        let creates = accepted[id.as_str()].as_u64().unwrap_or(0);
        ensure(
            creates == 1,
            format!("{name}: {creates} creates accepted ({:?})", job.status),
        )?;
        let cluster = arm.get_cluster(SUBSCRIPTION, GROUP, name).await?;
        let state = cluster.as_ref().map(|c| c.provisioning_state().to_owned());
        let consistent = matches!(
            (expected, job.status, state.as_deref()),
            (Expected::Success, TaskStatus::Success, Some("Succeeded"))
                | (Expected::Failure, TaskStatus::Failure, Some("Failed"))
                | (Expected::Cancelled, TaskStatus::Revoked, Some("Canceled"))
        );
        ensure(
            consistent,
            format!(
                "{name}: expected {expected:?}, the job is {:?} ({}), the sandbox shows {state:?}",
                job.status, job.message
            ),
        )?;
    }
    Ok(())
}
