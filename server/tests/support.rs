//! Shared fixtures for the server's integration tests: a [`SandboxCredential`] for the default
//! world, and sandbox clouds on port 0 with fast timings. Every sandbox uses the default world's
//! signing key, so the credential's tokens are valid in all of them, as one Entra tenant's
//! tokens are valid in every region.
#![allow(
    dead_code,
    reason = "each test binary compiles this module and uses a different part of it"
)]

use arm_sandbox::world::World;
use arm_sandbox::{RunningSandbox, SandboxCredential};
use azure_core::credentials::TokenCredential;
use libtest_mimic::{Failed, Trial};
use server::arm::{ApiVersions, ArmClient};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// What every test gets.
pub struct TestContext {
    runtime: tokio::runtime::Runtime,
    /// The sandbox's in-process credential for the default world's identity.
    pub credential: Arc<dyn TokenCredential>,
}

/// Starts the runtime.
pub fn start() -> Arc<TestContext> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let identity = World::default_world().expect("world").identity;
    Arc::new(TestContext {
        runtime,
        credential: Arc::new(SandboxCredential::new(identity)),
    })
}

impl TestContext {
    /// Runs `future` on the shared runtime (benchmarks, which have no trials).
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

/// A test case run on the shared runtime.
pub fn trial<F, Fut>(context: &Arc<TestContext>, name: &str, test: F) -> Trial
where
    F: FnOnce(Arc<TestContext>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), Failed>>,
{
    let context = Arc::clone(context);
    Trial::test(name, move || {
        let runtime = &context.runtime;
        runtime.block_on(test(Arc::clone(&context)))
    })
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

/// A sandbox cloud on port 0 and an ARM client for it.
pub struct TestCloud {
    /// The running sandbox.
    pub sandbox: RunningSandbox,
    /// A client with the sandbox credential.
    pub arm: ArmClient,
}

impl TestContext {
    /// Starts a sandbox for `world`.
    pub async fn cloud(&self, world: World) -> TestCloud {
        let sandbox = RunningSandbox::on_free_port(world).await.expect("sandbox");
        let base_url = url::Url::parse(&sandbox.base_url).expect("base url");
        let arm = ArmClient::new(
            base_url,
            Arc::clone(&self.credential),
            ApiVersions::default(),
        )
        .expect("client");
        TestCloud { sandbox, arm }
    }

    /// The whole dashboard (`server::router`) on port 0, talking to a sandbox with `world`,
    /// assembled as `main` assembles it. `demo_sign_in` starts it in sandbox mode, with the
    /// sandbox-only sign-in route; without it, in Azure mode.
    pub async fn dashboard(&self, world: World, demo_sign_in: bool) -> TestDashboard {
        let cloud = self.cloud(world).await;
        let database = tempfile::tempdir().expect("temp dir");
        let url = format!(
            "sqlite://{}",
            database.path().join("dashboard.db").display()
        );
        let leptos = leptos::config::get_configuration(None).expect("leptos options");
        let state = server::startup::assemble(server::startup::Startup {
            arm: server::startup::ArmEndpoint {
                base_url: url::Url::parse(&cloud.sandbox.base_url).expect("base url"),
                credential: Arc::clone(&self.credential),
            },
            api_versions: ApiVersions::default(),
            database_url: url,
            leptos_options: leptos.leptos_options,
            session_secret: Some("s".repeat(64)),
            sandbox_mode: demo_sign_in,
        })
        .await
        .expect("dashboard state");
        let store_handle = state.store.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind dashboard");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let task = tokio::spawn(async move {
            axum::serve(listener, server::router(state))
                .await
                .expect("serve");
        });
        TestDashboard {
            base_url,
            cloud,
            store: store_handle,
            _database: database,
            task,
        }
    }

    /// A bearer token from the credential, for hand-made requests.
    pub async fn token(&self) -> String {
        let token = self
            .credential
            .get_token(&[server::arm::ARM_SCOPE], None)
            .await
            .expect("token");
        token.token.secret().to_owned()
    }
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
pub async fn sign_in(base_url: &str, user: &str) -> Result<String, Failed> {
    let response = sign_in_request(base_url, user).send().await?;
    ensure(
        response.status() == reqwest::StatusCode::SEE_OTHER,
        format!("sign-in answers {}", response.status()),
    )?;
    cookie_pair(response.headers())
}

/// The `name=value` pair of a response's `Set-Cookie`, as a browser would send it back.
pub fn cookie_pair(headers: &reqwest::header::HeaderMap) -> Result<String, Failed> {
    let set_cookie = headers
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .ok_or("Set-Cookie")?;
    Ok(set_cookie.split(';').next().unwrap_or_default().to_owned())
}

/// A dashboard on a fast sandbox, and alice's session cookie for it.
pub async fn alice_on_a_dashboard(
    context: &TestContext,
) -> Result<(TestDashboard, String), Failed> {
    let dashboard = context.dashboard(fast_world(), true).await;
    let cookie = sign_in(&dashboard.base_url, "alice").await?;
    Ok((dashboard, cookie))
}

/// POSTs `body` as JSON to `base_url` + `path` with the session `cookie`; answers the status and
/// the JSON body.
pub async fn post_json(
    base_url: &str,
    path: &str,
    cookie: &str,
    body: &serde_json::Value,
) -> Result<(reqwest::StatusCode, serde_json::Value), Failed> {
    let response = http()
        .post(format!("{base_url}{path}"))
        .header("cookie", cookie)
        .json(body)
        .send()
        .await?;
    let status = response.status();
    Ok((status, response.json().await?))
}

/// The default world's subscription.
pub const SUBSCRIPTION: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";

/// A valid create body for `cluster` in `region`.
pub fn create_body(cluster: &str, region: &str, resource_group: &str) -> serde_json::Value {
    serde_json::json!({
        "subscription_id": SUBSCRIPTION,
        "resource_group": resource_group,
        "region": region,
        "cluster_name": cluster,
        "node_sku": "Standard_D4s_v5",
        "node_count": 2,
        "system_vm_size": "Standard_D2s_v5",
        "system_node_count": 1,
    })
}

/// `POST /api/aks/provision` with `body`.
pub async fn post_create(
    base_url: &str,
    cookie: &str,
    body: &serde_json::Value,
) -> Result<(reqwest::StatusCode, serde_json::Value), Failed> {
    post_json(base_url, "/api/aks/provision", cookie, body).await
}

/// `GET /api/tasks/{task_id}`.
pub async fn get_task(
    base_url: &str,
    cookie: &str,
    task_id: &str,
) -> Result<(reqwest::StatusCode, serde_json::Value), Failed> {
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
) -> Result<serde_json::Value, Failed> {
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
) -> Result<serde_json::Value, Failed> {
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
pub fn ensure(condition: bool, message: impl Into<String>) -> Result<(), Failed> {
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
    _database: tempfile::TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestDashboard {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A child process that is killed when dropped, so a failing test leaves nothing running.
pub struct Child(pub tokio::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.start_kill();
    }
}

/// Starts `server sandbox` on a free port with the extra environment `env`; returns it and the
/// settings it printed (`ARM_BASE_URL`, `IDENTITY_ENDPOINT`, `IDENTITY_HEADER`).
pub async fn standalone_sandbox(
    env: &[(&str, &str)],
) -> Result<(Child, Vec<(String, String)>), Failed> {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["sandbox", "--listen", "127.0.0.1:0"])
        .envs(env.iter().copied())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("sandbox stdout")?;
    let child = Child(child);
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await??
        .ok_or("the sandbox printed nothing")?;
    let settings = line
        .trim_start_matches("export ")
        .split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect::<Vec<_>>();
    ensure(settings.len() == 3, format!("connection settings: {line}"))?;
    Ok((child, settings))
}
