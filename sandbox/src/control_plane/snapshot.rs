//! The control plane as data: everything a sandbox that keeps its state writes to disk and
//! reads back at its next start (resource groups, clusters, operations with their wall-clock
//! timings, and the quota the competing deployments took). The world itself is not part of it:
//! it comes from the world file at every start, as Azure's catalogue does not move with one's
//! resources.
//!
//! Maps are written as lists of their values; the keys (lower-cased names, operation ids) are
//! rebuilt from the values on the way back, so a snapshot cannot disagree with itself.

use super::ControlPlane;
use super::model::{Cluster, Operation, ResourceGroup, cluster_key, lower};
use crate::world::World;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The state of a [`ControlPlane`], serializable.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    groups: Vec<ResourceGroup>,
    clusters: Vec<Cluster>,
    operations: Vec<Operation>,
    competing_claims: Vec<CompetingClaim>,
    /// Creates accepted per lower-cased cluster id (absent in files written before it existed).
    #[serde(default)]
    accepted_creates: BTreeMap<String, u32>,
}

/// The vCPUs a competing deployment took in one subscription × region.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompetingClaim {
    subscription: String,
    region: String,
    vcpus: i64,
}

impl ControlPlane {
    /// Everything this control plane holds beyond its world.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            groups: self.groups.values().cloned().collect(),
            clusters: self.clusters.values().cloned().collect(),
            operations: self.operations.values().cloned().collect(),
            competing_claims: self
                .competing_claims
                .iter()
                .map(|((subscription, region), vcpus)| CompetingClaim {
                    subscription: subscription.clone(),
                    region: region.clone(),
                    vcpus: *vcpus,
                })
                .collect(),
            accepted_creates: self.accepted_creates.clone(),
        }
    }

    /// A control plane for `world` holding what `snapshot` recorded, instead of the world's
    /// seeds. Operations carry on from their recorded start times: one that should have ended
    /// while nothing ran ends, at the time it would have, when it is next read.
    pub fn restore(world: World, snapshot: Snapshot) -> Self {
        Self {
            world,
            groups: snapshot
                .groups
                .into_iter()
                .map(|group| ((lower(&group.subscription), lower(&group.name)), group))
                .collect(),
            clusters: snapshot
                .clusters
                .into_iter()
                .map(|cluster| {
                    let key = cluster_key(
                        &cluster.subscription,
                        &cluster.resource_group,
                        &cluster.name,
                    );
                    (key, cluster)
                })
                .collect(),
            operations: snapshot
                .operations
                .into_iter()
                .map(|operation| (lower(&operation.id), operation))
                .collect(),
            competing_claims: snapshot
                .competing_claims
                .into_iter()
                .map(|claim| ((claim.subscription, claim.region), claim.vcpus))
                .collect(),
            accepted_creates: snapshot.accepted_creates,
        }
    }
}
