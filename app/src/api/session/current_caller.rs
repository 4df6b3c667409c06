//! Who is signed in.

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::caller::Caller;

/// The signed-in caller.
#[server(output = TextJson)]
pub async fn current_caller() -> Result<Caller, AppError> {
    crate::backend::use_caller()
}
