//! The banners of the caller's provisioning jobs, above the clusters card. Rendered on the
//! server from the running tasks (so a reload shows them in the first HTML), then kept current
//! by the job tracking's polling ([`crate::contexts::job_tracking`]). The create modal's own
//! task shows in the modal instead.

use crate::components::provisioning::provisioning_banner::banner_view;
use crate::contexts::create_modal::use_create_modal;
use crate::contexts::job_tracking::use_job_tracking;
use crate::contexts::last_failure_memory::use_last_failure_memory;
use crate::split_parts::{SplitPart, ready_now, split_part};
use leptos::prelude::*;

/// One banner per followed task, oldest first.
#[component]
pub fn ProvisioningBanners() -> impl IntoView {
    let Some(jobs) = use_job_tracking() else {
        return ().into_any();
    };
    // The create modal's task shows in the modal, not as a banner.
    let modal = use_create_modal();
    // Dismissing a failure's card dismisses the failure: it does not come back as "Last
    // attempt failed", here, in another tab or on another device.
    let memory = use_last_failure_memory();
    let forget_failure = move |task_id: &str| {
        if let (Some(task), Some(memory)) = (untrack(|| jobs.task(task_id)), memory) {
            memory.dismiss_if_failed(&task);
        }
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match jobs.loaded().await {
                    Ok(()) => {
                        view! {
                            <div class="banners">
                                <For
                                    each=move || jobs.banner_task_ids(modal.and_then(|modal| modal.task_id()))
                                    key=|task_id| task_id.clone()
                                    children=move |task_id| {
                                        untrack(|| jobs.task(&task_id))
                                            .map(|first| {
                                                let id = task_id.clone();
                                                let task = Signal::derive(move || {
                                                    jobs.task(&id).unwrap_or_else(|| first.clone())
                                                });
                                                let id = task_id.clone();
                                                let extra_seconds = Signal::derive(move || jobs.extra_seconds(&id));
                                                let dismiss = Callback::new(move |()| {
                                                    forget_failure(&task_id);
                                                    jobs.dismiss(&task_id);
                                                });
                                                split_part(
                                                    SplitPart::Banner,
                                                    move || ready_now(banner_view(task, extra_seconds, dismiss)),
                                                )
                                            })
                                    }
                                />
                            </div>
                        }
                            .into_any()
                    }
                    Err(error) => {
                        view! {
                            <p class="inline-error" role="alert">
                                "Could not read your running jobs. "
                                {error.to_string()}
                            </p>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
    .into_any()
}
