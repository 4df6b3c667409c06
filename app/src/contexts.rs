//! Page-wide state that several components share, one context per file, each exposing a
//! `provide_<name>()` that the page calls once, in this order (each later one reads the earlier):
//!
//! 1. [`job_tracking`]: the caller's jobs the page follows, and their polling;
//! 2. [`create_modal`]: whether the create modal is open, what it opens with, and which job it
//!    shows (handed to it: the job tracking);
//! 3. [`last_failure_memory`]: the remembered last failed create (handed to it: the job
//!    tracking).

pub mod create_modal;
pub mod job_tracking;
pub mod last_failure_memory;
