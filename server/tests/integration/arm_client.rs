//! The ARM client against the sandbox cloud over real HTTP: creates and their long-running
//! operations, ARM's failure answers (quota, blocked sizes, unavailable regions, denied scopes,
//! capacity), conflicts, abort and delete; and, against a scripted ARM, the protocol corners
//! the sandbox never produces: which calls are retried, the time bounds, and the URLs followed.

mod followed_urls;
mod retries;
mod time_bounds;

use super::support::SUBSCRIPTION as SUB;
use super::support::arm::{arm_error, cluster_names_in_group, spec, wait_for_operation};
use super::support::{TestResult, ensure, fast_world, sandbox_cloud, token};
use server::arm::AbortOutcome;
use shared::arm_error::ArmError;
use shared::operation_status::OperationState;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread")]
async fn create_polls_to_succeeded() -> TestResult {
    let cloud = sandbox_cloud(fast_world()).await;
    let accepted = cloud
        .arm
        .create_cluster(
            SUB,
            "rg-platform",
            "aks-happy",
            &spec("eastus", "Standard_D4s_v5", 3),
        )
        .await?;
    ensure(
        accepted.cluster.provisioning_state() == "Creating",
        "201 body says Creating",
    )?;
    ensure(
        accepted.operation.retry_after == Some(Duration::from_secs(1)),
        "Retry-After is sent",
    )?;
    ensure(
        accepted
            .operation
            .status_url
            .contains("/providers/Microsoft.ContainerService/locations/eastus/operations/"),
        "AKS operation URL shape",
    )?;

    let during = cloud
        .arm
        .get_cluster(SUB, "RG-PLATFORM", "aks-happy")
        .await?
        .ok_or("cluster visible while creating")?;
    ensure(
        during.provisioning_state() == "Creating",
        "GET during create says Creating",
    )?;
    ensure(
        during
            .properties
            .agent_pool_profiles
            .iter()
            .all(|p| p.provisioning_state.as_deref() == Some("Creating")),
        "pools creating",
    )?;

    let started = Instant::now();
    let mut polls = Vec::new();
    let last = wait_for_operation(&cloud.arm, &accepted.operation, |poll| {
        polls.push(poll.state.clone())
    })
    .await?;
    ensure(
        last.state == OperationState::Succeeded,
        format!("ended {:?}", last.state),
    )?;
    ensure(
        started.elapsed() >= Duration::from_secs(1),
        "waited Retry-After before the first poll",
    )?;
    ensure(
        polls.len() >= 2 && !polls[0].is_terminal(),
        format!("saw InProgress first: {polls:?}"),
    )?;

    let done = cloud
        .arm
        .get_cluster(SUB, "rg-platform", "aks-happy")
        .await?
        .ok_or("cluster exists")?;
    let summary = done.summary();
    ensure(
        summary.provisioning_state == "Succeeded",
        "cluster Succeeded",
    )?;
    ensure(
        summary
            .pools
            .iter()
            .all(|p| p.provisioning_state == "Succeeded"),
        "pools Succeeded",
    )?;
    ensure(
        summary.kubernetes_version.as_deref() == Some("1.33.5"),
        "default version resolved",
    )?;
    ensure(
        done.properties
            .fqdn
            .as_deref()
            .is_some_and(|f| f.ends_with(".hcp.eastus.azmk8s.io")),
        "fqdn once created",
    )?;
    let listed = cluster_names_in_group(&cloud, SUB, "rg-platform").await?;
    ensure(
        listed.iter().any(|name| name == "aks-happy"),
        "listed in its group",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn quota_shortfall_regional_and_family() -> TestResult {
    let cloud = sandbox_cloud(fast_world()).await;
    // The seed's case: 10 × 16-core workers + 1 × 2-core system against 100 free regional vCPUs.
    let regional = arm_error(
        cloud
            .arm
            .create_cluster(
                SUB,
                "rg-platform",
                "aks-big",
                &spec("koreacentral", "Standard_E16s_v5", 10),
            )
            .await,
    )?;
    ensure(
        regional.status == 400 && regional.code == "ErrCode_InsufficientVCPUQuota",
        format!("{regional}"),
    )?;
    ensure(
        regional
            .message
            .contains("left regional vcpu quota 100, requested quota 162"),
        regional.message.clone(),
    )?;
    ensure(
        regional.raw.contains("\"subcode\""),
        "AKS answers unwrapped",
    )?;

    let family = arm_error(
        cloud
            .arm
            .create_cluster(
                SUB,
                "rg-platform",
                "aks-fam",
                &spec("westeurope", "Standard_E16s_v5", 7),
            )
            .await,
    )?;
    ensure(
        family.message.starts_with("Insufficient vcpu quota requested 112, remaining 100 for family standardESv5Family for region westeurope"),
        family.message.clone(),
    )?;
    ensure(
        cloud
            .arm
            .get_cluster(SUB, "rg-platform", "aks-big")
            .await?
            .is_none(),
        "a refused create leaves nothing",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn blocked_size_unavailable_region_and_denied_scope() -> TestResult {
    let cloud = sandbox_cloud(fast_world()).await;
    let blocked = arm_error(
        cloud
            .arm
            .create_cluster(
                SUB,
                "rg-platform",
                "aks-b",
                &spec("uksouth", "Standard_D16s_v5", 2),
            )
            .await,
    )?;
    ensure(blocked.code == "BadRequest", blocked.code.clone())?;
    ensure(blocked.message.starts_with("The VM size of AgentPoolProfile:workers is not allowed in your subscription in location 'uksouth'."), blocked.message.clone())?;

    let region = arm_error(
        cloud
            .arm
            .create_cluster(
                SUB,
                "rg-platform",
                "aks-r",
                &spec("brazilsoutheast", "Standard_D4s_v5", 2),
            )
            .await,
    )?;
    ensure(
        region.code == "LocationNotAvailableForResourceType" && region.status == 400,
        format!("{region}"),
    )?;
    ensure(region.raw.starts_with("{\"error\""), "ARM front door wraps")?;

    let denied = arm_error(
        cloud
            .arm
            .create_cluster(
                SUB,
                "rg-readonly",
                "aks-d",
                &spec("eastus", "Standard_D4s_v5", 2),
            )
            .await,
    )?;
    ensure(
        denied.status == 403 && denied.code == "AuthorizationFailed",
        format!("{denied}"),
    )?;
    ensure(
        denied
            .message
            .contains("with object id '5d3f1e2a-7b9c-4d8e-a1f0-3c2b4a5d6e7f'"),
        denied.message.clone(),
    )?;
    ensure(
        denied.message.contains("/resourceGroups/rg-readonly/"),
        "scope named",
    )?;
    let group_denied = arm_error(
        cloud
            .arm
            .create_resource_group(SUB, "rg-readonly", "eastus")
            .await,
    )?;
    ensure(
        group_denied.code == "AuthorizationFailed",
        "resource group write denied too",
    )?;

    let missing_group = arm_error(
        cloud
            .arm
            .create_cluster(
                SUB,
                "rg-nope",
                "aks-x",
                &spec("eastus", "Standard_D4s_v5", 2),
            )
            .await,
    )?;
    ensure(
        missing_group.status == 404 && missing_group.code == "ResourceGroupNotFound",
        format!("{missing_group}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn conflict_while_creating_and_precondition_on_existing() -> TestResult {
    let mut world = fast_world();
    world.timings.create_seconds = 30.0;
    let cloud = sandbox_cloud(world).await;
    let body = spec("eastus", "Standard_D4s_v5", 2);
    cloud
        .arm
        .create_cluster(SUB, "rg-platform", "aks-busy", &body)
        .await?;

    let again = arm_error(
        cloud
            .arm
            .create_cluster(SUB, "rg-platform", "aks-busy", &body)
            .await,
    )?;
    ensure(
        again.status == 412 && again.code == "PreconditionFailed",
        format!("If-None-Match: * → {again}"),
    )?;

    // Without If-None-Match a PUT is an update, refused while the create runs.
    let url = format!(
        "{}/subscriptions/{SUB}/resourceGroups/rg-platform/providers/Microsoft.ContainerService/managedClusters/aks-busy?api-version=2025-10-01",
        cloud.sandbox.base_url
    );
    let response = reqwest::Client::new()
        .put(url)
        .bearer_auth(token().await)
        .json(&body.to_request_body())
        .send()
        .await?;
    ensure(
        response.status() == 409,
        format!("status {}", response.status()),
    )?;
    let conflict = ArmError::from_response(409, &response.text().await?);
    ensure(
        conflict.code == "OperationNotAllowed",
        conflict.code.clone(),
    )?;
    ensure(
        conflict
            .message
            .contains("in progress create managed cluster operation"),
        conflict.message.clone(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn abort_cancels_and_then_has_nothing_to_abort() -> TestResult {
    let mut world = fast_world();
    world.timings.create_seconds = 30.0;
    let cloud = sandbox_cloud(world).await;
    let accepted = cloud
        .arm
        .create_cluster(
            SUB,
            "rg-platform",
            "aks-stop",
            &spec("eastus", "Standard_D4s_v5", 2),
        )
        .await?;
    let AbortOutcome::Aborting(abort) = cloud
        .arm
        .abort_latest_operation(SUB, "rg-platform", "aks-stop")
        .await?
    else {
        return Err("abort of a running create answers 202 with an operation".into());
    };
    let canceling = cloud
        .arm
        .get_cluster(SUB, "rg-platform", "aks-stop")
        .await?
        .ok_or("cluster")?;
    ensure(
        canceling.provisioning_state() == "Canceling",
        canceling.provisioning_state().to_owned(),
    )?;
    let first = cloud.arm.poll_operation(&accepted.operation).await?;
    ensure(
        first.state == OperationState::Running("Canceling".into()),
        format!("{:?}", first.state),
    )?;

    let create = wait_for_operation(&cloud.arm, &accepted.operation, |_| {}).await?;
    ensure(
        create.state == OperationState::Canceled,
        format!("{:?}", create.state),
    )?;
    ensure(
        create
            .error
            .as_ref()
            .is_some_and(|e| e.code == "OperationCancelled"),
        "Canceled carries an error",
    )?;
    let abort_done = wait_for_operation(&cloud.arm, &abort, |_| {}).await?;
    ensure(
        abort_done.state == OperationState::Succeeded,
        "the abort operation itself succeeds",
    )?;
    let cluster = cloud
        .arm
        .get_cluster(SUB, "rg-platform", "aks-stop")
        .await?
        .ok_or("cluster left behind")?;
    ensure(
        cluster.provisioning_state() == "Canceled",
        cluster.provisioning_state().to_owned(),
    )?;

    match cloud
        .arm
        .abort_latest_operation(SUB, "rg-platform", "aks-stop")
        .await?
    {
        AbortOutcome::NothingToAbort(error) => ensure(error.status == 409, format!("{error}")),
        other => Err(format!("a finished cluster has nothing to abort, got {other:?}").into()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn capacity_failure_midway() -> TestResult {
    let cloud = sandbox_cloud(fast_world()).await;
    let accepted = cloud
        .arm
        .create_cluster(
            SUB,
            "rg-platform",
            "aks-sweden",
            &spec("swedencentral", "Standard_D4as_v5", 3),
        )
        .await?;
    let last = wait_for_operation(&cloud.arm, &accepted.operation, |_| {}).await?;
    ensure(
        last.state == OperationState::Failed,
        format!("{:?}", last.state),
    )?;
    let error = last.error.ok_or("Failed carries an error")?;
    ensure(error.code == "ResourceOperationFailure", error.code.clone())?;
    ensure(
        error.innermost().0 == "AllocationFailed",
        format!("{:?}", error.innermost()),
    )?;
    let cluster = cloud
        .arm
        .get_cluster(SUB, "rg-platform", "aks-sweden")
        .await?
        .ok_or("failed cluster remains")?;
    ensure(cluster.provisioning_state() == "Failed", "cluster Failed")?;
    let workers = cluster
        .properties
        .agent_pool_profiles
        .iter()
        .find(|p| p.name == "workers")
        .ok_or("workers pool")?;
    ensure(
        workers
            .status
            .as_ref()
            .and_then(|s| s.provisioning_error.as_ref())
            .is_some(),
        "pool carries provisioningError",
    )?;
    let system = cluster
        .properties
        .agent_pool_profiles
        .iter()
        .find(|p| p.name == "system")
        .ok_or("system pool")?;
    ensure(
        system.provisioning_state.as_deref() == Some("Succeeded"),
        "system pool had finished",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_releases_quota() -> TestResult {
    let cloud = sandbox_cloud(fast_world()).await;
    let cores_in_use = |usages: &[server::arm::models::ComputeUsage]| {
        usages
            .iter()
            .find(|u| u.name.value == "cores")
            .map(|u| u.current_value)
            .unwrap_or(-1)
    };
    let before = cores_in_use(&cloud.arm.list_compute_usages(SUB, "westeurope").await?);
    let accepted = cloud
        .arm
        .create_cluster(
            SUB,
            "rg-platform",
            "aks-tmp",
            &spec("westeurope", "Standard_D4s_v5", 2),
        )
        .await?;
    let during = cores_in_use(&cloud.arm.list_compute_usages(SUB, "westeurope").await?);
    ensure(
        during == before + 10,
        format!("a create consumes 2 + 2×4 vCPUs: {before} → {during}"),
    )?;
    wait_for_operation(&cloud.arm, &accepted.operation, |_| {}).await?;

    let operation = cloud
        .arm
        .delete_cluster(SUB, "rg-platform", "aks-tmp")
        .await?
        .ok_or("202 with an operation")?;
    let deleting = cloud
        .arm
        .get_cluster(SUB, "rg-platform", "aks-tmp")
        .await?
        .ok_or("still there while deleting")?;
    ensure(
        deleting.provisioning_state() == "Deleting",
        deleting.provisioning_state().to_owned(),
    )?;
    let last = wait_for_operation(&cloud.arm, &operation, |_| {}).await?;
    ensure(last.state == OperationState::Succeeded, "delete succeeds")?;
    ensure(
        cloud
            .arm
            .get_cluster(SUB, "rg-platform", "aks-tmp")
            .await?
            .is_none(),
        "gone after delete",
    )?;
    let after = cores_in_use(&cloud.arm.list_compute_usages(SUB, "westeurope").await?);
    ensure(
        after == before,
        format!("quota released: {after} vs {before}"),
    )?;
    ensure(
        cloud
            .arm
            .delete_cluster(SUB, "rg-platform", "aks-tmp")
            .await?
            .is_none(),
        "deleting a missing cluster answers 204",
    )
}
