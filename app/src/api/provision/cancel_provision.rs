//! Cancels one of the caller's tasks (the same service as
//! `POST /api/aks/cancel-provision/{task_id}`).

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::progress::CancelOutcome;

/// Stops the caller's task `task_id` (and aborts its Azure create); a finished task is answered
/// with `was_running: false` and left as it is.
#[server(output = TextJson)]
pub async fn cancel_provision(task_id: String) -> Result<CancelOutcome, AppError> {
    let caller = crate::backend::use_caller()?;
    crate::backend::use_backend()?
        .cancel_provision(&caller, &task_id)
        .await
}
