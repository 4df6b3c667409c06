//! Capacity outages and zones: swedencentral is out of Standard_D4as_v5 region-wide and out of
//! zone 1 for every size; AKS refuses at the PUT a zone the size is restricted in.

use super::*;

/// A swedencentral body with the form's pools: 1 system Standard_D2s_v5, `workers` × `size`,
/// both pools in `zones`.
fn sweden_body(size: &str, zones: &[&str]) -> Value {
    let mut body = cluster_body("swedencentral", 2);
    for pool in body["properties"]["agentPoolProfiles"]
        .as_array_mut()
        .expect("pools")
    {
        if !zones.is_empty() {
            pool["availabilityZones"] = json!(zones);
        }
        if pool["mode"] == "User" {
            pool["vmSize"] = json!(size);
        }
    }
    body
}

/// PUTs `body` as `name` in rg-platform and runs the create to its end; answers the final
/// operation status and the cluster's properties.
fn create(plane: &mut ControlPlane, name: &str, body: &Value) -> (Value, Value) {
    let reply = plane.put_cluster(&ORIGIN, SUB, "rg-platform", name, None, body);
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    let id = operation_id(&reply);
    run_to_the_end(plane);
    let location = body["location"].as_str().unwrap_or_default().to_owned();
    let status = plane
        .operation_status(SUB, &location, &id)
        .body
        .expect("status");
    (status, properties(plane, "rg-platform", name))
}

#[test]
fn the_default_worker_size_is_out_of_capacity_in_sweden_and_its_siblings_are_not() {
    let mut plane = ControlPlane::new(World::default_world().expect("world"));
    let (status, cluster) = create(
        &mut plane,
        "aks-d4as",
        &sweden_body("Standard_D4as_v5", &[]),
    );
    assert_eq!(status["status"], "Failed", "{status}");
    assert_eq!(status["error"]["code"], "ResourceOperationFailure");
    let detail = &status["error"]["details"][0];
    assert_eq!(detail["code"], "AllocationFailed", "{detail}");
    assert_eq!(detail["target"], "workers");
    assert_eq!(
        detail["message"],
        "Allocation failed. We do not have sufficient capacity for the requested VM size in this region. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance",
        "Compute's text names no size"
    );
    let pools = &cluster["agentPoolProfiles"];
    assert_eq!(pools[0]["provisioningState"], "Succeeded", "{pools}");
    assert_eq!(pools[1]["status"]["provisioningError"], *detail, "{pools}");

    // A region-wide outage of the size wins over the zones: no zone would help.
    let (status, _) = create(
        &mut plane,
        "aks-d4as-zoned",
        &sweden_body("Standard_D4as_v5", &["2", "3"]),
    );
    assert_eq!(status["error"]["details"][0]["code"], "AllocationFailed");

    for (name, size, zones) in [
        ("aks-sibling", "Standard_D4s_v5", &[][..]),
        ("aks-zones-23", "Standard_D4s_v5", &["2", "3"][..]),
    ] {
        let (status, cluster) = create(&mut plane, name, &sweden_body(size, zones));
        assert_eq!(status["status"], "Succeeded", "{name}: {status}");
        if !zones.is_empty() {
            assert_eq!(
                cluster["agentPoolProfiles"][1]["availabilityZones"],
                json!(zones),
                "{name}"
            );
        }
    }
}

#[test]
fn zone_1_is_out_of_capacity_in_sweden_for_every_size() {
    let mut plane = ControlPlane::new(World::default_world().expect("world"));
    let (status, cluster) = create(
        &mut plane,
        "aks-zone-1",
        &sweden_body("Standard_D4s_v5", &["1", "2"]),
    );
    assert_eq!(status["status"], "Failed", "{status}");
    let detail = &status["error"]["details"][0];
    assert_eq!(detail["code"], "ZonalAllocationFailed", "{detail}");
    assert_eq!(
        detail["target"], "system",
        "the system pool is deployed first"
    );
    assert!(
        detail["message"].as_str().is_some_and(|m| m.starts_with(
            "Allocation failed. We do not have sufficient capacity for the requested VM size in this zone."
        )),
        "{detail}"
    );
    let pools = &cluster["agentPoolProfiles"];
    assert_eq!(pools[0]["provisioningState"], "Failed", "{pools}");
    assert_eq!(pools[0]["availabilityZones"], json!(["1", "2"]), "{pools}");

    // Only the workers in zone 1: the system pool comes up, the workers fail.
    let mut body = sweden_body("Standard_D8s_v5", &[]);
    body["properties"]["agentPoolProfiles"][1]["availabilityZones"] = json!(["1"]);
    let (status, cluster) = create(&mut plane, "aks-workers-zone-1", &body);
    let detail = &status["error"]["details"][0];
    assert_eq!(detail["code"], "ZonalAllocationFailed", "{detail}");
    assert_eq!(detail["target"], "workers");
    assert_eq!(
        cluster["agentPoolProfiles"][0]["provisioningState"],
        "Succeeded"
    );
}

#[test]
fn a_zone_the_size_is_restricted_in_is_refused_at_the_put() {
    let mut world = World::default_world().expect("world");
    // A region with AKS but no zones at all.
    if let Some(korea) = world.regions.iter_mut().find(|r| r.name == "koreacentral") {
        korea.zones.clear();
    }
    let mut plane = ControlPlane::new(world);
    let mut body = cluster_body("westeurope", 1);
    body["properties"]["agentPoolProfiles"][1]["vmSize"] = json!("Standard_DC2s_v2");
    body["properties"]["agentPoolProfiles"][1]["availabilityZones"] = json!(["2", "3"]);
    let reply = plane.put_cluster(&ORIGIN, SUB, "rg-platform", "aks-dc", None, &body);
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.body.expect("body"),
        json!({
            "code": "AvailabilityZoneNotSupported",
            "details": null,
            "message": "Preflight validation check for resource(s) for container service aks-dc in resource group rg-platform failed. Message: The zone(s) '3' for resource 'workers' is not supported. The supported zones for location 'westeurope' are '1,2'",
            "subcode": "",
        })
    );
    body["properties"]["agentPoolProfiles"][1]["availabilityZones"] = json!(["1", "2"]);
    let reply = plane.put_cluster(&ORIGIN, SUB, "rg-platform", "aks-dc", None, &body);
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);

    let mut body = cluster_body("koreacentral", 1);
    body["properties"]["agentPoolProfiles"][0]["availabilityZones"] = json!(["1"]);
    let reply = plane.put_cluster(&ORIGIN, SUB, "rg-platform", "aks-kr", None, &body);
    let message = reply.body.expect("body")["message"].clone();
    assert!(
        message.as_str().is_some_and(|m| m.ends_with(
            "The zone(s) '1' for resource 'system' is not supported. The supported zones for location 'koreacentral' are ''"
        )),
        "{message}"
    );

    body["properties"]["agentPoolProfiles"][0]["availabilityZones"] = json!("1");
    let reply = plane.put_cluster(&ORIGIN, SUB, "rg-platform", "aks-kr", None, &body);
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body.expect("body")["code"], "InvalidParameter");
}
