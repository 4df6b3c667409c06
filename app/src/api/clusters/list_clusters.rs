//! Lists the managed clusters of a subscription.

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::cluster::ClusterListing;

/// Clusters of `subscription_id`, or of the first reachable subscription when it is `None`.
#[server(output = TextJson)]
pub async fn list_clusters(subscription_id: Option<String>) -> Result<ClusterListing, AppError> {
    let caller = crate::backend::use_caller()?;
    crate::backend::use_backend()?
        .list_clusters(&caller, subscription_id)
        .await
}
