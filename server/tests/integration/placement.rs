//! Where a cluster goes, and why it could not (issue 16), over real HTTP on the sandbox cloud's
//! stories: zones and a chosen subnet reach ARM's create body; the pre-flight's `policy`,
//! `zones` and `subnet` rows warn (never fail) with the facts; the subnet picker's list; a
//! failed task's error carries its classification and, for capacity, one-click "Retry with …"
//! suggestions; every REST answer is snake_case.

use super::support::{
    CAPACITY_OUTAGE_SIZE, SUBSCRIPTION, TestResult, alice_on_a_dashboard, create_body, ensure,
    get_json, get_task, http, post_create, post_json, sign_in, token, until_ready,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// The sandbox's subnets (default world, resource group rg-network, eastus).
fn subnet(name: &str) -> String {
    format!(
        "/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/{name}"
    )
}

/// The row called `name` of a pre-flight answer.
fn row<'a>(report: &'a Value, name: &str) -> TestResult<&'a Value> {
    report["checks"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["name"] == name))
        .ok_or_else(|| format!("no {name} row in {report}").into())
}

async fn preflight(base: &str, cookie: &str, body: &Value) -> TestResult<Value> {
    let (status, report) = post_json(base, "/api/aks/preflight", cookie, body).await?;
    ensure(status == StatusCode::OK, format!("{status} {report}"))?;
    Ok(report)
}

/// Every object key of `value` that is not snake_case (an upper-case ASCII letter), with its
/// path. String values (Azure's raw text) are not looked into.
fn camel_keys(value: &Value, path: &str, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let here = format!("{path}.{key}");
                if key.chars().any(|c| c.is_ascii_uppercase()) {
                    found.push(here.clone());
                }
                camel_keys(inner, &here, found);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                camel_keys(inner, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

fn ensure_snake_case(what: &str, value: &Value) -> TestResult {
    let mut found = Vec::new();
    camel_keys(value, what, &mut found);
    ensure(
        found.is_empty(),
        format!("not snake_case: {found:?} in {value}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn zones_and_a_subnet_reach_arm_s_create_body() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let mut body = create_body("aks-placed", "eastus", "rg-placed");
    body["zones"] = json!(["3", "2"]);
    body["subnet_id"] = json!(subnet("aks-nodes"));
    let (status, accepted) = post_create(base, &cookie, &body).await?;
    ensure(status == StatusCode::OK, format!("{status} {accepted}"))?;
    let task_id = accepted["task_id"].as_str().ok_or("task_id")?;
    let done = until_ready(base, &cookie, task_id, Duration::from_secs(30), |_| {}).await?;
    ensure(done["status"] == "SUCCESS", format!("{done}"))?;
    ensure(
        done["progress"]["zones"] == json!(["2", "3"])
            && done["progress"]["subnet_id"] == json!(subnet("aks-nodes")),
        format!("the progress carries the request's zones and subnet: {done}"),
    )?;

    // The cluster as ARM keeps it: both pools in zones 2 and 3 and in the subnet, Azure CNI.
    let cluster: Value = http()
        .get(format!(
            "{}/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-placed/providers/Microsoft.ContainerService/managedClusters/aks-placed?api-version=2025-10-01",
            dashboard.cloud.sandbox.base_url
        ))
        .bearer_auth(token().await)
        .send()
        .await?
        .json()
        .await?;
    let pools = cluster["properties"]["agentPoolProfiles"]
        .as_array()
        .ok_or("pools")?;
    ensure(pools.len() == 2, format!("{cluster}"))?;
    for pool in pools {
        ensure(
            pool["availabilityZones"] == json!(["2", "3"])
                && pool["vnetSubnetID"].as_str().map(str::to_ascii_lowercase)
                    == Some(subnet("aks-nodes").to_ascii_lowercase()),
            format!("pool: {pool}"),
        )?;
    }
    ensure(
        cluster["properties"]["networkProfile"]["networkPlugin"] == "azure",
        format!("Azure CNI: {cluster}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pre_flight_warns_on_policy_zones_and_subnet_and_never_fails() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;

    // Policy: rg-governed allows westeurope and swedencentral.
    let report = preflight(
        base,
        &cookie,
        &create_body("aks-gov", "eastus", "rg-governed"),
    )
    .await?;
    let policy = row(&report, "policy")?;
    ensure(
        report["ok"] == true
            && policy["status"] == "warn"
            && policy["message"].as_str().is_some_and(|m| {
                m.contains("'allowed-locations-aks'")
                    && m.contains("eastus")
                    && m.contains("westeurope, swedencentral")
            })
            && policy["details"]["allowed_locations"] == json!(["westeurope", "swedencentral"]),
        format!("policy denies eastus: {report}"),
    )?;
    let report = preflight(
        base,
        &cookie,
        &create_body("aks-gov", "westeurope", "rg-governed"),
    )
    .await?;
    ensure(
        row(&report, "policy")?["status"] == "ok",
        format!("policy allows westeurope: {report}"),
    )?;

    // Zones: Standard_DC2s_v2 is restricted in westeurope's zone 3.
    let mut zoned = create_body("aks-zoned", "westeurope", "rg-zoned");
    zoned["node_sku"] = json!("Standard_DC2s_v2");
    zoned["zones"] = json!(["3"]);
    let report = preflight(base, &cookie, &zoned).await?;
    let zones = row(&report, "zones")?;
    ensure(
        report["ok"] == true
            && zones["status"] == "warn"
            && zones["message"].as_str().is_some_and(|m| {
                m.contains("Standard_DC2s_v2 is restricted in zone 3") && m.contains("zones 1, 2")
            }),
        format!("zone 3 is restricted: {report}"),
    )?;
    zoned["zones"] = json!(["1", "2"]);
    let report = preflight(base, &cookie, &zoned).await?;
    ensure(
        row(&report, "zones")?["status"] == "ok",
        format!("zones 1, 2 are open: {report}"),
    )?;

    // Subnet: aks-small (/27: 27 addresses) cannot take 1 + 2 nodes × 31 = 93; aks-nodes can.
    let mut in_subnet = create_body("aks-net", "eastus", "rg-net");
    in_subnet["subnet_id"] = json!(subnet("aks-small"));
    let report = preflight(base, &cookie, &in_subnet).await?;
    ensure(
        row(&report, "policy")?["status"] == "ok",
        format!("a group yet to be created is checked at the subscription: {report}"),
    )?;
    let small = row(&report, "subnet")?;
    ensure(
        report["ok"] == true
            && small["status"] == "warn"
            && small["details"]["needed"] == 93
            && small["details"]["free"] == 27
            && small["message"].as_str().is_some_and(|m| {
                m.contains("has 27 free addresses; the cluster needs 93 (3 nodes × 31")
            }),
        format!("aks-small is too small: {report}"),
    )?;
    in_subnet["subnet_id"] = json!(subnet("aks-nodes"));
    let report = preflight(base, &cookie, &in_subnet).await?;
    ensure(
        row(&report, "subnet")?["status"] == "ok",
        format!("aks-nodes fits: {report}"),
    )?;
    in_subnet["subnet_id"] = json!(subnet("nowhere"));
    let report = preflight(base, &cookie, &in_subnet).await?;
    ensure(
        row(&report, "subnet")?["status"] == "warn" && report["ok"] == true,
        format!("a missing subnet warns: {report}"),
    )?;
    // A subnet of another subscription is a field error, not a row.
    in_subnet["subnet_id"] =
        json!(subnet("aks-nodes").replace(SUBSCRIPTION, "00000000-0000-4000-8000-000000000000"));
    let (status, answer) = post_json(base, "/api/aks/preflight", &cookie, &in_subnet).await?;
    ensure(
        status == StatusCode::BAD_REQUEST && answer["field"] == "subnet_id",
        format!("{status} {answer}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_subnet_picker_lists_the_region_s_subnets_with_their_free_addresses() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let path =
        |region: &str| format!("/api/aks/subnets?subscription_id={SUBSCRIPTION}&region={region}");
    let (status, subnets) = get_json(base, &path("eastus"), &cookie).await?;
    ensure(status == StatusCode::OK, format!("{status} {subnets}"))?;
    let listed: Vec<(String, i64)> = subnets
        .as_array()
        .ok_or("a list")?
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default().to_owned(),
                s["free_ips"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    ensure(
        listed == [("aks-nodes".to_owned(), 1019), ("aks-small".to_owned(), 27)],
        format!("eastus: {subnets}"),
    )?;
    ensure(
        subnets[0]["vnet"] == "vnet-spoke"
            && subnets[0]["resource_group"] == "rg-network"
            && subnets[0]["address_prefix"] == "10.240.4.0/22"
            && subnets[0]["id"].as_str().map(str::to_ascii_lowercase)
                == Some(subnet("aks-nodes").to_ascii_lowercase()),
        format!("{subnets}"),
    )?;
    let (status, none) = get_json(base, &path("westeurope"), &cookie).await?;
    ensure(
        status == StatusCode::OK && none == json!([]),
        format!("westeurope: {status} {none}"),
    )?;
    let (status, bad) = get_json(base, &path("West Europe"), &cookie).await?;
    ensure(
        status == StatusCode::BAD_REQUEST && bad["field"] == "region",
        format!("{status} {bad}"),
    )
}

/// The `RetryWith` labels of a task's classified error.
fn retry_labels(task: &Value) -> Vec<String> {
    task["error"]["actions"]
        .as_array()
        .map(|actions| {
            actions
                .iter()
                .filter(|a| a["kind"] == "retry_with")
                .filter_map(|a| a["label"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_capacity_failure_carries_its_classification_and_one_click_retries() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;

    // The worker size has no capacity in swedencentral.
    let (status, accepted) = post_create(
        base,
        &cookie,
        &create_body("aks-full", "swedencentral", "rg-full"),
    )
    .await?;
    ensure(status == StatusCode::OK, format!("{status} {accepted}"))?;
    ensure_snake_case("accepted", &accepted)?;
    let task_id = accepted["task_id"].as_str().ok_or("task_id")?;
    let task = until_ready(base, &cookie, task_id, Duration::from_secs(30), |_| {}).await?;
    let error = &task["error"];
    ensure(
        task["status"] == "FAILURE"
            && error["code"] == "AllocationFailed"
            && error["category"] == "capacity"
            && error["summary"].as_str().is_some_and(|s| !s.is_empty())
            && error["details"].is_string()
            && error["facts"].is_object()
            && error["raw"]
                .as_str()
                .is_some_and(|r| r.contains("AllocationFailed")),
        format!("classified with the error: {task}"),
    )?;
    ensure_snake_case("task", &task)?;
    let labels = retry_labels(&task);
    ensure(
        labels.first().map(String::as_str) == Some("Retry with Standard_D4s_v5")
            && labels.iter().any(|l| l.starts_with("Retry in "))
            && labels.len() <= 4
            && !labels.iter().any(|l| l.contains(CAPACITY_OUTAGE_SIZE)),
        format!("suggestions: {labels:?} in {task}"),
    )?;
    let sibling = task["error"]["actions"]
        .as_array()
        .and_then(|actions| actions.iter().find(|a| a["kind"] == "retry_with"))
        .ok_or("a suggestion")?;
    ensure(
        sibling["retry"] == json!({ "node_sku": "Standard_D4s_v5" }),
        format!("{sibling}"),
    )?;

    // A zone out of capacity: the other zones.
    let mut zonal = create_body("aks-zone1", "swedencentral", "rg-zone1");
    zonal["node_sku"] = json!("Standard_D4s_v5");
    zonal["zones"] = json!(["1"]);
    let (_, accepted) = post_create(base, &cookie, &zonal).await?;
    let task_id = accepted["task_id"].as_str().ok_or("task_id")?;
    let task = until_ready(base, &cookie, task_id, Duration::from_secs(30), |_| {}).await?;
    ensure(
        task["error"]["code"] == "ZonalAllocationFailed"
            && task["error"]["category"] == "capacity"
            && task["error"]["facts"]["zones"] == json!(["1"])
            && retry_labels(&task).first().map(String::as_str) == Some("Retry with zones 2, 3"),
        format!("zonal: {:?} {task}", retry_labels(&task)),
    )?;

    // The history names the task; every REST answer is snake_case.
    let (status, history) = get_json(base, "/api/aks/recent-failed-provisions", &cookie).await?;
    ensure(
        status == StatusCode::OK
            && history["jobs"]
                .as_array()
                .is_some_and(|jobs| jobs.iter().any(|j| j["task_id"] == task_id)),
        format!("history: {history}"),
    )?;
    ensure_snake_case("history", &history)?;
    for path in [
        "/api/subscriptions".to_owned(),
        format!("/api/aks/regions?subscription_id={SUBSCRIPTION}"),
        format!("/api/aks/available-skus?subscription_id={SUBSCRIPTION}&region=swedencentral"),
        format!("/api/aks/clusters?subscription_id={SUBSCRIPTION}"),
        format!("/api/aks/subnets?subscription_id={SUBSCRIPTION}&region=eastus"),
    ] {
        let (status, answer) = get_json(base, &path, &cookie).await?;
        ensure(
            status == StatusCode::OK,
            format!("{path}: {status} {answer}"),
        )?;
        ensure_snake_case(&path, &answer)?;
    }
    let report = preflight(base, &cookie, &zonal).await?;
    ensure_snake_case("preflight", &report)?;
    let dana = sign_in(base, "dana").await?;
    let (status, jobs) = get_json(base, "/api/admin/jobs", &dana).await?;
    ensure(
        status == StatusCode::OK && jobs["failed"].as_array().is_some_and(|f| !f.is_empty()),
        format!("{status} {jobs}"),
    )?;
    ensure_snake_case("admin jobs", &jobs)?;
    let (_, task) = get_task(base, &cookie, task_id).await?;
    ensure_snake_case("task", &task)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_policy_denial_is_classified_policy_on_the_task() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let (status, accepted) = post_create(
        base,
        &cookie,
        &create_body("aks-denied", "eastus", "rg-governed"),
    )
    .await?;
    ensure(
        status == StatusCode::OK,
        format!("the pre-flight only warns: {status} {accepted}"),
    )?;
    let task_id = accepted["task_id"].as_str().ok_or("task_id")?;
    let task = until_ready(base, &cookie, task_id, Duration::from_secs(30), |_| {}).await?;
    ensure(
        task["status"] == "FAILURE"
            && task["error"]["code"] == "RequestDisallowedByPolicy"
            && task["error"]["category"] == "policy",
        format!("{task}"),
    )
}
