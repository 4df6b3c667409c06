//! The header's activity list (issue 19; like the portal's bell): a button counting the
//! caller's running creates, and the list of their recent jobs of every status it opens. The
//! lines follow the job tracking live ([`crate::contexts::job_tracking`]).

pub mod activity_list;
pub mod activity_menu;
