//! App roles (issue 15) over real HTTP against the sandbox cloud: Dana, who holds
//! `Dashboard.Admin`, sees every user's running and failed jobs (`GET /api/admin/jobs` and the
//! UI's `list_every_users_jobs`) and stops Alice's create; the stop is recorded with who did it
//! and Alice's task says "Stopped by an administrator, Dana Admin". Bob, without the role, gets
//! 403 for Alice's job and for the list, with today's words, and his dashboard has no "All users'
//! jobs" section while Dana's does; Delete partial cluster and Dismiss
//! stay the owner's, even for an administrator.

use super::support::tasks::{
    CANCEL_ROUTE, cancel, ensure_owner_only, ensure_revoked, post_task, start, until_accepted,
    until_finished,
};
use super::support::{
    TestResult, create_body, ensure, fast_world, get_task, http, sign_in, start_dashboard,
};
use app::api::admin::list_every_users_jobs::ListEveryUsersJobs;
use arm_sandbox::world::World;
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;
use serde_json::{Value, json};
use shared::admin::{ADMIN_ONLY_MESSAGE, AdminJobs};
use shared::progress::{CANCELLED_CODE, CANCELLED_MESSAGE};

/// Dana's object id and tenant (the sandbox's demo users).
const DANA_OID: &str = "da7a0000-0000-4000-8000-000000000004";
const ALICE_OID: &str = "a11ce000-0000-4000-8000-000000000001";
const TENANT: &str = "72f988bf-0000-4000-8000-00000000a0a0";

/// What Alice's task says once Dana stopped it.
const STOPPED_BY_DANA: &str = "Stopped by an administrator, Dana Admin";

/// Creates outlast the test, so a job stops only because someone stopped it.
fn slow_world() -> World {
    let mut world = fast_world();
    world.timings.create_seconds = 120.0;
    world
}

/// `GET /api/admin/jobs{query}` as `cookie`.
async fn admin_jobs(base_url: &str, cookie: &str, query: &str) -> TestResult<(StatusCode, Value)> {
    let response = http()
        .get(format!("{base_url}/api/admin/jobs{query}"))
        .header("cookie", cookie)
        .timeout(std::time::Duration::from_secs(30))
        .send()
        .await?;
    let status = response.status();
    Ok((status, response.json().await?))
}

/// The UI's `list_every_users_jobs` server function as `cookie`: its status, and the answer
/// when it is 200.
async fn admin_jobs_fn(
    base_url: &str,
    cookie: &str,
) -> TestResult<(StatusCode, Option<AdminJobs>)> {
    let response = http()
        .post(format!("{base_url}{}", ListEveryUsersJobs::PATH))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await?;
    let status = response.status();
    let answer = if status == StatusCode::OK {
        Some(response.json().await?)
    } else {
        None
    };
    Ok((status, answer))
}

/// The dashboard page's HTML as `cookie` sees it (rendered on the server).
async fn dashboard_html(base_url: &str, cookie: &str) -> TestResult<String> {
    let response = http()
        .get(format!("{base_url}/"))
        .header("cookie", cookie)
        .timeout(std::time::Duration::from_secs(30))
        .send()
        .await?;
    ensure(
        response.status() == StatusCode::OK,
        format!("dashboard: {}", response.status()),
    )?;
    Ok(response.text().await?)
}

/// The entry of `list` (`running` or `failed` of an answer) for `task_id`.
fn entry<'a>(answer: &'a Value, list: &str, task_id: &str) -> Option<&'a Value> {
    answer[list]
        .as_array()?
        .iter()
        .find(|job| job["task"]["task_id"] == task_id)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_administrator_sees_and_stops_another_user_s_job_and_the_owner_is_told() -> TestResult {
    let dashboard = start_dashboard(slow_world(), true).await;
    let base = &dashboard.base_url;
    let alice = sign_in(base, "alice").await?;
    let bob = sign_in(base, "bob").await?;
    let dana = sign_in(base, "dana").await?;
    let task_id = start(
        base,
        &alice,
        &create_body("aks-alice", "eastus", "rg-alice"),
    )
    .await?;
    until_accepted(base, &alice, &task_id).await?;

    // Bob holds no role: Alice's job is not his to read or stop, in today's words.
    let (status, answer) = get_task(base, &bob, &task_id).await?;
    ensure(
        status == StatusCode::FORBIDDEN
            && answer["message"] == "This task belongs to another user.",
        format!("bob reads: {status} {answer}"),
    )?;
    ensure_owner_only(base, CANCEL_ROUTE, (&alice, &bob), &task_id, "aks-alice").await?;
    let (status, answer) = admin_jobs(base, &bob, "").await?;
    ensure(
        status == StatusCode::FORBIDDEN
            && answer["code"] == "forbidden"
            && answer["message"] == ADMIN_ONLY_MESSAGE,
        format!("bob's list: {status} {answer}"),
    )?;
    let (status, _) = admin_jobs(base, &bob, "?hours=0").await?;
    ensure(
        status == StatusCode::FORBIDDEN,
        format!("the role is checked before the query: {status}"),
    )?;
    let (status, _) = admin_jobs_fn(base, &bob).await?;
    ensure(
        status == StatusCode::FORBIDDEN,
        format!("bob's server function: {status}"),
    )?;

    // Dana sees it, with its owner, through the route and the server function.
    let (status, answer) = admin_jobs(base, &dana, "").await?;
    let listed = entry(&answer, "running", &task_id).cloned();
    ensure(
        status == StatusCode::OK
            && listed.as_ref().is_some_and(|job| {
                job["owner"]
                    == json!({"tenant_id": TENANT, "object_id": ALICE_OID, "display_name": "Alice Example"})
                    && job["task"]["progress"]["cluster_name"] == "aks-alice"
                    && job["task"]["progress"]["region"] == "eastus"
                    && job["created_at_ms"].as_i64().is_some_and(|at| at > 0)
            }),
        format!("dana's list: {status} {answer}"),
    )?;
    let (status, listed) = admin_jobs_fn(base, &dana).await?;
    ensure(
        status == StatusCode::OK
            && listed.as_ref().is_some_and(|jobs| {
                jobs.running.iter().any(|job| {
                    job.task.task_id == task_id && job.owner.display_name == "Alice Example"
                })
            }),
        format!("dana's server function: {status} {listed:?}"),
    )?;
    let (status, answer) = get_task(base, &dana, &task_id).await?;
    ensure(
        status == StatusCode::OK && answer["progress"]["cluster_name"] == "aks-alice",
        format!("dana reads alice's task: {status} {answer}"),
    )?;

    // The dashboard's first HTML holds the section for Dana only, with a named Stop.
    let page = dashboard_html(base, &dana).await?;
    ensure(
        page.contains("id=\"admin-jobs-heading\"")
            && page.contains("aria-label=\"Stop aks-alice of Alice Example\""),
        format!("dana's dashboard has the section: {page}"),
    )?;
    let page = dashboard_html(base, &bob).await?;
    ensure(
        // (The clusters card lists aks-alice for everyone: it exists in the subscription.)
        !page.contains("admin-jobs-heading") && !page.contains("Stop aks-alice"),
        format!("bob's dashboard has no section: {page}"),
    )?;

    // Dana stops it.
    let (status, outcome) = cancel(base, &dana, &task_id).await?;
    ensure(
        status == StatusCode::OK
            && outcome["was_running"] == json!(true)
            && outcome["previous_status"] == "PROGRESS",
        format!("dana's stop: {status} {outcome}"),
    )?;

    // Alice's task ends cancelled and says who stopped it.
    let task = until_finished(base, &alice, &task_id).await?;
    let expected_error = format!("{CANCELLED_MESSAGE} {STOPPED_BY_DANA}.");
    ensure(
        task["status"] == "REVOKED"
            && task["progress"]["phase"] == "cancelled_by_user"
            && task["error"]["code"] == CANCELLED_CODE
            && task["error"]["message"] == expected_error.as_str()
            && task["error"]["raw"] == ""
            && task["error"]["category"] == "cancelled"
            && task["error"]["summary"] == expected_error.as_str()
            && task["stopped_by"] == json!({"display_name": "Dana Admin", "administrator": true})
            && task["progress"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with(&format!("{STOPPED_BY_DANA}. Cancelled"))),
        format!("alice's task: {task}"),
    )?;
    let (_, again) = get_task(base, &alice, &task_id).await?;
    ensure(
        again["error"]["message"] == expected_error.as_str(),
        format!("read again (another device): {again}"),
    )?;

    // The store recorded the actor.
    let job = dashboard
        .store
        .job_by_task(&task_id)
        .await?
        .ok_or("the job")?;
    let actor = job.cancelled_by.ok_or("an actor")?;
    ensure(
        actor.administrator
            && actor.person.object_id == DANA_OID
            && actor.person.tenant_id == TENANT
            && actor.person.display_name == "Dana Admin"
            && job.owner.object_id == ALICE_OID,
        format!("the actor: {actor:?}"),
    )?;

    // It no longer runs; a second stop changes nothing.
    let (_, answer) = admin_jobs(base, &dana, "").await?;
    ensure(
        entry(&answer, "running", &task_id).is_none(),
        format!("no longer running: {answer}"),
    )?;
    let (status, outcome) = cancel(base, &dana, &task_id).await?;
    ensure(
        status == StatusCode::OK && outcome["was_running"] == json!(false),
        format!("second stop: {status} {outcome}"),
    )?;

    // Deleting what the create left is the owner's decision, not the administrator's.
    let (status, answer) = post_task(
        base,
        "/api/aks/delete-partial-cluster/{id}",
        &dana,
        &task_id,
    )
    .await?;
    ensure(
        status == StatusCode::FORBIDDEN && answer["code"] == "forbidden",
        format!("dana's delete: {status} {answer}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_administrator_sees_every_user_s_failures_dismissed_or_not() -> TestResult {
    let dashboard = start_dashboard(fast_world(), true).await;
    let base = &dashboard.base_url;
    let alice = sign_in(base, "alice").await?;
    let dana = sign_in(base, "dana").await?;
    // The sandbox supports no Kubernetes 1.20, so Azure refuses the PUT.
    let mut body = create_body("aks-refused", "eastus", "rg-refused");
    body["kubernetes_version"] = json!("1.20");
    let task_id = start(base, &alice, &body).await?;
    let failed = until_finished(base, &alice, &task_id).await?;
    ensure(failed["status"] == "FAILURE", format!("failed: {failed}"))?;
    let job_id = failed["job_id"].as_str().ok_or("job_id")?;

    // Dismiss is Alice's alone; Dana's is refused and Alice's hides it from her history only.
    let dismiss = "/api/aks/recent-failed-provisions/{id}/dismiss";
    let (status, _) = post_task(base, dismiss, &dana, job_id).await?;
    ensure(
        status == StatusCode::FORBIDDEN,
        format!("dana's dismiss: {status}"),
    )?;
    let (status, _) = post_task(base, dismiss, &alice, job_id).await?;
    ensure(
        status == StatusCode::OK,
        format!("alice's dismiss: {status}"),
    )?;

    let (status, answer) = admin_jobs(base, &dana, "?hours=1&limit=5").await?;
    ensure(
        status == StatusCode::OK
            && entry(&answer, "failed", &task_id).is_some_and(|job| {
                job["owner"]["display_name"] == "Alice Example"
                    && job["category"].is_string()
                    && job["finished_at_ms"].is_i64()
                    && job["task"]["status"] == "FAILURE"
            }),
        format!("dana's failures: {status} {answer}"),
    )?;
    let (status, answer) = admin_jobs(base, &dana, "?limit=21").await?;
    ensure(
        status == StatusCode::BAD_REQUEST && answer["field"] == "limit",
        format!("the history's bounds: {status} {answer}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_administrator_stopping_their_own_job_keeps_today_s_words() -> TestResult {
    let dashboard = start_dashboard(slow_world(), true).await;
    let base = &dashboard.base_url;
    let dana = sign_in(base, "dana").await?;
    let task_id = start(base, &dana, &create_body("aks-dana", "eastus", "rg-dana")).await?;
    until_accepted(base, &dana, &task_id).await?;
    let (status, _) = cancel(base, &dana, &task_id).await?;
    ensure(status == StatusCode::OK, format!("stop: {status}"))?;
    let task = until_finished(base, &dana, &task_id).await?;
    ensure_revoked(&task)?;
    ensure(
        task["stopped_by"] == json!({"display_name": "Dana Admin", "administrator": false})
            && !task.to_string().contains("administrator,"),
        format!("her own stop: {task}"),
    )
}
