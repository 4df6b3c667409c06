//! Subnets: rg-network's vnet-spoke in eastus, with aks-small (/27, 27 usable addresses) and
//! aks-nodes (/22, 1019). A PUT whose pools join a subnet is checked synchronously; a cluster
//! holds its addresses until it is deleted, and the subnet read shows them.

use super::*;

const SPOKE: &str = "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-spoke";

/// An eastus body whose pools (1 system, `workers` workers) join `subnet` with Azure CNI.
fn subnet_body(location: &str, subnet: &str, workers: u32) -> Value {
    let mut body = cluster_body(location, workers);
    body["properties"]["networkProfile"] = json!({ "networkPlugin": "azure" });
    for pool in body["properties"]["agentPoolProfiles"]
        .as_array_mut()
        .expect("pools")
    {
        pool["vnetSubnetID"] = json!(format!("{SPOKE}/subnets/{subnet}"));
    }
    body
}

/// The number of IP configurations subnet `name` shows.
fn held(plane: &mut ControlPlane, name: &str) -> usize {
    let subnet = plane
        .get_subnet(SUB, "rg-network", "vnet-spoke", name)
        .body
        .expect("subnet");
    subnet["properties"]["ipConfigurations"]
        .as_array()
        .map_or(0, Vec::len)
}

fn put(plane: &mut ControlPlane, name: &str, body: &Value) -> crate::reply::Reply {
    plane.put_cluster(&ORIGIN, SUB, "rg-platform", name, None, body)
}

#[test]
fn a_subnet_too_small_is_refused_with_aks_figures() {
    let mut plane = ControlPlane::new(World::default_world().expect("world"));
    let reply = put(
        &mut plane,
        "aks-small",
        &subnet_body("eastus", "aks-small", 2),
    );
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.body.expect("body"),
        json!({
            "code": "InsufficientSubnetSize",
            "details": null,
            "message": "Pre-allocated IPs 93 exceeds IPs available 27 in Subnet Cidr 10.240.0.0/27, Subnet Name aks-small. http://aka.ms/aks/insufficientsubnetsize",
            "subcode": "",
            "target": "agentPoolProfile.vnetSubnetID",
        }),
        "(1 + 2 nodes) × (30 pods + 1)"
    );
    assert_eq!(held(&mut plane, "aks-small"), 0, "nothing was taken");

    // With CNI overlay (or kubenet) a node takes one address: three fit in 27.
    let mut overlay = subnet_body("eastus", "aks-small", 2);
    overlay["properties"]["networkProfile"]["networkPluginMode"] = json!("overlay");
    let reply = put(&mut plane, "aks-overlay", &overlay);
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    assert_eq!(held(&mut plane, "aks-small"), 3);
}

#[test]
fn a_cluster_holds_its_addresses_until_it_is_deleted() {
    let mut plane = ControlPlane::new(World::default_world().expect("world"));
    let reply = put(
        &mut plane,
        "aks-one",
        &subnet_body("eastus", "aks-nodes", 2),
    );
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    assert_eq!(
        held(&mut plane, "aks-nodes"),
        93,
        "held from the accepted PUT on"
    );
    let subnet = plane
        .get_subnet(SUB, "rg-network", "vnet-spoke", "aks-nodes")
        .body
        .expect("subnet");
    let first = subnet["properties"]["ipConfigurations"][0]["id"].clone();
    assert!(
        first.as_str().is_some_and(|id| id.starts_with(
            "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/MC_rg-platform_aks-one_eastus/providers/Microsoft.Compute/virtualMachineScaleSets/aks-system-"
        ) && id.contains("/virtualMachines/0/networkInterfaces/aks-system-")
            && id.ends_with("/ipConfigurations/ipconfig1")),
        "{first}"
    );
    run_to_the_end(&mut plane);
    let cluster = properties(&mut plane, "rg-platform", "aks-one");
    assert_eq!(cluster["provisioningState"], "Succeeded");
    assert_eq!(
        cluster["agentPoolProfiles"][1]["vnetSubnetID"],
        json!(format!("{SPOKE}/subnets/aks-nodes"))
    );
    assert_eq!(cluster["agentPoolProfiles"][1]["maxPods"], 30);
    assert_eq!(cluster["networkProfile"]["networkPlugin"], "azure");
    assert!(cluster["networkProfile"].get("networkPluginMode").is_none());

    // 1019 − 93 = 926 free: 30 nodes (930 addresses) no longer fit, 28 (899) do.
    let reply = put(
        &mut plane,
        "aks-two",
        &subnet_body("eastus", "aks-nodes", 29),
    );
    let message = reply.body.as_ref().map(|b| b["message"].clone());
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{message:?}");
    assert!(
        message.as_ref().and_then(|m| m.as_str()).is_some_and(|m| m
            .starts_with("Pre-allocated IPs 930 exceeds IPs available 926 in Subnet Cidr 10.240.4.0/22, Subnet Name aks-nodes.")),
        "{message:?}"
    );
    // An update of the first cluster does not count its own addresses against itself.
    let reply = plane.put_cluster(
        &ORIGIN,
        SUB,
        "rg-platform",
        "aks-one",
        None,
        &subnet_body("eastus", "aks-nodes", 3),
    );
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    run_to_the_end(&mut plane);
    assert_eq!(held(&mut plane, "aks-nodes"), 124);

    let reply = plane.delete_cluster(&ORIGIN, SUB, "rg-platform", "aks-one");
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    assert_eq!(held(&mut plane, "aks-nodes"), 124, "held while deleting");
    run_to_the_end(&mut plane);
    assert_eq!(held(&mut plane, "aks-nodes"), 0, "released once deleted");
    let reply = put(
        &mut plane,
        "aks-two",
        &subnet_body("eastus", "aks-nodes", 29),
    );
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
}

#[test]
fn a_subnet_must_exist_and_be_in_the_cluster_s_region() {
    let mut plane = ControlPlane::new(World::default_world().expect("world"));
    let reply = put(&mut plane, "aks-x", &subnet_body("eastus", "aks-gone", 1));
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.body.expect("body")["message"],
        "Could not find subnet aks-gone in vnet vnet-spoke from resource group rg-network of subscription 8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f."
    );
    let reply = put(
        &mut plane,
        "aks-x",
        &subnet_body("westeurope", "aks-nodes", 1),
    );
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let body = reply.body.expect("body");
    assert_eq!(body["code"], "InvalidParameter");
    assert_eq!(body["target"], "agentPoolProfile.vnetSubnetID");
    assert!(
        body["message"].as_str().is_some_and(|m| m.starts_with(
            "The Agentpool system's vnet vnet-spoke is in location 'eastus', which is not the location 'westeurope'"
        )),
        "{body}"
    );
    let mut body = subnet_body("eastus", "aks-nodes", 1);
    body["properties"]["agentPoolProfiles"][0]["vnetSubnetID"] = json!("10.240.4.0/22");
    let reply = put(&mut plane, "aks-x", &body);
    assert_eq!(
        reply.body.expect("body")["message"],
        "The value of parameter agentPoolProfile.vnetSubnetID is invalid."
    );
}

#[test]
fn virtual_networks_read_as_arm_answers_them() {
    let mut plane = ControlPlane::new(World::default_world().expect("world"));
    let list = plane.list_virtual_networks(SUB, None).expect("list");
    assert_eq!(list.len(), 1);
    let vnet = &list[0];
    assert_eq!(vnet["id"], SPOKE);
    assert_eq!(vnet["type"], "Microsoft.Network/virtualNetworks");
    assert_eq!(vnet["location"], "eastus");
    assert_eq!(
        vnet["properties"]["addressSpace"],
        json!({ "addressPrefixes": ["10.240.0.0/16"] })
    );
    assert_eq!(
        vnet["properties"]["subnets"][0],
        json!({
            "id": format!("{SPOKE}/subnets/aks-small"),
            "name": "aks-small",
            "type": "Microsoft.Network/virtualNetworks/subnets",
            "properties": {
                "provisioningState": "Succeeded",
                "addressPrefix": "10.240.0.0/27",
                "delegations": [],
                "privateEndpointNetworkPolicies": "Disabled",
                "privateLinkServiceNetworkPolicies": "Enabled",
            },
        })
    );
    assert!(
        plane
            .list_virtual_networks(OTHER_SUB, None)
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        plane
            .list_virtual_networks(SUB, Some("rg-platform"))
            .expect("list"),
        Vec::<Value>::new()
    );
    assert_eq!(
        plane
            .list_virtual_networks(SUB, Some("rg-none"))
            .unwrap_err()
            .status,
        StatusCode::NOT_FOUND
    );
    let subnets = plane
        .list_subnets(SUB, "RG-Network", "VNET-SPOKE")
        .expect("subnets");
    assert_eq!(subnets.len(), 2);
    let one = plane.get_virtual_network(SUB, "rg-network", "vnet-spoke");
    assert_eq!(one.body.expect("vnet")["name"], "vnet-spoke");
    let missing = plane.get_virtual_network(SUB, "rg-network", "vnet-hub");
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.body.expect("body")["error"]["code"],
        "ResourceNotFound"
    );
    let missing = plane.get_subnet(SUB, "rg-network", "vnet-spoke", "aks-gone");
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.body.expect("body")["error"]["message"],
        format!("Resource {SPOKE}/subnets/aks-gone not found.")
    );
}
