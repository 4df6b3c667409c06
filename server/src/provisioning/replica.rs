//! The work this replica holds: the leases on running creates and deletions ([`crate::store`]'s
//! leases), kept alive by a sweep, taken over from replicas that died, and handed back at a
//! drain.
//!
//! Every [`WorkerSettings::sweep_interval`] the sweep renews this replica's leases in one
//! statement and compares the answer with the tasks it runs:
//! - a task whose lease is missing from the answer lost it (this replica hung past the lease
//!   time and another took the job over): it is halted, writing nothing more;
//! - a lease with no task here (its task stopped on a database failure, or the process that
//!   started it was replaced by this one in a test) gets its task again;
//! - a lease whose create has a cancel request gets its worker signalled, so a cancel answered
//!   by another replica reaches the worker even without a notification;
//!
//! then takes over the rows no live replica holds (free, or expired). At start-up the same
//! happens once, and on SQLite, whose database has this one process, every lease a previous
//! process left is taken over at once instead of after it expires.

use super::Provisioning;
use crate::metrics::metrics;
use crate::store::{HeldLease, JobRecord, StoreError, Takeover};
use std::collections::HashSet;

/// The most rows one sweep takes over, so a replica that starts beside many orphans spreads them
/// over a few sweeps (and over the other replicas sweeping too).
const TAKEOVER_BATCH: i64 = 100;

/// What a resume or a sweep started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Resumed {
    /// Create workers started (the job's lease was taken over, or held without a worker here).
    pub jobs: usize,
    /// Deletion tasks started.
    pub deletions: usize,
    /// Of those, how many were taken over from another holder (for the metrics and logs).
    pub taken_over: usize,
}

impl Provisioning {
    /// Starts a task for every create and deletion that needs one and no live replica runs:
    /// at start-up, and at every sweep.
    pub async fn resume(&self) -> Result<Resumed, StoreError> {
        let takeover = if self.inner.store.is_embedded() {
            Takeover::Everything
        } else {
            Takeover::Expired
        };
        self.attend(takeover).await
    }

    /// Starts the sweep ([`Provisioning::attend`] every [`WorkerSettings::sweep_interval`], and
    /// at once after [`Provisioning::sweep_now`]), until the runtime stops.
    ///
    /// [`WorkerSettings::sweep_interval`]: super::WorkerSettings
    pub fn keep_watch(&self) {
        let provisioning = self.clone();
        let interval = self.inner.settings.sweep_interval;
        tokio::spawn(async move {
            let mut ticks =
                tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticks.tick() => {}
                    () = provisioning.inner.sweep_now.notified() => {}
                }
                if provisioning.inner.is_draining() {
                    return;
                }
                match provisioning.attend(Takeover::Expired).await {
                    Ok(resumed) if resumed == Resumed::default() => {}
                    Ok(resumed) => tracing::warn!(
                        jobs = resumed.jobs,
                        deletions = resumed.deletions,
                        taken_over = resumed.taken_over,
                        "sweep re-attached work"
                    ),
                    Err(error) => {
                        tracing::warn!(%error, "sweep cannot reach the database; trying again later");
                        provisioning.halt_before_expiry();
                    }
                }
            }
        });
    }

    /// Signals the worker of job `job_id`, when this replica runs it, that a cancel was
    /// recorded (another replica answered it).
    pub fn deliver_cancel(&self, job_id: &str) {
        if self.inner.workers.signal(job_id) {
            tracing::info!(%job_id, "cancel recorded elsewhere delivered to the worker");
        }
    }

    /// Runs the sweep now rather than at its next tick: work was handed back, or notices may
    /// have been missed.
    pub fn sweep_now(&self) {
        self.inner.sweep_now.notify_one();
    }

    /// Halts every task when the leases were last renewed so long ago that they are about to
    /// expire (the database is out of reach): another replica may take them over soon, and a
    /// task that goes on would act on Azure for a job that is no longer this replica's.
    fn halt_before_expiry(&self) {
        let settings = &self.inner.settings;
        let since = self
            .inner
            .last_renewal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .elapsed();
        if since + settings.sweep_interval >= settings.lease_ttl {
            let halted = self.inner.workers.halt_all() + self.inner.deletions.halt_all();
            if halted > 0 {
                tracing::warn!(
                    halted,
                    "leases not renewed for too long: halting their tasks"
                );
                metrics().lease_lost();
            }
        }
    }

    /// Stops every task of this replica and hands their leases back at once, so other replicas
    /// take the work over at their next sweep rather than after the leases expire (a drain).
    /// From then on this replica takes and starts nothing (a sweep under way is waited for);
    /// calling it again hands back what was written since (a create answered during the
    /// shutdown). Answers how many leases were handed back.
    pub async fn hand_back(&self) -> Result<u64, StoreError> {
        self.inner
            .draining
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let _no_sweep = self.inner.sweeping.lock().await;
        let halted = self.inner.workers.halt_all() + self.inner.deletions.halt_all();
        let released = self.inner.store.release_leases().await?;
        tracing::info!(halted, released, "handed this replica's work back");
        Ok(released)
    }

    /// One sweep: renew, halt what was lost, re-attach what is held without a task, deliver
    /// cancels, take over orphans.
    async fn attend(&self, takeover: Takeover) -> Result<Resumed, StoreError> {
        let _sweep = self.inner.sweeping.lock().await;
        if self.inner.is_draining() {
            return Ok(Resumed::default());
        }
        // The tasks running before the renewal: a task started after it (a create just
        // inserted with its lease) is not in the answer and must not be taken for lost.
        let running = [self.inner.workers.job_ids(), self.inner.deletions.job_ids()];
        let held = self.inner.store.renew_leases().await?;
        *self
            .inner
            .last_renewal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = std::time::Instant::now();
        self.halt_lost(running, &held);
        let mut resumed = Resumed::default();
        for lease in &held {
            if lease.cancel_requested {
                self.inner.workers.signal(&lease.job_id);
            }
            if self.runs(&lease.job_id) {
                continue;
            }
            match self.inner.store.job_by_id(&lease.job_id).await? {
                Some(job) if job.lease_fence == lease.fence => self.start_task(job, &mut resumed),
                // Changed hands or ended since the renewal: nothing to do here.
                _ => {}
            }
        }
        for job in self
            .inner
            .store
            .acquire_orphans(TAKEOVER_BATCH, takeover)
            .await?
        {
            // A fence above one: the row was leased before (by a replica that died or handed
            // it back), not just inserted.
            if job.lease_fence > 1 {
                resumed.taken_over += 1;
            }
            tracing::info!(
                job_id = %job.job_id,
                phase = job.phase.as_str(),
                fence = job.lease_fence,
                "took the job's lease"
            );
            self.start_task(job, &mut resumed);
        }
        metrics().taken_over(resumed.taken_over);
        Ok(resumed)
    }

    /// Halts the `running` tasks (workers, deletions) whose job is not among `held`.
    fn halt_lost(&self, running: [Vec<String>; 2], held: &[HeldLease]) {
        let held: HashSet<&str> = held.iter().map(|lease| lease.job_id.as_str()).collect();
        let claims = [&self.inner.workers, &self.inner.deletions];
        for (claims, running) in claims.into_iter().zip(running) {
            for job_id in running {
                if !held.contains(job_id.as_str()) {
                    tracing::warn!(%job_id, "lease lost: another replica works on the job now");
                    metrics().lease_lost();
                    claims.halt(&job_id);
                }
            }
        }
    }

    /// Whether a task of this replica runs `job_id`.
    fn runs(&self, job_id: &str) -> bool {
        self.inner.workers.holds(job_id) || self.inner.deletions.holds(job_id)
    }

    /// Starts the task `job` (leased by this replica) needs: its worker while it runs, the
    /// deletion of its partial cluster when one runs.
    fn start_task(&self, job: JobRecord, resumed: &mut Resumed) {
        if job.finished_at_ms.is_none() {
            if self.spawn(job) {
                resumed.jobs += 1;
            }
        } else if self.spawn_deletion(job) {
            resumed.deletions += 1;
        }
    }
}
