//! Signals between replicas on PostgreSQL: one task per replica listens for the notices of
//! every replica ([`crate::store::Notices`]) and passes them on: a cancel to the worker of this
//! replica that runs the job, a hand-back to the sweep (which takes the work over at once), a
//! sign-in to the jobs of this replica waiting for that person.
//!
//! Notices only make things faster. When the listening connection drops, the notices sent
//! meanwhile are lost; the task runs a sweep as soon as it is back (the sweep renews the leases
//! and delivers every cancel its rows hold), and until then the regular sweep does the same
//! every third of the lease time. A job waiting for a sign-in rechecks on its own schedule too.

use crate::on_behalf::UserTokens;
use crate::provisioning::Provisioning;
use crate::store::{Heard, Notice, Store};
use shared::caller::Caller;
use std::sync::Arc;
use std::time::Duration;

/// The wait before listening again after the connection failed.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// Starts the listening task (nothing on SQLite, which has one process).
pub fn listen(store: Store, provisioning: Provisioning, tokens: Option<Arc<UserTokens>>) {
    if store.is_embedded() {
        return;
    }
    tokio::spawn(async move {
        loop {
            match store.notices().await {
                Ok(Some(mut notices)) => loop {
                    match notices.next().await {
                        Ok(Heard::Notice(notice)) => pass_on(notice, &provisioning, &tokens),
                        Ok(Heard::Reconnected) => {
                            tracing::warn!("notices may have been missed; sweeping now");
                            provisioning.sweep_now();
                        }
                        Err(error) => {
                            tracing::warn!(%error, "lost the notices connection");
                            break;
                        }
                    }
                },
                Ok(None) => return,
                Err(error) => tracing::warn!(%error, "cannot listen for notices"),
            }
            tokio::time::sleep(RECONNECT_AFTER).await;
            provisioning.sweep_now();
        }
    });
}

fn pass_on(notice: Notice, provisioning: &Provisioning, tokens: &Option<Arc<UserTokens>>) {
    match notice {
        Notice::Cancel(job_id) => provisioning.deliver_cancel(&job_id),
        Notice::Released(_) => provisioning.sweep_now(),
        Notice::SignedIn {
            tenant_id,
            object_id,
        } => {
            if let Some(tokens) = tokens {
                tokens.signed_in(&Caller {
                    tenant_id,
                    object_id,
                    ..Caller::default()
                });
            }
        }
    }
}
