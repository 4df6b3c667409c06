//! Words and links for `capacity`: Azure has no room for the size in that region or zone right
//! now. The summary names the size, region, zones and pool the failure states; the one-click
//! "Retry with …" alternatives are added by the server, which has the catalogues to compute them
//! (`shared::capacity_alternatives`).

use super::super::{Action, Facts};
use super::{MAX_SUMMARY_CHARS, docs, retry, truncate};

const DOCS_AKS_ALLOCATION: &str = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/zonalallocation-allocationfailed-error";
const DOCS_AKS_CAPACITY: &str = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/akscapacityheavyusage-error";
const DOCS_VM_ALLOCATION: &str =
    "https://learn.microsoft.com/troubleshoot/azure/virtual-machines/windows/allocation-failure";
const DOCS_AKS_ZONES: &str = "https://learn.microsoft.com/azure/aks/availability-zones-overview";

/// Phrases (lowercase) of AKS's own region-wide capacity errors, which are about the region
/// rather than a VM size.
const REGION_WIDE: &[&str] = &[
    "heavy usage",
    "operational threshold",
    "underlay",
    "unable to provision an aks cluster",
];

/// "No capacity for Standard_D4as_v5 in swedencentral zone 1 (pool workers) right now."
pub(super) fn summary(facts: &Facts, innermost: &str) -> String {
    let lower = innermost.to_ascii_lowercase();
    let region = facts.region.as_deref();
    if REGION_WIDE.iter().any(|p| lower.contains(p)) {
        return match region {
            Some(region) => format!("AKS has no capacity for new clusters in {region} right now."),
            None => "AKS has no capacity for new clusters in this region right now.".to_owned(),
        };
    }
    let what = match facts.sizes.as_slice() {
        [] => "the requested VM size".to_owned(),
        [one] => one.clone(),
        many => many.join(", "),
    };
    let zones = match facts.zones.as_slice() {
        [] => String::new(),
        [one] => format!("zone {one}"),
        many => format!("zones {}", many.join(", ")),
    };
    let place = match (region, zones.is_empty()) {
        (Some(region), true) => format!(" in {region}"),
        (Some(region), false) => format!(" in {region} {zones}"),
        (None, false) => format!(" in {zones}"),
        (None, true) => String::new(),
    };
    let pool = facts
        .pool
        .as_deref()
        .map(|pool| format!(" (pool {pool})"))
        .unwrap_or_default();
    truncate(
        &format!("No capacity for {what}{place}{pool} right now."),
        MAX_SUMMARY_CHARS + 40,
    )
}

/// Docs on capacity, zones and allocation; a later retry is the first remedy.
pub(super) fn actions(facts: &Facts) -> Vec<Action> {
    let mut actions = vec![retry("Retry later".to_owned())];
    actions.push(docs("AKS allocation failures", DOCS_AKS_ALLOCATION));
    if !facts.zones.is_empty() {
        actions.push(docs("Availability zones in AKS", DOCS_AKS_ZONES));
    }
    actions.push(docs("AKS regional capacity errors", DOCS_AKS_CAPACITY));
    actions.push(docs("VM allocation failures", DOCS_VM_ALLOCATION));
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_size_region_zone_and_pool() {
        let facts = Facts {
            sizes: vec!["Standard_D4as_v5".into()],
            region: Some("swedencentral".into()),
            zones: vec!["1".into()],
            pool: Some("workers".into()),
            ..Facts::default()
        };
        assert_eq!(
            summary(&facts, "Allocation failed."),
            "No capacity for Standard_D4as_v5 in swedencentral zone 1 (pool workers) right now."
        );
        assert_eq!(
            summary(
                &Facts::default(),
                "AKS is experiencing heavy usage in region x"
            ),
            "AKS has no capacity for new clusters in this region right now."
        );
    }
}
