//! What a failure leaves (docs/PRODUCT.md §7): `GET /api/aks/recent-failed-provisions` answers
//! the caller's failures only, newest first, never a cancel, within bounded `hours` and `limit`
//! (400 otherwise), the same as the UI's server function; `POST
//! /api/aks/recent-failed-provisions/{job_id}/dismiss` is for the owner of a failed job only,
//! idempotent, and a later failure shows again; with its jobs unreadable the history answers
//! `degraded`, and with the whole database closed (sessions included) the API answers 503.

use super::support::jobs::epoch_ms;
use super::support::tasks::{
    cancel, ensure_owner_only, ensure_revoked, post_task, start, until_finished,
};
use super::support::{
    SUBSCRIPTION, TestResult, alice_on_a_dashboard, create_body, ensure, fast_world, get_json,
    get_task, http, sign_in, start_dashboard,
};
use app::api::provision::dismiss_failed_provision::DismissFailedProvision;
use app::api::provision::recent_failed_provisions::RecentFailedProvisions;
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;
use serde_json::{Value, json};
use shared::last_failure::{DismissOutcome, LastFailure, RecentFailures};
use shared::progress::TaskView;
use sqlx::Connection as _;

/// Route of a failure's Dismiss (`{id}`: the job id).
pub(super) const DISMISS_ROUTE: &str = "/api/aks/recent-failed-provisions/{id}/dismiss";

/// Route of the failure history.
const HISTORY_ROUTE: &str = "/api/aks/recent-failed-provisions";

/// `GET /api/aks/recent-failed-provisions{query}` as `cookie` (empty: no session).
async fn history(base_url: &str, cookie: &str, query: &str) -> TestResult<(StatusCode, Value)> {
    get_json(base_url, &format!("{HISTORY_ROUTE}{query}"), cookie).await
}

/// The job ids of a history answer, in its order.
fn history_ids(answer: &Value) -> Vec<String> {
    answer["jobs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| item["job_id"].as_str().unwrap_or("?").to_owned())
        .collect()
}

/// A history answer that was read (not degraded) with exactly `ids`, in that order.
async fn ensure_history(base_url: &str, cookie: &str, ids: &[&str]) -> TestResult<Value> {
    let (status, answer) = history(base_url, cookie, "").await?;
    ensure(
        status == StatusCode::OK
            && answer["degraded"] == json!(false)
            && history_ids(&answer) == ids,
        format!("history should be {ids:?}: {status} {answer}"),
    )?;
    Ok(answer)
}

/// A create body whose PUT Azure refuses (the sandbox supports no Kubernetes 1.20).
pub(super) fn put_refused(cluster: &str, group: &str) -> Value {
    let mut body = create_body(cluster, "eastus", group);
    body["kubernetes_version"] = json!("1.20");
    body
}

/// Starts the create of `body`, waits for its end and answers the task, which must be FAILURE.
pub(super) async fn failed_create(base_url: &str, cookie: &str, body: &Value) -> TestResult<Value> {
    let task_id = start(base_url, cookie, body).await?;
    let task = until_finished(base_url, cookie, &task_id).await?;
    ensure(task["status"] == "FAILURE", format!("failed: {task}"))?;
    Ok(task)
}

/// Starts a create and cancels it at once; answers the REVOKED task.
pub(super) async fn cancelled_create(
    base_url: &str,
    cookie: &str,
    body: &Value,
) -> TestResult<Value> {
    let task_id = start(base_url, cookie, body).await?;
    let (status, outcome) = cancel(base_url, cookie, &task_id).await?;
    ensure(
        status == StatusCode::OK,
        format!("cancel: {status} {outcome}"),
    )?;
    let task = until_finished(base_url, cookie, &task_id).await?;
    ensure_revoked(&task)?;
    Ok(task)
}

pub(super) fn job_id(task: &Value) -> TestResult<&str> {
    Ok(task["job_id"].as_str().ok_or("job_id")?)
}

/// POSTs the server function at `path` with the form `body`, as the browser does; answers the
/// status and the JSON answer.
pub(super) async fn server_fn(
    base_url: &str,
    path: &str,
    cookie: &str,
    body: String,
) -> TestResult<(StatusCode, Value)> {
    let response = http()
        .post(format!("{base_url}{path}"))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await?;
    let status = response.status();
    Ok((status, response.json().await?))
}

/// The rows of a REST history answer (snake_case) as the records they were built from.
fn history_rows(answer: &Value) -> TestResult<Vec<LastFailure>> {
    let text = |row: &Value, key: &str| row[key].as_str().map(str::to_owned);
    let rows = answer["jobs"].as_array().ok_or("jobs")?;
    rows.iter()
        .map(|row| {
            Ok(LastFailure {
                raw: text(row, "raw").ok_or("raw")?,
                cluster_name: text(row, "cluster_name").ok_or("cluster_name")?,
                region: text(row, "region").ok_or("region")?,
                resource_group: text(row, "resource_group").ok_or("resource_group")?,
                subscription_id: text(row, "subscription_id").ok_or("subscription_id")?,
                when: row["when"].as_i64().ok_or("when")?,
                job_id: text(row, "job_id"),
                task_id: text(row, "task_id"),
                category: text(row, "category"),
                requested: serde_json::from_value(row["requested"].clone())?,
                zones: serde_json::from_value(row.get("zones").cloned().unwrap_or(json!([])))?,
                subnet_id: text(row, "subnet_id"),
                portal_url: text(row, "portal_url"),
            })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn recent_failures_are_the_owner_s_newest_first_and_never_a_cancel() -> TestResult {
    let dashboard = start_dashboard(fast_world(), true).await;
    let base = &dashboard.base_url;
    let alice = sign_in(base, "alice").await?;
    let bob = sign_in(base, "bob").await?;
    let started = epoch_ms()?;
    let first = failed_create(base, &alice, &put_refused("aks-first", "rg-hist")).await?;
    // swedencentral fails its creates midway (AllocationFailed).
    let second = failed_create(
        base,
        &alice,
        &create_body("aks-second", "swedencentral", "rg-hist"),
    )
    .await?;
    cancelled_create(
        base,
        &alice,
        &create_body("aks-stopped", "eastus", "rg-hist"),
    )
    .await?;
    let bobs = failed_create(base, &bob, &put_refused("aks-bobs", "rg-bob")).await?;

    let answer = ensure_history(base, &alice, &[job_id(&second)?, job_id(&first)?]).await?;
    let read = history_rows(&answer)?;
    for (item, task) in read.iter().zip([&second, &first]) {
        // The same record the browser saves from the task, stamped with the job's end and
        // classified.
        let task: TaskView = serde_json::from_value(task.clone())?;
        let expected = LastFailure::from_task(&task, item.when)
            .ok_or("a failure")?
            .with_category();
        ensure(item == &expected, format!("{item:?}\n{expected:?}"))?;
        ensure(
            item.task_id.as_deref() == Some(task.task_id.as_str()),
            format!("the row names its task: {item:?}"),
        )?;
        ensure(
            item.when >= started && item.when <= epoch_ms()?,
            format!("when is the job's end: {item:?}"),
        )?;
        ensure(
            item.category.is_some() && item.raw.contains(&task.error.ok_or("error")?.code),
            format!("classified from text carrying the code: {item:?}"),
        )?;
    }
    ensure(read[0].when >= read[1].when, "newest first")?;
    ensure(
        answer["jobs"][0]["cluster_name"] == "aks-second"
            && answer["jobs"][0]["subscription_id"] == SUBSCRIPTION
            && answer["jobs"][0].get("clusterName").is_none(),
        format!("snake_case on the wire: {answer}"),
    )?;

    let (status, limited) = history(base, &alice, "?hours=1&limit=1").await?;
    ensure(
        status == StatusCode::OK && history_ids(&limited) == [job_id(&second)?],
        format!("limit 1: {status} {limited}"),
    )?;
    ensure_history(base, &bob, &[job_id(&bobs)?]).await?;
    let (status, _) = history(base, "", "").await?;
    ensure(
        status == StatusCode::UNAUTHORIZED,
        format!("anonymous: {status}"),
    )?;

    // The server function the dashboard renders its first HTML with answers the same.
    let (status, from_ui) =
        server_fn(base, RecentFailedProvisions::PATH, &alice, String::new()).await?;
    ensure(
        status == StatusCode::OK
            && serde_json::from_value::<RecentFailures>(from_ui.clone())?.jobs == read,
        format!("server function: {status} {from_ui}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_history_s_window_is_bounded() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let refused = [
        ("?hours=0", "hours"),
        ("?hours=169", "hours"),
        ("?hours=-1", "hours"),
        ("?hours=abc", "hours"),
        ("?hours=1.5", "hours"),
        ("?hours=", "hours"),
        ("?hours=99999999999999999999", "hours"),
        ("?limit=0", "limit"),
        ("?limit=21", "limit"),
        ("?limit=ten", "limit"),
        ("?hours=24&limit=1e1", "limit"),
        ("?hours=24&hours=25", "query"),
    ];
    for (query, field) in refused {
        let (status, answer) = history(base, &cookie, query).await?;
        ensure(
            status == StatusCode::BAD_REQUEST
                && answer["code"] == "validation"
                && answer["field"] == field
                && answer["message"].as_str().is_some_and(|m| !m.is_empty()),
            format!("{query}: {status} {answer}"),
        )?;
    }
    for query in [
        "",
        "?hours=168&limit=20",
        "?hours=1&limit=1",
        "?limit=5",
        "?other=x",
    ] {
        let (status, answer) = history(base, &cookie, query).await?;
        ensure(
            status == StatusCode::OK && answer == json!({"jobs": [], "degraded": false}),
            format!("{query}: {status} {answer}"),
        )?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_owner_dismisses_a_failure_and_a_later_one_shows() -> TestResult {
    let dashboard = start_dashboard(fast_world(), true).await;
    let base = &dashboard.base_url;
    let alice = sign_in(base, "alice").await?;
    let bob = sign_in(base, "bob").await?;
    let failed = failed_create(base, &alice, &put_refused("aks-dismissed", "rg-dis")).await?;
    let failed_id = job_id(&failed)?;
    ensure_owner_only(
        base,
        DISMISS_ROUTE,
        (&alice, &bob),
        failed_id,
        "aks-dismissed",
    )
    .await?;
    let before = ensure_history(base, &alice, &[failed_id]).await?;
    ensure(
        before.get("last_dismissed_ms").is_none() && before.get("last_success_ms").is_none(),
        format!("nothing settled yet: {before}"),
    )?;

    let (status, outcome) = post_task(base, DISMISS_ROUTE, &alice, failed_id).await?;
    ensure(
        status == StatusCode::OK
            && outcome
                == json!({"job_id": failed_id, "dismissed": true, "already_dismissed": false}),
        format!("dismiss: {status} {outcome}"),
    )?;
    ensure_history(base, &alice, &[]).await?;
    let (status, again) = post_task(base, DISMISS_ROUTE, &alice, failed_id).await?;
    ensure(
        status == StatusCode::OK && again["already_dismissed"] == json!(true),
        format!("dismissing twice is harmless: {status} {again}"),
    )?;

    // Only failures can be dismissed: not a running create, a success or a cancel.
    let running = start(base, &alice, &create_body("aks-ok", "eastus", "rg-dis")).await?;
    let (_, running_task) = get_task(base, &alice, &running).await?;
    let running_id = job_id(&running_task)?.to_owned();
    let (status, answer) = post_task(base, DISMISS_ROUTE, &alice, &running_id).await?;
    ensure(
        status == StatusCode::CONFLICT && answer["code"] == "conflict",
        format!("running: {status} {answer}"),
    )?;
    let succeeded = until_finished(base, &alice, &running).await?;
    ensure(succeeded["status"] == "SUCCESS", format!("{succeeded}"))?;
    // The card settles on the newest success and the newest dismissed failure.
    let settled = ensure_history(base, &alice, &[]).await?;
    ensure(
        settled["last_dismissed_ms"].is_i64()
            && settled["last_success_ms"].as_i64() > settled["last_dismissed_ms"].as_i64(),
        format!("settled by a dismissal, then a success: {settled}"),
    )?;
    let cancelled =
        cancelled_create(base, &alice, &create_body("aks-stop", "eastus", "rg-dis")).await?;
    for task in [&succeeded, &cancelled] {
        let (status, answer) = post_task(base, DISMISS_ROUTE, &alice, job_id(task)?).await?;
        ensure(
            status == StatusCode::CONFLICT && answer["code"] == "conflict",
            format!("{}: {status} {answer}", task["status"]),
        )?;
    }

    // A later failure is another job: it shows, the dismissed one stays dismissed.
    let later = failed_create(
        base,
        &alice,
        &create_body("aks-dismissed", "swedencentral", "rg-dis"),
    )
    .await?;
    let later_id = job_id(&later)?;
    ensure_history(base, &alice, &[later_id]).await?;
    // Dismissed through the UI's server function this time.
    let (status, outcome) = server_fn(
        base,
        DismissFailedProvision::PATH,
        &alice,
        format!("job_id={later_id}"),
    )
    .await?;
    let outcome: DismissOutcome = serde_json::from_value(outcome)?;
    ensure(
        status == StatusCode::OK && outcome.job_id == later_id && !outcome.already_dismissed,
        format!("server function: {status} {outcome:?}"),
    )?;
    ensure_history(base, &alice, &[]).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_history_degrades_when_the_store_cannot_be_read() -> TestResult {
    let (dashboard, cookie) = alice_on_a_dashboard().await?;
    let base = &dashboard.base_url;
    let failed = failed_create(base, &cookie, &put_refused("aks-lost", "rg-lost")).await?;
    ensure_history(base, &cookie, &[job_id(&failed)?]).await?;
    // The jobs table gone from under the server (sessions, in the same database, still read):
    // every query of the history now fails as a database error.
    let mut saboteur = sqlx::SqliteConnection::connect(&dashboard.database_url).await?;
    sqlx::query("ALTER TABLE provision_jobs RENAME TO provision_jobs_hidden")
        .execute(&mut saboteur)
        .await?;
    let (status, answer) = history(base, &cookie, "").await?;
    ensure(
        status == StatusCode::OK && answer == json!({"jobs": [], "degraded": true}),
        format!("degraded: {status} {answer}"),
    )?;
    let (status, answer) =
        server_fn(base, RecentFailedProvisions::PATH, &cookie, String::new()).await?;
    ensure(
        status == StatusCode::OK && answer == json!({"jobs": [], "degraded": true}),
        format!("server function degraded: {status} {answer}"),
    )?;
    let (status, answer) = history(base, &cookie, "?hours=0").await?;
    ensure(
        status == StatusCode::BAD_REQUEST,
        format!("bounds are still checked first: {status} {answer}"),
    )?;
    // A write cannot degrade: the dismiss fails as an internal error, saying nothing more.
    let (status, answer) = post_task(base, DISMISS_ROUTE, &cookie, job_id(&failed)?).await?;
    ensure(
        status == StatusCode::INTERNAL_SERVER_ERROR
            && answer["code"] == "internal"
            && !answer.to_string().contains("database"),
        format!("dismiss: {status} {answer}"),
    )?;
    // The server's own pool, closed. A session this SQLite server already read is in its memory
    // (server/src/session/read_cache.rs), so alice is still known and her history degrades. A
    // session it never read cannot be read now: nothing is answered as if bob were signed in
    // or out.
    let bob = sign_in(base, "bob").await?;
    dashboard.store.close().await;
    let (status, answer) = history(base, &cookie, "").await?;
    ensure(
        status == StatusCode::OK && answer == json!({"jobs": [], "degraded": true}),
        format!("a session in memory: {status} {answer}"),
    )?;
    let (status, answer) = history(base, &bob, "").await?;
    ensure(
        status == StatusCode::SERVICE_UNAVAILABLE
            && answer["code"] == "session_unavailable"
            && !answer.to_string().contains("database"),
        format!("sessions unreadable: {status} {answer}"),
    )
}
