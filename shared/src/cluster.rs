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

impl ClusterSummary {
    /// The power state worth showing: only for a cluster whose create or last change succeeded.
    /// ARM reports `Running` for a cluster still being created, and for one whose create failed
    /// or was cancelled, where it says nothing true about a usable cluster (issue 19).
    pub fn shown_power_state(&self) -> Option<&str> {
        self.provisioning_state
            .eq_ignore_ascii_case("Succeeded")
            .then_some(self.power_state.as_deref())
            .flatten()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(provisioning_state: &str, power_state: Option<&str>) -> ClusterSummary {
        ClusterSummary {
            name: "aks-one".into(),
            resource_group: "rg-one".into(),
            region: "eastus".into(),
            kubernetes_version: None,
            provisioning_state: provisioning_state.into(),
            power_state: power_state.map(Into::into),
            pools: Vec::new(),
            portal_url: String::new(),
        }
    }

    #[test]
    fn only_a_succeeded_cluster_shows_its_power_state() {
        assert_eq!(
            cluster("Succeeded", Some("Stopped")).shown_power_state(),
            Some("Stopped")
        );
        for state in ["Creating", "Failed", "Canceled", "Deleting"] {
            assert_eq!(
                cluster(state, Some("Running")).shown_power_state(),
                None,
                "{state}"
            );
        }
        assert_eq!(cluster("Succeeded", None).shown_power_state(), None);
    }
}
