//! Reads one of the caller's tasks (the same service as `GET /api/tasks/{task_id}`).

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::progress::TaskView;

/// Status, progress and outcome of the caller's task `task_id`.
#[server(output = TextJson)]
pub async fn get_task(task_id: String) -> Result<TaskView, AppError> {
    let caller = crate::backend::use_caller()?;
    crate::backend::use_backend()?
        .task_status(&caller, &task_id)
        .await
}
