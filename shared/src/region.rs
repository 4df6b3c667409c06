//! Region names: ARM lists provider locations by display name ("East US 2") while resource
//! bodies and URLs use the programmatic name ("eastus2"). And the region the create form starts
//! on: the one the operator configured, else a large region where AKS and the common VM sizes
//! are broadly offered, never merely the first in alphabetical order (issue 19, point 3).

use serde::{Deserialize, Serialize};

/// A region where a resource type is offered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionInfo {
    /// Programmatic name, e.g. `koreacentral`.
    pub name: String,
    /// Display name, e.g. `Korea Central`.
    pub display_name: String,
    /// The region the create form starts on ([`mark_recommended`]); at most one in a list.
    /// Absent from answers of servers that predate it.
    #[serde(default)]
    pub recommended: bool,
}

/// Large regions with AKS and the common VM sizes broadly offered, in order of preference: the
/// recommendation when the operator configured none (or one the subscription is not offered).
pub const BROADLY_OFFERED_REGIONS: [&str; 8] = [
    "eastus",
    "eastus2",
    "westus2",
    "westeurope",
    "northeurope",
    "uksouth",
    "southeastasia",
    "australiaeast",
];

/// Marks the one region the create form starts on: `configured` when the list offers it, else
/// the first of [`BROADLY_OFFERED_REGIONS`] it offers, else none (the form then starts on the
/// list's first). Any earlier mark is cleared.
pub fn mark_recommended(regions: &mut [RegionInfo], configured: Option<&str>) {
    let wanted = configured
        .into_iter()
        .chain(BROADLY_OFFERED_REGIONS)
        .find(|wanted| {
            regions
                .iter()
                .any(|region| region.name.eq_ignore_ascii_case(wanted))
        });
    for region in regions.iter_mut() {
        region.recommended = wanted.is_some_and(|wanted| region.name.eq_ignore_ascii_case(wanted));
    }
}

/// The region a form should start on: the recommended one, else the first.
pub fn starting_region(regions: &[RegionInfo]) -> Option<&RegionInfo> {
    regions
        .iter()
        .find(|region| region.recommended)
        .or_else(|| regions.first())
}

/// Turns a display name into the programmatic name: lower-case ASCII letters and digits only.
/// ("East US 2" → "eastus2"); programmatic names pass through unchanged.
pub fn region_name_from_display(display_name: &str) -> String {
    display_name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("East US", "eastus")]
    #[case("East US 2", "eastus2")]
    #[case("Korea Central", "koreacentral")]
    #[case("koreacentral", "koreacentral")]
    #[case("  West Europe ", "westeurope")]
    fn display_names_become_programmatic(#[case] display: &str, #[case] expected: &str) {
        assert_eq!(region_name_from_display(display), expected);
    }

    fn regions(names: &[&str]) -> Vec<RegionInfo> {
        names
            .iter()
            .map(|name| RegionInfo {
                name: (*name).into(),
                display_name: name.to_uppercase(),
                recommended: false,
            })
            .collect()
    }

    fn recommended(list: &[RegionInfo]) -> Vec<&str> {
        list.iter()
            .filter(|region| region.recommended)
            .map(|region| region.name.as_str())
            .collect()
    }

    #[rstest]
    #[case::configured_and_offered(Some("koreacentral"), vec!["koreacentral"])]
    #[case::configured_in_other_case(Some("KoreaCentral"), vec!["koreacentral"])]
    #[case::configured_but_not_offered(Some("brazilsouth"), vec!["eastus2"])]
    #[case::none_configured(None, vec!["eastus2"])]
    fn one_region_is_recommended(#[case] configured: Option<&str>, #[case] expected: Vec<&str>) {
        let mut list = regions(&["centralindia", "eastus2", "koreacentral", "westeurope"]);
        list[0].recommended = true;
        mark_recommended(&mut list, configured);
        assert_eq!(recommended(&list), expected);
        assert_eq!(
            starting_region(&list).map(|r| r.name.as_str()),
            expected.first().copied()
        );
    }

    #[test]
    fn without_a_known_region_the_form_starts_on_the_first() {
        let mut list = regions(&["centralindia", "koreacentral"]);
        mark_recommended(&mut list, None);
        assert!(recommended(&list).is_empty());
        assert_eq!(
            starting_region(&list).map(|r| r.name.as_str()),
            Some("centralindia")
        );
        assert_eq!(starting_region(&[]), None);
    }
}
