//! Workload identity: an application registered with a federated identity credential
//! authenticates with a `client_assertion` signed by that credential's issuer, as the dashboard
//! deployed on AKS does with its service account token.

use super::support::*;
use arm_sandbox::entra::keys::{SigningKey, key};
use arm_sandbox::world::{FederatedCredential, PublicKey};
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;

const ISSUER: &str = "https://oidc.prod-aks.azure.com/00000000-0000-0000-0000-00000000a1a1/";
const SUBJECT: &str = "system:serviceaccount:aks-dashboard:dashboard";

/// The cluster's service-account signing key (any RSA key; the sandbox's derivation is handy).
async fn cluster_key(generation: u32) -> Arc<SigningKey> {
    key("federation-test-cluster", generation)
        .await
        .expect("key")
}

/// A service account token: `subject` signed by `signer`.
fn assertion(signer: &SigningKey, subject: &str, audience: &str) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    signer
        .sign(&json!({
            "iss": ISSUER, "sub": subject, "aud": [audience],
            "iat": now, "nbf": now, "exp": now + 3600,
        }))
        .expect("signed")
}

#[tokio::test]
async fn a_service_account_token_authenticates_the_application() -> TestResult {
    let signer = cluster_key(0).await;
    let jwk = signer.jwk(ISSUER);
    let mut world = fast_world();
    world.entra.applications[0]
        .federated_credentials
        .push(FederatedCredential {
            issuer: ISSUER.into(),
            subject: SUBJECT.into(),
            audiences: vec!["api://AzureADTokenExchange".into()],
            key: PublicKey {
                n: jwk["n"].as_str().unwrap_or_default().into(),
                e: jwk["e"].as_str().unwrap_or_default().into(),
            },
        });
    let cloud = Cloud::start(world).await;
    let other_signer = cluster_key(1).await;
    let cases = [
        (
            assertion(&signer, SUBJECT, "api://AzureADTokenExchange"),
            None,
        ),
        (
            assertion(
                &signer,
                "system:serviceaccount:default:intruder",
                "api://AzureADTokenExchange",
            ),
            Some(700213),
        ),
        (
            assertion(&signer, SUBJECT, "https://example.com"),
            Some(700212),
        ),
        (
            assertion(&other_signer, SUBJECT, "api://AzureADTokenExchange"),
            Some(700027),
        ),
    ];
    for (token, refusal) in cases {
        let pkce = Pkce::new();
        let code = cloud.code_for("alice", &pkce, "n").await;
        let answer = cloud
            .post_form(
                &format!("/{TENANT}/oauth2/v2.0/token"),
                &[
                    ("grant_type", "authorization_code"),
                    ("client_id", CLIENT_ID),
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ),
                    ("client_assertion", &token),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                    ("code_verifier", &pkce.verifier),
                ],
            )
            .await;
        match refusal {
            None => {
                assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
                let access = claims(answer.json()["access_token"].as_str().unwrap_or_default());
                assert_eq!(access["appidacr"], "2", "authenticated by an assertion");
            }
            Some(code) => {
                assert_eq!(
                    answer.status,
                    StatusCode::UNAUTHORIZED,
                    "{code}: {}",
                    answer.text
                );
                assert_eq!(answer.json()["error"], "invalid_client");
                assert_eq!(answer.json()["error_codes"], json!([code]));
            }
        }
    }
    Ok(())
}
