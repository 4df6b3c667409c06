//! Server functions, one per file, grouped by domain.

pub mod clusters;
pub mod session;
pub mod subscriptions;
