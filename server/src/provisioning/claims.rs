//! Which jobs something in this process works on, and the signal that tells each one to stop.
//!
//! One registry shape serves both kinds of background work: the create workers (one registry)
//! and the deletions of partial clusters (another). A task claims its job before it starts and
//! holds the [`Claim`] for its whole life, so a job has at most one task of each kind; a second
//! [`Claims::claim`] for a held job is refused.
//!
//! The cancel route records the cancel in the job row first (durable, survives a restart) and
//! then fires the job's signal here, so a worker sleeping until its next `Retry-After`, or
//! waiting on an ARM read, wakes at once instead of at its next poll.
//!
//! A claim also carries a halt signal: the replica lost the job's lease (another replica took
//! it over) or hands it back at a drain. A halted task is dropped where it waits, exactly as if
//! its process had stopped there, and never takes the cancel path; the lease's next holder
//! resumes the job from its row.
//!
//! The signals are `tokio_util::sync::CancellationToken` rather than something written here: it
//! is level-triggered (a cancel fired before the worker starts waiting is still seen, which a
//! `tokio::sync::Notify` would lose), its `cancelled()` future is cancel-safe inside
//! `tokio::select!`, clones share one state, and it is maintained with tokio itself (tokio-util
//! is already in the dependency tree through h2, reqwest and tower-http).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio_util::sync::CancellationToken;

/// The claimed jobs of one kind of task in this process, by job id.
#[derive(Clone, Default)]
pub(super) struct Claims {
    held: Arc<Mutex<HashMap<String, Signals>>>,
}

/// The two signals of one claimed job.
#[derive(Clone, Default)]
struct Signals {
    /// Stop and take the cancel path.
    stop: CancellationToken,
    /// Stop where you are, writing nothing more.
    halt: CancellationToken,
}

impl Claims {
    /// Claims `job_id` for a new task; `None` when a task holds it already.
    pub(super) fn claim(&self, job_id: &str) -> Option<Claim> {
        let mut held = self.lock();
        if held.contains_key(job_id) {
            return None;
        }
        let signals = Signals::default();
        held.insert(job_id.to_owned(), signals.clone());
        Some(Claim {
            job_id: job_id.to_owned(),
            signals,
            claims: self.clone(),
        })
    }

    /// Tells the task holding `job_id` to stop; false when no task of this process holds it.
    pub(super) fn signal(&self, job_id: &str) -> bool {
        match self.lock().get(job_id) {
            Some(signals) => {
                signals.stop.cancel();
                true
            }
            None => false,
        }
    }

    /// Halts the task holding `job_id`, if any.
    pub(super) fn halt(&self, job_id: &str) {
        if let Some(signals) = self.lock().get(job_id) {
            signals.halt.cancel();
        }
    }

    /// Halts every task of this kind; answers how many.
    pub(super) fn halt_all(&self) -> usize {
        let held = self.lock();
        held.values().for_each(|signals| signals.halt.cancel());
        held.len()
    }

    /// Whether a task of this process holds `job_id`.
    pub(super) fn holds(&self, job_id: &str) -> bool {
        self.lock().contains_key(job_id)
    }

    /// The job ids held now.
    pub(super) fn job_ids(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Signals>> {
        // The map stays consistent whatever a panicking holder was doing (one insert or remove).
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A task's claim on its job. The task holds it for its whole life; dropping it (when the task
/// ends, even by a panic) frees the job for another task.
pub(super) struct Claim {
    job_id: String,
    signals: Signals,
    claims: Claims,
}

impl Claim {
    /// The task's stop signal (its cancel).
    pub(super) fn stop_signal(&self) -> CancellationToken {
        self.signals.stop.clone()
    }

    /// The task's halt signal (its lease is no longer this replica's).
    pub(super) fn halt_signal(&self) -> CancellationToken {
        self.signals.halt.clone()
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        self.claims.lock().remove(&self.job_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_worker_per_job_and_a_signal_reaches_it() {
        let signals = Claims::default();
        let worker = signals.claim("job-1").expect("first worker");
        assert!(
            signals.claim("job-1").is_none(),
            "a second worker is refused"
        );
        assert!(!signals.signal("job-2"), "no worker runs job-2");
        let token = worker.stop_signal();
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
        let signals = Claims::default();
        drop(signals.claim("job-1").expect("worker"));
        assert!(!signals.signal("job-1"), "gone with its worker");
        let again = signals.claim("job-1").expect("a new worker may start");
        assert!(!again.stop_signal().is_cancelled(), "with a fresh signal");
    }

    #[test]
    fn a_halt_is_not_a_stop() {
        let claims = Claims::default();
        let (one, two) = (claims.claim("a").expect("a"), claims.claim("b").expect("b"));
        claims.halt("a");
        assert!(one.halt_signal().is_cancelled());
        assert!(
            !one.stop_signal().is_cancelled(),
            "a halt takes no cancel path"
        );
        assert!(!two.halt_signal().is_cancelled(), "only the named job");
        let mut held = claims.job_ids();
        held.sort();
        assert_eq!(held, ["a", "b"]);
        assert_eq!(claims.halt_all(), 2);
        assert!(two.halt_signal().is_cancelled());
        assert!(claims.holds("b"));
        drop(two);
        assert!(!claims.holds("b"));
    }

    #[test]
    fn one_task_per_deletion() {
        let tasks = Claims::default();
        let claim = tasks.claim("j").expect("first");
        assert!(tasks.claim("j").is_none(), "a second task is refused");
        drop(claim);
        assert!(tasks.claim("j").is_some(), "free again once the task ended");
    }
}
