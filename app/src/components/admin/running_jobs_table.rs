//! Every user's running jobs as a table for an administrator: owner, cluster, region, where it
//! stands, when it started, and a Stop naming the cluster and its owner.

use crate::components::admin::admin_stop_button::AdminStopButton;
use crate::progress_text::step_line;
use leptos::prelude::*;
use shared::admin::AdminJob;

/// One row per running job, oldest first.
#[component]
pub fn RunningJobsTable(
    /// The jobs, as the server listed them.
    jobs: Vec<AdminJob>,
    /// Called once a stop was accepted, so the lists are read again.
    on_stopped: Callback<()>,
    /// Told when a Stop's question opens (true) and closes (false).
    #[prop(optional_no_strip)]
    on_question: Option<Callback<bool>>,
) -> impl IntoView {
    if jobs.is_empty() {
        return view! { <p class="muted admin-none">"No user has a create running."</p> }
            .into_any();
    }
    view! {
        <table class="clusters admin-running">
            <caption>"Running jobs"</caption>
            <thead>
                <tr>
                    <th scope="col">"Owner"</th>
                    <th scope="col">"Cluster"</th>
                    <th scope="col">"Region"</th>
                    <th scope="col">"Progress"</th>
                    <th scope="col">"Started"</th>
                    <th scope="col">"Stop"</th>
                </tr>
            </thead>
            <tbody>
                {jobs.into_iter().map(|job| running_row(job, on_stopped, on_question)).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// One running job's row: its Stop, or "Stopping…" once someone stopped it.
fn running_row(
    job: AdminJob,
    on_stopped: Callback<()>,
    on_question: Option<Callback<bool>>,
) -> impl IntoView {
    let progress = job
        .task
        .progress
        .as_ref()
        .map(step_line)
        .unwrap_or_default();
    let stop = if job.stopping() {
        view! { <span class="muted" role="status">"Stopping…"</span> }.into_any()
    } else {
        view! {
            <AdminStopButton
                task_id=job.task.task_id.clone()
                cluster_name=job.cluster_name().to_owned()
                owner_name=job.owner.display_name.clone()
                on_stopped
                on_question=on_question
            />
        }
        .into_any()
    };
    view! {
        <tr data-task-id=job.task.task_id.clone()>
            <td>{job.owner.display_name.clone()}</td>
            <td data-label="Cluster">{job.cluster_name().to_owned()}</td>
            <td data-label="Region">{job.region().to_owned()}</td>
            <td data-label="Progress">{progress}</td>
            <td data-label="Started">{job.started_ago()}</td>
            <td data-label="Stop">{stop}</td>
        </tr>
    }
}
