//! The clusters card: every managed cluster of the selected subscription with its pools,
//! state and portal link.

use crate::api::clusters::list_clusters::list_clusters;
use crate::components::clusters::cluster_table::ClusterTable;
use leptos::prelude::*;

/// Lists the clusters of `subscription` (the first reachable one when `None`).
#[component]
pub fn ClustersCard(
    /// The subscription to list.
    #[prop(into)]
    subscription: Signal<Option<String>>,
    /// Reads the list again whenever it changes (a create reached Azure or finished).
    #[prop(into, optional)]
    version: Signal<u32>,
    /// Extra actions in the card's header, after "Refresh".
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    // Blocking: the first HTML already holds the list, with or without JavaScript.
    let clusters = Resource::new_blocking(
        move || (subscription.get(), version.get()),
        |(subscription, _)| list_clusters(subscription),
    );
    view! {
        <section class="card clusters-card" aria-labelledby="clusters-heading">
            <div class="card-header">
                <h2 id="clusters-heading">"Clusters"</h2>
                <div class="card-actions">
                    <button type="button" class="button secondary" on:click=move |_| clusters.refetch()>
                        "Refresh"
                    </button>
                    {children.map(|children| children())}
                </div>
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading clusters…"</p> }>
                {move || Suspend::new(async move {
                    match clusters.await {
                        Ok(listing) if listing.clusters.is_empty() => {
                            view! { <p class="muted">"No clusters in this subscription yet."</p> }.into_any()
                        }
                        Ok(listing) => {
                            view! { <ClusterTable subscription_id=listing.subscription_id clusters=listing.clusters /> }
                                .into_any()
                        }
                        Err(error) => {
                            view! {
                                <p class="inline-error" role="alert">
                                    "Could not list clusters. "
                                    {error.to_string()}
                                </p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
