//! The list of the caller's recent jobs, newest first (`recent_jobs`, the last 24 hours), with
//! the lines of the jobs the page follows kept live ([`shared::activity::activity_rows`]). It is
//! read when it opens and again whenever a followed job ends or its partial cluster's deletion
//! moves, so that line takes the server's words; a job the answer shows running that the page
//! did not know (started in another tab or on another device) joins the page's tracking. Show
//! brings a job's banner or error card back onto the page and focuses it.
//!
//! The lines are keyed by task and only their text changes as the jobs move, so a focused Show
//! keeps its focus through polls and re-reads. That is why the answer is rendered from a state
//! memo, not through `<Transition>`, which would build the list again on every re-read.

use crate::api::provision::recent_jobs::recent_jobs;
use crate::contexts::job_tracking::{JobTracking, use_job_tracking};
use crate::focus::focus_banner;
use leptos::prelude::*;
use shared::activity::{ActivityRow, RecentJob, activity_rows};
use std::time::Duration;

/// Where the answer stands.
#[derive(Clone, Debug, PartialEq)]
enum Answer {
    Reading,
    Unreadable(String),
    Read,
}

/// The open list.
#[component]
pub fn ActivityList(
    /// Called once Show has put a job back on the page (the menu then closes).
    on_shown: Callback<()>,
) -> impl IntoView {
    let Some(jobs) = use_job_tracking() else {
        return ().into_any();
    };
    let ended = Memo::new(move |_| {
        jobs.finished_views()
            .into_iter()
            .map(|view| (view.task_id, view.deletion.map(|deletion| deletion.state)))
            .collect::<Vec<_>>()
    });
    let recent = LocalResource::new(move || {
        ended.track();
        recent_jobs()
    });
    Effect::new(move |_| {
        if let Some(Ok(answer)) = recent.get() {
            jobs.follow_running(answer.into_iter().map(|job| job.task));
        }
    });
    let answer = Memo::new(move |_| match recent.get() {
        None => Answer::Reading,
        Some(Err(error)) => Answer::Unreadable(error.to_string()),
        Some(Ok(_)) => Answer::Read,
    });
    let rows = Memo::new(move |_| {
        let read: Vec<RecentJob> = recent.get().and_then(Result::ok).unwrap_or_default();
        let stopping = jobs.stop_requests();
        activity_rows(
            &read,
            &jobs.views(),
            |id| stopping.iter().any(|asked| asked == id),
            crate::clock::now_ms(),
        )
    });
    let content = move || match answer.get() {
        Answer::Reading => {
            view! { <p class="muted" role="status">"Reading your jobs…"</p> }.into_any()
        }
        Answer::Unreadable(error) => view! {
            <p class="inline-error" role="alert">
                "Could not read your jobs. "
                {error}
            </p>
        }
        .into_any(),
        Answer::Read => lines_view(jobs, rows, on_shown),
    };
    view! {
        <div id="activity-list" class="activity-panel" role="region" aria-labelledby="activity-heading">
            <h2 id="activity-heading">"Your jobs, last 24 hours"</h2>
            {content}
        </div>
    }
    .into_any()
}

/// The lines, one per task, or a word that there are none.
fn lines_view(jobs: JobTracking, rows: Memo<Vec<ActivityRow>>, on_shown: Callback<()>) -> AnyView {
    let ids = move || {
        rows.with(|rows| {
            rows.iter()
                .map(|row| row.task.task_id.clone())
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show
            when=move || rows.with(|rows| !rows.is_empty())
            fallback=|| view! { <p class="muted">"No jobs in the last 24 hours."</p> }
        >
            <ul class="activity-rows">
                <For
                    each=ids
                    key=|task_id| task_id.clone()
                    children=move |task_id| {
                        let row = Memo::new(move |_| {
                            rows.with(|rows| rows.iter().find(|row| row.task.task_id == task_id).cloned())
                        });
                        line_view(jobs, row, on_shown)
                    }
                />
            </ul>
        </Show>
    }
    .into_any()
}

/// One line: how it stands, the cluster, where, when, and Show.
fn line_view(
    jobs: JobTracking,
    row: Memo<Option<ActivityRow>>,
    on_shown: Callback<()>,
) -> impl IntoView {
    let text = move |pick: fn(&ActivityRow) -> String| {
        move || row.with(|row| row.as_ref().map(pick).unwrap_or_default())
    };
    let state_class = move || {
        row.with(|row| {
            let tone = row.as_ref().map_or("busy", |row| row.tone.css_class());
            format!("state state-{tone}")
        })
    };
    let show = move |_| {
        let Some(row) = row.get_untracked() else {
            return;
        };
        let task_id = row.task.task_id.clone();
        jobs.show(row.task);
        on_shown.run(());
        focus_when_shown(task_id, FOCUS_TRIES);
    };
    view! {
        <li class="activity-row">
            <span class=state_class>{text(|row| row.outcome.clone())}</span>
            <span class="activity-job">
                <strong>{text(|row| row.cluster_name.clone())}</strong>
                <span class="muted">{text(|row| row.place.clone())}</span>
            </span>
            <span class="muted activity-when">{text(|row| row.when.clone())}</span>
            <button
                type="button"
                class="button secondary activity-show"
                aria-label=text(|row| format!("Show {}", row.cluster_name))
                on:click=show
            >
                "Show"
            </button>
        </li>
    }
}

/// How often Show looks for the banner it brought back, [`FOCUS_RETRY`] apart (its code may
/// still be loading: five seconds in all).
const FOCUS_TRIES: u32 = 100;
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
