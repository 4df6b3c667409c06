//! Routed pages.

pub mod dashboard_page;
pub mod sign_in_page;
