//! A small confirmation on top of a dialog or the page: a question, what happens, and two
//! buttons. Focus starts on the safe choice, Tab stays inside, and ESC picks the safe choice
//! wherever focus is (the keys are the window's while the question is open, so a click on the
//! backdrop loses nothing). A dialog beneath it leaves every key to it
//! ([`crate::focus::question_open`]). Every question looks the same: one backdrop over the whole
//! window, and a confirming button styled as destructive when it stops or deletes something.

use crate::focus::trap_tab;
use leptos::ev;
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
    /// The confirming button stops, deletes or discards something: it is styled as destructive.
    #[prop(optional)]
    destructive: bool,
    /// Called when the user confirms.
    on_confirm: Callback<()>,
    /// Called when the user keeps things as they are.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let safe_choice = NodeRef::<html::Button>::new();
    let question = NodeRef::<html::Div>::new();
    let listener = window_event_listener(ev::keydown, move |event| match event.key().as_str() {
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
    });
    on_cleanup(move || listener.remove());
    let confirm_class = if destructive {
        "button danger"
    } else {
        "button secondary"
    };
    Effect::new(move |_| {
        if let Some(button) = safe_choice.get() {
            // Keyboard convenience only; nothing to recover if the browser refuses.
            let _ = button.focus();
        }
    });
    view! {
        // A press on the backdrop keeps focus where it is, inside the question.
        <div class="confirm-backdrop" on:mousedown=|event| event.prevent_default()>
            <div
                class="confirm"
                role="alertdialog"
                aria-modal="true"
                aria-labelledby="confirm-title"
                aria-describedby="confirm-message"
                node_ref=question
            >
                <h3 id="confirm-title">{title}</h3>
                <p id="confirm-message">{message}</p>
                <div class="dialog-actions">
                    <button type="button" class=confirm_class on:click=move |_| on_confirm.run(())>
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
