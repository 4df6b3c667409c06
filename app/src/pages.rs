//! Routed pages.

pub mod dashboard_page;
