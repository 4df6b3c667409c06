//! Capacity outages of a region (`[[regions]] capacity_outages`): sizes or zones where the
//! region has no VMs to allocate right now, although the SKU list shows them available. A
//! create that deploys a pool into one passes validation and fails midway, as Compute answers
//! AKS's scale set (docs/ARM_FACTS.md §15).

use serde::Deserialize;

/// Sizes, zones or both out of capacity.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityOutage {
    /// The sizes out of capacity; empty means every size.
    #[serde(default)]
    pub vm_sizes: Vec<String>,
    /// The zones out of capacity; empty means the whole region (zones or not). A zonal outage
    /// only meets pools whose `availabilityZones` include one of these.
    #[serde(default)]
    pub zones: Vec<String>,
}

/// How a pool meets an outage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shortage {
    /// No capacity for the size anywhere in the region: `AllocationFailed`.
    Regional,
    /// No capacity in these of the pool's zones: `ZonalAllocationFailed`.
    Zonal(Vec<String>),
}

impl CapacityOutage {
    /// True when the outage covers `vm_size` (case-insensitive, as ARM matches SKU names).
    fn covers_size(&self, vm_size: &str) -> bool {
        self.vm_sizes.is_empty()
            || self
                .vm_sizes
                .iter()
                .any(|s| s.eq_ignore_ascii_case(vm_size))
    }

    /// How a pool of `vm_size` in `zones` (empty: no zones asked) meets this outage, if it does.
    pub fn meets(&self, vm_size: &str, zones: &[String]) -> Option<Shortage> {
        if !self.covers_size(vm_size) {
            return None;
        }
        if self.zones.is_empty() {
            return Some(Shortage::Regional);
        }
        let hit: Vec<String> = zones
            .iter()
            .filter(|z| self.zones.contains(z))
            .cloned()
            .collect();
        (!hit.is_empty()).then_some(Shortage::Zonal(hit))
    }
}

/// The shortage a pool meets among `outages`: a regional one first (no zone would help), then a
/// zonal one.
pub fn shortage(outages: &[CapacityOutage], vm_size: &str, zones: &[String]) -> Option<Shortage> {
    let met: Vec<Shortage> = outages
        .iter()
        .filter_map(|o| o.meets(vm_size, zones))
        .collect();
    met.iter()
        .find(|s| **s == Shortage::Regional)
        .or(met.first())
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zones(list: &[&str]) -> Vec<String> {
        list.iter().map(|z| (*z).to_owned()).collect()
    }

    #[test]
    fn regional_outages_beat_zonal_ones_and_zones_only_meet_pools_in_them() {
        let outages = [
            CapacityOutage {
                vm_sizes: vec!["Standard_D4as_v5".into()],
                zones: vec![],
            },
            CapacityOutage {
                vm_sizes: vec![],
                zones: zones(&["1"]),
            },
        ];
        assert_eq!(
            shortage(&outages, "standard_d4as_v5", &zones(&["1", "2"])),
            Some(Shortage::Regional)
        );
        assert_eq!(
            shortage(&outages, "Standard_D4s_v5", &zones(&["1", "2"])),
            Some(Shortage::Zonal(zones(&["1"])))
        );
        assert_eq!(
            shortage(&outages, "Standard_D4s_v5", &zones(&["2", "3"])),
            None
        );
        assert_eq!(shortage(&outages, "Standard_D4s_v5", &[]), None);
        assert_eq!(
            shortage(&[CapacityOutage::default()], "Standard_B2s", &[]),
            Some(Shortage::Regional),
            "an outage of every size in the whole region"
        );
    }
}
