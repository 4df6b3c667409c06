//! Server functions about provisioning jobs: check one before it starts, start one, read one,
//! list the caller's running ones.

pub mod get_task;
pub mod list_running_tasks;
pub mod run_preflight;
pub mod start_provision;
