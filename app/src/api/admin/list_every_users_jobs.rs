//! Every user's running and recently failed jobs, for an administrator (the same service as
//! `GET /api/admin/jobs`).

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::admin::AdminJobs;

/// Every user's unfinished jobs and their creates that failed in the last 24 hours (at most
/// 10), each with its owner; 403 for a caller without the `Dashboard.Admin` app role.
#[server(output = TextJson)]
pub async fn list_every_users_jobs() -> Result<AdminJobs, AppError> {
    let caller = crate::backend::use_caller()?;
    let backend = crate::backend::use_backend()?;
    crate::backend::with_status(
        backend
            .every_users_jobs(&caller, shared::last_failure::HistoryWindow::default())
            .await,
    )
}
