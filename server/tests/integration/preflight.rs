//! `POST /api/aks/preflight` over real HTTP against the sandbox cloud's stories: a blocked size,
//! quota shortfalls on the regional total and on a VM family, resource groups reused, created
//! or not writable by the signed-in user, a create that passes, and ARM unreadable
//! (degraded rows that do not block).

use super::support::{
    TestResult, alice_on_a_dashboard, ensure, fast_world, post_json, sign_in, start_dashboard,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SUBSCRIPTION: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";

/// A create body with the given sizes and counts.
fn body(region: &str, group: &str, system: (&str, i32), worker: (&str, i32)) -> Value {
    json!({
        "subscription_id": SUBSCRIPTION,
        "resource_group": group,
        "region": region,
        "cluster_name": "aks-check",
        "system_vm_size": system.0,
        "system_node_count": system.1,
        "node_sku": worker.0,
        "node_count": worker.1,
    })
}

async fn preflight(base: &str, cookie: &str, body: &Value) -> TestResult<(StatusCode, Value)> {
    post_json(base, "/api/aks/preflight", cookie, body).await
}

/// The row called `name`.
fn row<'a>(report: &'a Value, name: &str) -> TestResult<&'a Value> {
    report["checks"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["name"] == name))
        .ok_or_else(|| format!("no {name} row in {report}").into())
}

#[tokio::test(flavor = "multi_thread")]
async fn rows_follow_the_sandbox_stories() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;

    // Everything fits in eastus; rg-platform exists there and is reused.
    let (status, report) = preflight(
        base,
        &cookie,
        &body(
            "eastus",
            "rg-platform",
            ("Standard_D2s_v5", 1),
            ("Standard_D4s_v5", 3),
        ),
    )
    .await?;
    ensure(
        status == StatusCode::OK && report["ok"] == true,
        format!("{status} {report}"),
    )?;
    ensure(
        report["portal_url"] == "https://aka.ms/quotas/view-quotas",
        format!("{report}"),
    )?;
    let group = row(&report, "resource_group")?;
    ensure(
        group["status"] == "ok"
            && group["details"]["exists"] == true
            && group["details"]["writable"] == true,
        format!("reused: {group}"),
    )?;

    // rg-platform lives in eastus; a cluster in westeurope may still use it (AKS allows it).
    let (_, report) = preflight(
        base,
        &cookie,
        &body(
            "westeurope",
            "rg-platform",
            ("Standard_D2s_v5", 1),
            ("Standard_D4s_v5", 3),
        ),
    )
    .await?;
    let group = row(&report, "resource_group")?;
    ensure(
        report["ok"] == true
            && group["status"] == "ok"
            && group["details"]["location"] == "eastus"
            && group["message"].as_str().is_some_and(|m| {
                m.contains("exists in eastus") && m.contains("created in westeurope")
            }),
        format!("another region: {group}"),
    )?;

    // A new group will be created.
    let (_, report) = preflight(
        base,
        &cookie,
        &body(
            "eastus",
            "rg-brand-new",
            ("Standard_D2s_v5", 1),
            ("Standard_D4s_v5", 3),
        ),
    )
    .await?;
    let group = row(&report, "resource_group")?;
    ensure(
        group["details"]["exists"] == false
            && group["message"]
                .as_str()
                .is_some_and(|m| m.contains("will be created in eastus")),
        format!("created: {group}"),
    )?;

    // The seed's case in the quota-tight region: the regional total binds, 6 workers fit.
    let (_, report) = preflight(
        base,
        &cookie,
        &body(
            "koreacentral",
            "rg-k",
            ("Standard_D2s_v5", 1),
            ("Standard_E16s_v5", 10),
        ),
    )
    .await?;
    let quota = row(&report, "quota")?;
    ensure(
        report["ok"] == false && quota["status"] == "fail",
        format!("{report}"),
    )?;
    let details = &quota["details"];
    ensure(
        details["needed"] == 162
            && details["free"] == 100
            && details["binding"] == "regional"
            && details["max_worker_nodes_fit"] == 6
            && details["cores_per_worker_node"] == 16
            && details["system_pool_cores"] == 2,
        format!("regional shortfall: {quota}"),
    )?;

    // uksouth: the DSv5 family allows 100 vCPUs; 13 × 8 + 1 × 2 = 106 does not fit, 12 do.
    let (_, report) = preflight(
        base,
        &cookie,
        &body(
            "uksouth",
            "rg-uk",
            ("Standard_D2s_v5", 1),
            ("Standard_D8s_v5", 13),
        ),
    )
    .await?;
    let quota = row(&report, "quota")?;
    ensure(
        quota["status"] == "fail"
            && quota["details"]["binding"] == "family"
            && quota["details"]["binding_quota"] == "standardDSv5Family"
            && quota["details"]["max_worker_nodes_fit"] == 12,
        format!("family shortfall: {quota}"),
    )?;

    // uksouth blocks Standard_D16s_v5 for this subscription.
    let (_, report) = preflight(
        base,
        &cookie,
        &body(
            "uksouth",
            "rg-uk",
            ("Standard_D2s_v5", 1),
            ("Standard_D16s_v5", 2),
        ),
    )
    .await?;
    let sizes = row(&report, "vm_size")?;
    ensure(
        report["ok"] == false
            && sizes["status"] == "fail"
            && sizes["details"]["blocked"][0]["reason"] == "NotAvailableForSubscription",
        format!("blocked size: {sizes}"),
    )?;

    // A body that is not a create request is a 400, like the create itself.
    let (status, answer) = preflight(base, &cookie, &json!({ "region": "eastus" })).await?;
    ensure(
        status == StatusCode::BAD_REQUEST && answer["field"] == "body",
        format!("{status} {answer}"),
    )?;

    // A draft (the modal checks while the user types): no name and no group yet. The rows it
    // can answer come back; the group's row waits for a group. Fields it reads must be valid.
    let mut draft = body("eastus", "", ("Standard_D2s_v5", 1), ("Standard_D4s_v5", 3));
    draft["cluster_name"] = json!("");
    let (status, report) = preflight(base, &cookie, &draft).await?;
    let names: Vec<&str> = report["checks"]
        .as_array()
        .map(|rows| rows.iter().filter_map(|r| r["name"].as_str()).collect())
        .unwrap_or_default();
    ensure(
        status == StatusCode::OK && report["ok"] == true && names == ["vm_size", "quota", "policy"],
        format!("draft: {status} {report}"),
    )?;
    draft["region"] = json!("East US");
    let (status, answer) = preflight(base, &cookie, &draft).await?;
    ensure(
        status == StatusCode::BAD_REQUEST && answer["field"] == "region",
        format!("draft with a bad region: {status} {answer}"),
    )?;
    // The create itself still needs every field, before Azure is read.
    draft["region"] = json!("eastus");
    let (status, answer) = post_json(base, "/api/aks/provision", &cookie, &draft).await?;
    ensure(
        status == StatusCode::BAD_REQUEST && answer["field"] == "cluster_name",
        format!("a create of the draft: {status} {answer}"),
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_the_server_pre_flight_fails_is_refused_with_the_rows() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let (status, answer) = post_json(
        base,
        "/api/aks/provision",
        &cookie,
        &body(
            "koreacentral",
            "rg-k",
            ("Standard_D2s_v5", 1),
            ("Standard_E16s_v5", 10),
        ),
    )
    .await?;
    ensure(
        status == StatusCode::UNPROCESSABLE_ENTITY
            && answer["code"] == "preflight_failed"
            && answer["message"]
                .as_str()
                .is_some_and(|m| m.contains("needs 162 vCPUs")),
        format!("{status} {answer}"),
    )?;
    let quota = row(&answer, "quota")?;
    ensure(
        quota["status"] == "fail" && quota["details"]["max_worker_nodes_fit"] == 6,
        format!("the same rows as the pre-flight: {answer}"),
    )?;
    // Nothing was queued: the fitting create of the same cluster is a new job.
    let (status, answer) = post_json(
        base,
        "/api/aks/provision",
        &cookie,
        &body(
            "koreacentral",
            "rg-k",
            ("Standard_D2s_v5", 1),
            ("Standard_E16s_v5", 6),
        ),
    )
    .await?;
    ensure(
        status == StatusCode::OK && answer["reused"] == false,
        format!("{status} {answer}"),
    )?;
    Ok(())
}

/// The body of a create into rg-readonly (eastus) that passes every other row.
fn read_only_group_body() -> Value {
    body(
        "eastus",
        "rg-readonly",
        ("Standard_D2s_v5", 1),
        ("Standard_D4s_v5", 3),
    )
}

/// Checks the rows of a report (or a 422 answer) for a create into rg-readonly.
fn the_read_only_group_fails(report: &Value) -> TestResult {
    let group = row(report, "resource_group")?;
    ensure(
        group["status"] == "fail"
            && group["message"]
                == "Your Azure role assignments do not let you write to resource group rg-readonly (needs Microsoft.ContainerService/managedClusters/write); Azure would refuse the create.",
        format!("{group}"),
    )?;
    ensure(
        group["details"]
            == json!({
                "exists": true,
                "location": "eastus",
                "writable": false,
                "action": "Microsoft.ContainerService/managedClusters/write",
            }),
        format!("details: {group}"),
    )?;
    for name in ["vm_size", "quota"] {
        ensure(
            row(report, name)?["status"] == "ok",
            format!("only the group fails, not {name}: {report}"),
        )?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_group_the_identity_cannot_write_fails_the_pre_flight_and_the_create() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let (status, report) = preflight(base, &cookie, &read_only_group_body()).await?;
    ensure(
        status == StatusCode::OK && report["ok"] == false,
        format!("{status} {report}"),
    )?;
    the_read_only_group_fails(&report)?;

    // The create runs the same pre-flight and is refused before any job exists.
    let (status, answer) =
        post_json(base, "/api/aks/provision", &cookie, &read_only_group_body()).await?;
    ensure(
        status == StatusCode::UNPROCESSABLE_ENTITY
            && answer["code"] == "preflight_failed"
            && answer["message"]
                .as_str()
                .is_some_and(|m| m.contains("do not let you write to resource group rg-readonly")),
        format!("{status} {answer}"),
    )?;
    ensure(
        answer["checks"] == report["checks"],
        format!("the same rows as the pre-flight: {answer} / {report}"),
    )?;
    the_read_only_group_fails(&answer)
}

#[tokio::test(flavor = "multi_thread")]
async fn unreadable_arm_degrades_to_warnings() -> TestResult {
    let mut world = fast_world();
    // Every ARM request fails with a 5xx (after the client's own retries).
    world.faults.server_error_every_nth_request = 1;
    let dashboard = start_dashboard(world, true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;
    let (status, report) = preflight(
        base,
        &cookie,
        &body(
            "eastus",
            "rg-platform",
            ("Standard_D2s_v5", 1),
            ("Standard_D4s_v5", 3),
        ),
    )
    .await?;
    ensure(status == StatusCode::OK, format!("{status} {report}"))?;
    for name in ["vm_size", "quota", "resource_group", "policy"] {
        ensure(
            row(&report, name)?["status"] == "warn",
            format!("{name}: {report}"),
        )?;
    }
    ensure(report["ok"] == true, "warnings do not block the create")?;
    Ok(())
}
