//! Every user's recent failed creates as a table for an administrator: owner, cluster, region
//! and the error card's headline, newest first. An owner's Dismiss does not hide a failure here.

use leptos::prelude::*;
use shared::admin::AdminJob;

/// One row per failed create.
#[component]
pub fn FailedJobsTable(
    /// The failures, as the server listed them.
    jobs: Vec<AdminJob>,
) -> impl IntoView {
    if jobs.is_empty() {
        return view! { <p class="muted admin-none">"No create failed in the last 24 hours."</p> }
            .into_any();
    }
    view! {
        <table class="clusters admin-failed">
            <caption>"Recent failures (last 24 hours)"</caption>
            <thead>
                <tr>
                    <th scope="col">"Owner"</th>
                    <th scope="col">"Cluster"</th>
                    <th scope="col">"Region"</th>
                    <th scope="col">"Error"</th>
                </tr>
            </thead>
            <tbody>
                {jobs
                    .into_iter()
                    .map(|job| {
                        let message = job.task.error.as_ref().map(|error| error.message.clone());
                        view! {
                            <tr data-task-id=job.task.task_id.clone()>
                                <td>{job.owner.display_name.clone()}</td>
                                <td data-label="Cluster">{job.cluster_name().to_owned()}</td>
                                <td data-label="Region">{job.region().to_owned()}</td>
                                <td data-label="Error" title=message>{job.error_headline()}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
