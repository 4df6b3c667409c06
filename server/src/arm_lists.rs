//! The ARM list reads the dashboard repeats most (subscriptions, a subscription's AKS regions,
//! its clusters), cached briefly and fetched once under concurrency (docs/PRODUCT.md "Limits
//! and hardening"): every page load and every open of the create modal reads them, and ARM
//! throttles reads per principal, so a burst of users costs one call per list.
//!
//! Clusters change while the dashboard's own creates run, so their entry is short-lived and is
//! dropped whenever the backend answers a task of that subscription: the clusters card
//! refetches after exactly such an answer (the cluster appeared, the create ended) and then
//! reads ARM afresh.

use crate::arm::{ArmClient, ArmClientError};
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

/// The cached list reads over one ARM client.
#[derive(Clone)]
pub struct ArmLists {
    arm: ArmClient,
    subscriptions: Arc<TtlCache<(), Vec<SubscriptionInfo>>>,
    regions: Arc<TtlCache<String, Vec<RegionInfo>>>,
    clusters: Arc<TtlCache<String, Vec<ClusterSummary>>>,
}

impl ArmLists {
    /// Lists read through `arm`.
    pub fn new(arm: ArmClient) -> Self {
        Self {
            arm,
            subscriptions: Arc::new(TtlCache::new(SUBSCRIPTIONS_TTL)),
            regions: Arc::new(TtlCache::new(REGIONS_TTL)),
            clusters: Arc::new(TtlCache::new(CLUSTERS_TTL)),
        }
    }

    /// Subscriptions the dashboard's identity can reach.
    pub async fn subscriptions(&self) -> Result<Vec<SubscriptionInfo>, ArmClientError> {
        self.subscriptions
            .get_or_fetch((), || async {
                Ok(self
                    .arm
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
    pub async fn regions(&self, subscription_id: &str) -> Result<Vec<RegionInfo>, ArmClientError> {
        self.regions
            .get_or_fetch(subscription_id.to_ascii_lowercase(), || async {
                let mut regions = self.arm.list_aks_regions(subscription_id).await?;
                regions.sort_by(|a, b| a.display_name.cmp(&b.display_name));
                Ok(regions)
            })
            .await
    }

    /// The (validated) subscription's managed clusters.
    pub async fn clusters(
        &self,
        subscription_id: &str,
    ) -> Result<Vec<ClusterSummary>, ArmClientError> {
        self.clusters
            .get_or_fetch(subscription_id.to_ascii_lowercase(), || async {
                Ok(self
                    .arm
                    .list_clusters(subscription_id)
                    .await?
                    .iter()
                    .map(|c| c.summary())
                    .collect())
            })
            .await
    }

    /// Forgets the subscription's cluster list: one of the dashboard's jobs there moved.
    pub fn clusters_changed(&self, subscription_id: &str) {
        self.clusters
            .invalidate(&subscription_id.to_ascii_lowercase());
    }
}
