//! Who is calling: the session guard, demo sign-in and sign-out, over real HTTP against the
//! whole dashboard router and a sandbox cloud.

mod support;

use libtest_mimic::{Arguments, Failed};
use reqwest::StatusCode;
use reqwest::header::{LOCATION, SET_COOKIE};
use std::sync::Arc;
use support::{TestContext, ensure, fast_world, trial};

fn main() -> std::process::ExitCode {
    let context = support::start();
    let tests = vec![
        trial(
            &context,
            "no_session_pages_redirect_and_api_answers_401",
            no_session_pages_redirect_and_api_answers_401,
        ),
        trial(
            &context,
            "demo_sign_in_sets_a_signed_http_only_lax_cookie",
            demo_sign_in_sets_a_signed_http_only_lax_cookie,
        ),
        trial(
            &context,
            "cross_site_writes_are_refused",
            cross_site_writes_are_refused,
        ),
        trial(
            &context,
            "demo_sign_in_exists_only_in_sandbox_mode",
            demo_sign_in_exists_only_in_sandbox_mode,
        ),
    ];
    libtest_mimic::run(&Arguments::from_args(), tests).exit_code()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Signs in as `user` and returns the `name=value` cookie pair to send back.
async fn sign_in(base_url: &str, user: &str) -> Result<String, Failed> {
    let response = http()
        .post(format!("{base_url}/auth/dev/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("user={}", user))
        .send()
        .await?;
    ensure(
        response.status() == StatusCode::SEE_OTHER,
        format!("sign-in answers {}", response.status()),
    )?;
    let set_cookie = response
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .ok_or("Set-Cookie")?;
    Ok(set_cookie.split(';').next().unwrap_or_default().to_owned())
}

async fn no_session_pages_redirect_and_api_answers_401(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    let dashboard = context.dashboard(fast_world(), true).await;
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
    let html = sign_in_page.text().await?;
    ensure(
        html.contains("Continue as Alice Example") && html.contains("Continue as Bob Example"),
        "demo users offered",
    )
}

async fn demo_sign_in_sets_a_signed_http_only_lax_cookie(
    context: Arc<TestContext>,
) -> Result<(), Failed> {
    let dashboard = context.dashboard(fast_world(), true).await;
    let base = &dashboard.base_url;
    let response = http()
        .post(format!("{base}/auth/dev/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("user={}", "alice"))
        .send()
        .await?;
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
        !set_cookie.contains("Alice Example\""),
        "the value is signed, not plain JSON",
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
    let html = page.text().await?;
    ensure(
        html.contains("Alice Example") && html.contains("aks-platform"),
        "the dashboard renders for Alice",
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

    let unknown = http()
        .post(format!("{base}/auth/dev/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("user={}", "mallory"))
        .send()
        .await?;
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
    ensure(
        out.headers().get(LOCATION).is_some_and(|l| l == "/sign-in"),
        "sign-out sends to /sign-in",
    )?;
    let cleared = out
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    ensure(
        cleared.contains("Max-Age=0"),
        format!("cookie cleared: {cleared}"),
    )
}

async fn cross_site_writes_are_refused(context: Arc<TestContext>) -> Result<(), Failed> {
    let dashboard = context.dashboard(fast_world(), true).await;
    let base = &dashboard.base_url;
    let cookie = sign_in(base, "alice").await?;
    let forged = http()
        .post(format!("{base}/auth/dev/sign-in"))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("user={}", "alice"))
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

async fn demo_sign_in_exists_only_in_sandbox_mode(context: Arc<TestContext>) -> Result<(), Failed> {
    let dashboard = context.dashboard(fast_world(), false).await;
    let base = &dashboard.base_url;
    let response = http()
        .post(format!("{base}/auth/dev/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("user={}", "alice"))
        .send()
        .await?;
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
        html.contains("not configured"),
        "the page says sign-in is not available here",
    )
}
