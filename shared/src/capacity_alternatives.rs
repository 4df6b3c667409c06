//! One-click suggestions for a create Azure had no capacity for (issue 16): other zones of the
//! region, sibling sizes available and within quota there, and other regions where the size is
//! available, each a `RetryWith` action whose [`RequestChanges`] the create form applies.
//!
//! Computed from what the dashboard already reads (the regions' VM size catalogues with their
//! zone restrictions, and the region's quota usages), so nothing here promises capacity: Azure
//! does not publish it. The suggestions are where the same failure is least likely.

use crate::classify::{Action, ActionKind, Classification};
use crate::preflight::{PoolDemand, QuotaUsage, quota_needs};
use crate::provision::{ProvisionRequest, RequestChanges, SYSTEM_POOL_NAME, ZONES};
use crate::region::RegionInfo;
use crate::vm_size::{VmSizeCatalogue, VmSizeOption};

/// Most suggestions on one card.
pub const MAX_ALTERNATIVES: usize = 4;
/// Most sibling sizes suggested.
const MAX_SIBLINGS: usize = 2;
/// Most other regions suggested.
const MAX_REGIONS: usize = 2;
/// Most other regions whose catalogues are read to find them.
pub const MAX_REGIONS_READ: usize = 8;

/// What is known about a create that failed for capacity.
#[derive(Clone, Copy, Debug)]
pub struct CapacityFailure<'a> {
    /// The request that failed.
    pub request: &'a ProvisionRequest,
    /// Its classification (`facts.pool`, `facts.sizes`, `facts.zones`).
    pub classification: &'a Classification,
    /// True when the failure was about a zone (`ZonalAllocationFailed`).
    pub zonal: bool,
    /// The region's VM sizes, when read.
    pub catalogue: Option<&'a VmSizeCatalogue>,
    /// The region's quota usages, when read (`None`: sibling sizes are not checked against quota).
    pub usages: Option<&'a [QuotaUsage]>,
    /// Other regions with their catalogues, most preferred first ([`regions_to_read`]).
    pub other_regions: &'a [(RegionInfo, VmSizeCatalogue)],
}

/// Which pool's size the failure was about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pool {
    System,
    Worker,
}

/// The `RetryWith` actions for `failure`, at most [`MAX_ALTERNATIVES`], in this order: other zones
/// of the region (when the failure was zonal and the request named zones), sibling sizes (same
/// vCPUs, available, fitting the quota), other regions where the size is available (not for a
/// request in a chosen subnet, which belongs to its region).
pub fn alternatives(failure: &CapacityFailure<'_>) -> Vec<Action> {
    let request = failure.request;
    let pool = failing_pool(failure);
    let size = match pool {
        Pool::System => request.system_vm_size.as_str(),
        Pool::Worker => request.node_sku.as_str(),
    };
    let option = failure
        .catalogue
        .filter(|c| !c.degraded)
        .and_then(|c| find(c, size));
    let mut actions = Vec::new();
    actions.extend(other_zones(failure, option));
    actions.extend(sibling_sizes(failure, pool, option));
    actions.extend(other_regions(failure));
    actions.truncate(MAX_ALTERNATIVES);
    actions
}

/// The regions whose catalogues are worth reading: every other region of `regions`, those of
/// `home`'s geography first (a nearby region keeps latency and data residency closer), at most
/// [`MAX_REGIONS_READ`].
pub fn regions_to_read(home: &str, regions: &[RegionInfo]) -> Vec<RegionInfo> {
    let home_geography = geography(home);
    let others = regions
        .iter()
        .filter(|r| !r.name.eq_ignore_ascii_case(home));
    let near = others
        .clone()
        .filter(|r| geography(&r.name) == home_geography);
    let far = others.filter(|r| geography(&r.name) != home_geography);
    near.chain(far).take(MAX_REGIONS_READ).cloned().collect()
}

/// A coarse geography of a region name, from the words Azure's region names use.
fn geography(region: &str) -> &'static str {
    let name = region.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if has(&[
        "europe",
        "uk",
        "france",
        "germany",
        "sweden",
        "norway",
        "switzerland",
        "poland",
        "italy",
        "spain",
        "austria",
        "belgium",
        "denmark",
        "finland",
        "greece",
    ]) {
        "europe"
    } else if has(&[
        "asia",
        "japan",
        "korea",
        "india",
        "australia",
        "china",
        "indonesia",
        "malaysia",
        "newzealand",
        "taiwan",
        "jio",
    ]) {
        "asia-pacific"
    } else if has(&["uae", "qatar", "israel", "southafrica", "saudi"]) {
        "middle-east-africa"
    } else if has(&["brazil", "chile", "mexico"]) {
        "latin-america"
    } else if has(&["us", "canada"]) {
        "north-america"
    } else {
        "other"
    }
}

fn failing_pool(failure: &CapacityFailure<'_>) -> Pool {
    let facts = &failure.classification.facts;
    if let Some(pool) = &facts.pool {
        let pool = pool.rsplit(':').next().unwrap_or(pool);
        return if pool.eq_ignore_ascii_case(SYSTEM_POOL_NAME) {
            Pool::System
        } else {
            Pool::Worker
        };
    }
    let request = failure.request;
    let named = |size: &str| facts.sizes.iter().any(|s| s.eq_ignore_ascii_case(size));
    if named(&request.system_vm_size) && !named(&request.node_sku) {
        Pool::System
    } else {
        Pool::Worker
    }
}

fn find<'c>(catalogue: &'c VmSizeCatalogue, size: &str) -> Option<&'c VmSizeOption> {
    catalogue
        .skus
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(size))
}

/// True when `option` deploys with `zones` (every zone offered and not restricted).
fn deploys_in(option: &VmSizeOption, zones: &[String]) -> bool {
    option.available
        && zones.iter().all(|zone| {
            !option.restricted_zones.contains(zone)
                && (option.zones.is_empty() || option.zones.contains(zone))
        })
}

fn retry_with(label: String, changes: RequestChanges) -> Action {
    Action {
        kind: ActionKind::RetryWith,
        label,
        href: None,
        command: None,
        retry: Some(changes),
    }
}

/// "Retry with zones 2, 3": the region's zones the failure did not name and the sizes are not
/// restricted in; "Retry without zones" when the failed zone is unknown among several.
fn other_zones(failure: &CapacityFailure<'_>, option: Option<&VmSizeOption>) -> Option<Action> {
    let request = failure.request;
    if !failure.zonal || request.zones.is_empty() {
        return None;
    }
    let restricted = |zone: &String| option.is_some_and(|o| o.restricted_zones.contains(zone));
    let named = &failure.classification.facts.zones;
    let failed: Vec<String> = if !named.is_empty() {
        named.clone()
    } else if request.zones.len() == 1 || request.zones.iter().any(restricted) {
        request
            .zones
            .iter()
            .filter(|z| request.zones.len() == 1 || restricted(z))
            .cloned()
            .collect()
    } else {
        // Azure's ZonalAllocationFailed does not say which zone: any of them may be the one.
        return Some(retry_with(
            "Retry without zones".into(),
            RequestChanges {
                zones: Some(Vec::new()),
                ..RequestChanges::default()
            },
        ));
    };
    let offered: Vec<String> = match option {
        Some(o) if !o.zones.is_empty() => o.zones.clone(),
        _ => ZONES.iter().map(|z| (*z).to_owned()).collect(),
    };
    let other_size = if failing_pool(failure) == Pool::System {
        &request.node_sku
    } else {
        &request.system_vm_size
    };
    let other_option = failure.catalogue.and_then(|c| find(c, other_size));
    let mut zones: Vec<String> = offered
        .into_iter()
        .filter(|zone| !failed.contains(zone) && !restricted(zone))
        .filter(|zone| other_option.is_none_or(|o| !o.restricted_zones.contains(zone)))
        .collect();
    zones.sort();
    if zones.is_empty() || zones == request.zones {
        return None;
    }
    let label = match zones.as_slice() {
        [one] => format!("Retry with zone {one}"),
        many => format!("Retry with zones {}", many.join(", ")),
    };
    Some(retry_with(
        label,
        RequestChanges {
            zones: Some(zones),
            ..RequestChanges::default()
        },
    ))
}

/// "Retry with Standard_D4s_v5": sizes of the same vCPUs, available in the region (and in the
/// request's zones), not the ones that failed, not burstable, and fitting the quota when known;
/// the closest in memory first, then the newest generation.
fn sibling_sizes(
    failure: &CapacityFailure<'_>,
    pool: Pool,
    failed: Option<&VmSizeOption>,
) -> Vec<Action> {
    let (Some(catalogue), Some(failed)) = (failure.catalogue, failed) else {
        return Vec::new();
    };
    let request = failure.request;
    let refused = &failure.classification.facts.sizes;
    let demand = |size: &VmSizeOption, count: i32| PoolDemand {
        family: size.family.clone(),
        vcpus: i64::from(size.vcpus),
        count: i64::from(count),
    };
    let other = match pool {
        Pool::System => find(catalogue, &request.node_sku).map(|o| (o, request.node_count)),
        Pool::Worker => {
            find(catalogue, &request.system_vm_size).map(|o| (o, request.system_node_count))
        }
    };
    // Unread usages, or the other pool's size unknown: the quota cannot be computed, and the
    // pre-flight of the retry says whether it fits.
    let fits_quota = |candidate: &VmSizeOption| {
        let (Some(usages), Some((other, other_count))) = (failure.usages, other) else {
            return true;
        };
        let (system, worker) = match pool {
            Pool::System => (
                demand(candidate, request.system_node_count),
                demand(other, other_count),
            ),
            Pool::Worker => (
                demand(other, other_count),
                demand(candidate, request.node_count),
            ),
        };
        quota_needs(&system, &worker, usages, 0)
            .iter()
            .all(|need| need.fits())
    };
    let mut siblings: Vec<&VmSizeOption> = catalogue
        .skus
        .iter()
        .filter(|s| s.vcpus == failed.vcpus && !s.name.eq_ignore_ascii_case(&failed.name))
        .filter(|s| !refused.iter().any(|r| r.eq_ignore_ascii_case(&s.name)))
        .filter(|s| !s.name.starts_with("Standard_B"))
        .filter(|s| deploys_in(s, &request.zones))
        .filter(|s| fits_quota(s))
        .collect();
    siblings.sort_by(|a, b| {
        let distance = |s: &VmSizeOption| (s.memory_gb - failed.memory_gb).abs();
        distance(a)
            .total_cmp(&distance(b))
            .then_with(|| generation(&b.name).cmp(&generation(&a.name)))
            .then_with(|| a.name.cmp(&b.name))
    });
    siblings
        .into_iter()
        .take(MAX_SIBLINGS)
        .map(|size| {
            let changes = match pool {
                Pool::System => RequestChanges {
                    system_vm_size: Some(size.name.clone()),
                    ..RequestChanges::default()
                },
                Pool::Worker => RequestChanges {
                    node_sku: Some(size.name.clone()),
                    ..RequestChanges::default()
                },
            };
            retry_with(format!("Retry with {}", size.name), changes)
        })
        .collect()
}

/// A size's generation (`Standard_D4s_v5` → 5, no suffix → 1): among equally close siblings the
/// newer generation goes first, as it is the one Azure builds out.
fn generation(size: &str) -> u32 {
    size.rsplit_once("_v")
        .and_then(|(_, version)| version.parse().ok())
        .unwrap_or(1)
}

/// "Retry in West Europe": other regions whose catalogue offers both sizes (in the request's
/// zones), in the order given.
fn other_regions(failure: &CapacityFailure<'_>) -> Vec<Action> {
    let request = failure.request;
    if request.subnet_id.is_some() {
        return Vec::new();
    }
    failure
        .other_regions
        .iter()
        .filter(|(region, _)| !region.name.eq_ignore_ascii_case(&request.region))
        .filter(|(_, catalogue)| {
            !catalogue.degraded
                && [&request.node_sku, &request.system_vm_size]
                    .iter()
                    .all(|size| {
                        find(catalogue, size).is_some_and(|o| deploys_in(o, &request.zones))
                    })
        })
        .take(MAX_REGIONS)
        .map(|(region, _)| {
            retry_with(
                format!("Retry in {}", region.display_name),
                RequestChanges {
                    region: Some(region.name.clone()),
                    ..RequestChanges::default()
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
