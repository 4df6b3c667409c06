//! Writes that outlast a database hiccup. A worker that cannot save its progress must not quit:
//! the job would look running forever with nobody following it. So a background write (the
//! worker's saves, the deletion's operation and end) is retried with backoff while the failure
//! can pass (SQLite busy or locked past its timeout, a full disk, an I/O error), for up to
//! [`WorkerSettings::save_patience`](super::WorkerSettings). A failure that cannot pass (a
//! closed store during shutdown, a corrupt row) ends at once. When patience runs out the
//! caller stops, and the periodic sweep ([`Provisioning::keep_watch`](super::Provisioning))
//! re-attaches the job once the database answers again.

use crate::store::StoreError;
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;

/// The first wait after a failed write; it doubles up to [`LONGEST_WAIT`].
const FIRST_WAIT: Duration = Duration::from_millis(200);

/// The longest wait between two tries.
const LONGEST_WAIT: Duration = Duration::from_secs(10);

/// Runs `write` until it succeeds, fails for good, or `patience` has passed since the first try
/// (then the last error is returned). `what` names the write in logs.
pub(super) async fn retrying<T, F, Fut>(
    patience: Duration,
    what: &str,
    mut write: F,
) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let give_up_at = Instant::now() + patience;
    let mut wait = FIRST_WAIT;
    let mut failures = 0_u32;
    loop {
        match write().await {
            Ok(value) => {
                if failures > 0 {
                    tracing::info!(what, failures, "database write succeeded after failures");
                }
                return Ok(value);
            }
            Err(error) if error.may_pass() && Instant::now() + wait < give_up_at => {
                failures += 1;
                tracing::warn!(%error, what, failures, wait_ms = wait.as_millis() as u64, "database write failed; retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(LONGEST_WAIT);
            }
            Err(error) => return Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn busy() -> StoreError {
        StoreError::Database(sqlx::Error::Io(std::io::Error::other("database is locked")))
    }

    #[tokio::test(start_paused = true)]
    async fn a_passing_failure_is_retried_until_the_write_lands() {
        let tries = AtomicU32::new(0);
        let saved = retrying(Duration::from_secs(60), "test", || async {
            if tries.fetch_add(1, Ordering::SeqCst) < 5 {
                Err(busy())
            } else {
                Ok("saved")
            }
        })
        .await;
        assert_eq!(saved.ok(), Some("saved"));
        assert_eq!(tries.load(Ordering::SeqCst), 6);
    }

    #[tokio::test(start_paused = true)]
    async fn patience_ends_the_retries_and_a_lasting_failure_is_not_retried() {
        let tries = AtomicU32::new(0);
        let started = Instant::now();
        let result: Result<(), _> = retrying(Duration::from_secs(5), "test", || async {
            tries.fetch_add(1, Ordering::SeqCst);
            Err(busy())
        })
        .await;
        assert!(result.is_err());
        assert!(started.elapsed() <= Duration::from_secs(5));
        assert!(tries.load(Ordering::SeqCst) > 3, "retried meanwhile");

        let tries = AtomicU32::new(0);
        let result: Result<(), _> = retrying(Duration::from_secs(60), "test", || async {
            tries.fetch_add(1, Ordering::SeqCst);
            Err(StoreError::Database(sqlx::Error::PoolClosed))
        })
        .await;
        assert!(result.is_err());
        assert_eq!(tries.load(Ordering::SeqCst), 1, "a closed store is final");
    }
}
