//! A small confirmation on top of a dialog: a question, what happens, and two buttons. Focus
//! starts on the safe choice.

use leptos::html;
use leptos::prelude::*;

/// An `alertdialog` asking the user to confirm.
#[component]
pub fn ConfirmDialog(
    /// The question.
    #[prop(into)]
    title: String,
    /// What happens if the user confirms.
    #[prop(into)]
    message: String,
    /// Label of the confirming button.
    #[prop(into)]
    confirm_label: String,
    /// Label of the button that keeps things as they are (it has focus first).
    #[prop(into)]
    cancel_label: String,
    /// Called when the user confirms.
    on_confirm: Callback<()>,
    /// Called when the user keeps things as they are.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let safe_choice = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = safe_choice.get() {
            // Keyboard convenience only; nothing to recover if the browser refuses.
            let _ = button.focus();
        }
    });
    view! {
        <div class="confirm-backdrop">
            <div
                class="confirm"
                role="alertdialog"
                aria-modal="true"
                aria-labelledby="confirm-title"
                aria-describedby="confirm-message"
            >
                <h3 id="confirm-title">{title}</h3>
                <p id="confirm-message">{message}</p>
                <div class="dialog-actions">
                    <button type="button" class="button secondary" on:click=move |_| on_confirm.run(())>
                        {confirm_label}
                    </button>
                    <button type="button" class="button" node_ref=safe_choice on:click=move |_| on_cancel.run(())>
                        {cancel_label}
                    </button>
                </div>
            </div>
        </div>
    }
    .into_any()
}
