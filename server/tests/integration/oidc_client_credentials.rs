//! How the dashboard proves it is the registered client at the token endpoint (checked at a
//! provider written in the tests, which records each token request): the client secret by HTTP
//! Basic, or in the body when discovery offers only `client_secret_post`; and the federated
//! client assertion of AKS workload identity, read from its file for every request (the kubelet
//! rotates it), with no secret sent. An unreadable assertion file refuses the sign-in.

use super::support::browser::Browser;
use super::support::hostile_provider::{SIGNING_KEY, SIGNING_KID, signed};
use super::support::hostile_sign_in::{
    CLIENT_ID, CLIENT_SECRET, good_claims, setup, setup_with, sign_in_with,
};
use super::support::sign_in_flow::{refused, signed_in_as};
use super::support::{TestResult, ensure};
use reqwest::StatusCode;
use server::oidc::ClientCredential;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn the_secret_goes_in_the_body_when_discovery_offers_only_client_secret_post() -> TestResult {
    let setup = setup(false, Duration::from_secs(30)).await;
    setup.provider.accept_auth_methods(&["client_secret_post"]);
    let mut browser = Browser::new();
    sign_in_with(&setup, &mut browser, |nonce| {
        signed(&good_claims(&setup, nonce), SIGNING_KEY, SIGNING_KID)
    })
    .await?;
    ensure(
        signed_in_as(&browser, &setup.dashboard.base_url)
            .await?
            .is_some(),
        "signed in",
    )?;
    let request = setup
        .provider
        .token_requests()
        .pop()
        .ok_or("a token request")?;
    ensure(
        request.authorization.is_none()
            && request.form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
            && request.form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET),
        format!("client_secret_post: {request:?}"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_federated_token_file_is_the_client_assertion_read_for_every_request() -> TestResult {
    let directory = tempfile::tempdir()?;
    let file = directory.path().join("azure-identity-token");
    std::fs::write(&file, "assertion-one\n")?;
    let setup = setup_with(
        false,
        Duration::from_secs(30),
        ClientCredential::FederatedTokenFile(file.clone()),
    )
    .await;
    let base = setup.dashboard.base_url.clone();
    for expected in ["assertion-one", "assertion-two"] {
        let mut browser = Browser::new();
        sign_in_with(&setup, &mut browser, |nonce| {
            signed(&good_claims(&setup, nonce), SIGNING_KEY, SIGNING_KID)
        })
        .await?;
        ensure(signed_in_as(&browser, &base).await?.is_some(), "signed in")?;
        let request = setup
            .provider
            .token_requests()
            .pop()
            .ok_or("a token request")?;
        let field = |name: &str| request.form.get(name).map(String::as_str);
        ensure(
            field("client_assertion_type")
                == Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                && field("client_assertion") == Some(expected)
                && field("client_id") == Some(CLIENT_ID)
                && field("client_secret").is_none()
                && request.authorization.is_none(),
            format!("{expected}: {request:?}"),
        )?;
        // The kubelet rotates the file; the next request reads the new one.
        std::fs::write(&file, "assertion-two")?;
    }
    std::fs::remove_file(&file)?;
    let mut browser = Browser::new();
    let answer = sign_in_with(&setup, &mut browser, |nonce| {
        signed(&good_claims(&setup, nonce), SIGNING_KEY, SIGNING_KID)
    })
    .await?;
    refused(
        &answer,
        StatusCode::BAD_GATEWAY,
        "cannot be reached right now",
        &browser,
        &base,
    )
    .await
}
