//! The provisioning job over real HTTP against the sandbox cloud (docs/PRODUCT.md §4, §8): a create
//! from `POST /api/aks/provision` to SUCCESS with pool states seen on the way, validation,
//! ownership of tasks, double submits, failures from Azure, the default world's stories that pass
//! the pre-flight and then fail on Azure (a quota race, a size without capacity, a cluster the
//! identity cannot write) read through the classifier as the error card reads them, and a
//! dashboard process killed with SIGKILL mid-create whose job finishes after a restart.

use super::support::processes::{self, Child, free_address, standalone_sandbox};
use super::support::tasks::{ensure_cluster_listed, until_accepted};
use super::support::{
    SUBSCRIPTION, TestResult, alice_on_a_dashboard, create_body, ensure, fast_world, get_task,
    http, post_create, post_json, sign_in, start_dashboard, until_ready,
};
use arm_sandbox::world::DeniedScope;
use reqwest::StatusCode;
use serde_json::{Value, json};
use shared::classify::{ActionKind, Category, Classification};
use shared::error_card::FailedAttempt;
use shared::progress::{TaskFailure, TaskView};
use std::collections::BTreeSet;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn a_create_reaches_success_and_reports_pool_states_on_the_way() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let (status, accepted) = post_create(
        base,
        &cookie,
        &create_body("aks-journey", "eastus", "rg-journey"),
    )
    .await?;
    ensure(status == StatusCode::OK, format!("{status}: {accepted}"))?;
    ensure(accepted["status"] == "queued", format!("{accepted}"))?;
    let task_id = accepted["task_id"].as_str().ok_or("task_id")?.to_owned();
    ensure(
        accepted["status_query_get_uri"] == format!("/api/tasks/{task_id}"),
        format!("{accepted}"),
    )?;
    ensure(
        accepted["job_id"].as_str().is_some_and(|id| id != task_id),
        "job id",
    )?;

    let mut statuses = BTreeSet::new();
    let mut phases = BTreeSet::new();
    let mut pool_states = BTreeSet::new();
    let mut cluster_states = BTreeSet::new();
    let done = until_ready(base, &cookie, &task_id, Duration::from_secs(30), |task| {
        statuses.insert(task["status"].as_str().unwrap_or_default().to_owned());
        let progress = &task["progress"];
        phases.insert(progress["phase"].as_str().unwrap_or_default().to_owned());
        if let Some(state) = progress["cluster_state"].as_str() {
            cluster_states.insert(state.to_owned());
        }
        for pool in progress["pools"].as_array().into_iter().flatten() {
            pool_states.insert(format!(
                "{}:{}",
                pool["name"].as_str().unwrap_or_default(),
                pool["provisioning_state"].as_str().unwrap_or_default()
            ));
        }
    })
    .await?;
    ensure(done["status"] == "SUCCESS", format!("{done}"))?;
    let progress = &done["progress"];
    ensure(
        progress["step"] == 5 && progress["total_steps"] == 5,
        format!("{progress}"),
    )?;
    ensure(progress["phase"] == "done", format!("{progress}"))?;
    ensure(
        progress["cluster_state"] == "Succeeded",
        format!("{progress}"),
    )?;
    ensure(
        progress["portal_url"]
            .as_str()
            .is_some_and(|url| url.ends_with("/managedClusters/aks-journey")),
        format!("{progress}"),
    )?;
    ensure(
        progress["arm_elapsed_seconds"].as_i64().is_some(),
        format!("{progress}"),
    )?;
    ensure(
        done["result"]["cluster"]["name"] == "aks-journey",
        format!("{done}"),
    )?;
    for expected in [
        "system:Creating",
        "workers:Creating",
        "system:Succeeded",
        "workers:Succeeded",
    ] {
        ensure(
            pool_states.contains(expected),
            format!("pool state {expected} seen in progress: {pool_states:?}"),
        )?;
    }
    ensure(
        cluster_states.contains("Creating"),
        format!("{cluster_states:?}"),
    )?;
    ensure(
        phases.contains("creating_cluster") && statuses.contains("PROGRESS"),
        format!("{phases:?} {statuses:?}"),
    )?;
    // The cluster is in the subscription's list, and the job is no longer running.
    ensure_cluster_listed(base, &cookie, "aks-journey", "rg-journey").await
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_get_a_400_naming_the_field() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let cases = [
        ("cluster_name", json!("-bad-")),
        ("resource_group", json!("rg.")),
        ("region", json!("East US")),
        ("node_count", json!(1001)),
        ("system_node_count", json!(0)),
        ("subscription_id", json!("not-a-guid")),
        ("kubernetes_version", json!("latest")),
    ];
    for (field, value) in cases {
        let mut body = create_body("aks-valid", "eastus", "rg-valid");
        body[field] = value;
        let (status, answer) = post_create(base, &cookie, &body).await?;
        ensure(
            status == StatusCode::BAD_REQUEST
                && answer["code"] == "validation"
                && answer["field"] == field,
            format!("{field}: {status} {answer}"),
        )?;
        ensure(
            answer["message"].as_str().is_some_and(|m| !m.is_empty()),
            "a message",
        )?;
    }
    // Not a create request at all: missing field, wrong type, not JSON.
    for raw in [
        r#"{"cluster_name": "x"}"#.to_owned(),
        create_body("aks-valid", "eastus", "rg")
            .to_string()
            .replace("2,", "\"two\","),
        "not json".to_owned(),
    ] {
        let response = http()
            .post(format!("{base}/api/aks/provision"))
            .header("cookie", &cookie)
            .header("content-type", "application/json")
            .body(raw.clone())
            .send()
            .await?;
        let status = response.status();
        let answer: Value = response.json().await?;
        ensure(
            status == StatusCode::BAD_REQUEST && answer["field"] == "body",
            format!("{raw}: {status} {answer}"),
        )?;
    }
    // Nothing was queued by any of them.
    let (status, _) = get_task(base, &cookie, "00000000-0000-0000-0000-000000000000").await?;
    ensure(status == StatusCode::NOT_FOUND, format!("{status}"))?;
    // No session: 401, nothing written.
    let response = http()
        .post(format!("{base}/api/aks/provision"))
        .json(&create_body("aks-anon", "eastus", "rg-anon"))
        .send()
        .await?;
    ensure(
        response.status() == StatusCode::UNAUTHORIZED,
        format!("anonymous create answers {}", response.status()),
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn tasks_belong_to_their_owner() -> TestResult {
    let (dashboard, alice) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let bob = sign_in(base, "bob").await?;
    let (_, accepted) = post_create(
        base,
        &alice,
        &create_body("aks-owned", "eastus", "rg-owned"),
    )
    .await?;
    let task_id = accepted["task_id"].as_str().ok_or("task_id")?;

    let (status, answer) = get_task(base, &bob, task_id).await?;
    ensure(
        status == StatusCode::FORBIDDEN && answer["code"] == "forbidden",
        format!("another user: {status} {answer}"),
    )?;
    ensure(
        !answer.to_string().contains("aks-owned"),
        "nothing of the job leaks",
    )?;
    let (status, answer) = get_task(base, &alice, "no-such-task").await?;
    ensure(
        status == StatusCode::NOT_FOUND && answer["code"] == "not_found",
        format!("unknown: {status} {answer}"),
    )?;
    let (status, _) = get_task(base, &alice, &"x".repeat(5000)).await?;
    ensure(
        status == StatusCode::NOT_FOUND,
        format!("absurd id: {status}"),
    )?;
    let response = http()
        .get(format!("{base}/api/tasks/{task_id}"))
        .send()
        .await?;
    ensure(
        response.status() == StatusCode::UNAUTHORIZED,
        format!("anonymous: {}", response.status()),
    )?;
    let (status, answer) = get_task(base, &alice, task_id).await?;
    ensure(
        status == StatusCode::OK,
        format!("owner: {status} {answer}"),
    )?;
    // Bob cannot start the same cluster while Alice's create runs, nor learn her task id.
    let (status, answer) =
        post_create(base, &bob, &create_body("aks-owned", "eastus", "rg-owned")).await?;
    ensure(
        status == StatusCode::CONFLICT && answer.get("task_id").is_none(),
        format!("other user's same cluster: {status} {answer}"),
    )?;
    until_ready(base, &alice, task_id, Duration::from_secs(30), |_| {}).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_double_submit_gives_one_job() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let body = create_body("aks-twice", "westeurope", "rg-twice");
    let (first, second) = tokio::join!(
        post_create(base, &cookie, &body),
        post_create(base, &cookie, &body)
    );
    let ((status_1, first), (status_2, second)) = (first?, second?);
    ensure(
        status_1 == StatusCode::OK && status_2 == StatusCode::OK,
        format!("{status_1} {first} / {status_2} {second}"),
    )?;
    ensure(
        first["job_id"] == second["job_id"] && first["task_id"] == second["task_id"],
        format!("one job: {first} / {second}"),
    )?;
    let reused = [&first, &second]
        .iter()
        .filter(|answer| answer["reused"] == json!(true))
        .count();
    ensure(
        reused == 1,
        format!("exactly one answer reuses the job: {first} / {second}"),
    )?;
    let task_id = first["task_id"].as_str().ok_or("task_id")?;
    let done = until_ready(base, &cookie, task_id, Duration::from_secs(30), |_| {}).await?;
    ensure(done["status"] == "SUCCESS", format!("{done}"))?;
    // A submit after the job finished is no longer a resubmit, and the name is taken: the
    // submit is refused with the pre-flight's row before any job is written.
    let (status, again) = post_create(base, &cookie, &body).await?;
    let name_row = again["checks"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["name"] == "cluster_name"));
    ensure(
        status == StatusCode::UNPROCESSABLE_ENTITY
            && again["code"] == "preflight_failed"
            && name_row.is_some_and(|row| {
                row["status"] == "fail"
                    && row["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("already exists") && m.contains("(Succeeded)"))
            }),
        format!("a taken name is refused at submit: {status} {again}"),
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn azure_failures_end_the_job_with_azure_s_reason() -> TestResult {
    // A write denied on the cluster alone: the group's permissions read still answers
    // Contributor, so the pre-flight passes and ARM refuses the PUT (as a deny assignment or a
    // narrower scope does in Azure). A group the identity cannot write at all (rg-readonly) is
    // refused by the pre-flight instead; tests/preflight.rs covers that.
    let mut world = fast_world();
    world.denied_write_scopes.push(DeniedScope {
        scope: format!(
            "/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-platform/providers/Microsoft.ContainerService/managedClusters/aks-eastus"
        ),
    });
    let dashboard = start_dashboard(world, true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;
    // (region, resource group, expected innermost code, expected step)
    let cases = [
        ("swedencentral", "rg-sweden", "AllocationFailed", 3),
        ("eastus", "rg-platform", "AuthorizationFailed", 3),
        (
            "brazilsoutheast",
            "rg-brazil",
            "LocationNotAvailableForResourceType",
            3,
        ),
    ];
    for (region, group, code, step) in cases {
        let (status, accepted) = post_create(
            base,
            &cookie,
            &create_body(&format!("aks-{region}"), region, group),
        )
        .await?;
        ensure(
            status == StatusCode::OK,
            format!("{region}: {status} {accepted}"),
        )?;
        let task_id = accepted["task_id"].as_str().ok_or("task_id")?;
        let done = until_ready(base, &cookie, task_id, Duration::from_secs(30), |_| {}).await?;
        let progress = &done["progress"];
        ensure(
            done["status"] == "FAILURE" && done["error"]["code"] == code,
            format!("{region}: {done}"),
        )?;
        ensure(
            progress["phase"] == "failed" && progress["step"] == step,
            format!("{region}: {progress}"),
        )?;
        ensure(
            done["error"]["raw"]
                .as_str()
                .is_some_and(|raw| raw.contains(code)),
            format!("{region}: raw text kept: {done}"),
        )?;
    }
    Ok(())
}

/// A story's create run end to end: the pre-flight passes, the create is accepted and ends
/// FAILURE; answers the final task, its failure and the classifier's reading of it (the text is
/// the failure's code, message and raw Azure text, as the error card reads it).
async fn passes_the_pre_flight_then_fails(
    base: &str,
    cookie: &str,
    body: &Value,
) -> TestResult<(Value, TaskFailure, Classification)> {
    let (status, report) = post_json(base, "/api/aks/preflight", cookie, body).await?;
    ensure(
        status == StatusCode::OK && report["ok"] == true,
        format!("the pre-flight passes: {status} {report}"),
    )?;
    let (status, accepted) = post_create(base, cookie, body).await?;
    ensure(
        status == StatusCode::OK,
        format!("accepted: {status} {accepted}"),
    )?;
    let task_id = accepted["task_id"].as_str().ok_or("task_id")?;
    let done = until_ready(base, cookie, task_id, Duration::from_secs(30), |_| {}).await?;
    ensure(done["status"] == "FAILURE", format!("{done}"))?;
    let failure: TaskFailure = serde_json::from_value(done["error"].clone())?;
    // Classified as the error card does it, from the task the browser reads.
    let view: TaskView = serde_json::from_value(done.clone())?;
    let classification = FailedAttempt::of_task(&view)
        .ok_or("a failed task has a card")?
        .classification;
    Ok((done, failure, classification))
}

/// The `name:provisioningState` of every pool in a task's progress.
fn pool_states(task: &Value) -> BTreeSet<String> {
    task["progress"]["pools"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|pool| {
            format!(
                "{}:{}",
                pool["name"].as_str().unwrap_or_default(),
                pool["provisioning_state"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_quota_race_fails_the_create_on_regional_quota_after_the_pre_flight() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    // 1 × Standard_D2s_v5 + 2 × Standard_D4s_v5 = 10 of centralindia's 40 free vCPUs. Midway,
    // with the system pool up, another deployment takes 32: the workers' 8 no longer fit.
    let body = create_body("aks-race", "centralindia", "rg-race");
    let (done, failure, classification) =
        passes_the_pre_flight_then_fails(base, &cookie, &body).await?;
    ensure(
        failure.code == "OperationNotAllowed"
            && failure.message.starts_with(
                "Operation could not be completed as it results in exceeding approved Total Regional Cores quota.",
            )
            && failure.raw.contains("\"QuotaExceeded\""),
        format!("{failure:?}"),
    )?;
    ensure(
        pool_states(&done) == BTreeSet::from(["system:Succeeded".into(), "workers:Failed".into()]),
        format!("pools: {done}"),
    )?;
    // The figures the sandbox holds now: the claim stays, the failed workers hold nothing.
    let cores = dashboard
        .cloud
        .arm
        .list_compute_usages(SUBSCRIPTION, "centralindia")
        .await?
        .into_iter()
        .find(|u| u.name.value == "cores")
        .ok_or("cores row")?;
    ensure(
        cores.limit == 40 && cores.current_value == 32 + 2,
        format!("{cores:?}"),
    )?;
    let facts = &classification.facts;
    ensure(
        classification.category == Category::Quota
            && facts.needed == Some(2 * 4)
            && facts.limit == Some(cores.limit)
            && facts.usage == Some(cores.current_value)
            && facts.free == Some(cores.limit - cores.current_value)
            && facts.new_limit == Some(cores.current_value + 2 * 4)
            && facts.region.as_deref() == Some("centralindia"),
        format!("{classification:?}"),
    )?;
    // Later pre-flights see the claim: the same create no longer fits.
    let (_, report) = post_json(base, "/api/aks/preflight", &cookie, &body).await?;
    let quota = report["checks"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["name"] == "quota"))
        .ok_or("quota row")?;
    ensure(
        report["ok"] == false
            && quota["status"] == "fail"
            && quota["details"]["free"] == cores.limit - cores.current_value,
        format!("{report}"),
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_size_without_capacity_fails_the_create_after_the_pre_flight() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    // francecentral lists Standard_D4s_v5 without restriction; it has no capacity at deploy time.
    let body = create_body("aks-paris", "francecentral", "rg-paris");
    let (done, failure, classification) =
        passes_the_pre_flight_then_fails(base, &cookie, &body).await?;
    ensure(
        failure.code == "SkuNotAvailable"
            && failure.message
                == "The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: Standard_D4s_v5' is currently not available in location 'francecentral'. Please try another size or deploy to a different location or different zone. See https://aka.ms/azureskunotavailable for details."
            && failure.raw.contains("ResourceOperationFailure"),
        format!("{failure:?}"),
    )?;
    ensure(
        pool_states(&done) == BTreeSet::from(["system:Succeeded".into(), "workers:Failed".into()]),
        format!("pools: {done}"),
    )?;
    ensure(
        classification.category == Category::SkuBlocked
            && classification.facts.sizes == ["Standard_D4s_v5"],
        format!("{classification:?}"),
    )?;
    // Other sizes deploy there.
    let mut other = create_body("aks-paris-ok", "francecentral", "rg-paris");
    other["node_sku"] = json!("Standard_D8s_v5");
    let (status, accepted) = post_create(base, &cookie, &other).await?;
    ensure(status == StatusCode::OK, format!("{status} {accepted}"))?;
    let task_id = accepted["task_id"].as_str().ok_or("task_id")?;
    let done = until_ready(base, &cookie, task_id, Duration::from_secs(30), |_| {}).await?;
    ensure(done["status"] == "SUCCESS", format!("{done}"))?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_locked_cluster_name_fails_the_create_after_the_pre_flight() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    // rg-platform is writable; only the cluster aks-locked in it is not.
    let body = create_body("aks-locked", "eastus", "rg-platform");
    let (_, failure, classification) =
        passes_the_pre_flight_then_fails(base, &cookie, &body).await?;
    let scope = format!(
        "/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-platform/providers/Microsoft.ContainerService/managedClusters/aks-locked"
    );
    // Azure names the caller: the create ran with Alice's own identity.
    let world = arm_sandbox::world::World::default_world()?;
    let alice = world.entra.user("alice").ok_or("alice in the directory")?;
    ensure(
        failure.code == "AuthorizationFailed"
            && failure.message
                == format!(
                    "The client '{}' with object id '{}' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/write' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.",
                    alice.username, alice.object_id
                ),
        format!("{failure:?}"),
    )?;
    ensure(
        classification.category == Category::RgPermission
            && classification.facts.scope.as_deref() == Some(scope.as_str())
            && classification.facts.principal_object_id.as_deref()
                == Some(alice.object_id.as_str()),
        format!("{classification:?}"),
    )?;
    ensure(
        classification.actions.iter().any(|action| {
            action.kind == ActionKind::Command
                && action
                    .command
                    .as_deref()
                    .is_some_and(|c| c.contains("az role assignment create"))
        }),
        format!("{:?}", classification.actions),
    )?;
    Ok(())
}

/// 64 bytes of "restart-test-session-secret-…" in base64.
const SESSION_SECRET: &str =
    "cmVzdGFydC10ZXN0LXNlc3Npb24tc2VjcmV0LXJlc3RhcnQtdGVzdC1zZXNzaW9uLXNlY3JldC1yZXN0YXJ0LQ==";

/// Starts the dashboard process in Azure mode against the sandbox whose printed settings are
/// `sandbox`, on a free port, with the database `database_url`; answers it and its base URL
/// once it answers.
async fn dashboard_process(
    sandbox: &[(String, String)],
    database_url: &str,
    site_root: &std::path::Path,
) -> TestResult<(Child, String)> {
    let address = free_address()?;
    let site_root = site_root.display().to_string();
    let mut env: Vec<(&str, &str)> = sandbox
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    env.extend([
        ("DASHBOARD_CLOUD", "azure"),
        ("AZURE_CREDENTIAL", "managed-identity"),
        ("DATABASE_URL", database_url),
        ("SESSION_SECRET", SESSION_SECRET),
        ("LEPTOS_SITE_ROOT", site_root.as_str()),
    ]);
    env.extend(processes::ENTRA_SETTINGS);
    let child = processes::dashboard_process(&address, &env).await?;
    Ok((child, format!("http://{address}")))
}

/// A session cookie for alice in azure mode, written into the database at `database_url`: azure
/// mode has no demo sign-in, and sessions are server-side, so every process on that database
/// accepts it.
async fn session_cookie(database_url: &str) -> TestResult<String> {
    let store = server::store::Store::open(database_url).await?;
    let alice = shared::caller::Caller {
        object_id: "test-restart-alice".into(),
        display_name: "Alice".into(),
        ..Default::default()
    };
    let id = server::session::signed_in::mint(
        &server::session::layer::session_store(&store),
        alice,
        server::session::SessionBinding::openid("azure", "https://login.example/tenant/v2.0"),
    )
    .await?;
    store.close().await;
    Ok(format!("{}={id}", server::session::SESSION_COOKIE))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_server_resumes_the_create_after_restart() -> TestResult {
    let (_sandbox, settings) = standalone_sandbox(&[
        ("SANDBOX_CREATE_SECONDS", "8"),
        ("SANDBOX_RETRY_AFTER_SECONDS", "1"),
    ])
    .await?;
    let directory = tempfile::tempdir()?;
    let database_url = format!("sqlite://{}", directory.path().join("jobs.db").display());
    let cookie = session_cookie(&database_url).await?;

    let (mut first, base) = dashboard_process(&settings, &database_url, directory.path()).await?;
    let (status, accepted) = post_create(
        &base,
        &cookie,
        &create_body("aks-restart", "eastus", "rg-restart"),
    )
    .await?;
    ensure(status == StatusCode::OK, format!("{status}: {accepted}"))?;
    let task_id = accepted["task_id"].as_str().ok_or("task_id")?.to_owned();
    // Wait until Azure accepted the create and the job saved it, then kill the process hard.
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

    let (_second, base) = dashboard_process(&settings, &database_url, directory.path()).await?;
    let (status, task) = get_task(&base, &cookie, &task_id).await?;
    ensure(
        status == StatusCode::OK && task["ready"] == json!(false),
        format!("the job survived the kill and is still running: {status} {task}"),
    )?;
    let done = until_ready(&base, &cookie, &task_id, Duration::from_secs(40), |_| {}).await?;
    // A second PUT would have met the existing cluster (If-None-Match: *) and failed the job.
    ensure(
        done["status"] == "SUCCESS",
        format!("resumed to success: {done}"),
    )?;
    ensure(
        done["result"]["cluster"]["provisioning_state"] == "Succeeded",
        format!("{done}"),
    )?;
    Ok(())
}
