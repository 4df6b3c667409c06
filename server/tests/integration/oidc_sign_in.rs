//! Sign-in against a certified OpenID provider nobody here wrote (the npm `oidc-provider`,
//! `support::oidc_provider`), driven over real HTTP by a scripted browser: the whole code flow
//! with PKCE, Entra's claims becoming the caller (roles included), the tokens kept in the vault,
//! sign-out ending the server-side session for every copy of the cookie and sending the browser
//! to the provider's end-session endpoint; and the refusals the provider itself produces
//! (replayed callback, reused code, wrong state, a tenant not allowed, the provider's own error),
//! none of which makes a session, and the same-origin rule for the return URL.

use super::support::browser::Browser;
use super::support::oidc_provider::{self, CLIENT_ID, CLIENT_SECRET, NodeProvider, TENANT};
use super::support::sign_in_flow::{caller_of_cookie, refused, signed_in_as};
use super::support::{TestDashboard, TestResult, ensure, fast_world, start_dashboard_signing_in};
use reqwest::StatusCode;
use server::oidc::settings::parse_scopes;
use server::oidc::{ClientCredential, OidcSettings};
use server::secret::Secret;
use shared::return_to::encode_query_value;
use url::Url;

/// The provider, and an azure-mode dashboard that signs in with it.
///
/// The provider's port is reserved and released before the dashboard that trusts it starts,
/// and node takes it only after: the dashboard's own listeners (bound to port 0) or another
/// test's can take it in between (seen once in CI: `EADDRINUSE`). That race is tried again on
/// another port; a provider that cannot start at all fails every try.
async fn setup() -> TestResult<(NodeProvider, TestDashboard)> {
    let mut failed = None;
    for _ in 0..PROVIDER_TRIES {
        match provider_and_dashboard().await {
            Ok(pair) => return Ok(pair),
            Err(error) => failed = Some(error),
        }
    }
    Err(failed.unwrap_or_else(|| "no try was made".into()))
}

/// How often [`setup`] tries.
const PROVIDER_TRIES: usize = 3;

/// One try of [`setup`].
async fn provider_and_dashboard() -> TestResult<(NodeProvider, TestDashboard)> {
    let address = oidc_provider::reserve_address()?;
    let issuer = Url::parse(&format!("http://{address}"))?;
    let dashboard = start_dashboard_signing_in(
        fast_world(),
        false,
        server::config::Limits::default(),
        |base| {
            OidcSettings::new(
                issuer,
                CLIENT_ID,
                ClientCredential::Secret(Secret::new(CLIENT_SECRET)),
                Url::parse(base).expect("base"),
                vec![TENANT.to_owned()],
                parse_scopes("openid profile offline_access"),
            )
            .ok()
        },
    )
    .await;
    let provider = oidc_provider::start(&address, &dashboard.base_url).await?;
    Ok((provider, dashboard))
}

/// Runs a sign-in as `user` in `browser` up to the provider's redirect back to the dashboard,
/// and answers that callback URL without visiting it.
async fn to_callback(
    browser: &mut Browser,
    base: &str,
    user: &str,
    return_to: &str,
) -> TestResult<Url> {
    let start = format!(
        "{base}/auth/sign-in?return_to={}&login_hint={user}",
        encode_query_value(return_to)
    );
    let back = format!("{base}/auth/callback");
    browser
        .follow_until(&start, |url| url.as_str().starts_with(&back))
        .await
}

/// `url` with its query parameter `name` set to `value`.
fn with_param(url: &Url, name: &str, value: &str) -> Url {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            if k == name {
                (k, value.to_owned())
            } else {
                (k, v)
            }
        })
        .collect();
    let mut changed = url.clone();
    changed.query_pairs_mut().clear().extend_pairs(pairs);
    changed
}

#[tokio::test(flavor = "multi_thread")]
async fn alice_signs_in_and_signing_out_ends_the_session_for_every_copy_of_the_cookie() -> TestResult
{
    let (provider, dashboard) = setup().await?;
    let base = &dashboard.base_url;
    let mut browser = Browser::new();
    let callback = to_callback(&mut browser, base, "alice", "/clusters?view=all").await?;
    ensure(
        callback.query_pairs().any(|(k, _)| k == "code"),
        callback.to_string(),
    )?;
    let landed = browser.get(callback.as_str()).await?;
    ensure(
        landed.location.as_ref().map(Url::as_str) == Some(&format!("{base}/clusters?view=all")),
        format!("{} {:?} {}", landed.status, landed.location, landed.body),
    )?;
    let alice = signed_in_as(&browser, base).await?.ok_or("signed in")?;
    ensure(
        alice.tenant_id == TENANT
            && alice.object_id == "a11ce000-0000-4000-8000-000000000001"
            && alice.display_name == "Alice Example"
            && alice.roles.is_empty(),
        format!("{alice:?}"),
    )?;
    ensure(
        dashboard.vault.refresh_token(&alice).await?.is_some(),
        "the refresh token is kept in the vault",
    )?;
    let copied = browser.session_cookie().ok_or("cookie")?;

    let signed_out = browser.post(&format!("{base}/auth/sign-out")).await?;
    let end_session = signed_out.location.ok_or("a redirect")?;
    ensure(
        end_session
            .as_str()
            .starts_with(&format!("{}/session/end?", provider.issuer)),
        end_session.to_string(),
    )?;
    let query: std::collections::HashMap<_, _> = end_session.query_pairs().into_owned().collect();
    ensure(
        query.get("post_logout_redirect_uri") == Some(&format!("{base}/sign-in"))
            && query.get("client_id").map(String::as_str) == Some(CLIENT_ID)
            && query
                .get("id_token_hint")
                .is_some_and(|hint| hint.split('.').count() == 3),
        format!("{query:?}"),
    )?;
    ensure(
        caller_of_cookie(base, &copied).await?.is_none(),
        "a copy of the cookie is dead after sign-out",
    )?;
    ensure(
        dashboard.vault.refresh_token(&alice).await?.is_some(),
        "sign-out keeps the vault entry for running jobs",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn app_roles_arrive_from_the_id_token() -> TestResult {
    let (_provider, dashboard) = setup().await?;
    let base = &dashboard.base_url;
    let mut browser = Browser::new();
    let callback = to_callback(&mut browser, base, "dana", "/").await?;
    browser.get(callback.as_str()).await?;
    let dana = signed_in_as(&browser, base).await?.ok_or("signed in")?;
    ensure(
        dana.is_admin() && dana.display_name == "Dana Admin",
        format!("{dana:?}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tenant_not_allowed_gets_a_403_page_and_no_session() -> TestResult {
    let (_provider, dashboard) = setup().await?;
    let base = &dashboard.base_url;
    let mut browser = Browser::new();
    let callback = to_callback(&mut browser, base, "mallory", "/").await?;
    let answer = browser.get(callback.as_str()).await?;
    refused(
        &answer,
        StatusCode::FORBIDDEN,
        "(tenant e7e7e7e7-0000-4000-8000-0000000e7e7e) is not allowed to use this dashboard",
        &browser,
        base,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replayed_callback_and_a_reused_code_are_refused_without_a_session() -> TestResult {
    let (_provider, dashboard) = setup().await?;
    let base = &dashboard.base_url;
    let mut alice = Browser::new();
    let used = to_callback(&mut alice, base, "alice", "/").await?;
    alice.get(used.as_str()).await?;
    ensure(
        signed_in_as(&alice, base).await?.is_some(),
        "alice signed in",
    )?;

    // Another browser replays alice's callback (a leaked URL): its state is nobody's there.
    let mut thief = Browser::new();
    let answer = thief.get(used.as_str()).await?;
    refused(
        &answer,
        StatusCode::BAD_REQUEST,
        "not valid in this browser",
        &thief,
        base,
    )
    .await?;
    // The same browser replays it: the pending sign-in was used up.
    let mut again = alice.clone();
    again.cookies.remove(server::session::SESSION_COOKIE);
    let answer = alice.get(used.as_str()).await?;
    ensure(answer.status == StatusCode::BAD_REQUEST, answer.body)?;

    // The used code with a fresh, valid state: the provider refuses the code a second time.
    let mut second = Browser::new();
    let fresh = to_callback(&mut second, base, "alice", "/").await?;
    let used_code = used
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .ok_or("code")?;
    let answer = second
        .get(with_param(&fresh, "code", &used_code).as_str())
        .await?;
    refused(
        &answer,
        StatusCode::BAD_REQUEST,
        "could not be verified",
        &second,
        base,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_state_or_issuer_is_refused_and_a_real_callback_signs_in() -> TestResult {
    let (_provider, dashboard) = setup().await?;
    let base = &dashboard.base_url;
    let mut browser = Browser::new();
    let callback = to_callback(&mut browser, base, "alice", "/").await?;
    let forged = with_param(&callback, "state", "forged-state");
    let answer = browser.get(forged.as_str()).await?;
    refused(
        &answer,
        StatusCode::BAD_REQUEST,
        "not valid in this browser",
        &browser,
        base,
    )
    .await?;
    // RFC 9207: the response names its issuer; another one is a mix-up, refused (which uses up
    // the pending sign-in, so the browser starts again).
    ensure(
        callback.query_pairs().any(|(k, _)| k == "iss"),
        "oidc-provider names its issuer",
    )?;
    let mixed_up = with_param(&callback, "iss", "https://login.example/other/v2.0");
    let answer = browser.get(mixed_up.as_str()).await?;
    refused(
        &answer,
        StatusCode::BAD_REQUEST,
        "could not be verified",
        &browser,
        base,
    )
    .await?;
    let callback = to_callback(&mut browser, base, "alice", "/").await?;
    let answer = browser.get(callback.as_str()).await?;
    ensure(answer.status == StatusCode::SEE_OTHER, answer.body)?;
    ensure(signed_in_as(&browser, base).await?.is_some(), "signed in")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_providers_errors_are_told_in_our_words_without_a_session() -> TestResult {
    let (_provider, dashboard) = setup().await?;
    let base = &dashboard.base_url;
    let mut browser = Browser::new();
    let callback = to_callback(&mut browser, base, "nobody", "/").await?;
    ensure(
        callback
            .query_pairs()
            .any(|(k, v)| k == "error" && v == "access_denied"),
        callback.to_string(),
    )?;
    let answer = browser.get(callback.as_str()).await?;
    refused(
        &answer,
        StatusCode::BAD_REQUEST,
        "The sign-in was cancelled",
        &browser,
        base,
    )
    .await?;

    let forged = format!(
        "{base}/auth/callback?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E&error_description=%3Cb%3ECall%20us%3C%2Fb%3E"
    );
    let answer = browser.get(&forged).await?;
    refused(
        &answer,
        StatusCode::BAD_REQUEST,
        "error scriptalert1script",
        &browser,
        base,
    )
    .await?;
    ensure(
        !answer.body.contains("<script") && !answer.body.contains("Call us"),
        "the provider's (or a forger's) text is not rendered",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn absolute_and_protocol_relative_return_urls_go_home() -> TestResult {
    let (_provider, dashboard) = setup().await?;
    let base = &dashboard.base_url;
    for return_to in [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
    ] {
        let mut browser = Browser::new();
        let callback = to_callback(&mut browser, base, "alice", return_to).await?;
        let answer = browser.get(callback.as_str()).await?;
        ensure(
            answer.location.as_ref().map(Url::as_str) == Some(&format!("{base}/")),
            format!("{return_to}: {:?}", answer.location),
        )?;
        ensure(signed_in_as(&browser, base).await?.is_some(), "signed in")?;
    }
    Ok(())
}
