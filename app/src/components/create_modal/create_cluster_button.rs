//! The "Create cluster" button that opens the create modal.

use crate::contexts::create_modal::use_create_modal;
use leptos::prelude::*;

/// Opens the create modal; gets focus back when the modal closes.
#[component]
pub fn CreateClusterButton() -> impl IntoView {
    use_create_modal().map(|modal| {
        view! {
            <button
                type="button"
                class="button"
                aria-haspopup="dialog"
                node_ref=modal.trigger()
                on:click=move |_| modal.open()
            >
                "Create cluster"
            </button>
        }
    })
}
