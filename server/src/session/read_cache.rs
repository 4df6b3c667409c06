//! The session records a SQLite dashboard keeps in memory, so a signed-in request reads its
//! session without a database query (issue 18: the load was half the cost of a task read).
//!
//! Only for SQLite, where this process is the one writer of the sessions table: every save and
//! delete passes through [`SessionReadCache`], so nothing it holds can outlive a sign-out. On
//! PostgreSQL another replica may delete a session (a sign-out there must end a copied cookie
//! here at once), so those dashboards read every session from the database.
//!
//! A load that missed reads the database and then keeps what it read, unless a save or delete
//! happened meanwhile (it may have read the record as it was before): every write first
//! changes the database, then bumps [`SessionReadCache::writes`] and drops the cached record
//! under one lock, and a load keeps its record only if, under that lock, the count is still
//! the one it saw before its read. A record past its expiry is never answered.

use quick_cache::sync::Cache;
use std::sync::Mutex;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};

/// How many sessions are kept: far more than the people of one team, about 1 KB each.
const CAPACITY: usize = 4096;

/// See the module documentation.
pub struct SessionReadCache {
    records: Cache<Id, Record>,
    /// Saves and deletes so far; the lock also orders them against a miss's insert.
    writes: Mutex<u64>,
}

/// What a miss saw before reading the database; see [`SessionReadCache::keep`].
#[derive(Clone, Copy, Debug)]
pub struct WritesSeen(u64);

/// Never the records: they hold sessions.
impl std::fmt::Debug for SessionReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionReadCache")
            .field("records", &self.records.len())
            .finish_non_exhaustive()
    }
}

impl Default for SessionReadCache {
    fn default() -> Self {
        Self::with_capacity(CAPACITY)
    }
}

impl SessionReadCache {
    fn with_capacity(capacity: usize) -> Self {
        Self {
            records: Cache::new(capacity),
            writes: Mutex::new(0),
        }
    }

    /// The unexpired cached record of `id`, or else what a miss must hand to
    /// [`Self::keep`] after reading the database.
    pub fn get(&self, id: &Id) -> Result<Record, WritesSeen> {
        match self.records.get(id) {
            Some(record) if record.expiry_date > OffsetDateTime::now_utc() => Ok(record),
            _ => Err(WritesSeen(*self.lock())),
        }
    }

    /// Keeps `record`, read from the database after `seen`, unless a write came in between.
    pub fn keep(&self, seen: WritesSeen, record: &Record) {
        let writes = self.lock();
        if *writes == seen.0 {
            self.records.insert(record.id, record.clone());
        }
    }

    /// Called after the database saved or deleted the record of `id`: forgets it, and any read
    /// under way is not kept.
    pub fn written(&self, id: &Id) {
        let mut writes = self.lock();
        *writes += 1;
        self.records.remove(id);
    }

    /// The write count; a panic elsewhere while it was held leaves the count intact.
    fn lock(&self) -> std::sync::MutexGuard<'_, u64> {
        self.writes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    fn record(id: i128, expires_in: Duration) -> Record {
        Record {
            id: Id(id),
            data: Default::default(),
            expiry_date: OffsetDateTime::now_utc() + expires_in,
        }
    }

    #[test]
    fn a_kept_record_is_answered_until_it_is_written() {
        let cache = SessionReadCache::default();
        let alice = record(1, Duration::hours(1));
        let seen = cache.get(&alice.id).expect_err("empty at first");
        cache.keep(seen, &alice);
        assert_eq!(cache.get(&alice.id).ok().map(|r| r.id), Some(alice.id));
        cache.written(&alice.id);
        assert!(cache.get(&alice.id).is_err(), "a sign-out forgets it");
    }

    #[test]
    fn a_read_that_overlapped_a_write_is_not_kept() {
        let cache = SessionReadCache::default();
        let alice = record(1, Duration::hours(1));
        // A miss reads the database (the session as it was)...
        let seen = cache.get(&alice.id).expect_err("empty at first");
        // ...while a sign-out deletes it...
        cache.written(&alice.id);
        // ...so what the miss read is not kept.
        cache.keep(seen, &alice);
        assert!(cache.get(&alice.id).is_err());
    }

    #[test]
    fn an_expired_record_is_never_answered() {
        let cache = SessionReadCache::default();
        let stale = record(2, Duration::seconds(-1));
        let seen = cache.get(&stale.id).expect_err("empty at first");
        cache.keep(seen, &stale);
        assert!(cache.get(&stale.id).is_err());
    }

    #[test]
    fn the_cache_stays_within_its_capacity() {
        let cache = SessionReadCache::with_capacity(16);
        for id in 0..1000 {
            let seen = cache.get(&Id(id)).expect_err("new");
            cache.keep(seen, &record(id, Duration::hours(1)));
        }
        assert!(cache.records.len() <= 16, "{} kept", cache.records.len());
    }
}
