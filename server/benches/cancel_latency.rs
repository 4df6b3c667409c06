//! Cancel latency against a sandbox cloud that adds 50 ms to every ARM answer (as the pre-flight
//! benchmark does): for creates that Azure has accepted, prints p50/p95 of
//!
//! - cancel request → worker stopped: from sending `POST /api/aks/cancel-provision/{task_id}`
//!   until `GET /api/tasks/{task_id}` reports REVOKED (read every 2 ms);
//! - cancel request → abort sent: until the sandbox cluster reports `Canceling`, which it does
//!   once it has handled the abort (a cluster read is started every 5 ms, each taking 50 ms).
//!
//! The worker sleeps on a 20 s `Retry-After` when the cancel arrives, so these times are the
//! signal, one abort POST and one cluster read, not a poll interval. They set the service's
//! `settle_after_seconds`.
//!
//! Run: `cargo bench -p server --bench cancel_latency`.

mod bench_http;
mod dashboard;
mod percentiles;

use dashboard::{BenchDashboard, BenchError};
use percentiles::summary;
use server::arm::ArmClient;
use std::io::Write;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

const ARM_LATENCY_MS: u64 = 50;
const RUNS: usize = 60;
const RESOURCE_GROUP: &str = "rg-bench";

/// The two latencies of one cancel.
struct Sample {
    worker_stopped: Duration,
    abort_sent: Duration,
}

fn main() {
    let mut samples = match measure() {
        Ok(samples) => samples,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "benchmark failed: {error}");
            std::process::exit(1);
        }
    };
    // The first run warms the catalogue cache and the connections.
    samples.remove(0);
    let stopped = summary(samples.iter().map(|s| s.worker_stopped).collect());
    let aborted = summary(samples.iter().map(|s| s.abort_sent).collect());
    let report = format!(
        "cancel with {ARM_LATENCY_MS} ms ARM latency, {RUNS} runs after Azure accepted the create:\n  \
         cancel request → worker stopped (REVOKED): {stopped}\n  \
         cancel request → abort sent (cluster Canceling): {aborted}"
    );
    // A benchmark's figures are its output.
    let _ = writeln!(std::io::stdout(), "{report}");
}

/// Cancels `RUNS + 1` creates, each once Azure has accepted it.
fn measure() -> Result<Vec<Sample>, BenchError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut world = dashboard::world(ARM_LATENCY_MS)?;
        world.timings.create_seconds = 600.0;
        world.timings.retry_after_seconds = 20;
        // Canceled clusters keep their quota until deleted: make room for every run's cluster.
        for subscription in &mut world.subscriptions {
            subscription.quota_scale *= 100.0;
        }
        let dashboard = dashboard::start(world).await?;
        let mut samples = Vec::with_capacity(RUNS + 1);
        for run in 0..=RUNS {
            let cluster = format!("aks-bench-{run}");
            samples.push(one_cancel(&dashboard, &cluster).await?);
        }
        Ok(samples)
    })
}

/// Starts a create of `cluster`, waits until Azure accepted it, cancels it, and times both ends.
async fn one_cancel(dashboard: &BenchDashboard, cluster: &str) -> Result<Sample, BenchError> {
    let body = serde_json::json!({
        "subscription_id": dashboard::SUBSCRIPTION,
        "resource_group": RESOURCE_GROUP,
        "region": "eastus",
        "cluster_name": cluster,
        "node_sku": "Standard_D4s_v5",
        "node_count": 2,
        "system_vm_size": "Standard_D2s_v5",
        "system_node_count": 1,
    });
    let (status, accepted) = dashboard.post_json("/api/aks/provision", &body).await?;
    if !status.is_success() {
        return Err(format!("create answered {status}: {accepted}").into());
    }
    let task_id = accepted["task_id"].as_str().ok_or("task_id")?.to_owned();
    dashboard
        .until_task(
            &task_id,
            Duration::from_secs(20),
            Duration::from_millis(10),
            |task| task["progress"]["cluster_state"] == "Creating",
        )
        .await?;

    let (states, mut seen) = mpsc::unbounded_channel();
    let watcher = tokio::spawn(watch_cluster(
        dashboard.arm.clone(),
        cluster.to_owned(),
        states,
    ));
    let asked = Instant::now();
    let (status, outcome) = dashboard
        .post_json(
            &format!("/api/aks/cancel-provision/{task_id}"),
            &serde_json::json!({}),
        )
        .await?;
    if !status.is_success() || outcome["was_running"] != serde_json::json!(true) {
        watcher.abort();
        return Err(format!("cancel answered {status}: {outcome}").into());
    }
    let revoked = dashboard
        .until_task(
            &task_id,
            Duration::from_secs(20),
            Duration::from_millis(2),
            |task| task["ready"] == serde_json::json!(true),
        )
        .await?;
    let worker_stopped = asked.elapsed();
    if revoked["status"] != "REVOKED" {
        watcher.abort();
        return Err(format!("the cancelled task ended {revoked}").into());
    }
    let abort_sent = loop {
        match tokio::time::timeout(Duration::from_secs(20), seen.recv()).await {
            Ok(Some((at, state))) if state == "Canceling" || state == "Canceled" => {
                break at.saturating_duration_since(asked);
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => {
                watcher.abort();
                return Err(format!("cluster {cluster} never reported Canceling").into());
            }
        }
    };
    watcher.abort();
    Ok(Sample {
        worker_stopped,
        abort_sent,
    })
}

/// Starts a read of the sandbox cluster every 5 ms and sends each answer's arrival time and
/// provisioningState, so a state change is seen within about 5 ms despite the ARM latency.
async fn watch_cluster(
    arm: ArmClient,
    cluster: String,
    states: mpsc::UnboundedSender<(Instant, String)>,
) {
    let mut every = tokio::time::interval(Duration::from_millis(5));
    loop {
        every.tick().await;
        let (arm, cluster, states) = (arm.clone(), cluster.clone(), states.clone());
        tokio::spawn(async move {
            if let Ok(Some(read)) = arm
                .get_cluster(dashboard::SUBSCRIPTION, RESOURCE_GROUP, &cluster)
                .await
            {
                let _ = states.send((Instant::now(), read.provisioning_state().to_owned()));
            }
        });
    }
}
