//! A small confirmation on top of a dialog or the page: a question, what happens, and two
//! buttons. Focus starts on the safe choice, Tab stays inside, and ESC picks the safe choice.
//! It handles its own keys, so a dialog beneath it leaves keys from inside it alone.

use crate::focus::trap_tab;
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
    let question = NodeRef::<html::Div>::new();
    let on_keydown = move |event: leptos::ev::KeyboardEvent| match event.key().as_str() {
        "Escape" => {
            event.prevent_default();
            on_cancel.run(());
        }
        "Tab" => {
            if let Some(question) = question.get_untracked() {
                trap_tab(&event, &question);
            }
        }
        _ => {}
    };
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
                node_ref=question
                on:keydown=on_keydown
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
