//! Every ARM call ends in bounded time: a credential that never answers, and a call whose
//! retries and answers outlast the call timeout.

use crate::support::scripted_arm::{Scripted, ScriptedArm};
use crate::support::{TestResult, ensure};
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use server::arm::{ApiVersions, ArmClient, ArmClientError, ArmClientSettings};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A credential that never answers, as an unreachable IMDS or a stuck `az` does.
#[derive(Debug)]
struct SilentCredential;

#[async_trait::async_trait]
impl TokenCredential for SilentCredential {
    async fn get_token(
        &self,
        _scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        std::future::pending().await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_silent_credential_ends_the_call_with_a_credential_error() -> TestResult {
    let arm = ScriptedArm::start(vec![Scripted::json(200, serde_json::json!({"value": []}))]).await;
    let client = ArmClient::with_settings(
        url::Url::parse(&arm.base_url)?,
        Arc::new(SilentCredential),
        ApiVersions::default(),
        ArmClientSettings {
            token_timeout: Duration::from_millis(200),
            ..ArmClientSettings::default()
        },
    )?;
    let started = Instant::now();
    let listed = client.list_subscriptions().await;
    ensure(
        matches!(&listed, Err(ArmClientError::Credential(m)) if m == "no token within 0.2 s"),
        format!("{listed:?}"),
    )?;
    ensure(
        started.elapsed() < Duration::from_secs(2) && arm.seen().is_empty(),
        "ended quickly, and nothing was sent",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_never_outlasts_its_call_timeout() -> TestResult {
    // Each answer takes 400 ms, under the request timeout; together they would take longer.
    let arm = ScriptedArm::start(vec![
        Scripted::error(503, "ServiceUnavailable")
            .header("retry-after", "0")
            .after(Duration::from_millis(400)),
    ])
    .await;
    let client = arm.client(ArmClientSettings {
        call_timeout: Duration::from_secs(1),
        ..ArmClientSettings::default()
    });
    let started = Instant::now();
    let read = client.get_cluster("s", "rg", "aks").await;
    ensure(
        matches!(&read, Err(ArmClientError::Transport(m)) if m == "no complete answer within 1 s"),
        format!("{read:?}"),
    )?;
    ensure(
        started.elapsed() < Duration::from_millis(1500),
        format!("took {:?}", started.elapsed()),
    )
}
