//! **Delete partial cluster** on the "Last attempt failed" card: the remembered failure's task
//! is read once in the browser, and its partial cluster can be deleted from here as from the
//! live card. Once a deletion starts the page follows the task, so its progress shows in the
//! task's banner, which then stands in for this card.

use crate::api::provision::get_task::get_task;
use crate::components::provisioning::partial_cluster_deletion::PartialClusterDeletion;
use leptos::prelude::*;
use shared::progress::TaskView;

/// The delete control of the remembered task `task_id`, once its read says a partial cluster is
/// left (nothing shows before, on the server, or when the task cannot be read). The read starts
/// from an Effect, so in the browser only, after hydration: the server's HTML never waits for it.
#[component]
pub fn RememberedDeletion(
    /// The remembered failure's task.
    task_id: String,
) -> impl IntoView {
    let task = RwSignal::new(None::<TaskView>);
    Effect::new(move |_| {
        let task_id = task_id.clone();
        leptos::task::spawn_local(async move {
            if let Ok(view) = get_task(task_id).await {
                task.try_set(Some(view));
            }
        });
    });
    view! { <PartialClusterDeletion task /> }
}
