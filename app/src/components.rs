//! The dashboard's components, one per file, in one folder per feature:
//!
//! - [`clusters`]: the clusters card, its table and the subscription picker that chooses what
//!   it lists;
//! - [`create_modal`]: the "Create cluster" button and the create modal (form, live pre-flight,
//!   live panel);
//! - [`provisioning`]: the banners of the caller's running creates and the controls of a
//!   running or stopped one (Stop provisioning, Delete partial cluster);
//! - [`error_card`]: why a create failed (the error card) and the remembered "Last attempt
//!   failed";
//! - [`admin`]: what an administrator (the `Dashboard.Admin` app role) sees: every user's
//!   running and failed jobs, and a Stop for each running one;
//! - [`activity`]: the header's Activity button and the list of the caller's recent jobs it
//!   opens;
//! - [`common`]: what belongs to no one feature (the confirmation question, the user menu).
//!
//! The state these share lives in [`crate::contexts`].

pub mod activity;
pub mod admin;
pub mod clusters;
pub mod common;
pub mod create_modal;
pub mod error_card;
pub mod provisioning;
