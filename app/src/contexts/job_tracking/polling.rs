//! Browser-only half of the job tracking: the poll that reads unfinished tasks again every
//! second, and the clock that moves their elapsed times between polls.

use super::{Followed, JobTracking};
use crate::api::provision::get_task::get_task;
use crate::error::AppError;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::progress::{TaskView, settling_on_azure};

/// How often unfinished tasks are read again.
const POLL_MS: u32 = 1_000;
/// How often the local clock ticks.
const TICK_MS: u32 = 1_000;

/// Starts polling and ticking whenever an unfinished task appears (Effects run only after
/// hydration). Each loop ends by itself when no task is left to follow.
pub(super) fn start(jobs: JobTracking) {
    let polling = RwSignal::new(false);
    let ticking = RwSignal::new(false);
    let any_active = Memo::new(move |_| jobs.entries().iter().any(|entry| changing(&entry.view)));
    Effect::new(move |_| {
        if !any_active.get() {
            return;
        }
        if !polling.get_untracked() {
            polling.set(true);
            spawn_local(poll(jobs, polling));
        }
        if !ticking.get_untracked() {
            ticking.set(true);
            spawn_local(tick(jobs, ticking));
        }
    });
}

/// True while a task still changes: it runs, or the partial cluster it left is still
/// settling or being deleted on Azure.
fn changing(view: &TaskView) -> bool {
    !view.status.is_finished() || settling_on_azure(view)
}

/// Ids of the tasks that still change; `None` once the page is gone.
fn active_ids(jobs: JobTracking) -> Option<Vec<String>> {
    jobs.followed.try_with_untracked(|_| ())?;
    Some(
        jobs.entries_untracked()
            .into_iter()
            .filter(|entry| changing(&entry.view))
            .map(|entry| entry.view.task_id)
            .collect(),
    )
}

async fn poll(jobs: JobTracking, polling: RwSignal<bool>) {
    loop {
        // No await between this check and clearing the flag: a task that appears meanwhile
        // finds the flag cleared and starts a new loop.
        let Some(ids) = active_ids(jobs) else {
            return;
        };
        if ids.is_empty() {
            polling.try_set(false);
            return;
        }
        for task_id in ids {
            match get_task(task_id.clone()).await {
                Ok(view) => record(jobs, view),
                // The task is gone, or this browser is no longer allowed to read it.
                Err(AppError::NotFound(_) | AppError::Forbidden(_) | AppError::Unauthenticated) => {
                    jobs.dismiss(&task_id);
                }
                // Transient (network, server restart): keep the last view and try again.
                Err(error) => leptos::logging::warn!("reading task {task_id}: {error}"),
            }
        }
        TimeoutFuture::new(POLL_MS).await;
    }
}

async fn tick(jobs: JobTracking, ticking: RwSignal<bool>) {
    loop {
        TimeoutFuture::new(TICK_MS).await;
        match active_ids(jobs) {
            Some(ids) if !ids.is_empty() => {
                jobs.tick.try_update(|tick| *tick += 1);
            }
            _ => {
                ticking.try_set(false);
                return;
            }
        }
    }
}

/// Stores a newer view. The local clock restarts only when the server's elapsed numbers
/// changed, so a server that reports them at its own pace still shows a moving clock. The
/// clusters card refetches when the cluster first exists on Azure, when the job ends (in any
/// way) and when Azure's side settles (an abort finished, its partial cluster deleted); in
/// between its row follows the job. A job seen running that ends is announced when its tab is
/// hidden ([`crate::browser_notifications`]).
fn record(jobs: JobTracking, view: TaskView) {
    let previous = jobs
        .entries_untracked()
        .into_iter()
        .find(|entry| entry.view.task_id == view.task_id);
    if previous.as_ref().is_some_and(|entry| entry.view == view) {
        return;
    }
    let clock = |view: &TaskView| {
        view.progress
            .as_ref()
            .map(|p| (p.elapsed_seconds, p.arm_elapsed_seconds))
    };
    let on_azure = |view: &TaskView| {
        view.progress
            .as_ref()
            .is_some_and(|p| p.cluster_state.is_some())
    };
    let read_at = match &previous {
        Some(entry) if clock(&entry.view) == clock(&view) => entry.read_at,
        _ => jobs.tick.get_untracked(),
    };
    let was_on_azure = previous.as_ref().is_some_and(|entry| on_azure(&entry.view));
    let had_ended = previous
        .as_ref()
        .is_some_and(|entry| entry.view.status.is_finished());
    let was_settling = previous
        .as_ref()
        .is_some_and(|entry| settling_on_azure(&entry.view));
    let ended_now = previous.is_some() && !had_ended && view.status.is_finished();
    if ended_now {
        crate::browser_notifications::announce_end(&view);
    }
    let clusters_changed = (!was_on_azure && on_azure(&view))
        || (!had_ended && view.status.is_finished())
        || (was_settling && !settling_on_azure(&view));
    jobs.followed.try_update(|followed| {
        let newer = Followed { view, read_at };
        match followed
            .iter_mut()
            .find(|entry| entry.view.task_id == newer.view.task_id)
        {
            Some(entry) => *entry = newer,
            None => followed.push(newer),
        }
    });
    if clusters_changed {
        jobs.clusters_version.try_update(|version| *version += 1);
    }
}
