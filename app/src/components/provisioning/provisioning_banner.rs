//! One running create on the dashboard: step, elapsed time, Azure's state, a progress bar that
//! moves within the long step, pool chips and the portal link. When the job ends it turns into
//! a one-line success or the error card.

mod running_banner;

use crate::components::error_card::{CARD_TITLE, ErrorCard};
use crate::components::provisioning::partial_cluster_deletion::PartialClusterDeletion;
use crate::contexts::create_modal::use_create_modal;
use crate::focus::rescue_focus;
use leptos::html;
use leptos::prelude::*;
use running_banner::RunningBanner;
use shared::error_card::FailedAttempt;
use shared::progress::{TaskStatus, TaskView};

/// What the banner shows for a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Running,
    Succeeded,
    Failed,
}

/// The banner as a split point of the browser bundle ([`crate::split_parts`]): its code (the
/// progress, the error card, the partial cluster's deletion) loads with the first banner.
#[cfg_attr(any(feature = "ssr", feature = "split"), lazy)]
pub async fn banner_view(
    task: Signal<TaskView>,
    extra_seconds: Signal<i64>,
    on_dismiss: Callback<()>,
) -> AnyView {
    view! { <ProvisioningBanner task extra_seconds on_dismiss /> }.into_any()
}

/// The banner of one provisioning task.
#[component]
pub fn ProvisioningBanner(
    /// The task's newest view.
    #[prop(into)]
    task: Signal<TaskView>,
    /// Seconds counted in the browser since the view's numbers were read (0 on the server and in
    /// the first client render).
    #[prop(into, default = Signal::stored(0))]
    extra_seconds: Signal<i64>,
    /// Dismisses a finished task's line.
    #[prop(optional, into)]
    on_dismiss: Option<Callback<()>>,
) -> impl IntoView {
    let outcome = Memo::new(move |_| match task.with(|t| t.status) {
        TaskStatus::Success => Outcome::Succeeded,
        TaskStatus::Failure | TaskStatus::Revoked => Outcome::Failed,
        TaskStatus::Pending | TaskStatus::Started | TaskStatus::Progress => Outcome::Running,
    });
    let failed = Memo::new(move |_| task.with(FailedAttempt::of_task));
    // The card replaces the Stop control or its waiting note: focus that went with them moves
    // to the card's title rather than falling to the page.
    let failed_banner = NodeRef::<html::Div>::new();
    Effect::new(move |previous: Option<Outcome>| {
        let now = outcome.get();
        if previous == Some(Outcome::Running) && now == Outcome::Failed {
            request_animation_frame(move || {
                if let Some(banner) = failed_banner.get_untracked() {
                    rescue_focus(&banner, CARD_TITLE);
                }
            });
        }
        now
    });
    let modal = use_create_modal();
    let cluster_name = Memo::new(move |_| {
        task.with(|t| {
            t.progress
                .as_ref()
                .map(|p| p.cluster_name.clone())
                .or_else(|| t.result.as_ref().map(|r| r.cluster.name.clone()))
                .unwrap_or_default()
        })
    });
    let task_id = move || task.with(|t| t.task_id.clone());
    move || {
        match outcome.get() {
        Outcome::Running => view! { <RunningBanner task extra_seconds cluster_name /> }.into_any(),
        Outcome::Succeeded => view! {
            <div class="banner banner-success" role="status" data-task-id=task_id>
                <p tabindex="-1">"Cluster " <strong>{cluster_name}</strong> " is ready."</p>
                {on_dismiss
                    .map(|dismiss| {
                        view! {
                            <button
                                type="button"
                                class="icon-button"
                                aria-label="Dismiss"
                                on:click=move |_| dismiss.run(())
                            >
                                "×"
                            </button>
                        }
                    })}
            </div>
        }
        .into_any(),
        Outcome::Failed => view! {
            <div class="banner banner-failed" node_ref=failed_banner data-task-id=task_id>
                {move || {
                    failed
                        .get()
                        .map(|attempt| {
                            let draft = attempt.draft.clone();
                            let on_retry = modal
                                .map(|modal| {
                                    let draft = draft.clone();
                                    Callback::new(move |()| modal.open_with(draft.clone()))
                                });
                            let on_retry_with = modal
                                .map(|modal| {
                                    Callback::new(move |changes| {
                                        modal.open_with_changes(draft.clone(), changes)
                                    })
                                });
                            view! { <ErrorCard attempt on_retry on_dismiss on_retry_with on_page=true /> }
                        })
                }}
                <PartialClusterDeletion task=Signal::derive(move || Some(task.get())) />
            </div>
        }
        .into_any(),
    }
    }
}
