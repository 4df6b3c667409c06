//! The create modal's page-wide state: whether it is open, the settings "Edit & retry" opens it
//! with, the task it shows in its live panel, and the "Create cluster" button focus returns to.
//! Shared by the button, the modal, the banners and the "Last attempt failed" card (both open
//! the modal to retry).
//!
//! The modal shows its own task until Azure accepted the create; every other task shows as a
//! banner. The tasks themselves are followed by [`crate::contexts::job_tracking`], which this
//! state is handed when it is provided: it looks its task up there and dismisses the tasks it
//! drops. Job tracking never reads this state; the banners pass it the modal's task instead.

use crate::contexts::job_tracking::JobTracking;
use leptos::html;
use leptos::prelude::*;
use shared::error_card::RetryDraft;
use shared::progress::{TaskStatus, TaskView};
use shared::provision::RequestChanges;

/// Handle on the create modal's state (cheap to copy; every field is a reactive handle).
#[derive(Clone, Copy)]
pub struct CreateModalState {
    /// The followed jobs, where the modal's task lives.
    jobs: JobTracking,
    /// The task the open modal shows in its live panel, until it hands it to the banner.
    task: RwSignal<Option<String>>,
    open: RwSignal<bool>,
    /// The "Create cluster" button, which gets focus back when the modal closes.
    trigger: NodeRef<html::Button>,
    /// What "Edit & retry" (or a one-click "Retry with …") hands to the modal it opens.
    retry: RwSignal<Option<Retry>>,
}

/// What a retry opens the modal with: the failed attempt's settings, and for a one-click
/// "Retry with …" the changes to make to them.
#[derive(Clone, Debug)]
pub struct Retry {
    /// The failed attempt's settings.
    pub draft: RetryDraft,
    /// The suggestion's changes; `None` for "Edit & retry".
    pub changes: Option<RequestChanges>,
}

/// Creates the create modal's state for a page (closed), provides it as context and returns it.
/// `jobs` is the page's job tracking, which follows the task the modal starts.
pub fn provide_create_modal(jobs: JobTracking) -> CreateModalState {
    let modal = CreateModalState {
        jobs,
        task: RwSignal::new(None),
        open: RwSignal::new(false),
        trigger: NodeRef::new(),
        retry: RwSignal::new(None),
    };
    provide_context(modal);
    modal
}

/// The page's create modal state, if the page provided one.
pub fn use_create_modal() -> Option<CreateModalState> {
    use_context::<CreateModalState>()
}

impl CreateModalState {
    /// Whether the create modal is open.
    pub fn is_open(&self) -> bool {
        self.open.get()
    }

    /// Opens the create modal.
    pub fn open(&self) {
        self.open.set(true);
    }

    /// Opens the create modal filled with a failed attempt's settings ("Edit & retry").
    pub fn open_with(&self, draft: RetryDraft) {
        self.retry.set(Some(Retry {
            draft,
            changes: None,
        }));
        self.open.set(true);
    }

    /// Opens the create modal filled with a failed attempt's settings and a suggestion's
    /// changes made to them ("Retry with Standard_D8as_v5"): the user reviews and creates.
    pub fn open_with_changes(&self, draft: RetryDraft, changes: RequestChanges) {
        self.retry.set(Some(Retry {
            draft,
            changes: Some(changes),
        }));
        self.open.set(true);
    }

    /// What the modal was opened with, once (the modal reads it as it opens).
    pub fn take_retry(&self) -> Option<Retry> {
        self.retry.try_update(Option::take).flatten()
    }

    /// Drops the modal's failed task (its card was dismissed or the user is editing to retry):
    /// the form is the user's again.
    pub fn forget_task(&self) {
        if let Some(task_id) = self.task.get_untracked() {
            self.jobs.dismiss(&task_id);
            self.task.set(None);
        }
    }

    /// Closes the create modal. Its task, if still running, becomes a banner; a failed one was
    /// already shown in the modal and is dropped. Focus returns to the "Create cluster" button.
    pub fn close(&self) {
        if let Some(task_id) = self.task.get_untracked() {
            let failed = self.jobs.task_untracked(&task_id).is_some_and(|task| {
                matches!(task.status, TaskStatus::Failure | TaskStatus::Revoked)
            });
            if failed {
                self.jobs.dismiss(&task_id);
            }
            self.task.set(None);
        }
        self.open.set(false);
        if let Some(button) = self.trigger.get_untracked() {
            // Focus is a convenience; a browser that refuses it leaves focus where it was.
            let _ = button.focus();
        }
    }

    /// The id of the task the modal shows, if any (the banners leave it out).
    pub fn task_id(&self) -> Option<String> {
        self.task.get()
    }

    /// The newest view of the task the modal shows, if any.
    pub fn task(&self) -> Option<TaskView> {
        let task_id = self.task.get()?;
        self.jobs.task(&task_id)
    }

    /// Seconds counted locally for the modal's task.
    pub fn extra_seconds(&self) -> i64 {
        self.task
            .get()
            .map_or(0, |task_id| self.jobs.extra_seconds(&task_id))
    }

    /// Makes `task_id` the modal's task (a new submit); a previous, failed one is dropped.
    pub fn set_task(&self, task_id: &str) {
        if let Some(previous) = self.task.get_untracked()
            && previous != task_id
        {
            self.jobs.dismiss(&previous);
        }
        self.task.set(Some(task_id.to_owned()));
    }

    /// The node the "Create cluster" button binds, so focus can return to it.
    pub fn trigger(&self) -> NodeRef<html::Button> {
        self.trigger
    }
}
