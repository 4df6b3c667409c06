//! The Stop control of a running create (docs/PRODUCT.md §5), in the modal's live panel and in the
//! banner: a button, a confirmation that names the cluster and warns that part of it may
//! already exist on Azure, then "Cancellation requested. Waiting for the worker to stop…" until
//! the task reports its end. Only the task's owner sees the task, so only the owner sees this.

use crate::api::provision::cancel_provision::CancelProvision;
use crate::components::common::confirm_dialog::ConfirmDialog;
use crate::contexts::job_tracking::use_job_tracking;
use leptos::html;
use leptos::prelude::*;

/// A Stop button for `task_id` with its confirmation and its waiting message.
#[component]
pub fn StopProvisioning(
    /// The task to stop.
    task_id: String,
    /// The cluster it creates (named in the question).
    #[prop(into)]
    cluster_name: Signal<String>,
    /// The button's text: "Stop" as a chip in the modal, "Stop provisioning" in the banner.
    label: &'static str,
) -> impl IntoView {
    let Some(jobs) = use_job_tracking() else {
        return ().into_any();
    };
    let cancel = ServerAction::<CancelProvision>::new();
    let asking = RwSignal::new(false);
    let button = NodeRef::<html::Button>::new();
    let note = NodeRef::<html::P>::new();
    let task_id = StoredValue::new(task_id);
    let pending = move || task_id.with_value(|id| jobs.cancel_pending(id));
    let error = move || match cancel.value().get() {
        Some(Err(error)) => Some(format!("Could not stop it: {error}")),
        _ => None,
    };
    // A refused stop leaves the job running: offer the button again.
    Effect::new(move |_| {
        if cancel.value().with(|v| matches!(v, Some(Err(_)))) {
            task_id.with_value(|id| jobs.forget_cancel_request(id));
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
        let task_id = task_id.get_value();
        jobs.mark_cancel_requested(&task_id);
        cancel.dispatch(CancelProvision { task_id });
        request_animation_frame(move || {
            if let Some(note) = note.get_untracked() {
                let _ = note.focus();
            }
        });
    };
    let question = move || {
        format!(
            "The dashboard stops the job and asks Azure to abort the create of {}. Part of the \
             cluster may already exist on Azure and may need deleting.",
            cluster_name.get_untracked()
        )
    };

    view! {
        <span class="stop-control">
            <Show
                when=pending
                fallback=move || {
                    view! {
                        <button
                            type="button"
                            class="chip chip-stop"
                            node_ref=button
                            disabled=move || cancel.pending().get()
                            on:click=move |_| asking.set(true)
                        >
                            {label}
                        </button>
                    }
                }
            >
                <p class="cancel-note" role="status" tabindex="-1" node_ref=note>
                    "Cancellation requested. Waiting for the worker to stop…"
                </p>
            </Show>
            {move || error().map(|message| view! { <span class="inline-error" role="alert">{message}</span> })}
            <Show when=move || asking.get()>
                <ConfirmDialog
                    title=format!("Stop creating {}?", cluster_name.get_untracked())
                    message=question()
                    confirm_label="Stop provisioning"
                    destructive=true
                    cancel_label="Keep running"
                    on_confirm=Callback::new(move |()| stop())
                    on_cancel=Callback::new(move |()| keep_running())
                />
            </Show>
        </span>
    }
    .into_any()
}
