//! Server functions about the signed-in session.

pub mod current_caller;
pub mod sign_in_options;
