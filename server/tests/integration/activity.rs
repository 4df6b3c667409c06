//! The activity list (issue 19): `GET /api/aks/jobs` answers the caller's own jobs of every
//! status, newest first, each as its task read answers it (a failure classified), a dismissed
//! failure included; never another user's; a bounded window (400 otherwise), 401 without a
//! session; and the UI's `recent_jobs` server function answers the same.

use super::failure_history::{
    DISMISS_ROUTE, cancelled_create, failed_create, job_id, put_refused, server_fn,
};
use super::support::jobs::epoch_ms;
use super::support::tasks::{post_task, start, until_finished};
use super::support::{
    TestResult, create_body, ensure, fast_world, get_json, sign_in, start_dashboard,
};
use app::api::provision::recent_jobs::RecentJobs;
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;
use serde_json::Value;
use shared::activity::RecentJob;
use shared::progress::TaskStatus;

/// The caller's activity list with `query`, read as `cookie`.
async fn activity(base: &str, cookie: &str, query: &str) -> TestResult<(StatusCode, Value)> {
    get_json(base, &format!("/api/aks/jobs{query}"), cookie).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_caller_s_jobs_of_every_status_newest_first() -> TestResult {
    let dashboard = start_dashboard(fast_world(), true).await;
    let base = &dashboard.base_url;
    let alice = sign_in(base, "alice").await?;
    let bob = sign_in(base, "bob").await?;
    let started = epoch_ms()?;
    let created = start(base, &alice, &create_body("aks-made", "eastus", "rg-act")).await?;
    let made = until_finished(base, &alice, &created).await?;
    ensure(made["status"] == "SUCCESS", format!("{made}"))?;
    let failed = failed_create(base, &alice, &put_refused("aks-refused", "rg-act")).await?;
    // A dismissed failure leaves the "Last attempt failed" card, not the list.
    let (status, _) = post_task(base, DISMISS_ROUTE, &alice, job_id(&failed)?).await?;
    ensure(status == StatusCode::OK, format!("dismiss: {status}"))?;
    cancelled_create(
        base,
        &alice,
        &create_body("aks-stopped", "eastus", "rg-act"),
    )
    .await?;
    failed_create(base, &bob, &put_refused("aks-bobs", "rg-bob")).await?;

    let (status, answer) = activity(base, &alice, "").await?;
    ensure(status == StatusCode::OK, format!("{status} {answer}"))?;
    let jobs: Vec<RecentJob> = serde_json::from_value(answer.clone())?;
    let seen: Vec<(&str, TaskStatus)> = jobs
        .iter()
        .map(|job| {
            let name = job
                .task
                .progress
                .as_ref()
                .map_or("", |p| p.cluster_name.as_str());
            (name, job.task.status)
        })
        .collect();
    ensure(
        seen == [
            ("aks-stopped", TaskStatus::Revoked),
            ("aks-refused", TaskStatus::Failure),
            ("aks-made", TaskStatus::Success),
        ],
        format!("alice's three, newest first, bob's not: {seen:?}"),
    )?;
    let now = epoch_ms()?;
    for job in &jobs {
        let ended = job.finished_at_ms.ok_or("each ended")?;
        ensure(
            started <= job.created_at_ms && job.created_at_ms <= ended && ended <= now,
            format!("submitted, then ended, within the test: {job:?}"),
        )?;
    }
    let failure = jobs[1].task.error.as_ref().ok_or("the failure's error")?;
    ensure(
        failure.classification.is_some(),
        format!("a failure carries its classification: {failure:?}"),
    )?;
    ensure(
        answer[0]["created_at_ms"].is_i64() && answer[0]["task"]["task_id"].is_string(),
        format!("snake_case on the wire: {answer}"),
    )?;

    let (status, newest) = activity(base, &alice, "?hours=1&limit=1").await?;
    let newest: Vec<RecentJob> = serde_json::from_value(newest)?;
    ensure(
        status == StatusCode::OK && newest.len() == 1 && newest[0] == jobs[0],
        format!("limit 1 keeps the newest: {status} {newest:?}"),
    )?;
    let (status, bobs) = activity(base, &bob, "").await?;
    ensure(
        status == StatusCode::OK && bobs.as_array().map(Vec::len) == Some(1),
        format!("bob sees his own only: {status} {bobs}"),
    )?;
    let (status, _) = activity(base, "", "").await?;
    ensure(
        status == StatusCode::UNAUTHORIZED,
        format!("anonymous: {status}"),
    )?;
    for (query, field) in [("?limit=21", "limit"), ("?hours=0", "hours")] {
        let (status, refused) = activity(base, &alice, query).await?;
        ensure(
            status == StatusCode::BAD_REQUEST
                && refused["code"] == "validation"
                && refused["field"] == field,
            format!("{query}: {status} {refused}"),
        )?;
    }

    // The server function the header's list reads answers the same jobs.
    let (status, from_ui) = server_fn(base, RecentJobs::PATH, &alice, String::new()).await?;
    ensure(
        status == StatusCode::OK
            && serde_json::from_value::<Vec<RecentJob>>(from_ui.clone())? == jobs,
        format!("server function: {status} {from_ui}"),
    )
}
