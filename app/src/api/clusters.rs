//! Server functions about managed clusters.

pub mod list_clusters;
