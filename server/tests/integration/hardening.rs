//! Hardening of the HTTP surface over real HTTP (docs/PRODUCT.md "Limits and hardening"): the
//! session's binding to the cloud mode, the security headers, the per-caller rate
//! limits and cap on running creates, and the single-flight cache of ARM list reads (counted
//! at the sandbox).

use super::support::{
    SUBSCRIPTION, TestResult, create_body, ensure, fast_world, http, post_create, sign_in,
    start_dashboard, start_dashboard_with,
};
use app::api::provision::run_preflight::RunPreflight;
use app::api::provision::start_provision::StartProvision;
use app::error::AppError;
use reqwest::StatusCode;
use server::config::Limits;
use server_fn::ServerFn;

#[tokio::test(flavor = "multi_thread")]
async fn a_session_made_in_sandbox_mode_is_refused_in_azure_mode_on_the_same_database() -> TestResult
{
    let azure = start_dashboard(fast_world(), false).await;
    let sessions = server::session::layer::session_store(&azure.store);
    let alice = shared::caller::Caller {
        tenant_id: "72f988bf-0000-4000-8000-00000000a0a0".into(),
        object_id: "a11ce000-0000-4000-8000-000000000001".into(),
        display_name: "Alice Example".into(),
        roles: Vec::new(),
    };
    let read = |id: String| {
        let base = azure.base_url.clone();
        async move {
            http()
                .get(format!("{base}/api/aks/recent-failed-provisions"))
                .header(
                    "cookie",
                    format!("{}={id}", server::session::SESSION_COOKIE),
                )
                .send()
                .await
        }
    };
    let demo = server::session::signed_in::mint(
        &sessions,
        alice.clone(),
        server::session::SessionBinding::sandbox_demo(),
    )
    .await?;
    let abroad = read(demo).await?;
    ensure(
        abroad.status() == StatusCode::UNAUTHORIZED,
        format!("a sandbox session in azure mode → {}", abroad.status()),
    )?;
    let entra = server::session::signed_in::mint(
        &sessions,
        alice,
        server::session::SessionBinding::openid("azure", "https://login.example/t/v2.0"),
    )
    .await?;
    let at_home = read(entra).await?;
    ensure(
        at_home.status() == StatusCode::OK,
        format!("an azure session in azure mode → {}", at_home.status()),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn every_answer_carries_the_security_headers_and_hsts_only_in_azure_mode() -> TestResult {
    let sandbox = start_dashboard(fast_world(), true).await;
    let cookie = sign_in(&sandbox.base_url, "alice").await?;
    let page = http()
        .get(format!("{}/", sandbox.base_url))
        .header("cookie", &cookie)
        .send()
        .await?;
    let headers = page.headers().clone();
    let html = page.text().await?;
    let policy = header(&headers, "content-security-policy");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_default()
        .to_owned();
    ensure(
        !nonce.is_empty(),
        format!("the page policy has a nonce: {policy}"),
    )?;
    ensure(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the page's inline scripts carry the header's nonce",
    )?;
    ensure(
        !policy.contains("script-src 'self' 'unsafe-inline'")
            && policy.contains("'wasm-unsafe-eval'"),
        policy.clone(),
    )?;
    let api = http()
        .get(format!(
            "{}/api/aks/recent-failed-provisions",
            sandbox.base_url
        ))
        .header("cookie", &cookie)
        .send()
        .await?;
    let refused = http()
        .get(format!("{}/api/subscriptions", sandbox.base_url))
        .send()
        .await?;
    ensure(refused.status() == StatusCode::UNAUTHORIZED, "no session")?;
    for (what, headers) in [
        ("page", &headers),
        ("api", api.headers()),
        ("refusal", refused.headers()),
    ] {
        ensure(header(headers, "x-content-type-options") == "nosniff", what)?;
        ensure(
            header(headers, "referrer-policy") == "strict-origin-when-cross-origin",
            what,
        )?;
        ensure(
            header(headers, "content-security-policy").contains("frame-ancestors 'none'"),
            what,
        )?;
        ensure(
            headers.get("strict-transport-security").is_none(),
            format!("{what}: no HSTS over plain HTTP in sandbox mode"),
        )?;
    }
    ensure(
        header(api.headers(), "content-security-policy").starts_with("default-src 'none'"),
        "JSON answers allow nothing",
    )?;
    let azure = start_dashboard(fast_world(), false).await;
    let health = http()
        .get(format!("{}/healthz", azure.base_url))
        .send()
        .await?;
    ensure(
        header(health.headers(), "strict-transport-security").starts_with("max-age="),
        "HSTS in azure mode",
    )
}

/// A create body as the `start_provision` server function's form: `request[field]=value&…`.
fn server_fn_form(body: &serde_json::Value) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (field, value) in body.as_object().into_iter().flatten() {
        let text = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_owned);
        form.append_pair(&format!("request[{field}]"), &text);
    }
    form.finish()
}

/// A header's value as text, or empty.
fn header(headers: &reqwest::header::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Asserts a 429 with `Retry-After` and a JSON `{code: "too_many_requests", message}`.
async fn too_many(response: reqwest::Response, what: &str) -> TestResult {
    let status = response.status();
    let retry_after = header(response.headers(), "retry-after");
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    ensure(
        status == StatusCode::TOO_MANY_REQUESTS,
        format!("{what}: {status} {body}"),
    )?;
    ensure(
        retry_after.parse::<u64>().is_ok_and(|s| s >= 1),
        format!("{what}: Retry-After {retry_after:?}"),
    )?;
    ensure(
        body["code"] == "too_many_requests" && body["message"].is_string(),
        format!("{what}: {body}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_and_preflights_are_rate_limited_per_caller() -> TestResult {
    let limits = Limits {
        max_running_jobs: 10,
        writes_per_minute: 2,
        preflights_per_minute: 1,
    };
    let dashboard = start_dashboard_with(fast_world(), true, limits).await;
    let base = &dashboard.base_url;
    let alice = sign_in(base, "alice").await?;
    let bob = sign_in(base, "bob").await?;
    let dismiss = |cookie: &str| {
        http()
            .post(format!(
                "{base}/api/aks/recent-failed-provisions/no-such-job/dismiss"
            ))
            .header("cookie", cookie)
            .send()
    };
    for _ in 0..2 {
        let answer = dismiss(&alice).await?;
        ensure(answer.status() == StatusCode::NOT_FOUND, "within the limit")?;
    }
    too_many(dismiss(&alice).await?, "alice's third write").await?;
    let cancel = http()
        .post(format!("{base}/api/aks/cancel-provision/no-such-task"))
        .header("cookie", &alice)
        .send()
        .await?;
    too_many(cancel, "every write shares the limit").await?;
    ensure(
        dismiss(&bob).await?.status() == StatusCode::NOT_FOUND,
        "bob has his own allowance",
    )?;
    let preflight = || {
        http()
            .post(format!("{base}/api/aks/preflight"))
            .header("cookie", &alice)
            .json(&create_body("aks-rate", "eastus", "rg-rate"))
            .send()
    };
    ensure(
        preflight().await?.status() == StatusCode::OK,
        "first pre-flight",
    )?;
    too_many(preflight().await?, "second pre-flight").await?;
    // The modal's pre-flight server function shares the limit, and its answer is the error the
    // browser decodes.
    let from_modal = http()
        .post(format!("{base}{}", RunPreflight::PATH))
        .header("cookie", &alice)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("request[subscription_id]={SUBSCRIPTION}"))
        .send()
        .await?;
    ensure(
        from_modal.status() == StatusCode::TOO_MANY_REQUESTS
            && from_modal.headers().contains_key("retry-after"),
        format!("server function: {}", from_modal.status()),
    )?;
    let error: AppError = from_modal.json().await?;
    ensure(
        matches!(error, AppError::TooManyRequests { retry_after_seconds, .. } if retry_after_seconds >= 1),
        format!("{error:?}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_caller_at_the_running_cap_gets_429_and_no_job() -> TestResult {
    let mut world = fast_world();
    world.timings.create_seconds = 30.0;
    let limits = Limits {
        max_running_jobs: 1,
        ..Limits::default()
    };
    let dashboard = start_dashboard_with(world, true, limits).await;
    let base = &dashboard.base_url;
    let alice = sign_in(base, "alice").await?;
    let (status, first) =
        post_create(base, &alice, &create_body("aks-cap-1", "eastus", "rg-cap")).await?;
    ensure(status == StatusCode::OK, format!("first: {status} {first}"))?;
    let again = post_create(base, &alice, &create_body("aks-cap-1", "eastus", "rg-cap")).await?;
    ensure(
        again.0 == StatusCode::OK && again.1["task_id"] == first["task_id"],
        "a double submit still answers the running job",
    )?;
    let second = http()
        .post(format!("{base}/api/aks/provision"))
        .header("cookie", &alice)
        .json(&create_body("aks-cap-2", "eastus", "rg-cap"))
        .send()
        .await?;
    too_many(second, "a second create").await?;
    let from_modal = http()
        .post(format!("{base}{}", StartProvision::PATH))
        .header("cookie", &alice)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(server_fn_form(&create_body(
            "aks-cap-2",
            "eastus",
            "rg-cap",
        )))
        .send()
        .await?;
    ensure(
        from_modal.status() == StatusCode::TOO_MANY_REQUESTS
            && from_modal.headers().contains_key("retry-after"),
        format!("server function: {}", from_modal.status()),
    )?;
    let error: AppError = from_modal.json().await?;
    ensure(
        matches!(error, AppError::TooManyRequests { .. }),
        format!("{error:?}"),
    )?;
    let jobs = dashboard.store.unfinished_jobs().await?;
    ensure(jobs.len() == 1, format!("{} job rows", jobs.len()))?;
    // Another person has their own allowance (Dana: Bob, a Reader, may create nothing).
    let dana = sign_in(base, "dana").await?;
    let (status, answer) =
        post_create(base, &dana, &create_body("aks-cap-3", "eastus", "rg-cap")).await?;
    ensure(
        status == StatusCode::OK,
        format!("dana's create: {status} {answer}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_list_reads_share_one_arm_call() -> TestResult {
    let mut world = fast_world();
    // Slow enough that every read below arrives while the first is still at ARM.
    world.faults.latency_ms = 300;
    let dashboard = start_dashboard(world, true).await;
    let base = dashboard.base_url.clone();
    let cookie = sign_in(&base, "alice").await?;
    for path in [
        "/api/subscriptions".to_owned(),
        format!("/api/aks/regions?subscription_id={SUBSCRIPTION}"),
        format!("/api/aks/clusters?subscription_id={SUBSCRIPTION}"),
    ] {
        let before = dashboard.cloud.sandbox.arm_requests();
        let reads: Vec<_> = (0..12)
            .map(|_| {
                let request = http()
                    .get(format!("{base}{path}"))
                    .header("cookie", &cookie);
                tokio::spawn(async move { request.send().await.map(|r| r.status()) })
            })
            .collect();
        for read in reads {
            let status = read.await??;
            ensure(status == StatusCode::OK, format!("{path}: {status}"))?;
        }
        let calls = dashboard.cloud.sandbox.arm_requests() - before;
        ensure(
            calls == 1,
            format!("{path}: {calls} ARM calls for 12 reads"),
        )?;
        let cached = http()
            .get(format!("{base}{path}"))
            .header("cookie", &cookie)
            .send()
            .await?;
        ensure(cached.status() == StatusCode::OK, "a read after")?;
        ensure(
            dashboard.cloud.sandbox.arm_requests() - before == 1,
            format!("{path}: read again within its time, from the cache"),
        )?;
    }
    Ok(())
}
