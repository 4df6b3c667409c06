//! What the form says when a new region or subscription cannot deploy a size the user chose:
//! which size became which and why, with Undo, which puts back the subscription, the region and
//! the sizes as they were (issue 19, point 2: never a silent swap).

use crate::components::create_modal::form::CreateForm;
use leptos::prelude::*;
use shared::size_choice::SizeSwap;

/// Sizes the form replaced, and how to put things back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SizeSwapNotice {
    /// What changed, pool by pool.
    pub swaps: Vec<SizeSwap>,
    /// The subscription and region before the change, when there was one to go back to.
    pub back_to: Option<(String, String)>,
    /// The system and worker sizes before the change.
    pub sizes_before: (String, String),
}

/// The notice while there is one; Undo clears it (as does a size the user picks).
#[component]
pub fn SizeSwapNoticeView(
    /// The form.
    form: CreateForm,
    /// The notice to show, if any.
    notice: RwSignal<Option<SizeSwapNotice>>,
) -> impl IntoView {
    let undo = move |_| {
        let Some(shown) = notice.get_untracked() else {
            return;
        };
        if let Some((subscription_id, region)) = shown.back_to {
            form.subscription_id.set(subscription_id);
            form.region.set(region);
        }
        form.system_vm_size.set(shown.sizes_before.0);
        form.node_sku.set(shown.sizes_before.1);
        notice.set(None);
    };
    move || {
        notice.get().map(|shown| {
            let can_undo = shown.back_to.is_some();
            view! {
                <div class="size-swap-notice" role="status">
                    <ul>
                        {shown
                            .swaps
                            .iter()
                            .map(|swap| view! { <li>{swap.sentence()}</li> })
                            .collect_view()}
                    </ul>
                    <Show when=move || can_undo>
                        <button type="button" class="button secondary" on:click=undo>
                            "Undo"
                        </button>
                    </Show>
                </div>
            }
        })
    }
}
