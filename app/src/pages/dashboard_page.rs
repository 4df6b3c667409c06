//! The dashboard: subscription picker and clusters card. The selected subscription lives in
//! the URL (`?subscription=…`) so a link or a reload shows the same view.

use crate::components::clusters_card::ClustersCard;
use crate::components::subscription_picker::SubscriptionPicker;
use crate::components::user_menu::UserMenu;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/`: the clusters of the selected subscription.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let subscription =
        Signal::derive(move || query.read().get("subscription").filter(|s| !s.is_empty()));
    view! {
        <header class="page-header">
            <h1>"AKS Provisioning Dashboard"</h1>
            <div class="header-actions">
                <SubscriptionPicker selected=subscription />
                <UserMenu />
            </div>
        </header>
        <ClustersCard subscription=subscription />
    }
}
