//! What the control plane holds: resource groups, managed clusters with their node pools, and
//! long-running operations, keyed by lower-cased names as ARM compares them.
//!
//! Every type serializes whole (serde derive), so a sandbox that keeps its state on disk keeps
//! every field, including ones added later. Times are wall-clock (`OffsetDateTime`), not
//! `Instant`: an operation must end at the same moment after a restart as it would have without
//! one, as on Azure.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;
use time::OffsetDateTime;

/// Lower-cased (subscription, resource group).
pub(super) type GroupKey = (String, String);
/// Lower-cased (subscription, resource group, cluster).
pub(super) type ClusterKey = (String, String, String);

/// The key of a cluster, whatever the case of the names it was addressed by.
pub(super) fn cluster_key(subscription: &str, group: &str, name: &str) -> ClusterKey {
    (lower(subscription), lower(group), lower(name))
}

/// ARM compares names case-insensitively; keys and locations are kept lower-cased.
pub(super) fn lower(value: &str) -> String {
    value.to_ascii_lowercase()
}

/// A resource group.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct ResourceGroup {
    pub(super) subscription: String,
    pub(super) name: String,
    pub(super) location: String,
}

/// A node pool of a cluster.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Pool {
    pub(super) name: String,
    pub(super) mode: String,
    pub(super) vm_size: String,
    pub(super) count: u32,
    pub(super) provisioning_state: String,
    pub(super) provisioning_error: Option<Value>,
    /// `availabilityZones` (empty: none asked for).
    #[serde(default)]
    pub(super) zones: Vec<String>,
    /// `vnetSubnetID`: the ARM id of the subnet its nodes join (None: AKS's own VNet).
    #[serde(default)]
    pub(super) vnet_subnet_id: Option<String>,
    /// `maxPods` as asked (None: AKS's default for the network plugin).
    #[serde(default)]
    pub(super) max_pods: Option<u32>,
}

impl Pool {
    /// Addresses each node takes in its subnet. Azure CNI (node subnet: plugin `azure`, no
    /// overlay) gives every pod a subnet address beside the node's own: maxPods (30 by default
    /// there) + 1. Kubenet and CNI overlay take one per node (docs/ARM_FACTS.md §14).
    pub(super) fn addresses_per_node(&self, network: &NetworkChoice) -> u64 {
        if network.is_azure_cni_node_subnet() {
            u64::from(self.max_pods_or_default(network)) + 1
        } else {
            1
        }
    }

    /// `maxPods` as AKS reports it: as asked, else its default for the plugin (30 with Azure
    /// CNI node subnet; the sandbox shows 110 for the others, as it always has).
    pub(super) fn max_pods_or_default(&self, network: &NetworkChoice) -> u32 {
        self.max_pods
            .unwrap_or(if network.is_azure_cni_node_subnet() {
                AZURE_CNI_DEFAULT_MAX_PODS
            } else {
                110
            })
    }

    /// Addresses the whole pool takes in its subnet.
    pub(super) fn subnet_addresses(&self, network: &NetworkChoice) -> u64 {
        u64::from(self.count) * self.addresses_per_node(network)
    }
}

/// AKS's default `maxPods` with Azure CNI (node subnet).
const AZURE_CNI_DEFAULT_MAX_PODS: u32 = 30;

/// A cluster's `networkProfile.networkPlugin` and `networkPluginMode`, as asked.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(super) struct NetworkChoice {
    pub(super) plugin: Option<String>,
    pub(super) mode: Option<String>,
}

impl NetworkChoice {
    /// Plugin `azure` without the overlay mode: every pod takes a subnet address.
    pub(super) fn is_azure_cni_node_subnet(&self) -> bool {
        self.plugin
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case("azure"))
            && !self
                .mode
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case("overlay"))
    }
}

/// A managed cluster.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Cluster {
    pub(super) subscription: String,
    pub(super) resource_group: String,
    pub(super) name: String,
    pub(super) location: String,
    pub(super) kubernetes_version: String,
    pub(super) current_kubernetes_version: String,
    pub(super) dns_prefix: String,
    pub(super) tags: Value,
    /// `properties.resourceUID`: new for every create, kept by updates (docs/ARM_FACTS.md §1).
    #[serde(default)]
    pub(super) resource_uid: String,
    pub(super) pools: Vec<Pool>,
    /// The network plugin asked for (absent in clusters saved before it was recorded).
    #[serde(default)]
    pub(super) network: NetworkChoice,
    pub(super) provisioning_state: String,
    pub(super) power_state: String,
    pub(super) running_operation: Option<String>,
}

/// What a long-running operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum OperationKind {
    Create,
    Delete,
    Abort,
}

/// An operation's status, as the async-operation resource reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum OperationStatus {
    InProgress,
    Canceling,
    Succeeded,
    Failed,
    Canceled,
}

impl OperationStatus {
    /// ARM's spelling.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "InProgress",
            Self::Canceling => "Canceling",
            Self::Succeeded => "Succeeded",
            Self::Failed => "Failed",
            Self::Canceled => "Canceled",
        }
    }

    /// True once the operation has ended.
    pub(super) fn is_terminal(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Canceled)
    }
}

/// A long-running operation.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Operation {
    pub(super) id: String,
    pub(super) subscription: String,
    pub(super) location: String,
    pub(super) cluster: ClusterKey,
    pub(super) kind: OperationKind,
    #[serde(with = "time::serde::rfc3339")]
    pub(super) started_at: OffsetDateTime,
    pub(super) duration: Duration,
    /// When the region's midway events (capacity, capacity-restricted sizes, the competing
    /// deployment's claim) are met; cleared once they have been, so they happen once.
    pub(super) hazard_at: Option<Duration>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub(super) abort_requested: Option<OffsetDateTime>,
    /// For an abort: the operation it cancels.
    pub(super) aborts: Option<String>,
    pub(super) status: OperationStatus,
    #[serde(with = "time::serde::rfc3339::option")]
    pub(super) ended_at: Option<OffsetDateTime>,
    pub(super) error: Option<Value>,
}

impl Operation {
    /// A new in-progress operation with a fresh id, started now.
    pub(super) fn start(
        kind: OperationKind,
        subscription: &str,
        location: &str,
        cluster: &ClusterKey,
        duration: Duration,
    ) -> Self {
        Self {
            id: uuid::Uuid::new_v4().to_string(),
            subscription: subscription.to_owned(),
            location: location.to_owned(),
            cluster: cluster.clone(),
            kind,
            started_at: OffsetDateTime::now_utc(),
            duration,
            hazard_at: None,
            abort_requested: None,
            aborts: None,
            status: OperationStatus::InProgress,
            ended_at: None,
            error: None,
        }
    }
}

/// A fresh `resourceUID`: 24 hexadecimal digits, the shape AKS returns.
pub(super) fn new_resource_uid() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..24].to_owned()
}

/// The time from `earlier` to `now`; zero when `now` is before it (the wall clock went back).
pub(super) fn since(now: OffsetDateTime, earlier: OffsetDateTime) -> Duration {
    Duration::try_from(now - earlier).unwrap_or(Duration::ZERO)
}
