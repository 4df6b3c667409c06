//! The ARM list reads the dashboard repeats most (subscriptions, a subscription's AKS regions,
//! its clusters, its subnets), cached briefly and fetched once under concurrency (docs/PRODUCT.md "Limits
//! and hardening"): every page load and every open of the create modal reads them, and ARM
//! throttles reads per principal, so a burst of users costs one call per list.
//!
//! Clusters change while the dashboard's own creates run, so their entry is short-lived and is
//! dropped whenever the backend answers a task of that subscription: the clusters card
//! refetches after exactly such an answer (the cluster appeared, the create ended) and then
//! reads ARM afresh.
//!
//! Answers are kept per principal ([`CallerArm::principal`]): on behalf of users, two users may
//! see different subscriptions and clusters, and one must never be answered from another's read.

use crate::arm::ArmClientError;
use crate::arm::network::VirtualNetwork;
use crate::azure_access::CallerArm;
use crate::ttl_cache::TtlCache;
use shared::cluster::ClusterSummary;
use shared::network::{SubnetOption, free_ips};
use shared::portal::resource_group_of;
use shared::region::RegionInfo;
use shared::subscription::SubscriptionInfo;
use std::sync::Arc;
use std::time::Duration;

/// How long the subscription list is reused.
const SUBSCRIPTIONS_TTL: Duration = Duration::from_secs(60);
/// How long a subscription's region list is reused (it changes when Microsoft adds a region).
const REGIONS_TTL: Duration = Duration::from_secs(5 * 60);
/// How long a subscription's cluster list is reused (and see the module documentation).
const CLUSTERS_TTL: Duration = Duration::from_secs(5);
/// How long a subscription's subnets are reused: their free addresses change as clusters and
/// other resources come and go, and the pre-flight reads the chosen one afresh anyway.
const SUBNETS_TTL: Duration = Duration::from_secs(30);

/// Subnets Azure reserves for its own services by name; AKS cannot put nodes in them.
const RESERVED_SUBNETS: [&str; 4] = [
    "GatewaySubnet",
    "AzureFirewallSubnet",
    "AzureFirewallManagementSubnet",
    "AzureBastionSubnet",
];

/// A subnet with the region of its virtual network.
#[derive(Clone)]
struct RegionalSubnet {
    region: String,
    option: SubnetOption,
}

/// A principal, and a lower-case subscription id.
type Scoped = (Arc<str>, String);

/// The cached list reads.
#[derive(Clone)]
pub struct ArmLists {
    subscriptions: Arc<TtlCache<Arc<str>, Vec<SubscriptionInfo>>>,
    regions: Arc<TtlCache<Scoped, Vec<RegionInfo>>>,
    clusters: Arc<TtlCache<Scoped, Vec<ClusterSummary>>>,
    subnets: Arc<TtlCache<Scoped, Vec<RegionalSubnet>>>,
}

impl Default for ArmLists {
    fn default() -> Self {
        Self::new()
    }
}

impl ArmLists {
    /// Empty caches.
    pub fn new() -> Self {
        Self {
            subscriptions: Arc::new(TtlCache::new(SUBSCRIPTIONS_TTL)),
            regions: Arc::new(TtlCache::new(REGIONS_TTL)),
            clusters: Arc::new(TtlCache::new(CLUSTERS_TTL)),
            subnets: Arc::new(TtlCache::new(SUBNETS_TTL)),
        }
    }

    /// Subscriptions `arm`'s principal can reach.
    pub async fn subscriptions(
        &self,
        arm: &CallerArm,
    ) -> Result<Vec<SubscriptionInfo>, ArmClientError> {
        self.subscriptions
            .get_or_fetch(arm.principal.clone(), || async {
                Ok(arm
                    .client
                    .list_subscriptions()
                    .await?
                    .into_iter()
                    .map(|s| SubscriptionInfo {
                        subscription_id: s.subscription_id,
                        display_name: s.display_name,
                    })
                    .collect())
            })
            .await
    }

    /// Regions where AKS is offered to the (validated) subscription, by display name.
    pub async fn regions(
        &self,
        arm: &CallerArm,
        subscription_id: &str,
    ) -> Result<Vec<RegionInfo>, ArmClientError> {
        self.regions
            .get_or_fetch(scoped(arm, subscription_id), || async {
                let mut regions = arm.client.list_aks_regions(subscription_id).await?;
                regions.sort_by(|a, b| a.display_name.cmp(&b.display_name));
                Ok(regions)
            })
            .await
    }

    /// The (validated) subscription's managed clusters.
    pub async fn clusters(
        &self,
        arm: &CallerArm,
        subscription_id: &str,
    ) -> Result<Vec<ClusterSummary>, ArmClientError> {
        self.clusters
            .get_or_fetch(scoped(arm, subscription_id), || async {
                Ok(arm
                    .client
                    .list_clusters(subscription_id)
                    .await?
                    .iter()
                    .map(|c| c.summary())
                    .collect())
            })
            .await
    }

    /// The (validated) subscription's subnets in `region` that can take nodes, by virtual
    /// network and name, with their free addresses. One list read serves every region.
    pub async fn subnets(
        &self,
        arm: &CallerArm,
        subscription_id: &str,
        region: &str,
    ) -> Result<Vec<SubnetOption>, ArmClientError> {
        let all = self
            .subnets
            .get_or_fetch(scoped(arm, subscription_id), || async {
                let networks = arm.client.list_virtual_networks(subscription_id).await?;
                Ok(subnet_options(&networks))
            })
            .await?;
        Ok(all
            .into_iter()
            .filter(|subnet| subnet.region.eq_ignore_ascii_case(region))
            .map(|subnet| subnet.option)
            .collect())
    }

    /// Forgets the subscription's cluster list, for every principal: one of the dashboard's
    /// jobs there moved.
    pub fn clusters_changed(&self, subscription_id: &str) {
        let subscription_id = subscription_id.to_ascii_lowercase();
        self.clusters
            .invalidate_where(|(_, subscription)| *subscription == subscription_id);
    }
}

/// Every subnet of `networks` that has an IPv4 prefix and is not reserved, sorted by virtual
/// network and name.
fn subnet_options(networks: &[VirtualNetwork]) -> Vec<RegionalSubnet> {
    let mut subnets: Vec<RegionalSubnet> = networks
        .iter()
        .flat_map(|network| {
            network.properties.subnets.iter().filter_map(|subnet| {
                if RESERVED_SUBNETS
                    .iter()
                    .any(|name| subnet.name.eq_ignore_ascii_case(name))
                {
                    return None;
                }
                let prefix = subnet.prefix()?;
                let free = free_ips(prefix, subnet.used_ips())?;
                Some(RegionalSubnet {
                    region: network.location.clone(),
                    option: SubnetOption {
                        id: subnet.id.clone(),
                        name: subnet.name.clone(),
                        vnet: network.name.clone(),
                        resource_group: resource_group_of(&network.id)
                            .unwrap_or_default()
                            .to_owned(),
                        address_prefix: prefix.to_owned(),
                        free_ips: free,
                    },
                })
            })
        })
        .collect();
    subnets.sort_by(|a, b| (&a.option.vnet, &a.option.name).cmp(&(&b.option.vnet, &b.option.name)));
    subnets
}

fn scoped(arm: &CallerArm, subscription_id: &str) -> Scoped {
    (arm.principal.clone(), subscription_id.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subnets_carry_their_free_addresses_and_reserved_ones_are_left_out() {
        let networks: Vec<VirtualNetwork> = serde_json::from_value(json!([{
            "id": "/subscriptions/s/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-spoke",
            "name": "vnet-spoke",
            "location": "eastus",
            "properties": {"subnets": [
                {"id": "/x/subnets/aks-small", "name": "aks-small",
                 "properties": {"addressPrefix": "10.240.0.0/27"}},
                {"id": "/x/subnets/GatewaySubnet", "name": "GatewaySubnet",
                 "properties": {"addressPrefix": "10.240.8.0/27"}},
                {"id": "/x/subnets/aks-nodes", "name": "aks-nodes",
                 "properties": {"addressPrefix": "10.240.4.0/22", "ipConfigurations": [{"id": "n"}]}},
                {"id": "/x/subnets/v6", "name": "v6", "properties": {"addressPrefix": "fd00::/64"}},
            ]},
        }]))
        .expect("networks");
        let options = subnet_options(&networks);
        let seen: Vec<(&str, &str, i64)> = options
            .iter()
            .map(|s| {
                (
                    s.option.name.as_str(),
                    s.option.resource_group.as_str(),
                    s.option.free_ips,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("aks-nodes", "rg-network", 1018),
                ("aks-small", "rg-network", 27)
            ]
        );
        assert!(options.iter().all(|s| s.region == "eastus"));
    }
}
