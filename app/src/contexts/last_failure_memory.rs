//! "Last attempt failed" (docs/PRODUCT.md §7): the caller's last failed create, remembered across
//! reloads, tabs and devices.
//!
//! Three sources, one rule (`shared::last_failure::merge`):
//! - the server's history, read by a blocking resource so the first HTML holds the card (no
//!   flash, no wait for WASM, and it works with JavaScript off);
//! - the browser's slot (`elb_last_failed_provision_v1`), merged in after hydration: the newer
//!   record wins, nothing older than the last success or the last dismissed failure shows, and
//!   a slot the server says was dismissed elsewhere is pruned;
//! - this page's own jobs (the [`JobTracking`] handed to [`provide_last_failure_memory`]): a
//!   FAILURE is saved to the slot, a SUCCESS clears it, and the `storage` event brings either
//!   (or a Dismiss) from another tab without a reload.
//!
//! The slot mirrors what the card shows, so a Dismiss in one tab (which empties it) reaches the
//! others. It belongs to the signed-in caller (read with the `current_caller` server function
//! after hydration): another person's slot on the same browser is pruned unseen, and nothing is
//! saved or read until the caller is known. A cancelled create is never a failure
//! (`LastFailure::from_task` refuses it).

use crate::api::provision::dismiss_failed_provision::DismissFailedProvision;
use crate::api::provision::recent_failed_provisions::recent_failed_provisions;
use crate::contexts::job_tracking::JobTracking;
use crate::error::AppError;
use leptos::prelude::*;
use shared::last_failure::{LastFailure, RecentFailures, merge};
use shared::progress::{TaskStatus, TaskView};

/// Handle on the remembered failure (cheap to copy).
#[derive(Clone, Copy)]
pub struct LastFailureMemory {
    /// The caller's history when the page was rendered.
    server: Resource<Result<RecentFailures, AppError>>,
    /// What the browser decided since hydration (the slot merged in, a failure or success on
    /// this page, a Dismiss, another tab); `None` until then, when the server's answer shows.
    local: RwSignal<Option<Option<LastFailure>>>,
    /// Records a Dismiss on the server, so no other device brings the failure back.
    dismiss_on_server: ServerAction<DismissFailedProvision>,
}

/// Creates the memory for a page, provides it as context and returns it. In the browser it
/// starts following the slot, the page's jobs and other tabs.
pub fn provide_last_failure_memory(jobs: JobTracking) -> LastFailureMemory {
    let memory = LastFailureMemory {
        server: Resource::new_blocking(|| (), |_| recent_failed_provisions()),
        local: RwSignal::new(None),
        dismiss_on_server: ServerAction::new(),
    };
    provide_context(memory);
    #[cfg(feature = "hydrate")]
    client::start(memory, jobs);
    #[cfg(not(feature = "hydrate"))]
    let _ = jobs;
    memory
}

/// The page's memory, if the page provided one.
pub fn use_last_failure_memory() -> Option<LastFailureMemory> {
    use_context::<LastFailureMemory>()
}

impl LastFailureMemory {
    /// Waits for the server's history (the card's first render).
    pub async fn loaded(self) {
        let _ = self.server.await;
    }

    /// The failure the card shows, if any.
    pub fn shown(&self) -> Option<LastFailure> {
        match self.local.get() {
            Some(local) => local,
            None => self.server_shown(),
        }
    }

    /// Dismisses the shown failure here, in other tabs and on the server.
    pub fn dismiss(&self) {
        let shown = self
            .local
            .get_untracked()
            .unwrap_or_else(|| self.server_shown());
        self.forget();
        if let Some(job_id) = shown.and_then(|record| record.job_id) {
            self.dismiss_on_server
                .dispatch(DismissFailedProvision { job_id });
        }
    }

    /// Dismisses the failure of `task` (a banner's or the modal's card was dismissed); a task
    /// that did not fail has no failure to dismiss.
    pub fn dismiss_if_failed(&self, task: &TaskView) {
        if task.status != TaskStatus::Failure {
            return;
        }
        let job_id = task.job_id.as_str();
        let shown = self
            .local
            .get_untracked()
            .unwrap_or_else(|| self.server_shown());
        if shown.is_some_and(|record| record.job_id.as_deref() == Some(job_id)) {
            self.forget();
        }
        self.dismiss_on_server.dispatch(DismissFailedProvision {
            job_id: job_id.to_owned(),
        });
    }

    /// Shows nothing and empties the slot (which tells the other tabs).
    fn forget(&self) {
        self.local.set(Some(None));
        #[cfg(feature = "hydrate")]
        crate::last_failure_slot::clear();
    }

    /// The server's answer alone (what the first HTML shows).
    fn server_shown(&self) -> Option<LastFailure> {
        self.server
            .get()
            .and_then(Result::ok)
            .and_then(|history| merge(&history, None).shown)
    }
}

/// The browser half: the slot, the page's jobs and the `storage` event.
#[cfg(feature = "hydrate")]
mod client {
    use super::LastFailureMemory;
    use crate::api::session::current_caller::current_caller;
    use crate::contexts::job_tracking::JobTracking;
    use crate::error::AppError;
    use crate::last_failure_slot as slot;
    use leptos::ev;
    use leptos::prelude::*;
    use shared::caller::Caller;
    use shared::last_failure::{LastFailure, RecentFailures, SLOT_KEY, merge};
    use shared::progress::TaskStatus;

    /// The signed-in caller, the slot's owner: read in the browser only (a `LocalResource`, so
    /// the server's resources and the browser's stay in step for hydration).
    type CallerRead = LocalResource<Result<Caller, AppError>>;

    /// The slot's owner: the signed-in caller's object id, once known.
    fn owner(caller: CallerRead) -> Option<String> {
        caller
            .get_untracked()
            .and_then(Result::ok)
            .map(|caller| caller.object_id)
    }

    pub(super) fn start(memory: LastFailureMemory, jobs: JobTracking) {
        let caller: CallerRead = LocalResource::new(current_caller);
        merge_slot_after_hydration(memory, caller);
        follow_page_jobs(memory, jobs, caller);
        follow_other_tabs(memory, caller);
    }

    /// Once the server's answer is there: the newer of it and the slot, the slot pruned if the
    /// server says it is over, and the slot set to what shows.
    fn merge_slot_after_hydration(memory: LastFailureMemory, caller: CallerRead) {
        Effect::new(move |_| {
            let (Some(answer), Some(caller)) = (memory.server.get(), caller.get()) else {
                return;
            };
            if memory.local.with_untracked(Option::is_some) {
                return;
            }
            let history = answer.unwrap_or_else(|_| RecentFailures::degraded());
            // Without a caller there is no owner: the slot is neither read nor written.
            let owner = caller.ok().map(|caller| caller.object_id);
            let stored = owner
                .as_deref()
                .and_then(|owner| slot::load(crate::clock::now_ms(), owner));
            let merged = merge(&history, stored.clone());
            match (&merged.shown, &owner) {
                (Some(record), Some(owner)) if stored.as_ref() != Some(record) => {
                    slot::save(record, owner);
                }
                (None, _) if merged.prune_slot => slot::clear(),
                _ => {}
            }
            memory.local.set(Some(merged.shown));
        });
    }

    /// A job of this page that fails is remembered; one that succeeds clears the memory.
    fn follow_page_jobs(memory: LastFailureMemory, jobs: JobTracking, caller: CallerRead) {
        let seen = StoredValue::new(Vec::<String>::new());
        Effect::new(move |_| {
            for view in jobs.finished_views() {
                if seen.with_value(|seen| seen.contains(&view.job_id)) {
                    continue;
                }
                seen.update_value(|seen| seen.push(view.job_id.clone()));
                match view.status {
                    TaskStatus::Failure => {
                        if let Some(record) = LastFailure::from_task(&view, crate::clock::now_ms())
                        {
                            if let Some(owner) = owner(caller) {
                                slot::save(&record, &owner);
                            }
                            memory.local.set(Some(Some(record)));
                        }
                    }
                    TaskStatus::Success => memory.forget(),
                    _ => {}
                }
            }
        });
    }

    /// Another tab saved, replaced or emptied the slot.
    fn follow_other_tabs(memory: LastFailureMemory, caller: CallerRead) {
        let listener = window_event_listener(ev::storage, move |event| {
            if event.key().as_deref() != Some(SLOT_KEY) {
                return;
            }
            let Some(owner) = owner(caller) else {
                return;
            };
            let record =
                slot::read_text(event.new_value().as_deref(), crate::clock::now_ms(), &owner);
            memory.local.set(Some(record));
        });
        on_cleanup(move || listener.remove());
    }
}
