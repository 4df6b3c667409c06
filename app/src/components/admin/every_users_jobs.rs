//! The "All users' jobs" section an administrator sees on the dashboard: every user's running
//! jobs and recent failures, read again every few seconds, on Refresh and after each stop. The
//! periodic read pauses while a Stop's question is open (a new answer rebuilds the rows, which
//! would close it), and never runs for anyone else.

use crate::api::admin::list_every_users_jobs::list_every_users_jobs;
use crate::api::session::current_caller::current_caller;
use crate::components::admin::failed_jobs_table::FailedJobsTable;
use crate::components::admin::running_jobs_table::RunningJobsTable;
use crate::error::AppError;
use crate::split_parts::{SplitPart, ready_now, split_part};
use leptos::prelude::*;
use shared::admin::AdminJobs;
use std::time::Duration;

/// How often the lists are read again while shown.
const REFRESH_SECONDS: u64 = 5;

/// The section, for an administrator; nothing for anyone else.
#[component]
pub fn EveryUsersJobs() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let jobs = Resource::new(move || version.get(), |_| jobs_for_an_administrator());
    let refresh = Callback::new(move |()| version.update(|version| *version += 1));
    let asking = RwSignal::new(false);
    let on_question = Callback::new(move |open: bool| asking.set(open));
    // In the browser only: Effects do not run on the server.
    Effect::new(move |_| {
        let tick = move || {
            let shown = jobs
                .try_with_untracked(|jobs| matches!(jobs, Some(Ok(Some(_)))))
                .unwrap_or(false);
            if shown && !asking.get_untracked() {
                refresh.run(());
            }
        };
        match set_interval_with_handle(tick, Duration::from_secs(REFRESH_SECONDS)) {
            Ok(handle) => on_cleanup(move || handle.clear()),
            Err(_) => leptos::logging::warn!("cannot read every user's jobs periodically"),
        }
    });
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match jobs.await {
                    Ok(None) => ().into_any(),
                    Ok(Some(jobs)) => {
                        split_part(
                                SplitPart::EveryUsersJobs,
                                move || ready_now(every_users_jobs_view(jobs.clone(), refresh, on_question)),
                            )
                            .into_any()
                    }
                    Err(error) => {
                        view! {
                            <p class="inline-error" role="alert">
                                "Could not read every user's jobs. "
                                {error.to_string()}
                            </p>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The section once `jobs` were read, as a split point of the browser bundle
/// ([`crate::split_parts`]): the tables' code loads for an administrator only. Its Refresh (and
/// every stop) calls `refresh`, and each Stop's question tells `on_question` when it opens and
/// closes.
#[cfg_attr(any(feature = "ssr", feature = "split"), lazy)]
pub async fn every_users_jobs_view(
    jobs: AdminJobs,
    refresh: Callback<()>,
    on_question: Callback<bool>,
) -> AnyView {
    view! {
        <section class="card admin-jobs" aria-labelledby="admin-jobs-heading">
            <div class="card-header">
                <h2 id="admin-jobs-heading">"All users' jobs"</h2>
                <div class="card-actions">
                    <button type="button" class="button secondary" on:click=move |_| refresh.run(())>
                        "Refresh"
                    </button>
                </div>
            </div>
            <RunningJobsTable jobs=jobs.running on_stopped=refresh on_question=Some(on_question) />
            <FailedJobsTable jobs=jobs.failed />
        </section>
    }
    .into_any()
}

/// Every user's jobs when the signed-in caller is an administrator; `None` for anyone else
/// (and when the caller cannot be read: the section is then simply not shown).
async fn jobs_for_an_administrator() -> Result<Option<AdminJobs>, AppError> {
    match current_caller().await {
        Ok(caller) if caller.is_admin() => list_every_users_jobs().await.map(Some),
        _ => Ok(None),
    }
}
