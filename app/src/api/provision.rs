//! Server functions about provisioning jobs: check one before it starts, start one, read one,
//! list the caller's running ones, cancel one, delete the partial cluster a stopped one left.

pub mod cancel_provision;
pub mod delete_partial_cluster;
pub mod get_task;
pub mod list_running_tasks;
pub mod run_preflight;
pub mod start_provision;
