//! The create modal's live pre-flight (docs/PRODUCT.md §3): every edit of a field the checks read
//! starts a new check after a 500 ms pause (gloo-timers); only the newest check may render, so
//! an answer that arrives after a later edit is dropped. The first check that fails on quota
//! with a workable fit applies it while the user has not chosen a worker count.

use super::form::{CreateForm, field};
use crate::api::provision::run_preflight::run_preflight;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::preflight::PreflightReport;
use shared::preflight_advice::{SubmitReadiness, automatic_worker_count, worker_count_fix};
use shared::provision::ProvisionRequest;

/// The pre-flight's state, shared by the rows and the submit button (cheap to copy).
#[derive(Clone, Copy)]
pub struct LivePreflight {
    /// The newest answer; kept (dimmed) while the next check runs.
    pub report: RwSignal<Option<PreflightReport>>,
    /// A check is waiting for its pause or for the server.
    pub checking: RwSignal<bool>,
    /// Why the newest check could not run (the server decides on submit then).
    pub failure: RwSignal<Option<String>>,
    /// Counts the checks started; an answer for an older one is stale.
    generation: StoredValue<u64>,
    /// The smart default acted already (it acts once per opened modal).
    applied_automatically: StoredValue<bool>,
}

impl LivePreflight {
    /// What the submit button offers.
    pub fn readiness(&self) -> SubmitReadiness {
        self.report
            .with(|report| SubmitReadiness::of(self.checking.get(), report.as_ref()))
    }

    /// The count "Apply N nodes" offers for the form's worker count, if lowering it is the fix.
    pub fn worker_count_fix(&self, form: CreateForm) -> Option<i64> {
        let requested = i64::from(form.worker_nodes());
        self.report
            .with(|report| report.as_ref().and_then(|r| worker_count_fix(r, requested)))
    }

    /// Shows the rows the server answered a submit with (422): they replace any older check.
    pub fn show_server_answer(&self, report: PreflightReport) {
        self.generation.update_value(|g| *g += 1);
        self.checking.set(false);
        self.failure.set(None);
        self.report.set(Some(report));
    }

    /// Applies a worker count the user chose from "Apply N nodes".
    pub fn apply(&self, form: CreateForm, nodes: i64) {
        form.node_count.set(nodes.to_string());
        form.touch(field::WORKER_NODE_COUNT);
    }
}

/// Starts watching `form`: a check on open, then one after every pause in editing.
pub fn watch(form: CreateForm) -> LivePreflight {
    let live = LivePreflight {
        report: RwSignal::new(None),
        checking: RwSignal::new(false),
        failure: RwSignal::new(None),
        generation: StoredValue::new(0),
        applied_automatically: StoredValue::new(false),
    };
    // A memo, so edits that leave the checked request equal (the name, a retyped value) start
    // nothing.
    let draft = Memo::new(move |_| form.preflight_request());
    Effect::new(move |_| {
        let draft = draft.get();
        live.generation.update_value(|g| *g += 1);
        let generation = live.generation.get_value();
        match draft {
            None => {
                live.checking.set(false);
                live.report.set(None);
                live.failure.set(None);
            }
            Some(request) => {
                live.checking.set(true);
                spawn_local(check_after_pause(live, form, request, generation));
            }
        }
    });
    live
}

/// Waits for the pause, runs the check, and renders its answer if it is still the newest.
async fn check_after_pause(
    live: LivePreflight,
    form: CreateForm,
    request: ProvisionRequest,
    generation: u64,
) {
    // The modal may close while the check waits: then the stored values are gone.
    let newest = move || live.generation.try_get_value() == Some(generation);
    pause().await;
    if !newest() {
        return;
    }
    let requested = i64::from(request.node_count);
    let answer = run_preflight(request).await;
    if !newest() {
        return;
    }
    live.checking.set(false);
    match answer {
        Ok(report) => {
            let automatic = automatic_worker_count(
                &report,
                requested,
                form.is_touched(field::WORKER_NODE_COUNT),
                live.applied_automatically.get_value(),
            );
            live.failure.set(None);
            live.report.set(Some(report));
            if let Some(nodes) = automatic {
                live.applied_automatically.set_value(true);
                form.node_count.set(nodes.to_string());
            }
        }
        Err(error) => {
            live.report.set(None);
            live.failure.set(Some(error.to_string()));
        }
    }
}

/// The pause editing must take before a check starts. Effects run only in the browser, so the
/// server build never waits here.
async fn pause() {
    #[cfg(feature = "hydrate")]
    {
        /// How long, in milliseconds.
        const DEBOUNCE_MS: u32 = 500;
        gloo_timers::future::TimeoutFuture::new(DEBOUNCE_MS).await;
    }
}
