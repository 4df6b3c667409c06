//! Shared fixtures for the integration tests: a [`SandboxCredential`] for the default world,
//! sandbox clouds on port 0 with fast timings, the whole dashboard assembled as `main` does it
//! on port 0, and HTTP helpers. Every sandbox uses the default world's signing key, so the
//! credential's tokens are valid in all of them, as one Entra tenant's tokens are valid in every
//! region. Each test runs on its own runtime, which stops the sandboxes and servers it started
//! when the test ends.

pub mod arm;
pub mod browser;
pub mod hostile_provider;
pub mod hostile_sign_in;
pub mod jobs;
pub mod oidc_provider;
pub mod postgres;
pub mod processes;
pub mod scripted_arm;
pub mod sign_in_flow;
pub mod tasks;

use arm_sandbox::world::World;
use arm_sandbox::{RunningSandbox, SandboxCredential};
use azure_core::credentials::TokenCredential;
use server::arm::{ApiVersions, ArmClient};
use server::config::ArmIdentity;
use server::provisioning::WorkerSettings;
use std::sync::Arc;
use std::time::Duration;

/// Why a test or a helper failed: any error, or the message of an [`ensure`].
pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// What a test or a fallible helper answers.
pub type TestResult<T = ()> = Result<T, Failure>;

/// The sandbox's in-process credential for the default world's identity.
pub fn credential() -> Arc<dyn TokenCredential> {
    Arc::new(SandboxCredential::new(
        World::default_world().expect("world").identity,
    ))
}

/// The default world with test timings: no validation delay, 1.5 s creates, 1 s Retry-After.
pub fn fast_world() -> World {
    let mut world = World::default_world().expect("default world");
    world.timings.validation_ms = 0;
    world.timings.create_seconds = 1.5;
    world.timings.delete_seconds = 0.5;
    world.timings.abort_seconds = 0.5;
    world.timings.retry_after_seconds = 1;
    world
}

/// Worker settings for tests: a cluster followed without an operation (whose reads carry no
/// `Retry-After`) is read every second rather than every 30 s.
pub fn fast_worker() -> WorkerSettings {
    WorkerSettings {
        poll_interval_without_retry_after: Duration::from_secs(1),
        ..WorkerSettings::default()
    }
}

/// An ARM client with the sandbox credential for the sandbox at `base_url`.
pub fn sandbox_client(base_url: &str) -> TestResult<ArmClient> {
    Ok(ArmClient::new(
        url::Url::parse(base_url)?,
        credential(),
        ApiVersions::default(),
    )?)
}

/// The value of `name` in a standalone sandbox's printed `settings`.
pub fn setting(settings: &[(String, String)], name: &str) -> TestResult<String> {
    settings
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
        .ok_or_else(|| format!("{name} in {settings:?}").into())
}

/// A sandbox cloud on port 0 and an ARM client for it.
pub struct TestCloud {
    /// The running sandbox.
    pub sandbox: RunningSandbox,
    /// A client with the sandbox credential.
    pub arm: ArmClient,
}

/// Starts a sandbox for `world`.
pub async fn sandbox_cloud(world: World) -> TestCloud {
    let sandbox = RunningSandbox::on_free_port(world).await.expect("sandbox");
    let base_url = url::Url::parse(&sandbox.base_url).expect("base url");
    let arm = ArmClient::new(base_url, credential(), ApiVersions::default()).expect("client");
    TestCloud { sandbox, arm }
}

/// The whole dashboard (`server::router`) on port 0, talking to a sandbox with `world`,
/// assembled as `main` assembles it. `demo_sign_in` starts it in sandbox mode, with the
/// sandbox-only sign-in route; without it, in Azure mode.
pub async fn start_dashboard(world: World, demo_sign_in: bool) -> TestDashboard {
    start_dashboard_with(world, demo_sign_in, server::config::Limits::default()).await
}

/// [`start_dashboard`] with per-caller `limits` other than the defaults.
pub async fn start_dashboard_with(
    world: World,
    demo_sign_in: bool,
    limits: server::config::Limits,
) -> TestDashboard {
    start_dashboard_signing_in(world, demo_sign_in, limits, |_| None).await
}

/// [`start_dashboard_with`], with the OpenID sign-in `oidc` builds from the dashboard's base URL
/// (known before it is assembled, for the redirect URI).
pub async fn start_dashboard_signing_in(
    world: World,
    demo_sign_in: bool,
    limits: server::config::Limits,
    oidc: impl FnOnce(&str) -> Option<server::oidc::OidcSettings>,
) -> TestDashboard {
    launch(world, demo_sign_in, limits, oidc, None).await
}

/// A dashboard in sandbox mode (signing in through the sandbox's provider) whose ARM calls
/// carry its own identity, each user limited to `allowed` (service mode).
pub async fn start_dashboard_in_service_mode(
    world: World,
    allowed: shared::subscription_allow_list::SubscriptionAllowList,
) -> TestDashboard {
    launch(
        world,
        true,
        server::config::Limits::default(),
        |_| None,
        Some(allowed),
    )
    .await
}

async fn launch(
    world: World,
    demo_sign_in: bool,
    limits: server::config::Limits,
    oidc: impl FnOnce(&str) -> Option<server::oidc::OidcSettings>,
    service: Option<shared::subscription_allow_list::SubscriptionAllowList>,
) -> TestDashboard {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind dashboard");
    let base_url = format!("http://{}", listener.local_addr().expect("address"));
    let cloud = sandbox_cloud(world).await;
    let database = tempfile::tempdir().expect("temp dir");
    let url = format!(
        "sqlite://{}",
        database.path().join("dashboard.db").display()
    );
    let leptos = leptos::config::get_configuration(None).expect("leptos options");
    // Sandbox mode signs in through the sandbox's provider and calls ARM on the users' behalf,
    // as `main` does; azure mode (another provider) keeps the service identity, allowed both of
    // the world's subscriptions.
    let (sign_in, arm_identity) = match (oidc(&base_url), demo_sign_in) {
        (Some(settings), true) => (Some(settings), ArmIdentity::OnBehalfOfUsers),
        (None, true) => (
            Some(
                server::sandbox_sign_in::oidc_settings(
                    &cloud.sandbox.entra_settings(),
                    url::Url::parse(&base_url).expect("base url"),
                )
                .expect("sandbox sign-in"),
            ),
            ArmIdentity::OnBehalfOfUsers,
        ),
        (settings, false) => (settings, ArmIdentity::Service(every_world_subscription())),
    };
    let arm_identity = service.map_or(arm_identity, ArmIdentity::Service);
    let state = server::startup::assemble(server::startup::Startup {
        arm: server::startup::ArmEndpoint {
            base_url: url::Url::parse(&cloud.sandbox.base_url).expect("base url"),
            credential: credential(),
        },
        api_versions: ApiVersions::default(),
        database_url: url.clone(),
        leptos_options: leptos.leptos_options,
        session_secret: Some(SESSION_SECRET.to_owned()),
        token_encryption_key: None,
        oidc: sign_in,
        arm_identity,
        sandbox_mode: demo_sign_in,
        worker: fast_worker(),
        limits,
        default_region: None,
    })
    .await
    .expect("dashboard state");
    let store_handle = state.store.clone();
    let vault = state.vault.clone();
    let task = tokio::spawn(async move {
        axum::serve(listener, server::router(state))
            .await
            .expect("serve");
    });
    TestDashboard {
        base_url,
        cloud,
        store: store_handle,
        vault,
        database_url: url,
        _database: database,
        task,
    }
}

/// Service mode's allow-list giving every signed-in user both subscriptions of the default
/// world.
fn every_world_subscription() -> shared::subscription_allow_list::SubscriptionAllowList {
    let world = World::default_world().expect("world");
    let ids: Vec<String> = world.subscriptions.iter().map(|s| s.id.clone()).collect();
    shared::subscription_allow_list::SubscriptionAllowList::parse(&format!("*={}", ids.join(",")))
        .expect("allow-list")
}

/// A bearer token from the credential, for hand-made requests.
pub async fn token() -> String {
    let token = credential()
        .get_token(&[server::arm::ARM_SCOPE], None)
        .await
        .expect("token");
    token.token.secret().to_owned()
}

/// An HTTP client that does not follow redirects (tests look at them).
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// `POST /auth/dev/sign-in` with form field `user`, not yet sent.
pub fn sign_in_request(base_url: &str, user: &str) -> reqwest::RequestBuilder {
    http()
        .post(format!("{base_url}/auth/dev/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("user={user}"))
}

/// Signs in as `user` and returns the `name=value` cookie pair to send back.
pub async fn sign_in(base_url: &str, user: &str) -> TestResult<String> {
    let response = sign_in_request(base_url, user).send().await?;
    ensure(
        response.status() == reqwest::StatusCode::SEE_OTHER,
        format!("sign-in answers {}", response.status()),
    )?;
    cookie_pair(response.headers())
}

/// The `name=value` pair of a response's `Set-Cookie`, as a browser would send it back.
pub fn cookie_pair(headers: &reqwest::header::HeaderMap) -> TestResult<String> {
    let set_cookie = headers
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .ok_or("Set-Cookie")?;
    Ok(set_cookie.split(';').next().unwrap_or_default().to_owned())
}

/// A dashboard on a fast sandbox, and alice's session cookie for it.
pub async fn alice_on_a_dashboard() -> TestResult<(TestDashboard, String)> {
    let dashboard = start_dashboard(fast_world(), true).await;
    let cookie = sign_in(&dashboard.base_url, "alice").await?;
    Ok((dashboard, cookie))
}

/// GETs `base_url` + `path` with the session `cookie` (empty: none); answers the status and the
/// JSON body.
pub async fn get_json(
    base_url: &str,
    path: &str,
    cookie: &str,
) -> TestResult<(reqwest::StatusCode, serde_json::Value)> {
    let mut request = http().get(format!("{base_url}{path}"));
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await?;
    let status = response.status();
    Ok((status, response.json().await?))
}

/// POSTs `body` as JSON to `base_url` + `path` with the session `cookie`; answers the status and
/// the JSON body.
pub async fn post_json(
    base_url: &str,
    path: &str,
    cookie: &str,
    body: &serde_json::Value,
) -> TestResult<(reqwest::StatusCode, serde_json::Value)> {
    let response = http()
        .post(format!("{base_url}{path}"))
        .header("cookie", cookie)
        .json(body)
        .send()
        .await?;
    let status = response.status();
    Ok((status, response.json().await?))
}

/// The dashboards' `SESSION_SECRET`: 64 bytes (0, 1, …, 63) in base64.
pub const SESSION_SECRET: &str =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

/// The default world's subscription.
pub const SUBSCRIPTION: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";

/// A valid create body for `cluster` in `region`.
pub fn create_body(cluster: &str, region: &str, resource_group: &str) -> serde_json::Value {
    // swedencentral's capacity outage (the sandbox's default world) is for the create form's
    // default worker size, so a create there uses it and fails midway with AllocationFailed.
    let worker_size = if region == "swedencentral" {
        CAPACITY_OUTAGE_SIZE
    } else {
        "Standard_D4s_v5"
    };
    serde_json::json!({
        "subscription_id": SUBSCRIPTION,
        "resource_group": resource_group,
        "region": region,
        "cluster_name": cluster,
        "node_sku": worker_size,
        "node_count": 2,
        "system_vm_size": "Standard_D2s_v5",
        "system_node_count": 1,
    })
}

/// The worker size swedencentral has no capacity for in the sandbox's default world.
pub const CAPACITY_OUTAGE_SIZE: &str = "Standard_D4as_v5";

/// `POST /api/aks/provision` with `body`.
pub async fn post_create(
    base_url: &str,
    cookie: &str,
    body: &serde_json::Value,
) -> TestResult<(reqwest::StatusCode, serde_json::Value)> {
    post_json(base_url, "/api/aks/provision", cookie, body).await
}

/// `GET /api/tasks/{task_id}`.
pub async fn get_task(
    base_url: &str,
    cookie: &str,
    task_id: &str,
) -> TestResult<(reqwest::StatusCode, serde_json::Value)> {
    let response = http()
        .get(format!("{base_url}/api/tasks/{task_id}"))
        .header("cookie", cookie)
        .send()
        .await?;
    let status = response.status();
    Ok((status, response.json().await?))
}

/// Reads the task every 100 ms until it is ready, calling `seen` with each answer; fails after
/// `limit`.
pub async fn until_ready(
    base_url: &str,
    cookie: &str,
    task_id: &str,
    limit: Duration,
    mut seen: impl FnMut(&serde_json::Value),
) -> TestResult<serde_json::Value> {
    until_task(
        base_url,
        cookie,
        task_id,
        limit,
        Duration::from_millis(100),
        |task| {
            seen(task);
            task["ready"] == serde_json::json!(true)
        },
    )
    .await
}

/// Reads the task every `every` until `done` holds for it; fails after `limit`.
pub async fn until_task(
    base_url: &str,
    cookie: &str,
    task_id: &str,
    limit: Duration,
    every: Duration,
    mut done: impl FnMut(&serde_json::Value) -> bool,
) -> TestResult<serde_json::Value> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let (status, task) = get_task(base_url, cookie, task_id).await?;
        ensure(
            status == reqwest::StatusCode::OK,
            format!("task read answers {status}: {task}"),
        )?;
        if done(&task) {
            return Ok(task);
        }
        ensure(
            tokio::time::Instant::now() < deadline,
            format!("task not there after {limit:?}: {task}"),
        )?;
        tokio::time::sleep(every).await;
    }
}

/// Fails the test with `message` unless `condition` holds.
pub fn ensure(condition: bool, message: impl Into<String>) -> TestResult {
    if condition {
        Ok(())
    } else {
        Err(message.into().into())
    }
}

/// A dashboard server under test.
pub struct TestDashboard {
    /// e.g. `http://127.0.0.1:40123`.
    pub base_url: String,
    /// The sandbox it talks to, and an ARM client for looking at it directly.
    pub cloud: TestCloud,
    /// Its job store (the same pool the server uses).
    pub store: server::store::Store,
    /// Its token vault (the same key the server uses).
    pub vault: server::token_vault::TokenVault,
    /// The sqlx URL of its SQLite file, for a second connection that gets in its way.
    pub database_url: String,
    _database: tempfile::TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestDashboard {
    fn drop(&mut self) {
        self.task.abort();
    }
}
