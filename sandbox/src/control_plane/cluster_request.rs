//! The validation of a managed-cluster PUT's body, as ARM (location) and AKS (DNS prefix,
//! Kubernetes version, node pools with their sizes and zones) answer it, into the
//! [`ClusterRequest`] a create or update starts from. The pools' subnets are checked next, by
//! `network` (they need the cloud's other clusters).

use super::ControlPlane;
use super::catalogue::{location_not_available, location_restriction};
use super::model::{NetworkChoice, Pool, lower};
use crate::reply::Reply;
use crate::world::RegionConfig;
use axum::http::StatusCode;
use serde_json::{Value, json};
use shared::naming::validate_pool_name;

/// What a managed-cluster PUT asked for, after validation.
pub(super) struct ClusterRequest {
    pub(super) location: String,
    pub(super) dns_prefix: String,
    pub(super) kubernetes_version: String,
    pub(super) current_kubernetes_version: String,
    pub(super) tags: Value,
    pub(super) pools: Vec<Pool>,
    pub(super) network: NetworkChoice,
}

/// Where a cluster is being written: its names, for AKS's messages.
#[derive(Clone, Copy)]
pub(super) struct ClusterName<'a> {
    pub(super) group: &'a str,
    pub(super) name: &'a str,
}

/// AKS's 400 `InvalidParameter`.
fn invalid(message: String) -> Reply {
    Reply::aks_error(StatusCode::BAD_REQUEST, "InvalidParameter", message)
}

impl ControlPlane {
    /// Checks the body of a PUT of cluster `name` in the order ARM and AKS do; the first
    /// refusal is the answer.
    pub(super) fn validate_cluster_body(
        &self,
        cluster: ClusterName<'_>,
        body: &Value,
    ) -> Result<ClusterRequest, Reply> {
        let name = cluster.name;
        let (location, region) = self.cluster_region(body)?;
        let properties = body.get("properties").cloned().unwrap_or(Value::Null);
        let dns_prefix = match properties.get("dnsPrefix").and_then(Value::as_str) {
            Some(prefix) if !prefix.is_empty() => prefix.to_owned(),
            _ => {
                return Err(invalid(
                    "Required parameter dnsPrefix is missing (null).".into(),
                ));
            }
        };
        let requested_version = properties
            .get("kubernetesVersion")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let current_kubernetes_version = self.resolve_version(&requested_version).ok_or_else(|| {
            Reply::aks_error(
                StatusCode::BAD_REQUEST,
                "K8sVersionNotSupported",
                format!("Version {requested_version} is not supported in this region. Please use [az aks get-versions] command to get the supported version list in this region."),
            )
        })?;
        let pools = self.node_pools(&properties, region, cluster)?;
        if !pools.iter().any(|p| p.mode == "System") {
            return Err(invalid(format!(
                "Managed cluster '{name}' must have at least one agent pool with mode 'System'. Please see https://aka.ms/aks/nodepool/mode for more details."
            )));
        }
        Ok(ClusterRequest {
            location,
            dns_prefix,
            kubernetes_version: requested_version,
            current_kubernetes_version,
            tags: body.get("tags").cloned().unwrap_or_else(|| json!({})),
            pools,
            network: network_choice(&properties),
        })
    }

    /// The body's location (lower-cased) and its region, which must offer AKS.
    fn cluster_region(&self, body: &Value) -> Result<(String, &RegionConfig), Reply> {
        let Some(location) = body.get("location").and_then(Value::as_str) else {
            return Err(Reply::arm_error(
                StatusCode::BAD_REQUEST,
                "LocationRequired",
                "The location property is required for this definition.",
            ));
        };
        let location = lower(location);
        match self.world.region(&location) {
            Some(region) if region.aks => Ok((location, region)),
            _ => Err(location_not_available(
                &location,
                "Microsoft.ContainerService/managedClusters",
                &self.world,
            )),
        }
    }

    /// The `agentPoolProfiles`, each checked; at least one is required.
    fn node_pools(
        &self,
        properties: &Value,
        region: &RegionConfig,
        cluster: ClusterName<'_>,
    ) -> Result<Vec<Pool>, Reply> {
        let profiles = properties
            .get("agentPoolProfiles")
            .and_then(Value::as_array)
            .filter(|profiles| !profiles.is_empty())
            .ok_or_else(|| {
                invalid("Required parameter agentPoolProfiles is missing (null).".into())
            })?;
        let mut pools: Vec<Pool> = Vec::new();
        for profile in profiles {
            let pool = self.node_pool(profile, &pools, region, cluster)?;
            pools.push(pool);
        }
        Ok(pools)
    }

    /// One agent pool profile: its name (unique among `earlier`), mode, count, VM size and zones.
    fn node_pool(
        &self,
        profile: &Value,
        earlier: &[Pool],
        region: &RegionConfig,
        cluster: ClusterName<'_>,
    ) -> Result<Pool, Reply> {
        let location = region.name.as_str();
        let pool_name = profile.get("name").and_then(Value::as_str).unwrap_or("");
        if let Err(error) = validate_pool_name(pool_name) {
            return Err(invalid(format!(
                "The value of parameter agentPoolProfile.name is invalid. {error}"
            )));
        }
        if earlier.iter().any(|p| p.name == pool_name) {
            return Err(invalid(format!(
                "The agent pool name '{pool_name}' is used more than once."
            )));
        }
        let mode = profile
            .get("mode")
            .and_then(Value::as_str)
            .unwrap_or("User");
        let mode = if mode.eq_ignore_ascii_case("System") {
            "System"
        } else {
            "User"
        };
        let count = profile.get("count").and_then(Value::as_i64).unwrap_or(1);
        let minimum = if mode == "System" { 1 } else { 0 };
        if !(minimum..=1000).contains(&count) {
            return Err(invalid(format!(
                "The value of parameter agentPoolProfile.count is invalid. Please see https://aka.ms/aks-naming-rules for more details. Count for {mode} pool '{pool_name}' must be between {minimum} and 1000, got {count}."
            )));
        }
        let vm_size = profile.get("vmSize").and_then(Value::as_str).unwrap_or("");
        let blocked = || {
            Reply::aks_error(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                format!(
                    "The VM size of AgentPoolProfile:{pool_name} is not allowed in your subscription in location '{location}'.  For more details, please visit https://aka.ms/cpu-quota"
                ),
            )
        };
        let size = self.world.vm_size(vm_size).ok_or_else(blocked)?;
        if location_restriction(&region.restrictions, &size.name).is_some() {
            return Err(blocked());
        }
        if mode == "System" && (size.vcpus < 2 || size.memory_gb < 4.0) {
            return Err(invalid(format!(
                "System node pool '{pool_name}' must use a VM size with at least 2 vCPUs and 4 GB of memory; {} has {} vCPUs and {} GB.",
                size.name, size.vcpus, size.memory_gb
            )));
        }
        let zones = zones_of(profile, pool_name)?;
        check_zones(region, &size.name, &zones, pool_name, cluster)?;
        Ok(Pool {
            name: pool_name.to_owned(),
            mode: mode.to_owned(),
            vm_size: size.name.clone(),
            count: u32::try_from(count).unwrap_or(0),
            provisioning_state: String::new(),
            provisioning_error: None,
            zones,
            vnet_subnet_id: profile
                .get("vnetSubnetID")
                .and_then(Value::as_str)
                .filter(|id| !id.is_empty())
                .map(str::to_owned),
            max_pods: profile
                .get("maxPods")
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok()),
        })
    }

    /// Resolves "", "1.x" or "1.x.y" to a supported patch version.
    fn resolve_version(&self, requested: &str) -> Option<String> {
        let defaults = &self.world.cluster_defaults;
        if requested.is_empty() {
            return Some(defaults.default_kubernetes_version.clone());
        }
        defaults
            .kubernetes_versions
            .iter()
            .filter(|v| *v == requested || v.starts_with(&format!("{requested}.")))
            .max_by_key(|v| {
                v.split('.')
                    .filter_map(|p| p.parse::<u32>().ok())
                    .collect::<Vec<_>>()
            })
            .cloned()
    }
}

/// `networkProfile.networkPlugin` and `networkPluginMode`, as asked.
fn network_choice(properties: &Value) -> NetworkChoice {
    let field = |name: &str| {
        properties
            .pointer(&format!("/networkProfile/{name}"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    NetworkChoice {
        plugin: field("networkPlugin"),
        mode: field("networkPluginMode"),
    }
}

/// A profile's `availabilityZones`: strings, each once; 400 for anything else.
fn zones_of(profile: &Value, pool_name: &str) -> Result<Vec<String>, Reply> {
    let Some(list) = profile.get("availabilityZones").filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let zones: Option<Vec<String>> = list
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|z| z.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or(None);
    match zones {
        Some(mut zones) => {
            zones.dedup();
            Ok(zones)
        }
        None => Err(invalid(format!(
            "The value of parameter agentPoolProfile.availabilityZones is invalid for agent pool '{pool_name}': a list of zone names such as [\"1\", \"2\"] is expected."
        ))),
    }
}

/// AKS's pre-flight check of a pool's zones: each must be a zone of the region where the size
/// has no zone restriction (the SKU list's `Zone` restrictions), else 400
/// `AvailabilityZoneNotSupported` naming the zones asked and the ones the size supports there.
fn check_zones(
    region: &RegionConfig,
    vm_size: &str,
    zones: &[String],
    pool_name: &str,
    cluster: ClusterName<'_>,
) -> Result<(), Reply> {
    let restricted: Vec<&String> = region
        .restrictions
        .iter()
        .filter(|r| r.vm_size.eq_ignore_ascii_case(vm_size))
        .flat_map(|r| &r.zones)
        .collect();
    let supported: Vec<&str> = region
        .zones
        .iter()
        .filter(|z| !restricted.contains(z))
        .map(String::as_str)
        .collect();
    let unsupported: Vec<&str> = zones
        .iter()
        .map(String::as_str)
        .filter(|z| !supported.contains(z))
        .collect();
    if unsupported.is_empty() {
        return Ok(());
    }
    Err(Reply::aks_error(
        StatusCode::BAD_REQUEST,
        "AvailabilityZoneNotSupported",
        format!(
            "Preflight validation check for resource(s) for container service {} in resource group {} failed. Message: The zone(s) '{}' for resource '{pool_name}' is not supported. The supported zones for location '{}' are '{}'",
            cluster.name,
            cluster.group,
            unsupported.join(","),
            region.name,
            supported.join(",")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::World;

    #[test]
    fn versions_resolve_to_the_newest_matching_patch() {
        let plane = ControlPlane::new(World::default_world().expect("world"));
        assert_eq!(plane.resolve_version("").as_deref(), Some("1.33.5"));
        assert_eq!(plane.resolve_version("1.34").as_deref(), Some("1.34.1"));
        assert_eq!(plane.resolve_version("1.32.9").as_deref(), Some("1.32.9"));
        assert_eq!(plane.resolve_version("1.3"), None);
        assert_eq!(plane.resolve_version("1.99"), None);
    }
}
