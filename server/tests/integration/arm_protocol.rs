//! What ARM's protocol asks of the client beyond single operations, against the sandbox over
//! real HTTP: tokens (the one test of `azure_identity`'s managed-identity credential, and 401s
//! for requests without a valid token), throttling and transient errors, paging, the catalogue
//! reads, a resource group's permissions, and the standalone `server sandbox` command.

use super::support::SUBSCRIPTION as SUB;
use super::support::arm::{arm_error, resource_group_exists, spec, wait_for_operation};
use super::support::processes::standalone_sandbox;
use super::support::{TestResult, ensure, fast_world, sandbox_cloud};
use azure_core::credentials::TokenCredential;
use server::arm::{ApiVersions, ArmClient, RetryPolicy};
use shared::arm_error::ArmError;
use shared::permissions::permits;
use std::time::{Duration, Instant};

/// Set on the child process of [`token_comes_from_azure_identity`].
const MANAGED_IDENTITY_CHILD: &str = "DASHBOARD_TEST_MANAGED_IDENTITY_CHILD";

/// The one test of the real `azure_identity::ManagedIdentityCredential` over HTTP. That
/// credential finds its token endpoint in its process's environment (`IDENTITY_ENDPOINT`,
/// `IDENTITY_HEADER`), so the test starts `server sandbox`, then runs itself again in a child
/// process with the settings that command printed set on the child only. The child gets a token
/// from the sandbox's token endpoint with the real credential and lists subscriptions with it.
#[tokio::test(flavor = "multi_thread")]
async fn token_comes_from_azure_identity() -> TestResult {
    if std::env::var_os(MANAGED_IDENTITY_CHILD).is_some() {
        return managed_identity_lists_subscriptions().await;
    }
    let (_sandbox, settings) = standalone_sandbox(&[]).await?;
    // libtest names a test by its module path without the crate's name.
    let module = module_path!().split_once("::").map_or("", |(_, path)| path);
    let child = tokio::process::Command::new(std::env::current_exe()?)
        .args([
            "--exact",
            &format!("{module}::token_comes_from_azure_identity"),
        ])
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
async fn managed_identity_lists_subscriptions() -> TestResult {
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

#[tokio::test(flavor = "multi_thread")]
async fn requests_without_valid_token_get_401() -> TestResult {
    let mut world = fast_world();
    world.identity.token_lifetime_seconds = 1;
    let cloud = sandbox_cloud(world).await;
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

#[tokio::test(flavor = "multi_thread")]
async fn throttling_retry_after_is_honoured() -> TestResult {
    let mut world = fast_world();
    world.faults.throttle_every_nth_request = 2;
    world.faults.throttle_retry_after_seconds = 1;
    let cloud = sandbox_cloud(world).await;
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

#[tokio::test(flavor = "multi_thread")]
async fn transient_server_errors_are_retried() -> TestResult {
    let mut world = fast_world();
    world.faults.server_error_every_nth_request = 2;
    let cloud = sandbox_cloud(world).await;
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

#[tokio::test(flavor = "multi_thread")]
async fn lists_follow_next_link() -> TestResult {
    let mut world = fast_world();
    world.arm.list_page_size = 1;
    let cloud = sandbox_cloud(world).await;
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
    wait_for_operation(&cloud.arm, &accepted.operation, |_| {}).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn catalogue_usages_regions_and_groups() -> TestResult {
    let cloud = sandbox_cloud(fast_world()).await;
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
        resource_group_exists(&cloud, SUB, "RG-Platform").await?,
        "HEAD is case-insensitive",
    )?;
    ensure(
        !resource_group_exists(&cloud, SUB, "rg-new").await?,
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

#[tokio::test(flavor = "multi_thread")]
async fn group_permissions_follow_denied_scopes() -> TestResult {
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
    let cloud = sandbox_cloud(world).await;

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

#[tokio::test(flavor = "multi_thread")]
async fn standalone_sandbox_command_serves_arm() -> TestResult {
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
