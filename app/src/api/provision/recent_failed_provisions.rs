//! The caller's recent failed creates (the same service as
//! `GET /api/aks/recent-failed-provisions`), so the dashboard's first HTML already holds the
//! "Last attempt failed" card.

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::last_failure::RecentFailures;

/// The caller's failed creates of the last 24 hours that they have not dismissed, newest first
/// (at most 10), each with its job id and category; `degraded` with none when the server cannot
/// read its history.
#[server(output = TextJson)]
pub async fn recent_failed_provisions() -> Result<RecentFailures, AppError> {
    let caller = crate::backend::use_caller()?;
    crate::backend::use_backend()?
        .recent_failed_provisions(&caller, shared::last_failure::HistoryWindow::default())
        .await
}
