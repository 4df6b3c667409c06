//! Three dashboard replicas (the server binary) on one PostgreSQL and one standalone sandbox
//! cloud (issue 17). Prints:
//!
//! - takeover after SIGKILL: from killing the replica that holds a running create until another
//!   replica holds its lease (read every 10 ms), over [`TAKEOVER_RUNS`] runs, with the lease
//!   time at its minimum (`LEASE_TTL_SECONDS=3`, a sweep every second): a takeover waits for
//!   the lease to expire and the next sweep, so it scales with the lease time;
//! - cross-replica cancel: from `POST /api/aks/cancel-provision/{id}` to a replica that does not
//!   hold the job until the job is REVOKED in the database (the notification, the holder's
//!   worker stopping, its abort POST and its save), read every 5 ms, over [`CANCEL_RUNS`] runs;
//! - task reads across the replicas: `GET /api/tasks/{id}` round-robin over the three,
//!   [`READERS`] at a time for [`READ_SECONDS`] s, beside `/healthz` the same way as the ceiling.
//!
//! Needs `TEST_POSTGRES_URL`. Run: `bash scripts/bench-replicas.sh` (starts a throw-away
//! PostgreSQL and runs `cargo bench -p server --bench replicas`).

mod bench_http;
mod percentiles;
#[path = "../tests/integration/support/postgres.rs"]
mod postgres;

use bench_http::{BenchError, http, sign_in};
use percentiles::summary;
use postgres::fresh_database;
use server::store::{JobRecord, Store};
use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::AsyncBufReadExt;
use tokio::process::{Child, Command};

const TAKEOVER_RUNS: usize = 20;
const CANCEL_RUNS: usize = 30;
const READERS: usize = 32;
const READ_SECONDS: u64 = 5;
const SUBSCRIPTION: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    match runtime.block_on(measure()) {
        // A benchmark's figures are its output.
        Ok(report) => {
            let _ = writeln!(std::io::stdout(), "{report}");
        }
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "benchmark failed: {error}");
            std::process::exit(1);
        }
    }
}

async fn measure() -> Result<String, BenchError> {
    let mut set = ReplicaSet::start().await?;
    let mut takeovers = Vec::new();
    for run in 0..TAKEOVER_RUNS {
        takeovers.push(set.takeover(run).await?);
    }
    let mut cancels = Vec::new();
    for run in 0..CANCEL_RUNS {
        cancels.push(set.cross_replica_cancel(run).await?);
    }
    let task = set.create(0, "aks-bench-reads").await?;
    let reads = set
        .throughput(&format!("/api/tasks/{}", task.task_id))
        .await?;
    let ceiling = set.throughput("/healthz").await?;
    Ok(format!(
        "three replicas on one PostgreSQL, one standalone sandbox:\n  \
         takeover after SIGKILL of the holder (LEASE_TTL_SECONDS=3, {TAKEOVER_RUNS} runs): {}\n  \
         cross-replica cancel → REVOKED ({CANCEL_RUNS} runs): {}\n  \
         task reads across the replicas ({READERS} at a time, {READ_SECONDS} s): {reads:.0} req/s \
         (/healthz the same way: {ceiling:.0} req/s, {:.0} %)",
        summary(takeovers),
        summary(cancels),
        100.0 * reads / ceiling
    ))
}

/// A running replica.
struct Replica {
    base: String,
    process: Child,
}

impl Replica {
    fn pid(&self) -> u32 {
        self.process.id().unwrap_or_default()
    }

    /// Whether the lease holder `holder` (`host/pid/random`) is this replica.
    fn holds(&self, holder: &str) -> bool {
        holder.split('/').nth(1) == Some(self.pid().to_string().as_str())
    }
}

/// The sandbox, three replicas, the shared database and alice's session.
struct ReplicaSet {
    _sandbox: Child,
    _world: tempfile::TempDir,
    env: Vec<(String, String)>,
    replicas: Vec<Replica>,
    store: Store,
    cookie: String,
    http: reqwest::Client,
}

impl ReplicaSet {
    async fn start() -> Result<Self, BenchError> {
        let database_url = fresh_database("bench").await?;
        let world = tempfile::tempdir()?;
        let world_file = world.path().join("bench-world.toml");
        // Room for every create of the run, each running for an hour.
        let roomy = arm_sandbox::world::DEFAULT_WORLD_TOML
            .replace("regional_vcpu_limit = 350", "regional_vcpu_limit = 100000")
            .replace("family_vcpu_limit = 200", "family_vcpu_limit = 100000");
        std::fs::write(&world_file, roomy)?;
        let world_file = world_file.display().to_string();
        let site_root = world.path().display().to_string();
        let mut sandbox = Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["sandbox", "--listen", "127.0.0.1:0"])
            .env("SANDBOX_CONFIG", &world_file)
            .env("SANDBOX_CREATE_SECONDS", "3600")
            .env("SANDBOX_RETRY_AFTER_SECONDS", "1")
            .env("SANDBOX_VALIDATION_MS", "0")
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let stdout = sandbox.stdout.take().ok_or("sandbox stdout")?;
        let line = tokio::io::BufReader::new(stdout)
            .lines()
            .next_line()
            .await?
            .ok_or("the sandbox printed nothing")?;
        let sandbox_url = line
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix("ARM_BASE_URL="))
            .ok_or("no ARM_BASE_URL")?
            .to_owned();
        let env = [
            ("DASHBOARD_CLOUD", "sandbox"),
            ("SANDBOX_URL", sandbox_url.as_str()),
            ("SANDBOX_CONFIG", world_file.as_str()),
            ("DATABASE_URL", database_url.as_str()),
            (
                "SESSION_SECRET",
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==",
            ),
            ("LEPTOS_SITE_ROOT", site_root.as_str()),
            ("POLL_INTERVAL_SECONDS", "1"),
            ("LEASE_TTL_SECONDS", "3"),
            ("MAX_RUNNING_JOBS_PER_USER", "1000"),
            ("RATE_LIMIT_WRITES_PER_MINUTE", "100000"),
            ("RATE_LIMIT_PREFLIGHTS_PER_MINUTE", "100000"),
            ("RUST_LOG", "error"),
        ]
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .to_vec();
        let http = http()?;
        let mut replicas = Vec::new();
        for _ in 0..3 {
            replicas.push(start_replica(&env, &http).await?);
        }
        let cookie = sign_in(&replicas[0].base, "alice").await?;
        Ok(Self {
            _sandbox: sandbox,
            _world: world,
            env,
            replicas,
            store: Store::open(&database_url).await?,
            cookie,
            http,
        })
    }

    /// Starts a create of `cluster` through replica `via`, which then holds it; answers its row
    /// once Azure accepted it.
    async fn create(&self, via: usize, cluster: &str) -> Result<JobRecord, BenchError> {
        let body = serde_json::json!({
            "subscription_id": SUBSCRIPTION,
            "resource_group": "rg-bench-replicas",
            "region": "eastus",
            "cluster_name": cluster,
            "node_sku": "Standard_D4s_v5",
            "node_count": 1,
            "system_vm_size": "Standard_D2s_v5",
            "system_node_count": 1,
        });
        let answer: serde_json::Value = self
            .http
            .post(format!("{}/api/aks/provision", self.replicas[via].base))
            .header("cookie", &self.cookie)
            .json(&body)
            .send()
            .await?
            .json()
            .await?;
        let task_id = answer["task_id"]
            .as_str()
            .ok_or_else(|| format!("create refused: {answer}"))?
            .to_owned();
        self.until(&task_id, Duration::from_millis(10), |job| {
            job.operation_url.is_some()
        })
        .await
        .map(|(job, _)| job)
    }

    /// One takeover: SIGKILL the holder of a running create, time until another holds it,
    /// and start a replica in the killed one's place.
    async fn takeover(&mut self, run: usize) -> Result<Duration, BenchError> {
        let victim = run % self.replicas.len();
        let job = self
            .create(victim, &format!("aks-bench-takeover-{run}"))
            .await?;
        self.replicas[victim].process.start_kill()?;
        let killed = Instant::now();
        let victim_pid = self.replicas[victim].pid().to_string();
        let (_, taken) = self
            .until(&job.task_id, Duration::from_millis(10), |job| {
                job.lease_holder
                    .as_deref()
                    .is_some_and(|holder| holder.split('/').nth(1) != Some(victim_pid.as_str()))
            })
            .await?;
        let elapsed = taken - killed;
        self.replicas[victim] = start_replica(&self.env, &self.http).await?;
        Ok(elapsed)
    }

    /// One cancel through a replica that does not hold the job.
    async fn cross_replica_cancel(&self, run: usize) -> Result<Duration, BenchError> {
        let holder = run % self.replicas.len();
        let job = self
            .create(holder, &format!("aks-bench-cancel-{run}"))
            .await?;
        let holder_name = job.lease_holder.clone().unwrap_or_default();
        let other = self
            .replicas
            .iter()
            .find(|replica| !replica.holds(&holder_name))
            .ok_or("every replica holds the job")?;
        let sent = Instant::now();
        let answer = self
            .http
            .post(format!(
                "{}/api/aks/cancel-provision/{}",
                other.base, job.task_id
            ))
            .header("cookie", &self.cookie)
            .send()
            .await?;
        if !answer.status().is_success() {
            return Err(format!("cancel refused: {}", answer.status()).into());
        }
        let (_, revoked) = self
            .until(&job.task_id, Duration::from_millis(5), |job| {
                job.finished_at_ms.is_some()
            })
            .await?;
        Ok(revoked - sent)
    }

    /// Requests per second of `GET path` round-robin over the replicas.
    async fn throughput(&self, path: &str) -> Result<f64, BenchError> {
        let until = Instant::now() + Duration::from_secs(READ_SECONDS);
        let readers = (0..READERS).map(|reader| {
            let url = format!("{}{path}", self.replicas[reader % 3].base);
            let (http, cookie) = (self.http.clone(), self.cookie.clone());
            tokio::spawn(async move {
                let mut answered = 0_u64;
                while Instant::now() < until {
                    let response = http.get(&url).header("cookie", &cookie).send().await;
                    if let Ok(response) = response
                        && response.status().is_success()
                        && response.bytes().await.is_ok()
                    {
                        answered += 1;
                    }
                }
                answered
            })
        });
        let started = Instant::now();
        let mut answered = 0;
        for reader in readers.collect::<Vec<_>>() {
            answered += reader.await?;
        }
        Ok(answered as f64 / started.elapsed().as_secs_f64())
    }

    /// Reads the job of `task_id` every `every` until `done` holds; answers it and when it did.
    async fn until(
        &self,
        task_id: &str,
        every: Duration,
        done: impl Fn(&JobRecord) -> bool,
    ) -> Result<(JobRecord, Instant), BenchError> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let job = self.store.job_by_task(task_id).await?.ok_or("job row")?;
            if done(&job) {
                return Ok((job, Instant::now()));
            }
            if Instant::now() > deadline {
                return Err(
                    format!("job {task_id} stuck: {:?} {}", job.status, job.message).into(),
                );
            }
            tokio::time::sleep(every).await;
        }
    }
}

/// Starts a replica with `env` on a free port; answers once `/healthz` does.
async fn start_replica(
    env: &[(String, String)],
    http: &reqwest::Client,
) -> Result<Replica, BenchError> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let address = format!("127.0.0.1:{port}");
    let process = Command::new(env!("CARGO_BIN_EXE_server"))
        .envs(env.iter().map(|(name, value)| (name, value)))
        .env("LEPTOS_SITE_ADDR", &address)
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let base = format!("http://{address}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while http.get(format!("{base}/healthz")).send().await.is_err() {
        if Instant::now() > deadline {
            return Err("a replica did not come up".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(Replica { base, process })
}
