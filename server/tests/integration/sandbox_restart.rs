//! The sandbox cloud survives a restart, as Azure does: the dashboard in sandbox mode killed
//! with SIGKILL mid-create finds the same cloud, at the same address, when it starts again on
//! the same database, and the create finishes; the standalone sandbox given `--state` reads
//! back what it held.

use super::support::processes::{dashboard_process, free_address, standalone_sandbox_with};
use super::support::tasks::{ensure_cluster_listed, until_accepted};
use super::support::{
    SUBSCRIPTION, TestResult, create_body, ensure, get_task, http, post_create, sandbox_client,
    setting, sign_in, until_ready,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::arm::ArmClient;
use server::arm::models::{ManagedClusterSpec, NodePoolSpec};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// The address the sandbox cloud recorded in its state file.
fn recorded_address(state: &Path) -> TestResult<Value> {
    let document: Value = serde_json::from_slice(&std::fs::read(state)?)?;
    Ok(document["address"].clone())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_sandbox_mode_dashboard_finishes_its_create_after_restart() -> TestResult {
    let directory = tempfile::tempdir()?;
    let database = directory.path().join("jobs.db");
    let state = directory.path().join("jobs.db-sandbox-cloud.json");
    let database_url = format!("sqlite://{}", database.display());
    let site_root = directory.path().display().to_string();
    let address = free_address()?;
    let env = [
        ("DASHBOARD_CLOUD", "sandbox"),
        ("DATABASE_URL", database_url.as_str()),
        ("LEPTOS_SITE_ROOT", site_root.as_str()),
        ("SANDBOX_CREATE_SECONDS", "8"),
        ("SANDBOX_RETRY_AFTER_SECONDS", "1"),
        ("SANDBOX_VALIDATION_MS", "0"),
    ];
    // No SESSION_SECRET: sessions end with the process, so alice signs in to each one.
    let base = format!("http://{address}");

    let mut first = dashboard_process(&address, &env).await?;
    let sandbox_address = recorded_address(&state)?;
    let cookie = sign_in(&base, "alice").await?;
    let (status, accepted) = post_create(
        &base,
        &cookie,
        &create_body("aks-kept", "eastus", "rg-kept"),
    )
    .await?;
    ensure(status == StatusCode::OK, format!("{status}: {accepted}"))?;
    let task_id = accepted["task_id"].as_str().ok_or("task_id")?.to_owned();
    // Wait until the sandbox accepted the create and the job saved its operation URL.
    let accepted = until_accepted(&base, &cookie, &task_id).await?;
    ensure(
        accepted["ready"] != json!(true),
        format!("the create was not accepted: {accepted}"),
    )?;
    first.0.kill().await?; // SIGKILL: no shutdown code runs.
    ensure(
        http().get(format!("{base}/healthz")).send().await.is_err(),
        "the first process is gone",
    )?;

    let _second = dashboard_process(&address, &env).await?;
    ensure(
        recorded_address(&state)? == sandbox_address,
        format!("the sandbox came back on {sandbox_address}"),
    )?;
    let cookie = sign_in(&base, "alice").await?;
    let (status, task) = get_task(&base, &cookie, &task_id).await?;
    ensure(
        status == StatusCode::OK && task["ready"] == json!(false),
        format!("the create is still running after the restart: {status} {task}"),
    )?;
    let done = until_ready(&base, &cookie, &task_id, Duration::from_secs(40), |_| {}).await?;
    ensure(
        done["status"] == "SUCCESS"
            && done["result"]["cluster"]["provisioning_state"] == "Succeeded",
        format!("the create finished on the same cloud: {done}"),
    )?;
    ensure_cluster_listed(&base, &cookie, "aks-kept", "rg-kept").await
}

/// An ARM client for the sandbox whose printed settings are `settings`.
fn client(settings: &[(String, String)]) -> TestResult<ArmClient> {
    sandbox_client(&setting(settings, "ARM_BASE_URL")?)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_standalone_sandbox_keeps_its_cloud_in_its_state_file() -> TestResult {
    let directory = tempfile::tempdir()?;
    let state = directory.path().join("cloud.json");
    let args = ["--state", state.to_str().ok_or("a UTF-8 path")?];
    let env = [("SANDBOX_CREATE_SECONDS", "3")];

    let (mut first, settings) = standalone_sandbox_with(&args, &env).await?;
    let arm = client(&settings)?;
    arm.create_resource_group(SUBSCRIPTION, "rg-standalone", "eastus")
        .await?;
    let spec = ManagedClusterSpec {
        location: "eastus".into(),
        dns_prefix: "aks-standalone".into(),
        kubernetes_version: None,
        pools: vec![NodePoolSpec {
            name: "system".into(),
            mode: "System".into(),
            vm_size: "Standard_D2s_v5".into(),
            count: 1,
        }],
        tags: BTreeMap::from([("team".to_owned(), "platform".to_owned())]),
        zones: Vec::new(),
        subnet_id: None,
    };
    let created = arm
        .create_cluster(SUBSCRIPTION, "rg-standalone", "aks-standalone", &spec)
        .await?;
    first.0.kill().await?;

    let (_second, settings) = standalone_sandbox_with(&args, &env).await?;
    let arm = client(&settings)?;
    ensure(
        arm.get_resource_group(SUBSCRIPTION, "rg-standalone")
            .await?
            .is_some(),
        "the resource group is back",
    )?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let cluster = arm
            .get_cluster(SUBSCRIPTION, "rg-standalone", "aks-standalone")
            .await?
            .ok_or("the cluster is back")?;
        ensure(
            cluster.tags == created.cluster.tags
                && cluster.properties.resource_uid.is_some()
                && cluster.properties.resource_uid == created.cluster.properties.resource_uid,
            format!(
                "tags and resourceUID kept: {:?} {:?}",
                cluster.tags, cluster.properties.resource_uid
            ),
        )?;
        let state = cluster.properties.provisioning_state.unwrap_or_default();
        if state == "Succeeded" {
            break;
        }
        ensure(
            state == "Creating" && tokio::time::Instant::now() < deadline,
            format!("the create runs on to Succeeded: {state}"),
        )?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let names: Vec<String> = arm
        .list_clusters(SUBSCRIPTION)
        .await?
        .into_iter()
        .map(|cluster| cluster.name)
        .collect();
    ensure(
        names.iter().any(|n| n == "aks-platform") && names.iter().any(|n| n == "aks-standalone"),
        format!("the world's seeds and the new cluster: {names:?}"),
    )?;
    Ok(())
}
