//! The dashboard: subscription picker, the banners of the caller's running creates, the last
//! failed attempt, the clusters card with "Create cluster", and the create modal. The selected subscription lives in the URL
//! (`?subscription=…`) so a link or a reload shows the same view.

use crate::components::clusters_card::ClustersCard;
use crate::components::create_cluster_button::CreateClusterButton;
use crate::components::last_failure_card::LastFailureCard;
use crate::components::provision_modal::ProvisionModal;
use crate::components::provisioning_banners::ProvisioningBanners;
use crate::components::subscription_picker::SubscriptionPicker;
use crate::components::user_menu::UserMenu;
use crate::contexts::last_failure::provide_last_failure_memory;
use crate::contexts::provisioning::provide_provisioning;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/`: the clusters of the selected subscription and the caller's provisioning jobs.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let subscription =
        Signal::derive(move || query.read().get("subscription").filter(|s| !s.is_empty()));
    let provisioning = provide_provisioning();
    provide_last_failure_memory(provisioning);
    view! {
        <header class="page-header">
            <h1>"AKS Provisioning Dashboard"</h1>
            <div class="header-actions">
                <SubscriptionPicker selected=subscription />
                <UserMenu />
            </div>
        </header>
        <ProvisioningBanners />
        <LastFailureCard />
        <ClustersCard subscription=subscription version=provisioning.clusters_version()>
            <CreateClusterButton />
        </ClustersCard>
        <Show when=move || provisioning.modal_open()>
            <ProvisionModal default_subscription=subscription />
        </Show>
    }
}
