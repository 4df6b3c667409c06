//! Runs the create's pre-flight (the same service as `POST /api/aks/preflight`).

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::preflight::PreflightReport;
use shared::provision::ProvisionRequest;

/// Checks VM size availability, quota and the resource group for `request` (a draft: the name
/// may still be empty); `ok` is false when any row fails.
#[server(output = TextJson)]
pub async fn run_preflight(request: ProvisionRequest) -> Result<PreflightReport, AppError> {
    let caller = crate::backend::use_caller()?;
    crate::backend::use_backend()?
        .preflight(&caller, request)
        .await
}
