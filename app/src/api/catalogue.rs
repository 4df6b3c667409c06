//! Server functions the create modal reads its choices from: regions, VM sizes and subnets.

pub mod list_regions;
pub mod list_subnets;
pub mod list_vm_sizes;
