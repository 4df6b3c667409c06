//! Reusable components, one per file.

pub mod cluster_table;
pub mod clusters_card;
pub mod confirm_dialog;
pub mod copy_command;
pub mod create_cluster_button;
pub mod delete_partial_cluster;
pub mod field_error;
pub mod last_failure_card;
pub mod pool_chips;
pub mod preflight_checks;
pub mod progress_bar;
pub mod progress_details;
pub mod provision_error_card;
pub mod provision_live_panel;
pub mod provision_modal;
pub mod provisioning_banner;
pub mod provisioning_banners;
pub mod stop_provisioning;
pub mod subscription_picker;
pub mod text_field;
pub mod user_menu;
pub mod vm_size_picker;
