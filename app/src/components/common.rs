//! Components that belong to no one feature: the confirmation question every destructive or
//! closing control asks with, and the signed-in user's menu in the page header.

pub mod confirm_dialog;
pub mod user_menu;
