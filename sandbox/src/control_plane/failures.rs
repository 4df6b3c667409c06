//! The failure stories a create can meet midway, as the world's regions tell them: a size
//! the SKU list shows but that has no capacity, a competing deployment taking the regional
//! quota, and capacity outages (a size region-wide, or a zone). Each fails one node pool and the
//! create with the error AKS relays.

use super::ControlPlane;
use super::model::{Operation, lower};
use crate::world::{RegionConfig, Shortage};
use serde_json::{Value, json};

impl ControlPlane {
    /// The region's midway events, in the order a create meets them: a pool of a
    /// capacity-restricted size fails as its scale set is deployed; then the competing deployment
    /// takes its vCPUs and the pools still to come must fit the regional quota; then capacity
    /// runs out for the first pool still to come whose size or zones are in an outage.
    /// Answers the first failure, if any.
    pub(super) fn meet_hazards(&mut self, op: &Operation) -> Option<PoolFailure> {
        let region = self.world.region(&op.location)?.clone();
        if let Some(failure) = self.capacity_restricted_failure(&region, op) {
            return Some(failure);
        }
        if let Some(failure) = self.competing_claim(&region, op) {
            return Some(failure);
        }
        self.allocation_failure(&region, op)
    }

    /// `SkuNotAvailable` for the first pool still to come whose size has no capacity here,
    /// although the SKU list shows it without restriction.
    fn capacity_restricted_failure(
        &self,
        region: &RegionConfig,
        op: &Operation,
    ) -> Option<PoolFailure> {
        let pool = self.clusters.get(&op.cluster)?.pools.iter().find(|p| {
            p.provisioning_state != "Succeeded" && region.capacity_restricted(&p.vm_size)
        })?;
        // Compute's wording (corpus s011, s022), wrapped as AKS wraps a failed scale set.
        let detail = json!({
            "code": "SkuNotAvailable",
            "message": format!(
                "The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: {}' is currently not available in location '{}'. Please try another size or deploy to a different location or different zone. See https://aka.ms/azureskunotavailable for details.",
                pool.vm_size, region.name
            ),
        });
        Some(PoolFailure {
            pool: pool.name.clone(),
            error: resource_operation_failure(&detail),
            detail,
        })
    }

    /// The competing deployment's claim, made once per subscription × region: it takes
    /// `competing_deployment_vcpus` (no more than is free at that moment) and keeps them. The
    /// create's pools still to come are then allocated in order; the first that no longer fits
    /// the regional quota fails the create with Compute's quota error as AKS relays it.
    fn competing_claim(&mut self, region: &RegionConfig, op: &Operation) -> Option<PoolFailure> {
        let key = (lower(&op.subscription), lower(&region.name));
        if region.competing_deployment_vcpus == 0 || self.competing_claims.contains_key(&key) {
            return None;
        }
        let cluster = self.clusters.get(&op.cluster)?;
        let surge = self.world.cluster_defaults.surge_nodes_per_pool;
        // (pool, vCPUs it holds once up, vCPUs its allocation needs, surge included)
        let pending: Vec<(String, i64, i64)> = cluster
            .pools
            .iter()
            .filter(|p| p.provisioning_state != "Succeeded" && p.provisioning_error.is_none())
            .filter_map(|p| {
                let size = self.world.vm_size(&p.vm_size)?;
                Some((
                    p.name.clone(),
                    i64::from(p.count * size.vcpus),
                    i64::from((p.count + surge) * size.vcpus),
                ))
            })
            .collect();
        let (cluster_name, group) = (cluster.name.clone(), cluster.resource_group.clone());
        let limit = self.scaled_limit(&op.subscription, region.regional_vcpu_limit);
        // Allocated now: everything but this create's pools still to come.
        let mut used = self.outside_regional_usage(&op.subscription, region)
            + self
                .cluster_usage(&op.subscription, &region.name)
                .values()
                .sum::<i64>()
            - pending.iter().map(|(_, held, _)| held).sum::<i64>();
        let claim = i64::from(region.competing_deployment_vcpus).min((limit - used).max(0));
        self.competing_claims.insert(key, claim);
        tracing::info!(
            subscription = %op.subscription,
            region = %region.name,
            claim,
            "sandbox: a competing deployment took regional vCPUs"
        );
        used += claim;
        for (pool, _, needed) in pending {
            if used + needed > limit {
                let shortfall = RegionalQuotaShortfall {
                    subscription: &op.subscription,
                    location: &region.name,
                    group: &group,
                    cluster: &cluster_name,
                    limit,
                    used,
                    needed,
                };
                return Some(shortfall.failure(pool));
            }
            used += needed;
        }
        None
    }

    /// `AllocationFailed` (the size is out of capacity in the region) or `ZonalAllocationFailed`
    /// (in a zone the pool asked for) on the first pool still to come that meets an outage,
    /// with the pool as `target`, as AKS relays Compute's answer to its scale set.
    fn allocation_failure(&self, region: &RegionConfig, op: &Operation) -> Option<PoolFailure> {
        let (pool, shortage) = self
            .clusters
            .get(&op.cluster)?
            .pools
            .iter()
            .filter(|p| p.provisioning_state != "Succeeded" && p.provisioning_error.is_none())
            .find_map(|p| region.shortage(&p.vm_size, &p.zones).map(|s| (p, s)))?;
        let detail = match shortage {
            // Compute's texts as AKS relays them: they name neither the size nor the zone
            // (docs/ARM_FACTS.md §15); the detail's target names the pool.
            Shortage::Regional => json!({
                "code": "AllocationFailed",
                "target": pool.name,
                "message": "Allocation failed. We do not have sufficient capacity for the requested VM size in this region. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance",
            }),
            Shortage::Zonal(_) => json!({
                "code": "ZonalAllocationFailed",
                "target": pool.name,
                "message": "Allocation failed. We do not have sufficient capacity for the requested VM size in this zone. Read more about improving likelihood of allocation success at https://aka.ms/allocation-guidance. Please note that allocation failures can also arise if a proximity placement group is associated with this VMSS. See https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-code-zonalallocationfailed-allocationfailed for more details. This is not AKS controlled behavior, please ask help to VMSS team for allocation failure. If the error is due to capacity constrain, consider upgrade with maxUnavailable instead of maxSurge, details: aka.ms/aks/maxUnavailable.",
            }),
        };
        Some(PoolFailure {
            pool: pool.name.clone(),
            error: resource_operation_failure(&detail),
            detail,
        })
    }
}

/// A pool that failed midway through a create.
pub(super) struct PoolFailure {
    /// The pool's name.
    pub(super) pool: String,
    /// What the pool shows as `status.provisioningError`.
    pub(super) detail: Value,
    /// The operation's error.
    pub(super) error: Value,
}

/// A node pool's scale set that the regional vCPU quota refuses, with Compute's figures.
struct RegionalQuotaShortfall<'a> {
    /// Subscription id.
    subscription: &'a str,
    /// Region name.
    location: &'a str,
    /// The cluster's resource group.
    group: &'a str,
    /// The cluster.
    cluster: &'a str,
    /// "Current Limit".
    limit: i64,
    /// "Current Usage".
    used: i64,
    /// "Additional Required".
    needed: i64,
}

impl RegionalQuotaShortfall<'_> {
    /// Compute's refusal of `pool`'s scale set (`OperationNotAllowed`; wording and request link
    /// from real errors), relayed by AKS as the operation's `QuotaExceeded` with its
    /// "Provisioning of resource(s) for container service …" prefix (ARM error corpus q007-q009
    /// and the failed-LRO shape in arm-errors-NOTES.md).
    fn failure(&self, pool: String) -> PoolFailure {
        let Self {
            subscription,
            location,
            group,
            cluster,
            limit,
            used,
            needed,
        } = self;
        let new_limit = used + needed;
        let compute = format!(
            "Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: {location}, Current Limit: {limit}, Current Usage: {used}, Additional Required: {needed}, (Minimum) New Limit Required: {new_limit}. Setup Alerts when Quota reaches threshold. Learn more at https://aka.ms/quotamonitoringalerting . Submit a request for Quota increase at https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView/Parameters/%7B%22subscriptionId%22:%22{subscription}%22,%22command%22:%22openQuotaApprovalBlade%22,%22quotas%22:[%7B%22location%22:%22{location}%22,%22providerId%22:%22Microsoft.Compute%22,%22resourceName%22:%22cores%22,%22quotaRequest%22:%7B%22properties%22:%7B%22limit%22:{new_limit},%22unit%22:%22Count%22,%22name%22:%7B%22value%22:%22cores%22%7D%7D%7D%7D]%7D by specifying parameters listed in the ‘Details’ section for deployment to succeed. Please read more about quota limits at https://docs.microsoft.com/en-us/azure/azure-supportability/regional-quota-requests"
        );
        let detail = json!({ "code": "OperationNotAllowed", "message": compute });
        let error = json!({
            "code": "QuotaExceeded",
            "message": format!(
                "Provisioning of resource(s) for container service {cluster} in resource group {group} failed. Message: {compute}"
            ),
            "details": [detail],
        });
        PoolFailure {
            pool,
            detail,
            error,
        }
    }
}

/// AKS's operation error when a resource it deploys (a node pool's scale set) ends Failed.
fn resource_operation_failure(detail: &Value) -> Value {
    json!({
        "code": "ResourceOperationFailure",
        "message": "The resource operation completed with terminal provisioning state 'Failed'.",
        "details": [detail],
    })
}
