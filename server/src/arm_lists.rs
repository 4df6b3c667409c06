//! The ARM list reads the dashboard repeats most (subscriptions, a subscription's AKS regions,
//! its clusters), cached briefly and fetched once under concurrency (docs/PRODUCT.md "Limits
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
use crate::azure_access::CallerArm;
use crate::ttl_cache::TtlCache;
use shared::cluster::ClusterSummary;
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

/// A principal, and a lower-case subscription id.
type Scoped = (Arc<str>, String);

/// The cached list reads.
#[derive(Clone)]
pub struct ArmLists {
    subscriptions: Arc<TtlCache<Arc<str>, Vec<SubscriptionInfo>>>,
    regions: Arc<TtlCache<Scoped, Vec<RegionInfo>>>,
    clusters: Arc<TtlCache<Scoped, Vec<ClusterSummary>>>,
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

    /// Forgets the subscription's cluster list, for every principal: one of the dashboard's
    /// jobs there moved.
    pub fn clusters_changed(&self, subscription_id: &str) {
        let subscription_id = subscription_id.to_ascii_lowercase();
        self.clusters
            .invalidate_where(|(_, subscription)| *subscription == subscription_id);
    }
}

fn scoped(arm: &CallerArm, subscription_id: &str) -> Scoped {
    (arm.principal.clone(), subscription_id.to_ascii_lowercase())
}
