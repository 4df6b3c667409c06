//! Helpers for the routes that act on a task (cancel, delete the partial cluster, dismiss a
//! failure) and for following a task to its end.

use super::{SUBSCRIPTION, TestResult, ensure, http, post_create, until_task};
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::arm::ArmClient;
use shared::progress::{CANCELLED_CODE, CANCELLED_MESSAGE};
use std::time::{Duration, Instant};

/// Route of the cancel (`{id}`: the task id).
pub const CANCEL_ROUTE: &str = "/api/aks/cancel-provision/{id}";

/// `POST` to `route` with `{id}` replaced by `task_id`, without a body, as `cookie` (empty: no
/// session).
pub async fn post_task(
    base_url: &str,
    route: &str,
    cookie: &str,
    task_id: &str,
) -> TestResult<(StatusCode, Value)> {
    let path = route.replace("{id}", task_id);
    let mut request = http().post(format!("{base_url}{path}"));
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await?;
    let status = response.status();
    Ok((status, response.json().await?))
}

/// `POST /api/aks/cancel-provision/{task_id}` with the session `cookie` (none when empty).
pub async fn cancel(
    base_url: &str,
    cookie: &str,
    task_id: &str,
) -> TestResult<(StatusCode, Value)> {
    post_task(base_url, CANCEL_ROUTE, cookie, task_id).await
}

/// The owner-only answers of a task route: another user 403 with nothing of the job (not its
/// cluster's name, not its job id), an unknown or absurd id 404, no session 401.
pub async fn ensure_owner_only(
    base: &str,
    route: &str,
    (alice, bob): (&str, &str),
    task_id: &str,
    cluster: &str,
) -> TestResult {
    let (status, answer) = post_task(base, route, bob, task_id).await?;
    ensure(
        status == StatusCode::FORBIDDEN && answer["code"] == "forbidden",
        format!("another user: {status} {answer}"),
    )?;
    ensure(
        !answer.to_string().contains(cluster) && answer.get("job_id").is_none(),
        format!("nothing of the job leaks: {answer}"),
    )?;
    let (status, answer) = post_task(base, route, alice, "no-such-task").await?;
    ensure(
        status == StatusCode::NOT_FOUND && answer["code"] == "not_found",
        format!("unknown: {status} {answer}"),
    )?;
    let (status, _) = post_task(base, route, alice, &"x".repeat(5000)).await?;
    ensure(
        status == StatusCode::NOT_FOUND,
        format!("absurd id: {status}"),
    )?;
    let (status, answer) = post_task(base, route, "", task_id).await?;
    ensure(
        status == StatusCode::UNAUTHORIZED,
        format!("anonymous: {status} {answer}"),
    )
}

/// Starts a create of `cluster` and answers its task id.
pub async fn start(base_url: &str, cookie: &str, body: &Value) -> TestResult<String> {
    let (status, accepted) = post_create(base_url, cookie, body).await?;
    ensure(
        status == StatusCode::OK,
        format!("create: {status} {accepted}"),
    )?;
    Ok(accepted["task_id"].as_str().ok_or("task_id")?.to_owned())
}

/// Waits until Azure accepted the create (the job reports the cluster Creating).
pub async fn until_accepted(base_url: &str, cookie: &str, task_id: &str) -> TestResult<Value> {
    until_task(
        base_url,
        cookie,
        task_id,
        Duration::from_secs(20),
        Duration::from_millis(20),
        |task| task["progress"]["cluster_state"] == "Creating" || task["ready"] == json!(true),
    )
    .await
}

/// The task once it finished, read every 10 ms.
pub async fn until_finished(base_url: &str, cookie: &str, task_id: &str) -> TestResult<Value> {
    until_task(
        base_url,
        cookie,
        task_id,
        Duration::from_secs(20),
        Duration::from_millis(10),
        |task| task["ready"] == json!(true),
    )
    .await
}

/// Reads the sandbox cluster every 50 ms until its provisioningState is `state`.
pub async fn until_cluster_state(
    arm: &ArmClient,
    group: &str,
    name: &str,
    state: &str,
) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let cluster = arm.get_cluster(SUBSCRIPTION, group, name).await?;
        let seen = cluster.as_ref().map(|c| c.provisioning_state().to_owned());
        if seen.as_deref() == Some(state) {
            return Ok(());
        }
        ensure(
            Instant::now() < deadline,
            format!("cluster {name} is {seen:?}, never {state}"),
        )?;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Checks the REVOKED end every cancelled task has: the cancel's error, classified `cancelled`
/// with the job's own words.
pub fn ensure_revoked(task: &Value) -> TestResult {
    let error = &task["error"];
    ensure(
        task["status"] == "REVOKED"
            && task["ready"] == json!(true)
            && task["progress"]["phase"] == "cancelled_by_user"
            && error["code"] == CANCELLED_CODE
            && error["message"] == CANCELLED_MESSAGE
            && error["raw"] == ""
            && error["category"] == "cancelled"
            && error["summary"] == CANCELLED_MESSAGE
            && task["result"].is_null(),
        format!("revoked: {task}"),
    )
}

/// Checks that `GET /api/aks/clusters` lists cluster `name` in resource group `group`.
pub async fn ensure_cluster_listed(
    base_url: &str,
    cookie: &str,
    name: &str,
    group: &str,
) -> TestResult {
    let clusters: Value = http()
        .get(format!(
            "{base_url}/api/aks/clusters?subscription_id={SUBSCRIPTION}"
        ))
        .header("cookie", cookie)
        .send()
        .await?
        .json()
        .await?;
    ensure(
        clusters.as_array().is_some_and(|list| {
            list.iter()
                .any(|c| c["name"] == name && c["resource_group"] == group)
        }),
        format!("{name} in {group} is listed: {clusters}"),
    )
}
