//! A small time-limited, single-flight cache for ARM reads that change rarely or are read by
//! many at once (subscriptions, regions, clusters, a region's VM size catalogue).
//!
//! Concurrent misses of one key share one fetch: the first caller runs it and the others await
//! its answer (a `tokio::sync::OnceCell` per key), so a burst of page loads costs ARM one call.
//! A failed fetch is not stored: the next waiter runs its own, and so does the next caller.
//!
//! Hand-written rather than a crate such as moka (whose `get_with` also coalesces): the entries
//! are a few subscriptions and regions, read under a lock held for a map lookup, and a dependency
//! of moka's size would cost CI more compile time than these lines cost to keep.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// One key's value, once fetched, with when it was stored.
type Slot<V> = Arc<OnceCell<(Instant, V)>>;

/// Values kept for `ttl` after they were fetched.
pub struct TtlCache<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, Slot<V>>>,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    /// An empty cache whose entries live `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The value of `key` fetched less than `ttl` ago, or else the answer of `fetch`, which
    /// concurrent callers for the same key share (only an `Ok` is kept).
    pub async fn get_or_fetch<E, F, Fut>(&self, key: K, fetch: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let slot = {
            let now = Instant::now();
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            // Expired values go; fetches still running (their slot held by a caller) stay, so
            // their waiters are joined; a slot left empty by a failed fetch goes, so keys that
            // never answered do not pile up.
            entries.retain(|_, slot| match slot.get() {
                Some((stored, _)) => now.saturating_duration_since(*stored) < self.ttl,
                None => Arc::strong_count(slot) > 1,
            });
            Arc::clone(entries.entry(key).or_default())
        };
        let (_, value) = slot
            .get_or_try_init(|| async { fetch().await.map(|value| (Instant::now(), value)) })
            .await?;
        Ok(value.clone())
    }

    /// Forgets every key `stale` picks, so the next read of each fetches it again (a fetch
    /// already running is not joined by later callers).
    pub fn invalidate_where(&self, stale: impl Fn(&K) -> bool) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.retain(|key, _| !stale(key));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fetch that counts its calls and answers `value` after `delay`.
    async fn counted(
        calls: &AtomicUsize,
        value: i32,
        delay: Duration,
    ) -> Result<i32, &'static str> {
        calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(delay).await;
        Ok(value)
    }

    #[tokio::test]
    async fn concurrent_misses_share_one_fetch_and_later_reads_hit() {
        let cache = Arc::new(TtlCache::new(Duration::from_secs(60)));
        let calls = Arc::new(AtomicUsize::new(0));
        let reads: Vec<_> = (0..20)
            .map(|_| {
                let (cache, calls) = (Arc::clone(&cache), Arc::clone(&calls));
                tokio::spawn(async move {
                    cache
                        .get_or_fetch("eastus", || counted(&calls, 1, Duration::from_millis(50)))
                        .await
                })
            })
            .collect();
        for read in reads {
            assert_eq!(read.await.ok(), Some(Ok(1)));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let again = cache
            .get_or_fetch("eastus", || counted(&calls, 2, Duration::ZERO))
            .await;
        assert_eq!((again, calls.load(Ordering::SeqCst)), (Ok(1), 1));
        let other = cache
            .get_or_fetch("westeurope", || counted(&calls, 3, Duration::ZERO))
            .await;
        assert_eq!(
            (other, calls.load(Ordering::SeqCst)),
            (Ok(3), 2),
            "keys are separate"
        );
    }

    #[tokio::test]
    async fn values_expire_failures_are_not_kept_and_invalidation_forgets() {
        let cache = TtlCache::new(Duration::from_millis(30));
        let failed: Result<i32, &str> = cache.get_or_fetch("k", || async { Err("down") }).await;
        assert_eq!(failed, Err("down"));
        let calls = AtomicUsize::new(0);
        assert_eq!(
            cache
                .get_or_fetch("k", || counted(&calls, 1, Duration::ZERO))
                .await,
            Ok(1),
            "a failure is fetched again"
        );
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(
            cache
                .get_or_fetch("k", || counted(&calls, 2, Duration::ZERO))
                .await,
            Ok(2),
            "an expired value is fetched again"
        );
        cache.invalidate_where(|key| *key == "k");
        assert_eq!(
            cache
                .get_or_fetch("k", || counted(&calls, 3, Duration::ZERO))
                .await,
            Ok(3)
        );
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn keys_whose_fetch_failed_do_not_pile_up() {
        let cache: TtlCache<String, i32> = TtlCache::new(Duration::from_secs(60));
        for key in ["a", "b", "c"] {
            let failed: Result<i32, &str> =
                cache.get_or_fetch(key.into(), || async { Err("no") }).await;
            assert!(failed.is_err());
        }
        let ok: Result<i32, &str> = cache.get_or_fetch("d".into(), || async { Ok(4) }).await;
        assert_eq!(ok, Ok(4));
        let entries = cache.entries.lock().unwrap_or_else(|p| p.into_inner());
        assert_eq!(entries.len(), 1, "only the answered key is kept");
    }
}
