//! The default world's role stories, told through ARM with each person's own token: Alice
//! creates, Bob reads and is refused every write (and the permissions read says Reader first),
//! Carol writes in rg-carol only, and the managed identity is what it always was.

use super::support::*;
use arm_sandbox::SandboxCredential;
use azure_core::credentials::TokenCredential;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const BOB: &str = "b0b00000-0000-4000-8000-000000000002";

fn cluster(group: &str, name: &str) -> String {
    format!(
        "/subscriptions/{SUB}/resourceGroups/{group}/providers/Microsoft.ContainerService/managedClusters/{name}"
    )
}

fn permissions(group: &str) -> String {
    format!(
        "/subscriptions/{SUB}/resourceGroups/{group}/providers/Microsoft.Authorization/permissions"
    )
}

fn subscription_ids(list: &Value) -> Vec<String> {
    let mut ids: Vec<String> = list["value"]
        .as_array()
        .map(|v| {
            v.iter()
                .filter_map(|s| s["subscriptionId"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

/// The `actions` of each entry of a permissions answer.
fn actions(answer: &Value) -> Vec<Value> {
    answer["value"]
        .as_array()
        .map(|v| v.iter().map(|p| p["actions"].clone()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn alice_creates_in_both_subscriptions() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let alice = cloud.arm_token("alice").await;
    let list = cloud
        .arm(Method::GET, "/subscriptions", &alice, None)
        .await
        .json();
    assert_eq!(subscription_ids(&list), [SMALL_SUB, SUB]);
    let created = cloud
        .arm(
            Method::PUT,
            &cluster("rg-platform", "aks-alice"),
            &alice,
            Some(cluster_body("eastus")),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let group = format!("/subscriptions/{SMALL_SUB}/resourcegroups/rg-alice");
    let answer = cloud
        .arm(
            Method::PUT,
            &group,
            &alice,
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    // A denied write scope is a deny assignment: it applies to Alice too.
    let denied = cloud
        .arm(
            Method::PUT,
            &cluster("rg-readonly", "aks-alice"),
            &alice,
            Some(cluster_body("eastus")),
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert!(
        denied.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("'alice@contoso.example'"))
    );
    Ok(())
}

#[tokio::test]
async fn bob_reads_and_every_write_is_refused_naming_him() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let bob = cloud.arm_token("bob").await;
    let list = cloud
        .arm(Method::GET, "/subscriptions", &bob, None)
        .await
        .json();
    assert_eq!(subscription_ids(&list), [SUB], "only where he holds a role");
    let clusters = cloud
        .arm(
            Method::GET,
            &format!("/subscriptions/{SUB}/providers/Microsoft.ContainerService/managedClusters"),
            &bob,
            None,
        )
        .await;
    assert_eq!(clusters.status, StatusCode::OK);
    assert!(clusters.text.contains("aks-platform"));

    let reader = cloud
        .arm(Method::GET, &permissions("rg-platform"), &bob, None)
        .await
        .json();
    assert_eq!(
        actions(&reader),
        [json!(["*/read"])],
        "the pre-flight learns he is a Reader"
    );

    let refused = cloud
        .arm(
            Method::PUT,
            &cluster("rg-platform", "aks-bob"),
            &bob,
            Some(cluster_body("eastus")),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let error = &refused.json()["error"];
    assert_eq!(error["code"], "AuthorizationFailed");
    assert_eq!(
        error["message"],
        format!(
            "The client 'bob@contoso.example' with object id '{BOB}' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/write' over scope '{}' or the scope is invalid. If access was recently granted, please refresh your credentials.",
            cluster("rg-platform", "aks-bob")
        )
        .as_str()
    );
    let group = cloud
        .arm(
            Method::PUT,
            &format!("/subscriptions/{SUB}/resourcegroups/rg-bob"),
            &bob,
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(group.status, StatusCode::FORBIDDEN);
    assert!(
        group
            .text
            .contains("Microsoft.Resources/subscriptions/resourcegroups/write")
    );
    let delete = cloud
        .arm(
            Method::DELETE,
            &cluster("rg-platform", "aks-platform"),
            &bob,
            None,
        )
        .await;
    assert_eq!(delete.status, StatusCode::FORBIDDEN);
    assert!(delete.text.contains("managedClusters/delete"));
    let elsewhere = cloud
        .arm(
            Method::GET,
            &format!("/subscriptions/{SMALL_SUB}/providers/Microsoft.Compute/skus"),
            &bob,
            None,
        )
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::FORBIDDEN,
        "no role in the small subscription"
    );
    Ok(())
}

#[tokio::test]
async fn carol_writes_in_her_resource_group_only() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let carol = cloud.arm_token("carol").await;
    let created = cloud
        .arm(
            Method::PUT,
            &cluster("rg-carol", "aks-carol"),
            &carol,
            Some(cluster_body("eastus")),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let refused = cloud
        .arm(
            Method::PUT,
            &cluster("rg-platform", "aks-carol"),
            &carol,
            Some(cluster_body("eastus")),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused
            .text
            .contains("ca201000-0000-4000-8000-000000000003")
    );

    let own = cloud
        .arm(Method::GET, &permissions("rg-carol"), &carol, None)
        .await
        .json();
    assert_eq!(
        actions(&own),
        [json!(["*"]), json!(["*/read"])],
        "Contributor there, Reader from the subscription"
    );
    let other = cloud
        .arm(Method::GET, &permissions("rg-platform"), &carol, None)
        .await
        .json();
    assert_eq!(actions(&other), [json!(["*/read"])]);
    let group = cloud
        .arm(
            Method::PUT,
            &format!("/subscriptions/{SUB}/resourcegroups/rg-carol"),
            &carol,
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(
        group.status,
        StatusCode::OK,
        "her group exists and she may write it"
    );
    Ok(())
}

#[tokio::test]
async fn the_managed_identity_keeps_contributor_on_both_subscriptions() -> TestResult {
    let world = fast_world();
    let identity = world.identity.clone();
    let cloud = Cloud::start(world).await;
    let credential = SandboxCredential::new(identity.clone());
    let token = credential
        .get_token(&["https://management.azure.com/.default"], None)
        .await?;
    let token = token.token.secret().to_owned();
    let list = cloud
        .arm(Method::GET, "/subscriptions", &token, None)
        .await
        .json();
    assert_eq!(subscription_ids(&list), [SMALL_SUB, SUB]);
    let created = cloud
        .arm(
            Method::PUT,
            &cluster("rg-platform", "aks-mi"),
            &token,
            Some(cluster_body("eastus")),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let contributor = cloud
        .arm(Method::GET, &permissions("rg-platform"), &token, None)
        .await
        .json();
    assert_eq!(actions(&contributor), [json!(["*"])]);
    assert!(
        contributor
            .to_string()
            .contains("Microsoft.Authorization/*/Write")
    );
    let reader = cloud
        .arm(Method::GET, &permissions("rg-readonly"), &token, None)
        .await
        .json();
    assert_eq!(actions(&reader), [json!(["*/read"])]);
    let denied = cloud
        .arm(
            Method::PUT,
            &cluster("rg-readonly", "aks-mi"),
            &token,
            Some(cluster_body("eastus")),
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert!(denied.text.contains(&format!(
        "The client '{}' with object id '{}'",
        identity.principal_client_id, identity.principal_object_id
    )));
    Ok(())
}
