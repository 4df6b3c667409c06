//! What operators and orchestrators read (issue 17): liveness that does not depend on the
//! database, readiness that does, Prometheus metrics (behind `METRICS_TOKEN` when set), and
//! JSON logs when asked for.

use super::support::processes::{dashboard_process_logging, free_address};
use super::support::{
    TestResult, alice_on_a_dashboard, create_body, ensure, fast_world, http, post_create,
    start_dashboard, until_ready,
};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;

#[tokio::test]
async fn readiness_follows_the_database_and_liveness_does_not() -> TestResult {
    let (dashboard, _cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let ready = http().get(format!("{base}/readyz")).send().await?;
    ensure(ready.status() == StatusCode::OK, "ready at start")?;
    let ready: Value = ready.json().await?;
    ensure(
        ready["database"] == "ok" && ready["arm_identity"] == "ok" && ready["draining"] == false,
        format!("{ready}"),
    )?;

    dashboard.store.close().await;
    let ready = http().get(format!("{base}/readyz")).send().await?;
    ensure(
        ready.status() == StatusCode::SERVICE_UNAVAILABLE,
        "not ready without its database",
    )?;
    let ready: Value = ready.json().await?;
    ensure(
        ready["database"] == "unavailable" && ready["status"] == "not_ready",
        format!("{ready}"),
    )?;
    let alive = http().get(format!("{base}/healthz")).send().await?;
    ensure(
        alive.status() == StatusCode::OK,
        "alive all the same: a restart would not bring the database back",
    )?;
    Ok(())
}

#[tokio::test]
async fn metrics_count_arm_calls_requests_and_jobs() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let (status, accepted) = post_create(
        base,
        &cookie,
        &create_body("aks-metrics", "eastus", "rg-metrics"),
    )
    .await?;
    ensure(status.is_success(), format!("create: {accepted}"))?;
    let task_id = accepted["task_id"].as_str().ok_or("task_id")?;
    until_ready(base, &cookie, task_id, Duration::from_secs(30), |_| {}).await?;
    let text = http()
        .get(format!("{base}/metrics"))
        .send()
        .await?
        .text()
        .await?;
    for expected in [
        "dashboard_jobs{status=\"SUCCESS\"} 1",
        "dashboard_arm_requests_total{method=\"PUT\",status=\"201\"}",
        "dashboard_http_request_duration_seconds_count{method=\"POST\",route=\"/api/aks/provision\",status=\"200\"}",
        "dashboard_http_request_duration_seconds_count{method=\"GET\",route=\"/api/tasks/{task_id}\",status=\"200\"}",
    ] {
        ensure(
            text.contains(expected),
            format!("{expected} missing from:\n{text}"),
        )?;
    }
    ensure(
        !text.contains(task_id) && !text.contains("alice"),
        "no ids and no caller in the labels",
    )?;
    Ok(())
}

#[tokio::test]
async fn azure_mode_without_a_token_serves_no_metrics() -> TestResult {
    let dashboard = start_dashboard(fast_world(), false).await;
    let answer = http()
        .get(format!("{}/metrics", dashboard.base_url))
        .send()
        .await?;
    ensure(
        answer.status() == StatusCode::NOT_FOUND,
        format!("off: {}", answer.status()),
    )
}

#[tokio::test]
async fn a_metrics_token_guards_the_metrics_and_logs_can_be_json() -> TestResult {
    let directory = tempfile::tempdir()?;
    let database_url = format!("sqlite://{}", directory.path().join("ops.db").display());
    let site_root = directory.path().display().to_string();
    let address = free_address()?;
    let log = directory.path().join("log.jsonl");
    let env = [
        ("DASHBOARD_CLOUD", "sandbox"),
        ("DATABASE_URL", database_url.as_str()),
        ("LEPTOS_SITE_ROOT", site_root.as_str()),
        ("METRICS_TOKEN", "scrape-me"),
        ("LOG_FORMAT", "json"),
    ];
    let _dashboard =
        dashboard_process_logging(&address, &env, "info", std::fs::File::create(&log)?).await?;
    let metrics = format!("http://{address}/metrics");
    for token in [None, Some("wrong")] {
        let mut request = http().get(&metrics);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let answer = request.send().await?;
        ensure(
            answer.status() == StatusCode::UNAUTHORIZED,
            format!("{token:?}: {}", answer.status()),
        )?;
    }
    let answer = http().get(&metrics).bearer_auth("scrape-me").send().await?;
    ensure(answer.status() == StatusCode::OK, "the token opens it")?;
    ensure(
        answer
            .text()
            .await?
            .contains("# TYPE dashboard_lease_takeovers counter"),
        "the exposition",
    )?;
    let lines = std::fs::read_to_string(&log)?;
    let listening = lines
        .lines()
        .map(serde_json::from_str::<Value>)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| format!("every log line is JSON: {error}\n{lines}"))?
        .into_iter()
        .find(|line| {
            line["level"] == "INFO"
                && line["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("dashboard listening"))
        });
    ensure(
        listening.is_some_and(|line| line["cloud"] == "sandbox"),
        format!("the start-up line, its fields flattened:\n{lines}"),
    )?;
    Ok(())
}
