//! The subnets the create modal offers for a cluster's nodes.

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::network::SubnetOption;

/// Subnets of `subscription_id`'s virtual networks in `region`.
#[server(output = TextJson)]
pub async fn list_subnets(
    subscription_id: String,
    region: String,
) -> Result<Vec<SubnetOption>, AppError> {
    let caller = crate::backend::use_caller()?;
    crate::backend::use_backend()?
        .list_subnets(&caller, &subscription_id, &region)
        .await
}
