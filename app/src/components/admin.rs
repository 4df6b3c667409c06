//! The administrator's part of the dashboard (the `Dashboard.Admin` app role, issue 15): the
//! "All users' jobs" section, with every user's running jobs (each with a Stop behind the usual
//! confirmation) and their recent failures. Only an administrator gets it: the section asks the
//! server for the signed-in caller first and renders nothing for anyone else, and the server
//! refuses the list to anyone else (403) whatever the page does.

pub mod admin_stop_button;
pub mod every_users_jobs;
pub mod failed_jobs_table;
pub mod running_jobs_table;
