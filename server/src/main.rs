//! `server`: serves the dashboard (default), runs the sandbox cloud on its own, or classifies
//! ARM errors read as JSON Lines on stdin (`server classify`).
//!
//! In sandbox mode the sandbox cloud runs in-process on a free loopback port and the ARM client
//! gets its tokens from the sandbox's own [`SandboxCredential`].

use arm_sandbox::world::World;
use arm_sandbox::{RunningSandbox, SandboxCredential};
use clap::{Parser, Subcommand};
use server::arm::ArmClient;
use server::config::{CloudMode, Config};
use server::dashboard_backend::DashboardBackend;
use server::provisioning::{Provisioning, WorkerSettings};
use server::session::SessionSettings;
use server::store::Store;
use server::{AppState, azure_credential, router};
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

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
        Command::Sandbox { listen } => {
            init_tracing();
            run_sandbox(listen)
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

fn serve() -> Result<(), String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    runtime()?.block_on(serve_async(config))
}

async fn serve_async(config: Config) -> Result<(), String> {
    let (base_url, credential, cloud_name, _sandbox) = match &config.cloud {
        CloudMode::Sandbox => {
            let world = World::from_env().map_err(|e| e.to_string())?;
            let credential = Arc::new(SandboxCredential::new(world.identity.clone()));
            let sandbox = RunningSandbox::on_free_port(world)
                .await
                .map_err(|e| format!("cannot start the sandbox cloud: {e}"))?;
            tracing::info!(base_url = %sandbox.base_url, "sandbox cloud started");
            let base_url = url::Url::parse(&sandbox.base_url).map_err(|e| e.to_string())?;
            (
                base_url,
                credential as Arc<dyn azure_core::credentials::TokenCredential>,
                "sandbox",
                Some(sandbox),
            )
        }
        CloudMode::Azure {
            base_url,
            credential,
        } => {
            let credential = azure_credential::build(credential)
                .map_err(|e| format!("cannot build the Azure credential: {e}"))?;
            (base_url.clone(), credential, "azure", None)
        }
    };
    let arm = ArmClient::new(base_url, credential, config.api_versions.clone())
        .map_err(|e| e.to_string())?;
    let store = Store::open(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let leptos = leptos::config::get_configuration(None)
        .map_err(|e| format!("Leptos configuration: {e}"))?;
    let address = leptos.leptos_options.site_addr;
    let sandbox_mode = config.cloud == CloudMode::Sandbox;
    let session = SessionSettings::new(
        std::env::var("SESSION_SECRET").ok().as_deref(),
        !sandbox_mode,
    )?;
    let demo_users = if sandbox_mode {
        server::dev_sign_in::demo_users()
    } else {
        Vec::new()
    };
    let provisioning = Provisioning::new(store.clone(), arm.clone(), WorkerSettings::default());
    let resumed = provisioning
        .resume_unfinished()
        .await
        .map_err(|e| format!("cannot read unfinished jobs: {e}"))?;
    if resumed > 0 {
        tracing::info!(resumed, "resumed unfinished provisioning jobs");
    }
    let deletions = provisioning
        .resume_deletions()
        .await
        .map_err(|e| format!("cannot read running deletions: {e}"))?;
    if deletions > 0 {
        tracing::info!(deletions, "resumed deletions of partial clusters");
    }
    let state = AppState {
        leptos_options: leptos.leptos_options,
        backend: Arc::new(DashboardBackend::new(arm, provisioning, demo_users)),
        store,
        cloud_name,
        session,
        demo_sign_in: sandbox_mode,
    };
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    tracing::info!(%address, cloud = cloud_name, "dashboard listening on http://{address}");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())
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

fn run_sandbox(listen: SocketAddr) -> Result<(), String> {
    let world = World::from_env().map_err(|e| e.to_string())?;
    let identity_header =
        std::env::var("IDENTITY_HEADER").unwrap_or_else(|_| uuid::Uuid::new_v4().to_string());
    runtime()?.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let sandbox =
            RunningSandbox::spawn(world, listener, identity_header).map_err(|e| e.to_string())?;
        // The connection settings are this command's output: a dashboard started with them
        // (DASHBOARD_CLOUD=azure AZURE_CREDENTIAL=managed-identity) talks to this sandbox.
        let mut stdout = std::io::stdout();
        writeln!(
            stdout,
            "export ARM_BASE_URL={} IDENTITY_ENDPOINT={} IDENTITY_HEADER={}",
            sandbox.base_url, sandbox.identity_endpoint, sandbox.identity_header
        )
        .and_then(|()| stdout.flush())
        .map_err(|e| e.to_string())?;
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
