//! The "Last attempt failed" card on the dashboard (PRODUCT.md §7): the remembered failure in
//! the error card, with Edit & retry (the modal opens filled with its names) and Dismiss (here,
//! in other tabs and on the server). Rendered on the server from the caller's history, so it
//! is in the first HTML. Hidden while the page shows the same job as a banner or in the modal.

use crate::components::provision_error_card::ProvisionErrorCard;
use crate::contexts::last_failure::use_last_failure_memory;
use crate::contexts::provisioning::use_provisioning;
use leptos::prelude::*;

/// The card, when there is a failure to remember.
#[component]
pub fn LastFailureCard() -> impl IntoView {
    let (Some(memory), Some(provisioning)) = (use_last_failure_memory(), use_provisioning()) else {
        return ().into_any();
    };
    let shown = Memo::new(move |_| {
        memory.shown().filter(|record| {
            !record
                .job_id
                .as_ref()
                .is_some_and(|job_id| provisioning.shows_job(job_id))
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
                            let attempt = record.attempt();
                            let lead = format!(
                                "Last attempt failed: creating {} in {}.",
                                record.cluster_name,
                                record.region,
                            );
                            let draft = attempt.draft.clone();
                            let retry = Callback::new(move |()| provisioning.open_modal_with(draft.clone()));
                            let dismiss = Callback::new(move |()| memory.dismiss());
                            view! {
                                <div class="last-failure">
                                    <ProvisionErrorCard
                                        attempt
                                        lead
                                        live=false
                                        on_retry=Some(retry)
                                        on_dismiss=Some(dismiss)
                                    />
                                </div>
                            }
                        })
                }
            })}
        </Transition>
    }
    .into_any()
}
