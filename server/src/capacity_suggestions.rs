//! The one-click "Retry with …" suggestions a capacity failure's card offers (issue 16): the
//! reads they need (the region's VM sizes and quota usages, the subscription's regions and up to
//! eight of their catalogues, all through the existing caches but the usages), handed to the
//! pure `shared::capacity_alternatives`, whose actions go first in the classification the task
//! read serves.
//!
//! Only a single task's read of a failed create classified `capacity` pays for them; the lists
//! (history, the administrator's view) carry the classification without suggestions. They are
//! kept per caller and task for a few minutes: a card is read every second while its partial
//! cluster is deleted, and each computation reads the region's quota usages from ARM.

use crate::arm_lists::ArmLists;
use crate::azure_access::CallerArm;
use crate::catalogue::VmSizeCatalogues;
use crate::ttl_cache::TtlCache;
use futures_util::future::join_all;
use shared::capacity_alternatives::{CapacityFailure, alternatives, regions_to_read};
use shared::classify::{Action, Category};
use shared::preflight::QuotaUsage;
use shared::progress::{TaskStatus, TaskView};
use shared::provision::ProvisionRequest;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

/// ARM's code for a zone out of capacity.
const ZONAL_CODE: &str = "ZonalAllocationFailed";

/// How long a task's computed suggestions are served again.
const KEPT_FOR: Duration = Duration::from_secs(300);

/// Whose answers (the ARM principal) and which task.
type CallerTask = (Arc<str>, String);

/// The reads the suggestions need, and the suggestions computed per caller and task.
#[derive(Clone)]
pub struct CapacitySuggestions {
    lists: ArmLists,
    catalogues: VmSizeCatalogues,
    computed: Arc<TtlCache<CallerTask, Vec<Action>>>,
}

impl CapacitySuggestions {
    /// Suggestions reading through the dashboard's cached `lists` and `catalogues`.
    pub fn new(lists: ArmLists, catalogues: VmSizeCatalogues) -> Self {
        Self {
            lists,
            catalogues,
            computed: Arc::new(TtlCache::new(KEPT_FOR)),
        }
    }

    /// Puts the capacity suggestions for `request` first among the actions of `view`'s
    /// classified error, when it is a failure classified `capacity`. A read that fails only
    /// leaves out the suggestions it would have fed.
    pub async fn add_to(&self, arm: &CallerArm, request: &ProvisionRequest, view: &mut TaskView) {
        let key = (arm.principal.clone(), view.task_id.clone());
        add_capacity_suggestions(self, key, arm, request, view).await;
    }
}

/// See [`CapacitySuggestions::add_to`].
async fn add_capacity_suggestions(
    suggestions_of: &CapacitySuggestions,
    key: CallerTask,
    arm: &CallerArm,
    request: &ProvisionRequest,
    view: &mut TaskView,
) {
    if view.status != TaskStatus::Failure {
        return;
    }
    let Some(error) = view.error.as_mut() else {
        return;
    };
    let zonal = [&error.code, &error.raw, &error.message]
        .iter()
        .any(|text| text.contains(ZONAL_CODE));
    let Some(classification) = error.classification.as_deref_mut() else {
        return;
    };
    if classification.category != Category::Capacity {
        return;
    }
    let computed = {
        let classification = &*classification;
        suggestions_of.computed.get_or_fetch(key, || async move {
            let (subscription, region) = (&request.subscription_id, &request.region);
            let other_regions = async {
                if request.subnet_id.is_some() {
                    return Vec::new();
                }
                let regions = suggestions_of.lists
                    .regions(arm, subscription)
                    .await
                    .inspect_err(|error| tracing::warn!(%error, "capacity suggestions: regions unreadable"))
                    .unwrap_or_default();
                let wanted = regions_to_read(region, &regions);
                let read = join_all(
                    wanted
                        .iter()
                        .map(|other| suggestions_of.catalogues.get(arm, subscription, &other.name)),
                )
                .await;
                wanted
                    .into_iter()
                    .zip(read)
                    .filter_map(|(other, catalogue)| catalogue.ok().map(|c| (other, c)))
                    .collect()
            };
            let (catalogue, usages, other_regions) = tokio::join!(
                suggestions_of.catalogues.get(arm, subscription, region),
                arm.client.list_compute_usages(subscription, region),
                other_regions,
            );
            let usages: Option<Vec<QuotaUsage>> = usages
                .inspect_err(|error| tracing::warn!(%error, "capacity suggestions: usages unreadable"))
                .ok()
                .map(|usages| usages.into_iter().map(QuotaUsage::from).collect());
            Ok::<_, Infallible>(alternatives(&CapacityFailure {
                request,
                classification: &*classification,
                zonal: zonal || !classification.facts.zones.is_empty(),
                catalogue: catalogue.as_ref().ok(),
                usages: usages.as_deref(),
                other_regions: &other_regions,
            }))
        })
        .await
    };
    let Ok(suggestions) = computed;
    // Azure's zonal text names no zone: the zones the failed placement asked for are the facts.
    if zonal && classification.facts.zones.is_empty() {
        classification.facts.zones = request.zones.clone();
    }
    let kept: Vec<_> = std::mem::take(&mut classification.actions)
        .into_iter()
        .filter(|action| !suggestions.iter().any(|s| s.label == action.label))
        .collect();
    classification.actions = suggestions.into_iter().chain(kept).collect();
}
