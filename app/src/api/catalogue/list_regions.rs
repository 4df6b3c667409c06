//! Regions where AKS is offered to a subscription.

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::region::RegionInfo;

/// The AKS regions of `subscription_id`, by display name.
#[server(output = TextJson)]
pub async fn list_regions(subscription_id: String) -> Result<Vec<RegionInfo>, AppError> {
    let caller = crate::backend::use_caller()?;
    crate::backend::use_backend()?
        .list_regions(&caller, &subscription_id)
        .await
}
