//! Processes a test starts: the `server` binary's `sandbox` command on a free port.

use super::{TestResult, ensure};
use std::time::Duration;

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
