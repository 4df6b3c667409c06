//! The sandbox's control plane: resource groups, managed clusters and their long-running
//! operations, with quota accounting, as ARM and AKS behave (docs/ARM_FACTS.md §1–§5).
//!
//! Time is evaluated lazily: every operation remembers when it started (wall-clock time) and
//! how long it lasts, and [`ControlPlane::advance`] moves states forward whenever something is
//! read. No background task is needed, and a paused reader sees exactly what a poller would
//! have seen, even when the pause was a restart of the process.
//!
//! One [`ControlPlane`] holds the state; its methods are grouped by concern in the submodules:
//! the catalogue (subscriptions, providers, SKUs, usages), resource groups and permissions,
//! clusters (with the validation of a PUT's body in `cluster_request`), Azure Policy (`policy`),
//! virtual networks and the subnets pools join (`network`), quota, operations, and the failure
//! stories a create can meet midway. A [`Snapshot`] is that state as data, for a
//! sandbox that keeps it on disk.

mod catalogue;
mod cluster_request;
mod clusters;
mod failures;
mod groups;
mod model;
mod network;
mod operations;
mod policy;
mod quota;
mod snapshot;
#[cfg(test)]
mod tests;

pub use snapshot::Snapshot;

use crate::world::World;
use model::{Cluster, ClusterKey, GroupKey, Operation, Pool, ResourceGroup, lower};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Where an absolute URL handed out in headers points (scheme + host of the request).
pub struct Origin<'a> {
    /// e.g. `http://127.0.0.1:4100`.
    pub base_url: &'a str,
    /// The api-version the caller used; echoed into operation URLs as ARM does.
    pub api_version: &'a str,
}

/// Mutable state of the simulated cloud.
pub struct ControlPlane {
    world: World,
    groups: BTreeMap<GroupKey, ResourceGroup>,
    clusters: BTreeMap<ClusterKey, Cluster>,
    operations: BTreeMap<String, Operation>,
    /// Regional vCPUs the competing deployment took, per lower-cased (subscription, region).
    /// An entry is made once and never removed: that deployment keeps its VMs.
    competing_claims: BTreeMap<(String, String), i64>,
    /// Creates accepted (201) per lower-cased cluster id.
    accepted_creates: BTreeMap<String, u32>,
}

/// ARM's timestamps.
fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

/// A world timing in seconds (fractions allowed) as a duration.
fn seconds(value: f64) -> Duration {
    Duration::from_secs_f64(value.max(0.0))
}

impl ControlPlane {
    /// A control plane holding the world's seeded resource groups and clusters.
    pub fn new(world: World) -> Self {
        let mut plane = Self {
            world,
            groups: BTreeMap::new(),
            clusters: BTreeMap::new(),
            operations: BTreeMap::new(),
            competing_claims: BTreeMap::new(),
            accepted_creates: BTreeMap::new(),
        };
        for seed in plane.world.resource_groups.clone() {
            plane.groups.insert(
                (lower(&seed.subscription), lower(&seed.name)),
                ResourceGroup {
                    subscription: seed.subscription,
                    name: seed.name,
                    location: lower(&seed.location),
                },
            );
        }
        for seed in plane.world.clusters.clone() {
            let pools = seed
                .pools
                .iter()
                .map(|pool| Pool {
                    name: pool.name.clone(),
                    mode: pool.mode.clone(),
                    vm_size: pool.vm_size.clone(),
                    count: pool.count,
                    provisioning_state: "Succeeded".into(),
                    provisioning_error: None,
                    zones: Vec::new(),
                    vnet_subnet_id: None,
                    max_pods: None,
                })
                .collect();
            let key = (
                lower(&seed.subscription),
                lower(&seed.resource_group),
                lower(&seed.name),
            );
            plane.clusters.insert(
                key,
                Cluster {
                    subscription: seed.subscription,
                    resource_group: seed.resource_group,
                    dns_prefix: seed.name.clone(),
                    name: seed.name,
                    location: lower(&seed.location),
                    kubernetes_version: seed.kubernetes_version.clone(),
                    current_kubernetes_version: seed.kubernetes_version,
                    tags: json!({}),
                    resource_uid: model::new_resource_uid(),
                    pools,
                    network: model::NetworkChoice::default(),
                    provisioning_state: "Succeeded".into(),
                    power_state: "Running".into(),
                    running_operation: None,
                },
            );
        }
        plane
    }
}
