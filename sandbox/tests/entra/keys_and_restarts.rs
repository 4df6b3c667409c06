//! Key rotation (the previous key stays published, older ones go), revocation of a user's
//! sessions, and both surviving a restart of a sandbox that keeps its state.

use super::support::*;
use arm_sandbox::RunningSandbox;
use arm_sandbox::state_file::StateFile;
use reqwest::{Method, StatusCode};
use serde_json::Value;

async fn kids(cloud: &Cloud) -> Vec<String> {
    let keys = cloud
        .get(&format!("/{TENANT}/discovery/v2.0/keys"))
        .await
        .json();
    keys["keys"]
        .as_array()
        .map(|keys| {
            keys.iter()
                .filter_map(|k| k["kid"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn rotate(cloud: &Cloud) -> Value {
    let answer = cloud
        .post_form("/sandbox/entra/rotate-signing-key", &[])
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    answer.json()
}

#[tokio::test]
async fn a_rotated_key_stays_published_for_one_rotation() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let before = kids(&cloud).await;
    assert_eq!(before.len(), 1);
    let old_token = cloud.arm_token("alice").await;
    assert_eq!(header(&old_token)["kid"], before[0].as_str());

    let rotated = rotate(&cloud).await;
    let after = kids(&cloud).await;
    assert_eq!(after.len(), 2);
    assert_eq!(after[1], before[0], "the previous key stays published");
    assert_eq!(rotated["current_kid"], after[0].as_str());
    let new_token = cloud.arm_token("alice").await;
    assert_eq!(header(&new_token)["kid"], after[0].as_str());
    for token in [&old_token, &new_token] {
        assert_eq!(
            cloud
                .arm(Method::GET, "/subscriptions", token, None)
                .await
                .status,
            StatusCode::OK
        );
    }

    rotate(&cloud).await;
    assert!(
        !kids(&cloud).await.contains(&before[0]),
        "two rotations later the first key is gone"
    );
    let refused = cloud
        .arm(Method::GET, "/subscriptions", &old_token, None)
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    Ok(())
}

#[tokio::test]
async fn revoked_sessions_end_refresh_tokens_issued_before() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let alice = cloud.sign_in("alice").await["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let bob = cloud.sign_in("bob").await["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let rotated = cloud.refresh(&alice).await.json()["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    let revoked = cloud
        .post_form("/sandbox/entra/users/alice/revoke-sign-in-sessions", &[])
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert_eq!(revoked.json()["value"], true);
    for token in [&alice, &rotated] {
        let answer = cloud.refresh(token).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        let body = answer.json();
        assert_eq!(body["error"], "invalid_grant");
        assert_eq!(body["error_codes"], serde_json::json!([50173]));
        assert!(
            body["error_description"]
                .as_str()
                .is_some_and(|d| d.contains("TokensValidFrom"))
        );
    }
    assert_eq!(
        cloud.refresh(&bob).await.status,
        StatusCode::OK,
        "only Alice's sessions end"
    );
    let fresh = cloud.sign_in("alice").await["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        cloud.refresh(&fresh).await.status,
        StatusCode::OK,
        "a new sign-in works"
    );
    let nobody = cloud
        .post_form("/sandbox/entra/users/mallory/revoke-sign-in-sessions", &[])
        .await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn keys_and_revocations_survive_a_restart() -> TestResult {
    let directory = tempfile::tempdir()?;
    let path = directory.path().join("sandbox-state.json");
    let start = || async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("port");
        let sandbox = RunningSandbox::spawn_keeping_state(
            fast_world(),
            listener,
            "header".into(),
            StateFile::new(&path),
        )
        .await
        .expect("sandbox");
        Cloud::around(sandbox)
    };
    let cloud = start().await;
    let alice = cloud.sign_in("alice").await["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    rotate(&cloud).await;
    let published = kids(&cloud).await;
    let token = cloud.arm_token("carol").await;
    let carol = cloud.sign_in("carol").await["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    cloud
        .post_form("/sandbox/entra/users/alice/revoke-sign-in-sessions", &[])
        .await;
    drop(cloud);

    let cloud = start().await;
    assert_eq!(
        kids(&cloud).await,
        published,
        "the same keys after the restart"
    );
    assert_eq!(
        cloud
            .arm(Method::GET, "/subscriptions", &token, None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        cloud.refresh(&alice).await.json()["error_codes"],
        serde_json::json!([50173])
    );
    assert_eq!(cloud.refresh(&carol).await.status, StatusCode::OK);
    Ok(())
}
