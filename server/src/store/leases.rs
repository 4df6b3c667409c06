//! Leases on the work of `provision_jobs` rows, so that with several replicas on one database
//! exactly one works on each running create and each running deletion (docs/ARCHITECTURE.md
//! "Replicas").
//!
//! The standard lease pattern on the job row itself: a replica takes rows whose lease is free or
//! expired in one statement (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so replicas acquiring at
//! once get disjoint rows), renews all of its leases with one statement per heartbeat, and hands
//! them back at a drain. Expiry is on the database's clock. Every change of hands adds one to the
//! row's fence, and every write of the work is conditional on the fence its holder got
//! ([`super::Store::save_job`], the deletion writes), so a replica that hung past its lease and
//! wakes up can no longer write.
//!
//! A job library was considered and not taken: apalis-postgres 1.0 and graphile_worker 0.14 are
//! built on sqlx 0.9 while the session store is on sqlx 0.8, none fences writes to the job's own
//! row or carries a cancel to a job running elsewhere, they rerun a job from its payload while a
//! create resumes from its row (it must never send its PUT twice), and graphile_worker and sqlxmq
//! are PostgreSQL-only while SQLite stays the default.

use super::engine::{Engine, on_engine};
use super::jobs::{COLUMNS, JobRow};
use super::{JobRecord, Store, StoreError};
use std::time::Duration;

/// The condition of a row something must work on: a running create, or a running deletion of
/// the partial cluster a stopped one left.
const NEEDS_WORK: &str = "(finished_at_ms IS NULL OR deletion_state = 'deleting')";

/// Who holds the leases this store takes, and for how long each lasts unless renewed.
#[derive(Clone, Debug)]
pub struct LeaseTerms {
    /// This replica's name in `lease_holder`: host, process id and a random part, so a
    /// restarted process never mistakes its predecessor's leases for its own.
    pub holder: String,
    /// How long a lease lasts after it is taken or renewed.
    pub ttl: Duration,
}

impl LeaseTerms {
    /// The default lease time: a replica that dies loses its work to another after at most this
    /// long plus one heartbeat.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(10);

    /// Terms for this process, with a new holder name.
    pub fn for_this_process(ttl: Duration) -> Self {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "replica".into());
        let random = uuid::Uuid::new_v4().simple().to_string();
        Self {
            holder: format!("{host}/{}/{}", std::process::id(), &random[..8]),
            ttl,
        }
    }

    pub(super) fn ttl_ms(&self) -> i64 {
        i64::try_from(self.ttl.as_millis()).unwrap_or(i64::MAX)
    }
}

/// One lease a heartbeat renewed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldLease {
    /// The row.
    pub job_id: String,
    /// Its fence now.
    pub fence: i64,
    /// Whether its create has a cancel request its worker must act on.
    pub cancel_requested: bool,
}

/// Which rows an acquisition may take besides free ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Takeover {
    /// Rows whose lease expired (a replica died or hung).
    Expired,
    /// Every row another holder has, expired or not: for the start of a process that is the
    /// database's only user (SQLite), whose predecessor's leases are orphans at once.
    Everything,
}

impl Store {
    /// This store's lease terms.
    pub fn lease_terms(&self) -> &LeaseTerms {
        &self.lease
    }

    /// This store with leases held under `terms` instead.
    pub fn with_lease_terms(mut self, terms: LeaseTerms) -> Self {
        self.lease = std::sync::Arc::new(terms);
        self
    }

    /// Takes the lease on up to `limit` rows that need work and have no live holder other
    /// than this store (free, expired, or with [`Takeover::Everything`] anyone's), oldest
    /// first, and answers them with their new fences.
    #[tracing::instrument(skip_all, err)]
    pub async fn acquire_orphans(
        &self,
        limit: i64,
        takeover: Takeover,
    ) -> Result<Vec<JobRecord>, StoreError> {
        self.acquire(None, limit, takeover).await
    }

    /// Takes the lease on job `job_id` when it needs work and its lease is free or expired:
    /// for a cancel that no worker of this replica can deliver and no live replica holds.
    #[tracing::instrument(skip_all, err, fields(job_id = %job_id))]
    pub async fn acquire_job(&self, job_id: &str) -> Result<Option<JobRecord>, StoreError> {
        Ok(self
            .acquire(Some(job_id), 1, Takeover::Expired)
            .await?
            .pop())
    }

    async fn acquire(
        &self,
        job_id: Option<&str>,
        limit: i64,
        takeover: Takeover,
    ) -> Result<Vec<JobRecord>, StoreError> {
        let mut rows = on_engine!(
            &self.engine,
            format!(
                "UPDATE provision_jobs \
                 SET lease_holder = ?, lease_until_ms = CLOCK_MS + ?, lease_fence = lease_fence + 1 \
                 WHERE job_id IN (SELECT job_id FROM provision_jobs \
                   WHERE {NEEDS_WORK} AND (? IS NULL OR job_id = ?) \
                   AND (lease_holder IS NULL OR lease_until_ms < CLOCK_MS OR ?) \
                   AND (lease_holder IS NULL OR lease_holder <> ?) \
                   ORDER BY created_at_ms, job_id LIMIT ? SKIP_LOCKED) \
                 RETURNING {COLUMNS}"
            ),
            |pool, sql| sqlx::query_as::<_, JobRow>(sql)
                .bind(&self.lease.holder)
                .bind(self.lease.ttl_ms())
                .bind(job_id)
                .bind(job_id)
                .bind(takeover == Takeover::Everything)
                .bind(&self.lease.holder)
                .bind(limit)
                .fetch_all(pool)
                .await
        )?
        .into_iter()
        .map(JobRow::into_record)
        .collect::<Result<Vec<_>, _>>()?;
        rows.sort_by(|a, b| (a.created_at_ms, &a.job_id).cmp(&(b.created_at_ms, &b.job_id)));
        Ok(rows)
    }

    /// The heartbeat: extends every lease this store holds on rows that still need work, and
    /// answers them. A lease missing from the answer was lost (taken over after it expired).
    pub async fn renew_leases(&self) -> Result<Vec<HeldLease>, StoreError> {
        let held: Vec<(String, i64, bool)> = on_engine!(
            &self.engine,
            format!(
                "UPDATE provision_jobs SET lease_until_ms = CLOCK_MS + ? \
                 WHERE lease_holder = ? AND {NEEDS_WORK} \
                 RETURNING job_id, lease_fence, \
                 (finished_at_ms IS NULL AND cancel_requested_at_ms IS NOT NULL)"
            ),
            |pool, sql| sqlx::query_as(sql)
                .bind(self.lease.ttl_ms())
                .bind(&self.lease.holder)
                .fetch_all(pool)
                .await
        )?;
        Ok(held
            .into_iter()
            .map(|(job_id, fence, cancel_requested)| HeldLease {
                job_id,
                fence,
                cancel_requested,
            })
            .collect())
    }

    /// Hands back every lease this store holds (a drain), each with a new fence so nothing this
    /// replica still had in flight can write; answers how many.
    pub async fn release_leases(&self) -> Result<u64, StoreError> {
        Ok(on_engine!(
            &self.engine,
            "UPDATE provision_jobs \
             SET lease_holder = NULL, lease_until_ms = NULL, lease_fence = lease_fence + 1 \
             WHERE lease_holder = ?",
            |pool, sql| sqlx::query(sql)
                .bind(&self.lease.holder)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        )?)
    }

    /// Whether this is the embedded engine, whose database has one process.
    pub fn is_embedded(&self) -> bool {
        matches!(self.engine, Engine::Sqlite(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{SaveOutcome, saved_test_job, temp_replicas, test_owner};
    use shared::admin::CancelActor;
    use shared::progress::TaskStatus;

    /// `store` holding its leases under its own name for `ttl`.
    fn with_ttl(store: Store, ttl: Duration) -> Store {
        let holder = store.lease_terms().holder.clone();
        store.with_lease_terms(LeaseTerms { holder, ttl })
    }

    #[tokio::test]
    async fn a_live_lease_is_its_holder_s_and_an_expired_one_changes_hands() {
        let (replicas, _dir) = temp_replicas(2).await;
        let [a, b] = <[Store; 2]>::try_from(replicas).expect("two");
        let a = with_ttl(a, Duration::from_millis(300));
        let job = saved_test_job(&a, "alice", "1", TaskStatus::Progress, (1, 0)).await;
        assert_eq!(
            job.lease_holder.as_deref(),
            Some(a.lease_terms().holder.as_str())
        );
        assert_eq!(job.lease_fence, 1, "the inserter holds it from the start");

        assert_eq!(
            b.acquire_orphans(10, Takeover::Expired).await.expect("b"),
            vec![]
        );
        assert_eq!(b.acquire_job(&job.job_id).await.expect("b"), None);
        assert_eq!(
            a.acquire_orphans(10, Takeover::Expired).await.expect("a"),
            vec![],
            "a holder does not take its own lease again"
        );
        let renewed = a.renew_leases().await.expect("renew");
        assert_eq!(renewed.len(), 1);

        tokio::time::sleep(Duration::from_millis(400)).await;
        let taken = b.acquire_orphans(10, Takeover::Expired).await.expect("b");
        assert_eq!(taken.len(), 1, "expired: taken over");
        assert_eq!(taken[0].lease_fence, 2);
        assert_eq!(
            taken[0].lease_holder.as_deref(),
            Some(b.lease_terms().holder.as_str())
        );

        assert_eq!(a.renew_leases().await.expect("renew"), vec![], "a lost it");
        let mut stale = job.clone();
        stale.message = "a wakes up".into();
        assert_eq!(
            a.save_job(&stale).await.expect("save"),
            SaveOutcome::LeaseLost,
            "the old holder's fence is refused"
        );
        let mut current = taken[0].clone();
        current.message = "b works".into();
        assert_eq!(
            b.save_job(&current).await.expect("save"),
            SaveOutcome::Saved
        );
        let read = b.job_by_id(&job.job_id).await.expect("read").expect("row");
        assert_eq!(read.message, "b works");
    }

    #[tokio::test]
    async fn handed_back_leases_are_taken_at_once_with_a_new_fence() {
        let (replicas, _dir) = temp_replicas(2).await;
        let [a, b] = <[Store; 2]>::try_from(replicas).expect("two");
        let job = saved_test_job(&a, "alice", "1", TaskStatus::Progress, (1, 0)).await;
        saved_test_job(&a, "alice", "2", TaskStatus::Success, (1, 2)).await;
        assert_eq!(
            a.release_leases().await.expect("release"),
            1,
            "only the running job's"
        );
        assert_eq!(
            a.save_job(&job).await.expect("save"),
            SaveOutcome::LeaseLost,
            "nothing written after the hand-back"
        );
        let taken = b.acquire_job(&job.job_id).await.expect("b").expect("free");
        assert_eq!(
            taken.lease_fence, 3,
            "one for the hand-back, one for the take"
        );
    }

    #[tokio::test]
    async fn a_process_alone_on_its_database_takes_over_everything_at_start() {
        let (replicas, _dir) = temp_replicas(2).await;
        let [old, new] = <[Store; 2]>::try_from(replicas).expect("two");
        saved_test_job(&old, "alice", "1", TaskStatus::Progress, (1, 0)).await;
        assert_eq!(
            new.acquire_orphans(10, Takeover::Expired)
                .await
                .expect("live"),
            vec![]
        );
        let taken = new
            .acquire_orphans(10, Takeover::Everything)
            .await
            .expect("all");
        assert_eq!(taken.len(), 1);
    }

    #[tokio::test]
    async fn replicas_acquiring_at_once_take_disjoint_rows() {
        let (replicas, _dir) = temp_replicas(3).await;
        let jobs = 30;
        for n in 0..jobs {
            saved_test_job(
                &replicas[0],
                "alice",
                &n.to_string(),
                TaskStatus::Progress,
                (n, 0),
            )
            .await;
        }
        replicas[0].release_leases().await.expect("orphan them");
        let takes = replicas[1..].iter().map(|replica| async move {
            let mut taken = Vec::new();
            loop {
                let batch = replica
                    .acquire_orphans(4, Takeover::Expired)
                    .await
                    .expect("take");
                if batch.is_empty() {
                    return taken;
                }
                taken.extend(batch.into_iter().map(|job| job.job_id));
            }
        });
        let taken: Vec<Vec<String>> = futures_util::future::join_all(takes).await;
        let mut all: Vec<&String> = taken.iter().flatten().collect();
        let total = all.len();
        all.sort();
        all.dedup();
        assert_eq!((total, all.len()), (30, 30), "every row once, none twice");
    }

    #[tokio::test]
    async fn the_heartbeat_reports_a_cancel_recorded_anywhere() {
        let (replicas, _dir) = temp_replicas(2).await;
        let [a, b] = <[Store; 2]>::try_from(replicas).expect("two");
        let job = saved_test_job(&a, "alice", "1", TaskStatus::Progress, (1, 0)).await;
        assert!(!a.renew_leases().await.expect("renew")[0].cancel_requested);
        let alice = test_owner("alice");
        b.request_cancel(&job.job_id, &CancelActor::of(&alice, &alice), 5, "stop")
            .await
            .expect("cancel");
        let held = a.renew_leases().await.expect("renew");
        assert_eq!(
            held,
            [HeldLease {
                job_id: job.job_id.clone(),
                fence: 1,
                cancel_requested: true
            }]
        );
    }
}
