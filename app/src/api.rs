//! Server functions, one per file, grouped by domain.

pub mod admin;
pub mod catalogue;
pub mod clusters;
pub mod provision;
pub mod session;
pub mod subscriptions;
