//! **Delete partial cluster** on a stopped or failed create that left a cluster resource on
//! Azure (docs/PRODUCT.md §5): a confirmation that says the resource group is kept, then the
//! deletion's progress from the task ("Deleting the partial cluster on Azure… 12s", "Partial
//! cluster deleted."). The server checks Azure's state when asked and refuses while an
//! operation still runs on the cluster; that answer shows here as it came.
//!
//! Named for what it shows (the deletion), apart from the server function's struct
//! [`DeletePartialCluster`] it dispatches.

use crate::api::provision::delete_partial_cluster::DeletePartialCluster;
use crate::components::common::confirm_dialog::ConfirmDialog;
use crate::contexts::job_tracking::use_job_tracking;
use leptos::html;
use leptos::prelude::*;
use shared::progress::{DeletionState, TaskView, can_delete_partial_cluster, format_elapsed};

/// The delete control and the deletion's state for `task`.
#[component]
pub fn PartialClusterDeletion(
    /// The stopped task's newest view (`None`: nothing shows).
    #[prop(into)]
    task: Signal<Option<TaskView>>,
) -> impl IntoView {
    let delete = ServerAction::<DeletePartialCluster>::new();
    let asking = RwSignal::new(false);
    let button = NodeRef::<html::Button>::new();
    let jobs = use_job_tracking();
    // The answer is the task with its deletion: follow it (polling resumes while it runs).
    Effect::new(move |_| {
        if let (Some(Ok(view)), Some(jobs)) = (delete.value().get(), jobs) {
            jobs.update_view(view);
        }
    });
    let names = move || {
        task.with(|t| {
            t.as_ref()
                .and_then(|t| t.progress.as_ref())
                .map(|p| (p.cluster_name.clone(), p.resource_group.clone()))
                .unwrap_or_default()
        })
    };
    let deletion_line = move || {
        task.with(|t| {
            t.as_ref()?
                .deletion
                .as_ref()
                .map(|deletion| match deletion.state {
                    DeletionState::Deleting => format!(
                        "{} {}",
                        deletion.message,
                        format_elapsed(deletion.elapsed_seconds)
                    ),
                    DeletionState::Deleted | DeletionState::Failed => deletion.message.clone(),
                })
        })
    };
    let failed = move || {
        task.with(|t| {
            t.as_ref()
                .and_then(|t| t.deletion.as_ref())
                .is_some_and(|d| d.state == DeletionState::Failed)
        })
    };
    let refused = move || match delete.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    let offered = move || task.with(|t| t.as_ref().is_some_and(can_delete_partial_cluster));
    let keep = move || {
        asking.set(false);
        request_animation_frame(move || {
            if let Some(button) = button.get_untracked() {
                // Focus returns where the user was; nothing to recover if the browser refuses.
                let _ = button.focus();
            }
        });
    };
    let confirm = move || {
        asking.set(false);
        if let Some(task_id) = task.with_untracked(|t| t.as_ref().map(|t| t.task_id.clone())) {
            delete.dispatch(DeletePartialCluster { task_id });
        }
    };

    view! {
        <div class="partial-cluster">
            {move || {
                deletion_line()
                    .map(|line| {
                        view! {
                            <p class="deletion-state" class:inline-error=failed role="status">
                                {line}
                            </p>
                        }
                    })
            }}
            {move || refused().map(|message| view! { <p class="inline-error" role="alert">{message}</p> })}
            <Show when=offered>
                <button
                    type="button"
                    class="button danger"
                    node_ref=button
                    disabled=move || delete.pending().get()
                    on:click=move |_| asking.set(true)
                >
                    "Delete partial cluster"
                </button>
            </Show>
            <Show when=move || asking.get()>
                <ConfirmDialog
                    title=format!("Delete cluster {} from Azure?", names().0)
                    message=format!(
                        "The partial cluster {} is deleted from Azure. Its resource group {} is kept.",
                        names().0,
                        names().1,
                    )
                    confirm_label="Delete cluster"
                    destructive=true
                    cancel_label="Keep it"
                    on_confirm=Callback::new(move |()| confirm())
                    on_cancel=Callback::new(move |()| keep())
                />
            </Show>
        </div>
    }
    .into_any()
}
