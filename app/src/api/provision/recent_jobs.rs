//! The caller's recent jobs of every status (the same service as `GET /api/aks/jobs`), for the
//! header's activity list.

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::activity::RecentJob;

/// The caller's own jobs submitted in the last 24 hours, newest first (at most 20).
#[server(output = TextJson)]
pub async fn recent_jobs() -> Result<Vec<RecentJob>, AppError> {
    let caller = crate::backend::use_caller()?;
    crate::backend::use_backend()?
        .recent_jobs(&caller, shared::last_failure::HistoryWindow::ACTIVITY_LIST)
        .await
}
