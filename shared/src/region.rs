//! Region names: ARM lists provider locations by display name ("East US 2") while resource
//! bodies and URLs use the programmatic name ("eastus2").

use serde::{Deserialize, Serialize};

/// A region where a resource type is offered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionInfo {
    /// Programmatic name, e.g. `koreacentral`.
    pub name: String,
    /// Display name, e.g. `Korea Central`.
    pub display_name: String,
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
}
