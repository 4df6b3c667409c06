//! Quota accounting: limits as a subscription sees them, vCPUs the sandbox's clusters and the
//! world outside them use, and AKS's synchronous quota check of a create or update.

use super::ControlPlane;
use super::cluster_request::ClusterRequest;
use super::model::{ClusterKey, lower};
use crate::reply::Reply;
use crate::world::RegionConfig;
use axum::http::StatusCode;
use std::collections::BTreeMap;

impl ControlPlane {
    /// A quota limit of the world as `subscription` sees it (scaled by its `quota_scale`).
    pub(super) fn scaled_limit(&self, subscription: &str, limit: u32) -> i64 {
        let scale = self
            .world
            .subscription(subscription)
            .map_or(1.0, |s| s.quota_scale);
        (f64::from(limit) * scale).floor() as i64
    }

    /// Regional vCPUs used outside the sandbox's clusters in one subscription × region: the
    /// region's configured usage plus what the competing deployment took there, once it has.
    pub(super) fn outside_regional_usage(&self, subscription: &str, region: &RegionConfig) -> i64 {
        let claimed = self
            .competing_claims
            .get(&(lower(subscription), lower(&region.name)))
            .copied()
            .unwrap_or(0);
        i64::from(region.regional_vcpu_usage) + claimed
    }

    /// vCPUs used per family by the sandbox's clusters in one subscription × region. Failed and
    /// Canceled clusters keep counting until deleted, as their scale sets still hold the VMs;
    /// a pool whose VMs could not be allocated (it carries a provisioning error) holds none.
    pub(super) fn cluster_usage(
        &self,
        subscription: &str,
        location: &str,
    ) -> BTreeMap<String, i64> {
        let mut usage = BTreeMap::new();
        for cluster in self.clusters.values() {
            if !cluster.subscription.eq_ignore_ascii_case(subscription)
                || cluster.location != lower(location)
            {
                continue;
            }
            for pool in cluster
                .pools
                .iter()
                .filter(|p| p.provisioning_error.is_none())
            {
                if let Some(size) = self.world.vm_size(&pool.vm_size) {
                    *usage.entry(size.family.clone()).or_insert(0) +=
                        i64::from(pool.count * size.vcpus);
                }
            }
        }
        usage
    }

    /// AKS's synchronous quota check: per family first, then the regional total.
    pub(super) fn check_quota(
        &self,
        subscription: &str,
        key: &ClusterKey,
        request: &ClusterRequest,
    ) -> Option<Reply> {
        let region = self.world.region(&request.location)?;
        let scaled = |limit: u32| self.scaled_limit(subscription, limit);
        let surge = self.world.cluster_defaults.surge_nodes_per_pool;
        let mut needed: BTreeMap<String, i64> = BTreeMap::new();
        for pool in &request.pools {
            if let Some(size) = self.world.vm_size(&pool.vm_size) {
                *needed.entry(size.family.clone()).or_insert(0) +=
                    i64::from((pool.count + surge) * size.vcpus);
            }
        }
        // An update only needs what it adds beyond what the cluster already holds.
        let mut usage = self.cluster_usage(subscription, &request.location);
        if let Some(current) = self.clusters.get(key) {
            for pool in current
                .pools
                .iter()
                .filter(|p| p.provisioning_error.is_none())
            {
                if let Some(size) = self.world.vm_size(&pool.vm_size) {
                    *usage.entry(size.family.clone()).or_insert(0) -=
                        i64::from(pool.count * size.vcpus);
                }
            }
        }
        for (family, cores) in &needed {
            let limit = scaled(
                region
                    .family_limits
                    .get(family)
                    .copied()
                    .unwrap_or(region.family_vcpu_limit),
            );
            let used = i64::from(region.family_usage.get(family).copied().unwrap_or(0))
                + usage.get(family).copied().unwrap_or(0);
            let remaining = (limit - used).max(0);
            if *cores > remaining {
                return Some(Reply::aks_error(
                    StatusCode::BAD_REQUEST,
                    "ErrCode_InsufficientVCPUQuota",
                    format!(
                        "Insufficient vcpu quota requested {cores}, remaining {remaining} for family {family} for region {}. Surge nodes would also consume vcpu quota.",
                        region.name
                    ),
                ));
            }
        }
        let total: i64 = needed.values().sum();
        let used = self.outside_regional_usage(subscription, region) + usage.values().sum::<i64>();
        let remaining = (scaled(region.regional_vcpu_limit) - used).max(0);
        (total > remaining).then(|| {
            // The family form above is a real AKS text; this regional form is reconstructed (unverified).
            Reply::aks_error(
                StatusCode::BAD_REQUEST,
                "ErrCode_InsufficientVCPUQuota",
                format!(
                    "Insufficient regional vcpu quota left for location {}. left regional vcpu quota {remaining}, requested quota {total}. Surge nodes would also consume vcpu quota.",
                    region.name
                ),
            )
        })
    }
}
