//! The issue-16 stories through real HTTP on a loopback port, as the dashboard's ARM client
//! meets them: the policy check and the policy denial (with RBAC on the check), the virtual
//! network reads (with RBAC), a subnet too small, and capacity outages by size and zone.

#[path = "entra/support.rs"]
#[allow(dead_code)]
mod support;

use arm_sandbox::SandboxCredential;
use azure_core::credentials::TokenCredential;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::*;

const SPOKE: &str = "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-spoke";

fn cluster(group: &str, name: &str) -> String {
    format!(
        "/subscriptions/{SUB}/resourceGroups/{group}/providers/Microsoft.ContainerService/managedClusters/{name}"
    )
}

/// The dashboard's managed identity's token.
async fn identity_token() -> String {
    let token = SandboxCredential::new(fast_world().identity)
        .get_token(&["https://management.azure.com/.default"], None)
        .await
        .expect("a token");
    token.token.secret().to_owned()
}

/// The form's create body: 1 system Standard_D2s_v5, 2 workers of `size`, both pools in `zones`.
fn create_body(location: &str, size: &str, zones: &[&str]) -> Value {
    let mut body = json!({
        "location": location,
        "identity": { "type": "SystemAssigned" },
        "properties": {
            "dnsPrefix": "story",
            "agentPoolProfiles": [
                { "name": "system", "mode": "System", "vmSize": "Standard_D2s_v5", "count": 1 },
                { "name": "workers", "mode": "User", "vmSize": size, "count": 2 },
            ],
        },
    });
    if !zones.is_empty() {
        for pool in body["properties"]["agentPoolProfiles"]
            .as_array_mut()
            .expect("pools")
        {
            pool["availabilityZones"] = json!(zones);
        }
    }
    body
}

#[tokio::test]
async fn the_policy_check_warns_and_the_put_is_denied() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let token = identity_token().await;
    let check = json!({
        "resourceDetails": {
            "resourceContent": { "type": "Microsoft.ContainerService/managedClusters", "location": "eastus" },
            "apiVersion": "2025-10-01",
        },
        "pendingFields": [{ "field": "location", "values": ["eastus"] }],
    });
    let path = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-governed/providers/Microsoft.PolicyInsights/checkPolicyRestrictions?api-version=2022-03-01"
    );
    let answer = cloud
        .arm(Method::POST, &path, &token, Some(check.clone()))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let body = answer.json();
    let restrictions = &body["fieldRestrictions"][0]["restrictions"];
    assert_eq!(restrictions[0]["result"], "Required");
    assert_eq!(
        restrictions[0]["values"],
        json!(["westeurope", "swedencentral"])
    );
    assert_eq!(
        restrictions[1],
        json!({
            "result": "Deny",
            "values": ["eastus"],
            "policy": restrictions[0]["policy"],
        })
    );
    assert_eq!(
        body["contentEvaluationResult"]["policyEvaluations"][0]["evaluationResult"],
        "NonCompliant"
    );
    let denied = cloud
        .arm(
            Method::PUT,
            &cluster("rg-governed", "aks-gov"),
            &token,
            Some(create_body("eastus", "Standard_D4s_v5", &[])),
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.text);
    let error = &denied.json()["error"];
    assert_eq!(error["code"], "RequestDisallowedByPolicy");
    assert_eq!(error["additionalInfo"][0]["type"], "PolicyViolation");
    assert_eq!(
        error["additionalInfo"][0]["info"]["policyAssignmentDisplayName"],
        "Allowed locations for AKS"
    );
    let allowed = cloud
        .arm(
            Method::PUT,
            &cluster("rg-governed", "aks-gov"),
            &token,
            Some(create_body("westeurope", "Standard_D4s_v5", &[])),
        )
        .await;
    assert_eq!(allowed.status, StatusCode::CREATED, "{}", allowed.text);

    // Reading the check needs read access at its scope: Carol has none in the small subscription.
    let carol = cloud.arm_token("carol").await;
    let bob = cloud.arm_token("bob").await;
    let reader = cloud
        .arm(Method::POST, &path, &bob, Some(check.clone()))
        .await;
    assert_eq!(
        reader.status,
        StatusCode::OK,
        "a Reader may ask: {}",
        reader.text
    );
    let small = format!(
        "/subscriptions/{SMALL_SUB}/providers/Microsoft.PolicyInsights/checkPolicyRestrictions?api-version=2022-03-01"
    );
    let refused = cloud.arm(Method::POST, &small, &carol, Some(check)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    assert!(
        refused.json()["error"]["message"].as_str().is_some_and(|m| m.contains(
            "'Microsoft.PolicyInsights/checkPolicyRestrictions/read' over scope '/subscriptions/1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'"
        )),
        "{}",
        refused.text
    );
    let wrong_method = cloud.arm(Method::GET, &path, &token, None).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    Ok(())
}

#[tokio::test]
async fn virtual_networks_are_read_with_rbac_and_a_small_subnet_is_refused() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let token = identity_token().await;
    let list = cloud
        .arm(
            Method::GET,
            &format!("/subscriptions/{SUB}/providers/Microsoft.Network/virtualNetworks?api-version=2024-05-01"),
            &token,
            None,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let list = list.json();
    assert_eq!(list["value"][0]["id"], SPOKE);
    let prefixes: Vec<&str> = list["value"][0]["properties"]["subnets"]
        .as_array()
        .map(|s| {
            s.iter()
                .filter_map(|s| s["properties"]["addressPrefix"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(prefixes, ["10.240.0.0/27", "10.240.4.0/22"]);

    let mut body = create_body("eastus", "Standard_D4s_v5", &[]);
    body["properties"]["networkProfile"] = json!({ "networkPlugin": "azure" });
    for pool in body["properties"]["agentPoolProfiles"]
        .as_array_mut()
        .expect("pools")
    {
        pool["vnetSubnetID"] = json!(format!("{SPOKE}/subnets/aks-small"));
    }
    let refused = cloud
        .arm(
            Method::PUT,
            &cluster("rg-platform", "aks-net"),
            &token,
            Some(body.clone()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
    assert_eq!(refused.json()["code"], "InsufficientSubnetSize");
    for pool in body["properties"]["agentPoolProfiles"]
        .as_array_mut()
        .expect("pools")
    {
        pool["vnetSubnetID"] = json!(format!("{SPOKE}/subnets/aks-nodes"));
    }
    let created = cloud
        .arm(
            Method::PUT,
            &cluster("rg-platform", "aks-net"),
            &token,
            Some(body),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let subnet = cloud
        .arm(
            Method::GET,
            &format!("{SPOKE}/subnets/aks-nodes?api-version=2024-05-01"),
            &token,
            None,
        )
        .await;
    assert_eq!(subnet.status, StatusCode::OK, "{}", subnet.text);
    assert_eq!(
        subnet.json()["properties"]["ipConfigurations"]
            .as_array()
            .map(Vec::len),
        Some(93)
    );
    let vnet = cloud
        .arm(
            Method::GET,
            &format!("{SPOKE}?api-version=2024-05-01"),
            &token,
            None,
        )
        .await;
    assert_eq!(vnet.json()["name"], "vnet-spoke");

    // Bob reads (Reader on the subscription); Carol has nothing in the small subscription.
    let bob = cloud.arm_token("bob").await;
    let read = cloud
        .arm(
            Method::GET,
            &format!("{SPOKE}/subnets/aks-small"),
            &bob,
            None,
        )
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    let carol = cloud.arm_token("carol").await;
    let refused = cloud
        .arm(
            Method::GET,
            &format!("/subscriptions/{SMALL_SUB}/providers/Microsoft.Network/virtualNetworks"),
            &carol,
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    assert!(
        refused
            .text
            .contains("Microsoft.Network/virtualNetworks/read"),
        "{}",
        refused.text
    );
    Ok(())
}

/// PUTs a create; answers its status, its `Azure-AsyncOperation` URL and its text.
async fn put_create(
    cloud: &Cloud,
    token: &str,
    path: &str,
    body: &Value,
) -> (StatusCode, String, String) {
    let response = cloud
        .http
        .put(cloud.url(&format!("{path}?{API}")))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("the sandbox answers");
    let status = response.status();
    let url = response
        .headers()
        .get("azure-asyncoperation")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, url, response.text().await.unwrap_or_default())
}

/// Polls the operation at `url` until it ends; answers its final status body.
async fn final_status(cloud: &Cloud, token: &str, url: &str) -> Value {
    for _ in 0..100 {
        let status = cloud
            .http
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .expect("the sandbox answers")
            .json::<Value>()
            .await
            .unwrap_or(Value::Null);
        if status["status"] != "InProgress" {
            return status;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the create did not end");
}

#[tokio::test]
async fn sweden_fails_the_default_size_and_zone_1_midway() -> TestResult {
    let cloud = Cloud::start(fast_world()).await;
    let token = identity_token().await;
    // (cluster, worker size, zones, expected final status, expected detail code and target)
    let cases = [
        (
            "aks-d4as",
            "Standard_D4as_v5",
            &[][..],
            "Failed",
            Some(("AllocationFailed", "workers")),
        ),
        (
            "aks-zone-1",
            "Standard_D4s_v5",
            &["1"][..],
            "Failed",
            Some(("ZonalAllocationFailed", "system")),
        ),
        (
            "aks-zones-23",
            "Standard_D4s_v5",
            &["2", "3"][..],
            "Succeeded",
            None,
        ),
        ("aks-sibling", "Standard_D4s_v5", &[][..], "Succeeded", None),
    ];
    for (name, size, zones, expected, detail) in cases {
        let (code, url, text) = put_create(
            &cloud,
            &token,
            &cluster("rg-platform", name),
            &create_body("swedencentral", size, zones),
        )
        .await;
        assert_eq!(code, StatusCode::CREATED, "{name}: {text}");
        let status = final_status(&cloud, &token, &url).await;
        assert_eq!(status["status"], expected, "{name}: {status}");
        if let Some((code, target)) = detail {
            assert_eq!(
                status["error"]["code"], "ResourceOperationFailure",
                "{name}"
            );
            assert_eq!(status["error"]["details"][0]["code"], code, "{name}");
            assert_eq!(status["error"]["details"][0]["target"], target, "{name}");
        }
    }
    Ok(())
}
