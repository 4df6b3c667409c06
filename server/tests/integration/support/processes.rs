//! Processes a test starts: the `server` binary's `sandbox` command on a free port, and the
//! dashboard itself (`server` with no command) on a given address.

use super::{TestResult, ensure, http};
use std::time::Duration;

/// The settings of an azure-mode process these tests start: the sign-in settings azure mode
/// requires (the provider is read only at the first sign-in, so the process never contacts
/// `login.example`), and service mode, the dashboard's own (managed) identity allowed the
/// default world's first subscription for everyone, since their sessions are written straight
/// into the database and carry no tokens of the person's.
pub const ENTRA_SETTINGS: [(&str, &str); 6] = [
    ("ENTRA_TENANT_ID", "72f988bf-0000-4000-8000-00000000a0a0"),
    ("ENTRA_CLIENT_ID", "0d1a5b0a-7e57-4c1e-9a11-5a2db0a4d001"),
    ("ENTRA_CLIENT_SECRET", "not-a-secret"),
    ("DASHBOARD_PUBLIC_URL", "https://dashboard.example"),
    ("ARM_IDENTITY", "service"),
    (
        "SERVICE_SUBSCRIPTIONS",
        "*=8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f",
    ),
];

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
) -> TestResult<(Child, Vec<(String, String)>)> {
    standalone_sandbox_with(&[], env).await
}

/// [`standalone_sandbox`] with the extra command-line arguments `args` (such as `--state`).
pub async fn standalone_sandbox_with(
    args: &[&str],
    env: &[(&str, &str)],
) -> TestResult<(Child, Vec<(String, String)>)> {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["sandbox", "--listen", "127.0.0.1:0"])
        .args(args)
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

/// Starts the dashboard process serving on `address` (`LEPTOS_SITE_ADDR`) with the environment
/// `env` (its cloud, database, site root…), its log discarded; answers once `/healthz` does.
pub async fn dashboard_process(address: &str, env: &[(&str, &str)]) -> TestResult<Child> {
    dashboard_process_logging(address, env, "warn", std::process::Stdio::null()).await
}

/// [`dashboard_process`] with `RUST_LOG=filter`, its log (stdout) going to `log`.
pub async fn dashboard_process_logging(
    address: &str,
    env: &[(&str, &str)],
    filter: &str,
    log: impl Into<std::process::Stdio>,
) -> TestResult<Child> {
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .envs(env.iter().copied())
        .env("LEPTOS_SITE_ADDR", address)
        .env("RUST_LOG", filter)
        .stdout(log)
        .spawn()?;
    let mut child = Child(child);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(response) = http().get(format!("http://{address}/healthz")).send().await
            && response.status().is_success()
        {
            return Ok(child);
        }
        ensure(
            child.0.try_wait()?.is_none(),
            "the dashboard exited during start-up",
        )?;
        ensure(
            tokio::time::Instant::now() < deadline,
            "the dashboard did not come up",
        )?;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A loopback address with a port that was free a moment ago.
pub fn free_address() -> TestResult<String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    Ok(format!("127.0.0.1:{port}"))
}
