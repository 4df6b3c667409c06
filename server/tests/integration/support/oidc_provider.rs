//! The certified OpenID provider the sign-in tests run against: the npm `oidc-provider`
//! package, configured by `end2end/oidc/provider.mjs` (one confidential client, PKCE required,
//! Entra's `tid`/`oid`/`roles`/`name` claims, accounts `alice`, `dana` (Dashboard.Admin) and
//! `mallory` (another tenant), signed in by `login_hint`). Run with `node` on a free port; the
//! root `package.json` installs it (`npm ci`).

use super::processes::{Child, free_address};
use super::{TestResult, ensure};
use std::time::Duration;
use tokio::io::AsyncBufReadExt;

/// The client the provider knows.
pub const CLIENT_ID: &str = "0d1a5b0a-7e57-4c1e-9a11-5a2db0a4d001";
/// Its secret (a test value).
pub const CLIENT_SECRET: &str = "oidc-provider-test-client-secret";
/// The tenant of alice and dana.
pub const TENANT: &str = "72f988bf-0000-4000-8000-00000000a0a0";

/// A running `oidc-provider`.
pub struct NodeProvider {
    /// Its issuer, e.g. `http://127.0.0.1:40123`.
    pub issuer: String,
    _child: Child,
}

/// A free loopback address for the provider, known before the dashboard that trusts it starts.
pub fn reserve_address() -> TestResult<String> {
    free_address()
}

/// Starts the provider on `address` (from [`reserve_address`]) for a dashboard at `dashboard`
/// (its redirect and post-logout URIs).
pub async fn start(address: &str, dashboard: &str) -> TestResult<NodeProvider> {
    let port = address.rsplit(':').next().unwrap_or_default().to_owned();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/oidc/provider.mjs");
    let mut child = tokio::process::Command::new("node")
        .arg(script)
        .env("PORT", &port)
        .env("CLIENT_ID", CLIENT_ID)
        .env("CLIENT_SECRET", CLIENT_SECRET)
        .env("REDIRECT_URI", format!("{dashboard}/auth/callback"))
        .env("POST_LOGOUT_REDIRECT_URI", format!("{dashboard}/sign-in"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|error| format!("cannot run node (is Node.js installed?): {error}"))?;
    let stdout = child.stdout.take().ok_or("the provider's stdout")?;
    let child = Child(child);
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let listening = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await? {
            if let Some(issuer) = line.strip_prefix("listening ") {
                return Ok::<_, std::io::Error>(Some(issuer.to_owned()));
            }
        }
        Ok(None)
    })
    .await;
    let issuer = match listening {
        Ok(Ok(Some(issuer))) => issuer,
        other => {
            return Err(format!(
                "oidc-provider did not start ({other:?}); run `npm ci` at the repository root"
            )
            .into());
        }
    };
    ensure(issuer.ends_with(&port), format!("issuer {issuer}"))?;
    // The rest of its output is not read; keep the pipe open so writes do not fail.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok(NodeProvider {
        issuer,
        _child: child,
    })
}
