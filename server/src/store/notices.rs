//! What replicas on one PostgreSQL tell each other through it (`LISTEN`/`NOTIFY`): a cancel
//! recorded and a lease handed back (both sent by the triggers of
//! `migrations/postgres/20270202000000_notifications.sql`, at the writer's commit), and a
//! sign-in (sent by [`Store::announce_sign_in`]). SQLite has one process and no notices.
//!
//! A notice is a hint, never the truth: the receiver acts on the row as it reads it then, and the
//! sweep finds everything a lost notice would have said.

use super::engine::Engine;
use super::{Store, StoreError};
use sqlx::postgres::PgListener;

/// The channel of cancels and hand-backs.
const JOBS_CHANNEL: &str = "dashboard_jobs";
/// The channel of sign-ins.
const SIGN_INS_CHANNEL: &str = "dashboard_sign_ins";

/// One thing another replica (or this one) did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A cancel of job `0` was recorded.
    Cancel(String),
    /// The lease on job `0` was handed back; it waits for a replica to take it.
    Released(String),
    /// Person `object_id` of `tenant_id` signed in and their tokens are stored.
    SignedIn {
        /// The person's tenant.
        tenant_id: String,
        /// The person's object id.
        object_id: String,
    },
}

impl Notice {
    /// The notice a payload on `channel` carries; `None` for anything this build does not send.
    fn parse(channel: &str, payload: &str) -> Option<Self> {
        match channel {
            JOBS_CHANNEL => match payload.split_once(':')? {
                ("cancel", job_id) => Some(Self::Cancel(job_id.to_owned())),
                ("released", job_id) => Some(Self::Released(job_id.to_owned())),
                _ => None,
            },
            SIGN_INS_CHANNEL => {
                let (tenant_id, object_id) = payload.split_once('/')?;
                Some(Self::SignedIn {
                    tenant_id: tenant_id.to_owned(),
                    object_id: object_id.to_owned(),
                })
            }
            _ => None,
        }
    }
}

/// A connection listening for notices.
pub struct Notices {
    listener: PgListener,
}

/// What waiting for a notice gave.
#[derive(Debug)]
pub enum Heard {
    /// A notice.
    Notice(Notice),
    /// The connection was lost and has been made again: notices sent meanwhile are gone, so the
    /// listener must catch up from the rows.
    Reconnected,
}

impl Notices {
    /// Waits for the next notice. Payloads this build does not know are skipped.
    pub async fn next(&mut self) -> Result<Heard, StoreError> {
        loop {
            match self.listener.try_recv().await? {
                None => return Ok(Heard::Reconnected),
                Some(notification) => {
                    if let Some(notice) =
                        Notice::parse(notification.channel(), notification.payload())
                    {
                        return Ok(Heard::Notice(notice));
                    }
                    tracing::debug!(
                        channel = notification.channel(),
                        "ignoring a notification this build does not send"
                    );
                }
            }
        }
    }
}

impl Store {
    /// A listener for the notices of every replica; `None` on SQLite.
    pub async fn notices(&self) -> Result<Option<Notices>, StoreError> {
        let Engine::Postgres(pool) = &self.engine else {
            return Ok(None);
        };
        let mut listener = PgListener::connect_with(pool).await?;
        listener
            .listen_all([JOBS_CHANNEL, SIGN_INS_CHANNEL])
            .await?;
        Ok(Some(Notices { listener }))
    }

    /// Tells every replica that person `object_id` of `tenant_id` just signed in (their jobs
    /// waiting for a sign-in continue wherever they run). Nothing on SQLite.
    pub async fn announce_sign_in(
        &self,
        tenant_id: &str,
        object_id: &str,
    ) -> Result<(), StoreError> {
        if let Engine::Postgres(pool) = &self.engine {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(SIGN_INS_CHANNEL)
                .bind(format!("{tenant_id}/{object_id}"))
                .execute(pool)
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{saved_test_job, temp_replicas, test_owner};
    use shared::admin::CancelActor;
    use shared::progress::TaskStatus;

    #[test]
    fn payloads_parse_and_unknown_ones_are_none() {
        assert_eq!(
            Notice::parse(JOBS_CHANNEL, "cancel:job-1"),
            Some(Notice::Cancel("job-1".into()))
        );
        assert_eq!(
            Notice::parse(JOBS_CHANNEL, "released:job-2"),
            Some(Notice::Released("job-2".into()))
        );
        assert_eq!(
            Notice::parse(SIGN_INS_CHANNEL, "t/o"),
            Some(Notice::SignedIn {
                tenant_id: "t".into(),
                object_id: "o".into()
            })
        );
        assert_eq!(Notice::parse(JOBS_CHANNEL, "exploded:job"), None);
        assert_eq!(Notice::parse(JOBS_CHANNEL, "no separator"), None);
        assert_eq!(Notice::parse("elsewhere", "cancel:job"), None);
    }

    /// The next notice `notices` hears, within five seconds.
    async fn heard(notices: &mut Notices) -> Notice {
        match tokio::time::timeout(std::time::Duration::from_secs(5), notices.next()).await {
            Ok(Ok(Heard::Notice(notice))) => notice,
            other => panic!("no notice: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_replica_hears_another_s_cancel_hand_back_and_sign_in() {
        let (replicas, _dir) = temp_replicas(2).await;
        let [a, b] = <[Store; 2]>::try_from(replicas).expect("two");
        let Some(mut notices) = a.notices().await.expect("listen") else {
            assert!(a.is_embedded(), "only SQLite has no notices");
            return;
        };
        let job = saved_test_job(&a, "alice", "1", TaskStatus::Progress, (1, 0)).await;
        let alice = test_owner("alice");
        b.request_cancel(&job.job_id, &CancelActor::of(&alice, &alice), 5, "stop")
            .await
            .expect("cancel");
        assert_eq!(
            heard(&mut notices).await,
            Notice::Cancel(job.job_id.clone())
        );
        a.release_leases().await.expect("hand back");
        assert_eq!(
            heard(&mut notices).await,
            Notice::Released(job.job_id.clone())
        );
        b.announce_sign_in("tenant-test", "alice")
            .await
            .expect("announce");
        assert_eq!(
            heard(&mut notices).await,
            Notice::SignedIn {
                tenant_id: "tenant-test".into(),
                object_id: "alice".into()
            }
        );
    }
}
