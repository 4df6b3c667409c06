//! The one follower of an Azure long-running operation on a managed cluster, used by the create
//! worker and by the deletion of a partial cluster.
//!
//! It owns every rule of following (docs/ARM_FACTS.md §1 "ARM generic LRO rules" and §8):
//! - **pacing**: wait ARM's `Retry-After` between reads; when a read sends none, keep the last
//!   interval, or the default (azure_core's 30 s) when ARM never gave one; never sleep longer
//!   than [`MAX_WAIT`] at once;
//! - **transient failures**: a failed read (after the ARM client's own retries) backs off,
//!   doubling up to [`MAX_WAIT`], and after too many in a row the follow ends unreadable;
//! - **the 404 fallback**: ARM keeps an operation's status resource for a limited time; when it
//!   answers 404 the cluster itself tells the truth, so the follow goes on reading the cluster
//!   (likewise when the operation URL is off the ARM endpoint and the client refuses it);
//!   likewise when a read carries no status ([`OperationState::Unknown`]), which never counts as
//!   a success: the cluster's own provisioningState decides (docs/ARM_FACTS.md §1);
//! - **the deadline**: on the wall clock, so time the process spent stopped counts;
//! - **the stop signal**: every sleep and read races it, so a cancel wakes the follow at once;
//! - **ownership**: a cluster read by name that does not carry the job's mark is not the job's
//!   ([`ownership`](super::ownership)): for the follow it is absent.
//!
//! What the caller learns on the way (to save progress) comes through an [`Observer`]; what the
//! end means (a created cluster, a deleted one, a failure) is the caller's to say from [`Ended`].

use super::now_ms;
use super::ownership::OwnershipMark;
use crate::arm::models::ManagedCluster;
use crate::arm::{ArmClient, ArmClientError, OperationHandle, OperationPoll};
use crate::store::JobRecord;
use shared::operation_status::OperationState;
use std::future::Future;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Longest single wait between two reads, and the ceiling of the failure backoff.
pub(super) const MAX_WAIT: Duration = Duration::from_secs(300);

/// What the follow waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Goal {
    /// A create: the cluster moves until its provisioningState is terminal; the cluster is read
    /// after every operation read, for the progress it shows.
    Create,
    /// A delete: the cluster is `Deleting` until it is gone.
    Delete,
}

/// What the follow reads to learn how the operation goes.
#[derive(Clone, Debug)]
pub(super) enum Track {
    /// The operation's status URL.
    Operation(OperationHandle),
    /// The cluster itself (no operation is known, or ARM forgot it).
    Cluster,
}

/// How the operation ended, as far as Azure tells.
#[derive(Debug)]
pub(super) enum Ended {
    /// The operation succeeded, with the cluster as read after it (creates only), or the
    /// cluster reached the goal (a created cluster `Succeeded`).
    Succeeded(Option<ManagedCluster>),
    /// The operation reached Failed or Canceled.
    OperationFailed(OperationPoll),
    /// Followed by the cluster, it stopped short of the goal in this state.
    ClusterSettled(ManagedCluster),
    /// The job's cluster is not there (nothing, or a cluster that is not the job's).
    Vanished,
}

/// Why a follow stopped before the operation ended.
#[derive(Debug)]
pub(super) enum Interrupted {
    /// The stop signal fired.
    Stopped,
    /// The deadline passed; the limit it had.
    TimedOut(Duration),
    /// Too many reads in a row failed; the last failure.
    Unreadable(ArmClientError),
}

/// What the caller does with each read. Every method may stop the follow with the caller's own
/// reason (a save refused because the job was cancelled, say).
pub(super) trait Observer {
    /// The caller's reason to stop; an interruption of the follow converts into it.
    type Stop: From<Interrupted>;

    /// An operation read, and the cluster read after it (for [`Goal::Create`]).
    async fn operation_read(
        &mut self,
        _poll: &OperationPoll,
        _cluster: Option<&ManagedCluster>,
    ) -> Result<(), Self::Stop> {
        Ok(())
    }

    /// A cluster read while following the cluster.
    async fn cluster_read(&mut self, _cluster: &ManagedCluster) -> Result<(), Self::Stop> {
        Ok(())
    }

    /// A read failed and will be retried (`failures` in a row so far).
    async fn read_failed(&mut self, _failures: u32) -> Result<(), Self::Stop> {
        Ok(())
    }
}

/// How patient a follow is.
#[derive(Clone, Copy, Debug)]
pub(super) struct Pacing {
    /// The wait when ARM never sent a `Retry-After`.
    pub default_interval: Duration,
    /// Failed reads in a row that end the follow.
    pub max_failures: u32,
}

/// A wall-clock deadline.
#[derive(Clone, Copy, Debug)]
pub(super) struct Deadline {
    at_ms: i64,
    limit: Duration,
}

impl Deadline {
    /// `limit` after `started_at_ms` (epoch milliseconds).
    pub(super) fn after(started_at_ms: i64, limit: Duration) -> Self {
        let limit_ms = i64::try_from(limit.as_millis()).unwrap_or(i64::MAX);
        Self {
            at_ms: started_at_ms.saturating_add(limit_ms),
            limit,
        }
    }
}

/// Follows one cluster's operation; see the module documentation.
pub(super) struct Follower {
    arm: ArmClient,
    job: JobRecord,
    mark: OwnershipMark,
    goal: Goal,
    pacing: Pacing,
    stop: CancellationToken,
    deadline: Deadline,
    wait: Duration,
    failures: u32,
}

impl Follower {
    /// A follower of `job`'s own cluster.
    pub(super) fn new(
        arm: ArmClient,
        job: &JobRecord,
        goal: Goal,
        pacing: Pacing,
        stop: CancellationToken,
        deadline: Deadline,
    ) -> Self {
        Self {
            arm,
            mark: OwnershipMark::of(job),
            job: job.clone(),
            goal,
            pacing,
            stop,
            deadline,
            wait: Duration::ZERO,
            failures: 0,
        }
    }

    /// Follows `track`, first waiting `first_wait`, until the operation ends.
    pub(super) async fn follow<O: Observer>(
        &mut self,
        mut track: Track,
        first_wait: Duration,
        observer: &mut O,
    ) -> Result<Ended, O::Stop> {
        self.wait = first_wait;
        self.failures = 0;
        loop {
            self.pause::<O::Stop>().await?;
            match &track {
                Track::Operation(operation) => {
                    let poll = match self.race(self.arm.poll_operation(operation)).await? {
                        Ok(poll) => poll,
                        Err(ArmClientError::Arm(error)) if error.status == 404 => {
                            tracing::info!(goal = ?self.goal, "operation status expired; following the cluster");
                            track = Track::Cluster;
                            self.wait = Duration::ZERO;
                            continue;
                        }
                        // An operation URL off the ARM endpoint gets no token; the cluster
                        // itself, on the endpoint, tells the truth.
                        Err(error @ ArmClientError::UntrustedUrl(_)) => {
                            tracing::warn!(%error, goal = ?self.goal, "operation URL refused; following the cluster");
                            track = Track::Cluster;
                            self.wait = Duration::ZERO;
                            continue;
                        }
                        Err(error) => {
                            self.failed_read(error, observer).await?;
                            continue;
                        }
                    };
                    let cluster = match self.goal {
                        Goal::Create => match self.read_cluster().await? {
                            Ok(cluster) => cluster,
                            Err(error) => {
                                self.failed_read(error, observer).await?;
                                continue;
                            }
                        },
                        Goal::Delete => None,
                    };
                    self.read_succeeded(poll.retry_after);
                    observer.operation_read(&poll, cluster.as_ref()).await?;
                    match poll.state {
                        OperationState::Running(_) => {}
                        OperationState::Unknown => {
                            tracing::info!(goal = ?self.goal, "operation read carried no status; following the cluster");
                            // The cluster was just read: the next read waits as a poll would.
                            track = Track::Cluster;
                        }
                        OperationState::Succeeded => return Ok(Ended::Succeeded(cluster)),
                        OperationState::Failed | OperationState::Canceled => {
                            return Ok(Ended::OperationFailed(poll));
                        }
                    }
                }
                Track::Cluster => match self.read_cluster().await? {
                    Ok(None) => return Ok(Ended::Vanished),
                    Ok(Some(cluster)) => {
                        self.read_succeeded(None);
                        observer.cluster_read(&cluster).await?;
                        if let Some(ended) = self.judge(cluster) {
                            return Ok(ended);
                        }
                    }
                    Err(error) => self.failed_read(error, observer).await?,
                },
            }
        }
    }

    /// Waits before the next call, or ends the follow when the deadline has passed or the stop
    /// signal fires. Also paces a caller's own retried call (the DELETE).
    pub(super) async fn pause<S: From<Interrupted>>(&self) -> Result<(), S> {
        if now_ms() > self.deadline.at_ms {
            return Err(Interrupted::TimedOut(self.deadline.limit).into());
        }
        self.race(tokio::time::sleep(self.wait.min(MAX_WAIT))).await
    }

    /// Counts a failed call: ends the follow after too many in a row, else backs off (doubling,
    /// at most [`MAX_WAIT`]) and tells `observer`.
    pub(super) async fn failed_read<O: Observer>(
        &mut self,
        error: ArmClientError,
        observer: &mut O,
    ) -> Result<(), O::Stop> {
        self.failures += 1;
        // Nothing the follower can wait out: only the user's new sign-in helps.
        if self.failures > self.pacing.max_failures
            || matches!(error, ArmClientError::SignInRequired(_))
        {
            return Err(Interrupted::Unreadable(error).into());
        }
        tracing::warn!(%error, failures = self.failures, goal = ?self.goal, "an ARM call failed; retrying");
        self.wait = (self.wait.max(Duration::from_secs(1)) * 2).min(MAX_WAIT);
        observer.read_failed(self.failures).await
    }

    /// A read answered: the failure count restarts and the next wait follows ARM's advice.
    fn read_succeeded(&mut self, retry_after: Option<Duration>) {
        self.failures = 0;
        self.wait = retry_after.unwrap_or(if self.wait.is_zero() {
            self.pacing.default_interval
        } else {
            self.wait
        });
    }

    /// Whether a cluster read while following the cluster ends the follow.
    fn judge(&self, cluster: ManagedCluster) -> Option<Ended> {
        let state = cluster.provisioning_state();
        match self.goal {
            Goal::Create => match OperationState::parse(state) {
                OperationState::Running(_) | OperationState::Unknown => None,
                OperationState::Succeeded => Some(Ended::Succeeded(Some(cluster))),
                OperationState::Failed | OperationState::Canceled => {
                    Some(Ended::ClusterSettled(cluster))
                }
            },
            Goal::Delete if state.eq_ignore_ascii_case("Deleting") => None,
            Goal::Delete => Some(Ended::ClusterSettled(cluster)),
        }
    }

    /// The job's own cluster, `None` when there is none (or only someone else's).
    async fn read_cluster<S: From<Interrupted>>(
        &self,
    ) -> Result<Result<Option<ManagedCluster>, ArmClientError>, S> {
        let read = self.race(self.mark.read(&self.arm, &self.job)).await?;
        Ok(read.map(|sighting| sighting.own()))
    }

    /// `work`'s result, unless the stop signal fires first (then `work` is dropped).
    async fn race<T, S: From<Interrupted>>(&self, work: impl Future<Output = T>) -> Result<T, S> {
        tokio::select! {
            biased;
            () = self.stop.cancelled() => Err(Interrupted::Stopped.into()),
            value = work => Ok(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_counts_from_its_start_and_never_overflows() {
        let deadline = Deadline::after(1_000, Duration::from_secs(60));
        assert_eq!(deadline.at_ms, 61_000);
        assert_eq!(Deadline::after(i64::MAX - 5, Duration::MAX).at_ms, i64::MAX);
    }
}
