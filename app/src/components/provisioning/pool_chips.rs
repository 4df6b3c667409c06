//! Node pools of a running create as chips, coloured by their ARM provisioning state.

use leptos::prelude::*;
use shared::progress::{PoolProgress, StateTone};

/// One chip per pool: "system · Creating · 1 × Standard_D2s_v5".
#[component]
pub fn PoolChips(
    /// The pools as the job last read them.
    #[prop(into)]
    pools: Signal<Vec<PoolProgress>>,
) -> impl IntoView {
    view! {
        <ul class="chips" aria-label="Node pools">
            {move || {
                pools
                    .get()
                    .into_iter()
                    .map(|pool| {
                        let tone = StateTone::of(&pool.provisioning_state).css_class();
                        view! {
                            <li class=format!("chip chip-{tone}")>
                                {format!("{} · {} · {} × {}", pool.name, pool.provisioning_state, pool.count, pool.vm_size)}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}
