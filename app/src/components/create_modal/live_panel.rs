//! The create modal's compact live view of its job (step N/M, phase, elapsed, Azure's state)
//! and its Stop chip, shown from the submit until Azure accepted the create and the banner
//! takes over.

use crate::components::provisioning::pool_chips::PoolChips;
use crate::components::provisioning::progress_details::ProgressDetails;
use crate::components::provisioning::stop_provisioning::StopProvisioning;
use crate::progress_text::{step_line, ticked};
use leptos::html;
use leptos::prelude::*;
use shared::progress::{ProvisionPhase, TaskView};

/// The live panel. It takes focus when it appears, since the form behind it is disabled.
#[component]
pub fn LivePanel(
    /// The job's newest view (`None` between the submit and the server's answer).
    #[prop(into)]
    task: Signal<Option<TaskView>>,
    /// Seconds counted in the browser since the view's numbers were read.
    #[prop(into, default = Signal::stored(0))]
    extra_seconds: Signal<i64>,
) -> impl IntoView {
    let panel = NodeRef::<html::Section>::new();
    Effect::new(move |_| {
        if let Some(panel) = panel.get() {
            // Only a convenience for keyboard users; nothing to do if the browser refuses.
            let _ = panel.focus();
        }
    });
    let progress = Memo::new(move |_| {
        task.with(|t| {
            t.as_ref()
                .and_then(|t| t.progress.as_ref())
                .map(|p| ticked(p, extra_seconds.get()))
        })
    });
    // Read once per task, so a poll does not rebuild the Stop control (and its open question).
    let running_task_id = Memo::new(move |_| {
        task.with(|t| {
            t.as_ref()
                .filter(|t| !t.status.is_finished())
                .map(|t| t.task_id.clone())
        })
    });
    let cluster_name = Signal::derive(move || {
        progress.with(|p| {
            p.as_ref()
                .map(|p| p.cluster_name.clone())
                .unwrap_or_default()
        })
    });
    let step = move || {
        progress.with(|p| match p {
            Some(p) => step_line(p),
            None if task.with(Option::is_none) => "Submitting…".to_owned(),
            None => ProvisionPhase::Queued.label().to_owned(),
        })
    };
    view! {
        <section class="live-panel" aria-labelledby="live-panel-heading" tabindex="-1" node_ref=panel>
            <div class="live-panel-header">
                <h3 id="live-panel-heading">"Live progress"</h3>
                {move || {
                    running_task_id
                        .get()
                        .map(|task_id| view! { <StopProvisioning task_id cluster_name label="Stop" /> })
                }}
            </div>
            <p class="live-step">{step}</p>
            <ProgressDetails progress=progress bar_label="Create progress" />
            <PoolChips pools=Signal::derive(move || {
                progress.with(|p| p.as_ref().map(|p| p.pools.clone()).unwrap_or_default())
            }) />
        </section>
    }
    .into_any()
}
