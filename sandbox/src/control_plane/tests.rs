//! Scenarios across the control plane: a create runs its whole course and meets the region's
//! failure stories, and quota is read back through compute usages. The issue-16 stories
//! (capacity outages and zones, policy, subnets) have a module each.

mod capacity;
mod network;
mod policy;

use super::*;
use crate::reply::headers;
use axum::http::StatusCode;
use serde_json::Value;

pub(super) const SUB: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";
const OTHER_SUB: &str = "1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
pub(super) const ORIGIN: Origin<'static> = Origin {
    base_url: "http://127.0.0.1:1",
    api_version: "2025-10-01",
};

/// A create body: one system pool of 1 × Standard_D2s_v5, `workers` × Standard_D4s_v5.
pub(super) fn cluster_body(location: &str, workers: u32) -> Value {
    json!({
        "location": location,
        "identity": { "type": "SystemAssigned" },
        "properties": {
            "dnsPrefix": "race",
            "agentPoolProfiles": [
                { "name": "system", "mode": "System", "vmSize": "Standard_D2s_v5", "count": 1 },
                { "name": "workers", "mode": "User", "vmSize": "Standard_D4s_v5", "count": workers },
            ],
        },
    })
}

/// PUTs a centralindia cluster with `workers` workers and lets its whole create run;
/// answers the operation's final status.
fn create_sized(
    plane: &mut ControlPlane,
    sub: &str,
    group: &str,
    name: &str,
    workers: u32,
) -> Value {
    let reply = plane.put_cluster(
        &ORIGIN,
        sub,
        group,
        name,
        Some("*"),
        &cluster_body("centralindia", workers),
    );
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    let url = reply
        .headers
        .iter()
        .find(|(h, _)| *h == headers::AZURE_ASYNC_OPERATION)
        .map(|(_, url)| url.clone())
        .expect("operation url");
    let id = url
        .split('?')
        .next()
        .and_then(|path| path.rsplit('/').next())
        .expect("operation id")
        .to_owned();
    plane.advance(OffsetDateTime::now_utc() + Duration::from_secs(3600));
    plane
        .operation_status(sub, "centralindia", &id)
        .body
        .expect("status body")
}

/// The subscription's Total Regional vCPUs in use in centralindia.
fn regional_cores(plane: &mut ControlPlane, sub: &str) -> i64 {
    let body = plane
        .compute_usages(sub, "centralindia")
        .body
        .expect("usages");
    body["value"][0]["currentValue"].as_i64().expect("cores")
}

#[test]
fn the_competing_deployment_claims_once_per_subscription() {
    let mut world = World::default_world().expect("world");
    // Both subscriptions see centralindia's full 40 vCPUs.
    world
        .subscriptions
        .iter_mut()
        .for_each(|s| s.quota_scale = 1.0);
    let mut plane = ControlPlane::new(world);
    assert_eq!(regional_cores(&mut plane, SUB), 0, "nothing used before");

    // 1 × 2 + 3 × 4 = 14 vCPUs fit the 40 free; halfway, the system pool is up (2) and the
    // other deployment takes 32, so the workers' 12 no longer fit: 2 + 32 + 12 > 40.
    let status = create_sized(&mut plane, SUB, "rg-platform", "aks-race", 3);
    assert_eq!(status["status"], "Failed", "{status}");
    let error = &status["error"];
    assert_eq!(error["code"], "QuotaExceeded", "{error}");
    assert_eq!(
        error["details"][0]["code"], "OperationNotAllowed",
        "{error}"
    );
    let message = error["details"][0]["message"].as_str().unwrap_or_default();
    assert!(
            message.starts_with("Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: centralindia, Current Limit: 40, Current Usage: 34, Additional Required: 12, (Minimum) New Limit Required: 46. "),
            "{message}"
        );
    assert!(
            error["message"].as_str().is_some_and(|m| m.starts_with(
                "Provisioning of resource(s) for container service aks-race in resource group rg-platform failed. Message: Operation could not be completed"
            )),
            "{error}"
        );
    let cluster = plane
        .get_cluster(SUB, "rg-platform", "aks-race")
        .body
        .expect("cluster");
    let pools = &cluster["properties"]["agentPoolProfiles"];
    assert_eq!(cluster["properties"]["provisioningState"], "Failed");
    assert_eq!(pools[0]["provisioningState"], "Succeeded", "{pools}");
    assert_eq!(pools[1]["provisioningState"], "Failed", "{pools}");
    assert_eq!(
        pools[1]["status"]["provisioningError"]["code"], "OperationNotAllowed",
        "{pools}"
    );
    // The claim stays; the failed workers hold nothing, the system pool its 2 vCPUs.
    assert_eq!(regional_cores(&mut plane, SUB), 34);

    // A create that fits what is left meets no second claim and succeeds.
    let status = create_sized(&mut plane, SUB, "rg-platform", "aks-after", 1);
    assert_eq!(status["status"], "Succeeded", "{status}");
    assert_eq!(
        regional_cores(&mut plane, SUB),
        40,
        "32 + 2 + 6, claimed once"
    );

    // Another subscription has its own competing deployment.
    assert_eq!(regional_cores(&mut plane, OTHER_SUB), 0);
    let group = plane.put_group(
        OTHER_SUB,
        "rg-other",
        &json!({ "location": "centralindia" }),
    );
    assert_eq!(group.status, StatusCode::CREATED);
    let status = create_sized(&mut plane, OTHER_SUB, "rg-other", "aks-race", 3);
    assert_eq!(status["error"]["code"], "QuotaExceeded", "{status}");
    assert_eq!(regional_cores(&mut plane, OTHER_SUB), 34);
    assert_eq!(regional_cores(&mut plane, SUB), 40, "untouched");
}

#[test]
fn a_claim_takes_no_more_than_is_free() {
    // The small subscription sees a quarter of centralindia: 10 vCPUs. With the system pool
    // up (2), the other deployment can take only 8, and the single worker (4) does not fit.
    let mut plane = ControlPlane::new(World::default_world().expect("world"));
    plane.put_group(
        OTHER_SUB,
        "rg-small",
        &json!({ "location": "centralindia" }),
    );
    let status = create_sized(&mut plane, OTHER_SUB, "rg-small", "aks-small", 1);
    let message = status["error"]["details"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
            message.contains("Current Limit: 10, Current Usage: 10, Additional Required: 4, (Minimum) New Limit Required: 14."),
            "{message}"
        );
    assert_eq!(regional_cores(&mut plane, OTHER_SUB), 10);
}

#[test]
fn a_capacity_restricted_size_fails_only_the_creates_that_use_it() {
    let mut plane = ControlPlane::new(World::default_world().expect("world"));
    let skus = plane.resource_skus(Some("francecentral"));
    let d4 = skus
        .iter()
        .find(|s| s["name"] == "Standard_D4s_v5")
        .expect("listed");
    assert_eq!(d4["restrictions"], json!([]), "listed as available");

    let mut body = cluster_body("francecentral", 2);
    let reply = plane.put_cluster(&ORIGIN, SUB, "rg-platform", "aks-fr", None, &body);
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    // A system pool of the restricted size is never up either.
    body["properties"]["agentPoolProfiles"] = json!([
        { "name": "system", "mode": "System", "vmSize": "Standard_D4s_v5", "count": 1 },
    ]);
    let reply = plane.put_cluster(&ORIGIN, SUB, "rg-platform", "aks-fr-sys", None, &body);
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    body["properties"]["agentPoolProfiles"] = json!([
        { "name": "system", "mode": "System", "vmSize": "Standard_D2s_v5", "count": 1 },
        { "name": "workers", "mode": "User", "vmSize": "Standard_D8s_v5", "count": 2 },
    ]);
    let reply = plane.put_cluster(&ORIGIN, SUB, "rg-platform", "aks-fr-ok", None, &body);
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    plane.advance(OffsetDateTime::now_utc() + Duration::from_secs(3600));

    let cluster = |plane: &mut ControlPlane, name: &str| {
        plane
            .get_cluster(SUB, "rg-platform", name)
            .body
            .expect("cluster")["properties"]
            .clone()
    };
    let failed = cluster(&mut plane, "aks-fr");
    assert_eq!(failed["provisioningState"], "Failed");
    let pools = &failed["agentPoolProfiles"];
    assert_eq!(pools[0]["provisioningState"], "Succeeded", "{pools}");
    assert_eq!(pools[1]["provisioningState"], "Failed", "{pools}");
    assert_eq!(
        pools[1]["status"]["provisioningError"],
        json!({
            "code": "SkuNotAvailable",
            "message": "The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: Standard_D4s_v5' is currently not available in location 'francecentral'. Please try another size or deploy to a different location or different zone. See https://aka.ms/azureskunotavailable for details.",
        })
    );
    let system_only = cluster(&mut plane, "aks-fr-sys");
    assert_eq!(
        system_only["agentPoolProfiles"][0]["provisioningState"], "Failed",
        "{system_only}"
    );
    assert_eq!(
        cluster(&mut plane, "aks-fr-ok")["provisioningState"],
        "Succeeded"
    );
}

/// The id of the operation a PUT or DELETE `reply` started.
pub(super) fn operation_id(reply: &crate::reply::Reply) -> String {
    let url = reply
        .headers
        .iter()
        .find(|(h, _)| *h == headers::AZURE_ASYNC_OPERATION)
        .map(|(_, url)| url.clone())
        .expect("operation url");
    url.split('?')
        .next()
        .and_then(|path| path.rsplit('/').next())
        .expect("operation id")
        .to_owned()
}

/// Lets every running operation reach its end.
pub(super) fn run_to_the_end(plane: &mut ControlPlane) {
    plane.advance(OffsetDateTime::now_utc() + Duration::from_secs(3600));
}

/// A cluster's `properties`.
pub(super) fn properties(plane: &mut ControlPlane, group: &str, name: &str) -> Value {
    plane.get_cluster(SUB, group, name).body.expect("cluster")["properties"].clone()
}
