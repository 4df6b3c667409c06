//! Existing subnets a cluster can be put in, as the create modal lists them.

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
