//! `server`: serves the dashboard (default), runs the sandbox cloud on its own, or classifies
//! ARM errors read as JSON Lines on stdin (`server classify`).
//!
//! In sandbox mode the sandbox cloud runs in-process on a loopback port and the ARM client
//! gets its tokens from the sandbox's own [`SandboxCredential`]; the cloud keeps its state
//! beside the database ([`Config::sandbox_state`]) and listens on the port it had before, so a
//! restart finds the same cloud at the same address and running creates finish. With
//! `SANDBOX_URL` it uses a standalone sandbox (`server sandbox`) instead, which several replicas
//! on one PostgreSQL share. Everything else
//! is assembled by [`server::startup::assemble`], as in the tests. Start-up errors carry their
//! context (`anyhow`) and end the process with a logged error.

use anyhow::Context;
use arm_sandbox::state_file::StateFile;
use arm_sandbox::world::World;
use arm_sandbox::{EntraSettings, RunningSandbox, SandboxCredential};
use clap::{Parser, Subcommand};
use server::config::{CloudMode, Config};
use server::metrics::MetricsAccess;
use server::provisioning::WorkerSettings;
use server::startup::{ArmEndpoint, Startup, assemble};
use server::{azure_credential, router, sandbox_sign_in, shutdown};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;
use url::Url;

/// mimalloc rather than glibc's allocator: a request allocates and frees many small values
/// across the runtime's threads, where glibc's arenas spent a third of a task read's CPU time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "server", about = "AKS Provisioning Dashboard server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the dashboard (the default). Site options come from LEPTOS_* variables.
    Serve,
    /// Run only the sandbox cloud (an ARM simulator) on ADDR.
    Sandbox {
        /// Address to listen on, e.g. 127.0.0.1:4100.
        #[arg(long, default_value = "127.0.0.1:4100")]
        listen: SocketAddr,
        /// Keep the cloud's state in this file, so a restart finds the same cloud (created
        /// if missing); without it, the cloud lives in memory.
        #[arg(long, env = "SANDBOX_STATE", value_name = "PATH")]
        state: Option<PathBuf>,
    },
    /// Classify ARM errors: JSON Lines `{"text": …, "context"?: …}` on stdin, one JSON result
    /// per line on stdout.
    Classify,
}

fn main() -> ExitCode {
    let command = Cli::parse().command.unwrap_or(Command::Serve);
    let outcome = match command {
        // stdout carries the answers in classify mode, so logging (which writes there) stays off.
        Command::Classify => return classify_stdin(),
        Command::Serve => {
            init_tracing();
            serve()
        }
        Command::Sandbox { listen, state } => {
            init_tracing();
            run_sandbox(listen, state.map(StateFile::new))
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info,sqlx=warn`): as text, or with
/// `LOG_FORMAT=json` as one JSON object per line (fields flattened, with the current span) for a
/// log collector.
fn init_tracing() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|format| format.eq_ignore_ascii_case("json"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        logs.json()
            .flatten_event(true)
            .with_current_span(true)
            .init();
    } else {
        logs.init();
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn serve() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    runtime()?.block_on(serve_async(config))
}

async fn serve_async(config: Config) -> anyhow::Result<()> {
    // The sandbox, in sandbox mode, serves for as long as it is held.
    let (arm, sandbox) = arm_endpoint(&config).await?;
    let leptos = leptos::config::get_configuration(None).context("Leptos configuration")?;
    let address = leptos.leptos_options.site_addr;
    let session_secret = secret_variable("SESSION_SECRET");
    let mut token_encryption_key = secret_variable("TOKEN_ENCRYPTION_KEY");
    // Sandbox mode signs users in through the sandbox's own provider, and without configured
    // keys keeps their (sandbox) tokens under a key derived from the world, so running jobs
    // continue after a restart.
    let oidc = match &sandbox {
        Some(sandbox) => {
            if token_encryption_key.is_none() && session_secret.is_none() {
                token_encryption_key = Some(sandbox_sign_in::vault_key(&sandbox.signing_key));
            }
            Some(sandbox_sign_in::oidc_settings(
                &sandbox.entra,
                loopback_public_url(address)?,
            )?)
        }
        None => config.oidc,
    };
    let mut state = assemble(Startup {
        arm,
        api_versions: config.api_versions,
        database_url: config.database_url.expose().to_owned(),
        leptos_options: leptos.leptos_options,
        session_secret,
        token_encryption_key,
        oidc,
        arm_identity: config.arm_identity,
        sandbox_mode: config.cloud == CloudMode::Sandbox,
        worker: WorkerSettings {
            poll_interval_without_retry_after: config.poll_interval,
            sweep_interval: config.lease_ttl / 3,
            lease_ttl: config.lease_ttl,
            ..WorkerSettings::default()
        },
        limits: config.limits,
        default_region: config.default_region,
    })
    .await?;
    if let Some(token) = secret_variable("METRICS_TOKEN") {
        state.metrics_access = MetricsAccess::Token(server::secret::Secret::new(token));
    }
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}"))?;
    tracing::info!(%address, cloud = state.cloud_name, "dashboard listening on http://{address}");
    let store = state.store.clone();
    let provisioning = state.provisioning.clone();
    let last_hand_back = provisioning.clone();
    let readiness = state.readiness.clone();
    // At the signal this replica's jobs are handed back at once, so other replicas take them
    // over at their next sweep; then the shutdown waits for open requests, at most
    // `shutdown_grace` (the `shutdown` module).
    let drain = async move {
        shutdown_signal().await;
        readiness.start_draining();
        if let Err(error) = provisioning.hand_back().await {
            tracing::warn!(%error, "cannot hand the leases back; they expire instead");
        }
    };
    let served = shutdown::serve(listener, router(state), drain, config.shutdown_grace)
        .await
        .context("the dashboard stopped serving");
    // Creates answered during the shutdown were written with this replica's lease.
    if let Err(error) = last_hand_back.hand_back().await {
        tracing::warn!(%error, "cannot hand the last leases back; they expire instead");
    }
    // Once the requests are answered (or dropped): the connections end cleanly (SQLite
    // checkpoints its write-ahead log) instead of being cut by the process exit. Closing waits
    // for connections in use, which a worker may hold, so it has the same bound.
    if tokio::time::timeout(config.shutdown_grace, store.close())
        .await
        .is_err()
    {
        tracing::warn!("the database did not close within the shutdown grace period");
    }
    served.map(|_| ())
}

/// A secret from the environment (kept out of [`Config`], whose `Debug` may be logged).
fn secret_variable(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// The origin a dashboard in sandbox mode is reached at: its address, with `127.0.0.1` for an
/// unspecified one (`0.0.0.0`).
fn loopback_public_url(mut address: SocketAddr) -> anyhow::Result<Url> {
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    Url::parse(&format!("http://{address}")).context("the dashboard's address as a URL")
}

/// The sandbox cloud a dashboard in sandbox mode uses: the Entra ID its users sign in with, its
/// world's signing key, and, when this process serves the cloud, the cloud itself (serving for
/// as long as it is held).
struct SandboxLink {
    entra: EntraSettings,
    signing_key: String,
    _served_here: Option<RunningSandbox>,
}

/// Where ARM calls go. In sandbox mode: the standalone sandbox `SANDBOX_URL` names, shared with
/// other replicas, or else a sandbox cloud started here, kept beside the database on the
/// loopback port it had before (a free one with an in-memory database); either way with the
/// world's own credential. In Azure mode: the configured endpoint with an `azure_identity`
/// credential.
async fn arm_endpoint(config: &Config) -> anyhow::Result<(ArmEndpoint, Option<SandboxLink>)> {
    match &config.cloud {
        CloudMode::Sandbox => {
            let world = World::from_env()?;
            let signing_key = world.identity.signing_key.clone();
            let credential = Arc::new(SandboxCredential::new(world.identity.clone()));
            let (base_url, served_here) = match &config.sandbox_url {
                Some(shared) => {
                    tracing::info!(base_url = %shared, "using the shared sandbox cloud");
                    (shared.clone(), None)
                }
                None => {
                    let state = config.sandbox_state();
                    let sandbox = match &state {
                        Some(path) => {
                            RunningSandbox::on_remembered_port(world.clone(), StateFile::new(path))
                                .await
                                .context("cannot start the sandbox cloud")?
                        }
                        None => RunningSandbox::on_free_port(world.clone())
                            .await
                            .context("cannot start the sandbox cloud")?,
                    };
                    tracing::info!(base_url = %sandbox.base_url, state = ?state, "sandbox cloud started");
                    let base_url =
                        Url::parse(&sandbox.base_url).context("the sandbox's base URL")?;
                    (base_url, Some(sandbox))
                }
            };
            let entra = EntraSettings::of(&world, base_url.as_str());
            Ok((
                ArmEndpoint {
                    base_url,
                    credential,
                },
                Some(SandboxLink {
                    entra,
                    signing_key,
                    _served_here: served_here,
                }),
            ))
        }
        CloudMode::Azure {
            base_url,
            credential,
        } => {
            let credential =
                azure_credential::build(credential).context("cannot build the Azure credential")?;
            Ok((
                ArmEndpoint {
                    base_url: base_url.clone(),
                    credential,
                },
                None,
            ))
        }
    }
}

fn classify_stdin() -> ExitCode {
    let stdin = std::io::stdin().lock();
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match server::classify_cli::run(stdin, stdout) {
        Ok(stats) if stats.rejected == 0 => ExitCode::SUCCESS,
        Ok(stats) => {
            let _ = writeln!(
                std::io::stderr(),
                "{} of {} lines were not {{\"text\": …}} objects",
                stats.rejected,
                stats.rejected + stats.classified
            );
            ExitCode::FAILURE
        }
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "classify: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run_sandbox(listen: SocketAddr, state: Option<StateFile>) -> anyhow::Result<()> {
    let world = World::from_env()?;
    let identity_header =
        std::env::var("IDENTITY_HEADER").unwrap_or_else(|_| uuid::Uuid::new_v4().to_string());
    runtime()?.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let sandbox = match state {
            Some(state) => {
                RunningSandbox::spawn_keeping_state(world, listener, identity_header, state)
                    .await
                    .context("cannot start the sandbox cloud")?
            }
            None => RunningSandbox::spawn(world, listener, identity_header)
                .context("cannot start the sandbox cloud")?,
        };
        // The connection settings are this command's output: a dashboard started with them
        // (DASHBOARD_CLOUD=azure AZURE_CREDENTIAL=managed-identity) talks to this sandbox.
        let mut stdout = std::io::stdout();
        writeln!(
            stdout,
            "export ARM_BASE_URL={} IDENTITY_ENDPOINT={} IDENTITY_HEADER={}",
            sandbox.base_url, sandbox.identity_endpoint, sandbox.identity_header
        )
        .and_then(|()| stdout.flush())
        .context("cannot print the connection settings")?;
        tracing::info!(base_url = %sandbox.base_url, "sandbox cloud listening");
        shutdown_signal().await;
        Ok(())
    })
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        () = terminate => {},
    }
}
