//! The world's virtual networks (`[[virtual_networks]]`) and their subnets: read-only seeds that
//! ARM's `Microsoft.Network` reads list, and that a managed cluster's agent pools join through
//! `vnetSubnetID` (docs/ARM_FACTS.md §14).

use super::World;
use serde::Deserialize;

/// A virtual network present at start.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VirtualNetworkSeed {
    /// Subscription id.
    pub subscription: String,
    /// Resource group (must be seeded too).
    pub resource_group: String,
    /// VNet name.
    pub name: String,
    /// Region.
    pub location: String,
    /// `properties.addressSpace.addressPrefixes`.
    pub address_prefixes: Vec<String>,
    /// Its subnets.
    #[serde(default)]
    pub subnets: Vec<SubnetSeed>,
}

/// A subnet of a seeded virtual network.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubnetSeed {
    /// Subnet name.
    pub name: String,
    /// `properties.addressPrefix`, e.g. `10.240.0.0/27`.
    pub address_prefix: String,
    /// IP configurations already in the subnet that no sandbox cluster holds (VMs, private
    /// endpoints…): they show in `properties.ipConfigurations` and take addresses.
    #[serde(default)]
    pub other_ip_configurations: u32,
}

impl SubnetSeed {
    /// Addresses Azure lets resources use: the prefix's size less the five it reserves (network,
    /// gateway, two DNS, broadcast). `None` when the prefix is not an IPv4 CIDR.
    pub fn usable_addresses(&self) -> Option<u64> {
        let bits = cidr_prefix_length(&self.address_prefix)?;
        Some((1_u64 << (32 - u32::from(bits))).saturating_sub(5))
    }
}

/// The prefix length of an IPv4 CIDR (`10.240.0.0/27` → 27); `None` unless it is one.
pub fn cidr_prefix_length(cidr: &str) -> Option<u8> {
    let (address, bits) = cidr.split_once('/')?;
    let octets: Vec<&str> = address.split('.').collect();
    let valid = octets.len() == 4 && octets.iter().all(|o| o.parse::<u8>().is_ok());
    let bits: u8 = bits.parse().ok()?;
    (valid && bits <= 32).then_some(bits)
}

/// Why the world's virtual networks cannot be used, if they cannot: each names a seeded resource
/// group and a known region, and every prefix is an IPv4 CIDR.
pub(super) fn problem(world: &World) -> Option<String> {
    for vnet in &world.virtual_networks {
        let group_known = world.resource_groups.iter().any(|g| {
            g.subscription.eq_ignore_ascii_case(&vnet.subscription)
                && g.name.eq_ignore_ascii_case(&vnet.resource_group)
        });
        if !group_known || world.region(&vnet.location).is_none() {
            return Some(format!(
                "virtual network {} names an unknown resource group or region",
                vnet.name
            ));
        }
        let prefixes = vnet
            .address_prefixes
            .iter()
            .chain(vnet.subnets.iter().map(|s| &s.address_prefix));
        if let Some(bad) = prefixes
            .into_iter()
            .find(|p| cidr_prefix_length(p).is_none())
        {
            return Some(format!(
                "virtual network {} has an address prefix that is not an IPv4 CIDR: {bad}",
                vnet.name
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_addresses_leave_out_the_five_azure_reserves() {
        let subnet = |prefix: &str| SubnetSeed {
            name: "s".into(),
            address_prefix: prefix.into(),
            other_ip_configurations: 0,
        };
        assert_eq!(subnet("10.240.0.0/27").usable_addresses(), Some(27));
        assert_eq!(subnet("10.240.4.0/22").usable_addresses(), Some(1019));
        assert_eq!(subnet("10.32.0.0/24").usable_addresses(), Some(251));
        assert_eq!(subnet("10.0.0.0/30").usable_addresses(), Some(0));
        assert_eq!(subnet("10.0.0/24").usable_addresses(), None);
        assert_eq!(subnet("10.0.0.0/33").usable_addresses(), None);
        assert_eq!(subnet("fd00::/64").usable_addresses(), None);
    }
}
