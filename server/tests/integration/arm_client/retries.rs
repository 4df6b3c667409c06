//! Which calls the client sends again (docs/ARM_FACTS.md §9): a write answered 5xx or lost is
//! sent exactly once, a write answered 429 again after its `Retry-After`, a read answered 503
//! until it succeeds.

use crate::support::arm::{arm_error, spec};
use crate::support::scripted_arm::{Scripted, ScriptedArm};
use crate::support::{SUBSCRIPTION as SUB, TestResult, ensure};
use axum::http::Method;
use serde_json::json;
use server::arm::{ArmClientError, ArmClientSettings, RetryPolicy};
use std::time::{Duration, Instant};

/// A cluster body as ARM returns it; `state` is its provisioningState.
pub fn cluster_body(state: &str) -> serde_json::Value {
    json!({
        "id": format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks"),
        "name": "aks",
        "location": "eastus",
        "properties": {"provisioningState": state},
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_put_answered_5xx_is_sent_exactly_once() -> TestResult {
    for status in [500, 502, 503, 504] {
        let arm = ScriptedArm::start(vec![
            Scripted::error(status, "ServiceUnavailable").header("retry-after", "0"),
        ])
        .await;
        let sent = arm
            .quick_client()
            .create_cluster(SUB, "rg", "aks", &spec("eastus", "Standard_D4s_v5", 1))
            .await;
        let error = arm_error(sent)?;
        ensure(
            error.status == status,
            format!("the 5xx reaches the caller: {error}"),
        )?;
        ensure(
            arm.count(&Method::PUT) == 1,
            format!("{status}: PUT sent {} times", arm.count(&Method::PUT)),
        )?;
    }
    let arm = ScriptedArm::start(vec![Scripted::error(503, "ServiceUnavailable")]).await;
    let client = arm.quick_client();
    arm_error(client.delete_cluster(SUB, "rg", "aks").await)?;
    arm_error(client.abort_latest_operation(SUB, "rg", "aks").await)?;
    arm_error(client.create_resource_group(SUB, "rg", "eastus").await)?;
    ensure(
        arm.count(&Method::DELETE) == 1 && arm.count(&Method::POST) == 1,
        format!("DELETE and POST sent once each: {:?}", arm.seen()),
    )?;
    ensure(
        arm.count(&Method::PUT) == 1,
        "a resource group PUT is a write too",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_put_whose_answer_is_lost_is_sent_exactly_once() -> TestResult {
    let arm = ScriptedArm::start(vec![
        Scripted::json(201, cluster_body("Creating")).after(Duration::from_secs(3)),
    ])
    .await;
    let client = arm.client(ArmClientSettings {
        request_timeout: Duration::from_millis(300),
        ..ArmClientSettings::default()
    });
    let sent = client
        .create_cluster(SUB, "rg", "aks", &spec("eastus", "Standard_D4s_v5", 1))
        .await;
    ensure(
        matches!(&sent, Err(ArmClientError::Transport(m)) if m.contains("no answer within 0.3 s")),
        format!("a lost answer is a transport failure: {sent:?}"),
    )?;
    ensure(
        arm.count(&Method::PUT) == 1,
        format!("PUT sent {} times", arm.count(&Method::PUT)),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_put_answered_429_is_sent_again_after_retry_after() -> TestResult {
    let arm = ScriptedArm::start(vec![
        Scripted::error(429, "SubscriptionRequestsThrottled").header("retry-after", "1"),
        Scripted::json(201, cluster_body("Creating"))
            .header("azure-asyncoperation", "{base}/operations/op-1")
            .header("retry-after", "5"),
    ])
    .await;
    let started = Instant::now();
    let accepted = arm
        .quick_client()
        .create_cluster(SUB, "rg", "aks", &spec("eastus", "Standard_D4s_v5", 1))
        .await?;
    ensure(
        started.elapsed() >= Duration::from_secs(1),
        format!("waited {:?}, Retry-After was 1 s", started.elapsed()),
    )?;
    ensure(
        arm.count(&Method::PUT) == 2
            && accepted.operation.status_url == format!("{}/operations/op-1", arm.base_url),
        format!("throttled once, then accepted: {:?}", arm.seen()),
    )?;

    // A Retry-After beyond the policy's longest wait ends the retries at once.
    let arm = ScriptedArm::start(vec![
        Scripted::error(429, "SubscriptionRequestsThrottled").header("retry-after", "600"),
    ])
    .await;
    let error = arm_error(
        arm.quick_client()
            .create_cluster(SUB, "rg", "aks", &spec("eastus", "Standard_D4s_v5", 1))
            .await,
    )?;
    ensure(
        error.status == 429 && arm.count(&Method::PUT) == 1,
        format!("{error}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_answered_503_twice_then_200_succeeds() -> TestResult {
    let arm = ScriptedArm::start(vec![
        Scripted::error(503, "ServiceUnavailable"),
        Scripted::error(503, "ServiceUnavailable"),
        Scripted::json(200, cluster_body("Succeeded")),
    ])
    .await;
    let cluster = arm.quick_client().get_cluster(SUB, "rg", "aks").await?;
    ensure(
        cluster.is_some_and(|c| c.provisioning_state() == "Succeeded"),
        "the third answer is the cluster",
    )?;
    ensure(
        arm.count(&Method::GET) == 3,
        format!("GET sent {} times", arm.count(&Method::GET)),
    )?;

    // A read whose answer is lost in a timeout is sent again too.
    let arm = ScriptedArm::start(vec![
        Scripted::json(200, cluster_body("Creating")).after(Duration::from_secs(3)),
        Scripted::json(200, cluster_body("Succeeded")),
    ])
    .await;
    let client = arm.client(ArmClientSettings {
        request_timeout: Duration::from_millis(300),
        retry: RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        },
        ..ArmClientSettings::default()
    });
    let cluster = client.get_cluster(SUB, "rg", "aks").await?;
    ensure(
        cluster.is_some_and(|c| c.provisioning_state() == "Succeeded")
            && arm.count(&Method::GET) == 2,
        format!("timed out once, then read: {:?}", arm.seen()),
    )
}
