//! `POST /api/aks/preflight` over real HTTP against the sandbox cloud's stories: a blocked size,
//! quota shortfalls on the regional total and on a VM family, resource groups reused or
//! created, a create that passes, and ARM unreadable (degraded rows that do not block).

mod support;

use libtest_mimic::{Arguments, Failed};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use support::{TestContext, alice_on_a_dashboard, ensure, fast_world, post_json, sign_in, trial};

const SUBSCRIPTION: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";

fn main() -> std::process::ExitCode {
    let context = support::start();
    let tests = vec![
        trial(
            &context,
            "rows_follow_the_sandbox_stories",
            rows_follow_the_sandbox_stories,
        ),
        trial(
            &context,
            "a_create_the_server_pre_flight_fails_is_refused_with_the_rows",
            a_create_the_server_pre_flight_fails_is_refused_with_the_rows,
        ),
        trial(
            &context,
            "unreadable_arm_degrades_to_warnings",
            unreadable_arm_degrades_to_warnings,
        ),
    ];
    libtest_mimic::run(&Arguments::from_args(), tests).exit_code()
}

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

async fn preflight(base: &str, cookie: &str, body: &Value) -> Result<(StatusCode, Value), Failed> {
    post_json(base, "/api/aks/preflight", cookie, body).await
}

/// The row called `name`.
fn row<'a>(report: &'a Value, name: &str) -> Result<&'a Value, Failed> {
    report["checks"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["name"] == name))
        .ok_or_else(|| format!("no {name} row in {report}").into())
}

async fn rows_follow_the_sandbox_stories(context: Arc<TestContext>) -> Result<(), Failed> {
    let (dashboard, cookie) = alice_on_a_dashboard(&context).await?;
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
        group["status"] == "ok" && group["details"]["exists"] == true,
        format!("reused: {group}"),
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
    Ok(())
}

async fn a_create_the_server_pre_flight_fails_is_refused_with_the_rows(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    let (dashboard, cookie) = alice_on_a_dashboard(&context).await?;
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

async fn unreadable_arm_degrades_to_warnings(context: Arc<TestContext>) -> Result<(), Failed> {
    let mut world = fast_world();
    // Every ARM request fails with a 5xx (after the client's own retries).
    world.faults.server_error_every_nth_request = 1;
    let dashboard = context.dashboard(world, true).await;
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
    for name in ["vm_size", "quota", "resource_group"] {
        ensure(
            row(&report, name)?["status"] == "warn",
            format!("{name}: {report}"),
        )?;
    }
    ensure(report["ok"] == true, "warnings do not block the create")?;
    Ok(())
}
