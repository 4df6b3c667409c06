//! Server functions about subscriptions.

pub mod list_subscriptions;
