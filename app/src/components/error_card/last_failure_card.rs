//! The "Last attempt failed" card on the dashboard (docs/PRODUCT.md §7): the remembered failure in
//! the error card with every action the live card had: the portal link to what it left on
//! Azure, Edit & retry (the modal opens with every field of the attempt, pools included),
//! Delete partial cluster ([`RememberedDeletion`]) and Dismiss (here, in other tabs and on the
//! server). Rendered on the server from the caller's history, so it is in the first HTML.
//! Hidden while the page shows the same job as a banner or in the modal.

use crate::components::error_card::ErrorCard;
use crate::components::error_card::remembered_deletion::RememberedDeletion;
use crate::contexts::create_modal::{CreateModalState, use_create_modal};
use crate::contexts::job_tracking::use_job_tracking;
use crate::contexts::last_failure_memory::{LastFailureMemory, use_last_failure_memory};
use crate::split_parts::{SplitPart, ready_now, split_part};
use leptos::prelude::*;
use shared::last_failure::LastFailure;

/// The card's content for `record`, as a split point of the browser bundle
/// ([`crate::split_parts`]): the error card's code, the classifier's included, loads when a
/// failure is to be shown. Edit & retry opens `modal` with the attempt; Dismiss tells `memory`.
#[cfg_attr(any(feature = "ssr", feature = "split"), lazy)]
pub async fn last_failure_view(
    record: LastFailure,
    modal: CreateModalState,
    memory: LastFailureMemory,
) -> AnyView {
    let attempt = record.attempt();
    let lead = format!(
        "Last attempt failed: creating {} in {}.",
        record.cluster_name, record.region,
    );
    let draft = attempt.draft.clone();
    let retry = {
        let draft = draft.clone();
        Callback::new(move |()| modal.open_with(draft.clone()))
    };
    let retry_with = Callback::new(move |changes| modal.open_with_changes(draft.clone(), changes));
    let dismiss = Callback::new(move |()| memory.dismiss());
    let deletion = record
        .task_id
        .map(|task_id| view! { <RememberedDeletion task_id /> });
    view! {
        <div class="last-failure">
            <ErrorCard
                attempt
                lead
                live=false
                on_page=true
                on_retry=Some(retry)
                on_dismiss=Some(dismiss)
                on_retry_with=Some(retry_with)
            />
            {deletion}
        </div>
    }
    .into_any()
}

/// The card, when there is a failure to remember.
#[component]
pub fn LastFailureCard() -> impl IntoView {
    let (Some(memory), Some(jobs), Some(modal)) = (
        use_last_failure_memory(),
        use_job_tracking(),
        use_create_modal(),
    ) else {
        return ().into_any();
    };
    let shown = Memo::new(move |_| {
        memory.shown().filter(|record| {
            !record
                .job_id
                .as_ref()
                .is_some_and(|job_id| jobs.shows_job(job_id))
        })
    });
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                memory.loaded().await;
                move || {
                    shown
                        .get()
                        .map(|record| {
                            split_part(
                                SplitPart::LastFailure,
                                move || ready_now(last_failure_view(record.clone(), modal, memory)),
                            )
                        })
                }
            })}
        </Transition>
    }
    .into_any()
}
