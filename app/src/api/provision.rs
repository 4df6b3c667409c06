//! Server functions about provisioning jobs: start one, read one, list the caller's running ones.

pub mod get_task;
pub mod list_running_tasks;
pub mod start_provision;
