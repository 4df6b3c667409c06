//! Words and links for `network`: the virtual network or subnet cannot take the cluster. The
//! summary states the subnet, its network and the figures or the missing permission; the
//! actions are the docs for that kind of problem and, for a missing join permission, the role
//! assignment command (built by `crate::shell`, so only a GUID principal and a `Microsoft.Network`
//! resource id make one).

use super::super::{Action, ActionKind, Facts, NetworkFacts, NetworkProblem};
use super::{MAX_SUMMARY_CHARS, docs, truncate};
use crate::shell::network_role_assignment_command;

const DOCS_CNI_IP_PLANNING: &str =
    "https://learn.microsoft.com/azure/aks/azure-cni-overview#plan-ip-addressing-for-your-cluster";
const DOCS_INSUFFICIENT_SUBNET: &str = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/connectivity/insufficientsubnetsize-error-advanced-networking";
const DOCS_IDENTITY_PERMISSIONS: &str =
    "https://learn.microsoft.com/azure/aks/concepts-identity#aks-cluster-identity-permissions";
const DOCS_LINKED_AUTHORIZATION: &str = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/linkedauthorizationfailed-error";
const DOCS_PRIVATE_DNS: &str = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/customprivatednszonemissingpermissions-error";
const DOCS_PRIVATE_CLUSTER_DNS: &str =
    "https://learn.microsoft.com/azure/aks/private-clusters#configure-a-private-dns-zone";
const DOCS_EGRESS: &str = "https://learn.microsoft.com/azure/aks/outbound-rules-control-egress";
const DOCS_OUTBOUND_FAIL: &str = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/vmextensionerror-outboundconnfail";
const DOCS_NSG: &str = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/connectivity/custom-nsg-blocks-traffic";
const DOCS_SUBNET_IN_USE: &str = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/subnetwithexternalresourcescannotbeusedbyotherresources-error";
const DOCS_SUBNET_DELEGATED: &str = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/subnetisdelegated-error";
const DOCS_CIDR_OVERLAP: &str = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/servicecidroverlapexistingsubnetscidr-error";
const DOCS_RESOURCE_REFERENCE: &str = "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/invalidresourcereference-error";
const DOCS_AKS_NETWORKING: &str = "https://learn.microsoft.com/azure/aks/concepts-network";

/// One line from what the failure states.
pub(super) fn summary(facts: &Facts, innermost: &str) -> String {
    let network = facts.network.clone().unwrap_or_default();
    let subnet = network.subnet.as_deref().map(last_segment);
    let vnet = network.vnet.as_deref().map(last_segment);
    let subnet_words = match (subnet, vnet, network.cidr.as_deref()) {
        (Some(s), Some(v), Some(c)) => format!("Subnet {s} ({c}) of {v}"),
        (Some(s), Some(v), None) => format!("Subnet {s} of {v}"),
        (Some(s), None, Some(c)) => format!("Subnet {s} ({c})"),
        (Some(s), None, None) => format!("Subnet {s}"),
        (None, _, Some(c)) => format!("The subnet ({c})"),
        (None, _, None) => "The subnet".to_owned(),
    };
    let line = match network.problem {
        Some(NetworkProblem::SubnetSize) => match (network.ips_available, network.ips_needed) {
            (Some(free), Some(needed)) => format!(
                "{subnet_words} has {free} free IP addresses; the cluster needs {needed}."
            ),
            (None, Some(needed)) => {
                format!("{subnet_words} is full: no room for {needed} more IP addresses.")
            }
            _ => format!("{subnet_words} has too few free IP addresses for the cluster."),
        },
        Some(NetworkProblem::PrivateDns) => match facts.missing_action.as_deref() {
            Some(action) => format!(
                "The cluster identity may not manage the custom private DNS zone: it lacks {action}."
            ),
            None => format!(
                "The cluster's private DNS zone was refused: {}",
                truncate(innermost, MAX_SUMMARY_CHARS)
            ),
        },
        Some(NetworkProblem::JoinPermission) if facts.missing_action.is_some() => {
            let action = facts.missing_action.as_deref().unwrap_or_default();
            let on = match (subnet, vnet) {
                (Some(s), Some(v)) => format!(" on subnet {s} of {v}"),
                (Some(s), None) => format!(" on subnet {s}"),
                (None, Some(v)) => format!(" on {v}"),
                (None, None) => String::new(),
            };
            format!("The identity lacks {action}{on}.")
        }
        Some(NetworkProblem::Outbound) => {
            "Nodes could not reach required endpoints (outbound, API server or DNS); a firewall, NSG, route table or proxy is in the way.".to_owned()
        }
        Some(NetworkProblem::NotFound) if subnet.is_some() || vnet.is_some() => {
            let what = match (subnet, vnet) {
                (Some(_), _) => subnet_words.clone(),
                (None, Some(v)) => format!("Virtual network {v}"),
                (None, None) => String::new(),
            };
            format!("{what} was not found, or is not in the cluster's region.")
        }
        Some(NetworkProblem::SubnetInUse) => format!(
            "{subnet_words} cannot be used as it is: {}",
            truncate(innermost, MAX_SUMMARY_CHARS)
        ),
        Some(NetworkProblem::CidrOverlap) => format!(
            "Address ranges overlap: {}",
            truncate(innermost, MAX_SUMMARY_CHARS)
        ),
        _ => format!(
            "The cluster's network was refused: {}",
            truncate(innermost, MAX_SUMMARY_CHARS)
        ),
    };
    truncate(&line, MAX_SUMMARY_CHARS + 40)
}

/// The last segment of an ARM id (`aks-nodes` of `…/subnets/aks-nodes`), or the name itself.
fn last_segment(id: &str) -> &str {
    id.rsplit('/').find(|s| !s.is_empty()).unwrap_or(id)
}

/// The docs for the problem and, for a missing permission, the role command.
pub(super) fn actions(facts: &Facts) -> Vec<Action> {
    let network = facts.network.clone().unwrap_or_default();
    let mut actions = Vec::new();
    if let Some(command) = role_command(facts, &network) {
        actions.push(Action {
            kind: ActionKind::Command,
            label: "Copy the role assignment command".to_owned(),
            href: None,
            command: Some(command),
            retry: None,
        });
    }
    let pages: &[(&str, &str)] = match network.problem {
        Some(NetworkProblem::SubnetSize) => &[
            ("Plan IP addressing for Azure CNI", DOCS_CNI_IP_PLANNING),
            ("Fix InsufficientSubnetSize", DOCS_INSUFFICIENT_SUBNET),
        ],
        Some(NetworkProblem::JoinPermission) => &[
            (
                "Permissions the cluster identity needs",
                DOCS_IDENTITY_PERMISSIONS,
            ),
            ("Fix LinkedAuthorizationFailed", DOCS_LINKED_AUTHORIZATION),
        ],
        Some(NetworkProblem::PrivateDns) => &[
            ("Fix private DNS zone permissions", DOCS_PRIVATE_DNS),
            ("Private cluster DNS zones", DOCS_PRIVATE_CLUSTER_DNS),
        ],
        Some(NetworkProblem::Outbound) => &[
            ("Required outbound ports and addresses", DOCS_EGRESS),
            ("Fix outbound connection failures", DOCS_OUTBOUND_FAIL),
            ("A custom NSG blocks traffic", DOCS_NSG),
        ],
        Some(NetworkProblem::SubnetInUse) => &[
            ("A subnet with external resources", DOCS_SUBNET_IN_USE),
            ("A delegated subnet", DOCS_SUBNET_DELEGATED),
        ],
        Some(NetworkProblem::CidrOverlap) => &[
            ("Fix overlapping address ranges", DOCS_CIDR_OVERLAP),
            ("AKS network concepts", DOCS_AKS_NETWORKING),
        ],
        Some(NetworkProblem::NotFound) => &[
            ("Fix InvalidResourceReference", DOCS_RESOURCE_REFERENCE),
            ("AKS network concepts", DOCS_AKS_NETWORKING),
        ],
        None => &[
            ("AKS network concepts", DOCS_AKS_NETWORKING),
            ("Plan IP addressing for Azure CNI", DOCS_CNI_IP_PLANNING),
        ],
    };
    actions.extend(pages.iter().map(|(label, href)| docs(label, href)));
    actions
}

/// `az role assignment create … --role "Network Contributor" --scope <subnet or vnet id>` for a
/// missing network permission whose principal and resource the text names.
fn role_command(facts: &Facts, network: &NetworkFacts) -> Option<String> {
    if !matches!(
        network.problem,
        Some(NetworkProblem::JoinPermission | NetworkProblem::PrivateDns)
    ) {
        return None;
    }
    let principal = facts.principal_object_id.as_deref()?;
    [
        facts.scope.as_deref(),
        network.subnet.as_deref(),
        network.vnet.as_deref(),
    ]
    .into_iter()
    .flatten()
    .find_map(|scope| network_role_assignment_command(principal, scope))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnet_size_summary_states_both_figures() {
        let facts = Facts {
            network: Some(NetworkFacts {
                subnet: Some("aks-small".into()),
                cidr: Some("10.240.0.0/27".into()),
                ips_needed: Some(93),
                ips_available: Some(27),
                problem: Some(NetworkProblem::SubnetSize),
                ..NetworkFacts::default()
            }),
            ..Facts::default()
        };
        assert_eq!(
            summary(&facts, ""),
            "Subnet aks-small (10.240.0.0/27) has 27 free IP addresses; the cluster needs 93."
        );
        assert!(
            actions(&facts)
                .iter()
                .any(|a| a.href.as_deref() == Some(DOCS_CNI_IP_PLANNING))
        );
    }
}
