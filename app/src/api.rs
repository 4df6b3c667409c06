//! Server functions, one per file, grouped by domain, and their JSON encoding ([`text_json`]).

pub mod admin;
pub mod catalogue;
pub mod clusters;
pub mod provision;
pub mod session;
pub mod subscriptions;
pub mod text_json;
