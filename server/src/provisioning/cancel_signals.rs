//! Which jobs have a worker in this process, and the signal that tells each one to stop.
//!
//! The cancel route records the cancel in the job row first (durable, survives a restart) and
//! then fires the job's signal here, so a worker sleeping until its next `Retry-After`, or
//! waiting on an ARM read, wakes at once instead of at its next poll. The registry also keeps
//! one worker per job: a second [`CancelSignals::register`] for a job that has one is refused.
//!
//! The signal is `tokio_util::sync::CancellationToken` rather than something written here: it
//! is level-triggered (a cancel fired before the worker starts waiting is still seen, which a
//! `tokio::sync::Notify` would lose), its `cancelled()` future is cancel-safe inside
//! `tokio::select!`, clones share one state, and it is maintained with tokio itself (tokio-util
//! is already in the dependency tree through h2, reqwest and tower-http).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio_util::sync::CancellationToken;

/// The running workers of this process, by job id.
#[derive(Clone, Default)]
pub(super) struct CancelSignals {
    workers: Arc<Mutex<HashMap<String, CancellationToken>>>,
}

impl CancelSignals {
    /// Registers a worker for `job_id`; `None` when one is registered already.
    pub(super) fn register(&self, job_id: &str) -> Option<WorkerRegistration> {
        let mut workers = self.lock();
        if workers.contains_key(job_id) {
            return None;
        }
        let token = CancellationToken::new();
        workers.insert(job_id.to_owned(), token.clone());
        Some(WorkerRegistration {
            job_id: job_id.to_owned(),
            token,
            signals: self.clone(),
        })
    }

    /// Tells the worker of `job_id` to stop; false when no worker of this process runs it.
    pub(super) fn signal(&self, job_id: &str) -> bool {
        match self.lock().get(job_id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, CancellationToken>> {
        // The map stays consistent whatever a panicking holder was doing (one insert or remove).
        self.workers.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A worker's place in the registry. The worker task holds it for its whole life; dropping it
/// (when the task ends, even by a panic) frees the job for another worker.
pub(super) struct WorkerRegistration {
    job_id: String,
    token: CancellationToken,
    signals: CancelSignals,
}

impl WorkerRegistration {
    /// The worker's stop signal.
    pub(super) fn token(&self) -> CancellationToken {
        self.token.clone()
    }
}

impl Drop for WorkerRegistration {
    fn drop(&mut self) {
        self.signals.lock().remove(&self.job_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_worker_per_job_and_a_signal_reaches_it() {
        let signals = CancelSignals::default();
        let worker = signals.register("job-1").expect("first worker");
        assert!(
            signals.register("job-1").is_none(),
            "a second worker is refused"
        );
        assert!(!signals.signal("job-2"), "no worker runs job-2");
        let token = worker.token();
        assert!(!token.is_cancelled());
        assert!(signals.signal("job-1"));
        assert!(
            token.is_cancelled(),
            "seen even by a worker not yet waiting"
        );
        assert!(signals.signal("job-1"), "a second signal is harmless");
    }

    #[test]
    fn a_finished_worker_frees_its_job() {
        let signals = CancelSignals::default();
        drop(signals.register("job-1").expect("worker"));
        assert!(!signals.signal("job-1"), "gone with its worker");
        let again = signals.register("job-1").expect("a new worker may start");
        assert!(!again.token().is_cancelled(), "with a fresh signal");
    }
}
