//! A table of managed clusters. On narrow screens the stylesheet stacks each row into a card
//! and labels every cell from its `data-label`.

use crate::contexts::job_tracking::use_job_tracking;
use leptos::prelude::*;
use shared::cluster::ClusterSummary;
use shared::cluster_state::{ShownClusterState, shown_cluster_state};

/// One row per cluster: name, region, resource group, version, pools, state, portal link. The
/// state follows the job the page follows for the cluster, without a reload (see
/// [`shared::cluster_state`]).
#[component]
pub fn ClusterTable(
    /// The subscription the clusters were listed in.
    subscription_id: Option<String>,
    /// The clusters to show.
    clusters: Vec<ClusterSummary>,
) -> impl IntoView {
    let jobs = use_job_tracking();
    view! {
        <table class="clusters">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Region"</th>
                    <th scope="col">"Resource group"</th>
                    <th scope="col">"Version"</th>
                    <th scope="col">"Node pools"</th>
                    <th scope="col">"State"</th>
                    <th scope="col">"Portal"</th>
                </tr>
            </thead>
            <tbody>
                {clusters
                    .into_iter()
                    .map(|cluster| {
                        let subscription_id = subscription_id.clone().unwrap_or_default();
                        let listed = cluster.clone();
                        let shown = move || match jobs {
                            Some(jobs) => jobs.shown_cluster_state(&subscription_id, &listed),
                            None => shown_cluster_state(&listed, None),
                        };
                        view! {
                            <tr>
                                <td>{cluster.name.clone()}</td>
                                <td data-label="Region">{cluster.region}</td>
                                <td data-label="Resource group">{cluster.resource_group}</td>
                                <td data-label="Version">{cluster.kubernetes_version.unwrap_or_else(|| "—".into())}</td>
                                <td data-label="Node pools">
                                    <ul class="pools">
                                        {cluster
                                            .pools
                                            .into_iter()
                                            .map(|pool| {
                                                view! {
                                                    <li>
                                                        {format!("{} · {} × {} · {}", pool.name, pool.count, pool.vm_size, pool.mode)}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </td>
                                <td data-label="State">{move || state_cell(shown())}</td>
                                <td data-label="Portal">
                                    <a href=cluster.portal_url target="_blank" rel="noopener noreferrer">
                                        "Open in Azure portal ↗"
                                    </a>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// The state chip, and the power state beside a cluster shown as Succeeded, in one box (on a
/// phone the cell is a two-column grid: its label, then this).
fn state_cell(shown: ShownClusterState) -> impl IntoView {
    let class = format!("state state-{}", shown.tone.css_class());
    let power = shown
        .power
        .map(|power| view! { <span class="muted">{power}</span> });
    view! {
        <span class="state-cell">
            <span class=class>{shown.provisioning}</span>
            {power}
        </span>
    }
}
