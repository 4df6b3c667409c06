//! The list of the caller's recent jobs, newest first (`recent_jobs`, the last 24 hours), with
//! the lines of the jobs the page follows kept live ([`shared::activity::activity_rows`]). It is
//! read when it opens and again whenever a followed job ends, so that line takes the server's
//! words. Show brings a job's banner or error card back onto the page and focuses it.

use crate::api::provision::recent_jobs::recent_jobs;
use crate::contexts::job_tracking::{JobTracking, use_job_tracking};
use crate::error::AppError;
use crate::focus::focus_banner;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::activity::{ActivityRow, RecentJob, activity_rows};
use std::time::Duration;

/// What the server answered, once it did.
type Answer = Option<Result<Vec<RecentJob>, AppError>>;

/// The open list.
#[component]
pub fn ActivityList(
    /// Called once Show has put a job back on the page (the menu then closes).
    on_shown: Callback<()>,
) -> impl IntoView {
    let Some(jobs) = use_job_tracking() else {
        return ().into_any();
    };
    let answer = RwSignal::<Answer>::new(None);
    let ended = Memo::new(move |_| {
        jobs.finished_views()
            .into_iter()
            .map(|view| view.task_id)
            .collect::<Vec<_>>()
    });
    Effect::new(move |_| {
        ended.track();
        spawn_local(async move {
            let read = recent_jobs().await;
            answer.try_set(Some(read));
        });
    });
    let content = move || {
        answer.with(|answer| match answer {
            None => view! { <p class="muted" role="status">"Reading your jobs…"</p> }.into_any(),
            Some(Err(error)) => view! {
                <p class="inline-error" role="alert">
                    "Could not read your jobs. "
                    {error.to_string()}
                </p>
            }
            .into_any(),
            Some(Ok(recent)) => rows_view(jobs, recent, on_shown),
        })
    };
    view! {
        <div id="activity-list" class="activity-panel" role="region" aria-labelledby="activity-heading">
            <h2 id="activity-heading">"Your jobs, last 24 hours"</h2>
            {content}
        </div>
    }
    .into_any()
}

/// The lines, or a word that there are none.
fn rows_view(jobs: JobTracking, recent: &[RecentJob], on_shown: Callback<()>) -> AnyView {
    let stopping = jobs.stop_requests();
    let rows = activity_rows(
        recent,
        &jobs.views(),
        |id| stopping.iter().any(|asked| asked == id),
        crate::clock::now_ms(),
    );
    if rows.is_empty() {
        return view! { <p class="muted">"No jobs in the last 24 hours."</p> }.into_any();
    }
    view! {
        <ul class="activity-rows">
            {rows.into_iter().map(|row| row_view(jobs, row, on_shown)).collect_view()}
        </ul>
    }
    .into_any()
}

/// One line: how it stands, the cluster, where, when, and Show.
fn row_view(jobs: JobTracking, row: ActivityRow, on_shown: Callback<()>) -> impl IntoView {
    let ActivityRow {
        task,
        cluster_name,
        place,
        outcome,
        tone,
        when,
    } = row;
    let show_label = format!("Show {cluster_name}");
    let show = move |_| {
        let task_id = task.task_id.clone();
        jobs.show(task.clone());
        on_shown.run(());
        focus_when_shown(task_id, FOCUS_TRIES);
    };
    view! {
        <li class="activity-row">
            <span class=format!("state state-{}", tone.css_class())>{outcome}</span>
            <span class="activity-job">
                <strong>{cluster_name}</strong>
                <span class="muted">{place}</span>
            </span>
            <span class="muted activity-when">{when}</span>
            <button type="button" class="button secondary activity-show" aria-label=show_label on:click=show>
                "Show"
            </button>
        </li>
    }
}

/// How often Show looks for the banner it brought back, [`FOCUS_RETRY`] apart (its code may
/// still be loading: two seconds in all).
const FOCUS_TRIES: u32 = 40;
const FOCUS_RETRY: Duration = Duration::from_millis(50);

/// Focuses the banner of `task_id` once the page shows it.
fn focus_when_shown(task_id: String, tries_left: u32) {
    if tries_left == 0 || focus_banner(&task_id) {
        return;
    }
    set_timeout(
        move || focus_when_shown(task_id, tries_left - 1),
        FOCUS_RETRY,
    );
}
