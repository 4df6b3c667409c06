//! Server functions of the `Dashboard.Admin` app role: every user's jobs. Stopping one is the
//! ordinary `cancel_provision`, which lets an administrator through.

pub mod list_every_users_jobs;
