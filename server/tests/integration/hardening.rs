//! Hardening of the HTTP surface over real HTTP (docs/PRODUCT.md "Limits and hardening"): the
//! session cookie's binding to the cloud mode.

use super::support::{TestResult, ensure, fast_world, http, sign_in, start_dashboard};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread")]
async fn a_sandbox_cookie_is_refused_in_azure_mode_with_the_same_secret() -> TestResult {
    let sandbox = start_dashboard(fast_world(), true).await;
    let azure = start_dashboard(fast_world(), false).await;
    let cookie = sign_in(&sandbox.base_url, "alice").await?;
    let read = |base: String| {
        let cookie = cookie.clone();
        async move {
            http()
                .get(format!("{base}/api/aks/recent-failed-provisions"))
                .header("cookie", cookie)
                .send()
                .await
        }
    };
    let at_home = read(sandbox.base_url.clone()).await?;
    ensure(
        at_home.status() == StatusCode::OK,
        format!("sandbox → {}", at_home.status()),
    )?;
    let abroad = read(azure.base_url.clone()).await?;
    ensure(
        abroad.status() == StatusCode::UNAUTHORIZED,
        format!("azure → {}", abroad.status()),
    )
}
