//! The banner while its job runs: "Step 3/5 · Creating AKS cluster · 4m 12s", Azure's state,
//! the bar, the message, pool chips, the portal link and "Stop provisioning"; while the job
//! waits for its owner's new sign-in, a notice with the way to sign in.

use crate::components::provisioning::pool_chips::PoolChips;
use crate::components::provisioning::progress_details::ProgressDetails;
use crate::components::provisioning::stop_provisioning::StopProvisioning;
use crate::progress_text::{step_line, ticked};
use leptos::prelude::*;
use shared::progress::{ProvisionPhase, TaskView};

/// The banner while the job runs.
#[component]
pub fn RunningBanner(
    /// The task's newest view.
    #[prop(into)]
    task: Signal<TaskView>,
    /// Seconds counted locally since it was read.
    #[prop(into)]
    extra_seconds: Signal<i64>,
    /// The cluster being created.
    #[prop(into)]
    cluster_name: Signal<String>,
) -> impl IntoView {
    let progress = Memo::new(move |_| {
        task.with(|t| t.progress.as_ref().map(|p| ticked(p, extra_seconds.get())))
    });
    let heading_id = task.with_untracked(|t| format!("banner-{}", t.task_id));
    let labelled_by = heading_id.clone();
    let task_id = task.with_untracked(|t| t.task_id.clone());
    let marked_task = task_id.clone();
    let place = move || {
        progress.with(|p| {
            p.as_ref()
                .map(|p| format!("{} · {}", p.region, p.resource_group))
                .unwrap_or_default()
        })
    };
    let step = move || {
        progress.with(|p| match p {
            Some(p) => step_line(p),
            None => ProvisionPhase::Queued.label().to_owned(),
        })
    };
    let portal_url = move || progress.with(|p| p.as_ref().and_then(|p| p.portal_url.clone()));
    view! {
        <section class="banner" aria-labelledby=labelled_by data-task-id=marked_task>
            <div class="banner-header">
                <h2 id=heading_id class="banner-title" tabindex="-1">
                    "Creating "
                    <span class="cluster-name">{cluster_name}</span>
                </h2>
                <span class="muted">{place}</span>
                <StopProvisioning task_id cluster_name label="Stop provisioning" />
            </div>
            <p class="banner-step">{step}</p>
            {move || {
                task.with(|t| t.owner_must_sign_in)
                    .then(|| {
                        view! {
                            <p class="banner-sign-in" role="status">
                                "Azure no longer accepts your sign-in, so this create waits. "
                                <a href="/sign-in">"Sign in again"</a>
                                " and it continues where it stopped."
                            </p>
                        }
                    })
            }}
            <ProgressDetails progress=progress bar_label="Provisioning progress" />
            <div class="chip-row">
                <PoolChips pools=Signal::derive(move || {
                    progress.with(|p| p.as_ref().map(|p| p.pools.clone()).unwrap_or_default())
                }) />
                {move || {
                    portal_url()
                        .map(|href| {
                            view! {
                                <a class="chip chip-link" href=href target="_blank" rel="noopener noreferrer">
                                    "Open in Azure portal ↗"
                                </a>
                            }
                        })
                }}
            </div>
        </section>
    }
}
