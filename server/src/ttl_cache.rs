//! A small time-limited cache for ARM reads that change rarely (a region's VM size catalogue).
//!
//! Hand-written rather than a crate such as moka: the entries are a few subscription × region
//! pairs, read under a lock held for a map lookup, and a dependency of moka's size would cost CI
//! more compile time than these lines cost to keep.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Values kept for `ttl` after they were stored.
pub struct TtlCache<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    /// An empty cache whose entries live `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The value stored for `key` less than `ttl` before `now`. Expired entries are dropped.
    pub fn get(&self, key: &K, now: Instant) -> Option<V> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, (stored, _)| now.saturating_duration_since(*stored) < self.ttl);
        entries.get(key).map(|(_, value)| value.clone())
    }

    /// Stores `value` for `key` as of `now`.
    pub fn insert(&self, key: K, value: V, now: Instant) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.insert(key, (now, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_live_exactly_as_long_as_the_ttl() {
        let cache = TtlCache::new(Duration::from_secs(300));
        let start = Instant::now();
        assert_eq!(cache.get(&"eastus", start), None);
        cache.insert("eastus", 1, start);
        assert_eq!(
            cache.get(&"eastus", start + Duration::from_secs(299)),
            Some(1)
        );
        assert_eq!(cache.get(&"westeurope", start), None, "keys are separate");
        assert_eq!(cache.get(&"eastus", start + Duration::from_secs(300)), None);
        assert_eq!(
            cache.get(&"eastus", start),
            None,
            "an expired entry is gone, not revived by an earlier clock"
        );
    }

    #[test]
    fn a_new_value_replaces_the_old_and_restarts_its_time() {
        let cache = TtlCache::new(Duration::from_secs(10));
        let start = Instant::now();
        cache.insert("k", 1, start);
        cache.insert("k", 2, start + Duration::from_secs(8));
        assert_eq!(cache.get(&"k", start + Duration::from_secs(15)), Some(2));
    }
}
