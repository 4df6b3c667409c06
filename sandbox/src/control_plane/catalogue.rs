//! The catalogue side of ARM: the subscriptions a caller sees, the container-service
//! provider's registration, the VM size (resource SKU) list with its restrictions, and compute
//! usages per region.

use super::ControlPlane;
use crate::reply::Reply;
use crate::world::{RestrictionConfig, World};
use axum::http::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;

impl ControlPlane {
    /// `GET /subscriptions`: the subscriptions where `principal` holds a role (at the
    /// subscription or below it), as ARM lists only those.
    pub fn list_subscriptions(&self, principal: &str) -> Reply {
        let value: Vec<Value> = self
            .world
            .subscriptions
            .iter()
            .filter(|s| crate::rbac::sees_subscription(&self.world, principal, &s.id))
            .map(|s| {
                json!({
                    "id": format!("/subscriptions/{}", s.id),
                    "authorizationSource": "RoleBased",
                    "subscriptionId": s.id,
                    "tenantId": self.world.identity.tenant_id,
                    "displayName": s.display_name,
                    "state": "Enabled",
                    "subscriptionPolicies": {
                        "locationPlacementId": "Public_2014-09-01",
                        "quotaId": "PayAsYouGo_2014-09-01",
                        "spendingLimit": "Off"
                    }
                })
            })
            .collect();
        let count = value.len();
        Reply::json(
            StatusCode::OK,
            json!({ "value": value, "count": { "type": "Total", "value": count } }),
        )
    }

    /// `GET /subscriptions/{sub}/providers/Microsoft.ContainerService`.
    pub fn container_service_provider(&self, subscription: &str) -> Reply {
        let aks_locations: Vec<&str> = self
            .world
            .regions
            .iter()
            .filter(|r| r.aks)
            .map(|r| r.display_name.as_str())
            .collect();
        let api_versions = ["2026-01-01", "2025-10-01", "2025-08-01", "2025-07-01"];
        Reply::json(
            StatusCode::OK,
            json!({
                "id": format!("/subscriptions/{subscription}/providers/Microsoft.ContainerService"),
                "namespace": "Microsoft.ContainerService",
                "registrationState": "Registered",
                "registrationPolicy": "RegistrationRequired",
                "resourceTypes": [
                    { "resourceType": "managedClusters", "locations": aks_locations, "apiVersions": api_versions,
                      "capabilities": "CrossResourceGroupResourceMove, CrossSubscriptionResourceMove, SystemAssignedResourceIdentity, SupportsTags, SupportsLocation" },
                    { "resourceType": "locations", "locations": [], "apiVersions": api_versions },
                    { "resourceType": "locations/operations", "locations": aks_locations, "apiVersions": api_versions },
                    { "resourceType": "locations/operationresults", "locations": aks_locations, "apiVersions": api_versions }
                ]
            }),
        )
    }

    /// `GET /subscriptions/{sub}/providers/Microsoft.Compute/skus[?$filter=location eq 'x']`.
    pub fn resource_skus(&self, location_filter: Option<&str>) -> Vec<Value> {
        let mut value = Vec::new();
        for region in &self.world.regions {
            if location_filter.is_some_and(|wanted| !wanted.eq_ignore_ascii_case(&region.name)) {
                continue;
            }
            for size in &self.world.vm_sizes {
                let restrictions: Vec<Value> = region
                    .restrictions
                    .iter()
                    .filter(|r| r.vm_size.eq_ignore_ascii_case(&size.name))
                    .map(|r| restriction_json(&region.name, r))
                    .collect();
                let (tier, short) = size
                    .name
                    .split_once('_')
                    .unwrap_or(("Standard", size.name.as_str()));
                value.push(json!({
                    "resourceType": "virtualMachines",
                    "name": size.name,
                    "tier": tier,
                    "size": short,
                    "family": size.family,
                    "locations": [region.name],
                    "locationInfo": [{ "location": region.name, "zones": region.zones, "zoneDetails": [] }],
                    "capabilities": [
                        { "name": "vCPUs", "value": size.vcpus.to_string() },
                        { "name": "vCPUsAvailable", "value": size.vcpus.to_string() },
                        { "name": "MemoryGB", "value": size.memory_gb.to_string() },
                        { "name": "HyperVGenerations", "value": "V1,V2" },
                        { "name": "PremiumIO", "value": "True" },
                        { "name": "AcceleratedNetworkingEnabled", "value": "True" },
                        { "name": "LowPriorityCapable", "value": "True" }
                    ],
                    "restrictions": restrictions
                }));
            }
        }
        value
    }

    /// `GET /subscriptions/{sub}/providers/Microsoft.Compute/locations/{loc}/usages`.
    pub fn compute_usages(&mut self, subscription: &str, location: &str) -> Reply {
        self.advance(OffsetDateTime::now_utc());
        let Some(region) = self.world.region(location).cloned() else {
            return location_not_available(
                location,
                "Microsoft.Compute/locations/usages",
                &self.world,
            );
        };
        let scaled = |limit: u32| self.scaled_limit(subscription, limit);
        let usage = self.cluster_usage(subscription, &region.name);
        let regional_used =
            self.outside_regional_usage(subscription, &region) + usage.values().sum::<i64>();
        let mut value = vec![json!({
            "unit": "Count",
            "currentValue": regional_used,
            "limit": scaled(region.regional_vcpu_limit),
            "name": { "value": "cores", "localizedValue": "Total Regional vCPUs" }
        })];
        let mut families: Vec<&str> = self
            .world
            .vm_sizes
            .iter()
            .map(|s| s.family.as_str())
            .collect();
        families.sort_unstable();
        families.dedup();
        for family in families {
            let base = region.family_usage.get(family).copied().unwrap_or(0);
            let limit = region
                .family_limits
                .get(family)
                .copied()
                .unwrap_or(region.family_vcpu_limit);
            value.push(json!({
                "unit": "Count",
                "currentValue": i64::from(base) + usage.get(family).copied().unwrap_or(0),
                "limit": scaled(limit),
                "name": { "value": family, "localizedValue": family_display_name(family) }
            }));
        }
        Reply::json(StatusCode::OK, json!({ "value": value }))
    }
}

pub(super) fn location_not_available(location: &str, resource_type: &str, world: &World) -> Reply {
    let available: Vec<&str> = world
        .regions
        .iter()
        .filter(|r| r.aks)
        .map(|r| r.name.as_str())
        .collect();
    Reply::arm_error(
        StatusCode::BAD_REQUEST,
        "LocationNotAvailableForResourceType",
        format!(
            "The provided location '{location}' is not available for resource type '{resource_type}'. List of available regions for the resource type is '{}'.",
            available.join(",")
        ),
    )
}

/// A restriction that blocks the whole region (zone-only restrictions do not block a create
/// that asks for no zones).
pub(super) fn location_restriction<'a>(
    restrictions: &'a [RestrictionConfig],
    vm_size: &str,
) -> Option<&'a RestrictionConfig> {
    restrictions
        .iter()
        .find(|r| r.vm_size.eq_ignore_ascii_case(vm_size) && r.zones.is_empty())
}

fn restriction_json(location: &str, restriction: &RestrictionConfig) -> Value {
    if restriction.zones.is_empty() {
        json!({
            "type": "Location",
            "values": [location],
            "restrictionInfo": { "locations": [location] },
            "reasonCode": restriction.reason,
        })
    } else {
        json!({
            "type": "Zone",
            "values": [location],
            "restrictionInfo": { "locations": [location], "zones": restriction.zones },
            "reasonCode": restriction.reason,
        })
    }
}

/// "standardDSv5Family" → "Standard DSv5 Family vCPUs", as compute usages localise it.
fn family_display_name(family: &str) -> String {
    let core = family.strip_prefix("standard").unwrap_or(family);
    let core = core.strip_suffix("Family").unwrap_or(core);
    format!("Standard {core} Family vCPUs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_names_are_localised_like_compute_usages() {
        assert_eq!(
            family_display_name("standardDSv5Family"),
            "Standard DSv5 Family vCPUs"
        );
        assert_eq!(
            family_display_name("standardNCSv3Family"),
            "Standard NCSv3 Family vCPUs"
        );
    }
}
