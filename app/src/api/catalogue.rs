//! Server functions the create modal reads its choices from: regions and VM sizes.

pub mod list_regions;
pub mod list_vm_sizes;
