//! The dashboard: subscription picker, the banners of the caller's running creates, the last
//! failed attempt, the clusters card with "Create cluster", for an administrator every user's
//! jobs, and the create modal (whose code loads when it first opens). The selected
//! subscription lives in the URL (`?subscription=…`) so a link or a reload shows the same view.
//! The tab's title leads with the progress of a running create, and the header's Activity
//! button lists the caller's recent jobs. The page provides the three
//! contexts its components share (see [`crate::contexts`]).

use crate::components::activity::activity_menu::ActivityMenu;
use crate::components::admin::every_users_jobs::EveryUsersJobs;
use crate::components::clusters::clusters_card::ClustersCard;
use crate::components::clusters::subscription_picker::SubscriptionPicker;
use crate::components::common::user_menu::UserMenu;
use crate::components::create_modal::create_cluster_button::CreateClusterButton;
use crate::components::create_modal::opening_modal::OpeningModal;
use crate::components::create_modal::{create_modal_if_loaded, load_create_modal_code};
use crate::components::error_card::last_failure_card::LastFailureCard;
use crate::components::provisioning::provisioning_banners::ProvisioningBanners;
use crate::contexts::create_modal::provide_create_modal;
use crate::contexts::job_tracking::provide_job_tracking;
use crate::contexts::last_failure_memory::provide_last_failure_memory;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/`: the clusters of the selected subscription and the caller's provisioning jobs.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let subscription =
        Signal::derive(move || query.read().get("subscription").filter(|s| !s.is_empty()));
    let jobs = provide_job_tracking();
    let modal = provide_create_modal(jobs);
    provide_last_failure_memory(jobs);
    // The modal's code is a chunk of the browser bundle, fetched when the modal first opens
    // (meanwhile the modal's frame says so). In the browser only: Effects do not run on the
    // server, which never renders the modal.
    let modal_code = RwSignal::new(false);
    Effect::new(move |_| {
        if modal.is_open() && !modal_code.get_untracked() {
            leptos::task::spawn_local(async move {
                load_create_modal_code().await;
                modal_code.set(true);
            });
        }
    });
    view! {
        <Title text=move || jobs.page_title() />
        <header class="page-header">
            <h1>"AKS Provisioning Dashboard"</h1>
            <div class="header-actions">
                <SubscriptionPicker selected=subscription />
                <ActivityMenu />
                <UserMenu />
            </div>
        </header>
        <ProvisioningBanners />
        <LastFailureCard />
        <ClustersCard subscription=subscription version=jobs.clusters_version()>
            <CreateClusterButton />
        </ClustersCard>
        <EveryUsersJobs />
        <Show when=move || modal.is_open()>
            {move || {
                modal_code
                    .get()
                    .then(|| create_modal_if_loaded(subscription))
                    .flatten()
                    .unwrap_or_else(|| view! { <OpeningModal /> }.into_any())
            }}
        </Show>
    }
}
