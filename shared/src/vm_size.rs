//! The VM sizes a region offers, as the create modal and `GET /api/aks/available-skus` show them.

use crate::preflight::QuotaUsage;
use serde::{Deserialize, Serialize};

/// One VM size of a region's catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VmSizeOption {
    /// ARM name, e.g. `Standard_D4s_v5`.
    pub name: String,
    /// vCPUs per node.
    pub vcpus: i32,
    /// Memory per node in GiB.
    pub memory_gb: f64,
    /// Quota family (`standardDSv5Family`).
    pub family: String,
    /// False when the subscription cannot deploy it in the region (a `Location` restriction).
    pub available: bool,
    /// ARM's restriction reason code (`NotAvailableForSubscription`, `QuotaId`). With
    /// `available: false` it is the `Location` restriction's; with `available: true` it is a
    /// zone-only restriction's, and `restricted_zones` names the zones.
    pub reason: Option<String>,
    /// Zones where ARM's `Zone` restrictions block the size (`restrictionInfo.zones`), e.g.
    /// `["3"]`. The size still deploys when the create asks for no zones, as the dashboard's
    /// creates do, so these do not make it unavailable. Empty when nothing is zone-restricted;
    /// missing in older answers.
    #[serde(default)]
    pub restricted_zones: Vec<String>,
    /// Zones ARM offers the size in this region (`locationInfo[].zones`), restricted or not,
    /// sorted; empty for a region without zones. Missing in older answers.
    #[serde(default)]
    pub zones: Vec<String>,
}

/// A region's catalogue. `degraded` is true when ARM could not be read and the list is not
/// authoritative.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VmSizeCatalogue {
    /// The sizes, smallest first.
    pub skus: Vec<VmSizeOption>,
    /// ARM could not be read.
    pub degraded: bool,
    /// The subscription's vCPU usages in the region (the regional total and each family), read
    /// with the answer, so the picker can say whether each size fits; empty when they could
    /// not be read, and in older answers. The pre-flight reads them again for its verdict.
    #[serde(default)]
    pub usages: Vec<QuotaUsage>,
}

impl VmSizeOption {
    /// The line under a size picker: "16 cores, 128 GB RAM · 10 × 16 = 160 cores total".
    pub fn summary_for(&self, count: i32) -> String {
        let total = i64::from(self.vcpus) * i64::from(count.max(0));
        format!(
            "{} cores, {} GB RAM · {} × {} = {} cores total",
            self.vcpus,
            format_memory(self.memory_gb),
            count.max(0),
            self.vcpus,
            total
        )
    }
}

/// The system pool's default size: the first available general-purpose size with at least
/// 2 vCPUs and 4 GB (AKS's minimum for system pools), else any available size that meets it.
pub fn default_system_size(sizes: &[VmSizeOption]) -> Option<&VmSizeOption> {
    let fits = |size: &&VmSizeOption| size.available && size.vcpus >= 2 && size.memory_gb >= 4.0;
    sizes
        .iter()
        .filter(fits)
        .find(|size| general_purpose(size))
        .or_else(|| sizes.iter().find(fits))
}

/// The worker pool's default size: the first available general-purpose 4-vCPU size, else the
/// first larger one, else the system pool's default.
pub fn default_worker_size(sizes: &[VmSizeOption]) -> Option<&VmSizeOption> {
    sizes
        .iter()
        .find(|size| general_purpose(size) && size.vcpus == 4)
        .or_else(|| {
            sizes
                .iter()
                .find(|size| general_purpose(size) && size.vcpus > 4)
        })
        .or_else(|| default_system_size(sizes))
}

/// Available and not burstable: B-series sizes suit neither pool as a default (AKS advises
/// against them for system pools, and their CPU credits run out under steady load).
fn general_purpose(size: &VmSizeOption) -> bool {
    size.available && !size.name.starts_with("Standard_B")
}

/// The region's zones as its catalogue knows them: the sorted union of every size's `zones`.
pub fn region_zones(sizes: &[VmSizeOption]) -> Vec<String> {
    let mut zones: Vec<String> = sizes.iter().flat_map(|size| size.zones.clone()).collect();
    zones.sort();
    zones.dedup();
    zones
}

/// "128", "0.75", "3.5": whole numbers without a fraction, others as short as they are exact.
pub fn format_memory(gigabytes: f64) -> String {
    if gigabytes.fract() == 0.0 {
        format!("{gigabytes:.0}")
    } else {
        let text = format!("{gigabytes:.2}");
        text.trim_end_matches('0').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn size(vcpus: i32, memory_gb: f64) -> VmSizeOption {
        crate::test_support::vm_size("Standard_X", vcpus, memory_gb)
    }

    #[test]
    fn the_region_s_zones_are_the_union_of_its_sizes() {
        let mut a = size(2, 8.0);
        a.zones = vec!["2".into(), "1".into()];
        let mut b = size(4, 16.0);
        b.zones = vec!["3".into(), "2".into()];
        assert_eq!(region_zones(&[a, b, size(8, 32.0)]), ["1", "2", "3"]);
        assert!(region_zones(&[]).is_empty());
    }

    #[rstest]
    #[case(16, 128.0, 10, "16 cores, 128 GB RAM · 10 × 16 = 160 cores total")]
    #[case(2, 0.75, 1, "2 cores, 0.75 GB RAM · 1 × 2 = 2 cores total")]
    #[case(4, 3.5, 0, "4 cores, 3.5 GB RAM · 0 × 4 = 0 cores total")]
    #[case(4, 16.0, -3, "4 cores, 16 GB RAM · 0 × 4 = 0 cores total")]
    fn summary_line_under_the_picker(
        #[case] vcpus: i32,
        #[case] memory: f64,
        #[case] count: i32,
        #[case] text: &str,
    ) {
        assert_eq!(size(vcpus, memory).summary_for(count), text);
    }

    fn named(name: &str, vcpus: i32, memory_gb: f64, available: bool) -> VmSizeOption {
        VmSizeOption {
            name: name.into(),
            available,
            ..size(vcpus, memory_gb)
        }
    }

    #[test]
    fn defaults_skip_burstable_unavailable_and_too_small_sizes() {
        let catalogue = [
            named("Standard_A1", 1, 2.0, true),
            named("Standard_B2s", 2, 4.0, true),
            named("Standard_DC2s_v2", 2, 8.0, false),
            named("Standard_D2s_v5", 2, 8.0, true),
            named("Standard_B4ms", 4, 16.0, true),
            named("Standard_D4s_v5", 4, 16.0, true),
        ];
        let name = |size: Option<&VmSizeOption>| size.map(|s| s.name.clone());
        assert_eq!(
            name(default_system_size(&catalogue)).as_deref(),
            Some("Standard_D2s_v5")
        );
        assert_eq!(
            name(default_worker_size(&catalogue)).as_deref(),
            Some("Standard_D4s_v5")
        );
    }

    #[test]
    fn defaults_fall_back_to_what_there_is() {
        let only_burstable = [named("Standard_B2s", 2, 4.0, true)];
        assert_eq!(default_system_size(&only_burstable), only_burstable.first());
        assert_eq!(default_worker_size(&only_burstable), only_burstable.first());
        let large_only = [named("Standard_D16s_v5", 16, 64.0, true)];
        assert_eq!(default_worker_size(&large_only), large_only.first());
        let nothing_available = [named("Standard_D4s_v5", 4, 16.0, false)];
        assert_eq!(default_system_size(&nothing_available), None);
        assert_eq!(default_worker_size(&nothing_available), None);
    }

    #[test]
    fn answers_without_restricted_zones_still_read() {
        let option: VmSizeOption = serde_json::from_value(serde_json::json!({
            "name": "Standard_D2s_v5", "vcpus": 2, "memory_gb": 8.0,
            "family": "standardDSv5Family", "available": true, "reason": null,
        }))
        .expect("an answer from before restricted_zones");
        assert!(option.restricted_zones.is_empty());
    }
}
