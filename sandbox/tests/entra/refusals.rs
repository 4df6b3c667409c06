//! What the provider refuses, with Entra's codes and body shape, and the tokens ARM refuses.

use super::support::*;
use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// The AADSTS number of an Entra error body.
fn aadsts(body: &Value) -> i64 {
    body["error_codes"][0].as_i64().unwrap_or(0)
}

#[tokio::test]
async fn a_code_is_redeemed_once_with_its_own_verifier() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let pkce = Pkce::new();
    let code = cloud.code_for("alice", &pkce, "n").await;
    let wrong = cloud.redeem(&code, &Pkce::new().verifier).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    let body = wrong.json();
    assert_eq!(
        (body["error"].as_str(), aadsts(&body)),
        (Some("invalid_grant"), 501481)
    );
    for field in ["timestamp", "trace_id", "correlation_id", "error_uri"] {
        assert!(body[field].is_string(), "{field}");
    }
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.starts_with("AADSTS501481: ") && d.contains("\r\nTrace ID: "))
    );

    // A code whose redemption failed is spent, as the code of a redemption that succeeded is.
    let spent = cloud.redeem(&code, &pkce.verifier).await.json();
    assert_eq!(aadsts(&spent), 54005);
    let pkce = Pkce::new();
    let code = cloud.code_for("alice", &pkce, "n").await;
    assert_eq!(
        cloud.redeem(&code, &pkce.verifier).await.status,
        StatusCode::OK
    );
    let again = cloud.redeem(&code, &pkce.verifier).await.json();
    assert_eq!(
        (again["error"].as_str(), aadsts(&again)),
        (Some("invalid_grant"), 54005)
    );
    let unknown = cloud.redeem("1.nope", &pkce.verifier).await.json();
    assert_eq!(aadsts(&unknown), 70008);
    Ok(())
}

#[tokio::test]
async fn clients_authenticate_with_their_secret_in_the_form_or_basic() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let token_path = format!("/{TENANT}/oauth2/v2.0/token");
    let pkce = Pkce::new();
    let code = cloud.code_for("carol", &pkce, "n").await;
    let form = |secret: &'static str| {
        vec![
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("client_secret", secret),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", pkce.verifier.as_str()),
        ]
    };
    let bad = cloud.post_form(&token_path, &form("not-the-secret")).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    let body = bad.json();
    assert_eq!(
        (body["error"].as_str(), aadsts(&body)),
        (Some("invalid_client"), 7000215)
    );

    let mut basic_form = form("");
    basic_form.retain(|(name, _)| !matches!(*name, "client_id" | "client_secret"));
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{SECRET}"));
    let answer = with_form(cloud.http.post(cloud.url(&token_path)), &basic_form)
        .header("Authorization", format!("Basic {basic}"))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::OK, "client_secret_basic");

    let mut unknown = form(SECRET);
    unknown[1] = ("client_id", "00000000-0000-0000-0000-000000000000");
    let body = cloud.post_form(&token_path, &unknown).await.json();
    assert_eq!(
        (body["error"].as_str(), aadsts(&body)),
        (Some("unauthorized_client"), 700016)
    );
    let mut missing = form(SECRET);
    missing.retain(|(name, _)| *name != "client_secret");
    let answer = cloud.post_form(&token_path, &missing).await;
    assert_eq!(
        (answer.status, aadsts(&answer.json())),
        (StatusCode::UNAUTHORIZED, 7000218)
    );
    let malformed = cloud.refresh("not.a.token").await.json();
    assert_eq!(
        (malformed["error"].as_str(), aadsts(&malformed)),
        (Some("invalid_grant"), 9002313)
    );
    Ok(())
}

#[tokio::test]
async fn an_unregistered_redirect_uri_gets_a_page_and_never_a_redirect() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let pkce = Pkce::new();
    for bad in [
        "https://evil.example/auth/callback",
        "http://127.0.0.1:3000/other",
        "http://localhost.evil.example/auth/callback",
    ] {
        let mut params = cloud.authorize_params(&pkce, "n");
        params[2] = ("redirect_uri", bad);
        let answer = cloud.authorize(&params).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(answer.location.is_none());
        assert!(answer.text.contains("AADSTS50011"), "{}", answer.text);
    }
    let mut params = cloud.authorize_params(&pkce, "n");
    params[0] = ("client_id", "00000000-0000-0000-0000-000000000000");
    let answer = cloud.authorize(&params).await;
    assert!(answer.location.is_none() && answer.text.contains("AADSTS700016"));
    Ok(())
}

#[tokio::test]
async fn bad_requests_from_a_registered_client_go_back_with_an_error() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let pkce = Pkce::new();
    let cases: [(&str, Option<&str>, &str, i64); 5] = [
        (
            "code_challenge_method",
            Some("plain"),
            "invalid_request",
            9002313,
        ),
        ("code_challenge", None, "invalid_request", 900144),
        (
            "response_type",
            Some("token"),
            "unsupported_response_type",
            700054,
        ),
        (
            "scope",
            Some("openid https://vault.azure.net/user_impersonation"),
            "invalid_scope",
            70011,
        ),
        (
            "code_challenge",
            Some("too-short"),
            "invalid_request",
            501491,
        ),
    ];
    for (name, value, error, code) in cases {
        let mut params = cloud.authorize_params(&pkce, "n");
        params.retain(|(key, _)| *key != name);
        if let Some(value) = value {
            params.push((name, value));
        }
        let answer = cloud.authorize(&params).await;
        assert_eq!(answer.status, StatusCode::FOUND, "{name}");
        assert!(
            answer
                .location
                .as_deref()
                .is_some_and(|l| l.starts_with(REDIRECT))
        );
        assert_eq!(
            answer.redirect_param("error").as_deref(),
            Some(error),
            "{name}"
        );
        let description = answer
            .redirect_param("error_description")
            .unwrap_or_default();
        assert!(
            description.starts_with(&format!("AADSTS{code}: ")),
            "{name}: {description}"
        );
        assert!(answer.redirect_param("code").is_none());
    }
    // The redirect URI of the token request must be the authorization request's.
    let code = cloud.code_for("alice", &pkce, "n").await;
    let answer = cloud
        .post_form(
            &format!("/{TENANT}/oauth2/v2.0/token"),
            &[
                ("grant_type", "authorization_code"),
                ("client_id", CLIENT_ID),
                ("client_secret", SECRET),
                ("code", &code),
                ("redirect_uri", "http://127.0.0.1:9/auth/callback"),
                ("code_verifier", &pkce.verifier),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["error"], "invalid_grant");
    Ok(())
}

#[tokio::test]
async fn arm_refuses_tokens_it_should_not_accept() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let tokens = cloud.sign_in("alice").await;
    let id_token = tokens["id_token"].as_str().unwrap_or_default().to_owned();
    let answer = list(&cloud, id_token).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.json()["error"]["code"],
        "InvalidAuthenticationTokenAudience"
    );

    let access = tokens["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut parts: Vec<String> = access.split('.').map(str::to_owned).collect();
    let mut payload = claims(&access);
    payload["oid"] = "b0b00000-0000-4000-8000-000000000002".into();
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload.to_string());
    let answer = list(&cloud, parts.join(".")).await;
    assert_eq!(
        answer.status,
        StatusCode::UNAUTHORIZED,
        "a changed payload breaks the signature"
    );
    assert_eq!(answer.json()["error"]["code"], "InvalidAuthenticationToken");

    let none = format!(
        "{}.{}.",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        parts[1]
    );
    assert_eq!(
        list(&cloud, none).await.status,
        StatusCode::UNAUTHORIZED,
        "alg none"
    );
    assert_eq!(list(&cloud, access).await.status, StatusCode::OK);
    Ok(())
}

/// `GET /subscriptions` with `token`.
async fn list(cloud: &Cloud, token: String) -> Answer {
    cloud.arm(Method::GET, "/subscriptions", &token, None).await
}
