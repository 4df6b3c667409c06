//! The sign-in flow as a relying party meets it: discovery, the page, code + PKCE, the token
//! response and what the tokens say, refresh, silent sign-in, and end session.

use super::support::*;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn discovery_describes_the_provider_as_entra_does() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let base = &cloud.sandbox.base_url;
    let document = cloud
        .get(&format!("/{TENANT}/v2.0/.well-known/openid-configuration"))
        .await;
    assert_eq!(document.status, StatusCode::OK);
    let document = document.json();
    let issuer = format!("{base}/{TENANT}/v2.0");
    assert_eq!(document["issuer"], issuer.as_str());
    assert_eq!(cloud.sandbox.entra_settings().issuer, issuer);
    assert_eq!(
        cloud.sandbox.entra_settings().client_id.as_deref(),
        Some(CLIENT_ID)
    );
    for (field, path) in [
        ("authorization_endpoint", "oauth2/v2.0/authorize"),
        ("token_endpoint", "oauth2/v2.0/token"),
        ("jwks_uri", "discovery/v2.0/keys"),
        ("end_session_endpoint", "oauth2/v2.0/logout"),
    ] {
        assert_eq!(
            document[field],
            format!("{base}/{TENANT}/{path}").as_str(),
            "{field}"
        );
    }
    assert_eq!(
        document["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS256"])
    );
    let methods = document["token_endpoint_auth_methods_supported"].to_string();
    for method in [
        "client_secret_post",
        "client_secret_basic",
        "private_key_jwt",
    ] {
        assert!(methods.contains(method), "{method}");
    }
    assert_eq!(
        document["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );

    let unknown = cloud
        .get("/contoso.example/v2.0/.well-known/openid-configuration")
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.json()["error_codes"], serde_json::json!([90002]));
    Ok(())
}

/// Verifies `jwt` against the provider's published keys (as a relying party would).
async fn verified(cloud: &Cloud, jwt: &str, audience: &str) -> Value {
    let keys = cloud
        .get(&format!("/{TENANT}/discovery/v2.0/keys"))
        .await
        .json();
    let kid = header(jwt)["kid"].as_str().unwrap_or_default().to_owned();
    let key = keys["keys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["kid"] == kid.as_str()))
        .expect("the token's key is published");
    assert_eq!(
        (key["kty"].as_str(), key["use"].as_str()),
        (Some("RSA"), Some("sig"))
    );
    let decoding = DecodingKey::from_rsa_components(
        key["n"].as_str().unwrap_or_default(),
        key["e"].as_str().unwrap_or_default(),
    )
    .expect("an RSA key");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[audience]);
    jsonwebtoken::decode::<Value>(jwt, &decoding, &validation)
        .expect("a valid signature")
        .claims
}

#[tokio::test]
async fn alice_signs_in_with_code_and_pkce_and_gets_entras_tokens() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let tokens = cloud.sign_in("alice").await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(
        tokens["scope"],
        "https://management.azure.com/user_impersonation"
    );
    assert_eq!(tokens["expires_in"], 3600);
    assert_eq!(tokens["ext_expires_in"], 3600);
    assert!(tokens["refresh_token"].is_string());

    let id_token = tokens["id_token"].as_str().unwrap_or_default();
    assert_eq!(header(id_token)["alg"], "RS256");
    let id = verified(&cloud, id_token, CLIENT_ID).await;
    assert_eq!(
        id["iss"],
        format!("{}/{TENANT}/v2.0", cloud.sandbox.base_url).as_str()
    );
    assert_eq!(id["nonce"], "nonce-1");
    assert_eq!(id["oid"], "a11ce000-0000-4000-8000-000000000001");
    assert_eq!(id["tid"], TENANT);
    assert_eq!(id["name"], "Alice Example");
    assert_eq!(id["preferred_username"], "alice@contoso.example");
    assert_eq!(id["ver"], "2.0");
    assert!(id.get("roles").is_none(), "Alice holds no app role");
    assert_ne!(id["sub"], id["oid"], "sub is pairwise");
    assert_eq!(
        id["exp"].as_i64().unwrap_or(0) - id["iat"].as_i64().unwrap_or(0),
        3600
    );

    let access_token = tokens["access_token"].as_str().unwrap_or_default();
    let access = verified(&cloud, access_token, "https://management.azure.com/").await;
    assert_eq!(
        access["iss"],
        format!("https://sts.windows.net/{TENANT}/").as_str()
    );
    assert_eq!(access["scp"], "user_impersonation");
    assert_eq!(access["upn"], "alice@contoso.example");
    assert_eq!(access["appid"], CLIENT_ID);
    assert_eq!(access["ver"], "1.0");

    assert_eq!(
        cloud.sandbox.arm_requests(),
        0,
        "sign-ins are not ARM requests (no ARM fault or count touches them)"
    );
    let dana = claims(
        cloud.sign_in("dana").await["id_token"]
            .as_str()
            .unwrap_or_default(),
    );
    assert_eq!(dana["roles"], serde_json::json!(["Dashboard.Admin"]));
    Ok(())
}

#[tokio::test]
async fn every_refresh_rotates_the_refresh_token_and_old_ones_still_work() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let first = cloud.sign_in("alice").await["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let refreshed = cloud.refresh(&first).await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.text);
    let refreshed = refreshed.json();
    let second = refreshed["refresh_token"].as_str().unwrap_or_default();
    assert!(!second.is_empty() && second != first);
    let id = claims(refreshed["id_token"].as_str().unwrap_or_default());
    assert_eq!(
        id["oid"], "a11ce000-0000-4000-8000-000000000001",
        "openid in scope: an ID token again"
    );
    assert!(id.get("nonce").is_none());
    assert_eq!(
        cloud.refresh(&first).await.status,
        StatusCode::OK,
        "until revoked, like Entra"
    );
    assert_eq!(cloud.refresh(second).await.status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn a_silent_sign_in_with_a_login_hint_needs_no_page() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let pkce = Pkce::new();
    let mut params = cloud.authorize_params(&pkce, "n");
    params.extend([("prompt", "none"), ("login_hint", "bob@contoso.example")]);
    let answer = cloud.authorize(&params).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    let code = answer.redirect_param("code").expect("a code");
    let tokens = cloud.redeem(&code, &pkce.verifier).await.json();
    assert_eq!(
        claims(tokens["id_token"].as_str().unwrap_or_default())["name"],
        "Bob Example"
    );

    params.retain(|(name, _)| *name != "login_hint");
    let answer = cloud.authorize(&params).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(
        answer.redirect_param("error").as_deref(),
        Some("login_required")
    );
    assert!(
        answer
            .redirect_param("error_description")
            .is_some_and(|d| d.starts_with("AADSTS50058: "))
    );
    assert_eq!(answer.redirect_param("state").as_deref(), Some("state-123"));
    Ok(())
}

#[tokio::test]
async fn the_page_escapes_what_the_request_carries() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let pkce = Pkce::new();
    let mut params = cloud.authorize_params(&pkce, "\"><script>alert(1)</script>");
    params.retain(|(name, _)| *name != "state");
    params.push(("state", "<b>x</b>"));
    let page = cloud.authorize(&params).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("<script>") && !page.text.contains("<b>x"));
    assert!(page.text.contains("&quot;&gt;&lt;script&gt;"));
    for user in [
        "Alice Example",
        "Bob Example",
        "Carol Example",
        "Dana Admin",
    ] {
        assert!(page.text.contains(user), "{user}");
    }
    Ok(())
}

#[tokio::test]
async fn end_session_returns_only_to_a_registered_loopback_origin() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let id_token = cloud.sign_in("alice").await["id_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let logout = |target: &str| {
        format!(
            "/{TENANT}/oauth2/v2.0/logout?{}",
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("post_logout_redirect_uri", target)
                .append_pair("id_token_hint", &id_token)
                .append_pair("state", "bye")
                .finish()
        )
    };
    let back = cloud.get(&logout("http://127.0.0.1:43123/")).await;
    assert_eq!(back.status, StatusCode::FOUND);
    assert_eq!(
        back.location.as_deref(),
        Some("http://127.0.0.1:43123/?state=bye")
    );
    let elsewhere = cloud.get(&logout("https://evil.example/")).await;
    assert_eq!(elsewhere.status, StatusCode::OK, "a page, no redirect");
    assert!(elsewhere.location.is_none() && elsewhere.text.contains("signed out"));
    let plain = cloud.get(&format!("/{TENANT}/oauth2/v2.0/logout")).await;
    assert_eq!(plain.status, StatusCode::OK);
    Ok(())
}
