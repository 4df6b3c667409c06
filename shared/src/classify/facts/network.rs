//! The network resources and figures a network failure states: the subnet and virtual network
//! (as ARM ids when the text has them, else as names), the subnet's address prefix, and the IP
//! addresses needed and available.
//!
//! Shapes read: ARM ids (`…/virtualNetworks/<vnet>/subnets/<subnet>`) anywhere in the text,
//! AKS's `Pre-allocated IPs 93 exceeds IPs available 27 in Subnet Cidr 10.240.0.0/27, Subnet
//! Name aks-small`, Network's `Subnet <name or id> with address prefix 10.0.0.0/20 does not have
//! enough capacity for 1 IP addresses`.

use super::super::normalize::Normalized;
use super::super::rules::is_network_action;
use super::super::{NetworkFacts, NetworkProblem};
use super::{name_run, number_after, occurrences};

/// How far back from a `/virtualNetworks/` segment its id's `/subscriptions/` may start.
const MAX_ID_PREFIX: usize = 400;

/// Phrases (lowercase) that tell the network problems apart, most specific first.
const PROBLEMS: &[(&str, NetworkProblem)] = &[
    ("private dns zone", NetworkProblem::PrivateDns),
    ("privatednszone", NetworkProblem::PrivateDns),
    ("pre-allocated ips", NetworkProblem::SubnetSize),
    ("insufficientsubnetsize", NetworkProblem::SubnetSize),
    ("subnetisfull", NetworkProblem::SubnetSize),
    ("enough capacity for", NetworkProblem::SubnetSize),
    ("external resources", NetworkProblem::SubnetInUse),
    ("delegat", NetworkProblem::SubnetInUse),
    ("is in use", NetworkProblem::SubnetInUse),
    ("already in use", NetworkProblem::SubnetInUse),
    ("overlap", NetworkProblem::CidrOverlap),
    ("is conflicted with", NetworkProblem::CidrOverlap),
    ("outbound", NetworkProblem::Outbound),
    ("api server", NetworkProblem::Outbound),
    ("apiserver", NetworkProblem::Outbound),
    ("cnidownload", NetworkProblem::Outbound),
    ("vmsscse", NetworkProblem::Outbound),
    ("was not found", NetworkProblem::NotFound),
    ("could not find", NetworkProblem::NotFound),
    ("notfound", NetworkProblem::NotFound),
    ("which is not the location", NetworkProblem::NotFound),
    ("same region as the cluster", NetworkProblem::NotFound),
    ("different region", NetworkProblem::NotFound),
    ("different location", NetworkProblem::NotFound),
];

/// The network facts of `text`, or `None` when it states none. `missing_action` is the
/// permission the text says was missing, if any.
pub(crate) fn extract(text: &Normalized, missing_action: Option<&str>) -> Option<NetworkFacts> {
    let (vnet_id, subnet_id) = arm_ids(text);
    let subnet = subnet_id.or_else(|| subnet_name(text));
    let facts = NetworkFacts {
        vnet: vnet_id
            .or_else(|| {
                // A subnet id names its network.
                subnet.as_deref().and_then(vnet_of_subnet_id)
            })
            .or_else(|| vnet_name(text)),
        subnet,
        cidr: cidr(text),
        ips_needed: number_after(text, &["pre-allocated ips", "enough capacity for"]),
        ips_available: number_after(text, &["ips available in subnet", "ips available"]),
        problem: problem(text, missing_action),
    };
    (facts != NetworkFacts::default()).then_some(facts)
}

/// Which network problem the text describes: a missing network permission, else the first
/// matching phrase.
fn problem(text: &Normalized, missing_action: Option<&str>) -> Option<NetworkProblem> {
    if let Some(action) = missing_action.filter(|a| is_network_action(a)) {
        return Some(if action.to_ascii_lowercase().contains("privatednszones") {
            NetworkProblem::PrivateDns
        } else {
            NetworkProblem::JoinPermission
        });
    }
    PROBLEMS
        .iter()
        .find(|(phrase, _)| text.lower.contains(phrase))
        .map(|&(_, problem)| problem)
}

/// The first virtual network id in the text (and the subnet id it continues into, when it
/// does), preferring an id that names a subnet.
fn arm_ids(text: &Normalized) -> (Option<String>, Option<String>) {
    const SEGMENT: &str = "/virtualnetworks/";
    let mut first_vnet: Option<String> = None;
    for end in occurrences(&text.lower, SEGMENT) {
        let start = end - SEGMENT.len();
        let window = super::floor_boundary(&text.lower, start.saturating_sub(MAX_ID_PREFIX));
        let Some(id_start) = text
            .lower
            .get(window..start)
            .and_then(|before| before.rfind("/subscriptions/"))
            .map(|at| window + at)
        else {
            continue;
        };
        let prefix = text.text.get(id_start..start).unwrap_or_default();
        if prefix.contains(|c: char| c.is_whitespace() || matches!(c, '\'' | '"')) {
            continue;
        }
        let Some(vnet_name) = name_run(text.text.get(end..).unwrap_or_default()) else {
            continue;
        };
        let vnet_end = end + vnet_name.len();
        let vnet_id = text.text.get(id_start..vnet_end).map(str::to_owned);
        let subnet = text
            .lower
            .get(vnet_end..)
            .filter(|rest| rest.starts_with("/subnets/"))
            .and_then(|_| name_run(text.text.get(vnet_end + "/subnets/".len()..)?));
        if let Some(subnet) = subnet {
            let subnet_end = vnet_end + "/subnets/".len() + subnet.len();
            return (
                vnet_id,
                text.text.get(id_start..subnet_end).map(str::to_owned),
            );
        }
        if first_vnet.is_none() {
            first_vnet = vnet_id;
        }
    }
    (first_vnet, None)
}

/// The virtual network id a subnet id belongs to.
fn vnet_of_subnet_id(subnet_id: &str) -> Option<String> {
    let at = subnet_id.to_ascii_lowercase().rfind("/subnets/")?;
    subnet_id
        .get(..at)
        .filter(|vnet| vnet.to_ascii_lowercase().contains("/virtualnetworks/"))
        .map(str::to_owned)
}

/// The first plausible name after any of `labels` (a quote after the label is skipped).
fn name_after(text: &Normalized, labels: &[&str]) -> Option<String> {
    labels.iter().find_map(|label| {
        occurrences(&text.lower, label).find_map(|end| {
            let rest = text.text.get(end..)?;
            name_run(rest.trim_start_matches(['\'', '"'])).filter(|n| is_plausible_name(n))
        })
    })
}

/// A virtual network named in prose: AKS's "The Agentpool x's vnet v is in location …",
/// "Could not find subnet s in vnet v", "virtual network 'v'".
fn vnet_name(text: &Normalized) -> Option<String> {
    name_after(text, &["'s vnet ", " in vnet ", "virtual network '"])
}

/// A subnet named in prose: `Subnet Name aks-small`, "Could not find subnet s",
/// `Subnet aks-sn with address prefix`.
fn subnet_name(text: &Normalized) -> Option<String> {
    let labelled = name_after(text, &["subnet name ", "find subnet "]);
    if labelled.is_some() {
        return labelled;
    }
    occurrences(&text.lower, "subnet ").find_map(|end| {
        let name = name_run(text.text.get(end..)?)?;
        let after = text.lower.get(end + name.len()..)?;
        (after.starts_with(" with address prefix") && is_plausible_name(&name)).then_some(name)
    })
}

/// Not a placeholder (`<subnet>`), not empty.
fn is_plausible_name(name: &str) -> bool {
    name.bytes().any(|b| b.is_ascii_alphanumeric())
}

/// The subnet's address prefix: `Subnet Cidr 10.1.0.0/24`, `address prefix 10.240.0.0/29`.
fn cidr(text: &Normalized) -> Option<String> {
    ["subnet cidr ", "address prefix ", "cidr "]
        .iter()
        .find_map(|label| {
            occurrences(&text.lower, label).find_map(|end| ipv4_cidr(text.text.get(end..)?))
        })
}

/// An IPv4 CIDR at the start of `s` (`10.240.0.0/27`), checked octet by octet.
fn ipv4_cidr(s: &str) -> Option<String> {
    let len = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '/'))
        .unwrap_or(s.len());
    let candidate = s.get(..len)?.trim_end_matches('.');
    let (address, prefix) = candidate.split_once('/')?;
    let octets: Vec<&str> = address.split('.').collect();
    let octets_ok = octets.len() == 4
        && octets
            .iter()
            .all(|o| !o.is_empty() && o.len() <= 3 && o.parse::<u16>().is_ok_and(|v| v <= 255));
    let prefix_ok =
        !prefix.is_empty() && prefix.len() <= 2 && prefix.parse::<u8>().is_ok_and(|p| p <= 32);
    (octets_ok && prefix_ok).then(|| candidate.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(raw: &str) -> NetworkFacts {
        extract(&Normalized::new(raw).without_urls(), None).unwrap_or_default()
    }

    #[test]
    fn aks_insufficient_subnet_size() {
        let f = facts(
            "Pre-allocated IPs 93 exceeds IPs available 27 in Subnet Cidr 10.240.0.0/27, Subnet Name aks-small. http://aka.ms/aks/insufficientsubnetsize",
        );
        assert_eq!(f.ips_needed, Some(93));
        assert_eq!(f.ips_available, Some(27));
        assert_eq!(f.cidr.as_deref(), Some("10.240.0.0/27"));
        assert_eq!(f.subnet.as_deref(), Some("aks-small"));
        assert_eq!(f.problem, Some(NetworkProblem::SubnetSize));
    }

    #[test]
    fn a_subnet_id_names_its_network() {
        let f = facts(
            "it does not have permission to perform action 'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope(s) '/subscriptions/72b6/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/Hub-VNET1/subnets/AKS-SN2' or the linked scope(s) are invalid.",
        );
        let vnet = "/subscriptions/72b6/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/Hub-VNET1";
        assert_eq!(f.vnet.as_deref(), Some(vnet));
        assert_eq!(f.subnet, Some(format!("{vnet}/subnets/AKS-SN2")));
    }

    #[test]
    fn subnet_full_in_prose() {
        let f = facts(
            "Subnet aks-sn with address prefix 10.240.0.0/29 does not have enough capacity for 1 IP addresses.",
        );
        assert_eq!(f.subnet.as_deref(), Some("aks-sn"));
        assert_eq!(f.cidr.as_deref(), Some("10.240.0.0/29"));
        assert_eq!(f.ips_needed, Some(1));
    }

    #[test]
    fn names_in_aks_prose() {
        let f = facts(
            "The Agentpool workers's vnet vnet-spoke is in location 'eastus', which is not the location 'westeurope' of managed cluster 'aks'.",
        );
        assert_eq!(f.vnet.as_deref(), Some("vnet-spoke"));
        assert_eq!(f.problem, Some(NetworkProblem::NotFound));
        let f = facts("Could not find subnet aks-x in vnet vnet-spoke from resource group rg.");
        assert_eq!(
            (f.subnet.as_deref(), f.vnet.as_deref()),
            (Some("aks-x"), Some("vnet-spoke"))
        );
    }

    #[test]
    fn bad_cidrs_and_placeholders_are_not_read() {
        let f = facts("Subnet Cidr 300.1.0.0/24, address prefix <PREFIX> Subnet Name <name>");
        assert_eq!(f, NetworkFacts::default());
        assert_eq!(ipv4_cidr("10.0.0.0/33"), None);
        assert_eq!(ipv4_cidr("10.0.0/8"), None);
    }
}
