//! The ARM client against the sandbox cloud over real HTTP, with tokens from the real
//! `azure_identity::ManagedIdentityCredential`: creates and their long-running operations,
//! ARM's failure answers, conflicts, abort, delete, authentication, throttling, paging and a
//! resource group's permissions.

mod support;

use azure_core::credentials::TokenCredential;
use libtest_mimic::{Arguments, Failed};
use server::arm::models::{ManagedClusterSpec, NodePoolSpec};
use server::arm::{AbortOutcome, ApiVersions, ArmClient, ArmClientError, RetryPolicy};
use shared::arm_error::ArmError;
use shared::operation_status::OperationState;
use shared::permissions::permits;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{TestContext, ensure, fast_world, trial};

const SUB: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";

fn spec(location: &str, worker_size: &str, workers: i32) -> ManagedClusterSpec {
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
    }
}

fn arm_error(result: Result<impl std::fmt::Debug, ArmClientError>) -> Result<ArmError, Failed> {
    match result {
        Err(ArmClientError::Arm(error)) => Ok(*error),
        other => Err(format!("expected an ARM error, got {other:?}").into()),
    }
}

fn main() -> std::process::ExitCode {
    let context = support::start();
    let tests = vec![
        trial(
            &context,
            "token_comes_from_azure_identity",
            token_comes_from_azure_identity,
        ),
        trial(
            &context,
            "create_polls_to_succeeded",
            create_polls_to_succeeded,
        ),
        trial(
            &context,
            "quota_shortfall_regional_and_family",
            quota_shortfall_regional_and_family,
        ),
        trial(
            &context,
            "blocked_size_unavailable_region_and_denied_scope",
            blocked_size_unavailable_region_and_denied_scope,
        ),
        trial(
            &context,
            "conflict_while_creating_and_precondition_on_existing",
            conflict_while_creating_and_precondition_on_existing,
        ),
        trial(
            &context,
            "abort_cancels_and_then_has_nothing_to_abort",
            abort_cancels_and_then_has_nothing_to_abort,
        ),
        trial(&context, "capacity_failure_midway", capacity_failure_midway),
        trial(&context, "delete_releases_quota", delete_releases_quota),
        trial(
            &context,
            "requests_without_valid_token_get_401",
            requests_without_valid_token_get_401,
        ),
        trial(
            &context,
            "throttling_retry_after_is_honoured",
            throttling_retry_after_is_honoured,
        ),
        trial(
            &context,
            "transient_server_errors_are_retried",
            transient_server_errors_are_retried,
        ),
        trial(&context, "lists_follow_next_link", lists_follow_next_link),
        trial(
            &context,
            "catalogue_usages_regions_and_groups",
            catalogue_usages_regions_and_groups,
        ),
        trial(
            &context,
            "group_permissions_follow_denied_scopes",
            group_permissions_follow_denied_scopes,
        ),
        trial(
            &context,
            "standalone_sandbox_command_serves_arm",
            standalone_sandbox_command_serves_arm,
        ),
    ];
    libtest_mimic::run(&Arguments::from_args(), tests).exit_code()
}

/// Set on the child process of [`token_comes_from_azure_identity`].
const MANAGED_IDENTITY_CHILD: &str = "DASHBOARD_TEST_MANAGED_IDENTITY_CHILD";

/// The one test of the real `azure_identity::ManagedIdentityCredential` over HTTP. That
/// credential finds its token endpoint in its process's environment (`IDENTITY_ENDPOINT`,
/// `IDENTITY_HEADER`), so the test starts `server sandbox`, then runs itself again in a child
/// process with the settings that command printed set on the child only. The child gets a token
/// from the sandbox's token endpoint with the real credential and lists subscriptions with it.
async fn token_comes_from_azure_identity(_context: Arc<TestContext>) -> Result<(), Failed> {
    if std::env::var_os(MANAGED_IDENTITY_CHILD).is_some() {
        return managed_identity_lists_subscriptions().await;
    }
    let (_sandbox, settings) = support::standalone_sandbox(&[]).await?;
    let child = tokio::process::Command::new(std::env::current_exe()?)
        .args(["--exact", "token_comes_from_azure_identity"])
        .envs(settings)
        .env(MANAGED_IDENTITY_CHILD, "1")
        .output()
        .await?;
    let stdout = String::from_utf8_lossy(&child.stdout);
    ensure(
        child.status.success() && stdout.contains(" 1 passed"),
        format!(
            "the child ran the test and passed: {stdout}{}",
            String::from_utf8_lossy(&child.stderr)
        ),
    )
}

/// The child's part of [`token_comes_from_azure_identity`].
async fn managed_identity_lists_subscriptions() -> Result<(), Failed> {
    let credential = azure_identity::ManagedIdentityCredential::new(None)?;
    let token = credential
        .get_token(&[server::arm::ARM_SCOPE], None)
        .await?
        .token
        .secret()
        .to_owned();
    ensure(token.split('.').count() == 3, "the sandbox issues JWTs")?;
    let base_url = url::Url::parse(&std::env::var("ARM_BASE_URL")?)?;
    let arm = ArmClient::new(base_url, credential, ApiVersions::default())?;
    let subscriptions = arm.list_subscriptions().await?;
    ensure(
        subscriptions.iter().any(|s| s.subscription_id == SUB),
        "default subscription listed",
    )?;
    ensure(
        subscriptions.iter().all(|s| s.state == "Enabled"),
        "subscriptions are enabled",
    )
}

async fn create_polls_to_succeeded(context: Arc<TestContext>) -> Result<(), Failed> {
    let cloud = context.cloud(fast_world()).await;
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
    let last = cloud
        .arm
        .wait_for_operation(&accepted.operation, |poll| polls.push(poll.state.clone()))
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
    let listed = cloud.arm.list_clusters_in_group(SUB, "rg-platform").await?;
    ensure(
        listed.iter().any(|c| c.name == "aks-happy"),
        "listed in its group",
    )
}

async fn quota_shortfall_regional_and_family(context: Arc<TestContext>) -> Result<(), Failed> {
    let cloud = context.cloud(fast_world()).await;
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

async fn blocked_size_unavailable_region_and_denied_scope(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    let cloud = context.cloud(fast_world()).await;
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

async fn conflict_while_creating_and_precondition_on_existing(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    let mut world = fast_world();
    world.timings.create_seconds = 30.0;
    let cloud = context.cloud(world).await;
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
        .bearer_auth(context.token().await)
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

async fn abort_cancels_and_then_has_nothing_to_abort(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    let mut world = fast_world();
    world.timings.create_seconds = 30.0;
    let cloud = context.cloud(world).await;
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

    let create = cloud
        .arm
        .wait_for_operation(&accepted.operation, |_| {})
        .await?;
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
    let abort_done = cloud.arm.wait_for_operation(&abort, |_| {}).await?;
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

async fn capacity_failure_midway(context: Arc<TestContext>) -> Result<(), Failed> {
    let cloud = context.cloud(fast_world()).await;
    let accepted = cloud
        .arm
        .create_cluster(
            SUB,
            "rg-platform",
            "aks-sweden",
            &spec("swedencentral", "Standard_D8s_v5", 3),
        )
        .await?;
    let last = cloud
        .arm
        .wait_for_operation(&accepted.operation, |_| {})
        .await?;
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

async fn delete_releases_quota(context: Arc<TestContext>) -> Result<(), Failed> {
    let cloud = context.cloud(fast_world()).await;
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
    cloud
        .arm
        .wait_for_operation(&accepted.operation, |_| {})
        .await?;

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
    let last = cloud.arm.wait_for_operation(&operation, |_| {}).await?;
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

async fn requests_without_valid_token_get_401(context: Arc<TestContext>) -> Result<(), Failed> {
    let mut world = fast_world();
    world.identity.token_lifetime_seconds = 1;
    let cloud = context.cloud(world).await;
    let url = format!(
        "{}/subscriptions?api-version=2022-12-01",
        cloud.sandbox.base_url
    );
    let http = reqwest::Client::new();
    let token_url = format!(
        "{}?api-version=2019-08-01&resource=https%3A%2F%2Fmanagement.azure.com",
        cloud.sandbox.identity_endpoint
    );

    let missing = http.get(&url).send().await?;
    ensure(missing.status() == 401, "no token → 401")?;
    let challenge = missing
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    ensure(
        challenge.starts_with("Bearer authorization_uri="),
        challenge,
    )?;
    ensure(
        ArmError::from_response(401, &missing.text().await?).code == "AuthenticationFailed",
        "AuthenticationFailed",
    )?;

    let forged = http.get(&url).bearer_auth("not.a.token").send().await?;
    ensure(
        ArmError::from_response(401, &forged.text().await?).code == "InvalidAuthenticationToken",
        "forged → invalid",
    )?;

    // A one-second token from this sandbox's own endpoint, used after it expired.
    let issued: serde_json::Value = http
        .get(&token_url)
        .header("x-identity-header", &cloud.sandbox.identity_header)
        .send()
        .await?
        .json()
        .await?;
    let token = issued["access_token"]
        .as_str()
        .ok_or("access_token")?
        .to_owned();
    ensure(
        http.get(&url).bearer_auth(&token).send().await?.status() == 200,
        "fresh token works",
    )?;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = http.get(&url).bearer_auth(&token).send().await?;
    ensure(expired.status() == 401, "expired → 401")?;
    let error = ArmError::from_response(401, &expired.text().await?);
    ensure(
        error.code == "ExpiredAuthenticationToken"
            && error.message.contains("is earlier than current UTC time"),
        format!("{error}"),
    )?;

    let wrong_secret = http
        .get(&token_url)
        .header("x-identity-header", "guess")
        .send()
        .await?;
    ensure(
        wrong_secret.status() == 401,
        "token endpoint checks the identity header",
    )
}

async fn throttling_retry_after_is_honoured(context: Arc<TestContext>) -> Result<(), Failed> {
    let mut world = fast_world();
    world.faults.throttle_every_nth_request = 2;
    world.faults.throttle_retry_after_seconds = 1;
    let cloud = context.cloud(world).await;
    cloud.arm.list_subscriptions().await?; // request 1 passes
    let started = Instant::now();
    cloud.arm.list_subscriptions().await?; // request 2 is throttled, request 3 passes
    ensure(
        started.elapsed() >= Duration::from_secs(1),
        format!("waited {:?}, Retry-After was 1 s", started.elapsed()),
    )?;

    let impatient = cloud.arm.clone().with_retry_policy(RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    });
    let error = arm_error(impatient.list_subscriptions().await)?; // request 4 is throttled
    ensure(
        error.status == 429 && error.code == "SubscriptionRequestsThrottled",
        format!("{error}"),
    )
}

async fn transient_server_errors_are_retried(context: Arc<TestContext>) -> Result<(), Failed> {
    let mut world = fast_world();
    world.faults.server_error_every_nth_request = 2;
    let cloud = context.cloud(world).await;
    // Requests 2, 4 and 6 fail and are retried as 3, 5 and 7.
    for _ in 0..3 {
        cloud.arm.list_clusters(SUB).await?;
    }
    let impatient = cloud.arm.clone().with_retry_policy(RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    });
    let error = arm_error(impatient.list_clusters(SUB).await)?; // request 8 fails for good
    ensure(
        error.status == 503 && error.code == "ServiceUnavailable",
        format!("{error}"),
    )?;
    impatient
        .list_clusters(SUB)
        .await
        .map(|_| ())
        .map_err(Into::into) // request 9 passes
}

async fn lists_follow_next_link(context: Arc<TestContext>) -> Result<(), Failed> {
    let mut world = fast_world();
    world.arm.list_page_size = 1;
    let cloud = context.cloud(world).await;
    let accepted = cloud
        .arm
        .create_cluster(
            SUB,
            "rg-platform",
            "aks-second",
            &spec("eastus", "Standard_D4s_v5", 1),
        )
        .await?;
    let clusters = cloud.arm.list_clusters(SUB).await?;
    let mut names: Vec<&str> = clusters.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    ensure(
        names == ["aks-platform", "aks-second"],
        format!("{names:?}"),
    )?;
    let skus = cloud.arm.list_vm_skus(SUB, "eastus").await?;
    ensure(skus.len() >= 12, format!("{} skus over pages", skus.len()))?;
    cloud
        .arm
        .wait_for_operation(&accepted.operation, |_| {})
        .await
        .map(|_| ())
        .map_err(Into::into)
}

async fn catalogue_usages_regions_and_groups(context: Arc<TestContext>) -> Result<(), Failed> {
    let cloud = context.cloud(fast_world()).await;
    let regions = cloud.arm.list_aks_regions(SUB).await?;
    ensure(
        regions
            .iter()
            .any(|r| r.name == "koreacentral" && r.display_name == "Korea Central"),
        "display names normalised",
    )?;
    ensure(
        !regions.iter().any(|r| r.name == "brazilsoutheast"),
        "no AKS in brazilsoutheast",
    )?;

    let skus = cloud.arm.list_vm_skus(SUB, "uksouth").await?;
    let d16 = skus
        .iter()
        .find(|s| s.name == "Standard_D16s_v5")
        .ok_or("D16s_v5 listed")?;
    ensure(
        d16.vcpus == 16
            && (d16.memory_gb - 64.0).abs() < 0.01
            && d16.family == "standardDSv5Family",
        format!("{d16:?}"),
    )?;
    ensure(
        d16.restrictions
            .iter()
            .any(|r| r.kind == "Location" && r.reason_code == "NotAvailableForSubscription"),
        "restricted",
    )?;
    let zonal = cloud.arm.list_vm_skus(SUB, "westeurope").await?;
    let dc2 = zonal
        .iter()
        .find(|s| s.name == "Standard_DC2s_v2")
        .ok_or("DC2s_v2")?;
    ensure(
        dc2.restrictions
            .iter()
            .any(|r| r.kind == "Zone" && r.zones == ["3"]),
        "zone-only restriction",
    )?;

    let usages = cloud.arm.list_compute_usages(SUB, "koreacentral").await?;
    let cores = usages
        .iter()
        .find(|u| u.name.value == "cores")
        .ok_or("cores row")?;
    ensure(
        cores.limit == 100
            && cores.current_value == 0
            && cores.name.localized_value == "Total Regional vCPUs",
        format!("{cores:?}"),
    )?;
    let small = cloud
        .arm
        .list_compute_usages("1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "koreacentral")
        .await?;
    ensure(
        small
            .iter()
            .any(|u| u.name.value == "cores" && u.limit == 25),
        "quota_scale applies per subscription",
    )?;

    ensure(
        cloud.arm.resource_group_exists(SUB, "RG-Platform").await?,
        "HEAD is case-insensitive",
    )?;
    ensure(
        !cloud.arm.resource_group_exists(SUB, "rg-new").await?,
        "HEAD 404 → false",
    )?;
    ensure(
        cloud.arm.get_resource_group(SUB, "rg-new").await?.is_none(),
        "GET 404 → None",
    )?;
    let created = cloud
        .arm
        .create_resource_group(SUB, "rg-new", "koreacentral")
        .await?;
    ensure(created.location == "koreacentral", "created in its region")?;
    ensure(
        cloud
            .arm
            .create_resource_group(SUB, "rg-new", "koreacentral")
            .await
            .is_ok(),
        "PUT again is idempotent",
    )?;
    let moved = arm_error(
        cloud
            .arm
            .create_resource_group(SUB, "rg-new", "eastus")
            .await,
    )?;
    ensure(
        moved.status == 409 && moved.code == "InvalidResourceGroupLocation",
        format!("{moved}"),
    )?;

    let unknown = arm_error(
        cloud
            .arm
            .list_clusters("00000000-0000-0000-0000-000000000000")
            .await,
    )?;
    ensure(
        unknown.status == 404 && unknown.code == "SubscriptionNotFound",
        format!("{unknown}"),
    )
}

async fn group_permissions_follow_denied_scopes(context: Arc<TestContext>) -> Result<(), Failed> {
    const WRITE: &str = "Microsoft.ContainerService/managedClusters/write";
    let mut world = fast_world();
    // A denied scope below a group does not change what the group's permissions say.
    world
        .denied_write_scopes
        .push(arm_sandbox::world::DeniedScope {
            scope: format!(
                "/subscriptions/{SUB}/resourceGroups/rg-platform/providers/Microsoft.ContainerService/managedClusters/aks-locked"
            ),
        });
    let cloud = context.cloud(world).await;

    let contributor = cloud
        .arm
        .list_resource_group_permissions(SUB, "RG-Platform")
        .await?
        .ok_or("rg-platform exists")?;
    ensure(
        contributor.len() == 1
            && contributor[0].actions == ["*"]
            && contributor[0]
                .not_actions
                .iter()
                .any(|a| a == "Microsoft.Authorization/*/Write"),
        format!("Contributor's shape: {contributor:?}"),
    )?;
    ensure(permits(&contributor, WRITE), "Contributor creates clusters")?;
    ensure(
        !permits(
            &contributor,
            "Microsoft.Authorization/roleAssignments/write",
        ),
        "but assigns no roles",
    )?;

    let reader = cloud
        .arm
        .list_resource_group_permissions(SUB, "rg-readonly")
        .await?
        .ok_or("rg-readonly exists")?;
    ensure(
        reader.len() == 1 && reader[0].actions == ["*/read"] && reader[0].not_actions.is_empty(),
        format!("Reader's shape: {reader:?}"),
    )?;
    ensure(!permits(&reader, WRITE), "Reader creates no cluster")?;
    ensure(
        permits(&reader, "Microsoft.ContainerService/managedClusters/read"),
        "Reader reads",
    )?;

    // A missing group answers ARM's 404 ResourceGroupNotFound, which the client reads as None.
    let missing = cloud
        .arm
        .list_resource_group_permissions(SUB, "rg-nope")
        .await?;
    ensure(missing.is_none(), format!("{missing:?}"))
}

async fn standalone_sandbox_command_serves_arm(_context: Arc<TestContext>) -> Result<(), Failed> {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["sandbox", "--listen", "127.0.0.1:0"])
        .env("IDENTITY_HEADER", "standalone-secret")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().ok_or("stdout")?;
    let line = tokio::time::timeout(
        Duration::from_secs(20),
        tokio::io::BufReader::new(stdout).lines().next_line(),
    )
    .await??
    .ok_or("the command prints its connection settings")?;
    let setting = |name: &str| {
        line.split_whitespace()
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
    };
    let base_url = setting("ARM_BASE_URL").ok_or(line.clone())?;
    let identity_endpoint = setting("IDENTITY_ENDPOINT").ok_or(line.clone())?;
    ensure(
        setting("IDENTITY_HEADER").as_deref() == Some("standalone-secret"),
        "IDENTITY_HEADER comes from the environment",
    )?;

    let http = reqwest::Client::new();
    let issued: serde_json::Value = http
        .get(format!(
            "{identity_endpoint}?api-version=2019-08-01&resource=https%3A%2F%2Fmanagement.azure.com"
        ))
        .header("x-identity-header", "standalone-secret")
        .send()
        .await?
        .json()
        .await?;
    let token = issued["access_token"].as_str().ok_or("access_token")?;
    let listed: serde_json::Value = http
        .get(format!("{base_url}/subscriptions/{SUB}/providers/Microsoft.ContainerService/managedClusters?api-version=2025-10-01"))
        .bearer_auth(token)
        .send()
        .await?
        .json()
        .await?;
    ensure(
        listed["value"][0]["name"] == "aks-platform",
        listed.to_string(),
    )?;
    child.kill().await?;
    Ok(())
}
