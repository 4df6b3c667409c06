//! Pre-flight latency against a sandbox cloud that adds 50 ms to every ARM answer, as the real
//! service's latency would: prints p50/p95 of `POST /api/aks/preflight` over real HTTP.
//! The ARM reads of a pre-flight (VM sizes, usages, the resource group and its permissions) run
//! concurrently and the VM size catalogue is cached, so a pre-flight should take about one ARM
//! call (≈ 50 ms) plus a few milliseconds.
//!
//! Run: `cargo bench -p server --bench preflight_latency`.

mod bench_http;
#[allow(dead_code, reason = "the cancel benchmark uses the rest of it")]
mod dashboard;

use dashboard::BenchError;
use serde_json::json;
use std::io::Write;
use std::time::{Duration, Instant};

const ARM_LATENCY_MS: u64 = 50;
const RUNS: usize = 100;

fn main() {
    let mut timings = match measure() {
        Ok(timings) => timings,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "benchmark failed: {error}");
            std::process::exit(1);
        }
    };
    let first = timings.remove(0);
    timings.sort();
    let percentile = |p: f64| timings[((timings.len() as f64 - 1.0) * p).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let report = format!(
        "pre-flight with {ARM_LATENCY_MS} ms ARM latency, {RUNS} runs: first (catalogue not cached) \
         {:.1} ms; p50 {:.1} ms; p95 {:.1} ms; max {:.1} ms",
        ms(first),
        ms(percentile(0.50)),
        ms(percentile(0.95)),
        ms(percentile(1.0)),
    );
    // A benchmark's figures are its output.
    let _ = writeln!(std::io::stdout(), "{report}");
}

/// Times `RUNS + 1` pre-flights, the first with the catalogue not cached yet.
fn measure() -> Result<Vec<Duration>, BenchError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let dashboard = dashboard::start(dashboard::world(ARM_LATENCY_MS)?).await?;
        let body = json!({
            "subscription_id": dashboard::SUBSCRIPTION,
            "resource_group": "rg-platform",
            "region": "koreacentral",
            "cluster_name": "aks-bench",
            "system_vm_size": "Standard_D2s_v5",
            "system_node_count": 1,
            "node_sku": "Standard_E16s_v5",
            "node_count": 10,
        });
        let mut timings = Vec::with_capacity(RUNS + 1);
        for _ in 0..=RUNS {
            let started = Instant::now();
            let (status, _) = dashboard.post_json("/api/aks/preflight", &body).await?;
            if !status.is_success() {
                return Err(format!("pre-flight answered {status}").into());
            }
            timings.push(started.elapsed());
        }
        Ok(timings)
    })
}
