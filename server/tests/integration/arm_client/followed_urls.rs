//! The URLs ARM hands the client to follow: the token goes only to the configured endpoint
//! (over https unless it is loopback), a list whose `nextLink` never ends is cut off, and an
//! operation read without a `status` is never a success (docs/ARM_FACTS.md §1, §9).

use super::retries::cluster_body;
use crate::support::scripted_arm::{Scripted, ScriptedArm};
use crate::support::{TestResult, credential, ensure};
use serde_json::json;
use server::arm::{ApiVersions, ArmClient, ArmClientError, ArmClientSettings, OperationHandle};
use shared::operation_status::OperationState;

fn operation(status_url: String) -> OperationHandle {
    OperationHandle {
        status_url,
        retry_after: None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn operation_urls_off_the_arm_endpoint_are_refused_unsent() -> TestResult {
    let arm = ScriptedArm::start(vec![Scripted::json(200, json!({"status": "Succeeded"}))]).await;
    let elsewhere =
        ScriptedArm::start(vec![Scripted::json(200, json!({"status": "Succeeded"}))]).await;
    let client = arm.quick_client();
    let port = elsewhere.base_url.rsplit(':').next().unwrap_or_default();
    for foreign in [
        format!("{}/operations/op-1", elsewhere.base_url),
        format!("http://localhost:{port}/operations/op-1"),
        "https://evil.example.com/operations/op-1".to_owned(),
        arm.base_url.replace("http://", "https://") + "/operations/op-1",
    ] {
        let poll = client.poll_operation(&operation(foreign.clone())).await;
        ensure(
            matches!(&poll, Err(ArmClientError::UntrustedUrl(m)) if m.contains("the token is sent nowhere else")),
            format!("{foreign}: {poll:?}"),
        )?;
    }
    ensure(
        arm.seen().is_empty() && elsewhere.seen().is_empty(),
        "no request left",
    )?;
    let poll = client
        .poll_operation(&operation(format!("{}/operations/op-1", arm.base_url)))
        .await?;
    ensure(
        poll.state == OperationState::Succeeded,
        "the endpoint's own URL is read",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_next_link_off_the_arm_endpoint_is_refused_unsent() -> TestResult {
    let elsewhere = ScriptedArm::start(vec![Scripted::json(200, json!({"value": []}))]).await;
    let arm = ScriptedArm::start(vec![Scripted::json(
        200,
        json!({"value": [], "nextLink": format!("{}/subscriptions?page=2", elsewhere.base_url)}),
    )])
    .await;
    let listed = arm.quick_client().list_subscriptions().await;
    ensure(
        matches!(&listed, Err(ArmClientError::UntrustedUrl(_))),
        format!("{listed:?}"),
    )?;
    ensure(
        arm.seen().len() == 1 && elsewhere.seen().is_empty(),
        "the foreign page was never asked for",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn http_base_urls_are_accepted_only_on_loopback() -> TestResult {
    for refused in [
        "http://management.azure.com",
        "http://10.1.2.3:4100",
        "http://arm.example.test",
    ] {
        let built = ArmClient::new(
            url::Url::parse(refused)?,
            credential(),
            ApiVersions::default(),
        );
        ensure(
            matches!(&built, Err(ArmClientError::UntrustedUrl(m)) if m.contains("must use https")),
            format!("{refused}: {built:?}"),
        )?;
    }
    for allowed in [
        "https://management.azure.com",
        "http://127.0.0.1:4100",
        "http://[::1]:4100",
        "http://localhost:4100",
    ] {
        ArmClient::new(
            url::Url::parse(allowed)?,
            credential(),
            ApiVersions::default(),
        )?;
    }
    // And a loopback http endpoint is really talked to.
    let arm = ScriptedArm::start(vec![Scripted::json(200, json!({"value": []}))]).await;
    arm.quick_client().list_subscriptions().await?;
    ensure(arm.seen().len() == 1, "the loopback endpoint answered")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_next_link_that_never_ends_is_cut_off() -> TestResult {
    // A nextLink to the page itself: the second read would repeat the first.
    let arm = ScriptedArm::start(vec![Scripted::json(
        200,
        json!({"value": [], "nextLink": "{base}/subscriptions?api-version=2022-12-01"}),
    )])
    .await;
    let listed = arm.quick_client().list_subscriptions().await;
    ensure(
        matches!(&listed, Err(ArmClientError::Decode(m)) if m.contains("repeats a page")),
        format!("{listed:?}"),
    )?;
    ensure(arm.seen().len() == 1, format!("{:?}", arm.seen()))?;

    // A nextLink that changes every time: the page cap ends it.
    let arm = ScriptedArm::start(vec![Scripted::json(
        200,
        json!({"value": [], "nextLink": "{base}/subscriptions?api-version=2022-12-01&page={n}"}),
    )])
    .await;
    let client = arm.client(ArmClientSettings {
        max_pages: 5,
        ..ArmClientSettings::default()
    });
    let listed = client.list_subscriptions().await;
    ensure(
        matches!(&listed, Err(ArmClientError::Decode(m)) if m.contains("after 5 pages")),
        format!("{listed:?}"),
    )?;
    ensure(
        arm.seen().len() == 5,
        format!("{} pages read", arm.seen().len()),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operation_read_without_a_status_is_unknown() -> TestResult {
    let arm = ScriptedArm::start(vec![
        Scripted::json(200, cluster_body("Creating")),
        Scripted::empty(200),
        Scripted::empty(204),
        Scripted::empty(202).header("retry-after", "3"),
        Scripted::json(
            200,
            json!({"status": "InProgress", "percentComplete": 40.0}),
        ),
    ])
    .await;
    let client = arm.quick_client();
    let url = operation(format!("{}/operationresults/op-1", arm.base_url));
    let mut states = Vec::new();
    for _ in 0..5 {
        states.push(client.poll_operation(&url).await?.state);
    }
    ensure(
        states
            == [
                OperationState::Unknown,
                OperationState::Unknown,
                OperationState::Unknown,
                OperationState::Running("InProgress".into()),
                OperationState::Running("InProgress".into()),
            ],
        format!("{states:?}"),
    )
}
