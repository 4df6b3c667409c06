//! Server functions about provisioning jobs: check one before it starts, start one, read one,
//! list the caller's running ones, cancel one, delete the partial cluster a stopped one left.
//! Also the caller's recent failed creates and their Dismiss ("Last attempt failed"), and their
//! recent jobs of every status (the activity list).

pub mod cancel_provision;
pub mod delete_partial_cluster;
pub mod dismiss_failed_provision;
pub mod get_task;
pub mod list_running_tasks;
pub mod recent_failed_provisions;
pub mod recent_jobs;
pub mod run_preflight;
pub mod start_provision;
