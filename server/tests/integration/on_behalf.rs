//! Azure decides what each user may do (issue 15) over real HTTP: the dashboard signs the demo
//! users in through the sandbox's Entra-shaped provider and calls ARM with each one's own token,
//! and the sandbox's ARM applies the world's role assignments. Alice (Contributor) creates;
//! Bob (Reader) is refused by the pre-flight for a group he cannot write and by Azure itself
//! for a new group, which names his object id; Carol may write only her own group; a revoked
//! sign-in pauses a running create until its owner signs in again, and it then finishes with
//! one create sent; service mode limits each user to their app roles' subscriptions.

use super::create_faults::accepted_creates;
use super::support::tasks::start;
use super::support::{
    SUBSCRIPTION, TestResult, create_body, ensure, fast_world, get_task, http, post_create,
    post_json, sign_in, start_dashboard, start_dashboard_in_service_mode, until_ready, until_task,
};
use reqwest::StatusCode;
use serde_json::Value;
use shared::subscription_allow_list::SubscriptionAllowList;
use std::time::Duration;

/// The second subscription of the default world.
const SMALL_SUBSCRIPTION: &str = "1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const BOB_OID: &str = "b0b00000-0000-4000-8000-000000000002";

async fn subscriptions_of(base: &str, cookie: &str) -> TestResult<Vec<String>> {
    let listed: Value = http()
        .get(format!("{base}/api/subscriptions"))
        .header("cookie", cookie)
        .send()
        .await?
        .json()
        .await?;
    Ok(listed
        .as_array()
        .ok_or_else(|| format!("a list: {listed}"))?
        .iter()
        .filter_map(|s| s["subscription_id"].as_str().map(str::to_owned))
        .collect())
}

fn group_row(report: &Value) -> TestResult<Value> {
    report["checks"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["name"] == "resource_group"))
        .cloned()
        .ok_or_else(|| format!("no resource_group row: {report}").into())
}

#[tokio::test(flavor = "multi_thread")]
async fn each_user_reads_and_creates_with_their_own_azure_rights() -> TestResult {
    let dashboard = start_dashboard(fast_world(), true).await;
    let base = &dashboard.base_url;
    let (alice, bob, carol) = (
        sign_in(base, "alice").await?,
        sign_in(base, "bob").await?,
        sign_in(base, "carol").await?,
    );
    ensure(
        subscriptions_of(base, &alice).await? == [SUBSCRIPTION, SMALL_SUBSCRIPTION]
            || subscriptions_of(base, &alice).await? == [SMALL_SUBSCRIPTION, SUBSCRIPTION],
        "alice reaches both subscriptions",
    )?;
    ensure(
        subscriptions_of(base, &bob).await? == [SUBSCRIPTION],
        "bob reaches the one he reads",
    )?;

    // Bob, a Reader: the pre-flight reads his own permissions on an existing group and blocks.
    let into_platform = create_body("aks-bob", "eastus", "rg-platform");
    let (status, report) = post_json(base, "/api/aks/preflight", &bob, &into_platform).await?;
    let row = group_row(&report)?;
    ensure(
        status == StatusCode::OK
            && row["status"] == "fail"
            && row["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("Your Azure role assignments do not let you write")),
        format!("{status} {report}"),
    )?;
    let (status, refused) = post_create(base, &bob, &into_platform).await?;
    ensure(
        status == StatusCode::UNPROCESSABLE_ENTITY && refused["code"] == "preflight_failed",
        format!("{status} {refused}"),
    )?;
    // A new group cannot be checked beforehand: Azure refuses its creation, naming Bob.
    let task = start(base, &bob, &create_body("aks-bob", "eastus", "rg-bob-new")).await?;
    let failed = until_ready(base, &bob, &task, Duration::from_secs(30), |_| {}).await?;
    ensure(
        failed["status"] == "FAILURE"
            && failed["error"]["code"] == "AuthorizationFailed"
            && failed["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(BOB_OID) && m.contains("resourcegroups/write")),
        format!("{failed}"),
    )?;

    // Carol writes her own group only.
    let (status, report) = post_json(
        base,
        "/api/aks/preflight",
        &carol,
        &create_body("aks-carol", "eastus", "rg-platform"),
    )
    .await?;
    ensure(
        status == StatusCode::OK && group_row(&report)?["status"] == "fail",
        format!("carol in rg-platform: {report}"),
    )?;
    let carols = start(
        base,
        &carol,
        &create_body("aks-carol", "eastus", "rg-carol"),
    )
    .await?;
    let alices = start(
        base,
        &alice,
        &create_body("aks-alice", "eastus", "rg-alice"),
    )
    .await?;
    for (cookie, task) in [(&carol, carols), (&alice, alices)] {
        let done = until_ready(base, cookie, &task, Duration::from_secs(30), |_| {}).await?;
        ensure(done["status"] == "SUCCESS", format!("{done}"))?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_sign_in_pauses_the_create_until_its_owner_signs_in_again() -> TestResult {
    let mut world = fast_world();
    // Short-lived access tokens, so the create needs a refresh while it runs.
    world.entra.access_token_lifetime_seconds = 2;
    world.timings.create_seconds = 6.0;
    let dashboard = start_dashboard(world, true).await;
    let base = &dashboard.base_url;
    let alice = sign_in(base, "alice").await?;
    let task = start(
        base,
        &alice,
        &create_body("aks-revoked", "eastus", "rg-revoked"),
    )
    .await?;
    let revoked = http()
        .post(format!(
            "{}/sandbox/entra/users/alice/revoke-sign-in-sessions",
            dashboard.cloud.sandbox.base_url
        ))
        .send()
        .await?;
    ensure(
        revoked.status() == StatusCode::OK,
        format!("revoke: {}", revoked.status()),
    )?;
    let waiting = until_task(
        base,
        &alice,
        &task,
        Duration::from_secs(20),
        Duration::from_millis(200),
        |task| task["owner_must_sign_in"] == true,
    )
    .await?;
    ensure(
        waiting["status"] != "FAILURE"
            && waiting["progress"]["message"].as_str().is_some_and(|m| {
                m.starts_with("Waiting for Alice Example to sign in again")
                    && m.contains("AADSTS50173")
            }),
        format!("{waiting}"),
    )?;
    // It keeps waiting: nothing fails while the owner is away.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (_, still) = get_task(base, &alice, &task).await?;
    ensure(
        still["ready"] == false && still["owner_must_sign_in"] == true,
        format!("{still}"),
    )?;

    let again = sign_in(base, "alice").await?;
    let done = until_ready(base, &again, &task, Duration::from_secs(40), |_| {}).await?;
    ensure(
        done["status"] == "SUCCESS" && done.get("owner_must_sign_in").is_none(),
        format!("{done}"),
    )?;
    ensure(
        accepted_creates(
            &dashboard.cloud.sandbox.base_url,
            "rg-revoked",
            "aks-revoked",
        )
        .await?
            == 1,
        "one create was sent",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn service_mode_limits_each_user_to_their_app_roles_subscriptions() -> TestResult {
    let allowed = SubscriptionAllowList::parse(&format!(
        "*={SUBSCRIPTION};Dashboard.Admin={SMALL_SUBSCRIPTION}"
    ))?;
    let dashboard = start_dashboard_in_service_mode(fast_world(), allowed).await;
    let base = &dashboard.base_url;
    let (alice, dana) = (sign_in(base, "alice").await?, sign_in(base, "dana").await?);
    ensure(
        subscriptions_of(base, &alice).await? == [SUBSCRIPTION],
        "alice: the subscription every user may use",
    )?;
    ensure(
        subscriptions_of(base, &dana).await?.len() == 2,
        "dana: her role's subscription too",
    )?;
    let regions = http()
        .get(format!(
            "{base}/api/aks/regions?subscription_id={SMALL_SUBSCRIPTION}"
        ))
        .header("cookie", &alice)
        .send()
        .await?;
    ensure(
        regions.status() == StatusCode::FORBIDDEN,
        format!(
            "regions of another role's subscription: {}",
            regions.status()
        ),
    )?;
    let mut elsewhere = create_body("aks-elsewhere", "eastus", "rg-elsewhere");
    elsewhere["subscription_id"] = SMALL_SUBSCRIPTION.into();
    let (status, refused) = post_create(base, &alice, &elsewhere).await?;
    ensure(
        status == StatusCode::FORBIDDEN
            && refused["message"]
                .as_str()
                .is_some_and(|m| m.contains("SERVICE_SUBSCRIPTIONS")),
        format!("{status} {refused}"),
    )?;
    // With the dashboard's own identity, Azure cannot tell users apart: Bob, a Reader in RBAC,
    // creates in the subscription the list gives everyone.
    let bob = sign_in(base, "bob").await?;
    let task = start(
        base,
        &bob,
        &create_body("aks-bob-service", "eastus", "rg-bob"),
    )
    .await?;
    let done = until_ready(base, &bob, &task, Duration::from_secs(30), |_| {}).await?;
    ensure(done["status"] == "SUCCESS", format!("{done}"))
}
