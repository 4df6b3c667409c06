//! The caller's unfinished tasks, so the banner is in the first HTML after a reload.

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::progress::TaskView;

/// The caller's tasks that have not finished, oldest first.
#[server(output = TextJson)]
pub async fn list_running_tasks() -> Result<Vec<TaskView>, AppError> {
    let caller = crate::backend::use_caller()?;
    crate::backend::use_backend()?.running_tasks(&caller).await
}
