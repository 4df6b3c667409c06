//! A table of managed clusters. On narrow screens the stylesheet stacks each row into a card
//! and labels every cell from its `data-label`.

use leptos::prelude::*;
use shared::cluster::ClusterSummary;

/// One row per cluster: name, region, resource group, version, pools, state (with the power
/// state of a cluster that succeeded), portal link.
#[component]
pub fn ClusterTable(
    /// The clusters to show.
    clusters: Vec<ClusterSummary>,
) -> impl IntoView {
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
                        let state_class = format!("state state-{}", cluster.provisioning_state.to_ascii_lowercase());
                        let power = cluster.shown_power_state().map(|power| view! { <span class="muted">{power.to_owned()}</span> });
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
                                <td data-label="State">
                                    <span class=state_class>{cluster.provisioning_state}</span>
                                    {power}
                                </td>
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
