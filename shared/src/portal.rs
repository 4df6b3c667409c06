//! Azure resource ids and portal deep links.
//!
//! The documented portal form is `https://portal.azure.com/#resource{resourceId}` (docs/ARM_FACTS.md §6);
//! the tenant-qualified and `/overview` variants are undocumented, so we do not use them.

/// ARM resource id of a managed cluster.
pub fn managed_cluster_id(
    subscription_id: &str,
    resource_group: &str,
    cluster_name: &str,
) -> String {
    format!(
        "/subscriptions/{subscription_id}/resourceGroups/{resource_group}/providers/Microsoft.ContainerService/managedClusters/{cluster_name}"
    )
}

/// Portal page of any resource, from its ARM resource id.
pub fn portal_resource_url(resource_id: &str) -> String {
    format!("https://portal.azure.com/#resource{resource_id}")
}

/// The resource group segment of an ARM resource id (segment names match case-insensitively).
pub fn resource_group_of(resource_id: &str) -> Option<&str> {
    let mut segments = resource_id.split('/').filter(|s| !s.is_empty());
    while let Some(segment) = segments.next() {
        if segment.eq_ignore_ascii_case("resourceGroups") {
            return segments.next();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_id_and_portal_link() {
        let id = managed_cluster_id("sub-1", "rg-a", "aks1");
        assert_eq!(
            id,
            "/subscriptions/sub-1/resourceGroups/rg-a/providers/Microsoft.ContainerService/managedClusters/aks1"
        );
        assert_eq!(
            portal_resource_url(&id),
            format!("https://portal.azure.com/#resource{id}")
        );
    }

    #[test]
    fn resource_group_segment_is_found_case_insensitively() {
        assert_eq!(
            resource_group_of("/subscriptions/s/resourcegroups/My-RG/providers/x/y/z"),
            Some("My-RG")
        );
        assert_eq!(
            resource_group_of("/subscriptions/s/resourceGroups/rg"),
            Some("rg")
        );
        assert_eq!(resource_group_of("/subscriptions/s"), None);
        assert_eq!(resource_group_of("/subscriptions/s/resourceGroups"), None);
    }
}
