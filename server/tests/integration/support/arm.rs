//! Helpers for tests that drive the ARM client directly, and raw ARM requests for what the
//! dashboard's client has no method for (the dashboard never asks them).

use super::{TestCloud, TestResult, http, token};
use server::arm::models::{ManagedClusterSpec, NodePoolSpec};
use server::arm::{ArmClient, ArmClientError, OperationHandle, OperationPoll};
use shared::arm_error::ArmError;
use std::collections::BTreeMap;
use std::time::Duration;

/// A cluster in `location` with a system pool of one Standard_D2s_v5 and `workers` nodes of
/// `worker_size`.
pub fn spec(location: &str, worker_size: &str, workers: i32) -> ManagedClusterSpec {
    ManagedClusterSpec {
        location: location.into(),
        dns_prefix: "aks-test".into(),
        kubernetes_version: None,
        pools: vec![
            NodePoolSpec {
                name: "system".into(),
                mode: "System".into(),
                vm_size: "Standard_D2s_v5".into(),
                count: 1,
            },
            NodePoolSpec {
                name: "workers".into(),
                mode: "User".into(),
                vm_size: worker_size.into(),
                count: workers,
            },
        ],
        tags: BTreeMap::new(),
        zones: Vec::new(),
        subnet_id: None,
    }
}

/// The ARM error of a call that must have failed with one.
pub fn arm_error(result: Result<impl std::fmt::Debug, ArmClientError>) -> TestResult<ArmError> {
    match result {
        Err(ArmClientError::Arm(error)) => Ok(*error),
        other => Err(format!("expected an ARM error, got {other:?}").into()),
    }
}

/// Polls `operation` until it ends, waiting ARM's `Retry-After` between reads (the last one
/// given when a read sends none; 30 s when ARM never sent one); `on_poll` sees every read.
pub async fn wait_for_operation(
    arm: &ArmClient,
    operation: &OperationHandle,
    mut on_poll: impl FnMut(&OperationPoll),
) -> TestResult<OperationPoll> {
    let mut wait = operation.retry_after.unwrap_or(Duration::from_secs(30));
    loop {
        tokio::time::sleep(wait).await;
        let poll = arm.poll_operation(operation).await?;
        on_poll(&poll);
        if poll.state.is_terminal() {
            return Ok(poll);
        }
        wait = poll.retry_after.unwrap_or(wait);
    }
}

/// ARM's CheckExistence: `HEAD` on the resource group answers 204 or 404.
pub async fn resource_group_exists(
    cloud: &TestCloud,
    subscription: &str,
    group: &str,
) -> TestResult<bool> {
    let url = format!(
        "{}/subscriptions/{subscription}/resourcegroups/{group}?api-version=2025-04-01",
        cloud.sandbox.base_url
    );
    let response = http().head(url).bearer_auth(token().await).send().await?;
    match response.status().as_u16() {
        204 => Ok(true),
        404 => Ok(false),
        other => Err(format!("HEAD on a resource group answered {other}").into()),
    }
}

/// The names of the managed clusters of a resource group, following `nextLink`.
pub async fn cluster_names_in_group(
    cloud: &TestCloud,
    subscription: &str,
    group: &str,
) -> TestResult<Vec<String>> {
    let mut next = Some(format!(
        "{}/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.ContainerService/managedClusters?api-version=2025-10-01",
        cloud.sandbox.base_url
    ));
    let mut names = Vec::new();
    while let Some(url) = next {
        let page: serde_json::Value = http()
            .get(url)
            .bearer_auth(token().await)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let listed = page["value"].as_array().ok_or("a list has a value array")?;
        names.extend(
            listed
                .iter()
                .filter_map(|c| c["name"].as_str().map(str::to_owned)),
        );
        next = page["nextLink"].as_str().map(str::to_owned);
    }
    Ok(names)
}
