//! The dashboard's HTTP surface over real HTTP, against the whole router and a sandbox cloud:
//! who is calling (session guard, demo sign-in and sign-out, cross-site writes) and the read
//! routes scripts use (docs/PRODUCT.md §8), including the VM size catalogue's zone-only
//! restrictions (docs/ARM_FACTS.md §2) and its degraded answer when ARM cannot be read.

use super::support::{
    TestResult, ensure, fast_world, get_json, http, sign_in, sign_in_request, start_dashboard,
};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, LOCATION, SET_COOKIE};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn no_session_pages_redirect_and_api_answers_401() -> TestResult {
    let dashboard = start_dashboard(fast_world(), true).await;
    let base = &dashboard.base_url;
    let page = http().get(format!("{base}/")).send().await?;
    ensure(
        page.status() == StatusCode::SEE_OTHER,
        format!("page → {}", page.status()),
    )?;
    ensure(
        page.headers()
            .get(LOCATION)
            .is_some_and(|l| l == "/sign-in"),
        "redirected to /sign-in",
    )?;
    let deep = http()
        .get(format!("{base}/?subscription=s%201"))
        .send()
        .await?;
    let back = "/sign-in?return_to=%2F%3Fsubscription%3Ds%25201";
    ensure(
        deep.headers().get(LOCATION).is_some_and(|l| l == back),
        format!(
            "the sign-in page is told where to come back: {:?}",
            deep.headers().get(LOCATION)
        ),
    )?;
    for (return_to, lands) in [
        ("%2F%3Fsubscription%3Ds%25201", "/?subscription=s%201"),
        ("%2F%2Fevil.example%2F", "/"),
    ] {
        let signed_in = http()
            .post(format!("{base}/auth/dev/sign-in"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("user=alice&return_to={return_to}"))
            .send()
            .await?;
        ensure(
            signed_in
                .headers()
                .get(LOCATION)
                .is_some_and(|l| l == lands),
            format!("{return_to} → {:?}", signed_in.headers().get(LOCATION)),
        )?;
    }

    let api = http()
        .post(format!("{base}/api/list_clusters"))
        .send()
        .await?;
    ensure(
        api.status() == StatusCode::UNAUTHORIZED,
        format!("api → {}", api.status()),
    )?;
    let body: serde_json::Value = api.json().await?;
    ensure(body["code"] == "unauthenticated", body.to_string())?;

    ensure(
        http().get(format!("{base}/healthz")).send().await?.status() == StatusCode::OK,
        "healthz is public",
    )?;
    let sign_in_page = http().get(format!("{base}/sign-in")).send().await?;
    ensure(
        sign_in_page.status() == StatusCode::OK,
        "sign-in page is public",
    )?;
    // The sign-out form's redirect goes to the provider's end-session endpoint (the sandbox's
    // loopback origin): the page's form-action admits it, and nothing else but the site.
    let policy = sign_in_page
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let form_action = policy
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("form-action"))
        .unwrap_or_default();
    ensure(
        form_action.starts_with("form-action 'self' http://127.0.0.1:")
            && form_action.split_whitespace().count() == 3,
        format!("the page's form-action: {form_action}"),
    )?;
    let html = sign_in_page.text().await?;
    // One way in, the OpenID sign-in; the provider's page lists the demo users.
    ensure(
        html.contains(r#"href="/auth/sign-in?return_to=%2F""#)
            && html.contains("Sign in with the sandbox")
            && !html.contains("/auth/dev/sign-in"),
        "the sign-in page offers the OpenID sign-in only",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_sign_in_sets_a_session_id_http_only_lax_cookie() -> TestResult {
    let dashboard = start_dashboard(fast_world(), true).await;
    let base = &dashboard.base_url;
    let response = sign_in_request(base, "alice").send().await?;
    let set_cookie = response
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        ensure(
            set_cookie.contains(attribute),
            format!("{attribute} in {set_cookie}"),
        )?;
    }
    ensure(
        !set_cookie.contains("Alice") && !set_cookie.contains("a11ce000"),
        "the value is a session id, not the caller",
    )?;
    let cookie = set_cookie.split(';').next().unwrap_or_default().to_owned();

    let page = http()
        .get(format!("{base}/"))
        .header("cookie", &cookie)
        .send()
        .await?;
    ensure(
        page.status() == StatusCode::OK,
        format!("signed-in page → {}", page.status()),
    )?;
    // A signed-in page is never kept by a cache, nor shown again by Back after sign-out.
    ensure(
        page.headers()
            .get(CACHE_CONTROL)
            .is_some_and(|v| v == "no-store"),
        format!(
            "signed-in page's Cache-Control: {:?}",
            page.headers().get(CACHE_CONTROL)
        ),
    )?;
    let html = page.text().await?;
    ensure(
        html.contains("Alice Example") && html.contains("aks-platform"),
        "the dashboard renders for Alice",
    )?;

    let api = http()
        .get(format!("{base}/api/subscriptions"))
        .header("cookie", &cookie)
        .send()
        .await?;
    ensure(
        api.headers()
            .get(CACHE_CONTROL)
            .is_some_and(|v| v == "no-store"),
        format!(
            "signed-in API answer's Cache-Control: {:?}",
            api.headers().get(CACHE_CONTROL)
        ),
    )?;
    // The static bundle keeps whatever caching it is served with.
    let bundle = http()
        .get(format!("{base}/pkg/aks-dashboard.css"))
        .header("cookie", &cookie)
        .send()
        .await?;
    ensure(
        bundle
            .headers()
            .get(CACHE_CONTROL)
            .is_none_or(|v| v != "no-store"),
        format!(
            "/pkg/ Cache-Control: {:?}",
            bundle.headers().get(CACHE_CONTROL)
        ),
    )?;

    let bob = sign_in(base, "BOB").await?;
    let html = http()
        .get(format!("{base}/"))
        .header("cookie", &bob)
        .send()
        .await?
        .text()
        .await?;
    ensure(
        html.contains("Bob Example") && !html.contains("Alice Example"),
        "each session is its own caller",
    )?;

    let tampered = cookie.replacen('=', "=x", 1);
    let forged = http()
        .get(format!("{base}/"))
        .header("cookie", tampered)
        .send()
        .await?;
    ensure(
        forged.status() == StatusCode::SEE_OTHER,
        "a tampered cookie is no session",
    )?;

    let unknown = sign_in_request(base, "mallory").send().await?;
    ensure(
        unknown.status() == StatusCode::BAD_REQUEST,
        format!("unknown user → {}", unknown.status()),
    )?;
    let body: serde_json::Value = unknown.json().await?;
    ensure(
        body["code"] == "unknown_user"
            && body["message"]
                .as_str()
                .is_some_and(|m| m.contains("alice")),
        body.to_string(),
    )?;

    let out = http()
        .post(format!("{base}/auth/sign-out"))
        .header("cookie", &cookie)
        .send()
        .await?;
    // The sign-in was the sandbox provider's: its session ends there too (RP-initiated
    // logout), which sends the browser back to /sign-in.
    let logout = out
        .headers()
        .get(LOCATION)
        .and_then(|l| l.to_str().ok())
        .and_then(|l| url::Url::parse(l).ok())
        .ok_or("sign-out redirects")?;
    let back_to = logout
        .query_pairs()
        .find(|(key, _)| key == "post_logout_redirect_uri")
        .map(|(_, value)| value.into_owned());
    ensure(
        logout.path().ends_with("/oauth2/v2.0/logout")
            && back_to == Some(format!("{base}/sign-in")),
        format!("sign-out goes through the provider back to /sign-in: {logout}"),
    )?;
    let cleared = out
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    ensure(
        cleared.contains("Max-Age=0"),
        format!("cookie cleared: {cleared}"),
    )?;
    let copied = http()
        .get(format!("{base}/api/aks/recent-failed-provisions"))
        .header("cookie", &cookie)
        .send()
        .await?;
    ensure(
        copied.status() == StatusCode::UNAUTHORIZED,
        format!("a kept copy of the cookie is dead: {}", copied.status()),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn cross_site_writes_are_refused() -> TestResult {
    let dashboard = start_dashboard(fast_world(), true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;
    let forged = sign_in_request(base, "alice")
        .header("origin", "https://evil.example")
        .send()
        .await?;
    ensure(
        forged.status() == StatusCode::FORBIDDEN,
        format!("cross-site sign-in → {}", forged.status()),
    )?;
    let from_elsewhere = http()
        .post(format!("{base}/auth/sign-out"))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await?;
    ensure(
        from_elsewhere.status() == StatusCode::FORBIDDEN,
        "cross-site write with a cookie is refused",
    )?;
    let host = base.trim_start_matches("http://");
    let same_site = http()
        .post(format!("{base}/auth/sign-out"))
        .header("cookie", &cookie)
        .header("origin", format!("http://{host}"))
        .send()
        .await?;
    ensure(
        same_site.status() == StatusCode::SEE_OTHER,
        format!("same-origin write → {}", same_site.status()),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_sign_in_exists_only_in_sandbox_mode() -> TestResult {
    let dashboard = start_dashboard(fast_world(), false).await;
    let base = &dashboard.base_url;
    let response = sign_in_request(base, "alice").send().await?;
    ensure(
        !response.status().is_success() && !response.status().is_redirection(),
        format!("→ {}", response.status()),
    )?;
    ensure(
        response.headers().get(SET_COOKIE).is_none(),
        "no session is issued",
    )?;
    let html = http()
        .get(format!("{base}/sign-in"))
        .send()
        .await?
        .text()
        .await?;
    ensure(
        html.contains("Sign in with Microsoft")
            && html.contains("href=\"/auth/sign-in?return_to=%2F\""),
        "azure mode's page offers the OpenID sign-in, not demo users",
    )?;
    let html = http()
        .get(format!("{base}/sign-in?return_to=%2Fclusters%3Fx%3D1"))
        .send()
        .await?
        .text()
        .await?;
    ensure(
        html.contains("href=\"/auth/sign-in?return_to=%2Fclusters%3Fx%3D1\""),
        "the link carries the page to come back to",
    )?;
    let html = http()
        .get(format!(
            "{base}/sign-in?return_to=https%3A%2F%2Fevil.example"
        ))
        .send()
        .await?
        .text()
        .await?;
    ensure(
        html.contains("href=\"/auth/sign-in?return_to=%2F\"") && !html.contains("evil.example"),
        "another site is never linked on",
    )
}

const SUB: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";

#[tokio::test(flavor = "multi_thread")]
async fn read_routes_answer_for_a_signed_in_caller() -> TestResult {
    let dashboard = start_dashboard(fast_world(), true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;

    let (status, subscriptions) = get_json(base, "/api/subscriptions", &cookie).await?;
    ensure(
        status == StatusCode::OK,
        format!("subscriptions → {status}"),
    )?;
    ensure(
        subscriptions[0]["subscription_id"] == SUB
            && subscriptions[0]["display_name"] == "Contoso Sandbox",
        subscriptions.to_string(),
    )?;

    let (_, regions) = get_json(
        base,
        &format!("/api/aks/regions?subscription_id={SUB}"),
        &cookie,
    )
    .await?;
    let names: Vec<&str> = regions
        .as_array()
        .ok_or("a list")?
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    ensure(
        names.contains(&"koreacentral") && !names.contains(&"brazilsoutheast"),
        format!("{names:?}"),
    )?;
    // The form starts on one recommended region, where the sandbox's defaults succeed (no
    // DEFAULT_REGION here: the first broadly offered region), not on the alphabetical first.
    let recommended: Vec<&str> = regions
        .as_array()
        .ok_or("a list")?
        .iter()
        .filter(|r| r["recommended"] == true)
        .filter_map(|r| r["name"].as_str())
        .collect();
    ensure(recommended == ["eastus"], format!("{recommended:?}"))?;

    let (_, catalogue) = get_json(
        base,
        &format!("/api/aks/available-skus?subscription_id={SUB}&region=uksouth"),
        &cookie,
    )
    .await?;
    ensure(catalogue["degraded"] == false, "not degraded")?;
    let skus = catalogue["skus"].as_array().ok_or("skus")?;
    ensure(skus.len() >= 12, format!("{} sizes", skus.len()))?;
    let d16 = skus
        .iter()
        .find(|s| s["name"] == "Standard_D16s_v5")
        .ok_or("D16s_v5")?;
    ensure(
        d16["vcpus"] == 16 && d16["memory_gb"] == 64.0 && d16["family"] == "standardDSv5Family",
        d16.to_string(),
    )?;
    ensure(
        d16["available"] == false && d16["reason"] == "NotAvailableForSubscription",
        d16.to_string(),
    )?;
    let d4 = skus
        .iter()
        .find(|s| s["name"] == "Standard_D4s_v5")
        .ok_or("D4s_v5")?;
    ensure(
        d4["available"] == true && d4["reason"].is_null() && d4["restricted_zones"] == json!([]),
        d4.to_string(),
    )?;
    let vcpus: Vec<i64> = skus.iter().filter_map(|s| s["vcpus"].as_i64()).collect();
    ensure(vcpus.windows(2).all(|w| w[0] <= w[1]), "smallest first")?;

    let (_, clusters) = get_json(
        base,
        &format!("/api/aks/clusters?subscription_id={SUB}"),
        &cookie,
    )
    .await?;
    let first = &clusters[0];
    ensure(
        first["name"] == "aks-platform"
            && first["resource_group"] == "rg-platform"
            && first["region"] == "eastus",
        first.to_string(),
    )?;
    ensure(
        first["provisioning_state"] == "Succeeded" && first["power_state"] == "Running",
        first.to_string(),
    )?;
    ensure(
        first["portal_url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://portal.azure.com/#resource/")),
        "portal_url",
    )?;
    ensure(first["pools"][0]["vm_size"] == "Standard_D2s_v5", "pools")?;

    let anonymous = http()
        .get(format!("{base}/api/subscriptions"))
        .send()
        .await?;
    ensure(
        anonymous.status() == StatusCode::UNAUTHORIZED,
        "read routes need a session",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn read_routes_validate_and_pass_on_azure_errors() -> TestResult {
    let dashboard = start_dashboard(fast_world(), true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "bob").await?;
    for (path, field) in [
        ("/api/aks/regions", "subscription_id"),
        (
            "/api/aks/clusters?subscription_id=not-a-guid",
            "subscription_id",
        ),
        (
            &*format!("/api/aks/available-skus?subscription_id={SUB}"),
            "region",
        ),
        (
            &*format!("/api/aks/available-skus?subscription_id={SUB}&region=East%20US"),
            "region",
        ),
    ] {
        let (status, body) = get_json(base, path, &cookie).await?;
        ensure(
            status == StatusCode::BAD_REQUEST,
            format!("{path} → {status}"),
        )?;
        ensure(
            body["code"] == "validation" && body["field"] == field && body["message"].is_string(),
            format!("{path}: {body}"),
        )?;
    }
    let unknown = "00000000-0000-0000-0000-000000000000";
    let (status, body) = get_json(
        base,
        &format!("/api/aks/clusters?subscription_id={unknown}"),
        &cookie,
    )
    .await?;
    ensure(
        status == StatusCode::NOT_FOUND && body["code"] == "SubscriptionNotFound",
        format!("{status} {body}"),
    )
}

/// `/api/aks/available-skus` for `region` in the default subscription.
fn skus_path(region: &str) -> String {
    format!("/api/aks/available-skus?subscription_id={SUB}&region={region}")
}

#[tokio::test(flavor = "multi_thread")]
async fn zone_only_restrictions_leave_a_size_available() -> TestResult {
    let dashboard = start_dashboard(fast_world(), true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;
    // westeurope restricts Standard_DC2s_v2 in zone 3 only; the dashboard asks for no zones.
    let (status, catalogue) = get_json(base, &skus_path("westeurope"), &cookie).await?;
    ensure(status == StatusCode::OK, format!("{status} {catalogue}"))?;
    let skus = catalogue["skus"].as_array().ok_or("skus")?;
    let dc2 = skus
        .iter()
        .find(|s| s["name"] == "Standard_DC2s_v2")
        .ok_or("DC2s_v2")?;
    ensure(
        dc2["available"] == true
            && dc2["reason"] == "NotAvailableForSubscription"
            && dc2["restricted_zones"] == json!(["3"]),
        dc2.to_string(),
    )?;
    // A Location restriction in the same region still blocks, with no zones named.
    let nc6 = skus
        .iter()
        .find(|s| s["name"] == "Standard_NC6s_v3")
        .ok_or("NC6s_v3")?;
    ensure(
        nc6["available"] == false && nc6["restricted_zones"] == json!([]),
        nc6.to_string(),
    )?;
    // Elsewhere the size has no restriction at all.
    let (_, eastus) = get_json(base, &skus_path("eastus"), &cookie).await?;
    let dc2 = eastus["skus"]
        .as_array()
        .and_then(|skus| skus.iter().find(|s| s["name"] == "Standard_DC2s_v2"))
        .ok_or("DC2s_v2 in eastus")?;
    ensure(
        dc2["available"] == true && dc2["reason"].is_null() && dc2["restricted_zones"] == json!([]),
        dc2.to_string(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn available_skus_degrade_when_arm_cannot_be_read() -> TestResult {
    // Every ARM request answers 503 (the client's own retries included).
    let mut world = fast_world();
    world.faults.server_error_every_nth_request = 1;
    let dashboard = start_dashboard(world, true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;
    let (status, catalogue) = get_json(base, &skus_path("eastus"), &cookie).await?;
    ensure(
        status == StatusCode::OK
            && catalogue == json!({ "skus": [], "degraded": true, "usages": [] }),
        format!("5xx: {status} {catalogue}"),
    )?;
    // Our own validation still answers 400 before ARM is asked.
    let (status, body) = get_json(base, &skus_path("East%20US"), &cookie).await?;
    ensure(
        status == StatusCode::BAD_REQUEST && body["field"] == "region",
        format!("{status} {body}"),
    )?;
    drop(dashboard);

    // Each answer reads ARM twice (the sizes and the usages). Of every four ARM requests the last
    // two are throttled with a Retry-After longer than the client waits, so it gives up at once:
    // the first answer succeeds, the second degrades, the third succeeds.
    let mut world = fast_world();
    world.faults.throttle_burst_every = 4;
    world.faults.throttle_burst_length = 2;
    world.faults.throttle_retry_after_seconds = 600;
    let dashboard = start_dashboard(world, true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;
    let (_, first) = get_json(base, &skus_path("eastus"), &cookie).await?;
    ensure(
        first["degraded"] == false && first["usages"].as_array().is_some_and(|u| !u.is_empty()),
        format!("first read, with the region's usages: {first}"),
    )?;
    let (status, throttled) = get_json(base, &skus_path("westeurope"), &cookie).await?;
    ensure(
        status == StatusCode::OK
            && throttled == json!({ "skus": [], "degraded": true, "usages": [] }),
        format!("429: {status} {throttled}"),
    )?;
    // The degraded answer was not cached: the next call reads ARM again.
    let (_, again) = get_json(base, &skus_path("westeurope"), &cookie).await?;
    ensure(
        again["degraded"] == false && again["skus"].as_array().is_some_and(|s| s.len() >= 12),
        format!("not cached: {again}"),
    )
}
