//! What both benchmarks measure: the dashboard assembled as `main` assembles it
//! ([`server::startup::assemble`]), in sandbox mode and served on port 0, in front of a sandbox
//! cloud on its own port; alice signed in; and the HTTP calls the benchmarks time.

use arm_sandbox::world::World;
use arm_sandbox::{RunningSandbox, SandboxCredential};
use serde_json::Value;
use server::arm::{ApiVersions, ArmClient};
use server::config::ArmIdentity;
use server::provisioning::WorkerSettings;
use server::sandbox_sign_in;
use server::startup::{ArmEndpoint, Startup, assemble};
use std::sync::Arc;
use std::time::Duration;

pub use crate::bench_http::BenchError;
use crate::bench_http::{http, sign_in};

/// The default world's subscription.
pub const SUBSCRIPTION: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";

/// A dashboard on a sandbox, with alice signed in.
pub struct BenchDashboard {
    /// e.g. `http://127.0.0.1:40123`.
    pub base_url: String,
    /// Alice's `name=value` session cookie.
    pub cookie: String,
    /// A client of the sandbox, for looking at it directly.
    pub arm: ArmClient,
    _sandbox: RunningSandbox,
    _database: tempfile::TempDir,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for BenchDashboard {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The default world with quick timings (no validation delay, 1.5 s creates, 1 s Retry-After)
/// and `latency_ms` added to every ARM answer, as the real service's latency would be.
pub fn world(latency_ms: u64) -> Result<World, BenchError> {
    let mut world = World::default_world()?;
    world.timings.validation_ms = 0;
    world.timings.create_seconds = 1.5;
    world.timings.delete_seconds = 0.5;
    world.timings.abort_seconds = 0.5;
    world.timings.retry_after_seconds = 1;
    world.faults.latency_ms = latency_ms;
    Ok(world)
}

/// Starts a sandbox for `world` and the dashboard in front of it, and signs alice in.
pub async fn start(world: World) -> Result<BenchDashboard, BenchError> {
    let credential = Arc::new(SandboxCredential::new(world.identity.clone()));
    let sandbox = RunningSandbox::on_free_port(world).await?;
    let base_url = url::Url::parse(&sandbox.base_url)?;
    let arm = ArmClient::new(base_url.clone(), credential.clone(), ApiVersions::default())?;
    let database = tempfile::tempdir()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let dashboard_url = format!("http://{}", listener.local_addr()?);
    let sign_in_settings = sandbox_sign_in::oidc_settings(
        &sandbox.entra_settings(),
        url::Url::parse(&dashboard_url)?,
    )?;
    let state = assemble(Startup {
        arm: ArmEndpoint {
            base_url,
            credential,
        },
        api_versions: ApiVersions::default(),
        database_url: format!("sqlite://{}", database.path().join("bench.db").display()),
        leptos_options: leptos::config::get_configuration(None)?.leptos_options,
        // 64 bytes of "b" in base64.
        session_secret: Some(
            "YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYg==".into(),
        ),
        token_encryption_key: None,
        oidc: Some(sign_in_settings),
        arm_identity: ArmIdentity::OnBehalfOfUsers,
        sandbox_mode: true,
        worker: WorkerSettings::default(),
        // A benchmark is one caller sending as fast as it can: no limit may be what it measures.
        limits: server::config::Limits {
            max_running_jobs: 10_000,
            writes_per_minute: 1_000_000,
            preflights_per_minute: 1_000_000,
        },
        default_region: None,
    })
    .await?;
    let server = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, server::router(state)).await {
            tracing::error!(%error, "the benchmark's dashboard stopped");
        }
    });
    let cookie = sign_in(&dashboard_url, "alice").await?;
    Ok(BenchDashboard {
        base_url: dashboard_url,
        cookie,
        arm,
        _sandbox: sandbox,
        _database: database,
        server,
    })
}

impl BenchDashboard {
    /// POSTs `body` as JSON to `path` as alice; answers the status and the JSON body.
    pub async fn post_json(
        &self,
        path: &str,
        body: &Value,
    ) -> Result<(reqwest::StatusCode, Value), BenchError> {
        let response = http()?
            .post(format!("{}{path}", self.base_url))
            .header("cookie", &self.cookie)
            .json(body)
            .send()
            .await?;
        let status = response.status();
        Ok((status, response.json().await?))
    }

    /// Reads `GET /api/tasks/{task_id}` every `every` until `done` holds for it; fails after
    /// `limit`.
    pub async fn until_task(
        &self,
        task_id: &str,
        limit: Duration,
        every: Duration,
        mut done: impl FnMut(&Value) -> bool,
    ) -> Result<Value, BenchError> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let response = http()?
                .get(format!("{}/api/tasks/{task_id}", self.base_url))
                .header("cookie", &self.cookie)
                .send()
                .await?;
            let status = response.status();
            let task: Value = response.json().await?;
            if status != reqwest::StatusCode::OK {
                return Err(format!("task read answers {status}: {task}").into());
            }
            if done(&task) {
                return Ok(task);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(format!("task not there after {limit:?}: {task}").into());
            }
            tokio::time::sleep(every).await;
        }
    }
}
