//! An administrator's Stop of another user's running create, with the same confirmation as the
//! owner's Stop provisioning ([`ConfirmDialog`], safe choice first) and the ordinary cancel
//! server function, which records the administrator as who stopped it. The button is named with
//! the cluster and its owner, since a table holds many.

use crate::api::provision::cancel_provision::CancelProvision;
use crate::components::common::confirm_dialog::ConfirmDialog;
use leptos::html;
use leptos::prelude::*;
use std::time::Duration;

/// A Stop button for `task_id` with its confirmation.
#[component]
pub fn AdminStopButton(
    /// The task to stop.
    task_id: String,
    /// The cluster it creates (named in the button and the question).
    #[prop(into)]
    cluster_name: String,
    /// Whose job it is (named in the button and the question).
    #[prop(into)]
    owner_name: String,
    /// Called when the stop was accepted, and again once it has had time to settle.
    on_stopped: Callback<()>,
    /// Told when the question opens (true) and closes (false), so the lists are not read again
    /// (which would rebuild this button) while the administrator decides.
    #[prop(optional_no_strip)]
    on_question: Option<Callback<bool>>,
) -> impl IntoView {
    let cancel = ServerAction::<CancelProvision>::new();
    let asking = RwSignal::new(false);
    Effect::new(move |_| {
        let open = asking.get();
        if let Some(on_question) = on_question {
            on_question.run(open);
        }
    });
    let button = NodeRef::<html::Button>::new();
    let task_id = StoredValue::new(task_id);
    let accessible_name = format!("Stop {cluster_name} of {owner_name}");
    let title = format!("Stop creating {cluster_name} for {owner_name}?");
    let question = format!(
        "The dashboard stops {owner_name}'s job and asks Azure to abort the create of \
         {cluster_name}. Part of the cluster may already exist on Azure and may need deleting. \
         {owner_name} will see that an administrator stopped it, and who."
    );
    let error = move || match cancel.value().get() {
        Some(Err(error)) => Some(format!("Could not stop it: {error}")),
        _ => None,
    };
    // An accepted stop: read the lists now (it shows as stopping) and once it has settled.
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = cancel.value().get() {
            on_stopped.run(());
            let settle = u64::try_from(outcome.settle_after_seconds).unwrap_or(0);
            set_timeout(
                move || on_stopped.run(()),
                Duration::from_secs(settle.saturating_add(1)),
            );
        }
    });
    let keep_running = move || {
        asking.set(false);
        request_animation_frame(move || {
            if let Some(button) = button.get_untracked() {
                // Focus returns where the user was; nothing to recover if the browser refuses.
                let _ = button.focus();
            }
        });
    };
    let stop = move || {
        asking.set(false);
        cancel.dispatch(CancelProvision {
            task_id: task_id.get_value(),
        });
    };
    view! {
        <span class="stop-control">
            <button
                type="button"
                class="chip chip-stop"
                node_ref=button
                aria-label=accessible_name
                disabled=move || cancel.pending().get()
                on:click=move |_| asking.set(true)
            >
                "Stop"
            </button>
            {move || error().map(|message| view! { <span class="inline-error" role="alert">{message}</span> })}
            <Show when=move || asking.get()>
                <ConfirmDialog
                    title=title.clone()
                    message=question.clone()
                    confirm_label="Stop provisioning"
                    destructive=true
                    cancel_label="Keep running"
                    on_confirm=Callback::new(move |()| stop())
                    on_cancel=Callback::new(move |()| keep_running())
                />
            </Show>
        </span>
    }
}
