//! Starts a create (the same service as `POST /api/aks/provision`).

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::progress::ProvisionAccepted;
use shared::provision::ProvisionRequest;

/// Validates `request`, writes the job and queues it; answers the task to poll (or, at the cap
/// on running creates, 429 with `Retry-After`).
#[server(output = TextJson)]
pub async fn start_provision(request: ProvisionRequest) -> Result<ProvisionAccepted, AppError> {
    let caller = crate::backend::use_caller()?;
    crate::backend::with_status(
        crate::backend::use_backend()?
            .start_provision(&caller, request)
            .await,
    )
}
