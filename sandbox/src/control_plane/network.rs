//! Virtual networks: ARM's `Microsoft.Network` reads of the world's VNets and subnets, with the
//! addresses the sandbox's clusters hold in each subnet (`properties.ipConfigurations`), and
//! AKS's synchronous checks of a PUT whose agent pools join a subnet through `vnetSubnetID`: the
//! subnet exists, lies in the cluster's region, and has room (docs/ARM_FACTS.md §14).

use super::ControlPlane;
use super::cluster_request::{ClusterName, ClusterRequest};
use super::groups::group_not_found;
use super::model::{Cluster, ClusterKey, lower};
use crate::reply::Reply;
use crate::world::{SubnetSeed, VirtualNetworkSeed};
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// A subnet's ARM id, parsed: (subscription, resource group, VNet, subnet) as written.
struct SubnetId<'a> {
    subscription: &'a str,
    group: &'a str,
    vnet: &'a str,
    subnet: &'a str,
}

impl<'a> SubnetId<'a> {
    /// `/subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Network/virtualNetworks/{v}/subnets/{n}`
    /// (fixed segments in any case); `None` for anything else.
    fn parse(id: &'a str) -> Option<Self> {
        let parts: Vec<&str> = id.trim_matches('/').split('/').collect();
        let fixed = [
            (0, "subscriptions"),
            (2, "resourcegroups"),
            (4, "providers"),
            (5, "microsoft.network"),
            (6, "virtualnetworks"),
            (8, "subnets"),
        ];
        let shaped = parts.len() == 10
            && fixed
                .iter()
                .all(|(i, word)| parts[*i].eq_ignore_ascii_case(word))
            && parts.iter().all(|p| !p.is_empty());
        shaped.then(|| Self {
            subscription: parts[1],
            group: parts[3],
            vnet: parts[7],
            subnet: parts[9],
        })
    }
}

/// The lower-cased id of a subnet, as pools are matched to it.
fn subnet_key(subscription: &str, group: &str, vnet: &str, subnet: &str) -> String {
    lower(&subnet_id(subscription, group, vnet, subnet))
}

fn vnet_id(subscription: &str, group: &str, vnet: &str) -> String {
    format!(
        "/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Network/virtualNetworks/{vnet}"
    )
}

fn subnet_id(subscription: &str, group: &str, vnet: &str, subnet: &str) -> String {
    format!("{}/subnets/{subnet}", vnet_id(subscription, group, vnet))
}

/// The key of a pool's `vnetSubnetID`, if it names a subnet.
fn pool_subnet_key(id: &str) -> Option<String> {
    SubnetId::parse(id).map(|s| subnet_key(s.subscription, s.group, s.vnet, s.subnet))
}

impl ControlPlane {
    /// The world's VNet of this name in a resource group (case-insensitive).
    fn vnet(&self, subscription: &str, group: &str, name: &str) -> Option<&VirtualNetworkSeed> {
        self.world.virtual_networks.iter().find(|v| {
            v.subscription.eq_ignore_ascii_case(subscription)
                && v.resource_group.eq_ignore_ascii_case(group)
                && v.name.eq_ignore_ascii_case(name)
        })
    }

    /// `GET /subscriptions/{s}[/resourceGroups/{g}]/providers/Microsoft.Network/virtualNetworks`.
    pub fn list_virtual_networks(
        &mut self,
        subscription: &str,
        group: Option<&str>,
    ) -> Result<Vec<Value>, Reply> {
        self.advance(OffsetDateTime::now_utc());
        if let Some(group) = group
            && self.group(subscription, group).is_none()
        {
            return Err(group_not_found(group));
        }
        Ok(self
            .world
            .virtual_networks
            .iter()
            .filter(|v| v.subscription.eq_ignore_ascii_case(subscription))
            .filter(|v| group.is_none_or(|g| v.resource_group.eq_ignore_ascii_case(g)))
            .map(|v| self.vnet_json(v))
            .collect())
    }

    /// `GET …/virtualNetworks/{v}`.
    pub fn get_virtual_network(&mut self, subscription: &str, group: &str, name: &str) -> Reply {
        self.advance(OffsetDateTime::now_utc());
        match self.found_vnet(subscription, group, name) {
            Ok(vnet) => Reply::json(StatusCode::OK, self.vnet_json(vnet)),
            Err(reply) => reply,
        }
    }

    /// `GET …/virtualNetworks/{v}/subnets`.
    pub fn list_subnets(
        &mut self,
        subscription: &str,
        group: &str,
        name: &str,
    ) -> Result<Vec<Value>, Reply> {
        self.advance(OffsetDateTime::now_utc());
        let vnet = self.found_vnet(subscription, group, name)?;
        Ok(vnet
            .subnets
            .iter()
            .map(|s| self.subnet_json(vnet, s))
            .collect())
    }

    /// `GET …/virtualNetworks/{v}/subnets/{n}`: 404 `NotFound` from the network resource
    /// provider when the VNet exists without it.
    pub fn get_subnet(
        &mut self,
        subscription: &str,
        group: &str,
        name: &str,
        subnet: &str,
    ) -> Reply {
        self.advance(OffsetDateTime::now_utc());
        let vnet = match self.found_vnet(subscription, group, name) {
            Ok(vnet) => vnet,
            Err(reply) => return reply,
        };
        match vnet
            .subnets
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(subnet))
        {
            Some(found) => Reply::json(StatusCode::OK, self.subnet_json(vnet, found)),
            None => Reply::arm_error(
                StatusCode::NOT_FOUND,
                "NotFound",
                format!(
                    "Resource {} not found.",
                    subnet_id(subscription, group, name, subnet)
                ),
            ),
        }
    }

    /// The VNet; ARM's 404s for a missing group or VNet.
    fn found_vnet(
        &self,
        subscription: &str,
        group: &str,
        name: &str,
    ) -> Result<&VirtualNetworkSeed, Reply> {
        if self.group(subscription, group).is_none() {
            return Err(group_not_found(group));
        }
        self.vnet(subscription, group, name).ok_or_else(|| {
            Reply::arm_error(
                StatusCode::NOT_FOUND,
                "ResourceNotFound",
                format!(
                    "The Resource 'Microsoft.Network/virtualNetworks/{name}' under resource group '{group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
                ),
            )
        })
    }

    /// The IP configurations in subnet `key`, as ids: the world's other ones, then every node
    /// address of every sandbox cluster pool in it (a pool whose VMs were never allocated holds
    /// none), except those of the cluster `except`.
    fn ip_configurations(
        &self,
        key: &str,
        seed: &SubnetSeed,
        vnet: &VirtualNetworkSeed,
        except: Option<&ClusterKey>,
    ) -> Vec<String> {
        let mut ids: Vec<String> = (1..=seed.other_ip_configurations)
            .map(|n| {
                format!(
                    "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/networkInterfaces/nic-{}-{n:03}/ipConfigurations/ipconfig1",
                    vnet.subscription, vnet.resource_group, seed.name
                )
            })
            .collect();
        for (cluster_key, cluster) in &self.clusters {
            if except == Some(cluster_key) {
                continue;
            }
            for pool in cluster.pools.iter().filter(|p| {
                p.provisioning_error.is_none()
                    && p.vnet_subnet_id
                        .as_deref()
                        .and_then(pool_subnet_key)
                        .as_deref()
                        == Some(key)
            }) {
                let scale_set = scale_set_of(cluster, &pool.name);
                let per_node = pool.addresses_per_node(&cluster.network);
                for node in 0..pool.count {
                    ids.extend((1..=per_node).map(|n| {
                        format!("{scale_set}/virtualMachines/{node}/networkInterfaces/{}/ipConfigurations/ipconfig{n}", scale_set.rsplit('/').next().unwrap_or_default())
                    }));
                }
            }
        }
        ids
    }

    fn vnet_json(&self, vnet: &VirtualNetworkSeed) -> Value {
        let subnets: Vec<Value> = vnet
            .subnets
            .iter()
            .map(|s| self.subnet_json(vnet, s))
            .collect();
        json!({
            "id": vnet_id(&vnet.subscription, &vnet.resource_group, &vnet.name),
            "name": vnet.name,
            "type": "Microsoft.Network/virtualNetworks",
            "location": lower(&vnet.location),
            "tags": {},
            "properties": {
                "provisioningState": "Succeeded",
                "addressSpace": { "addressPrefixes": vnet.address_prefixes },
                "dhcpOptions": { "dnsServers": [] },
                "subnets": subnets,
                "virtualNetworkPeerings": [],
                "enableDdosProtection": false,
            },
        })
    }

    /// A subnet as ARM answers it; `ipConfigurations` is absent while the subnet has none.
    fn subnet_json(&self, vnet: &VirtualNetworkSeed, seed: &SubnetSeed) -> Value {
        let id = subnet_id(
            &vnet.subscription,
            &vnet.resource_group,
            &vnet.name,
            &seed.name,
        );
        let mut properties = json!({
            "provisioningState": "Succeeded",
            "addressPrefix": seed.address_prefix,
            "delegations": [],
            "privateEndpointNetworkPolicies": "Disabled",
            "privateLinkServiceNetworkPolicies": "Enabled",
        });
        let configurations = self.ip_configurations(&lower(&id), seed, vnet, None);
        if !configurations.is_empty() {
            properties["ipConfigurations"] = configurations
                .into_iter()
                .map(|id| json!({ "id": id }))
                .collect();
        }
        json!({
            "id": id,
            "name": seed.name,
            "type": "Microsoft.Network/virtualNetworks/subnets",
            "properties": properties,
        })
    }

    /// AKS's checks of the subnets a PUT's pools join: each `vnetSubnetID` names an existing
    /// subnet in the cluster's region, and every subnet has room for the addresses its pools
    /// take beside what others hold there (the cluster's own, for an update, aside).
    pub(super) fn check_subnets(
        &self,
        key: &ClusterKey,
        cluster: ClusterName<'_>,
        request: &ClusterRequest,
    ) -> Result<(), Reply> {
        let mut needed: BTreeMap<String, (u64, &VirtualNetworkSeed, &SubnetSeed)> = BTreeMap::new();
        for pool in &request.pools {
            let Some(id) = pool.vnet_subnet_id.as_deref() else {
                continue;
            };
            let parsed = SubnetId::parse(id).ok_or_else(|| {
                Reply::aks_error(
                    StatusCode::BAD_REQUEST,
                    "InvalidParameter",
                    "The value of parameter agentPoolProfile.vnetSubnetID is invalid.",
                )
                .with_target("agentPoolProfile.vnetSubnetID")
            })?;
            let vnet = self.vnet(parsed.subscription, parsed.group, parsed.vnet);
            let Some((vnet, seed)) = vnet.and_then(|v| {
                v.subnets
                    .iter()
                    .find(|s| s.name.eq_ignore_ascii_case(parsed.subnet))
                    .map(|s| (v, s))
            }) else {
                return Err(Reply::aks_error(
                    StatusCode::BAD_REQUEST,
                    "SubnetNotFound",
                    format!(
                        "Could not find subnet {} in vnet {} from resource group {} of subscription {}.",
                        parsed.subnet, parsed.vnet, parsed.group, parsed.subscription
                    ),
                ));
            };
            if !vnet.location.eq_ignore_ascii_case(&request.location) {
                // Code and opening from a real refusal (rancher/rancher#33517); the rest is reconstructed.
                return Err(Reply::aks_error(
                    StatusCode::BAD_REQUEST,
                    "InvalidParameter",
                    format!(
                        "The Agentpool {}'s vnet {} is in location '{}', which is not the location '{}' of managed cluster '{}'. The virtual network must be in the same region as the cluster.",
                        pool.name, vnet.name, lower(&vnet.location), request.location, cluster.name
                    ),
                )
                .with_target("agentPoolProfile.vnetSubnetID"));
            }
            let entry = needed
                .entry(subnet_key(
                    &vnet.subscription,
                    &vnet.resource_group,
                    &vnet.name,
                    &seed.name,
                ))
                .or_insert((0, vnet, seed));
            entry.0 += pool.subnet_addresses(&request.network);
        }
        for (subnet, (addresses, vnet, seed)) in needed {
            let held = self.ip_configurations(&subnet, seed, vnet, Some(key)).len() as u64;
            let free = seed.usable_addresses().unwrap_or(0).saturating_sub(held);
            if addresses > free {
                tracing::info!(subnet = %subnet, addresses, free, "sandbox: subnet too small");
                return Err(Reply::aks_error(
                    StatusCode::BAD_REQUEST,
                    "InsufficientSubnetSize",
                    format!(
                        "Pre-allocated IPs {addresses} exceeds IPs available {free} in Subnet Cidr {}, Subnet Name {}. http://aka.ms/aks/insufficientsubnetsize",
                        seed.address_prefix, seed.name
                    ),
                )
                .with_target("agentPoolProfile.vnetSubnetID"));
            }
        }
        Ok(())
    }
}

/// The ARM id of the scale set AKS deploys a pool of `cluster` into (in its node resource group).
fn scale_set_of(cluster: &Cluster, pool: &str) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/MC_{}_{}_{}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-{pool}-{:08}-vmss",
        cluster.subscription,
        cluster.resource_group,
        cluster.name,
        cluster.location,
        super::clusters::fnv1a(&cluster.name) % 100_000_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnet_ids_parse_in_any_case_and_nothing_else_does() {
        let id = "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualNetworks/v/subnets/n";
        let parsed = SubnetId::parse(id).expect("a subnet id");
        assert_eq!(
            (
                parsed.subscription,
                parsed.group,
                parsed.vnet,
                parsed.subnet
            ),
            ("s", "rg", "v", "n")
        );
        assert!(
            SubnetId::parse(
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"
            )
            .is_none()
        );
        assert!(SubnetId::parse("10.240.0.0/27").is_none());
        assert!(SubnetId::parse("/subscriptions/s/resourceGroups//providers/Microsoft.Network/virtualNetworks/v/subnets/n").is_none());
    }
}
