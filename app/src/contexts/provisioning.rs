//! The caller's provisioning jobs as the dashboard follows them, shared by the banner, the
//! create modal and the clusters card.
//!
//! The list starts from the caller's running tasks, read by a blocking resource so the server
//! renders the banner into the first HTML after a reload. Tasks the modal starts join it, and
//! polling replaces each task's [`TaskView`] with the newest one. The modal shows its own task
//! until Azure accepted the create; every other task shows as a banner.
//!
//! Polling and the local elapsed-time clock run in the browser only (the `client` module): they
//! start from an Effect, so after hydration, and the server and the first client render show the
//! same numbers. They run while any task is unfinished and stop when none is.

use crate::api::provision::list_running_tasks::list_running_tasks;
use crate::error::AppError;
use leptos::html;
use leptos::prelude::*;
use shared::error_card::RetryDraft;
use shared::progress::{ProvisionAccepted, ProvisionProgress, TaskStatus, TaskView};
use shared::provision::ProvisionRequest;

/// A followed task and the clock tick at which its elapsed numbers last changed.
#[derive(Clone, Debug, PartialEq)]
struct Followed {
    view: TaskView,
    read_at: u64,
}

/// Handle on the shared provisioning state (cheap to copy; every field is a reactive handle).
#[derive(Clone, Copy)]
pub struct Provisioning {
    /// The caller's running tasks when the page was rendered.
    running: Resource<Result<Vec<TaskView>, AppError>>,
    /// Newer views from polling, and tasks started since the page was rendered.
    followed: RwSignal<Vec<Followed>>,
    /// Tasks the user dismissed (or that vanished); never shown again on this page.
    dismissed: RwSignal<Vec<String>>,
    /// The task the open modal shows in its live panel, until it hands it to the banner.
    modal_task: RwSignal<Option<String>>,
    modal_open: RwSignal<bool>,
    /// Seconds counted in the browser while a task runs, so elapsed times move between polls.
    tick: RwSignal<u64>,
    /// Bumped when a new cluster appears on Azure or a job succeeds: the clusters card refetches.
    clusters_version: RwSignal<u32>,
    /// The "Create cluster" button, which gets focus back when the modal closes.
    trigger: NodeRef<html::Button>,
    /// Tasks whose owner asked to stop them here, until they report their end.
    cancel_requested: RwSignal<Vec<String>>,
    /// Settings "Edit & retry" hands to the modal it opens.
    retry_draft: RwSignal<Option<RetryDraft>>,
}

/// Creates the provisioning state for a page, provides it as context and returns it.
pub fn provide_provisioning() -> Provisioning {
    let provisioning = Provisioning {
        running: Resource::new_blocking(|| (), |_| list_running_tasks()),
        followed: RwSignal::new(Vec::new()),
        dismissed: RwSignal::new(Vec::new()),
        modal_task: RwSignal::new(None),
        modal_open: RwSignal::new(false),
        tick: RwSignal::new(0),
        clusters_version: RwSignal::new(0),
        trigger: NodeRef::new(),
        cancel_requested: RwSignal::new(Vec::new()),
        retry_draft: RwSignal::new(None),
    };
    provide_context(provisioning);
    #[cfg(feature = "hydrate")]
    client::start(provisioning);
    provisioning
}

/// The provisioning state of the page, if the page provided one.
pub fn use_provisioning() -> Option<Provisioning> {
    use_context::<Provisioning>()
}

impl Provisioning {
    /// Waits for the running tasks the page started with (the banner's first render).
    pub async fn loaded(self) -> Result<(), AppError> {
        self.running.await.map(|_| ())
    }

    /// Ids of the tasks shown as banners, oldest first (the modal's own task is not one).
    pub fn banner_task_ids(&self) -> Vec<String> {
        let modal_task = self.modal_task.get();
        self.entries()
            .into_iter()
            .map(|entry| entry.view.task_id)
            .filter(|id| Some(id) != modal_task.as_ref())
            .collect()
    }

    /// The newest view of a task.
    pub fn task(&self, task_id: &str) -> Option<TaskView> {
        self.entries()
            .into_iter()
            .find(|entry| entry.view.task_id == task_id)
            .map(|entry| entry.view)
    }

    /// The newest views of the followed tasks that finished.
    pub fn finished_views(&self) -> Vec<TaskView> {
        self.entries()
            .into_iter()
            .map(|entry| entry.view)
            .filter(|view| view.status.is_finished())
            .collect()
    }

    /// True while the page shows job `job_id` (as a banner or in the modal).
    pub fn shows_job(&self, job_id: &str) -> bool {
        self.entries()
            .iter()
            .any(|entry| entry.view.job_id == job_id)
    }

    /// Seconds counted locally since the task's elapsed numbers were read (0 once it finished).
    pub fn extra_seconds(&self, task_id: &str) -> i64 {
        let tick = self.tick.get();
        self.entries()
            .into_iter()
            .find(|entry| entry.view.task_id == task_id)
            .filter(|entry| !entry.view.status.is_finished())
            .map_or(0, |entry| {
                i64::try_from(tick.saturating_sub(entry.read_at)).unwrap_or(i64::MAX)
            })
    }

    /// Starts following a task the server accepted for `request` (a double submit answers the
    /// same task). Until the first poll it shows as queued.
    pub fn follow(&self, accepted: &ProvisionAccepted, request: &ProvisionRequest) {
        let task_id = accepted.task_id.clone();
        self.dismissed
            .update(|dismissed| dismissed.retain(|id| *id != task_id));
        if self.task_untracked(&task_id).is_some() {
            return;
        }
        let read_at = self.tick.get_untracked();
        let view = TaskView {
            task_id,
            job_id: accepted.job_id.clone(),
            status: TaskStatus::Pending,
            ready: false,
            progress: Some(ProvisionProgress::queued(&accepted.job_id, request)),
            result: None,
            error: None,
            deletion: None,
        };
        self.followed
            .update(|followed| followed.push(Followed { view, read_at }));
    }

    /// Stops showing a task (the user dismissed its line, or the server no longer knows it).
    pub fn dismiss(&self, task_id: &str) {
        self.dismissed.try_update(|dismissed| {
            if !dismissed.iter().any(|id| id == task_id) {
                dismissed.push(task_id.to_owned());
            }
        });
    }

    /// Whether the create modal is open.
    pub fn modal_open(&self) -> bool {
        self.modal_open.get()
    }

    /// Opens the create modal.
    pub fn open_modal(&self) {
        self.modal_open.set(true);
    }

    /// Opens the create modal filled with a failed attempt's settings ("Edit & retry").
    pub fn open_modal_with(&self, draft: RetryDraft) {
        self.retry_draft.set(Some(draft));
        self.modal_open.set(true);
    }

    /// The settings the modal was opened with, once (the modal reads them as it opens).
    pub fn take_retry_draft(&self) -> Option<RetryDraft> {
        self.retry_draft.try_update(Option::take).flatten()
    }

    /// Drops the modal's failed task (its card was dismissed or the user is editing to retry):
    /// the form is the user's again.
    pub fn forget_modal_task(&self) {
        if let Some(task_id) = self.modal_task.get_untracked() {
            self.dismiss(&task_id);
            self.modal_task.set(None);
        }
    }

    /// Closes the create modal. Its task, if still running, becomes a banner; a failed one was
    /// already shown in the modal and is dropped. Focus returns to the "Create cluster" button.
    pub fn close_modal(&self) {
        if let Some(task_id) = self.modal_task.get_untracked() {
            let failed = self.task_untracked(&task_id).is_some_and(|task| {
                matches!(task.status, TaskStatus::Failure | TaskStatus::Revoked)
            });
            if failed {
                self.dismiss(&task_id);
            }
            self.modal_task.set(None);
        }
        self.modal_open.set(false);
        if let Some(button) = self.trigger.get_untracked() {
            // Focus is a convenience; a browser that refuses it leaves focus where it was.
            let _ = button.focus();
        }
    }

    /// The task the modal shows, if any.
    pub fn modal_task(&self) -> Option<TaskView> {
        let task_id = self.modal_task.get()?;
        self.task(&task_id)
    }

    /// Seconds counted locally for the modal's task.
    pub fn modal_extra_seconds(&self) -> i64 {
        self.modal_task
            .get()
            .map_or(0, |task_id| self.extra_seconds(&task_id))
    }

    /// Makes `task_id` the modal's task (a new submit); a previous, failed one is dropped.
    pub fn set_modal_task(&self, task_id: &str) {
        if let Some(previous) = self.modal_task.get_untracked()
            && previous != task_id
        {
            self.dismiss(&previous);
        }
        self.modal_task.set(Some(task_id.to_owned()));
    }

    /// Replaces a task's view with a newer one the page received outside polling (the answer
    /// to a delete request); a task that is settling is polled again.
    pub fn update_view(&self, view: TaskView) {
        let read_at = self.tick.get_untracked();
        self.followed.update(|followed| {
            match followed.iter_mut().find(|f| f.view.task_id == view.task_id) {
                Some(entry) => *entry = Followed { view, read_at },
                None => followed.push(Followed { view, read_at }),
            }
        });
    }

    /// Records that the owner asked to stop `task_id` (the modal and the banner then say so
    /// until the task reports its end).
    pub fn mark_cancel_requested(&self, task_id: &str) {
        self.cancel_requested.update(|ids| {
            if !ids.iter().any(|id| id == task_id) {
                ids.push(task_id.to_owned());
            }
        });
    }

    /// Forgets a stop the server refused (the task keeps running).
    pub fn forget_cancel_request(&self, task_id: &str) {
        self.cancel_requested
            .update(|ids| ids.retain(|id| id != task_id));
    }

    /// True while a stop asked for here waits for the task to end.
    pub fn cancel_pending(&self, task_id: &str) -> bool {
        let asked = self
            .cancel_requested
            .with(|ids| ids.iter().any(|id| id == task_id));
        asked && self.task(task_id).is_some_and(|t| !t.status.is_finished())
    }

    /// Changes whenever the clusters list should be read again.
    pub fn clusters_version(&self) -> Signal<u32> {
        self.clusters_version.into()
    }

    /// The node the "Create cluster" button binds, so focus can return to it.
    pub fn trigger(&self) -> NodeRef<html::Button> {
        self.trigger
    }

    /// Every task to show: the page's running tasks updated by newer views, then tasks started
    /// since, without dismissed ones.
    fn entries(&self) -> Vec<Followed> {
        let running = self.running.get();
        self.followed.with(|followed| {
            self.dismissed
                .with(|dismissed| merge(running, followed, dismissed))
        })
    }

    fn entries_untracked(&self) -> Vec<Followed> {
        let running = self.running.get_untracked();
        self.followed.with_untracked(|followed| {
            self.dismissed
                .with_untracked(|dismissed| merge(running, followed, dismissed))
        })
    }

    fn task_untracked(&self, task_id: &str) -> Option<TaskView> {
        self.entries_untracked()
            .into_iter()
            .find(|entry| entry.view.task_id == task_id)
            .map(|entry| entry.view)
    }
}

fn merge(
    running: Option<Result<Vec<TaskView>, AppError>>,
    followed: &[Followed],
    dismissed: &[String],
) -> Vec<Followed> {
    let mut entries: Vec<Followed> = running
        .and_then(Result::ok)
        .unwrap_or_default()
        .into_iter()
        .map(|view| Followed { view, read_at: 0 })
        .collect();
    for newer in followed {
        match entries
            .iter_mut()
            .find(|entry| entry.view.task_id == newer.view.task_id)
        {
            Some(entry) => *entry = newer.clone(),
            None => entries.push(newer.clone()),
        }
    }
    entries.retain(|entry| !dismissed.contains(&entry.view.task_id));
    entries
}

/// Browser-only: the poll and the clock.
#[cfg(feature = "hydrate")]
mod client {
    use super::{Followed, Provisioning};
    use crate::api::provision::get_task::get_task;
    use crate::error::AppError;
    use gloo_timers::future::TimeoutFuture;
    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use shared::progress::{DeletionState, TaskStatus, TaskView, settling_on_azure};

    /// How often unfinished tasks are read again.
    const POLL_MS: u32 = 1_000;
    /// How often the local clock ticks.
    const TICK_MS: u32 = 1_000;

    /// Starts polling and ticking whenever an unfinished task appears (Effects run only after
    /// hydration). Each loop ends by itself when no task is left to follow.
    pub(super) fn start(provisioning: Provisioning) {
        let polling = RwSignal::new(false);
        let ticking = RwSignal::new(false);
        let any_active = Memo::new(move |_| {
            provisioning
                .entries()
                .iter()
                .any(|entry| changing(&entry.view))
        });
        Effect::new(move |_| {
            if !any_active.get() {
                return;
            }
            if !polling.get_untracked() {
                polling.set(true);
                spawn_local(poll(provisioning, polling));
            }
            if !ticking.get_untracked() {
                ticking.set(true);
                spawn_local(tick(provisioning, ticking));
            }
        });
    }

    /// True while a task still changes: it runs, or the partial cluster it left is still
    /// settling or being deleted on Azure.
    fn changing(view: &TaskView) -> bool {
        !view.status.is_finished() || settling_on_azure(view)
    }

    /// Ids of the tasks that still change; `None` once the page is gone.
    fn active_ids(provisioning: Provisioning) -> Option<Vec<String>> {
        provisioning.followed.try_with_untracked(|_| ())?;
        Some(
            provisioning
                .entries_untracked()
                .into_iter()
                .filter(|entry| changing(&entry.view))
                .map(|entry| entry.view.task_id)
                .collect(),
        )
    }

    async fn poll(provisioning: Provisioning, polling: RwSignal<bool>) {
        loop {
            // No await between this check and clearing the flag: a task that appears meanwhile
            // finds the flag cleared and starts a new loop.
            let Some(ids) = active_ids(provisioning) else {
                return;
            };
            if ids.is_empty() {
                polling.try_set(false);
                return;
            }
            for task_id in ids {
                match get_task(task_id.clone()).await {
                    Ok(view) => record(provisioning, view),
                    // The task is gone, or this browser is no longer allowed to read it.
                    Err(
                        AppError::NotFound(_) | AppError::Forbidden(_) | AppError::Unauthenticated,
                    ) => {
                        provisioning.dismiss(&task_id);
                    }
                    // Transient (network, server restart): keep the last view and try again.
                    Err(error) => leptos::logging::warn!("reading task {task_id}: {error}"),
                }
            }
            TimeoutFuture::new(POLL_MS).await;
        }
    }

    async fn tick(provisioning: Provisioning, ticking: RwSignal<bool>) {
        loop {
            TimeoutFuture::new(TICK_MS).await;
            match active_ids(provisioning) {
                Some(ids) if !ids.is_empty() => {
                    provisioning.tick.try_update(|tick| *tick += 1);
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
    /// clusters card refetches when the cluster first exists on Azure, when the job succeeds and
    /// when its partial cluster is deleted.
    fn record(provisioning: Provisioning, view: TaskView) {
        let previous = provisioning
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
            _ => provisioning.tick.get_untracked(),
        };
        let was_on_azure = previous.as_ref().is_some_and(|entry| on_azure(&entry.view));
        let had_succeeded = previous
            .as_ref()
            .is_some_and(|entry| entry.view.status == TaskStatus::Success);
        let deleted = |view: &TaskView| {
            view.deletion
                .as_ref()
                .is_some_and(|d| d.state == DeletionState::Deleted)
        };
        let was_deleted = previous.as_ref().is_some_and(|entry| deleted(&entry.view));
        let clusters_changed = (!was_on_azure && on_azure(&view))
            || (!had_succeeded && view.status == TaskStatus::Success)
            || (!was_deleted && deleted(&view));
        provisioning.followed.try_update(|followed| {
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
            provisioning
                .clusters_version
                .try_update(|version| *version += 1);
        }
    }
}
