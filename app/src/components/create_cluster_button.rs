//! The "Create cluster" button that opens the create modal.

use crate::contexts::provisioning::use_provisioning;
use leptos::prelude::*;

/// Opens the create modal; gets focus back when the modal closes.
#[component]
pub fn CreateClusterButton() -> impl IntoView {
    use_provisioning().map(|provisioning| {
        view! {
            <button
                type="button"
                class="button"
                aria-haspopup="dialog"
                node_ref=provisioning.trigger()
                on:click=move |_| provisioning.open_modal()
            >
                "Create cluster"
            </button>
        }
    })
}
