//! A managed cluster as the dashboard lists it (`GET /api/aks/clusters`, the clusters card).

use serde::{Deserialize, Serialize};

/// One AKS cluster, flattened from the ARM resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterSummary {
    /// Cluster name.
    pub name: String,
    /// Resource group that holds it.
    pub resource_group: String,
    /// Programmatic region name.
    pub region: String,
    /// Resolved Kubernetes version (`currentKubernetesVersion`, else the requested one).
    pub kubernetes_version: Option<String>,
    /// ARM `provisioningState` (Creating, Succeeded, Failed, Canceled, …).
    pub provisioning_state: String,
    /// `powerState.code` (Running, Stopped) when reported.
    pub power_state: Option<String>,
    /// Node pools.
    pub pools: Vec<NodePoolSummary>,
    /// Portal page of the cluster.
    pub portal_url: String,
}

/// One node pool of a cluster, as the clusters list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodePoolSummary {
    /// Pool name.
    pub name: String,
    /// `System` or `User`.
    pub mode: String,
    /// VM size of its nodes.
    pub vm_size: String,
    /// Node count.
    pub count: i32,
    /// The pool's own provisioningState.
    pub provisioning_state: String,
}

/// The clusters of one subscription, as `list_clusters` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterListing {
    /// The subscription listed (the first reachable one when none was asked for); `None` when
    /// the identity reaches no subscription.
    pub subscription_id: Option<String>,
    /// Its clusters.
    pub clusters: Vec<ClusterSummary>,
}
