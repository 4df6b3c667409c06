//! Page-wide state that several components share, one context per file, each exposing a
//! `provide_<name>()` that the page calls once.

pub mod last_failure;
pub mod provisioning;
