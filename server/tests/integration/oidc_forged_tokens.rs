//! The relying party against a hostile provider (`support::hostile_provider`) that answers the
//! code exchange with crafted ID tokens: each forgery is refused with a clear page and no
//! session (the browser's cookie signs nobody in afterwards). A well-formed token signs in, so
//! every refusal is the forgery's doing; the token request shows PKCE S256 and the client secret
//! were sent.

use super::support::browser::Browser;
use super::support::hostile_provider::{
    OTHER_JWK, OTHER_KEY, SIGNING_KEY, SIGNING_KID, claims, hmac_signed, jwk, signed, unsigned,
};
use super::support::hostile_sign_in::{
    CLIENT_ID, CLIENT_SECRET, OID, TENANT, begin, callback, good_claims, setup, sign_in_with,
};
use super::support::sign_in_flow::{refused, signed_in_as};
use super::support::{TestResult, ensure};
use base64::Engine as _;
use reqwest::StatusCode;
use serde_json::json;
use server::secret::Secret;
use sha2::Digest as _;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn a_well_formed_token_signs_in_after_pkce_s256_and_the_client_secret() -> TestResult {
    let setup = setup(false, Duration::from_secs(30)).await;
    let base = setup.dashboard.base_url.clone();
    let mut browser = Browser::new();
    let sent = begin(&mut browser, &base).await?;
    ensure(sent.get("code_challenge_method") == "S256", "PKCE S256")?;
    ensure(
        sent.get("scope").split(' ').collect::<Vec<_>>()
            == [
                "openid",
                "profile",
                "offline_access",
                "https://management.azure.com/user_impersonation",
            ],
        format!("scopes {}", sent.get("scope")),
    )?;
    ensure(
        sent.get("redirect_uri") == format!("{base}/auth/callback"),
        sent.get("redirect_uri").to_owned(),
    )?;
    let pre_login = browser.session_cookie().ok_or("a pre-login session")?;
    setup.provider.answer_with(signed(
        &good_claims(&setup, sent.get("nonce")),
        SIGNING_KEY,
        SIGNING_KID,
    ));
    let answer = callback(&mut browser, &base, sent.get("state")).await?;
    ensure(
        answer.status == StatusCode::SEE_OTHER
            && answer.location.as_ref().map(|l| l.path()) == Some("/clusters"),
        format!("{} {:?} {}", answer.status, answer.location, answer.body),
    )?;
    let session_cookie = answer
        .set_cookies
        .iter()
        .find(|c| c.starts_with(server::session::SESSION_COOKIE))
        .ok_or("the signed-in session's cookie")?;
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        ensure(
            session_cookie.contains(attribute),
            format!("{attribute} in azure mode: {session_cookie}"),
        )?;
    }
    let caller = signed_in_as(&browser, &base).await?.ok_or("signed in")?;
    ensure(
        caller.tenant_id == TENANT && caller.object_id == OID && caller.is_admin(),
        format!("{caller:?}"),
    )?;
    ensure(
        browser.session_cookie() != Some(pre_login),
        "the session id changed at sign-in (no fixation)",
    )?;
    let request = setup
        .provider
        .token_requests()
        .pop()
        .ok_or("a token request")?;
    let verifier = request.form.get("code_verifier").ok_or("code_verifier")?;
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    ensure(
        challenge == sent.get("code_challenge"),
        "the verifier matches the S256 challenge",
    )?;
    ensure(
        request.form.get("code").map(String::as_str) == Some("the-code")
            && request
                .authorization
                .as_deref()
                .is_some_and(|a| a.starts_with("Basic ")),
        format!("code and client_secret_basic: {request:?}"),
    )?;
    let kept = setup.dashboard.vault.refresh_token(&caller).await?;
    ensure(
        kept.as_ref().map(Secret::expose) == Some("hostile-refresh-token"),
        "the refresh token is in the vault",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_id_tokens_are_refused_and_make_no_session() -> TestResult {
    let setup = setup(false, Duration::from_secs(30)).await;
    let base = setup.dashboard.base_url.clone();
    let issuer = setup.provider.issuer_of(TENANT);
    type Forgery = Box<dyn FnOnce(&str) -> String>;
    let cases: Vec<(&str, Forgery)> = vec![
        ("a nonce that is not the pending one", {
            let issuer = issuer.clone();
            Box::new(move |_nonce: &str| {
                signed(
                    &claims(&issuer, CLIENT_ID, TENANT, OID, "another-sign-in", 3600),
                    SIGNING_KEY,
                    SIGNING_KID,
                )
            })
        }),
        ("signed with another key under the published kid", {
            let issuer = issuer.clone();
            Box::new(move |nonce: &str| {
                signed(
                    &claims(&issuer, CLIENT_ID, TENANT, OID, nonce, 3600),
                    OTHER_KEY,
                    SIGNING_KID,
                )
            })
        }),
        ("signed with a key never published", {
            let issuer = issuer.clone();
            Box::new(move |nonce: &str| {
                signed(
                    &claims(&issuer, CLIENT_ID, TENANT, OID, nonce, 3600),
                    OTHER_KEY,
                    "unpublished",
                )
            })
        }),
        ("alg none", {
            let issuer = issuer.clone();
            Box::new(move |nonce: &str| {
                unsigned(&claims(&issuer, CLIENT_ID, TENANT, OID, nonce, 3600))
            })
        }),
        ("HS256 with the client secret", {
            let issuer = issuer.clone();
            Box::new(move |nonce: &str| {
                hmac_signed(
                    &claims(&issuer, CLIENT_ID, TENANT, OID, nonce, 3600),
                    CLIENT_SECRET,
                )
            })
        }),
        ("another audience", {
            let issuer = issuer.clone();
            Box::new(move |nonce: &str| {
                signed(
                    &claims(&issuer, "another-app", TENANT, OID, nonce, 3600),
                    SIGNING_KEY,
                    SIGNING_KID,
                )
            })
        }),
        ("our audience and another", {
            let issuer = issuer.clone();
            Box::new(move |nonce: &str| {
                let mut forged = claims(&issuer, CLIENT_ID, TENANT, OID, nonce, 3600);
                forged["aud"] = json!([CLIENT_ID, "another-app"]);
                signed(&forged, SIGNING_KEY, SIGNING_KID)
            })
        }),
        ("another issuer", {
            let other = format!("https://login.example/{TENANT}/v2.0");
            Box::new(move |nonce: &str| {
                signed(
                    &claims(&other, CLIENT_ID, TENANT, OID, nonce, 3600),
                    SIGNING_KEY,
                    SIGNING_KID,
                )
            })
        }),
        ("expired two minutes ago (beyond the 60 s leeway)", {
            let issuer = issuer.clone();
            Box::new(move |nonce: &str| {
                signed(
                    &claims(&issuer, CLIENT_ID, TENANT, OID, nonce, -120),
                    SIGNING_KEY,
                    SIGNING_KID,
                )
            })
        }),
        ("no oid", {
            let issuer = issuer.clone();
            Box::new(move |nonce: &str| {
                let mut forged = claims(&issuer, CLIENT_ID, TENANT, OID, nonce, 3600);
                forged.as_object_mut().map(|c| c.remove("oid"));
                signed(&forged, SIGNING_KEY, SIGNING_KID)
            })
        }),
        ("not a JWT", Box::new(|_nonce: &str| "not-a-jwt".to_owned())),
    ];
    for (case, forge) in cases {
        let mut browser = Browser::new();
        let answer = sign_in_with(&setup, &mut browser, forge).await?;
        refused(
            &answer,
            StatusCode::BAD_REQUEST,
            "could not be verified",
            &browser,
            &base,
        )
        .await
        .map_err(|error| format!("{case}: {error}"))?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_expiry_leeway_is_sixty_seconds() -> TestResult {
    let setup = setup(false, Duration::from_secs(30)).await;
    let base = setup.dashboard.base_url.clone();
    let issuer = setup.provider.issuer_of(TENANT);
    let mut browser = Browser::new();
    let answer = sign_in_with(&setup, &mut browser, |nonce| {
        signed(
            &claims(&issuer, CLIENT_ID, TENANT, OID, nonce, -30),
            SIGNING_KEY,
            SIGNING_KID,
        )
    })
    .await?;
    ensure(answer.status == StatusCode::SEE_OTHER, answer.body)?;
    ensure(
        signed_in_as(&browser, &base).await?.is_some(),
        "expired 30 s ago is within the leeway",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_multi_tenant_issuer_is_the_template_with_the_tokens_tenant() -> TestResult {
    let setup = setup(true, Duration::from_secs(30)).await;
    let base = setup.dashboard.base_url.clone();
    let provider_issuer = |tid: &str| setup.provider.issuer_of(tid);
    let mut outsider = Browser::new();
    let other_tenant = "e7e7e7e7-0000-4000-8000-0000000e7e7e";
    let own_issuer = provider_issuer(other_tenant);
    let answer = sign_in_with(&setup, &mut outsider, |nonce| {
        signed(
            &claims(&own_issuer, CLIENT_ID, other_tenant, OID, nonce, 3600),
            SIGNING_KEY,
            SIGNING_KID,
        )
    })
    .await?;
    refused(
        &answer,
        StatusCode::FORBIDDEN,
        "is not allowed to use this dashboard",
        &outsider,
        &base,
    )
    .await?;
    let mut mixed = Browser::new();
    let wrong_issuer = provider_issuer(other_tenant);
    let answer = sign_in_with(&setup, &mut mixed, |nonce| {
        signed(
            &claims(&wrong_issuer, CLIENT_ID, TENANT, OID, nonce, 3600),
            SIGNING_KEY,
            SIGNING_KID,
        )
    })
    .await?;
    refused(
        &answer,
        StatusCode::BAD_REQUEST,
        "could not be verified",
        &mixed,
        &base,
    )
    .await
    .map_err(|error| format!("an issuer of another tenant than tid: {error}"))?;
    let mut member = Browser::new();
    let issuer = provider_issuer(TENANT);
    let answer = sign_in_with(&setup, &mut member, |nonce| {
        signed(
            &claims(&issuer, CLIENT_ID, TENANT, OID, nonce, 3600),
            SIGNING_KEY,
            SIGNING_KID,
        )
    })
    .await?;
    ensure(answer.status == StatusCode::SEE_OTHER, answer.body)?;
    ensure(
        signed_in_as(&member, &base).await?.is_some(),
        "the allowed tenant signs in",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_key_id_rereads_the_keys_at_most_once_per_interval() -> TestResult {
    let rotating = setup(false, Duration::ZERO).await;
    let issuer = rotating.provider.issuer_of(TENANT);
    let mut first = Browser::new();
    sign_in_with(&rotating, &mut first, |nonce| {
        signed(
            &claims(&issuer, CLIENT_ID, TENANT, OID, nonce, 3600),
            SIGNING_KEY,
            SIGNING_KID,
        )
    })
    .await?;
    ensure(
        rotating.provider.key_reads() == 1,
        "keys read once, then cached",
    )?;
    rotating.provider.publish(jwk(OTHER_JWK, "rotated-key"));
    let mut second = Browser::new();
    let answer = sign_in_with(&rotating, &mut second, |nonce| {
        signed(
            &claims(&issuer, CLIENT_ID, TENANT, OID, nonce, 3600),
            OTHER_KEY,
            "rotated-key",
        )
    })
    .await?;
    ensure(answer.status == StatusCode::SEE_OTHER, answer.body)?;
    ensure(
        signed_in_as(&second, &rotating.dashboard.base_url)
            .await?
            .is_some()
            && rotating.provider.key_reads() == 2,
        "a token of the rotated key signs in after one re-read",
    )?;

    let patient = setup(false, Duration::from_secs(3600)).await;
    let issuer = patient.provider.issuer_of(TENANT);
    for _ in 0..3 {
        let mut browser = Browser::new();
        let answer = sign_in_with(&patient, &mut browser, |nonce| {
            signed(
                &claims(&issuer, CLIENT_ID, TENANT, OID, nonce, 3600),
                OTHER_KEY,
                "unknown-kid",
            )
        })
        .await?;
        refused(
            &answer,
            StatusCode::BAD_REQUEST,
            "could not be verified",
            &browser,
            &patient.dashboard.base_url,
        )
        .await?;
    }
    ensure(
        patient.provider.key_reads() == 1,
        format!(
            "unknown kids within the interval cause no re-read ({} reads)",
            patient.provider.key_reads()
        ),
    )
}
