//! The caller's provisioning jobs on the dashboard: one banner per followed job (running, then
//! its success line or error card), the progress parts the banner shares with the create
//! modal's live panel (step details, bar, pool chips), and the controls of a job: Stop
//! provisioning and Delete partial cluster.
//!
//! What is followed, and how it is polled, lives in [`crate::contexts::job_tracking`].

pub mod partial_cluster_deletion;
pub mod pool_chips;
pub mod progress_bar;
pub mod progress_details;
pub mod provisioning_banner;
pub mod provisioning_banners;
pub mod stop_provisioning;
