//! Existing subnets a cluster can be put in, as the create modal lists them, the shape of a
//! subnet's ARM id, and the address arithmetic of Azure CNI (docs/ARM_FACTS.md, "Node IPs with
//! a custom subnet").

use serde::{Deserialize, Serialize};

/// One subnet of a virtual network in the chosen subscription and region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetOption {
    /// The subnet's ARM id (what `subnet_id` of a create request takes).
    pub id: String,
    /// The subnet's name.
    pub name: String,
    /// The virtual network's name.
    pub vnet: String,
    /// The virtual network's resource group.
    pub resource_group: String,
    /// The subnet's address prefix (`10.240.0.0/27`).
    pub address_prefix: String,
    /// Addresses the subnet can still hand out: its size less Azure's five reserved addresses
    /// and the IP configurations already in it.
    pub free_ips: i64,
}

/// Addresses Azure keeps in every subnet (network, gateway, two for DNS, broadcast).
pub const AZURE_RESERVED_IPS: i64 = 5;

/// Pods per node when the request leaves `maxPods` to AKS (Azure CNI's default).
pub const DEFAULT_MAX_PODS: i64 = 30;

/// Longest subnet id accepted (ARM ids stay far below; the bound keeps hostile input small).
pub const MAX_SUBNET_ID_LEN: usize = 512;

/// Addresses `address_prefix` (`10.240.0.0/27`) can still hand out: 2^(32 − prefix) less
/// Azure's five reserved and the `used` IP configurations, never negative. `None` for a
/// prefix that is not IPv4 CIDR.
pub fn free_ips(address_prefix: &str, used: i64) -> Option<i64> {
    let (address, bits) = address_prefix.trim().split_once('/')?;
    let octets: Vec<&str> = address.split('.').collect();
    let address_ok = octets.len() == 4
        && octets
            .iter()
            .all(|o| !o.is_empty() && o.parse::<u8>().is_ok());
    let bits: u32 = bits.parse().ok().filter(|b| *b <= 32)?;
    if !address_ok {
        return None;
    }
    let size = 1_i64 << (32 - bits);
    Some((size - AZURE_RESERVED_IPS - used.max(0)).max(0))
}

/// Addresses Azure CNI takes in the subnet for pools of `counts` nodes: every node and its
/// `maxPods` pods (AKS's default 30), Σ count × (30 + 1).
pub fn ips_needed(counts: &[i32]) -> i64 {
    counts
        .iter()
        .map(|count| i64::from((*count).max(0)) * (DEFAULT_MAX_PODS + 1))
        .sum()
}

/// A subnet's ARM id, read into its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubnetId {
    /// Subscription (GUID) as written.
    pub subscription_id: String,
    /// The virtual network's resource group.
    pub resource_group: String,
    /// The virtual network.
    pub vnet: String,
    /// The subnet.
    pub name: String,
}

impl SubnetId {
    /// Reads `/subscriptions/{guid}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{name}`
    /// (keywords in any case, as ARM compares them), or says what is wrong in a sentence.
    pub fn parse(id: &str) -> Result<Self, String> {
        const SHAPE: &str = "Subnet must be an ARM subnet id: /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}.";
        if id.len() > MAX_SUBNET_ID_LEN {
            return Err(format!(
                "Subnet id is too long (at most {MAX_SUBNET_ID_LEN} characters)."
            ));
        }
        if id.chars().any(char::is_control) {
            return Err("Subnet id must be one line without control characters.".into());
        }
        let Some(rest) = id.strip_prefix('/') else {
            return Err(SHAPE.into());
        };
        let parts: Vec<&str> = rest.split('/').collect();
        let keywords = [
            (0, "subscriptions"),
            (2, "resourceGroups"),
            (4, "providers"),
            (5, "Microsoft.Network"),
            (6, "virtualNetworks"),
            (8, "subnets"),
        ];
        let shape_ok = parts.len() == 10
            && keywords
                .iter()
                .all(|(at, word)| parts.get(*at).is_some_and(|p| p.eq_ignore_ascii_case(word)));
        if !shape_ok {
            return Err(SHAPE.into());
        }
        let part = |at: usize| parts.get(at).copied().unwrap_or_default().to_owned();
        let parsed = Self {
            subscription_id: part(1),
            resource_group: part(3),
            vnet: part(7),
            name: part(9),
        };
        crate::naming::validate_subscription_id(&parsed.subscription_id)
            .and_then(|()| crate::naming::validate_resource_group_name(&parsed.resource_group))
            .map_err(|error| format!("Subnet id: {error}"))?;
        network_name("Virtual network name", &parsed.vnet, 2, 64)?;
        network_name("Subnet name", &parsed.name, 1, 80)?;
        Ok(parsed)
    }
}

/// ARM's rule for virtual network and subnet names: letters, digits, `_`, `.` and `-`, starting
/// with a letter, digit or `_`, ending with a letter, digit or `_`.
fn network_name(what: &str, name: &str, min: usize, max: usize) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let ok = (min..=max).contains(&name.chars().count())
        && name.chars().all(allowed)
        && edge(name.chars().next())
        && edge(name.chars().last());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what} in the subnet id must be {min}–{max} letters, digits, '_', '.' or '-', starting and ending with a letter, digit or '_'."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const ID: &str = "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/aks-nodes";

    #[rstest]
    #[case::slash_27("10.240.0.0/27", 0, Some(27))]
    #[case::slash_22_with_use("10.240.4.0/22", 10, Some(1009))]
    #[case::slash_29_full("10.0.0.0/29", 9, Some(0))]
    #[case::slash_32("10.0.0.1/32", 0, Some(0))]
    #[case::slash_16("10.240.0.0/16", 0, Some(65531))]
    #[case::no_prefix("10.0.0.0", 0, None)]
    #[case::bad_bits("10.0.0.0/33", 0, None)]
    #[case::ipv6("fd00::/64", 0, None)]
    #[case::bad_octet("10.0.0.256/24", 0, None)]
    fn free_addresses_are_the_size_less_five_less_used(
        #[case] prefix: &str,
        #[case] used: i64,
        #[case] expected: Option<i64>,
    ) {
        assert_eq!(free_ips(prefix, used), expected);
    }

    #[test]
    fn every_node_takes_thirty_one_addresses() {
        assert_eq!(ips_needed(&[1, 3]), 124);
        assert_eq!(ips_needed(&[0, -2]), 0);
        assert_eq!(ips_needed(&[1000, 1000]), 62_000);
    }

    #[test]
    fn a_subnet_id_reads_into_its_parts_in_any_keyword_case() {
        let parsed = SubnetId::parse(ID).expect("valid");
        assert_eq!(parsed.resource_group, "rg-network");
        assert_eq!(parsed.vnet, "vnet-spoke");
        assert_eq!(parsed.name, "aks-nodes");
        let lower = ID.to_ascii_lowercase();
        assert_eq!(
            SubnetId::parse(&lower).map(|p| p.name),
            Ok("aks-nodes".into())
        );
    }

    #[rstest]
    #[case::no_slash("subscriptions/x")]
    #[case::short("/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg")]
    #[case::trailing_slash(&format!("{ID}/"))]
    #[case::other_provider(&ID.replace("Microsoft.Network", "Microsoft.Compute"))]
    #[case::bad_guid(&ID.replace("8c2f9f8e", "nope"))]
    #[case::bad_group(&ID.replace("rg-network", "rg."))]
    #[case::newline(&format!("{ID}\n"))]
    #[case::carriage_return(&ID.replace("aks-nodes", "aks\rnodes"))]
    #[case::bad_subnet(&ID.replace("aks-nodes", "aks nodes"))]
    #[case::empty_subnet(&ID.replace("aks-nodes", ""))]
    #[case::too_long(&format!("{ID}{}", "a".repeat(600)))]
    fn a_bad_subnet_id_says_why(#[case] id: &str) {
        let error = SubnetId::parse(id).expect_err("invalid");
        assert!(error.starts_with("Subnet"), "{error}");
    }
}
