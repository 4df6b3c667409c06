//! Deletes the partial cluster a cancelled or failed task of the caller left on Azure (the same
//! service as `POST /api/aks/delete-partial-cluster/{task_id}`).

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::progress::TaskView;

/// Starts deleting the managed cluster (never its resource group) that the caller's stopped
/// task `task_id` left; answers the task with its `deletion`. A `Conflict` says why not yet (the
/// task runs, Azure still reports an operation on the cluster) or not at all (no cluster).
#[server(output = TextJson)]
pub async fn delete_partial_cluster(task_id: String) -> Result<TaskView, AppError> {
    let caller = crate::backend::use_caller()?;
    crate::backend::use_backend()?
        .delete_partial_cluster(&caller, &task_id)
        .await
}
