//! The VM sizes a region offers, as the create modal and `GET /api/aks/available-skus` show them.

use serde::{Deserialize, Serialize};

/// One VM size of a region's catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VmSizeOption {
    /// ARM name, e.g. `Standard_D4s_v5`.
    pub name: String,
    /// vCPUs per node.
    pub vcpus: i32,
    /// Memory per node in GiB.
    pub memory_gb: f64,
    /// Quota family (`standardDSv5Family`).
    pub family: String,
    /// False when the subscription cannot deploy it in the region.
    pub available: bool,
    /// ARM's restriction reason code (`NotAvailableForSubscription`, `QuotaId`) when not available.
    pub reason: Option<String>,
}

/// A region's catalogue. `degraded` is true when ARM could not be read and the list is not
/// authoritative.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VmSizeCatalogue {
    /// The sizes, smallest first.
    pub skus: Vec<VmSizeOption>,
    /// ARM could not be read.
    pub degraded: bool,
}
