//! What the create modal shows while its code is on the way: the first open of the modal loads
//! the form's chunk of the browser bundle (a split point, see [`super::create_modal_view`]),
//! which on a slow connection takes a moment. The modal's frame and title, marked busy, so the
//! click visibly landed.

use leptos::prelude::*;

/// The modal's frame with "Loading the form…", until the form's code has arrived.
#[component]
pub fn OpeningModal() -> impl IntoView {
    view! {
        <div class="modal-backdrop">
            <div
                class="modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby="opening-modal-title"
                aria-busy="true"
            >
                <h2 id="opening-modal-title" class="modal-title">
                    "Create cluster"
                </h2>
                <p class="opening-modal" role="status">
                    "Loading the form…"
                </p>
            </div>
        </div>
    }
}
