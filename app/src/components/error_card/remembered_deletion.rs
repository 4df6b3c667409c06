//! **Delete partial cluster** on the "Last attempt failed" card: the remembered failure's task
//! is read once in the browser, and its partial cluster can be deleted from here as from the
//! live card. Once a deletion starts the page follows the task, so its progress shows in the
//! task's banner, which then stands in for this card.

use crate::api::provision::get_task::get_task;
use crate::components::provisioning::partial_cluster_deletion::PartialClusterDeletion;
use leptos::prelude::*;

/// The delete control of the remembered task `task_id`, once its read says a partial cluster is
/// left (nothing shows before, on the server, or when the task cannot be read).
#[component]
pub fn RememberedDeletion(
    /// The remembered failure's task.
    task_id: String,
) -> impl IntoView {
    let read = LocalResource::new(move || get_task(task_id.clone()));
    let task = Signal::derive(move || read.get().and_then(Result::ok));
    view! { <PartialClusterDeletion task /> }
}
