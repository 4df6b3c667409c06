//! Dismisses one of the caller's failed creates on the server (the same service as
//! `POST /api/aks/recent-failed-provisions/{job_id}/dismiss`), so it does not come back from
//! another browser or device.

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::last_failure::DismissOutcome;

/// Dismisses the caller's failed job `job_id` (the `jobId` of a history item). Dismissing twice
/// is harmless; a job that did not fail is a `Conflict`.
#[server(output = TextJson)]
pub async fn dismiss_failed_provision(job_id: String) -> Result<DismissOutcome, AppError> {
    let caller = crate::backend::use_caller()?;
    crate::backend::use_backend()?
        .dismiss_failed_provision(&caller, &job_id)
        .await
}
