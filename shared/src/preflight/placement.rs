//! The pre-flight rows about where the cluster goes (issue 16): Azure Policy on its location,
//! the chosen availability zones against the sizes' zone restrictions, and the chosen subnet's
//! free addresses against what Azure CNI takes. All three only ever **warn**: ARM stays the
//! authority, and each estimate can be wrong (a policy exemption, a zone restriction lifted, an
//! address freed), so none of them may keep a user from trying.

use super::{CheckStatus, PreflightCheck};
use crate::network::{DEFAULT_MAX_PODS, SubnetId, ips_needed};
use crate::provision::{ProvisionRequest, ZONES};
use crate::vm_size::VmSizeCatalogue;
use serde_json::json;

/// What ARM's policy check said about a managed cluster in the request's region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyVerdict {
    /// No assignment denies the location.
    Allowed,
    /// An assignment denies it.
    Denied {
        /// The assignment's name (the last segment of its id when ARM gives no other).
        assignment: String,
        /// The locations it allows, when stated.
        allowed_locations: Vec<String>,
    },
    /// The check could not be read (why, for the row).
    Unreadable(String),
}

/// The `policy` row.
pub fn policy_check(request: &ProvisionRequest, verdict: &PolicyVerdict) -> PreflightCheck {
    let region = &request.region;
    let (status, message, details) = match verdict {
        PolicyVerdict::Allowed => (
            CheckStatus::Ok,
            format!("No Azure Policy assignment denies a cluster in {region}."),
            json!({ "region": region }),
        ),
        PolicyVerdict::Denied {
            assignment,
            allowed_locations,
        } => {
            let allowed = if allowed_locations.is_empty() {
                String::new()
            } else {
                format!(" It allows {}.", allowed_locations.join(", "))
            };
            (
                CheckStatus::Warn,
                format!(
                    "Azure Policy assignment '{assignment}' denies clusters in {region}, so Azure will likely refuse the create (RequestDisallowedByPolicy).{allowed}"
                ),
                json!({ "region": region, "assignment": assignment, "allowed_locations": allowed_locations }),
            )
        }
        PolicyVerdict::Unreadable(reason) => (
            CheckStatus::Warn,
            format!(
                "Azure Policy could not be checked for {region} ({reason}); the create will tell whether a policy denies it."
            ),
            json!({ "region": region, "degraded": true }),
        ),
    };
    PreflightCheck {
        name: "policy".into(),
        status,
        message,
        details,
    }
}

/// The `zones` row, only when the request names zones: every chosen zone must be open to both
/// sizes (not in the size's zone restrictions, and among its zones when the catalogue lists them).
pub fn zones_check(
    request: &ProvisionRequest,
    catalogue: Option<&VmSizeCatalogue>,
) -> Option<PreflightCheck> {
    if request.zones.is_empty() {
        return None;
    }
    let chosen = request.zones.join(", ");
    let region = &request.region;
    let Some(catalogue) = catalogue.filter(|c| !c.degraded) else {
        return Some(PreflightCheck {
            name: "zones".into(),
            status: CheckStatus::Warn,
            message: format!(
                "Zone restrictions in {region} could not be read; the create will tell whether zones {chosen} have the sizes."
            ),
            details: json!({ "zones": request.zones, "degraded": true }),
        });
    };
    let sizes = [
        ("system", request.system_vm_size.as_str()),
        ("worker", request.node_sku.as_str()),
    ];
    let mut restricted = Vec::new();
    let mut working: Vec<String> = ZONES.iter().map(|z| (*z).to_owned()).collect();
    for (pool, size) in sizes {
        // A size missing from the catalogue is the vm_size row's business.
        let Some(option) = catalogue
            .skus
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(size))
        else {
            continue;
        };
        let open = |zone: &str| {
            !option.restricted_zones.iter().any(|z| z == zone)
                && (option.zones.is_empty() || option.zones.iter().any(|z| z == zone))
        };
        working.retain(|zone| open(zone));
        let closed: Vec<&String> = request.zones.iter().filter(|z| !open(z)).collect();
        if !closed.is_empty()
            && !restricted
                .iter()
                .any(|r: &serde_json::Value| r["vm_size"] == size)
        {
            restricted.push(json!({ "pool": pool, "vm_size": size, "zones": closed }));
        }
    }
    let check = if restricted.is_empty() {
        PreflightCheck {
            name: "zones".into(),
            status: CheckStatus::Ok,
            message: format!("Zones {chosen} of {region} offer the chosen sizes."),
            details: json!({ "zones": request.zones, "working_zones": working }),
        }
    } else {
        let first = &restricted[0];
        let zones: Vec<&str> = first["zones"]
            .as_array()
            .map(|z| z.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let works = match working.as_slice() {
            [] => "no zone of the region offers both sizes; leave zones empty or pick another size"
                .to_owned(),
            [one] => format!("zone {one} works for both sizes"),
            many => format!("zones {} work for both sizes", many.join(", ")),
        };
        PreflightCheck {
            name: "zones".into(),
            status: CheckStatus::Warn,
            message: format!(
                "{} is restricted in zone{} {} of {region}; {works}.",
                first["vm_size"].as_str().unwrap_or_default(),
                if zones.len() == 1 { "" } else { "s" },
                zones.join(", "),
            ),
            details: json!({ "zones": request.zones, "restricted": restricted, "working_zones": working }),
        }
    };
    Some(check)
}

/// What ARM said about the chosen subnet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubnetState {
    /// It exists.
    Found {
        /// Its address prefix.
        cidr: String,
        /// Addresses it can still hand out (`None` when its prefix is not IPv4 CIDR).
        free: Option<i64>,
    },
    /// It does not exist.
    Missing,
    /// It could not be read (why).
    Unreadable(String),
}

/// The `subnet` row, only when the request chose a subnet: Azure CNI takes an address for every
/// node and for each of its pods (AKS's default 30), Σ count × 31, against the subnet's free ones.
pub fn subnet_check(request: &ProvisionRequest, state: &SubnetState) -> Option<PreflightCheck> {
    let id = request.subnet_id.as_deref()?;
    let name = SubnetId::parse(id).map_or_else(|_| id.to_owned(), |s| s.name);
    let counts = [request.system_node_count, request.node_count];
    let nodes: i64 = counts.iter().map(|c| i64::from((*c).max(0))).sum();
    let needed = ips_needed(&counts);
    let per_node = DEFAULT_MAX_PODS + 1;
    let formula = format!("{nodes} nodes × {per_node}: each node and its {DEFAULT_MAX_PODS} pods");
    let (status, message, details) = match state {
        SubnetState::Found {
            cidr,
            free: Some(free),
        } => {
            let details = json!({ "subnet": name, "cidr": cidr, "needed": needed, "free": free, "nodes": nodes, "ips_per_node": per_node });
            if needed > *free {
                (
                    CheckStatus::Warn,
                    format!(
                        "Subnet {name} ({cidr}) has {free} free addresses; the cluster needs {needed} ({formula}). Azure will likely refuse the create (InsufficientSubnetSize)."
                    ),
                    details,
                )
            } else {
                (
                    CheckStatus::Ok,
                    format!(
                        "Subnet {name} ({cidr}) has {free} free addresses; the cluster needs {needed} ({formula})."
                    ),
                    details,
                )
            }
        }
        SubnetState::Found { cidr, free: None } => (
            CheckStatus::Warn,
            format!(
                "The free addresses of subnet {name} ({cidr}) could not be counted; the cluster needs {needed} ({formula})."
            ),
            json!({ "subnet": name, "cidr": cidr, "needed": needed, "degraded": true }),
        ),
        SubnetState::Missing => (
            CheckStatus::Warn,
            format!("Subnet {name} was not found; Azure will refuse a create that names it."),
            json!({ "subnet": name, "needed": needed, "exists": false }),
        ),
        SubnetState::Unreadable(reason) => (
            CheckStatus::Warn,
            format!(
                "Subnet {name} could not be read ({reason}); the cluster needs {needed} free addresses in it ({formula})."
            ),
            json!({ "subnet": name, "needed": needed, "degraded": true }),
        ),
    };
    Some(PreflightCheck {
        name: "subnet".into(),
        status,
        message,
        details,
    })
}

#[cfg(test)]
mod tests;
