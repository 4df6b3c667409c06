//! Reusable components, one per file.

pub mod cluster_table;
pub mod clusters_card;
pub mod subscription_picker;
pub mod user_menu;
