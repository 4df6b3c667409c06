//! The caller's provisioning jobs as the dashboard follows them, shared by the banners, the
//! create modal's live panel, the Stop and Delete controls, the clusters card and the
//! last-failure memory.
//!
//! The list starts from the caller's running tasks, read by a blocking resource so the server
//! renders the banners into the first HTML after a reload. Tasks the create modal starts join it
//! ([`JobTracking::follow`]), and polling replaces each task's [`TaskView`] with the newest one.
//!
//! This context knows nothing of the create modal: the modal's state
//! ([`crate::contexts::create_modal`]) holds a copy of this handle and tells it what to follow
//! and dismiss, and the banners pass the modal's task to [`JobTracking::banner_task_ids`] so
//! that task shows in the modal rather than as a banner.
//!
//! Polling and the local elapsed-time clock run in the browser only (the `polling` module): they
//! start from an Effect, so after hydration, and the server and the first client render show the
//! same numbers. They run while any task is unfinished and stop when none is.

#[cfg(feature = "hydrate")]
mod polling;

use crate::api::provision::list_running_tasks::list_running_tasks;
use crate::error::AppError;
use leptos::prelude::*;
use shared::cluster::ClusterSummary;
use shared::cluster_state::{FollowedJob, ShownClusterState, job_creates, shown_cluster_state};
use shared::page_title::dashboard_title;
use shared::progress::{ProvisionAccepted, ProvisionProgress, TaskStatus, TaskView};
use shared::provision::ProvisionRequest;

/// A followed task and the clock tick at which its elapsed numbers last changed.
#[derive(Clone, Debug, PartialEq)]
struct Followed {
    view: TaskView,
    read_at: u64,
}

/// Handle on the followed jobs (cheap to copy; every field is a reactive handle).
#[derive(Clone, Copy)]
pub struct JobTracking {
    /// The caller's running tasks when the page was rendered.
    running: Resource<Result<Vec<TaskView>, AppError>>,
    /// Newer views from polling, and tasks started since the page was rendered.
    followed: RwSignal<Vec<Followed>>,
    /// Tasks the user dismissed (or that vanished); never shown again on this page.
    dismissed: RwSignal<Vec<String>>,
    /// Seconds counted in the browser while a task runs, so elapsed times move between polls.
    tick: RwSignal<u64>,
    /// Bumped when a new cluster appears on Azure or a job succeeds: the clusters card refetches.
    clusters_version: RwSignal<u32>,
    /// Tasks whose owner asked to stop them here, until they report their end.
    cancel_requested: RwSignal<Vec<String>>,
}

/// Creates the job tracking for a page, provides it as context and returns it. In the browser
/// it starts polling whenever a followed task is unfinished.
pub fn provide_job_tracking() -> JobTracking {
    let jobs = JobTracking {
        running: Resource::new_blocking(|| (), |_| list_running_tasks()),
        followed: RwSignal::new(Vec::new()),
        dismissed: RwSignal::new(Vec::new()),
        tick: RwSignal::new(0),
        clusters_version: RwSignal::new(0),
        cancel_requested: RwSignal::new(Vec::new()),
    };
    provide_context(jobs);
    #[cfg(feature = "hydrate")]
    polling::start(jobs);
    jobs
}

/// The page's job tracking, if the page provided one.
pub fn use_job_tracking() -> Option<JobTracking> {
    use_context::<JobTracking>()
}

impl JobTracking {
    /// Waits for the running tasks the page started with (the banners' first render).
    pub async fn loaded(self) -> Result<(), AppError> {
        self.running.await.map(|_| ())
    }

    /// Ids of the tasks shown as banners, oldest first: every followed task but `modal_task`,
    /// the one the create modal shows.
    pub fn banner_task_ids(&self, modal_task: Option<String>) -> Vec<String> {
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

    /// The newest view of a task, without subscribing to it.
    pub fn task_untracked(&self, task_id: &str) -> Option<TaskView> {
        self.entries_untracked()
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
            owner_must_sign_in: false,
            stopped_by: None,
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

    /// The state a clusters-table row shows for `cluster`, listed in `subscription_id`: what
    /// the newest followed job that creates it knows, else the listing's (see
    /// [`shared::cluster_state`]).
    pub fn shown_cluster_state(
        &self,
        subscription_id: &str,
        cluster: &ClusterSummary,
    ) -> ShownClusterState {
        let job = self
            .entries()
            .into_iter()
            .rev()
            .find(|entry| job_creates(&entry.view, subscription_id, cluster));
        let cancel_pending = job
            .as_ref()
            .is_some_and(|entry| self.cancel_pending(&entry.view.task_id));
        shown_cluster_state(
            cluster,
            job.as_ref().map(|entry| FollowedJob {
                view: &entry.view,
                cancel_pending,
            }),
        )
    }

    /// The tab's title: the product's name, led by the first running create's progress.
    pub fn page_title(&self) -> String {
        let stopping = self.cancel_requested.get();
        dashboard_title(&self.views(), |id| stopping.iter().any(|asked| asked == id))
    }

    /// The newest views of every followed task, oldest first.
    pub fn views(&self) -> Vec<TaskView> {
        self.entries().into_iter().map(|entry| entry.view).collect()
    }

    /// Ids of the tasks whose owner asked here to stop them.
    pub fn stop_requests(&self) -> Vec<String> {
        self.cancel_requested.get()
    }

    /// Follows the running tasks among `views` that the page does not know yet (started in
    /// another tab or on another device since it loaded), as a reload would: they get their
    /// banners and count as running.
    pub fn follow_running(&self, views: impl IntoIterator<Item = TaskView>) {
        for view in views {
            let known = self.task_untracked(&view.task_id).is_some()
                || self
                    .dismissed
                    .with_untracked(|dismissed| dismissed.contains(&view.task_id));
            if !known && !view.status.is_finished() {
                self.update_view(view);
            }
        }
    }

    /// Shows `view` on the page again (its banner or card), also after a Dismiss.
    pub fn show(&self, view: TaskView) {
        let task_id = view.task_id.clone();
        self.dismissed
            .update(|dismissed| dismissed.retain(|id| *id != task_id));
        self.update_view(view);
    }

    /// Changes whenever the clusters list should be read again.
    pub fn clusters_version(&self) -> Signal<u32> {
        self.clusters_version.into()
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
