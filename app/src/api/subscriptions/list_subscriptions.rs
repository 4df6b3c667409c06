//! Lists the subscriptions the dashboard can reach.

use crate::api::text_json::TextJson;
use crate::error::AppError;
use leptos::prelude::*;
use shared::subscription::SubscriptionInfo;

/// Subscriptions the dashboard's identity can reach, in ARM's order.
#[server(output = TextJson)]
pub async fn list_subscriptions() -> Result<Vec<SubscriptionInfo>, AppError> {
    let caller = crate::backend::use_caller()?;
    crate::backend::use_backend()?
        .list_subscriptions(&caller)
        .await
}
