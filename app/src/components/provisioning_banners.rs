//! The banners of the caller's provisioning jobs, above the clusters card. Rendered on the
//! server from the running tasks (so a reload shows them in the first HTML), then kept current
//! by the provisioning context's polling.

use crate::components::provisioning_banner::ProvisioningBanner;
use crate::contexts::last_failure::use_last_failure_memory;
use crate::contexts::provisioning::use_provisioning;
use leptos::prelude::*;

/// One banner per followed task, oldest first.
#[component]
pub fn ProvisioningBanners() -> impl IntoView {
    let Some(provisioning) = use_provisioning() else {
        return ().into_any();
    };
    // Dismissing a failure's card dismisses the failure: it does not come back as "Last
    // attempt failed", here, in another tab or on another device.
    let memory = use_last_failure_memory();
    let forget_failure = move |task_id: &str| {
        if let (Some(task), Some(memory)) = (untrack(|| provisioning.task(task_id)), memory) {
            memory.dismiss_if_failed(&task);
        }
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match provisioning.loaded().await {
                    Ok(()) => {
                        view! {
                            <div class="banners">
                                <For
                                    each=move || provisioning.banner_task_ids()
                                    key=|task_id| task_id.clone()
                                    children=move |task_id| {
                                        untrack(|| provisioning.task(&task_id))
                                            .map(|first| {
                                                let id = task_id.clone();
                                                let task = Signal::derive(move || {
                                                    provisioning.task(&id).unwrap_or_else(|| first.clone())
                                                });
                                                let id = task_id.clone();
                                                let extra_seconds = Signal::derive(move || provisioning.extra_seconds(&id));
                                                let dismiss = Callback::new(move |()| {
                                                    forget_failure(&task_id);
                                                    provisioning.dismiss(&task_id);
                                                });
                                                view! { <ProvisioningBanner task extra_seconds on_dismiss=dismiss /> }
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
