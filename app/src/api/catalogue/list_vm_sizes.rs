//! A region's VM size catalogue for the create modal's pickers.

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::vm_size::VmSizeCatalogue;

/// The VM sizes of `region` for `subscription_id`, smallest first.
#[server(output = TextJson)]
pub async fn list_vm_sizes(
    subscription_id: String,
    region: String,
) -> Result<VmSizeCatalogue, AppError> {
    let caller = crate::backend::use_caller()?;
    crate::backend::use_backend()?
        .list_vm_sizes(&caller, &subscription_id, &region)
        .await
}
