//! Where a failure happened: the agent pool, the availability zones and the permission
//! (ARM action) that was missing.
//!
//! The pool comes from the names AKS and its clients print (`AgentPoolProfile:x`,
//! Terraform's `Agent Pool Name: "x"`) or from an ARM detail's `target`, which for allocation
//! failures is the pool (`{"code":"AllocationFailed","target":"workers",…}`). A target is only
//! taken for a pool when it is shaped like one (lowercase letters and digits, a letter first, at
//! most 12 characters): property targets (`vmSize`, `networkProfile.serviceCIDR`), resource
//! names with hyphens and instance ids (`"target":"11"`) are not pools.

use super::super::normalize::Normalized;
use super::{name_run, occurrences};

/// Lowercase words AKS uses as detail targets that are properties, not pools.
const NOT_POOLS: &[&str] = &[
    "location",
    "name",
    "properties",
    "sku",
    "tags",
    "zones",
    "type",
    "id",
    "identity",
    "kind",
    "plan",
    "count",
    "subnet",
    "version",
    "resource",
    "request",
    "body",
];

/// Longest agent pool name AKS accepts (Linux pools; Windows pools allow 6).
const MAX_POOL_NAME: usize = 12;

/// The agent pool the error names: an explicit pool label first, else the last pool-shaped
/// detail target (the deepest detail is printed last).
pub(crate) fn pool(text: &Normalized) -> Option<String> {
    const LABELS: &[&str] = &[
        "agentpoolprofile:",
        "agent pool name: \"",
        "agentpool name: \"",
    ];
    let labelled = LABELS.iter().find_map(|label| {
        occurrences(&text.lower, label)
            .find_map(|end| name_run(text.text.get(end..)?).filter(|name| is_pool_name(name)))
    });
    if labelled.is_some() {
        return labelled;
    }
    const TARGETS: &[&str] = &["\"target\": \"", "\"target\":\"", "target=\"", "target: "];
    let mut last: Option<(usize, String)> = None;
    for label in TARGETS {
        for end in occurrences(&text.lower, label) {
            let Some(name) = name_run(text.text.get(end..).unwrap_or_default()) else {
                continue;
            };
            if is_pool_name(&name) && last.as_ref().is_none_or(|(at, _)| end > *at) {
                last = Some((end, name));
            }
        }
    }
    last.map(|(_, name)| name)
}

/// Lowercase letters and digits, a letter first, at most 12 long, not a property word.
fn is_pool_name(name: &str) -> bool {
    name.len() <= MAX_POOL_NAME
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && !NOT_POOLS.contains(&name)
}

/// The availability zones the error names: `zone '1'`, `zones '1,2'`, `availability zone '1'`,
/// `in zone 2`, `"zones": ["1","2"]`. `zones ''` (no zone) names none.
pub(crate) fn zones(text: &Normalized) -> Vec<String> {
    const LABELS: &[&str] = &[
        "zone '",
        "zones '",
        "zone \"",
        "zones \"",
        "in zone ",
        "zones: ",
        "zone: ",
        "\"zones\":[",
        "\"zones\": [",
        "availabilityzones\":[",
        "availabilityzones\": [",
    ];
    let mut found: Vec<String> = Vec::new();
    for label in LABELS {
        for end in occurrences(&text.lower, label) {
            let rest = text.lower.get(end..).unwrap_or_default();
            for zone in zone_list(rest) {
                if !found.contains(&zone) {
                    found.push(zone);
                }
            }
        }
    }
    found.sort();
    found
}

/// The zone numbers at the start of `s`: digits separated by commas, quotes, brackets or
/// spaces, up to the first other character (at most 32 bytes are read).
fn zone_list(s: &str) -> Vec<String> {
    let mut zones = Vec::new();
    let mut current = String::new();
    for c in s.chars().take(32) {
        if c.is_ascii_digit() {
            current.push(c);
            continue;
        }
        if !current.is_empty() {
            zones.push(std::mem::take(&mut current));
        }
        if !matches!(c, ',' | '\'' | '"' | ' ' | '[') {
            break;
        }
    }
    if !current.is_empty() {
        zones.push(current);
    }
    zones.retain(|z| (1..=2).contains(&z.len()));
    zones
}

/// The ARM action the error says was missing: the one after "does not have permission
/// (authorization) to perform action" (a linked-authorization message first names the action
/// the client *could* perform) or after "not allowed for action".
pub(crate) fn missing_action(text: &Normalized) -> Option<String> {
    const LABELS: &[&str] = &[
        "does not have permission to perform action '",
        "doesn't have permission to perform action '",
        "does not have authorization to perform action '",
        "doesn't have authorization to perform action '",
        "not allowed for action '",
        "not allowed for action ",
    ];
    LABELS.iter().find_map(|label| {
        occurrences(&text.lower, label).find_map(|end| {
            let rest = text.text.get(end..)?;
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-')))
                .unwrap_or(rest.len());
            let action = rest.get(..len)?.trim_end_matches('.');
            (action.contains('/') && action.len() <= 200).then(|| action.to_owned())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn n(raw: &str) -> Normalized {
        Normalized::new(raw)
    }

    #[rstest]
    #[case(
        r#"{"code":"AllocationFailed","target":"workers","message":"x"}"#,
        Some("workers")
    )]
    #[case(
        "The VM size of AgentPoolProfile:nodepool1 is not allowed",
        Some("nodepool1")
    )]
    #[case(
        "Managed Cluster Name: \"c\"\nAgent Pool Name: \"infracictrl\"): polling",
        Some("infracictrl")
    )]
    #[case(
        r#"{"code":"OverconstrainedZonalAllocationRequest","target":"11"}"#,
        None
    )]
    #[case(r#"Code="InvalidParameter" Target="vmSize""#, None)]
    #[case(r#"{"target":"aks-dtb-azops-t4"}"#, None)]
    #[case(r#"{"target":"location"}"#, None)]
    #[case(
        r#"{"target":"system"} then {\"target\":\"workers\"}"#,
        Some("workers")
    )]
    fn pools(#[case] raw: &str, #[case] expected: Option<&str>) {
        assert_eq!(pool(&n(raw)).as_deref(), expected);
    }

    #[rstest]
    #[case("capacity issue in availability zone '1'. Resources", &["1"])]
    #[case("not available in location 'eastus' zones '' for subscription", &[])]
    #[case("currently not available in location 'x' zones '1,2' for", &["1", "2"])]
    #[case(r#""availabilityZones": ["3", "1"]"#, &["1", "3"])]
    #[case("Allocation failed in zone 2.", &["2"])]
    #[case("sufficient capacity for the requested VM size in this zone", &[])]
    fn zone_lists(#[case] raw: &str, #[case] expected: &[&str]) {
        assert_eq!(zones(&n(raw)), expected);
    }

    #[rstest]
    #[case(
        "has permission to perform action 'Microsoft.Compute/virtualMachineScaleSets/write' on scope 'x'; however, it does not have permission to perform action 'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope(s) 'y'",
        Some("Microsoft.Network/virtualNetworks/subnets/join/action")
    )]
    #[case(
        "Check access result not allowed for action Microsoft.Network/privateDnsZones/read.",
        Some("Microsoft.Network/privateDnsZones/read")
    )]
    #[case("does not have authorization to perform action 'x y' over", None)]
    #[case("has permission to perform action 'a/b' on scope", None)]
    fn missing_actions(#[case] raw: &str, #[case] expected: Option<&str>) {
        assert_eq!(missing_action(&n(raw)).as_deref(), expected);
    }
}
