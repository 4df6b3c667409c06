//! Pure domain logic shared by the server and the browser: wire types, who stopped a job and
//! the administrator's view of every user's jobs, ARM naming rules,
//! ARM error and long-running-operation parsing, the ARM error classifier, portal links, RBAC
//! permission matching, the same-origin return path after sign-in, the create request and the
//! provisioning job's progress model, a cluster's state and the tab's title as the page shows
//! them, choosing VM sizes in words, the create form's review, what a notification says when a create ends, and the shell quoting of the commands the dashboard
//! offers to copy.
//!
//! Nothing here does I/O or depends on Leptos, tokio or sqlx, so every rule is unit-tested
//! natively and the same code runs in the WASM bundle.

pub mod activity;
pub mod admin;
pub mod arm_error;
pub mod caller;
pub mod capacity_alternatives;
pub mod classify;
pub mod cluster;
pub mod cluster_state;
pub mod create_review;
pub mod error_card;
pub mod job_end_notice;
pub mod last_failure;
pub mod naming;
pub mod network;
pub mod operation_status;
pub mod page_title;
pub mod permissions;
pub mod portal;
pub mod preflight;
pub mod preflight_advice;
pub mod progress;
pub mod provision;
pub mod raw_error;
pub mod region;
pub mod return_to;
pub mod security_policy;
pub mod shell;
pub mod size_choice;
pub mod subscription;
pub mod subscription_allow_list;
#[cfg(test)]
mod test_support;
pub mod vm_size;
