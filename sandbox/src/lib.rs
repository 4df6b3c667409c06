//! The sandbox cloud: a local ARM simulator that speaks the ARM REST protocol the dashboard
//! uses (docs/ARM_FACTS.md), so the product runs with no Azure account and tests drive real HTTP.
//!
//! Three ways to run it: in-process when the server starts in sandbox mode, on port 0 from
//! tests, and standalone with `server sandbox --listen ADDR`. In-process callers get tokens from
//! a [`SandboxCredential`]; anything else, such as `azure_identity`'s managed-identity
//! credential, from the token endpoint at [`TOKEN_PATH`]. This crate knows nothing of the
//! dashboard: it is the stand-in for Azure, and the dashboard reaches it only over HTTP.
//!
//! It is also the cloud's Microsoft Entra ID: an OpenID provider ([`entra`]) that signs the
//! world's demo users in, and whose tokens ARM accepts and authorises per user against the
//! world's role assignments ([`rbac`]), as Azure does.
//!
//! A cloud lives in memory, or keeps its state in a [`state_file::StateFile`] so that it
//! survives restarts (sandbox mode, and the standalone sandbox given `--state`).

pub mod control_plane;
pub mod credential;
pub mod entra;
pub mod identity;
mod persistence;
pub mod rbac;
pub mod reply;
mod routes;
pub mod state_file;
pub mod world;

use axum::Router;
use control_plane::ControlPlane;
use entra::{EntraProvider, EntraSaved};
use identity::TokenAuthority;
use persistence::Persistence;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::net::TcpListener;
use tokio::sync::Mutex;
use world::World;

pub use credential::SandboxCredential;
pub use persistence::SandboxStartError;

/// Path of the managed-identity token endpoint.
pub const TOKEN_PATH: &str = "/msi/token";

/// Path of the sandbox's own (not ARM's) count of accepted creates per managed-cluster id: a
/// JSON object `{ "<lower-cased cluster id>": <creates accepted> }`, so fault tests can prove
/// that a job sent at most one create that Azure took.
pub const ACCEPTED_CREATES_PATH: &str = "/sandbox/accepted-creates";

/// A sandbox cloud's shared state.
pub struct SandboxCloud {
    plane: Mutex<ControlPlane>,
    authority: TokenAuthority,
    entra: EntraProvider,
    world: World,
    arm_requests: AtomicU64,
    /// Where the state is kept; `None` keeps it in memory only.
    persistence: Option<Persistence>,
    /// ARM reads (GET, HEAD) so far, for the read-error bursts.
    arm_reads: AtomicU64,
    /// Operation status reads so far, for the hanging polls.
    operation_polls: AtomicU64,
}

impl SandboxCloud {
    /// A cloud for `world`, kept in memory; token requests must present `identity_header`.
    pub fn new(world: World, identity_header: String) -> Arc<Self> {
        let plane = ControlPlane::new(world.clone());
        Self::with_plane(world, identity_header, plane, EntraSaved::default(), None)
    }

    /// A cloud for `world` holding `plane` and its Entra ID's `entra` state, saved through
    /// `persistence` if given.
    fn with_plane(
        world: World,
        identity_header: String,
        plane: ControlPlane,
        entra: EntraSaved,
        persistence: Option<Persistence>,
    ) -> Arc<Self> {
        Arc::new(Self {
            plane: Mutex::new(plane),
            authority: TokenAuthority::new(world.identity.clone(), identity_header),
            entra: EntraProvider::new(&world, entra),
            world,
            arm_requests: AtomicU64::new(0),
            persistence,
            arm_reads: AtomicU64::new(0),
            operation_polls: AtomicU64::new(0),
        })
    }
}

/// The sandbox's HTTP surface, for `axum::serve` or `tower::ServiceExt::oneshot`.
pub fn router(cloud: Arc<SandboxCloud>) -> Router {
    Router::new().fallback(routes::handle).with_state(cloud)
}

/// A sandbox serving on a socket.
pub struct RunningSandbox {
    /// Base URL ARM calls go to, e.g. `http://127.0.0.1:40123`.
    pub base_url: String,
    /// Value for `IDENTITY_ENDPOINT`.
    pub identity_endpoint: String,
    /// Value for `IDENTITY_HEADER`.
    pub identity_header: String,
    cloud: Arc<SandboxCloud>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningSandbox {
    /// Serves `world` on a free loopback port with a fresh identity secret: sandbox mode and
    /// tests, whose ARM client gets its tokens from a [`SandboxCredential`].
    pub async fn on_free_port(world: World) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        Self::spawn(world, listener, uuid::Uuid::new_v4().to_string())
    }

    /// Serves `world` on `listener` in a background task, in memory.
    pub fn spawn(
        world: World,
        listener: TcpListener,
        identity_header: String,
    ) -> std::io::Result<Self> {
        let cloud = SandboxCloud::new(world, identity_header.clone());
        Self::serve(cloud, listener, identity_header)
    }

    /// Serves `cloud` on `listener` in a background task.
    fn serve(
        cloud: Arc<SandboxCloud>,
        listener: TcpListener,
        identity_header: String,
    ) -> std::io::Result<Self> {
        let address = listener.local_addr()?;
        let base_url = format!("http://{address}");
        let served = Arc::clone(&cloud);
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, router(served)).await {
                tracing::error!(%error, "sandbox cloud stopped");
            }
        });
        Ok(Self {
            identity_endpoint: format!("{base_url}{TOKEN_PATH}"),
            base_url,
            identity_header,
            cloud,
            task,
        })
    }

    /// The sandbox's Entra ID as an OpenID relying party configures it: issuer (discovery is at
    /// `{issuer}/.well-known/openid-configuration`) and the world's first registered
    /// application, if it has one.
    pub fn entra_settings(&self) -> EntraSettings {
        EntraSettings::of(&self.cloud.world, &self.base_url)
    }

    /// How many ARM requests (token requests aside) the sandbox has received, admitted or
    /// not: what a test counts to see that concurrent reads shared one call.
    pub fn arm_requests(&self) -> u64 {
        self.cloud.arm_requests.load(Ordering::Relaxed)
    }
}

/// What a relying party needs to sign users in through a running sandbox's Entra ID.
#[derive(Clone, Debug)]
pub struct EntraSettings {
    /// `{base}/{tenant}/v2.0`.
    pub issuer: String,
    /// The world's tenant id.
    pub tenant_id: String,
    /// Client id of the world's first application.
    pub client_id: Option<String>,
    /// Its client secret (the sandbox's are not secrets).
    pub client_secret: Option<String>,
}

impl EntraSettings {
    /// The settings of `world`'s Entra ID served at `base_url`, by this process or by a
    /// standalone sandbox of the same world (`server sandbox`), which several dashboard
    /// replicas share.
    pub fn of(world: &World, base_url: &str) -> Self {
        let application = world.entra.applications.first();
        Self {
            issuer: entra::issuer_at(base_url, &world.identity.tenant_id),
            tenant_id: world.identity.tenant_id.clone(),
            client_id: application.map(|a| a.client_id.clone()),
            client_secret: application.map(|a| a.client_secret.clone()),
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}
