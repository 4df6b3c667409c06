//! Typed views of the ARM resources the dashboard reads and writes.
//!
//! Deserialisation is lenient (every field optional or defaulted) because ARM adds fields over
//! api-versions and AKS omits some while a cluster is being created.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use shared::cluster::{ClusterSummary, NodePoolSummary};
use shared::portal::{portal_resource_url, resource_group_of};
use std::collections::BTreeMap;

/// A subscription from `GET /subscriptions`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// GUID.
    pub subscription_id: String,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// `Enabled`, `Disabled`, `Warned`, …
    #[serde(default)]
    pub state: String,
}

/// A resource group.
#[derive(Clone, Debug, Deserialize)]
pub struct ResourceGroup {
    /// Name as ARM stores it.
    pub name: String,
    /// Programmatic region name.
    pub location: String,
}

/// A managed cluster as ARM returns it.
#[derive(Clone, Debug, Deserialize)]
pub struct ManagedCluster {
    /// Resource id.
    pub id: String,
    /// Cluster name.
    pub name: String,
    /// Region.
    pub location: String,
    /// ARM tags (names compare case-insensitively; values are kept as sent).
    #[serde(default)]
    pub tags: Option<BTreeMap<String, String>>,
    /// Properties.
    #[serde(default)]
    pub properties: ManagedClusterProperties,
}

/// `properties` of a managed cluster.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ManagedClusterProperties {
    /// Free-form string; missing means Succeeded (docs/ARM_FACTS.md §1).
    pub provisioning_state: Option<String>,
    /// Running or Stopped.
    pub power_state: Option<PowerState>,
    /// Version asked for.
    pub kubernetes_version: Option<String>,
    /// Version resolved by AKS.
    pub current_kubernetes_version: Option<String>,
    /// DNS prefix.
    pub dns_prefix: Option<String>,
    /// API server FQDN (absent while creating).
    pub fqdn: Option<String>,
    /// Node pools.
    pub agent_pool_profiles: Vec<AgentPoolProfile>,
    /// Tells apart clusters that reuse one resource id (create, delete, create again);
    /// docs/ARM_FACTS.md §1.
    #[serde(rename = "resourceUID")]
    pub resource_uid: Option<String>,
}

/// `powerState`.
#[derive(Clone, Debug, Deserialize)]
pub struct PowerState {
    /// `Running` or `Stopped`.
    pub code: String,
}

/// One node pool inside a managed cluster.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentPoolProfile {
    /// Pool name.
    pub name: String,
    /// Node count.
    #[serde(default)]
    pub count: Option<i32>,
    /// VM size.
    #[serde(default)]
    pub vm_size: Option<String>,
    /// System or User.
    #[serde(default)]
    pub mode: Option<String>,
    /// The pool's provisioningState.
    #[serde(default)]
    pub provisioning_state: Option<String>,
    /// `status.provisioningError`, after a failure.
    #[serde(default)]
    pub status: Option<AgentPoolStatus>,
}

/// `status` of a node pool.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentPoolStatus {
    /// The ARM error that failed this pool.
    #[serde(default)]
    pub provisioning_error: Option<Value>,
}

impl ManagedCluster {
    /// provisioningState, with ARM's rule that a missing value means Succeeded.
    pub fn provisioning_state(&self) -> &str {
        self.properties
            .provisioning_state
            .as_deref()
            .unwrap_or("Succeeded")
    }

    /// The flat view the dashboard shows.
    pub fn summary(&self) -> ClusterSummary {
        let properties = &self.properties;
        ClusterSummary {
            name: self.name.clone(),
            resource_group: resource_group_of(&self.id).unwrap_or_default().to_owned(),
            region: self.location.clone(),
            kubernetes_version: properties
                .current_kubernetes_version
                .clone()
                .or_else(|| properties.kubernetes_version.clone()),
            provisioning_state: self.provisioning_state().to_owned(),
            power_state: properties.power_state.as_ref().map(|p| p.code.clone()),
            pools: properties
                .agent_pool_profiles
                .iter()
                .map(|pool| NodePoolSummary {
                    name: pool.name.clone(),
                    mode: pool.mode.clone().unwrap_or_else(|| "User".into()),
                    vm_size: pool.vm_size.clone().unwrap_or_default(),
                    count: pool.count.unwrap_or(0),
                    provisioning_state: pool
                        .provisioning_state
                        .clone()
                        .unwrap_or_else(|| "Succeeded".into()),
                })
                .collect(),
            portal_url: portal_resource_url(&self.id),
        }
    }
}

/// What the dashboard asks AKS to create.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManagedClusterSpec {
    /// Region.
    pub location: String,
    /// DNS prefix (cannot change after create).
    pub dns_prefix: String,
    /// "1.x" or "1.x.y"; `None` means AKS's default.
    pub kubernetes_version: Option<String>,
    /// Node pools; at least one System pool.
    pub pools: Vec<NodePoolSpec>,
    /// ARM tags, the job's ownership mark among them.
    pub tags: BTreeMap<String, String>,
    /// Availability zones of every pool; empty leaves placement to Azure.
    #[serde(default)]
    pub zones: Vec<String>,
    /// ARM id of an existing subnet for every pool's nodes (Azure CNI); `None` lets AKS create
    /// its own virtual network.
    #[serde(default)]
    pub subnet_id: Option<String>,
}

/// One node pool to create.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodePoolSpec {
    /// Pool name (`^[a-z][a-z0-9]{0,11}$`).
    pub name: String,
    /// `System` or `User`.
    pub mode: String,
    /// VM size.
    pub vm_size: String,
    /// Node count.
    pub count: i32,
}

impl ManagedClusterSpec {
    /// The PUT body: SystemAssigned identity, Linux VMSS pools (docs/ARM_FACTS.md §1). Zones go
    /// on every pool as `availabilityZones`; a chosen subnet goes on every pool as
    /// `vnetSubnetID` with `networkProfile.networkPlugin: "azure"` (Azure CNI, `maxPods` left
    /// at AKS's default, which the pre-flight's address estimate assumes).
    pub fn to_request_body(&self) -> Value {
        let pools: Vec<Value> = self
            .pools
            .iter()
            .map(|pool| {
                let mut profile = json!({
                    "name": pool.name,
                    "count": pool.count,
                    "vmSize": pool.vm_size,
                    "mode": pool.mode,
                    "osType": "Linux",
                    "type": "VirtualMachineScaleSets",
                });
                if !self.zones.is_empty() {
                    profile["availabilityZones"] = json!(self.zones);
                }
                if let Some(subnet_id) = &self.subnet_id {
                    profile["vnetSubnetID"] = json!(subnet_id);
                }
                profile
            })
            .collect();
        let mut properties = json!({ "dnsPrefix": self.dns_prefix, "agentPoolProfiles": pools });
        if let Some(version) = self.kubernetes_version.as_deref().filter(|v| !v.is_empty()) {
            properties["kubernetesVersion"] = json!(version);
        }
        if self.subnet_id.is_some() {
            properties["networkProfile"] = json!({ "networkPlugin": "azure" });
        }
        json!({
            "location": self.location,
            "tags": self.tags,
            "identity": { "type": "SystemAssigned" },
            "properties": properties,
        })
    }
}

/// A VM size from resource SKUs, with what restricts it for this subscription.
#[derive(Clone, Debug, PartialEq)]
pub struct VmSku {
    /// e.g. `Standard_D4s_v5`.
    pub name: String,
    /// Quota family, joined with compute usages.
    pub family: String,
    /// vCPUs (capability `vCPUs`).
    pub vcpus: i32,
    /// Memory in GiB (capability `MemoryGB`).
    pub memory_gb: f64,
    /// Zones offered in the region.
    pub zones: Vec<String>,
    /// Restrictions for this subscription in the region.
    pub restrictions: Vec<SkuRestriction>,
}

/// One entry of a SKU's `restrictions`.
#[derive(Clone, Debug, PartialEq)]
pub struct SkuRestriction {
    /// `Location` or `Zone`.
    pub kind: String,
    /// `NotAvailableForSubscription` or `QuotaId`.
    pub reason_code: String,
    /// Restricted zones (for `Zone` restrictions).
    pub zones: Vec<String>,
}

/// One compute usage row (`cores` or a family).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComputeUsage {
    /// `name.value` and `name.localizedValue`.
    pub name: UsageName,
    /// vCPUs in use.
    pub current_value: i64,
    /// The quota.
    pub limit: i64,
}

impl From<ComputeUsage> for shared::preflight::QuotaUsage {
    fn from(usage: ComputeUsage) -> Self {
        Self {
            name: usage.name.value,
            current: usage.current_value,
            limit: usage.limit,
        }
    }
}

/// Name of a usage row.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageName {
    /// e.g. `cores`, `standardDSv5Family`.
    pub value: String,
    /// e.g. `Total Regional vCPUs`.
    #[serde(default)]
    pub localized_value: String,
}

/// Raw ResourceSku fields the client reads (docs/ARM_FACTS.md §2).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawSku {
    #[serde(default)]
    pub resource_type: String,
    pub name: String,
    #[serde(default)]
    pub family: String,
    #[serde(default)]
    pub capabilities: Vec<RawCapability>,
    #[serde(default)]
    pub location_info: Vec<RawLocationInfo>,
    #[serde(default)]
    pub restrictions: Vec<RawRestriction>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawCapability {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawLocationInfo {
    #[serde(default)]
    pub zones: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawRestriction {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub reason_code: String,
    #[serde(default)]
    pub restriction_info: Option<RawRestrictionInfo>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawRestrictionInfo {
    #[serde(default)]
    pub zones: Vec<String>,
}

impl RawSku {
    /// A VM SKU, or `None` for other resource types. Capabilities are strings in ARM.
    pub(crate) fn into_vm_sku(self) -> Option<VmSku> {
        if !self.resource_type.eq_ignore_ascii_case("virtualMachines") {
            return None;
        }
        let capability = |name: &str| {
            self.capabilities
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(name))
                .map(|c| c.value.clone())
        };
        let vcpus = capability("vCPUs")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let memory_gb = capability("MemoryGB")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0);
        Some(VmSku {
            zones: self
                .location_info
                .into_iter()
                .flat_map(|l| l.zones)
                .collect(),
            restrictions: self
                .restrictions
                .into_iter()
                .map(|r| SkuRestriction {
                    kind: r.kind,
                    reason_code: r.reason_code,
                    zones: r.restriction_info.map(|i| i.zones).unwrap_or_default(),
                })
                .collect(),
            name: self.name,
            family: self.family,
            vcpus,
            memory_gb,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_get_example_becomes_a_summary() {
        let example = include_str!("../../tests/fixtures/ManagedClustersGet.json");
        let document: Value = serde_json::from_str(example).expect("example json");
        let cluster: ManagedCluster =
            serde_json::from_value(document["responses"]["200"]["body"].clone()).expect("cluster");
        let summary = cluster.summary();
        assert_eq!(summary.name, "clustername1");
        assert_eq!(summary.resource_group, "rg1");
        assert_eq!(summary.kubernetes_version.as_deref(), Some("1.9.6"));
        assert_eq!(summary.provisioning_state, "Succeeded");
        assert_eq!(summary.pools[0].name, "nodepool1");
        assert_eq!(summary.pools[0].count, 3);
        assert!(
            summary
                .portal_url
                .starts_with("https://portal.azure.com/#resource/subscriptions/")
        );
    }

    #[test]
    fn official_sku_example_reads_strings_as_numbers() {
        let example = include_str!("../../tests/fixtures/ListAvailableResourceSkusForARegion.json");
        let document: Value = serde_json::from_str(example).expect("example json");
        let skus: Vec<RawSku> =
            serde_json::from_value(document["responses"]["200"]["body"]["value"].clone())
                .expect("skus");
        let first = skus
            .into_iter()
            .find_map(RawSku::into_vm_sku)
            .expect("a VM sku");
        assert_eq!(first.name, "Standard_A0");
        assert_eq!(first.vcpus, 1);
        assert!((first.memory_gb - 0.75).abs() < f64::EPSILON);
        assert_eq!(first.family, "standardA0_A7Family");
    }

    #[test]
    fn request_body_has_identity_pools_and_optional_version() {
        let spec = ManagedClusterSpec {
            location: "eastus".into(),
            dns_prefix: "aks1".into(),
            kubernetes_version: None,
            pools: vec![NodePoolSpec {
                name: "system".into(),
                mode: "System".into(),
                vm_size: "Standard_D2s_v5".into(),
                count: 1,
            }],
            tags: BTreeMap::from([("aks-dashboard-job".to_owned(), "j".to_owned())]),
            zones: Vec::new(),
            subnet_id: None,
        };
        let body = spec.to_request_body();
        assert_eq!(body["tags"]["aks-dashboard-job"], "j");
        assert_eq!(body["identity"]["type"], "SystemAssigned");
        let pool = &body["properties"]["agentPoolProfiles"][0];
        assert_eq!(pool["vmSize"], "Standard_D2s_v5");
        assert!(body["properties"].get("kubernetesVersion").is_none());
        assert!(pool.get("availabilityZones").is_none(), "{pool}");
        assert!(pool.get("vnetSubnetID").is_none(), "{pool}");
        assert!(body["properties"].get("networkProfile").is_none());
    }

    #[test]
    fn zones_and_subnet_go_on_every_pool_with_azure_cni() {
        let pool = |name: &str, mode: &str| NodePoolSpec {
            name: name.into(),
            mode: mode.into(),
            vm_size: "Standard_D4as_v5".into(),
            count: 2,
        };
        let subnet = "/subscriptions/s/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/aks-nodes";
        let spec = ManagedClusterSpec {
            location: "eastus".into(),
            dns_prefix: "aks1".into(),
            kubernetes_version: None,
            pools: vec![pool("system", "System"), pool("workers", "User")],
            tags: BTreeMap::new(),
            zones: vec!["2".into(), "3".into()],
            subnet_id: Some(subnet.into()),
        };
        let body = spec.to_request_body();
        let pools = body["properties"]["agentPoolProfiles"]
            .as_array()
            .expect("pools");
        assert_eq!(pools.len(), 2);
        for pool in pools {
            assert_eq!(pool["availabilityZones"], json!(["2", "3"]), "{pool}");
            assert_eq!(pool["vnetSubnetID"], subnet, "{pool}");
        }
        assert_eq!(
            body["properties"]["networkProfile"]["networkPlugin"],
            "azure"
        );
    }
}
